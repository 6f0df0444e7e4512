#pragma once
// Private to the renderers: the bounce section of the text and JSON reports. The JSON keys
// listed in docs/json-bounce.md are stable.

#include <nlohmann/json.hpp>
#include <string>

#include "hopscope/dsn.hpp"

namespace hopscope {
namespace detail {
class json_writer;
}

/// The "Bounce" section for the terminal report. Every byte from the message passes through
/// escape_for_terminal(); colour codes only when `colour` is set.
[[nodiscard]] std::string render_bounce_text(const bounce_report& report, bool colour);

/// The keys of the report's "bounce" object ("kind", "reporting_mta", "recipients": [...], ...),
/// written into an object `w` has open; strings from the message are made valid UTF-8 and
/// counted by the writer.
void write_bounce_fields(detail::json_writer& w, const bounce_report& report);

/// The same object as a JSON value (for the HTML report and tests). `replaced`, when given, is
/// set to whether any string from the message had bytes replaced.
[[nodiscard]] nlohmann::ordered_json bounce_to_json(const bounce_report& report,
                                                    bool* replaced = nullptr);

}  // namespace hopscope
