#include "hopscope/tag_list.hpp"

namespace hopscope {
namespace {

std::string_view trim(std::string_view s) noexcept {
  const auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

std::vector<std::pair<std::string_view, std::string_view>> parse_tag_list(std::string_view text,
                                                                          std::size_t max_tags) {
  std::vector<std::pair<std::string_view, std::string_view>> tags;
  std::size_t pos = 0;
  while (pos <= text.size() && tags.size() < max_tags) {
    std::size_t end = text.find(';', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view item = text.substr(pos, end - pos);
    const std::size_t eq = item.find('=');
    if (eq != std::string_view::npos) {
      const std::string_view tag = trim(item.substr(0, eq));
      if (!tag.empty()) tags.emplace_back(tag, trim(item.substr(eq + 1)));
    }
    pos = end + 1;
  }
  return tags;
}

}  // namespace hopscope
