// scripts/build-agent-image: two builds from the same inputs give the same bytes, the manifest
// tells the truth about the files, and the initramfs holds what the init needs, with every
// driver after the drivers it depends on.
#include <catch2/catch.hpp>
#include <algorithm>
#include <fstream>
#include <sstream>

#include "netlab.hpp"
#include "v6c/wire/json.hpp"

using namespace v6c;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr std::uintmax_t kMaxInitrdBytes = 16u << 20;  // initramfs ≤ 16 MB
constexpr auto kImageBuildTimeout = 600s;              // apt-get download of the kernel on a cold cache included
const char* kImageFiles[] = {"vmlinuz", "initrd.img", "root.raw"};

// Load-order facts of Debian's cloud kernel (modules.dep): the module, then modules that must be
// loaded before it. Loading virtio_net before virtio gives "Unknown symbol" and no eth0.
const std::vector<std::pair<std::string, std::vector<std::string>>> kLoadsAfter = {
    {"virtio_net.ko", {"virtio.ko", "virtio_ring.ko", "net_failover.ko", "failover.ko"}},
    {"net_failover.ko", {"failover.ko"}},
    {"virtio_pci.ko", {"virtio.ko", "virtio_ring.ko", "virtio_pci_modern_dev.ko", "virtio_pci_legacy_dev.ko"}},
    {"ata_piix.ko", {"libata.ko", "scsi_mod.ko"}},
    {"sr_mod.ko", {"scsi_mod.ko", "cdrom.ko"}},
    {"isofs.ko", {"cdrom.ko"}},
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

struct Build {
  test::TempDir dir{"img"};
  nlohmann::json manifest;
  Build() {
    host::must({std::string(V6C_SOURCE_DIR) + "/scripts/build-agent-image", "--agent", V6C_IMAGE_AGENT_BIN, "--out", dir.path.string()},
               "", kImageBuildTimeout);
    manifest = nlohmann::json::parse(read_file(dir.path / "manifest.json"));
  }
};

}  // namespace

TEST_CASE("the agent image build is reproducible, and its manifest and contents are right", "[image]") {
  REQUIRE(fs::exists(V6C_IMAGE_AGENT_BIN));  // build the v6agent target first
  Build first, second;

  for (const char* name : kImageFiles) {
    CAPTURE(name);
    auto a = first.dir.path / name, b = second.dir.path / name;
    CHECK(read_file(a) == read_file(b));
    auto sha = host::must({"sha256sum", a.string()}).substr(0, 64);
    CHECK(first.manifest.at("files").at(name).at("sha256") == sha);
    CHECK(first.manifest.at("files").at(name).at("bytes") == fs::file_size(a));
  }
  CHECK(fs::file_size(first.dir.path / "initrd.img") <= kMaxInitrdBytes);

  const auto& m = first.manifest;
  CHECK(m.at("schema") == "v6c-agent-image/1");
  CHECK(m.at("kernel").at("release").get<std::string>().find("cloud-amd64") != std::string::npos);
  CHECK_FALSE(m.at("busybox").at("version").get<std::string>().empty());
  CHECK("v6agent " + m.at("agent").at("version").get<std::string>() + "\n" ==
        host::must({V6C_IMAGE_AGENT_BIN, "--version"}));
  CHECK(m.at("cmdline").get<std::string>().find("console=ttyS0") != std::string::npos);

  auto listing = lines(host::must(
      {"sh", "-c", "zstd -dc '" + (first.dir.path / "initrd.img").string() + "' | cpio -t --quiet"}));
  CHECK(std::is_sorted(listing.begin(), listing.end()));  // the archive order does not depend on the file system
  auto has = [&](const std::string& suffix) {
    return std::any_of(listing.begin(), listing.end(), [&](const std::string& p) {
      return p.size() >= suffix.size() && p.compare(p.size() - suffix.size(), suffix.size(), suffix) == 0;
    });
  };
  for (const char* path : {"init", "bin/busybox", "bin/v6agent", "lib/modules/load-order"}) {
    CAPTURE(path);
    CHECK(std::find(listing.begin(), listing.end(), path) != listing.end());
  }
  // The shared libraries come from the build host: each is an input, named by the Debian package
  // and version it came from, and no library is in the archive without its entry.
  auto installed = [](const std::string& package) { return host::must({"dpkg-query", "-W", "-f=${Version}", package}); };
  std::vector<std::string> listed;
  for (const auto& lib : m.at("agent").at("libraries")) {
    const std::string path = lib.at("path"), package = lib.at("package");
    CAPTURE(path, package);
    listed.push_back(path.substr(1));
    CHECK(std::find(listing.begin(), listing.end(), path.substr(1)) != listing.end());
    CHECK(lib.at("version") == installed(package));
    auto owners = host::run({"dpkg-query", "-S", path}).out + host::run({"dpkg-query", "-S", "/usr" + path}).out;
    CHECK(owners.find(package + ":") != std::string::npos);
  }
  for (const auto& entry : listing) {
    if (entry.find(".so") == std::string::npos || entry.starts_with("lib/modules/")) continue;
    CAPTURE(entry);
    CHECK(std::find(listed.begin(), listed.end(), entry) != listed.end());
  }
  CHECK(listed.size() >= 3);  // libtins, libpcap, libc at least
  std::vector<std::string> tools;
  for (const auto& t : m.at("tools")) {
    tools.push_back(t.at("tool").get<std::string>());
    CHECK(t.at("version") == installed(t.at("package").get<std::string>()));
  }
  CHECK(tools == std::vector<std::string>{"strip", "cpio", "zstd"});

  std::vector<std::string> order = m.at("load_order");
  for (const auto& ko : order) {
    CAPTURE(ko);
    CHECK(has("/" + ko));
  }
  auto position = [&](const std::string& ko) { return std::find(order.begin(), order.end(), ko) - order.begin(); };
  for (const auto& [module, before] : kLoadsAfter) {
    REQUIRE(position(module) < static_cast<long>(order.size()));
    for (const auto& dep : before) {
      CAPTURE(module, dep);
      CHECK(position(dep) < position(module));
    }
  }
}
