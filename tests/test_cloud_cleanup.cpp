// The cleanup stack: dependency order, retries, already-gone resources, deletion on an
// exception; and cleanup_by_prefix, which must delete exactly the prefixed resources of our
// project and nothing else. All against the recording fake.
#include <catch2/catch.hpp>

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "v6c/cloud/cleanup.hpp"
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

const std::string kProject = "a1b2c3d4e5f60718293a4b5c6d7e8f90";  // the token's project
const std::string kOtherProject = "0f0e0d0c0b0a09080706050403020100";

struct Cloud {
  Cloud() {
    fake.serve_token(cloud_fixture("keystone/token.json"));
    session.emplace(canned_member(), fake);
    session->sleep = [](auto) {};
    // Everything deletes fine; a deleted server is gone at once.
    for (const char* path : {"/v2.0/", "/v2.1/", "/v2/images/"}) fake.on(Method::del, path, 204, nullptr);
    fake.on(Method::del, "", 204, nullptr);
    fake.on(Method::get, "/v2.1/servers/", 404, cloud_fixture("errors/nova-404.json"));
  }
  // The deleting calls, in order: DELETE and remove_router_interface.
  std::vector<std::string> deletions() const {
    std::vector<std::string> out;
    for (const auto& c : fake.calls())
      if (c.rfind("DELETE ", 0) == 0 || c.find("remove_router_interface") != std::string::npos) out.push_back(c);
    return out;
  }
  FakeTransport fake;
  std::optional<Session> session;
};

json named(const std::string& id, const std::string& name, const std::string& project = kProject) {
  return {{"id", id}, {"name", name}, {"project_id", project}, {"tenant_id", project}};
}

}  // namespace

TEST_CASE("cleanup stack: dependency order whatever the creation order, a kind's entries at once", "[cloud-cleanup]") {
  std::mutex m;
  std::vector<std::string> deleted;
  std::map<std::string, int> kind_of;
  CleanupStack stack([](auto) {});
  auto push = [&](ResourceKind k, const std::string& id) {
    kind_of[id] = static_cast<int>(k);
    stack.push(k, id, "", [&, id] {
      std::lock_guard lock(m);
      deleted.push_back(id);
    });
  };
  // As a concurrent run might create them:
  push(ResourceKind::network, "net-a");
  push(ResourceKind::security_group, "sg");
  push(ResourceKind::subnet, "sub-a");
  push(ResourceKind::router, "router");
  push(ResourceKind::network, "net-b");
  push(ResourceKind::router_interface, "router/sub-a");
  push(ResourceKind::server, "vm-1");
  push(ResourceKind::port, "port-1");
  push(ResourceKind::rbac_policy, "rbac");
  push(ResourceKind::server, "vm-2");
  push(ResourceKind::image, "image");
  push(ResourceKind::flavor, "flavor");
  push(ResourceKind::subnetpool, "pool");
  const auto outcome = stack.run();
  CHECK(outcome.ok());
  CHECK(outcome.deleted.size() == 13);
  // Reported newest first within a kind; deleted kind after kind, in any order within one.
  CHECK(outcome.deleted == std::vector<std::string>{
                               "server (vm-2)", "server (vm-1)", "router interface (router/sub-a)", "port (port-1)",
                               "rbac policy (rbac)", "router (router)", "security group (sg)", "subnet (sub-a)",
                               "network (net-b)", "network (net-a)", "subnet pool (pool)", "image (image)", "flavor (flavor)"});
  REQUIRE(deleted.size() == 13);
  CHECK(std::is_sorted(deleted.begin(), deleted.end(),
                       [&](const std::string& a, const std::string& b) { return kind_of[a] < kind_of[b]; }));
  CHECK(stack.size() == 0);
  CHECK(stack.run().deleted.empty());  // a second run has nothing left to do
}

TEST_CASE("cleanup stack: the servers' deletes overlap, the networks wait for all of them", "[cloud-cleanup]") {
  std::atomic<int> most_overlap{0};
  std::atomic<int> running{0}, started{0};
  std::atomic<bool> network_early{false};
  CleanupStack stack([](auto) {});
  for (const auto* id : {"vm-1", "vm-2", "vm-3"})
    stack.push(ResourceKind::server, id, "", [&] {
      ++running;
      ++started;
      // As a server delete waits for Nova: here, until all three are under way (or 5 s).
      for (int i = 0; i < 500 && started < 3; ++i) std::this_thread::sleep_for(10ms);
      if (started == 3) ++most_overlap;
      --running;
    });
  stack.push(ResourceKind::network, "net", "", [&] { network_early = running > 0; });
  CHECK(stack.run().ok());
  CHECK(most_overlap == 3);  // each saw the other two begin before it ended
  CHECK_FALSE(network_early);
}

TEST_CASE("cleanup stack: retries what is still in use, counts gone as deleted, goes on after a failure", "[cloud-cleanup]") {
  std::vector<std::chrono::milliseconds> slept;
  CleanupStack stack([&](auto d) { slept.push_back(d); });
  int network_attempts = 0, port_attempts = 0;
  stack.push(ResourceKind::network, "n1", "_scs-v6c-net", [&] {
    if (++network_attempts < 3) throw Conflict("conflict: DELETE …/networks/n1: 409 There are one or more ports still in use", 409);
  });
  stack.push(ResourceKind::subnet, "s1", "_scs-v6c-sub", [] { throw NotFound("not found", 404); });
  stack.push(ResourceKind::security_group, "sg", "_scs-v6c-sg", [] { throw Forbidden("permission denied: DELETE …", 403); });
  stack.push(ResourceKind::port, "p1", "_scs-v6c-port", [&] {
    ++port_attempts;
    throw ServerFault("cloud error: DELETE …/ports/p1: 500", 500);
  });
  const auto outcome = stack.run();
  CHECK(network_attempts == 3);
  CHECK(port_attempts == CleanupStack::kDeleteRetry.max_attempts);
  REQUIRE(outcome.failed.size() == 2);
  CHECK(outcome.failed[0] == "port _scs-v6c-port (p1): cloud error: DELETE …/ports/p1: 500");
  CHECK(outcome.failed[1] == "security group _scs-v6c-sg (sg): permission denied: DELETE …");  // not retried
  CHECK(outcome.deleted == std::vector<std::string>{"subnet _scs-v6c-sub (s1), already gone", "network _scs-v6c-net (n1)"});
  // Port: 5 pauses doubling from 2 s, capped at 16 s; then the network's two.
  CHECK(slept == std::vector<std::chrono::milliseconds>{2s, 4s, 8s, 16s, 16s, 2s, 4s});
}

TEST_CASE("cleanup stack: registered at creation, deleted when the scope ends by an exception", "[cloud-cleanup]") {
  Cloud cloud;
  cloud.fake.on(Method::post, "/v2.0/networks", 201, {{"network", named("n1", "_scs-v6c-r1-a")}});
  cloud.fake.on(Method::post, "/v2.0/subnets", 201, {{"subnet", named("s1", "_scs-v6c-r1-a")}});
  cloud.fake.on(Method::post, "/v2.0/routers", 201, {{"router", named("r1", "_scs-v6c-r1")}});
  cloud.fake.on(Method::put, "/add_router_interface", 200, {{"id", "r1"}, {"subnet_id", "s1"}});
  cloud.fake.on(Method::post, "/v2.1/servers", 202, cloud_fixture("nova/server-created.json"));
  cloud.fake.on(Method::put, "/remove_router_interface", 200, {{"id", "r1"}});
  cloud.fake.on(Method::post, "/v2.0/ports", 409, cloud_fixture("errors/neutron-quota-409.json"));
  try {
    CleanupStack stack([](auto) {});
    NetworksClient networks(*cloud.session, &stack);
    SubnetsClient subnets(*cloud.session, &stack);
    RoutersClient routers(*cloud.session, &stack);
    ServersClient servers(*cloud.session, &stack);
    PortsClient ports(*cloud.session, &stack);
    networks.create_network({{"name", "_scs-v6c-r1-a"}});
    subnets.create_subnet({{"name", "_scs-v6c-r1-a"}});
    routers.create_router({{"name", "_scs-v6c-r1"}});
    routers.add_router_interface("r1", "s1");
    servers.create_server(server_body({"_scs-v6c-r1-vm", "f", "i", {"n1"}, {}, {}, "", false, json::object()}));
    ports.create_port({{"name", "_scs-v6c-r1-extra"}});  // quota exceeded: throws out of the scope
    FAIL("no exception");
  } catch (const QuotaExceeded&) {
  }
  const auto server = cloud_fixture("nova/server-created.json")["server"]["id"].get<std::string>();
  CHECK(cloud.deletions() == std::vector<std::string>{
                                 "DELETE " + kCannedNova + "servers/" + server,
                                 "PUT " + kCannedNeutron + "routers/r1/remove_router_interface",
                                 "DELETE " + kCannedNeutron + "routers/r1",
                                 "DELETE " + kCannedNeutron + "subnets/s1",
                                 "DELETE " + kCannedNeutron + "networks/n1",
                             });
  // The server's deletion was awaited before its network went.
  const auto calls = cloud.fake.calls();
  const auto waited = std::find(calls.begin(), calls.end(), "GET " + kCannedNova + "servers/" + server);
  const auto network = std::find(calls.begin(), calls.end(), "DELETE " + kCannedNeutron + "networks/n1");
  CHECK(waited < network);
}

TEST_CASE("cleanup stack: what the caller deleted itself is forgotten", "[cloud-cleanup]") {
  Cloud cloud;
  cloud.fake.on(Method::post, "/v2.0/rbac-policies", 201, {{"rbac_policy", {{"id", "rb1"}, {"object_id", "n1"}}}});
  CleanupStack stack([](auto) {});
  RbacPoliciesClient rbac(*cloud.session, &stack);
  rbac.create_rbac_policy({{"object_type", "network"}, {"object_id", "n1"}, {"action", "access_as_shared"}, {"target_tenant", "*"}});
  CHECK(stack.size() == 1);
  CHECK(stack.pending()[0].name == "n1");  // RBAC policies have no name: named by what they share
  rbac.delete_rbac_policy("rb1");
  CHECK(stack.size() == 0);
  CHECK(stack.run().deleted.empty());
  CHECK(cloud.deletions() == std::vector<std::string>{"DELETE " + kCannedNeutron + "rbac-policies/rb1"});
}

TEST_CASE("cleanup_by_prefix: only our project's resources whose names carry the prefix, in order", "[cloud-cleanup]") {
  Cloud cloud;
  auto& fake = cloud.fake;
  auto server = [](const std::string& id, const std::string& name, const std::string& project = kProject) {
    return json{{"id", id}, {"name", name}, {"tenant_id", project}, {"status", "ACTIVE"}};
  };
  fake.on(Method::get, "/v2.1/servers/detail", 200,
          {{"servers", {server("vm1", "_scs-v6c-r1-a"), server("vm2", "_scs-v6c-r1-b", kOtherProject), server("vm3", "jumphost")}}});
  fake.on(Method::get, "/v2.0/routers", 200, {{"routers", {named("r1", "_scs-v6c-r1"), named("r2", "main-router")}}});
  // Routes declared later win: the router's own ports after all ports.
  fake.on(Method::get, "/v2.0/ports", 200, {{"ports", {named("p1", "_scs-v6c-r1-vip"), named("p2", "")}}});
  fake.on(Method::get, "/v2.0/ports?device_id=r1", 200,
          {{"ports", {{{"id", "rp1"}, {"device_owner", "network:router_interface"}},
                      {{"id", "rp2"}, {"device_owner", "network:router_gateway"}}}}});
  fake.on(Method::get, "/v2.0/security-groups", 200,
          {{"security_groups", {named("sg1", "_scs-v6c-r1-agents"), named("sg0", "default")}}});
  fake.on(Method::get, "/v2.0/subnets", 200, {{"subnets", {named("s1", "_scs-v6c-r1-slaac"), named("s9", "_scs-v6c-x", kOtherProject)}}});
  fake.on(Method::get, "/v2.0/networks", 200,
          {{"networks", {named("n1", "_scs-v6c-r1-slaac"), named("pub", "v6c-public", kOtherProject), named("n2", "_scs-v6c")}}});  // no dash: not ours
  fake.on(Method::get, "/v2.0/rbac-policies?object_id=n1", 200, {{"rbac_policies", {{{"id", "rb1"}, {"object_id", "n1"}}}}});
  fake.on(Method::get, "/v2.0/subnetpools", 200, {{"subnetpools", {named("sp0", "v6c-default-v6", kOtherProject)}}});
  fake.on(Method::get, "/v2/images", 200,
          {{"images", {{{"id", "i1"}, {"name", "_scs-v6c-r1-agent"}, {"owner", kProject}},
                       {{"id", "i2"}, {"name", "_scs-v6c-shared"}, {"owner", kOtherProject}}}}});
  fake.on(Method::get, "/v2.1/flavors/detail", 200, cloud_fixture("nova/flavors.json"));

  SECTION("the default prefix") {
    const auto outcome = cleanup_by_prefix(*cloud.session, kDefaultPrefix, [](auto) {});
    CHECK(outcome.ok());
    CHECK(cloud.deletions() == std::vector<std::string>{
                                   "DELETE " + kCannedNova + "servers/vm1",
                                   "PUT " + kCannedNeutron + "routers/r1/remove_router_interface",
                                   "DELETE " + kCannedNeutron + "ports/p1",
                                   "DELETE " + kCannedNeutron + "rbac-policies/rb1",
                                   "DELETE " + kCannedNeutron + "routers/r1",
                                   "DELETE " + kCannedNeutron + "security-groups/sg1",
                                   "DELETE " + kCannedNeutron + "subnets/s1",
                                   "DELETE " + kCannedNeutron + "networks/n1",
                                   "DELETE " + kCannedGlance + "images/i1",
                                   "DELETE " + kCannedNova + "flavors/c1",
                               });
    const auto interface_removal = std::find_if(fake.requests.begin(), fake.requests.end(), [](const Request& r) {
      return r.url.find("remove_router_interface") != std::string::npos;
    });
    REQUIRE(interface_removal != fake.requests.end());
    CHECK(json::parse(interface_removal->body) == json{{"port_id", "rp1"}});  // not the gateway port
    CHECK(outcome.deleted.size() == 10);
  }
  SECTION("a dry run lists in order and deletes nothing") {
    const auto outcome = cleanup_by_prefix(*cloud.session, kDefaultPrefix, [](auto) {}, true);
    REQUIRE(outcome.deleted.size() == 10);
    CHECK(outcome.deleted.front() == "server _scs-v6c-r1-a (vm1)");
    CHECK(outcome.deleted.back() == "flavor _scs-v6c-r1-agent (c1)");
    CHECK(cloud.deletions().empty());
  }
  SECTION("another prefix matches none of ours") {
    CHECK(cleanup_by_prefix(*cloud.session, "_scs-other-", [](auto) {}).deleted.empty());
    CHECK(cloud.deletions().empty());
  }
  SECTION("a service we may not list is reported; the rest is still cleaned") {
    fake.on(Method::get, "/v2/images", 403, {{"message", "You are not authorized to list images."}});
    const auto outcome = cleanup_by_prefix(*cloud.session, kDefaultPrefix, [](auto) {});
    REQUIRE(outcome.failed.size() == 1);
    CHECK(outcome.failed[0].rfind("listing images: image API: permission denied: GET " + kCannedGlance + "images: 403", 0) == 0);
    CHECK(outcome.deleted.size() == 9);
  }
  SECTION("an empty prefix is refused before anything is listed") {
    CHECK_THROWS_AS(cleanup_by_prefix(*cloud.session, "", [](auto) {}), ConfigError);
    CHECK(fake.calls().empty());
  }
}
