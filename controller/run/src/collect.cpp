// Boot every agent VM at once and read their reports from the serial consoles: no SSH, no
// floating IP. A report counts only when every frame arrived intact (wire::deframe); a VM
// without one is named with the reason, and the evaluator says ERROR for what it should
// have measured — never PASS.
#include <future>
#include <map>
#include <thread>

#include "v6c/cloud/compute.hpp"
#include "v6c/cloud/errors.hpp"
#include "v6c/run/run.hpp"
#include "v6c/wire/json.hpp"

namespace v6c::run {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr auto kPoll = std::chrono::seconds(3);

}  // namespace

namespace {

// All servers at once: each POST waits on Nova's API for a second or two. Every task is
// waited for before an error is rethrown, so whatever was created is on the cleanup stack.
void boot_all(cloud::ServersClient& servers, Topology& t, const std::string& image_id, const std::string& flavor_id) {
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
}

// One pass over the VMs still awaited: their status, and the report from the console of each
// that runs. What a VM is doing, by name, for the progress line and the timeout message.
class Collector {
 public:
  Collector(cloud::ServersClient& servers, const Topology& t, const std::function<void(const AgentVm&)>& after_report)
      : servers_(servers), t_(t), after_report_(after_report) {}
  void poll(int& building, int& running) {
    for (const auto& vm : t_.vms)
      if (!done(vm)) poll_one(vm, building, running);
  }
  bool all_done() const { return out_.reports.size() + out_.missing.size() == t_.vms.size(); }
  void time_out(std::chrono::seconds after) {
    for (const auto& vm : t_.vms)
      if (!done(vm))
        out_.missing[vm.name] = "no complete report within " + std::to_string(after.count()) + " s (status " +
                                status_[vm.name] + (last_error_[vm.name].empty() ? "" : ", " + last_error_[vm.name]) + ")";
  }
  Collected& out() { return out_; }

 private:
  bool done(const AgentVm& vm) const { return out_.reports.count(vm.name) || out_.missing.count(vm.name); }
  void poll_one(const AgentVm& vm, int& building, int& running);
  void read_console(const AgentVm& vm, int& running);

  cloud::ServersClient& servers_;
  const Topology& t_;
  const std::function<void(const AgentVm&)>& after_report_;
  Collected out_;
  std::map<std::string, std::string> last_error_;  // VM → why no report yet
  std::map<std::string, std::string> status_;
};

void Collector::poll_one(const AgentVm& vm, int& building, int& running) {
  const auto server = servers_.show_server(vm.server_id);
  const auto& status = status_[vm.name] = server.value("status", std::string("?"));
  if (status == "ERROR") {
    std::string fault = "server went to ERROR";
    if (server.contains("fault") && server["fault"].is_object()) fault += ": " + server["fault"].value("message", std::string());
    out_.missing[vm.name] = fault;
    return;
  }
  if (status != "ACTIVE" && status != "SHUTOFF") {
    ++building;
    return;
  }
  ++running;
  read_console(vm, running);
}

void Collector::read_console(const AgentVm& vm, int& running) {
  const bool off = status_[vm.name] == "SHUTOFF";
  std::string console;
  try {
    console = servers_.get_console_output(vm.server_id);
  } catch (const cloud::Conflict&) {
    return;  // not ready for console reads yet
  } catch (const cloud::NotFound& e) {
    // libvirt has no console for a guest that is not running.
    if (off) out_.missing[vm.name] = std::string("VM powered off, console gone: ") + e.what();
    return;
  }
  std::string why;
  if (auto report = wire::report_from_console(console, vm.plan.value("run", vm.name), &why)) {
    out_.reports[vm.name] = std::move(*report);
    --running;
    if (after_report_) after_report_(vm);
    return;
  }
  last_error_[vm.name] = why;
  // Powered off without a complete report: it will not come.
  if (off) out_.missing[vm.name] = "VM powered off without a complete report: " + why;
}

}  // namespace

Collected boot_and_collect(cloud::Session& s, cloud::CleanupStack& cleanup, Topology& t, const std::string& image_id,
                           const std::string& flavor_id, const Options& o,
                           const std::function<void(const AgentVm&)>& after_report) {
  cloud::ServersClient servers(s, &cleanup);
  boot_all(servers, t, image_id, flavor_id);
  o.progress("booting " + std::to_string(t.vms.size()) + " agent VMs");
  Collector collector(servers, t, after_report);
  std::string last_line;
  const auto deadline = SteadyClock::now() + o.boot_timeout;
  for (;;) {
    int building = 0, running = 0;
    collector.poll(building, running);
    const auto& out = collector.out();
    const auto line = std::to_string(building) + " building, " + std::to_string(running) + " running, " +
                      std::to_string(out.reports.size()) + " reported, " + std::to_string(out.missing.size()) +
                      " failed (of " + std::to_string(t.vms.size()) + ")";
    if (line != last_line) o.progress(line);
    last_line = line;
    if (collector.all_done()) break;
    if (SteadyClock::now() >= deadline) {
      collector.time_out(std::chrono::duration_cast<std::chrono::seconds>(o.boot_timeout));
      break;
    }
    std::this_thread::sleep_for(kPoll);
  }
  return std::move(collector.out());
}

}  // namespace v6c::run
