// `hopscope explain`: explains SMTP reply codes, enhanced status codes and whole server replies
// from the knowledge base compiled into the library. No network.

#include "cli/explain_command.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <string>
#include <vector>

#include "hopscope/render.hpp"
#include "hopscope/smtp_reply.hpp"

namespace hopscope::cli {
namespace {

constexpr int k_exit_ok = 0;
constexpr int k_exit_unknown = 1;
constexpr std::size_t k_max_stdin_bytes = 1u << 20;

struct explain_args {
  std::vector<std::string> inputs;
  bool json = false;
};

explain_args g_args;
CLI::App* g_command = nullptr;

bool write_all(int fd, std::string_view s) {
  std::size_t done = 0;
  while (done < s.size()) {
    const ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// Reads stdin up to the cap; `truncated` says there was more.
std::string read_stdin(bool& truncated) {
  std::string data;
  char buffer[65536];
  truncated = false;
  while (true) {
    const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (n == 0) break;
    const std::size_t room = k_max_stdin_bytes - data.size();
    const auto got = static_cast<std::size_t>(n);
    data.append(buffer, std::min(got, room));
    if (got > room) {
      truncated = true;
      break;
    }
  }
  return data;
}

bool blank(std::string_view s) {
  for (const char c : s)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  return true;
}

// Splits pasted text into items: a whole (multi-line) reply where one starts, else one line.
// So "550\n5.1.1\n" is two codes and "550-5.7.26 a\n550 5.7.26 b\n" is one reply.
std::vector<std::string> split_pasted(std::string_view text) {
  std::vector<std::string> items;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    const std::string_view line = text.substr(pos, eol - pos);
    if (blank(line)) {
      pos = eol + 1;
      continue;
    }
    const auto reply = parse_smtp_reply(text.substr(pos));
    if (reply && reply->consumed > 0) {
      items.emplace_back(text.substr(pos, reply->consumed));
      pos += reply->consumed;
      // A reply cut short by the parser's caps ends mid-line: the rest of that line is part of
      // it, not a new item.
      if (text[pos - 1] != '\n') {
        const std::size_t end = text.find('\n', pos);
        pos = end == std::string_view::npos ? text.size() : end + 1;
      }
    } else {
      items.emplace_back(line);
      pos = eol + 1;
    }
  }
  return items;
}

// --- JSON, written by hand: the CLI does not link the JSON renderer's library and the shape is
// small. Every string goes through to_valid_utf8 first (message bytes may be anything).
void json_string(std::string& out, std::string_view s) {
  const std::string valid = to_valid_utf8(s);
  out += '"';
  for (const char c : valid) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < 0x20 || u == 0x7f) {
          static constexpr char k_hex[] = "0123456789abcdef";
          out += "\\u00";
          out += k_hex[u >> 4];
          out += k_hex[u & 15];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void json_key(std::string& out, std::string_view key) {
  if (out.back() != '{') out += ',';
  json_string(out, key);
  out += ':';
}

void json_field(std::string& out, std::string_view key, std::string_view value) {
  json_key(out, key);
  json_string(out, value);
}

void json_field(std::string& out, std::string_view key, bool value) {
  json_key(out, key);
  out += value ? "true" : "false";
}

void json_list(std::string& out, std::string_view key, const std::vector<std::string>& values) {
  json_key(out, key);
  out += '[';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    json_string(out, values[i]);
  }
  out += ']';
}

void json_context(std::string& out, const text_explanation& te, std::size_t index) {
  json_field(out, "input", te.input);
  json_key(out, "input_index");
  out += std::to_string(index);
  json_key(out, "reply");
  if (te.reply) {
    out += '{';
    json_key(out, "code");
    out += std::to_string(te.reply->code);
    json_key(out, "status");
    if (te.reply->status) {
      json_string(out, to_string(*te.reply->status));
    } else {
      out += "null";
    }
    json_field(out, "text", te.reply->text);
    json_list(out, "lines", te.reply->lines);
    json_key(out, "notes");
    out += '[';
    for (std::size_t i = 0; i < te.reply->notes.size(); ++i) {
      out += i > 0 ? ",{" : "{";
      json_field(out, "code", te.reply->notes[i].code);
      json_field(out, "message", te.reply->notes[i].message);
      out += '}';
    }
    out += "]}";
  } else {
    out += "null";
  }
  json_key(out, "vendor");
  out += '[';
  for (std::size_t i = 0; i < te.vendor.size(); ++i) {
    const auto& v = te.vendor[i];
    out += i > 0 ? ",{" : "{";
    json_field(out, "id", v.id);
    json_field(out, "vendor", v.vendor);
    json_field(out, "matched", v.matched);
    json_field(out, "title", v.title);
    json_field(out, "meaning", v.meaning);
    json_field(out, "who_acts", v.who_acts);
    json_field(out, "what_to_try", v.what_to_try);
    json_field(out, "reference", v.reference);
    json_key(out, "permanent");
    out += v.permanent ? (*v.permanent ? "true" : "false") : "null";
    out += '}';
  }
  out += ']';
  json_key(out, "contradictions");
  out += '[';
  for (std::size_t i = 0; i < te.contradictions.size(); ++i) {
    out += i > 0 ? ",{" : "{";
    json_field(out, "code", te.contradictions[i].code);
    json_field(out, "message", te.contradictions[i].message);
    out += '}';
  }
  out += ']';
}

// One object per code; an input with no code gives one object with kind "unknown" and an
// error, so every input is accounted for.
void render_json_item(std::string& out, const text_explanation& te, std::size_t index,
                      bool& first) {
  auto open = [&] {
    out += first ? "[\n{" : ",\n{";
    first = false;
  };
  if (te.codes.empty()) {
    open();
    json_key(out, "code");
    out += "null";
    json_field(out, "kind", std::string_view("unknown"));
    json_field(out, "error", std::string_view("no_code_found"));
    json_context(out, te, index);
    out += '}';
    return;
  }
  for (const auto& e : te.codes) {
    open();
    json_field(out, "code", e.code);
    json_field(out, "kind", e.kind);
    json_field(out, "title", e.title);
    json_field(out, "meaning", e.meaning);
    json_field(out, "outcome", e.outcome);
    json_field(out, "permanent", e.permanent);
    json_field(out, "temporary", e.temporary);
    json_field(out, "generic", e.generic);
    json_field(out, "who_acts", e.who_acts);
    json_field(out, "what_to_try", e.what_to_try);
    json_field(out, "reference", e.reference);
    json_list(out, "parts", e.parts);
    json_list(out, "notes", e.notes);
    json_context(out, te, index);
    out += '}';
  }
}

std::string_view outcome_words(std::string_view outcome) {
  if (outcome == "success") return "success";
  if (outcome == "intermediate") return "intermediate, more to send";
  if (outcome == "temporary_failure") return "temporary failure";
  if (outcome == "permanent_failure") return "permanent failure";
  return "not a valid code";
}

std::string who_words(std::string_view who) {
  if (who == "nobody") return "nobody";
  if (who == "sender") return "the sender (the person who wrote the message)";
  if (who == "sender_admin") return "the sender's mail admin";
  if (who == "recipient") return "the recipient";
  if (who == "recipient_admin") return "the recipient's mail admin";
  if (who == "client_software") return "the sending program or its settings";
  return std::string(who);
}

void render_text_item(std::string& out, const text_explanation& te) {
  const auto esc = [](std::string_view s) { return escape_for_terminal(s); };
  std::string shown = te.input;
  for (char& c : shown)
    if (c == '\n') c = ' ';
  if (shown.size() > 300) shown = shown.substr(0, 300) + "...";
  out += esc(shown) + "\n";
  if (te.reply && !te.reply->text.empty() && te.reply->text != shown) {
    std::string text = te.reply->text;
    if (text.size() > 300) text = text.substr(0, 300) + "...";
    out += "  reply text: " + esc(text) + "\n";
  }
  for (const auto& e : te.codes) {
    out += "\n  " + esc(e.code) + "  " + esc(e.title) + "  [" +
           std::string(outcome_words(e.outcome)) +
           (e.generic ? ", explained from its digits" : "") + "]\n";
    out += "    " + esc(e.meaning) + "\n";
    for (const auto& p : e.parts) out += "    - " + esc(p) + "\n";
    out += "    who acts: " + esc(who_words(e.who_acts)) + "\n";
    out += "    what to try: " + esc(e.what_to_try) + "\n";
    for (const auto& n : e.notes) out += "    note: " + esc(n) + "\n";
    out += "    reference: " + esc(e.reference) + "\n";
  }
  for (const auto& v : te.vendor) {
    // Titles usually name their vendor already ("Gmail: ..."); don't say it twice.
    const bool named = v.title.rfind(v.vendor, 0) == 0;
    out += "\n  " + (named ? std::string() : esc(v.vendor) + ": ") + esc(v.title) +
           "  (matched \"" + esc(v.matched) + "\")\n";
    out += "    " + esc(v.meaning) + "\n";
    out += "    who acts: " + esc(who_words(v.who_acts)) + "\n";
    out += "    what to try: " + esc(v.what_to_try) + "\n";
    if (!v.reference.empty()) out += "    reference: " + esc(v.reference) + "\n";
  }
  for (const auto& c : te.contradictions) {
    out += "\n  contradiction (" + esc(c.code) + "): " + esc(c.message) + "\n";
  }
  if (te.reply) {
    for (const auto& n : te.reply->notes) {
      if (n.code == "status_varies") continue;  // shown as a contradiction
      out += "  note (" + esc(n.code) + "): " + esc(n.message) + "\n";
    }
  }
  if (te.codes.empty()) {
    out += "  no reply code or enhanced status code found\n";
  }
}

int run_explain(const explain_args& args) {
  std::vector<std::string> items;
  bool from_stdin = args.inputs.empty();
  for (const auto& input : args.inputs) {
    if (input == "-") {
      from_stdin = true;
    } else {
      items.push_back(input);
    }
  }
  if (from_stdin) {
    if (::isatty(STDIN_FILENO) == 1) {
      std::fputs("Paste codes or server replies, then press Ctrl-D on an empty line.\n", stderr);
    }
    bool truncated = false;
    const std::string data = read_stdin(truncated);
    if (truncated) {
      std::fprintf(stderr, "hopscope: stdin is longer than %zu bytes; the rest was ignored\n",
                   k_max_stdin_bytes);
    }
    for (auto& item : split_pasted(data)) items.push_back(std::move(item));
  }
  if (items.empty()) {
    std::fputs("hopscope: nothing to explain (give a code such as 550 or 5.1.1, or a reply)\n",
               stderr);
    return k_exit_unknown;
  }
  bool all_known = true;
  std::string out;
  bool first_json = true;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const text_explanation te = explain(items[i]);
    if (!te.recognised) {
      all_known = false;
      std::string shown = te.input.substr(0, 200);
      std::fprintf(stderr,
                   "hopscope: '%s' is not a reply code, an enhanced status code or an SMTP "
                   "reply\n",
                   escape_for_terminal(shown).c_str());
    }
    if (args.json) {
      render_json_item(out, te, i, first_json);
    } else {
      if (i > 0) out += "\n";
      render_text_item(out, te);
    }
  }
  if (args.json) out += first_json ? "[]\n" : "\n]\n";
  if (!write_all(STDOUT_FILENO, out)) return all_known ? k_exit_ok : k_exit_unknown;
  return all_known ? k_exit_ok : k_exit_unknown;
}

}  // namespace

void add_explain_command(CLI::App& app) {
  g_command = app.add_subcommand(
      "explain", "Explain SMTP reply codes, enhanced status codes and server replies (offline)");
  g_command->add_option("inputs", g_args.inputs,
                        "Codes (550, 5.1.1) or whole replies in quotes; - or none for stdin");
  g_command->add_flag("--json", g_args.json,
                      "Print a JSON array: one object per code found, with vendor matches and "
                      "contradictions");
  g_command->footer(
      "Exit status: 0 all explained, 1 something held no code, 2 usage error.\n"
      "Examples:\n"
      "  hopscope explain 550 5.7.26\n"
      "  hopscope explain \"554 5.7.1 <x@example.com>: Relay access denied\"\n"
      "  hopscope explain --json 421 | jq '.[0].meaning'\n"
      "  pbpaste | hopscope explain          (paste a multi-line reply, Ctrl-D to end)");
}

int run_explain_if_parsed() {
  if (g_command == nullptr || !g_command->parsed()) return -1;
  return run_explain(g_args);
}

}  // namespace hopscope::cli
