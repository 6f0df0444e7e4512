// Probes against real servers started here on 127.0.0.1 and ::1 only: aiosmtpd (Debian's
// python3-aiosmtpd), dnsmasq with a test zone, a silent DNS server, and hostile fake SMTP
// servers. Deadlines are asserted with generous margins (CI machines are slow and busy).

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "cli/probe_render.hpp"
#include "hopscope/probe.hpp"
#include "servers.hpp"

using namespace std::chrono_literals;
using hopscope::probe_options;
using hopscope::probe_result;
using hopscope::probe_target;
using net_test::child;

namespace {

probe_options smtp_only(std::uint16_t port) {
  probe_options o;
  o.port = port;
  o.allow_private = true;
  o.dns = false;
  o.reachability = false;
  o.transcript = true;
  return o;
}

probe_result probe(const std::string& target, const std::string& ip, const probe_options& o) {
  auto results = hopscope::run_probes({probe_target{target, ip}}, o);
  REQUIRE(results.size() == 1);
  return results.front();
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// aiosmtpd as Debian runs it: `/usr/bin/python3 -m aiosmtpd`, optionally with STARTTLS.
struct aiosmtpd {
  std::uint16_t port = 0;
  std::unique_ptr<child> proc;
  aiosmtpd(const std::string& host, const std::string& cert_dir) {
    for (int attempt = 0; attempt < 3 && !proc; ++attempt) {
      port = net_test::free_port(host);
      std::vector<std::string> argv{
          net_test::k_python, "-m", "aiosmtpd", "-n", "-l", host + ":" + std::to_string(port)};
      if (!cert_dir.empty()) {
        argv.insert(argv.end(), {"--tlscert", cert_dir + "/cert.pem", "--tlskey",
                                 cert_dir + "/key.pem", "--no-requiretls"});
      }
      proc = std::make_unique<child>(argv, false);
      if (!net_test::wait_tcp(host, port, 15)) proc.reset();  // port taken meanwhile: retry
    }
    REQUIRE(proc);
  }
};

struct hostile {
  std::unique_ptr<child> proc;
  std::uint16_t port = 0;
  explicit hostile(const std::string& mode, const std::string& host = "127.0.0.1") {
    proc = std::make_unique<child>(
        std::vector<std::string>{net_test::k_python, HOPSCOPE_NET_DIR "/hostile_smtp.py", mode,
                                 host},
        true);
    port = static_cast<std::uint16_t>(std::stoi(proc->first_line()));
    REQUIRE(port != 0);
  }
};

void check_plain_session(const probe_result& r) {
  INFO(hopscope::cli::render_probe_text(r, true));
  CHECK(!r.smtp.error);
  REQUIRE(r.smtp.greeting);
  CHECK(r.smtp.greeting->code == 220);
  REQUIRE(r.smtp.ehlo);
  CHECK(r.smtp.ehlo->code == 250);
  REQUIRE(r.smtp.capabilities);
  CHECK(!r.smtp.capabilities->keywords.empty());
  CHECK(r.smtp.capabilities->eight_bit_mime);
  REQUIRE(r.smtp.quit);
  CHECK(r.smtp.quit->code == 221);
  CHECK(r.smtp.timings.size() >= 4);
  for (const auto& line : r.smtp.transcript) {
    // Never MAIL, RCPT or DATA.
    if (line.direction == '>') {
      CHECK((line.text.rfind("EHLO ", 0) == 0 || line.text == "QUIT" || line.text == "STARTTLS"));
    }
  }
}

}  // namespace

TEST_CASE("aiosmtpd over IPv4 without STARTTLS", "[net][smtp]") {
  aiosmtpd server("127.0.0.1", "");
  const auto r = probe("127.0.0.1", "127.0.0.1", smtp_only(server.port));
  check_plain_session(r);
  CHECK(!r.smtp.capabilities->starttls);
  CHECK(!r.smtp.starttls);
  const auto j = hopscope::cli::probe_to_json(r);
  CHECK(j["smtp"]["greeting"]["code"] == 220);
  CHECK(j["smtp"]["ehlo"]["capabilities"].is_array());
  CHECK(j["smtp"]["timings_ms"].contains("greeting"));
  CHECK(j["smtp"]["error"].is_null());
  CHECK(j.contains("dns"));
  CHECK(j.contains("reachability"));
}

TEST_CASE("aiosmtpd over IPv6 without STARTTLS", "[net][smtp]") {
  aiosmtpd server("::1", "");
  const auto r = probe("::1", "::1", smtp_only(server.port));
  check_plain_session(r);
  CHECK(r.smtp.transcript.size() > 2);
}

TEST_CASE("aiosmtpd with STARTTLS over IPv4 and IPv6", "[net][smtp][tls]") {
  net_test::temp_dir dir;
  REQUIRE(net_test::make_certificate(dir.path(), "mail.hopscope.test"));
  for (const std::string host : {"127.0.0.1", "::1"}) {
    aiosmtpd server(host, dir.path());
    const auto r = probe("mail.hopscope.test", host, smtp_only(server.port));
    INFO(host << "\n" << hopscope::cli::render_probe_text(r, true));
    check_plain_session(r);
    REQUIRE(r.smtp.capabilities->starttls);
    REQUIRE(r.smtp.starttls);
    CHECK(r.smtp.starttls->ok);
    CHECK(r.smtp.starttls->protocol.rfind("TLSv1.", 0) == 0);
    CHECK(!r.smtp.starttls->cipher.empty());
    CHECK(r.smtp.starttls->subject == "CN=mail.hopscope.test");
    CHECK(r.smtp.starttls->sans == std::vector<std::string>{"mail.hopscope.test"});
    CHECK(r.smtp.starttls->name_matches == true);
    CHECK(r.smtp.starttls->verify_result != "ok");  // self-signed, and said so
    CHECK(!r.smtp.starttls->not_after.empty());
    REQUIRE(r.smtp.ehlo_tls);
    CHECK(r.smtp.ehlo_tls->code == 250);
    // A name the certificate does not carry.
    const auto other = probe("other.hopscope.test", host, smtp_only(server.port));
    REQUIRE(other.smtp.starttls);
    CHECK(other.smtp.starttls->name_matches == false);
  }
}

TEST_CASE("hostile: silent after accept", "[net][hostile]") {
  hostile server("silent");
  auto o = smtp_only(server.port);
  o.timeouts.greeting = 2s;
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = probe("127.0.0.1", "127.0.0.1", o);
  const double took = seconds_since(t0);
  REQUIRE(r.smtp.error);
  CHECK(r.smtp.error->code == "greeting_timeout");
  CHECK(took >= 1.9);
  CHECK(took < 10);
}

TEST_CASE("hostile: one byte per second hits the probe's total deadline", "[net][hostile]") {
  hostile server("slow");
  auto o = smtp_only(server.port);
  o.timeouts.total = 3s;  // the greeting step allows 15 s; the probe's own bound ends it
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = probe("127.0.0.1", "127.0.0.1", o);
  const double took = seconds_since(t0);
  REQUIRE(r.smtp.error);
  CHECK(r.smtp.error->code == "probe_timeout");
  CHECK(took >= 2.9);
  CHECK(took < 12);
}

TEST_CASE("hostile: one byte per second hits the greeting deadline", "[net][hostile]") {
  hostile server("slow");
  auto o = smtp_only(server.port);
  o.timeouts.greeting = 2500ms;
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = probe("127.0.0.1", "127.0.0.1", o);
  const double took = seconds_since(t0);
  REQUIRE(r.smtp.error);
  CHECK(r.smtp.error->code == "greeting_timeout");
  CHECK(took < 12);
}

TEST_CASE("hostile: endless 220- lines", "[net][hostile]") {
  hostile server("endless");
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = probe("127.0.0.1", "127.0.0.1", smtp_only(server.port));
  REQUIRE(r.smtp.error);
  CHECK(r.smtp.error->code == "too_many_lines");
  CHECK(seconds_since(t0) < 10);
}

TEST_CASE("hostile: a 1 MiB line with no CRLF", "[net][hostile]") {
  hostile server("longline");
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = probe("127.0.0.1", "127.0.0.1", smtp_only(server.port));
  REQUIRE(r.smtp.error);
  CHECK(r.smtp.error->code == "line_too_long");
  CHECK(seconds_since(t0) < 10);
}

TEST_CASE("hostile: close right after accept", "[net][hostile]") {
  hostile server("close");
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = probe("127.0.0.1", "127.0.0.1", smtp_only(server.port));
  REQUIRE(r.smtp.error);
  CHECK((r.smtp.error->code == "connection_closed" || r.smtp.error->code == "connection_reset"));
  CHECK(!r.smtp.greeting);
  CHECK(seconds_since(t0) < 10);
}

TEST_CASE("hostile: 421 then close", "[net][hostile]") {
  hostile server("421");
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = probe("127.0.0.1", "127.0.0.1", smtp_only(server.port));
  REQUIRE(r.smtp.error);
  CHECK(r.smtp.error->code == "greeting_rejected");
  REQUIRE(r.smtp.greeting);
  CHECK(r.smtp.greeting->code == 421);
  CHECK(seconds_since(t0) < 10);
  const auto text = hopscope::cli::render_probe_text(r, false);
  CHECK(text.find("greeting 421") != std::string::npos);
}

TEST_CASE("hostile: a 554 greeting, then QUIT", "[net][hostile]") {
  hostile server("554");
  const auto r = probe("127.0.0.1", "127.0.0.1", smtp_only(server.port));
  REQUIRE(r.smtp.error);
  CHECK(r.smtp.error->code == "greeting_rejected");
  REQUIRE(r.smtp.greeting);
  CHECK(r.smtp.greeting->code == 554);
  REQUIRE(r.smtp.quit);
  CHECK(r.smtp.quit->code == 221);
  CHECK(!r.smtp.ehlo);  // nothing else is tried on a refusing server
  // The enhanced status code in the reply is explained too (RFC 3463 via the knowledge base).
  const auto j = hopscope::cli::probe_to_json(r);
  const auto& enhanced = j["smtp"]["greeting"]["explanation"]["enhanced"];
  CHECK(enhanced["code"] == "5.7.1");
  CHECK(enhanced["permanent"] == true);
  CHECK(hopscope::cli::render_probe_text(r, false).find("greeting 554 (") != std::string::npos);
  CHECK(hopscope::cli::render_probe_text(r, false).find(" 5.7.1 (") != std::string::npos);
}

TEST_CASE("hostile: escape sequences in the greeting are never printed raw", "[net][hostile]") {
  hostile server("escape");
  const auto r = probe("127.0.0.1", "127.0.0.1", smtp_only(server.port));
  REQUIRE(r.smtp.greeting);
  CHECK(r.smtp.greeting->lines.front().find('\x1b') != std::string::npos);  // kept raw inside
  for (const bool verbose : {false, true}) {
    const auto text = hopscope::cli::render_probe_text(r, verbose);
    INFO(text);
    CHECK(text.find('\x1b') == std::string::npos);
    CHECK(text.find('\x07') == std::string::npos);
    CHECK(text.find("\xe2\x80\xae") == std::string::npos);  // RIGHT-TO-LEFT OVERRIDE
    CHECK(text.find("\\x1B") != std::string::npos);
  }
  const auto json = hopscope::cli::probe_to_json(r, true).dump();
  CHECK(json.find('\x1b') == std::string::npos);
}

TEST_CASE("hostile: nothing listening", "[net][hostile]") {
  const auto port = net_test::free_port("127.0.0.1");
  const auto r = probe("127.0.0.1", "127.0.0.1", smtp_only(port));
  REQUIRE(r.smtp.error);
  CHECK(r.smtp.error->code == "connection_refused");
}

namespace {

struct dnsmasq {
  std::unique_ptr<child> proc;
  std::uint16_t port = 0;
  dnsmasq() {
    for (int attempt = 0; attempt < 3 && !proc; ++attempt) {
      port = net_test::free_port("127.0.0.1", true);
      proc = std::make_unique<child>(
          std::vector<std::string>{
              "/usr/sbin/dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv",
              "--no-hosts", "--no-poll", "--pid-file=", "--bind-interfaces",
              "--listen-address=127.0.0.1", "--port=" + std::to_string(port),
              "--local=/hopscope.test/", "--local=/127.in-addr.arpa/",
              "--local=/1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa/",
              "--host-record=mail.hopscope.test,127.0.0.1", "--host-record=mail6.hopscope.test,::1",
              // A PTR whose name points elsewhere: no forward confirmation.
              "--ptr-record=2.0.0.127.in-addr.arpa,liar.hopscope.test",
              "--host-record=liar.hopscope.test,127.0.0.9",
              "--mx-host=hopscope.test,mx2.hopscope.test,20",
              "--mx-host=hopscope.test,mx1.hopscope.test,10",
              "--address=/mx1.hopscope.test/127.0.0.1", "--address=/mx2.hopscope.test/::1",
              "--host-record=nomx.hopscope.test,127.0.0.7"},
          false);
      // Ready when it answers: ask until it does.
      bool ready = false;
      for (int i = 0; i < 50 && !ready; ++i) {
        probe_options o;
        o.dns_server = "127.0.0.1:" + std::to_string(port);
        o.timeouts.dns = 300ms;
        const auto mx = hopscope::lookup_mx("hopscope.test", o);
        ready = !mx.error;
        if (!ready) std::this_thread::sleep_for(100ms);
      }
      if (!ready) proc.reset();
    }
    REQUIRE(proc);
  }
  probe_options options() const {
    probe_options o;
    o.allow_private = true;
    o.smtp = false;
    o.reachability = false;
    o.dns_server = "127.0.0.1:" + std::to_string(port);
    o.timeouts.dns = 3s;
    return o;
  }
};

}  // namespace

TEST_CASE("dnsmasq: PTR, forward confirmation, NXDOMAIN, MX", "[net][dns]") {
  dnsmasq dns;
  const auto o = dns.options();
  const auto results = hopscope::run_probes({{"127.0.0.1", "127.0.0.1"},
                                             {"::1", "::1"},
                                             {"127.0.0.2", "127.0.0.2"},
                                             {"127.0.0.3", "127.0.0.3"}},
                                            o);
  REQUIRE(results.size() == 4);
  SECTION("confirmed v4") {
    const auto& d = results[0].dns;
    CHECK(d.ptr == std::vector<std::string>{"mail.hopscope.test"});
    CHECK(d.forward_confirmed == true);
    CHECK(!d.error);
  }
  SECTION("confirmed v6") {
    const auto& d = results[1].dns;
    CHECK(d.ptr == std::vector<std::string>{"mail6.hopscope.test"});
    CHECK(d.forward_confirmed == true);
  }
  SECTION("a PTR without forward confirmation") {
    const auto& d = results[2].dns;
    CHECK(d.ptr == std::vector<std::string>{"liar.hopscope.test"});
    CHECK(d.forward_confirmed == false);
    CHECK(d.forward_addresses == std::vector<std::string>{"127.0.0.9"});
  }
  SECTION("no PTR at all") {
    const auto& d = results[3].dns;
    CHECK(d.ptr.empty());
    REQUIRE(d.error);
    CHECK(d.error->code == "no_ptr");
  }
  SECTION("MX in preference order with addresses") {
    const auto mx = hopscope::lookup_mx("hopscope.test", o);
    REQUIRE(!mx.error);
    REQUIRE(mx.records.size() == 2);
    CHECK(mx.records[0].exchange == "mx1.hopscope.test");
    CHECK(mx.records[0].preference == 10);
    CHECK(mx.records[0].addresses == std::vector<std::string>{"127.0.0.1"});
    CHECK(mx.records[1].exchange == "mx2.hopscope.test");
    CHECK(mx.records[1].addresses == std::vector<std::string>{"::1"});
    const auto j = hopscope::cli::mx_to_json(mx);
    CHECK(j["mx"][0]["exchange"] == "mx1.hopscope.test");
  }
  SECTION("no MX: implicit MX from the address records") {
    const auto mx = hopscope::lookup_mx("nomx.hopscope.test", o);
    CHECK(mx.implicit);
    REQUIRE(mx.records.size() == 1);
    CHECK(mx.records[0].addresses == std::vector<std::string>{"127.0.0.7"});
  }
  SECTION("NXDOMAIN") {
    const auto mx = hopscope::lookup_mx("missing.hopscope.test", o);
    REQUIRE(mx.error);
    CHECK(mx.error->code == "nxdomain");
    const auto resolved = hopscope::resolve_targets({"missing.hopscope.test"}, o);
    CHECK(resolved.targets.empty());
    REQUIRE(resolved.failures.size() == 1);
    CHECK(resolved.failures[0].dns.error->code == "nxdomain");
  }
  SECTION("host names resolve to their addresses") {
    const auto resolved = hopscope::resolve_targets({"mail.hopscope.test", "127.0.0.5"}, o);
    REQUIRE(resolved.targets.size() == 2);
    CHECK(resolved.targets[0].ip == "127.0.0.1");
    CHECK(resolved.targets[0].target == "mail.hopscope.test");
    CHECK(resolved.targets[1].ip == "127.0.0.5");
  }
}

TEST_CASE("a DNS server that never answers gives a timeout, never 'no PTR'", "[net][dns]") {
  net_test::silent_udp silent;
  REQUIRE(silent.port() != 0);
  probe_options o;
  o.allow_private = true;
  o.smtp = false;
  o.reachability = false;
  o.dns_server = "127.0.0.1:" + std::to_string(silent.port());
  o.timeouts.dns = 1500ms;
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = probe("127.0.0.1", "127.0.0.1", o);
  const double took = seconds_since(t0);
  REQUIRE(r.dns.error);
  CHECK(r.dns.error->code == "timeout");
  CHECK(!r.dns.forward_confirmed);  // unknown, not "false"
  CHECK(took >= 1.4);
  CHECK(took < 10);
  const auto mx = hopscope::lookup_mx("hopscope.test", o);
  REQUIRE(mx.error);
  CHECK(mx.error->code == "timeout");
}

TEST_CASE("DNS and SMTP together: greeting name against the PTR", "[net][dns][smtp]") {
  dnsmasq dns;
  aiosmtpd server("127.0.0.1", "");
  auto o = dns.options();
  o.smtp = true;
  o.port = server.port;
  const auto r = probe("127.0.0.1", "127.0.0.1", o);
  INFO(hopscope::cli::render_probe_text(r, true));
  CHECK(r.dns.forward_confirmed == true);
  CHECK(!r.smtp.greeting_host.empty());
  REQUIRE(r.dns.greeting_matches_ptr.has_value());  // aiosmtpd greets with the machine's name
}

TEST_CASE("reachability says which method answered", "[net][reach]") {
  aiosmtpd server("127.0.0.1", "");
  probe_options o;
  o.allow_private = true;
  o.smtp = false;
  o.dns = false;
  o.port = server.port;
  for (const std::string ip : {"127.0.0.1", "::1"}) {
    const auto r = probe(ip, ip, o);
    INFO(ip << " " << r.reachability.method << " " << r.reachability.note);
    CHECK(r.reachability.ok);
    CHECK((r.reachability.method == "icmp" || r.reachability.method == "icmp_raw" ||
           r.reachability.method == "tcp_connect"));
    REQUIRE(r.reachability.rtt_ms);
    CHECK(*r.reachability.rtt_ms >= 0);
  }
}

TEST_CASE("non-global addresses are skipped unless allowed", "[net][policy]") {
  probe_options o;
  const auto r = probe("127.0.0.1", "127.0.0.1", o);
  REQUIRE(r.skipped);
  CHECK(r.skipped->find("loopback") != std::string::npos);
  CHECK(!r.smtp.attempted);
  CHECK(!r.reachability.attempted);
  CHECK(!r.dns.attempted);
  const auto j = hopscope::cli::probe_to_json(r);
  CHECK(j["skipped"].is_string());
}

TEST_CASE("one probe per address, at most 8 at once", "[net][policy]") {
  hostile server("silent");
  auto o = smtp_only(server.port);
  o.timeouts.greeting = 1500ms;
  std::vector<probe_target> targets;
  for (int i = 0; i < 16; ++i) targets.push_back({"t" + std::to_string(i), "127.0.0.1"});
  const auto t0 = std::chrono::steady_clock::now();
  const auto results = hopscope::run_probes(targets, o);
  REQUIRE(results.size() == 16);
  CHECK(results[5].target == "t5");
  CHECK(results[5].smtp.error->code == "greeting_timeout");
  CHECK(seconds_since(t0) < 8);  // 16 duplicates were one probe, not two rounds of 8
}
