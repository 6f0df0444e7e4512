#pragma once
// ASCII case folding for protocol words (field names, methods, results, tags, status words):
// A-Z only, whatever the locale, and bytes of 0x80 and above left as they are.

#include <string>
#include <string_view>

namespace hopscope::detail {

[[nodiscard]] constexpr char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

[[nodiscard]] inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

}  // namespace hopscope::detail
