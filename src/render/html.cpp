// The self-contained HTML report. It is built from the report's JSON document (render_json),
// not from the structs, so every section shows whatever the JSON schema holds (auth, bounce
// and probe keys appear here as soon as the JSON has them) and the page cannot drift from
// what `--json` says.
//
// Safety model: the page carries no script at all and a Content-Security-Policy that forbids
// scripts, frames, fetches and external resources, so even an escaping bug could not run
// code or call home. On top of that every string that came from the message goes through
// escape_html(), which escapes the five HTML metacharacters (safe in text, in quoted
// attributes and in SVG text) and makes controls and bidi overrides visible instead of
// letting them reorder the page.

#include "hopscope/html.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hopscope/header.hpp"
#include "hopscope/render.hpp"
#include "render/timeline_model.hpp"

namespace hopscope {
namespace {

using json = nlohmann::ordered_json;

// `style-src 'unsafe-inline'` only admits our own <style> block: message text never reaches
// a style context (it is escaped into text nodes and quoted attribute values only).
constexpr std::string_view k_csp =
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; script-src 'none'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'";

constexpr std::string_view k_style = R"css(
:root{--fg:#1d2330;--muted:#5b6475;--line:#d9dee8;--bg:#fff;--panel:#f6f8fb;--accent:#2457c5;
--bad:#c62828;--warn:#b26a00;--ok:#2e7d32;--hl:#fff3bf}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);
background:var(--bg);margin:0 auto;max-width:1200px;padding:16px 24px 48px}
h1{font-size:20px;margin:8px 0 4px}h2{font-size:16px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
.sub{color:var(--muted);margin:0 0 12px}
dl.summary{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}
dl.summary dt{color:var(--muted)}dl.summary dd{margin:0;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:var(--panel);font-weight:600}
tr.origin td{background:#eef4ff}tr.skewed td.time{color:var(--bad);font-weight:600}
.tag{display:inline-block;padding:0 6px;border-radius:8px;font-size:12px;background:var(--panel);border:1px solid var(--line)}
.trust-internal{color:var(--ok)}.trust-boundary{color:var(--accent);font-weight:600}.trust-external{color:var(--muted)}
.sev-problem{color:var(--bad);font-weight:600}.sev-warning{color:var(--warn);font-weight:600}
.sev-notice{color:var(--accent)}.sev-info{color:var(--muted)}
.small{font-size:12px;color:var(--muted)}
.esc{color:var(--bad);background:#fdecea;border-radius:3px;padding:0 2px;font-family:ui-monospace,monospace}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
bdi{unicode-bidi:isolate}
svg.timeline{width:100%;height:auto;background:var(--panel);border:1px solid var(--line);border-radius:6px}
svg.timeline text{font:12px system-ui,sans-serif;fill:var(--fg)}
svg.timeline text.muted{fill:var(--muted)}svg.timeline text.bad{fill:var(--bad)}
svg.timeline .axis{stroke:var(--muted);stroke-width:1}svg.timeline .grid{stroke:var(--line);stroke-width:1}
svg.timeline .delay{fill:#9db7ee}svg.timeline .adjusted{fill:var(--accent)}
svg.timeline .skewed .adjusted{fill:var(--bad)}
svg.timeline .raw{fill:#fff;stroke:var(--bad);stroke-width:2}
svg.timeline .skew-line{stroke:var(--bad);stroke-width:1.5;stroke-dasharray:4 3}
.legend{margin:6px 0 0}.legend span{margin-right:16px}
.headers{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;
background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:8px;overflow-x:auto}
.field{white-space:pre-wrap;overflow-wrap:anywhere;padding:1px 4px;border-left:3px solid transparent}
.field .name{font-weight:700}.field.hop-line{background:var(--hl);border-left-color:var(--warn)}
.field .hop-ref{float:right;font-family:system-ui,sans-serif;font-size:11px}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0}
dl.kv dt{color:var(--muted)}dl.kv dd{margin:0;overflow-wrap:anywhere}
.none{color:var(--muted)}
.pv{display:inline-block;white-space:nowrap;margin-right:8px}
table.hops td:nth-child(4){white-space:nowrap}table.hops td:nth-child(7){min-width:140px;max-width:260px}
table.hops td:nth-child(8){max-width:230px}ul{margin:4px 0;padding-left:20px}
footer{margin-top:32px;color:var(--muted);font-size:12px}
)css";

// ---- escaping -------------------------------------------------------------------------------

// Code points that must not act on the page's layout: bidi embeddings, overrides, isolates
// and marks (Trojan Source, CVE-2021-42574: "moc.elgoog" shown as "google.com"), line and
// paragraph separators, and the BOM / zero-width no-break space.
bool is_hidden_format(char32_t cp) noexcept {
  return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF;
}

// Decodes one code point of valid UTF-8 (the caller made it valid with to_valid_utf8).
char32_t decode_valid(std::string_view s, std::size_t& i) noexcept {
  const auto b0 = static_cast<unsigned char>(s[i++]);
  if (b0 < 0x80) return b0;
  const std::size_t extra = b0 >= 0xF0 ? 3 : b0 >= 0xE0 ? 2 : 1;
  char32_t cp = b0 & (0x3Fu >> extra);
  for (std::size_t k = 0; k < extra && i < s.size(); ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(s[i++]) & 0x3Fu);
  }
  return cp;
}

void append_code_escape(std::string& out, char32_t cp) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  const bool byte = cp < 0x80;
  out += byte ? "\\x" : "\\u";
  for (int shift = byte ? 4 : 12; shift >= 0; shift -= 4) {
    out += k_hex[(cp >> static_cast<unsigned>(shift)) & 0xFu];
  }
}

// `markup`: wrap visible escapes in a span (text context only; attributes get plain text).
// `keep_newlines`: header values keep their folding line breaks.
std::string escape(std::string_view raw, bool markup, bool keep_newlines = false) {
  const std::string text = to_valid_utf8(raw);
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t start = i;
    const char32_t cp = decode_valid(text, i);
    switch (cp) {
      case '&':
        out += "&amp;";
        continue;
      case '<':
        out += "&lt;";
        continue;
      case '>':
        out += "&gt;";
        continue;
      case '"':
        out += "&quot;";
        continue;
      case '\'':
        out += "&#39;";
        continue;
      default:
        break;
    }
    const bool newline_kept = keep_newlines && (cp == '\n' || cp == '\t');
    if (!newline_kept && (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || is_hidden_format(cp))) {
      if (markup) out += "<span class=\"esc\">";
      append_code_escape(out, cp);
      if (markup) out += "</span>";
      continue;
    }
    out.append(text, start, i - start);
  }
  return out;
}

// Message text in a text node, isolated so right-to-left text cannot reorder its neighbours.
std::string m(std::string_view raw) { return "<bdi>" + escape(raw, true) + "</bdi>"; }
std::string attr(std::string_view raw) { return escape(raw, false); }

// ---- JSON access that never throws ----------------------------------------------------------

const json& at(const json& object, const char* key) {
  static const json k_null;
  if (!object.is_object()) return k_null;
  const auto it = object.find(key);
  return it == object.end() ? k_null : *it;
}
std::string str(const json& v) { return v.is_string() ? v.get<std::string>() : std::string(); }
std::optional<std::int64_t> num(const json& v) {
  if (v.is_number_integer()) return v.get<std::int64_t>();
  return std::nullopt;
}
std::string text_or_dash(const json& v) {
  const std::string s = str(v);
  return s.empty() ? std::string("<span class=\"none\">&#8212;</span>") : m(s);
}

// Any JSON value as HTML, for sections whose schema belongs to other modules (auth, bounce,
// probe): objects become key/value lists, arrays of objects tables. Keys are escaped too.
void render_value(std::string& out, const json& v, int depth) {
  if (depth > 8) {
    out += "&#8230;";
    return;
  }
  if (v.is_null()) {
    out += "<span class=\"none\">&#8212;</span>";
  } else if (v.is_boolean()) {
    out += v.get<bool>() ? "yes" : "no";
  } else if (v.is_number()) {
    out += attr(v.dump());
  } else if (v.is_string()) {
    out += m(v.get<std::string>());
  } else if (v.is_array()) {
    if (v.empty()) {
      out += "<span class=\"none\">none</span>";
      return;
    }
    const bool rows = std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_object(); });
    if (rows) {
      std::vector<std::string> keys;
      for (const auto& e : v) {
        for (const auto& [k, _] : e.items()) {
          if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
        }
      }
      out += "<table class=\"generic\"><thead><tr>";
      for (const auto& k : keys) out += "<th>" + m(k) + "</th>";
      out += "</tr></thead><tbody>";
      for (const auto& e : v) {
        out += "<tr>";
        for (const auto& k : keys) {
          out += "<td>";
          render_value(out, at(e, k.c_str()), depth + 1);
          out += "</td>";
        }
        out += "</tr>";
      }
      out += "</tbody></table>";
    } else {
      out += "<ul>";
      for (const auto& e : v) {
        out += "<li>";
        render_value(out, e, depth + 1);
        out += "</li>";
      }
      out += "</ul>";
    }
  } else if (v.is_object()) {
    if (v.empty()) {
      out += "<span class=\"none\">none</span>";
      return;
    }
    out += "<dl class=\"kv\">";
    for (const auto& [k, e] : v.items()) {
      out += "<dt>" + m(k) + "</dt><dd>";
      render_value(out, e, depth + 1);
      out += "</dd>";
    }
    out += "</dl>";
  }
}

// ---- sections -------------------------------------------------------------------------------

int severity_rank(const std::string& s) {
  if (s == "problem") return 0;
  if (s == "warning") return 1;
  if (s == "notice") return 2;
  if (s == "info") return 3;
  return 4;
}

void summary_section(std::string& out, const json& doc) {
  const json& s = at(doc, "summary");
  out += "<section id=\"summary\"><h2>Summary</h2><dl class=\"summary\">";
  const auto row = [&out](std::string_view label, const std::string& html) {
    out += "<dt>";
    out += label;
    out += "</dt><dd>" + html + "</dd>";
  };
  row("From", text_or_dash(at(s, "from")));
  row("To", text_or_dash(at(s, "to")));
  row("Subject", text_or_dash(at(s, "subject")));
  std::string date = text_or_dash(at(s, "date"));
  if (at(s, "date_utc").is_string())
    date += " <span class=\"small\">(" + m(str(at(s, "date_utc"))) + ")</span>";
  row("Date", date);
  row("Message-ID", text_or_dash(at(s, "message_id")));
  const json& hops = at(doc, "hops");
  row("Hops", std::to_string(hops.is_array() ? hops.size() : 0));
  const auto origin = num(at(doc, "origin_hop"));
  row("Origin", origin ? m(str(at(doc, "origin_ip"))) + " <span class=\"small\">(hop " +
                             std::to_string(*origin) + ")</span>"
                       : std::string("<span class=\"none\">not determined</span>"));
  const auto total = num(at(doc, "total_seconds"));
  const auto raw_total = num(at(doc, "raw_total_seconds"));
  std::string t = total ? detail::format_duration(*total) : std::string("unknown");
  if (raw_total && (!total || *raw_total != *total)) {
    t += " <span class=\"small\">(" + detail::format_duration(*raw_total) +
         " as stamped, before clock-skew adjustment)</span>";
  }
  row("Transit time", t);
  row("Source", m(str(at(doc, "source"))));
  const json& fixups = at(doc, "fixups");
  if (fixups.is_array() && !fixups.empty()) {
    std::string f = "<ul>";
    for (const auto& x : fixups) f += "<li>" + m(str(at(x, "message"))) + "</li>";
    row("Input repaired", f + "</ul>");
  }
  if (at(doc, "invalid_utf8_replaced").is_boolean() &&
      at(doc, "invalid_utf8_replaced").get<bool>()) {
    row("Encoding", "some bytes were not UTF-8 and are shown as &#65533;");
  }
  out += "</dl></section>\n";
}

// Inline SVG: one row per hop, x = time. Filled dots sit at the skew-adjusted time (which is
// the stamp itself when no clock was judged off); a hollow diamond marks a skewed hop's stamp
// as written, joined to its adjusted dot. Bars between dots are the delays, to scale.
void timeline_section(std::string& out, const json& doc) {
  const detail::timeline t = detail::read_timeline(doc);
  out += "<section id=\"timeline\"><h2>Timeline</h2>";
  if (t.empty()) {
    out += "<p class=\"none\">No hop carries a readable date.</p></section>\n";
    return;
  }
  constexpr int k_left = 250, k_right = 210, k_width = 1000, k_row = 28, k_top = 34;
  constexpr int k_plot = k_width - k_left - k_right;
  const int height = k_top + static_cast<int>(t.hops.size()) * k_row + 12;
  const std::int64_t begin = *t.begin, span = t.span();
  const auto x_of = [&](std::int64_t when) {
    if (span <= 0) return static_cast<double>(k_left);
    const double f = static_cast<double>(when - begin) / static_cast<double>(span);
    return k_left + std::clamp(f, 0.0, 1.0) * k_plot;
  };
  const auto fmt = [](double v) { return std::to_string(static_cast<long long>(v + 0.5)); };
  out += "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
         std::to_string(k_width) + " " + std::to_string(height) +
         "\" role=\"img\" aria-label=\"Hop timeline over " + detail::format_duration(span) + "\">";
  // Axis with five ticks: offsets from the first dated hop.
  out += "<line class=\"axis\" x1=\"" + std::to_string(k_left) + "\" y1=\"24\" x2=\"" +
         std::to_string(k_left + k_plot) + "\" y2=\"24\"/>";
  const int ticks = span > 0 ? 4 : 0;  // one instant: one tick, not five "+0s"
  for (int k = 0; k <= ticks; ++k) {
    const double x = k_left + k_plot * k / 4.0;
    const std::int64_t offset = span * k / 4;
    out += "<line class=\"grid\" x1=\"" + fmt(x) + "\" y1=\"24\" x2=\"" + fmt(x) + "\" y2=\"" +
           std::to_string(height - 6) + "\"/>";
    out += "<text class=\"muted\" x=\"" + fmt(x) + "\" y=\"16\" text-anchor=\"middle\">+" +
           detail::format_duration(offset) + "</text>";
  }
  std::optional<double> previous_x;
  for (const auto& h : t.hops) {
    const int y = k_top + static_cast<int>(h.index) * k_row + k_row / 2;
    const std::string ys = std::to_string(y);
    std::string label = h.label.empty() ? std::string("(no by-host)") : h.label;
    // Cut long host names by code point, so the label stays valid UTF-8 and off the plot.
    std::size_t points = 0, cut = label.size();
    for (std::size_t i = 0; i < label.size(); ++i) {
      if ((static_cast<unsigned char>(label[i]) & 0xC0u) != 0x80u && ++points > 32) {
        cut = i;
        break;
      }
    }
    if (cut < label.size()) label = label.substr(0, cut) + "\xE2\x80\xA6";
    out += "<g class=\"hop-mark" + std::string(h.skewed ? " skewed" : "") + "\" data-hop=\"" +
           std::to_string(h.index) + "\">";
    out += "<title>hop " + std::to_string(h.index) + ": " + escape(h.label, false) + "</title>";
    out += "<text x=\"" + std::to_string(k_left - 10) + "\" y=\"" + std::to_string(y + 4) +
           "\" text-anchor=\"end\">" + std::to_string(h.index) + "  " + escape(label, false) +
           "</text>";
    if (!h.adjusted) {
      out += "<text class=\"muted\" x=\"" + std::to_string(k_left) + "\" y=\"" +
             std::to_string(y + 4) + "\">no date</text></g>";
      continue;
    }
    const double x = x_of(*h.adjusted);
    if (previous_x && x > *previous_x) {
      out += "<rect class=\"delay\" x=\"" + fmt(*previous_x) + "\" y=\"" + std::to_string(y - 4) +
             "\" width=\"" + fmt(x - *previous_x) + "\" height=\"8\" rx=\"2\"/>";
    }
    if (h.skewed && h.raw && *h.raw != *h.adjusted) {
      const double rx = x_of(*h.raw);
      out += "<line class=\"skew-line\" x1=\"" + fmt(rx) + "\" y1=\"" + ys + "\" x2=\"" + fmt(x) +
             "\" y2=\"" + ys + "\"/>";
      out += "<path class=\"raw\" d=\"M" + fmt(rx) + " " + std::to_string(y - 7) +
             "l7 7l-7 7l-7 -7z\"/>";
    }
    out += "<circle class=\"adjusted\" cx=\"" + fmt(x) + "\" cy=\"" + ys + "\" r=\"5\"/>";
    std::string note = h.delay ? "+" + detail::format_duration(*h.delay) : std::string("start");
    if (h.skewed) {
      if (h.clock_offset && *h.clock_offset != 0) {
        note += ", clock " +
                detail::format_duration(*h.clock_offset < 0 ? -*h.clock_offset : *h.clock_offset) +
                (*h.clock_offset > 0 ? " ahead" : " behind");
      } else if (h.raw_delay && *h.raw_delay < 0) {
        note += ", stamped " + detail::format_duration(-*h.raw_delay) + " early";
      } else {
        note += ", clock suspect";
      }
    }
    out += "<text class=\"" + std::string(h.skewed ? "bad" : "muted") + "\" x=\"" +
           std::to_string(k_left + k_plot + 12) + "\" y=\"" + std::to_string(y + 4) + "\">" + note +
           "</text></g>";
    previous_x = x;
  }
  out += "</svg>";
  out +=
      "<p class=\"legend small\"><span>&#9679; hop time (skew-adjusted)</span>"
      "<span>&#9671; stamp as written by a clock judged off</span>"
      "<span>&#9644; waiting between hops, to scale</span></p>";
  const json& skews = at(doc, "clock_skew");
  if (skews.is_array() && !skews.empty()) {
    out += "<h3 class=\"small\">Clock skew</h3>";
    render_value(out, skews, 0);
  }
  out += "</section>\n";
}

std::string who(const json& from) {
  std::string s;
  if (const std::string helo = str(at(from, "helo")); !helo.empty()) {
    s += "<div><span class=\"small\">helo</span> " + m(helo) + "</div>";
  }
  if (const std::string rdns = str(at(from, "rdns")); !rdns.empty()) {
    s += "<div><span class=\"small\">rdns</span> " + m(rdns) + "</div>";
  }
  if (const std::string ip = str(at(from, "ip")); !ip.empty()) {
    s += "<div class=\"mono\">" + m(ip) + " <span class=\"tag\">" + m(str(at(from, "ip_scope"))) +
         "</span></div>";
  }
  return s.empty() ? std::string("<span class=\"none\">&#8212;</span>") : s;
}

void hops_section(std::string& out, const json& doc) {
  const json& hops = at(doc, "hops");
  const detail::timeline t = detail::read_timeline(doc);
  out += "<section id=\"hops\"><h2>Hops <span class=\"small\">(origin first)</span></h2>";
  if (!hops.is_array() || hops.empty()) {
    out += "<p class=\"none\">No Received fields.</p></section>\n";
    return;
  }
  out +=
      "<table class=\"hops\"><thead><tr><th>#</th><th>From</th><th>By</th><th>With</th>"
      "<th>Time (UTC)</th><th>Delay</th><th>Trust</th><th>Provenance</th><th>Notes</th>"
      "</tr></thead><tbody>";
  for (std::size_t i = 0; i < hops.size(); ++i) {
    const json& h = hops[i];
    const bool skewed = i < t.hops.size() && t.hops[i].skewed;
    const bool origin = at(h, "origin").is_boolean() && at(h, "origin").get<bool>();
    const std::string n = std::to_string(i);
    out += "<tr class=\"hop-row" + std::string(origin ? " origin" : "") +
           (skewed ? " skewed" : "") + "\" id=\"hop-" + n + "\">";
    out += "<td><a href=\"#raw-" + n + "\">" + n + "</a>" +
           (origin ? "<div class=\"tag\">origin</div>" : "") + "</td>";
    out += "<td>" + who(at(h, "from")) + "</td>";
    out += "<td>" + text_or_dash(at(at(h, "by"), "host")) + "</td>";
    std::string with = text_or_dash(at(h, "with"));
    const json& tls = at(h, "tls");
    if (at(tls, "used").is_boolean() && at(tls, "used").get<bool>()) {
      with += " <span class=\"tag\">TLS";
      if (const std::string v = str(at(tls, "version")); !v.empty()) with += " " + m(v);
      with += "</span>";
    }
    if (at(h, "authenticated").is_boolean() && at(h, "authenticated").get<bool>()) {
      with += " <span class=\"tag\">authenticated</span>";
    }
    out += "<td>" + with + "</td>";
    const json& time = at(h, "time");
    std::string when =
        time.is_object() ? m(str(at(time, "utc"))) : "<span class=\"none\">no date</span>";
    if (const std::string adj = str(at(h, "adjusted_utc")); skewed && !adj.empty()) {
      when += "<div class=\"small\">adjusted " + m(adj) + "</div>";
    }
    out += "<td class=\"time\">" + when + "</td>";
    std::string delay;
    if (const auto d = num(at(h, "delay_seconds"))) delay = detail::format_duration(*d);
    if (const auto a = num(at(h, "adjusted_delay_seconds"));
        a && (!num(at(h, "delay_seconds")) || *a != *num(at(h, "delay_seconds")))) {
      delay += "<div class=\"small\">adjusted " + detail::format_duration(*a) + "</div>";
    }
    if (const auto sk = num(at(h, "skew_seconds"))) {
      delay += "<div class=\"sev-warning\">skew " + detail::format_duration(*sk) + "</div>";
    }
    out += "<td>" + (delay.empty() ? std::string("<span class=\"none\">&#8212;</span>") : delay) +
           "</td>";
    std::string trust = "<span class=\"none\">&#8212;</span>";
    if (const std::string tr = str(at(h, "trust")); !tr.empty()) {
      trust = "<span class=\"trust-" + attr(tr) + "\">" + m(tr) + "</span>";
      const json& reasons = at(h, "trust_reasons");
      if (reasons.is_array() && !reasons.empty()) {
        trust += "<div class=\"small\">" + m(str(reasons[0])) + "</div>";
      }
    }
    out += "<td>" + trust + "</td>";
    std::string prov;
    const json& p = at(h, "provenance");
    if (p.is_object()) {
      for (const auto& [k, v] : p.items()) {
        const std::string s = str(v);
        if (s.empty() || s == "absent") continue;
        prov += "<span class=\"pv\"><span class=\"small\">" + m(k) + "</span> " + m(s) + "</span> ";
      }
    } else if (const std::string c = str(at(h, "convention")); !c.empty()) {
      prov = "<span class=\"pv\"><span class=\"small\">convention</span> " + m(c) + "</span>";
    }
    out += "<td>" + (prov.empty() ? std::string("<span class=\"none\">&#8212;</span>") : prov) +
           "</td>";
    std::string notes;
    const json& diags = at(h, "diagnostics");
    if (diags.is_array()) {
      for (const auto& d : diags) notes += "<div>" + m(str(at(d, "message"))) + "</div>";
    }
    if (const std::string id = str(at(h, "id")); !id.empty()) {
      notes +=
          "<div><span class=\"small\">id</span> <span class=\"mono\">" + m(id) + "</span></div>";
    }
    if (const std::string f = str(at(h, "for")); !f.empty()) {
      notes += "<div><span class=\"small\">for</span> " + m(f) + "</div>";
    }
    out += "<td>" + notes + "</td></tr>";
  }
  out += "</tbody></table></section>\n";
}

void findings_section(std::string& out, const json& doc) {
  out += "<section id=\"findings\"><h2>Findings</h2>";
  const json& findings = at(doc, "findings");
  if (!findings.is_array() || findings.empty()) {
    out += "<p class=\"none\">Nothing to report.</p></section>\n";
    return;
  }
  std::vector<const json*> sorted;
  for (const auto& f : findings) sorted.push_back(&f);
  std::stable_sort(sorted.begin(), sorted.end(), [](const json* a, const json* b) {
    return severity_rank(str(at(*a, "severity"))) < severity_rank(str(at(*b, "severity")));
  });
  out +=
      "<table class=\"findings\"><thead><tr><th>Severity</th><th>Code</th><th>Hop</th>"
      "<th>What it means</th></tr></thead><tbody>";
  for (const json* f : sorted) {
    const std::string sev = str(at(*f, "severity"));
    out += "<tr class=\"finding\"><td class=\"sev-" + attr(sev) + "\">" + m(sev) + "</td>";
    out += "<td class=\"mono\">" + m(str(at(*f, "code"))) + "</td><td>";
    if (const auto hop = num(at(*f, "hop"))) {
      out += "<a href=\"#hop-" + std::to_string(*hop) + "\">" + std::to_string(*hop) + "</a>";
    }
    out += "</td><td>" + m(str(at(*f, "message"))) + "</td></tr>";
  }
  out += "</tbody></table></section>\n";
}

// A section for a key owned by another module; omitted when the document lacks it.
void generic_section(std::string& out, const json& doc, const char* key, const char* id,
                     const char* title) {
  const json& v = at(doc, key);
  if (v.is_null()) return;
  out += "<section id=\"";
  out += id;
  out += "\"><h2>";
  out += title;
  out += "</h2>";
  render_value(out, v, 0);
  out += "</section>\n";
}

void probes_section(std::string& out, const json& doc) {
  const json& hops = at(doc, "hops");
  if (!hops.is_array()) return;
  std::string body;
  for (std::size_t i = 0; i < hops.size(); ++i) {
    const json& p = at(hops[i], "probe");
    if (p.is_null()) continue;
    body += "<h3 class=\"small\">hop " + std::to_string(i) + " " +
            m(str(at(at(hops[i], "from"), "ip"))) + "</h3>";
    render_value(body, p, 0);
  }
  if (const json& probes = at(doc, "probes"); !probes.is_null()) render_value(body, probes, 0);
  if (body.empty()) return;
  out += "<section id=\"probes\"><h2>Probe results</h2>" + body + "</section>\n";
}

void headers_section(std::string& out, const json& doc) {
  out += "<section id=\"raw-headers\"><h2>Header fields</h2><div class=\"headers\">";
  const json& hops = at(doc, "hops");
  // Received ordinal (top first) -> hop index.
  std::vector<std::pair<std::size_t, std::size_t>> by_ordinal;
  if (hops.is_array()) {
    for (std::size_t i = 0; i < hops.size(); ++i) {
      if (const auto hi = num(at(hops[i], "header_index")); hi && *hi >= 0) {
        by_ordinal.emplace_back(static_cast<std::size_t>(*hi), i);
      }
    }
  }
  std::sort(by_ordinal.begin(), by_ordinal.end());
  const auto hop_for = [&](std::size_t ordinal) -> std::optional<std::size_t> {
    const auto it = std::lower_bound(by_ordinal.begin(), by_ordinal.end(),
                                     std::pair<std::size_t, std::size_t>(ordinal, 0));
    if (it == by_ordinal.end() || it->first != ordinal) return std::nullopt;
    return it->second;
  };
  const auto field = [&out](const std::string& name, const std::string& value,
                            std::optional<std::size_t> hop) {
    if (hop) {
      const std::string n = std::to_string(*hop);
      out += "<div class=\"field hop-line\" id=\"raw-" + n +
             "\"><a class=\"hop-ref\" href=\"#hop-" + n + "\">hop " + n + "</a>";
    } else {
      out += "<div class=\"field\">";
    }
    out += "<span class=\"name\">" + escape(name, true) + ":</span>" + escape(value, true, true) +
           "</div>";
  };
  const json& headers = at(doc, "headers");
  if (headers.is_array() && !headers.empty()) {
    std::size_t ordinal = 0;
    for (const auto& f : headers) {
      const std::string name = str(at(f, "name"));
      const bool received = iequals(name, "Received");
      field(name, str(at(f, "value")), received ? hop_for(ordinal) : std::nullopt);
      if (received) ++ordinal;
    }
  } else {
    // Only the Received fields are known: show them top first, as in the message.
    for (const auto& [ordinal, hop] : by_ordinal) {
      field("Received", " " + str(at(hops[hop], "raw")), hop);
    }
    out +=
        "<p class=\"small\">Only the Received fields are shown (the report was rendered "
        "without the message).</p>";
  }
  out += "</div></section>\n";
}

void diagnostics_section(std::string& out, const json& doc) {
  const json& d = at(doc, "diagnostics");
  if (!d.is_array() || d.empty()) return;
  out += "<section id=\"diagnostics\"><h2>Header notes</h2><ul>";
  for (const auto& x : d) {
    out += "<li><span class=\"mono\">" + m(str(at(x, "code"))) + "</span> " +
           m(str(at(x, "message"))) + "</li>";
  }
  out += "</ul></section>\n";
}

// The header fields of the message, as written, for the raw-headers section. Lives here (not
// in the JSON renderer) because only the HTML report needs the whole header section.
json headers_json(std::string_view bytes, const input_options& input) {
  json arr = json::array();
  if (bytes.empty()) return arr;
  const header_block block = split_header_block(normalise_input(bytes, input).header);
  for (std::size_t i = 0; i < block.size(); ++i) {
    arr.push_back(
        {{"name", to_valid_utf8(block.name(i))}, {"value", to_valid_utf8(block.raw_value(i))}});
  }
  return arr;
}

}  // namespace

std::string escape_html(std::string_view text) { return escape(text, false); }

std::string render_html(const analysis_report& report, const html_options& options) {
  json doc = options.document_json.empty() ? json::parse(render_json(report), nullptr, false)
                                           : json::parse(options.document_json, nullptr, false);
  if (!doc.is_object()) doc = json::object();
  if (!options.message_bytes.empty())
    doc["headers"] = headers_json(options.message_bytes, options.input);

  std::string out;
  out.reserve(32 * 1024);
  out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"";
  out += k_csp;
  out += "\">\n<meta name=\"referrer\" content=\"no-referrer\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  const std::string subject = str(at(at(doc, "summary"), "subject"));
  out += "<title>hopscope: " + attr(subject.empty() ? str(at(doc, "source")) : subject) +
         "</title>\n<style>";
  out += k_style;
  out += "</style></head>\n<body>\n<header><h1>Where this message has been</h1><p class=\"sub\">" +
         m(str(at(doc, "source"))) + "</p></header>\n";
  summary_section(out, doc);
  timeline_section(out, doc);
  hops_section(out, doc);
  findings_section(out, doc);
  generic_section(out, doc, "auth", "auth", "Authentication");
  generic_section(out, doc, "bounce", "bounce", "Bounce");
  probes_section(out, doc);
  headers_section(out, doc);
  diagnostics_section(out, doc);
  out +=
      "<footer>Made by hopscope. This page runs no scripts and loads nothing from the "
      "network; text from the message is shown escaped, with control and bidi characters "
      "made visible.</footer>\n</body></html>\n";
  return out;
}

}  // namespace hopscope
