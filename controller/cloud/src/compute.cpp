#include "v6c/cloud/compute.hpp"

#include "v6c/cloud/adopt.hpp"
#include "v6c/cloud/errors.hpp"
#include "v6c/cloud/neutron.hpp"
#include "v6c/cloud/session.hpp"

namespace v6c::cloud {
namespace {

const char* kStatusError = "ERROR";
const char* kStatusDeleted = "DELETED";

std::string compute_url(Session& s, const std::string& rest) { return join_url(s.endpoint("compute"), rest); }

int polls(const ServerWait& w) {
  return std::max<int>(1, static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(w.timeout) / w.poll));
}

// Nova's name filter is a regular expression: the exact name is checked here. An empty name
// identifies nothing.
std::vector<json> named(const std::vector<json>& resources, const std::string& name) {
  std::vector<json> found;
  for (const auto& r : resources)
    if (!name.empty() && r.value("name", "") == name) found.push_back(r);
  return found;
}

void delete_and_wait(Session& s, const std::string& id) {
  ServersClient servers(s);
  servers.delete_server(id);
  servers.wait_for_server_deletion(id);
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(v >> shift) & 0x3f];
  }
  if (const auto rest = bytes.size() - i; rest > 0) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 0x3f];
    out += kAlphabet[(v >> 12) & 0x3f];
    out += rest == 2 ? kAlphabet[(v >> 6) & 0x3f] : '=';
    out += '=';
  }
  return out;
}

json server_body(const ServerSpec& spec) {
  json s = {{"name", spec.name}, {"flavorRef", spec.flavor_id}, {"imageRef", spec.image_id}};
  json networks = json::array();
  for (const auto& id : spec.network_ids) networks.push_back({{"uuid", id}});
  for (const auto& id : spec.port_ids) networks.push_back({{"port", id}});
  s["networks"] = networks;
  if (!spec.security_groups.empty()) {
    json groups = json::array();
    for (const auto& g : spec.security_groups) groups.push_back({{"name", g}});
    s["security_groups"] = groups;
  }
  if (!spec.user_data.empty()) s["user_data"] = base64_encode(spec.user_data);
  if (spec.config_drive) s["config_drive"] = true;
  if (!spec.metadata.empty()) s["metadata"] = spec.metadata;
  return {{"server", s}};
}

std::string ServersClient::url(const std::string& rest) { return compute_url(session_, join_url("servers", rest)); }

json ServersClient::create_server(const json& body) {
  const auto name = body.contains("server") ? body["server"].value("name", "") : "";
  const auto request = json_request(Method::post, url(), &body);
  const auto made = create_or_adopt(session_, request,
                                    {[&] { return unwrap(session_.call_json(request), "server"); },
                                     [&] { return named(list_servers({{"name", name}}), name); }});
  for (const auto& server : made) {
    const auto id = server.value("id", "");
    if (cleanup_ && !id.empty())
      cleanup_->push(ResourceKind::server, id, name, [&s = session_, id] { delete_and_wait(s, id); });
  }
  return made.front();
}

json ServersClient::show_server(const std::string& id) { return unwrap(session_.call_json(Method::get, url(id)), "server"); }

void ServersClient::delete_server(const std::string& id) {
  session_.call(make_request(Method::del, url(id)));
  if (cleanup_) cleanup_->forget(ResourceKind::server, id);
}

std::vector<json> ServersClient::list_servers(const Query& filters) {
  return unwrap(session_.call_json(Method::get, with_query(url("detail"), filters)), "servers");
}

std::string ServersClient::get_console_output(const std::string& id, std::optional<int> lines) {
  json action = json::object();
  if (lines) action["length"] = *lines;
  const json body = {{"os-getConsoleOutput", action}};
  auto request = json_request(Method::post, url(id + "/action"), &body);
  request.idempotent = true;  // it only reads
  auto answer = json::parse(session_.call(request).body, nullptr, false);
  if (!answer.is_object() || !answer.contains("output") || !answer["output"].is_string())
    throw BadResponse("POST " + request.url + ": no console output in the answer");
  return answer["output"].get<std::string>();
}

json ServersClient::wait_for_server_status(const std::string& id, const std::string& status, ServerWait wait) {
  std::string last;
  for (int i = 0, n = polls(wait); i < n; ++i) {
    auto server = show_server(id);
    last = server.value("status", "");
    if (last == status) return server;
    if (last == kStatusError) {
      std::string fault = server.contains("fault") ? server["fault"].value("message", "") : "";
      throw CloudError("server " + server.value("name", id) + " went to ERROR" + (fault.empty() ? "" : ": " + fault));
    }
    session_.sleep(wait.poll);
  }
  throw Timeout("server " + id + " not " + status + " after " + std::to_string(wait.timeout.count()) +
                " s (status " + last + ")");
}

void ServersClient::wait_for_server_deletion(const std::string& id, ServerWait wait) {
  for (int i = 0, n = polls(wait); i < n; ++i) {
    try {
      if (show_server(id).value("status", "") == kStatusDeleted) return;
    } catch (const NotFound&) {
      return;
    }
    session_.sleep(wait.poll);
  }
  throw Timeout("server " + id + " still exists " + std::to_string(wait.timeout.count()) + " s after its deletion");
}

std::string FlavorsClient::url(const std::string& rest) { return compute_url(session_, join_url("flavors", rest)); }

std::vector<json> FlavorsClient::list_flavors(const Query& filters) {
  return unwrap(session_.call_json(Method::get, with_query(url("detail"), filters)), "flavors");
}

json FlavorsClient::show_flavor(const std::string& id) { return unwrap(session_.call_json(Method::get, url(id)), "flavor"); }

json FlavorsClient::create_flavor(const json& attributes) {
  const json body = {{"flavor", attributes}};
  const auto name = attributes.value("name", "");
  const auto request = json_request(Method::post, url(), &body);
  const auto made = create_or_adopt(session_, request,
                                    {[&] { return unwrap(session_.call_json(request), "flavor"); },
                                     [&] { return named(list_flavors({{"is_public", "None"}}), name); }});
  for (const auto& flavor : made) {
    const auto id = flavor.value("id", "");
    if (cleanup_ && !id.empty())
      cleanup_->push(ResourceKind::flavor, id, flavor.value("name", ""),
                     [&s = session_, id] { s.call(make_request(Method::del, compute_url(s, "flavors/" + id))); });
  }
  return made.front();
}

void FlavorsClient::delete_flavor(const std::string& id) {
  session_.call(make_request(Method::del, url(id)));
  if (cleanup_) cleanup_->forget(ResourceKind::flavor, id);
}

}  // namespace v6c::cloud
