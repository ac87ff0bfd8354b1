// Neutron resource clients in Tempest's shape: one per resource, create_/show_/update_/
// delete_/list_, JSON attributes in and the resource's JSON out. With a CleanupStack, every
// create_ registers the deletion before it returns and every delete_ forgets it again.
// The Session (and the stack) must outlive whatever the stack still holds.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "v6c/cloud/cleanup.hpp"
#include "v6c/cloud/http.hpp"

namespace v6c::cloud {

using nlohmann::json;

// How Neutron names a resource: its JSON key, its list's key and its URL path.
struct NeutronType {
  ResourceKind kind;
  const char* singular;    // {"network": {...}}
  const char* collection;  // {"networks": [...]}
  const char* path;        // /v2.0/networks
};
inline constexpr NeutronType kNetworkType{ResourceKind::network, "network", "networks", "networks"};
inline constexpr NeutronType kSubnetType{ResourceKind::subnet, "subnet", "subnets", "subnets"};
inline constexpr NeutronType kSubnetpoolType{ResourceKind::subnetpool, "subnetpool", "subnetpools", "subnetpools"};
inline constexpr NeutronType kRouterType{ResourceKind::router, "router", "routers", "routers"};
inline constexpr NeutronType kPortType{ResourceKind::port, "port", "ports", "ports"};
inline constexpr NeutronType kSecurityGroupType{ResourceKind::security_group, "security_group", "security_groups",
                                                "security-groups"};
inline constexpr NeutronType kSecurityGroupRuleType{ResourceKind::security_group_rule, "security_group_rule",
                                                    "security_group_rules", "security-group-rules"};
inline constexpr NeutronType kRbacPolicyType{ResourceKind::rbac_policy, "rbac_policy", "rbac_policies",
                                             "rbac-policies"};

// The network endpoint with Neutron's /v2.0 appended unless the catalog already has it.
std::string with_version(const std::string& endpoint, const std::string& version);
// The resource object inside a Neutron answer; BadResponse when it is not there.
json unwrap(const json& answer, const char* key);
// The next page's URL from "<collection>_links" (Neutron) or "next" (Glance), if any.
std::optional<std::string> next_link(const json& answer, const char* collection);

// The shared machinery: one class for all of Neutron's uniform resources.
class NeutronResource {
 public:
  NeutronResource(Session& session, NeutronType type, CleanupStack* cleanup = nullptr)
      : session_(session), type_(type), cleanup_(cleanup) {}
  json create(const json& attributes);
  json show(const std::string& id);
  json update(const std::string& id, const json& attributes);
  void remove(const std::string& id);
  std::vector<json> list(const Query& filters = {});

 protected:
  std::string url(const std::string& rest = {}) const;
  // What a create with `attributes` would have made: found by its name, or, for nameless
  // resources (security group rules, RBAC policies), by every scalar attribute it was given.
  std::vector<json> find_made(const json& attributes);
  void track(const json& resource);
  Session& session_;
  NeutronType type_;
  CleanupStack* cleanup_;
};

struct NetworksClient : NeutronResource {
  explicit NetworksClient(Session& s, CleanupStack* c = nullptr) : NeutronResource(s, kNetworkType, c) {}
  json create_network(const json& a) { return create(a); }
  json show_network(const std::string& id) { return show(id); }
  json update_network(const std::string& id, const json& a) { return update(id, a); }
  void delete_network(const std::string& id) { remove(id); }
  std::vector<json> list_networks(const Query& q = {}) { return list(q); }
};

// An IPv6 subnet's attributes: from a subnet pool (prefix length only) or with a CIDR.
struct Ipv6SubnetSpec {
  std::string name, network_id;
  std::string ra_mode, address_mode;  // slaac | dhcpv6-stateless | dhcpv6-stateful; empty: not set
  std::string subnetpool_id;          // either this ...
  std::string cidr;                   // ... or this
  int prefixlen = 64;                 // with a subnet pool (RFC 4291 §2.5.4: /64 for SLAAC)
  std::vector<std::string> dns_nameservers;
};
json ipv6_subnet_attributes(const Ipv6SubnetSpec& spec);

struct SubnetsClient : NeutronResource {
  explicit SubnetsClient(Session& s, CleanupStack* c = nullptr) : NeutronResource(s, kSubnetType, c) {}
  json create_subnet(const json& a) { return create(a); }
  json show_subnet(const std::string& id) { return show(id); }
  void delete_subnet(const std::string& id) { remove(id); }
  std::vector<json> list_subnets(const Query& q = {}) { return list(q); }
};

struct SubnetpoolsClient : NeutronResource {
  explicit SubnetpoolsClient(Session& s, CleanupStack* c = nullptr) : NeutronResource(s, kSubnetpoolType, c) {}
  json create_subnetpool(const json& a) { return create(a); }
  json show_subnetpool(const std::string& id) { return show(id); }
  void delete_subnetpool(const std::string& id) { remove(id); }
  std::vector<json> list_subnetpools(const Query& q = {}) { return list(q); }
  // The default pool of this IP version, as `openstack subnet pool list --default` finds it.
  std::optional<json> default_subnetpool(int ip_version = 6);
};

struct RoutersClient : NeutronResource {
  explicit RoutersClient(Session& s, CleanupStack* c = nullptr) : NeutronResource(s, kRouterType, c) {}
  json create_router(const json& a) { return create(a); }
  json show_router(const std::string& id) { return show(id); }
  json update_router(const std::string& id, const json& a) { return update(id, a); }
  void delete_router(const std::string& id) { remove(id); }
  std::vector<json> list_routers(const Query& q = {}) { return list(q); }
  // PUT /routers/{id}/add_router_interface; registers the removal.
  json add_router_interface(const std::string& router_id, const std::string& subnet_id);
  json remove_router_interface(const std::string& router_id, const std::string& subnet_id);
  json remove_router_interface_port(const std::string& router_id, const std::string& port_id);
  json set_external_gateway(const std::string& router_id, const std::string& network_id);
  json clear_external_gateway(const std::string& router_id);

 private:
  // The router's interfaces on this subnet, as add_router_interface answers them.
  std::vector<json> interfaces_on(const std::string& router_id, const std::string& subnet_id);
};

struct PortsClient : NeutronResource {
  explicit PortsClient(Session& s, CleanupStack* c = nullptr) : NeutronResource(s, kPortType, c) {}
  json create_port(const json& a) { return create(a); }
  json show_port(const std::string& id) { return show(id); }
  json update_port(const std::string& id, const json& a) { return update(id, a); }
  void delete_port(const std::string& id) { remove(id); }
  std::vector<json> list_ports(const Query& q = {}) { return list(q); }
};

struct SecurityGroupsClient : NeutronResource {
  explicit SecurityGroupsClient(Session& s, CleanupStack* c = nullptr) : NeutronResource(s, kSecurityGroupType, c) {}
  json create_security_group(const json& a) { return create(a); }
  json show_security_group(const std::string& id) { return show(id); }
  void delete_security_group(const std::string& id) { remove(id); }
  std::vector<json> list_security_groups(const Query& q = {}) { return list(q); }
};

struct SecurityGroupRulesClient : NeutronResource {
  explicit SecurityGroupRulesClient(Session& s, CleanupStack* c = nullptr)
      : NeutronResource(s, kSecurityGroupRuleType, c) {}
  json create_security_group_rule(const json& a) { return create(a); }
  json show_security_group_rule(const std::string& id) { return show(id); }
  void delete_security_group_rule(const std::string& id) { remove(id); }
  std::vector<json> list_security_group_rules(const Query& q = {}) { return list(q); }
};

// api-rbac-restricted tries to share a network as a project member; scs-0126 wants a 403.
struct RbacPoliciesClient : NeutronResource {
  explicit RbacPoliciesClient(Session& s, CleanupStack* c = nullptr) : NeutronResource(s, kRbacPolicyType, c) {}
  json create_rbac_policy(const json& a) { return create(a); }
  json show_rbac_policy(const std::string& id) { return show(id); }
  void delete_rbac_policy(const std::string& id) { remove(id); }
  std::vector<json> list_rbac_policies(const Query& q = {}) { return list(q); }
};

}  // namespace v6c::cloud
