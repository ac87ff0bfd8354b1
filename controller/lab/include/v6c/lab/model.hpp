// The lab as data: which networks, ports, addresses and daemons settings a Neutron cloud with
// the same API input would have, plus the knobs fault profiles turn. Pure: nothing here
// touches the host, so it is unit-tested without root.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "v6c/model/facts.hpp"
#include "v6c/wire/addr.hpp"

namespace v6c::lab {

using wire::Ip6;
using wire::Mac;

enum class Flavour { radvd, ovn };
std::string to_string(Flavour f);
std::optional<Flavour> parse_flavour(const std::string& text);

using model::kAllModes;
using model::Mode;
using model::Role;

inline constexpr std::uint32_t kTenantMtu = 1450;       // VXLAN tenant network (Neutron's 1500 - 50)
inline constexpr std::uint32_t kProviderMtu = 1500;
inline constexpr std::uint32_t kFarMtu = 1280;          // RFC 8200 §5 minimum link MTU
inline constexpr std::uint32_t kIpv6MinMtu = 1280;      // Neutron IPV6_MIN_MTU, RFC 8200 §5
inline constexpr std::uint8_t kSubnetPrefixLength = 64; // Neutron: slaac/stateless subnets must be /64
inline constexpr std::uint32_t kDhcpLeaseSeconds = 86400;  // Neutron dhcp_lease_duration default

// radvd's timers as Neutron's L3 agent sets them (neutron/conf/agent/common.py) and OVN's
// defaults (ovn-nb.xml ipv6_ra_configs); --slow shortens them so ra-periodic stays quick.
struct RaTimers {
  std::uint32_t min_interval_s, max_interval_s;
};
inline constexpr RaTimers kNeutronRaTimers{30, 100};
inline constexpr RaTimers kOvnRaTimers{200, 600};
inline constexpr RaTimers kSlowLabRaTimers{3, 4};  // radvd's smallest allowed (MinRtrAdvInterval ≥ 3 s)

// Which security group a VM port belongs to. Neutron's default group admits ingress from
// its own members; the attacker sits in a group of its own so its unsolicited traffic is
// what the default group must drop.
enum class SecurityGroup { default_group, attacker_only };

struct LabPort {
  std::string name;     // VM name ("a", "b", "x"); also the agent's host name
  Role role = Role::probe;
  Mac mac;
  std::vector<Ip6> fixed_ips;       // what Neutron's API says
  SecurityGroup group = SecurityGroup::default_group;
  std::string netns_suffix;         // "" for infrastructure ports
  std::string bridge_port;          // its veth end on the bridge, in the switch namespace
};

struct LabNetwork {
  std::string name;     // short: slaac | stateless | stateful (also interface name part)
  Mode mode = Mode::slaac;
  int index = 0;        // 1-based; picks the /64 and the MACs
  Ip6 prefix;
  Ip6 gateway_ip;
  std::vector<Ip6> dns_servers;
  std::string dns_domain;
  std::uint32_t mtu = kTenantMtu;
  LabPort router;       // qr- port in the router namespace
  LabPort dhcp;         // tap port in the dhcp namespace (no DHCP for slaac: no dnsmasq there)
  std::vector<LabPort> vms;
  std::string bridge;   // bridge name in the switch namespace
};

// Every way the lab can deviate from the conforming network. Defaults are conforming;
// fault profiles (faults.hpp) set exactly one group of these.
struct Behaviour {
  // Router advertisements (radvd config).
  std::optional<std::uint32_t> ra_link_mtu;        // AdvLinkMTU other than the network's
  bool ra_managed_everywhere = false;              // M=1 on slaac/stateless subnets too
  std::optional<std::uint8_t> ra_prefix_length;    // PIO length other than the subnet's
  bool ra_prefix_deprecated = false;               // preferred lifetime 0
  bool ra_rdnss_off = false;
  bool ra_rdnss_lifetime_short = false;            // AdvRDNSSLifetime = MaxRtrAdvInterval, stated
  std::optional<std::uint32_t> ra_router_lifetime; // AdvDefaultLifetime override
  bool ra_sllao_off = false;
  bool ra_unicast_only = false;                    // no periodic multicast RAs
  std::optional<std::uint32_t> ra_answer_delay_ms; // the router answers RSs this late (v6agent advertise)
  bool ra_hop_limit_rewritten = false;             // something on the path lowers RA hop limit
  // DHCPv6 (dnsmasq).
  bool dhcp_wrong_address = false;                 // the address VM's stateful host entry: another address
  bool dhcp_no_dns = false;                        // no option6:dns-server
  // Router.
  bool gw_not_router = false;                      // NAs without the router flag
  bool gw_ignores_echo = false;
  bool inbound_echo_blocked = false;               // echo requests from outside dropped at the router
  bool nat66 = false;
  bool ptb_dropped = false;
  bool east_west_blocked = false;                  // VM to VM traffic between networks dropped at the router
  // Switch: port security and security groups.
  bool ra_guard_off = false;
  bool dhcp_shield_off = false;
  bool source_ip_filter_off = false;
  bool source_mac_filter_off = false;
  bool na_filter_off = false;
  bool sg_drops_dest_unreachable = false;
  bool sg_admits_redirect = false;
  bool sg_ingress_open = false;
  std::optional<std::uint32_t> vm_link_mtu;        // VM-to-VM packets above this dropped on the bridge
  // Extra devices on the first network (unfiltered, like infrastructure).
  bool duplicate_address = false;                  // a host holding the address VM's address
  bool rogue_router = false;                       // a second radvd on the link
  // Upstream and services.
  bool dns_down = false;
  bool metadata_absent = false;                    // nobody holds fe80::a9fe:a9fe (ovn flavour)
  // The API side: what Neutron reports, not what the network does.
  bool api_wrong_fixed_ip = false;                 // the address VMs' fixed IPs, where SLAAC forms them
};

struct Upstream {
  Ip6 prefix;                 // provider subnet
  Ip6 gateway;                // the provider's own router, also the external echo target
  Ip6 router_gateway_port;    // the Neutron router's address on it (qg- port)
  Ip6 dns_server;
  std::string dns_test_name;
  Ip6 dns_test_answer;
  Ip6 far_prefix;             // the smaller-MTU link behind the provider router
  Ip6 far_upstream, far_host;
  std::uint32_t far_mtu = kFarMtu;
};

struct LabModel {
  std::string prefix;         // per-run name prefix, e.g. "v6c-l1234-"
  Flavour flavour = Flavour::radvd;
  bool slow = false;
  std::string guest_image;    // lab --vm: probe VMs boot this agent image under QEMU (guest.hpp)
  // radvd's default RDNSS lifetime in MaxRtrAdvIntervals: 1 up to radvd 2.19, 3 from 2.20
  // (radvd 17c43bf, after RFC 8106 §5.1). Lab sets it from the installed radvd.
  std::uint32_t radvd_rdnss_lifetime_factor = 1;
  std::vector<LabNetwork> networks;
  Upstream upstream;
  Behaviour behaviour;

  RaTimers ra_timers() const;
  // Namespace names.
  std::string ns(const std::string& suffix) const { return prefix + suffix; }
  std::string router_ns() const { return ns("router"); }  // radvd flavour only
  // A network's DHCP namespace (qdhcp-<network>, or OVN's ovnmeta-<network>): one per network,
  // so that each dnsmasq, bound as Neutron binds it (--bind-dynamic, no --interface), sees
  // only its own port.
  std::string dhcp_ns(const LabNetwork& n) const { return ns("dhcp" + std::to_string(n.index)); }
  std::string switch_ns() const { return ns("switch"); }  // bridges, or OVS and OVN
  std::string upstream_ns() const { return ns("up"); }
  std::string far_ns() const { return ns("far"); }
  std::string intruder_ns() const { return ns("dup"); }
  std::string rogue_ns() const { return ns("rogue"); }
  std::vector<std::string> all_netns() const;  // every namespace build() creates, in order
  // The VM ports (all networks), with the network each is on.
  std::vector<std::pair<const LabNetwork*, const LabPort*>> vm_ports() const;
  // A QEMU guest on a tap in the switch namespace, not a namespace with a veth (lab --vm).
  bool is_guest(const LabPort& p) const { return !guest_image.empty() && p.role == Role::probe; }
};

inline const std::string kLabPrefixBase = "v6c-l";  // `lab down` removes anything named so

// The conforming lab for these modes (subset of kAllModes, in that order). Every network
// carries a victim and an attacker besides its probe VM.
LabModel make_model(const std::string& name_prefix, Flavour flavour, const std::vector<Mode>& modes,
                    bool slow = false);

// Neutron's port MAC for (network index, port number): fa:16:3e is its base_mac.
Mac neutron_mac(int network_index, int port_number);

// What Neutron's API would say about this lab, in the controller's shape.
model::Facts to_facts(const LabModel& m);

// The address a VM port really uses on the wire (the EUI-64 or allocated fixed IP).
Ip6 port_address(const LabPort& p);

// What the DHCPv6 server leases a port on a stateful network: its fixed IP, unless the fault
// dhcp-wrong-address spoils the address VM's.
Ip6 leased_address(const LabModel& m, const LabNetwork& n, const LabPort& p);
// The DNS servers DHCPv6 hands out: the subnet's, unless the fault dhcp-wrong-dns replaces them.
std::vector<Ip6> dhcp_dns_servers(const LabModel& m, const LabNetwork& n);

// The network's address VM (role "address": it forms its address and runs nothing else). The
// faults that spoil one VM's address aim at it, so that only the address checks fail: the
// intruder holds its address (address-in-use), dnsmasq leases it another (dhcp-wrong-address),
// the API reports another (fixed-ip-mismatch).
const LabPort& address_vm(const LabNetwork& n);

}  // namespace v6c::lab
