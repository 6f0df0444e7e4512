#pragma once
// Batch summaries (--summary): what a postmaster wants to know about a whole mail store.
// Memory is bounded: delays go into fixed log-scale histograms, and each tally keeps at most
// k_max_keys distinct keys (the rest are counted under "(other)").

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cli/flat_tally.hpp"
#include "hopscope/report.hpp"

namespace hopscope::cli {

/// What one message contributes, computed by the worker that analysed it.
struct message_stats {
  bool failed = false;
  std::string error_code;
  std::size_t hops = 0;
  struct hop_stat {
    std::string relay;        // by-host (lower case)
    std::int64_t delay = -1;  // -1 when unknown
    bool skewed = false;
    bool tls = false;
    std::string protocol;
  };
  std::vector<hop_stat> hop_stats;  // origin first
  std::string origin_network;       // /24 or /48 of the origin IP
  std::string sending_relay;        // the origin hop's rDNS or HELO
  std::vector<std::string> findings;
};

[[nodiscard]] message_stats stats_of(const analysis_report& report);
[[nodiscard]] message_stats stats_of_failure(const std::string& error_code);

class batch_summary {
 public:
  void add(const message_stats& stats);
  [[nodiscard]] std::string text() const;
  [[nodiscard]] std::string json() const;

 private:
  static constexpr std::size_t k_max_keys = 10000;
  static constexpr std::size_t k_buckets = 24;  // 0 s, then powers of two up to ~97 days
  struct histogram {
    std::array<std::uint64_t, k_buckets> counts{};
    std::uint64_t total = 0;
    void add(std::int64_t seconds);
    [[nodiscard]] std::int64_t percentile(double p) const;  // upper bound of the bucket
  };
  struct relay_stat {
    histogram delays;
    std::uint64_t hops = 0;
    std::uint64_t skews = 0;
  };
  // Hashed, not ordered: the writer thread adds every record, and ordered maps of strings made
  // that a noticeable share of a -j2 run. Output sorts what it prints. Looked up by
  // string_view: no string is built per hop.
  template <typename V>
  using counts = flat_tally<V>;
  template <typename V>
  V& slot(counts<V>& m, std::string_view key);

  std::uint64_t messages_ = 0, failed_ = 0, hops_ = 0;
  counts<std::uint64_t> failures_;
  counts<relay_stat> relays_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> tls_by_position_;  // (tls, total)
  counts<std::uint64_t> protocols_;
  counts<std::uint64_t> origin_networks_;
  counts<std::uint64_t> sending_relays_;
  counts<std::uint64_t> findings_;
};

}  // namespace hopscope::cli
