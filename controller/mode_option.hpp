// `--mode` of `run` and `lab`: Neutron's subnet mode names, or "all".
#pragma once
#include <string>
#include <vector>

#include "v6c/model/facts.hpp"

namespace v6c::cli {

inline constexpr const char* kAllModesWord = "all";

inline std::vector<std::string> mode_choices() {
  std::vector<std::string> out;
  for (auto m : model::kAllModes) out.emplace_back(model::to_string(m));
  out.emplace_back(kAllModesWord);
  return out;
}

// The modes named (checked against mode_choices() by the parser); none or "all": all three.
inline std::vector<model::Mode> modes_named(const std::vector<std::string>& names) {
  std::vector<model::Mode> out;
  for (const auto& n : names) {
    if (n == kAllModesWord) return model::kAllModes;
    if (auto m = model::parse_mode(n)) out.push_back(*m);
  }
  if (out.empty()) return model::kAllModes;
  return out;
}

}  // namespace v6c::cli
