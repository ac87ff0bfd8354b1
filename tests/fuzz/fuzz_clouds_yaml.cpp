// libFuzzer: any text as clouds.yaml (and as secure.yaml merged over it). The reader either
// selects a cloud or throws ConfigError naming the file and field; nothing else may escape.
#include <string>

#include "v6c/cloud/config.hpp"
#include "v6c/cloud/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace v6c::cloud;
  ConfigFile file{"clouds.yaml", std::string(reinterpret_cast<const char*>(data), size)};
  for (const char* name : {"", "devcloud"}) {
    try {
      (void)select_cloud(file, std::nullopt, {}, name);
    } catch (const ConfigError&) {
    }
    try {
      (void)select_cloud(file, ConfigFile{"secure.yaml", file.text}, {}, name);
    } catch (const ConfigError&) {
    }
  }
  return 0;
}
