#include "v6c/catalog/evidence.hpp"

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

}  // namespace

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
  return e;
}

}  // namespace v6c::catalog
