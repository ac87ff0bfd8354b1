// Plans: what each agent runs, derived from the facts; the procedure ids must be exactly the
// ones the checks read.
#include <catch2/catch.hpp>

#include <set>

#include "fixtures/observations/world.hpp"

using namespace v6c::testing;

namespace {

std::set<std::string> ids(const json& plan) {
  std::set<std::string> out;
  for (const auto& p : plan.at("procedures")) out.insert(p.at("id").get<std::string>());
  return out;
}

const json& procedure_in(const json& plan, const std::string& id) {
  for (const auto& p : plan.at("procedures"))
    if (p.at("id") == id) return p;
  throw std::runtime_error("no procedure " + id);
}

PlanOptions slow_options() {
  PlanOptions o;
  o.slow = true;
  return o;
}

}  // namespace

TEST_CASE("a slaac VM's plan asks for exactly what the checks read", "[catalog]") {
  World w;
  json plan = make_plan(w.facts, w.net(), w.net().ports[0], slow_options());
  CHECK(plan.at("schema") == "v6agent-plan/1");
  CHECK(plan.at("host") == "vm1");
  CHECK(plan.at("interface") == "eth0");
  std::set<std::string> read_by_checks;
  for (const auto& rec : w.vm1().procedures) read_by_checks.insert(rec.id);
  read_by_checks.erase("dhcp6");  // a slaac subnet runs no DHCPv6
  CHECK(ids(plan) == read_by_checks);

  // The router port's link-local, not whoever answered first (a rogue router could).
  const auto gw_ll = wire::link_local_of(w.net().router_port->mac).str();
  CHECK(procedure_in(plan, "nd-gw-ll").at("target") == gw_ll);
  CHECK(procedure_in(plan, "echo-gw-ll").at("target") == gw_ll);
  CHECK(procedure_in(plan, "echo-gw-global").at("source") == "@slaac");
  CHECK(procedure_in(plan, "echo-gw-global").at("target") == kGateway.str());
  CHECK_FALSE(procedure_in(plan, "echo-gw-global").contains("gateway"));  // on-link
  CHECK(procedure_in(plan, "echo-far").at("gateway") == kGateway.str());
  CHECK(procedure_in(plan, "echo-mtu-link").at("size") == kNetMtu);
  CHECK(procedure_in(plan, "echo-1280").at("size") == 1280);
  CHECK(procedure_in(plan, "hoplimit-far").at("hop_limit") == 1);
  CHECK(procedure_in(plan, "hoplimit-far").at("retry_after_ms") == 1000);  // a rate-limited error is asked again
  CHECK(procedure_in(plan, "pmtu-far").at("sizes") == json::array({1280, kNetMtu}));
  CHECK(procedure_in(plan, "dad").at("prefix") == kPrefix.str());
  CHECK(procedure_in(plan, "dad").at("prefix_length") == 64);
  CHECK(procedure_in(plan, "dns").at("server") == kDns.str());
  CHECK(procedure_in(plan, "dns").at("gateway") == kGateway.str());  // 2001:db8:53::/64 is off-link
  CHECK(procedure_in(plan, "discover-passive").at("passive") == true);
  CHECK(procedure_in(plan, "echo-peer-vm2").at("target") == w.net().ports[1].fixed_ips[0].str());
  // Peers last, then the link-MTU echo, which goes to an on-link peer when there is one.
  const auto& procs = plan.at("procedures");
  CHECK(procs.at(procs.size() - 2).at("id") == "echo-peer-vm2");
  CHECK(procs.back().at("id") == "echo-mtu-link");
  CHECK(procedure_in(plan, "echo-mtu-link").at("target") == w.net().ports[1].fixed_ips[0].str());
  CHECK(procedure_in(plan, "unreach-far").at("target") == "2001:db8:2::dead:beef");  // on the far link
}

TEST_CASE("every procedure has a kind the agent knows and that kind's parameters", "[catalog]") {
  World w;
  const std::map<std::string, std::vector<std::string>> required = {
      {"discover", {"window_ms", "rs_count", "passive"}},
      {"dad", {"prefix", "prefix_length"}},
      {"dhcp6", {"stateful"}},
      {"neighbor", {"target"}},
      {"echo", {"target", "size", "hop_limit", "count"}},
      {"pmtu", {"target", "gateway", "sizes"}},
      {"dns", {"server", "name"}}};
  for (auto mode : model::kAllModes) {
    w.net().subnet.mode = mode;
    json plan = make_plan(w.facts, w.net(), w.net().ports[0], slow_options());
    for (const auto& p : plan.at("procedures")) {
      CAPTURE(model::to_string(mode), p.dump());
      auto kind = p.at("kind").get<std::string>();
      REQUIRE(required.contains(kind));
      for (const auto& key : required.at(kind)) CHECK(p.contains(key));
    }
  }
}

TEST_CASE("the subnet mode decides DAD and DHCPv6 and the source symbol", "[catalog]") {
  World w;
  w.make_stateful();
  json plan = make_plan(w.facts, w.net(), w.net().ports[0], PlanOptions{});
  CHECK_FALSE(ids(plan).contains("dad"));
  CHECK_FALSE(ids(plan).contains("discover-passive"));
  CHECK(procedure_in(plan, "dhcp6").at("stateful") == true);
  CHECK(procedure_in(plan, "echo-gw-global").at("source") == "@dhcp6");
  w.make_stateless();
  plan = make_plan(w.facts, w.net(), w.net().ports[0], PlanOptions{});
  CHECK(ids(plan).contains("dad"));
  CHECK(procedure_in(plan, "dhcp6").at("stateful") == false);
}

TEST_CASE("an address VM forms its address and runs nothing else: no one probes it", "[catalog]") {
  World w;
  w.net().ports[1].role = model::Role::address;
  const auto& address_vm = w.net().ports[1];
  CHECK(ids(make_plan(w.facts, w.net(), address_vm, slow_options())) == std::set<std::string>{"discover", "dad"});
  CHECK_FALSE(ids(make_plan(w.facts, w.net(), w.net().ports[0], PlanOptions{})).contains("echo-peer-vm2"));
  CHECK(ids(make_external_plan(w.facts, "external", PlanOptions{})) == std::set<std::string>{"echo-in-vm1"});
  w.make_stateful();
  CHECK(ids(make_plan(w.facts, w.net(), w.net().ports[1], PlanOptions{})) == std::set<std::string>{"discover", "dhcp6"});
}

TEST_CASE("a second network adds routed peers and an unreachable target", "[catalog]") {
  World w;
  model::Network net2 = w.net();
  net2.name = "net2";
  net2.subnet.prefix = ip("2001:db8:3::");
  net2.subnet.gateway_ip = ip("2001:db8:3::1");
  net2.ports = {{"vm3", mac("fa:16:3e:00:00:13"), {wire::eui64_address(ip("2001:db8:3::"), mac("fa:16:3e:00:00:13"))}, model::Role::probe},
                {"attacker", mac("fa:16:3e:00:00:14"), {ip("2001:db8:3::14")}, model::Role::attacker}};
  w.facts.networks.push_back(net2);
  json plan = make_plan(w.facts, w.facts.networks[0], w.facts.networks[0].ports[0], PlanOptions{});
  CHECK(procedure_in(plan, "echo-peer-vm3").at("gateway") == kGateway.str());
  CHECK_FALSE(ids(plan).contains("echo-peer-attacker"));  // only probe VMs are peers
  CHECK(procedure_in(plan, "unreach-far").at("target") == "2001:db8:2::dead:beef");  // far link first
  CHECK(procedure_in(plan, "unreach-far").contains("timeout_ms"));
  CHECK(procedure_in(plan, "unreach-far").at("interval_ms") == 20);  // the requests share one resolution
  CHECK(procedure_in(plan, "unreach-far").at("retry_after_ms") == 1000);
  CHECK(procedure_in(plan, "echo-gw-global").at("retry_after_ms") == 0);  // a reply is no error to lose
}

TEST_CASE("plan options follow the catalogue", "[catalog]") {
  World w;
  auto c = load_catalog(default_catalog_path());
  auto o = plan_options(c, w.facts);
  CHECK(o.discover_window_ms == 3000);
  CHECK(o.slow);
  CHECK(o.passive_window_ms == 101'000);  // facts: MaxRtrAdvInterval 100 s, plus a margin
  for (auto& r : c.requirements) {
    if (r.id == "ra-answered") r.params["bound_ms"] = 5000;
    if (r.id == "ra-periodic") r.enabled = false;
  }
  o = plan_options(c, w.facts);
  CHECK(o.discover_window_ms == 6000);
  CHECK_FALSE(o.slow);
}

TEST_CASE("the external agent echoes every probe VM", "[catalog]") {
  World w;
  json plan = make_external_plan(w.facts, "external", PlanOptions{});
  CHECK(ids(plan) == std::set<std::string>{"echo-in-vm1", "echo-in-vm2"});
  CHECK(procedure_in(plan, "echo-in-vm1").at("target") == w.net().ports[0].fixed_ips[0].str());
}

TEST_CASE("a second requirement with the same check is planned for, not ignored", "[catalog]") {
  World w;
  auto c = load_catalog(default_catalog_path());
  auto copy_of = [&](const std::string& id, const std::string& new_id) {
    auto r = *c.find(id);
    r.id = new_id;
    return r;
  };
  auto strict = copy_of("ra-answered", "ra-answered-strict");
  strict.params["bound_ms"] = 8000;
  auto periodic = copy_of("ra-periodic", "ra-periodic-mine");
  for (auto& r : c.requirements)
    if (r.id == "ra-periodic") r.enabled = false;
  c.requirements.push_back(strict);
  c.requirements.push_back(periodic);
  auto o = plan_options(c, w.facts);
  CHECK(o.discover_window_ms == 9000);  // the stricter bound, plus the margin
  CHECK(o.slow);                        // ra-periodic is off, its namesake is not
}

TEST_CASE("plans read back as they were written: a wrong key is an error naming it", "[catalog]") {
  World w;
  for (auto mode : model::kAllModes) {
    CAPTURE(model::to_string(mode));
    w.net().subnet.mode = mode;
    const json written = make_plan(w.facts, w.net(), w.net().ports[0], slow_options());
    CHECK(json(written.get<wire::Plan>()) == written);
  }
  const World slaac;
  const json plan = make_plan(slaac.facts, slaac.facts.networks[0], slaac.facts.networks[0].ports[0], PlanOptions{});
  auto error_for = [](const json& j) -> std::string {
    try {
      (void)j.get<wire::Plan>();
    } catch (const wire::PlanError& e) {
      return e.what();
    }
    return "no error";
  };
  SECTION("an unknown key in a procedure") {
    json bad = plan;
    bad["procedures"][0]["widow_ms"] = 3000;
    CHECK_THAT(error_for(bad), Catch::Contains("procedure 'discover'") && Catch::Contains("'widow_ms'"));
  }
  SECTION("an unknown key in the plan") {
    json bad = plan;
    bad["serve"] = 1;
    CHECK_THAT(error_for(bad), Catch::Contains("unknown parameter 'serve'"));
  }
  SECTION("a key of the wrong type") {
    json bad = plan;
    bad["procedures"][0]["passive"] = "no";
    CHECK_THAT(error_for(bad), Catch::Contains("'passive' has the wrong type"));
  }
  SECTION("a missing required key") {
    json bad = plan;
    bad["procedures"][1].erase("prefix");
    CHECK_THAT(error_for(bad), Catch::Contains("procedure 'dad' needs parameter 'prefix'"));
  }
  SECTION("a missing optional key keeps the contract's default") {
    json sparse = plan;
    sparse["procedures"][0].erase("rs_count");
    CHECK(std::get<wire::DiscoverSpec>(sparse.get<wire::Plan>().procedures[0].spec).rs_count ==
          wire::DiscoverSpec{}.rs_count);
  }
}
