// The mail date parser: a hand-written tokenizer over RFC 5322 3.3 / 4.3 and the forms real
// mail writes. No regex, no locale, no allocation, one pass over at most k_max_examined bytes.
//
// Why not date::parse: it rejects most real mail dates (1-digit days, comments, missing
// seconds, named zones) and has undefined behaviour on bad offsets in date 3.0.1. We use the
// date library only for the calendar: year_month_day::ok() and sys_days.

#include "hopscope/datetime.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <date/date.h>

#include "core/ascii.hpp"
#include "core/zone_names.hpp"

namespace hopscope {
namespace {

// A date is at most ~80 bytes; comments after it ("(envelope-from <very-long@...>)") can be
// long, so leave room for them, but never look further: a 2 MB "date" costs the same as a
// 512-byte one.
constexpr std::size_t k_max_examined = 512;
// Nested comments deeper than this are not a date's business; stop reading there.
constexpr int k_max_comment_depth = 16;
// Fraction digits kept (nanoseconds); more are read and dropped.
constexpr int k_fraction_digits = 9;

constexpr bool is_digit(unsigned char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(unsigned char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_upper(unsigned char c) noexcept { return c >= 'A' && c <= 'Z'; }
// Folded header lines reach us unfolded or not: CR and LF count as white space too.
constexpr bool is_ws(unsigned char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// ASCII case-insensitive equality; `lower_word` must be lower case.
constexpr bool iequals(std::string_view word, std::string_view lower_word) noexcept {
  if (word.size() != lower_word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (detail::ascii_lower(word[i]) != lower_word[i]) {
      return false;
    }
  }
  return true;
}

constexpr std::array<std::string_view, 12> k_months = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};
constexpr std::array<std::string_view, 7> k_weekdays = {
    "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};

// Three lower-case letters as one number, for the common case of a three-letter month.
constexpr std::uint32_t three_letter_key(char a, char b, char c) noexcept {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(detail::ascii_lower(a))) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(detail::ascii_lower(b))) << 8) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(detail::ascii_lower(c)));
}
constexpr std::array<std::uint32_t, 12> k_month_keys = [] {
  std::array<std::uint32_t, 12> keys{};
  for (std::size_t i = 0; i < k_months.size(); ++i) {
    keys[i] = three_letter_key(k_months[i][0], k_months[i][1], k_months[i][2]);
  }
  return keys;
}();

// 1..12, or 0. Three-letter names (RFC 5322) and full English names ("Thursday, April 9,
// 2020 9:09 AM" in forwarded-mail Date: lines), any case ("29 APR 2009", "29 apr 2009").
int month_number(std::string_view word) noexcept {
  if (word.size() == 3) {
    // Every Received and Date field has one ("Apr"): a compare of one number per month. (No
    // full name is three letters long but "may", which is its own abbreviation.)
    const std::uint32_t key = three_letter_key(word[0], word[1], word[2]);
    for (std::size_t i = 0; i < k_month_keys.size(); ++i) {
      if (k_month_keys[i] == key) return static_cast<int>(i) + 1;
    }
    return 0;
  }
  for (std::size_t i = 0; i < k_months.size(); ++i) {
    const std::string_view full = k_months[i];
    if (iequals(word, full) || iequals(word, full.substr(0, 3))) return static_cast<int>(i) + 1;
  }
  if (iequals(word, "sept")) return 9;
  return 0;
}

// 0 (Sunday) .. 6, or -1.
int weekday_number(std::string_view word) noexcept {
  for (std::size_t i = 0; i < k_weekdays.size(); ++i) {
    const std::string_view full = k_weekdays[i];
    if (iequals(word, full) || iequals(word, full.substr(0, 3))) return static_cast<int>(i);
  }
  return -1;
}

struct number {
  int digits = 0;          // how many digits were read
  std::int64_t value = 0;  // only the first 9 digits count (no overflow on "0000000000000")
};

class parser {
 public:
  explicit parser(std::string_view text) noexcept
      : s_(text.data()), end_(std::min(text.size(), k_max_examined)), full_size_(text.size()) {}

  tl::expected<timestamp, parse_error> run() noexcept;

 private:
  // --- cursor ---
  [[nodiscard]] unsigned char peek(std::size_t ahead = 0) const noexcept {
    return pos_ + ahead < end_ ? static_cast<unsigned char>(s_[pos_ + ahead]) : 0;
  }
  [[nodiscard]] bool at_end() const noexcept { return pos_ >= end_; }
  bool eat(char c) noexcept {
    if (!at_end() && peek() == static_cast<unsigned char>(c)) {
      ++pos_;
      return true;
    }
    return false;
  }
  void skip_ws() noexcept {
    while (!at_end() && is_ws(peek())) ++pos_;
  }
  bool skip_comment() noexcept;
  void skip_cfws() noexcept;
  number read_number() noexcept;
  std::string_view read_word() noexcept;
  [[nodiscard]] std::size_t digit_run() const noexcept {
    std::size_t k = 0;
    while (is_digit(peek(k))) ++k;
    return k;
  }

  bool fail(std::string_view code) noexcept {
    if (error_.empty()) {
      error_ = code;
      error_pos_ = pos_;
    }
    return false;
  }

  // --- grammar pieces; each returns false after fail() ---
  bool rfc_from_day() noexcept;
  bool after_month(int month) noexcept;
  bool iso() noexcept;
  bool numeric_dmy() noexcept;
  bool read_year() noexcept;
  bool read_day() noexcept;
  bool read_time() noexcept;
  bool read_fraction() noexcept;
  void read_am_pm() noexcept;
  bool read_zone() noexcept;
  bool read_numeric_zone() noexcept;
  void read_zone_name_after_offset() noexcept;
  void skip_mojibake_weekday() noexcept;
  tl::expected<timestamp, parse_error> finish() noexcept;

  const char* s_;
  std::size_t pos_ = 0;
  std::size_t end_;
  std::size_t full_size_;

  std::string_view error_;
  std::size_t error_pos_ = 0;

  int year_ = 0, month_ = 0, day_ = 0, hour_ = 0, minute_ = 0, second_ = 0;
  std::int32_t nanos_ = 0;
  int weekday_ = -1;
  int am_pm_ = 0;  // 0 none, 1 AM, 2 PM
  int offset_ = 0;
  zone_rule zone_ = zone_rule::missing;
  date_form form_ = date_form::rfc5322;
  std::uint16_t notes_ = note_none;
};

// RFC 5322 3.2.2 comment: "(" *([FWS] ccontent) [FWS] ")", nested, with quoted-pairs.
// Returns false (position unchanged) when the comment is not closed within the examined bytes
// or nests deeper than k_max_comment_depth.
bool parser::skip_comment() noexcept {
  const std::size_t start = pos_;
  int depth = 0;
  while (!at_end()) {
    const unsigned char c = peek();
    ++pos_;
    if (c == '\\') {
      if (!at_end()) ++pos_;
    } else if (c == '(') {
      if (++depth > k_max_comment_depth) break;
    } else if (c == ')') {
      if (--depth == 0) return true;
    }
  }
  pos_ = start;
  return false;
}

void parser::skip_cfws() noexcept {
  for (;;) {
    skip_ws();
    if (peek() != '(' || !skip_comment()) return;
  }
}

number parser::read_number() noexcept {
  number n;
  while (!at_end() && is_digit(peek())) {
    if (n.digits < 9) n.value = n.value * 10 + (peek() - '0');
    ++n.digits;
    ++pos_;
  }
  return n;
}

std::string_view parser::read_word() noexcept {
  const std::size_t start = pos_;
  while (!at_end() && is_alpha(peek())) ++pos_;
  return {s_ + start, pos_ - start};
}

// One or two digits; also zero-padded to three, which Python reads too:
// "Thu, 029 Apr 2011 23:34:45 +0900 (JST)" (sisimai/maildir/bsd/lhost-barracuda-02.eml).
bool parser::read_day() noexcept {
  const number d = read_number();
  if (d.digits < 1 || d.digits > 3 || d.value < 1 || d.value > 31) return fail("bad_day");
  day_ = static_cast<int>(d.value);
  return true;
}

// RFC 5322 4.3: "Where a two or three digit year occurs in a date, the year is to be
// interpreted as follows: If a two digit year is encountered whose value is between 00 and 49,
// the year is interpreted by adding 2000 [...] If a two digit year is encountered with its value
// between 50 and 99, or any three digit year is encountered, the year is interpreted by adding
// 1900." Three-digit years are what a C program printing tm_year wrote ("Fri, 3 Jan 102").
bool parser::read_year() noexcept {
  const number y = read_number();
  switch (y.digits) {
    case 2:
      year_ = static_cast<int>(y.value < 50 ? 2000 + y.value : 1900 + y.value);
      notes_ |= note_two_digit_year;
      return true;
    case 3:
      year_ = static_cast<int>(1900 + y.value);
      notes_ |= note_three_digit_year;
      return true;
    case 4:
      year_ = static_cast<int>(y.value);
      return true;
    default:
      return fail("bad_year");
  }
}

bool parser::read_fraction() noexcept {
  // "Mon, 04 Sep 2023 21:11:24.404 +0000 (UTC)" (phishing_pot-2022-2023/sample-1219.eml)
  // and Go's nanoseconds; ',' is ISO 8601's other decimal sign.
  if ((peek() != '.' && peek() != ',') || !is_digit(peek(1))) return true;
  ++pos_;
  int kept = 0;
  std::int32_t value = 0;
  while (!at_end() && is_digit(peek())) {
    if (kept < k_fraction_digits) {
      value = value * 10 + (peek() - '0');
      ++kept;
    }
    ++pos_;
  }
  for (int i = kept; i < k_fraction_digits; ++i) value *= 10;
  nanos_ = value;
  notes_ |= note_fractional_seconds;
  return true;
}

// hh:mm[:ss][.fraction]. One-digit hours are spam-ware ("Jul, 17 2002 8:56:49 AM -0100").
// RFC 5322 4.3 obs-hour / obs-minute / obs-second allow CFWS around each part; its example
// A.6.3 is "Fri, 21 Nov 1997 09(comment):   55  :  06 -0600".
bool parser::read_time() noexcept {
  const number h = read_number();
  skip_cfws();
  if (h.digits < 1 || h.digits > 2 || !eat(':')) return fail("bad_time");
  skip_cfws();
  const number m = read_number();
  if (m.digits != 2) return fail("bad_time");
  hour_ = static_cast<int>(h.value);
  minute_ = static_cast<int>(m.value);
  const std::size_t after_minutes = pos_;
  skip_cfws();
  if (eat(':')) {
    skip_cfws();
    const number sec = read_number();
    if (sec.digits != 2) return fail("bad_time");
    second_ = static_cast<int>(sec.value);
    read_fraction();
  } else {
    // RFC 5322 3.3 makes seconds optional: "time-of-day = hour ":" minute [ ":" second ]".
    pos_ = after_minutes;
    notes_ |= note_no_seconds;
  }
  return true;
}

void parser::read_am_pm() noexcept {
  const std::size_t save = pos_;
  skip_ws();
  const std::string_view w = read_word();
  if (iequals(w, "am")) {
    am_pm_ = 1;
  } else if (iequals(w, "pm")) {
    am_pm_ = 2;
  } else {
    pos_ = save;
  }
}

// +hhmm, -hhmm, +hh:mm, +hh. "-0000" means "no information" (RFC 5322 3.3), unlike "+0000".
bool parser::read_numeric_zone() noexcept {
  const bool negative = peek() == '-';
  ++pos_;
  const number n = read_number();
  std::int64_t hours = 0;
  std::int64_t minutes = 0;
  if (n.digits == 4) {
    hours = n.value / 100;
    minutes = n.value % 100;
  } else if (n.digits == 1 || n.digits == 2) {
    // ISO 8601 and mailers that print it: "Sat, 25 Nov 2023 10:01:02 +05:30".
    hours = n.value;
    if (peek() == ':' && is_digit(peek(1))) {
      ++pos_;
      const number m = read_number();
      if (m.digits != 2) return fail("bad_zone");
      minutes = m.value;
    }
  } else {
    return fail("bad_zone");
  }
  if (minutes > 59) return fail("bad_zone");
  const auto total = static_cast<int>(hours * 60 + minutes);
  offset_ = negative ? -total : total;
  zone_ = (negative && total == 0) ? zone_rule::numeric_unknown : zone_rule::numeric;
  // Real zones run from -12:00 (Baker Island) to +14:00 (Line Islands). Anything else is a
  // broken clock or typo; we still apply it, but say so.
  if (offset_ < -12 * 60 || offset_ > 14 * 60) notes_ |= note_offset_out_of_range;
  return true;
}

// A zone name right after a numeric offset belongs to it: Go prints "+0000 UTC"
// ("2023-10-15 09:34:11.737383461 +0000 UTC m=+393048.346080050",
// phishing_pot-2022-2023/sample-1561.eml). The offset wins over the name.
void parser::read_zone_name_after_offset() noexcept {
  const std::size_t save = pos_;
  skip_ws();
  const std::string_view w = read_word();
  if (w.empty() || detail::find_zone_name(w) == nullptr) pos_ = save;
}

// After the time: a numeric offset, a name, a military letter, or nothing.
bool parser::read_zone() noexcept {
  if ((peek() == '+' || peek() == '-') && is_digit(peek(1))) {
    if (!read_numeric_zone()) return false;
    read_zone_name_after_offset();
    return true;
  }
  if (!is_alpha(peek())) return true;  // zone_rule::missing
  const std::size_t save = pos_;
  const std::string_view w = read_word();
  const detail::zone_name* z = detail::find_zone_name(w);
  if (z != nullptr) {
    // "GMT+0200" / "UTC-5": the offset after the name is the real one.
    if (z->rule == zone_rule::ut_gmt && w.size() > 1 && (peek() == '+' || peek() == '-') &&
        is_digit(peek(1))) {
      return read_numeric_zone();
    }
    offset_ = z->offset_minutes;
    zone_ = z->rule;
    if (z->ambiguous) notes_ |= note_ambiguous_zone_name;
    return true;
  }
  // RFC 5322 4.3: military zones "A" through "I" and "K" through "Z" [...] "SHOULD all be
  // considered equivalent to "-0000" unless there is out-of-band information": RFC 822 had
  // their signs backwards, so nobody knows which way a real one was meant.
  // Guessed zones must stand alone: the "X" of "X-Mailer" is no zone.
  const bool alone = at_end() || is_ws(peek()) || peek() == '(';
  if (alone && w.size() == 1 && detail::ascii_lower(w[0]) != 'j') {
    zone_ = zone_rule::military;
    offset_ = 0;
    return true;
  }
  // Other 3-5 letter upper-case names: RFC 5322 4.3, "Any such time zone whose meaning is not
  // known SHOULD be considered equivalent to "-0000"". Lower-case words are not zones: in
  // "Sat, 11 Dec 2010 12:19:59 +0900 id 0EFECD52.4D02EDDF.0000C65A" (sisimai lhost-courier-01)
  // the "id" is trailing text.
  if (alone && w.size() >= 3 && w.size() <= 5 && std::all_of(w.begin(), w.end(), [](char c) {
        return is_upper(static_cast<unsigned char>(c));
      })) {
    zone_ = zone_rule::unknown_named;
    offset_ = 0;
    return true;
  }
  pos_ = save;
  return true;
}

// A localised weekday mangled by a charset mix-up, between the English one and the day:
//   "for <imap.scvsistemas.com.br>; Tue, \xC2\xF1, 29 Jan 2023 17:21:28 +0000 (UTC)"
// (phishing_pot-2022-2023/sample-426.eml, raw bytes C2 F1). Skip one run of non-ASCII bytes
// (at most 32) if a ',' follows it; the weekday check then still compares the English name.
void parser::skip_mojibake_weekday() noexcept {
  if (peek() < 0x80) return;
  const std::size_t save = pos_;
  std::size_t k = 0;
  while (!at_end() && peek() >= 0x80 && k < 32) {
    ++pos_;
    ++k;
  }
  skip_ws();
  if (eat(',')) {
    skip_ws();
  } else {
    pos_ = save;
  }
}

// [day-of-week ","] day month year time [zone]: RFC 5322 3.3 and 4.3.
bool parser::rfc_from_day() noexcept {
  form_ = date_form::rfc5322;
  if (!read_day()) return false;
  skip_ws();
  // "29-Apr-2009" (old VMS and Windows mailers) as well as "29 Apr 2009".
  eat('-');
  skip_ws();
  const std::size_t month_pos = pos_;
  const int m = month_number(read_word());
  if (m == 0) {
    pos_ = month_pos;
    return fail("bad_month");
  }
  month_ = m;
  skip_ws();
  if (!eat('-')) eat(',');
  skip_ws();
  if (!read_year()) return false;
  skip_cfws();
  if (!is_digit(peek())) {
    // "Sat, 25 Mar 2023" with no time at all: read as midnight, said so.
    notes_ |= note_no_time;
    return read_zone();
  }
  if (!read_time()) return false;
  read_am_pm();
  skip_cfws();
  return read_zone();
}

// After a month name at the start: asctime ("Sun Mar 16 23:00:35 2025", Unix date(1)'s
// "Thu Apr 29 23:34:45 EDT 2010") or month-first spam-ware ("Jul, 17 2002 8:56:49 AM -0100",
// "Wed, Apr 9, 2020 at 9:09 AM").
bool parser::after_month(int month) noexcept {
  month_ = month;
  skip_ws();
  eat(',');
  skip_ws();
  if (!read_day()) return false;
  skip_ws();
  const bool comma = eat(',');
  skip_ws();
  const std::size_t k = digit_run();
  if (!comma && k >= 1 && k <= 2 && peek(k) == ':') {
    form_ = date_form::asctime;
    if (!read_time()) return false;
    skip_ws();
    if (is_alpha(peek())) {
      if (!read_zone()) return false;
      skip_ws();
    }
    if (!read_year()) return false;
    if (zone_ == zone_rule::missing) {
      skip_cfws();
      return read_zone();
    }
    return true;
  }
  form_ = date_form::month_first;
  if (!read_year()) return false;
  skip_ws();
  eat(',');
  skip_ws();
  const std::size_t save = pos_;
  if (!iequals(read_word(), "at")) pos_ = save;
  skip_ws();
  if (!is_digit(peek())) {
    notes_ |= note_no_time;
    return read_zone();
  }
  if (!read_time()) return false;
  read_am_pm();
  skip_cfws();
  return read_zone();
}

// 2025-03-16T23:00:35Z, 2025-03-16T23:00:35.123+01:00, 2025-03-16 23:00:35 +0000 and Go's
// time.Time.String(): "2023-07-28 19:32:25.928333532 +0000 UTC m=+6810983.8" (SendGrid's
// filterdrecv hops, e.g. phishing_pot-2022-2023/sample-1561.eml).
bool parser::iso() noexcept {
  form_ = date_form::iso8601;
  year_ = static_cast<int>(read_number().value);  // exactly 4 digits, checked by the caller
  eat('-');
  const number m = read_number();
  if (m.digits < 1 || m.digits > 2 || m.value < 1 || m.value > 12) return fail("bad_month");
  month_ = static_cast<int>(m.value);
  if (!eat('-')) return fail("bad_day");
  if (!read_day()) return false;
  bool space_separated = false;
  if ((peek() == 'T' || peek() == 't') && is_digit(peek(1))) {
    ++pos_;
  } else {
    const std::size_t save = pos_;
    skip_ws();
    if (!is_digit(peek())) {
      pos_ = save;
      notes_ |= note_no_time;
      skip_ws();
      return read_zone();
    }
    space_separated = true;
  }
  if (!read_time()) return false;
  if (peek() == 'Z' || peek() == 'z') {
    ++pos_;
    zone_ = zone_rule::ut_gmt;
    return true;
  }
  skip_ws();
  if ((peek() == '+' || peek() == '-') && is_digit(peek(1))) {
    if (!read_numeric_zone()) return false;
    const std::size_t before_name = pos_;
    read_zone_name_after_offset();
    const bool named = pos_ != before_name;
    // Go's monotonic clock reading, "m=+6810983.8": meaningless outside the process.
    const std::size_t save = pos_;
    skip_ws();
    if (peek() == 'm' && peek(1) == '=' && (peek(2) == '+' || peek(2) == '-')) {
      pos_ += 3;
      read_number();
      if (peek() == '.') {
        ++pos_;
        read_number();
      }
      form_ = date_form::go_time;
    } else {
      pos_ = save;
      if (named && space_separated) form_ = date_form::go_time;
    }
    return true;
  }
  return read_zone();
}

// 22/08/2002 10:25:57 (spam-ware); also "12-02-2023" (Date: of phishing_pot sample-2076).
// Day first unless only month first makes a date ("01-15-2023", sample-234).
bool parser::numeric_dmy() noexcept {
  form_ = date_form::numeric_dmy;
  const number a = read_number();
  const unsigned char sep = peek();
  ++pos_;
  const number b = read_number();
  if (b.digits < 1 || b.digits > 2 || !eat(static_cast<char>(sep))) return fail("bad_day");
  if (!read_year()) return false;
  if (a.value > 12 && b.value <= 12) {
    day_ = static_cast<int>(a.value);
    month_ = static_cast<int>(b.value);
  } else if (b.value > 12 && a.value <= 12) {
    month_ = static_cast<int>(a.value);
    day_ = static_cast<int>(b.value);
  } else {
    day_ = static_cast<int>(a.value);
    month_ = static_cast<int>(b.value);
    if (a.value != b.value) notes_ |= note_ambiguous_day_month;
  }
  if (month_ < 1 || month_ > 12) return fail("bad_month");
  if (day_ < 1 || day_ > 31) return fail("bad_day");
  skip_ws();
  if (!is_digit(peek())) {
    notes_ |= note_no_time;
    return read_zone();
  }
  if (!read_time()) return false;
  read_am_pm();
  skip_cfws();
  return read_zone();
}

tl::expected<timestamp, parse_error> parser::run() noexcept {
  skip_cfws();
  if (at_end()) {
    bool blank = true;
    for (std::size_t i = 0; i < end_; ++i)
      blank = blank && is_ws(static_cast<unsigned char>(s_[i]));
    return tl::unexpected(parse_error{blank ? "empty" : "no_date", pos_});
  }
  bool ok = false;
  if (is_alpha(peek())) {
    const std::size_t word_pos = pos_;
    const std::string_view w = read_word();
    if (const int wd = weekday_number(w); wd >= 0) {
      weekday_ = wd;
      skip_ws();
      if (!eat(',')) eat('.');
      skip_cfws();
      skip_mojibake_weekday();
      if (is_digit(peek())) {
        ok = rfc_from_day();
      } else {
        const std::size_t month_pos = pos_;
        const int m = month_number(read_word());
        if (m == 0) {
          pos_ = month_pos;
          ok = fail("bad_month");
        } else {
          ok = after_month(m);
        }
      }
    } else if (const int m = month_number(w); m != 0) {
      ok = after_month(m);
    } else {
      pos_ = word_pos;
      ok = fail("no_date");
    }
  } else if (is_digit(peek())) {
    const std::size_t k = digit_run();
    const unsigned char next = peek(k);
    if (k == 4 && next == '-') {
      ok = iso();
    } else if (k <= 2 && (next == '/' || next == '.' || (next == '-' && is_digit(peek(k + 1))))) {
      ok = numeric_dmy();
    } else if (k <= 2) {
      ok = rfc_from_day();
    } else {
      ok = fail("no_date");
    }
  } else {
    ok = fail("no_date");
  }
  if (!ok) return tl::unexpected(parse_error{error_, error_pos_});
  return finish();
}

tl::expected<timestamp, parse_error> parser::finish() noexcept {
  if (am_pm_ != 0) {
    if (hour_ < 1 || hour_ > 12) return tl::unexpected(parse_error{"bad_time", pos_});
    hour_ = hour_ % 12 + (am_pm_ == 2 ? 12 : 0);
    notes_ |= note_12_hour_clock;
  }
  if (hour_ > 23 || minute_ > 59 || second_ > 60) {
    return tl::unexpected(parse_error{"bad_time", pos_});
  }
  if (second_ == 60) {
    // A leap second ("23:59:60") is legal in RFC 5322 3.3; POSIX time has no room for it.
    second_ = 59;
    notes_ |= note_leap_second;
  }
  const date::year_month_day ymd{date::year{year_}, date::month{static_cast<unsigned>(month_)},
                                 date::day{static_cast<unsigned>(day_)}};
  if (!ymd.ok()) return tl::unexpected(parse_error{"out_of_range", pos_});
  const date::sys_days days{ymd};

  if (form_ == date_form::rfc5322 || form_ == date_form::month_first ||
      form_ == date_form::asctime) {
    if (weekday_ < 0) {
      notes_ |= note_no_weekday;
    } else if (static_cast<int>(date::weekday{days}.c_encoding()) != weekday_) {
      notes_ |= note_weekday_mismatch;
    }
  }

  // What is left may be comments ("+0000 (UTC)", "(envelope-from <...>)"): part of the date
  // by RFC 5322's CFWS. Anything else is trailing text.
  skip_cfws();
  std::size_t used = pos_;
  while (used > 0 && is_ws(static_cast<unsigned char>(s_[used - 1]))) --used;
  if (!at_end() || (full_size_ > end_ && pos_ >= end_)) notes_ |= note_trailing_text;

  timestamp t;
  t.epoch = static_cast<std::int64_t>(days.time_since_epoch().count()) * 86400 +
            static_cast<std::int64_t>(hour_) * 3600 + minute_ * 60 + second_ -
            static_cast<std::int64_t>(offset_) * 60;
  t.nanos = nanos_;
  t.offset_minutes = static_cast<std::int16_t>(offset_);
  t.zone = zone_;
  t.form = form_;
  t.notes = notes_;
  t.consumed = static_cast<std::uint32_t>(used);
  return t;
}

}  // namespace

tl::expected<timestamp, parse_error> parse_mail_date(std::string_view text) noexcept {
  return parser(text).run();
}

std::string_view to_string(zone_rule rule) noexcept {
  switch (rule) {
    case zone_rule::numeric:
      return "numeric";
    case zone_rule::numeric_unknown:
      return "numeric_unknown";
    case zone_rule::ut_gmt:
      return "ut_gmt";
    case zone_rule::us_named:
      return "us_named";
    case zone_rule::military:
      return "military";
    case zone_rule::other_named:
      return "other_named";
    case zone_rule::missing:
      return "missing";
    case zone_rule::unknown_named:
      return "unknown_named";
  }
  return "unknown";
}

std::string_view to_string(date_form form) noexcept {
  switch (form) {
    case date_form::rfc5322:
      return "rfc5322";
    case date_form::asctime:
      return "asctime";
    case date_form::iso8601:
      return "iso8601";
    case date_form::go_time:
      return "go_time";
    case date_form::numeric_dmy:
      return "numeric_dmy";
    case date_form::month_first:
      return "month_first";
  }
  return "unknown";
}

std::size_t format_utc(std::int64_t epoch, std::int32_t nanos, utc_text_buffer& buf) noexcept {
  // Clamp to years 0001..9999 so the calendar arithmetic cannot overflow; the parser never
  // produces anything outside that range.
  constexpr std::int64_t k_min_epoch = -62135596800;  // 0001-01-01T00:00:00Z
  constexpr std::int64_t k_max_epoch = 253402300799;  // 9999-12-31T23:59:59Z
  epoch = std::clamp(epoch, k_min_epoch, k_max_epoch);
  std::int64_t days = epoch / 86400;
  std::int64_t secs = epoch % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  const date::year_month_day ymd{date::sys_days{date::days{static_cast<int>(days)}}};
  auto put = [&buf](std::size_t at, std::int64_t value, int width) {
    for (int i = width - 1; i >= 0; --i) {
      buf[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  const int y = static_cast<int>(ymd.year());
  std::size_t n = 0;
  put(n, y, 4);
  n += 4;
  buf[n++] = '-';
  put(n, static_cast<unsigned>(ymd.month()), 2);
  n += 2;
  buf[n++] = '-';
  put(n, static_cast<unsigned>(ymd.day()), 2);
  n += 2;
  buf[n++] = 'T';
  put(n, secs / 3600, 2);
  n += 2;
  buf[n++] = ':';
  put(n, secs / 60 % 60, 2);
  n += 2;
  buf[n++] = ':';
  put(n, secs % 60, 2);
  n += 2;
  if (nanos > 0 && nanos < 1'000'000'000) {
    // Shortest exact fraction: ".608", not ".608000000".
    int width = 9;
    std::int32_t f = nanos;
    while (f % 10 == 0) {
      f /= 10;
      --width;
    }
    buf[n++] = '.';
    put(n, f, width);
    n += static_cast<std::size_t>(width);
  }
  buf[n++] = 'Z';
  return n;
}

std::string format_utc(std::int64_t epoch, std::int32_t nanos) {
  utc_text_buffer buf;
  return std::string(buf.data(), format_utc(epoch, nanos, buf));
}

}  // namespace hopscope
