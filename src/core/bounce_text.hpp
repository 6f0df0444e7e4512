#pragma once
// Private to the bounce reader (dsn.cpp, bounce_text.cpp): text helpers and the reader of
// non-standard bounce texts. Everything here is linear in its input and never throws except
// std::bad_alloc.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hopscope/dsn.hpp"

namespace hopscope::bounce_detail {

[[nodiscard]] std::string lower_ascii(std::string_view s);
/// ASCII case-insensitive substring search; `needle` must be lower case. O(n * |needle|).
[[nodiscard]] std::size_t ifind(std::string_view hay, std::string_view needle,
                                std::size_t from = 0) noexcept;
[[nodiscard]] std::string_view trim(std::string_view s) noexcept;

/// Content-Transfer-Encoding decoding for text we read (quoted-printable, base64); anything
/// else is returned as is.
[[nodiscard]] std::string decode_transfer(std::string_view body, std::string_view encoding);
/// Crude tag stripper for bounces that only come as HTML (tags dropped, <br>/<p> become
/// newlines, a few entities decoded).
[[nodiscard]] std::string strip_html(std::string_view html);

/// First enhanced status code (2/4/5.d{1,3}.d{1,3}) standing alone in `text`; a leading '#'
/// (qmail "#5.1.1") is allowed. Class 4/5 codes are preferred over 2.x.x.
[[nodiscard]] std::string find_status_in_text(std::string_view text);
/// First three-digit reply code (RFC 5321 4.2 digits) standing alone, preferring 4xx/5xx.
[[nodiscard]] std::string find_reply_code_in_text(std::string_view text);

/// "rfc822; <x@y>" -> "x@y"; "dns; mx.example" -> "mx.example".
[[nodiscard]] std::string strip_type_prefix(std::string_view value);
[[nodiscard]] std::string bare_address(std::string_view value);

/// The header block starting at `offset` (up to the first blank line, capped).
[[nodiscard]] std::string header_block_at(std::string_view text, std::size_t offset,
                                          std::size_t cap);

struct text_bounce {
  std::string mta;  // which bounce text was recognised ("qmail", "exim", ...), empty if none
  std::vector<bounce_recipient> recipients;
  std::size_t original_offset = std::string_view::npos;  // returned message headers start
};

/// Reads a non-standard bounce text (decoded, LF line endings).
[[nodiscard]] text_bounce parse_bounce_text(std::string_view text, std::size_t max_recipients);

/// Where a returned message's header block starts in a bounce text, or npos.
[[nodiscard]] std::size_t find_original_message(std::string_view text) noexcept;

/// Fills status/reply_code from the diagnostic text when missing, and the explanation.
void complete_recipient(bounce_recipient& r);

}  // namespace hopscope::bounce_detail
