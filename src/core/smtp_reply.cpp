// Reading SMTP replies and explaining their codes. The knowledge itself is data in
// smtp_knowledge.cpp (codes) and smtp_vendor.cpp (vendor phrases); this file is the logic.
// Nothing here uses regex: replies are untrusted text of any size (DESIGN.md 6).

#include "hopscope/smtp_reply.hpp"

#include <algorithm>
#include <string>

#include "core/ascii.hpp"
#include "core/phrase_search.hpp"
#include "core/smtp_knowledge.hpp"

namespace hopscope {
namespace {

using detail::contains;
using detail::pair_filter;

constexpr std::size_t k_max_display_input = 4096;

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view trim_left(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  return s;
}

// Reads 1-3 digits at s[i]; no leading zero unless the number is 0 (RFC 3463 2).
bool read_number(std::string_view s, std::size_t& i, int& out) noexcept {
  const std::size_t start = i;
  int value = 0;
  while (i < s.size() && is_digit(s[i]) && i - start < 3) {
    value = value * 10 + (s[i] - '0');
    ++i;
  }
  if (i == start) return false;
  if (i < s.size() && is_digit(s[i])) return false;  // a fourth digit
  if (s[start] == '0' && i - start > 1) return false;
  out = value;
  return true;
}

// An enhanced status at the start of `s`, followed by the end or a byte that cannot continue it
// (so "4.4.4.4" or "5.0.0.1" are not statuses). `length` receives its size.
std::optional<enhanced_status> status_at(std::string_view s, std::size_t& length) noexcept {
  if (s.size() < 5 || (s[0] != '2' && s[0] != '4' && s[0] != '5') || s[1] != '.') return {};
  enhanced_status st;
  st.klass = s[0] - '0';
  std::size_t i = 2;
  if (!read_number(s, i, st.subject) || i >= s.size() || s[i] != '.') return {};
  ++i;
  if (!read_number(s, i, st.detail)) return {};
  if (i < s.size() && (is_digit(s[i]) || (s[i] == '.' && i + 1 < s.size() && is_digit(s[i + 1]))))
    return {};
  length = i;
  return st;
}

// A reply code at the start of `s`: three digits, first 2-5, second 0-5, then the end, a space,
// a tab or '-'.
bool code_at(std::string_view s, int& code, char& separator) noexcept {
  if (s.size() < 3 || !is_digit(s[0]) || !is_digit(s[1]) || !is_digit(s[2])) return false;
  if (s[0] < '2' || s[0] > '5' || s[1] > '5') return false;
  separator = s.size() == 3 ? ' ' : s[3];
  if (separator != ' ' && separator != '-' && separator != '\t') return false;
  code = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
  return true;
}

void add_note(std::vector<diagnostic>& notes, std::string_view code, std::string message) {
  for (const auto& n : notes)
    if (n.code == code) return;  // one note per kind is enough
  notes.push_back({std::string(code), std::move(message)});
}

void append_capped(std::string& to, std::string_view what, std::size_t cap, bool& truncated) {
  if (to.size() >= cap) {
    truncated = truncated || !what.empty();
    return;
  }
  const std::size_t room = cap - to.size();
  if (what.size() > room) {
    what = what.substr(0, room);
    truncated = true;
  }
  to.append(what);
}

// Postfix re-wraps a multi-line reply into one paragraph and leaves the continuation markers in:
//   "550-5.2.1 The user you are trying to contact is receiving mail at a rate that 550-5.2.1
//    prevents additional messages from being delivered. For more 550-5.2.1 information, please
//    visit 550 5.2.1 https://support.google.com/mail/?p=ReceivingRatePerm"  (lhost-postfix-59)
// Those tokens are the reply's own code repeated, so they are removed from the text.
std::string remove_embedded_markers(std::string_view text, int code,
                                    const std::optional<enhanced_status>& status, bool& removed) {
  const std::string code_text = std::to_string(code);
  const std::string status_text = status ? to_string(*status) : std::string();
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ') ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  std::string out;
  for (std::size_t w = 0; w < words.size(); ++w) {
    const std::string_view word = words[w];
    if (!status_text.empty() && word.size() == code_text.size() + 1 + status_text.size() &&
        word.substr(0, code_text.size()) == code_text && word[code_text.size()] == '-' &&
        word.substr(code_text.size() + 1) == status_text) {
      removed = true;
      continue;
    }
    if (word == code_text + "-" || (word == code_text && w + 1 < words.size() &&
                                    !status_text.empty() && words[w + 1] == status_text)) {
      removed = true;
      if (word == code_text) ++w;  // the status after it goes too
      continue;
    }
    if (!out.empty()) out += ' ';
    out.append(word);
  }
  return out;
}

std::string code_string(int code) {
  if (code >= 0 && code < 1000) {
    std::string s = std::to_string(code);
    while (s.size() < 3) s.insert(s.begin(), '0');
    return s;
  }
  return std::to_string(code);
}

std::string_view outcome_of_class(int klass) noexcept {
  switch (klass) {
    case 2:
      return "success";
    case 3:
      return "intermediate";
    case 4:
      return "temporary_failure";
    case 5:
      return "permanent_failure";
    default:
      return "unknown";
  }
}

// A needle ending in '#' must be followed by a digit (see vendor_pattern).
bool needle_found(std::string_view lowered, std::string_view needle,
                  const pair_filter& pairs) noexcept {
  if (needle.empty()) return false;
  if (!pairs.may_contain(needle.back() == '#' ? needle.substr(0, needle.size() - 1) : needle)) {
    return false;
  }
  if (needle.back() != '#') return contains(lowered, needle);
  needle.remove_suffix(1);
  std::size_t from = 0;
  while (true) {
    const std::size_t at = lowered.find(needle, from);
    if (at == std::string_view::npos) return false;
    const std::size_t next = at + needle.size();
    if (next < lowered.size() && is_digit(lowered[next])) return true;
    from = at + 1;
  }
}

// The first enhanced status anywhere in free text, at a token start ("#5.1.0", "(#5.7.1)",
// "5.1.0 - Unknown address error"): the forms bounces quote without a reply code.
std::optional<enhanced_status> find_status(std::string_view text) noexcept {
  for (std::size_t i = 0; i + 5 <= text.size(); ++i) {
    if (i > 0) {
      const char before = text[i - 1];
      if (is_digit(before) || before == '.' || (before >= 'a' && before <= 'z') ||
          (before >= 'A' && before <= 'Z') || before == '-' || before == '/' || before == '=')
        continue;
    }
    std::size_t length = 0;
    if (auto st = status_at(text.substr(i), length)) return st;
  }
  return std::nullopt;
}

}  // namespace

std::string to_string(const enhanced_status& status) {
  return std::to_string(status.klass) + '.' + std::to_string(status.subject) + '.' +
         std::to_string(status.detail);
}

tl::expected<enhanced_status, parse_error> parse_enhanced_status(std::string_view text) noexcept {
  const std::string_view t = trim(text);
  const std::size_t offset = static_cast<std::size_t>(t.data() - text.data());
  if (t.empty()) return tl::unexpected(parse_error{"empty", 0});
  if (t[0] != '2' && t[0] != '4' && t[0] != '5')
    return tl::unexpected(
        parse_error{is_digit(t[0]) ? "bad_class" : "bad_enhanced_status", offset});
  std::size_t length = 0;
  const auto st = status_at(t, length);
  if (!st) return tl::unexpected(parse_error{"bad_enhanced_status", offset});
  if (length != t.size()) return tl::unexpected(parse_error{"trailing_text", offset + length});
  return *st;
}

tl::expected<int, parse_error> parse_reply_code(std::string_view text) noexcept {
  const std::string_view t = trim(text);
  const std::size_t offset = static_cast<std::size_t>(t.data() - text.data());
  if (t.empty()) return tl::unexpected(parse_error{"empty", 0});
  int code = 0;
  char separator = 0;
  if (!code_at(t, code, separator)) return tl::unexpected(parse_error{"bad_reply_code", offset});
  if (t.size() != 3) return tl::unexpected(parse_error{"trailing_text", offset + 3});
  return code;
}

std::optional<std::size_t> find_reply_start(std::string_view text) noexcept {
  for (std::size_t i = 0; i + 3 <= text.size(); ++i) {
    if (i > 0) {
      const char before = text[i - 1];
      // A token start: after a space, a colon ("said: 550"), a quote or a bracket. Not inside
      // an IP address, a queue id or a longer number.
      if (!(is_space(before) || before == ':' || before == '\'' || before == '"' || before == '(' ||
            before == '<' || before == '>' || before == '['))
        continue;
    }
    int code = 0;
    char separator = 0;
    if (code_at(text.substr(i), code, separator)) return i;
  }
  return std::nullopt;
}

tl::expected<smtp_reply, parse_error> parse_smtp_reply(std::string_view text,
                                                       const smtp_reply_limits& limits) noexcept {
  smtp_reply reply;
  const std::size_t limit = std::min(text.size(), limits.max_input_bytes);
  std::size_t pos = 0;
  bool first = true;
  bool final_seen = false;
  bool line_truncated = false;
  bool markers_removed = false;
  std::vector<enhanced_status> statuses;
  std::size_t consumed = 0;
  while (pos < limit) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos || eol > limit) eol = limit;
    const std::size_t next = eol < limit ? eol + 1 : limit;
    std::string_view line = text.substr(pos, eol - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string_view view = trim_left(line);
    // Sendmail transcripts quote the server with "<<< " (lhost-sendmail-58:
    // "<<< 550-5.7.1 Unauthenticated email from cpanel.com is not accepted ...").
    if (view.substr(0, 3) == "<<<") view = trim_left(view.substr(3));
    int code = 0;
    char separator = 0;
    const bool has_code = code_at(view, code, separator);
    if (first) {
      if (view.empty()) {
        pos = next;
        continue;
      }
      if (!has_code) {
        return tl::unexpected(
            parse_error{"no_reply_code", static_cast<std::size_t>(view.data() - text.data())});
      }
      reply.code = code;
      first = false;
    } else if (has_code && (code != reply.code || final_seen)) {
      // The next reply, e.g. Sendmail's own "554 5.0.0 Service unavailable" after the quoted
      // remote reply (lhost-sendmail-58).
      add_note(reply.notes, "next_reply_ignored",
               "text after the reply's last line was not read as part of it");
      break;
    } else if (!has_code) {
      if (view.empty()) {
        if (final_seen) break;  // a blank line ends a finished reply
        pos = next;
        continue;
      }
      // After the last line only an indented (folded) line still belongs to the reply; a line
      // at the margin is something else, such as the next code pasted on its own line.
      if (final_seen && view.size() == line.size()) break;
      // A folded or wrapped line without its own code: part of the line before (a
      // Diagnostic-Code field folded by the bounce writer).
      if (reply.lines.empty()) reply.lines.emplace_back();
      std::string& last = reply.lines.back();
      if (!last.empty()) append_capped(last, " ", limits.max_line_bytes, line_truncated);
      append_capped(last, trim(view), limits.max_line_bytes, line_truncated);
      consumed = next;
      pos = next;
      continue;
    }
    if (reply.lines.size() >= limits.max_lines) {
      add_note(reply.notes, "too_many_lines",
               "the reply has more than " + std::to_string(limits.max_lines) +
                   " lines; the rest was not read");
      break;
    }
    std::string_view rest = view.size() > 3 ? trim_left(view.substr(4)) : std::string_view{};
    std::size_t length = 0;
    if (auto st = status_at(rest, length)) {
      statuses.push_back(*st);
      rest = trim_left(rest.substr(length));
    }
    std::string kept;
    append_capped(kept, trim(rest), limits.max_line_bytes, line_truncated);
    reply.lines.push_back(std::move(kept));
    if (separator != '-') final_seen = true;
    consumed = next;
    pos = next;
  }
  if (first) return tl::unexpected(parse_error{"empty", 0});
  if (!statuses.empty()) {
    reply.status = statuses.front();
    for (const auto& st : statuses) {
      if (!(st == statuses.front())) {
        add_note(reply.notes, "status_varies",
                 "the reply's lines carry different enhanced status codes (" +
                     to_string(statuses.front()) + " and " + to_string(st) + ")");
        break;
      }
    }
  }
  for (auto& line : reply.lines) {
    line = remove_embedded_markers(line, reply.code, reply.status, markers_removed);
  }
  for (const auto& line : reply.lines) {
    if (line.empty()) continue;
    if (!reply.text.empty()) reply.text += ' ';
    reply.text += line;
  }
  if (markers_removed)
    add_note(reply.notes, "embedded_markers_removed",
             "continuation markers left inside re-wrapped text were removed");
  if (line_truncated)
    add_note(
        reply.notes, "line_truncated",
        "a line longer than " + std::to_string(limits.max_line_bytes) + " bytes was cut short");
  if (text.size() > limits.max_input_bytes && consumed >= limit)
    add_note(reply.notes, "input_truncated",
             "only the first " + std::to_string(limits.max_input_bytes) + " bytes were read");
  if (!final_seen && !reply.lines.empty())
    add_note(reply.notes, "no_final_line",
             "every line had a '-' continuation marker; the reply's last line is missing");
  reply.consumed = consumed;
  return reply;
}

explanation explain_reply_code(int code) {
  explanation e;
  e.code = code_string(code);
  e.kind = "reply";
  const int first = code / 100;
  const int second = (code / 10) % 10;
  const bool valid = code >= 200 && code <= 599 && second <= 5;
  e.outcome = valid ? std::string(outcome_of_class(first)) : "unknown";
  e.permanent = valid && first == 5;
  e.temporary = valid && first == 4;
  if (const auto d = detail::reply_first_digit(first); !d.empty() && code < 1000) {
    e.parts.push_back("first digit " + std::string(d));
  }
  if (const auto d = detail::reply_second_digit(second); !d.empty() && code < 1000 && code >= 0) {
    e.parts.push_back("second digit " + std::string(d));
  }
  if (valid) e.parts.push_back("third digit: a finer distinction within that category");

  bool found = false;
  for (const auto& entry : detail::reply_code_table()) {
    if (entry.code != code) continue;
    if (!found) {
      found = true;
      e.title = entry.title;
      e.meaning = entry.meaning;
      e.who_acts = entry.who;
      e.what_to_try = entry.what;
      e.reference = entry.reference;
      if (!entry.context.empty()) {
        e.notes.push_back("This is the meaning in " + std::string(entry.context) + ".");
      }
    } else {
      e.notes.push_back("In " + std::string(entry.context) + " (" + std::string(entry.reference) +
                        "): " + std::string(entry.title) + ". " + std::string(entry.meaning));
      if (!contains(e.reference, entry.reference))
        e.reference += "; " + std::string(entry.reference);
    }
  }
  if (found) return e;

  e.generic = true;
  e.reference = "RFC 5321 4.2.1";
  if (!valid) {
    e.title = "Not a valid SMTP reply code";
    e.meaning =
        "RFC 5321 reply codes have a first digit 2-5 and a second digit 0-5; this one does not, "
        "so it is not an SMTP reply (or it is garbled).";
    e.who_acts = "recipient_admin";
    e.what_to_try = "Check where the number came from; read the text around it.";
    return e;
  }
  static constexpr std::string_view k_first_title[] = {
      "", "", "Success", "Intermediate reply", "Temporary failure", "Permanent failure"};
  static constexpr std::string_view k_second_title[] = {
      "syntax",     "information", "connection", "unspecified category", "unspecified category",
      "mail system"};
  e.title = std::string(k_first_title[first]) + " (" + std::string(k_second_title[second]) +
            "), not a standard code";
  e.meaning =
      "No RFC defines this exact code, so only its digits can be read; servers that use it "
      "explain themselves in the reply text.";
  switch (first) {
    case 2:
    case 3:
      e.who_acts = "nobody";
      e.what_to_try = "Nothing.";
      break;
    case 4:
      e.who_acts = "nobody";
      e.what_to_try =
          "Wait for the sending server's retries; read the reply text for the reason if it "
          "persists.";
      break;
    default:
      e.who_acts = "sender_admin";
      e.what_to_try = "Read the reply text and the enhanced status code for the reason.";
      break;
  }
  return e;
}

explanation explain_enhanced_status(const enhanced_status& status) {
  explanation e;
  e.code = to_string(status);
  e.kind = "enhanced";
  const bool class_ok = status.klass == 2 || status.klass == 4 || status.klass == 5;
  e.outcome = class_ok ? std::string(outcome_of_class(status.klass)) : "unknown";
  e.permanent = status.klass == 5;
  e.temporary = status.klass == 4;
  if (const auto c = detail::status_class_meaning(status.klass); !c.empty())
    e.parts.push_back("class " + std::string(c));
  const auto subject_text = detail::status_subject_meaning(status.subject);
  if (!subject_text.empty())
    e.parts.push_back("subject " + std::string(subject_text));
  else
    e.parts.push_back("subject " + std::to_string(status.subject) + ": not defined by RFC 3463");

  const detail::enhanced_entry* entry = nullptr;
  for (const auto& candidate : detail::enhanced_table()) {
    if (candidate.subject == status.subject && candidate.detail == status.detail) {
      entry = &candidate;
      break;
    }
  }
  if (entry != nullptr) {
    e.parts.push_back("detail " + std::to_string(status.detail) + ": " + std::string(entry->title));
    e.title = entry->title;
    e.meaning = entry->meaning;
    e.who_acts = entry->who;
    e.what_to_try = entry->what;
    e.reference = entry->reference;
    const char klass = static_cast<char>('0' + status.klass);
    if (class_ok && entry->classes.find(klass) == std::string_view::npos) {
      std::string classes;
      for (const char c : entry->classes) {
        if (!classes.empty()) classes += ", ";
        classes += c;
      }
      e.notes.push_back("The registry describes this code for class " + classes +
                        " only; with class " + std::to_string(status.klass) +
                        " it is unusual, so trust the reply text more than the code.");
    }
    if (!entry->note.empty()) e.notes.emplace_back(entry->note);
    if (!entry->basic_codes.empty() && entry->basic_codes != "Not given" &&
        entry->basic_codes != "." && entry->basic_codes != "Any") {
      e.notes.push_back("Usually sent with reply code " + std::string(entry->basic_codes) + ".");
    }
  } else {
    e.generic = true;
    e.parts.push_back("detail " + std::to_string(status.detail) + ": not in the IANA registry");
    e.reference = "RFC 3463";
    if (!subject_text.empty()) {
      e.title = "Unregistered detail code (" + std::string(subject_text.substr(3)) + ")";
      e.meaning =
          "The detail number is not in the IANA registry, so only the class and subject can be "
          "read; some providers (Microsoft's 5.7.6xx/7xx codes, for instance) define their own. "
          "The reply text says more.";
    } else {
      e.title = "Unregistered subject code";
      e.meaning =
          "Neither the subject nor the detail is defined by RFC 3463 or the IANA registry; only "
          "the class can be read.";
    }
    e.who_acts = status.klass == 2 ? "nobody" : status.klass == 4 ? "nobody" : "sender_admin";
    e.what_to_try = status.klass == 2 ? "Nothing." : "Read the reply text for the reason.";
  }
  if (status.klass == 2) {
    if (entry == nullptr || entry->classes.find('2') == std::string_view::npos ||
        entry->who != "nobody") {
      e.who_acts = "nobody";
      e.what_to_try = "Nothing: this reports success.";
    }
  } else if (status.klass == 4 && e.who_acts != "nobody") {
    e.what_to_try =
        "It is temporary: the sending server retries for a while. If it keeps "
        "failing: " +
        e.what_to_try;
  }
  return e;
}

std::vector<vendor_match> match_vendor_diagnostics(std::string_view text) {
  std::vector<vendor_match> out;
  const std::string lowered = detail::ascii_lower(text);
  const pair_filter pairs(lowered);
  std::vector<std::string_view> groups_done;
  for (const auto& p : detail::vendor_table()) {
    if (std::find(groups_done.begin(), groups_done.end(), p.group) != groups_done.end()) continue;
    bool excluded = false;
    for (const auto n : p.none)
      excluded = excluded || (!n.empty() && needle_found(lowered, n, pairs));
    if (excluded) continue;
    std::string_view hit;
    for (const auto n : p.any) {
      if (!n.empty() && needle_found(lowered, n, pairs)) {
        hit = n;
        break;
      }
    }
    if (hit.empty()) continue;
    bool all = true;
    for (const auto n : p.also) all = all && (n.empty() || needle_found(lowered, n, pairs));
    if (!all) continue;
    groups_done.push_back(p.group);
    vendor_match m;
    m.id = p.id;
    m.vendor = p.vendor;
    m.matched = hit;
    if (!m.matched.empty() && m.matched.back() == '#') m.matched.back() = 'N';  // "(asN"
    m.title = p.title;
    m.meaning = p.meaning;
    m.who_acts = p.who;
    m.what_to_try = p.what;
    m.reference = p.reference;
    if (p.permanence >= 0) m.permanent = p.permanence == 1;
    out.push_back(std::move(m));
  }
  return out;
}

text_explanation explain_text(std::string_view reply_text, const smtp_reply_limits& limits) {
  text_explanation te;
  const std::string_view capped = reply_text.substr(0, limits.max_input_bytes);
  const std::string_view trimmed = trim(capped);
  te.input = std::string(trimmed.substr(0, k_max_display_input));

  auto reply = parse_smtp_reply(trimmed, limits);
  if (!reply) {
    if (const auto start = find_reply_start(trimmed)) {
      reply = parse_smtp_reply(trimmed.substr(*start), limits);
    }
  }
  std::optional<enhanced_status> status;
  if (reply) {
    te.codes.push_back(explain_reply_code(reply->code));
    status = reply->status;
    te.reply = std::move(*reply);
  }
  if (!status) status = find_status(trimmed);
  if (status) te.codes.push_back(explain_enhanced_status(*status));
  te.recognised = !te.codes.empty();
  // Matched on the cleaned reply text too: a phrase can be split by a continuation marker
  // ("... is not accepted due to\n550-5.7.26 domain's DMARC policy", lhost-postfix-70).
  te.vendor = match_vendor_diagnostics(te.reply ? te.reply->text + "\n" + std::string(trimmed)
                                                : std::string(trimmed));

  // Contradictions between the parts of the reply.
  const int reply_class = te.reply ? te.reply->code / 100 : 0;
  if (te.reply && status) {
    const int k = status->klass;
    if ((reply_class == 4 && k == 5) || (reply_class == 5 && k == 4)) {
      te.contradictions.push_back(
          {"class_mismatch", "the reply code " + std::to_string(te.reply->code) +
                                 (reply_class == 5 ? " is permanent" : " is temporary") +
                                 " but the enhanced status " + to_string(*status) +
                                 (k == 5 ? " is permanent" : " is temporary") +
                                 "; senders act on the reply code"});
    } else if ((reply_class == 2 && k != 2) || (reply_class >= 4 && k == 2)) {
      te.contradictions.push_back(
          {"success_with_failure_status", "the reply code " + std::to_string(te.reply->code) +
                                              " and the enhanced status " + to_string(*status) +
                                              " disagree on whether this succeeded"});
    }
  }
  if (te.reply) {
    for (const auto& n : te.reply->notes) {
      if (n.code == "status_varies") te.contradictions.push_back({"status_varies", n.message});
    }
    const std::string words = detail::ascii_lower(te.reply->text);
    static constexpr std::string_view k_temporary[] = {"temporar", "try again later", "try later",
                                                       "retry later"};
    static constexpr std::string_view k_permanent[] = {"permanent", "will not succeed",
                                                       "do not retry", "don't retry"};
    if (reply_class == 5) {
      for (const auto w : k_temporary) {
        if (contains(words, w)) {
          te.contradictions.push_back(
              {"text_says_temporary", "the reply code is permanent (5xx) but the text says \"" +
                                          std::string(w) +
                                          "\": the sender will not retry, so resend by hand once "
                                          "the cause is gone"});
          break;
        }
      }
    } else if (reply_class == 4) {
      for (const auto w : k_permanent) {
        if (contains(words, w)) {
          te.contradictions.push_back(
              {"text_says_permanent", "the reply code is temporary (4xx) but the text says \"" +
                                          std::string(w) +
                                          "\": retries will probably keep failing"});
          break;
        }
      }
    }
  }
  return te;
}

text_explanation explain(std::string_view code_or_reply, const smtp_reply_limits& limits) {
  std::string_view t = trim(code_or_reply.substr(0, limits.max_input_bytes));
  std::string_view bare = t;
  if (!bare.empty() && bare.front() == '#') bare.remove_prefix(1);  // qmail's "#5.1.1"
  if (const auto code = parse_reply_code(t)) {
    text_explanation te;
    te.input = std::string(t);
    te.codes.push_back(explain_reply_code(*code));
    te.recognised = true;
    return te;
  }
  if (const auto st = parse_enhanced_status(bare)) {
    text_explanation te;
    te.input = std::string(t);
    te.codes.push_back(explain_enhanced_status(*st));
    te.recognised = true;
    return te;
  }
  return explain_text(t, limits);
}

smtp_knowledge_counts smtp_knowledge_size() noexcept {
  smtp_knowledge_counts counts;
  int previous = -1;
  for (const auto& e : detail::reply_code_table()) {
    if (e.code != previous) ++counts.reply_codes;  // the table keeps a code's meanings together
    previous = e.code;
  }
  counts.enhanced_codes = detail::enhanced_table().size();
  counts.vendor_patterns = detail::vendor_table().size();
  return counts;
}

}  // namespace hopscope
