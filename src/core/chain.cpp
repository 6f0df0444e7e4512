// The Received chain, origin first: delays, clock skew, continuity and the origin hop.

#include "hopscope/chain.hpp"

#include <algorithm>
#include <string>

#include "hopscope/header.hpp"

namespace hopscope {
namespace {

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

// The last two labels of a host name ("mx1.mail.example.com" -> "example.com"): a cheap
// same-organisation test for continuity. (Issue 3 replaces it with the public suffix list.)
std::string_view tail_domain(std::string_view host) noexcept {
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  const std::size_t last = host.rfind('.');
  if (last == std::string_view::npos || last == 0) return host;
  const std::size_t prev = host.rfind('.', last - 1);
  return prev == std::string_view::npos ? host : host.substr(prev + 1);
}

bool looks_like_host(std::string_view s) noexcept {
  return s.find('.') != std::string_view::npos && !iequals(s, "localhost") &&
         !iequals(s, "unknown");
}

bool same_host_family(std::string_view a, std::string_view b) noexcept {
  if (!looks_like_host(a) || !looks_like_host(b)) return false;
  if (iequals(a, b)) return true;
  return iequals(tail_domain(a), tail_domain(b));
}

// Continuity: the host that stamped hop `prev` ("by") should be the client of hop `next`.
// Returns false only when both sides name hosts and none of them match.
bool continuous(const hop& prev, const hop& next) noexcept {
  const auto& by = prev.received;
  const auto& from = next.received;
  if (by.by_ip && from.ip && *by.by_ip == *from.ip) return true;
  if (!looks_like_host(by.by_host)) return true;  // nothing to compare
  // A server handing the message to itself (a content filter re-injecting on loopback):
  // "from freebsd.sinica.edu.tw (localhost [127.0.0.1]) by softwareliberty.org" below
  // "... by softwareliberty.org" (samples/clock-skew.eml).
  if (same_host_family(by.by_host, from.by_host)) return true;
  bool compared = false;
  for (std::string_view name : {std::string_view(from.helo), std::string_view(from.rdns),
                                std::string_view(from.from_token)}) {
    if (!looks_like_host(name)) continue;
    compared = true;
    if (same_host_family(by.by_host, name)) return true;
  }
  return !compared;
}

void add(hop_chain& chain, std::string code, std::optional<std::size_t> hop_index,
         std::string message, severity level) {
  chain.findings.push_back(finding{std::move(code), hop_index, std::move(message), level});
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

hop_chain analyse_chain(const std::vector<received_field>& newest_first,
                        const chain_options& options) {
  hop_chain chain;
  chain.hops.reserve(newest_first.size());
  for (auto it = newest_first.rbegin(); it != newest_first.rend(); ++it) {
    hop h;
    h.header_index = it->header_index;
    h.raw = it->value;
    h.received = parse_received(it->value);
    if (h.received.ip) h.scope = classify(*h.received.ip);
    chain.hops.push_back(std::move(h));
  }

  // RFC 5321 4.5.3.2 lets a relay reject a message with more than 100 Received fields (a loop).
  if (chain.hops.size() > 100) {
    add(chain, "too_many_hops", std::nullopt,
        std::to_string(chain.hops.size()) + " Received fields: more than RFC 5321 allows (100)",
        severity::warning);
  }

  std::optional<std::size_t> first_dated, last_dated;
  for (std::size_t i = 0; i < chain.hops.size(); ++i) {
    hop& h = chain.hops[i];
    const auto& r = h.received;
    if (!r.time) {
      add(chain, r.date_text.empty() ? "no_date" : "bad_date", i,
          r.date_text.empty() ? "hop " + std::to_string(i + 1) + " has no date"
                              : "hop " + std::to_string(i + 1) + ": the date could not be read",
          severity::info);
      continue;
    }
    if (last_dated) {
      const std::int64_t step = r.time->epoch - chain.hops[*last_dated].received.time->epoch;
      if (step >= 0) {
        h.delay_seconds = step;
      } else {
        // Going back in time is a clock being off, never a negative delay: the wait is at
        // least zero, and by how much the clocks disagree is reported on its own.
        h.skew_seconds = -step;
        if (-step <= options.skew_tolerance_seconds) {
          h.delay_seconds = 0;
        } else {
          add(chain, "clock_skew", i,
              "hop " + std::to_string(i + 1) + " is stamped " + duration_text(step) +
                  " earlier than hop " + std::to_string(*last_dated + 1) +
                  ": one of the two clocks is off",
              severity::notice);
        }
      }
    }
    if (!first_dated) first_dated = i;
    last_dated = i;
  }
  if (first_dated && last_dated && *last_dated != *first_dated) {
    const std::int64_t total = chain.hops[*last_dated].received.time->epoch -
                               chain.hops[*first_dated].received.time->epoch;
    if (total >= 0) chain.total_seconds = total;
  } else if (first_dated) {
    chain.total_seconds = 0;
  }

  for (std::size_t i = 0; i < chain.hops.size(); ++i) {
    const hop& h = chain.hops[i];
    if (h.received.ip && is_global(h.scope)) {
      chain.origin = i;
      break;
    }
  }

  for (std::size_t i = 0; i + 1 < chain.hops.size(); ++i) {
    if (!continuous(chain.hops[i], chain.hops[i + 1])) {
      const auto& next = chain.hops[i + 1].received;
      add(chain, "chain_break", i + 1,
          "hop " + std::to_string(i + 1) + " was stamped by " + chain.hops[i].received.by_host +
              " but hop " + std::to_string(i + 2) + " came from " +
              (next.rdns.empty() ? (next.helo.empty() ? next.from_token : next.helo) : next.rdns),
          severity::info);
    }
  }

  for (std::size_t i = 0; i < chain.hops.size(); ++i) {
    for (const auto& d : chain.hops[i].received.diagnostics) {
      if (d.code == "no_date" || d.code == "bad_date") continue;  // reported above
      add(chain, "received_" + d.code, i, "hop " + std::to_string(i + 1) + ": " + d.message,
          severity::info);
    }
  }
  std::stable_sort(chain.findings.begin(), chain.findings.end(),
                   [](const finding& a, const finding& b) { return a.level > b.level; });
  return chain;
}

}  // namespace hopscope
