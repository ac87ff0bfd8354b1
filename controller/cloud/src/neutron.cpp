#include "v6c/cloud/neutron.hpp"

#include "v6c/cloud/adopt.hpp"
#include "v6c/cloud/errors.hpp"
#include "v6c/cloud/session.hpp"

namespace v6c::cloud {
namespace {

const std::string kNeutronVersion = "v2.0";
const char* kSubnetId = "subnet_id";
const char* kPortId = "port_id";
constexpr int kIpv6 = 6;

std::string neutron_url(Session& s, const NeutronType& t, const std::string& rest = {}) {
  return join_url(join_url(with_version(s.endpoint("network"), kNeutronVersion), t.path), rest);
}

void delete_resource(Session& s, const NeutronType& t, const std::string& id) {
  s.call(make_request(Method::del, neutron_url(s, t, id)));
}

// A name for cleanup messages; RBAC policies have none, so they go by what they share.
std::string label_of(const json& resource) {
  if (auto n = resource.value("name", ""); !n.empty()) return n;
  return resource.value("object_id", "");
}

std::string interface_key(const std::string& router_id, const std::string& subnet_id) {
  return router_id + "/" + subnet_id;
}

}  // namespace

std::string with_version(const std::string& endpoint, const std::string& version) {
  auto base = endpoint;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (base.size() > version.size() && base.substr(base.size() - version.size() - 1) == "/" + version) return base;
  return join_url(base, version);
}

json unwrap(const json& answer, const char* key) {
  if (!answer.is_object() || !answer.contains(key))
    throw BadResponse(std::string("expected '") + key + "' in the answer, got: " + answer.dump().substr(0, 200));
  return answer.at(key);
}

std::optional<std::string> next_link(const json& answer, const char* collection) {
  if (!answer.is_object()) return std::nullopt;
  if (auto next = answer.find("next"); next != answer.end() && next->is_string()) return next->get<std::string>();
  auto links = answer.find(std::string(collection) + "_links");
  if (links == answer.end() || !links->is_array()) return std::nullopt;
  for (const auto& l : *links)
    if (l.value("rel", "") == "next" && l.contains("href")) return l["href"].get<std::string>();
  return std::nullopt;
}

std::string NeutronResource::url(const std::string& rest) const { return neutron_url(session_, type_, rest); }

json NeutronResource::create(const json& attributes) {
  const json body = {{type_.singular, attributes}};
  const auto request = json_request(Method::post, url(), &body);
  const auto made =
      create_or_adopt(session_, request,
                      {[&] { return unwrap(session_.call_json(request), type_.singular); },
                       [&] { return find_made(attributes); }});
  for (const auto& r : made) track(r);
  return made.front();
}

std::vector<json> NeutronResource::find_made(const json& attributes) {
  const auto name = attributes.value("name", std::string());
  const json identity = name.empty() ? attributes : json{{"name", name}};
  Query filters;
  for (const auto& [key, value] : identity.items())
    if (value.is_string()) filters.emplace_back(key, value.get<std::string>());
  if (filters.empty()) return {};  // nothing identifies it: treat as not made
  std::vector<json> found;
  for (auto& r : list(filters))
    if (has_attributes(r, identity)) found.push_back(std::move(r));
  return found;
}

void NeutronResource::track(const json& resource) {
  const auto id = resource.value("id", "");
  if (cleanup_ && !id.empty())
    cleanup_->push(type_.kind, id, label_of(resource), [&s = session_, t = type_, id] { delete_resource(s, t, id); });
}

json NeutronResource::show(const std::string& id) {
  return unwrap(session_.call_json(Method::get, url(id)), type_.singular);
}

json NeutronResource::update(const std::string& id, const json& attributes) {
  const json body = {{type_.singular, attributes}};
  return unwrap(session_.call_json(Method::put, url(id), &body), type_.singular);
}

void NeutronResource::remove(const std::string& id) {
  delete_resource(session_, type_, id);
  if (cleanup_) cleanup_->forget(type_.kind, id);
}

std::vector<json> NeutronResource::list(const Query& filters) {
  std::vector<json> all;
  std::optional<std::string> page = with_query(url(), filters);
  while (page) {
    const auto answer = session_.call_json(Method::get, *page);
    for (const auto& item : unwrap(answer, type_.collection)) all.push_back(item);
    page = next_link(answer, type_.collection);
  }
  return all;
}

json ipv6_subnet_attributes(const Ipv6SubnetSpec& spec) {
  json a = {{"name", spec.name}, {"network_id", spec.network_id}, {"ip_version", kIpv6}};
  if (!spec.ra_mode.empty()) a["ipv6_ra_mode"] = spec.ra_mode;
  if (!spec.address_mode.empty()) a["ipv6_address_mode"] = spec.address_mode;
  if (!spec.subnetpool_id.empty()) {
    a["subnetpool_id"] = spec.subnetpool_id;
    a["prefixlen"] = spec.prefixlen;
  } else {
    a["cidr"] = spec.cidr;
  }
  if (!spec.dns_nameservers.empty()) a["dns_nameservers"] = spec.dns_nameservers;
  return a;
}

std::optional<json> SubnetpoolsClient::default_subnetpool(int ip_version) {
  // Filtering server-side by is_default is not in every release; the list is short.
  for (auto& pool : list_subnetpools())
    if (pool.value("is_default", false) && pool.value("ip_version", 0) == ip_version) return pool;
  return std::nullopt;
}

json RoutersClient::add_router_interface(const std::string& router_id, const std::string& subnet_id) {
  const json body = {{kSubnetId, subnet_id}};
  auto request = json_request(Method::put, url(router_id + "/add_router_interface"), &body);
  request.idempotent = false;  // a second add is refused: "Router already has a port on subnet"
  const auto made = create_or_adopt(session_, request,
                                    {[&] { return session_.call_json(request); },
                                     [&] { return interfaces_on(router_id, subnet_id); }});
  if (cleanup_)
    cleanup_->push(ResourceKind::router_interface, interface_key(router_id, subnet_id), router_id,
                   [&s = session_, router_id, subnet_id] {
                     const json b = {{kSubnetId, subnet_id}};
                     s.call_json(Method::put, neutron_url(s, kRouterType, router_id + "/remove_router_interface"), &b);
                   });
  return made.front();
}

std::vector<json> RoutersClient::interfaces_on(const std::string& router_id, const std::string& subnet_id) {
  std::vector<json> found;
  for (const auto& p : NeutronResource(session_, kPortType).list({{"device_id", router_id}}))
    for (const auto& ip : p.value("fixed_ips", json::array()))
      if (ip.value(kSubnetId, "") == subnet_id)
        found.push_back({{"id", router_id}, {kSubnetId, subnet_id}, {kPortId, p.value("id", "")}});
  return found;
}

json RoutersClient::remove_router_interface(const std::string& router_id, const std::string& subnet_id) {
  const json body = {{kSubnetId, subnet_id}};
  auto answer = session_.call_json(Method::put, url(router_id + "/remove_router_interface"), &body);
  if (cleanup_) cleanup_->forget(ResourceKind::router_interface, interface_key(router_id, subnet_id));
  return answer;
}

json RoutersClient::remove_router_interface_port(const std::string& router_id, const std::string& port_id) {
  const json body = {{kPortId, port_id}};
  return session_.call_json(Method::put, url(router_id + "/remove_router_interface"), &body);
}

json RoutersClient::set_external_gateway(const std::string& router_id, const std::string& network_id) {
  return update_router(router_id, {{"external_gateway_info", {{"network_id", network_id}}}});
}

json RoutersClient::clear_external_gateway(const std::string& router_id) {
  return update_router(router_id, {{"external_gateway_info", json::object()}});
}

}  // namespace v6c::cloud
