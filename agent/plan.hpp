// Running procedures from a plan (wire/plan.hpp, docs/agent-plan.md). Later procedures may
// name what earlier ones learnt with the symbols of wire::sym ("@slaac", "@ra-router", ...).
#pragma once
#include <atomic>
#include <optional>
#include <string>

#include "v6c/probe/link.hpp"
#include "v6c/probe/procedures.hpp"
#include "v6c/wire/plan.hpp"
#include "v6c/wire/results.hpp"

namespace v6c::agent {

using wire::PlanError;

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
  // Runs one procedure. Never throws for network trouble: that becomes status "error" in the
  // record. Throws PlanError for an address that is neither literal nor a known symbol.
  wire::ProcedureRecord run(const wire::Procedure& p);
  const State& state() const { return state_; }

 private:
  wire::ProcedureResult execute(const wire::DiscoverSpec& s);
  wire::ProcedureResult execute(const wire::DadSpec& s);
  wire::ProcedureResult execute(const wire::Dhcp6Spec& s);
  wire::ProcedureResult execute(const wire::NeighborSpec& s);
  wire::ProcedureResult execute(const wire::EchoSpec& s);
  wire::ProcedureResult execute(const wire::PmtuSpec& s);
  wire::ProcedureResult execute(const wire::DnsSpec& s);
  wire::ProcedureResult execute(const wire::AdvertiseSpec& s);
  wire::ProcedureResult execute(const wire::AttackSpec& s);
  wire::ProcedureResult execute(const wire::VictimSpec& s);

  wire::Ip6 resolve(const wire::PlanAddress& a);
  std::optional<wire::Ip6> resolve(const std::optional<wire::PlanAddress>& a);
  std::optional<wire::Ip6> gateway_for(const wire::Ip6& target, const std::optional<wire::PlanAddress>& gateway);
  wire::Ip6 source_for(const wire::Ip6& target, const std::optional<wire::PlanAddress>& source);
  void learn(const wire::ProcedureResult& r);
  // A peer VM may still be booting: single echoes, one a second, until one gets a reply (an
  // error is not enough) or `patience` runs out; then the measured echo starts ("patience_ms").
  void wait_for_answer(const probe::EchoOptions& o, std::chrono::milliseconds patience);
  static constexpr std::chrono::seconds kPatienceStep{1};
  probe::Link& link_;
  const std::atomic<bool>* stop_;
  State state_;
};

// What the agent checks of a whole plan beyond its shape, before anything is sent; throws
// PlanError.
void validate_plan(const wire::Plan& plan);

}  // namespace v6c::agent
