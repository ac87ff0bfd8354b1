// Running procedures from a plan (schema "v6agent-plan/1", docs/agent-plan.md). Later
// procedures may name what earlier ones learnt with symbolic values: "@ra-router" (the
// first RA's source), "@ra-prefix" (its first autonomous prefix), "@slaac" (the address
// DAD formed), "@dhcp6" (the leased address), "@global" (@slaac, else @dhcp6),
// "@rdnss" / "@dhcp6-dns" (the first advertised DNS server).
#pragma once
#include <atomic>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "v6c/probe/link.hpp"
#include "v6c/probe/procedures.hpp"
#include "v6c/wire/results.hpp"

namespace v6c::agent {

struct PlanError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

inline constexpr const char* kPlanSchema = "v6agent-plan/1";

// What the agent has learnt so far in this run.
struct State {
  std::optional<wire::Packet> first_ra;
  std::optional<wire::Ip6> slaac, dhcp6;
  std::optional<wire::Ip6> rdnss, dhcp6_dns;
  std::vector<std::pair<wire::Ip6, unsigned>> on_link;  // on-link prefixes from RAs (L=1)
};

class Runner {
 public:
  explicit Runner(probe::Link& link, const std::atomic<bool>* stop = nullptr) : link_(link), stop_(stop) {}
  // Runs one procedure described by `spec` ({"id", "kind", params...}). Never throws for
  // network trouble: that becomes status "error" in the record. Throws PlanError for a
  // spec that cannot be understood.
  wire::ProcedureRecord run(const nlohmann::json& spec);
  const State& state() const { return state_; }

 private:
  wire::Ip6 resolve(const nlohmann::json& spec, const char* key);
  std::optional<wire::Ip6> resolve_opt(const nlohmann::json& spec, const char* key);
  std::optional<wire::Ip6> gateway_for(const wire::Ip6& target, const nlohmann::json& spec);
  wire::Ip6 source_for(const wire::Ip6& target, const nlohmann::json& spec);
  void learn(const wire::ProcedureResult& r);
  // A peer VM may still be booting: single echoes, one a second, until one gets a reply (an
  // error is not enough) or `patience` runs out; then the measured echo starts ("patience_ms").
  void wait_for_answer(const probe::EchoOptions& o, std::chrono::milliseconds patience);
  static constexpr std::chrono::seconds kPatienceStep{1};
  probe::Link& link_;
  const std::atomic<bool>* stop_;
  State state_;
};

// Checks a whole plan before anything is sent; throws PlanError naming the bad field.
void validate_plan(const nlohmann::json& plan);

}  // namespace v6c::agent
