#pragma once
// The compiled SMTP knowledge base (private to the library): reply codes, enhanced status codes
// and vendor diagnostics, as constant tables. The data lives in smtp_knowledge.cpp and
// smtp_vendor.cpp; the logic that reads it in smtp_reply.cpp.

#include <array>
#include <span>
#include <string_view>

namespace hopscope::detail {

/// One meaning of a basic reply code. A code can have several: the RFC 5321 one first (empty
/// `context`), then the meaning an extension gives it ("AUTH, RFC 4954").
struct reply_code_entry {
  int code;
  std::string_view context;
  std::string_view title;
  std::string_view meaning;
  std::string_view who;
  std::string_view what;
  std::string_view reference;
};

/// One IANA enhanced status code, class-neutral (X.subject.detail). `classes` lists the classes
/// the registry allows ("245", "45", "5"); `basic_codes` is the registry's column, verbatim.
struct enhanced_entry {
  int subject;
  int detail;
  std::string_view title;  // the registry's sample text
  std::string_view meaning;
  std::string_view who;
  std::string_view what;
  std::string_view reference;
  std::string_view classes;
  std::string_view basic_codes;
  std::string_view note;  // deprecation or caveat, may be empty
};

/// A vendor diagnostic. Matches when any `any` needle is found, every `also` needle is found and
/// no `none` needle is found, in the lower-cased text. A needle ending in '#' must be followed by
/// a digit ("(as#" matches "(AS3150)"). Within one `group`, only the first match is kept, so
/// specific patterns come before the general ones of the same group.
struct vendor_pattern {
  std::string_view id;
  std::string_view vendor;
  std::string_view group;
  std::array<std::string_view, 5> any;
  std::array<std::string_view, 2> also;
  std::array<std::string_view, 4> none;
  int permanence;  // -1 unknown from the text, 0 temporary, 1 permanent
  std::string_view title;
  std::string_view meaning;
  std::string_view who;
  std::string_view what;
  std::string_view reference;
};

std::span<const reply_code_entry> reply_code_table() noexcept;
std::span<const enhanced_entry> enhanced_table() noexcept;
std::span<const vendor_pattern> vendor_table() noexcept;

/// RFC 5321 4.2.1 / RFC 3463 2: what one digit position says. Empty when undefined.
std::string_view reply_first_digit(int digit) noexcept;
std::string_view reply_second_digit(int digit) noexcept;
std::string_view status_class_meaning(int klass) noexcept;
std::string_view status_subject_meaning(int subject) noexcept;

}  // namespace hopscope::detail
