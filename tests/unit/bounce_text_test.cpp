// The bounce reader's text helpers: transfer decoding, where the returned message starts, and
// status codes in prose. Each is checked against a byte-at-a-time reference written the obvious
// way (the shape the helpers had before they were made to copy and search a run at a time), on
// random text whose alphabet makes every special case common, and on cases from real bounces.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "core/bounce_text.hpp"

namespace {

using hopscope::bounce_detail::decode_transfer;
using hopscope::bounce_detail::decoded_view;
using hopscope::bounce_detail::find_original_message;
using hopscope::bounce_detail::find_status_in_text;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 2045 6.7 as the reader takes it: "=XX" is a byte, "=" then blanks then LF is a soft line
// break, "=" then blanks to the end ends the text, any other "=" stays.
std::string reference_quoted_printable(std::string_view body) {
  std::string out;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '=') {
      out += body[i];
      continue;
    }
    std::size_t j = i + 1;
    while (j < body.size() && (body[j] == ' ' || body[j] == '\t')) ++j;
    if (j < body.size() && body[j] == '\n') {
      i = j;
      continue;
    }
    if (j >= body.size()) break;
    if (i + 2 < body.size() && hex_digit(body[i + 1]) >= 0 && hex_digit(body[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(body[i + 1]) * 16 + hex_digit(body[i + 2]));
      i += 2;
      continue;
    }
    out += '=';
  }
  return out;
}

// RFC 4648 letters, everything else skipped, the first '=' ends it; CRLF and bare CR become LF.
std::string reference_base64(std::string_view body) {
  const std::string letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : body) {
    if (c == '=') break;
    const std::size_t v = letters.find(c);
    if (v == std::string::npos) continue;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes += static_cast<char>((acc >> bits) & 0xFFu);
    }
  }
  std::string lf;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] == '\r') {
      lf += '\n';
      if (i + 1 < bytes.size() && bytes[i + 1] == '\n') ++i;
    } else {
      lf += bytes[i];
    }
  }
  return lf;
}

// A table row: an input, what a helper makes of it, and the case it stands for.
struct text_row {
  std::string_view input, expected, why;
};

template <std::size_t N, typename Helper>
void check_rows(const text_row (&rows)[N], Helper helper) {
  for (const text_row& r : rows) {
    INFO(r.why);
    CHECK(helper(r.input) == r.expected);
  }
}

std::string random_text(std::mt19937& rng, std::string_view alphabet, std::size_t max_size) {
  std::uniform_int_distribution<std::size_t> letter(0, alphabet.size() - 1), size(0, max_size);
  std::string s;
  for (std::size_t n = size(rng); n > 0; --n) s += alphabet[letter(rng)];
  return s;
}

// decode_transfer() with `encoding` against `reference` on 20,000 random texts over `alphabet`.
template <typename Reference>
void check_against_reference(std::uint32_t seed, std::string_view alphabet, std::size_t max_size,
                             std::string_view encoding, Reference reference) {
  std::mt19937 rng(seed);
  for (int round = 0; round < 20000; ++round) {
    const std::string body = random_text(rng, alphabet, max_size);
    INFO(body);
    REQUIRE(decode_transfer(body, encoding) == reference(body));
  }
}

}  // namespace

TEST_CASE("quoted-printable decodes like the byte-at-a-time reference", "[bounce_text]") {
  const text_row rows[] = {
      {"550 5.1.1 <kijitora@example.jp>: Recipient address rejected=3A User unknown",
       "550 5.1.1 <kijitora@example.jp>: Recipient address rejected: User unknown", "=3A"},
      {"a long line that goes o=\nn", "a long line that goes on", "soft line break"},
      {"soft break after blanks= \t\nnext", "soft break after blanksnext", "blanks, then LF"},
      {"=e2=80=99 lower-case hex", "\xE2\x80\x99 lower-case hex", "lower-case hex"},
      {"a stray = sign", "a stray = sign", "'=' and a space"},
      {"=ZZ not hex", "=ZZ not hex", "'=' and letters"},
      {"ends in =", "ends in ", "'=' at the end"},
      {"ends in =  ", "ends in ", "'=' and blanks at the end"},
      {"=4", "=4", "'=' and one digit at the end"},
      {"", "", "empty"},
  };
  check_rows(rows, [](std::string_view body) { return decode_transfer(body, "quoted-printable"); });
  check_against_reference(11, "=a3F \t\nzG", 40, "quoted-printable", reference_quoted_printable);
}

TEST_CASE("base64 decodes like the byte-at-a-time reference", "[bounce_text]") {
  // "Delivery to the following recipient failed permanently:\r\n" (a Gmail notice's first
  // line), base64 in 76-column lines with CRLF.
  const std::string gmail =
      "RGVsaXZlcnkgdG8gdGhlIGZvbGxvd2luZyByZWNpcGllbnQgZmFpbGVkIHBlcm1hbmVudGx5Og0K\r\n";
  CHECK(decode_transfer(gmail, "base64") ==
        "Delivery to the following recipient failed permanently:\n");
  CHECK(decode_transfer("YQ==", "BASE64") == "a");
  CHECK(decode_transfer("Y Q\n=ignored", " Base64 ") == "a");
  // "DQ" and "Cg" decode to CR and LF, so line ends of every kind come out of random text.
  check_against_reference(12, "DQCgYQ=/+\n !", 48, "base64", reference_base64);
}

TEST_CASE("a body that needs no decoding is viewed, not copied", "[bounce_text]") {
  const std::string body = "Final-Recipient: rfc822; kijitora@example.jp\nStatus: 5.1.1\n";
  for (const std::string_view enc : {"7bit", "8bit", "binary", "", "x-unknown"}) {
    std::string storage;
    const std::string_view v = decoded_view(body, enc, storage);
    CHECK(v.data() == body.data());
    CHECK(v.size() == body.size());
    CHECK(decode_transfer(body, enc) == body);
  }
  std::string storage;
  CHECK(decoded_view("a=3Db", "Quoted-Printable", storage) == "a=b");
  CHECK(storage == "a=b");
}

TEST_CASE("the returned message starts after the first short line with a cut marker",
          "[bounce_text]") {
  const std::string headers = "Return-Path: <neko@example.jp>\nReceived: from x by y\n";
  const std::string long_line =
      std::string(190, 'x') + " this is a copy of the message, including all the headers.\n";
  struct row {
    std::string text;
    std::size_t expected;
    std::string_view why;
  };
  const std::string qmail = "--- Below this line is a copy of the message.\n\n";
  const std::string exim =
      "------ This is a copy of the message, including all the headers. ------\n";
  const row rows[] = {
      // qmail's and Exim's marker lines (sisimai lhost-qmail-01, lhost-exim-01).
      {"Hi. This is the qmail-send program.\n\n" + qmail + headers, 37 + qmail.size(), "qmail"},
      {exim + headers, exim.size(), "Exim, on the first line"},
      // A marker inside a line of 200 bytes or more does not count; a later short one does.
      {long_line + exim + headers, long_line.size() + exim.size(), "long line skipped"},
      // Were the long line's marker counted, the field right after it would start the message.
      {long_line + "X-Note: a\nY: b\n\nbody\n" + headers, long_line.size() + 21,
       "only in a long line: the Return-Path line further down"},
      // The earliest line wins, whichever marker it holds ("original message follows" is
      // checked after "this is a copy of the message").
      {"--- Original message follows.\n" + headers + exim + headers, 30, "earliest line"},
      // Case does not matter; a marker line that is the last line (no LF) has nothing after.
      {"THIS IS A COPY OF THE MESSAGE", std::string::npos, "last line"},
      {"no marker at all\n" + headers, 17, "no marker: the Return-Path line"},
  };
  for (const row& r : rows) {
    INFO(r.why);
    CHECK(find_original_message(r.text) == r.expected);
  }
}

TEST_CASE("enhanced status codes are found in prose", "[bounce_text]") {
  const text_row rows[] = {
      {"5.1.1 <kijitora@example.jp>: user unknown", "5.1.1", "at the very start"},
      {"said: 550 5.7.1 Service unavailable", "5.7.1", "after the reply code"},
      {"host 192.0.2.1 said 4.4.1", "4.4.1", "an address is not a status"},
      {"v2.1.0 then 5.2.2", "5.2.2", "a letter before the digit"},
      {"2.0.0 Ok, later 4.2.2 mailbox full", "4.2.2", "a failure beats an earlier success"},
      {"only 2.1.5 here", "2.1.5", "a success when nothing else"},
      {"ends with 5.1.1", "5.1.1", "at the very end"},
      {"ends with 5.1.", "", "cut short"},
      {"5.1234.1 too many digits", "", "four digits"},
      {"", "", "empty"},
  };
  check_rows(rows, find_status_in_text);
}

TEST_CASE("reply codes are found in prose", "[bounce_text]") {
  const text_row rows[] = {
      {"550 5.1.1 <kijitora@example.jp>... User unknown", "550", "at the very start"},
      {"host mx.example.jp said: 250 ok, then 550 no such user", "550",
       "a failure beats a success"},
      {"only 250 2.0.0 Ok here", "250", "a success when nothing else"},
      {"the server answered 421", "421", "at the very end"},
      {"Date: 12 Jan 2024 10:20:30 -0700 and port 25:12", "", "times, zones and ports"},
      {"Yahoo: 554: : delivery error", "554", "a colon after the code"},
      {"", "", "empty"},
  };
  check_rows(rows, hopscope::bounce_detail::find_reply_code_in_text);
}

TEST_CASE("HTML-only bounces are read as text", "[bounce_text]") {
  const text_row rows[] = {
      {"<p>Delivery failed</p><br>550 &lt;x@example.jp&gt;",
       "\nDelivery failed\n\n550 <x@example.jp>", "paragraphs, breaks and entities"},
      {"AT&amp;T &copy; & more", "AT&T &copy; & more", "unknown entities and a bare '&' stay"},
      {"text <b>bold</b> end", "text bold end", "other tags are dropped"},
      {"cut <a href=", "cut ", "a tag that never closes ends the text"},
      {"plain text only", "plain text only", "no markup"},
  };
  check_rows(rows, hopscope::bounce_detail::strip_html);
}
