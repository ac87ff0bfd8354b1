// The canned cloud the client tests talk to through cloud::FakeTransport: the answers in
// fixtures/cloud (a Keystone token whose catalogue names the endpoints below) and a member
// of its project.
#pragma once
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "v6c/cloud/config.hpp"

namespace v6c::test {

inline nlohmann::json cloud_fixture(const std::string& name) {
  std::ifstream in(std::string(V6C_FIXTURES) + "/cloud/" + name);
  return nlohmann::json::parse(in);
}

inline const std::string kCannedNeutron = "https://neutron.example.com:9696/v2.0/";
inline const std::string kCannedNova = "https://nova.example.com:8774/v2.1/";
inline const std::string kCannedGlance = "https://glance.example.com:9292/v2/";

inline cloud::CloudConfig canned_member(const std::string& region = "RegionOne") {
  cloud::CloudConfig c;
  c.name = "fake";
  c.auth_url = "https://keystone.example.com:5000/v3";
  c.username = "u";
  c.password = "p";
  c.project_name = "v6c";
  c.region_name = region;
  return c;
}

}  // namespace v6c::test
