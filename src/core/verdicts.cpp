// Filter verdict headers in plain words. Meanings come from each vendor's public documentation
// (Microsoft "Anti-spam message headers", SpamAssassin and rspamd manuals, Proofpoint's score
// descriptions); keys a vendor documents as internal are listed without a meaning. Each
// decoder is one linear pass over a capped value; no regex, no recursion.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "hopscope/header.hpp"
#include "hopscope/verdicts.hpp"

namespace hopscope {
namespace {

constexpr std::size_t k_max_value = 16384;  // verdict fields are short; SFS lists ~2 KiB
constexpr std::size_t k_max_items = 256;
constexpr std::size_t k_max_listed_tests = 64;

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::optional<double> number(std::string_view s) noexcept {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty() || s.size() > 32) return std::nullopt;
  double v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string fmt_number(double v) {
  char buf[32];
  const auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, p) : std::string("?");
}

void add(filter_verdict& v, std::string_view key, std::string_view value, std::string meaning) {
  if (v.items.size() >= k_max_items) return;
  v.items.push_back({std::string(key), std::string(value), std::move(meaning)});
}

struct code_meaning {
  std::string_view code;
  std::string_view meaning;
};

std::string lookup(std::span<const code_meaning> table, std::string_view code) {
  for (const auto& e : table) {
    if (iequals(e.code, code)) return std::string(e.meaning);
  }
  return {};
}

// ---- Microsoft Exchange Online Protection -------------------------------------------------

constexpr code_meaning k_sfv[] = {
    {"NSPM", "spam filtering found it not spam"},
    {"SPM", "spam filtering marked it as spam"},
    {"BLK",
     "filtering skipped and the message blocked: the sender is on the recipient's "
     "Blocked Senders list"},
    {"SFE",
     "filtering skipped and the message allowed: the sender is on the recipient's Safe "
     "Senders list"},
    {"SKA",
     "filtering skipped and the message allowed by the allowed senders or domains of an "
     "anti-spam policy"},
    {"SKB",
     "marked as spam: the sender matched the blocked senders or domains of an anti-spam "
     "policy"},
    {"SKI", "filtering skipped: intra-organisation mail"},
    {"SKN", "marked as not spam before filtering (for example by a mail flow rule)"},
    {"SKQ", "released from quarantine to the recipients"},
    {"SKS", "marked as spam before filtering (for example by a mail flow rule)"},
    {"MLW", "handled as malware"},
};

constexpr code_meaning k_cat[] = {
    {"NONE", "no protection policy category applied"},
    {"AMP", "anti-malware"},
    {"BIMP", "brand impersonation"},
    {"BULK", "bulk mail"},
    {"DIMP", "domain impersonation"},
    {"FTBP", "anti-malware common attachments filter (blocked file type)"},
    {"GIMP", "mailbox-intelligence impersonation"},
    {"HPHSH", "high-confidence phishing"},
    {"HPHISH", "high-confidence phishing"},
    {"HSPM", "high-confidence spam"},
    {"INTOS", "intra-organisation phishing"},
    {"MALW", "malware"},
    {"OSPM", "outbound spam"},
    {"PHSH", "phishing"},
    {"SAP", "Safe Attachments"},
    {"SPM", "spam"},
    {"SPOOF", "spoofing (the From domain failed implicit or explicit authentication)"},
    {"UIMP", "user impersonation"},
};

constexpr code_meaning k_ipv[] = {
    {"CAL", "the connecting IP is on an IP Allow List, so spam filtering was skipped"},
    {"NLI", "the connecting IP is on no IP reputation list"},
};

constexpr code_meaning k_dir[] = {
    {"INB", "inbound"},
    {"OUT", "outbound"},
    {"INT", "internal (intra-organisation)"},
};

std::string scl_meaning(std::string_view v) {
  const auto n = number(v);
  if (!n) return {};
  if (*n < 0) return "spam filtering skipped (trusted sender, allow rule or internal mail)";
  if (*n <= 1) return "not spam";
  if (*n <= 4) return "not spam (unusual level)";
  if (*n <= 6) return "spam: delivered to Junk or quarantined by policy";
  return "high-confidence spam";
}

std::string bcl_meaning(std::string_view v) {
  const auto n = number(v);
  if (!n) return {};
  if (*n <= 0) return "not from a bulk sender";
  if (*n <= 3) return "from a bulk sender that draws few complaints";
  if (*n <= 7) return "from a bulk sender with a mixed number of complaints";
  return "from a bulk sender that draws many complaints";
}

std::string sfty_meaning(std::string_view v) {
  if (v == "9.19") return "safety tip: domain impersonation";
  if (v == "9.20") return "safety tip: user impersonation";
  if (v == "9.25") return "safety tip: first contact with this sender";
  if (v.empty()) return {};
  return "safety tip shown (code not in the documented set)";
}

// "CIP:185.30.176.197;CTRY:NL;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:f7.my.com;PTR:f7.my.com;
//  CAT:SPOOF;SFS:(13230025)(451199018)...;DIR:INB;" (phishing_pot sample-392)
void decode_forefront(filter_verdict& v, std::string_view value, bool untrusted) {
  v.system = "microsoft_eop";
  std::string sfv, cat, scl;
  std::size_t pos = 0;
  while (pos < value.size() && v.items.size() < k_max_items) {
    std::size_t end = value.find(';', pos);
    if (end == std::string_view::npos) end = value.size();
    const std::string_view item = trim(value.substr(pos, end - pos));
    pos = end + 1;
    const std::size_t colon = item.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view key = item.substr(0, colon);
    const std::string_view val = item.substr(colon + 1);
    std::string meaning;
    if (iequals(key, "CIP")) {
      meaning = "connecting IP address";
    } else if (iequals(key, "CTRY")) {
      meaning = "country of the connecting IP";
    } else if (iequals(key, "LANG")) {
      meaning = "language the message was written in";
    } else if (iequals(key, "SCL")) {
      meaning = "spam confidence level: " + scl_meaning(val);
      scl = std::string(val);
    } else if (iequals(key, "SRV")) {
      meaning = iequals(val, "BULK") ? "bulk mail, by the bulk complaint level threshold"
                                     : "service verdict (empty: none)";
    } else if (iequals(key, "IPV")) {
      meaning = lookup(k_ipv, val);
      if (meaning.empty()) meaning = "IP reputation verdict";
    } else if (iequals(key, "SFV")) {
      meaning = lookup(k_sfv, val);
      sfv = std::string(val);
    } else if (iequals(key, "H")) {
      meaning = "HELO/EHLO name the connecting server gave";
    } else if (iequals(key, "PTR")) {
      meaning = "reverse DNS name of the connecting IP (empty: none)";
    } else if (iequals(key, "CAT")) {
      meaning = "protection policy category: " + lookup(k_cat, val);
      cat = std::string(val);
    } else if (iequals(key, "SFTY")) {
      meaning = sfty_meaning(val);
    } else if (iequals(key, "SFS") || iequals(key, "ENG")) {
      meaning = "IDs of the filter rules that matched (internal to Microsoft)";
    } else if (iequals(key, "DIR")) {
      meaning = "direction: " + lookup(k_dir, val);
    } else if (iequals(key, "ARC")) {
      meaning = "ARC details";
    } else if (iequals(key, "X-CustomSpam")) {
      meaning = "matched an advanced spam filter option";
    } else if (iequals(key, "PCL")) {
      meaning = "phishing confidence level (legacy)";
    }
    add(v, key, val, std::move(meaning));
  }
  if (!scl.empty()) {
    if (const auto n = number(scl)) {
      v.score = *n;
      v.threshold = 5;
      v.spam = *n >= 5;
    }
  }
  if (!sfv.empty() && (iequals(sfv, "SPM") || iequals(sfv, "SKS") || iequals(sfv, "SKB"))) {
    v.spam = true;
  }
  std::string s = untrusted ? "Another Microsoft 365 organisation (not the recipient's) said: "
                            : "Microsoft 365 filtering: ";
  const std::string sfv_m = lookup(k_sfv, sfv);
  s += sfv_m.empty() ? "no spam filter verdict" : sfv_m;
  if (!scl.empty()) s += "; SCL " + scl + " (" + scl_meaning(scl) + ")";
  if (!cat.empty() && !iequals(cat, "NONE")) {
    const std::string m = lookup(k_cat, cat);
    s += "; category " + (m.empty() ? std::string("(undocumented)") : m);
  }
  v.summary = std::move(s);
}

// "BCL:0;" (phishing_pot sample-126). Other keys here are internal to Microsoft.
void decode_microsoft_antispam(filter_verdict& v, std::string_view value, bool untrusted) {
  v.system = "microsoft_eop";
  std::size_t pos = 0;
  std::string bcl;
  while (pos < value.size() && v.items.size() < k_max_items) {
    std::size_t end = value.find(';', pos);
    if (end == std::string_view::npos) end = value.size();
    const std::string_view item = trim(value.substr(pos, end - pos));
    pos = end + 1;
    const std::size_t colon = item.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view key = item.substr(0, colon);
    const std::string_view val = item.substr(colon + 1);
    if (iequals(key, "BCL")) {
      bcl = std::string(val);
      add(v, key, val, "bulk complaint level: " + bcl_meaning(val));
    } else if (iequals(key, "PCL")) {
      add(v, key, val, "phishing confidence level (legacy)");
    } else {
      add(v, key, val, {});
    }
  }
  if (!bcl.empty()) {
    v.score = number(bcl);
    v.summary =
        std::string(untrusted ? "Another Microsoft 365 organisation: " : "Microsoft 365: ") +
        "bulk complaint level " + bcl + ", " + bcl_meaning(bcl);
  } else {
    v.summary = "Microsoft 365 anti-spam details (no bulk complaint level)";
  }
}

// "ucf:0;jmr:0;ex:0;auth:0;dest:J;OFR:SpamFilterAuthJ;ENG:(5062000305)...;RF:JunkEmail;"
void decode_mailbox_delivery(filter_verdict& v, std::string_view value) {
  v.system = "microsoft_mailbox";
  std::size_t pos = 0;
  std::string dest, rf;
  while (pos < value.size() && v.items.size() < k_max_items) {
    std::size_t end = value.find(';', pos);
    if (end == std::string_view::npos) end = value.size();
    const std::string_view item = trim(value.substr(pos, end - pos));
    pos = end + 1;
    const std::size_t colon = item.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view key = item.substr(0, colon);
    const std::string_view val = item.substr(colon + 1);
    std::string meaning;
    if (iequals(key, "dest")) {
      dest = std::string(val);
      meaning = iequals(val, "J")   ? "delivered to the Junk Email folder"
                : iequals(val, "I") ? "delivered to the Inbox"
                : iequals(val, "C") ? "delivered to a custom folder (a user rule)"
                                    : "delivery destination";
    } else if (iequals(key, "RF")) {
      rf = std::string(val);
      meaning = "folder the message was routed to";
    } else if (iequals(key, "OFR")) {
      meaning = iequals(val, "CustomRules") ? "a user's Outlook rule decided the folder"
                : iequals(val, "SpamFilterAuthJ")
                    ? "the spam filter decided the folder (Junk), taking sender authentication "
                      "into account"
                    : "what decided the folder";
    } else if (iequals(key, "ENG")) {
      meaning = "filter engine rule IDs (internal to Microsoft)";
    }
    add(v, key, val, std::move(meaning));
  }
  if (iequals(dest, "J")) v.spam = true;
  if (iequals(dest, "I")) v.spam = false;
  v.summary = "Microsoft mailbox delivery: ";
  v.summary += iequals(dest, "J")   ? "put in Junk Email"
               : iequals(dest, "I") ? "put in the Inbox"
               : iequals(dest, "C") ? "put in a custom folder by a rule"
                                    : "destination not stated";
}

void decode_exchange_scl(filter_verdict& v, std::string_view value) {
  v.system = "microsoft_exchange";
  const std::string_view val = trim(value);
  add(v, "SCL", val, scl_meaning(val));
  if (const auto n = number(val)) {
    v.score = *n;
    v.threshold = 5;
    v.spam = *n >= 5;
  }
  const std::string m = scl_meaning(val);
  v.summary =
      "Exchange spam confidence level " + std::string(val) + (m.empty() ? std::string() : ": " + m);
}

// ---- SpamAssassin (and amavis, which writes SpamAssassin's fields) -------------------------

bool yes_word(std::string_view s) noexcept {
  return iequals(s, "yes") || iequals(s, "true") || iequals(s, "1");
}
bool no_word(std::string_view s) noexcept {
  return iequals(s, "no") || iequals(s, "false") || iequals(s, "0");
}

// "No, score=-0.8 required=5.0 tests=BAYES_00,DKIM_SIGNED, DKIM_VALID,... autolearn=no
//  version=3.3.1" and amavis' "No, score=2.025 tagged_above=-10 required=6.6
//  tests=[ALL_TRUSTED=-1, BAYES_00=-1.9, ...] autolearn=no autolearn_force=no".
// The tests list is folded with spaces after commas, so words are split on spaces and a word
// starts a new key only when it is one of SpamAssassin's own keys.
void decode_spam_status(filter_verdict& v, std::string_view value) {
  v.system = "spamassassin";
  std::size_t comma = value.find(',');
  const std::string_view flag = trim(value.substr(0, std::min(comma, value.size())));
  if (comma == std::string_view::npos) {
    comma = flag.size();
    value = {};
  } else {
    value.remove_prefix(comma + 1);
  }
  if (yes_word(flag)) v.spam = true;
  if (no_word(flag)) v.spam = false;
  add(v, "flag", flag,
      yes_word(flag) ? "SpamAssassin calls it spam" : "SpamAssassin does not call it spam");
  auto known = [](std::string_view k) {
    return k == "score" || k == "hits" || k == "required" || k == "tests" || k == "autolearn" ||
           k == "autolearn_force" || k == "version" || k == "tagged_above" || k == "shortcircuit" ||
           k == "bayes" || k == "tagged";
  };
  std::string_view key;
  std::string tests;
  std::size_t pos = 0;
  auto flush = [&](std::string_view k, std::string_view val) {
    if (k.empty()) return;
    if (k == "tests") {
      tests.append(val);
      return;
    }
    std::string meaning;
    if (k == "score" || k == "hits") {
      v.score = number(val);
      meaning = "total score of the rules that matched";
    } else if (k == "required") {
      v.threshold = number(val);
      meaning = "score at which this installation calls a message spam";
    } else if (k == "tagged_above") {
      meaning = "score above which amavis adds these fields";
    } else if (k == "autolearn") {
      meaning = "whether the Bayes filter learned from this message";
    } else if (k == "version") {
      meaning = "SpamAssassin version";
    }
    add(v, k, val, std::move(meaning));
  };
  std::size_t val_begin = 0;
  while (pos < value.size()) {
    while (pos < value.size() && is_space(value[pos])) ++pos;
    const std::size_t wb = pos;
    while (pos < value.size() && !is_space(value[pos])) ++pos;
    const std::string_view w = value.substr(wb, pos - wb);
    if (w.empty()) break;
    const std::size_t eq = w.find('=');
    if (eq != std::string_view::npos && known(w.substr(0, eq))) {
      if (!key.empty()) flush(key, trim(value.substr(val_begin, wb - val_begin)));
      key = w.substr(0, eq);
      val_begin = wb + eq + 1;
    }
  }
  if (!key.empty()) flush(key, trim(value.substr(val_begin)));
  // Tests: "A,B, C" or "[A=1, B=-1.9]".
  std::size_t count = 0;
  std::string listed;
  for (std::size_t p = 0; p <= tests.size();) {
    std::size_t end = tests.find(',', p);
    if (end == std::string::npos) end = tests.size();
    std::string_view t = trim(std::string_view(tests).substr(p, end - p));
    while (!t.empty() && (t.front() == '[')) t.remove_prefix(1);
    while (!t.empty() && (t.back() == ']')) t.remove_suffix(1);
    p = end + 1;
    if (t.empty()) continue;
    ++count;
    if (count <= k_max_listed_tests) {
      const std::size_t eq = t.find('=');
      add(v, "test", t.substr(0, eq),
          eq == std::string_view::npos ? std::string()
                                       : "rule score " + std::string(t.substr(eq + 1)));
    }
  }
  v.summary = std::string("SpamAssassin: ") + (v.spam.value_or(false) ? "spam" : "not spam");
  if (v.score) v.summary += ", score " + fmt_number(*v.score);
  if (v.threshold) v.summary += " of " + fmt_number(*v.threshold) + " needed";
  if (count > 0) v.summary += ", " + std::to_string(count) + " rules matched";
}

void decode_flag(filter_verdict& v, std::string_view value, std::string system,
                 std::string_view what) {
  v.system = std::move(system);
  const std::string_view val = trim(value);
  const std::size_t sp = std::min(val.find_first_of(" \t;(,"), val.size());
  const std::string_view word = val.substr(0, sp);
  if (yes_word(word)) v.spam = true;
  if (no_word(word)) v.spam = false;
  add(v, "flag", val,
      v.spam ? (*v.spam ? "marked as spam" : "not marked as spam")
             : "no yes/no verdict (value not understood)");
  v.summary = std::string(what) + (v.spam ? (*v.spam ? ": marked as spam" : ": not marked as spam")
                                          : ": verdict not understood");
}

void decode_score(filter_verdict& v, std::string_view value, std::string system,
                  std::string_view what) {
  v.system = std::move(system);
  const std::string_view val = trim(value);
  v.score = number(val.substr(0, std::min(val.find_first_of(" \t;("), val.size())));
  add(v, "score", val, v.score ? "spam score (higher is more likely spam)" : "score not a number");
  v.summary =
      std::string(what) + (v.score ? " score " + fmt_number(*v.score) : " score unreadable");
}

// "****" : one star per point of score.
void decode_spam_level(filter_verdict& v, std::string_view value) {
  v.system = "spamassassin";
  const std::string_view val = trim(value);
  const auto stars = static_cast<double>(std::count(val.begin(), val.end(), '*'));
  v.score = stars;
  add(v, "level", val, "one character per whole point of spam score");
  v.summary = "SpamAssassin score level " + fmt_number(stars) + " (one star per point)";
}

// ---- rspamd --------------------------------------------------------------------------------

constexpr code_meaning k_rspamd_symbols[] = {
    {"R_SPF_ALLOW", "SPF passed"},
    {"R_SPF_FAIL", "SPF failed"},
    {"R_SPF_SOFTFAIL", "SPF soft-failed"},
    {"R_SPF_NA", "no SPF record"},
    {"R_DKIM_ALLOW", "a DKIM signature verified"},
    {"R_DKIM_REJECT", "a DKIM signature failed"},
    {"R_DKIM_NA", "no DKIM signature"},
    {"DMARC_POLICY_ALLOW", "DMARC passed"},
    {"DMARC_POLICY_REJECT", "DMARC failed and the domain asks for reject"},
    {"DMARC_POLICY_QUARANTINE", "DMARC failed and the domain asks for quarantine"},
    {"DMARC_POLICY_SOFTFAIL", "DMARC failed under a p=none policy"},
    {"DMARC_NA", "no DMARC policy"},
    {"ARC_ALLOW", "the ARC chain verified"},
    {"ARC_REJECT", "the ARC chain failed"},
    {"ARC_NA", "no ARC fields"},
    {"BAYES_SPAM", "the Bayes classifier says spam"},
    {"BAYES_HAM", "the Bayes classifier says not spam"},
    {"NEURAL_SPAM", "the neural network says spam"},
    {"NEURAL_HAM", "the neural network says not spam"},
    {"ASN", "the sending network (informational)"},
    {"FROM_EQ_ENVFROM", "From equals the envelope sender"},
    {"FORGED_SENDER", "From and envelope sender differ"},
    {"RCVD_TLS_LAST", "the last hop used TLS"},
    {"MIME_GOOD", "the MIME structure looks normal"},
    {"AUTH_NA", "no authentication results"},
    {"R_UNDISC_RCPT", "undisclosed recipients"},
    {"PHISHING", "a link's text and target point to different hosts"},
};

// "default: False [2.77 / 25.00]; R_UNDISC_RCPT(3.00)[]; URI_COUNT_ODD(1.00)[3];
//  DMARC_POLICY_ALLOW(-0.50)[gmail.com,none]; ..." (phishing_pot sample-1178)
void decode_spamd_result(filter_verdict& v, std::string_view value) {
  v.system = "rspamd";
  std::size_t pos = value.find(';');
  const std::string_view head = value.substr(0, std::min(pos, value.size()));
  pos = pos == std::string_view::npos ? value.size() : pos + 1;
  if (const std::size_t colon = head.find(':'); colon != std::string_view::npos) {
    const std::string_view rest = trim(head.substr(colon + 1));
    const std::size_t sp = std::min(rest.find_first_of(" ["), rest.size());
    const std::string_view flag = rest.substr(0, sp);
    if (yes_word(flag)) v.spam = true;
    if (no_word(flag)) v.spam = false;
    const std::size_t lb = rest.find('[');
    const std::size_t slash = rest.find('/', lb == std::string_view::npos ? rest.size() : lb);
    const std::size_t rb = rest.find(']', lb == std::string_view::npos ? rest.size() : lb);
    if (lb != std::string_view::npos && slash != std::string_view::npos &&
        rb != std::string_view::npos && lb < slash && slash < rb) {
      v.score = number(rest.substr(lb + 1, slash - lb - 1));
      v.threshold = number(rest.substr(slash + 1, rb - slash - 1));
    }
    add(v, "default", rest, "the spam flag, then [score / score needed to reject]");
  }
  std::size_t symbols = 0;
  while (pos < value.size() && v.items.size() < k_max_items) {
    std::size_t end = value.find(';', pos);
    if (end == std::string_view::npos) end = value.size();
    const std::string_view item = trim(value.substr(pos, end - pos));
    pos = end + 1;
    if (item.empty()) continue;
    const std::size_t lp = item.find('(');
    const std::size_t rp = lp == std::string_view::npos ? lp : item.find(')', lp);
    const std::string_view name = item.substr(0, std::min(lp, item.size()));
    std::string meaning = lookup(k_rspamd_symbols, trim(name));
    if (lp != std::string_view::npos && rp != std::string_view::npos) {
      const std::string_view sc = item.substr(lp + 1, rp - lp - 1);
      meaning =
          meaning.empty() ? "score " + std::string(sc) : meaning + "; score " + std::string(sc);
      add(v, trim(name), item.substr(rp + 1), std::move(meaning));
    } else {
      add(v, trim(name), {}, std::move(meaning));
    }
    ++symbols;
  }
  v.summary = std::string("rspamd: ") + (v.spam.value_or(false) ? "spam" : "not spam");
  if (v.score) v.summary += ", score " + fmt_number(*v.score);
  if (v.threshold) v.summary += " of " + fmt_number(*v.threshold) + " to reject";
  v.summary += ", " + std::to_string(symbols) + " symbols";
}

void decode_rspamd_action(filter_verdict& v, std::string_view value) {
  v.system = "rspamd";
  const std::string_view a = trim(value);
  std::string meaning;
  if (iequals(a, "no action"))
    meaning = "delivered unchanged: not spam";
  else if (iequals(a, "greylist"))
    meaning = "temporarily deferred (greylisted)";
  else if (iequals(a, "add header"))
    meaning = "delivered with spam headers added (likely spam)";
  else if (iequals(a, "rewrite subject"))
    meaning = "delivered with the subject marked as spam";
  else if (iequals(a, "soft reject"))
    meaning = "temporarily rejected";
  else if (iequals(a, "reject"))
    meaning = "rejected as spam";
  if (iequals(a, "no action") || iequals(a, "greylist")) v.spam = false;
  if (iequals(a, "add header") || iequals(a, "rewrite subject") || iequals(a, "reject")) {
    v.spam = true;
  }
  add(v, "action", a, meaning);
  v.summary = "rspamd action: " + (meaning.empty() ? std::string("not a known action") : meaning);
}

// ---- Proofpoint ----------------------------------------------------------------------------

// "rule=notspam policy=default score=0 clxscore=1015 mlxscore=0 adultscore=0 phishscore=0
//  suspectscore=0 mlxlogscore=965 bulkscore=0 malwarescore=0 spamscore=0 classifier=spam
//  adjust=0 reason=mlx scancount=1 engine=8.12.0-2212070000 definitions=main-2303290160"
void decode_proofpoint(filter_verdict& v, std::string_view value) {
  v.system = "proofpoint";
  std::string rule;
  std::size_t pos = 0;
  while (pos < value.size() && v.items.size() < k_max_items) {
    while (pos < value.size() && is_space(value[pos])) ++pos;
    const std::size_t b = pos;
    while (pos < value.size() && !is_space(value[pos])) ++pos;
    const std::string_view w = value.substr(b, pos - b);
    const std::size_t eq = w.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view k = w.substr(0, eq);
    const std::string_view val = w.substr(eq + 1);
    std::string meaning;
    if (k == "rule") {
      rule = std::string(val);
      meaning = "the rule that decided the message's disposition";
    } else if (k == "score") {
      meaning = "overall score for the rule (0-100)";
      v.score = number(val);
    } else if (k == "spamscore") {
      meaning = "spam score (0-100)";
    } else if (k == "phishscore") {
      meaning = "phishing score (0-100)";
    } else if (k == "malwarescore") {
      meaning = "malware score (0-100)";
    } else if (k == "bulkscore") {
      meaning = "bulk mail score (0-100)";
    } else if (k == "adultscore") {
      meaning = "adult content score (0-100)";
    } else if (k == "suspectscore") {
      meaning = "suspect (unusual content) score (0-100)";
    } else if (k == "policy") {
      meaning = "the policy that was applied";
    } else if (k == "classifier" || k == "reason") {
      meaning = "which classifier decided";
    } else if (k == "engine" || k == "definitions") {
      meaning = "engine and definitions version";
    }
    add(v, k, val, std::move(meaning));
  }
  if (!rule.empty()) {
    if (rule.find("notspam") != std::string::npos || rule == "safe") {
      v.spam = false;
    } else if (rule.find("spam") != std::string::npos || rule.find("phish") != std::string::npos) {
      v.spam = true;
    }
  }
  v.summary = "Proofpoint: rule " + (rule.empty() ? std::string("(none)") : rule);
  if (v.score) v.summary += ", score " + fmt_number(*v.score);
}

// ---- others --------------------------------------------------------------------------------

// "0 (Mail was not recognized as spam); Detail=V3;" (sisimai lhost-gmx-01)
void decode_gmx(filter_verdict& v, std::string_view value) {
  v.system = "gmx";
  const std::string_view val = trim(value);
  const std::size_t sp = std::min(val.find_first_of(" \t;("), val.size());
  v.score = number(val.substr(0, sp));
  if (v.score) v.spam = *v.score > 0;
  add(v, "verdict", val, "0 means not recognised as spam");
  v.summary = std::string("GMX/Web.de: ") +
              (v.spam ? (*v.spam ? "recognised as spam" : "not recognised as spam") : "unreadable");
}

void decode_vade(filter_verdict& v, std::string_view value) {
  v.system = "vade";
  const std::string_view val = trim(value);
  std::string meaning;
  if (iequals(val, "clean"))
    meaning = "clean";
  else if (iequals(val, "spam"))
    meaning = "spam";
  else if (iequals(val, "phishing"))
    meaning = "phishing";
  else if (iequals(val, "malware") || iequals(val, "virus"))
    meaning = "malware";
  else if (iequals(val, "bulk") || iequals(val, "commercial"))
    meaning = "bulk or commercial mail";
  if (iequals(val, "clean"))
    v.spam = false;
  else if (!meaning.empty())
    v.spam = true;
  add(v, "state", val, meaning);
  v.summary = "Vade Secure: " + (meaning.empty() ? std::string("state not recognised") : meaning);
}

void decode_virus_status(filter_verdict& v, std::string_view value) {
  v.system = "antivirus";
  const std::string_view val = trim(value);
  const bool clean = val.size() >= 5 && iequals(val.substr(0, 5), "clean");
  const bool infected = val.size() >= 8 && iequals(val.substr(0, 8), "infected");
  add(v, "status", val, clean ? "no virus found" : infected ? "a virus was found" : "");
  v.summary = std::string("Virus scanner: ") + (clean      ? "clean"
                                                : infected ? "INFECTED"
                                                           : "status not recognised");
}

enum class kind : std::uint8_t {
  none,
  forefront,
  forefront_untrusted,
  ms_antispam,
  ms_antispam_untrusted,
  mailbox_delivery,
  exchange_scl,
  spam_status,
  spam_flag,
  spam_score,
  spam_level,
  x_spam,
  spamd_result,
  rspamd_score,
  rspamd_action,
  proofpoint,
  proton_score,
  vade_state,
  gmx,
  yandex,
  cloudmark,
  mimecast_score,
  barracuda_score,
  barracuda_status,
  atmail_action,
  virus_status,
  ironport_filtered,
};

struct name_kind {
  std::string_view name;
  kind k;
};

constexpr name_kind k_names[] = {
    {"X-Forefront-Antispam-Report", kind::forefront},
    {"X-Forefront-Antispam-Report-Untrusted", kind::forefront_untrusted},
    {"X-Microsoft-Antispam", kind::ms_antispam},
    {"X-Microsoft-Antispam-Untrusted", kind::ms_antispam_untrusted},
    {"X-Microsoft-Antispam-Mailbox-Delivery", kind::mailbox_delivery},
    {"X-MS-Exchange-Organization-SCL", kind::exchange_scl},
    {"X-Spam-Status", kind::spam_status},
    {"X-Spam-Flag", kind::spam_flag},
    {"X-Spam-Score", kind::spam_score},
    {"X-Spam-Level", kind::spam_level},
    {"X-Spam", kind::x_spam},
    {"X-Spamd-Result", kind::spamd_result},
    {"X-Rspamd-Score", kind::rspamd_score},
    {"X-Rspamd-Action", kind::rspamd_action},
    {"X-Proofpoint-Spam-Details", kind::proofpoint},
    {"X-Pm-Spamscore", kind::proton_score},
    {"X-VADE-SPAMSTATE", kind::vade_state},
    {"X-GMX-Antispam", kind::gmx},
    {"X-Yandex-Spam", kind::yandex},
    {"X-CLX-Spam", kind::cloudmark},
    {"X-Mimecast-Spam-Score", kind::mimecast_score},
    {"X-Barracuda-Spam-Score", kind::barracuda_score},
    {"X-Barracuda-Spam-Status", kind::barracuda_status},
    {"X-atmailcloud-spam-action", kind::atmail_action},
    {"X-Virus-Status", kind::virus_status},
    {"X-IronPort-Anti-Spam-Filtered", kind::ironport_filtered},
};

// Bit n set: some name above is n bytes long. Every field of a message is asked about, and
// most X- fields are turned away by their length alone.
constexpr std::uint64_t k_name_lengths = [] {
  std::uint64_t mask = 0;
  for (const auto& e : k_names) mask |= std::uint64_t{1} << e.name.size();
  return mask;
}();
static_assert(std::all_of(std::begin(k_names), std::end(k_names),
                          [](const name_kind& e) { return e.name.size() < 64; }));

kind kind_of(std::string_view name) noexcept {
  if (name.size() < 6 || name.size() >= 64 || (name[0] != 'X' && name[0] != 'x')) {
    return kind::none;
  }
  if ((k_name_lengths & (std::uint64_t{1} << name.size())) == 0) return kind::none;
  for (const auto& e : k_names) {
    if (e.name.size() == name.size() && iequals(e.name, name)) return e.k;
  }
  return kind::none;
}

}  // namespace

bool is_verdict_field(std::string_view name) noexcept { return kind_of(name) != kind::none; }

std::optional<filter_verdict> decode_verdict(std::string_view name,
                                             std::string_view unfolded_value) {
  const kind k = kind_of(name);
  if (k == kind::none) return std::nullopt;
  std::string_view value = trim(unfolded_value);
  if (value.size() > k_max_value) value = value.substr(0, k_max_value);
  filter_verdict v;
  v.field = std::string(name);
  switch (k) {
    case kind::forefront:
      decode_forefront(v, value, false);
      break;
    case kind::forefront_untrusted:
      decode_forefront(v, value, true);
      break;
    case kind::ms_antispam:
      decode_microsoft_antispam(v, value, false);
      break;
    case kind::ms_antispam_untrusted:
      decode_microsoft_antispam(v, value, true);
      break;
    case kind::mailbox_delivery:
      decode_mailbox_delivery(v, value);
      break;
    case kind::exchange_scl:
      decode_exchange_scl(v, value);
      break;
    case kind::spam_status:
      decode_spam_status(v, value);
      break;
    case kind::spam_flag:
      decode_flag(v, value, "spamassassin", "SpamAssassin flag");
      break;
    case kind::spam_score:
      decode_score(v, value, "spam_filter", "Spam filter");
      break;
    case kind::spam_level:
      decode_spam_level(v, value);
      break;
    // "X-Spam: Yes" (phishing_pot sample-1159); some filters write "undefined" (sample-392).
    case kind::x_spam:
      decode_flag(v, value, "spam_filter", "Spam filter");
      break;
    case kind::spamd_result:
      decode_spamd_result(v, value);
      break;
    case kind::rspamd_score:
      decode_score(v, value, "rspamd", "rspamd");
      break;
    case kind::rspamd_action:
      decode_rspamd_action(v, value);
      break;
    case kind::proofpoint:
      decode_proofpoint(v, value);
      break;
    case kind::proton_score:
      decode_score(v, value, "proton", "Proton Mail spam");
      v.summary += " (scale undocumented)";
      break;
    case kind::vade_state:
      decode_vade(v, value);
      break;
    case kind::gmx:
      decode_gmx(v, value);
      break;
    case kind::yandex:
      decode_score(v, value, "yandex", "Yandex spam");
      v.summary += " (1 is usually clean, 4 spam; scale undocumented)";
      break;
    // "X-CLX-Spam: false" (Cloudmark, through Oracle Messaging Server; sisimai lhost-
    // messagingserver-09).
    case kind::cloudmark:
      decode_flag(v, value, "cloudmark", "Cloudmark");
      break;
    case kind::mimecast_score:
      decode_score(v, value, "mimecast", "Mimecast spam");
      break;
    case kind::barracuda_score:
      decode_score(v, value, "barracuda", "Barracuda spam");
      break;
    case kind::barracuda_status:
      decode_spam_status(v, value);
      v.system = "barracuda";
      v.summary.replace(0, 12, "Barracuda");
      break;
    case kind::atmail_action:
      decode_rspamd_action(v, value);
      v.system = "atmail";
      v.summary.replace(0, 6, "atmail (rspamd)");
      break;
    case kind::virus_status:
      decode_virus_status(v, value);
      break;
    case kind::ironport_filtered:
      decode_flag(v, value, "cisco_ironport", "Cisco IronPort");
      v.spam.reset();
      v.summary = "Cisco IronPort anti-spam scanned the message";
      if (!v.items.empty()) v.items.front().meaning = "the anti-spam engine ran";
      break;
    case kind::none:
      return std::nullopt;
  }
  return v;
}

std::vector<filter_verdict> decode_verdicts(const header_block& block) {
  std::vector<filter_verdict> out;
  for (std::size_t i = 0; i < block.size() && out.size() < 256; ++i) {
    if (!is_verdict_field(block.name(i))) continue;
    if (auto v = decode_verdict(block.name(i), block.unfolded_value(i))) {
      v->header_index = i;
      out.push_back(std::move(*v));
    }
  }
  return out;
}

}  // namespace hopscope
