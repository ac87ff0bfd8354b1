// JUnit XML as Jenkins, GitLab and most CI systems read it (docs/junit.xsd): one testsuite per
// section, one testcase per requirement × scope. WARN passes (a SHOULD is not a build
// failure) but says so in system-out.
#include <ostream>

#include "util.hpp"
#include "v6c/report/report.hpp"

namespace v6c::report {

void render_junit(const Result& r, std::ostream& out) {
  using catalog::Status;
  using detail::xml_escape;
  const auto total = catalog::summarize(r.verdicts);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites name=\"v6conform\" tests=\"" << total.total() << "\" failures=\"" << total.fail << "\" errors=\""
      << total.error << "\" time=\"0\">\n";
  int suite_id = 0;
  for (const auto& section : detail::by_section(r)) {
    catalog::Summary s = catalog::summarize([&] {
      std::vector<catalog::Verdict> v;
      for (const auto* p : section.verdicts) v.push_back(*p);
      return v;
    }());
    out << "  <testsuite name=\"v6conform." << xml_escape(section.section) << "\" id=\"" << suite_id++ << "\" tests=\""
        << s.total() << "\" failures=\"" << s.fail << "\" errors=\"" << s.error << "\" skipped=\"" << s.skip
        << "\" time=\"0\" timestamp=\"" << xml_escape(r.started) << "\">\n";
    out << "    <properties>\n"
        << "      <property name=\"catalog.version\" value=\"" << xml_escape(r.catalog_version) << "\"/>\n"
        << "      <property name=\"facts.source\" value=\"" << xml_escape(r.facts.source) << "\"/>\n"
        << "      <property name=\"must\" value=\"" << xml_escape(detail::must_line(total)) << "\"/>\n"
        << "      <property name=\"skipped.not_measured\" value=\"" << s.not_measured << "\"/>\n"
        << "    </properties>\n";
    for (const auto* v : section.verdicts) {
      out << "    <testcase name=\"" << xml_escape(v->id + " [" + v->scope.label() + "]") << "\" classname=\"v6conform."
          << xml_escape(section.section) << "\" time=\"0\">\n";
      const std::string message = xml_escape(detail::detail_line(*v));
      switch (v->status) {
        case Status::fail:
          out << "      <failure message=\"" << message << "\" type=\"" << catalog::to_string(v->level) << "\">"
              << message << "</failure>\n";
          break;
        case Status::error:
          out << "      <error message=\"" << message << "\" type=\"not measured\">" << message << "</error>\n";
          break;
        case Status::skip: out << "      <skipped message=\"" << message << "\"/>\n"; break;
        case Status::pass:
        case Status::warn: break;
      }
      std::string text = std::string(catalog::to_string(v->status)) + " " + std::string(catalog::to_string(v->level)) +
                         " " + v->id + " (" + v->source + "): " + v->text + "\n" + detail::detail_line(*v) + "\n";
      for (const auto& e : v->evidence) text += "- " + (e.host.empty() ? "" : e.host + ": ") + e.summary + "\n";
      out << "      <system-out>" << xml_escape(text) << "</system-out>\n"
          << "    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

}  // namespace v6c::report
