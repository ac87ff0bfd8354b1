// A fault-injecting HTTP proxy in front of a cloud's API endpoints, for the tests and as the
// v6c-fault-proxy tool (docs/cloud.md "The fault proxy"). One listener on 127.0.0.1 per
// upstream endpoint; Keystone's token answers (and every other answer) have the upstreams'
// URLs rewritten to the listeners, so a client given the first listener as its auth URL
// sends everything through the proxy. A chosen share of requests, per service and method,
// gets a fault instead of (or after) the cloud's answer; which ones follows from the seed.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "loopback_http.hpp"
#include "v6c/cloud/beast.hpp"

namespace v6c::test {

enum class Fault {
  server_error,     // 500
  bad_gateway,      // 502
  unavailable,      // 503 with Retry-After
  gateway_timeout,  // 504
  conflict,         // 409, DELETEs only: "still in use"
  too_large,        // 413 with Retry-After (a rate limit)
  too_many,         // 429 with Retry-After
  delay,            // forwarded, the answer held past the client's timeout
  reset,            // connection reset, nothing forwarded
  lost_502,         // forwarded (the cloud acts), then 502
  lost_reset,       // forwarded (the cloud acts), then a reset
  unauthorized,     // 401; the token is revoked from then on
};
std::string fault_name(Fault f);
std::optional<Fault> parse_fault(const std::string& name);
const std::vector<Fault>& all_faults();

// Whether the `n`-th request (0, 1, ...) of `method` to `service` gets a fault, and which:
// a pure function of its arguments, so a seed replays a run. Faults that do not fit the
// request are never chosen (409 only for DELETE, 401 only with a token).
std::optional<Fault> choose_fault(std::uint64_t seed, const std::string& service, const std::string& method,
                                  std::uint64_t n, double share, const std::vector<Fault>& faults, bool has_token);

struct FaultOptions {
  std::vector<std::string> upstreams;  // base URLs; the first is Keystone's auth URL
  std::uint64_t seed = 1;
  double share = 0.1;                     // of every service's requests ...
  std::map<std::string, double> shares;   // ... unless "network" or "network:POST" says otherwise
  std::vector<Fault> faults = all_faults();
  std::chrono::milliseconds delay{5000};  // longer than the client's read timeout
  int retry_after_s = 1;
  cloud::TlsOptions tls;                  // towards the upstreams
};

struct Injected {
  std::string service, method, path;
  Fault fault;
};

class FaultProxy {
 public:
  explicit FaultProxy(FaultOptions options);
  ~FaultProxy();
  // The listener for upstreams[i], with that upstream's path: url(0) is the auth URL to use.
  std::string url(std::size_t i) const;
  std::vector<Injected> injected() const;
  // Every request to this service answered 503 (without Retry-After) until set back.
  void set_down(const std::string& service, bool down);
  void set_share(double share);
  std::function<void(const Injected&)> on_fault;  // set before the first request

 private:
  struct Upstream {
    std::string origin, path;  // "https://keystone.example.com:5000", "/v3"
    std::unique_ptr<LoopbackHttp> listener;
  };
  void serve(std::size_t upstream, tcp::socket& socket);
  // A 401 only for a token that was used before: a fresh one must get the client going again.
  std::optional<Fault> decide(const std::string& service, const HttpRequest& req, bool token_used_before);
  bool answer_fault(Fault f, tcp::socket& socket);
  cloud::Response forward(std::size_t upstream, const HttpRequest& req);
  std::string rewrite(std::string text) const;
  void learn_catalog(const std::string& token_body);
  std::string service_of(std::size_t upstream, const std::string& target) const;
  void pause();  // the delay, cut short when the proxy stops

  FaultOptions options_;
  cloud::BeastTransport transport_;
  std::vector<Upstream> upstreams_;
  mutable std::mutex mutex_;
  std::map<std::string, std::uint64_t> counts_;                        // service:METHOD → requests seen
  std::map<std::size_t, std::vector<std::pair<std::string, std::string>>> services_;  // listener → (path, type)
  std::set<std::string> down_, revoked_, seen_tokens_;
  std::vector<Injected> injected_;
  std::condition_variable stopping_;
  bool stop_ = false;
};

}  // namespace v6c::test
