#include "render/json_writer.hpp"

#include <algorithm>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <nlohmann/json.hpp>

namespace hopscope::detail {
namespace {

constexpr char k_hex[] = "0123456789abcdef";

// 1: the byte must be escaped or starts a non-ASCII sequence; 0: copied as it is.
struct special_table {
  bool v[256] = {};
  constexpr special_table() {
    for (int c = 0; c < 0x20; ++c) v[c] = true;
    for (int c = 0x80; c < 0x100; ++c) v[c] = true;
    v[static_cast<unsigned char>('"')] = true;
    v[static_cast<unsigned char>('\\')] = true;
  }
};
constexpr special_table k_special;

// The UTF-8 sequence at s[i] (s[i] >= 0x80), by the rules of to_valid_utf8() (RFC 3629: no
// overlongs, no surrogates, nothing above U+10FFFF). Returns its length when valid; otherwise
// 0, with `bad` set to the length of the maximal subpart (Unicode 3.9) to replace, >= 1.
std::size_t utf8_length(std::string_view s, std::size_t i, std::size_t& bad) noexcept {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t need = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    bad = 1;
    return 0;
  }
  std::size_t k = 1;
  for (; k <= need; ++k) {
    if (i + k >= s.size()) break;
    const auto b = static_cast<unsigned char>(s[i + k]);
    const unsigned char min = k == 1 ? lo : 0x80;
    const unsigned char max = k == 1 ? hi : 0xBF;
    if (b < min || b > max) break;
  }
  if (k > need) return need + 1;
  bad = k;
  return 0;
}

// Copies the run of bytes from `i` that need no escaping (printable ASCII other than '"' and
// '\\'), at most up to `stop`, to `p`; returns the end of the run and advances `p`. 16 bytes
// at a time where SSE2 is there, each block stored whole before its first special byte is
// known (the caller has room for six output bytes per input byte): header text is mostly such
// runs, and a scan followed by a memcpy() call cost twice what one pass does.
std::size_t copy_plain_run(const char* data, std::size_t i, std::size_t stop, char*& p) noexcept {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  // Signed compare: bytes >= 0x80 are negative, so "below 0x20" catches them with controls.
  auto special_mask = [&](__m128i v) {
    return static_cast<unsigned>(_mm_movemask_epi8(
        _mm_or_si128(_mm_cmplt_epi8(v, space),
                     _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)))));
  };
  const std::size_t begin = i;
  for (; i + 16 <= stop; i += 16, p += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v);
    if (const unsigned mask = special_mask(v); mask != 0) {
      const auto n = static_cast<std::size_t>(__builtin_ctz(mask));
      p += n;
      return i + n;
    }
  }
  // The last few bytes of a run of 16 or more: one block ending at `stop`, instead of a byte
  // at a time. It overlaps bytes this call already found plain and copied as they are, so
  // storing them again changes nothing and its first special byte, if any, is at `i` or after.
  if (i < stop && stop - begin >= 16) {
    const std::size_t from = stop - 16;  // begin <= from < i
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + from));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p - (i - from)), v);
    const unsigned mask = special_mask(v);
    const std::size_t end = mask != 0 ? from + static_cast<std::size_t>(__builtin_ctz(mask)) : stop;
    p += end - i;
    return end;
  }
#endif
  while (i < stop && !k_special.v[static_cast<unsigned char>(data[i])]) *p++ = data[i++];
  return i;
}

}  // namespace

void json_writer::number(double v) {
  separator();
  put(nlohmann::json(v).dump());
}

namespace {
// A buffer grown past this (for a huge bounce) is freed rather than kept.
constexpr std::size_t k_max_kept = 1u << 20;
// Writers nest (a report's writer, its authentication section's): a few spares are enough.
constexpr std::size_t k_max_spares = 4;
}  // namespace

std::vector<json_writer::buffer>& json_writer::spares() {
  thread_local std::vector<buffer> spare_buffers;
  return spare_buffers;
}

json_writer::buffer json_writer::acquire() {
  auto& pool = spares();
  if (pool.empty()) return buffer{};
  buffer b = std::move(pool.back());
  pool.pop_back();
  return b;
}

void json_writer::release(buffer spare) noexcept {
  auto& pool = spares();
  if (spare.capacity == 0 || spare.capacity > k_max_kept || pool.size() >= k_max_spares) return;
  try {
    pool.push_back(std::move(spare));
  } catch (...) {  // no memory for the list: the buffer is freed instead
  }
}

void json_writer::grow(std::size_t n) {
  const std::size_t capacity = std::max({buf_.capacity * 2, length_ + n, std::size_t{16384}});
  auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
  if (length_ != 0) std::memcpy(bigger.get(), buf_.data.get(), length_);
  buf_.data = std::move(bigger);
  buf_.capacity = capacity;
}

void json_writer::append_escaped(std::string_view s, bool track) {
  put('"');
  const char* const data = s.data();
  const std::size_t size = s.size();
  std::size_t i = 0;
  while (i < size) {
    // A slice at a time, with room for its worst case (every byte "\u00xx"), so the loop
    // writes through a pointer; the slice may end inside a UTF-8 sequence, which is read
    // whole past it (at most 3 more bytes, each of them room for 6).
    constexpr std::size_t k_slice = 4096;
    const std::size_t stop = std::min(size, i + k_slice);
    char* p = room((stop - i + 3) * 6);
    while (i < stop) {
      // Copy the longest run of plain printable ASCII in one go.
      i = copy_plain_run(data, i, stop, p);
      if (i >= stop) break;
      const auto c = static_cast<unsigned char>(data[i]);
      if (c == '"' || c == '\\') {
        *p++ = '\\';
        *p++ = static_cast<char>(c);
        ++i;
      } else if (c < 0x20) {
        *p++ = '\\';
        switch (c) {
          case '\b':
            *p++ = 'b';
            break;
          case '\f':
            *p++ = 'f';
            break;
          case '\n':
            *p++ = 'n';
            break;
          case '\r':
            *p++ = 'r';
            break;
          case '\t':
            *p++ = 't';
            break;
          default:
            *p++ = 'u';
            *p++ = '0';
            *p++ = '0';
            *p++ = k_hex[c >> 4];
            *p++ = k_hex[c & 0xF];
        }
        ++i;
      } else {
        std::size_t bad = 0;
        const std::size_t n = utf8_length(s, i, bad);
        if (n == 0) {
          std::memcpy(p, "\xEF\xBF\xBD", 3);  // U+FFFD for the maximal subpart
          p += 3;
          if (track) replaced_ = true;
          i += bad;
        } else {
          std::memcpy(p, data + i, n);
          p += n;
          i += n;
        }
      }
    }
    length_ = static_cast<std::size_t>(p - buf_.data.get());
  }
  put('"');
}

void diagnostics_json(json_writer& w, const std::vector<diagnostic>& diagnostics) {
  w.begin_array();
  for (const auto& d : diagnostics) {
    w.begin_object();
    w.key("code");
    w.literal(d.code);
    w.key("message");
    w.string(d.message);
    w.end_object();
  }
  w.end_array();
}

}  // namespace hopscope::detail
