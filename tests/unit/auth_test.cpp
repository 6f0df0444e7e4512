// Authentication results: the RFC 8601 parser on real fields from many receiving systems
// (tests/data/auth-results.tsv), ARC sets, DKIM-Signature, Received-SPF, alignment, hop tying
// on real chains from ../shared/corpus, and hostile input.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "hopscope/auth.hpp"
#include "hopscope/chain.hpp"
#include "hopscope/header.hpp"
#include "render/auth_render.hpp"

using namespace hopscope;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The header block of a stored message: up to the first blank line, CRLF made LF.
header_block header_of(const std::string& corpus_path) {
  std::string raw = slurp(std::string(HOPSCOPE_CORPUS_DIR) + "/" + corpus_path);
  std::string text;
  text.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n') continue;
    text.push_back(raw[i]);
    if (raw[i] == '\n' && i + 1 < raw.size() && (raw[i + 1] == '\n' || raw[i + 1] == '\r')) break;
  }
  return split_header_block(std::move(text));
}

// As report.cpp builds it: Received fields top first, numbered by their ordinal.
hop_chain chain_of(const header_block& block) {
  std::vector<received_field> received;
  std::size_t n = 0;
  for (std::size_t i = 0; i < block.size(); ++i) {
    if (iequals(block.name(i), "Received")) {
      received.push_back(received_field{n++, block.unfolded_value(i)});
    }
  }
  return analyse_chain(received);
}

[[maybe_unused]] bool corpus_present() {
  std::ifstream in(std::string(HOPSCOPE_CORPUS_DIR) + "/MANIFEST.tsv");
  return in.good();
}

[[maybe_unused]] std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t e = s.find(sep, pos);
    out.push_back(s.substr(pos, e == std::string::npos ? std::string::npos : e - pos));
    if (e == std::string::npos) break;
    pos = e + 1;
  }
  return out;
}

[[maybe_unused]] const auth_method_result* find_method(const auth_results_field& f,
                                                       std::string_view m) {
  for (const auto& r : f.results) {
    if (r.method == m) return &r;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("dump the auth section of a message (HOPSCOPE_DUMP=corpus/path)", "[.dump]") {
  const char* path = std::getenv("HOPSCOPE_DUMP");
  if (path == nullptr) return;
  const header_block block = header_of(path);
  const hop_chain chain = chain_of(block);
  for (std::size_t i = 0; i < chain.hops.size(); ++i) {
    std::cout << "hop " << i + 1 << " by " << chain.hops[i].received.by_host << " (received #"
              << chain.hops[i].header_index << ")\n";
  }
  const auto rep = analyse_authentication(block, chain);
  std::cout << render_auth_text(rep, false) << "\n" << auth_to_json(rep).dump(1) << "\n";
}

TEST_CASE("Authentication-Results from real receiving systems (auth-results.tsv)", "[auth]") {
  std::ifstream in(std::string(HOPSCOPE_TEST_DATA_DIR) + "/auth-results.tsv");
  REQUIRE(in.good());
  std::string line;
  std::set<std::string> systems;
  int rows = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto c = split(line, '\t');
    REQUIRE(c.size() == 8);
    INFO(c[0] << " " << c[1] << ": " << c[7]);
    const bool arc = c[1].size() > 4 && iequals(std::string_view(c[1]).substr(0, 4), "ARC-");
    const auto f = parse_authentication_results(c[7], arc);
    CHECK(f.authserv_id == (c[3] == "-" ? std::string() : c[3]));
    if (c[4] != "-") {
      REQUIRE(f.arc_instance);
      CHECK(*f.arc_instance == std::stoi(c[4]));
    }
    std::string methods;
    for (const auto& r : f.results) {
      if (!methods.empty()) methods += ',';
      methods += r.method + "=" + r.result;
    }
    CHECK(methods == c[5]);
    // check: "method:key=value" (ptype.property, reason, or an extra), or "loose:key=value".
    const std::size_t colon = c[6].find(':');
    const std::size_t eq = c[6].find('=', colon);
    const std::string m = c[6].substr(0, colon);
    const std::string key = c[6].substr(colon + 1, eq - colon - 1);
    const std::string want = c[6].substr(eq + 1);
    bool found = false;
    auto match = [&](const std::vector<auth_property>& props) {
      for (const auto& p : props) {
        const std::string k = p.ptype.empty() ? p.property : p.ptype + "." + p.property;
        if (k == key && p.value == want) found = true;
      }
    };
    if (m == "loose") {
      match(f.loose_properties);
    } else {
      for (const auto& r : f.results) {
        if (r.method != m) continue;
        if (key == "reason" && r.reason == want) found = true;
        match(r.properties);
        match(r.extras);
      }
    }
    CHECK(found);
    CHECK(f.notes.empty());
    systems.insert(c[2]);
    ++rows;
  }
  CHECK(rows >= 20);
  CHECK(systems.size() >= 8);
}

TEST_CASE("RFC 8601 forms: version, none, nested comments, quoted values, method versions",
          "[auth]") {
  const auto a = parse_authentication_results("mx.microsoft.com 1; spf=none; dmarc=none");
  CHECK(a.authserv_id == "mx.microsoft.com");
  REQUIRE(a.version);
  CHECK(*a.version == 1);
  CHECK(a.results.size() == 2);

  const auto none = parse_authentication_results("example.org 1; none");
  CHECK(none.no_result);
  CHECK(none.results.empty());

  const auto nested = parse_authentication_results(
      "mx.example; dmarc=fail (p=reject (from DNS; cached)) header.from=example.com; spf=pass");
  REQUIRE(nested.results.size() == 2);
  CHECK(nested.results[0].comment == "p=reject (from DNS; cached)");
  CHECK(nested.results[1].method == "spf");

  const auto quoted = parse_authentication_results(
      "\"mx.example\"; dkim/1=pass header.b=\"oVxOH/NU\" header.d=Example.COM");
  CHECK(quoted.authserv_id == "mx.example");
  REQUIRE(quoted.results.size() == 1);
  CHECK(quoted.results[0].method == "dkim");
  CHECK(quoted.results[0].properties[0].value == "oVxOH/NU");

  // "spf=pass  (server-0...: ... as permitted sender)smtp.mailfrom=example.net": no space
  // between the comment and the property (MessageLabs).
  const auto tight =
      parse_authentication_results("r2.messagelabs.com; spf=pass (x)smtp.mailfrom=a.b");
  REQUIRE(tight.results.size() == 1);
  REQUIRE(tight.results[0].properties.size() == 1);
  CHECK(tight.results[0].properties[0].value == "a.b");
}

TEST_CASE("hostile Authentication-Results values stay bounded", "[auth][limits]") {
  std::string big(1u << 20, 'a');
  auto f = parse_authentication_results(big);
  CHECK(std::find(f.notes.begin(), f.notes.end(), "value_cut") != f.notes.end());

  std::string semis = "mx.example;";
  for (int i = 0; i < 10000; ++i) semis += ';';
  f = parse_authentication_results(semis);
  CHECK(f.results.empty());

  std::string many = "mx.example";
  for (int i = 0; i < 10000; ++i) many += "; spf=pass";
  f = parse_authentication_results(many);
  CHECK(f.results.size() == auth_limits{}.max_results);
  CHECK(std::find(f.notes.begin(), f.notes.end(), "truncated") != f.notes.end());

  std::string deep = "mx.example; spf=pass ";
  deep += std::string(200000, '(');
  f = parse_authentication_results(deep);
  CHECK(std::find(f.notes.begin(), f.notes.end(), "unbalanced_comment_or_quote") != f.notes.end());
  CHECK(f.results.size() == 1);
  CHECK(f.results[0].comment.size() <= auth_limits{}.max_comment_bytes);

  f = parse_authentication_results("mx.example; dkim=pass header.b=\"unterminated ; spf=fail");
  CHECK(f.results.size() == 1);
  CHECK(!f.notes.empty());

  f = parse_authentication_results("mx.example; dkim=pass ))) ((( ;;; === \"\" spf=");
  CHECK(f.results.size() >= 1);

  const std::string nul("mx.ex\0ample; spf=pa\0ss smtp.mailfrom=a\0b.example", 47);
  f = parse_authentication_results(nul);
  REQUIRE(f.results.size() == 1);
  CHECK(f.results[0].result == std::string("pa\0ss", 5));

  auto spf = parse_received_spf(std::string(1u << 20, '('));
  CHECK(spf.client_ip.empty());
  const auto dk = parse_dkim_signature(std::string(1u << 20, ';'));
  CHECK(dk.domain.empty());
}

TEST_CASE("DKIM-Signature tags", "[auth][dkim]") {
  // Google's folded h= list (phishing_pot sample-479 X-Google-DKIM-Signature layout).
  const auto g = parse_dkim_signature(
      "v=1; a=rsa-sha256; c=relaxed/relaxed;\n        d=1e100.net; s=20210112; t=1679108729;\n"
      "        h=mime-version:content-language:accept-language:in-reply-to\n"
      "         :references:message-id; bh=gt0p; b=eGFf");
  CHECK(g.domain == "1e100.net");
  CHECK(g.selector == "20210112");
  REQUIRE(g.timestamp);
  CHECK(*g.timestamp == 1679108729);
  CHECK(g.signed_headers.size() == 6);
  CHECK(g.signed_headers[4] == "references");
  CHECK(g.notes.empty());

  const auto odd =
      parse_dkim_signature("v=1; d=Example.COM.; s=x; t=200; x=100; i=@other.example; l=10");
  CHECK(odd.domain == "example.com");
  CHECK(std::find(odd.notes.begin(), odd.notes.end(), "expiry_before_timestamp") !=
        odd.notes.end());
  CHECK(std::find(odd.notes.begin(), odd.notes.end(), "identity_outside_domain") !=
        odd.notes.end());
  CHECK(std::find(odd.notes.begin(), odd.notes.end(), "partial_body_signed") != odd.notes.end());

  const auto sub = parse_dkim_signature("d=example.com; s=s; i=news@mail.example.com");
  CHECK(sub.notes.empty());
  const auto none = parse_dkim_signature("v=1; a=rsa-sha256");
  CHECK(std::find(none.notes.begin(), none.notes.end(), "missing_d") != none.notes.end());
}

TEST_CASE("Received-SPF from Microsoft and Gmail", "[auth][spf]") {
  const auto ms = parse_received_spf(
      "Pass (protection.outlook.com: domain of gmail.com designates 209.85.222.47 as permitted "
      "sender) receiver=protection.outlook.com; client-ip=209.85.222.47; "
      "helo=mail-ua1-f47.google.com; pr=C");
  CHECK(ms.result == "pass");
  CHECK(ms.receiver == "protection.outlook.com");
  CHECK(ms.client_ip == "209.85.222.47");
  CHECK(ms.helo == "mail-ua1-f47.google.com");
  CHECK(ms.comment.rfind("protection.outlook.com: domain of", 0) == 0);

  const auto g = parse_received_spf(
      "pass (google.com: domain of phishing@pot designates 2a01:111:f400:7eaa::831 as permitted "
      "sender) client-ip=2a01:111:f400:7eaa::831;");
  CHECK(g.result == "pass");
  CHECK(g.client_ip == "2a01:111:f400:7eaa::831");

  const auto sa = parse_received_spf(
      "SoftFail (mailfrom) identity=mailfrom; client-ip=192.0.2.7; helo=x.example; "
      "envelope-from=\"a@b.example\"; receiver=mx.example");
  CHECK(sa.result == "softfail");
  CHECK(sa.identity == "mailfrom");
  CHECK(sa.envelope_from == "a@b.example");
}

TEST_CASE("address_domain", "[auth]") {
  CHECK(address_domain("Name (x@evil.example) <User@Example.COM>") == "example.com");
  CHECK(address_domain("@hotmail.com") == "hotmail.com");
  CHECK(address_domain("gmail.com") == "gmail.com");
  CHECK(address_domain("<noreply@zohosalesiq.com>") == "zohosalesiq.com");
  CHECK(address_domain("phishing@pot").empty());
  CHECK(address_domain("none").empty());
  CHECK(address_domain("").empty());
}

TEST_CASE("ARC sets and hop tying on a real Microsoft/Gmail/Microsoft chain",
          "[auth][arc][corpus]") {
  if (!corpus_present()) return;
  const header_block block = header_of("phishing_pot-2022-2023/sample-479.eml");
  const hop_chain chain = chain_of(block);
  REQUIRE(chain.hops.size() == 9);
  const auto rep = analyse_authentication(block, chain);

  REQUIRE(rep.arc_sets.size() == 3);
  CHECK(rep.arc.state == "pass");
  CHECK(rep.arc.problems.empty());
  CHECK(rep.arc_sets[0].chain_validation == "none");
  CHECK(rep.arc_sets[0].seal_domain == "microsoft.com");
  CHECK(rep.arc_sets[1].seal_domain == "google.com");
  REQUIRE(rep.arc_sets[1].seal_time);
  CHECK(*rep.arc_sets[1].seal_time == 1679108727);
  REQUIRE(rep.arc_sets[1].results);
  CHECK(rep.results[*rep.arc_sets[1].results].authserv_id == "mx.google.com");

  auto hop_host = [&](std::optional<std::size_t> h) {
    return h ? chain.hops[*h].received.by_host : std::string("(none)");
  };
  for (const auto& f : rep.results) {
    INFO(to_string(f.kind) << " " << f.authserv_id);
    if (f.kind == auth_field_kind::authentication_results) {
      // Microsoft's id-less A-R sits above "Received: from mail-ua1-f47.google.com ... by
      // CO1NAM11FT111.mail.protection.outlook.com".
      CHECK(f.tie == hop_tie::header_order);
      CHECK(hop_host(f.hop) == "CO1NAM11FT111.mail.protection.outlook.com");
    } else if (f.kind == auth_field_kind::authentication_results_original) {
      // Moved under Gmail's "Received-SPF", just below Gmail's own Received.
      CHECK(f.tie == hop_tie::authserv_id_host);
      CHECK(hop_host(f.hop) == "mx.google.com");
    } else if (f.arc_instance == 2) {
      CHECK(f.tie == hop_tie::authserv_id_host);
      CHECK(hop_host(f.hop) == "mx.google.com");
    } else if (f.arc_instance == 3) {
      CHECK(f.tie == hop_tie::authserv_id_org);  // mx.microsoft.com over outlook.com hosts
      CHECK(hop_host(f.hop) == "DM4PR19MB6124.namprd19.prod.outlook.com");
    }
  }
  REQUIRE(rep.spf_fields.size() == 2);
  CHECK(rep.spf_fields[0].tie == hop_tie::authserv_id_org);
  CHECK(hop_host(rep.spf_fields[0].hop) == "CO1NAM11FT111.mail.protection.outlook.com");

  REQUIRE(rep.by_authserv.size() == 2);
  CHECK(rep.by_authserv[0].authserv_id.empty());
  CHECK(rep.by_authserv[0].compauth == "pass");
  CHECK(rep.by_authserv[1].authserv_id == "mx.google.com");
  CHECK(rep.by_authserv[1].arc == "pass");

  // phishing_pot rewrote From to "phishing@pot": no domain, so nothing aligns.
  CHECK(rep.from_domain.empty());
  for (const auto& a : rep.alignment) CHECK_FALSE(a.relaxed);

  const std::string text = render_auth_text(rep, false);
  CHECK(text.find("compauth=pass") != std::string::npos);
  const auto j = auth_to_json(rep);
  CHECK(j["arc"]["state"] == "pass");
  CHECK(j["results"].size() == rep.results.size());
}

TEST_CASE("hop tying on other real chains", "[auth][corpus]") {
  if (!corpus_present()) return;
  struct row {
    const char* file;
    const char* authserv_id;
    const char* by_host;  // expected hop's by-host
    hop_tie tie;
  };
  const row rows[] = {
      // The test message was re-injected: two Received fields sit between the A-R and the
      // "by mail.highsecure.ru" one, so the id is searched for.
      {"rspamd-messages/arcbad.eml", "mail.highsecure.ru", "mail.highsecure.ru",
       hop_tie::authserv_id_search},
      // Proton writes four one-method fields below its own Received (by mailin035) and the
      // sender's own "Received: by cedrjjcfe... (Postfix, from userid 0)".
      {"phishing_pot-2022-2023/sample-1823.eml", "mail.protonmail.ch", "mailin035.protonmail.ch",
       hop_tie::authserv_id_search},
      {"phishing_pot-2022-2023/sample-247.eml", "mx.google.com", "mx.google.com",
       hop_tie::authserv_id_host},
  };
  for (const auto& r : rows) {
    INFO(r.file);
    const header_block block = header_of(r.file);
    const hop_chain chain = chain_of(block);
    const auto rep = analyse_authentication(block, chain);
    bool seen = false;
    for (const auto& f : rep.results) {
      if (f.kind != auth_field_kind::authentication_results || f.authserv_id != r.authserv_id) {
        continue;
      }
      seen = true;
      REQUIRE(f.hop);
      CHECK(chain.hops[*f.hop].received.by_host == r.by_host);
      CHECK(f.tie == r.tie);
    }
    CHECK(seen);
  }
}

TEST_CASE("alignment: strict, relaxed, not aligned", "[auth][alignment]") {
  std::string text =
      "From: News <news@mail.example.co.uk>\n"
      "Authentication-Results: mx.test.example; dkim=pass header.d=example.co.uk;"
      " spf=pass smtp.mailfrom=bounce@esp.example.net; dkim=fail header.i=@mail.example.co.uk\n"
      "DKIM-Signature: v=1; d=example.co.uk; s=s1; h=from\n"
      "DKIM-Signature: v=1; d=mail.example.co.uk; s=s2; h=from\n"
      "Received: from a by mx.test.example; Mon, 1 Jan 2024 00:00:00 +0000\n";
  const header_block block = split_header_block(text);
  const auto rep = analyse_authentication(block, chain_of(block));
  CHECK(rep.from_domain == "mail.example.co.uk");
  REQUIRE(rep.alignment.size() == 3);
  CHECK(rep.alignment[0].domain == "example.co.uk");
  CHECK(rep.alignment[0].result == "pass");
  CHECK_FALSE(rep.alignment[0].strict);
  CHECK(rep.alignment[0].relaxed);
  CHECK(rep.alignment[1].domain == "mail.example.co.uk");
  CHECK(rep.alignment[1].strict);
  CHECK(rep.alignment[1].result == "fail");
  CHECK(rep.alignment[2].mechanism == "spf");
  CHECK(rep.alignment[2].domain == "esp.example.net");
  CHECK_FALSE(rep.alignment[2].relaxed);
  REQUIRE(rep.results.size() == 1);
  CHECK(rep.results[0].tie == hop_tie::authserv_id_host);
  CHECK(rep.results[0].hop == std::optional<std::size_t>(0));
}

TEST_CASE("ARC problems: gap, missing parts, bad first cv", "[auth][arc]") {
  const header_block block = split_header_block(
      "ARC-Seal: i=3; cv=pass; d=b.example; s=s\n"
      "ARC-Message-Signature: i=3; d=b.example; s=s\n"
      "ARC-Authentication-Results: i=3; b.example; arc=pass\n"
      "ARC-Seal: i=1; cv=pass; d=a.example; s=s\n"
      "ARC-Seal: i=1; cv=none; d=a.example; s=s\n"
      "ARC-Seal: i=99; cv=none\n");
  const auto rep = analyse_authentication(block, hop_chain{});
  CHECK(rep.arc.state == "broken");
  const auto has = [&](std::string_view p) {
    return std::find(rep.arc.problems.begin(), rep.arc.problems.end(), p) != rep.arc.problems.end();
  };
  CHECK(has("gap_before_i3"));
  CHECK(has("missing_message_signature_i1"));
  CHECK(has("missing_results_i1"));
  CHECK(has("duplicate_i1"));
  CHECK(has("first_seal_cv_not_none"));
  CHECK(has("bad_instance"));
}

TEST_CASE("every corpus message analyses, quickly", "[auth][corpus]") {
  if (!corpus_present()) return;
  std::ifstream manifest(std::string(HOPSCOPE_CORPUS_DIR) + "/MANIFEST.tsv");
  std::string line;
  std::getline(manifest, line);
  std::vector<std::pair<header_block, hop_chain>> messages;
  while (std::getline(manifest, line) && messages.size() < 400) {
    const std::string path = line.substr(0, line.find('\t'));
    if (path.rfind("phishing_pot", 0) != 0) continue;
    header_block b = header_of(path);
    hop_chain c = chain_of(b);
    messages.emplace_back(std::move(b), std::move(c));
  }
  REQUIRE(!messages.empty());
  std::size_t tied = 0, results = 0;
  for (int warm = 0; warm < (std::getenv("HOPSCOPE_AUTH_PROFILE") ? 200 : 3); ++warm) {
    for (const auto& [b, c] : messages) (void)analyse_authentication(b, c);
  }
  const auto start = std::chrono::steady_clock::now();
  for (const auto& [b, c] : messages) {
    const auto rep = analyse_authentication(b, c);
    for (const auto& f : rep.results) {
      ++results;
      if (f.hop) ++tied;
      if (f.hop) CHECK(*f.hop < c.hops.size());
    }
  }
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  WARN("analyse_authentication: " << messages.size() << " messages, "
                                  << static_cast<double>(us) / static_cast<double>(messages.size())
                                  << " us each; " << tied << "/" << results << " fields tied");
  CHECK(tied * 10 >= results * 9);
}
