#include "diagnose.hpp"

#include "v6c/wire/json.hpp"

namespace v6c::agent {
namespace {

using wire::ChainLink;
using wire::DiagnosisStep;
using wire::LinkState;

// RFC 4861 §6.2.6 and §10: a router may hold back a solicited RA by MAX_RA_DELAY_TIME (0.5 s),
// and until MIN_DELAY_BETWEEN_RAS (3 s) after its last multicast RA; two RSs, 4 s to answer.
constexpr int kRsCount = 2, kRsIntervalMs = 1000, kRaWindowMs = 4000;
constexpr std::uint8_t kNdHopLimit = 255;  // RFC 4861 §6.1.2: anything else is not from this link
constexpr unsigned kInterfaceIdBits = 64;  // RFC 4291 §2.5.1, RFC 4862 §5.5.3: SLAAC needs a /64
constexpr int kRcodeNoError = 0, kRcodeServFail = 2, kRcodeNxDomain = 3, kRcodeRefused = 5;  // RFC 1035 §4.1.1

DiagnosisStep holds(ChainLink link, std::string why) { return {link, LinkState::holds, std::move(why), ""}; }
DiagnosisStep broken(ChainLink link, std::string why, std::string next) {
  return {link, LinkState::broken, std::move(why), std::move(next)};
}
DiagnosisStep not_tried(ChainLink link, std::string why, std::string next = "") {
  return {link, LinkState::not_tried, std::move(why), std::move(next)};
}

std::string joined(const std::vector<std::string>& parts, const char* sep = "; ") {
  std::string s;
  for (const auto& p : parts) s += (s.empty() ? "" : sep) + p;
  return s;
}

std::string prefix_text(const wire::Ip6& prefix, unsigned length) { return prefix.str() + "/" + std::to_string(length); }

// What the walk has learnt so far, and the procedures it runs.
struct Walk {
  Walk(Runner& r, const DiagnoseOptions& opts, const RecordSink& s) : runner(r), o(opts), sink(s) {}
  Runner& runner;
  const DiagnoseOptions& o;
  const RecordSink& sink;
  std::vector<wire::Packet> ras;         // RAs a host accepts (RFC 4861 §6.1.2)
  std::vector<wire::Packet> ignored;     // RAs a host must ignore
  const wire::Packet* router = nullptr;  // the first accepted RA with router lifetime > 0
  std::optional<wire::Dhcp6Result> dhcp6;
  std::optional<wire::Ip6> address;      // the global address formed or leased
  bool router_answers = false;

  // The RA whose flags the host follows: the default router's, else the first.
  const wire::RouterAdvert& ra() const { return *(router ? router : &ras.front())->as<wire::RouterAdvert>(); }

  wire::ProcedureRecord run(std::string id, wire::ProcedureSpec spec) {
    auto rec = runner.run({std::move(id), std::move(spec)});
    sink(rec);
    return rec;
  }
};

// A procedure that could not run measured nothing: the link is not known either way.
DiagnosisStep not_measured(ChainLink link, const wire::ProcedureRecord& rec) {
  return not_tried(link, "not measured: " + rec.id + " could not run: " + rec.error);
}

std::string why_ignored(const wire::Packet& p) {
  if (p.ctx.hop_limit != kNdHopLimit)
    return "hop limit " + std::to_string(p.ctx.hop_limit) + " instead of 255 (it crossed a router)";
  if (!p.ctx.src_ip.is_link_local()) return "source " + p.ctx.src_ip.str() + " is not link-local";
  return "its checksum is wrong";
}

DiagnosisStep router_advert_step(Walk& w) {
  constexpr auto link = ChainLink::router_advert;
  auto rec = w.run("discover", wire::DiscoverSpec{.window_ms = kRaWindowMs, .rs_count = kRsCount,
                                                     .rs_interval_ms = kRsIntervalMs});
  if (rec.status != wire::RunStatus::ok) return not_measured(link, rec);
  const auto& d = std::get<wire::DiscoverResult>(rec.result);
  for (const auto& p : d.ras) {
    const bool valid = p.ctx.hop_limit == kNdHopLimit && p.ctx.src_ip.is_link_local() && p.ctx.checksum_ok;
    (valid ? w.ras : w.ignored).push_back(p);
  }
  for (const auto& p : w.ras)
    if (!w.router && p.as<wire::RouterAdvert>()->router_lifetime_s > 0) w.router = &p;
  if (!w.ras.empty()) {
    const auto& first = w.router ? *w.router : w.ras.front();
    return holds(link, wire::describe(first.msg) + " from " + first.ctx.src_ip.str() + " (" + first.ctx.src_mac.str() +
                           ")" + (w.ras.size() > 1 ? ", and " + std::to_string(w.ras.size() - 1) + " more" : ""));
  }
  if (!w.ignored.empty())
    return broken(link,
                  std::to_string(w.ignored.size()) + " router advertisements came, but a host must ignore them " +
                      "(RFC 4861 §6.1.2): " + why_ignored(w.ignored.front()),
                  "where the RAs come from: a router on this link sends them with hop limit 255 from its link-local "
                  "address; an RA routed or relayed from elsewhere is not valid here");
  return broken(link,
                "no router advertisement within " + std::to_string(kRaWindowMs) + " ms of " +
                    std::to_string(d.sent.size()) + " router solicitations: no router serves this link, or its RAs "
                    "are filtered on the way",
                "is a router attached to this network and does it advertise (OpenStack: the subnet is on a router "
                "and has ipv6_ra_mode set; elsewhere: radvd or the router's RA configuration), and is ICMPv6 type "
                "133/134 let through to this port");
}

// Why a prefix gives no SLAAC address (RFC 4862 §5.5.3); empty when it gives one.
std::string slaac_refusal(const wire::PrefixInfo& p) {
  const auto name = prefix_text(p.prefix, p.length);
  if (!p.autonomous) return name + " has A=0";
  if (p.prefix.is_link_local()) return name + " is link-local";
  if (p.valid_s == 0) return name + " has valid lifetime 0";
  if (p.preferred_s > p.valid_s) return name + " has a preferred lifetime longer than its valid lifetime";
  if (unsigned{p.length} != kInterfaceIdBits)
    return name + " is not a /64, and SLAAC on Ethernet forms 64-bit interface identifiers";
  return "";
}

std::optional<wire::PrefixInfo> slaac_prefix(const Walk& w, std::vector<std::string>& refusals) {
  for (const auto& p : w.ras)
    for (const auto& pi : p.as<wire::RouterAdvert>()->prefixes) {
      auto why = slaac_refusal(pi);
      if (why.empty()) return pi;
      refusals.push_back(why);
    }
  return std::nullopt;
}

std::string dhcp6_failure(const wire::Dhcp6Result& r) {
  if (r.outcome == "no-advertise") return "no DHCPv6 server answered the Solicit";
  if (r.outcome == "no-reply")
    return r.mode == "stateful" ? "the DHCPv6 server advertised but did not answer the Request"
                                : "no DHCPv6 server answered the Information-request";
  if (r.outcome == wire::kDhcp6EmptyAdvertise)
    return "the DHCPv6 server's Advertise offered no address and gave no status code (RFC 8415 §18.3.9 asks for "
           "NoAddrsAvail)";
  return "the DHCPv6 server answered with " + r.outcome;
}

constexpr const char* kCheckDhcp6 =
    "the DHCPv6 server on this network: is it running and does it know this host (OpenStack: the subnet's "
    "ipv6_address_mode and the port's fixed IP; the network's dnsmasq), and is UDP 546/547 let through";

struct Attempt {
  bool ok = false;
  std::string what, next;
};

Attempt try_slaac(Walk& w, const wire::PrefixInfo& pi) {
  auto rec = w.run("dad", wire::DadSpec{.prefix = pi.prefix.str(), .prefix_length = pi.length});
  if (rec.status != wire::RunStatus::ok) return {false, "not measured: dad could not run: " + rec.error, ""};
  const auto& dad = std::get<wire::DadResult>(rec.result);
  if (!dad.duplicate) {
    w.address = dad.address;
    return {true, "SLAAC address " + dad.address.str() + " from " + prefix_text(pi.prefix, pi.length) + " (DAD: unique)", ""};
  }
  const auto holder = dad.conflicts.empty() ? std::string("another host") : dad.conflicts.front().ctx.src_mac.str();
  return {false, "SLAAC address " + dad.address.str() + " is already in use on this link (DAD conflict, from " +
                     holder + ")",
          "who holds " + dad.address.str() + " (" + holder + "): another port with this MAC or a stale one"};
}

Attempt try_dhcp6_address(Walk& w) {
  auto rec = w.run("dhcp6", wire::Dhcp6Spec{.stateful = true});
  if (rec.status != wire::RunStatus::ok) return {false, "not measured: dhcp6 could not run: " + rec.error, ""};
  w.dhcp6 = std::get<wire::Dhcp6Result>(rec.result);
  if (w.dhcp6->address) {
    if (!w.address) w.address = w.dhcp6->address;
    return {true, "DHCPv6 address " + w.dhcp6->address->str(), ""};
  }
  return {false, "the RA sets M=1 (addresses from DHCPv6), but " + dhcp6_failure(*w.dhcp6), kCheckDhcp6};
}

DiagnosisStep address_step(Walk& w) {
  constexpr auto link = ChainLink::address;
  if (w.ras.empty()) return not_tried(link, "needs a router advertisement: it says how to form an address");
  std::vector<std::string> refusals;
  std::vector<Attempt> tries;
  if (auto pi = slaac_prefix(w, refusals)) tries.push_back(try_slaac(w, *pi));
  if (w.ra().managed) tries.push_back(try_dhcp6_address(w));
  if (tries.empty()) {
    const auto prefixes = refusals.empty() ? std::string("the RA carries no prefix information option")
                                           : "no prefix allows SLAAC (" + joined(refusals) + ")";
    return broken(link, "the RA offers no way to form an address: " + prefixes + ", and M=0 (no DHCPv6 addresses)",
                  "the router's prefix: a /64 with A=1 (OpenStack: a /64 subnet with ipv6_address_mode slaac or "
                  "dhcpv6-stateless), or M=1 with a DHCPv6 server (dhcpv6-stateful)");
  }
  std::vector<std::string> got, lost, next;
  for (const auto& t : tries) {
    (t.ok ? got : lost).push_back(t.what);
    if (!t.next.empty()) next.push_back(t.next);
  }
  if (!got.empty()) return holds(link, joined(got) + (lost.empty() ? "" : "; but " + joined(lost)));
  if (next.empty()) return not_tried(link, joined(lost));
  return broken(link, joined(lost), joined(next));
}

DiagnosisStep default_router_step(Walk& w) {
  constexpr auto link = ChainLink::default_router;
  if (w.ras.empty()) return not_tried(link, "needs a router advertisement");
  if (!w.router)
    return broken(link,
                  "every RA has router lifetime 0: the router says it is no default router (RFC 4861 §4.2), so the "
                  "host gets no default route",
                  "the router's RA: a router lifetime above 0 (radvd: AdvDefaultLifetime; OpenStack: the subnet's "
                  "gateway is the router's interface)");
  const auto router = w.router->ctx.src_ip;
  auto rec = w.run("nd-router", wire::NeighborSpec{.target = router.str()});
  if (rec.status != wire::RunStatus::ok) return not_measured(link, rec);
  const auto& n = std::get<wire::NeighborResult>(rec.result);
  if (n.na) {
    w.router_answers = true;
    return holds(link, "router " + router.str() + " (lifetime " +
                           std::to_string(w.router->as<wire::RouterAdvert>()->router_lifetime_s) +
                           " s) answers neighbour solicitations from " + n.na->ctx.src_mac.str());
  }
  return broken(link,
                "router " + router.str() + " advertised itself but did not answer " + std::to_string(n.ns_sent) +
                    " neighbour solicitations",
                "neighbour discovery between this port and the router: ICMPv6 types 135/136 let through (security "
                "groups, port security), the router's port up");
}

std::string echo_failure(const wire::EchoResult& e) {
  if (!e.errors.empty())
    return "echo requests to " + e.target.str() + " drew " + wire::describe(e.errors.front().msg) + " from " +
           e.errors.front().ctx.src_ip.str();
  return "none of " + std::to_string(e.sent) + " echo requests to " + e.target.str() + " was answered";
}

DiagnosisStep reachability_step(Walk& w) {
  constexpr auto link = ChainLink::reachability;
  if (!w.router_answers) return not_tried(link, "needs a default router that answers");
  if (w.o.target && !w.address) return not_tried(link, "needs an address to reach " + w.o.target->str() + " from");
  const auto target = w.o.target.value_or(w.router->ctx.src_ip);
  auto rec = w.run("echo", wire::EchoSpec{.target = target.str()});
  if (rec.status != wire::RunStatus::ok) return not_measured(link, rec);
  const auto& e = std::get<wire::EchoResult>(rec.result);
  if (!e.replies.empty())
    return holds(link, std::to_string(e.replies.size()) + " of " + std::to_string(e.sent) + " echo requests to " +
                           target.str() + " from " + e.source.str() + " answered");
  return broken(link, echo_failure(e),
                w.o.target ? "the path to " + target.str() + ": the router's routes, and ICMPv6 echo let through "
                                 "(security group rules) both ways"
                           : "does the router answer echo requests (ICMPv6 type 128/129 let through to and from "
                             "this port)?");
}

std::optional<wire::Ip6> advertised_resolver(const Walk& w) {
  for (const auto& p : w.ras)
    for (const auto& r : p.as<wire::RouterAdvert>()->rdnss)
      if (r.lifetime_s > 0 && !r.servers.empty()) return r.servers.front();
  if (w.dhcp6 && !w.dhcp6->dns_servers.empty()) return w.dhcp6->dns_servers.front();
  return std::nullopt;
}

std::string network_domain(const Walk& w) {
  for (const auto& p : w.ras)
    for (const auto& d : p.as<wire::RouterAdvert>()->dnssl)
      if (d.lifetime_s > 0 && !d.domains.empty()) return d.domains.front();
  if (w.dhcp6 && !w.dhcp6->domains.empty()) return w.dhcp6->domains.front();
  return "";
}

std::string no_resolver_reason(const Walk& w) {
  const auto& ra = w.ra();
  if (!ra.managed && !ra.other)
    return "no DNS server: the RA carries no RDNSS option and sets M=0 and O=0, so a host that uses SLAAC cannot "
           "learn one (RFC 8106; no DHCPv6 to ask)";
  const std::string flags = std::string("M=") + (ra.managed ? "1" : "0") + ", O=" + (ra.other ? "1" : "0");
  if (!w.dhcp6 || w.dhcp6->outcome != "ok")
    return "no DNS server: the RA carries no RDNSS option and sends the host to DHCPv6 (" + flags + "), but " +
           (w.dhcp6 ? dhcp6_failure(*w.dhcp6) : std::string("DHCPv6 could not run"));
  return "no DNS server: the RA carries no RDNSS option and DHCPv6 (" + flags +
         ") answered without a DNS server (option 23, RFC 3646)";
}

// The resolver's answer (RFC 1035 §4.1.1): any NOERROR or NXDOMAIN shows it resolves.
DiagnosisStep judge_answer(const wire::DnsResult& r) {
  constexpr auto link = ChainLink::resolver;
  const auto asked = "resolver " + r.server.str() + " asked for AAAA " + r.name;
  const char* check = "the resolver at that address: running, listening on IPv6, UDP 53 let through";
  if (!r.rcode) {
    if (!r.errors.empty())
      return broken(link, asked + ": the query drew " + wire::describe(r.errors.front().msg) + " from " +
                              r.errors.front().ctx.src_ip.str(), check);
    return broken(link, asked + ": no answer", check);
  }
  std::vector<std::string> addrs;
  for (const auto& a : r.aaaa) addrs.push_back(a.str());
  if (*r.rcode == kRcodeNoError)
    return holds(link, asked + ": " + (addrs.empty() ? "no AAAA record" : joined(addrs, ", ")));
  if (*r.rcode == kRcodeNxDomain) return holds(link, asked + ": the name does not exist (NXDOMAIN)");
  if (*r.rcode == kRcodeRefused)
    return broken(link, asked + ": REFUSED", "the resolver's access list: does it serve this host's addresses?");
  return broken(link, asked + ": rcode " + std::to_string(*r.rcode) + (*r.rcode == kRcodeServFail ? " (SERVFAIL)" : ""),
                "the resolver's own upstream servers and its access to them");
}

DiagnosisStep resolver_step(Walk& w) {
  constexpr auto link = ChainLink::resolver;
  if (w.ras.empty()) return not_tried(link, "needs a router advertisement: it says where a DNS server is learnt");
  if (!advertised_resolver(w) && w.ra().other && !w.dhcp6) {
    auto rec = w.run("dhcp6-stateless", wire::Dhcp6Spec{.stateful = false});
    if (rec.status != wire::RunStatus::ok) return not_measured(link, rec);
    w.dhcp6 = std::get<wire::Dhcp6Result>(rec.result);
  }
  const auto server = advertised_resolver(w);
  if (!server)
    return broken(link, no_resolver_reason(w),
                  "tell hosts the resolver: an RDNSS option in the RA, or O=1 with a DHCPv6 server that gives option "
                  "23 (OpenStack: the subnet's dns_nameservers and ipv6_address_mode dhcpv6-stateless or "
                  "dhcpv6-stateful)");
  const auto name = !w.o.name.empty() ? w.o.name : network_domain(w);
  if (name.empty())
    return not_tried(link,
                     "resolver " + server->str() + " is known but was not asked: no name was given and the network "
                     "names no domain (no DNSSL option, no DHCPv6 domain list)",
                     "run again with --name NAME");
  if (!server->is_link_local() && !w.address) return not_tried(link, "needs an address to ask " + server->str() + " from");
  auto rec = w.run("dns", wire::DnsSpec{.server = server->str(), .name = name});
  if (rec.status != wire::RunStatus::ok) return not_measured(link, rec);
  return judge_answer(std::get<wire::DnsResult>(rec.result));
}

}  // namespace

std::vector<DiagnosisStep> diagnose(Runner& runner, const DiagnoseOptions& o, const RecordSink& sink) {
  Walk w(runner, o, sink);
  std::vector<DiagnosisStep> steps;
  steps.push_back(router_advert_step(w));
  steps.push_back(address_step(w));
  steps.push_back(default_router_step(w));
  steps.push_back(reachability_step(w));
  steps.push_back(resolver_step(w));
  return steps;
}

const DiagnosisStep* first_broken(const std::vector<DiagnosisStep>& steps) {
  for (const auto& s : steps)
    if (s.state == LinkState::broken) return &s;
  return nullptr;
}

const char* link_name(ChainLink link) {
  switch (link) {
    case ChainLink::router_advert: return "router advertisement";
    case ChainLink::address: return "address";
    case ChainLink::default_router: return "default router";
    case ChainLink::reachability: return "reachability";
    case ChainLink::resolver: return "resolver";
  }
  return "?";
}

}  // namespace v6c::agent
