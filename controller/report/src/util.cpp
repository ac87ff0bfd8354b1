#include "util.hpp"

namespace v6c::report::detail {

namespace {

// Length of the valid UTF-8 sequence starting at s[i] (RFC 3629 §4), 0 when it is not one:
// strings from the wire (DNSSL names, DHCPv6 status messages) may hold any bytes, and one
// stray byte makes a whole XML file unreadable.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
  const unsigned c = byte(i);
  if (c < 0x80) return 1;
  std::size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (n == 0) return 0;
  // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
  const unsigned lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
  const unsigned hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  return n;
}

}  // namespace

std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      const auto n = utf8_length(s, i);
      if (n == 0) {
        out += "\uFFFD";  // the replacement character for a byte that is not UTF-8
        continue;
      }
      out += s.substr(i, n);
      i += n - 1;
      continue;
    }
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
  for (auto section : catalog::kSections) {
    SectionVerdicts s{std::string(catalog::to_string(section)), {}};
    for (const auto& v : r.verdicts)
      if (v.section == section) s.verdicts.push_back(&v);
    if (!s.verdicts.empty()) out.push_back(std::move(s));
  }
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
