// v6conform: IPv6 conformance tester for OpenStack clouds and for its own namespace lab.
#include <csignal>
#include <cstdio>
#include <exception>

#include "commands.hpp"
#include "exit_codes.hpp"

int main(int argc, char** argv) {
  // A closed pipe (`v6conform lab | head`) must not kill us before the lab is torn down:
  // writes fail instead, and the run ends through its normal cleanup.
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"v6conform: IPv6 conformance tests for OpenStack clouds (and a lab that imitates one)"};
  app.set_version_flag("--version", "v6conform " V6C_VERSION);
  app.require_subcommand(1);
  v6c::cli::register_catalog(app);
  v6c::cli::register_report(app);
  v6c::cli::register_lab(app);
  v6c::cli::register_cleanup(app);
  v6c::cli::register_run(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : v6c::kExitUsage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "v6conform: internal error: %s\n", e.what());
    return v6c::kExitInternal;
  }
  return v6c::cli::exit_code;
}
