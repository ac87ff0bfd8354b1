// Frame → Context + Message. The IPv6 header chain is walked here by hand, bounds-checked,
// because its facts (extension headers, fragmentation, hop limit) are what RFC validity
// rules are checked against; the messages themselves go to the per-family adapters.
#include "v6c/wire/packet.hpp"

#include <cstring>

#include "proto.hpp"
#include "decode.hpp"

namespace v6c::wire {
namespace {

using namespace proto;

constexpr std::uint16_t kDhcpClientPort = 546, kDhcpServerPort = 547;  // RFC 8415 §7.2

// RFC 8200 §8.1: ones'-complement sum over the pseudo-header and the upper-layer packet.
bool checksum_valid(const Ip6& src, const Ip6& dst, std::uint8_t next, std::span<const std::uint8_t> upper) {
  std::uint64_t sum = 0;
  auto add = [&](std::span<const std::uint8_t> b) {
    for (std::size_t i = 0; i + 1 < b.size(); i += 2) sum += be16(&b[i]);
    if (b.size() % 2) sum += static_cast<std::uint32_t>(b.back()) << 8;
  };
  add(src.bytes);
  add(dst.bytes);
  sum += upper.size() >> 16;
  sum += upper.size() & 0xffff;
  sum += next;
  add(upper);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return sum == 0xffff;
}

// The message, and its departures from the format when it decoded (the ND family alone
// knows its format's details).
void decode_icmpv6(Packet& p, std::span<const std::uint8_t> icmp) {
  if (icmp.size() < 4) {
    p.msg = Malformed{"truncated ICMPv6 header", icmp.size()};
    return;
  }
  const auto decoded = [&p] { return !std::holds_alternative<Malformed>(p.msg); };
  switch (icmp[0]) {
    case icmp6::kRouterSolicit:
    case icmp6::kRouterAdvert:
      p.msg = detail::decode_router_discovery(icmp);
      if (decoded()) p.ctx.departures = detail::router_discovery_departures(icmp);
      return;
    case icmp6::kNeighborSolicit:
    case icmp6::kNeighborAdvert:
    case icmp6::kRedirect:
      p.msg = detail::decode_neighbor(icmp);
      if (decoded()) p.ctx.departures = detail::neighbor_departures(icmp, p.ctx);
      return;
    case icmp6::kDestUnreachable:
    case icmp6::kPacketTooBig:
    case icmp6::kTimeExceeded:
    case icmp6::kParamProblem:
    case icmp6::kEchoRequest:
    case icmp6::kEchoReply:
      p.msg = detail::decode_echo_or_error(icmp);
      return;
    default:
      p.msg = OtherPacket{kIcmpv6, icmp[0], 0, 0, icmp.size()};
  }
}

}  // namespace

namespace detail {
Departure departure(std::string what, std::size_t offset, std::span<const std::uint8_t> bytes) {
  return {std::move(what), offset, {bytes.begin(), bytes.end()}};
}
}  // namespace detail

void mark_checksum_offloaded(Packet& p) {
  p.ctx.checksum_offloaded = true;
  p.ctx.checksum_ok = true;  // unverifiable, not wrong
}

Packet decode_frame(std::span<const std::uint8_t> frame, std::int64_t time_us, std::uint32_t index) {
  Packet p;
  p.ctx.time_us = time_us;
  p.ctx.index = index;
  p.ctx.raw.assign(frame.begin(), frame.end());
  auto fail = [&](std::string what) {
    p.msg = Malformed{std::move(what), frame.size()};
    return p;
  };
  if (frame.size() < kEthernetHeader) return fail("truncated Ethernet header");
  std::memcpy(p.ctx.dst_mac.bytes.data(), &frame[0], 6);
  std::memcpy(p.ctx.src_mac.bytes.data(), &frame[6], 6);
  std::size_t off = 12;
  std::uint16_t ethertype = be16(&frame[off]);
  if (ethertype == kEtherTypeVlan) {
    if (frame.size() < kEthernetHeader + 4) return fail("truncated VLAN tag");
    off += 4;
    ethertype = be16(&frame[off]);
  }
  off += 2;
  if (ethertype != kEtherTypeIpv6) {
    p.msg = OtherPacket{0, 0, 0, 0, frame.size() - off};
    return p;
  }
  auto ip = frame.subspan(off);
  if (ip.size() < kIpv6Header) return fail("truncated IPv6 header");
  if ((ip[0] >> 4) != 6) return fail("IP version " + std::to_string(ip[0] >> 4) + " in an IPv6 frame");
  std::size_t payload_len = be16(&ip[4]);
  std::uint8_t next = ip[6];
  p.ctx.hop_limit = ip[7];
  std::memcpy(p.ctx.src_ip.bytes.data(), &ip[8], 16);
  std::memcpy(p.ctx.dst_ip.bytes.data(), &ip[24], 16);
  if (payload_len == 0) return fail("IPv6 payload length 0 (jumbograms are not expected here)");
  if (kIpv6Header + payload_len > ip.size())
    return fail("IPv6 payload length " + std::to_string(payload_len) + " overruns the frame (" +
                std::to_string(ip.size() - kIpv6Header) + " bytes)");
  // Ethernet pads short frames: the payload length, checked above, is the truth.
  auto rest = ip.subspan(kIpv6Header, payload_len);

  bool later_fragment = false;
  while (next == kHopByHop || next == kRouting || next == kFragment || next == kDstOpts || next == kAuth) {
    p.ctx.ext_headers.push_back(next);
    if (rest.size() < 8) return fail("truncated extension header " + std::to_string(next));
    std::size_t len;
    if (next == kFragment) {
      len = 8;
      p.ctx.fragmented = true;
      std::uint16_t offset = be16(&rest[2]) >> 3;
      if (offset != 0) later_fragment = true;
    } else if (next == kAuth) {
      len = (static_cast<std::size_t>(rest[1]) + 2) * 4;  // RFC 4302 §2.2
    } else {
      len = (static_cast<std::size_t>(rest[1]) + 1) * 8;
    }
    if (len > rest.size()) return fail("extension header " + std::to_string(next) + " overruns the packet");
    next = rest[0];
    rest = rest.subspan(len);
    if (later_fragment) break;
  }
  if (later_fragment) {
    p.msg = OtherPacket{kFragment, 0, 0, 0, rest.size()};
    return p;
  }
  if (next == kIcmpv6) {
    // A first fragment holds only part of the message: its checksum cannot be verified.
    if (!p.ctx.fragmented) p.ctx.checksum_ok = checksum_valid(p.ctx.src_ip, p.ctx.dst_ip, next, rest);
    decode_icmpv6(p, rest);
    return p;
  }
  if (next == kUdp) {
    if (rest.size() < 8) return fail("truncated UDP header");
    std::uint16_t sport = be16(&rest[0]), dport = be16(&rest[2]);
    std::size_t udp_len = be16(&rest[4]);
    if (udp_len < 8 || udp_len > rest.size())
      return fail("UDP length " + std::to_string(udp_len) + " does not fit " + std::to_string(rest.size()) + " bytes");
    auto udp = rest.first(udp_len);
    if (!p.ctx.fragmented) p.ctx.checksum_ok = checksum_valid(p.ctx.src_ip, p.ctx.dst_ip, next, udp);
    bool dhcp = (sport == kDhcpClientPort || sport == kDhcpServerPort) &&
                (dport == kDhcpClientPort || dport == kDhcpServerPort);
    if (dhcp) {
      p.msg = detail::decode_dhcp6(udp.subspan(8), sport, dport);
      if (!std::holds_alternative<Malformed>(p.msg)) p.ctx.departures = detail::dhcp6_departures(udp.subspan(8));
    } else {
      p.msg = OtherPacket{kUdp, 0, sport, dport, udp.size() - 8};
    }
    return p;
  }
  p.msg = OtherPacket{next, 0, 0, 0, rest.size()};
  return p;
}

std::string describe(const Message& msg) {
  struct {
    std::string operator()(const Malformed& m) const {
      return "malformed (" + m.what + ", " + std::to_string(m.bytes) + " bytes)";
    }
    std::string operator()(const OtherPacket& o) const {
      if (o.next_header == kIcmpv6) return "ICMPv6 type " + std::to_string(o.icmp_type);
      if (o.next_header == kUdp) return "UDP " + std::to_string(o.src_port) + " > " + std::to_string(o.dst_port);
      if (o.next_header == kFragment) return "IPv6 fragment";
      return "IPv6 next header " + std::to_string(o.next_header);
    }
    std::string operator()(const RouterSolicit&) const { return "RS"; }
    std::string operator()(const RouterAdvert& ra) const {
      std::string s = "RA M=" + std::to_string(ra.managed) + " O=" + std::to_string(ra.other) +
                      " lifetime " + std::to_string(ra.router_lifetime_s) + "s";
      for (const auto& pi : ra.prefixes) s += " prefix " + pi.prefix.str() + "/" + std::to_string(pi.length);
      if (ra.mtu) s += " MTU " + std::to_string(*ra.mtu);
      return s;
    }
    std::string operator()(const NeighborSolicit& ns) const { return "NS for " + ns.target.str(); }
    std::string operator()(const NeighborAdvert& na) const {
      return std::string("NA for ") + na.target.str() + (na.router ? " R" : "") + (na.solicited ? " S" : "") +
             (na.override_ ? " O" : "");
    }
    std::string operator()(const Redirect& r) const {
      return "Redirect " + r.destination.str() + " via " + r.target.str();
    }
    std::string operator()(const Echo& e) const {
      return std::string(e.reply ? "echo reply" : "echo request") + " id " + std::to_string(e.id) + " seq " +
             std::to_string(e.seq);
    }
    std::string operator()(const IcmpError& e) const {
      switch (e.kind) {
        case IcmpErrorKind::packet_too_big: return "Packet Too Big MTU " + std::to_string(e.mtu_or_pointer);
        case IcmpErrorKind::dest_unreachable: return "Destination Unreachable code " + std::to_string(e.code);
        case IcmpErrorKind::time_exceeded: return "Time Exceeded code " + std::to_string(e.code);
        case IcmpErrorKind::param_problem:
          return "Parameter Problem code " + std::to_string(e.code) + " pointer " + std::to_string(e.mtu_or_pointer);
      }
      return "ICMPv6 error";
    }
    std::string operator()(const Dhcp6Message& d) const { return "DHCPv6 " + to_string(d.type); }
  } visitor;
  return std::visit(visitor, msg);
}

}  // namespace v6c::wire
