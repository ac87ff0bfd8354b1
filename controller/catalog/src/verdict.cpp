#include "v6c/catalog/verdict.hpp"

#include <algorithm>

#include "v6c/model/names.hpp"

namespace v6c::catalog {

namespace {
using model::name_in;
using model::NameTable;
using model::value_in;

constexpr NameTable<Level, 3> kLevelNames = {{{Level::must, "MUST"}, {Level::should, "SHOULD"}, {Level::may, "MAY"}}};
constexpr NameTable<Status, 5> kStatusNames = {
    {{Status::pass, "PASS"}, {Status::fail, "FAIL"}, {Status::warn, "WARN"}, {Status::skip, "SKIP"}, {Status::error, "ERROR"}}};
constexpr NameTable<Section, 7> kSectionNames = {{{Section::api, "api"},
                                                  {Section::ra, "ra"},
                                                  {Section::address, "address"},
                                                  {Section::dhcp6, "dhcp6"},
                                                  {Section::connectivity, "connectivity"},
                                                  {Section::security, "security"},
                                                  {Section::slow, "slow"}}};
}  // namespace

std::string_view to_string(Level l) { return name_in(kLevelNames, l); }
std::string_view to_string(Status s) { return name_in(kStatusNames, s); }
std::string_view to_string(Section s) { return name_in(kSectionNames, s); }
std::optional<Level> parse_level(std::string_view text) { return value_in(kLevelNames, text); }
std::optional<Status> parse_status(std::string_view text) { return value_in(kStatusNames, text); }
std::optional<Section> parse_section(std::string_view text) { return value_in(kSectionNames, text); }

Outcome pass(std::string expected, std::string actual, std::vector<Evidence> ev) {
  return {Status::pass, std::move(expected), std::move(actual), "", std::move(ev)};
}
Outcome fail(std::string expected, std::string actual, std::vector<Evidence> ev) {
  return {Status::fail, std::move(expected), std::move(actual), "", std::move(ev)};
}
Outcome skip(std::string reason) { return {Status::skip, "", "", std::move(reason), {}}; }
Outcome not_measured(std::string reason) { return {Status::skip, "", "", std::move(reason), {}, true}; }
Outcome error(std::string reason, std::vector<Evidence> ev) {
  return {Status::error, "", "", std::move(reason), std::move(ev)};
}

namespace {

void append_unique(std::string& into, const std::string& part) {
  if (part.empty()) return;
  // Parts repeat when several VMs expect the same thing; say it once.
  if (into == part || into.find("; " + part) != std::string::npos || into.rfind(part + "; ", 0) == 0) return;
  if (!into.empty()) into += "; ";
  into += part;
}

}  // namespace

Outcome combine(std::vector<Outcome> parts) {
  if (parts.empty()) return error("nothing was measured");
  auto any = [&](Status s) {
    return std::any_of(parts.begin(), parts.end(), [s](const Outcome& o) { return o.status == s; });
  };
  // A part not measured beside parts that passed leaves the whole not measured, never PASS;
  // a part that does not apply decides nothing.
  const bool unmeasured =
      std::any_of(parts.begin(), parts.end(), [](const Outcome& o) { return o.status == Status::skip && o.not_measured; });
  Status decided = any(Status::fail)                 ? Status::fail
                   : any(Status::error)              ? Status::error
                   : !unmeasured && any(Status::pass) ? Status::pass
                                                     : Status::skip;
  Outcome out;
  out.status = decided;
  out.not_measured = decided == Status::skip && unmeasured;
  // Expected/actual/reason come from the parts that decided; evidence from all of them,
  // so a report shows the VMs that passed next to the one that failed.
  for (auto& p : parts) {
    if (p.status == decided) {
      append_unique(out.expected, p.expected);
      append_unique(out.actual, p.actual);
      append_unique(out.reason, p.reason);
    }
    for (auto& e : p.evidence) out.evidence.push_back(std::move(e));
  }
  std::string measured;
  for (const auto& p : parts)
    if (decided == Status::skip && p.status == Status::pass) append_unique(measured, p.actual);
  if (!measured.empty()) out.reason += "; measured: " + measured;
  return out;
}

std::string Scope::label() const {
  if (global()) return "global";
  return mode ? network + " (" + std::string(model::to_string(*mode)) + ")" : network;
}

Status apply_level(Level level, Status outcome) {
  if (outcome == Status::fail && level != Level::must) return Status::warn;
  return outcome;
}

}  // namespace v6c::catalog
