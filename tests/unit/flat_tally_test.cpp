// flat_tally (the batch summary's string-keyed counts) against std::map on the same keys: the
// relay names of a real chain (samples/o365-phishing-long-chain.eml), then 20,000 generated
// names, enough to grow the table many times and to collide in it.
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "cli/flat_tally.hpp"

using hopscope::cli::flat_tally;

TEST_CASE("flat_tally counts what std::map counts, in first-seen order", "[summary]") {
  std::vector<std::string> keys = {"by5pr19mb3986.namprd19.prod.outlook.com",
                                   "mw4pr19mb5525.namprd19.prod.outlook.com",
                                   "bn8nam12ft063.mail.protection.outlook.com",
                                   "mx.example.org",
                                   "",
                                   "(none)"};
  std::mt19937 rng(20261124);
  for (int i = 0; i < 20000; ++i) keys.push_back("relay" + std::to_string(rng() % 7000) + ".test");
  flat_tally<std::uint64_t> tally;
  std::map<std::string, std::uint64_t> reference;
  std::vector<std::string> first_seen;
  for (const auto& k : keys) {
    if (reference.count(k) == 0) first_seen.push_back(k);
    ++tally[k];
    ++reference[k];
  }
  REQUIRE(tally.size() == reference.size());
  std::size_t i = 0;
  for (const auto& [key, count] : tally) {
    REQUIRE(key == first_seen[i++]);
    CHECK(count == reference[key]);
    REQUIRE(tally.find(key) != nullptr);
    CHECK(*tally.find(key) == count);
  }
  CHECK(tally.find("relay7001.test") == nullptr);
  CHECK(tally.find("mx.example.org.") == nullptr);
  const flat_tally<int> empty;
  CHECK(empty.find("") == nullptr);
  CHECK(empty.empty());
}
