// Input repair: turns what a person pasted (or a whole message file) into a clean header
// block, and records every repair so the report can show it.
//
// The scan is one pass over the lines with a single look-ahead over blank runs, so it is
// linear in the bytes examined and never reads past max_header_bytes of output.

#include "hopscope/input.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include "core/byte_find.hpp"
#include "hopscope/header.hpp"

namespace hopscope {
namespace {

// One physical line of the raw bytes: [begin, end) without its terminator; `next` is where the
// following line starts.
struct raw_line {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t next = 0;
  bool crlf = false;
  bool bare_cr = false;
  bool may_need_repair = false;  // holds a NUL or a 0xC2 (the first byte of a no-break space)
};

// The first LF, CR, NUL or 0xC2 at or after `pos`, or `n`: where an ordinary line ends or
// stops being ordinary. This runs over every header line of every message in a batch, and
// memchr() calls per line were most of the scan.
std::size_t find_line_end_or_oddity(const char* base, std::size_t pos, std::size_t n) noexcept {
  return static_cast<std::size_t>(detail::find_any<'\n', '\r', '\0', '\xC2'>(base + pos, base + n) -
                                  base);
}

// The first CR or LF at or after `pos`, or `n`; `special` is set when a NUL or 0xC2 comes
// before it.
std::size_t find_line_break(const char* base, std::size_t pos, std::size_t n,
                            bool& special) noexcept {
  for (;; ++pos) {
    pos = find_line_end_or_oddity(base, pos, n);
    if (pos == n || base[pos] == '\n' || base[pos] == '\r') return pos;
    special = true;
  }
}

raw_line read_line(std::string_view bytes, std::size_t pos) noexcept {
  raw_line line;
  line.begin = pos;
  const std::size_t n = bytes.size();
  const char* base = bytes.data();
  const std::size_t at = find_line_break(base, pos, n, line.may_need_repair);
  line.end = at;
  if (at == n) {
    line.next = n;
  } else if (base[at] == '\n') {
    line.next = at + 1;
  } else if (at + 1 < n && base[at + 1] == '\n') {
    // A CR before the LF: the CR of a CRLF ...
    line.crlf = true;
    line.next = at + 2;
  } else {
    // ... or a bare CR that ends the line (also a CR at the very end of what was read).
    line.bare_cr = true;
    line.next = at + 1;
  }
  return line;
}

// The last line of `bytes` may not be whole yet: it has no line break, or it ends in a CR that
// may be the first half of a CRLF split between two reads.
bool is_partial(const raw_line& line, std::size_t size) noexcept {
  return line.next == size && (line.end == size || line.bare_cr);
}

bool is_wsp(char c) noexcept { return c == ' ' || c == '\t'; }

bool is_nbsp_at(std::string_view s, std::size_t i) noexcept {
  return i + 1 < s.size() && static_cast<unsigned char>(s[i]) == 0xC2 &&
         static_cast<unsigned char>(s[i + 1]) == 0xA0;
}

// Whitespace-only (spaces, tabs, NBSPs) lines count as blank in pasted text.
bool is_blank(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (is_wsp(s[i])) continue;
    if (is_nbsp_at(s, i)) {
      ++i;
      continue;
    }
    return false;
  }
  return true;
}

// "Name:" with an RFC 5322 ftext name (printable ASCII except ':'), optional WSP before ':'.
std::string_view field_name_of(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == ':' || c <= 32 || c >= 127) break;
    ++i;
  }
  if (i == 0) return {};
  std::size_t j = i;
  while (j < s.size() && is_wsp(s[j])) ++j;
  if (j >= s.size() || s[j] != ':') return {};
  return s.substr(0, i);
}

// Fields a pasted header block is made of. A blank line followed by one of these does not end
// the block when repairing: webmail "show original" copies often come out double-spaced.
bool is_well_known_field(std::string_view name) noexcept {
  static constexpr std::array<std::string_view, 42> k_names = {"received",
                                                               "from",
                                                               "to",
                                                               "cc",
                                                               "bcc",
                                                               "subject",
                                                               "date",
                                                               "message-id",
                                                               "return-path",
                                                               "reply-to",
                                                               "sender",
                                                               "delivered-to",
                                                               "mime-version",
                                                               "content-type",
                                                               "content-transfer-encoding",
                                                               "dkim-signature",
                                                               "domainkey-signature",
                                                               "authentication-results",
                                                               "received-spf",
                                                               "arc-seal",
                                                               "arc-message-signature",
                                                               "arc-authentication-results",
                                                               "in-reply-to",
                                                               "references",
                                                               "thread-topic",
                                                               "thread-index",
                                                               "list-unsubscribe",
                                                               "list-id",
                                                               "precedence",
                                                               "importance",
                                                               "x-mailer",
                                                               "user-agent",
                                                               "x-received",
                                                               "x-original-to",
                                                               "x-originating-ip",
                                                               "x-ms-exchange-organization-authas",
                                                               "x-google-smtp-source",
                                                               "feedback-id",
                                                               "content-language",
                                                               "accept-language",
                                                               "resent-from",
                                                               "resent-date"};
  if (name.size() > 2 && (name[0] == 'x' || name[0] == 'X') && name[1] == '-') return true;
  if (name.size() > 4 && iequals(name.substr(0, 4), "arc-")) return true;
  if (name.size() > 5 && iequals(name.substr(0, 5), "list-")) return true;
  for (auto known : k_names) {
    if (iequals(name, known)) return true;
  }
  return false;
}

enum class prefix_kind { none, quote, indent };

// What a pasted block wraps each line in: "> " quoting or a common indentation.
struct line_prefix {
  prefix_kind kind = prefix_kind::none;
  std::size_t indent = 0;  // bytes of leading whitespace to strip (indent kind)
};

// Strips the block's prefix from one line. Sets `outside` when a quoted block has ended.
std::string_view strip_prefix(std::string_view s, const line_prefix& prefix, bool& stripped,
                              bool& outside) noexcept {
  stripped = false;
  outside = false;
  if (prefix.kind == prefix_kind::quote) {
    if (!s.empty() && s[0] == '>') {
      s.remove_prefix(1);
      if (!s.empty() && s[0] == ' ') s.remove_prefix(1);
      stripped = true;
    } else if (!is_blank(s)) {
      outside = true;
    }
  } else if (prefix.kind == prefix_kind::indent) {
    std::size_t k = 0;
    while (k < prefix.indent && k < s.size() && is_wsp(s[k])) ++k;
    if (k > 0) stripped = true;
    s.remove_prefix(k);
  }
  return s;
}

// A double-spaced paste: the first lines alternate text, blank, text, blank ... as a webmail
// "show original" page copied through a rich-text editor comes out. Decided up front so that
// a folded field's continuation after a blank line is not taken for the body.
bool starts_double_spaced(std::string_view bytes, std::size_t pos, const line_prefix& prefix) {
  constexpr int k_pairs = 3;
  int pairs = 0;
  while (pairs < k_pairs && pos < bytes.size()) {
    const raw_line text = read_line(bytes, pos);
    bool s = false, o = false;
    const auto content =
        strip_prefix(bytes.substr(text.begin, text.end - text.begin), prefix, s, o);
    if (o || is_blank(content)) return false;
    if (pairs == 0 && field_name_of(content).empty()) return false;
    if (text.next >= bytes.size()) return pairs > 0;
    const raw_line gap = read_line(bytes, text.next);
    const auto gap_content =
        strip_prefix(bytes.substr(gap.begin, gap.end - gap.begin), prefix, s, o);
    if (o || !is_blank(gap_content)) return false;
    ++pairs;
    pos = gap.next;
  }
  return pairs == k_pairs;
}

struct counts {
  std::size_t crlf = 0, bare_cr = 0, nbsp = 0, nul = 0, blank_between = 0, prefixed = 0;
  std::size_t leading_blank = 0;
  prefix_kind prefix = prefix_kind::none;
  bool bom = false, mbox_from = false, truncated = false;
};

// The single scan both entry points share. With `out` it builds the repaired block; without,
// it only finds where the header ends. Returns the raw offset just past the header block
// (past the blank line that ends it), or npos when more bytes are needed to decide.
struct scan_result {
  std::size_t end = std::string_view::npos;
  bool had_body = false;
};

// `may_need_repair`: whether the line holds a NUL or 0xC2 at all (read_line() saw); most lines
// have neither and are copied whole.
void append_repaired(std::string& out, std::string_view content, bool may_need_repair, counts& n) {
  if (!may_need_repair) {
    out.append(content);
    out.push_back('\n');
    return;
  }
  for (std::size_t i = 0; i < content.size(); ++i) {
    const char c = content[i];
    if (c == '\0') {
      ++n.nul;
      out.push_back(' ');
    } else if (is_nbsp_at(content, i)) {
      ++n.nbsp;
      out.push_back(' ');
      ++i;
    } else {
      out.push_back(c);
    }
  }
  out.push_back('\n');
}

// The fast path of scan() for a block without a prefix: takes whole "ordinary" lines from
// `pos` on, as the general loop would, and returns where the first other line starts. An
// ordinary line ends in LF or CRLF, holds no NUL or 0xC2, is not blank, and fits the limits;
// what the general loop does with one is to count its CRLF and copy its text plus '\n'. Runs
// of LF lines are copied with one append. Most of a real header is ordinary lines, and the
// general loop's per-line work (a raw_line, the blank and prefix checks, an append call per
// line) was most of the normalisation's cost in a batch.
std::size_t take_ordinary_lines(std::string_view bytes, std::size_t pos, bool repair,
                                std::size_t max_bytes, std::string* out, counts& n) {
  const char* const base = bytes.data();
  const std::size_t size = bytes.size();
  std::size_t run = pos;  // start of the LF-ended lines not yet copied
  std::size_t copied = out != nullptr ? out->size() : 0;  // output size once `run` is copied
  for (;;) {
    const std::size_t at = find_line_end_or_oddity(base, pos, size);
    if (at == size) break;
    std::size_t next;
    if (base[at] == '\n') {
      next = at + 1;
    } else if (base[at] == '\r' && at + 1 < size && base[at + 1] == '\n') {
      next = at + 2;
    } else {
      break;  // a bare CR, a NUL or 0xC2: the general loop reads this line
    }
    if (at == pos) break;  // blank
    if (repair && is_wsp(base[pos]) && is_blank(bytes.substr(pos, at - pos))) break;
    const std::size_t line_out = at - pos + 1;
    if (out != nullptr ? copied + (pos - run) + line_out > max_bytes : next > max_bytes + 4096) {
      break;  // the general loop truncates, or stops reading
    }
    if (next == at + 2) {  // CRLF: copy the pending run and this line's text, then '\n'
      ++n.crlf;
      if (out != nullptr) {
        out->append(base + run, at - run);
        out->push_back('\n');
        copied = out->size();
      }
      run = next;
    }
    pos = next;
  }
  if (out != nullptr && pos > run) out->append(base + run, pos - run);
  return pos;
}

// `fast_lines` false reads every line through the general loop: the reference the fast path
// is tested against (detail::normalise_input_line_by_line()).
scan_result scan(std::string_view bytes, bool repair, std::size_t max_bytes, bool at_eof,
                 std::string* out, counts& n, bool fast_lines = true) {
  scan_result result;
  std::size_t pos = 0;
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    n.bom = true;
    pos = 3;
  }
  // Leading blank lines: pasted text often starts with some.
  while (pos < bytes.size()) {
    const raw_line line = read_line(bytes, pos);
    if (is_partial(line, bytes.size()) && !at_eof) return result;
    if (!is_blank(bytes.substr(line.begin, line.end - line.begin))) break;
    ++n.leading_blank;
    pos = line.next;
  }
  // An mbox "From " separator line before the fields.
  if (bytes.substr(pos).starts_with("From ")) {
    const raw_line line = read_line(bytes, pos);
    n.mbox_from = true;
    pos = line.next;
  }
  line_prefix prefix;
  if (repair && pos < bytes.size()) {
    const raw_line first = read_line(bytes, pos);
    const std::string_view s = bytes.substr(first.begin, first.end - first.begin);
    if (!s.empty() && s[0] == '>') {
      prefix.kind = prefix_kind::quote;
    } else if (!s.empty() && is_wsp(s[0])) {
      std::size_t k = 0;
      while (k < s.size() && is_wsp(s[k])) ++k;
      if (!field_name_of(s.substr(k)).empty()) {
        prefix.kind = prefix_kind::indent;
        prefix.indent = k;
      }
    }
  }

  n.prefix = prefix.kind;
  bool seen_field = false;
  // Fields (and their continuation lines) are separated by blank lines in this block.
  bool blank_mode = repair && starts_double_spaced(bytes, pos, prefix);
  while (pos < bytes.size()) {
    if (fast_lines && prefix.kind == prefix_kind::none) {
      const std::size_t after = take_ordinary_lines(bytes, pos, repair, max_bytes, out, n);
      if (after != pos) {
        seen_field = true;
        pos = after;
        if (pos == bytes.size()) break;
      }
    }
    const raw_line line = read_line(bytes, pos);
    if (is_partial(line, bytes.size()) && !at_eof) {
      return result;  // a partial last line: need more bytes
    }
    bool stripped = false, outside = false;
    std::string_view content = bytes.substr(line.begin, line.end - line.begin);
    content = strip_prefix(content, prefix, stripped, outside);
    if (outside) {  // the quoted block ended: what follows is not part of the paste
      result.end = line.begin;
      result.had_body = true;
      return result;
    }
    const bool blank = repair ? is_blank(content) : content.empty();
    if (blank) {
      // Look past the blank run: another field means a pasted, double-spaced block.
      std::size_t ahead = line.next;
      std::size_t run = 1;
      raw_line next_line{};
      std::string_view next_content;
      bool found = false;
      while (ahead < bytes.size()) {
        next_line = read_line(bytes, ahead);
        if (is_partial(next_line, bytes.size()) && !at_eof) {
          return result;  // cannot decide yet
        }
        bool s2 = false, o2 = false;
        next_content = strip_prefix(bytes.substr(next_line.begin, next_line.end - next_line.begin),
                                    prefix, s2, o2);
        if (o2) break;
        if (!(repair ? is_blank(next_content) : next_content.empty())) {
          found = true;
          break;
        }
        ++run;
        ahead = next_line.next;
      }
      if (!found && ahead >= bytes.size() && !at_eof && repair) {
        return result;  // only blank lines so far: more fields may follow
      }
      bool continues = false;
      if (repair && found && seen_field) {
        const std::string_view name = field_name_of(next_content);
        if (!name.empty() && is_well_known_field(name)) {
          continues = true;
          blank_mode = true;
        } else if (blank_mode && is_wsp(next_content[0])) {
          continues = true;  // a continuation line, double-spaced like the fields around it
        }
      }
      if (!continues) {
        result.end = line.next;
        result.had_body = found;
        return result;
      }
      n.blank_between += run;
      pos = next_line.begin;
      continue;
    }
    if (line.crlf) ++n.crlf;
    if (line.bare_cr) ++n.bare_cr;
    if (stripped) ++n.prefixed;
    seen_field = true;
    if (out != nullptr) {
      if (out->size() + content.size() + 1 > max_bytes) {
        // Keep what fits of the line that crosses the cap: a 20 MB Subject still yields its
        // field (cut further by the splitter's per-field limit), not an empty block.
        n.truncated = true;
        const std::size_t room = max_bytes - std::min(max_bytes, out->size() + 1);
        if (room > 0) append_repaired(*out, content.substr(0, room), line.may_need_repair, n);
        result.end = line.next;
        return result;
      }
      append_repaired(*out, content, line.may_need_repair, n);
    } else if (line.next > max_bytes + 4096) {
      result.end = line.next;  // the caller will truncate; no need to read further
      return result;
    }
    pos = line.next;
  }
  // Every line was a field line: the header may go on in bytes not read yet.
  if (!at_eof) return result;
  result.end = bytes.size();
  return result;
}

void add_fixup(std::vector<fixup>& fixups, std::string code, std::size_t count,
               std::string message) {
  fixups.push_back(fixup{std::move(code), std::move(message), count});
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// The fixups a scan counted, as the report lists them.
void add_fixups(normalised_input& result, const counts& n, const input_options& options) {
  auto& f = result.fixups;
  if (n.bom) add_fixup(f, "bom", 1, "removed a byte-order mark");
  if (n.crlf)
    add_fixup(f, "crlf", n.crlf,
              "converted " + plural(n.crlf, "CRLF line ending", "CRLF line endings"));
  if (n.bare_cr)
    add_fixup(f, "bare_cr", n.bare_cr,
              "converted " + plural(n.bare_cr, "bare CR line ending", "bare CR line endings"));
  if (n.leading_blank && options.repair)
    add_fixup(f, "leading_blank_lines", n.leading_blank,
              "skipped " + plural(n.leading_blank, "blank line", "blank lines") +
                  " before the first field");
  if (n.mbox_from) add_fixup(f, "mbox_from_line", 1, "removed an mbox \"From \" line");
  if (n.prefixed && n.prefix == prefix_kind::quote)
    add_fixup(f, "quote_prefix", n.prefixed,
              "removed \"> \" quoting from " + plural(n.prefixed, "line", "lines"));
  if (n.prefixed && n.prefix == prefix_kind::indent)
    add_fixup(f, "common_indent", n.prefixed,
              "removed the common indentation of " + plural(n.prefixed, "line", "lines"));
  if (n.blank_between)
    add_fixup(
        f, "blank_lines_between_fields", n.blank_between,
        "removed " + plural(n.blank_between, "blank line", "blank lines") + " between fields");
  if (n.nbsp)
    add_fixup(f, "nbsp", n.nbsp,
              "replaced " + plural(n.nbsp, "no-break space", "no-break spaces") + " with spaces");
  if (n.nul)
    add_fixup(f, "nul_bytes", n.nul,
              "replaced " + plural(n.nul, "NUL byte", "NUL bytes") + " with spaces");
  if (n.truncated)
    add_fixup(f, "header_truncated", 1,
              "the header block is larger than " + std::to_string(options.limits.max_header_bytes) +
                  " bytes; the rest was not read");
}

normalised_input start_normalised(std::string_view bytes, const input_options& options) {
  normalised_input result;
  // The header is a small part of a whole bounce message: reserve for a header, not the
  // message (a multi-megabyte reservation costs page faults for nothing).
  result.header.reserve(
      std::min({bytes.size(), options.limits.max_header_bytes, std::size_t{64} << 10}) + 1);
  return result;
}

}  // namespace

normalised_input normalise_input(std::string_view bytes, const input_options& options) {
  normalised_input result = start_normalised(bytes, options);
  counts n;
  const scan_result scanned =
      scan(bytes, options.repair, options.limits.max_header_bytes, true, &result.header, n);
  result.had_body = scanned.had_body;
  add_fixups(result, n, options);
  return result;
}

namespace detail {

normalised_input normalise_input_line_by_line(std::string_view bytes,
                                              const input_options& options) {
  normalised_input result = start_normalised(bytes, options);
  counts n;
  const scan_result scanned =
      scan(bytes, options.repair, options.limits.max_header_bytes, true, &result.header, n, false);
  result.had_body = scanned.had_body;
  add_fixups(result, n, options);
  return result;
}

}  // namespace detail

std::optional<normalised_input> normalise_if_complete(std::string_view bytes,
                                                      const input_options& options) {
  normalised_input result = start_normalised(bytes, options);
  counts n;
  // Not at the end of the input: the scan gives up (npos) wherever more bytes could change
  // its reading, so an answer here is the one normalise_input() gives for the same bytes.
  const scan_result scanned =
      scan(bytes, options.repair, options.limits.max_header_bytes, false, &result.header, n);
  if (scanned.end == std::string_view::npos) return std::nullopt;
  result.had_body = scanned.had_body;
  add_fixups(result, n, options);
  return result;
}

std::size_t header_end_offset(std::string_view bytes, bool repair) noexcept {
  counts n;
  const scan_result scanned = scan(bytes, repair, std::size_t{4} << 20, false, nullptr, n);
  return scanned.end == std::string_view::npos ? 0 : scanned.end;
}

}  // namespace hopscope
