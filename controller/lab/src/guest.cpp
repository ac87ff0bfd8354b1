#include "v6c/lab/guest.hpp"

#include <fstream>
#include <sstream>
#include <thread>

#include "v6c/catalog/plan.hpp"
#include "v6c/wire/json.hpp"

namespace v6c::lab {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// A TCG boot on a loaded machine takes tens of seconds, and the agent runs slower inside it.
constexpr auto kBootTimeout = 240s;  // QEMU start to V6C-AGENT-START
constexpr auto kSlack = 60s;         // beyond the namespace agents' deadline
constexpr auto kPoll = 200ms;
// Peers (one guest per network) boot at different times; as in a cloud run (run/topology.cpp).
constexpr auto kPeerPatience = 60s;
constexpr auto kServe = 30s;

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

host::Argv boot(const AgentImage& image, const std::string& name, const GuestNic& nic, const fs::path& dir,
                const nlohmann::json& plan, const fs::path& serial) {
  fs::create_directories(dir);
  return qemu_argv(image, name, nic, make_config_drive(dir, plan.dump()), serial.string());
}

}  // namespace

AgentImage load_agent_image(const fs::path& dir) {
  for (const char* f : {"vmlinuz", "initrd.img", "manifest.json"})
    if (!fs::exists(dir / f))
      throw host::HostError("no agent image in " + dir.string() + " (" + f +
                            " missing): build one with scripts/build-agent-image --out " + dir.string());
  AgentImage image{dir, {}};
  try {
    image.cmdline = nlohmann::json::parse(read_text(dir / "manifest.json")).at("cmdline").get<std::string>();
  } catch (const std::exception& e) {
    throw host::HostError("malformed " + (dir / "manifest.json").string() + ": " + e.what());
  }
  return image;
}

std::optional<std::string> missing_guest_tools() {
  if (!host::have_tool("qemu-system-x86_64"))
    return "lab --vm needs qemu-system-x86_64: install the Debian package qemu-system-x86";
  if (!host::have_tool("genisoimage")) return "lab --vm needs genisoimage: install the Debian package genisoimage";
  return std::nullopt;
}

std::string make_config_drive(const fs::path& dir, const std::string& user_data) {
  const auto tree = dir / "drive";
  fs::create_directories(tree / "openstack/latest");
  std::ofstream(tree / "openstack/latest/user_data") << user_data;
  const auto iso = (dir / "config-drive.iso").string();
  host::must({"genisoimage", "-quiet", "-o", iso, "-V", "config-2", "-r", "-J", tree.string()});
  return iso;
}

host::Argv qemu_argv(const AgentImage& image, const std::string& name, const GuestNic& nic, const std::string& drive,
                     const std::string& serial_log) {
  // Each option with its value on one line.
  // clang-format off
  return {"qemu-system-x86_64", "-name", name, "-accel", "tcg", "-m", std::to_string(kGuestRamMb), "-no-reboot",
          "-display", "none", "-monitor", "none", "-serial", "file:" + serial_log,
          "-kernel", (image.dir / "vmlinuz").string(), "-initrd", (image.dir / "initrd.img").string(),
          "-append", image.cmdline,
          "-netdev", "tap,id=n0,ifname=" + nic.tap + ",script=no,downscript=no",
          "-device", "virtio-net-pci,netdev=n0,mac=" + nic.mac.str() + ",host_mtu=" + std::to_string(nic.mtu),
          "-drive", "file=" + drive + ",media=cdrom,if=ide,readonly=on"};
  // clang-format on
}

Guest::Guest(const AgentImage& image, const std::string& name, const GuestNic& nic, const std::string& netns,
             const fs::path& dir, const nlohmann::json& plan)
    : name_(name),
      run_(plan.value("run", plan.value("host", std::string()))),
      serial_(dir / "console.log"),
      qemu_(boot(image, name, nic, dir, plan, serial_), netns, (dir / "qemu.log").string()) {}

std::string Guest::console() const {
  return read_text(serial_);
}

std::string Guest::qemu_log() const {
  return read_text(serial_.parent_path() / "qemu.log");
}

bool Guest::agent_started() const {
  return console().find("V6C-AGENT-START") != std::string::npos;
}

std::optional<wire::AgentReport> Guest::report(std::string* why) const {
  return wire::report_from_console(console(), run_, why);
}

std::vector<std::unique_ptr<Guest>> boot_guests(const Lab& lab, const model::Facts& facts, const PlanFor& plan_for,
                                                const fs::path& dir) {
  std::vector<std::unique_ptr<Guest>> guests;
  const auto& m = lab.model();
  if (m.guest_image.empty()) return guests;
  const auto image = load_agent_image(m.guest_image);
  std::size_t count = 0;
  for (const auto& [n, p] : m.vm_ports()) count += m.is_guest(*p);
  const bool peers = count > 1;  // their kernels hold no address: the agents answer for them
  for (const auto& net : facts.networks)
    for (const auto& port : net.ports)
      for (const auto& [n, p] : m.vm_ports()) {
        if (p->name != port.name || !m.is_guest(*p)) continue;
        auto plan = plan_for(net, port);
        plan.run = port.name;
        plan.host = port.name;
        plan.after = "poweroff";
        if (peers) {
          plan.answer_echo = true;
          plan.serve_ms = std::chrono::milliseconds(kServe).count();
          for (auto& proc : plan.procedures)
            if (auto* echo = std::get_if<wire::EchoSpec>(&proc.spec);
                echo && proc.id.starts_with(catalog::proc::kEchoPeerPrefix))
              echo->patience_ms = std::chrono::milliseconds(kPeerPatience).count();
        }
        std::ofstream(dir / ("plan-" + port.name + ".json")) << nlohmann::json(plan).dump(2);
        guests.push_back(std::make_unique<Guest>(image, m.prefix + port.name, GuestNic{p->bridge_port, p->mac, n->mtu},
                                                 m.switch_ns(), dir / ("vm-" + port.name), plan));
      }
  const auto deadline = Clock::now() + kBootTimeout;
  for (auto& g : guests)
    while (!g->agent_started() && g->running() && Clock::now() < deadline) std::this_thread::sleep_for(kPoll);
  return guests;
}

void collect_guests(std::vector<std::unique_ptr<Guest>>& guests, Clock::time_point deadline, const fs::path& dir,
                    catalog::Observations& obs) {
  for (auto& g : guests) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline + kSlack + kServe - Clock::now());
    g->wait(std::max(left, std::chrono::milliseconds(0)));
    g->stop();  // past its budget; frames already on the console still count
    std::string why;
    if (auto report = g->report(&why)) {
      std::ofstream(dir / (g->run() + ".json")) << nlohmann::json(*report).dump(2) << "\n";
      obs.agents[g->run()] = std::move(*report);
    } else {
      // QEMU's own complaint (a busy tap, a bad image) says more than an empty console.
      std::ofstream(dir / (g->run() + ".error")) << why << "\n" << g->qemu_log();
    }
  }
}

}  // namespace v6c::lab
