// Facts as JSON: the lab and the cloud client write them, results embed them, reports read them.
// Optional facts are left out when absent; reading tolerates absent optional fields.
#include "v6c/model/facts.hpp"

#include <stdexcept>

#include "v6c/model/names.hpp"

namespace v6c::model {

using nlohmann::json;

namespace {

template <class T>
void put_optional(json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = *v;
}

template <class T>
void get_optional(const json& j, const char* key, std::optional<T>& v) {
  if (j.contains(key) && !j.at(key).is_null()) v = j.at(key).get<T>();
  else v.reset();
}

template <class T>
void get_if_present(const json& j, const char* key, T& v) {
  if (j.contains(key)) j.at(key).get_to(v);
}

template <class E>
E parsed(const json& j, std::optional<E> (*parse)(std::string_view), const char* what) {
  const auto text = j.get<std::string>();
  const auto v = parse(text);
  if (!v) throw std::invalid_argument(std::string("unknown ") + what + " '" + text + "'");
  return *v;
}

}  // namespace

constexpr NameTable<Mode, 3> kModeNames = {
    {{Mode::slaac, "slaac"}, {Mode::dhcpv6_stateless, "dhcpv6-stateless"}, {Mode::dhcpv6_stateful, "dhcpv6-stateful"}}};
constexpr NameTable<Role, 9> kRoleNames = {{{Role::probe, "probe"},
                                            {Role::address, "address"},
                                            {Role::attacker, "attacker"},
                                            {Role::victim, "victim"},
                                            {Role::router, "router"},
                                            {Role::dhcp, "dhcp"},
                                            {Role::observer, "observer"},
                                            {Role::external, "external"},
                                            {Role::control, "control"}}};

std::string_view to_string(Mode m) { return name_in(kModeNames, m); }
std::optional<Mode> parse_mode(std::string_view text) { return value_in(kModeNames, text); }

bool forms_slaac(Mode m) { return m != Mode::dhcpv6_stateful; }
bool runs_dhcp6(Mode m) { return m != Mode::slaac; }

std::string_view to_string(Role r) { return name_in(kRoleNames, r); }
std::optional<Role> parse_role(std::string_view text) { return value_in(kRoleNames, text); }

void to_json(json& j, Mode v) { j = std::string(to_string(v)); }
void from_json(const json& j, Mode& v) { v = parsed(j, parse_mode, "subnet mode"); }
void to_json(json& j, Role v) { j = std::string(to_string(v)); }
void from_json(const json& j, Role& v) { v = parsed(j, parse_role, "port role"); }

void to_json(json& j, const Port& v) {
  j = json{{"name", v.name}, {"mac", v.mac}, {"fixed_ips", v.fixed_ips}, {"role", v.role}};
}

void from_json(const json& j, Port& v) {
  j.at("name").get_to(v.name);
  j.at("mac").get_to(v.mac);
  get_if_present(j, "fixed_ips", v.fixed_ips);
  get_if_present(j, "role", v.role);
}

void to_json(json& j, const Subnet& v) {
  j = json{{"name", v.name},       {"mode", v.mode},          {"prefix", v.prefix},
           {"prefix_length", v.prefix_length}, {"gateway_ip", v.gateway_ip}, {"dns_servers", v.dns_servers},
           {"dns_domain", v.dns_domain}};
}

void from_json(const json& j, Subnet& v) {
  get_if_present(j, "name", v.name);
  j.at("mode").get_to(v.mode);
  j.at("prefix").get_to(v.prefix);
  get_if_present(j, "prefix_length", v.prefix_length);
  get_if_present(j, "gateway_ip", v.gateway_ip);
  get_if_present(j, "dns_servers", v.dns_servers);
  get_if_present(j, "dns_domain", v.dns_domain);
}

void to_json(json& j, const Network& v) {
  j = json{{"name", v.name}, {"mtu", v.mtu}, {"subnet", v.subnet}, {"ports", v.ports}};
  put_optional(j, "router_port", v.router_port);
}

void from_json(const json& j, Network& v) {
  j.at("name").get_to(v.name);
  get_if_present(j, "mtu", v.mtu);
  j.at("subnet").get_to(v.subnet);
  get_optional(j, "router_port", v.router_port);
  get_if_present(j, "ports", v.ports);
}

void to_json(json& j, const Facts& v) {
  j = json{{"source", v.source},
           {"backend", v.backend},
           {"networks", v.networks},
           {"dns_test_name", v.dns_test_name},
           {"dns_test_answer", v.dns_test_answer}};
  put_optional(j, "external_target", v.external_target);
  put_optional(j, "far_mtu", v.far_mtu);
  put_optional(j, "far_target", v.far_target);
  put_optional(j, "max_rtr_adv_interval_s", v.max_rtr_adv_interval_s);
  if (!v.api.is_null()) j["api"] = v.api;
}

void from_json(const json& j, Facts& v) {
  get_if_present(j, "source", v.source);
  get_if_present(j, "backend", v.backend);
  get_if_present(j, "networks", v.networks);
  get_optional(j, "external_target", v.external_target);
  get_optional(j, "far_mtu", v.far_mtu);
  get_optional(j, "far_target", v.far_target);
  get_if_present(j, "dns_test_name", v.dns_test_name);
  get_if_present(j, "dns_test_answer", v.dns_test_answer);
  get_optional(j, "max_rtr_adv_interval_s", v.max_rtr_adv_interval_s);
  v.api = j.contains("api") ? j.at("api") : json();
}

}  // namespace v6c::model
