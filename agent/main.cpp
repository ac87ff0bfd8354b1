// v6agent: IPv6 probes on one interface, from the command line or from a plan. One file per
// subcommand (cmd_*.cpp, commands.hpp); here only what comes before and after them.
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>

#include "commands.hpp"
#include "v6c/probe/link.hpp"

namespace {

using namespace v6c::agent;

// Least privilege (docs/agent.md "Privileges"): raw sockets are all the agent needs the kernel's
// leave for, so it keeps CAP_NET_RAW (if it had it) and gives up every other capability,
// including from its bounding set and for anything it might execute, before it reads a plan
// or a byte off the wire. Promiscuous mode through PACKET_ADD_MEMBERSHIP needs nothing more.
void drop_privileges() {
  constexpr unsigned kKeep = CAP_NET_RAW;
  // The bounding set first: dropping from it needs CAP_SETPCAP, which goes next.
  for (unsigned cap = 0; prctl(PR_CAPBSET_READ, cap) >= 0; ++cap)
    if (cap != kKeep) prctl(PR_CAPBSET_DROP, cap);  // EPERM without CAP_SETPCAP: nothing to lose then
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capget, &header, data) != 0) throw std::runtime_error("capget failed");
  const std::uint32_t keep = 1u << kKeep;  // CAP_NET_RAW is 13: in the first word
  data[0].effective &= keep;
  data[0].permitted &= keep;
  data[0].inheritable = 0;
  data[1] = {};
  if (syscall(SYS_capset, &header, data) != 0) throw std::runtime_error("capset failed");
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);  // no set-uid or file capabilities to win back either
}

}  // namespace

int main(int argc, char** argv) {
  try {
    drop_privileges();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "v6agent: cannot drop privileges: %s\n", e.what());
    return kInternal;
  }
  CLI::App app{"v6agent: what an IPv6 link offers, measured on the wire (RA, SLAAC/DAD, DHCPv6, ND, ping, PMTU, DNS)"};
  app.set_version_flag("--version", "v6agent " V6C_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // --json, --pcap, ... are accepted after the subcommand too
  Output out;
  app.add_option("--json", out.json_out, "Write the results as JSON (schema v6agent/1) to FILE, or - for stdout");
  app.add_option("--pcap", out.pcap_out, "Write every frame sent and seen to a pcap FILE");
  app.add_option("--host", out.host, "Name to report for this host (default: hostname)");
  app.add_option("--frames", out.frames_out,
                 "Also write the results as framed, checksummed lines to a serial console DEVICE");
  app.add_option("--frame-copies", out.frame_copies, "Write every frame this many times")->capture_default_str();
  app.add_flag("-q,--quiet", out.quiet, "No readable output");
  Action action;
  for (auto* add : {register_discover, register_dad, register_dhcp6, register_neighbor, register_ping, register_pmtu,
                    register_dns, register_diagnose, register_run})
    add(app, out, action);

  try {
    app.parse(argc, argv);
    return action();
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kOk : kUsage;
  } catch (const v6c::wire::PlanError& e) {
    std::fprintf(stderr, "v6agent: %s\n", e.what());
    return kUsage;
  } catch (const v6c::probe::LinkError& e) {
    std::fprintf(stderr, "v6agent: %s\n", e.what());
    if (e.kind == v6c::probe::LinkError::Kind::no_permission) return kNoPermission;
    if (e.kind == v6c::probe::LinkError::Kind::no_such_interface) return kNoInterface;
    return kInternal;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "v6agent: internal error: %s\n", e.what());
    return kInternal;
  }
}
