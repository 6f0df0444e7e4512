// The bounce section of the reports (see bounce_render.hpp and docs/json-bounce.md).

#include "render/bounce_render.hpp"

#include <fmt/format.h>

#include <string_view>

#include "hopscope/render.hpp"

namespace hopscope {
namespace {

using json = nlohmann::ordered_json;

// Strings from the message, made valid UTF-8, remembering whether any byte was replaced.
struct valid_strings {
  bool replaced = false;
  json str(std::string_view s) {
    bool r = false;
    json j(to_valid_utf8(s, &r));
    replaced = replaced || r;
    return j;
  }
  json str_or_null(std::string_view s) { return s.empty() ? json(nullptr) : str(s); }
};

}  // namespace

std::string render_bounce_text(const bounce_report& report, bool colour) {
  const std::string_view bold = colour ? "\x1b[1m" : "";
  const std::string_view red = colour ? "\x1b[31m" : "";
  const std::string_view yellow = colour ? "\x1b[33m" : "";
  const std::string_view reset = colour ? "\x1b[0m" : "";
  std::string out;
  auto o = std::back_inserter(out);
  std::string_view what = report.kind == "dsn"   ? "delivery status notification (RFC 3464)"
                          : report.kind == "arf" ? "feedback report (RFC 5965)"
                                                 : "bounce text";
  fmt::format_to(o, "{}Bounce{}: {}", bold, reset, what);
  if (!report.mta.empty()) fmt::format_to(o, " ({})", escape_for_terminal(report.mta));
  out += '\n';
  if (!report.reporting_mta.empty()) {
    fmt::format_to(o, "  reporting MTA  {}\n", escape_for_terminal(report.reporting_mta));
  }
  if (!report.arrival_date.empty()) {
    fmt::format_to(o, "  arrived        {}\n", escape_for_terminal(report.arrival_date));
  }
  if (report.feedback) {
    const feedback_report& f = *report.feedback;
    fmt::format_to(o, "  feedback type  {}\n", escape_for_terminal(f.feedback_type));
    if (!f.user_agent.empty()) {
      fmt::format_to(o, "  user agent     {}\n", escape_for_terminal(f.user_agent));
    }
    if (!f.source_ip.empty()) {
      fmt::format_to(o, "  source IP      {}\n", escape_for_terminal(f.source_ip));
    }
    if (!f.original_mail_from.empty()) {
      fmt::format_to(o, "  original from  {}\n", escape_for_terminal(f.original_mail_from));
    }
  }
  for (const bounce_recipient& r : report.recipients) {
    std::string_view c = r.action == "failed" ? red : (r.action == "delayed" ? yellow : "");
    fmt::format_to(o, "  {}{}{}  {}{}{}", bold, escape_for_terminal(r.recipient), reset, c,
                   r.action.empty() ? "?" : escape_for_terminal(r.action), reset);
    if (!r.status.empty()) fmt::format_to(o, "  {}", escape_for_terminal(r.status));
    if (!r.reply_code.empty()) fmt::format_to(o, "  ({})", escape_for_terminal(r.reply_code));
    out += '\n';
    if (!r.original_recipient.empty() && r.original_recipient != r.recipient) {
      fmt::format_to(o, "      original recipient  {}\n",
                     escape_for_terminal(r.original_recipient));
    }
    if (!r.remote_mta.empty()) {
      fmt::format_to(o, "      remote MTA          {}\n", escape_for_terminal(r.remote_mta));
    }
    if (!r.diagnostic.empty()) {
      fmt::format_to(o, "      diagnostic          {}\n", escape_for_terminal(r.diagnostic));
    }
    if (!r.last_attempt.empty()) {
      fmt::format_to(o, "      last attempt        {}\n", escape_for_terminal(r.last_attempt));
    }
    if (!r.explanation.empty()) {
      fmt::format_to(o, "      means               {}\n", escape_for_terminal(r.explanation));
    }
  }
  for (const diagnostic& d : report.diagnostics) {
    fmt::format_to(o, "  note: {} ({})\n", escape_for_terminal(d.message),
                   escape_for_terminal(d.code));
  }
  return out;
}

json bounce_to_json(const bounce_report& report, bool* replaced) {
  valid_strings v;
  auto str = [&v](std::string_view s) { return v.str(s); };
  auto str_or_null = [&v](std::string_view s) { return v.str_or_null(s); };
  json j;
  j["kind"] = report.kind;
  j["reporting_mta"] = str_or_null(report.reporting_mta);
  json recips = json::array();
  for (const bounce_recipient& r : report.recipients) {
    json x;
    // Stable keys (docs/json-bounce.md).
    x["recipient"] = str(r.recipient);
    x["action"] = str_or_null(r.action);
    x["status"] = str_or_null(r.status);
    x["reply_code"] = str_or_null(r.reply_code);
    x["remote_mta"] = str_or_null(r.remote_mta);
    x["diagnostic"] = str_or_null(r.diagnostic);
    x["explanation"] = str_or_null(r.explanation);
    // Extra keys.
    x["original_recipient"] = str_or_null(r.original_recipient);
    x["diagnostic_type"] = str_or_null(r.diagnostic_type);
    x["last_attempt"] = str_or_null(r.last_attempt);
    x["status_source"] =
        r.status.empty() ? json(nullptr) : json(r.status_from_text ? "text" : "status_field");
    recips.push_back(std::move(x));
  }
  j["recipients"] = std::move(recips);
  j["mta"] = str_or_null(report.mta);
  j["arrival_date"] = str_or_null(report.arrival_date);
  if (report.feedback) {
    const feedback_report& f = *report.feedback;
    j["feedback"] = {{"feedback_type", str_or_null(f.feedback_type)},
                     {"user_agent", str_or_null(f.user_agent)},
                     {"version", str_or_null(f.version)},
                     {"source_ip", str_or_null(f.source_ip)},
                     {"original_mail_from", str_or_null(f.original_mail_from)},
                     {"original_rcpt_to", str_or_null(f.original_rcpt_to)},
                     {"arrival_date", str_or_null(f.arrival_date)},
                     {"reported_domain", str_or_null(f.reported_domain)},
                     {"authentication_results", str_or_null(f.authentication_results)}};
  } else {
    j["feedback"] = nullptr;
  }
  j["has_returned_headers"] = !report.returned_headers.empty();
  j["status_fields"] = report.status_fields;
  json notes = json::array();
  for (const diagnostic& d : report.diagnostics) {
    notes.push_back({{"code", d.code}, {"message", str(d.message)}});
  }
  j["diagnostics"] = std::move(notes);
  if (replaced != nullptr) *replaced = v.replaced;
  return j;
}

}  // namespace hopscope
