#include "hopscope/domain.hpp"

#include <libpsl.h>

#include <array>
#include <functional>
#include <string>
#include <vector>

namespace hopscope {
namespace {

// The list is loaded once and never freed: libpsl contexts are read-only and thread-safe.
const psl_ctx_t* context() {
  static const psl_ctx_t* ctx = [] {
    const psl_ctx_t* latest = psl_latest(nullptr);
    return latest != nullptr ? latest : psl_builtin();
  }();
  return ctx;
}

bool plausible_host(std::string_view s) noexcept {
  if (s.empty() || s.size() > 253 || s.find('.') == std::string_view::npos) return false;
  for (const char c : s) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
    if (!ok) return false;
  }
  // An IPv4 address is all digits and dots.
  return s.find_first_not_of("0123456789.") != std::string_view::npos;
}

}  // namespace

std::string registrable_domain(std::string_view host) {
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  // Lower-cased on the stack: a host name is at most 253 bytes (plausible_host), and a cache
  // hit then allocates nothing.
  std::array<char, 254> buf;
  if (host.empty() || host.size() >= buf.size()) return {};
  for (std::size_t i = 0; i < host.size(); ++i) {
    const char c = host[i];
    buf[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  const std::string_view h(buf.data(), host.size());
  if (!plausible_host(h) || context() == nullptr) return {};
  // libpsl's lookup was a third of the whole analysis in a batch profile; the same relays
  // (mx.google.com, *.outlook.com ...) come back message after message. One direct-mapped
  // cache per thread: one probe, no rehashing, no clearing, memory fixed at k_slots entries
  // (a std::unordered_map here cost ~0.5 us a lookup in cache misses along its node chains).
  constexpr std::size_t k_slots = 4096;  // a power of two
  struct slot {
    std::size_t hash = 0;
    bool used = false;
    std::string host, domain;
  };
  thread_local std::vector<slot> cache(k_slots);
  const std::size_t hash = std::hash<std::string_view>{}(h);
  slot& s = cache[hash & (k_slots - 1)];
  if (s.used && s.hash == hash && s.host == h) return s.domain;
  buf[h.size()] = '\0';  // libpsl takes a C string, and answers with a pointer into it
  const char* d = psl_registrable_domain(context(), buf.data());
  s.domain = d != nullptr ? std::string(d) : std::string();
  s.hash = hash;
  s.used = true;
  s.host.assign(h);
  return s.domain;
}

bool same_organisation(std::string_view a, std::string_view b) {
  const std::string da = registrable_domain(a);
  return !da.empty() && da == registrable_domain(b);
}

}  // namespace hopscope
