// parse_mail_date: table-driven cases from tests/data/dates.tsv (real header dates, each with
// the corpus file it came from, plus RFC 5322 examples and hand-made edge cases), then limits.

#include <catch2/catch.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "hopscope/datetime.hpp"

namespace {

using hopscope::date_form;
using hopscope::parse_mail_date;
using hopscope::timestamp;
using hopscope::zone_rule;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// \t \r \n \\ \xNN
std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    const char c = s[++i];
    if (c == 't') {
      out += '\t';
    } else if (c == 'r') {
      out += '\r';
    } else if (c == 'n') {
      out += '\n';
    } else if (c == 'x' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
               hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> cols;
  std::size_t start = 0;
  for (;;) {
    const std::size_t tab = line.find('\t', start);
    cols.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) return cols;
    start = tab + 1;
  }
}

struct note_name {
  std::string_view name;
  hopscope::date_note bit;
};
constexpr note_name k_note_names[] = {
    {"weekday_mismatch", hopscope::note_weekday_mismatch},
    {"two_digit_year", hopscope::note_two_digit_year},
    {"three_digit_year", hopscope::note_three_digit_year},
    {"no_seconds", hopscope::note_no_seconds},
    {"fractional_seconds", hopscope::note_fractional_seconds},
    {"offset_out_of_range", hopscope::note_offset_out_of_range},
    {"leap_second", hopscope::note_leap_second},
    {"trailing_text", hopscope::note_trailing_text},
    {"ambiguous_zone_name", hopscope::note_ambiguous_zone_name},
    {"no_weekday", hopscope::note_no_weekday},
    {"12_hour_clock", hopscope::note_12_hour_clock},
    {"ambiguous_day_month", hopscope::note_ambiguous_day_month},
    {"no_time", hopscope::note_no_time},
};

std::string notes_text(std::uint16_t notes) {
  std::string out;
  for (const note_name& n : k_note_names) {
    if ((notes & n.bit) == 0) continue;
    if (!out.empty()) out += ',';
    out += n.name;
  }
  return out.empty() ? "-" : out;
}

// Order-insensitive: "a,b" and "b,a" are the same set.
std::uint16_t notes_bits(const std::string& text, bool& known) {
  known = true;
  std::uint16_t bits = 0;
  if (text == "-") return bits;
  for (const std::string& name : split_tabs([&] {
         std::string t = text;
         for (char& c : t) c = c == ',' ? '\t' : c;
         return t;
       }())) {
    bool found = false;
    for (const note_name& n : k_note_names) {
      if (n.name == name) {
        bits = static_cast<std::uint16_t>(bits | n.bit);
        found = true;
      }
    }
    known = known && found;
  }
  return bits;
}

struct row {
  int line = 0;
  std::string input;
  std::vector<std::string> cols;
};

std::vector<row> load_table() {
  std::vector<row> rows;
  std::ifstream in(std::string(HOPSCOPE_TEST_DATA_DIR) + "/dates.tsv");
  REQUIRE(in.good());
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    row r;
    r.line = line_no;
    r.cols = split_tabs(line);
    INFO("dates.tsv line " << line_no);
    REQUIRE(r.cols.size() == 9);
    r.input = unescape(r.cols[0]);
    rows.push_back(std::move(r));
  }
  return rows;
}

std::size_t trimmed_size(std::string_view s) {
  std::size_t n = s.size();
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) {
    --n;
  }
  return n;
}

}  // namespace

static_assert(noexcept(parse_mail_date(std::string_view{})), "the parser must be noexcept");

TEST_CASE("dates.tsv: every row reads as expected", "[datetime]") {
  const std::vector<row> rows = load_table();
  CHECK(rows.size() >= 120);
  for (const row& r : rows) {
    const std::vector<std::string>& c = r.cols;
    INFO("dates.tsv line " << r.line << ": " << c[0] << "   [" << c[7] << "]");
    CHECK(!c[7].empty());  // every row says where it came from
    const auto got = parse_mail_date(r.input);
    if (c[1].rfind("error:", 0) == 0) {
      REQUIRE_FALSE(got.has_value());
      CHECK(std::string(got.error().code) == c[1].substr(6));
      CHECK(got.error().offset <= r.input.size());
      continue;
    }
    if (!got) FAIL_CHECK("error " << got.error().code << " at " << got.error().offset);
    REQUIRE(got.has_value());
    const timestamp& t = *got;

    const std::size_t dot = c[1].find('.');
    CHECK(t.epoch == std::stoll(c[1].substr(0, dot)));
    std::int32_t nanos = 0;
    if (dot != std::string::npos) {
      std::string frac = c[1].substr(dot + 1);
      frac.resize(9, '0');
      nanos = static_cast<std::int32_t>(std::stol(frac));
    }
    CHECK(t.nanos == nanos);
    CHECK(t.offset_minutes == std::stoi(c[2]));
    CHECK(std::string(hopscope::to_string(t.zone)) == c[3]);
    CHECK(std::string(hopscope::to_string(t.form)) == c[4]);
    bool known = false;
    const std::uint16_t want_notes = notes_bits(c[5], known);
    CHECK(known);
    INFO("notes: got " << notes_text(t.notes) << ", want " << c[5]);
    CHECK(t.notes == want_notes);
    if (c[6] == "*") {
      CHECK(t.consumed == trimmed_size(r.input));
    } else if (c[6] != "-") {
      CHECK(t.consumed == static_cast<std::uint32_t>(std::stoul(c[6])));
    }
    CHECK(t.consumed <= r.input.size());
  }
}

TEST_CASE("offset_known follows the zone rule", "[datetime]") {
  CHECK(parse_mail_date("Sat, 25 Mar 2023 10:00:00 +0000")->offset_known());
  CHECK(parse_mail_date("Sat, 25 Mar 2023 10:00:00 GMT")->offset_known());
  CHECK(parse_mail_date("Sat, 25 Mar 2023 10:00:00 CEST")->offset_known());
  CHECK_FALSE(parse_mail_date("Sat, 25 Mar 2023 10:00:00 -0000")->offset_known());
  CHECK_FALSE(parse_mail_date("Sat, 25 Mar 2023 10:00:00 A")->offset_known());
  CHECK_FALSE(parse_mail_date("Sat, 25 Mar 2023 10:00:00 XYZ")->offset_known());
  CHECK_FALSE(parse_mail_date("Sat, 25 Mar 2023 10:00:00")->offset_known());
}

TEST_CASE("enormous inputs: only the first 512 bytes are examined", "[datetime]") {
  const std::string date = "Sat, 25 Mar 2023 10:00:00 +0000";
  constexpr std::int64_t k_epoch = 1679738400;

  SECTION("a date followed by a megabyte of comment") {
    const std::string text = date + " (" + std::string(1 << 20, 'x') + ")";
    const auto t = parse_mail_date(text);
    REQUIRE(t);
    CHECK(t->epoch == k_epoch);
    CHECK((t->notes & hopscope::note_trailing_text) != 0);  // the comment never closes in range
    CHECK(t->consumed == date.size());
  }
  SECTION("a date followed by a megabyte of spaces") {
    const auto t = parse_mail_date(date + std::string(1 << 20, ' '));
    REQUIRE(t);
    CHECK(t->epoch == k_epoch);
    CHECK(t->consumed == date.size());
  }
  SECTION("a megabyte of white space before the date") {
    const auto t = parse_mail_date(std::string(1 << 20, ' ') + date);
    REQUIRE_FALSE(t);
    CHECK(t.error().code == "empty");
    CHECK(t.error().offset <= 512);
  }
  SECTION("a megabyte of digits") {
    const auto t = parse_mail_date(std::string(1 << 20, '7'));
    REQUIRE_FALSE(t);
    CHECK(t.error().code == "no_date");
  }
  SECTION("a megabyte of open parentheses") {
    const auto t = parse_mail_date(std::string(1 << 20, '('));
    REQUIRE_FALSE(t);
    CHECK(t.error().code == "no_date");
  }
  SECTION("deeply nested comment before the date") {
    const auto t = parse_mail_date(std::string(100, '(') + std::string(100, ')') + date);
    REQUIRE_FALSE(t);  // deeper than we follow: not a date we read
  }
  SECTION("a very long fraction") {
    const auto t =
        parse_mail_date("Sat, 25 Mar 2023 10:00:00." + std::string(2000, '9') + " +0000");
    REQUIRE(t);
    CHECK(t->epoch == k_epoch);
    CHECK(t->nanos == 999'999'999);
    CHECK(t->zone == zone_rule::missing);  // the zone lies beyond the 512 bytes
  }
  SECTION("a very long word") {
    const auto t = parse_mail_date(std::string(1 << 20, 'A'));
    REQUIRE_FALSE(t);
    CHECK(t.error().code == "no_date");
  }
}

TEST_CASE("every prefix and byte mutation of the table stays in bounds", "[datetime]") {
  // Run under ASan/UBSan in CI; here it checks that results stay within the input.
  const std::vector<row> rows = load_table();
  std::mt19937 rng(20250316);
  for (const row& r : rows) {
    for (std::size_t n = 0; n <= r.input.size(); ++n) {
      // A copy, so that reading one byte past the prefix would be caught by ASan.
      const std::string prefix = r.input.substr(0, n);
      const auto t = parse_mail_date(prefix);
      if (t) {
        CHECK(t->consumed <= n);
      } else {
        CHECK(t.error().offset <= n);
      }
    }
    for (int k = 0; k < 32 && !r.input.empty(); ++k) {
      std::string mutated = r.input;
      mutated[rng() % mutated.size()] = static_cast<char>(rng() & 0xff);
      const auto t = parse_mail_date(mutated);
      if (t) {
        CHECK(t->consumed <= mutated.size());
        CHECK(t->nanos >= 0);
        CHECK(t->nanos < 1'000'000'000);
      }
    }
  }
}

TEST_CASE("to_string names are stable", "[datetime]") {
  CHECK(hopscope::to_string(zone_rule::numeric) == "numeric");
  CHECK(hopscope::to_string(zone_rule::numeric_unknown) == "numeric_unknown");
  CHECK(hopscope::to_string(zone_rule::ut_gmt) == "ut_gmt");
  CHECK(hopscope::to_string(zone_rule::us_named) == "us_named");
  CHECK(hopscope::to_string(zone_rule::military) == "military");
  CHECK(hopscope::to_string(zone_rule::other_named) == "other_named");
  CHECK(hopscope::to_string(zone_rule::missing) == "missing");
  CHECK(hopscope::to_string(zone_rule::unknown_named) == "unknown_named");
  CHECK(hopscope::to_string(date_form::rfc5322) == "rfc5322");
  CHECK(hopscope::to_string(date_form::asctime) == "asctime");
  CHECK(hopscope::to_string(date_form::iso8601) == "iso8601");
  CHECK(hopscope::to_string(date_form::go_time) == "go_time");
  CHECK(hopscope::to_string(date_form::numeric_dmy) == "numeric_dmy");
  CHECK(hopscope::to_string(date_form::month_first) == "month_first");
}

TEST_CASE("format_utc writes RFC 3339 UTC", "[datetime]") {
  CHECK(hopscope::format_utc(0) == "1970-01-01T00:00:00Z");
  CHECK(hopscope::format_utc(1742166035) == "2025-03-16T23:00:35Z");
  CHECK(hopscope::format_utc(1690572745, 928333532) == "2023-07-28T19:32:25.928333532Z");
  CHECK(hopscope::format_utc(1693861884, 404000000) == "2023-09-04T21:11:24.404Z");
  CHECK(hopscope::format_utc(-3600) == "1969-12-31T23:00:00Z");
  CHECK(hopscope::format_utc(-1) == "1969-12-31T23:59:59Z");
  CHECK(hopscope::format_utc(951825600) == "2000-02-29T12:00:00Z");
  // Clamped, never overflowing.
  CHECK(hopscope::format_utc(INT64_MAX) == "9999-12-31T23:59:59Z");
  CHECK(hopscope::format_utc(INT64_MIN) == "0001-01-01T00:00:00Z");
  // The longest text there is fits the caller's buffer (30 bytes; ASan checks the writes).
  hopscope::utc_text_buffer buffer;
  const std::size_t n = hopscope::format_utc(INT64_MAX, 999999999, buffer);
  CHECK(std::string(buffer.data(), n) == "9999-12-31T23:59:59.999999999Z");
  // Round trip through the parser.
  const auto t = parse_mail_date(hopscope::format_utc(1690572745, 928333532));
  REQUIRE(t);
  CHECK(t->epoch == 1690572745);
  CHECK(t->nanos == 928333532);
}

TEST_CASE("parse speed", "[datetime][.bench]") {
  const std::vector<row> rows = load_table();
  std::vector<std::string> inputs;
  for (const row& r : rows) inputs.push_back(r.input);
  constexpr int k_rounds = 2000;
  std::int64_t sink = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < k_rounds; ++i) {
    for (const std::string& s : inputs) {
      const auto t = parse_mail_date(s);
      sink += t ? t->epoch : 1;
    }
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const double ns =
      static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count()) /
      static_cast<double>(k_rounds * inputs.size());
  WARN("parse_mail_date: " << ns << " ns per date (checksum " << sink << ")");
}
