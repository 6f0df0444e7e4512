#pragma once
// Reading one input safely: never blocking on a FIFO, never reading a device or directory,
// and, for a message, never more than its header block (and a little after it).

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

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
  /// Reads until the header block is complete (or the cap, or the end), appending to `buf`.
  /// With `normalised`, the check for the header's end is normalise_if_complete(), and the
  /// header block is left there (normalise_input() of what was read, when the end of the input
  /// or the cap came first): the analysis then need not scan the header again.
  [[nodiscard]] tl::expected<void, source_error> read_header(
      std::string& buf, const read_options& options,
      std::optional<normalised_input>* normalised = nullptr, const input_options& input = {});
  [[nodiscard]] const std::string& label() const noexcept { return label_; }
  /// Sets the size fstat() gave, for read_some() to know the end by. 0 says nothing: files
  /// under /proc are "empty" and yet have content.
  void set_size(std::uint64_t size) noexcept {
    if (size != 0) size_ = size;
  }

 private:
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

/// Opens and reads the header block of `path`.
[[nodiscard]] tl::expected<std::string, source_error> read_header_bytes(
    const std::string& path, const read_options& options);

}  // namespace hopscope::cli
