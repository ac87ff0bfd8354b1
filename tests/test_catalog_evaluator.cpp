// The evaluator over the shipped catalogue: one verdict per requirement per network plus the
// global ones, the level deciding FAIL vs WARN, missing observations giving ERROR, and the
// exit code following the MUSTs. Also the JSON of facts, results and security observations.
#include <catch2/catch.hpp>

#include <fstream>

#include "../controller/result_exit.hpp"
#include "fixtures/observations/world.hpp"

using namespace v6c::testing;

namespace {

const Verdict& verdict(const Result& r, const std::string& id) {
  for (const auto& v : r.verdicts)
    if (v.id == id) return v;
  throw std::runtime_error("no verdict " + id);
}

json read_json(const std::string& name) {
  std::ifstream in(std::string(V6C_FIXTURES) + "/observations/" + name);
  REQUIRE(in);
  return json::parse(in);
}

}  // namespace

TEST_CASE("a healthy network passes every applicable requirement", "[catalog]") {
  World w;
  auto c = load_catalog(default_catalog_path());
  auto r = evaluate(c, w.facts, w.observations());
  CHECK(r.verdicts.size() == c.requirements.size());  // one network: one verdict each
  for (const auto& v : r.verdicts) {
    CAPTURE(v.id, v.reason, v.actual);
    CHECK((v.status == Status::pass || v.status == Status::skip));
    if (v.status == Status::skip) CHECK_FALSE(v.reason.empty());
    if (v.scope.global()) CHECK(v.section == Section::api);
    else CHECK(v.scope.label() == "net1 (slaac)");
  }
  CHECK(verdict(r, "dhcp6-stateful-address").status == Status::skip);
  CHECK(verdict(r, "ra-answered").status == Status::pass);
  CHECK(verdict(r, "api-default-subnetpool").scs_id == "scs-0126-default-subnetpool");
  CHECK(verdict(r, "ra-answered").scs_id == "scs-xxxx-v6-ra-answered");
  CHECK(r.summary.must_not_met == 0);
  CHECK(v6c::exit_code_of(r) == v6c::kExitPass);
}

TEST_CASE("the level decides FAIL or WARN, and a MUST decides the exit code", "[catalog]") {
  World w;
  auto c = load_catalog(default_catalog_path());
  SECTION("a SHOULD not met is WARN and the run still passes") {
    w.ra().mtu = 1500;
    auto r = evaluate(c, w.facts, w.observations());
    CHECK(verdict(r, "ra-mtu").status == Status::warn);
    CHECK(v6c::exit_code_of(r) == v6c::kExitPass);
  }
  SECTION("a MUST not met is FAIL and the run fails") {
    w.ra().other = true;
    auto r = evaluate(c, w.facts, w.observations());
    CHECK(verdict(r, "ra-flags").status == Status::fail);
    CHECK(r.summary.must_not_met == 1);
    CHECK(v6c::exit_code_of(r) == v6c::kExitMustFailed);
  }
  SECTION("an agent that never reported makes its MUSTs ERROR, and the run fails") {
    w.reports.erase("vm1");
    auto r = evaluate(c, w.facts, w.observations());
    CHECK(verdict(r, "ra-answered").status == Status::error);
    CHECK(verdict(r, "gw-nd").status == Status::error);
    CHECK(v6c::exit_code_of(r) == v6c::kExitMustFailed);
  }
  SECTION("attack probes planned but missing: the security MUSTs are ERROR, never PASS") {
    w.facts.networks[0].ports.push_back({"att", *wire::Mac::parse("fa:16:3e:00:00:a1"), {}, model::Role::attacker});
    w.facts.networks[0].ports.push_back({"vic", *wire::Mac::parse("fa:16:3e:00:00:a2"), {}, model::Role::victim});
    w.has_security = false;
    auto r = evaluate(c, w.facts, w.observations());
    CHECK(verdict(r, "sec-ra-guard").status == Status::error);
    CHECK(v6c::exit_code_of(r) == v6c::kExitMustFailed);
  }
  SECTION("no attacker and victim on the network (none asked for): the security checks SKIP") {
    w.has_security = false;
    auto r = evaluate(c, w.facts, w.observations());
    CHECK(verdict(r, "sec-ra-guard").status == Status::skip);
    // Not asked is not met: the MUSTs were not measured, so the run does not pass.
    CHECK(verdict(r, "sec-ra-guard").not_measured);
    CHECK(r.summary.must_not_measured >= 6);
    CHECK_FALSE(r.summary.every_must_met());
    CHECK(v6c::exit_code_of(r) == v6c::kExitMustFailed);
  }
  SECTION("a MUST switched off was not measured: the run does not say every MUST met") {
    for (auto& req : c.requirements)
      if (req.id == "ra-flags") req.enabled = false;
    auto r = evaluate(c, w.facts, w.observations());
    CHECK(verdict(r, "ra-flags").not_measured);
    CHECK(r.summary.must_not_measured == 1);
    CHECK(r.summary.must_not_met == 1);
    // ... and the SHOULD that only a cloud can measure (the fixture's address lies beyond upstream)
    CHECK(verdict(r, "icmp6-addr-unreachable").not_measured);
    CHECK(r.summary.not_measured == 2);
    CHECK(v6c::exit_code_of(r) == v6c::kExitMustFailed);
  }
  SECTION("a MUST that does not apply here (DHCPv6 on slaac) leaves every MUST met") {
    auto r = evaluate(c, w.facts, w.observations());
    CHECK(verdict(r, "dhcp6-stateful-address").status == Status::skip);
    CHECK_FALSE(verdict(r, "dhcp6-stateful-address").not_measured);
    CHECK(r.summary.every_must_met());
    CHECK(r.summary.not_measured == 1);  // icmp6-addr-unreachable, a SHOULD (above)
  }
  SECTION("a network holding only the attacker and victim: its probe checks SKIP, its attacks count") {
    auto sec = w.facts.networks[0];
    sec.name = "sec";
    for (auto& p : sec.ports) p.role = p.name == "vm1" ? model::Role::attacker : model::Role::victim;
    w.facts.networks = {sec};
    auto r = evaluate(c, w.facts, w.observations());
    CHECK(verdict(r, "ra-answered").status == Status::skip);
    CHECK(verdict(r, "ra-answered").reason.find("security probes only") != std::string::npos);
  }
  SECTION("beside a network holding the attacker and victim, the probes' network has no attack to judge") {
    w.has_security = false;  // the fixture's attack observations are not net1's here
    auto sec = w.facts.networks[0];
    sec.name = "sec";
    for (auto& p : sec.ports) p.role = p.name == "vm1" ? model::Role::attacker : model::Role::victim;
    auto alone = evaluate(c, w.facts, w.observations());
    CHECK(verdict(alone, "sec-ra-guard").not_measured);  // no attacks anywhere: not measured
    w.facts.networks.push_back(sec);
    const auto r = evaluate(c, w.facts, w.observations());
    const auto it = std::find_if(r.verdicts.begin(), r.verdicts.end(),
                                 [](const auto& v) { return v.id == "sec-ra-guard" && v.scope.network == "net1"; });
    REQUIRE(it != r.verdicts.end());
    CHECK(it->status == Status::skip);
    CHECK_FALSE(it->not_measured);  // does not apply: measured on "sec"
    CHECK_THAT(it->reason, Catch::Contains("the attacks run on sec"));
  }
  SECTION("an address VM is read by the address checks only") {
    // vm2 formed a duplicate address and, being an address VM, ran nothing else.
    w.net().ports[1].role = model::Role::address;
    w.result<wire::DadResult>("dad", "vm2").duplicate = true;
    std::erase_if(w.reports.at("vm2").procedures, [](const wire::ProcedureRecord& r) { return r.id != "dad" && r.id != "discover"; });
    auto r = evaluate(c, w.facts, w.observations());
    CHECK(verdict(r, "addr-dad").status == Status::fail);
    CHECK(verdict(r, "addr-dad").actual.find("vm2") != std::string::npos);
    CHECK(verdict(r, "addr-slaac-matches-api").status == Status::pass);
    CHECK(verdict(r, "gw-echo").status == Status::pass);
    CHECK(verdict(r, "north-south-in").status == Status::pass);
    CHECK(verdict(r, "ra-answered").status == Status::pass);
    // The same report from a probe VM: its missing probes are ERROR.
    w.net().ports[1].role = model::Role::probe;
    CHECK(verdict(evaluate(c, w.facts, w.observations()), "gw-echo").status == Status::error);
  }
  SECTION("a requirement switched off is SKIP with the reason; a MUST made SHOULD only warns") {
    w.ra().other = true;
    for (auto& req : c.requirements) {
      if (req.id == "ra-flags") req.level = Level::should;
      if (req.id == "ra-mtu") req.enabled = false;
    }
    auto r = evaluate(c, w.facts, w.observations());
    CHECK(verdict(r, "ra-flags").status == Status::warn);
    CHECK(verdict(r, "ra-mtu").status == Status::skip);
    CHECK(verdict(r, "ra-mtu").reason == "switched off in the catalogue");
    CHECK(r.verdicts.size() == c.requirements.size());
    CHECK(v6c::exit_code_of(r) == v6c::kExitPass);
  }
  SECTION("a section the run did not select is SKIP with the run's reason") {
    switch_off_section(c, Section::slow, "slow section not selected (--slow)");
    auto r = evaluate(c, w.facts, w.observations());
    CHECK(verdict(r, "ra-periodic").status == Status::skip);
    CHECK(verdict(r, "ra-periodic").reason == "slow section not selected (--slow)");
    CHECK(verdict(r, "ra-answered").status == Status::pass);
  }
}

TEST_CASE("two networks give one verdict each, in their mode", "[catalog]") {
  World w;
  auto facts = read_json("facts-two-networks.json").get<model::Facts>();
  auto c = load_catalog(default_catalog_path());
  auto r = evaluate(c, facts, Observations{});
  int ra_flags = 0;
  for (const auto& v : r.verdicts)
    if (v.id == "ra-flags") {
      ++ra_flags;
      CHECK((v.scope.label() == "net-slaac (slaac)" || v.scope.label() == "net-stateful (dhcpv6-stateful)"));
      CHECK(v.status == Status::error);  // no agent reported
    }
  CHECK(ra_flags == 2);
  // The stateful network's slaac checks skip instead of erroring, whatever was observed.
  for (const auto& v : r.verdicts)
    if (v.id == "addr-dad" && v.scope.network == "net-stateful") CHECK(v.status == Status::skip);
}

TEST_CASE("a control VM's report is icmp6-errors' control path, never a probe", "[catalog]") {
  World w;
  auto c = load_catalog(default_catalog_path());
  auto control = w.net().ports[0];
  control.name = "ctl";
  control.role = model::Role::control;
  w.reports["ctl"] = w.healthy_report(control);
  w.net().ports.push_back(control);
  for (const auto* vm : {"vm1", "vm2"}) w.result<wire::EchoResult>("unreach-far", vm).errors.clear();
  auto dropped = verdict(evaluate(c, w.facts, w.observations()), "icmp6-errors");
  CAPTURE(dropped.actual, dropped.reason);
  CHECK(dropped.status == Status::fail);
  CHECK_THAT(dropped.actual, Catch::Contains("at control VM ctl") && Catch::Contains("admits all ICMPv6"));
  w.result<wire::EchoResult>("unreach-far", "ctl").errors.clear();
  auto unsent = verdict(evaluate(c, w.facts, w.observations()), "icmp6-errors");
  CHECK(unsent.not_measured);
  CHECK_THAT(unsent.reason, Catch::Contains("the router sent none"));
  w.drop("unreach-far", "ctl");
  auto unknown = verdict(evaluate(c, w.facts, w.observations()), "icmp6-errors");
  CHECK(unknown.not_measured);
  CHECK_THAT(unknown.reason, Catch::Contains("control VM ctl did not report"));
  // Not a probe: the checks that read probe VMs do not count it.
  w.reports.erase("ctl");
  CHECK(verdict(evaluate(c, w.facts, w.observations()), "ra-flags").status == Status::pass);
}

TEST_CASE("facts, results and security observations survive JSON", "[catalog]") {
  auto j = read_json("facts-two-networks.json");
  auto facts = j.get<model::Facts>();
  REQUIRE(facts.networks.size() == 2);
  CHECK(facts.networks[0].router_port->mac.str() == "fa:16:3e:00:00:01");
  CHECK_FALSE(facts.networks[1].router_port.has_value());
  CHECK(facts.networks[1].subnet.prefix_length == 64);  // default
  CHECK(facts.far_mtu == 1280u);
  CHECK(json(facts).get<model::Facts>().networks[1].ports[0].fixed_ips == facts.networks[1].ports[0].fixed_ips);

  World w;
  w.ra().mtu = 1500;
  auto c = load_catalog(default_catalog_path());
  auto r = evaluate(c, w.facts, w.observations());
  auto back = json(r).get<Result>();
  REQUIRE(back.verdicts.size() == r.verdicts.size());
  for (std::size_t i = 0; i < r.verdicts.size(); ++i) {
    CHECK(back.verdicts[i].id == r.verdicts[i].id);
    CHECK(back.verdicts[i].status == r.verdicts[i].status);
    CHECK(back.verdicts[i].scope.label() == r.verdicts[i].scope.label());
    CHECK(back.verdicts[i].evidence.size() == r.verdicts[i].evidence.size());
  }
  CHECK(back.summary.warn == r.summary.warn);
  json bad = json(r);
  bad["schema"] = "v6conform-result/0";
  CHECK_THROWS_WITH(bad.get<Result>(), Catch::Contains("schema"));
  bad = json(r);
  bad["verdicts"][3]["status"] = "MAYBE";
  CHECK_THROWS_WITH(bad.get<Result>(), Catch::Contains("verdicts[3]") && Catch::Contains("MAYBE"));

  auto sec = read_json("security-net-slaac.json").get<SecurityObservations>();
  CHECK(sec.attacks.size() == 3);
  w.security = sec;
  auto ra_guard = w.run("attack_blocked", {{"attacks", {"rogue-ra"}}});
  CHECK(ra_guard.status == Status::pass);
  auto na = w.run("attack_blocked", {{"attacks", {"rogue-ra", "na-spoof-gateway"}}});
  CHECK(na.status == Status::fail);
  REQUIRE_FALSE(na.evidence.empty());
  CHECK(na.evidence.back().packet == 17);
  CHECK(na.evidence.back().pcap == "vm2-victim.pcap");
  CHECK(w.run("attack_blocked", {{"attacks", {"na-spoof-peer"}}}).status == Status::error);
}

TEST_CASE("evidence carries the exchange it belongs to, in time order", "[catalog]") {
  World w;
  w.make_stateful();
  w.security.attacks.front().received.push_back(
      packet(healthy_ra(), wire::link_local_of(w.net().ports[0].mac), w.net().ports[0].mac, wire::kAllNodes, 7));
  auto r = evaluate(load_catalog(default_catalog_path()), w.facts, w.observations());
  auto messages = [](const Evidence& e) {
    std::vector<std::string> out;
    for (const auto& f : e.exchange) out.push_back(f.message.substr(0, f.message.find(' ')));
    return out;
  };
  SECTION("RS → RA, the RA cited") {
    const auto& e = verdict(r, "ra-answered").evidence.front();
    CHECK(messages(e) == std::vector<std::string>{"RS", "RA"});
    CHECK(e.exchange[0].to == "ff02::2");
    CHECK(e.exchange[1].packet == e.packet);
  }
  SECTION("Solicit → Advertise → Request → Reply") {
    const auto& e = verdict(r, "dhcp6-stateful-address").evidence.front();
    CHECK(messages(e) == std::vector<std::string>{"DHCPv6", "DHCPv6", "DHCPv6", "DHCPv6"});
    CHECK(e.exchange.front().message == "DHCPv6 Solicit");
    CHECK(e.exchange.back().message == "DHCPv6 Reply");
  }
  SECTION("echo requests the agent counted, then the Packet Too Big that was captured") {
    const auto& v = verdict(r, "ptb-delivered");
    REQUIRE_FALSE(v.evidence.empty());
    const auto& ex = v.evidence.front().exchange;
    REQUIRE(ex.size() == 3);
    CHECK((ex[0].reported && ex[1].reported && !ex[2].reported));
    CHECK(ex[1].message == "echo request 1450 bytes");
    CHECK(ex[2].message == "Packet Too Big MTU 1280");
    CHECK(ex[2].from == kGateway.str());
  }
  SECTION("an attack: what the attacker sent, then what reached the victim") {
    const auto& e = verdict(r, "sec-ra-guard").evidence.front();
    REQUIRE(e.exchange.size() == 2);
    CHECK((e.exchange[0].from == "vm1" && e.exchange[0].to == "vm2" && e.exchange[0].reported));
    CHECK(e.exchange[0].message == "rogue-ra ×3 sent");
    CHECK(e.exchange[1].packet == 7);
  }
  SECTION("the exchange survives the result's JSON") {
    json j = r;
    Result back;
    from_json(j, back);
    CHECK(verdict(back, "ra-answered").evidence.front().exchange == verdict(r, "ra-answered").evidence.front().exchange);
  }
}
