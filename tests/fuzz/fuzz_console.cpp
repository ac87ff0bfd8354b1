// libFuzzer: any console text through the deframer, and the DNS answer decoder.
#include <string_view>

#include "v6c/wire/dns.hpp"
#include "v6c/wire/frames.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto d = v6c::wire::deframe(text, "r");
  if (d.payload && !d.error.empty()) __builtin_trap();
  (void)v6c::wire::decode_dns({data, size});
  return 0;
}
