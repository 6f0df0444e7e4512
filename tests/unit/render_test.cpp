#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "hopscope/render.hpp"
#include "hopscope/report.hpp"
#include "support/read_file.hpp"

// --- escaping ---

namespace {

struct escape_row {
  std::string_view input;
  std::string_view terminal;  // escape_for_terminal(input)
  std::string_view utf8;      // to_valid_utf8(input)
  bool replaced;              // to_valid_utf8 flag
  const char* why;
};

using namespace std::string_view_literals;

// Each row: what the bytes are, how a terminal gets them, how JSON gets them. Multi-byte
// sequences are written as escapes so the test file itself stays plain ASCII.
const escape_row k_escape_rows[] = {
    {""sv, ""sv, ""sv, false, "empty"},
    {"mx.google.com"sv, "mx.google.com"sv, "mx.google.com"sv, false, "plain ASCII kept"},
    {"a\\x41"sv, "a\\x41"sv, "a\\x41"sv, false, "a literal backslash is text"},
    // Printable UTF-8 is kept: a decoded Subject such as "Привет" or "Grüße".
    {"Gr\xC3\xBC\xC3\x9F"
     "e"sv,
     "Gr\xC3\xBC\xC3\x9F"
     "e"sv,
     "Gr\xC3\xBC\xC3\x9F"
     "e"sv,
     false, "2-byte UTF-8"},
    {"\xE2\x82\xAC 5"sv, "\xE2\x82\xAC 5"sv, "\xE2\x82\xAC 5"sv, false, "3-byte UTF-8 (euro)"},
    {"\xF0\x9F\x93\xA7"sv, "\xF0\x9F\x93\xA7"sv, "\xF0\x9F\x93\xA7"sv, false,
     "4-byte UTF-8 (emoji)"},
    {"\xEF\xBF\xBD"sv, "\xEF\xBF\xBD"sv, "\xEF\xBF\xBD"sv, false, "U+FFFD itself is fine"},
    {"\xF4\x8F\xBF\xBF"sv, "\xF4\x8F\xBF\xBF"sv, "\xF4\x8F\xBF\xBF"sv, false, "U+10FFFF"},
    // C0 controls, TAB and DEL.
    {"a\tb"sv, "a b"sv, "a\tb"sv, false, "TAB becomes a space"},
    {"a\nb\rc"sv, "a\\x0Ab\\x0Dc"sv, "a\nb\rc"sv, false, "CR and LF cannot fake report lines"},
    {"\x00x"sv, "\\x00x"sv, "\x00x"sv, false, "NUL"},
    {"\x1B[31mred\x1B[0m"sv, "\\x1B[31mred\\x1B[0m"sv, "\x1B[31mred\x1B[0m"sv, false,
     "ANSI colour: ESC shown, the rest is harmless text"},
    {"\x1B]0;pwned\x07"sv, "\\x1B]0;pwned\\x07"sv, "\x1B]0;pwned\x07"sv, false,
     "OSC title change and BEL"},
    {"\x7F"sv, "\\x7F"sv, "\x7F"sv, false, "DEL"},
    {"\x08\x08\x08ok"sv, "\\x08\\x08\\x08ok"sv, "\x08\x08\x08ok"sv, false,
     "backspaces that would overwrite text"},
    // C1 controls U+0080..U+009F, encoded as valid UTF-8: every byte shown.
    {"\xC2\x9B"
     "31m"sv,
     "\\xC2\\x9B31m"sv,
     "\xC2\x9B"
     "31m"sv,
     false, "U+009B CSI"},
    {"\xC2\x85"sv, "\\xC2\\x85"sv, "\xC2\x85"sv, false, "U+0085 NEL"},
    {"\xC2\x80\xC2\x9F\xC2\xA0"sv, "\\xC2\\x80\\xC2\\x9F\xC2\xA0"sv, "\xC2\x80\xC2\x9F\xC2\xA0"sv,
     false, "U+0080, U+009F escaped; U+00A0 kept"},
    // Bidi controls (Trojan Source) and line separators.
    {"paypal\xE2\x80\xAE"
     "moc.evil"sv,
     "paypal\\xE2\\x80\\xAEmoc.evil"sv,
     "paypal\xE2\x80\xAE"
     "moc.evil"sv,
     false, "U+202E RIGHT-TO-LEFT OVERRIDE"},
    {"\xE2\x80\xAA\xE2\x80\xAB\xE2\x80\xAC\xE2\x80\xAD"sv,
     "\\xE2\\x80\\xAA\\xE2\\x80\\xAB\\xE2\\x80\\xAC\\xE2\\x80\\xAD"sv,
     "\xE2\x80\xAA\xE2\x80\xAB\xE2\x80\xAC\xE2\x80\xAD"sv, false, "U+202A..U+202D"},
    {"\xE2\x81\xA6\xE2\x81\xA9"sv, "\\xE2\\x81\\xA6\\xE2\\x81\\xA9"sv, "\xE2\x81\xA6\xE2\x81\xA9"sv,
     false, "U+2066 and U+2069 isolates"},
    {"\xE2\x81\xA7\xE2\x81\xA8"sv, "\\xE2\\x81\\xA7\\xE2\\x81\\xA8"sv, "\xE2\x81\xA7\xE2\x81\xA8"sv,
     false, "U+2067 and U+2068 isolates"},
    {"\xE2\x80\x8E\xE2\x80\x8F"sv, "\\xE2\\x80\\x8E\\xE2\\x80\\x8F"sv, "\xE2\x80\x8E\xE2\x80\x8F"sv,
     false, "U+200E LRM and U+200F RLM"},
    {"\xD8\x9C"sv, "\\xD8\\x9C"sv, "\xD8\x9C"sv, false, "U+061C ARABIC LETTER MARK"},
    {"\xE2\x80\xA8\xE2\x80\xA9"sv, "\\xE2\\x80\\xA8\\xE2\\x80\\xA9"sv, "\xE2\x80\xA8\xE2\x80\xA9"sv,
     false, "U+2028/U+2029 separators"},
    {"\xE2\x80\x8D\xE2\x81\xA5\xE2\x80\xAF"sv, "\xE2\x80\x8D\xE2\x81\xA5\xE2\x80\xAF"sv,
     "\xE2\x80\x8D\xE2\x81\xA5\xE2\x80\xAF"sv, false, "neighbours U+200D, U+2065, U+202F kept"},
    // Invalid UTF-8: each byte \xNN for the terminal; one U+FFFD per maximal subpart in JSON.
    {"caf\xE9"sv, "caf\\xE9"sv, "caf\xEF\xBF\xBD"sv, true, "Latin-1 byte (raw 8-bit header)"},
    {"\x80"sv, "\\x80"sv, "\xEF\xBF\xBD"sv, true, "lone continuation byte"},
    {"\xC0\x80"sv, "\\xC0\\x80"sv, "\xEF\xBF\xBD\xEF\xBF\xBD"sv, true, "overlong NUL"},
    {"\xC1\xBF"sv, "\\xC1\\xBF"sv, "\xEF\xBF\xBD\xEF\xBF\xBD"sv, true, "overlong 2-byte"},
    {"\xE0\x80\xAF"sv, "\\xE0\\x80\\xAF"sv, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"sv, true,
     "overlong 3-byte slash"},
    {"\xF0\x80\x80\xAF"sv, "\\xF0\\x80\\x80\\xAF"sv,
     "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"sv, true, "overlong 4-byte"},
    {"\xED\xA0\x80"sv, "\\xED\\xA0\\x80"sv, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"sv, true,
     "surrogate U+D800"},
    {"\xED\xBF\xBF"sv, "\\xED\\xBF\\xBF"sv, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"sv, true,
     "surrogate U+DFFF"},
    {"\xED\x9F\xBF"sv, "\xED\x9F\xBF"sv, "\xED\x9F\xBF"sv, false, "U+D7FF is valid"},
    {"\xF4\x90\x80\x80"sv, "\\xF4\\x90\\x80\\x80"sv,
     "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"sv, true, "above U+10FFFF"},
    {"\xF5\xFE\xFF"sv, "\\xF5\\xFE\\xFF"sv, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"sv, true,
     "bytes never valid"},
    {"\xE2\x82"sv, "\\xE2\\x82"sv, "\xEF\xBF\xBD"sv, true, "truncated at end: one U+FFFD"},
    {"\xE2\x82z"sv, "\\xE2\\x82z"sv, "\xEF\xBF\xBDz"sv, true,
     "truncated before ASCII: the ASCII survives"},
    {"\xF0\x9F\x93"sv, "\\xF0\\x9F\\x93"sv, "\xEF\xBF\xBD"sv, true, "truncated 4-byte"},
    {"\xE2\xE2\x82\xAC"sv, "\\xE2\xE2\x82\xAC"sv, "\xEF\xBF\xBD\xE2\x82\xAC"sv, true,
     "a bad lead does not eat the valid sequence after it"},
    {"\xC3\x28"sv, "\\xC3("sv, "\xEF\xBF\xBD("sv, true, "lead followed by ASCII"},
};

}  // namespace

TEST_CASE("escape_for_terminal and to_valid_utf8 follow the escaping table", "[escape]") {
  for (const auto& row : k_escape_rows) {
    INFO(row.why);
    CHECK(hopscope::escape_for_terminal(row.input) == row.terminal);
    bool replaced = !row.replaced;
    CHECK(hopscope::to_valid_utf8(row.input, &replaced) == row.utf8);
    CHECK(replaced == row.replaced);
    CHECK(hopscope::to_valid_utf8(row.input) == row.utf8);  // the flag is optional
  }
}

namespace {

// Minimal independent checks on an output: no byte a terminal would act on.
bool terminal_safe(std::string_view s) {
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7F) return false;
  }
  return s.find("\xC2\x9B") == std::string_view::npos &&
         s.find("\xE2\x80\xAE") == std::string_view::npos;
}

// Strict UTF-8 check written independently of escape.cpp (RFC 3629 table, as a range walk).
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b < 0x80) {
      ++i;
      continue;
    } else if (b >= 0xC2 && b <= 0xDF) {
      n = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      n = 2;
      lo = b == 0xE0 ? 0xA0 : 0x80;
      hi = b == 0xED ? 0x9F : 0xBF;
    } else if (b >= 0xF0 && b <= 0xF4) {
      n = 3;
      lo = b == 0xF0 ? 0x90 : 0x80;
      hi = b == 0xF4 ? 0x8F : 0xBF;
    } else {
      return false;
    }
    if (s.size() - i <= n) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF)) return false;
    }
    i += n + 1;
  }
  return true;
}

}  // namespace

TEST_CASE("every single byte and byte pair is made safe", "[escape]") {
  // Exhaustive over 1- and 2-byte inputs, plus each pair behind a 3-byte lead: catches any
  // out-of-range read (run under ASan in CI) and any byte that slips through.
  for (unsigned a = 0; a < 256; ++a) {
    for (unsigned b = 0; b < 256; ++b) {
      const char pair[3] = {static_cast<char>(0xE2), static_cast<char>(a), static_cast<char>(b)};
      for (const std::string_view input :
           {std::string_view(pair + 1, 1), std::string_view(pair + 1, 2),
            std::string_view(pair, 3)}) {
        const std::string t = hopscope::escape_for_terminal(input);
        if (!terminal_safe(t)) FAIL_CHECK("unsafe terminal output for " << a << "," << b);
        bool replaced = false;
        const std::string u = hopscope::to_valid_utf8(input, &replaced);
        if (!valid_utf8(u)) FAIL_CHECK("invalid UTF-8 output for " << a << "," << b);
        // Valid input passes through untouched and unflagged.
        if (valid_utf8(input) && (replaced || u != input)) FAIL_CHECK("changed valid " << a);
      }
    }
  }
}

TEST_CASE("escaping is linear and handles large inputs", "[escape]") {
  // 1 MB of bytes that all need escaping, and 1 MB of truncated sequences.
  const std::string controls(1 << 20, '\x1B');
  CHECK(hopscope::escape_for_terminal(controls).size() == controls.size() * 4);
  std::string truncated;
  for (int i = 0; i < (1 << 18); ++i) truncated += "\xF0\x9F\x93 ";
  bool replaced = false;
  CHECK(hopscope::to_valid_utf8(truncated, &replaced).size() == (1u << 18) * 4);
  CHECK(replaced);
}

// --- invalid_utf8_replaced covers every section ---

TEST_CASE("invalid UTF-8 in the auth or bounce sections sets invalid_utf8_replaced",
          "[escape][json]") {
  const std::string clean_top =
      "Received: from a.example (a.example [192.0.2.1]) by mx.example.net; "
      "Mon, 1 Jan 2024 00:00:00 +0000\n";
  auto flag = [](const std::string& message) {
    const auto doc =
        nlohmann::json::parse(hopscope::render_json(hopscope::analyse_message(message, "t")));
    return doc.at("invalid_utf8_replaced").get<bool>();
  };
  // Control: the same messages with valid bytes do not set it.
  CHECK_FALSE(flag(clean_top + "Authentication-Results: mx.example.net; spf=pass "
                               "smtp.mailfrom=caf\xC3\xA9.example\n\nbody\n"));
  CHECK(flag(clean_top + "Authentication-Results: mx.example.net; spf=pass "
                         "smtp.mailfrom=caf\xE9.example\n\nbody\n"));
  const std::string bounce_head =
      "From: MAILER-DAEMON@mx.example.net\nSubject: Undelivered Mail Returned to Sender\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n"
      "--b\nContent-Type: message/delivery-status\n\n"
      "Reporting-MTA: dns; mx.example.net\n\n"
      "Final-Recipient: rfc822; user@example.org\nAction: failed\nStatus: 5.1.1\n"
      "Diagnostic-Code: smtp; 550 5.1.1 ";
  CHECK_FALSE(flag(bounce_head + "unknown user\n\n--b--\n"));
  CHECK(flag(bounce_head + "unknown \xFF user\n\n--b--\n"));
}

// --- render_json_line: the batch's NDJSON record ---

TEST_CASE("render_json_line is render_json and one newline", "[json]") {
  // A clean chain, and one with bytes that must be replaced (the writer's flag must survive).
  for (const std::string& message :
       {std::string("Received: from a.example (a.example [192.0.2.1]) by mx.example.net; "
                    "Mon, 1 Jan 2024 00:00:00 +0000\nSubject: hello\n\nbody\n"),
        std::string("Received: from b\xFF.example by mx.example.net; "
                    "Mon, 1 Jan 2024 00:00:00 +0000\nSubject: caf\xE9\n\n")}) {
    const auto report = hopscope::analyse_message(message, "t");
    const std::string line = hopscope::render_json_line(report);
    CHECK(line == hopscope::render_json(report) + "\n");
    CHECK(line.find('\n') == line.size() - 1);
  }
}

// --- a bounce analysed in two steps, as the batch reads it ---

TEST_CASE("header first, then analyse_bounce: the report of the whole message", "[json][bounce]") {
  // The batch analyses the header block as soon as it has it, and reads a possible bounce's
  // body only then; the kept header block spares a second split. Both ways, with the block
  // kept and without it, must give what the whole message gives.
  namespace fs = std::filesystem;
  std::size_t bounces = 0;
  for (const auto& e : fs::directory_iterator(fs::path(HOPSCOPE_TEST_DATA_DIR) / "bounces")) {
    if (e.path().extension() != ".eml") continue;
    INFO(e.path().filename().string());
    const std::string raw = hopscope::test::read_file(e.path().string());
    const std::string expected = hopscope::render_json(hopscope::analyse_message(raw, "t"));
    hopscope::analyse_options header_only;
    header_only.whole_message = false;
    auto header = hopscope::normalise_if_complete(raw);
    REQUIRE(header);
    auto report = hopscope::analyse_normalised(std::move(*header), "t", header_only);
    if (!report.needs_whole_message) {
      CHECK_FALSE(report.pending_header);
      CHECK(hopscope::render_json(report) == expected);
      continue;
    }
    ++bounces;
    REQUIRE(report.pending_header);
    auto without_block = report;
    without_block.pending_header.reset();
    hopscope::analyse_bounce(report, raw);
    CHECK_FALSE(report.pending_header);
    CHECK(hopscope::render_json(report) == expected);
    hopscope::analyse_bounce(without_block, raw);
    CHECK(hopscope::render_json(without_block) == expected);
  }
  CHECK(bounces >= 12);
}
