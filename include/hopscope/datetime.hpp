#pragma once
// Dates of Date: and Received: fields, normalised to UTC.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "hopscope/diagnostic.hpp"

namespace hopscope {

/// How the zone of a date was read.
enum class zone_rule : std::uint8_t {
  numeric,          // +hhmm / -hhmm (also +hh:mm)
  numeric_unknown,  // -0000: RFC 5322 "no information about the local time zone"
  ut_gmt,           // UT, UTC, GMT, Z
  us_named,         // EST EDT CST CDT MST MDT PST PDT (RFC 5322 4.3)
  military,         // single letters; RFC 5322 4.3 says treat as -0000 (unknown)
  other_named,      // a name outside RFC 5322 (CEST, JST, ...) read from our table
  missing,          // no zone at all: taken as UTC, offset unknown
  unknown_named,    // an alphabetic zone not in our table; RFC 5322 4.3: treat as -0000
};

/// Which overall form of date was read.
enum class date_form : std::uint8_t {
  rfc5322,      // [day ","] d mon yyyy hh:mm[:ss] zone, obsolete variations included
  asctime,      // Sun Mar 16 23:00:35 2025 [zone]
  iso8601,      // 2025-03-16T23:00:35Z, 2025-03-16 23:00:35 +0000
  go_time,      // 2023-07-28 19:32:25.928333532 +0000 UTC m=+6810983.8
  numeric_dmy,  // 22/08/2002 10:25:57 (and 08/22/2002 when only that reading is a date)
  month_first,  // Jul, 17 2002 8:56:49 AM -0100 (spam-ware), Wed, Apr 9, 2020 at 9:09 AM
};

/// Odd-but-readable properties, as bit flags.
enum date_note : std::uint16_t {
  note_none = 0,
  note_weekday_mismatch = 1u << 0,
  note_two_digit_year = 1u << 1,
  note_three_digit_year = 1u << 2,
  note_no_seconds = 1u << 3,
  note_fractional_seconds = 1u << 4,
  note_offset_out_of_range = 1u << 5,  // outside -12:00..+14:00
  note_leap_second = 1u << 6,          // :60 read as :59
  note_trailing_text = 1u << 7,        // text after the date that was not a comment
  note_ambiguous_zone_name = 1u << 8,  // e.g. IST, CST outside the US sense
  note_no_weekday = 1u << 9,
  note_12_hour_clock = 1u << 10,
  note_ambiguous_day_month = 1u << 11,  // 05/06/2023: read day first
  note_no_time = 1u << 12,              // a date with no time of day: taken as 00:00:00
};

struct timestamp {
  std::int64_t epoch = 0;           // UTC seconds since 1970-01-01
  std::int32_t nanos = 0;           // fractional part, 0..999'999'999
  std::int16_t offset_minutes = 0;  // the offset as stamped (0 when unknown)
  zone_rule zone = zone_rule::missing;
  date_form form = date_form::rfc5322;
  std::uint16_t notes = note_none;  // date_note bits
  std::uint32_t consumed = 0;       // bytes of the input that were used

  [[nodiscard]] bool offset_known() const noexcept {
    return zone != zone_rule::numeric_unknown && zone != zone_rule::military &&
           zone != zone_rule::missing && zone != zone_rule::unknown_named;
  }
};

/// Reads the date part of a Date: or Received: field (RFC 5322 3.3 and 4.3, plus forms seen
/// in real mail). Never throws; stops at the first byte it cannot use. Error codes:
/// empty, no_date, bad_day, bad_month, bad_year, bad_time, bad_zone, out_of_range
/// (out_of_range: a day the month does not have, e.g. 30 Feb).
[[nodiscard]] tl::expected<timestamp, parse_error> parse_mail_date(std::string_view text) noexcept;

[[nodiscard]] std::string_view to_string(zone_rule rule) noexcept;
[[nodiscard]] std::string_view to_string(date_form form) noexcept;

/// RFC 3339 UTC text of an epoch ("2025-03-16T23:00:35Z"; fraction added when nanos != 0).
[[nodiscard]] std::string format_utc(std::int64_t epoch, std::int32_t nanos = 0);

/// Room for any text format_utc() writes (30 bytes at most).
using utc_text_buffer = std::array<char, 32>;
/// format_utc() into `buf`, without allocating (JSON writes a few per hop); returns the length.
std::size_t format_utc(std::int64_t epoch, std::int32_t nanos, utc_text_buffer& buf) noexcept;

}  // namespace hopscope
