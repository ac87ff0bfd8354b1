// Pure generators for the lab's daemon configurations and filter rulesets. Each mirrors
// what Neutron's agents write for the same API input (ra.py, dhcp.py, the iptables
// firewall driver), adjusted only where the model's Behaviour says so.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "v6c/lab/model.hpp"
#include "v6c/wire/plan.hpp"
#include "v6c/wire/ra.hpp"

namespace v6c::lab {

// Interface names inside the lab's namespaces. The namespaces are private to one run, so
// these are fixed and short; only namespace names carry the run prefix.
std::string router_port_ifname(const LabNetwork& n);  // qr-<net> in the router namespace
std::string dhcp_port_ifname(const LabNetwork& n);    // tap-<net> in the dhcp namespace
inline const std::string kRouterGatewayIfname = "qg";       // router's port on the provider network
inline const std::string kVmIfname = "eth0";
inline const std::string kUpstreamProviderIfname = "eth0";
inline const std::string kUpstreamFarIfname = "far0";

// The metadata address Neutron and OVN advertise a route to (RFC 4191 route information).
inline const std::string kMetadataRoute = "fe80::a9fe:a9fe/128";
inline const std::string kMetadataAddress = "fe80::a9fe:a9fe/128";  // held by the metadata proxy

// radvd.conf for the router namespace: one interface block per tenant network, as
// neutron/agent/linux/ra.py renders it (the radvd flavour; OVN sends its own RAs).
std::string radvd_conf(const LabModel& m);
// A second router on the first network (fault rogue-router): the same template, lower preference.
std::string rogue_radvd_conf(const LabModel& m, const std::string& ifname);

// Whether the router's RAs come from v6agent's advertise procedure instead of radvd: a
// router that answers RSs late (radvd always answers within MAX_RA_DELAY_TIME).
bool uses_advertiser(const LabModel& m);
// The RA the router sends on one network, field by field what radvd sends for radvd_conf()
// (its defaults where ra.py sets nothing).
wire::RouterAdvert router_advert(const LabModel& m, const LabNetwork& n);
// The plan (v6agent-plan/1) that makes v6agent the router on one network's qr- port.
wire::Plan advertiser_plan(const LabModel& m, const LabNetwork& n);

// dnsmasq for one network as neutron/agent/linux/dhcp.py starts it; `dir` holds its files.
// Empty when the network has no DHCPv6 service (slaac).
std::vector<std::string> dnsmasq_argv(const LabModel& m, const LabNetwork& n, const std::string& dir);
std::string dnsmasq_hosts(const LabModel& m, const LabNetwork& n);       // --dhcp-hostsfile
std::string dnsmasq_addn_hosts(const LabNetwork& n);                     // --addn-hosts
std::string dnsmasq_opts(const LabModel& m, const LabNetwork& n);        // --dhcp-optsfile
std::string subnet_tag(const LabNetwork& n);

// The upstream DNS server: answers AAAA for the test name, nothing else.
std::vector<std::string> dns_server_argv(const LabModel& m, const std::string& dir);

// Port security in the switch namespace, for `nft -f`: per VM port, stateless anti-spoofing
// (MAC, IP, NA target) with the DAD exception, RA guard and DHCPv6 shield (bridge family).
std::string port_security_nft(const LabModel& m);
// The security groups for `ip6tables-restore` (br_netfilter + physdev + conntrack), as
// Neutron's iptables firewall driver builds them.
std::string security_group_rules(const LabModel& m);
// Filters and NAT inside the router namespace; only fault profiles put rules here.
std::string router_rules(const LabModel& m);

}  // namespace v6c::lab
