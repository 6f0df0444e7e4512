// Fuzz target: input repair and the streaming header-end finders must agree and never crash.
// normalise_if_complete() (what a batch reader runs) must find the end exactly when
// header_end_offset() does, and then give what normalise_input() gives; normalise_input()
// must give what its line-by-line reference gives.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "hopscope/input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  hopscope::input_options capped;
  capped.limits.max_header_bytes = 1u << 16;
  if (hopscope::normalise_input(bytes, capped).header.size() > capped.limits.max_header_bytes) {
    std::abort();
  }
  for (const bool repair : {true, false}) {
    hopscope::input_options options;  // the default cap, which header_end_offset() assumes
    options.repair = repair;
    const auto whole = hopscope::normalise_input(bytes, options);
    // The fast path for ordinary lines must read what the general loop reads.
    const auto reference = hopscope::detail::normalise_input_line_by_line(bytes, options);
    if (whole.header != reference.header || whole.had_body != reference.had_body ||
        whole.fixups.size() != reference.fixups.size()) {
      std::abort();
    }
    for (std::size_t i = 0; i < whole.fixups.size(); ++i) {
      if (whole.fixups[i].count != reference.fixups[i].count) std::abort();
    }
    const std::size_t end = hopscope::header_end_offset(bytes, repair);
    if (end > bytes.size()) std::abort();
    const auto streamed = hopscope::normalise_if_complete(bytes, options);
    if (streamed.has_value() != (end != 0)) std::abort();
    if (streamed && (streamed->header != whole.header || streamed->had_body != whole.had_body ||
                     streamed->fixups.size() != whole.fixups.size())) {
      std::abort();
    }
  }
  return 0;
}
