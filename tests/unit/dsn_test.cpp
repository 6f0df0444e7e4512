// Bounce reading: golden files (tests/data/bounces/, see its README), hand-made DSNs, the
// returned original message's chain, and hostile inputs that must stay bounded and
// exception-free.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hopscope/chain.hpp"
#include "hopscope/dsn.hpp"
#include "hopscope/header.hpp"
#include "hopscope/input.hpp"
#include "render/bounce_render.hpp"
#include "support/read_file.hpp"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

std::optional<hopscope::bounce_report> parse(const std::string& raw) {
  hopscope::normalised_input in = hopscope::normalise_input(raw);
  hopscope::header_block top = hopscope::split_header_block(std::move(in.header));
  return hopscope::parse_bounce(raw, top);
}

// The golden view: stable fields only, plus the returned message's chain length.
json golden_view(const std::optional<hopscope::bounce_report>& rep) {
  if (!rep) return nullptr;
  json j;
  j["kind"] = rep->kind;
  j["mta"] = rep->mta;
  j["reporting_mta"] = rep->reporting_mta;
  json rs = json::array();
  for (const auto& r : rep->recipients) {
    rs.push_back({{"recipient", r.recipient},
                  {"action", r.action},
                  {"status", r.status},
                  {"reply_code", r.reply_code},
                  {"remote_mta", r.remote_mta}});
  }
  j["recipients"] = rs;
  hopscope::header_block orig = hopscope::split_header_block(rep->returned_headers);
  std::vector<hopscope::received_field> rf;
  for (std::size_t i = 0; i < orig.size(); ++i) {
    if (hopscope::iequals(orig.name(i), "Received")) rf.push_back({i, orig.unfolded_value(i)});
  }
  hopscope::hop_chain chain = hopscope::analyse_chain(rf);
  j["original_hops"] = chain.hops.size();
  auto subj = orig.find("Subject");
  j["original_subject"] = subj ? orig.unfolded_value(*subj) : std::string();
  return j;
}

std::string with_crlf(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

}  // namespace

TEST_CASE("golden bounces from many MTAs", "[dsn][golden]") {
  const fs::path dir = fs::path(HOPSCOPE_TEST_DATA_DIR) / "bounces";
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".eml") continue;
    ++n;
    const std::string raw = hopscope::test::read_file(e.path().string());
    json got = golden_view(parse(raw));
    fs::path expected_path = e.path();
    expected_path.replace_extension(".expected.json");
    if (std::getenv("HOPSCOPE_UPDATE_GOLDEN") != nullptr) {
      std::ofstream(expected_path) << got.dump(2) << "\n";
    }
    INFO(e.path().filename().string());
    const std::string text = hopscope::test::read_file(expected_path.string());
    REQUIRE(!text.empty());
    CHECK(json::parse(text) == got);
    // The same message with CRLF line endings reads the same.
    CHECK(golden_view(parse(with_crlf(raw))) == got);
  }
  CHECK(n >= 12);
}

TEST_CASE("an RFC 3464 report: groups, explanation, rendering", "[dsn]") {
  const std::string msg =
      "From: MAILER-DAEMON@mx.example.org\n"
      "Subject: Undelivered Mail Returned to Sender\n"
      "Content-Type: multipart/report; report-type=delivery-status;\n"
      "\tboundary=\"B1\"\n"
      "\n"
      "--B1\n"
      "Content-Type: text/plain\n"
      "\n"
      "I'm sorry.\n"
      "--B1\n"
      "Content-Type: message/delivery-status\n"
      "\n"
      "Reporting-MTA: dns; mx.example.org\n"
      "Arrival-Date: Thu, 29 Apr 2013 23:45:41 +0900\n"
      "\n"
      "Final-Recipient: rfc822; a@example.net\n"
      "Original-Recipient: rfc822;alias@example.net\n"
      "Action: failed\n"
      "Status: 5.1.1\n"
      "Remote-MTA: dns; mx.example.net\n"
      "Diagnostic-Code: smtp; 550 5.1.1 <a@example.net>: Recipient address\n"
      "    rejected: User unknown\n"
      "Last-Attempt-Date: Thu, 29 Apr 2013 23:45:42 +0900\n"
      "\n"
      "Final-Recipient: rfc822; b@example.net\n"
      "Action: delayed\n"
      "Status: 4.4.7\n"
      "\n"
      "--B1\n"
      "Content-Type: text/rfc822-headers\n"
      "\n"
      "Received: from a.example (a.example [203.0.113.5]) by mx.example.org with ESMTP id 1;\n"
      " Thu, 29 Apr 2013 23:45:40 +0900\n"
      "Subject: hello\n"
      "\n"
      "--B1--\n";
  auto rep = parse(msg);
  REQUIRE(rep);
  CHECK(rep->kind == "dsn");
  CHECK(rep->reporting_mta == "mx.example.org");
  CHECK(rep->status_fields == 2);
  REQUIRE(rep->recipients.size() == 2);
  const auto& a = rep->recipients[0];
  CHECK(a.recipient == "a@example.net");
  CHECK(a.original_recipient == "alias@example.net");
  CHECK(a.action == "failed");
  CHECK(a.status == "5.1.1");
  CHECK(a.reply_code == "550");
  CHECK(a.remote_mta == "mx.example.net");
  CHECK(a.diagnostic_type == "smtp");
  CHECK(a.diagnostic.find("User unknown") != std::string::npos);
  CHECK(!a.explanation.empty());
  CHECK(rep->recipients[1].action == "delayed");
  CHECK(rep->returned_headers.find("Subject: hello") != std::string::npos);

  json j = hopscope::bounce_to_json(*rep);
  CHECK(j["kind"] == "dsn");
  CHECK(j["reporting_mta"] == "mx.example.org");
  for (const char* k :
       {"recipient", "action", "status", "reply_code", "remote_mta", "diagnostic", "explanation"}) {
    CHECK(j["recipients"][0].contains(k));
  }
  std::string text = hopscope::render_bounce_text(*rep, false);
  CHECK(text.find("a@example.net") != std::string::npos);
  CHECK(text.find('\x1b') == std::string::npos);
}

TEST_CASE("not a bounce", "[dsn]") {
  CHECK_FALSE(parse("From: a@example.com\nSubject: hi\n\nHello there.\n"));
  hopscope::header_block h = hopscope::split_header_block("From: a@example.com\nSubject: hi\n");
  CHECK_FALSE(hopscope::may_be_bounce(h));
  hopscope::header_block b =
      hopscope::split_header_block("From: MAILER-DAEMON@x.example\nSubject: x\n");
  CHECK(hopscope::may_be_bounce(b));
}

TEST_CASE("terminal escaping of message bytes", "[dsn]") {
  hopscope::bounce_report rep;
  rep.kind = "text";
  hopscope::bounce_recipient r;
  r.recipient = "evil\x1b[31m@example.com";
  r.diagnostic = std::string("bad\xff\xfe bytes");
  rep.recipients.push_back(r);
  std::string t = hopscope::render_bounce_text(rep, false);
  CHECK(t.find('\x1b') == std::string::npos);
  std::string dumped = hopscope::bounce_to_json(rep).dump();  // throws on invalid UTF-8
  CHECK(!dumped.empty());
}

namespace {
// Runs a hostile input; it must not throw and must finish quickly.
void hostile(const std::string& raw) {
  auto t0 = std::chrono::steady_clock::now();
  CHECK_NOTHROW((void)parse(raw));
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  CHECK(ms < 5000);
}
}  // namespace

TEST_CASE("hostile inputs are bounded and exception-free", "[dsn][hostile]") {
  SECTION("10,000 levels of multipart nesting") {
    std::string m = "From: MAILER-DAEMON@x.example\nContent-Type: multipart/mixed; boundary=b0\n\n";
    for (int i = 1; i <= 10000; ++i) {
      m += "--b" + std::to_string(i - 1) + "\nContent-Type: multipart/mixed; boundary=b" +
           std::to_string(i) + "\n\n";
    }
    m += "--b10000\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; x@y.example\n"
         "Status: 5.1.1\n";
    hostile(m);
  }
  SECTION("a 5 MB line") {
    std::string m =
        "From: MAILER-DAEMON@x.example\nContent-Type: multipart/report; boundary=q\n\n--q\n"
        "Content-Type: text/plain\n\n";
    m += std::string(5u << 20, 'a');
    m += "\n--q--\n";
    hostile(m);
  }
  SECTION("a boundary that never closes") {
    std::string m =
        "From: MAILER-DAEMON@x.example\nContent-Type: multipart/report; "
        "report-type=delivery-status; boundary=open\n\n--open\n"
        "Content-Type: message/delivery-status\n\nFinal-Recipient: rfc822; x@y.example\n"
        "Action: failed\nStatus: 5.1.1\n";
    for (int i = 0; i < 20000; ++i) m += "filler line " + std::to_string(i) + "\n";
    hostile(m);
    auto rep = parse(m);
    REQUIRE(rep);
    CHECK(rep->recipients.size() == 1);
  }
  SECTION("the input that makes mimetic throw and leak") {
    hostile("Content-Type:multipart\n\n--\n\n\r\n--");
    hostile("From: MAILER-DAEMON@x.example\nContent-Type:multipart\n\n--\n\n\r\n--");
    hostile("Content-Type: multipart/report; boundary=\"\"\n\n--\n\n--\n");
  }
  SECTION("NUL bytes") {
    std::string m =
        "From: MAILER-DAEMON@x.example\nContent-Type: multipart/report; "
        "report-type=delivery-status; boundary=n\n\n--n\nContent-Type: message/delivery-status\n\n"
        "Final-Recipient: rfc822; x@y.example\nAction: failed\nStatus: 5.1.1\n";
    m += std::string("Diagnostic-Code: smtp; 550 a\0b\0c\n", 33);
    m += "\n--n--\n";
    hostile(m);
    auto rep = parse(m);
    REQUIRE(rep);
    CHECK(rep->recipients.at(0).status == "5.1.1");
  }
  SECTION("many recipients and huge groups stay capped") {
    std::string m =
        "From: MAILER-DAEMON@x.example\nContent-Type: multipart/report; boundary=r\n\n--r\n"
        "Content-Type: message/delivery-status\n\n";
    for (int i = 0; i < 5000; ++i) {
      m += "\nFinal-Recipient: rfc822; u" + std::to_string(i) + "@y.example\nStatus: 5.1.1\n";
    }
    hostile(m);
    auto rep = parse(m);
    REQUIRE(rep);
    CHECK(rep->recipients.size() <= 1000);
  }
}
