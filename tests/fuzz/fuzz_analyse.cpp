// Fuzz target: the whole pipeline, bytes to rendered text and JSON.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "hopscope/render.hpp"
#include "hopscope/report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto report = hopscope::analyse_message(bytes, "fuzz");
  for (const auto& hop : report.chain.hops) {
    if (hop.delay_seconds && *hop.delay_seconds < 0) std::abort();  // never a negative delay
  }
  (void)hopscope::render_text(report);
  // The JSON must parse back: it is valid UTF-8 whatever the input was.
  if (!nlohmann::json::accept(hopscope::render_json(report))) std::abort();
  return 0;
}
