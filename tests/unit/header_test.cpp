// The header splitter, on real field layouts.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <string_view>

#include "core/byte_find.hpp"
#include "hopscope/header.hpp"

using hopscope::split_header_block;

TEST_CASE("fields, folding and unfolding", "[header]") {
  // spamassassin-t-data/nice/001: a Received field folded over three lines.
  const auto block = split_header_block(
      "Received: from dogma.slashnull.org (dogma.slashnull.org [212.17.35.15]) by\n"
      "    mail.netnoteinc.com (Postfix) with ESMTP id 830E5115158 for\n"
      "    <jm@netnoteinc.com>; Tue, 15 May 2001 23:40:33 +0000 (Eire)\n"
      "Subject :  obsolete space before the colon\n"
      "X-Empty:\n");
  REQUIRE(block.size() == 3);
  CHECK(block.name(0) == "Received");
  CHECK(block.unfolded_value(0) ==
        "from dogma.slashnull.org (dogma.slashnull.org [212.17.35.15]) by    "
        "mail.netnoteinc.com (Postfix) with ESMTP id 830E5115158 for    <jm@netnoteinc.com>; "
        "Tue, 15 May 2001 23:40:33 +0000 (Eire)");
  CHECK(block.name(1) == "Subject");
  CHECK(block.unfolded_value(1) == "obsolete space before the colon");
  CHECK(block.name(2) == "X-Empty");
  CHECK(block.unfolded_value(2).empty());
  CHECK(block.find("subject") == std::optional<std::size_t>(1));
  CHECK_FALSE(block.find("To").has_value());
  CHECK(block.fields()[1].line == 4);
  CHECK(block.diagnostics().empty());
}

TEST_CASE("unfolding removes CRLF, CR and LF breaks and keeps the WSP after them", "[header]") {
  // A caller's own block may keep CRLF (normalise_input() leaves LF only): the same Received
  // field as above, folded with each kind of line break, unfolds to the same value.
  const std::string want =
      "from dogma.slashnull.org (dogma.slashnull.org [212.17.35.15]) by\t"
      "mail.netnoteinc.com (Postfix) with ESMTP id 830E5115158 for <jm@netnoteinc.com>";
  for (const std::string brk : {"\n", "\r\n", "\r"}) {
    const auto block = split_header_block(
        "Received: from dogma.slashnull.org (dogma.slashnull.org [212.17.35.15]) by" + brk +
        "\tmail.netnoteinc.com (Postfix) with ESMTP id 830E5115158 for" + brk +
        " <jm@netnoteinc.com>\n");
    REQUIRE(block.size() == 1);
    CHECK(block.unfolded_value(0) == want);
  }
}

TEST_CASE("the last field is kept without a final newline", "[header]") {
  // mimetic 0.9.8 loses this field (DESIGN.md, traps).
  const auto block = split_header_block("To: a@example.com\nSubject: last");
  REQUIRE(block.size() == 2);
  CHECK(block.unfolded_value(1) == "last");
}

TEST_CASE("junk lines become one bounded diagnostic each kind", "[header]") {
  std::string text = "  orphan continuation\nFrom: a@example.com\n";
  for (int i = 0; i < 1000; ++i) text += "this is not a field\n";
  text += "To: b@example.com\n";
  const auto block = split_header_block(text);
  REQUIRE(block.size() == 2);
  REQUIRE(block.diagnostics().size() == 2);
  CHECK(block.diagnostics()[0].code == "not_a_field");
  CHECK(block.diagnostics()[0].message.find("1000 line(s)") == 0);
  CHECK(block.diagnostics()[1].code == "orphan_continuation");
}

TEST_CASE("a field name is ftext", "[header]") {
  const auto block = split_header_block(
      "Bad Name: space in the name\nGood-Name_1.x: ok\n\xC3\xA9: non-ASCII name\n: no name\n");
  REQUIRE(block.size() == 1);
  CHECK(block.name(0) == "Good-Name_1.x");
  CHECK(block.diagnostics().size() == 1);
}

TEST_CASE("iequals is ASCII case-insensitive only", "[header]") {
  CHECK(hopscope::iequals("RECEIVED", "received"));
  CHECK_FALSE(hopscope::iequals("Received", "Receive"));
  CHECK_FALSE(hopscope::iequals("\xC3\x89", "\xC3\xA9"));
}

// iequals_bytes() compares eight bytes at a time; the reference is one byte at a time. Pairs of
// every length up to 40 from all 256 byte values: equal, differing in the case of letters (the
// same), differing by one byte anywhere (0x20 apart above all: '@' and '`', '[' and '{', and
// bytes of 0x80 and above, which have no case).
TEST_CASE("iequals_bytes agrees with a byte-at-a-time compare", "[header]") {
  auto reference = [](std::string_view a, std::string_view b) {
    auto lower = [](unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; };
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (lower(static_cast<unsigned char>(a[i])) != lower(static_cast<unsigned char>(b[i])))
        return false;
    }
    return true;
  };
  std::mt19937 rng(20261124);
  std::size_t equal = 0;
  for (int round = 0; round < 200000; ++round) {
    const std::size_t n = rng() % 41;
    std::string a(n, '\0');
    for (auto& c : a) c = static_cast<char>(rng() % 3 == 0 ? rng() % 256 : 'A' + rng() % 58);
    std::string b = a;
    for (auto& c : b) {
      if (rng() % 2 == 0 && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) c ^= 0x20;
    }
    if (n > 0 && rng() % 2 == 0) {
      char& c = b[rng() % n];
      c = static_cast<char>(rng() % 3 == 0 ? c ^ 0x20 : rng() % 256);
    }
    const bool want = reference(a, b);
    equal += want ? 1 : 0;
    REQUIRE(hopscope::detail::iequals_bytes(a.data(), b.data(), n) == want);
  }
  CHECK(equal > 50000);
  CHECK(equal < 150000);
}

// The field name is found 16 bytes at a time in a long line; the reference reads RFC 5322
// ftext a byte at a time. Lines of a name (every printable byte but ':', and each byte that
// ends a name in turn), optional blanks, then a colon or not.
TEST_CASE("field names are read as a byte-at-a-time ftext scan reads them", "[header]") {
  auto reference_name = [](std::string_view line) -> std::string_view {
    std::size_t i = 0;
    while (i < line.size()) {
      const auto c = static_cast<unsigned char>(line[i]);
      if (c == ':' || c <= 32 || c >= 127) break;
      ++i;
    }
    std::size_t j = i;
    while (j < line.size() && (line[j] == ' ' || line[j] == '\t')) ++j;
    if (i == 0 || j >= line.size() || line[j] != ':') return {};
    return line.substr(0, i);
  };
  std::mt19937 rng(20261125);
  std::size_t named = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string line;
    const std::size_t length = rng() % 40;
    for (std::size_t i = 0; i < length; ++i) {
      auto c = static_cast<char>(33 + rng() % 94);
      if (c == ':') c = 'x';
      line += c;
    }
    if (length > 0 && rng() % 4 == 0) {
      const char enders[] = {' ', '\t', '\x7f', '\x80', '\xff', '\x01', ':', '\r'};
      line[rng() % length] = enders[rng() % sizeof enders];
    }
    line += std::string(rng() % 3, ' ');
    if (rng() % 5 != 0) line += ": value that makes the line longer than sixteen bytes";
    const std::string_view want = reference_name(line);
    const auto block = split_header_block(line + "\n");
    INFO(line);
    if (want.empty()) {
      CHECK(block.size() == 0);
    } else {
      ++named;
      REQUIRE(block.size() == 1);
      CHECK(block.name(0) == want);
    }
  }
  CHECK(named > 10000);
}

// find_any() searches 16 bytes at a time, then byte by byte; the reference is std::find_if. Every
// range length up to 80 and every start in a buffer of bytes where the searched ones are rare,
// common or absent (all 256 byte values around them).
TEST_CASE("find_any agrees with a byte-at-a-time search", "[header]") {
  std::mt19937 rng(20261126);
  std::size_t found = 0, not_found = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string buf(96, '\0');
    const unsigned one_in = 1 + rng() % 64;  // how rare the searched bytes are
    for (auto& c : buf) {
      c = static_cast<char>(rng() % 256);
      if (c == '\n' || c == '\r') c = 'x';
      if (rng() % one_in == 0) c = rng() % 2 == 0 ? '\n' : '\r';
    }
    const std::size_t begin = rng() % 16;
    for (std::size_t length = 0; begin + length <= buf.size() && length <= 80; ++length) {
      const char* p = buf.data() + begin;
      const char* end = p + length;
      const char* want_either = std::find_if(p, end, [](char c) { return c == '\n' || c == '\r'; });
      const char* want_lf = std::find(p, end, '\n');
      REQUIRE(hopscope::detail::find_any<'\n', '\r'>(p, end) == want_either);
      REQUIRE(hopscope::detail::find_any<'\n'>(p, end) == want_lf);
      (want_either == end ? not_found : found) += 1;
    }
  }
  CHECK(found > 10000);
  CHECK(not_found > 10000);
}
