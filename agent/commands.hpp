// Each v6agent subcommand lives in its own cmd_<name>.cpp and registers itself here, as the
// controller's do. A subcommand's callback leaves the work to do in `action`; main runs it
// and turns what it throws into an exit code.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "v6c/wire/plan.hpp"

namespace v6c::agent {

// Exit codes (README "v6agent exit codes").
enum ExitCode : int {
  kOk = 0,             // every procedure ran; diagnose: IPv6 works, every link of the chain holds
  kProcedureError = 1, // at least one procedure could not run (its record says why)
  kIpv6Broken = 1,     // diagnose: a link of the chain is broken (the summary names the first)
  kUsage = 2,          // bad arguments or plan
  kNoPermission = 3,   // no CAP_NET_RAW
  kNoInterface = 4,    // the interface does not exist
  kInternal = 5,
  kUndecided = 6,      // diagnose: no link found broken, but one was not checked (the summary says why)
};

// Where every subcommand's results go: the options of the top level.
struct Output {
  std::string json_out;
  std::string pcap_out;
  std::string host;
  std::string frames_out;  // serial console: framed, checksummed report (docs/console-frames.md)
  int frame_copies = 2;
  bool quiet = false;
};

using Action = std::function<int()>;

// Runs `plan` on `interface` (empty: the plan's) and writes what `out` asks for; the exit code.
int run_plan(const Output& out, const std::string& interface, const wire::Plan& plan);

// A subcommand that runs the one procedure `spec()` builds from its options, on -i.
CLI::App* procedure_command(CLI::App& app, const Output& out, Action& action, const std::string& name,
                            const std::string& help, std::function<wire::ProcedureSpec()> spec);
// --source and --gateway, for the subcommands that aim beyond the link.
struct RouteOptions {
  std::string source, gateway;  // empty: the agent picks (wire::EchoSpec)
  template <class Spec>
  void apply(Spec& s) const {
    if (!source.empty()) s.source = source;
    if (!gateway.empty()) s.gateway = gateway;
  }
};

void register_discover(CLI::App& app, const Output& out, Action& action);
void register_dad(CLI::App& app, const Output& out, Action& action);
void register_dhcp6(CLI::App& app, const Output& out, Action& action);
void register_neighbor(CLI::App& app, const Output& out, Action& action);
void register_ping(CLI::App& app, const Output& out, Action& action);
void register_pmtu(CLI::App& app, const Output& out, Action& action);
void register_dns(CLI::App& app, const Output& out, Action& action);
void register_diagnose(CLI::App& app, const Output& out, Action& action);
void register_run(CLI::App& app, const Output& out, Action& action);

}  // namespace v6c::agent
