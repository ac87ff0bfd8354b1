// The test topology on a real cloud, and the api section's facts recorded while building it
// (docs/catalog.md "API facts"). Facts come from what Neutron answered, never from what we asked.
#include <algorithm>
#include <cstdlib>
#include <future>

#include "v6c/catalog/plan.hpp"
#include "v6c/cloud/errors.hpp"
#include "v6c/cloud/neutron.hpp"
#include "v6c/run/run.hpp"

namespace v6c::run {
namespace {

constexpr int kPrefixLength = 64;  // RFC 4291 §2.5.4: SLAAC needs a /64
constexpr std::string_view kPeerMode = "slaac";
// The CIDR of the mismatched-mode attempts when the user gave none: a documentation /64 that
// no subnet is ever created in (the attempts must be refused; one that is not is deleted).
constexpr const char* kInvalidModesCidr = "2001:db8:ffff:fffe::/64";

// Mismatched ipv6_ra_mode / ipv6_address_mode pairs Neutron must refuse (api-invalid-modes).
const std::vector<std::pair<std::string, std::string>> kInvalidModePairs = {
    {"slaac", "dhcpv6-stateful"}, {"dhcpv6-stateful", "slaac"}, {"dhcpv6-stateless", "dhcpv6-stateful"}};

std::string ipv6_of(const json& fixed_ips, std::vector<wire::Ip6>* all = nullptr) {
  std::string first;
  for (const auto& ip : fixed_ips) {
    const auto text = ip.value("ip_address", std::string());
    if (auto a = wire::Ip6::parse(text)) {
      if (first.empty()) first = text;
      if (all) all->push_back(*a);
    }
  }
  return first;
}

model::Port port_facts(const json& port, const std::string& name, const std::string& role) {
  model::Port p;
  p.name = name;
  p.role = role;
  auto mac = wire::Mac::parse(port.value("mac_address", std::string()));
  if (!mac) throw cloud::BadResponse("port " + port.value("id", std::string("?")) + " has no MAC address");
  p.mac = *mac;
  ipv6_of(port.value("fixed_ips", json::array()), &p.fixed_ips);
  return p;
}

// "2001:db8:1::/64" → prefix and length.
std::pair<wire::Ip6, std::uint8_t> split_cidr(const std::string& cidr) {
  const auto slash = cidr.find('/');
  auto prefix = wire::Ip6::parse(cidr.substr(0, slash));
  if (!prefix || slash == std::string::npos) throw cloud::BadResponse("subnet CIDR '" + cidr + "' is not IPv6");
  return {*prefix, static_cast<std::uint8_t>(std::stoi(cidr.substr(slash + 1)))};
}

// The n-th /64 inside a user-given prefix; ConfigError when the prefix is no IPv6 prefix of at
// most /64 or holds no n-th /64.
std::string nth_64(const std::string& base, int n) {
  const auto slash = base.find('/');
  const auto prefix = wire::Ip6::parse(base.substr(0, slash));
  const int length = slash == std::string::npos ? -1 : std::atoi(base.c_str() + slash + 1);
  if (!prefix || length < 0 || length > kPrefixLength)
    throw cloud::ConfigError("--ipv6-cidr " + base + ": not an IPv6 prefix of /64 or shorter");
  const int subnet_bits = kPrefixLength - length;
  if (n < 0 || (subnet_bits < 31 && n >= (1 << subnet_bits)))
    throw cloud::ConfigError("--ipv6-cidr " + base + " holds " + std::to_string(1 << subnet_bits) +
                             " /64s; the run needs " + std::to_string(n + 1));
  wire::Ip6 out = prefix->prefix(static_cast<unsigned>(length));
  // The /64's number fills the bits between the prefix and bit 64, from byte 7 down.
  for (int i = 7; n > 0; --i, n >>= 8) out.bytes[i] |= static_cast<std::uint8_t>(n & 0xff);
  return out.str() + "/64";
}

// How many /64s a run cuts from --ipv6-cidr: one per network without a default pool, one per
// mode tried through the API alone, one per mismatched pair tried with a CIDR.
int cidr_64s_needed(const Options& o, bool default_pool) {
  const auto networks = o.modes.size() + (o.modes.size() == 1) + o.security;
  const auto api_only_modes = kAllModes.size() - o.modes.size();
  return static_cast<int>((default_pool ? 0 : networks + api_only_modes) + kInvalidModePairs.size());
}

json external_summary(const json& n) {
  return {{"name", n.value("name", std::string())},
          {"id", n.value("id", std::string())},
          {"is_default", n.value("is_default", false)},
          {"shared", n.value("shared", false)},
          {"port_security_enabled", n.value("port_security_enabled", false)}};
}

}  // namespace

std::string resource_name(const Options& o, const std::string& what) { return o.prefix + o.run_id + "-" + what; }

Topology provision(cloud::Session& s, cloud::CleanupStack& cleanup, const catalog::Catalog& c, const Options& o) {
  cloud::NetworksClient networks(s, &cleanup);
  cloud::SubnetsClient subnets(s, &cleanup);
  cloud::SubnetpoolsClient pools(s, &cleanup);
  cloud::RoutersClient routers(s, &cleanup);
  cloud::PortsClient ports(s, &cleanup);
  cloud::SecurityGroupsClient groups(s, &cleanup);
  cloud::SecurityGroupRulesClient rules(s, &cleanup);
  cloud::RbacPoliciesClient rbac(s, &cleanup);

  Topology t;
  auto& f = t.facts;
  f.source = s.config().name;
  f.backend = o.backend;
  f.external_target = o.external_target;
  f.api = json::object();

  // Subnet pools and external networks, as a project member sees them.
  json pool_facts = json::array();
  std::optional<json> default_pool;
  for (const auto& p : pools.list_subnetpools()) {
    pool_facts.push_back({{"name", p.value("name", std::string())},
                          {"ip_version", p.value("ip_version", 0)},
                          {"is_default", p.value("is_default", false)},
                          {"shared", p.value("shared", false)}});
    if (p.value("ip_version", 0) == 6 && p.value("is_default", false) && !default_pool) default_pool = p;
  }
  f.api["subnetpools"] = pool_facts;
  if (!default_pool && o.ipv6_cidr.empty())
    throw cloud::ConfigError(
        "the cloud offers no default IPv6 subnet pool; give --ipv6-cidr PREFIX to cut the test /64s from");
  // Before anything is created: a prefix too small for the run is refused, not overrun.
  if (!o.ipv6_cidr.empty()) nth_64(o.ipv6_cidr, cidr_64s_needed(o, default_pool.has_value()) - 1);
  f.api["subnetpool_allocation"] = {{"ok", false}, {"error", default_pool ? "not tried" : "no default IPv6 pool"}};

  json external = json::array();
  std::optional<json> gateway_net;
  for (const auto& n : networks.list_networks({{"router:external", "true"}})) {
    external.push_back(external_summary(n));
    const bool named = !o.external_network.empty() &&
                       (n.value("name", std::string()) == o.external_network || n.value("id", std::string()) == o.external_network);
    if (named || (o.external_network.empty() && n.value("is_default", false))) gateway_net = n;
  }
  f.api["external_networks"] = external;
  if (!o.external_network.empty() && !gateway_net)
    throw cloud::ConfigError("--external-network " + o.external_network + ": no such external network");

  // The router, with the provider network as its gateway when there is one.
  json router_attrs = {{"name", resource_name(o, "router")}};
  if (gateway_net) router_attrs["external_gateway_info"] = {{"network_id", gateway_net->value("id", std::string())}};
  const auto router = routers.create_router(router_attrs);
  t.router_id = router.value("id", std::string());
  json gw_ips = json::array();
  if (router.contains("external_gateway_info") && router["external_gateway_info"].is_object())
    for (const auto& ip : router["external_gateway_info"].value("external_fixed_ips", json::array()))
      gw_ips.push_back(ip.value("ip_address", std::string()));
  f.api["router_gateway"] = {{"network", gateway_net ? gateway_net->value("name", std::string()) : ""},
                             {"external_fixed_ips", gw_ips}};

  // The agents' security group: ICMPv6 from anywhere (echo-in), everything among the agents.
  const auto group = groups.create_security_group({{"name", resource_name(o, "agents")},
                                                   {"description", "v6conform agents"}});
  t.security_group_id = group.value("id", std::string());
  rules.create_security_group_rule({{"security_group_id", t.security_group_id},
                                    {"direction", "ingress"},
                                    {"ethertype", "IPv6"},
                                    {"protocol", "ipv6-icmp"}});
  rules.create_security_group_rule({{"security_group_id", t.security_group_id},
                                    {"direction", "ingress"},
                                    {"ethertype", "IPv6"},
                                    {"remote_group_id", t.security_group_id}});

  // One network per mode; a single mode gets a peer network for east-west through the router.
  // The modes are built concurrently (each one's calls wait on Neutron's agents), merged in order.
  struct NetSpec {
    std::string name, mode;
    bool mode_under_test;
    std::vector<std::pair<std::string, std::string>> vms;  // name suffix, role
  };
  // Only what the enabled requirements need (`v6conform scs` may ask for a few): the modes'
  // subnets for the api section, their probe VMs for the network sections.
  const bool probes = std::any_of(c.requirements.begin(), c.requirements.end(), [](const catalog::Requirement& r) {
    return r.enabled && r.section != "api" && r.section != "security";
  });
  const bool api = catalog::section_enabled(c, "api");
  std::vector<std::pair<std::string, std::string>> probe_vm;
  if (probes) probe_vm = {{"vm", "probe"}};
  std::vector<NetSpec> specs;
  if (probes || api)
    for (const auto& m : o.modes) specs.push_back({m, m, true, probe_vm});
  if (probes && o.modes.size() == 1) specs.push_back({"peer", std::string(kPeerMode), false, probe_vm});
  // The attacks get a network of their own, so a spoof that gets through cannot spoil the
  // probes' measurements of the modes.
  if (o.security)
    specs.push_back({"sec", std::string(kPeerMode), false,
                     {{"attacker", std::string(catalog::kRoleAttacker)}, {"victim", std::string(catalog::kRoleVictim)}}});
  struct Built {
    std::optional<model::Network> network;
    std::string network_id, allocated, error;
    int status = 0;
    std::vector<AgentVm> vms;
  };
  // sec-default-sg (scs-0115) is about the project's default group: the victim is in it and
  // the attacker is not, so the attacker's unsolicited packets must be dropped. Everyone else
  // is in the agents' group.
  std::string default_group;
  if (o.security)
    for (const auto& g : groups.list_security_groups({{"name", "default"}, {"project_id", s.project_id()}}))
      default_group = g.value("id", std::string());
  auto group_for = [&](const std::string& role) {
    return role == catalog::kRoleVictim && !default_group.empty() ? default_group : t.security_group_id;
  };
  auto build = [&](std::size_t i) {
    Built b;
    const auto& mode = specs[i].mode;
    const std::string net_name = resource_name(o, specs[i].name);
    const auto net = networks.create_network({{"name", net_name}});
    b.network_id = net.value("id", std::string());
    cloud::Ipv6SubnetSpec spec;
    spec.name = net_name + "-v6";
    spec.network_id = b.network_id;
    spec.ra_mode = spec.address_mode = mode;
    if (default_pool) spec.subnetpool_id = default_pool->value("id", std::string());
    else spec.cidr = nth_64(o.ipv6_cidr, static_cast<int>(i));
    spec.prefixlen = kPrefixLength;
    json subnet;
    try {
      subnet = subnets.create_subnet(cloud::ipv6_subnet_attributes(spec));
    } catch (const cloud::QuotaExceeded&) {
      throw;
    } catch (const cloud::CloudError& e) {
      b.error = e.what();
      b.status = e.status();
      networks.delete_network(b.network_id);
      return b;
    }
    b.allocated = subnet.value("cidr", std::string());
    if (!o.ipv4_cidr.empty())
      subnets.create_subnet({{"name", net_name + "-v4"}, {"network_id", b.network_id}, {"ip_version", 4},
                             {"cidr", o.ipv4_cidr}});
    routers.add_router_interface(t.router_id, subnet.value("id", std::string()));

    model::Network n;
    n.name = net_name;
    n.mtu = net.value("mtu", 1500u);
    n.subnet.name = spec.name;
    n.subnet.mode = mode;
    std::tie(n.subnet.prefix, n.subnet.prefix_length) = split_cidr(b.allocated);
    if (auto gw = wire::Ip6::parse(subnet.value("gateway_ip", std::string()))) n.subnet.gateway_ip = *gw;
    for (const auto& d : subnet.value("dns_nameservers", json::array()))
      if (auto a = wire::Ip6::parse(d.get<std::string>())) n.subnet.dns_servers.push_back(*a);
    // The router's port on this subnet: the RA source and the gateway the VMs must reach.
    for (const auto& p : ports.list_ports({{"device_id", t.router_id}, {"network_id", b.network_id}}))
      n.router_port = port_facts(p, "router", "router");

    for (const auto& [what, role] : specs[i].vms) {
      const auto vm_name = net_name + "-" + what;
      const auto port = ports.create_port(
          {{"name", vm_name}, {"network_id", b.network_id}, {"security_groups", json::array({group_for(role)})}});
      n.ports.push_back(port_facts(port, vm_name, role));
      b.vms.push_back({vm_name, net_name, port.value("id", std::string()), "", json()});
    }
    b.network = std::move(n);
    return b;
  };
  std::vector<std::future<Built>> tasks;
  for (std::size_t i = 0; i < specs.size(); ++i) tasks.push_back(std::async(std::launch::async, build, i));
  std::vector<Built> built;
  std::exception_ptr failed;
  for (auto& task : tasks) {  // every task ends before anything is rethrown: they use this frame
    try {
      built.push_back(task.get());
    } catch (...) {
      if (!failed) failed = std::current_exception();
    }
  }
  if (failed) std::rethrow_exception(failed);

  json address_modes = json::object();
  for (std::size_t i = 0; i < built.size(); ++i) {
    auto& b = built[i];
    if (specs[i].mode_under_test) address_modes[specs[i].mode] = b.network ? json{{"ok", true}} : json{{"ok", false}, {"error", b.error}, {"status", b.status}};
    if (default_pool && !f.api["subnetpool_allocation"].value("ok", false))
      f.api["subnetpool_allocation"] = b.network ? json{{"ok", true}, {"prefix", b.allocated}}
                                                 : json{{"ok", false}, {"error", b.error}, {"status", b.status}};
    if (!b.network) continue;
    t.network_ids[b.network->name] = b.network_id;
    t.vms.insert(t.vms.end(), b.vms.begin(), b.vms.end());
    f.networks.push_back(std::move(*b.network));
  }
  int cidr_index = static_cast<int>(specs.size());
  // The API tries below create and delete subnets. On a network with VMs that races Neutron's
  // DHCP agent setting it up (SubnetInUse, then a resync that adds the VMs' host entries
  // seconds late), so they get a network of their own with no ports.
  std::string api_net;
  if (api && !t.network_ids.empty())
    api_net = networks.create_network({{"name", resource_name(o, "api")}}).value("id", std::string());
  // Modes not under test (--mode) are still tried through the API, so that api-address-modes
  // measures all three; each subnet is deleted at once.
  if (!api_net.empty())
    for (const auto& mode : kAllModes) {
      if (address_modes.contains(mode)) continue;
      cloud::Ipv6SubnetSpec spec;
      spec.name = resource_name(o, "mode-" + mode);
      spec.network_id = api_net;
      spec.ra_mode = spec.address_mode = mode;
      if (default_pool) spec.subnetpool_id = default_pool->value("id", std::string());
      else spec.cidr = nth_64(o.ipv6_cidr, cidr_index++);
      try {
        const auto id = subnets.create_subnet(cloud::ipv6_subnet_attributes(spec)).value("id", std::string());
        address_modes[mode] = {{"ok", true}, {"api_only", true}};
        subnets.delete_subnet(id);
      } catch (const cloud::CloudError& e) {
        address_modes[mode] = {{"ok", false}, {"error", e.what()}, {"status", e.status()}};
      }
    }
  f.api["address_modes"] = address_modes;

  // What a project member must not be able to do; anything the cloud wrongly creates is
  // deleted at once.
  if (!api_net.empty()) {
    json tries = json::array();
    int n = 0;
    // Both ways a project gets a subnet: from the pool and with its own CIDR (Neutron Zed
    // validates the mode pair only on the second).
    std::vector<std::string> ways = {"cidr"};
    if (default_pool) ways.insert(ways.begin(), "pool");
    for (const auto& way : ways)
    for (const auto& [ra, addr] : kInvalidModePairs) {
      cloud::Ipv6SubnetSpec spec;
      spec.name = resource_name(o, "invalid-" + std::to_string(n));
      spec.network_id = api_net;
      spec.ra_mode = ra;
      spec.address_mode = addr;
      if (way == "pool") spec.subnetpool_id = default_pool->value("id", std::string());
      else spec.cidr = o.ipv6_cidr.empty() ? kInvalidModesCidr : nth_64(o.ipv6_cidr, cidr_index++);
      int status = 0;
      std::string wrong;
      try {
        wrong = subnets.create_subnet(cloud::ipv6_subnet_attributes(spec)).value("id", std::string());
        status = 201;
      } catch (const cloud::CloudError& e) {
        status = e.status();
      }
      if (!wrong.empty()) subnets.delete_subnet(wrong);  // on the stack too, should this fail
      tries.push_back({{"ra_mode", ra}, {"address_mode", addr}, {"via", way}, {"status", status}});
      ++n;
    }
    f.api["invalid_modes"] = tries;
    int status = 0;
    std::string policy, refusal;
    try {
      policy = rbac.create_rbac_policy({{"object_type", "network"},
                                        {"object_id", api_net},
                                        {"action", "access_as_shared"},
                                        {"target_tenant", s.project_id()}})
                   .value("id", std::string());
      status = 201;
    } catch (const cloud::CloudError& e) {
      status = e.status();
      refusal = e.what();
    }
    if (!policy.empty()) rbac.delete_rbac_policy(policy);
    f.api["rbac_create"] = {{"status", status}, {"error", refusal}};
  }

  // Plans, now that every port's address is known (peers are read from the facts).
  const auto options = catalog::plan_options(c, f);
  catalog::SecurityPlanOptions security;
  // Attacks only on the user's explicit word (--security, or sec-* testcases asked of
  // `v6conform scs`), and only in the network this run created for them.
  security.network_is_ours = o.security;
  security.attacks = o.security ? catalog::requested_attacks(c) : std::vector<std::string>{};
  for (auto& vm : t.vms) {
    const auto& net = *std::find_if(f.networks.begin(), f.networks.end(), [&](const auto& n) { return n.name == vm.network; });
    const auto& port = *std::find_if(net.ports.begin(), net.ports.end(), [&](const auto& p) { return p.name == vm.name; });
    vm.plan = cloud_plan(catalog::plan_for_port(f, net, port, options, security), vm.name, o);
  }
  return t;
}

json cloud_plan(wire::Plan plan, const std::string& run, const Options& o) {
  plan.run = run;
  plan.host = run;
  // Idle, not power off: a shut-off guest's console is gone on libvirt ("Guest does not have
  // a console available"), and the VMs are deleted right after their reports are read.
  plan.after = "idle";
  plan.answer_echo = true;
  plan.serve_ms = o.serve.count();
  for (auto& p : plan.procedures)
    if (auto* echo = std::get_if<wire::EchoSpec>(&p.spec); echo && p.id.starts_with(catalog::proc::kEchoPeerPrefix))
      echo->patience_ms = o.peer_patience.count();
  return plan;
}

}  // namespace v6c::run
