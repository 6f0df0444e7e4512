// Clock skew attribution: synthetic chains for each rule, and real chains from the corpus
// (tests/data/chains/README.md says where each came from).
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "hopscope/report.hpp"
#include "support/read_file.hpp"

namespace {

// Received fields, oldest first in `times` (seconds after 10:00:00 on 6 Nov 2023), written
// top first as real headers are. Each hop is stamped by its own host.
std::string chain_text(const std::vector<int>& times, const std::string& extra = "") {
  std::string out = extra;
  for (std::size_t k = times.size(); k-- > 0;) {
    const int t = 36000 + times[k];
    char date[64];
    std::snprintf(date, sizeof date, "Mon, 6 Nov 2023 %02d:%02d:%02d +0000", t / 3600, t / 60 % 60,
                  t % 60);
    out += "Received: from h" + std::to_string(k) + ".example.org (h" + std::to_string(k) +
           ".example.org [81.2.69." + std::to_string(10 + k) + "]) by h" + std::to_string(k + 1) +
           ".example.org with ESMTP id Q" + std::to_string(k) + "; " + date + "\n";
  }
  return out;
}

std::size_t count(const hopscope::hop_chain& c, const std::string& code) {
  std::size_t n = 0;
  for (const auto& f : c.findings) n += f.code == code;
  return n;
}

void no_negative(const hopscope::hop_chain& c) {
  for (const auto& h : c.hops) {
    if (h.adjusted_delay_seconds) CHECK(*h.adjusted_delay_seconds >= 0);
    if (h.delay_seconds) CHECK(*h.delay_seconds >= 0);
  }
  if (c.total_seconds) CHECK(*c.total_seconds >= 0);
}

hopscope::analysis_report from_file(const std::string& name) {
  return hopscope::analyse_message(
      hopscope::test::read_file(std::string(HOPSCOPE_TEST_DATA_DIR) + "/chains/" + name), name);
}

}  // namespace

TEST_CASE("a monotone chain has no skew and equal raw and adjusted delays", "[skew]") {
  const auto r = hopscope::analyse_message(chain_text({0, 5, 5, 30, 100}), "x");
  CHECK(count(r.chain, "clock_skew") == 0);
  CHECK(r.chain.skews.empty());
  for (const auto& h : r.chain.hops) CHECK(h.adjusted_delay_seconds == h.delay_seconds);
  CHECK(r.chain.total_seconds == std::optional<std::int64_t>(100));
  CHECK(r.chain.raw_total_seconds == std::optional<std::int64_t>(100));
}

TEST_CASE("jitter within the tolerance is not skew", "[skew]") {
  const auto r = hopscope::analyse_message(chain_text({0, 30, 10, 40}), "x");
  CHECK(count(r.chain, "clock_skew") == 0);
  CHECK(r.chain.hops[2].delay_seconds == std::optional<std::int64_t>(0));
  CHECK(r.chain.hops[2].adjusted_delay_seconds == std::optional<std::int64_t>(0));
  no_negative(r.chain);
}

TEST_CASE("one hop behind, bracketed by agreeing clocks: named, high confidence", "[skew]") {
  // The shape of sample-112: [0, 0, 348, -455, 748, 748, 748, 749].
  const auto r = hopscope::analyse_message(chain_text({0, 0, 348, -455, 748, 748, 748, 749}), "x");
  REQUIRE(r.chain.skews.size() == 1);
  const auto& s = r.chain.skews[0];
  CHECK(s.hop == std::optional<std::size_t>(3));
  CHECK(s.offset_seconds == -803);  // at least 803 s behind hop 3's predecessor (348)
  CHECK(s.confidence == "high");
  CHECK(r.chain.hops[3].clock_suspect);
  CHECK(r.chain.hops[3].adjusted_delay_seconds == std::optional<std::int64_t>(0));
  CHECK(r.chain.hops[4].adjusted_delay_seconds == std::optional<std::int64_t>(400));
  // Robust to the one bad clock: 0 to 749, as stamped at both ends.
  CHECK(r.chain.total_seconds == std::optional<std::int64_t>(749));
  no_negative(r.chain);
}

TEST_CASE("one hop ahead: named, the later ones stay as stamped", "[skew]") {
  // sample-1795's shape: [0, 906, 554, 556, 556, 558].
  const auto r = hopscope::analyse_message(chain_text({0, 906, 554, 556, 556, 558}), "x");
  REQUIRE(r.chain.skews.size() == 1);
  CHECK(r.chain.skews[0].hop == std::optional<std::size_t>(1));
  CHECK(r.chain.skews[0].offset_seconds == 352);
  CHECK(r.chain.hops[1].clock_offset_seconds == std::optional<std::int64_t>(352));
  CHECK(r.chain.total_seconds == std::optional<std::int64_t>(558));
  no_negative(r.chain);
}

TEST_CASE("two clocks and nothing else: ambiguous", "[skew]") {
  const auto r = hopscope::analyse_message(chain_text({0, -3600}), "x");
  REQUIRE(r.chain.skews.size() == 1);
  CHECK_FALSE(r.chain.skews[0].hop.has_value());
  CHECK(r.chain.skews[0].confidence == "none");
  CHECK(r.chain.skews[0].hops == std::vector<std::size_t>{0, 1});
  CHECK(count(r.chain, "clock_skew") == 1);
  CHECK(r.chain.findings.front().message.find("ambiguous") != std::string::npos);
  // Adjusted: the receiving side is the reference; the total is not negative.
  CHECK(r.chain.total_seconds == std::optional<std::int64_t>(0));
  no_negative(r.chain);
}

TEST_CASE("a third clock decides: DKIM t= sides with the later hop", "[skew]") {
  // Hop 0 claims 10:00:00, hop 1 09:00:10. The signature sits between the two Received fields
  // (added after hop 0 was stamped) and says t= 09:00:08 (epoch 1699261208): it agrees with
  // hop 1, so hop 0 is the clock that is ahead.
  const std::string dkim =
      "DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=s1; t=1699261208; bh=x; b=y\n";
  const std::string two = chain_text({0, -3590});
  const std::size_t split = two.find('\n') + 1;
  const auto r = hopscope::analyse_message(two.substr(0, split) + dkim + two.substr(split), "x");
  REQUIRE(r.chain.skews.size() == 1);
  CHECK(r.chain.skews[0].hop == std::optional<std::size_t>(0));
  CHECK(r.chain.skews[0].offset_seconds > 0);
  REQUIRE(r.chain.clocks.size() == 1);
  CHECK(r.chain.clocks[0].after_hop == std::optional<std::size_t>(0));
  CHECK(r.chain.clocks[0].used);
  // Below both fields, the same clock is only a lower bound: it cannot decide.
  const auto below = hopscope::analyse_message(two + dkim, "x");
  REQUIRE(below.chain.skews.size() == 1);
  CHECK_FALSE(below.chain.skews[0].hop.has_value());
}

TEST_CASE("a clock that agrees with its own hop is not a second witness", "[skew]") {
  // sample-1206: the SMTPSVC host wrote hop 1, the Date and X-OriginalArrivalTime from one
  // clock; the step stays ambiguous, with the wrong-zone evidence.
  const auto r = from_file("phishing_pot-2022-2023_sample-1206.hdr");
  REQUIRE(r.chain.skews.size() == 1);
  const auto& s = r.chain.skews[0];
  CHECK_FALSE(s.hop.has_value());
  bool zone_evidence = false;
  for (const auto& e : s.evidence) zone_evidence |= e.find("wall-clock") != std::string::npos;
  CHECK(zone_evidence);
  for (const auto& c : r.chain.clocks) CHECK_FALSE(c.used);
  no_negative(r.chain);
}

TEST_CASE("sample-1109: the Postfix clock is 39 min ahead of four Office 365 clocks", "[skew]") {
  const auto r = from_file("phishing_pot-2022-2023_sample-1109.hdr");
  REQUIRE(r.chain.skews.size() == 1);
  CHECK(r.chain.skews[0].hop == std::optional<std::size_t>(0));
  CHECK(r.chain.skews[0].offset_seconds == 2333);
  CHECK(r.chain.hops[0].clock_suspect);
  CHECK(r.chain.total_seconds == std::optional<std::int64_t>(4));
  // The Date "11:20:01 -0700" is 7 h after every relay: the sender's zone is wrong.
  CHECK(count(r.chain, "date_after_received") == 1);
  CHECK(count(r.chain, "date_before_sent") == 0);
}

TEST_CASE("bare and ambiguous zone names, offsets out of range", "[skew][zone]") {
  const auto r = hopscope::analyse_message(
      "Received: from a.example.org ([81.2.69.142]) by b.example.org with ESMTP id 3; Mon, 6 Nov "
      "2023 10:54:02 IST\n"
      "Received: from c.example.org ([81.2.69.143]) by a.example.org with ESMTP id 2; Mon, 6 Nov "
      "2023 02:54:02 PST\n"
      "Received: from d.example.org ([81.2.69.144]) by c.example.org with ESMTP id 1; Mon, 6 Nov "
      "2023 10:54:02 CEST\n"
      "Received: from e.example.org ([81.2.69.145]) by d.example.org with ESMTP id 0; Mon, 6 Nov "
      "2023 10:54:02 +1900\n",
      "x");
  std::size_t ambiguous = 0, bare = 0, range = 0;
  for (const auto& f : r.chain.findings) {
    if (f.code == "ambiguous_zone_name") {
      ++ambiguous;
      CHECK(f.message.find("Israel") != std::string::npos);  // IST's alternatives
    }
    bare += f.code == "bare_zone_name";
    range += f.code == "zone_offset_out_of_range";
  }
  CHECK(ambiguous == 1);
  CHECK(bare == 2);  // PST (RFC 5322) and CEST (outside it)
  CHECK(range == 1);
}

TEST_CASE("thousands of hops in any order stay fast and never negative", "[skew]") {
  std::vector<int> times;
  for (int i = 0; i < 4000; ++i) times.push_back((i * 7919) % 40000 - 20000);
  const auto r = hopscope::analyse_message(chain_text(times), "x");
  CHECK(r.chain.hops.size() == 4000);
  CHECK(count(r.chain, "clock_skew") > 0);
  no_negative(r.chain);
}
