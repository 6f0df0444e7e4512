#pragma once
// Private to the bounce reader (dsn.cpp, bounce_text.cpp): text helpers and the reader of
// non-standard bounce texts. Everything here is linear in its input and never throws except
// std::bad_alloc.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ascii.hpp"
#include "hopscope/dsn.hpp"

namespace hopscope::bounce_detail {

/// ASCII case-insensitive substring search; `needle` must be lower case. O(n * |needle|).
[[nodiscard]] std::size_t ifind(std::string_view hay, std::string_view needle,
                                std::size_t from = 0) noexcept;
[[nodiscard]] std::string_view trim(std::string_view s) noexcept;

/// Content-Transfer-Encoding decoding for text we read (quoted-printable, base64); anything
/// else is returned as is.
[[nodiscard]] std::string decode_transfer(std::string_view body, std::string_view encoding);
/// The same without a copy when nothing needs decoding: a view of `body`, else of `storage`,
/// which then holds the decoded text.
[[nodiscard]] std::string_view decoded_view(std::string_view body, std::string_view encoding,
                                            std::string& storage);
/// Crude tag stripper for bounces that only come as HTML (tags dropped, <br>/<p> become
/// newlines, a few entities decoded).
[[nodiscard]] std::string strip_html(std::string_view html);

/// First enhanced status code (2/4/5.d{1,3}.d{1,3}) standing alone in `text`; a leading '#'
/// (qmail "#5.1.1") is allowed. Class 4/5 codes are preferred over 2.x.x.
[[nodiscard]] std::string find_status_in_text(std::string_view text);
/// The enhanced status code that follows a reply code ("550 5.7.1", "550-'5.7.1", "421-4.2.1")
/// in `text`, of the same class as the reply; empty if none. In "5.1.0 - Unknown address error
/// 550-'5.7.1 <x@y>... Access denied'" (Amazon SES) this is the remote's 5.7.1, where
/// find_status_in_text() gives SES's own 5.1.0.
[[nodiscard]] std::string find_status_after_reply(std::string_view text);
/// First three-digit reply code (RFC 5321 4.2 digits) standing alone, preferring 4xx/5xx.
[[nodiscard]] std::string find_reply_code_in_text(std::string_view text);

/// "rfc822; <x@y>" -> "x@y"; "dns; mx.example" -> "mx.example".
[[nodiscard]] std::string strip_type_prefix(std::string_view value);
[[nodiscard]] std::string bare_address(std::string_view value);

/// The header block starting at `offset` (up to the first blank line, capped).
[[nodiscard]] std::string header_block_at(std::string_view text, std::size_t offset,
                                          std::size_t cap);

struct text_bounce {
  std::string mta;  // which bounce text was recognised ("qmail", "exim", ...), empty if none
  std::vector<bounce_recipient> recipients;
  /// For each recipient: the reply code found in its own block of lines, empty when its
  /// reply_code came from elsewhere in the text (or nowhere).
  std::vector<std::string> block_replies;
  std::string first_reply;  // the first 4xx/5xx (else 2xx) reply code of the explanation
  std::size_t original_offset = std::string_view::npos;  // returned message headers start
};

/// Reads a non-standard bounce text (decoded, LF line endings).
[[nodiscard]] text_bounce parse_bounce_text(std::string_view text, std::size_t max_recipients);

/// Amazon SES notifications sent by mail as JSON (SNS "AWS Notification Message"): the
/// recipients of a "Bounce" (action, status and Diagnostic-Code from bouncedRecipients) or of a
/// "Complaint" (action "feedback"). Empty when `text` holds no such JSON. The JSON is parsed
/// only when its nesting stays shallow and its size bounded.
struct json_notification {
  std::string type;           // "bounce" or "complaint", empty if none was read
  std::string reporting_mta;  // bounce.reportingMTA, type prefix removed
  std::string feedback_type;  // complaint.complaintFeedbackType
  std::vector<bounce_recipient> recipients;
};
[[nodiscard]] json_notification parse_ses_json(std::string_view text, std::size_t max_recipients);

/// Where a returned message's header block starts in a bounce text, or npos.
[[nodiscard]] std::size_t find_original_message(std::string_view text);

/// Fills status/reply_code from the diagnostic text when missing, and the explanation.
void complete_recipient(bounce_recipient& r);

}  // namespace hopscope::bounce_detail
