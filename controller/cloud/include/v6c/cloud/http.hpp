// HTTP as the cloud clients see it: plain request and response values, a Transport interface
// that sends one (Beast in beast.hpp, a recording fake in fake_transport.hpp), and the retry
// policy for idempotent calls as a decorator over any Transport. Building and parsing are pure.
#pragma once
#include <chrono>
#include <functional>
#include <mutex>
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
  int attempts = 1;  // how many sends it took (RetryingTransport)
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
  std::chrono::milliseconds max_retry_after = 60s;  // a longer Retry-After is cut to this
  int conflict_attempts = 6;  // a DELETE answered 409: Neutron's "still in use" while a port goes away
};
// Backoff before attempt `attempt` (2, 3, ...): first_backoff doubled each time, capped.
std::chrono::milliseconds backoff(const RetryPolicy& p, int attempt);
// "Equal jitter": half of `d` fixed, the other half scaled by `unit` (in [0, 1]), so that
// clients that failed together do not all come back at the same moment.
std::chrono::milliseconds jittered(std::chrono::milliseconds d, double unit);
// Retry-After (RFC 9110 §10.2.3): delay-seconds or an IMF-fixdate, as a delay from `now`;
// nullopt when absent or unreadable, zero for a date in the past.
std::optional<std::chrono::milliseconds> retry_after(const Headers& headers, std::chrono::system_clock::time_point now);
// Why `response` to attempt `attempt` deserves another one; nullopt when it is the answer.
// 5xx and 429 (RFC 6585 §4), 413 with Retry-After (a rate limit, RFC 9110 §15.5.14) for
// idempotent requests within max_attempts; 409 for a DELETE within conflict_attempts.
std::optional<std::string> retry_reason(const Request& request, const Response& response, int attempt,
                                        const RetryPolicy& p);
// The pause before attempt `attempt` + 1: the answer's Retry-After (capped) when it has one,
// else the jittered backoff.
std::chrono::milliseconds retry_wait(const RetryPolicy& p, int attempt, const Response* response, double unit,
                                     std::chrono::system_clock::time_point now);

using Sleep = std::function<void(std::chrono::milliseconds)>;
void real_sleep(std::chrono::milliseconds d);
// Uniform in [0, 1), from a generator seeded once per process.
double random_unit();

// A call sent more than once, and why: what the report and the SCS log show.
struct RetryNote {
  std::string method, path;  // path without scheme, host and query
  int attempt = 0;           // the attempt that failed or whose answer was replaced
  std::string reason;        // "503 Service Unavailable", "timed out …", "adopted … after a lost answer"
};
// Thread-safe; on_note (when set) sees each note as it is added, for live INFO lines.
class RetryLog {
 public:
  void add(const Request& request, int attempt, std::string reason);
  std::vector<RetryNote> notes() const;
  std::function<void(const RetryNote&)> on_note;

 private:
  mutable std::mutex mutex_;
  std::vector<RetryNote> notes_;
};

// Retries idempotent requests on the answers retry_reason() names and on transport failures
// (Timeout, Unreachable) with jittered exponential backoff; a POST gets one attempt, since the
// cloud may have acted on it (creates are retried above, see adopt.hpp). A DELETE answered 404
// after an earlier attempt failed was done by that attempt: it returns 204.
class RetryingTransport : public Transport {
 public:
  RetryingTransport(Transport& inner, RetryPolicy policy = {}, Sleep sleep = real_sleep)
      : inner_(inner), policy_(policy), sleep_(std::move(sleep)) {}
  Response send(const Request& request) override;
  const RetryPolicy& policy() const { return policy_; }

  RetryLog* log = nullptr;
  std::function<double()> jitter = random_unit;  // tests fix it
  std::function<std::chrono::system_clock::time_point()> now = [] { return std::chrono::system_clock::now(); };

 private:
  Transport& inner_;
  RetryPolicy policy_;
  Sleep sleep_;
};

}  // namespace v6c::cloud
