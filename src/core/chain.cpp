// The Received chain, origin first: per-field provenance, delays and clock skew (skew.cpp),
// the trust boundary and origin (trust.cpp), continuity, and signs that the chain was forged.

#include "hopscope/chain.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "core/ascii.hpp"
#include "core/chain_internal.hpp"
#include "hopscope/header.hpp"
#include "hopscope/tag_list.hpp"

namespace hopscope {
namespace detail {

void add_finding(hop_chain& chain, std::string code, std::optional<std::size_t> hop_index,
                 std::string message, severity level) {
  chain.findings.push_back(finding{std::move(code), hop_index, std::move(message), level});
}

std::string duration_text(std::int64_t seconds) {
  if (seconds < 0) seconds = -seconds;
  const std::int64_t d = seconds / 86400, h = seconds / 3600 % 24, m = seconds / 60 % 60,
                     s = seconds % 60;
  std::string out;
  if (d) out += std::to_string(d) + "d ";
  if (d || h) out += std::to_string(h) + "h ";
  if (d || h || m) out += std::to_string(m) + "m ";
  out += std::to_string(s) + "s";
  return out;
}

std::string hop_label(const hop_chain& chain, std::size_t i) {
  std::string s = "hop " + std::to_string(i + 1);
  if (i < chain.hops.size()) {
    std::string_view by = chain.hops[i].received.by_host;
    if (!by.empty()) {
      if (by.size() > 80) by = by.substr(0, 80);
      s += " (by " + std::string(by) + ")";
    }
  }
  return s;
}

std::string lower(std::string_view s) {
  std::string out = ascii_lower(s);
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

namespace {

std::optional<std::int64_t> epoch_tag(std::string_view v) noexcept {
  if (v.empty() || v.size() > 12) return std::nullopt;
  std::int64_t x = 0;
  for (const char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    x = x * 10 + (c - '0');
  }
  return x;
}

constexpr std::size_t k_max_clocks = 64;
constexpr std::size_t k_max_hints = 16;

// Headers the sending side writes about its client. Shown, never believed: anyone can write
// "X-Originating-IP: [203.0.113.9]".
constexpr std::string_view k_hint_fields[] = {"X-Originating-IP", "X-Forwarded-For", "X-Sender-IP",
                                              "X-Client-IP",      "X-Real-IP",       "X-Source-IP",
                                              "X-Yahoo-Post-IP"};

void add_hints(chain_context& cx, std::string_view field, std::string_view value) {
  // "X-Forwarded-For: 198.51.100.7, 10.0.0.2" lists a path; "[1.2.3.4]" is bracketed.
  std::size_t i = 0;
  while (i < value.size() && cx.hints.size() < k_max_hints) {
    std::size_t j = value.find_first_of(", ", i);
    if (j == std::string_view::npos) j = value.size();
    std::string_view item = value.substr(i, j - i);
    i = j + 1;
    if (item.empty()) continue;
    origin_hint h;
    h.field = std::string(field);
    h.value = std::string(item.substr(0, 128));
    h.ip = parse_ip(item);
    if (h.ip) h.scope = classify(*h.ip);
    cx.hints.push_back(std::move(h));
  }
}

}  // namespace

chain_context collect_chain_context(const header_block& block) {
  chain_context cx;
  std::size_t total_received = 0;
  for (std::size_t i = 0; i < block.size(); ++i)
    total_received += iequals(block.name(i), "Received");
  // A field prepended between two Received fields was added between those two hops: the
  // received fields below it are older. Position = hops (origin-first) it comes after.
  std::size_t received_above = 0;
  auto position = [&]() -> std::optional<std::size_t> {
    if (received_above >= total_received) return std::nullopt;
    return total_received - 1 - received_above;
  };
  for (std::size_t i = 0; i < block.size(); ++i) {
    const std::string_view name = block.name(i);
    if (iequals(name, "Received")) {
      ++received_above;
      continue;
    }
    if (cx.clocks.size() >= k_max_clocks || name.empty()) continue;
    // Every field of the block passes here: most (Subject, To, From, List-*, ...) are
    // dismissed by their first letter before any comparison.
    const char first = static_cast<char>(name[0] | 0x20);
    if (first != 'd' && first != 'a' && first != 'x') continue;
    if (iequals(name, "Date")) {
      std::string value = block.unfolded_value(i);
      if (auto t = parse_mail_date(value)) {
        cx.clocks.push_back({"date", "", t->epoch, std::nullopt, false});
        if (cx.date_text.empty()) cx.date_text = std::move(value);
      }
    } else if (iequals(name, "DKIM-Signature") || iequals(name, "ARC-Seal")) {
      const std::string v = block.unfolded_value(i);
      std::optional<std::int64_t> when;
      std::string detail;
      for (const auto& [tag, val] : parse_tag_list(v)) {
        if (tag == "t") when = epoch_tag(val);
        if (tag == "d" || tag == "i") {
          detail +=
              (detail.empty() ? "" : " ") + std::string(tag) + "=" + std::string(val.substr(0, 64));
        }
      }
      if (when) {
        cx.clocks.push_back({iequals(name, "ARC-Seal") ? "arc_seal" : "dkim_signature", detail,
                             *when, position(), false});
      }
    } else if (iequals(name, "X-Received")) {
      // Gmail's internal stamps: "X-Received: by 2002:a63:e942:: with SMTP id ...; Thu, 29 Apr
      // 2019 23:34:45 -0800 (PST)".
      const received_hop r = parse_received(block.unfolded_value(i));
      if (r.time) cx.clocks.push_back({"x_received", "", r.time->epoch, position(), false});
    } else if (iequals(name, "X-MS-Exchange-CrossTenant-OriginalArrivalTime") ||
               iequals(name, "X-OriginalArrivalTime")) {
      // "X-MS-Exchange-CrossTenant-OriginalArrivalTime: 06 Nov 2023 10:54:02.2846 (UTC)":
      // Exchange reorders its own fields, so the place is found from the hops instead.
      if (auto t = parse_mail_date(block.unfolded_value(i))) {
        cx.clocks.push_back({iequals(name, "X-OriginalArrivalTime")
                                 ? "x_originalarrivaltime"
                                 : "x_ms_exchange_crosstenant_originalarrivaltime",
                             "", t->epoch, std::nullopt, false});
      }
    } else {
      for (const std::string_view h : k_hint_fields) {
        if (iequals(name, h)) add_hints(cx, name, block.unfolded_value(i));
      }
    }
  }
  return cx;
}

}  // namespace detail

namespace {

using detail::add_finding;
using detail::hop_label;

bool looks_like_host(std::string_view s) noexcept {
  return s.find('.') != std::string_view::npos && !iequals(s, "localhost") &&
         !iequals(s, "unknown");
}

bool same_host_family(detail::org_cache& orgs, std::string_view a, std::string_view b) {
  if (!looks_like_host(a) || !looks_like_host(b)) return false;
  if (iequals(a, b)) return true;
  const std::string& oa = orgs.of(a);
  return !oa.empty() && detail::org_family(oa) == detail::org_family(orgs.of(b));
}

// Continuity: the host that stamped hop `prev` ("by") should be the client of hop `next`.
// Returns false only when both sides name hosts and none of them match.
bool continuous(detail::org_cache& orgs, const hop& prev, const hop& next) {
  const auto& by = prev.received;
  const auto& from = next.received;
  if (by.by_ip && from.ip && *by.by_ip == *from.ip) return true;
  if (!looks_like_host(by.by_host)) return true;  // nothing to compare
  // A server handing the message to itself (a content filter re-injecting on loopback):
  // "from freebsd.sinica.edu.tw (localhost [127.0.0.1]) by softwareliberty.org" below
  // "... by softwareliberty.org" (samples/clock-skew.eml).
  if (same_host_family(orgs, by.by_host, from.by_host)) return true;
  bool compared = false;
  for (std::string_view name : {std::string_view(from.helo), std::string_view(from.rdns),
                                std::string_view(from.from_token)}) {
    if (!looks_like_host(name)) continue;
    compared = true;
    if (same_host_family(orgs, by.by_host, name)) return true;
  }
  return !compared;
}

field_source ip_provenance(ip_source s) noexcept {
  switch (s) {
    case ip_source::from_literal:
      return field_source::literal;
    case ip_source::from_comment:
      return field_source::comment;
    case ip_source::from_token:
      return field_source::token;
    case ip_source::other_clause:
      return field_source::other_clause;
    case ip_source::none:
      break;
  }
  return field_source::absent;
}

// "from webmail.halftomorrow.com ([Mon, 06 Nov 2023 10:44:48 +0000])" (sample-1795): a date
// where the client address belongs. Real MTAs write an address there; spam-ware that forges
// the line fills the template with the wrong variable.
bool date_where_ip_belongs(std::string_view raw) noexcept {
  raw = raw.substr(0, std::min<std::size_t>(raw.size(), 16384));
  std::size_t i = 0;
  while ((i = raw.find('[', i)) != std::string_view::npos) {
    const std::size_t j = raw.find(']', i + 1);
    if (j == std::string_view::npos) break;
    const std::string_view inside = raw.substr(i + 1, j - i - 1);
    i = j + 1;
    if (inside.size() < 8 || inside.size() > 64 || parse_ip(inside)) continue;
    if (inside.find(':') == std::string_view::npos) continue;
    if (auto t = parse_mail_date(inside); t && t->consumed + 2 >= inside.size()) return true;
  }
  return false;
}

void chain_signs(hop_chain& chain, detail::org_cache& orgs, const chain_options& options) {
  auto& hops = chain.hops;
  const std::size_t n = hops.size();
  // RFC 5321 4.5.3.2 lets a relay reject a message with more than 100 Received fields (a loop).
  if (n > 100) {
    add_finding(chain, "too_many_hops", std::nullopt,
                std::to_string(n) +
                    " Received fields: more than RFC 5321 allows (100): a mail "
                    "loop, or lines added to bury the real ones",
                severity::warning);
  }
  const std::optional<std::size_t> boundary = chain.boundary;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    if (boundary && i + 1 == *boundary) continue;  // judged below, with more weight
    if (!continuous(orgs, hops[i], hops[i + 1])) {
      const auto& next = hops[i + 1].received;
      add_finding(
          chain, "chain_break", i + 1,
          "hop " + std::to_string(i + 1) + " was stamped by " + hops[i].received.by_host +
              " but hop " + std::to_string(i + 2) + " came from " +
              (next.rdns.empty() ? (next.helo.empty() ? next.from_token : next.helo) : next.rdns),
          severity::info);
    }
  }
  // The line right below the boundary is the first one the receiving side cannot check; it
  // should at least agree with what the boundary saw.
  if (boundary && *boundary > 0) {
    const hop& b = hops[*boundary];
    const hop& below = hops[*boundary - 1];
    std::string why;
    if (!continuous(orgs, below, b)) {
      why = "it says it was stamped by " + below.received.by_host + ", but " +
            hop_label(chain, *boundary) + " received the message from " +
            (b.received.rdns.empty() ? b.received.helo : b.received.rdns) +
            (b.received.ip ? " [" + b.received.ip->to_string() + "]" : std::string());
    } else if (b.received.time && below.received.time &&
               below.received.time->epoch >
                   b.received.time->epoch + options.date_tolerance_seconds) {
      why = "it is stamped " +
            detail::duration_text(below.received.time->epoch - b.received.time->epoch) +
            " after the boundary hop received the message";
    }
    if (!why.empty()) {
      add_finding(chain, "hop_contradicts_boundary", *boundary - 1,
                  hop_label(chain, *boundary - 1) +
                      ", the first line below the trust boundary, contradicts it: " + why +
                      "; the lines below may be forged or injected",
                  severity::warning);
    }
  }
  // Dates against the receiver's own clock (the top dated hop) and the sender's Date.
  std::optional<std::int64_t> top_time, sent;
  for (std::size_t i = n; i-- > 0;) {
    if (hops[i].received.time) {
      top_time = hops[i].received.time->epoch;
      break;
    }
  }
  for (const auto& c : chain.clocks) {
    if (c.source == "date") sent = c.epoch;
  }
  const std::int64_t tol = options.date_tolerance_seconds;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& r = hops[i].received;
    if (!r.time) continue;
    const bool outside = hops[i].trust == trust_level::external;
    if (top_time && r.time->epoch > *top_time + tol) {
      add_finding(chain, "date_in_future", i,
                  hop_label(chain, i) + " is stamped " +
                      detail::duration_text(r.time->epoch - *top_time) +
                      " after the receiving server's own stamp" +
                      (outside ? ": below the trust boundary this is a sign of a forged line"
                               : ": its clock is ahead"),
                  outside ? severity::warning : severity::notice);
    }
    if (sent && top_time && *top_time + tol >= *sent && r.time->epoch + tol < *sent) {
      add_finding(chain, "date_before_sent", i,
                  hop_label(chain, i) + " is stamped " +
                      detail::duration_text(*sent - r.time->epoch) +
                      " before the message's Date: a relay cannot carry a message before it "
                      "was written (or the sender's clock is ahead)",
                  outside ? severity::warning : severity::notice);
    }
  }
  // When even the receiver's own stamp is before the Date, it is the sender's clock (or zone)
  // that is off, not every relay: "Date: Mon, 14 Aug 2023 11:20:01 -0700" above relays that
  // stamped 11:20:10 +0000 (sample-1109): local time written with the wrong zone.
  if (sent && top_time && *top_time + tol < *sent) {
    add_finding(chain, "date_after_received", std::nullopt,
                "the Date field is " + detail::duration_text(*sent - *top_time) +
                    " later than the receiving server's own stamp: the sender's clock or zone "
                    "is off",
                severity::notice);
  }
  std::unordered_set<std::string_view> raws;
  std::unordered_set<std::string> ids;
  std::unordered_map<std::string, std::size_t> last_by;
  for (std::size_t i = 0; i < n; ++i) {
    const hop& h = hops[i];
    const auto& r = h.received;
    if (date_where_ip_belongs(h.raw)) {
      add_finding(chain, "date_as_ip", i,
                  hop_label(chain, i) +
                      " has a date where the client address belongs: a "
                      "template filled wrongly, typical of forged lines",
                  severity::warning);
    }
    bool duplicate = !raws.insert(h.raw).second;
    if (!duplicate && !r.id.empty() && !r.by_host.empty()) {
      duplicate = !ids.insert(detail::lower(r.by_host) + '\n' + r.id).second;
    }
    if (duplicate) {
      add_finding(chain, "duplicate_hop", i,
                  hop_label(chain, i) +
                      " repeats an earlier line (same text, or the same host "
                      "and queue id): copied or injected",
                  severity::notice);
    }
    if (looks_like_host(r.by_host)) {
      std::string key = detail::lower(r.by_host);
      auto it = last_by.find(key);
      if (it != last_by.end() && i - it->second > 1 &&
          !same_host_family(orgs, r.by_host, hops[i - 1].received.by_host)) {
        add_finding(chain, "mail_loop", i,
                    hop_label(chain, i) + ": the message came back to " + r.by_host +
                        " after leaving it at hop " + std::to_string(it->second + 1) +
                        " (a forwarding loop, or a copied line)",
                    severity::notice);
      }
      last_by[std::move(key)] = i;
    }
    if (i + 1 < n) {
      const auto& nx = hops[i + 1].received;
      const auto smtp = [](const received_hop& x) {
        return x.protocol.rfind("SMTP", 0) == 0 || x.protocol.rfind("ESMTP", 0) == 0;
      };
      // Only outside the receiving side: its own relays record TLS their own way (Exchange
      // Online's edge line has none, its internal lines do).
      if (h.trust != trust_level::internal && hops[i + 1].trust != trust_level::internal && r.ip &&
          nx.ip && is_global(h.scope) && is_global(hops[i + 1].scope) && smtp(r) && smtp(nx) &&
          r.tls != nx.tls) {
        add_finding(chain, "tls_mismatch", r.tls ? i + 1 : i,
                    hop_label(chain, r.tls ? i + 1 : i) +
                        " went in clear between public hosts, "
                        "while " +
                        hop_label(chain, r.tls ? i : i + 1) +
                        " used TLS: a downgrade, or a line written by different software",
                    severity::info);
      }
    }
  }
  for (const auto& hint : chain.hints) {
    std::string m = hint.field + " says " + hint.value;
    if (hint.ip) {
      m += " (" + std::string(to_string(hint.scope)) + ")";
      if (chain.origin && hops[*chain.origin].received.ip &&
          *hops[*chain.origin].received.ip == *hint.ip) {
        m += ", the same as the origin";
      }
    }
    m += ": written by the sending side, a hint and not a fact";
    add_finding(chain, "origin_hint", std::nullopt, std::move(m), severity::info);
  }
}

}  // namespace

std::string_view to_string(severity level) noexcept {
  switch (level) {
    case severity::info:
      return "info";
    case severity::notice:
      return "notice";
    case severity::warning:
      return "warning";
    case severity::problem:
      return "problem";
  }
  return "info";
}

std::string_view to_string(field_source source) noexcept {
  switch (source) {
    case field_source::absent:
      return "absent";
    case field_source::claimed:
      return "claimed";
    case field_source::looked_up:
      return "looked_up";
    case field_source::lookup_failed:
      return "lookup_failed";
    case field_source::literal:
      return "literal";
    case field_source::comment:
      return "comment";
    case field_source::token:
      return "token";
    case field_source::other_clause:
      return "other_clause";
    case field_source::stamped:
      return "stamped";
  }
  return "absent";
}

hop_chain analyse_chain(const std::vector<received_field>& newest_first,
                        const chain_options& options) {
  return analyse_chain(newest_first, chain_context{}, options);
}

hop_chain analyse_chain(const std::vector<received_field>& newest_first, chain_context context,
                        const chain_options& options) {
  hop_chain chain;
  chain.hops.reserve(newest_first.size());
  for (auto it = newest_first.rbegin(); it != newest_first.rend(); ++it) {
    hop& h = chain.hops.emplace_back();  // in place: a hop is some thirty strings to move
    h.header_index = it->header_index;
    h.raw = it->value;
    h.received = parse_received(it->value);
    const auto& r = h.received;
    if (r.ip) h.scope = classify(*r.ip);
    auto& p = h.provenance;
    p.helo = r.helo.empty() ? field_source::absent : field_source::claimed;
    p.rdns = !r.rdns.empty()     ? field_source::looked_up
             : r.rdns_unverified ? field_source::lookup_failed
                                 : field_source::absent;
    p.ip = ip_provenance(r.ip_from);
    p.by = r.by_host.empty() && !r.by_ip ? field_source::absent : field_source::stamped;
    p.date = r.time ? field_source::stamped : field_source::absent;
    p.convention = r.convention;
  }
  detail::org_cache orgs;

  // Vendor arrival stamps belong right after the first hop their vendor wrote.
  chain.clocks.reserve(context.clocks.size());
  for (auto& c : context.clocks) {
    const bool ms_tenant = c.source == "x_ms_exchange_crosstenant_originalarrivaltime";
    const bool smtpsvc = c.source == "x_originalarrivaltime";
    if (ms_tenant || smtpsvc) {
      c.after_hop.reset();
      for (std::size_t i = 0; i < chain.hops.size(); ++i) {
        const auto& r = chain.hops[i].received;
        const bool match =
            ms_tenant ? looks_like_host(r.by_host) && orgs.of(r.by_host) == "outlook.com"
                      : r.with.find("SMTPSVC") != std::string::npos || r.convention == "exchange";
        if (match) {
          c.after_hop = i;
          break;
        }
      }
      if (!c.after_hop) continue;  // no hop to tie it to: not used
    }
    chain.clocks.push_back(std::move(c));
  }
  chain.hints = std::move(context.hints);

  for (std::size_t i = 0; i < chain.hops.size(); ++i) {
    const auto& r = chain.hops[i].received;
    if (r.time) continue;
    add_finding(chain, r.date_text.empty() ? "no_date" : "bad_date", i,
                r.date_text.empty()
                    ? "hop " + std::to_string(i + 1) + " has no date"
                    : "hop " + std::to_string(i + 1) + ": the date could not be read",
                severity::info);
  }
  detail::attribute_skew(chain, options, context.date_text);
  detail::classify_trust(chain, options, orgs);
  chain_signs(chain, orgs, options);

  for (std::size_t i = 0; i < chain.hops.size(); ++i) {
    for (const auto& d : chain.hops[i].received.diagnostics) {
      if (d.code == "no_date" || d.code == "bad_date") continue;  // reported above
      add_finding(chain, "received_" + d.code, i, "hop " + std::to_string(i + 1) + ": " + d.message,
                  severity::info);
    }
  }
  std::stable_sort(chain.findings.begin(), chain.findings.end(),
                   [](const finding& a, const finding& b) { return a.level > b.level; });
  return chain;
}

}  // namespace hopscope
