#pragma once
// The facade the CLI calls: bytes in, analysis_report out.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hopscope/auth.hpp"
#include "hopscope/chain.hpp"
#include "hopscope/dsn.hpp"
#include "hopscope/header.hpp"
#include "hopscope/input.hpp"

namespace hopscope {

/// Display values of the main fields, RFC 2047 decoded (raw bytes; renderers escape them).
struct message_summary {
  std::string from, to, subject, date, message_id;
  std::optional<timestamp> date_time;  // the Date field read, when it could be
};

struct analysis_report {
  std::string source;                     // the path as given, "-" for stdin
  std::optional<std::size_t> mbox_index;  // 0-based position in an mbox file
  std::vector<fixup> fixups;
  message_summary summary;
  hop_chain chain;
  std::vector<diagnostic> diagnostics;  // header-level notes
  std::size_t field_count = 0;
  authentication_report auth;           // SPF/DKIM/DMARC/ARC results tied to hops, verdicts
  std::optional<bounce_report> bounce;  // a DSN, ARF report or bounce text, when this is one
  /// The Received chain of the message a bounce returned: where it stopped.
  std::optional<hop_chain> returned_chain;
  /// The header says this may be a bounce, but only the header block was given: the caller
  /// should analyse again with the whole message (analyse_options::whole_message).
  bool needs_whole_message = false;
  /// With needs_whole_message: the header block the report was read from, which
  /// analyse_bounce() takes instead of normalising and splitting the header again.
  std::optional<header_block> pending_header;
};

struct analyse_options {
  input_options input{};
  header_limits header{};
  chain_options chain{};
  /// The bytes given are the whole message (not just its header block): bounces are read.
  bool whole_message = true;
};

/// Analyses one message (raw bytes: pasted headers or a whole message). Never throws except
/// std::bad_alloc.
[[nodiscard]] analysis_report analyse_message(std::string_view bytes, std::string source,
                                              const analyse_options& options = {});

/// analyse_message() of a header block already normalised (normalise_if_complete() in a
/// streaming reader): as for options.whole_message false, a possible bounce sets
/// needs_whole_message. Never throws except std::bad_alloc.
[[nodiscard]] analysis_report analyse_normalised(normalised_input input, std::string source,
                                                 const analyse_options& options = {});

/// Completes a report that analyse_message() made from the header block alone and that set
/// needs_whole_message: reads the bounce from `whole_message` (the same message, whole).
/// The result is what analyse_message(whole_message, ...) gives, without redoing the chain and
/// authentication analysis. Never throws except std::bad_alloc.
void analyse_bounce(analysis_report& report, std::string_view whole_message,
                    const analyse_options& options = {});

}  // namespace hopscope
