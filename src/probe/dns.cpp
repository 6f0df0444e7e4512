// c-ares queries with an absolute deadline. ares_query (not ares_gethostbyaddr): it asks DNS
// only, never /etc/hosts, so a test zone on --dns-server is what answers.

#include "probe/dns.hpp"

#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>

#include "hopscope/address.hpp"
#include "probe/net.hpp"

namespace hopscope::probe_detail {
namespace {

constexpr std::size_t k_max_names = 16;  // PTR names / addresses kept per answer

std::once_flag g_ares_init;

std::string strip_dot(std::string s) {
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

std::string reverse_name(std::string_view ip) {
  const auto parsed = parse_ip(ip);
  if (!parsed) return {};
  std::string out;
  if (!parsed->v6) {
    for (int i = 3; i >= 0; --i) {
      out += std::to_string(parsed->bytes[static_cast<std::size_t>(i)]);
      out += '.';
    }
    return out + "in-addr.arpa";
  }
  constexpr char k_hex[] = "0123456789abcdef";
  for (int i = 15; i >= 0; --i) {
    const unsigned b = parsed->bytes[static_cast<std::size_t>(i)];
    out += k_hex[b & 0xFu];
    out += '.';
    out += k_hex[b >> 4];
    out += '.';
  }
  return out + "ip6.arpa";
}

resolver::~resolver() {
  if (channel_ != nullptr) ares_destroy(channel_);
}

tl::expected<std::unique_ptr<resolver>, probe_error> resolver::make(
    const std::string& server, std::chrono::milliseconds timeout) {
  std::call_once(g_ares_init, [] { ares_library_init(ARES_LIB_INIT_ALL); });
  std::unique_ptr<resolver> r(new resolver());
  r->timeout_ = timeout;
  ares_options opts{};
  // Two tries share the question's time; the deadline in ask() is the real bound.
  opts.timeout = static_cast<int>(std::max<long long>(200, timeout.count() / 2));
  opts.tries = 2;
  const int mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
  const int st = ares_init_options(&r->channel_, &opts, mask);
  if (st != ARES_SUCCESS) {
    return tl::unexpected(probe_error{"dns_init_failed", ares_strerror(st)});
  }
  if (!server.empty()) {
    const int s = ares_set_servers_ports_csv(r->channel_, server.c_str());
    if (s != ARES_SUCCESS) {
      return tl::unexpected(
          probe_error{"bad_dns_server", "--dns-server " + server + ": " + ares_strerror(s)});
    }
  }
  return r;
}

resolver::answer resolver::ask(const std::string& name, int type) {
  struct state {
    bool done = false;
    answer result;
  } st;
  const auto callback = [](void* arg, int status, int, unsigned char* abuf, int alen) {
    auto* s = static_cast<state*>(arg);
    s->done = true;
    s->result.status = status;
    if (status == ARES_SUCCESS && abuf != nullptr && alen > 0) {
      s->result.data.assign(abuf, abuf + alen);
    }
  };
  ares_query(channel_, name.c_str(), ns_c_in, type, callback, &st);
  const auto deadline = clock::now() + timeout_;
  while (!st.done) {
    if (clock::now() >= deadline) {
      // Our own deadline, not c-ares's: reported as a timeout, never as "no record".
      ares_cancel(channel_);
      st.result.status = ARES_ETIMEOUT;
      st.result.data.clear();
      break;
    }
    std::array<ares_socket_t, ARES_GETSOCK_MAXNUM> socks{};
    const int bits = ares_getsock(channel_, socks.data(), ARES_GETSOCK_MAXNUM);
    std::array<pollfd, ARES_GETSOCK_MAXNUM> fds{};
    nfds_t n = 0;
    for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
      short ev = 0;
      if (ARES_GETSOCK_READABLE(bits, i)) ev |= POLLIN;
      if (ARES_GETSOCK_WRITABLE(bits, i)) ev |= POLLOUT;
      if (ev != 0) fds[n++] = pollfd{socks[static_cast<std::size_t>(i)], ev, 0};
    }
    timeval tv{};
    int wait = ms_until(deadline);
    if (ares_timeout(channel_, nullptr, &tv) != nullptr) {
      const long ares_ms = tv.tv_sec * 1000 + tv.tv_usec / 1000 + 1;
      wait = std::min<int>(wait, static_cast<int>(std::min<long>(ares_ms, 60000)));
    }
    const int r = ::poll(fds.data(), n, wait);
    if (r < 0 && errno != EINTR) break;
    if (r <= 0) {
      ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // c-ares's own timeouts
      continue;
    }
    for (nfds_t i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      const bool rd = (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) != 0;
      const bool wr = (fds[i].revents & POLLOUT) != 0;
      ares_process_fd(channel_, rd ? fds[i].fd : ARES_SOCKET_BAD, wr ? fds[i].fd : ARES_SOCKET_BAD);
    }
  }
  return st.result;
}

probe_error resolver::to_error(int status, std::string_view question) const {
  std::string code;
  switch (status) {
    case ARES_ETIMEOUT:
    case ARES_ECANCELLED:
      code = "timeout";
      break;
    case ARES_ENOTFOUND:
      code = "nxdomain";
      break;
    case ARES_ENODATA:
      code = "no_data";
      break;
    case ARES_ESERVFAIL:
      code = "servfail";
      break;
    case ARES_EREFUSED:
      code = "refused";
      break;
    case ARES_ECONNREFUSED:
      code = "connection_refused";
      break;
    case ARES_EBADRESP:
    case ARES_EFORMERR:
      code = "bad_response";
      break;
    default:
      code = "dns_error";
  }
  std::string msg = std::string(question) + ": " + ares_strerror(status);
  if (code == "timeout") {
    msg = std::string(question) + ": no answer within " + std::to_string(timeout_.count()) + " ms";
  }
  return probe_error{code, msg};
}

tl::expected<std::vector<std::string>, probe_error> resolver::ptr(std::string_view ip) {
  const std::string name = reverse_name(ip);
  if (name.empty()) return tl::unexpected(probe_error{"bad_address", "not an address"});
  const answer a = ask(name, ns_t_ptr);
  if (a.status != ARES_SUCCESS) return tl::unexpected(to_error(a.status, "PTR " + name));
  const auto parsed = parse_ip(ip);
  hostent* host = nullptr;
  const int st =
      ares_parse_ptr_reply(a.data.data(), static_cast<int>(a.data.size()), parsed->bytes.data(),
                           parsed->v6 ? 16 : 4, parsed->v6 ? AF_INET6 : AF_INET, &host);
  if (st != ARES_SUCCESS) return tl::unexpected(to_error(st, "PTR " + name));
  std::vector<std::string> names;
  if (host->h_name != nullptr) names.push_back(strip_dot(host->h_name));
  for (char** alias = host->h_aliases; alias != nullptr && *alias != nullptr; ++alias) {
    if (names.size() >= k_max_names) break;
    std::string n = strip_dot(*alias);
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(std::move(n));
  }
  ares_free_hostent(host);
  if (names.empty()) return tl::unexpected(probe_error{"no_ptr", "PTR " + name + ": no names"});
  return names;
}

tl::expected<std::vector<std::string>, probe_error> resolver::addresses(std::string_view name,
                                                                        bool v6) {
  const std::string q(name);
  const std::string question = (v6 ? "AAAA " : "A ") + q;
  const answer a = ask(q, v6 ? ns_t_aaaa : ns_t_a);
  if (a.status != ARES_SUCCESS) return tl::unexpected(to_error(a.status, question));
  std::vector<std::string> out;
  char buf[INET6_ADDRSTRLEN] = {};
  if (v6) {
    std::array<ares_addr6ttl, k_max_names> ttls{};
    int count = static_cast<int>(ttls.size());
    const int st = ares_parse_aaaa_reply(a.data.data(), static_cast<int>(a.data.size()), nullptr,
                                         ttls.data(), &count);
    if (st != ARES_SUCCESS) return tl::unexpected(to_error(st, question));
    for (int i = 0; i < count; ++i) {
      inet_ntop(AF_INET6, &ttls[static_cast<std::size_t>(i)].ip6addr, buf, sizeof buf);
      out.emplace_back(buf);
    }
  } else {
    std::array<ares_addrttl, k_max_names> ttls{};
    int count = static_cast<int>(ttls.size());
    const int st = ares_parse_a_reply(a.data.data(), static_cast<int>(a.data.size()), nullptr,
                                      ttls.data(), &count);
    if (st != ARES_SUCCESS) return tl::unexpected(to_error(st, question));
    for (int i = 0; i < count; ++i) {
      inet_ntop(AF_INET, &ttls[static_cast<std::size_t>(i)].ipaddr, buf, sizeof buf);
      out.emplace_back(buf);
    }
  }
  if (out.empty()) return tl::unexpected(to_error(ARES_ENODATA, question));
  return out;
}

tl::expected<std::vector<mx_answer>, probe_error> resolver::mx(std::string_view domain) {
  const std::string q(domain);
  const answer a = ask(q, ns_t_mx);
  if (a.status != ARES_SUCCESS) return tl::unexpected(to_error(a.status, "MX " + q));
  ares_mx_reply* head = nullptr;
  const int st = ares_parse_mx_reply(a.data.data(), static_cast<int>(a.data.size()), &head);
  if (st != ARES_SUCCESS) return tl::unexpected(to_error(st, "MX " + q));
  std::vector<mx_answer> out;
  constexpr std::size_t k_max_mx = 32;
  for (ares_mx_reply* r = head; r != nullptr && out.size() < k_max_mx; r = r->next) {
    out.push_back(mx_answer{r->priority, strip_dot(r->host != nullptr ? r->host : "")});
  }
  ares_free_data(head);
  std::stable_sort(out.begin(), out.end(), [](const mx_answer& x, const mx_answer& y) {
    return x.preference != y.preference ? x.preference < y.preference : x.exchange < y.exchange;
  });
  return out;
}

}  // namespace hopscope::probe_detail
