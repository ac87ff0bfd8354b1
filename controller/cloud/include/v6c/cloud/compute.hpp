// Nova clients in Tempest's shape: servers (with user data, config drive and the serial
// console through os-getConsoleOutput) and flavors. Cleanup registration as in neutron.hpp;
// a server's cleanup waits until it is gone, since its ports block the network until then.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "v6c/cloud/cleanup.hpp"
#include "v6c/cloud/http.hpp"

namespace v6c::cloud {

using nlohmann::json;

// RFC 4648 §4; Nova wants user_data base64-encoded.
std::string base64_encode(std::string_view bytes);

struct ServerSpec {
  std::string name, flavor_id, image_id;
  std::vector<std::string> network_ids;  // one NIC on each, in order
  std::vector<std::string> port_ids;     // or pre-made ports
  std::vector<std::string> security_groups;  // names
  std::string user_data;                     // raw bytes; encoded here
  bool config_drive = false;
  json metadata = json::object();
};
// {"server": {...}} for POST /servers.
json server_body(const ServerSpec& spec);

struct ServerWait {
  std::chrono::seconds timeout = std::chrono::minutes(10);  // a TCG boot is slow
  std::chrono::milliseconds poll = std::chrono::seconds(3);
};

class ServersClient {
 public:
  ServersClient(Session& session, CleanupStack* cleanup = nullptr) : session_(session), cleanup_(cleanup) {}
  json create_server(const json& body);  // body as server_body() builds it
  json show_server(const std::string& id);
  void delete_server(const std::string& id);
  std::vector<json> list_servers(const Query& filters = {});  // GET /servers/detail
  // The tail of the serial console log (all of it when lines is empty).
  std::string get_console_output(const std::string& id, std::optional<int> lines = std::nullopt);
  // Polls until the server has `status`; throws CloudError with Nova's fault when it goes to
  // ERROR, Timeout when the wait runs out.
  json wait_for_server_status(const std::string& id, const std::string& status, ServerWait wait = {});
  void wait_for_server_deletion(const std::string& id, ServerWait wait = {});

 private:
  std::string url(const std::string& rest = {});
  Session& session_;
  CleanupStack* cleanup_;
};

class FlavorsClient {
 public:
  FlavorsClient(Session& session, CleanupStack* cleanup = nullptr) : session_(session), cleanup_(cleanup) {}
  std::vector<json> list_flavors(const Query& filters = {});  // GET /flavors/detail
  json show_flavor(const std::string& id);
  // Admin only on most clouds: Forbidden tells the caller to pick an existing flavor.
  json create_flavor(const json& attributes);
  void delete_flavor(const std::string& id);

 private:
  std::string url(const std::string& rest = {});
  Session& session_;
  CleanupStack* cleanup_;
};

}  // namespace v6c::cloud
