// libFuzzer: any text as an agent report. The controller reads these from VMs' consoles, so
// they are untrusted: parsing either succeeds or throws a json/argument error, nothing else.
#include <stdexcept>
#include <string_view>

#include "v6c/wire/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto j = nlohmann::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), nullptr, false);
  if (j.is_discarded()) return 0;
  try {
    auto report = j.get<v6c::wire::AgentReport>();
    nlohmann::json again = report;
    (void)again.dump();
  } catch (const nlohmann::json::exception&) {
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
