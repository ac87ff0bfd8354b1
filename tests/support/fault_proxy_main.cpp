// v6c-fault-proxy --upstream AUTH_URL [--upstream ENDPOINT]... [--seed N] [--share 0.1] ...
// The fault proxy as a tool: put it in front of a cloud, point OS_AUTH_URL at the URL it
// prints, and run v6conform through it (docs/cloud.md "The fault proxy"). Runs until SIGINT
// or SIGTERM; prints the seed so that a failure can be replayed.
#include <csignal>
#include <cstdio>
#include <random>

#include <CLI/CLI.hpp>

#include "fault_proxy.hpp"

namespace {

// "network=0.2" or "network:POST=0.2"
std::pair<std::string, double> parse_share(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos) throw CLI::ValidationError("--share-for " + text + ": want SERVICE[:METHOD]=SHARE");
  return {text.substr(0, eq), std::stod(text.substr(eq + 1))};
}

}  // namespace

int main(int argc, char** argv) {
  v6c::test::FaultOptions o;
  o.seed = std::random_device{}();
  std::vector<std::string> shares, faults;
  std::vector<std::string> down;
  double delay_s = 5;
  bool insecure = false;
  CLI::App app{"a fault-injecting HTTP proxy in front of a cloud's API endpoints"};
  app.add_option("--upstream", o.upstreams, "Keystone's auth URL first, then each other endpoint origin in the catalogue")
      ->required();
  app.add_option("--seed", o.seed, "which requests get faults (default: random, printed)");
  app.add_option("--share", o.share, "share of each service's requests that get a fault")->check(CLI::Range(0.0, 1.0));
  app.add_option("--share-for", shares, "SERVICE[:METHOD]=SHARE, e.g. network:POST=0.3 (repeatable)");
  app.add_option("--faults", faults, "only these: 500 502 503 504 409 413 429 delay reset lost-502 lost-reset 401");
  app.add_option("--down", down, "answer every request to this service 503 (repeatable)");
  app.add_option("--delay", delay_s, "seconds the delay fault holds an answer (beyond the client's timeout)");
  app.add_option("--retry-after", o.retry_after_s, "Retry-After seconds of 413, 429 and 503");
  app.add_flag("--insecure", insecure, "do not verify the upstreams' TLS certificates");
  app.add_option("--cacert", o.tls.cacert, "CA bundle for the upstreams");
  CLI11_PARSE(app, argc, argv);
  o.tls.verify = !insecure;
  o.delay = std::chrono::milliseconds(static_cast<long long>(delay_s * 1000));
  for (const auto& s : shares) o.shares.insert(parse_share(s));
  if (!faults.empty()) {
    o.faults.clear();
    for (const auto& f : faults) {
      auto fault = v6c::test::parse_fault(f);
      if (!fault) return std::fprintf(stderr, "v6c-fault-proxy: unknown fault '%s'\n", f.c_str()), 2;
      o.faults.push_back(*fault);
    }
  }
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);  // the listeners' threads inherit it
  v6c::test::FaultProxy proxy(o);
  for (const auto& d : down) proxy.set_down(d, true);
  proxy.on_fault = [](const v6c::test::Injected& i) {
    std::fprintf(stderr, "fault %s: %s %s (%s)\n", v6c::test::fault_name(i.fault).c_str(), i.method.c_str(),
                 i.path.c_str(), i.service.c_str());
  };
  std::printf("v6c-fault-proxy: seed %llu (replay with --seed %llu), share %g\n",
              static_cast<unsigned long long>(o.seed), static_cast<unsigned long long>(o.seed), o.share);
  for (std::size_t i = 0; i < o.upstreams.size(); ++i)
    std::printf("%s -> %s%s\n", proxy.url(i).c_str(), o.upstreams[i].c_str(), i == 0 ? "  (OS_AUTH_URL)" : "");
  std::fflush(stdout);
  int signal = 0;
  sigwait(&stop, &signal);
  std::printf("v6c-fault-proxy: %zu faults injected; seed %llu\n", proxy.injected().size(),
              static_cast<unsigned long long>(o.seed));
  return 0;
}
