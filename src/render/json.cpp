// JSON rendering. The schema is documented in docs/json-schema.md; keys listed there as stable
// must not change. The document is streamed by detail::json_writer (no tree): every string
// from the message is made valid UTF-8 as it is escaped (invalid sequences become U+FFFD), so
// the output is valid UTF-8 whatever the input bytes were. The pretty form is the compact one
// indented by nlohmann (not on the batch hot path).

#include <nlohmann/json.hpp>

#include "hopscope/render.hpp"
#include "render/auth_render.hpp"
#include "render/bounce_render.hpp"
#include "render/json_writer.hpp"

namespace hopscope {
namespace {

using detail::json_writer;

// An RFC 3339 UTC time, formatted on the stack (a hop has two or three).
void utc_literal(json_writer& w, std::int64_t epoch, std::int32_t nanos = 0) {
  utc_text_buffer text;
  w.plain_word(std::string_view(text.data(), format_utc(epoch, nanos, text)));
}

void ip_or_null(json_writer& w, const std::optional<ip_address>& ip) {
  if (ip) {
    w.literal(ip->to_string());
  } else {
    w.null();
  }
}

void time_json(json_writer& w, const received_hop& r) {
  if (!r.time) {
    w.null();
    return;
  }
  const timestamp& t = *r.time;
  w.begin_object();
  w.key("raw");
  w.string(r.date_text);
  w.key("utc");
  utc_literal(w, t.epoch, t.nanos);
  w.key("epoch");
  w.number(t.epoch);
  w.key("offset_minutes");
  if (t.offset_known()) {
    w.number(t.offset_minutes);
  } else {
    w.null();
  }
  w.key("zone_rule");
  w.plain_word(to_string(t.zone));
  w.key("form");
  w.plain_word(to_string(t.form));
  w.end_object();
}

void strings_json(json_writer& w, const std::vector<std::string>& strings) {
  w.begin_array();
  for (const auto& s : strings) w.string(s);
  w.end_array();
}

void hop_json(json_writer& w, const hop& h, std::size_t index, bool is_origin) {
  const received_hop& r = h.received;
  w.begin_object();
  w.key("index");
  w.number(index);
  w.key("header_index");
  w.number(h.header_index);
  w.key("from");
  w.begin_object();
  w.key("helo");
  w.string_or_null(r.helo);
  w.key("rdns");
  w.string_or_null(r.rdns);
  w.key("ip");
  ip_or_null(w, r.ip);
  w.key("ip_scope");
  if (r.ip) {
    w.plain_word(to_string(h.scope));
  } else {
    w.null();
  }
  w.key("ip_source");
  w.plain_word(to_string(r.ip_from));
  w.key("token");
  w.string_or_null(r.from_token);
  w.key("ident");
  w.string_or_null(r.ident);
  w.key("rdns_unverified");
  w.boolean(r.rdns_unverified);
  w.end_object();
  w.key("by");
  w.begin_object();
  w.key("host");
  w.string_or_null(r.by_host);
  w.key("ip");
  ip_or_null(w, r.by_ip);
  w.end_object();
  w.key("via");
  w.string_or_null(r.via);
  w.key("with");
  w.string_or_null(r.with);
  w.key("protocol");
  w.string_or_null(r.protocol);
  w.key("tls");
  w.begin_object();
  w.key("used");
  w.boolean(r.tls);
  w.key("version");
  w.string_or_null(r.tls_version);
  w.key("cipher");
  w.string_or_null(r.tls_cipher);
  w.end_object();
  w.key("authenticated");
  w.boolean(r.authenticated);
  w.key("auth_detail");
  w.string_or_null(r.auth_detail);
  w.key("id");
  w.string_or_null(r.id);
  w.key("for");
  w.string_or_null(r.for_addr);
  w.key("envelope_from");
  w.string_or_null(r.envelope_from);
  w.key("time");
  time_json(w, r);
  w.key("date_without_semicolon");
  w.boolean(r.date_without_semicolon);
  w.key("delay_seconds");
  w.optional(h.delay_seconds);
  w.key("skew_seconds");
  w.optional(h.skew_seconds);
  w.key("raw_delay_seconds");
  w.optional(h.raw_delay_seconds);
  w.key("adjusted_delay_seconds");
  w.optional(h.adjusted_delay_seconds);
  w.key("adjusted_utc");
  if (h.adjusted_epoch) {
    utc_literal(w, *h.adjusted_epoch);
  } else {
    w.null();
  }
  w.key("clock_suspect");
  w.boolean(h.clock_suspect);
  w.key("clock_offset_seconds");
  w.optional(h.clock_offset_seconds);
  w.key("origin");
  w.boolean(is_origin);
  w.key("trust");
  w.plain_word(to_string(h.trust));
  w.key("trust_reasons");
  strings_json(w, h.trust_reasons);
  const hop_provenance& p = h.provenance;
  w.key("provenance");
  w.begin_object();
  w.key("helo");
  w.plain_word(to_string(p.helo));
  w.key("rdns");
  w.plain_word(to_string(p.rdns));
  w.key("ip");
  w.plain_word(to_string(p.ip));
  w.key("by");
  w.plain_word(to_string(p.by));
  w.key("date");
  w.plain_word(to_string(p.date));
  w.key("convention");
  w.string(p.convention);
  w.end_object();
  w.key("convention");
  w.literal(r.convention);
  w.key("diagnostics");
  diagnostics_json(w, r.diagnostics);
  w.key("raw");
  w.string(h.raw);
  w.end_object();
}

void hops_json(json_writer& w, const hop_chain& chain) {
  w.begin_array();
  for (std::size_t i = 0; i < chain.hops.size(); ++i) {
    hop_json(w, chain.hops[i], i, chain.origin == i);
  }
  w.end_array();
}

// The client IP of hop `i` of `chain`, or null.
void hop_ip_or_null(json_writer& w, const hop_chain& chain, const std::optional<std::size_t>& i) {
  if (i && chain.hops[*i].received.ip) {
    w.literal(chain.hops[*i].received.ip->to_string());
  } else {
    w.null();
  }
}

void report_json(json_writer& w, const analysis_report& report) {
  w.begin_object();
  w.key("source");
  w.string(report.source);
  if (report.mbox_index) {
    w.key("mbox_index");
    w.number(*report.mbox_index);
  }
  const auto& s = report.summary;
  w.key("summary");
  w.begin_object();
  w.key("from");
  w.string_or_null(s.from);
  w.key("to");
  w.string_or_null(s.to);
  w.key("subject");
  w.string_or_null(s.subject);
  w.key("date");
  w.string_or_null(s.date);
  w.key("date_utc");
  if (s.date_time) {
    utc_literal(w, s.date_time->epoch, s.date_time->nanos);
  } else {
    w.null();
  }
  w.key("message_id");
  w.string_or_null(s.message_id);
  w.end_object();
  const auto& chain = report.chain;
  w.key("hops");
  hops_json(w, chain);
  w.key("origin_hop");
  w.optional(chain.origin);
  w.key("origin_ip");
  hop_ip_or_null(w, chain, chain.origin);
  w.key("total_seconds");
  w.optional(chain.total_seconds);
  w.key("raw_total_seconds");
  w.optional(chain.raw_total_seconds);

  w.key("origin");
  w.begin_object();
  w.key("hop");
  w.optional(chain.origin);
  w.key("ip");
  hop_ip_or_null(w, chain, chain.origin);
  w.key("boundary_hop");
  w.optional(chain.boundary);
  w.key("claimed_origin_hop");
  w.optional(chain.claimed_origin);
  w.key("claimed_origin_ip");
  hop_ip_or_null(w, chain, chain.claimed_origin);
  w.key("reasons");
  strings_json(w, chain.origin_reasons);
  w.key("hints");
  w.begin_array();
  for (const auto& h : chain.hints) {
    w.begin_object();
    w.key("field");
    w.string(h.field);
    w.key("value");
    w.string(h.value);
    w.key("ip");
    ip_or_null(w, h.ip);
    w.key("ip_scope");
    if (h.ip) {
      w.plain_word(to_string(h.scope));
    } else {
      w.null();
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();

  w.key("clock_skew");
  w.begin_array();
  for (const auto& sk : chain.skews) {
    w.begin_object();
    w.key("suspect");
    if (sk.hop) {
      w.number(*sk.hop);
    } else {
      w.plain_word("ambiguous");
    }
    w.key("hops");
    w.begin_array();
    for (const auto i : sk.hops) w.number(i);
    w.end_array();
    w.key("offset_seconds");
    w.number(sk.offset_seconds);
    w.key("confidence");
    w.literal(sk.confidence);
    w.key("evidence");
    strings_json(w, sk.evidence);
    w.end_object();
  }
  w.end_array();

  w.key("clocks");
  w.begin_array();
  for (const auto& c : chain.clocks) {
    w.begin_object();
    w.key("source");
    w.literal(c.source);
    w.key("detail");
    w.string_or_null(c.detail);
    w.key("utc");
    utc_literal(w, c.epoch);
    w.key("epoch");
    w.number(c.epoch);
    w.key("after_hop");
    w.optional(c.after_hop);
    w.key("used");
    w.boolean(c.used);
    w.end_object();
  }
  w.end_array();

  w.key("findings");
  w.begin_array();
  for (const auto& f : chain.findings) {
    w.begin_object();
    w.key("code");
    w.literal(f.code);
    w.key("hop");
    w.optional(f.hop);
    w.key("severity");
    w.plain_word(to_string(f.level));
    w.key("message");
    w.string(f.message);
    w.end_object();
  }
  w.end_array();

  w.key("fixups");
  w.begin_array();
  for (const auto& f : report.fixups) {
    w.begin_object();
    w.key("code");
    w.literal(f.code);
    w.key("count");
    w.number(f.count);
    w.key("message");
    w.literal(f.message);
    w.end_object();
  }
  w.end_array();

  w.key("diagnostics");
  diagnostics_json(w, report.diagnostics);
  w.key("field_count");
  w.number(report.field_count);

  // The auth and bounce sections hold message text too: a byte replaced there sets
  // invalid_utf8_replaced like one anywhere else.
  w.key("auth");
  write_auth_json(w, report.auth);

  w.key("bounce");
  if (report.bounce) {
    w.begin_object();
    write_bounce_fields(w, *report.bounce);
    if (report.returned_chain) {
      const auto& rc = *report.returned_chain;
      w.key("returned_message");
      w.begin_object();
      w.key("hops");
      hops_json(w, rc);
      w.key("last_hop");
      if (rc.hops.empty()) {
        w.null();
      } else {
        w.number(rc.hops.size() - 1);
      }
      w.key("last_by");
      if (rc.hops.empty()) {
        w.null();
      } else {
        w.string_or_null(rc.hops.back().received.by_host);
      }
      w.end_object();
    }
    w.end_object();
  } else {
    w.null();
  }
  w.key("invalid_utf8_replaced");
  w.boolean(w.replaced_invalid_utf8());
  w.end_object();
}

// The report as compact JSON, then `suffix`.
std::string compact_json(const analysis_report& report, std::string_view suffix = {}) {
  std::string out;
  json_writer w(out);
  report_json(w, report);
  w.finish(suffix);
  return out;
}

}  // namespace

std::string render_json(const analysis_report& report, bool pretty) {
  std::string out = compact_json(report);
  if (!pretty) return out;
  return nlohmann::ordered_json::parse(out).dump(2, ' ', false,
                                                 nlohmann::ordered_json::error_handler_t::replace);
}

std::string render_json_line(const analysis_report& report) { return compact_json(report, "\n"); }

std::string render_json_error(std::string_view source, std::string_view code,
                              std::string_view message) {
  std::string out;
  json_writer w(out);
  w.begin_object();
  w.key("source");
  w.string(source);
  w.key("error");
  w.begin_object();
  w.key("code");
  w.string(code);
  w.key("message");
  w.string(message);
  w.end_object();
  w.end_object();
  w.finish();
  return out;
}

}  // namespace hopscope
