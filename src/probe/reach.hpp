#pragma once
// Reachability: ICMP echo where this process may send it, else a TCP connect.

#include <string_view>

#include "hopscope/probe.hpp"
#include "probe/net.hpp"

namespace hopscope::probe_detail {

[[nodiscard]] reachability_result check_reachability(std::string_view ip,
                                                     const probe_options& options,
                                                     clock::time_point probe_deadline);

}  // namespace hopscope::probe_detail
