#pragma once
// Test servers on loopback: started by the test that needs them, stopped by process id when
// the guard goes out of scope. Addresses are only ever 127.0.0.1 or ::1.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace net_test {

/// A child process; killed (SIGTERM, then SIGKILL) and reaped by its pid on destruction.
class child {
 public:
  /// Starts argv; when `capture_line` the first line of its stdout is read into first_line().
  child(const std::vector<std::string>& argv, bool capture_line);
  child(const child&) = delete;
  child& operator=(const child&) = delete;
  ~child();
  [[nodiscard]] const std::string& first_line() const { return line_; }
  /// Waits for the child to exit by itself; true with its exit status when it did (it is then
  /// reaped, and the destructor signals nothing: the pid may already belong to another process).
  bool wait_exit(double seconds, int& status);

 private:
  pid_t pid_ = -1;
  std::string line_;
};

/// A TCP (or UDP) port free right now on `host` ("127.0.0.1" or "::1").
[[nodiscard]] std::uint16_t free_port(const std::string& host, bool udp = false);
/// True once something accepts TCP connections on host:port (polled for up to `seconds`).
[[nodiscard]] bool wait_tcp(const std::string& host, std::uint16_t port, double seconds);
/// A fresh directory under TMPDIR, removed by the destructor.
class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// A self-signed certificate for `name` (CN and SAN) made with the openssl CLI.
[[nodiscard]] bool make_certificate(const std::string& dir, const std::string& name);

/// A UDP socket bound on 127.0.0.1 that never answers: a DNS server that is silent.
class silent_udp {
 public:
  silent_udp();
  ~silent_udp();
  [[nodiscard]] std::uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

inline const char* k_python = "/usr/bin/python3";  // Debian's, which has python3-aiosmtpd

}  // namespace net_test
