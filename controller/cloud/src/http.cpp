#include "v6c/cloud/http.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <random>
#include <thread>

#include "v6c/cloud/errors.hpp"

namespace v6c::cloud {
namespace {

constexpr std::string_view kHttpDefaultPort = "80";    // RFC 9110 §4.2.1
constexpr std::string_view kHttpsDefaultPort = "443";  // RFC 9110 §4.2.2
constexpr int kTooManyRequests = 429;                  // RFC 6585 §4
constexpr int kContentTooLarge = 413;                  // RFC 9110 §15.5.14; Nova's rate limit
constexpr int kConflict = 409, kNotFound = 404, kNoContent = 204;
constexpr int kFirstServerError = 500, kLastServerError = 599;
constexpr std::size_t kMaxRetryAfterDigits = 6;  // over 11 days: no API means it
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr int kTmYearBase = 1900;

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// IMF-fixdate (RFC 9110 §5.6.7), "Sun, 06 Nov 1994 08:49:37 GMT"; the obsolete forms are
// not read (a sender must not generate them).
std::optional<std::chrono::system_clock::time_point> parse_http_date(const std::string& text) {
  std::tm tm{};
  char weekday[4] = {}, month[4] = {}, zone[4] = {};
  if (std::sscanf(text.c_str(), "%3s, %2d %3s %4d %2d:%2d:%2d %3s", weekday, &tm.tm_mday, month, &tm.tm_year, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, zone) != 8 ||
      std::string_view(zone) != "GMT")
    return std::nullopt;
  const auto m = std::find(kMonths.begin(), kMonths.end(), std::string_view(month));
  if (m == kMonths.end()) return std::nullopt;
  tm.tm_mon = static_cast<int>(m - kMonths.begin());
  tm.tm_year -= kTmYearBase;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string after_attempts(const std::string& message, int attempts) {
  return attempts > 1 ? message + " (" + std::to_string(attempts) + " attempts)" : message;
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

std::chrono::milliseconds jittered(std::chrono::milliseconds d, double unit) {
  const auto half = d / 2;
  return d - half + std::chrono::duration_cast<std::chrono::milliseconds>(half * std::clamp(unit, 0.0, 1.0));
}

std::optional<std::chrono::milliseconds> retry_after(const Headers& headers, std::chrono::system_clock::time_point now) {
  const auto value = header(headers, "Retry-After");
  if (!value || value->empty()) return std::nullopt;
  if (std::all_of(value->begin(), value->end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    if (value->size() > kMaxRetryAfterDigits) return std::chrono::hours(24);  // absurd; the caller caps it
    return std::chrono::seconds(std::stol(*value));
  }
  const auto date = parse_http_date(*value);
  if (!date) return std::nullopt;
  if (*date <= now) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(*date - now);
}

std::optional<std::string> retry_reason(const Request& request, const Response& response, int attempt,
                                        const RetryPolicy& p) {
  if (!request.idempotent) return std::nullopt;
  const int s = response.status;
  const bool rate_limited = s == kTooManyRequests || (s == kContentTooLarge && header(response.headers, "Retry-After"));
  const bool hiccup = rate_limited || (s >= kFirstServerError && s <= kLastServerError);
  const bool in_use = s == kConflict && request.method == Method::del;
  if ((hiccup && attempt < p.max_attempts) || (in_use && attempt < p.conflict_attempts)) return status_summary(response);
  return std::nullopt;
}

std::chrono::milliseconds retry_wait(const RetryPolicy& p, int attempt, const Response* response, double unit,
                                     std::chrono::system_clock::time_point now) {
  if (response)
    if (auto asked = retry_after(response->headers, now)) return std::min(*asked, p.max_retry_after);
  return jittered(backoff(p, attempt + 1), unit);
}

void real_sleep(std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }

double random_unit() {
  static std::mutex mutex;
  static std::mt19937_64 generator{std::random_device{}()};
  std::lock_guard lock(mutex);
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

void RetryLog::add(const Request& request, int attempt, std::string reason) {
  auto path = parse_url(request.url).value_or(Url{}).target;
  path = path.substr(0, path.find('?'));
  RetryNote note{std::string(method_name(request.method)), path, attempt, std::move(reason)};
  std::function<void(const RetryNote&)> tell;
  {
    std::lock_guard lock(mutex_);
    notes_.push_back(note);
    tell = on_note;
  }
  if (tell) tell(note);
}

std::vector<RetryNote> RetryLog::notes() const {
  std::lock_guard lock(mutex_);
  return notes_;
}

Response RetryingTransport::send(const Request& request) {
  for (int attempt = 1;; ++attempt) {
    const bool may_retry = request.idempotent && attempt < policy_.max_attempts;
    std::optional<Response> response;
    std::string failure;
    try {
      response = inner_.send(request);
    } catch (const Timeout& e) {
      if (!may_retry) throw Timeout(after_attempts(e.what(), attempt));
      failure = e.what();
    } catch (const Unreachable& e) {
      if (!may_retry) throw Unreachable(after_attempts(e.what(), attempt));
      failure = e.what();
    }
    if (response) {
      response->attempts = attempt;
      if (attempt > 1 && request.method == Method::del && response->status == kNotFound) {
        if (log) log->add(request, attempt, "404: deleted by an earlier attempt whose answer was lost");
        return Response{kNoContent, {}, {}, attempt};
      }
      const auto reason = retry_reason(request, *response, attempt, policy_);
      if (!reason) return *response;
      failure = *reason;
    }
    if (log) log->add(request, attempt, failure);
    sleep_(retry_wait(policy_, attempt, response ? &*response : nullptr, jitter(), now()));
  }
}

}  // namespace v6c::cloud
