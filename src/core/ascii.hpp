#pragma once
// ASCII case folding for protocol words (field names, methods, results, tags, status words):
// A-Z only, whatever the locale, and bytes of 0x80 and above left as they are.

#include <string>
#include <string_view>

namespace hopscope::detail {

[[nodiscard]] constexpr char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

/// Equality under ascii_lower(). Inline: its callers compare short keywords, most of which
/// differ in length or in the first byte.
[[nodiscard]] inline bool ascii_iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

[[nodiscard]] inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

}  // namespace hopscope::detail
