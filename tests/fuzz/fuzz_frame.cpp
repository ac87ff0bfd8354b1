// libFuzzer: any bytes as an Ethernet frame. decode_frame must never crash or throw.
#include "v6c/wire/packet.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto p = v6c::wire::decode_frame({data, size});
  (void)v6c::wire::describe(p.msg);
  return 0;
}
