// HTTP as the cloud clients see it: plain request and response values, a Transport interface
// that sends one (Beast in beast.hpp, a recording fake in fake_transport.hpp), and the retry
// policy for idempotent calls as a decorator over any Transport. Building and parsing are pure.
#pragma once
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace v6c::cloud {

using namespace std::chrono_literals;

enum class Method { get, head, post, put, patch, del };
std::string_view method_name(Method m);
// RFC 9110 §9.2.2: repeating the request has the same effect as sending it once.
bool is_idempotent(Method m);

using Headers = std::vector<std::pair<std::string, std::string>>;
// Case-insensitive lookup (RFC 9110 §5.1); the first match.
std::optional<std::string> header(const Headers& headers, std::string_view name);

struct Request {
  Method method = Method::get;
  std::string url;  // absolute: http(s)://host[:port]/path[?query]
  Headers headers;
  std::string body;
  // Safe to repeat after a 5xx or a lost connection. Defaults from the method; a POST that
  // only reads (Nova's os-getConsoleOutput action) may set it.
  bool idempotent = true;
};
Request make_request(Method method, std::string url, Headers headers = {}, std::string body = {});

struct Response {
  int status = 0;
  Headers headers;
  std::string body;
  bool ok() const { return status >= 200 && status < 300; }
};

struct Url {
  std::string scheme;  // http | https
  std::string host;    // without brackets for IPv6 literals
  std::string port;    // explicit or the scheme's default
  std::string target;  // path and query, at least "/"
  bool tls() const { return scheme == "https"; }
};
// Empty for anything but an absolute http(s) URL.
std::optional<Url> parse_url(std::string_view url);
// base + "/" + path with exactly one slash between them; path may be empty.
std::string join_url(std::string_view base, std::string_view path);
// Percent-encodes a query component (RFC 3986 §2.3 unreserved characters stay).
std::string url_encode(std::string_view s);
using Query = std::vector<std::pair<std::string, std::string>>;
std::string with_query(std::string url, const Query& query);

// The ways a transport gives up, before any status exists.
class Transport {
 public:
  virtual ~Transport() = default;
  // Sends one request; returns the response whatever its status. Throws Timeout when a step
  // runs out of time and Unreachable when the host cannot be resolved, connected or TLS fails.
  virtual Response send(const Request& request) = 0;
};

// One timeout per network step (STYLE.md: every network step has an explicit timeout).
struct Timeouts {
  std::chrono::milliseconds resolve = 10s;
  std::chrono::milliseconds connect = 10s;
  std::chrono::milliseconds handshake = 10s;
  std::chrono::milliseconds write = 60s;  // an image upload is one write
  std::chrono::milliseconds read = 60s;   // Nova's console output and long lists are slow
};

struct RetryPolicy {
  int max_attempts = 4;  // first try included
  std::chrono::milliseconds first_backoff = 1s;
  std::chrono::milliseconds max_backoff = 16s;
};
// Backoff before attempt `attempt` (2, 3, ...): first_backoff doubled each time, capped.
std::chrono::milliseconds backoff(const RetryPolicy& p, int attempt);
// Whether a response deserves another attempt: 5xx and 429 (RFC 6585 §4) for idempotent requests.
bool should_retry(const Request& request, int status);

using Sleep = std::function<void(std::chrono::milliseconds)>;
void real_sleep(std::chrono::milliseconds d);

// Retries idempotent requests on 5xx, 429 and transport failures (Timeout, Unreachable) with
// exponential backoff; POSTs get exactly one attempt, since the cloud may have acted on it.
class RetryingTransport : public Transport {
 public:
  RetryingTransport(Transport& inner, RetryPolicy policy = {}, Sleep sleep = real_sleep)
      : inner_(inner), policy_(policy), sleep_(std::move(sleep)) {}
  Response send(const Request& request) override;

 private:
  Transport& inner_;
  RetryPolicy policy_;
  Sleep sleep_;
};

}  // namespace v6c::cloud
