// `v6conform run`: the catalogue against a real OpenStack cloud (docs/cloud-run.md).
//
//   provision  router, one network per address mode (+ a peer network when there is only one),
//              a security group, one port per agent VM; the api section's facts on the way
//   plan       Facts as Neutron states them → make_plan per port, as in the lab
//   boot       every VM at once, the plan as user data on the config drive
//   collect    the agents' framed reports from the serial consoles (os-getConsoleOutput)
//   evaluate   the same evaluator the lab uses
// Every resource is on the caller's CleanupStack the moment it exists.
#pragma once
#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "v6c/catalog/catalog.hpp"
#include "v6c/catalog/evaluator.hpp"
#include "v6c/cloud/cleanup.hpp"
#include "v6c/cloud/session.hpp"
#include "v6c/model/facts.hpp"
#include "v6c/wire/plan.hpp"

namespace v6c::run {

using nlohmann::json;

struct Options {
  std::vector<model::Mode> modes = model::kAllModes;
  std::string prefix = cloud::kDefaultPrefix;  // every name starts with prefix + run id
  std::string run_id;                          // set by the caller (unique per run)
  std::string image;                           // an existing Glance image (root, kernel_id/ramdisk_id set)
  std::string image_dir;                       // else the built agent image to upload (manifest.json, ...)
  std::string flavor;                          // a flavor name; empty: the smallest that fits
  std::string external_network;                // name or id; empty: the is_default external network
  std::optional<wire::Ip6> external_target;    // north-south-out target
  std::string ipv6_cidr;                       // without a default pool: /64s are cut from this
  std::string ipv4_cidr;                       // an IPv4 subnet beside each IPv6 one (dual stack); empty: none
  bool security = false;                       // attacker + victim VM per network (networks we create)
  bool slow = false;                           // the slow section (ra-periodic): listen MaxRtrAdvInterval
  std::string backend = "radvd";               // radvd (ML2/OVS, linuxbridge) or ovn
  std::chrono::seconds boot_timeout{900};      // all VMs booted and reported
  std::string output_dir;                      // each VM's plan and report written here; empty: nowhere
  std::chrono::milliseconds peer_patience{120'000};  // a peer VM may still be booting
  std::chrono::milliseconds serve{180'000};          // an agent answers peers this long after its report
  std::function<void(const std::string&)> progress = [](const std::string&) {};
};

// One agent VM: its port (as the facts state it), its plan and its server.
struct AgentVm {
  std::string name, network, port_id, server_id;
  json plan;
};

struct Topology {
  model::Facts facts;
  std::vector<AgentVm> vms;
  std::string router_id, security_group_id;
  std::map<std::string, std::string> network_ids;  // by facts network name
  // The API tries (modes not under test, what a member must not do) need nothing the VMs
  // wait for: they run while the VMs boot, and their facts join facts.api at the end.
  std::future<json> api_tries;
};

// The names of everything one run creates.
std::string resource_name(const Options& o, const std::string& what);

// Creates the topology and records the api section's facts (subnet pools, the default
// pool's /64, external networks, the router gateway, the modes accepted and refused, RBAC).
// Mode subnets that the cloud refuses are recorded in facts.api.address_modes and left out.
// The tries go on after it returns (Topology::api_tries): s, cleanup, c and o must outlive
// them, and finish_api_tries() adds their facts (rethrowing what stopped them).
Topology provision(cloud::Session& s, cloud::CleanupStack& cleanup, const catalog::Catalog& c, const Options& o);
void finish_api_tries(Topology& t);

// The agent image to boot: `o.image` when given (NotFound names it), else the built image in
// `o.image_dir`, uploaded to Glance unless an image with the same name and checksum is there.
// Uploaded images are kept (not on the cleanup stack) so the next run reuses them.
std::string ensure_agent_image(cloud::Session& s, const Options& o);
// Files of a built agent image and what Glance will report for them. Each must have the sha256
// its manifest records, else ConfigError (a file changed or cut after the build).
struct ImageFile {
  std::string role, path, name, md5;  // role: kernel | ramdisk | root
};
std::vector<ImageFile> agent_image_files(const std::string& image_dir);
std::string md5_hex(const std::string& bytes);

// The smallest flavor with at least `min_ram_mb` and a disk of at least `min_disk_gb`
// (by RAM, then vCPUs, then disk), or the named one.
std::string choose_flavor(const std::vector<json>& flavors, const std::string& name, int min_ram_mb, int min_disk_gb);

// A plan as make_plan writes it, turned into a cloud VM's: its console run id, the agent
// answering peers' echoes while its kernel holds no address, patience for booting peers.
json cloud_plan(wire::Plan plan, const std::string& run, const Options& o);

// What the consoles said, per VM: the report, or why there is none.
struct Collected {
  std::map<std::string, wire::AgentReport> reports;
  std::map<std::string, std::string> missing;  // VM → "server went to ERROR: ...", "no report within 900 s"
};
// `after_report` runs once per VM as soon as its report is in, while its agent still serves.
Collected boot_and_collect(cloud::Session& s, cloud::CleanupStack& cleanup, Topology& t, const std::string& image_id,
                           const std::string& flavor_id, const Options& o,
                           const std::function<void(const AgentVm&)>& after_report = {});

// north-south-in from the controller's host: each probe VM's global address echoed through
// this host's own IPv6 stack (probe::echo_from_host), once that VM has reported.
struct ExternalEchoes {
  wire::Plan plan;            // make_external_plan's: one echo-in-<vm> per probe VM
  wire::AgentReport report;   // host "external", the echoes done so far
  std::string why_not;        // set when this host cannot probe (no route, no permission)
  void probe(const std::string& vm);
};

// The whole run; the caller runs the cleanup stack afterwards (also when this throws).
catalog::Result run_cloud(cloud::Session& s, cloud::CleanupStack& cleanup, const catalog::Catalog& c,
                          const Options& o);

}  // namespace v6c::run
