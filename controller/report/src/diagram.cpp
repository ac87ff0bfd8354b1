// Inline SVG for the HTML report. Layout is computed from the data: labels are set in a
// monospace font, so a label's width follows from its length and boxes and lanes fit their text.
// Every string drawn comes from the result (names, addresses, decoded wire data) and is escaped.
#include "diagram.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "util.hpp"

namespace v6c::report::detail {

namespace {

using catalog::Frame;
using model::Facts;
using model::Port;

constexpr double kCharPx = 7.3;  // advance of a 12 px monospace glyph (0.6 em, with some slack)
constexpr int kPad = 8;          // around text inside a box or beside an arrow
constexpr int kLinePx = 16;      // one line of text
constexpr int kMargin = 10;
constexpr int kGap = 16;         // between boxes in a row
constexpr int kTier = 40;        // vertical distance between tiers of the topology
constexpr int kArcPx = 30;       // depth of the attacker → victim arc below the VMs
constexpr int kHeadPx = 8;       // arrowhead length
constexpr int kRowPx = 32;       // one frame of a ladder
constexpr int kTimeColPx = 96;   // ladder times: "+1234.5 ms"
constexpr int kMinLanePx = 150, kMaxLanePx = 460;
constexpr std::size_t kMaxLabelChars = 64;

std::size_t glyphs(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}
int text_px(std::string_view s) { return static_cast<int>(static_cast<double>(glyphs(s)) * kCharPx) + 2 * kPad; }

// The first `max` glyphs of s, "…" when cut (never inside a UTF-8 sequence).
std::string fit(const std::string& s, std::size_t max) {
  if (glyphs(s) <= max) return s;
  std::size_t n = 0, i = 0;
  for (; i < s.size(); ++i)
    if ((s[i] & 0xC0) != 0x80 && ++n == std::max<std::size_t>(max, 1)) break;
  return s.substr(0, i) + "…";
}

// The body of one SVG and how far it reaches, written out once its size is known.
struct Canvas {
  std::ostringstream body;
  int width = 0, height = 0;
  void grow(int x, int y) {
    width = std::max(width, x + kMargin);
    height = std::max(height, y + kMargin);
  }
  void text(int x, int y, std::string_view s, std::string_view attrs = "") {
    body << "<text x=\"" << x << "\" y=\"" << y << "\"" << (attrs.empty() ? "" : " ") << attrs << ">" << xml_escape(s)
         << "</text>\n";
  }
  void line(int x1, int y1, int x2, int y2, std::string_view attrs = "") {
    // The default colour unless attrs names one: an attribute given twice is not XML.
    const bool coloured = attrs.find("stroke=") != std::string_view::npos;
    body << "<line x1=\"" << x1 << "\" y1=\"" << y1 << "\" x2=\"" << x2 << "\" y2=\"" << y2 << "\""
         << (coloured ? "" : " stroke=\"#444\"") << (attrs.empty() ? "" : " ") << attrs << "/>\n";
  }
  // A filled triangle pointing at (x, y) from direction (dx, dy), each -1, 0 or 1.
  void head(int x, int y, int dx, int dy) {
    const int bx = x - dx * kHeadPx, by = y - dy * kHeadPx, hw = kHeadPx / 2;
    body << "<polygon points=\"" << x << "," << y << " " << bx - dy * hw << "," << by - dx * hw << " " << bx + dy * hw
         << "," << by + dx * hw << "\" fill=\"#444\"/>\n";
  }
  void write(std::ostream& out, const std::string& title) const {
    out << "<svg class=\"diagram\" width=\"" << width << "\" height=\"" << height << "\" viewBox=\"0 0 " << width << " "
        << height << "\" role=\"img\" font-family=\"monospace\" font-size=\"12\"><title>" << xml_escape(title)
        << "</title>\n"
        << body.str() << "</svg>\n";
  }
};

struct Box {
  int x = 0, y = 0, w = 0, h = 0;
  int cx() const { return x + w / 2; }
  int bottom() const { return y + h; }
};

// A box sized to its lines (each cut to kMaxLabelChars), the first in bold.
Box draw_box(Canvas& c, int x, int y, const std::vector<std::string>& lines) {
  Box b{x, y, 0, static_cast<int>(lines.size()) * kLinePx + kPad};
  for (const auto& l : lines) b.w = std::max(b.w, text_px(fit(l, kMaxLabelChars)));
  c.body << "<rect x=\"" << b.x << "\" y=\"" << b.y << "\" width=\"" << b.w << "\" height=\"" << b.h
         << "\" rx=\"4\" fill=\"#fff\" stroke=\"#444\"/>\n";
  for (std::size_t i = 0; i < lines.size(); ++i)
    c.text(x + kPad, y + kLinePx * static_cast<int>(i + 1), fit(lines[i], kMaxLabelChars),
           i == 0 ? "font-weight=\"bold\"" : "");
  c.grow(b.x + b.w, b.bottom());
  return b;
}

std::vector<std::vector<std::string>> upstream_boxes(const Facts& f) {
  std::vector<std::vector<std::string>> out;
  if (f.external_target) out.push_back({"external target", f.external_target->str()});
  if (f.far_target)
    out.push_back({"far host", f.far_target->str(),
                   f.far_mtu ? "behind a link of MTU " + std::to_string(*f.far_mtu) : "behind the router"});
  return out;
}

std::string network_label(const model::Network& n) {
  const auto& s = n.subnet;
  std::string out = n.name + " · " + std::string(model::to_string(s.mode)) + " · " + s.prefix.str() + "/" + std::to_string(s.prefix_length);
  if (n.router_port) out += " · router " + (n.router_port->fixed_ips.empty() ? n.router_port->mac.str() : n.router_port->fixed_ips.front().str());
  return out + " · MTU " + std::to_string(n.mtu);
}

// An arc below the row from each attacker to each victim, labelled, the arrowhead at the victim.
void draw_attacks(Canvas& c, const std::vector<std::pair<const Port*, Box>>& vms) {
  for (const auto& [attacker, a] : vms) {
    if (attacker->role != model::Role::attacker) continue;
    for (const auto& [victim, v] : vms) {
      if (victim->role != model::Role::victim) continue;
      const int low = std::max(a.bottom(), v.bottom()) + kArcPx;
      c.body << "<path d=\"M" << a.cx() << "," << a.bottom() << " C" << a.cx() << "," << low << " " << v.cx() << ","
             << low << " " << v.cx() << "," << v.bottom() + kHeadPx << "\" fill=\"none\" stroke=\"#444\" stroke-width=\"2\" "
             << "stroke-dasharray=\"6 3\"/>\n";
      c.head(v.cx(), v.bottom(), 0, -1);
      const std::string label = attacker->name + " attacks " + victim->name;
      c.text((a.cx() + v.cx()) / 2, low + kLinePx / 2, label, "text-anchor=\"middle\" font-weight=\"bold\"");
      c.grow((a.cx() + v.cx()) / 2 + text_px(label) / 2, low + kLinePx);
    }
  }
}

// A network as a bus from the router's trunk, its VMs below it; returns where the next one starts.
int draw_network(Canvas& c, const model::Network& n, int trunk_x, int y) {
  const int bus_y = y + kLinePx;
  const std::string label = network_label(n);
  c.text(trunk_x + kPad, y + kLinePx / 2, label, "font-weight=\"bold\"");
  std::vector<std::pair<const Port*, Box>> vms;
  int x = trunk_x + 2 * kGap, bottom = bus_y;
  for (const auto& p : n.ports) {
    std::vector<std::string> lines{p.name, "VM, " + std::string(model::to_string(p.role))};
    if (!p.fixed_ips.empty()) lines.push_back(p.fixed_ips.front().str());
    const Box b = draw_box(c, x, bus_y + kGap, lines);
    c.line(b.cx(), bus_y, b.cx(), b.y);
    vms.emplace_back(&p, b);
    x = b.x + b.w + kGap;
    bottom = std::max(bottom, b.bottom());
  }
  const int bus_end = std::max(x, trunk_x + text_px(label) + kPad);
  c.line(trunk_x, bus_y, bus_end, bus_y, "stroke-width=\"3\"");
  c.grow(bus_end, bottom);
  draw_attacks(c, vms);
  return std::max(bottom, c.height - kMargin) + kTier / 2;
}

}  // namespace

void topology_svg(const Facts& f, std::ostream& out) {
  if (f.networks.empty()) return;
  Canvas c;
  std::vector<Box> upstream;
  int x = kMargin, tier_bottom = kMargin;
  for (const auto& lines : upstream_boxes(f)) {
    upstream.push_back(draw_box(c, x, kMargin, lines));
    x = upstream.back().x + upstream.back().w + kGap;
    tier_bottom = std::max(tier_bottom, upstream.back().bottom());
  }
  const int router_y = upstream.empty() ? kMargin : tier_bottom + kTier;
  std::vector<std::string> router_lines{"router"};
  if (!f.backend.empty()) router_lines.push_back(f.backend);
  const Box router = draw_box(c, kMargin, router_y, router_lines);
  for (const auto& u : upstream) c.line(u.cx(), u.bottom(), router.cx(), router.y);
  int y = router.bottom() + kTier / 2, last_bus = router.bottom();
  for (const auto& n : f.networks) {
    last_bus = y + kLinePx;
    y = draw_network(c, n, router.cx(), y);
  }
  c.line(router.cx(), router.bottom(), router.cx(), last_bus, "stroke-width=\"3\"");
  c.write(out, "tested topology: " + std::to_string(f.networks.size()) + " network(s) behind one router");
}

namespace {

const Port* find_port(const Facts& f, const auto& match) {
  for (const auto& n : f.networks) {
    if (n.router_port && match(*n.router_port)) return &*n.router_port;
    for (const auto& p : n.ports)
      if (match(p)) return &p;
  }
  return nullptr;
}

std::string group_name(const wire::Ip6& a) {
  if (a == wire::kAllNodes) return " (all nodes)";
  if (a == wire::kAllRouters) return " (all routers)";
  if (a == wire::kAllDhcpAgents) return " (DHCPv6 agents)";
  return "";
}

// Who a frame's end is: the port holding the address, the upstream hosts, a multicast group;
// a link-local or unspecified address by the port with its MAC; else the address as it is.
std::string lane_name(const Facts& f, const std::string& addr, const std::string& mac) {
  if (auto ip = wire::Ip6::parse(addr)) {
    if (auto* p = find_port(f, [&](const Port& p) { return std::ranges::count(p.fixed_ips, *ip) > 0; })) return p->name;
    if (f.external_target == ip) return "external target";
    if (f.far_target == ip) return "far host";
    if (ip->is_multicast()) return addr + group_name(*ip);
    if (!ip->is_link_local() && !ip->is_unspecified()) return addr;
  }
  if (auto* p = find_port(f, [&](const Port& p) { return !mac.empty() && p.mac.str() == mac; })) return p->name;
  return addr.empty() ? "?" : addr;
}

std::string frame_label(const Frame& fr) {
  return fit((fr.packet > 0 ? "#" + std::to_string(fr.packet) + " " : std::string()) + fr.message, kMaxLabelChars);
}

std::string since(std::int64_t t, std::int64_t t0) {
  if (t == 0 || t0 == 0) return "";
  const double ms = static_cast<double>(t - t0) / 1000.0;
  char buf[32];
  if (ms < 1000) std::snprintf(buf, sizeof buf, "+%.1f ms", ms);
  else std::snprintf(buf, sizeof buf, "+%.3f s", ms / 1000);
  return buf;
}

struct Ladder {
  std::vector<std::string> lanes;     // in order of first appearance
  std::vector<std::pair<int, int>> ends;  // per frame: from lane, to lane
  int lane_px = kMinLanePx;
};

Ladder lay_out(const std::vector<Frame>& frames, const Facts& f) {
  Ladder l;
  auto lane = [&](const std::string& addr, const std::string& mac) {
    const auto name = lane_name(f, addr, mac);
    auto it = std::find(l.lanes.begin(), l.lanes.end(), name);
    if (it != l.lanes.end()) return static_cast<int>(it - l.lanes.begin());
    l.lanes.push_back(name);
    return static_cast<int>(l.lanes.size()) - 1;
  };
  for (const auto& fr : frames) {
    const int from = lane(fr.from, fr.from_mac);
    l.ends.emplace_back(from, lane(fr.to, fr.to_mac));
  }
  for (const auto& name : l.lanes) l.lane_px = std::max(l.lane_px, text_px(fit(name, kMaxLabelChars)));
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const int span = std::max(1, std::abs(l.ends[i].first - l.ends[i].second));
    l.lane_px = std::max(l.lane_px, text_px(frame_label(frames[i])) / span);
  }
  l.lane_px = std::min(l.lane_px, kMaxLanePx);
  return l;
}

// One frame: an arrow between two lanes (a short stub when both ends are one lane), its label
// above it, bold when the verdict cites it, dashed when the agent only counted it.
void draw_frame(Canvas& c, const Frame& fr, int x1, int x2, int y, bool cited) {
  const int dir = x2 >= x1 ? 1 : -1;
  if (x1 == x2) x2 = x1 + kMinLanePx / 3;
  std::string style = cited ? "stroke-width=\"2.5\"" : "stroke-width=\"1.2\"";
  if (fr.reported) style += " stroke-dasharray=\"6 4\"";
  c.line(x1, y, x2 - dir * kHeadPx, y, style);
  c.head(x2, y, dir, 0);
  const std::size_t room = static_cast<std::size_t>(std::max(std::abs(x2 - x1) - 2 * kPad, 0) / kCharPx);
  const std::string label = fit(frame_label(fr), std::max<std::size_t>(room, 8));
  c.text((x1 + x2) / 2, y - 5, label, cited ? "text-anchor=\"middle\" font-weight=\"bold\"" : "text-anchor=\"middle\"");
}

void ladder_svg(const std::vector<Frame>& frames, const Facts& f, const std::set<std::uint32_t>& cited,
                const std::string& title, std::ostream& out) {
  const Ladder l = lay_out(frames, f);
  auto lane_x = [&](int i) { return kTimeColPx + l.lane_px / 2 + i * l.lane_px; };
  const int top = kMargin + kLinePx, first_row = top + kRowPx;
  const int bottom = first_row + static_cast<int>(frames.size() - 1) * kRowPx + kRowPx / 2;
  Canvas c;
  for (std::size_t i = 0; i < l.lanes.size(); ++i) {
    const int x = lane_x(static_cast<int>(i));
    c.text(x, top, fit(l.lanes[i], static_cast<std::size_t>(l.lane_px / kCharPx) - 1),
           "text-anchor=\"middle\" font-weight=\"bold\"");
    c.line(x, top + kPad, x, bottom, "stroke=\"#999\" stroke-width=\"1\"");
  }
  const auto t0 = std::find_if(frames.begin(), frames.end(), [](const Frame& fr) { return fr.time_us > 0; });
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const int y = first_row + static_cast<int>(i) * kRowPx;
    c.text(kMargin, y + 4, since(frames[i].time_us, t0 == frames.end() ? 0 : t0->time_us));
    const bool is_cited = frames[i].packet > 0 && cited.count(frames[i].packet) > 0;
    draw_frame(c, frames[i], lane_x(l.ends[i].first), lane_x(l.ends[i].second), y, is_cited);
  }
  c.grow(lane_x(static_cast<int>(l.lanes.size()) - 1) + l.lane_px / 2, bottom);
  c.write(out, title);
}

}  // namespace

void ladder_figures(const catalog::Verdict& v, const Facts& f, std::ostream& out) {
  std::vector<std::string> hosts;
  for (const auto& e : v.evidence)
    if (!e.exchange.empty() && std::ranges::count(hosts, e.host) == 0) hosts.push_back(e.host);
  // One ladder per observer: the exchanges of its procedures merged in time, so the attacks
  // on one victim, or an RA and the DAD that followed it, read as one story.
  for (const auto& host : hosts) {
    std::vector<Frame> frames;
    std::set<std::string> procedures;
    std::set<std::uint32_t> cited;
    for (const auto& e : v.evidence) {
      if (e.host != host) continue;
      if (e.packet > 0) cited.insert(e.packet);
      if (procedures.insert(e.procedure).second) frames.insert(frames.end(), e.exchange.begin(), e.exchange.end());
    }
    std::stable_sort(frames.begin(), frames.end(), [](const Frame& a, const Frame& b) { return a.time_us < b.time_us; });
    std::string what = host.empty() ? "" : host + ":";
    for (const auto& p : procedures) what += " " + p;
    out << "<figure class=\"ladder\">\n";
    ladder_svg(frames, f, cited, "exchange seen by " + what, out);
    out << "<figcaption>" << xml_escape(what)
        << " (time from the first frame; bold: the packets this verdict cites, # their number in the pcap; dashed: "
           "counted by the agent, not a recorded packet)</figcaption></figure>\n";
  }
}

}  // namespace v6c::report::detail
