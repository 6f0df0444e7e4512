// The bounce section of the reports (see bounce_render.hpp and docs/json-bounce.md).

#include "render/bounce_render.hpp"

#include <fmt/format.h>

#include <string_view>

#include "hopscope/render.hpp"
#include "render/json_writer.hpp"

namespace hopscope {
namespace {

using json = nlohmann::ordered_json;

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

void write_bounce_fields(detail::json_writer& w, const bounce_report& report) {
  w.key("kind");
  w.literal(report.kind);
  w.key("reporting_mta");
  w.string_or_null(report.reporting_mta);
  w.key("recipients");
  w.begin_array();
  for (const bounce_recipient& r : report.recipients) {
    w.begin_object();
    // Stable keys (docs/json-bounce.md).
    w.key("recipient");
    w.string(r.recipient);
    w.key("action");
    w.string_or_null(r.action);
    w.key("status");
    w.string_or_null(r.status);
    w.key("reply_code");
    w.string_or_null(r.reply_code);
    w.key("remote_mta");
    w.string_or_null(r.remote_mta);
    w.key("diagnostic");
    w.string_or_null(r.diagnostic);
    w.key("explanation");
    w.string_or_null(r.explanation);
    // Extra keys.
    w.key("original_recipient");
    w.string_or_null(r.original_recipient);
    w.key("diagnostic_type");
    w.string_or_null(r.diagnostic_type);
    w.key("last_attempt");
    w.string_or_null(r.last_attempt);
    w.key("status_source");
    if (r.status.empty()) {
      w.null();
    } else {
      w.plain_word(r.status_from_text ? "text" : "status_field");
    }
    w.end_object();
  }
  w.end_array();
  w.key("mta");
  w.string_or_null(report.mta);
  w.key("arrival_date");
  w.string_or_null(report.arrival_date);
  w.key("feedback");
  if (report.feedback) {
    const feedback_report& f = *report.feedback;
    w.begin_object();
    w.key("feedback_type");
    w.string_or_null(f.feedback_type);
    w.key("user_agent");
    w.string_or_null(f.user_agent);
    w.key("version");
    w.string_or_null(f.version);
    w.key("source_ip");
    w.string_or_null(f.source_ip);
    w.key("original_mail_from");
    w.string_or_null(f.original_mail_from);
    w.key("original_rcpt_to");
    w.string_or_null(f.original_rcpt_to);
    w.key("arrival_date");
    w.string_or_null(f.arrival_date);
    w.key("reported_domain");
    w.string_or_null(f.reported_domain);
    w.key("authentication_results");
    w.string_or_null(f.authentication_results);
    w.end_object();
  } else {
    w.null();
  }
  w.key("has_returned_headers");
  w.boolean(!report.returned_headers.empty());
  w.key("status_fields");
  w.number(report.status_fields);
  w.key("diagnostics");
  detail::diagnostics_json(w, report.diagnostics);
}

json bounce_to_json(const bounce_report& report, bool* replaced) {
  std::string out;
  detail::json_writer w(out);
  w.begin_object();
  write_bounce_fields(w, report);
  w.end_object();
  w.finish();
  if (replaced != nullptr) *replaced = w.replaced_invalid_utf8();
  return json::parse(out);
}

}  // namespace hopscope
