// Stage 1 of Received parsing (see received_tokenizer.hpp). Modelled on the shape of rspamd's
// received parser: one left-to-right pass, fixed-size token storage, no regex, no recursion.
#include "core/received_tokenizer.hpp"

#include "core/ascii.hpp"
#include "core/byte_find.hpp"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace hopscope::detail {
namespace {

constexpr bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// A word ends at white space and at the bytes that start or end other tokens. '[' does not end a
// word: "helo=[127.0.0.1]" (Exim) must stay one word. A table: this test runs once per byte.
struct word_end_table {
  bool v[256] = {};
  constexpr word_end_table() {
    for (const char c : {' ', '\t', '\r', '\n', '\v', '\f', '(', ')', ';'}) {
      v[static_cast<unsigned char>(c)] = true;
    }
  }
};
constexpr word_end_table k_word_end{};

constexpr bool ends_word(char c) noexcept { return k_word_end.v[static_cast<unsigned char>(c)]; }

// Where the word from `i` ends: the first byte ends_word() takes, or `n`. 16 bytes at a time
// where SSE2 is there: the tokenizer reads every byte of every Received field, and its loops
// of one table lookup per byte were most of its time.
std::size_t word_end(const char* text, std::size_t i, std::size_t n) noexcept {
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(' ');
  const __m128i open = _mm_set1_epi8('(');
  const __m128i close = _mm_set1_epi8(')');
  const __m128i semicolon = _mm_set1_epi8(';');
  const __m128i below_tab = _mm_set1_epi8('\t' - 1);  // \t \n \v \f \r are 9 to 13
  const __m128i above_cr = _mm_set1_epi8('\r' + 1);
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text + i));
    const __m128i controls =
        _mm_and_si128(_mm_cmpgt_epi8(v, below_tab), _mm_cmplt_epi8(v, above_cr));
    const __m128i ends =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, space), controls),
                     _mm_or_si128(_mm_cmpeq_epi8(v, semicolon),
                                  _mm_or_si128(_mm_cmpeq_epi8(v, open), _mm_cmpeq_epi8(v, close))));
    if (const auto mask = static_cast<unsigned>(_mm_movemask_epi8(ends)); mask != 0) {
      return i + static_cast<unsigned>(__builtin_ctz(mask));
    }
  }
#endif
  while (i < n && !ends_word(text[i])) ++i;
  return i;
}

// The first '(', ')' or '\\' at or after `i` in a comment, or `n`.
std::size_t comment_stop(const char* text, std::size_t i, std::size_t n) noexcept {
  return static_cast<std::size_t>(find_any<'(', ')', '\\'>(text + i, text + n) - text);
}

rtoken make(std::size_t begin, std::size_t length, rtok_kind kind, bool unterminated) noexcept {
  return rtoken{static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(length), kind,
                unterminated};
}

clause_kind keyword(std::string_view w) noexcept {
  if (w.size() < 2 || w.size() > 4) return clause_kind::prelude;
  switch (ascii_lower(w[0])) {  // most words are not keywords: reject them on the first byte
    case 'b':
    case 'i':
    case 'v':
    case 'f':
    case 'w':
      break;
    default:
      return clause_kind::prelude;
  }
  switch (w.size()) {
    case 2:
      if (ascii_iequals(w, "by")) return clause_kind::by;
      if (ascii_iequals(w, "id")) return clause_kind::id;
      break;
    case 3:
      if (ascii_iequals(w, "via")) return clause_kind::via;
      if (ascii_iequals(w, "for")) return clause_kind::for_;
      break;
    case 4:
      if (ascii_iequals(w, "from")) return clause_kind::from;
      if (ascii_iequals(w, "with")) return clause_kind::with;
      break;
    default:
      break;
  }
  return clause_kind::prelude;
}

bool is_weekday(std::string_view w) noexcept {
  if (!w.empty() && w.back() == ',') w.remove_suffix(1);
  static constexpr std::string_view k_days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  static constexpr std::string_view k_long[] = {"monday", "tuesday",  "wednesday", "thursday",
                                                "friday", "saturday", "sunday"};
  for (std::size_t i = 0; i < 7; ++i) {
    if (ascii_iequals(w, k_days[i]) || ascii_iequals(w, k_long[i])) return true;
  }
  return false;
}

bool is_month_start(std::string_view w) noexcept {
  static constexpr std::string_view k_months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                  "jul", "aug", "sep", "oct", "nov", "dec"};
  if (w.size() < 3) return false;
  for (auto m : k_months) {
    if (ascii_istarts_with(w, m)) return true;
  }
  return false;
}

// "2023-07-04" as SendGrid's Go-style stamp starts.
bool is_iso_date(std::string_view w) noexcept {
  return w.size() >= 10 && is_digit(w[0]) && is_digit(w[1]) && is_digit(w[2]) && is_digit(w[3]) &&
         w[4] == '-' && is_digit(w[5]) && is_digit(w[6]) && w[7] == '-' && is_digit(w[8]) &&
         is_digit(w[9]);
}

// With no ';', where does a date start? Real lines that forced this:
//   "by filterdrecv-78999db45c-wzd97 with SMTP id filterdrecv-78999db45c-wzd97-1-64A3E581-26
//    2023-07-04 09:25:21.739430597 +0000 UTC m=+4700729.867591795"          (SendGrid)
//   "from MzM3NjQ2ODc (unknown) by geopod-ismtpd-37 (SG) with HTTP id Ebzfu00iRlyezpNSAC7I7w
//    Sat, 07 Oct 2023 00:38:18.254 +0000 (UTC)"                              (SendGrid)
// Only the shape is checked here; stage 2 parses the text and says when it is not a date.
std::size_t find_unsemicoloned_date(const tokenized_received& t) noexcept {
  const auto& l = t.list;
  for (std::size_t i = 0; i < l.size; ++i) {
    const rtoken& tok = l.tokens[i];
    if (tok.kind != rtok_kind::word) continue;
    // The value of a clause ("id Sat") is never a date.
    if (i > 0 && l.tokens[i - 1].kind == rtok_kind::word &&
        keyword(token_text(t.text, l.tokens[i - 1])) != clause_kind::prelude) {
      continue;
    }
    std::string_view w = token_text(t.text, tok);
    if (is_weekday(w) || is_iso_date(w)) return i;
    if (w.size() <= 2 && is_digit(w[0]) && (w.size() == 1 || is_digit(w[1])) && i + 1 < l.size &&
        l.tokens[i + 1].kind == rtok_kind::word &&
        is_month_start(token_text(t.text, l.tokens[i + 1]))) {
      return i;
    }
  }
  return l.size;
}

}  // namespace

bool ascii_istarts_with(std::string_view s, std::string_view prefix) noexcept {
  return s.size() >= prefix.size() && ascii_iequals(s.substr(0, prefix.size()), prefix);
}

flat_result tokenize_flat(std::string_view text, rtoken* out, std::size_t capacity) noexcept {
  flat_result r;
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const char c = text[i];
    if (is_space(c)) {
      ++i;
      continue;
    }
    if (r.size == capacity) {
      r.overflow = true;
      break;
    }
    const std::size_t start = i;
    if (c == '(') {
      // Iterative: one counter instead of a call per level, so 100,000 '(' cost nothing more
      // than 100,000 bytes. A backslash quotes the next byte (RFC 5322 quoted-pair).
      std::size_t depth = 1;
      std::size_t max_depth = 1;
      ++i;
      while ((i = comment_stop(text.data(), i, n)) < n) {
        const char d = text[i];
        if (d == '\\') {
          i += 2;
          continue;
        }
        if (d == '(') {
          ++depth;
          max_depth = std::max(max_depth, depth);
        } else if (d == ')') {
          if (--depth == 0) break;
        }
        ++i;
      }
      r.max_depth = std::max(r.max_depth, max_depth);
      if (i >= n) {  // ran off the end: keep what was there
        r.unbalanced = true;
        out[r.size++] = make(start + 1, n - start - 1, rtok_kind::comment, true);
        i = n;
      } else {
        out[r.size++] = make(start + 1, i - start - 1, rtok_kind::comment, false);
        ++i;
      }
      continue;
    }
    if (c == ';') {
      out[r.size++] = make(start, 1, rtok_kind::semicolon, false);
      ++i;
      continue;
    }
    if (c == ')') {
      r.unbalanced = true;
      out[r.size++] = make(start, 1, rtok_kind::stray, false);
      ++i;
      continue;
    }
    if (c == '"') {
      ++i;
      while (i < n && text[i] != '"') i += (text[i] == '\\') ? 2 : 1;
      const bool unterminated = i >= n;
      i = unterminated ? n : i + 1;
      r.unbalanced = r.unbalanced || unterminated;
      out[r.size++] = make(start, i - start, rtok_kind::quoted, unterminated);
      continue;
    }
    if (c == '[') {
      // A domain literal; it ends at ']' and never spans white space or a comment, so a lost
      // ']' cannot swallow the rest of the line. "[ip]:port" stays one token.
      ++i;
      while (i < n && text[i] != ']' && !ends_word(text[i])) ++i;
      if (i < n && text[i] == ']') {
        ++i;
        while (i < n && !ends_word(text[i])) ++i;
        out[r.size++] = make(start, i - start, rtok_kind::literal, false);
      } else {
        r.unbalanced = true;
        out[r.size++] = make(start, i - start, rtok_kind::literal, true);
      }
      continue;
    }
    i = word_end(text.data(), i, n);
    out[r.size++] = make(start, i - start, rtok_kind::word, false);
  }
  return r;
}

void tokenize_received(std::string_view value, std::size_t max_bytes, std::size_t max_tokens,
                       tokenized_received& out) noexcept {
  out.cut = value.size() > max_bytes;
  out.text = out.cut ? value.substr(0, max_bytes) : value;
  out.has_nul = std::memchr(out.text.data(), '\0', out.text.size()) != nullptr;
  static_cast<flat_result&>(out.list) =
      tokenize_flat(out.text, out.list.tokens.data(), std::min(max_tokens, k_token_capacity));
  const auto& l = out.list;

  // The date follows the last ';' outside comments (RFC 5321 4.4). A trailing ';' with nothing
  // after it does not hide an earlier date.
  std::size_t end = l.size;  // clause tokens are [0, end)
  out.date_begin = k_no_date;
  out.date_without_semicolon = false;
  std::size_t last = l.size;
  for (std::size_t i = l.size; i-- > 0;) {
    if (l.tokens[i].kind != rtok_kind::semicolon) continue;
    const bool empty_after = i + 1 == l.size || l.tokens[i + 1].kind == rtok_kind::semicolon;
    if (last == l.size) last = i;
    if (!empty_after) {
      last = i;
      break;
    }
  }
  if (last < l.size) {
    end = last;
    out.date_begin = l.tokens[last].begin + 1;
  }
  if (out.date_begin == k_no_date) {
    const std::size_t d = find_unsemicoloned_date(out);
    if (d < l.size) {
      end = d;
      out.date_begin = l.tokens[d].begin;
      out.date_without_semicolon = true;
    }
  }
  out.date_token = end;

  // Clauses: a keyword word starts one. Tokens before the first keyword are the prelude
  // ("(qmail 2160 invoked from network)", Sendmail's "(from user@localhost)").
  out.clause_count = 0;
  out.clause_overflow = false;
  rclause cur{clause_kind::prelude, 0, 0};
  for (std::size_t i = 0; i < end; ++i) {
    const rtoken& tok = l.tokens[i];
    const clause_kind k =
        tok.kind == rtok_kind::word ? keyword(token_text(out.text, tok)) : clause_kind::prelude;
    if (k == clause_kind::prelude) {
      ++cur.count;
      continue;
    }
    if (cur.kind != clause_kind::prelude || cur.count != 0) {
      if (out.clause_count == k_clause_capacity) {
        out.clause_overflow = true;
        break;
      }
      out.clauses[out.clause_count++] = cur;
    }
    cur = rclause{k, static_cast<std::uint16_t>(i + 1), 0};
  }
  if ((cur.kind != clause_kind::prelude || cur.count != 0) && !out.clause_overflow) {
    if (out.clause_count == k_clause_capacity) {
      out.clause_overflow = true;
    } else {
      out.clauses[out.clause_count++] = cur;
    }
  }
}

}  // namespace hopscope::detail
