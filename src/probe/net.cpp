// Non-blocking sockets driven by poll() with deadlines, and TLS through OpenSSL on top of them.
// Why not blocking sockets with SO_RCVTIMEO: a server sending one byte a second would reset the
// timeout forever; every wait here is measured against one absolute deadline instead.

#include "probe/net.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <mutex>

#include "hopscope/address.hpp"
#include "probe/reply_reader.hpp"

namespace hopscope::probe_detail {

std::optional<socket_address> to_sockaddr(std::string_view ip, std::uint16_t port) {
  const auto parsed = parse_ip(ip);
  if (!parsed) return std::nullopt;
  socket_address out;
  if (!parsed->v6) {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    std::memcpy(&sin.sin_addr, parsed->bytes.data(), 4);
    std::memcpy(&out.storage, &sin, sizeof sin);
    out.length = sizeof sin;
    out.family = AF_INET;
  } else {
    sockaddr_in6 sin6{};
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons(port);
    std::memcpy(&sin6.sin6_addr, parsed->bytes.data(), 16);
    if (!parsed->zone.empty()) {
      // A numeric zone or an interface name; link-local needs it to mean anything.
      unsigned idx = 0;
      bool numeric = true;
      for (const char c : parsed->zone) numeric = numeric && c >= '0' && c <= '9';
      if (numeric && parsed->zone.size() < 9) {
        for (const char c : parsed->zone) idx = idx * 10 + static_cast<unsigned>(c - '0');
      }
      sin6.sin6_scope_id = idx;
    }
    std::memcpy(&out.storage, &sin6, sizeof sin6);
    out.length = sizeof sin6;
    out.family = AF_INET6;
  }
  return out;
}

double ms_since(clock::time_point from) noexcept {
  return std::chrono::duration<double, std::milli>(clock::now() - from).count();
}

int ms_until(clock::time_point deadline) noexcept {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
  if (left <= 0) return 0;
  return left > INT_MAX ? INT_MAX : static_cast<int>(left);
}

namespace {

probe_error errno_error(std::string code, std::string_view what, int err) {
  return probe_error{std::move(code), std::string(what) + ": " + std::strerror(err)};
}

probe_error timeout_error(std::string_view code) {
  return probe_error{std::string(code), "no answer before the deadline"};
}

// Waits for `events` on fd; 1 ready, 0 deadline, -1 error.
int wait_fd(int fd, short events, clock::time_point deadline) {
  while (true) {
    pollfd p{fd, events, 0};
    const int r = ::poll(&p, 1, ms_until(deadline));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return -1;
    if (r == 0) return clock::now() >= deadline ? 0 : wait_fd(fd, events, deadline);
    return 1;
  }
}

// --- An OpenSSL BIO that writes with MSG_NOSIGNAL. OpenSSL's own socket BIO uses write(), which
// raises SIGPIPE when the server has gone; a library must not kill its caller for that.
int bio_fd(BIO* b) { return static_cast<int>(reinterpret_cast<std::intptr_t>(BIO_get_data(b))); }

int bio_write(BIO* b, const char* data, int len) {
  BIO_clear_retry_flags(b);
  const ssize_t n = ::send(bio_fd(b), data, static_cast<std::size_t>(len), MSG_NOSIGNAL);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) BIO_set_retry_write(b);
    return -1;
  }
  return static_cast<int>(n);
}

int bio_read(BIO* b, char* data, int len) {
  BIO_clear_retry_flags(b);
  const ssize_t n = ::recv(bio_fd(b), data, static_cast<std::size_t>(len), 0);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) BIO_set_retry_read(b);
    return -1;
  }
  return static_cast<int>(n);
}

long bio_ctrl(BIO*, int cmd, long, void*) { return cmd == BIO_CTRL_FLUSH ? 1 : 0; }

int bio_create(BIO* b) {
  BIO_set_init(b, 1);
  return 1;
}

BIO_METHOD* nosignal_method() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "hopscope_socket");
    if (m == nullptr) return m;
    BIO_meth_set_write(m, bio_write);
    BIO_meth_set_read(m, bio_read);
    BIO_meth_set_ctrl(m, bio_ctrl);
    BIO_meth_set_create(m, bio_create);
    return m;
  }();
  return method;
}

std::string openssl_errors() {
  std::string out;
  while (const unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

std::string name_text(X509_NAME* name) {
  if (name == nullptr) return {};
  BIO* mem = BIO_new(BIO_s_mem());
  if (mem == nullptr) return {};
  X509_NAME_print_ex(mem, name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long len = BIO_get_mem_data(mem, &data);
  std::string out = len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
  BIO_free(mem);
  return out;
}

std::string time_text(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return {};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

void read_certificate(X509* cert, std::string_view check_name, tls_result& out) {
  out.subject = name_text(X509_get_subject_name(cert));
  out.issuer = name_text(X509_get_issuer_name(cert));
  out.not_before = time_text(X509_get0_notBefore(cert));
  out.not_after = time_text(X509_get0_notAfter(cert));
  constexpr int k_max_sans = 100;  // a certificate can list thousands; we show a sample
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names != nullptr) {
    const int count = sk_GENERAL_NAME_num(names);
    for (int i = 0; i < count && i < k_max_sans; ++i) {
      const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
      if (gn->type == GEN_DNS) {
        const ASN1_STRING* s = gn->d.dNSName;
        out.sans.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                              static_cast<std::size_t>(ASN1_STRING_length(s)));
      } else if (gn->type == GEN_IPADD) {
        const ASN1_STRING* s = gn->d.iPAddress;
        const int len = ASN1_STRING_length(s);
        char buf[INET6_ADDRSTRLEN] = {};
        if (len == 4 || len == 16) {
          inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(s), buf, sizeof buf);
          out.sans.push_back(std::string("IP:") + buf);
        }
      }
    }
    GENERAL_NAMES_free(names);
  }
  if (!check_name.empty()) {
    const std::string name(check_name);
    out.name_checked = name;
    const bool is_ip = parse_ip(name).has_value();
    const int r = is_ip ? X509_check_ip_asc(cert, name.c_str(), 0)
                        : X509_check_host(cert, name.data(), name.size(), 0, nullptr);
    out.name_matches = r == 1;
  }
}

}  // namespace

connection::~connection() { close(); }

void connection::close() noexcept {
  if (ssl_ != nullptr) {
    SSL_free(ssl_);  // frees the BIO too
    ssl_ = nullptr;
  }
  if (ctx_ != nullptr) {
    SSL_CTX_free(ctx_);
    ctx_ = nullptr;
  }
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

tl::expected<void, probe_error> connection::open(const socket_address& to,
                                                 clock::time_point deadline,
                                                 std::string_view timeout_code) {
  close();
  fd_ = ::socket(to.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd_ < 0) return tl::unexpected(errno_error("socket_failed", "socket", errno));
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&to.storage), to.length) == 0) return {};
  if (errno != EINPROGRESS) {
    const int err = errno;
    return tl::unexpected(
        errno_error(err == ECONNREFUSED ? "connection_refused" : "connect_failed", "connect", err));
  }
  const int w = wait_fd(fd_, POLLOUT, deadline);
  if (w == 0) return tl::unexpected(timeout_error(timeout_code));
  if (w < 0) return tl::unexpected(errno_error("connect_failed", "poll", errno));
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) {
    return tl::unexpected(
        errno_error(err == ECONNREFUSED ? "connection_refused" : "connect_failed", "connect", err));
  }
  return {};
}

std::string connection::local_literal() const {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (fd_ < 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len) != 0) {
    return "[127.0.0.1]";
  }
  char buf[INET6_ADDRSTRLEN] = {};
  if (ss.ss_family == AF_INET6) {
    sockaddr_in6 sin6{};
    std::memcpy(&sin6, &ss, sizeof sin6);
    inet_ntop(AF_INET6, &sin6.sin6_addr, buf, sizeof buf);
    return std::string("[IPv6:") + buf + "]";
  }
  sockaddr_in sin{};
  std::memcpy(&sin, &ss, sizeof sin);
  inet_ntop(AF_INET, &sin.sin_addr, buf, sizeof buf);
  return std::string("[") + buf + "]";
}

tl::expected<void, probe_error> connection::send_all(std::string_view bytes,
                                                     clock::time_point deadline,
                                                     std::string_view timeout_code) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    if (ssl_ != nullptr) {
      const int n = SSL_write(ssl_, bytes.data() + done, static_cast<int>(bytes.size() - done));
      if (n > 0) {
        done += static_cast<std::size_t>(n);
        continue;
      }
      const int e = SSL_get_error(ssl_, n);
      if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
        return tl::unexpected(probe_error{"send_failed", "TLS write: " + openssl_errors()});
      }
      const int w = wait_fd(fd_, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline);
      if (w == 0) return tl::unexpected(timeout_error(timeout_code));
      if (w < 0) return tl::unexpected(errno_error("send_failed", "poll", errno));
      continue;
    }
    const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n >= 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      return tl::unexpected(errno_error("send_failed", "send", errno));
    }
    const int w = wait_fd(fd_, POLLOUT, deadline);
    if (w == 0) return tl::unexpected(timeout_error(timeout_code));
    if (w < 0) return tl::unexpected(errno_error("send_failed", "poll", errno));
  }
  return {};
}

tl::expected<void, probe_error> connection::read_some(clock::time_point deadline,
                                                      std::string_view timeout_code) {
  char chunk[4096];
  while (true) {
    if (clock::now() >= deadline) return tl::unexpected(timeout_error(timeout_code));
    if (ssl_ != nullptr) {
      const int n = SSL_read(ssl_, chunk, sizeof chunk);
      if (n > 0) {
        buffer_.append(chunk, static_cast<std::size_t>(n));
        return {};
      }
      const int e = SSL_get_error(ssl_, n);
      if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)) {
        return tl::unexpected(probe_error{"connection_closed", "the server closed the connection"});
      }
      if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
        return tl::unexpected(probe_error{"receive_failed", "TLS read: " + openssl_errors()});
      }
      const int w = wait_fd(fd_, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline);
      if (w == 0) return tl::unexpected(timeout_error(timeout_code));
      if (w < 0) return tl::unexpected(errno_error("receive_failed", "poll", errno));
      continue;
    }
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n > 0) {
      buffer_.append(chunk, static_cast<std::size_t>(n));
      return {};
    }
    if (n == 0) {
      return tl::unexpected(probe_error{"connection_closed", "the server closed the connection"});
    }
    if (errno == EINTR) continue;
    if (errno == ECONNRESET) {
      return tl::unexpected(probe_error{"connection_reset", "the server reset the connection"});
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      return tl::unexpected(errno_error("receive_failed", "recv", errno));
    }
    const int w = wait_fd(fd_, POLLIN, deadline);
    if (w == 0) return tl::unexpected(timeout_error(timeout_code));
    if (w < 0) return tl::unexpected(errno_error("receive_failed", "poll", errno));
  }
}

tl::expected<probe_reply, probe_error> connection::read_reply(const probe_reply_limits& limits,
                                                              clock::time_point deadline,
                                                              std::string_view timeout_code) {
  reply_reader reader(limits);
  while (true) {
    if (!buffer_.empty()) {
      const std::size_t used = reader.feed(buffer_);
      buffer_.erase(0, used);
      if (reader.status() == reply_status::complete) return reader.reply();
      if (reader.status() == reply_status::failed) return tl::unexpected(reader.error());
    }
    if (auto r = read_some(deadline, timeout_code); !r) {
      probe_error e = r.error();
      if (!reader.reply().lines.empty()) {
        e.message += " (after " + std::to_string(reader.reply().lines.size()) + " reply lines)";
      }
      return tl::unexpected(std::move(e));
    }
  }
}

tl::expected<void, probe_error> connection::start_tls(std::string_view sni,
                                                      std::string_view check_name,
                                                      clock::time_point deadline, tls_result& out) {
  ERR_clear_error();
  ctx_ = SSL_CTX_new(TLS_client_method());
  if (ctx_ == nullptr) return tl::unexpected(probe_error{"tls_failed", openssl_errors()});
  // Verification is reported, not enforced: the point is to show what the server presents,
  // including a self-signed or expired certificate, which is itself the diagnosis.
  SSL_CTX_set_default_verify_paths(ctx_);
  SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
  ssl_ = SSL_new(ctx_);
  BIO_METHOD* method = nosignal_method();
  BIO* bio = method != nullptr ? BIO_new(method) : nullptr;
  if (ssl_ == nullptr || bio == nullptr) {
    if (bio != nullptr) BIO_free(bio);
    return tl::unexpected(probe_error{"tls_failed", openssl_errors()});
  }
  BIO_set_data(bio, reinterpret_cast<void*>(static_cast<std::intptr_t>(fd_)));
  SSL_set_bio(ssl_, bio, bio);
  if (!sni.empty() && !parse_ip(sni)) {
    const std::string name(sni);
    // SSL_set_tlsext_host_name is a macro with a C cast; this is what it expands to.
    SSL_ctrl(ssl_, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(name.c_str()));
  }
  // Bytes the server sent after its 220 and before the handshake would be a plaintext
  // injection (CVE-2011-0411 class); drop them rather than read them as TLS-protected.
  buffer_.clear();
  while (true) {
    const int r = SSL_connect(ssl_);
    if (r == 1) break;
    const int e = SSL_get_error(ssl_, r);
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
      std::string why = openssl_errors();
      if (why.empty()) why = "the handshake failed (connection closed?)";
      probe_error err{"tls_handshake_failed", why};
      out.error = err;
      return tl::unexpected(std::move(err));
    }
    const int w = wait_fd(fd_, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline);
    if (w <= 0) {
      probe_error err = w == 0 ? timeout_error("tls_timeout")
                               : errno_error("tls_handshake_failed", "poll", errno);
      out.error = err;
      return tl::unexpected(std::move(err));
    }
  }
  out.ok = true;
  out.protocol = SSL_get_version(ssl_);
  if (const char* c = SSL_get_cipher_name(ssl_)) out.cipher = c;
  const long v = SSL_get_verify_result(ssl_);
  out.verify_result = X509_verify_cert_error_string(v);
  if (X509* cert = SSL_get1_peer_certificate(ssl_)) {
    read_certificate(cert, check_name, out);
    X509_free(cert);
  }
  return {};
}

}  // namespace hopscope::probe_detail
