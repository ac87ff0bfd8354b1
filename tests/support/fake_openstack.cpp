#include "fake_openstack.hpp"

#include <algorithm>
#include <sstream>

namespace v6c::test {
namespace {

using nlohmann::json;

const std::map<std::string, std::string> kSingular = {
    {"networks", "network"},   {"subnets", "subnet"},   {"ports", "port"},
    {"routers", "router"},     {"security-groups", "security_group"},
    {"security-group-rules", "security_group_rule"}, {"rbac-policies", "rbac_policy"},
    {"subnetpools", "subnetpool"}};
// Neutron's list keys use underscores where its paths use dashes.
std::string list_key(std::string collection) {
  std::replace(collection.begin(), collection.end(), '-', '_');
  return collection;
}

std::string percent_decoded(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

bool matches(const json& item, const std::string& query) {
  std::stringstream s(query);
  for (std::string part; std::getline(s, part, '&');) {
    const auto eq = part.find('=');
    if (eq == std::string::npos) continue;
    const auto key = percent_decoded(part.substr(0, eq));
    const auto value = percent_decoded(part.substr(eq + 1));
    if (!item.contains(key) || !item[key].is_string() || item[key] != value) return false;
  }
  return true;
}

}  // namespace

FakeOpenStack::FakeOpenStack()
    : keystone_([this](tcp::socket& s) { serve_keystone(s); }), api_([this](tcp::socket& s) { serve_api(s); }) {}

std::map<std::string, std::map<std::string, json>> FakeOpenStack::live() const {
  std::lock_guard lock(mutex_);
  return live_;
}

std::size_t FakeOpenStack::live_count() const {
  std::size_t n = 0;
  for (const auto& [c, items] : live()) n += items.size();
  return n;
}

int FakeOpenStack::creates() const {
  std::lock_guard lock(mutex_);
  return creates_;
}

void FakeOpenStack::serve_keystone(tcp::socket& socket) {
  const auto req = read_request(socket);
  if (!req) return;
  if (req->method() != http::verb::post || !req->target().ends_with("/v3/auth/tokens"))
    return write_json(socket, 404, R"({"error": {"message": "not here"}})");
  const auto api = api_.origin();
  const json catalog = json::array(
      {{{"type", "identity"}, {"endpoints", {{{"interface", "public"}, {"region_id", "r1"}, {"url", auth_url()}}}}},
       {{"type", "network"}, {"endpoints", {{{"interface", "public"}, {"region_id", "r1"}, {"url", api}}}}},
       {{"type", "compute"}, {"endpoints", {{{"interface", "public"}, {"region_id", "r1"}, {"url", api + "/compute/v2.1"}}}}},
       {{"type", "image"}, {"endpoints", {{{"interface", "public"}, {"region_id", "r1"}, {"url", api + "/image"}}}}}});
  const json token = {{"token",
                       {{"expires_at", "2099-01-01T00:00:00.000000Z"},
                        {"user", {{"id", "u1"}, {"name", "u"}}},
                        {"project", {{"id", kProjectId}, {"name", "v6c"}}},
                        {"roles", {{{"id", "r1"}, {"name", "member"}}}},
                        {"catalog", catalog}}}};
  int n;
  {
    std::lock_guard lock(mutex_);
    n = ++next_;
  }
  write_json(socket, 201, token.dump(), {{"X-Subject-Token", "token-" + std::to_string(n)}});
}

void FakeOpenStack::serve_api(tcp::socket& socket) {
  const auto req = read_request(socket);
  if (!req) return;
  const std::string target(req->target());
  const auto path = target.substr(0, target.find('?'));
  const auto query = target.find('?') == std::string::npos ? "" : target.substr(target.find('?') + 1);
  if (path == "/compute/v2.1/servers/detail") return write_json(socket, 200, R"({"servers": []})");
  if (path == "/compute/v2.1/flavors/detail") return write_json(socket, 200, R"({"flavors": []})");
  if (path == "/image/v2/images") return write_json(socket, 200, R"({"images": []})");
  std::lock_guard lock(mutex_);
  const auto [status, body] = neutron(std::string(req->method_string()), path, query, req->body());
  write_json(socket, status, body.is_null() ? "" : body.dump());
}

std::pair<int, json> FakeOpenStack::neutron(const std::string& method, const std::string& path,
                                             const std::string& query, const std::string& body) {
  const std::string prefix = "/v2.0/";
  if (path.rfind(prefix, 0) != 0) return {404, {{"NeutronError", {{"message", "no such path"}}}}};
  const auto rest = path.substr(prefix.size());
  const auto slash = rest.find('/');
  const auto collection = rest.substr(0, slash);
  const auto id = slash == std::string::npos ? "" : rest.substr(slash + 1);
  const auto singular = kSingular.find(collection);
  if (singular == kSingular.end()) return {404, {{"NeutronError", {{"message", "no such resource"}}}}};
  auto& items = live_[collection];
  if (method == "POST" && id.empty()) {
    auto item = json::parse(body, nullptr, false).value(singular->second, json::object());
    item["id"] = collection + "-" + std::to_string(++next_);
    item["project_id"] = item["tenant_id"] = kProjectId;
    items[item["id"]] = item;
    ++creates_;
    return {201, {{singular->second, item}}};
  }
  if (method == "GET" && id.empty()) {
    json list = json::array();
    for (const auto& [i, item] : items)
      if (matches(item, query)) list.push_back(item);
    return {200, {{list_key(collection), list}}};
  }
  if (!items.count(id)) return {404, {{"NeutronError", {{"message", singular->second + " " + id + " could not be found."}}}}};
  if (method == "GET") return {200, {{singular->second, items[id]}}};
  if (method == "DELETE") return remove(collection, id);
  return {405, {{"NeutronError", {{"message", "not supported here"}}}}};
}

std::pair<int, json> FakeOpenStack::remove(const std::string& collection, const std::string& id) {
  auto in_use = [&](const std::string& users, const std::string& key) {
    for (const auto& [i, item] : live_[users])
      if (item.value(key, "") == id) return true;
    return false;
  };
  if ((collection == "networks" && (in_use("subnets", "network_id") || in_use("ports", "network_id"))) ||
      (collection == "subnets" && in_use("ports", "subnet_id")))
    return {409, {{"NeutronError", {{"message", "Unable to complete operation: " + id + " is in use."}}}}};
  if (collection == "security-groups")
    std::erase_if(live_["security-group-rules"], [&](const auto& r) { return r.second.value("security_group_id", "") == id; });
  live_[collection].erase(id);
  return {204, nullptr};
}

}  // namespace v6c::test
