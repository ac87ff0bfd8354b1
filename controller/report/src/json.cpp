#include <fstream>
#include <ostream>
#include <stdexcept>

#include "v6c/report/report.hpp"

namespace v6c::report {

// Bytes from the wire that are not UTF-8 become U+FFFD: JSON holds only text.
void render_json(const Result& r, std::ostream& out) {
  out << nlohmann::json(r).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

Result load_result(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error(file.string() + ": cannot read the file");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error(file.string() + ": not JSON: " + e.what());
  }
  try {
    auto r = j.get<Result>();
    // The file names its pcaps from its own directory; from here they are under it.
    for (auto& v : r.verdicts)
      for (auto& e : v.evidence)
        if (!e.pcap.empty() && std::filesystem::path(e.pcap).is_relative())
          e.pcap = (file.parent_path() / e.pcap).lexically_normal().string();
    return r;
  } catch (const std::exception& e) {
    throw std::runtime_error(file.string() + ": not a v6conform result: " + e.what());
  }
}

}  // namespace v6c::report
