// Fuzz target: input repair and the streaming header-end finder must agree and never crash.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "hopscope/input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  hopscope::input_options options;
  options.limits.max_header_bytes = 1u << 16;
  const auto repaired = hopscope::normalise_input(bytes, options);
  if (repaired.header.size() > options.limits.max_header_bytes) std::abort();
  options.repair = false;
  (void)hopscope::normalise_input(bytes, options);
  const std::size_t end = hopscope::header_end_offset(bytes, true);
  if (end > bytes.size()) std::abort();
  return 0;
}
