#include "cli/read_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "hopscope/input.hpp"

namespace hopscope::cli {
namespace {

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

// True when the bytes around `from` hold a line break followed by an (optionally CR) line
// break: the only place a header block can end.
bool has_blank_line(const std::string& buf, std::size_t from) {
  for (std::size_t i = from; i + 1 < buf.size(); ++i) {
    const char a = buf[i], b = buf[i + 1];
    if ((a == '\n' || a == '\r') && (b == '\n' || b == '\r')) return true;
  }
  return false;
}

tl::expected<std::string, source_error> read_fd(int fd, const std::string& what,
                                                const read_options& options) {
  std::string buf;
  constexpr std::size_t k_chunk = 16384;
  std::size_t checked_at = 0;  // buffer size at the last header-end check (checks double)
  std::size_t scanned = 0;
  for (;;) {
    const std::size_t old = buf.size();
    if (old >= options.max_bytes) break;
    buf.resize(old + std::min(k_chunk, options.max_bytes - old));
    const ssize_t got = ::read(fd, buf.data() + old, buf.size() - old);
    if (got < 0) {
      if (errno == EINTR) {
        buf.resize(old);
        continue;
      }
      const int err = errno;
      return tl::unexpected(errno_error(err, what));
    }
    buf.resize(old + static_cast<std::size_t>(got));
    if (got == 0) break;
    // Only look for the header end when a blank line has arrived, and re-scan at most when the
    // buffer has doubled, so a long header costs linear time.
    const std::size_t from = scanned > 2 ? scanned - 2 : 0;
    scanned = buf.size();
    if (has_blank_line(buf, from) && (checked_at == 0 || buf.size() >= 2 * checked_at)) {
      checked_at = buf.size();
      if (header_end_offset(buf, options.repair) != 0) break;
    }
  }
  if (buf.empty()) return tl::unexpected(source_error{"empty_input", what + ": empty input"});
  return buf;
}

}  // namespace

tl::expected<std::string, source_error> read_header_bytes(const std::string& path,
                                                          const read_options& options) {
  if (path == "-") return read_fd(STDIN_FILENO, "standard input", options);
  // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then rejects it.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    const int err = errno;
    return tl::unexpected(errno_error(err, path));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return tl::unexpected(errno_error(err, path));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return tl::unexpected(source_error{"is_a_directory", path + ": is a directory"});
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return tl::unexpected(
        source_error{"not_a_regular_file", path + ": not a regular file (FIFO, socket or device)"});
  }
  auto result = read_fd(fd, path, options);
  ::close(fd);
  return result;
}

}  // namespace hopscope::cli
