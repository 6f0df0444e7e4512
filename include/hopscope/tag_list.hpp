#pragma once
// RFC 6376 3.2 tag-value lists ("v=1; a=rsa-sha256; d=example.com; t=1690000000"), as used
// by DKIM-Signature, ARC-Seal and ARC-Message-Signature.

#include <string_view>
#include <utility>
#include <vector>

namespace hopscope {

/// Splits a tag list into (tag, value) pairs, whitespace around both trimmed; views into
/// `text`. Malformed items (no '=') are skipped. At most `max_tags` pairs. Linear time.
[[nodiscard]] std::vector<std::pair<std::string_view, std::string_view>> parse_tag_list(
    std::string_view text, std::size_t max_tags = 64);

}  // namespace hopscope
