// parse_received(): real lines from the dev corpus (tests/data/received.tsv), the rules that
// need a line of their own, and hostile input.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "hopscope/received.hpp"

namespace {

using hopscope::parse_received;
using hopscope::received_hop;

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> cols;
  std::size_t start = 0;
  while (true) {
    const auto tab = line.find('\t', start);
    cols.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return cols;
}

bool has_diag(const received_hop& h, std::string_view code) {
  for (const auto& d : h.diagnostics) {
    if (d.code == code) return true;
  }
  return false;
}

std::string ip_text(const received_hop& h) { return h.ip ? h.ip->to_string() : std::string(); }

enum col { origin, mta, helo, rdns, ip, by, with, tls, auth, id, for_, date, value, n_cols };

}  // namespace

TEST_CASE("real Received lines from the corpus", "[received]") {
  std::ifstream in(std::string(HOPSCOPE_TEST_DATA_DIR) + "/received.tsv");
  REQUIRE(in.good());
  std::string line;
  std::size_t rows = 0;
  std::set<std::string> mtas;
  bool header_seen = false;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto c = split_tabs(line);
    REQUIRE(c.size() == n_cols);
    if (!header_seen) {  // the column names
      header_seen = true;
      continue;
    }
    ++rows;
    mtas.insert(c[mta]);
    const received_hop h = parse_received(c[value]);
    INFO(c[origin] << "\n  " << c[value]);
    CHECK(h.convention == c[mta]);
    CHECK(h.helo == c[helo]);
    CHECK(h.rdns == c[rdns]);
    CHECK(ip_text(h) == c[ip]);
    CHECK(h.by_host == c[by]);
    CHECK(h.with == c[with]);
    CHECK(h.tls == (c[tls] == "1"));
    CHECK(h.authenticated == (c[auth] == "1"));
    CHECK(h.id == c[id]);
    CHECK(h.for_addr == c[for_]);
    if (c[date] == "-") {
      CHECK(h.date_text.empty());
    } else if (c[date] == "?") {
      CHECK(!h.date_text.empty());
      CHECK(!h.time);
    } else {
      REQUIRE(h.time);
      CHECK(h.time->epoch == std::stoll(c[date]));
    }
  }
  CHECK(rows >= 100);
  CHECK(mtas.size() >= 18);
}

TEST_CASE("the connecting IP is never the HELO IP", "[received]") {
  // Postfix: the from token is the HELO argument, the comment has the socket's address.
  auto h = parse_received(
      "from [10.0.0.1] (host.example [1.2.3.4]) by mx.example (Postfix) with ESMTP id 4AB; "
      "Mon, 1 Jan 2024 00:00:00 +0000");
  CHECK(ip_text(h) == "1.2.3.4");
  CHECK(h.helo == "[10.0.0.1]");
  CHECK(h.rdns == "host.example");
  CHECK(h.ip_from == hopscope::ip_source::from_comment);
  CHECK(h.convention == "postfix");

  // Exim: "helo=[ip]" is what the client claimed.
  h = parse_received(
      "from [185.130.184.117] (port=58725 helo=[127.0.0.1]) by res162.servconfig.com with "
      "esmtpsa (TLS1.2) tls TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (Exim 4.95) id 1pAZFU-0008C0-0e; "
      "Wed, 28 Dec 2022 08:25:48 -0800");
  CHECK(ip_text(h) == "185.130.184.117");
  CHECK(h.ip_from == hopscope::ip_source::from_literal);
  CHECK(h.helo == "[127.0.0.1]");
  CHECK(h.tls_version == "TLS1.2");
  CHECK(h.tls_cipher == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");

  // Exim with a port glued to the literal.
  h = parse_received(
      "from vps.example ([57.128.199.31]:53566 helo=smtpclient.apple) by usvip4.noc401.com with "
      "esmtpsa (Exim 4.96) id 1qRjuq-00A9Xw-0M; Thu, 03 Aug 2023 21:47:42 -0400");
  CHECK(ip_text(h) == "57.128.199.31");
  CHECK(h.rdns == "vps.example");
  CHECK(h.helo == "smtpclient.apple");

  // qpsmtpd / qmail: "(HELO [127.0.0.1])" then the address.
  h = parse_received(
      "from ec2-18-118-215-112.us-east-2.compute.amazonaws.com (HELO [127.0.0.1]) "
      "(18.118.215.112) by smtp.schmetterling-argus.de (qpsmtpd/0.94) with ESMTPSA; "
      "Tue, 04 Jul 2023 20:17:56 +0000");
  CHECK(ip_text(h) == "18.118.215.112");
  CHECK(h.helo == "[127.0.0.1]");
}

TEST_CASE("queue ids, Exchange versions and ports are never addresses", "[received]") {
  // An Exchange version that happens to look like a dotted quad.
  auto h = parse_received(
      "from X.namprd.prod.outlook.com (2603:10b6:a03:338::7) by Y.namprd.prod.outlook.com "
      "(2603:10b6:930:e3::13) with Microsoft SMTP Server (version=TLS1_2, "
      "cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.66.31; Fri, 29 Sep 2023 09:47:37 "
      "+0000");
  CHECK(h.id == "15.20.66.31");
  CHECK(ip_text(h) == "2603:10b6:a03:338::7");
  REQUIRE(h.by_ip);
  CHECK(h.by_ip->to_string() == "2603:10b6:930:e3::13");
  CHECK(h.with == "Microsoft SMTP Server");
  CHECK(h.protocol == "SMTP");
  CHECK(h.tls);
  CHECK(h.tls_version == "TLS1_2");
  CHECK(h.tls_cipher == "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
  CHECK(h.convention == "exchange");

  h = parse_received(
      "from X.eop.outlook.com (2603:10b6:5:3af:cafe::d8) by Y.outlook.office365.com "
      "(2603:10b6:5:3af::18) with Microsoft SMTP Server id 15.20.6411.27 via Frontend Transport; "
      "Sun, 21 May 2023 05:31:49 +0000");
  CHECK(h.via == "Frontend Transport");
  CHECK(h.id == "15.20.6411.27");
  CHECK_FALSE(h.tls);

  h = parse_received(
      "from [1.2.3.4] (port=1.2.3.5 helo=x) by y with esmtp id 1.2.3.6; "
      "Mon, 1 Jan 2024 00:00:00 +0000");
  CHECK(ip_text(h) == "1.2.3.4");
  CHECK(h.id == "1.2.3.6");
}

TEST_CASE("addresses are read strictly", "[received]") {
  auto h = parse_received("from a (b [010.0.0.1]) by c; Mon, 1 Jan 2024 00:00:00 +0000");
  CHECK_FALSE(h.ip);
  CHECK(h.rdns == "b");
  CHECK(has_diag(h, "bad_ip"));

  h = parse_received("from a (b [127.1]) by c; Mon, 1 Jan 2024 00:00:00 +0000");
  CHECK_FALSE(h.ip);

  h = parse_received("from a (b [IPv6:::ffff:192.0.2.1]) by c; Mon, 1 Jan 2024 00:00:00 +0000");
  REQUIRE(h.ip);
  CHECK_FALSE(h.ip->v6);
  CHECK(h.ip->to_string() == "192.0.2.1");

  // Zone ids are kept: "from mailerver1.com.neko.example.com ([fe80::0000:...%22])"
  h = parse_received(
      "from a.example ([fe80::1%22]) by b.example ([fe80::2%22]) with Microsoft SMTP Server id "
      "14.01.0421.002; Thu, 17 Jul 2013 23:34:45 -0700");
  REQUIRE(h.ip);
  CHECK(h.ip->zone == "22");
  REQUIRE(h.by_ip);
  CHECK(h.by_ip->zone == "22");

  // "[10.233.84.199:39522]": a port inside the brackets.
  h = parse_received("from a (b [10.233.84.199:39522]) by c; Mon, 1 Jan 2024 00:00:00 +0000");
  CHECK(ip_text(h) == "10.233.84.199");
}

TEST_CASE("MTA comments", "[received]") {
  auto h = parse_received(
      "from bg.as51430.net (unknown [37.46.117.90]) (using TLSv1.2 with cipher "
      "ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)) (No client certificate requested) "
      "(Authenticated sender: info@shoetagz.com) by ip-172-31-8-45.us-west-2.compute.internal "
      "(Postfix) with ESMTPSA id EFCBA1B9F824 for <phishing@pot>; Wed, 28 Jun 2023 12:52:22 +0000 "
      "(UTC)");
  CHECK(h.rdns.empty());
  CHECK(h.rdns_unverified);
  CHECK(h.helo == "bg.as51430.net");
  CHECK(h.tls_version == "TLSv1.2");
  CHECK(h.tls_cipher == "ECDHE-RSA-AES256-GCM-SHA384");
  CHECK(h.authenticated);
  CHECK(h.auth_detail == "Authenticated sender: info@shoetagz.com");
  CHECK(h.for_addr == "phishing@pot");
  CHECK(h.protocol == "ESMTPSA");
  CHECK(h.diagnostics.empty());

  h = parse_received(
      "from mail.tamouda.online (hosted-by.tnahosting.net [45.41.206.41] (may be forged)) by "
      "dns.hoteldemexicowtc.com.mx (8.14.7/8.14.7) with ESMTP id 39M7cvTZ011886 "
      "(version=TLSv1/SSLv3 cipher=DHE-DSS-AES256-GCM-SHA384 bits=256 verify=NOT) for "
      "<phishing@pot>; Sun, 22 Oct 2023 01:38:58 -0600");
  CHECK(h.rdns_unverified);
  CHECK(h.rdns == "hosted-by.tnahosting.net");
  CHECK(h.tls_version == "TLSv1/SSLv3");
  CHECK(h.convention == "sendmail");

  h = parse_received(
      "from linteuto.teuto.de (root@linteuto.teuto.de [194.77.23.26]) by hyperreal.org "
      "(8.8.5/8.8.5) with ESMTP id NAA18138; Sat, 12 Jul 1997 13:10:48 -0700 (PDT)");
  CHECK(h.ident == "root");

  h = parse_received(
      "from [92.38.131.25] (port=42212 helo=[127.0.0.1]) by her.example.com with esmtpsa "
      "(TLSv1:ECDHE-RSA-AES256-SHA:256) (Exim 4.91) (envelope-from <noreply@att.net>) id "
      "1qNQKH-0002JZ-JH; Sat, 22 Jul 2023 23:04:15 -0500");
  CHECK(h.envelope_from == "noreply@att.net");
  CHECK(h.tls_version == "TLSv1");
  CHECK(h.tls_cipher == "ECDHE-RSA-AES256-SHA");

  // qmail local lines have no from clause and need no diagnostic.
  h = parse_received("(qmail 2160 invoked from network); 24 May 2016 12:30:11 -0000");
  CHECK(h.convention == "qmail");
  CHECK(h.diagnostics.empty());
  h = parse_received(
      "from yahoo-dev-null@yahoo-inc.com by blazing.xyz.org by uid 502 with qmail-scanner-1.12 "
      "(F-PROT: 3.12. Clear:. Processed in 0.195404 secs); 29 Jul 2002 03:28:42 -0000");
  CHECK(h.by_host == "blazing.xyz.org");
  CHECK(h.diagnostics.empty());

  // OpenSMTPD writes a ';' after each clause.
  h = parse_received(
      "from [127.0.0.1] (localhost [127.0.0.1]); by localhost (OpenSMTPD) with ESMTP id "
      "74009b37; for <kijitora@mail.example.co.jp>; Fri, 24 Oct 2014 12:24:05 +0000 (UTC)");
  CHECK(ip_text(h) == "127.0.0.1");
  CHECK(h.id == "74009b37");
  CHECK(h.for_addr == "kijitora@mail.example.co.jp");
  CHECK(h.convention == "opensmtpd");
  REQUIRE(h.time);
  CHECK(h.time->epoch == 1414153445);

  // Courier: the id follows the date.
  h = parse_received(
      "from mx.example.co.jp (c135.kyoto.example.ne.jp [192.0.2.135])  by 5jo.example.org with "
      "ESMTP; Sat, 11 Dec 2010 02:07:06 +0900  id 0F1BC0DD.4D025E3A.00001786");
  CHECK(h.id == "0F1BC0DD.4D025E3A.00001786");
  CHECK(h.convention == "courier");
}

TEST_CASE("dates without a semicolon", "[received]") {
  auto h = parse_received(
      "by filterdrecv-78999db45c-wzd97 with SMTP id filterdrecv-78999db45c-wzd97-1-64A3E581-26  "
      "      2023-07-04 09:25:21.739430597 +0000 UTC m=+4700729.867591795");
  CHECK(h.date_without_semicolon);
  CHECK(h.id == "filterdrecv-78999db45c-wzd97-1-64A3E581-26");
  REQUIRE(h.time);
  CHECK(h.time->epoch == 1688462721);
  CHECK(h.convention == "sendgrid");

  h = parse_received(
      "from MzM3NjQ2ODc (unknown) by geopod-ismtpd-37 (SG) with HTTP id Ebzfu00iRlyezpNSAC7I7w "
      "Sat, 07 Oct 2023 00:38:18.254 +0000 (UTC)");
  CHECK(h.date_without_semicolon);
  CHECK(h.id == "Ebzfu00iRlyezpNSAC7I7w");
  REQUIRE(h.time);
  CHECK(h.time->epoch == 1696639098);

  h = parse_received("from a by b with SMTP id c");
  CHECK(h.date_text.empty());
  CHECK(has_diag(h, "no_date"));

  h = parse_received("from a by b with SMTP id c; yesterday");
  CHECK(h.date_text == "yesterday");
  CHECK_FALSE(h.time);
  CHECK(has_diag(h, "bad_date"));
}

TEST_CASE("hostile input stays bounded", "[received]") {
  SECTION("empty") {
    auto h = parse_received("");
    CHECK(has_diag(h, "no_date"));
    CHECK(has_diag(h, "no_from_clause"));
    CHECK(h.convention == "generic");
  }
  SECTION("only ;") {
    auto h = parse_received(";");
    CHECK(h.date_text.empty());
    CHECK(has_diag(h, "no_date"));
    h = parse_received(";;;;;");
    CHECK(has_diag(h, "no_date"));
  }
  SECTION("100,000 nested comments") {
    const std::string s =
        "from a " + std::string(100000, '(') + " by b; Mon, 1 Jan 2024 00:00:00 +0000";
    auto h = parse_received(s);
    CHECK(has_diag(h, "truncated"));
    CHECK(has_diag(h, "unbalanced"));
    CHECK(has_diag(h, "deep_nesting"));
    // Raised limits: the whole line is read, still flat and linear.
    hopscope::received_limits big;
    big.max_bytes = 1u << 20;
    h = parse_received(s, big);
    CHECK(has_diag(h, "unbalanced"));
    const std::string closed = "from a " + std::string(100000, '(') + std::string(100000, ')') +
                               " by b; Mon, 1 Jan 2024 00:00:00 +0000";
    h = parse_received(closed, big);
    CHECK(h.by_host == "b");
    REQUIRE(h.time);
  }
  SECTION("a 1 MB line") {
    std::string s = "from a (b [1.2.3.4]) by c with SMTP id ";
    s.append(1u << 20, 'x');
    s += "; Mon, 1 Jan 2024 00:00:00 +0000";
    auto h = parse_received(s);
    CHECK(has_diag(h, "truncated"));
    CHECK(ip_text(h) == "1.2.3.4");
    CHECK(h.id.size() < 20000);

    // 1 MB of tokens with the limit raised: the token cap stops it.
    std::string words;
    for (int i = 0; i < (1 << 19); ++i) words += "a ";
    hopscope::received_limits big;
    big.max_bytes = 2u << 20;
    h = parse_received(words, big);
    CHECK(has_diag(h, "truncated"));
  }
  SECTION("NUL bytes") {
    const char raw[] = "from a\0b (c [1.2.3.4]) by d\0; Mon, 1 Jan 2024 00:00:00 +0000";
    const std::string s(raw, sizeof raw - 1);
    auto h = parse_received(s);
    CHECK(has_diag(h, "nul_byte"));
    CHECK(ip_text(h) == "1.2.3.4");
    CHECK(h.time);
  }
  SECTION("unbalanced brackets") {
    auto h = parse_received("from x (y [1.2.3.4 by z; Mon, 1 Jan 2024 00:00:00 +0000");
    CHECK(has_diag(h, "unbalanced"));
    h = parse_received("from [1.2.3.4 by z; Mon, 1 Jan 2024 00:00:00 +0000");
    CHECK(has_diag(h, "unbalanced"));
    CHECK(h.by_host == "z");
    CHECK(h.time);
    h = parse_received("))) from a by b; Mon, 1 Jan 2024 00:00:00 +0000");
    CHECK(has_diag(h, "unbalanced"));
    h = parse_received("from \"a by b; Mon, 1 Jan 2024 00:00:00 +0000");
    CHECK(has_diag(h, "unbalanced"));
    h = parse_received("from a (b \\");
    CHECK(has_diag(h, "unbalanced"));
    h = parse_received("[");
    CHECK(has_diag(h, "unbalanced"));
  }
  SECTION("many clauses") {
    std::string s;
    for (int i = 0; i < 200; ++i) s += "by x with y ";
    auto h = parse_received(s);
    CHECK(h.by_host == "x");
    CHECK(has_diag(h, "truncated"));
  }
  SECTION("small limits") {
    hopscope::received_limits tiny;
    tiny.max_bytes = 10;
    tiny.max_tokens = 2;
    auto h = parse_received("from a (b [1.2.3.4]) by c; Mon, 1 Jan 2024 00:00:00 +0000", tiny);
    CHECK(has_diag(h, "truncated"));
  }
}

TEST_CASE("to_string(ip_source)", "[received]") {
  CHECK(hopscope::to_string(hopscope::ip_source::from_comment) == "from_comment");
  CHECK(hopscope::to_string(hopscope::ip_source::none) == "none");
}
