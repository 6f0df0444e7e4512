#pragma once
// `hopscope explain`: explains SMTP reply codes, enhanced status codes and whole replies.

namespace CLI {
class App;
}

namespace hopscope::cli {

/// Adds the `explain` subcommand to `app`; returns a function main() calls when it was chosen.
/// (Being written: see issue 4.)
int run_explain_if_parsed();
void add_explain_command(CLI::App& app);

}  // namespace hopscope::cli
