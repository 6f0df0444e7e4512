#pragma once
// The Received chain: hops origin first, delays, clock skew, breaks and the origin hop.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hopscope/received.hpp"

namespace hopscope {

enum class severity : std::uint8_t { info, notice, warning, problem };

struct finding {
  std::string code;                // stable snake_case: clock_skew, chain_break, no_date, ...
  std::optional<std::size_t> hop;  // index into hop_chain::hops, if tied to one hop
  std::string message;
  severity level = severity::notice;
};

struct hop {
  received_hop received;
  std::size_t header_index = 0;       // 0-based position of its Received field from the top
  std::string raw;                    // the field value as written (unfolded)
  ip_scope scope = ip_scope::global;  // of received.ip, meaningful when ip is set
  /// Seconds since the previous dated hop; null when either time is missing. Never negative:
  /// a backwards step is reported as clock skew and the delay is 0 (see skew_seconds).
  std::optional<std::int64_t> delay_seconds;
  /// How far this hop's stamp is earlier than the previous dated hop's, when it is (> 0).
  std::optional<std::int64_t> skew_seconds;
};

struct hop_chain {
  std::vector<hop> hops;                      // origin first
  std::optional<std::size_t> origin;          // oldest hop whose client IP is global
  std::optional<std::int64_t> total_seconds;  // first dated hop to last dated hop, never < 0
  std::vector<finding> findings;
};

struct chain_options {
  std::int64_t skew_tolerance_seconds = 60;  // backwards steps up to this are ordinary jitter
};

/// One input hop, as read from the header block (top first).
struct received_field {
  std::size_t header_index = 0;
  std::string value;  // unfolded
};

/// Builds the chain from Received fields given top (newest) first.
[[nodiscard]] hop_chain analyse_chain(const std::vector<received_field>& newest_first,
                                      const chain_options& options = {});

[[nodiscard]] std::string_view to_string(severity level) noexcept;

}  // namespace hopscope
