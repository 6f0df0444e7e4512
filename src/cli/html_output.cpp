// `hopscope analyze --html FILE` (see html_output.hpp).

#include "cli/html_output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "hopscope/html.hpp"
#include "hopscope/mbox.hpp"
#include "hopscope/render.hpp"
#include "hopscope/report.hpp"

namespace hopscope::cli {
namespace {

// A bounce carries its delivery report in the body, so the report reads past the header
// block (unlike the batch path); this cap keeps a huge attachment from being read whole.
constexpr std::size_t k_max_message_bytes = std::size_t{16} << 20;

bool write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

int fail(const std::string& message, int code) {
  std::fprintf(stderr, "hopscope: %s\n", escape_for_terminal(message).c_str());
  return code;
}

}  // namespace

bool write_text_file(const std::string& path, const std::string& text, std::string& error) {
  if (path == "-") {
    if (write_all(STDOUT_FILENO, text)) return true;
    error = std::string("standard output: ") + std::strerror(errno);
    return false;
  }
  // A device or FIFO (/dev/stdout, a named pipe) is written in place: renaming over it would
  // replace the device node rather than write to it.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    const int out = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    const bool ok = out >= 0 && write_all(out, text);
    if (!ok) error = path + ": " + std::strerror(errno);
    if (out >= 0) ::close(out);
    return ok;
  }
  const std::string temp = path + ".tmp" + std::to_string(::getpid());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (fd < 0) {
    error = path + ": " + std::strerror(errno);
    return false;
  }
  const bool written = write_all(fd, text);
  const int saved = errno;
  const bool closed = ::close(fd) == 0;
  if (!written || !closed || ::rename(temp.c_str(), path.c_str()) != 0) {
    error = path + ": " + std::strerror(written && closed ? errno : saved);
    ::unlink(temp.c_str());
    return false;
  }
  return true;
}

int write_html_report(const std::vector<std::string>& inputs, const std::string& output,
                      const batch_config& config) {
  if (inputs.size() > 1) {
    return fail("--html writes a report of one message; give one input", k_exit_usage);
  }
  const std::string path = inputs.empty() ? std::string("-") : inputs.front();
  auto source = open_input(path, config.read);
  if (!source) return fail(source.error().message, k_exit_some_failed);
  std::string bytes;
  for (;;) {
    auto got = source->read_some(bytes, 256u << 10);
    if (!got) return fail(got.error().message, k_exit_some_failed);
    if (*got == 0 || bytes.size() >= k_max_message_bytes) break;
  }
  if (bytes.empty()) return fail(path + ": empty input", k_exit_some_failed);
  if (looks_like_mbox(bytes) && path.size() >= 4 && path.compare(path.size() - 4, 4, ".eml") != 0) {
    // An mbox with one message is fine (the analysis strips the From line); more is not.
    std::size_t messages = 0;
    mbox_splitter splitter([&messages](std::size_t, std::string) { ++messages; },
                           config.read.max_header_bytes);
    splitter.feed(bytes);
    splitter.finish();
    if (messages > 1) {
      return fail(path + ": an mbox of " + std::to_string(messages) +
                      " messages; --html writes a report of one message",
                  k_exit_usage);
    }
  }
  const analysis_report report = analyse_message(bytes, path, config.analyse);
  if (report.field_count == 0) {
    return fail(path + ": no header fields found: this is not a mail message", k_exit_some_failed);
  }
  html_options options;
  options.message_bytes = bytes;
  options.input = config.analyse.input;
  std::string document;  // with probe results, when --probe asked for them
  if (config.annotate) {
    document = merge_hop_json(render_json(report), "probe", config.annotate(report).json, false);
    options.document_json = document;
  }
  std::string error;
  if (!write_text_file(output, render_html(report, options), error)) {
    return fail(error, k_exit_some_failed);
  }
  return k_exit_ok;
}

}  // namespace hopscope::cli
