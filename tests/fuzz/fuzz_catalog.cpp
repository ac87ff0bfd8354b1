// libFuzzer: any text as a catalogue file. The loader either returns a catalogue or throws
// CatalogError with a message; nothing else may escape.
#include <string>

#include "v6c/catalog/catalog.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    (void)v6c::catalog::parse_catalog(std::string(reinterpret_cast<const char*>(data), size), "fuzz.yaml");
  } catch (const v6c::catalog::CatalogError&) {
  }
  return 0;
}
