#include "targets.hpp"

#include <algorithm>
#include <array>

#include "v6c/catalog/plan.hpp"

namespace v6c::catalog::detail {

namespace {
// Interface identifier for an address nobody holds (documentation-looking, easy to spot in a pcap).
constexpr std::array<std::uint8_t, 8> kUnassignedIid = {0, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef};
constexpr std::size_t kIidOffset = 8;
}  // namespace

std::string_view address_symbol(Mode m) { return m == Mode::dhcpv6_stateful ? wire::sym::kDhcp6 : wire::sym::kSlaac; }
std::string mode_name(Mode m) { return std::string(model::to_string(m)); }

bool is_probe(const model::Port& p) { return p.role == Role::probe; }

std::vector<const model::Port*> probe_ports(const model::Network& n) {
  std::vector<const model::Port*> out;
  for (const auto& p : n.ports)
    if (is_probe(p)) out.push_back(&p);
  return out;
}

std::vector<const model::Port*> address_ports(const model::Network& n) {
  auto out = probe_ports(n);
  for (const auto& p : n.ports)
    if (p.role == Role::address) out.push_back(&p);
  return out;
}

std::optional<wire::Ip6> global_address(const model::Port& p) {
  for (const auto& a : p.fixed_ips)
    if (!a.is_link_local() && !a.is_unspecified()) return a;
  return std::nullopt;
}

std::vector<Peer> peers_of(const model::Facts& f, const model::Network& net, const model::Port& self) {
  std::vector<Peer> out;
  for (const auto& n : f.networks)
    for (const auto* p : probe_ports(n)) {
      if (&n == &net && p->name == self.name) continue;
      if (auto a = global_address(*p)) out.push_back({&n, p, *a, &n == &net});
    }
  return out;
}

constexpr unsigned kFarPrefixLength = 64;  // the far link is a /64 like every IPv6 link

std::optional<wire::Ip6> offlink_target(const model::Facts& f, const model::Network& net) {
  if (f.external_target) return f.external_target;
  for (const auto& n : f.networks) {
    if (&n == &net) continue;
    for (const auto* p : probe_ports(n))
      if (auto a = global_address(*p)) return a;
  }
  return f.far_target;
}

std::optional<wire::Ip6> unassigned_target(const model::Facts& f, const model::Network& net) {
  // Behind the router but outside every tenant network, so that east-west filtering
  // between tenant networks does not hide the Destination Unreachable.
  if (f.far_target) {
    wire::Ip6 a = f.far_target->prefix(kFarPrefixLength);
    std::copy(kUnassignedIid.begin(), kUnassignedIid.end(), a.bytes.begin() + kIidOffset);
    if (a != *f.far_target) return a;
  }
  for (const auto& n : f.networks) {
    if (&n == &net) continue;
    wire::Ip6 a = n.subnet.prefix.prefix(n.subnet.prefix_length);
    std::copy(kUnassignedIid.begin(), kUnassignedIid.end(), a.bytes.begin() + kIidOffset);
    bool held = false;
    for (const auto& p : n.ports)
      for (const auto& ip : p.fixed_ips) held = held || ip == a;
    if (!held && a != n.subnet.gateway_ip) return a;
  }
  return std::nullopt;
}

bool far_link_is_smaller(const model::Facts& f, const model::Network& net) {
  return f.far_target && f.far_mtu && *f.far_mtu < net.mtu;
}

}  // namespace v6c::catalog::detail
