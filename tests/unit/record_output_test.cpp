// record_output: the batch writer's writev() of whole records, against a real pipe.
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <csignal>
#include <string>
#include <thread>
#include <vector>

#include "cli/record_output.hpp"

namespace {

// Records of varied sizes (1 byte to 100 KB), each line numbered, so a lost, repeated or
// reordered byte shows.
std::vector<std::string> make_records(std::size_t count) {
  std::vector<std::string> records;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t size = (i * 7919) % (i % 10 == 0 ? 100000 : 3000) + 1;
    std::string r = std::to_string(i) + ":";
    while (r.size() < size) r += static_cast<char>('a' + (r.size() + i) % 26);
    r += '\n';
    records.push_back(std::move(r));
  }
  return records;
}

std::string read_all(int fd) {
  std::string got;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  return got;
}

}  // namespace

TEST_CASE("record_output writes every record whole and in order through a full pipe",
          "[cli][output]") {
  for (const bool nonblocking : {false, true}) {
    INFO((nonblocking ? "non-blocking" : "blocking") << " pipe");
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    if (nonblocking) REQUIRE(::fcntl(fds[1], F_SETFL, O_NONBLOCK) == 0);
    // A 4 KiB pipe against megabytes of records: short writes, and EAGAIN when non-blocking.
    ::fcntl(fds[1], F_SETPIPE_SZ, 4096);
    std::string got;
    std::thread reader([&] { got = read_all(fds[0]); });
    const auto records = make_records(300);
    std::string want;
    hopscope::cli::record_output out(fds[1]);
    bool ok = true;
    for (const auto& r : records) {
      want += r;
      out.add(r);
      if (out.queued_bytes() >= 64 * 1024) ok = out.flush() && ok;
    }
    out.add("");  // nothing queued for an empty text
    ok = out.flush() && ok;
    CHECK(out.empty());
    ::close(fds[1]);
    reader.join();
    ::close(fds[0]);
    CHECK(ok);
    CHECK(got.size() == want.size());
    CHECK(got == want);
  }
}

TEST_CASE("record_output reports a closed pipe and drops what was queued", "[cli][output]") {
  std::signal(SIGPIPE, SIG_IGN);  // as the CLI does: EPIPE, not a signal
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  ::close(fds[0]);
  hopscope::cli::record_output out(fds[1]);
  out.add("a record\n");
  CHECK_FALSE(out.flush());
  CHECK(errno == EPIPE);
  CHECK(out.empty());
  CHECK(out.queued_bytes() == 0);
  ::close(fds[1]);
}
