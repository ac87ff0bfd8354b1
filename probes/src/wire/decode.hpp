// Internal: per-family decoders that packet.cpp dispatches to. Each takes the bytes of its
// layer only, never throws, and returns Malformed for anything it cannot read.
#pragma once
#include <cstdint>
#include <span>

#include "v6c/wire/packet.hpp"

namespace v6c::wire::detail {

// ICMPv6 message bytes (type, code, checksum, body). ra.cpp, nd.cpp and icmp.cpp each
// handle their types; decode_icmpv6 in packet.cpp picks by type.
Message decode_router_discovery(std::span<const std::uint8_t> icmp);   // types 133, 134
Message decode_neighbor(std::span<const std::uint8_t> icmp);           // types 135, 136, 137
Message decode_echo_or_error(std::span<const std::uint8_t> icmp);      // types 1-4, 128, 129
// A DHCPv6 message carried in UDP (payload only).
Message decode_dhcp6(std::span<const std::uint8_t> payload, std::uint16_t src_port, std::uint16_t dst_port);

}  // namespace v6c::wire::detail
