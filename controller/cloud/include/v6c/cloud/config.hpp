// Which cloud to talk to and how to log in, read as openstacksdk reads it (docs/cloud.md):
// clouds.yaml from its search path with secure.yaml merged over it, or the OS_* environment
// variables, selected by --os-cloud or OS_CLOUD. Parsing is pure (text in, CloudConfig or one
// ConfigError naming file and field out); only load_cloud_config reads files.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace v6c::cloud {

enum class AuthType { password, application_credential };

struct CloudConfig {
  std::string name;    // the cloud's name in clouds.yaml, or "envvars"
  std::string source;  // the file(s) it came from, or "environment (OS_*)"
  AuthType auth_type = AuthType::password;
  std::string auth_url;  // Keystone, as configured (with or without /v3)
  // password: a user by name (in a domain) or id, scoped to a project by name (in a domain) or id
  std::string username, user_id, password, user_domain_name, user_domain_id;
  std::string project_name, project_id, project_domain_name, project_domain_id;
  // application credential: by id, or by name with the user; always scoped by itself
  std::string application_credential_id, application_credential_name, application_credential_secret;
  std::string region_name;           // empty: the first endpoint of each type, any region
  std::string interface = "public";  // public | internal | admin
  std::string cacert;                // CA bundle for https; empty: the system's
  bool verify = true;                // false: "insecure", no certificate check
  std::string user_label() const;    // the user for messages: name, id, or application credential
};

using Environment = std::map<std::string, std::string>;
Environment current_environment();  // the OS_* variables of this process (and HOME, XDG_CONFIG_HOME)

struct ConfigFile {
  std::string path;
  std::string text;
};

// The directories openstacksdk searches, in order: the working directory,
// $XDG_CONFIG_HOME/openstack (~/.config/openstack), /etc/openstack.
std::vector<std::string> config_search_dirs(const Environment& env, const std::string& cwd);
// Candidate files named `base` (clouds or secure) with .yaml, .yml, .json in each directory;
// OS_CLIENT_CONFIG_FILE (clouds) or OS_CLIENT_SECURE_FILE (secure) first when set.
std::vector<std::string> config_candidates(const std::string& base, const std::vector<std::string>& dirs,
                                           const Environment& env);

// Pure selection: the cloud named by `os_cloud` (the --os-cloud flag), else OS_CLOUD, else the
// OS_* variables, else the only cloud in clouds.yaml. OS_REGION_NAME picks the region in all
// cases. Throws ConfigError with one message naming the file and field.
CloudConfig select_cloud(const std::optional<ConfigFile>& clouds, const std::optional<ConfigFile>& secure,
                         const Environment& env, const std::string& os_cloud);

// Finds and reads the first clouds and secure files on the search path, then select_cloud.
CloudConfig load_cloud_config(const std::string& os_cloud, const Environment& env, const std::string& cwd);

}  // namespace v6c::cloud
