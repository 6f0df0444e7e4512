// RFC 2047 encoded-word decoding for display (Subject, From, ...). One forward pass, no regex,
// no recursion: every byte of the input is looked at a bounded number of times.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/ascii.hpp"
#include "hopscope/header.hpp"

namespace hopscope {
namespace {

using detail::ascii_iequals;

// RFC 2047 2 caps a whole encoded word at 75 characters; real charset names are far shorter.
// A longer "charset" means the "=?" was not the start of a word, and the cap keeps each failed
// attempt O(1).
constexpr std::size_t k_max_charset = 64;

// RFC 2047 2: charset is a "token": printable ASCII except SPACE and especials.
bool is_token_char(char c) noexcept {
  if (c <= ' ' || c >= 0x7F) return false;
  constexpr std::string_view k_especials = "()<>@,;:\"/[]?.=";
  return k_especials.find(c) == std::string_view::npos;
}

bool is_lwsp(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

enum class charset_kind : std::uint8_t { unknown, utf8, windows_1252 };

charset_kind classify_charset(std::string_view name) noexcept {
  // RFC 2231 5 lets a charset carry a language: "=?utf-8*sl?Q?_omre=C5?=".
  const std::size_t star = name.find('*');
  if (star != std::string_view::npos) name = name.substr(0, star);
  if (ascii_iequals(name, "utf-8") || ascii_iequals(name, "utf8")) return charset_kind::utf8;
  // The WHATWG Encoding Standard maps all of these labels to windows-1252, and so do mail
  // readers: "iso-8859-1" text from Outlook routinely holds 1252 quotes, as in
  // "=?Windows-1252?Q?ENC:_=93#Get_Straight_#Teeth_from_Home=94?=" (phishing_pot sample-248).
  // US-ASCII words should hold no 8-bit bytes; if they do, 1252 is the likeliest meaning.
  constexpr std::string_view k_1252_names[] = {
      "windows-1252", "cp1252",  "x-cp1252", "iso-8859-1", "iso8859-1", "iso_8859-1",
      "latin1",       "latin-1", "l1",       "cp819",      "us-ascii",  "ascii",
  };
  for (const auto candidate : k_1252_names) {
    if (ascii_iequals(name, candidate)) return charset_kind::windows_1252;
  }
  return charset_kind::unknown;
}

// Windows-1252 0x80..0x9F; the five undefined bytes map to the C1 control of the same value,
// as WHATWG does, so nothing is lost (the terminal renderer shows them as \xNN).
constexpr char16_t k_cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

void append_cp1252(std::string& out, std::string_view bytes) {
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x80) {
      out += c;
    } else if (b < 0xA0) {
      append_utf8(out, k_cp1252_high[b - 0x80]);
    } else {
      append_utf8(out, b);  // 0xA0..0xFF are U+00A0..U+00FF, as in ISO-8859-1
    }
  }
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;  // RFC 2047 says upper case; mail says both
  return -1;
}

// RFC 2047 4.2. False if the text is not Q (stray "=" or "?"); the word is then kept as written.
bool decode_q(std::string_view text, std::string& out) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '_') {
      out += ' ';
    } else if (c == '=') {
      if (text.size() - i < 3) return false;
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out += static_cast<char>((hi << 4) | lo);
      i += 2;
    } else if (c == '?') {
      return false;
    } else {
      out += c;
    }
  }
  return true;
}

int base64_value(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// RFC 2047 4.1 (RFC 4648 alphabet). Missing padding is accepted (common in the wild); a
// character outside the alphabet, data after padding, or a lone trailing sextet is not.
bool decode_b(std::string_view text, std::string& out) {
  std::uint32_t acc = 0;
  int bits = 0;
  bool padding = false;
  for (const char c : text) {
    if (c == ' ' || c == '\t') continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    const int v = base64_value(c);
    if (v < 0 || padding) return false;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFFu);
    }
  }
  return bits < 6;  // 6 leftover bits cannot hold a byte: the text was truncated
}

// Finds the first "?=" or line break at or after `from`. Without memory, input such as
// "=?a?q?x =?a?q?x =?a?q?x ..." (no word ever closes) would rescan to the end from every
// attempt: quadratic. Attempts start at increasing positions and a word's text begins at most
// k_max_charset + 5 bytes after its start, so a query is either inside the span already
// searched (answer known), a few bytes before it (scan only those), or past it (scan on).
class terminator_finder {
 public:
  explicit terminator_finder(std::string_view s) noexcept : s_(s) {}
  std::size_t find(std::size_t from) noexcept {
    if (cached_ && from < searched_from_) {
      for (std::size_t i = from; i < searched_from_; ++i) {
        if (is_terminator(i)) return i;
      }
      return found_;
    }
    if (cached_ && from <= found_) return found_;
    std::size_t i = from;
    while (i < s_.size() && !is_terminator(i)) ++i;
    cached_ = true;
    searched_from_ = from;
    found_ = i;
    return i;
  }

 private:
  bool is_terminator(std::size_t i) const noexcept {
    // A line break ends the search too: an encoded word never spans lines (RFC 2047 2).
    return s_[i] == '\r' || s_[i] == '\n' ||
           (s_[i] == '?' && i + 1 < s_.size() && s_[i + 1] == '=');
  }
  std::string_view s_;
  bool cached_ = false;
  std::size_t searched_from_ = 0;
  std::size_t found_ = 0;  // first terminator at or after searched_from_ (or s_.size())
};

struct word_result {
  bool is_word = false;  // "=?charset?X?text?=" shape found; `end` is valid
  bool decoded = false;  // and its text was decoded into `text` (UTF-8)
  std::size_t end = 0;   // one past the closing "?="
};

word_result try_word(std::string_view s, std::size_t start, terminator_finder& finder,
                     std::string& text) {
  word_result r;
  std::size_t i = start + 2;  // after "=?"
  const std::size_t charset_begin = i;
  while (i < s.size() && i - charset_begin <= k_max_charset && s[i] != '?' &&
         (is_token_char(s[i]) || s[i] == '*')) {
    ++i;
  }
  if (i == charset_begin || i >= s.size() || s[i] != '?' || i - charset_begin > k_max_charset) {
    return r;
  }
  const std::string_view charset = s.substr(charset_begin, i - charset_begin);
  if (i + 2 >= s.size() || s[i + 2] != '?') return r;
  const char encoding = s[i + 1];
  const bool q = encoding == 'Q' || encoding == 'q';
  const bool b = encoding == 'B' || encoding == 'b';
  if (!q && !b) return r;
  const std::size_t text_begin = i + 3;
  const std::size_t close = finder.find(text_begin);
  if (close >= s.size() || s[close] != '?') return r;  // line break or end before "?="
  r.is_word = true;
  r.end = close + 2;

  const charset_kind kind = classify_charset(charset);
  if (kind == charset_kind::unknown) return r;  // shown as written: we cannot convert it
  // Spaces inside the text break RFC 2047 but are seen in the wild, decoded by mail readers:
  // "From: =?iso-8859-1?q?Dear Sam's Club Customer?=" (phishing_pot sample-1393).
  const std::string_view encoded = s.substr(text_begin, close - text_begin);
  std::string raw;
  if (!(q ? decode_q(encoded, raw) : decode_b(encoded, raw))) return r;
  text.clear();
  if (kind == charset_kind::utf8) {
    // Kept as bytes, not validated: a character split over two words ("=C5" then "=BE", as in
    // spamassassin nice/unicode1) is whole again once adjacent words are joined. Renderers
    // make the final text safe for their sink.
    text = std::move(raw);
  } else {
    append_cp1252(text, raw);
  }
  r.decoded = true;
  return r;
}

}  // namespace

std::string decode_encoded_words(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  terminator_finder finder(value);
  std::string word;
  std::size_t literal_from = 0;  // start of input not yet copied to `out`
  std::size_t last_word_end = std::string_view::npos;
  std::size_t i = 0;
  while (i + 1 < value.size()) {
    const std::size_t start = value.find("=?", i);
    if (start == std::string_view::npos) break;
    const word_result r = try_word(value, start, finder, word);
    if (!r.is_word) {
      i = start + 1;
      continue;
    }
    if (r.decoded) {
      const std::string_view gap = value.substr(literal_from, start - literal_from);
      bool only_space = literal_from == last_word_end;
      for (std::size_t k = 0; only_space && k < gap.size(); ++k) only_space = is_lwsp(gap[k]);
      // RFC 2047 6.2: white space between two adjacent encoded words is not displayed.
      if (!only_space) out.append(gap);
      out.append(word);
      literal_from = r.end;
      last_word_end = r.end;
    }
    // An undecodable word is copied as written later, with the literal text around it; skipping
    // all of it keeps a "=?" inside its text from being read as a new word.
    i = r.end;
  }
  out.append(value.substr(literal_from));
  return out;
}

}  // namespace hopscope
