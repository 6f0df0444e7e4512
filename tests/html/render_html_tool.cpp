// Test helper: renders the HTML report (or, with --timeline, the terminal timeline) of one
// message file through the library alone, so the browser tests do not depend on how the CLI
// wires --html.
//   render_html_tool MESSAGE OUT.html
//   render_html_tool --timeline MESSAGE

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "hopscope/html.hpp"
#include "hopscope/report.hpp"
#include "hopscope/timeline.hpp"

int main(int argc, char** argv) {
  const bool timeline = argc == 3 && std::string(argv[1]) == "--timeline";
  if (argc != 3) {
    std::fputs("usage: render_html_tool MESSAGE OUT.html | --timeline MESSAGE\n", stderr);
    return 2;
  }
  const char* input = timeline ? argv[2] : argv[1];
  std::ifstream in(input, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "render_html_tool: cannot read %s\n", input);
    return 1;
  }
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const hopscope::analysis_report report = hopscope::analyse_message(bytes, input);
  if (timeline) {
    std::fputs(hopscope::render_timeline_text(report, false).c_str(), stdout);
    return 0;
  }
  hopscope::html_options options;
  options.message_bytes = bytes;
  std::ofstream out(argv[2], std::ios::binary);
  out << hopscope::render_html(report, options);
  return out ? 0 : 1;
}
