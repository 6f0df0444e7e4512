#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include "hopscope/header.hpp"

namespace {

struct rfc2047_row {
  std::string_view value;     // field value as it appears after "Subject:" / "From:"
  std::string_view expected;  // decoded, UTF-8
  const char* origin;         // corpus file (../shared/corpus) or why the case exists
};

using namespace std::string_view_literals;

// This file is UTF-8; expected texts are written as the characters they decode to.
const rfc2047_row k_rows[] = {
    // --- real Subject/From values ---
    {"=?UTF-8?B?Rm9vLCBCYXI=?= <foo.bar@example.com>"sv, "Foo, Bar <foo.bar@example.com>"sv,
     "flanker-fixtures/encoded-header.eml From"},
    {"=?utf-8?B?U2ltcGxlIHRleHQuIEhvdyBhcmUgeW91PyDQmtCw0Log0YLRiyDQv9C+0LY=?="sv,
     "Simple text. How are you? Как ты пож"sv, "flanker-fixtures/bilingual-simple.eml Subject"},
    {"=?utf-8?q?Die_hei=C3=9Fe_Zypernsonne_qu=C3=A4lte_Max_und_Victori?=\n"
     " =?utf-8?q?a_ja_b=C3=B6se_auf_dem_Weg_bis_zur_K=C3=BCste?="sv,
     "Die heiße Zypernsonne quälte Max und Victoria ja böse auf dem Weg bis zur Küste"sv,
     "flanker-fixtures/long-header.eml Subject (folded: the fold between words is dropped)"},
    {"=?ISO-8859-1?Q?Proposta_exclusiva_Planos_Amil_Sa=FAde_?= "
     "=?ISO-8859-1?Q?para_sua_an=E1lise_-_economize_at=E9_?= =?ISO-8859-1?Q?40%?="sv,
     "Proposta exclusiva Planos Amil Saúde para sua análise - economize até 40%"sv,
     "phishing_pot-2022-2023/sample-981.eml Subject (three words, spaces kept inside them)"},
    {"=?ISO-8859-1?Q?INTIMA=C7AO?= <datimartins@hotmail.com>"sv,
     "INTIMAÇAO <datimartins@hotmail.com>"sv, "phishing_pot-2022-2023/sample-501.eml From"},
    {"=?Windows-1252?Q?ENC:_=93#Get_Straight_#Teeth_from_Home=94?="sv,
     "ENC: “#Get Straight #Teeth from Home”"sv,
     "phishing_pot-2022-2023/sample-248.eml Subject (1252 curly quotes)"},
    {"=?UTF-8?B?8J+Slw==?= De buurvrouw kan je hier ook vinden"sv,
     "💗 De buurvrouw kan je hier ook vinden"sv,
     "phishing_pot-2022-2023/sample-142.eml Subject (space after a word is kept)"},
    {"=?utf-8?B?zp1GVEDPhW5pc3dhz4E=?="sv, "ΝFT@υniswaρ"sv,
     "phishing_pot-2022-2023/sample-1194.eml From (Greek homoglyphs)"},
    {"=?utf-8?B?T3BlblNlYSBUb2tlbg==?= <hulodis@universe.app>"sv,
     "OpenSea Token <hulodis@universe.app>"sv, "phishing_pot-2022-2023/sample-824.eml From"},
    {"=?iso-8859-1?q?Dear Sam's Club Customer?= "sv, "Dear Sam's Club Customer "sv,
     "phishing_pot-2022-2023/sample-1393.eml From (raw spaces inside Q text, as readers allow)"},
    {"=?ISO-8859-1?Q?Maril=F9?= Gioffré ♥ <x@example.it>"sv, "Marilù Gioffré ♥ <x@example.it>"sv,
     "spamassassin-t-data/nice/unicode1 From (raw UTF-8 after the word left alone)"},
    {"=?iso-8859-2*sl?Q?Doma=e8e?=\n  =?utf-8*sl?Q?_omre=C5?=     =?Utf-8*SL?q?=BEje?="sv,
     "=?iso-8859-2*sl?Q?Doma=e8e?=\n   omrežje"sv,
     "spamassassin-t-data/nice/unicode1 Subject (RFC 2231 *lang; unknown charset kept; a "
     "UTF-8 character split over two words is joined)"},
    {"RE: =?GB2312?Q?=D7=B0=D3=B2=B5=FA=CE=CA=CC=E2?="sv,
     "RE: =?GB2312?Q?=D7=B0=D3=B2=B5=FA=CE=CA=CC=E2?="sv,
     "spamassassin-t-data/nice/cjk/gb2312.2 Subject (unknown charset left as written)"},
    {"=?GB2312?B?1cXPyMn6?= <baoguan@hotmail.com>"sv,
     "=?GB2312?B?1cXPyMn6?= <baoguan@hotmail.com>"sv, "spamscope-mail-parser/mail_test_12 From"},
    {"=?us-ascii?Q?1;DB5PR06MB1800;23:NjCK8s1zUT02wQGsJ2CdrbnwabySfTUX9zMn9i2lZ?="sv,
     "1;DB5PR06MB1800;23:NjCK8s1zUT02wQGsJ2CdrbnwabySfTUX9zMn9i2lZ"sv,
     "flanker-fixtures/bounce/office365.eml X-Microsoft-Exchange-Diagnostics"},
    // --- RFC 2047 section 8 examples and rules ---
    {"(=?ISO-8859-1?Q?a?=)"sv, "(a)"sv, "RFC 2047 8"},
    {"(=?ISO-8859-1?Q?a?= b)"sv, "(a b)"sv, "RFC 2047 8: space before text kept"},
    {"(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)"sv, "(ab)"sv, "RFC 2047 8: space between words"},
    {"(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)"sv, "(ab)"sv, "RFC 2047 8: two spaces"},
    {"(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)"sv, "(ab)"sv, "RFC 2047 8: CRLF fold"},
    {"(=?ISO-8859-1?Q?a_b?=)"sv, "(a b)"sv, "RFC 2047 8: underscore"},
    {"(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)"sv, "(a =?ISO-8859-2?Q?_b?=)"sv,
     "space next to an undecoded word is kept"},
    {"=?UTF-8?Q?a?==?UTF-8?Q?b?="sv, "ab"sv, "adjacent words with no space"},
    {"=?utf-8?b?w6k=?= x =?utf-8?b?w6k=?="sv, "é x é"sv, "text between words kept"},
    // --- case, charsets, padding ---
    {"=?uTf-8?b?w6k?="sv, "é"sv, "case-insensitive charset and encoding; missing padding"},
    {"=?utf8?Q?=c3=a9?="sv, "é"sv, "utf8 alias, lower-case hex"},
    {"=?latin1?Q?=E9?= =?cp1252?Q?=80?= =?x-cp1252?Q?=99?="sv, "é€™"sv, "1252 aliases"},
    {"=?ISO-8859-1?Q?=80=81=8D=8F=90=9D=9F=A0=FF?="sv, "€\u0081\u008D\u008F\u0090\u009DŸ\u00A0ÿ"sv,
     "ISO-8859-1 read as windows-1252 (WHATWG); undefined bytes become C1"},
    {"=?US-ASCII?Q?plain_text?="sv, "plain text"sv, "US-ASCII"},
    {"=?utf-8?q?"
     "?="sv,
     ""sv, "empty text"},
    {"=?utf-8?b?"
     "?="sv,
     ""sv, "empty base64"},
    {"=?utf-8?b?YWJj?="sv, "abc"sv, "base64 with no padding needed"},
    {"=?utf-8?b?YQ==?="sv, "a"sv, "two pad characters"},
    {"=?utf-8?Q?=1B[31m?="sv, "\x1B[31m"sv, "control bytes decoded (renderers escape them)"},
    // --- malformed: left exactly as written ---
    {"=?utf-8?Q?a=ZZ?="sv, "=?utf-8?Q?a=ZZ?="sv, "bad Q escape"},
    {"=?utf-8?Q?a=?="sv, "=?utf-8?Q?a=?="sv, "Q escape cut short"},
    {"=?utf-8?Q?a?b?="sv, "=?utf-8?Q?a?b?="sv, "question mark in Q text"},
    {"=?utf-8?B?YW!j?="sv, "=?utf-8?B?YW!j?="sv, "character outside base64"},
    {"=?utf-8?B?YQ==YQ==?="sv, "=?utf-8?B?YQ==YQ==?="sv, "data after padding"},
    {"=?utf-8?B?Y?="sv, "=?utf-8?B?Y?="sv, "one leftover sextet"},
    {"=?utf-8?X?abc?="sv, "=?utf-8?X?abc?="sv, "unknown encoding letter"},
    {"=??Q?abc?="sv, "=??Q?abc?="sv, "empty charset"},
    {"=?utf-8?Q?abc"sv, "=?utf-8?Q?abc"sv, "never closed"},
    {"=?utf-8?Q?abc\n?="sv, "=?utf-8?Q?abc\n?="sv, "a word cannot span lines"},
    {"=?utf 8?Q?abc?="sv, "=?utf 8?Q?abc?="sv, "space in charset"},
    {"=?utf-8?Q"sv, "=?utf-8?Q"sv, "cut after the encoding"},
    {"=?utf-8?"sv, "=?utf-8?"sv, "cut after the charset"},
    {"=?"sv, "=?"sv, "cut after =?"},
    {"="sv, "="sv, "lone ="},
    {""sv, ""sv, "empty"},
    {"x = y? maybe =?"sv, "x = y? maybe =?"sv, "ordinary text with = and ?"},
    {"=?=?utf-8?Q?a?="sv, "=?a"sv, "a failed start before a real word"},
    {"=?koi8-r?Q?=?utf-8?Q?x?=?= y"sv, "=?koi8-r?Q?=?utf-8?Q?x?=?= y"sv,
     "text of an unknown-charset word is not re-read as a word"},
};

}  // namespace

TEST_CASE("decode_encoded_words follows the RFC 2047 table", "[rfc2047]") {
  for (const auto& row : k_rows) {
    INFO(row.origin << "\n  input: " << row.value);
    CHECK(hopscope::decode_encoded_words(row.value) == row.expected);
  }
}

TEST_CASE("decode_encoded_words is linear on hostile input", "[rfc2047]") {
  // Each shape repeated to ~1 MB; a quadratic decoder would take minutes on some of them.
  const std::string_view shapes[] = {
      "=?a?q?x ",  // words that never close
      "=?",        // starts with nothing after them
      "=?aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa?q?x ",  // long
      "=?aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa?q?x =?b?q?y ",
      "=?utf-8?q?a?= ",    // many real words
      "=?utf-8?b?w6k=?=",  // adjacent words, no space
  };
  for (const auto shape : shapes) {
    std::string input;
    while (input.size() < (1u << 20)) input.append(shape);
    const std::string out = hopscope::decode_encoded_words(input);
    INFO("shape " << shape);
    CHECK(out.size() <= input.size() * 3);
  }
}

TEST_CASE("decode_encoded_words never reads past a view", "[rfc2047]") {
  // The bytes after each view would complete a word; they must not be used.
  const std::string buffer = "=?utf-8?Q?abc?=";
  for (std::size_t n = 0; n < buffer.size(); ++n) {
    const std::string_view cut(buffer.data(), n);
    CHECK(hopscope::decode_encoded_words(cut) == cut);
  }
  CHECK(hopscope::decode_encoded_words(buffer) == "abc");
}
