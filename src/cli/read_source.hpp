#pragma once
// Reading one input safely: never blocking on a FIFO, never reading a device or directory,
// and, for a message, never more than its header block (and a little after it).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>
#include "hopscope/input.hpp"

namespace hopscope::cli {

struct source_error {
  std::string code;  // stable: not_found, permission_denied, is_a_directory, not_a_regular_file,
                     // too_large, read_error, empty_input, no_header_fields, symlink_skipped,
                     // symlink_loop
  std::string message;
};

struct read_options {
  bool repair = true;
  std::size_t max_header_bytes = (4u << 20) + (64u << 10);  // header cap plus look-ahead
  std::uint64_t max_file_bytes = std::uint64_t{8} << 30;    // larger files are skipped
};

/// The bytes read of one input, in storage a worker keeps from input to input. Reading into a
/// fresh std::string meant a read() into scratch space and a copy (growing a std::string
/// zero-fills what it adds), an allocation per input and, for a new allocation, its pages
/// faulted in: together 4% of a batch's instructions. Here read() writes straight into the
/// storage, which is zero-filled only the first time it grows to a size.
class read_buffer {
 public:
  [[nodiscard]] std::string_view view() const noexcept { return {storage_.data(), size_}; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  /// `n` writable bytes after the content; commit() what was written.
  [[nodiscard]] char* room(std::size_t n) {
    if (storage_.size() - size_ < n) storage_.resize(std::max(size_ + n, 2 * storage_.size()));
    return storage_.data() + size_;
  }
  void commit(std::size_t n) noexcept { size_ += n; }
  /// Empties the buffer; storage grown past `keep` bytes (a huge header) is let go.
  void clear(std::size_t keep = std::size_t{1} << 20) {
    size_ = 0;
    if (storage_.size() > keep) std::string().swap(storage_);
  }

 private:
  std::string storage_;  // its size is the capacity in use; [0, size_) is the content
  std::size_t size_ = 0;
};

/// An open input: a regular file or stdin. Closes itself.
class open_source {
 public:
  open_source(int fd, bool owned, std::string label)
      : fd_(fd), owned_(owned), label_(std::move(label)) {}
  open_source(open_source&& other) noexcept;
  open_source& operator=(open_source&&) = delete;
  open_source(const open_source&) = delete;
  ~open_source();

  /// Reads up to `max` more bytes (64 KiB at most per call), appending to `buf`; 0 at the
  /// end. Retries on EINTR. A regular file ends at the size it had when opened: the end is
  /// known without one more read() (a syscall costs more than analysing a small header).
  [[nodiscard]] tl::expected<std::size_t, source_error> read_some(std::string& buf,
                                                                  std::size_t max);
  [[nodiscard]] tl::expected<std::size_t, source_error> read_some(read_buffer& buf,
                                                                  std::size_t max);
  /// Reads until the header block is complete (or the cap, or the end), appending to `buf`.
  /// With `normalised`, the check for the header's end is normalise_if_complete(), and the
  /// header block is left there (normalise_input() of what was read, when the end of the input
  /// or the cap came first): the analysis then need not scan the header again.
  [[nodiscard]] tl::expected<void, source_error> read_header(
      read_buffer& buf, const read_options& options,
      std::optional<normalised_input>* normalised = nullptr, const input_options& input = {});
  [[nodiscard]] const std::string& label() const noexcept { return label_; }
  /// Sets the size fstat() gave, for read_some() to know the end by. 0 says nothing: files
  /// under /proc are "empty" and yet have content.
  void set_size(std::uint64_t size) noexcept {
    if (size != 0) size_ = size;
  }

 private:
  // read() into `to`, at most `max` bytes, retrying on EINTR; 0 at the end.
  tl::expected<std::size_t, source_error> read_into(char* to, std::size_t max);

  int fd_ = -1;
  bool owned_ = false;
  std::string label_;
  std::uint64_t size_ = std::numeric_limits<std::uint64_t>::max();  // unknown: stdin
  std::uint64_t consumed_ = 0;                                      // bytes read so far
};

/// The per-item error for a failed system call on `what` (stable codes: not_found,
/// permission_denied, is_a_directory, read_error).
[[nodiscard]] source_error errno_error(int err, const std::string& what);

/// Opens `path` ("-" is stdin) after checking it is a readable regular file under the cap.
[[nodiscard]] tl::expected<open_source, source_error> open_input(const std::string& path,
                                                                 const read_options& options);

}  // namespace hopscope::cli
