// Micro-benchmark of the header work without I/O: every file named on the command line (or
// listed in a file given with --list) is read into memory first, then analysed N times the
// way the batch does it: the header block first, the whole message only for a possible bounce.
// Prints microseconds per message, for the analysis alone and with the JSON rendering the batch
// writes (best of N rounds each). Not a test: no assertion on time anywhere.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "hopscope/input.hpp"
#include "hopscope/render.hpp"
#include "hopscope/report.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> paths;
  int rounds = 5;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--rounds" && i + 1 < argc) {
      rounds = std::atoi(argv[++i]);
    } else if (arg == "--list" && i + 1 < argc) {
      std::ifstream list(argv[++i]);
      for (std::string line; std::getline(list, line);) {
        if (!line.empty()) paths.push_back(line);
      }
    } else {
      paths.push_back(arg);
    }
  }
  std::vector<std::string> messages;
  std::size_t bytes = 0;
  for (const auto& p : paths) {
    std::ifstream in(p, std::ios::binary);
    messages.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    bytes += messages.back().size();
  }
  if (messages.empty()) {
    std::fputs("usage: bench_parse [--rounds N] [--list FILE] FILE...\n", stderr);
    return 2;
  }
  hopscope::analyse_options options;
  options.whole_message = false;
  auto analyse = [&options](const std::string& m) {
    const std::size_t end = hopscope::header_end_offset(m, options.input.repair);
    const std::string_view header = std::string_view(m).substr(0, end == 0 ? m.size() : end);
    hopscope::analysis_report report = hopscope::analyse_message(header, "bench", options);
    if (report.needs_whole_message) hopscope::analyse_bounce(report, m, options);
    return report;
  };
  std::size_t hops = 0, json_bytes = 0;
  double best = 1e300, best_json = 1e300;
  for (int r = 0; r < rounds; ++r) {
    auto start = std::chrono::steady_clock::now();
    for (const auto& m : messages) hops += analyse(m).chain.hops.size();
    std::chrono::duration<double, std::micro> took = std::chrono::steady_clock::now() - start;
    best = std::min(best, took.count());
    start = std::chrono::steady_clock::now();
    for (const auto& m : messages) json_bytes += hopscope::render_json(analyse(m), false).size();
    took = std::chrono::steady_clock::now() - start;
    best_json = std::min(best_json, took.count());
  }
  const auto n = static_cast<double>(messages.size());
  std::printf(
      "%zu messages (%.1f MB), best of %d rounds: analysis %.2f us/message (%.0f/s), "
      "with JSON %.2f us/message (%.0f/s); %zu hops, %zu JSON bytes a round\n",
      messages.size(), static_cast<double>(bytes) / 1e6, rounds, best / n, n / (best / 1e6),
      best_json / n, n / (best_json / 1e6), hops / static_cast<std::size_t>(rounds),
      json_bytes / static_cast<std::size_t>(rounds));
  return 0;
}
