// Internal helpers shared by the probe procedures.
#pragma once
#include <random>
#include <string>

#include "v6c/probe/link.hpp"
#include "v6c/wire/build.hpp"

namespace v6c::probe::detail {

inline double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// Receives until the deadline, handing each packet to `on_packet`; stops early when it returns true.
template <class F>
void collect(Link& link, Deadline deadline, F&& on_packet) {
  while (auto p = link.receive(deadline)) {
    if (on_packet(*p)) return;
  }
}

inline std::uint16_t random16() {
  static std::mt19937 rng{std::random_device{}()};
  return static_cast<std::uint16_t>(rng());
}
inline std::uint32_t random32() {
  static std::mt19937 rng{std::random_device{}()};
  return static_cast<std::uint32_t>(rng());
}

// A frame we sent, decoded, so results can show what was asked as well as what came back.
inline wire::Packet sent_packet(const wire::Bytes& frame) {
  return wire::decode_frame(frame, Link::now_us(), 0);
}

// Link-layer destination for a multicast group or a resolved unicast neighbour.
inline wire::Addressing multicast_from(const Link& link, const wire::Ip6& src, const wire::Ip6& group,
                                       std::uint8_t hop_limit = 255) {
  return {link.mac(), wire::multicast_mac(group), src, group, hop_limit};
}

struct ProbeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The link-layer address of `hop` (a neighbour on the link), resolved by NS from `src` once
// per run; throws ProbeError naming `why` when it does not answer.
wire::Mac resolve_next_hop(Link& link, const wire::Ip6& hop, const wire::Ip6& src, const std::string& why);

}  // namespace v6c::probe::detail
