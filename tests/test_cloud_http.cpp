// HTTP for the cloud clients: URL and request handling, the error tree on canned OpenStack
// error bodies, the retry policy on a fake, and the Beast transport against a small server
// this test runs on 127.0.0.1 (plain and TLS with a certificate it makes itself).
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <nlohmann/json.hpp>

#include "v6c/cloud/beast.hpp"
#include "v6c/cloud/errors.hpp"
#include "../controller/cloud_exit.hpp"
#include "v6c/cloud/fake_transport.hpp"
#include "v6c/host/host.hpp"

using namespace v6c::cloud;
using nlohmann::json;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(V6C_FIXTURES) + "/cloud/" + name);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A loopback HTTP(S) server in a thread: each connection gets one answer from `answer`, after
// `delay`; `hang_up` connections are closed without an answer. It echoes what it received.
class LoopbackServer {
 public:
  struct Script {
    std::chrono::milliseconds delay{0};
    int hang_up_first = 0;  // close this many connections without answering
    int status = 200;
  };

  explicit LoopbackServer(Script script, asio::ssl::context* tls = nullptr)
      : script_(script), tls_(tls), acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { serve(); });
  }
  ~LoopbackServer() {
    stop_ = true;
    beast::error_code ec;
    tcp::socket poke(ioc_);
    poke.connect(acceptor_.local_endpoint(), ec);  // wakes accept()
    thread_.join();
  }
  std::string url(const std::string& path, const std::string& host = "127.0.0.1") const {
    return std::string(tls_ ? "https" : "http") + "://" + host + ":" + std::to_string(port_) + path;
  }
  unsigned short port() const { return port_; }
  int connections() const { return connections_; }

 private:
  template <class Stream>
  void answer(Stream& stream) {
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    beast::error_code ec;
    http::read(stream, buffer, req, ec);
    if (ec) return;
    std::this_thread::sleep_for(script_.delay);
    http::response<http::string_body> res{static_cast<http::status>(script_.status), req.version()};
    res.set(http::field::content_type, "application/json");
    res.body() = json{{"method", std::string(req.method_string())},
                      {"target", std::string(req.target())},
                      {"host", std::string(req[http::field::host])},
                      {"content_type", std::string(req[http::field::content_type])},
                      {"body", req.body()}}
                     .dump();
    res.prepare_payload();
    http::write(stream, res, ec);
  }
  void serve() {
    while (true) {
      tcp::socket socket(ioc_);
      beast::error_code ec;
      acceptor_.accept(socket, ec);
      if (stop_ || ec) return;
      if (++connections_ <= script_.hang_up_first) continue;  // the socket closes here
      if (!tls_) {
        answer(socket);
        socket.shutdown(tcp::socket::shutdown_both, ec);
        continue;
      }
      beast::ssl_stream<tcp::socket&> stream(socket, *tls_);
      stream.handshake(asio::ssl::stream_base::server, ec);
      if (!ec) answer(stream);
    }
  }

  Script script_;
  asio::ssl::context* tls_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

const Timeouts kQuick{1s, 1s, 1s, 1s, std::chrono::milliseconds(200)};

}  // namespace

TEST_CASE("URLs: parse, join, query", "[cloud-http]") {
  struct Case {
    const char* url;
    const char* scheme;
    const char* host;
    const char* port;
    const char* target;
  };
  for (const auto& c : std::vector<Case>{
           {"http://127.0.0.1:5000/v3/auth/tokens", "http", "127.0.0.1", "5000", "/v3/auth/tokens"},
           {"https://keystone.example.com/v3", "https", "keystone.example.com", "443", "/v3"},
           {"HTTP://neutron.example.com", "http", "neutron.example.com", "80", "/"},
           {"https://[2001:db8::1]:9696/v2.0/networks?name=a", "https", "2001:db8::1", "9696", "/v2.0/networks?name=a"},
           {"http://[2001:db8::1]/x#frag", "http", "2001:db8::1", "80", "/x"},
           {"http://user:pw@host.example.com:8080?q=1", "http", "host.example.com", "8080", "/?q=1"},
       }) {
    CAPTURE(c.url);
    const auto u = parse_url(c.url);
    REQUIRE(u);
    CHECK(u->scheme == c.scheme);
    CHECK(u->host == c.host);
    CHECK(u->port == c.port);
    CHECK(u->target == c.target);
  }
  for (const char* bad : {"", "keystone.example.com/v3", "ftp://x/", "http://", "http://h:80x/", "http://[2001:db8::1/"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_url(bad));
  }
  CHECK(join_url("https://n.example.com:9696/", "/v2.0") == "https://n.example.com:9696/v2.0");
  CHECK(join_url("https://n.example.com/v2.1", "servers") == "https://n.example.com/v2.1/servers");
  CHECK(join_url("https://n.example.com/v2.1", "") == "https://n.example.com/v2.1");
  CHECK(with_query("http://h/ports", {{"device_id", "r 1"}, {"name", "_scs-v6c-&x"}}) ==
        "http://h/ports?device_id=r%201&name=_scs-v6c-%26x");
  CHECK(with_query("http://h/images?limit=2", {{"name", "a/b"}}) == "http://h/images?limit=2&name=a%2Fb");
}

TEST_CASE("error bodies: the message each service writes", "[cloud-http]") {
  CHECK(error_message(fixture("errors/keystone-401.json")) == "The request you have made requires authentication.");
  CHECK(error_message(fixture("errors/neutron-404.json")) == "Network 2b0a8d3f-4c6e-4f1a-9b7d-1e2f3a4b5c6d could not be found.");
  CHECK(error_message(fixture("errors/nova-404.json")) == "Instance 6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f could not be found.");
  CHECK(error_message(fixture("errors/glance-404.html")) ==
        "404 Not Found 404 Not Found No image found with ID 0d6a8f1e-2b3c-4d5e-8f9a-0b1c2d3e4f5a");
  CHECK(error_message("") == "");
  CHECK(error_message("{}") == "");
  CHECK(error_message(std::string(5000, 'x')).size() < 400);  // a page is cut, not pasted
}

TEST_CASE("error tree: status and body → type and message, in one place", "[cloud-http]") {
  struct Case {
    int status;
    const char* body_file;
    const char* type;
    const char* message;
  };
  const auto req = make_request(Method::post, "https://neutron.example.com:9696/v2.0/networks");
  auto type_of = [](const CloudError& e) -> std::string {
    if (dynamic_cast<const QuotaExceeded*>(&e)) return "QuotaExceeded";
    if (dynamic_cast<const AuthFailed*>(&e)) return "AuthFailed";
    if (dynamic_cast<const Forbidden*>(&e)) return "Forbidden";
    if (dynamic_cast<const NotFound*>(&e)) return "NotFound";
    if (dynamic_cast<const Conflict*>(&e)) return "Conflict";
    if (dynamic_cast<const ServerFault*>(&e)) return "ServerFault";
    return "CloudError";
  };
  for (const auto& c : std::vector<Case>{
           {401, "errors/keystone-401.json", "AuthFailed",
            "authentication failed (token rejected): POST https://neutron.example.com:9696/v2.0/networks: 401 The request you have made requires authentication."},
           {403, "errors/neutron-rbac-403.json", "Forbidden",
            "permission denied: POST https://neutron.example.com:9696/v2.0/networks: 403 (rule:create_rbac_policy"},
           {404, "errors/neutron-404.json", "NotFound", "not found: POST https://neutron.example.com:9696/v2.0/networks: 404 Network "},
           {409, "errors/neutron-in-use-409.json", "Conflict", "conflict: POST https://neutron.example.com:9696/v2.0/networks: 409 Unable"},
           {409, "errors/neutron-quota-409.json", "QuotaExceeded",
            "quota exceeded: POST https://neutron.example.com:9696/v2.0/networks: 409 Quota exceeded for resources: ['network']."},
           {403, "errors/nova-quota-403.json", "QuotaExceeded", "quota exceeded: POST https://neutron.example.com:9696/v2.0/networks: 403 Quota exceeded for instances"},
           {413, "errors/nova-quota-403.json", "QuotaExceeded", "quota exceeded:"},
           {500, "errors/nova-500.json", "ServerFault", "cloud error: POST https://neutron.example.com:9696/v2.0/networks: 500 Unexpected API Error."},
           {503, "", "ServerFault", "cloud error: POST https://neutron.example.com:9696/v2.0/networks: 503 Service Unavailable"},
           {400, "errors/neutron-invalid-mode-400.json", "CloudError", "refused: POST https://neutron.example.com:9696/v2.0/networks: 400 Invalid input"},
       }) {
    CAPTURE(c.status, c.body_file);
    const Response res{c.status, {}, *c.body_file ? fixture(c.body_file) : ""};
    try {
      throw_for_status(req, res);
      FAIL("no exception");
    } catch (const CloudError& e) {
      CHECK(type_of(e) == c.type);
      CHECK(e.status() == c.status);
      CHECK(std::string(e.what()).rfind(c.message, 0) == 0);
      CHECK(v6c::exit_code_for(e) == 3);  // kExitEnvironment
      CAPTURE(e.what());
    }
  }
  CHECK_NOTHROW(throw_for_status(req, Response{204, {}, ""}));
  CHECK(v6c::exit_code_for(ConfigError("x")) == 2);
  CHECK(v6c::exit_code_for(Unreachable("x")) == 3);
}

TEST_CASE("retries: idempotent calls on 5xx and lost connections, with backoff: POST once", "[cloud-http]") {
  FakeTransport fake;
  std::vector<std::chrono::milliseconds> slept;
  RetryingTransport retrying(fake, RetryPolicy{4, 1s, 16s}, [&](auto d) { slept.push_back(d); });
  retrying.jitter = [] { return 1.0; };  // the whole backoff: the sleeps below are exact
  int calls = 0;
  auto failing_then_ok = [&](int failures, int status) {
    return [&calls, failures, status](const Request&) {
      return json_response(++calls <= failures ? status : 200, {{"ok", true}});
    };
  };
  SECTION("GET: 503, 502, then 200 after 1 s and 2 s") {
    fake.on(Method::get, "/networks", failing_then_ok(2, 503));
    CHECK(retrying.send(make_request(Method::get, "http://h/networks")).status == 200);
    CHECK(calls == 3);
    CHECK(slept == std::vector<std::chrono::milliseconds>{1s, 2s});
  }
  SECTION("DELETE: gives up after four attempts and returns the last answer") {
    fake.on(Method::del, "/networks/n", failing_then_ok(10, 500));
    CHECK(retrying.send(make_request(Method::del, "http://h/networks/n")).status == 500);
    CHECK(calls == 4);
    CHECK(slept == std::vector<std::chrono::milliseconds>{1s, 2s, 4s});
  }
  SECTION("POST: one attempt, the cloud may have acted on it") {
    fake.on(Method::post, "/networks", failing_then_ok(1, 503));
    CHECK(retrying.send(make_request(Method::post, "http://h/networks")).status == 503);
    CHECK(calls == 1);
    CHECK(slept.empty());
  }
  SECTION("a POST marked idempotent (console output) is retried") {
    fake.on(Method::post, "/action", failing_then_ok(1, 503));
    auto r = make_request(Method::post, "http://h/servers/s/action");
    r.idempotent = true;
    CHECK(retrying.send(r).status == 200);
    CHECK(calls == 2);
  }
  SECTION("4xx is an answer, not a hiccup") {
    fake.on(Method::get, "/networks/x", failing_then_ok(1, 404));
    CHECK(retrying.send(make_request(Method::get, "http://h/networks/x")).status == 404);
    CHECK(calls == 1);
  }
  SECTION("connection errors are retried for GET, not for POST") {
    fake.on(Method::get, "/flaky", [&](const Request&) -> Response {
      if (++calls < 3) throw Unreachable("cannot connect to h:80 (http://h/flaky): Connection refused");
      return json_response(200, nullptr);
    });
    CHECK(retrying.send(make_request(Method::get, "http://h/flaky")).status == 200);
    CHECK(calls == 3);
    fake.on(Method::post, "/flaky", [&](const Request&) -> Response { ++calls; throw Timeout("timed out"); });
    CHECK_THROWS_AS(retrying.send(make_request(Method::post, "http://h/flaky")), Timeout);
    CHECK(calls == 4);
  }
  CHECK(backoff(RetryPolicy{10, 1s, 16s}, 9) == 16s);
}

TEST_CASE("retry decisions: jitter, Retry-After, rate limits, conflicts, lost DELETE answers", "[cloud-http]") {
  using std::chrono::milliseconds;
  const auto now = std::chrono::system_clock::from_time_t(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT
  SECTION("jitter keeps half the backoff and spreads the other half") {
    CHECK(jittered(8s, 0.0) == 4s);
    CHECK(jittered(8s, 0.5) == 6s);
    CHECK(jittered(8s, 1.0) == 8s);
    CHECK(jittered(8s, 7.0) == 8s);  // clamped
    std::set<long long> seen;
    for (int i = 0; i < 50; ++i) {
      const auto d = jittered(backoff(RetryPolicy{}, 3), random_unit());
      CHECK(d >= 1s);
      CHECK(d <= 2s);
      seen.insert(d.count());
    }
    CHECK(seen.size() > 10);  // really random, not one fixed value
  }
  SECTION("Retry-After: seconds, an HTTP-date, or nothing usable") {
    CHECK(retry_after({{"retry-after", "7"}}, now) == milliseconds(7000));
    CHECK(retry_after({{"Retry-After", "Sun, 06 Nov 1994 08:50:07 GMT"}}, now) == milliseconds(30000));
    CHECK(retry_after({{"Retry-After", "Sun, 06 Nov 1994 08:00:00 GMT"}}, now) == milliseconds(0));  // past
    CHECK_FALSE(retry_after({{"Retry-After", "Sunday, 06-Nov-94 08:49:37 GMT"}}, now));  // obsolete RFC 850 form
    CHECK_FALSE(retry_after({{"Retry-After", "soon"}}, now));
    CHECK_FALSE(retry_after({}, now));
  }
  SECTION("the wait: Retry-After capped, else the jittered backoff") {
    const RetryPolicy p{4, 1s, 16s, 30s};
    const Response slow{503, {{"Retry-After", "120"}}, ""};
    const Response soon{429, {{"Retry-After", "3"}}, ""};
    const Response plain{502, {}, ""};
    CHECK(retry_wait(p, 1, &slow, 0.5, now) == 30s);
    CHECK(retry_wait(p, 1, &soon, 0.5, now) == 3s);
    CHECK(retry_wait(p, 2, &plain, 0.0, now) == 1s);  // backoff 2 s before attempt 3, half of it
    CHECK(retry_wait(p, 2, nullptr, 1.0, now) == 2s);
  }
  SECTION("which answers are retried") {
    const RetryPolicy p{3, 1s, 16s, 60s, 5};
    const auto get = make_request(Method::get, "http://h/v2.0/networks");
    const auto del = make_request(Method::del, "http://h/v2.0/subnets/s");
    const auto post = make_request(Method::post, "http://h/v2.0/networks");
    CHECK(retry_reason(get, Response{503, {}, ""}, 1, p) == "503 Service Unavailable");
    CHECK(retry_reason(get, Response{429, {}, ""}, 2, p) == "429 Too Many Requests");
    CHECK_FALSE(retry_reason(get, Response{503, {}, ""}, 3, p));  // out of attempts
    CHECK(retry_reason(get, Response{413, {{"Retry-After", "1"}}, ""}, 1, p));  // a rate limit
    CHECK_FALSE(retry_reason(get, Response{413, {}, ""}, 1, p));                 // a quota
    CHECK_FALSE(retry_reason(get, Response{409, {}, ""}, 1, p));                 // only DELETE waits for 409
    CHECK(retry_reason(del, Response{409, {}, R"({"NeutronError":{"message":"Subnet s in use"}})"}, 4, p) ==
          "409 Subnet s in use");
    CHECK_FALSE(retry_reason(del, Response{409, {}, ""}, 5, p));
    CHECK_FALSE(retry_reason(post, Response{503, {}, ""}, 1, p));
    CHECK_FALSE(retry_reason(get, Response{404, {}, ""}, 1, p));
  }
}

TEST_CASE("RetryingTransport: lost DELETE answers, conflicts, Retry-After, the retry log", "[cloud-http]") {
  FakeTransport fake;
  std::vector<std::chrono::milliseconds> slept;
  RetryingTransport retrying(fake, RetryPolicy{4, 1s, 16s, 60s, 6}, [&](auto d) { slept.push_back(d); });
  RetryLog log;
  retrying.log = &log;
  retrying.jitter = [] { return 0.0; };
  int calls = 0;
  SECTION("a DELETE whose answer was lost: 404 on the retry counts as done") {
    fake.on(Method::del, "/ports/p", [&](const Request&) -> Response {
      if (++calls == 1) throw Unreachable("connection lost before the response from h:80");
      return json_response(404, {{"NeutronError", {{"message", "Port p could not be found."}}}});
    });
    const auto r = retrying.send(make_request(Method::del, "http://h/v2.0/ports/p?x=1"));
    CHECK(r.status == 204);
    CHECK(r.attempts == 2);
    const auto notes = log.notes();
    REQUIRE(notes.size() == 2);
    CHECK(notes[0].method == "DELETE");
    CHECK(notes[0].path == "/v2.0/ports/p");
    CHECK(notes[0].attempt == 1);
    CHECK(notes[0].reason == "connection lost before the response from h:80");
    CHECK(notes[1].reason.starts_with("404: deleted by an earlier attempt"));
  }
  SECTION("a first 404 is an answer") {
    fake.on(Method::del, "/ports/p", 404, {{"message", "gone"}});
    CHECK(retrying.send(make_request(Method::del, "http://h/v2.0/ports/p")).status == 404);
    CHECK(log.notes().empty());
  }
  SECTION("409 on DELETE is waited out, a bounded number of times") {
    fake.on(Method::del, "/subnets/s", [&](const Request&) { return json_response(++calls < 6 ? 409 : 204, nullptr); });
    CHECK(retrying.send(make_request(Method::del, "http://h/v2.0/subnets/s")).status == 204);
    CHECK(calls == 6);
    fake.on(Method::del, "/subnets/t", 409, {{"message", "in use"}});
    const auto r = retrying.send(make_request(Method::del, "http://h/v2.0/subnets/t"));
    CHECK(r.status == 409);
    CHECK(r.attempts == 6);
  }
  SECTION("Retry-After is honoured for 429 and 503") {
    fake.on(Method::get, "/networks", [&](const Request&) {
      ++calls;
      if (calls == 1) return json_response(429, nullptr, {{"Retry-After", "5"}});
      if (calls == 2) return json_response(503, nullptr, {{"Retry-After", "2"}});
      return json_response(200, {{"networks", json::array()}});
    });
    CHECK(retrying.send(make_request(Method::get, "http://h/v2.0/networks")).status == 200);
    CHECK(slept == std::vector<std::chrono::milliseconds>{5s, 2s});
    REQUIRE(log.notes().size() == 2);
    CHECK(log.notes()[0].reason == "429 Too Many Requests");
  }
  SECTION("the last failure names the attempts") {
    fake.on(Method::get, "/slow", [&](const Request&) -> Response { throw Timeout("timed out reading"); });
    CHECK_THROWS_WITH(retrying.send(make_request(Method::get, "http://h/slow")), "timed out reading (4 attempts)");
    fake.on(Method::get, "/down", 503, nullptr);
    const auto request = make_request(Method::get, "http://h/down");
    const auto r = retrying.send(request);
    CHECK_THROWS_WITH(throw_for_status(request, r, "network"),
                      "network API: cloud error: GET http://h/down: 503 Service Unavailable (4 attempts)");
  }
}

TEST_CASE("Beast over TCP against a loopback server", "[cloud-http]") {
  SECTION("GET and POST arrive as sent, Host with the port") {
    LoopbackServer server({});
    BeastTransport t({}, kQuick);
    auto res = t.send(make_request(Method::get, server.url("/v2.0/networks?name=a%20b")));
    REQUIRE(res.status == 200);
    auto echo = json::parse(res.body);
    CHECK(echo["method"] == "GET");
    CHECK(echo["target"] == "/v2.0/networks?name=a%20b");
    CHECK(echo["host"] == "127.0.0.1:" + std::to_string(server.port()));
    CHECK(header(res.headers, "content-type") == "application/json");

    res = t.send(make_request(Method::post, server.url("/v3/auth/tokens"), {{"Content-Type", "application/json"}}, R"({"auth":{}})"));
    echo = json::parse(res.body);
    CHECK(echo["method"] == "POST");
    CHECK(echo["body"] == R"({"auth":{}})");
    CHECK(echo["content_type"] == "application/json");

    CHECK(t.send(make_request(Method::head, server.url("/"))).body.empty());
    CHECK(t.send(make_request(Method::get, server.url("/", "localhost"))).status == 200);  // /etc/hosts, no DNS
  }
  SECTION("an error status is returned, not thrown") {
    LoopbackServer server({0ms, 0, 503});
    CHECK(BeastTransport({}, kQuick).send(make_request(Method::get, server.url("/"))).status == 503);
  }
  SECTION("a server that does not answer in time: Timeout naming the step and the limit") {
    LoopbackServer server({1s});
    try {
      BeastTransport({}, kQuick).send(make_request(Method::get, server.url("/slow")));
      FAIL("no timeout");
    } catch (const Timeout& e) {
      CHECK(std::string(e.what()) == "timed out reading the response from 127.0.0.1:" + std::to_string(server.port()) +
                                         " after 0.2 s (" + server.url("/slow") + ")");
    }
  }
  SECTION("nobody listening: Unreachable naming host, port and cause") {
    unsigned short port;
    {
      LoopbackServer gone({});
      port = gone.port();
    }
    const auto url = "http://127.0.0.1:" + std::to_string(port) + "/v3";
    try {
      BeastTransport({}, kQuick).send(make_request(Method::get, url));
      FAIL("no error");
    } catch (const Unreachable& e) {
      CHECK(contains(e.what(), "cannot connect to 127.0.0.1:" + std::to_string(port) + " (" + url + "): "));
      CHECK(contains(e.what(), "refused"));
    }
  }
  SECTION("a connection closed without an answer is Unreachable, and a retry gets through") {
    LoopbackServer server({0ms, 1});
    BeastTransport beast({}, kQuick);
    CHECK_THROWS_WITH(beast.send(make_request(Method::get, server.url("/"))),
                      Catch::StartsWith("connection lost before the response from 127.0.0.1:"));
    LoopbackServer second({0ms, 1});
    RetryingTransport retrying(beast, {}, [](auto) {});
    CHECK(retrying.send(make_request(Method::get, second.url("/"))).status == 200);
    CHECK(second.connections() == 2);
  }
  CHECK_THROWS_AS(BeastTransport().send(make_request(Method::get, "keystone:5000")), CloudError);
}

TEST_CASE("Beast over TLS: private CA, system store, verify off", "[cloud-http]") {
  // CI has every tool (scripts/setup installs openssl): a missing one is a failure, not a pass.
  REQUIRE(v6c::host::have_tool("openssl"));
  const auto dir = std::filesystem::temp_directory_path() / ("v6c-cloud-tls-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  struct Remove {
    std::filesystem::path p;
    ~Remove() { std::filesystem::remove_all(p); }
  } remove{dir};
  const auto cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
  v6c::host::must({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                   "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key, "-out", cert},
                  "", 30s);
  asio::ssl::context server_tls(asio::ssl::context::tls_server);
  server_tls.use_certificate_chain_file(cert);
  server_tls.use_private_key_file(key, asio::ssl::context::pem);
  LoopbackServer server({}, &server_tls);

  SECTION("with the CA bundle: verified, by IP and by name") {
    BeastTransport t({true, cert}, kQuick);
    CHECK(t.send(make_request(Method::get, server.url("/v3"))).status == 200);
    CHECK(t.send(make_request(Method::get, server.url("/v3", "localhost"))).status == 200);
  }
  SECTION("with the system store: the self-signed certificate is refused, with a hint") {
    try {
      BeastTransport({}, kQuick).send(make_request(Method::get, server.url("/v3")));
      FAIL("no error");
    } catch (const TlsFailed& e) {
      CHECK(contains(e.what(), "TLS handshake with 127.0.0.1:" + std::to_string(server.port()) + " failed"));
      CHECK(contains(e.what(), "certificate verify failed"));
      CHECK(contains(e.what(), "cacert"));
    }
  }
  SECTION("verify off (insecure): accepted") {
    CHECK(BeastTransport({false, ""}, kQuick).send(make_request(Method::get, server.url("/v3"))).status == 200);
  }
  SECTION("a missing CA bundle is named") {
    CHECK_THROWS_WITH(BeastTransport({true, (dir / "nope.pem").string()}, kQuick).send(make_request(Method::get, server.url("/"))),
                      Catch::Contains("nope.pem"));
  }
}
