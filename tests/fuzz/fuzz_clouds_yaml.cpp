// libFuzzer: any text as clouds.yaml (or as secure.yaml merged over itself). The reader either
// selects a cloud or throws ConfigError naming the file and field; nothing else may escape.
// The input's length picks one of four readings (default or named cloud, with or without
// secure.yaml), so each run parses once: four parses per run held the target to ~800 exec/s.
#include <string>

#include "v6c/cloud/config.hpp"
#include "v6c/cloud/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace v6c::cloud;
  ConfigFile file{"clouds.yaml", std::string(reinterpret_cast<const char*>(data), size)};
  const char* name = size % 2 ? "devcloud" : "";
  std::optional<ConfigFile> secure;
  if (size % 4 >= 2) secure = ConfigFile{"secure.yaml", file.text};
  try {
    (void)select_cloud(file, secure, {}, name);
  } catch (const ConfigError&) {
  }
  return 0;
}
