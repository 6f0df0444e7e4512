// Bounces: RFC 3464 delivery status notifications, RFC 5965 ARF reports, and (through
// bounce_text.cpp) the non-standard bounce texts.
//
// mimetic finds the MIME structure, and only that: mimetic 0.9.8 drops header fields it cannot
// read, truncates at NUL, is quadratic on long lines, overflows the stack on deep nesting and
// throws (and leaks) on "Content-Type:multipart\n\n--\n\n\r\n--". So before mimetic sees
// anything the message is capped, its line endings made LF, NULs replaced, a leading mbox
// "From " line removed, and a pre-scan refuses long lines, many boundaries (nesting depth is at
// most the number of boundaries declared) and multipart types without a boundary. Every
// exception is caught here. When mimetic is refused or fails, our own boundary scan (iterative,
// linear) reads the structure, and a diagnostic says so. mimetic 0.9.8 also returns an empty
// entity for a message/rfc822 part (seen on sisimai lhost-postfix-01.eml: "message/rfc822
// parts=1 bodylen=0", child with no fields), so the returned message's raw text always comes
// from our own scan. Delivery-status groups and returned headers are read with
// split_header_block(), never with mimetic's header parser.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/bounce_text.hpp"
#include "hopscope/dsn.hpp"
#include "hopscope/smtp_reply.hpp"

// mimetic's headers are not warning-clean under our flags (old-style casts, shadowing,
// conversions); the wrapper keeps -Werror for our own code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wall"
#pragma GCC diagnostic ignored "-Wextra"
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <mimetic/mimetic.h>
#pragma GCC diagnostic pop

namespace hopscope {
namespace {

using namespace bounce_detail;

struct mime_part {
  std::string type;  // lower case "text/plain"
  std::string cte;   // lower case
  std::string body;  // raw (still transfer-encoded), LF line endings
};

struct content_type {
  std::string type;  // lower case "multipart/report"
  std::string boundary;
  std::string report_type;  // lower case
  bool has_boundary_param = false;
};

// Reads "multipart/report; report-type=delivery-status; boundary=\"x\"" by hand: a type, then
// ';'-separated name=value pairs, values optionally quoted.
content_type read_content_type(std::string_view value) {
  content_type ct;
  std::size_t semi = value.find(';');
  ct.type = detail::ascii_lower(trim(value.substr(0, semi)));
  // "text/plain\n   charset=..." without the ';' (sisimai lhost-x1-02): the type is the
  // first word.
  if (std::size_t sp = ct.type.find_first_of(" \t"); sp != std::string::npos) {
    ct.type.resize(sp);
    if (semi == std::string_view::npos) {
      std::size_t t = value.find_first_not_of(" \t");
      semi = t == std::string_view::npos ? t : value.find_first_of(" \t", t);
    }
  }
  while (semi != std::string_view::npos) {
    std::size_t start = semi + 1;
    std::size_t eq = value.find('=', start);
    if (eq == std::string_view::npos) break;
    std::string name = detail::ascii_lower(trim(value.substr(start, eq - start)));
    std::size_t v = eq + 1;
    while (v < value.size() && (value[v] == ' ' || value[v] == '\t')) ++v;
    std::string val;
    if (v < value.size() && value[v] == '"') {
      std::size_t close = value.find('"', v + 1);
      if (close == std::string_view::npos) close = value.size();
      val = std::string(value.substr(v + 1, close - v - 1));
      semi = value.find(';', close);
    } else {
      semi = value.find(';', v);
      val = std::string(trim(value.substr(v, semi == std::string_view::npos ? semi : semi - v)));
    }
    if (name == "boundary") {
      ct.boundary = val;
      ct.has_boundary_param = true;
    } else if (name == "report-type") {
      ct.report_type = detail::ascii_lower(val);
    }
  }
  return ct;
}

struct part_header {
  content_type ct;
  std::string cte;
};

part_header read_part_header(std::string_view header_text) {
  part_header h;
  std::string text(header_text);
  if (!text.empty() && text.back() != '\n') text += '\n';
  header_block block = split_header_block(std::move(text));
  if (auto i = block.find("Content-Type")) {
    h.ct = read_content_type(block.unfolded_value(*i));
    if (h.ct.type.rfind("multipart/", 0) == 0 && !h.ct.has_boundary_param) {
      // The boundary parameter on a line of its own, not folded (sisimai
      // lhost-apachejames-01: "Content-Type: multipart/alternative;\nboundary=\"...\""):
      // the splitter saw no field there, but the parameter is plainly meant.
      std::size_t b = ifind(header_text, "\nboundary=");
      if (b != std::string_view::npos) {
        std::size_t e = header_text.find('\n', b + 1);
        content_type extra = read_content_type(
            "x/x;" + std::string(header_text.substr(
                         b + 1, (e == std::string_view::npos ? header_text.size() : e) - b - 1)));
        h.ct.boundary = extra.boundary;
        h.ct.has_boundary_param = extra.has_boundary_param;
      }
    }
  }
  if (auto i = block.find("Content-Transfer-Encoding")) {
    h.cte = detail::ascii_lower(trim(block.unfolded_value(*i)));
  }
  if (h.ct.type.empty()) h.ct.type = "text/plain";  // RFC 2045 5.2 default
  return h;
}

// LF line endings, NULs replaced, capped, mbox "From " line removed.
std::string prepare(std::string_view in, const bounce_limits& limits,
                    std::vector<diagnostic>& notes) {
  if (in.size() > limits.max_message_bytes) {
    in = in.substr(0, limits.max_message_bytes);
    notes.push_back({"bounce_truncated", "only the first " +
                                             std::to_string(limits.max_message_bytes) +
                                             " bytes of the message were read for the bounce"});
  }
  if (in.starts_with("From ")) {
    // The line ends at LF, CRLF or a bare CR (sisimai maildir/mac/: the whole file is one
    // "line" to a search for LF).
    std::size_t nl = in.find_first_of("\r\n");
    if (nl != std::string_view::npos && in[nl] == '\r' && nl + 1 < in.size() && in[nl + 1] == '\n')
      ++nl;
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  }
  std::string out;
  out.reserve(in.size());
  std::size_t nuls = 0;
  // Copied a run at a time between the bytes that change (a whole bounce passes through here).
  // Each kind is searched for again only once the copy has passed its last position.
  constexpr std::size_t none = std::string_view::npos;
  std::size_t next_cr = in.find('\r'), next_nul = in.find('\0');
  std::size_t i = 0;
  while (i < in.size()) {
    if (next_cr != none && next_cr < i) next_cr = in.find('\r', i);
    if (next_nul != none && next_nul < i) next_nul = in.find('\0', i);
    const std::size_t stop = std::min({next_cr, next_nul, in.size()});
    out.append(in.data() + i, stop - i);
    i = stop;
    if (i == in.size()) break;
    if (in[i] == '\r') {
      // CRLF and bare CR (sisimai maildir/mac/) both end a line.
      out += '\n';
      i += (i + 1 < in.size() && in[i + 1] == '\n') ? 2 : 1;
    } else {
      out += ' ';  // a NUL
      ++nuls;
      ++i;
    }
  }
  if (nuls != 0) {
    notes.push_back({"bounce_nul_bytes", std::to_string(nuls) + " NUL bytes replaced by spaces"});
  }
  return out;
}

std::size_t header_end(std::string_view msg) noexcept {
  if (msg.starts_with("\n")) return 1;
  std::size_t p = msg.find("\n\n");
  return p == std::string_view::npos ? msg.size() : p + 2;
}

// Our own MIME scan: one pass over the lines with a stack of open boundaries (no recursion; the
// stack is capped). message/rfc822 parts are not entered: we only need their header block.
// `boundary_override`, when not empty, replaces the top header's Content-Type: the message is
// read as multipart with that boundary (a boundary recovered from the body, see
// recover_boundary()).
std::vector<mime_part> own_scan(const std::string& msg, const bounce_limits& limits,
                                std::vector<diagnostic>& notes,
                                const std::string& boundary_override = {}) {
  std::vector<mime_part> parts;
  std::size_t body_begin = header_end(msg);
  part_header top = read_part_header(std::string_view(msg).substr(0, body_begin));
  if (!boundary_override.empty()) {
    top.ct.type = "multipart/mixed";
    top.ct.boundary = boundary_override;
  }
  if (top.ct.type.rfind("multipart/", 0) != 0 || top.ct.boundary.empty()) {
    // A multipart type without a boundary (sisimai lhost-messagingserver-03: "Content-type:
    // multipart/report;" and nothing more) has no structure to read: its body is text.
    std::string type = top.ct.type.rfind("multipart/", 0) == 0 ? "text/plain" : top.ct.type;
    parts.push_back({type, top.cte, msg.substr(std::min(body_begin, msg.size()))});
    return parts;
  }
  std::vector<std::string> delims{"--" + top.ct.boundary};
  enum class state { preamble, header, body } st = state::preamble;
  std::size_t header_start = 0;
  std::size_t part_body_start = 0;
  part_header current;
  bool capped = false;
  auto close_part = [&](std::size_t line_start) {
    if (st == state::body) {
      std::size_t end = line_start > part_body_start ? line_start - 1 : part_body_start;
      if (parts.size() < limits.max_parts) {
        parts.push_back(
            {current.ct.type, current.cte, msg.substr(part_body_start, end - part_body_start)});
      }
    } else if (st == state::header) {
      part_header h =
          read_part_header(std::string_view(msg).substr(header_start, line_start - header_start));
      if (parts.size() < limits.max_parts) parts.push_back({h.ct.type, h.cte, {}});
    }
  };
  std::size_t pos = body_begin;
  while (pos < msg.size()) {
    std::size_t nl = msg.find('\n', pos);
    std::size_t end = nl == std::string::npos ? msg.size() : nl;
    std::string_view line = std::string_view(msg).substr(pos, end - pos);
    std::size_t next = nl == std::string::npos ? msg.size() : nl + 1;
    if (line.starts_with("--")) {
      std::string_view t = trim(line);
      std::size_t level = delims.size();
      bool closing = false;
      for (std::size_t k = delims.size(); k-- > 0;) {
        const std::string& d = delims[k];
        if (t.starts_with(d)) {
          std::string_view rest = t.substr(d.size());
          if (rest.empty() || rest == "--") {
            level = k;
            closing = !rest.empty();
            break;
          }
        }
      }
      if (level < delims.size()) {
        close_part(pos);
        delims.resize(level + 1);
        if (closing) {
          delims.pop_back();
          st = state::preamble;
          if (delims.empty()) break;  // the epilogue follows
        } else {
          st = state::header;
          header_start = next;
        }
        pos = next;
        continue;
      }
    }
    if (st == state::header && trim(line).empty()) {
      current = read_part_header(std::string_view(msg).substr(header_start, pos - header_start));
      if (current.ct.type.rfind("multipart/", 0) == 0 && !current.ct.boundary.empty()) {
        if (delims.size() < limits.max_boundaries) {
          delims.push_back("--" + current.ct.boundary);
          st = state::preamble;
        } else {
          // Deeper nesting is read as an opaque part: bounces never need it.
          capped = true;
          st = state::body;
          part_body_start = next;
        }
      } else {
        st = state::body;
        part_body_start = next;
      }
    }
    pos = next;
  }
  if (!delims.empty()) close_part(msg.size());
  if (parts.empty() && boundary_override.empty()) {
    // A multipart body without one delimiter line (sisimai rfc3464-04: the MIME structure was
    // stripped, the report is plain text): read the body as text.
    parts.push_back({"text/plain", top.cte, msg.substr(std::min(body_begin, msg.size()))});
  }
  if (capped) {
    notes.push_back({"mime_nesting_capped", "MIME nesting deeper than " +
                                                std::to_string(limits.max_boundaries) +
                                                " levels was not read"});
  }
  return parts;
}

// Whether `line` holds "boundary=" in any case: found from its '=' signs, since most lines of
// a body (base64 above all) have none, and this runs on every line of a bounce.
bool has_boundary_parameter(std::string_view line) noexcept {
  constexpr std::string_view k_name = "boundary";
  for (std::size_t eq = line.find('='); eq != std::string_view::npos; eq = line.find('=', eq + 1)) {
    if (eq >= k_name.size() &&
        detail::ascii_iequals(line.substr(eq - k_name.size(), k_name.size()), k_name)) {
      return true;
    }
  }
  return false;
}

// Why mimetic must not see this message, or empty when it may.
std::string mimetic_refusal(std::string_view msg, const bounce_limits& limits) {
  if (msg.size() > limits.max_mime_bytes) return "message larger than the MIME library cap";
  std::size_t boundaries = 0;
  std::size_t pos = 0;
  bool in_multipart_ct = false;  // inside a Content-Type field naming multipart
  bool ct_has_boundary = false;
  while (pos < msg.size()) {
    std::size_t nl = msg.find('\n', pos);
    std::size_t end = nl == std::string_view::npos ? msg.size() : nl;
    std::string_view line = msg.substr(pos, end - pos);
    if (line.size() > limits.max_mime_line) return "a line too long for the MIME library";
    bool continuation = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    if (in_multipart_ct && !continuation) {
      if (!ct_has_boundary) return "a multipart Content-Type without a boundary";
      in_multipart_ct = false;
    }
    if (has_boundary_parameter(line)) {
      if (++boundaries > limits.max_boundaries) return "too many MIME boundaries (deep nesting)";
      if (in_multipart_ct) ct_has_boundary = true;
    }
    if (line.size() >= 13 && detail::ascii_iequals(line.substr(0, 13), "content-type:")) {
      if (ifind(line, "multipart") != std::string_view::npos) {
        in_multipart_ct = true;
        ct_has_boundary = has_boundary_parameter(line);
        // boundary="" is as bad as none.
        if (ifind(line, "boundary=\"\"") != std::string_view::npos) ct_has_boundary = false;
      }
    }
    pos = nl == std::string_view::npos ? msg.size() : nl + 1;
  }
  if (in_multipart_ct && !ct_has_boundary) return "a multipart Content-Type without a boundary";
  return {};
}

std::string istr(const std::string& s) { return detail::ascii_lower(s); }

// The message as mimetic needs to see it: of the top header only the fields that shape the
// MIME structure (Content-Type, Content-Transfer-Encoding, MIME-Version, with their
// continuation lines), then the blank line and the body as they are. mimetic parses a header
// a byte at a time into a list of fields; a bounce's top header (its Received chain,
// authentication results, the list headers ...) was a third of mimetic's work over the
// corpus's bounces, and nothing but these fields of it is asked of mimetic.
std::string mime_fields_and_body(std::string_view msg) {
  // Through the LF of the last header line; a message with no header or no body is left whole.
  const std::size_t blank = msg.starts_with("\n") ? std::string_view::npos : msg.find("\n\n");
  if (blank == std::string_view::npos) return std::string(msg);
  const std::string_view header = msg.substr(0, blank + 1);
  std::string out;
  out.reserve(msg.size() - header.size() + 256);
  bool keep = false;  // the current field is one to keep (its continuation lines follow it)
  for (std::size_t pos = 0; pos < header.size();) {
    const std::size_t next = header.find('\n', pos) + 1;  // every line of `header` ends in LF
    const std::string_view line = header.substr(pos, next - pos);
    if (line[0] != ' ' && line[0] != '\t') {
      // The name as mimetic reads one: up to the colon, blanks before the colon dropped.
      std::string_view field = line.substr(0, line.find(':'));
      while (!field.empty() && (field.back() == ' ' || field.back() == '\t'))
        field.remove_suffix(1);
      auto named = [field](std::string_view name) { return iequals(field, name); };
      keep = named("content-type") || named("content-transfer-encoding") || named("mime-version");
    }
    if (keep) out.append(line);
    pos = next;
  }
  out.append(msg.substr(header.size()));  // the blank line and the body
  return out;
}

// mimetic's structure, leaves in document order; nullopt when it threw.
std::optional<std::vector<mime_part>> mimetic_scan(const std::string& msg,
                                                   const bounce_limits& limits,
                                                   std::string& error) {
  try {
    const std::string trimmed = mime_fields_and_body(msg);
    mimetic::MimeEntity root;
    root.load(trimmed.begin(), trimmed.end());
    std::vector<mime_part> parts;
    std::vector<const mimetic::MimeEntity*> stack{&root};
    while (!stack.empty() && parts.size() < limits.max_parts) {
      const mimetic::MimeEntity* e = stack.back();
      stack.pop_back();
      const mimetic::ContentType& ct = e->header().contentType();
      std::string type = istr(ct.type()) + "/" + istr(ct.subtype());
      if (type == "/") type = "text/plain";
      // mimetic keeps "plain   charset=..." as the subtype when the ';' is missing (sisimai
      // lhost-x1-02); the type is the first word.
      if (std::size_t sp = type.find_first_of(" \t\n"); sp != std::string::npos) type.resize(sp);
      const auto& children = e->body().parts();
      if (ct.isMultipart() && !children.empty()) {
        for (auto it = children.rbegin(); it != children.rend(); ++it) stack.push_back(*it);
        continue;
      }
      parts.push_back(
          {type, istr(e->header().contentTransferEncoding().mechanism()), std::string(e->body())});
    }
    return parts;
  } catch (const std::exception& ex) {
    error = ex.what();
  } catch (...) {
    error = "unknown exception";
  }
  return std::nullopt;
}

bool is_status_type(std::string_view t) {
  return t == "message/delivery-status" || t == "message/global-delivery-status" ||
         t == "text/delivery-status";
}
bool is_returned_type(std::string_view t) {
  return t == "message/rfc822" || t == "message/global" || t == "text/rfc822-headers" ||
         t == "message/rfc822-headers" || t == "message/global-headers";
}

std::vector<mime_part> find_structure(const std::string& msg, const bounce_limits& limits,
                                      std::vector<diagnostic>& notes) {
  std::vector<mime_part> own = own_scan(msg, limits, notes);
  std::string refusal = mimetic_refusal(msg, limits);
  if (!refusal.empty()) {
    notes.push_back({"mime_fallback", "MIME structure read by our own scan: " + refusal});
    return own;
  }
  std::string error;
  auto mp = mimetic_scan(msg, limits, error);
  if (!mp) {
    notes.push_back({"mime_fallback",
                     "MIME structure read by our own scan: the MIME library failed: " + error});
    return own;
  }
  std::vector<mime_part> parts = std::move(*mp);
  for (const mime_part& p : parts) {
    if (p.type.rfind("multipart/", 0) == 0) {
      // mimetic found a multipart with no parts in it: our scan reads such a body as text.
      return own;
    }
  }
  // The returned message's raw text comes from our scan (mimetic empties message/rfc822), the
  // n-th returned part of mimetic matched with our n-th.
  std::size_t k = 0;
  for (mime_part& p : parts) {
    if (!is_returned_type(p.type)) continue;
    while (k < own.size() && !is_returned_type(own[k].type)) ++k;
    if (k < own.size()) {
      if (p.body.empty() || p.type != "text/rfc822-headers") p.body = own[k].body;
      ++k;
    }
  }
  std::size_t own_status = 0, mime_status = 0;
  for (const mime_part& p : own) own_status += is_status_type(p.type) ? 1 : 0;
  for (const mime_part& p : parts) mime_status += is_status_type(p.type) ? 1 : 0;
  if (own_status > mime_status) {
    // mimetic lost a report part our scan sees (a boundary it did not accept): trust ours.
    notes.push_back({"mime_fallback",
                     "MIME structure read by our own scan: the MIME library missed a "
                     "delivery-status part"});
    return own;
  }
  return parts;
}

// Splits a delivery-status body into its groups (blank-line separated) and reads each with our
// header splitter.
std::vector<header_block> read_groups(std::string_view body) {
  std::vector<header_block> groups;
  std::string cur;
  std::size_t pos = 0;
  bool has_final = false;
  auto flush = [&] {
    if (!trim(cur).empty()) groups.push_back(split_header_block(std::move(cur)));
    cur.clear();
    has_final = false;
  };
  while (pos < body.size()) {
    std::size_t nl = body.find('\n', pos);
    std::size_t end = nl == std::string_view::npos ? body.size() : nl;
    std::string_view line = body.substr(pos, end - pos);
    pos = nl == std::string_view::npos ? body.size() : nl + 1;
    if (trim(line).empty()) {
      flush();
      continue;
    }
    // A second Final-Recipient starts the next recipient's group even without the blank line
    // (sisimai rhost-aol-03 runs two groups together).
    if (line.size() >= 16 && ifind(line.substr(0, 16), "final-recipient") == 0) {
      if (has_final) flush();
      has_final = true;
    }
    cur.append(line);
    cur += '\n';
  }
  flush();
  return groups;
}

std::string field(const header_block& b, std::string_view name) {
  auto i = b.find(name);
  return i ? b.unfolded_value(*i) : std::string();
}

std::string first_token(std::string_view v) {
  v = trim(v);
  std::size_t sp = v.find_first_of(" \t(");
  return std::string(v.substr(0, sp));
}

std::string text_of(const mime_part& p) {
  std::string t = decode_transfer(p.body, p.cte);
  if (p.type == "text/html") return strip_html(t);
  return t;
}

constexpr std::size_t k_max_nested_reports = 8;  // returned messages looked into for a report
constexpr std::size_t k_max_nested_depth = 2;    // message/rfc822 levels entered

struct dsn_groups {
  std::vector<bounce_recipient> recipients;
  std::string reporting_mta;
  std::string arrival_date;
  std::size_t status_fields = 0;
};

// "rfc822; <x@y>" -> "x@y"; a pipe or a file ("|/usr/bin/procmail x@y", "/var/mail/x": Exim
// and sendmail name local deliveries so) is kept whole.
std::string recipient_value(std::string_view field_value) {
  std::string v = strip_type_prefix(field_value);
  if (!v.empty() && (v.front() == '|' || v.front() == '/')) return v;
  return bare_address(field_value);
}

dsn_groups read_status_parts(const std::vector<mime_part>& parts, const bounce_limits& limits) {
  dsn_groups out;
  for (const mime_part& p : parts) {
    if (!is_status_type(p.type)) continue;
    std::string storage;
    std::vector<header_block> groups = read_groups(decoded_view(p.body, p.cte, storage));
    bool first = true;
    for (const header_block& g : groups) {
      for (std::size_t i = 0; i < g.size(); ++i) {
        if (iequals(g.name(i), "Status")) ++out.status_fields;
      }
      bool per_recipient = g.find("Final-Recipient") || g.find("Original-Recipient") ||
                           g.find("Action") || g.find("Status");
      if (first && !per_recipient) {
        // The per-message group.
        if (out.reporting_mta.empty())
          out.reporting_mta = strip_type_prefix(field(g, "Reporting-MTA"));
        if (out.arrival_date.empty()) out.arrival_date = field(g, "Arrival-Date");
        first = false;
        continue;
      }
      first = false;
      if (!per_recipient) continue;
      if (out.recipients.size() >= limits.max_recipients) continue;  // keep counting Status:
      bounce_recipient r;
      r.recipient = recipient_value(field(g, "Final-Recipient"));
      r.original_recipient = bare_address(field(g, "Original-Recipient"));
      if (r.recipient.empty()) r.recipient = bare_address(field(g, "X-Actual-Recipient"));
      if (r.recipient.empty()) r.recipient = r.original_recipient;
      r.action = detail::ascii_lower(first_token(field(g, "Action")));
      r.status = first_token(field(g, "Status"));
      r.status_field = r.status;
      r.remote_mta = strip_type_prefix(field(g, "Remote-MTA"));
      std::string diag = field(g, "Diagnostic-Code");
      r.diagnostic = strip_type_prefix(diag);
      std::size_t semi = diag.find(';');
      if (semi != std::string::npos && semi < 32) {
        r.diagnostic_type = detail::ascii_lower(trim(std::string_view(diag).substr(0, semi)));
      }
      r.last_attempt = field(g, "Last-Attempt-Date");
      out.recipients.push_back(std::move(r));
    }
  }
  return out;
}

bool is_delimiter_line(std::string_view line) noexcept {
  if (line.size() < 3 || line.size() > 200 || !line.starts_with("--")) return false;
  for (char c : line) {
    if (c == ' ' || c == '\t') return false;
  }
  return true;
}

// The boundary of the delimiter line that opens a "Content-Type: message/delivery-status" part
// header, or empty. One pass over the lines.
std::string recover_boundary(std::string_view msg) {
  std::size_t pos = header_end(msg);
  std::string_view delimiter;
  bool in_part_header = false;
  while (pos < msg.size()) {
    std::size_t nl = msg.find('\n', pos);
    std::size_t end = nl == std::string_view::npos ? msg.size() : nl;
    std::string_view line = msg.substr(pos, end - pos);
    pos = nl == std::string_view::npos ? msg.size() : nl + 1;
    if (is_delimiter_line(line)) {
      delimiter = line;
      in_part_header = true;
      continue;
    }
    if (!in_part_header) continue;
    if (trim(line).empty()) {
      in_part_header = false;
      continue;
    }
    if (line.size() >= 13 && ifind(line.substr(0, 13), "content-type:") == 0 &&
        (ifind(line, "message/delivery-status") != std::string_view::npos ||
         ifind(line, "message/global-delivery-status") != std::string_view::npos)) {
      std::string_view b = delimiter.substr(2);
      if (b.ends_with("--")) b.remove_suffix(2);
      return std::string(b);
    }
  }
  return {};
}

// Lower-case words to look for in a text, with a table from each byte to the words that begin
// with it, built at compile time.
template <std::size_t N>
struct word_set {
  static_assert(N <= 32);
  std::array<std::string_view, N> words;  // each two bytes or more
  std::array<std::uint32_t, 256> starting_with{};
  constexpr explicit word_set(const std::array<std::string_view, N>& w) : words(w) {
    for (std::size_t k = 0; k < N; ++k) {
      if (words[k].size() < 2) throw "word_set: a word of two bytes or more";  // compile error
      starting_with[static_cast<unsigned char>(words[k].front())] |= std::uint32_t{1} << k;
    }
  }
};

// Whether lower-case `text` contains one of the words, in one pass: only the words that begin
// with a byte are compared there. Every message's Subject and From are asked about some thirty
// words, and a find() per word was a few per cent of a batch.
template <std::size_t N>
bool contains_any(std::string_view text, const word_set<N>& set) noexcept {
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::uint32_t candidates = set.starting_with[static_cast<unsigned char>(text[i])];
    while (candidates != 0) {
      const auto k = static_cast<std::size_t>(__builtin_ctz(candidates));
      candidates &= candidates - 1;
      const std::string_view w = set.words[k];
      // The second byte first (every word has two): most candidates end there, without a call.
      if (w.size() <= text.size() - i && text[i + 1] == w[1] && text.compare(i, w.size(), w) == 0) {
        return true;
      }
    }
  }
  return false;
}

constexpr word_set k_bounce_senders{
    std::array<std::string_view, 7>{"mailer-daemon", "postmaster", "mail delivery", "mail-daemon",
                                    "mailer daemon", "bounce", "mdaemon"}};

constexpr word_set k_bounce_subjects{std::array<std::string_view, 20>{"undeliver",
                                                                      "delivery status",
                                                                      "delivery failure",
                                                                      "delivery failed",
                                                                      "delivery notification",
                                                                      "returned mail",
                                                                      "failure notice",
                                                                      "mail delivery",
                                                                      "not delivered",
                                                                      "could not be delivered",
                                                                      "delivery problem",
                                                                      "nondeliverable",
                                                                      "non-delivery",
                                                                      "abuse report",
                                                                      "complaint",
                                                                      "warning: could not send",
                                                                      "delayed mail",
                                                                      "message delayed",
                                                                      "rejected",
                                                                      "bounce"}};

}  // namespace

bool may_be_bounce(const header_block& h) noexcept {
  try {
    if (auto i = h.find("Content-Type")) {
      std::string v = detail::ascii_lower(h.raw_value(*i));
      if (v.find("multipart/report") != std::string::npos) return true;
      if (v.find("delivery-status") != std::string::npos) return true;
    }
    if (h.find("X-Failed-Recipients")) return true;
    if (auto i = h.find("From")) {
      if (contains_any(detail::ascii_lower(h.raw_value(*i)), k_bounce_senders)) return true;
    }
    if (auto i = h.find("Return-Path")) {
      if (trim(h.raw_value(*i)) == "<>") return true;
    }
    if (auto i = h.find("Subject")) {
      if (contains_any(detail::ascii_lower(h.raw_value(*i)), k_bounce_subjects)) return true;
    }
    if (auto i = h.find("Auto-Submitted")) {
      std::string v = detail::ascii_lower(h.raw_value(*i));
      if (v.find("auto-replied") != std::string::npos) return false;
      if (v.find("auto-generated") != std::string::npos) return true;
    }
  } catch (...) {
    // ascii_lower allocates; out of memory means "not a bounce" for a cheap test.
  }
  return false;
}

std::optional<bounce_report> parse_bounce(std::string_view whole_message,
                                          const header_block& top_header,
                                          const bounce_limits& limits) {
  // A disposition notification (RFC 8098, "the message was displayed") is a receipt, not a
  // bounce, though it is a multipart/report too (flanker disposition-notification.eml).
  if (auto i = top_header.find("Content-Type");
      i &&
      read_content_type(top_header.unfolded_value(*i)).report_type == "disposition-notification") {
    return std::nullopt;
  }
  bounce_report rep;
  std::string msg = prepare(whole_message, limits, rep.diagnostics);
  std::vector<mime_part> parts = find_structure(msg, limits, rep.diagnostics);

  // --- RFC 3464 delivery-status parts ---
  dsn_groups outer = read_status_parts(parts, limits);
  rep.status_fields = outer.status_fields;
  rep.recipients = std::move(outer.recipients);
  rep.reporting_mta = std::move(outer.reporting_mta);
  rep.arrival_date = std::move(outer.arrival_date);

  // --- reports nested in returned message/rfc822 parts (up to k_max_nested_depth levels, at
  // most k_max_nested_reports messages, read from a work list, never by recursion). Their
  // Status: fields are counted. Their recipients are the report's only when the outer message
  // has no delivery-status part of its own (sisimai lhost-x5-01: a gateway wrapped the real DSN
  // in multipart/mixed); next to an outer report (lhost-sendmail-38: a bounce of a forwarded
  // bounce) they are about an earlier delivery.
  std::string nested_returned;
  {
    struct nested {
      std::string text;
      std::size_t depth;
    };
    std::vector<nested> work;
    auto queue_returned = [&work](const std::vector<mime_part>& ps, std::size_t depth) {
      for (const mime_part& p : ps) {
        if (p.type != "message/rfc822" && p.type != "message/global") continue;
        if (ifind(p.body, "delivery-status") == std::string::npos) continue;
        if (work.size() >= k_max_nested_reports) return;
        std::string inner = decode_transfer(p.body, p.cte);
        std::size_t lead = 0;
        while (lead < inner.size() && inner[lead] == '\n') ++lead;
        inner.erase(0, lead);
        work.push_back({std::move(inner), depth});
      }
    };
    queue_returned(parts, 1);
    bool adopted = false;
    for (std::size_t w = 0; w < work.size(); ++w) {
      std::vector<diagnostic> inner_notes;
      std::vector<mime_part> inner_parts = find_structure(work[w].text, limits, inner_notes);
      dsn_groups d = read_status_parts(inner_parts, limits);
      rep.status_fields += d.status_fields;
      if (!adopted && rep.recipients.empty() && !d.recipients.empty()) {
        adopted = true;
        rep.recipients = std::move(d.recipients);
        rep.reporting_mta = std::move(d.reporting_mta);
        rep.arrival_date = std::move(d.arrival_date);
        for (const mime_part& ip : inner_parts) {
          if (!is_returned_type(ip.type)) continue;
          std::string storage;
          const std::string_view body = decoded_view(ip.body, ip.cte, storage);
          std::size_t st = 0;
          while (st < body.size() && body[st] == '\n') ++st;
          nested_returned = header_block_at(body, st, limits.max_returned_header_bytes);
          break;
        }
        rep.diagnostics.push_back({"bounce_nested_report",
                                   "the delivery-status report was read from a returned "
                                   "message/rfc822 part (the outer message has none)"});
      }
      if (work[w].depth < k_max_nested_depth) queue_returned(inner_parts, work[w].depth + 1);
    }
  }

  // --- a report whose MIME boundary does not match its Content-Type (sisimai rhost-google-02,
  // rhost-franceptt-07: the declared boundary differs from the delimiter lines), that has no
  // Content-Type at all (lhost-sendmail-53), or that was forwarded inline as text
  // (lhost-postfix-49): the delimiter line in front of a "Content-Type:
  // message/delivery-status" part header gives the boundary to read the body with.
  if (rep.status_fields == 0 && rep.recipients.empty()) {
    std::string boundary = recover_boundary(msg);
    if (!boundary.empty()) {
      std::vector<diagnostic> scan_notes;
      std::vector<mime_part> recovered = own_scan(msg, limits, scan_notes, boundary);
      dsn_groups d = read_status_parts(recovered, limits);
      if (d.status_fields != 0 || !d.recipients.empty()) {
        parts = std::move(recovered);
        rep.status_fields = d.status_fields;
        rep.recipients = std::move(d.recipients);
        rep.reporting_mta = std::move(d.reporting_mta);
        rep.arrival_date = std::move(d.arrival_date);
        rep.diagnostics.push_back(
            {"mime_boundary_recovered",
             "the delivery-status part was found with the boundary \"" + boundary +
                 "\" of its delimiter line, not the one the message's Content-Type declares"});
      }
    }
  }
  if (!rep.recipients.empty()) rep.kind = "dsn";

  // --- RFC 5965 feedback reports ---
  std::vector<std::string> arf_recipients;
  for (const mime_part& p : parts) {
    if (p.type != "message/feedback-report" || rep.feedback) continue;
    std::string storage;
    std::vector<header_block> groups = read_groups(decoded_view(p.body, p.cte, storage));
    if (groups.empty()) continue;
    const header_block& g = groups.front();
    feedback_report f;
    f.feedback_type = detail::ascii_lower(trim(field(g, "Feedback-Type")));
    f.user_agent = field(g, "User-Agent");
    f.version = field(g, "Version");
    f.source_ip = field(g, "Source-IP");
    f.original_mail_from = bare_address(field(g, "Original-Mail-From"));
    f.original_rcpt_to = bare_address(field(g, "Original-Rcpt-To"));
    f.arrival_date = field(g, "Arrival-Date");
    if (f.arrival_date.empty()) f.arrival_date = field(g, "Received-Date");
    f.reported_domain = field(g, "Reported-Domain");
    f.authentication_results = field(g, "Authentication-Results");
    for (std::size_t i = 0; i < g.size() && arf_recipients.size() < limits.max_recipients; ++i) {
      if (!iequals(g.name(i), "Original-Rcpt-To")) continue;
      std::string a = bare_address(g.unfolded_value(i));
      if (a.find('@') != std::string::npos) arf_recipients.push_back(std::move(a));
    }
    rep.feedback = std::move(f);
    if (rep.kind.empty()) rep.kind = "arf";
  }

  // --- the returned original message ---
  rep.returned_headers = std::move(nested_returned);
  for (const mime_part& p : parts) {
    if (!rep.returned_headers.empty()) break;
    if (!is_returned_type(p.type)) continue;
    std::string storage;
    const std::string_view body = decoded_view(p.body, p.cte, storage);
    std::size_t start = 0;
    while (start < body.size() && body[start] == '\n') ++start;
    rep.returned_headers = header_block_at(body, start, limits.max_returned_header_bytes);
    break;
  }

  // --- the human-readable text: the whole story for non-standard bounces, and the source of
  // reply codes a DSN's groups do not carry ---
  std::string text;
  bool any_plain = false;
  for (const mime_part& p : parts) {
    if (is_returned_type(p.type) || is_status_type(p.type)) break;
    if (p.type == "text/plain") any_plain = true;
  }
  for (const mime_part& p : parts) {
    if (is_returned_type(p.type) || is_status_type(p.type)) break;
    if (p.type == "text/plain" || (!any_plain && p.type == "text/html")) {
      if (text.size() < limits.max_message_bytes) text += text_of(p) + "\n";
    }
  }
  text_bounce tb = parse_bounce_text(text, limits.max_recipients);
  if (rep.returned_headers.empty() && tb.original_offset != std::string::npos) {
    rep.returned_headers =
        header_block_at(text, tb.original_offset, limits.max_returned_header_bytes);
  }

  if (rep.kind == "dsn") {
    for (bounce_recipient& r : rep.recipients) {
      if (!r.recipient.empty() && (r.recipient.front() == '|' || r.recipient.front() == '/') &&
          r.original_recipient.empty()) {
        // Exim: "pipe to |/usr/local/bin/x\n    generated by kijitora@example.com" (sisimai
        // lhost-exim-44, -60): the address that led to the pipe or file.
        std::size_t g = ifind(text, "generated by ");
        if (g != std::string::npos) {
          std::string_view rest = std::string_view(text).substr(g + 13, 330);
          rest = rest.substr(0, rest.find('\n'));
          std::string a = bare_address(rest);
          if (a.find('@') != std::string::npos) r.original_recipient = std::move(a);
        }
      }
      // (Not a source route "@relay:user@domain", which is an address.)
      if (!r.recipient.empty() && r.recipient.front() == '@' &&
          r.recipient.find(':') == std::string::npos && rep.recipients.size() == 1 &&
          tb.recipients.size() == 1) {
        // "Final-Recipient: RFC822; @mx.example.org" has lost its local part; the transcript's
        // "550 5.1.2 <kijitora@example.org>... Host unknown" names the one recipient (sisimai
        // lhost-sendmail-15).
        r.recipient = tb.recipients.front().recipient;
        rep.diagnostics.push_back({"bounce_recipient_from_text",
                                   "Final-Recipient has no local part; the address was taken "
                                   "from the bounce text"});
      }
    }
    // Fill what the groups left out from the text's block for the same address.
    for (bounce_recipient& r : rep.recipients) {
      for (std::size_t k = 0; k < tb.recipients.size(); ++k) {
        const bounce_recipient& t = tb.recipients[k];
        if (!iequals(t.recipient, r.recipient)) continue;
        if (r.diagnostic.empty()) r.diagnostic = t.diagnostic;
        if (r.status.empty() && !t.status.empty()) {
          r.status = t.status;
          r.status_from_text = true;
        }
        break;
      }
    }
  } else if (rep.kind == "arf") {
    // Every Original-Rcpt-To is a recipient the report is about (sisimai arf-16 lists seven);
    // without one, the returned message's To: if it is an address ("<Undisclosed
    // Recipients>", arf-11, is not).
    std::vector<std::string> addrs = arf_recipients;
    if (addrs.empty() && !rep.returned_headers.empty()) {
      header_block orig = split_header_block(rep.returned_headers);
      std::string to = bare_address(field(orig, "To"));
      if (to.find('@') != std::string::npos) addrs.push_back(std::move(to));
    }
    for (std::string& a : addrs) {
      if (rep.recipients.size() >= limits.max_recipients) break;
      bounce_recipient r;
      r.recipient = std::move(a);
      r.action = "feedback";
      r.diagnostic = rep.feedback->feedback_type;
      rep.recipients.push_back(std::move(r));
    }
  } else if (json_notification ses = parse_ses_json(text, limits.max_recipients);
             !ses.recipients.empty()) {
    // Amazon SES notifications delivered by mail as JSON (sisimai lhost-amazonses-09..11).
    rep.kind = "text";
    rep.mta = "amazonses";
    if (rep.reporting_mta.empty()) rep.reporting_mta = ses.reporting_mta;
    rep.recipients = std::move(ses.recipients);
  } else {
    const bool bounce_header = may_be_bounce(top_header);
    bool strong = !tb.mta.empty() && tb.mta != "generic_weak";
    std::vector<bounce_recipient> recips = std::move(tb.recipients);
    // "X-Failed-Recipients: libsisimai@googlegroups.com" (Exim, Google) is the MTA's own list
    // and beats addresses found in the text (Google Groups' text starts with the sender's
    // address: "kijitora@example.jp 様"). Text blocks for those addresses are kept.
    if (auto xf = top_header.find("X-Failed-Recipients")) {
      std::string v = top_header.unfolded_value(*xf);
      std::vector<bounce_recipient> listed;
      std::size_t s = 0;
      while (s < v.size() && listed.size() < limits.max_recipients) {
        std::size_t c = v.find(',', s);
        if (c == std::string::npos) c = v.size();
        std::string a = bare_address(std::string_view(v).substr(s, c - s));
        s = c + 1;
        if (a.empty()) continue;
        bounce_recipient r;
        for (const bounce_recipient& t : recips) {
          if (iequals(t.recipient, a)) r = t;
        }
        if (r.recipient.empty()) {
          r.recipient = a;
          r.action = "failed";
          r.status = find_status_in_text(text);
          r.reply_code = find_reply_code_in_text(text);
          r.status_from_text = true;
        }
        listed.push_back(std::move(r));
      }
      if (!listed.empty()) recips = std::move(listed);
    }
    // A failure code: class 4 or 5. A success-looking number in a phishing text ("224", the
    // rest of a sentence, phishing_pot sample-715) says nothing of a bounce.
    auto failure_class = [](const std::string& code) {
      return !code.empty() && (code[0] == '4' || code[0] == '5');
    };
    bool coded = false;
    for (const bounce_recipient& r : recips) {
      coded |= failure_class(r.status) || failure_class(r.reply_code);
    }
    const bool weak = tb.mta == "generic_weak";
    // A bounce-like header alone is not enough (phishing mail fakes "postmaster"): it needs
    // a failure code, a bounce phrase, or a returned copy of the original message.
    if (!strong && !(bounce_header && (coded || weak || !rep.returned_headers.empty()))) {
      return std::nullopt;
    }
    if (recips.empty() && !rep.returned_headers.empty()) {
      // Google Groups: "連絡しようとしたグループ（libsisimai）が存在しないか..." names no
      // address; the returned message's To: is the list that refused it.
      header_block orig = split_header_block(rep.returned_headers);
      std::string to = field(orig, "To");
      if (!to.empty() && to.find(',') == std::string::npos) {
        bounce_recipient r;
        r.recipient = bare_address(to);
        r.action = "failed";
        r.status = find_status_in_text(text);
        r.reply_code = find_reply_code_in_text(text);
        r.status_from_text = true;
        r.diagnostic = std::string(trim(std::string_view(text).substr(
            0, std::min(text.size(), tb.original_offset == std::string::npos
                                         ? std::size_t{600}
                                         : std::min<std::size_t>(600, tb.original_offset)))));
        if (r.recipient.find('@') != std::string::npos) {
          recips.push_back(std::move(r));
          rep.diagnostics.push_back({"recipient_from_returned_headers",
                                     "the bounce text names no recipient; the returned "
                                     "message's To: was used"});
        }
      }
    }
    rep.kind = "text";
    rep.mta = tb.mta == "generic_weak" ? "generic" : tb.mta;
    rep.recipients = std::move(recips);
    if (rep.recipients.empty()) {
      rep.diagnostics.push_back(
          {"bounce_no_recipient", "a bounce text was recognised but no failed recipient found"});
    }
  }
  if (rep.kind.empty()) return std::nullopt;
  for (bounce_recipient& r : rep.recipients) {
    // "Status: 5.0.0" with "Diagnostic-Code: smtp; 550 5.7.1 ... rejected" (sisimai
    // lhost-exim-43): the field only says "permanent failure, no detail"; the remote's own code
    // says what went wrong. Report the specific one (same class), keep the field in
    // status_field.
    auto field_code = parse_enhanced_status(r.status);
    if (field_code && field_code->subject == 0 && field_code->detail == 0 &&
        !r.diagnostic.empty()) {
      // The code that follows the remote's reply first: "5.1.0 - Unknown address error
      // 550-'5.7.1 <x@y>... Access denied'" (Amazon SES, sisimai lhost-amazonses-01) is SES's
      // label, then what the remote said.
      std::string specific = find_status_after_reply(r.diagnostic);
      if (specific.empty()) specific = find_status_in_text(r.diagnostic);
      auto sc = parse_enhanced_status(specific);
      if (sc && sc->klass == field_code->klass && !(sc->subject == 0 && sc->detail == 0)) {
        r.status = specific;
        r.status_from_text = true;
      }
    }
    complete_recipient(r);
    if (rep.kind == "dsn" && r.reply_code.empty()) {
      // No reply in the groups (sendmail: "Diagnostic-Code: X-Unix; 77"): the text's block for
      // this address, or, for a report about one recipient, the text's reply code when its
      // class is the status's ("554 5.3.0 unknown mailer error 255", sisimai
      // lhost-sendmail-18).
      std::string code;
      for (std::size_t k = 0; k < tb.recipients.size() && k < tb.block_replies.size(); ++k) {
        if (iequals(tb.recipients[k].recipient, r.recipient)) {
          code = tb.block_replies[k];
          break;
        }
      }
      if (code.empty() && rep.recipients.size() == 1) code = tb.first_reply;
      if (!code.empty() && !r.status.empty() && code[0] == r.status[0]) {
        r.reply_code = code;
        complete_recipient(r);
      }
    }
  }
  return rep;
}

}  // namespace hopscope
