// Boot every agent VM at once and read their reports from the serial consoles: no SSH, no
// floating IP. A report counts only when every frame arrived intact (wire::deframe); a VM
// without one is named with the reason, and the evaluator says ERROR for what it should
// have measured — never PASS.
#include <future>
#include <thread>

#include "v6c/cloud/compute.hpp"
#include "v6c/cloud/errors.hpp"
#include "v6c/run/run.hpp"
#include "v6c/wire/frames.hpp"
#include "v6c/wire/json.hpp"

namespace v6c::run {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr auto kPoll = std::chrono::seconds(3);

}  // namespace

std::optional<wire::AgentReport> report_from_console(const std::string& console, const std::string& run,
                                                     std::string* why) {
  const auto d = wire::deframe(console, run);
  if (!d.payload) {
    if (why) *why = d.error;
    return std::nullopt;
  }
  try {
    return json::parse(*d.payload).get<wire::AgentReport>();
  } catch (const std::exception& e) {
    if (why) *why = std::string("report is not a v6agent/1 document: ") + e.what();
    return std::nullopt;
  }
}

Collected boot_and_collect(cloud::Session& s, cloud::CleanupStack& cleanup, Topology& t, const std::string& image_id,
                           const std::string& flavor_id, const Options& o,
                           const std::function<void(const AgentVm&)>& after_report) {
  cloud::ServersClient servers(s, &cleanup);
  // All servers at once: each POST waits on Nova's API for a second or two. Every task is
  // waited for before an error is rethrown, so whatever was created is on the cleanup stack.
  std::vector<std::future<std::string>> creating;
  for (const auto& vm : t.vms) {
    cloud::ServerSpec spec;
    spec.name = vm.name;
    spec.flavor_id = flavor_id;
    spec.image_id = image_id;
    spec.port_ids = {vm.port_id};
    spec.user_data = vm.plan.dump();
    spec.config_drive = true;  // the image reads its plan from there (docs/image.md)
    creating.push_back(std::async(std::launch::async, [&servers, spec] {
      return servers.create_server(cloud::server_body(spec)).value("id", std::string());
    }));
  }
  std::exception_ptr failed;
  for (std::size_t i = 0; i < creating.size(); ++i) {
    try {
      t.vms[i].server_id = creating[i].get();
    } catch (...) {
      if (!failed) failed = std::current_exception();
    }
  }
  if (failed) std::rethrow_exception(failed);
  o.progress("booting " + std::to_string(t.vms.size()) + " agent VMs");

  Collected out;
  std::map<std::string, std::string> last_error;  // VM → why no report yet
  std::map<std::string, std::string> status;
  std::string last_line;
  const auto deadline = SteadyClock::now() + o.boot_timeout;
  for (;;) {
    int building = 0, running = 0;
    for (const auto& vm : t.vms) {
      if (out.reports.count(vm.name) || out.missing.count(vm.name)) continue;
      const auto server = servers.show_server(vm.server_id);
      status[vm.name] = server.value("status", std::string("?"));
      if (status[vm.name] == "ERROR") {
        std::string fault = "server went to ERROR";
        if (server.contains("fault") && server["fault"].is_object())
          fault += ": " + server["fault"].value("message", std::string());
        out.missing[vm.name] = fault;
        continue;
      }
      if (status[vm.name] != "ACTIVE" && status[vm.name] != "SHUTOFF") {
        ++building;
        continue;
      }
      ++running;
      std::string console;
      try {
        console = servers.get_console_output(vm.server_id);
      } catch (const cloud::Conflict&) {
        continue;  // not ready for console reads yet
      } catch (const cloud::NotFound& e) {
        // libvirt has no console for a guest that is not running.
        if (status[vm.name] == "SHUTOFF") out.missing[vm.name] = std::string("VM powered off, console gone: ") + e.what();
        continue;
      }
      std::string why;
      if (auto report = report_from_console(console, vm.plan.value("run", vm.name), &why)) {
        out.reports[vm.name] = std::move(*report);
        --running;
        if (after_report) after_report(vm);
      } else {
        last_error[vm.name] = why;
        // Powered off without a complete report: it will not come.
        if (status[vm.name] == "SHUTOFF") out.missing[vm.name] = "VM powered off without a complete report: " + why;
      }
    }
    const auto done = out.reports.size() + out.missing.size();
    const auto line = (std::to_string(building) + " building, " + std::to_string(running) + " running, " +
               std::to_string(out.reports.size()) + " reported, " + std::to_string(out.missing.size()) + " failed (of " +
               std::to_string(t.vms.size()) + ")");
    if (line != last_line) o.progress(line);
    last_line = line;
    if (done == t.vms.size()) break;
    if (SteadyClock::now() >= deadline) {
      for (const auto& vm : t.vms)
        if (!out.reports.count(vm.name) && !out.missing.count(vm.name))
          out.missing[vm.name] = "no complete report within " + std::to_string(o.boot_timeout.count()) + " s (status " +
                                 status[vm.name] + (last_error[vm.name].empty() ? "" : ", " + last_error[vm.name]) + ")";
      break;
    }
    std::this_thread::sleep_for(kPoll);
  }
  return out;
}

}  // namespace v6c::run
