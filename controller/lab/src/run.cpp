#include "v6c/lab/run.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>

#include "v6c/catalog/plan.hpp"
#include "v6c/host/host.hpp"
#include "v6c/lab/config.hpp"
#include "v6c/wire/json.hpp"

namespace v6c::lab {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Beyond the plan's own windows: process start, pcap open, JSON write.
constexpr auto kAgentSlack = 20s;
constexpr std::string_view kSlowSection = "slow";

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

catalog::Result run_catalogue(const Lab& lab, const catalog::Catalog& full, const fs::path& agent,
                              RunTimings* timings, const fs::path& out_dir) {
  // Periodic RAs take minutes at real intervals: the slow section runs only with --slow,
  // when the lab's radvd advertises every few seconds.
  catalog::Catalog c = full;
  if (!lab.model().slow)
    for (auto& r : c.requirements)
      if (r.section == kSlowSection) r.enabled = false;
  const auto facts = to_facts(lab.model());
  const auto options = catalog::plan_options(c, facts);
  const fs::path dir = out_dir.empty() ? fs::path(lab.files_dir()) : out_dir;
  const auto start = Clock::now();

  struct Running {
    std::string host;
    fs::path report, pcap;
    std::unique_ptr<host::Process> process;
  };
  std::vector<Running> agents;
  for (const auto& net : facts.networks)
    for (const auto& port : net.ports) {
      const LabPort* lab_port = nullptr;
      for (const auto& [n, p] : lab.model().vm_ports())
        if (p->name == port.name) lab_port = p;
      if (!lab_port) continue;
      Running r;
      r.host = port.name;
      const fs::path plan = dir / ("plan-" + port.name + ".json");
      r.report = dir / (port.name + ".json");
      r.pcap = dir / (port.name + ".pcap");
      std::ofstream(plan) << catalog::make_plan(facts, net, port, options).dump(2);
      r.process = std::make_unique<host::Process>(
          host::Argv{agent.string(), "run", plan.string(), "-i", kVmIfname, "--host", port.name, "--json",
                     r.report.string(), "--pcap", r.pcap.string(), "-q"},
          lab.vm_netns(*lab_port), (dir / (port.name + ".log")).string());
      agents.push_back(std::move(r));
    }

  catalog::Observations obs;
  const auto budget = std::chrono::milliseconds(options.discover_window_ms) +
                      (options.slow ? std::chrono::milliseconds(options.passive_window_ms) : 0ms) + kAgentSlack;
  for (auto& r : agents) {
    const auto left = budget - std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    r.process->wait(std::max(left, std::chrono::milliseconds(0)));
    r.process->stop();  // an agent past its budget is ended; its report is then missing
    std::ifstream in(r.report);
    if (!in) continue;  // no report: the evaluator says ERROR for what it should have measured
    try {
      obs.agents[r.host] = nlohmann::json::parse(in).get<wire::AgentReport>();
      obs.pcaps[r.host] = r.pcap.string();
    } catch (const std::exception&) {
      // A malformed report counts as a missing one.
    }
  }
  if (timings) timings->probing = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
  return catalog::evaluate(c, facts, obs);
}

}  // namespace v6c::lab
