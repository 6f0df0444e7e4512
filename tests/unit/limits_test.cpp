// Hostile inputs: each is bounded in time and memory with a clear note. (No timing asserts:
// a quadratic or recursive parser would make these cases run for minutes, not fail.)
#include <catch2/catch.hpp>

#include <string>

#include "hopscope/header.hpp"
#include "hopscope/input.hpp"

TEST_CASE("a 20 MB single-line field is cut to the header cap", "[limits]") {
  std::string huge = "Subject: " + std::string(20u << 20, 'A') + "\n\nbody\n";
  const auto in = hopscope::normalise_input(huge);
  CHECK(in.header.size() <= (4u << 20));
  bool truncated = false;
  for (const auto& f : in.fixups) truncated |= f.code == "header_truncated";
  CHECK(truncated);
  hopscope::header_limits limits;
  const auto block = hopscope::split_header_block(
      "Subject: " + std::string(2u << 20, 'B') + "\nTo: x@example.com\n", limits);
  REQUIRE(block.size() == 2);
  CHECK(block.raw_value(0).size() == limits.max_field_bytes);
  CHECK(block.diagnostics().at(0).code == "field_too_long");
}

TEST_CASE("100,000 fields stop at the field limit", "[limits]") {
  std::string text;
  for (int i = 0; i < 100000; ++i) text += "X-F: v\n";
  const auto block = hopscope::split_header_block(hopscope::normalise_input(text).header);
  CHECK(block.size() == hopscope::header_limits{}.max_fields);
  REQUIRE(block.diagnostics().size() == 1);
  CHECK(block.diagnostics()[0].code == "too_many_fields");
}

TEST_CASE("binary junk, NUL bytes and an empty input never fail", "[limits]") {
  std::string junk;
  for (int i = 0; i < 65536; ++i) junk.push_back(static_cast<char>((i * 7919) & 0xFF));
  const auto in = hopscope::normalise_input(junk);
  const auto block = hopscope::split_header_block(in.header);
  CHECK(block.size() < 100);
  const auto empty = hopscope::normalise_input("");
  CHECK(empty.header.empty());
  CHECK(hopscope::split_header_block(empty.header).size() == 0);
  const auto nuls = hopscope::normalise_input(std::string(1000, '\0'));
  CHECK(hopscope::split_header_block(nuls.header).size() == 0);
}

TEST_CASE("a million blank lines between two fields stay linear", "[limits]") {
  std::string text = "From: a@example.com\n" + std::string(1000000, '\n') + "To: b@example.com\n";
  const auto in = hopscope::normalise_input(text);
  CHECK(in.header == "From: a@example.com\nTo: b@example.com\n");
}
