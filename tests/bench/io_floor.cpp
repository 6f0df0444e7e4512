// The I/O floor for the batch benchmark: for each path in a list, open the file, read it up to
// the blank line that ends the header (16 KiB at a time), close it. Nothing else. Prints the
// number of files and header bytes, so the benchmark can report MB/s.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fputs("usage: io_floor LIST\n", stderr);
    return 2;
  }
  std::FILE* list = std::fopen(argv[1], "r");
  if (list == nullptr) return 2;
  std::vector<char> buf(1u << 16);
  char path[4096];
  unsigned long long files = 0, header_bytes = 0;
  while (std::fgets(path, sizeof path, list) != nullptr) {
    path[std::strcspn(path, "\n")] = '\0';
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    std::size_t have = 0;
    std::size_t end = 0;
    for (;;) {
      if (have + 16384 > buf.size()) break;  // a header over 48 KiB: stop like a cap would
      const ssize_t n = ::read(fd, buf.data() + have, 16384);
      if (n <= 0) break;
      const std::size_t from = have > 3 ? have - 3 : 0;
      have += static_cast<std::size_t>(n);
      const std::string_view seen(buf.data(), have);
      std::size_t p = seen.find("\n\n", from);
      std::size_t q = seen.find("\r\n\r\n", from);
      if (p != std::string_view::npos || q != std::string_view::npos) {
        end = std::min(p, q);
        break;
      }
    }
    ::close(fd);
    header_bytes += end ? end : have;
    ++files;
  }
  std::fclose(list);
  std::printf("%llu files, %llu header bytes\n", files, header_bytes);
  return 0;
}
