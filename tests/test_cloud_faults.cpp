// The cloud client through the fault proxy in front of a small local OpenStack: with a share
// of every service's calls failing in every way the proxy knows, creates are never made twice,
// everything made is on the cleanup stack, lost answers are adopted and the cleanup leaves
// nothing. An API down for good ends with a CloudError naming it; a later cleanup removes
// what is left once it is back. The seed is fixed and printed, so a failure can be replayed.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <sstream>

#include "fake_openstack.hpp"
#include "fault_proxy.hpp"
#include "netlab.hpp"
#include "v6c/cloud/cleanup.hpp"
#include "v6c/cloud/errors.hpp"
#include "../controller/cloud_exit.hpp"
#include "v6c/cloud/neutron.hpp"
#include "v6c/cloud/session.hpp"
#include "v6c/host/host.hpp"

using namespace v6c;
using namespace v6c::cloud;
using namespace std::chrono_literals;

namespace {

constexpr std::uint64_t kSeed = 20261207;
const std::string kPrefix = "_scs-v6c-f1-";
// The client gives up reading well before the proxy's delay fault answers.
const Timeouts kClientTimeouts{2s, 2s, 2s, 2s, 1s};
constexpr auto kProxyDelay = 2s;
// More tries than the default: a loaded test machine may add a timeout of its own.
const RetryPolicy kPatient{6, 1ms, 1ms};
void no_sleep(std::chrono::milliseconds) {}

// A client as v6conform builds one (Connection), on the proxy's auth URL, waiting for nothing.
struct Client {
  explicit Client(const std::string& auth_url, RetryPolicy retry = {})
      : beast({}, kClientTimeouts), retrying(beast, retry, no_sleep), session(config(auth_url), retrying) {
    retrying.log = &log;
    session.retry = retry;
    session.retry_log = &log;
    session.sleep = no_sleep;
  }
  static CloudConfig config(const std::string& auth_url) {
    CloudConfig c;
    c.name = "fake";
    c.auth_url = auth_url;
    c.username = "u";
    c.password = "p";
    c.project_name = "v6c";
    return c;
  }
  bool adopted_something() const {
    for (const auto& n : log.notes())
      if (n.reason.find("adopted") != std::string::npos) return true;
    return false;
  }
  RetryLog log;
  BeastTransport beast;
  RetryingTransport retrying;
  Session session;
};

std::unique_ptr<test::FaultProxy> proxy_for(const test::FakeOpenStack& cloud, double share,
                                      std::vector<test::Fault> faults = test::all_faults()) {
  test::FaultOptions o;
  o.upstreams = {cloud.auth_url(), cloud.api_origin()};
  o.seed = kSeed;
  o.share = share;
  o.faults = std::move(faults);
  o.delay = kProxyDelay;
  return std::make_unique<test::FaultProxy>(o);
}

// What `v6conform run` makes in Neutron, in small: a security group with two nameless rules,
// networks with a subnet and two ports each, an RBAC policy (nameless too).
std::size_t build(Session& s, CleanupStack& stack) {
  SecurityGroupsClient groups(s, &stack);
  SecurityGroupRulesClient rules(s, &stack);
  NetworksClient networks(s, &stack);
  SubnetsClient subnets(s, &stack);
  PortsClient ports(s, &stack);
  RbacPoliciesClient rbac(s, &stack);
  const auto group = groups.create_security_group({{"name", kPrefix + "agents"}})["id"].get<std::string>();
  rules.create_security_group_rule({{"security_group_id", group}, {"direction", "ingress"}, {"ethertype", "IPv6"},
                                    {"protocol", "ipv6-icmp"}});
  rules.create_security_group_rule({{"security_group_id", group}, {"direction", "ingress"}, {"ethertype", "IPv6"},
                                    {"remote_group_id", group}});
  std::string first;
  for (const std::string mode : {"slaac", "dhcpv6-stateless", "dhcpv6-stateful"}) {
    const auto net = networks.create_network({{"name", kPrefix + mode}})["id"].get<std::string>();
    if (first.empty()) first = net;
    subnets.create_subnet({{"name", kPrefix + mode + "-v6"}, {"network_id", net}, {"ip_version", 6},
                           {"ipv6_ra_mode", mode}, {"ipv6_address_mode", mode}});
    for (const std::string vm : {"a", "b"})
      ports.create_port({{"name", kPrefix + mode + "-" + vm}, {"network_id", net}});
  }
  rbac.create_rbac_policy({{"object_type", "network"}, {"object_id", first}, {"action", "access_as_shared"},
                           {"target_tenant", "someone"}});
  return 1 + 2 + 3 * (1 + 1 + 2) + 1;
}

// No name twice in a collection, and every live resource's id on the stack.
void check_no_duplicate_nothing_untracked(const test::FakeOpenStack& cloud, const CleanupStack& stack) {
  std::set<std::string> tracked;
  for (const auto& e : stack.pending()) tracked.insert(e.id);
  for (const auto& [collection, items] : cloud.live()) {
    std::set<std::string> names;
    for (const auto& [id, item] : items) {
      CAPTURE(collection, id);
      CHECK(tracked.count(id) == 1);
      const auto name = item.value("name", "");
      if (!name.empty()) CHECK(names.insert(name).second);
    }
  }
}

}  // namespace

TEST_CASE("15% faults of every kind: nothing made twice, nothing untracked, nothing left", "[cloud-faults]") {
  INFO("fault proxy seed " << kSeed);
  test::FakeOpenStack cloud;
  auto proxy = proxy_for(cloud, 0.15);
  Client client(proxy->url(0), kPatient);
  CleanupStack stack(no_sleep);
  const auto expected = build(client.session, stack);
  CHECK(cloud.live_count() == expected);
  CHECK(stack.size() == expected);
  check_no_duplicate_nothing_untracked(cloud, stack);
  // The run above really met faults (about 40 calls at 15%; this seed injects two).
  CHECK_FALSE(proxy->injected().empty());
  CHECK_FALSE(client.log.notes().empty());

  const auto outcome = stack.run();
  CAPTURE(outcome.failed);
  CHECK(outcome.ok());
  const auto swept = cleanup_by_prefix(client.session, kPrefix, no_sleep);
  CAPTURE(swept.failed);
  CHECK(swept.ok());
  CHECK(cloud.live_count() == 0);
}

TEST_CASE("answers lost after the cloud acted: adopted by name or attributes, never made again", "[cloud-faults]") {
  INFO("fault proxy seed " << kSeed);
  test::FakeOpenStack cloud;
  auto proxy = proxy_for(cloud, 0.3, {test::Fault::lost_502, test::Fault::lost_reset, test::Fault::delay});
  Client client(proxy->url(0), kPatient);
  CleanupStack stack(no_sleep);
  const auto expected = build(client.session, stack);
  CHECK(client.adopted_something());
  CHECK(cloud.creates() == static_cast<int>(expected));  // each POST that made something was the only one
  CHECK(cloud.live_count() == expected);
  check_no_duplicate_nothing_untracked(cloud, stack);
  CHECK(stack.run().ok());
  CHECK(cloud.live_count() == 0);
}

TEST_CASE("the network API down for good: a CloudError naming it: cleanup once it is back", "[cloud-faults]") {
  test::FakeOpenStack cloud;
  auto proxy = proxy_for(cloud, 0.0);
  Client client(proxy->url(0), RetryPolicy{3, 1ms, 1ms});
  CleanupStack stack(no_sleep, RetryPolicy{2, 1ms, 1ms});
  NetworksClient networks(client.session, &stack);
  networks.create_network({{"name", kPrefix + "before"}});
  proxy->set_down("network", true);
  try {
    networks.create_network({{"name", kPrefix + "during"}});
    FAIL("no error");
  } catch (const CloudError& e) {
    const std::string what = e.what();
    CHECK(what.starts_with("network API: cloud error: "));
    CHECK(what.find("503 injected: the network API is down (3 attempts)") != std::string::npos);
    CHECK(v6c::exit_code_for(e) == 3);
  }
  CHECK_FALSE(stack.run().ok());  // the outage makes it undeletable for now
  CHECK(cloud.live_count() == 1);
  proxy->set_down("network", false);
  const auto later = cleanup_by_prefix(client.session, kPrefix, no_sleep);
  CHECK(later.ok());
  CHECK(later.deleted.size() == 1);
  CHECK(cloud.live_count() == 0);
}

TEST_CASE("v6conform scs with the network API down: exit 3, one CRITICAL line naming it", "[cloud-faults]") {
  if (!std::filesystem::exists(V6C_CONTROLLER_BIN)) {
    WARN("skipped: v6conform is not built");
    return;
  }
  test::FakeOpenStack cloud;
  auto proxy = proxy_for(cloud, 0.0);
  proxy->set_down("network", true);
  test::TempDir dir("cfaults");
  dir.file("clouds.yaml", "clouds:\n  fake:\n    auth:\n      auth_url: " + proxy->url(0) +
                              "\n      username: u\n      password: p\n      project_name: v6c\n"
                              "      user_domain_name: Default\n      project_domain_name: Default\n");
  const auto r = host::run({"sh", "-c",
                            "cd '" + dir.path.string() + "' && exec env -i HOME='" + dir.path.string() + "' '" +
                                V6C_CONTROLLER_BIN + "' scs -c fake scs-0126-default-subnetpool --api-attempts 2 " +
                                "--api-backoff-max 0.05"},
                           "", 60s);
  CAPTURE(r.out, r.err);
  CHECK(r.status == 3);
  CHECK(r.out == "scs-0126-default-subnetpool: ABORT\n");
  int critical = 0;
  std::istringstream err(r.err);
  for (std::string line; std::getline(err, line);)
    if (line.starts_with("CRITICAL: ")) {
      ++critical;
      CHECK(line.find("network API: cloud error: ") != std::string::npos);
      CHECK(line.find("503 injected: the network API is down (2 attempts)") != std::string::npos);
    }
  CHECK(critical == 1);
}

TEST_CASE("fault choice: a pure function of seed, service, method and count", "[cloud-faults]") {
  const auto& all = test::all_faults();
  int chosen = 0;
  for (std::uint64_t n = 0; n < 2000; ++n) {
    const auto a = test::choose_fault(kSeed, "network", "POST", n, 0.1, all, true);
    CHECK(a == test::choose_fault(kSeed, "network", "POST", n, 0.1, all, true));
    CHECK(a != test::Fault::conflict);  // 409 only for DELETE
    chosen += a.has_value();
    CHECK(test::choose_fault(kSeed, "network", "GET", n, 0.1, all, false) != test::Fault::unauthorized);
    CHECK_FALSE(test::choose_fault(kSeed, "network", "GET", n, 0.0, all, true));
    CHECK(test::choose_fault(kSeed, "network", "GET", n, 1.0, all, true));
  }
  CHECK(chosen > 150);  // about 10% of 2000
  CHECK(chosen < 250);
  for (auto f : all) CHECK(test::parse_fault(test::fault_name(f)) == f);
}
