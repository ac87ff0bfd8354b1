// v6conform cleanup [--os-cloud NAME] [--prefix P] [--dry-run]
// Deletes what a killed run left in the cloud: only resources of the authenticated project
// whose names start with the prefix, in dependency order. Exit 0 when nothing is left,
// 3 when something could not be deleted or the cloud could not be reached, 2 for bad config.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "api_options.hpp"
#include "commands.hpp"
#include "cloud_exit.hpp"
#include "v6c/cloud/cleanup.hpp"
#include "v6c/cloud/config.hpp"
#include "v6c/cloud/errors.hpp"
#include "v6c/cloud/session.hpp"

namespace v6c::cli {

namespace {

struct CleanupOptions {
  std::string os_cloud;
  std::string prefix = cloud::kDefaultPrefix;
  bool dry_run = false;
  ApiOptions api;
};

int run_cleanup(const CleanupOptions& o) {
  try {
    const auto config = cloud::load_cloud_config(o.os_cloud, cloud::current_environment(),
                                                 std::filesystem::current_path().string());
    cloud::Connection connection(config, timeouts_of(o.api), o.api.retry);
    const auto outcome = cloud::cleanup_by_prefix(connection.session, o.prefix, cloud::real_sleep, o.dry_run);
    for (const auto& line : outcome.deleted) std::printf("%s %s\n", o.dry_run ? "would delete" : "deleted", line.c_str());
    for (const auto& line : outcome.failed) std::fprintf(stderr, "v6conform: cleanup: %s\n", line.c_str());
    if (outcome.deleted.empty() && outcome.failed.empty())
      std::printf("nothing named %s* in project %s of cloud %s\n", o.prefix.c_str(),
                  connection.session.token().project_name.c_str(), config.name.c_str());
    return outcome.ok() ? kExitPass : kExitEnvironment;
  } catch (const cloud::CloudError& e) {
    std::fprintf(stderr, "v6conform: %s\n", e.what());
    return exit_code_for(e);
  }
}

}  // namespace

void register_cleanup(CLI::App& app) {
  auto o = std::make_shared<CleanupOptions>();
  auto* cmd = app.add_subcommand("cleanup", "delete what an interrupted run left in the cloud (by name prefix)");
  cmd->add_option("--os-cloud", o->os_cloud, "the cloud in clouds.yaml (default: OS_CLOUD, else the OS_* variables)");
  cmd->add_option("--prefix", o->prefix, "delete only resources whose names start with this")->capture_default_str();
  cmd->add_flag("--dry-run", o->dry_run, "list what would be deleted, delete nothing");
  add_api_options(*cmd, o->api);
  cmd->callback([o] { exit_code = run_cleanup(*o); });
}

}  // namespace v6c::cli
