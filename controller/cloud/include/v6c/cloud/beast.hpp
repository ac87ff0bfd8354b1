// The real transport: HTTP/1.1 over TCP or TLS (OpenSSL) with Boost.Beast, one connection per
// request, every step (resolve, connect, handshake, write, read) under its own timeout.
// Safe to use from several threads at once: each send has its own io_context.
#pragma once
#include <string>

#include "v6c/cloud/http.hpp"

namespace v6c::cloud {

struct TlsOptions {
  bool verify = true;  // false: clouds.yaml "verify: false" / OS_INSECURE
  std::string cacert;  // CA bundle; empty: the system's trust store
};

class BeastTransport : public Transport {
 public:
  explicit BeastTransport(TlsOptions tls = {}, Timeouts timeouts = {}) : tls_(std::move(tls)), timeouts_(timeouts) {}
  Response send(const Request& request) override;

 private:
  TlsOptions tls_;
  Timeouts timeouts_;
};

}  // namespace v6c::cloud
