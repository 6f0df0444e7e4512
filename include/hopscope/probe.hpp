#pragma once
// Network probes of the servers a Received chain revealed (or named by the user): reachability,
// an SMTP check on port 25 (greeting, EHLO, optional STARTTLS, QUIT; never MAIL, RCPT or DATA),
// reverse DNS with forward confirmation, and MX look-ups. Only the hopscope::probe library has
// these; the parser library never touches the network.
//
// Everything a server sends is untrusted: replies are read under hard caps and kept as raw
// bytes; renderers escape them for their sink.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tl/expected.hpp"

namespace hopscope {

/// Per-step and overall deadlines. Defaults are the "safe defaults".
struct probe_timeouts {
  std::chrono::milliseconds connect{5000};
  std::chrono::milliseconds greeting{15000};
  std::chrono::milliseconds ehlo{10000};
  std::chrono::milliseconds starttls{10000};  // the STARTTLS reply plus the TLS handshake
  std::chrono::milliseconds quit{3000};
  std::chrono::milliseconds icmp{2000};    // an echo reply; a silent ICMP falls back to TCP
  std::chrono::milliseconds dns{5000};     // each DNS question
  std::chrono::milliseconds total{30000};  // one probe (one address) in all
};

/// Caps on what a server may make us read, per reply.
struct probe_reply_limits {
  std::size_t max_line_bytes = 2048;
  std::size_t max_lines = 100;
  std::size_t max_reply_bytes = 64u << 10;
};

struct probe_options {
  probe_timeouts timeouts{};
  probe_reply_limits limits{};
  std::uint16_t port = 25;
  /// The EHLO argument. Empty: the address literal of our end of the connection ("[192.0.2.7]"),
  /// which RFC 5321 4.1.4 allows when the client has no meaningful name.
  std::string ehlo_name;
  bool reachability = true;
  bool smtp = true;
  bool starttls = true;  // when the server offers it
  bool dns = true;
  /// Probe loopback, private, link-local, documentation and other non-global addresses too.
  bool allow_private = false;
  /// "ADDR" or "ADDR:PORT" ("[::1]:5353" for v6 with a port); empty: the system's resolvers.
  std::string dns_server;
  unsigned max_parallel = 8;  // capped at 8 whatever is asked
  bool transcript = false;    // keep a swaks-like transcript of the SMTP dialogue
};

/// A reply as read off the wire: the code and each line's text after "NNN-"/"NNN ".
struct probe_reply {
  int code = 0;
  std::vector<std::string> lines;  // raw server bytes (escape before display)
};

/// A stable snake_case code and a human message (which may quote server bytes: escape it).
struct probe_error {
  std::string code;
  std::string message;
};

struct reachability_result {
  bool attempted = false;
  std::string method;  // "icmp" (datagram), "icmp_raw", "tcp_connect"; the one that answered
  bool ok = false;
  std::optional<double> rtt_ms;
  std::string note;  // e.g. why ICMP was not used, or that it went unanswered
  std::optional<probe_error> error;
};

/// EHLO keywords (RFC 5321 4.1.1.1), the common ones read out; all of them kept in `keywords`.
struct smtp_capabilities {
  std::vector<std::string> keywords;  // each EHLO line after the first, as sent
  std::optional<std::uint64_t> size;  // SIZE n; 0 means "no fixed limit" (RFC 1870)
  bool size_advertised = false;
  bool pipelining = false, starttls = false, eight_bit_mime = false, smtputf8 = false,
       chunking = false, dsn = false, enhanced_status_codes = false, binary_mime = false,
       requiretls = false;
  std::vector<std::string> auth;  // AUTH mechanisms (also from the old "AUTH=" form)
};

struct tls_result {
  bool ok = false;
  std::string protocol;  // "TLSv1.3"
  std::string cipher;
  std::string subject, issuer;  // RFC 2253 text
  std::vector<std::string> sans;
  std::string not_before, not_after;  // ISO 8601 UTC
  std::string verify_result;          // OpenSSL's words for the chain check ("ok", ...)
  std::string name_checked;           // the name the certificate was matched against
  std::optional<bool> name_matches;
  std::optional<probe_error> error;
};

struct step_timing {
  std::string
      step;  // "connect", "greeting", "ehlo", "starttls", "tls_handshake", "ehlo_tls", "quit"
  double ms = 0;
};

/// One line of the dialogue: direction '>' (we sent) or '<' (server), or '*' (a note).
struct transcript_line {
  char direction = '*';
  std::string text;
};

struct smtp_result {
  bool attempted = false;
  std::uint16_t port = 25;
  std::optional<probe_reply> greeting;
  std::optional<probe_reply> ehlo;
  std::optional<smtp_capabilities> capabilities;
  bool helo_fallback = false;  // EHLO refused, HELO used
  std::optional<tls_result> starttls;
  std::optional<probe_reply> starttls_reply;
  std::optional<probe_reply> ehlo_tls;  // EHLO again inside TLS
  std::optional<smtp_capabilities> capabilities_tls;
  std::optional<probe_reply> quit;
  std::optional<probe_error> error;
  std::vector<step_timing> timings;
  std::vector<transcript_line> transcript;
  std::string greeting_host;  // first word of the greeting text
};

struct dns_result {
  bool attempted = false;
  std::vector<std::string> ptr;                // names, without the trailing dot
  std::optional<bool> forward_confirmed;       // null when it could not be decided (timeout ...)
  std::vector<std::string> forward_addresses;  // what the PTR names resolved to
  std::optional<probe_error> error;            // "timeout", "nxdomain", "no_ptr", "servfail", ...
  std::optional<bool> greeting_matches_ptr;    // greeting host name is one of the PTR names
};

struct probe_result {
  std::string target;                  // as given (host name or address)
  std::string ip;                      // the address probed (text form), empty when none
  std::optional<std::string> skipped;  // why it was not probed (non-global address, ...)
  reachability_result reachability;
  smtp_result smtp;
  dns_result dns;
  double elapsed_ms = 0;
};

/// What to probe: a name or address as given, and the address.
struct probe_target {
  std::string target;
  std::string ip;  // must be an address; hosts are resolved by resolve_targets()
};

/// Resolves each argument: an address stays as it is; a host name becomes one target per
/// A/AAAA address (at most 8 per name). Names that do not resolve come back as results with an
/// error (in `dns.error`) and no address.
struct resolved_targets {
  std::vector<probe_target> targets;
  std::vector<probe_result> failures;
};
[[nodiscard]] resolved_targets resolve_targets(const std::vector<std::string>& names,
                                               const probe_options& options);

/// Probes each target, at most options.max_parallel (<= 8) at once and one probe per address
/// (duplicates share the result). Results come back in input order. Never throws except
/// std::bad_alloc.
[[nodiscard]] std::vector<probe_result> run_probes(const std::vector<probe_target>& targets,
                                                   const probe_options& options);

/// Why an address is not probed by default ("loopback address"), or nullopt when it is global.
[[nodiscard]] std::optional<std::string> skip_reason(std::string_view ip);

// --- MX ---

struct mx_record {
  unsigned preference = 0;
  std::string exchange;  // without the trailing dot
  std::vector<std::string> addresses;
  std::optional<probe_error> error;  // the address look-up failed
};

struct mx_result {
  std::string domain;
  std::vector<mx_record> records;  // preference order, then name
  bool null_mx = false;            // RFC 7505 "MX 0 ." : the domain accepts no mail
  bool implicit = false;           // no MX: RFC 5321 5.1 falls back to the domain's own A/AAAA
  std::optional<probe_error> error;
};

[[nodiscard]] mx_result lookup_mx(std::string_view domain, const probe_options& options);

// --- parsers of server text (pure, exposed for tests and for callers with their own I/O) ---

/// Reads EHLO reply lines (the first is the greeting line and is not a keyword).
[[nodiscard]] smtp_capabilities parse_ehlo_capabilities(const std::vector<std::string>& lines);

}  // namespace hopscope
