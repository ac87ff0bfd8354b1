// `v6conform run`'s provisioning on a small in-memory Neutron: the api section's facts come
// from what the cloud answered (a cloud that gets something wrong gives FAIL), the facts and
// plans from the ports it assigned, and everything created is on the cleanup stack.
#include <catch2/catch.hpp>

#include <fstream>
#include <mutex>
#include <set>

#include "netlab.hpp"
#include "v6c/catalog/evaluator.hpp"
#include "v6c/cloud/errors.hpp"
#include "v6c/cloud/fake_transport.hpp"
#include "v6c/host/host.hpp"
#include "v6c/run/run.hpp"
#include "v6c/wire/frames.hpp"
#include "v6c/wire/json.hpp"
#include "canned_cloud.hpp"

using namespace v6c;
using cloud::Method;
using nlohmann::json;
using test::cloud_fixture;

namespace {

std::string last_segment(const std::string& url, int from_end = 0) {
  auto path = url.substr(0, url.find('?'));
  for (int i = 0; i < from_end; ++i) path = path.substr(0, path.rfind('/'));
  return path.substr(path.rfind('/') + 1);
}

// Just enough Neutron for provision(): ids, pool allocation, ports with addresses.
struct FakeNeutron {
  std::recursive_mutex mutex;             // provision() calls from several threads
  bool has_default_pool = true;
  bool accepts_mismatched_modes = false;  // a broken cloud
  bool allows_rbac = false;               // a permissive policy
  bool refuses_mtu = false;               // no net-mtu-writable: a member may not set a network's MTU
  int next = 0, next_prefix = 0;
  std::map<std::string, json> subnets;    // id → subnet, also once deleted
  std::set<std::string> networks_with_vms;
  std::vector<std::string> deleted;

  std::string id(const std::string& kind) { return kind + "-" + std::to_string(++next); }

  // Names of subnets containing `tag` that were made on a network holding a VM's port.
  std::vector<std::string> on_vm_networks(const std::string& tag) {
    std::vector<std::string> names;
    for (const auto& [id, subnet] : subnets) {
      const auto name = subnet["name"].get<std::string>();
      if (name.find(tag) != std::string::npos && networks_with_vms.contains(subnet["network_id"].get<std::string>()))
        names.push_back(name);
    }
    return names;
  }

  json port_on(const std::string& network_id, const std::string& name, bool router) {
    const int n = ++next;
    char mac[18];
    std::snprintf(mac, sizeof mac, "fa:16:3e:00:00:%02x", n);
    json ips = json::array();
    for (const auto& [sid, s] : subnets) {
      if (s["network_id"] != network_id) continue;
      auto prefix = *wire::Ip6::parse(s["cidr"].get<std::string>().substr(0, s["cidr"].get<std::string>().find('/')));
      auto addr = router ? *wire::Ip6::parse(s["gateway_ip"].get<std::string>())
                         : s["ipv6_address_mode"] == "dhcpv6-stateful"
                               ? [&] { auto a = prefix; a.bytes[15] = static_cast<std::uint8_t>(n); return a; }()
                               : wire::eui64_address(prefix, *wire::Mac::parse(mac));
      ips.push_back({{"subnet_id", sid}, {"ip_address", addr.str()}});
    }
    return {{"id", id("port")}, {"name", name}, {"network_id", network_id}, {"mac_address", mac}, {"fixed_ips", ips}};
  }

  void install(cloud::FakeTransport& raw) {
    // Every handler runs under the lock.
    struct Locked {
      cloud::FakeTransport& f;
      std::recursive_mutex& m;
      void on(Method method, std::string url_end, cloud::FakeTransport::Handler h) {
        f.on(method, std::move(url_end), [h = std::move(h), &m = m](const cloud::Request& r) {
          std::lock_guard lock(m);
          return h(r);
        });
      }
      void on(Method method, std::string url_end, int status, json body) { f.on(method, std::move(url_end), status, body); }
    } f{raw, mutex};
    f.on(Method::get, "/v2.0/subnetpools", [this](const cloud::Request&) {
      json pools = json::array();
      if (has_default_pool)
        pools.push_back({{"id", "pool-1"}, {"name", "default-v6"}, {"ip_version", 6}, {"is_default", true}, {"shared", true}});
      return cloud::json_response(200, {{"subnetpools", pools}});
    });
    f.on(Method::get, "/v2.0/networks", 200,
         {{"networks", json::array({{{"id", "ext-1"}, {"name", "public"}, {"is_default", true}, {"shared", false},
                                     {"port_security_enabled", true}, {"router:external", true}}})}});
    f.on(Method::get, "/v2.0/security-groups", 200,
         {{"security_groups", json::array({{{"id", "sg-default"}, {"name", "default"}}})}});
    f.on(Method::post, "/v2.0/routers", [this](const cloud::Request& r) {
      auto body = json::parse(r.body)["router"];
      body["id"] = id("router");
      body["external_gateway_info"] = {{"network_id", "ext-1"},
                                       {"external_fixed_ips", json::array({{{"ip_address", "2001:db8:ff::10"}},
                                                                           {{"ip_address", "198.51.100.10"}}})}};
      return cloud::json_response(201, {{"router", body}});
    });
    for (const auto& [path, key] : std::vector<std::pair<std::string, std::string>>{
             {"/v2.0/networks", "network"}, {"/v2.0/security-groups", "security_group"},
             {"/v2.0/security-group-rules", "security_group_rule"}})
      f.on(Method::post, path, [this, key = key](const cloud::Request& r) {
        auto body = json::parse(r.body)[key];
        if (key == "network" && body.contains("mtu") && refuses_mtu)
          return cloud::json_response(400, {{"NeutronError", {{"message", "Unrecognized attribute(s) 'mtu'"}}}});
        body["id"] = id(key);
        if (key == "network") body["mtu"] = body.value("mtu", 1450);
        return cloud::json_response(201, {{key, body}});
      });
    f.on(Method::post, "/v2.0/subnets", [this](const cloud::Request& r) {
      auto s = json::parse(r.body)["subnet"];
      if (!accepts_mismatched_modes && s.value("ipv6_ra_mode", "") != s.value("ipv6_address_mode", ""))
        return cloud::json_response(400, {{"NeutronError", {{"message", "Invalid input: modes differ"}}}});
      s["id"] = id("subnet");
      char cidr[40];
      std::snprintf(cidr, sizeof cidr, "2001:db8:1000:%x::", ++next_prefix);
      s["cidr"] = s.contains("cidr") ? s["cidr"].get<std::string>() : std::string(cidr) + "/64";
      s["gateway_ip"] = s["cidr"].get<std::string>().substr(0, s["cidr"].get<std::string>().find('/')) + "1";
      s["dns_nameservers"] = json::array();
      subnets[s["id"]] = s;
      return cloud::json_response(201, {{"subnet", s}});
    });
    f.on(Method::put, "/add_router_interface", [this](const cloud::Request& r) {
      return cloud::json_response(200, {{"subnet_id", json::parse(r.body)["subnet_id"]}, {"port_id", id("port")}});
    });
    f.on(Method::get, "/v2.0/ports", [this](const cloud::Request& r) {
      const auto q = r.url.substr(r.url.find("network_id=") + 11);
      const auto network_id = q.substr(0, q.find('&'));
      return cloud::json_response(200, {{"ports", json::array({port_on(network_id, "", true)})}});
    });
    f.on(Method::post, "/v2.0/ports", [this](const cloud::Request& r) {
      auto b = json::parse(r.body)["port"];
      networks_with_vms.insert(b["network_id"].get<std::string>());
      return cloud::json_response(201, {{"port", port_on(b["network_id"], b["name"], false)}});
    });
    f.on(Method::post, "/v2.0/rbac-policies", [this](const cloud::Request&) {
      if (!allows_rbac)
        return cloud::json_response(403, {{"NeutronError", {{"message", "disallowed by policy"}}}});
      return cloud::json_response(201, {{"rbac_policy", {{"id", id("rbac")}}}});
    });
    f.on(Method::del, "", [this](const cloud::Request& r) {  // every DELETE: "<collection>/<id>"
      deleted.push_back(last_segment(r.url, 1) + "/" + last_segment(r.url));
      return cloud::json_response(204, nullptr);
    });
    f.on(Method::put, "/remove_router_interface", 200, json::object());
  }
};

struct Cloud {
  Cloud() {
    fake.serve_token(cloud_fixture("keystone/token.json"));
    neutron.install(fake);
    session.emplace(test::canned_member(), fake);
    session->sleep = [](std::chrono::milliseconds) {};
  }
  int posts() const {
    int n = 0;
    for (const auto& r : fake.requests) n += r.method == Method::post && r.url.find("/auth/") == std::string::npos;
    return n;
  }
  cloud::FakeTransport fake;
  FakeNeutron neutron;
  std::optional<cloud::Session> session;
  cloud::CleanupStack cleanup{[](auto) {}};
};

run::Options options() {
  run::Options o;
  o.run_id = "t1";
  return o;
}

catalog::Catalog shipped() { return catalog::load_catalog(std::string(V6C_SOURCE_DIR) + "/data/catalog.yaml"); }

std::map<std::string, std::string> api_verdicts(const catalog::Catalog& c, const model::Facts& f) {
  std::map<std::string, std::string> out;
  for (const auto& v : catalog::evaluate(c, f, {}).verdicts)
    if (v.id.starts_with("api-")) out[v.id] = std::string(catalog::to_string(v.status));
  return out;
}

// provision(), and the API tries it leaves running, joined as run_cloud joins them after the boot.
run::Topology provisioned(cloud::Session& s, cloud::CleanupStack& cleanup, const catalog::Catalog& c,
                          const run::Options& o) {
  auto t = run::provision(s, cleanup, c, o);
  run::finish_api_tries(t);
  return t;
}

}  // namespace

TEST_CASE("provision: a network per mode behind one router, facts from Neutron's answers", "[run]") {
  Cloud cloud;
  const auto c = shipped();
  auto t = provisioned(*cloud.session, cloud.cleanup, c, options());

  REQUIRE(t.facts.networks.size() == 3);
  for (const auto& n : t.facts.networks) {
    CAPTURE(n.name);
    CHECK(n.name.starts_with("_scs-v6c-t1-"));
    CHECK(n.mtu == 1450u);
    REQUIRE(n.router_port);
    CHECK(n.router_port->fixed_ips == std::vector{n.subnet.gateway_ip});
    // One probe VM each; the first network also holds icmp6-errors' control VM.
    REQUIRE(n.ports.size() == (&n == &t.facts.networks[0] ? 2u : 1u));
    CHECK(n.ports[0].role == model::Role::probe);
    CHECK(n.ports.back().role == (n.ports.size() == 2 ? model::Role::control : model::Role::probe));
    for (const auto& port : n.ports) {
      REQUIRE(port.fixed_ips.size() == 1);
      if (n.subnet.mode != model::Mode::dhcpv6_stateful)
        CHECK(port.fixed_ips[0] == wire::eui64_address(n.subnet.prefix, port.mac));
    }
  }
  REQUIRE(t.vms.size() == 4);
  for (const auto& vm : t.vms) {
    CAPTURE(vm.name);
    CHECK(vm.plan["run"] == vm.name);
    CHECK(vm.plan["answer_echo"] == true);
    CHECK(vm.plan["serve_ms"].get<int>() > 0);
    int peers = 0;
    std::vector<std::string> ids;
    for (const auto& p : vm.plan["procedures"]) {
      ids.push_back(p["id"]);
      if (ids.back().starts_with("echo-peer-")) {
        ++peers;
        CHECK(p["patience_ms"].get<int>() > 0);
      }
    }
    if (vm.name.ends_with("-control")) CHECK(ids.back() == "unreach-far");  // its address, then the errors alone
    else CHECK(peers == 2);  // east-west: the two other networks, through the router
  }

  // The probe VMs' ports are in the project's default group and the agents'; the agents' group
  // admits echo requests and nothing else of ICMPv6 (errors come through as related traffic).
  // The control VM's is not in the default group, and its other group admits all ICMPv6.
  int ports = 0, icmp_rules = 0, all_icmp_rules = 0;
  for (const auto& r : cloud.fake.requests) {
    if (r.method != Method::post) continue;
    if (r.url.ends_with("/v2.0/ports")) {
      const auto port = json::parse(r.body)["port"];
      const auto groups = port["security_groups"];
      CHECK(groups.size() == 2);
      const bool control = port["name"].get<std::string>().ends_with("-control");
      CHECK(std::count(groups.begin(), groups.end(), "sg-default") == (control ? 0 : 1));
      ++ports;
    }
    if (r.url.ends_with("/v2.0/security-group-rules")) {
      const auto rule = json::parse(r.body)["security_group_rule"];
      if (rule.value("protocol", "") != "ipv6-icmp") continue;
      if (rule.contains("port_range_min")) {
        CHECK(rule.value("port_range_min", 0) == 128);
        ++icmp_rules;
      } else {
        CHECK(rule["direction"] == "ingress");
        ++all_icmp_rules;
      }
    }
  }
  CHECK(ports == 4);
  CHECK(icmp_rules == 1);
  CHECK(all_icmp_rules == 1);

  // The api section passes on a conforming cloud ...
  for (const auto& [id, status] : api_verdicts(c, t.facts)) {
    CAPTURE(id);
    CHECK(status == "PASS");
  }
  // The modes are built concurrently: the pool's first /64 may have gone to any of them.
  CHECK(t.facts.api["subnetpool_allocation"]["prefix"] == t.facts.networks[0].subnet.prefix.str() + "/64");
  CHECK(t.facts.api["router_gateway"]["external_fixed_ips"][0] == "2001:db8:ff::10");

  // ... and everything created is deleted, the VMs' ports before the networks.
  const auto outcome = cloud.cleanup.run();
  CHECK(outcome.ok());
  CHECK(outcome.deleted.size() >= 3 /*net*/ + 3 /*subnet*/ + 4 /*port*/ + 1 /*router*/ + 2 /*sg*/);
  const auto& d = cloud.neutron.deleted;
  auto first = [&](const std::string& kind) {
    return std::find_if(d.begin(), d.end(), [&](const auto& s) { return s.starts_with(kind + "/"); }) - d.begin();
  };
  CHECK(first("ports") < first("networks"));
  CHECK(first("subnets") < first("networks"));
}

TEST_CASE("provision: a cloud that accepts what it must refuse fails (or warns), and nothing wrong stays", "[run]") {
  Cloud cloud;
  cloud.neutron.accepts_mismatched_modes = true;
  cloud.neutron.allows_rbac = true;
  const auto c = shipped();
  auto t = provisioned(*cloud.session, cloud.cleanup, c, options());
  auto v = api_verdicts(c, t.facts);
  CHECK(v["api-invalid-modes"] == "FAIL");
  CHECK(v["api-rbac-restricted"] == "WARN");  // a SHOULD in scs-0126
  CHECK(v["api-default-subnetpool"] == "PASS");
  // The wrongly created subnets and the RBAC policy were deleted at once, before cleanup.
  int subnets = 0, rbac = 0;
  for (const auto& d : cloud.neutron.deleted) {
    subnets += d.starts_with("subnets/");
    rbac += d.starts_with("rbac-policies/");
  }
  CHECK(subnets == 6);  // three pairs, from the pool and with a CIDR
  CHECK(rbac == 1);
  // None of them on a VM's network: there a subnet coming and going races Neutron's DHCP
  // agent setting the network up, and the VM's DHCPv6 goes unanswered.
  CHECK(cloud.neutron.on_vm_networks("-invalid-").empty());
}

TEST_CASE("provision: ptb-delivered's far link, a network of MTU 1280 on the router, or why there is none", "[run]") {
  Cloud cloud;
  const auto c = shipped();
  auto has_far_mtu = [&] {
    return std::any_of(cloud.fake.requests.begin(), cloud.fake.requests.end(), [](const cloud::Request& r) {
      return r.method == Method::post && r.url.ends_with("/v2.0/networks") &&
             json::parse(r.body)["network"].value("mtu", 0) == 1280;
    });
  };
  SECTION("a cloud that lets a member set the MTU") {
    auto t = provisioned(*cloud.session, cloud.cleanup, c, options());
    CHECK(has_far_mtu());
    REQUIRE(t.facts.far_target);
    CHECK(t.facts.far_mtu == 1280u);
    CHECK(t.facts.far_target->bytes[15] == 0xff);
    for (const auto& n : t.facts.networks) {  // not one of the networks under test, and empty
      CHECK(t.facts.far_target->prefix(64) != n.subnet.prefix.prefix(64));
      CHECK_FALSE(n.name.ends_with("-far"));
    }
    CHECK(t.facts.api["far_network"]["ok"] == true);
    CHECK(t.vms.size() == 4);  // and the control VM
  }
  SECTION("a cloud that will not: ptb-delivered is not measured, with Neutron's answer") {
    cloud.neutron.refuses_mtu = true;
    auto t = provisioned(*cloud.session, cloud.cleanup, c, options());
    CHECK_FALSE(t.facts.far_target);
    CHECK(t.facts.api["far_network"]["status"] == 400);
    int judged = 0;
    for (const auto& v : catalog::evaluate(c, t.facts, {}).verdicts) {
      if (v.id != "ptb-delivered") continue;
      ++judged;
      CHECK(v.status == catalog::Status::skip);
      CHECK(v.not_measured);
      CHECK_THAT(v.reason, Catch::Contains("would not build a network with the minimum MTU") &&
                               Catch::Contains("Unrecognized attribute(s) 'mtu'"));
    }
    CHECK(judged == 3);
  }
}

TEST_CASE("provision: no default pool and no --ipv6-cidr is one clear error before anything is created", "[run]") {
  Cloud cloud;
  cloud.neutron.has_default_pool = false;
  CHECK_THROWS_AS(run::provision(*cloud.session, cloud.cleanup, shipped(), options()), cloud::ConfigError);
  CHECK(cloud.posts() == 0);
  CHECK(cloud.cleanup.size() == 0);

  // With a prefix of the user's, the /64s are cut from it, and the pool check fails honestly.
  auto o = options();
  o.ipv6_cidr = "2001:db8:77::/48";
  o.modes = {model::Mode::slaac};
  auto t = provisioned(*cloud.session, cloud.cleanup, shipped(), o);
  REQUIRE(t.facts.networks.size() == 2);  // the mode and a peer network for east-west
  CHECK(t.facts.networks[0].subnet.prefix == *wire::Ip6::parse("2001:db8:77::"));
  CHECK(t.facts.networks[1].subnet.prefix == *wire::Ip6::parse("2001:db8:77:1::"));
  CHECK(api_verdicts(shipped(), t.facts)["api-default-subnetpool"] == "FAIL");
  // The modes not under test were still tried through the API (and deleted at once).
  CHECK(t.facts.api["address_modes"]["dhcpv6-stateful"]["api_only"] == true);
  CHECK(api_verdicts(shipped(), t.facts)["api-address-modes"] == "PASS");
  CHECK(cloud.neutron.on_vm_networks("-mode-").empty());
}

TEST_CASE("console: a report counts only when every frame arrived", "[run]") {
  wire::AgentReport report;
  report.schema = "v6agent/1";
  report.host = "vm";
  const auto lines = wire::frame_lines("run-1", json(report).dump());
  std::string console = "[    0.000000] Linux version\nV6C-INIT uptime=1.2\n";
  for (const auto& l : lines) console += l + "\n";
  std::string why;
  auto got = wire::report_from_console(console, "run-1", &why);
  REQUIRE(got);
  CHECK(got->host == "vm");
  CHECK_FALSE(wire::report_from_console(console, "run-2", &why));  // another VM's run id

  // A frame lost (the console log's tail cut) is no report, with the reason.
  std::string cut;
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) cut += lines[i] + "\n";
  CHECK_FALSE(wire::report_from_console(cut, "run-1", &why));
  CHECK_FALSE(why.empty());
}

TEST_CASE("flavor and image helpers", "[run]") {
  const std::vector<json> flavors = {{{"id", "f1"}, {"name", "m1.large"}, {"ram", 8192}, {"vcpus", 4}, {"disk", 80}},
                                     {{"id", "f2"}, {"name", "m1.nano"}, {"ram", 64}, {"vcpus", 1}, {"disk", 0}},
                                     {{"id", "f3"}, {"name", "m1.tiny"}, {"ram", 512}, {"vcpus", 1}, {"disk", 1}},
                                     {{"id", "f4"}, {"name", "m1.micro"}, {"ram", 192}, {"vcpus", 1}, {"disk", 0}}};
  CHECK(run::choose_flavor(flavors, "", 128, 0) == "f4");
  CHECK(run::choose_flavor(flavors, "m1.large", 128, 0) == "f1");
  CHECK_THROWS_AS(run::choose_flavor(flavors, "nope", 128, 0), cloud::NotFound);
  CHECK_THROWS_AS(run::choose_flavor(flavors, "", 16384, 0), cloud::NotFound);
  CHECK(run::md5_hex("abc") == "900150983cd24fb0d6963f7d28e17f72");  // RFC 1321 A.5
  CHECK_THROWS_AS(run::agent_image_files("/nonexistent-v6c"), cloud::ConfigError);
}

TEST_CASE("agent image files: each must have the sha256 its manifest records", "[run]") {
  test::TempDir dir("aif");
  for (const auto& [name, bytes] : {std::pair{"vmlinuz", "kernel"}, {"initrd.img", "initrd"}, {"root.raw", "root"}})
    dir.file(name, bytes);
  json files = json::object();
  for (const char* name : {"vmlinuz", "initrd.img", "root.raw"})
    files[name] = {{"sha256", host::must({"sha256sum", (dir.path / name).string()}).substr(0, 64)}};
  auto write_manifest = [&] {
    dir.file("manifest.json", json{{"schema", "v6c-agent-image/1"}, {"cmdline", "console=ttyS0"}, {"files", files}}.dump());
  };
  write_manifest();
  auto error = [&] {
    try {
      run::agent_image_files(dir.path.string());
    } catch (const cloud::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no ConfigError");
  };

  SECTION("as built") {
    const auto got = run::agent_image_files(dir.path.string());
    REQUIRE(got.size() == 3);
    CHECK(got[0].name == "v6c-agent-" + files["initrd.img"]["sha256"].get<std::string>().substr(0, 12) + "-kernel");
    CHECK(got[2].md5 == run::md5_hex("root"));
  }
  SECTION("a file cut after the build") {
    dir.file("root.raw", "roo");
    CHECK(error().find("root.raw does not match manifest.json") != std::string::npos);
  }
  SECTION("a file missing") {
    std::filesystem::remove(dir.path / "vmlinuz");
    CHECK(error().find("cannot read " + (dir.path / "vmlinuz").string()) != std::string::npos);
  }
  SECTION("a manifest without one file's sha256") {
    files.erase("root.raw");
    write_manifest();
    CHECK(error().find("has no sha256 for root.raw") != std::string::npos);
  }
  SECTION("a manifest without files") {
    files = json::array();
    write_manifest();
    CHECK(error().find("has no sha256 for initrd.img") != std::string::npos);  // a ConfigError, not a json error
  }
}

TEST_CASE("provision: only what the selected testcases need is built", "[run]") {
  Cloud cloud;
  auto c = shipped();
  auto o = options();
  SECTION("sec-* testcases: the attacker and victim's network alone") {
    catalog::select_scs_testcases(c, {"scs-xxxx-v6-sec-ra-guard"});
    o.security = true;
    auto t = provisioned(*cloud.session, cloud.cleanup, c, o);
    REQUIRE(t.facts.networks.size() == 1);
    CHECK(t.facts.networks[0].name.ends_with("-sec"));
    CHECK(t.vms.size() == 2);  // attacker and victim
    CHECK(t.vms[0].plan["procedures"][0]["kind"] != "discover");
    // They boot apart in a cloud: each waits for the other as long as a peer may take to boot.
    for (const auto& vm : t.vms) {
      const auto& p = vm.plan["procedures"][0];
      CHECK(p.value(p["kind"] == "attack" ? "wait_ms" : "listen_ms", 0) == o.peer_patience.count());
    }
  }
  SECTION("scs-0126's testcases: the modes' subnets for the API facts, no VM") {
    catalog::select_scs_testcases(c, {"scs-0126-default-subnetpool", "scs-0126-rbac-restricted"});
    auto t = provisioned(*cloud.session, cloud.cleanup, c, o);
    CHECK(t.vms.empty());
    CHECK(t.facts.networks.size() == 3);
    for (const auto& n : t.facts.networks) CHECK(n.ports.empty());
    CHECK(t.facts.api["rbac_create"]["status"] == 403);
  }
}

TEST_CASE("provision: --ipv6-cidr hands out /64s inside the prefix only, and refuses one too small", "[run]") {
  Cloud cloud;
  cloud.neutron.has_default_pool = false;
  auto o = options();
  SECTION("a /63 holds two /64s: three modes need more, refused before anything is created") {
    o.ipv6_cidr = "2001:db8:77::/63";
    CHECK_THROWS_WITH(run::provision(*cloud.session, cloud.cleanup, shipped(), o),
                      Catch::Contains("holds 2 /64s") && Catch::Contains("2001:db8:77::/63"));
    CHECK(cloud.posts() == 0);
  }
  SECTION("not a prefix of /64 or shorter") {
    o.ipv6_cidr = "2001:db8:77::/80";
    CHECK_THROWS_AS(run::provision(*cloud.session, cloud.cleanup, shipped(), o), cloud::ConfigError);
    CHECK(cloud.posts() == 0);
  }
  SECTION("every subnet the run asks for lies in the prefix, also when it is written with host bits") {
    o.ipv6_cidr = "2001:db8:77:1f::/60";  // the /60 is 2001:db8:77:10::/60
    o.modes = {model::Mode::slaac};
    auto t = provisioned(*cloud.session, cloud.cleanup, shipped(), o);
    CHECK(t.facts.networks[0].subnet.prefix == *wire::Ip6::parse("2001:db8:77:10::"));
    const auto within = *wire::Ip6::parse("2001:db8:77:10::");
    int cidrs = 0;
    for (const auto& r : cloud.fake.requests) {
      if (r.method != Method::post || !r.url.ends_with("/subnets")) continue;
      const auto cidr = nlohmann::json::parse(r.body)["subnet"].value("cidr", std::string());
      if (cidr.empty()) continue;
      CAPTURE(cidr);
      ++cidrs;
      CHECK(wire::Ip6::parse(cidr.substr(0, cidr.find('/')))->prefix(60) == within);
      CHECK(cidr.ends_with("/64"));
    }
    CHECK(cidrs == 2 + 1 + 2 + 3);  // the mode and its peer, the far link, the two modes tried alone, the three mismatched pairs
  }
}

TEST_CASE("scs: a run that cannot complete logs one CRITICAL line and ABORTs every id", "[run]") {
  // No cloud needed: the cloud's name is unknown, so nothing is contacted or created.
  auto r = host::run({"env", "-u", "OS_CLOUD", "OS_CLIENT_CONFIG_FILE=/nonexistent/clouds.yaml", V6C_CONTROLLER_BIN,
                      "scs", "-c", "v6c-no-such-cloud", "scs-0126-rbac-restricted", "scs-0126-default-subnetpool"});
  CAPTURE(r.out, r.err);
  CHECK(r.status == 2);
  CHECK(r.out == "scs-0126-rbac-restricted: ABORT\nscs-0126-default-subnetpool: ABORT\n");
  // The harness fails the run on CRITICAL; ERROR is kept for a MUST the cloud broke.
  CHECK(r.err.find("CRITICAL: ") == 0);
  CHECK(r.err.find("CRITICAL: ") == r.err.rfind("CRITICAL: "));
  CHECK(r.err.find("ERROR: ") == std::string::npos);
}
