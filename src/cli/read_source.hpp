#pragma once
// Reading one input safely: only the header block (and a little after it), never blocking on a
// FIFO, never reading a device or directory, never more than a cap.

#include <cstddef>
#include <string>

#include <tl/expected.hpp>

namespace hopscope::cli {

struct source_error {
  std::string code;  // stable: not_found, permission_denied, is_a_directory, not_a_regular_file,
                     // read_error, empty_input
  std::string message;
};

struct read_options {
  bool repair = true;
  std::size_t max_bytes = (4u << 20) + (64u << 10);  // header cap plus look-ahead
};

/// Reads the start of `path` ("-" is stdin) up to the end of its header block.
[[nodiscard]] tl::expected<std::string, source_error> read_header_bytes(
    const std::string& path, const read_options& options);

}  // namespace hopscope::cli
