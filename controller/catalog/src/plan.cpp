#include "v6c/catalog/plan.hpp"

#include <algorithm>

#include "targets.hpp"

namespace v6c::catalog {

namespace {

using nlohmann::json;

constexpr std::uint32_t kDiscoverMarginMs = 1000;  // RAs may be rate-limited (RFC 4861 §6.2.6: up to 500 ms)
constexpr std::uint32_t kMsPerSecond = 1000;
constexpr std::uint32_t kUnreachTimeoutMs = 5000;  // router ND gives up after 3 × RetransTimer (RFC 4861 §7.2.2)
// Close enough together that all requests wait in the router's one address resolution and
// are answered together, instead of each next one starting a resolution of its own.
constexpr std::uint32_t kUnreachIntervalMs = 20;
constexpr std::uint8_t kHopLimitExpiring = 1;      // expires at the first router: Time Exceeded
// Routers rate-limit ICMPv6 errors (RFC 4443 §2.4(f); Linux: a burst of 6 per destination,
// then one per 250 ms to a /64): a series that drew none is sent once more after this pause.
constexpr std::uint32_t kErrorRetryMs = 1000;
// After the first RA, another router on the link answers the same RS within
// MAX_RA_DELAY_TIME (RFC 4861 §10), so discover need not wait out its whole window.
constexpr std::uint32_t kMaxRaDelayMs = 500;

json procedure(std::string_view id, std::string_view kind) { return json{{"id", id}, {"kind", kind}}; }

json echo(std::string_view id, const std::string& target, const PlanOptions& o) {
  json p = procedure(id, "echo");
  p["target"] = target;
  p["size"] = o.echo_size;
  p["hop_limit"] = o.echo_hop_limit;
  p["count"] = o.echo_count;
  return p;
}

json echo_from(std::string_view id, const wire::Ip6& target, std::string_view source,
               const std::optional<wire::Ip6>& gateway, const PlanOptions& o) {
  json p = echo(id, target.str(), o);
  p["source"] = source;
  if (gateway) p["gateway"] = gateway->str();
  return p;
}

}  // namespace

PlanOptions plan_options(const Catalog& c, const model::Facts& f) {
  PlanOptions o;
  if (const auto* r = c.find("ra-answered"); r && r->enabled)
    o.discover_window_ms = std::max<std::uint32_t>(o.discover_window_ms,
                                                   r->params.value("bound_ms", 0u) + kDiscoverMarginMs);
  if (const auto* r = c.find("mtu-1280"); r && r->enabled)
    o.end_to_end_size = r->params.value("min_mtu", kMinIpv6Mtu);
  if (const auto* r = c.find("ra-periodic"); r && r->enabled) {
    o.slow = true;
    std::uint32_t interval_s =
        f.max_rtr_adv_interval_s.value_or(r->params.value("default_max_rtr_adv_interval_s", 600u));
    o.passive_window_ms = interval_s * kMsPerSecond + kDiscoverMarginMs;
  }
  return o;
}

json make_plan(const model::Facts& f, const model::Network& net, const model::Port& port, const PlanOptions& o) {
  const auto& subnet = net.subnet;
  const std::string_view self = detail::address_symbol(subnet.mode);
  std::optional<wire::Ip6> gateway;  // a subnet without a gateway has nothing beyond the link
  if (!subnet.gateway_ip.is_unspecified()) gateway = subnet.gateway_ip;
  json procs = json::array();

  json discover = procedure(proc::kDiscover, "discover");
  discover["window_ms"] = o.discover_window_ms;
  discover["rs_count"] = o.rs_count;
  discover["passive"] = false;
  discover["settle_ms"] = kMaxRaDelayMs;
  procs.push_back(discover);

  if (detail::forms_slaac(subnet.mode)) {
    json dad = procedure(proc::kDad, "dad");
    dad["prefix"] = subnet.prefix.str();
    dad["prefix_length"] = subnet.prefix_length;
    procs.push_back(dad);
  }
  if (detail::runs_dhcp6(subnet.mode)) {
    json dhcp6 = procedure(proc::kDhcp6, "dhcp6");
    dhcp6["stateful"] = subnet.mode == detail::kModeStateful;
    procs.push_back(dhcp6);
  }
  auto plan = [&] {
    return json{{"schema", kPlanSchema}, {"host", port.name}, {"interface", o.interface}, {"procedures", procs}};
  };
  if (port.role == detail::kRoleAddress) return plan();

  // The gateway's link-local: the router port's (EUI-64 of its MAC, as Neutron's and OVN's
  // routers use), so that another router on the link cannot stand in for it; unknown port:
  // whoever sent the first RA.
  const std::string gw_ll = net.router_port ? wire::link_local_of(net.router_port->mac).str()
                                            : std::string(sym::kRaRouter);
  json nd_ll = procedure(proc::kNdGwLl, "neighbor");
  nd_ll["target"] = gw_ll;
  procs.push_back(nd_ll);
  procs.push_back(echo(proc::kEchoGwLl, gw_ll, o));
  json nd_md = procedure(proc::kNdMetadata, "neighbor");
  nd_md["target"] = kMetadataAddress.str();
  procs.push_back(nd_md);

  if (gateway) {
    json nd_global = procedure(proc::kNdGwGlobal, "neighbor");
    nd_global["target"] = gateway->str();
    procs.push_back(nd_global);
    procs.push_back(echo_from(proc::kEchoGwGlobal, *gateway, self, std::nullopt, o));

    if (auto far = detail::offlink_target(f, net)) {
      json e2e = echo_from(proc::kEcho1280, *far, self, gateway, o);
      e2e["size"] = o.end_to_end_size;
      procs.push_back(e2e);
      json hop = echo_from(proc::kHoplimitFar, *far, self, gateway, o);
      hop["hop_limit"] = kHopLimitExpiring;
      hop["retry_after_ms"] = kErrorRetryMs;
      procs.push_back(hop);
    }
    if (auto unassigned = detail::unassigned_target(f, net)) {
      json unreach = echo_from(proc::kUnreachFar, *unassigned, self, gateway, o);
      unreach["timeout_ms"] = kUnreachTimeoutMs;
      unreach["interval_ms"] = kUnreachIntervalMs;
      unreach["retry_after_ms"] = kErrorRetryMs;
      procs.push_back(unreach);
    }
    if (f.external_target) procs.push_back(echo_from(proc::kEchoFar, *f.external_target, self, gateway, o));
    if (detail::far_link_is_smaller(f, net)) {
      json pmtu = procedure(proc::kPmtuFar, "pmtu");
      pmtu["target"] = f.far_target->str();
      pmtu["source"] = self;
      pmtu["gateway"] = gateway->str();
      // Sizes that fit the far link, then the tenant MTU, which must draw a Packet Too Big.
      json sizes = json::array({kMinIpv6Mtu});
      if (*f.far_mtu > kMinIpv6Mtu) sizes.push_back(*f.far_mtu);
      sizes.push_back(net.mtu);
      pmtu["sizes"] = sizes;
      procs.push_back(pmtu);
    }
    if (!subnet.dns_servers.empty() && !f.dns_test_name.empty()) {
      const auto& server = subnet.dns_servers.front();
      json dns = procedure(proc::kDns, "dns");
      dns["server"] = server.str();
      dns["name"] = f.dns_test_name;
      dns["source"] = self;
      if (server.prefix(subnet.prefix_length) != subnet.prefix.prefix(subnet.prefix_length))
        dns["gateway"] = gateway->str();
      procs.push_back(dns);
    }
  }
  if (o.slow) {
    json passive = procedure(proc::kDiscoverPassive, "discover");
    passive["window_ms"] = o.passive_window_ms;
    passive["rs_count"] = 0;
    passive["passive"] = true;
    procs.push_back(passive);
  }
  // Peers last: by then every agent has had time to form or lease its own address.
  std::optional<wire::Ip6> link_peer;
  for (const auto& peer : detail::peers_of(f, net, port)) {
    procs.push_back(echo_from(std::string(proc::kEchoPeerPrefix) + peer.port->name, peer.address, self,
                              peer.on_link ? std::nullopt : gateway, o));
    if (peer.on_link && !link_peer) link_peer = peer.address;
  }
  // A network-MTU packet across the link itself: to a VM on the same network when there is
  // one (the link is what is tested, not the router's echo), else to the gateway.
  if (link_peer || gateway) {
    json mtu_link = echo_from(proc::kEchoMtuLink, link_peer ? *link_peer : *gateway, self, std::nullopt, o);
    mtu_link["size"] = net.mtu;
    procs.push_back(mtu_link);
  }
  return plan();
}

json make_external_plan(const model::Facts& f, const std::string& host, const PlanOptions& o,
                        const std::optional<wire::Ip6>& source, const std::optional<wire::Ip6>& gateway) {
  json procs = json::array();
  for (const auto& n : f.networks)
    for (const auto* p : detail::probe_ports(n))
      if (auto a = detail::global_address(*p)) {
        const auto id = std::string(proc::kEchoInPrefix) + p->name;
        procs.push_back(source ? echo_from(id, *a, source->str(), gateway, o) : echo(id, a->str(), o));
      }
  return json{{"schema", kPlanSchema}, {"host", host}, {"interface", o.interface}, {"procedures", procs}};
}

}  // namespace v6c::catalog
