// The terminal report. Every string from the message passes through escape_for_terminal():
// a header can carry ESC sequences or bidi overrides meant to rewrite what an analyst sees.

#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "hopscope/render.hpp"
#include "hopscope/timeline.hpp"
#include "render/auth_render.hpp"
#include "render/bounce_render.hpp"

namespace hopscope {
namespace {

struct palette {
  bool on = false;
  std::string_view bold() const { return on ? "\x1b[1m" : ""; }
  std::string_view dim() const { return on ? "\x1b[2m" : ""; }
  std::string_view red() const { return on ? "\x1b[31m" : ""; }
  std::string_view yellow() const { return on ? "\x1b[33m" : ""; }
  std::string_view cyan() const { return on ? "\x1b[36m" : ""; }
  std::string_view green() const { return on ? "\x1b[32m" : ""; }
  std::string_view reset() const { return on ? "\x1b[0m" : ""; }
};

std::string esc(std::string_view s) { return escape_for_terminal(s); }

std::string duration(std::int64_t seconds) {
  const std::int64_t d = seconds / 86400, h = seconds / 3600 % 24, m = seconds / 60 % 60,
                     s = seconds % 60;
  if (d) return fmt::format("{}d {}h {}m", d, h, m);
  if (h) return fmt::format("{}h {}m {}s", h, m, s);
  if (m) return fmt::format("{}m {}s", m, s);
  return fmt::format("{}s", s);
}

std::string offset_text(const timestamp& t) {
  if (!t.offset_known()) return t.zone == zone_rule::missing ? "none" : "-00:00?";
  const int o = t.offset_minutes;
  const int a = o < 0 ? -o : o;
  return fmt::format("{}{:02}:{:02}", o < 0 ? '-' : '+', a / 60, a % 60);
}

// "2001-05-15T21:31:22Z" -> "2001-05-15 21:31:22"
std::string short_utc(const timestamp& t) {
  std::string s = format_utc(t.epoch, 0);
  if (s.size() >= 20) {
    s[10] = ' ';
    s.pop_back();
  }
  return s;
}

std::string bar(std::int64_t delay, std::int64_t max_delay) {
  constexpr int k_width = 12;
  if (max_delay <= 0 || delay <= 0) return {};
  const auto cells = std::max<std::int64_t>(1, delay * k_width / max_delay);
  std::string out;
  for (std::int64_t i = 0; i < cells; ++i) out += "\u2587";
  return out;
}

void summary_line(std::string& out, std::string_view label, std::string_view value) {
  if (value.empty()) return;
  fmt::format_to(std::back_inserter(out), "  {:<11}{}\n", label, esc(value));
}

std::string_view level_colour(const palette& p, severity level) {
  switch (level) {
    case severity::problem:
      return p.red();
    case severity::warning:
      return p.yellow();
    case severity::notice:
      return p.cyan();
    case severity::info:
      return p.dim();
  }
  return {};
}

void render_hop(std::string& out, const palette& p, const hop_chain& chain, std::size_t i,
                std::int64_t max_delay, const std::vector<std::string>* notes) {
  const hop& h = chain.hops[i];
  const received_hop& r = h.received;
  auto o = std::back_inserter(out);
  std::string time = r.time ? short_utc(*r.time) : std::string("(no date)");
  std::string offset = r.time ? offset_text(*r.time) : std::string();
  std::string delay;
  if (h.delay_seconds) {
    delay = i == 0 ? "" : "+" + duration(*h.delay_seconds);
  } else if (h.skew_seconds) {
    delay = "skew -" + duration(*h.skew_seconds);
  }
  // The timeline shows the raw delay and, where a clock was pulled into line, the adjusted one.
  std::string adjusted;
  if (h.adjusted_delay_seconds && h.adjusted_delay_seconds != h.delay_seconds) {
    adjusted = "adj +" + duration(*h.adjusted_delay_seconds);
  }
  const std::int64_t shown = h.adjusted_delay_seconds.value_or(h.delay_seconds.value_or(0));
  std::string_view trust_colour = h.trust == trust_level::external ? p.yellow() : p.dim();
  fmt::format_to(o, "  {}{:>2}{}  {:<19}  {:<7} {:>12} {:>13}  {}{:<8}{} {}{}{}\n", p.bold(), i + 1,
                 p.reset(), time, offset, delay, adjusted, trust_colour, to_string(h.trust),
                 p.reset(), p.green(), bar(shown, max_delay), p.reset());
  if (h.clock_suspect && h.clock_offset_seconds && h.adjusted_epoch) {
    fmt::format_to(
        o, "      {}clock{} {} {} (read as {} UTC)\n", p.yellow(), p.reset(),
        duration(*h.clock_offset_seconds < 0 ? -*h.clock_offset_seconds : *h.clock_offset_seconds),
        *h.clock_offset_seconds > 0 ? "ahead" : "behind",
        short_utc(timestamp{*h.adjusted_epoch, 0, 0, zone_rule::ut_gmt, date_form::rfc5322,
                            note_none, 0}));
  }
  // Each value says where it came from: the HELO is claimed, the rDNS was looked up by the
  // receiving MTA, the address is a literal or came from a comment.
  std::string from;
  if (!r.helo.empty()) from += "helo " + esc(r.helo) + " (claimed)  ";
  if (!r.rdns.empty()) from += "rdns " + esc(r.rdns) + " (looked up)  ";
  if (r.rdns.empty() && r.rdns_unverified) from += "rdns unknown (did not forward-confirm)  ";
  if (r.helo.empty() && r.rdns.empty() && !r.from_token.empty()) from += esc(r.from_token) + "  ";
  if (r.ip) {
    from += "ip " + r.ip->to_string() + " (" + std::string(to_string(h.scope)) + ", " +
            std::string(to_string(h.provenance.ip)) + ")";
  }
  if (from.empty()) from = "-";
  fmt::format_to(o, "      {}from{} {}{}\n", p.dim(), p.reset(), from,
                 chain.origin == i ? fmt::format("  {}<- origin{}", p.yellow(), p.reset()) : "");
  std::string by = r.by_host.empty() ? "-" : esc(r.by_host);
  if (!r.with.empty()) by += "  with " + esc(r.with);
  if (r.tls) {
    by += "  TLS";
    if (!r.tls_version.empty() && r.tls_version != "TLS") by += " " + esc(r.tls_version);
  }
  if (r.authenticated) by += "  authenticated";
  if (!r.id.empty()) by += "  id " + esc(r.id);
  if (!r.for_addr.empty()) by += "  for " + esc(r.for_addr);
  fmt::format_to(o, "      {}by{}   {}  {}[{}]{}\n", p.dim(), p.reset(), by, p.dim(),
                 esc(r.convention), p.reset());
  if (!h.trust_reasons.empty() && h.trust != trust_level::external) {
    fmt::format_to(o, "      {}trust{} {}\n", p.dim(), p.reset(), esc(h.trust_reasons.front()));
  }
  if (notes != nullptr) {
    for (const auto& line : *notes) fmt::format_to(o, "      {}\n", esc(line));
  }
}

}  // namespace

std::string render_text(const analysis_report& report, const render_options& options) {
  const palette p{options.colour};
  std::string out;
  auto o = std::back_inserter(out);
  fmt::format_to(o, "{}{}{}\n", p.bold(), esc(report.source), p.reset());
  const auto& s = report.summary;
  summary_line(out, "From", s.from);
  summary_line(out, "To", s.to);
  summary_line(out, "Subject", s.subject);
  if (!s.date.empty()) {
    std::string date = s.date;
    summary_line(out, "Date", date);
    if (s.date_time) {
      fmt::format_to(o, "  {:<11}{} UTC\n", "", short_utc(*s.date_time));
    }
  }
  summary_line(out, "Message-ID", s.message_id);

  const hop_chain& chain = report.chain;
  out += "\n";
  if (chain.hops.empty()) {
    out += "No Received fields: the chain is empty.\n";
  } else {
    fmt::format_to(o, "{}Received chain{}: {} hop{}, origin first", p.bold(), p.reset(),
                   chain.hops.size(), chain.hops.size() == 1 ? "" : "s");
    if (chain.total_seconds)
      fmt::format_to(o, ", total transit {}", duration(*chain.total_seconds));
    if (chain.origin && chain.hops[*chain.origin].received.ip) {
      fmt::format_to(o, ", origin {} (hop {})", chain.hops[*chain.origin].received.ip->to_string(),
                     *chain.origin + 1);
    }
    out += "\n";
    if (chain.raw_total_seconds && chain.total_seconds &&
        *chain.raw_total_seconds != *chain.total_seconds) {
      fmt::format_to(o, "  (as stamped: {})\n", duration(*chain.raw_total_seconds));
    }
    fmt::format_to(o, "  {} #  {:<19}  {:<7} {:>12} {:>13}  {:<8}{}\n", p.dim(), "time (UTC)",
                   "offset", "delay", "adjusted", "trust", p.reset());
    std::int64_t max_delay = 0;
    for (const auto& h : chain.hops) {
      max_delay =
          std::max(max_delay, h.adjusted_delay_seconds.value_or(h.delay_seconds.value_or(0)));
    }
    for (std::size_t i = 0; i < chain.hops.size(); ++i) {
      render_hop(out, p, chain, i, max_delay,
                 i < options.hop_notes.size() ? &options.hop_notes[i] : nullptr);
    }
    if (const std::string timeline = render_timeline_text(report, options.colour);
        !timeline.empty()) {
      out += "\n";
      out += timeline;
    }
  }

  if (!chain.hops.empty()) {
    fmt::format_to(o, "\n{}Origin{}\n", p.bold(), p.reset());
    for (const auto& why : chain.origin_reasons) fmt::format_to(o, "  - {}\n", esc(why));
    for (const auto& hint : chain.hints) {
      fmt::format_to(o, "  - hint, not fact: {}: {}\n", esc(hint.field), esc(hint.value));
    }
  }
  if (!chain.skews.empty()) {
    fmt::format_to(o, "\n{}Clock skew{}\n", p.bold(), p.reset());
    for (const auto& sk : chain.skews) {
      if (sk.hop) {
        fmt::format_to(o, "  suspect hop {}: {} {}, confidence {}\n", *sk.hop + 1,
                       duration(sk.offset_seconds < 0 ? -sk.offset_seconds : sk.offset_seconds),
                       sk.offset_seconds > 0 ? "ahead" : "behind", sk.confidence);
      } else {
        fmt::format_to(o, "  ambiguous: hops {} and {} disagree by {}\n", sk.hops.front() + 1,
                       sk.hops.back() + 1,
                       duration(sk.offset_seconds < 0 ? -sk.offset_seconds : sk.offset_seconds));
      }
      for (const auto& e : sk.evidence) fmt::format_to(o, "    - {}\n", esc(e));
    }
  }
  if (!chain.findings.empty()) {
    fmt::format_to(o, "\n{}Findings{}\n", p.bold(), p.reset());
    for (const auto& f : chain.findings) {
      fmt::format_to(o, "  {}{:<8}{} {:<16} {}\n", level_colour(p, f.level), to_string(f.level),
                     p.reset(), f.code, esc(f.message));
    }
  }
  if (const std::string auth = render_auth_text(report.auth, options.colour); !auth.empty()) {
    out += "\n";
    out += auth;
  }
  if (report.bounce) {
    out += "\n";
    out += render_bounce_text(*report.bounce, options.colour);
    if (report.returned_chain && !report.returned_chain->hops.empty()) {
      const auto& rc = *report.returned_chain;
      const auto& last = rc.hops.back().received;
      fmt::format_to(
          o, "  The returned message went through {} hop{}; the last one was stamped by {}\n",
          rc.hops.size(), rc.hops.size() == 1 ? "" : "s",
          last.by_host.empty() ? std::string("(no by-host)") : esc(last.by_host));
      if (last.time) fmt::format_to(o, "  at {} UTC\n", short_utc(*last.time));
    }
  }
  if (!report.diagnostics.empty()) {
    fmt::format_to(o, "\n{}Header notes{}\n", p.bold(), p.reset());
    for (const auto& d : report.diagnostics) {
      fmt::format_to(o, "  {:<20} {}\n", d.code, esc(d.message));
    }
  }
  if (!report.fixups.empty()) {
    fmt::format_to(o, "\n{}Repairs{}\n", p.bold(), p.reset());
    for (const auto& f : report.fixups) fmt::format_to(o, "  - {}\n", f.message);
  }
  return out;
}

}  // namespace hopscope
