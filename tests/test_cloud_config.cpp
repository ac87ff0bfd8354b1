// clouds.yaml, secure.yaml and OS_* variables → CloudConfig, as openstacksdk reads them; every
// broken input gives one message naming the file and the field. Pure: no file is read except
// the fixtures and a temp dir of this test's own.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "v6c/cloud/config.hpp"
#include "v6c/cloud/errors.hpp"
#include "../controller/cloud_exit.hpp"

using namespace v6c::cloud;

namespace {

ConfigFile fixture(const std::string& name) {
  const auto path = std::string(V6C_FIXTURES) + "/cloud/config/" + name;
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return {path, s.str()};
}

const auto kClouds = fixture("clouds.yaml");
const auto kSecure = fixture("secure.yaml");

// The message select_cloud throws, or "" when it does not.
std::string config_error(const std::optional<ConfigFile>& clouds, const Environment& env, const std::string& name) {
  try {
    select_cloud(clouds, std::nullopt, env, name);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("clouds.yaml: a named cloud with secure.yaml merged over it", "[cloud-config]") {
  const auto c = select_cloud(kClouds, kSecure, {}, "devcloud");
  CHECK(c.name == "devcloud");
  CHECK(c.auth_type == AuthType::password);
  CHECK(c.auth_url == "http://127.0.0.1:5000/v3");
  CHECK(c.username == "v6c-member");
  CHECK(c.password == "from-secure-yaml");
  CHECK(c.project_name == "v6c");
  CHECK(c.user_domain_name == "Default");
  CHECK(c.project_domain_name == "Default");
  CHECK(c.region_name == "RegionOne");
  CHECK(c.interface == "public");
  CHECK(c.verify);
  CHECK(c.source == kClouds.path + " + " + kSecure.path);
}

TEST_CASE("clouds.yaml: application credential, regions list, internalURL, cacert", "[cloud-config]") {
  const auto c = select_cloud(kClouds, std::nullopt, {}, "appcred");
  CHECK(c.auth_type == AuthType::application_credential);
  CHECK(c.application_credential_id == "21dced0fd20347869b93710d2b98aae0");
  CHECK(c.application_credential_secret == "ZmFrZS1zZWNyZXQ");
  CHECK(c.region_name == "RegionTwo");  // the first of `regions`
  CHECK(c.interface == "internal");
  CHECK(c.cacert == "/etc/ssl/private-ca.pem");
  CHECK(c.user_label() == "application credential 21dced0fd20347869b93710d2b98aae0");
}

TEST_CASE("clouds.yaml: ids instead of names, verify false, default domains", "[cloud-config]") {
  const auto c = select_cloud(kClouds, std::nullopt, {}, "lab-insecure");
  CHECK_FALSE(c.verify);
  CHECK(c.user_id == "5d8e9b4a0b1f4f0c9b2a6c3e7f1d2a4b");
  CHECK(c.project_id == "a1b2c3d4e5f60718293a4b5c6d7e8f90");
  CHECK(c.user_domain_id == "default");
  CHECK(c.user_label() == "user 5d8e9b4a0b1f4f0c9b2a6c3e7f1d2a4b");
}

TEST_CASE("selection: flag over OS_CLOUD over OS_* over the only cloud", "[cloud-config]") {
  const Environment env_vars = {{"OS_AUTH_URL", "https://keystone.example.com/v3"},
                                {"OS_USERNAME", "alice"},
                                {"OS_PASSWORD", "s3cret"},
                                {"OS_PROJECT_NAME", "p"},
                                {"OS_USER_DOMAIN_NAME", "users"},
                                {"OS_PROJECT_DOMAIN_NAME", "projects"},
                                {"OS_INTERFACE", "admin"},
                                {"OS_CACERT", "/tmp/ca.pem"}};
  SECTION("--os-cloud wins over OS_CLOUD and the OS_* cloud") {
    auto env = env_vars;
    env["OS_CLOUD"] = "appcred";
    CHECK(select_cloud(kClouds, kSecure, env, "devcloud").name == "devcloud");
  }
  SECTION("OS_CLOUD wins over the OS_* cloud") {
    auto env = env_vars;
    env["OS_CLOUD"] = "appcred";
    CHECK(select_cloud(kClouds, kSecure, env, "").name == "appcred");
  }
  SECTION("without a name, the OS_* variables are the cloud") {
    const auto c = select_cloud(kClouds, kSecure, env_vars, "");
    CHECK(c.name == "envvars");
    CHECK(c.source == "environment (OS_*)");
    CHECK(c.username == "alice");
    CHECK(c.password == "s3cret");
    CHECK(c.user_domain_name == "users");
    CHECK(c.project_domain_name == "projects");
    CHECK(c.interface == "admin");
    CHECK(c.cacert == "/tmp/ca.pem");
  }
  SECTION("OS_APPLICATION_CREDENTIAL_* make an application-credential cloud; OS_INSECURE turns verify off") {
    const Environment env = {{"OS_AUTH_URL", "https://keystone.example.com/v3"},
                             {"OS_APPLICATION_CREDENTIAL_ID", "ac1"},
                             {"OS_APPLICATION_CREDENTIAL_SECRET", "sec"},
                             {"OS_INSECURE", "true"}};
    const auto c = select_cloud(std::nullopt, std::nullopt, env, "");
    CHECK(c.auth_type == AuthType::application_credential);
    CHECK_FALSE(c.verify);
  }
  SECTION("OS_REGION_NAME picks the region of a named cloud too, and alone is no cloud") {
    const Environment env = {{"OS_REGION_NAME", "RegionOne"}};
    CHECK(select_cloud(kClouds, std::nullopt, env, "appcred").region_name == "RegionOne");
    CHECK(config_error(kClouds, env, "").find("no cloud selected") != std::string::npos);
  }
  SECTION("a file with one cloud needs no name") {
    const ConfigFile one{"/x/clouds.yaml", "clouds:\n  only:\n    auth: {auth_url: http://k/v3, username: u, password: p, project_name: q}\n"};
    CHECK(select_cloud(one, std::nullopt, {}, "").name == "only");
  }
}

TEST_CASE("broken configuration: one message naming the file and the field", "[cloud-config]") {
  struct Case {
    const char* what;
    std::string yaml;
    const char* cloud;
    std::string expected;  // a part of the message
  };
  const std::string file = "/etc/openstack/clouds.yaml";
  const std::vector<Case> cases = {
      {"bad YAML", "clouds:\n  a: [unclosed\n", "a", file + ": invalid YAML at line 3"},
      {"top level a list", "- a\n- b\n", "a", file + ": expected a mapping with a 'clouds' key"},
      {"clouds a list", "clouds: [a, b]\n", "a", file + ": clouds: expected a mapping of cloud names, got a list"},
      {"unknown cloud", "clouds:\n  a: {auth: {auth_url: u}}\n  b: {}\n", "c",
       file + ": cloud 'c' not found (clouds there: a, b)"},
      {"missing auth_url", "clouds:\n  a:\n    auth: {username: u, password: p, project_name: q}\n", "a",
       file + ": clouds.a.auth.auth_url: missing"},
      {"auth a string", "clouds:\n  a:\n    auth: secret\n", "a", file + ": clouds.a.auth: expected a mapping, got a string"},
      {"password a list", "clouds:\n  a:\n    auth: {auth_url: u, username: u, password: [p], project_name: q}\n", "a",
       file + ": clouds.a.auth.password: expected a string, got a list"},
      {"verify not a boolean", "clouds:\n  a:\n    auth: {auth_url: u, username: u, password: p, project_name: q}\n    verify: maybe\n",
       "a", file + ": clouds.a.verify: expected true or false, got 'maybe'"},
      {"unknown interface", "clouds:\n  a:\n    auth: {auth_url: u, username: u, password: p, project_name: q}\n    interface: private\n",
       "a", file + ": clouds.a.interface: 'private' is not one of public, internal, admin"},
      {"no password", "clouds:\n  a:\n    auth: {auth_url: u, username: u, project_name: q}\n", "a",
       file + ": clouds.a.auth.password: missing for password auth"},
      {"unsupported auth_type", "clouds:\n  a:\n    auth_type: token\n    auth: {auth_url: u}\n", "a",
       file + ": clouds.a.auth_type: 'token' is not supported"},
      {"application credential without secret",
       "clouds:\n  a:\n    auth_type: v3applicationcredential\n    auth: {auth_url: u, application_credential_id: i}\n", "a",
       file + ": clouds.a.auth.application_credential_secret: missing"},
      {"regions a mapping", "clouds:\n  a:\n    auth: {auth_url: u, username: u, password: p, project_name: q}\n    regions: {x: 1}\n",
       "a", file + ": clouds.a.regions: expected a list, got a mapping"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    const auto message = config_error(ConfigFile{file, c.yaml}, {}, c.cloud);
    CHECK(message.find(c.expected) != std::string::npos);
    CAPTURE(message);
  }
  SECTION("OS_* variables are named as variables") {
    const auto message = config_error(std::nullopt, {{"OS_USERNAME", "u"}, {"OS_PASSWORD", "p"}}, "");
    CHECK(message == "environment (OS_*): OS_AUTH_URL: missing (Keystone's URL, e.g. https://keystone.example.com:5000/v3)");
  }
  SECTION("a named cloud with no clouds.yaml anywhere") {
    CHECK(config_error(std::nullopt, {}, "devcloud").find("cloud 'devcloud' not found: no clouds.yaml on the search path") == 0);
  }
  SECTION("a bad secure.yaml is named, not clouds.yaml") {
    try {
      select_cloud(kClouds, ConfigFile{"/home/u/.config/openstack/secure.yaml", "clouds: {a: [\n"}, {}, "devcloud");
      FAIL("no error");
    } catch (const ConfigError& e) {
      CHECK(std::string(e.what()).rfind("/home/u/.config/openstack/secure.yaml: invalid YAML", 0) == 0);
      CHECK(v6c::exit_code_for(e) == 2);  // kExitUsage
    }
  }
}

TEST_CASE("search path: ./, ~/.config/openstack, /etc/openstack: OS_CLIENT_CONFIG_FILE first", "[cloud-config]") {
  const Environment env = {{"HOME", "/home/u"}, {"OS_CLIENT_CONFIG_FILE", "/opt/c.yaml"}};
  const auto dirs = config_search_dirs(env, "/work");
  CHECK(dirs == std::vector<std::string>{"/work", "/home/u/.config/openstack", "/etc/openstack"});
  const auto clouds = config_candidates("clouds", dirs, env);
  REQUIRE(clouds.size() == 10);
  CHECK(clouds[0] == "/opt/c.yaml");
  CHECK(clouds[1] == "/work/clouds.yaml");
  CHECK(clouds[2] == "/work/clouds.yml");
  CHECK(clouds[3] == "/work/clouds.json");
  CHECK(clouds.back() == "/etc/openstack/clouds.json");
  CHECK(config_candidates("secure", dirs, env)[0] == "/work/secure.yaml");

  SECTION("load_cloud_config reads the first clouds and secure files it finds") {
    const auto dir = std::filesystem::temp_directory_path() / ("v6c-cloud-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir / "home/.config/openstack");
    struct Remove {
      std::filesystem::path p;
      ~Remove() { std::filesystem::remove_all(p); }
    } remove{dir};
    std::ofstream(dir / "clouds.yml") << kClouds.text;  // the working directory's wins ...
    std::ofstream(dir / "home/.config/openstack/clouds.yaml") << "clouds: {}\n";
    std::ofstream(dir / "home/.config/openstack/secure.yaml") << kSecure.text;  // ... secure comes from the next
    const auto c = load_cloud_config("devcloud", {{"HOME", (dir / "home").string()}}, dir.string());
    CHECK(c.password == "from-secure-yaml");
    CHECK(c.source == (dir / "clouds.yml").string() + " + " + (dir / "home/.config/openstack/secure.yaml").string());
  }
}
