#pragma once
// A string-keyed tally for the batch summary: the keys and values in one vector, in the order
// they came, and an open-addressed table of 8-byte slots (a hash and an index) to find them.
// The writer thread looks up a relay and a protocol for every hop of every message; with
// std::unordered_map each lookup chased a bucket, a node and the node's key through memory,
// and the summary was some 4% of a -j2 run (measured by leaving it out). Here a lookup reads
// one slot, and the entry only when the slot's hash matches. Keys are never removed.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hopscope::cli {

template <typename V>
class flat_tally {
 public:
  using entry = std::pair<std::string, V>;

  /// The value for `key`, a value-initialised one added when the key is new.
  V& operator[](std::string_view key) {
    const std::uint64_t hash = std::hash<std::string_view>{}(key);
    if (2 * (entries_.size() + 1) > slots_.size()) grow();
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
      const std::uint64_t s = slots_[i];
      if (s == 0) {
        entries_.emplace_back(std::string(key), V{});
        slots_[i] = tag(hash) | entries_.size();
        return entries_.back().second;
      }
      if ((s & k_tag_mask) == tag(hash)) {
        entry& e = entries_[(s & k_index_mask) - 1];
        if (e.first == key) return e.second;
      }
    }
  }
  /// The value for `key`, or nullptr.
  [[nodiscard]] const V* find(std::string_view key) const noexcept {
    if (slots_.empty()) return nullptr;
    const std::uint64_t hash = std::hash<std::string_view>{}(key);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
      const std::uint64_t s = slots_[i];
      if (s == 0) return nullptr;
      if ((s & k_tag_mask) == tag(hash)) {
        const entry& e = entries_[(s & k_index_mask) - 1];
        if (e.first == key) return &e.second;
      }
    }
  }
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
  /// The entries in the order their keys first came.
  [[nodiscard]] auto begin() const noexcept { return entries_.begin(); }
  [[nodiscard]] auto end() const noexcept { return entries_.end(); }

 private:
  // A slot: the hash's high 32 bits, then the entry's index + 1 (0 is an empty slot).
  static constexpr std::uint64_t k_index_mask = 0xFFFFFFFFu;
  static constexpr std::uint64_t k_tag_mask = ~k_index_mask;
  static std::uint64_t tag(std::uint64_t hash) noexcept { return hash & k_tag_mask; }

  // Doubles the table (at most half full) and places every entry again.
  void grow() {
    std::vector<std::uint64_t> bigger(slots_.empty() ? 64 : 2 * slots_.size(), 0);
    const std::size_t mask = bigger.size() - 1;
    for (std::size_t k = 0; k < entries_.size(); ++k) {
      const std::uint64_t hash = std::hash<std::string_view>{}(entries_[k].first);
      std::size_t i = hash & mask;
      while (bigger[i] != 0) i = (i + 1) & mask;
      bigger[i] = tag(hash) | (k + 1);
    }
    slots_ = std::move(bigger);
  }

  std::vector<entry> entries_;
  std::vector<std::uint64_t> slots_;
};

}  // namespace hopscope::cli
