#pragma once
// Private to the renderers: the bounce section of the text and JSON reports. The JSON keys
// listed in docs/json-bounce.md are stable.

#include <nlohmann/json.hpp>
#include <string>

#include "hopscope/dsn.hpp"

namespace hopscope {

/// The "Bounce" section for the terminal report. Every byte from the message passes through
/// escape_for_terminal(); colour codes only when `colour` is set.
[[nodiscard]] std::string render_bounce_text(const bounce_report& report, bool colour);

/// {"kind", "reporting_mta", "recipients": [...], ...}: the value of the report's "bounce" key.
/// Every string from the message passes through to_valid_utf8(); `replaced`, when given, is set
/// to whether any of them had bytes replaced.
[[nodiscard]] nlohmann::ordered_json bounce_to_json(const bounce_report& report,
                                                    bool* replaced = nullptr);

}  // namespace hopscope
