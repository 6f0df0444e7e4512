// The streaming JSON writer must print what nlohmann's compact dump() prints for the same
// document, with every string first made valid UTF-8 by to_valid_utf8(): render_json() relies
// on it, and the corpus NDJSON did not change when the writer replaced nlohmann.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "hopscope/address.hpp"
#include "hopscope/auth.hpp"
#include "hopscope/chain.hpp"
#include "hopscope/datetime.hpp"
#include "hopscope/received.hpp"
#include "hopscope/render.hpp"
#include "render/json_writer.hpp"

namespace {

using hopscope::detail::json_writer;

// Mostly printable ASCII, with runs of what needs care: quotes, backslashes, controls, valid
// multi-byte UTF-8, and bytes that are not UTF-8 at all.
std::string random_text(std::mt19937& rng, std::size_t length) {
  static const std::string pieces[] = {"\"",
                                       "\\",
                                       "\n",
                                       "\r",
                                       "\t",
                                       "\b",
                                       "\f",
                                       "\x01",
                                       "\x1f",
                                       "\x7f",
                                       "\xC3\xA9",
                                       "\xE2\x82\xAC",
                                       "\xF0\x9F\x98\x80",
                                       "\xC3",
                                       "\xE2\x82",
                                       "\xF0\x9F\x98",
                                       "\xED\xA0\x80",
                                       "\xC0\xAF",
                                       "\xF5",
                                       "\xFF",
                                       "\x80"};
  std::uniform_int_distribution<int> pick(0, 9);
  std::uniform_int_distribution<int> ascii(0x20, 0x7e);
  std::uniform_int_distribution<std::size_t> piece(0, std::size(pieces) - 1);
  std::string s;
  while (s.size() < length) {
    if (pick(rng) == 0) {
      s += pieces[piece(rng)];
    } else {
      s += static_cast<char>(ascii(rng));
    }
  }
  return s;
}

}  // namespace

TEST_CASE("json_writer strings match nlohmann's dump of the valid-UTF-8 text", "[json]") {
  std::mt19937 rng(20261123);
  std::uniform_int_distribution<std::size_t> length(0, 300);
  for (int round = 0; round < 2000; ++round) {
    // Some strings cross the writer's 4 KiB escaping slice, a multi-byte sequence included.
    const std::size_t n = round % 50 == 0 ? 4090 + length(rng) * 30 : length(rng);
    const std::string text = random_text(rng, n);
    std::string out = "prefix:";
    json_writer w(out);
    w.begin_array();
    w.string(text);
    w.literal(text);
    w.end_array();
    w.finish();
    bool replaced = false;
    const std::string valid = hopscope::to_valid_utf8(text, &replaced);
    const std::string expected = "prefix:" + nlohmann::json::array({valid, valid}).dump();
    REQUIRE(out == expected);
    CHECK(w.replaced_invalid_utf8() == replaced);
  }
}

// The plain-run copy works in blocks of 16 bytes and then byte by byte: every length up to 40,
// with one byte that needs care (or none) at every position, and a quote after it at every
// later position up to length 20, so each block boundary meets each kind of byte.
TEST_CASE("json_writer escapes a special byte at every position of short strings", "[json]") {
  const std::string k_specials[] = {
      "\"", "\\", "\n", std::string(1, '\0'), "\x1f", "\x7f", "\xC3\xA9", "\xFF", " ", "~"};
  auto check = [](const std::string& text) {
    std::string out;
    json_writer w(out);
    w.string(text);
    w.finish();
    REQUIRE(out == nlohmann::json(hopscope::to_valid_utf8(text)).dump());
  };
  for (std::size_t length = 0; length <= 40; ++length) {
    const std::string plain(length, 'a');
    check(plain);
    for (std::size_t at = 0; at < length; ++at) {
      for (const auto& special : k_specials) {
        std::string text = plain;
        text.replace(at, 1, special);
        check(text);
        if (length > 20) continue;
        for (std::size_t second = at + special.size(); second < text.size(); ++second) {
          std::string two = text;
          two.replace(second, 1, "\"");
          check(two);
        }
      }
    }
  }
}

namespace {

// A word as the escaping writer writes it (literal()) and as plain_word() does.
std::pair<std::string, std::string> written_both_ways(std::string_view word) {
  std::string escaped, plain;
  json_writer e(escaped), p(plain);
  e.literal(word);
  p.plain_word(word);
  e.finish();
  p.finish();
  return {escaped, plain};
}

}  // namespace

// plain_word() copies its text unescaped, so what the renderers give it must need no escaping:
// every name of every enum they write that way, for all 256 values of its byte (values past the
// last name give the function's fallback), must come out of the escaping writer unchanged; and
// so must RFC 3339 times. (The renderers' other plain words are string literals in their code.)
TEST_CASE("json_writer plain_word: the enum names written with it need no escaping", "[json]") {
  auto check_all = [](auto name_of) {
    for (int v = 0; v < 256; ++v) {
      const std::string_view name = name_of(static_cast<std::uint8_t>(v));
      const auto [escaped, plain] = written_both_ways(name);
      REQUIRE(escaped == "\"" + std::string(name) + "\"");
      REQUIRE(plain == escaped);
    }
  };
  using namespace hopscope;
  check_all([](std::uint8_t v) { return to_string(static_cast<ip_scope>(v)); });
  check_all([](std::uint8_t v) { return to_string(static_cast<ip_source>(v)); });
  check_all([](std::uint8_t v) { return to_string(static_cast<zone_rule>(v)); });
  check_all([](std::uint8_t v) { return to_string(static_cast<date_form>(v)); });
  check_all([](std::uint8_t v) { return to_string(static_cast<trust_level>(v)); });
  check_all([](std::uint8_t v) { return to_string(static_cast<field_source>(v)); });
  check_all([](std::uint8_t v) { return to_string(static_cast<severity>(v)); });
  check_all([](std::uint8_t v) { return to_string(static_cast<auth_field_kind>(v)); });
  check_all([](std::uint8_t v) { return to_string(static_cast<hop_tie>(v)); });
  for (const std::int64_t epoch :
       {std::int64_t{0}, std::int64_t{-62135596800}, std::int64_t{253402300799}}) {
    utc_text_buffer text;
    const std::string_view t(text.data(), format_utc(epoch, 123456789, text));
    const auto [escaped, plain] = written_both_ways(t);
    CHECK(escaped == "\"" + std::string(t) + "\"");
    CHECK(plain == escaped);
  }
}

TEST_CASE("json_writer separators, nesting and numbers", "[json]") {
  std::string out;
  json_writer w(out);
  w.begin_object();
  w.key("a");
  w.begin_array();
  w.end_array();
  w.key("b");
  w.begin_object();
  w.end_object();
  w.key("c");
  w.begin_array();
  w.number(1);
  w.begin_object();
  w.key("d");
  w.null();
  w.end_object();
  w.number(-7L);
  w.end_array();
  w.key("e");
  w.boolean(true);
  w.key("f");
  w.number(2.5);
  w.key("g");
  w.number(3.0);
  w.key("h");
  w.optional(std::optional<int>{});
  w.key("i");
  w.begin_object();
  w.key("x");
  w.number(1);
  w.key("y");
  w.number(2);
  w.end_object();
  w.key("j");
  w.begin_array();
  w.number(1);
  w.number(2);
  w.end_array();
  w.end_object();
  w.finish();
  CHECK(out == R"({"a":[],"b":{},"c":[1,{"d":null},-7],"e":true,"f":2.5,"g":3.0,"h":null,)"
               R"("i":{"x":1,"y":2},"j":[1,2]})");
  CHECK(nlohmann::json::parse(out).dump() == out);
}

TEST_CASE("json_writer grows through long documents", "[json]") {
  std::string out;
  json_writer w(out);
  w.begin_array();
  for (int i = 0; i < 20000; ++i) w.number(i);
  w.end_array();
  w.finish();
  const auto parsed = nlohmann::json::parse(out);
  REQUIRE(parsed.size() == 20000);
  CHECK(parsed.back() == 19999);
  CHECK(out.size() == parsed.dump().size());  // no spare bytes left behind
}
