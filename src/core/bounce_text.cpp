// Non-standard bounce texts: the human-readable notices MTAs send instead of (or next to) an
// RFC 3464 report. There is no grammar, so this is a line scanner with a few rules, each one
// forced by a real bounce (the quoted lines come from sisimai/set-of-emails, BSD-2-Clause):
//
//   qmail     "Hi. This is the qmail-send program at mx4.example.jp."      "<kijitora@x>:"
//   Exim      "This message was created automatically by mail delivery software."
//             "  kijitora@example.ed.jp"  (indented address, then the SMTP error below it)
//   Postfix   "<kijitora@x>: host mx[192.0.2.1] said: 550 5.1.1 ..."
//   Sendmail  "   ----- Transcript of session follows -----"   "550 <kijitora@x>... User unknown"
//   Exchange  "Delivery has failed to these recipients or distribution lists:"
//             "Neko<mailto:mikeneko@example.co.jp>"  ...  "#550 5.1.1 RESOLVER.ADR.RecipNotFound"
//   Exchange 2003 "kijitora@example.jp on Thu, 29 Apr 2010 00:00:00 -0000"
//   Gmail     "Delivery to the following recipient failed permanently:"  "     x@example.jp"
//   Yahoo     "Sorry, we were unable to deliver your message to the following address."
//   Notes     "------- Failure Reasons  --------"  ...  "------- Returned Message --------"
//
// A recipient line is a line that starts with an address (bare, in <>, after a display name,
// "mailto:", or a label such as "Recipient:"), or a transcript line "550 5.1.1 <x@y>..." /
// ">>> RCPT To:<x@y>". The lines up to the next recipient line are that recipient's block; its
// first enhanced status and reply code are the recipient's. No regex (libstdc++'s segfaults on
// long lines), no recursion, every loop bounded by the text length.

#include "core/bounce_text.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include <nlohmann/json.hpp>

#include "core/byte_find.hpp"
#include "core/phrase_search.hpp"
#include "hopscope/smtp_reply.hpp"

namespace hopscope::bounce_detail {
namespace {

constexpr std::size_t k_max_diagnostic = 2000;  // bytes kept of a recipient's diagnostic text
constexpr std::size_t k_max_line_scan = 4096;   // bytes of one line examined for an address

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) noexcept { return is_digit(c) || is_alpha(c); }
bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool istarts_with(std::string_view s, std::string_view lower_prefix) noexcept {
  if (s.size() < lower_prefix.size()) return false;
  for (std::size_t i = 0; i < lower_prefix.size(); ++i) {
    if (detail::ascii_lower(s[i]) != lower_prefix[i]) return false;
  }
  return true;
}

// Phrases that name the bouncing software. "strong" ones are enough on their own to call a
// message a bounce; the generic ones need a bounce-like header as well (dsn.cpp decides).
struct marker {
  std::string_view phrase;  // lower case
  std::string_view mta;
  bool strong;
};
constexpr std::array k_markers{
    marker{"this is the qmail-send program", "qmail", true},
    marker{"this message was created automatically by mail delivery software", "exim", true},
    marker{"a message that you sent could not be delivered", "exim", true},
    marker{"delivery has failed to these recipients or", "exchange", true},
    marker{"did not reach the following recipient", "exchange2003", true},
    marker{"transcript of session follows", "sendmail", true},
    marker{"this is the mail system at host", "postfix", true},
    marker{"delivery to the following recipient failed permanently", "gmail", true},
    marker{"delivery to the following recipients failed", "gmail", true},
    marker{"delivery to the following recipient has been delayed", "gmail", true},
    marker{"sorry, we were unable to deliver your message", "yahoo", true},
    marker{"unable to deliver message to the following address", "generic", true},
    marker{"an error occurred while trying to deliver the mail to the following recipients",
           "amazon", true},
    marker{"failure reasons", "notes", true},
    marker{"this is the mailer-daemon, please do not reply", "opensmtpd", true},
    marker{"an error has occurred while attempting to deliver a message", "opensmtpd", true},
    marker{"was rejected by a remote mail server", "generic", true},
    marker{"your message was not delivered to", "generic", true},
    marker{"could not be delivered to", "generic", true},
    // Exchange 2003 / Internet Mail Connector: "The following recipient(s) could not be
    // reached:" (sisimai lhost-exchange2003-04, no code anywhere in the text).
    marker{"the following recipient(s) could not be reached", "exchange2003", true},
    marker{"did not reach some or all of the intended recipients", "exchange2003", true},
    // Exim: "A message that you sent contained one or more recipient addresses that were
    // incorrectly constructed:" (sisimai lhost-exim-52).
    marker{"recipient addresses that were\nincorrectly constructed", "exim", true},
    marker{"recipient addresses that were incorrectly constructed", "exim", true},
    // Sendmail-like "---The following addresses had delivery errors---" (sisimai lhost-x1-02),
    // "----- The following addresses had permanent delivery errors -----" (lhost-x5-01).
    marker{"the following addresses had", "generic", true},
    // Apache James / Verizon's vtext.com: "Error message below:\n550 - Requested action not
    // taken: no such user here" then "Message details: ... RCPT TO: x@y" (sisimai
    // lhost-apachejames-01, lhost-verizon-02).
    marker{"error message below:", "apachejames", true},
    // fml mailing-list manager: a post refused or dropped (sisimai lhost-fml-02, -03).
    marker{"you are not a member of this mailing list", "fml", true},
    marker{"duplicated message-id in <", "fml", true},
    marker{"delivery status notification", "generic", false},
    marker{"undeliverable", "generic", false},
    marker{"delivery failure", "generic", false},
    marker{"delivery failed", "generic", false},
    marker{"permanent error", "generic", false},
    marker{"unable to deliver", "generic", false},
    marker{"was not delivered", "generic", false},
    marker{"returned mail", "generic", false},
    marker{"user unknown", "generic", false},
    marker{"failed permanently", "generic", false},
    // au/EZweb: "The user(s) account is disabled." under Japanese text (sisimai
    // lhost-ezweb-03).
    marker{"account is disabled", "generic", false},
};

// Lines after which the returned message (or its headers) follows.
constexpr std::array<std::string_view, 18> k_cut_markers{
    "below this line is a copy of the message",  // qmail, Yahoo
    "this is a copy of the message",             // Exim
    "this is a copy of the body",                // Exim (no headers follow)
    "original message follows",                  // "--- Original message follows."
    "original message headers",                  // Exchange 2007: "Original message headers:"
    "----- original message -----",              // Gmail
    "unsent message follows",                    // Sendmail V5
    // Notes: "------- Returned Message --------". Not "returned message" alone: Postfix's
    // boilerplate "delete your own text from the attached returned message." comes before its
    // recipient list (sisimai rfc3464-34, a DSN without MIME structure).
    "returned message --",
    "original message:",  // Verizon MMS: "Original Message:" then From:/To: (lhost-verizon-01)
    "original mail as follows",  // fml: "Original mail as follows:" (lhost-fml-03)
    "message headers follow",
    "original message header",
    "headers of the original message",
    "header of the original message",
    "original message text follows",
    "returned mail follows",
    "message text follows",
    "original message --",
};

// Labels before an address on a recipient line ("Recipient address: x@y").
// Not "To:": Exchange 2003 echoes the original's "  To:      shironeko@example.com" above the
// real list ("did not reach the following recipient(s):").
constexpr std::array<std::string_view, 9> k_recipient_labels{
    "recipient address:",  "original recipient:", "failed recipient:", "recipient:",
    "original-recipient:", "final-recipient:",    "address:",          "rcpt to:",
    "email address:"};

bool is_addr_char(char c) noexcept {
  return !(is_space(c) || c == '<' || c == '>' || c == ':' || c == ',' || c == ';' || c == '"' ||
           c == '(' || c == ')' || c == '[' || c == ']' || c == '\'' || c == '\0');
}

// An address at the very start of `s` ("x@y" up to a delimiter). Returns its length or 0.
std::size_t address_at(std::string_view s) noexcept {
  std::size_t i = 0;
  std::size_t at = std::string_view::npos;
  while (i < s.size() && i < 320 && is_addr_char(s[i])) {
    if (s[i] == '@') {
      if (at != std::string_view::npos) return 0;
      at = i;
    }
    ++i;
  }
  if (at == std::string_view::npos || at == 0 || at + 1 >= i) return 0;
  // "x@y." at the end of a sentence: the dot is not part of the domain.
  while (i > at + 1 && s[i - 1] == '.') --i;
  std::string_view domain = s.substr(at + 1, i - at - 1);
  // A domain is letters, digits, '-', '.', '_' (or UTF-8 for an internationalised one): raw
  // ISO-2022-JP text has '@' among its 7-bit bytes ("\x1b$BAw?.@h%a!", sisimai
  // lhost-ezweb-08), and that is no address.
  for (const char c : domain) {
    const bool ok =
        is_alnum(c) || c == '-' || c == '.' || c == '_' || static_cast<unsigned char>(c) >= 0x80;
    if (!ok) return 0;
  }
  if (domain.empty() || domain.find('.') == std::string_view::npos) {
    // "postmaster@localhost" style local domains are real but rare in bounces; a dotless
    // domain is more often "user@[ip]" cut by our delimiters, which we do not chase.
    if (domain.empty()) return 0;
  }
  return i;
}

// The recipient address a line announces, or empty.
std::string recipient_on_line(std::string_view line) {
  // Every address this returns comes from address_at(), which needs an '@': most lines of a
  // bounce have none, and are done with one memchr() instead of the rules below.
  if (line.find('@') == std::string_view::npos) return {};
  std::string_view t = trim(line);
  if (t.size() > k_max_line_scan) t = t.substr(0, k_max_line_scan);
  // Sendmail transcripts: ">>> RCPT To:<x@y>" and "<<< 550 5.1.1 <x@y>... User unknown".
  if (t.starts_with(">>>") || t.starts_with("<<<")) t = trim(t.substr(3));
  // The envelope sender in a transcript or a "Message details:" list ("MAIL FROM:
  // kijitora@example.com", sisimai lhost-apachejames-01) is never a failed recipient.
  if (istarts_with(t, "mail from:")) return {};
  // IMail: "undeliverable to kijitora@example.jp" (sisimai lhost-imailserver-06).
  if (istarts_with(t, "undeliverable to ")) {
    std::string_view r = trim(t.substr(17));
    if (!r.empty() && r.front() == '<') r.remove_prefix(1);
    std::size_t n = address_at(r);
    return n ? std::string(r.substr(0, n)) : std::string();
  }
  // Exim: "kijitora@example.com <neko@example.net>: malformed address: <neko@example.net> may
  // not follow kijitora@example.com" (sisimai lhost-exim-52): the address written is the one in
  // angle brackets; the word before it is a display name that looks like an address.
  if (std::size_t ma = ifind(t, ": malformed address:"); ma != std::string_view::npos) {
    std::string_view w = trim(t.substr(0, ma));
    std::size_t lt = w.rfind('<');
    if (lt != std::string_view::npos) w = w.substr(lt + 1);
    std::size_t n = address_at(w);
    return n ? std::string(w.substr(0, n)) : std::string();
  }
  std::size_t rc = ifind(t, "rcpt to:");
  if (rc != std::string_view::npos && rc < 8) {
    std::string_view r = trim(t.substr(rc + 8));
    if (!r.empty() && r.front() == '<') r.remove_prefix(1);
    std::size_t n = address_at(r);
    return n ? std::string(r.substr(0, n)) : std::string();
  }
  // "550 <x@y>... User unknown", "550 5.1.1 <x@y>... ": a reply then the address.
  if (t.size() > 4 && is_digit(t[0]) && is_digit(t[1]) && is_digit(t[2]) &&
      (t[3] == ' ' || t[3] == '-')) {
    std::string_view r = trim(t.substr(4));
    if (!r.empty() && is_digit(r[0])) {
      std::size_t sp = r.find(' ');
      r = sp == std::string_view::npos ? std::string_view() : trim(r.substr(sp));
    }
    if (r.empty() || r.front() != '<') return {};
    r.remove_prefix(1);
    std::size_t n = address_at(r);
    if (n == 0 || n >= r.size() || r[n] != '>') return {};
    return std::string(r.substr(0, n));
  }
  for (std::string_view label : k_recipient_labels) {
    if (istarts_with(t, label)) {
      t = trim(t.substr(label.size()));
      if (istarts_with(t, "rfc822;")) t = trim(t.substr(7));
      break;
    }
  }
  // "Unknown user: kijitora@example.com" (IMail), "Unable to deliver message to: <x@y>"
  // (MailFoundry): a short phrase, a colon, and an address that ends the line.
  {
    std::size_t colon = t.find(':');
    // The phrase must have a space: "Message-ID:<x@y>" (Zoho's returned headers) is a field.
    // It starts with a letter: "> To: <x@y>" is a quoted header line of a forwarded bounce
    // (sisimai err/make-test-36).
    if (colon != std::string_view::npos && colon > 0 && colon < 48 && is_alpha(t[0]) &&
        t.substr(0, colon).find('@') == std::string_view::npos &&
        t.substr(0, colon).find(' ') != std::string_view::npos) {
      std::string_view r = trim(t.substr(colon + 1));
      bool bracket = !r.empty() && r.front() == '<';
      if (bracket) r.remove_prefix(1);
      std::size_t n = address_at(r);
      std::string_view rest = n ? trim(r.substr(n)) : std::string_view();
      if (bracket && rest.starts_with(">")) rest = trim(rest.substr(1));
      if (n != 0 && rest.empty()) return std::string(r.substr(0, n));
    }
  }
  // "Neko<mailto:mikeneko@example.co.jp>", "\"Neko\" <x@y>": a short display name first.
  if (!t.empty() && t.front() != '<') {
    std::size_t lt = t.find('<');
    if (lt != std::string_view::npos && lt < 64 &&
        t.substr(0, lt).find(':') == std::string_view::npos &&
        t.substr(0, lt).find('@') == std::string_view::npos) {
      std::string_view r = t.substr(lt + 1);
      if (istarts_with(r, "mailto:")) r.remove_prefix(7);
      std::size_t n = address_at(r);
      if (n != 0 && n < r.size() && r[n] == '>') return std::string(r.substr(0, n));
    }
  }
  while (!t.empty() && (t.front() == '<' || t.front() == '"' || t.front() == '\'')) {
    t.remove_prefix(1);
  }
  if (istarts_with(t, "mailto:")) t.remove_prefix(7);
  std::size_t n = address_at(t);
  if (n == 0) return {};
  return std::string(t.substr(0, n));
}

bool is_header_field_line(std::string_view line) noexcept {
  std::size_t i = 0;
  while (i < line.size() && i < 80 && line[i] > ' ' && line[i] < 127 && line[i] != ':') ++i;
  return i > 0 && i < line.size() && line[i] == ':';
}

std::string join_block(const std::vector<std::string_view>& lines) {
  std::string out;
  for (std::string_view l : lines) {
    std::string_view t = trim(l);
    if (t.empty()) continue;
    if (out.size() + t.size() + 1 > k_max_diagnostic) break;
    if (!out.empty()) out += ' ';
    out.append(t);
  }
  return out;
}

}  // namespace

// Candidates for the first letter are found with memchr, once for each case, each position
// advanced past the other: linear, and as fast as memchr on text without the letter. (A plain
// byte loop here was the most expensive line of bounce reading.)
std::size_t ifind(std::string_view hay, std::string_view needle, std::size_t from) noexcept {
  if (needle.empty()) return from <= hay.size() ? from : std::string_view::npos;
  if (hay.size() < needle.size() || from > hay.size() - needle.size()) {
    return std::string_view::npos;
  }
  const std::size_t end = hay.size() - needle.size() + 1;  // candidates are below this
  const char lower = needle[0];
  const char upper = (lower >= 'a' && lower <= 'z') ? static_cast<char>(lower - 'a' + 'A') : lower;
  auto next = [&](char c, std::size_t at) {
    if (at >= end) return std::string_view::npos;
    const void* p = std::memchr(hay.data() + at, c, end - at);
    return p == nullptr ? std::string_view::npos
                        : static_cast<std::size_t>(static_cast<const char*>(p) - hay.data());
  };
  std::size_t at_lower = next(lower, from);
  std::size_t at_upper = upper == lower ? std::string_view::npos : next(upper, from);
  for (;;) {
    const std::size_t i = std::min(at_lower, at_upper);
    if (i == std::string_view::npos) return i;
    std::size_t k = 1;
    while (k < needle.size() && detail::ascii_lower(hay[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return i;
    if (i == at_lower) {
      at_lower = next(lower, i + 1);
    } else {
      at_upper = next(upper, i + 1);
    }
  }
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

namespace {

int hex_value(char c) noexcept {
  if (is_digit(c)) return c - '0';
  c = detail::ascii_lower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Quoted-printable, copied a run at a time between the '=' signs (most of a text has none).
std::string decode_quoted_printable(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  std::size_t i = 0;
  while (i < body.size()) {
    const void* eq = std::memchr(body.data() + i, '=', body.size() - i);
    const std::size_t at =
        eq == nullptr ? body.size()
                      : static_cast<std::size_t>(static_cast<const char*>(eq) - body.data());
    out.append(body.data() + i, at - i);
    if (at == body.size()) break;
    // Soft line break: "=" at the end of a line (trailing spaces allowed).
    std::size_t j = at + 1;
    while (j < body.size() && (body[j] == ' ' || body[j] == '\t')) ++j;
    if (j < body.size() && body[j] == '\n') {
      i = j + 1;
      continue;
    }
    if (j >= body.size()) break;
    if (at + 2 < body.size() && hex_value(body[at + 1]) >= 0 && hex_value(body[at + 2]) >= 0) {
      out += static_cast<char>(hex_value(body[at + 1]) * 16 + hex_value(body[at + 2]));
      i = at + 3;
      continue;
    }
    out += '=';  // a stray '=' is kept as written
    i = at + 1;
  }
  return out;
}

// The value of each base64 letter, -1 for bytes that are skipped, -2 for the '=' that ends it.
constexpr std::array<std::int8_t, 256> k_base64 = [] {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = static_cast<std::int8_t>(c - 'A');
  for (int c = 'a'; c <= 'z'; ++c) t[c] = static_cast<std::int8_t>(c - 'a' + 26);
  for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<std::int8_t>(c - '0' + 52);
  t['+'] = 62;
  t['/'] = 63;
  t['='] = -2;
  return t;
}();

std::string decode_base64(std::string_view body) {
  std::string out(body.size() / 4 * 3 + 3, '\0');
  char* o = out.data();
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : body) {
    const int v = k_base64[static_cast<unsigned char>(c)];
    if (v == -2) break;
    if (v < 0) continue;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      *o++ = static_cast<char>((acc >> bits) & 0xFFu);
    }
  }
  out.resize(static_cast<std::size_t>(o - out.data()));
  // base64 text is usually CRLF inside: normalise to LF like everything else here.
  if (out.find('\r') == std::string::npos) return out;
  std::string lf;
  lf.reserve(out.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '\r') {
      lf += '\n';
      if (i + 1 < out.size() && out[i + 1] == '\n') ++i;
    } else {
      lf += out[i];
    }
  }
  return lf;
}

// The decoded text, or nullopt when `encoding` needs no decoding (7bit, 8bit, binary, unknown).
std::optional<std::string> decode_if_encoded(std::string_view body, std::string_view encoding) {
  const std::string_view enc = trim(encoding);
  if (detail::ascii_iequals(enc, "quoted-printable")) return decode_quoted_printable(body);
  if (detail::ascii_iequals(enc, "base64")) return decode_base64(body);
  return std::nullopt;
}

}  // namespace

std::string_view decoded_view(std::string_view body, std::string_view encoding,
                              std::string& storage) {
  std::optional<std::string> decoded = decode_if_encoded(body, encoding);
  if (!decoded) return body;
  storage = std::move(*decoded);
  return storage;
}

std::string decode_transfer(std::string_view body, std::string_view encoding) {
  std::optional<std::string> decoded = decode_if_encoded(body, encoding);
  return decoded ? std::move(*decoded) : std::string(body);
}

std::string strip_html(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  std::size_t i = 0;
  while (i < html.size()) {
    char c = html[i];
    if (c == '<') {
      std::size_t end = html.find('>', i);
      if (end == std::string_view::npos) break;
      std::string_view tag = html.substr(i + 1, end - i - 1);
      if (istarts_with(tag, "br") || istarts_with(tag, "p") || istarts_with(tag, "/p") ||
          istarts_with(tag, "div") || istarts_with(tag, "/div") || istarts_with(tag, "tr") ||
          istarts_with(tag, "/tr") || istarts_with(tag, "li")) {
        out += '\n';
      }
      i = end + 1;
      continue;
    }
    if (c == '&') {
      static constexpr std::array<std::pair<std::string_view, char>, 6> k_entities{
          {{"&lt;", '<'},
           {"&gt;", '>'},
           {"&amp;", '&'},
           {"&quot;", '"'},
           {"&nbsp;", ' '},
           {"&#39;", '\''}}};
      bool done = false;
      for (const auto& [name, ch] : k_entities) {
        if (istarts_with(html.substr(i), name)) {
          out += ch;
          i += name.size();
          done = true;
          break;
        }
      }
      if (done) continue;
    }
    // Text up to the next tag or entity, copied at once.
    const char* run_end =
        detail::find_any<'<', '&'>(html.data() + i + 1, html.data() + html.size());
    const auto stop = static_cast<std::size_t>(run_end - html.data());
    out.append(html.data() + i, stop - i);
    i = stop;
  }
  return out;
}

std::string find_status_in_text(std::string_view text) {
  std::string first_success;
  // A candidate is a class digit before a '.': the dots are found with memchr, in order, and
  // the byte before each looked at (digits are everywhere in a bounce, dots fewer).
  for (std::size_t dot = text.find('.', 1); dot != std::string_view::npos && dot + 4 <= text.size();
       dot = text.find('.', dot + 1)) {
    const std::size_t i = dot - 1;
    const char c = text[i];
    if (c != '2' && c != '4' && c != '5') continue;
    if (i > 0) {
      char p = text[i - 1];
      if (is_alnum(p) || p == '.' || p == '-' || p == '_' || p == '/') continue;
    }
    std::size_t j = i + 2;
    std::size_t a = j;
    while (j < text.size() && is_digit(text[j]) && j - a < 4) ++j;
    if (j == a || j - a > 3 || j >= text.size() || text[j] != '.') continue;
    std::size_t b = ++j;
    while (j < text.size() && is_digit(text[j]) && j - b < 4) ++j;
    if (j == b || j - b > 3) continue;
    if (j < text.size()) {
      char n = text[j];
      if (is_alnum(n) || n == '_' || n == '-') continue;
      // "192.0.2.1" style: more dotted numbers follow, so this is not a status.
      if (n == '.' && j + 1 < text.size() && is_digit(text[j + 1])) continue;
    }
    std::string code(text.substr(i, j - i));
    if (!parse_enhanced_status(code)) continue;
    if (c == '2') {
      if (first_success.empty()) first_success = code;
      continue;
    }
    return code;
  }
  return first_success;
}

std::string find_status_after_reply(std::string_view text) {
  for (std::size_t i = 0; i + 9 <= text.size(); ++i) {
    const char c = text[i];
    if ((c != '4' && c != '5') || !is_digit(text[i + 1]) || !is_digit(text[i + 2])) continue;
    if (i > 0 && (is_alnum(text[i - 1]) || text[i - 1] == '.')) continue;
    if (text[i + 3] != ' ' && text[i + 3] != '-') continue;
    std::size_t j = i + 4;
    if (j < text.size() && (text[j] == '\'' || text[j] == '"')) ++j;
    if (j >= text.size() || text[j] != c) continue;
    std::string code =
        find_status_in_text(text.substr(j, std::min<std::size_t>(12, text.size() - j)));
    if (!code.empty() && code[0] == c && text.substr(j).starts_with(code)) return code;
  }
  return {};
}

std::string find_reply_code_in_text(std::string_view text) {
  std::string first_success;
  // Candidates start with a class digit, found 16 bytes at a time.
  const auto next_class_digit = [&text](std::size_t from) {
    if (from >= text.size()) return text.size();
    return static_cast<std::size_t>(
        detail::find_any<'2', '3', '4', '5'>(text.data() + from, text.data() + text.size()) -
        text.data());
  };
  for (std::size_t i = next_class_digit(0); i + 3 <= text.size(); i = next_class_digit(i + 1)) {
    char c = text[i];
    if (c < '2' || c > '5') continue;
    if (!is_digit(text[i + 1]) || !is_digit(text[i + 2])) continue;
    if (text[i + 1] > '5') continue;
    if (i > 0) {
      char p = text[i - 1];
      // Zoho writes "ERROR_CODE :550, ERROR_CODE :5.1.1": a colon after a space is a label's.
      bool label_colon = p == ':' && i > 1 && text[i - 2] == ' ';
      if (!label_colon && (is_alnum(p) || p == '.' || p == ':' || p == '/' || p == '-' ||
                           p == '+' || p == '_' || p == '=' || p == ',')) {
        continue;
      }
    }
    if (i + 3 < text.size()) {
      char n = text[i + 3];
      // Yahoo: "550: : User unknown"; Zoho: ":550,". Not "550:12" (a time or a port).
      bool colon_ok = (n == ':' || n == ',') && (i + 4 >= text.size() || !is_digit(text[i + 4]));
      if (!(colon_ok || n == ' ' || n == '-' || n == '\n' || n == '\t' || n == ')' || n == ']' ||
            n == ';' || n == '"')) {
        continue;
      }
      // "550-5.7.1" continuation, or "550 5.1.1": fine. "250 - " too. But "120 -0700"
      // style numbers in dates are excluded by the digit checks above only partly: a
      // time-zone "-0700" has four digits after the minus.
    }
    std::string code(text.substr(i, 3));
    if (c == '2' || c == '3') {
      if (first_success.empty() && c == '2') first_success = code;
      continue;
    }
    return code;
  }
  return first_success;
}

std::string strip_type_prefix(std::string_view value) {
  std::string_view v = trim(value);
  std::size_t semi = v.find(';');
  // "rfc822; x@y", "dns; mx.example", "smtp; 550 ...": the type is one short token.
  if (semi != std::string_view::npos && semi < 32) {
    std::string_view type = trim(v.substr(0, semi));
    bool token = !type.empty();
    for (char c : type) {
      // "rfc/822;sabatora@example.net" (sisimai lhost-mimecast-02) is a misspelt rfc822.
      if (!(is_alnum(c) || c == '-' || c == '_' || c == '.' || c == '/')) token = false;
    }
    if (token) v = trim(v.substr(semi + 1));
  }
  return std::string(v);
}

std::string bare_address(std::string_view value) {
  std::string v = strip_type_prefix(value);
  std::string_view t = trim(v);
  std::size_t lt = t.find('<');
  if (lt != std::string_view::npos) {
    std::size_t gt = t.find('>', lt);
    if (gt != std::string_view::npos) t = t.substr(lt + 1, gt - lt - 1);
  }
  // A quoted local part stays quoted: `"neko....nyaan...."@libsisimai.org` (sisimai
  // lhost-postfix-32) is an address only with its quotes.
  if (t.size() > 3 && t.front() == '"') {
    std::size_t close = t.find("\"@", 1);
    if (close != std::string_view::npos) {
      std::size_t end = close + 2;
      while (end < t.size() && is_addr_char(t[end])) ++end;
      return std::string(t.substr(0, end));
    }
  }
  while (!t.empty() && (t.front() == '"' || t.front() == '\'' || t.front() == '<')) {
    t.remove_prefix(1);
  }
  while (!t.empty() && (t.back() == '"' || t.back() == '\'' || t.back() == '>')) {
    t.remove_suffix(1);
  }
  std::size_t sp = t.find_first_of(" \t");
  if (sp != std::string_view::npos) t = t.substr(0, sp);
  return std::string(trim(t));
}

std::string header_block_at(std::string_view text, std::size_t offset, std::size_t cap) {
  if (offset >= text.size()) return {};
  std::size_t end = text.find("\n\n", offset);
  end = end == std::string_view::npos ? text.size() : end + 1;
  if (end - offset > cap) {
    end = offset + cap;
    std::size_t nl = text.rfind('\n', end);
    if (nl != std::string_view::npos && nl > offset) end = nl + 1;
  }
  std::string out(text.substr(offset, end - offset));
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out;
}

namespace {

// The start of the first line (under 200 bytes) that holds a cut marker, or npos. `lowered` is
// `text` lower-cased. Bounces are read whole (up to 16 MiB), so each marker is looked for with
// memmem() over the whole text, and only before the best line found so far.
std::size_t first_cut_marker_line(std::string_view lowered) noexcept {
  constexpr std::size_t k_max_line = 200;
  std::size_t best = std::string_view::npos;  // the start of the first marker line found
  for (const std::string_view m : k_cut_markers) {
    std::size_t from = 0;
    while (from < lowered.size()) {
      // A line before the best one found lies wholly before it, and so does its marker.
      const std::size_t limit = std::min(lowered.size(), best);
      if (from >= limit) break;
      const void* hit = memmem(lowered.data() + from, limit - from, m.data(), m.size());
      if (hit == nullptr) break;
      const auto at = static_cast<std::size_t>(static_cast<const char*>(hit) - lowered.data());
      const std::size_t nl_before = at == 0 ? std::string_view::npos : lowered.rfind('\n', at - 1);
      const std::size_t begin = nl_before == std::string_view::npos ? 0 : nl_before + 1;
      std::size_t end = lowered.find('\n', at);
      if (end == std::string_view::npos) end = lowered.size();
      if (end - begin < k_max_line) {
        best = begin;
        break;
      }
      from = end;  // a long line: its markers do not count
    }
  }
  return best;
}

// Where the returned message starts, given the cut marker line at `marker` (or npos).
std::size_t original_message_start(std::string_view text, std::size_t marker) noexcept {
  if (marker != std::string_view::npos) {
    // The header block starts at the first non-blank line after the marker, if that line is a
    // field ("Return-path: <x@y>"); otherwise only a body follows.
    const std::size_t nl = text.find('\n', marker);
    std::size_t p = nl == std::string_view::npos ? text.size() : nl + 1;
    for (int skipped = 0; p < text.size() && skipped < 4; ++skipped) {
      std::size_t e = text.find('\n', p);
      if (e == std::string_view::npos) e = text.size();
      const std::string_view l = text.substr(p, e - p);
      if (!trim(l).empty()) return is_header_field_line(l) ? p : std::string_view::npos;
      p = e + 1;
    }
    return std::string_view::npos;
  }
  // No marker: a "Received:" or "Return-Path:" field at the start of a line, followed by more
  // header lines, is where a copy of the original starts.
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t nl = text.find('\n', pos);
    const std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    const std::string_view line = text.substr(pos, end - pos);
    const std::size_t next = nl == std::string_view::npos ? text.size() : nl + 1;
    if (istarts_with(line, "received:") || istarts_with(line, "return-path:")) {
      std::size_t e = text.find('\n', next);
      std::string_view l2 =
          text.substr(next, (e == std::string_view::npos ? text.size() : e) - next);
      if (is_header_field_line(l2) || (!l2.empty() && (l2[0] == ' ' || l2[0] == '\t'))) {
        return pos;
      }
    }
    pos = next;
  }
  return std::string_view::npos;
}

}  // namespace

std::size_t find_original_message(std::string_view text) {
  return original_message_start(text, first_cut_marker_line(detail::ascii_lower(text)));
}

text_bounce parse_bounce_text(std::string_view text, std::size_t max_recipients) {
  text_bounce out;
  // Lower-cased once: the cut markers and about 50 phrases are looked for in it.
  const std::string lowered_text = detail::ascii_lower(text);
  std::size_t cut = text.size();
  {
    // The end of the explanation: the cut marker line, else the fallback header start.
    const std::size_t marker = first_cut_marker_line(lowered_text);
    out.original_offset = original_message_start(text, marker);
    if (marker != std::string_view::npos) {
      cut = marker;
    } else if (out.original_offset != std::string_view::npos) {
      cut = out.original_offset;
    }
  }
  std::string_view explanation = text.substr(0, cut);

  // Which software wrote it: the first strong marker, else the first generic one.
  const std::string_view lowered = std::string_view(lowered_text).substr(0, cut);
  const detail::pair_filter pairs(lowered);
  for (const marker& m : k_markers) {
    if (pairs.may_contain(m.phrase) && detail::contains(lowered, m.phrase)) {
      if (m.strong) {
        out.mta = std::string(m.mta);
        break;
      }
      if (out.mta.empty()) out.mta = "generic_weak";
    }
  }

  // Recipient blocks.
  struct block {
    std::string address;
    std::vector<std::string_view> lines;
  };
  std::vector<block> blocks;
  std::size_t current = std::string_view::npos;
  std::vector<std::string_view> preamble;
  std::size_t pos = 0;
  while (pos < explanation.size()) {
    std::size_t nl = explanation.find('\n', pos);
    std::size_t end = nl == std::string_view::npos ? explanation.size() : nl;
    std::string_view line = explanation.substr(pos, end - pos);
    pos = nl == std::string_view::npos ? explanation.size() : nl + 1;
    std::string addr = recipient_on_line(line);
    if (!addr.empty()) {
      std::size_t found = std::string_view::npos;
      for (std::size_t i = 0; i < blocks.size(); ++i) {
        if (detail::ascii_lower(blocks[i].address) == detail::ascii_lower(addr)) {
          found = i;
          break;
        }
      }
      if (found == std::string_view::npos) {
        if (blocks.size() >= max_recipients) {
          current = std::string_view::npos;
          continue;
        }
        blocks.push_back({addr, {}});
        found = blocks.size() - 1;
      }
      current = found;
      // The rest of the line after the address is part of the block (Postfix/Yahoo style
      // "<x@y>: host ... said: 550 ..." and Sendmail "550 5.1.1 <x@y>... User unknown").
      blocks[current].lines.push_back(line);
      continue;
    }
    if (current == std::string_view::npos) {
      preamble.push_back(line);
    } else {
      blocks[current].lines.push_back(line);
    }
  }

  // fml names the list (or the looping address) once; the addresses after it are
  // instructions ("send mail ... to the address neko-nyaan-ctl@example.org", sisimai
  // lhost-fml-02).
  if (out.mta == "fml" && blocks.size() > 1) blocks.resize(1);
  const std::string global_text = join_block(preamble);
  const std::string global_status = find_status_in_text(explanation);
  const std::string global_reply = find_reply_code_in_text(explanation);
  out.first_reply = global_reply;
  for (block& b : blocks) {
    bounce_recipient r;
    r.recipient = b.address;
    std::string joined = join_block(b.lines);
    r.diagnostic = joined;
    // A "Status:" field inside the block (a DSN pasted as text, or quoted with "> " in a
    // forwarded bounce: sisimai err/make-test-36, rfc3464-04) is the per-recipient status, as
    // in a real delivery-status part; prose codes otherwise.
    for (std::string_view l : b.lines) {
      std::string_view u = trim(l);
      while (!u.empty() && u.front() == '>') u = trim(u.substr(1));
      if (istarts_with(u, "status:")) {
        r.status = find_status_in_text(u.substr(7));
        if (!r.status.empty()) break;
      }
    }
    if (r.status.empty()) r.status = find_status_in_text(joined);
    std::string block_reply = find_reply_code_in_text(joined);
    // A success-looking number in a failure block ("Size (in bytes): 222", sisimai
    // lhost-verizon-02) loses to the failure reply of the explanation.
    if (!block_reply.empty() && block_reply[0] < '4' && !global_reply.empty() &&
        global_reply[0] >= '4') {
      block_reply.clear();
    }
    r.reply_code = block_reply;
    out.block_replies.push_back(block_reply);
    if (r.status.empty() && !global_status.empty()) {
      r.status = global_status;
    }
    if (r.reply_code.empty()) r.reply_code = global_reply;
    r.status_from_text = true;
    if (r.diagnostic.empty()) r.diagnostic = global_text.substr(0, k_max_diagnostic);
    char klass = !r.status.empty() ? r.status[0] : (!r.reply_code.empty() ? r.reply_code[0] : '5');
    if (klass == '4' || lowered.find("has been delayed") != std::string::npos ||
        lowered.find("will continue trying") != std::string::npos ||
        lowered.find("will retry") != std::string::npos) {
      r.action = "delayed";
    } else if (klass == '2') {
      r.action = "delivered";
    } else {
      r.action = "failed";
    }
    out.recipients.push_back(std::move(r));
  }
  return out;
}

namespace {

constexpr std::size_t k_max_json_bytes = 1u << 20;
constexpr int k_max_json_depth = 32;

// The JSON object in `text` (first '{' to last '}'), with the "!\n " breaks that mailers put
// into over-long lines (sisimai lhost-amazonses-09: "Nya!\n aan") removed; empty when it is too
// large or nested too deeply for us to hand to the JSON parser.
std::string json_candidate(std::string_view text) {
  std::size_t open = text.find('{');
  std::size_t close = text.rfind('}');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return {};
  std::string_view j = text.substr(open, close - open + 1);
  if (j.size() > k_max_json_bytes) return {};
  std::string out;
  out.reserve(j.size());
  for (std::size_t i = 0; i < j.size(); ++i) {
    if (j[i] == '!' && i + 2 < j.size() && j[i + 1] == '\n' && j[i + 2] == ' ') {
      i += 2;
      continue;
    }
    if (j[i] == '\n') {
      // A line break inside a JSON string is a mailer's fold as well; between tokens it is
      // whitespace. Either way dropping it keeps the JSON's meaning.
      continue;
    }
    out += j[i];
  }
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const char c = out[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > k_max_json_depth) return {};
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return out;
}

std::string json_string(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

json_notification parse_ses_json(std::string_view text, std::size_t max_recipients) {
  json_notification out;
  if (ifind(text, "notificationtype") == std::string_view::npos) return out;
  try {
    std::string candidate = json_candidate(text);
    if (candidate.empty()) return out;
    nlohmann::json j = nlohmann::json::parse(candidate, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return out;
    // SNS wraps the SES notification: {"Type":"Notification","Message":"{...}"}.
    if (!j.contains("notificationType")) {
      std::string inner = json_string(j, "Message");
      std::string c2 = json_candidate(inner);
      if (c2.empty()) return out;
      j = nlohmann::json::parse(c2, nullptr, false);
      if (j.is_discarded() || !j.is_object()) return out;
    }
    const std::string type = detail::ascii_lower(json_string(j, "notificationType"));
    const char* section = type == "bounce" ? "bounce" : type == "complaint" ? "complaint" : nullptr;
    if (section == nullptr) return out;
    auto s = j.find(section);
    if (s == j.end() || !s->is_object()) return out;
    auto list = s->find(type == "bounce" ? "bouncedRecipients" : "complainedRecipients");
    if (list == s->end() || !list->is_array()) return out;
    out.type = type;
    out.reporting_mta = strip_type_prefix(json_string(*s, "reportingMTA"));
    out.feedback_type = detail::ascii_lower(json_string(*s, "complaintFeedbackType"));
    for (const nlohmann::json& e : *list) {
      if (out.recipients.size() >= max_recipients) break;
      bounce_recipient r;
      r.recipient = bare_address(json_string(e, "emailAddress"));
      if (r.recipient.empty()) continue;
      if (type == "bounce") {
        r.action = detail::ascii_lower(json_string(e, "action"));
        if (r.action.empty()) r.action = "failed";
        r.status = std::string(trim(json_string(e, "status")));
        r.status_field = r.status;
        std::string diag = json_string(e, "diagnosticCode");
        r.diagnostic = strip_type_prefix(diag);
        std::size_t semi = diag.find(';');
        if (semi != std::string::npos && semi < 32) {
          r.diagnostic_type = detail::ascii_lower(trim(std::string_view(diag).substr(0, semi)));
        }
      } else {
        r.action = "feedback";
        r.diagnostic = out.feedback_type;
      }
      out.recipients.push_back(std::move(r));
    }
  } catch (const nlohmann::json::exception&) {
    out = {};
  }
  return out;
}

void complete_recipient(bounce_recipient& r) {
  // "Diagnostic-Code: X-Unix; 255" is a program's exit status, not an SMTP reply (sisimai
  // lhost-sendmail-18).
  if (r.reply_code.empty() && !r.diagnostic.empty() && r.diagnostic_type != "x-unix") {
    // The reply inside "host mx.example[192.0.2.1] said: 550 5.1.1 <x@y>: User unknown".
    if (auto start = find_reply_start(r.diagnostic)) {
      r.reply_code = r.diagnostic.substr(*start, 3);
    } else {
      r.reply_code = find_reply_code_in_text(r.diagnostic);
    }
    // "220-laposte 421 4.2.1 Service refuse" (sisimai rhost-franceptt-11): the greeting's
    // 220 is not the answer to a failed delivery; a failure reply later in the text is.
    if (!r.reply_code.empty() && (r.reply_code[0] == '2' || r.reply_code[0] == '3') &&
        !r.status.empty() && (r.status[0] == '4' || r.status[0] == '5')) {
      std::string failure = find_reply_code_in_text(r.diagnostic);
      if (!failure.empty() && failure[0] == r.status[0]) r.reply_code = failure;
    }
  }
  if (r.status.empty() && !r.diagnostic.empty()) {
    r.status = find_status_in_text(r.diagnostic);
    if (!r.status.empty()) r.status_from_text = true;
  }
  // One line that says what failed: the enhanced status first (it is the most specific),
  // then a vendor diagnostic recognised in the text, else the reply code.
  std::string line;
  if (auto st = parse_enhanced_status(r.status)) {
    explanation e = explain_enhanced_status(*st);
    line = e.code + " " + e.title;
    if (!e.meaning.empty()) line += ": " + e.meaning;
    line += e.permanent ? " (permanent)" : (e.temporary ? " (temporary)" : "");
  } else if (auto rc = parse_reply_code(r.reply_code)) {
    explanation e = explain_reply_code(*rc);
    line = e.code + " " + e.title;
    if (!e.meaning.empty()) line += ": " + e.meaning;
  }
  if (!r.diagnostic.empty()) {
    std::vector<vendor_match> vendor = match_vendor_diagnostics(r.diagnostic);
    if (!vendor.empty()) {
      if (!line.empty()) line += "; ";
      line += vendor.front().vendor + ": " + vendor.front().title;
    }
  }
  r.explanation = std::move(line);
}

}  // namespace hopscope::bounce_detail
