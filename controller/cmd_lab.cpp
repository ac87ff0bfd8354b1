// v6conform lab [--flavour radvd|ovn] [--mode M] [--fault NAME]... [--keep] [--slow] [--catalog FILE] [report options]
//               [--vm [--vm-image DIR]]   probe VMs boot the agent image under QEMU (docs/lab.md)
// v6conform lab --list-faults
// v6conform lab up [--wait]        build and leave it up (or hold it until SIGINT/SIGTERM)
// v6conform lab down [--prefix P]  remove everything a lab left (after a SIGKILL, or --keep)
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

#include "result_exit.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "interrupt.hpp"
#include "mode_option.hpp"
#include "v6c/host/host.hpp"
#include "v6c/lab/faults.hpp"
#include "v6c/lab/guest.hpp"
#include "v6c/lab/lab.hpp"
#include "v6c/lab/run.hpp"
#include "v6c/report/report.hpp"

namespace v6c::cli {

namespace {

namespace fs = std::filesystem;

struct LabOptions {
  std::string flavour = "radvd";
  std::string mode = "all";
  std::vector<std::string> faults;
  bool list_faults = false, keep = false, slow = false, wait = false, timings = false, vm = false;
  std::string vm_image;  // --vm-image, else $V6C_IMAGE_DIR, else the source tree's build/image
  std::string catalog_file;
  std::string down_prefix = lab::kLabPrefixBase;
  report::EmitOptions emit;
};

// SIGINT/SIGTERM: remove this run's lab (by its prefix, whatever state the build is in), exit 4.
void install_teardown_on_signal(const std::string& prefix) {
  cleanup_on_interrupt([prefix] {
    std::fprintf(stderr, "v6conform: interrupted, removing lab %s\n", prefix.c_str());
    host::stop_spawning();  // the build on the main thread starts no daemon after this listing
    lab::down(prefix);
  });
}

void list_faults() {
  std::printf("%-22s %-24s %-10s %s\n", "fault", "breaks", "flavours", "what it does");
  for (const auto& f : lab::faults())
    std::printf("%-22s %-24s %-10s %s\n", f.name.c_str(), f.requirement.c_str(), f.on_radvd ? (f.on_ovn ? "radvd,ovn" : "radvd") : "ovn",
                f.description.c_str());
  std::printf("\nnot exercised by the lab:\n");
  for (const auto& u : lab::unexercised_requirements())
    std::printf("  %-24s %s\n", u.requirement.c_str(), u.reason.c_str());
}

// The model for the options, or an exit code after a message.
std::optional<lab::LabModel> model_for(const LabOptions& o, int& code) {
  auto flavour = lab::parse_flavour(o.flavour);
  auto m = lab::make_model(lab::unique_prefix(), *flavour, modes_named({o.mode}), o.slow);
  if (auto unknown = lab::apply_faults(m, o.faults)) {
    std::fprintf(stderr, "v6conform: no fault profile '%s' for the %s flavour (see v6conform lab --list-faults)\n",
                 unknown->c_str(), o.flavour.c_str());
    code = kExitUsage;
    return std::nullopt;
  }
  return m;
}

int environment_ok(const LabOptions& o) {
  if (auto missing = lab::missing_environment(*lab::parse_flavour(o.flavour))) {
    std::fprintf(stderr, "v6conform: %s\n", missing->c_str());
    return kExitEnvironment;
  }
  return kExitPass;
}

int run_up(const LabOptions& o) {
  if (int rc = environment_ok(o)) return rc;
  int code = kExitPass;
  auto m = model_for(o, code);
  if (!m) return code;
  install_teardown_on_signal(m->prefix);
  lab::Lab lab(*m);
  std::printf("lab %s up in %.0f ms (%s flavour); remove with: v6conform lab down --prefix %s\n", m->prefix.c_str(),
              lab.timings().setup.count() / 1000.0, o.flavour.c_str(), m->prefix.c_str());
  std::fflush(stdout);
  if (!o.wait) {
    lab.keep();
    return kExitPass;
  }
  for (;;) pause();  // until SIGINT/SIGTERM: the signal thread tears down and exits
}

int run_lab(const LabOptions& o) {
  if (o.list_faults) {
    list_faults();
    return kExitPass;
  }
  if (int rc = environment_ok(o)) return rc;
  const fs::path agent = lab::find_agent(fs::read_symlink("/proc/self/exe"));
  if (agent.empty()) {
    std::fprintf(stderr, "v6conform: v6agent not found: set V6C_AGENT or install it next to v6conform\n");
    return kExitEnvironment;
  }
  catalog::Catalog c;
  try {
    c = catalog::load_catalog(o.catalog_file.empty() ? catalog::default_catalog_path() : fs::path(o.catalog_file));
  } catch (const catalog::CatalogError& e) {
    std::fprintf(stderr, "v6conform: malformed catalogue: %s\n", e.what());
    return kExitUsage;
  }
  int code = kExitPass;
  auto m = model_for(o, code);
  if (!m) return code;
  if (o.vm) {
    if (auto missing = lab::missing_guest_tools()) {
      std::fprintf(stderr, "v6conform: %s\n", missing->c_str());
      return kExitEnvironment;
    }
    const char* env = std::getenv("V6C_IMAGE_DIR");
    m->guest_image = !o.vm_image.empty() ? o.vm_image : env && *env ? env : V6C_SOURCE_DIR "/build/image";
    lab::load_agent_image(m->guest_image);  // a missing image is one clear message before the lab is built
  }
  install_teardown_on_signal(m->prefix);
  lab::Lab lab(*m);
  if (o.keep) lab.keep();
  if (!o.emit.output_dir.empty()) fs::create_directories(o.emit.output_dir);
  lab::RunTimings t;
  // A person at a terminal sees how far the probing is; a pipe or a log gets only the result.
  std::optional<report::ProgressLine> line;
  if (report::is_tty(std::cerr)) line.emplace(std::cerr, true);
  auto result = lab::run_catalogue(lab, c, agent, &t, o.emit.output_dir, [&](int done, int total, const std::string& what) {
    if (line) line->update(done, total, what);
  });
  if (line) line->finish();
  if (!o.keep) lab.teardown();  // before the report, so a reader that stops early leaves nothing up
  report::emit(result, o.emit);
  if (o.timings) {
    // The floor: what every agent must wait whatever the code does — RS→RA settling
    // (MAX_RA_DELAY_TIME 0.5 s, RFC 4861 §10) plus one DAD or DHCPv6 retransmission (1 s).
    constexpr double kFloorMs = 500 + 1000;
    const double setup = lab.timings().setup.count() / 1000.0, probing = t.probing.count() / 1000.0,
                 teardown = lab.timings().teardown.count() / 1000.0;
    std::fprintf(stderr, "timing setup %.0f ms, probing %.0f ms (floor %.0f ms, %.2fx), teardown %.0f ms, total %.0f ms\n",
                 setup, probing, kFloorMs, probing / kFloorMs, teardown, setup + probing + teardown);
    if (lab.timings().bound.count() > 0)
      std::fprintf(stderr, "timing ovn daemons up %.0f ms, topology bound %.0f ms (from the setup's start)\n",
                   lab.timings().daemons_up.count() / 1000.0, lab.timings().bound.count() / 1000.0);
  }
  if (o.keep)
    std::fprintf(stderr, "v6conform: lab %s left up; remove with: v6conform lab down --prefix %s\n",
                 m->prefix.c_str(), m->prefix.c_str());
  return exit_code_of(result);
}

}  // namespace

void register_lab(CLI::App& app) {
  auto o = std::make_shared<LabOptions>();
  auto* cmd = app.add_subcommand("lab", "build a Neutron-like network in namespaces, run the catalogue on it, tear down");
  cmd->add_option("--flavour", o->flavour, "radvd (ML2/OVS, linuxbridge: radvd, dnsmasq, nftables) or ovn (ML2/OVN: OVS and OVN)")
      ->check(CLI::IsMember({"radvd", "ovn"}))
      ->capture_default_str();
  cmd->add_option("--mode", o->mode, "subnet modes to build")
      ->check(CLI::IsMember(mode_choices()))
      ->capture_default_str();
  cmd->add_option("--fault", o->faults, "break the lab with this fault profile (repeatable; see --list-faults)");
  cmd->add_flag("--list-faults", o->list_faults, "list the fault profiles and the requirement each breaks");
  cmd->add_flag("--timings", o->timings, "print setup, probing and teardown times to stderr (scripts/bench)");
  cmd->add_flag("--keep", o->keep, "leave the lab up afterwards (remove it with `v6conform lab down`)");
  cmd->add_flag("--slow", o->slow, "also run the slow section (periodic RAs, with short lab intervals)");
  cmd->add_option("--catalog", o->catalog_file, "catalogue file (default: the shipped data/catalog.yaml)");
  cmd->add_flag("--vm", o->vm, "boot the agent image under QEMU TCG as each network's probe VM, on a tap with port security");
  cmd->add_option("--vm-image", o->vm_image, "agent image directory for --vm (default: $V6C_IMAGE_DIR, else build/image)");
  add_emit_options(*cmd, o->emit);

  auto* up = cmd->add_subcommand("up", "build the lab and leave it up (no probing)");
  up->fallthrough();  // --flavour, --mode, --fault after `up` too
  up->add_flag("--wait", o->wait, "hold it until SIGINT/SIGTERM, then tear it down");
  auto* down = cmd->add_subcommand("down", "remove every lab (or the one with --prefix): namespaces, daemons, files");
  down->add_option("--prefix", o->down_prefix, "only names starting with this")->capture_default_str();

  auto guarded = [](auto fn) {
    try {
      exit_code = fn();
    } catch (const std::exception& e) {
      yield_to_interrupt();  // the lab vanished under the build because a signal is tearing it down
      std::fprintf(stderr, "v6conform: lab: %s\n", e.what());
      exit_code = kExitEnvironment;
    }
  };
  up->callback([o, guarded] { guarded([&] { return run_up(*o); }); });
  down->callback([o, guarded] {
    guarded([&] {
      if (!host::is_root()) {
        std::fprintf(stderr, "v6conform: lab down needs root: run it with sudo\n");
        return int(kExitEnvironment);
      }
      if (o->down_prefix.rfind(lab::kLabPrefixBase, 0) != 0) {
        std::fprintf(stderr, "v6conform: lab prefixes start with %s\n", lab::kLabPrefixBase.c_str());
        return int(kExitUsage);
      }
      auto removed = lab::down(o->down_prefix);
      std::printf("removed %zu namespaces\n", removed.size());
      return int(kExitPass);
    });
  });
  cmd->callback([o, cmd, up, down, guarded] {
    if (up->parsed() || down->parsed()) return;
    (void)cmd;
    guarded([&] { return run_lab(*o); });
  });
}

}  // namespace v6c::cli
