// The lab on this host ([lab]: root, namespaces): it comes up, the topology works with plain
// tools (rdisc6, ping, v6agent dhcp6), port security drops spoofed sources, and nothing is
// left behind after a normal end, a SIGTERM or a SIGKILL followed by `lab down`.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "netlab.hpp"
#include "v6c/host/host.hpp"
#include "v6c/lab/config.hpp"
#include "v6c/lab/faults.hpp"
#include "v6c/lab/lab.hpp"

using namespace v6c;
using namespace v6c::lab;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Everything of a lab that could leak, by its prefix: a daemon too, even outside any namespace.
std::vector<std::string> leftovers(const std::string& prefix) {
  auto left = host::list_netns(prefix);
  for (const auto& l : host::list_links(prefix)) left.push_back("link " + l);
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/tmp", ec))
    if (e.path().filename().string().rfind(prefix, 0) == 0) left.push_back(e.path().string());
  for (int p : test::processes_naming(prefix)) left.push_back("process " + std::to_string(p));
  return left;
}

// PIDs of processes in the lab's namespaces, as `ip netns pids` sees them.
std::vector<pid_t> lab_pids(const LabModel& m) { return host::pids_in_netns(m.all_netns()); }

std::string ping(const Lab& lab, const std::string& ns, const std::string& target, const std::string& extra = "") {
  host::Argv argv = {"ping", "-6", "-c", "1", "-W", "1", "-n"};
  if (!extra.empty()) argv.push_back(extra);
  argv.push_back(target);
  (void)lab;
  auto r = host::run(argv, ns, 5s);
  return r.out + r.err;
}
bool ping_ok(const Lab& lab, const std::string& ns, const std::string& target) {
  return contains(ping(lab, ns, target), " 1 received");
}

const LabNetwork& network(const LabModel& m, Mode mode) {
  for (const auto& n : m.networks)
    if (n.mode == mode) return n;
  throw std::logic_error("no network " + std::string(v6c::model::to_string(mode)));
}

}  // namespace

TEST_CASE("lab: the conforming topology works with plain tools", "[lab]") {
  REQUIRE(host::is_root());
  std::string prefix;
  {
    Lab lab(make_model(unique_prefix(), Flavour::radvd, kAllModes));
    const auto& m = lab.model();
    prefix = m.prefix;
    const auto& slaac = network(m, Mode::slaac);
    const auto& a1 = slaac.vms[0];
    const auto& b1 = slaac.vms[1];
    const auto& x1 = slaac.vms[2];
    const auto a1_ns = lab.vm_netns(a1);
    // Setup time is a benchmark figure (scripts/bench lab), not a test: it follows host load.
    INFO("setup took " << lab.timings().setup.count() / 1000 << " ms");

    SECTION("an RS is answered with Neutron's RA") {
      auto r = host::run({"rdisc6", "-1", "-r", "3", "-w", "1000", kVmIfname}, a1_ns, 10s);
      CAPTURE(r.out, r.err);
      CHECK(contains(r.out, "Prefix                   : 2001:db8:1::/64"));
      CHECK(contains(r.out, "Recursive DNS server     : 2001:db8:ff::53"));
      CHECK(contains(r.out, "Router lifetime           :          300"));
      CHECK(contains(r.out, "from " + wire::link_local_of(slaac.router.mac).str()));
      auto stateful = host::run({"rdisc6", "-1", "-r", "3", "-w", "1000", kVmIfname},
                                lab.vm_netns(network(m, Mode::dhcpv6_stateful).vms[0]), 10s);
      CHECK(contains(stateful.out, "Stateful address conf.    :          Yes"));
    }
    SECTION("the stateful DHCPv6 server leases the port's fixed IP") {
      const auto& vm = network(m, Mode::dhcpv6_stateful).vms[0];
      auto r = host::run({V6C_AGENT_BIN, "dhcp6", "-i", kVmIfname, "--json", "-", "-q"}, lab.vm_netns(vm), 20s);
      CAPTURE(r.out, r.err);
      REQUIRE(r.ok());
      auto j = nlohmann::json::parse(r.out);
      CHECK(contains(j.dump(), "\"" + port_address(vm).str() + "\""));
    }
    SECTION("east-west on one network and across the router, north-south, DNS server reachable") {
      CHECK(ping_ok(lab, a1_ns, port_address(b1).str()));
      CHECK(ping_ok(lab, a1_ns, port_address(network(m, Mode::dhcpv6_stateless).vms[0]).str()));
      CHECK(ping_ok(lab, a1_ns, slaac.gateway_ip.str()));
      CHECK(ping_ok(lab, a1_ns, m.upstream.gateway.str()));
      CHECK(ping_ok(lab, a1_ns, m.upstream.far_host.str()));
      CHECK(ping_ok(lab, a1_ns, m.upstream.dns_server.str()));
    }
    SECTION("an oversize packet towards the far link draws a Packet Too Big with its MTU") {
      auto r = host::run({"ping", "-6", "-c", "1", "-W", "1", "-n", "-M", "do", "-s", "1400",
                          m.upstream.far_host.str()},
                         a1_ns, 5s);
      CAPTURE(r.out, r.err);
      CHECK((contains(r.out, "mtu=1280") || contains(r.out + r.err, "mtu: 1280")));
    }
    SECTION("the default security group: members in, the attacker's unsolicited traffic out") {
      CHECK(ping_ok(lab, a1_ns, port_address(b1).str()));
      CHECK_FALSE(ping_ok(lab, lab.vm_netns(x1), port_address(b1).str()));
      CHECK(ping_ok(lab, lab.vm_netns(x1), slaac.gateway_ip.str()));  // its own traffic's replies come back
    }
    SECTION("port security drops a spoofed source address") {
      const auto x1_ns = lab.vm_netns(x1);
      host::must({"ip", "addr", "add", "2001:db8:1::99/64", "dev", kVmIfname, "nodad"}, x1_ns);
      CHECK(contains(ping(lab, x1_ns, slaac.gateway_ip.str(), "-I" + port_address(x1).str()), " 1 received"));
      CHECK_FALSE(contains(ping(lab, x1_ns, slaac.gateway_ip.str(), "-I2001:db8:1::99"), " 1 received"));
    }
  }
  CHECK(leftovers(prefix).empty());
}

TEST_CASE("lab: a filter fault opens exactly its hole", "[lab]") {
  REQUIRE(host::is_root());
  auto m = make_model(unique_prefix(), Flavour::radvd, {Mode::slaac});
  REQUIRE_FALSE(apply_faults(m, {"no-source-ip-filter"}));
  Lab lab(m);
  const auto& net = lab.model().networks[0];
  const auto x1_ns = lab.vm_netns(net.vms[2]);
  host::must({"ip", "addr", "add", "2001:db8:1::99/64", "dev", kVmIfname, "nodad"}, x1_ns);
  // The router first resolves the spoofed address; under load one echo may not be enough.
  bool answered = false;
  for (int i = 0; i < 3 && !answered; ++i)
    answered = contains(ping(lab, x1_ns, net.gateway_ip.str(), "-I2001:db8:1::99"), " 1 received");
  CHECK(answered);
}

TEST_CASE("lab: two labs at once do not collide", "[lab]") {
  REQUIRE(host::is_root());
  std::string p1, p2, p3;
  {
    Lab one(make_model(unique_prefix(), Flavour::radvd, {Mode::slaac}));
    Lab two(make_model(unique_prefix(), Flavour::ovn, {Mode::slaac}));
    Lab three(make_model(unique_prefix(), Flavour::ovn, {Mode::slaac}));
    p1 = one.model().prefix;
    p2 = two.model().prefix;
    p3 = three.model().prefix;
    REQUIRE(p1 != p2);
    REQUIRE(p2 != p3);
    for (const Lab* lab : {&one, &two, &three}) {
      const auto& net = lab->model().networks[0];
      CHECK(ping_ok(*lab, lab->vm_netns(net.vms[0]), port_address(net.vms[1]).str()));
    }
    // Each OVN answers from its own router port: the two never share a datapath.
    for (const Lab* lab : {&two, &three}) {
      const auto& net = lab->model().networks[0];
      auto ra = host::run({"rdisc6", "-1", "-r", "3", "-w", "1000", kVmIfname}, lab->vm_netns(net.vms[0]), 10s);
      CAPTURE(ra.out);
      CHECK(contains(ra.out, "from " + wire::link_local_of(net.router.mac).str()));
    }
  }
  for (const auto& p : {p1, p2, p3}) CHECK(leftovers(p).empty());
}

namespace {

// Builds a lab in a child, SIGKILLs the child and runs `v6conform lab down`: nothing of the
// lab may be left, and each of its daemons (at least `daemons` of them) is gone.
void kill_then_down(Flavour flavour, std::size_t daemons) {
  const auto model = make_model(unique_prefix(), flavour, kAllModes);
  int ready[2];
  REQUIRE(pipe(ready) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(ready[0]);
    try {
      Lab lab(model);
      lab.keep();
      if (write(ready[1], "u", 1) < 0) {}
      for (;;) pause();
    } catch (...) {
      _exit(1);
    }
  }
  close(ready[1]);
  char c = 0;
  REQUIRE(read(ready[0], &c, 1) == 1);
  close(ready[0]);
  const auto pids = lab_pids(model);
  CHECK(pids.size() >= daemons);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  CHECK_FALSE(leftovers(model.prefix).empty());  // the kill left it all up
  auto r = host::run({V6C_CONTROLLER_BIN, "lab", "down", "--prefix", model.prefix}, "", 20s);
  CAPTURE(r.out, r.err);
  CHECK(r.ok());
  CHECK(leftovers(model.prefix).empty());
  for (pid_t p : pids) {
    ::waitpid(p, nullptr, WNOHANG);  // reparented to us (subreaper) or to init
    std::string state;
    std::ifstream stat("/proc/" + std::to_string(p) + "/stat");
    std::getline(stat, state);
    CAPTURE(p, state);
    CHECK((state.empty() || contains(state, ") Z")));
  }
}

}  // namespace

TEST_CASE("lab: `lab down` removes what a SIGKILLed run left", "[lab]") {
  REQUIRE(host::is_root());
  kill_then_down(Flavour::radvd, 4);  // radvd, two dnsmasq for DHCPv6, the DNS server
}

TEST_CASE("lab, ovn flavour: `lab down` removes what a SIGKILLed run left", "[lab][ovn]") {
  REQUIRE(host::is_root());
  kill_then_down(Flavour::ovn, 7);  // three ovsdb-servers, ovs-vswitchd, ovn-northd, ovn-controller, the DNS server
}

namespace {

// `v6conform lab up --wait` in a child, SIGTERMed once its daemons run in `busy` and upstream:
// it tears its lab down and exits 4.
void sigterm_tears_down(const std::string& flavour, const std::string& busy) {
  test::TempDir dir("sigterm");
  const auto log = dir.file("up.log");
  host::Process up({V6C_CONTROLLER_BIN, "lab", "up", "--wait", "--mode", "slaac", "--flavour", flavour}, "", log);
  // The child names its lab after its PID (unique_prefix); wait until its daemons run.
  const std::string prefix = kLabPrefixBase + std::to_string(up.pid()) + "-";
  for (int i = 0; i < 1000 && (host::pids_in_netns({prefix + busy}).empty() || host::pids_in_netns({prefix + "up"}).empty()); ++i)
    std::this_thread::sleep_for(10ms);
  REQUIRE_FALSE(host::pids_in_netns({prefix + busy}).empty());
  ::kill(up.pid(), SIGTERM);
  const int status = up.wait(10s);
  std::ifstream in(log);
  const std::string said((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CAPTURE(said, leftovers(prefix));
  CHECK(status == 4);
  CHECK(leftovers(prefix).empty());
}

}  // namespace

TEST_CASE("lab: SIGTERM tears the lab down and exits 4", "[lab]") {
  REQUIRE(host::is_root());
  sigterm_tears_down("radvd", "router");
}

TEST_CASE("lab, ovn flavour: SIGTERM tears the lab down and exits 4", "[lab][ovn]") {
  REQUIRE(host::is_root());
  sigterm_tears_down("ovn", "switch");
}

TEST_CASE("lab, ovn flavour: a real OVN serves the topology", "[lab][ovn]") {
  REQUIRE(host::is_root());
  std::string prefix;
  // The dev cloud's own Open vSwitch may hold taps of these names in the root namespace.
  auto root_taps = [] { return host::list_links("br-int").size() + host::list_links("ovs-netdev").size(); };
  const auto root_taps_before = root_taps();
  {
    Lab lab(make_model(unique_prefix(), Flavour::ovn, kAllModes));
    const auto& m = lab.model();
    prefix = m.prefix;
    const auto& slaac = network(m, Mode::slaac);
    const auto a1_ns = lab.vm_netns(slaac.vms[0]);
    INFO("setup took " << lab.timings().setup.count() / 1000 << " ms");

    SECTION("OVS and OVN run in the switch namespace with their files in the lab's directory") {
      std::multiset<std::string> names;
      for (pid_t p : host::pids_in_netns({m.switch_ns()})) {
        std::ifstream comm("/proc/" + std::to_string(p) + "/comm");
        std::string name;
        std::getline(comm, name);
        names.insert(name);
      }
      CHECK(names.count("ovsdb-server") == 3);
      for (const char* d : {"ovs-vswitchd", "ovn-northd", "ovn-controller"}) CHECK(names.count(d) == 1);
      for (const char* f : {"/ovn/ovnnb_db.sock", "/ovn/ovnsb_db.sock", "/ovs/db.sock", "/db/ovnnb_db.db"})
        CHECK(fs::exists(lab.files_dir() + f));
      // The userspace datapath's taps stay in the switch namespace.
      CHECK(root_taps() == root_taps_before);
    }
    SECTION("OVN's router answers an RS with the network's prefix and MTU") {
      auto r = host::run({"rdisc6", "-1", "-r", "3", "-w", "1000", kVmIfname}, a1_ns, 10s);
      CAPTURE(r.out, r.err);
      CHECK(contains(r.out, "Prefix                   : 2001:db8:1::/64"));
      CHECK(contains(r.out, "MTU                      :         1450 bytes"));
      CHECK(contains(r.out, "from " + wire::link_local_of(slaac.router.mac).str()));
    }
    SECTION("OVN's DHCPv6 server leases the port's fixed IP") {
      const auto& vm = network(m, Mode::dhcpv6_stateful).vms[0];
      auto r = host::run({V6C_AGENT_BIN, "dhcp6", "-i", kVmIfname, "--json", "-", "-q"}, lab.vm_netns(vm), 20s);
      CAPTURE(r.out, r.err);
      REQUIRE(r.ok());
      CHECK(contains(nlohmann::json::parse(r.out).dump(), "\"" + port_address(vm).str() + "\""));
    }
    SECTION("east-west, north-south through the localnet port, and Packet Too Big from beyond it") {
      CHECK(ping_ok(lab, a1_ns, port_address(slaac.vms[1]).str()));
      CHECK(ping_ok(lab, a1_ns, port_address(network(m, Mode::dhcpv6_stateless).vms[0]).str()));
      CHECK(ping_ok(lab, a1_ns, m.upstream.gateway.str()));
      CHECK(ping_ok(lab, a1_ns, m.upstream.far_host.str()));
      auto r = host::run({"ping", "-6", "-c", "1", "-W", "1", "-n", "-M", "do", "-s", "1400", m.upstream.far_host.str()},
                         a1_ns, 5s);
      CAPTURE(r.out, r.err);
      CHECK((contains(r.out, "mtu=1280") || contains(r.out + r.err, "mtu: 1280")));
    }
    SECTION("the default security group: members in, the attacker's unsolicited traffic out") {
      CHECK_FALSE(ping_ok(lab, lab.vm_netns(slaac.vms[2]), port_address(slaac.vms[1]).str()));
      CHECK(ping_ok(lab, lab.vm_netns(slaac.vms[2]), slaac.gateway_ip.str()));
    }
  }
  CHECK(leftovers(prefix).empty());
}
