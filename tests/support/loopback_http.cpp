#include "loopback_http.hpp"

#include <boost/beast/core.hpp>

namespace v6c::test {

namespace beast = boost::beast;
namespace asio = boost::asio;

constexpr unsigned kHttp11 = 11;

LoopbackHttp::LoopbackHttp(Serve serve)
    : serve_(std::move(serve)), acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
  port_ = acceptor_.local_endpoint().port();
  thread_ = std::thread([this] { accept_loop(); });
}

LoopbackHttp::~LoopbackHttp() {
  stop_ = true;
  beast::error_code ec;
  tcp::socket poke(ioc_);
  poke.connect(acceptor_.local_endpoint(), ec);  // wakes accept()
  thread_.join();
  std::lock_guard lock(mutex_);
  for (auto& t : connections_) t.join();
}

void LoopbackHttp::accept_loop() {
  while (true) {
    auto socket = std::make_shared<tcp::socket>(ioc_);
    beast::error_code ec;
    acceptor_.accept(*socket, ec);
    if (stop_ || ec) return;
    std::lock_guard lock(mutex_);
    connections_.emplace_back([this, socket] {
      serve_(*socket);
      beast::error_code ignored;
      socket->shutdown(tcp::socket::shutdown_both, ignored);
      socket->close(ignored);
    });
  }
}

std::optional<HttpRequest> read_request(tcp::socket& socket) {
  beast::flat_buffer buffer;
  HttpRequest req;
  beast::error_code ec;
  http::read(socket, buffer, req, ec);
  if (ec) return std::nullopt;
  return req;
}

void write_response(tcp::socket& socket, int status, const std::vector<std::pair<std::string, std::string>>& headers,
                    const std::string& body) {
  HttpResponse res{static_cast<http::status>(status), kHttp11};
  for (const auto& [k, v] : headers) res.set(k, v);
  res.set(http::field::connection, "close");
  res.body() = body;
  res.prepare_payload();
  beast::error_code ec;
  http::write(socket, res, ec);
}

void write_json(tcp::socket& socket, int status, const std::string& json_body,
                std::vector<std::pair<std::string, std::string>> headers) {
  headers.emplace_back("Content-Type", "application/json");
  write_response(socket, status, headers, json_body);
}

void reset(tcp::socket& socket) {
  beast::error_code ec;
  socket.set_option(asio::socket_base::linger(true, 0), ec);
  socket.close(ec);
}

}  // namespace v6c::test
