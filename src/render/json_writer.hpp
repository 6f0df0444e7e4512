#pragma once
// A small streaming JSON writer for the batch hot path: it appends straight into one string,
// makes every string valid UTF-8 as it escapes (each invalid sequence, taken as its maximal
// subpart like to_valid_utf8(), becomes U+FFFD, and the writer remembers that it happened),
// and allocates nothing per value. Its output is byte for byte what nlohmann's compact dump()
// prints for the same document (same escapes: \b \f \n \r \t, other controls as \u00xx in
// lower case, DEL and non-ASCII kept), so render_json() did not change when it moved here.
// (nlohmann::json builds a tree first and cost more than the whole analysis of a message.)

#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace hopscope::detail {

class json_writer {
 public:
  explicit json_writer(std::string& out) : out_(out) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  /// An object key: our own ASCII literals only (never message text).
  void key(std::string_view k) {
    // One append for the separator, the quoted key and the colon: a document has ~40 keys a
    // hop, and each std::string append checks capacity and writes a terminator.
    char buf[64];
    if (k.size() > sizeof buf - 4) {
      separator();
      out_ += '"';
      out_ += k;
      out_ += "\":";
    } else {
      std::size_t n = 0;
      if (!after_key_ && !first_) buf[n++] = ',';
      buf[n++] = '"';
      std::memcpy(buf + n, k.data(), k.size());
      n += k.size();
      buf[n++] = '"';
      buf[n++] = ':';
      out_.append(buf, n);
      first_ = false;
    }
    after_key_ = true;
  }
  /// A string from the message: invalid UTF-8 is replaced and counted in
  /// replaced_invalid_utf8().
  void string(std::string_view s) {
    separator();
    append_escaped(s, tracking_);
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
  template <typename T,
            std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  void number(T v) {
    separator();
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, static_cast<std::size_t>(r.ptr - buf));
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
    out_ += v ? "true" : "false";
  }
  void null() {
    separator();
    out_ += "null";
  }
  /// Already-serialised JSON (a fragment another renderer produced).
  void raw(std::string_view json) {
    separator();
    out_ += json;
  }
  /// An object another renderer serialised, reopened: `json` is a whole object ("{...}"); its
  /// closing brace is dropped so more keys can follow. Close it with end_object().
  void reopen_object(std::string_view json) {
    separator();
    if (!json.empty() && json.back() == '}') json.remove_suffix(1);
    out_ += json;
    first_ = json.size() <= 1;  // "{": nothing inside yet
  }

  [[nodiscard]] bool replaced_invalid_utf8() const noexcept { return replaced_; }
  /// Whether string() counts its replacements (on at the start).
  void track_replacements(bool on) noexcept { tracking_ = on; }

 private:
  void open(char c) {
    separator();
    out_ += c;
    first_ = true;
  }
  void close(char c) {
    out_ += c;
    first_ = false;
  }
  void separator() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_) out_ += ',';
    first_ = false;
  }
  void append_escaped(std::string_view s, bool track);

  std::string& out_;
  bool first_ = true;
  bool after_key_ = false;
  bool replaced_ = false;
  bool tracking_ = true;
};

}  // namespace hopscope::detail
