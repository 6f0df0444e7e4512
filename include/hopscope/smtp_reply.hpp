#pragma once
// SMTP reply codes (RFC 5321 4.2) and enhanced status codes (RFC 3463, IANA registry):
// parsing server replies and explaining codes offline, from a knowledge base compiled into the
// library. The bounce reader calls explain_enhanced_status() for each DSN `Status:` and
// explain_text() for each `Diagnostic-Code:`; `hopscope explain` calls explain().

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hopscope/diagnostic.hpp"
#include "tl/expected.hpp"

namespace hopscope {

/// An RFC 3463 enhanced status code `class.subject.detail`, e.g. 5.7.26.
struct enhanced_status {
  int klass = 0;  // 2, 4 or 5
  int subject = 0;
  int detail = 0;
  friend bool operator==(const enhanced_status&, const enhanced_status&) = default;
};

/// "5.7.26".
[[nodiscard]] std::string to_string(const enhanced_status& status);

/// Reads exactly one enhanced status code (RFC 3463 2: class 2, 4 or 5; subject and detail
/// 1-3 digits each, no leading zeros beyond "0"). Surrounding spaces are allowed; nothing else.
/// Error codes: "empty", "bad_class", "bad_enhanced_status", "trailing_text".
[[nodiscard]] tl::expected<enhanced_status, parse_error> parse_enhanced_status(
    std::string_view text) noexcept;

/// Reads exactly one three-digit reply code (RFC 5321 4.2: first digit 2-5, second 0-5).
/// Error codes: "empty", "bad_reply_code", "trailing_text".
[[nodiscard]] tl::expected<int, parse_error> parse_reply_code(std::string_view text) noexcept;

/// Caps for reading untrusted replies; text beyond them is dropped and noted.
struct smtp_reply_limits {
  std::size_t max_input_bytes = 256u << 10;  // bytes looked at, in total
  std::size_t max_lines = 200;               // reply lines kept
  std::size_t max_line_bytes = 4096;         // bytes kept of one line (RFC 5321 says 512)
};

/// One server reply, possibly multi-line (`550-5.7.26 first` ... `550 5.7.26 last`).
struct smtp_reply {
  int code = 0;
  std::optional<enhanced_status> status;  // from the first line that has one
  std::vector<std::string> lines;         // each line's text, without code and status
  std::string text;                       // the lines joined by one space
  std::size_t consumed = 0;               // bytes of the input this reply was read from
  std::vector<diagnostic> notes;          // odd but readable: see smtp_reply.cpp
};

/// Reads one reply from the start of `text`: CRLF or LF lines, leading blank lines and
/// indentation skipped, a Sendmail transcript's `<<< ` prefix removed, folded lines (no code)
/// joined to the line before. Stops at a line with a different code after the first line (the
/// next reply). Never throws; fails only when the first line has no reply code.
/// Error codes: "empty", "no_reply_code".
[[nodiscard]] tl::expected<smtp_reply, parse_error> parse_smtp_reply(
    std::string_view text, const smtp_reply_limits& limits = {}) noexcept;

/// Where a reply starts inside a longer diagnostic such as
/// `host mx.example[192.0.2.1] said: 550 5.1.1 <x@y>: User unknown`: the offset of the first
/// token that is a reply code followed by a space, a `-` or the end. nullopt when none.
[[nodiscard]] std::optional<std::size_t> find_reply_start(std::string_view text) noexcept;

/// Who usually has to act. Stable strings: "nobody" (success, or the sending server retries by
/// itself), "sender" (the person who wrote the message), "sender_admin" (whoever runs the
/// sending server, its DNS or its IP addresses), "recipient" (the mailbox owner),
/// "recipient_admin" (whoever runs the receiving server or domain), "client_software" (the
/// SMTP client program or its configuration).
struct explanation {
  std::string code;   // "550", "5.7.26"
  std::string kind;   // "reply" or "enhanced"
  std::string title;  // short name; for enhanced codes the IANA registry's sample text
  std::string meaning;
  std::string outcome;  // "success", "intermediate", "temporary_failure", "permanent_failure"
  bool permanent = false;
  bool temporary = false;
  bool generic = false;  // no exact entry: explained from its digits only
  std::string who_acts;
  std::string what_to_try;
  std::string reference;           // "RFC 5321 4.2.3", "RFC 7372"
  std::vector<std::string> parts;  // what each digit / part of the code says
  std::vector<std::string> notes;  // other meanings, unusual class, deprecation
};

/// Explains a basic reply code. Codes outside 200-599 or with a second digit above 5 are still
/// explained from the digits that mean something, with generic = true.
[[nodiscard]] explanation explain_reply_code(int code);

/// Explains an enhanced status code: the exact registry entry when there is one, else the class
/// and subject with the detail said to be unknown (generic = true). Never fails.
[[nodiscard]] explanation explain_enhanced_status(const enhanced_status& status);

/// A vendor's own diagnostic recognised in the reply text (Gmail, Microsoft, Yahoo, Postfix,
/// Exim, blocklists ...). Matched case-insensitively on fixed substrings, never with regex.
struct vendor_match {
  std::string id;       // stable snake_case: "gmail_dmarc_reject", "spamhaus_listed"
  std::string vendor;   // "Gmail", "Microsoft 365", "Postfix", "Spamhaus"
  std::string matched;  // the text that matched, as written in the knowledge base
  std::string title;
  std::string meaning;
  std::string who_acts;
  std::string what_to_try;
  std::string reference;          // where the vendor documents it, when it does
  std::optional<bool> permanent;  // when the vendor's code says so regardless of the reply
};

/// Something in the reply that disagrees with itself. Stable codes: "class_mismatch" (5xx with
/// 4.x.x or the reverse), "success_with_failure_status" (2xx with 4/5.x.x and the reverse),
/// "text_says_temporary", "text_says_permanent", "status_varies" (lines disagree).
struct contradiction {
  std::string code;
  std::string message;
};

/// Everything known about one code or reply text.
struct text_explanation {
  std::string input;                 // as given, trimmed and capped (for display, escaped)
  std::optional<smtp_reply> reply;   // when a reply was found in the text
  std::vector<explanation> codes;    // reply code first, then enhanced status
  std::vector<vendor_match> vendor;  // vendor diagnostics recognised in the text
  std::vector<contradiction> contradictions;
  bool recognised = false;  // at least one well-formed code was found
};

/// Explains a whole reply or diagnostic text: finds the reply code (also after a prefix like
/// `host x said:`), the enhanced status (also `#5.1.1` qmail style), vendor diagnostics and
/// contradictions. Bounded by `limits` whatever the input.
[[nodiscard]] text_explanation explain_text(std::string_view reply_text,
                                            const smtp_reply_limits& limits = {});

/// The entry point for one argument: `550`, `5.1.1` (also `5.1.1` with a `#`), or a reply.
[[nodiscard]] text_explanation explain(std::string_view code_or_reply,
                                       const smtp_reply_limits& limits = {});

/// Vendor diagnostics found in `text` (lower-cased matching; bounded by the text size).
[[nodiscard]] std::vector<vendor_match> match_vendor_diagnostics(std::string_view text);

/// Counts of the compiled knowledge base, for tests and `--version`-like reports.
struct smtp_knowledge_counts {
  std::size_t reply_codes = 0;     // distinct basic reply codes with an exact entry
  std::size_t enhanced_codes = 0;  // distinct X.subject.detail entries
  std::size_t vendor_patterns = 0;
};
[[nodiscard]] smtp_knowledge_counts smtp_knowledge_size() noexcept;

}  // namespace hopscope
