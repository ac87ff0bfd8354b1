// Renderers of a Result, and the one function the lab, run and report commands share to
// write the formats a user asked for.
#pragma once
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "v6c/catalog/evaluator.hpp"

namespace v6c::report {

using catalog::Result;

enum class Format { text, json, junit, html, scs };
std::optional<Format> parse_format(std::string_view name);
std::string_view to_string(Format f);
std::string_view file_name(Format f);  // in --output-dir: result.txt, result.json, junit.xml, report.html, scs.txt

// Grouped by section, a summary line at the end; ANSI colours only when `colour`.
void render_text(const Result& r, std::ostream& out, bool colour);
// "v6conform-result/1" (docs/result-schema.json).
void render_json(const Result& r, std::ostream& out);
// One testcase per requirement × scope (docs/junit.xsd).
void render_junit(const Result& r, std::ostream& out);
// One self-contained page: summary table, evidence, decoded packets, links to pcaps.
void render_html(const Result& r, std::ostream& out);
// SCS harness: "<scs-id>: PASS|FAIL|ABORT" lines on `out`, INFO:/WARNING:/ERROR: lines on `log`.
// `only`: the testcase ids the harness asked for (empty: every requirement with an SCS id).
void render_scs(const Result& r, std::ostream& out, std::ostream& log, const std::vector<std::string>& only = {});
// One SCS testcase from every verdict mapped to it (several catalogue rows and scopes may be):
// FAIL when any is not met (a SHOULD's or MAY's too: its testcase decides its target's
// weight); else PASS when each was met or does not apply here; else ABORT (could not be
// measured, was not run or only partly measured; nothing reported).
std::string_view scs_verdict(const std::vector<const catalog::Verdict*>& verdicts);

// Reads a saved result. Throws std::runtime_error naming the file and what is wrong.
Result load_result(const std::filesystem::path& file);

struct EmitOptions {
  std::vector<std::string> formats{"text"};  // names as given on the command line
  std::filesystem::path output_dir;           // empty: everything to stdout
  std::vector<std::string> scs_testcases;     // render_scs's `only`
};
// Writes each requested format: into output_dir when given (the text also to stdout), else
// to stdout (SCS log lines to stderr). Throws std::runtime_error for an unknown format or an
// unwritable file.
void emit(const Result& r, const EmitOptions& o);

// A progress line for long runs: rewritten in place on a TTY, one line per step otherwise.
class ProgressLine {
 public:
  explicit ProgressLine(std::ostream& out, bool tty);
  ~ProgressLine();
  void update(int done, int total, const std::string& what);
  void finish();  // ends the line on a TTY

 private:
  std::ostream& out_;
  bool tty_;
  bool open_ = false;
};

// Whether a stream is a terminal (stdout/stderr only; files never are).
bool is_tty(const std::ostream& out);

}  // namespace v6c::report
