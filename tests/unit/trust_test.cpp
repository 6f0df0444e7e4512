// Trust boundary and origin: a table of real chains (tests/data/trust-chains.tsv, each row
// with the reason its decision is right), plus the options and the signs of forged hops.
#include <catch2/catch.hpp>

#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hopscope/report.hpp"
#include "support/read_file.hpp"

namespace {

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return out;
}

std::string trust_letters(const hopscope::hop_chain& chain) {
  std::string s;
  for (const auto& h : chain.hops) {
    s += h.trust == hopscope::trust_level::internal   ? 'I'
         : h.trust == hopscope::trust_level::boundary ? 'B'
                                                      : 'E';
  }
  return s;
}

bool has(const hopscope::hop_chain& chain, const std::string& code) {
  for (const auto& f : chain.findings) {
    if (f.code == code) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("trust boundary and origin on real chains", "[trust]") {
  std::ifstream in(std::string(HOPSCOPE_TEST_DATA_DIR) + "/trust-chains.tsv");
  REQUIRE(in);
  std::size_t rows = 0, crossing = 0, internal_only = 0;
  std::set<std::string> rules;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#' || line.rfind("file\t", 0) == 0) continue;
    const auto cols = split_tabs(line);
    REQUIRE(cols.size() == 8);
    INFO(cols[0] << " " << cols[1] << ": " << cols[7]);
    // Every row was decided by reading the lines, not by running hopscope.
    CHECK(cols[6] == "hand");
    hopscope::analyse_options options;
    if (cols[1].rfind("trusted=", 0) == 0) options.chain.trusted_hosts.push_back(cols[1].substr(8));
    if (cols[1].rfind("internal=", 0) == 0) {
      options.chain.internal_networks.push_back(cols[1].substr(9));
    }
    const std::string bytes =
        hopscope::test::read_file(std::string(HOPSCOPE_TEST_DATA_DIR) + "/chains/" + cols[0]);
    REQUIRE(!bytes.empty());
    const auto report = hopscope::analyse_message(bytes, cols[0], options);
    const auto& chain = report.chain;
    CHECK(trust_letters(chain) == cols[2]);
    CHECK((chain.boundary ? std::to_string(*chain.boundary) : std::string("-")) == cols[3]);
    const std::string origin = chain.origin && chain.hops[*chain.origin].received.ip
                                   ? chain.hops[*chain.origin].received.ip->to_string()
                                   : std::string("-");
    CHECK(origin == cols[4]);
    // Every decision is explained, and by the rule the row names.
    std::string reasons;
    for (const auto& h : chain.hops) {
      CHECK_FALSE(h.trust_reasons.empty());
      for (const auto& w : h.trust_reasons) reasons += w + "\n";
    }
    CHECK(reasons.find(cols[5]) != std::string::npos);
    rules.insert(cols[5]);
    CHECK_FALSE(chain.origin_reasons.empty());
    ++rows;
    (chain.boundary ? crossing : internal_only) += 1;
  }
  CHECK(rows >= 40);
  CHECK(crossing >= 30);
  CHECK(internal_only >= 3);
  // Spread over the rules: MX, private space, loopback, same organisation, fetched mailbox,
  // authenticated submission, --trusted-host, --internal-net, ...
  CHECK(rules.size() >= 12);
}

TEST_CASE("a HELO name at the recipient's MX is the client's word, however the lines agree",
          "[trust]") {
  // Hand-made forgery: a client at 81.2.69.142 says HELO relay.victim.com to the MX and
  // writes a line "by relay.victim.com" below, naming 8.8.8.8 as the sender. The line below is
  // its own word, so it cannot confirm the HELO: the origin stays the connecting address.
  const std::string forged =
      "Received: from relay.victim.com ([81.2.69.142]) by mx.victim.com (8.11.6/8.11.6) with "
      "ESMTP id X; Mon, 6 Nov 2023 10:54:02 +0000\n"
      "Received: from innocent.example.org ([8.8.8.8]) by relay.victim.com with ESMTP id Y; "
      "Mon, 6 Nov 2023 10:54:01 +0000\n";
  const auto r = hopscope::analyse_message(forged, "x");
  REQUIRE(r.chain.hops.size() == 2);
  CHECK(r.chain.boundary == std::optional<std::size_t>(1));
  REQUIRE(r.chain.origin == std::optional<std::size_t>(1));
  CHECK(r.chain.hops[1].received.ip->to_string() == "81.2.69.142");
  bool said = false;
  for (const auto& w : r.chain.hops[1].trust_reasons) {
    said = said || w.find("recipient side's MX, which takes mail from anyone") != std::string::npos;
  }
  CHECK(said);
  // Behind the MX (an internal host, not MX-named) the same shape is an internal hand-off,
  // as Exchange Online's hops are (trust-chains.tsv, sample-493 hops 4-6).
  std::string inner = forged;
  inner.replace(inner.find("mx.victim.com"), 13, "mbox.victim.com");
  const auto q = hopscope::analyse_message(inner, "x");
  CHECK(q.chain.boundary == std::optional<std::size_t>(0));
  CHECK(q.chain.hops[1].trust == hopscope::trust_level::internal);
}

TEST_CASE("an MX-named mailbox server taking LMTP is no internet-facing MX", "[trust]") {
  // rspamd-messages/bad_message.eml (lines as written there): Dovecot on "mx.mezon.local" takes
  // the message from the MX by LMTP, with no address; the MX's own client is the boundary.
  const auto r = hopscope::analyse_message(
      "Received: from mx.mezonplus.ru\n\tby mx.mezon.local (Dovecot) with LMTP id "
      "YVBbOi5Cm1WCLgEAPZa6/Q\n\t; Tue, 07 Jul 2015 06:06:22 +0300\n"
      "Received: from esumare.ru (mail.esumare.ru [89.163.231.166])\n\tby mx.mezonplus.ru "
      "(Postfix) with ESMTP id 4125139820\n\tfor <info@mezonplus.ru>; Tue,  7 Jul 2015 06:06:22 "
      "+0300 (MSK)\n",
      "x");
  REQUIRE(r.chain.hops.size() == 2);
  CHECK(r.chain.hops[1].trust == hopscope::trust_level::internal);
  REQUIRE(r.chain.origin == std::optional<std::size_t>(0));
  CHECK(r.chain.hops[0].received.ip->to_string() == "89.163.231.166");
}

TEST_CASE("shared address space (RFC 6598) is inside a network", "[trust]") {
  // Hand-made: no Received client in the corpus is in 100.64.0.0/10 (Exchange Online's edges
  // stamp their own 100.127.x.x address in the by clause, e.g. phishing_pot sample-1725).
  const auto r = hopscope::analyse_message(
      "Received: from gw.example.net ([100.72.1.9]) by mail.example.net with ESMTP id B; Mon, 6 "
      "Nov 2023 10:54:03 +0000\n"
      "Received: from a.example.org (a.example.org [81.2.69.142]) by gw.example.net with ESMTP "
      "id A; Mon, 6 Nov 2023 10:54:02 +0000\n",
      "x");
  REQUIRE(r.chain.hops.size() == 2);
  CHECK(r.chain.hops[1].trust == hopscope::trust_level::internal);
  CHECK(r.chain.hops[1].trust_reasons.front().find("shared") != std::string::npos);
  CHECK(r.chain.boundary == std::optional<std::size_t>(0));
}

TEST_CASE("CIDR networks for --internal-net", "[trust]") {
  using hopscope::parse_ip;
  using hopscope::parse_network;
  const auto net = parse_network("212.17.35.0/24");
  REQUIRE(net);
  CHECK(hopscope::contains(*net, *parse_ip("212.17.35.15")));
  CHECK_FALSE(hopscope::contains(*net, *parse_ip("212.17.36.15")));
  const auto v6 = parse_network("2603:10a6::/32");
  REQUIRE(v6);
  CHECK(hopscope::contains(*v6, *parse_ip("2603:10a6:d10:1c::11")));
  CHECK_FALSE(hopscope::contains(*v6, *parse_ip("212.17.35.15")));
  CHECK(parse_network("10.1.2.3"));  // a bare address is a /32
  CHECK_FALSE(parse_network("10.0.0.0/33"));
  CHECK_FALSE(parse_network("010.0.0.0/8"));  // inet_pton strictness
  CHECK_FALSE(parse_network("10.0.0.0/"));
  CHECK_FALSE(parse_network("example.com/8"));
}

TEST_CASE("a malformed --internal-net is a finding, not a crash", "[trust]") {
  hopscope::analyse_options options;
  options.chain.internal_networks = {"not-a-net"};
  const auto r = hopscope::analyse_message(
      "Received: from a.example.org ([203.0.113.9]) by mx.example.net with ESMTP id 1; Mon, 6 Nov "
      "2023 10:54:02 +0000\n",
      "x", options);
  CHECK(has(r.chain, "bad_internal_network"));
}

TEST_CASE("origin hints are shown, never taken as the origin", "[trust]") {
  // X-Sender-IP is written by the sending side; sample-1795's real client is the O365 edge's.
  const auto r = hopscope::analyse_message(
      "Received: from mail.example.org (mail.example.org [198.18.0.1]) by mx.example.net with "
      "ESMTPS id 1; Mon, 6 Nov 2023 10:54:02 +0000\n"
      "X-Originating-IP: [8.8.8.8]\n"
      "X-Forwarded-For: 9.9.9.9, 10.0.0.2\n",
      "x");
  REQUIRE(r.chain.hints.size() == 3);
  CHECK(r.chain.hints[0].field == "X-Originating-IP");
  CHECK(r.chain.hints[0].ip->to_string() == "8.8.8.8");
  CHECK(r.chain.hints[2].scope == hopscope::ip_scope::private_use);
  CHECK(r.chain.boundary == std::optional<std::size_t>(0));
  CHECK_FALSE(r.chain.origin.has_value());  // 198.18.0.1 is benchmarking space, not global
  CHECK(has(r.chain, "origin_hint"));
}

TEST_CASE("authenticated submission is the boundary, and says so", "[trust]") {
  // "with ESMTPSA": the client logged in; Postfix style.
  const auto r = hopscope::analyse_message(
      "Received: from [192.0.2.10] (dsl-1-2-3-4.example.net [81.2.69.142]) (Authenticated "
      "sender: alice@example.com) by smtp.example.com (Postfix) with ESMTPSA id 4ABC; Mon, 6 Nov "
      "2023 10:54:02 +0000\n",
      "x");
  REQUIRE(r.chain.hops.size() == 1);
  CHECK(r.chain.hops[0].received.authenticated);
  CHECK(r.chain.hops[0].trust == hopscope::trust_level::boundary);
  CHECK(r.chain.hops[0].trust_reasons.front().find("authenticated submission") !=
        std::string::npos);
  REQUIRE(r.chain.origin == std::optional<std::size_t>(0));
  CHECK(r.chain.hops[0].received.ip->to_string() == "81.2.69.142");
}

TEST_CASE("signs of a forged chain", "[trust][forged]") {
  SECTION("sample-1795: a date where the IP belongs, and a hop from the future below the edge") {
    const auto r = hopscope::analyse_message(
        hopscope::test::read_file(std::string(HOPSCOPE_TEST_DATA_DIR) +
                                  "/chains/phishing_pot-2022-2023_sample-1795.hdr"),
        "x");
    // "from webmail.halftomorrow.com ([Mon, 06 Nov 2023 10:44:48 +0000])"
    CHECK(has(r.chain, "date_as_ip"));
    // "from unknown (146.137.220.16) by mx.reskind.net with LOCAL; ... 10:59:54 +0000" below
    // an Office 365 edge that received the message at 10:54:02.
    CHECK(has(r.chain, "hop_contradicts_boundary"));
    CHECK(r.chain.hops[1].clock_suspect);
  }
  SECTION("duplicates and loops") {
    const std::string line =
        "Received: from a.example.org ([81.2.69.142]) by mx.example.net with ESMTP id Q1; Mon, 6 "
        "Nov 2023 10:54:02 +0000\n";
    const auto r = hopscope::analyse_message(line + line, "x");
    CHECK(has(r.chain, "duplicate_hop"));
    const auto loop = hopscope::analyse_message(
        "Received: from b.example.com ([81.2.69.143]) by mx.example.net with ESMTP id Q3; Mon, 6 "
        "Nov 2023 10:54:04 +0000\n"
        "Received: from mx.example.net ([81.2.69.144]) by b.example.com with ESMTP id Q2; Mon, 6 "
        "Nov 2023 10:54:03 +0000\n"
        "Received: from a.example.org ([81.2.69.142]) by mx.example.net with ESMTP id Q1; Mon, 6 "
        "Nov 2023 10:54:02 +0000\n",
        "x");
    CHECK(has(loop.chain, "mail_loop"));
  }
  SECTION("more than 100 hops, in linear time") {
    std::string many;
    for (int i = 0; i < 3000; ++i) {
      many += "Received: from h" + std::to_string(i) + ".example.org ([81.2.69.142]) by h" +
              std::to_string(i + 1) + ".example.org with ESMTP id " + std::to_string(i) +
              "; Mon, 6 Nov 2023 10:54:02 +0000\n";
    }
    const auto r = hopscope::analyse_message(many, "x");
    CHECK(r.chain.hops.size() == 3000);
    CHECK(has(r.chain, "too_many_hops"));
  }
  SECTION("TLS on one public hop and not the next") {
    const auto r = hopscope::analyse_message(
        "Received: from relay.example.org (relay.example.org [81.2.69.143]) by mx.example.net "
        "with ESMTP id Q2; Mon, 6 Nov 2023 10:54:04 +0000\n"
        "Received: from a.example.com (a.example.com [81.2.69.142]) by relay.example.org with "
        "ESMTPS id Q1; Mon, 6 Nov 2023 10:54:02 +0000\n",
        "x");
    CHECK(has(r.chain, "tls_mismatch"));
  }
}
