#pragma once
// A small streaming JSON writer for the batch hot path: it writes straight into one string,
// makes every string valid UTF-8 as it escapes (each invalid sequence, taken as its maximal
// subpart like to_valid_utf8(), becomes U+FFFD, and the writer remembers that it happened),
// and allocates nothing per value. Its output is byte for byte what nlohmann's compact dump()
// prints for the same document (same escapes: \b \f \n \r \t, other controls as \u00xx in
// lower case, DEL and non-ASCII kept), so render_json() did not change when it moved here.
// (nlohmann::json builds a tree first and cost more than the whole analysis of a message.)
//
// The text is written through a cursor into a buffer grown ahead of it: a std::string append
// per token (a capacity check, a memcpy call, a terminator) was most of the writer's time. The
// buffer is one of this thread's, kept from writer to writer, so it is grown once and never
// zero-filled (growing a std::string zero-fills, and that was a tenth of the rendering).
// finish() appends the text to the string: call it once, after the last value, before the
// string is used.

#include <cassert>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "hopscope/diagnostic.hpp"

namespace hopscope::detail {

class json_writer {
 public:
  explicit json_writer(std::string& out) : out_(out), buf_(acquire()) {}
  ~json_writer() { release(std::move(buf_)); }
  json_writer(const json_writer&) = delete;
  json_writer& operator=(const json_writer&) = delete;

  /// Appends the text written, then `suffix`, to the string. Call once, after the last value.
  void finish(std::string_view suffix = {}) {
    out_.reserve(out_.size() + length_ + suffix.size());
    out_.append(buf_.data.get(), length_);
    out_.append(suffix);
    length_ = 0;
  }

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  /// An object key: our own string literals only (never message text). Inline, with the
  /// literal's length known here, so the copy is a few moves instead of a call to memcpy()
  /// (a report writes some 300 keys).
  template <std::size_t N>
  [[gnu::always_inline]] void key(const char (&k)[N]) {
    constexpr std::size_t size = N - 1;
    char* p = room(size + 4);
    if (!after_key_ && !first_) *p++ = ',';
    *p++ = '"';
    std::memcpy(p, k, size);
    p += size;
    *p++ = '"';
    *p++ = ':';
    length_ = static_cast<std::size_t>(p - buf_.data.get());
    first_ = false;
    after_key_ = true;
  }
  /// A string from the message: invalid UTF-8 is replaced and counted in
  /// replaced_invalid_utf8().
  void string(std::string_view s) {
    separator();
    append_escaped(s, true);
  }
  /// A string or null when empty.
  void string_or_null(std::string_view s) {
    if (s.empty()) {
      null();
    } else {
      string(s);
    }
  }
  /// Our own words (codes, enum names): escaped and made valid the same way, but not counted.
  void literal(std::string_view s) {
    separator();
    append_escaped(s, false);
  }
  /// One of our own fixed words that needs no escaping: an enum's name, a formatted time. It is
  /// copied as it is (a report writes some fifty, and escaping each cost ~150 instructions), so
  /// it must be printable ASCII without '"' or '\\'; debug builds check that.
  void plain_word(std::string_view s) {
    assert(is_plain(s));
    separator();
    char* p = room(s.size() + 2);
    *p++ = '"';
    std::memcpy(p, s.data(), s.size());
    p += s.size();
    *p++ = '"';
    length_ = static_cast<std::size_t>(p - buf_.data.get());
  }
  template <typename T,
            std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  void number(T v) {
    separator();
    char* p = room(24);
    const auto r = std::to_chars(p, p + 24, v);
    length_ = static_cast<std::size_t>(r.ptr - buf_.data.get());
  }
  /// A double exactly as nlohmann prints it (shortest round trip, ".0" for integral values,
  /// null for NaN and infinities).
  void number(double v);
  template <typename T>
  void optional(const std::optional<T>& v) {
    if (v) {
      number(*v);
    } else {
      null();
    }
  }
  void boolean(bool v) {
    separator();
    put(v ? std::string_view("true") : std::string_view("false"));
  }
  void null() {
    separator();
    put(std::string_view("null"));
  }
  [[nodiscard]] bool replaced_invalid_utf8() const noexcept { return replaced_; }

 private:
  struct buffer {
    std::unique_ptr<char[]> data;
    std::size_t capacity = 0;
  };
  static bool is_plain(std::string_view s) noexcept {
    for (const char c : s) {
      if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') return false;
    }
    return true;
  }
  static std::vector<buffer>& spares();        // this thread's
  static buffer acquire();                     // a spare buffer, or an empty one
  static void release(buffer spare) noexcept;  // back to the spares
  // Room for `n` more bytes at the cursor; the buffer grows geometrically.
  char* room(std::size_t n) {
    if (buf_.capacity - length_ < n) grow(n);
    return buf_.data.get() + length_;
  }
  void grow(std::size_t n);
  void put(char c) {
    *room(1) = c;
    ++length_;
  }
  void put(std::string_view s) {
    std::memcpy(room(s.size()), s.data(), s.size());
    length_ += s.size();
  }
  void open(char c) {
    separator();
    put(c);
    first_ = true;
  }
  void close(char c) {
    put(c);
    first_ = false;
  }
  void separator() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_) put(',');
    first_ = false;
  }
  void append_escaped(std::string_view s, bool track);

  std::string& out_;
  buffer buf_;
  std::size_t length_ = 0;  // bytes of buf_ written; the rest is room
  bool first_ = true;
  bool after_key_ = false;
  bool replaced_ = false;
};

/// [{"code", "message"}, ...]: the diagnostics of a report or of one of its sections.
void diagnostics_json(json_writer& w, const std::vector<diagnostic>& diagnostics);

}  // namespace hopscope::detail
