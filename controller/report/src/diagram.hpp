// Pictures for the HTML report, as inline SVG: the tested topology and the exchange a verdict
// rests on as a ladder diagram. Pure functions of the result; every string from it is escaped.
#pragma once
#include <iosfwd>

#include "v6c/catalog/evaluator.hpp"

namespace v6c::report::detail {

// The networks, the router, the VMs with their roles, what lies beyond the router and which
// VM attacks which. Nothing when the facts hold no network.
void topology_svg(const model::Facts& f, std::ostream& out);

// One ladder diagram per observing host among the verdict's evidence (from the exchanges its
// evidence carries), the packets the verdict cites in bold. Nothing when no evidence has one.
void ladder_figures(const catalog::Verdict& v, const model::Facts& f, std::ostream& out);

}  // namespace v6c::report::detail
