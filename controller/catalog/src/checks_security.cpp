// Security checks: what an attacker VM sent and what of it reached the victim (docs/catalog.md,
// "Security observations"). "Nothing arrived" counts only when a control shows the victim's
// capture and path work; otherwise it is an ERROR, never a PASS.
#include <algorithm>

#include "check_util.hpp"
#include "v6c/catalog/plan.hpp"
#include "v6c/wire/attacks.hpp"

namespace v6c::catalog {

namespace {

using namespace detail;

// The ladder of one attack: the attacker's count of what it sent, then what the victim captured.
std::vector<Frame> attack_exchange(const SecurityObservations& s, const Attack& a) {
  std::vector<Frame> out{{0, 0, s.attacker, s.victim, "", "", a.id + " ×" + std::to_string(a.sent) + " sent", true}};
  for (const auto& p : a.received)
    if (out.size() < kMaxExchangeFrames) out.push_back(packet_frame(p));
  return out;
}

// One attack's part of the verdict: ERROR when it was not sent, FAIL when anything arrived.
Outcome attack_outcome(const SecurityObservations& s, const std::string& id, const std::string& expected) {
  auto it = std::find_if(s.attacks.begin(), s.attacks.end(), [&](const Attack& a) { return a.id == id; });
  if (it == s.attacks.end()) return error("attack " + id + " is missing from the security observations");
  if (it->status != wire::RunStatus::ok) return error("attack " + id + " could not be sent: " + it->error);
  if (it->sent == 0) return error("attack " + id + ": nothing was sent");
  model::Port victim{s.victim, {}, {}, model::Role::victim};
  HostObservations v{&victim, nullptr, s.victim_pcap};
  std::string actual = id + ": " + std::to_string(it->received.size()) + " of " + std::to_string(it->sent) +
                       " reached " + s.victim;
  // What the attack did to the victim's kernel, whether or not the capture saw it arrive.
  std::vector<const wire::StateChange*> changed;
  for (const auto& c : s.victim_state_changes)
    if (std::find(c.attacks.begin(), c.attacks.end(), id) != c.attacks.end()) changed.push_back(&c);
  if (it->received.empty() && changed.empty()) {
    std::string none = s.attacker + " sent " + std::to_string(it->sent) + " " + id + ", " + s.victim + " captured none";
    if (s.victim_state_read) none += " and its routes, addresses and neighbours did not change";
    auto ev = note_evidence(v, id, none);
    ev.exchange = attack_exchange(s, *it);
    return pass(expected, actual, {ev});
  }
  std::vector<Evidence> ev;
  for (const auto& p : it->received) ev.push_back(packet_evidence(v, id, p, id + " from " + s.attacker + " reached " + s.victim, ""));
  for (const auto* c : changed) {
    ev.push_back(note_evidence(v, id, s.victim + "'s kernel after " + id + ": " + c->what + " " + c->change + ": " + c->detail));
    actual += "; " + c->what + " " + c->change + ": " + c->detail;
  }
  for (auto& e : ev) e.exchange = attack_exchange(s, *it);
  return fail(expected, actual, ev);
}

std::vector<std::string> attack_ids(const CheckInput& in) { return in.params.at("attacks").get<std::vector<std::string>>(); }

std::string expected_text(const CheckInput& in) {
  std::string ids;
  for (const auto& id : attack_ids(in)) ids += (ids.empty() ? "" : ", ") + id;
  return "none of " + ids + " reaches the victim";
}

// A network without attacker and victim VMs: when another network holds them, the attacks
// are measured there (this one does not apply); when none does (a cloud run without
// --security), nothing measured them. With them but without observations, the probes failed: ERROR.
std::optional<Outcome> no_attack(const CheckInput& in) {
  if (in.security) return std::nullopt;
  if (in.network && !security_pair(*in.network)) {
    for (const auto& n : in.facts.networks)
      if (security_pair(n)) return skip("the attacks run on " + n.name + ", which holds the attacker and victim VMs");
    return not_measured("no attacker and victim VM on this network (v6conform run --security adds them)");
  }
  return error("no attacker/victim observations for this network (the attack probes did not run)");
}

// Every listed attack judged; "none arrived" is a PASS only when the attacker's control NSs
// did arrive: nothing arrived because nothing was sent, or nobody listened, is an ERROR.
Outcome attacks_outcome(const CheckInput& in, const std::string& expected) {
  const auto& s = *in.security;
  std::vector<Outcome> parts;
  for (const auto& id : attack_ids(in)) parts.push_back(attack_outcome(s, id, expected));
  auto out = combine(std::move(parts));
  if (out.status == Status::pass && s.control_received == 0)
    return error(s.victim + " saw none of " + s.attacker + "'s control packets, so an empty capture proves nothing");
  return out;
}

Outcome attack_blocked(const CheckInput& in) {
  if (auto o = no_attack(in)) return *o;
  return attacks_outcome(in, expected_text(in));
}

Outcome default_sg(const CheckInput& in) {
  if (auto o = no_attack(in)) return *o;
  const auto& s = *in.security;
  const auto expected = expected_text(in) + ", while RA and ND still work";
  auto out = attacks_outcome(in, expected);
  if (out.status != Status::pass) return out;
  if (s.victim_ras == 0 && s.victim_nas == 0)
    return error(s.victim + " captured neither RAs nor NAs, so an empty capture proves nothing");
  if (s.victim_ras == 0 || s.victim_nas == 0)
    return fail(expected, std::to_string(s.victim_ras) + " RAs and " + std::to_string(s.victim_nas) + " NAs reached " +
                              s.victim + ": the security group blocks ND or RA",
                out.evidence);
  out.actual += "; " + std::to_string(s.victim_ras) + " RAs and " + std::to_string(s.victim_nas) + " NAs reached " + s.victim;
  return out;
}

}  // namespace

std::vector<CheckSpec> security_checks() {
  const std::string reads = "security observations (v6c-security/1) of the network";
  const std::vector<std::string> known(wire::kAttackIds.begin(), wire::kAttackIds.end());
  return {
      {"attack_blocked", false,
       {{"attacks", ParamType::string_list, nlohmann::json::array(), "attack ids that must not arrive", {}, {}, known}},
       reads, attack_blocked},
      {"default_sg", false,
       {{"attacks", ParamType::string_list, nlohmann::json::array(), "unsolicited inbound attack ids", {}, {}, known}},
       reads, default_sg},
  };
}

}  // namespace v6c::catalog
