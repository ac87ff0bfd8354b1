// Fault profiles: each breaks exactly one requirement of the catalogue, so that every check
// is seen failing on a network broken in exactly that way. A fault is data plus a small
// function that turns the model's Behaviour knobs.
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
};

const std::vector<Fault>& faults();
const Fault* find_fault(const std::string& name);

// Catalogue requirements the lab cannot exercise, with the reason (docs/lab.md says the same).
struct Unexercised {
  std::string requirement;
  std::string reason;
};
const std::vector<Unexercised>& unexercised_requirements();

// A fault whose requirement fails, as it must, but that cannot help breaking others with it
// (as it would in a cloud): the requirements it may change besides its own, and why. The
// fault matrix test holds every other fault to "exactly its requirement changes" and these
// to their own requirement plus what is listed here.
struct KnownGap {
  std::string fault;
  std::vector<std::string> also_changes;
  std::string reason;
};
const std::vector<KnownGap>& known_gaps();

// Applies the named faults in order; returns the first unknown name, if any.
std::optional<std::string> apply_faults(LabModel& m, const std::vector<std::string>& names);

}  // namespace v6c::lab
