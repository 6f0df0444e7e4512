#pragma once
// Repairs the damage copy-paste does to a header block and finds where the header ends.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hopscope {

/// One visible repair ("removed 14 blank lines between fields"). `code` is stable snake_case:
/// crlf, bare_cr, bom, nbsp, common_indent, quote_prefix, blank_lines_between_fields,
/// mbox_from_line, nul_bytes, header_truncated.
struct fixup {
  std::string code;
  std::string message;
  std::size_t count = 0;
};

struct input_limits {
  /// Largest header block kept; the rest is cut and a `header_truncated` fixup recorded.
  std::size_t max_header_bytes = 4u << 20;
};

struct input_options {
  bool repair = true;  // false: only line endings are normalised and the header end found
  input_limits limits{};
};

/// The header block of a message, LF line endings, repaired, and what was repaired.
struct normalised_input {
  std::string header;  // header block only, each line ending in '\n', no trailing blank line
  std::vector<fixup> fixups;
  bool had_body = false;  // a body followed the header block (it is never copied)
};

/// Normalises raw bytes (a pasted header block or a whole message) and keeps only the header
/// block. Never throws except std::bad_alloc; linear time in the bytes examined.
[[nodiscard]] normalised_input normalise_input(std::string_view bytes,
                                               const input_options& options = {});

/// For streaming readers: the number of bytes of `bytes` that a caller must have read so that
/// normalise_input() sees the whole header block, or 0 if the header end is not in `bytes` yet.
/// (With repair on, a blank line followed by more header-like fields does not end the block.)
[[nodiscard]] std::size_t header_end_offset(std::string_view bytes, bool repair) noexcept;

/// For streaming readers: normalise_input(bytes, options) when `bytes` hold the whole header
/// block, nullopt while its end is not in them yet (where header_end_offset() answers 0). One
/// pass over the header where header_end_offset() and then normalise_input() make two.
[[nodiscard]] std::optional<normalised_input> normalise_if_complete(
    std::string_view bytes, const input_options& options = {});

namespace detail {
/// normalise_input() with every line read by the general loop, none by the fast path for
/// ordinary lines: the reference that tests and the input fuzz target hold the fast path to.
[[nodiscard]] normalised_input normalise_input_line_by_line(std::string_view bytes,
                                                            const input_options& options = {});
}  // namespace detail

}  // namespace hopscope
