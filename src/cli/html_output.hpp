#pragma once
// `hopscope analyze --html FILE`: one message in, one self-contained HTML report out.

#include <string>
#include <vector>

#include "cli/batch.hpp"

namespace hopscope::cli {

/// Analyses the single input (none or "-": stdin) with `config.analyse` / `config.read` and
/// writes the HTML report to `output` ("-": stdout). More than one input, a directory or an
/// mbox of several messages is a usage error: a report is about one message. Errors go to
/// stderr. Returns k_exit_ok, k_exit_some_failed (unreadable input, unwritable output) or
/// k_exit_usage.
[[nodiscard]] int write_html_report(const std::vector<std::string>& inputs,
                                    const std::string& output, const batch_config& config);

/// Writes `text` to `path` ("-": stdout), replacing the file; false (and `error` set) on
/// failure. A file is written beside its final name and renamed, so a failed run never
/// leaves half a report where the old one was.
[[nodiscard]] bool write_text_file(const std::string& path, const std::string& text,
                                   std::string& error);

}  // namespace hopscope::cli
