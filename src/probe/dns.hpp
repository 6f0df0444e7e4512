#pragma once
// Asynchronous DNS through c-ares, driven by poll() against a deadline. Private to
// hopscope_probe. One resolver per probe thread (a c-ares channel is not shared across threads).

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hopscope/probe.hpp"
#include "tl/expected.hpp"

struct ares_channeldata;

namespace hopscope::probe_detail {

struct mx_answer {
  unsigned preference = 0;
  std::string exchange;
};

class resolver {
 public:
  resolver(const resolver&) = delete;
  resolver& operator=(const resolver&) = delete;
  ~resolver();

  /// `server`: "", "ADDR" or "ADDR:PORT" / "[v6]:PORT". `timeout`: each question in all.
  static tl::expected<std::unique_ptr<resolver>, probe_error> make(
      const std::string& server, std::chrono::milliseconds timeout);

  /// PTR names of an address (without the trailing dot).
  tl::expected<std::vector<std::string>, probe_error> ptr(std::string_view ip);
  /// A (v6 = false) or AAAA records of a name, as address text.
  tl::expected<std::vector<std::string>, probe_error> addresses(std::string_view name, bool v6);
  tl::expected<std::vector<mx_answer>, probe_error> mx(std::string_view domain);

 private:
  resolver() = default;
  struct answer {
    int status = 0;
    std::vector<unsigned char> data;
  };
  answer ask(const std::string& name, int type);
  probe_error to_error(int status, std::string_view question) const;

  ares_channeldata* channel_ = nullptr;
  std::chrono::milliseconds timeout_{5000};
};

/// "d.c.b.a.in-addr.arpa" / nibbles ".ip6.arpa"; empty when `ip` is not an address.
[[nodiscard]] std::string reverse_name(std::string_view ip);

}  // namespace hopscope::probe_detail
