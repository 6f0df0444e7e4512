#include "cli/record_output.hpp"

#include <poll.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

namespace hopscope::cli {

void record_output::add(std::string text) {
  if (text.empty()) return;
  bytes_ += text.size();
  texts_.push_back(std::move(text));
}

bool record_output::flush() {
  std::vector<iovec> pieces;
  pieces.reserve(texts_.size());
  for (auto& t : texts_) pieces.push_back(iovec{t.data(), t.size()});
  std::size_t next = 0;  // first piece not yet written whole
  bool ok = true;
  while (next < pieces.size()) {
    const int count = static_cast<int>(std::min<std::size_t>(pieces.size() - next, IOV_MAX));
    const ssize_t n = ::writev(fd_, &pieces[next], count);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // A non-blocking descriptor (a parent's choice) that is full: wait until it drains.
      pollfd waiting{fd_, POLLOUT, 0};
      if (::poll(&waiting, 1, -1) >= 0 || errno == EINTR) continue;
    }
    if (n <= 0) {
      if (n == 0) errno = EIO;  // no progress on a non-empty write: give up rather than spin
      ok = false;
      break;
    }
    // Skip what was written: whole pieces, then the written part of a piece cut short.
    auto left = static_cast<std::size_t>(n);
    while (left > 0) {
      iovec& p = pieces[next];
      if (left >= p.iov_len) {
        left -= p.iov_len;
        ++next;
      } else {
        p.iov_base = static_cast<char*>(p.iov_base) + left;
        p.iov_len -= left;
        left = 0;
      }
    }
  }
  texts_.clear();
  bytes_ = 0;
  return ok;
}

}  // namespace hopscope::cli
