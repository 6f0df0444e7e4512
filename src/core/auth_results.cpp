// Authentication-Results (RFC 8601) and its dialects, ARC sets (RFC 8617), Received-SPF
// (RFC 7208 9.1), tied to hops; alignment of the From domain with DKIM d= and the SPF domain.
//
// One hand-written scanner reads all of them: words, "=", ";", quoted strings and comments.
// Comments nest ("(policy=none (p=none))"), so they are skipped with a depth counter, never by
// recursion; an unbalanced "(" or '"' runs to the end of the value and is noted. Every loop
// moves forward, so the work is linear in the (capped) value.

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ascii.hpp"
#include "hopscope/auth.hpp"
#include "hopscope/chain.hpp"
#include "hopscope/domain.hpp"
#include "hopscope/header.hpp"
#include "hopscope/tag_list.hpp"

namespace hopscope {
namespace {

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

void add_note(std::vector<std::string>& notes, std::string_view code) {
  for (const auto& n : notes) {
    if (n == code) return;
  }
  notes.emplace_back(code);
}

// The scanner over one value. Positions only move forward.
class scanner {
 public:
  explicit scanner(std::string_view text) noexcept : s_(text) {}

  [[nodiscard]] bool at_end() const noexcept { return pos_ >= s_.size(); }
  [[nodiscard]] char peek() const noexcept { return at_end() ? '\0' : s_[pos_]; }
  void advance() noexcept {
    if (!at_end()) ++pos_;
  }
  [[nodiscard]] std::size_t pos() const noexcept { return pos_; }
  void seek(std::size_t p) noexcept { pos_ = std::min(p, s_.size()); }
  [[nodiscard]] bool unbalanced() const noexcept { return unbalanced_; }

  void skip_space() noexcept {
    while (!at_end() && is_space(s_[pos_])) ++pos_;
  }

  // At '(': returns the comment's text without the outer parentheses (nested ones kept).
  std::string_view comment() noexcept {
    const std::size_t begin = ++pos_;
    std::size_t depth = 1;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == '\\') {
        pos_ += 2;  // quoted-pair inside a comment
        continue;
      }
      if (c == '(') ++depth;
      if (c == ')' && --depth == 0) {
        const std::string_view inner = s_.substr(begin, pos_ - begin);
        ++pos_;
        return inner;
      }
      ++pos_;
    }
    // "dkim=pass (test mode header.i=@x" : the comment never closes; the rest is comment.
    pos_ = s_.size();
    unbalanced_ = true;
    return s_.substr(std::min(begin, s_.size()));
  }

  // At '"': the quoted string's content, backslash escapes removed.
  std::string quoted() {
    std::string out;
    ++pos_;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == '\\' && pos_ + 1 < s_.size()) {
        out.push_back(s_[pos_ + 1]);
        pos_ += 2;
        continue;
      }
      if (c == '"') {
        ++pos_;
        return out;
      }
      out.push_back(c);
      ++pos_;
    }
    unbalanced_ = true;
    return out;
  }

  // A key: stops at space, '=', ';', '(', '"'.
  std::string_view word() noexcept {
    const std::size_t begin = pos_;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (is_space(c) || c == '=' || c == ';' || c == '(' || c == '"') break;
      ++pos_;
    }
    return s_.substr(begin, pos_ - begin);
  }

  // A value after '=': a quoted string, or a run that may itself contain '=' because VERP
  // addresses do: "smtp.mail=bc=scomp+aol.net=@example.com" (X-Original-Authentication-Results
  // in flanker's aol.eml). Stops at space, ';' and '('.
  std::string value() {
    if (peek() == '"') return quoted();
    const std::size_t begin = pos_;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (is_space(c) || c == ';' || c == '(') break;
      ++pos_;
    }
    return std::string(s_.substr(begin, pos_ - begin));
  }

  // Skips spaces and comments; appends the comments' text to `sink` (capped) if given.
  void skip_cfws(std::string* sink, std::size_t cap) {
    for (;;) {
      skip_space();
      if (peek() != '(') return;
      const std::string_view c = comment();
      if (sink != nullptr && sink->size() < cap) {
        if (!sink->empty()) sink->append("; ");
        sink->append(c.substr(0, cap - std::min(cap, sink->size())));
      }
    }
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
  bool unbalanced_ = false;
};

std::optional<int> small_int(std::string_view s) noexcept {
  if (s.empty() || s.size() > 4) return std::nullopt;
  int v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// Keys that belong to the SPF result before them even after a ';'. Amazon SES writes
// Received-SPF's key list into its A-R: "amazonses.com; spf=pass (spfCheck: ...)
// client-ip=here-redacted; envelope-from=postmaster@example.net.br; helo=here-redacted.net.br;"
bool is_spf_key(std::string_view k) noexcept {
  return iequals(k, "client-ip") || iequals(k, "envelope-from") || iequals(k, "helo") ||
         iequals(k, "receiver") || iequals(k, "identity") || iequals(k, "mechanism") ||
         iequals(k, "problem");
}

auth_property make_property(std::string_view key, std::string value) {
  auth_property p;
  const std::size_t dot = key.find('.');
  if (dot == std::string_view::npos) {
    p.property = detail::ascii_lower(key);
  } else {
    p.ptype = detail::ascii_lower(key.substr(0, dot));
    p.property = detail::ascii_lower(key.substr(dot + 1));
  }
  p.value = std::move(value);
  return p;
}

// Reads resinfo items up to the next top-level ';' (or the end).
void read_segment(scanner& sc, auth_results_field& f, const auth_limits& limits) {
  auth_method_result* current = nullptr;
  for (;;) {
    sc.skip_cfws(current != nullptr ? &current->comment : nullptr, limits.max_comment_bytes);
    if (sc.at_end()) return;
    const char c = sc.peek();
    if (c == ';') {
      sc.advance();
      return;
    }
    if (c == '"' || c == '=') {  // stray: a quoted word or "=" with no key
      if (c == '"') {
        (void)sc.quoted();
      } else {
        sc.advance();
      }
      add_note(f.notes, "stray_token");
      continue;
    }
    const std::string_view key = sc.word();
    if (key.empty()) {  // a lone ')' : step over it
      sc.advance();
      add_note(f.notes, "stray_token");
      continue;
    }
    const std::size_t after_key = sc.pos();
    sc.skip_space();
    if (sc.peek() != '=') {
      sc.seek(after_key);
      // "example.com; none" (RFC 8601 2.2 no-result).
      if (current == nullptr && f.results.empty() && iequals(key, "none")) {
        f.no_result = true;
      } else {
        add_note(f.notes, "stray_token");
      }
      continue;
    }
    sc.advance();
    sc.skip_space();
    std::string val = sc.value();
    if (current == nullptr) {
      // SpamAssassin's test data: "testing.dkim.org; header.From=mickey@dkim.org; dkim=pass";
      // old Yahoo: "mta1247.mail.bf1.yahoo.com  from=example.com; domainkeys=pass (ok)".
      if (key.find('.') != std::string_view::npos || iequals(key, "from")) {
        if (f.loose_properties.size() < limits.max_properties) {
          f.loose_properties.push_back(make_property(key, std::move(val)));
        }
        continue;
      }
      if (is_spf_key(key) && !f.results.empty()) {
        auto& prev = f.results.back();
        if (prev.extras.size() < limits.max_properties) {
          prev.extras.push_back(make_property(key, std::move(val)));
        }
        continue;
      }
      if (f.results.size() >= limits.max_results) {
        add_note(f.notes, "truncated");
        sc.seek(std::string_view::npos);
        return;
      }
      auth_method_result r;
      std::string_view method = key;
      if (const std::size_t slash = method.find('/'); slash != std::string_view::npos) {
        method = method.substr(0, slash);  // "dkim/1=pass" (RFC 8601 2.7 method-version)
      }
      r.method = detail::ascii_lower(method);
      r.result = detail::ascii_lower(val);
      f.results.push_back(std::move(r));
      current = &f.results.back();
      continue;
    }
    if (iequals(key, "reason")) {
      current->reason = std::move(val);
    } else if (key.find('.') != std::string_view::npos) {
      if (current->properties.size() < limits.max_properties) {
        current->properties.push_back(make_property(key, std::move(val)));
      }
    } else if (current->extras.size() < limits.max_properties) {
      current->extras.push_back(make_property(key, std::move(val)));
    }
  }
}

}  // namespace

auth_results_field parse_authentication_results(std::string_view value, bool arc,
                                                const auth_limits& limits) {
  auth_results_field f;
  if (value.size() > limits.max_value_bytes) {
    value = value.substr(0, limits.max_value_bytes);
    add_note(f.notes, "value_cut");
  }
  scanner sc(value);
  if (arc) {
    // "ARC-Authentication-Results: i=2; mx.google.com; dkim=pass ..."
    sc.skip_cfws(nullptr, 0);
    const std::size_t start = sc.pos();
    const std::string_view k = sc.word();
    sc.skip_space();
    if (iequals(k, "i") && sc.peek() == '=') {
      sc.advance();
      sc.skip_space();
      f.arc_instance = small_int(sc.word());
      sc.skip_cfws(nullptr, 0);
      if (sc.peek() == ';') sc.advance();
      if (!f.arc_instance) add_note(f.notes, "bad_arc_instance");
    } else {
      sc.seek(start);
      add_note(f.notes, "missing_arc_instance");
    }
  }

  // authserv-id, unless the first item is already "method=result": Microsoft writes none,
  // "Authentication-Results: spf=pass (sender IP is 209.85.222.47) smtp.mailfrom=gmail.com;
  // dkim=pass (signature was verified) header.d=hotmail.com;dmarc=pass action=none ..."
  sc.skip_cfws(nullptr, 0);
  const std::size_t start = sc.pos();
  std::string id;
  if (sc.peek() == '"') {
    id = sc.quoted();
  } else {
    id = std::string(sc.word());
  }
  sc.skip_space();
  if (sc.peek() == '=') {
    sc.seek(start);  // no authserv-id
  } else {
    f.authserv_id = std::move(id);
    while (!f.authserv_id.empty() && f.authserv_id.back() == '.') f.authserv_id.pop_back();
    sc.skip_cfws(nullptr, 0);
    // "mx.microsoft.com 1; spf=pass" (RFC 8601 2.2 authres-version)
    const std::size_t vstart = sc.pos();
    const std::string_view v = sc.word();
    sc.skip_space();
    if (const auto n = small_int(v); n && sc.peek() != '=') {
      f.version = n;
    } else {
      sc.seek(vstart);
    }
  }
  while (!sc.at_end()) {
    const std::size_t before = sc.pos();
    read_segment(sc, f, limits);
    if (sc.pos() == before) sc.advance();  // guarantees progress whatever the input
  }
  if (sc.unbalanced()) add_note(f.notes, "unbalanced_comment_or_quote");
  if (f.authserv_id.empty() && f.results.empty() && !f.no_result) add_note(f.notes, "empty");
  return f;
}

received_spf parse_received_spf(std::string_view value, const auth_limits& limits) {
  received_spf r;
  if (value.size() > limits.max_value_bytes) value = value.substr(0, limits.max_value_bytes);
  scanner sc(value);
  sc.skip_cfws(nullptr, 0);
  r.result = detail::ascii_lower(sc.word());
  // "Pass (protection.outlook.com: domain of gmail.com designates 209.85.222.47 as permitted
  // sender) receiver=protection.outlook.com; client-ip=209.85.222.47; helo=...; pr=C"
  std::size_t items = 0;
  while (!sc.at_end() && items < limits.max_properties * 4) {
    sc.skip_cfws(&r.comment, limits.max_comment_bytes);
    if (sc.at_end()) break;
    const char c = sc.peek();
    if (c == ';' || c == '=' || c == ')') {
      sc.advance();
      continue;
    }
    if (c == '"') {
      (void)sc.quoted();
      continue;
    }
    const std::string_view key = sc.word();
    if (key.empty()) {
      sc.advance();
      continue;
    }
    sc.skip_space();
    if (sc.peek() != '=') continue;
    sc.advance();
    sc.skip_space();
    std::string val = sc.value();
    ++items;
    if (iequals(key, "client-ip")) {
      r.client_ip = std::move(val);
    } else if (iequals(key, "envelope-from")) {
      r.envelope_from = std::move(val);
    } else if (iequals(key, "helo")) {
      r.helo = std::move(val);
    } else if (iequals(key, "receiver")) {
      r.receiver = std::move(val);
    } else if (iequals(key, "identity")) {
      r.identity = std::move(val);
    } else if (iequals(key, "mechanism")) {
      r.mechanism = std::move(val);
    }
  }
  return r;
}

std::string address_domain(std::string_view text) {
  // Prefer the angle-addr: "Name (x@evil.example) <user@example.com>".
  std::string_view s = text;
  if (const std::size_t lt = s.rfind('<'); lt != std::string_view::npos) {
    s = s.substr(lt + 1);
    if (const std::size_t gt = s.find('>'); gt != std::string_view::npos) s = s.substr(0, gt);
  }
  if (const std::size_t at = s.rfind('@'); at != std::string_view::npos) s = s.substr(at + 1);
  // Cut at the first character a domain cannot hold (spaces, comments, quotes, '>' ...).
  std::size_t end = 0;
  while (end < s.size()) {
    const char c = s[end];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_' || static_cast<unsigned char>(c) >= 0x80;
    if (!ok) break;
    ++end;
  }
  std::string d = detail::ascii_lower(s.substr(0, end));
  while (!d.empty() && d.back() == '.') d.pop_back();
  while (!d.empty() && d.front() == '.') d.erase(d.begin());
  if (d.find('.') == std::string::npos) return {};  // "none", "unknown", a bare local part
  return d;
}

std::string_view to_string(auth_field_kind kind) noexcept {
  switch (kind) {
    case auth_field_kind::authentication_results:
      return "authentication_results";
    case auth_field_kind::arc_authentication_results:
      return "arc_authentication_results";
    case auth_field_kind::authentication_results_original:
      return "authentication_results_original";
    case auth_field_kind::x_original_authentication_results:
      return "x_original_authentication_results";
    case auth_field_kind::ms_exchange_authentication_results:
      return "ms_exchange_authentication_results";
  }
  return "authentication_results";
}

std::string_view to_string(hop_tie tie) noexcept {
  switch (tie) {
    case hop_tie::none:
      return "none";
    case hop_tie::authserv_id_host:
      return "authserv_id_host";
    case hop_tie::authserv_id_org:
      return "authserv_id_org";
    case hop_tie::authserv_id_search:
      return "authserv_id_search";
    case hop_tie::header_order:
      return "header_order";
  }
  return "none";
}

namespace {

// Ties result fields to hops. Hops come origin first; their Received fields' header indexes
// are sorted here top first, so "the Received field just below field k" is one binary search.
class hop_tier {
 public:
  // `received_positions`: block indexes of the Received fields, top first. hop::header_index
  // is read as a block index when every hop's value is one of these positions, else as the
  // ordinal of its Received field (what report.cpp passes today). When the Received fields
  // are the top fields of the block the two readings agree, so the test cannot misjudge.
  hop_tier(const hop_chain& chain, const std::vector<std::size_t>& received_positions)
      : chain_(chain), orgs_(chain.hops.size()) {
    bool block_indexes = true;
    for (const auto& h : chain.hops) {
      if (!std::binary_search(received_positions.begin(), received_positions.end(),
                              h.header_index)) {
        block_indexes = false;
        break;
      }
    }
    order_.reserve(chain.hops.size());
    for (std::size_t i = 0; i < chain.hops.size(); ++i) {
      const std::size_t hi = chain.hops[i].header_index;
      if (block_indexes) {
        order_.emplace_back(hi, i);
      } else if (hi < received_positions.size()) {
        order_.emplace_back(received_positions[hi], i);
      }
    }
    std::sort(order_.begin(), order_.end());
  }

  // Returns {hop, how}. `id` is the authserv-id or the Received-SPF receiver ("" if none).
  // `anywhere`: also look above the field (for copies moved by a later system, whose place
  // says nothing: Microsoft puts "Authentication-Results-Original: mx.google.com; ..." under
  // its own Received fields, far below Gmail's "Received: ... by mx.google.com").
  std::pair<std::optional<std::size_t>, hop_tie> tie(std::size_t header_index, std::string_view id,
                                                     bool anywhere = false) {
    const auto below = std::upper_bound(
        order_.begin(), order_.end(), std::pair<std::size_t, std::size_t>(header_index, SIZE_MAX));
    if (id.empty() || !looks_like_host(id)) {
      if (below == order_.end()) return {std::nullopt, hop_tie::none};
      return {below->second, hop_tie::header_order};
    }
    if (below != order_.end()) {
      const std::string& by = by_host(below->second);
      if (!by.empty() && iequals(by, id)) return {below->second, hop_tie::authserv_id_host};
      if (same_org(below->second, id)) return {below->second, hop_tie::authserv_id_org};
      // Gmail and Proton put theirs just BELOW their own Received: "Received: from NAM10-BN7-
      // obe.outbound.protection.outlook.com ... by mx.google.com", then "Received-SPF: pass
      // (google.com: ...)", then "Authentication-Results: mx.google.com; dkim=pass ...".
      if (below != order_.begin()) {
        const std::size_t above = (below - 1)->second;
        if (iequals(by_host(above), id)) return {above, hop_tie::authserv_id_host};
        if (same_org(above, id)) return {above, hop_tie::authserv_id_org};
      }
      // Nearest below that names the same host or organisation: a filter may add its A-R
      // after an internal relay has already prepended its own Received.
      for (auto it = below + 1; it != order_.end(); ++it) {
        if (iequals(by_host(it->second), id) || same_org(it->second, id)) {
          return {it->second, hop_tie::authserv_id_search};
        }
      }
      if (anywhere) {
        for (auto it = below; it != order_.begin();) {
          --it;
          if (iequals(by_host(it->second), id) || same_org(it->second, id)) {
            return {it->second, hop_tie::authserv_id_search};
          }
        }
      }
      return {below->second, hop_tie::header_order};
    }
    // No Received below (the A-R sits under the whole chain, e.g. pasted out of order).
    for (auto it = order_.rbegin(); it != order_.rend(); ++it) {
      if (iequals(by_host(it->second), id) || same_org(it->second, id)) {
        return {it->second, hop_tie::authserv_id_search};
      }
    }
    return {std::nullopt, hop_tie::none};
  }

 private:
  static bool looks_like_host(std::string_view id) noexcept {
    return id.find('.') != std::string_view::npos;
  }

  const std::string& by_host(std::size_t hop) const noexcept {
    return chain_.hops[hop].received.by_host;
  }

  // Microsoft's ARC sets are "mx.microsoft.com" over hosts in outlook.com:
  // "ARC-Authentication-Results: i=3; mx.microsoft.com 1; spf=pass" just above
  // "Received: from MW2PR2101CA0031.namprd21.prod.outlook.com ... by DM4PR19MB6124.namprd19
  // .prod.outlook.com". One organisation, two registrable domains.
  static std::string org_key(std::string d) {
    if (d == "microsoft.com" || d == "office365.com" || d == "outlook.com") return "outlook.com";
    return d;
  }

  bool same_org(std::size_t hop, std::string_view id) {
    if (id != last_id_) {
      last_id_ = std::string(id);
      last_id_org_ = org_key(registrable_domain(id));
    }
    if (last_id_org_.empty()) return false;
    auto& cached = orgs_[hop];
    if (!cached) cached = org_key(registrable_domain(by_host(hop)));
    return *cached == last_id_org_;
  }

  const hop_chain& chain_;
  std::vector<std::pair<std::size_t, std::size_t>> order_;  // (header_index, hop), top first
  std::vector<std::optional<std::string>> orgs_;
  std::string last_id_;
  std::string last_id_org_;
};

enum class field_kind : std::uint8_t {
  other,
  from,
  ar,
  arc_ar,
  ar_original,
  x_original_ar,
  ms_ar,
  received_spf,
  dkim,
  arc_seal,
  arc_signature,
  verdict
};

field_kind classify(std::string_view name) noexcept {
  if (name.empty()) return field_kind::other;
  switch (detail::ascii_lower(name[0])) {
    case 'a':
      if (iequals(name, "Authentication-Results")) return field_kind::ar;
      if (iequals(name, "ARC-Authentication-Results")) return field_kind::arc_ar;
      if (iequals(name, "Authentication-Results-Original")) return field_kind::ar_original;
      if (iequals(name, "ARC-Seal")) return field_kind::arc_seal;
      if (iequals(name, "ARC-Message-Signature")) return field_kind::arc_signature;
      return field_kind::other;
    case 'd':
      return iequals(name, "DKIM-Signature") ? field_kind::dkim : field_kind::other;
    case 'f':
      return iequals(name, "From") ? field_kind::from : field_kind::other;
    case 'r':
      return iequals(name, "Received-SPF") ? field_kind::received_spf : field_kind::other;
    case 'x':
      if (iequals(name, "X-Original-Authentication-Results")) return field_kind::x_original_ar;
      if (iequals(name, "X-MS-Exchange-Authentication-Results")) return field_kind::ms_ar;
      return is_verdict_field(name) ? field_kind::verdict : field_kind::other;
    default:
      return field_kind::other;
  }
}

std::optional<std::int64_t> tag_seconds(std::string_view s) noexcept {
  if (s.empty() || s.size() > 12) return std::nullopt;
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

arc_set& arc_slot(std::vector<arc_set>& sets, int instance) {
  for (auto& s : sets) {
    if (s.instance == instance) return s;
  }
  sets.emplace_back();
  sets.back().instance = instance;
  return sets.back();
}

void read_arc_field(std::vector<arc_set>& sets, std::vector<std::string>& problems,
                    std::string_view value, std::size_t header_index, bool seal,
                    const auth_limits& limits) {
  const auto tags = parse_tag_list(value, 16);
  std::optional<int> instance;
  for (const auto& [t, v] : tags) {
    if (t == "i") instance = small_int(v);
  }
  if (!instance || *instance < 1 || static_cast<std::size_t>(*instance) > limits.max_arc_instance) {
    add_note(problems, "bad_instance");
    return;
  }
  if (sets.size() >= limits.max_arc_instance &&
      std::none_of(sets.begin(), sets.end(),
                   [&](const arc_set& s) { return s.instance == *instance; })) {
    return;
  }
  arc_set& set = arc_slot(sets, *instance);
  auto& slot = seal ? set.seal_index : set.signature_index;
  if (slot) {
    set.duplicate = true;
    return;
  }
  slot = header_index;
  for (const auto& [t, v] : tags) {
    if (seal) {
      if (t == "cv") set.chain_validation = detail::ascii_lower(v);
      if (t == "d") set.seal_domain = detail::ascii_lower(v);
      if (t == "s") set.seal_selector = std::string(v);  // trimmed by parse_tag_list
      if (t == "t") set.seal_time = tag_seconds(v);
    } else {
      if (t == "d") set.signature_domain = detail::ascii_lower(v);
      if (t == "t") set.signature_time = tag_seconds(v);
    }
  }
}

void summarise_arc(authentication_report& rep) {
  auto& arc = rep.arc;
  std::sort(rep.arc_sets.begin(), rep.arc_sets.end(),
            [](const arc_set& a, const arc_set& b) { return a.instance < b.instance; });
  if (rep.arc_sets.empty()) {
    if (arc.problems.empty())
      arc.state = "none";
    else
      arc.state = "broken";
    return;
  }
  arc.highest_instance = rep.arc_sets.back().instance;
  int expected = 1;
  for (const auto& s : rep.arc_sets) {
    const std::string i = std::to_string(s.instance);
    if (s.instance != expected) arc.problems.push_back("gap_before_i" + i);
    expected = s.instance + 1;
    if (!s.seal_index) arc.problems.push_back("missing_seal_i" + i);
    if (!s.signature_index) arc.problems.push_back("missing_message_signature_i" + i);
    if (!s.results_index) arc.problems.push_back("missing_results_i" + i);
    if (s.duplicate) arc.problems.push_back("duplicate_i" + i);
    // RFC 8617 5.1.1: the first seal says cv=none, every later one pass or fail.
    if (s.seal_index && s.instance == 1 && s.chain_validation != "none") {
      arc.problems.push_back("first_seal_cv_not_none");
    }
    if (s.seal_index && s.instance > 1 && s.chain_validation == "none") {
      arc.problems.push_back("cv_none_after_first_i" + i);
    }
  }
  const std::string& top_cv = rep.arc_sets.back().chain_validation;
  if (top_cv == "fail") {
    arc.state = "fail";
  } else if (!arc.problems.empty()) {
    arc.state = "broken";
  } else if (top_cv == "pass" || (arc.highest_instance == 1 && top_cv == "none")) {
    arc.state = "pass";
  } else {
    arc.state = "unknown";
  }
}

const auth_property* find_property(const auth_method_result& r, std::string_view ptype,
                                   std::string_view property) {
  for (const auto& p : r.properties) {
    if (p.ptype == ptype && p.property == property) return &p;
  }
  return nullptr;
}

// The DKIM domain an A-R result speaks of: header.d, else the domain of header.i.
std::string dkim_result_domain(const auth_method_result& r) {
  if (const auto* d = find_property(r, "header", "d")) return address_domain(d->value);
  if (const auto* i = find_property(r, "header", "i")) return address_domain(i->value);
  return {};
}

// The SPF domain: smtp.mailfrom ("smtp.mail" in older Google fields:
// "smtp.mail=alex@example.net"). Microsoft writes a bare domain: "smtp.mailfrom=gmail.com".
std::string spf_result_domain(const auth_method_result& r) {
  if (const auto* m = find_property(r, "smtp", "mailfrom")) return address_domain(m->value);
  if (const auto* m = find_property(r, "smtp", "mail")) return address_domain(m->value);
  return {};
}

void add_alignment(authentication_report& rep, const std::string& from_org, std::string mechanism,
                   std::string domain, std::string source, std::string result) {
  if (domain.empty()) return;
  for (auto& a : rep.alignment) {
    if (a.mechanism == mechanism && a.domain == domain) {
      if (a.result.empty()) a.result = std::move(result);
      return;
    }
  }
  if (rep.alignment.size() >= 64) return;
  alignment_check a;
  a.strict = !rep.from_domain.empty() && domain == rep.from_domain;
  a.relaxed = a.strict || (!from_org.empty() && registrable_domain(domain) == from_org);
  a.mechanism = std::move(mechanism);
  a.domain = std::move(domain);
  a.source = std::move(source);
  a.result = std::move(result);
  rep.alignment.push_back(std::move(a));
}

}  // namespace

authentication_report analyse_authentication(const header_block& block, const hop_chain& chain,
                                             const auth_limits& limits) {
  authentication_report rep;
  std::vector<std::size_t> received_positions;
  for (std::size_t i = 0; i < block.size(); ++i) {
    const std::string_view n = block.name(i);
    if (n.size() == 8 && iequals(n, "Received")) received_positions.push_back(i);
  }
  hop_tier tier(chain, received_positions);
  std::vector<std::pair<int, std::size_t>> arc_results;  // (instance, results index)
  bool have_from = false;
  for (std::size_t i = 0; i < block.size(); ++i) {
    const field_kind kind = classify(block.name(i));
    if (kind == field_kind::other) continue;
    // Tag lists (DKIM-Signature, ARC-Seal, ARC-Message-Signature) allow folding whitespace
    // anywhere (RFC 6376 3.2) and are long (b= is ~350 bytes): read them in place.
    if (kind == field_kind::dkim) {
      if (rep.dkim_signatures.size() < limits.max_fields) {
        dkim_signature d = parse_dkim_signature(block.raw_value(i));
        d.header_index = i;
        rep.dkim_signatures.push_back(std::move(d));
      }
      continue;
    }
    if (kind == field_kind::arc_seal || kind == field_kind::arc_signature) {
      read_arc_field(rep.arc_sets, rep.arc.problems, block.raw_value(i), i,
                     kind == field_kind::arc_seal, limits);
      continue;
    }
    const std::string value = block.unfolded_value(i);
    switch (kind) {
      case field_kind::from:
        if (!have_from) rep.from_domain = address_domain(value);
        have_from = true;
        break;
      case field_kind::ar:
      case field_kind::arc_ar:
      case field_kind::ar_original:
      case field_kind::x_original_ar:
      case field_kind::ms_ar: {
        if (rep.results.size() >= limits.max_fields) break;
        auth_results_field f =
            parse_authentication_results(value, kind == field_kind::arc_ar, limits);
        f.header_index = i;
        f.kind =
            kind == field_kind::arc_ar          ? auth_field_kind::arc_authentication_results
            : kind == field_kind::ar_original   ? auth_field_kind::authentication_results_original
            : kind == field_kind::x_original_ar ? auth_field_kind::x_original_authentication_results
            : kind == field_kind::ms_ar ? auth_field_kind::ms_exchange_authentication_results
                                        : auth_field_kind::authentication_results;
        // Copies (-Original, X-Original-) were moved by a later system: where they sit says
        // nothing about who stamped them, so they are tied by authserv-id only.
        const bool copy = f.kind == auth_field_kind::authentication_results_original ||
                          f.kind == auth_field_kind::x_original_authentication_results;
        if (!copy || !f.authserv_id.empty()) {
          const auto [hop, how] = tier.tie(i, f.authserv_id, copy);
          if (!copy || how != hop_tie::header_order) {
            f.hop = hop;
            f.tie = how;
          }
        }
        if (f.arc_instance) arc_results.emplace_back(*f.arc_instance, rep.results.size());
        rep.results.push_back(std::move(f));
        break;
      }
      case field_kind::received_spf: {
        if (rep.spf_fields.size() >= limits.max_fields) break;
        received_spf r = parse_received_spf(value, limits);
        r.header_index = i;
        // Without receiver=, RFC 7208 9.1's comment names the checking host first:
        // "Received-SPF: pass (google.com: domain of x designates 40.92.40.56 as permitted
        // sender)".
        std::string_view id = r.receiver;
        if (id.empty()) {
          const std::string_view c = r.comment;
          const std::size_t colon = c.find(':');
          if (colon != std::string_view::npos &&
              c.substr(0, colon).find(' ') == std::string_view::npos) {
            id = c.substr(0, colon);
          }
        }
        const auto [hop, how] = tier.tie(i, id);
        r.hop = hop;
        r.tie = how;
        rep.spf_fields.push_back(std::move(r));
        break;
      }
      case field_kind::dkim:
      case field_kind::arc_seal:
      case field_kind::arc_signature:
        break;  // read above
      case field_kind::verdict: {
        if (rep.verdicts.size() >= limits.max_fields) break;
        if (auto v = decode_verdict(block.name(i), value)) {
          v->header_index = i;
          v->hop = tier.tie(i, {}).first;
          rep.verdicts.push_back(std::move(*v));
        }
        break;
      }
      case field_kind::other:
        break;
    }
  }

  // ARC sets: attach each ARC-Authentication-Results to its instance.
  for (const auto& arc_result : arc_results) {
    // Not a structured binding: clang 14 cannot capture one in the lambda below.
    const auto instance = arc_result.first;
    const auto index = arc_result.second;
    if (instance < 1 || static_cast<std::size_t>(instance) > limits.max_arc_instance) continue;
    if (rep.arc_sets.size() >= limits.max_arc_instance &&
        std::none_of(rep.arc_sets.begin(), rep.arc_sets.end(),
                     [&](const arc_set& s) { return s.instance == instance; })) {
      continue;
    }
    arc_set& set = arc_slot(rep.arc_sets, instance);
    if (set.results) {
      set.duplicate = true;
      continue;
    }
    set.results = index;
    set.results_index = rep.results[index].header_index;
  }
  summarise_arc(rep);

  // Per authserv-id summaries of the non-ARC fields.
  for (std::size_t k = 0; k < rep.results.size(); ++k) {
    const auto& f = rep.results[k];
    if (f.kind == auth_field_kind::arc_authentication_results) continue;
    authserv_summary* s = nullptr;
    for (auto& e : rep.by_authserv) {
      if (iequals(e.authserv_id, f.authserv_id)) s = &e;
    }
    if (s == nullptr) {
      rep.by_authserv.emplace_back();
      s = &rep.by_authserv.back();
      s->authserv_id = f.authserv_id;
      s->hop = f.hop;
      s->tie = f.tie;
    }
    s->fields.push_back(k);
    for (const auto& r : f.results) {
      std::string* slot = r.method == "spf"        ? &s->spf
                          : r.method == "dkim"     ? &s->dkim
                          : r.method == "dmarc"    ? &s->dmarc
                          : r.method == "arc"      ? &s->arc
                          : r.method == "compauth" ? &s->compauth
                                                   : nullptr;
      if (slot != nullptr && slot->empty()) *slot = r.result;
    }
  }

  // Alignment (DMARC, RFC 7489 3.1): DKIM d= and the SPF domain against the From domain.
  const std::string from_org = registrable_domain(rep.from_domain);
  auto receiver_result = [&](std::string_view method, const std::string& domain) -> std::string {
    for (const auto& f : rep.results) {
      if (f.kind == auth_field_kind::arc_authentication_results) continue;
      for (const auto& r : f.results) {
        if (r.method != method) continue;
        const std::string d = method == "dkim" ? dkim_result_domain(r) : spf_result_domain(r);
        if (d == domain) return r.result;
      }
    }
    return {};
  };
  for (const auto& d : rep.dkim_signatures) {
    add_alignment(rep, from_org, "dkim", d.domain, "dkim-signature",
                  receiver_result("dkim", d.domain));
  }
  for (const auto& f : rep.results) {
    if (f.kind == auth_field_kind::arc_authentication_results) continue;
    for (const auto& r : f.results) {
      if (r.method == "dkim") {
        add_alignment(rep, from_org, "dkim", dkim_result_domain(r), "authentication-results",
                      r.result);
      } else if (r.method == "spf") {
        add_alignment(rep, from_org, "spf", spf_result_domain(r), "authentication-results",
                      r.result);
      }
    }
  }
  for (const auto& s : rep.spf_fields) {
    add_alignment(rep, from_org, "spf", address_domain(s.envelope_from), "received-spf", s.result);
  }
  return rep;
}

}  // namespace hopscope
