// Probe output. Server bytes go through to_valid_utf8 (JSON) or escape_for_terminal (text):
// a greeting may carry escape sequences meant to rewrite the user's terminal.

#include "cli/probe_render.hpp"

#include <cstdio>
#include <string>

#include "hopscope/render.hpp"
#include "hopscope/smtp_reply.hpp"

namespace hopscope::cli {
namespace {

using nlohmann::json;

std::string u8(std::string_view s) { return to_valid_utf8(s); }
std::string esc(std::string_view s) { return escape_for_terminal(s); }

std::string ms_text(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, ms < 10 ? "%.2f ms" : "%.0f ms", ms);
  return buf;
}

json error_json(const std::optional<probe_error>& e) {
  if (!e) return nullptr;
  return json{{"code", e->code}, {"message", u8(e->message)}};
}

std::string code_title(int code) {
  const explanation e = explain_reply_code(code);
  return e.title;
}

// The enhanced status code (RFC 2034) a reply's first line starts with: "554 5.7.1 ...".
std::optional<explanation> enhanced_of(const probe_reply& r) {
  if (r.lines.empty()) return std::nullopt;
  const std::string_view first = r.lines.front();
  const auto status = parse_enhanced_status(first.substr(0, first.find(' ')));
  if (!status) return std::nullopt;
  return explain_enhanced_status(*status);
}

// Vendor diagnostics (Gmail, Microsoft 365, blocklists ...) recognised in the reply text.
std::vector<vendor_match> vendor_of(const probe_reply& r) {
  std::string text;
  for (const auto& l : r.lines) (text += l) += ' ';
  return match_vendor_diagnostics(text);
}

// "554 (Transaction failed) 5.7.1 (Delivery not authorized, message refused)"
std::string reply_summary(const probe_reply& r) {
  std::string out = std::to_string(r.code) + " (" + code_title(r.code) + ")";
  if (const auto e = enhanced_of(r)) out += " " + e->code + " (" + e->title + ")";
  for (const auto& v : vendor_of(r)) out += "; " + v.vendor + ": " + v.title;
  return out;
}

json reply_json(const std::optional<probe_reply>& r) {
  if (!r) return nullptr;
  json lines = json::array();
  for (const auto& l : r->lines) lines.push_back(u8(l));
  const explanation e = explain_reply_code(r->code);
  json explained{{"title", e.title}, {"outcome", e.outcome}};
  if (const auto enhanced = enhanced_of(*r)) {
    explained["enhanced"] = {{"code", enhanced->code},
                             {"title", enhanced->title},
                             {"meaning", enhanced->meaning},
                             {"permanent", enhanced->permanent}};
  }
  if (const auto vendor = vendor_of(*r); !vendor.empty()) {
    json list = json::array();
    for (const auto& v : vendor) {
      list.push_back({{"id", v.id}, {"vendor", v.vendor}, {"title", v.title}});
    }
    explained["vendor"] = list;
  }
  return json{{"code", r->code}, {"lines", lines}, {"explanation", explained}};
}

json caps_json(const std::optional<smtp_capabilities>& c) {
  if (!c) return nullptr;
  json auth = json::array();
  for (const auto& m : c->auth) auth.push_back(u8(m));
  return json{{"size", c->size ? json(*c->size) : json(nullptr)},
              {"pipelining", c->pipelining},
              {"starttls", c->starttls},
              {"8bitmime", c->eight_bit_mime},
              {"smtputf8", c->smtputf8},
              {"chunking", c->chunking},
              {"dsn", c->dsn},
              {"enhancedstatuscodes", c->enhanced_status_codes},
              {"binarymime", c->binary_mime},
              {"requiretls", c->requiretls},
              {"auth", auth}};
}

json ehlo_json(const std::optional<probe_reply>& r, const std::optional<smtp_capabilities>& c) {
  if (!r) return nullptr;
  json caps = json::array();
  if (c)
    for (const auto& k : c->keywords) caps.push_back(u8(k));
  json out = reply_json(r);
  out["capabilities"] = caps;
  out["parsed"] = caps_json(c);
  return out;
}

json tls_json(const std::optional<tls_result>& t) {
  if (!t) return nullptr;
  json sans = json::array();
  for (const auto& s : t->sans) sans.push_back(u8(s));
  return json{{"ok", t->ok},
              {"protocol", t->protocol},
              {"cipher", t->cipher},
              {"subject", u8(t->subject)},
              {"issuer", u8(t->issuer)},
              {"sans", sans},
              {"not_before", t->not_before},
              {"not_after", t->not_after},
              {"verify_result", t->verify_result},
              {"name_checked", u8(t->name_checked)},
              {"name_matches", t->name_matches ? json(*t->name_matches) : json(nullptr)},
              {"error", error_json(t->error)}};
}

}  // namespace

json probe_to_json(const probe_result& r, bool transcript) {
  json out{{"target", u8(r.target)},
           {"ip", r.ip.empty() ? json(nullptr) : json(r.ip)},
           {"skipped", r.skipped ? json(*r.skipped) : json(nullptr)}};
  if (r.reachability.attempted) {
    out["reachability"] = {
        {"method", r.reachability.method},
        {"ok", r.reachability.ok},
        {"rtt_ms", r.reachability.rtt_ms ? json(*r.reachability.rtt_ms) : json(nullptr)},
        {"note", r.reachability.note},
        {"error", error_json(r.reachability.error)}};
  } else {
    out["reachability"] = nullptr;
  }
  if (r.smtp.attempted) {
    json timings = json::object();
    for (const auto& t : r.smtp.timings) timings[t.step] = t.ms;
    json smtp{{"port", r.smtp.port},
              {"greeting", reply_json(r.smtp.greeting)},
              {"greeting_host", u8(r.smtp.greeting_host)},
              {"ehlo", ehlo_json(r.smtp.ehlo, r.smtp.capabilities)},
              {"helo_fallback", r.smtp.helo_fallback},
              {"starttls", tls_json(r.smtp.starttls)},
              {"ehlo_tls", ehlo_json(r.smtp.ehlo_tls, r.smtp.capabilities_tls)},
              {"quit", reply_json(r.smtp.quit)},
              {"error", error_json(r.smtp.error)},
              {"timings_ms", timings}};
    if (transcript) {
      json lines = json::array();
      for (const auto& l : r.smtp.transcript) {
        lines.push_back({{"dir", std::string(1, l.direction)}, {"text", u8(l.text)}});
      }
      smtp["transcript"] = lines;
    }
    out["smtp"] = smtp;
  } else {
    out["smtp"] = nullptr;
  }
  if (r.dns.attempted) {
    json ptr = json::array();
    for (const auto& p : r.dns.ptr) ptr.push_back(u8(p));
    json fwd = json::array();
    for (const auto& a : r.dns.forward_addresses) fwd.push_back(a);
    out["dns"] = {{"ptr", ptr},
                  {"forward_confirmed",
                   r.dns.forward_confirmed ? json(*r.dns.forward_confirmed) : json(nullptr)},
                  {"forward_addresses", fwd},
                  {"greeting_matches_ptr",
                   r.dns.greeting_matches_ptr ? json(*r.dns.greeting_matches_ptr) : json(nullptr)},
                  {"error", error_json(r.dns.error)}};
  } else {
    out["dns"] = nullptr;
  }
  out["elapsed_ms"] = r.elapsed_ms;
  return out;
}

json mx_to_json(const mx_result& r) {
  json records = json::array();
  for (const auto& rec : r.records) {
    json addrs = json::array();
    for (const auto& a : rec.addresses) addrs.push_back(a);
    records.push_back({{"preference", rec.preference},
                       {"exchange", u8(rec.exchange)},
                       {"addresses", addrs},
                       {"error", error_json(rec.error)}});
  }
  return json{{"domain", u8(r.domain)},
              {"mx", records},
              {"null_mx", r.null_mx},
              {"implicit", r.implicit},
              {"error", error_json(r.error)}};
}

std::string render_probe_text(const probe_result& r, bool verbose) {
  std::string out = esc(r.target);
  if (!r.ip.empty() && r.ip != r.target) out += " (" + r.ip + ")";
  out += "\n";
  if (r.skipped) return out + "  skipped: " + esc(*r.skipped) + "\n";

  if (r.dns.attempted) {
    out += "  dns:          ";
    if (!r.dns.ptr.empty()) {
      out += "PTR ";
      for (std::size_t i = 0; i < r.dns.ptr.size(); ++i) out += (i ? ", " : "") + esc(r.dns.ptr[i]);
      if (r.dns.forward_confirmed) {
        out += *r.dns.forward_confirmed ? ", forward-confirmed"
                                        : ", NOT forward-confirmed (the name does not resolve "
                                          "back to this address)";
      } else {
        out += ", forward confirmation unknown";
      }
    }
    if (r.dns.error) {
      out += (r.dns.ptr.empty() ? "" : "; ") + r.dns.error->code + ": " + esc(r.dns.error->message);
    }
    if (r.dns.greeting_matches_ptr) {
      out += *r.dns.greeting_matches_ptr ? "; greeting name matches the PTR"
                                         : "; greeting name differs from the PTR";
    }
    out += "\n";
  }
  if (r.reachability.attempted) {
    out += "  reachability: ";
    if (r.reachability.ok) {
      out += "answered by " + r.reachability.method + " in " + ms_text(*r.reachability.rtt_ms);
    } else {
      out += "no answer (" + r.reachability.method + ")";
      if (r.reachability.error) out += ": " + esc(r.reachability.error->message);
    }
    if (!r.reachability.note.empty()) out += " [" + esc(r.reachability.note) + "]";
    out += "\n";
  }
  if (r.smtp.attempted) {
    const auto& s = r.smtp;
    out += "  smtp:         port " + std::to_string(s.port);
    if (s.greeting) {
      out += ", greeting " + reply_summary(*s.greeting);
      if (!s.greeting->lines.empty()) out += ": " + esc(s.greeting->lines.front());
      if (s.greeting->lines.size() > 1) {
        out += " (+" + std::to_string(s.greeting->lines.size() - 1) + " lines)";
      }
    }
    out += "\n";
    if (s.ehlo) {
      out +=
          "  ehlo:         " + (s.ehlo->code == 250 ? std::string("250") : reply_summary(*s.ehlo)) +
          (s.helo_fallback ? " (HELO; EHLO refused)" : "");
      if (s.capabilities && !s.capabilities->keywords.empty()) {
        out += ":";
        std::size_t n = 0;
        for (const auto& k : s.capabilities->keywords) {
          out += (n++ ? ", " : " ") + esc(k);
        }
      }
      out += "\n";
    }
    if (s.starttls) {
      const auto& t = *s.starttls;
      out += "  starttls:     ";
      if (t.ok) {
        out += t.protocol + " " + t.cipher + "\n                subject " + esc(t.subject) +
               "\n                issuer " + esc(t.issuer) + "\n                valid " +
               t.not_before + " to " + t.not_after + "; chain: " + t.verify_result;
        if (!t.sans.empty()) {
          out += "\n                names";
          for (const auto& n : t.sans) out += " " + esc(n);
        }
        if (t.name_matches) {
          out += "\n                " + esc(t.name_checked) +
                 (*t.name_matches ? " matches the certificate" : " does NOT match the certificate");
        }
      } else if (t.error) {
        out += "failed: " + t.error->code + ": " + esc(t.error->message);
      }
      out += "\n";
    } else if (s.capabilities && !s.capabilities->starttls) {
      out += "  starttls:     not offered\n";
    }
    if (s.starttls_reply && s.starttls_reply->code != 220) {
      out += "  starttls:     refused: " + reply_summary(*s.starttls_reply) + "\n";
    }
    if (s.error) out += "  error:        " + s.error->code + ": " + esc(s.error->message) + "\n";
    if (!s.timings.empty()) {
      out += "  timings:     ";
      for (const auto& t : s.timings) out += " " + t.step + " " + ms_text(t.ms);
      out += "\n";
    }
    if (verbose && !s.transcript.empty()) {
      out += "  transcript:\n";
      for (const auto& l : s.transcript) {
        const char* prefix = l.direction == '>'   ? "   -> "
                             : l.direction == '<' ? "  <-  "
                                                  : "  === ";
        out += std::string("  ") + prefix + esc(l.text) + "\n";
      }
    }
  }
  return out;
}

std::string render_mx_text(const mx_result& r) {
  std::string out = esc(r.domain) + "\n";
  if (r.error) return out + "  error: " + r.error->code + ": " + esc(r.error->message) + "\n";
  if (r.null_mx) return out + "  null MX (RFC 7505): this domain accepts no mail\n";
  if (r.implicit)
    out += "  no MX records: mail goes to the domain's own addresses (RFC 5321 5.1)\n";
  for (const auto& rec : r.records) {
    out += "  " + std::to_string(rec.preference) + " " + esc(rec.exchange);
    for (const auto& a : rec.addresses) out += " " + a;
    if (rec.error) out += " (" + rec.error->code + ": " + esc(rec.error->message) + ")";
    out += "\n";
  }
  return out;
}

}  // namespace hopscope::cli
