#pragma once
// Private to the chain analysis: the steps analyse_chain() runs, one file each.

#include <string>
#include <unordered_map>
#include <vector>

#include "hopscope/chain.hpp"
#include "hopscope/header.hpp"

namespace hopscope::detail {

/// The clocks and origin hints in the rest of the header block.
[[nodiscard]] chain_context collect_chain_context(const header_block& block);

/// skew.cpp: raw and adjusted delays, totals, clock_skew and zone findings (of the hops, and
/// of the Date field `date_text` when it is not empty).
void attribute_skew(hop_chain& chain, const chain_options& options,
                    std::string_view date_text = {});

/// The registrable domain of a host, memoised per chain (libpsl is cheap, not free). A chain
/// names a handful of hosts, so the first few are kept in a list searched in order (no hashing,
/// no lower-cased key); a forged chain of thousands of hops spills into a hash map, so a
/// lookup never costs more than k_listed comparisons.
class org_cache {
 public:
  const std::string& of(std::string_view host);

 private:
  static constexpr std::size_t k_listed = 16;
  std::vector<std::pair<std::string, std::string>> listed_;  // reserved: references stay valid
  std::unordered_map<std::string, std::string> spilled_;     // lower-case host -> domain
};

/// trust.cpp: internal/boundary/external per hop with reasons, the origin and its reasons.
/// `orgs` is the chain's: the trust rules and the chain's own signs ask about the same hosts.
void classify_trust(hop_chain& chain, const chain_options& options, org_cache& orgs);

/// The provider a registrable domain belongs to ("office365.com" -> "microsoft"), or the
/// domain itself: one mail system under several domains is one organisation.
[[nodiscard]] std::string_view org_family(std::string_view org) noexcept;

void add_finding(hop_chain& chain, std::string code, std::optional<std::size_t> hop_index,
                 std::string message, severity level);

/// ASCII lower case, trailing dots removed (host names).
[[nodiscard]] std::string lower(std::string_view s);
[[nodiscard]] std::string duration_text(std::int64_t seconds);
[[nodiscard]] std::string hop_label(const hop_chain& chain, std::size_t i);

}  // namespace hopscope::detail
