// The probe and mx commands: argument policy, output format and exit codes. The checks
// themselves are in the hopscope_probe library.

#include "cli/probe_command.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli/probe_render.hpp"
#include "hopscope/address.hpp"

namespace hopscope::cli {
namespace {

constexpr int k_exit_ok = 0;
constexpr int k_exit_failed = 1;  // some check failed (or a name did not resolve)

struct probe_args {
  std::vector<std::string> targets;
  bool json = false, ndjson = false, pretty = false, verbose = false;
  bool allow_private = false, no_smtp = false, no_starttls = false, no_dns = false, no_ping = false,
       probe = false;
  unsigned port = 25, parallel = 8;
  std::string ehlo, dns_server;
  double connect_s = 5, greeting_s = 15, ehlo_s = 10, starttls_s = 10, total_s = 30, dns_s = 5;
};

probe_args g_args;
probe_args g_analyze_args;  // analyze --probe
CLI::App* g_probe = nullptr;
CLI::App* g_mx = nullptr;

void write_out(const std::string& s) {
  std::size_t done = 0;
  while (done < s.size()) {
    const ssize_t n = ::write(STDOUT_FILENO, s.data() + done, s.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // a closed pipe ends the output, not the program with SIGPIPE noise
    }
    done += static_cast<std::size_t>(n);
  }
}

std::chrono::milliseconds ms(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000.0));
}

probe_options make_options(const probe_args& a) {
  probe_options o;
  o.port = static_cast<std::uint16_t>(a.port);
  o.ehlo_name = a.ehlo;
  o.dns_server = a.dns_server;
  o.allow_private = a.allow_private;
  o.smtp = !a.no_smtp;
  o.starttls = !a.no_starttls;
  o.dns = !a.no_dns;
  o.reachability = !a.no_ping;
  o.max_parallel = a.parallel;
  o.transcript = a.verbose;
  o.timeouts.connect = ms(a.connect_s);
  o.timeouts.greeting = ms(a.greeting_s);
  o.timeouts.ehlo = ms(a.ehlo_s);
  o.timeouts.starttls = ms(a.starttls_s);
  o.timeouts.total = ms(a.total_s);
  o.timeouts.dns = ms(a.dns_s);
  return o;
}

// The probe settings, shared by probe, mx and analyze --probe.
void add_probe_settings(CLI::App* cmd, probe_args& a) {
  cmd->add_flag("--allow-private", a.allow_private,
                "Also probe loopback, private, link-local and other non-global addresses");
  cmd->add_option("--port", a.port, "SMTP port (default 25)")->check(CLI::Range(1u, 65535u));
  cmd->add_option("--ehlo", a.ehlo, "EHLO name (default: our address literal)");
  cmd->add_option("--dns-server", a.dns_server, "DNS server ADDR[:PORT] ([v6]:PORT)");
  cmd->add_flag("--no-smtp", a.no_smtp, "Skip the SMTP check");
  cmd->add_flag("--no-starttls", a.no_starttls, "Do not try STARTTLS");
  cmd->add_flag("--no-dns", a.no_dns, "Skip reverse DNS");
  cmd->add_flag("--no-ping", a.no_ping, "Skip the reachability check");
  cmd->add_option("--parallel", a.parallel, "Probes at once (at most 8)")
      ->check(CLI::Range(1u, 8u));
  const auto secs = CLI::Range(0.05, 600.0);
  cmd->add_option("--connect-timeout", a.connect_s, "Seconds (default 5)")->check(secs);
  cmd->add_option("--greeting-timeout", a.greeting_s, "Seconds (default 15)")->check(secs);
  cmd->add_option("--ehlo-timeout", a.ehlo_s, "Seconds (default 10)")->check(secs);
  cmd->add_option("--starttls-timeout", a.starttls_s, "Seconds (default 10)")->check(secs);
  cmd->add_option("--dns-timeout", a.dns_s, "Seconds per DNS question (default 5)")->check(secs);
  cmd->add_option("--timeout", a.total_s, "Seconds per probe in all (default 30)")->check(secs);
}

void add_common(CLI::App* cmd, probe_args& a) {
  auto* json = cmd->add_flag("--json", a.json, "Print one JSON document");
  cmd->add_flag("--ndjson", a.ndjson, "Print one JSON object per target per line")->excludes(json);
  cmd->add_flag("--pretty", a.pretty, "Indent JSON");
  cmd->add_flag("-v,--verbose", a.verbose, "Show the SMTP transcript (swaks-like)");
  add_probe_settings(cmd, a);
}

bool failed(const probe_result& r) {
  if (r.skipped) return false;
  if (r.ip.empty()) return true;  // the name did not resolve
  if (r.smtp.attempted && r.smtp.error) return true;
  if (r.reachability.attempted && !r.reachability.ok) return true;
  return false;
}

int emit(const std::vector<probe_result>& results, const probe_args& a) {
  int code = k_exit_ok;
  for (const auto& r : results)
    if (failed(r)) code = k_exit_failed;
  if (a.json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& r : results) arr.push_back(probe_to_json(r, a.verbose));
    write_out(nlohmann::json{{"probes", arr}}.dump(a.pretty ? 2 : -1, ' ', false,
                                                   nlohmann::json::error_handler_t::replace) +
              "\n");
  } else if (a.ndjson) {
    for (const auto& r : results) {
      write_out(probe_to_json(r, a.verbose)
                    .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
                "\n");
    }
  } else {
    for (const auto& r : results) write_out(render_probe_text(r, a.verbose));
  }
  return code;
}

int run_probe(const probe_args& a) {
  const probe_options o = make_options(a);
  auto resolved = resolve_targets(a.targets, o);
  std::vector<probe_result> results = run_probes(resolved.targets, o);
  results.insert(results.end(), resolved.failures.begin(), resolved.failures.end());
  return emit(results, a);
}

int run_mx(const probe_args& a) {
  const probe_options o = make_options(a);
  int code = k_exit_ok;
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& domain : a.targets) {
    const mx_result mx = lookup_mx(domain, o);
    if (mx.error) code = k_exit_failed;
    std::vector<probe_result> probes;
    if (a.probe) {
      std::vector<probe_target> targets;
      for (const auto& rec : mx.records)
        for (const auto& addr : rec.addresses) targets.push_back({rec.exchange, addr});
      probes = run_probes(targets, o);
      for (const auto& p : probes)
        if (failed(p)) code = k_exit_failed;
    }
    if (a.json || a.ndjson) {
      nlohmann::json j = mx_to_json(mx);
      if (a.probe) {
        nlohmann::json pj = nlohmann::json::array();
        for (const auto& p : probes) pj.push_back(probe_to_json(p, a.verbose));
        j["probes"] = pj;
      }
      if (a.ndjson) {
        write_out(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
      } else {
        arr.push_back(j);
      }
    } else {
      write_out(render_mx_text(mx));
      for (const auto& p : probes) write_out(render_probe_text(p, a.verbose));
    }
  }
  if (a.json) {
    write_out(nlohmann::json{{"domains", arr}}.dump(a.pretty ? 2 : -1, ' ', false,
                                                    nlohmann::json::error_handler_t::replace) +
              "\n");
  }
  return code;
}

}  // namespace

void add_probe_commands(CLI::App& app) {
  g_probe = app.add_subcommand(
      "probe", "Check mail servers: reachability, SMTP greeting/EHLO/STARTTLS, reverse DNS");
  g_probe->add_option("targets", g_args.targets, "Host names or IP addresses")->required();
  add_common(g_probe, g_args);
  g_probe->footer(
      "Never sends MAIL, RCPT or DATA. Non-global addresses are skipped unless --allow-private.\n"
      "Examples:\n"
      "  hopscope probe mx.example.com\n"
      "  hopscope probe --json -v 198.51.100.7");
  g_mx = app.add_subcommand("mx", "List a domain's MX hosts in preference order, and probe them");
  g_mx->add_option("domains", g_args.targets, "Domains")->required();
  g_mx->add_flag("--probe", g_args.probe, "Also probe each MX address");
  add_common(g_mx, g_args);
  g_mx->footer(
      "Examples:\n"
      "  hopscope mx example.com\n"
      "  hopscope mx --probe --json example.com   (is the recipient's mail server up?)");
}

int run_probe_if_parsed() {
  if (g_probe != nullptr && g_probe->parsed()) return run_probe(g_args);
  if (g_mx != nullptr && g_mx->parsed()) return run_mx(g_args);
  return -1;
}

void add_analyze_probe_options(CLI::App& analyze) {
  auto* group = analyze.add_option_group("Probes (with --probe)");
  group->add_flag("--probe", g_analyze_args.probe,
                  "Probe each hop's server: reachability, SMTP on port 25, reverse DNS");
  group->add_flag("-v,--verbose", g_analyze_args.verbose,
                  "With --probe: keep the SMTP transcript (swaks-like)");
  add_probe_settings(group, g_analyze_args);
}

std::optional<probe_options> analyze_probe_options() {
  if (!g_analyze_args.probe) return std::nullopt;
  probe_options o = make_options(g_analyze_args);
  return o;
}

}  // namespace hopscope::cli
