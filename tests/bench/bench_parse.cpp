// Micro-benchmark of the header work without I/O: every file named on the command line (or
// listed in a file given with --list) is read into memory first, then analysed N times.
// Prints microseconds per message. Not a test: no assertion on time anywhere.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

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
  std::size_t hops = 0;
  double best = 1e300;
  for (int r = 0; r < rounds; ++r) {
    const auto start = std::chrono::steady_clock::now();
    for (const auto& m : messages) hops += hopscope::analyse_message(m, "bench").chain.hops.size();
    const std::chrono::duration<double, std::micro> took = std::chrono::steady_clock::now() - start;
    best = std::min(best, took.count());
  }
  std::printf(
      "%zu messages (%.1f MB), best of %d rounds: %.2f us/message, %.0f messages/s (%zu hops)\n",
      messages.size(), static_cast<double>(bytes) / 1e6, rounds,
      best / static_cast<double>(messages.size()),
      static_cast<double>(messages.size()) / (best / 1e6), hops / static_cast<std::size_t>(rounds));
  return 0;
}
