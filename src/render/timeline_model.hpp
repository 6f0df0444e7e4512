#pragma once
// The hop timeline read from the report's JSON document, shared by the SVG chart (html.cpp)
// and the terminal chart (timeline_text.cpp). Reading the JSON rather than the structs keeps
// both charts in step with whatever the JSON schema adds (skew fields, adjusted times).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hopscope::detail {

struct timeline_hop {
  std::size_t index = 0;
  std::string label;                         // by-host as written (valid UTF-8, not escaped)
  std::optional<std::int64_t> raw;           // the stamp as written
  std::optional<std::int64_t> adjusted;      // after skew adjustment (== raw when no skew)
  std::optional<std::int64_t> delay;         // adjusted delay since the previous dated hop
  std::optional<std::int64_t> raw_delay;     // as written (may be negative)
  std::optional<std::int64_t> clock_offset;  // the hop's clock against its neighbours
  bool skewed = false;                       // its clock was judged off, or it steps back in time
};

struct timeline {
  std::vector<timeline_hop> hops;          // origin first, every hop (dated or not)
  std::optional<std::int64_t> begin, end;  // range of the adjusted times
  [[nodiscard]] bool empty() const noexcept { return !begin; }
  [[nodiscard]] std::int64_t span() const noexcept { return begin ? *end - *begin : 0; }
};

/// Never throws on odd or missing keys: what is absent is left empty.
[[nodiscard]] timeline read_timeline(const nlohmann::ordered_json& report);

/// "3s", "4m 05s", "2h 07m", "3d 04h": short and unambiguous.
[[nodiscard]] std::string format_duration(std::int64_t seconds);

/// Epoch seconds from RFC 3339 UTC "YYYY-MM-DDTHH:MM:SS[.frac]Z", as format_utc() writes.
[[nodiscard]] std::optional<std::int64_t> parse_rfc3339_utc(const std::string& text);

}  // namespace hopscope::detail
