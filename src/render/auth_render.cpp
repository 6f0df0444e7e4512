// The authentication and filter-verdict section: terminal text and JSON. Message bytes go
// through escape_for_terminal() (text) or to_valid_utf8() (JSON); our own words do not.

#include "render/auth_render.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

#include "hopscope/render.hpp"

namespace hopscope {
namespace {

struct palette {
  bool on = false;
  std::string_view bold() const { return on ? "\x1b[1m" : ""; }
  std::string_view dim() const { return on ? "\x1b[2m" : ""; }
  std::string_view red() const { return on ? "\x1b[31m" : ""; }
  std::string_view yellow() const { return on ? "\x1b[33m" : ""; }
  std::string_view green() const { return on ? "\x1b[32m" : ""; }
  std::string_view reset() const { return on ? "\x1b[0m" : ""; }
};

std::string esc(std::string_view s) { return escape_for_terminal(s); }

bool good(std::string_view r) { return r == "pass" || r == "bestguesspass"; }
bool bad(std::string_view r) {
  return r == "fail" || r == "softfail" || r == "permerror" || r == "hardfail" || r == "policy";
}

std::string coloured_result(const palette& p, std::string_view r) {
  if (r.empty()) return fmt::format("{}-{}", p.dim(), p.reset());
  const std::string_view c = good(r) ? p.green() : bad(r) ? p.red() : p.yellow();
  return fmt::format("{}{}{}", c, esc(r), p.reset());
}

std::string hop_text(std::optional<std::size_t> hop, hop_tie tie) {
  if (!hop) return "not tied to a hop";
  std::string_view how;
  switch (tie) {
    case hop_tie::authserv_id_host:
      how = "its id is that hop's by-host";
      break;
    case hop_tie::authserv_id_org:
      how = "same organisation as that hop's by-host";
      break;
    case hop_tie::authserv_id_search:
      how = "its id names that hop's by-host";
      break;
    case hop_tie::header_order:
      how = "by position: the Received field below it";
      break;
    case hop_tie::none:
      how = "";
      break;
  }
  return fmt::format("hop {} ({})", *hop + 1, how);
}

std::string_view kind_label(auth_field_kind k) {
  switch (k) {
    case auth_field_kind::authentication_results:
      return "Authentication-Results";
    case auth_field_kind::arc_authentication_results:
      return "ARC-Authentication-Results";
    case auth_field_kind::authentication_results_original:
      return "Authentication-Results-Original (moved here by a later system)";
    case auth_field_kind::x_original_authentication_results:
      return "X-Original-Authentication-Results (a copy kept by a forwarder)";
    case auth_field_kind::ms_exchange_authentication_results:
      return "X-MS-Exchange-Authentication-Results";
  }
  return "Authentication-Results";
}

void render_result_line(std::string& out, const palette& p, const auth_method_result& r) {
  auto o = std::back_inserter(out);
  fmt::format_to(o, "      {:<9} {}", esc(r.method), coloured_result(p, r.result));
  for (const auto& pr : r.properties) {
    // The b= fragment and similar carry nothing a person acts on.
    if (pr.ptype == "header" && pr.property == "b") continue;
    fmt::format_to(o, " {}.{}={}", esc(pr.ptype), esc(pr.property), esc(pr.value));
  }
  for (const auto& e : r.extras) fmt::format_to(o, " {}={}", esc(e.property), esc(e.value));
  if (!r.reason.empty()) fmt::format_to(o, " reason=\"{}\"", esc(r.reason));
  if (!r.comment.empty()) fmt::format_to(o, " {}({}){}", p.dim(), esc(r.comment), p.reset());
  out += "\n";
}

// The lines a person acts on, worst first.
void render_headlines(std::string& out, const palette& p, const authentication_report& rep) {
  std::vector<std::pair<int, std::string>> lines;  // (severity, text)
  // The receiving system nearest the recipient is the first Authentication-Results group.
  for (const auto& s : rep.by_authserv) {
    const std::string who =
        s.authserv_id.empty() ? std::string("Microsoft 365 (no id)") : esc(s.authserv_id);
    if (bad(s.dmarc)) {
      lines.emplace_back(3, fmt::format("DMARC {} at {}: the From domain was not authenticated",
                                        esc(s.dmarc), who));
    }
    if (bad(s.compauth)) {
      lines.emplace_back(
          3, fmt::format("Microsoft composite authentication {} at {}", esc(s.compauth), who));
    }
    if (bad(s.spf)) lines.emplace_back(2, fmt::format("SPF {} at {}", esc(s.spf), who));
    if (bad(s.dkim)) lines.emplace_back(2, fmt::format("DKIM {} at {}", esc(s.dkim), who));
  }
  bool any_aligned_pass = false, any_pass = false;
  for (const auto& a : rep.alignment) {
    if (good(a.result)) {
      any_pass = true;
      if (a.relaxed) any_aligned_pass = true;
    }
  }
  if (!rep.from_domain.empty() && any_pass && !any_aligned_pass) {
    lines.emplace_back(3, fmt::format("Nothing that passed is aligned with the From domain {}: "
                                      "the sender's identity is not vouched for",
                                      esc(rep.from_domain)));
  }
  if (rep.arc.state == "fail" || rep.arc.state == "broken") {
    lines.emplace_back(1, fmt::format("ARC chain {} (as the fields claim)", rep.arc.state));
  }
  for (const auto& v : rep.verdicts) {
    if (v.spam && *v.spam) lines.emplace_back(2, esc(v.summary));
  }
  std::stable_sort(lines.begin(), lines.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [sev, text] : lines) {
    const std::string_view c = sev >= 3 ? p.red() : sev == 2 ? p.yellow() : p.dim();
    fmt::format_to(std::back_inserter(out), "  {}!{} {}\n", c, p.reset(), text);
  }
}

}  // namespace

std::string render_auth_text(const authentication_report& rep, bool colour) {
  const palette p{colour};
  std::string out;
  auto o = std::back_inserter(out);
  const bool any_auth = !rep.results.empty() || !rep.spf_fields.empty() ||
                        !rep.dkim_signatures.empty() || !rep.arc_sets.empty();
  if (any_auth) {
    fmt::format_to(o,
                   "{}Authentication{} (as each receiving system reported it; not re-verified)\n",
                   p.bold(), p.reset());
    render_headlines(out, p, rep);
    if (!rep.from_domain.empty()) fmt::format_to(o, "  From domain: {}\n", esc(rep.from_domain));
    if (!rep.by_authserv.empty()) {
      fmt::format_to(o, "  By receiving system (top = nearest the recipient):\n");
      for (const auto& s : rep.by_authserv) {
        fmt::format_to(o, "    {}{}{}  spf={} dkim={} dmarc={} arc={}", p.bold(),
                       s.authserv_id.empty() ? std::string("(no authserv-id: Microsoft 365)")
                                             : esc(s.authserv_id),
                       p.reset(), coloured_result(p, s.spf), coloured_result(p, s.dkim),
                       coloured_result(p, s.dmarc), coloured_result(p, s.arc));
        if (!s.compauth.empty()) fmt::format_to(o, " compauth={}", coloured_result(p, s.compauth));
        fmt::format_to(o, "  {}[{}]{}\n", p.dim(), hop_text(s.hop, s.tie), p.reset());
        for (const std::size_t k : s.fields) {
          const auto& f = rep.results[k];
          if (f.kind != auth_field_kind::authentication_results) {
            fmt::format_to(o, "     {}{}{}\n", p.dim(), kind_label(f.kind), p.reset());
          }
          for (const auto& r : f.results) render_result_line(out, p, r);
          if (!f.notes.empty()) {
            fmt::format_to(o, "      {}notes:", p.dim());
            for (const auto& n : f.notes) fmt::format_to(o, " {}", n);
            fmt::format_to(o, "{}\n", p.reset());
          }
        }
      }
    }
    if (!rep.alignment.empty()) {
      fmt::format_to(o, "  Alignment with the From domain{}:\n",
                     rep.from_domain.empty() ? " (no From domain)" : "");
      for (const auto& a : rep.alignment) {
        const std::string_view state = a.strict    ? "aligned (strict and relaxed)"
                                       : a.relaxed ? "aligned (relaxed only)"
                                                   : "not aligned";
        fmt::format_to(o, "    {:<4} {:<32} result {:<9} {}{}{}  {}from {}{}\n",
                       a.mechanism == "dkim" ? "DKIM" : "SPF", esc(a.domain),
                       coloured_result(p, a.result), a.relaxed ? p.green() : p.yellow(), state,
                       p.reset(), p.dim(), a.source, p.reset());
      }
    }
    if (!rep.arc_sets.empty()) {
      fmt::format_to(o, "  ARC: {} set{}, chain {} as claimed", rep.arc_sets.size(),
                     rep.arc_sets.size() == 1 ? "" : "s", rep.arc.state);
      for (const auto& pr : rep.arc.problems) fmt::format_to(o, "; {}", pr);
      out += "\n";
      for (const auto& s : rep.arc_sets) {
        fmt::format_to(o, "    i={} sealed by {} cv={}", s.instance,
                       s.seal_domain.empty() ? std::string("?") : esc(s.seal_domain),
                       s.chain_validation.empty() ? std::string("?") : esc(s.chain_validation));
        if (s.results) {
          const auto& f = rep.results[*s.results];
          fmt::format_to(o, "  results by {}",
                         f.authserv_id.empty() ? std::string("?") : esc(f.authserv_id));
          for (const auto& r : f.results) {
            fmt::format_to(o, " {}={}", esc(r.method), coloured_result(p, r.result));
          }
          fmt::format_to(o, "  {}[{}]{}", p.dim(), hop_text(f.hop, f.tie), p.reset());
        }
        out += "\n";
      }
    }
    for (const auto& d : rep.dkim_signatures) {
      fmt::format_to(o, "  DKIM-Signature d={} s={} a={}", esc(d.domain), esc(d.selector),
                     esc(d.algorithm));
      if (d.timestamp) fmt::format_to(o, " t={}", *d.timestamp);
      if (d.expiry) fmt::format_to(o, " x={}", *d.expiry);
      fmt::format_to(o, " ({} signed fields)", d.signed_headers.size());
      for (const auto& n : d.notes) fmt::format_to(o, " {}{}{}", p.yellow(), n, p.reset());
      out += "\n";
    }
    for (const auto& s : rep.spf_fields) {
      fmt::format_to(o, "  Received-SPF {}", coloured_result(p, s.result));
      if (!s.client_ip.empty()) fmt::format_to(o, " client-ip={}", esc(s.client_ip));
      if (!s.envelope_from.empty()) fmt::format_to(o, " envelope-from={}", esc(s.envelope_from));
      if (!s.helo.empty()) fmt::format_to(o, " helo={}", esc(s.helo));
      fmt::format_to(o, "  {}[{}]{}\n", p.dim(), hop_text(s.hop, s.tie), p.reset());
    }
  }
  if (!rep.verdicts.empty()) {
    fmt::format_to(o, "{}Filter verdicts{} (what each filter wrote)\n", p.bold(), p.reset());
    for (const auto& v : rep.verdicts) {
      const std::string_view c = !v.spam ? p.dim() : *v.spam ? p.red() : p.green();
      fmt::format_to(o, "  {}{}{}: {}{}{}", p.bold(), esc(v.field), p.reset(), c, esc(v.summary),
                     p.reset());
      if (v.hop) fmt::format_to(o, "  {}[hop {}]{}", p.dim(), *v.hop + 1, p.reset());
      out += "\n";
      for (const auto& it : v.items) {
        if (it.meaning.empty()) continue;  // undocumented internals: keep the section short
        fmt::format_to(o, "      {}={}  {}{}{}\n", esc(it.key), esc(it.value), p.dim(),
                       esc(it.meaning), p.reset());
      }
    }
  }
  return out;
}

namespace {

using detail::json_writer;

void properties_json(json_writer& w, const std::vector<auth_property>& props) {
  w.begin_array();
  for (const auto& p : props) {
    w.begin_object();
    w.key("ptype");
    w.string_or_null(p.ptype);
    w.key("property");
    w.string(p.property);
    w.key("value");
    w.string(p.value);
    w.end_object();
  }
  w.end_array();
}

void notes_json(json_writer& w, const std::vector<std::string>& notes) {
  w.begin_array();
  for (const auto& n : notes) w.literal(n);
  w.end_array();
}

}  // namespace

void write_auth_json(json_writer& w, const authentication_report& rep) {
  w.begin_object();
  w.key("from_domain");
  w.string_or_null(rep.from_domain);
  w.key("by_authserv");
  w.begin_array();
  for (const auto& s : rep.by_authserv) {
    w.begin_object();
    w.key("authserv_id");
    w.string_or_null(s.authserv_id);
    w.key("hop");
    w.optional(s.hop);
    w.key("tie");
    w.plain_word(to_string(s.tie));
    w.key("spf");
    w.string_or_null(s.spf);
    w.key("dkim");
    w.string_or_null(s.dkim);
    w.key("dmarc");
    w.string_or_null(s.dmarc);
    w.key("arc");
    w.string_or_null(s.arc);
    w.key("compauth");
    w.string_or_null(s.compauth);
    w.key("results");
    w.begin_array();
    for (const auto k : s.fields) w.number(k);
    w.end_array();
    w.end_object();
  }
  w.end_array();

  w.key("results");
  w.begin_array();
  for (const auto& f : rep.results) {
    w.begin_object();
    w.key("header_index");
    w.number(f.header_index);
    w.key("field");
    w.plain_word(to_string(f.kind));
    w.key("authserv_id");
    w.string_or_null(f.authserv_id);
    w.key("version");
    w.optional(f.version);
    w.key("arc_instance");
    w.optional(f.arc_instance);
    w.key("no_result");
    w.boolean(f.no_result);
    w.key("hop");
    w.optional(f.hop);
    w.key("tie");
    w.plain_word(to_string(f.tie));
    w.key("methods");
    w.begin_array();
    for (const auto& r : f.results) {
      w.begin_object();
      w.key("method");
      w.string(r.method);
      w.key("result");
      w.string(r.result);
      w.key("reason");
      w.string_or_null(r.reason);
      w.key("comment");
      w.string_or_null(r.comment);
      w.key("properties");
      properties_json(w, r.properties);
      w.key("extras");
      properties_json(w, r.extras);
      w.end_object();
    }
    w.end_array();
    w.key("loose_properties");
    properties_json(w, f.loose_properties);
    w.key("notes");
    notes_json(w, f.notes);
    w.end_object();
  }
  w.end_array();

  w.key("alignment");
  w.begin_array();
  for (const auto& a : rep.alignment) {
    w.begin_object();
    w.key("mechanism");
    w.literal(a.mechanism);
    w.key("domain");
    w.string(a.domain);
    w.key("source");
    w.literal(a.source);
    w.key("result");
    w.string_or_null(a.result);
    w.key("strict");
    w.boolean(a.strict);
    w.key("relaxed");
    w.boolean(a.relaxed);
    w.end_object();
  }
  w.end_array();

  w.key("arc");
  w.begin_object();
  w.key("state");
  w.literal(rep.arc.state);
  w.key("highest_instance");
  w.number(rep.arc.highest_instance);
  w.key("problems");
  notes_json(w, rep.arc.problems);
  w.key("sets");
  w.begin_array();
  for (const auto& s : rep.arc_sets) {
    w.begin_object();
    w.key("instance");
    w.number(s.instance);
    w.key("cv");
    w.string_or_null(s.chain_validation);
    w.key("seal_domain");
    w.string_or_null(s.seal_domain);
    w.key("seal_selector");
    w.string_or_null(s.seal_selector);
    w.key("seal_time");
    w.optional(s.seal_time);
    w.key("signature_domain");
    w.string_or_null(s.signature_domain);
    w.key("signature_time");
    w.optional(s.signature_time);
    w.key("seal_header_index");
    w.optional(s.seal_index);
    w.key("signature_header_index");
    w.optional(s.signature_index);
    w.key("results_header_index");
    w.optional(s.results_index);
    w.key("results");
    w.optional(s.results);
    w.key("duplicate");
    w.boolean(s.duplicate);
    w.end_object();
  }
  w.end_array();
  w.end_object();

  w.key("dkim_signatures");
  w.begin_array();
  for (const auto& d : rep.dkim_signatures) {
    w.begin_object();
    w.key("header_index");
    w.number(d.header_index);
    w.key("domain");
    w.string_or_null(d.domain);
    w.key("selector");
    w.string_or_null(d.selector);
    w.key("identity");
    w.string_or_null(d.identity);
    w.key("algorithm");
    w.string_or_null(d.algorithm);
    w.key("canonicalization");
    w.string_or_null(d.canonicalization);
    w.key("timestamp");
    w.optional(d.timestamp);
    w.key("expiry");
    w.optional(d.expiry);
    w.key("body_length");
    w.optional(d.body_length);
    w.key("signed_headers");
    w.begin_array();
    for (const auto& s : d.signed_headers) w.string(s);
    w.end_array();
    w.key("notes");
    notes_json(w, d.notes);
    w.end_object();
  }
  w.end_array();

  w.key("received_spf");
  w.begin_array();
  for (const auto& s : rep.spf_fields) {
    w.begin_object();
    w.key("header_index");
    w.number(s.header_index);
    w.key("result");
    w.string_or_null(s.result);
    w.key("comment");
    w.string_or_null(s.comment);
    w.key("client_ip");
    w.string_or_null(s.client_ip);
    w.key("envelope_from");
    w.string_or_null(s.envelope_from);
    w.key("helo");
    w.string_or_null(s.helo);
    w.key("receiver");
    w.string_or_null(s.receiver);
    w.key("identity");
    w.string_or_null(s.identity);
    w.key("mechanism");
    w.string_or_null(s.mechanism);
    w.key("hop");
    w.optional(s.hop);
    w.key("tie");
    w.plain_word(to_string(s.tie));
    w.end_object();
  }
  w.end_array();

  w.key("verdicts");
  w.begin_array();
  for (const auto& v : rep.verdicts) {
    w.begin_object();
    w.key("header_index");
    w.number(v.header_index);
    w.key("field");
    w.string(v.field);
    w.key("system");
    w.literal(v.system);
    w.key("summary");
    w.string(v.summary);
    w.key("spam");
    if (v.spam) {
      w.boolean(*v.spam);
    } else {
      w.null();
    }
    w.key("score");
    w.optional(v.score);
    w.key("threshold");
    w.optional(v.threshold);
    w.key("hop");
    w.optional(v.hop);
    w.key("items");
    w.begin_array();
    for (const auto& it : v.items) {
      w.begin_object();
      w.key("key");
      w.string(it.key);
      w.key("value");
      w.string(it.value);
      w.key("meaning");
      w.string_or_null(it.meaning);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

nlohmann::ordered_json auth_to_json(const authentication_report& rep) {
  std::string out;
  json_writer w(out);
  write_auth_json(w, rep);
  w.finish();
  return nlohmann::ordered_json::parse(out);
}

}  // namespace hopscope
