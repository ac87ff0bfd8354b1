// Internal: per-family decoders that packet.cpp dispatches to. Each takes the bytes of its
// layer only, never throws, and returns Malformed for anything it cannot read.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "v6c/wire/packet.hpp"

namespace v6c::wire::detail {

// ICMPv6 message bytes (type, code, checksum, body). ra.cpp, nd.cpp and icmp.cpp each
// handle their types; decode_icmpv6 in packet.cpp picks by type.
Message decode_router_discovery(std::span<const std::uint8_t> icmp);   // types 133, 134
Message decode_neighbor(std::span<const std::uint8_t> icmp);           // types 135, 136, 137
Message decode_echo_or_error(std::span<const std::uint8_t> icmp);      // types 1-4, 128, 129
// A DHCPv6 message carried in UDP (payload only).
Message decode_dhcp6(std::span<const std::uint8_t> payload, std::uint16_t src_port, std::uint16_t dst_port);

Departure departure(std::string what, std::size_t offset, std::span<const std::uint8_t> bytes);

// Departures from the format (packet.hpp) of a message that decoded: ICMPv6 bytes for ND,
// the UDP payload for DHCPv6. `ctx` holds the addresses some ND rules depend on.
std::vector<Departure> router_discovery_departures(std::span<const std::uint8_t> icmp);  // 133, 134
std::vector<Departure> neighbor_departures(std::span<const std::uint8_t> icmp, const Context& ctx);  // 135-137
std::vector<Departure> dhcp6_departures(std::span<const std::uint8_t> payload);
std::vector<Departure> echo_or_error_departures(std::span<const std::uint8_t> icmp);  // 1-4, 128, 129

// One uncompressed DNS name (RFC 1035 §3.1, as DHCPv6 and DNSSL carry them) starting at
// `at`, which moves past it; its text into `name` (no trailing dot). What is wrong, if anything.
std::optional<std::string> read_plain_name(std::span<const std::uint8_t> d, std::size_t& at, std::string& name);

}  // namespace v6c::wire::detail
