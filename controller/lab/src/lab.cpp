#include "v6c/lab/lab.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <thread>

#include "v6c/host/host.hpp"
#include "v6c/lab/config.hpp"
#include "v6c/lab/ovn.hpp"
#include "v6c/lab/run.hpp"

namespace v6c::lab {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr auto kDaemonReadyTimeout = 3s;
constexpr auto kTermGrace = 1s;            // radvd sends its final RAs, dnsmasq exits at once
constexpr auto kPollStep = 2ms;
constexpr int kEndRounds = 10;  // listings of the lab's processes at teardown, until one finds none
constexpr int kLabNdRetransMs = 50;  // RFC 4861 §10 RetransTimer is 1 s; only the lab's routers use less
constexpr std::uint8_t kIntruderPortNumber = 0xee;
constexpr std::uint8_t kRoguePortNumber = 0xef;

using Sysctls = std::vector<std::pair<std::string, std::string>>;  // path under /proc/sys, value

// Writes sysctls inside a namespace from this thread (setns and back): no exec per value.
void write_sysctls(const std::string& netns, const Sysctls& values) {
  std::string failed;
  host::in_netns(netns, [&] {
    for (const auto& [path, value] : values) {
      std::ofstream f("/proc/sys/" + path);
      f << value;
      f.flush();
      if (!f) failed = path;
    }
  });
  if (!failed.empty()) throw host::HostError("[" + netns + "] cannot set /proc/sys/" + failed);
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  f << text;
  if (!f) throw host::HostError("cannot write " + path);
}

std::string veth(const std::string& name, const std::string& ns, const std::string& peer, const std::string& peer_ns,
                 std::uint32_t mtu, std::optional<Mac> mac = std::nullopt) {
  std::string line = "link add " + name + " netns " + ns + (mac ? " address " + mac->str() : "") + " mtu " +
                     std::to_string(mtu) + " type veth peer name " + peer + " netns " + peer_ns + " mtu " +
                     std::to_string(mtu);
  return line;
}

std::string addr(const Ip6& a, unsigned plen, const std::string& dev) {
  return "addr add " + a.str() + "/" + std::to_string(plen) + " dev " + dev + " nodad";
}

// Gone, or a zombie waiting for a parent that does not reap (daemons are orphans here).
bool alive(pid_t p) {
  std::ifstream stat("/proc/" + std::to_string(p) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  auto paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] != 'Z';
}

// Whether a name belongs to the lab `prefix` selects: the bare base "v6c-l" selects every
// run ("v6c-l<pid>…"), never other people's "v6c-l…" names that lack the digit.
bool selected(const std::string& name, const std::string& prefix) {
  if (name.rfind(prefix, 0) != 0) return false;
  if (prefix != kLabPrefixBase) return true;
  return name.size() > prefix.size() && std::isdigit(static_cast<unsigned char>(name[prefix.size()]));
}

// The lab's daemons by command line: each names a file in its lab's directory
// (/tmp/<prefix>…), so one that escaped its namespace is found too.
std::vector<pid_t> daemons_of(const std::string& prefix) {
  std::vector<pid_t> pids;
  const std::string dir = "/tmp/" + prefix;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const auto name = e.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string cmdline = host::process_cmdline(std::stoi(name));
    for (auto at = cmdline.find(dir); at != std::string::npos; at = cmdline.find(dir, at + 1)) {
      auto lab_dir = cmdline.substr(at + 5, cmdline.find_first_of(std::string("/\0", 2), at + 5) - at - 5);
      if (selected(lab_dir, prefix)) {
        pids.push_back(std::stoi(name));
        break;
      }
    }
  }
  return pids;
}

// Ends the lab's processes (by PID: only ours live in its namespaces or name its directory)
// and deletes the namespaces. Listed again until none is left: a daemon that was still
// daemonizing when the lab was interrupted forks its final child after the first listing.
void remove_namespaces(const std::vector<std::string>& namespaces, const std::string& prefix) {
  for (int round = 0; round < kEndRounds; ++round) {
    auto pids = host::pids_in_netns(namespaces);
    for (pid_t p : daemons_of(prefix))
      if (std::find(pids.begin(), pids.end(), p) == pids.end()) pids.push_back(p);
    if (pids.empty()) break;
    for (pid_t p : pids) ::kill(p, SIGTERM);
    auto reap = [](pid_t p) { ::waitpid(p, nullptr, WNOHANG); };  // ours when we are their subreaper
    auto deadline = Clock::now() + kTermGrace;
    while (!pids.empty() && Clock::now() < deadline) {
      std::this_thread::sleep_for(kPollStep);
      for (pid_t p : pids) reap(p);
      std::erase_if(pids, [](pid_t p) { return !alive(p); });
    }
    for (pid_t p : pids) {
      ::kill(p, SIGKILL);
      ::waitpid(p, nullptr, 0);
    }
  }
  std::vector<std::string> lines;
  for (const auto& n : namespaces)
    if (fs::exists("/run/netns/" + n)) lines.push_back("netns del " + n);
  if (lines.empty()) return;
  try {
    host::ip_batch(lines);
  } catch (const host::HostError&) {
    for (const auto& n : namespaces) host::run({"ip", "netns", "del", n});  // one at a time, ignoring errors
  }
}

void wait_for_file(const std::string& path, const std::string& what) {
  auto deadline = Clock::now() + kDaemonReadyTimeout;
  while (!fs::exists(path)) {
    if (Clock::now() > deadline) throw host::HostError(what + " did not start (no " + path + ")");
    std::this_thread::sleep_for(kPollStep);
  }
}

struct Tool {
  const char* name;
  const char* package;
};
const Tool kRadvdTools[] = {{"ip", "iproute2"}, {"radvd", "radvd"}, {"dnsmasq", "dnsmasq-base"}, {"nft", "nftables"},
                            {"ip6tables-restore", "iptables"}};
// dnsmasq stays: it is the upstream DNS server in both flavours.
const Tool kOvnTools[] = {{"ip", "iproute2"},
                          {"dnsmasq", "dnsmasq-base"},
                          {"ovsdb-tool", "openvswitch-common"},
                          {"ovsdb-server", "openvswitch-common"},
                          {"ovs-vswitchd", "openvswitch-switch"},
                          {"ovs-vsctl", "openvswitch-switch"},
                          {"ovn-northd", "ovn-central"},
                          {"ovn-nbctl", "ovn-common"},
                          {"ovn-sbctl", "ovn-common"},
                          {"ovn-controller", "ovn-host"}};

}  // namespace

std::string unique_prefix() {
  static std::atomic<int> count{0};
  int n = ++count;
  return kLabPrefixBase + std::to_string(::getpid()) + (n > 1 ? "x" + std::to_string(n) : "") + "-";
}

std::optional<std::string> missing_environment(Flavour flavour) {
  if (!host::is_root()) return "the lab needs root (network namespaces, nftables): run it with sudo";
  const auto& tools = flavour == Flavour::ovn ? std::span<const Tool>(kOvnTools) : std::span<const Tool>(kRadvdTools);
  for (const auto& t : tools)
    if (!host::have_tool(t.name))
      return std::string("the lab needs ") + t.name + ": install the Debian package " + t.package;
  return std::nullopt;
}

Lab::Lab(LabModel model) : model_(std::move(model)) {
  auto start = Clock::now();
  // The daemons fork away from us; as their subreaper we can reap them at teardown instead
  // of leaving zombies to an init that may not reap (containers).
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  try {
    build();
  } catch (...) {
    teardown();
    throw;
  }
  timings_.setup = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
}

Lab::~Lab() {
  if (!keep_) teardown();
}

void Lab::teardown() {
  auto start = Clock::now();
  remove_namespaces(model_.all_netns(), model_.prefix);
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    dir_.clear();
  }
  up_ = false;
  timings_.teardown = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
}

namespace {

// The build's steps, in order. The ovn flavour replaces the router, DHCP, switch, filter and
// daemon steps with one of its own (ovn.hpp); the rest is the same for both flavours.

void add_namespaces(const LabModel& m) {
  const auto namespaces = m.all_netns();
  std::vector<std::string> root;
  for (const auto& n : namespaces) root.push_back("netns add " + n);
  host::ip_batch(root);
  // Before any link exists, so every new interface inherits them: no DAD (the agents run
  // their own), no kernel RA processing in the lab's hosts (the agents observe RAs instead).
  const Sysctls quiet = {{"net/ipv6/conf/default/accept_dad", "0"}, {"net/ipv6/conf/all/accept_dad", "0"},
                         {"net/ipv6/conf/default/accept_ra", "0"}};
  for (const auto& n : namespaces) {
    Sysctls s = quiet;
    if (n == m.router_ns() || n == m.upstream_ns()) s.push_back({"net/ipv6/conf/all/forwarding", "1"});
    // Upstream is outside the cloud under test: it sends every ICMPv6 error it owes, so what
    // the VMs get back is the Neutron router's doing. Linux rate-limits errors per destination
    // and host-wide; behind a NAT66 all VMs' errors go to one address and most were lost.
    // The mask names the types limited: only 255 (reserved), so none that is ever sent.
    if (n == m.upstream_ns()) s.push_back({"net/ipv6/icmp/ratemask", "255"});
    if (n == m.switch_ns()) {
      s.push_back({"net/ipv6/conf/default/disable_ipv6", "1"});  // the bridges are L2 only
      if (m.flavour == Flavour::radvd) s.push_back({"net/bridge/bridge-nf-call-ip6tables", "1"});
    }
    write_sysctls(n, s);
  }
}

std::string intruder_port(const LabModel& m) { return "tap" + std::to_string(m.networks.front().index) + "i"; }
std::string rogue_port(const LabModel& m) { return "tap" + std::to_string(m.networks.front().index) + "g"; }

// Links, created straight into their namespaces: no name ever appears in the root namespace.
// The router's ports live in the router namespace (radvd) or are OVN's, whose gateway port
// reaches upstream through the switch namespace's provider bridge.
void add_links(const LabModel& m) {
  const auto& b = m.behaviour;
  const std::string S = m.switch_ns(), U = m.upstream_ns();
  const bool ovn = m.flavour == Flavour::ovn;
  std::vector<std::string> root;
  root.push_back(veth(kRouterGatewayIfname, ovn ? S : m.router_ns(), kUpstreamProviderIfname, U, kProviderMtu));
  root.push_back(veth(kUpstreamFarIfname, U, kVmIfname, m.far_ns(), m.upstream.far_mtu));
  for (const auto& n : m.networks) {
    if (!ovn) root.push_back(veth(router_port_ifname(n), m.router_ns(), n.router.bridge_port, S, n.mtu, n.router.mac));
    root.push_back(veth(dhcp_port_ifname(n), m.dhcp_ns(n), n.dhcp.bridge_port, S, n.mtu, n.dhcp.mac));
    for (const auto& vm : n.vms)
      if (!m.is_guest(vm))  // a guest's port is a tap, made in the switch namespace by build_bridges
        root.push_back(veth(kVmIfname, m.ns(vm.netns_suffix), vm.bridge_port, S, n.mtu, vm.mac));
  }
  const auto& first = m.networks.front();
  if (b.duplicate_address)
    root.push_back(veth(kVmIfname, m.intruder_ns(), intruder_port(m), S, first.mtu,
                        neutron_mac(first.index, kIntruderPortNumber)));
  if (b.rogue_router)
    root.push_back(veth(kVmIfname, m.rogue_ns(), rogue_port(m), S, first.mtu, neutron_mac(first.index, kRoguePortNumber)));
  host::ip_batch(root);
}

// The routers report Address Unreachable after 3 unanswered NSs: 0.15 s here instead of
// Linux's 3 s (a new namespace has no neigh/default to inherit from, so per interface).
Sysctls fast_nd(const std::vector<std::string>& ifnames) {
  Sysctls s;
  for (const auto& i : ifnames) s.push_back({"net/ipv6/neigh/" + i + "/retrans_time_ms", std::to_string(kLabNdRetransMs)});
  return s;
}

// Upstream: the provider's router, the external host and the DNS server, and the far link.
void build_upstream(const LabModel& m) {
  const auto& up = m.upstream;
  write_sysctls(m.upstream_ns(), fast_nd({kUpstreamProviderIfname, kUpstreamFarIfname}));
  std::vector<std::string> u = {"link set lo up", "link set " + kUpstreamProviderIfname + " up",
                                "link set " + kUpstreamFarIfname + " up",
                                addr(up.gateway, kSubnetPrefixLength, kUpstreamProviderIfname),
                                addr(up.dns_server, kSubnetPrefixLength, kUpstreamProviderIfname),
                                addr(up.far_upstream, kSubnetPrefixLength, kUpstreamFarIfname)};
  for (const auto& n : m.networks)
    u.push_back("route add " + n.prefix.str() + "/64 via " + up.router_gateway_port.str());
  host::ip_batch(u, m.upstream_ns());
  host::ip_batch({"link set lo up", "link set " + kVmIfname + " up", addr(up.far_host, kSubnetPrefixLength, kVmIfname),
                  "route add default via " + up.far_upstream.str()},
                 m.far_ns());
}

// Router (qrouter): gateway port, one qr- port per tenant subnet holding its gateway_ip.
void build_router(const LabModel& m) {
  const std::string R = m.router_ns();
  std::vector<std::string> router_ifs = {kRouterGatewayIfname};
  for (const auto& n : m.networks) router_ifs.push_back(router_port_ifname(n));
  write_sysctls(R, fast_nd(router_ifs));
  std::vector<std::string> r = {"link set lo up", "link set " + kRouterGatewayIfname + " up",
                                addr(m.upstream.router_gateway_port, kSubnetPrefixLength, kRouterGatewayIfname),
                                "route add default via " + m.upstream.gateway.str()};
  for (const auto& n : m.networks) {
    r.push_back("link set " + router_port_ifname(n) + " up");
    r.push_back(addr(n.gateway_ip, kSubnetPrefixLength, router_port_ifname(n)));
  }
  host::ip_batch(r, R);
  if (m.behaviour.gw_not_router) {
    Sysctls s;  // a per-interface forwarding of 0 clears the NA router flag; routing goes on
    for (const auto& n : m.networks) s.push_back({"net/ipv6/conf/" + router_port_ifname(n) + "/forwarding", "0"});
    write_sysctls(R, s);
  }
}

// DHCP (qdhcp, or OVN's ovnmeta), a namespace per network: its port holds the DHCP port's
// fixed IP. The metadata address fe80::a9fe:a9fe is on-link only in ovnmeta (the OVN metadata
// agent binds it there). Neutron's DHCP agent adds it to the qdhcp port only with
// enable_isolated_metadata or force_metadata (both off by default); a network with a router
// reaches metadata through the router instead (the RA's route to fe80::a9fe:a9fe/128, the L3
// agent's proxy), so the radvd flavour leaves it off.
void build_dhcp_ports(const LabModel& m) {
  for (const auto& n : m.networks) {
    std::vector<std::string> d = {"link set lo up"};
    d.push_back("link set " + dhcp_port_ifname(n) + " up");
    d.push_back(addr(port_address(n.dhcp), kSubnetPrefixLength, dhcp_port_ifname(n)));
    if (m.flavour == Flavour::ovn && !m.behaviour.metadata_absent)
      d.push_back("addr add " + kMetadataAddress + " dev " + dhcp_port_ifname(n) + " nodad");
    // Lab only (timing): dnsmasq looks up a DHCPv6 client's MAC in the neighbour table and,
    // when it is missing, pings the client and sleeps 100 ms before it answers.
    if (m.flavour == Flavour::radvd)
      for (const auto& vm : n.vms)
        d.push_back("neigh replace " + wire::link_local_of(vm.mac).str() + " lladdr " + vm.mac.str() + " dev " +
                    dhcp_port_ifname(n) + " nud permanent");
    host::ip_batch(d, m.dhcp_ns(n));
  }
}

// Switch: a Linux bridge per network, every port attached.
void build_bridges(const LabModel& m) {
  const auto& b = m.behaviour;
  std::vector<std::string> s = {"link set lo up"};
  for (const auto& n : m.networks) {
    s.push_back("link add " + n.bridge + " type bridge mcast_snooping 0");
    s.push_back("link set " + n.bridge + " up");
    std::vector<std::string> ports = {n.router.bridge_port, n.dhcp.bridge_port};
    for (const auto& vm : n.vms) {
      ports.push_back(vm.bridge_port);
      if (m.is_guest(vm))
        s.insert(s.end(), {"tuntap add dev " + vm.bridge_port + " mode tap",
                           "link set " + vm.bridge_port + " mtu " + std::to_string(n.mtu)});
    }
    if (&n == &m.networks.front() && b.duplicate_address) ports.push_back(intruder_port(m));
    if (&n == &m.networks.front() && b.rogue_router) ports.push_back(rogue_port(m));
    for (const auto& p : ports) s.push_back("link set " + p + " master " + n.bridge + " up");
  }
  host::ip_batch(s, m.switch_ns());
}

// VMs: configured as cloud-init would from Neutron's facts, default route via the router port.
// The victim's kernel acts on RAs as a VM's does (accept_ra 1, forwarding off), so a rogue
// RA that gets through changes its routes and addresses, which the victim reports.
void configure_vms(const LabModel& m) {
  for (const auto& n : m.networks)
    for (const auto& vm : n.vms) {
      if (m.is_guest(vm)) continue;  // a guest's own init and agent configure it
      if (vm.role == Role::victim) write_sysctls(m.ns(vm.netns_suffix), {{"net/ipv6/conf/" + kVmIfname + "/accept_ra", "1"}});
      host::ip_batch({"link set lo up", "link set " + kVmIfname + " up",
                      addr(port_address(vm), kSubnetPrefixLength, kVmIfname),
                      "route add default via " + wire::link_local_of(n.router.mac).str() + " dev " + kVmIfname},
                     m.ns(vm.netns_suffix));
    }
  const auto& first = m.networks.front();
  if (m.behaviour.duplicate_address)
    host::ip_batch({"link set lo up", "link set " + kVmIfname + " up",
                    addr(port_address(address_vm(first)), kSubnetPrefixLength, kVmIfname)},
                   m.intruder_ns());
  if (m.behaviour.rogue_router) host::ip_batch({"link set lo up", "link set " + kVmIfname + " up"}, m.rogue_ns());
}

// Port security and security groups on the bridges; fault rules in the router.
void apply_filters(const LabModel& m, const std::string& dir) {
  write_file(dir + "/portsec.nft", port_security_nft(m));
  host::must({"nft", "-f", dir + "/portsec.nft"}, m.switch_ns());
  write_file(dir + "/sg.rules", security_group_rules(m));
  host::must({"ip6tables-restore", dir + "/sg.rules"}, m.switch_ns());
  const std::string rr = router_rules(m);
  if (rr.find("-A ") != std::string::npos) {
    write_file(dir + "/router.rules", rr);
    host::must({"ip6tables-restore", dir + "/router.rules"}, m.router_ns());
  }
}

// The router's RAs: radvd, or v6agent's advertise procedure for a late answer. Returns the
// file each writes once it sends.
std::vector<std::string> start_advertisers(const LabModel& m, const std::string& dir) {
  if (!uses_advertiser(m)) {
    write_file(dir + "/radvd.conf", radvd_conf(m));
    host::must({"radvd", "-C", dir + "/radvd.conf", "-p", dir + "/radvd.pid", "-m", "logfile", "-l", dir + "/radvd.log"},
               m.router_ns());
    return {dir + "/radvd.pid"};
  }
  const auto agent = find_agent(fs::read_symlink("/proc/self/exe"));
  if (agent.empty()) throw host::HostError("v6agent not found (the router role needs it): set V6C_AGENT");
  std::vector<std::string> ready;
  for (const auto& n : m.networks) {
    const std::string base = dir + "/router-" + n.name;
    write_file(base + ".plan.json", nlohmann::json(advertiser_plan(m, n)).dump(2));
    // setsid -f: it leaves our process group and outlives us like radvd (--keep, lab down);
    // no inherited pipe keeps host::must waiting. The pcap appears once its raw socket is open.
    host::must({"sh", "-c", "exec setsid -f \"$@\" </dev/null >/dev/null 2>>\"$0\"", base + ".log", agent.string(), "run",
                base + ".plan.json", "-q", "--pcap", base + ".pcap"},
               m.router_ns());
    ready.push_back(base + ".pcap");
  }
  return ready;
}

// Daemons of the radvd flavour: the router's advertiser, the rogue router, dnsmasq per
// DHCPv6 network. Each daemonizes; teardown finds it by namespace, so --keep and `lab down`
// work after this process is gone.
void start_neutron_agents(const LabModel& m, const std::string& dir) {
  auto ready = start_advertisers(m, dir);
  if (m.behaviour.rogue_router) {
    write_file(dir + "/rogue-radvd.conf", rogue_radvd_conf(m, kVmIfname));
    host::must({"radvd", "-C", dir + "/rogue-radvd.conf", "-p", dir + "/rogue-radvd.pid", "-m", "logfile", "-l",
                dir + "/rogue-radvd.log"},
               m.rogue_ns());
    ready.push_back(dir + "/rogue-radvd.pid");
  }
  for (const auto& n : m.networks) {
    auto argv = dnsmasq_argv(m, n, dir + "/dhcp-" + n.name);
    if (argv.empty()) continue;
    fs::create_directory(dir + "/dhcp-" + n.name);
    write_file(dir + "/dhcp-" + n.name + "/host", dnsmasq_hosts(m, n));
    write_file(dir + "/dhcp-" + n.name + "/addn_hosts", dnsmasq_addn_hosts(n));
    write_file(dir + "/dhcp-" + n.name + "/opts", dnsmasq_opts(m, n));
    host::must(argv, m.dhcp_ns(n));
  }
  for (const auto& f : ready) wait_for_file(f, "the router's advertiser");
}

}  // namespace

void Lab::build() {
  if (model_.flavour == Flavour::radvd) model_.radvd_rdnss_lifetime_factor = installed_radvd_rdnss_lifetime_factor();
  const auto& m = model_;
  const auto start = Clock::now();
  std::string tmpl = "/tmp/" + m.prefix + "XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw host::HostError("mkdtemp " + tmpl + ": " + std::strerror(errno));
  dir_ = tmpl;
  ::chmod(dir_.c_str(), 0755);
  up_ = true;
  add_namespaces(m);
  add_links(m);
  build_upstream(m);
  build_dhcp_ports(m);
  configure_vms(m);
  if (m.flavour == Flavour::ovn) {
    const auto at = build_ovn(m, dir_);  // switch, router, DHCPv6, security groups and daemons: OVN's
    timings_.daemons_up = std::chrono::duration_cast<std::chrono::microseconds>(at.daemons_up - start);
    timings_.bound = std::chrono::duration_cast<std::chrono::microseconds>(at.bound - start);
  } else {
    build_router(m);
    build_bridges(m);
    apply_filters(m, dir_);
    start_neutron_agents(m, dir_);
  }
  if (!m.behaviour.dns_down) host::must(dns_server_argv(m, dir_), m.upstream_ns());
}

std::uint32_t installed_radvd_rdnss_lifetime_factor() {
  constexpr int kMajor = 2, kMinor = 20;  // radvd 17c43bf: RDNSS lifetime 3 × MaxRtrAdvInterval
  const auto r = host::run({"radvd", "--version"});
  const std::string text = r.out + r.err;  // radvd 2.19 prints it on stderr
  int major = 0, minor = 0;
  const auto at = text.find("Version:");
  if (at == std::string::npos || std::sscanf(text.c_str() + at, "Version: %d.%d", &major, &minor) != 2)
    throw host::HostError("radvd --version: no version in \"" + text.substr(0, 80) + "\"");
  return major > kMajor || (major == kMajor && minor >= kMinor) ? 3 : 1;
}

std::vector<std::string> down(const std::string& prefix) {
  auto namespaces = host::list_netns(prefix);
  std::erase_if(namespaces, [&](const std::string& n) { return !selected(n, prefix); });
  remove_namespaces(namespaces, prefix);
  for (const auto& l : host::list_links(prefix))
    if (selected(l, prefix)) host::run({"ip", "link", "del", l});
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/tmp", ec))
    if (selected(e.path().filename().string(), prefix)) fs::remove_all(e.path(), ec);
  return namespaces;
}

}  // namespace v6c::lab
