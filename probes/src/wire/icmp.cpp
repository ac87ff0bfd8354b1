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
using icmp6::kEchoReply, icmp6::kEchoRequest;

constexpr std::size_t kEchoHeader = 8;    // type, code, checksum, id, seq
constexpr std::size_t kErrorHeader = 8;   // type, code, checksum, MTU/pointer/unused

}  // namespace

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
