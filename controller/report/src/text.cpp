#include <ostream>

#include "util.hpp"
#include "v6c/report/report.hpp"

namespace v6c::report {

namespace {

using catalog::Status;

constexpr std::size_t kEvidenceShown = 3;  // per verdict in the terminal; the HTML report has all
constexpr int kIdWidth = 24;

const char* colour_of(Status s) {
  switch (s) {
    case Status::pass: return "\033[32m";
    case Status::fail: return "\033[1;31m";
    case Status::warn: return "\033[33m";
    case Status::skip: return "\033[36m";
    case Status::error: return "\033[1;35m";
  }
  return "";
}
constexpr const char* kReset = "\033[0m";
constexpr const char* kBold = "\033[1m";

std::string padded(std::string_view s, std::size_t width) {
  std::string out(s);
  if (out.size() < width) out.append(width - out.size(), ' ');
  return out;
}

}  // namespace

void render_text(const Result& r, std::ostream& out, bool colour) {
  auto paint = [&](const char* code, std::string_view text) {
    return colour ? std::string(code) + std::string(text) + kReset : std::string(text);
  };
  out << "v6conform " << r.tool_version << ": catalogue " << r.catalog_version << " (" << r.catalog_file
      << "), facts from " << r.facts.source << (r.facts.backend.empty() ? "" : " (" + r.facts.backend + ")") << "\n"
      << "started " << r.started << ", finished " << r.finished << "\n";
  for (const auto& section : detail::by_section(r)) {
    out << "\n" << paint(kBold, "== " + section.section + " ==") << "\n";
    for (const auto* v : section.verdicts) {
      out << "  " << paint(colour_of(v->status), padded(catalog::to_string(v->status), 5)) << " "
          << padded(catalog::to_string(v->level), 6) << " " << padded(v->id, kIdWidth) << " " << v->scope.label()
          << "\n";
      const bool explain = v->status != Status::pass;
      const std::string line = explain ? detail::detail_line(*v) : v->actual;
      if (!line.empty()) out << "        " << line << "\n";
      if (!explain) continue;
      for (std::size_t i = 0; i < v->evidence.size() && i < kEvidenceShown; ++i)
        out << "        - " << (v->evidence[i].host.empty() ? "" : v->evidence[i].host + ": ") << v->evidence[i].summary
            << "\n";
      if (v->evidence.size() > kEvidenceShown)
        out << "        (" << v->evidence.size() - kEvidenceShown << " more in the JSON or HTML report)\n";
    }
  }
  const auto s = catalog::summarize(r.verdicts);
  out << "\n"
      << paint(kBold, "Summary:") << " " << s.pass << " PASS, " << s.fail << " FAIL, " << s.warn << " WARN, " << s.skip
      << " SKIP (" << s.not_measured << " not measured), " << s.error << " ERROR of " << s.total() << "; "
      << paint(colour_of(s.every_must_met() ? Status::pass : Status::fail), detail::must_line(s)) << "\n";
}

}  // namespace v6c::report
