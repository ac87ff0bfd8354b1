// Test support: captured fixtures and the peer tools' output they are checked against.
#pragma once
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "v6c/probe/link.hpp"

namespace v6c::test {

inline std::string fixture_path(const std::string& rel) { return std::string(V6C_FIXTURES) + "/" + rel; }

inline std::vector<wire::Packet> packets(const std::string& rel) { return probe::read_pcap(fixture_path(rel)); }

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every fixture file of a family with the given extension, sorted.
inline std::vector<std::string> fixtures(const std::string& family, const std::string& ext = ".pcap") {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(fixture_path(family)))
    if (e.path().extension() == ext) out.push_back(family + "/" + e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// rdisc6's "Label : value" lines → (label, value) in order; repeated labels keep each value.
inline std::vector<std::pair<std::string, std::string>> rdisc6_fields(const std::string& out) {
  std::vector<std::pair<std::string, std::string>> f;
  std::regex line(R"(^\s*([A-Za-z][A-Za-z .\-]*[A-Za-z.])\s*:\s*(.*?)\s*$)");
  std::istringstream in(out);
  std::string l;
  std::smatch m;
  while (std::getline(in, l))
    if (std::regex_match(l, m, line)) f.emplace_back(m[1], m[2]);
  return f;
}

inline std::string first_word(const std::string& s) { return s.substr(0, s.find(' ')); }

}  // namespace v6c::test
