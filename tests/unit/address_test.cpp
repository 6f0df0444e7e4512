#include <catch2/catch.hpp>

#include <arpa/inet.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "hopscope/address.hpp"

namespace {

struct ip_row {
  std::size_t line = 0;
  std::string text, canonical, scope, origin;
};

// tests/data/ip-addresses.tsv: address, canonical text or "invalid", scope, origin. Fields are
// not trimmed: rows with leading/trailing spaces test that parse_ip does not trim either.
std::vector<ip_row> load_rows() {
  std::ifstream in(HOPSCOPE_TEST_DATA_DIR "/ip-addresses.tsv", std::ios::binary);
  REQUIRE(in.good());
  std::vector<ip_row> rows;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::size_t start = 0;
    for (;;) {
      const auto tab = line.find('\t', start);
      cols.push_back(line.substr(start, tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    INFO("line " << number << ": " << line);
    REQUIRE(cols.size() == 4);
    rows.push_back({number, cols[0], cols[1], cols[2], cols[3]});
  }
  return rows;
}

}  // namespace

TEST_CASE("parse_ip, to_string and classify follow tests/data/ip-addresses.tsv", "[address]") {
  const auto rows = load_rows();
  REQUIRE(rows.size() >= 100);
  for (const auto& row : rows) {
    INFO("line " << row.line << " [" << row.text << "] " << row.origin);
    const auto ip = hopscope::parse_ip(row.text);
    if (row.canonical == "invalid") {
      CHECK_FALSE(ip.has_value());
      continue;
    }
    REQUIRE(ip.has_value());
    CHECK(ip->to_string() == row.canonical);
    CHECK(hopscope::to_string(hopscope::classify(*ip)) == row.scope);
    // Canonical text is a fixed point: it parses back to the same address and prints the same.
    const auto again = hopscope::parse_ip(row.canonical);
    REQUIRE(again.has_value());
    CHECK(*again == *ip);
    CHECK(again->to_string() == row.canonical);
  }
}

TEST_CASE("v4-mapped IPv6 becomes the IPv4 address it carries", "[address]") {
  const auto mapped = hopscope::parse_ip("::ffff:192.168.1.75");
  const auto plain = hopscope::parse_ip("192.168.1.75");
  REQUIRE(mapped);
  REQUIRE(plain);
  CHECK_FALSE(mapped->v6);
  CHECK(*mapped == *plain);
  CHECK(mapped->bytes[4] == 0);  // nothing left over from the v6 form
}

TEST_CASE("zone ids are kept apart from the address", "[address]") {
  struct row {
    const char* text;
    const char* zone;
    const char* without_zone;
  };
  const row rows[] = {
      {"2001:db8::1%eth0", "eth0", "2001:db8::1"},
      {"[fe80::fc67:fd76:bf25:a3f7%8]", "8", "fe80::fc67:fd76:bf25:a3f7"},
      {"fe80::1%22", "22", "fe80::1"},
      {"[IPv6:fe80::1%en0.1_x~y-z]", "en0.1_x~y-z", "fe80::1"},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    auto ip = hopscope::parse_ip(r.text);
    REQUIRE(ip);
    CHECK(ip->v6);
    CHECK(ip->zone == r.zone);
    ip->zone.clear();
    CHECK(ip->to_string() == r.without_zone);
  }
  CHECK_FALSE(hopscope::parse_ip("fe80::1%" + std::string(65, 'a')));
  CHECK(hopscope::parse_ip("fe80::1%" + std::string(64, 'a')));
  CHECK_FALSE(hopscope::parse_ip("fe80::1%\x1b[31m"));
}

TEST_CASE("parse_ip never reads past its input", "[address]") {
  // Views into a larger buffer: the bytes after the view would make a valid (different)
  // address if parse_ip relied on a terminator.
  const std::string buffer = "1.2.3.45";
  CHECK(hopscope::parse_ip(std::string_view(buffer).substr(0, 7))->to_string() == "1.2.3.4");
  CHECK_FALSE(hopscope::parse_ip(std::string_view(buffer).substr(0, 6)));
  CHECK_FALSE(hopscope::parse_ip(std::string_view("1.2.3.4\0", 8)));
  CHECK_FALSE(
      hopscope::parse_ip(std::string_view("::1\0"
                                          "5",
                                          5)));
  CHECK_FALSE(hopscope::parse_ip(std::string(100000, '1')));
  CHECK_FALSE(hopscope::parse_ip("["));
  CHECK_FALSE(hopscope::parse_ip("]"));
  CHECK_FALSE(hopscope::parse_ip("%"));
}

TEST_CASE("hand-built mapped addresses classify as their IPv4 host", "[address]") {
  hopscope::ip_address ip;
  ip.v6 = true;
  ip.bytes[10] = 0xff;
  ip.bytes[11] = 0xff;
  ip.bytes[12] = 10;
  ip.bytes[15] = 1;
  CHECK(hopscope::classify(ip) == hopscope::ip_scope::private_use);
  CHECK(ip.to_string() == "::ffff:10.0.0.1");
}

TEST_CASE("every scope has a distinct stable name; only global is global", "[address]") {
  using hopscope::ip_scope;
  const ip_scope all[] = {
      ip_scope::global,       ip_scope::private_use,          ip_scope::shared,
      ip_scope::loopback,     ip_scope::link_local,           ip_scope::documentation,
      ip_scope::benchmarking, ip_scope::unique_local,         ip_scope::multicast,
      ip_scope::reserved,     ip_scope::protocol_assignments, ip_scope::translation,
      ip_scope::unspecified};
  std::set<std::string_view> names;
  for (const auto s : all) {
    const auto name = hopscope::to_string(s);
    CHECK_FALSE(name.empty());
    CHECK(name != "unknown");
    names.insert(name);
    CHECK(hopscope::is_global(s) == (s == ip_scope::global));
  }
  CHECK(names.size() == std::size(all));
}

TEST_CASE("parse_ip accepts what inet_pton accepts; IPv4 prints as inet_ntop prints it",
          "[address]") {
  // parse_ip() turns texts away at their first byte that is not a hex digit, ':' or '.', before
  // asking inet_pton(). Random texts over an alphabet with such bytes, hex digits, and the
  // letters just past 'f' must get inet_pton()'s answer (bracket and zone forms are tested
  // above; they are left out here).
  const std::string alphabet = "0123456789abcdefABCDEFgGxz:.-_ ";
  std::mt19937 rng(20261123);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1), length(0, 40);
  std::size_t accepted = 0;
  auto expected = [](const std::string& t) {
    unsigned char out[16];
    return inet_pton(AF_INET, t.c_str(), out) == 1 || inet_pton(AF_INET6, t.c_str(), out) == 1;
  };
  std::vector<std::string> texts = {"1.2.3.4",        "::1",      "fe80::1", "2001:DB8::a",
                                    "::ffff:1.2.3.4", "1.2.3.4x", "g::1",    "mail.example",
                                    "deadbeef.cafe",  "",         "1.2.3",   "12.34.56.78",
                                    "abcd::ef01:2345"};
  for (int i = 0; i < 200000; ++i) {
    std::string t;
    const std::size_t n = length(rng);
    for (std::size_t k = 0; k < n; ++k) t += alphabet[pick(rng)];
    // Half are real addresses (IPv4, or IPv6 as inet_ntop writes it), one byte in two of
    // them changed to a byte of the alphabet.
    if (i % 2 == 0) {
      unsigned char bytes[16];
      for (auto& b : bytes) b = static_cast<unsigned char>(rng() & (i % 8 == 0 ? 0xFF : 0x01));
      char text[INET6_ADDRSTRLEN];
      inet_ntop(i % 4 == 0 ? AF_INET : AF_INET6, bytes, text, sizeof text);
      t = text;
      if (rng() % 2 == 0) t[rng() % t.size()] = alphabet[pick(rng)];
    }
    texts.push_back(t);
  }
  for (const auto& t : texts) {
    INFO(t);
    const bool want = expected(t);
    const auto got = hopscope::parse_ip(t);
    CHECK(got.has_value() == want);
    if (got && !got->v6) {
      // IPv4 text back as inet_ntop() writes it (dotted decimal, no leading zeros).
      char text[INET_ADDRSTRLEN];
      REQUIRE(inet_ntop(AF_INET, got->bytes.data(), text, sizeof text) != nullptr);
      CHECK(got->to_string() == text);
    }
    accepted += want ? 1 : 0;
  }
  CHECK(accepted > 100);  // the texts must reach the accepting side too
}

// parse_ip reads dotted quads itself (not through inet_pton): texts of digits and dots near the
// edges (leading zeros, 255/256, three and five parts, empty parts, four-digit parts) must read
// as inet_pton(AF_INET) reads them, bytes included.
TEST_CASE("parse_ip reads dotted quads as inet_pton does", "[address]") {
  std::mt19937 rng(20261124);
  const std::string digits = "0012255699";  // '0', '2' and '5' weighted: the edge cases
  std::uniform_int_distribution<std::size_t> pick(0, digits.size() - 1), part_len(0, 4),
      parts(3, 5);
  std::size_t accepted = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string t;
    const std::size_t n = parts(rng);
    for (std::size_t p = 0; p < n; ++p) {
      if (p != 0) t += '.';
      const std::size_t len = part_len(rng);
      for (std::size_t k = 0; k < len; ++k) t += digits[pick(rng)];
    }
    if (i % 16 == 0) t += rng() % 2 == 0 ? "." : " ";
    INFO(t);
    unsigned char want[4];
    const bool valid = inet_pton(AF_INET, t.c_str(), want) == 1;
    const auto got = hopscope::parse_ip(t);
    REQUIRE(got.has_value() == valid);
    if (valid) {
      CHECK_FALSE(got->v6);
      CHECK(std::equal(want, want + 4, got->bytes.begin()));
      ++accepted;
    }
  }
  CHECK(accepted > 1000);
}
