// A Transport that never touches the network: it records every request and answers from
// routes the test declares. The cloud tests use it, and so can the tests of anything built on
// the clients (topology, run, cleanup).
#pragma once
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "v6c/cloud/http.hpp"

namespace v6c::cloud {

inline Response json_response(int status, const nlohmann::json& body, Headers headers = {}) {
  headers.emplace_back("Content-Type", "application/json");
  return Response{status, std::move(headers), body.is_null() ? std::string() : body.dump()};
}

class FakeTransport : public Transport {
 public:
  using Handler = std::function<Response(const Request&)>;

  // Answers `method` requests whose URL, with or without its query, ends with `url_end`.
  // Routes declared later win, so a test can override a default.
  void on(Method method, std::string url_end, Handler handler) {
    std::lock_guard lock(mutex_);
    routes_.push_back({method, std::move(url_end), std::move(handler)});
  }
  void on(Method method, std::string url_end, int status, nlohmann::json body) {
    on(method, std::move(url_end), [status, body](const Request&) { return json_response(status, body); });
  }

  // Keystone issuing `token_body` (a v3 token answer) as token `token_id` to every request.
  void serve_token(const nlohmann::json& token_body, const std::string& token_id = "fake-token") {
    on(Method::post, "/v3/auth/tokens", [token_body, token_id](const Request&) {
      return json_response(201, token_body, {{"X-Subject-Token", token_id}});
    });
  }

  Response send(const Request& request) override {
    Handler handler;
    {
      std::lock_guard lock(mutex_);
      requests.push_back(request);
      const auto path = request.url.substr(0, request.url.find('?'));
      for (auto r = routes_.rbegin(); r != routes_.rend() && !handler; ++r)
        if (r->method == request.method && (ends_with(request.url, r->url_end) || ends_with(path, r->url_end)))
          handler = r->handler;
    }
    if (!handler)
      return json_response(404, {{"message", "no fake route for " + std::string(method_name(request.method)) + " " + request.url}});
    return handler(request);
  }

  // "DELETE http://…/v2.0/networks/n1", in the order sent; requests to `except` left out.
  std::vector<std::string> calls(const std::string& except = "/auth/tokens") const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& r : requests)
      if (except.empty() || r.url.find(except) == std::string::npos)
        out.push_back(std::string(method_name(r.method)) + " " + r.url);
    return out;
  }

  std::vector<Request> requests;

 private:
  struct Route {
    Method method;
    std::string url_end;
    Handler handler;
  };
  static bool ends_with(const std::string& s, const std::string& end) {
    return s.size() >= end.size() && s.compare(s.size() - end.size(), end.size(), end) == 0;
  }
  mutable std::mutex mutex_;
  std::vector<Route> routes_;
};

}  // namespace v6c::cloud
