// `v6agent diagnose`: why has this host no IPv6? Walks the chain a host needs (router
// advertisement → address → default router → reachability → resolver), runs for each link
// the procedures it needs, and says in network terms whether it holds and, if not, why and
// what to check next.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "plan.hpp"

namespace v6c::agent {

struct DiagnoseOptions {
  std::string name;                 // the name the resolver is asked; empty: one in the network's domain
  std::optional<wire::Ip6> target;  // an address beyond the router that should answer echoes
};

// Receives each procedure's record as it ends (for output while the diagnosis runs).
using RecordSink = std::function<void(wire::ProcedureRecord)>;

// One step per link of the chain, in order.
std::vector<wire::DiagnosisStep> diagnose(Runner& runner, const DiagnoseOptions& o, const RecordSink& sink);

// The first broken link, if any.
const wire::DiagnosisStep* first_broken(const std::vector<wire::DiagnosisStep>& steps);

// What a link is called in the output ("router advertisement", "default router", ...).
const char* link_name(wire::ChainLink link);

}  // namespace v6c::agent
