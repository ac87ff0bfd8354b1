#include "session.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "plan.hpp"
#include "text.hpp"
#include "v6c/wire/frames.hpp"
#include "v6c/wire/json.hpp"

namespace v6c::agent {
namespace {

using nlohmann::json;

// SIGTERM/SIGINT end a router role cleanly: it stops advertising and reports.
std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) { g_stop = true; }

// Writes the report as framed lines, every frame `copies` times, so that a kernel message
// landing in the middle of one copy on the console does not lose the run.
void write_frames(const Output& out, const std::string& run, const std::string& payload) {
  std::FILE* f = std::fopen(out.frames_out.c_str(), "w");
  if (!f) throw std::runtime_error("cannot write frames to " + out.frames_out);
  auto lines = wire::frame_lines(run, payload);
  for (int copy = 0; copy < std::max(1, out.frame_copies); ++copy)
    for (const auto& l : lines) std::fprintf(f, "%s\n", l.c_str());
  std::fclose(f);
}

wire::Plan single(wire::ProcedureSpec spec) { return {.procedures = {{"", std::move(spec)}}}; }

}  // namespace

Session::Session(const Output& out, const std::string& ifname, const std::string& plan_host)
    : link(ifname), text(out.json_out != "-" && !out.quiet) {
  if (!out.pcap_out.empty()) {
    pcap = std::make_unique<probe::PcapWriter>(out.pcap_out);
    link.record_to(pcap.get());
  }
  report.agent_version = V6C_VERSION;
  char hostname[256] = {};
  gethostname(hostname, sizeof hostname - 1);
  report.host = !out.host.empty() ? out.host : !plan_host.empty() ? plan_host : std::string(hostname);
  report.interface = ifname;
  report.mac = link.mac();
  report.mtu = link.mtu();
  report.link_local = link.kernel_link_local();
  report.started_us = probe::Link::now_us();
  if (text) std::fputs(render_header(report).c_str(), stdout);
}

void Session::add(wire::ProcedureRecord rec) {
  if (text) std::printf("\n%s", render_record(rec).c_str());
  std::fflush(stdout);
  report.procedures.push_back(std::move(rec));
}

void Session::write(const Output& out, const std::string& run) const {
  if (!out.frames_out.empty()) write_frames(out, run, json(report).dump());
  if (out.json_out.empty()) return;
  json j = report;
  if (out.json_out == "-") {
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::ofstream f(out.json_out);
  f << j.dump(2) << "\n";
  if (!f) throw std::runtime_error("cannot write " + out.json_out);
}

int run_plan(const Output& out, const std::string& interface, const wire::Plan& plan) {
  validate_plan(plan);
  const std::string ifname = interface.empty() ? plan.interface : interface;
  if (ifname.empty()) throw PlanError("no interface: give -i IFACE or \"interface\" in the plan");
  Session session(out, ifname, plan.host);
  auto& link = session.link;

  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGINT, on_stop_signal);
  Runner runner(link, &g_stop);
  // Cloud plans: the VM's kernel holds no global address, the agent answers peers' echoes.
  if (plan.answer_echo) link.answer_echo(true);
  int rc = kOk;
  for (const auto& p : plan.procedures) {
    if (g_stop) break;
    auto rec = runner.run(p);
    if (rec.status != wire::RunStatus::ok) rc = kProcedureError;
    session.add(std::move(rec));
  }
  session.write(out, plan.run.value_or(session.report.host));
  // Keep answering peers (ND and echo) after the report is out, until they are done too.
  const auto serve = std::chrono::milliseconds(plan.serve_ms);
  if (serve.count() > 0) {
    const auto until = probe::Clock::now() + serve;
    link.set_filter("icmp6");
    while (!g_stop && probe::Clock::now() < until) link.receive(until);
  }
  return rc;
}

CLI::App* procedure_command(CLI::App& app, const Output& out, Action& action, const std::string& name,
                            const std::string& help, std::function<wire::ProcedureSpec()> spec) {
  auto* cmd = app.add_subcommand(name, help);
  auto interface = std::make_shared<std::string>();
  cmd->add_option("-i,--interface", *interface, "Network interface")->required();
  cmd->callback([&out, &action, interface, spec = std::move(spec)] {
    action = [&out, interface, spec] { return run_plan(out, *interface, single(spec())); };
  });
  return cmd;
}

}  // namespace v6c::agent
