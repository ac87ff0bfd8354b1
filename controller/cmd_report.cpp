// v6conform report RESULT.json [--format F]... [-o FILE | --output-dir DIR] [--scs-testcase ID]...
// Renders a saved result again; exits as the run did (0 every MUST met, 1 a MUST not met).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "result_exit.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "v6c/report/report.hpp"

namespace v6c::cli {

namespace {

struct ReportOptions {
  std::string result_file;
  std::string output_file;
  report::EmitOptions emit;
};

int run_report(const ReportOptions& o) {
  catalog::Result result;
  try {
    result = report::load_result(o.result_file);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "v6conform: %s\n", e.what());
    return kExitUsage;
  }
  if (!o.output_file.empty()) {
    if (o.emit.formats.size() != 1 || !o.emit.output_dir.empty()) {
      std::fprintf(stderr, "v6conform: -o takes exactly one --format and no --output-dir\n");
      return kExitUsage;
    }
    std::ofstream out(o.output_file);
    if (!out) {
      std::fprintf(stderr, "v6conform: %s: cannot write\n", o.output_file.c_str());
      return kExitEnvironment;
    }
    switch (*report::parse_format(o.emit.formats.front())) {
      case report::Format::text: report::render_text(result, out, false); break;
      case report::Format::json: report::render_json(result, out); break;
      case report::Format::junit: report::render_junit(result, out); break;
      case report::Format::html: report::render_html(result, out); break;
      case report::Format::scs: report::render_scs(result, out, out, o.emit.scs_testcases); break;
    }
    return exit_code_of(result);
  }
  try {
    report::emit(result, o.emit);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "v6conform: %s\n", e.what());
    return kExitEnvironment;
  }
  return exit_code_of(result);
}

}  // namespace

void register_report(CLI::App& app) {
  auto o = std::make_shared<ReportOptions>();
  auto* cmd = app.add_subcommand("report", "render a saved result (RESULT.json) again");
  cmd->add_option("result", o->result_file, "a result saved as JSON (v6conform-result/1)")->required();
  add_emit_options(*cmd, o->emit);
  cmd->add_option("-o,--output", o->output_file, "write the one format to FILE instead of stdout");
  cmd->add_option("--scs-testcase", o->emit.scs_testcases, "scs format: only these testcase ids (repeatable)");
  cmd->callback([o] { exit_code = run_report(*o); });
}

}  // namespace v6c::cli
