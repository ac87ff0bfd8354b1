// libFuzzer: any bytes as an ICMPv6 message (RA, NS, NA, Redirect, errors) behind a valid
// IPv6 header: the ND option walk and libtins' parsers under our adapter.
#include <vector>

#include "v6c/wire/packet.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 65000) return 0;
  std::vector<std::uint8_t> f(14 + 40 + size);
  f[12] = 0x86, f[13] = 0xdd;                                   // IPv6
  f[14] = 0x60;                                                 // version 6
  f[18] = static_cast<std::uint8_t>(size >> 8), f[19] = static_cast<std::uint8_t>(size);
  f[20] = 58, f[21] = 255;                                      // ICMPv6, hop limit 255
  f[22] = 0xfe, f[23] = 0x80, f[37] = 1;                        // fe80::1
  f[38] = 0xff, f[39] = 0x02, f[53] = 1;                        // ff02::1
  std::copy(data, data + size, f.begin() + 54);
  auto p = v6c::wire::decode_frame(f);
  (void)v6c::wire::describe(p.msg);
  return 0;
}
