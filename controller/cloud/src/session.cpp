#include "v6c/cloud/session.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "v6c/cloud/errors.hpp"

namespace v6c::cloud {
namespace {

using nlohmann::json;

constexpr int kTmYearBase = 1900;
const Headers kJsonHeaders = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
const char* kTokenHeader = "X-Auth-Token";
const char* kSubjectTokenHeader = "X-Subject-Token";

json domain_of(const std::string& name, const std::string& id) {
  return name.empty() ? json{{"id", id}} : json{{"name", name}};
}

json user_of(const CloudConfig& c) {
  if (!c.user_id.empty() && c.username.empty()) return {{"id", c.user_id}};
  return {{"name", c.username}, {"domain", domain_of(c.user_domain_name, c.user_domain_id)}};
}

std::string text_at(const json& j, const json::json_pointer& p) {
  return j.contains(p) && j.at(p).is_string() ? j.at(p).get<std::string>() : std::string();
}

}  // namespace

std::string identity_url(const std::string& auth_url) {
  std::string u = auth_url;
  while (!u.empty() && u.back() == '/') u.pop_back();
  if (u.size() < 3 || u.substr(u.size() - 3) != "/v3") u += "/v3";
  return u;
}

Request token_request(const CloudConfig& c) {
  json identity;
  json auth;
  if (c.auth_type == AuthType::application_credential) {
    json credential = {{"secret", c.application_credential_secret}};
    if (!c.application_credential_id.empty())
      credential["id"] = c.application_credential_id;
    else
      credential.update({{"name", c.application_credential_name}, {"user", user_of(c)}});
    identity = {{"methods", {"application_credential"}}, {"application_credential", credential}};
    auth = {{"identity", identity}};  // an application credential carries its own scope
  } else {
    auto user = user_of(c);
    user["password"] = c.password;
    identity = {{"methods", {"password"}}, {"password", {{"user", user}}}};
    json project = c.project_id.empty()
                       ? json{{"name", c.project_name}, {"domain", domain_of(c.project_domain_name, c.project_domain_id)}}
                       : json{{"id", c.project_id}};
    auth = {{"identity", identity}, {"scope", {{"project", project}}}};
  }
  auto r = make_request(Method::post, join_url(identity_url(c.auth_url), "auth/tokens"), kJsonHeaders,
                        json{{"auth", auth}}.dump());
  // A token request that timed out may have been granted; asking again is harmless.
  r.idempotent = true;
  return r;
}

std::optional<Clock::time_point> parse_timestamp(const std::string& text) {
  std::tm tm{};
  char zone = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &consumed) != 6)
    return std::nullopt;
  auto rest = text.substr(static_cast<std::size_t>(consumed));
  if (!rest.empty() && rest.front() == '.') rest.erase(0, rest.find_first_not_of("0123456789", 1));
  zone = rest.empty() ? 'Z' : rest.front();
  if (zone != 'Z' && rest != "+00:00") return std::nullopt;  // Keystone always answers in UTC
  tm.tm_year -= kTmYearBase;
  tm.tm_mon -= 1;
  return Clock::from_time_t(timegm(&tm));
}

Token parse_token(const Response& response) {
  Token t;
  auto id = header(response.headers, kSubjectTokenHeader);
  if (!id || id->empty()) throw BadResponse("Keystone answered " + std::to_string(response.status) + " without an X-Subject-Token header");
  t.id = *id;
  auto body = json::parse(response.body, nullptr, false);
  if (body.is_discarded() || !body.contains("token")) throw BadResponse("Keystone's token response is not a token: " + response.body.substr(0, 200));
  const auto& tok = body["token"];
  auto expires = parse_timestamp(text_at(tok, "/expires_at"_json_pointer));
  if (!expires) throw BadResponse("Keystone's token has no readable expires_at");
  t.expires_at = *expires;
  t.user_id = text_at(tok, "/user/id"_json_pointer);
  t.user_name = text_at(tok, "/user/name"_json_pointer);
  t.project_id = text_at(tok, "/project/id"_json_pointer);
  t.project_name = text_at(tok, "/project/name"_json_pointer);
  if (t.project_id.empty()) throw BadResponse("Keystone issued an unscoped token: v6conform needs one scoped to a project");
  for (const auto& role : tok.value("roles", json::array()))
    if (role.is_object()) t.roles.push_back(role.value("name", ""));
  if (!tok.contains("catalog") || !tok["catalog"].is_array()) throw BadResponse("Keystone's token has no service catalog");
  for (const auto& service : tok["catalog"]) {
    const auto type = service.value("type", "");
    for (const auto& e : service.value("endpoints", json::array())) {
      // Keystone gives region_id and region (the same; older ones only region).
      auto region = e.value("region_id", "");
      if (region.empty()) region = e.value("region", "");
      t.catalog.push_back({type, e.value("interface", ""), region, e.value("url", "")});
    }
  }
  return t;
}

std::string unprivileged_member_problem(const std::vector<std::string>& roles) {
  auto holds = [&](std::string_view role) { return std::find(roles.begin(), roles.end(), role) != roles.end(); };
  std::string held;
  for (const auto& r : roles) held += (held.empty() ? "" : ", ") + r;
  if (held.empty()) held = "none";
  for (const char* elevated : {"admin", "manager"})
    if (holds(elevated))
      return std::string("the credentials hold the ") + elevated + " role (roles: " + held +
             "): run as a plain project member, or what a member may not do is not measured";
  if (!holds("member")) return "the credentials lack the member role (roles: " + held + ")";
  return "";
}

std::string find_endpoint(const std::vector<Endpoint>& catalog, const std::string& service_type,
                          const std::string& region, const std::string& interface) {
  std::string offered;
  for (const auto& e : catalog) {
    if (e.service_type != service_type) continue;
    if (e.interface == interface && (region.empty() || e.region == region)) return e.url;
    offered += (offered.empty() ? "" : ", ") + e.interface + "@" + e.region;
  }
  throw CloudError("the service catalog has no '" + service_type + "' endpoint with interface " + interface +
                   (region.empty() ? "" : " in region " + region) +
                   (offered.empty() ? " (no such service at all)" : " (it has " + offered + ")"));
}

Token Session::authenticate() {
  const auto request = token_request(config_);
  const auto response = transport_.send(request);
  if (response.status == 401)
    throw AuthFailed("authentication failed for " + config_.user_label() + " at " + identity_url(config_.auth_url) +
                     ": " + status_summary(response));
  throw_for_status(request, response);
  return parse_token(response);
}

Token Session::token() {
  std::lock_guard lock(mutex_);
  if (!token_ || now() + kTokenRenewMargin >= token_->expires_at) token_ = authenticate();
  return *token_;
}

std::string Session::endpoint(const std::string& service_type) {
  return find_endpoint(token().catalog, service_type, config_.region_name, config_.interface);
}

std::string Session::service_of(const Token& token, const std::string& url) const {
  std::string service, longest;  // Nova at host:8774 and Neutron at host: the longer prefix names it
  for (const auto& e : token.catalog)
    if (!e.url.empty() && e.url.size() > longest.size() && url.rfind(e.url, 0) == 0) {
      service = e.service_type;
      longest = e.url;
    }
  if (service.empty() && url.rfind(identity_url(config_.auth_url), 0) == 0) return "identity";
  return service;
}

Response Session::call(Request request) {
  const auto current = token();  // once: a token near its expiry is renewed by each token()
  const auto service = service_of(current, request.url);
  const auto in = service.empty() ? std::string() : service + " API: ";
  auto send_with = [&](const std::string& token_id) {
    auto r = request;
    r.headers.emplace_back(kTokenHeader, token_id);
    try {
      return transport_.send(r);
    } catch (const Timeout& e) {
      throw Timeout(in + e.what());
    } catch (const Unreachable& e) {
      throw Unreachable(in + e.what());
    }
  };
  const auto used = current.id;
  auto response = send_with(used);
  if (response.status == 401) {
    {
      std::lock_guard lock(mutex_);
      if (token_ && token_->id == used) token_.reset();  // revoked or expired early
    }
    if (retry_log) retry_log->add(request, response.attempts, "401: authenticating again");
    response = send_with(token().id);
  }
  throw_for_status(request, response, service);
  return response;
}

Request json_request(Method method, const std::string& url, const json* body) {
  return make_request(method, url, kJsonHeaders, body ? body->dump() : std::string());
}

json Session::call_json(Method method, const std::string& url, const json* body) {
  return call_json(json_request(method, url, body));
}

json Session::call_json(const Request& request) {
  auto response = call(request);
  if (response.body.empty()) return nullptr;
  auto j = json::parse(response.body, nullptr, false);
  if (j.is_discarded())
    throw BadResponse(std::string(method_name(request.method)) + " " + request.url +
                      ": answer is not JSON: " + response.body.substr(0, 200));
  return j;
}

}  // namespace v6c::cloud
