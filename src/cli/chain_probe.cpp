// analyze --probe (see chain_probe.hpp).

#include "cli/chain_probe.hpp"

#include <exception>
#include <sstream>

#include "cli/probe_render.hpp"

namespace hopscope::cli {

std::vector<probe_result> chain_prober::probe(const hop_chain& chain) {
  std::vector<probe_result> out(chain.hops.size());
  std::vector<std::shared_future<probe_result>> pending(chain.hops.size());
  std::vector<probe_target> mine;                    // addresses this call has to probe
  std::vector<std::promise<probe_result>> promises;  // their results, for other threads too
  {
    const std::lock_guard lock(cache_mutex_);
    for (std::size_t i = 0; i < chain.hops.size(); ++i) {
      const auto& ip = chain.hops[i].received.ip;
      if (!ip) {
        out[i].skipped = "no client IP address in this hop";
        continue;
      }
      const std::string text = ip->to_string();
      auto it = cache_.find(text);
      if (it == cache_.end()) {
        promises.emplace_back();
        it = cache_.emplace(text, promises.back().get_future().share()).first;
        mine.push_back({text, text});
      }
      pending[i] = it->second;
    }
  }
  if (!mine.empty()) {
    std::vector<probe_result> results;
    try {
      const std::lock_guard lock(run_mutex_);
      results = run_probes(mine, options_);
    } catch (const std::exception& e) {
      // Only thread creation or allocation can throw here; the analysis still stands.
      results.assign(mine.size(), probe_result{});
      for (std::size_t k = 0; k < mine.size(); ++k) {
        results[k].target = results[k].ip = mine[k].ip;
        results[k].skipped = std::string("probe failed: ") + e.what();
      }
    }
    for (std::size_t k = 0; k < mine.size(); ++k) promises[k].set_value(std::move(results[k]));
  }
  for (std::size_t i = 0; i < chain.hops.size(); ++i) {
    if (pending[i].valid()) out[i] = pending[i].get();
  }
  return out;
}

hop_annotations chain_prober::annotate(const analysis_report& report) {
  const std::vector<probe_result> results = probe(report.chain);
  hop_annotations a;
  a.text.resize(results.size());
  a.json.resize(results.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    const probe_result& r = results[i];
    a.json[i] = probe_to_json(r, options_.transcript)
                    .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (r.skipped) {
      a.text[i].push_back("probe skipped: " + *r.skipped);
      continue;
    }
    // render_probe_text's first line names the target, which the hop row already shows; the
    // rest are indented detail lines. The text renderer escapes them again, which leaves
    // already-escaped text as it is.
    std::istringstream lines(render_probe_text(r, options_.transcript));
    std::string line;
    std::getline(lines, line);
    while (std::getline(lines, line)) {
      const auto start = line.find_first_not_of(' ');
      if (start == std::string::npos) continue;
      line.erase(0, start);
      // "dns:          PTR ..." was aligned for its own block; under a hop row one space does.
      if (const auto colon = line.find(":  "); colon != std::string::npos) {
        const auto value = line.find_first_not_of(' ', colon + 1);
        line.replace(colon + 1, value == std::string::npos ? 0 : value - colon - 1, " ");
      }
      a.text[i].push_back("probe " + line);
    }
  }
  return a;
}

}  // namespace hopscope::cli
