#include "v6c/lab/config.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "v6c/wire/json.hpp"

namespace v6c::lab {
namespace {

constexpr std::size_t kMaxRdnssEntries = 3;     // ra.py MAX_RDNSS_ENTRIES
constexpr std::uint8_t kFaultHopLimit = 64;     // what a broken path leaves of RFC 4861's 255
constexpr std::uint32_t kIpv6HeaderBytes = 40;  // nft's "ip6 length" is the payload length
constexpr std::uint16_t kDhcpServerPort = 547;  // RFC 8415 §7.2
constexpr std::uint16_t kDhcpClientPort = 546;
constexpr std::uint32_t kDnsmasqLeaseMax = 1u << 24;  // Neutron's dnsmasq_lease_max default
// ICMPv6 types (RFC 4443, RFC 4861, RFC 2710) as ip6tables writes them.
constexpr int kIcmpDestUnreachable = 1, kIcmpPacketTooBig = 2;
constexpr int kIcmpEchoRequest = 128, kIcmpMldQuery = 130, kIcmpRa = 134;
constexpr int kIcmpNs = 135, kIcmpNa = 136, kIcmpRedirect = 137;
// Byte offset of the NA target inside the ICMPv6 message (RFC 4861 §4.4), in bits for nft.
constexpr int kNaTargetBitOffset = 64;
// radvd 2.19's defaults for what ra.py leaves unset (radvd.conf(5)).
constexpr std::uint8_t kRadvdCurHopLimit = 64;
constexpr std::uint32_t kRadvdValidLifetime = 86400, kRadvdPreferredLifetime = 14400;
constexpr std::uint32_t kRadvdLifetimeFactor = 3;  // router and route lifetimes: 3 × MaxRtrAdvInterval
const Ip6 kMetadataIp = *Ip6::parse("fe80::a9fe:a9fe");  // kMetadataRoute's address
constexpr std::uint8_t kMetadataRouteLength = 128;

std::string cidr(const Ip6& prefix, unsigned length) { return prefix.str() + "/" + std::to_string(length); }

// nft cannot compare a raw 128-bit payload with an address literal, only with an integer.
std::string as_u128(const Ip6& a) {
  std::string s = "0x";
  char b[3];
  for (auto byte : a.bytes) {
    std::snprintf(b, sizeof b, "%02x", byte);
    s += b;
  }
  return s;
}

std::string joined(const std::vector<std::string>& items, const std::string& sep) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : sep) + i;
  return s;
}

bool has_dhcp(const LabNetwork& n) { return n.mode != Mode::slaac; }

// One interface block in ra.py's template order; lab/OVN additions follow in their own section.
void radvd_block(std::ostream& o, const LabModel& m, const LabNetwork& n, const std::string& ifname, bool rogue) {
  const auto& b = m.behaviour;
  const auto timers = m.ra_timers();
  const std::uint32_t mtu = b.ra_link_mtu.value_or(n.mtu);
  const std::uint8_t plen = b.ra_prefix_length.value_or(kSubnetPrefixLength);
  o << "interface " << ifname << "\n{\n";
  o << "   AdvSendAdvert on;\n";
  o << "   MinRtrAdvInterval " << timers.min_interval_s << ";\n";
  o << "   MaxRtrAdvInterval " << timers.max_interval_s << ";\n";
  if (mtu >= kIpv6MinMtu) o << "   AdvLinkMTU " << mtu << ";\n";
  if (n.mode == Mode::dhcpv6_stateless) o << "   AdvOtherConfigFlag on;\n";
  if (n.mode == Mode::dhcpv6_stateful || b.ra_managed_everywhere) o << "   AdvManagedFlag on;\n";
  // ra.py: RDNSS from slaac subnets' dns_nameservers only.
  if (n.mode == Mode::slaac && !b.ra_rdnss_off && !n.dns_servers.empty()) {
    o << "   RDNSS";
    for (std::size_t i = 0; i < n.dns_servers.size() && i < kMaxRdnssEntries; ++i) o << " " << n.dns_servers[i].str();
    // ra.py states no lifetime: radvd's default (MaxRtrAdvInterval up to 2.19, three times
    // that from 2.20). The fault states the short one, whatever the radvd.
    if (b.ra_rdnss_lifetime_short) o << " {\n        AdvRDNSSLifetime " << timers.max_interval_s << ";\n   };\n";
    else o << " {};\n";
  }
  // Not from ra.py: the lab's fault knobs, the rogue router's preference.
  if (b.ra_router_lifetime) o << "   AdvDefaultLifetime " << *b.ra_router_lifetime << ";\n";
  if (b.ra_sllao_off) o << "   AdvSourceLLAddress off;\n";
  if (b.ra_unicast_only && !rogue) o << "   UnicastOnly on;\n";
  if (rogue) o << "   AdvDefaultPreference low;\n";
  o << "   prefix " << cidr(n.prefix, plen) << "\n   {\n";
  o << "        AdvOnLink on;\n";
  o << "        AdvAutonomous " << (n.mode == Mode::dhcpv6_stateful ? "off" : "on") << ";\n";
  if (b.ra_prefix_deprecated) o << "        AdvPreferredLifetime 0;\n";
  o << "   };\n";
  o << "   route " << kMetadataRoute << " {};\n";
  o << "};\n";
}

void append_rules(std::ostream& o, const std::string& chain, const std::vector<std::string>& matches,
                  const std::string& target) {
  for (const auto& mt : matches) o << "-A " << chain << " " << mt << (mt.empty() ? "" : " ") << "-j " << target << "\n";
}

std::string icmp6(int type) { return "-p ipv6-icmp -m icmp6 --icmpv6-type " + std::to_string(type); }

}  // namespace

std::string router_port_ifname(const LabNetwork& n) { return "qr-" + n.name; }
std::string dhcp_port_ifname(const LabNetwork& n) { return "tap-" + n.name; }
std::string subnet_tag(const LabNetwork& n) { return "subnet-" + n.name; }

std::string radvd_conf(const LabModel& m) {
  std::ostringstream o;
  for (const auto& n : m.networks) radvd_block(o, m, n, router_port_ifname(n), false);
  return o.str();
}

std::string rogue_radvd_conf(const LabModel& m, const std::string& ifname) {
  std::ostringstream o;
  radvd_block(o, m, m.networks.front(), ifname, true);
  return o.str();
}

bool uses_advertiser(const LabModel& m) { return m.behaviour.ra_answer_delay_ms.has_value(); }

wire::RouterAdvert router_advert(const LabModel& m, const LabNetwork& n) {
  const auto& b = m.behaviour;
  const auto timers = m.ra_timers();
  const std::uint32_t factor_lifetime = kRadvdLifetimeFactor * timers.max_interval_s;
  wire::RouterAdvert ra;
  ra.cur_hop_limit = kRadvdCurHopLimit;
  ra.managed = n.mode == Mode::dhcpv6_stateful || b.ra_managed_everywhere;
  ra.other = n.mode == Mode::dhcpv6_stateless;
  ra.router_lifetime_s = static_cast<std::uint16_t>(b.ra_router_lifetime.value_or(factor_lifetime));
  if (!b.ra_sllao_off) ra.source_lla = n.router.mac;
  if (const auto mtu = b.ra_link_mtu.value_or(n.mtu); mtu >= kIpv6MinMtu) ra.mtu = mtu;
  wire::PrefixInfo pio;
  pio.prefix = n.prefix;
  pio.length = b.ra_prefix_length.value_or(kSubnetPrefixLength);
  pio.on_link = true;
  pio.autonomous = n.mode != Mode::dhcpv6_stateful;
  pio.valid_s = kRadvdValidLifetime;
  pio.preferred_s = b.ra_prefix_deprecated ? 0 : kRadvdPreferredLifetime;
  ra.prefixes.push_back(pio);
  ra.routes.push_back({kMetadataIp, kMetadataRouteLength, 0, factor_lifetime});
  if (n.mode == Mode::slaac && !b.ra_rdnss_off && !n.dns_servers.empty()) {
    wire::Rdnss rd{timers.max_interval_s * (b.ra_rdnss_lifetime_short ? 1 : m.radvd_rdnss_lifetime_factor), {}};
    for (std::size_t i = 0; i < n.dns_servers.size() && i < kMaxRdnssEntries; ++i) rd.servers.push_back(n.dns_servers[i]);
    ra.rdnss.push_back(rd);
  }
  return ra;
}

wire::Plan advertiser_plan(const LabModel& m, const LabNetwork& n) {
  const wire::AdvertiseSpec advertise{
      .ra = router_advert(m, n),
      .add_source_lla = !m.behaviour.ra_sllao_off,
      // Periodic at the shortest interval, so ra-periodic's MaxRtrAdvInterval holds.
      .interval_ms = m.behaviour.ra_unicast_only ? 0 : m.ra_timers().min_interval_s * 1000,
      .answer_delay_ms = m.behaviour.ra_answer_delay_ms.value_or(0)};
  return {.host = "router-" + n.name, .interface = router_port_ifname(n), .procedures = {{"router-" + n.name, advertise}}};
}

std::vector<std::string> dnsmasq_argv(const LabModel& m, const LabNetwork& n, const std::string& dir) {
  if (!has_dhcp(n)) return {};
  // neutron/agent/linux/dhcp.py Dnsmasq._build_cmdline_callback with the agent's defaults.
  std::vector<std::string> argv = {
      "dnsmasq",
      "--no-hosts",
      "--no-resolv",
      "--pid-file=" + dir + "/pid",
      "--dhcp-hostsfile=" + dir + "/host",
      "--addn-hosts=" + dir + "/addn_hosts",
      "--dhcp-optsfile=" + dir + "/opts",
      "--dhcp-leasefile=" + dir + "/leases",
      "--dhcp-match=set:ipxe,175",
      "--dhcp-userclass=set:ipxe6,iPXE",
      "--local-service",
      "--bind-dynamic",  // every interface of its own namespace: the network's DHCP port
      "--dhcp-range=set:" + subnet_tag(n) + "," + n.prefix.str() + ",static," +
          std::to_string(kSubnetPrefixLength) + "," + std::to_string(kDhcpLeaseSeconds) + "s",
      "--dhcp-option-force=option:mtu," + std::to_string(n.mtu),
      "--dhcp-lease-max=" + std::to_string(kDnsmasqLeaseMax),  // a /64's size, capped
      "--conf-file=/dev/null",
      "--domain=" + n.dns_domain,
      // Lab only: the log stays with the run's files, and root keeps access to them.
      "--log-facility=" + dir + "/log",
      "--user=root",
  };
  (void)m;
  return argv;
}

std::string dnsmasq_hosts(const LabModel& m, const LabNetwork& n) {
  if (n.mode != Mode::dhcpv6_stateful) return "";  // dhcp.py writes no address entries for slaac/stateless ports
  std::ostringstream o;
  auto line = [&](const LabPort& p) {
    const Ip6 addr = leased_address(m, n, p);
    std::string host = "host-" + p.fixed_ips.front().str();
    for (auto& c : host) c = c == ':' ? '-' : c;
    // dhcp.py _output_hosts_file: the tag makes the entry DHCPv6-only (HOST_DHCPV6_TAG).
    o << p.mac.str() << ",tag:dhcpv6," << host << "." << n.dns_domain << ",[" << addr.str() << "]\n";
  };
  line(n.router);
  line(n.dhcp);
  for (const auto& vm : n.vms) line(vm);
  return o.str();
}

std::string dnsmasq_addn_hosts(const LabNetwork& n) {
  std::ostringstream o;
  auto line = [&](const LabPort& p) {
    std::string host = "host-" + p.fixed_ips.front().str();
    for (auto& c : host) c = c == ':' ? '-' : c;
    o << p.fixed_ips.front().str() << "\t" << host << "." << n.dns_domain << " " << host << "\n";
  };
  line(n.router);
  line(n.dhcp);
  for (const auto& vm : n.vms) line(vm);
  return o.str();
}

std::string dnsmasq_opts(const LabModel& m, const LabNetwork& n) {
  if (!has_dhcp(n)) return "";
  std::vector<std::string> servers;
  for (const auto& s : dhcp_dns_servers(m, n)) servers.push_back("[" + s.str() + "]");
  std::vector<std::string> lines;
  if (!servers.empty()) lines.push_back("tag:" + subnet_tag(n) + ",option6:dns-server," + joined(servers, ","));
  if (!n.dns_domain.empty()) lines.push_back("tag:" + subnet_tag(n) + ",option6:domain-search," + n.dns_domain);
  return joined(lines, "\n");
}

std::vector<std::string> dns_server_argv(const LabModel& m, const std::string& dir) {
  return {"dnsmasq",
          "--no-hosts",
          "--no-resolv",
          "--conf-file=/dev/null",
          "--bind-interfaces",
          "--listen-address=" + m.upstream.dns_server.str(),
          "--host-record=" + m.upstream.dns_test_name + "," + m.upstream.dns_test_answer.str(),
          "--pid-file=" + dir + "/dns.pid",
          "--log-facility=" + dir + "/dns.log",
          "--user=root"};
}

std::string port_security_nft(const LabModel& m) {
  const auto& b = m.behaviour;
  std::ostringstream o;
  o << "table bridge portsec {\n";
  o << "  chain forward {\n    type filter hook forward priority filter; policy accept;\n";
  for (const auto& [net, port] : m.vm_ports()) o << "    iifname \"" << port->bridge_port << "\" jump from_" << port->name << "\n";
  for (const auto& n : m.networks) {
    if (b.ra_hop_limit_rewritten)
      o << "    iifname \"" << n.router.bridge_port << "\" icmpv6 type nd-router-advert ip6 hoplimit set "
        << unsigned(kFaultHopLimit) << "\n";
  }
  if (b.vm_link_mtu) {
    // The link between VMs (an overlay between compute nodes) carries less than the network's
    // MTU; the router's port is not on that path.
    std::vector<std::string> vms;
    for (const auto& [net, port] : m.vm_ports()) vms.push_back("\"" + port->bridge_port + "\"");
    o << "    iifname { " << joined(vms, ", ") << " } oifname { " << joined(vms, ", ") << " } ip6 length > "
      << *b.vm_link_mtu - kIpv6HeaderBytes << " drop\n";
  }
  o << "  }\n";
  // RFC 7112: a first fragment must hold the whole header chain; if nft cannot find the
  // upper-layer header there, an RA or DHCPv6 reply could hide behind it (RFC 7113 §3).
  // l4proto alone is not proof: cut inside an options header it already names the next
  // protocol, so the transport header is loaded too (the load fails when it is missing).
  o << "  chain first_fragment {\n    meta l4proto { tcp, udp, ipv6-icmp } th sport 0-65535 return\n    drop\n  }\n";
  for (const auto& [net, port] : m.vm_ports()) {
    std::vector<std::string> own = {wire::link_local_of(port->mac).str()};
    std::vector<std::string> own_u128 = {as_u128(wire::link_local_of(port->mac))};
    for (const auto& a : port->fixed_ips) {
      own.push_back(a.str());
      own_u128.push_back(as_u128(a));
    }
    o << "  chain from_" << port->name << " {\n";
    if (!b.source_mac_filter_off) o << "    ether saddr != " << port->mac.str() << " drop\n";
    // DAD and MLD reports come from :: (RFC 4862 §5.4.2, RFC 3810 §5.2.13): Neutron's
    // ICMPV6_ALLOWED_UNSPEC_ADDR_TYPES.
    o << "    ip6 saddr :: ip6 daddr ff02::/16 icmpv6 type { nd-neighbor-solicit, mld-listener-report, "
         "mld2-listener-report } accept\n";
    o << "    frag frag-off 0 jump first_fragment\n";
    if (!b.source_ip_filter_off) o << "    ether type ip6 ip6 saddr != { " << joined(own, ", ") << " } drop\n";
    if (!b.ra_guard_off) o << "    icmpv6 type nd-router-advert drop\n";
    if (!b.dhcp_shield_off) o << "    udp sport " << kDhcpServerPort << " udp dport " << kDhcpClientPort << " drop\n";
    if (!b.na_filter_off)
      o << "    icmpv6 type nd-neighbor-advert @th," << kNaTargetBitOffset << ",128 != { " << joined(own_u128, ", ")
        << " } drop\n";
    o << "  }\n";
  }
  o << "}\n";
  return o.str();
}

std::string security_group_rules(const LabModel& m) {
  const auto& b = m.behaviour;
  std::vector<std::string> members;  // the default group's remote-group rule admits these
  for (const auto& [net, port] : m.vm_ports())
    if (port->group == SecurityGroup::default_group)
      for (const auto& a : port->fixed_ips) members.push_back("-s " + a.str() + "/128");
  std::ostringstream o;
  o << "*filter\n:FORWARD ACCEPT [0:0]\n";
  for (const auto& [net, port] : m.vm_ports()) o << ":in-" << port->name << " - [0:0]\n";
  for (const auto& [net, port] : m.vm_ports()) {
    o << "-A FORWARD -m physdev --physdev-out " << port->bridge_port << " --physdev-is-bridged -j in-" << port->name
      << "\n";
  }
  for (const auto& [net, port] : m.vm_ports()) {
    const std::string chain = "in-" + port->name;
    if (b.sg_drops_dest_unreachable) append_rules(o, chain, {icmp6(kIcmpDestUnreachable)}, "DROP");
    if (b.sg_admits_redirect) append_rules(o, chain, {icmp6(kIcmpRedirect)}, "ACCEPT");
    if (b.sg_ingress_open) {
      append_rules(o, chain, {icmp6(kIcmpRedirect)}, "DROP");  // keeps sec-redirect apart
      append_rules(o, chain, {""}, "ACCEPT");
    }
    append_rules(o, chain, {"-m conntrack --ctstate RELATED,ESTABLISHED"}, "ACCEPT");
    // Always admitted ingress (neutron/agent/firewall.py): MLD query, NS, NA, and RA.
    append_rules(o, chain, {icmp6(kIcmpMldQuery), icmp6(kIcmpNs), icmp6(kIcmpNa), icmp6(kIcmpRa)}, "ACCEPT");
    // DHCPv6 replies to a multicast Solicit are not conntrack replies, so they need their own rule.
    append_rules(o, chain,
                 {"-s fe80::/64 -p udp -m udp --sport " + std::to_string(kDhcpServerPort) + " --dport " +
                  std::to_string(kDhcpClientPort)},
                 "ACCEPT");
    if (port->group == SecurityGroup::default_group) append_rules(o, chain, members, "ACCEPT");
    // Probe VMs, like `v6conform run`'s agents group, admit echo requests from anywhere
    // (north-south-in); the victim keeps the default group alone.
    if (port->role == Role::probe) append_rules(o, chain, {icmp6(kIcmpEchoRequest)}, "ACCEPT");
    append_rules(o, chain, {"-m conntrack --ctstate INVALID"}, "DROP");
    append_rules(o, chain, {""}, "DROP");
  }
  o << "COMMIT\n";
  return o.str();
}

std::string router_rules(const LabModel& m) {
  const auto& b = m.behaviour;
  std::ostringstream o;
  o << "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n";
  if (b.gw_ignores_echo) append_rules(o, "INPUT", {icmp6(kIcmpEchoRequest)}, "DROP");
  if (b.inbound_echo_blocked)
    append_rules(o, "FORWARD", {"-i " + kRouterGatewayIfname + " " + icmp6(kIcmpEchoRequest)}, "DROP");
  if (b.ptb_dropped) append_rules(o, "FORWARD", {icmp6(kIcmpPacketTooBig)}, "DROP");
  if (b.east_west_blocked) append_rules(o, "FORWARD", {"-i qr-+ -o qr-+"}, "DROP");
  o << "COMMIT\n";
  if (b.nat66) {
    o << "*nat\n:POSTROUTING ACCEPT [0:0]\n";
    append_rules(o, "POSTROUTING", {"-o " + kRouterGatewayIfname}, "MASQUERADE");
    o << "COMMIT\n";
  }
  return o.str();
}

}  // namespace v6c::lab
