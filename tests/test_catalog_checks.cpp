// Every check seen passing, failing and erroring: a healthy slaac network where every check
// passes, then one change per case that must turn its verdict to FAIL, and one missing
// observation that must turn it to ERROR (never PASS).
#include <catch2/catch.hpp>

#include <functional>
#include <set>

#include "fixtures/observations/world.hpp"

using namespace v6c::testing;

namespace {

using Change = std::function<void(World&)>;

struct Case {
  std::string check;
  json params;
  Change applicable;  // makes the check apply (subnet mode ...)
  Change breaks;      // must give FAIL
  Change unmeasured;  // must give ERROR
};

const Change kNothing = [](World&) {};

std::vector<Case> cases() {
  const json none = json::object();
  return {
      {"ra_answered", none, kNothing,
       [](World& w) { w.result<wire::DiscoverResult>("discover").first_ra_ms = 2500; },
       [](World& w) { w.drop("discover"); }},
      {"ra_valid", none, kNothing,
       [](World& w) { w.result<wire::DiscoverResult>("discover").ras.front().ctx.hop_limit = 64; },
       [](World& w) { w.result<wire::DiscoverResult>("discover").ras.clear(); }},
      {"ra_flags", none, kNothing, [](World& w) { w.ra().other = true; },
       [](World& w) { w.vm1().procedures.front().status = wire::RunStatus::error; }},
      {"ra_prefix", json{{"prefix_length", 64}}, kNothing, [](World& w) { w.ra().prefixes.front().preferred_s = 0; },
       [](World& w) { w.drop("discover"); }},
      {"ra_router_lifetime", none, kNothing, [](World& w) { w.ra().router_lifetime_s = 0; },
       [](World& w) { w.drop("discover"); }},
      {"ra_mtu", none, kNothing, [](World& w) { w.ra().mtu = 1500; }, [](World& w) { w.drop("discover"); }},
      {"ra_rdnss", none, kNothing, [](World& w) { w.ra().rdnss.front().lifetime_s = 200; },
       [](World& w) { w.drop("discover"); }},
      {"ra_sllao", none, kNothing, [](World& w) { w.ra().source_lla.reset(); }, [](World& w) { w.drop("discover"); }},
      {"ra_single_router", none, kNothing,
       [](World& w) {
         auto& d = w.result<wire::DiscoverResult>("discover", "vm2");
         d.ras.push_back(packet(healthy_ra(), ip("fe80::bad"), mac("fa:16:3e:00:00:11"), ip("fe80::2"), 9));
       },
       [](World& w) { w.reports.erase("vm2"); }},
      {"ra_periodic", none, kNothing,
       [](World& w) { w.result<wire::DiscoverResult>("discover-passive").ras.clear(); },
       [](World& w) { w.drop("discover-passive"); }},
      {"addr_slaac_matches_api", none, kNothing,
       [](World& w) { w.net().ports[0].fixed_ips = {ip("2001:db8:1::99")}; }, [](World& w) { w.drop("dad"); }},
      {"addr_dad", none, kNothing,
       [](World& w) {
         auto& d = w.result<wire::DadResult>("dad");
         d.duplicate = true;
         d.conflicts.push_back(packet(wire::NeighborAdvert{false, false, true, d.address, mac("fa:16:3e:00:00:66"), {}},
                                      d.address, mac("fa:16:3e:00:00:66"), wire::kAllNodes, 4));
       },
       [](World& w) { w.result<wire::DadResult>("dad").ns_sent = 0; }},
      {"dhcp6_stateful_address", none, [](World& w) { w.make_stateful(); },
       [](World& w) { w.result<wire::Dhcp6Result>("dhcp6").address = ip("2001:db8:1::77"); },
       [](World& w) { w.drop("dhcp6"); }},
      {"dhcp6_stateless_dns", none, [](World& w) { w.make_stateless(); },
       [](World& w) { w.net().subnet.dns_servers.push_back(ip("2001:db8:53::54")); },
       [](World& w) { w.drop("dhcp6"); }},
      {"dhcp6_transport", none, [](World& w) { w.make_stateful(); },
       [](World& w) {
         auto& ex = w.result<wire::Dhcp6Result>("dhcp6").exchange;
         std::get<wire::Dhcp6Message>(ex[1].msg).src_port = 5547;
       },
       [](World& w) { w.result<wire::Dhcp6Result>("dhcp6").exchange.resize(1); }},
      {"gw_nd", none, kNothing,
       [](World& w) { std::get<wire::NeighborAdvert>(w.result<wire::NeighborResult>("nd-gw-global").na->msg).router = false; },
       [](World& w) { w.drop("nd-gw-ll"); }},
      {"gw_echo", none, kNothing, [](World& w) { w.result<wire::EchoResult>("echo-gw-global").replies.clear(); },
       [](World& w) { w.drop("echo-gw-ll", "vm2"); }},
      {"east_west", none, kNothing, [](World& w) { w.result<wire::EchoResult>("echo-peer-vm1", "vm2").replies.clear(); },
       [](World& w) { w.drop("echo-peer-vm2"); }},
      {"north_south_out", none, kNothing,
       [](World& w) { w.result<wire::EchoResult>("echo-far").source = ip("2001:db8:ff::99"); },
       [](World& w) { w.result<wire::EchoResult>("echo-far").sent = 0; }},
      {"north_south_in", none, kNothing, [](World& w) { std::get<wire::EchoResult>(w.external.procedures[1].result).replies.clear(); },
       [](World& w) { w.external.procedures.pop_back(); }},
      {"mtu_1280", none, kNothing, [](World& w) { w.result<wire::EchoResult>("echo-mtu-link").replies.clear(); },
       [](World& w) { w.drop("echo-1280"); }},
      {"ptb_delivered", none, kNothing,
       [](World& w) {
         auto& step = w.result<wire::PmtuResult>("pmtu-far").steps.back();
         std::get<wire::IcmpError>(step.ptb->msg).mtu_or_pointer = 1400;
       },
       [](World& w) { w.result<wire::PmtuResult>("pmtu-far").steps.pop_back(); }},
      {"icmp6_errors", none, kNothing, [](World& w) { w.result<wire::EchoResult>("hoplimit-far").errors.clear(); },
       [](World& w) { w.drop("hoplimit-far"); }},
      {"icmp6_addr_unreachable", none, [](World& w) { w.probe_unassigned_near(); },
       [](World& w) { w.result<wire::EchoResult>("unreach-far").errors.clear(); },
       [](World& w) { w.drop("unreach-far"); }},
      {"dns_aaaa", none, kNothing, [](World& w) { w.result<wire::DnsResult>("dns").rcode = 3; },
       [](World& w) { w.drop("dns", "vm2"); }},
      {"metadata_v6", none, kNothing, [](World& w) { w.result<wire::NeighborResult>("nd-metadata").na.reset(); },
       [](World& w) { w.reports.clear(); }},
      {"attack_blocked", json{{"attacks", {"rogue-ra", "rogue-ra-frag"}}}, kNothing,
       [](World& w) {
         w.security.attacks[2].received.push_back(
             packet(healthy_ra(), ip("fe80::bad"), mac("fa:16:3e:00:00:11"), wire::kAllNodes, 7));
       },
       [](World& w) { w.security.control_received = 0; }},
      {"default_sg", json{{"attacks", {"unsolicited-echo"}}}, kNothing, [](World& w) { w.security.victim_ras = 0; },
       [](World& w) {
         // The network has its attacker and victim, but their observations are missing.
         w.facts.networks[0].ports.push_back({"att", *Mac::parse("fa:16:3e:00:00:a1"), {}, model::Role::attacker});
         w.facts.networks[0].ports.push_back({"vic", *Mac::parse("fa:16:3e:00:00:a2"), {}, model::Role::victim});
         w.has_security = false;
       }},
      {"api_default_subnetpool", none, kNothing, [](World& w) { w.facts.api["subnetpools"][0]["shared"] = false; },
       [](World& w) { w.facts.api.erase("subnetpools"); }},
      {"api_subnetpool_allocation", none, kNothing,
       [](World& w) { w.facts.api["subnetpool_allocation"] = {{"ok", false}, {"error", "quota"}}; },
       [](World& w) { w.facts.api.erase("subnetpool_allocation"); }},
      {"api_default_provider_net", none, kNothing,
       [](World& w) { w.facts.api["external_networks"][0]["port_security_enabled"] = false; },
       [](World& w) { w.facts.api.erase("external_networks"); }},
      {"api_address_modes", none, kNothing,
       [](World& w) { w.facts.api["address_modes"]["dhcpv6-stateful"] = {{"ok", false}, {"error", "409"}}; },
       [](World& w) { w.facts.api.erase("address_modes"); }},
      {"api_invalid_modes", none, kNothing, [](World& w) { w.facts.api["invalid_modes"][0]["status"] = 201; },
       [](World& w) { w.facts.api["invalid_modes"] = json::array(); }},
      {"api_rbac_restricted", none, kNothing, [](World& w) { w.facts.api["rbac_create"]["status"] = 201; },
       [](World& w) { w.facts.api.erase("rbac_create"); }},
  };
}

}  // namespace

TEST_CASE("every registered check has a pass, a fail and an error case", "[catalog]") {
  std::set<std::string> covered;
  for (const auto& c : cases()) covered.insert(c.check);
  for (const auto& spec : check_registry()) {
    CAPTURE(spec.name);
    CHECK(covered.contains(spec.name));
  }
}

TEST_CASE("checks pass on a healthy network, fail when broken, error when unmeasured", "[catalog]") {
  for (const auto& c : cases()) {
    CAPTURE(c.check);
    SECTION(c.check + ": healthy") {
      World w;
      c.applicable(w);
      auto o = w.run(c.check, c.params);
      CAPTURE(o.expected, o.actual, o.reason);
      CHECK(o.status == Status::pass);
      CHECK_FALSE(o.expected.empty());
      CHECK_FALSE(o.evidence.empty());
    }
    SECTION(c.check + ": broken") {
      World w;
      c.applicable(w);
      c.breaks(w);
      auto o = w.run(c.check, c.params);
      CAPTURE(o.expected, o.actual, o.reason);
      CHECK(o.status == Status::fail);
      CHECK_FALSE(o.actual.empty());
    }
    SECTION(c.check + ": unmeasured") {
      World w;
      c.applicable(w);
      c.unmeasured(w);
      auto o = w.run(c.check, c.params);
      CAPTURE(o.expected, o.actual, o.reason);
      CHECK(o.status == Status::error);
      CHECK_FALSE(o.reason.empty());
    }
  }
}

TEST_CASE("evidence names the VM, the procedure, the pcap and the packet", "[catalog]") {
  World w;
  w.ra().mtu = 1500;
  auto o = w.run("ra_mtu");
  REQUIRE(o.status == Status::fail);
  REQUIRE_FALSE(o.evidence.empty());
  const auto& e = o.evidence.front();
  CHECK(e.host == "vm1");
  CHECK(e.procedure == "discover");
  CHECK(e.pcap == "vm1.pcap");
  CHECK(e.packet == 2);
  CHECK_THAT(e.summary, Catch::Contains("RA MTU option 1500, network MTU 1450") && Catch::Contains("RFC 4861 §4.6.4") &&
                            Catch::Contains(kRouterLl.str()) && Catch::Contains("vm1.pcap #2"));
  CHECK_THAT(e.decoded, Catch::Contains("MTU: 1500"));
}

TEST_CASE("checks skip what does not apply, with a reason", "[catalog]") {
  World w;
  SECTION("DHCPv6 checks on a slaac subnet") {
    for (auto name : {"dhcp6_stateful_address", "dhcp6_stateless_dns", "dhcp6_transport"}) {
      CAPTURE(name);
      auto o = w.run(name);
      CHECK(o.status == Status::skip);
      CHECK_THAT(o.reason, Catch::Contains("slaac"));
    }
  }
  SECTION("RDNSS on a stateful subnet") {
    w.make_stateful();
    CHECK(w.run("ra_rdnss").status == Status::skip);
    CHECK(w.run("addr_slaac_matches_api").status == Status::skip);
  }
  SECTION("API checks without a cloud API") {
    w.facts.api = json();
    auto o = w.run("api_default_subnetpool");
    CHECK(o.status == Status::skip);
    CHECK(o.reason == "no cloud API in the lab");
  }
  SECTION("north-south without targets") {
    w.facts.external_target.reset();
    w.has_external = false;
    CHECK(w.run("north_south_out").status == Status::skip);
    CHECK(w.run("north_south_in").status == Status::skip);
  }
  SECTION("east-west with one VM") {
    w.net().ports.pop_back();
    CHECK(w.run("east_west").status == Status::skip);
  }
}

TEST_CASE("north-south-out: with an observer beyond the router, NAT66 fails", "[catalog]") {
  // A NAT66 that translates back leaves the VM's own view intact: 3/3 replies, its source.
  World w;
  auto request_from = [](const Ip6& src, std::uint32_t index) {
    return packet(wire::Echo{false, 1, 1, 56}, src, kRouterMac, kExternal, index, 63);
  };
  std::vector<Packet> own;
  for (std::uint32_t i = 0; i < w.net().ports.size(); ++i) own.push_back(request_from(w.net().ports[i].fixed_ips[0], 3 + i));
  SECTION("the VMs' own addresses arrive") {
    w.far_seen = FarSeen{"upstream", "upstream.pcap", own};
    auto o = w.run("north_south_out");
    CHECK(o.status == Status::pass);
    REQUIRE(o.evidence.size() >= 2);
    const auto& e = o.evidence.back();
    CHECK(e.host == "upstream");
    CHECK(e.pcap == "upstream.pcap");
    CHECK(e.packet >= 3);
  }
  SECTION("the router's address arrives instead") {
    w.far_seen = FarSeen{"upstream", "upstream.pcap", {request_from(ip("2001:db8:ff::5"), 3)}};
    auto o = w.run("north_south_out");
    CHECK(o.status == Status::fail);
    CHECK_THAT(o.actual, Catch::Contains("only from 2001:db8:ff::5") && Catch::Contains("NAT66"));
    CHECK(o.evidence.back().pcap == "upstream.pcap");
  }
  SECTION("one VM's address arrives, the other's is translated") {
    own.back().ctx.src_ip = ip("2001:db8:ff::5");
    w.far_seen = FarSeen{"upstream", "upstream.pcap", own};
    CHECK(w.run("north_south_out").status == Status::fail);
  }
  SECTION("nothing arrives where the observer watches: the requests came in another way, no PASS") {
    w.far_seen = FarSeen{"upstream", "upstream.pcap", {}};
    auto o = w.run("north_south_out");
    CHECK(o.status == Status::skip);
    CHECK(o.not_measured);
    CHECK_THAT(o.reason, Catch::Contains("upstream saw no echo request"));
    w.result<wire::EchoResult>("echo-far").replies.clear();
    CHECK(w.run("north_south_out").status == Status::fail);  // what was measured and failed still fails
  }
  SECTION("nobody watched (a cloud): no NAT66 is not measured, the VM's own view is no PASS") {
    w.far_seen.reset();
    auto o = w.run("north_south_out");
    CAPTURE(o.reason);
    CHECK(o.status == Status::skip);
    CHECK(o.not_measured);
    CHECK_THAT(o.reason, Catch::Contains("no NAT66 not measured") && Catch::Contains("3/3"));
    w.result<wire::EchoResult>("echo-far").replies.clear();
    CHECK(w.run("north_south_out").status == Status::fail);  // what was measured and failed still fails
  }
}

TEST_CASE("parameters change the verdict", "[catalog]") {
  World w;
  w.result<wire::DiscoverResult>("discover").first_ra_ms = 1500;
  CHECK(w.run("ra_answered", {{"bound_ms", 2000}}).status == Status::pass);
  CHECK(w.run("ra_answered", {{"bound_ms", 1000}}).status == Status::fail);
  CHECK(w.run("ra_rdnss", {{"lifetime_factor", 3}}).status == Status::pass);  // 300 >= 3 × 100
  CHECK(w.run("ra_rdnss", {{"lifetime_factor", 4}}).status == Status::fail);
}

TEST_CASE("one failing VM fails the network, one missing agent makes it an error", "[catalog]") {
  World w;
  w.ra("vm2").mtu.reset();
  CHECK(w.run("ra_mtu").status == Status::fail);
  World w2;
  w2.reports.erase("vm2");
  auto o = w2.run("ra_mtu");
  CHECK(o.status == Status::error);
  CHECK_THAT(o.reason, Catch::Contains("vm2") && Catch::Contains("never reported"));
}

TEST_CASE("one VM passed and another was not measured: the network is not measured, never PASS", "[catalog]") {
  auto o = combine({pass("3 replies", "vm1: 3/3"), not_measured("vm2: no unassigned address")});
  CHECK(o.status == Status::skip);
  CHECK(o.not_measured);
  CHECK_THAT(o.reason, Catch::Contains("vm2: no unassigned address") && Catch::Contains("measured: vm1: 3/3"));
  // What does not apply decides nothing; what failed or broke still decides.
  CHECK(combine({pass("3 replies", "vm1: 3/3"), skip("no probe VM")}).status == Status::pass);
  CHECK(combine({fail("3 replies", "vm1: 0/3"), not_measured("vm2")}).status == Status::fail);
  CHECK(combine({error("vm1 never reported"), not_measured("vm2")}).status == Status::error);
}

TEST_CASE("security checks on a network without attacker and victim VMs are SKIP, not ERROR", "[catalog]") {
  // A cloud run without --security: nothing was asked, so nothing is missing.
  World w;
  w.has_security = false;
  for (const char* check : {"attack_blocked", "default_sg"}) {
    auto o = w.run(check, json{{"attacks", {"rogue-ra"}}});
    CAPTURE(check, o.reason);
    CHECK(o.status == Status::skip);
    CHECK(o.reason.find("--security") != std::string::npos);
  }
}

TEST_CASE("RAs from another router do not stand in for the cloud's router", "[catalog]") {
  // The router port's MAC is known, but the only RA each VM saw came from a stranger.
  World w;
  for (const char* vm : {"vm1", "vm2"})
    w.result<wire::DiscoverResult>("discover", vm).ras.front().ctx.src_mac = mac("fa:16:3e:00:00:99");
  SECTION("ra-answered: the router never answered") {
    auto o = w.run("ra_answered");
    CAPTURE(o.actual);
    CHECK(o.status == Status::fail);
    CHECK_THAT(o.actual, Catch::Contains("no RA from the router"));
  }
  SECTION("the RA-content checks have nothing of the router's to judge") {
    for (const char* check : {"ra_valid", "ra_flags", "ra_prefix", "ra_router_lifetime", "ra_mtu", "ra_rdnss", "ra_sllao"}) {
      auto o = w.run(check);
      CAPTURE(check, o.reason, o.actual);
      CHECK(o.status == Status::error);
      CHECK_THAT(o.reason, Catch::Contains("no RA from the router"));
    }
  }
  SECTION("the router's RA after a stranger's: judged, and timed from the RS") {
    for (const char* vm : {"vm1", "vm2"}) {
      auto& d = w.result<wire::DiscoverResult>("discover", vm);
      d.ras.push_back(packet(healthy_ra(), kRouterLl, kRouterMac, d.sent.front().ctx.dst_ip, 3));
      d.ras.back().ctx.time_us = d.sent.front().ctx.time_us + 2'500'000;  // 2.5 s after the RS
    }
    auto o = w.run("ra_answered");
    CAPTURE(o.actual);
    CHECK(o.status == Status::fail);  // the stranger's quick RA does not count
    CHECK_THAT(o.actual, Catch::Contains("2500 ms"));
    CHECK(w.run("ra_mtu").status == Status::pass);
  }
  SECTION("the router port's MAC unknown: every RA is the router's") {
    w.net().router_port.reset();
    CHECK(w.run("ra_answered").status == Status::pass);
    CHECK(w.run("ra_mtu").status == Status::pass);
  }
}

TEST_CASE("a partly measured check is no PASS, and says what was measured", "[catalog]") {
  World w;
  SECTION("mtu-1280 without an off-link target: only the link was measured") {
    w.facts.external_target.reset();
    w.facts.far_target.reset();
    auto o = w.run("mtu_1280");
    CAPTURE(o.reason, o.actual);
    CHECK(o.status == Status::skip);
    CHECK_THAT(o.reason, Catch::Contains("end to end not measured") && Catch::Contains("1450 bytes"));
    CHECK_FALSE(o.evidence.empty());
    w.result<wire::EchoResult>("echo-mtu-link").replies.clear();
    CHECK(w.run("mtu_1280").status == Status::fail);  // what was measured and failed still fails
  }
  SECTION("icmp6-errors with only Time Exceeded provoked") {
    w.facts.far_target.reset();  // no unassigned address behind the router
    auto o = w.run("icmp6_errors");
    CAPTURE(o.reason, o.actual);
    CHECK(o.status == Status::skip);
    CHECK_THAT(o.reason, Catch::Contains("Destination Unreachable not measured") && Catch::Contains("Time Exceeded"));
    w.result<wire::EchoResult>("hoplimit-far").errors.clear();
    CHECK(w.run("icmp6_errors").status == Status::fail);
  }
  SECTION("icmp6-errors: no Destination Unreachable while Time Exceeded came through, no control path: unknown") {
    w.errors_seen_upstream(true);  // what the router sent, before the VM's group dropped it
    w.errors_sent.reset();
    w.result<wire::EchoResult>("unreach-far").errors.clear();
    auto o = w.run("icmp6_errors");
    CAPTURE(o.reason, o.actual);
    CHECK(o.status == Status::skip);
    CHECK(o.not_measured);
    CHECK_THAT(o.reason, Catch::Contains("whether the router sent one is unknown") &&
                             Catch::Contains("no control path here"));
    w.result<wire::EchoResult>("hoplimit-far").errors.clear();  // neither: a filter may drop both
    CHECK(w.run("icmp6_errors").status == Status::fail);
  }
  SECTION("icmp6-errors: the control path tells a dropped Destination Unreachable from one never sent") {
    w.errors_seen_upstream(true);
    CHECK(w.run("icmp6_errors").status == Status::pass);  // it reached the VMs: control not needed
    w.result<wire::EchoResult>("unreach-far").errors.clear();
    auto dropped = w.run("icmp6_errors");
    CAPTURE(dropped.reason, dropped.actual);
    CHECK(dropped.status == Status::fail);
    CHECK_THAT(dropped.actual, Catch::Contains("the router sent one") && Catch::Contains("leaving the upstream router"));
    CHECK(std::any_of(dropped.evidence.begin(), dropped.evidence.end(),
                      [](const Evidence& e) { return e.host == "upstream" && e.pcap == "upstream-errors.pcap"; }));
    // Each VM's own: vm1's was never sent (a rate limit), vm2's left the router and was dropped.
    w.result<wire::EchoResult>("unreach-far", "vm2").errors.clear();
    w.errors_sent->dest_unreachables.erase(w.errors_sent->dest_unreachables.begin());
    auto one_dropped = w.run("icmp6_errors");
    CAPTURE(one_dropped.actual);
    CHECK(one_dropped.status == Status::fail);
    CHECK_THAT(one_dropped.actual, Catch::Contains("vm2"));
    w.errors_seen_upstream(false);
    auto unsent = w.run("icmp6_errors");
    CAPTURE(unsent.reason, unsent.actual);
    CHECK(unsent.status == Status::skip);
    CHECK(unsent.not_measured);
    CHECK_THAT(unsent.reason, Catch::Contains("the router sent none") && Catch::Contains("leaving the upstream router"));
    // A control path does not excuse a missing Time Exceeded.
    w.result<wire::EchoResult>("hoplimit-far").errors.clear();
    CHECK(w.run("icmp6_errors").status == Status::fail);
  }
  SECTION("icmp6-addr-unreachable: a control VM's Destination Unreachable judges the router") {
    w.facts.api["far_network"] = {{"ok", true}, {"mtu", 1280}};  // the far link is on the cloud router
    for (const auto* vm : {"vm1", "vm2"}) w.result<wire::EchoResult>("unreach-far", vm).errors.clear();
    CHECK(w.run("icmp6_addr_unreachable").status == Status::fail);  // no control: the Time Exceeded points at the router
    auto control = w.healthy_report(w.net().ports[0]);
    ErrorsSent at_control{"at control VM c", "c", "c.pcap", {}, false};
    at_control.dest_unreachables = std::get<wire::EchoResult>(
        std::find_if(control.procedures.begin(), control.procedures.end(), [](const auto& r) { return r.id == "unreach-far"; })
            ->result).errors;
    w.errors_sent = at_control;
    auto sent = w.run("icmp6_addr_unreachable");
    CAPTURE(sent.reason, sent.actual);
    CHECK(sent.status == Status::pass);
    CHECK_THAT(sent.actual, Catch::Contains("at control VM c") && Catch::Contains("icmp6-errors"));
    std::get<wire::IcmpError>(w.errors_sent->dest_unreachables.front().msg).code = 0;
    CHECK(w.run("icmp6_addr_unreachable").status == Status::fail);
    w.errors_sent->dest_unreachables.clear();
    auto none = w.run("icmp6_addr_unreachable");
    CHECK(none.status == Status::fail);
    CHECK_THAT(none.actual, Catch::Contains("none seen at control VM c"));
  }
  SECTION("icmp6-addr-unreachable: only the cloud router's own links count") {
    auto beyond = w.run("icmp6_addr_unreachable");  // the fixture's address is on the far link
    CHECK(beyond.status == Status::skip);
    CHECK_THAT(beyond.reason, Catch::Contains("beyond the upstream router"));
    w.facts.api["far_network"] = {{"ok", true}, {"mtu", 1280}};  // a cloud run built it on its own router
    CHECK(w.run("icmp6_addr_unreachable").status == Status::pass);
    w.facts.api.erase("far_network");
    w.probe_unassigned_near();
    auto& du = std::get<wire::IcmpError>(w.result<wire::EchoResult>("unreach-far").errors.front().msg);
    du.code = 0;  // no route is not address unreachable
    CHECK(w.run("icmp6_addr_unreachable").status == Status::fail);
    for (const auto* vm : {"vm1", "vm2"}) {  // nothing came back at all: cannot tell
      w.result<wire::EchoResult>("unreach-far", vm).errors.clear();
      w.result<wire::EchoResult>("hoplimit-far", vm).errors.clear();
    }
    auto o = w.run("icmp6_addr_unreachable");
    CHECK(o.status == Status::skip);
    CHECK(o.not_measured);
  }
  SECTION("both parts measured: PASS, naming both") {
    auto o = w.run("icmp6_errors");
    CHECK(o.status == Status::pass);
    CHECK_THAT(o.actual, Catch::Contains("Time Exceeded") && Catch::Contains("Destination Unreachable"));
    auto m = w.run("mtu_1280");
    CHECK(m.status == Status::pass);
    CHECK_THAT(m.actual, Catch::Contains("1280 bytes") && Catch::Contains("1450 bytes"));
  }
  SECTION("metadata-v6 says it checks ND, not the service") {
    auto o = w.run("metadata_v6");
    CHECK(o.status == Status::pass);
    CHECK_THAT(o.expected, Catch::Contains("Neighbor Advertisement") && Catch::Contains("not queried"));
  }
}

TEST_CASE("evidence without a packet carries the procedure's start time", "[catalog]") {
  World w;
  w.result<wire::DiscoverResult>("discover").ras.clear();
  w.result<wire::DiscoverResult>("discover").first_ra_ms.reset();
  auto o = w.run("ra_answered");
  REQUIRE(o.status == Status::fail);
  REQUIRE_FALSE(o.evidence.empty());
  CHECK(o.evidence.front().packet == 0);
  CHECK(o.evidence.front().time_us == kT0);
}

TEST_CASE("no PASS without a measurement", "[catalog]") {
  World w;
  SECTION("addr-slaac-matches-api: a /80 PIO forms no SLAAC address (RFC 4862 §5.5.3)") {
    for (const char* vm : {"vm1", "vm2"}) w.ra(vm).prefixes.front().length = 80;
    auto o = w.run("addr_slaac_matches_api");
    CAPTURE(o.actual);
    CHECK(o.status == Status::fail);
    CHECK_THAT(o.actual, Catch::Contains("/80") && Catch::Contains("RFC 4862 §5.5.3"));
  }
  SECTION("addr-slaac-matches-api: only the router's RA counts") {
    for (const char* vm : {"vm1", "vm2"})
      w.result<wire::DiscoverResult>("discover", vm).ras.front().ctx.src_mac = mac("fa:16:3e:00:00:99");
    CHECK(w.run("addr_slaac_matches_api").status == Status::fail);
  }
  SECTION("ra-answered: an RA captured before the RS does not answer it") {
    for (const char* vm : {"vm1", "vm2"}) {
      auto& d = w.result<wire::DiscoverResult>("discover", vm);
      d.ras.front().ctx.time_us = d.sent.front().ctx.time_us - 1000;  // queued before the send
      d.first_ra_ms = 0.01;
    }
    auto o = w.run("ra_answered");
    CAPTURE(o.actual);
    CHECK(o.status == Status::fail);
    CHECK_THAT(o.actual, Catch::Contains("before the RS"));
  }
  SECTION("sec-default-sg: no control frame arrived, so an empty capture proves nothing") {
    w.security.control_received = 0;
    auto o = w.run("default_sg", json{{"attacks", {"unsolicited-echo"}}});
    CAPTURE(o.reason);
    CHECK(o.status == Status::error);
    CHECK_THAT(o.reason, Catch::Contains("control"));
  }
  SECTION("api-rbac-restricted: scs-0126 asks for the policy's refusal (403); others say nothing of it") {
    CHECK(w.run("api_rbac_restricted").status == Status::pass);
    w.facts.api["rbac_create"] = {{"status", 409}, {"error", "RBAC policy exists"}};
    auto conflict = w.run("api_rbac_restricted");
    CHECK(conflict.status == Status::error);
    CHECK_THAT(conflict.reason, Catch::Contains("409") && Catch::Contains("not measured"));
    w.facts.api["rbac_create"] = {{"status", 400}};
    CHECK(w.run("api_rbac_restricted").status == Status::error);
    w.facts.api["rbac_create"] = {{"status", 404}};
    auto absent = w.run("api_rbac_restricted");
    CHECK(absent.status == Status::skip);
    CHECK_FALSE(absent.not_measured);
    CHECK_THAT(absent.reason, Catch::Contains("no RBAC API"));
  }
  SECTION("ra-periodic: a unicast RA answers an RS, it is no periodic RA") {
    CHECK(w.run("ra_periodic").status == Status::pass);
    for (const char* vm : {"vm1", "vm2"})
      w.result<wire::DiscoverResult>("discover-passive", vm).ras.front().ctx.dst_ip = ip("fe80::77");
    CHECK(w.run("ra_periodic").status == Status::fail);
  }
  SECTION("ra-periodic: a multicast RA soon after another host's RS may answer it, so it proves nothing") {
    for (const char* vm : {"vm1", "vm2"}) {
      auto& d = w.result<wire::DiscoverResult>("discover-passive", vm);
      d.others_rs_us = {d.ras.front().ctx.time_us - 3'400'000};
    }
    const auto maybe = w.run("ra_periodic");
    CHECK(maybe.status == Status::skip);
    CHECK(maybe.not_measured);
    CHECK_THAT(maybe.reason, Catch::Contains("RFC 4861 §6.2.6"));
    for (const char* vm : {"vm1", "vm2"}) {
      auto& d = w.result<wire::DiscoverResult>("discover-passive", vm);
      d.others_rs_us = {d.ras.front().ctx.time_us - 3'600'000, d.ras.front().ctx.time_us + 1};
    }
    CHECK(w.run("ra_periodic").status == Status::pass);
  }
  SECTION("ra-periodic: another router's unsolicited RA is not the router's") {
    for (const char* vm : {"vm1", "vm2"})
      w.result<wire::DiscoverResult>("discover-passive", vm).ras.front().ctx.src_mac = mac("fa:16:3e:00:00:99");
    CHECK(w.run("ra_periodic").status == Status::fail);
  }
  SECTION("ra-single-router: a router heard only in the passive listen fails it; the verdict says how long") {
    auto ok = w.run("ra_single_router");
    CHECK(ok.status == Status::pass);
    CHECK_THAT(ok.actual, Catch::Contains("listened"));
    auto& d = w.result<wire::DiscoverResult>("discover-passive", "vm2");
    d.ras.push_back(packet(healthy_ra(), ip("fe80::bad"), mac("fa:16:3e:00:00:98"), wire::kAllNodes, 50));
    auto o = w.run("ra_single_router");
    CAPTURE(o.actual);
    CHECK(o.status == Status::fail);
    CHECK(std::any_of(o.evidence.begin(), o.evidence.end(),
                      [](const auto& e) { return e.procedure == "discover-passive" && e.host == "vm2"; }));
  }
  SECTION("a skip that does not apply is not marked unmeasured") {
    w.make_stateful();
    auto o = w.run("ra_rdnss");
    CHECK(o.status == Status::skip);
    CHECK_FALSE(o.not_measured);
  }
}
