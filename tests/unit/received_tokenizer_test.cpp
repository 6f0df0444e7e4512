// Stage 1 of Received parsing, tokenize_flat(), against a byte-at-a-time reading of the same
// rules: words and comments are found 16 bytes at a time where SSE2 is there, and the
// reference is the loop they replaced. Random texts of words (up to 40 bytes, so whole 16-byte
// blocks are read), nested comments with backslash pairs, semicolons, stray ')' and every
// byte that ends a word, some cut short inside a comment. Quoted strings and literals are left
// out: their loops did not change.
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "core/received_tokenizer.hpp"

namespace {

using hopscope::detail::rtok_kind;
using hopscope::detail::rtoken;

bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
bool ends_word(char c) { return is_space(c) || c == '(' || c == ')' || c == ';'; }

std::vector<rtoken> reference_tokens(const std::string& t) {
  std::vector<rtoken> out;
  auto add = [&](std::size_t begin, std::size_t length, rtok_kind kind, bool unterminated) {
    out.push_back(rtoken{static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(length),
                         kind, unterminated});
  };
  const std::size_t n = t.size();
  for (std::size_t i = 0; i < n;) {
    const std::size_t start = i;
    if (is_space(t[i])) {
      ++i;
    } else if (t[i] == '(') {
      std::size_t depth = 1;
      for (++i; i < n; ++i) {
        if (t[i] == '\\') {
          ++i;
        } else if (t[i] == '(') {
          ++depth;
        } else if (t[i] == ')' && --depth == 0) {
          break;
        }
      }
      if (i >= n) {
        add(start + 1, n - start - 1, rtok_kind::comment, true);
        i = n;
      } else {
        add(start + 1, i - start - 1, rtok_kind::comment, false);
        ++i;
      }
    } else if (t[i] == ';' || t[i] == ')') {
      add(start, 1, t[i] == ';' ? rtok_kind::semicolon : rtok_kind::stray, false);
      ++i;
    } else {
      while (i < n && !ends_word(t[i])) ++i;
      add(start, i - start, rtok_kind::word, false);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("tokenize_flat finds words and comments as a byte-at-a-time reading does", "[received]") {
  const std::string k_word_bytes = "abcxyzABC019.-_@=:/\x80\xff";
  const std::string k_enders = " \t\n\v\f\r();";
  std::mt19937 rng(20261126);
  std::size_t long_words = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const int pieces = 1 + static_cast<int>(rng() % 8);
    for (int p = 0; p < pieces; ++p) {
      switch (rng() % 4) {
        case 0:
        case 1: {  // a word, then a byte that ends it
          const std::size_t length = 1 + rng() % 40;
          long_words += length >= 16 ? 1 : 0;
          for (std::size_t i = 0; i < length; ++i)
            text += k_word_bytes[rng() % k_word_bytes.size()];
          text += k_enders[rng() % k_enders.size()];
          break;
        }
        case 2: {  // a comment of up to 60 bytes, nested and escaped here and there
          text += '(';
          const std::size_t length = rng() % 60;
          for (std::size_t i = 0; i < length; ++i) {
            const auto r = rng() % 20;
            text += r == 0 ? '(' : r == 1 ? ')' : r == 2 ? '\\' : k_word_bytes[rng() % 10];
          }
          if (rng() % 4 != 0) text += ')';
          break;
        }
        default:
          text += k_enders[rng() % k_enders.size()];
      }
    }
    if (rng() % 5 == 0) text.resize(rng() % (text.size() + 1));
    std::vector<rtoken> got(hopscope::detail::k_token_capacity);
    const auto r = hopscope::detail::tokenize_flat(text, got.data(), got.size());
    const auto want = reference_tokens(text);
    INFO(text);
    REQUIRE(r.size == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
      CHECK(got[i].begin == want[i].begin);
      CHECK(got[i].length == want[i].length);
      CHECK(got[i].kind == want[i].kind);
      CHECK(got[i].unterminated == want[i].unterminated);
    }
  }
  CHECK(long_words > 10000);
}
