// Fuzz target: header splitting, unfolding and RFC 2047 decoding.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "hopscope/header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  hopscope::header_limits limits;
  limits.max_fields = 200;
  limits.max_field_bytes = 4096;
  const auto block = hopscope::split_header_block(std::move(text), limits);
  if (block.size() > limits.max_fields) std::abort();
  for (std::size_t i = 0; i < block.size(); ++i) {
    if (block.raw_value(i).size() > limits.max_field_bytes) std::abort();
    (void)hopscope::decode_encoded_words(block.unfolded_value(i));
  }
  return 0;
}
