// Small helpers every check family uses: finding a procedure's result (or the ERROR that
// says why it is not there), running a per-VM check over a scope, reading parameters.
#pragma once
#include <functional>
#include <string>
#include <string_view>

#include "targets.hpp"
#include "v6c/catalog/checks.hpp"
#include "v6c/catalog/evidence.hpp"
#include "v6c/catalog/plan.hpp"

namespace v6c::catalog::detail {

inline std::string host_name(const HostObservations& h) { return h.port ? h.port->name : "?"; }

template <class R>
struct Found {
  const wire::ProcedureRecord* record = nullptr;
  const R* result = nullptr;
  Outcome problem;  // the ERROR to return when result is null
};

// The result of procedure `id` in one VM's report. Missing report, missing procedure, a
// procedure that could not run or has another kind: each an ERROR naming which.
template <class R>
Found<R> find_result(const HostObservations& h, std::string_view id) {
  Found<R> f;
  const std::string who = host_name(h);
  if (!h.report) {
    f.problem = error(who + ": the agent never reported");
    return f;
  }
  for (const auto& rec : h.report->procedures) {
    if (rec.id != id) continue;
    f.record = &rec;
    if (rec.status != wire::RunStatus::ok) {
      f.problem = error(who + ": procedure " + std::string(id) + " failed: " + (rec.error.empty() ? "no reason given" : rec.error));
      return f;
    }
    f.result = std::get_if<R>(&rec.result);
    if (!f.result) f.problem = error(who + ": procedure " + std::string(id) + " has no " + rec.kind + " result of the expected kind");
    return f;
  }
  f.problem = error(who + ": procedure " + std::string(id) + " is missing from the agent's report");
  return f;
}

// Runs `per_host` for each probe VM of the scope and combines: any FAIL wins, then ERROR.
inline Outcome for_each_host(const CheckInput& in, const std::function<Outcome(const HostObservations&)>& per_host) {
  if (in.hosts.empty()) return error("no probe VM on this network, nothing was measured");
  std::vector<Outcome> parts;
  for (const auto& h : in.hosts) parts.push_back(per_host(h));
  return combine(std::move(parts));
}

// Prefixes an outcome's actual value with the VM, so a combined verdict says who saw what.
inline Outcome on_host(const HostObservations& h, Outcome o) {
  if (!o.actual.empty()) o.actual = host_name(h) + ": " + o.actual;
  return o;
}

inline std::int64_t int_param(const CheckInput& in, const char* name) { return in.params.at(name).get<std::int64_t>(); }
inline double number_param(const CheckInput& in, const char* name) { return in.params.at(name).get<double>(); }

inline bool same_prefix(const wire::Ip6& a, const wire::Ip6& b, unsigned length) {
  return a.prefix(length) == b.prefix(length);
}

// The cloud router's RAs: those from the router port's MAC when it is known, else every RA.
// Another router's RA says nothing of the cloud's (ra-single-router judges strangers).
inline std::vector<const wire::Packet*> router_ras(const CheckInput& in, const wire::DiscoverResult& d) {
  const auto& router = in.network->router_port;
  std::vector<const wire::Packet*> out;
  for (const auto& p : d.ras)
    if (p.as<wire::RouterAdvert>() && (!router || p.ctx.src_mac == router->mac)) out.push_back(&p);
  return out;
}

}  // namespace v6c::catalog::detail
