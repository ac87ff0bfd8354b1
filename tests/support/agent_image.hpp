// The agent image (docs/image.md) for the [vm] tests: V6C_IMAGE_DIR when set, else one built
// now from this build's v6agent with scripts/build-agent-image (removed with the object).
#pragma once
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "netlab.hpp"

namespace v6c::test {

struct AgentImageDir {
  static constexpr auto kBuildTimeout = std::chrono::seconds(600);  // apt-get download of the kernel on a cold cache
  std::unique_ptr<TempDir> built;
  std::filesystem::path dir;
  AgentImageDir() {
    if (const char* given = std::getenv("V6C_IMAGE_DIR"); given && *given) {
      dir = given;
      return;
    }
    REQUIRE(std::filesystem::exists(V6C_IMAGE_AGENT_BIN));  // build the v6agent target first
    built = std::make_unique<TempDir>("img");
    dir = built->path;
    host::must({std::string(V6C_SOURCE_DIR) + "/scripts/build-agent-image", "--agent", V6C_IMAGE_AGENT_BIN, "--out", dir.string()}, "",
               kBuildTimeout);
  }
};

}  // namespace v6c::test
