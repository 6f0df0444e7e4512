#include "cli/csv_output.hpp"

#include "hopscope/render.hpp"

namespace hopscope::cli {
namespace {

// RFC 4180 quoting, valid UTF-8, and no spreadsheet formula injection: a header value such as
// "=HYPERLINK(...)" must stay text when the file is opened in a spreadsheet.
std::string field(std::string_view raw) {
  std::string v = to_valid_utf8(raw);
  if (!v.empty() &&
      (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r')) {
    v.insert(v.begin(), '\'');
  }
  std::string out = "\"";
  for (const char c : v) {
    if (c == '"')
      out += "\"\"";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  out += '"';
  return out;
}

template <typename T>
std::string opt(const std::optional<T>& v) {
  return v ? std::to_string(*v) : std::string();
}

}  // namespace

std::string csv_header() {
  return "source,mbox_index,hop,header_index,time_utc,offset_minutes,delay_seconds,skew_seconds,"
         "helo,rdns,ip,ip_scope,by,with,tls,tls_version,authenticated,id,for,origin,error\r\n";
}

std::string csv_rows(const analysis_report& report, std::optional<std::size_t> mbox_index) {
  std::string out;
  const auto& chain = report.chain;
  for (std::size_t i = 0; i < chain.hops.size(); ++i) {
    const hop& h = chain.hops[i];
    const received_hop& r = h.received;
    out += field(report.source) + "," + opt(mbox_index) + "," + std::to_string(i + 1) + "," +
           std::to_string(h.header_index) + ",";
    out += (r.time ? format_utc(r.time->epoch, r.time->nanos) : std::string()) + ",";
    out += (r.time && r.time->offset_known() ? std::to_string(r.time->offset_minutes)
                                             : std::string()) +
           ",";
    out += opt(h.delay_seconds) + "," + opt(h.skew_seconds) + ",";
    out += field(r.helo) + "," + field(r.rdns) + ",";
    out += (r.ip ? r.ip->to_string() : std::string()) + ",";
    out += (r.ip ? std::string(to_string(h.scope)) : std::string()) + ",";
    out += field(r.by_host) + "," + field(r.with) + "," + (r.tls ? "1" : "0") + "," +
           field(r.tls_version) + "," + (r.authenticated ? "1" : "0") + "," + field(r.id) + "," +
           field(r.for_addr) + "," + (chain.origin == i ? "1" : "0") + ",\r\n";
  }
  return out;
}

std::string csv_error_row(std::string_view source, std::string_view code) {
  return field(source) + ",,,,,,,,,,,,,,,,,,,," + field(code) + "\r\n";
}

}  // namespace hopscope::cli
