// The probe of one address (DNS, reachability, SMTP dialogue) and the scheduling of many: at most
// 8 at once, one per address. Each probe runs on its own worker thread with blocking-style code
// over non-blocking sockets and one absolute deadline per probe.

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

#include "hopscope/address.hpp"
#include "hopscope/header.hpp"
#include "hopscope/probe.hpp"
#include "probe/dns.hpp"
#include "probe/net.hpp"
#include "probe/reach.hpp"

namespace hopscope {
namespace {

using probe_detail::clock;
using probe_detail::connection;
using probe_detail::ms_since;
using probe_detail::resolver;

constexpr unsigned k_max_parallel = 8;
constexpr std::size_t k_max_addresses_per_name = 8;

std::string canonical_ip(std::string_view ip) {
  const auto parsed = parse_ip(ip);
  return parsed ? parsed->to_string() : std::string(ip);
}

// The step's deadline, or the probe's when that comes first; `code` names whichever it is.
struct step_deadline {
  clock::time_point at;
  std::string code;
};
step_deadline deadline_for(std::chrono::milliseconds step, clock::time_point probe_deadline,
                           std::string step_code) {
  const auto at = clock::now() + step;
  if (at <= probe_deadline) return {at, std::move(step_code)};
  return {probe_deadline, "probe_timeout"};
}

// The SMTP dialogue of one probe. Never MAIL, RCPT or DATA: only what tells whether the server
// is there and what it offers.
class smtp_session {
 public:
  smtp_session(const probe_options& options, smtp_result& out, clock::time_point deadline)
      : options_(options), out_(out), deadline_(deadline) {}

  void run(std::string_view ip, std::string_view tls_name) {
    out_.attempted = true;
    out_.port = options_.port;
    const auto to = probe_detail::to_sockaddr(ip, options_.port);
    if (!to) {
      out_.error = probe_error{"bad_address", "not an address"};
      return;
    }
    note("connecting to " + std::string(ip) + " port " + std::to_string(options_.port));
    auto d = deadline_for(options_.timeouts.connect, deadline_, "connect_timeout");
    auto t0 = clock::now();
    if (auto r = conn_.open(*to, d.at, d.code); !r) return fail(r.error());
    timing("connect", t0);
    note("connected");

    d = deadline_for(options_.timeouts.greeting, deadline_, "greeting_timeout");
    t0 = clock::now();
    auto greeting = read(d);
    if (!greeting) return fail(greeting.error());
    timing("greeting", t0);
    out_.greeting = *greeting;
    if (!greeting->lines.empty()) out_.greeting_host = first_word(greeting->lines.front());
    if (greeting->code != 220) {
      // RFC 5321 3.1: after a 554 greeting the client should still QUIT; after 421 the server
      // is closing anyway and QUIT may find the connection gone (not an error then).
      fail(probe_error{
          "greeting_rejected",
          "the server greeted with " + std::to_string(greeting->code) + " instead of 220"});
      quit(true);
      return;
    }

    const std::string name =
        options_.ehlo_name.empty() ? conn_.local_literal() : options_.ehlo_name;
    d = deadline_for(options_.timeouts.ehlo, deadline_, "ehlo_timeout");
    t0 = clock::now();
    auto ehlo = command("EHLO " + name, d);
    if (!ehlo) return fail(ehlo.error());
    if (ehlo->code == 500 || ehlo->code == 502 || ehlo->code == 504) {
      // An old server without ESMTP (RFC 5321 4.1.4): HELO still shows it accepts sessions.
      out_.ehlo = *ehlo;
      out_.helo_fallback = true;
      ehlo = command("HELO " + name, d);
      if (!ehlo) return fail(ehlo.error());
    }
    timing("ehlo", t0);
    out_.ehlo = *ehlo;
    if (ehlo->code != 250) {
      fail(probe_error{"ehlo_rejected",
                       "the server answered EHLO with " + std::to_string(ehlo->code)});
      quit(true);
      return;
    }
    if (!out_.helo_fallback) out_.capabilities = parse_ehlo_capabilities(ehlo->lines);

    if (options_.starttls && out_.capabilities && out_.capabilities->starttls) {
      if (!starttls(name, tls_name)) return;
    }
    quit(false);
  }

 private:
  static std::string first_word(std::string_view line) {
    const std::size_t end = line.find_first_of(" \t");
    return std::string(line.substr(0, std::min(end, std::size_t{255})));
  }

  void note(std::string text) {
    if (options_.transcript) out_.transcript.push_back(transcript_line{'*', std::move(text)});
  }

  void timing(std::string step, clock::time_point start) {
    out_.timings.push_back(step_timing{std::move(step), ms_since(start)});
  }

  void fail(const probe_error& e) {
    if (!out_.error) out_.error = e;
    note("error " + e.code + ": " + e.message);
  }

  tl::expected<probe_reply, probe_error> read(const step_deadline& d) {
    auto r = conn_.read_reply(options_.limits, d.at, d.code);
    if (r && options_.transcript) {
      for (std::size_t i = 0; i < r->lines.size(); ++i) {
        const bool last = i + 1 == r->lines.size();
        out_.transcript.push_back(
            transcript_line{'<', std::to_string(r->code) + (last ? " " : "-") + r->lines[i]});
      }
    }
    return r;
  }

  tl::expected<probe_reply, probe_error> command(const std::string& line, const step_deadline& d) {
    if (options_.transcript) out_.transcript.push_back(transcript_line{'>', line});
    if (auto s = conn_.send_all(line + "\r\n", d.at, d.code); !s) return tl::unexpected(s.error());
    return read(d);
  }

  // Returns false when the connection is no longer usable.
  bool starttls(const std::string& ehlo_name, std::string_view tls_name) {
    auto d = deadline_for(options_.timeouts.starttls, deadline_, "starttls_timeout");
    auto t0 = clock::now();
    auto reply = command("STARTTLS", d);
    if (!reply) {
      fail(reply.error());
      return false;
    }
    timing("starttls", t0);
    out_.starttls_reply = *reply;
    tls_result tls;
    if (reply->code != 220) {
      tls.error = probe_error{"starttls_refused",
                              "the server answered STARTTLS with " + std::to_string(reply->code)};
      out_.starttls = tls;
      return true;  // still in plain SMTP: QUIT politely
    }
    d.code = d.code == "probe_timeout" ? d.code : "tls_timeout";
    t0 = clock::now();
    const auto hs = conn_.start_tls(tls_name, tls_name, d.at, tls);
    out_.starttls = tls;
    if (!hs) {
      fail(hs.error());
      return false;
    }
    timing("tls_handshake", t0);
    note("TLS " + tls.protocol + " " + tls.cipher + ", certificate subject " + tls.subject);
    d = deadline_for(options_.timeouts.ehlo, deadline_, "ehlo_timeout");
    t0 = clock::now();
    auto ehlo = command("EHLO " + ehlo_name, d);
    if (!ehlo) {
      fail(ehlo.error());
      return false;
    }
    timing("ehlo_tls", t0);
    out_.ehlo_tls = *ehlo;
    if (ehlo->code == 250) out_.capabilities_tls = parse_ehlo_capabilities(ehlo->lines);
    return true;
  }

  // QUIT failures are notes, not the probe's error: the checks that matter are done.
  void quit(bool after_failure) {
    const auto d = deadline_for(options_.timeouts.quit, deadline_, "quit_timeout");
    const auto t0 = clock::now();
    auto r = command("QUIT", d);
    if (r) {
      out_.quit = *r;
      timing("quit", t0);
    } else if (!after_failure) {
      note("QUIT: " + r.error().code + ": " + r.error().message);
    }
    conn_.close();
  }

  const probe_options& options_;
  smtp_result& out_;
  clock::time_point deadline_;
  connection conn_;
};

void run_dns(resolver& dns, std::string_view ip, dns_result& out) {
  out.attempted = true;
  const auto names = dns.ptr(ip);
  if (!names) {
    out.error = names.error();
    if (out.error->code == "nxdomain" || out.error->code == "no_data") {
      out.error->message = "no PTR record (" + out.error->message + ")";
      out.error->code = "no_ptr";
      out.forward_confirmed = false;
    }
    return;
  }
  out.ptr = *names;
  const auto parsed = parse_ip(ip);
  const bool v6 = parsed && parsed->v6;
  const std::string want = canonical_ip(ip);
  bool undecided = false;
  for (const auto& name : out.ptr) {
    const auto addrs = dns.addresses(name, v6);
    if (!addrs) {
      if (addrs.error().code == "timeout" || addrs.error().code == "servfail") {
        undecided = true;
        if (!out.error)
          out.error = probe_error{"forward_" + addrs.error().code, addrs.error().message};
      }
      continue;
    }
    for (const auto& a : *addrs) {
      if (out.forward_addresses.size() < 16) out.forward_addresses.push_back(a);
      if (canonical_ip(a) == want) out.forward_confirmed = true;
    }
  }
  // "Not confirmed" only when every name answered; a timeout leaves it unknown (null).
  if (!out.forward_confirmed && !undecided) out.forward_confirmed = false;
}

probe_result probe_one(const probe_target& target, const probe_options& options) {
  probe_result out;
  out.target = target.target;
  out.ip = target.ip;
  const auto start = clock::now();
  const auto deadline = start + options.timeouts.total;
  if (!parse_ip(target.ip)) {
    out.skipped = "not an IP address";
    return out;
  }
  if (!options.allow_private) {
    if (auto why = skip_reason(target.ip)) {
      out.skipped = *why;
      return out;
    }
  }
  std::unique_ptr<resolver> dns;
  if (options.dns) {
    auto made = resolver::make(options.dns_server, options.timeouts.dns);
    if (made) {
      dns = std::move(*made);
      run_dns(*dns, target.ip, out.dns);
    } else {
      out.dns.attempted = true;
      out.dns.error = made.error();
    }
  }
  if (options.reachability && clock::now() < deadline) {
    out.reachability = probe_detail::check_reachability(target.ip, options, deadline);
  }
  if (options.smtp) {
    // The certificate should carry the name the user asked for, else the PTR name.
    std::string tls_name = parse_ip(target.target) ? std::string() : target.target;
    if (tls_name.empty() && !out.dns.ptr.empty()) tls_name = out.dns.ptr.front();
    smtp_session(options, out.smtp, deadline).run(target.ip, tls_name);
    if (!out.smtp.greeting_host.empty() && !out.dns.ptr.empty()) {
      std::string host = out.smtp.greeting_host;
      if (!host.empty() && host.back() == '.') host.pop_back();
      bool match = false;
      for (const auto& p : out.dns.ptr) match = match || iequals(p, host);
      out.dns.greeting_matches_ptr = match;
    }
  }
  out.elapsed_ms = ms_since(start);
  return out;
}

}  // namespace

std::optional<std::string> skip_reason(std::string_view ip) {
  const auto parsed = parse_ip(ip);
  if (!parsed) return "not an IP address";
  const ip_scope scope = classify(*parsed);
  if (is_global(scope)) return std::nullopt;
  std::string words(to_string(scope));
  std::replace(words.begin(), words.end(), '_', ' ');
  return words + " address (not probed without --allow-private)";
}

std::vector<probe_result> run_probes(const std::vector<probe_target>& targets,
                                     const probe_options& options) {
  // One probe per address: duplicates (the same relay on several hops) share one result.
  std::vector<std::string> unique;
  std::map<std::string, std::size_t> index;
  std::vector<std::size_t> slot(targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const std::string key = canonical_ip(targets[i].ip);
    auto [it, inserted] = index.emplace(key, unique.size());
    if (inserted) unique.push_back(key);
    slot[i] = it->second;
  }
  std::vector<probe_result> done(unique.size());
  std::vector<std::size_t> first(unique.size(), targets.size());
  for (std::size_t i = targets.size(); i-- > 0;) first[slot[i]] = i;

  std::atomic<std::size_t> next{0};
  const auto worker = [&] {
    for (std::size_t k; (k = next.fetch_add(1)) < unique.size();) {
      done[k] = probe_one(targets[first[k]], options);
    }
  };
  const unsigned wanted = std::clamp(options.max_parallel, 1u, k_max_parallel);
  const auto n = static_cast<unsigned>(std::min<std::size_t>(wanted, unique.size()));
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < n; ++i) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();

  std::vector<probe_result> out;
  out.reserve(targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i) {
    probe_result r = done[slot[i]];
    r.target = targets[i].target;
    out.push_back(std::move(r));
  }
  return out;
}

resolved_targets resolve_targets(const std::vector<std::string>& names,
                                 const probe_options& options) {
  resolved_targets out;
  std::unique_ptr<resolver> dns;
  for (const auto& name : names) {
    if (const auto ip = parse_ip(name)) {
      out.targets.push_back(probe_target{name, ip->to_string()});
      continue;
    }
    probe_result failure;
    failure.target = name;
    failure.dns.attempted = true;
    if (!dns) {
      auto made = resolver::make(options.dns_server, options.timeouts.dns);
      if (!made) {
        failure.dns.error = made.error();
        out.failures.push_back(std::move(failure));
        continue;
      }
      dns = std::move(*made);
    }
    std::size_t found = 0;
    std::optional<probe_error> first_error;
    for (const bool v6 : {false, true}) {
      const auto addrs = dns->addresses(name, v6);
      if (!addrs) {
        if (!first_error || first_error->code == "no_data") first_error = addrs.error();
        continue;
      }
      for (const auto& a : *addrs) {
        if (found++ >= k_max_addresses_per_name) break;
        out.targets.push_back(probe_target{name, a});
      }
    }
    if (found == 0) {
      failure.dns.error = first_error.value_or(probe_error{"no_address", "no A or AAAA record"});
      out.failures.push_back(std::move(failure));
    }
  }
  return out;
}

mx_result lookup_mx(std::string_view domain, const probe_options& options) {
  mx_result out;
  out.domain = std::string(domain);
  if (!out.domain.empty() && out.domain.back() == '.') out.domain.pop_back();
  auto made = resolver::make(options.dns_server, options.timeouts.dns);
  if (!made) {
    out.error = made.error();
    return out;
  }
  resolver& dns = **made;
  const auto answers = dns.mx(out.domain);
  std::vector<probe_detail::mx_answer> list;
  if (answers) {
    list = *answers;
    // RFC 7505: a single "0 ." record says the domain accepts no mail at all.
    if (list.size() == 1 && list[0].exchange.empty()) {
      out.null_mx = true;
      out.records.push_back(mx_record{list[0].preference, "", {}, std::nullopt});
      return out;
    }
  } else if (answers.error().code == "no_data") {
    // RFC 5321 5.1: no MX, so mail goes to the domain's own address records.
    out.implicit = true;
    list.push_back(probe_detail::mx_answer{0, out.domain});
  } else {
    out.error = answers.error();
    return out;
  }
  for (const auto& a : list) {
    mx_record rec{a.preference, a.exchange, {}, std::nullopt};
    std::optional<probe_error> err;
    for (const bool v6 : {false, true}) {
      const auto addrs = dns.addresses(a.exchange, v6);
      if (addrs) {
        rec.addresses.insert(rec.addresses.end(), addrs->begin(), addrs->end());
      } else if (!err || err->code == "no_data") {
        err = addrs.error();
      }
    }
    if (rec.addresses.empty()) rec.error = err;
    out.records.push_back(std::move(rec));
  }
  if (out.implicit && out.records.size() == 1 && out.records[0].addresses.empty()) {
    out.error = out.records[0].error;
  }
  return out;
}

}  // namespace hopscope
