// Differential test of parse_mail_date against Python's email.utils.parsedate_to_datetime,
// over every Received date of the shared corpus (oracle/py-dates.jsonl).
//
// Python is a peer, not the truth (corpus README, "Limits of the oracles"): it ignores
// "-08:00" zones and names like CEST (reads them as naive UTC), and returns nothing for
// fractional seconds or spam-ware dates. So every place we differ is listed, with a verdict,
// in tests/data/date-disagreements.tsv; a new, unlisted difference fails the test.

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "hopscope/datetime.hpp"

namespace {

using hopscope::parse_mail_date;

// TSV fields use \t, \n, \r and \\ escapes (Received dates can hold tabs).
std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      const char c = s[++i];
      out += c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string escape(const std::string& s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> cols;
  std::size_t start = 0;
  for (;;) {
    const std::size_t tab = line.find('\t', start);
    cols.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) return cols;
    start = tab + 1;
  }
}

struct listed_disagreement {
  std::string kind;
  std::string verdict;
  bool seen = false;
};

// Key: file + '\t' + date text (the same text twice in one file is one disagreement).
using disagreement_map = std::map<std::string, listed_disagreement>;

disagreement_map load_listed(const std::string& path) {
  disagreement_map listed;
  std::ifstream in(path);
  REQUIRE(in.good());
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> cols = split_tabs(line);
    // file, date, python_epoch, our_epoch, kind, verdict, why
    INFO("date-disagreements.tsv line " << line_no);
    REQUIRE(cols.size() == 7);
    const std::string& verdict = cols[5];
    CHECK((verdict == "ours" || verdict == "python" || verdict == "neither"));
    CHECK(!cols[6].empty());
    listed[cols[0] + '\t' + unescape(cols[1])] = listed_disagreement{cols[4], verdict, false};
  }
  return listed;
}

}  // namespace

TEST_CASE("Received dates agree with Python's parsedate_to_datetime", "[corpus][oracle]") {
  const std::filesystem::path corpus{HOPSCOPE_CORPUS_DIR};
  const std::filesystem::path oracle = corpus / "oracle" / "py-dates.jsonl";
  if (!std::filesystem::exists(oracle)) {
    WARN("corpus absent (" << oracle.string() << "): skipped");
    return;
  }
  disagreement_map listed =
      load_listed(std::string(HOPSCOPE_TEST_DATA_DIR) + "/date-disagreements.tsv");

  std::ifstream in(oracle);
  REQUIRE(in.good());
  std::size_t texts = 0;
  std::size_t python_read = 0;
  std::size_t we_read = 0;
  std::size_t python_zoned = 0;  // naive == false and epoch != null
  std::size_t zoned_agree = 0;
  std::vector<std::string> unlisted;
  std::string line;
  while (std::getline(in, line)) {
    const nlohmann::json message = nlohmann::json::parse(line);
    const std::string file = message.at("file").get<std::string>();
    for (const auto& received : message.at("received")) {
      if (!received.at("date").is_string()) continue;  // no ';' date in this header
      const std::string date = received.at("date").get<std::string>();
      ++texts;
      std::optional<std::int64_t> py;
      if (received.at("epoch").is_number()) py = received.at("epoch").get<std::int64_t>();
      const bool naive = received.at("naive").is_boolean() && received.at("naive").get<bool>();

      const auto ours = parse_mail_date(date);
      python_read += py.has_value() ? 1 : 0;
      we_read += ours.has_value() ? 1 : 0;
      if (py && !naive) {
        ++python_zoned;
        if (ours && ours->epoch == *py) ++zoned_agree;
      }

      std::string kind;
      if (py && !ours) {
        kind = "only_python";
      } else if (!py && ours) {
        kind = "only_ours";
      } else if (py && ours && ours->epoch != *py) {
        kind = "epoch_differs";
      }
      if (kind.empty()) continue;
      const auto it = listed.find(file + '\t' + date);
      if (it != listed.end() && it->second.kind == kind) {
        it->second.seen = true;
        continue;
      }
      std::ostringstream row;
      row << file << '\t' << escape(date) << '\t' << (py ? std::to_string(*py) : "null") << '\t'
          << (ours ? std::to_string(ours->epoch) : "error:" + std::string(ours.error().code))
          << '\t' << kind << "\t?\t?";
      unlisted.push_back(row.str());
    }
  }

  const double agreement =
      python_zoned == 0 ? 1.0
                        : static_cast<double>(zoned_agree) / static_cast<double>(python_zoned);
  WARN("date texts " << texts << "; read by Python " << python_read << ", by us " << we_read
                     << "; zoned by Python " << python_zoned << ", same epoch " << zoned_agree
                     << " (" << agreement * 100.0 << "%)");
  CHECK(texts > 0);
  CHECK(agreement >= 0.999);
  CHECK(we_read >= python_read);

  for (const std::string& row : unlisted) {
    FAIL_CHECK("disagreement not in tests/data/date-disagreements.tsv:\n" << row);
  }
  for (const auto& [key, entry] : listed) {
    if (!entry.seen) WARN("listed disagreement no longer occurs: " << escape(key));
  }
}
