// ICMPv6 echo and error messages (RFC 4443).
#pragma once
#include <cstdint>
#include <optional>

#include "v6c/wire/addr.hpp"

namespace v6c::wire {

struct Echo {
  bool reply = false;
  std::uint16_t id = 0, seq = 0;
  std::size_t payload_bytes = 0;
  bool operator==(const Echo&) const = default;
};

enum class IcmpErrorKind : std::uint8_t {
  dest_unreachable = 1,
  packet_too_big = 2,
  time_exceeded = 3,
  param_problem = 4,
};

// An ICMPv6 error and what we could read of the packet that invoked it.
struct IcmpError {
  IcmpErrorKind kind = IcmpErrorKind::dest_unreachable;
  std::uint8_t code = 0;
  std::uint32_t mtu_or_pointer = 0;  // MTU for Packet Too Big, pointer for Parameter Problem
  // The invoking packet, as far as it was quoted (RFC 4443 §2.4 (c)).
  std::optional<Ip6> invoking_src, invoking_dst;
  std::uint8_t invoking_next_header = 0;
  std::optional<Echo> invoking_echo;  // when the invoking packet was one of our echo requests
  std::size_t quoted_bytes = 0;
  bool operator==(const IcmpError&) const = default;
};

}  // namespace v6c::wire
