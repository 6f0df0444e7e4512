// merge_hop_json (see hop_annotations.hpp).

#include "cli/hop_annotations.hpp"

#include <nlohmann/json.hpp>

namespace hopscope::cli {

std::string merge_hop_json(std::string_view document, std::string_view key,
                           const std::vector<std::string>& values, bool pretty) {
  using json = nlohmann::ordered_json;
  json doc = json::parse(document, nullptr, false);
  if (!doc.is_object() || !doc.contains("hops") || !doc["hops"].is_array()) {
    return std::string(document);
  }
  json& hops = doc["hops"];
  for (std::size_t i = 0; i < values.size() && i < hops.size(); ++i) {
    if (values[i].empty() || !hops[i].is_object()) continue;
    json value = json::parse(values[i], nullptr, false);
    if (value.is_discarded()) continue;
    hops[i][std::string(key)] = std::move(value);
  }
  return doc.dump(pretty ? 2 : -1, ' ', false, json::error_handler_t::replace);
}

}  // namespace hopscope::cli
