#include "v6c/lab/run.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <memory>

#include "v6c/catalog/plan.hpp"
#include "v6c/host/host.hpp"
#include "v6c/lab/config.hpp"
#include "v6c/lab/guest.hpp"
#include "v6c/probe/observer.hpp"
#include "v6c/wire/json.hpp"

namespace v6c::lab {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Beyond the discover window: the rest of the plan and process start, pcap open, JSON write.
// The longest plan is a probe's whose ICMPv6 errors never come (hoplimit-far and unreach-far
// wait about 15 s) on a network where nobody answers for the metadata address (3 s of NS).
constexpr auto kAgentSlack = 30s;
constexpr const char* kUpstreamPcap = "upstream.pcap";  // what reached the external target
constexpr const char* kUpstreamErrorsPcap = "upstream-errors.pcap";  // the upstream router's Destination Unreachables

bool executable(const fs::path& p) { return !p.empty() && ::access(p.c_str(), X_OK) == 0; }

}  // namespace

fs::path find_agent(const fs::path& self) {
  if (const char* env = std::getenv("V6C_AGENT"); env && *env) return env;
  const fs::path dir = self.parent_path();
  for (const auto& candidate : {dir / "v6agent", dir / ".." / "agent" / "v6agent"})
    if (executable(candidate)) return fs::weakly_canonical(candidate);
  if (host::have_tool("v6agent")) return "v6agent";
  return {};
}

namespace {

// A capture on the upstream router's provider interface while the VMs probe; null when it
// cannot be opened (`why` says so, and the checks that read it say "not measured").
std::unique_ptr<probe::PacketWatch> watch_upstream(const Lab& lab, probe::WatchFor what, const fs::path& pcap,
                                                   std::string& why) {
  try {
    const auto netns = lab.model().upstream_ns();
    return std::make_unique<probe::PacketWatch>(kUpstreamProviderIfname, std::move(what), pcap.string(), [netns] {
      if (!host::enter_netns(netns)) throw std::runtime_error("cannot enter " + netns);
    });
  } catch (const std::exception& e) {
    why = std::string("no capture on the upstream router: ") + e.what();
    std::fprintf(stderr, "v6conform: lab: %s\n", why.c_str());
    return nullptr;
  }
}

// north-south-out beyond the router: every echo request that reaches the external target.
std::unique_ptr<probe::PacketWatch> watch_far(const Lab& lab, const catalog::Catalog& c, const model::Facts& facts,
                                              const fs::path& dir, catalog::Observations& obs) {
  if (!facts.external_target || !catalog::check_enabled(c, "north_south_out")) return nullptr;
  return watch_upstream(lab, probe::echo_requests_to(*facts.external_target), dir / kUpstreamPcap, obs.far_why_not);
}

// icmp6-errors' control path: the Destination Unreachables the upstream router sends towards
// the VMs (the lab's unassigned address lies beyond it), before any security group.
std::unique_ptr<probe::PacketWatch> watch_errors_sent(const Lab& lab, const catalog::Catalog& c, const fs::path& dir,
                                                      catalog::Observations& obs) {
  if (!catalog::check_enabled(c, "icmp6_errors") && !catalog::check_enabled(c, "icmp6_addr_unreachable"))
    return nullptr;
  return watch_upstream(lab, probe::dest_unreachables_sent(), dir / kUpstreamErrorsPcap, obs.errors_sent_why_not);
}

// An agent's report into obs; none, or a malformed one, counts as missing: the evaluator
// then says ERROR for what the agent should have measured, never PASS.
void read_report(const fs::path& report, const fs::path& pcap, const std::string& host, catalog::Observations& obs) {
  std::ifstream in(report);
  if (!in) return;
  try {
    obs.agents[host] = nlohmann::json::parse(in).get<wire::AgentReport>();
    obs.pcaps[host] = pcap.string();
  } catch (const std::exception&) {
  }
}

// north-south-in: the external host (the provider's upstream router) echoes every probe VM
// through the Neutron router, once the VMs' agents have put their addresses in place.
void run_external(const Lab& lab, const catalog::Catalog& c, const model::Facts& facts,
                  const catalog::PlanOptions& options, const fs::path& dir, const fs::path& agent, bool guests,
                  catalog::Observations& obs) {
  if (!catalog::check_enabled(c, "north_south_in")) return;
  if (guests) {
    // A guest's kernel holds no address, and its agent stops answering for it after its report.
    obs.external_why_not = "lab --vm: the guests answer echoes only while their agent runs";
    return;
  }
  const auto& up = lab.model().upstream;
  auto plan = catalog::make_external_plan(facts, obs.external_host, options, up.gateway, up.router_gateway_port);
  plan.interface = kUpstreamProviderIfname;
  const fs::path plan_path = dir / "plan-external.json", report = dir / "external.json", pcap = dir / "external.pcap";
  std::ofstream(plan_path) << nlohmann::json(plan).dump(2);
  auto r = host::run({agent.string(), "run", plan_path.string(), "--host", obs.external_host, "--json", report.string(),
                      "--pcap", pcap.string(), "-q"},
                     lab.model().upstream_ns(), kAgentSlack + std::chrono::seconds(2 * plan.procedures.size()));
  read_report(report, pcap, obs.external_host, obs);
}

struct RunningAgent {
  std::string host;
  fs::path report, pcap;
  std::unique_ptr<host::Process> process;
};

// One agent per namespace VM port (guests run their own). Probe VMs first: their plans are
// the long ones, so on a busy machine the last agent to start should be a short security
// role, not a probe.
std::vector<RunningAgent> start_agents(const Lab& lab, const model::Facts& facts, const PlanFor& plan_for,
                                       const fs::path& dir, const fs::path& agent) {
  std::vector<std::pair<const model::Network*, const model::Port*>> order;
  for (bool probes : {true, false})
    for (const auto& net : facts.networks)
      for (const auto& port : net.ports)
        if ((port.role == Role::probe) == probes) order.emplace_back(&net, &port);
  std::vector<RunningAgent> agents;
  for (const auto& [net, port] : order) {
    const LabPort* lab_port = nullptr;
    for (const auto& [n, p] : lab.model().vm_ports())
      if (p->name == port->name) lab_port = p;
    if (!lab_port || lab.model().is_guest(*lab_port)) continue;
    RunningAgent r{port->name, dir / (port->name + ".json"), dir / (port->name + ".pcap"), nullptr};
    const fs::path plan = dir / ("plan-" + port->name + ".json");
    std::ofstream(plan) << nlohmann::json(plan_for(*net, *port)).dump(2);
    r.process = std::make_unique<host::Process>(
        host::Argv{agent.string(), "run", plan.string(), "-i", kVmIfname, "--host", port->name, "--json",
                   r.report.string(), "--pcap", r.pcap.string(), "-q"},
        lab.vm_netns(*lab_port), (dir / (port->name + ".log")).string());
    agents.push_back(std::move(r));
  }
  return agents;
}

// Each agent's report, once it exits or the budget from `since` runs out (then it is ended).
void wait_for_reports(std::vector<RunningAgent>& agents, std::chrono::milliseconds budget, Clock::time_point since,
                      const Progress& progress, catalog::Observations& obs) {
  const int total = static_cast<int>(agents.size());
  int done = 0;
  auto step = [&](const std::string& what) {
    if (progress) progress(done, total, what);
  };
  step("probing: " + std::to_string(total) + " agents running, up to " +
       std::to_string(std::chrono::duration_cast<std::chrono::seconds>(budget).count()) + " s");
  for (auto& r : agents) {
    const auto left = budget - std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since);
    r.process->wait(std::max(left, std::chrono::milliseconds(0)));
    r.process->stop();  // an agent past its budget is ended; its report is then missing
    ++done;
    read_report(r.report, r.pcap, r.host, obs);
    step(r.host + (obs.agents.contains(r.host) ? " reported" : ": no report"));
  }
}

}  // namespace

catalog::Result run_catalogue(const Lab& lab, const catalog::Catalog& full, const fs::path& agent,
                              RunTimings* timings, const fs::path& out_dir, const Progress& progress) {
  // Periodic RAs take minutes at real intervals: the slow section runs only with --slow,
  // when the lab's radvd advertises every few seconds.
  catalog::Catalog c = full;
  catalog::select_slow_section(c, lab.model().slow, "slow section not selected (--slow)");
  const auto facts = to_facts(lab.model());
  const auto options = catalog::plan_options(c, facts);
  const fs::path dir = out_dir.empty() ? fs::path(lab.files_dir()) : out_dir;
  const auto start = Clock::now();

  // The security probes: the attacker and the victim VM run them instead of the probe plan
  // (the checks read only probe VMs' reports), at the same time as the probe VMs.
  catalog::SecurityPlanOptions security;
  security.network_is_ours = true;  // the lab built every network it attacks
  security.attacks = catalog::requested_attacks(c);
  auto plan_for = [&](const model::Network& net, const model::Port& port) {
    return catalog::plan_for_port(facts, net, port, options, security);
  };

  catalog::Observations obs;
  auto far = watch_far(lab, c, facts, dir, obs);
  auto errors_sent = watch_errors_sent(lab, c, dir, obs);
  // lab --vm: the probe VMs boot first (guest.hpp).
  auto guests = boot_guests(lab, facts, plan_for, dir);
  const auto agents_start = Clock::now();  // the guests' agents run: the rest start with them
  auto agents = start_agents(lab, facts, plan_for, dir, agent);
  const auto budget = std::chrono::milliseconds(options.discover_window_ms) +
                      (options.slow ? std::chrono::milliseconds(options.passive_window_ms) : 0ms) + kAgentSlack;
  wait_for_reports(agents, budget, agents_start, progress, obs);
  collect_guests(guests, agents_start + budget, dir, obs);
  if (far) obs.far_seen = catalog::FarSeen{"upstream", (dir / kUpstreamPcap).string(), far->finish()};
  if (errors_sent)
    obs.errors_sent = catalog::ErrorsSent{"leaving the upstream router, before any security group", "upstream",
                                          (dir / kUpstreamErrorsPcap).string(), errors_sent->finish(), true};
  run_external(lab, c, facts, options, dir, agent, !guests.empty(), obs);
  catalog::pair_security_reports(facts, security.attacks, obs,
                                 [&](const model::Port& victim) { return (dir / (victim.name + ".pcap")).string(); });
  if (timings) timings->probing = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
  return catalog::evaluate(c, facts, obs);
}

}  // namespace v6c::lab
