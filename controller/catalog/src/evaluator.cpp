#include "v6c/catalog/evaluator.hpp"

#include <chrono>
#include <ctime>

#include "targets.hpp"
#include "v6c/catalog/checks.hpp"
#include "v6c/catalog/plan.hpp"

namespace v6c::catalog {

namespace {
constexpr std::int64_t kUsPerSecond = 1'000'000;
constexpr std::int64_t kUsPerMs = 1'000;
constexpr std::string_view kSwitchedOff = "switched off in the catalogue";
}  // namespace

std::int64_t now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::string iso8601_utc(std::int64_t time_us) {
  std::time_t seconds = static_cast<std::time_t>(time_us / kUsPerSecond);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[80];  // room for any int the format could print
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>((time_us % kUsPerSecond) / kUsPerMs));
  return buf;
}

namespace {

Verdict verdict_of(const Catalog& c, const Requirement& r, const Scope& scope, Outcome o) {
  Verdict v;
  v.id = r.id;
  v.level = r.level;
  v.section = r.section;
  v.source = r.source;
  v.text = r.text;
  v.scs_id = c.scs_id(r);
  v.scope = scope;
  if (o.status == Status::warn) o.status = Status::fail;  // checks never decide the level
  v.status = apply_level(r.level, o.status);
  v.expected = std::move(o.expected);
  v.actual = std::move(o.actual);
  v.reason = std::move(o.reason);
  v.evidence = std::move(o.evidence);
  v.not_measured = o.status == Status::skip && o.not_measured;
  return v;
}

// A cloud run's control path for ICMPv6 errors: what its control VM's echo series to an
// unassigned address drew through a group that admits all ICMPv6.
struct ControlPath {
  std::optional<ErrorsSent> sent;
  std::string why_not = "no control VM or observer on the router's side";
};

ControlPath control_path(const model::Facts& f, const Observations& obs) {
  ControlPath out;
  for (const auto& net : f.networks)
    for (const auto& port : net.ports) {
      if (port.role != model::Role::control) continue;
      out.why_not = "control VM " + port.name + " did not report its " + std::string(proc::kUnreachFar);
      auto it = obs.agents.find(port.name);
      if (it == obs.agents.end()) return out;
      for (const auto& rec : it->second.procedures) {
        const auto* echo = std::get_if<wire::EchoResult>(&rec.result);
        if (rec.id != proc::kUnreachFar || rec.status != wire::RunStatus::ok || !echo || echo->sent == 0) continue;
        ErrorsSent s{"at control VM " + port.name + ", whose security group admits all ICMPv6", port.name, "", {}};
        for (const auto& p : echo->errors)
          if (const auto* err = p.as<wire::IcmpError>(); err && err->kind == wire::IcmpErrorKind::dest_unreachable)
            s.dest_unreachables.push_back(p);
        out.sent = std::move(s);
      }
      return out;
    }
  return out;
}

}  // namespace

Verdict evaluate_requirement(const Catalog& c, const Requirement& r, const CheckInput& in, const Scope& scope) {
  const CheckSpec* spec = find_check(r.check);
  if (!spec) return verdict_of(c, r, scope, error("unknown check '" + r.check + "'"));
  if (!spec->global && !in.network) return verdict_of(c, r, scope, error("no network to check"));
  try {
    return verdict_of(c, r, scope, spec->fn(in));
  } catch (const std::exception& e) {
    // A check that throws measured nothing it can stand behind.
    return verdict_of(c, r, scope, error(std::string("the check could not read its observations: ") + e.what()));
  }
}

Result evaluate(const Catalog& c, const model::Facts& f, const Observations& obs) {
  Result result;
  result.tool_version = V6C_VERSION;
  result.catalog_version = c.version;
  result.catalog_file = c.file;
  result.scs_draft_prefix = c.scs_draft_prefix;
  result.facts = f;

  std::int64_t started = now_us();
  for (const auto& [host, report] : obs.agents)
    if (report.started_us > 0) started = std::min(started, report.started_us);
  result.started = iso8601_utc(started);

  const wire::AgentReport* external = nullptr;
  if (auto it = obs.agents.find(obs.external_host); it != obs.agents.end()) external = &it->second;
  const FarSeen* far_seen = obs.far_seen ? &*obs.far_seen : nullptr;
  auto pcap_of = [&](const std::string& host) {
    auto it = obs.pcaps.find(host);
    return it == obs.pcaps.end() ? host + ".pcap" : it->second;
  };
  ControlPath control{obs.errors_sent, obs.errors_sent_why_not};
  if (!control.sent && control.why_not.empty()) {
    control = control_path(f, obs);
    if (control.sent) control.sent->pcap = pcap_of(control.sent->host);
  }
  const ErrorsSent* errors_sent = control.sent ? &*control.sent : nullptr;
  auto input = [&](const model::Network* net, const nlohmann::json& params) {
    return CheckInput{f,           net, {}, nullptr, external, params, obs.external_why_not, far_seen, obs.far_why_not,
                      errors_sent, control.why_not};
  };

  for (const auto& r : c.requirements) {
    if (!r.enabled) {
      // One SKIP for the cloud, so every report lists what was not run and why.
      result.verdicts.push_back(
          verdict_of(c, r, Scope{}, not_measured(r.off_reason.empty() ? std::string(kSwitchedOff) : r.off_reason)));
      continue;
    }
    const CheckSpec* spec = find_check(r.check);
    if (!spec || spec->global || f.networks.empty()) {
      result.verdicts.push_back(evaluate_requirement(c, r, input(nullptr, r.params), Scope{}));
      continue;
    }
    for (const auto& net : f.networks) {
      auto in = input(&net, r.params);
      // A network that holds only the attacker and the victim (a cloud run's security network).
      if (detail::probe_ports(net).empty() && r.section != Section::security) {
        result.verdicts.push_back(verdict_of(c, r, Scope{net.name, net.subnet.mode},
                                             skip("no probe VM on this network (it holds the security probes only)")));
        continue;
      }
      for (const auto* port : spec->reads_address_vms ? detail::address_ports(net) : detail::probe_ports(net)) {
        auto it = obs.agents.find(port->name);
        in.hosts.push_back({port, it == obs.agents.end() ? nullptr : &it->second, pcap_of(port->name)});
      }
      if (auto it = obs.security.find(net.name); it != obs.security.end()) in.security = &it->second;
      result.verdicts.push_back(evaluate_requirement(c, r, in, Scope{net.name, net.subnet.mode}));
    }
  }
  result.finished = iso8601_utc(now_us());
  result.summary = summarize(result.verdicts);
  return result;
}

Summary summarize(const std::vector<Verdict>& verdicts) {
  Summary s;
  for (const auto& v : verdicts) {
    switch (v.status) {
      case Status::pass: ++s.pass; break;
      case Status::fail: ++s.fail; break;
      case Status::warn: ++s.warn; break;
      case Status::skip: ++s.skip; break;
      case Status::error: ++s.error; break;
    }
    s.not_measured += v.status == Status::skip && v.not_measured;
    if (v.level != Level::must) continue;
    const bool unmeasured = v.status == Status::error || (v.status == Status::skip && v.not_measured);
    s.must_not_measured += unmeasured;
    s.must_not_met += unmeasured || v.status == Status::fail;
  }
  return s;
}


}  // namespace v6c::catalog
