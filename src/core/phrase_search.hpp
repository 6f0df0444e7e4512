#pragma once
// Looking for many lower-case phrases in one lower-cased text: the bounce reader tries some
// forty software phrases on each bounce's explanation, and the reply explainer some 150 vendor
// needles on each diagnostic. Most are absent, so a filter of the text's byte pairs rejects
// them without a search, and the rest are searched with memmem(), which skips ahead by pairs
// of bytes where string_view::find() stops at every byte equal to the needle's first.

#include <bitset>
#include <cstddef>
#include <cstring>
#include <string_view>

namespace hopscope::detail {

/// Whether `haystack` holds `needle` (an empty needle is everywhere).
[[nodiscard]] inline bool contains(std::string_view haystack, std::string_view needle) noexcept {
  if (needle.empty()) return true;
  return memmem(haystack.data(), haystack.size(), needle.data(), needle.size()) != nullptr;
}

/// Which byte pairs occur in a text, hashed into 4,096 bits: a needle with a pair the text lacks
/// cannot be in it.
class pair_filter {
 public:
  explicit pair_filter(std::string_view text) noexcept {
    for (std::size_t i = 0; i + 1 < text.size(); ++i) bits_.set(slot(text[i], text[i + 1]));
  }
  /// False only when `needle` is certainly not in the text.
  [[nodiscard]] bool may_contain(std::string_view needle) const noexcept {
    for (std::size_t i = 0; i + 1 < needle.size(); ++i) {
      if (!bits_.test(slot(needle[i], needle[i + 1]))) return false;
    }
    return true;
  }

 private:
  static std::size_t slot(char a, char b) noexcept {
    return (static_cast<unsigned char>(a) * 31u + static_cast<unsigned char>(b)) & 4095u;
  }
  std::bitset<4096> bits_;
};

}  // namespace hopscope::detail
