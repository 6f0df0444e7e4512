#pragma once
// The hop timeline as a compact text chart for the terminal report (the HTML report draws the
// same data as SVG).

#include <string>

#include "hopscope/report.hpp"

namespace hopscope {

/// A few lines: one per hop, origin first, each hop placed to scale on its skew-adjusted time,
/// with its raw stamp marked when a clock was judged off. Message text is escaped for a
/// terminal. Empty when no hop is dated. Ends with a newline when not empty.
[[nodiscard]] std::string render_timeline_text(const analysis_report& report, bool colour);

}  // namespace hopscope
