// The agent image in Glance: uploaded once per image build, reused by name and checksum.
// Kernel, ramdisk and root all go up as raw (Nova's format inspection rejects aki/ari/ami),
// the root linked to the other two by kernel_id / ramdisk_id with the manifest's command line.
#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "v6c/cloud/errors.hpp"
#include "v6c/cloud/image.hpp"
#include "v6c/run/run.hpp"

namespace v6c::run {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw cloud::ConfigError("agent image: cannot read " + p.string() + " (build it with scripts/build-agent-image)");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

json manifest_of(const std::string& dir) {
  const auto path = fs::path(dir) / "manifest.json";
  try {
    auto m = json::parse(slurp(path));
    if (m.value("schema", "") != "v6c-agent-image/1") throw cloud::ConfigError(path.string() + ": not a v6c-agent-image/1 manifest");
    return m;
  } catch (const json::exception& e) {
    throw cloud::ConfigError(path.string() + ": " + e.what());
  }
}

std::string digest_hex(const std::string& bytes, const EVP_MD* md) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &n, md, nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < n; ++i) out += {kHex[digest[i] >> 4], kHex[digest[i] & 0xf]};
  return out;
}

// The sha256 scripts/build-agent-image recorded for one of the image's files.
std::string recorded_sha256(const json& manifest, const std::string& dir, const std::string& file) {
  const json::json_pointer at("/files/" + file + "/sha256");
  if (!manifest.contains(at) || !manifest[at].is_string() || manifest[at].get<std::string>().size() != 64)
    throw cloud::ConfigError("agent image: " + dir + "/manifest.json has no sha256 for " + file +
                             " (rebuild it with scripts/build-agent-image --out " + dir + ")");
  return manifest[at].get<std::string>();
}

}  // namespace

std::string md5_hex(const std::string& bytes) { return digest_hex(bytes, EVP_md5()); }

std::vector<ImageFile> agent_image_files(const std::string& image_dir) {
  const auto manifest = manifest_of(image_dir);
  // One build, one name: the initrd's sha256 (it holds the agent) names all three parts.
  const std::string base = "v6c-agent-" + recorded_sha256(manifest, image_dir, "initrd.img").substr(0, 12);
  std::vector<ImageFile> files = {{"kernel", "vmlinuz", base + "-kernel", ""},
                                  {"ramdisk", "initrd.img", base + "-ramdisk", ""},
                                  {"root", "root.raw", base, ""}};
  for (auto& f : files) {
    const auto recorded = recorded_sha256(manifest, image_dir, f.path);
    f.path = (fs::path(image_dir) / f.path).string();
    const auto bytes = slurp(f.path);
    // A file truncated or replaced after the build would otherwise go up to Glance and show
    // only as agent VMs that never report, after the boot timeout.
    if (const auto actual = digest_hex(bytes, EVP_sha256()); actual != recorded)
      throw cloud::ConfigError("agent image: " + f.path + " does not match manifest.json (sha256 " + actual.substr(0, 12) +
                               "…, the build recorded " + recorded.substr(0, 12) +
                               "…): rebuild it with scripts/build-agent-image --out " + image_dir);
    f.md5 = md5_hex(bytes);
  }
  return files;
}

std::string ensure_agent_image(cloud::Session& s, const Options& o) {
  cloud::ImagesClient images(s);
  if (!o.image.empty()) {
    for (const auto& i : images.list_images({{"name", o.image}}))
      if (i.value("status", "") == "active") return i.value("id", std::string());
    try {
      return images.show_image(o.image).value("id", std::string());
    } catch (const cloud::NotFound&) {
      throw cloud::NotFound("--image " + o.image + ": no active image with that name or id");
    }
  }
  const auto files = agent_image_files(o.image_dir);
  const auto manifest = manifest_of(o.image_dir);
  // Each part already in Glance under its name with the file's checksum is kept; the root
  // only when it links to exactly those kernel and ramdisk images.
  std::map<std::string, std::string> ids;
  for (const auto& f : files) {
    for (const auto& i : images.find_images(f.name, f.md5)) {
      if (i.value("status", "") != "active") continue;
      const auto id = i.value("id", std::string());
      if (f.role != "root") {
        ids[f.role] = id;
        break;
      }
      const auto root = images.show_image(id);
      if (ids.count("kernel") && ids.count("ramdisk") && root.value("kernel_id", "") == ids["kernel"] &&
          root.value("ramdisk_id", "") == ids["ramdisk"]) {
        o.progress("agent image " + f.name + " already in Glance (" + id + ")");
        return id;
      }
    }
  }
  // Upload what is missing; a part that fails half-way is deleted again, completed ones stay for reuse.
  for (const auto& f : files) {
    if (ids.count(f.role)) continue;
    json attrs = {{"name", f.name}, {"disk_format", "raw"}, {"container_format", "bare"}, {"visibility", "private"}};
    if (f.role == "root") {
      attrs["kernel_id"] = ids["kernel"];
      attrs["ramdisk_id"] = ids["ramdisk"];
      attrs["os_command_line"] = manifest.value("cmdline", std::string("console=ttyS0"));
    }
    o.progress("uploading " + f.name + " to Glance");
    const auto created = images.create_image(attrs);
    const auto id = created.value("id", std::string());
    try {
      images.upload_image(id, slurp(f.path));
      const auto shown = images.show_image(id);
      if (shown.value("checksum", "") != f.md5)
        throw cloud::BadResponse("Glance stored " + f.name + " with checksum " + shown.value("checksum", std::string("?")) +
                                 ", the file has " + f.md5);
    } catch (...) {
      try {
        images.delete_image(id);
      } catch (const cloud::CloudError&) {
      }
      throw;
    }
    ids[f.role] = id;
  }
  return ids["root"];
}

std::string choose_flavor(const std::vector<json>& flavors, const std::string& name, int min_ram_mb, int min_disk_gb) {
  if (!name.empty()) {
    for (const auto& f : flavors)
      if (f.value("name", "") == name || f.value("id", "") == name) return f.value("id", std::string());
    throw cloud::NotFound("--flavor " + name + ": no such flavor");
  }
  const json* best = nullptr;
  auto key = [](const json& f) { return std::tuple(f.value("ram", 0), f.value("vcpus", 0), f.value("disk", 0)); };
  for (const auto& f : flavors) {
    if (f.value("ram", 0) < min_ram_mb || f.value("disk", 0) < min_disk_gb) continue;
    if (!best || key(f) < key(*best)) best = &f;
  }
  if (!best)
    throw cloud::NotFound("no flavor with at least " + std::to_string(min_ram_mb) + " MB RAM and " +
                          std::to_string(min_disk_gb) + " GB disk; name one with --flavor");
  return best->value("id", std::string());
}

}  // namespace v6c::run
