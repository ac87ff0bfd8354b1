// Internal: the one ND option walk (RFC 4861 §4.6), shared by router discovery, neighbour
// discovery and redirects, and the frame assembly shared by every ICMPv6 builder.
#pragma once
#include <tins/ethernetII.h>
#include <tins/icmpv6.h>
#include <tins/ipv6.h>

#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>

#include "decode.hpp"
#include "v6c/wire/build.hpp"
#include "v6c/wire/packet.hpp"

namespace v6c::wire::detail {

inline constexpr std::size_t kIcmpHeader = 4;  // type, code, checksum

// One ND option as it sits in the message: its type, offset and whole bytes (type and length included).
struct NdOptionAt {
  std::uint8_t type = 0;
  std::size_t offset = 0;
  std::span<const std::uint8_t> bytes;
};

// The option chain after `body` fixed bytes (RFC 4861 §4.6): every option has a non-zero
// length and fits, or what is wrong with it.
std::variant<Malformed, std::vector<NdOptionAt>> nd_option_chain(std::span<const std::uint8_t> icmp, std::size_t body,
                                                                  const char* msg);

// Checks the option chain after `body` fixed bytes: every option has a non-zero length
// and fits. libtins is only handed messages that pass.
std::optional<Malformed> check_nd_options(std::span<const std::uint8_t> icmp, std::size_t body, const char* msg);

// Whether any byte is not zero (a reserved field that must be).
bool any_set(std::span<const std::uint8_t> b);

// Departures of the options after `body` fixed bytes from their formats (lengths, reserved
// fields, lifetimes, prefix bits, DNSSL names), and options of known types that `msg` does
// not carry (`allowed`: the option types it may carry).
void nd_option_departures(std::span<const std::uint8_t> icmp, std::size_t body, const char* msg,
                          std::initializer_list<std::uint8_t> allowed, std::vector<Departure>& out);

// Parses the ICMPv6 message with libtins; Malformed on any libtins complaint.
std::variant<Malformed, Tins::ICMPv6> parse_icmpv6(std::span<const std::uint8_t> icmp, const char* msg);

// Calls `known` for each option; options it declines (returns false) are kept as RawOption.
void walk_options(const Tins::ICMPv6& icmp, std::vector<RawOption>& unknown,
                  const std::function<bool(const Tins::ICMPv6::option&)>& known);

// A link-layer address option's MAC (RFC 4861 §4.6.1), if it holds one for Ethernet.
std::optional<Mac> lla_of(const Tins::ICMPv6::option& opt);

Tins::HWAddress<6> tins_mac(const Mac& m);
Tins::IPv6Address tins_ip(const Ip6& a);
Ip6 from_tins(const Tins::IPv6Address& a);
void add_unknown(Tins::ICMPv6& icmp, const std::vector<RawOption>& unknown);

// Ethernet / IPv6 / ICMPv6 frame, checksum filled in by libtins.
Bytes frame_icmpv6(const Addressing& a, Tins::ICMPv6& icmp);

}  // namespace v6c::wire::detail
