// Builders for everything the probes send: a message plus its addressing in, an Ethernet
// frame out, with lengths and checksums filled in by libtins.
#pragma once
#include <cstdint>
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

}  // namespace v6c::wire
