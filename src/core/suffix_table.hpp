#pragma once
// The public suffix list's ASCII rules in one hash table, for the registrable-domain lookups a
// batch makes by the ten thousand. libpsl answers a "is this a public suffix?" question with
// two walks of its DAFSA, about 600 ns each on this project's machines; a message asks about
// ten of them, and half the host names in the corpus are seen once only, so no cache of
// answers saves the walks. A hash lookup costs a few tens of nanoseconds.
//
// libpsl stays the authority. The table is read from the list libpsl was built from
// (psl_builtin_filename(): Debian's publicsuffix package, which also ships the DAFSA that
// psl_latest() loads) and answers only plain ASCII names (see handles()).
// tests/unit/domain_test.cpp checks it against psl_latest() under every rule of the list, and
// tests/fuzz/fuzz_domain.cpp against libpsl's reading of the same text on any name. (The one
// difference from psl_latest() found so far: its DAFSA calls x.m a public suffix, and the list
// has no rule for "m".)

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hopscope::detail {

class suffix_table {
 public:
  /// The table of a list in the publicsuffix.org format (public_suffix_list.dat). Rules with
  /// bytes of 0x80 and above (IDN rules, which only match "xn--" names) are left out, as are
  /// rules libpsl ignores. nullopt when the text holds no rule.
  [[nodiscard]] static std::optional<suffix_table> from_text(std::string_view text);

  /// Whether the table can answer for `host`, which is lower-case ASCII (as
  /// registrable_domain() makes it): no empty label, no "xn--" label (those match the IDN rules
  /// left out), at most k_max_labels labels.
  [[nodiscard]] static bool handles(std::string_view host) noexcept;

  /// libpsl's psl_is_public_suffix() for a name handles() accepts: a single label (the list's
  /// implicit "*" rule), a rule, or one label under a wildcard rule, unless an exception
  /// rule names it. False for a name handles() refuses.
  [[nodiscard]] bool is_public(std::string_view host) const noexcept;

  /// libpsl's psl_registrable_domain() for a name handles() accepts: the name just before the
  /// first public suffix, asking from the left (a rule like forgot.his.name makes a longer name
  /// public while his.name is not), or empty when the name is public itself. nullopt for a name
  /// handles() refuses.
  [[nodiscard]] std::optional<std::string_view> registrable(std::string_view host) const noexcept;

  static constexpr std::size_t k_max_labels = 127;  // a 253-byte name has no more

 private:
  enum : std::uint8_t { k_plain = 1, k_wildcard = 2, k_exception = 4 };
  struct entry {
    std::uint32_t offset;  // into names_
    std::uint32_t size;
    std::uint32_t hash;
    std::uint8_t flags;
  };
  // A name cut at its dots: where each label's suffix starts, and the hash of that suffix.
  struct labels;

  void add(std::string_view name, std::uint8_t flags);
  void index();  // fills slots_ from entries_
  // The rule flags of a suffix of a name, 0 when the list has no such name.
  [[nodiscard]] std::uint8_t flags_of(std::string_view name, std::uint32_t hash) const noexcept;
  // Whether the suffix starting at label k of `l` is public; `flags` memoises flags_of() per
  // label (-1: not asked yet), since asking about label k asks about label k + 1 too.
  [[nodiscard]] bool is_public_at(const labels& l, std::size_t k, int* flags) const noexcept;

  std::string names_;                 // every rule's name, end to end
  std::vector<entry> entries_;        // one per distinct name, flags merged
  std::vector<std::uint32_t> slots_;  // open addressing: entry index + 1, 0 for empty
};

}  // namespace hopscope::detail
