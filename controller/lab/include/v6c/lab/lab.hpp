// The lab on this host: builds the model's namespaces, links, daemons and filters, and
// removes them again. Teardown is unconditional (destructor), and `down(prefix)` removes
// whatever a killed run left behind, found by name alone.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "v6c/lab/model.hpp"

namespace v6c::lab {

// A per-run name prefix: "v6c-l<pid>-", then "v6c-l<pid>x2-", … for further labs in one process.
std::string unique_prefix();

// Nothing missing for this flavour: nullopt. Otherwise one line naming what to do (run as
// root, install a package).
std::optional<std::string> missing_environment(Flavour flavour);

// The installed radvd's default RDNSS lifetime in MaxRtrAdvIntervals (LabModel's
// radvd_rdnss_lifetime_factor): 3 from radvd 2.20, 1 before, from `radvd --version`.
std::uint32_t installed_radvd_rdnss_lifetime_factor();

// How long each phase took, for scripts/bench.
struct Timings {
  std::chrono::microseconds setup{0}, teardown{0};
  // The ovn flavour, from the build's start: its daemons running, every port bound.
  std::chrono::microseconds daemons_up{0}, bound{0};
};

class Lab {
 public:
  // Builds everything; on failure removes what it built and throws host::HostError.
  explicit Lab(LabModel model);
  ~Lab();
  Lab(const Lab&) = delete;
  Lab& operator=(const Lab&) = delete;

  const LabModel& model() const { return model_; }
  const std::string& files_dir() const { return dir_; }
  const Timings& timings() const { return timings_; }
  std::string vm_netns(const LabPort& p) const { return model_.ns(p.netns_suffix); }

  // Leave the lab up when this object goes (for --keep); `down(prefix)` removes it later.
  void keep() { keep_ = true; }
  // Tears down now (idempotent).
  void teardown();

 private:
  void build();
  LabModel model_;
  std::string dir_;
  Timings timings_;
  bool keep_ = false, up_ = false;
};

// Removes every namespace (with the processes inside it), root-namespace link and /tmp
// directory whose name starts with prefix. Returns the namespaces it removed.
std::vector<std::string> down(const std::string& prefix);

}  // namespace v6c::lab
