// The registry of check functions. A check is a small pure function: the observations of
// one scope, the facts and the requirement's parameters in, an Outcome out.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "v6c/catalog/security.hpp"
#include "v6c/catalog/verdict.hpp"
#include "v6c/model/facts.hpp"
#include "v6c/wire/results.hpp"

namespace v6c::catalog {

// One probe VM of the scope: its port as Neutron states it and what its agent reported.
struct HostObservations {
  const model::Port* port = nullptr;
  const wire::AgentReport* report = nullptr;  // null: the agent never reported
  std::string pcap;                           // its capture, for evidence
};

// Echo requests that reached the external target, captured beyond the router (the lab's
// upstream namespace, or the controller's host when the target is its own address). A NAT66
// that translates back is invisible from inside the VM: replies and quoted errors are
// translated too. Only here does the rewritten source show.
struct FarSeen {
  std::string host;                         // the observer, for evidence
  std::string pcap;                         // its capture
  std::vector<wire::Packet> echo_requests;  // every one addressed to the external target
};

// The control path of icmp6-errors: Destination Unreachables the router sent, seen where no
// security group filters them. The lab captures them leaving its upstream router (addressed to
// the probe VMs); a cloud run's control VM, whose group admits all ICMPv6, receives its own.
// A probe VM that got none while the router sent them sits behind a filter that drops them
// (RFC 4890); none sent here either: the router sends none (RFC 4443 §3.1).
struct ErrorsSent {
  std::string where;                            // for the verdict
  std::string host, pcap;                       // for evidence
  std::vector<wire::Packet> dest_unreachables;  // every Destination Unreachable seen there
  bool addressed_to_probes = false;             // true: each probe VM's own are among them
};

struct CheckInput {
  const model::Facts& facts;
  const model::Network* network = nullptr;        // null for global checks
  std::vector<HostObservations> hosts;            // the network's probe VMs
  const SecurityObservations* security = nullptr; // null: no attack ran on this network
  const wire::AgentReport* external = nullptr;    // the agent outside the cloud, if any
  const nlohmann::json& params;                   // complete (defaults filled in)
  std::string_view external_why_not = {};         // why no agent outside the cloud reported
  const FarSeen* far_seen = nullptr;              // null: nobody watched beyond the router
  std::string_view far_why_not = {};              // why nobody did
  const ErrorsSent* errors_sent = nullptr;        // null: no control path for ICMPv6 errors
  std::string_view errors_sent_why_not = {};      // why there is none
};

using CheckFn = Outcome (*)(const CheckInput&);

enum class ParamType { integer, number, boolean, string, string_list };
std::string_view to_string(ParamType t);

struct ParamSpec {
  std::string name;
  ParamType type;
  nlohmann::json default_value;
  std::string doc;
  // Checked at load, so a threshold that would make the check meaningless (0 replies needed,
  // a NaN factor, a misspelt attack) is a malformed catalogue, not a silent PASS.
  std::optional<double> minimum = {};     // integer and number
  std::optional<double> maximum = {};
  std::vector<std::string> allowed = {};  // string, and each item of a string_list (empty: any)
};

struct CheckSpec {
  std::string name;
  bool global = false;            // one verdict for the cloud instead of one per network
  std::vector<ParamSpec> params;
  std::string reads;              // which observations, for `catalog show`
  CheckFn fn = nullptr;
  bool reads_address_vms = false; // also the VMs that only form an address (role "address")
};

const std::vector<CheckSpec>& check_registry();
const CheckSpec* find_check(std::string_view name);

// Registries of the check families (one file each), joined by check_registry().
std::vector<CheckSpec> ra_checks();
std::vector<CheckSpec> address_checks();
std::vector<CheckSpec> connectivity_checks();
std::vector<CheckSpec> security_checks();
std::vector<CheckSpec> api_checks();

}  // namespace v6c::catalog
