// v6conform run [--os-cloud NAME] [--mode M]... [--image NAME | --image-dir DIR] [report options] ...
// v6conform scs -c CLOUD <testcase id>...   (the SCS harness contract: "<id>: PASS|FAIL|ABORT")
// The catalogue against a real cloud (docs/cloud-run.md). Everything created is named
// <prefix><run id>-… and deleted at the end: also on errors, SIGINT and SIGTERM.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <random>

#include "result_exit.hpp"
#include "api_options.hpp"
#include "commands.hpp"
#include "cloud_exit.hpp"
#include "interrupt.hpp"
#include "mode_option.hpp"
#include "v6c/cloud/config.hpp"
#include "v6c/cloud/errors.hpp"
#include "v6c/report/report.hpp"
#include "v6c/run/run.hpp"

namespace v6c::cli {

namespace {

namespace fs = std::filesystem;

struct RunCliOptions {
  run::Options run;
  std::string os_cloud, external_target, catalog_file;
  std::vector<std::string> modes;
  int boot_timeout_s = 900;
  bool keep = false, quiet = false;
  std::vector<std::string> scs_ids;
  report::EmitOptions emit;
  ApiOptions api;
};

// The built agent image: $V6C_IMAGE_DIR (as `lab --vm` reads it), else the build tree's, else
// the installed copy.
std::string default_image_dir() {
  if (const char* given = std::getenv("V6C_IMAGE_DIR"); given && *given) return given;
  for (const fs::path& dir : {fs::path(V6C_SOURCE_DIR) / "build" / "image", fs::path(V6C_DATA_DIR) / "image"})
    if (fs::exists(dir / "manifest.json")) return dir.string();
  return (fs::path(V6C_SOURCE_DIR) / "build" / "image").string();
}

std::string new_run_id() {
  std::random_device rd;
  char id[9];
  std::snprintf(id, sizeof id, "%08x", static_cast<unsigned>(rd()));
  return std::string(id, 6);
}

// SCS mode: only the requirements mapped to the requested testcase ids run, with what they
// need: the attacker and victim for the security ones (asking for them is the user's word
// that the run may attack the network it creates), the slow section for ra-periodic.
void select_scs(catalog::Catalog& c, const std::vector<std::string>& ids, run::Options& r) {
  catalog::select_scs_testcases(c, ids);
  r.security = catalog::section_enabled(c, catalog::Section::security);
  r.slow = catalog::section_enabled(c, catalog::Section::slow);
}

void abort_all(const std::vector<std::string>& ids, const std::string& why) {
  // The contract: CRITICAL when the run could not complete; ERROR is kept for defects of the cloud.
  std::fprintf(stderr, "CRITICAL: %s\n", why.c_str());
  for (const auto& id : ids) std::printf("%s: ABORT\n", id.c_str());
  std::fflush(stdout);
}

// The run's own cleanup: the stack, then a sweep of the run's prefix that also finds what a
// create whose answer was lost made. Prints what failed; true when nothing is left.
bool clean_up(cloud::CleanupStack& stack, cloud::Connection* connection, const std::string& prefix) {
  auto outcome = stack.run();
  if (connection) {
    try {
      auto swept = cloud::cleanup_by_prefix(connection->session, prefix);
      outcome.deleted.insert(outcome.deleted.end(), swept.deleted.begin(), swept.deleted.end());
      outcome.failed.insert(outcome.failed.end(), swept.failed.begin(), swept.failed.end());
    } catch (const cloud::CloudError& e) {
      outcome.failed.push_back("sweeping " + prefix + "*: " + e.what());
    }
  }
  for (const auto& f : outcome.failed) std::fprintf(stderr, "v6conform: cleanup: %s\n", f.c_str());
  return outcome.ok();
}

std::vector<catalog::ApiRetry> api_retries(const cloud::RetryLog& log) {
  std::vector<catalog::ApiRetry> out;
  for (const auto& n : log.notes()) out.push_back({n.method, n.path, n.attempt, n.reason});
  return out;
}

// The run's options from the command line and the catalogue; what the user got wrong is
// returned as its message.
std::optional<std::string> prepare(RunCliOptions& o, bool scs, catalog::Catalog& c) {
  auto& r = o.run;
  if (scs) {
    select_scs(c, o.scs_ids, r);
    o.emit.formats = {"scs"};
    o.emit.scs_testcases = o.scs_ids;
  }
  r.modes = modes_named(o.modes);
  if (!o.external_target.empty()) {
    r.external_target = wire::Ip6::parse(o.external_target);
    if (!r.external_target) return "--external-target " + o.external_target + ": not an IPv6 address";
  }
  if (r.image.empty() && r.image_dir.empty()) r.image_dir = default_image_dir();
  r.run_id = new_run_id();
  r.boot_timeout = std::chrono::seconds(o.boot_timeout_s);
  r.output_dir = o.emit.output_dir;
  const auto started = std::chrono::steady_clock::now();
  r.progress = [&o, scs, started](const std::string& line) {
    if (o.quiet) return;
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    // SCS mode: the harness counts INFO lines, so progress is INFO there.
    std::fprintf(stderr, "%s[%5.1f s] %s\n", scs ? "INFO: " : "", s, line.c_str());
  };
  return std::nullopt;
}

// SIGINT/SIGTERM: delete the stack, then anything by the run's name prefix that was being
// created at that moment, and exit 4.
void delete_on_interrupt(cloud::CleanupStack& cleanup, cloud::Session& session, const std::string& prefix) {
  cleanup_on_interrupt([&cleanup, &session, prefix] {
    std::fprintf(stderr, "v6conform: interrupted, deleting %s*\n", prefix.c_str());
    try {
      cleanup.run();
      cloud::cleanup_by_prefix(session, prefix);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "v6conform: cleanup: %s (run `v6conform cleanup --prefix %s`)\n", e.what(), prefix.c_str());
    }
  });
}

// After the run: the report, then keep or delete what it made (the verdicts do not wait for
// the cleanup); returns the exit code.
int finish(RunCliOptions& o, bool scs, catalog::Result& result, cloud::CleanupStack& cleanup,
           cloud::Connection& connection, const std::string& prefix) {
  auto& r = o.run;
  result.api_retries = api_retries(connection.retries);
  report::emit(result, o.emit);
  if (o.keep) {
    std::fprintf(stderr, "v6conform: kept %zu resources; delete them with: v6conform cleanup --prefix %s\n",
                 cleanup.size(), prefix.c_str());
    cleanup.forget_all();
  }
  r.progress("deleting " + std::to_string(cleanup.size()) + " resources, then anything named " + prefix + "*");
  const bool clean = o.keep || clean_up(cleanup, &connection, prefix);
  r.progress("done");
  if (!clean) {
    // The verdicts are already out: say what is left behind, do not turn them into ABORT.
    std::fprintf(stderr, "%ssome resources could not be deleted: run `v6conform cleanup --prefix %s`\n",
                 scs ? "WARNING: " : "v6conform: ", prefix.c_str());
  }
  // The harness reads the verdicts from the lines; a non-zero exit would count as an abort.
  if (scs) return kExitPass;
  return clean ? exit_code_of(result) : kExitEnvironment;
}

int run_run(RunCliOptions& o, bool scs) {
  auto fail = [&](const std::string& message, int code) {
    if (scs) abort_all(o.scs_ids, message);
    else std::fprintf(stderr, "v6conform: %s\n", message.c_str());
    return code;
  };
  catalog::Catalog c;
  try {
    c = catalog::load_catalog(o.catalog_file.empty() ? catalog::default_catalog_path() : fs::path(o.catalog_file));
  } catch (const catalog::CatalogError& e) {
    return fail(std::string("malformed catalogue: ") + e.what(), kExitUsage);
  }
  if (auto problem = prepare(o, scs, c)) return fail(*problem, kExitUsage);
  auto& r = o.run;
  std::unique_ptr<cloud::Connection> connection;
  cloud::CleanupStack cleanup;
  const auto prefix = run::resource_name(r, "");
  try {
    const auto config = cloud::load_cloud_config(o.os_cloud, cloud::current_environment(), fs::current_path().string());
    connection = std::make_unique<cloud::Connection>(config, timeouts_of(o.api), o.api.retry);
    connection->retries.on_note = [&r](const cloud::RetryNote& n) {
      r.progress("API " + n.method + " " + n.path + " attempt " + std::to_string(n.attempt) + ": " + n.reason);
    };
    if (scs) {
      // As the SCS reference tests: a plain member, or nothing this run measures means anything.
      const auto problem = cloud::unprivileged_member_problem(connection->session.token().roles);
      if (!problem.empty()) return fail("pre-flight: " + problem, kExitEnvironment);
    }
    delete_on_interrupt(cleanup, connection->session, prefix);
    auto result = run::run_cloud(connection->session, cleanup, c, r);
    yield_to_interrupt();
    return finish(o, scs, result, cleanup, *connection, prefix);
  } catch (const cloud::CloudError& e) {
    yield_to_interrupt();
    clean_up(cleanup, connection.get(), prefix);
    return fail(e.what(), exit_code_for(e));
  } catch (const std::exception& e) {
    yield_to_interrupt();
    clean_up(cleanup, connection.get(), prefix);  // a bug must not leave the cloud dirty either
    return fail(std::string("internal error: ") + e.what(), kExitInternal);
  }
}

void add_run_options(CLI::App& cmd, RunCliOptions& o) {
  cmd.add_option("--prefix", o.run.prefix, "name prefix of everything created (SCS cleanup.py finds _scs-)")
      ->capture_default_str();
  cmd.add_option("--image", o.run.image, "boot this existing Glance image instead of uploading the built one");
  cmd.add_option("--image-dir", o.run.image_dir, "the built agent image to upload (default: $V6C_IMAGE_DIR, else build/image)");
  cmd.add_option("--flavor", o.run.flavor, "flavor for the agent VMs (default: the smallest with 128 MB)");
  cmd.add_option("--external-network", o.run.external_network, "router gateway network (default: the is_default one)");
  cmd.add_option("--external-target", o.external_target, "an IPv6 host outside the cloud for north-south checks");
  cmd.add_option("--ipv6-cidr", o.run.ipv6_cidr, "cut the test /64s from this prefix when there is no default pool");
  cmd.add_option("--ipv4-cidr", o.run.ipv4_cidr, "also give each network this IPv4 subnet (dual stack)");
  cmd.add_option("--backend", o.run.backend, "the cloud's RA implementation: radvd (ML2/OVS, linuxbridge) or ovn")
      ->check(CLI::IsMember({"radvd", "ovn"}))
      ->capture_default_str();
  cmd.add_option("--boot-timeout", o.boot_timeout_s, "seconds for all VMs to boot and report")->capture_default_str();
  cmd.add_option("--catalog", o.catalog_file, "catalogue file (default: the shipped data/catalog.yaml)");
  cmd.add_flag("--keep", o.keep, "leave everything in the cloud (delete it later with `v6conform cleanup`)");
  cmd.add_flag("-q,--quiet", o.quiet, "no progress lines");
  add_api_options(cmd, o.api);
}

}  // namespace

void register_run(CLI::App& app) {
  auto o = std::make_shared<RunCliOptions>();
  auto* cmd = app.add_subcommand("run", "provision a test topology in a cloud, run the agents, check, report, clean up");
  cmd->add_option("--os-cloud", o->os_cloud, "the cloud in clouds.yaml (default: OS_CLOUD, else the OS_* variables)");
  cmd->add_option("--mode", o->modes, "address modes to test (repeatable; default: all three)")
      ->check(CLI::IsMember(mode_choices()));
  cmd->add_flag("--security", o->run.security,
                "also run the attack probes: a network of its own with an attacker and a victim VM");
  add_run_options(*cmd, *o);
  add_emit_options(*cmd, o->emit);
  cmd->callback([o] { exit_code = run_run(*o, false); });

  auto s = std::make_shared<RunCliOptions>();
  auto* scs = app.add_subcommand("scs", "SCS harness entry: run these testcase ids, print '<id>: PASS|FAIL|ABORT'");
  scs->add_option("-c,--os-cloud", s->os_cloud, "the cloud in clouds.yaml")->required();
  scs->add_option("testcases", s->scs_ids, "SCS testcase ids (the last column of `v6conform catalog`)")->required();
  add_run_options(*scs, *s);
  scs->callback([s] {
    s->quiet = false;
    exit_code = run_run(*s, true);
  });
}

}  // namespace v6c::cli
