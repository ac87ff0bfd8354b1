// Router advertisement checks (RFC 4861 §4.2, §6.1.2, §6.2; RFC 8106; RFC 6105).
#include <algorithm>
#include <set>

#include "check_util.hpp"

namespace v6c::catalog {

namespace {

using namespace detail;
using wire::Packet;
using wire::RouterAdvert;

constexpr std::uint8_t kNdHopLimit = 255;         // RFC 4861 §6.1.2
constexpr std::uint8_t kRaCode = 0;               // RFC 4861 §6.1.2
constexpr std::size_t kNeutronMaxRdnss = 3;       // radvd's RDNSS takes at most 3 servers (Neutron)
constexpr std::string_view kDiscover = proc::kDiscover;
constexpr double kUsPerMs = 1000.0;

// What a VM saw instead of a router RA: nothing, or only other routers' RAs.
std::string no_router_ra(const CheckInput& in, const wire::DiscoverResult& d) {
  const auto others = std::count_if(d.ras.begin(), d.ras.end(), [](const Packet& p) { return p.as<RouterAdvert>(); });
  if (others == 0 || !in.network->router_port) return "no RA received";
  return "no RA from the router " + in.network->router_port->mac.str() + " (" + std::to_string(others) +
         " from other sources)";
}

// Runs `judge` on every router RA a VM saw; none is an ERROR (nothing of the router's to judge).
Outcome each_ra(const CheckInput& in, const std::function<Outcome(const HostObservations&, const Packet&)>& judge) {
  return for_each_host(in, [&](const HostObservations& h) {
    auto found = find_result<wire::DiscoverResult>(h, kDiscover);
    if (!found.result) return found.problem;
    auto ras = router_ras(in, *found.result);
    if (ras.empty())
      return error(host_name(h) + ": " + no_router_ra(in, *found.result) + ", nothing to judge (see ra-answered)");
    std::vector<Outcome> parts;
    for (const auto* p : ras) parts.push_back(on_host(h, judge(h, *p)));
    return combine(std::move(parts));
  });
}

Outcome ra_answered(const CheckInput& in) {
  const auto bound_ms = int_param(in, "bound_ms");
  const auto& router = in.network->router_port;
  const std::string expected = "an RA" + (router ? " from the router " + router->mac.str() : std::string()) +
                               " within " + std::to_string(bound_ms) + " ms of the RS";
  return for_each_host(in, [&](const HostObservations& h) {
    auto found = find_result<wire::DiscoverResult>(h, kDiscover);
    if (!found.result) return found.problem;
    const auto& d = *found.result;
    if (d.sent.empty()) return error(host_name(h) + ": no RS was sent");
    // Only an RA that arrived after the RS answers it: one already on its way (a periodic RA
    // queued before the send) says nothing about the router's answer.
    const auto rs_time = d.sent.front().ctx.time_us;
    const auto from_router = router_ras(in, d);
    auto ras = from_router;
    std::erase_if(ras, [&](const Packet* p) { return p->ctx.time_us < rs_time; });
    if (ras.empty()) {
      const std::string actual =
          (from_router.empty() ? no_router_ra(in, d)
                               : std::to_string(from_router.size()) + " router RA(s), all captured before the RS") +
          ", none answering it in the " + std::to_string(d.window_ms) + " ms window";
      return on_host(h, fail(expected, actual,
                             {note_evidence(h, kDiscover, std::to_string(d.sent.size()) + " RS sent, " + actual)}));
    }
    // The agent timed the first RA of all; a later one is timed by its capture against the RS.
    const Packet& first = *ras.front();
    const double ms = &first == &d.ras.front() && d.first_ra_ms
                          ? *d.first_ra_ms
                          : static_cast<double>(first.ctx.time_us - rs_time) / kUsPerMs;
    auto ev = packet_evidence(h, kDiscover, first, "first RA after " + std::to_string(ms) + " ms", "RFC 4861 §6.2.6");
    std::string actual = "first RA after " + std::to_string(static_cast<long long>(ms)) + " ms";
    if (ms > static_cast<double>(bound_ms)) return on_host(h, fail(expected, actual, {ev}));
    return on_host(h, pass(expected, actual, {ev}));
  });
}

Outcome ra_valid(const CheckInput& in) {
  const std::string expected = "link-local source, hop limit 255, code 0, checksum valid, not fragmented";
  return each_ra(in, [&](const HostObservations& h, const Packet& p) {
    const auto& ra = *p.as<RouterAdvert>();
    std::vector<std::string> wrong;
    if (!p.ctx.src_ip.is_link_local()) wrong.push_back("source " + p.ctx.src_ip.str() + " is not link-local");
    if (p.ctx.hop_limit != kNdHopLimit) wrong.push_back("hop limit " + std::to_string(p.ctx.hop_limit));
    if (ra.code != kRaCode) wrong.push_back("code " + std::to_string(ra.code));
    if (!p.ctx.checksum_ok) wrong.push_back("bad checksum");
    if (p.ctx.fragmented) wrong.push_back("fragmented (RFC 6980)");
    if (wrong.empty()) return pass(expected, "valid", {packet_evidence(h, kDiscover, p, "RA valid", "RFC 4861 §6.1.2")});
    std::string actual;
    for (const auto& w : wrong) actual += (actual.empty() ? "" : ", ") + w;
    return fail(expected, actual, {packet_evidence(h, kDiscover, p, "RA invalid: " + actual, "RFC 4861 §6.1.2")});
  });
}

Outcome ra_flags(const CheckInput& in) {
  const auto& mode = in.network->subnet.mode;
  const bool want_m = mode == Mode::dhcpv6_stateful;
  const bool want_o = mode == Mode::dhcpv6_stateless;
  auto flags = [](bool m, bool o) { return "M=" + std::to_string(m) + " O=" + std::to_string(o); };
  const std::string expected = flags(want_m, want_o) + " for " + mode_name(mode);
  return each_ra(in, [&](const HostObservations& h, const Packet& p) {
    const auto& ra = *p.as<RouterAdvert>();
    const std::string actual = flags(ra.managed, ra.other);
    auto ev = packet_evidence(h, kDiscover, p, "RA " + actual + ", subnet " + mode_name(mode), "Neutron address modes");
    if (ra.managed == want_m && ra.other == want_o) return pass(expected, actual, {ev});
    return fail(expected, actual, {ev});
  });
}

std::string lifetime_text(std::uint32_t s) {
  return s == wire::kInfiniteLifetime ? "infinite" : std::to_string(s);
}

Outcome ra_prefix(const CheckInput& in) {
  const auto& subnet = in.network->subnet;
  const auto want_length = int_param(in, "prefix_length");
  const bool want_a = forms_slaac(subnet.mode);
  const std::string expected = "PIO " + subnet.prefix.str() + "/" + std::to_string(want_length) + " L=1 A=" +
                               std::to_string(want_a) + ", valid >= preferred > 0";
  return each_ra(in, [&](const HostObservations& h, const Packet& p) {
    const auto& ra = *p.as<RouterAdvert>();
    const wire::PrefixInfo* pio = nullptr;
    for (const auto& candidate : ra.prefixes)
      if (same_prefix(candidate.prefix, subnet.prefix, subnet.prefix_length)) pio = &candidate;
    if (!pio)
      return fail(expected, "no PIO for the subnet's prefix (" + std::to_string(ra.prefixes.size()) + " PIOs)",
                  {packet_evidence(h, kDiscover, p, "RA without the subnet's prefix", "RFC 4861 §4.6.2")});
    const std::string actual = "PIO " + pio->prefix.str() + "/" + std::to_string(pio->length) + " L=" +
                               std::to_string(pio->on_link) + " A=" + std::to_string(pio->autonomous) + " valid " +
                               lifetime_text(pio->valid_s) + " preferred " + lifetime_text(pio->preferred_s);
    const bool ok = pio->length == want_length && pio->on_link && pio->autonomous == want_a &&
                    pio->valid_s >= pio->preferred_s && pio->preferred_s > 0;
    auto ev = packet_evidence(h, kDiscover, p, actual, "RFC 4861 §4.6.2, RFC 4862 §5.5.3");
    return ok ? pass(expected, actual, {ev}) : fail(expected, actual, {ev});
  });
}

Outcome ra_router_lifetime(const CheckInput& in) {
  const auto max_s = int_param(in, "max_s");
  const std::string expected = "0 < router lifetime <= " + std::to_string(max_s) + " s";
  return each_ra(in, [&](const HostObservations& h, const Packet& p) {
    const auto lifetime = p.as<RouterAdvert>()->router_lifetime_s;
    const std::string actual = "router lifetime " + std::to_string(lifetime) + " s";
    auto ev = packet_evidence(h, kDiscover, p, actual, "RFC 4861 §4.2, RFC 8319");
    return lifetime > 0 && lifetime <= max_s ? pass(expected, actual, {ev}) : fail(expected, actual, {ev});
  });
}

Outcome ra_mtu(const CheckInput& in) {
  const auto net_mtu = in.network->mtu;
  const auto min_mtu = int_param(in, "min_mtu");
  const std::string expected = "MTU option " + std::to_string(net_mtu) + " (the network's MTU, >= " +
                               std::to_string(min_mtu) + ")";
  return each_ra(in, [&](const HostObservations& h, const Packet& p) {
    const auto& mtu = p.as<RouterAdvert>()->mtu;
    if (!mtu)
      return fail(expected, "no MTU option",
                  {packet_evidence(h, kDiscover, p, "RA without MTU option, network MTU " + std::to_string(net_mtu),
                                   "RFC 4861 §4.6.4")});
    const std::string actual = "MTU option " + std::to_string(*mtu);
    auto ev = packet_evidence(h, kDiscover, p, "RA MTU option " + std::to_string(*mtu) + ", network MTU " +
                                                   std::to_string(net_mtu), "RFC 4861 §4.6.4");
    return *mtu == net_mtu && *mtu >= min_mtu ? pass(expected, actual, {ev}) : fail(expected, actual, {ev});
  });
}

Outcome ra_rdnss(const CheckInput& in) {
  const auto& subnet = in.network->subnet;
  if (subnet.mode != Mode::slaac) return skip("subnet mode " + mode_name(subnet.mode) + ": DNS servers come from DHCPv6, not RDNSS");
  if (subnet.dns_servers.empty()) return skip("the subnet has no dns_nameservers to advertise");
  const auto interval_s = in.facts.max_rtr_adv_interval_s.value_or(
      static_cast<std::uint32_t>(int_param(in, "default_max_rtr_adv_interval_s")));
  const auto min_lifetime = static_cast<std::uint64_t>(number_param(in, "lifetime_factor") * interval_s);
  std::vector<wire::Ip6> want(subnet.dns_servers.begin(),
                              subnet.dns_servers.begin() + std::min(subnet.dns_servers.size(), kNeutronMaxRdnss));
  std::string want_text;
  for (const auto& a : want) want_text += (want_text.empty() ? "" : ", ") + a.str();
  const std::string expected = "RDNSS " + want_text + ", lifetime >= " + std::to_string(min_lifetime) +
                               " s or infinite";
  return each_ra(in, [&](const HostObservations& h, const Packet& p) {
    const auto& ra = *p.as<RouterAdvert>();
    if (ra.rdnss.empty())
      return fail(expected, "no RDNSS option",
                  {packet_evidence(h, kDiscover, p, "RA without RDNSS (backend " + in.facts.backend + ")", "RFC 8106")});
    std::set<wire::Ip6> advertised;
    std::uint32_t shortest = wire::kInfiniteLifetime;
    for (const auto& r : ra.rdnss) {
      advertised.insert(r.servers.begin(), r.servers.end());
      shortest = std::min(shortest, r.lifetime_s);
    }
    std::string actual = "RDNSS";
    for (const auto& a : advertised) actual += " " + a.str();
    actual += ", lifetime " + lifetime_text(shortest);
    bool all = std::all_of(want.begin(), want.end(), [&](const wire::Ip6& a) { return advertised.contains(a); });
    bool long_enough = shortest == wire::kInfiniteLifetime || shortest >= min_lifetime;
    auto ev = packet_evidence(h, kDiscover, p, actual, "RFC 8106 §5.1");
    return all && long_enough ? pass(expected, actual, {ev}) : fail(expected, actual, {ev});
  });
}

Outcome ra_sllao(const CheckInput& in) {
  if (!in.network->router_port) return not_measured("the router port's MAC is not known");
  const auto mac = in.network->router_port->mac;
  const std::string expected = "source link-layer option " + mac.str();
  return each_ra(in, [&](const HostObservations& h, const Packet& p) {
    const auto& lla = p.as<RouterAdvert>()->source_lla;
    const std::string actual = lla ? "source link-layer option " + lla->str() : "no source link-layer option";
    auto ev = packet_evidence(h, kDiscover, p, actual + ", router port " + mac.str(), "RFC 4861 §4.6.1");
    return lla == mac ? pass(expected, actual, {ev}) : fail(expected, actual, {ev});
  });
}

// What a VM listened to for other routers: the discover window after its RS, and the passive
// listen of the slow section when it ran. A router that neither answers RSs nor advertises
// within that time goes unseen: the verdict says how long was listened.
Outcome ra_single_router(const CheckInput& in) {
  const auto& router = in.network->router_port;
  const std::string expected =
      router ? "RAs only from the router port " + router->mac.str() : "RAs from a single router";
  return for_each_host(in, [&](const HostObservations& h) {
    auto found = find_result<wire::DiscoverResult>(h, kDiscover);
    if (!found.result) return found.problem;
    std::vector<std::pair<std::string_view, const wire::DiscoverResult*>> listens = {{kDiscover, found.result}};
    if (auto passive = find_result<wire::DiscoverResult>(h, proc::kDiscoverPassive); passive.result)
      listens.emplace_back(proc::kDiscoverPassive, passive.result);
    std::set<std::pair<wire::Mac, wire::Ip6>> sources;
    std::vector<Evidence> strangers, all;
    std::uint32_t listened_ms = 0;
    for (const auto& [procedure, d] : listens) {
      listened_ms += d->window_ms;
      for (const auto& p : d->ras) {
        if (!p.as<RouterAdvert>()) continue;
        sources.insert({p.ctx.src_mac, p.ctx.src_ip});
        auto ev = packet_evidence(h, procedure, p, "RA from " + p.ctx.src_mac.str(), "RFC 6105");
        if (router && p.ctx.src_mac != router->mac) strangers.push_back(ev);
        all.push_back(ev);
      }
    }
    if (sources.empty()) return error(host_name(h) + ": no RA received, nothing to judge (see ra-answered)");
    std::string actual = "listened " + std::to_string(listened_ms) + " ms: " +
                         std::to_string(sources.size()) + " advertising source(s):";
    for (const auto& [mac, ip] : sources) actual += " " + ip.str() + " (" + mac.str() + ")";
    if (!strangers.empty() || (!router && sources.size() > 1))
      return on_host(h, fail(expected, actual, router ? strangers : all));
    return on_host(h, pass(expected, actual, {all.front()}));
  });
}

// RFC 4861 §6.2.6: a router may answer an RS with a multicast RA, up to MAX_RA_DELAY_TIME
// (0.5 s) after it, or MIN_DELAY_BETWEEN_RAS (3 s) after its previous multicast RA.
constexpr std::int64_t kMulticastAnswerUs = 3'500'000;

bool may_answer_an_rs(const wire::DiscoverResult& d, const Packet& ra) {
  return std::any_of(d.others_rs_us.begin(), d.others_rs_us.end(), [&](std::int64_t rs_us) {
    return rs_us <= ra.ctx.time_us && ra.ctx.time_us - rs_us <= kMulticastAnswerUs;
  });
}

Outcome ra_periodic(const CheckInput& in) {
  const auto interval_s = in.facts.max_rtr_adv_interval_s.value_or(
      static_cast<std::uint32_t>(int_param(in, "default_max_rtr_adv_interval_s")));
  const std::string expected =
      "an unsolicited multicast RA from the router within MaxRtrAdvInterval (" + std::to_string(interval_s) + " s)";
  return for_each_host(in, [&](const HostObservations& h) {
    auto found = find_result<wire::DiscoverResult>(h, proc::kDiscoverPassive);
    if (!found.result) return found.problem;
    const auto& d = *found.result;
    std::size_t maybe_answers = 0;
    for (const auto* ra : router_ras(in, d)) {
      const auto& p = *ra;
      if (p.ctx.dst_ip != wire::kAllNodes) continue;  // a unicast RA answers someone's RS
      if (may_answer_an_rs(d, p)) {
        ++maybe_answers;
        continue;
      }
      const double after_s = (p.ctx.time_us - found.record->started_us) / 1e6;
      const std::string actual = "unsolicited RA after " + std::to_string(static_cast<long long>(after_s)) + " s";
      auto ev = packet_evidence(h, proc::kDiscoverPassive, p, actual, "RFC 4861 §6.2.1");
      return on_host(h, after_s <= interval_s ? pass(expected, actual, {ev}) : fail(expected, actual, {ev}));
    }
    if (maybe_answers > 0)
      return on_host(h, not_measured(std::to_string(maybe_answers) + " multicast RA(s) from the router, each within 3.5 s of "
                                     "another host's RS, so each may answer it (RFC 4861 §6.2.6); none came clear of one"));
    return on_host(h, fail(expected, "no unsolicited RA from the router in " + std::to_string(d.window_ms / 1000) + " s",
                           {note_evidence(h, proc::kDiscoverPassive,
                                          "listened passively, no RA to ff02::1 from the router")}));
  });
}

}  // namespace

std::vector<CheckSpec> ra_checks() {
  using T = ParamType;
  const std::string reads = "discover (RS, then every RA in the window)";
  // RFC 4861 §6.2.1: MaxRtrAdvInterval is 4..1800 s.
  const ParamSpec max_interval{"default_max_rtr_adv_interval_s", T::integer, 600,
                               "MaxRtrAdvInterval when the facts do not say", 4, 1800};
  return {
      {"ra_answered", false, {{"bound_ms", T::integer, 2000, "longest time from RS to the first RA", 1}}, reads,
       ra_answered},
      {"ra_valid", false, {}, reads, ra_valid},
      {"ra_flags", false, {}, reads, ra_flags},
      {"ra_prefix", false, {{"prefix_length", T::integer, 64, "required PIO length", 1, 128}}, reads, ra_prefix},
      {"ra_router_lifetime", false,
       {{"max_s", T::integer, 65535, "largest router lifetime allowed (RFC 8319)", 1, 65535}}, reads,
       ra_router_lifetime},
      {"ra_mtu", false, {{"min_mtu", T::integer, 1280, "smallest MTU allowed (RFC 8200 §5)", 1280}}, reads, ra_mtu},
      {"ra_rdnss",
       false,
       // Below 1 the servers would expire between two RAs.
       {{"lifetime_factor", T::number, 3, "RDNSS lifetime >= factor x MaxRtrAdvInterval (RFC 8106 §5.1)", 1},
        max_interval},
       reads, ra_rdnss},
      {"ra_sllao", false, {}, reads, ra_sllao},
      {"ra_single_router", false, {}, reads, ra_single_router},
      {"ra_periodic", false, {max_interval}, "discover-passive (listen only, for MaxRtrAdvInterval)", ra_periodic},
  };
}

}  // namespace v6c::catalog
