#pragma once
// Records on their way to a file descriptor, kept whole and written with writev(): the batch
// writer thread used to copy every output byte into one buffer first (114 MB for 10,980 corpus
// messages as NDJSON).

#include <cstddef>
#include <string>
#include <vector>

namespace hopscope::cli {

class record_output {
 public:
  explicit record_output(int fd) : fd_(fd) {}

  /// Queues `text` (taken, not copied) to be written after what is queued.
  void add(std::string text);
  [[nodiscard]] std::size_t queued_bytes() const noexcept { return bytes_; }
  [[nodiscard]] bool empty() const noexcept { return texts_.empty(); }
  /// Writes everything queued, in order, retrying short writes and EINTR, and waiting when a
  /// non-blocking descriptor is full. False on a write error (a closed pipe, a full disk):
  /// what was queued is dropped, errno tells why.
  bool flush();

 private:
  int fd_;
  std::vector<std::string> texts_;
  std::size_t bytes_ = 0;
};

}  // namespace hopscope::cli
