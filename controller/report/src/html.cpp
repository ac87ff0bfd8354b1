// One self-contained HTML page (no external assets): summary, a table of every verdict, then
// each verdict with its evidence, decoded packets and links to the pcaps.
#include <ostream>

#include "diagram.hpp"
#include "util.hpp"
#include "v6c/catalog/evidence.hpp"
#include "v6c/report/report.hpp"

namespace v6c::report {

namespace {

using catalog::Status;
using detail::xml_escape;

constexpr const char* kStyle = R"(
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 80em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .25em .5em; border-bottom: 1px solid #eee; vertical-align: top; }
.st { font-weight: bold; padding: .1em .4em; border-radius: .2em; color: #fff; white-space: nowrap; }
.PASS { background: #2e7d32; } .FAIL { background: #c62828; } .WARN { background: #ef6c00; }
.SKIP { background: #607d8b; } .ERROR { background: #6a1b9a; }
.counts span { margin-right: 1em; }
details { margin: .4em 0; border: 1px solid #ddd; border-radius: .3em; padding: .3em .6em; }
summary { cursor: pointer; }
pre { background: #f6f6f6; padding: .5em; overflow-x: auto; font-size: .9em; }
.muted { color: #666; }
figure { margin: .6em 0; overflow-x: auto; } figcaption { color: #666; font-size: .85em; }
svg.diagram { display: block; background: #fff; }
)";

std::string badge(Status s) {
  const std::string name(catalog::to_string(s));
  return "<span class=\"st " + name + "\">" + name + "</span>";
}

}  // namespace

void render_html(const Result& r, std::ostream& out) {
  const auto s = catalog::summarize(r.verdicts);
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      << "<title>v6conform report: " << xml_escape(r.facts.source) << "</title>\n<style>" << kStyle << "</style></head><body>\n"
      << "<h1>v6conform IPv6 conformance report</h1>\n"
      << "<p class=\"muted\">v6conform " << xml_escape(r.tool_version) << ", catalogue " << xml_escape(r.catalog_version)
      << " (" << xml_escape(r.catalog_file) << "), facts from " << xml_escape(r.facts.source) << " "
      << xml_escape(r.facts.backend) << "; started " << xml_escape(r.started) << ", finished " << xml_escape(r.finished)
      << "</p>\n<p class=\"counts\">"
      << "<span>" << badge(Status::pass) << " " << s.pass << "</span><span>" << badge(Status::fail) << " " << s.fail
      << "</span><span>" << badge(Status::warn) << " " << s.warn << "</span><span>" << badge(Status::skip) << " " << s.skip
      << " (" << s.not_measured << " not measured)</span><span>" << badge(Status::error) << " " << s.error
      << "</span><strong>" << xml_escape(detail::must_line(s)) << "</strong></p>\n";

  out << "<h2>Topology</h2>\n<figure>\n";
  detail::topology_svg(r.facts, out);
  out << "<figcaption>what was tested, from the facts: networks, router, VMs and their roles</figcaption></figure>\n";

  out << "<h2>Summary</h2>\n<table><tr><th>status</th><th>level</th><th>requirement</th><th>scope</th><th>detail</th></tr>\n";
  for (const auto& v : r.verdicts)
    out << "<tr><td>" << badge(v.status) << "</td><td>" << catalog::to_string(v.level) << "</td><td><a href=\"#"
        << xml_escape(detail::verdict_key(v)) << "\">" << xml_escape(v.id) << "</a></td><td>" << xml_escape(v.scope.label())
        << "</td><td>" << xml_escape(v.status == Status::pass ? v.actual : detail::detail_line(v)) << "</td></tr>\n";
  out << "</table>\n";

  for (const auto& section : detail::by_section(r)) {
    out << "<h2>" << xml_escape(section.section) << "</h2>\n";
    for (const auto* v : section.verdicts) {
      out << "<details id=\"" << xml_escape(detail::verdict_key(*v)) << "\"" << (v->status == Status::pass ? "" : " open")
          << "><summary>" << badge(v->status) << " <strong>" << xml_escape(v->id) << "</strong> "
          << xml_escape(v->scope.label()) << " <span class=\"muted\">" << catalog::to_string(v->level) << ", "
          << xml_escape(v->source) << (v->scs_id.empty() ? "" : ", " + xml_escape(v->scs_id)) << "</span></summary>\n"
          << "<p>" << xml_escape(v->text) << "</p>\n<table>\n";
      if (!v->expected.empty()) out << "<tr><th>expected</th><td>" << xml_escape(v->expected) << "</td></tr>\n";
      if (!v->actual.empty()) out << "<tr><th>actual</th><td>" << xml_escape(v->actual) << "</td></tr>\n";
      if (!v->reason.empty()) out << "<tr><th>reason</th><td>" << xml_escape(v->reason) << "</td></tr>\n";
      out << "</table>\n";
      detail::ladder_figures(*v, r.facts, out);
      for (const auto& e : v->evidence) {
        out << "<p>" << xml_escape(e.host.empty() ? "" : e.host + " ") << "<span class=\"muted\">" << xml_escape(e.procedure)
            << "</span>: " << xml_escape(e.summary);
        if (!e.pcap.empty() && e.packet > 0)
          out << " <a href=\"" << xml_escape(e.pcap) << "\">" << xml_escape(e.pcap) << " #" << e.packet << "</a>";
        if (e.time_us > 0) out << " <span class=\"muted\">at " << catalog::clock_time(e.time_us) << "</span>";
        out << "</p>\n";
        if (!e.decoded.empty()) out << "<pre>" << xml_escape(e.decoded) << "</pre>\n";
      }
      out << "</details>\n";
    }
  }
  out << "<h2>Facts</h2>\n<details><summary>what the network should look like</summary><pre>"
      << xml_escape(nlohmann::json(r.facts).dump(2, ' ', false, nlohmann::json::error_handler_t::replace))
      << "</pre></details>\n</body></html>\n";
}

}  // namespace v6c::report
