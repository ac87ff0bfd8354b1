#include "v6c/catalog/evidence.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <sstream>

namespace v6c::catalog {

namespace {

constexpr std::int64_t kUsPerSecond = 1'000'000;
constexpr std::int64_t kUsPerMs = 1'000;

std::string lifetime(std::uint32_t s) {
  return s == wire::kInfiniteLifetime ? "infinite" : std::to_string(s) + " s";
}

std::string join_addrs(const std::vector<wire::Ip6>& v) {
  std::string out;
  for (const auto& a : v) out += (out.empty() ? "" : ", ") + a.str();
  return out;
}

struct FieldWriter {
  std::ostringstream& o;

  void operator()(const wire::Malformed& m) const { o << "malformed: " << m.what << " (" << m.bytes << " bytes)\n"; }
  void operator()(const wire::OtherPacket& m) const {
    o << "next header: " << int(m.next_header) << "\n";
    if (m.icmp_type) o << "ICMPv6 type: " << int(m.icmp_type) << "\n";
    if (m.src_port || m.dst_port) o << "UDP ports: " << m.src_port << " → " << m.dst_port << "\n";
    o << "payload: " << m.payload_bytes << " bytes\n";
  }
  void operator()(const wire::RouterSolicit& m) const {
    if (m.source_lla) o << "source link-layer address: " << m.source_lla->str() << "\n";
  }
  void operator()(const wire::RouterAdvert& m) const {
    o << "code: " << int(m.code) << "\n"
      << "cur hop limit: " << int(m.cur_hop_limit) << "\n"
      << "flags: M=" << m.managed << " O=" << m.other << " H=" << m.home_agent << " P=" << m.proxy
      << " preference=" << m.preference << "\n"
      << "router lifetime: " << m.router_lifetime_s << " s\n"
      << "reachable time: " << m.reachable_ms << " ms, retrans timer: " << m.retrans_ms << " ms\n";
    if (m.source_lla) o << "source link-layer address: " << m.source_lla->str() << "\n";
    if (m.mtu) o << "MTU: " << *m.mtu << "\n";
    for (const auto& p : m.prefixes)
      o << "prefix: " << p.prefix.str() << "/" << int(p.length) << " L=" << p.on_link << " A=" << p.autonomous
        << " valid " << lifetime(p.valid_s) << ", preferred " << lifetime(p.preferred_s) << "\n";
    for (const auto& r : m.routes)
      o << "route: " << r.prefix.str() << "/" << int(r.length) << " preference " << r.preference << ", lifetime "
        << lifetime(r.lifetime_s) << "\n";
    for (const auto& r : m.rdnss) o << "RDNSS: " << join_addrs(r.servers) << ", lifetime " << lifetime(r.lifetime_s) << "\n";
    for (const auto& d : m.dnssl) {
      o << "DNSSL:";
      for (const auto& name : d.domains) o << " " << name;
      o << ", lifetime " << lifetime(d.lifetime_s) << "\n";
    }
    for (const auto& u : m.unknown) o << "option " << int(u.type) << ": " << u.data.size() << " bytes\n";
  }
  void operator()(const wire::NeighborSolicit& m) const {
    o << "target: " << m.target.str() << "\n";
    if (m.source_lla) o << "source link-layer address: " << m.source_lla->str() << "\n";
  }
  void operator()(const wire::NeighborAdvert& m) const {
    o << "target: " << m.target.str() << "\n"
      << "flags: R=" << m.router << " S=" << m.solicited << " O=" << m.override_ << "\n";
    if (m.target_lla) o << "target link-layer address: " << m.target_lla->str() << "\n";
  }
  void operator()(const wire::Redirect& m) const {
    o << "target: " << m.target.str() << "\ndestination: " << m.destination.str() << "\n";
  }
  void operator()(const wire::Echo& m) const {
    o << (m.reply ? "echo reply" : "echo request") << " id " << m.id << " seq " << m.seq << ", "
      << m.payload_bytes << " payload bytes\n";
  }
  void operator()(const wire::IcmpError& m) const {
    static constexpr const char* kNames[] = {"?", "destination unreachable", "packet too big", "time exceeded",
                                             "parameter problem"};
    o << kNames[static_cast<int>(m.kind)] << ", code " << int(m.code) << "\n";
    if (m.kind == wire::IcmpErrorKind::packet_too_big) o << "MTU: " << m.mtu_or_pointer << "\n";
    if (m.invoking_src && m.invoking_dst)
      o << "invoking packet: " << m.invoking_src->str() << " → " << m.invoking_dst->str() << "\n";
  }
  void operator()(const wire::Dhcp6Message& m) const {
    o << "type: " << wire::to_string(m.type) << "\ntransaction id: 0x" << std::hex << m.transaction_id << std::dec
      << "\nUDP ports: " << m.src_port << " → " << m.dst_port << "\n";
    o << "client id: " << (m.client_id ? "present" : "absent") << ", server id: " << (m.server_id ? "present" : "absent")
      << "\n";
    for (const auto& ia : m.ia_na)
      for (const auto& a : ia.addresses)
        o << "IA_NA " << ia.iaid << ": " << a.address.str() << " preferred " << lifetime(a.preferred_s) << ", valid "
          << lifetime(a.valid_s) << "\n";
    if (m.status) o << "status: " << m.status->code << " " << m.status->message << "\n";
    if (!m.dns_servers.empty()) o << "DNS servers: " << join_addrs(m.dns_servers) << "\n";
    for (const auto& d : m.domain_list) o << "domain search: " << d << "\n";
  }
};

bool earlier(const Frame& a, const Frame& b) { return a.time_us < b.time_us; }

// The frames of one procedure, from what its agent recorded: packets where it kept them,
// otherwise what it counted, at the procedure's start.
struct ExchangeWriter {
  const wire::AgentReport& agent;
  const wire::ProcedureRecord& rec;
  std::vector<Frame>& out;

  void packets(const std::vector<wire::Packet>& ps) const {
    for (const auto& p : ps) out.push_back(packet_frame(p));
  }
  void reported(const wire::Ip6& from, const std::string& to, const std::string& message) const {
    out.push_back({rec.started_us, 0, from.str(), to, agent.mac.str(), "", message, true});
  }
  std::string own_link_local() const { return agent.link_local ? agent.link_local->str() : ""; }

  void operator()(const std::monostate&) const {}
  void operator()(const wire::DiscoverResult& r) const {
    packets(r.sent);
    packets(r.ras);
  }
  void operator()(const wire::DadResult& r) const {
    reported(wire::Ip6{}, wire::solicited_node(r.address).str(),
             "DAD NS ×" + std::to_string(r.ns_sent) + " for " + r.address.str());
    packets(r.conflicts);
  }
  void operator()(const wire::Dhcp6Result& r) const { packets(r.exchange); }
  void operator()(const wire::NeighborResult& r) const {
    out.push_back({rec.started_us, 0, own_link_local(), wire::solicited_node(r.target).str(), agent.mac.str(), "",
                   "NS ×" + std::to_string(r.ns_sent) + " for " + r.target.str(), true});
    if (r.na) out.push_back(packet_frame(*r.na));
  }
  void operator()(const wire::EchoResult& r) const {
    const std::string size = r.size > 0 ? ", " + std::to_string(r.size) + " bytes" : "";
    reported(r.source, r.target.str(),
             "echo request ×" + std::to_string(r.sent) + size + ", hop limit " + std::to_string(r.hop_limit));
    packets(r.replies);
    packets(r.errors);
  }
  void operator()(const wire::PmtuResult& r) const {
    for (const auto& step : r.steps) {
      reported(r.source, r.target.str(), "echo request " + std::to_string(step.size) + " bytes");
      if (step.ptb) out.push_back(packet_frame(*step.ptb));
    }
  }
  void operator()(const wire::DnsResult& r) const {
    out.push_back({rec.started_us, 0, own_link_local(), r.server.str(), agent.mac.str(), "", "AAAA? " + r.name, true});
    packets(r.errors);
    if (r.rcode)
      out.push_back({rec.started_us, 0, r.server.str(), own_link_local(), "", agent.mac.str(),
                     "answer rcode " + std::to_string(*r.rcode) + ", " + std::to_string(r.aaaa.size()) + " AAAA", true});
  }
  void operator()(const wire::AdvertiseResult& r) const {
    if (r.first) out.push_back(packet_frame(*r.first));
  }
  void operator()(const wire::AttackResult& r) const {
    for (const auto& a : r.attacks)
      if (a.sample) out.push_back(packet_frame(*a.sample));
  }
  void operator()(const wire::VictimResult& r) const {
    for (const auto& a : r.received) packets(a.packets);
  }
};

std::vector<Frame> exchange_of(const HostObservations& h, std::string_view procedure) {
  std::vector<Frame> out;
  if (!h.report) return out;
  for (const auto& rec : h.report->procedures)
    if (rec.id == procedure) std::visit(ExchangeWriter{*h.report, rec, out}, rec.result);
  std::stable_sort(out.begin(), out.end(), earlier);
  if (out.size() > kMaxExchangeFrames) out.resize(kMaxExchangeFrames);
  return out;
}

}  // namespace

Frame packet_frame(const wire::Packet& p) {
  return {p.ctx.time_us, p.ctx.index,        p.ctx.src_ip.str(),    p.ctx.dst_ip.str(),
          p.ctx.src_mac.str(), p.ctx.dst_mac.str(), wire::describe(p.msg), false};
}

std::string clock_time(std::int64_t time_us) {
  std::time_t seconds = static_cast<std::time_t>(time_us / kUsPerSecond);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>((time_us % kUsPerSecond) / kUsPerMs));
  return buf;
}

std::string decode_fields(const wire::Packet& p) {
  std::ostringstream o;
  o << "message: " << wire::describe(p.msg) << "\n"
    << "from: " << p.ctx.src_ip.str() << " (" << p.ctx.src_mac.str() << ")\n"
    << "to: " << p.ctx.dst_ip.str() << " (" << p.ctx.dst_mac.str() << ")\n"
    << "hop limit: " << int(p.ctx.hop_limit) << "\n";
  if (!p.ctx.ext_headers.empty()) {
    o << "extension headers:";
    for (auto h : p.ctx.ext_headers) o << " " << int(h);
    o << "\n";
  }
  if (p.ctx.fragmented) o << "fragmented: yes\n";
  if (!p.ctx.checksum_ok) o << "checksum: WRONG\n";
  std::visit(FieldWriter{o}, p.msg);
  return o.str();
}

Evidence packet_evidence(const HostObservations& h, std::string_view procedure, const wire::Packet& p,
                         const std::string& what, std::string_view clause) {
  Evidence e;
  e.host = h.port ? h.port->name : "";
  e.procedure = procedure;
  e.pcap = h.pcap;
  e.packet = p.ctx.index;
  e.time_us = p.ctx.time_us;
  e.summary = what + " (" + std::string(clause) + (clause.empty() ? "" : "; ") + wire::describe(p.msg) + " from " +
              p.ctx.src_ip.str() + " at " + clock_time(p.ctx.time_us) + ", pcap " + h.pcap + " #" +
              std::to_string(p.ctx.index) + ")";
  e.decoded = decode_fields(p);
  e.exchange = exchange_of(h, procedure);
  // The packet itself is always in its ladder, also when the procedure's record did not keep it.
  auto own = packet_frame(p);
  if (std::find(e.exchange.begin(), e.exchange.end(), own) == e.exchange.end()) {
    e.exchange.insert(std::upper_bound(e.exchange.begin(), e.exchange.end(), own, earlier), own);
  }
  return e;
}

Evidence note_evidence(const HostObservations& h, std::string_view procedure, const std::string& what) {
  Evidence e;
  e.host = h.port ? h.port->name : "";
  e.procedure = procedure;
  e.pcap = h.pcap;
  e.summary = what;
  // No packet to time it by: the procedure's start says when it was observed.
  if (h.report)
    for (const auto& rec : h.report->procedures)
      if (rec.id == procedure) e.time_us = rec.started_us;
  e.exchange = exchange_of(h, procedure);
  return e;
}

}  // namespace v6c::catalog
