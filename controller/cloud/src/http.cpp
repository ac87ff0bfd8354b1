#include "v6c/cloud/http.hpp"

#include <algorithm>
#include <cctype>
#include <thread>

#include "v6c/cloud/errors.hpp"

namespace v6c::cloud {
namespace {

constexpr std::string_view kHttpDefaultPort = "80";    // RFC 9110 §4.2.1
constexpr std::string_view kHttpsDefaultPort = "443";  // RFC 9110 §4.2.2
constexpr int kTooManyRequests = 429;                  // RFC 6585 §4
constexpr int kFirstServerError = 500, kLastServerError = 599;

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string_view method_name(Method m) {
  switch (m) {
    case Method::get: return "GET";
    case Method::head: return "HEAD";
    case Method::post: return "POST";
    case Method::put: return "PUT";
    case Method::patch: return "PATCH";
    case Method::del: return "DELETE";
  }
  return "GET";
}

bool is_idempotent(Method m) { return m != Method::post && m != Method::patch; }

std::optional<std::string> header(const Headers& headers, std::string_view name) {
  for (const auto& [k, v] : headers)
    if (iequal(k, name)) return v;
  return std::nullopt;
}

Request make_request(Method method, std::string url, Headers headers, std::string body) {
  return Request{method, std::move(url), std::move(headers), std::move(body), is_idempotent(method)};
}

std::optional<Url> parse_url(std::string_view s) {
  Url u;
  const auto scheme_end = s.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  for (char c : s.substr(0, scheme_end)) u.scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (u.scheme != "http" && u.scheme != "https") return std::nullopt;
  auto rest = s.substr(scheme_end + 3);
  const auto authority_end = rest.find_first_of("/?#");
  auto authority = rest.substr(0, authority_end);
  u.target = authority_end == std::string_view::npos ? "/" : std::string(rest.substr(authority_end));
  if (u.target.front() != '/') u.target.insert(0, "/");
  if (const auto hash = u.target.find('#'); hash != std::string::npos) u.target.erase(hash);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {  // RFC 3986 §3.2.2 IP-literal
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    u.host = authority.substr(1, close - 1);
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
    }
  } else {
    const auto colon = authority.rfind(':');
    u.host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (u.host.empty()) return std::nullopt;
  if (!std::all_of(port.begin(), port.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return std::nullopt;
  u.port = port.empty() ? std::string(u.tls() ? kHttpsDefaultPort : kHttpDefaultPort) : std::string(port);
  return u;
}

std::string join_url(std::string_view base, std::string_view path) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  std::string s(base);
  if (!path.empty()) s.append("/").append(path);
  return s;
}

std::string url_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

std::string with_query(std::string url, const Query& query) {
  for (const auto& [k, v] : query) {
    url += url.find('?') == std::string::npos ? '?' : '&';
    url += url_encode(k) + "=" + url_encode(v);
  }
  return url;
}

std::chrono::milliseconds backoff(const RetryPolicy& p, int attempt) {
  auto d = p.first_backoff;
  for (int i = 2; i < attempt && d < p.max_backoff; ++i) d *= 2;
  return std::min(d, p.max_backoff);
}

bool should_retry(const Request& request, int status) {
  if (!request.idempotent) return false;
  return status == kTooManyRequests || (status >= kFirstServerError && status <= kLastServerError);
}

void real_sleep(std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }

Response RetryingTransport::send(const Request& request) {
  for (int attempt = 1;; ++attempt) {
    const bool last = attempt >= policy_.max_attempts || !request.idempotent;
    try {
      auto response = inner_.send(request);
      if (last || !should_retry(request, response.status)) return response;
    } catch (const Timeout&) {
      if (last) throw;
    } catch (const Unreachable&) {
      if (last) throw;
    }
    sleep_(backoff(policy_, attempt + 1));
  }
}

}  // namespace v6c::cloud
