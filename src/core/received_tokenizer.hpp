#pragma once
// Stage 1 of Received parsing: a bounded, allocation-free tokenizer that splits an unfolded
// Received value into words, comments, domain literals and quoted strings, groups them into the
// clauses of RFC 5321 4.4 ("from by via with id for") and finds where the date starts.
// Private to the library: received.cpp is its only user.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/ascii.hpp"

namespace hopscope::detail {

enum class rtok_kind : std::uint8_t {
  word,       // a run of bytes up to white space, '(', ')' or ';'
  comment,    // "( ... )" with nested comments inside; begin/length cover the inside only
  literal,    // "[...]" with an optional ":port" glued after the ']'
  quoted,     // "\"...\"" (quotes included)
  semicolon,  // ';' outside comments
  stray,      // a ')' with no '(' before it
};

// Trivial on purpose (no member initialisers): arrays of tokens live on the stack and are not
// zeroed, only the first `size` entries are ever read.
struct rtoken {
  std::uint32_t begin;   // offset into the tokenized text
  std::uint32_t length;  // bytes
  rtok_kind kind;
  bool unterminated;  // comment, literal or quoted string ran to the end of the text
};

enum class clause_kind : std::uint8_t { prelude, from, by, via, with, id, for_ };

struct rclause {
  clause_kind kind = clause_kind::prelude;
  std::uint16_t first = 0;  // first token after the keyword
  std::uint16_t count = 0;  // tokens after the keyword, up to the next clause or the date
};

/// Upper bound on tokens whatever received_limits says: keeps the tokenizer on the stack.
inline constexpr std::size_t k_token_capacity = 1024;
inline constexpr std::size_t k_clause_capacity = 24;
inline constexpr std::uint32_t k_no_date = 0xFFFFFFFFu;

struct flat_result {
  std::size_t size = 0;       // tokens written
  bool overflow = false;      // more tokens than the cap: the rest of the text was not read
  bool unbalanced = false;    // an unterminated comment/literal/quote or a stray ')'
  std::size_t max_depth = 0;  // deepest comment nesting met
};

struct token_list : flat_result {
  std::array<rtoken, k_token_capacity> tokens;
};

struct tokenized_received {
  std::string_view text;  // the input, cut to max_bytes
  bool cut = false;       // the input was longer than max_bytes
  bool has_nul = false;
  token_list list;
  std::array<rclause, k_clause_capacity> clauses;
  std::size_t clause_count = 0;
  bool clause_overflow = false;
  std::uint32_t date_begin = k_no_date;  // offset of the date text, k_no_date when none
  bool date_without_semicolon = false;
  std::size_t date_token = 0;  // first token that belongs to the date (== list.size if none)
};

/// Splits `text` into at most `capacity` tokens written to `out`. Iterative: a nested comment is
/// one token, its end found with a depth counter, never by recursion. Linear in text.size().
/// Token offsets are relative to `text`.
[[nodiscard]] flat_result tokenize_flat(std::string_view text, rtoken* out,
                                        std::size_t capacity) noexcept;

/// The whole of stage 1. `max_bytes`, `max_tokens` come from received_limits.
void tokenize_received(std::string_view value, std::size_t max_bytes, std::size_t max_tokens,
                       tokenized_received& out) noexcept;

/// ASCII case-insensitive prefix test (no locale); equality is ascii_iequals() (core/ascii.hpp).
[[nodiscard]] bool ascii_istarts_with(std::string_view s, std::string_view prefix) noexcept;

/// The text of a token (for comments: the inside, without the parentheses).
[[nodiscard]] inline std::string_view token_text(std::string_view text, const rtoken& t) noexcept {
  return text.substr(t.begin, t.length);
}

}  // namespace hopscope::detail
