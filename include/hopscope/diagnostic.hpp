#pragma once
// Shared vocabulary for "odd but readable" notes and hard parse errors.

#include <cstddef>
#include <string>
#include <string_view>

namespace hopscope {

/// A hard failure: nothing usable could be read. `code` is a stable snake_case string
/// (it appears in JSON); `offset` is the byte offset in the parsed text where reading stopped.
struct parse_error {
  std::string_view code;  // always points at a string literal
  std::size_t offset = 0;
};

/// Something odd that was read anyway, or a part that could not be read. Stable `code`,
/// human `message`.
struct diagnostic {
  std::string code;
  std::string message;
};

}  // namespace hopscope
