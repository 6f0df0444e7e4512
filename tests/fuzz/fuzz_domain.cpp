// Fuzz target: the public suffix table (src/core/suffix_table.cpp) against libpsl reading the
// same text (psl_load_file() of psl_builtin_filename()). Not against psl_latest(): its DAFSA
// says x.m is a public suffix although the list has no rule for "m" (nor does libpsl's own
// reading of the text); this target found that, and the table follows the list. The input is mapped
// onto the bytes a host name may hold (registrable_domain() refuses any other): lower-case letters,
// digits, '-', '_' and dots. Wherever the table answers, it must say what psl_is_public_suffix()
// and psl_registrable_domain() say; and registrable_domain() must return the empty string or a
// suffix of the name (trailing dots dropped).
#include <libpsl.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "core/suffix_table.hpp"
#include "hopscope/domain.hpp"

namespace {

// The list's text as libpsl reads it; nullptr without the system list.
const psl_ctx_t* text_list() {
  static const psl_ctx_t* ctx =
      psl_builtin_filename() != nullptr ? psl_load_file(psl_builtin_filename()) : nullptr;
  return ctx;
}

// The table of the same text, read as registrable_domain() reads it (src/core/domain.cpp).
const hopscope::detail::suffix_table* table() {
  static const std::optional<hopscope::detail::suffix_table> loaded =
      []() -> std::optional<hopscope::detail::suffix_table> {
    if (text_list() == nullptr) return std::nullopt;
    std::ifstream in(psl_builtin_filename());
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return hopscope::detail::suffix_table::from_text(text.str());
  }();
  return loaded ? &*loaded : nullptr;
}

char host_byte(std::uint8_t b) {
  if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' || b == '_' || b == '.') {
    return static_cast<char>(b);
  }
  if (b >= 'A' && b <= 'Z') return static_cast<char>(b - 'A' + 'a');
  constexpr std::string_view k_others = "..-_0123456789";  // dots twice: labels matter most
  return k_others[b % k_others.size()];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 253) return 0;  // longer is not a host name: registrable_domain() refuses it
  std::string host(size, '\0');
  for (std::size_t i = 0; i < size; ++i) host[i] = host_byte(data[i]);

  const std::string domain = hopscope::registrable_domain(host);
  std::string_view name = host;  // as registrable_domain() reads it: trailing dots dropped
  while (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (!domain.empty() &&
      (domain.size() > name.size() || name.substr(name.size() - domain.size()) != domain)) {
    std::abort();
  }

  const auto* list = table();
  if (list == nullptr || !hopscope::detail::suffix_table::handles(host)) return 0;
  if (list->is_public(host) != (psl_is_public_suffix(text_list(), host.c_str()) != 0)) std::abort();
  const char* theirs = psl_registrable_domain(text_list(), host.c_str());
  const auto ours = list->registrable(host);
  if (!ours || *ours != std::string_view(theirs != nullptr ? theirs : "")) std::abort();
  return 0;
}
