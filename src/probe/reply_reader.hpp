#pragma once
// Incremental, capped reader of SMTP replies (RFC 5321 4.2). Private to hopscope_probe; tests
// include it directly.

#include <cstddef>
#include <string>
#include <string_view>

#include "hopscope/probe.hpp"

namespace hopscope::probe_detail {

enum class reply_status { need_more, complete, failed };

/// Feed it bytes as they arrive; it stops at the end of one reply or at the first cap broken.
/// Why incremental: a hostile server may send one byte a second or a line that never ends, and
/// the caller must be able to give up at a deadline with what it has.
class reply_reader {
 public:
  explicit reply_reader(const probe_reply_limits& limits) : limits_(limits) {}

  /// Consumes bytes up to the end of the reply (or the error); returns how many it used. Bytes
  /// after a complete reply are not consumed: they belong to the next one.
  std::size_t feed(std::string_view data);

  [[nodiscard]] reply_status status() const noexcept { return status_; }
  [[nodiscard]] const probe_reply& reply() const noexcept { return reply_; }
  [[nodiscard]] const probe_error& error() const noexcept { return error_; }
  /// The reply's lines as received (code and separator included), for transcripts.
  [[nodiscard]] const std::string& partial_line() const noexcept { return line_; }

 private:
  void finish_line();
  void fail(std::string code, std::string message);

  probe_reply_limits limits_;
  reply_status status_ = reply_status::need_more;
  probe_reply reply_;
  probe_error error_;
  std::string line_;
  std::size_t total_ = 0;
};

}  // namespace hopscope::probe_detail
