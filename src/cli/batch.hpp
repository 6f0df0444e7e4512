#pragma once
// Batch analysis: inputs expanded in order, analysed on N worker threads, written in input
// order with bounded buffering, one whole record per write.

#include <string>
#include <vector>

#include "cli/hop_annotations.hpp"
#include "cli/read_source.hpp"
#include "cli/walk.hpp"
#include "hopscope/render.hpp"
#include "hopscope/report.hpp"

namespace hopscope::cli {

enum class output_format { text, json, ndjson, csv_hops };

struct batch_config {
  unsigned jobs = 1;
  output_format format = output_format::text;
  bool pretty = false;
  bool summary_only = false;  // --summary: print the batch summary instead of each message
  bool progress = false;      // a progress line on stderr
  render_options render{};
  analyse_options analyse{};
  read_options read{};
  walk_options walk{};
  std::size_t first_listed = static_cast<std::size_t>(-1);  // inputs from --files-from start here
  /// `analyze --probe`: called once per analysed message (text and JSON output only); what it
  /// returns goes under the hop rows and into `hops[i].probe`.
  hop_annotator annotate;
};

inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_some_failed = 1;
inline constexpr int k_exit_usage = 2;
inline constexpr int k_exit_interrupted = 130;

/// Runs the batch and returns the process exit code.
[[nodiscard]] int run_batch(const std::vector<std::string>& inputs, const batch_config& config);

/// Installs the SIGINT/SIGTERM handlers that make run_batch() stop cleanly.
void install_interrupt_handlers();

}  // namespace hopscope::cli
