#pragma once
// Alphabetic time-zone names: the ones RFC 5322 defines and the common ones it does not.
// Private to the date parser.

#include <cstdint>
#include <string_view>

#include "hopscope/datetime.hpp"

namespace hopscope::detail {

struct zone_name {
  std::string_view name;        // upper case
  std::int16_t offset_minutes;  // east of UTC
  zone_rule rule;               // ut_gmt, us_named or other_named
  bool ambiguous;               // more than one zone uses this name; offset is the likeliest
};

/// Looks a zone name up, ignoring ASCII case. nullptr when unknown (or longer than 6 bytes).
[[nodiscard]] const zone_name* find_zone_name(std::string_view name) noexcept;

}  // namespace hopscope::detail
