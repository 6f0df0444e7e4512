#include "servers.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace net_test {
namespace {

struct sock_addr {
  sockaddr_storage ss{};
  socklen_t len = 0;
  int family = AF_INET;
};

sock_addr loopback(const std::string& host, std::uint16_t port) {
  sock_addr a;
  if (host == "::1") {
    sockaddr_in6 s{};
    s.sin6_family = AF_INET6;
    s.sin6_port = htons(port);
    s.sin6_addr = in6addr_loopback;
    std::memcpy(&a.ss, &s, sizeof s);
    a.len = sizeof s;
    a.family = AF_INET6;
  } else if (host == "127.0.0.1") {
    sockaddr_in s{};
    s.sin_family = AF_INET;
    s.sin_port = htons(port);
    s.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::memcpy(&a.ss, &s, sizeof s);
    a.len = sizeof s;
  } else {
    throw std::invalid_argument("network tests use loopback only");
  }
  return a;
}

std::uint16_t bound_port(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  if (ss.ss_family == AF_INET6) {
    sockaddr_in6 s{};
    std::memcpy(&s, &ss, sizeof s);
    return ntohs(s.sin6_port);
  }
  sockaddr_in s{};
  std::memcpy(&s, &ss, sizeof s);
  return ntohs(s.sin_port);
}

}  // namespace

child::child(const std::vector<std::string>& argv, bool capture_line) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int fds[2] = {-1, -1};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (capture_line) {
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  }
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  const int rc = ::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
  if (capture_line) {
    ::close(fds[1]);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    char c = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fds[0], POLLIN, 0};
      if (::poll(&p, 1, 200) <= 0) continue;
      if (::read(fds[0], &c, 1) != 1 || c == '\n') break;
      line_ += c;
    }
    ::close(fds[0]);
  }
}

bool child::wait_exit(double seconds, int& status) {
  for (int i = 0; i < static_cast<int>(seconds * 20); ++i) {
    if (pid_ > 0 && ::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

child::~child() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 50; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
}

std::uint16_t free_port(const std::string& host, bool udp) {
  const sock_addr a = loopback(host, 0);
  const int fd = ::socket(a.family, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
  if (fd < 0) return 0;
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&a.ss), a.len) == 0) port = bound_port(fd);
  ::close(fd);
  return port;
}

bool wait_tcp(const std::string& host, std::uint16_t port, double seconds) {
  const sock_addr a = loopback(host, port);
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
  while (std::chrono::steady_clock::now() < deadline) {
    const int fd = ::socket(a.family, SOCK_STREAM, 0);
    const bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&a.ss), a.len) == 0;
    ::close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

temp_dir::temp_dir() {
  const char* base = std::getenv("TMPDIR");
  std::string templ =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/hopscope-net-XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp");
  path_ = templ;
}

temp_dir::~temp_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

bool make_certificate(const std::string& dir, const std::string& name) {
  child openssl({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                 "-subj", "/CN=" + name, "-addext", "subjectAltName=DNS:" + name, "-keyout",
                 dir + "/key.pem", "-out", dir + "/cert.pem"},
                false);
  int status = 0;
  return openssl.wait_exit(20, status) && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
         std::filesystem::exists(dir + "/cert.pem");
}

silent_udp::silent_udp() {
  const sock_addr a = loopback("127.0.0.1", 0);
  fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (fd_ >= 0 && ::bind(fd_, reinterpret_cast<const sockaddr*>(&a.ss), a.len) == 0) {
    port_ = bound_port(fd_);
  }
}

silent_udp::~silent_udp() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace net_test
