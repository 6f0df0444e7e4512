#pragma once
// One Received: field, read into its parts (RFC 5321 4.4 plus the conventions MTAs write).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hopscope/address.hpp"
#include "hopscope/datetime.hpp"
#include "hopscope/diagnostic.hpp"

namespace hopscope {

/// Where the client IP was read from.
enum class ip_source : std::uint8_t {
  none,
  from_literal,  // "from [192.0.2.1]" or "from host ([192.0.2.1])" in the from clause itself
  from_comment,  // inside the from clause's comment: "(mail.example [192.0.2.1])"
  from_token,    // the from token itself was an address without brackets
  other_clause,  // found elsewhere (e.g. Exchange "by ... with ... ; client-ip=")
};

/// The parts of a Received field, kept apart. Strings are as written (not lower-cased), empty
/// when absent.
struct received_hop {
  // "from" clause
  std::string from_token;        // the word right after "from" (often the HELO name)
  std::string helo;              // the name the client gave in HELO/EHLO (claimed, unverified)
  std::string rdns;              // the reverse-DNS name the receiving MTA looked up
  std::optional<ip_address> ip;  // the connecting client's address (never the HELO's)
  ip_source ip_from = ip_source::none;
  std::string ident;             // RFC 1413 user ("user@host" comments), rarely present
  bool rdns_unverified = false;  // Postfix "unknown": PTR failed forward confirmation
  // "by" clause
  std::string by_host;
  std::optional<ip_address> by_ip;
  // "via", "with", "id", "for"
  std::string via;
  std::string with;         // protocol word as written (ESMTPS, SMTP, HTTP, LMTP, mapi ...)
  std::string protocol;     // normalised upper-case protocol word
  bool tls = false;         // TLS was used on this hop (ESMTPS, "using TLS...", "version=TLS...")
  std::string tls_version;  // "TLSv1.3", "TLS1_2" ... as written
  std::string tls_cipher;   // "TLS_AES_256_GCM_SHA384" ... as written
  bool authenticated = false;  // ESMTPA/ESMTPSA/"Authenticated sender"/"authenticated" comment
  std::string auth_detail;     // e.g. "Authenticated sender: user@example.com"
  std::string id;              // queue id
  std::string for_addr;        // envelope recipient
  std::string envelope_from;   // "(envelope-from <x@y>)" where present
  // date
  std::string date_text;  // the text after the last ';' outside comments (or found without ';')
  std::optional<timestamp> time;
  bool date_without_semicolon = false;
  // bookkeeping
  std::string convention;  // which MTA convention read it: "postfix", "exim", ... or "generic"
  std::vector<diagnostic> diagnostics;  // what could not be read; the raw text is kept by caller
};

struct received_limits {
  std::size_t max_bytes = 16384;  // longer fields are cut first (real ones are < 1 KiB)
  std::size_t max_tokens = 512;
  std::size_t max_comment_depth = 32;  // deeper nesting is read flat, not recursively
};

/// Reads an unfolded Received value. Never throws except std::bad_alloc; linear in the input
/// (bounded by the limits).
[[nodiscard]] received_hop parse_received(std::string_view value,
                                          const received_limits& limits = {});

[[nodiscard]] std::string_view to_string(ip_source src) noexcept;

}  // namespace hopscope
