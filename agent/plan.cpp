#include "plan.hpp"

#include <thread>

#include "v6c/probe/procedures.hpp"

namespace v6c::agent {
namespace {

using std::chrono::milliseconds;

bool in_prefix(const wire::Ip6& a, const wire::Ip6& prefix, unsigned len) { return a.prefix(len) == prefix.prefix(len); }

}  // namespace

void Runner::wait_for_answer(const probe::EchoOptions& o, milliseconds patience) {
  if (patience.count() <= 0) return;
  const auto deadline = probe::Clock::now() + patience;
  probe::EchoOptions one = o;
  one.count = 1;
  const auto next_hop = o.gateway.value_or(o.target);
  while (probe::Clock::now() < deadline && !(stop_ && *stop_)) {
    const auto tried = probe::Clock::now();
    try {
      auto r = probe::echo(link_, one);
      // Only a reply counts: "address unreachable" from the router means the peer is not up yet.
      if (!r.replies.empty()) return;
    } catch (const probe::LinkError&) {
      throw;  // the link itself failed, not the peer
    } catch (const std::runtime_error&) {
      link_.forget_neighbor(next_hop);  // no neighbour advertisement yet: ask again next time
    }
    // Not asleep until the next try: receiving answers our own peers' NS and echoes, and two
    // VMs that wait for each other must not both be deaf while they wait.
    const auto next = std::min(deadline, tried + kPatienceStep);
    while (link_.receive(next)) {
    }
  }
}

void validate_plan(const wire::Plan& plan) {
  // An attack's permission and the plan's interface must agree: a plan cannot name one
  // interface and permit attacks on another (probe::attack then checks the link itself).
  // No permission (an empty interface) is no conflict: probe::attack refuses to send.
  for (const auto& p : plan.procedures) {
    const auto* a = std::get_if<wire::AttackSpec>(&p.spec);
    if (!a || plan.interface.empty() || a->attack.allowed_interface.empty()) continue;
    if (a->attack.allowed_interface != plan.interface)
      throw PlanError("procedure '" + p.id + "' permits attacks on \"" + a->attack.allowed_interface +
                      "\", but the plan's interface is \"" + plan.interface + "\"");
  }
}

std::optional<wire::Ip6> Runner::resolve(const std::optional<wire::PlanAddress>& a) {
  if (!a) return std::nullopt;
  return resolve(*a);
}

wire::Ip6 Runner::resolve(const wire::PlanAddress& v) {
  namespace sym = wire::sym;
  if (v.empty() || v[0] != '@') {
    auto a = wire::Ip6::parse(v);
    if (!a) throw PlanError("not an IPv6 address: " + v);
    return *a;
  }
  auto need = [&](const std::optional<wire::Ip6>& a, const char* what) -> wire::Ip6 {
    if (!a) throw probe::LinkError(probe::LinkError::Kind::other, v + " is unknown: " + what);
    return *a;
  };
  if (v == sym::kRaRouter)
    return need(state_.first_ra ? std::optional(state_.first_ra->ctx.src_ip) : std::nullopt, "no RA was received");
  if (v == sym::kRaPrefix) {
    if (state_.first_ra)
      for (const auto& p : state_.first_ra->as<wire::RouterAdvert>()->prefixes)
        if (p.autonomous) return p.prefix;
    return need(std::nullopt, "no RA with an autonomous prefix was received");
  }
  if (v == sym::kSlaac) return need(state_.slaac, "no SLAAC address was formed");
  if (v == sym::kDhcp6) return need(state_.dhcp6, "no address was leased by DHCPv6");
  if (v == sym::kGlobal) return need(state_.slaac ? state_.slaac : state_.dhcp6, "no global address was formed or leased");
  if (v == sym::kRdnss) return need(state_.rdnss, "no RDNSS option was received");
  if (v == sym::kDhcp6Dns) return need(state_.dhcp6_dns, "DHCPv6 gave no DNS server");
  if (v == sym::kDns) return need(state_.rdnss ? state_.rdnss : state_.dhcp6_dns, "neither RA nor DHCPv6 named a DNS server");
  throw PlanError("unknown symbolic value " + v);
}

// Off-link targets go through a router: the plan's gateway, else the RA's sender.
std::optional<wire::Ip6> Runner::gateway_for(const wire::Ip6& target, const std::optional<wire::PlanAddress>& gateway) {
  if (auto g = resolve(gateway)) return g;
  if (target.is_link_local() || target.is_multicast()) return std::nullopt;
  for (const auto& [prefix, len] : state_.on_link)
    if (in_prefix(target, prefix, len)) return std::nullopt;
  if (state_.first_ra) return state_.first_ra->ctx.src_ip;
  return std::nullopt;
}

wire::Ip6 Runner::source_for(const wire::Ip6& target, const std::optional<wire::PlanAddress>& source) {
  if (auto s = resolve(source)) return *s;
  if (target.is_link_local() || target.is_multicast()) return link_.link_local();
  if (state_.slaac) return *state_.slaac;
  if (state_.dhcp6) return *state_.dhcp6;
  return link_.link_local();
}

void Runner::learn(const wire::ProcedureResult& r) {
  if (const auto* d = std::get_if<wire::DiscoverResult>(&r)) {
    for (const auto& p : d->ras) {
      const auto* ra = p.as<wire::RouterAdvert>();
      if (!state_.first_ra && ra->router_lifetime_s > 0) state_.first_ra = p;
      for (const auto& pi : ra->prefixes)
        if (pi.on_link) state_.on_link.emplace_back(pi.prefix, pi.length);
      if (!state_.rdnss)
        for (const auto& rd : ra->rdnss)
          if (!rd.servers.empty()) state_.rdnss = rd.servers.front();
    }
    if (!state_.first_ra && !d->ras.empty()) state_.first_ra = d->ras.front();
  } else if (const auto* dad = std::get_if<wire::DadResult>(&r)) {
    if (!dad->duplicate) state_.slaac = dad->address;
  } else if (const auto* dh = std::get_if<wire::Dhcp6Result>(&r)) {
    if (dh->address) {
      state_.dhcp6 = dh->address;
      link_.own(*dh->address);
    }
    if (!dh->dns_servers.empty()) state_.dhcp6_dns = dh->dns_servers.front();
  }
}

// The options of the probes, from the plan's structs: milliseconds become durations, plan
// addresses become addresses.
wire::ProcedureResult Runner::execute(const wire::DiscoverSpec& s) {
  return probe::discover(link_, {.passive = s.passive,
                                 .window = milliseconds(s.window_ms),
                                 .rs_count = s.rs_count,
                                 .rs_interval = milliseconds(s.rs_interval_ms),
                                 .stop_at_first = s.stop_at_first,
                                 .settle = milliseconds(s.settle_ms)});
}

wire::ProcedureResult Runner::execute(const wire::DadSpec& s) {
  return probe::dad(link_, {.prefix = resolve(s.prefix),
                            .prefix_length = s.prefix_length,
                            .transmits = s.transmits,
                            .retrans = milliseconds(s.retrans_ms)});
}

wire::ProcedureResult Runner::execute(const wire::Dhcp6Spec& s) {
  return probe::dhcp6(link_, {.stateful = s.stateful, .timeout = milliseconds(s.timeout_ms), .retries = s.retries});
}

wire::ProcedureResult Runner::execute(const wire::NeighborSpec& s) {
  return probe::neighbor(link_, {.target = resolve(s.target),
                                 .source = resolve(s.source),
                                 .timeout = milliseconds(s.timeout_ms),
                                 .attempts = s.attempts});
}

wire::ProcedureResult Runner::execute(const wire::EchoSpec& s) {
  probe::EchoOptions o;
  o.target = resolve(s.target);
  o.source = source_for(o.target, s.source);
  o.gateway = gateway_for(o.target, s.gateway);
  o.size = s.size;
  o.hop_limit = s.hop_limit;
  o.count = s.count;
  o.interval = milliseconds(s.interval_ms);
  o.timeout = milliseconds(s.timeout_ms);
  o.retry_after = milliseconds(s.retry_after_ms);
  const auto patience = milliseconds(s.patience_ms);
  if (patience.count() > 0) o.error_answers = false;  // a peer VM: only its reply answers
  wait_for_answer(o, patience);
  return probe::echo(link_, o);
}

wire::ProcedureResult Runner::execute(const wire::PmtuSpec& s) {
  probe::PmtuOptions o;
  o.echo.target = resolve(s.target);
  o.echo.source = source_for(o.echo.target, s.source);
  o.echo.gateway = gateway_for(o.echo.target, s.gateway);
  o.echo.timeout = milliseconds(s.timeout_ms);
  o.sizes = s.sizes;
  if (o.sizes.empty()) o.sizes = {wire::kMinIpv6Mtu, link_.mtu()};
  return probe::pmtu(link_, o);
}

wire::ProcedureResult Runner::execute(const wire::DnsSpec& s) {
  probe::DnsOptions o;
  o.server = resolve(s.server);
  o.name = s.name;
  o.source = source_for(o.server, s.source);
  o.gateway = gateway_for(o.server, s.gateway);
  o.timeout = milliseconds(s.timeout_ms);
  return probe::dns_aaaa(link_, o);
}

wire::ProcedureResult Runner::execute(const wire::AdvertiseSpec& s) {
  probe::AdvertiseOptions o;
  o.ra = s.ra;
  o.interval = milliseconds(s.interval_ms);
  o.duration = milliseconds(s.duration_ms);
  o.answer_rs = s.answer_rs;
  o.answer_delay = milliseconds(s.answer_delay_ms);
  o.add_source_lla = s.add_source_lla;
  o.stop = stop_;
  if (o.duration.count() == 0 && !stop_) throw PlanError("advertise without duration_ms needs a stop signal");
  return probe::advertise(link_, o);
}

wire::ProcedureResult Runner::execute(const wire::AttackSpec& s) {
  // Safety (docs/security.md): attack frames only with the plan's explicit permission
  // naming this very interface; probe::attack refuses otherwise.
  probe::AttackOptions o;
  o.allowed_interface = s.attack.allowed_interface;
  o.attacks = s.attacks;
  o.parties.victim_mac = s.victim_mac;
  o.parties.victim_link_local = resolve(s.victim_link_local).value_or(wire::link_local_of(s.victim_mac));
  o.parties.victim_address = resolve(s.victim_address);
  o.parties.attacker_address = resolve(s.source);
  o.parties.gateway = resolve(s.gateway);
  o.parties.spoofed_source = resolve(s.spoofed_source);
  o.count = s.count;
  o.wait = milliseconds(s.wait_ms);
  return probe::attack(link_, o);
}

wire::ProcedureResult Runner::execute(const wire::VictimSpec& s) {
  probe::VictimOptions o;
  o.parties.attacker_mac = s.attacker_mac;
  o.parties.attacker_link_local = resolve(s.attacker_link_local).value_or(wire::link_local_of(s.attacker_mac));
  o.parties.attacker_address = resolve(s.attacker_address);
  o.parties.victim_address = resolve(s.address);
  o.parties.gateway = resolve(s.gateway);
  o.listen = milliseconds(s.listen_ms);
  o.linger = milliseconds(s.linger_ms);
  o.ra_wait = milliseconds(s.ra_wait_ms);
  return probe::victim(link_, o);
}

wire::ProcedureRecord Runner::run(const wire::Procedure& p) {
  wire::ProcedureRecord rec;
  rec.kind = p.kind();
  rec.id = p.id.empty() ? rec.kind : p.id;
  rec.started_us = probe::Link::now_us();
  auto start = probe::Clock::now();
  try {
    rec.result = std::visit([&](const auto& s) { return execute(s); }, p.spec);
    rec.status = wire::RunStatus::ok;
    learn(rec.result);
  } catch (const PlanError&) {
    throw;
  } catch (const std::exception& e) {
    rec.status = wire::RunStatus::error;
    rec.error = e.what();
  }
  rec.duration_ms = std::chrono::duration<double, std::milli>(probe::Clock::now() - start).count();
  return rec;
}

}  // namespace v6c::agent
