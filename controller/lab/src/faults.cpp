#include "v6c/lab/faults.hpp"

namespace v6c::lab {
namespace {

constexpr std::uint32_t kWrongRaMtu = 1400;       // radvd refuses an AdvLinkMTU above the link's 1450
constexpr std::uint8_t kNonSlaacPrefixLength = 80; // RFC 4862 §5.5.3: SLAAC needs /64
constexpr std::uint32_t kSmallLinkMtu = 1400;     // below the tenant MTU, above 1280
// Past ra-answered's 2 s bound, inside the discover window (bound + 1 s) so that every other
// RA check still has the RA to judge.
constexpr std::uint32_t kLateAnswerMs = 2400;

}  // namespace

const std::vector<Fault>& faults() {
  static const std::vector<Fault> all = {
      {"rs-answered-late", "ra-answered",
       "the router answers Router Solicitations after 2.4 s (RFC 4861 §6.2.6: within 0.5 s)",
       [](Behaviour& b) { b.ra_answer_delay_ms = kLateAnswerMs; }},
      {"ra-hop-limit", "ra-valid", "RAs arrive with hop limit 64 (rewritten on the path), not 255",
       [](Behaviour& b) { b.ra_hop_limit_rewritten = true; }},
      {"m-flag-wrong", "ra-flags", "M flag set on slaac and dhcpv6-stateless subnets",
       [](Behaviour& b) { b.ra_managed_everywhere = true; }},
      {"prefix-80", "ra-prefix", "the prefix information option announces a /80 (SLAAC forms no address from it)",
       [](Behaviour& b) { b.ra_prefix_length = kNonSlaacPrefixLength; }, {"addr-slaac-matches-api"}},
      {"router-lifetime-0", "ra-router-lifetime", "router lifetime 0: the router is no default router",
       [](Behaviour& b) { b.ra_router_lifetime = 0; }},
      {"ra-mtu-wrong", "ra-mtu", "the RA's MTU option says 1400 on a 1450 network",
       [](Behaviour& b) { b.ra_link_mtu = kWrongRaMtu; }, {}, true},
      {"rdnss-missing", "ra-rdnss", "no RDNSS option although the slaac subnet has DNS servers",
       [](Behaviour& b) { b.ra_rdnss_off = true; }},
      {"rdnss-lifetime-short", "ra-rdnss",
       "RDNSS lifetime MaxRtrAdvInterval, below 3 × MaxRtrAdvInterval (radvd's default up to 2.19)",
       [](Behaviour& b) { b.ra_rdnss_lifetime_short = true; }},
      {"sllao-missing", "ra-sllao", "RAs without the source link-layer address option",
       [](Behaviour& b) { b.ra_sllao_off = true; }},
      {"rogue-router", "ra-single-router", "a second router advertises on the first tenant network",
       [](Behaviour& b) { b.rogue_router = true; }},
      {"ra-unicast-only", "ra-periodic", "the router sends no unsolicited RAs (radvd UnicastOnly)",
       [](Behaviour& b) { b.ra_unicast_only = true; }, {}, true},
      {"fixed-ip-mismatch", "addr-slaac-matches-api", "the API reports a fixed IP other than the EUI-64 for each network's address VM",
       [](Behaviour& b) { b.api_wrong_fixed_ip = true; }, {}, true},
      {"address-in-use", "addr-dad", "another host on the first network holds its address VM's address",
       [](Behaviour& b) { b.duplicate_address = true; }},
      {"dhcp-wrong-address", "dhcp6-stateful-address", "the stateful DHCPv6 server leases the address VM another address than its fixed IP",
       [](Behaviour& b) { b.dhcp_wrong_address = true; }, {}, true},
      {"dhcp-wrong-dns", "dhcp6-stateless-dns", "DHCPv6 hands out a DNS server the subnet does not list",
       [](Behaviour& b) { b.dhcp_no_dns = true; }, {}, true},
      {"gw-not-router", "gw-nd", "the gateway's Neighbor Advertisements lack the router flag",
       [](Behaviour& b) { b.gw_not_router = true; }},
      {"gw-no-echo", "gw-echo", "the gateway ignores echo requests",
       [](Behaviour& b) { b.gw_ignores_echo = true; }, {}, true},
      {"inbound-echo-blocked", "north-south-in", "the router drops echo requests coming in from outside",
       [](Behaviour& b) { b.inbound_echo_blocked = true; }, {}, true},
      {"east-west-blocked", "east-west", "traffic between VMs on different networks is dropped at the router",
       [](Behaviour& b) { b.east_west_blocked = true; }, {}, true},
      {"nat66", "north-south-out", "the router masquerades tenant addresses behind its gateway port",
       [](Behaviour& b) { b.nat66 = true; }, {}, true},
      {"link-mtu-small", "mtu-1280",
       "the link between VMs carries only 1400-byte packets on a network that claims 1450",
       [](Behaviour& b) { b.vm_link_mtu = kSmallLinkMtu; }},
      {"ptb-dropped", "ptb-delivered", "the router drops Packet Too Big on its way to the VMs",
       [](Behaviour& b) { b.ptb_dropped = true; }, {}, true},
      {"icmp-errors-filtered", "icmp6-errors",
       "the security group drops Destination Unreachable; Time Exceeded passes, so only the router's side "
       "shows the errors the router sent",
       [](Behaviour& b) { b.sg_drops_dest_unreachable = true; }},
      {"dns-down", "dns-aaaa", "the advertised DNS server does not answer",
       [](Behaviour& b) { b.dns_down = true; }, {}, true},
      // ovn only: the radvd flavour, like Neutron's DHCP agent by default, holds no on-link
      // metadata address to remove.
      {"no-metadata", "metadata-v6", "no metadata proxy holds fe80::a9fe:a9fe",
       [](Behaviour& b) { b.metadata_absent = true; }, {}, true, false},
      {"no-ra-guard", "sec-ra-guard", "RAs sent by VMs are not dropped",
       [](Behaviour& b) { b.ra_guard_off = true; }},
      {"no-dhcp-shield", "sec-dhcp6-shield", "DHCPv6 server replies sent by VMs are not dropped",
       [](Behaviour& b) { b.dhcp_shield_off = true; }},
      {"no-source-ip-filter", "sec-source-ip", "VMs may send from addresses not their own",
       [](Behaviour& b) { b.source_ip_filter_off = true; }},
      {"no-source-mac-filter", "sec-source-mac", "VMs may send frames with a foreign source MAC",
       [](Behaviour& b) { b.source_mac_filter_off = true; }},
      {"no-na-filter", "sec-na-spoof", "VMs may advertise any target in a Neighbor Advertisement",
       [](Behaviour& b) { b.na_filter_off = true; }},
      {"redirect-admitted", "sec-redirect", "the security group admits ICMPv6 Redirects",
       [](Behaviour& b) { b.sg_admits_redirect = true; }},
      {"sg-open", "sec-default-sg", "the default security group admits all unsolicited inbound traffic",
       [](Behaviour& b) { b.sg_ingress_open = true; }},
  };
  return all;
}

const Fault* find_fault(const std::string& name) {
  for (const auto& f : faults())
    if (f.name == name) return &f;
  return nullptr;
}

const std::vector<Unexercised>& unexercised_requirements() {
  static const std::vector<Unexercised> all = {
      {"api-default-subnetpool", "API check: the lab has no Neutron API"},
      {"api-subnetpool-64", "API check: the lab has no Neutron API"},
      {"api-default-provider-net", "API check: the lab has no Neutron API"},
      {"api-address-modes", "API check: the lab has no Neutron API"},
      {"api-invalid-modes", "API check: the lab has no Neutron API"},
      {"api-rbac-restricted", "API check: the lab has no Neutron API"},
      {"dhcp6-transport", "rewriting a reply's source on the bridge broke the whole exchange, not only this check"},
      {"ra-periodic", "only with --slow: periodic RAs take minutes at Neutron's intervals"},
      {"icmp6-addr-unreachable", "the lab's unassigned address lies beyond the upstream router (so that east-west faults "
                                 "do not hide icmp6-errors' Destination Unreachable): the cloud router is not asked"},
  };
  return all;
}

std::optional<std::string> apply_faults(LabModel& m, const std::vector<std::string>& names) {
  for (const auto& n : names) {
    const Fault* f = find_fault(n);
    if (!f || (m.flavour == Flavour::ovn ? !f->on_ovn : !f->on_radvd)) return n;
    f->apply(m.behaviour);
  }
  return std::nullopt;
}

}  // namespace v6c::lab
