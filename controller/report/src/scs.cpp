// The SCS compliance harness contract (Tests/scs_cert_lib.py): "<id>: PASS|FAIL|ABORT" on
// stdout, one per testcase; log lines counted by prefix, ERROR and CRITICAL failing the run,
// so ERROR is used only for a MUST the cloud violates.
#include <algorithm>
#include <map>
#include <ostream>

#include "util.hpp"
#include "v6c/report/report.hpp"

namespace v6c::report {

namespace {

using catalog::Status;

void log_line(std::ostream& log, const std::string& scs_id, const catalog::Verdict& v) {
  const std::string what = scs_id + " (" + v.id + ", " + v.scope.label() + ")";
  const std::string detail = detail::detail_line(v);
  switch (v.status) {
    case Status::fail: log << "ERROR: " << what << " failed: " << detail << "\n"; break;
    case Status::warn: log << "WARNING: " << what << " not met (" << catalog::to_string(v.level) << "): " << detail << "\n"; break;
    case Status::error: log << "WARNING: " << what << " could not be measured: " << detail << "\n"; break;
    case Status::skip:
      // The SCS reference tests pass what does not apply, saying why on an INFO line.
      if (v.not_measured) log << "WARNING: " << what << " " << detail << "\n";
      else log << "INFO: " << what << " does not apply here: " << detail << "\n";
      break;
    case Status::pass: log << "INFO: " << what << " passed\n"; break;
  }
}

}  // namespace

std::string_view scs_verdict(const std::vector<const catalog::Verdict*>& vs) {
  if (vs.empty()) return "ABORT";  // nothing was determined
  auto any = [&](Status s) { return std::any_of(vs.begin(), vs.end(), [s](const auto* v) { return v->status == s; }); };
  if (any(Status::fail) || any(Status::warn)) return "FAIL";
  if (std::all_of(vs.begin(), vs.end(), [](const auto* v) { return v->met_or_not_applicable(); })) return "PASS";
  return "ABORT";  // not measured: the harness's "could not determine", never counted as passed
}

void render_scs(const Result& r, std::ostream& out, std::ostream& log, const std::vector<std::string>& only) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<const catalog::Verdict*>> by_id;
  for (const auto& v : r.verdicts) {
    if (v.scs_id.empty()) continue;
    if (!only.empty() && std::find(only.begin(), only.end(), v.scs_id) == only.end()) continue;
    if (!by_id.contains(v.scs_id)) order.push_back(v.scs_id);
    by_id[v.scs_id].push_back(&v);
  }
  for (const auto& id : order) {
    for (const auto* v : by_id[id]) log_line(log, id, *v);
    out << id << ": " << scs_verdict(by_id[id]) << "\n";
  }
  // The harness expects a line for every id it asked for.
  for (const auto& id : only)
    if (!by_id.contains(id)) {
      log << "WARNING: " << id << " is not a testcase of this catalogue\n";
      out << id << ": ABORT\n";
    }
}

}  // namespace v6c::report
