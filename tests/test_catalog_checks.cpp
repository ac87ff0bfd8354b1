// Every check seen passing, failing and erroring: a healthy slaac network where every check
// passes, then one change per case that must turn its verdict to FAIL, and one missing
// observation that must turn it to ERROR (never PASS).
#include <catch2/catch.hpp>

#include <functional>
#include <set>

#include "v6c/catalog/checks.hpp"
#include "v6c/catalog/plan.hpp"
#include "v6c/wire/addr.hpp"

using namespace v6c;
using namespace v6c::catalog;
using nlohmann::json;
using wire::Ip6;
using wire::Mac;
using wire::Packet;

namespace {

Ip6 ip(const char* s) { return *Ip6::parse(s); }
Mac mac(const char* s) { return *Mac::parse(s); }

constexpr std::int64_t kT0 = 1'700'000'000'000'000;  // a fixed capture time
const Mac kRouterMac = mac("fa:16:3e:00:00:01");
const Ip6 kRouterLl = wire::link_local_of(kRouterMac);
const Ip6 kPrefix = ip("2001:db8:1::");
const Ip6 kGateway = ip("2001:db8:1::1");
const Ip6 kDns = ip("2001:db8:53::53");
const Ip6 kExternal = ip("2001:db8:ff::1");
const Ip6 kFar = ip("2001:db8:2::100");
const Ip6 kDnsAnswer = ip("2001:db8:ff::80");
const Ip6 kStatefulAddr = ip("2001:db8:1::11");
constexpr std::uint32_t kNetMtu = 1450;
constexpr std::uint32_t kFarMtu = 1280;

Packet packet(wire::Message msg, Ip6 src, Mac src_mac, Ip6 dst, std::uint32_t index, std::uint8_t hop = 255) {
  Packet p;
  p.msg = std::move(msg);
  p.ctx.src_ip = src;
  p.ctx.src_mac = src_mac;
  p.ctx.dst_ip = dst;
  p.ctx.hop_limit = hop;
  p.ctx.index = index;
  p.ctx.time_us = kT0 + index * 1000;
  return p;
}

wire::RouterAdvert healthy_ra() {
  wire::RouterAdvert ra;
  ra.cur_hop_limit = 64;
  ra.router_lifetime_s = 300;
  ra.source_lla = kRouterMac;
  ra.mtu = kNetMtu;
  ra.prefixes.push_back({kPrefix, 64, true, true, 86400, 14400});
  ra.routes.push_back({kMetadataAddress, 128, 0, 300});
  ra.rdnss.push_back({300, {kDns}});
  return ra;
}

wire::ProcedureRecord record(std::string id, std::string kind, wire::ProcedureResult r) {
  wire::ProcedureRecord rec;
  rec.id = std::move(id);
  rec.kind = std::move(kind);
  rec.status = "ok";
  rec.started_us = kT0;
  rec.result = std::move(r);
  return rec;
}

wire::EchoResult echo_ok(Ip6 target, Ip6 source, std::uint32_t size = 104) {
  wire::EchoResult e;
  e.target = target;
  e.source = source;
  e.size = size;
  e.sent = 3;
  for (std::uint16_t i = 1; i <= 3; ++i)
    e.replies.push_back(packet(wire::Echo{true, 7, i, 56}, target, kRouterMac, source, 20 + i, 64));
  return e;
}

wire::Duid duid(std::uint8_t last) {
  wire::Duid d;
  d.type = 3;
  d.hw_type = 1;
  d.identifier = {0xfa, 0x16, 0x3e, 0, 0, last};
  d.raw = d.identifier;
  return d;
}

struct World {
  model::Facts facts;
  std::map<std::string, wire::AgentReport> reports;
  wire::AgentReport external;
  bool has_external = true;
  SecurityObservations security;
  bool has_security = true;

  World() {
    facts.source = "test";
    facts.backend = "radvd";
    model::Network net;
    net.name = "net1";
    net.mtu = kNetMtu;
    net.subnet = {"sub1", "slaac", kPrefix, 64, kGateway, {kDns}, ""};
    net.router_port = model::Port{"router", kRouterMac, {kGateway}, "router"};
    for (auto [name, m] : {std::pair{"vm1", "fa:16:3e:00:00:11"}, std::pair{"vm2", "fa:16:3e:00:00:12"}}) {
      Mac vm_mac = mac(m);
      net.ports.push_back({name, vm_mac, {wire::eui64_address(kPrefix, vm_mac)}, "probe"});
    }
    facts.networks.push_back(net);
    facts.external_target = kExternal;
    facts.far_target = kFar;
    facts.far_mtu = kFarMtu;
    facts.dns_test_name = "www.example.test";
    facts.dns_test_answer = {kDnsAnswer};
    facts.max_rtr_adv_interval_s = 100;
    facts.api = healthy_api();
    for (const auto& port : facts.networks[0].ports) reports[port.name] = healthy_report(port);
    external.host = "external";
    for (const auto& port : facts.networks[0].ports)
      external.procedures.push_back(
          record("echo-in-" + port.name, "echo", echo_ok(port.fixed_ips[0], kExternal)));
    security = healthy_security();
  }

  static json healthy_api() {
    return json{
        {"subnetpools", json::array({{{"name", "default-v6"}, {"ip_version", 6}, {"is_default", true}, {"shared", true}},
                                     {{"name", "v4"}, {"ip_version", 4}, {"is_default", true}, {"shared", true}}})},
        {"subnetpool_allocation", {{"ok", true}, {"prefix", "2001:db8:100::/64"}}},
        {"external_networks", json::array({{{"name", "public"}, {"is_default", true}, {"shared", true},
                                            {"port_security_enabled", true}}})},
        {"router_gateway", {{"external_fixed_ips", {"203.0.113.5", "2001:db8:ff::5"}}}},
        {"address_modes", {{"slaac", {{"ok", true}}}, {"dhcpv6-stateless", {{"ok", true}}}, {"dhcpv6-stateful", {{"ok", true}}}}},
        {"invalid_modes", json::array({{{"ra_mode", "slaac"}, {"address_mode", "dhcpv6-stateful"}, {"status", 400}}})},
        {"rbac_create", {{"status", 403}}}};
  }

  static SecurityObservations healthy_security() {
    SecurityObservations s;
    s.network = "net1";
    s.attacker = "vm1";
    s.victim = "vm2";
    s.victim_pcap = "vm2-victim.pcap";
    s.control_received = 3;
    s.victim_ras = 2;
    s.victim_nas = 1;
    for (const char* id : {"rogue-ra", "rogue-ra-hbh", "rogue-ra-frag", "rogue-dhcp6-advertise", "rogue-dhcp6-reply",
                           "spoof-source-ip", "spoof-source-mac", "na-spoof-gateway", "na-spoof-peer", "redirect",
                           "unsolicited-echo", "unsolicited-tcp", "unsolicited-udp"})
      s.attacks.push_back({id, 3, "ok", "", {}});
    return s;
  }

  wire::AgentReport healthy_report(const model::Port& port) const {
    const Ip6 self = port.fixed_ips[0];
    wire::AgentReport r;
    r.host = port.name;
    r.interface = "eth0";
    r.mac = port.mac;
    r.mtu = kNetMtu;
    r.link_local = wire::link_local_of(port.mac);
    r.started_us = kT0;
    const Ip6 ll = *r.link_local;

    wire::DiscoverResult d;
    d.window_ms = 3000;
    d.sent.push_back(packet(wire::RouterSolicit{port.mac, {}}, ll, port.mac, wire::kAllRouters, 1));
    d.ras.push_back(packet(healthy_ra(), kRouterLl, kRouterMac, ll, 2));
    d.first_ra_ms = 12.5;
    r.procedures.push_back(record("discover", "discover", d));

    wire::DiscoverResult passive;
    passive.passive = true;
    passive.window_ms = 101'000;
    Packet unsolicited = packet(healthy_ra(), kRouterLl, kRouterMac, wire::kAllNodes, 40);
    unsolicited.ctx.time_us = kT0 + 30'000'000;
    passive.ras.push_back(unsolicited);
    r.procedures.push_back(record("discover-passive", "discover", passive));

    wire::DadResult dad;
    dad.prefix = kPrefix;
    dad.address = wire::eui64_address(kPrefix, port.mac);
    dad.ns_sent = 1;
    r.procedures.push_back(record("dad", "dad", dad));

    r.procedures.push_back(record("dhcp6", "dhcp6", stateful_dhcp6(port)));

    auto nd = [&](const char* id, Ip6 target, Mac from, bool router) {
      wire::NeighborResult n;
      n.target = target;
      n.ns_sent = 1;
      n.na = packet(wire::NeighborAdvert{router, true, true, target, from, {}}, target, from, ll, 5);
      r.procedures.push_back(record(id, "neighbor", n));
    };
    nd("nd-gw-ll", kRouterLl, kRouterMac, true);
    nd("nd-gw-global", kGateway, kRouterMac, true);
    nd("nd-metadata", kMetadataAddress, mac("fa:16:3e:00:00:02"), false);

    r.procedures.push_back(record("echo-gw-ll", "echo", echo_ok(kRouterLl, ll)));
    r.procedures.push_back(record("echo-gw-global", "echo", echo_ok(kGateway, self)));
    r.procedures.push_back(record("echo-mtu-link", "echo", echo_ok(kGateway, self, kNetMtu)));
    r.procedures.push_back(record("echo-1280", "echo", echo_ok(kExternal, self, 1280)));
    r.procedures.push_back(record("echo-far", "echo", echo_ok(kExternal, self)));

    wire::EchoResult hop;
    hop.target = kExternal;
    hop.source = self;
    hop.hop_limit = 1;
    hop.sent = 3;
    hop.errors.push_back(packet(wire::IcmpError{wire::IcmpErrorKind::time_exceeded, 0, 0, self, kExternal, 58, {}, 48},
                                kGateway, kRouterMac, self, 30, 64));
    r.procedures.push_back(record("hoplimit-far", "echo", hop));

    wire::PmtuResult pmtu;
    pmtu.target = kFar;
    pmtu.source = self;
    pmtu.steps.push_back({1280, true, std::nullopt});
    pmtu.steps.push_back({kNetMtu, false,
                          packet(wire::IcmpError{wire::IcmpErrorKind::packet_too_big, 0, kFarMtu, self, kFar, 58, {}, 1232},
                                 kGateway, kRouterMac, self, 33, 64)});
    r.procedures.push_back(record("pmtu-far", "pmtu", pmtu));

    wire::DnsResult dns;
    dns.server = kDns;
    dns.name = facts.dns_test_name;
    dns.rcode = 0;
    dns.aaaa = {kDnsAnswer};
    r.procedures.push_back(record("dns", "dns", dns));

    for (const auto& other : facts.networks[0].ports)
      if (other.name != port.name)
        r.procedures.push_back(record("echo-peer-" + other.name, "echo", echo_ok(other.fixed_ips[0], self)));
    return r;
  }

  wire::Dhcp6Result stateful_dhcp6(const model::Port& port) const {
    const Ip6 ll = wire::link_local_of(port.mac);
    wire::Dhcp6Result r;
    r.mode = "stateful";
    r.outcome = "ok";
    r.address = kStatefulAddr;
    r.dns_servers = {kDns};
    r.domains = {"example.test."};
    auto msg = [&](wire::Dhcp6Type type, bool from_server, std::uint32_t index) {
      wire::Dhcp6Message m;
      m.type = type;
      m.transaction_id = 0x1234;
      m.src_port = from_server ? 547 : 546;
      m.dst_port = from_server ? 546 : 547;
      m.client_id = duid(port.mac.bytes[5]);
      if (from_server) m.server_id = duid(1);
      if (type == wire::Dhcp6Type::reply || type == wire::Dhcp6Type::advertise) {
        m.ia_na.push_back({1, 0, 0, {{kStatefulAddr, 3600, 7200, std::nullopt}}, std::nullopt});
        m.dns_servers = {kDns};
        m.domain_list = {"example.test."};
      }
      return from_server ? packet(m, kRouterLl, kRouterMac, ll, index, 255)
                         : packet(m, ll, port.mac, wire::kAllDhcpAgents, index, 1);
    };
    r.exchange = {msg(wire::Dhcp6Type::solicit, false, 10), msg(wire::Dhcp6Type::advertise, true, 11),
                  msg(wire::Dhcp6Type::request, false, 12), msg(wire::Dhcp6Type::reply, true, 13)};
    return r;
  }

  model::Network& net() { return facts.networks[0]; }
  wire::AgentReport& vm1() { return reports.at("vm1"); }

  template <class R>
  R& result(const std::string& id, const std::string& host = "vm1") {
    for (auto& rec : reports.at(host).procedures)
      if (rec.id == id) return std::get<R>(rec.result);
    throw std::runtime_error("no procedure " + id);
  }
  wire::RouterAdvert& ra(const std::string& host = "vm1") {
    auto& p = result<wire::DiscoverResult>("discover", host).ras.front();
    return std::get<wire::RouterAdvert>(p.msg);
  }
  void drop(const std::string& id, const std::string& host = "vm1") {
    auto& procs = reports.at(host).procedures;
    std::erase_if(procs, [&](const wire::ProcedureRecord& r) { return r.id == id; });
  }
  void make_stateful() {
    net().subnet.mode = "dhcpv6-stateful";
    for (auto& p : net().ports) p.fixed_ips = {kStatefulAddr};
  }
  void make_stateless() {
    net().subnet.mode = "dhcpv6-stateless";
    net().subnet.dns_domain = "example.test";
    for (auto& [host, r] : reports) {
      auto& d = result<wire::Dhcp6Result>("dhcp6", host);
      d.mode = "stateless";
      d.address.reset();
      std::erase_if(d.exchange, [](const Packet& p) {
        return std::get<wire::Dhcp6Message>(p.msg).type != wire::Dhcp6Type::reply;
      });
    }
  }

  Outcome run(const std::string& check, json overrides = json::object()) const {
    const CheckSpec* spec = find_check(check);
    REQUIRE(spec != nullptr);
    json params = json::object();
    for (const auto& p : spec->params) params[p.name] = p.default_value;
    params.update(overrides);
    CheckInput in{facts, spec->global ? nullptr : &facts.networks[0], {},
                  has_security ? &security : nullptr, has_external ? &external : nullptr, params};
    if (!spec->global)
      for (const auto& port : facts.networks[0].ports) {
        auto it = reports.find(port.name);
        in.hosts.push_back({&port, it == reports.end() ? nullptr : &it->second, port.name + ".pcap"});
      }
    return spec->fn(in);
  }
};

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
       [](World& w) { w.vm1().procedures.front().status = "error"; }},
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
       [](World& w) { w.has_security = false; }},
      {"api_default_subnetpool", none, kNothing, [](World& w) { w.facts.api["subnetpools"][0]["shared"] = false; },
       [](World& w) { w.facts.api.erase("subnetpools"); }},
      {"api_subnetpool_allocation", none, kNothing,
       [](World& w) { w.facts.api["subnetpool_allocation"] = {{"ok", false}, {"error", "quota"}}; },
       [](World& w) { w.facts.api.erase("subnetpool_allocation"); }},
      {"api_default_provider_net", none, kNothing,
       [](World& w) { w.facts.api["external_networks"][0]["port_security_enabled"] = false; },
       [](World& w) { w.facts.api.erase("external_networks"); }},
      {"api_external_ipv6", none, kNothing,
       [](World& w) { w.facts.api["router_gateway"]["external_fixed_ips"] = {"203.0.113.5"}; },
       [](World& w) { w.facts.api.erase("router_gateway"); }},
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
