// The analysis facade: one message's bytes in, its report out.

#include "hopscope/report.hpp"

#include "core/chain_internal.hpp"

namespace hopscope {
namespace {

// Folding whitespace is layout, not content: a display value shows each run as one space.
// In place, through a pointer: a push_back per byte was most of display_value()'s time.
void collapse_whitespace(std::string& s) {
  char* out = s.data();
  bool in_space = false;
  for (const char c : s) {
    const bool space = c == ' ' || c == '\t';
    if (space && in_space) continue;
    *out++ = space ? ' ' : c;
    in_space = space;
  }
  s.resize(static_cast<std::size_t>(out - s.data()));
}

std::vector<received_field> received_fields(const header_block& block) {
  std::vector<received_field> received;
  std::size_t received_index = 0;
  for (std::size_t i = 0; i < block.size(); ++i) {
    if (!iequals(block.name(i), "Received")) continue;
    received.push_back(received_field{received_index++, block.unfolded_value(i)});
  }
  return received;
}

std::string display_value(const header_block& block, std::string_view name) {
  const auto index = block.find(name);
  if (!index) return {};
  std::string value = block.unfolded_value(*index);
  collapse_whitespace(value);
  // Only an "=?" can start an encoded word.
  if (value.find("=?") == std::string::npos) return value;
  return decode_encoded_words(value);
}

// The bounce section of a message whose header `block` says it may be one.
void add_bounce(analysis_report& report, std::string_view whole_message, const header_block& block,
                const analyse_options& options) {
  report.bounce = parse_bounce(whole_message, block);
  if (report.bounce && !report.bounce->returned_headers.empty()) {
    // The returned message's own chain shows how far it got.
    normalised_input returned = normalise_input(report.bounce->returned_headers, options.input);
    const header_block original = split_header_block(std::move(returned.header), options.header);
    report.returned_chain = analyse_chain(received_fields(original),
                                          detail::collect_chain_context(original), options.chain);
  }
}

// The analysis of a normalised header block; `whole_message`, when given, is the message it
// came from, for a bounce to be read.
analysis_report analyse_block(normalised_input input, std::optional<std::string_view> whole_message,
                              std::string source, const analyse_options& options) {
  analysis_report report;
  report.source = std::move(source);
  report.fixups = std::move(input.fixups);
  header_block block = split_header_block(std::move(input.header), options.header);
  report.field_count = block.size();
  report.diagnostics = block.diagnostics();

  auto& s = report.summary;
  s.from = display_value(block, "From");
  s.to = display_value(block, "To");
  s.subject = display_value(block, "Subject");
  s.message_id = display_value(block, "Message-ID");
  if (const auto date = block.find("Date")) {
    s.date = block.unfolded_value(*date);
    if (auto parsed = parse_mail_date(s.date)) s.date_time = *parsed;
  }

  // The Date field, DKIM/ARC t= and vendor stamps are clocks too; X-Originating-IP and the
  // like are origin hints.
  report.chain =
      analyse_chain(received_fields(block), detail::collect_chain_context(block), options.chain);
  report.auth = analyse_authentication(block, report.chain);

  if (may_be_bounce(block)) {
    if (!whole_message) {
      report.needs_whole_message = true;
      report.pending_header = std::move(block);
    } else {
      add_bounce(report, *whole_message, block, options);
    }
  }
  return report;
}

}  // namespace

analysis_report analyse_message(std::string_view bytes, std::string source,
                                const analyse_options& options) {
  std::optional<std::string_view> whole;
  if (options.whole_message) whole = bytes;
  return analyse_block(normalise_input(bytes, options.input), whole, std::move(source), options);
}

analysis_report analyse_normalised(normalised_input input, std::string source,
                                   const analyse_options& options) {
  return analyse_block(std::move(input), std::nullopt, std::move(source), options);
}

void analyse_bounce(analysis_report& report, std::string_view whole_message,
                    const analyse_options& options) {
  report.needs_whole_message = false;
  // The header block is the one the report was made from (read_header() stops only once
  // normalise_input() can see all of it): kept from then, or read again.
  std::optional<header_block> block = std::move(report.pending_header);
  report.pending_header.reset();
  if (!block) {
    normalised_input input = normalise_input(whole_message, options.input);
    block = split_header_block(std::move(input.header), options.header);
  }
  if (may_be_bounce(*block)) add_bounce(report, whole_message, *block, options);
}

}  // namespace hopscope
