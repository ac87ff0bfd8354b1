// Everything that can go wrong talking to a cloud, as one small tree, mapped in one place
// (errors.cpp): from an HTTP status and body, and from a transport failure, to a type and a
// message that names the cause; and from a type to v6conform's exit code.
#pragma once
#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>

namespace v6c::cloud {

struct Request;
struct Response;

// The root: any failure of a cloud call. status() is the HTTP status, 0 when there was none.
// A 4xx outside the tree below (400 Bad Request, 405, ...) is a plain CloudError.
class CloudError : public std::runtime_error {
 public:
  explicit CloudError(const std::string& message, int status = 0) : std::runtime_error(message), status_(status) {}
  int status() const { return status_; }
  // What the answer's Retry-After asked for (zero: nothing); a create retried later waits this long.
  std::chrono::milliseconds retry_after() const { return retry_after_; }
  void set_retry_after(std::chrono::milliseconds d) { retry_after_ = d; }

 private:
  int status_;
  std::chrono::milliseconds retry_after_{0};
};

// clouds.yaml, secure.yaml or OS_* variables that cannot describe a cloud.
struct ConfigError : CloudError { using CloudError::CloudError; };
struct AuthFailed : CloudError { using CloudError::CloudError; };     // 401
struct Forbidden : CloudError { using CloudError::CloudError; };      // 403
struct NotFound : CloudError { using CloudError::CloudError; };       // 404
struct Conflict : CloudError { using CloudError::CloudError; };       // 409
struct QuotaExceeded : CloudError { using CloudError::CloudError; };  // 413, or 403/409 saying "Quota exceeded"
struct RateLimited : CloudError { using CloudError::CloudError; };    // 429, or 413 with Retry-After
struct ServerFault : CloudError { using CloudError::CloudError; };    // 5xx
struct Timeout : CloudError { using CloudError::CloudError; };        // a network step ran out of time
struct Unreachable : CloudError { using CloudError::CloudError; };    // DNS or connect failed
struct TlsFailed : CloudError { using CloudError::CloudError; };      // handshake or certificate check failed
struct BadResponse : CloudError { using CloudError::CloudError; };    // 2xx whose body is not what the API promises

// The human part of an OpenStack error body: Keystone's {"error": {"message"}}, Neutron's
// {"NeutronError": {"message"}}, Nova's {"itemNotFound": {"message"}}, Glance's HTML or text.
// Empty when the body says nothing.
std::string error_message(std::string_view body);

// "404 Network x could not be found." — the status and what the body says (or its reason phrase).
std::string status_summary(const Response& response);

// Throws the error type for a non-2xx response, its message naming the service (when given),
// the call and how many attempts it took:
// "network API: not found: GET http://…/v2.0/networks/x: 404 Network x could not be found."
// Returns when the status is 2xx.
void throw_for_status(const Request& request, const Response& response, std::string_view service = {});

}  // namespace v6c::cloud
