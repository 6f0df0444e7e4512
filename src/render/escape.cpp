// Byte-level sanitising for output sinks: terminals (escape_for_terminal) and JSON
// (to_valid_utf8). Both walk the input once, decoding UTF-8 by hand, so they are linear and
// never read past the view.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "hopscope/render.hpp"

namespace hopscope {
namespace {

// One step of a strict UTF-8 decoder (RFC 3629 / Unicode 15 table 3-7): no overlongs, no
// surrogates, nothing above U+10FFFF. On failure `length` is the "maximal subpart" (Unicode
// 3.9, the WHATWG decoder's rule): the bytes that could still have begun a valid sequence,
// at least 1, so one bad lead byte never swallows the valid text after it.
struct utf8_step {
  char32_t code_point = 0;
  std::size_t length = 1;
  bool valid = false;
};

utf8_step decode_one(std::string_view s, std::size_t i) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  utf8_step out;
  if (b0 < 0x80) {
    out.code_point = b0;
    out.valid = true;
    return out;
  }
  std::size_t need = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  char32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
    cp = b0 & 0x1Fu;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    cp = b0 & 0x0Fu;
    if (b0 == 0xE0) lo = 0xA0;  // overlong below U+0800
    if (b0 == 0xED) hi = 0x9F;  // UTF-16 surrogates U+D800..U+DFFF
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    cp = b0 & 0x07u;
    if (b0 == 0xF0) lo = 0x90;  // overlong below U+10000
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return out;  // continuation byte, C0/C1 (always overlong) or F5..FF
  }
  std::size_t k = 1;
  for (; k <= need; ++k) {
    // Truncated or a byte out of range: the k bytes before it are the maximal subpart.
    if (i + k >= s.size()) break;
    const unsigned char b = byte(i + k);
    const unsigned char min = k == 1 ? lo : 0x80;
    const unsigned char max = k == 1 ? hi : 0xBF;
    if (b < min || b > max) break;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  out.length = k;
  if (k > need) {
    out.code_point = cp;
    out.valid = true;
  }
  return out;
}

// Code points a terminal must not receive from a message, beyond the C0/C1 controls and DEL:
// bidi embeddings, overrides, isolates and marks (the "Trojan Source" trick, CVE-2021-42574,
// which can make "evil.example" display as "elpmaxe.live"), and the line/paragraph separators
// that some terminals treat as a newline, which would let a header forge extra report lines.
bool is_unsafe_format_char(char32_t cp) noexcept {
  return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029;
}

void append_hex_byte(std::string& out, unsigned char b) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  out += "\\x";
  out += k_hex[b >> 4];
  out += k_hex[b & 0x0F];
}

}  // namespace

std::string escape_for_terminal(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size();) {
    const utf8_step step = decode_one(bytes, i);
    const char32_t cp = step.code_point;
    if (step.valid && cp == U'\t') {
      // Folded header lines keep their TAB; a space shows the same thing without letting the
      // terminal jump to a tab stop and misalign the report.
      out += ' ';
    } else if (!step.valid || cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) ||
               is_unsafe_format_char(cp)) {
      // Every byte of the offending sequence is shown, so the user sees exactly what the
      // message holds (an ESC becomes \x1B and the "[31m" after it is harmless text).
      for (std::size_t k = 0; k < step.length; ++k) {
        append_hex_byte(out, static_cast<unsigned char>(bytes[i + k]));
      }
    } else {
      out.append(bytes.substr(i, step.length));
    }
    i += step.length;
  }
  return out;
}

std::string to_valid_utf8(std::string_view bytes, bool* replaced) {
  if (replaced != nullptr) *replaced = false;
  std::string out;
  out.reserve(bytes.size());
  std::size_t clean_from = 0;  // start of the current run of valid bytes, copied in one go
  for (std::size_t i = 0; i < bytes.size();) {
    if (static_cast<unsigned char>(bytes[i]) < 0x80) {
      ++i;  // ASCII fast path: most header text never reaches the decoder
      continue;
    }
    const utf8_step step = decode_one(bytes, i);
    if (!step.valid) {
      out.append(bytes.substr(clean_from, i - clean_from));
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      if (replaced != nullptr) *replaced = true;
      clean_from = i + step.length;
    }
    i += step.length;
  }
  out.append(bytes.substr(clean_from));
  return out;
}

}  // namespace hopscope
