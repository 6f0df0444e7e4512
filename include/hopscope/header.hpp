#pragma once
// RFC 5322 header splitting: fields as offsets into one owned buffer.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hopscope/diagnostic.hpp"

namespace hopscope {

struct header_limits {
  std::size_t max_fields = 10000;          // further fields are dropped with a diagnostic
  std::size_t max_field_bytes = 1u << 20;  // a longer field is cut with a diagnostic
};

/// One field: offsets into header_block::text(). The value starts after the colon and runs to
/// the end of the field's last continuation line (excluding the final newline).
struct header_field {
  std::uint32_t name_begin = 0;
  std::uint32_t name_length = 0;
  std::uint32_t value_begin = 0;
  std::uint32_t value_end = 0;
  std::uint32_t line = 0;  // 1-based line number of the field's first line
};

class header_block {
 public:
  header_block() = default;
  header_block(std::string text, std::vector<header_field> fields, std::vector<diagnostic> notes)
      : text_(std::move(text)), fields_(std::move(fields)), diagnostics_(std::move(notes)) {}

  [[nodiscard]] const std::string& text() const noexcept { return text_; }
  [[nodiscard]] const std::vector<header_field>& fields() const noexcept { return fields_; }
  [[nodiscard]] const std::vector<diagnostic>& diagnostics() const noexcept { return diagnostics_; }
  [[nodiscard]] std::size_t size() const noexcept { return fields_.size(); }

  [[nodiscard]] std::string_view name(std::size_t i) const noexcept {
    if (i >= fields_.size()) return {};
    return std::string_view(text_).substr(fields_[i].name_begin, fields_[i].name_length);
  }
  /// The value as written, folding line breaks included.
  [[nodiscard]] std::string_view raw_value(std::size_t i) const noexcept;
  /// The value unfolded (CRLF/LF + WSP -> the WSP) and trimmed of surrounding whitespace.
  [[nodiscard]] std::string unfolded_value(std::size_t i) const;
  /// Index of the first field named `name` (ASCII case-insensitive), if any.
  [[nodiscard]] std::optional<std::size_t> find(std::string_view name) const noexcept;

 private:
  std::string text_;
  std::vector<header_field> fields_;
  std::vector<diagnostic> diagnostics_;
};

/// Splits a header block (LF line endings, as normalise_input() makes) into fields. Never
/// fails: lines that are not fields become diagnostics. Linear in the size of the text.
[[nodiscard]] header_block split_header_block(std::string text, const header_limits& limits = {});

namespace detail {
/// iequals() for two strings of `size` bytes.
[[nodiscard]] bool iequals_bytes(const char* a, const char* b, std::size_t size) noexcept;
}  // namespace detail

/// ASCII case-insensitive comparison, for field names and keywords. Inline for its length
/// check: a field name is compared with many names (a message's fields with every name an
/// analysis looks for), and nearly all of them differ in length.
[[nodiscard]] inline bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && detail::iequals_bytes(a.data(), b.data(), a.size());
}

/// Decodes RFC 2047 encoded words (B and Q; UTF-8, US-ASCII, ISO-8859-1 and Windows-1252
/// converted to UTF-8; words in other charsets, and malformed words, left as written) for display.
[[nodiscard]] std::string decode_encoded_words(std::string_view value);

}  // namespace hopscope
