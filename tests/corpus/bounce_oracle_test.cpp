// Bounces over the shared corpus (README "Sisimai oracle" section for the oracle's format and
// known faults):
//
// 1. Every `Status:` field of every delivery-status part is extracted: parse_bounce()'s
//    status_fields must equal an independent count made here with a plain line scan (a
//    "Content-Type: message/delivery-status" line, its part header, then "Status:" lines up to
//    the next "--" line).
// 2. Per-recipient agreement with Sisimai 4.25.15 (oracle/sisimai.jsonl) on at least 95% of
//    its bounce records. Records with reason "delivered" are dropped (the oracle script asked
//    Sisimai to keep them), and so are "vacation" records: RFC 3834 auto-replies are not bounces
//    (29 of the 36 are phishing mail Sisimai misreads as auto-replies, says the README). The
//    status is compared only where status_in_text is true and the status is not one of
//    Sisimai's private X.0.9xx codes; the reply code where Sisimai gives one. Bare-CR files
//    (maildir/mac/) are checked against their dos/ twin. The three mbox files are left out:
//    their messages are the single files in err/ and elsewhere.
//    Every disagreement must be listed in tests/data/bounce-disagreements.tsv with a verdict.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "hopscope/dsn.hpp"
#include "hopscope/header.hpp"
#include "hopscope/input.hpp"
#include "support/read_file.hpp"

namespace {

namespace fs = std::filesystem;

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

bool istarts(const std::string& line, const std::string& lower_prefix) {
  return line.size() >= lower_prefix.size() &&
         lower(line.substr(0, lower_prefix.size())) == lower_prefix;
}

// The independent count: Status: lines inside message/delivery-status parts.
std::size_t count_status_lines(const std::string& raw) {
  std::vector<std::string> lines;
  std::string cur;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\r' || c == '\n') {
      lines.push_back(cur);
      cur.clear();
      if (c == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
    } else {
      cur += c;
    }
  }
  lines.push_back(cur);
  std::size_t count = 0;
  enum { outside, part_header, part_body } st = outside;
  for (const std::string& l : lines) {
    if (st == outside) {
      if (istarts(l, "content-type:") &&
          (lower(l).find("message/delivery-status") != std::string::npos ||
           lower(l).find("message/global-delivery-status") != std::string::npos)) {
        st = part_header;
      }
    } else if (st == part_header) {
      if (l.find_first_not_of(" \t") == std::string::npos) st = part_body;
    } else {
      if (l.rfind("--", 0) == 0) {
        st = outside;
        if (istarts(l, "content-type:")) st = outside;
      } else if (istarts(l, "status:")) {
        ++count;
      }
    }
  }
  return count;
}

struct parsed {
  std::optional<hopscope::bounce_report> report;
};

parsed parse_file(const std::string& raw) {
  hopscope::normalised_input in = hopscope::normalise_input(raw);
  hopscope::header_block top = hopscope::split_header_block(std::move(in.header));
  return {hopscope::parse_bounce(raw, top)};
}

bool private_code(const std::string& s) {
  // Sisimai's own X.0.9xx codes ("5.0.911"), not in the IANA registry.
  return s.size() == 7 && s[1] == '.' && s[2] == '0' && s[3] == '.' && s[4] == '9';
}

struct listed {
  std::string verdict;
  std::string why;
};
using key = std::tuple<std::string, std::string, std::string>;  // file, recipient, field

std::map<key, listed> read_listed(const fs::path& p) {
  std::map<key, listed> out;
  std::ifstream in(p);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    if (cols.size() < 7) continue;
    out[{cols[0], lower(cols[1]), cols[2]}] = {cols[5], cols[6]};
  }
  return out;
}

}  // namespace

// Hidden ([.]) because it does not pass yet: agreement with Sisimai is 89.9% (753/837, target
// 95%), 76 disagreements are untriaged, and 470 of 521 Status: fields are extracted (nested
// DSNs, mbox files). Issue 4 stays open on it; run it by hand with
// `test_corpus "[bounce]"`. It must not be counted as a pass until those are fixed.
TEST_CASE("bounces over the corpus: Status fields and agreement with Sisimai",
          "[.][corpus][bounce]") {
  const fs::path corpus = HOPSCOPE_CORPUS_DIR;
  if (!fs::exists(corpus / "MANIFEST.tsv") || !fs::exists(corpus / "oracle/sisimai.jsonl")) {
    WARN("corpus absent: " << corpus.string());
    return;
  }
  // 1. Status counts, over every file of the manifest.
  std::vector<std::string> files;
  {
    std::ifstream m(corpus / "MANIFEST.tsv");
    std::string line;
    std::getline(m, line);  // column names
    while (std::getline(m, line)) files.push_back(line.substr(0, line.find('\t')));
  }
  std::map<std::string, parsed> results;
  std::size_t status_expected = 0, status_found = 0, bounces = 0;
  std::vector<std::string> count_mismatch;
  for (const std::string& f : files) {
    std::string raw = hopscope::test::read_file((corpus / f).string());
    parsed p = parse_file(raw);
    std::size_t expected = count_status_lines(raw);
    std::size_t found = p.report ? p.report->status_fields : 0;
    status_expected += expected;
    status_found += found;
    if (expected != found) {
      count_mismatch.push_back(f + ": expected " + std::to_string(expected) + ", read " +
                               std::to_string(found));
    }
    if (p.report) ++bounces;
    results.emplace(f, std::move(p));
  }
  WARN("Status: fields in delivery-status parts: counted "
       << status_expected << ", extracted " << status_found << "; " << bounces << " of "
       << files.size() << " files read as bounces");
  for (const std::string& s : count_mismatch) UNSCOPED_INFO(s);
  CHECK(count_mismatch.empty());

  // 2. Sisimai.
  std::map<std::string, nlohmann::json> oracle;
  {
    std::ifstream in(corpus / "oracle/sisimai.jsonl");
    std::string line;
    while (std::getline(in, line)) {
      nlohmann::json j = nlohmann::json::parse(line);
      oracle[j["file"].get<std::string>()] = j;
    }
  }
  const std::map<key, listed> known =
      read_listed(fs::path(HOPSCOPE_TEST_DATA_DIR) / "bounce-disagreements.tsv");
  std::size_t records = 0, agree = 0, excluded_vacation = 0, open_rows = 0;
  std::vector<std::string> unlisted;
  std::set<key> seen;
  std::map<std::string, std::size_t> classes;
  for (const auto& [file, res] : results) {
    if (file.find("/mailbox/") != std::string::npos || file.ends_with(".mbox")) continue;
    std::string oracle_file = file;
    const std::string mac = "sisimai/maildir/mac/";
    if (file.rfind(mac, 0) == 0) oracle_file = "sisimai/maildir/dos/" + file.substr(mac.size());
    auto it = oracle.find(oracle_file);
    if (it == oracle.end()) continue;
    for (const nlohmann::json& b : it->second["bounces"]) {
      const std::string reason = b.value("reason", "");
      if (reason == "delivered") continue;
      if (reason == "vacation") {
        ++excluded_vacation;
        continue;
      }
      ++records;
      const std::string rcpt = lower(b.value("recipient", ""));
      const std::string status = b.value("deliverystatus", "");
      const std::string reply = b.value("replycode", "");
      const bool status_in_text =
          b["status_in_text"].is_boolean() && b["status_in_text"].get<bool>();
      std::vector<std::tuple<std::string, std::string, std::string>> diffs;  // field, theirs, ours
      const hopscope::bounce_recipient* mine = nullptr;
      if (!res.report) {
        diffs.emplace_back("bounce", "yes", "no");
      } else {
        for (const auto& r : res.report->recipients) {
          if (lower(r.recipient) == rcpt || lower(r.original_recipient) == rcpt) {
            mine = &r;
            break;
          }
        }
        if (mine == nullptr) {
          std::string ours;
          for (const auto& r : res.report->recipients)
            ours += (ours.empty() ? "" : ",") + r.recipient;
          diffs.emplace_back("recipient", rcpt, ours);
        } else {
          if (status_in_text && !status.empty() && !private_code(status) &&
              mine->status != status) {
            diffs.emplace_back("status", status, mine->status);
          }
          if (!reply.empty() && mine->reply_code != reply) {
            diffs.emplace_back("reply_code", reply, mine->reply_code);
          }
        }
      }
      if (diffs.empty()) {
        ++agree;
        continue;
      }
      for (const auto& [fld, theirs, ours] : diffs) {
        key k{file, rcpt, fld};
        seen.insert(k);
        auto kit = known.find(k);
        if (kit == known.end()) {
          unlisted.push_back(file + "\t" + rcpt + "\t" + fld + "\t" + theirs + "\t" + ours);
        } else {
          ++classes[kit->second.verdict];
          if (kit->second.verdict == "open") ++open_rows;
        }
      }
    }
  }
  const double pct =
      records ? 100.0 * static_cast<double>(agree) / static_cast<double>(records) : 0;
  std::string class_text;
  for (const auto& [v, n] : classes) class_text += " " + v + "=" + std::to_string(n);
  WARN("Sisimai agreement: " << agree << " of " << records << " bounce records ("
                             << static_cast<int>(pct * 10) / 10.0 << "%); " << excluded_vacation
                             << " vacation records left out; listed disagreements by verdict:"
                             << class_text);
  for (const std::string& u : unlisted) UNSCOPED_INFO("unlisted disagreement: " << u);
  if (!unlisted.empty()) {
    // For triage: the unlisted rows, ready to get a verdict and go into the list.
    std::ofstream out(
        (std::filesystem::temp_directory_path() / "hopscope-bounce-disagreements.unlisted.tsv")
            .string());
    for (const std::string& u : unlisted) out << u << "\n";
  }
  CHECK(unlisted.empty());
  // A listed row without a verdict is not triaged: it does not count as accepted.
  CHECK(open_rows == 0);
  std::size_t stale = 0;
  for (const auto& [k, v] : known) stale += seen.count(k) ? 0 : 1;
  if (stale != 0) WARN(stale << " listed disagreements no longer occur (update the list)");
  CHECK(pct >= 95.0);
}
