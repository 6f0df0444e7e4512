#pragma once
// `hopscope probe HOST|IP...` and `hopscope mx DOMAIN... [--probe]`, and the probes of a chain
// for `hopscope analyze --probe`. Without the probe library (HOPSCOPE_PROBE=OFF) the commands are
// simply absent.

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

/// One result per hop, in hop order: hops without a client IP, and non-global ones unless
/// options.allow_private, come back with `skipped` set. A probe never throws here (errors are
/// in the results), so the analysis itself never fails because of one.
[[nodiscard]] std::vector<probe_result> probe_chain(const hop_chain& chain,
                                                    const probe_options& options);
#else
inline void add_probe_commands(CLI::App&) {}
inline int run_probe_if_parsed() { return -1; }
#endif

}  // namespace hopscope::cli
