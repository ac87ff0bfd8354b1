// A small OpenStack on 127.0.0.1 for the fault tests: Keystone (a new token per request, a
// catalogue naming the other server) and a Neutron that creates, lists by any string
// attribute, shows and deletes networks, subnets, ports, routers, security groups and their
// rules, RBAC policies; a network or subnet still in use answers 409 as Neutron does. Nova's
// and Glance's lists answer empty, so that cleanup_by_prefix can run whole.
#pragma once
#include <map>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "loopback_http.hpp"

namespace v6c::test {

class FakeOpenStack {
 public:
  FakeOpenStack();
  std::string auth_url() const { return keystone_.origin() + "/v3"; }
  std::string api_origin() const { return api_.origin(); }
  // Live resources by collection path ("networks", "security-group-rules").
  std::map<std::string, std::map<std::string, nlohmann::json>> live() const;
  std::size_t live_count() const;
  int creates() const;  // POSTs that made something

  static constexpr const char* kProjectId = "p-v6c";

 private:
  void serve_keystone(tcp::socket& socket);
  void serve_api(tcp::socket& socket);
  std::pair<int, nlohmann::json> neutron(const std::string& method, const std::string& path,
                                          const std::string& query, const std::string& body);
  std::pair<int, nlohmann::json> remove(const std::string& collection, const std::string& id);
  mutable std::mutex mutex_;
  std::map<std::string, std::map<std::string, nlohmann::json>> live_;
  int next_ = 0, creates_ = 0;
  LoopbackHttp keystone_, api_;
};

}  // namespace v6c::test
