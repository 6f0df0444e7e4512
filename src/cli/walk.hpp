#pragma once
// Turning command-line inputs (files, directories, Maildirs, "-", --files-from lists) into an
// ordered stream of entries to analyse.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/read_source.hpp"

namespace hopscope::cli {

struct input_entry {
  std::string path;                   // what to open ("-" for stdin)
  std::optional<source_error> error;  // set when the entry is skipped (the run goes on)
  bool single_message = false;        // inside a Maildir: never an mbox
  // From a --files-from list, and not stat()ed: a list names files by the thousand, and one
  // path lookup each is enough (the reader's). If it turns out to be a directory, the worker
  // that opened it walks it.
  bool listed = false;
};

struct walk_options {
  bool follow_symlinks = false;  // in directories; with loop detection when on
};

/// Calls `emit` for each entry, in a reproducible order (directory entries sorted by name,
/// depth first, no recursion). Stops early when `emit` returns false. Inputs from index
/// `first_listed` on came from --files-from: they are emitted as they are, marked `listed`.
void expand_inputs(const std::vector<std::string>& inputs, const walk_options& options,
                   const std::function<bool(input_entry)>& emit,
                   std::size_t first_listed = static_cast<std::size_t>(-1));

/// Reads a --files-from list: one path per line, or NUL-separated. "-" reads stdin.
[[nodiscard]] tl::expected<std::vector<std::string>, source_error> read_path_list(
    const std::string& list_path, bool nul_separated);

}  // namespace hopscope::cli
