#pragma once
// Inline searches for a byte (or either of two) in a short range, 16 bytes at a time where
// SSE2 is there. Header lines and values are tens of bytes long, and libc's memchr, reached
// through a call and built for long buffers, was 5% of a -j2 run's samples; splitting and
// unfolding lines made a third of its calls (two per run when unfolding) and 40% of its
// instructions. Inline, the same work takes as many instructions and 2% less user time (20
// alternated -j1 runs).
#include <cstddef>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace hopscope::detail {

#if defined(__SSE2__)
// The first byte of the 16 at `p` where `hits` is set, or nullptr.
inline const char* first_hit(const char* p, __m128i hits) noexcept {
  const auto mask = static_cast<unsigned>(_mm_movemask_epi8(hits));
  return mask != 0 ? p + __builtin_ctz(mask) : nullptr;
}
#endif

// The first `a` or `b` in [p, end), or `end`. A range of 16 bytes or more ends with one
// overlapping load rather than a byte loop.
inline const char* find_either(const char* p, const char* end, char a, char b) noexcept {
#if defined(__SSE2__)
  if (end - p >= 16) {
    const __m128i va = _mm_set1_epi8(a);
    const __m128i vb = _mm_set1_epi8(b);
    auto hits_at = [&](const char* q) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
      return _mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb));
    };
    for (; end - p > 16; p += 16) {
      if (const char* hit = first_hit(p, hits_at(p))) return hit;
    }
    const char* last = end - 16;  // overlaps bytes already searched: they hold no hit
    const char* hit = first_hit(last, hits_at(last));
    return hit != nullptr ? hit : end;
  }
#endif
  for (; p < end; ++p) {
    if (*p == a || *p == b) return p;
  }
  return end;
}

// The first `c` in [p, end), or `end`.
inline const char* find_byte(const char* p, const char* end, char c) noexcept {
  return find_either(p, end, c, c);
}

}  // namespace hopscope::detail
