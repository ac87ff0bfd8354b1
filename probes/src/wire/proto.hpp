// Internal to probes/: network byte order, header sizes, protocol and ICMPv6 type numbers,
// which the decoders, the frame builders and the probes' kernel filters (BPF) all count with.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace v6c::wire::proto {

inline constexpr std::size_t kEthernetHeader = 14;
inline constexpr std::size_t kIpv6Header = 40;      // RFC 8200 §3
inline constexpr std::size_t kPayloadLengthAt = 4;  // within the IPv6 header
inline constexpr std::size_t kNextHeaderAt = 6;
inline constexpr std::uint16_t kEtherTypeIpv6 = 0x86dd;
inline constexpr std::uint16_t kEtherTypeVlan = 0x8100;

// Next header values (IANA protocol numbers; RFC 8200 §4).
inline constexpr std::uint8_t kHopByHop = 0, kUdp = 17, kRouting = 43, kFragment = 44, kAuth = 51, kIcmpv6 = 58,
                              kDstOpts = 60;

// ICMPv6 types (RFC 4443 §2.1, RFC 4861 §4).
namespace icmp6 {
inline constexpr std::uint8_t kDestUnreachable = 1, kPacketTooBig = 2, kTimeExceeded = 3, kParamProblem = 4;
inline constexpr std::uint8_t kEchoRequest = 128, kEchoReply = 129;
inline constexpr std::uint8_t kRouterSolicit = 133, kRouterAdvert = 134, kNeighborSolicit = 135,
                              kNeighborAdvert = 136, kRedirect = 137;
}  // namespace icmp6

inline std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
inline std::uint32_t be24(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) << 16 | static_cast<std::uint32_t>(p[1]) << 8 | p[2];
}
inline std::uint32_t be32(const std::uint8_t* p) { return static_cast<std::uint32_t>(be16(p)) << 16 | be16(p + 2); }
inline void put16(std::uint8_t* p, std::size_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
inline void put32(std::uint8_t* p, std::uint32_t v) {
  put16(p, v >> 16);
  put16(p + 2, v & 0xffff);
}

// A kernel filter (pcap syntax) for ICMPv6 messages of one type: the type is the first byte
// after an IPv6 header without extension headers, as ND and echo messages are sent.
inline std::string icmp6_type_filter(std::uint8_t type) {
  return "icmp6 and ip6[" + std::to_string(kIpv6Header) + "] == " + std::to_string(type);
}

}  // namespace v6c::wire::proto
