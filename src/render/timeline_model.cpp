// Reads the hop timeline out of the JSON document (see timeline_model.hpp for why JSON).

#include "render/timeline_model.hpp"

#include <date/date.h>

#include <algorithm>
#include <cstdlib>

namespace hopscope::detail {
namespace {

using json = nlohmann::ordered_json;

std::optional<std::int64_t> int_at(const json& object, const char* key) {
  if (!object.is_object()) return std::nullopt;
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

std::string string_at(const json& object, const char* key) {
  if (!object.is_object()) return {};
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

bool bool_at(const json& object, const char* key) {
  if (!object.is_object()) return false;
  const auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

// Reads `width` ASCII digits at `at`; nullopt when any is not a digit.
std::optional<int> digits(const std::string& s, std::size_t at, std::size_t width) {
  if (at + width > s.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = at; i < at + width; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    value = value * 10 + (s[i] - '0');
  }
  return value;
}

}  // namespace

std::optional<std::int64_t> parse_rfc3339_utc(const std::string& text) {
  // Fixed layout: 2024-03-01T10:00:00Z, optionally with a fraction before the Z.
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text.back() != 'Z') {
    return std::nullopt;
  }
  const auto y = digits(text, 0, 4), mo = digits(text, 5, 2), d = digits(text, 8, 2);
  const auto h = digits(text, 11, 2), mi = digits(text, 14, 2), s = digits(text, 17, 2);
  if (!y || !mo || !d || !h || !mi || !s) return std::nullopt;
  const date::year_month_day ymd{date::year{*y}, date::month{static_cast<unsigned>(*mo)},
                                 date::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok() || *h > 23 || *mi > 59 || *s > 60) return std::nullopt;
  const std::int64_t days = date::sys_days{ymd}.time_since_epoch().count();
  return days * 86400 + *h * 3600 + *mi * 60 + *s;
}

std::string format_duration(std::int64_t seconds) {
  const bool negative = seconds < 0;
  // Magnitude as unsigned so INT64_MIN cannot overflow.
  const std::uint64_t v =
      negative ? 0 - static_cast<std::uint64_t>(seconds) : static_cast<std::uint64_t>(seconds);
  const auto two = [](std::uint64_t n) { return (n < 10 ? "0" : "") + std::to_string(n); };
  std::string out = negative ? "-" : "";
  if (v < 60) return out + std::to_string(v) + "s";
  if (v < 3600) return out + std::to_string(v / 60) + "m " + two(v % 60) + "s";
  if (v < 86400) return out + std::to_string(v / 3600) + "h " + two(v % 3600 / 60) + "m";
  return out + std::to_string(v / 86400) + "d " + two(v % 86400 / 3600) + "h";
}

timeline read_timeline(const json& report) {
  timeline t;
  if (!report.is_object()) return t;
  const auto hops = report.find("hops");
  if (hops == report.end() || !hops->is_array()) return t;
  for (std::size_t i = 0; i < hops->size(); ++i) {
    const json& h = (*hops)[i];
    timeline_hop th;
    th.index = i;
    if (h.is_object() && h.contains("by")) th.label = string_at(h["by"], "host");
    if (h.is_object() && h.contains("time")) th.raw = int_at(h["time"], "epoch");
    th.raw_delay = int_at(h, "raw_delay_seconds");
    th.delay = int_at(h, "adjusted_delay_seconds");
    if (!th.delay) th.delay = int_at(h, "delay_seconds");
    th.clock_offset = int_at(h, "clock_offset_seconds");
    th.skewed = bool_at(h, "clock_suspect") || int_at(h, "skew_seconds").has_value();
    th.adjusted = parse_rfc3339_utc(string_at(h, "adjusted_utc"));
    // Older documents have no adjusted time: an offset tells how far the clock was off, and
    // without either the stamp stands as written.
    if (!th.adjusted && th.raw) {
      th.adjusted =
          th.clock_offset && bool_at(h, "clock_suspect") ? *th.raw - *th.clock_offset : *th.raw;
    }
    t.hops.push_back(std::move(th));
  }
  // A suspect named by the chain-level skew estimates is marked even if the hop keys lag.
  if (const auto skews = report.find("clock_skew"); skews != report.end() && skews->is_array()) {
    for (const json& sk : *skews) {
      if (!sk.is_object()) continue;
      if (const auto s = sk.find("suspect"); s != sk.end() && s->is_number_unsigned()) {
        const auto k = s->get<std::size_t>();
        if (k < t.hops.size()) t.hops[k].skewed = true;
      }
    }
  }
  for (const auto& h : t.hops) {
    if (!h.adjusted) continue;
    t.begin = t.begin ? std::min(*t.begin, *h.adjusted) : *h.adjusted;
    t.end = t.end ? std::max(*t.end, *h.adjusted) : *h.adjusted;
  }
  return t;
}

}  // namespace hopscope::detail
