#include <unistd.h>

#include <fstream>
#include <iostream>
#include <stdexcept>

#include "v6c/model/names.hpp"
#include "v6c/report/report.hpp"

namespace v6c::report {

namespace {
constexpr Format kFormats[] = {Format::text, Format::json, Format::junit, Format::html, Format::scs};

// A run names its pcaps as it wrote them (out/vm1.pcap); a report file names them from its
// own directory (vm1.pcap), so its links work wherever the directory is moved.
Result with_pcaps_from(const Result& r, const std::filesystem::path& dir) {
  Result out = r;
  for (auto& v : out.verdicts)
    for (auto& e : v.evidence) {
      if (e.pcap.empty()) continue;
      std::error_code ec;
      auto from_dir = std::filesystem::proximate(e.pcap, dir, ec);
      if (!ec) e.pcap = from_dir.string();
    }
  return out;
}
}  // namespace

constexpr model::NameTable<Format, 5> kFormatNames = {
    {{Format::text, "text"}, {Format::json, "json"}, {Format::junit, "junit"}, {Format::html, "html"}, {Format::scs, "scs"}}};
constexpr model::NameTable<Format, 5> kFileNames = {{{Format::text, "result.txt"},
                                                     {Format::json, "result.json"},
                                                     {Format::junit, "junit.xml"},
                                                     {Format::html, "report.html"},
                                                     {Format::scs, "scs.txt"}}};

std::string_view to_string(Format f) { return model::name_in(kFormatNames, f); }
std::optional<Format> parse_format(std::string_view name) { return model::value_in(kFormatNames, name); }
std::string_view file_name(Format f) { return model::name_in(kFileNames, f); }

bool is_tty(const std::ostream& out) {
  if (&out == &std::cout) return isatty(STDOUT_FILENO) == 1;
  if (&out == &std::cerr || &out == &std::clog) return isatty(STDERR_FILENO) == 1;
  return false;
}

void emit(const Result& r, const EmitOptions& o) {
  std::vector<Format> formats;
  for (const auto& name : o.formats) {
    auto f = parse_format(name);
    if (!f) throw std::runtime_error("unknown report format '" + name + "' (text, json, junit, html, scs)");
    formats.push_back(*f);
  }
  if (!o.output_dir.empty()) std::filesystem::create_directories(o.output_dir);
  const Result in_dir = o.output_dir.empty() ? Result{} : with_pcaps_from(r, o.output_dir);
  for (auto f : formats) {
    if (o.output_dir.empty()) {
      if (f == Format::text) render_text(r, std::cout, is_tty(std::cout));
      else if (f == Format::json) render_json(r, std::cout);
      else if (f == Format::junit) render_junit(r, std::cout);
      else if (f == Format::html) render_html(r, std::cout);
      else render_scs(r, std::cout, std::cerr, o.scs_testcases);
      continue;
    }
    const auto path = o.output_dir / file_name(f);
    std::ofstream file(path);
    if (!file) throw std::runtime_error(path.string() + ": cannot write");
    if (f == Format::text) {
      render_text(in_dir, file, false);
      render_text(r, std::cout, is_tty(std::cout));
    } else if (f == Format::json) {
      render_json(in_dir, file);
    } else if (f == Format::junit) {
      render_junit(in_dir, file);
    } else if (f == Format::html) {
      render_html(in_dir, file);
    } else {
      render_scs(in_dir, file, file, o.scs_testcases);
    }
    if (!file) throw std::runtime_error(path.string() + ": write failed");
  }
}

ProgressLine::ProgressLine(std::ostream& out, bool tty) : out_(out), tty_(tty) {}
ProgressLine::~ProgressLine() { finish(); }

void ProgressLine::update(int done, int total, const std::string& what) {
  const std::string line = "[" + std::to_string(done) + "/" + std::to_string(total) + "] " + what;
  if (tty_) {
    out_ << "\r\033[K" << line << std::flush;  // rewrite in place
    open_ = true;
  } else {
    out_ << line << "\n";
  }
}

void ProgressLine::finish() {
  if (tty_ && open_) out_ << "\n" << std::flush;
  open_ = false;
}

}  // namespace v6c::report
