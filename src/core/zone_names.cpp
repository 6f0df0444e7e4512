// The table of alphabetic zone names.
//
// RFC 5322 4.3 defines UT, GMT and the eight US names, and says of the rest: "Other
// multi-character (usually between 3 and 5) alphabetic time zones have been used in Internet
// messages. Any such time zone whose meaning is not known SHOULD be considered equivalent to
// "-0000" unless there is out-of-band information confirming their meaning." This table is
// that out-of-band information for the names real mail writes, e.g.
//   Date: Mon, 3 Jul 2023 10:00:00 CEST
//   Received: ... ; Tue, 16 Jul 2013 05:16:35 JST   (sisimai/maildir/not/is-not-bounce-01.eml)
// Names used by more than one zone are flagged; the offset given is the likeliest in mail.

#include "core/zone_names.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

namespace hopscope::detail {
namespace {

constexpr zone_rule k_ut = zone_rule::ut_gmt;
constexpr zone_rule k_us = zone_rule::us_named;
constexpr zone_rule k_other = zone_rule::other_named;

constexpr std::int16_t hm(int hours, int minutes = 0) {
  return static_cast<std::int16_t>(hours < 0 ? hours * 60 - minutes : hours * 60 + minutes);
}

// Sorted by name (checked by a static_assert below), so lookup is a binary search.
constexpr std::array k_zones = {
    zone_name{"ACDT", hm(10, 30), k_other, false},
    zone_name{"ACST", hm(9, 30), k_other, false},
    zone_name{"ADT", hm(-3), k_other, false},
    zone_name{"AEDT", hm(11), k_other, false},
    zone_name{"AEST", hm(10), k_other, false},
    zone_name{"AKDT", hm(-8), k_other, false},
    zone_name{"AKST", hm(-9), k_other, false},
    zone_name{"ALMT", hm(6), k_other, false},
    zone_name{"ART", hm(-3), k_other, false},
    // Atlantic Standard Time (-4) or Arabia Standard Time (+3).
    zone_name{"AST", hm(-4), k_other, true},
    zone_name{"AWST", hm(8), k_other, false},
    zone_name{"BRST", hm(-2), k_other, false},
    zone_name{"BRT", hm(-3), k_other, false},
    // British Summer Time; also Bangladesh Standard Time (+6) in some software.
    zone_name{"BST", hm(1), k_other, true},
    zone_name{"CAT", hm(2), k_other, false},
    zone_name{"CDT", hm(-5), k_us, false},
    zone_name{"CEST", hm(2), k_other, false},
    zone_name{"CET", hm(1), k_other, false},
    zone_name{"CLST", hm(-3), k_other, false},
    zone_name{"CLT", hm(-4), k_other, false},
    zone_name{"COT", hm(-5), k_other, false},
    // RFC 5322 gives CST its US meaning; China Standard Time (+8) also writes it, as in
    // "Thu, 30 Aug 2001 19:06:45 +0800 (CST)" (spamassassin-t-data/spam/003). Not flagged:
    // the RFC settles what CST means in a zone field.
    zone_name{"CST", hm(-6), k_us, false},
    // Windows' short name for "Coordinated Universal Time", seen as "+0000 (CUT)".
    zone_name{"CUT", hm(0), k_other, false},
    zone_name{"EAT", hm(3), k_other, false},
    zone_name{"EDT", hm(-4), k_us, false},
    zone_name{"EEST", hm(3), k_other, false},
    zone_name{"EET", hm(2), k_other, false},
    zone_name{"EST", hm(-5), k_us, false},
    zone_name{"GMT", hm(0), k_ut, false},
    zone_name{"HKT", hm(8), k_other, false},
    zone_name{"HST", hm(-10), k_other, false},
    zone_name{"ICT", hm(7), k_other, false},
    zone_name{"IDT", hm(3), k_other, false},
    // India (+5:30), Israel (+2) and Irish Summer Time (+1) all write IST.
    zone_name{"IST", hm(5, 30), k_other, true},
    zone_name{"JST", hm(9), k_other, false},
    zone_name{"KST", hm(9), k_other, false},
    zone_name{"MDT", hm(-6), k_us, false},
    zone_name{"MEST", hm(2), k_other, false},
    zone_name{"MESZ", hm(2), k_other, false},
    zone_name{"MET", hm(1), k_other, false},
    zone_name{"MEZ", hm(1), k_other, false},
    zone_name{"MSD", hm(4), k_other, false},
    zone_name{"MSK", hm(3), k_other, false},
    zone_name{"MST", hm(-7), k_us, false},
    zone_name{"NDT", hm(-2, 30), k_other, false},
    zone_name{"NST", hm(-3, 30), k_other, false},
    zone_name{"NZDT", hm(13), k_other, false},
    zone_name{"NZST", hm(12), k_other, false},
    zone_name{"PDT", hm(-7), k_us, false},
    zone_name{"PET", hm(-5), k_other, false},
    // Philippine Time; also Pacific/Phoenix Islands Time (+13).
    zone_name{"PHT", hm(8), k_other, true},
    zone_name{"PKT", hm(5), k_other, false},
    zone_name{"PST", hm(-8), k_us, false},
    zone_name{"SAST", hm(2), k_other, false},
    zone_name{"SGT", hm(8), k_other, false},
    zone_name{"UT", hm(0), k_ut, false},
    zone_name{"UTC", hm(0), k_ut, false},
    zone_name{"WAT", hm(1), k_other, false},
    zone_name{"WEST", hm(1), k_other, false},
    zone_name{"WET", hm(0), k_other, false},
    zone_name{"WIB", hm(7), k_other, false},
    zone_name{"WIT", hm(9), k_other, false},
    zone_name{"WITA", hm(8), k_other, false},
    // Western Standard Time (Australia, +8) or West Samoa Time (+13).
    zone_name{"WST", hm(8), k_other, true},
    // "Z" is RFC 822's "UT". RFC 5322 4.3 lumps it with the military letters (whose signs
    // RFC 822 got backwards), but Z never had that fault and ISO 8601 uses it for UTC.
    zone_name{"Z", hm(0), k_ut, false},
};

constexpr bool sorted() {
  for (std::size_t i = 1; i < k_zones.size(); ++i) {
    if (!(k_zones[i - 1].name < k_zones[i].name)) return false;
  }
  return true;
}
static_assert(sorted(), "k_zones must be sorted by name for the binary search");

}  // namespace

const zone_name* find_zone_name(std::string_view name) noexcept {
  std::array<char, 6> buf{};
  if (name.empty() || name.size() > buf.size()) return nullptr;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    buf[i] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  const std::string_view key(buf.data(), name.size());
  const auto* it =
      std::lower_bound(k_zones.begin(), k_zones.end(), key,
                       [](const zone_name& z, std::string_view k) { return z.name < k; });
  if (it == k_zones.end() || it->name != key) return nullptr;
  return it;
}

}  // namespace hopscope::detail
