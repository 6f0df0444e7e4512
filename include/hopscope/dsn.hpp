#pragma once
// Bounces: RFC 3464 delivery status notifications, RFC 5965 ARF feedback reports and the
// common non-standard bounce texts (qmail, Exim, Sendmail, Exchange, Gmail ...). mimetic (the
// MIME library) lives behind this header, in src/core/dsn.cpp only.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hopscope/diagnostic.hpp"
#include "hopscope/header.hpp"

namespace hopscope {

/// One recipient the report is about. Strings are as written (raw bytes; renderers escape
/// them), empty when absent.
struct bounce_recipient {
  std::string recipient;           // Final-Recipient address (type prefix "rfc822;" removed)
  std::string original_recipient;  // Original-Recipient address
  std::string action;              // failed, delayed, delivered, relayed, expanded (lower case)
  std::string status;              // enhanced status code "5.1.1" (see status_field)
  std::string status_field;        // the Status: field's code as written, when there was one
  std::string reply_code;          // "550", from the diagnostic text
  std::string remote_mta;          // Remote-MTA name (type prefix removed)
  std::string diagnostic;          // Diagnostic-Code text (type prefix removed), unfolded
  std::string diagnostic_type;     // "smtp", "x-unix", ... (lower case)
  std::string last_attempt;        // Last-Attempt-Date as written
  std::string explanation;         // one line: what the status / reply / vendor text means
  bool status_from_text = false;   // status not from a Status: field but found in bounce text
};

/// ARF (RFC 5965) message/feedback-report fields.
struct feedback_report {
  std::string feedback_type;  // abuse, fraud, virus, other, not-spam, auth-failure ...
  std::string user_agent;
  std::string version;
  std::string source_ip;
  std::string original_mail_from;
  std::string original_rcpt_to;
  std::string arrival_date;
  std::string reported_domain;
  std::string authentication_results;
};

struct bounce_report {
  std::string kind;  // "dsn", "arf" or "text"
  /// For kind "text": which bounce text was recognised ("qmail", "exim" ..., "amazonses" for
  /// an Amazon SES JSON notification).
  std::string mta;
  std::string reporting_mta;
  std::string arrival_date;
  std::vector<bounce_recipient> recipients;
  std::optional<feedback_report> feedback;  // kind "arf"
  /// The returned original message's header block (message/rfc822, text/rfc822-headers or the
  /// copy after a bounce text's marker line), LF line endings, otherwise as written. Feed it to
  /// split_header_block() and analyse_chain() to see where the original stopped.
  std::string returned_headers;
  /// Status: fields read in delivery-status parts, those of reports nested in returned
  /// message/rfc822 parts (up to two levels) included.
  std::size_t status_fields = 0;
  std::vector<diagnostic> diagnostics;
};

/// Limits for reading a possibly hostile bounce. Beyond them the message is cut or the MIME
/// library is not used (our own boundary scan reads the structure instead), with a diagnostic.
struct bounce_limits {
  std::size_t max_message_bytes = 16u << 20;  // bytes of the whole message looked at
  std::size_t max_mime_bytes = 4u << 20;      // larger messages are not given to mimetic
  std::size_t max_mime_line = 16384;          // a longer line keeps mimetic away (quadratic)
  std::size_t max_boundaries = 16;            // more multipart boundaries: own scan, bounded
  std::size_t max_parts = 512;                // MIME parts looked at
  std::size_t max_recipients = 1000;
  std::size_t max_returned_header_bytes = 256u << 10;
};

/// Cheap test on the top header only: might this message be a bounce or feedback report?
/// (Content-Type multipart/report, a MAILER-DAEMON/postmaster sender, a bounce-like Subject,
/// X-Failed-Recipients ...). False positives are fine: parse_bounce() decides.
[[nodiscard]] bool may_be_bounce(const header_block& top_header) noexcept;

/// Reads a bounce from the whole message (raw bytes, any line endings, an mbox `From ` line
/// allowed). `top_header` is the message's header block as split_header_block() made it.
/// nullopt when the message is not a bounce. Never throws except std::bad_alloc; time linear
/// in the bytes examined (bounded by `limits`).
[[nodiscard]] std::optional<bounce_report> parse_bounce(std::string_view whole_message,
                                                        const header_block& top_header,
                                                        const bounce_limits& limits = {});

}  // namespace hopscope
