// hopscope: the command-line tool. It owns every policy the library leaves open: arguments,
// files, colours, output format and exit codes.

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli/explain_command.hpp"
#include "cli/read_source.hpp"
#include "hopscope/render.hpp"
#include "hopscope/report.hpp"

namespace {

constexpr int k_exit_ok = 0;
constexpr int k_exit_some_failed = 1;
constexpr int k_exit_usage = 2;

enum class output_format { text, json, ndjson };

struct analyze_args {
  std::vector<std::string> inputs;
  bool json = false;
  bool ndjson = false;
  bool pretty = false;
  bool no_repair = false;
  std::string colour = "auto";
};

// Writes everything or reports failure (a closed pipe ends the run quietly).
bool write_out(std::string_view s) {
  std::size_t done = 0;
  while (done < s.size()) {
    const ssize_t n = ::write(STDOUT_FILENO, s.data() + done, s.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

bool use_colour(const std::string& choice) {
  if (choice == "always") return true;
  if (choice == "never") return false;
  const char* no_colour = std::getenv("NO_COLOR");
  if (no_colour != nullptr && *no_colour != '\0') return false;
  return ::isatty(STDOUT_FILENO) == 1;
}

int run_analyze(const analyze_args& args) {
  const output_format format = args.ndjson ? output_format::ndjson
                               : args.json ? output_format::json
                                           : output_format::text;
  std::vector<std::string> inputs = args.inputs;
  if (inputs.empty()) inputs.push_back("-");
  if (format == output_format::json && inputs.size() > 1) {
    std::fputs("hopscope: --json prints one object; use --ndjson for several inputs\n", stderr);
    return k_exit_usage;
  }
  hopscope::analyse_options options;
  options.input.repair = !args.no_repair;
  hopscope::cli::read_options read;
  read.repair = options.input.repair;
  read.max_bytes = options.input.limits.max_header_bytes + (64u << 10);
  const hopscope::render_options render{use_colour(args.colour)};

  if (inputs.size() == 1 && inputs[0] == "-" && ::isatty(STDIN_FILENO) == 1) {
    std::fputs("Paste the message headers, then press Ctrl-D on an empty line.\n", stderr);
  }
  bool failed = false;
  bool first = true;
  for (const auto& path : inputs) {
    auto bytes = hopscope::cli::read_header_bytes(path, read);
    std::string out;
    if (bytes) {
      const auto report = hopscope::analyse_message(*bytes, path, options);
      if (report.field_count == 0) {
        bytes = tl::unexpected(hopscope::cli::source_error{
            "no_header_fields", path + ": no header fields found: this is not a mail message"});
      } else if (format == output_format::text) {
        out = (first ? "" : "\n") + hopscope::render_text(report, render);
      } else {
        out = hopscope::render_json(report, args.pretty || format == output_format::json) + "\n";
      }
    }
    if (!bytes) {
      failed = true;
      const auto& e = bytes.error();
      if (format == output_format::text) {
        std::fprintf(stderr, "hopscope: %s\n", hopscope::escape_for_terminal(e.message).c_str());
      } else {
        out = hopscope::render_json_error(path, e.code, e.message) + "\n";
      }
    }
    first = false;
    if (!write_out(out)) return failed ? k_exit_some_failed : k_exit_ok;  // reader went away
  }
  return failed ? k_exit_some_failed : k_exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a closed pipe is an EPIPE write error, handled quietly
  CLI::App app{"hopscope: explains where an email has been, from its headers.", "hopscope"};
  app.set_version_flag(
      "--version", std::string("hopscope ") + HOPSCOPE_VERSION + " (" + HOPSCOPE_BUILD_INFO + ")");
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  hopscope analyze message.eml\n"
      "  hopscope analyze --json message.eml | jq .hops\n"
      "  pbpaste | hopscope analyze          (paste headers, Ctrl-D to end)");

  analyze_args args;
  auto* analyze =
      app.add_subcommand("analyze", "Rebuild and explain the Received chain of messages");
  analyze->alias("analyse");
  analyze->add_option("inputs", args.inputs,
                      "Message files or pasted headers; - or none for stdin");
  auto* json = analyze->add_flag("--json", args.json, "Print one JSON object");
  analyze->add_flag("--ndjson", args.ndjson, "Print one JSON object per input per line")
      ->excludes(json);
  analyze->add_flag("--pretty", args.pretty, "Indent JSON output");
  analyze->add_flag("--no-repair", args.no_repair,
                    "Do not repair pasted text (indentation, quoting, blank lines)");
  analyze->add_option("--color,--colour", args.colour, "Colour: auto, always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  analyze->footer(
      "Examples:\n"
      "  hopscope analyze samples/gmail-delivered.eml\n"
      "  hopscope analyze --ndjson a.eml b.eml > out.ndjson\n"
      "  hopscope analyze - < pasted-headers.txt");

  hopscope::cli::add_explain_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return k_exit_usage;  // CLI11 would exit 100-127; scripts expect 2 for usage errors
  }
  if (analyze->parsed()) return run_analyze(args);
  if (const int code = hopscope::cli::run_explain_if_parsed(); code >= 0) return code;
  return k_exit_usage;
}
