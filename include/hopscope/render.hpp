#pragma once
// Renderers: pure functions of a report.

#include <string>
#include <string_view>
#include <vector>

#include "hopscope/report.hpp"

namespace hopscope {

struct render_options {
  bool colour = false;
  /// Extra lines shown under each hop's row, by hop index (origin first), e.g. the results of
  /// `analyze --probe`. Text the caller gives here is escaped like message text; may be shorter
  /// than the chain.
  std::vector<std::vector<std::string>> hop_notes;
};

/// The terminal report. Every byte from the message is escaped (control characters, ESC and
/// bidi overrides shown as \xNN).
[[nodiscard]] std::string render_text(const analysis_report& report,
                                      const render_options& options = {});

/// One JSON object (no trailing newline), valid UTF-8 whatever the input bytes.
[[nodiscard]] std::string render_json(const analysis_report& report, bool pretty = false);

/// render_json(report) and a newline: one NDJSON record, in one allocation (appending the
/// newline to a finished record reallocated and copied it, 2% of a batch).
[[nodiscard]] std::string render_json_line(const analysis_report& report);

/// {"source": ..., "error": {"code": ..., "message": ...}}
[[nodiscard]] std::string render_json_error(std::string_view source, std::string_view code,
                                            std::string_view message);

/// Makes bytes safe for a terminal: valid UTF-8 printable text kept, everything else \xNN.
[[nodiscard]] std::string escape_for_terminal(std::string_view bytes);

/// Valid UTF-8 from arbitrary bytes: invalid sequences become U+FFFD.
[[nodiscard]] std::string to_valid_utf8(std::string_view bytes, bool* replaced = nullptr);

}  // namespace hopscope
