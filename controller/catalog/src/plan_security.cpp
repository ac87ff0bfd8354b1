// Plans for the security probes and the pairing of their two reports. The attacker
// and the victim coordinate over the tenant link (the victim announces, the attacker starts on
// it or at its deadline), so these plans work where VMs cannot reach the controller.
#include <algorithm>
#include <stdexcept>

#include "targets.hpp"
#include "v6c/catalog/plan.hpp"

namespace v6c::catalog {

namespace {

constexpr std::string_view kAttacksParam = "attacks";

wire::Plan security_plan(const model::Port& host, const PlanOptions& o, std::string_view id, wire::ProcedureSpec spec) {
  return {.host = host.name, .interface = o.interface, .procedures = {{std::string(id), std::move(spec)}}};
}

std::optional<std::string> text(const std::optional<wire::Ip6>& a) {
  return a ? std::optional(a->str()) : std::nullopt;
}

std::optional<std::string> gateway_of(const model::Network& net) {
  if (net.subnet.gateway_ip.is_unspecified()) return std::nullopt;
  return net.subnet.gateway_ip.str();
}

// The record of the one procedure of `kind` in a report, if it ran.
const wire::ProcedureRecord* record_of(const wire::AgentReport* report, std::string_view id) {
  if (!report) return nullptr;
  for (const auto& r : report->procedures)
    if (r.id == id) return &r;
  return nullptr;
}

}  // namespace

std::optional<SecurityPair> security_pair(const model::Network& net) {
  SecurityPair pair;
  for (const auto& p : net.ports) {
    if (p.role == model::Role::attacker && !pair.attacker) pair.attacker = &p;
    if (p.role == model::Role::victim && !pair.victim) pair.victim = &p;
  }
  if (!pair.attacker || !pair.victim) return std::nullopt;
  return pair;
}

std::vector<std::string> requested_attacks(const Catalog& c) {
  std::vector<std::string> ids;
  for (const auto& r : c.requirements) {
    if (!r.enabled || !r.params.contains(kAttacksParam) || !r.params[kAttacksParam].is_array()) continue;
    for (const auto& a : r.params[kAttacksParam])
      if (a.is_string() && std::find(ids.begin(), ids.end(), a.get<std::string>()) == ids.end())
        ids.push_back(a.get<std::string>());
  }
  return ids;
}

wire::Plan make_attacker_plan(const model::Network& net, const SecurityPair& pair, const PlanOptions& o,
                              const SecurityPlanOptions& s) {
  if (!s.network_is_ours)
    throw std::invalid_argument("attacks are planned only in networks this tool created (network " + net.name + ")");
  wire::AttackSpec a{.attack = {.allowed_interface = o.interface},  // the agent refuses any other interface
                     .attacks = s.attacks,
                     .victim_mac = pair.victim->mac};
  a.victim_address = text(detail::global_address(*pair.victim));
  a.source = text(detail::global_address(*pair.attacker));
  a.gateway = gateway_of(net);
  return security_plan(*pair.attacker, o, proc::kAttack, std::move(a));
}

wire::Plan make_victim_plan(const model::Network& net, const SecurityPair& pair, const PlanOptions& o,
                            const SecurityPlanOptions&) {
  wire::VictimSpec v{.attacker_mac = pair.attacker->mac};
  v.attacker_address = text(detail::global_address(*pair.attacker));
  v.address = text(detail::global_address(*pair.victim));
  v.gateway = gateway_of(net);
  return security_plan(*pair.victim, o, proc::kVictim, std::move(v));
}

wire::Plan plan_for_port(const model::Facts& f, const model::Network& net, const model::Port& port,
                         const PlanOptions& o, const SecurityPlanOptions& s) {
  if (auto pair = security_pair(net); pair && !s.attacks.empty()) {
    if (&port == pair->attacker) return make_attacker_plan(net, *pair, o, s);
    if (&port == pair->victim) return make_victim_plan(net, *pair, o, s);
  }
  return make_plan(f, net, port, o);
}

void pair_security_reports(const model::Facts& f, const std::vector<std::string>& attacks, Observations& obs,
                           const std::function<std::string(const model::Port& victim)>& victim_pcap) {
  if (attacks.empty()) return;
  auto report = [&](const model::Port* p) -> const wire::AgentReport* {
    auto it = obs.agents.find(p->name);
    return it == obs.agents.end() ? nullptr : &it->second;
  };
  for (const auto& net : f.networks)
    if (auto pair = security_pair(net))
      obs.security[net.name] = security_observations(net, *pair, attacks, report(pair->attacker),
                                                     report(pair->victim), victim_pcap(*pair->victim));
}

SecurityObservations security_observations(const model::Network& net, const SecurityPair& pair,
                                           const std::vector<std::string>& attacks,
                                           const wire::AgentReport* attacker, const wire::AgentReport* victim,
                                           const std::string& victim_pcap) {
  SecurityObservations s;
  s.network = net.name;
  s.attacker = pair.attacker->name;
  s.victim = pair.victim->name;
  s.victim_pcap = victim_pcap;

  const auto* sent_rec = record_of(attacker, proc::kAttack);
  const auto* sent = sent_rec ? std::get_if<wire::AttackResult>(&sent_rec->result) : nullptr;
  std::string why_not_sent;
  if (!attacker) why_not_sent = s.attacker + " sent no report";
  else if (!sent_rec) why_not_sent = s.attacker + "'s report has no " + std::string(proc::kAttack) + " procedure";
  else if (sent_rec->status != wire::RunStatus::ok) why_not_sent = sent_rec->error;
  else if (!sent) why_not_sent = s.attacker + "'s " + std::string(proc::kAttack) + " procedure has no result";

  const auto* seen_rec = record_of(victim, proc::kVictim);
  const auto* seen = seen_rec && seen_rec->status == wire::RunStatus::ok ? std::get_if<wire::VictimResult>(&seen_rec->result)
                                                               : nullptr;
  if (seen) {
    s.control_received = seen->control_received;
    s.victim_ras = seen->ras;
    s.victim_nas = seen->nas;
    s.victim_state_error = seen->state_error;
    s.victim_state_read = seen->state_before && seen->state_after;
    if (seen->state_before) {
      const auto& k = *seen->state_before;
      s.victim_accepts_ra = k.accept_ra == 2 || (k.accept_ra == 1 && k.forwarding == 0);
    }
    s.victim_state_changes = seen->state_changes;
  }

  for (const auto& id : attacks) {
    Attack a;
    a.id = id;
    if (!why_not_sent.empty()) {
      a.status = wire::RunStatus::error;
      a.error = why_not_sent;
    } else if (auto it = std::find_if(sent->attacks.begin(), sent->attacks.end(),
                                      [&](const wire::AttackSent& x) { return x.id == id; });
               it == sent->attacks.end()) {
      a.status = wire::RunStatus::error;
      a.error = s.attacker + " did not send " + id;
    } else {
      a.sent = it->sent;
      a.status = it->status;
      a.error = it->error;
    }
    if (seen)
      for (const auto& r : seen->received)
        if (r.id == id) a.received = r.packets;
    s.attacks.push_back(std::move(a));
  }
  return s;
}

}  // namespace v6c::catalog
