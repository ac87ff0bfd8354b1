// The catalogue as the SCS harness sees it: testcase ids, what requesting one runs, and the
// spec file (docs/scs/v6conform-iaas.yaml) with the script it names, checked by the rules the
// harness applies (Tests/scs_cert_lib.py in SovereignCloudStack/standards: known keywords,
// modules' targets naming testcases of the scripts, versions naming modules).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include <yaml-cpp/yaml.h>

#include "v6c/catalog/catalog.hpp"
#include "v6c/host/host.hpp"

using namespace v6c;
namespace fs = std::filesystem;

namespace {

const fs::path kSpecDir = fs::path(V6C_SOURCE_DIR) / "docs" / "scs";

// Every key of `node` is one the harness knows for that part of the spec.
void only_keys(const YAML::Node& node, const std::set<std::string>& known, const std::string& part) {
  REQUIRE(node.IsMap());
  for (const auto& kv : node) {
    CAPTURE(part);
    CHECK(known.contains(kv.first.as<std::string>()));
  }
}

std::set<std::string> strings(const YAML::Node& list) {
  std::set<std::string> out;
  for (const auto& item : list) out.insert(item.IsMap() ? item["id"].as<std::string>() : item.as<std::string>());
  return out;
}

}  // namespace

TEST_CASE("requesting SCS testcases switches on their requirements, and what they need", "[catalog]") {
  auto c = catalog::load_catalog(catalog::default_catalog_path());
  SECTION("the API's testcases: nothing of the security or slow sections") {
    auto unknown = catalog::select_scs_testcases(c, {"scs-0126-rbac-restricted", "scs-0126-default-subnetpool"});
    CHECK(unknown.empty());
    CHECK(c.find("api-rbac-restricted")->enabled);
    CHECK(c.find("api-default-subnetpool")->enabled);
    CHECK_FALSE(c.find("ra-answered")->enabled);
    CHECK(c.find("ra-answered")->off_reason == "not among the requested SCS testcases");
    CHECK_FALSE(catalog::section_enabled(c, catalog::Section::security));
    CHECK_FALSE(catalog::section_enabled(c, catalog::Section::slow));
    CHECK_FALSE(catalog::section_enabled(c, catalog::Section::ra));
  }
  SECTION("a security testcase needs the attacker and victim, ra-periodic the slow section") {
    catalog::select_scs_testcases(c, {"scs-xxxx-v6-sec-ra-guard", "scs-xxxx-v6-ra-periodic"});
    CHECK(catalog::section_enabled(c, catalog::Section::security));
    CHECK(catalog::section_enabled(c, catalog::Section::slow));
    CHECK_FALSE(catalog::section_enabled(c, catalog::Section::api));
  }
  SECTION("ids the catalogue does not have are returned, the others still run") {
    auto unknown = catalog::select_scs_testcases(c, {"scs-xxxx-v6-ra-answered", "scs-9999-nothing"});
    CHECK(unknown == std::vector<std::string>{"scs-9999-nothing"});
    CHECK(c.find("ra-answered")->enabled);
  }
  SECTION("rows that share one testcase id all run for it") {
    for (auto& r : c.requirements)
      if (r.id == "gw-nd" || r.id == "gw-echo") r.scs = "draft:gateway";
    catalog::select_scs_testcases(c, {"scs-xxxx-v6-gateway"});
    CHECK(c.find("gw-nd")->enabled);
    CHECK(c.find("gw-echo")->enabled);
    CHECK_FALSE(c.find("ra-answered")->enabled);
  }
}

TEST_CASE("the shipped catalogue's SCS ids: numbered, or the draft's documented placeholder", "[catalog]") {
  const auto c = catalog::load_catalog(catalog::default_catalog_path());
  CHECK(c.scs_draft_prefix == "scs-xxxx-v6-");
  for (const auto& r : c.requirements) {
    const auto id = c.scs_id(r);
    CAPTURE(r.id, id);
    REQUIRE_FALSE(id.empty());  // every requirement is an SCS testcase
    CHECK((id.starts_with(c.scs_draft_prefix) || std::regex_match(id, std::regex("scs-[0-9]{4}-[a-z0-9-]+"))));
  }
}

TEST_CASE("every catalogue row cites a real source or says it is a proposal", "[catalog]") {
  const std::regex cited("(RFC [0-9]+|BCP [0-9]+|scs-01[0-9]{2}|Neutron networking guide|proposal)");
  for (const auto& r : catalog::load_catalog(catalog::default_catalog_path()).requirements) {
    CAPTURE(r.id, r.source);
    CHECK(std::regex_search(r.source, cited));
  }
}

TEST_CASE("the SCS spec file: what the harness accepts, in step with the catalogue", "[catalog]") {
  const auto spec = YAML::LoadFile((kSpecDir / "v6conform-iaas.yaml").string());
  only_keys(spec, {"uuid", "name", "url", "versions", "prerequisite", "variables", "scripts", "modules", "timeline"},
            "spec");
  CHECK(strings(spec["variables"]).contains("os_cloud"));

  // One script: the wrapper beside the spec, with the harness's argument template.
  REQUIRE(spec["scripts"].size() == 1);
  const auto script = spec["scripts"][0];
  only_keys(script, {"executable", "env", "args", "testcases"}, "scripts");
  CHECK(script["args"].as<std::string>() == "-c {os_cloud} {testcases}");
  const auto executable = kSpecDir / script["executable"].as<std::string>();
  CHECK(::access(executable.c_str(), X_OK) == 0);
  for (const auto& tc : script["testcases"]) {
    only_keys(tc, {"lifetime", "section", "id", "description", "url"}, "testcases");
    CHECK_FALSE(tc["description"].as<std::string>().empty());
  }
  const auto testcases = strings(script["testcases"]);
  CHECK(testcases.size() == script["testcases"].size());  // no id twice

  // Exactly the catalogue's testcases; MUST ones in a module's main target, the rest recommended.
  const auto c = catalog::load_catalog(catalog::default_catalog_path());
  std::map<std::string, std::string> want_target;
  for (const auto& r : c.requirements) {
    auto& target = want_target[c.scs_id(r)];
    if (r.level == catalog::Level::must || target.empty()) target = r.level == catalog::Level::must ? "main" : "recommended";
  }
  std::set<std::string> catalogued;
  for (const auto& [id, target] : want_target) catalogued.insert(id);
  CHECK(testcases == catalogued);
  std::map<std::string, std::string> target_of;
  std::set<std::string> modules;
  for (const auto& m : spec["modules"]) {
    only_keys(m, {"id", "targets", "url", "name", "parameters"}, "modules");
    modules.insert(m["id"].as<std::string>());
    for (const auto& t : m["targets"])
      for (const auto& id : t.second) {
        CAPTURE(id.as<std::string>());
        CHECK(testcases.contains(id.as<std::string>()));
        CHECK(target_of.emplace(id.as<std::string>(), t.first.as<std::string>()).second);  // one target each
      }
  }
  CHECK(target_of == want_target);

  std::set<std::string> versions;
  for (const auto& v : spec["versions"]) {
    only_keys(v, {"version", "include", "targets", "stabilized_at"}, "versions");
    versions.insert(v["version"].as<std::string>());
    for (const auto& inc : v["include"]) CHECK(modules.contains(inc.as<std::string>()));
  }
  REQUIRE(spec["timeline"].size() > 0);
  for (const auto& entry : spec["timeline"])
    for (const auto& v : entry["versions"]) CHECK(versions.contains(v.first.as<std::string>()));
}

TEST_CASE("the spec's script runs `v6conform scs` with the harness's arguments", "[catalog]") {
  REQUIRE(std::string(V6C_CONTROLLER_BIN) != "");  // v6conform is part of every build that runs this
  auto r = host::run({"env", "-C", kSpecDir.string(), std::string("V6CONFORM=") + V6C_CONTROLLER_BIN,
                      "./v6conform-scs", "--help"});
  CAPTURE(r.out, r.err);
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("SCS harness entry") && Catch::Contains("--os-cloud"));
}
