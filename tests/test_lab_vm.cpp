// `v6conform lab --vm`: the probe VM is the agent image
// booted under QEMU TCG on its tap in the lab's switch namespace, and the catalogue's verdicts
// equal those of the namespace-only lab for the same mode. The [vm] case runs the real CLI
// twice; the [lab] case checks, without booting, that the guest's port is a tap on the
// network's bridge that the port-security and security-group rules name.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "agent_image.hpp"
#include "netlab.hpp"
#include "v6c/lab/guest.hpp"
#include "v6c/lab/lab.hpp"
#include "v6c/wire/json.hpp"

using namespace v6c;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// lab's own budgets bound a run: the namespace lab's agents get their window plus 20 s
// (lab/run.cpp), lab --vm adds up to 240 s to the guest's agent start and 90 s of slack after the
// agents' deadline (lab/guest.cpp). Both fit tests/CMakeLists.txt's kVmTestTimeout with the image build.
constexpr auto kLabTimeout = 180s;
constexpr auto kLabVmTimeout = 420s;

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Processes whose command line mentions `text` (QEMU is named after the lab's prefix).
std::vector<pid_t> processes_mentioning(const std::string& text) {
  std::vector<pid_t> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const auto name = e.path().filename().string();
    if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    auto cmdline = read_file(e.path() / "cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.find(text) != std::string::npos && std::stoi(name) != ::getpid()) found.push_back(std::stoi(name));
  }
  return found;
}

struct LabRun {
  int status = -1;
  std::string prefix;  // the lab's names: "v6c-l<pid of v6conform>-"
  nlohmann::json result;
};

LabRun run_lab(const test::TempDir& dir, const std::string& name, std::vector<std::string> extra) {
  host::Argv argv = {V6C_CONTROLLER_BIN, "lab",  "--mode",       "slaac",
                     "--format",         "json", "--output-dir", (dir.path / name).string()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  host::Process p(argv, "", dir.file(name + ".log"));
  LabRun r;
  r.prefix = lab::kLabPrefixBase + std::to_string(p.pid()) + "-";
  const auto started = std::chrono::steady_clock::now();
  const bool vm = std::find(extra.begin(), extra.end(), "--vm") != extra.end();
  r.status = p.wait(vm ? kLabVmTimeout : kLabTimeout);
  std::cout << "lab " << name << ": " << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()
            << " s\n";
  INFO(read_file(dir.path / (name + ".log")));
  REQUIRE(fs::exists(dir.path / name / "result.json"));
  r.result = nlohmann::json::parse(read_file(dir.path / name / "result.json"));
  return r;
}

// "id @ scope" → status.
std::map<std::string, std::string> statuses(const nlohmann::json& result) {
  std::map<std::string, std::string> out;
  for (const auto& v : result.at("verdicts"))
    out[v.at("id").get<std::string>() + " @ " + v.at("scope").dump()] = v.at("status").get<std::string>();
  return out;
}

void require_nothing_left(const LabRun& r, const std::string& tap) {
  CAPTURE(r.prefix);
  CHECK(test::nothing_left(r.prefix));            // namespaces and root-namespace links
  CHECK(processes_mentioning(r.prefix).empty());  // QEMU (-name <prefix>a1), daemons
  CHECK(host::list_links(tap).empty());           // the guest's tap did not fall out into this namespace
  bool files = false;
  for (const auto& e : fs::directory_iterator("/tmp")) files |= e.path().filename().string().rfind(r.prefix, 0) == 0;
  CHECK_FALSE(files);
}

// One image for the file's [vm] cases.
const test::AgentImageDir& image() {
  static const test::AgentImageDir built;
  return built;
}

}  // namespace

TEST_CASE("lab --vm: the guest's port is a tap on the network's bridge, under port security", "[lab]") {
  auto m = lab::make_model(lab::unique_prefix(), lab::Flavour::radvd, {lab::Mode::slaac});
  m.guest_image = "unused: nothing boots here";
  const auto& probe = m.networks.front().vms.front();
  REQUIRE(m.is_guest(probe));
  for (const auto& vm : m.networks.front().vms)  // probes boot; the attacker and victim stay namespaces
    CHECK(m.is_guest(vm) == (vm.role == model::Role::probe));
  {
    lab::Lab l(m);
    for (const auto& n : m.all_netns()) CHECK(n != m.ns(probe.netns_suffix));
    auto link = host::must({"ip", "-d", "link", "show", probe.bridge_port}, m.switch_ns());
    CAPTURE(link);
    CHECK(link.find("tun type tap") != std::string::npos);
    CHECK(link.find("master " + m.networks.front().bridge) != std::string::npos);
    CHECK(link.find("mtu " + std::to_string(m.networks.front().mtu)) != std::string::npos);
    auto rules = host::must({"nft", "list", "ruleset"}, m.switch_ns());
    CHECK(rules.find("iifname \"" + probe.bridge_port + "\" jump from_" + probe.name) != std::string::npos);
    auto sg = host::must({"ip6tables-save"}, m.switch_ns());
    CHECK(sg.find("--physdev-out " + probe.bridge_port) != std::string::npos);
  }
  CHECK(test::nothing_left(m.prefix));
}

TEST_CASE("lab --vm: the agent image as the probe VM gives the namespace lab's verdicts (slaac)", "[vm][lab-vm]") {
  REQUIRE_FALSE(lab::missing_guest_tools());
  test::TempDir dir("lv");

  auto plain = run_lab(dir, "ns", {});
  auto vm = run_lab(dir, "vm", {"--vm", "--vm-image", image().dir.string()});
  CHECK(plain.status == 0);
  CHECK(vm.status == 0);

  // The probe's report really came over the guest's serial console.
  const auto console = read_file(dir.path / "vm" / "vm-a1" / "console.log");
  INFO("console:\n" << console);
  CHECK(console.find("V6C-AGENT-EXIT rc=0") != std::string::npos);
  CHECK(console.find("V6C-POWEROFF") != std::string::npos);
  REQUIRE(fs::exists(dir.path / "vm" / "a1.json"));
  CHECK_FALSE(fs::exists(dir.path / "vm" / "a1.pcap"));  // the namespace agent's capture has no guest equivalent
  const auto a1 = nlohmann::json::parse(read_file(dir.path / "vm" / "a1.json")).get<wire::AgentReport>();
  CHECK(a1.mac.str() == "fa:16:3e:01:00:10");
  CHECK(a1.mtu == lab::kTenantMtu);  // host_mtu reached the guest's virtio driver

  const auto expected = statuses(plain.result), measured = statuses(vm.result);
  REQUIRE(expected.size() == measured.size());
  int passed = 0;
  for (const auto& [key, status] : expected) {
    CAPTURE(key);
    REQUIRE(measured.count(key));
    if (key.starts_with("north-south-in ")) {
      // The one difference: a guest powers off after its report, so nobody answers the
      // external host's echoes; SKIP says so (docs/lab.md, lab --vm).
      CHECK(status == "PASS");
      CHECK(measured.at(key) == "SKIP");
      continue;
    }
    CHECK(measured.at(key) == status);
    passed += status == "PASS";
  }
  CHECK(passed > static_cast<int>(expected.size()) / 2);  // the comparison is about measured verdicts
  std::cout << "lab --vm slaac: " << passed << " PASS of " << expected.size()
            << " verdicts, equal to the namespace lab\n";

  require_nothing_left(plain, "tapa1");
  require_nothing_left(vm, "tapa1");
}

TEST_CASE("lab --vm: a guest that never reports makes its verdicts ERROR, never PASS", "[vm][lab-vm]") {
  REQUIRE_FALSE(lab::missing_guest_tools());
  test::TempDir dir("lvbad");
  // The real kernel with a truncated initramfs: it panics before init, so no frame is written.
  const auto broken = dir.path / "image";
  fs::create_directories(broken);
  for (const char* f : {"vmlinuz", "manifest.json"}) fs::copy_file(image().dir / f, broken / f);
  std::ofstream(broken / "initrd.img") << read_file(image().dir / "initrd.img").substr(0, 1000);

  auto vm = run_lab(dir, "vm", {"--vm", "--vm-image", broken.string()});
  CHECK(vm.status != 0);
  CHECK(read_file(dir.path / "vm" / "a1.error").find("no V6C-BEGIN for run a1") != std::string::npos);
  int errors = 0;
  for (const auto& v : vm.result.at("verdicts")) {
    const auto status = v.at("status").get<std::string>();
    CAPTURE(v.at("id"), status);
    if (v.at("section") == "security") continue;  // the victim and the attacker are namespaces
    CHECK(status != "PASS");
    errors += status == "ERROR";
  }
  CHECK(errors >= 10);
  require_nothing_left(vm, "tapa1");
}
