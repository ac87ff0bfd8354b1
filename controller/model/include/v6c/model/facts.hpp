// What the cloud (or the lab) says the network should look like, in the shape Neutron's API
// gives it. The evaluator compares agents' observations against these facts; the lab fills
// them from its own model and the controller from Neutron, so both share one check path.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "v6c/wire/addr.hpp"
#include "v6c/wire/json.hpp"

namespace v6c::model {

using wire::Ip6;
using wire::Mac;

// Neutron's subnet modes (ipv6_ra_mode = ipv6_address_mode). Neutron's strings ("slaac",
// "dhcpv6-stateless", "dhcpv6-stateful") appear only at the JSON and API edges.
enum class Mode { slaac, dhcpv6_stateless, dhcpv6_stateful };
inline const std::vector<Mode> kAllModes = {Mode::slaac, Mode::dhcpv6_stateless, Mode::dhcpv6_stateful};
std::string_view to_string(Mode m);
std::optional<Mode> parse_mode(std::string_view text);
bool forms_slaac(Mode m);  // the RA's prefix allows SLAAC: slaac and dhcpv6-stateless
bool runs_dhcp6(Mode m);   // a DHCPv6 server answers: dhcpv6-stateless and dhcpv6-stateful

// What a port is there for in the test:
// - probe: an ordinary agent VM, running the plan's probes;
// - address: a VM that forms its address and runs nothing else. Only the address checks read
//   it, so a fault that spoils one VM's address (a duplicate, a wrong lease, a wrong fixed IP
//   in the API) fails those checks without taking the VM's other probes with it;
// - attacker, victim: the security network's pair;
// - router: the router's interface (or the lab's late router);
// - dhcp: the lab's DHCP/metadata port;
// - observer: a host beyond the router that captures what arrives there;
// - external: the host outside the cloud that echoes the VMs (north-south-in).
// control: a VM whose group admits all ICMPv6, the control path of icmp6-errors.
enum class Role { probe, address, attacker, victim, router, dhcp, observer, external, control };
std::string_view to_string(Role r);
std::optional<Role> parse_role(std::string_view text);

// JSON as the strings above; an unknown string is an error naming it.
void to_json(nlohmann::json& j, Mode v);
void from_json(const nlohmann::json& j, Mode& v);
void to_json(nlohmann::json& j, Role v);
void from_json(const nlohmann::json& j, Role& v);

// A Neutron port: a VM's NIC or the router's interface on a network.
struct Port {
  std::string name;                 // the VM (agent host) name, or "router"
  Mac mac;
  std::vector<Ip6> fixed_ips;       // IPv6 fixed IPs only
  Role role = Role::probe;
};

struct Subnet {
  std::string name;
  Mode mode = Mode::slaac;          // ra mode = address mode
  Ip6 prefix;
  std::uint8_t prefix_length = 64;
  Ip6 gateway_ip;
  std::vector<Ip6> dns_servers;     // dns_nameservers
  std::string dns_domain;           // domain search handed out by DHCPv6, may be empty
};

struct Network {
  std::string name;
  std::uint32_t mtu = 1500;
  Subnet subnet;                    // the IPv6 subnet under test (one per network)
  std::optional<Port> router_port;  // the router's interface on this network
  std::vector<Port> ports;          // VM ports
};

// Facts about the whole test: networks, and what lies beyond the router.
struct Facts {
  std::string source;               // "lab" or the cloud's name
  std::string backend;              // "radvd" (ML2/OVS, linuxbridge) or "ovn"; changes only documented expectations
  std::vector<Network> networks;
  std::optional<Ip6> external_target;     // north-south echo target
  std::optional<std::uint32_t> far_mtu;   // MTU of a link behind the router smaller than the tenant MTU
  std::optional<Ip6> far_target;          // a host behind that smaller link (Packet Too Big)
  std::string dns_test_name;              // a name the advertised DNS servers resolve (AAAA)
  std::vector<Ip6> dns_test_answer;
  std::optional<std::uint32_t> max_rtr_adv_interval_s;  // when the backend's RA interval is known
  nlohmann::json api;               // facts read from the API for the api section (controller only)
};

void to_json(nlohmann::json& j, const Port& v);
void from_json(const nlohmann::json& j, Port& v);
void to_json(nlohmann::json& j, const Subnet& v);
void from_json(const nlohmann::json& j, Subnet& v);
void to_json(nlohmann::json& j, const Network& v);
void from_json(const nlohmann::json& j, Network& v);
void to_json(nlohmann::json& j, const Facts& v);
void from_json(const nlohmann::json& j, Facts& v);

}  // namespace v6c::model
