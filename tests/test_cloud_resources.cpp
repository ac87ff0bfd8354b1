// The resource clients on canned answers: each call's method, URL and body as the API
// reference has them, each answer parsed, each create_ registered for cleanup the moment it
// returns and each delete_ taken off again; creates whose answer was lost adopted, not repeated.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "v6c/cloud/adopt.hpp"
#include "v6c/cloud/compute.hpp"
#include "v6c/cloud/errors.hpp"
#include "v6c/cloud/fake_transport.hpp"
#include "v6c/cloud/image.hpp"
#include "v6c/cloud/neutron.hpp"
#include "v6c/cloud/session.hpp"
#include "canned_cloud.hpp"

using namespace v6c::cloud;
using namespace v6c::test;

namespace {


// A session on the fake with the canned catalog; nothing ever waits.
struct Cloud {
  explicit Cloud(const std::string& region = "RegionOne") {
    fake.serve_token(cloud_fixture("keystone/token.json"));
    session.emplace(canned_member(region), fake);
    session->sleep = [this](std::chrono::milliseconds d) { slept += d; };
    session->jitter = [] { return 0.0; };
    session->retry_log = &log;
  }
  const Request& last() const { return fake.requests.back(); }
  json last_body() const { return json::parse(last().body); }
  FakeTransport fake;
  std::optional<Session> session;
  std::chrono::milliseconds slept{0};
  RetryLog log;
  CleanupStack cleanup{[](auto) {}};
};

// One Neutron collection in memory: POST makes, GET lists (filtered by string query values).
// The next `failures_left` POSTs answer `fail_status`, after making the resource or not.
struct Collection {
  explicit Collection(std::string k) : key(std::move(k)) {}
  std::string key;
  std::vector<json> items;
  int posts = 0, next_id = 0;
  int fail_status = 0;
  bool fail_after_acting = false;
  int failures_left = 0;

  Response create(const Request& r) {
    ++posts;
    const bool fail = failures_left > 0;
    if (fail) --failures_left;
    if (fail && !fail_after_acting) return json_response(fail_status, {{"message", "injected"}}, {{"Retry-After", "2"}});
    auto item = json::parse(r.body)[key];
    item["id"] = key + "-" + std::to_string(++next_id);
    items.push_back(item);
    if (fail) return json_response(fail_status, {{"message", "lost after acting"}});
    return json_response(201, {{key, item}});
  }
  Response list(const Request& r, const std::string& collection) {
    json out = json::array();
    for (const auto& item : items) {
      bool match = true;
      for (const auto& [k, v] : query_of(r.url))
        if (!item.contains(k) || !item[k].is_string() || item[k] != v) match = false;
      if (match) out.push_back(item);
    }
    return json_response(200, {{collection, out}});
  }
  static std::vector<std::pair<std::string, std::string>> query_of(const std::string& url) {
    std::vector<std::pair<std::string, std::string>> q;
    const auto at = url.find('?');
    if (at == std::string::npos) return q;
    std::stringstream s(url.substr(at + 1));
    for (std::string part; std::getline(s, part, '&');) {
      const auto eq = part.find('=');
      auto value = part.substr(eq + 1);
      for (std::size_t i; (i = value.find("%2F")) != std::string::npos;) value.replace(i, 3, "/");
      q.emplace_back(part.substr(0, eq), value);
    }
    return q;
  }
};

void serve(FakeTransport& fake, Collection& c, const std::string& path, const std::string& collection) {
  fake.on(Method::post, path, [&c](const Request& r) { return c.create(r); });
  fake.on(Method::get, path, [&c, collection](const Request& r) { return c.list(r, collection); });
}

}  // namespace

TEST_CASE("Neutron: networks created, shown, listed across pages, deleted", "[cloud-resources]") {
  Cloud cloud;
  NetworksClient networks(*cloud.session, &cloud.cleanup);
  cloud.fake.on(Method::post, "/v2.0/networks", 201,
                {{"network", cloud_fixture("neutron/networks-page1.json")["networks"][0]}});
  const auto n = networks.create_network({{"name", "_scs-v6c-r1-slaac"}});
  CHECK(cloud.last().url == kCannedNeutron + "networks");
  CHECK(cloud.last_body() == json{{"network", {{"name", "_scs-v6c-r1-slaac"}}}});
  CHECK(header(cloud.last().headers, "X-Auth-Token") == "fake-token");
  CHECK(n["mtu"] == 1450);
  REQUIRE(cloud.cleanup.size() == 1);
  CHECK(cloud.cleanup.pending()[0].name == "_scs-v6c-r1-slaac");

  cloud.fake.on(Method::get, "/v2.0/networks?limit=1", 200, cloud_fixture("neutron/networks-page1.json"));
  cloud.fake.on(Method::get, "marker=2b0a8d3f-4c6e-4f1a-9b7d-1e2f3a4b5c6d", 200, cloud_fixture("neutron/networks-page2.json"));
  const auto all = networks.list_networks({{"limit", "1"}});
  REQUIRE(all.size() == 2);
  CHECK(all[1]["name"] == "v6c-public");
  CHECK(cloud.fake.calls().back() ==
        "GET https://neutron.example.com:9696/v2.0/networks?limit=1&marker=2b0a8d3f-4c6e-4f1a-9b7d-1e2f3a4b5c6d");

  cloud.fake.on(Method::get, "/v2.0/networks/nope", 404, cloud_fixture("errors/neutron-404.json"));
  CHECK_THROWS_AS(networks.show_network("nope"), NotFound);

  cloud.fake.on(Method::del, "/v2.0/networks/" + n["id"].get<std::string>(), 204, nullptr);
  networks.delete_network(n["id"]);
  CHECK(cloud.last().method == Method::del);
  CHECK(cloud.cleanup.size() == 0);
}

TEST_CASE("Neutron: every resource under its own path and JSON key", "[cloud-resources]") {
  Cloud cloud;
  for (const auto* t : {&kNetworkType, &kSubnetType, &kSubnetpoolType, &kRouterType, &kPortType, &kSecurityGroupType,
                        &kSecurityGroupRuleType, &kRbacPolicyType}) {
    CAPTURE(t->singular);
    cloud.fake.on(Method::post, std::string("/v2.0/") + t->path, 201, {{t->singular, {{"id", "x1"}, {"name", "_scs-v6c-x"}}}});
    cloud.fake.on(Method::get, std::string("/v2.0/") + t->path, 200, {{t->collection, json::array({{{"id", "x1"}}})}});
    NeutronResource client(*cloud.session, *t, &cloud.cleanup);
    CHECK(client.create({{"name", "_scs-v6c-x"}})["id"] == "x1");
    CHECK(cloud.last().url == kCannedNeutron + t->path);
    CHECK(cloud.last_body().contains(t->singular));
    const auto pending = cloud.cleanup.pending();
    CHECK(std::count_if(pending.begin(), pending.end(), [&](const auto& e) { return e.kind == t->kind; }) == 1);
    CHECK(client.list().size() == 1);
  }
  CHECK(kSecurityGroupRuleType.path == std::string("security-group-rules"));
  CHECK(kRbacPolicyType.collection == std::string("rbac_policies"));
}

TEST_CASE("Neutron: IPv6 subnets from the default pool or a CIDR", "[cloud-resources]") {
  Cloud cloud;
  SubnetpoolsClient pools(*cloud.session);
  cloud.fake.on(Method::get, "/v2.0/subnetpools", 200, cloud_fixture("neutron/subnetpools.json"));
  const auto pool = pools.default_subnetpool();
  REQUIRE(pool);
  CHECK((*pool)["name"] == "v6c-default-v6");
  CHECK_FALSE(pools.default_subnetpool(4));  // the IPv4 pool is shared but not default

  Ipv6SubnetSpec spec{"_scs-v6c-r1-slaac", "2b0a8d3f", "slaac", "slaac", (*pool)["id"], "", 64, {}};
  CHECK(ipv6_subnet_attributes(spec) == json::parse(R"({"name": "_scs-v6c-r1-slaac", "network_id": "2b0a8d3f",
      "ip_version": 6, "ipv6_ra_mode": "slaac", "ipv6_address_mode": "slaac",
      "subnetpool_id": "3c5e7a9b-1d2f-4a6b-8c0d-2e4f6a8b0c1d", "prefixlen": 64})"));
  Ipv6SubnetSpec by_cidr{"s", "n", "", "dhcpv6-stateful", "", "2001:db8:1::/64", 64, {"2001:db8:ff::53"}};
  CHECK(ipv6_subnet_attributes(by_cidr) == json::parse(R"({"name": "s", "network_id": "n", "ip_version": 6,
      "ipv6_address_mode": "dhcpv6-stateful", "cidr": "2001:db8:1::/64", "dns_nameservers": ["2001:db8:ff::53"]})"));

  SubnetsClient subnets(*cloud.session, &cloud.cleanup);
  cloud.fake.on(Method::post, "/v2.0/subnets", 201, cloud_fixture("neutron/subnet-created.json"));
  const auto s = subnets.create_subnet(ipv6_subnet_attributes(spec));
  CHECK(cloud.last_body()["subnet"]["subnetpool_id"] == (*pool)["id"]);
  CHECK(s["cidr"] == "2001:db8:1000:3::/64");
  CHECK(s["ipv6_ra_mode"] == "slaac");

  SECTION("an invalid mode pair is refused with Neutron's 400 and its status") {
    cloud.fake.on(Method::post, "/v2.0/subnets", 400, cloud_fixture("errors/neutron-invalid-mode-400.json"));
    try {
      subnets.create_subnet(ipv6_subnet_attributes({"bad", "n", "dhcpv6-stateful", "slaac", "", "2001:db8:2::/64", 64, {}}));
      FAIL("accepted");
    } catch (const CloudError& e) {
      CHECK(e.status() == 400);
      CHECK(cloud.cleanup.size() == 1);  // only the good subnet
    }
  }
}

TEST_CASE("Neutron: router interfaces and the external gateway", "[cloud-resources]") {
  Cloud cloud;
  RoutersClient routers(*cloud.session, &cloud.cleanup);
  cloud.fake.on(Method::put, "/v2.0/routers/r1/add_router_interface", 200,
                {{"id", "r1"}, {"subnet_id", "s1"}, {"port_id", "p1"}, {"subnet_ids", {"s1"}}});
  cloud.fake.on(Method::put, "/v2.0/routers/r1/remove_router_interface", 200, {{"id", "r1"}, {"subnet_id", "s1"}});
  cloud.fake.on(Method::put, "/v2.0/routers/r1", 200,
                {{"router", {{"id", "r1"}, {"external_gateway_info", {{"network_id", "pub"}, {"external_fixed_ips", json::array()}}}}}});

  CHECK(routers.add_router_interface("r1", "s1")["port_id"] == "p1");
  CHECK(cloud.last().method == Method::put);
  CHECK(cloud.last_body() == json{{"subnet_id", "s1"}});
  REQUIRE(cloud.cleanup.size() == 1);
  CHECK(cloud.cleanup.pending()[0].kind == ResourceKind::router_interface);

  routers.set_external_gateway("r1", "pub");
  CHECK(cloud.last().url == kCannedNeutron + "routers/r1");
  CHECK(cloud.last_body() == json::parse(R"({"router": {"external_gateway_info": {"network_id": "pub"}}})"));

  routers.remove_router_interface("r1", "s1");
  CHECK(cloud.last().url == kCannedNeutron + "routers/r1/remove_router_interface");
  CHECK(cloud.cleanup.size() == 0);
}

TEST_CASE("Neutron: an endpoint that already carries /v2.0 (RegionTwo) gets no second one", "[cloud-resources]") {
  Cloud cloud("RegionTwo");
  cloud.fake.on(Method::get, "/ports", 200, {{"ports", json::array()}});
  PortsClient(*cloud.session).list_ports({{"device_id", "r1"}});
  CHECK(cloud.last().url == "https://neutron.two.example.com/network/v2.0/ports?device_id=r1");
  CHECK(with_version("https://n.example.com:9696/", "v2.0") == "https://n.example.com:9696/v2.0");
  CHECK(with_version("https://n.example.com/network/v2.0/", "v2.0") == "https://n.example.com/network/v2.0");
}

TEST_CASE("base64 (RFC 4648 §10 test vectors)", "[cloud-resources]") {
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [in, out] : vectors) {
    CAPTURE(in);
    CHECK(base64_encode(in) == out);
  }
  CHECK(base64_encode(std::string("\xff\xfe\x00", 3)) == "//4A");
}

TEST_CASE("Nova: a server with user data and a config drive, its status and console", "[cloud-resources]") {
  Cloud cloud;
  ServersClient servers(*cloud.session, &cloud.cleanup);
  ServerSpec spec;
  spec.name = "_scs-v6c-r1-slaac-a";
  spec.flavor_id = "c1";
  spec.image_id = "img";
  spec.network_ids = {"n1"};
  spec.security_groups = {"_scs-v6c-r1-agents"};
  spec.user_data = "{\"plan\": 1}";
  spec.config_drive = true;
  const auto body = server_body(spec);
  CHECK(body == json::parse(R"({"server": {"name": "_scs-v6c-r1-slaac-a", "flavorRef": "c1", "imageRef": "img",
      "networks": [{"uuid": "n1"}], "security_groups": [{"name": "_scs-v6c-r1-agents"}],
      "user_data": "eyJwbGFuIjogMX0=", "config_drive": true}})"));

  cloud.fake.on(Method::post, "/v2.1/servers", 202, cloud_fixture("nova/server-created.json"));
  const auto id = servers.create_server(body)["id"].get<std::string>();
  CHECK(cloud.last().url == kCannedNova + "servers");
  REQUIRE(cloud.cleanup.size() == 1);
  CHECK(cloud.cleanup.pending()[0].name == "_scs-v6c-r1-slaac-a");  // from the request: Nova's answer has no name

  SECTION("BUILD, BUILD, ACTIVE: two polls") {
    int polls = 0;
    cloud.fake.on(Method::get, "/servers/" + id, [&](const Request&) {
      auto s = cloud_fixture("nova/server-active.json");
      if (++polls < 3) s["server"]["status"] = "BUILD";
      return json_response(200, s);
    });
    CHECK(servers.wait_for_server_status(id, "ACTIVE")["addresses"].size() == 1);
    CHECK(polls == 3);
    CHECK(cloud.slept == std::chrono::seconds(6));
  }
  SECTION("ERROR carries Nova's fault") {
    cloud.fake.on(Method::get, "/servers/" + id, 200, cloud_fixture("nova/server-error.json"));
    CHECK_THROWS_WITH(servers.wait_for_server_status(id, "ACTIVE"),
                      "server _scs-v6c-r1-slaac-a went to ERROR: No valid host was found. There are not enough hosts available.");
  }
  SECTION("never ACTIVE: Timeout after the wait") {
    auto building = cloud_fixture("nova/server-active.json");
    building["server"]["status"] = "BUILD";
    cloud.fake.on(Method::get, "/servers/" + id, 200, building);
    CHECK_THROWS_AS(servers.wait_for_server_status(id, "ACTIVE", {std::chrono::seconds(30), std::chrono::seconds(3)}), Timeout);
    CHECK(cloud.slept == std::chrono::seconds(30));
  }
  SECTION("console output through os-getConsoleOutput, safe to retry") {
    cloud.fake.on(Method::post, "/servers/" + id + "/action", 200, cloud_fixture("nova/console-output.json"));
    CHECK(servers.get_console_output(id, 50).find("v6c-frame 2/2") != std::string::npos);
    CHECK(cloud.last_body() == json::parse(R"({"os-getConsoleOutput": {"length": 50}})"));
    CHECK(cloud.last().idempotent);
    servers.get_console_output(id);
    CHECK(cloud.last_body() == json::parse(R"({"os-getConsoleOutput": {}})"));
  }
  SECTION("quota exceeded on create: nothing registered") {
    cloud.fake.on(Method::post, "/v2.1/servers", 403, cloud_fixture("errors/nova-quota-403.json"));
    CHECK_THROWS_AS(servers.create_server(body), QuotaExceeded);
    CHECK(cloud.cleanup.size() == 1);
  }
}

TEST_CASE("Nova: flavors listed, created when allowed", "[cloud-resources]") {
  Cloud cloud;
  FlavorsClient flavors(*cloud.session, &cloud.cleanup);
  cloud.fake.on(Method::get, "/flavors/detail", 200, cloud_fixture("nova/flavors.json"));
  const auto all = flavors.list_flavors();
  REQUIRE(all.size() == 2);
  CHECK(all[0]["ram"] == 512);
  CHECK(cloud.last().url == kCannedNova + "flavors/detail");

  cloud.fake.on(Method::post, "/v2.1/flavors", 403,
                {{"forbidden", {{"code", 403}, {"message", "Policy doesn't allow os_compute_api:os-flavor-manage:create to be performed."}}}});
  CHECK_THROWS_AS(flavors.create_flavor({{"name", "_scs-v6c-r1-agent"}, {"ram", 256}, {"vcpus", 1}, {"disk", 1}}), Forbidden);
  CHECK(cloud.cleanup.size() == 0);
  cloud.fake.on(Method::post, "/v2.1/flavors", 200, {{"flavor", cloud_fixture("nova/flavors.json")["flavors"][1]}});
  CHECK(flavors.create_flavor({{"name", "_scs-v6c-r1-agent"}})["id"] == "c1");
  CHECK(cloud.last_body()["flavor"]["name"] == "_scs-v6c-r1-agent");
  CHECK(cloud.cleanup.pending()[0].kind == ResourceKind::flavor);
}

TEST_CASE("Glance v2: create with kernel and ramdisk, upload, list across pages, find by checksum", "[cloud-resources]") {
  Cloud cloud;
  ImagesClient images(*cloud.session, &cloud.cleanup);
  cloud.fake.on(Method::post, "/v2/images", 201, cloud_fixture("glance/image-created.json"));
  const json attributes = {{"name", "_scs-v6c-r1-agent"}, {"disk_format", "raw"}, {"container_format", "bare"},
                           {"visibility", "private"}, {"kernel_id", "3a9d1b4c-5e6f-4a8b-9c2d-3e4f5a6b7c8d"},
                           {"ramdisk_id", "4b0e2c5d-6f7a-4b9c-8d3e-4f5a6b7c8d9e"}};
  const auto image = images.create_image(attributes);
  CHECK(cloud.last().url == kCannedGlance + "images");
  CHECK(cloud.last_body() == attributes);  // v2: properties at the top level, no wrapper
  CHECK(image["status"] == "queued");
  CHECK(cloud.cleanup.pending()[0].kind == ResourceKind::image);

  const auto id = image["id"].get<std::string>();
  cloud.fake.on(Method::put, "/v2/images/" + id + "/file", 204, nullptr);
  images.upload_image(id, std::string("\x00\x01\x02", 3));
  CHECK(cloud.last().url == kCannedGlance + "images/" + id + "/file");
  CHECK(header(cloud.last().headers, "Content-Type") == "application/octet-stream");
  CHECK(cloud.last().body == std::string("\x00\x01\x02", 3));
  CHECK_FALSE(cloud.last().idempotent);  // Glance refuses a second upload: after a lost answer the image is looked at

  cloud.fake.on(Method::get, "/v2/images?name=v6c-agent", 200, cloud_fixture("glance/images-page1.json"));
  cloud.fake.on(Method::get, "marker=0d6a8f1e-2b3c-4d5e-8f9a-0b1c2d3e4f5a", 200, cloud_fixture("glance/images-page2.json"));
  CHECK(images.find_images("v6c-agent").size() == 2);
  CHECK(cloud.fake.calls().back() ==
        "GET https://glance.example.com:9292/v2/images?name=v6c-agent&marker=0d6a8f1e-2b3c-4d5e-8f9a-0b1c2d3e4f5a");
  const auto match = images.find_images("v6c-agent", "e4d909c290d0fb1ca068ffaddf22cbd0");
  REQUIRE(match.size() == 1);
  CHECK(match[0]["id"] == "1e7b9f2a-3c4d-4e6f-9a0b-1c2d3e4f5a6b");
  CHECK(images.find_images("v6c-agent", "00000000000000000000000000000000").empty());

  cloud.fake.on(Method::get, "/v2/images/missing", [&](const Request&) {
    std::ifstream in(std::string(V6C_FIXTURES) + "/cloud/errors/glance-404.html");
    return Response{404, {{"Content-Type", "text/html"}}, std::string(std::istreambuf_iterator<char>(in), {})};
  });
  CHECK_THROWS_WITH(images.show_image("missing"), Catch::Contains("404 Not Found 404 Not Found No image found with ID"));
}

TEST_CASE("Glance behind a path (RegionTwo): /image/v2/images", "[cloud-resources]") {
  Cloud cloud("RegionTwo");
  cloud.fake.on(Method::get, "/image/v2/images", 200, {{"images", json::array()}, {"next", "/v2/images?marker=z"}});
  cloud.fake.on(Method::get, "marker=z", 200, {{"images", json::array()}});
  ImagesClient(*cloud.session).list_images();
  CHECK(cloud.fake.calls() == std::vector<std::string>{"GET https://cloud.two.example.com/image/v2/images",
                                                       "GET https://cloud.two.example.com/image/v2/images?marker=z"});
}

// Creates whose answer is lost: looked up by name (or by their attributes when they have
// none) and adopted when the cloud made them, sent again when it did not, never sent again
// after a refusal. Every outcome ends with exactly one resource on the cleanup stack.

TEST_CASE("create_outcome_unknown: only failures after which the cloud may have acted", "[cloud-resources]") {
  CHECK(create_outcome_unknown(ServerFault("502", 502)));
  CHECK(create_outcome_unknown(RateLimited("429", 429)));
  CHECK(create_outcome_unknown(Timeout("read")));
  CHECK(create_outcome_unknown(Unreachable("reset")));
  CHECK_FALSE(create_outcome_unknown(Conflict("409", 409)));
  CHECK_FALSE(create_outcome_unknown(QuotaExceeded("413", 413)));
  CHECK_FALSE(create_outcome_unknown(CloudError("400", 400)));
  CHECK_FALSE(create_outcome_unknown(AuthFailed("401", 401)));
}

TEST_CASE("has_attributes: every scalar given, arrays and objects not compared", "[cloud-resources]") {
  const json rule = {{"direction", "ingress"}, {"ethertype", "IPv6"}, {"protocol", nullptr}, {"port_range_min", 22}};
  CHECK(has_attributes(rule, {{"direction", "ingress"}, {"ethertype", "IPv6"}}));
  CHECK(has_attributes(rule, {{"port_range_min", 22}, {"security_groups", json::array({"x"})}}));
  CHECK_FALSE(has_attributes(rule, {{"protocol", "ipv6-icmp"}}));
  CHECK_FALSE(has_attributes(rule, {{"remote_group_id", "g"}}));
}

TEST_CASE("a named create whose answer is lost is adopted, not made twice", "[cloud-resources]") {
  Cloud cloud;
  Collection networks("network");
  serve(cloud.fake, networks, "/v2.0/networks", "networks");
  NetworksClient client(*cloud.session, &cloud.cleanup);
  networks.failures_left = 1;
  SECTION("502 after the cloud acted: found by name, adopted, one POST") {
    networks.fail_status = 502;
    networks.fail_after_acting = true;
    const auto n = client.create_network({{"name", "_scs-v6c-r1-slaac"}});
    CHECK(n["id"] == "network-1");
    CHECK(networks.posts == 1);
    CHECK(networks.items.size() == 1);
    REQUIRE(cloud.cleanup.size() == 1);
    CHECK(cloud.cleanup.pending()[0].id == "network-1");
    REQUIRE(cloud.log.notes().size() == 1);
    CHECK(cloud.log.notes()[0].path == "/v2.0/networks");
    CHECK(cloud.log.notes()[0].reason.find("adopted network-1") != std::string::npos);
  }
  SECTION("503 before acting: nothing found, sent again after Retry-After, one network") {
    networks.fail_status = 503;
    const auto n = client.create_network({{"name", "_scs-v6c-r1-slaac"}});
    CHECK(n["id"] == "network-1");
    CHECK(networks.posts == 2);
    CHECK(networks.items.size() == 1);
    CHECK(cloud.cleanup.size() == 1);
    CHECK(cloud.slept == std::chrono::seconds(2));
    REQUIRE(cloud.log.notes().size() == 1);
    CHECK(cloud.log.notes()[0].reason.find("503") != std::string::npos);
  }
  SECTION("a refusal is final: no lookup, no second POST") {
    networks.fail_status = 400;
    CHECK_THROWS_AS(client.create_network({{"name", "_scs-v6c-r1-slaac"}}), CloudError);
    CHECK(networks.posts == 1);
    CHECK(cloud.fake.calls().size() == 1);
    CHECK(cloud.cleanup.size() == 0);
  }
  SECTION("the API down for good: gives up after max_attempts naming the service and the last answer") {
    networks.fail_status = 503;
    networks.failures_left = 100;
    cloud.session->retry.max_attempts = 3;
    try {
      client.create_network({{"name", "_scs-v6c-r1-slaac"}});
      FAIL("no error");
    } catch (const ServerFault& e) {
      CHECK(std::string(e.what()).starts_with("network API: cloud error: POST https://neutron.example.com:9696/v2.0/networks: 503 injected"));
    }
    CHECK(networks.posts == 3);
    CHECK(networks.items.empty());
    CHECK(cloud.cleanup.size() == 0);
  }
}

TEST_CASE("a create that timed out is looked for again before it is sent again", "[cloud-resources]") {
  Cloud cloud;
  int creates = 0, finds = 0;
  const CreateCall call{[&]() -> json {
                          ++creates;
                          throw Timeout("timed out reading the response");
                        },
                        [&] {
                          // The service records the resource only after the client gave up.
                          return ++finds < 3 ? std::vector<json>{} : std::vector<json>{{{"id", "server-1"}}};
                        }};
  const auto made = create_or_adopt(*cloud.session, make_request(Method::post, "https://nova.example.com/v2.1/servers"), call);
  REQUIRE(made.size() == 1);
  CHECK(made[0]["id"] == "server-1");
  CHECK(creates == 1);  // not sent again while it may still be in flight
  CHECK(finds == 3);
  SECTION("a refusal-free failure with an answer (502) looks once") {
    int looks = 0;
    const CreateCall once{[&]() -> json {
                            if (looks == 0) throw ServerFault("502", 502);
                            return {{"id", "server-2"}};
                          },
                          [&] {
                            ++looks;
                            return std::vector<json>{};
                          }};
    CHECK(create_or_adopt(*cloud.session, make_request(Method::post, "https://nova.example.com/v2.1/servers"), once)[0]["id"] ==
          "server-2");
    CHECK(looks == 1);
  }
}

TEST_CASE("nameless resources are found by what they are: security group rules", "[cloud-resources]") {
  Cloud cloud;
  Collection rules("security_group_rule");
  serve(cloud.fake, rules, "/v2.0/security-group-rules", "security_group_rules");
  SecurityGroupRulesClient client(*cloud.session, &cloud.cleanup);
  // Another rule of the same group, made before: it must not be taken for the lost one.
  client.create_security_group_rule({{"security_group_id", "sg"}, {"direction", "ingress"}, {"ethertype", "IPv6"},
                                     {"remote_group_id", "sg"}});
  rules.failures_left = 1;
  rules.fail_status = 504;
  rules.fail_after_acting = true;
  const auto r = client.create_security_group_rule(
      {{"security_group_id", "sg"}, {"direction", "ingress"}, {"ethertype", "IPv6"}, {"protocol", "ipv6-icmp"}});
  CHECK(r["id"] == "security_group_rule-2");
  CHECK(rules.posts == 2);
  CHECK(cloud.cleanup.size() == 2);
}

TEST_CASE("a router interface whose answer was lost is found among the router's ports", "[cloud-resources]") {
  Cloud cloud;
  int puts = 0;
  cloud.fake.on(Method::put, "/v2.0/routers/r1/add_router_interface", [&](const Request&) -> Response {
    ++puts;
    throw Unreachable("connection lost before the response");
  });
  cloud.fake.on(Method::get, "/v2.0/ports", 200,
                {{"ports", json::array({{{"id", "p9"}, {"device_id", "r1"},
                                         {"fixed_ips", json::array({{{"subnet_id", "s1"}, {"ip_address", "2001:db8::1"}}})}}})}});
  RoutersClient routers(*cloud.session, &cloud.cleanup);
  CHECK(routers.add_router_interface("r1", "s1")["port_id"] == "p9");
  CHECK(puts == 1);  // not resent: a second add would be refused
  REQUIRE(cloud.cleanup.size() == 1);
  CHECK(cloud.cleanup.pending()[0].kind == ResourceKind::router_interface);
}

TEST_CASE("a server whose answer was lost is found by its exact name", "[cloud-resources]") {
  Cloud cloud;
  int posts = 0;
  cloud.fake.on(Method::post, "/v2.1/servers", [&](const Request&) -> Response {
    ++posts;
    throw Timeout("timed out reading the response");
  });
  // Nova's name filter is a regular expression: a longer name matches too and is not ours.
  cloud.fake.on(Method::get, "/v2.1/servers/detail", 200,
                {{"servers", json::array({{{"id", "s-other"}, {"name", "_scs-v6c-r1-slaac-vm2"}},
                                          {{"id", "s-ours"}, {"name", "_scs-v6c-r1-slaac-vm"}}})}});
  ServersClient servers(*cloud.session, &cloud.cleanup);
  ServerSpec spec;
  spec.name = "_scs-v6c-r1-slaac-vm";
  CHECK(servers.create_server(server_body(spec))["id"] == "s-ours");
  CHECK(posts == 1);
  REQUIRE(cloud.cleanup.size() == 1);
  CHECK(cloud.cleanup.pending()[0].id == "s-ours");
}
