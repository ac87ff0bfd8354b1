// The lab's model and generators: pure, no root needed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "v6c/lab/config.hpp"
#include "v6c/lab/faults.hpp"
#include "v6c/lab/model.hpp"
#include "v6c/lab/ovn.hpp"
#include "literals.hpp"

using namespace v6c::lab;
using v6c::wire::Ip6;
using v6c::wire::Mac;
using namespace v6c::test;

namespace {
bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
const LabNetwork& network(const LabModel& m, Mode mode) {
  for (const auto& n : m.networks)
    if (n.mode == mode) return n;
  FAIL("no network for " << v6c::model::to_string(mode));
  throw;
}
}  // namespace

TEST_CASE("model: addresses and MACs as Neutron computes them", "[lab-model]") {
  auto m = make_model("v6c-lt-", Flavour::radvd, kAllModes);
  REQUIRE(m.networks.size() == 3);
  SECTION("slaac and stateless ports get the EUI-64 of their MAC") {
    for (const auto mode : {Mode::slaac, Mode::dhcpv6_stateless}) {
      const auto& n = network(m, mode);
      for (const auto& vm : n.vms) {
        CAPTURE(v6c::model::to_string(mode), vm.name);
        CHECK(vm.mac.bytes[0] == 0xfa);
        CHECK(vm.mac.bytes[1] == 0x16);
        CHECK(vm.mac.bytes[2] == 0x3e);
        CHECK(vm.fixed_ips.front() == v6c::wire::eui64_address(n.prefix, vm.mac));
      }
    }
    // fa:16:3e:01:00:10 → f816:3eff:fe01:10 under 2001:db8:1::/64
    CHECK(network(m, Mode::slaac).vms.front().fixed_ips.front() == ip("2001:db8:1::f816:3eff:fe01:10"));
  }
  SECTION("stateful ports are allocated from the pool after the gateway and the DHCP port") {
    const auto& n = network(m, Mode::dhcpv6_stateful);
    CHECK(n.gateway_ip == ip("2001:db8:3::1"));
    CHECK(n.dhcp.fixed_ips.front() == ip("2001:db8:3::2"));
    CHECK(n.vms.front().fixed_ips.front() == ip("2001:db8:3::3"));
  }
  SECTION("every MAC and every address is unique") {
    std::set<Mac> macs;
    std::set<Ip6> addrs;
    std::size_t ports = 0;
    for (const auto& n : m.networks) {
      for (const auto* p : {&n.router, &n.dhcp}) {
        macs.insert(p->mac);
        addrs.insert(p->fixed_ips.front());
        ++ports;
      }
      for (const auto& vm : n.vms) {
        macs.insert(vm.mac);
        addrs.insert(vm.fixed_ips.front());
        ++ports;
      }
    }
    CHECK(macs.size() == ports);
    CHECK(addrs.size() == ports);
  }
  SECTION("every network carries two probes, a victim, an attacker in a group of its own and an address VM") {
    for (const auto& n : m.networks) {
      CAPTURE(n.name);
      REQUIRE(n.vms.size() == 5);
      CHECK(n.vms[4].role == Role::address);
      CHECK(&address_vm(n) == &n.vms[4]);
      CHECK(n.vms[3].role == Role::probe);
      CHECK(n.vms[3].group == SecurityGroup::default_group);
      CHECK(n.vms[0].role == Role::probe);
      CHECK(n.vms[1].role == Role::victim);
      CHECK(n.vms[1].group == SecurityGroup::default_group);
      CHECK(n.vms[2].role == Role::attacker);
      CHECK(n.vms[2].group == SecurityGroup::attacker_only);
    }
  }
  SECTION("interface names fit in 15 characters") {
    for (const auto& n : m.networks) {
      CHECK(n.bridge.size() <= 15);
      CHECK(router_port_ifname(n).size() <= 15);
      CHECK(dhcp_port_ifname(n).size() <= 15);
      for (const auto& vm : n.vms) CHECK(vm.bridge_port.size() <= 15);
    }
  }
  SECTION("one mode only") {
    auto one = make_model("v6c-lt-", Flavour::radvd, {Mode::dhcpv6_stateful});
    REQUIRE(one.networks.size() == 1);
    CHECK(one.networks[0].mode == Mode::dhcpv6_stateful);
    CHECK(one.networks[0].vms.size() == 5);
  }
}

TEST_CASE("model: facts in the controller's shape", "[lab-model]") {
  auto m = make_model("v6c-lt-", Flavour::ovn, kAllModes);
  auto f = to_facts(m);
  CHECK(f.source == "lab");
  CHECK(f.backend == "ovn");
  REQUIRE(f.networks.size() == 3);
  CHECK(f.networks[0].mtu == kTenantMtu);
  CHECK(f.networks[0].subnet.mode == Mode::slaac);
  CHECK(f.networks[0].subnet.dns_domain.empty());  // only DHCPv6 hands out a domain
  CHECK(f.networks[1].subnet.dns_domain == m.networks[1].dns_domain);
  REQUIRE(f.networks[0].router_port);
  CHECK(f.networks[0].router_port->mac == m.networks[0].router.mac);
  CHECK(f.networks[0].ports.size() == 5);
  CHECK(f.far_mtu == kFarMtu);
  CHECK(f.max_rtr_adv_interval_s == kOvnRaTimers.max_interval_s);
  CHECK(f.dns_test_answer == std::vector<Ip6>{m.upstream.dns_test_answer});
  SECTION("fixed-ip-mismatch changes only what the API says of the address VMs' SLAAC addresses") {
    auto broken = m;
    REQUIRE_FALSE(apply_faults(broken, {"fixed-ip-mismatch"}));
    auto bf = to_facts(broken);
    for (std::size_t n = 0; n < m.networks.size(); ++n)
      for (std::size_t p = 0; p < m.networks[n].vms.size(); ++p) {
        CAPTURE(m.networks[n].name, m.networks[n].vms[p].name);
        const bool spoiled = m.networks[n].mode != Mode::dhcpv6_stateful && m.networks[n].vms[p].role == Role::address;
        CHECK((bf.networks[n].ports[p].fixed_ips != f.networks[n].ports[p].fixed_ips) == spoiled);
        CHECK(broken.networks[n].vms[p].fixed_ips == m.networks[n].vms[p].fixed_ips);
      }
  }
}

TEST_CASE("radvd.conf as Neutron's ra.py writes it", "[lab-model]") {
  auto m = make_model("v6c-lt-", Flavour::radvd, kAllModes);
  const std::string conf = radvd_conf(m);
  const std::string slaac_block =
      "interface qr-slaac\n"
      "{\n"
      "   AdvSendAdvert on;\n"
      "   MinRtrAdvInterval 30;\n"
      "   MaxRtrAdvInterval 100;\n"
      "   AdvLinkMTU 1450;\n"
      "   RDNSS 2001:db8:ff::53 {};\n"
      "   prefix 2001:db8:1::/64\n"
      "   {\n"
      "        AdvOnLink on;\n"
      "        AdvAutonomous on;\n"
      "   };\n"
      "   route fe80::a9fe:a9fe/128 {};\n"
      "};\n";
  const std::string stateless_block =
      "interface qr-stless\n"
      "{\n"
      "   AdvSendAdvert on;\n"
      "   MinRtrAdvInterval 30;\n"
      "   MaxRtrAdvInterval 100;\n"
      "   AdvLinkMTU 1450;\n"
      "   AdvOtherConfigFlag on;\n"
      "   prefix 2001:db8:2::/64\n"
      "   {\n"
      "        AdvOnLink on;\n"
      "        AdvAutonomous on;\n"
      "   };\n"
      "   route fe80::a9fe:a9fe/128 {};\n"
      "};\n";
  const std::string stateful_block =
      "interface qr-stful\n"
      "{\n"
      "   AdvSendAdvert on;\n"
      "   MinRtrAdvInterval 30;\n"
      "   MaxRtrAdvInterval 100;\n"
      "   AdvLinkMTU 1450;\n"
      "   AdvManagedFlag on;\n"
      "   prefix 2001:db8:3::/64\n"
      "   {\n"
      "        AdvOnLink on;\n"
      "        AdvAutonomous off;\n"
      "   };\n"
      "   route fe80::a9fe:a9fe/128 {};\n"
      "};\n";
  CHECK(conf == slaac_block + stateless_block + stateful_block);

  SECTION("faults change exactly their line") {
    struct Case {
      const char* fault;
      const char* expect;
      const char* gone;
    };
    for (const auto& c : {Case{"ra-mtu-wrong", "AdvLinkMTU 1400;", "AdvLinkMTU 1450;"},
                          Case{"rdnss-missing", "", "RDNSS"},
                          Case{"rdnss-lifetime-short", "AdvRDNSSLifetime 100;", "RDNSS 2001:db8:ff::53 {};"},
                          Case{"prefix-80", "prefix 2001:db8:1::/80", "prefix 2001:db8:1::/64"},
                          Case{"router-lifetime-0", "AdvDefaultLifetime 0;", ""},
                          Case{"sllao-missing", "AdvSourceLLAddress off;", ""},
                          Case{"ra-unicast-only", "UnicastOnly on;", ""}}) {
      CAPTURE(c.fault);
      auto f = make_model("v6c-lt-", Flavour::radvd, {Mode::slaac});
      REQUIRE_FALSE(apply_faults(f, {c.fault}));
      const auto fc = radvd_conf(f);
      if (*c.expect) CHECK(contains(fc, c.expect));
      if (*c.gone) CHECK_FALSE(contains(fc, c.gone));
      CHECK(fc != radvd_conf(make_model("v6c-lt-", Flavour::radvd, {Mode::slaac})));
    }
    auto mflag = make_model("v6c-lt-", Flavour::radvd, {Mode::slaac});
    apply_faults(mflag, {"m-flag-wrong"});
    CHECK(contains(radvd_conf(mflag), "AdvManagedFlag on;"));
  }
  SECTION("the rogue router copies the first network's block at low preference") {
    auto rogue = rogue_radvd_conf(m, "eth0");
    CHECK(contains(rogue, "interface eth0\n"));
    CHECK(contains(rogue, "AdvDefaultPreference low;"));
    CHECK(contains(rogue, "prefix 2001:db8:1::/64"));
  }
  SECTION("--slow shortens the intervals") {
    auto slow = make_model("v6c-lt-", Flavour::radvd, {Mode::slaac}, true);
    CHECK(contains(radvd_conf(slow), "MaxRtrAdvInterval 4;"));
    CHECK(to_facts(slow).max_rtr_adv_interval_s == 4u);
  }
}

TEST_CASE("The advertiser's RA: what radvd sends for the same config", "[lab-model]") {
  auto m = make_model("v6c-lt-", Flavour::radvd, kAllModes);
  CHECK_FALSE(uses_advertiser(m));
  SECTION("radvd flavour: ra.py's settings and radvd's defaults") {
    const auto ra = router_advert(m, network(m, Mode::slaac));
    CHECK(ra.cur_hop_limit == 64);
    CHECK_FALSE(ra.managed);
    CHECK_FALSE(ra.other);
    CHECK(ra.router_lifetime_s == 300);  // 3 × MaxRtrAdvInterval
    CHECK(ra.source_lla == network(m, Mode::slaac).router.mac);
    CHECK(ra.mtu == 1450u);
    REQUIRE(ra.prefixes.size() == 1);
    CHECK(ra.prefixes[0].prefix == ip("2001:db8:1::"));
    CHECK(ra.prefixes[0].length == 64);
    CHECK(ra.prefixes[0].on_link);
    CHECK(ra.prefixes[0].autonomous);
    CHECK(ra.prefixes[0].valid_s == 86400);
    CHECK(ra.prefixes[0].preferred_s == 14400);
    REQUIRE(ra.routes.size() == 1);
    CHECK(ra.routes[0].prefix == ip("fe80::a9fe:a9fe"));
    CHECK(ra.routes[0].length == 128);
    REQUIRE(ra.rdnss.size() == 1);
    CHECK(ra.rdnss[0].lifetime_s == 100);  // radvd up to 2.19: MaxRtrAdvInterval
    auto newer = m;
    newer.radvd_rdnss_lifetime_factor = 3;  // radvd 2.20 and later
    CHECK(router_advert(newer, network(newer, Mode::slaac)).rdnss[0].lifetime_s == 300);
    auto short_lifetime = newer;
    REQUIRE_FALSE(apply_faults(short_lifetime, {"rdnss-lifetime-short"}));
    CHECK(router_advert(short_lifetime, network(short_lifetime, Mode::slaac)).rdnss[0].lifetime_s == 100);
    CHECK(ra.rdnss[0].servers == std::vector<Ip6>{ip("2001:db8:ff::53")});
    const auto stateful = router_advert(m, network(m, Mode::dhcpv6_stateful));
    CHECK(stateful.managed);
    CHECK_FALSE(stateful.prefixes[0].autonomous);
    CHECK(stateful.rdnss.empty());
    CHECK(router_advert(m, network(m, Mode::dhcpv6_stateless)).other);
  }
  SECTION("rs-answered-late: the advertiser answers after 2.4 s, the RA unchanged") {
    auto late = m;
    REQUIRE_FALSE(apply_faults(late, {"rs-answered-late"}));
    CHECK(uses_advertiser(late));
    CHECK(router_advert(late, late.networks[0]) == router_advert(m, m.networks[0]));
    CHECK(nlohmann::json(advertiser_plan(late, late.networks[0]))["procedures"][0]["answer_delay_ms"] == 2400);
  }
  SECTION("faults reach the advertiser's RA too") {
    auto f = make_model("v6c-lt-", Flavour::radvd, {Mode::slaac});
    REQUIRE_FALSE(apply_faults(f, {"rs-answered-late", "sllao-missing", "ra-mtu-wrong", "ra-unicast-only"}));
    const auto ra = router_advert(f, f.networks[0]);
    CHECK_FALSE(ra.source_lla);
    CHECK(ra.mtu == 1400u);
    const auto p = nlohmann::json(advertiser_plan(f, f.networks[0]))["procedures"][0];
    CHECK(p["add_source_lla"] == false);
    CHECK(p["interval_ms"] == 0);
  }
}

TEST_CASE("dnsmasq as Neutron's dhcp.py starts it", "[lab-model]") {
  auto m = make_model("v6c-lt-", Flavour::radvd, kAllModes);
  SECTION("slaac: no DHCPv6 service") {
    CHECK(dnsmasq_argv(m, network(m, Mode::slaac), "/d").empty());
    CHECK(dnsmasq_opts(m, network(m, Mode::slaac)).empty());
  }
  SECTION("stateless: static range, DNS servers and domain search, no host addresses") {
    const auto& n = network(m, Mode::dhcpv6_stateless);
    auto argv = dnsmasq_argv(m, n, "/d");
    CHECK(std::count(argv.begin(), argv.end(), "--dhcp-range=set:subnet-stless,2001:db8:2::,static,64,86400s") == 1);
    for (const auto* gone : {"--strict-order", "--except-interface=lo", "--bind-interfaces", "--interface=tap-stless"})
      CHECK(std::count(argv.begin(), argv.end(), gone) == 0);  // Neutron dropped them
    CHECK(std::count(argv.begin(), argv.end(), "--bind-dynamic") == 1);
    CHECK(std::count(argv.begin(), argv.end(), "--dhcp-lease-max=16777216") == 1);
    CHECK(std::count(argv.begin(), argv.end(), "--dhcp-option-force=option:mtu,1450") == 1);
    CHECK(std::count(argv.begin(), argv.end(), "--dhcp-hostsfile=/d/host") == 1);
    CHECK(std::count(argv.begin(), argv.end(), "--conf-file=/dev/null") == 1);
    CHECK(dnsmasq_opts(m, n) ==
          "tag:subnet-stless,option6:dns-server,[2001:db8:ff::53]\n"
          "tag:subnet-stless,option6:domain-search,lab.v6c.example");
    CHECK(dnsmasq_hosts(m, n).empty());
  }
  SECTION("stateful: one host entry per port with its fixed IP") {
    const auto& n = network(m, Mode::dhcpv6_stateful);
    const auto hosts = dnsmasq_hosts(m, n);
    CHECK(contains(hosts, "fa:16:3e:03:00:10,tag:dhcpv6,host-2001-db8-3--3.lab.v6c.example,[2001:db8:3::3]\n"));
    CHECK(contains(hosts, "fa:16:3e:03:00:01,tag:dhcpv6,host-2001-db8-3--1.lab.v6c.example,[2001:db8:3::1]\n"));
    auto broken = m;
    apply_faults(broken, {"dhcp-wrong-address"});
    const auto bh = dnsmasq_hosts(broken, network(broken, Mode::dhcpv6_stateful));
    CHECK(contains(hosts, "fa:16:3e:03:00:14,tag:dhcpv6,host-2001-db8-3--7.lab.v6c.example,[2001:db8:3::7]\n"));
    CHECK(contains(bh, "fa:16:3e:03:00:14,tag:dhcpv6,host-2001-db8-3--7.lab.v6c.example,[2001:db8:3::87]\n"));
    CHECK_FALSE(contains(bh, "[2001:db8:3::7]"));
    CHECK(contains(bh, "[2001:db8:3::3]"));  // only the address VM's lease changes
    CHECK(contains(bh, "[2001:db8:3::1]"));
  }
  SECTION("dhcp-wrong-dns replaces the servers") {
    auto broken = m;
    apply_faults(broken, {"dhcp-wrong-dns"});
    const auto o = dnsmasq_opts(broken, network(broken, Mode::dhcpv6_stateless));
    CHECK_FALSE(contains(o, "2001:db8:ff::53"));
    CHECK(contains(o, "option6:dns-server,"));
  }
}

TEST_CASE("port security and security groups", "[lab-model]") {
  auto m = make_model("v6c-lt-", Flavour::radvd, {Mode::slaac});
  const auto& a = m.networks[0].vms[0];
  const auto nft = port_security_nft(m);
  SECTION("every VM port is filtered; infrastructure ports are not") {
    for (const auto& vm : m.networks[0].vms) CHECK(contains(nft, "iifname \"" + vm.bridge_port + "\" jump from_" + vm.name));
    CHECK_FALSE(contains(nft, "iifname \"" + m.networks[0].router.bridge_port + "\" jump"));
  }
  SECTION("anti-spoofing, RA guard, DHCPv6 shield, NA filter") {
    CHECK(contains(nft, "ether saddr != " + a.mac.str() + " drop"));
    CHECK(contains(nft, "ip6 saddr != { " + v6c::wire::link_local_of(a.mac).str() + ", " + a.fixed_ips[0].str() + " } drop"));
    CHECK(contains(nft, "ip6 saddr :: ip6 daddr ff02::/16 icmpv6 type { nd-neighbor-solicit"));
    CHECK(contains(nft, "icmpv6 type nd-router-advert drop"));
    CHECK(contains(nft, "udp sport 547 udp dport 546 drop"));
    CHECK(contains(nft, "@th,64,128 != { 0xfe80000000000000f8163efffe010010, 0x20010db800010000f8163efffe010010 } drop"));
  }
  SECTION("each filter fault removes its rule and only it") {
    struct Case {
      const char* fault;
      std::string gone;
    };
    for (const auto& c : {Case{"no-ra-guard", "nd-router-advert drop"}, Case{"no-dhcp-shield", "udp dport 546 drop"},
                          Case{"no-source-mac-filter", "ether saddr != "}, Case{"no-source-ip-filter", "ip6 saddr != {"},
                          Case{"no-na-filter", "@th,64,128"}}) {
      CAPTURE(c.fault);
      auto f = m;
      apply_faults(f, {c.fault});
      const auto fn = port_security_nft(f);
      CHECK_FALSE(contains(fn, c.gone));
      // Every other rule is still there: the ruleset lost exactly the rule's lines (one per VM).
      auto lines = [](const std::string& s) { return std::count(s.begin(), s.end(), '\n'); };
      CHECK(lines(nft) - lines(fn) == static_cast<long>(m.networks[0].vms.size()));
    }
  }
  SECTION("default group admits its members; the attacker's group does not") {
    const auto sg = security_group_rules(m);
    const auto& x = m.networks[0].vms[2];
    CHECK(contains(sg, "-A FORWARD -m physdev --physdev-out " + a.bridge_port + " --physdev-is-bridged -j in-" + a.name));
    CHECK(contains(sg, "-A in-" + a.name + " -s " + a.fixed_ips[0].str() + "/128 -j ACCEPT"));
    CHECK_FALSE(contains(sg, "-s " + x.fixed_ips[0].str() + "/128"));
    CHECK(contains(sg, "-A in-" + a.name + " -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"));
    CHECK(contains(sg, "-A in-" + a.name + " -p ipv6-icmp -m icmp6 --icmpv6-type 134 -j ACCEPT"));
    CHECK(contains(sg, "-A in-" + x.name + " -j DROP"));
  }
  SECTION("router rules only for router faults") {
    CHECK_FALSE(contains(router_rules(m), "-A "));
    auto f = m;
    apply_faults(f, {"nat66"});
    CHECK(contains(router_rules(f), "-A POSTROUTING -o qg -j MASQUERADE"));
  }
}

TEST_CASE("fault profiles", "[lab-model]") {
  SECTION("names are unique and each names one requirement") {
    std::set<std::string> names;
    for (const auto& f : faults()) {
      CAPTURE(f.name);
      CHECK(names.insert(f.name).second);
      CHECK_FALSE(f.requirement.empty());
      CHECK_FALSE(f.description.empty());
    }
  }
  SECTION("each fault changes the model") {
    auto fixed_ips = [](const LabModel& m) {
      std::vector<Ip6> all;
      for (const auto& n : to_facts(m).networks)
        for (const auto& p : n.ports) all.insert(all.end(), p.fixed_ips.begin(), p.fixed_ips.end());
      return all;
    };
    for (const auto& f : faults()) {
      CAPTURE(f.name);
      auto m = make_model("v6c-lt-", Flavour::radvd, kAllModes);
      const auto before = radvd_conf(m) + port_security_nft(m) + security_group_rules(m) + router_rules(m) +
                          dnsmasq_hosts(m, m.networks[2]) + dnsmasq_opts(m, m.networks[1]);
      const auto facts_before = fixed_ips(m);
      auto all_ns = m.all_netns();
      f.apply(m.behaviour);
      const auto after = radvd_conf(m) + port_security_nft(m) + security_group_rules(m) + router_rules(m) +
                         dnsmasq_hosts(m, m.networks[2]) + dnsmasq_opts(m, m.networks[1]);
      const bool changed_config = before != after;
      const bool changed_facts = facts_before != fixed_ips(m);
      const bool changed_topology = all_ns != m.all_netns();
      // Faults acting on the live network rather than on config text (sysctls, daemons, MTUs).
      const auto& b = m.behaviour;
      const bool changed_runtime =
          b.gw_not_router || b.dns_down || b.metadata_absent || uses_advertiser(m);
      CHECK((changed_config || changed_facts || changed_topology || changed_runtime));
    }
  }
  SECTION("unknown names are reported") {
    auto m = make_model("v6c-lt-", Flavour::radvd, kAllModes);
    CHECK(apply_faults(m, {"no-ra-guard", "no-such-fault"}) == std::optional<std::string>("no-such-fault"));
  }
  SECTION("a fault the flavour does not build is reported") {
    auto m = make_model("v6c-lt-", Flavour::radvd, kAllModes);
    CHECK(apply_faults(m, {"no-metadata"}) == std::optional<std::string>("no-metadata"));
    auto o = make_model("v6c-lt-", Flavour::ovn, kAllModes);
    CHECK_FALSE(apply_faults(o, {"no-metadata"}));
  }
  SECTION("a requirement listed as unexercised has no fault, unless only the slow section reaches it") {
    for (const auto& u : unexercised_requirements())
      for (const auto& f : faults())
        if (u.requirement != "ra-periodic") CHECK(f.requirement != u.requirement);
  }
}

namespace {
// The arguments of one ovn-nbctl/ovs-vsctl run, split at "--" into its commands.
std::vector<std::vector<std::string>> commands_of(const std::vector<std::string>& args) {
  std::vector<std::vector<std::string>> out(1);
  for (const auto& a : args) {
    if (a == "--") out.emplace_back();
    else out.back().push_back(a);
  }
  return out;
}
// The command whose first words are these, or an empty one.
std::vector<std::string> find_command(const std::vector<std::vector<std::string>>& cmds,
                                      const std::vector<std::string>& head) {
  for (const auto& c : cmds)
    if (c.size() >= head.size() && std::equal(head.begin(), head.end(), c.begin())) return c;
  return {};
}
bool has(const std::vector<std::string>& cmd, const std::string& word) {
  return std::find(cmd.begin(), cmd.end(), word) != cmd.end();
}
}  // namespace

TEST_CASE("The ovn flavour's northbound database as Neutron's ML2/OVN driver writes it", "[lab-model]") {
  auto m = make_model("v6c-lt-", Flavour::ovn, kAllModes);
  const auto nb = commands_of(northbound_commands(m));
  SECTION("a logical switch per network with neutron:mtu, a port per VM with addresses and port security") {
    const auto ls = find_command(nb, {"set", "Logical_Switch", "neutron-slaac"});
    CHECK(has(ls, "external_ids:\"neutron:mtu\"=\"1450\""));
    const auto& a1 = network(m, Mode::slaac).vms[0];
    const std::string addresses = a1.mac.str() + " " + port_address(a1).str();
    CHECK(find_command(nb, {"lsp-set-addresses", "a1"}) == std::vector<std::string>{"lsp-set-addresses", "a1", addresses});
    CHECK(find_command(nb, {"lsp-set-port-security", "a1"}) ==
          std::vector<std::string>{"lsp-set-port-security", "a1", addresses});
    CHECK(find_command(nb, {"lsp-set-type", "meta-slaac"}) == std::vector<std::string>{"lsp-set-type", "meta-slaac", "localport"});
  }
  SECTION("router ports: address_mode, send_periodic and mtu only, OVN's default intervals") {
    const auto slaac = find_command(nb, {"set", "Logical_Router_Port", "lrp-slaac"});
    CHECK(slaac == std::vector<std::string>{"set", "Logical_Router_Port", "lrp-slaac",
                                            "ipv6_ra_configs:address_mode=\"slaac\"",
                                            "ipv6_ra_configs:send_periodic=\"true\"", "ipv6_ra_configs:mtu=\"1450\""});
    CHECK(has(find_command(nb, {"set", "Logical_Router_Port", "lrp-stless"}), "ipv6_ra_configs:address_mode=\"dhcpv6_stateless\""));
    CHECK(has(find_command(nb, {"set", "Logical_Router_Port", "lrp-stful"}), "ipv6_ra_configs:address_mode=\"dhcpv6_stateful\""));
    auto slow = make_model("v6c-lt-", Flavour::ovn, {Mode::slaac}, true);
    const auto s = find_command(commands_of(northbound_commands(slow)), {"set", "Logical_Router_Port", "lrp-slaac"});
    CHECK(has(s, "ipv6_ra_configs:max_interval=\"4\""));
    CHECK(has(s, "ipv6_ra_configs:min_interval=\"3\""));
  }
  SECTION("DHCP_Options for the DHCPv6 subnets only, with Neutron's options") {
    int rows = 0;
    for (const auto& c : nb)
      if (has(c, "DHCP_Options")) {
        ++rows;
        CHECK(has(c, "options:dns_server=\"{2001:db8:ff::53}\""));
        CHECK(has(c, "options:domain_search=\"\\\"lab.v6c.example\\\"\""));
        CHECK(has(c, "options:dhcpv6_stateless=\"true\"") == has(c, "cidr=\"2001:db8:2::/64\""));
        CHECK_FALSE(has(c, "cidr=\"2001:db8:1::/64\""));  // slaac
      }
    CHECK(rows == 2);
    CHECK(find_command(nb, {"set", "Logical_Switch_Port", "a1", "dhcpv6_options=@dhcp1"}).empty());
    CHECK_FALSE(find_command(nb, {"set", "Logical_Switch_Port", "a3", "dhcpv6_options=@dhcp3"}).empty());
  }
  SECTION("security groups: the drop group at 1000, the default group's allow-related rules at 1002") {
    CHECK_FALSE(find_command(nb, {"acl-add", "neutron_pg_drop", "from-lport", "1000", "inport == @neutron_pg_drop && ip", "drop"}).empty());
    CHECK_FALSE(find_command(nb, {"acl-add", "neutron_pg_drop", "to-lport", "1000", "outport == @neutron_pg_drop && ip", "drop"}).empty());
    CHECK_FALSE(find_command(nb, {"acl-add", "pg_default", "to-lport", "1002",
                                  "outport == @pg_default && ip6 && ip6.src == $pg_default_ip6", "allow-related"}).empty());
    const auto drop = find_command(nb, {"pg-add", "neutron_pg_drop"});
    CHECK(drop.size() == 2 + m.vm_ports().size());
    CHECK_FALSE(has(find_command(nb, {"pg-add", "pg_default"}), "x1"));  // the attacker's group is its own
    CHECK(has(find_command(nb, {"pg-add", "pg_attacker"}), "x1"));
  }
  SECTION("the gateway port on the external network, bridged to upstream through the localnet port") {
    CHECK(find_command(nb, {"lsp-set-options", "provnet-ext"}) ==
          std::vector<std::string>{"lsp-set-options", "provnet-ext", "network_name=" + kOvnPhysnet});
    CHECK_FALSE(find_command(nb, {"lrp-set-gateway-chassis", "lrp-gw", ovn_chassis(m)}).empty());
    CHECK_FALSE(find_command(nb, {"lr-route-add", "neutron-router", "::/0", m.upstream.gateway.str()}).empty());
    const auto vs = commands_of(vswitch_commands(m, OvnDirs("/tmp/v6c-lt-x")));
    CHECK(has(find_command(vs, {"set", "Open_vSwitch"}), "external_ids:ovn-bridge-mappings=\"physnet1:br-ex\""));
    CHECK(has(find_command(vs, {"set", "Open_vSwitch"}), "external_ids:ovn-remote=\"unix:/tmp/v6c-lt-x/ovn/ovnsb_db.sock\""));
    CHECK_FALSE(find_command(vs, {"add-port", "br-ex", kRouterGatewayIfname}).empty());
    CHECK(has(find_command(vs, {"set", "Interface", "tapa1"}), "external_ids:iface-id=\"a1\""));
  }
  SECTION("every daemon and tool finds its peers under the lab's directory, not the system's") {
    const auto env = OvnDirs("/tmp/v6c-lt-x").env();
    for (const char* var : {"OVS_RUNDIR", "OVS_DBDIR", "OVS_LOGDIR", "OVN_RUNDIR", "OVN_DBDIR", "OVN_LOGDIR"}) {
      CAPTURE(var);
      CHECK(std::any_of(env.begin(), env.end(), [&](const std::string& e) {
        return e.rfind(std::string(var) + "=/tmp/v6c-lt-x/", 0) == 0;
      }));
    }
  }
  SECTION("the ovn flavour has no router namespace and takes only the faults it can build") {
    const auto namespaces = m.all_netns();
    CHECK(std::find(namespaces.begin(), namespaces.end(), m.router_ns()) == namespaces.end());
    auto f = m;
    CHECK(apply_faults(f, {"rogue-router"}) == std::optional<std::string>("rogue-router"));
  }
}
