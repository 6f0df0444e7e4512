#include "cli/summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "hopscope/render.hpp"

namespace hopscope::cli {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// The origin's network: /24 for IPv4, /48 for IPv6 (the usual allocation sizes).
std::string network_of(const ip_address& ip) {
  ip_address net = ip;
  net.zone.clear();
  if (!ip.v6) {
    net.bytes[3] = 0;
    return net.to_string() + "/24";
  }
  for (std::size_t i = 6; i < 16; ++i) net.bytes[i] = 0;
  return net.to_string() + "/48";
}

// Largest count first; equal counts by name, so the order never depends on hashing.
void by_count_then_name(std::vector<std::pair<std::string, std::uint64_t>>& v) {
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
}

template <typename Map>
std::vector<std::pair<std::string, std::uint64_t>> top(const Map& m, std::size_t n) {
  std::vector<std::pair<std::string, std::uint64_t>> v(m.begin(), m.end());
  by_count_then_name(v);
  if (v.size() > n) v.resize(n);
  return v;
}

// A hashed map in key order, for output that must not depend on hashing.
template <typename V>
std::map<std::string, V> sorted(const flat_tally<V>& m) {
  return std::map<std::string, V>(m.begin(), m.end());
}

std::string seconds_text(std::int64_t s) {
  if (s < 120) return fmt::format("{}s", s);
  if (s < 7200) return fmt::format("{}m", s / 60);
  if (s < 172800) return fmt::format("{}h", s / 3600);
  return fmt::format("{}d", s / 86400);
}

}  // namespace

message_stats stats_of(const analysis_report& report) {
  message_stats st;
  const auto& chain = report.chain;
  st.hops = chain.hops.size();
  st.hop_stats.reserve(chain.hops.size());
  for (const auto& h : chain.hops) {
    message_stats::hop_stat hs;
    hs.relay = lower(h.received.by_host);
    hs.delay = h.delay_seconds.value_or(-1);
    hs.skewed = h.skew_seconds.has_value() && !h.delay_seconds.has_value();
    hs.tls = h.received.tls;
    hs.protocol = h.received.protocol;
    st.hop_stats.push_back(std::move(hs));
  }
  if (chain.origin) {
    const auto& r = chain.hops[*chain.origin].received;
    if (r.ip) st.origin_network = network_of(*r.ip);
    st.sending_relay = lower(!r.rdns.empty() ? r.rdns : r.helo);
  }
  for (const auto& f : chain.findings) st.findings.push_back(f.code);
  return st;
}

message_stats stats_of_failure(const std::string& error_code) {
  message_stats st;
  st.failed = true;
  st.error_code = error_code;
  return st;
}

void batch_summary::histogram::add(std::int64_t seconds) {
  std::size_t b = 0;
  if (seconds > 0) {
    b = 1;
    std::int64_t limit = 1;
    while (b + 1 < k_buckets && seconds > limit) {
      limit *= 2;
      ++b;
    }
  }
  ++counts[b];
  ++total;
}

std::int64_t batch_summary::histogram::percentile(double p) const {
  if (total == 0) return -1;
  const auto want = static_cast<std::uint64_t>(p * static_cast<double>(total) + 0.5);
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < k_buckets; ++b) {
    seen += counts[b];
    if (seen >= std::max<std::uint64_t>(want, 1)) return b == 0 ? 0 : std::int64_t{1} << (b - 1);
  }
  return std::int64_t{1} << (k_buckets - 2);
}

template <typename V>
V& batch_summary::slot(counts<V>& m, std::string_view key) {
  if (m.size() >= k_max_keys && m.find(key) == nullptr) key = "(other)";
  return m[key];
}

void batch_summary::add(const message_stats& st) {
  ++messages_;
  if (st.failed) {
    ++failed_;
    ++slot(failures_, st.error_code);
    return;
  }
  hops_ += st.hops;
  for (std::size_t i = 0; i < st.hop_stats.size(); ++i) {
    const auto& h = st.hop_stats[i];
    auto& relay = slot(relays_, h.relay.empty() ? std::string_view("(none)") : h.relay);
    ++relay.hops;
    if (h.delay >= 0 && i > 0) relay.delays.add(h.delay);
    if (h.skewed) ++relay.skews;
    if (i < 64) {
      if (tls_by_position_.size() <= i) tls_by_position_.resize(i + 1);
      tls_by_position_[i].first += h.tls ? 1 : 0;
      ++tls_by_position_[i].second;
    }
    ++slot(protocols_, h.protocol.empty() ? std::string_view("(none)") : h.protocol);
  }
  if (!st.origin_network.empty()) ++slot(origin_networks_, st.origin_network);
  if (!st.sending_relay.empty()) ++slot(sending_relays_, st.sending_relay);
  for (const auto& f : st.findings) ++slot(findings_, f);
}

std::string batch_summary::text() const {
  std::string out;
  auto o = std::back_inserter(out);
  fmt::format_to(o, "Summary: {} message(s), {} failed, {} hop(s)\n", messages_, failed_, hops_);
  if (!failures_.empty()) {
    out += "  failures by reason:\n";
    for (const auto& [k, v] : top(failures_, 20)) fmt::format_to(o, "    {:>8}  {}\n", v, k);
  }
  std::vector<std::pair<std::string, std::uint64_t>> busiest;
  for (const auto& [k, v] : relays_) busiest.emplace_back(k, v.hops);
  by_count_then_name(busiest);
  if (busiest.size() > 15) busiest.resize(15);
  if (!busiest.empty()) {
    out += "  delay per receiving relay (p50 / p90 / p99, log buckets):\n";
    for (const auto& [k, n] : busiest) {
      const auto& r = *relays_.find(k);
      fmt::format_to(o, "    {:>8}  {:<50} {:>5} / {:>5} / {:>5}\n", n, escape_for_terminal(k),
                     seconds_text(std::max<std::int64_t>(0, r.delays.percentile(0.5))),
                     seconds_text(std::max<std::int64_t>(0, r.delays.percentile(0.9))),
                     seconds_text(std::max<std::int64_t>(0, r.delays.percentile(0.99))));
    }
  }
  std::vector<std::pair<std::string, std::uint64_t>> skewers;
  for (const auto& [k, v] : relays_) {
    if (v.skews > 1) skewers.emplace_back(k, v.skews);
  }
  by_count_then_name(skewers);
  if (!skewers.empty()) {
    out += "  relays whose stamps go backwards again and again:\n";
    for (std::size_t i = 0; i < skewers.size() && i < 15; ++i) {
      fmt::format_to(o, "    {:>8}  {}\n", skewers[i].second,
                     escape_for_terminal(skewers[i].first));
    }
  }
  if (!tls_by_position_.empty()) {
    out += "  TLS share by hop position (1 = origin side):\n";
    for (std::size_t i = 0; i < tls_by_position_.size() && i < 12; ++i) {
      const auto& [tls, total] = tls_by_position_[i];
      fmt::format_to(o, "    hop {:>2}: {:>5.1f}% of {}\n", i + 1,
                     total ? 100.0 * static_cast<double>(tls) / static_cast<double>(total) : 0.0,
                     total);
    }
  }
  auto section = [&](const char* title, const counts<std::uint64_t>& m) {
    if (m.empty()) return;
    fmt::format_to(o, "  {}:\n", title);
    for (const auto& [k, v] : top(m, 10))
      fmt::format_to(o, "    {:>8}  {}\n", v, escape_for_terminal(k));
  };
  section("protocols", protocols_);
  section("origin networks", origin_networks_);
  section("sending relays", sending_relays_);
  section("findings by code", findings_);
  return out;
}

std::string batch_summary::json() const {
  using json = nlohmann::ordered_json;
  json j;
  j["messages"] = messages_;
  j["failed"] = failed_;
  j["hops"] = hops_;
  j["failures"] = sorted(failures_);
  json relays = json::array();
  for (const auto& [k, v] : sorted(relays_)) {
    relays.push_back({{"relay", k},
                      {"hops", v.hops},
                      {"skews", v.skews},
                      {"delay_p50", v.delays.percentile(0.5)},
                      {"delay_p90", v.delays.percentile(0.9)},
                      {"delay_p99", v.delays.percentile(0.99)}});
  }
  j["relays"] = std::move(relays);
  json tls = json::array();
  for (std::size_t i = 0; i < tls_by_position_.size(); ++i) {
    tls.push_back({{"position", i + 1},
                   {"tls", tls_by_position_[i].first},
                   {"hops", tls_by_position_[i].second}});
  }
  j["tls_by_position"] = std::move(tls);
  j["protocols"] = sorted(protocols_);
  j["origin_networks"] = top(origin_networks_, 50);
  j["sending_relays"] = top(sending_relays_, 50);
  j["findings"] = sorted(findings_);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace hopscope::cli
