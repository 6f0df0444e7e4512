#pragma once
// An inline search for the first of a few byte values in a short range, 16 bytes at a time
// where SSE2 is there: the input scan (line ends, bytes to repair), header splitting and
// unfolding, and the Received tokenizer's comments. Header lines and values are tens of bytes
// long; libc's memchr, reached through a call and built for long buffers, was 5% of a -j2
// run's samples, and splitting and unfolding made a third of its calls (two per run when
// unfolding) and 40% of its instructions.
#include <cstddef>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace hopscope::detail {

// The first byte in [p, end) equal to one of `Bytes`, or `end`. The bytes are template
// arguments so that their vectors are constants, not built at each call.
template <char... Bytes>
const char* find_any(const char* p, const char* end) noexcept {
  static_assert(sizeof...(Bytes) > 0, "find_any needs a byte to look for");
#if defined(__SSE2__)
  const __m128i needles[] = {_mm_set1_epi8(Bytes)...};
  for (; end - p >= 16; p += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i hits = _mm_cmpeq_epi8(v, needles[0]);
    for (std::size_t k = 1; k < sizeof...(Bytes); ++k) {
      hits = _mm_or_si128(hits, _mm_cmpeq_epi8(v, needles[k]));
    }
    if (const auto mask = static_cast<unsigned>(_mm_movemask_epi8(hits)); mask != 0) {
      return p + __builtin_ctz(mask);
    }
  }
#endif
  for (; p < end; ++p) {
    if (((*p == Bytes) || ...)) return p;
  }
  return end;
}

}  // namespace hopscope::detail
