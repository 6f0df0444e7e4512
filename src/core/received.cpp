// Stage 2 of Received parsing: what the clauses and comments found by the tokenizer mean under
// the conventions real MTAs write. RFC 5321 4.4 only fixes the clause keywords; everything that
// matters for tracing (HELO name, reverse DNS, the connecting IP, TLS, AUTH) lives in free-form
// comments whose layout differs per MTA. Each rule below quotes a line that forced it.
#include "hopscope/received.hpp"

#include <algorithm>
#include <cstring>

#include "core/received_tokenizer.hpp"

namespace hopscope {
namespace {

using detail::ascii_iequals;
using detail::ascii_istarts_with;
using detail::clause_kind;
using detail::rclause;
using detail::rtok_kind;
using detail::rtoken;
using detail::token_text;

constexpr bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// "<user@example.com>" -> "user@example.com"; other text unchanged.
std::string_view strip_angle(std::string_view s) noexcept {
  s = trim(s);
  if (!s.empty() && s.front() == '<') {
    s.remove_prefix(1);
    const auto close = s.find('>');
    if (close != std::string_view::npos) s = s.substr(0, close);
  }
  return s;
}

bool contains_i(std::string_view hay, std::string_view needle) noexcept {
  if (needle.size() > hay.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (ascii_iequals(hay.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

bool ends_with_i(std::string_view s, std::string_view suffix) noexcept {
  return s.size() >= suffix.size() && ascii_iequals(s.substr(s.size() - suffix.size()), suffix);
}

// Cheap pre-check so ordinary host names never reach parse_ip(): an address has only hex digits,
// '.', ':', '%' (zone) and brackets, and a zone id may follow '%'.
bool may_be_ip(std::string_view s) noexcept {
  if (s.empty() || s.size() > 80) return false;
  bool seen_sep = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') return seen_sep;  // zone: anything may follow
    if (c == '.' || c == ':') {
      seen_sep = true;
      continue;
    }
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex && c != '[' && c != ']') {
      // "IPv6:" prefix of an RFC 5321 address literal
      if (!(i <= 1 && ascii_istarts_with(s.substr(i), "IPv6:"))) return false;
      i += 4;
    }
  }
  return seen_sep;
}

// An address as written in a Received field: bare, "[1.2.3.4]", "[1.2.3.4]:25" (Exim writes the
// client port after the literal when received_header_text asks for it), "[IPv6:...]".
std::optional<ip_address> ip_of(std::string_view s) noexcept {
  s = trim(s);
  if (!s.empty() && s.front() == '[') {
    const auto close = s.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    s = s.substr(0, close + 1);
  }
  if (!may_be_ip(s)) return std::nullopt;
  if (auto ip = parse_ip(s)) return ip;
  // "[10.233.84.199:39522]": an IPv4 address and port inside the brackets.
  const auto colon = s.find(':');
  if (s.size() > 2 && s.front() == '[' && colon != std::string_view::npos &&
      s.find(':', colon + 1) == std::string_view::npos && s.find('.') < colon) {
    return parse_ip(s.substr(1, colon - 1));
  }
  return std::nullopt;
}

void add_diag(received_hop& hop, std::string_view code, std::string message) {
  for (const auto& d : hop.diagnostics) {
    if (d.code == code && d.message == message) return;
  }
  hop.diagnostics.push_back(diagnostic{std::string(code), std::move(message)});
}

// Shown in diagnostics; long or binary text is cut so a hostile field cannot bloat the report.
std::string excerpt(std::string_view s) {
  constexpr std::size_t k_max = 60;
  std::string out(s.substr(0, k_max));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  if (s.size() > k_max) out += "...";
  return out;
}

enum marker : std::uint32_t {
  mk_postfix = 1u << 0,
  mk_exim = 1u << 1,
  mk_sendmail = 1u << 2,
  mk_qmail = 1u << 3,
  mk_exchange = 1u << 4,
  mk_smtpsvc = 1u << 5,
  mk_google = 1u << 6,
  mk_opensmtpd = 1u << 7,
  mk_haraka = 1u << 8,
  mk_fetchmail = 1u << 9,
  mk_mdaemon = 1u << 10,
  mk_sun = 1u << 11,
  mk_courier = 1u << 12,
  mk_amavis = 1u << 13,
  mk_sendgrid = 1u << 14,
  mk_qmail_local = 1u << 15,  // "(qmail 1234 invoked by uid 0)", "by uid 502": no from clause
  mk_zimbra = 1u << 16,
  mk_coremail = 1u << 17,
};

constexpr std::size_t k_sub_capacity = 48;

struct sub_tokens {
  rtoken tok[k_sub_capacity];
  detail::flat_result r;
  std::string_view text;
  [[nodiscard]] std::size_t size() const noexcept { return r.size; }
  [[nodiscard]] std::string_view at(std::size_t i) const noexcept {
    return token_text(text, tok[i]);
  }
  [[nodiscard]] rtok_kind kind(std::size_t i) const noexcept { return tok[i].kind; }
};

void split(std::string_view text, sub_tokens& out) noexcept {
  out.text = text;
  out.r = detail::tokenize_flat(text, out.tok, k_sub_capacity);
}

// key=value pairs separated by spaces or ", ":
//   "(version=TLSv1.2 cipher=ECDHE-RSA-AES128-SHA256 bits=128 verify=NO)"          (Sendmail)
//   "(version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384)"              (Exchange)
//   "(version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256)"                  (Gmail)
void read_tls_pairs(std::string_view c, received_hop& hop) {
  std::size_t i = 0;
  while (i < c.size()) {
    while (i < c.size() && (is_space(c[i]) || c[i] == ',')) ++i;
    const std::size_t start = i;
    while (i < c.size() && !is_space(c[i]) && c[i] != ',') ++i;
    const std::string_view kv = c.substr(start, i - start);
    const auto eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = kv.substr(0, eq);
    const std::string_view val = kv.substr(eq + 1);
    if (ascii_iequals(key, "version")) {
      hop.tls = true;
      if (hop.tls_version.empty()) hop.tls_version = val;
    } else if (ascii_iequals(key, "cipher")) {
      hop.tls = true;
      if (hop.tls_cipher.empty()) hop.tls_cipher = val;
    }
  }
}

// "TLS1.3", "TLSv1:ECDHE-RSA-AES256-SHA:256" (Exim), "TLSv1.3:TLS_AES_256_GCM_SHA384:256"
// (OpenSMTPD): one word, protocol[:cipher[:bits]].
bool read_colon_tls(std::string_view c, received_hop& hop) {
  if (!(ascii_istarts_with(c, "TLS") || ascii_istarts_with(c, "SSL"))) return false;
  if (c.find(' ') != std::string_view::npos) return false;
  // "TLSv1.3", "TLS1.3", "TLS1_2", "SSLv3": not a host such as "tlsmail.example.net".
  if (c.size() > 3 && c[3] != 'v' && c[3] != 'V' && c[3] != ':' && !(c[3] >= '0' && c[3] <= '9')) {
    return false;
  }
  hop.tls = true;
  const auto colon = c.find(':');
  if (hop.tls_version.empty()) hop.tls_version = c.substr(0, colon);
  if (colon != std::string_view::npos && hop.tls_cipher.empty()) {
    std::string_view rest = c.substr(colon + 1);
    hop.tls_cipher = rest.substr(0, rest.find(':'));
  }
  return true;
}

bool sendmail_version(std::string_view c) noexcept {
  // "(8.13.9/8.13.1)", "(8.14.4/8.14.4/Submit)", "(V8/cf)", "(8.9.3/8.9.3)"
  if (ascii_istarts_with(c, "V8/")) return true;
  // "(8.12.3/8.12.3/Debian -4)": only the first word has to look like a version pair.
  c = c.substr(0, c.find(' '));
  if (c.size() < 3 || !(c[0] >= '0' && c[0] <= '9') || c[1] != '.') return false;
  return c.find('/') != std::string_view::npos;
}

// A software name as the first word of a comment: "(Exim 4.96)", "(Postfix, from userid 1000)",
// "(Haraka/2.8.21)", but not a host name that happens to start the same way:
//   "from zimbra.canela.rs.gov.br (zimbra.canela.rs.gov.br [192.168.1.59]) by ... (Postfix)"
bool starts_word(std::string_view c, std::string_view w) noexcept {
  if (!ascii_istarts_with(c, w)) return false;
  if (c.size() == w.size() || w.back() == '-' || w.back() == ' ') return true;
  const char n = c[w.size()];
  return n == ' ' || n == '/' || n == ',' || n == '(' || n == ':' || n == ';';
}

// Comments that mean the same wherever they stand. Returns true when the comment was recognised.
bool read_common_comment(std::string_view c, received_hop& hop, std::uint32_t& marks) {
  const auto mark = [&marks](std::uint32_t m) {
    marks |= m;
    return true;
  };
  c = trim(c);
  if (c.empty()) return true;
  // Addresses and versions start with a digit: "(2603:10b6:5:3af::18)", "(10.13.2.164)",
  // "(8.13.9/8.13.1)". Only the Sendmail version rule applies to them; every other rule needs a
  // letter first. Exchange chains are full of such comments, so this saves ~30 compares each.
  if (c[0] >= '0' && c[0] <= '9') return sendmail_version(c) && mark(mk_sendmail);
  {
    const char f = static_cast<char>(c[0] | 0x20);
    if (f < 'a' || f > 'z') return false;
  }
  // Postfix: "(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange
  // X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)"
  if (ascii_istarts_with(c, "using ")) {
    sub_tokens s;
    split(c, s);
    hop.tls = true;
    if (s.size() > 1 && hop.tls_version.empty()) hop.tls_version = s.at(1);
    for (std::size_t i = 2; i + 1 < s.size(); ++i) {
      if (ascii_iequals(s.at(i), "cipher") && hop.tls_cipher.empty()) {
        hop.tls_cipher = s.at(i + 1);
        break;
      }
    }
    return true;
  }
  // Postfix: "(Authenticated sender: info@shoetagz.com)"
  if (ascii_istarts_with(c, "Authenticated sender:")) {
    hop.authenticated = true;
    hop.auth_detail = c;
    return true;
  }
  // Sendmail: "(authenticated bits=0)", "(authenticated as user)"
  if (starts_word(c, "authenticated")) {
    hop.authenticated = true;
    if (hop.auth_detail.empty()) hop.auth_detail = c;
    return true;
  }
  // "(SquirrelMail authenticated user jmmail)"
  if (contains_i(c, "authenticated user")) {
    hop.authenticated = true;
    if (hop.auth_detail.empty()) hop.auth_detail = c;
    return true;
  }
  // Courier: "(AUTH: LOGIN user, TLS: TLSv1/SSLv3,256bits,AES256-SHA)"
  if (ascii_istarts_with(c, "AUTH:")) {
    hop.authenticated = true;
    if (hop.auth_detail.empty()) hop.auth_detail = c;
    marks |= mk_courier;
    if (contains_i(c, "TLS:")) hop.tls = true;
    return true;
  }
  // Exim "(envelope-from <website@ceemiseo.com>)", Sendmail "(envelope-from pertand@x)",
  // "(envelope-sender <nekonyaan@example.com>)", "(envelope sender: <shironeko@example.co.jp>)"
  if (ascii_istarts_with(c, "envelope-from") || ascii_istarts_with(c, "envelope-sender") ||
      ascii_istarts_with(c, "envelope sender")) {
    std::string_view v = c.substr(ascii_istarts_with(c, "envelope-from") ? 13 : 15);
    while (!v.empty() && (is_space(v.front()) || v.front() == '=' || v.front() == ':')) {
      v.remove_prefix(1);
    }
    if (hop.envelope_from.empty()) hop.envelope_from = strip_angle(v);
    return true;
  }
  if (ascii_istarts_with(c, "version=") || c.find(" cipher=") != std::string_view::npos) {
    read_tls_pairs(c, hop);
    return true;
  }
  if (ascii_istarts_with(c, "No client certificate requested") ||
      ascii_istarts_with(c, "Client did not present a certificate") ||
      ascii_istarts_with(c, "Client CN")) {
    hop.tls = true;  // Postfix writes these only on a TLS session
    return true;
  }
  if (read_colon_tls(c, hop)) return true;
  // Courier DSN hops: "from localhost (localhost [127.0.0.1]) (ftp://ftp.isi.edu/in-notes/
  // rfc1894.txt) by 5jo.example.org with dsn; ..."
  if (ascii_istarts_with(c, "ftp://") || ascii_istarts_with(c, "http://") ||
      ascii_istarts_with(c, "https://")) {
    return true;
  }
  // "(Google Transport Security)": Gmail's internal TLS hop.
  if (ascii_istarts_with(c, "Google Transport Security")) {
    hop.tls = true;
    marks |= mk_google;
    return true;
  }
  if (starts_word(c, "Exim")) return mark(mk_exim);
  if (starts_word(c, "Postfix")) return mark(mk_postfix);
  // "(qmail 2160 invoked from network)", "(qmail 1234 invoked by uid 0)"
  if (starts_word(c, "qmail")) {
    marks |= mk_qmail;
    if (contains_i(c, "invoked")) marks |= mk_qmail_local;
    return true;
  }
  if (starts_word(c, "OpenSMTPD")) return mark(mk_opensmtpd);
  if (starts_word(c, "Haraka")) return mark(mk_haraka);
  if (starts_word(c, "fetchmail-")) return mark(mk_fetchmail);
  if (starts_word(c, "MDaemon")) return mark(mk_mdaemon);
  if (starts_word(c, "amavisd-")) return mark(mk_amavis);
  if (starts_word(c, "Zimbra")) return mark(mk_zimbra);
  if (starts_word(c, "Courier")) return mark(mk_courier);
  if (starts_word(c, "Coremail")) return mark(mk_coremail);
  if (ascii_iequals(c, "SG")) return mark(mk_sendgrid);
  // "(Oracle Communications Messaging Server 7.0.5.33.0 64bit (built Aug 27 2014))",
  // "(Sun Java(tm) System Messaging Server 6.3-8.04 (built Jul 29 2009; 32bit))",
  // "(Sun Internet Mail Server sims.4.0.2000.10.12.16.25.p8)"
  if (contains_i(c, "Messaging Server") || ascii_istarts_with(c, "Sun Internet Mail") ||
      starts_word(c, "iPlanet")) {
    return mark(mk_sun);
  }
  if (sendmail_version(c)) return mark(mk_sendmail);
  return false;
}

// Postfix/SendGrid "unknown", Docker-hosted HTTP submitters "<unknown>":
//   "from <unknown> (<unknown> []) by 3e8dcdb3b88a with HTTP id 6562cda77ebf7fac42999d8e"
bool is_unknown(std::string_view name) noexcept {
  return ascii_iequals(name, "unknown") || ascii_iequals(name, "<unknown>");
}

struct from_result {
  std::optional<ip_address> comment_ip;
  std::optional<ip_address> top_literal_ip;
  std::string_view helo_eq;  // Exim "helo=x"
  std::string_view helo_kw;  // qmail "(HELO x)"
  bool exim_style = false;   // a "helo=" / "port=" comment
  bool t0_literal = false;
  bool have_rdns = false;
};

// One comment of the from clause.
void read_from_comment(std::string_view c, received_hop& hop, from_result& fr,
                       std::uint32_t& marks) {
  sub_tokens s;
  split(c, s);
  if (s.size() == 0) return;
  // The "name [ip]" shape is read first, whatever the name looks like.
  const bool name_literal = s.size() >= 2 && s.kind(1) == rtok_kind::literal;
  if (!name_literal && read_common_comment(c, hop, marks)) return;
  // Exim: "([1.2.3.4] helo=x)", "(port=55853 helo=85.209.134.151)", "(helo=[127.0.0.1])",
  // "([10.0.0.1]:52644 helo=x ident=y)". The helo= value is never the connecting address:
  //   "from [185.130.184.117] (port=58725 helo=[127.0.0.1]) by res162.servconfig.com ..."
  bool exim = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto w = s.at(i);
    if (s.kind(i) == rtok_kind::word &&
        (ascii_istarts_with(w, "helo=") || ascii_istarts_with(w, "port=") ||
         ascii_istarts_with(w, "ident="))) {
      exim = true;
      break;
    }
  }
  if (exim) {
    fr.exim_style = true;
    marks |= mk_exim;
    for (std::size_t i = 0; i < s.size(); ++i) {
      const auto w = s.at(i);
      if (s.kind(i) == rtok_kind::literal) {
        if (!fr.comment_ip) fr.comment_ip = ip_of(w);
      } else if (ascii_istarts_with(w, "helo=")) {
        fr.helo_eq = w.substr(5);
      } else if (ascii_istarts_with(w, "ident=")) {
        hop.ident = w.substr(6);
      }
    }
    return;
  }
  // qmail / IronPort / Yahoo: "from unknown (HELO relay-3.example.com) (192.0.2.203)",
  //   "from 127.0.0.1  (EHLO a22-22.smtp-out.amazonses.com) (203.0.113.225)"
  if (s.size() >= 2 && s.kind(0) == rtok_kind::word &&
      (ascii_iequals(s.at(0), "HELO") || ascii_iequals(s.at(0), "EHLO"))) {
    fr.helo_kw = s.at(1);
    marks |= mk_qmail;
    return;
  }
  // "rdns [ip]" (Postfix, Sendmail, OpenSMTPD, Gmail):
  //   "from host.com (unknown [103.167.91.40])"
  //   "from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41])"
  //   "from smtp.link3.net (187.175.cetus.link3.net [27.147.187.175] (may be forged))"
  //   "from ue250-1.rz.RWTH-Aachen.DE ("port 34611"@ue250-1.rz.RWTH-Aachen.DE [134.130.3.33])"
  if (name_literal && s.kind(0) != rtok_kind::comment) {
    std::string_view name = s.at(0);
    const auto at = name.rfind('@');
    if (at != std::string_view::npos) {
      hop.ident = name.substr(0, at);
      name = name.substr(at + 1);
    }
    if (is_unknown(name)) {
      hop.rdns_unverified = true;
    } else {
      hop.rdns = name;
    }
    fr.have_rdns = true;
    const auto lit = s.at(1);
    if (auto ip = ip_of(lit)) {
      fr.comment_ip = std::move(ip);
    } else if (!ascii_iequals(lit, "[local]") && lit != "[]") {
      // OpenSMTPD "(localhost [local])"; "from <unknown> (<unknown> [])" (an HTTP submission)
      add_diag(hop, "bad_ip", "address in the from comment is not an IP: " + excerpt(lit));
    }
    for (std::size_t i = 2; i < s.size(); ++i) {
      // Sendmail: the PTR name does not resolve back to the address.
      if (s.kind(i) == rtok_kind::comment && contains_i(s.at(i), "may be forged")) {
        hop.rdns_unverified = true;
      }
    }
    return;
  }
  // "[ip]" first, then "(may be forged)" or nothing: "from BAY182-W41 ([65.54.190.61])"
  if (s.kind(0) == rtok_kind::literal) {
    if (auto ip = ip_of(s.at(0))) {
      fr.comment_ip = std::move(ip);
    } else {
      add_diag(hop, "bad_ip", "address in the from comment is not an IP: " + excerpt(s.at(0)));
    }
    if (s.size() > 1 && s.kind(1) == rtok_kind::comment && contains_i(s.at(1), "may be forged")) {
      hop.rdns_unverified = true;
    }
    return;
  }
  // Yahoo Japan: "from unknown (HELO ?192.0.2.3?) (192.0.2.135 with plain)": SMTP AUTH PLAIN.
  if (s.size() >= 3 && s.kind(0) == rtok_kind::word && ascii_iequals(s.at(1), "with")) {
    if (auto ip = ip_of(s.at(0))) {
      fr.comment_ip = std::move(ip);
      hop.authenticated = true;
      if (hop.auth_detail.empty()) hop.auth_detail = c;
      return;
    }
  }
  // DragonFly Mail Agent, local submission: "from root (uid 0) (envelope-from x) id e06d1 by ..."
  if (s.size() == 2 && ascii_iequals(s.at(0), "uid")) return;
  if (s.size() == 1) {
    std::string_view w = s.at(0);
    // Exchange "(2603:10b6:5:3af:cafe::d8)", "(::1)", "(89.144.36.138)"; qmail "(192.0.2.203)",
    // qmail with ident "(user@192.0.2.1)".
    std::string_view addr = w;
    std::string_view user;
    const auto at = w.rfind('@');
    if (at != std::string_view::npos) {
      user = w.substr(0, at);
      addr = w.substr(at + 1);
    }
    if (auto ip = ip_of(addr)) {
      fr.comment_ip = std::move(ip);
      if (!user.empty()) hop.ident = user;
      return;
    }
    // Sendmail without an address: "from localhost (localhost)"; SendGrid
    // "from MzM3NjQ2ODc (unknown)"; Sendmail ident "(user@host)".
    if (s.kind(0) == rtok_kind::word && !fr.have_rdns &&
        addr.find_first_of(":/") == std::string_view::npos) {
      if (!user.empty()) hop.ident = user;
      if (is_unknown(addr)) {
        hop.rdns_unverified = true;
      } else {
        hop.rdns = addr;
      }
      fr.have_rdns = true;
      return;
    }
  }
  if (contains_i(c, "may be forged")) {
    hop.rdns_unverified = true;
    return;
  }
  add_diag(hop, "unparsed_text", "from-clause comment not understood: (" + excerpt(c) + ")");
}

template <typename F>
void for_each_token(const detail::tokenized_received& t, const rclause& cl, F&& f) {
  const std::size_t end = std::min<std::size_t>(cl.first + cl.count, t.date_token);
  for (std::size_t i = cl.first; i < end; ++i) {
    const rtoken& tok = t.list.tokens[i];
    if (tok.kind == rtok_kind::semicolon) continue;  // OpenSMTPD: "...[127.0.0.1]); by localhost"
    f(tok, token_text(t.text, tok));
  }
}

void read_from(const detail::tokenized_received& t, const rclause& cl, received_hop& hop,
               std::uint32_t& marks) {
  from_result fr;
  bool have_t0 = false;
  std::optional<ip_address> t0_ip;
  for_each_token(t, cl, [&](const rtoken& tok, std::string_view txt) {
    if (tok.kind == rtok_kind::comment) {
      read_from_comment(txt, hop, fr, marks);
      return;
    }
    if (!have_t0) {
      have_t0 = true;
      hop.from_token = txt;
      fr.t0_literal = tok.kind == rtok_kind::literal;
      if (tok.kind == rtok_kind::word || fr.t0_literal) t0_ip = ip_of(txt);
      return;
    }
    // fetchmail: "from dogma.slashnull.org [212.17.35.14] by localhost with IMAP"
    if (tok.kind == rtok_kind::literal && !fr.top_literal_ip) {
      fr.top_literal_ip = ip_of(txt);
      if (fr.top_literal_ip) return;
    }
    add_diag(hop, "unparsed_text", "in the from clause: " + excerpt(txt));
  });
  if (!have_t0) {
    add_diag(hop, "unparsed_text", "the from clause names no host");
  }
  // The connecting address: what the receiving MTA saw on the socket is written in the comment;
  // the from token is only what the client claimed. Postfix
  //   "from [10.0.0.1] (host [1.2.3.4])"  -> 1.2.3.4 (the literal is the HELO argument)
  bool t0_is_ip_source = false;
  if (fr.comment_ip) {
    hop.ip = std::move(fr.comment_ip);
    hop.ip_from = ip_source::from_comment;
  } else if (fr.top_literal_ip) {
    hop.ip = std::move(fr.top_literal_ip);
    hop.ip_from = ip_source::from_literal;
  } else if (t0_ip) {
    hop.ip = std::move(t0_ip);
    hop.ip_from = fr.t0_literal ? ip_source::from_literal : ip_source::from_token;
    t0_is_ip_source = true;
  }
  if (!fr.helo_eq.empty()) {
    hop.helo = fr.helo_eq;
  } else if (!fr.helo_kw.empty()) {
    hop.helo = fr.helo_kw;
  } else if (have_t0 && !t0_is_ip_source) {
    hop.helo = hop.from_token;
  }
  // Exim and qmail put the verified name first: "from rdns ([ip] helo=x)",
  // "from rdns (HELO x) (ip)". "unknown" there means no PTR.
  if ((fr.exim_style || !fr.helo_kw.empty()) && !fr.t0_literal && !fr.have_rdns && have_t0 &&
      !t0_ip) {
    if (is_unknown(hop.from_token)) {
      hop.rdns_unverified = true;
    } else {
      hop.rdns = hop.from_token;
    }
  }
}

void read_by(const detail::tokenized_received& t, const rclause& cl, received_hop& hop,
             std::uint32_t& marks, bool first) {
  bool have_b0 = false;
  bool prev_over = false;
  for_each_token(t, cl, [&](const rtoken& tok, std::string_view txt) {
    if (tok.kind == rtok_kind::comment) {
      if (read_common_comment(txt, hop, marks) || !first) return;
      sub_tokens s;
      split(txt, s);
      // Exchange "by BN1NAM02FT056.mail.protection.outlook.com (10.13.2.164)",
      // "([fe80::3c1e:37bf:7660:f618%4])"; amavis "by localhost (zimbra.x [127.0.0.1])"
      if (s.size() == 1 || (s.size() == 2 && s.kind(1) == rtok_kind::literal)) {
        if (auto ip = ip_of(s.at(s.size() - 1))) {
          if (!hop.by_ip) hop.by_ip = std::move(ip);
        }
      }
      return;
    }
    if (!first) {
      // qmail: "from yahoo-dev-null@yahoo-inc.com by blazing.xyz.org by uid 502 with ..."
      return;
    }
    if (!have_b0) {
      have_b0 = true;
      hop.by_host = txt;
      if (auto ip = ip_of(txt)) hop.by_ip = std::move(ip);  // Gmail "by 2002:a05:6a10:..."
      return;
    }
    // MS SMTPSVC: "by COL004-MC3F10.hotmail.com over TLS secured channel with Microsoft SMTPSVC"
    if (ascii_iequals(txt, "over")) {
      prev_over = true;
      return;
    }
    if (prev_over && ascii_iequals(txt, "TLS")) {
      hop.tls = true;
      return;
    }
    if (ascii_iequals(txt, "secured") || ascii_iequals(txt, "channel")) return;
    add_diag(hop, "unparsed_text", "in the by clause: " + excerpt(txt));
  });
  if (!first) {
    // Only "by uid N" is a known reason for a second by clause.
    if (cl.count > 0 && ascii_iequals(token_text(t.text, t.list.tokens[cl.first]), "uid")) {
      marks |= mk_qmail | mk_qmail_local;
    } else {
      add_diag(hop, "unparsed_text", "a second by clause");
    }
  } else if (!have_b0) {
    add_diag(hop, "unparsed_text", "the by clause names no host");
  }
}

// RFC 3848 protocol words: ESMTPS/ESMTPSA/LMTPS/UTF8SMTPS... TLS; ...A: AUTH. Gmail's "SMTPS"
// and Yahoo's "SMTPS" are TLS too.
void protocol_flags(std::string_view p, received_hop& hop) noexcept {
  if (ascii_istarts_with(p, "UTF8")) p.remove_prefix(4);
  std::string_view base;
  for (std::string_view b :
       {std::string_view("ESMTP"), std::string_view("SMTP"), std::string_view("LMTP")}) {
    if (ascii_istarts_with(p, b)) {
      base = b;
      break;
    }
  }
  if (!base.empty()) {
    const std::string_view rest = p.substr(base.size());
    if (ascii_iequals(rest, "S") || ascii_iequals(rest, "SA")) hop.tls = true;
    if (ascii_iequals(rest, "A") || ascii_iequals(rest, "SA")) hop.authenticated = true;
    return;
  }
  if (ascii_iequals(p, "HTTPS")) hop.tls = true;
}

void read_with(const detail::tokenized_received& t, const rclause& cl, received_hop& hop,
               std::uint32_t& marks) {
  std::size_t words = 0;
  bool microsoft = false;
  bool prev_tls = false;
  bool joining = false;
  for_each_token(t, cl, [&](const rtoken& tok, std::string_view txt) {
    if (tok.kind == rtok_kind::comment) {
      joining = false;
      read_common_comment(txt, hop, marks);  // "(Exim 4.96)", "(TLS1.3)", "(version=...)"
      return;
    }
    ++words;
    if (words == 1) {
      hop.with = txt;
      // Exchange "with Microsoft SMTP Server (version=TLS1_2, cipher=...)", IIS
      // "with Microsoft SMTPSVC(6.0.3790.4675)": the protocol is several words.
      microsoft = ascii_iequals(txt, "Microsoft");
      joining = microsoft;
      return;
    }
    if (joining) {
      hop.with += ' ';
      hop.with += txt;
      return;
    }
    // Exim: "with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384"
    if (ascii_iequals(txt, "tls")) {
      prev_tls = true;
      hop.tls = true;
      return;
    }
    if (prev_tls) {
      if (hop.tls_cipher.empty()) hop.tls_cipher = txt;
      prev_tls = false;
      return;
    }
    // MailEnable names itself first: "by chetta.it with MailEnable ESMTPA"
    if (words == 2) protocol_flags(txt, hop);
  });
  if (microsoft) {
    hop.protocol = "SMTP";
    if (contains_i(hop.with, "SMTPSVC")) {
      marks |= mk_smtpsvc;
    } else {
      marks |= mk_exchange;
    }
  } else {
    hop.protocol.reserve(hop.with.size());
    for (char c : hop.with) {
      hop.protocol += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    }
    protocol_flags(hop.with, hop);
  }
  if (words == 0) add_diag(hop, "unparsed_text", "the with clause names no protocol");
}

void read_rest(const detail::tokenized_received& t, const rclause& cl, received_hop& hop,
               std::uint32_t& marks) {
  bool have_value = false;
  bool prev_envfrom = false;
  std::string* joined = nullptr;
  if (cl.kind == clause_kind::via) joined = &hop.via;
  for_each_token(t, cl, [&](const rtoken& tok, std::string_view txt) {
    if (tok.kind == rtok_kind::comment) {
      if (!read_common_comment(txt, hop, marks) && cl.kind == clause_kind::id &&
          ascii_istarts_with(trim(txt), "TLS")) {
        hop.tls = true;
      }
      return;
    }
    if (joined != nullptr) {  // "via Frontend Transport", "via HTTP"
      if (!joined->empty()) *joined += ' ';
      *joined += txt;
      return;
    }
    if (!have_value) {
      have_value = true;
      if (cl.kind == clause_kind::id) {
        if (hop.id.empty()) hop.id = txt;
      } else if (hop.for_addr.empty()) {
        std::string_view a = strip_angle(txt);
        if (!a.empty() && a.back() == ',') a.remove_suffix(1);
        hop.for_addr = a;
      }
      return;
    }
    // OpenSMTPD: "with ESMTPSA id 4e3a1b2c (TLSv1.3:TLS_AES_256_GCM_SHA384:256:NO) auth=yes
    // user=x for <...>"
    if (ascii_iequals(txt, "auth=yes")) {
      hop.authenticated = true;
      return;
    }
    if (ascii_istarts_with(txt, "user=")) {
      if (hop.auth_detail.empty()) hop.auth_detail = txt;
      return;
    }
    // Haraka: "with ESMTP id zzz.1 envelope-from <fbl@bounce.mailstream.senderscore.net>"
    if (ascii_iequals(txt, "envelope-from")) {
      prev_envfrom = true;
      return;
    }
    if (prev_envfrom) {
      prev_envfrom = false;
      if (hop.envelope_from.empty()) hop.envelope_from = strip_angle(txt);
      return;
    }
    // Several recipients: "for <a@x>, <b@x>"; extra words are not needed for tracing.
    if (cl.kind == clause_kind::for_) return;
    add_diag(hop, "unparsed_text",
             std::string(cl.kind == clause_kind::id ? "in the id clause: " : "after a clause: ") +
                 excerpt(txt));
  });
}

bool host_in(std::string_view host, std::string_view domain) noexcept {
  if (ends_with_i(host, domain)) {
    return host.size() == domain.size() || host[host.size() - domain.size() - 1] == '.';
  }
  return false;
}

std::string_view pick_convention(const received_hop& hop, std::uint32_t marks) noexcept {
  const std::string_view by = hop.by_host;
  // Providers first, by the host that wrote the line.
  if ((marks & mk_exchange) || ascii_iequals(hop.via, "Frontend Transport") ||
      ascii_iequals(hop.via, "Mailbox Transport") ||
      ((host_in(by, "outlook.com") || host_in(by, "exchangelabs.com") ||
        host_in(by, "outlook.office365.com")) &&
       (ascii_iequals(hop.with, "HTTPS") || ascii_iequals(hop.with, "mapi") ||
        ascii_iequals(hop.with, "HTTP")))) {
    return "exchange";
  }
  if (marks & mk_smtpsvc) return "ms-smtpsvc";
  if ((marks & mk_google) || host_in(by, "google.com") || host_in(by, "gmail.com") ||
      host_in(by, "googlemail.com") || (ascii_istarts_with(by, "2002:") && hop.by_ip.has_value())) {
    return "google";
  }
  if (host_in(by, "yahoo.com") || host_in(by, "yahoo.co.jp") || host_in(by, "yahoo.net") ||
      host_in(by, "yahoodns.net") || ascii_iequals(hop.with, "NNFMP")) {
    return "yahoo";
  }
  if (host_in(by, "amazonses.com") || host_in(by, "amazonaws.com")) return "amazon-ses";
  if ((marks & mk_sendgrid) || ascii_istarts_with(by, "filterdrecv") ||
      ascii_istarts_with(by, "geopod-ismtpd") || host_in(by, "sendgrid.net")) {
    return "sendgrid";
  }
  if (host_in(by, "mailgun.net") || host_in(by, "mailgun.org") || host_in(by, "mailgun.us")) {
    return "mailgun";
  }
  // Then the MTA software, by its signature comments.
  if (marks & mk_exim) return "exim";
  if (marks & mk_postfix) return "postfix";
  if (marks & mk_opensmtpd) return "opensmtpd";
  if (marks & mk_haraka) return "haraka";
  if (marks & mk_fetchmail) return "fetchmail";
  if (marks & mk_mdaemon) return "mdaemon";
  if (marks & mk_sun) return "sun-messaging";
  if (marks & mk_amavis) return "amavis";
  if (marks & mk_zimbra) return "zimbra";
  if (marks & mk_courier) return "courier";
  if (marks & mk_sendmail) return "sendmail";
  if (ascii_iequals(hop.with, "MailEnable")) return "mailenable";
  if (marks & mk_coremail) return "coremail";
  if (marks & mk_qmail) return "qmail";
  if (ascii_iequals(hop.via, "HTTP") || ascii_iequals(hop.with, "HTTP") ||
      ascii_iequals(hop.with, "HTTPS")) {
    return "http";
  }
  return "generic";
}

}  // namespace

std::string_view to_string(ip_source src) noexcept {
  switch (src) {
    case ip_source::none:
      return "none";
    case ip_source::from_literal:
      return "from_literal";
    case ip_source::from_comment:
      return "from_comment";
    case ip_source::from_token:
      return "from_token";
    case ip_source::other_clause:
      return "other_clause";
  }
  return "none";
}

received_hop parse_received(std::string_view value, const received_limits& limits) {
  received_hop hop;
  // ~12 KiB of tokens on the stack, not zeroed (rtoken is trivial): no allocation here.
  detail::tokenized_received t;
  detail::tokenize_received(value, limits.max_bytes, limits.max_tokens, t);

  if (t.cut) {
    add_diag(
        hop, "truncated",
        "field longer than " + std::to_string(limits.max_bytes) + " bytes; the rest was not read");
  }
  if (t.list.overflow || t.clause_overflow) {
    add_diag(hop, "truncated", "too many tokens; the rest of the field was not read");
  }
  if (t.list.unbalanced) {
    add_diag(hop, "unbalanced", "unbalanced parentheses, brackets or quotes");
  }
  if (t.list.max_depth > limits.max_comment_depth) {
    add_diag(hop, "deep_nesting",
             "comments nested " + std::to_string(t.list.max_depth) + " deep; read flat");
  }
  if (t.has_nul) add_diag(hop, "nul_byte", "the field contains NUL bytes");

  std::uint32_t marks = 0;
  bool seen[7] = {};
  for (std::size_t ci = 0; ci < t.clause_count; ++ci) {
    const rclause& cl = t.clauses[ci];
    const auto k = static_cast<std::size_t>(cl.kind);
    const bool first = !seen[k];
    seen[k] = true;
    switch (cl.kind) {
      case clause_kind::prelude:
        // "(qmail 2160 invoked from network); 24 May 2016 12:30:11 -0000",
        // "(from shironeko@localhost) by 1jo.example.org (8.14.4/8.14.4/Submit) id ..."
        for_each_token(t, cl, [&](const rtoken& tok, std::string_view txt) {
          if (tok.kind == rtok_kind::comment) {
            read_common_comment(txt, hop, marks);
          } else {
            add_diag(hop, "unparsed_text", "before the first clause: " + excerpt(txt));
          }
        });
        break;
      case clause_kind::from:
        if (first) {
          read_from(t, cl, hop, marks);
        } else {
          add_diag(hop, "unparsed_text", "a second from clause");
        }
        break;
      case clause_kind::by:
        read_by(t, cl, hop, marks, first);
        break;
      case clause_kind::with:
        if (first) {
          read_with(t, cl, hop, marks);
        } else {
          add_diag(hop, "unparsed_text", "a second with clause");
        }
        break;
      case clause_kind::via:
      case clause_kind::id:
      case clause_kind::for_:
        read_rest(t, cl, hop, marks);
        break;
    }
  }
  // Comments after the date: "...; Thu, 29 Apr 2013 23:45:00 +0900 (JST) (envelope-from X)"
  for (std::size_t i = t.date_token; i < t.list.size; ++i) {
    const rtoken& tok = t.list.tokens[i];
    if (tok.kind == rtok_kind::comment) {
      const auto c = trim(token_text(t.text, tok));
      if (ascii_istarts_with(c, "envelope-from")) read_common_comment(c, hop, marks);
    }
  }

  // Date.
  if (t.date_begin != detail::k_no_date && t.date_begin <= t.text.size()) {
    const std::string_view d = trim(t.text.substr(t.date_begin));
    hop.date_text = d;
    hop.date_without_semicolon = t.date_without_semicolon;
    if (d.empty()) {
      add_diag(hop, "no_date", "nothing after the last ';'");
    } else if (auto ts = parse_mail_date(d)) {
      hop.time = *ts;
      // Courier puts the queue id after the date:
      //   "by 5jo.example.org with ESMTP; Sat, 11 Dec 2010 02:07:06 +0900  id 0F1BC0DD.4D025E3A.0"
      std::string_view rest = trim(d.substr(std::min<std::size_t>(ts->consumed, d.size())));
      if (ascii_istarts_with(rest, "id ")) {
        rest = trim(rest.substr(3));
        if (hop.id.empty()) hop.id = rest.substr(0, rest.find_first_of(" \t"));
        marks |= mk_courier;
      }
    } else {
      add_diag(
          hop, "bad_date",
          std::string("date not understood (") + std::string(ts.error().code) + "): " + excerpt(d));
    }
  } else {
    add_diag(hop, "no_date", "no date (no ';' and no date-like text)");
  }

  hop.convention = pick_convention(hop, marks);
  // Exim writes "from rdns ([ip])" when HELO matched the PTR name: the name is both.
  //   "from p4.neko.example.net ([198.51.100.225]) by ... (Exim 4.80)"
  if (hop.convention == "exim" && hop.rdns.empty() && !hop.helo.empty() &&
      hop.ip_from == ip_source::from_comment && !hop.rdns_unverified) {
    hop.rdns = hop.helo;
  }
  const bool has_from = seen[static_cast<std::size_t>(clause_kind::from)];
  const bool has_by = seen[static_cast<std::size_t>(clause_kind::by)];
  // Gmail's internal "by 2002:a05:... with SMTP id ..." lines, qmail's "(qmail 1234 invoked
  // from network)" and Haraka's "(Haraka outbound)" have no from clause on purpose; a line no
  // convention explains is worth a note.
  if (!has_from && !(marks & mk_qmail_local) && hop.convention == "generic") {
    add_diag(hop, "no_from_clause", has_by ? "no from clause" : "neither a from nor a by clause");
  }
  return hop;
}

}  // namespace hopscope
