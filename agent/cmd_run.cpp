// v6agent run PLAN.json [-i IFACE]: the procedures of a plan (wire/plan.hpp, docs/agent-plan.md).
#include <fstream>
#include <iostream>

#include "commands.hpp"

namespace v6c::agent {
namespace {

using nlohmann::json;

wire::Plan read_plan(const std::string& file) {
  json j;
  try {
    if (file == "-") {
      j = json::parse(std::cin);
    } else {
      std::ifstream in(file);
      if (!in) throw wire::PlanError("cannot read plan " + file);
      j = json::parse(in);
    }
  } catch (const json::parse_error& e) {
    throw wire::PlanError("plan " + file + " is not valid JSON: " + e.what());
  }
  return j.get<wire::Plan>();
}

}  // namespace

void register_run(CLI::App& app, const Output& out, Action& action) {
  auto interface = std::make_shared<std::string>();
  auto file = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("run", "Run the procedures of a plan file (schema v6agent-plan/1)");
  cmd->add_option("-i,--interface", *interface, "Network interface (default: the plan's)");
  cmd->add_option("plan", *file, "Plan JSON file, or - for stdin")->required();
  cmd->callback([&out, &action, interface, file] {
    auto plan = read_plan(*file);  // a bad plan is a usage error before anything is sent
    action = [&out, interface, plan = std::move(plan)] { return run_plan(out, *interface, plan); };
  });
}

}  // namespace v6c::agent
