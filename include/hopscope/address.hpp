#pragma once
// IP addresses, parsed strictly, and their RFC 6890 special-purpose scope.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hopscope {

struct ip_address {
  std::array<std::uint8_t, 16> bytes{};  // v4 uses the first 4
  bool v6 = false;
  std::string zone;  // IPv6 zone id ("eth0", "22"), kept as written

  [[nodiscard]] std::string to_string() const;
  friend bool operator==(const ip_address&, const ip_address&) = default;
};

enum class ip_scope : std::uint8_t {
  global,
  private_use,           // 10/8, 172.16/12, 192.168/16
  shared,                // 100.64/10 (CGNAT)
  loopback,              // 127/8, ::1
  link_local,            // 169.254/16, fe80::/10
  documentation,         // 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32
  benchmarking,          // 198.18/15, 2001:2::/48
  unique_local,          // fc00::/7
  multicast,             // 224/4, ff00::/8
  reserved,              // 240/4, 255.255.255.255, 0/8, ::/128, other IANA-reserved blocks
  protocol_assignments,  // 192.0.0/24, 2001::/23 (minus global exceptions)
  translation,           // 64:ff9b::/96, 64:ff9b:1::/48
  unspecified,           // 0.0.0.0, ::
};

/// Parses an address with inet_pton strictness: dotted quad with no leading zeros and exactly
/// four parts; RFC 4291 text for v6, with an optional %zone. v4-mapped v6 becomes v4.
/// Surrounding brackets ("[1.2.3.4]") and an "IPv6:" prefix (RFC 5321 literal) are accepted.
[[nodiscard]] std::optional<ip_address> parse_ip(std::string_view text) noexcept;

[[nodiscard]] ip_scope classify(const ip_address& ip) noexcept;
[[nodiscard]] std::string_view to_string(ip_scope scope) noexcept;
/// True for scopes that can be reached on the public internet (global only).
[[nodiscard]] inline bool is_global(ip_scope s) noexcept { return s == ip_scope::global; }

}  // namespace hopscope
