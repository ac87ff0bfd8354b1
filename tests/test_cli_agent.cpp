// v6agent as a user runs it: exit codes, messages, JSON and pcap output.
#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "netlab.hpp"
#include "v6c/probe/link.hpp"
#include "v6c/wire/json.hpp"

using namespace v6c;
using namespace std::chrono_literals;

namespace {

host::CommandResult agent(const host::Argv& args, const std::string& netns = "") {
  host::Argv argv{V6C_AGENT_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return host::run(argv, netns, 20s);
}

}  // namespace

TEST_CASE("v6agent: usage errors and missing interfaces have their own exit codes", "[cli][agent]") {
  test::TempDir dir("cli");
  SECTION("version") {
    auto r = agent({"--version"});
    CHECK(r.status == 0);
    CHECK(r.out.find("v6agent") != std::string::npos);
  }
  SECTION("no subcommand") { CHECK(agent({}).status == 2); }
  SECTION("plan that is not JSON") {
    auto r = agent({"run", dir.file("plan.json", "{not json"), "-i", "lo"});
    CHECK(r.status == 2);
    CHECK(r.err.find("not valid JSON") != std::string::npos);
  }
  SECTION("plan with an unknown procedure") {
    auto r = agent({"run", dir.file("plan.json", R"({"schema":"v6agent-plan/1","procedures":[{"kind":"teleport"}]})"),
                    "-i", "lo"});
    CHECK(r.status == 2);
    CHECK(r.err.find("unknown procedure kind \"teleport\"") != std::string::npos);
  }
  SECTION("plan with an unknown parameter: the key is named") {
    auto r = agent({"run",
                    dir.file("plan.json",
                             R"({"schema":"v6agent-plan/1","procedures":[{"kind":"echo","target":"::1","sise":1280}]})"),
                    "-i", "lo"});
    CHECK(r.status == 2);
    CHECK(r.err.find("unknown parameter 'sise'") != std::string::npos);
  }
  SECTION("plan with the wrong schema") {
    auto r = agent({"run", dir.file("plan.json", R"({"schema":"v6agent-plan/9","procedures":[]})"), "-i", "lo"});
    CHECK(r.status == 2);
  }
  SECTION("no such interface") {
    auto r = agent({"discover", "-i", "v6c-nonexist0"});
    CHECK(r.status == 4);
    CHECK(r.err == "v6agent: no such interface: v6c-nonexist0\n");
  }
}

TEST_CASE("v6agent without CAP_NET_RAW says so and exits 3", "[cli][agent][link]") {
  // setpriv drops to nobody with no capabilities: what an unprivileged user gets.
  auto r = host::run({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                      V6C_AGENT_BIN, "discover", "-i", "lo"});
  CHECK(r.status == 3);
  CHECK(r.err.find("CAP_NET_RAW") != std::string::npos);
}

namespace {

// radvd on the "router" side of `net`, advertising 2001:db8:1::/64 with `extra` in its interface block.
std::unique_ptr<host::Process> radvd(const test::NetPair& net, test::TempDir& dir, const std::string& extra = "") {
  net.r->must({"ip", "addr", "add", "2001:db8:1::1/64", "dev", net.r_if, "nodad"});
  auto conf = dir.file("radvd.conf", "interface " + net.r_if +
                                         " { AdvSendAdvert on; AdvLinkMTU 1450; AdvOtherConfigFlag off;\n"
                                         " prefix 2001:db8:1::/64 { AdvOnLink on; AdvAutonomous on; };\n" +
                                         extra + " };\n");
  return std::make_unique<host::Process>(
      host::Argv{"radvd", "-n", "-C", conf, "-p", dir.file("radvd.pid"), "-m", "none"}, net.r->name());
}

std::vector<wire::LinkState> states(const wire::AgentReport& report) {
  std::vector<wire::LinkState> s;
  for (const auto& step : report.diagnosis) s.push_back(step.state);
  return s;
}

std::vector<std::string> procedure_ids(const wire::AgentReport& report) {
  std::vector<std::string> ids;
  for (const auto& p : report.procedures) ids.push_back(p.id);
  return ids;
}

using LS = wire::LinkState;

}  // namespace

TEST_CASE("v6agent diagnose on a link without a router names the missing RA and exits 1", "[cli][agent][link]") {
  test::NetPair net("cn");
  test::TempDir dir("cn");
  test::wait_link_local(*net.h, net.h_if);
  auto json_path = dir.file("out.json");
  auto r = agent({"diagnose", "-i", net.h_if, "--json", json_path}, net.h->name());
  CAPTURE(r.out, r.err);
  CHECK(r.status == 1);
  CHECK(r.out.find("Answer: the first broken link is the router advertisement: no router advertisement within "
                   "4000 ms of 2 router solicitations") != std::string::npos);
  CHECK(r.out.find("Check next: is a router attached to this network") != std::string::npos);
  // Nothing after the missing RA is judged on what never came, nor reported as the tool's error.
  CHECK(r.out.find("ERROR") == std::string::npos);
  CHECK(r.out.find("unknown") == std::string::npos);
  CHECK(r.out.find("DHCPv6") == std::string::npos);
  auto report = nlohmann::json::parse(test::slurp(json_path)).get<wire::AgentReport>();
  CHECK(procedure_ids(report) == std::vector<std::string>{"discover"});
  CHECK(states(report) == std::vector<LS>{LS::broken, LS::not_tried, LS::not_tried, LS::not_tried, LS::not_tried});
  CHECK(report.diagnosis.at(1).why == "needs a router advertisement: it says how to form an address");
}

TEST_CASE("v6agent diagnose against radvd without RDNSS: the resolver is the broken link", "[cli][agent][link]") {
  test::NetPair net("ca");
  test::TempDir dir("ca");
  auto router = radvd(net, dir);
  test::wait_link_local(*net.h, net.h_if);
  auto json_path = dir.file("out.json"), pcap_path = dir.file("out.pcap");
  auto r = agent({"diagnose", "-i", net.h_if, "--json", json_path, "--pcap", pcap_path}, net.h->name());
  CAPTURE(r.out, r.err);
  CHECK(r.status == 1);
  CHECK(r.out.find("Router lifetime") != std::string::npos);
  CHECK(r.out.find("Answer: the first broken link is the resolver: no DNS server: the RA carries no RDNSS option "
                   "and sets M=0 and O=0, so a host that uses SLAAC cannot learn one") != std::string::npos);
  CHECK(r.out.find("ERROR") == std::string::npos);

  auto report = nlohmann::json::parse(test::slurp(json_path)).get<wire::AgentReport>();
  CHECK(report.schema == "v6agent/1");
  REQUIRE(report.link_local);
  CHECK(r.out.rfind("v6agent " + report.agent_version + " on " + net.h_if + " (" + report.mac.str() + ", MTU " +
                        std::to_string(report.mtu) + ", " + report.link_local->str() + ")\n\ndiscover",
                    0) == 0);
  CHECK(report.interface == net.h_if);
  CHECK(report.mac == *wire::Mac::parse(net.h_mac));
  // M=O=0: no DHCPv6 asked; no DNS server: nothing to query.
  REQUIRE(procedure_ids(report) == std::vector<std::string>{"discover", "dad", "nd-router", "echo"});
  CHECK(states(report) == std::vector<LS>{LS::holds, LS::holds, LS::holds, LS::holds, LS::broken});
  const auto& disc = std::get<wire::DiscoverResult>(report.procedures[0].result);
  // radvd's own start-up announcements may land in the window beside the solicited one.
  REQUIRE_FALSE(disc.ras.empty());
  for (const auto& ra : disc.ras) CHECK(ra.as<wire::RouterAdvert>()->mtu == 1450u);
  const auto& dad = std::get<wire::DadResult>(report.procedures[1].result);
  CHECK(dad.address == wire::eui64_address(*wire::Ip6::parse("2001:db8:1::"), *wire::Mac::parse(net.h_mac)));
  CHECK_FALSE(dad.duplicate);
  const auto& echo = std::get<wire::EchoResult>(report.procedures[3].result);
  CHECK(echo.replies.size() == 3);

  // The pcap holds what was sent and seen: our RS, then an RA after it (an unsolicited
  // start-up RA from radvd may come before it).
  auto pkts = probe::read_pcap(pcap_path);
  auto rs = std::find_if(pkts.begin(), pkts.end(), [&](const auto& p) {
    return p.template as<wire::RouterSolicit>() && p.ctx.src_mac == *wire::Mac::parse(net.h_mac);
  });
  REQUIRE(rs != pkts.end());
  CHECK(std::any_of(rs, pkts.end(), [](const auto& p) { return p.template as<wire::RouterAdvert>() != nullptr; }));
}

TEST_CASE("v6agent diagnose where everything works asks the network's own domain and exits 0", "[cli][agent][link]") {
  test::NetPair net("cw");
  test::TempDir dir("cw");
  auto router = radvd(net, dir, " RDNSS 2001:db8:1::1 { };\n DNSSL example.org { };\n");
  // The resolver: dnsmasq knows the domain's own name and nothing else.
  host::Process dns({"dnsmasq", "--keep-in-foreground", "--no-hosts", "--no-resolv", "--conf-file=/dev/null",
                     "--bind-interfaces", "--interface=" + net.r_if, "--except-interface=lo",
                     "--pid-file=" + dir.file("dnsmasq.pid"), "--host-record=example.org,2001:db8:1::80",
                     "--local=/example.org/", "--log-facility=-"},
                    net.r->name(), dir.file("dnsmasq.log"));
  test::wait_link_local(*net.h, net.h_if);
  auto json_path = dir.file("out.json");
  SECTION("the domain from DNSSL") {
    auto r = agent({"diagnose", "-i", net.h_if, "--json", json_path}, net.h->name());
    CAPTURE(r.out, r.err, test::slurp(dir.file("dnsmasq.log")));
    CHECK(r.status == 0);
    CHECK(r.out.find("resolver 2001:db8:1::1 asked for AAAA example.org: 2001:db8:1::80") != std::string::npos);
    CHECK(r.out.find("Answer: IPv6 works on this link") != std::string::npos);
    auto report = nlohmann::json::parse(test::slurp(json_path)).get<wire::AgentReport>();
    CHECK(states(report) == std::vector<LS>{LS::holds, LS::holds, LS::holds, LS::holds, LS::holds});
  }
  SECTION("a name the user gives, which does not exist: the resolver still answers") {
    auto r = agent({"diagnose", "-i", net.h_if, "--name", "nothere.example.org"}, net.h->name());
    CAPTURE(r.out, r.err);
    CHECK(r.status == 0);
    CHECK(r.out.find("asked for AAAA nothere.example.org: the name does not exist (NXDOMAIN)") != std::string::npos);
  }
}

TEST_CASE("Agents as cloud VMs: one answers echoes for its address, the other waits for it to come up",
          "[cli][agent][link]") {
  // As in a cloud: the kernels hold no global address; the agents answer for what they formed.
  test::NetPair net("cp");
  test::TempDir dir("cp");
  test::wait_link_local(*net.h, net.h_if);
  test::wait_link_local(*net.r, net.r_if);
  const auto prefix = *wire::Ip6::parse("2001:db8:5::");
  const auto served = wire::eui64_address(prefix, *wire::Mac::parse(net.h_mac));
  const auto served_plan = dir.file("served.json", nlohmann::json{
      {"schema", "v6agent-plan/1"}, {"answer_echo", true}, {"serve_ms", 4000},
      {"procedures", {{{"id", "dad"}, {"kind", "dad"}, {"prefix", prefix.str()}}}}}.dump());
  const auto waiting_plan = dir.file("waiting.json", nlohmann::json{
      {"schema", "v6agent-plan/1"},
      {"procedures", {{{"id", "echo-peer"}, {"kind", "echo"}, {"target", served.str()}, {"count", 3},
                       {"patience_ms", 10000}}}}}.dump());
  const auto waiting_json = dir.file("waiting-out.json"), served_json = dir.file("served-out.json");

  // The prober starts first and finds nobody; the served agent comes up 2 s later.
  host::Process waiting({V6C_AGENT_BIN, "run", waiting_plan, "-i", net.r_if, "--json", waiting_json, "-q"},
                        net.r->name());
  std::this_thread::sleep_for(2s);
  const auto started = std::chrono::steady_clock::now();
  host::Process serving({V6C_AGENT_BIN, "run", served_plan, "-i", net.h_if, "--json", served_json, "-q"},
                        net.h->name());
  REQUIRE(waiting.wait(15s) == 0);
  // The served agent wrote its report before serving, and serves on after it.
  CHECK(std::filesystem::exists(served_json));
  CHECK(serving.running());
  CHECK(serving.wait(10s) == 0);
  CHECK(std::chrono::steady_clock::now() - started >= 4s);

  const auto report = nlohmann::json::parse(test::slurp(waiting_json)).get<wire::AgentReport>();
  const auto& echo = std::get<wire::EchoResult>(report.procedures.at(0).result);
  CHECK(echo.target == served);
  CHECK(echo.sent == 3);
  CHECK(echo.replies.size() == 3);

  // Without answer_echo nobody answers (the kernel has no such address): the check can fail.
  const auto silent_plan = dir.file("silent.json", nlohmann::json{
      {"schema", "v6agent-plan/1"}, {"serve_ms", 3000},
      {"procedures", {{{"id", "dad"}, {"kind", "dad"}, {"prefix", prefix.str()}}}}}.dump());
  const auto quick_plan = dir.file("quick.json", nlohmann::json{
      {"schema", "v6agent-plan/1"},
      {"procedures", {{{"id", "echo-peer"}, {"kind", "echo"}, {"target", served.str()}, {"count", 3}}}}}.dump());
  host::Process silent({V6C_AGENT_BIN, "run", silent_plan, "-i", net.h_if, "-q"}, net.h->name());
  std::this_thread::sleep_for(1500ms);
  auto r = agent({"run", quick_plan, "-i", net.r_if, "--json", waiting_json, "-q"}, net.r->name());
  const auto quiet = nlohmann::json::parse(test::slurp(waiting_json)).get<wire::AgentReport>();
  const auto& none = std::get<wire::EchoResult>(quiet.procedures.at(0).result);
  CHECK(none.replies.empty());
}

TEST_CASE("Agents as cloud VMs that wait for each other: both get every reply", "[cli][agent][link]") {
  // Each probes the other with patience; the first one up waits while the second boots, and
  // must keep answering (ND and echo) while it waits, or the second finds it deaf.
  test::NetPair net("cm");
  test::TempDir dir("cm");
  test::wait_link_local(*net.h, net.h_if);
  test::wait_link_local(*net.r, net.r_if);
  const auto prefix = *wire::Ip6::parse("2001:db8:6::");
  auto plan = [&](const std::string& name, const std::string& peer_mac) {
    const auto peer = wire::eui64_address(prefix, *wire::Mac::parse(peer_mac));
    return dir.file(name + ".json", nlohmann::json{
        {"schema", "v6agent-plan/1"}, {"answer_echo", true}, {"serve_ms", 3000},
        {"procedures", {{{"id", "dad"}, {"kind", "dad"}, {"prefix", prefix.str()}},
                        {{"id", "echo-peer"}, {"kind", "echo"}, {"target", peer.str()}, {"count", 3},
                         {"patience_ms", 15000}}}}}.dump());
  };
  const auto first_json = dir.file("first-out.json"), second_json = dir.file("second-out.json");
  host::Process first({V6C_AGENT_BIN, "run", plan("first", net.h_mac), "-i", net.r_if, "--json", first_json, "-q"},
                      net.r->name());
  std::this_thread::sleep_for(2500ms);
  host::Process second({V6C_AGENT_BIN, "run", plan("second", net.r_mac), "-i", net.h_if, "--json", second_json, "-q"},
                       net.h->name());
  CHECK(first.wait(25s) == 0);
  CHECK(second.wait(25s) == 0);
  for (const auto& out : {first_json, second_json}) {
    const auto report = nlohmann::json::parse(test::slurp(out)).get<wire::AgentReport>();
    const auto& echo = std::get<wire::EchoResult>(report.procedures.at(1).result);
    CAPTURE(out);
    CHECK(echo.sent == 3);
    CHECK(echo.replies.size() == 3);
  }
}

TEST_CASE("v6agent attacks only on the interface its plan permits, and shows both roles as text",
          "[cli][agent][link]") {
  test::NetPair net("cs");  // r: the victim, h: the attacker
  test::TempDir dir("cs");
  test::wait_link_local(*net.h, net.h_if);
  test::wait_link_local(*net.r, net.r_if);
  auto attack_plan = [&](const nlohmann::json& permission) {
    nlohmann::json p = {{"kind", "attack"}, {"victim_mac", net.r_mac}, {"attacks", {"rogue-ra", "redirect"}},
                        {"wait_ms", 1500}};
    if (!permission.is_null()) p["attack"] = permission;
    return nlohmann::json{{"schema", "v6agent-plan/1"}, {"interface", "eth0"}, {"procedures", {p}}}.dump();
  };
  auto refused = [&](const nlohmann::json& permission) {
    auto json_path = dir.file("refused.json"), pcap_path = dir.file("refused.pcap");
    auto r = agent({"run", dir.file("attack.json", attack_plan(permission)), "-i", net.h_if, "--json", json_path,
                    "--pcap", pcap_path},
                   net.h->name());
    CAPTURE(r.out, r.err);
    CHECK(r.status == 1);
    CHECK(r.out.find("attack: ERROR: refused to attack on " + net.h_if) != std::string::npos);
    auto report = nlohmann::json::parse(test::slurp(json_path)).get<wire::AgentReport>();
    REQUIRE(report.procedures.size() == 1);
    CHECK(report.procedures[0].status == wire::RunStatus::error);
    // The kernel's own MLD reports may be there; nothing the attack would have sent is.
    for (const auto& p : probe::read_pcap(pcap_path)) {
      CHECK_FALSE(p.as<wire::RouterAdvert>());
      CHECK_FALSE(p.as<wire::Redirect>());
      CHECK_FALSE(p.as<wire::NeighborSolicit>());  // not even the start control
    }
  };
  SECTION("the permission names the plan's interface, not the one it runs on") { refused({{"allowed_interface", "eth0"}}); }
  SECTION("no permission at all") { refused(nullptr); }
  SECTION("a permission for another interface than the plan's: the plan is rejected before anything runs") {
    auto r = agent({"run", dir.file("attack.json", attack_plan({{"allowed_interface", net.h_if}})), "-i", net.h_if},
                   net.h->name());
    CHECK(r.status == 2);
    CHECK(r.err.find("but the plan's interface is \"eth0\"") != std::string::npos);
  }
  SECTION("permitted: the attacker's and the victim's text") {
    nlohmann::json victim = {{"schema", "v6agent-plan/1"},
                             {"procedures", {{{"kind", "victim"}, {"attacker_mac", net.h_mac}, {"listen_ms", 2500},
                                               {"ra_wait_ms", 2500}}}}};  // no router here to wait for
    const auto victim_log = dir.file("victim.log");
    host::Process v({V6C_AGENT_BIN, "run", dir.file("victim.json", victim.dump()), "-i", net.r_if}, net.r->name(),
                    victim_log);
    auto plan = nlohmann::json::parse(attack_plan({{"allowed_interface", net.h_if}}));
    plan["interface"] = net.h_if;
    auto a = agent({"run", dir.file("attack.json", plan.dump())}, net.h->name());
    CHECK(v.wait(5s) == 0);
    const auto seen = test::slurp(victim_log);
    CAPTURE(a.out, a.err, seen);
    CHECK(a.status == 0);
    CHECK(a.out.find("started on the victim's announcement") != std::string::npos);
    CHECK(a.out.find("rogue-ra") != std::string::npos);
    CHECK(a.out.find(" 2 frames, ") != std::string::npos);
    CHECK(seen.find("attacker started and finished; 2 control NS received") != std::string::npos);
    CHECK(seen.find("ARRIVED rogue-ra: 2 packets") != std::string::npos);
    CHECK(seen.find("ARRIVED redirect: 2 packets") != std::string::npos);
    // The "router" side forwards, so its kernel ignores RAs, and the text says so.
    CHECK(seen.find("accept_ra 0, forwarding 1") != std::string::npos);
    CHECK(seen.find("ignores RAs") != std::string::npos);
    CHECK(seen.find("kernel state before: ") != std::string::npos);
    // Even so its kernel marks the RA's sender a router in its neighbour table.
    CHECK(seen.find("now a router (BY rogue-ra, rogue-ra-hbh, rogue-ra-frag)") != std::string::npos);
  }
}

namespace {

// The capability sets of a running process, from /proc/PID/status, once it has dropped what
// it does not need (it sets no_new_privs last).
std::map<std::string, std::uint64_t> capabilities_after_drop(pid_t pid) {
  const auto path = "/proc/" + std::to_string(pid) + "/status";
  for (int i = 0; i < 200; ++i) {
    auto status = test::slurp(path);
    if (status.find("NoNewPrivs:\t1") != std::string::npos) {
      std::map<std::string, std::uint64_t> caps;
      std::istringstream in(status);
      std::string line;
      while (std::getline(in, line))
        if (line.rfind("Cap", 0) == 0) caps[line.substr(0, line.find(':'))] = std::stoull(line.substr(line.find('\t') + 1), nullptr, 16);
      return caps;
    }
    std::this_thread::sleep_for(10ms);
  }
  throw std::runtime_error("v6agent never set no_new_privs: " + test::slurp(path));
}

constexpr std::uint64_t kNetRaw = std::uint64_t{1} << 13;  // CAP_NET_RAW

}  // namespace

TEST_CASE("v6agent started as root keeps CAP_NET_RAW alone", "[cli][agent][link][privileges]") {
  test::NetPair net("cp");
  // A passive discover listens for 3 s: long enough to read its status while it runs.
  host::Process agent_proc({V6C_AGENT_BIN, "discover", "-q", "--passive", "-w", "3000", "-i", net.h_if},
                           net.h->name());
  auto caps = capabilities_after_drop(agent_proc.pid());
  CHECK(caps.at("CapEff") == kNetRaw);
  CHECK(caps.at("CapPrm") == kNetRaw);
  CHECK(caps.at("CapBnd") == kNetRaw);
  CHECK(caps.at("CapInh") == 0);
  CHECK(caps.at("CapAmb") == 0);
  CHECK(agent_proc.wait(10s) == 0);  // and the passive discover ran to its end with it
}

TEST_CASE("v6agent as an unprivileged user with only CAP_NET_RAW finds radvd's RA", "[cli][agent][link][privileges]") {
  test::NetPair net("cu");
  test::TempDir dir("cu");
  auto conf = dir.file("radvd.conf", "interface " + net.r_if +
                                         " { AdvSendAdvert on; AdvLinkMTU 1450;\n"
                                         " prefix 2001:db8:1::/64 { AdvOnLink on; AdvAutonomous on; }; };\n");
  host::Process radvd({"radvd", "-n", "-C", conf, "-p", dir.file("radvd.pid"), "-m", "none"}, net.r->name());
  test::wait_link_local(*net.h, net.h_if);
  // nobody, no groups, CAP_NET_RAW handed down as an ambient capability and nothing else.
  auto r = host::run({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all,+net_raw",
                      "--ambient-caps=-all,+net_raw", "--bounding-set=-all,+net_raw", V6C_AGENT_BIN, "discover",
                      "-i", net.h_if, "-w", "2000", "--json", "-"},
                     net.h->name(), 20s);
  CAPTURE(r.out, r.err);
  REQUIRE(r.status == 0);
  auto report = nlohmann::json::parse(r.out).get<wire::AgentReport>();
  const auto& disc = std::get<wire::DiscoverResult>(report.procedures.at(0).result);
  CHECK(std::any_of(disc.ras.begin(), disc.ras.end(),
                    [&](const wire::Packet& p) { return p.ctx.src_mac == *wire::Mac::parse(net.r_mac); }));
}
