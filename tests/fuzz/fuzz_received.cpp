// Fuzz target: the Received tokenizer and MTA conventions.
#include <cstdint>
#include <string_view>

#include "hopscope/received.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view value(reinterpret_cast<const char*>(data), size);
  const auto hop = hopscope::parse_received(value);
  if (hop.ip) (void)hop.ip->to_string();
  return 0;
}
