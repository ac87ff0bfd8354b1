#include "v6c/cloud/config.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "v6c/cloud/errors.hpp"

extern char** environ;

namespace v6c::cloud {
namespace {

using nlohmann::json;

const std::string kEnvCloudName = "envvars";  // openstacksdk's name for the OS_* cloud
const std::string kEnvSource = "environment (OS_*)";
const std::string kDefaultDomainId = "default";  // Keystone's bootstrap domain
// Variables that choose among clouds or files but do not describe one (openstacksdk loader.py).
const std::set<std::string> kSelectors = {"OS_CLOUD", "OS_REGION_NAME", "OS_CLIENT_CONFIG_FILE",
                                          "OS_CLIENT_SECURE_FILE", "OS_CLOUD_NAME"};
// Test-harness variables openstacksdk ignores as well.
const std::vector<std::string> kIgnoredPrefixes = {"OS_TEST", "OS_STD", "OS_LOG"};
const std::vector<std::string> kInterfaces = {"public", "internal", "admin"};
const std::vector<std::string> kSuffixes = {".yaml", ".yml", ".json"};

// YAML (and JSON, a subset of it) into JSON with every scalar as a string: the field readers
// below decide what a scalar must be, so the message can say which field was wrong.
json to_json(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      json j = json::object();
      for (const auto& kv : n) j[kv.first.as<std::string>()] = to_json(kv.second);
      return j;
    }
    case YAML::NodeType::Sequence: {
      json j = json::array();
      for (const auto& item : n) j.push_back(to_json(item));
      return j;
    }
    case YAML::NodeType::Scalar: return n.Scalar();
    default: return nullptr;
  }
}

json parse_document(const ConfigFile& f) {
  json j;
  try {
    j = to_json(YAML::Load(f.text));  // to_json throws too: a key that is a list or a mapping (fuzz_clouds_yaml)
  } catch (const YAML::Exception& e) {
    throw ConfigError(f.path + ": invalid YAML at line " + std::to_string(e.mark.line + 1) + ", column " +
                      std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  if (j.is_null()) return json::object();
  if (!j.is_object()) throw ConfigError(f.path + ": expected a mapping with a 'clouds' key at the top");
  return j;
}

const char* type_name(const json& j) {
  if (j.is_object()) return "a mapping";
  if (j.is_array()) return "a list";
  if (j.is_null()) return "nothing";
  return "a string";
}

// Secure values override, mappings merge (openstacksdk _util.merge_clouds).
void merge_into(json& base, const json& over) {
  for (const auto& [k, v] : over.items()) {
    if (v.is_object() && base.contains(k) && base[k].is_object())
      merge_into(base[k], v);
    else
      base[k] = v;
  }
}

// One cloud's entry with where it came from, so every message can name file and field.
class Entry {
 public:
  // path: "clouds.<name>" in a file; empty for the OS_* cloud, whose fields are variables.
  Entry(json j, std::string source, std::string path) : j_(std::move(j)), source_(std::move(source)), path_(std::move(path)) {
    if (!j_.is_object()) fail(path_, std::string("expected a mapping, got ") + type_name(j_));
    if (j_.contains("auth") && !j_["auth"].is_object())
      fail(path_ + ".auth", std::string("expected a mapping, got ") + type_name(j_["auth"]));
  }
  // How a person finds the field: clouds.x.auth.password, or OS_PASSWORD.
  std::string field(const std::string& key, bool in_auth = false) const {
    if (path_.empty()) {
      std::string var = "OS_" + key;
      std::transform(var.begin(), var.end(), var.begin(), [](unsigned char c) { return std::toupper(c); });
      return var;
    }
    const bool under_auth = in_auth && (j_.contains("auth") || !j_.contains(key));
    return path_ + (under_auth ? ".auth." : ".") + key;
  }
  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw ConfigError(source_ + ": " + where + ": " + what);
  }
  // A string field, looked up under auth first, then at the cloud's top level (openstacksdk
  // accepts both; the OS_* cloud has everything at the top).
  std::string text(const std::string& key, bool in_auth = false) const {
    const bool from_auth = in_auth && j_.contains("auth") && j_["auth"].contains(key);
    const json* v = from_auth ? &j_["auth"][key] : j_.contains(key) ? &j_[key] : nullptr;
    if (!v || v->is_null()) return {};
    if (!v->is_string()) fail(from_auth ? path_ + ".auth." + key : field(key), std::string("expected a string, got ") + type_name(*v));
    return v->get<std::string>();
  }
  std::optional<bool> flag(const std::string& key) const {
    const auto s = text(key);
    if (s.empty()) return std::nullopt;
    std::string l;
    for (char c : s) l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (l == "true" || l == "yes" || l == "on" || l == "1") return true;
    if (l == "false" || l == "no" || l == "off" || l == "0") return false;
    fail(field(key), "expected true or false, got '" + s + "'");
  }
  const json& raw() const { return j_; }
  const std::string& source() const { return source_; }

 private:
  json j_;
  std::string source_, path_;
};

std::string first_region(const Entry& e) {
  if (const auto r = e.text("region_name"); !r.empty()) return r;
  if (!e.raw().contains("regions")) return {};
  const auto& regions = e.raw()["regions"];
  const auto field = e.field("regions");
  if (!regions.is_array()) e.fail(field, std::string("expected a list, got ") + type_name(regions));
  if (regions.empty()) return {};
  const auto& r = regions.front();  // a name, or {name: ..., values: ...}
  if (r.is_string()) return r.get<std::string>();
  if (r.is_object() && r.contains("name") && r["name"].is_string()) return r["name"].get<std::string>();
  e.fail(field + "[0]", "expected a region name or a mapping with 'name'");
}

CloudConfig to_config(const Entry& e, const std::string& name) {
  CloudConfig c;
  c.name = name;
  c.source = e.source();
  for (auto [field, key] : std::initializer_list<std::pair<std::string*, const char*>>{
           {&c.auth_url, "auth_url"},
           {&c.username, "username"},
           {&c.user_id, "user_id"},
           {&c.password, "password"},
           {&c.user_domain_name, "user_domain_name"},
           {&c.user_domain_id, "user_domain_id"},
           {&c.project_name, "project_name"},
           {&c.project_id, "project_id"},
           {&c.project_domain_name, "project_domain_name"},
           {&c.project_domain_id, "project_domain_id"},
           {&c.application_credential_id, "application_credential_id"},
           {&c.application_credential_name, "application_credential_name"},
           {&c.application_credential_secret, "application_credential_secret"}})
    *field = e.text(key, true);
  if (c.project_name.empty()) c.project_name = e.text("tenant_name", true);  // Keystone v2's word
  if (c.project_id.empty()) c.project_id = e.text("tenant_id", true);

  if (c.auth_url.empty()) e.fail(e.field("auth_url", true), "missing (Keystone's URL, e.g. https://keystone.example.com:5000/v3)");

  const auto auth_type = e.text("auth_type");
  if (auth_type == "v3applicationcredential" || auth_type == "application_credential" ||
      (auth_type.empty() && !c.application_credential_secret.empty())) {
    c.auth_type = AuthType::application_credential;
    if (c.application_credential_secret.empty())
      e.fail(e.field("application_credential_secret", true), "missing for application-credential auth");
    if (c.application_credential_id.empty() && c.application_credential_name.empty())
      e.fail(e.field("application_credential_id", true), "missing (or application_credential_name with username)");
  } else if (auth_type.empty() || auth_type == "password" || auth_type == "v3password") {
    c.auth_type = AuthType::password;
    if (c.username.empty() && c.user_id.empty()) e.fail(e.field("username", true), "missing for password auth");
    if (c.password.empty()) e.fail(e.field("password", true), "missing for password auth (put it in secure.yaml or OS_PASSWORD)");
    if (c.project_name.empty() && c.project_id.empty())
      e.fail(e.field("project_name", true), "missing: v6conform needs a project-scoped token");
  } else {
    e.fail(e.field("auth_type"), "'" + auth_type + "' is not supported (password, v3applicationcredential)");
  }
  // Names without a domain live in the default domain, as in the openstack CLI's examples.
  if (c.user_domain_name.empty() && c.user_domain_id.empty()) c.user_domain_id = kDefaultDomainId;
  if (c.project_domain_name.empty() && c.project_domain_id.empty()) c.project_domain_id = kDefaultDomainId;

  c.region_name = first_region(e);
  if (const auto i = e.text("interface"); !i.empty()) {
    // Keystone v2 catalogs said publicURL; openstacksdk accepts both spellings.
    c.interface = i.size() > 3 && i.substr(i.size() - 3) == "URL" ? i.substr(0, i.size() - 3) : i;
    if (std::find(kInterfaces.begin(), kInterfaces.end(), c.interface) == kInterfaces.end())
      e.fail(e.field("interface"), "'" + i + "' is not one of public, internal, admin");
  }
  c.cacert = e.text("cacert");
  if (auto verify = e.flag("verify")) c.verify = *verify;
  if (auto insecure = e.flag("insecure"); insecure && *insecure) c.verify = false;
  return c;
}

bool describes_a_cloud(const std::string& var) {
  if (var.rfind("OS_", 0) != 0 || kSelectors.count(var)) return false;
  return std::none_of(kIgnoredPrefixes.begin(), kIgnoredPrefixes.end(),
                      [&](const std::string& p) { return var.rfind(p, 0) == 0; });
}

// OS_AUTH_URL → auth_url, as openstacksdk turns variables into a cloud named "envvars".
std::optional<json> env_cloud(const Environment& env) {
  json j = json::object();
  for (const auto& [k, v] : env) {
    if (!describes_a_cloud(k)) continue;
    std::string key = k.substr(3);
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    j[key] = v;
  }
  if (j.empty()) return std::nullopt;
  return j;
}

std::string env_or(const Environment& env, const std::string& key, const std::string& fallback = {}) {
  auto it = env.find(key);
  return it == env.end() || it->second.empty() ? fallback : it->second;
}

std::string cloud_names(const json& clouds) {
  std::string s;
  for (const auto& [k, v] : clouds.items()) s += (s.empty() ? "" : ", ") + k;
  return s.empty() ? "none" : s;
}

std::optional<ConfigFile> read_first(const std::vector<std::string>& candidates) {
  for (const auto& path : candidates) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) continue;
    std::ifstream in(path);
    if (!in) throw ConfigError(path + ": cannot be read");
    std::ostringstream text;
    text << in.rdbuf();
    return ConfigFile{path, text.str()};
  }
  return std::nullopt;
}

}  // namespace

std::string CloudConfig::user_label() const {
  if (auth_type == AuthType::application_credential)
    return "application credential " + (application_credential_id.empty() ? application_credential_name : application_credential_id);
  return "user " + (username.empty() ? user_id : username);
}

Environment current_environment() {
  Environment env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv = *e;
    const auto eq = kv.find('=');
    if (eq == std::string::npos) continue;
    auto key = kv.substr(0, eq);
    if (key.rfind("OS_", 0) == 0 || key == "HOME" || key == "XDG_CONFIG_HOME") env[key] = kv.substr(eq + 1);
  }
  return env;
}

std::vector<std::string> config_search_dirs(const Environment& env, const std::string& cwd) {
  std::vector<std::string> dirs{cwd};
  if (auto xdg = env_or(env, "XDG_CONFIG_HOME"); !xdg.empty())
    dirs.push_back(xdg + "/openstack");
  if (auto home = env_or(env, "HOME"); !home.empty()) {
    auto d = home + "/.config/openstack";
    if (std::find(dirs.begin(), dirs.end(), d) == dirs.end()) dirs.push_back(d);
  }
  dirs.push_back("/etc/openstack");
  return dirs;
}

std::vector<std::string> config_candidates(const std::string& base, const std::vector<std::string>& dirs,
                                           const Environment& env) {
  std::vector<std::string> files;
  if (auto o = env_or(env, base == "secure" ? "OS_CLIENT_SECURE_FILE" : "OS_CLIENT_CONFIG_FILE"); !o.empty())
    files.push_back(o);
  for (const auto& d : dirs)
    for (const auto& s : kSuffixes) files.push_back(d + "/" + base + s);
  return files;
}

CloudConfig select_cloud(const std::optional<ConfigFile>& clouds_file, const std::optional<ConfigFile>& secure_file,
                         const Environment& env, const std::string& os_cloud) {
  json clouds = json::object();
  std::string source;
  if (clouds_file) {
    auto doc = parse_document(*clouds_file);
    source = clouds_file->path;
    if (doc.contains("clouds")) {
      clouds = doc["clouds"];
      if (!clouds.is_object()) throw ConfigError(source + ": clouds: expected a mapping of cloud names, got " + type_name(clouds));
    }
  }
  if (secure_file) {
    auto doc = parse_document(*secure_file);
    if (doc.contains("clouds")) {
      if (!doc["clouds"].is_object()) throw ConfigError(secure_file->path + ": clouds: expected a mapping of cloud names");
      merge_into(clouds, doc["clouds"]);
      source += (source.empty() ? "" : " + ") + secure_file->path;
    }
  }

  const auto env_entry = env_cloud(env);
  std::string name = os_cloud.empty() ? env_or(env, "OS_CLOUD") : os_cloud;
  std::optional<CloudConfig> c;
  if (!name.empty()) {
    if (!clouds.contains(name)) {
      if (source.empty())
        throw ConfigError("cloud '" + name + "' not found: no clouds.yaml on the search path (./, ~/.config/openstack/, /etc/openstack/)");
      throw ConfigError(source + ": cloud '" + name + "' not found (clouds there: " + cloud_names(clouds) + ")");
    }
    c = to_config(Entry(clouds[name], source, "clouds." + name), name);
  } else if (env_entry) {
    c = to_config(Entry(*env_entry, kEnvSource, ""), kEnvCloudName);
  } else if (clouds.size() == 1) {
    name = clouds.begin().key();
    c = to_config(Entry(clouds[name], source, "clouds." + name), name);
  } else {
    throw ConfigError("no cloud selected: pass --os-cloud NAME or set OS_CLOUD (clouds in " +
                      (source.empty() ? std::string("no clouds.yaml") : source) + ": " + cloud_names(clouds) +
                      "), or set OS_AUTH_URL and the other OS_* variables");
  }
  if (auto region = env_or(env, "OS_REGION_NAME"); !region.empty()) c->region_name = region;
  return *c;
}

CloudConfig load_cloud_config(const std::string& os_cloud, const Environment& env, const std::string& cwd) {
  const auto dirs = config_search_dirs(env, cwd);
  return select_cloud(read_first(config_candidates("clouds", dirs, env)),
                      read_first(config_candidates("secure", dirs, env)), env, os_cloud);
}

}  // namespace v6c::cloud
