#include <algorithm>
#include <filesystem>
#include <fstream>

#include "v6c/catalog/plan.hpp"
#include "v6c/cloud/compute.hpp"
#include "v6c/probe/observer.hpp"
#include "v6c/run/run.hpp"

namespace v6c::run {
namespace {

constexpr int kAgentRamMb = 128;  // docs/image.md: the image works in 128 MB
constexpr int kAgentDiskGb = 0;   // root.raw is 1 MiB; a 0 GB flavor takes the image's size

// What each agent was asked and what it answered, as the lab leaves them: plan-<vm>.json and
// <vm>.json, so a verdict can be traced back to the agent's own words.
void write_agent_files(const std::string& dir, const Topology& t, const Collected& collected) {
  if (dir.empty()) return;
  std::filesystem::create_directories(dir);
  for (const auto& vm : t.vms) std::ofstream(dir + "/plan-" + vm.name + ".json") << vm.plan.dump(2) << "\n";
  for (const auto& [vm, report] : collected.reports)
    std::ofstream(dir + "/" + vm + ".json") << nlohmann::json(report).dump(2) << "\n";
}

// north-south-out's observer: when the external target is an address of this host, this
// host watches what arrives for it while the VMs probe, so a NAT66 on the way shows.
struct TargetWatch {
  std::unique_ptr<probe::PacketWatch> watch;
  std::string host, pcap, why_not;
};

TargetWatch watch_external_target(const catalog::Catalog& c, const model::Facts& f, const Options& o) {
  TargetWatch t;
  if (!catalog::check_enabled(c, "north_south_out") || !f.external_target) return t;
  const auto target = f.external_target->str();
  const auto ifname = probe::interface_holding(*f.external_target);
  if (!ifname) {
    t.why_not = "the external target " + target + " is not an address of this host, which could watch it";
    return t;
  }
  t.host = "this host (" + *ifname + ")";
  if (!o.output_dir.empty()) {
    std::filesystem::create_directories(o.output_dir);
    t.pcap = o.output_dir + "/external-target.pcap";
  }
  try {
    t.watch = std::make_unique<probe::PacketWatch>(*ifname, probe::echo_requests_to(*f.external_target), t.pcap);
  } catch (const std::exception& e) {
    t.why_not = "cannot watch " + target + " on " + *ifname + ": " + e.what();
  }
  return t;
}

}  // namespace

catalog::Result run_cloud(cloud::Session& s, cloud::CleanupStack& cleanup, const catalog::Catalog& full,
                          const Options& o) {
  // Periodic RAs take minutes at Neutron's intervals: the slow section runs only when asked.
  catalog::Catalog c = full;
  catalog::select_slow_section(c, o.slow, "slow section not selected (periodic RAs take minutes)");

  const auto started = catalog::now_us();
  o.progress("authenticating to " + s.config().name);
  s.token();
  // Only the api section selected (an SCS run of scs-0126's testcases): no VM needed.
  const bool needs_agents = std::any_of(c.requirements.begin(), c.requirements.end(),
                                        [](const auto& r) { return r.enabled && r.section != catalog::Section::api; });
  // Image and flavor first: a missing one must fail before anything is created.
  std::string image_id, flavor_id;
  if (needs_agents) {
    image_id = ensure_agent_image(s, o);
    cloud::FlavorsClient flavors(s);
    flavor_id = choose_flavor(flavors.list_flavors(), o.flavor, kAgentRamMb, kAgentDiskGb);
  }

  o.progress("creating networks, router, security group and ports (prefix " + resource_name(o, "") + ")");
  auto topology = provision(s, cleanup, c, o);
  o.progress("topology ready: " + std::to_string(topology.facts.networks.size()) + " networks, " +
             std::to_string(topology.vms.size()) + " agent ports");
  // north-south-in: this host echoes each probe VM as soon as it has reported.
  ExternalEchoes external;
  const bool inbound = catalog::check_enabled(c, "north_south_in");
  if (inbound)
    external.plan = catalog::make_external_plan(topology.facts, "external", catalog::plan_options(c, topology.facts));
  // A VM that listens for periodic RAs reports that much later.
  Options waiting = o;
  if (const auto plan = catalog::plan_options(c, topology.facts); plan.slow)
    waiting.boot_timeout += std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::milliseconds(plan.passive_window_ms));
  auto far = watch_external_target(c, topology.facts, o);
  if (!far.why_not.empty()) o.progress("north-south-out: " + far.why_not);
  Collected collected;
  if (needs_agents)
    collected = boot_and_collect(s, cleanup, topology, image_id, flavor_id, waiting, [&](const AgentVm& vm) {
      if (inbound) external.probe(vm.name);
    });
  finish_api_tries(topology);
  for (const auto& [vm, why] : collected.missing) o.progress("no report from " + vm + ": " + why);
  write_agent_files(o.output_dir, topology, collected);

  catalog::Observations obs;
  obs.agents = collected.reports;
  if (!external.report.procedures.empty()) {
    external.report.host = obs.external_host;
    obs.agents[obs.external_host] = external.report;
  }
  obs.external_why_not = external.why_not;
  if (far.watch) obs.far_seen = catalog::FarSeen{far.host, far.pcap, far.watch->finish()};
  obs.far_why_not = far.why_not;
  if (!external.why_not.empty()) o.progress("north-south-in: " + external.why_not);
  const auto attacks = o.security ? catalog::requested_attacks(c) : std::vector<std::string>{};
  // No pcap leaves a cloud VM: the victim's report alone carries what it captured.
  catalog::pair_security_reports(topology.facts, attacks, obs, [](const model::Port&) { return std::string(); });
  auto result = catalog::evaluate(c, topology.facts, obs);
  result.started = catalog::iso8601_utc(started);
  return result;
}

}  // namespace v6c::run
