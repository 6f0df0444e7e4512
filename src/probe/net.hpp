#pragma once
// Sockets with deadlines, plain or inside TLS. Private to hopscope_probe.

#include <sys/socket.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "hopscope/probe.hpp"
#include "tl/expected.hpp"

struct ssl_ctx_st;
struct ssl_st;

namespace hopscope::probe_detail {

using clock = std::chrono::steady_clock;

/// An address ready for connect(); built from text with to_sockaddr().
struct socket_address {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family = 0;
};
[[nodiscard]] std::optional<socket_address> to_sockaddr(std::string_view ip, std::uint16_t port);

/// Milliseconds from `from` to now.
[[nodiscard]] double ms_since(clock::time_point from) noexcept;
/// Milliseconds left until `deadline` for poll(): >= 0, capped to int.
[[nodiscard]] int ms_until(clock::time_point deadline) noexcept;

/// One TCP connection, non-blocking underneath, every call bounded by a deadline. Not movable:
/// the TLS layer points at its descriptor.
class connection {
 public:
  connection() = default;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection();

  /// `timeout_code` names the error when the deadline passes first.
  tl::expected<void, probe_error> open(const socket_address& to, clock::time_point deadline,
                                       std::string_view timeout_code);
  tl::expected<void, probe_error> send_all(std::string_view bytes, clock::time_point deadline,
                                           std::string_view timeout_code);
  /// Reads one reply under `limits`.
  tl::expected<probe_reply, probe_error> read_reply(const probe_reply_limits& limits,
                                                    clock::time_point deadline,
                                                    std::string_view timeout_code);
  /// The TLS handshake after a 220 to STARTTLS; fills `out` with what the server showed.
  tl::expected<void, probe_error> start_tls(std::string_view sni, std::string_view check_name,
                                            clock::time_point deadline, tls_result& out);
  /// "[127.0.0.1]" / "[IPv6:::1]": our end, for EHLO.
  [[nodiscard]] std::string local_literal() const;
  void close() noexcept;

 private:
  // Reads some bytes into buffer_; false with `err` set on EOF, error or deadline.
  tl::expected<void, probe_error> read_some(clock::time_point deadline,
                                            std::string_view timeout_code);

  int fd_ = -1;
  ssl_ctx_st* ctx_ = nullptr;
  ssl_st* ssl_ = nullptr;
  std::string buffer_;  // bytes received and not yet consumed by a reply
};

}  // namespace hopscope::probe_detail
