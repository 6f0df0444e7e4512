// Bounce reading: golden files (tests/data/bounces/, see its README), hand-made DSNs, the
// returned original message's chain, and hostile inputs that must stay bounded and
// exception-free.
#include <algorithm>
#include <catch2/catch.hpp>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/bounce_text.hpp"
#include "hopscope/chain.hpp"
#include "hopscope/dsn.hpp"
#include "hopscope/header.hpp"
#include "hopscope/input.hpp"
#include "hopscope/mbox.hpp"
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

// Table-driven cases: each message is made of real lines from the named corpus file
// (/work/shared/corpus/, sisimai/set-of-emails BSD-2-Clause), cut down to what the rule needs.
// Every row is a reading we once got wrong.
struct bounce_case {
  const char* source;  // corpus file the lines come from, and what the row checks
  std::string message;
  std::string recipient;  // expected, matched against recipient or original_recipient
  std::string status;
  std::string reply_code;
  std::size_t status_fields;
  std::size_t recipients;  // how many recipients the report has
};

const std::vector<bounce_case>& bounce_cases() {
  static const std::vector<bounce_case> cases{
      {"sisimai/maildir/bsd/rhost-aol-03.eml: two groups without a blank line between them",
       "From: MAILER-DAEMON@example.jp\nContent-Type: multipart/report; "
       "report-type=delivery-status; boundary=\"B\"\n\n--B\nContent-Type: "
       "message/delivery-status\n\nReporting-MTA: dns; mx.example.jp\n\n"
       "Final-Recipient: rfc822; sabineko@example.jp\n"
       "Original-Recipient: rfc822;sabineko@example.jp\nAction: failed\nStatus: 5.2.2\n"
       "Remote-MTA: dns; example.mx.aol.com\n"
       "Diagnostic-Code: smtp; 550 5.2.2 <sabineko@example.jp>... Mailbox Full\n"
       "Final-Recipient: rfc822; mikeneko@example.jp\n"
       "Original-Recipient: rfc822;mikeneko@example.jp\nAction: failed\nStatus: 5.1.1\n"
       "Remote-MTA: dns; example.mx.aol.com\n"
       "Diagnostic-Code: smtp; 550 5.1.1 <mikeneko@example.jp>... User Unknown\n\n--B--\n",
       "mikeneko@example.jp", "5.1.1", "550", 2, 2},
      {"sisimai/maildir/bsd/lhost-postfix-32.eml: a quoted local part keeps its quotes",
       "From: MAILER-DAEMON@example.jp\nContent-Type: multipart/report; "
       "report-type=delivery-status; boundary=\"B\"\n\n--B\nContent-Type: "
       "message/delivery-status\n\n"
       "Final-Recipient: rfc822; \"neko....nyaan....\"@libsisimai.org\nAction: failed\n"
       "Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 <\"neko....nyaan....\"@libsisimai.org>"
       "... User\n    Unknown\n\n--B--\n",
       "\"neko....nyaan....\"@libsisimai.org", "5.1.1", "550", 1, 1},
      {"sisimai/maildir/bsd/lhost-sendmail-18.eml: X-Unix exit status 255 is no reply code; "
       "the transcript's 554 is",
       "From: Mail Delivery Subsystem <MAILER-DAEMON@mx356.example.jp>\n"
       "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n--B\n\n"
       "   ----- The following addresses had permanent fatal errors -----\n"
       "\"|/home/kijitora/mail/catch.pl\"\n    (reason: 255)\n"
       "    (expanded from: <kijitora@example.jp>)\n\n"
       "   ----- Transcript of session follows -----\n"
       "554 5.3.0 unknown mailer error 255\n\n--B\nContent-Type: message/delivery-status\n\n"
       "Reporting-MTA: dns; mx356.example.jp\n\nFinal-Recipient: RFC822; kijitora@example.jp\n"
       "X-Actual-Recipient: X-Unix; |/home/kijitora/mail/catch.pl\nAction: failed\n"
       "Status: 5.0.0\nDiagnostic-Code: X-Unix; 255\n\n--B--\n",
       "kijitora@example.jp", "5.0.0", "554", 1, 1},
      {"sisimai/maildir/bsd/rhost-franceptt-11.eml: a 220 greeting before the 421 refusal",
       "From: MAILER-DAEMON@example.net\nContent-Type: multipart/report; "
       "report-type=delivery-status; boundary=\"B\"\n\n--B\nContent-Type: "
       "message/delivery-status\n\nFinal-Recipient: rfc822; xxxx@laposte.net\n"
       "Action: failed\nStatus: 4.2.1\nRemote-MTA: dns; smtpz4.laposte.net\n"
       "Diagnostic-Code: smtp; 220-laposte 421 4.2.1 Service refuse. Veuillez essayer\n"
       "    plus tard. Service refused, please try later. LPN006_107\n\n--B--\n",
       "xxxx@laposte.net", "4.2.1", "421", 1, 1},
      {"sisimai/maildir/bsd/lhost-amazonses-01.eml: SES's own 5.1.0 before the remote's 5.7.1",
       "From: MAILER-DAEMON@email-bounces.amazonses.com\nContent-Type: multipart/report; "
       "report-type=delivery-status; boundary=\"B\"\n\n--B\ncontent-type: "
       "message/delivery-status\n\nFinal-Recipient: rfc822; shironeko@example.co.jp\n"
       "Action: failed\nStatus: 5.0.0 (permanent failure)\n"
       "Diagnostic-Code: smtp; 5.1.0 - Unknown address error 550-'5.7.1 "
       "<000001321defbd2a@email-bounces.amazonses.com>... Access denied' (delivery attempts: "
       "0)\n\n--B--\n",
       "shironeko@example.co.jp", "5.7.1", "550", 1, 1},
      {"sisimai/maildir/bsd/lhost-exim-44.eml: a pipe recipient and the address that made it",
       "From: Mail Delivery System <Mailer-Daemon@neko.example.com>\n"
       "Content-type: multipart/report; report-type=delivery-status; "
       "boundary=15222222-eximdsn-2222222\n\n--15222222-eximdsn-2222222\n"
       "Content-type: text/plain; charset=us-ascii\n\n"
       "This message was created automatically by mail delivery software.\n\n"
       "  pipe to |/usr/local/nyaan/bin/neko kijitora@example.com /home/nyaan/.neko\n"
       "    generated by kijitora@example.com\n\n--15222222-eximdsn-2222222\n"
       "Content-type: message/delivery-status\n\nReporting-MTA: dns; neko.example.com\n\n"
       "Action: failed\n"
       "Final-Recipient: rfc822;|/usr/local/nyaan/bin/neko kijitora@example.com "
       "/home/nyaan/.neko\nStatus: 5.0.0\n\n--15222222-eximdsn-2222222--\n",
       "kijitora@example.com", "5.0.0", "", 1, 1},
      {"sisimai/maildir/bsd/lhost-sendmail-15.eml: Final-Recipient without a local part",
       "From: MAILER-DAEMON@mx4.smtp.example.co.jp\nContent-Type: multipart/report; "
       "report-type=delivery-status; boundary=\"B\"\n\n--B\n\n"
       "   ----- The following addresses had permanent fatal errors -----\n"
       "<kijitora@example.org>\n    (reason: 550 Host unknown)\n\n"
       "   ----- Transcript of session follows -----\n"
       "550 5.1.2 <kijitora@example.org>... Host unknown (Name server: smtp24.example.org: no "
       "data known)\n\n--B\nContent-Type: message/delivery-status\n\n"
       "Final-Recipient: RFC822; @mx.example.org\nAction: failed\nStatus: 5.1.2\n\n--B--\n",
       "kijitora@example.org", "5.1.2", "550", 1, 1},
      {"sisimai/maildir/bsd/rhost-google-02.eml: the declared boundary is not the one used",
       "From: MAILER-DAEMON@mail.example.co.jp (Mail Delivery System)\n"
       "Content-Type: multipart/report; report-type=delivery-status;\n"
       "\tboundary=\"AA92C1B23442.1720293561/mail.example.co.jp\"\n\n"
       "This is a MIME-encapsulated message.\n\n--AA92C1B23442.1528513261/mail.example.co.jp\n"
       "Content-Description: Delivery report\nContent-Type: message/delivery-status\n\n"
       "Reporting-MTA: dns; mail.example.co.jp\n\n"
       "Final-Recipient: rfc822; neko-nyaan@example.org\nAction: failed\nStatus: 5.1.1\n"
       "Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does\n"
       "    not exist.\n\n--AA92C1B23442.1528513261/mail.example.co.jp--\n",
       "neko-nyaan@example.org", "5.1.1", "550", 1, 1},
      {"sisimai/maildir/bsd/lhost-sendmail-53.eml: a multipart body with no Content-Type",
       "From MAILER-DAEMON Sat Jun  9 14:56:09 2018\n"
       "From: Mail Delivery Subsystem <MAILER-DAEMON>\n"
       "Subject: Returned mail: see transcript for details\n\n"
       "This is a MIME-encapsulated message\n\n"
       "--w595u9fR093279.1528523769/neko.example.jp\n\n"
       "<sironeko@example.com>\n    (reason: 550 Unauthenticated senders not allowed)\n\n"
       "--w595u9fR093279.1528523769/neko.example.jp\nContent-Type: message/delivery-status\n\n"
       "Reporting-MTA: dns; neko.example.jp\n\nFinal-Recipient: RFC822; sironeko@example.com\n"
       "Action: failed\nStatus: 5.0.0\n"
       "Diagnostic-Code: SMTP; 550 Unauthenticated senders not allowed\n\n"
       "--w595u9fR093279.1528523769/neko.example.jp--\n",
       "sironeko@example.com", "5.0.0", "550", 1, 1},
      {"sisimai/maildir/bsd/lhost-x5-01.eml: the DSN is the returned message/rfc822 part",
       "From: <MAILER-DAEMON@example.co.jp>\nContent-Type: multipart/mixed;\n"
       "\tboundary=\"TMMSG\"\n\n--TMMSG\nContent-Type: text/plain\n\n"
       "----- The following addresses had permanent delivery errors -----\n\n--TMMSG\n"
       "Content-Type: message/rfc822\n\n"
       "From: Mail Delivery Subsystem <MAILER-DAEMON@vrrr-22.int.example.co.jp>\n"
       "To: shironeko@cat.example.co.jp\nContent-Type: multipart/report; "
       "report-type=delivery-status;\n\tboundary=\"CAT\"\n\n--CAT\n"
       "Content-Type: message/delivery-status\n\nReporting-MTA: dns; vrrr-22.int.example.co.jp\n\n"
       "Final-Recipient: RFC822; kijitora@neko.example.org\nAction: failed\nStatus: 5.1.1\n"
       "Diagnostic-Code: SMTP; 550 5.1.1 User unknown\n\n--CAT--\n--TMMSG--\n",
       "kijitora@neko.example.org", "5.1.1", "550", 1, 1},
      {"sisimai/maildir/bsd/lhost-sendmail-38.eml: a report inside the returned message is "
       "counted, its recipients are not ours",
       "From: MAILER-DAEMON@nijo.example.jp\nContent-Type: multipart/report; "
       "report-type=delivery-status; boundary=\"OUT\"\n\n--OUT\n"
       "Content-Type: message/delivery-status\n\nFinal-Recipient: RFC822; kijitora@example.com\n"
       "Action: failed\nStatus: 5.7.1\nDiagnostic-Code: SMTP; 550 5.7.1 message content "
       "rejected\n\n--OUT\nContent-Type: message/rfc822\n\nFrom: MAILER-DAEMON@mta.example.jp\n"
       "Content-Type: multipart/report; report-type=delivery-status; boundary=\"IN\"\n\n--IN\n"
       "Content-Type: message/delivery-status\n\nFinal-Recipient: RFC822; "
       "shironeko@example.org\nAction: failed\nStatus: 5.0.0\n\n--IN--\n\n--OUT--\n",
       "kijitora@example.com", "5.7.1", "550", 2, 1},
      {"sisimai/maildir/bsd/lhost-amazonses-09.eml: an SES bounce notification in JSON, with a "
       "mailer's \"!\\n \" line break",
       "From: SES-EM-B <no-reply@sns.amazonaws.com>\nSubject: AWS Notification Message\n"
       "Content-Type: text/plain; charset=UTF-8\n\n"
       "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\","
       "\"bouncedRecipients\":[{\"emailAddress\":\"bounce@simulator.amazonses.com\","
       "\"action\":\"failed\",\"status\":\"5.1.1\",\"diagnosticCode\":\"smtp; 550 5.1.1 user "
       "unknown\"}],\"reportingMTA\":\"dsn; a27-23.smtp-out.us-west-2.amazonses.com\"},"
       "\"mail\":{\"commonHeaders\":{\"subject\":\"Nya!\n aan\"}}}\n\n--\n"
       "If you wish to stop receiving notifications from this topic, please click\n",
       "bounce@simulator.amazonses.com", "5.1.1", "550", 0, 1},
      {"sisimai/maildir/bsd/lhost-amazonses-11.eml: an SES complaint notification",
       "From: SES-EM-C <no-reply@sns.amazonaws.com>\nSubject: AWS Notification Message\n\n"
       "{\"notificationType\":\"Complaint\",\"complaint\":{\"complainedRecipients\":"
       "[{\"emailAddress\":\"complaint@simulator.amazonses.com\"}],\"complaintFeedbackType\":"
       "\"abuse\"}}\n",
       "complaint@simulator.amazonses.com", "", "", 0, 1},
      {"sisimai/maildir/bsd/arf-16.eml: every Original-Rcpt-To of a feedback report",
       "From: feedbackloop@feedback.example.com\nContent-Type: multipart/report; "
       "boundary=\"F\";\n    report-type=\"feedback-report\"\n\n--F\n"
       "Content-Type: message/feedback-report\n\nFeedback-Type: abuse\nVersion: 1\n"
       "Original-Rcpt-To: kijitora@example.com\nOriginal-Rcpt-To: sironeko@example.com\n"
       "Original-Rcpt-To: mikeneko@example.com\n\n--F--\n",
       "mikeneko@example.com", "", "", 0, 3},
      {"sisimai/maildir/bsd/lhost-apachejames-01.eml: an unfolded boundary parameter; the "
       "MAIL FROM line is not a recipient",
       "From: post_master@vtext.example.com\n"
       "Content-Type: multipart/mixed; boundary=\"----=_Part_0\"\n\n------=_Part_0\n"
       "Content-Type: multipart/alternative;\nboundary=\"----=_Part_1\"\n\n------=_Part_1\n"
       "Content-Type: text/plain; charset=us-ascii\n\nError: Invalid user address\n\n"
       "Error message below:\n550 - Requested action not taken: no such user here\n\n"
       "Message details:\n  MAIL FROM: kijitora@example.com\n"
       "  RCPT TO: 000000000000@vtext.example.com\n  Size (in bytes): 222\n\n"
       "------=_Part_1--\n\n------=_Part_0--\n",
       "000000000000@vtext.example.com", "", "550", 0, 1},
      {"sisimai/maildir/bsd/lhost-x1-02.eml: \"Content-Type: text/plain\" folded without ';'",
       "From: \"Mail Deliver System\" <MAILER-DAEMON>\nSubject: Returned Mail: User unknown\n"
       "Content-Type: multipart/mixed; boundary=\"---ffff\"\n\n-----ffff\n"
       "Content-Type: text/plain\n   charset=\"iso-2022-jp\"\n\n"
       "---The following addresses had delivery errors---\n\n"
       "kijitora@example.org [User unknown]\n\n-----ffff--\n",
       "kijitora@example.org", "", "", 0, 1},
      {"sisimai/maildir/bsd/rfc3464-04.eml: multipart/report whose delimiter lines are gone",
       "From: Mail Delivery Subsystem <MAILER-DAEMON@neko.example.edu>\n"
       "Content-Type: multipart/report; report-type=delivery-status;\n"
       "    boundary=\"FFFFF000.0000000000/mailx-53.neko.example.edu\"\n\n"
       "   ----- The following addresses had permanent fatal errors -----\n"
       "\"|IFS=' ' && exec /usr/local/bin/procmail -f- || exit 75 #kijitora\"\n"
       "    (expanded from: <kijitora@neko.example.edu>)\n\n"
       "   ----- Transcript of session follows -----\n"
       "554 \"|IFS=' ' && exec /usr/local/bin/procmail -f- || exit 75 #kijitora\"... Service "
       "unavailable\n\nReporting-MTA: dns; mailx-53.neko.example.edu\n\n"
       "Final-Recipient: RFC822; kijitora@mailx-53.neko.example.edu\nAction: failed\n"
       "Status: 5.5.0\n",
       "kijitora@mailx-53.neko.example.edu", "5.5.0", "554", 0, 1},
      {"sisimai/maildir/bsd/lhost-messagingserver-03.eml: multipart/report with no boundary",
       "From: PMDF e-Mail Interconnect <MAILER-DAEMON@internetmci.com>\n"
       "Subject: Delivery Notification: Delivery has failed\nContent-type: multipart/report;\n\n"
       "Your message cannot be delivered to the following recipients:\n\n"
       "  Recipient address: sabineko@example.org\n"
       "  Reason: Remote SMTP server has rejected address\n"
       "  Diagnostic code: smtp; 550 5.7.1 550 User Unknown: sabineko@example.org\n",
       "sabineko@example.org", "5.7.1", "550", 0, 1},
      {"sisimai/maildir/mac/lhost-ezweb-01.eml: bare CR line ends after an mbox From line",
       "From MAILER-DAEMON Sun Sep  7 21:40:07 2008\rFrom: Postmaster@ezweb.ne.jp\r"
       "Subject: Mail System Error - Returned Mail\r\r"
       "The user(s) account is disabled.\r\r<kijitora@ezweb.ne.jp>\r",
       "kijitora@ezweb.ne.jp", "", "", 0, 1},
      {"sisimai/maildir/bsd/rfc3464-34.eml: Postfix's \"attached returned message\" sentence "
       "does not end the explanation",
       "From: MAILER-DAEMON@neko.example.org (Mail Delivery System)\n"
       "Subject: Delayed Mail (still being retried)\n\n"
       "This is the mail system at host smtp.neko.example.org.\n\n"
       "If you do so, please include this problem report. You can\n"
       "delete your own text from the attached returned message.\n\n"
       "<kijitora@example.com>: connect to\n"
       "    nyaan.example.com[192.0.2.2]:25: No route to host\n\n"
       "Final-Recipient: rfc822; kijitora@example.com\nAction: delayed\nStatus: 4.4.1\n",
       "kijitora@example.com", "4.4.1", "", 0, 1},
      {"sisimai/maildir/err/make-test-36.eml: a forwarded bounce quoted with \"> \"",
       "From: MAILER-DAEMON@smtp.example.jp\nSubject: Fwd: Returned mail\n"
       "Content-Type: text/plain\n\n"
       "> To: <original-sender@example.jp>\n"
       "> Message-Id: <200704060826.n888ba7x019999@smtp.example.jp>\n"
       ">    ----- The following addresses had permanent fatal errors -----\n"
       "> <non-existent-user-address-of-ntt-docomo@docomo.ne.jp>\n"
       ">     (reason: 550 Unknown user non-existent-user-address-of-ntt-docomo@docomo.ne.jp)\n"
       "> 554 5.0.0 Service unavailable\n> Status: 5.2.0\n",
       "non-existent-user-address-of-ntt-docomo@docomo.ne.jp", "5.2.0", "550", 0, 1},
      {"sisimai/maildir/bsd/lhost-exim-52.eml: Exim's malformed-address notice",
       "From: Mail Delivery System <mailer-daemon@neko.example.com>\n"
       "Subject: Mail failure - malformed recipient address\n\n"
       "A message that you sent contained one or more recipient addresses that were\n"
       "incorrectly constructed:\n\n"
       "  kijitora@example.com <neko@example.net>: malformed address: <neko@example.net> may "
       "not follow kijitora@example.com\n",
       "neko@example.net", "", "", 0, 1},
      {"sisimai/maildir/bsd/lhost-imailserver-06.eml: \"undeliverable to x@y\"",
       "From: \"Postmaster\" <postmaster@mail.example.com>\nSubject: Undeliverable Mail\n\n"
       "To: shironeko@neko.example.com\nSubject: Undeliverable Mail\n\n"
       "undeliverable to kijitora@example.jp\n\nBody of message generated response:\n"
       "550-REJECTED - Blacklisted URL in message. (example.com) in [black].\n",
       "kijitora@example.jp", "", "550", 0, 1},
      {"sisimai/maildir/bsd/lhost-fml-02.eml: an fml refusal names the list once",
       "From: neko-admin@example.org\nX-MLServer: fml [fml 4.0.3 release (20011202/4.0.3)]\n\n"
       "You are not a member of this mailing list <neko-nyaan@example.org>.\n\n"
       "If you know the general guide of this list, please send mail with\n"
       "the mail body\n\n\tguide\n\nto the address\n\n\tneko-nyaan-ctl@example.org\n",
       "neko-nyaan@example.org", "", "", 0, 1},
      {"sisimai/maildir/bsd/lhost-exchange2003-04.eml: no code anywhere, only the phrase",
       "From: System Administrator <postmaster@example.com>\nSubject: Undeliverable: Nyaan\n\n"
       "Your message did not reach some or all of the intended recipients.\n\n"
       "      To:\tshironeko@example.jp\n      Subject:\tNyaan\n\n"
       "The following recipient(s) could not be reached:\n\n"
       "      kijitora@example.com on 4/29/01 11:34:45 PM\n            Recipient Not Found\n",
       "kijitora@example.com", "", "", 0, 1},
      {"sisimai/maildir/bsd/lhost-mimecast-02.eml: \"Status : 5.0.0\" with a space",
       "From: postmaster@mimecast.com\nContent-Type: multipart/report; "
       "report-type=delivery-status;\n boundary=\"MCBoundary=_1\"\n\n--MCBoundary=_1\n"
       "Content-Type: message/delivery-status; charset=UTF-8\n\n"
       "Reporting-MTA : dns;eu-smtp-inbound-delivery-1.mimecast.com\n"
       "Action : failed\nStatus : 5.0.0\n"
       "Diagnostic-Code : smtp;550 5.7.54 SMTP; Unable to relay recipient in non-accepted "
       "domain\nFinal-Recipient : rfc/822;sabatora@example.net\n\n--MCBoundary=_1--\n",
       "sabatora@example.net", "5.7.54", "550", 1, 1},
  };
  return cases;
}

}  // namespace

TEST_CASE("bounce readings from real message lines", "[dsn][table]") {
  for (const bounce_case& c : bounce_cases()) {
    INFO(c.source);
    auto rep = parse(c.message);
    REQUIRE(rep);
    CHECK(rep->status_fields == c.status_fields);
    CHECK(rep->recipients.size() == c.recipients);
    const hopscope::bounce_recipient* r = nullptr;
    for (const auto& x : rep->recipients) {
      if (x.recipient == c.recipient || x.original_recipient == c.recipient) r = &x;
    }
    REQUIRE(r != nullptr);
    CHECK(r->status == c.status);
    CHECK(r->reply_code == c.reply_code);
    // CRLF line endings read the same.
    auto crlf = parse(with_crlf(c.message));
    REQUIRE(crlf);
    CHECK(crlf->recipients.size() == c.recipients);
    CHECK(crlf->status_fields == c.status_fields);
  }
}

TEST_CASE("Undisclosed recipients are no address", "[dsn]") {
  // sisimai/maildir/bsd/arf-11.eml: no Original-Rcpt-To, the returned To: is a phrase.
  auto rep = parse(
      "From: abuse@example.net\nContent-Type: multipart/report; report-type=feedback-report; "
      "boundary=\"F\"\n\n--F\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\n"
      "Version: 1\n\n--F\nContent-Type: message/rfc822\n\nFrom: <nobody@example.jp>\n"
      "To: <Undisclosed Recipients>\nSubject: spam\n\nbody\n--F--\n");
  REQUIRE(rep);
  CHECK(rep->kind == "arf");
  CHECK(rep->recipients.empty());
}

TEST_CASE("mbox files of bounces split into messages", "[dsn][mbox]") {
  // sisimai/maildir/bsd/rhost-cox-01.eml: a second message glued to the first one's closing
  // MIME delimiter, with no blank line before its postmark.
  const std::string one =
      "From: MAILER-DAEMON@tr2.example.com (Mail Delivery System)\n"
      "Content-Type: multipart/report; report-type=delivery-status;\n"
      "\tboundary=\"D9E933966464.1593705905/tr2.example.com\"\n\n"
      "--D9E933966464.1593705905/tr2.example.com\nContent-Type: message/delivery-status\n\n"
      "Final-Recipient: rfc822; recipient55@cox.net\nAction: failed\nStatus: 5.1.0\n\n"
      "--D9E933966464.1593705905/tr2.example.com--\n";
  const std::string box = "From MAILER-DAEMON  Thu Jul  2 12:05:05 2020\n" + one +
                          "From double-bounce@tr2.example.com  Thu Jul  2 12:05:05 2020\n" + one +
                          "From here on, a line without a postmark's date is no separator\n";
  std::vector<std::string> messages;
  hopscope::mbox_splitter splitter(
      [&messages](std::size_t, std::string m) { messages.push_back(std::move(m)); });
  splitter.keep_bodies(1u << 20);
  splitter.feed(box);
  splitter.finish();
  REQUIRE(messages.size() == 2);
  std::size_t fields = 0;
  for (const std::string& m : messages) {
    auto rep = parse(m);
    REQUIRE(rep);
    fields += rep->status_fields;
    CHECK(rep->recipients.at(0).recipient == "recipient55@cox.net");
  }
  CHECK(fields == 2);
  CHECK(messages[1].find("From here on") != std::string::npos);
}

TEST_CASE("a postmaster sender with a success-looking number is not a bounce", "[dsn]") {
  // phishing_pot sample-715: "From: Mashreq <postmaster@...>" and a body that names the
  // recipient, in which a "224" was read as a reply code. Only a failure code (4xx/5xx, 4.x.x
  // /5.x.x) counts with a bounce-like header and no MTA phrase; the control has one.
  const std::string head =
      "From: Mashreq <postmaster@mg.example.com>\nTo: victim@example.org\n"
      "Subject: Urgent Update required on your account\n\n";
  CHECK_FALSE(parse(head + "victim@example.org , Your KYC information is expiring TODAY.\n"
                           "Ref 224 - update now.\n"));
  const auto control = parse(head + "victim@example.org\n    550 5.1.1 mailbox unavailable\n");
  REQUIRE(control);
  CHECK(control->recipients.at(0).status == "5.1.1");
}

TEST_CASE("raw ISO-2022-JP text is not read as an address", "[dsn]") {
  // sisimai lhost-ezweb-08: the notice is raw JIS, whose 7-bit bytes include '@'
  // ("\x1b$BAw?.@h%a!" is part of a Japanese sentence). Only the real recipient is one.
  const std::string text =
      "\x1b$BAw?.@h%a!<%k%\"%I%l%9$,8+$D$+$i$J$$$+!\"\x1b(B\n"
      "Each of the following recipients was rejected by a remote mail server.\n\n"
      "    Recipient: <kijitora@example.com>\n"
      "    >>> RCPT TO:<kijitora@example.com>\n"
      "    <<< 550 5.1.1 unknown user\n";
  const auto tb = hopscope::bounce_detail::parse_bounce_text(text, 100);
  REQUIRE(tb.recipients.size() == 1);
  CHECK(tb.recipients[0].recipient == "kijitora@example.com");
}

// The bounce text is copied a run at a time between CRs and NULs: every kind of line end and
// NULs anywhere (first byte, last byte, next to a CR) must read as the same report.
TEST_CASE("CRLF, bare CR and NUL bytes in a bounce read as LF and spaces", "[dsn]") {
  const std::string lf =
      "From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\n"
      "Subject: Undelivered Mail Returned to Sender\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
      "--B\nContent-Type: text/plain\n\nThis is the mail system at host mx.example.org.\n\n"
      "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
      "Final-Recipient: rfc822; kijitora@example.jp\nAction: failed\nStatus: 5.1.1\n"
      "Diagnostic-Code: smtp; 550 5.1.1 <kijitora@example.jp>: Recipient address rejected\n\n"
      "--B\nContent-Type: text/rfc822-headers\n\n"
      "Received: from a.example.net (a.example.net [192.0.2.1]) by mx.example.org\n"
      "From: neko@example.net\nSubject: hello\n\n--B--\n";
  // Everything the reading yields, as one string.
  auto view = [](const std::optional<hopscope::bounce_report>& rep) {
    if (!rep) return std::string("none");
    std::string v = rep->kind + "|" + rep->mta + "|" + rep->reporting_mta + "|" +
                    std::to_string(rep->status_fields) + "|" + rep->returned_headers;
    for (const auto& r : rep->recipients) {
      v += "|" + r.recipient + "|" + r.action + "|" + r.status + "|" + r.reply_code + "|" +
           r.diagnostic;
    }
    return v;
  };
  const auto plain = parse(lf);
  REQUIRE(plain);
  REQUIRE(plain->recipients.size() == 1);
  CHECK(plain->recipients[0].recipient == "kijitora@example.jp");
  CHECK(plain->returned_headers.find("Subject: hello\n") != std::string::npos);
  std::string cr = lf;
  std::replace(cr.begin(), cr.end(), '\n', '\r');
  CHECK(view(parse(with_crlf(lf))) == view(plain));
  CHECK(view(parse(cr)) == view(plain));
  // NULs in the explanation, next to a CR, in a diagnostic and as the last byte: replaced by
  // spaces, counted, and the rest reads the same.
  std::string with_nuls = with_crlf(lf);
  const std::size_t at = with_nuls.find("This is");
  with_nuls.insert(at, std::string("\0\0", 2));
  with_nuls.insert(with_nuls.find("\r\n", at), std::string("\0", 1));
  with_nuls.push_back('\0');
  const std::size_t space = with_nuls.find("Recipient address");
  with_nuls[space + 9] = '\0';  // read back as the space it replaces
  const auto rep = parse(with_nuls);
  CHECK(view(rep) == view(plain));
  bool counted = false;
  for (const auto& d : rep->diagnostics) {
    if (d.code == "bounce_nul_bytes") counted = d.message.starts_with("5 NUL bytes");
  }
  CHECK(counted);
}

// mimetic is given, of the top header, only the fields that shape the MIME structure. A top
// header line that is no field (a paste of a bounce, a broken gateway) made mimetic take it
// for the start of the body, so it never saw the Content-Type below it and the structure was
// read by our own scan with a mime_fallback note; our header splitter skips such a line, and
// now mimetic reads the same header block. "Content-Type :" (obsolete spacing) still counts.
TEST_CASE("a top header line that is no field does not hide the MIME structure", "[dsn]") {
  const std::string body =
      "\n--B\nContent-Type: text/plain\n\nThis is the mail system at host mx.example.org.\n\n"
      "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
      "Final-Recipient: rfc822; kijitora@example.jp\nAction: failed\nStatus: 5.1.1\n"
      "Diagnostic-Code: smtp; 550 5.1.1 <kijitora@example.jp>: Recipient address rejected\n\n"
      "--B\nContent-Type: text/rfc822-headers\n\n"
      "From: neko@example.net\nSubject: hello\n\n--B--\n";
  const std::string from =
      "From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\n"
      "Subject: Undelivered Mail Returned to Sender\n";
  const std::string type =
      "Content-Type: multipart/report; report-type=delivery-status;\n boundary=\"B\"\n";
  auto fallback_notes = [](const hopscope::bounce_report& rep) {
    std::size_t n = 0;
    for (const auto& d : rep.diagnostics) n += d.code == "mime_fallback" ? 1 : 0;
    return n;
  };
  for (const std::string& raw :
       {from + type + body, from + "this line is not a header field\n" + type + body,
        from + "X-Report: 1\n" + "Content-Type : multipart/report; boundary=\"B\"\n" + body}) {
    INFO(raw.substr(0, 160));
    const auto rep = parse(raw);
    REQUIRE(rep);
    CHECK(fallback_notes(*rep) == 0);
    REQUIRE(rep->recipients.size() == 1);
    CHECK(rep->recipients[0].recipient == "kijitora@example.jp");
    CHECK(rep->recipients[0].status == "5.1.1");
    CHECK(rep->returned_headers.find("Subject: hello\n") != std::string::npos);
  }
}

TEST_CASE("ifind finds what a plain case-folding search finds", "[dsn][ifind]") {
  // Against the obvious quadratic search, on text over a small alphabet so matches, near
  // misses and overlaps are common; the needle is lower case, as every caller's is.
  auto fold = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
  auto naive = [&](std::string_view hay, std::string_view needle, std::size_t from) {
    for (std::size_t i = from; i + needle.size() <= hay.size(); ++i) {
      std::size_t k = 0;
      while (k < needle.size() && fold(hay[i + k]) == needle[k]) ++k;
      if (k == needle.size()) return i;
    }
    return std::string_view::npos;
  };
  std::mt19937 rng(7);
  const std::string alphabet = "aAbB:-. 5";
  std::uniform_int_distribution<std::size_t> letter(0, alphabet.size() - 1), len(0, 40);
  for (int round = 0; round < 20000; ++round) {
    std::string hay, needle;
    for (std::size_t i = len(rng); i > 0; --i) hay += alphabet[letter(rng)];
    for (std::size_t i = len(rng) % 5; i > 0; --i) needle += fold(alphabet[letter(rng)]);
    const std::size_t from = hay.empty() ? 0 : len(rng) % (hay.size() + 2);
    REQUIRE(hopscope::bounce_detail::ifind(hay, needle, from) == naive(hay, needle, from));
  }
  CHECK(hopscope::bounce_detail::ifind("Final-Recipient: x", "recipient:") == 6);
  CHECK(hopscope::bounce_detail::ifind("abc", "abcd") == std::string_view::npos);
}

TEST_CASE("an mbox keeps the bodies of the messages a predicate picks", "[dsn][mbox]") {
  const std::string box =
      "From a@example.com Mon Jan  1 00:00:00 2001\nSubject: plain\n\nplain body\n\n"
      "From MAILER-DAEMON Mon Jan  1 00:00:01 2001\nSubject: Undelivered Mail\n\n"
      "bounce body\n>From a quoted line\n\n"
      "From c@example.com Mon Jan  1 00:00:02 2001\nSubject: plain again\n\nlast body\n";
  std::vector<std::string> messages;
  hopscope::mbox_splitter splitter(
      [&messages](std::size_t, std::string m) { messages.push_back(std::move(m)); });
  std::vector<std::string> asked;
  splitter.keep_bodies_when(
      [&asked](std::string_view header) {
        asked.emplace_back(header);
        return header.find("Undelivered") != std::string_view::npos;
      },
      1u << 20);
  splitter.feed(box);
  splitter.finish();
  REQUIRE(messages.size() == 3);
  CHECK(asked.size() == 3);  // once per message, with its header block
  CHECK(messages[0] == "Subject: plain\n");
  CHECK(messages[1] == "Subject: Undelivered Mail\n\nbounce body\nFrom a quoted line\n\n");
  CHECK(messages[2] == "Subject: plain again\n");
}

namespace {}  // namespace

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
// Runs a hostile input; it must not throw. (A hang is caught by the test's TIMEOUT; no time is
// asserted here.)
void hostile(const std::string& raw) { CHECK_NOTHROW((void)parse(raw)); }
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
  SECTION("reports nested in 2,000 message/rfc822 levels") {
    std::string m;
    for (int i = 0; i < 2000; ++i) {
      m += "From: MAILER-DAEMON@x.example\nContent-Type: multipart/report; "
           "report-type=delivery-status; boundary=n" +
           std::to_string(i) + "\n\n--n" + std::to_string(i) +
           "\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; x@y.example\n"
           "Status: 5.1.1\n\n--n" +
           std::to_string(i) + "\nContent-Type: message/rfc822\n\n";
    }
    hostile(m);
    auto rep = parse(m);
    REQUIRE(rep);
    CHECK(rep->status_fields <= 3);  // the message and two nested levels, no more
  }
  SECTION("an SES notification nested 100,000 deep") {
    std::string m =
        "From: no-reply@sns.amazonaws.com\nSubject: AWS Notification Message\n\n"
        "{\"notificationType\":\"Bounce\",\"x\":";
    m += std::string(100000, '[');
    m += std::string(100000, ']');
    m += "}\n";
    hostile(m);
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

TEST_CASE("may_be_bounce: each bounce word of a Subject or From, anywhere and in any case",
          "[dsn]") {
  // The words as may_be_bounce() knows them (dsn.cpp), each with a Subject seen on bounces.
  const std::vector<std::string> subject_words = {"undeliver",
                                                  "delivery status",
                                                  "delivery failure",
                                                  "delivery failed",
                                                  "delivery notification",
                                                  "returned mail",
                                                  "failure notice",
                                                  "mail delivery",
                                                  "not delivered",
                                                  "could not be delivered",
                                                  "delivery problem",
                                                  "nondeliverable",
                                                  "non-delivery",
                                                  "abuse report",
                                                  "complaint",
                                                  "warning: could not send",
                                                  "delayed mail",
                                                  "message delayed",
                                                  "rejected",
                                                  "bounce"};
  const std::vector<std::string> sender_words = {"mailer-daemon", "postmaster",    "mail delivery",
                                                 "mail-daemon",   "mailer daemon", "bounce",
                                                 "mdaemon"};
  auto header = [](const std::string& field, const std::string& value) {
    return hopscope::split_header_block("Date: Mon, 1 Jan 2024 00:00:00 +0000\n" + field + ": " +
                                        value + "\nTo: someone@example.org\n");
  };
  auto upper = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
  };
  for (const auto& [field, words] : {std::pair{std::string("Subject"), subject_words},
                                     std::pair{std::string("From"), sender_words}}) {
    for (const std::string& w : words) {
      INFO(field << ": " << w);
      CHECK(hopscope::may_be_bounce(header(field, w)));
      CHECK(hopscope::may_be_bounce(header(field, "Re: " + upper(w) + " (x)")));
      CHECK(hopscope::may_be_bounce(header(field, "some text then " + w)));
      // The word cut short by one byte, at the end of the value, is not the word.
      CHECK_FALSE(hopscope::may_be_bounce(header(field, "xx " + w.substr(0, w.size() - 1))));
    }
  }
  CHECK_FALSE(hopscope::may_be_bounce(header("Subject", "Your invoice for March")));
  CHECK_FALSE(hopscope::may_be_bounce(header("From", "Alice <alice@example.org>")));
}
