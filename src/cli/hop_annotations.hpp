#pragma once
// Results that the CLI adds to the hops of an analysed message (today: `analyze --probe`),
// and the one place that merges them into the report's JSON document.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "hopscope/report.hpp"

namespace hopscope::cli {

/// What to add to each hop of one report, by hop index (origin first). Either list may be
/// shorter than the chain.
struct hop_annotations {
  std::vector<std::vector<std::string>> text;  // lines under each hop row of the text report
  std::vector<std::string> json;               // a JSON value per hop ("" for none)
};

/// Called once per analysed message, on a worker thread: implementations must be thread-safe.
using hop_annotator = std::function<hop_annotations(const analysis_report&)>;

/// Sets `hops[i].<key>` of a rendered report document to each non-empty `values[i]` (JSON
/// text). The key order of the document is kept; `pretty` indents like `render_json`. A
/// document or value that does not parse (never expected: both come from our renderers) is
/// returned unchanged / skipped.
[[nodiscard]] std::string merge_hop_json(std::string_view document, std::string_view key,
                                         const std::vector<std::string>& values, bool pretty);

}  // namespace hopscope::cli
