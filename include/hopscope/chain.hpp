#pragma once
// The Received chain: hops origin first, raw and skew-adjusted delays, clock skew attributed
// to a hop, the trust boundary of the receiving organisation, the origin, and signs that the
// chain should not be believed.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hopscope/received.hpp"

namespace hopscope {

enum class severity : std::uint8_t { info, notice, warning, problem };

struct finding {
  std::string code;                // stable snake_case: clock_skew, chain_break, no_date, ...
  std::optional<std::size_t> hop;  // index into hop_chain::hops, if tied to one hop
  std::string message;
  severity level = severity::notice;
};

/// Where a hop stands relative to the receiving organisation (the side that stamped the top
/// Received field, plus what --trusted-host / --internal-net add).
enum class trust_level : std::uint8_t {
  internal,  // the client was inside the receiving side: the hop is the receiver's own relay
  boundary,  // a receiving-side host accepted the message from outside: the origin hop
  external,  // below the boundary: written by hosts outside, unverifiable
};

/// Where a value of a hop came from, and so how far to trust it.
enum class field_source : std::uint8_t {
  absent,
  claimed,        // the client said so (HELO/EHLO name): anyone can claim anything
  looked_up,      // the receiving MTA's reverse-DNS lookup
  lookup_failed,  // Postfix/Exim "unknown": no PTR, or the PTR did not forward-confirm
  literal,        // an address literal in the from clause itself ("from [192.0.2.1]")
  comment,        // an address in the from clause's comment ("(host [192.0.2.1])")
  token,          // the from token itself was an address without brackets
  other_clause,   // found elsewhere in the line
  stamped,        // written by the receiving host about itself (by-host, date)
};

struct hop_provenance {
  field_source helo = field_source::absent;
  field_source rdns = field_source::absent;
  field_source ip = field_source::absent;
  field_source by = field_source::absent;
  field_source date = field_source::absent;
  std::string convention;  // which MTA convention read the line, or "generic"
};

struct hop {
  received_hop received;
  std::size_t header_index = 0;       // 0-based position of its Received field from the top
  std::string raw;                    // the field value as written (unfolded)
  ip_scope scope = ip_scope::global;  // of received.ip, meaningful when ip is set
  /// Seconds since the previous dated hop; null when either time is missing. Never negative:
  /// a backwards step is reported as clock skew and the delay is 0 (see skew_seconds).
  std::optional<std::int64_t> delay_seconds;
  /// How far this hop's stamp is earlier than the previous dated hop's, when it is (> 0).
  std::optional<std::int64_t> skew_seconds;
  /// This hop's stamp minus the previous dated hop's, as written (may be negative).
  std::optional<std::int64_t> raw_delay_seconds;
  /// The delay after the suspect clocks are pulled back into line; never negative.
  std::optional<std::int64_t> adjusted_delay_seconds;
  /// The hop's time after skew adjustment (epoch seconds), when it is dated or bracketed.
  std::optional<std::int64_t> adjusted_epoch;
  /// This hop's clock was judged off (by clock_offset_seconds, + = ahead).
  bool clock_suspect = false;
  std::optional<std::int64_t> clock_offset_seconds;
  trust_level trust = trust_level::external;
  std::vector<std::string> trust_reasons;  // why, in words, first reason decisive
  hop_provenance provenance;
};

/// A clock outside the Received fields: the Date field (the sender's clock), DKIM-Signature
/// t=, ARC-Seal t=, vendor arrival stamps, X-Received.
struct clock_stamp {
  std::string source;  // "date", "dkim_signature", "arc_seal", "x_received", ...
  std::string detail;  // e.g. "d=example.com", "i=1"
  std::int64_t epoch = 0;
  /// Where the stamp sits in time among the hops: right after hop `after_hop` (origin-first
  /// index), or before every hop when null.
  std::optional<std::size_t> after_hop;
  bool used = false;  // it took part in the skew attribution (not the same clock as a hop)
};

/// X-Originating-IP, X-Forwarded-For, X-Sender-IP and the like: shown, never believed.
struct origin_hint {
  std::string field;  // as written
  std::string value;  // as written
  std::optional<ip_address> ip;
  ip_scope scope = ip_scope::global;
};

/// Who skewed: one backwards step in the Received times, attributed.
struct skew_estimate {
  std::optional<std::size_t> hop;  // the suspect hop (first of its run); null when ambiguous
  std::vector<std::size_t> hops;   // the suspect run, or the candidates when ambiguous
  /// The suspect's clock against its neighbours: + ahead, - behind (at least this much). For
  /// an ambiguous step: the later hop against the earlier one (negative).
  std::int64_t offset_seconds = 0;
  std::string confidence;             // high, medium, low; "none" when ambiguous
  std::vector<std::string> evidence;  // in words
};

struct hop_chain {
  std::vector<hop> hops;  // origin first
  /// The origin: the boundary hop (the first, from the top, whose client is outside the
  /// receiving side), when its client address is global.
  std::optional<std::size_t> origin;
  std::vector<std::string> origin_reasons;
  std::optional<std::size_t> boundary;  // the boundary hop, even when its client is not global
  /// The oldest hop whose client IP is global: where the chain *claims* the message started.
  /// Below the boundary this is the sender's word only.
  std::optional<std::size_t> claimed_origin;
  /// First dated hop to last, after skew adjustment (robust to one bad clock); never < 0.
  std::optional<std::int64_t> total_seconds;
  /// As written, when it is not negative.
  std::optional<std::int64_t> raw_total_seconds;
  std::vector<skew_estimate> skews;
  std::vector<clock_stamp> clocks;
  std::vector<origin_hint> hints;
  std::vector<finding> findings;  // worst first
};

/// An IPv4 or IPv6 network, "10.0.0.0/8", "2001:db8::/32".
struct ip_network {
  ip_address base;
  unsigned prefix = 0;
};

/// Parses "a.b.c.d/n", "v6/n" or a bare address (a /32 or /128).
[[nodiscard]] std::optional<ip_network> parse_network(std::string_view text) noexcept;
[[nodiscard]] bool contains(const ip_network& net, const ip_address& ip) noexcept;

struct chain_options {
  std::int64_t skew_tolerance_seconds = 60;  // backwards steps up to this are ordinary jitter
  /// Dates this far after the top hop, or this far before the sender's Date, are suspect.
  std::int64_t date_tolerance_seconds = 15 * 60;
  /// Host names of the receiving side (a name also covers its subdomains).
  std::vector<std::string> trusted_hosts;
  /// Networks of the receiving side, as CIDR text; malformed ones are reported as findings.
  std::vector<std::string> internal_networks;
};

/// One input hop, as read from the header block (top first).
struct received_field {
  std::size_t header_index = 0;
  std::string value;  // unfolded
};

/// What the rest of the header block adds to the chain.
struct chain_context {
  std::vector<clock_stamp> clocks;
  std::vector<origin_hint> hints;
  /// The first readable Date field as written: its zone gets the findings a hop's does.
  std::string date_text;
};

/// Builds the chain from Received fields given top (newest) first.
[[nodiscard]] hop_chain analyse_chain(const std::vector<received_field>& newest_first,
                                      const chain_options& options = {});
[[nodiscard]] hop_chain analyse_chain(const std::vector<received_field>& newest_first,
                                      chain_context context, const chain_options& options);

[[nodiscard]] std::string_view to_string(severity level) noexcept;
[[nodiscard]] std::string_view to_string(trust_level level) noexcept;
[[nodiscard]] std::string_view to_string(field_source source) noexcept;

}  // namespace hopscope
