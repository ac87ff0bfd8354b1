// API checks: read what the cloud client recorded in Facts.api (docs/catalog.md, "API facts").
// The lab has no cloud API, so they skip there.
#include <algorithm>

#include "check_util.hpp"

namespace v6c::catalog {

namespace {

using nlohmann::json;

constexpr int kIpVersion6 = 6;
constexpr int kHttpSuccessFirst = 200;  // RFC 9110 §15.3: the rule was created
constexpr int kHttpSuccessLast = 299;
constexpr int kHttpForbidden = 403;     // RFC 9110 §15.5.4: Neutron's policy refused it
constexpr int kHttpNotFound = 404;      // no rbac-policies resource: the cloud has no RBAC API

// The recorded API fact `key`, or the SKIP/ERROR that says why it is not there.
std::optional<Outcome> api_fact(const CheckInput& in, const char* key, const json*& out) {
  if (in.facts.api.is_null() || in.facts.api.empty()) return skip("no cloud API in the lab");
  if (!in.facts.api.contains(key)) return error(std::string("the cloud client recorded no '") + key + "'");
  out = &in.facts.api.at(key);
  return std::nullopt;
}

Evidence api_evidence(const char* key, const json& value) {
  Evidence e;
  e.procedure = std::string("api:") + key;
  e.summary = value.dump();
  return e;
}

Outcome api_default_subnetpool(const CheckInput& in) {
  const json* pools = nullptr;
  if (auto o = api_fact(in, "subnetpools", pools)) return *o;
  if (!pools->is_array()) return error("'subnetpools' is not a list");
  const std::string expected = "exactly one IPv6 subnet pool with is_default, and it is shared";
  std::vector<std::string> defaults;
  bool shared = false;
  for (const auto& p : *pools)
    if (p.value("ip_version", 0) == kIpVersion6 && p.value("is_default", false)) {
      defaults.push_back(p.value("name", p.value("id", "?")));
      shared = p.value("shared", false);
    }
  std::string actual = std::to_string(defaults.size()) + " default IPv6 pool(s)";
  for (const auto& n : defaults) actual += " " + n;
  if (defaults.size() == 1) actual += shared ? ", shared" : ", not shared";
  const bool ok = defaults.size() == 1 && shared;
  return ok ? pass(expected, actual, {api_evidence("subnetpools", *pools)})
            : fail(expected, actual, {api_evidence("subnetpools", *pools)});
}

Outcome api_subnetpool_allocation(const CheckInput& in) {
  const json* alloc = nullptr;
  if (auto o = api_fact(in, "subnetpool_allocation", alloc)) return *o;
  const auto want = detail::int_param(in, "prefix_length");
  const std::string expected = "a /" + std::to_string(want) + " allocated from the default pool";
  const std::string prefix = alloc->value("prefix", "");
  const auto slash = prefix.find('/');
  const bool ok = alloc->value("ok", false) && slash != std::string::npos && prefix.substr(slash + 1) == std::to_string(want);
  const std::string actual = alloc->value("ok", false) ? "allocated " + prefix : "refused: " + alloc->value("error", "?");
  return ok ? pass(expected, actual, {api_evidence("subnetpool_allocation", *alloc)})
            : fail(expected, actual, {api_evidence("subnetpool_allocation", *alloc)});
}

Outcome api_default_provider_net(const CheckInput& in) {
  const json* nets = nullptr;
  if (auto o = api_fact(in, "external_networks", nets)) return *o;
  if (!nets->is_array()) return error("'external_networks' is not a list");
  const std::string expected = "one external network with is_default; if shared, port security on";
  std::vector<const json*> defaults;
  for (const auto& n : *nets)
    if (n.value("is_default", false)) defaults.push_back(&n);
  std::string actual = std::to_string(defaults.size()) + " default external network(s)";
  bool ok = defaults.size() == 1;
  if (ok) {
    const auto& n = *defaults.front();
    const bool shared = n.value("shared", false), port_security = n.value("port_security_enabled", false);
    actual += ": " + n.value("name", std::string("?")) + (shared ? ", shared" : ", not shared") +
              (port_security ? ", port security on" : ", port security off");
    ok = !shared || port_security;
  }
  return ok ? pass(expected, actual, {api_evidence("external_networks", *nets)})
            : fail(expected, actual, {api_evidence("external_networks", *nets)});
}

Outcome api_address_modes(const CheckInput& in) {
  const json* modes = nullptr;
  if (auto o = api_fact(in, "address_modes", modes)) return *o;
  const auto want = in.params.at("modes").get<std::vector<std::string>>();
  std::string expected = "subnets created in";
  for (const auto& m : want) expected += " " + m;
  std::string actual;
  bool ok = true;
  for (const auto& m : want) {
    const json entry = modes->value(m, json::object());
    const bool created = entry.value("ok", false);
    ok = ok && created;
    actual += (actual.empty() ? "" : ", ") + m + (created ? ": created" : ": " + entry.value("error", std::string("not tried")));
  }
  return ok ? pass(expected, actual, {api_evidence("address_modes", *modes)})
            : fail(expected, actual, {api_evidence("address_modes", *modes)});
}

Outcome api_invalid_modes(const CheckInput& in) {
  const json* tries = nullptr;
  if (auto o = api_fact(in, "invalid_modes", tries)) return *o;
  if (!tries->is_array() || tries->empty()) return error("'invalid_modes' holds no attempts");
  const auto want = detail::int_param(in, "expected_status");
  const std::string expected = "every mismatched mode pair refused with " + std::to_string(want);
  std::string actual;
  bool ok = true;
  for (const auto& t : *tries) {
    const int status = t.value("status", 0);
    ok = ok && status == want;
    actual += (actual.empty() ? "" : ", ") + t.value("ra_mode", std::string("?")) + "/" +
              t.value("address_mode", std::string("?")) + (t.contains("via") ? " (" + t.value("via", std::string()) + ")" : "") +
              ": " + std::to_string(status);
  }
  return ok ? pass(expected, actual, {api_evidence("invalid_modes", *tries)})
            : fail(expected, actual, {api_evidence("invalid_modes", *tries)});
}

// scs-0126 R18: a member cannot create RBAC rules, which Neutron's policy says with 403. A
// created rule fails; any other refusal (400, 409, 5xx) says nothing of the policy.
Outcome api_rbac_restricted(const CheckInput& in) {
  const json* rbac = nullptr;
  if (auto o = api_fact(in, "rbac_create", rbac)) return *o;
  const int status = rbac->value("status", 0);
  if (status == 0) return error("'rbac_create' has no HTTP status");
  const std::string expected = "creating a network RBAC rule as a project member is forbidden (403)";
  std::string actual = "HTTP " + std::to_string(status);
  if (const auto why = rbac->value("error", std::string()); !why.empty()) actual += ": " + why;
  const std::vector<Evidence> ev = {api_evidence("rbac_create", *rbac)};
  if (status == kHttpForbidden) return pass(expected, actual, ev);
  if (status >= kHttpSuccessFirst && status <= kHttpSuccessLast) return fail(expected, actual + " (created)", ev);
  if (status == kHttpNotFound) return skip("the cloud offers no RBAC API (" + actual + "): nobody can create rules");
  return error("the refusal was not the policy's (" + actual + "), so whether a member may create rules is not measured",
               ev);
}

}  // namespace

std::vector<CheckSpec> api_checks() {
  using T = ParamType;
  return {
      {"api_default_subnetpool", true, {}, "Facts.api.subnetpools", api_default_subnetpool},
      {"api_subnetpool_allocation", true, {{"prefix_length", T::integer, 64, "prefix length a project must get", 1, 128}},
       "Facts.api.subnetpool_allocation", api_subnetpool_allocation},
      {"api_default_provider_net", true, {}, "Facts.api.external_networks", api_default_provider_net},
      {"api_address_modes", true,
       {{"modes", T::string_list, nlohmann::json::array({"slaac", "dhcpv6-stateless", "dhcpv6-stateful"}), "modes to create",
         {}, {}, {detail::mode_name(detail::Mode::slaac), detail::mode_name(detail::Mode::dhcpv6_stateless),
          detail::mode_name(detail::Mode::dhcpv6_stateful)}}},
       "Facts.api.address_modes", api_address_modes},
      {"api_invalid_modes", true, {{"expected_status", T::integer, 400, "HTTP status a refusal must have", 400, 499}},
       "Facts.api.invalid_modes", api_invalid_modes},
      {"api_rbac_restricted", true, {}, "Facts.api.rbac_create", api_rbac_restricted},
  };
}

}  // namespace v6c::catalog
