// The terminal timeline: one line per hop, each placed to scale on its skew-adjusted time, so
// a long queue stands out as a long run of dashes and a bad clock shows its stamp apart.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "hopscope/render.hpp"
#include "hopscope/timeline.hpp"
#include "render/timeline_model.hpp"

namespace hopscope {
namespace {

constexpr std::size_t k_chart_width = 40;
constexpr std::size_t k_label_width = 24;
constexpr const char* k_red = "\x1b[31m";
constexpr const char* k_yellow = "\x1b[33m";
constexpr const char* k_dim = "\x1b[2m";
constexpr const char* k_reset = "\x1b[0m";

// Column of time `t` on a chart spanning [begin, begin + span]; span 0 puts all at column 0.
std::size_t column(std::int64_t t, std::int64_t begin, std::int64_t span) {
  if (span <= 0 || t <= begin) return 0;
  if (t - begin >= span) return k_chart_width - 1;
  // long double: spans of years in seconds times 39 still fit exactly enough.
  const long double f = static_cast<long double>(t - begin) / static_cast<long double>(span);
  return static_cast<std::size_t>(f * static_cast<long double>(k_chart_width - 1) + 0.5L);
}

// Pads or cuts terminal-safe UTF-8 to `width` code points (cutting at a code point boundary,
// so the output stays valid UTF-8).
std::string fit(const std::string& text, std::size_t width) {
  std::string out;
  std::size_t points = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto b = static_cast<unsigned char>(text[i]);
    const bool starts_point = (b & 0xC0u) != 0x80u;
    if (starts_point && ++points > width) {
      // Leave room for the ellipsis: drop the last kept code point.
      while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0u) == 0x80u) {
        out.pop_back();
      }
      if (!out.empty()) out.pop_back();
      return out + "~";
    }
    out += text[i];
  }
  return out + std::string(width - points, ' ');
}

}  // namespace

std::string render_timeline_text(const analysis_report& report, bool colour) {
  const auto doc = nlohmann::ordered_json::parse(render_json(report), nullptr, false);
  const detail::timeline t = detail::read_timeline(doc);
  if (t.empty()) return {};
  const auto paint = [colour](const char* code, const std::string& s) {
    return colour ? code + s + k_reset : s;
  };
  const std::int64_t begin = *t.begin;
  const std::int64_t span = t.span();
  std::string out = "Timeline (to scale over " + detail::format_duration(span) +
                    "; * hop, - waiting, ! stamp as written by a clock judged off)\n";
  std::optional<std::size_t> previous;  // column of the previous dated hop
  for (const auto& h : t.hops) {
    std::string label = h.label.empty() ? "(no by-host)" : escape_for_terminal(h.label);
    // Numbered from 1 like the hop table of the terminal report.
    const std::size_t number = h.index + 1;
    out += (number < 10    ? "  "
            : number < 100 ? " "
                           : "") +
           std::to_string(number) + " " + fit(label, k_label_width) + " ";
    if (!h.adjusted) {
      out += paint(k_dim, std::string(k_chart_width, ' ') + "  no date") + "\n";
      continue;
    }
    std::string bar(k_chart_width, '.');
    const std::size_t at = column(*h.adjusted, begin, span);
    if (previous) {
      for (std::size_t c = *previous + 1; c < at; ++c) bar[c] = '-';
    }
    bar[at] = '*';
    std::optional<std::size_t> raw_at;
    if (h.skewed && h.raw && *h.raw != *h.adjusted) {
      const std::size_t rc = column(*h.raw, begin, span);
      raw_at = rc;
      const char mark = *h.raw < begin ? '<' : *h.raw > begin + span ? '>' : '!';
      if (rc != at) bar[rc] = mark;
    }
    previous = at;
    std::string chart;
    // Colour only the markers: the bar itself stays readable without colour.
    for (std::size_t c = 0; c < bar.size(); ++c) {
      const std::string cell(1, bar[c]);
      if (raw_at && c == *raw_at && c != at) {
        chart += paint(k_red, cell);
      } else if (bar[c] == '.') {
        chart += paint(k_dim, cell);
      } else {
        chart += cell;
      }
    }
    out += "|" + chart + "| ";
    out += h.delay ? "+" + detail::format_duration(*h.delay) : std::string("start");
    if (h.skewed) {
      std::string note;
      if (h.clock_offset && *h.clock_offset != 0) {
        note = "clock " +
               detail::format_duration(*h.clock_offset < 0 ? -*h.clock_offset : *h.clock_offset) +
               (*h.clock_offset > 0 ? " ahead" : " behind");
      } else if (h.raw_delay && *h.raw_delay < 0) {
        note = "stamped " + detail::format_duration(-*h.raw_delay) + " before the previous hop";
      } else {
        note = "clock suspect";
      }
      out += "  " + paint(k_yellow, note);
    }
    out += "\n";
  }
  return out;
}

}  // namespace hopscope
