// The header splitter, on real field layouts.
#include <catch2/catch.hpp>

#include <string>

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
