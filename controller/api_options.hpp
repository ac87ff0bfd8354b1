// The limits of talking to a cloud's APIs, as options of `run`, `scs` and `cleanup`
// (docs/cloud.md "Retries"): how often a call is tried, how long it may wait between tries
// and for each network step.
#pragma once
#include <CLI/CLI.hpp>

#include "v6c/cloud/http.hpp"

namespace v6c::cli {

struct ApiOptions {
  cloud::RetryPolicy retry;
  cloud::Timeouts timeouts;
};

inline void add_api_options(CLI::App& cmd, ApiOptions& o) {
  auto seconds = [&cmd](const char* name, std::chrono::milliseconds& target, const char* help) {
    cmd.add_option_function<double>(
           name, [&target](double s) { target = std::chrono::milliseconds(static_cast<long long>(s * 1000)); }, help)
        ->check(CLI::PositiveNumber)
        ->default_str(std::to_string(target.count() / 1000));
  };
  cmd.add_option("--api-attempts", o.retry.max_attempts, "tries of one API call (or create) before giving up")
      ->check(CLI::Range(1, 20))
      ->capture_default_str();
  cmd.add_option("--api-conflict-attempts", o.retry.conflict_attempts, "tries of a DELETE answered 409 (still in use)")
      ->check(CLI::Range(1, 50))
      ->capture_default_str();
  seconds("--api-backoff-max", o.retry.max_backoff, "longest pause between tries, seconds (jittered)");
  seconds("--api-retry-after-max", o.retry.max_retry_after, "longest Retry-After honoured, seconds");
  seconds("--api-connect-timeout", o.timeouts.connect, "seconds to resolve, connect or finish TLS");
  seconds("--api-timeout", o.timeouts.read, "seconds to wait for an answer (and to send a request)");
}

// What the options set but cannot set alone: one value for the three steps before a request.
inline cloud::Timeouts timeouts_of(const ApiOptions& o) {
  auto t = o.timeouts;
  t.resolve = t.handshake = t.connect;
  t.write = t.read;
  return t;
}

}  // namespace v6c::cli
