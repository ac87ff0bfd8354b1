// Shared by the renderers: escaping, ordering and the words a verdict is shown with.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "v6c/catalog/catalog.hpp"
#include "v6c/catalog/evaluator.hpp"

namespace v6c::report::detail {

std::string xml_escape(std::string_view s);  // also fine for HTML text and attributes

// Verdicts grouped by section, in the catalogue's section order; sections without verdicts left out.
struct SectionVerdicts {
  std::string section;  // its name
  std::vector<const catalog::Verdict*> verdicts;
};
std::vector<SectionVerdicts> by_section(const catalog::Result& r);

// "expected …; actual …" or the reason, whichever the verdict carries; a SKIP that applied
// but was not measured says so first.
std::string detail_line(const catalog::Verdict& v);
// The run's MUST line: "every MUST met" only when every MUST that applies was measured and
// met; else "N MUST not met (F failed, M not measured)".
std::string must_line(const catalog::Summary& s);
// A stable anchor / test name: "ra-mtu@net1".
std::string verdict_key(const catalog::Verdict& v);

}  // namespace v6c::report::detail
