#include "plan.hpp"

#include <set>
#include <thread>

#include "v6c/probe/procedures.hpp"
#include "v6c/wire/json.hpp"

namespace v6c::agent {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

const std::set<std::string> kKinds = {"discover", "dad", "dhcp6", "neighbor", "echo", "pmtu", "dns", "advertise",
                                      "attack", "victim"};

template <class T>
T param(const json& spec, const char* key, T fallback) {
  if (!spec.contains(key)) return fallback;
  try {
    return spec.at(key).get<T>();
  } catch (const json::exception&) {
    throw PlanError("procedure '" + spec.value("id", "?") + "': parameter '" + key + "' has the wrong type");
  }
}

bool in_prefix(const wire::Ip6& a, const wire::Ip6& prefix, unsigned len) { return a.prefix(len) == prefix.prefix(len); }

wire::Mac mac_param(const json& spec, const char* key) {
  auto text = param(spec, key, std::string());
  auto mac = wire::Mac::parse(text);
  if (!mac) throw PlanError("procedure '" + spec.value("id", "?") + "' needs parameter '" + key + "' (a MAC address)");
  return *mac;
}

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

void validate_plan(const json& plan) {
  if (!plan.is_object()) throw PlanError("a plan is a JSON object");
  if (plan.value("schema", "") != kPlanSchema)
    throw PlanError(std::string("plan schema must be \"") + kPlanSchema + "\"");
  if (!plan.contains("procedures") || !plan["procedures"].is_array())
    throw PlanError("a plan needs a \"procedures\" array");
  std::set<std::string> ids;
  for (const auto& p : plan["procedures"]) {
    if (!p.is_object() || !p.contains("kind") || !p["kind"].is_string())
      throw PlanError("every procedure needs a \"kind\"");
    auto kind = p["kind"].get<std::string>();
    if (!kKinds.count(kind)) throw PlanError("unknown procedure kind \"" + kind + "\"");
    auto id = p.value("id", kind);
    if (!ids.insert(id).second) throw PlanError("duplicate procedure id \"" + id + "\"");
    // An attack's permission and the plan's interface must agree: a plan cannot name one
    // interface and permit attacks on another (probe::attack then checks the link itself).
    if (kind == "attack" && plan.contains("interface") && p.contains("attack") && p["attack"].is_object() &&
        p["attack"].value("allowed_interface", "") != plan.value("interface", ""))
      throw PlanError("procedure '" + id + "' permits attacks on \"" + p["attack"].value("allowed_interface", "") +
                      "\", but the plan's interface is \"" + plan.value("interface", "") + "\"");
  }
}

std::optional<wire::Ip6> Runner::resolve_opt(const json& spec, const char* key) {
  if (!spec.contains(key)) return std::nullopt;
  if (!spec[key].is_string()) throw PlanError(std::string("parameter '") + key + "' must be a string");
  auto v = spec[key].get<std::string>();
  if (v.empty() || v[0] != '@') {
    auto a = wire::Ip6::parse(v);
    if (!a) throw PlanError(std::string("parameter '") + key + "': not an IPv6 address: " + v);
    return a;
  }
  auto need = [&](const std::optional<wire::Ip6>& a, const char* what) -> wire::Ip6 {
    if (!a) throw probe::LinkError(probe::LinkError::Kind::other, v + " is unknown: " + what);
    return *a;
  };
  if (v == "@ra-router") return need(state_.first_ra ? std::optional(state_.first_ra->ctx.src_ip) : std::nullopt,
                                     "no RA was received");
  if (v == "@ra-prefix") {
    if (state_.first_ra)
      for (const auto& p : state_.first_ra->as<wire::RouterAdvert>()->prefixes)
        if (p.autonomous) return p.prefix;
    return need(std::nullopt, "no RA with an autonomous prefix was received");
  }
  if (v == "@slaac") return need(state_.slaac, "no SLAAC address was formed");
  if (v == "@dhcp6") return need(state_.dhcp6, "no address was leased by DHCPv6");
  if (v == "@global") return need(state_.slaac ? state_.slaac : state_.dhcp6, "no global address was formed or leased");
  if (v == "@rdnss") return need(state_.rdnss, "no RDNSS option was received");
  if (v == "@dhcp6-dns") return need(state_.dhcp6_dns, "DHCPv6 gave no DNS server");
  if (v == "@dns") return need(state_.rdnss ? state_.rdnss : state_.dhcp6_dns, "neither RA nor DHCPv6 named a DNS server");
  throw PlanError("unknown symbolic value " + v);
}

wire::Ip6 Runner::resolve(const json& spec, const char* key) {
  auto a = resolve_opt(spec, key);
  if (!a) throw PlanError("procedure '" + spec.value("id", "?") + "' needs parameter '" + key + "'");
  return *a;
}

// Off-link targets go through a router: the plan's gateway, else the RA's sender.
std::optional<wire::Ip6> Runner::gateway_for(const wire::Ip6& target, const json& spec) {
  if (auto g = resolve_opt(spec, "gateway")) return g;
  if (target.is_link_local() || target.is_multicast()) return std::nullopt;
  for (const auto& [prefix, len] : state_.on_link)
    if (in_prefix(target, prefix, len)) return std::nullopt;
  if (state_.first_ra) return state_.first_ra->ctx.src_ip;
  return std::nullopt;
}

wire::Ip6 Runner::source_for(const wire::Ip6& target, const json& spec) {
  if (auto s = resolve_opt(spec, "source")) return *s;
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

wire::ProcedureRecord Runner::run(const json& spec) {
  wire::ProcedureRecord rec;
  rec.kind = spec.at("kind").get<std::string>();
  rec.id = spec.value("id", rec.kind);
  rec.started_us = probe::Link::now_us();
  auto start = probe::Clock::now();
  try {
    if (rec.kind == "discover") {
      probe::DiscoverOptions o;
      o.passive = param(spec, "passive", false);
      o.window = milliseconds(param(spec, "window_ms", 1500));
      o.rs_count = param(spec, "rs_count", 1);
      o.rs_interval = milliseconds(param(spec, "rs_interval_ms", 1000));
      o.stop_at_first = param(spec, "stop_at_first", false);
      o.settle = milliseconds(param(spec, "settle_ms", 0));
      rec.result = probe::discover(link_, o);
    } else if (rec.kind == "dad") {
      probe::DadOptions o;
      o.prefix = resolve(spec, "prefix");
      o.prefix_length = static_cast<std::uint8_t>(param(spec, "prefix_length", 64));
      o.transmits = param(spec, "transmits", 1);
      o.retrans = milliseconds(param(spec, "retrans_ms", 1000));
      rec.result = probe::dad(link_, o);
    } else if (rec.kind == "dhcp6") {
      probe::Dhcp6Options o;
      o.stateful = param(spec, "stateful", true);
      o.timeout = milliseconds(param(spec, "timeout_ms", 3000));
      o.retries = param(spec, "retries", 2);
      rec.result = probe::dhcp6(link_, o);
    } else if (rec.kind == "neighbor") {
      probe::NeighborOptions o;
      o.target = resolve(spec, "target");
      o.source = resolve_opt(spec, "source");
      o.timeout = milliseconds(param(spec, "timeout_ms", 1000));
      o.attempts = param(spec, "attempts", 3);
      rec.result = probe::neighbor(link_, o);
    } else if (rec.kind == "echo" || rec.kind == "pmtu") {
      probe::EchoOptions o;
      o.target = resolve(spec, "target");
      o.source = source_for(o.target, spec);
      o.gateway = gateway_for(o.target, spec);
      o.size = param(spec, "size", 104u);
      o.hop_limit = static_cast<std::uint8_t>(param(spec, "hop_limit", 64));
      o.count = param(spec, "count", 3);
      o.interval = milliseconds(param(spec, "interval_ms", 200));
      o.timeout = milliseconds(param(spec, "timeout_ms", 1000));
      o.retry_after = milliseconds(param(spec, "retry_after_ms", 0));
      if (rec.kind == "echo") {
        const auto patience = milliseconds(param(spec, "patience_ms", 0));
        if (patience.count() > 0) o.error_answers = false;  // a peer VM: only its reply answers
        wait_for_answer(o, patience);
        rec.result = probe::echo(link_, o);
      } else {
        probe::PmtuOptions p{o, param(spec, "sizes", std::vector<std::uint32_t>{1280, link_.mtu()})};
        rec.result = probe::pmtu(link_, p);
      }
    } else if (rec.kind == "dns") {
      probe::DnsOptions o;
      o.server = resolve(spec, "server");
      o.name = param(spec, "name", std::string("localhost"));
      o.source = source_for(o.server, spec);
      o.gateway = gateway_for(o.server, spec);
      o.timeout = milliseconds(param(spec, "timeout_ms", 2000));
      rec.result = probe::dns_aaaa(link_, o);
    } else if (rec.kind == "advertise") {
      probe::AdvertiseOptions o;
      try {
        o.ra = spec.at("ra").get<wire::RouterAdvert>();
      } catch (const std::exception& e) {
        throw PlanError("procedure '" + rec.id + "': parameter 'ra' is not a router advertisement: " + e.what());
      }
      o.interval = milliseconds(param(spec, "interval_ms", 0));
      o.duration = milliseconds(param(spec, "duration_ms", 0));
      o.answer_rs = param(spec, "answer_rs", true);
      o.answer_delay = milliseconds(param(spec, "answer_delay_ms", 0));
      o.add_source_lla = param(spec, "add_source_lla", true);
      o.stop = stop_;
      if (o.duration.count() == 0 && !stop_) throw PlanError("advertise without duration_ms needs a stop signal");
      rec.result = probe::advertise(link_, o);
    } else if (rec.kind == "attack") {
      // Safety (docs/security.md): attack frames only with the plan's explicit
      // permission naming this very interface; probe::attack refuses otherwise.
      probe::AttackOptions o;
      if (spec.contains("attack") && spec["attack"].is_object())
        o.allowed_interface = param(spec["attack"], "allowed_interface", std::string());
      o.attacks = param(spec, "attacks", std::vector<std::string>{});
      o.parties.victim_mac = mac_param(spec, "victim_mac");
      o.parties.victim_link_local =
          resolve_opt(spec, "victim_link_local").value_or(wire::link_local_of(o.parties.victim_mac));
      o.parties.victim_address = resolve_opt(spec, "victim_address");
      o.parties.attacker_address = resolve_opt(spec, "source");
      o.parties.gateway = resolve_opt(spec, "gateway");
      o.parties.spoofed_source = resolve_opt(spec, "spoofed_source");
      o.count = param(spec, "count", 2);
      o.wait = milliseconds(param(spec, "wait_ms", 2000));
      rec.result = probe::attack(link_, o);
    } else if (rec.kind == "victim") {
      probe::VictimOptions o;
      o.parties.attacker_mac = mac_param(spec, "attacker_mac");
      o.parties.attacker_link_local =
          resolve_opt(spec, "attacker_link_local").value_or(wire::link_local_of(o.parties.attacker_mac));
      o.parties.attacker_address = resolve_opt(spec, "attacker_address");
      o.parties.victim_address = resolve_opt(spec, "address");
      o.parties.gateway = resolve_opt(spec, "gateway");
      o.listen = milliseconds(param(spec, "listen_ms", 2000));
      o.linger = milliseconds(param(spec, "linger_ms", 100));
      o.ra_wait = milliseconds(param(spec, "ra_wait_ms", 5000));
      rec.result = probe::victim(link_, o);
    } else {
      throw PlanError("unknown procedure kind \"" + rec.kind + "\"");
    }
    rec.status = "ok";
    learn(rec.result);
  } catch (const PlanError&) {
    throw;
  } catch (const std::exception& e) {
    rec.status = "error";
    rec.error = e.what();
  }
  rec.duration_ms = std::chrono::duration<double, std::milli>(probe::Clock::now() - start).count();
  return rec;
}

}  // namespace v6c::agent
