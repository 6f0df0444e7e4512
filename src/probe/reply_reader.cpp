// SMTP reply reading under caps, and EHLO keyword parsing. Hand-written scanning only: server
// text is hostile input (no regex, no unbounded buffers).

#include "probe/reply_reader.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include "hopscope/header.hpp"  // iequals

namespace hopscope::probe_detail {
namespace {

bool digit(char c) noexcept { return c >= '0' && c <= '9'; }

}  // namespace

void reply_reader::fail(std::string code, std::string message) {
  status_ = reply_status::failed;
  error_ = probe_error{std::move(code), std::move(message)};
}

std::size_t reply_reader::feed(std::string_view data) {
  std::size_t used = 0;
  while (used < data.size() && status_ == reply_status::need_more) {
    const char c = data[used++];
    if (++total_ > limits_.max_reply_bytes) {
      fail("reply_too_large",
           "the reply went past " + std::to_string(limits_.max_reply_bytes) + " bytes");
      break;
    }
    if (c == '\n') {
      finish_line();
      continue;
    }
    // The line cap counts the CR too; a line that never ends stops here, not at the total cap.
    if (line_.size() >= limits_.max_line_bytes) {
      fail("line_too_long", "a reply line went past " + std::to_string(limits_.max_line_bytes) +
                                " bytes without an end of line");
      break;
    }
    line_ += c;
  }
  return used;
}

void reply_reader::finish_line() {
  std::string line = std::move(line_);
  line_.clear();
  // RFC 5321 wants CRLF; bare LF is common enough in broken servers to accept.
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (reply_.lines.size() >= limits_.max_lines) {
    fail("too_many_lines", "the reply went past " + std::to_string(limits_.max_lines) + " lines");
    return;
  }
  // "NNN", "NNN text" or "NNN-text": first digit 2-5 (RFC 5321 4.2), second 0-5.
  if (line.size() < 3 || !digit(line[0]) || !digit(line[1]) || !digit(line[2]) || line[0] < '2' ||
      line[0] > '5' || line[1] > '5') {
    fail("malformed_reply", "a reply line does not start with a reply code");
    reply_.lines.push_back(line);
    return;
  }
  const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (reply_.code != 0 && code != reply_.code) {
    fail("malformed_reply", "the reply code changed from " + std::to_string(reply_.code) + " to " +
                                std::to_string(code) + " inside one reply");
    return;
  }
  reply_.code = code;
  const bool last = line.size() == 3 || line[3] == ' ';
  if (line.size() > 3 && line[3] != ' ' && line[3] != '-') {
    fail("malformed_reply", "a reply code is followed by neither a space nor a hyphen");
    return;
  }
  reply_.lines.push_back(line.size() > 4 ? line.substr(4) : std::string());
  if (last) status_ = reply_status::complete;
}

}  // namespace hopscope::probe_detail

namespace hopscope {
namespace {

// Splits on spaces and tabs, at most `cap` words: a keyword line has few parameters, and a
// hostile one must not make us allocate thousands of strings.
std::vector<std::string_view> words(std::string_view s, std::size_t cap) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size() && out.size() < cap) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

}  // namespace

smtp_capabilities parse_ehlo_capabilities(const std::vector<std::string>& lines) {
  constexpr std::size_t k_max_words = 32;
  smtp_capabilities caps;
  for (std::size_t n = 1; n < lines.size(); ++n) {
    caps.keywords.push_back(lines[n]);
    const auto w = words(lines[n], k_max_words);
    if (w.empty()) continue;
    std::string_view key = w[0];
    std::vector<std::string_view> params(w.begin() + 1, w.end());
    // Old Outlook-era servers write "AUTH=LOGIN PLAIN" next to (or instead of) "AUTH LOGIN".
    if (key.size() > 5 && iequals(key.substr(0, 5), "AUTH=")) {
      params.insert(params.begin(), key.substr(5));
      key = key.substr(0, 4);
    }
    if (iequals(key, "SIZE")) {
      caps.size_advertised = true;
      if (!params.empty()) {
        std::uint64_t v = 0;
        bool ok = !params[0].empty() && params[0].size() <= 19;
        for (const char c : params[0]) {
          if (c < '0' || c > '9') {
            ok = false;
            break;
          }
          v = v * 10 + static_cast<std::uint64_t>(c - '0');
        }
        if (ok) caps.size = v;
      }
    } else if (iequals(key, "PIPELINING")) {
      caps.pipelining = true;
    } else if (iequals(key, "STARTTLS")) {
      caps.starttls = true;
    } else if (iequals(key, "8BITMIME")) {
      caps.eight_bit_mime = true;
    } else if (iequals(key, "SMTPUTF8")) {
      caps.smtputf8 = true;
    } else if (iequals(key, "CHUNKING")) {
      caps.chunking = true;
    } else if (iequals(key, "DSN")) {
      caps.dsn = true;
    } else if (iequals(key, "ENHANCEDSTATUSCODES")) {
      caps.enhanced_status_codes = true;
    } else if (iequals(key, "BINARYMIME")) {
      caps.binary_mime = true;
    } else if (iequals(key, "REQUIRETLS")) {
      caps.requiretls = true;
    } else if (iequals(key, "AUTH")) {
      for (const auto p : params) {
        bool seen = false;
        for (const auto& m : caps.auth) seen = seen || iequals(m, p);
        if (!seen) caps.auth.emplace_back(p);
      }
    }
  }
  return caps;
}

}  // namespace hopscope
