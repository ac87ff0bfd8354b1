// Runs the catalogue on a lab: the real v6agent in every VM namespace with the plan the
// catalogue layer makes from the lab's facts; the evaluator judges. The lab adds no checks.
#pragma once
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

#include "v6c/catalog/catalog.hpp"
#include "v6c/catalog/evaluator.hpp"
#include "v6c/lab/lab.hpp"

namespace v6c::lab {

// v6agent: $V6C_AGENT, else next to `self` (installed), else ../agent/v6agent from self's
// directory (build tree), else PATH. Empty when none exists.
std::filesystem::path find_agent(const std::filesystem::path& self);

struct RunTimings {
  std::chrono::microseconds probing{0};
};

// How far the probing is: agents done of all started, and what just happened.
using Progress = std::function<void(int done, int total, const std::string& what)>;

// Agents' reports, pcaps and plans go to lab.files_dir() unless `out_dir` is given.
catalog::Result run_catalogue(const Lab& lab, const catalog::Catalog& c, const std::filesystem::path& agent,
                              RunTimings* timings = nullptr, const std::filesystem::path& out_dir = {},
                              const Progress& progress = {});

}  // namespace v6c::lab
