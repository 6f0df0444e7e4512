#pragma once
// The self-contained HTML report: one file, no scripts, no external resources, a strict
// Content-Security-Policy, every byte from the message escaped for its HTML context.

#include <string>
#include <string_view>

#include "hopscope/input.hpp"
#include "hopscope/report.hpp"

namespace hopscope {

struct html_options {
  /// The bytes the report was analysed from (optional). With them the report shows the whole
  /// header section with each hop's Received field highlighted; without them, only the
  /// Received fields the report holds.
  std::string_view message_bytes;
  /// How those bytes were normalised (must match the analysis so the fields line up).
  input_options input{};
  /// The report's JSON document as the caller extended it (e.g. `hops[].probe` from
  /// `analyze --probe`). Empty: render_json(report).
  std::string_view document_json;
};

/// One HTML5 document (UTF-8): summary, timeline chart (inline SVG), hop table, findings
/// worst first, authentication, bounce and probe details when the report has them, and the
/// raw header fields. Built from the report's JSON document, so it shows whatever that holds.
[[nodiscard]] std::string render_html(const analysis_report& report,
                                      const html_options& options = {});

/// Escapes UTF-8 text for HTML text and (double- or single-quoted) attribute values. Invalid
/// UTF-8 becomes U+FFFD; controls, bidi embeddings/overrides/isolates/marks and line
/// separators are written as visible escapes such as "\u202E" so they cannot reorder or hide
/// text.
[[nodiscard]] std::string escape_html(std::string_view text);

}  // namespace hopscope
