// RA-Guard evasions (RFC 7113 §2) and the other frames only the attacker role sends. The
// messages themselves are built by libtins (build_ra & co.); libtins 4.0 can neither
// fragment IPv6 nor split an extension header across fragments, so the header surgery on
// those frames is done here, on bytes, with every length checked.
#include <tins/ethernetII.h>
#include <tins/ipv6.h>
#include <tins/tcp.h>

#include <stdexcept>

#include "proto.hpp"
#include "nd_options.hpp"
#include "v6c/wire/build.hpp"

namespace v6c::wire {
namespace {

using namespace proto;

constexpr std::size_t kFragmentHeader = 8;          // RFC 8200 §4.5
constexpr std::size_t kFragmentUnit = 8;            // fragment offsets count 8-octet units
constexpr std::uint8_t kPadN = 1;                   // RFC 8200 §4.2
constexpr std::size_t kExtensionPrefix = 2;         // next header, Hdr Ext Len
constexpr std::size_t kOptionHeader = 2;            // option type, option data length
constexpr std::size_t kShortOptionsHeader = 8;      // Hdr Ext Len 0: the smallest options header
// The Destination Options header split across the fragments: 16 bytes, of which the first
// fragment carries 8, so the upper-layer header can only be in the second (RFC 7113 §2).
constexpr std::size_t kSplitOptionsHeader = 16;
constexpr std::size_t kFirstFragmentPayload = kSplitOptionsHeader - kFragmentUnit;

// The parts of a frame built by this layer: link and IPv6 headers, the upper layer, and its protocol.
struct Split {
  std::span<const std::uint8_t> headers;  // Ethernet + IPv6
  std::span<const std::uint8_t> upper;
  std::uint8_t protocol = 0;
};

Split split(std::span<const std::uint8_t> frame) {
  if (frame.size() < kEthernetHeader + kIpv6Header) throw std::invalid_argument("frame too short for IPv6");
  const auto* ip = &frame[kEthernetHeader];
  const std::uint8_t next = ip[kNextHeaderAt];
  if (next == kHopByHop || next == kRouting || next == kNextHeaderFragment || next == kNextHeaderDstOpts ||
      next == kAuth)
    throw std::invalid_argument("frame already has extension headers");
  const std::size_t payload = be16(ip + kPayloadLengthAt);
  if (kEthernetHeader + kIpv6Header + payload > frame.size())
    throw std::invalid_argument("IPv6 payload length overruns the frame");
  return {frame.first(kEthernetHeader + kIpv6Header), frame.subspan(kEthernetHeader + kIpv6Header, payload), next};
}

// An options header of `bytes` (a multiple of 8) holding one PadN option (RFC 8200 §4.2).
Bytes options_header(std::uint8_t next, std::size_t bytes) {
  Bytes h(bytes, 0);
  h[0] = next;
  h[1] = static_cast<std::uint8_t>(bytes / kFragmentUnit - 1);
  h[2] = kPadN;
  h[3] = static_cast<std::uint8_t>(bytes - kExtensionPrefix - kOptionHeader);
  return h;
}

// Ethernet + IPv6 header with a new first next header and payload length, then the payload.
Bytes packet(std::span<const std::uint8_t> headers, std::uint8_t next, std::initializer_list<std::span<const std::uint8_t>> parts) {
  Bytes out(headers.begin(), headers.end());
  std::size_t length = 0;
  for (auto p : parts) {
    out.insert(out.end(), p.begin(), p.end());
    length += p.size();
  }
  out[kEthernetHeader + kNextHeaderAt] = next;
  put16(&out[kEthernetHeader + kPayloadLengthAt], length);
  return out;
}

Bytes fragment_header(std::uint8_t next, std::size_t offset_bytes, bool more, std::uint32_t id) {
  Bytes h(kFragmentHeader, 0);
  h[0] = next;
  put16(&h[2], (offset_bytes / kFragmentUnit) << 3 | (more ? 1 : 0));
  put32(&h[4], id);
  return h;
}

}  // namespace

Bytes with_extension_header(std::span<const std::uint8_t> frame, std::uint8_t header) {
  if (header != kNextHeaderHopByHop && header != kNextHeaderDstOpts)
    throw std::invalid_argument("only Hop-by-Hop or Destination Options headers are inserted");
  auto s = split(frame);
  // The upper-layer checksum covers the final destination and the upper layer only (RFC 8200
  // §8.1), so the message's bytes stay as libtins built them.
  auto opts = options_header(s.protocol, kShortOptionsHeader);
  return packet(s.headers, header, {opts, s.upper});
}

std::vector<Bytes> fragment_behind_options(std::span<const std::uint8_t> frame, std::uint32_t identification) {
  auto s = split(frame);
  Bytes fragmentable = options_header(s.protocol, kSplitOptionsHeader);
  fragmentable.insert(fragmentable.end(), s.upper.begin(), s.upper.end());
  std::span<const std::uint8_t> all(fragmentable);
  auto first = fragment_header(kNextHeaderDstOpts, 0, true, identification);
  auto second = fragment_header(kNextHeaderDstOpts, kFirstFragmentPayload, false, identification);
  return {packet(s.headers, kNextHeaderFragment, {first, all.first(kFirstFragmentPayload)}),
          packet(s.headers, kNextHeaderFragment, {second, all.subspan(kFirstFragmentPayload)})};
}

std::optional<FragmentInfo> fragment_info(const Packet& p) {
  std::span<const std::uint8_t> raw(p.ctx.raw);
  if (raw.size() < kEthernetHeader + kIpv6Header) return std::nullopt;
  std::uint8_t next = raw[kEthernetHeader + kNextHeaderAt];
  auto rest = raw.subspan(kEthernetHeader + kIpv6Header);
  while (rest.size() >= kFragmentHeader) {
    if (next == kNextHeaderFragment)
      return FragmentInfo{be32(&rest[4]), static_cast<std::uint32_t>((be16(&rest[2]) >> 3) * kFragmentUnit),
                          (rest[3] & 1) != 0};
    std::size_t len;
    if (next == kHopByHop || next == kRouting || next == kNextHeaderDstOpts)
      len = (static_cast<std::size_t>(rest[1]) + 1) * kFragmentUnit;
    else if (next == kAuth)
      len = (static_cast<std::size_t>(rest[1]) + 2) * 4;  // RFC 4302 §2.2
    else
      return std::nullopt;
    if (len > rest.size()) return std::nullopt;
    next = rest[0];
    rest = rest.subspan(len);
  }
  return std::nullopt;
}

Bytes build_tcp_syn(const Addressing& a, std::uint16_t src_port, std::uint16_t dst_port, std::uint32_t seq) {
  Tins::EthernetII eth(detail::tins_mac(a.dst_mac), detail::tins_mac(a.src_mac));
  Tins::IPv6 ip(detail::tins_ip(a.dst_ip), detail::tins_ip(a.src_ip));
  ip.hop_limit(a.hop_limit);
  Tins::TCP tcp(dst_port, src_port);
  tcp.flags(Tins::TCP::SYN);
  tcp.seq(seq);
  auto pkt = eth / ip / tcp;
  return pkt.serialize();
}

}  // namespace v6c::wire
