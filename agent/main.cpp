// v6agent: IPv6 probes on one interface, from the command line or from a plan.
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "diagnose.hpp"
#include "plan.hpp"
#include "text.hpp"
#include "v6c/wire/frames.hpp"
#include "v6c/wire/json.hpp"
#include "v6c/wire/plan.hpp"

namespace {

using nlohmann::json;

// Exit codes (README "v6agent exit codes").
enum : int {
  kOk = 0,             // every procedure ran; diagnose: IPv6 works, every link of the chain holds
  kProcedureError = 1, // at least one procedure could not run (its record says why)
  kIpv6Broken = 1,     // diagnose: a link of the chain is broken (the summary names the first)
  kUsage = 2,          // bad arguments or plan
  kNoPermission = 3,   // no CAP_NET_RAW
  kNoInterface = 4,    // the interface does not exist
  kInternal = 5,
  kUndecided = 6,      // diagnose: no link found broken, but one was not checked (the summary says why)
};

// SIGTERM/SIGINT end a router role cleanly: it stops advertising and reports.
std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) { g_stop = true; }

struct Options {
  std::string interface;
  std::string json_out;
  std::string pcap_out;
  std::string host;
  std::string frames_out;  // serial console: framed, checksummed report (docs/console-frames.md)
  int frame_copies = 2;
  bool quiet = false;
};

// Writes the report as framed lines, every frame `copies` times, so that a kernel message
// landing in the middle of one copy on the console does not lose the run.
void write_frames(const Options& opt, const std::string& run, const std::string& payload) {
  std::FILE* out = std::fopen(opt.frames_out.c_str(), "w");
  if (!out) throw std::runtime_error("cannot write frames to " + opt.frames_out);
  auto lines = v6c::wire::frame_lines(run, payload);
  for (int copy = 0; copy < std::max(1, opt.frame_copies); ++copy)
    for (const auto& l : lines) std::fprintf(out, "%s\n", l.c_str());
  std::fclose(out);
}

// One run on one interface: the link (and its pcap), the report, the text as it goes.
struct Session {
  v6c::probe::Link link;
  std::unique_ptr<v6c::probe::PcapWriter> pcap;
  v6c::wire::AgentReport report;
  bool text;

  Session(const Options& opt, const std::string& ifname, const std::string& plan_host)
      : link(ifname), text(opt.json_out != "-" && !opt.quiet) {
    if (!opt.pcap_out.empty()) {
      pcap = std::make_unique<v6c::probe::PcapWriter>(opt.pcap_out);
      link.record_to(pcap.get());
    }
    report.agent_version = V6C_VERSION;
    char hostname[256] = {};
    gethostname(hostname, sizeof hostname - 1);
    report.host = !opt.host.empty() ? opt.host : !plan_host.empty() ? plan_host : std::string(hostname);
    report.interface = ifname;
    report.mac = link.mac();
    report.mtu = link.mtu();
    report.link_local = link.kernel_link_local();
    report.started_us = v6c::probe::Link::now_us();
    if (text) std::fputs(v6c::agent::render_header(report).c_str(), stdout);
  }

  void add(v6c::wire::ProcedureRecord rec) {
    if (text) std::printf("\n%s", v6c::agent::render_record(rec).c_str());
    std::fflush(stdout);
    report.procedures.push_back(std::move(rec));
  }

  // The report as JSON and as console frames, where the options ask for them.
  void write(const Options& opt, const std::string& run) const {
    if (!opt.frames_out.empty()) write_frames(opt, run, json(report).dump());
    if (opt.json_out.empty()) return;
    json j = report;
    if (opt.json_out == "-") {
      std::cout << j.dump(2) << "\n";
      return;
    }
    std::ofstream out(opt.json_out);
    out << j.dump(2) << "\n";
    if (!out) throw std::runtime_error("cannot write " + opt.json_out);
  }
};

int run_plan(const Options& opt, const v6c::wire::Plan& plan) {
  using namespace v6c;
  agent::validate_plan(plan);
  std::string ifname = opt.interface.empty() ? plan.interface : opt.interface;
  if (ifname.empty()) throw agent::PlanError("no interface: give -i IFACE or \"interface\" in the plan");
  Session session(opt, ifname, plan.host);
  auto& link = session.link;

  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGINT, on_stop_signal);
  agent::Runner runner(link, &g_stop);
  // Cloud plans: the VM's kernel holds no global address, the agent answers peers' echoes.
  if (plan.answer_echo) link.answer_echo(true);
  int rc = kOk;
  for (const auto& p : plan.procedures) {
    if (g_stop) break;
    auto rec = runner.run(p);
    if (rec.status != "ok") rc = kProcedureError;
    session.add(std::move(rec));
  }
  session.write(opt, plan.run.value_or(session.report.host));
  // Keep answering peers (ND and echo) after the report is out, until they are done too.
  const auto serve = std::chrono::milliseconds(plan.serve_ms);
  if (serve.count() > 0) {
    const auto until = probe::Clock::now() + serve;
    link.set_filter("icmp6");
    while (!g_stop && probe::Clock::now() < until) link.receive(until);
  }
  return rc;
}

// `v6agent diagnose`: the exit code says whether IPv6 works here.
int run_diagnose(const Options& opt, const v6c::agent::DiagnoseOptions& dopt) {
  using namespace v6c;
  Session session(opt, opt.interface, "");
  agent::Runner runner(session.link);
  auto& steps = session.report.diagnosis;
  steps = agent::diagnose(runner, dopt, [&](wire::ProcedureRecord rec) { session.add(std::move(rec)); });
  if (session.text) std::fputs(agent::render_diagnosis(steps).c_str(), stdout);
  session.write(opt, session.report.host);
  if (agent::first_broken(steps)) return kIpv6Broken;
  for (const auto& st : steps)
    if (st.state != wire::LinkState::holds) return kUndecided;
  return kOk;
}

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

v6c::wire::Plan single(v6c::wire::ProcedureSpec spec) { return {.procedures = {{"", std::move(spec)}}}; }

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
  Options opt;
  app.add_option("--json", opt.json_out, "Write the results as JSON (schema v6agent/1) to FILE, or - for stdout");
  app.add_option("--pcap", opt.pcap_out, "Write every frame sent and seen to a pcap FILE");
  app.add_option("--host", opt.host, "Name to report for this host (default: hostname)");
  app.add_option("--frames", opt.frames_out,
                 "Also write the results as framed, checksummed lines to a serial console DEVICE");
  app.add_option("--frame-copies", opt.frame_copies, "Write every frame this many times")->capture_default_str();
  app.add_flag("-q,--quiet", opt.quiet, "No readable output");
  auto iface = [&](CLI::App* sub, bool required = true) {
    auto* o = sub->add_option("-i,--interface", opt.interface, "Network interface");
    if (required) o->required();
  };

  // The subcommands fill the plan's own procedure structs: their defaults are the plan's.
  v6c::wire::Plan plan;
  auto* discover = app.add_subcommand("discover", "Solicit and show router advertisements (like rdisc6)");
  iface(discover);
  v6c::wire::DiscoverSpec d;
  discover->add_flag("--passive", d.passive, "Send no RS; wait for unsolicited RAs");
  discover->add_option("-w,--window", d.window_ms, "Milliseconds to collect RAs")->capture_default_str();
  discover->add_option("--rs", d.rs_count, "Router solicitations to send")->capture_default_str();
  discover->add_flag("-1,--first", d.stop_at_first, "Stop at the first RA (like rdisc6 -1)");
  discover->callback([&] { plan = single(d); });

  auto* dad = app.add_subcommand("dad", "Form the SLAAC (EUI-64) address for a prefix and run DAD on it");
  iface(dad);
  v6c::wire::DadSpec dd;
  dad->add_option("prefix", dd.prefix, "The /64 prefix, e.g. 2001:db8:1::")->required();
  dad->callback([&] { plan = single(dd); });

  auto* dhcp = app.add_subcommand("dhcp6", "Run a DHCPv6 exchange as a client (configures nothing)");
  iface(dhcp);
  bool stateless = false;
  dhcp->add_flag("--stateless", stateless, "Information-Request instead of Solicit/Request");
  dhcp->callback([&] { plan = single(v6c::wire::Dhcp6Spec{.stateful = !stateless}); });

  auto* nd = app.add_subcommand("neighbor", "Resolve an address with NS/NA (like ndisc6)");
  iface(nd);
  v6c::wire::NeighborSpec n;
  nd->add_option("target", n.target, "Address to resolve")->required();
  nd->callback([&] { plan = single(n); });

  auto* ping = app.add_subcommand("ping", "Echo requests of a given size and hop limit; shows replies and errors");
  iface(ping);
  v6c::wire::EchoSpec e;
  ping->add_option("target", e.target, "Address to ping")->required();
  ping->add_option("-s,--size", e.size, "IPv6 packet size in bytes")->capture_default_str();
  unsigned hop_limit = e.hop_limit;  // a number, not a character, to CLI11
  ping->add_option("-t,--hop-limit", hop_limit, "Hop limit")->capture_default_str()->check(CLI::Range(0, 255));
  ping->add_option("-c,--count", e.count, "Requests")->capture_default_str();
  std::string source, gateway;  // empty: the agent picks (wire::EchoSpec)
  auto route = [&](auto& spec) {
    if (!source.empty()) spec.source = source;
    if (!gateway.empty()) spec.gateway = gateway;
  };
  ping->add_option("--source", source, "Source address (must be this host's; default link-local)");
  ping->add_option("--gateway", gateway, "Router for an off-link target");
  ping->callback([&] {
    e.hop_limit = static_cast<std::uint8_t>(hop_limit);
    route(e);
    plan = single(e);
  });

  auto* pmtu = app.add_subcommand("pmtu", "Echo requests of increasing sizes; shows what passes and Packet Too Big");
  iface(pmtu);
  v6c::wire::PmtuSpec pm{.sizes = {1280, 1400, 1500}};
  pmtu->add_option("target", pm.target, "Address to probe")->required();
  pmtu->add_option("--sizes", pm.sizes, "IPv6 packet sizes")->delimiter(',')->capture_default_str();
  pmtu->add_option("--source", source, "Source address");
  pmtu->add_option("--gateway", gateway, "Router for an off-link target");
  pmtu->callback([&] {
    route(pm);
    plan = single(pm);
  });

  auto* dns = app.add_subcommand("dns", "One AAAA query over IPv6 to a DNS server");
  iface(dns);
  v6c::wire::DnsSpec q;
  dns->add_option("server", q.server, "DNS server address")->required();
  dns->add_option("name", q.name, "Name to resolve")->required();
  dns->add_option("--source", source, "Source address");
  dns->callback([&] {
    route(q);
    plan = single(q);
  });

  auto* diag = app.add_subcommand("diagnose", "Why does this host have no IPv6? RA, SLAAC, DHCPv6, router, DNS in turn");
  iface(diag);
  v6c::agent::DiagnoseOptions dopt;
  std::string diag_target;
  bool diagnosing = false;
  diag->add_option("--name", dopt.name,
                   "Name the resolver is asked (default: the network's domain, from DNSSL or DHCPv6)");
  diag->add_option("--target", diag_target, "An address beyond the router that should answer echoes");
  diag->callback([&] {
    diagnosing = true;
    if (diag_target.empty()) return;
    dopt.target = v6c::wire::Ip6::parse(diag_target);
    if (!dopt.target) throw v6c::agent::PlanError("--target: not an IPv6 address: " + diag_target);
  });

  auto* run = app.add_subcommand("run", "Run the procedures of a plan file (schema v6agent-plan/1)");
  iface(run, false);
  std::string plan_file;
  run->add_option("plan", plan_file, "Plan JSON file, or - for stdin")->required();
  run->callback([&] {
    json j;
    try {
      if (plan_file == "-") {
        j = json::parse(std::cin);
      } else {
        std::ifstream in(plan_file);
        if (!in) throw v6c::agent::PlanError("cannot read plan " + plan_file);
        j = json::parse(in);
      }
    } catch (const json::parse_error& e) {
      throw v6c::agent::PlanError("plan " + plan_file + " is not valid JSON: " + e.what());
    }
    plan = j.get<v6c::wire::Plan>();
  });

  try {
    app.parse(argc, argv);
    return diagnosing ? run_diagnose(opt, dopt) : run_plan(opt, plan);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kOk : kUsage;
  } catch (const v6c::agent::PlanError& e) {
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
