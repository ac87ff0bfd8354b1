// ICMPv6 echo (RFC 4443 §4) and error messages (§3), with what they quote of the
// invoking packet so an error can be matched to the probe that drew it.
#include <tins/rawpdu.h>

#include "decode.hpp"
#include "proto.hpp"
#include "nd_options.hpp"
#include "v6c/wire/build.hpp"

namespace v6c::wire {
namespace detail {
namespace {

using namespace proto;
using icmp6::kEchoReply, icmp6::kEchoRequest, icmp6::kDestUnreachable, icmp6::kPacketTooBig, icmp6::kTimeExceeded,
    icmp6::kParamProblem;

constexpr std::size_t kEchoHeader = 8;    // type, code, checksum, id, seq
constexpr std::size_t kErrorHeader = 8;   // type, code, checksum, MTU/pointer/unused
constexpr std::size_t kMinMtu = 1280;     // RFC 8200 §5

// The highest code each message has (IANA's ICMPv6 registry: RFC 4443, 7112, 8754, 8883).
std::uint8_t highest_code(std::uint8_t type) {
  switch (type) {
    case kDestUnreachable: return 8;
    case kTimeExceeded: return 1;
    case kParamProblem: return 10;
    default: return 0;  // Packet Too Big, echo
  }
}

std::string message_name(std::uint8_t type) {
  switch (type) {
    case kDestUnreachable: return "Destination Unreachable";
    case kPacketTooBig: return "Packet Too Big";
    case kTimeExceeded: return "Time Exceeded";
    case kParamProblem: return "Parameter Problem";
    case kEchoRequest: return "Echo Request";
    default: return "Echo Reply";
  }
}

// An error's quote of the invoking packet (RFC 4443 §2.4 (c)): as much as fits in the
// minimum MTU, so at least the invoking IPv6 header; never more.
void quote_departures(std::span<const std::uint8_t> icmp, std::vector<Departure>& out) {
  const auto name = message_name(icmp[0]);
  const auto quoted = icmp.subspan(kErrorHeader);
  if (kIpv6Header + icmp.size() > kMinMtu)
    out.push_back(departure(name + " of " + std::to_string(kIpv6Header + icmp.size()) +
                                " bytes, over the minimum MTU 1280 (RFC 4443 §2.4 (c))",
                            kErrorHeader, quoted.first(std::min<std::size_t>(quoted.size(), 16))));
  else if (quoted.size() < kIpv6Header)
    out.push_back(departure(name + " quotes " + std::to_string(quoted.size()) +
                                " bytes, less than the invoking packet's IPv6 header (RFC 4443 §2.4 (c))",
                            0, icmp.first(kErrorHeader)));
  else if ((quoted[0] >> 4) != 6)
    out.push_back(departure(name + " quotes an IP version " + std::to_string(quoted[0] >> 4) + " header (RFC 4443 §2.4 (c))",
                            kErrorHeader, quoted.first(1)));
}

}  // namespace

std::vector<Departure> echo_or_error_departures(std::span<const std::uint8_t> icmp) {
  std::vector<Departure> out;
  const std::uint8_t type = icmp[0], code = icmp[1];
  const auto name = message_name(type);
  if (code > highest_code(type))
    out.push_back(departure(name + " code " + std::to_string(code) +
                                (highest_code(type) == 0 ? ", must be 0 (RFC 4443)" : " is unassigned (RFC 4443, 8883)"),
                            1, icmp.subspan(1, 1)));
  if (type == kEchoRequest || type == kEchoReply) return out;
  if ((type == kDestUnreachable || type == kTimeExceeded) && be32(&icmp[4]) != 0)
    out.push_back(departure(name + " Unused field is not zero (RFC 4443 §3)", 4, icmp.subspan(4, 4)));
  if (type == kPacketTooBig && be32(&icmp[4]) < kMinMtu)
    out.push_back(departure("Packet Too Big MTU " + std::to_string(be32(&icmp[4])) +
                                " below the IPv6 minimum 1280 (RFC 8200 §5)", 4, icmp.subspan(4, 4)));
  if (type == kParamProblem && be32(&icmp[4]) >= icmp.size() - kErrorHeader)
    out.push_back(departure("Parameter Problem pointer " + std::to_string(be32(&icmp[4])) + " beyond the " +
                                std::to_string(icmp.size() - kErrorHeader) + " quoted bytes (RFC 4443 §3.4)",
                            4, icmp.subspan(4, 4)));
  quote_departures(icmp, out);
  return out;
}

Message decode_echo_or_error(std::span<const std::uint8_t> icmp) {
  std::uint8_t type = icmp[0];
  if (type == kEchoRequest || type == kEchoReply) {
    if (icmp.size() < kEchoHeader) return Malformed{"truncated echo header", icmp.size()};
    return Echo{type == kEchoReply, be16(&icmp[4]), be16(&icmp[6]), icmp.size() - kEchoHeader};
  }
  if (icmp.size() < kErrorHeader) return Malformed{"truncated ICMPv6 error header", icmp.size()};
  IcmpError e;
  e.kind = static_cast<IcmpErrorKind>(type);
  e.code = icmp[1];
  if (e.kind == IcmpErrorKind::packet_too_big || e.kind == IcmpErrorKind::param_problem)
    e.mtu_or_pointer = be32(&icmp[4]);
  auto quoted = icmp.subspan(kErrorHeader);
  e.quoted_bytes = quoted.size();
  // RFC 4443 §2.4 (c): as much of the invoking packet as fits; read only what is there.
  if (quoted.size() >= kIpv6Header && (quoted[0] >> 4) == 6) {
    Ip6 src, dst;
    std::copy_n(&quoted[8], 16, src.bytes.begin());
    std::copy_n(&quoted[24], 16, dst.bytes.begin());
    e.invoking_src = src;
    e.invoking_dst = dst;
    e.invoking_next_header = quoted[6];
    auto upper = quoted.subspan(kIpv6Header);
    if (e.invoking_next_header == kIcmpv6 && upper.size() >= kEchoHeader &&
        (upper[0] == kEchoRequest || upper[0] == kEchoReply))
      e.invoking_echo = Echo{upper[0] == kEchoReply, be16(&upper[4]), be16(&upper[6]), upper.size() - kEchoHeader};
  }
  return e;
}

}  // namespace detail

Bytes build_echo(const Addressing& a, const Echo& m, std::size_t ipv6_size) {
  constexpr std::size_t kMin = proto::kIpv6Header + detail::kEchoHeader;
  std::size_t payload = ipv6_size > kMin ? ipv6_size - kMin : 0;
  Tins::ICMPv6 icmp(m.reply ? Tins::ICMPv6::ECHO_REPLY : Tins::ICMPv6::ECHO_REQUEST);
  icmp.identifier(m.id);
  icmp.sequence(m.seq);
  std::vector<std::uint8_t> data(payload);
  for (std::size_t i = 0; i < payload; ++i) data[i] = static_cast<std::uint8_t>(i);  // like ping's pattern
  icmp.inner_pdu(Tins::RawPDU(data.begin(), data.end()));
  return detail::frame_icmpv6(a, icmp);
}

}  // namespace v6c::wire
