#include "v6c/cloud/errors.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "v6c/cloud/http.hpp"

namespace v6c::cloud {
namespace {

// HTTP status codes the tree distinguishes (RFC 9110 §15).
constexpr int kUnauthorized = 401, kForbidden = 403, kNotFound = 404, kConflict = 409;
constexpr int kContentTooLarge = 413;  // Nova's overLimit for quotas; with Retry-After a rate limit
constexpr int kTooManyRequests = 429;  // RFC 6585 §4
constexpr int kFirstServerError = 500;
constexpr std::size_t kMaxMessage = 300;  // an HTML error page is not a message

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string squeezed(std::string_view text) {
  std::string out;
  bool in_tag = false, space = false;
  for (char c : text) {
    if (c == '<') in_tag = true;
    if (in_tag) {
      in_tag = c != '>';
      space = true;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  if (out.size() > kMaxMessage) out = out.substr(0, kMaxMessage) + "…";
  return out;
}

std::string message_in(const nlohmann::json& j) {
  if (!j.is_object()) return {};
  for (const char* key : {"message", "faultstring", "detail", "title"})
    if (auto it = j.find(key); it != j.end() && it->is_string() && !it->get<std::string>().empty())
      return it->get<std::string>();
  // {"NeutronError": {...}}, {"itemNotFound": {...}}, {"error": {...}}: one level of wrapping.
  for (const auto& [key, value] : j.items())
    if (auto m = message_in(value); !m.empty()) return m;
  return {};
}

const char* reason_phrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case kUnauthorized: return "Unauthorized";
    case kForbidden: return "Forbidden";
    case kNotFound: return "Not Found";
    case 405: return "Method Not Allowed";
    case kConflict: return "Conflict";
    case kContentTooLarge: return "Request Entity Too Large";
    case kTooManyRequests: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

}  // namespace

std::string error_message(std::string_view body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_discarded()) return squeezed(message_in(j));
  return squeezed(body);
}

std::string status_summary(const Response& response) {
  auto message = error_message(response.body);
  if (message.empty()) message = reason_phrase(response.status);
  // Glance's text bodies repeat the status: "404 Not Found The resource could not be found."
  const auto code = std::to_string(response.status);
  if (message.rfind(code + " ", 0) == 0) message.erase(0, code.size() + 1);
  return message.empty() ? code : code + " " + message;
}

namespace {

template <class Error>
[[noreturn]] void raise(const Response& response, std::string message) {
  Error e(std::move(message), response.status);
  if (auto d = retry_after(response.headers, std::chrono::system_clock::now())) e.set_retry_after(*d);
  throw e;
}

}  // namespace

void throw_for_status(const Request& request, const Response& response, std::string_view service) {
  if (response.ok()) return;
  const int s = response.status;
  const auto call = std::string(method_name(request.method)) + " " + request.url + ": " + status_summary(response) +
                    (response.attempts > 1 ? " (" + std::to_string(response.attempts) + " attempts)" : "");
  const auto in = service.empty() ? std::string() : std::string(service) + " API: ";
  const bool says_quota = lower(error_message(response.body)).find("quota exceeded") != std::string::npos;
  if ((s == kContentTooLarge && !header(response.headers, "Retry-After")) ||
      ((s == kForbidden || s == kConflict) && says_quota))
    raise<QuotaExceeded>(response, in + "quota exceeded: " + call);
  if (s == kUnauthorized) raise<AuthFailed>(response, in + "authentication failed (token rejected): " + call);
  if (s == kForbidden) raise<Forbidden>(response, in + "permission denied: " + call);
  if (s == kNotFound) raise<NotFound>(response, in + "not found: " + call);
  if (s == kConflict) raise<Conflict>(response, in + "conflict: " + call);
  if (s >= kFirstServerError) raise<ServerFault>(response, in + "cloud error: " + call);
  if (s == kTooManyRequests || s == kContentTooLarge) raise<RateLimited>(response, in + "rate limited: " + call);
  raise<CloudError>(response, in + "refused: " + call);
}

}  // namespace v6c::cloud
