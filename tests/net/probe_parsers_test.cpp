// The reply reader and EHLO parser on hostile and ordinary server text (no network).

#include <catch2/catch.hpp>
#include <string>

#include "hopscope/probe.hpp"
#include "probe/reply_reader.hpp"

using hopscope::probe_reply_limits;
using hopscope::probe_detail::reply_reader;
using hopscope::probe_detail::reply_status;

TEST_CASE("a multi-line greeting is read whole", "[probe][reply]") {
  reply_reader r(probe_reply_limits{});
  const std::string text = "220-mx.example ESMTP\r\n220-second\r\n220 last\r\n250 next";
  const std::size_t used = r.feed(text);
  REQUIRE(r.status() == reply_status::complete);
  CHECK(r.reply().code == 220);
  CHECK(r.reply().lines == std::vector<std::string>{"mx.example ESMTP", "second", "last"});
  CHECK(text.substr(used) == "250 next");  // the next reply is left for the next read
}

TEST_CASE("bytes fed one at a time give the same reply", "[probe][reply]") {
  reply_reader r(probe_reply_limits{});
  for (const char c : std::string("250-a\n250 b\r\n")) r.feed(std::string(1, c));
  REQUIRE(r.status() == reply_status::complete);
  CHECK(r.reply().lines == std::vector<std::string>{"a", "b"});
}

TEST_CASE("a bare code ends the reply", "[probe][reply]") {
  reply_reader r(probe_reply_limits{});
  r.feed("221\r\n");
  REQUIRE(r.status() == reply_status::complete);
  CHECK(r.reply().code == 221);
}

TEST_CASE("the caps stop hostile replies", "[probe][reply]") {
  SECTION("a line with no end") {
    reply_reader r(probe_reply_limits{});
    r.feed("220 " + std::string(1u << 20, 'A'));
    REQUIRE(r.status() == reply_status::failed);
    CHECK(r.error().code == "line_too_long");
  }
  SECTION("endless continuation lines") {
    reply_reader r(probe_reply_limits{});
    std::string many;
    for (int i = 0; i < 200; ++i) many += "220-more\r\n";
    r.feed(many);
    REQUIRE(r.status() == reply_status::failed);
    CHECK(r.error().code == "too_many_lines");
  }
  SECTION("the total") {
    reply_reader r(probe_reply_limits{2048, 1000, 4096});
    std::string many;
    for (int i = 0; i < 100; ++i) many += "220-" + std::string(100, 'x') + "\r\n";
    r.feed(many);
    REQUIRE(r.status() == reply_status::failed);
    CHECK(r.error().code == "reply_too_large");
  }
}

TEST_CASE("malformed replies are errors, not guesses", "[probe][reply]") {
  for (const char* text : {"hello\r\n", "220-a\r\n250 b\r\n", "220x\r\n", "999 no\r\n", "22\r\n"}) {
    reply_reader r(probe_reply_limits{});
    r.feed(text);
    INFO(text);
    CHECK(r.status() == reply_status::failed);
    CHECK(r.error().code == "malformed_reply");
  }
}

TEST_CASE("EHLO capabilities", "[probe][ehlo]") {
  const auto caps = hopscope::parse_ehlo_capabilities(
      {"mx.example greets [192.0.2.1]", "SIZE 35882577", "8BITMIME", "STARTTLS",
       "AUTH LOGIN PLAIN XOAUTH2", "AUTH=LOGIN", "ENHANCEDSTATUSCODES", "pipelining", "CHUNKING",
       "SMTPUTF8", "DSN"});
  CHECK(caps.keywords.size() == 10);
  CHECK(caps.size == 35882577u);
  CHECK(caps.eight_bit_mime);
  CHECK(caps.starttls);
  CHECK(caps.pipelining);  // keywords are case-insensitive (RFC 5321 2.4)
  CHECK(caps.chunking);
  CHECK(caps.smtputf8);
  CHECK(caps.dsn);
  CHECK(caps.enhanced_status_codes);
  CHECK(caps.auth == std::vector<std::string>{"LOGIN", "PLAIN", "XOAUTH2"});
  const auto bad = hopscope::parse_ehlo_capabilities({"x", "SIZE 99999999999999999999999", "SIZE"});
  CHECK(bad.size_advertised);
  CHECK(!bad.size);
}
