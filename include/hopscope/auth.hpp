#pragma once
// Authentication results (RFC 8601 Authentication-Results and its real-mail dialects, RFC 8617
// ARC sets, RFC 7208 Received-SPF, RFC 6376 DKIM-Signature), tied to the hops that stamped
// them, with DMARC-style alignment of the From domain. Nothing is verified cryptographically:
// this reports what each receiving system wrote, and where in the chain it wrote it.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hopscope/verdicts.hpp"

namespace hopscope {

class header_block;
struct hop_chain;

/// Which field an authentication result came from.
enum class auth_field_kind : std::uint8_t {
  authentication_results,              // Authentication-Results
  arc_authentication_results,          // ARC-Authentication-Results (one per ARC set)
  authentication_results_original,     // Microsoft moves a forwarder's A-R here
  x_original_authentication_results,   // Google Groups / forwarders keep the old one here
  ms_exchange_authentication_results,  // X-MS-Exchange-Authentication-Results
};

/// "smtp.mailfrom=user@example.com": ptype "smtp", property "mailfrom".
struct auth_property {
  std::string ptype;     // lower case
  std::string property;  // lower case
  std::string value;     // as written, quotes removed
};

/// One resinfo: "dkim=pass (2048-bit key) header.d=example.com header.s=s1".
struct auth_method_result {
  std::string method;   // lower case, "/version" dropped: spf, dkim, dmarc, arc, compauth ...
  std::string result;   // lower case: pass, fail, softfail, none, bestguesspass ...
  std::string reason;   // reason= value, when present
  std::string comment;  // top-level comments, joined with "; " (capped)
  std::vector<auth_property> properties;
  /// Other key=value items that are not ptype.property: Microsoft "action=none", rspamd
  /// "policy=none", Gmail-style "p=NONE" inside comments is not here (comments are text).
  std::vector<auth_property> extras;  // ptype empty, property = key
};

/// How a result field was tied to a hop.
enum class hop_tie : std::uint8_t {
  none,                // no Received field below it, or no chain
  authserv_id_host,    // authserv-id equals the by-host of the Received just below it
  authserv_id_org,     // same registrable domain as the by-host of the Received just below
  authserv_id_search,  // authserv-id matched a by-host elsewhere in the chain (nearest below)
  header_order,        // no usable id: the Received field just below it
};

/// One Authentication-Results-like field.
struct auth_results_field {
  std::size_t header_index = 0;
  auth_field_kind kind = auth_field_kind::authentication_results;
  std::string authserv_id;          // empty when absent (Microsoft writes none)
  std::optional<int> version;       // "mx.microsoft.com 1"
  std::optional<int> arc_instance;  // i= of an ARC-Authentication-Results
  bool no_result = false;           // "example.com; none"
  std::vector<auth_method_result> results;
  /// Items that are properties without a method ("header.From=x@y; dkim=pass" written by old
  /// SpamAssassin tests, Yahoo's "from=example.com; domainkeys=pass").
  std::vector<auth_property> loose_properties;
  std::optional<std::size_t> hop;  // index into hop_chain::hops (origin first)
  hop_tie tie = hop_tie::none;
  std::vector<std::string> notes;  // stable snake_case: unbalanced_comment, truncated ...
};

/// RFC 7208 9.1 Received-SPF.
struct received_spf {
  std::size_t header_index = 0;
  std::string result;  // lower case
  std::string comment;
  std::string client_ip, envelope_from, helo, receiver, identity, mechanism;
  std::optional<std::size_t> hop;
  hop_tie tie = hop_tie::none;
};

/// RFC 6376 DKIM-Signature (or ARC-Message-Signature / ARC-Seal tags where they overlap).
struct dkim_signature {
  std::size_t header_index = 0;
  std::string version;                      // v=
  std::string algorithm;                    // a=
  std::string canonicalization;             // c=
  std::string domain;                       // d=, lower case
  std::string selector;                     // s=
  std::string identity;                     // i=
  std::optional<std::int64_t> timestamp;    // t=, seconds since the epoch
  std::optional<std::int64_t> expiry;       // x=
  std::optional<std::int64_t> body_length;  // l= (a signature that covers part of the body)
  std::vector<std::string> signed_headers;  // h=, as written, in order (capped)
  std::vector<std::string> notes;           // missing_d, missing_s, expiry_before_timestamp, ...
};

/// One ARC set (RFC 8617): the three fields that share an instance i=.
struct arc_set {
  int instance = 0;
  std::optional<std::size_t> seal_index, signature_index, results_index;  // header indexes
  std::string chain_validation;            // ARC-Seal cv=, lower case
  std::string seal_domain, seal_selector;  // ARC-Seal d=, s=
  std::optional<std::int64_t> seal_time;   // ARC-Seal t=
  std::string signature_domain;            // ARC-Message-Signature d=
  std::optional<std::int64_t> signature_time;
  std::optional<std::size_t> results;  // index into authentication_report::results
  bool duplicate = false;              // more than one field of a kind with this i=
};

/// What the ARC fields claim as a whole (not verified).
struct arc_chain_summary {
  std::string state;  // none, pass (as claimed), fail (as claimed), broken (gap/missing/dup)
  int highest_instance = 0;
  std::vector<std::string> problems;  // stable snake_case: missing_seal, gap_before_3, ...
};

/// DMARC-style identifier alignment of one authenticated domain with the From domain.
struct alignment_check {
  std::string mechanism;  // "dkim" or "spf"
  std::string domain;     // DKIM d= or the SPF (smtp.mailfrom) domain, lower case
  std::string source;     // "dkim-signature", "authentication-results", "received-spf"
  std::string result;     // the receiver's result for it, when one was found ("" if not)
  bool strict = false;    // equal to the From domain
  bool relaxed = false;   // same registrable domain as the From domain
};

/// SPF/DKIM/DMARC/ARC results of one authserv-id (Authentication-Results fields only, not
/// ARC copies), in top-first order of their first field.
struct authserv_summary {
  std::string authserv_id;  // "" for Microsoft's id-less fields
  std::optional<std::size_t> hop;
  hop_tie tie = hop_tie::none;
  std::vector<std::size_t> fields;              // indexes into authentication_report::results
  std::string spf, dkim, dmarc, arc, compauth;  // first result of each method; "" if none
};

struct authentication_report {
  std::string from_domain;                  // the From address's domain, lower case; "" if none
  std::vector<auth_results_field> results;  // top first
  std::vector<authserv_summary> by_authserv;
  std::vector<received_spf> spf_fields;
  std::vector<dkim_signature> dkim_signatures;
  std::vector<arc_set> arc_sets;  // by instance, ascending
  arc_chain_summary arc;
  std::vector<alignment_check> alignment;
  std::vector<filter_verdict> verdicts;
};

struct auth_limits {
  std::size_t max_value_bytes = 65536;  // a longer value is read up to here (noted)
  std::size_t max_results = 64;         // resinfo per field
  std::size_t max_properties = 32;      // per resinfo
  std::size_t max_comment_bytes = 512;  // kept per resinfo
  std::size_t max_fields = 256;         // per kind, per message
  std::size_t max_arc_instance = 50;    // RFC 8617 4.2.1
};

/// Reads one Authentication-Results value (unfolded). `arc` strips and reads the leading
/// "i=N;" of an ARC-Authentication-Results. Never throws except std::bad_alloc; linear;
/// comments nest without recursion.
[[nodiscard]] auth_results_field parse_authentication_results(std::string_view value,
                                                              bool arc = false,
                                                              const auth_limits& limits = {});

/// Reads one Received-SPF value.
[[nodiscard]] received_spf parse_received_spf(std::string_view value,
                                              const auth_limits& limits = {});

/// Reads one DKIM-Signature value (the tags; the signature is not checked).
[[nodiscard]] dkim_signature parse_dkim_signature(std::string_view value);

/// The domain of an address-ish string ("Name <u@Example.COM>", "u@example.com", "example.com",
/// "@example.com"), lower case, trailing dot removed; "" if none.
[[nodiscard]] std::string address_domain(std::string_view text);

/// Everything above for one message, tied to `chain` (hops origin first, each with its
/// header_index). Never throws except std::bad_alloc.
[[nodiscard]] authentication_report analyse_authentication(const header_block& block,
                                                           const hop_chain& chain,
                                                           const auth_limits& limits = {});

[[nodiscard]] std::string_view to_string(auth_field_kind kind) noexcept;
[[nodiscard]] std::string_view to_string(hop_tie tie) noexcept;

}  // namespace hopscope
