// Registrable domains through libpsl, on host names from real Received lines.
#include <libpsl.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/suffix_table.hpp"
#include "hopscope/domain.hpp"

TEST_CASE("registrable domains", "[domain]") {
  // Hosts from phishing_pot-2022-2023/sample-1109.eml and samples/o365-phishing-long-chain.eml.
  CHECK(hopscope::registrable_domain("VI1EUR05FT049.mail.protection.outlook.com") == "outlook.com");
  CHECK(hopscope::registrable_domain("mail.cistsec.com.cn") == "cistsec.com.cn");
  CHECK(hopscope::registrable_domain("mail-sor-f41.google.com.") == "google.com");
  CHECK(hopscope::registrable_domain("r220-1.rz.RWTH-Aachen.DE") == "rwth-aachen.de");
  CHECK(hopscope::registrable_domain("bbc.co.uk") == "bbc.co.uk");
  CHECK(hopscope::registrable_domain("co.uk").empty());  // a public suffix
  CHECK(hopscope::registrable_domain("localhost").empty());
  CHECK(hopscope::registrable_domain("192.0.2.1").empty());
  CHECK(hopscope::registrable_domain("[192.0.2.1]").empty());
  CHECK(hopscope::registrable_domain("2002:a05:7300:538f:b0:7c:ab41:dfcf").empty());
  CHECK(hopscope::same_organisation("BN8NAM04FT050.mail.protection.outlook.com",
                                    "BN7PR02CA0021.outlook.office365.com") == false);
  CHECK(hopscope::same_organisation("mx1.example.co.uk", "smtp.EXAMPLE.co.uk."));
}

namespace {

// What libpsl itself answers, with the list the library loads.
std::string libpsl_answer(const std::string& host) {
  static const psl_ctx_t* ctx = [] {
    const psl_ctx_t* latest = psl_latest(nullptr);
    return latest != nullptr ? latest : psl_builtin();
  }();
  std::string lower = host;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const char* d = psl_registrable_domain(ctx, lower.c_str());
  return d != nullptr ? std::string(d) : std::string();
}

// Names under each rule of a list: the rule, and one, two and three labels more, wildcards
// filled in, exceptions as written. ASCII rules only (registrable_domain() refuses others).
std::vector<std::string> names_under_rules(std::istream& list) {
  std::vector<std::string> names;
  for (std::string line; std::getline(list, line);) {
    if (line.empty() || line.starts_with("//")) continue;
    if (std::any_of(line.begin(), line.end(), [](char c) { return c & 0x80 || c == ' '; }))
      continue;
    std::string rule = line[0] == '!' ? line.substr(1) : line;
    for (std::size_t p = rule.find('*'); p != std::string::npos; p = rule.find('*')) {
      rule.replace(p, 1, "wild");
    }
    for (const char* prefix : {"", "x.", "a.b.", "www.c.d."}) names.push_back(prefix + rule);
  }
  return names;
}

}  // namespace

// registrable_domain() answers from the suffix table, or (for "xn--" names, or without the
// system list) asks libpsl about each suffix through per-thread caches, instead of calling
// psl_registrable_domain(): it must answer the same for every name, asked twice.
TEST_CASE("registrable domains agree with psl_registrable_domain", "[domain]") {
  // Rules of each kind in the list: wildcards and their exceptions (*.ck, !www.ck; *.kawasaki.jp,
  // !city.kawasaki.jp), private suffixes (blogspot.com, s3.amazonaws.com), a name public while
  // its parent is not (forgot.his.name).
  std::istringstream tricky(
      "ck\n*.ck\n!www.ck\n*.kawasaki.jp\n!city.kawasaki.jp\nblogspot.com\nblogspot.co.uk\n"
      "s3.amazonaws.com\ncompute-1.amazonaws.com\nforgot.his.name\nhis.name\nname\ncom\n"
      "co.uk\nuk\ngov.uk\nservice.gov.uk\nexample\nlocal\n"
      // IDN rules in their ASCII form (\u516c\u53f8.cn, \u0627\u06cc\u0631\u0627\u0646.ir): names
      // with an "xn--" label are answered by libpsl, not the suffix table.
      "xn--55qx5d.cn\nxn--mgba3a4f16a.ir\n");
  std::vector<std::string> names = names_under_rules(tricky);
  const char* k_system_list = "/usr/share/publicsuffix/public_suffix_list.dat";
  std::ifstream system_list(k_system_list);
  if (system_list) {
    const auto all = names_under_rules(system_list);
    names.insert(names.end(), all.begin(), all.end());
  }
  INFO(names.size() << " names");
  REQUIRE(names.size() > 50);
  std::size_t differ = 0;
  for (int round = 0; round < 2; ++round) {  // the second round: libpsl's answers cached
    for (const auto& name : names) {
      const std::string ours = hopscope::registrable_domain(name);
      const std::string theirs = libpsl_answer(name);
      if (ours != theirs) {
        if (++differ <= 10) UNSCOPED_INFO(name << ": " << ours << " vs libpsl " << theirs);
      }
    }
  }
  CHECK(differ == 0);
}

namespace {

const psl_ctx_t* latest_list() {
  static const psl_ctx_t* ctx = psl_latest(nullptr);
  return ctx;
}

bool psl_says_public(const hopscope::detail::suffix_table& table, const std::string& name) {
  INFO(name);
  REQUIRE(table.handles(name));
  return psl_is_public_suffix(latest_list(), name.c_str()) != 0;
}

}  // namespace

// The rules of each kind, as libpsl reads them from a list's text.
TEST_CASE("suffix table: rules, wildcards, exceptions", "[domain]") {
  const auto table = hopscope::detail::suffix_table::from_text(
      "// comment line\n"
      "\n"
      "com\n"
      "  co.uk   trailing words are ignored\r\n"
      "ck\n*.ck\n!www.ck\n"
      "*.kawasaki.jp\n!city.kawasaki.jp\n"
      "forgot.his.name\nname\n"
      "*bad.example\n"                 // libpsl supports only "*." wildcards
      "\xe5\x85\xac\xe5\x8f\xb8.cn\n"  // an IDN rule: left to libpsl
      "EXAMPLE.NET\n");
  REQUIRE(table);
  using hopscope::detail::suffix_table;
  CHECK(table->is_public("com"));
  CHECK(table->is_public("anything"));  // one label: the implicit "*" rule
  CHECK(table->is_public("co.uk"));
  CHECK_FALSE(table->is_public("bbc.co.uk"));
  CHECK(table->is_public("ck"));
  CHECK(table->is_public("foo.ck"));        // under *.ck
  CHECK_FALSE(table->is_public("www.ck"));  // the exception
  CHECK_FALSE(table->is_public("a.foo.ck"));
  CHECK(table->is_public("kawasaki.jp"));  // *.kawasaki.jp makes kawasaki.jp public too
  CHECK(table->is_public("x.kawasaki.jp"));
  CHECK_FALSE(table->is_public("city.kawasaki.jp"));
  CHECK(table->is_public("forgot.his.name"));
  CHECK_FALSE(table->is_public("his.name"));
  CHECK_FALSE(table->is_public("bad.example"));
  CHECK_FALSE(table->is_public("xbad.example"));
  CHECK(table->is_public("example.net"));  // rules are lower-cased
  CHECK_FALSE(table->is_public("shop.cn"));
  CHECK_FALSE(hopscope::detail::suffix_table::from_text("// only comments\n\n"));
  CHECK(suffix_table::handles("mx.example.com"));
  CHECK_FALSE(suffix_table::handles("xn--55qx5d.cn"));
  CHECK_FALSE(suffix_table::handles("shop.xn--55qx5d.cn"));
  CHECK_FALSE(suffix_table::handles(".example.com"));
  CHECK_FALSE(suffix_table::handles("mx..example.com"));
  CHECK_FALSE(suffix_table::handles(""));
}

// The table answers what libpsl answers, with the list libpsl loads, for every name under
// every rule of it (and their parents) that the table handles.
TEST_CASE("suffix table agrees with psl_is_public_suffix over the system list", "[domain]") {
  const char* path = psl_builtin_filename();
  std::ifstream in(path != nullptr ? path : "");
  if (!in || latest_list() == nullptr || latest_list() == psl_builtin()) {
    WARN("no system public suffix list next to libpsl's: registrable_domain() uses libpsl only");
    return;
  }
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const auto table = hopscope::detail::suffix_table::from_text(text);
  REQUIRE(table);
  std::istringstream lines(text);
  std::vector<std::string> names = names_under_rules(lines);
  std::size_t checked = 0, differ = 0;
  for (const auto& name : names) {
    for (std::string_view n = name; !n.empty();) {  // the name and each of its parents
      const std::string s(n);
      if (hopscope::detail::suffix_table::handles(s)) {
        ++checked;
        if (table->is_public(s) != psl_says_public(*table, s) && ++differ <= 10) {
          UNSCOPED_INFO(s << ": table says " << table->is_public(s));
        }
      }
      const std::size_t dot = n.find('.');
      n = dot == std::string_view::npos ? std::string_view() : n.substr(dot + 1);
    }
  }
  INFO(checked << " names checked");
  CHECK(checked > 50000);
  CHECK(differ == 0);
}
