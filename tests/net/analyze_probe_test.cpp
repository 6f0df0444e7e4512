// `hopscope analyze --probe` end to end: the CLI binary analyses a message whose hops name
// loopback clients, probes them against aiosmtpd started here on 127.0.0.1 and ::1, and puts
// the results under the hop rows (text), into hops[].probe (JSON) and the HTML report. Also
// the chain_prober policy: one probe per address per run, and nothing probed that is not
// loopback.

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/chain_probe.hpp"
#include "hopscope/report.hpp"
#include "servers.hpp"

using net_test::child;
using nlohmann::json;

namespace {

// aiosmtpd on 127.0.0.1 and ::1 on the same port (--port is one number for every hop).
struct aiosmtpd_pair {
  std::uint16_t port = 0;
  std::unique_ptr<child> v4, v6;
  aiosmtpd_pair() {
    for (int attempt = 0; attempt < 5 && !v6; ++attempt) {
      v4.reset();
      port = net_test::free_port("127.0.0.1");
      const auto start = [this](const std::string& host) {
        return std::make_unique<child>(
            std::vector<std::string>{net_test::k_python, "-m", "aiosmtpd", "-n", "-l",
                                     host + ":" + std::to_string(port)},
            false);
      };
      v4 = start("127.0.0.1");
      if (!net_test::wait_tcp("127.0.0.1", port, 15)) continue;
      v6 = start("::1");
      if (!net_test::wait_tcp("::1", port, 15)) v6.reset();  // port taken on ::1: retry
    }
    REQUIRE(v6);
  }
};

// Runs a shell command and returns its standard output; `status` gets the exit code.
std::string run(const std::string& command, int& status) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  const int raw = ::pclose(p);
  status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return out;
}

// A Postfix-style chain: submitted over IPv6 loopback, relayed twice from 127.0.0.1.
constexpr const char* k_message =
    "Received: from relay.hopscope.test (localhost [127.0.0.1])\n"
    "\tby mx.hopscope.test (Postfix) with ESMTP id 4AB12\n"
    "\tfor <x@hopscope.test>; Mon, 23 Nov 2026 10:00:09 +0000\n"
    "Received: from relay.hopscope.test (localhost [127.0.0.1])\n"
    "\tby relay.hopscope.test (Postfix) with ESMTP id 3CD34\n"
    "\tfor <x@hopscope.test>; Mon, 23 Nov 2026 10:00:05 +0000\n"
    "Received: from client.hopscope.test (localhost [IPv6:::1])\n"
    "\tby relay.hopscope.test (Postfix) with ESMTP id 1EF56\n"
    "\tfor <x@hopscope.test>; Mon, 23 Nov 2026 10:00:01 +0000\n"
    "From: a@hopscope.test\nTo: x@hopscope.test\nSubject: probe test\n"
    "Date: Mon, 23 Nov 2026 10:00:00 +0000\n\n";

std::string write_message(const net_test::temp_dir& dir, const std::string& text) {
  const std::string path = dir.path() + "/message.eml";
  std::ofstream(path) << text;
  return path;
}

std::string probe_command(std::uint16_t port) {
  // No ICMP or DNS: the SMTP check is what runs against the local servers.
  return std::string(HOPSCOPE_CLI) + " analyze --probe --allow-private --no-ping --no-dns --port " +
         std::to_string(port);
}

// The servers, the message file, and `hopscope analyze --probe ARGS message` against them.
struct probe_session {
  aiosmtpd_pair servers;
  net_test::temp_dir dir;
  std::string message = write_message(dir, k_message);
  int status = -1;
  std::string analyze(const std::string& args) {
    return run(probe_command(servers.port) + " " + args + " " + message, status);
  }
};

}  // namespace

TEST_CASE("analyze --probe puts each hop's SMTP check into the JSON", "[net][analyze]") {
  probe_session session;
  const std::string out = session.analyze("--json");
  INFO(out);
  CHECK(session.status == 0);
  const json doc = json::parse(out);
  const json& hops = doc.at("hops");
  REQUIRE(hops.size() == 3);
  const std::vector<std::string> ips{"::1", "127.0.0.1", "127.0.0.1"};  // origin first
  for (std::size_t i = 0; i < hops.size(); ++i) {
    const json& p = hops[i].at("probe");
    CHECK(p.at("ip") == ips[i]);
    CHECK(p.at("skipped").is_null());
    CHECK(p.at("smtp").at("error").is_null());
    CHECK(p.at("smtp").at("greeting").at("code") == 220);
    CHECK(p.at("smtp").at("ehlo").at("code") == 250);
    const auto caps = p.at("smtp").at("ehlo").at("capabilities").get<std::vector<std::string>>();
    CHECK(std::find(caps.begin(), caps.end(), "8BITMIME") != caps.end());
  }
  // 127.0.0.1 is on two hops and was probed once: both carry the very same result.
  CHECK(hops[1].at("probe").at("elapsed_ms") == hops[2].at("probe").at("elapsed_ms"));
  // The rest of the report is still there.
  CHECK(hops[0].at("from").at("ip") == "::1");
}

TEST_CASE("analyze --probe shows results under the hop rows and in the HTML report",
          "[net][analyze]") {
  probe_session session;
  const std::string text = session.analyze("--colour never");
  INFO(text);
  CHECK(session.status == 0);
  const std::string greeting =
      "probe smtp: port " + std::to_string(session.servers.port) + ", greeting 220";
  std::size_t rows = 0;
  for (auto at = text.find(greeting); at != std::string::npos; at = text.find(greeting, at + 1)) {
    ++rows;
  }
  CHECK(rows == 3);
  CHECK(text.find("probe ehlo: 250") != std::string::npos);
  CHECK(text.find("probe -> EHLO") == std::string::npos);  // the transcript only with -v

  const std::string verbose = session.analyze("-v");
  INFO(verbose);
  CHECK(session.status == 0);
  CHECK(verbose.find("probe -> EHLO ") != std::string::npos);
  CHECK(verbose.find("probe -> QUIT") != std::string::npos);
  for (const char* never : {"-> MAIL", "-> RCPT", "-> DATA"}) {
    CHECK(verbose.find(never) == std::string::npos);
  }

  const std::string html_path = session.dir.path() + "/report.html";
  session.analyze("--html " + html_path);
  CHECK(session.status == 0);
  std::ifstream in(html_path);
  const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(html.find("<section id=\"probes\">") != std::string::npos);
  CHECK(html.find("8BITMIME") != std::string::npos);
}

TEST_CASE("analyze --probe: a dead server is a probe result, not a failed analysis",
          "[net][analyze]") {
  net_test::temp_dir dir;
  const std::string message = write_message(dir, k_message);
  const auto port = net_test::free_port("127.0.0.1");  // nothing listens there
  int status = -1;
  const std::string out = run(probe_command(port) + " --json " + message, status);
  INFO(out);
  CHECK(status == 0);
  const json doc = json::parse(out);
  CHECK(doc.at("hops")[1].at("probe").at("smtp").at("error").at("code") == "connection_refused");
}

TEST_CASE("chain_prober skips what it may not probe, and never connects for it",
          "[net][analyze][policy]") {
  // Loopback without --allow-private, a documentation address, and a hop without an address.
  const std::string message =
      "Received: from a.hopscope.test (a.hopscope.test [192.0.2.7]) by b.hopscope.test with "
      "ESMTP id 1; Mon, 23 Nov 2026 10:00:05 +0000\n"
      "Received: from localhost (localhost [127.0.0.1]) by a.hopscope.test with ESMTP id 2;"
      " Mon, 23 Nov 2026 10:00:03 +0000\n"
      "Received: by c.hopscope.test with local id 3; Mon, 23 Nov 2026 10:00:01 +0000\n"
      "Subject: x\n\n";
  const auto report = hopscope::analyse_message(message, "-");
  REQUIRE(report.chain.hops.size() == 3);
  hopscope::probe_options options;  // defaults: allow_private off
  options.timeouts.total = std::chrono::milliseconds(2000);
  hopscope::cli::chain_prober prober(options);
  const auto results = prober.probe(report.chain);
  REQUIRE(results.size() == 3);
  REQUIRE(results[0].skipped);
  CHECK(*results[0].skipped == "no client IP address in this hop");
  REQUIRE(results[1].skipped);
  CHECK(results[1].skipped->find("loopback") != std::string::npos);
  REQUIRE(results[2].skipped);
  CHECK(results[2].skipped->find("documentation") != std::string::npos);
  for (const auto& r : results) {
    CHECK(!r.smtp.attempted);
    CHECK(!r.reachability.attempted);
    CHECK(!r.dns.attempted);
  }
  const auto notes = prober.annotate(report);
  REQUIRE(notes.text.size() == 3);
  CHECK(notes.text[1].front().rfind("probe skipped: loopback", 0) == 0);
  CHECK(json::parse(notes.json[2]).at("skipped").get<std::string>().find("documentation") !=
        std::string::npos);
}
