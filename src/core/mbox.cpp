// mbox splitting (RFC 4155 "default" format and its mboxrd quoting).

#include "hopscope/mbox.hpp"

namespace hopscope {
namespace {

constexpr std::size_t k_max_line_kept = 1u << 20;  // longer lines are scanned, not kept whole

bool is_separator(std::string_view line) noexcept { return line.starts_with("From "); }

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// A complete postmark, "From sender@example.com  Thu Jul  2 12:05:05 2020": a sender without
// ':', then an asctime date (a hh:mm:ss time, a four-digit year at the end). Such a line starts
// a message even when no blank line precedes it (sisimai rhost-cox-01.eml glues a second
// message to the first one's closing MIME delimiter); Python's mailbox and Sisimai split there
// too. A body line "From here on ..." does not have this form.
bool is_full_postmark(std::string_view line) noexcept {
  if (!line.starts_with("From ")) return false;
  std::string_view rest = line.substr(5);
  std::size_t sp = rest.find(' ');
  if (sp == 0 || sp == std::string_view::npos) return false;
  if (rest.substr(0, sp).find(':') != std::string_view::npos) return false;
  rest = rest.substr(sp);
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
  if (rest.size() < 20) return false;
  for (std::size_t i = rest.size() - 4; i < rest.size(); ++i) {
    if (!is_digit(rest[i])) return false;
  }
  if (rest[rest.size() - 5] != ' ') return false;
  for (std::size_t i = 0; i + 8 <= rest.size(); ++i) {
    if (is_digit(rest[i]) && is_digit(rest[i + 1]) && rest[i + 2] == ':' && is_digit(rest[i + 3]) &&
        is_digit(rest[i + 4]) && rest[i + 5] == ':' && is_digit(rest[i + 6]) &&
        is_digit(rest[i + 7])) {
      return true;
    }
  }
  return false;
}

// mboxrd: ">From ", ">>From " ... lose one '>'.
std::string_view unquote_from(std::string_view line) noexcept {
  std::size_t i = 0;
  while (i < line.size() && line[i] == '>') ++i;
  if (i > 0 && line.substr(i).starts_with("From ")) return line.substr(1);
  return line;
}

}  // namespace

bool looks_like_mbox(std::string_view bytes) noexcept { return bytes.starts_with("From "); }

mbox_splitter::mbox_splitter(sink_type sink, std::size_t max_header_bytes)
    : sink_(std::move(sink)), max_header_bytes_(max_header_bytes) {}

void mbox_splitter::emit() {
  if (in_message_) sink_(index_++, std::move(header_));
  header_.clear();
  in_message_ = false;
  in_header_ = false;
  keep_this_body_ = false;
}

void mbox_splitter::line(std::string_view text, bool complete) {
  std::string_view content = text;
  if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
  if ((previous_blank_ && is_separator(content)) || (in_message_ && is_full_postmark(content))) {
    emit();
    in_message_ = true;
    in_header_ = true;
    keep_this_body_ = keep_bodies_;
    previous_blank_ = false;
    return;
  }
  previous_blank_ = content.empty();
  if (!in_header_) {
    // Bodies are scanned for separators only, unless whole messages were asked for.
    if (keep_this_body_ && in_message_ && header_.size() + text.size() + 1 <= max_message_bytes_) {
      header_.append(unquote_from(content));
      header_.push_back('\n');
    }
    return;
  }
  if (content.empty()) {
    in_header_ = false;
    if (!keep_this_body_ && body_wanted_ && in_message_) keep_this_body_ = body_wanted_(header_);
    if (keep_this_body_ && header_.size() < max_message_bytes_) header_.push_back('\n');
    return;
  }
  if (header_.size() + text.size() + 1 <=
      (keep_this_body_ ? max_message_bytes_ : max_header_bytes_)) {
    header_.append(unquote_from(content));
    if (complete) header_.push_back('\n');
  }
}

void mbox_splitter::feed(std::string_view chunk) {
  std::size_t pos = 0;
  while (pos < chunk.size()) {
    const std::size_t nl = chunk.find('\n', pos);
    if (nl == std::string_view::npos) {
      // Keep the start of an unfinished line; a line longer than the cap cannot be a
      // separator that matters beyond its first bytes.
      const std::string_view rest = chunk.substr(pos);
      const std::size_t room = k_max_line_kept - std::min(k_max_line_kept, partial_.size());
      partial_.append(rest.substr(0, room));
      partial_overflow_ |= rest.size() > room;
      return;
    }
    const std::string_view piece = chunk.substr(pos, nl - pos);
    if (partial_.empty()) {
      line(piece, true);
    } else {
      const std::size_t room = k_max_line_kept - std::min(k_max_line_kept, partial_.size());
      partial_.append(piece.substr(0, room));
      line(partial_, true);
      partial_.clear();
      partial_overflow_ = false;
    }
    pos = nl + 1;
  }
}

void mbox_splitter::finish() {
  if (!partial_.empty()) {
    line(partial_, true);
    partial_.clear();
  }
  emit();
}

}  // namespace hopscope
