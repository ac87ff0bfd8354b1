// One captured or built frame, decoded: its wire context plus the message it carried.
// decode_frame() is the single place where libtins parses bytes; whatever is wrong with
// the bytes comes back as a Malformed value, never as an exception.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "v6c/wire/addr.hpp"
#include "v6c/wire/dhcpv6.hpp"
#include "v6c/wire/icmp.hpp"
#include "v6c/wire/nd.hpp"
#include "v6c/wire/ra.hpp"

namespace v6c::wire {

// A departure from the message format that did not stop decoding (a reserved field set, an
// option of the wrong length or in the wrong message, lifetimes that contradict each other):
// what, where in the message (from its first byte: the ICMPv6 type, the DHCPv6 msg-type),
// and the bytes concerned.
struct Departure {
  std::string what;
  std::size_t offset = 0;
  std::vector<std::uint8_t> bytes;
  bool operator==(const Departure&) const = default;
};

// What the network said about a packet besides its message: the facts RFC validity rules
// are checked against (RFC 4861 §6.1.2, RFC 6980), recorded rather than judged here.
struct Context {
  std::int64_t time_us = 0;   // capture time, microseconds since the Unix epoch
  std::uint32_t index = 0;    // packet number in the capture (1-based, as Wireshark counts)
  Mac src_mac, dst_mac;
  Ip6 src_ip, dst_ip;
  std::uint8_t hop_limit = 0;
  // Next-header values of the extension headers in front of the upper layer (0 HbH, 60 DstOpt, 43, 44 ...).
  std::vector<std::uint8_t> ext_headers;
  bool fragmented = false;    // a Fragment header was present
  bool checksum_ok = true;    // ICMPv6/UDP checksum over the pseudo-header (RFC 8200 §8.1)
  // The sender's kernel left the checksum to offload and the frame was captured before
  // anything computed it (TP_STATUS_CSUMNOTREADY on veth and virtio): it cannot be judged.
  bool checksum_offloaded = false;
  std::vector<Departure> departures;  // of the message from its format (RFC 4861 §4, RFC 8415 §21, ...)
  std::vector<std::uint8_t> raw;  // the whole frame as captured
};

// Bytes that did not decode: what was wrong, where, and how many bytes there were.
struct Malformed {
  std::string what;
  std::size_t bytes = 0;
};

// An IPv6 packet we do not decode further (TCP, plain UDP, unknown ICMPv6 types).
struct OtherPacket {
  std::uint8_t next_header = 0;  // upper-layer protocol
  std::uint8_t icmp_type = 0;    // when next_header == 58
  std::uint16_t src_port = 0, dst_port = 0;  // when UDP
  std::size_t payload_bytes = 0;
};

using Message = std::variant<Malformed, OtherPacket, RouterSolicit, RouterAdvert, NeighborSolicit,
                             NeighborAdvert, Redirect, Echo, IcmpError, Dhcp6Message>;

struct Packet {
  Context ctx;
  Message msg;

  template <class T> const T* as() const { return std::get_if<T>(&msg); }
};

// Decodes one Ethernet II frame. Never throws for any input bytes.
Packet decode_frame(std::span<const std::uint8_t> frame, std::int64_t time_us = 0, std::uint32_t index = 0);

// A captured frame whose checksum the kernel had not computed yet: not judged wrong.
void mark_checksum_offloaded(Packet& p);

// Short human label: "RA", "NS", "DHCPv6 Reply", "malformed (truncated RA, 37 bytes)".
std::string describe(const Message& msg);

}  // namespace v6c::wire
