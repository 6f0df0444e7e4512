#pragma once
// A small streaming JSON writer for the batch hot path: it appends straight into one string,
// validates UTF-8 as it escapes (invalid sequences become U+FFFD, and the writer remembers
// that it happened), and allocates nothing per value. (nlohmann::json builds a tree first and
// cost more than the whole analysis of a message.)

#include <cstdint>
#include <string>
#include <string_view>

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
    separator();
    out_ += '"';
    out_ += k;
    out_ += "\":";
    after_key_ = true;
  }
  void string(std::string_view s) {
    separator();
    append_escaped(s);
  }
  /// A string, or null when empty.
  void string_or_null(std::string_view s) {
    if (s.empty()) {
      null();
    } else {
      string(s);
    }
  }
  void number(std::int64_t v) {
    separator();
    out_ += std::to_string(v);
  }
  void number(std::uint64_t v) {
    separator();
    out_ += std::to_string(v);
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

  [[nodiscard]] bool replaced_invalid_utf8() const noexcept { return replaced_; }

 private:
  void open(char c) {
    separator();
    out_ += c;
    ++depth_;
    first_ = true;
  }
  void close(char c) {
    out_ += c;
    --depth_;
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
  void append_escaped(std::string_view s);

  std::string& out_;
  int depth_ = 0;
  bool first_ = true;
  bool after_key_ = false;
  bool replaced_ = false;
};

}  // namespace hopscope::detail
