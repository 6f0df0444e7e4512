// hopscope: the command-line tool. It owns every policy the library leaves open: arguments,
// files, colours, output format and exit codes.

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cli/batch.hpp"
#if defined(HOPSCOPE_WITH_PROBE)
#include "cli/chain_probe.hpp"
#endif
#include "cli/csv_output.hpp"
#include "cli/explain_command.hpp"
#include "cli/html_output.hpp"
#include "cli/probe_command.hpp"

namespace {

struct analyze_args {
  std::vector<std::string> inputs;
  std::string files_from;
  bool files_from_nul = false;
  bool json = false;
  bool ndjson = false;
  std::string csv;
  std::string html;
  bool pretty = false;
  bool summary = false;
  bool no_repair = false;
  bool follow = false;
  bool quiet = false;
  unsigned jobs = 0;
  std::string max_size;
  std::string colour = "auto";
  std::vector<std::string> trusted_hosts;
  std::vector<std::string> internal_nets;
};

bool use_colour(const std::string& choice) {
  if (choice == "always") return true;
  if (choice == "never") return false;
  const char* no_colour = std::getenv("NO_COLOR");
  if (no_colour != nullptr && *no_colour != '\0') return false;
  return ::isatty(STDOUT_FILENO) == 1;
}

// "512M", "2G", "100000": bytes.
std::optional<std::uint64_t> parse_size(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  std::size_t i = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    if (value > (std::uint64_t{1} << 50)) return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(text[i] - '0');
  }
  if (i == 0) return std::nullopt;
  const std::string unit = text.substr(i);
  if (unit.empty() || unit == "B") return value;
  if (unit == "K" || unit == "KiB") return value << 10;
  if (unit == "M" || unit == "MiB") return value << 20;
  if (unit == "G" || unit == "GiB") return value << 30;
  return std::nullopt;
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "hopscope: %s\n", message.c_str());
  return hopscope::cli::k_exit_usage;
}

int run_analyze(analyze_args args) {
  using hopscope::cli::output_format;
  hopscope::cli::batch_config config;
  config.format = args.ndjson         ? output_format::ndjson
                  : args.json         ? output_format::json
                  : !args.csv.empty() ? output_format::csv_hops
                                      : output_format::text;
  config.pretty = args.pretty || config.format == output_format::json;
  config.summary_only = args.summary;
  config.analyse.input.repair = !args.no_repair;
  config.analyse.chain.trusted_hosts = args.trusted_hosts;
  config.analyse.chain.internal_networks = args.internal_nets;
  config.read.repair = config.analyse.input.repair;
  config.read.max_header_bytes = config.analyse.input.limits.max_header_bytes + (64u << 10);
  if (!args.max_size.empty()) {
    const auto size = parse_size(args.max_size);
    if (!size) return usage_error("--max-size: expected a size such as 100M or 2G");
    config.read.max_file_bytes = *size;
  }
  config.walk.follow_symlinks = args.follow;
  config.render.colour = use_colour(args.colour);
  config.jobs = args.jobs != 0 ? args.jobs : std::max(1u, std::thread::hardware_concurrency());
  config.progress = !args.quiet && ::isatty(STDERR_FILENO) == 1 && ::isatty(STDOUT_FILENO) == 0;

  std::vector<std::string> inputs = args.inputs;
  if (!args.files_from.empty()) {
    if (args.files_from == "-" && std::find(inputs.begin(), inputs.end(), "-") != inputs.end()) {
      return usage_error("--files-from - and - both read standard input");
    }
    auto listed = hopscope::cli::read_path_list(args.files_from, args.files_from_nul);
    if (!listed) return usage_error(listed.error().message);
    config.first_listed = inputs.size();
    inputs.insert(inputs.end(), listed->begin(), listed->end());
  } else if (inputs.empty()) {
    inputs.push_back("-");
  }
  if (inputs.size() == 1 && inputs[0] == "-" && ::isatty(STDIN_FILENO) == 1) {
    std::fputs("Paste the message headers, then press Ctrl-D on an empty line.\n", stderr);
  }
#if defined(HOPSCOPE_WITH_PROBE)
  if (auto probe = hopscope::cli::analyze_probe_options()) {
    if (args.summary) return usage_error("--probe and --summary do not go together");
    // Shared by the worker threads, so that each address is probed once per run.
    auto prober = std::make_shared<hopscope::cli::chain_prober>(std::move(*probe));
    config.annotate = [prober](const hopscope::analysis_report& report) {
      return prober->annotate(report);
    };
  }
#endif
  if (!args.html.empty()) return hopscope::cli::write_html_report(inputs, args.html, config);
  if (config.format == output_format::csv_hops && !config.summary_only) {
    const std::string header = hopscope::cli::csv_header();
    if (::write(STDOUT_FILENO, header.data(), header.size()) < 0) return hopscope::cli::k_exit_ok;
  }
  return hopscope::cli::run_batch(inputs, config);
}

}  // namespace

int main(int argc, char** argv) {
  hopscope::cli::install_interrupt_handlers();
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
                      "Message files, directories (walked), mbox files, Maildirs; - or none "
                      "for stdin");
  analyze->add_option("--files-from", args.files_from, "Read input paths from FILE (- for stdin)");
  analyze->add_flag("-0,--null", args.files_from_nul, "--files-from list is NUL-separated");
  auto* json = analyze->add_flag("--json", args.json, "Print JSON (one object for one message)");
  auto* ndjson = analyze->add_flag("--ndjson", args.ndjson,
                                   "Print one JSON object per message per line, in input order");
  auto* csv = analyze->add_option("--csv", args.csv, "Print CSV: 'hops' writes one row per hop")
                  ->check(CLI::IsMember({"hops"}));
  auto* html = analyze->add_option("--html", args.html,
                                   "Write a self-contained HTML report of one message to FILE "
                                   "(- for stdout)");
  ndjson->excludes(json);
  csv->excludes(json)->excludes(ndjson);
  html->excludes(json)->excludes(ndjson)->excludes(csv);
  analyze->add_flag("--summary", args.summary,
                    "Print a batch summary instead of each message (JSON with --json/--ndjson)");
  analyze->add_option("-j,--jobs", args.jobs, "Worker threads (default: the number of cores)")
      ->check(CLI::Range(1u, 256u));
  analyze->add_flag("--pretty", args.pretty, "Indent JSON output");
  analyze->add_flag("--no-repair", args.no_repair,
                    "Do not repair pasted text (indentation, quoting, blank lines)");
  analyze->add_flag("--follow", args.follow, "Follow symbolic links in directories");
  analyze
      ->add_option("--trusted-host", args.trusted_hosts,
                   "A host (and its subdomains) of the receiving side (repeatable)")
      ->allow_extra_args(false);
  analyze
      ->add_option("--internal-net", args.internal_nets,
                   "A network of the receiving side, as CIDR (repeatable)")
      ->allow_extra_args(false);
  analyze->add_option("--max-size", args.max_size, "Skip files larger than this (default 8G)");
  analyze->add_flag("-q,--quiet", args.quiet, "No progress line");
  analyze->add_option("--color,--colour", args.colour, "Colour: auto, always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  hopscope::cli::add_analyze_probe_options(*analyze);
  analyze->footer(
      "Examples:\n"
      "  hopscope analyze samples/o365-phishing-long-chain.eml\n"
      "  hopscope analyze --html report.html message.eml\n"
      "  hopscope analyze --probe --json message.eml   (contacts the hops' servers)\n"
      "  hopscope analyze --ndjson -j4 ~/Maildir > out.ndjson\n"
      "  find /srv/mail -name '*.eml' -print0 | hopscope analyze --files-from - -0 --ndjson\n"
      "  hopscope analyze --summary archive.mbox");

  hopscope::cli::add_explain_command(app);
  hopscope::cli::add_probe_commands(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return hopscope::cli::k_exit_usage;  // CLI11 would exit 100-127; scripts expect 2 for usage
                                         // errors
  }
  if (analyze->parsed()) return run_analyze(std::move(args));
  if (const int code = hopscope::cli::run_explain_if_parsed(); code >= 0) return code;
  if (const int code = hopscope::cli::run_probe_if_parsed(); code >= 0) return code;
  return hopscope::cli::k_exit_usage;
}
