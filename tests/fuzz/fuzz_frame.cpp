// libFuzzer: any bytes as an Ethernet frame. decode_frame must never crash or throw, and a
// decoded message must describe itself and survive a JSON round trip.
#include "v6c/wire/json.hpp"
#include "v6c/wire/packet.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto p = v6c::wire::decode_frame({data, size});
  (void)v6c::wire::describe(p.msg);
  nlohmann::json j = p;
  auto back = j.get<v6c::wire::Packet>();
  if (back.msg.index() != p.msg.index()) __builtin_trap();
  return 0;
}
