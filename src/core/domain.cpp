#include "hopscope/domain.hpp"

#include <libpsl.h>

#include <array>
#include <cstring>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/ascii.hpp"
#include "core/suffix_table.hpp"

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

// The list as a hash table (core/suffix_table.hpp), read once from the text libpsl was built
// from, which Debian's publicsuffix package ships with the DAFSA psl_latest() loads. When
// psl_latest() fell back to libpsl's built-in copy, the text may be another version, so the
// table is not used; nor when the text cannot be read. libpsl then answers everything.
// Read on the first call, whatever the run: a run that moved from libpsl to the table part-way
// would answer differently, by which thread asked when, for the names libpsl's DAFSA gets wrong
// (x.m, see suffix_table.hpp). Reading costs a one-message run about 4 M instructions.
const detail::suffix_table* table() {
  static const std::optional<detail::suffix_table> loaded =
      []() -> std::optional<detail::suffix_table> {
    if (context() == nullptr || context() == psl_builtin()) return std::nullopt;
    const char* path = psl_builtin_filename();
    if (path == nullptr) return std::nullopt;
    // One read into a buffer of the file's size: a stream copy touched twice the memory (121
    // page faults more than a run without the table, against 20 this way).
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) return std::nullopt;
    const std::streamoff size = in.tellg();
    if (size <= 0 || size > (16 << 20)) return std::nullopt;
    std::string text(static_cast<std::size_t>(size), '\0');
    in.seekg(0);
    if (!in.read(text.data(), size)) return std::nullopt;
    return detail::suffix_table::from_text(text);
  }();
  return loaded ? &*loaded : nullptr;
}

// Lower-cases `host` into `out` in the same pass that checks it is a plausible host name:
// letters, digits, '-', '_' and dots only, at most 253 bytes, a dot somewhere, and not all
// digits and dots (an IPv4 address).
bool lower_plausible_host(std::string_view host, char* out) noexcept {
  if (host.empty() || host.size() > 253) return false;
  bool dot = false, not_numeric = false;
  for (std::size_t i = 0; i < host.size(); ++i) {
    const char c = detail::ascii_lower(host[i]);
    out[i] = c;
    if ((c >= 'a' && c <= 'z') || c == '-' || c == '_') {
      not_numeric = true;
    } else if (c == '.') {
      dot = true;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dot && not_numeric;
}

// Whether `suffix` (lower case, NUL-terminated) is a public suffix, remembered per thread. The
// suffixes of relay names repeat far more than the names do: every *.prod.outlook.com host
// asks about prod.outlook.com, outlook.com and com. One libpsl lookup costs thousands of
// instructions.
bool is_public_suffix_cached(const char* suffix, std::size_t size) {
  constexpr std::size_t k_slots = 1024;  // a power of two
  struct slot {
    std::size_t hash = 0;
    bool used = false;
    bool is_public = false;
    std::string suffix;
  };
  thread_local std::vector<slot> cache(k_slots);
  const std::string_view key(suffix, size);
  const std::size_t hash = std::hash<std::string_view>{}(key);
  slot& s = cache[hash & (k_slots - 1)];
  if (s.used && s.hash == hash && s.suffix == key) return s.is_public;
  s.is_public = psl_is_public_suffix(context(), suffix) != 0;
  s.hash = hash;
  s.used = true;
  s.suffix.assign(key);
  return s.is_public;
}

// psl_registrable_domain() with its per-suffix questions remembered. Like libpsl, it asks from
// the left, label by label, whether the rest is a public suffix (a rule like forgot.his.name
// makes a longer name public while his.name is not): the registrable domain is the name just
// before the first public one. The whole name is asked without the cache (it is new almost
// every time), its suffixes through it. `host` is lower case and NUL-terminated;
// tests/unit/domain_test.cpp checks the answers against psl_registrable_domain().
const char* find_registrable(const char* host, std::size_t size) {
  if (psl_is_public_suffix(context(), host) != 0) return nullptr;
  const char* const end = host + size;
  const char* regdom = host;
  for (;;) {
    const char* dot = static_cast<const char*>(std::memchr(regdom, '.', end - regdom));
    if (dot == nullptr) return nullptr;  // no public suffix at all: cannot happen ("*" rule)
    const char* next = dot + 1;
    if (is_public_suffix_cached(next, end - next)) return regdom;
    regdom = next;
  }
}

}  // namespace

std::string registrable_domain(std::string_view host) {
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  // Lower-cased on the stack: a host name is at most 253 bytes, and no answer needs the heap
  // until it is returned.
  std::array<char, 254> buf;
  if (!lower_plausible_host(host, buf.data()) || context() == nullptr) return {};
  const std::string_view h(buf.data(), host.size());
  if (const auto* list = table(); list != nullptr) {
    if (const auto found = list->registrable(h)) return std::string(*found);
  }
  // Otherwise libpsl. Its lookup was a third of the whole analysis in a batch profile; the same
  // relays (mx.google.com, *.outlook.com ...) come back message after message. One direct-mapped
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
  buf[h.size()] = '\0';  // libpsl takes a C string
  const char* d = find_registrable(buf.data(), h.size());
  s.domain = d != nullptr ? std::string(d, buf.data() + h.size() - d) : std::string();
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
