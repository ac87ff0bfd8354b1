// Plans: what each agent runs, derived from the facts alone (the contract: wire/plan.hpp,
// docs/agent-plan.md). The procedure ids are the names the checks read.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "v6c/catalog/catalog.hpp"
#include "v6c/catalog/evaluator.hpp"
#include "v6c/catalog/security.hpp"
#include "v6c/model/facts.hpp"
#include "v6c/wire/plan.hpp"

namespace v6c::catalog {

// Procedure ids: the contract between plans and checks.
namespace proc {
inline constexpr std::string_view kDiscover = "discover";
inline constexpr std::string_view kDiscoverPassive = "discover-passive";  // slow: unsolicited RAs only
inline constexpr std::string_view kDad = "dad";
inline constexpr std::string_view kDhcp6 = "dhcp6";
inline constexpr std::string_view kNdGwLl = "nd-gw-ll";
inline constexpr std::string_view kNdGwGlobal = "nd-gw-global";
inline constexpr std::string_view kNdMetadata = "nd-metadata";
inline constexpr std::string_view kEchoGwLl = "echo-gw-ll";
inline constexpr std::string_view kEchoGwGlobal = "echo-gw-global";
inline constexpr std::string_view kEchoMtuLink = "echo-mtu-link";  // network-MTU-sized, to the gateway
inline constexpr std::string_view kEcho1280 = "echo-1280";         // 1280 bytes, off-link
inline constexpr std::string_view kEchoFar = "echo-far";           // the external target
inline constexpr std::string_view kPmtuFar = "pmtu-far";
inline constexpr std::string_view kHoplimitFar = "hoplimit-far";   // hop limit 1 → Time Exceeded
inline constexpr std::string_view kUnreachFar = "unreach-far";     // unassigned address → Dest. Unreachable
inline constexpr std::string_view kDns = "dns";
inline constexpr std::string_view kEchoPeerPrefix = "echo-peer-";  // + the peer VM's name
inline constexpr std::string_view kEchoInPrefix = "echo-in-";      // external agent → VM, + VM name
inline constexpr std::string_view kAttack = "attack";              // the attacker VM's security probes
inline constexpr std::string_view kVictim = "victim";              // the victim VM's capture of them
}  // namespace proc

// RFC 4291 §2.7 / Neutron: the metadata service's link-local address.
inline const wire::Ip6 kMetadataAddress = *wire::Ip6::parse("fe80::a9fe:a9fe");

// What the catalogue asks of the plans; everything else keeps the defaults of wire/plan.hpp.
struct PlanOptions {
  std::string interface = "eth0";
  std::uint32_t discover_window_ms = 3000;
  std::uint32_t end_to_end_size = wire::kMinIpv6Mtu;  // echo-1280's size (mtu_1280's min_mtu)
  bool slow = false;                     // add the passive discover for ra-periodic
  std::uint32_t passive_window_ms = 600'000;
};

// Options for what the catalogue's enabled requirements check (by check, not by id): a
// discover window covering every ra_answered bound, the slow passive window when an
// ra_periodic requirement is selected.
PlanOptions plan_options(const Catalog& c, const model::Facts& f);

// The plan for one VM port on one network; an address VM's (role "address") stops once the
// address is formed, a control VM's (role "control") probes an unassigned address only.
wire::Plan make_plan(const model::Facts& f, const model::Network& net, const model::Port& port,
                         const PlanOptions& o);
// The plan for an agent outside the cloud (north-south-in): echo every probe VM's global address,
// from `source` through `gateway` when the agent sends on a link of its own.
wire::Plan make_external_plan(const model::Facts& f, const std::string& host, const PlanOptions& o,
                                  const std::optional<wire::Ip6>& source = std::nullopt,
                                  const std::optional<wire::Ip6>& gateway = std::nullopt);

// --- Security probes (plan_security.cpp, docs/security.md) ---

// A network's attacker and victim VMs (ports with those roles), when it has both.
struct SecurityPair {
  const model::Port* attacker = nullptr;
  const model::Port* victim = nullptr;
};
std::optional<SecurityPair> security_pair(const model::Network& net);

// The attack ids the enabled requirements ask for (their params.attacks), in catalogue order.
std::vector<std::string> requested_attacks(const Catalog& c);

struct SecurityPlanOptions {
  // Safety: attacks are planned only in a network this tool created (the lab always; a cloud
  // run only with the user's explicit flag). make_attacker_plan refuses without it.
  bool network_is_ours = false;
  std::vector<std::string> attacks;   // requested_attacks(); empty: none are planned
};

// The attacker's plan: the attack procedure, with the permission naming its interface.
// Throws std::invalid_argument unless s.network_is_ours.
wire::Plan make_attacker_plan(const model::Network& net, const SecurityPair& pair, const PlanOptions& o,
                                  const SecurityPlanOptions& s);
// The victim's plan: the capture, announced to the attacker over the tenant link.
wire::Plan make_victim_plan(const model::Network& net, const SecurityPair& pair, const PlanOptions& o,
                                const SecurityPlanOptions& s);

// The plan for any VM port: the attacker's or the victim's when the network has both and
// attacks are requested, make_plan's otherwise. What the lab and a cloud run both call.
wire::Plan plan_for_port(const model::Facts& f, const model::Network& net, const model::Port& port,
                         const PlanOptions& o, const SecurityPlanOptions& s);

// For each network with an attacker and a victim (when attacks were asked for): what the
// one sent paired with what the other captured, from the reports in obs.agents, into
// obs.security. `victim_pcap` names the victim's capture ("" where none leaves the VM).
void pair_security_reports(const model::Facts& f, const std::vector<std::string>& attacks, Observations& obs,
                           const std::function<std::string(const model::Port& victim)>& victim_pcap);

// Pairs what the attacker sent with what the victim captured (either report may be missing:
// then the checks say ERROR, never PASS).
SecurityObservations security_observations(const model::Network& net, const SecurityPair& pair,
                                           const std::vector<std::string>& attacks,
                                           const wire::AgentReport* attacker, const wire::AgentReport* victim,
                                           const std::string& victim_pcap);

}  // namespace v6c::catalog
