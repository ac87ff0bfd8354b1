#include "v6c/cloud/beast.hpp"

#include <cstdio>
#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "v6c/cloud/errors.hpp"

namespace v6c::cloud {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Ms = std::chrono::milliseconds;

constexpr unsigned kHttp11 = 11;
// Console logs and image lists are large; anything bigger than this is not an API answer.
constexpr std::uint64_t kMaxResponseBody = 256ull << 20;
const char* kUserAgent = "v6conform";

std::string seconds(Ms d) {
  char b[32];
  std::snprintf(b, sizeof b, "%g s", static_cast<double>(d.count()) / 1000.0);
  return b;
}

bool is_ip_literal(const std::string& host) {
  beast::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// Runs one asynchronous step to completion on this request's own io_context. The step's
// timer (tcp_stream::expires_after, or the resolve timer) ends it with an error at its deadline.
template <class Start>
beast::error_code run_step(asio::io_context& ioc, Start&& start) {
  beast::error_code result = asio::error::would_block;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  return result;
}

// A network step, in the words its messages use.
struct Step {
  const char* timed_out;  // "timed out connecting to" 127.0.0.1:5000
  const char* failed;     // "cannot connect to" 127.0.0.1:5000
};
constexpr Step kConnect{"connecting to", "cannot connect to"};
constexpr Step kHandshake{"in the TLS handshake with", "TLS handshake failed with"};
constexpr Step kWrite{"sending the request to", "connection lost while sending the request to"};
constexpr Step kRead{"reading the response from", "connection lost before the response from"};

// Names the request in every message, so one line says what failed and where.
class Call {
 public:
  Call(const Request& r, const Url& u) : url_(r.url), peer_(u.host + ":" + u.port) {}
  [[noreturn]] void fail(const Step& step, beast::error_code ec, Ms limit) const {
    if (ec == beast::error::timeout || ec == asio::error::operation_aborted)
      throw Timeout("timed out " + std::string(step.timed_out) + " " + peer_ + " after " + seconds(limit) + " (" + url_ + ")");
    throw Unreachable(std::string(step.failed) + " " + peer_ + " (" + url_ + "): " + ec.message());
  }
  const std::string& peer() const { return peer_; }
  const std::string& url() const { return url_; }

 private:
  std::string url_, peer_;
};

tcp::resolver::results_type resolve(asio::io_context& ioc, const Url& u, const Call& call, Ms limit) {
  tcp::resolver resolver(ioc);
  asio::steady_timer timer(ioc, limit);
  bool timed_out = false;
  beast::error_code result;
  tcp::resolver::results_type endpoints;
  timer.async_wait([&](beast::error_code ec) {
    if (ec) return;  // cancelled: the resolve finished first
    timed_out = true;
    resolver.cancel();
  });
  resolver.async_resolve(u.host, u.port, [&](beast::error_code ec, tcp::resolver::results_type r) {
    result = ec;
    endpoints = std::move(r);
    timer.cancel();
  });
  ioc.restart();
  ioc.run();
  if (timed_out) throw Timeout("timed out resolving " + u.host + " after " + seconds(limit) + " (" + call.url() + ")");
  if (result) throw Unreachable("cannot resolve " + u.host + " (" + call.url() + "): " + result.message());
  return endpoints;
}

http::request<http::string_body> to_beast(const Request& r, const Url& u) {
  http::request<http::string_body> req{http::string_to_verb(std::string(method_name(r.method))), u.target, kHttp11};
  const bool default_port = u.port == (u.tls() ? "443" : "80");
  const auto host = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;  // RFC 3986 §3.2.2
  req.set(http::field::host, default_port ? host : host + ":" + u.port);
  req.set(http::field::user_agent, kUserAgent);
  req.set(http::field::connection, "close");
  for (const auto& [k, v] : r.headers) req.set(k, v);
  req.body() = r.body;
  req.prepare_payload();
  return req;
}

template <class Stream>
Response exchange(asio::io_context& ioc, Stream& stream, beast::tcp_stream& tcp_layer, const Request& r,
                  const Url& u, const Call& call, const Timeouts& t) {
  const auto req = to_beast(r, u);
  tcp_layer.expires_after(t.write);
  if (auto ec = run_step(ioc, [&](auto handler) { http::async_write(stream, req, handler); }))
    call.fail(kWrite, ec, t.write);

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxResponseBody);
  parser.skip(r.method == Method::head);  // RFC 9110 §9.3.2: no body, whatever Content-Length says
  tcp_layer.expires_after(t.read);
  if (auto ec = run_step(ioc, [&](auto handler) { http::async_read(stream, buffer, parser, handler); }))
    call.fail(kRead, ec, t.read);

  auto& res = parser.get();
  Response out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& field : res) out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  out.body = std::move(res.body());
  return out;
}

}  // namespace

Response BeastTransport::send(const Request& r) {
  const auto u = parse_url(r.url);
  if (!u) throw CloudError("not an http(s) URL: '" + r.url + "'");
  const Call call(r, *u);
  asio::io_context ioc;
  const auto endpoints = resolve(ioc, *u, call, timeouts_.resolve);

  beast::tcp_stream tcp_stream(ioc);
  tcp_stream.expires_after(timeouts_.connect);
  if (auto ec = run_step(ioc, [&](auto handler) { tcp_stream.async_connect(endpoints, handler); }))
    call.fail(kConnect, ec, timeouts_.connect);

  if (!u->tls()) return exchange(ioc, tcp_stream, tcp_stream, r, *u, call, timeouts_);

  ssl::context ctx(ssl::context::tls_client);
  if (tls_.verify) {
    ctx.set_verify_mode(ssl::verify_peer);
    beast::error_code ec;
    if (tls_.cacert.empty())
      ctx.set_default_verify_paths(ec);
    else
      ctx.load_verify_file(tls_.cacert, ec);
    if (ec) throw TlsFailed("cannot load the CA bundle '" + tls_.cacert + "': " + ec.message());
  } else {
    ctx.set_verify_mode(ssl::verify_none);
  }
  beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), ctx);
  SSL* ssl_handle = stream.native_handle();
  if (is_ip_literal(u->host)) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_handle), u->host.c_str());
  } else {
    SSL_set_tlsext_host_name(ssl_handle, u->host.c_str());  // RFC 6066 §3: names only
    SSL_set1_host(ssl_handle, u->host.c_str());
  }
  auto& tcp_layer = beast::get_lowest_layer(stream);
  tcp_layer.expires_after(timeouts_.handshake);
  if (auto ec = run_step(ioc, [&](auto handler) { stream.async_handshake(ssl::stream_base::client, handler); })) {
    if (ec == beast::error::timeout) call.fail(kHandshake, ec, timeouts_.handshake);
    throw TlsFailed("TLS handshake with " + call.peer() + " failed (" + r.url + "): " + ec.message() +
                    (tls_.verify ? " (a private CA: set cacert in clouds.yaml or OS_CACERT)" : ""));
  }
  return exchange(ioc, stream, tcp_layer, r, *u, call, timeouts_);
}

}  // namespace v6c::cloud
