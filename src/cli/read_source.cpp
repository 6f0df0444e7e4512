#include "cli/read_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "hopscope/input.hpp"

namespace hopscope::cli {
namespace {

// True when the bytes from `from` on hold a line break followed by another line break: the
// only place a header block can end.
bool has_blank_line(std::string_view buf, std::size_t from) {
  for (std::size_t i = from; i + 1 < buf.size(); ++i) {
    const char a = buf[i], b = buf[i + 1];
    if ((a == '\n' || a == '\r') && (b == '\n' || b == '\r')) return true;
  }
  return false;
}

}  // namespace

source_error errno_error(int err, const std::string& what) {
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return {"not_found", what + ": no such file"};
    case EACCES:
    case EPERM:
      return {"permission_denied", what + ": permission denied"};
    case EISDIR:
      return {"is_a_directory", what + ": is a directory"};
    default:
      return {"read_error", what + ": " + std::strerror(err)};
  }
}

open_source::open_source(open_source&& other) noexcept
    : fd_(other.fd_),
      owned_(other.owned_),
      label_(std::move(other.label_)),
      size_(other.size_),
      consumed_(other.consumed_) {
  other.fd_ = -1;
  other.owned_ = false;
}

open_source::~open_source() {
  if (owned_ && fd_ >= 0) ::close(fd_);
}

tl::expected<std::size_t, source_error> open_source::read_into(char* to, std::size_t max) {
  if (consumed_ >= size_) return 0;
  for (;;) {
    const ssize_t got = ::read(fd_, to, max);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      const int err = errno;
      return tl::unexpected(errno_error(err, label_));
    }
    consumed_ += static_cast<std::uint64_t>(got);
    return static_cast<std::size_t>(got);
  }
}

tl::expected<std::size_t, source_error> open_source::read_some(std::string& buf, std::size_t max) {
  // Read into a scratch buffer and append what arrived: resizing `buf` by `max` first would
  // zero-fill bytes that are then overwritten (a bounce body is read 64 KiB at a time).
  constexpr std::size_t k_scratch = 64u << 10;
  thread_local std::unique_ptr<char[]> scratch(new char[k_scratch]);
  auto got = read_into(scratch.get(), std::min(max, k_scratch));
  if (got) buf.append(scratch.get(), *got);
  return got;
}

tl::expected<std::size_t, source_error> open_source::read_some(read_buffer& buf, std::size_t max) {
  max = std::min(max, std::size_t{64} << 10);
  // A regular file: no more room than what is left of it, so a small file's read touches
  // only the bytes it fills.
  if (size_ > consumed_)
    max = static_cast<std::size_t>(std::min<std::uint64_t>(max, size_ - consumed_));
  auto got = read_into(buf.room(max), max);
  if (got) buf.commit(*got);
  return got;
}

tl::expected<void, source_error> open_source::read_header(
    read_buffer& buf, const read_options& options, std::optional<normalised_input>* normalised,
    const input_options& input) {
  constexpr std::size_t k_chunk = 16384;
  // Look for the header end only when a blank line has arrived, and re-scan at most when the
  // buffer has doubled, so a long header costs linear time.
  std::size_t checked_at = 0;
  std::size_t scanned = 0;
  auto complete = [&]() {
    const std::size_t from = scanned > 2 ? scanned - 2 : 0;
    scanned = buf.size();
    if (!has_blank_line(buf.view(), from)) return false;
    if (checked_at != 0 && buf.size() < 2 * checked_at) return false;
    checked_at = buf.size();
    if (normalised != nullptr) {
      *normalised = normalise_if_complete(buf.view(), input);
      return normalised->has_value();
    }
    return header_end_offset(buf.view(), options.repair) != 0;
  };
  if (!buf.empty() && complete()) return {};
  while (buf.size() < options.max_header_bytes) {
    auto got = read_some(buf, std::min(k_chunk, options.max_header_bytes - buf.size()));
    if (!got) return tl::unexpected(got.error());
    if (*got == 0 || complete()) break;
  }
  // The end of the input or the cap came first (a file that is all header): the block is
  // what the bytes hold, as the analysis would read them.
  if (normalised != nullptr && !normalised->has_value())
    *normalised = normalise_input(buf.view(), input);
  return {};
}

tl::expected<open_source, source_error> open_input(const std::string& path,
                                                   const read_options& options) {
  if (path == "-") return open_source(STDIN_FILENO, false, "standard input");
  // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then rejects it.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    const int err = errno;
    return tl::unexpected(errno_error(err, path));
  }
  open_source source(fd, true, path);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    return tl::unexpected(errno_error(err, path));
  }
  if (S_ISDIR(st.st_mode)) {
    return tl::unexpected(source_error{"is_a_directory", path + ": is a directory"});
  }
  if (!S_ISREG(st.st_mode)) {
    return tl::unexpected(
        source_error{"not_a_regular_file", path + ": not a regular file (FIFO, socket or device)"});
  }
  if (static_cast<std::uint64_t>(st.st_size) > options.max_file_bytes) {
    return tl::unexpected(source_error{"too_large", path + ": larger than the size cap (" +
                                                        std::to_string(options.max_file_bytes) +
                                                        " bytes; see --max-size)"});
  }
  source.set_size(static_cast<std::uint64_t>(st.st_size));
  return source;
}

}  // namespace hopscope::cli
