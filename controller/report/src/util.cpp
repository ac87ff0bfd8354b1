#include "util.hpp"

namespace v6c::report::detail {

std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters; a decoded packet should never carry them.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') out += '?';
        else out += c;
    }
  }
  return out;
}

std::vector<SectionVerdicts> by_section(const catalog::Result& r) {
  std::vector<SectionVerdicts> out;
  auto add = [&](const std::string& section) {
    SectionVerdicts s{section, {}};
    for (const auto& v : r.verdicts)
      if (v.section == section) s.verdicts.push_back(&v);
    if (!s.verdicts.empty()) out.push_back(std::move(s));
  };
  for (auto s : catalog::kSections) add(std::string(s));
  return out;
}

std::string detail_line(const catalog::Verdict& v) {
  std::string out = v.not_measured ? "not measured" : "";
  if (!v.expected.empty()) out += (out.empty() ? "" : "; ") + std::string("expected ") + v.expected;
  if (!v.actual.empty()) out += (out.empty() ? "" : "; ") + std::string("actual ") + v.actual;
  if (!v.reason.empty()) out += (out.empty() ? "" : "; ") + v.reason;
  return out;
}

std::string must_line(const catalog::Summary& s) {
  if (s.every_must_met()) return "every MUST met";
  return std::to_string(s.must_not_met) + " MUST not met (" + std::to_string(s.must_not_met - s.must_not_measured) +
         " failed, " + std::to_string(s.must_not_measured) + " not measured)";
}

std::string verdict_key(const catalog::Verdict& v) {
  return v.scope.global() ? v.id : v.id + "@" + v.scope.network;
}

}  // namespace v6c::report::detail
