// The trust boundary: which hops the receiving organisation wrote itself, where the message
// crossed into it from outside, and so which client address is the real origin.
//
// Walk from the top (the receiving MTA's own stamp) downwards. A hop is internal while its
// client is inside the receiving side; the first hop whose client is outside is the boundary
// and its client is the origin; every hop below was written outside and is only the sender's
// word. SpamAssassin's trusted/internal networks work the same way; here each decision keeps
// its reason in words.

#include <algorithm>
#include <cstring>
#include <string>
#include <unordered_set>

#include "core/chain_internal.hpp"
#include "hopscope/domain.hpp"

namespace hopscope {
namespace detail {

// Providers that run one mail system under several registrable domains; the receiving side
// of an Office 365 tenant is stamped by *.outlook.com, *.office365.com and
// *.exchangelabs.com hosts alike (sample-2: "from DUZPR01CA0163.eurprd01.prod.exchangelabs.com
// (2603:10a6:10:4b3::25) by ...PROD.OUTLOOK.COM").
std::string_view org_family(std::string_view org) noexcept {
  constexpr std::pair<std::string_view, std::string_view> k_families[] = {
      {"outlook.com", "microsoft"},
      {"office365.com", "microsoft"},
      {"exchangelabs.com", "microsoft"},
      {"microsoft.com", "microsoft"},
      {"google.com", "google"},
      {"googlemail.com", "google"},
      {"gmail.com", "google"},
      {"1e100.net", "google"},
      {"yahoo.com", "yahoo"},
      {"yahoodns.net", "yahoo"},
      // iCloud mail: "by ci74p00im-qukt09090502.me.com" for From: ...@icloud.com
      // (phishing_pot sample-539).
      {"icloud.com", "apple"},
      {"me.com", "apple"},
      {"mac.com", "apple"},
      {"apple.com", "apple"}};
  for (const auto& [o, f] : k_families) {
    if (o == org) return f;
  }
  return org;
}

const std::string& org_cache::of(std::string_view host) {
  for (const auto& [known, org] : listed_) {
    if (iequals(known, host)) return org;
  }
  std::string key = lower(host);
  if (listed_.size() < k_listed) {
    if (listed_.empty()) listed_.reserve(k_listed);
    std::string org = registrable_domain(key);
    return listed_.emplace_back(std::move(key), std::move(org)).second;
  }
  if (auto it = spilled_.find(key); it != spilled_.end()) return it->second;
  std::string org = registrable_domain(key);
  return spilled_.emplace(std::move(key), std::move(org)).first->second;
}

}  // namespace detail

std::optional<ip_network> parse_network(std::string_view text) noexcept {
  const std::size_t slash = text.find('/');
  const auto ip = parse_ip(text.substr(0, slash));
  if (!ip) return std::nullopt;
  const unsigned max = ip->v6 ? 128u : 32u;
  unsigned prefix = max;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    prefix = 0;
    for (const char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      prefix = prefix * 10 + static_cast<unsigned>(c - '0');
    }
    if (prefix > max) return std::nullopt;
  }
  return ip_network{*ip, prefix};
}

bool contains(const ip_network& net, const ip_address& ip) noexcept {
  if (net.base.v6 != ip.v6) return false;
  unsigned bits = net.prefix;
  for (std::size_t i = 0; bits > 0 && i < 16; ++i) {
    const unsigned take = std::min(bits, 8u);
    const auto mask = static_cast<std::uint8_t>(0xFFu << (8u - take));
    if ((net.base.bytes[i] & mask) != (ip.bytes[i] & mask)) return false;
    bits -= take;
  }
  return true;
}

std::string_view to_string(trust_level level) noexcept {
  switch (level) {
    case trust_level::internal:
      return "internal";
    case trust_level::boundary:
      return "boundary";
    case trust_level::external:
      return "external";
  }
  return "external";
}

namespace detail {
namespace {

bool is_name(std::string_view s) noexcept {
  return s.find('.') != std::string_view::npos && !parse_ip(s) && !iequals(s, "localhost") &&
         !iequals(s, "unknown") && s.front() != '[';
}

// "mx1.example.com" is covered by the trusted name "example.com" and by itself.
bool covered_by(std::string_view host, const std::vector<std::string>& names) {
  const std::string h = lower(host);
  if (h.empty()) return false;
  for (const auto& n : names) {
    if (h == n) return true;
    if (h.size() > n.size() && h.compare(h.size() - n.size(), n.size(), n) == 0 &&
        h[h.size() - n.size() - 1] == '.')
      return true;
  }
  return false;
}

// Scopes that cannot be a client on the public internet: a relay inside some network.
bool inside_scope(ip_scope s) noexcept {
  return s == ip_scope::private_use || s == ip_scope::shared || s == ip_scope::loopback ||
         s == ip_scope::link_local || s == ip_scope::unique_local;
}

std::string_view first_label(std::string_view host) noexcept {
  return host.substr(0, host.find('.'));
}

// The host that stamped the line below under one of its names: Exchange Online stamps "by
// FR3P281CA0021.outlook.office365.com" and then introduces itself to the next server as
// "FR3P281CA0021.DEUP281.PROD.OUTLOOK.COM" (sample-1109): the same machine name first.
bool same_host(std::string_view by, std::string_view helo) noexcept {
  if (iequals(by, helo)) return true;
  const std::string_view a = first_label(by), b = first_label(helo);
  return a.size() >= 8 && iequals(a, b);
}

// The recipient side's MX: a host that takes mail from the whole internet, so a HELO name it
// records is whatever the client typed. Recognised by name only (no DNS here): a label "mx"
// (mx.google.com, b.mx.sonic.net), a first label mx, mx1, mxa, mx01, mx-in..., Exchange Online
// Protection's inbound edge (tenant MX records point to <tenant>.mail.protection.outlook.com;
// the edge stamps "by VI1EUR04FT027.mail.protection.outlook.com"), and the inbound names of
// Amazon SES (inbound-smtp.us-west-2.amazonaws.com) and Proton (mailin034.protonmail.ch).
bool mx_like(std::string_view by_host) {
  const std::string h = lower(by_host);
  if (h.empty() || parse_ip(h)) return false;
  constexpr std::string_view k_eop = ".mail.protection.outlook.com";
  if (h.size() > k_eop.size() && h.compare(h.size() - k_eop.size(), k_eop.size(), k_eop) == 0)
    return true;
  const std::string_view first = first_label(h);
  if (first.rfind("inbound-smtp", 0) == 0) return true;
  if (first.rfind("mailin", 0) == 0 && h.find(".protonmail.") != std::string::npos) return true;
  if (first.rfind("mx", 0) == 0) {
    const std::string_view rest = first.substr(2);
    if (rest.empty() || rest.front() == '-') return true;
    if (rest.size() <= 3 && std::all_of(rest.begin(), rest.end(), [](char c) {
          return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
        }))
      return true;
  }
  for (std::size_t start = 0; start < h.size();) {
    const std::size_t dot = h.find('.', start);
    const std::size_t end = dot == std::string::npos ? h.size() : dot;
    if (h.compare(start, end - start, "mx") == 0 && end < h.size()) return true;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return false;
}

bool fetched(const received_hop& r) noexcept {
  const std::string& p = r.protocol;
  return p == "POP3" || p == "IMAP" || p == "POP" || p == "IMAPS" || p == "POP3S" ||
         r.convention == "fetchmail";
}

// The from clause names a host of another organisation than the by-host.
bool foreign_name(org_cache& orgs, const received_hop& r) {
  for (const std::string_view n :
       {std::string_view(r.rdns), std::string_view(r.helo), std::string_view(r.from_token)}) {
    if (!is_name(n)) continue;
    const std::string& a = orgs.of(n);
    if (a.empty()) continue;
    if (!is_name(r.by_host)) return true;
    return org_family(a) != org_family(orgs.of(r.by_host));
  }
  return false;
}

struct side {
  std::unordered_set<std::string> orgs;  // registrable domains of the receiving side
};

}  // namespace

void classify_trust(hop_chain& chain, const chain_options& options, org_cache& orgs) {
  auto& hops = chain.hops;
  if (hops.empty()) return;
  std::vector<std::string> trusted;
  for (const auto& t : options.trusted_hosts) {
    std::string l = lower(t);
    if (!l.empty()) trusted.push_back(std::move(l));
  }
  std::vector<ip_network> nets;
  for (const auto& text : options.internal_networks) {
    if (auto n = parse_network(text)) {
      nets.push_back(*n);
    } else {
      add_finding(chain, "bad_internal_network", std::nullopt,
                  "--internal-net '" + text + "' is not an address or CIDR network: ignored",
                  severity::warning);
    }
  }

  // The receiving side starts as the organisation of the host that stamped the top field
  // and of the envelope recipient it names ("for <user@company.example>"): a tenant on
  // Office 365 is both company.example and outlook.com.
  side inside;
  const received_hop& top = hops.back().received;
  if (is_name(top.by_host)) {
    const std::string& o = orgs.of(top.by_host);
    if (!o.empty()) inside.orgs.insert(std::string(org_family(o)));
  }
  for (std::size_t k = hops.size(); k-- > 0;) {
    const std::string& f = hops[k].received.for_addr;
    const std::size_t at = f.rfind('@');
    if (at == std::string::npos) continue;
    std::string dom = f.substr(at + 1);
    while (!dom.empty() && (dom.back() == '>' || dom.back() == ';')) dom.pop_back();
    const std::string& o = orgs.of(dom);
    if (!o.empty()) inside.orgs.insert(std::string(org_family(o)));
    break;
  }

  std::optional<std::size_t> boundary;
  for (std::size_t k = hops.size(); k-- > 0;) {
    hop& h = hops[k];
    const received_hop& r = h.received;
    std::vector<std::string> why;
    bool in = false;
    const std::string ip_text = r.ip ? r.ip->to_string() : std::string();
    // The name we may believe for the client: rDNS the receiving MTA looked up; a HELO name
    // only when the hop below confirms it (that hop was stamped by a host of that name).
    std::string_view name;
    bool name_claimed = false;
    // Only a connection from an address can come from the internet: "from mx.mezonplus.ru by
    // mx.mezon.local (Dovecot) with LMTP" (rspamd bad_message.eml) is the MX handing the
    // message to the mailbox server, whatever the mailbox server is called.
    const bool by_mx = r.ip.has_value() && !iequals(r.protocol, "LMTP") && mx_like(r.by_host);
    bool helo_refused = false;
    if (is_name(r.rdns)) {
      name = r.rdns;
    } else if (is_name(r.helo) && k > 0 && same_host(hops[k - 1].received.by_host, r.helo)) {
      // Exchange Online writes only the HELO: "from SN7PR04CA0011.namprd04.prod.outlook.com
      // (2603:10b6:806:f2::16) by MW4P223MB0706.NAMP223.PROD.OUTLOOK.COM"; the line below
      // was stamped "by SN7PR04CA0011.outlook.office365.com" or the same name. That line was
      // written by the client itself, so it confirms nothing against a forger: a host that
      // takes mail from the internet (the recipient's MX) must not believe it, or anyone could
      // HELO as the receiving side, add a line "by <that name>" below, and so pick the origin.
      // Behind the MX (Exchange Online's internal hops) only the organisation's own hosts
      // connect, and the claim is taken.
      if (by_mx) {
        helo_refused = true;
      } else {
        name = r.helo;
        name_claimed = true;
      }
    }
    if (!r.ip && r.from_token.empty() && r.helo.empty() && r.rdns.empty()) {
      // "Received: by mail-pf1-f206.google.com with SMTP id z17so1334939pfq.16"
      in = true;
      why.push_back(
          "no client: a stamp the host wrote for itself (local pickup or internal "
          "hand-off)");
    } else if (fetched(r)) {
      // "from pop.example.net [1.2.3.4] by localhost with POP3 (fetchmail-5.9.0)": the user's
      // own fetchmail collected the message from their mailbox provider, which is therefore
      // the receiving side too (SpamAssassin restarts its trust chain here).
      in = true;
      why.push_back("fetched from the recipient's own mailbox (" + r.protocol +
                    "): the mailbox provider is part of the receiving side");
    } else if (!r.ip && !foreign_name(orgs, r)) {
      // "from process-daemon.mr21p30im-asmtp001.me.example.com by ..." (Sun Messaging),
      // "from localhost by ...": no connection address recorded, nothing that could be an
      // internet client. SpamAssassin skips such lines too. But "from thumper.bellcore.com by
      // hanna.cac.washington.edu" (nice/mime3, 1991) names a host of another organisation:
      // that is a crossing, even without an address.
      in = true;
      why.push_back("no client address recorded: a local hand-off, nothing to place outside");
    } else if (r.ip && inside_scope(h.scope)) {
      in = true;
      why.push_back("client " + ip_text + " is " + std::string(to_string(h.scope)) +
                    " address space: a relay inside a network, not an internet client");
    }
    if (!in && r.ip) {
      for (const auto& n : nets) {
        if (contains(n, *r.ip)) {
          in = true;
          why.push_back("client " + ip_text + " is in --internal-net " + n.base.to_string() + "/" +
                        std::to_string(n.prefix));
          break;
        }
      }
    }
    if (!in && !name.empty() && covered_by(name, trusted)) {
      in = true;
      why.push_back("client " + std::string(name) + " is a --trusted-host" +
                    (name_claimed ? " (HELO name, confirmed by the hop below)" : ""));
    }
    if (!in && !name.empty()) {
      const std::string& o = orgs.of(name);
      if (!o.empty() && inside.orgs.count(std::string(org_family(o))) != 0) {
        in = true;
        why.push_back("client " + std::string(name) +
                      (name_claimed ? " (HELO, confirmed by the "
                                      "hop below)"
                                    : " (rDNS)") +
                      " is in the receiving organisation " + o);
      }
    }
    if (in) {
      h.trust = trust_level::internal;
      h.trust_reasons = std::move(why);
      // The host that stamped the hop below is now known to be on the receiving side.
      if (k > 0 && is_name(hops[k - 1].received.by_host)) {
        const std::string& o = orgs.of(hops[k - 1].received.by_host);
        if (!o.empty()) inside.orgs.insert(std::string(org_family(o)));
      }
      continue;
    }
    boundary = k;
    h.trust = trust_level::boundary;
    if (r.authenticated) {
      why.push_back("authenticated submission (" +
                    (r.auth_detail.empty() ? r.with : r.auth_detail) +
                    "): the client logged in to the receiving side; it is the origin");
    }
    std::string who = r.ip ? ip_text : std::string("with no address recorded");
    if (!r.rdns.empty())
      who += " (rDNS " + r.rdns + ")";
    else if (!r.helo.empty())
      who += " (claims HELO " + r.helo + ")";
    why.push_back("client " + who + " is outside the receiving side" +
                  (r.by_host.empty()
                       ? std::string()
                       : " (" + r.by_host + (by_mx ? ", the recipient side's MX" : "") + ")") +
                  ": not in private space, an internal network, a trusted host or the receiving "
                  "organisation");
    if (helo_refused && (covered_by(r.helo, trusted) ||
                         (!orgs.of(r.helo).empty() &&
                          inside.orgs.count(std::string(org_family(orgs.of(r.helo)))) != 0))) {
      why.push_back("its HELO name " + r.helo + " and the line below (\"by " +
                    hops[k - 1].received.by_host + "\") are the client's own word, and " +
                    r.by_host +
                    " is the recipient side's MX, which takes mail from anyone: not believed");
    }
    h.trust_reasons = std::move(why);
    break;
  }
  if (boundary) {
    for (std::size_t k = 0; k < *boundary; ++k) {
      hops[k].trust = trust_level::external;
      hops[k].trust_reasons = {"below the trust boundary (hop " + std::to_string(*boundary + 1) +
                               "): written by hosts outside the receiving organisation, "
                               "the sender's word only"};
    }
  }
  chain.boundary = boundary;

  for (std::size_t i = 0; i < hops.size(); ++i) {
    if (hops[i].received.ip && is_global(hops[i].scope)) {
      chain.claimed_origin = i;
      break;
    }
  }

  auto& reasons = chain.origin_reasons;
  if (!boundary) {
    reasons.push_back(
        "every hop is internal: the message did not cross into the receiving "
        "side from outside (local or internal mail), so there is no external "
        "origin");
    return;
  }
  const hop& b = hops[*boundary];
  const std::string label = hop_label(chain, *boundary);
  if (b.received.ip && is_global(b.scope)) {
    chain.origin = boundary;
    reasons.push_back(label +
                      " is the first hop, from the top, whose client is outside the "
                      "receiving side: its client " +
                      b.received.ip->to_string() + " is the origin");
    if (*boundary + 1 < hops.size()) {
      reasons.push_back("the " + std::to_string(hops.size() - *boundary - 1) +
                        " hop(s) above it are internal to the receiving side");
    }
    reasons.push_back(
        "the address is what " +
        (b.received.by_host.empty() ? std::string("the receiving host") : b.received.by_host) +
        " saw on the connection (" + std::string(to_string(b.received.ip_from)) +
        "), not what the client claimed");
  } else {
    reasons.push_back(
        label + " is the trust boundary but its client address is " +
        (b.received.ip ? b.received.ip->to_string() + " (" + std::string(to_string(b.scope)) + ")"
                       : std::string("not written")) +
        ": no global origin address can be named");
  }
  if (chain.claimed_origin && *chain.claimed_origin < *boundary) {
    const hop& c = hops[*chain.claimed_origin];
    reasons.push_back("the lines below claim an earlier client " + c.received.ip->to_string() +
                      " (" + hop_label(chain, *chain.claimed_origin) +
                      "): the sender's word, not verified");
  }
  for (std::size_t k = 0; k < *boundary; ++k) {
    if (hops[k].received.authenticated && hops[k].received.ip) {
      reasons.push_back("below the boundary, " + hop_label(chain, k) +
                        " shows authenticated submission from " + hops[k].received.ip->to_string() +
                        " (as the sender's side wrote it)");
      break;
    }
  }
}

}  // namespace detail
}  // namespace hopscope
