#pragma once
// Rendering of probe and MX results: JSON objects (stable keys, valid UTF-8 whatever the server
// sent) and terminal text (every server byte escaped), with a swaks-like transcript.

#include <nlohmann/json.hpp>
#include <string>

#include "hopscope/probe.hpp"

namespace hopscope::cli {

/// Keys: target, ip, skipped, reachability{method,ok,rtt_ms,note,error}, smtp{port, greeting
/// {code,lines,explanation}, ehlo{code,capabilities,parsed}, starttls, error{code,message},
/// timings_ms{step: ms}}, dns{ptr,forward_confirmed,forward_addresses,error,
/// greeting_matches_ptr}, elapsed_ms; transcript with verbose.
[[nodiscard]] nlohmann::json probe_to_json(const probe_result& result, bool transcript = false);
[[nodiscard]] nlohmann::json mx_to_json(const mx_result& result);

/// Several indented lines, ending in a newline.
[[nodiscard]] std::string render_probe_text(const probe_result& result, bool verbose);
[[nodiscard]] std::string render_mx_text(const mx_result& result);

}  // namespace hopscope::cli
