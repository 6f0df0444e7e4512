#pragma once
// `hopscope probe HOST|IP...` and `hopscope mx DOMAIN... [--probe]`, and the probes of a chain
// for `hopscope analyze --probe`. Without the probe library (HOPSCOPE_PROBE=OFF) the commands are
// simply absent.

#include <optional>
#include <vector>

#include "hopscope/chain.hpp"

namespace CLI {
class App;
}

#if defined(HOPSCOPE_WITH_PROBE)
#include "hopscope/probe.hpp"
#endif

namespace hopscope::cli {

#if defined(HOPSCOPE_WITH_PROBE)
void add_probe_commands(CLI::App& app);
/// The exit code when `probe` or `mx` was chosen, else -1.
int run_probe_if_parsed();

/// `analyze --probe` and its settings (--allow-private, --port, --dns-server, timeouts ...).
void add_analyze_probe_options(CLI::App& analyze);
/// The probe settings when `analyze --probe` was given, else nullopt.
[[nodiscard]] std::optional<probe_options> analyze_probe_options();
#else
inline void add_probe_commands(CLI::App&) {}
inline int run_probe_if_parsed() { return -1; }
inline void add_analyze_probe_options(CLI::App&) {}
#endif

}  // namespace hopscope::cli
