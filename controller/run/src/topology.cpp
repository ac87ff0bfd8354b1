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
constexpr model::Mode kPeerMode = model::Mode::slaac;
constexpr int kIcmpv6EchoRequest = 128;  // RFC 4443 §4.1; Neutron takes an ICMP type as port_range_min
// ptb-delivered's far link: a network of the IPv6 minimum MTU on the same router, so that the
// probe VMs' tenant-MTU packets for it must draw a Packet Too Big from the router. Nobody
// needs to live there: a router checks the MTU before it resolves the next hop.
constexpr std::uint32_t kFarMtu = 1280;  // RFC 8200 §5
constexpr std::uint8_t kFarHostByte = 0xff;  // far target: <far /64>::ff
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

model::Port port_facts(const json& port, const std::string& name, model::Role role) {
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

bool judges_ptb(const catalog::Catalog& c) {
  return catalog::check_enabled(c, "ptb_delivered");
}

// icmp6-errors' control path: a VM whose group admits all ICMPv6 tells a filter that drops
// Destination Unreachable from a router that sends none.
bool judges_icmp_errors(const catalog::Catalog& c) {
  return catalog::check_enabled(c, "icmp6_errors") || catalog::check_enabled(c, "icmp6_addr_unreachable");
}

// How many /64s a run cuts from --ipv6-cidr: one per network (the far link's too) without a
// default pool, one per mode tried through the API alone, one per mismatched pair tried with a CIDR.
int cidr_64s_needed(const Options& o, bool default_pool, bool far_link) {
  const auto networks = o.modes.size() + (o.modes.size() == 1) + o.security + far_link;
  const auto api_only_modes = model::kAllModes.size() - o.modes.size();
  return static_cast<int>((default_pool ? 0 : networks + api_only_modes) + kInvalidModePairs.size());
}

json external_summary(const json& n) {
  return {{"name", n.value("name", std::string())},
          {"id", n.value("id", std::string())},
          {"is_default", n.value("is_default", false)},
          {"shared", n.value("shared", false)},
          {"port_security_enabled", n.value("port_security_enabled", false)}};
}

// The steps of provision(), in the order they run; each records what Neutron answered.
class Provisioner {
 public:
  Provisioner(cloud::Session& s, cloud::CleanupStack& cleanup, const catalog::Catalog& c, const Options& o)
      : s_(s), c_(c), o_(o), networks_(s, &cleanup), subnets_(s, &cleanup), pools_(s, &cleanup),
        routers_(s, &cleanup), ports_(s, &cleanup), groups_(s, &cleanup), rules_(s, &cleanup), rbac_(s, &cleanup) {
    auto& f = t_.facts;
    f.source = s.config().name;
    f.backend = o.backend;
    f.external_target = o.external_target;
    f.api = json::object();
  }

  void pool_facts();
  void external_network_facts();
  void router();
  void security_group();
  void networks();
  void address_mode_tries();
  void forbidden_tries();
  void plans();
  Topology take() { return std::move(t_); }
  json take_tries() { return std::move(tries_); }

 private:
  struct NetSpec {
    std::string name;
    model::Mode mode;
    bool mode_under_test;
    std::vector<std::pair<std::string, model::Role>> vms;  // name suffix, role
    std::optional<std::uint32_t> mtu = std::nullopt;       // the far link's; else the cloud's default
  };
  struct Built {
    std::optional<model::Network> network;
    std::string network_id, allocated, error;
    int status = 0;
    std::vector<AgentVm> vms;
  };
  std::vector<NetSpec> network_specs() const;
  Built build(const NetSpec& spec, std::size_t index);
  void merge(const std::vector<NetSpec>& specs, std::vector<Built>& built);
  void far_link(Built& b);
  json group_for(model::Role role) const;
  cloud::Ipv6SubnetSpec subnet_spec(const std::string& name, const std::string& network_id, int cidr_index) const;
  json& api(const char* key) { return t_.facts.api[key]; }

  cloud::Session& s_;
  const catalog::Catalog& c_;
  const Options& o_;
  cloud::NetworksClient networks_;
  cloud::SubnetsClient subnets_;
  cloud::SubnetpoolsClient pools_;
  cloud::RoutersClient routers_;
  cloud::PortsClient ports_;
  cloud::SecurityGroupsClient groups_;
  cloud::SecurityGroupRulesClient rules_;
  cloud::RbacPoliciesClient rbac_;
  Topology t_;
  std::optional<json> default_pool_, gateway_net_;
  std::string default_group_;  // the project's "default" security group
  std::string control_group_;  // admits all ICMPv6: the control VM's
  json address_modes_ = json::object();
  json tries_ = json::object();  // the API tries' facts, written after take()
  bool built_networks_ = false;
  std::string api_net_;        // the ports-free network the API tries use
  int cidr_index_ = 0;         // the next /64 of --ipv6-cidr
};

// Subnet pools, as a project member sees them.
void Provisioner::pool_facts() {
  json pool_facts = json::array();
  for (const auto& p : pools_.list_subnetpools()) {
    pool_facts.push_back({{"name", p.value("name", std::string())},
                          {"ip_version", p.value("ip_version", 0)},
                          {"is_default", p.value("is_default", false)},
                          {"shared", p.value("shared", false)}});
    if (p.value("ip_version", 0) == 6 && p.value("is_default", false) && !default_pool_) default_pool_ = p;
  }
  api("subnetpools") = pool_facts;
  if (!default_pool_ && o_.ipv6_cidr.empty())
    throw cloud::ConfigError(
        "the cloud offers no default IPv6 subnet pool; give --ipv6-cidr PREFIX to cut the test /64s from");
  // Before anything is created: a prefix too small for the run is refused, not overrun.
  if (!o_.ipv6_cidr.empty()) nth_64(o_.ipv6_cidr, cidr_64s_needed(o_, default_pool_.has_value(), judges_ptb(c_)) - 1);
  api("subnetpool_allocation") = {{"ok", false}, {"error", default_pool_ ? "not tried" : "no default IPv6 pool"}};
}

// External networks, and the one the router's gateway goes to.
void Provisioner::external_network_facts() {
  json external = json::array();
  for (const auto& n : networks_.list_networks({{"router:external", "true"}})) {
    external.push_back(external_summary(n));
    const bool named = !o_.external_network.empty() && (n.value("name", std::string()) == o_.external_network ||
                                                        n.value("id", std::string()) == o_.external_network);
    if (named || (o_.external_network.empty() && n.value("is_default", false))) gateway_net_ = n;
  }
  api("external_networks") = external;
  if (!o_.external_network.empty() && !gateway_net_)
    throw cloud::ConfigError("--external-network " + o_.external_network + ": no such external network");
}

// The router, with the provider network as its gateway when there is one.
void Provisioner::router() {
  json router_attrs = {{"name", resource_name(o_, "router")}};
  if (gateway_net_) router_attrs["external_gateway_info"] = {{"network_id", gateway_net_->value("id", std::string())}};
  const auto router = routers_.create_router(router_attrs);
  t_.router_id = router.value("id", std::string());
  json gw_ips = json::array();
  if (router.contains("external_gateway_info") && router["external_gateway_info"].is_object())
    for (const auto& ip : router["external_gateway_info"].value("external_fixed_ips", json::array()))
      gw_ips.push_back(ip.value("ip_address", std::string()));
  api("router_gateway") = {{"network", gateway_net_ ? gateway_net_->value("name", std::string()) : ""},
                           {"external_fixed_ips", gw_ips}};
}

// The agents' security group: echo requests from anywhere (echo-in), everything among the
// agents. No other ICMPv6: the errors the VMs provoke must come through as the default group
// lets them, as related traffic (icmp6-errors).
void Provisioner::security_group() {
  const auto group = groups_.create_security_group({{"name", resource_name(o_, "agents")},
                                                    {"description", "v6conform agents"}});
  t_.security_group_id = group.value("id", std::string());
  rules_.create_security_group_rule({{"security_group_id", t_.security_group_id},
                                     {"direction", "ingress"},
                                     {"ethertype", "IPv6"},
                                     {"protocol", "ipv6-icmp"},
                                     {"port_range_min", kIcmpv6EchoRequest}});
  rules_.create_security_group_rule({{"security_group_id", t_.security_group_id},
                                     {"direction", "ingress"},
                                     {"ethertype", "IPv6"},
                                     {"remote_group_id", t_.security_group_id}});
  for (const auto& g : groups_.list_security_groups({{"name", "default"}, {"project_id", s_.project_id()}}))
    default_group_ = g.value("id", std::string());
  if (!judges_icmp_errors(c_)) return;
  const auto control = groups_.create_security_group({{"name", resource_name(o_, "all-icmp")},
                                                      {"description", "v6conform control path: all ICMPv6 in"}});
  control_group_ = control.value("id", std::string());
  rules_.create_security_group_rule(
      {{"security_group_id", control_group_}, {"direction", "ingress"}, {"ethertype", "IPv6"}, {"protocol", "ipv6-icmp"}});
}

// sec-default-sg (scs-0115) is about the project's default group: the victim is in it alone
// and the attacker is not, so the attacker's unsolicited packets must be dropped. The probe
// VMs are in it too (icmp6-errors: "through the default security group"), and in the agents'.
// The control VM is not: its group admits every ICMPv6 error the router sends.
json Provisioner::group_for(model::Role role) const {
  json ids = json::array();
  if (role == model::Role::control) return json::array({t_.security_group_id, control_group_});
  if (role != model::Role::victim || default_group_.empty()) ids.push_back(t_.security_group_id);
  if (role != model::Role::attacker && !default_group_.empty()) ids.push_back(default_group_);
  return ids;
}

// One network per mode; a single mode gets a peer network for east-west through the router.
// Only what the enabled requirements need (`v6conform scs` may ask for a few): the modes'
// subnets for the api section, their probe VMs for the network sections.
std::vector<Provisioner::NetSpec> Provisioner::network_specs() const {
  const bool probes = std::any_of(c_.requirements.begin(), c_.requirements.end(), [](const catalog::Requirement& r) {
    return r.enabled && r.section != catalog::Section::api && r.section != catalog::Section::security;
  });
  const bool api_section = catalog::section_enabled(c_, catalog::Section::api);
  std::vector<std::pair<std::string, model::Role>> probe_vm;
  if (probes) probe_vm = {{"vm", model::Role::probe}};
  std::vector<NetSpec> specs;
  if (probes || api_section)
    for (const auto m : o_.modes) specs.push_back({std::string(model::to_string(m)), m, true, probe_vm});
  if (probes && judges_icmp_errors(c_) && !specs.empty()) specs.front().vms.push_back({"control", model::Role::control});
  if (probes && o_.modes.size() == 1) specs.push_back({"peer", kPeerMode, false, probe_vm});
  // The attacks get a network of their own, so a spoof that gets through cannot spoil the
  // probes' measurements of the modes.
  if (o_.security)
    specs.push_back({"sec", kPeerMode, false, {{"attacker", model::Role::attacker}, {"victim", model::Role::victim}}});
  if (probes && judges_ptb(c_)) specs.push_back({"far", kPeerMode, false, {}, kFarMtu});
  return specs;
}

cloud::Ipv6SubnetSpec Provisioner::subnet_spec(const std::string& name, const std::string& network_id,
                                               int cidr_index) const {
  cloud::Ipv6SubnetSpec spec;
  spec.name = name;
  spec.network_id = network_id;
  if (default_pool_) spec.subnetpool_id = default_pool_->value("id", std::string());
  else spec.cidr = nth_64(o_.ipv6_cidr, cidr_index);
  return spec;
}

// One network, its subnet on the router, its ports; a subnet the cloud refuses is recorded.
Provisioner::Built Provisioner::build(const NetSpec& ns, std::size_t index) {
  Built b;
  const std::string net_name = resource_name(o_, ns.name);
  json net;
  try {
    net = networks_.create_network(ns.mtu ? json{{"name", net_name}, {"mtu", *ns.mtu}} : json{{"name", net_name}});
  } catch (const cloud::CloudError& e) {
    if (!ns.mtu || dynamic_cast<const cloud::QuotaExceeded*>(&e)) throw;
    b.error = e.what();  // a member may not set this MTU here: the far link is missing, named so
    b.status = e.status();
    return b;
  }
  b.network_id = net.value("id", std::string());
  auto spec = subnet_spec(net_name + "-v6", b.network_id, static_cast<int>(index));
  spec.ra_mode = spec.address_mode = model::to_string(ns.mode);
  spec.prefixlen = kPrefixLength;
  json subnet;
  try {
    subnet = subnets_.create_subnet(cloud::ipv6_subnet_attributes(spec));
  } catch (const cloud::QuotaExceeded&) {
    throw;
  } catch (const cloud::CloudError& e) {
    b.error = e.what();
    b.status = e.status();
    networks_.delete_network(b.network_id);
    return b;
  }
  b.allocated = subnet.value("cidr", std::string());
  if (!o_.ipv4_cidr.empty())
    subnets_.create_subnet({{"name", net_name + "-v4"}, {"network_id", b.network_id}, {"ip_version", 4},
                            {"cidr", o_.ipv4_cidr}});
  routers_.add_router_interface(t_.router_id, subnet.value("id", std::string()));

  model::Network n;
  n.name = net_name;
  n.mtu = net.value("mtu", 1500u);
  n.subnet.name = spec.name;
  n.subnet.mode = ns.mode;
  std::tie(n.subnet.prefix, n.subnet.prefix_length) = split_cidr(b.allocated);
  if (auto gw = wire::Ip6::parse(subnet.value("gateway_ip", std::string()))) n.subnet.gateway_ip = *gw;
  for (const auto& d : subnet.value("dns_nameservers", json::array()))
    if (auto a = wire::Ip6::parse(d.get<std::string>())) n.subnet.dns_servers.push_back(*a);
  // The router's port on this subnet: the RA source and the gateway the VMs must reach.
  for (const auto& p : ports_.list_ports({{"device_id", t_.router_id}, {"network_id", b.network_id}}))
    n.router_port = port_facts(p, "router", model::Role::router);
  for (const auto& [what, role] : ns.vms) {
    const auto vm_name = net_name + "-" + what;
    const auto port = ports_.create_port(
        {{"name", vm_name}, {"network_id", b.network_id}, {"security_groups", group_for(role)}});
    n.ports.push_back(port_facts(port, vm_name, role));
    b.vms.push_back({vm_name, net_name, port.value("id", std::string()), "", json()});
  }
  b.network = std::move(n);
  return b;
}

// The modes are built concurrently (each one's calls wait on Neutron's agents), merged in order.
void Provisioner::networks() {
  const auto specs = network_specs();
  std::vector<std::future<Built>> tasks;
  for (std::size_t i = 0; i < specs.size(); ++i)
    tasks.push_back(std::async(std::launch::async, [this, &specs, i] { return build(specs[i], i); }));
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
  merge(specs, built);
  cidr_index_ = static_cast<int>(specs.size());
  built_networks_ = !t_.network_ids.empty();
}

// The far link is no network under test: it gives the facts a far target and its MTU, or
// says why the cloud would not build it.
void Provisioner::far_link(Built& b) {
  if (!b.network) {
    api("far_network") = {{"ok", false}, {"error", b.error}, {"status", b.status}};
    return;
  }
  api("far_network") = {{"ok", true}, {"mtu", b.network->mtu}};
  if (b.network->mtu != kFarMtu) return;  // the cloud took another MTU than asked: no far link
  auto target = b.network->subnet.prefix;
  target.bytes[15] = kFarHostByte;
  t_.facts.far_target = target;
  t_.facts.far_mtu = b.network->mtu;
}

void Provisioner::merge(const std::vector<NetSpec>& specs, std::vector<Built>& built) {
  auto outcome = [](const Built& b, json ok) {
    return b.network ? ok : json{{"ok", false}, {"error", b.error}, {"status", b.status}};
  };
  for (std::size_t i = 0; i < built.size(); ++i) {
    auto& b = built[i];
    if (specs[i].mode_under_test) address_modes_[std::string(model::to_string(specs[i].mode))] = outcome(b, {{"ok", true}});
    if (default_pool_ && !api("subnetpool_allocation").value("ok", false))
      api("subnetpool_allocation") = outcome(b, {{"ok", true}, {"prefix", b.allocated}});
    if (specs[i].mtu) {
      far_link(b);
      continue;
    }
    if (!b.network) continue;
    t_.network_ids[b.network->name] = b.network_id;
    t_.vms.insert(t_.vms.end(), b.vms.begin(), b.vms.end());
    t_.facts.networks.push_back(std::move(*b.network));
  }
}

// Modes not under test (--mode) are still tried through the API, so that api-address-modes
// measures all three; each subnet is deleted at once. The API tries create and delete
// subnets: on a network with VMs that races Neutron's DHCP agent setting it up
// (SubnetInUse, then a resync that adds the VMs' host entries seconds late), so they get a
// network of their own with no ports.
void Provisioner::address_mode_tries() {
  if (catalog::section_enabled(c_, catalog::Section::api) && built_networks_)
    api_net_ = networks_.create_network({{"name", resource_name(o_, "api")}}).value("id", std::string());
  if (!api_net_.empty())
    for (const auto m : model::kAllModes) {
      const std::string mode(model::to_string(m));
      if (address_modes_.contains(mode)) continue;
      auto spec = subnet_spec(resource_name(o_, "mode-" + mode), api_net_, default_pool_ ? 0 : cidr_index_++);
      spec.ra_mode = spec.address_mode = mode;
      try {
        const auto id = subnets_.create_subnet(cloud::ipv6_subnet_attributes(spec)).value("id", std::string());
        address_modes_[mode] = {{"ok", true}, {"api_only", true}};
        subnets_.delete_subnet(id);
      } catch (const cloud::CloudError& e) {
        address_modes_[mode] = {{"ok", false}, {"error", e.what()}, {"status", e.status()}};
      }
    }
  tries_["address_modes"] = address_modes_;
}

// What a project member must not be able to do: mismatched mode pairs, both ways a project
// gets a subnet (from the pool and with its own CIDR: Neutron Zed validates the pair only on
// the second), and sharing a network. Anything the cloud wrongly creates is deleted at once.
void Provisioner::forbidden_tries() {
  if (api_net_.empty()) return;
  json tries = json::array();
  int n = 0;
  std::vector<std::string> ways = {"cidr"};
  if (default_pool_) ways.insert(ways.begin(), "pool");
  for (const auto& way : ways)
    for (const auto& [ra, addr] : kInvalidModePairs) {
      cloud::Ipv6SubnetSpec spec;
      spec.name = resource_name(o_, "invalid-" + std::to_string(n++));
      spec.network_id = api_net_;
      spec.ra_mode = ra;
      spec.address_mode = addr;
      if (way == "pool") spec.subnetpool_id = default_pool_->value("id", std::string());
      else spec.cidr = o_.ipv6_cidr.empty() ? kInvalidModesCidr : nth_64(o_.ipv6_cidr, cidr_index_++);
      int status = 0;
      std::string wrong;
      try {
        wrong = subnets_.create_subnet(cloud::ipv6_subnet_attributes(spec)).value("id", std::string());
        status = 201;
      } catch (const cloud::CloudError& e) {
        status = e.status();
      }
      if (!wrong.empty()) subnets_.delete_subnet(wrong);  // on the stack too, should this fail
      tries.push_back({{"ra_mode", ra}, {"address_mode", addr}, {"via", way}, {"status", status}});
    }
  tries_["invalid_modes"] = tries;
  int status = 0;
  std::string policy, refusal;
  try {
    policy = rbac_.create_rbac_policy({{"object_type", "network"},
                                       {"object_id", api_net_},
                                       {"action", "access_as_shared"},
                                       {"target_tenant", s_.project_id()}})
                 .value("id", std::string());
    status = 201;
  } catch (const cloud::CloudError& e) {
    status = e.status();
    refusal = e.what();
  }
  if (!policy.empty()) rbac_.delete_rbac_policy(policy);
  tries_["rbac_create"] = {{"status", status}, {"error", refusal}};
}

// Plans, now that every port's address is known (peers are read from the facts). Attacks
// only on the user's explicit word (--security, or sec-* testcases asked of `v6conform
// scs`), and only in the network this run created for them.
void Provisioner::plans() {
  const auto& f = t_.facts;
  const auto options = catalog::plan_options(c_, f);
  catalog::SecurityPlanOptions security;
  security.network_is_ours = o_.security;
  security.attacks = o_.security ? catalog::requested_attacks(c_) : std::vector<std::string>{};
  for (auto& vm : t_.vms) {
    const auto& net = *std::find_if(f.networks.begin(), f.networks.end(), [&](const auto& n) { return n.name == vm.network; });
    const auto& port = *std::find_if(net.ports.begin(), net.ports.end(), [&](const auto& p) { return p.name == vm.name; });
    vm.plan = cloud_plan(catalog::plan_for_port(f, net, port, options, security), vm.name, o_);
  }
}

}  // namespace

std::string resource_name(const Options& o, const std::string& what) { return o.prefix + o.run_id + "-" + what; }

Topology provision(cloud::Session& s, cloud::CleanupStack& cleanup, const catalog::Catalog& c, const Options& o) {
  auto p = std::make_shared<Provisioner>(s, cleanup, c, o);
  p->pool_facts();
  p->external_network_facts();
  p->router();
  p->security_group();
  p->networks();
  p->plans();
  auto t = p->take();
  t.api_tries = std::async(std::launch::async, [p] {
    p->address_mode_tries();
    p->forbidden_tries();
    return p->take_tries();
  });
  return t;
}

void finish_api_tries(Topology& t) {
  if (t.api_tries.valid()) t.facts.api.update(t.api_tries.get());
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
  // Attacker and victim boot seconds to minutes apart in a cloud (the lab starts them together):
  // each waits for the other as long as any peer may take to boot; both stop soon after the attack.
  const auto patience = static_cast<std::uint32_t>(o.peer_patience.count());
  for (auto& p : plan.procedures) {
    if (auto* attack = std::get_if<wire::AttackSpec>(&p.spec)) attack->wait_ms = patience;
    if (auto* victim = std::get_if<wire::VictimSpec>(&p.spec)) victim->listen_ms = patience;
  }
  return plan;
}

}  // namespace v6c::run
