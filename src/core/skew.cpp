// Clock skew, attributed. Received times should not go backwards; when they do, one clock is
// off, and which one matters: blaming the wrong hop sends an analyst after the wrong server.
//
// Every clock the message carries takes part: each hop's stamp, the Date field (the sender's
// clock), DKIM-Signature t=, ARC-Seal t=, vendor arrival stamps and Gmail's X-Received. Laid
// out in the order the message met them, the clocks that agree with each other form the
// longest non-decreasing run; a clock outside every such run is out of line with its
// neighbours and is the suspect. When two runs of equal length disagree (two clocks, nothing
// else), the step is "ambiguous". O(n log n): patience sorting, forwards and backwards.
//   sample-1109: "... by mail.cistsec.com.cn (Postfix) ...; Mon, 13 Mar 2023 19:59:03 +0800"
//   below four Office 365 stamps from 11:20:10Z: the Postfix clock is 39 min ahead.

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/chain_internal.hpp"
#include "core/zone_names.hpp"

namespace hopscope::detail {
namespace {

constexpr std::int64_t k_none = std::numeric_limits<std::int64_t>::min();

struct point {
  std::int64_t value = 0;   // epoch as stamped
  std::int64_t lifted = 0;  // after jitter within the tolerance is smoothed out
  bool is_hop = true;
  std::size_t index = 0;  // hop index, or clock index
};

enum class status : std::uint8_t { firm, ambiguous, out };

std::string utc_text(std::int64_t epoch) { return format_utc(epoch); }

std::string offset_text(int minutes) {
  const int a = minutes < 0 ? -minutes : minutes;
  return fmt::format("{}{:02}{:02}", minutes < 0 ? '-' : '+', a / 60, a % 60);
}

// Where an ambiguous or non-RFC name can mean something else, the alternatives, so an analyst
// can see by how much the time may be off. "Thu, 30 Aug 2001 19:06:45 +0800 (CST)"
// (spamassassin-t-data/spam/003) is China's CST; RFC 5322 says US Central.
struct zone_alternatives {
  std::string_view name;
  std::string_view text;
};
constexpr std::array k_alternatives = {
    zone_alternatives{"AST", "-04:00 Atlantic Standard Time or +03:00 Arabia Standard Time"},
    zone_alternatives{"BST", "+01:00 British Summer Time or +06:00 Bangladesh Standard Time"},
    zone_alternatives{"CST",
                      "-06:00 US Central (RFC 5322), +08:00 China Standard Time or "
                      "-05:00 Cuba Standard Time"},
    zone_alternatives{"EST",
                      "-05:00 US Eastern (RFC 5322) or +10:00 Australian Eastern "
                      "Standard Time (old name)"},
    zone_alternatives{"IST", "+05:30 India, +02:00 Israel or +01:00 Irish Summer Time"},
    zone_alternatives{"PHT", "+08:00 Philippine Time or +13:00 Phoenix Islands Time"},
    zone_alternatives{"WST", "+08:00 Western Australia or +13:00 West Samoa Time"},
};

// The alphabetic zone token of a date text, outside comments: "Tue, 16 Jul 2013 05:16:35 JST".
std::string_view zone_token(std::string_view text) noexcept {
  std::string_view found;
  int depth = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '(') {
      ++depth;
      ++i;
      continue;
    }
    if (c == ')') {
      if (depth > 0) --depth;
      ++i;
      continue;
    }
    const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    if (!alpha) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    while (i < text.size() &&
           ((text[i] >= 'A' && text[i] <= 'Z') || (text[i] >= 'a' && text[i] <= 'z')))
      ++i;
    const std::string_view word = text.substr(start, i - start);
    if (depth == 0 && find_zone_name(word) != nullptr) found = word;
  }
  return found;
}

// Whether zone_findings_of() has anything to say about `t`: most stamps have a numeric zone,
// and their hop's label need not be built.
bool may_have_zone_findings(const timestamp& t) noexcept {
  return (t.notes & note_offset_out_of_range) != 0 || t.zone == zone_rule::us_named ||
         t.zone == zone_rule::other_named;
}

// The zone findings of one stamp: a hop's (hop set) or the Date field's (hop null; the
// sender's clock, not a relay's).
void zone_findings_of(hop_chain& chain, const timestamp& t, std::string_view date_text,
                      std::optional<std::size_t> hop, const std::string& who) {
  if (t.notes & note_offset_out_of_range) {
    add_finding(chain, "zone_offset_out_of_range", hop,
                who + " stamps the offset " + offset_text(t.offset_minutes) +
                    ", outside -12:00..+14:00: no zone on Earth uses it, so the time is "
                    "unreliable",
                severity::warning);
  }
  if (t.zone != zone_rule::us_named && t.zone != zone_rule::other_named) return;
  const std::string_view name = zone_token(date_text);
  std::string upper(name);
  for (char& c : upper) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  std::string_view alternatives;
  for (const auto& a : k_alternatives) {
    if (a.name == upper) alternatives = a.text;
  }
  const std::string read_as = offset_text(t.offset_minutes);
  if (!alternatives.empty() || (t.notes & note_ambiguous_zone_name)) {
    add_finding(
        chain, "ambiguous_zone_name", hop,
        who + " writes its zone as the bare name '" + upper + "', read as " + read_as +
            "; it can also mean " +
            (alternatives.empty() ? std::string("another zone") : std::string(alternatives)) +
            ", so this time may be off by hours",
        severity::notice);
  } else {
    add_finding(chain, "bare_zone_name", hop,
                who + " writes its zone as the bare name '" + upper + "', read as " + read_as +
                    (t.zone == zone_rule::us_named
                         ? " (RFC 5322 4.3); a numeric offset would leave no doubt"
                         : "; RFC 5322 does not define it (its meaning here is a guess)"),
                severity::info);
  }
}

void zone_findings(hop_chain& chain, std::string_view date_text) {
  for (std::size_t i = 0; i < chain.hops.size(); ++i) {
    const auto& r = chain.hops[i].received;
    if (r.time && may_have_zone_findings(*r.time)) {
      zone_findings_of(chain, *r.time, r.date_text, i, hop_label(chain, i));
    }
  }
  // "Date: Wed, 18 Feb 2004 13:42:22 EST" (spamassassin-t-data/nice/mime9): the sender's clock
  // names its zone the same way, and is read the same way.
  if (!date_text.empty()) {
    if (const auto t = parse_mail_date(date_text)) {
      zone_findings_of(chain, *t, date_text, std::nullopt, "the Date field (the sender's clock)");
    }
  }
}

// Longest non-decreasing subsequence lengths ending at (f) and starting at (g) each point.
void lnds(const std::vector<point>& pts, std::vector<std::size_t>& f, std::vector<std::size_t>& g) {
  const std::size_t n = pts.size();
  f.assign(n, 0);
  g.assign(n, 0);
  std::vector<std::int64_t> tails;
  for (std::size_t i = 0; i < n; ++i) {
    const auto it = std::upper_bound(tails.begin(), tails.end(), pts[i].lifted);
    f[i] = static_cast<std::size_t>(it - tails.begin()) + 1;
    if (it == tails.end()) {
      tails.push_back(pts[i].lifted);
    } else {
      *it = pts[i].lifted;
    }
  }
  tails.clear();
  for (std::size_t i = n; i-- > 0;) {
    const std::int64_t key = -pts[i].lifted;
    const auto it = std::upper_bound(tails.begin(), tails.end(), key);
    g[i] = static_cast<std::size_t>(it - tails.begin()) + 1;
    if (it == tails.end()) {
      tails.push_back(key);
    } else {
      *it = key;
    }
  }
}

std::string clock_label(const hop_chain& chain, const point& p) {
  if (p.is_hop) return hop_label(chain, p.index);
  const clock_stamp& c = chain.clocks[p.index];
  std::string s =
      c.source == "date" ? std::string("the Date field (the sender's clock)") : c.source;
  if (!c.detail.empty() && c.source != "date") s += " " + c.detail;
  return s;
}

}  // namespace

void attribute_skew(hop_chain& chain, const chain_options& options, std::string_view date_text) {
  auto& hops = chain.hops;
  const std::int64_t tol = options.skew_tolerance_seconds;
  zone_findings(chain, date_text);

  std::vector<std::size_t> dated;
  for (std::size_t i = 0; i < hops.size(); ++i) {
    if (hops[i].received.time) dated.push_back(i);
  }
  auto t = [&](std::size_t i) { return hops[i].received.time->epoch; };

  bool backwards = false;
  for (std::size_t k = 1; k < dated.size(); ++k) {
    hop& h = hops[dated[k]];
    const std::int64_t step = t(dated[k]) - t(dated[k - 1]);
    h.raw_delay_seconds = step;
    if (step >= 0) {
      h.delay_seconds = step;
    } else {
      // Going back in time is a clock being off, never a negative delay: the wait is at
      // least zero, and by how much the clocks disagree is reported on its own.
      h.skew_seconds = -step;
      if (-step <= tol) {
        h.delay_seconds = 0;
      } else {
        backwards = true;
      }
    }
  }
  if (dated.empty()) return;
  {
    const std::int64_t raw_total = t(dated.back()) - t(dated.front());
    if (raw_total >= 0) chain.raw_total_seconds = raw_total;
  }

  // The points in the order the message met them: clocks placed before every hop first, then
  // each hop followed by the clocks placed after it. A clock that agrees with the hop next to
  // it is taken for that hop's own clock (the SMTPSVC host of sample-1206 wrote its Received
  // line, the Date and X-OriginalArrivalTime from one clock): it is not a second witness.
  std::vector<std::vector<std::size_t>> after(hops.size());
  std::vector<std::size_t> before_all;
  if (backwards) {
    for (std::size_t c = 0; c < chain.clocks.size(); ++c) {
      clock_stamp& clk = chain.clocks[c];
      clk.used = false;
      if (clk.epoch <= 0) continue;
      std::optional<std::size_t> neighbour;
      if (clk.after_hop && *clk.after_hop < hops.size()) {
        for (std::size_t j = *clk.after_hop + 1; j-- > 0;) {
          if (hops[j].received.time) {
            neighbour = j;
            break;
          }
        }
      } else {
        neighbour = dated.front();
      }
      if (neighbour) {
        const std::int64_t d = clk.epoch - t(*neighbour);
        if (d <= tol && d >= -tol) continue;
      }
      clk.used = true;
      if (clk.after_hop && *clk.after_hop < hops.size()) {
        after[*clk.after_hop].push_back(c);
      } else {
        before_all.push_back(c);
      }
    }
  }
  std::vector<point> pts;
  pts.reserve(dated.size() + chain.clocks.size());
  for (const std::size_t c : before_all) pts.push_back({chain.clocks[c].epoch, 0, false, c});
  std::vector<std::size_t> hop_point(hops.size(), std::numeric_limits<std::size_t>::max());
  for (std::size_t i = 0; i < hops.size(); ++i) {
    if (hops[i].received.time) {
      hop_point[i] = pts.size();
      pts.push_back({t(i), 0, true, i});
    }
    for (const std::size_t c : after[i]) pts.push_back({chain.clocks[c].epoch, 0, false, c});
  }
  // Jitter within the tolerance is not skew: lift such a point to the one before it.
  for (std::size_t i = 0; i < pts.size(); ++i) {
    pts[i].lifted = pts[i].value;
    if (i > 0 && pts[i].value < pts[i - 1].lifted && pts[i - 1].lifted - pts[i].value <= tol) {
      pts[i].lifted = pts[i - 1].lifted;
    }
  }
  const std::size_t n = pts.size();
  std::vector<std::size_t> f, g;
  lnds(pts, f, g);
  std::size_t best = 0;
  for (const std::size_t x : f) best = std::max(best, x);
  std::vector<std::size_t> per_level(best + 2, 0);
  std::vector<status> st(n, status::out);
  for (std::size_t i = 0; i < n; ++i) {
    if (f[i] + g[i] - 1 == best) ++per_level[f[i]];
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (f[i] + g[i] - 1 != best) continue;
    st[i] = per_level[f[i]] == 1 ? status::firm : status::ambiguous;
  }
  // One agreeing run to adjust by, preferring the later (receiving-side) clocks on a tie: the
  // receiving organisation's own clock is the reference an analyst compares against.
  std::vector<bool> kept(n, false);
  {
    std::size_t level = best;
    std::int64_t bound = std::numeric_limits<std::int64_t>::max();
    for (std::size_t i = n; i-- > 0 && level > 0;) {
      if (f[i] == level && st[i] != status::out && pts[i].lifted <= bound) {
        kept[i] = true;
        bound = pts[i].lifted;
        --level;
      }
    }
  }
  // Adjusted times: kept points as they are; the others pulled into the bracket of their
  // kept neighbours; then a running maximum, so no adjusted delay is ever negative.
  std::vector<std::int64_t> next_kept(n, k_none);
  for (std::size_t i = n, nk = n; i-- > 0;) {
    next_kept[i] = nk < n ? pts[nk].lifted : k_none;
    if (kept[i]) nk = i;
  }
  std::vector<std::int64_t> adj(n, 0);
  std::int64_t prev_kept = k_none;
  for (std::size_t i = 0; i < n; ++i) {
    std::int64_t a = pts[i].lifted;
    if (!kept[i]) {
      a = pts[i].value;
      if (next_kept[i] != k_none) a = std::min(a, next_kept[i]);
      if (prev_kept != k_none) a = std::max(a, prev_kept);
    } else {
      prev_kept = pts[i].lifted;
    }
    if (i > 0) a = std::max(a, adj[i - 1]);
    adj[i] = a;
  }
  std::optional<std::int64_t> prev_adj;
  for (std::size_t i = 0; i < hops.size(); ++i) {
    if (hop_point[i] >= n) continue;
    hop& h = hops[i];
    const std::size_t p = hop_point[i];
    h.adjusted_epoch = adj[p];
    if (prev_adj) h.adjusted_delay_seconds = adj[p] - *prev_adj;
    prev_adj = adj[p];
    const std::int64_t off = pts[p].value - adj[p];
    if (!kept[p] && (off > tol || off < -tol)) {
      h.clock_offset_seconds = off;
      h.clock_suspect = st[p] == status::out;
    }
  }
  chain.total_seconds = adj[hop_point[dated.back()]] - adj[hop_point[dated.front()]];
  if (!backwards) return;

  std::size_t kept_count = 0;
  for (std::size_t i = 0; i < n; ++i) kept_count += kept[i];
  std::vector<bool> reported(hops.size(), false);
  for (std::size_t k = 1; k < dated.size(); ++k) {
    const std::size_t a = dated[k - 1], b = dated[k];
    const std::int64_t step = t(b) - t(a);
    if (step >= -tol) continue;
    const status sa = st[hop_point[a]], sb = st[hop_point[b]];
    skew_estimate est;
    std::size_t lo = 0, hi = 0;  // the suspect run, dated-index positions [lo, hi]
    bool named = true;
    if (sb == status::out) {
      lo = hi = k;
      while (hi + 1 < dated.size() && st[hop_point[dated[hi + 1]]] == status::out &&
             hops[dated[hi + 1]].clock_offset_seconds.value_or(0) < 0)
        ++hi;
    } else if (sa == status::out) {
      lo = hi = k - 1;
      while (lo > 0 && st[hop_point[dated[lo - 1]]] == status::out &&
             hops[dated[lo - 1]].clock_offset_seconds.value_or(0) > 0)
        --lo;
    } else {
      named = false;
    }
    if (named) {
      const std::size_t first = dated[lo];
      if (reported[first]) continue;
      reported[first] = true;
      for (std::size_t x = lo; x <= hi; ++x) est.hops.push_back(dated[x]);
      const std::size_t lead = sb == status::out ? b : a;
      est.hop = lead;
      est.offset_seconds = hops[lead].clock_offset_seconds.value_or(pts[hop_point[lead]].value -
                                                                    adj[hop_point[lead]]);
      // Which agreeing clocks stand on each side of the run.
      std::vector<std::string> left, right;
      for (std::size_t i = 0; i < n; ++i) {
        if (!kept[i]) continue;
        if (i < hop_point[dated[lo]]) left.push_back(clock_label(chain, pts[i]));
        if (i > hop_point[dated[hi]]) right.push_back(clock_label(chain, pts[i]));
      }
      const bool bracketed = !left.empty() && !right.empty();
      est.confidence = bracketed && kept_count >= 3                           ? "high"
                       : (bracketed || left.size() >= 2 || right.size() >= 2) ? "medium"
                                                                              : "low";
      auto join = [](const std::vector<std::string>& v) {
        std::string s;
        const std::size_t shown = std::min<std::size_t>(v.size(), 4);
        for (std::size_t i = 0; i < shown; ++i) s += (i ? ", " : "") + v[i];
        if (v.size() > shown) s += fmt::format(" and {} more", v.size() - shown);
        return s;
      };
      est.evidence.push_back(hop_label(chain, lead) + " stamped " + utc_text(t(lead)) +
                             "; its neighbours put it at " + utc_text(adj[hop_point[lead]]) +
                             " or later");
      if (!left.empty()) est.evidence.push_back("earlier clocks in line: " + join(left));
      if (!right.empty()) est.evidence.push_back("later clocks in line: " + join(right));
    } else {
      const std::size_t first = a;
      if (reported[first] && reported[b]) continue;
      reported[first] = reported[b] = true;
      est.hops = {a, b};
      est.offset_seconds = step;
      est.confidence = "none";
      est.evidence.push_back(hop_label(chain, a) + " stamped " + utc_text(t(a)) + ", " +
                             hop_label(chain, b) + " stamped " + utc_text(t(b)) +
                             ": no third clock sides with either");
    }
    // A zone written wrongly looks like skew of whole hours: "Fri, 4 Aug 2023 04:49:48 -0700"
    // below "Fri, 4 Aug 2023 04:49:55 +0000" (sample-1206): the wall clocks agree.
    const timestamp& ta = *hops[a].received.time;
    const timestamp& tb = *hops[b].received.time;
    if (ta.offset_known() && tb.offset_known() && ta.offset_minutes != tb.offset_minutes) {
      const std::int64_t wall = (t(a) + ta.offset_minutes * 60) - (t(b) + tb.offset_minutes * 60);
      if (wall <= tol && wall >= -tol) {
        est.evidence.push_back(fmt::format(
            "the wall-clock readings agree within {} s but the zones differ ({} against {}): "
            "one host labels its local time with the wrong zone",
            wall < 0 ? -wall : wall, offset_text(ta.offset_minutes),
            offset_text(tb.offset_minutes)));
      }
    } else {
      const std::int64_t d = -step;
      const std::int64_t rem = d % 1800;
      if (d >= 1800 && (rem <= tol || 1800 - rem <= tol)) {
        est.evidence.push_back(
            "the difference is close to a whole number of half hours: "
            "typical of a wrong zone setting rather than a drifting clock");
      }
    }
    std::string message;
    if (named) {
      message = fmt::format("{} has a clock at least {} {} its neighbours (confidence {})",
                            hop_label(chain, *est.hop), duration_text(est.offset_seconds),
                            est.offset_seconds > 0 ? "ahead of" : "behind", est.confidence);
      if (est.hops.size() > 1) {
        message += fmt::format(", and so do {} adjacent hop(s)", est.hops.size() - 1);
      }
    } else {
      message = "ambiguous: " + hop_label(chain, b) + " is stamped " + duration_text(step) +
                " earlier than " + hop_label(chain, a) +
                "; either the first clock is ahead or the second behind, and no other clock "
                "decides";
    }
    add_finding(chain, "clock_skew", named ? est.hop : std::optional<std::size_t>(b), message,
                severity::notice);
    chain.skews.push_back(std::move(est));
  }
}

}  // namespace hopscope::detail
