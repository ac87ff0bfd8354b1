// Builders for everything the probes send: a message plus its addressing in, an Ethernet
// frame out, with lengths and checksums filled in by libtins.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "v6c/wire/packet.hpp"

namespace v6c::wire {

using Bytes = std::vector<std::uint8_t>;

struct Addressing {
  Mac src_mac, dst_mac;
  Ip6 src_ip, dst_ip;
  std::uint8_t hop_limit = 255;  // RFC 4861 §6.1: ND messages are sent with 255
};

Bytes build_rs(const Addressing& a, const RouterSolicit& m);
Bytes build_ra(const Addressing& a, const RouterAdvert& m);
Bytes build_ns(const Addressing& a, const NeighborSolicit& m);
Bytes build_na(const Addressing& a, const NeighborAdvert& m);
Bytes build_redirect(const Addressing& a, const Redirect& m);
// Echo request or reply of exactly `ipv6_size` bytes on the wire after the Ethernet header.
Bytes build_echo(const Addressing& a, const Echo& m, std::size_t ipv6_size);
Bytes build_dhcp6(const Addressing& a, const Dhcp6Message& m);  // UDP ports from m.src_port/dst_port
// Ethernet / IPv6 / UDP around a payload (DNS queries, crafted datagrams).
Bytes build_udp(const Addressing& a, std::uint16_t src_port, std::uint16_t dst_port,
                std::span<const std::uint8_t> payload);
// The DHCPv6 payload alone (what goes in a UDP datagram).
Bytes encode_dhcp6(const Dhcp6Message& m);

// --- Attack variants (evasion.cpp) ---

// Next-header values of the extension headers the RA-Guard evasions use (RFC 8200 §4).
inline constexpr std::uint8_t kNextHeaderHopByHop = 0;
inline constexpr std::uint8_t kNextHeaderFragment = 44;
inline constexpr std::uint8_t kNextHeaderDstOpts = 60;

// A frame as built above (Ethernet, IPv6 without extension headers, upper layer) rebuilt with
// an 8-byte Hop-by-Hop or Destination Options header (PadN only) in front of the upper layer:
// the first RA-Guard evasion of RFC 7113 §2. Throws std::invalid_argument for any other frame.
Bytes with_extension_header(std::span<const std::uint8_t> frame, std::uint8_t header);
// The same frame as two fragments whose first holds only half of a Destination Options header,
// so the upper-layer header is in the second fragment (RFC 7113 §2, forbidden by RFC 7112).
std::vector<Bytes> fragment_behind_options(std::span<const std::uint8_t> frame, std::uint32_t identification);

// A packet's Fragment header (RFC 8200 §4.5), read from its raw bytes.
struct FragmentInfo {
  std::uint32_t identification = 0;
  std::uint32_t offset_bytes = 0;
  bool more = false;
};
std::optional<FragmentInfo> fragment_info(const Packet& p);

// A TCP segment with only SYN set: an unsolicited connection attempt (RFC 9293 §3.5).
Bytes build_tcp_syn(const Addressing& a, std::uint16_t src_port, std::uint16_t dst_port, std::uint32_t seq);

}  // namespace v6c::wire
