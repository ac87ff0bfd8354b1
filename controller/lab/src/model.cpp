#include "v6c/lab/model.hpp"

#include <stdexcept>

namespace v6c::lab {
namespace {

// Port numbers inside a network: they pick the MAC's last byte and, for stateful subnets,
// the order in which Neutron's IPAM hands out addresses (router first, then DHCP, then VMs).
constexpr int kRouterPortNumber = 1;
constexpr int kDhcpPortNumber = 2;
constexpr int kFirstVmPortNumber = 16;
constexpr std::uint8_t kWrongAddressFlip = 0x80;  // dhcp-wrong-address: another host in the /64
const char* kWrongDnsServer = "2001:db8:ff::99";  // dhcp-wrong-dns: an address nobody serves

struct ModeLayout {
  Mode mode;
  const char* name;  // short network name, fits interface names
};
const ModeLayout kModeLayouts[] = {{Mode::slaac, "slaac"}, {Mode::dhcpv6_stateless, "stless"}, {Mode::dhcpv6_stateful, "stful"}};

Ip6 ip(const std::string& text) {
  auto a = Ip6::parse(text);
  if (!a) throw std::logic_error("bad address literal " + text);
  return *a;
}

// 2001:db8:<index>::/64 for tenant network <index>.
Ip6 tenant_prefix(int index) {
  Ip6 p = ip("2001:db8::");
  p.bytes[4] = 0;
  p.bytes[5] = static_cast<std::uint8_t>(index);
  return p;
}

Ip6 with_host(const Ip6& prefix, std::uint16_t host) {
  Ip6 a = prefix;
  a.bytes[14] = static_cast<std::uint8_t>(host >> 8);
  a.bytes[15] = static_cast<std::uint8_t>(host & 0xff);
  return a;
}

// Neutron: EUI-64 of the MAC on slaac and stateless subnets, else the next free address.
Ip6 neutron_fixed_ip(Mode mode, const Ip6& prefix, const Mac& mac, int& next_allocated) {
  if (mode == Mode::dhcpv6_stateful) return with_host(prefix, static_cast<std::uint16_t>(next_allocated++));
  return wire::eui64_address(prefix, mac);
}

}  // namespace

std::string to_string(Flavour f) { return f == Flavour::ovn ? "ovn" : "radvd"; }

std::optional<Flavour> parse_flavour(const std::string& text) {
  if (text == "radvd") return Flavour::radvd;
  if (text == "ovn") return Flavour::ovn;
  return std::nullopt;
}

Mac neutron_mac(int network_index, int port_number) {
  return Mac{{0xfa, 0x16, 0x3e, static_cast<std::uint8_t>(network_index), 0x00,
              static_cast<std::uint8_t>(port_number)}};
}

RaTimers LabModel::ra_timers() const {
  if (slow) return kSlowLabRaTimers;
  return flavour == Flavour::ovn ? kOvnRaTimers : kNeutronRaTimers;
}

std::vector<std::string> LabModel::all_netns() const {
  std::vector<std::string> names = {upstream_ns(), far_ns(), switch_ns()};
  for (const auto& n : networks) names.push_back(dhcp_ns(n));
  if (flavour == Flavour::radvd) names.push_back(router_ns());  // OVN's router is logical
  for (const auto& [net, port] : vm_ports())
    if (!is_guest(*port)) names.push_back(ns(port->netns_suffix));
  if (behaviour.duplicate_address) names.push_back(intruder_ns());
  if (behaviour.rogue_router) names.push_back(rogue_ns());
  return names;
}

std::vector<std::pair<const LabNetwork*, const LabPort*>> LabModel::vm_ports() const {
  std::vector<std::pair<const LabNetwork*, const LabPort*>> out;
  for (const auto& n : networks)
    for (const auto& p : n.vms) out.emplace_back(&n, &p);
  return out;
}

LabModel make_model(const std::string& name_prefix, Flavour flavour, const std::vector<Mode>& modes,
                    bool slow) {
  LabModel m;
  m.prefix = name_prefix;
  m.flavour = flavour;
  m.slow = slow;
  m.upstream.prefix = ip("2001:db8:ff::");
  m.upstream.gateway = ip("2001:db8:ff::1");
  m.upstream.router_gateway_port = ip("2001:db8:ff::10");
  m.upstream.dns_server = ip("2001:db8:ff::53");
  m.upstream.dns_test_name = "ext.v6c.example";
  m.upstream.dns_test_answer = m.upstream.gateway;
  m.upstream.far_prefix = ip("2001:db8:fe::");
  m.upstream.far_upstream = ip("2001:db8:fe::1");
  m.upstream.far_host = ip("2001:db8:fe::2");

  for (const auto& layout : kModeLayouts) {
    bool wanted = false;
    for (const auto& w : modes) wanted = wanted || w == layout.mode;
    if (!wanted) continue;
    LabNetwork n;
    n.index = static_cast<int>(m.networks.size()) + 1;
    n.name = layout.name;
    n.mode = layout.mode;
    n.prefix = tenant_prefix(n.index);
    n.gateway_ip = with_host(n.prefix, 1);  // Neutron's default gateway_ip: the first address
    n.dns_servers = {m.upstream.dns_server};
    n.dns_domain = "lab.v6c.example";
    n.bridge = "br-" + n.name;
    int next_allocated = 2;  // ::1 is the gateway
    n.router = {"router", Role::router, neutron_mac(n.index, kRouterPortNumber), {n.gateway_ip},
                SecurityGroup::default_group, "", "tap" + std::to_string(n.index) + "r"};
    Mac dhcp_mac = neutron_mac(n.index, kDhcpPortNumber);
    n.dhcp = {"dhcp", Role::dhcp, dhcp_mac, {neutron_fixed_ip(n.mode, n.prefix, dhcp_mac, next_allocated)},
              SecurityGroup::default_group, "", "tap" + std::to_string(n.index) + "d"};
    struct VmSpec {
      const char* name;
      Role role;
      SecurityGroup group;
    };
    // Every network gets its own victim and attacker: port security is per network in
    // Neutron (port_security_enabled), so each network's sec-* verdicts are measured there.
    // Two probe VMs, so that the link itself is measured VM to VM (east-west on the link,
    // the network-MTU echo) rather than through the gateway. One address VM, the target of
    // the faults that spoil one VM's address (address_vm()).
    const std::vector<VmSpec> vms = {{"a", Role::probe, SecurityGroup::default_group},
                                     {"b", Role::victim, SecurityGroup::default_group},
                                     {"x", Role::attacker, SecurityGroup::attacker_only},
                                     {"c", Role::probe, SecurityGroup::default_group},
                                     {"d", Role::address, SecurityGroup::default_group}};
    int number = kFirstVmPortNumber;
    for (const auto& v : vms) {
      LabPort p;
      p.name = std::string(v.name) + std::to_string(n.index);
      p.role = v.role;
      p.mac = neutron_mac(n.index, number++);
      p.fixed_ips = {neutron_fixed_ip(n.mode, n.prefix, p.mac, next_allocated)};
      p.group = v.group;
      p.netns_suffix = "vm" + p.name;
      p.bridge_port = "tap" + p.name;
      n.vms.push_back(p);
    }
    m.networks.push_back(n);
  }
  if (m.networks.empty()) throw std::invalid_argument("no network mode selected");
  return m;
}

Ip6 port_address(const LabPort& p) { return p.fixed_ips.front(); }

const LabPort& address_vm(const LabNetwork& n) {
  for (const auto& vm : n.vms)
    if (vm.role == Role::address) return vm;
  throw std::logic_error("network " + n.name + " has no address VM");
}

Ip6 leased_address(const LabModel& m, const LabNetwork& n, const LabPort& p) {
  Ip6 a = port_address(p);
  if (m.behaviour.dhcp_wrong_address && n.mode == Mode::dhcpv6_stateful && &p == &address_vm(n)) a.bytes[15] ^= kWrongAddressFlip;
  return a;
}

std::vector<Ip6> dhcp_dns_servers(const LabModel& m, const LabNetwork& n) {
  if (m.behaviour.dhcp_no_dns) return {ip(kWrongDnsServer)};
  return n.dns_servers;
}

model::Facts to_facts(const LabModel& m) {
  model::Facts f;
  f.source = "lab";
  f.backend = to_string(m.flavour);
  for (const auto& n : m.networks) {
    model::Network net;
    net.name = n.name;
    net.mtu = n.mtu;
    net.subnet.name = n.name + "-v6";
    net.subnet.mode = n.mode;
    net.subnet.prefix = n.prefix;
    net.subnet.prefix_length = kSubnetPrefixLength;
    net.subnet.gateway_ip = n.gateway_ip;
    net.subnet.dns_servers = n.dns_servers;
    net.subnet.dns_domain = n.mode != Mode::slaac ? n.dns_domain : "";  // only DHCPv6 hands it out
    net.router_port = model::Port{"router", n.router.mac, n.router.fixed_ips, Role::router};
    for (const auto& vm : n.vms) {
      model::Port p{vm.name, vm.mac, vm.fixed_ips, vm.role};
      // The API disagreeing with the network (e.g. an IPAM that ignores EUI-64).
      if (m.behaviour.api_wrong_fixed_ip && n.mode != Mode::dhcpv6_stateful && &vm == &address_vm(n))
        p.fixed_ips.front().bytes[15] ^= 0x01;
      net.ports.push_back(p);
    }
    f.networks.push_back(net);
  }
  f.external_target = m.upstream.gateway;
  f.far_mtu = m.upstream.far_mtu;
  f.far_target = m.upstream.far_host;
  f.dns_test_name = m.upstream.dns_test_name;
  f.dns_test_answer = {m.upstream.dns_test_answer};
  f.max_rtr_adv_interval_s = m.ra_timers().max_interval_s;
  return f;
}

}  // namespace v6c::lab
