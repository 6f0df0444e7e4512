#pragma once
// Private to the renderers: the authentication and filter-verdict section, as terminal text
// and as the JSON "auth" object (keys documented in docs/json-auth.md).

#include <nlohmann/json.hpp>

#include <string>

#include "hopscope/auth.hpp"
#include "render/json_writer.hpp"

namespace hopscope {

/// The section for the terminal report; empty when the message carries nothing to show.
/// Every byte from the message goes through escape_for_terminal(). Hops are numbered from 1
/// (origin first), as in the chain table.
[[nodiscard]] std::string render_auth_text(const authentication_report& report, bool colour);

/// The "auth" object, written into `w`. Every message string is made valid UTF-8 (invalid
/// sequences become U+FFFD); hop indexes are 0-based indexes into "hops".
void write_auth_json(detail::json_writer& w, const authentication_report& report);

/// The same object as a document (for tests and callers that want one).
[[nodiscard]] nlohmann::ordered_json auth_to_json(const authentication_report& report);

}  // namespace hopscope
