// Uses the installed library through its public headers only: analyse a message, render it
// as JSON, HTML and a text timeline (which pulls in every private dependency at link time).
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "hopscope/html.hpp"
#include "hopscope/render.hpp"
#include "hopscope/report.hpp"
#include "hopscope/timeline.hpp"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  std::ifstream in(argv[1], std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const hopscope::analysis_report report = hopscope::analyse_message(bytes, argv[1]);
  const std::string json = hopscope::render_json(report);
  const std::string html = hopscope::render_html(report, {bytes, {}});
  std::printf("hops=%zu json=%zu html=%zu\n%s", report.chain.hops.size(), json.size(), html.size(),
              hopscope::render_timeline_text(report, false).c_str());
  return report.chain.hops.empty() || html.find("<svg") == std::string::npos ? 1 : 0;
}
