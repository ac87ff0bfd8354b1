// The catalogue loader: the shipped catalogue loads, a user's copy can change a level, a
// threshold or switch a requirement off, and every malformed catalogue gives one message
// naming file, line and field.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "v6c/catalog/catalog.hpp"
#include "v6c/catalog/checks.hpp"

using namespace v6c::catalog;

namespace {

// Line numbers below refer to this text (line 1 is "schema: ...").
const std::string kValid =
    "schema: v6conform-catalog/1\n"          // 1
    "version: \"0.1\"\n"                     // 2
    "requirements:\n"                        // 3
    "  - id: ra-answered\n"                  // 4
    "    level: MUST\n"                      // 5
    "    source: RFC 4861 §6.2.6\n"          // 6
    "    text: an RS is answered\n"          // 7
    "    section: ra\n"                      // 8
    "    check: ra_answered\n"               // 9
    "    params: {bound_ms: 2000}\n"         // 10
    "    scs: draft\n"                       // 11
    "  - id: ra-mtu\n"                       // 12
    "    level: SHOULD\n"                    // 13
    "    source: RFC 4861 §4.6.4\n"          // 14
    "    text: MTU option\n"                 // 15
    "    section: ra\n"                      // 16
    "    check: ra_mtu\n";                   // 17

std::string replace(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("the shipped catalogue loads and holds the draft v0", "[catalog]") {
  auto c = load_catalog(default_catalog_path());
  CHECK(c.requirements.size() == 39);
  for (const auto* id : {"api-default-subnetpool", "ra-answered", "ra-rdnss", "addr-dad", "dhcp6-transport", "east-west",
                         "north-south-in", "ptb-delivered", "metadata-v6", "sec-ra-guard", "sec-default-sg"}) {
    CAPTURE(id);
    CHECK(c.find(id) != nullptr);
  }
  CHECK(c.find("ra-answered")->params.at("bound_ms") == 2000);
  CHECK(c.find("ra-rdnss")->params.at("lifetime_factor") == 3);
  CHECK(c.find("mtu-1280")->params.at("min_mtu") == 1280);
  CHECK(c.scs_id(*c.find("api-default-subnetpool")) == "scs-0126-default-subnetpool");
  CHECK(c.scs_id(*c.find("ra-answered")) == "scs-xxxx-v6-ra-answered");
  CHECK(c.find("ra-periodic")->section == Section::slow);
  for (const auto& r : c.requirements) {
    CAPTURE(r.id);
    CHECK(r.enabled);
    CHECK(find_check(r.check) != nullptr);
  }
}

TEST_CASE("a user's catalogue changes levels, thresholds and switches", "[catalog]") {
  auto text = replace(kValid, "level: SHOULD", "level: MUST");
  text = replace(text, "bound_ms: 2000", "bound_ms: 500");
  text += "    enabled: false\n";
  text = "scs_draft_prefix: scs-0199-\n" + text;
  auto c = parse_catalog(text, "mine.yaml");
  CHECK(c.find("ra-mtu")->level == Level::must);
  CHECK_FALSE(c.find("ra-mtu")->enabled);
  CHECK(c.find("ra-answered")->params.at("bound_ms") == 500);
  CHECK(c.find("ra-mtu")->params.at("min_mtu") == 1280);  // default filled in
  CHECK(c.scs_id(*c.find("ra-answered")) == "scs-0199-ra-answered");
  // draft:NAME names the testcase apart from the row: two rows may share one.
  auto named = parse_catalog(replace(text, "scs: draft", "scs: draft:router-advertisements"), "mine.yaml");
  CHECK(named.scs_id(*named.find("ra-answered")) == "scs-0199-router-advertisements");
  CHECK(select(c, {}, {}).size() == 1);
  CHECK(select(c, {}, {}, true).size() == 2);
  CHECK(select(c, {Section::ra}, {Level::should}).empty());
}

TEST_CASE("a malformed catalogue gives one error naming file, line and field", "[catalog]") {
  struct Case {
    const char* name;
    std::string text;
    int line;
    std::string field;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"YAML syntax error", replace(kValid, "params: {bound_ms: 2000}", "params: {bound_ms: 2000"), 11, "", "YAML syntax"},
      {"empty file", "", 1, "", "empty"},
      {"not a map", "- a\n- b\n", 1, "", "must be a map"},
      {"requirements not a list", "schema: v6conform-catalog/1\nversion: \"1\"\nrequirements: {a: 1}\n", 3,
       "requirements", "must be a list"},
      {"unknown top-level key", kValid + "extra: 1\n", 18, "extra", "unknown key"},
      {"wrong schema", replace(kValid, "v6conform-catalog/1", "v6conform-catalog/9"), 1, "schema", "is not"},
      {"missing field", replace(kValid, "    text: MTU option\n", ""), 12, "text", "missing"},
      {"bad level", replace(kValid, "level: SHOULD", "level: MUSTY"), 13, "level", "bad level 'MUSTY'"},
      {"duplicate id", replace(kValid, "id: ra-mtu", "id: ra-answered"), 12, "id", "duplicate id"},
      {"unknown check", replace(kValid, "check: ra_mtu", "check: ra_mtv"), 17, "check", "unknown check 'ra_mtv'"},
      {"bad section", replace(kValid, "section: ra\n    check: ra_mtu", "section: radio\n    check: ra_mtu"), 16,
       "section", "unknown section 'radio'"},
      {"wrong type (list for a string)", replace(kValid, "id: ra-mtu", "id: [ra, mtu]"), 12, "id",
       "must be a single value"},
      {"unknown key in a requirement", replace(kValid, "    text: MTU option\n", "    text: MTU option\n    levle: MAY\n"),
       16, "levle", "unknown key"},
      {"parameter unknown for the check", replace(kValid, "bound_ms: 2000", "bound_s: 2"), 10, "params.bound_s",
       "has no such parameter"},
      {"parameter of wrong type", replace(kValid, "bound_ms: 2000", "bound_ms: fast"), 10, "params.bound_ms",
       "must be an integer"},
      {"parameter quoted number", replace(kValid, "bound_ms: 2000", "bound_ms: \"2000\""), 10, "params.bound_ms",
       "must be an integer"},
      {"negative parameter", replace(kValid, "bound_ms: 2000", "bound_ms: -1"), 10, "params.bound_ms", "negative"},
      {"enabled not a boolean", kValid + "    enabled: maybe\n", 18, "enabled", "true or false"},
      {"bad SCS id", replace(kValid, "scs: draft", "scs: iso-9001"), 11, "scs", "not an SCS testcase id"},
      {"SCS id without the standard's number (scs-0003)", replace(kValid, "scs: draft", "scs: scs-ipv6-ra"), 11, "scs",
       "scs-NNNN-name"},
      {"draft testcase without a name", replace(kValid, "scs: draft", "scs: \"draft:\""), 11, "scs",
       "not an SCS testcase id"},
      {"draft prefix not numbered", "scs_draft_prefix: scs-v6-\n" + kValid, 1, "scs_draft_prefix", "scs-NNNN-"},
      {"empty list", "schema: v6conform-catalog/1\nversion: \"1\"\nrequirements: []\n", 3, "requirements", "empty"},
      {"a list as key", kValid + "    ? [a, b]\n    : c\n", 18, "", "plain name"},
      {"duplicate key (the second would be ignored)", kValid + "    level: MAY\n", 18, "level", "duplicate key"},
      {"duplicate parameter", replace(kValid, "bound_ms: 2000", "bound_ms: 2000, bound_ms: 500"), 10, "params.bound_ms",
       "duplicate key"},
      {"threshold below its minimum", replace(kValid, "bound_ms: 2000", "bound_ms: 0"), 10, "params.bound_ms",
       "at least 1"},
      {"no echo reply needed", replace(kValid, "    check: ra_mtu\n", "    check: gw_echo\n    params: {min_replies: 0}\n"),
       18, "params.min_replies", "at least 1"},
      {"factor not a number", replace(kValid, "    check: ra_mtu\n", "    check: ra_rdnss\n    params: {lifetime_factor: .nan}\n"),
       18, "params.lifetime_factor", "finite"},
      {"factor infinite", replace(kValid, "    check: ra_mtu\n", "    check: ra_rdnss\n    params: {lifetime_factor: .inf}\n"),
       18, "params.lifetime_factor", "finite"},
      {"misspelled attack", replace(kValid, "    check: ra_mtu\n",
                                    "    check: attack_blocked\n    params: {attacks: [rogue-ra, rouge-ra-frag]}\n"),
       18, "params.attacks", "unknown value 'rouge-ra-frag'"},
  };
  const std::filesystem::path bin = V6C_CONTROLLER_BIN;
  for (const auto& c : cases) {
    SECTION(c.name) {
      CAPTURE(c.text);
      try {
        parse_catalog(c.text, "bad.yaml");
        FAIL("no error for: " << c.name);
      } catch (const CatalogError& e) {
        const std::string what = e.what();
        CAPTURE(what);
        CHECK(e.file == "bad.yaml");
        CHECK(e.line == c.line);
        CHECK(e.field == c.field);
        CHECK_THAT(what, Catch::StartsWith("bad.yaml:" + std::to_string(c.line) + ": "));
        CHECK_THAT(what, Catch::Contains(c.says));
        if (!c.field.empty()) CHECK_THAT(what, Catch::Contains("field '" + c.field + "'"));
      }
      // The same file through the command line: the same message and the config-error exit code.
      REQUIRE(std::filesystem::exists(bin));
      const auto dir = std::filesystem::temp_directory_path();
      const auto file = dir / ("v6c-cat-table-" + std::to_string(getpid()) + ".yaml");
      const auto out = dir / ("v6c-cat-table-" + std::to_string(getpid()) + ".out");
      std::ofstream(file) << c.text;
      int rc = std::system((bin.string() + " catalog --catalog " + file.string() + " >" + out.string() + " 2>&1").c_str());
      std::ifstream in(out);
      std::string text((std::istreambuf_iterator<char>(in)), {});
      std::filesystem::remove(file);
      std::filesystem::remove(out);
      CAPTURE(text);
      REQUIRE(WIFEXITED(rc));
      CHECK(WEXITSTATUS(rc) == 2);  // kExitUsage
      CHECK_THAT(text, Catch::Contains(file.string() + ":" + std::to_string(c.line) + ": "));
      CHECK_THAT(text, Catch::Contains(c.says));
      if (!c.field.empty()) CHECK_THAT(text, Catch::Contains("field '" + c.field + "'"));
    }
  }
}

TEST_CASE("a catalogue file that cannot be read says so", "[catalog]") {
  CHECK_THROWS_WITH(load_catalog("/nonexistent/v6c-cat.yaml"),
                    Catch::Equals("/nonexistent/v6c-cat.yaml: cannot read the file"));
}
