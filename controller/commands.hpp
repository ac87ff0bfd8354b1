// Each subcommand lives in its own cmd_<name>.cpp and registers itself here.
#pragma once
#include <CLI/CLI.hpp>

namespace v6c::cli {

// Set by a subcommand's callback; main returns it.
inline int exit_code = 0;

void register_catalog(CLI::App& app);
void register_report(CLI::App& app);
void register_lab(CLI::App& app);
void register_cleanup(CLI::App& app);
void register_run(CLI::App& app);

}  // namespace v6c::cli
