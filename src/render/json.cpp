// JSON rendering. The schema is documented in docs/json-schema.md; keys listed there as stable
// must not change. Every string from the message goes through to_valid_utf8(), so the output
// is valid UTF-8 whatever the input bytes were (nlohmann's dump() would throw otherwise).

#include <nlohmann/json.hpp>

#include "hopscope/render.hpp"
#include "render/auth_render.hpp"
#include "render/bounce_render.hpp"

namespace hopscope {
namespace {

using json = nlohmann::ordered_json;

// Carries the "some input bytes were not UTF-8" flag through one rendering.
struct json_context {
  bool replaced = false;

  json str(std::string_view s) {
    bool r = false;
    std::string v = to_valid_utf8(s, &r);
    replaced |= r;
    return json(std::move(v));
  }
  json str_or_null(std::string_view s) { return s.empty() ? json(nullptr) : str(s); }
};

json time_json(json_context& cx, const received_hop& r) {
  if (!r.time) return nullptr;
  const timestamp& t = *r.time;
  json j;
  j["raw"] = cx.str(r.date_text);
  j["utc"] = format_utc(t.epoch, t.nanos);
  j["epoch"] = t.epoch;
  j["offset_minutes"] = t.offset_known() ? json(t.offset_minutes) : json(nullptr);
  j["zone_rule"] = std::string(to_string(t.zone));
  j["form"] = std::string(to_string(t.form));
  return j;
}

json hop_json(json_context& cx, const hop& h, std::size_t index, bool is_origin) {
  const received_hop& r = h.received;
  json j;
  j["index"] = index;
  j["header_index"] = h.header_index;
  json from;
  from["helo"] = cx.str_or_null(r.helo);
  from["rdns"] = cx.str_or_null(r.rdns);
  from["ip"] = r.ip ? json(r.ip->to_string()) : json(nullptr);
  from["ip_scope"] = r.ip ? json(std::string(to_string(h.scope))) : json(nullptr);
  from["ip_source"] = std::string(to_string(r.ip_from));
  from["token"] = cx.str_or_null(r.from_token);
  from["ident"] = cx.str_or_null(r.ident);
  from["rdns_unverified"] = r.rdns_unverified;
  j["from"] = std::move(from);
  json by;
  by["host"] = cx.str_or_null(r.by_host);
  by["ip"] = r.by_ip ? json(r.by_ip->to_string()) : json(nullptr);
  j["by"] = std::move(by);
  j["via"] = cx.str_or_null(r.via);
  j["with"] = cx.str_or_null(r.with);
  j["protocol"] = cx.str_or_null(r.protocol);
  json tls;
  tls["used"] = r.tls;
  tls["version"] = cx.str_or_null(r.tls_version);
  tls["cipher"] = cx.str_or_null(r.tls_cipher);
  j["tls"] = std::move(tls);
  j["authenticated"] = r.authenticated;
  j["auth_detail"] = cx.str_or_null(r.auth_detail);
  j["id"] = cx.str_or_null(r.id);
  j["for"] = cx.str_or_null(r.for_addr);
  j["envelope_from"] = cx.str_or_null(r.envelope_from);
  j["time"] = time_json(cx, r);
  j["date_without_semicolon"] = r.date_without_semicolon;
  j["delay_seconds"] = h.delay_seconds ? json(*h.delay_seconds) : json(nullptr);
  j["skew_seconds"] = h.skew_seconds ? json(*h.skew_seconds) : json(nullptr);
  j["raw_delay_seconds"] = h.raw_delay_seconds ? json(*h.raw_delay_seconds) : json(nullptr);
  j["adjusted_delay_seconds"] =
      h.adjusted_delay_seconds ? json(*h.adjusted_delay_seconds) : json(nullptr);
  j["adjusted_utc"] = h.adjusted_epoch ? json(format_utc(*h.adjusted_epoch)) : json(nullptr);
  j["clock_suspect"] = h.clock_suspect;
  j["clock_offset_seconds"] =
      h.clock_offset_seconds ? json(*h.clock_offset_seconds) : json(nullptr);
  j["origin"] = is_origin;
  j["trust"] = std::string(to_string(h.trust));
  json reasons = json::array();
  for (const auto& why : h.trust_reasons) reasons.push_back(cx.str(why));
  j["trust_reasons"] = std::move(reasons);
  const hop_provenance& p = h.provenance;
  j["provenance"] = {
      {"helo", std::string(to_string(p.helo))}, {"rdns", std::string(to_string(p.rdns))},
      {"ip", std::string(to_string(p.ip))},     {"by", std::string(to_string(p.by))},
      {"date", std::string(to_string(p.date))}, {"convention", cx.str(p.convention)}};
  j["convention"] = r.convention;
  json notes = json::array();
  for (const auto& d : r.diagnostics)
    notes.push_back({{"code", d.code}, {"message", cx.str(d.message)}});
  j["diagnostics"] = std::move(notes);
  j["raw"] = cx.str(h.raw);
  return j;
}

json hops_json(json_context& cx, const hop_chain& chain) {
  json hops = json::array();
  for (std::size_t i = 0; i < chain.hops.size(); ++i) {
    hops.push_back(hop_json(cx, chain.hops[i], i, chain.origin == i));
  }
  return hops;
}

json report_json(json_context& cx, const analysis_report& report) {
  json j;
  j["source"] = cx.str(report.source);
  if (report.mbox_index) j["mbox_index"] = *report.mbox_index;
  const auto& s = report.summary;
  json summary;
  summary["from"] = cx.str_or_null(s.from);
  summary["to"] = cx.str_or_null(s.to);
  summary["subject"] = cx.str_or_null(s.subject);
  summary["date"] = cx.str_or_null(s.date);
  summary["date_utc"] =
      s.date_time ? json(format_utc(s.date_time->epoch, s.date_time->nanos)) : json(nullptr);
  summary["message_id"] = cx.str_or_null(s.message_id);
  j["summary"] = std::move(summary);
  const auto& chain = report.chain;
  json hops = json::array();
  for (std::size_t i = 0; i < chain.hops.size(); ++i) {
    hops.push_back(hop_json(cx, chain.hops[i], i, chain.origin == i));
  }
  j["hops"] = std::move(hops);
  j["origin_hop"] = chain.origin ? json(*chain.origin) : json(nullptr);
  j["origin_ip"] = chain.origin && chain.hops[*chain.origin].received.ip
                       ? json(chain.hops[*chain.origin].received.ip->to_string())
                       : json(nullptr);
  j["total_seconds"] = chain.total_seconds ? json(*chain.total_seconds) : json(nullptr);
  j["raw_total_seconds"] = chain.raw_total_seconds ? json(*chain.raw_total_seconds) : json(nullptr);
  {
    json origin;
    origin["hop"] = chain.origin ? json(*chain.origin) : json(nullptr);
    origin["ip"] = j["origin_ip"];
    origin["boundary_hop"] = chain.boundary ? json(*chain.boundary) : json(nullptr);
    origin["claimed_origin_hop"] =
        chain.claimed_origin ? json(*chain.claimed_origin) : json(nullptr);
    origin["claimed_origin_ip"] =
        chain.claimed_origin && chain.hops[*chain.claimed_origin].received.ip
            ? json(chain.hops[*chain.claimed_origin].received.ip->to_string())
            : json(nullptr);
    json reasons = json::array();
    for (const auto& r : chain.origin_reasons) reasons.push_back(cx.str(r));
    origin["reasons"] = std::move(reasons);
    json hints = json::array();
    for (const auto& h : chain.hints) {
      hints.push_back({{"field", cx.str(h.field)},
                       {"value", cx.str(h.value)},
                       {"ip", h.ip ? json(h.ip->to_string()) : json(nullptr)},
                       {"ip_scope", h.ip ? json(std::string(to_string(h.scope))) : json(nullptr)}});
    }
    origin["hints"] = std::move(hints);
    j["origin"] = std::move(origin);
  }
  json skews = json::array();
  for (const auto& sk : chain.skews) {
    json evidence = json::array();
    for (const auto& e : sk.evidence) evidence.push_back(cx.str(e));
    skews.push_back({{"suspect", sk.hop ? json(*sk.hop) : json("ambiguous")},
                     {"hops", sk.hops},
                     {"offset_seconds", sk.offset_seconds},
                     {"confidence", sk.confidence},
                     {"evidence", std::move(evidence)}});
  }
  j["clock_skew"] = std::move(skews);
  json clocks = json::array();
  for (const auto& c : chain.clocks) {
    clocks.push_back({{"source", c.source},
                      {"detail", cx.str_or_null(c.detail)},
                      {"utc", format_utc(c.epoch)},
                      {"epoch", c.epoch},
                      {"after_hop", c.after_hop ? json(*c.after_hop) : json(nullptr)},
                      {"used", c.used}});
  }
  j["clocks"] = std::move(clocks);
  json findings = json::array();
  for (const auto& f : chain.findings) {
    findings.push_back({{"code", f.code},
                        {"hop", f.hop ? json(*f.hop) : json(nullptr)},
                        {"severity", std::string(to_string(f.level))},
                        {"message", cx.str(f.message)}});
  }
  j["findings"] = std::move(findings);
  json fixups = json::array();
  for (const auto& f : report.fixups) {
    fixups.push_back({{"code", f.code}, {"count", f.count}, {"message", f.message}});
  }
  j["fixups"] = std::move(fixups);
  json diagnostics = json::array();
  for (const auto& d : report.diagnostics) {
    diagnostics.push_back({{"code", d.code}, {"message", cx.str(d.message)}});
  }
  j["diagnostics"] = std::move(diagnostics);
  j["field_count"] = report.field_count;
  j["auth"] = auth_to_json(report.auth);
  if (report.bounce) {
    json bounce = bounce_to_json(*report.bounce);
    if (report.returned_chain) {
      json returned;
      returned["hops"] = hops_json(cx, *report.returned_chain);
      const auto& rc = *report.returned_chain;
      returned["last_hop"] = rc.hops.empty() ? json(nullptr) : json(rc.hops.size() - 1);
      returned["last_by"] =
          rc.hops.empty() ? json(nullptr) : cx.str_or_null(rc.hops.back().received.by_host);
      bounce["returned_message"] = std::move(returned);
    }
    j["bounce"] = std::move(bounce);
  } else {
    j["bounce"] = nullptr;
  }
  return j;
}

}  // namespace

std::string render_json(const analysis_report& report, bool pretty) {
  json_context cx;
  json j = report_json(cx, report);
  j["invalid_utf8_replaced"] = cx.replaced;
  return j.dump(pretty ? 2 : -1, ' ', false, json::error_handler_t::replace);
}

std::string render_json_error(std::string_view source, std::string_view code,
                              std::string_view message) {
  json_context cx;
  json j;
  j["source"] = cx.str(source);
  j["error"] = {{"code", cx.str(code)}, {"message", cx.str(message)}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace hopscope
