// ICMP echo first: an ICMP datagram socket (Linux, allowed by net.ipv4.ping_group_range) or a
// raw socket (root / CAP_NET_RAW). Debian 12 disables the former by default, so an ordinary
// user usually ends at the TCP connect fallback; the result always says which method answered.

#include "probe/reach.hpp"

#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <random>

namespace hopscope::probe_detail {
namespace {

struct fd_guard {
  int fd = -1;
  ~fd_guard() {
    if (fd >= 0) ::close(fd);
  }
};

std::uint16_t checksum(const unsigned char* data, std::size_t len) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < len; i += 2) {
    sum += static_cast<std::uint32_t>(data[i] << 8 | data[i + 1]);
  }
  if (len % 2 != 0) sum += static_cast<std::uint32_t>(data[len - 1] << 8);
  while ((sum >> 16) != 0) sum = (sum & 0xFFFFu) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xFFFFu);
}

enum class icmp_outcome { answered, silent, not_permitted, failed };

struct icmp_try {
  icmp_outcome outcome = icmp_outcome::failed;
  double rtt_ms = 0;
  std::string note;
};

icmp_try icmp_echo(const socket_address& to, bool raw, clock::time_point deadline) {
  icmp_try out;
  const bool v6 = to.family == AF_INET6;
  fd_guard s;
  s.fd = ::socket(to.family,
                  (raw ? static_cast<int>(SOCK_RAW) : static_cast<int>(SOCK_DGRAM)) |
                      SOCK_NONBLOCK | SOCK_CLOEXEC,
                  v6 ? static_cast<int>(IPPROTO_ICMPV6) : static_cast<int>(IPPROTO_ICMP));
  if (s.fd < 0) {
    out.outcome = (errno == EPERM || errno == EACCES || errno == EPROTONOSUPPORT)
                      ? icmp_outcome::not_permitted
                      : icmp_outcome::failed;
    out.note = std::string(raw ? "raw" : "datagram") + " ICMP socket: " + std::strerror(errno);
    return out;
  }
  // connect() makes the kernel deliver only replies from this address to the socket.
  if (::connect(s.fd, reinterpret_cast<const sockaddr*>(&to.storage), to.length) != 0) {
    out.note = std::string("ICMP connect: ") + std::strerror(errno);
    return out;
  }
  std::random_device rd;
  const auto id = static_cast<std::uint16_t>(rd());
  const auto seq = static_cast<std::uint16_t>(rd());
  std::array<unsigned char, 8 + 16> packet{};
  packet[0] = v6 ? 128 : 8;  // echo request
  packet[4] = static_cast<unsigned char>(id >> 8);
  packet[5] = static_cast<unsigned char>(id & 0xFF);
  packet[6] = static_cast<unsigned char>(seq >> 8);
  packet[7] = static_cast<unsigned char>(seq & 0xFF);
  for (std::size_t i = 8; i < packet.size(); ++i) packet[i] = static_cast<unsigned char>(rd());
  if (!v6) {  // the kernel fills the ICMPv6 checksum itself (RFC 3542 3.1)
    const std::uint16_t c = checksum(packet.data(), packet.size());
    packet[2] = static_cast<unsigned char>(c >> 8);
    packet[3] = static_cast<unsigned char>(c & 0xFF);
  }
  const auto start = clock::now();
  if (::send(s.fd, packet.data(), packet.size(), MSG_NOSIGNAL) < 0) {
    out.note = std::string("ICMP send: ") + std::strerror(errno);
    return out;
  }
  std::array<unsigned char, 2048> buf{};
  while (true) {
    pollfd p{s.fd, POLLIN, 0};
    const int r = ::poll(&p, 1, ms_until(deadline));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      out.outcome = icmp_outcome::silent;
      out.note = "no ICMP echo reply before the deadline";
      return out;
    }
    const ssize_t n = ::recv(s.fd, buf.data(), buf.size(), 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      out.note = std::string("ICMP receive: ") + std::strerror(errno);
      return out;
    }
    std::size_t off = 0;
    // A raw IPv4 socket hands us the IP header too; skip it by its length field.
    if (raw && !v6 && n > 0) off = static_cast<std::size_t>(buf[0] & 0x0F) * 4;
    const auto len = static_cast<std::size_t>(n);
    if (len < off + packet.size()) continue;
    const unsigned char* icmp = buf.data() + off;
    const unsigned char reply_type = v6 ? 129 : 0;
    if (icmp[0] != reply_type) continue;  // e.g. our own request looped back on a raw socket
    // The kernel rewrites the id of datagram ICMP sockets; match id only on raw ones.
    if (raw && (icmp[4] != packet[4] || icmp[5] != packet[5])) continue;
    if (icmp[6] != packet[6] || icmp[7] != packet[7]) continue;
    if (std::memcmp(icmp + 8, packet.data() + 8, packet.size() - 8) != 0) continue;
    out.outcome = icmp_outcome::answered;
    out.rtt_ms = ms_since(start);
    return out;
  }
}

}  // namespace

reachability_result check_reachability(std::string_view ip, const probe_options& options,
                                       clock::time_point probe_deadline) {
  reachability_result out;
  out.attempted = true;
  const auto to = to_sockaddr(ip, options.port);
  if (!to) {
    out.error = probe_error{"bad_address", "not an address"};
    return out;
  }
  std::string notes;
  for (const bool raw : {false, true}) {
    const auto deadline = std::min(probe_deadline, clock::now() + options.timeouts.icmp);
    const icmp_try t = icmp_echo(*to, raw, deadline);
    if (t.outcome == icmp_outcome::answered) {
      out.method = raw ? "icmp_raw" : "icmp";
      out.ok = true;
      out.rtt_ms = t.rtt_ms;
      out.note = notes;
      return out;
    }
    if (!notes.empty()) notes += "; ";
    notes += t.note;
    // A permitted ICMP that went unanswered (filtered, commonly) is not worth a second kind.
    if (t.outcome == icmp_outcome::silent) break;
  }
  connection c;
  const auto start = clock::now();
  const auto deadline = std::min(probe_deadline, start + options.timeouts.connect);
  const auto r = c.open(*to, deadline, "connect_timeout");
  out.method = "tcp_connect";
  out.note = notes;
  if (r) {
    out.ok = true;
    out.rtt_ms = ms_since(start);
  } else if (r.error().code == "connection_refused") {
    // A RST came back: the host is up, only the port is closed.
    out.ok = true;
    out.rtt_ms = ms_since(start);
    out.note += std::string(out.note.empty() ? "" : "; ") + "port " + std::to_string(options.port) +
                " refused the connection (the host answered)";
  } else {
    out.error = r.error();
  }
  return out;
}

}  // namespace hopscope::probe_detail
