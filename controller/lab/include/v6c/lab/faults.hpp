// Fault profiles: each breaks one requirement of the catalogue, so that every check is seen
// failing on a network broken in exactly that way, and nothing else unless a requirement
// rests on the broken one (also_breaks: a /80 prefix also leaves SLAAC no address). A fault
// is data plus a small function that turns the model's Behaviour knobs.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "v6c/lab/model.hpp"

namespace v6c::lab {

struct Fault {
  std::string name;
  std::string requirement;   // the catalogue id it must make FAIL
  std::string description;
  void (*apply)(Behaviour&);
  std::vector<std::string> also_breaks = {};  // requirements that rest on the broken one
  bool on_ovn = false;       // the ovn flavour's build honours it (in its northbound database)
  bool on_radvd = true;      // the radvd flavour's build honours it
};

const std::vector<Fault>& faults();
const Fault* find_fault(const std::string& name);

// Catalogue requirements the lab cannot exercise, with the reason (docs/lab.md says the same).
struct Unexercised {
  std::string requirement;
  std::string reason;
};
const std::vector<Unexercised>& unexercised_requirements();

// Applies the named faults in order; returns the first name that is unknown or that the
// model's flavour cannot build, if any.
std::optional<std::string> apply_faults(LabModel& m, const std::vector<std::string>& names);

}  // namespace v6c::lab
