#pragma once
// Splitting an mbox stream into messages, keeping only each message's header block.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace hopscope {

/// Streams an mbox file (fed in chunks of any size) and hands over each message's header block
/// as it completes. A message starts at a "From " line at the start of the stream or after a
/// blank line (mboxo/mboxrd), or at a complete postmark line ("From x@y  Thu Jul  2 12:05:05
/// 2020") anywhere; header lines quoted as ">From " are unquoted. Bodies are scanned
/// for the next separator but not kept (unless keep_bodies() asks for whole messages), so
/// memory stays at one header block whatever the file size.
class mbox_splitter {
 public:
  /// `sink(index, header_bytes)` is called once per message, in order; index is 0-based.
  using sink_type = std::function<void(std::size_t index, std::string header_bytes)>;

  explicit mbox_splitter(sink_type sink, std::size_t max_header_bytes = 4u << 20);

  /// Hand over whole messages (header block, blank line, body; LF line endings) instead of
  /// header blocks, each cut at `max_message_bytes`. Call before the first feed().
  void keep_bodies(std::size_t max_message_bytes) noexcept {
    keep_bodies_ = true;
    max_message_bytes_ = max_message_bytes;
  }

  /// Hand over the whole message (as keep_bodies() does) only for the messages whose header
  /// block `wanted(header)` accepts when it ends: a batch keeps the bodies of possible bounces
  /// only, which need theirs, and still holds one header block for any other message.
  void keep_bodies_when(std::function<bool(std::string_view header)> wanted,
                        std::size_t max_message_bytes) {
    body_wanted_ = std::move(wanted);
    max_message_bytes_ = max_message_bytes;
  }

  void feed(std::string_view chunk);
  /// Ends the stream: flushes the last message.
  void finish();
  [[nodiscard]] std::size_t messages() const noexcept { return index_; }

 private:
  void line(std::string_view text, bool complete);
  void emit();

  sink_type sink_;
  std::size_t max_header_bytes_;
  std::string partial_;  // an incomplete line carried between chunks (capped)
  bool partial_overflow_ = false;
  std::string header_;
  bool in_message_ = false;
  bool in_header_ = false;
  bool previous_blank_ = true;  // the stream start counts as after a blank line
  std::size_t index_ = 0;
  bool keep_bodies_ = false;
  std::function<bool(std::string_view)> body_wanted_;
  bool keep_this_body_ = false;  // keep_bodies_, or body_wanted_ said yes for this message
  std::size_t max_message_bytes_ = 0;
};

/// True when `bytes` (the start of a file) looks like an mbox: it begins with "From ".
[[nodiscard]] bool looks_like_mbox(std::string_view bytes) noexcept;

}  // namespace hopscope
