// SMTP reply parsing and the code knowledge base. Real replies are quoted from the development
// corpus (../shared/corpus/sisimai/maildir/bsd/<file>, named above each case).

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "hopscope/smtp_reply.hpp"

using hopscope::enhanced_status;

namespace {

std::vector<std::vector<std::string>> read_tsv(const std::string& name) {
  std::ifstream in(std::string(HOPSCOPE_TEST_DATA_DIR) + "/" + name);
  REQUIRE(in.good());
  std::vector<std::vector<std::string>> rows;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {  // the column names
      header = false;
      continue;
    }
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, '\t')) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

bool has_vendor(const hopscope::text_explanation& te, const std::string& id) {
  return std::any_of(te.vendor.begin(), te.vendor.end(), [&](const auto& v) { return v.id == id; });
}

bool has_contradiction(const hopscope::text_explanation& te, const std::string& code) {
  return std::any_of(te.contradictions.begin(), te.contradictions.end(),
                     [&](const auto& c) { return c.code == code; });
}

}  // namespace

TEST_CASE("every code of the IANA enhanced status registry is explained", "[smtp]") {
  const auto rows = read_tsv("iana-enhanced-status-codes.tsv");
  REQUIRE(rows.size() == 81);  // the registry as of 2024-12-06
  std::size_t checked = 0;
  for (const auto& row : rows) {
    REQUIRE(row.size() >= 5);
    const std::string& code = row[0];  // "X.1.10"
    const auto parsed = hopscope::parse_enhanced_status("5" + code.substr(1));
    REQUIRE(parsed);
    for (const char klass : row[4]) {
      if (klass == ',') continue;
      enhanced_status st = *parsed;
      st.klass = klass - '0';
      const auto e = hopscope::explain_enhanced_status(st);
      INFO(hopscope::to_string(st));
      CHECK_FALSE(e.generic);
      CHECK(e.kind == "enhanced");
      CHECK(e.code == hopscope::to_string(st));
      CHECK(e.title == row[1]);
      CHECK_FALSE(e.meaning.empty());
      CHECK_FALSE(e.who_acts.empty());
      CHECK_FALSE(e.what_to_try.empty());
      CHECK(e.reference.find(row[3].substr(3, 4)) != std::string::npos);  // "RFC3463" -> "3463"
      CHECK(e.permanent == (st.klass == 5));
      CHECK(e.temporary == (st.klass == 4));
      for (const auto& note : e.notes) CHECK(note.find("unusual") == std::string::npos);
      ++checked;
    }
  }
  CHECK(checked > 81);
  // And nothing in the knowledge base that the registry lacks.
  CHECK(hopscope::smtp_knowledge_size().enhanced_codes == rows.size());
}

TEST_CASE("every reply code of RFC 5321 and later RFCs is explained", "[smtp]") {
  const auto rows = read_tsv("smtp-reply-codes.tsv");
  std::set<int> codes;
  for (const auto& row : rows) {
    REQUIRE(row.size() == 3);
    const auto code = hopscope::parse_reply_code(row[0]);
    REQUIRE(code);
    codes.insert(*code);
    const auto e = hopscope::explain_reply_code(*code);
    INFO(row[0] << " " << row[2]);
    CHECK_FALSE(e.generic);
    CHECK(e.kind == "reply");
    CHECK_FALSE(e.title.empty());
    CHECK_FALSE(e.meaning.empty());
    CHECK_FALSE(e.who_acts.empty());
    // The row's source shows up in the reference or in a note about the extension's meaning.
    std::string all = e.reference;
    for (const auto& n : e.notes) all += " " + n;
    const std::string& ref = row[2];
    const std::string wanted =
        ref.rfind("IANA", 0) == 0 ? "IANA" : "RFC " + ref.substr(3, ref.find_first_of(" (") - 3);
    CHECK(all.find(wanted) != std::string::npos);
    CHECK(e.permanent == (*code / 100 == 5));
    CHECK(e.temporary == (*code / 100 == 4));
  }
  CHECK(codes.size() == hopscope::smtp_knowledge_size().reply_codes);
  CHECK(codes.count(521) == 1);
  CHECK(codes.count(556) == 1);
}

TEST_CASE("digit positions follow RFC 5321 4.2.1", "[smtp]") {
  struct row {
    int code;
    const char* first;
    const char* second;
    const char* outcome;
  };
  const row rows[] = {
      {250, "positive completion", "mail system", "success"},
      {354, "positive intermediate", "mail system", "intermediate"},
      {421, "transient negative", "connections", "temporary_failure"},
      {500, "permanent negative", "syntax", "permanent_failure"},
      {214, "positive completion", "information", "success"},
  };
  for (const auto& r : rows) {
    const auto e = hopscope::explain_reply_code(r.code);
    INFO(r.code);
    REQUIRE(e.parts.size() == 3);
    CHECK(e.parts[0].find(r.first) != std::string::npos);
    CHECK(e.parts[1].find(r.second) != std::string::npos);
    CHECK(e.outcome == r.outcome);
  }
  // Not a standard code: still explained from its digits.
  const auto odd = hopscope::explain_reply_code(541);  // rhost-zoho-04: "541 5.4.1 Mail rejected"
  CHECK(odd.generic);
  CHECK(odd.permanent);
  CHECK(odd.title.find("Permanent failure") != std::string::npos);
  const auto invalid = hopscope::explain_reply_code(260);
  CHECK(invalid.generic);
  CHECK(invalid.outcome == "unknown");
}

TEST_CASE("enhanced status codes parse strictly", "[smtp]") {
  struct row {
    const char* text;
    bool ok;
    enhanced_status want;
  };
  const row rows[] = {
      {"5.1.1", true, {5, 1, 1}},
      {" 4.7.650 ", true, {4, 7, 650}},
      {"2.0.0", true, {2, 0, 0}},
      {"5.7.26", true, {5, 7, 26}},
      {"3.1.1", false, {}},
      {"5.1", false, {}},
      {"5.1.1.1", false, {}},
      {"5.01.1", false, {}},
      {"5.1.1000", false, {}},
      {"5.1.1 x", false, {}},
      {"", false, {}},
      {"five", false, {}},
      {"5..1", false, {}},
      {"55.1.1", false, {}},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    const auto got = hopscope::parse_enhanced_status(r.text);
    CHECK(static_cast<bool>(got) == r.ok);
    if (got && r.ok) CHECK(*got == r.want);
  }
  CHECK(hopscope::parse_enhanced_status("3.1.1").error().code == std::string_view("bad_class"));
  CHECK(hopscope::parse_enhanced_status("5.1.1 x").error().code ==
        std::string_view("trailing_text"));
}

TEST_CASE("reply codes parse strictly", "[smtp]") {
  const std::pair<const char*, int> rows[] = {
      {"550", 550}, {" 421 ", 421}, {"250", 250}, {"600", -1}, {"560", -1},
      {"55", -1},   {"5500", -1},   {"abc", -1},  {"", -1},    {"150", -1},
  };
  for (const auto& [text, want] : rows) {
    INFO(text);
    const auto got = hopscope::parse_reply_code(text);
    if (want < 0) {
      CHECK_FALSE(got);
    } else {
      REQUIRE(got);
      CHECK(*got == want);
    }
  }
}

TEST_CASE("unregistered enhanced codes are explained from class and subject", "[smtp]") {
  // rhost-microsoft-05: "451 4.7.650 The mail server [192.0.2.25] has been temporarily rate
  // limited due to IP reputation."
  const auto e = hopscope::explain_enhanced_status({4, 7, 650});
  CHECK(e.generic);
  CHECK(e.temporary);
  CHECK(e.title.find("security or policy") != std::string::npos);
  const auto odd = hopscope::explain_enhanced_status({5, 9, 1});
  CHECK(odd.generic);
  CHECK(odd.permanent);
  CHECK_FALSE(odd.meaning.empty());
  // A registered detail used with a class the registry does not list.
  const auto unusual = hopscope::explain_enhanced_status({2, 1, 1});
  CHECK_FALSE(unusual.generic);
  CHECK(unusual.who_acts == "nobody");
  CHECK_FALSE(unusual.notes.empty());
}

TEST_CASE("real multi-line replies parse", "[smtp]") {
  SECTION("Sendmail transcript with <<< and its own reply after (lhost-sendmail-58)") {
    const char* text =
        "<<< 550-5.7.1 Unauthenticated email from cpanel.com is not accepted due to domain's\n"
        "<<< 550-5.7.1 DMARC policy. Please contact the administrator of cpanel.com domain\n"
        "<<< 550-5.7.1 if this was a legitimate mail. Please visit\n"
        "<<< 550-5.7.1  https://support.google.com/mail/answer/2451690 to learn about the\n"
        "<<< 550 5.7.1 DMARC initiative. y13si1773519pll.31 - gsmtp\n"
        "554 5.0.0 Service unavailable\n";
    const auto r = hopscope::parse_smtp_reply(text);
    REQUIRE(r);
    CHECK(r->code == 550);
    REQUIRE(r->status);
    CHECK(*r->status == enhanced_status{5, 7, 1});
    CHECK(r->lines.size() == 5);
    CHECK(r->lines[3] == "https://support.google.com/mail/answer/2451690 to learn about the");
    CHECK(r->text.find("domain's DMARC policy") != std::string::npos);
    CHECK(r->text.find("554") == std::string::npos);
    CHECK(r->notes.size() == 1);
    CHECK(r->notes[0].code == "next_reply_ignored");
  }
  SECTION("Gmail SPF reply, CRLF line ends (lhost-sendmail-60)") {
    const char* text =
        "550-5.7.26 The MAIL FROM domain [email.example.jp] has an SPF record with a hard fail\r\n"
        "550-5.7.26 policy (-all) but it fails to pass SPF checks with the ip:\r\n"
        "550-5.7.26 [203.0.113.22]. To best protect our users from spam and phishing,\r\n"
        "550-5.7.26 the message has been blocked. For instructions on setting up\r\n"
        "550-5.7.26 authentication, go to\r\n"
        "550 5.7.26  https://support.google.com/mail/answer/81126#authentication q2.22 - gsmtp\r\n";
    const auto r = hopscope::parse_smtp_reply(text);
    REQUIRE(r);
    CHECK(r->code == 550);
    CHECK(*r->status == enhanced_status{5, 7, 26});
    CHECK(r->lines.size() == 6);
    CHECK(r->lines.back().back() == 'p');  // no CR left
    CHECK(r->notes.empty());
    const auto te = hopscope::explain_text(text);
    CHECK(has_vendor(te, "gmail_spf_hard_fail"));
  }
  SECTION("Postfix re-wrapped reply with markers inside the text (lhost-postfix-59)") {
    const char* text =
        "550-5.2.1 The user you are trying to contact is\n"
        "    receiving mail at a rate that 550-5.2.1 prevents additional messages from\n"
        "    being delivered. For more 550-5.2.1 information, please visit 550 5.2.1\n"
        "    https://support.google.com/mail/?p=ReceivingRatePerm p131si8414989oif.118 -\n"
        "    gsmtp\n";
    const auto r = hopscope::parse_smtp_reply(text);
    REQUIRE(r);
    CHECK(r->code == 550);
    CHECK(*r->status == enhanced_status{5, 2, 1});
    CHECK(r->text.find("550") == std::string::npos);
    CHECK(r->text.find("at a rate that prevents additional messages") != std::string::npos);
    CHECK(r->notes.size() == 2);  // embedded markers removed; no final line of its own
    const auto te = hopscope::explain_text(text);
    CHECK(has_vendor(te, "gmail_recipient_rate_limited"));
  }
  SECTION("A folded Diagnostic-Code value (rhost-yahooinc-02)") {
    const char* text =
        "421 4.7.0 [TSS04] Messages from 192.0.2.192\n"
        "    temporarily deferred due to unexpected volume or user complaints -\n"
        "    4.16.55.1; see https://postmaster.verizonmedia.com/error-codes\n";
    const auto r = hopscope::parse_smtp_reply(text);
    REQUIRE(r);
    CHECK(r->code == 421);
    CHECK(r->lines.size() == 1);
    CHECK(r->text.find("temporarily deferred") != std::string::npos);
    const auto te = hopscope::explain_text(text);
    CHECK(has_vendor(te, "yahoo_tss04"));
    CHECK(te.contradictions.empty());
  }
  SECTION("a reply inside a longer diagnostic (rhost-microsoft-02)") {
    const char* text =
        "host example.org.mail.protection.outlook.com[198.51.100.2] said: 550 5.4.1 "
        "[kijitora@example.org]: Recipient address rejected: Access denied "
        "[NEKOCHAN.cat-neko22.prod.protection.outlook.com] (in reply to RCPT TO command)";
    CHECK_FALSE(hopscope::parse_smtp_reply(text));
    CHECK(hopscope::find_reply_start(text).value_or(0) > 60);
    const auto te = hopscope::explain(text);
    REQUIRE(te.reply);
    CHECK(te.reply->code == 550);
    REQUIRE(te.codes.size() == 2);
    CHECK(te.codes[1].code == "5.4.1");
    CHECK(has_vendor(te, "microsoft_dbeb_recipient"));
    CHECK_FALSE(has_vendor(te, "postfix_recipient_access_denied"));
  }
  SECTION("a pasted code alone is not swallowed by the next line") {
    const auto r = hopscope::parse_smtp_reply("550\n5.1.1\n");
    REQUIRE(r);
    CHECK(r->consumed == 4);
  }
  SECTION("no reply code") {
    const auto r = hopscope::parse_smtp_reply("Unrouteable address");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == std::string_view("no_reply_code"));
    CHECK(hopscope::parse_smtp_reply("  \n\n").error().code == std::string_view("empty"));
  }
}

TEST_CASE("vendor diagnostics match real texts", "[smtp]") {
  struct row {
    const char* file;  // where the text came from
    const char* text;
    const char* id;
  };
  const row rows[] = {
      {"lhost-postfix-70",
       "550-5.7.26 Unauthenticated email from libsisimai.org is not accepted due to\n"
       "550-5.7.26 domain's DMARC policy. Please contact the administrator of\n"
       "550 5.7.26 libsisimai.org domain if this was a legitimate mail.",
       "gmail_dmarc_reject"},
      {"rhost-google-04",
       "550 5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail "
       "requires all senders to authenticate with either SPF or DKIM.",
       "gmail_unauthenticated"},
      {"rhost-google-06",
       "550 5.7.25 [192.0.2.202] The IP address sending this message does not have a PTR record "
       "setup, or the corresponding forward DNS entry does not point to the sending IP.",
       "gmail_no_ptr"},
      {"rhost-google-05",
       "552-5.2.2 The recipient's inbox is out of storage space and inactive. Please 552-5.2.2 "
       "direct the recipient to 552 5.2.2 https://support.google.com/mail/?p=OverQuotaPerm",
       "gmail_over_quota"},
      {"lhost-amazonses-20",
       "550-5.2.1 The email account that you tried to reach is disabled. Learn more at "
       "https://support.google.com/mail/?p=DisabledUser 000000000000eee.000 - gsmtp",
       "gmail_account_disabled"},
      {"rhost-google-08",
       "550 5.7.1 This message is not RFC 5322 compliant. There are multiple Subject headers.",
       "gmail_not_rfc5322"},
      {"mbox-0 (sisimai/mailbox)",
       "552-5.7.0 Our system detected an illegal attachment on your message.",
       "gmail_blocked_attachment"},
      {"rhost-microsoft-01",
       "550 5.7.606 Access denied, banned sending IP [198.51.100.222]. To request removal from "
       "this list please visit https://sender.office.com/ and follow the directions.",
       "microsoft_banned_ip"},
      {"rhost-microsoft-03",
       "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
       "microsoft_recipient_not_found"},
      {"lhost-exchange2007-03",
       "550 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this recipient",
       "microsoft_recipient_size_limit"},
      {"rhost-microsoft-04",
       "550 5.7.509 Access denied, sending domain [EXAMPLE.JP] does not pass DMARC verification "
       "and has a DMARC policy of reject.",
       "microsoft_dmarc_reject"},
      {"rhost-microsoft-05",
       "451 4.7.650 The mail server [192.0.2.25] has been temporarily rate limited due to IP "
       "reputation.",
       "microsoft_rate_limited"},
      {"rhost-microsoft-06",
       "550 5.7.515 Access denied, sending domain NYAAAAN.EXAMPLE.JP doesn't meet the required "
       "authentication level.",
       "microsoft_auth_level"},
      {"public bounce (pastebin ExQUnA6B), not in the corpus",
       "550 5.7.1 Unfortunately, messages from [192.0.2.9] weren't sent. Please contact your "
       "Internet service provider since part of their network is on our block list (S3150).",
       "outlook_network_blocked"},
      {"public bounce (pastebin EH1TUb0X), not in the corpus",
       "550 5.7.606 Access denied, banned sending IP [192.0.2.45]. For more information please "
       "go to http://go.microsoft.com/fwlink/?LinkID=526655 AS(1430)",
       "microsoft_antispam_code"},
      {"rhost-yahooinc-02",
       "421 4.7.0 [TSS04] Messages from 192.0.2.192 temporarily deferred due to unexpected "
       "volume or user complaints",
       "yahoo_tss04"},
      {"mbox-0 (sisimai/mailbox)",
       "554 delivery error: dd This user doesn't have a yahoo.com account "
       "(this-is-not-a-yahoo-user-address@yahoo.com) [0] - mta107.mail.re1.yahoo.com",
       "yahoo_no_such_user"},
      {"lhost-amazonses-21", "554 5.7.1 <kijitora@example.com>: Relay access denied",
       "postfix_relay_denied"},
      {"lhost-amavis-01",
       "550 5.1.1 <neko@example.co.jp>: Recipient address rejected: User unknown in virtual "
       "mailbox table",
       "postfix_user_unknown"},
      {"lhost-postfix-65", "550 Unauthenticated senders not allowed", "unauthenticated_senders"},
      {"lhost-mailru-06", "Unrouteable address", "exim_unrouteable"},
      {"lhost-exim-06", "retry timeout exceeded", "exim_retry_timeout"},
      {"lhost-activehunter-01", "550 sorry, no mailbox here by that name (#5.1.1 - chkusr)",
       "qmail_no_mailbox"},
      {"mbox-0 (sisimai/mailbox)",
       "553 sorry, your envelope recipient is in my badrcptto list (#5.7.1)", "qmail_badrcptto"},
      {"lhost-postfix-80",
       "550-5.1.0 MXIN506 MailFrom domain is listed in Spamhaus. To request removal from this "
       "list see https://www.spamhaus.org/query/lookup/",
       "spamhaus_listed"},
      {"rhost-godaddy-02", "553 http://www.spamhaus.org/query/bl?ip=192.0.2.222",
       "spamhaus_listed"},
      {"lhost-barracuda-01", "550 5.7.1 Message content rejected, UBE, id=00000-22-225",
       "barracuda_ube"},
      {"lhost-amazonses-16",
       "521-5.7.1 Service unavailable; client [203.0.113.225] blocked using dnsbl.sorbs.net",
       "sorbs_listed"},
      {"lhost-amazonses-14",
       "554 5.7.1 <a8-95.smtp-out.amazonses.com[203.0.113.22]>: Client host rejected: blocked "
       "using mail.neko.example.org",
       "dnsbl_generic"},
      {"mbox-0 (sisimai/mailbox)",
       "552 Message size exceeds fixed maximum message size: "
       "20971520 bytes",
       "message_size_limit"},
      {"made up, Postfix's documented wording",
       "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org",
       "spamhaus_listed"},
      {"made up, postgrey's wording",
       "450 4.2.0 <a@example.com>: Recipient address rejected: Greylisted, see "
       "http://postgrey.schweikert.ch/help/example.com.html",
       "greylisted"},
      {"made up, Postfix's documented wording",
       "450 4.7.1 Client host rejected: cannot find your hostname, [192.0.2.1]",
       "postfix_no_reverse_dns"},
      {"made up, Postfix's documented wording",
       "504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname",
       "postfix_helo_rejected"},
      {"made up, Postfix's documented wording",
       "450 4.1.8 <a@nonexistent.example>: Sender address rejected: Domain not found",
       "postfix_sender_domain_not_found"},
      {"made up", "554 5.7.1 Service unavailable; client blocked using bl.spamcop.net",
       "spamcop_listed"},
      {"made up", "554 Blocked - see https://www.barracudacentral.org/query/192.0.2.1",
       "barracuda_listed"},
  };
  for (const auto& r : rows) {
    INFO(r.file << ": " << r.text);
    const auto te = hopscope::explain(r.text);
    CHECK(has_vendor(te, r.id));
    for (const auto& v : te.vendor) {
      CHECK_FALSE(v.title.empty());
      CHECK_FALSE(v.meaning.empty());
      CHECK_FALSE(v.who_acts.empty());
    }
  }
  // Nothing matches plain success text, and a group keeps only its most specific pattern.
  CHECK(hopscope::match_vendor_diagnostics("250 2.0.0 Ok: queued as 4F1AB2").empty());
  const auto gmail = hopscope::match_vendor_diagnostics(
      "550 5.1.1 The email account that you tried to reach does not exist. user unknown");
  CHECK(gmail.size() == 1);
  CHECK(hopscope::smtp_knowledge_size().vendor_patterns >= 50);
}

TEST_CASE("contradictions are flagged", "[smtp]") {
  struct row {
    const char* text;
    const char* code;  // nullptr: no contradiction
  };
  const row rows[] = {
      // rhost-apple-03 style with the class swapped: a 5xx reply with a 4.x.x status.
      {"550 4.2.2 <a@example.com>: user is over quota", "class_mismatch"},
      // mbox-0: "450 4.2.2 ... Mailbox Full" is consistent.
      {"450 4.2.2 <mailboxfull@example.kyoto.jp>... Mailbox Full", nullptr},
      {"451 5.7.1 Service unavailable", "class_mismatch"},
      {"250 5.0.0 Ok", "success_with_failure_status"},
      // lhost-amazonses-19
      {"550 5.7.1 <kijitora@example.com>: Recipient address rejected: User kijitora@example.com "
       "temporary locked. Please try again later!",
       "text_says_temporary"},
      // Yahoo TS03 arrives as a 421 that says retrying is pointless.
      {"421 4.7.0 [TS03] All messages from 192.0.2.1 will be permanently deferred; Retrying will "
       "NOT succeed.",
       "text_says_permanent"},
      {"550-5.7.1 first line\n550 5.7.26 last line", "status_varies"},
      {"554 5.7.1 Relay access denied", nullptr},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    const auto te = hopscope::explain_text(r.text);
    if (r.code == nullptr) {
      CHECK(te.contradictions.empty());
    } else {
      CHECK(has_contradiction(te, r.code));
    }
  }
}

TEST_CASE("explain() takes codes, qmail-style codes and replies", "[smtp]") {
  const auto reply = hopscope::explain("550");
  REQUIRE(reply.codes.size() == 1);
  CHECK(reply.codes[0].kind == "reply");
  const auto status = hopscope::explain("#5.1.1");
  REQUIRE(status.codes.size() == 1);
  CHECK(status.codes[0].title == "Bad destination mailbox address");
  // lhost-amazonses-02 quotes a status without a reply code.
  const auto bare = hopscope::explain("5.3.0 - Other mail system problem");
  REQUIRE(bare.codes.size() == 1);
  CHECK(bare.codes[0].code == "5.3.0");
  for (const char* junk : {"", "hello", "999", "7.1.1", "192.0.2.135", "4.4.4.4"}) {
    INFO(junk);
    CHECK_FALSE(hopscope::explain(junk).recognised);
  }
}

TEST_CASE("hostile replies stay bounded", "[smtp]") {
  const hopscope::smtp_reply_limits limits;
  SECTION("one 1 MB line") {
    const std::string text = "550 5.1.1 " + std::string(1u << 20, 'a');
    const auto r = hopscope::parse_smtp_reply(text);
    REQUIRE(r);
    CHECK(r->lines.size() == 1);
    CHECK(r->lines[0].size() <= limits.max_line_bytes);
    const auto te = hopscope::explain_text(text);
    CHECK(te.input.size() <= 4096);
    CHECK(te.recognised);
  }
  SECTION("10,000 lines") {
    std::string text;
    for (int i = 0; i < 10000; ++i) text += "550-5.7.1 line\r\n";
    text += "550 5.7.1 end\r\n";
    const auto r = hopscope::parse_smtp_reply(text);
    REQUIRE(r);
    CHECK(r->lines.size() <= limits.max_lines);
    CHECK(std::any_of(r->notes.begin(), r->notes.end(),
                      [](const auto& n) { return n.code == "too_many_lines"; }));
  }
  SECTION("10,000 folded lines without codes") {
    std::string text = "550-5.7.1 start\n";
    for (int i = 0; i < 10000; ++i) text += "  folded text here\n";
    const auto r = hopscope::parse_smtp_reply(text);
    REQUIRE(r);
    CHECK(r->text.size() <= limits.max_line_bytes);
  }
  SECTION("NUL bytes") {
    const std::string text("550 5.1.1 us\0er unknown\0\n550 x", 30);
    const auto te = hopscope::explain_text(text);
    CHECK(te.recognised);
    REQUIRE(te.reply);
    CHECK(te.reply->text.find('\0') != std::string::npos);  // kept; escaped when shown
  }
  SECTION("garbage") {
    std::string text;
    std::uint32_t x = 12345;
    for (int i = 0; i < 300000; ++i) {
      x = x * 1103515245u + 12345u;
      text += static_cast<char>((x >> 16) & 0xff);
    }
    const auto te = hopscope::explain(text);
    CHECK(te.input.size() <= 4096);
    if (te.reply) CHECK(te.reply->lines.size() <= limits.max_lines);
    CHECK(te.vendor.size() < 60);
  }
}
