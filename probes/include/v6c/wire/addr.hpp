// Plain address values for observations: no libtins types leak past the wire layer,
// so the catalogue and reports can read observations without linking libtins.
#pragma once
#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace v6c::wire {

struct Ip6 {
  std::array<std::uint8_t, 16> bytes{};

  static std::optional<Ip6> parse(std::string_view text);
  std::string str() const;  // RFC 5952 canonical text
  bool is_link_local() const { return bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80; }
  bool is_unspecified() const { return *this == Ip6{}; }
  bool is_multicast() const { return bytes[0] == 0xff; }
  // The first `length` bits of this address, rest zeroed.
  Ip6 prefix(unsigned length) const;
  auto operator<=>(const Ip6&) const = default;
};

struct Mac {
  std::array<std::uint8_t, 6> bytes{};

  static std::optional<Mac> parse(std::string_view text);
  std::string str() const;  // lower-case, colon separated
  auto operator<=>(const Mac&) const = default;
};

// RFC 4291 App. A: the modified EUI-64 interface identifier of a MAC under a /64 prefix.
Ip6 eui64_address(const Ip6& prefix, const Mac& mac);
// RFC 4291 §2.7.1: ff02::1:ffXX:XXXX for an address.
Ip6 solicited_node(const Ip6& addr);
// RFC 2464 §7: 33:33 + the low 32 bits of a multicast address.
Mac multicast_mac(const Ip6& group);
// fe80::/64 + EUI-64 of the MAC.
Ip6 link_local_of(const Mac& mac);

inline const Ip6 kAllNodes = *Ip6::parse("ff02::1");
inline const Ip6 kAllRouters = *Ip6::parse("ff02::2");
inline const Ip6 kAllDhcpAgents = *Ip6::parse("ff02::1:2");  // RFC 8415 §7.1

}  // namespace v6c::wire
