// The security probes' plans and the pairing of the attacker's and the victim's reports into
// the sec-* checks' observations: the permission names the interface, attacks are planned
// only in our own networks, and a missing or refused side makes the checks ERROR, never PASS.
#include <catch2/catch.hpp>

#include "v6c/catalog/evaluator.hpp"
#include "v6c/catalog/plan.hpp"
#include "literals.hpp"

using namespace v6c;
using namespace v6c::catalog;
using nlohmann::json;
using namespace v6c::test;

namespace {

model::Network network() {
  model::Network n;
  n.name = "net1";
  n.mtu = 1450;
  n.subnet = {"net1-v6", model::Mode::slaac, ip("2001:db8:1::"), 64, ip("2001:db8:1::1"), {}, ""};
  n.router_port = model::Port{"router", mac("fa:16:3e:01:00:01"), {ip("2001:db8:1::1")}, model::Role::router};
  n.ports = {{"a1", mac("fa:16:3e:01:00:10"), {ip("2001:db8:1::a1")}, model::Role::probe},
             {"b1", mac("fa:16:3e:01:00:11"), {ip("2001:db8:1::b1")}, model::Role::victim},
             {"x1", mac("fa:16:3e:01:00:12"), {ip("2001:db8:1::e1")}, model::Role::attacker}};
  return n;
}

const Catalog& shipped() {
  static const auto c = load_catalog(default_catalog_path());
  return c;
}

wire::ProcedureRecord record(std::string_view id, std::string_view kind, wire::ProcedureResult r) {
  wire::ProcedureRecord rec;
  rec.id = id;
  rec.kind = kind;
  rec.status = wire::RunStatus::ok;
  rec.result = std::move(r);
  return rec;
}

wire::AgentReport attacker_report(const std::vector<std::string>& attacks) {
  wire::AttackResult sent;
  sent.announced = true;
  sent.control_sent = 2;
  for (const auto& a : attacks) sent.attacks.push_back({a, 2, wire::RunStatus::ok, "", 1, 2, std::nullopt});
  wire::AgentReport r;
  r.host = "x1";
  r.procedures.push_back(record(proc::kAttack, "attack", sent));
  return r;
}

wire::AgentReport victim_report(std::vector<wire::AttackReceived> received) {
  wire::VictimResult seen;
  seen.attacker_started = seen.attacker_done = true;
  seen.control_received = 2;
  seen.ras = 1;
  seen.nas = 2;
  seen.received = std::move(received);
  wire::AgentReport r;
  r.host = "b1";
  r.procedures.push_back(record(proc::kVictim, "victim", seen));
  return r;
}

Status verdict_of(const Result& r, const std::string& id) {
  for (const auto& v : r.verdicts)
    if (v.id == id) return v.status;
  throw std::runtime_error("no verdict " + id);
}

}  // namespace

TEST_CASE("security plans: who attacks whom, with the interface named", "[catalog]") {
  const auto net = network();
  auto pair = security_pair(net);
  REQUIRE(pair);
  CHECK(pair->attacker->name == "x1");
  CHECK(pair->victim->name == "b1");
  auto without_victim = net;
  without_victim.ports.pop_back();
  without_victim.ports.pop_back();
  CHECK_FALSE(security_pair(without_victim));

  const auto attacks = requested_attacks(shipped());
  CHECK(attacks == std::vector<std::string>{"rogue-ra", "rogue-ra-hbh", "rogue-ra-frag", "rogue-dhcp6-advertise",
                                            "rogue-dhcp6-reply", "spoof-source-ip", "spoof-source-mac",
                                            "na-spoof-gateway", "na-spoof-peer", "redirect", "unsolicited-echo",
                                            "unsolicited-tcp", "unsolicited-udp"});
  PlanOptions o;
  o.interface = "ens3";
  SecurityPlanOptions s;
  s.attacks = attacks;

  SECTION("not our network: no attack plan") {
    CHECK_THROWS_AS(make_attacker_plan(net, *pair, o, s), std::invalid_argument);
  }
  SECTION("our network: the attacker's permission names its interface, the victim knows the attacker") {
    s.network_is_ours = true;
    json plan = make_attacker_plan(net, *pair, o, s);
    CHECK(plan.at("host") == "x1");
    CHECK(plan.at("interface") == "ens3");
    REQUIRE(plan.at("procedures").size() == 1);
    const auto& a = plan.at("procedures")[0];
    CHECK(a.at("kind") == "attack");
    CHECK(a.at("id") == proc::kAttack);
    CHECK(a.at("attack").at("allowed_interface") == "ens3");
    CHECK(a.at("attacks").get<std::vector<std::string>>() == attacks);
    CHECK(a.at("victim_mac") == "fa:16:3e:01:00:11");
    CHECK(a.at("victim_address") == "2001:db8:1::b1");
    CHECK(a.at("source") == "2001:db8:1::e1");
    CHECK(a.at("gateway") == "2001:db8:1::1");

    json vplan = make_victim_plan(net, *pair, o, s);
    CHECK(vplan.at("host") == "b1");
    const auto& v = vplan.at("procedures")[0];
    CHECK(v.at("kind") == "victim");
    CHECK(v.at("attacker_mac") == "fa:16:3e:01:00:12");
    CHECK(v.at("address") == "2001:db8:1::b1");
    CHECK_FALSE(v.contains("attack"));  // the victim sends nothing that needs permission
  }
}

TEST_CASE("pairing the attacker's and the victim's reports", "[catalog]") {
  const auto net = network();
  const auto pair = *security_pair(net);
  const auto attacks = requested_attacks(shipped());
  model::Facts facts;
  facts.networks = {net};
  auto judge = [&](const SecurityObservations& s) {
    Observations obs;
    obs.security[net.name] = s;
    return evaluate(shipped(), facts, obs);
  };
  wire::Packet redirect_pkt;
  redirect_pkt.msg = wire::Redirect{};

  SECTION("everything sent, one Redirect arrived: only sec-redirect is not met") {
    auto x = attacker_report(attacks);
    auto b = victim_report({{"redirect", {redirect_pkt}}});
    auto s = security_observations(net, pair, attacks, &x, &b, "b1.pcap");
    CHECK(s.network == "net1");
    CHECK(s.attacker == "x1");
    CHECK(s.victim == "b1");
    CHECK(s.control_received == 2);
    CHECK(s.victim_ras == 1);
    CHECK(s.victim_nas == 2);
    REQUIRE(s.attacks.size() == attacks.size());
    for (const auto& a : s.attacks) {
      CAPTURE(a.id);
      CHECK(a.sent == 2);
      CHECK(a.status == wire::RunStatus::ok);
      CHECK(a.received.size() == (a.id == "redirect" ? 1u : 0u));
    }
    auto r = judge(s);
    CHECK(verdict_of(r, "sec-redirect") == Status::warn);  // a SHOULD
    for (const char* id : {"sec-ra-guard", "sec-dhcp6-shield", "sec-source-ip", "sec-source-mac", "sec-na-spoof",
                           "sec-default-sg"})
      CHECK(verdict_of(r, id) == Status::pass);
  }
  SECTION("no victim report: nothing proves the capture worked, so ERROR") {
    auto x = attacker_report(attacks);
    auto s = security_observations(net, pair, attacks, &x, nullptr, "b1.pcap");
    CHECK(s.control_received == 0);
    CHECK(verdict_of(judge(s), "sec-ra-guard") == Status::error);
    CHECK(verdict_of(judge(s), "sec-default-sg") == Status::error);
  }
  SECTION("the attacker refused or sent no report: every attack is an error with the reason") {
    auto x = attacker_report(attacks);
    x.procedures[0].status = wire::RunStatus::error;
    x.procedures[0].error = "refused to attack on eth1";
    auto b = victim_report({});
    auto s = security_observations(net, pair, attacks, &x, &b, "b1.pcap");
    for (const auto& a : s.attacks) {
      CHECK(a.status == wire::RunStatus::error);
      CHECK(a.error == "refused to attack on eth1");
    }
    CHECK(verdict_of(judge(s), "sec-source-ip") == Status::error);
    auto none = security_observations(net, pair, attacks, nullptr, &b, "b1.pcap");
    CHECK(none.attacks.front().error == "x1 sent no report");
  }
  SECTION("the victim's kernel state: a change blamed on an attack fails its check even with an empty capture") {
    auto x = attacker_report(attacks);
    auto b = victim_report({});
    auto& seen = std::get<wire::VictimResult>(b.procedures[0].result);
    wire::KernelState k;
    k.accept_ra = 1;
    k.forwarding = 0;
    seen.state_before = seen.state_after = k;
    seen.state_changes = {{"route", "added", "default via fe80::f816:3eff:fe01:12", {"rogue-ra", "rogue-ra-hbh",
                                                                                     "rogue-ra-frag"}},
                          {"neighbour", "changed", "2001:db8:1::1 lladdr fa:16:3e:01:00:01 -> fa:16:3e:01:00:12",
                           {"na-spoof-gateway"}},
                          {"neighbour", "added", "fe80::1 lladdr (none) -> fa:16:3e:01:00:01", {}}};
    auto s = security_observations(net, pair, attacks, &x, &b, "b1.pcap");
    CHECK(s.victim_state_read);
    CHECK(s.victim_accepts_ra);
    CHECK(s.victim_state_changes.size() == 3);
    auto r = judge(s);
    CHECK(verdict_of(r, "sec-ra-guard") == Status::fail);
    CHECK(verdict_of(r, "sec-na-spoof") == Status::fail);
    for (const char* id : {"sec-dhcp6-shield", "sec-source-ip", "sec-source-mac", "sec-redirect", "sec-default-sg"})
      CHECK(verdict_of(r, id) == Status::pass);  // the unblamed change is the cloud's own
    for (const auto& v : r.verdicts)
      if (v.id == "sec-ra-guard") {
        CHECK_THAT(v.actual, Catch::Contains("route added: default via fe80::f816:3eff:fe01:12"));
        REQUIRE_FALSE(v.evidence.empty());
      }
    SECTION("through JSON and back") {
      SecurityObservations back = json(s).get<SecurityObservations>();
      CHECK(back.victim_state_changes.size() == 3);
      CHECK(back.victim_state_changes[0].attacks.size() == 3);
      CHECK(verdict_of(judge(back), "sec-ra-guard") == Status::fail);
    }
    SECTION("but attacks that were not sent stay ERROR whatever changed") {
      auto only = attacker_report({"redirect"});
      auto t = security_observations(net, pair, attacks, &only, &b, "b1.pcap");
      CHECK(verdict_of(judge(t), "sec-ra-guard") == Status::error);
    }
  }
  SECTION("an attack the attacker did not send is an error, not a pass") {
    auto x = attacker_report({"rogue-ra"});
    auto b = victim_report({});
    auto s = security_observations(net, pair, attacks, &x, &b, "b1.pcap");
    CHECK(s.attacks[0].status == wire::RunStatus::ok);
    CHECK(s.attacks[1].status == wire::RunStatus::error);
    CHECK(s.attacks[1].error == "x1 did not send rogue-ra-hbh");
    CHECK(verdict_of(judge(s), "sec-ra-guard") == Status::error);
  }
}
