#include "core/suffix_table.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "core/ascii.hpp"

namespace hopscope::detail {
namespace {

// FNV-1a, but from the last byte to the first: the hash of every suffix of a name falls out of
// one pass, at each dot (the names are short, and it needs no table or alignment).
constexpr std::uint64_t k_fnv_basis = 14695981039346656037ull;
constexpr std::uint64_t k_fnv_prime = 1099511628211ull;

std::uint32_t fold(std::uint64_t h) noexcept { return static_cast<std::uint32_t>(h ^ (h >> 32)); }

std::uint32_t hash_name(std::string_view s) noexcept {
  std::uint64_t h = k_fnv_basis;
  for (std::size_t i = s.size(); i-- > 0;) h = (h ^ static_cast<unsigned char>(s[i])) * k_fnv_prime;
  return fold(h);
}

}  // namespace

struct suffix_table::labels {
  std::string_view name;
  std::size_t count = 0;
  // Counted from the right: [0] is the last label (the top-level domain).
  std::array<std::uint16_t, k_max_labels> start;  // where the suffix from this label starts
  std::array<std::uint32_t, k_max_labels> hash;   // hash_name() of that suffix

  // Cuts `name`; false when the table cannot answer for it (see handles()).
  bool cut(std::string_view host) noexcept {
    name = host;
    if (name.empty() || name.size() > 0xFFFF || name.back() == '.') return false;
    std::uint64_t h = k_fnv_basis;
    for (std::size_t i = name.size(); i-- > 0;) {
      const char c = name[i];
      if (c == '.') {
        if (name[i + 1] == '.' || i == 0) return false;  // an empty label
        continue;  // the dot is hashed with the label to its left
      }
      h = (h ^ static_cast<unsigned char>(c)) * k_fnv_prime;
      if (i != 0 && name[i - 1] != '.') continue;
      // Label boundary: the suffix from i, without its leading dot.
      if (count == k_max_labels || name.substr(i, 4) == "xn--") return false;
      start[count] = static_cast<std::uint16_t>(i);
      hash[count] = fold(h);
      ++count;
      if (i != 0) h = (h ^ static_cast<unsigned char>('.')) * k_fnv_prime;
    }
    return true;
  }
  // The suffix from label k, counted from the left (0: the whole name), and its hash.
  [[nodiscard]] std::string_view suffix(std::size_t k) const noexcept {
    return name.substr(start[count - 1 - k]);
  }
  [[nodiscard]] std::uint32_t suffix_hash(std::size_t k) const noexcept {
    return hash[count - 1 - k];
  }
};

std::optional<suffix_table> suffix_table::from_text(std::string_view text) {
  suffix_table table;
  table.names_.reserve(text.size() / 2);  // the rules are under half of the list's text
  table.entries_.reserve(text.size() / 16);
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    // As libpsl reads the list: leading whitespace skipped, a rule ends at the next whitespace.
    while (p < end && (*p == ' ' || *p == '\t')) ++p;
    const char* const rule = p;
    unsigned high = 0;  // any byte of 0x80 and above in the rule
    while (p < end && *p != '\n' && *p != ' ' && *p != '\t' && *p != '\r') {
      high |= static_cast<unsigned char>(*p++);
    }
    std::string_view line(rule, static_cast<std::size_t>(p - rule));
    if (p < end && *p != '\n') {  // the rest of the line is not read
      const void* newline = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
      p = newline != nullptr ? static_cast<const char*>(newline) : end;
    }
    if (p < end) ++p;
    if (line.empty() || line.front() == '/') continue;  // a "//" comment (no rule starts so)
    if ((high & 0x80) != 0) continue;
    std::uint8_t flags = k_plain;
    if (line.front() == '!') {
      flags = k_exception;
      line.remove_prefix(1);
    } else if (line.front() == '*') {
      if (line.size() < 2 || line[1] != '.') continue;  // libpsl supports "*." rules only
      flags = k_wildcard | k_plain;  // *.foo.bar makes foo.bar a public suffix too
      line.remove_prefix(2);
    }
    if (line.empty()) continue;
    table.add(line, flags);
  }
  if (table.entries_.empty()) return std::nullopt;
  table.index();
  return table;
}

void suffix_table::add(std::string_view name, std::uint8_t flags) {
  const auto offset = static_cast<std::uint32_t>(names_.size());
  names_.append(name);
  std::transform(names_.begin() + offset, names_.end(), names_.begin() + offset,
                 [](char c) { return ascii_lower(c); });
  const std::string_view stored(names_.data() + offset, name.size());
  entries_.push_back(
      entry{offset, static_cast<std::uint32_t>(name.size()), hash_name(stored), flags});
}

// A rule listed twice (foo.bar and *.foo.bar) is one name with both flags, as in libpsl.
void suffix_table::index() {
  std::size_t size = 64;
  while (size < 2 * entries_.size()) size *= 2;
  slots_.assign(size, 0);
  const std::size_t mask = size - 1;
  std::vector<entry> distinct;
  distinct.reserve(entries_.size());
  for (const entry& e : entries_) {
    const std::string_view name(names_.data() + e.offset, e.size);
    for (std::size_t i = e.hash & mask;; i = (i + 1) & mask) {
      if (slots_[i] == 0) {
        distinct.push_back(e);
        slots_[i] = static_cast<std::uint32_t>(distinct.size());
        break;
      }
      entry& known = distinct[slots_[i] - 1];
      if (known.hash == e.hash &&
          std::string_view(names_.data() + known.offset, known.size) == name) {
        known.flags |= e.flags;
        break;
      }
    }
  }
  entries_ = std::move(distinct);
}

std::uint8_t suffix_table::flags_of(std::string_view name, std::uint32_t hash) const noexcept {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const std::uint32_t slot = slots_[i];
    if (slot == 0) return 0;
    const entry& e = entries_[slot - 1];
    if (e.hash == hash && e.size == name.size() &&
        std::memcmp(names_.data() + e.offset, name.data(), name.size()) == 0) {
      return e.flags;
    }
  }
}

bool suffix_table::is_public_at(const labels& l, std::size_t k, int* flags) const noexcept {
  if (k + 1 == l.count) return true;  // the last label: the implicit "*" rule
  auto flags_at = [&](std::size_t j) {
    if (flags[j] < 0) flags[j] = flags_of(l.suffix(j), l.suffix_hash(j));
    return flags[j];
  };
  // A name the list has is public unless it is an exception (libpsl does not look at its
  // parent then); otherwise it is public when its parent is a wildcard rule.
  if (const int f = flags_at(k); f != 0) return (f & k_exception) == 0;
  return (flags_at(k + 1) & k_wildcard) != 0;
}

bool suffix_table::handles(std::string_view host) noexcept {
  labels l;
  return l.cut(host);
}

bool suffix_table::is_public(std::string_view host) const noexcept {
  labels l;
  if (!l.cut(host)) return false;
  std::array<int, k_max_labels> flags;
  std::fill_n(flags.begin(), l.count, -1);
  return is_public_at(l, 0, flags.data());
}

std::optional<std::string_view> suffix_table::registrable(std::string_view host) const noexcept {
  labels l;
  if (!l.cut(host)) return std::nullopt;
  std::array<int, k_max_labels> flags;
  std::fill_n(flags.begin(), l.count, -1);
  if (is_public_at(l, 0, flags.data())) return std::string_view();
  for (std::size_t k = 1; k < l.count; ++k) {
    if (is_public_at(l, k, flags.data())) return l.suffix(k - 1);
  }
  return std::string_view();  // not reached: the last label is public
}

}  // namespace hopscope::detail
