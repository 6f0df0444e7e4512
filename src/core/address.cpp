// IP address parsing (inet_pton strictness), RFC 5952 text and RFC 6890 classification.

#include "hopscope/address.hpp"

#include <arpa/inet.h>

#include <cstddef>
#include <string_view>

#include "core/ascii.hpp"

namespace hopscope {
namespace {

// Longest text inet_pton can accept for IPv6 ("ffff:...:255.255.255.255" is 45 characters);
// anything longer is rejected before copying so the stack buffer can never overflow.
constexpr std::size_t k_max_address_text = 45;
// Zone ids are interface names (IFNAMSIZ is 16) or numbers; 64 leaves room for odd platforms
// while keeping a hostile header from putting kilobytes into every hop.
constexpr std::size_t k_max_zone = 64;

bool ieq_prefix(std::string_view text, std::string_view prefix) noexcept {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (detail::ascii_lower(text[i]) != prefix[i]) return false;
  }
  return true;
}

// RFC 6874 limits a zone id in a URI to "unreserved" characters; we use the same set so a zone
// can never smuggle spaces, brackets or control bytes into later output.
bool is_zone_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

bool pton(int family, std::string_view text, void* out) noexcept {
  if (text.empty() || text.size() > k_max_address_text) return false;
  char buffer[k_max_address_text + 1];
  for (std::size_t i = 0; i < text.size(); ++i) {
    // An embedded NUL would make inet_pton see a shorter, possibly valid, string.
    if (text[i] == '\0') return false;
    buffer[i] = text[i];
  }
  buffer[text.size()] = '\0';
  return ::inet_pton(family, buffer, out) == 1;
}

// Dotted-quad IPv4 as glibc's inet_pton(AF_INET) reads it: four decimal parts of 0-255, no
// leading zero (so "010" is refused, not read as octal), nothing else. Most texts a Received
// line asks about are IPv4, and copying each to a C string for inet_pton() cost three times
// this. The unit tests compare the two on every text of tests/data/ip-addresses.tsv and on
// generated ones.
bool parse_v4(std::string_view text, std::uint8_t* out) noexcept {
  std::size_t i = 0;
  for (int part = 0; part < 4; ++part) {
    if (part != 0) {
      if (i >= text.size() || text[i] != '.') return false;
      ++i;
    }
    const std::size_t begin = i;
    unsigned value = 0;
    while (i < text.size() && i - begin < 3 && text[i] >= '0' && text[i] <= '9') {
      value = value * 10 + static_cast<unsigned>(text[i] - '0');
      ++i;
    }
    const std::size_t digits = i - begin;
    if (digits == 0 || value > 255 || (digits > 1 && text[begin] == '0')) return false;
    if (i < text.size() && text[i] >= '0' && text[i] <= '9') return false;  // a fourth digit
    out[part] = static_cast<std::uint8_t>(value);
  }
  return i == text.size();
}

bool is_v4_mapped(const std::array<std::uint8_t, 16>& b) noexcept {
  for (std::size_t i = 0; i < 10; ++i) {
    if (b[i] != 0) return false;
  }
  return b[10] == 0xff && b[11] == 0xff;
}

std::uint16_t group(const std::array<std::uint8_t, 16>& b, std::size_t i) noexcept {
  return static_cast<std::uint16_t>((b[2 * i] << 8) | b[2 * i + 1]);
}

void append_v4(std::string& out, const std::uint8_t* b) {
  char text[16];  // "255.255.255.255"
  char* p = text;
  for (std::size_t i = 0; i < 4; ++i) {
    if (i != 0) *p++ = '.';
    const unsigned v = b[i];
    if (v >= 100) *p++ = static_cast<char>('0' + v / 100);
    if (v >= 10) *p++ = static_cast<char>('0' + v / 10 % 10);
    *p++ = static_cast<char>('0' + v % 10);
  }
  out.append(text, static_cast<std::size_t>(p - text));
}

// True if the first `bits` bits of `ip` equal those of `prefix` (given as a full 16 bytes).
bool in_prefix(const std::array<std::uint8_t, 16>& ip, const std::array<std::uint8_t, 16>& prefix,
               unsigned bits) noexcept {
  std::size_t i = 0;
  for (; bits >= 8; bits -= 8, ++i) {
    if (ip[i] != prefix[i]) return false;
  }
  if (bits == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - bits));
  return (ip[i] & mask) == (prefix[i] & mask);
}

struct v4_rule {
  std::uint32_t network;
  unsigned bits;
  ip_scope scope;
};

constexpr std::uint32_t v4(unsigned a, unsigned b, unsigned c, unsigned d) noexcept {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

// IANA IPv4 Special-Purpose Address Registry (RFC 6890 and its updates), plus multicast from
// the IPv4 address space registry. Ordered most specific first: the first match wins, which is
// how the globally reachable exceptions inside 192.0.0.0/24 are expressed.
constexpr v4_rule k_v4_rules[] = {
    {v4(0, 0, 0, 0), 32, ip_scope::unspecified},
    {v4(255, 255, 255, 255), 32, ip_scope::reserved},  // limited broadcast
    {v4(192, 0, 0, 9), 32, ip_scope::global},          // PCP anycast (RFC 7723)
    {v4(192, 0, 0, 10), 32, ip_scope::global},         // TURN anycast (RFC 8155)
    {v4(0, 0, 0, 0), 8, ip_scope::reserved},           // "this network"
    {v4(10, 0, 0, 0), 8, ip_scope::private_use},
    {v4(100, 64, 0, 0), 10, ip_scope::shared},
    {v4(127, 0, 0, 0), 8, ip_scope::loopback},
    {v4(169, 254, 0, 0), 16, ip_scope::link_local},
    {v4(172, 16, 0, 0), 12, ip_scope::private_use},
    {v4(192, 0, 0, 0), 24, ip_scope::protocol_assignments},
    {v4(192, 0, 2, 0), 24, ip_scope::documentation},
    {v4(192, 31, 196, 0), 24, ip_scope::global},  // AS112-v4 (RFC 7535): globally reachable
    {v4(192, 52, 193, 0), 24, ip_scope::global},  // AMT (RFC 7450): globally reachable
    // 6to4 relay anycast, deprecated by RFC 7526; the registry now says "N/A" for reachability
    // and no mail server should ever connect from it.
    {v4(192, 88, 99, 0), 24, ip_scope::reserved},
    {v4(192, 168, 0, 0), 16, ip_scope::private_use},
    {v4(192, 175, 48, 0), 24, ip_scope::global},  // AS112 direct delegation (RFC 7534)
    {v4(198, 18, 0, 0), 15, ip_scope::benchmarking},
    {v4(198, 51, 100, 0), 24, ip_scope::documentation},
    {v4(203, 0, 113, 0), 24, ip_scope::documentation},
    {v4(224, 0, 0, 0), 4, ip_scope::multicast},
    {v4(240, 0, 0, 0), 4, ip_scope::reserved},
};

ip_scope classify_v4(const std::uint8_t* b) noexcept {
  const std::uint32_t value = (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) |
                              (std::uint32_t{b[2]} << 8) | std::uint32_t{b[3]};
  for (const auto& rule : k_v4_rules) {
    const std::uint32_t mask = rule.bits == 0 ? 0 : ~std::uint32_t{0} << (32 - rule.bits);
    if ((value & mask) == rule.network) return rule.scope;
  }
  return ip_scope::global;
}

struct v6_rule {
  std::array<std::uint8_t, 16> prefix;
  unsigned bits;
  ip_scope scope;
};

// Builds a 16-byte prefix from up to eight leading 16-bit groups.
constexpr std::array<std::uint8_t, 16> v6(std::uint16_t g0, std::uint16_t g1 = 0,
                                          std::uint16_t g2 = 0, std::uint16_t g3 = 0,
                                          std::uint16_t g7 = 0) noexcept {
  std::array<std::uint8_t, 16> out{};
  const std::uint16_t groups[4] = {g0, g1, g2, g3};
  for (std::size_t i = 0; i < 4; ++i) {
    out[2 * i] = static_cast<std::uint8_t>(groups[i] >> 8);
    out[2 * i + 1] = static_cast<std::uint8_t>(groups[i] & 0xff);
  }
  out[14] = static_cast<std::uint8_t>(g7 >> 8);
  out[15] = static_cast<std::uint8_t>(g7 & 0xff);
  return out;
}

// IANA IPv6 Special-Purpose Address Registry (RFC 6890 and updates, including RFC 9602's
// 5f00::/16 and RFC 9637's 3fff::/20), then the IPv6 address space registry: anything outside
// 2000::/3, fc00::/7, fe80::/10 and ff00::/8 is still "Reserved by IETF". First match wins.
constexpr v6_rule k_v6_rules[] = {
    {v6(0), 128, ip_scope::unspecified},
    {v6(0, 0, 0, 0, 1), 128, ip_scope::loopback},
    {v6(0x64, 0xff9b), 96, ip_scope::translation},     // RFC 6052 well-known prefix
    {v6(0x64, 0xff9b, 1), 48, ip_scope::translation},  // RFC 8215 local-use translation
    {v6(0x100), 64, ip_scope::reserved},               // discard-only (RFC 6666)
    {v6(0x2001, 1, 0, 0, 1), 128, ip_scope::global},   // PCP anycast (RFC 7723)
    {v6(0x2001, 1, 0, 0, 2), 128, ip_scope::global},   // TURN anycast (RFC 8155)
    {v6(0x2001, 1, 0, 0, 3), 128, ip_scope::global},   // DNS-SD SRP anycast (RFC 9665)
    {v6(0x2001, 2), 48, ip_scope::benchmarking},       // RFC 5180
    {v6(0x2001, 3), 32, ip_scope::global},             // AMT (RFC 7450)
    {v6(0x2001, 4, 0x112), 48, ip_scope::global},      // AS112-v6 (RFC 7535)
    {v6(0x2001, 0x20), 28, ip_scope::global},          // ORCHIDv2 (RFC 7343)
    {v6(0x2001, 0x30), 28, ip_scope::global},          // Drone remote ID DETs (RFC 9374)
    {v6(0x2001), 23, ip_scope::protocol_assignments},  // incl. Teredo, deprecated ORCHID
    {v6(0x2001, 0xdb8), 32, ip_scope::documentation},
    {v6(0x2002), 16, ip_scope::global},                // 6to4: reachable through relays
    {v6(0x2620, 0x4f, 0x8000), 48, ip_scope::global},  // AS112 direct delegation
    {v6(0x3fff), 20, ip_scope::documentation},         // RFC 9637
    {v6(0x5f00), 16, ip_scope::reserved},              // SRv6 SIDs (RFC 9602): not global
    {v6(0xfc00), 7, ip_scope::unique_local},
    {v6(0xfe80), 10, ip_scope::link_local},
    {v6(0xff00), 8, ip_scope::multicast},
    {v6(0x2000), 3, ip_scope::global},
};

}  // namespace

std::optional<ip_address> parse_ip(std::string_view text) noexcept {
  // "[1.2.3.4]" and "[IPv6:2001:db8::1]" are how Received lines write literals (RFC 5321 4.1.3);
  // a lone bracket is malformed, not something to guess about.
  if (!text.empty() && text.front() == '[') {
    if (text.size() < 2 || text.back() != ']') return std::nullopt;
    text = text.substr(1, text.size() - 2);
  } else if (!text.empty() && text.back() == ']') {
    return std::nullopt;
  }
  bool v6_tag = false;
  // RFC 5321 ABNF strings are case-insensitive; Sendmail writes "IPv6:", some MTAs "ipv6:".
  if (ieq_prefix(text, "ipv6:")) {
    v6_tag = true;
    text.remove_prefix(5);
  }

  ip_address out;
  const std::size_t percent = text.find('%');
  if (percent != std::string_view::npos) {
    // Zones exist only for IPv6 (RFC 4007 11.2), e.g. Exchange's "([fe80::fc67:...%8])".
    const std::string_view zone = text.substr(percent + 1);
    if (zone.empty() || zone.size() > k_max_zone) return std::nullopt;
    for (const char c : zone) {
      if (!is_zone_char(c)) return std::nullopt;
    }
    text = text.substr(0, percent);
    if (!pton(AF_INET6, text, out.bytes.data())) return std::nullopt;
    out.v6 = true;
    out.zone.assign(zone);
    return out;
  }

  // inet_pton() reads only hex digits, ':' and '.', so any other byte fails both families:
  // most texts asked about are host names, rejected here at their first letter past 'f'.
  for (const char c : text) {
    const bool address_char = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
                              (c >= 'A' && c <= 'F') || c == ':' || c == '.';
    if (!address_char) return std::nullopt;
  }
  if (!v6_tag && parse_v4(text, out.bytes.data())) return out;
  if (!pton(AF_INET6, text, out.bytes.data())) return std::nullopt;
  if (is_v4_mapped(out.bytes)) {
    // "::ffff:1.2.3.4" is the IPv4 peer of a dual-stack socket: the same host as 1.2.3.4, so
    // it must compare equal and classify as IPv4.
    for (std::size_t i = 0; i < 4; ++i) out.bytes[i] = out.bytes[12 + i];
    for (std::size_t i = 4; i < 16; ++i) out.bytes[i] = 0;
    return out;
  }
  out.v6 = true;
  return out;
}

std::string ip_address::to_string() const {
  std::string out;
  out.reserve(v6 ? 40 + zone.size() : 15);  // the longest forms: one allocation at most
  if (!v6) {
    append_v4(out, bytes.data());
    return out;
  }
  // RFC 5952 4.2: compress the longest run of two or more zero groups, the first if tied.
  std::size_t best_start = 8, best_len = 0;
  for (std::size_t i = 0; i < 8;) {
    if (group(bytes, i) != 0) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < 8 && group(bytes, j) == 0) ++j;
    if (j - i > best_len) {
      best_start = i;
      best_len = j - i;
    }
    i = j;
  }
  if (best_len < 2) best_start = 8;
  // RFC 5952 5: an IPv4-mapped address keeps its dotted tail. Only reachable here with a zone,
  // since parse_ip turns the zoneless form into plain IPv4.
  const bool mapped = is_v4_mapped(bytes);
  const std::size_t hex_groups = mapped ? 6 : 8;
  static constexpr char k_hex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < hex_groups;) {
    if (i == best_start) {
      out += "::";
      i += best_len;
      continue;
    }
    if (i != 0 && i != best_start + best_len) out += ':';
    const std::uint16_t g = group(bytes, i);
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const unsigned nibble = (g >> shift) & 0xfu;
      if (nibble != 0 || started || shift == 0) {
        out += k_hex[nibble];
        started = true;
      }
    }
    ++i;
  }
  if (mapped) {
    if (out.empty() || out.back() != ':') out += ':';
    append_v4(out, bytes.data() + 12);
  }
  if (!zone.empty()) {
    out += '%';
    out += zone;
  }
  return out;
}

ip_scope classify(const ip_address& ip) noexcept {
  if (!ip.v6) return classify_v4(ip.bytes.data());
  // A mapped address built by hand (parse_ip already unmaps) is the IPv4 host it carries.
  if (is_v4_mapped(ip.bytes)) return classify_v4(ip.bytes.data() + 12);
  for (const auto& rule : k_v6_rules) {
    if (in_prefix(ip.bytes, rule.prefix, rule.bits)) return rule.scope;
  }
  return ip_scope::reserved;
}

std::string_view to_string(ip_scope scope) noexcept {
  switch (scope) {
    case ip_scope::global:
      return "global";
    case ip_scope::private_use:
      return "private_use";
    case ip_scope::shared:
      return "shared";
    case ip_scope::loopback:
      return "loopback";
    case ip_scope::link_local:
      return "link_local";
    case ip_scope::documentation:
      return "documentation";
    case ip_scope::benchmarking:
      return "benchmarking";
    case ip_scope::unique_local:
      return "unique_local";
    case ip_scope::multicast:
      return "multicast";
    case ip_scope::reserved:
      return "reserved";
    case ip_scope::protocol_assignments:
      return "protocol_assignments";
    case ip_scope::translation:
      return "translation";
    case ip_scope::unspecified:
      return "unspecified";
  }
  return "unknown";
}

}  // namespace hopscope
