// Each subcommand lives in its own cmd_<name>.cpp and registers itself here.
#pragma once
#include <CLI/CLI.hpp>

#include "v6c/report/report.hpp"

namespace v6c::cli {

// Set by a subcommand's callback; main returns it.
inline int exit_code = 0;

void register_catalog(CLI::App& app);
void register_report(CLI::App& app);
void register_lab(CLI::App& app);
void register_cleanup(CLI::App& app);
void register_run(CLI::App& app);

// --format (repeatable) and --output-dir, for every subcommand that writes a report.
inline void add_emit_options(CLI::App& cmd, report::EmitOptions& o) {
  cmd.add_option("--format", o.formats, "text, json, junit, html or scs (repeatable)")
      ->check(CLI::IsMember({"text", "json", "junit", "html", "scs"}))
      ->capture_default_str();
  cmd.add_option("--output-dir", o.output_dir, "write each format to a file here (text also goes to stdout)");
}

}  // namespace v6c::cli
