#include "fault_proxy.hpp"

#include <nlohmann/json.hpp>

#include "v6c/cloud/errors.hpp"

namespace v6c::test {
namespace {

using nlohmann::json;

// splitmix64 (Steele, Lea, Flood 2014): a well-mixed 64-bit hash of a counter.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

double unit(std::uint64_t x) { return static_cast<double>(x >> 11) * 0x1.0p-53; }

struct FaultInfo {
  Fault fault;
  const char* name;
  int status;  // 0: not an answer of its own
  bool retry_after;
};
constexpr FaultInfo kFaults[] = {
    {Fault::server_error, "500", 500, false},   {Fault::bad_gateway, "502", 502, false},
    {Fault::unavailable, "503", 503, true},     {Fault::gateway_timeout, "504", 504, false},
    {Fault::conflict, "409", 409, false},       {Fault::too_large, "413", 413, true},
    {Fault::too_many, "429", 429, true},        {Fault::delay, "delay", 0, false},
    {Fault::reset, "reset", 0, false},          {Fault::lost_502, "lost-502", 0, false},
    {Fault::lost_reset, "lost-reset", 0, false}, {Fault::unauthorized, "401", 401, false},
};

const FaultInfo& info(Fault f) {
  for (const auto& i : kFaults)
    if (i.fault == f) return i;
  return kFaults[0];
}

std::optional<cloud::Method> method_of(const std::string& name) {
  for (auto m : {cloud::Method::get, cloud::Method::head, cloud::Method::post, cloud::Method::put, cloud::Method::patch,
                 cloud::Method::del})
    if (cloud::method_name(m) == name) return m;
  return std::nullopt;
}

bool hop_by_hop(const std::string& name) {
  for (const char* h : {"host", "connection", "content-length", "transfer-encoding", "keep-alive"})
    if (boost::beast::iequals(name, h)) return true;
  return false;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

}  // namespace

std::string fault_name(Fault f) { return info(f).name; }

std::optional<Fault> parse_fault(const std::string& name) {
  for (const auto& i : kFaults)
    if (name == i.name) return i.fault;
  return std::nullopt;
}

const std::vector<Fault>& all_faults() {
  static const std::vector<Fault> all = [] {
    std::vector<Fault> v;
    for (const auto& i : kFaults) v.push_back(i.fault);
    return v;
  }();
  return all;
}

std::optional<Fault> choose_fault(std::uint64_t seed, const std::string& service, const std::string& method,
                                  std::uint64_t n, double share, const std::vector<Fault>& faults, bool has_token) {
  const auto h = mix(seed ^ mix(fnv1a(service + ":" + method) ^ mix(n)));
  if (unit(h) >= share) return std::nullopt;
  std::vector<Fault> fit;
  for (auto f : faults)
    if ((f != Fault::conflict || method == "DELETE") && (f != Fault::unauthorized || has_token)) fit.push_back(f);
  if (fit.empty()) return std::nullopt;
  return fit[mix(h) % fit.size()];
}

FaultProxy::FaultProxy(FaultOptions options)
    : options_(std::move(options)), transport_(options_.tls, cloud::Timeouts{}) {
  for (std::size_t i = 0; i < options_.upstreams.size(); ++i) {
    const auto& u = options_.upstreams[i];
    const auto scheme_end = u.find("://");
    if (scheme_end == std::string::npos || !cloud::parse_url(u)) throw std::invalid_argument("not an http(s) URL: " + u);
    const auto path_start = u.find('/', scheme_end + 3);
    Upstream up{u.substr(0, path_start), path_start == std::string::npos ? "" : u.substr(path_start), nullptr};
    while (!up.path.empty() && up.path.back() == '/') up.path.pop_back();
    upstreams_.push_back(std::move(up));
  }
  for (std::size_t i = 0; i < upstreams_.size(); ++i)
    upstreams_[i].listener = std::make_unique<LoopbackHttp>([this, i](tcp::socket& s) { serve(i, s); });
}

FaultProxy::~FaultProxy() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  stopping_.notify_all();
  for (auto& u : upstreams_) u.listener.reset();  // waits for the connections in flight
}

std::string FaultProxy::url(std::size_t i) const { return upstreams_.at(i).listener->origin() + upstreams_.at(i).path; }

std::vector<Injected> FaultProxy::injected() const {
  std::lock_guard lock(mutex_);
  return injected_;
}

void FaultProxy::set_down(const std::string& service, bool down) {
  std::lock_guard lock(mutex_);
  if (down) down_.insert(service);
  else down_.erase(service);
}

void FaultProxy::set_share(double share) {
  std::lock_guard lock(mutex_);
  options_.share = share;
  options_.shares.clear();
}

std::optional<Fault> FaultProxy::decide(const std::string& service, const HttpRequest& req, bool token_used_before) {
  const std::string method(req.method_string());
  Injected note{service, method, std::string(req.target().substr(0, req.target().find('?'))), Fault::server_error};
  {
    std::lock_guard lock(mutex_);
    auto share = options_.share;
    if (auto s = options_.shares.find(service); s != options_.shares.end()) share = s->second;
    if (auto s = options_.shares.find(service + ":" + method); s != options_.shares.end()) share = s->second;
    const auto n = counts_[service + ":" + method]++;
    const auto fault = choose_fault(options_.seed, service, method, n, share, options_.faults, token_used_before);
    if (!fault) return std::nullopt;
    note.fault = *fault;
    injected_.push_back(note);
  }
  if (on_fault) on_fault(note);
  return note.fault;
}

bool FaultProxy::answer_fault(Fault f, tcp::socket& socket) {
  const auto& i = info(f);
  if (f == Fault::reset) {
    reset(socket);
    return true;
  }
  if (i.status == 0) return false;  // forwarded first
  std::vector<std::pair<std::string, std::string>> headers;
  if (i.retry_after) headers.emplace_back("Retry-After", std::to_string(options_.retry_after_s));
  write_json(socket, i.status, json{{"message", std::string("injected fault ") + i.name}}.dump(), headers);
  return true;
}

cloud::Response FaultProxy::forward(std::size_t upstream, const HttpRequest& req) {
  cloud::Request r;
  r.method = method_of(std::string(req.method_string())).value_or(cloud::Method::get);
  r.url = upstreams_[upstream].origin + std::string(req.target());
  for (const auto& field : req)
    if (!hop_by_hop(std::string(field.name_string())))
      r.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  r.body = req.body();
  cloud::Response res;
  try {
    res = transport_.send(r);
  } catch (const cloud::CloudError& e) {
    return cloud::Response{502, {{"Content-Type", "application/json"}}, json{{"message", e.what()}}.dump()};
  }
  res.body = rewrite(res.body);
  std::erase_if(res.headers, [](const auto& h) { return hop_by_hop(h.first); });
  for (auto& [name, value] : res.headers) value = rewrite(value);
  if (r.method == cloud::Method::post && r.url.ends_with("/auth/tokens") && res.status == 201) learn_catalog(res.body);
  return res;
}

std::string FaultProxy::rewrite(std::string text) const {
  for (const auto& u : upstreams_) replace_all(text, u.origin, u.listener->origin());
  return text;
}

void FaultProxy::learn_catalog(const std::string& token_body) {
  const auto body = json::parse(token_body, nullptr, false);
  if (body.is_discarded() || !body.contains("token")) return;
  std::lock_guard lock(mutex_);
  for (const auto& service : body["token"].value("catalog", json::array()))
    for (const auto& e : service.value("endpoints", json::array())) {
      const auto url = e.value("url", std::string());
      for (std::size_t j = 0; j < upstreams_.size(); ++j) {
        const auto origin = upstreams_[j].listener->origin();
        if (url.rfind(origin, 0) == 0) services_[j].emplace_back(url.substr(origin.size()), service.value("type", ""));
      }
    }
}

std::string FaultProxy::service_of(std::size_t upstream, const std::string& target) const {
  std::lock_guard lock(mutex_);
  std::string best = upstream == 0 ? "identity" : "unknown";
  std::size_t best_length = 0;
  bool matched = false;
  for (const auto& [path, type] : services_.count(upstream) ? services_.at(upstream) : decltype(services_)::mapped_type{})
    if (target.rfind(path, 0) == 0 && (!matched || path.size() > best_length)) {
      best = type;
      best_length = path.size();
      matched = true;
    }
  return best;
}

void FaultProxy::pause() {
  std::unique_lock lock(mutex_);
  stopping_.wait_for(lock, options_.delay, [this] { return stop_; });
}

void FaultProxy::serve(std::size_t upstream, tcp::socket& socket) {
  const auto req = read_request(socket);
  if (!req) return;
  const auto service = service_of(upstream, std::string(req->target()));
  const std::string token((*req)["X-Auth-Token"]);
  bool down = false, revoked = false, used_before = false;
  {
    std::lock_guard lock(mutex_);
    down = down_.count(service) > 0;
    revoked = !token.empty() && revoked_.count(token) > 0;
    used_before = !token.empty() && !seen_tokens_.insert(token).second;
  }
  if (down) return write_json(socket, 503, json{{"message", "injected: the " + service + " API is down"}}.dump());
  if (revoked) return write_json(socket, 401, json{{"message", "injected: the token was revoked"}}.dump());
  const auto fault = decide(service, *req, used_before);
  if (fault == Fault::unauthorized) {
    std::lock_guard lock(mutex_);
    revoked_.insert(token);
  }
  if (fault && answer_fault(*fault, socket)) return;
  const auto res = forward(upstream, *req);
  if (fault == Fault::lost_502) return write_json(socket, 502, json{{"message", "injected: answer lost"}}.dump());
  if (fault == Fault::lost_reset) return reset(socket);
  if (fault == Fault::delay) pause();
  write_response(socket, res.status, res.headers, res.body);
}

}  // namespace v6c::test
