// Micro-benchmark of the header work without I/O: every file named on the command line (or
// listed in a file given with --list) is read into memory first, then analysed N times the
// way the batch does it: the header block first, the whole message only for a possible bounce.
// Prints microseconds per message, for the analysis alone and with the JSON rendering the batch
// writes (best of N rounds each). With --stages it also times the analysis stage by stage, to
// show where a message's time goes. Not a test: no assertion on time anywhere.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "hopscope/auth.hpp"
#include "hopscope/chain.hpp"
#include "hopscope/dsn.hpp"
#include "hopscope/header.hpp"
#include "hopscope/input.hpp"
#include "hopscope/render.hpp"
#include "hopscope/report.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

// The best of `rounds` runs of `round`, in microseconds; `reset` runs before each, untimed.
template <typename Reset, typename Round>
double best_of(int rounds, Reset reset, Round round) {
  double best = 1e300;
  for (int r = 0; r < rounds; ++r) {
    reset();
    const auto start = clock_type::now();
    round();
    const std::chrono::duration<double, std::micro> took = clock_type::now() - start;
    best = std::min(best, took.count());
  }
  return best;
}

// The analysis cut at the public API's seams, each stage run over every message on the
// previous stage's results: the header block (normalised and split), the Received chain (the
// part of the work the Python baseline does too; here without the chain context that Date,
// DKIM t= and origin hints add), authentication, and the bounce reading of possible bounces.
// The stages add up to a little less than analyse_message(): the summary fields and the chain
// context are left out.
void print_stages(const std::vector<std::string>& messages, const hopscope::analyse_options& o,
                  int rounds) {
  std::vector<hopscope::header_block> blocks(messages.size());
  std::vector<hopscope::hop_chain> chains(messages.size());
  std::size_t kept = 0;  // read from every result, so no stage can be optimised away
  const double header = best_of(
      rounds, [&] { blocks.assign(messages.size(), {}); },
      [&] {
        for (std::size_t i = 0; i < messages.size(); ++i) {
          const std::size_t end = hopscope::header_end_offset(messages[i], o.input.repair);
          const std::string_view bytes(messages[i].data(), end == 0 ? messages[i].size() : end);
          blocks[i] = hopscope::split_header_block(hopscope::normalise_input(bytes, o.input).header,
                                                   o.header);
          kept += blocks[i].size();
        }
      });
  const double chain = best_of(
      rounds, [&] { chains.assign(messages.size(), {}); },
      [&] {
        std::vector<hopscope::received_field> fields;
        for (std::size_t i = 0; i < messages.size(); ++i) {
          fields.clear();
          for (std::size_t f = 0; f < blocks[i].size(); ++f) {
            if (hopscope::iequals(blocks[i].name(f), "Received")) {
              fields.push_back({fields.size(), blocks[i].unfolded_value(f)});
            }
          }
          chains[i] = hopscope::analyse_chain(fields, o.chain);
          kept += chains[i].hops.size();
        }
      });
  const double auth = best_of(
      rounds, [] {},
      [&] {
        for (std::size_t i = 0; i < messages.size(); ++i) {
          kept += hopscope::analyse_authentication(blocks[i], chains[i]).results.size();
        }
      });
  std::size_t bounces = 0;
  const double bounce = best_of(
      rounds, [&] { bounces = 0; },
      [&] {
        for (std::size_t i = 0; i < messages.size(); ++i) {
          if (!hopscope::may_be_bounce(blocks[i])) continue;
          if (hopscope::parse_bounce(messages[i], blocks[i])) ++bounces;
        }
      });
  const auto n = static_cast<double>(messages.size());
  std::printf(
      "stages, us/message (best of %d rounds each): header block %.2f, Received chain %.2f, "
      "authentication %.2f, bounces %.2f (%zu read); %zu values kept\n",
      rounds, header / n, chain / n, auth / n, bounce / n, bounces, kept);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> paths;
  int rounds = 5;
  bool stages = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--rounds" && i + 1 < argc) {
      rounds = std::atoi(argv[++i]);
    } else if (arg == "--stages") {
      stages = true;
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
    std::fputs("usage: bench_parse [--rounds N] [--stages] [--list FILE] FILE...\n", stderr);
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
  if (stages) print_stages(messages, options, rounds);
  return 0;
}
