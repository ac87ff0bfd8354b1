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

// The message, and its departures from the format when it decoded.
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
      if (decoded()) p.ctx.departures = detail::echo_or_error_departures(icmp);
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

namespace {

// Each step of decode_frame reads one layer into p and narrows `bytes` to what follows it; a
// departure from the format is returned as the reason the frame is malformed.
using Error = std::optional<std::string>;

// Ethernet and an optional VLAN tag; `ethertype` is the payload's.
Error decode_ethernet(Packet& p, std::span<const std::uint8_t>& bytes, std::uint16_t& ethertype) {
  if (bytes.size() < kEthernetHeader) return "truncated Ethernet header";
  std::memcpy(p.ctx.dst_mac.bytes.data(), &bytes[0], 6);
  std::memcpy(p.ctx.src_mac.bytes.data(), &bytes[6], 6);
  std::size_t off = 12;
  ethertype = be16(&bytes[off]);
  if (ethertype == kEtherTypeVlan) {
    if (bytes.size() < kEthernetHeader + 4) return "truncated VLAN tag";
    off += 4;
    ethertype = be16(&bytes[off]);
  }
  bytes = bytes.subspan(off + 2);
  return std::nullopt;
}

// The fixed IPv6 header; `bytes` becomes its payload (Ethernet pads short frames: the payload
// length, checked here, is the truth).
Error decode_ipv6(Packet& p, std::span<const std::uint8_t>& bytes, std::uint8_t& next) {
  if (bytes.size() < kIpv6Header) return "truncated IPv6 header";
  if ((bytes[0] >> 4) != 6) return "IP version " + std::to_string(bytes[0] >> 4) + " in an IPv6 frame";
  const std::size_t payload_len = be16(&bytes[4]);
  next = bytes[6];
  p.ctx.hop_limit = bytes[7];
  std::memcpy(p.ctx.src_ip.bytes.data(), &bytes[8], 16);
  std::memcpy(p.ctx.dst_ip.bytes.data(), &bytes[24], 16);
  if (payload_len == 0) return "IPv6 payload length 0 (jumbograms are not expected here)";
  if (kIpv6Header + payload_len > bytes.size())
    return "IPv6 payload length " + std::to_string(payload_len) + " overruns the frame (" +
           std::to_string(bytes.size() - kIpv6Header) + " bytes)";
  bytes = bytes.subspan(kIpv6Header, payload_len);
  return std::nullopt;
}

// Extension headers up to the upper layer, or up to a fragment header of a later fragment
// (`later_fragment`: what follows is the middle of a message).
Error skip_extension_headers(Packet& p, std::span<const std::uint8_t>& rest, std::uint8_t& next, bool& later_fragment) {
  while (next == kHopByHop || next == kRouting || next == kFragment || next == kDstOpts || next == kAuth) {
    p.ctx.ext_headers.push_back(next);
    if (rest.size() < 8) return "truncated extension header " + std::to_string(next);
    std::size_t len;
    if (next == kFragment) {
      len = 8;
      p.ctx.fragmented = true;
      later_fragment = (be16(&rest[2]) >> 3) != 0;
    } else if (next == kAuth) {
      len = (static_cast<std::size_t>(rest[1]) + 2) * 4;  // RFC 4302 §2.2
    } else {
      len = (static_cast<std::size_t>(rest[1]) + 1) * 8;
    }
    if (len > rest.size()) return "extension header " + std::to_string(next) + " overruns the packet";
    next = rest[0];
    rest = rest.subspan(len);
    if (later_fragment) break;
  }
  return std::nullopt;
}

// UDP: DHCPv6 decoded, anything else counted.
Error decode_udp(Packet& p, std::span<const std::uint8_t> rest) {
  if (rest.size() < 8) return "truncated UDP header";
  const std::uint16_t sport = be16(&rest[0]), dport = be16(&rest[2]);
  const std::size_t udp_len = be16(&rest[4]);
  if (udp_len < 8 || udp_len > rest.size())
    return "UDP length " + std::to_string(udp_len) + " does not fit " + std::to_string(rest.size()) + " bytes";
  auto udp = rest.first(udp_len);
  if (!p.ctx.fragmented) p.ctx.checksum_ok = checksum_valid(p.ctx.src_ip, p.ctx.dst_ip, kUdp, udp);
  const bool dhcp = (sport == kDhcpClientPort || sport == kDhcpServerPort) &&
                    (dport == kDhcpClientPort || dport == kDhcpServerPort);
  if (!dhcp) {
    p.msg = OtherPacket{kUdp, 0, sport, dport, udp.size() - 8};
    return std::nullopt;
  }
  p.msg = detail::decode_dhcp6(udp.subspan(8), sport, dport);
  if (!std::holds_alternative<Malformed>(p.msg)) p.ctx.departures = detail::dhcp6_departures(udp.subspan(8));
  return std::nullopt;
}

// Everything after the Ethernet header of an IPv6 frame.
Error decode_ipv6_packet(Packet& p, std::span<const std::uint8_t> bytes) {
  std::uint8_t next = 0;
  bool later_fragment = false;
  if (auto e = decode_ipv6(p, bytes, next)) return e;
  if (auto e = skip_extension_headers(p, bytes, next, later_fragment)) return e;
  if (later_fragment) {
    p.msg = OtherPacket{kFragment, 0, 0, 0, bytes.size()};
    return std::nullopt;
  }
  if (next == kUdp) return decode_udp(p, bytes);
  if (next != kIcmpv6) {
    p.msg = OtherPacket{next, 0, 0, 0, bytes.size()};
    return std::nullopt;
  }
  // A first fragment holds only part of the message: its checksum cannot be verified.
  if (!p.ctx.fragmented) p.ctx.checksum_ok = checksum_valid(p.ctx.src_ip, p.ctx.dst_ip, next, bytes);
  decode_icmpv6(p, bytes);
  return std::nullopt;
}

}  // namespace

Packet decode_frame(std::span<const std::uint8_t> frame, std::int64_t time_us, std::uint32_t index) {
  Packet p;
  p.ctx.time_us = time_us;
  p.ctx.index = index;
  p.ctx.raw.assign(frame.begin(), frame.end());
  auto bytes = frame;
  std::uint16_t ethertype = 0;
  Error error = decode_ethernet(p, bytes, ethertype);
  if (!error && ethertype != kEtherTypeIpv6) p.msg = OtherPacket{0, 0, 0, 0, bytes.size()};
  else if (!error) error = decode_ipv6_packet(p, bytes);
  if (error) p.msg = Malformed{std::move(*error), frame.size()};
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
