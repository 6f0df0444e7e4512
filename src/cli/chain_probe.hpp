#pragma once
// `hopscope analyze --probe`: the servers a Received chain revealed, probed once per run.

#include <future>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "cli/hop_annotations.hpp"
#include "hopscope/chain.hpp"
#include "hopscope/probe.hpp"

namespace hopscope::cli {

/// Probes the client address of each hop. Shared by the batch's worker threads: an address
/// seen in many hops or messages is probed once per run (its result is reused), and probes
/// run one chain's batch at a time so that at most options.max_parallel (<= 8) are ever in
/// flight, whatever `-j` is.
class chain_prober {
 public:
  explicit chain_prober(probe_options options) : options_(std::move(options)) {}

  /// One result per hop, in hop order: hops without a client address, and non-global ones
  /// unless options.allow_private, come back with `skipped` set. Never throws except
  /// std::bad_alloc: probe failures are in the results, so the analysis never fails because
  /// of one.
  [[nodiscard]] std::vector<probe_result> probe(const hop_chain& chain);

  /// The probe results as report annotations: `hops[i].probe` objects and text lines.
  [[nodiscard]] hop_annotations annotate(const analysis_report& report);

  [[nodiscard]] const probe_options& options() const { return options_; }

 private:
  probe_options options_;
  std::mutex cache_mutex_;
  std::map<std::string, std::shared_future<probe_result>> cache_;  // by address text
  std::mutex run_mutex_;  // one run_probes() at a time: the global cap on probes in flight
};

}  // namespace hopscope::cli
