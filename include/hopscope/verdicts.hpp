#pragma once
// Filter verdict headers (Microsoft EOP, SpamAssassin, rspamd, Proofpoint, ...), decoded into
// plain words. Nothing here is verified: these are what each filter wrote about the message.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hopscope {

class header_block;

/// One key of a verdict header with its meaning ("SFV" "SPM" "the spam filter marked it as
/// spam"). `meaning` is empty when the key is known to be undocumented or opaque.
struct verdict_item {
  std::string key;
  std::string value;  // as written (message bytes)
  std::string meaning;
};

/// One decoded verdict field.
struct filter_verdict {
  std::size_t header_index = 0;  // 0-based position of the field from the top
  std::string field;             // the field name as written
  std::string system;   // stable snake_case: microsoft_eop, spamassassin, rspamd, proofpoint ...
  std::string summary;  // one plain sentence (our words; message bytes only inside quotes)
  std::optional<bool> spam;  // the filter's own yes/no, when the field states one
  std::optional<double> score;
  std::optional<double> threshold;  // the score at which that filter calls a message spam
  std::vector<verdict_item> items;
  /// The hop whose by-host most likely stamped it: the Received field just below (see
  /// auth.hpp). Filled by analyse_authentication(), index into hop_chain::hops.
  std::optional<std::size_t> hop;
};

/// True when `name` is a verdict field this module decodes.
[[nodiscard]] bool is_verdict_field(std::string_view name) noexcept;

/// Decodes one verdict field; nullopt when the name is not one this module knows. Never throws
/// except std::bad_alloc; linear in the value, bounded (at most 256 items).
[[nodiscard]] std::optional<filter_verdict> decode_verdict(std::string_view name,
                                                           std::string_view unfolded_value);

/// Every verdict field of the block, top first.
[[nodiscard]] std::vector<filter_verdict> decode_verdicts(const header_block& block);

}  // namespace hopscope
