// A plain-HTTP server on 127.0.0.1 for tests and test tools: each accepted connection is
// handed to `serve` on a thread of its own (so one slow answer holds up nothing else), and the
// destructor stops accepting and waits for those threads.
#pragma once
#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>

namespace v6c::test {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;

class LoopbackHttp {
 public:
  using Serve = std::function<void(tcp::socket&)>;
  explicit LoopbackHttp(Serve serve);
  ~LoopbackHttp();
  LoopbackHttp(const LoopbackHttp&) = delete;
  LoopbackHttp& operator=(const LoopbackHttp&) = delete;
  unsigned short port() const { return port_; }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  void accept_loop();
  Serve serve_;
  boost::asio::io_context ioc_;
  tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<std::thread> connections_;
  std::thread thread_;
};

// One request from the socket; nullopt when the peer sent none (closed, garbage).
std::optional<HttpRequest> read_request(tcp::socket& socket);
// Writes one answer; Content-Length from the body.
void write_response(tcp::socket& socket, int status, const std::vector<std::pair<std::string, std::string>>& headers,
                    const std::string& body);
void write_json(tcp::socket& socket, int status, const std::string& json_body,
                std::vector<std::pair<std::string, std::string>> headers = {});
// Closes with a TCP RST (SO_LINGER 0): the client sees "connection reset", not an answer.
void reset(tcp::socket& socket);

}  // namespace v6c::test
