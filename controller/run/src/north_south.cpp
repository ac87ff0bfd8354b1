// north-south-in from the controller's host: the one vantage point outside the cloud that a
// run always has. The VM's agent answers echoes for its own address (its kernel holds none),
// and keeps serving after its report, so each VM is probed as soon as it has reported.
#include <algorithm>

#include "v6c/catalog/evaluator.hpp"
#include "v6c/catalog/plan.hpp"
#include "v6c/probe/procedures.hpp"
#include "v6c/run/run.hpp"

namespace v6c::run {

void ExternalEchoes::probe(const std::string& vm) {
  if (!why_not.empty() && report.procedures.empty()) return;  // this host cannot probe at all
  const auto id = std::string(catalog::proc::kEchoInPrefix) + vm;
  auto it = std::find_if(plan.procedures.begin(), plan.procedures.end(), [&](const auto& p) { return p.id == id; });
  if (it == plan.procedures.end()) return;  // not a probe VM, or no global address
  const auto* echo = std::get_if<wire::EchoSpec>(&it->spec);
  const auto target = echo ? wire::Ip6::parse(echo->target) : std::nullopt;
  if (!target) return;
  probe::HostEchoOptions o;
  o.target = *target;
  o.size = echo->size;
  o.count = echo->count;
  wire::ProcedureRecord rec;
  rec.id = id;
  rec.kind = wire::EchoSpec::kKind;
  rec.started_us = catalog::now_us();
  if (report.started_us == 0) report.started_us = rec.started_us;
  try {
    rec.result = probe::echo_from_host(o);
    rec.status = wire::RunStatus::ok;
  } catch (const std::exception& e) {
    // No route or no permission here says nothing about the cloud: north-south-in is SKIP
    // with this reason, unless other VMs were reached (then this one's ERROR is real).
    why_not = std::string("the controller's host cannot probe from outside: ") + e.what();
    return;
  }
  rec.duration_ms = static_cast<double>(catalog::now_us() - rec.started_us) / 1000.0;
  report.procedures.push_back(std::move(rec));
}

}  // namespace v6c::run
