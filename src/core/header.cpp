// RFC 5322 2.2 header splitting. Our own, not mimetic's: mimetic drops pasted fields and loses
// the last field of a block without a blank line (DESIGN.md, "Traps").

#include "hopscope/header.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include "core/ascii.hpp"
#include "core/byte_find.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace hopscope {
namespace {

using detail::ascii_lower;

bool is_wsp(char c) noexcept { return c == ' ' || c == '\t'; }

// Length of the run of RFC 5322 ftext (printable US-ASCII except ':') at the start of `line`.
std::size_t ftext_length(std::string_view line) noexcept {
  std::size_t i = 0;
#if defined(__SSE2__)
  // 16 bytes at a time while the line has them (names are a dozen or two bytes, and every line
  // of every header passes here): the first byte that is ':', a control or space (<= 32, a
  // signed compare that also takes 128 and above) or DEL ends the run.
  const __m128i colon = _mm_set1_epi8(':');
  const __m128i del = _mm_set1_epi8(127);
  const __m128i printable_start = _mm_set1_epi8(33);
  for (; i + 16 <= line.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(line.data() + i));
    const __m128i stop =
        _mm_or_si128(_mm_cmplt_epi8(v, printable_start),
                     _mm_or_si128(_mm_cmpeq_epi8(v, colon), _mm_cmpeq_epi8(v, del)));
    if (const auto mask = static_cast<unsigned>(_mm_movemask_epi8(stop)); mask != 0) {
      return i + static_cast<unsigned>(__builtin_ctz(mask));
    }
  }
#endif
  while (i < line.size()) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (c == ':' || c <= 32 || c >= 127) break;
    ++i;
  }
  return i;
}

// Length of an RFC 5322 field name at the start of `line` (ftext), with optional WSP before
// the colon (obsolete syntax, RFC 5322 4.5: "Subject :"). Returns the name length and sets
// `colon` to the colon's position; 0 when not a field line.
std::size_t field_name_length(std::string_view line, std::size_t& colon) noexcept {
  const std::size_t i = ftext_length(line);
  if (i == 0) return 0;
  std::size_t j = i;
  while (j < line.size() && is_wsp(line[j])) ++j;
  if (j >= line.size() || line[j] != ':') return 0;
  colon = j;
  return i;
}

// Bounded notes: one diagnostic per kind, with a count and the first example line number.
struct note_counter {
  std::size_t count = 0;
  std::size_t first_line = 0;
  void add(std::size_t line) noexcept {
    if (count++ == 0) first_line = line;
  }
};

}  // namespace

namespace detail {
namespace {
// Each byte of `x` with 'A'..'Z' made lower case: bytes of 0x80 and above are left alone (the
// 0x80 flags are computed on their low seven bits, then masked out by ~x).
std::uint64_t lower_ascii8(std::uint64_t x) noexcept {
  constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
  constexpr std::uint64_t k_highs = 0x8080808080808080ULL;
  const std::uint64_t low7 = x & ~k_highs;
  const std::uint64_t above_z = low7 + k_ones * (0x7F - 'Z');  // high bit set: > 'Z'
  const std::uint64_t from_a = low7 + k_ones * (0x80 - 'A');   // high bit set: >= 'A'
  const std::uint64_t upper = (from_a & ~above_z) & ~x & k_highs;
  return x | (upper >> 2);  // 0x80 >> 2 is the 0x20 that makes a letter lower case
}
}  // namespace

bool iequals_bytes(const char* a, const char* b, std::size_t size) noexcept {
  // Eight bytes at a time: most comparisons are field names of equal length.
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t x, y;
    std::memcpy(&x, a + i, 8);
    std::memcpy(&y, b + i, 8);
    if (x != y && lower_ascii8(x) != lower_ascii8(y)) return false;
  }
  for (; i < size; ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}
}  // namespace detail

std::string_view header_block::raw_value(std::size_t i) const noexcept {
  if (i >= fields_.size()) return {};
  const auto& f = fields_[i];
  return std::string_view(text_).substr(f.value_begin, f.value_end - f.value_begin);
}

std::string header_block::unfolded_value(std::size_t i) const {
  std::string_view raw = raw_value(i);
  // Trimmed first (line breaks count as space here, as they do once removed), then copied a
  // run at a time: most values are one line, and every Received field goes through here.
  auto is_space = [](char c) { return is_wsp(c) || c == '\n' || c == '\r'; };
  while (!raw.empty() && is_space(raw.front())) raw.remove_prefix(1);
  while (!raw.empty() && is_space(raw.back())) raw.remove_suffix(1);
  std::string out;
  out.reserve(raw.size());
  const char* p = raw.data();
  const char* const end = p + raw.size();
  while (p < end) {
    // Unfolding (RFC 5322 2.2.3) removes the line break and keeps the WSP that follows it.
    // normalise_input() leaves LF only; a caller's block may hold CR too.
    const char* stop = detail::find_any<'\n', '\r'>(p, end);
    out.append(p, static_cast<std::size_t>(stop - p));
    p = stop;
    while (p < end && (*p == '\n' || *p == '\r')) ++p;
  }
  return out;
}

std::optional<std::size_t> header_block::find(std::string_view field_name) const noexcept {
  const char* const text = text_.data();
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    const header_field& f = fields_[i];
    if (f.name_length == field_name.size() &&
        detail::iequals_bytes(text + f.name_begin, field_name.data(), field_name.size())) {
      return i;
    }
  }
  return std::nullopt;
}

header_block split_header_block(std::string text, const header_limits& limits) {
  // Offsets are 32-bit; normalise_input() caps blocks far below this.
  if (text.size() > std::numeric_limits<std::uint32_t>::max() / 2) {
    text.resize(std::numeric_limits<std::uint32_t>::max() / 2);
  }
  std::vector<header_field> fields;
  // Most blocks have tens of fields: one allocation instead of the seven that doubling from
  // one takes to reach 64.
  fields.reserve(std::min<std::size_t>(64, limits.max_fields));
  std::vector<diagnostic> notes;
  note_counter not_field, orphan_continuation, too_long, dropped;
  const std::string_view s(text);
  std::size_t pos = 0;
  std::uint32_t line_no = 0;
  bool current_open = false;  // the last field may still take continuation lines
  while (pos < s.size()) {
    const auto end = static_cast<std::size_t>(
        detail::find_any<'\n'>(s.data() + pos, s.data() + s.size()) - s.data());
    const std::size_t next = end == s.size() ? end : end + 1;
    const std::string_view line = s.substr(pos, end - pos);
    ++line_no;
    if (!line.empty() && is_wsp(line[0])) {
      if (current_open) {
        auto& f = fields.back();
        const std::size_t limit = f.value_begin + limits.max_field_bytes;
        if (end > limit) {
          if (f.value_end < limit) too_long.add(f.line);
          f.value_end = static_cast<std::uint32_t>(limit);
        } else {
          f.value_end = static_cast<std::uint32_t>(end);
        }
      } else {
        orphan_continuation.add(line_no);
      }
    } else if (line.empty()) {
      // normalise_input() never leaves blank lines; a caller's own block may.
      current_open = false;
    } else {
      std::size_t colon = 0;
      const std::size_t name_len = field_name_length(line, colon);
      if (name_len == 0) {
        not_field.add(line_no);
        current_open = false;
      } else if (fields.size() >= limits.max_fields) {
        dropped.add(line_no);
        current_open = false;
      } else {
        header_field f;
        f.name_begin = static_cast<std::uint32_t>(pos);
        f.name_length = static_cast<std::uint32_t>(name_len);
        f.value_begin = static_cast<std::uint32_t>(pos + colon + 1);
        std::size_t value_end = end;
        if (value_end - f.value_begin > limits.max_field_bytes) {
          value_end = f.value_begin + limits.max_field_bytes;
          too_long.add(line_no);
        }
        f.value_end = static_cast<std::uint32_t>(value_end);
        f.line = line_no;
        fields.push_back(f);
        current_open = true;
      }
    }
    pos = next;
  }
  auto note = [&](const note_counter& c, const char* code, const std::string& what) {
    notes.push_back(diagnostic{code, std::to_string(c.count) + " " + what + " (first at line " +
                                         std::to_string(c.first_line) + ")"});
  };
  // The texts are built only for a note that is made (nearly never): every header is split.
  if (not_field.count != 0) {
    note(not_field, "not_a_field", "line(s) were not header fields and were skipped");
  }
  if (orphan_continuation.count != 0) {
    note(orphan_continuation, "orphan_continuation",
         "continuation line(s) had no field to belong to and were skipped");
  }
  if (too_long.count != 0) {
    note(too_long, "field_too_long",
         "field(s) were longer than " + std::to_string(limits.max_field_bytes) +
             " bytes and were cut");
  }
  if (dropped.count != 0) {
    note(dropped, "too_many_fields",
         "field(s) past the limit of " + std::to_string(limits.max_fields) + " were not read");
  }
  return header_block(std::move(text), std::move(fields), std::move(notes));
}

}  // namespace hopscope
