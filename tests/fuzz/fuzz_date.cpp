// Fuzz target: the date parser; a result must never claim more bytes than it was given.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "hopscope/datetime.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto t = hopscope::parse_mail_date(text);
  if (t) {
    if (t->consumed > size) std::abort();
    if (t->nanos < 0 || t->nanos > 999999999) std::abort();
    (void)hopscope::format_utc(t->epoch, t->nanos);
  }
  return 0;
}
