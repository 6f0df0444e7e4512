// RFC 6376 DKIM-Signature tags, read for display and alignment (the signature is not checked).
// The tag list itself is split by parse_tag_list(); this file only interprets the tags.

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/ascii.hpp"
#include "hopscope/auth.hpp"
#include "hopscope/tag_list.hpp"

namespace hopscope {
namespace {

constexpr std::size_t k_max_signed_headers = 64;

// Removes the folding whitespace a tag value may carry inside it: RFC 6376 3.2 allows FWS
// anywhere in a value, and Google folds its h= list ("h=mime-version:content-language:
// accept-language:in-reply-to\n         :references:message-id").
std::string without_spaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') out.push_back(c);
  }
  return out;
}

std::optional<std::int64_t> to_seconds(std::string_view s) noexcept {
  // RFC 6376 limits t= and x= to 12 digits; more is junk, not a time.
  if (s.empty() || s.size() > 12) return std::nullopt;
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

}  // namespace

dkim_signature parse_dkim_signature(std::string_view value) {
  dkim_signature sig;
  for (const auto& [tag, val] : parse_tag_list(value)) {
    if (tag.size() != 1) continue;  // "bh" and unknown tags carry nothing to show
    switch (tag[0]) {
      case 'v':
        sig.version = std::string(val);
        break;
      case 'a':
        sig.algorithm = detail::ascii_lower(val);
        break;
      case 'c':
        sig.canonicalization = detail::ascii_lower(val);
        break;
      case 'd': {
        sig.domain = detail::ascii_lower(without_spaces(val));
        while (!sig.domain.empty() && sig.domain.back() == '.') sig.domain.pop_back();
        break;
      }
      case 's':
        sig.selector = without_spaces(val);
        break;
      case 'i':
        sig.identity = without_spaces(val);
        break;
      case 't':
        sig.timestamp = to_seconds(without_spaces(val));
        break;
      case 'x':
        sig.expiry = to_seconds(without_spaces(val));
        break;
      case 'l':
        sig.body_length = to_seconds(without_spaces(val));
        break;
      case 'h': {
        const std::string list = without_spaces(val);
        std::size_t pos = 0;
        while (pos <= list.size() && sig.signed_headers.size() < k_max_signed_headers) {
          std::size_t end = list.find(':', pos);
          if (end == std::string::npos) end = list.size();
          if (end > pos) sig.signed_headers.emplace_back(list.substr(pos, end - pos));
          pos = end + 1;
        }
        break;
      }
      default:
        break;
    }
  }
  if (sig.domain.empty()) sig.notes.emplace_back("missing_d");
  if (sig.selector.empty()) sig.notes.emplace_back("missing_s");
  if (sig.timestamp && sig.expiry && *sig.expiry < *sig.timestamp) {
    sig.notes.emplace_back("expiry_before_timestamp");
  }
  if (sig.body_length) sig.notes.emplace_back("partial_body_signed");
  // An i= outside d= is invalid (RFC 6376 3.5: i= must be d= or a subdomain of it).
  if (!sig.identity.empty() && !sig.domain.empty()) {
    const std::string idom = address_domain(sig.identity);
    const bool inside = idom == sig.domain || (idom.size() > sig.domain.size() &&
                                               idom.compare(idom.size() - sig.domain.size(),
                                                            std::string::npos, sig.domain) == 0 &&
                                               idom[idom.size() - sig.domain.size() - 1] == '.');
    if (!inside) sig.notes.emplace_back("identity_outside_domain");
  }
  return sig;
}

}  // namespace hopscope
