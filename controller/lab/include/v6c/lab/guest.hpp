// The agent image (docs/image.md) as a lab VM (`v6conform lab --vm`): QEMU TCG on the port's
// tap in the switch namespace, the plan on a config drive as Nova makes one, the report read
// back from the serial console's frames. The tap is the bridge port, so the lab's port
// security and security groups apply to the guest as they do to a namespace VM's veth.
#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "v6c/catalog/evaluator.hpp"
#include "v6c/host/host.hpp"
#include "v6c/lab/lab.hpp"
#include "v6c/model/facts.hpp"
#include "v6c/wire/addr.hpp"
#include "v6c/wire/plan.hpp"
#include "v6c/wire/results.hpp"

namespace v6c::lab {

inline constexpr int kGuestRamMb = 128;  // the image works with 128 MB

// An image directory as scripts/build-agent-image writes it.
struct AgentImage {
  std::filesystem::path dir;
  std::string cmdline;  // the manifest's kernel command line
};

// Reads dir's manifest; throws host::HostError naming what is missing or malformed.
AgentImage load_agent_image(const std::filesystem::path& dir);

// Nothing missing: nullopt. Otherwise one line naming the Debian package to install.
std::optional<std::string> missing_guest_tools();

// An OpenStack config drive (ISO 9660 labelled config-2, openstack/latest/user_data) in dir;
// returns the ISO's path.
std::string make_config_drive(const std::filesystem::path& dir, const std::string& user_data);

// The guest's NIC: a virtio-net on this tap with the port's MAC; mtu reaches the guest's
// driver (virtio host_mtu) the way Nova passes the network MTU.
struct GuestNic {
  std::string tap;
  wire::Mac mac;
  std::uint32_t mtu = 1500;
};

// QEMU's command line: TCG, kernel + initrd + the manifest's command line, the config drive
// on the IDE CD-ROM Nova gives i440fx guests, ttyS0 to `serial_log`. `name` labels the process.
host::Argv qemu_argv(const AgentImage& image, const std::string& name, const GuestNic& nic, const std::string& drive,
                     const std::string& serial_log);

// One booted guest. The destructor ends QEMU by PID.
class Guest {
 public:
  // Writes the config drive with `plan` into dir and starts QEMU inside netns.
  Guest(const AgentImage& image, const std::string& name, const GuestNic& nic, const std::string& netns,
        const std::filesystem::path& dir, const nlohmann::json& plan);

  const std::string& name() const { return name_; }
  const std::string& run() const { return run_; }  // the plan's run id, which names the frames
  std::string console() const;
  std::string qemu_log() const;  // QEMU's stderr
  // init printed V6C-AGENT-START: the agent is about to run its plan.
  bool agent_started() const;
  bool running() { return qemu_.running(); }
  // Waits for the guest to power off; -1 at the timeout.
  int wait(std::chrono::milliseconds timeout) { return qemu_.wait(timeout); }
  void stop() { qemu_.stop(); }
  // The report deframed from the console under the plan's run id; nullopt with why otherwise.
  std::optional<wire::AgentReport> report(std::string* why = nullptr) const;

 private:
  std::string name_, run_;
  std::filesystem::path serial_;
  host::Process qemu_;
};

// run_catalogue's part for lab --vm. Boots a guest per probe port of a lab whose model names
// a guest_image, with plan_for's plan (run id and host: the port's name; power off after the
// report; with peers, answer their echoes and wait for the ones still booting), then waits
// until every guest's agent has started (or its boot failed or timed out). Throws
// host::HostError when the image is unusable. Empty when the lab has no guests.
using PlanFor = std::function<wire::Plan(const model::Network&, const model::Port&)>;
std::vector<std::unique_ptr<Guest>> boot_guests(const Lab& lab, const model::Facts& facts, const PlanFor& plan_for,
                                                const std::filesystem::path& dir);
// Waits for the guests to power off (by the namespace agents' deadline plus the guests' slack),
// ends the rest, and puts each report deframed from a console into obs (also as <name>.json in
// dir); a guest without one gets <name>.error there and no report (the evaluator says ERROR).
void collect_guests(std::vector<std::unique_ptr<Guest>>& guests, std::chrono::steady_clock::time_point deadline,
                    const std::filesystem::path& dir, catalog::Observations& obs);

}  // namespace v6c::lab
