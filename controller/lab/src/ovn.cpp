#include "v6c/lab/ovn.hpp"

#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "v6c/lab/config.hpp"

namespace v6c::lab {
namespace {

using namespace std::chrono_literals;

const std::string kIntegrationBridge = "br-int";
const std::string kProviderBridge = "br-ex";
const std::string kRouter = "neutron-router";
const std::string kExternalSwitch = "neutron-ext";
const std::string kGatewayRouterPort = "lrp-gw";
const std::string kDefaultGroup = "pg_default", kAttackerGroup = "pg_attacker", kAgentsGroup = "pg_agents";
constexpr std::uint8_t kGatewayNetworkIndex = 0xff;  // picks the gateway port's MAC
constexpr int kGatewayPortNumber = 1;
// Neutron's DHCPv6 server_id: a MAC from base_mac that no port has (ovn_client.py).
constexpr int kDhcpServerIdPortNumber = 0xfd;
// neutron/common/ovn/constants.py ACL_PRIORITY_DROP: 1000 since Neutron 2a0b2c1dac (2026), which
// moved 1001 to the per-group logging drop; 1001 before.
constexpr int kAclDropPriority = 1000;
constexpr int kAclAllowPriority = 1002;  // ACL_PRIORITY_ALLOW
constexpr int kEchoRequestType = 128;    // RFC 4443 §4.1
constexpr int kPacketTooBigType = 2;     // RFC 4443 §3.2
constexpr int kRedirectType = 137;       // RFC 4861 §4.5
constexpr int kFaultPriority = 1003;     // above every rule of Neutron's, below OVN's own (≥ 32000)
constexpr auto kBindTimeout = 30s;       // topology written to every port bound, on a loaded host

// An OVSDB string atom: quoted, so colons, braces and spaces stay inside the value.
std::string q(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Commands for one ovn-nbctl or ovs-vsctl run, joined by "--".
struct Commands {
  host::Argv args;
  void add(std::initializer_list<std::string> cmd) {
    if (!args.empty()) args.push_back("--");
    args.insert(args.end(), cmd);
  }
  void add(const host::Argv& cmd) {
    if (!args.empty()) args.push_back("--");
    args.insert(args.end(), cmd.begin(), cmd.end());
  }
};

std::string address_mode(const LabNetwork& n) {
  if (n.mode == Mode::dhcpv6_stateful) return "dhcpv6_stateful";
  if (n.mode == Mode::dhcpv6_stateless) return "dhcpv6_stateless";
  return "slaac";
}

std::string network_switch(const LabNetwork& n) { return "neutron-" + n.name; }
std::string router_port(const LabNetwork& n) { return "lrp-" + n.name; }
std::string router_switch_port(const LabNetwork& n) { return "rp-" + n.name; }
std::string port_addresses(const LabPort& p) { return p.mac.str() + " " + port_address(p).str(); }

const char* group_of(SecurityGroup g) { return g == SecurityGroup::attacker_only ? "pg_attacker" : "pg_default"; }

// A logical switch per network, a port per VM with addresses and port security, the
// metadata port (localport, the DHCP port's address) and the router's port.
void add_network(Commands& c, const LabModel& m, const LabNetwork& n) {
  const auto ls = network_switch(n);
  c.add({"ls-add", ls});
  c.add({"set", "Logical_Switch", ls, "external_ids:\"neutron:network_name\"=" + q(n.name),
         "external_ids:\"neutron:mtu\"=" + q(std::to_string(n.mtu)), "other_config:mcast_snoop=\"false\"",
         "other_config:mcast_flood_unregistered=\"false\"", "other_config:vlan-passthru=\"false\""});
  for (const auto& vm : n.vms) {
    const auto lsp = ovn_switch_port(n, vm);
    std::string groups = group_of(vm.group);
    if (vm.role == Role::probe) groups += "," + kAgentsGroup;
    c.add({"lsp-add", ls, lsp});
    // OVN leases a stateful port the address in `addresses`; port security keeps the fixed IP.
    c.add({"lsp-set-addresses", lsp, vm.mac.str() + " " + leased_address(m, n, vm).str()});
    c.add({"lsp-set-port-security", lsp, port_addresses(vm)});
    c.add({"set", "Logical_Switch_Port", lsp, "options:requested-chassis=" + q(ovn_chassis(m)),
           "options:mcast_flood_reports=\"true\"",
           "external_ids:\"neutron:cidrs\"=" + q(port_address(vm).str() + "/" + std::to_string(kSubnetPrefixLength)),
           "external_ids:\"neutron:device_owner\"=\"compute:nova\"",
           "external_ids:\"neutron:security_group_ids\"=" + q(groups)});
  }
  const auto meta = ovn_switch_port(n, n.dhcp);
  c.add({"lsp-add", ls, meta});
  c.add({"lsp-set-type", meta, "localport"});
  c.add({"lsp-set-addresses", meta, port_addresses(n.dhcp)});
  c.add({"set", "Logical_Switch_Port", meta, "external_ids:\"neutron:device_owner\"=\"network:distributed\""});
  const auto rp = router_switch_port(n);
  c.add({"lsp-add", ls, rp});
  c.add({"lsp-set-type", rp, "router"});
  c.add({"lsp-set-addresses", rp, "router"});
  c.add({"lsp-set-options", rp, "router-port=" + router_port(n)});
  c.add({"set", "Logical_Switch_Port", rp, "external_ids:\"neutron:device_owner\"=\"network:router_interface\""});
}

// Neutron's DHCP_Options for a DHCPv6 subnet (none for slaac): server_id, dns_server, the
// domain search list quoted as Neutron quotes strings, dhcpv6_stateless for stateless.
void add_dhcp_options(Commands& c, const LabModel& m, const LabNetwork& n) {
  if (n.mode == Mode::slaac) return;
  const std::string id = "@dhcp" + std::to_string(n.index);
  std::string servers;
  for (const auto& s : dhcp_dns_servers(m, n)) servers += (servers.empty() ? "" : ", ") + s.str();
  host::Argv create = {"--id=" + id, "create", "DHCP_Options",
                       "cidr=" + q(n.prefix.str() + "/" + std::to_string(kSubnetPrefixLength)),
                       "options:server_id=" + q(neutron_mac(n.index, kDhcpServerIdPortNumber).str()),
                       "options:dns_server=" + q("{" + servers + "}"),
                       "options:domain_search=" + q(q(n.dns_domain)),
                       "external_ids:subnet_id=" + q(n.name + "-v6")};
  if (n.mode == Mode::dhcpv6_stateless) create.push_back("options:dhcpv6_stateless=\"true\"");
  c.add(create);
  for (const auto& vm : n.vms) c.add({"set", "Logical_Switch_Port", ovn_switch_port(n, vm), "dhcpv6_options=" + id});
}

// The router: a port per subnet with ipv6_ra_configs as Neutron sets them (OVN's default
// intervals unless --slow), and the gateway port on the external network, whose localnet
// port is the provider bridge's link to upstream.
void add_router(Commands& c, const LabModel& m) {
  c.add({"lr-add", kRouter});
  c.add({"set", "Logical_Router", kRouter, "options:always_learn_from_arp_request=\"false\"",
         "options:dynamic_neigh_routers=\"true\""});
  for (const auto& n : m.networks) {
    const auto lrp = router_port(n);
    c.add({"lrp-add", kRouter, lrp, n.router.mac.str(), n.gateway_ip.str() + "/" + std::to_string(kSubnetPrefixLength)});
    const auto& b = m.behaviour;
    host::Argv ra = {"set", "Logical_Router_Port", lrp, "ipv6_ra_configs:address_mode=" + q(address_mode(n)),
                     "ipv6_ra_configs:send_periodic=" + q(b.ra_unicast_only ? "false" : "true"),
                     "ipv6_ra_configs:mtu=" + q(std::to_string(b.ra_link_mtu.value_or(n.mtu)))};
    if (m.slow) {
      ra.push_back("ipv6_ra_configs:min_interval=" + q(std::to_string(m.ra_timers().min_interval_s)));
      ra.push_back("ipv6_ra_configs:max_interval=" + q(std::to_string(m.ra_timers().max_interval_s)));
    }
    c.add(ra);
  }
  const auto& up = m.upstream;
  c.add({"ls-add", kExternalSwitch});
  c.add({"set", "Logical_Switch", kExternalSwitch, "external_ids:\"neutron:mtu\"=" + q(std::to_string(kProviderMtu))});
  c.add({"lsp-add", kExternalSwitch, "provnet-ext"});
  c.add({"lsp-set-type", "provnet-ext", "localnet"});
  c.add({"lsp-set-addresses", "provnet-ext", "unknown"});
  c.add({"lsp-set-options", "provnet-ext", "network_name=" + kOvnPhysnet});
  c.add({"lrp-add", kRouter, kGatewayRouterPort, neutron_mac(kGatewayNetworkIndex, kGatewayPortNumber).str(),
         up.router_gateway_port.str() + "/" + std::to_string(kSubnetPrefixLength)});
  c.add({"lrp-set-gateway-chassis", kGatewayRouterPort, ovn_chassis(m), "1"});
  c.add({"lsp-add", kExternalSwitch, "rp-gw"});
  c.add({"lsp-set-type", "rp-gw", "router"});
  c.add({"lsp-set-addresses", "rp-gw", "router"});
  c.add({"lsp-set-options", "rp-gw", "router-port=" + kGatewayRouterPort});
  c.add({"lr-route-add", kRouter, "::/0", up.gateway.str()});
}

// Security groups as Neutron's port groups: every port in the drop group (priority 1000),
// the default group's allow-related rules at 1002 with remote-group ingress through the
// address set OVN derives from the group, a group of its own for the attacker, and the probe
// VMs' group admitting echo requests from anywhere (north-south-in).
void add_security_groups(Commands& c, const LabModel& m) {
  host::Argv drop = {"pg-add", kOvnDropGroup}, def = {"pg-add", kDefaultGroup}, att = {"pg-add", kAttackerGroup},
             agents = {"pg-add", kAgentsGroup};
  for (const auto& [n, p] : m.vm_ports()) {
    const auto lsp = ovn_switch_port(*n, *p);
    drop.push_back(lsp);
    (p->group == SecurityGroup::attacker_only ? att : def).push_back(lsp);
    if (p->role == Role::probe) agents.push_back(lsp);
  }
  for (const auto& g : {drop, def, att, agents}) c.add(g);
  const auto acl = [&](const std::string& pg, const char* dir, int prio, const std::string& match, const char* verdict) {
    c.add({"acl-add", pg, dir, std::to_string(prio), match, verdict});
  };
  acl(kOvnDropGroup, "from-lport", kAclDropPriority, "inport == @" + kOvnDropGroup + " && ip", "drop");
  acl(kOvnDropGroup, "to-lport", kAclDropPriority, "outport == @" + kOvnDropGroup + " && ip", "drop");
  for (const auto& pg : {kDefaultGroup, kAttackerGroup, kAgentsGroup})
    for (const char* ip : {"ip4", "ip6"})
      acl(pg, "from-lport", kAclAllowPriority, "inport == @" + pg + " && " + ip, "allow-related");
  for (const char* ip : {"ip4", "ip6"})
    acl(kDefaultGroup, "to-lport", kAclAllowPriority,
        "outport == @" + kDefaultGroup + " && " + ip + " && " + ip + ".src == $" + kDefaultGroup + "_" + ip,
        "allow-related");
  acl(kAgentsGroup, "to-lport", kAclAllowPriority,
      "outport == @" + kAgentsGroup + " && ip6 && icmp6 && icmp6.type == " + std::to_string(kEchoRequestType),
      "allow-related");
}

// The fault profiles the ovn flavour builds (Fault::on_ovn), as changes an operator or a
// driver could make to the northbound database: router policies and NAT, and ACLs above the
// security groups' own.
void add_faults(Commands& c, const LabModel& m) {
  const auto& b = m.behaviour;
  std::string tenants;
  for (const auto& n : m.networks)
    tenants += (tenants.empty() ? "" : ", ") + n.prefix.str() + "/" + std::to_string(kSubnetPrefixLength);
  const auto policy = [&](const std::string& match) {
    c.add({"lr-policy-add", kRouter, std::to_string(kFaultPriority), match, "drop"});
  };
  if (b.inbound_echo_blocked)
    policy("inport == " + q(kGatewayRouterPort) + " && icmp6 && icmp6.type == " + std::to_string(kEchoRequestType));
  if (b.east_west_blocked) policy("ip6.src == {" + tenants + "} && ip6.dst == {" + tenants + "}");
  if (b.ptb_dropped) policy("icmp6 && icmp6.type == " + std::to_string(kPacketTooBigType));
  if (b.nat66)
    for (const auto& n : m.networks)
      c.add({"lr-nat-add", kRouter, "snat", m.upstream.router_gateway_port.str(),
             n.prefix.str() + "/" + std::to_string(kSubnetPrefixLength)});
  if (b.gw_ignores_echo)
    for (const auto& n : m.networks)
      c.add({"acl-add", network_switch(n), "to-lport", std::to_string(kFaultPriority),
             "outport == " + q(router_switch_port(n)) + " && ip6.dst == " + n.gateway_ip.str() +
                 " && icmp6 && icmp6.type == " + std::to_string(kEchoRequestType),
             "drop"});
  const std::string redirect = "icmp6 && icmp6.type == " + std::to_string(kRedirectType);
  if (b.sg_admits_redirect)
    c.add({"acl-add", kDefaultGroup, "to-lport", std::to_string(kAclAllowPriority),
           "outport == @" + kDefaultGroup + " && " + redirect, "allow-related"});
  if (b.sg_ingress_open) {
    c.add({"acl-add", kDefaultGroup, "to-lport", std::to_string(kFaultPriority),
           "outport == @" + kDefaultGroup + " && " + redirect, "drop"});  // keeps sec-redirect apart
    c.add({"acl-add", kDefaultGroup, "to-lport", std::to_string(kAclAllowPriority),
           "outport == @" + kDefaultGroup + " && ip6", "allow-related"});
  }
}

// The veths' transmit checksum offload leaves partial checksums that the userspace
// datapath's conntrack takes for bad ones: UDP and TCP through the stateful ACLs would die.
void tx_checksum_off(const std::string& netns, const std::vector<std::string>& ifnames) {
  std::string failed;
  host::in_netns(netns, [&] {
    int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    for (const auto& i : ifnames) {
      ethtool_value v{ETHTOOL_STXCSUM, 0};
      ifreq ifr{};
      std::strncpy(ifr.ifr_name, i.c_str(), IFNAMSIZ - 1);
      ifr.ifr_data = reinterpret_cast<char*>(&v);
      if (fd < 0 || ::ioctl(fd, SIOCETHTOOL, &ifr) != 0) failed = i;
    }
    if (fd >= 0) ::close(fd);
  });
  if (!failed.empty()) throw host::HostError("[" + netns + "] cannot turn off tx checksumming on " + failed);
}

void checksums_off(const LabModel& m) {
  std::vector<std::string> switch_side = {kRouterGatewayIfname};
  for (const auto& n : m.networks) {
    switch_side.push_back(n.dhcp.bridge_port);
    tx_checksum_off(m.dhcp_ns(n), {dhcp_port_ifname(n)});
    for (const auto& vm : n.vms) {
      if (m.is_guest(vm)) continue;
      switch_side.push_back(vm.bridge_port);
      tx_checksum_off(m.ns(vm.netns_suffix), {kVmIfname});
    }
  }
  tx_checksum_off(m.switch_ns(), switch_side);
  tx_checksum_off(m.upstream_ns(), {kUpstreamProviderIfname});
}

// A daemon of OVS or OVN: pidfile and log under the lab's directories, detached once ready.
void start_daemon(const LabModel& m, const OvnDirs& d, const std::string& rundir, const std::string& name,
                  const host::Argv& args) {
  host::Argv argv = d.env();
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--pidfile=" + rundir + "/" + name + ".pid", "--log-file=" + d.log + "/" + name + ".log",
                           "-vconsole:off", "--detach", "--no-chdir"});
  host::must(argv, m.switch_ns(), kBindTimeout);
}

void start_ovsdb(const LabModel& m, const OvnDirs& d, const std::string& rundir, const std::string& name,
                 const std::string& schema, const host::Argv& extra = {}) {
  const std::string db = d.db + "/" + name + ".db";
  host::Argv create = d.env();
  create.insert(create.end(), {"ovsdb-tool", "create", db, schema});
  host::must(create);
  host::Argv args = {"ovsdb-server", db, "--remote=punix:" + rundir + "/" + name + ".sock",
                     "--unixctl=" + rundir + "/" + name + ".ctl"};
  args.insert(args.end(), extra.begin(), extra.end());
  start_daemon(m, d, rundir, name, args);
}

std::string ctl(const OvnDirs& d, const std::string& tool, const std::string& db, const host::Argv& args) {
  host::Argv argv = d.env();
  argv.insert(argv.end(), {tool, "--db=" + db, "--timeout=" + std::to_string(kBindTimeout.count())});
  argv.insert(argv.end(), args.begin(), args.end());
  return host::must(argv, "", kBindTimeout + 5s);
}

}  // namespace

OvnDirs::OvnDirs(const std::string& lab_dir)
    : run_ovs(lab_dir + "/ovs"), run_ovn(lab_dir + "/ovn"), db(lab_dir + "/db"), log(lab_dir + "/log") {}

host::Argv OvnDirs::env() const {
  return {"env", "OVS_RUNDIR=" + run_ovs, "OVS_DBDIR=" + db, "OVS_LOGDIR=" + log,
          "OVN_RUNDIR=" + run_ovn, "OVN_DBDIR=" + db, "OVN_LOGDIR=" + log};
}

std::string ovn_chassis(const LabModel& m) { return m.prefix + "chassis"; }

std::string ovn_switch_port(const LabNetwork& n, const LabPort& p) {
  return p.role == Role::dhcp ? "meta-" + n.name : p.name;
}

host::Argv vswitch_commands(const LabModel& m, const OvnDirs& dirs) {
  Commands c;
  c.add({"init"});
  c.add({"set", "Open_vSwitch", ".", "external_ids:system-id=" + q(ovn_chassis(m)),
         "external_ids:hostname=" + q(ovn_chassis(m)), "external_ids:ovn-remote=" + q(dirs.sb_db()),
         "external_ids:ovn-encap-type=geneve", "external_ids:ovn-encap-ip=\"127.0.0.1\"",
         "external_ids:ovn-bridge=" + q(kIntegrationBridge), "external_ids:ovn-bridge-datapath-type=netdev",
         "external_ids:ovn-bridge-mappings=" + q(kOvnPhysnet + ":" + kProviderBridge),
         "external_ids:ovn-cms-options=enable-chassis-as-gw"});
  c.add({"add-br", kIntegrationBridge});
  c.add({"set", "Bridge", kIntegrationBridge, "datapath_type=netdev", "fail-mode=secure",
         "other-config:disable-in-band=true"});
  c.add({"add-br", kProviderBridge});
  c.add({"set", "Bridge", kProviderBridge, "datapath_type=netdev"});
  c.add({"add-port", kProviderBridge, kRouterGatewayIfname});
  for (const auto& n : m.networks) {
    std::vector<const LabPort*> ports = {&n.dhcp};
    for (const auto& vm : n.vms) ports.push_back(&vm);
    for (const auto* p : ports) {
      c.add({"add-port", kIntegrationBridge, p->bridge_port});
      c.add({"set", "Interface", p->bridge_port, "external_ids:iface-id=" + q(ovn_switch_port(n, *p)),
             "external_ids:attached-mac=" + q(p->mac.str()), "external_ids:iface-status=active"});
    }
  }
  return c.args;
}

host::Argv northbound_commands(const LabModel& m) {
  Commands c;
  for (const auto& n : m.networks) add_network(c, m, n);
  for (const auto& n : m.networks) add_dhcp_options(c, m, n);
  add_router(c, m);
  add_security_groups(c, m);
  add_faults(c, m);
  return c.args;
}

OvnMilestones build_ovn(const LabModel& m, const std::string& lab_dir) {
  OvnMilestones at;
  const OvnDirs d(lab_dir);
  for (const auto& dir : {d.run_ovs, d.run_ovn, d.db, d.log}) std::filesystem::create_directories(dir);
  std::vector<std::string> taps;  // lab --vm: the guest's tap is the bridge port
  for (const auto& [n, p] : m.vm_ports())
    if (m.is_guest(*p))
      taps.insert(taps.end(), {"tuntap add dev " + p->bridge_port + " mode tap",
                               "link set " + p->bridge_port + " mtu " + std::to_string(n->mtu)});
  host::ip_batch(taps, m.switch_ns());
  std::vector<std::string> up = {"link set lo up", "link set " + kRouterGatewayIfname + " up"};
  for (const auto& [n, p] : m.vm_ports()) up.push_back("link set " + p->bridge_port + " up");
  for (const auto& n : m.networks) up.push_back("link set " + n.dhcp.bridge_port + " up");
  host::ip_batch(up, m.switch_ns());
  checksums_off(m);

  start_ovsdb(m, d, d.run_ovs, "db", "/usr/share/openvswitch/vswitch.ovsschema",
              {"--remote=db:Open_vSwitch,Open_vSwitch,manager_options"});
  host::Argv vsctl = {"--no-wait"};
  const auto cmds = vswitch_commands(m, d);
  vsctl.insert(vsctl.end(), cmds.begin(), cmds.end());
  ctl(d, "ovs-vsctl", d.ovs_db(), vsctl);
  start_daemon(m, d, d.run_ovs, "ovs-vswitchd", {"ovs-vswitchd", d.ovs_db(), "--unixctl=" + d.run_ovs + "/ovs-vswitchd.ctl"});
  start_ovsdb(m, d, d.run_ovn, "ovnnb_db", "/usr/share/ovn/ovn-nb.ovsschema");
  start_ovsdb(m, d, d.run_ovn, "ovnsb_db", "/usr/share/ovn/ovn-sb.ovsschema");
  start_daemon(m, d, d.run_ovn, "ovn-northd",
               {"ovn-northd", "--ovnnb-db=" + d.nb_db(), "--ovnsb-db=" + d.sb_db(),
                "--unixctl=" + d.run_ovn + "/ovn-northd.ctl"});
  // 23.03 has no --unixctl: its socket is ovn-controller.<pid>.ctl under OVN_RUNDIR.
  start_daemon(m, d, d.run_ovn, "ovn-controller", {"ovn-controller", d.ovs_db()});
  at.daemons_up = std::chrono::steady_clock::now();
  ctl(d, "ovn-nbctl", d.nb_db(), northbound_commands(m));
  // --wait=hv waits for the chassis there are: first the chassis, then its flows and bindings.
  ctl(d, "ovn-sbctl", d.sb_db(), {"wait-until", "Chassis", ovn_chassis(m)});
  ctl(d, "ovn-nbctl", d.nb_db(), {"--wait=hv", "sync"});
  at.bound = std::chrono::steady_clock::now();
  return at;
}

}  // namespace v6c::lab
