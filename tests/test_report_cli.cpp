// `v6conform report RESULT.json`: renders a saved result again, exits as the run did, and
// refuses a file that is not a result with the usage exit code.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "../controller/exit_codes.hpp"
#include "fixtures/observations/world.hpp"
#include "v6c/report/report.hpp"

using namespace v6c::testing;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "v6c-cat-cli-XXXXXX").string();
    REQUIRE(mkdtemp(templ.data()) != nullptr);
    path = templ;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

struct Run {
  int rc;
  std::string out;
};

Run v6conform(const std::string& args, const fs::path& dir) {
  const auto out = dir / "stdout";
  int rc = std::system((std::string(V6C_CONTROLLER_BIN) + " " + args + " >" + out.string() + " 2>&1").c_str());
  std::ifstream in(out);
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, {std::istreambuf_iterator<char>(in), {}}};
}

}  // namespace

TEST_CASE("v6conform report renders a saved result and exits as the run did", "[report]") {
  INFO(V6C_CONTROLLER_BIN << " must be built (the v6conform target)");
  REQUIRE(fs::exists(V6C_CONTROLLER_BIN));
  TempDir dir;
  World w;
  w.ra().other = true;  // a MUST fails
  auto result = evaluate(load_catalog(default_catalog_path()), w.facts, w.observations());
  const auto file = dir.path / "result.json";
  {
    std::ofstream out(file);
    v6c::report::render_json(result, out);
  }

  auto scs = v6conform("report " + file.string() + " --format scs", dir.path);
  CAPTURE(scs.out);
  CHECK(scs.rc == v6c::kExitMustFailed);
  CHECK_THAT(scs.out, Catch::Contains("scs-xxxx-v6-ra-flags: FAIL") && Catch::Contains("scs-xxxx-v6-ra-answered: PASS"));

  auto junit = v6conform("report " + file.string() + " --format junit -o " + (dir.path / "j.xml").string(), dir.path);
  CHECK(junit.rc == v6c::kExitMustFailed);
  CHECK(fs::file_size(dir.path / "j.xml") > 0);

  auto many = v6conform("report " + file.string() + " --format json --format html --output-dir " +
                            (dir.path / "out").string(), dir.path);
  CHECK(many.rc == v6c::kExitMustFailed);
  CHECK(fs::exists(dir.path / "out" / "result.json"));
  CHECK(fs::exists(dir.path / "out" / "report.html"));

  std::ofstream(dir.path / "not-a-result.json") << R"({"schema": "something-else/1"})";
  auto bad = v6conform("report " + (dir.path / "not-a-result.json").string(), dir.path);
  CHECK(bad.rc == v6c::kExitUsage);
  CHECK_THAT(bad.out, Catch::Contains("not a v6conform result") && Catch::Contains("schema"));

  std::ofstream(dir.path / "garbage.json") << "{ nope";
  auto garbage = v6conform("report " + (dir.path / "garbage.json").string(), dir.path);
  CHECK(garbage.rc == v6c::kExitUsage);
  CHECK_THAT(garbage.out, Catch::Contains("not JSON"));

  auto format = v6conform("report " + file.string() + " --format yaml", dir.path);
  CHECK(format.rc == v6c::kExitUsage);
}
