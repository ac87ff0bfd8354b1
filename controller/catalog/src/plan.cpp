#include "v6c/catalog/plan.hpp"

#include <algorithm>

#include "targets.hpp"

namespace v6c::catalog {

namespace {

using wire::EchoSpec;
using wire::NeighborSpec;

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

// The checks whose parameters shape the plan: every enabled requirement that uses one counts.
constexpr std::string_view kCheckRaAnswered = "ra_answered";
constexpr std::string_view kCheckMtu1280 = "mtu_1280";
constexpr std::string_view kCheckRaPeriodic = "ra_periodic";

void add(wire::Plan& plan, std::string_view id, wire::ProcedureSpec spec) {
  plan.procedures.push_back({std::string(id), std::move(spec)});
}

// An echo from the VM's own address (`source`, a symbol), through `gateway` when off-link.
EchoSpec echo_from(const wire::Ip6& target, std::string_view source, const std::optional<wire::Ip6>& gateway) {
  EchoSpec e{.target = target.str(), .source = std::string(source)};
  if (gateway) e.gateway = gateway->str();
  return e;
}

// Router discovery, then the address the subnet mode hands out: what every VM runs.
void add_address(wire::Plan& plan, const model::Subnet& subnet, const PlanOptions& o) {
  add(plan, proc::kDiscover, wire::DiscoverSpec{.window_ms = o.discover_window_ms, .settle_ms = kMaxRaDelayMs});
  if (detail::forms_slaac(subnet.mode))
    add(plan, proc::kDad,
        wire::DadSpec{.prefix = subnet.prefix.str(), .prefix_length = static_cast<std::uint8_t>(subnet.prefix_length)});
  if (detail::runs_dhcp6(subnet.mode)) add(plan, proc::kDhcp6, wire::Dhcp6Spec{.stateful = subnet.mode == model::Mode::dhcpv6_stateful});
}

// The gateway's link-local: the router port's (EUI-64 of its MAC, as Neutron's and OVN's
// routers use), so that another router on the link cannot stand in for it; unknown port:
// whoever sent the first RA. And the metadata service beside it.
void add_link(wire::Plan& plan, const model::Network& net) {
  const std::string gw_ll = net.router_port ? wire::link_local_of(net.router_port->mac).str()
                                            : std::string(wire::sym::kRaRouter);
  add(plan, proc::kNdGwLl, NeighborSpec{.target = gw_ll});
  add(plan, proc::kEchoGwLl, EchoSpec{.target = gw_ll});
  add(plan, proc::kNdMetadata, NeighborSpec{.target = kMetadataAddress.str()});
}

// Echoes to an address behind the router that no port holds: a Destination Unreachable.
void add_unreach(wire::Plan& plan, const model::Facts& f, const model::Network& net, const wire::Ip6& gateway,
                 std::string_view self) {
  if (auto unassigned = detail::unassigned_target(f, net)) {
    auto unreach = echo_from(*unassigned, self, gateway);
    unreach.timeout_ms = kUnreachTimeoutMs;
    unreach.interval_ms = kUnreachIntervalMs;
    unreach.retry_after_ms = kErrorRetryMs;
    add(plan, proc::kUnreachFar, unreach);
  }
}

// What lies behind the gateway: errors the router must send, the path MTU, DNS.
void add_beyond_gateway(wire::Plan& plan, const model::Facts& f, const model::Network& net, const wire::Ip6& gateway,
                        std::string_view self, const PlanOptions& o) {
  add(plan, proc::kNdGwGlobal, NeighborSpec{.target = gateway.str()});
  add(plan, proc::kEchoGwGlobal, echo_from(gateway, self, std::nullopt));
  if (auto far = detail::offlink_target(f, net)) {
    auto e2e = echo_from(*far, self, gateway);
    e2e.size = o.end_to_end_size;
    add(plan, proc::kEcho1280, e2e);
    auto hop = echo_from(*far, self, gateway);
    hop.hop_limit = kHopLimitExpiring;
    hop.retry_after_ms = kErrorRetryMs;
    add(plan, proc::kHoplimitFar, hop);
  }
  add_unreach(plan, f, net, gateway, self);
  if (f.external_target) add(plan, proc::kEchoFar, echo_from(*f.external_target, self, gateway));
  if (detail::far_link_is_smaller(f, net)) {
    // Sizes that fit the far link, then the tenant MTU, which must draw a Packet Too Big.
    wire::PmtuSpec pmtu{.target = f.far_target->str(), .source = std::string(self), .gateway = gateway.str()};
    pmtu.sizes = {wire::kMinIpv6Mtu};
    if (*f.far_mtu > wire::kMinIpv6Mtu) pmtu.sizes.push_back(*f.far_mtu);
    pmtu.sizes.push_back(net.mtu);
    add(plan, proc::kPmtuFar, pmtu);
  }
  const auto& subnet = net.subnet;
  if (!subnet.dns_servers.empty() && !f.dns_test_name.empty()) {
    const auto& server = subnet.dns_servers.front();
    wire::DnsSpec dns{.server = server.str(), .name = f.dns_test_name, .source = std::string(self)};
    if (server.prefix(subnet.prefix_length) != subnet.prefix.prefix(subnet.prefix_length)) dns.gateway = gateway.str();
    add(plan, proc::kDns, dns);
  }
}

// Peers last: by then every agent has had time to form or lease its own address. Then a
// network-MTU packet across the link itself: to a VM on the same network when there is one
// (the link is what is tested, not the router's echo), else to the gateway.
void add_peers(wire::Plan& plan, const model::Facts& f, const model::Network& net, const model::Port& port,
               const std::optional<wire::Ip6>& gateway, std::string_view self) {
  std::optional<wire::Ip6> link_peer;
  for (const auto& peer : detail::peers_of(f, net, port)) {
    add(plan, std::string(proc::kEchoPeerPrefix) + peer.port->name,
        echo_from(peer.address, self, peer.on_link ? std::nullopt : gateway));
    if (peer.on_link && !link_peer) link_peer = peer.address;
  }
  if (link_peer || gateway) {
    auto mtu_link = echo_from(link_peer ? *link_peer : *gateway, self, std::nullopt);
    mtu_link.size = net.mtu;
    add(plan, proc::kEchoMtuLink, mtu_link);
  }
}

// Each enabled requirement that uses `check`: a catalogue may hold several.
template <class F>
void for_each_enabled(const Catalog& c, std::string_view check, F&& f) {
  for (const auto& r : c.requirements)
    if (r.enabled && r.check == check) f(r);
}

}  // namespace

PlanOptions plan_options(const Catalog& c, const model::Facts& f) {
  PlanOptions o;
  for_each_enabled(c, kCheckRaAnswered, [&](const Requirement& r) {
    o.discover_window_ms = std::max<std::uint32_t>(o.discover_window_ms, r.params.value("bound_ms", 0u) + kDiscoverMarginMs);
  });
  // One end-to-end echo: the largest minimum asked for, which also carries any smaller one.
  bool sized = false;
  for_each_enabled(c, kCheckMtu1280, [&](const Requirement& r) {
    const auto size = r.params.value("min_mtu", wire::kMinIpv6Mtu);
    o.end_to_end_size = sized ? std::max(o.end_to_end_size, size) : size;
    sized = true;
  });
  for_each_enabled(c, kCheckRaPeriodic, [&](const Requirement& r) {
    const std::uint32_t interval_s =
        f.max_rtr_adv_interval_s.value_or(r.params.value("default_max_rtr_adv_interval_s", 600u));
    const std::uint32_t window_ms = interval_s * kMsPerSecond + kDiscoverMarginMs;
    o.passive_window_ms = o.slow ? std::max(o.passive_window_ms, window_ms) : window_ms;
    o.slow = true;
  });
  return o;
}

wire::Plan make_plan(const model::Facts& f, const model::Network& net, const model::Port& port, const PlanOptions& o) {
  const auto& subnet = net.subnet;
  const std::string_view self = detail::address_symbol(subnet.mode);
  std::optional<wire::Ip6> gateway;  // a subnet without a gateway has nothing beyond the link
  if (!subnet.gateway_ip.is_unspecified()) gateway = subnet.gateway_ip;
  wire::Plan plan{.host = port.name, .interface = o.interface};
  add_address(plan, subnet, o);
  if (port.role == model::Role::address) return plan;
  if (port.role == model::Role::control) {  // icmp6-errors' control path: the errors alone
    if (gateway) add_unreach(plan, f, net, *gateway, self);
    return plan;
  }
  add_link(plan, net);
  if (gateway) add_beyond_gateway(plan, f, net, *gateway, self, o);
  if (o.slow)
    add(plan, proc::kDiscoverPassive, wire::DiscoverSpec{.passive = true, .window_ms = o.passive_window_ms, .rs_count = 0});
  add_peers(plan, f, net, port, gateway, self);
  return plan;
}

wire::Plan make_external_plan(const model::Facts& f, const std::string& host, const PlanOptions& o,
                              const std::optional<wire::Ip6>& source, const std::optional<wire::Ip6>& gateway) {
  wire::Plan plan{.host = host, .interface = o.interface};
  for (const auto& n : f.networks)
    for (const auto* p : detail::probe_ports(n))
      if (auto a = detail::global_address(*p))
        add(plan, std::string(proc::kEchoInPrefix) + p->name,
            source ? echo_from(*a, source->str(), gateway) : EchoSpec{.target = a->str()});
  return plan;
}

}  // namespace v6c::catalog
