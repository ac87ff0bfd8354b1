// libFuzzer: any bytes as a DHCPv6 message inside a well-formed UDP datagram, so the fuzzer
// spends its time in the DHCPv6 option walk rather than in the outer headers.
#include <vector>

#include "v6c/wire/build.hpp"
#include "v6c/wire/packet.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const v6c::wire::Addressing a{{}, {}, *v6c::wire::Ip6::parse("fe80::1"), *v6c::wire::Ip6::parse("fe80::2"), 1};
  auto frame = v6c::wire::build_udp(a, 547, 546, {data, size});
  auto p = v6c::wire::decode_frame(frame);
  (void)v6c::wire::describe(p.msg);
  return 0;
}
