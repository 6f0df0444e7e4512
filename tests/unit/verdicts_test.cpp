// Filter verdict decoding on real fields from ../shared/corpus (each quoted with its file).

#include <catch2/catch.hpp>

#include <cctype>
#include <string>

#include "hopscope/header.hpp"
#include "hopscope/verdicts.hpp"

using namespace hopscope;

namespace {

const verdict_item* item(const filter_verdict& v, std::string_view key) {
  for (const auto& i : v.items) {
    if (i.key == key) return &i;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("X-Forefront-Antispam-Report (phishing_pot sample-392)", "[verdicts]") {
  const auto v = decode_verdict(
      "X-Forefront-Antispam-Report",
      "CIP:185.30.176.197;CTRY:NL;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:f7.my.com;PTR:f7.my.com;"
      "CAT:SPOOF;SFS:(13230025)(451199018)(33964004);DIR:INB;");
  REQUIRE(v);
  CHECK(v->system == "microsoft_eop");
  REQUIRE(v->spam);
  CHECK(*v->spam);
  CHECK(v->score == 5.0);
  REQUIRE(item(*v, "SFV"));
  CHECK(item(*v, "SFV")->meaning == "spam filtering marked it as spam");
  REQUIRE(item(*v, "CAT"));
  CHECK(item(*v, "CAT")->meaning.find("spoofing") != std::string::npos);
  CHECK(item(*v, "IPV")->meaning.find("no IP reputation list") != std::string::npos);
  CHECK(item(*v, "CIP")->value == "185.30.176.197");
  CHECK(item(*v, "DIR")->meaning == "direction: inbound");
  CHECK(v->summary.find("SCL 5") != std::string::npos);
}

TEST_CASE("X-Forefront-Antispam-Report-Untrusted (phishing_pot sample-1512)", "[verdicts]") {
  const auto v =
      decode_verdict("X-Forefront-Antispam-Report-Untrusted",
                     "CIP:212.227.17.12;CTRY:DE;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;H:mout.web.de;"
                     "PTR:mout.web.de;CAT:NONE;SFS:(13230031)(376002);DIR:INB;");
  REQUIRE(v);
  CHECK_FALSE(v->spam.value_or(true));
  CHECK(v->summary.rfind("Another Microsoft 365 organisation", 0) == 0);
  CHECK(item(*v, "SFV")->meaning == "spam filtering found it not spam");
}

TEST_CASE("Microsoft BCL, SCL and mailbox delivery", "[verdicts]") {
  const auto bcl = decode_verdict("X-Microsoft-Antispam", "BCL:5;");  // sample-1983
  REQUIRE(bcl);
  CHECK(bcl->score == 5.0);
  CHECK(bcl->summary.find("mixed number of complaints") != std::string::npos);

  const auto scl = decode_verdict("X-MS-Exchange-Organization-SCL", "-1");
  REQUIRE(scl);
  CHECK_FALSE(scl->spam.value_or(true));
  CHECK(scl->items[0].meaning.find("skipped") != std::string::npos);
  const auto scl9 = decode_verdict("x-ms-exchange-organization-scl", "9");
  CHECK(scl9->items[0].meaning == "high-confidence spam");

  // phishing_pot sample-1983
  const auto mb = decode_verdict(
      "X-Microsoft-Antispam-Mailbox-Delivery",
      "ucf:0;jmr:0;ex:0;auth:0;dest:J;OFR:SpamFilterAuthJ;ENG:(5062000305)(920221119095);"
      "RF:JunkEmail;");
  REQUIRE(mb);
  CHECK(mb->spam == std::optional<bool>(true));
  CHECK(item(*mb, "dest")->meaning == "delivered to the Junk Email folder");
  CHECK(item(*mb, "ucf")->meaning.empty());  // undocumented: shown raw, not guessed
}

TEST_CASE("SpamAssassin X-Spam-Status forms", "[verdicts]") {
  // spamassassin-t-data/nice.mbox
  auto v = decode_verdict("X-Spam-Status", "No, hits=2 required=5");
  REQUIRE(v);
  CHECK(v->spam == std::optional<bool>(false));
  CHECK(v->score == 2.0);
  CHECK(v->threshold == 5.0);
  // phishing_pot (amavis form, folded tests list)
  v = decode_verdict("X-Spam-Status",
                     "No, score=-0.309 tagged_above=-9999 required=7 tests=[ALL_TRUSTED=-1, "
                     "BAYES_00=-1.9, FREEMAIL_FORGED_REPLYTO=2.095, MISSING_MID=0.497, "
                     "SPF_PASS=-0.001] autolearn=no autolearn_force=no");
  REQUIRE(v);
  CHECK(v->score == -0.309);
  CHECK(v->threshold == 7.0);
  CHECK(v->summary.find("5 rules matched") != std::string::npos);
  REQUIRE(item(*v, "test"));
  CHECK(item(*v, "test")->value == "ALL_TRUSTED");
  CHECK(item(*v, "autolearn")->value == "no");
  // spamassassin-t-data with a folded list
  v = decode_verdict("X-Spam-Status",
                     "Yes, score=23.7 required=4.0 tests=BAYES_50, DATE_IN_FUTURE_12_24,"
                     "FSL_BULK_SIG,HTML_MESSAGE autolearn=no version=3.2.5");
  REQUIRE(v);
  CHECK(v->spam == std::optional<bool>(true));
  CHECK(v->summary.find("4 rules matched") != std::string::npos);
  CHECK(item(*v, "version")->value == "3.2.5");

  CHECK(decode_verdict("X-Spam-Flag", "YES")->spam == std::optional<bool>(true));
  CHECK(decode_verdict("X-Spam-Score", "-0.309")->score == -0.309);  // sample-1077
  CHECK(decode_verdict("X-Spam-Level", "****")->score == 4.0);
  CHECK(decode_verdict("X-Spam", "Yes")->spam == std::optional<bool>(true));  // sample-1159
  CHECK_FALSE(decode_verdict("X-Spam", "undefined")->spam);                   // sample-392
}

TEST_CASE("rspamd X-Spamd-Result (phishing_pot sample-1178) and action", "[verdicts]") {
  const auto v = decode_verdict(
      "X-Spamd-Result",
      "default: False [2.77 / 25.00]; R_UNDISC_RCPT(3.00)[]; URI_COUNT_ODD(1.00)[3]; "
      "DMARC_POLICY_ALLOW(-0.50)[gmail.com,none]; BAYES_HAM(-0.23)[72.52%]; "
      "R_DKIM_ALLOW(-0.20)[gmail.com:s=20221208]; R_SPF_ALLOW(-0.20)[+ip4:209.85.128.0/17:c]; "
      "MIME_TRACE(0.00)[0:+,1:+,2:~];");
  REQUIRE(v);
  CHECK(v->system == "rspamd");
  CHECK(v->spam == std::optional<bool>(false));
  CHECK(v->score == 2.77);
  CHECK(v->threshold == 25.0);
  REQUIRE(item(*v, "R_SPF_ALLOW"));
  CHECK(item(*v, "R_SPF_ALLOW")->meaning == "SPF passed; score -0.20");
  CHECK(item(*v, "R_SPF_ALLOW")->value == "[+ip4:209.85.128.0/17:c]");
  CHECK(item(*v, "MIME_TRACE")->meaning == "score 0.00");

  const auto a = decode_verdict("X-Rspamd-Action", "add header");  // sample-1198
  CHECK(a->spam == std::optional<bool>(true));
  const auto n = decode_verdict("X-atmailcloud-spam-action", "no action");  // sample-2474
  CHECK(n->system == "atmail");
  CHECK(n->spam == std::optional<bool>(false));
}

TEST_CASE("Proofpoint, GMX, Vade, Cloudmark, Mimecast, Proton", "[verdicts]") {
  // phishing_pot sample-539
  const auto pp = decode_verdict(
      "X-Proofpoint-Spam-Details",
      "rule=notspam policy=default score=0 clxscore=1015 mlxscore=0 adultscore=0 phishscore=0 "
      "suspectscore=0 mlxlogscore=965 bulkscore=0 malwarescore=0 spamscore=0 classifier=spam "
      "adjust=0 reason=mlx scancount=1 engine=8.12.0-2212070000 definitions=main-2303290160");
  REQUIRE(pp);
  CHECK(pp->spam == std::optional<bool>(false));
  CHECK(item(*pp, "phishscore")->meaning == "phishing score (0-100)");
  CHECK(pp->summary == "Proofpoint: rule notspam, score 0");

  // sisimai lhost-gmx-01
  const auto gmx =
      decode_verdict("X-GMX-Antispam", "0 (Mail was not recognized as spam); Detail=V3;");
  CHECK(gmx->spam == std::optional<bool>(false));
  CHECK(decode_verdict("X-VADE-SPAMSTATE", "phishing")->spam == std::optional<bool>(true));
  CHECK(decode_verdict("X-CLX-Spam", "false")->spam == std::optional<bool>(false));
  CHECK(decode_verdict("X-Mimecast-Spam-Score", "0")->score == 0.0);
  CHECK(decode_verdict("X-Pm-Spamscore", "101")->score == 101.0);
  CHECK(decode_verdict("X-Virus-Status", "Clean")->summary == "Virus scanner: clean");
  CHECK_FALSE(decode_verdict("X-Not-A-Verdict", "1"));
}

TEST_CASE("decode_verdicts over a block, and hostile values", "[verdicts][limits]") {
  const header_block block = split_header_block(
      "Subject: x\nX-Spam-Flag: NO\nX-Microsoft-Antispam: BCL:8;\nX-Spam-Score: nonsense\n");
  const auto all = decode_verdicts(block);
  REQUIRE(all.size() == 3);
  CHECK(all[0].header_index == 1);
  CHECK_FALSE(all[2].score);

  std::string big = "default: True [";
  big += std::string(1u << 20, '9');
  const auto v = decode_verdict("X-Spamd-Result", big);
  REQUIRE(v);
  CHECK_FALSE(v->score);
  std::string semis(100000, ';');
  CHECK(decode_verdict("X-Forefront-Antispam-Report", semis)->items.empty());
  std::string many;
  for (int i = 0; i < 10000; ++i) many += "SFS:(1);";
  CHECK(decode_verdict("X-Forefront-Antispam-Report", many)->items.size() <= 256);
  const std::string nul("No\0, score=1\0 required=5", 24);
  CHECK(decode_verdict("X-Spam-Status", nul));
  CHECK(decode_verdict("X-Spam-Status", "")->items.size() == 1);
}

TEST_CASE("is_verdict_field knows each decoded field, in any case, and nothing near it",
          "[verdicts]") {
  // The names the decoders are written for (verdicts.cpp), as they appear in real mail.
  const std::string names[] = {"X-Forefront-Antispam-Report",
                               "X-Forefront-Antispam-Report-Untrusted",
                               "X-Microsoft-Antispam",
                               "X-Microsoft-Antispam-Untrusted",
                               "X-Microsoft-Antispam-Mailbox-Delivery",
                               "X-MS-Exchange-Organization-SCL",
                               "X-Spam-Status",
                               "X-Spam-Flag",
                               "X-Spam-Score",
                               "X-Spam-Level",
                               "X-Spam",
                               "X-Spamd-Result",
                               "X-Rspamd-Score",
                               "X-Rspamd-Action",
                               "X-Proofpoint-Spam-Details",
                               "X-Pm-Spamscore",
                               "X-VADE-SPAMSTATE",
                               "X-GMX-Antispam",
                               "X-Yandex-Spam",
                               "X-CLX-Spam",
                               "X-Mimecast-Spam-Score",
                               "X-Barracuda-Spam-Score",
                               "X-Barracuda-Spam-Status",
                               "X-atmailcloud-spam-action",
                               "X-Virus-Status",
                               "X-IronPort-Anti-Spam-Filtered"};
  auto with_case = [](std::string s, bool upper) {
    for (char& c : s)
      c = upper ? static_cast<char>(std::toupper(c)) : static_cast<char>(std::tolower(c));
    return s;
  };
  for (const std::string& n : names) {
    INFO(n);
    CHECK(hopscope::is_verdict_field(n));
    CHECK(hopscope::is_verdict_field(with_case(n, true)));
    CHECK(hopscope::is_verdict_field(with_case(n, false)));
    CHECK_FALSE(hopscope::is_verdict_field(n + "x"));
    CHECK_FALSE(hopscope::is_verdict_field(n.substr(0, n.size() - 1)));
    CHECK_FALSE(hopscope::is_verdict_field("Y" + n.substr(1)));
  }
  CHECK_FALSE(hopscope::is_verdict_field(""));
  CHECK_FALSE(hopscope::is_verdict_field("X-Mailer"));
  CHECK_FALSE(hopscope::is_verdict_field(std::string(200, 'X')));
}
