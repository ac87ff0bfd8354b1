// Keystone v3 and an authenticated session: the token request (password or application
// credential) and the token's service catalog are pure values; Session keeps one token, reuses
// it until shortly before it expires, and sends every API call with it.
#pragma once
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "v6c/cloud/beast.hpp"
#include "v6c/cloud/config.hpp"
#include "v6c/cloud/http.hpp"

namespace v6c::cloud {

using Clock = std::chrono::system_clock;

struct Endpoint {
  std::string service_type;  // network, compute, image, identity, ...
  std::string interface;     // public | internal | admin
  std::string region;
  std::string url;
};

struct Token {
  std::string id;  // X-Subject-Token
  Clock::time_point expires_at;
  std::string user_id, user_name, project_id, project_name;
  std::vector<std::string> roles;  // role names on the project
  std::vector<Endpoint> catalog;
};

// auth_url with /v3 appended unless it already ends in it (no version discovery).
std::string identity_url(const std::string& auth_url);
// POST {auth_url}/v3/auth/tokens for the config's auth method, scoped to its project.
Request token_request(const CloudConfig& config);
// The token from Keystone's 201: X-Subject-Token plus the body's expiry, user, project and
// catalog. Throws BadResponse when something it needs is missing.
Token parse_token(const Response& response);
// The SCS pre-flight (its reference tests' ensure_unprivileged): a project member holding no
// admin or manager role, so that what a member may not do is measured as a member. Empty
// when the roles pass, else what is wrong.
std::string unprivileged_member_problem(const std::vector<std::string>& roles);
// RFC 3339 as Keystone writes it: 2024-05-01T12:34:56.000000Z; nullopt when it is not.
std::optional<Clock::time_point> parse_timestamp(const std::string& text);
// The URL of service_type on interface, in region (any region when empty). Throws CloudError
// naming what the catalog does offer.
// A request with a JSON body (or none) that accepts JSON.
Request json_request(Method method, const std::string& url, const nlohmann::json* body = nullptr);
std::string find_endpoint(const std::vector<Endpoint>& catalog, const std::string& service_type,
                          const std::string& region, const std::string& interface);

class Session {
 public:
  // Tokens are renewed this long before they expire, so none runs out mid-call.
  static constexpr auto kTokenRenewMargin = std::chrono::minutes(5);

  Session(CloudConfig config, Transport& transport) : config_(std::move(config)), transport_(transport) {}
  const CloudConfig& config() const { return config_; }

  // Authenticates on first use; afterwards the cached token (thread-safe).
  Token token();
  std::string project_id() { return token().project_id; }
  std::string endpoint(const std::string& service_type);

  // Sends with X-Auth-Token and throws the CloudError for any non-2xx (errors.hpp), its message
  // naming the service. A 401 on a cached token means it was revoked or expired early:
  // authenticate once more and resend (a 401 means the cloud did nothing).
  Response call(Request request);
  // The catalogue's service type whose endpoint `url` is under ("network"); empty if none.
  std::string service_of(const Token& token, const std::string& url) const;
  // JSON in, JSON out; null for an empty body (204).
  nlohmann::json call_json(Method method, const std::string& url, const nlohmann::json* body = nullptr);
  nlohmann::json call_json(const Request& request);

  // For polling (server status); tests replace both so that nothing waits.
  Sleep sleep = real_sleep;
  std::function<Clock::time_point()> now = [] { return Clock::now(); };
  // Creates whose answer was lost are retried above the transport (adopt.hpp) with these.
  RetryPolicy retry;
  RetryLog* retry_log = nullptr;
  std::function<double()> jitter = random_unit;

 private:
  Token authenticate();
  CloudConfig config_;
  Transport& transport_;
  std::mutex mutex_;
  std::optional<Token> token_;
};

// A session over the real network: Beast with the config's TLS settings, retries logged in
// `retries`, Keystone.
struct Connection {
  explicit Connection(const CloudConfig& config, Timeouts timeouts = {}, RetryPolicy retry = {})
      : beast(TlsOptions{config.verify, config.cacert}, timeouts), retrying(beast, retry), session(config, retrying) {
    retrying.log = &retries;
    session.retry = retry;
    session.retry_log = &retries;
  }
  RetryLog retries;
  BeastTransport beast;
  RetryingTransport retrying;
  Session session;
};

}  // namespace v6c::cloud
