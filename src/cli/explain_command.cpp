#include "cli/explain_command.hpp"

#include <CLI/CLI.hpp>

namespace hopscope::cli {

void add_explain_command(CLI::App&) {}
int run_explain_if_parsed() { return -1; }

}  // namespace hopscope::cli
