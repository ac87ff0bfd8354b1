#include "v6c/wire/addr.hpp"

#include <arpa/inet.h>

#include <cstdio>

namespace v6c::wire {

std::optional<Ip6> Ip6::parse(std::string_view text) {
  std::string s(text);
  Ip6 a;
  if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) != 1) return std::nullopt;
  return a;
}

std::string Ip6::str() const {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);  // glibc emits RFC 5952 form
  return buf;
}

Ip6 Ip6::prefix(unsigned length) const {
  Ip6 p = *this;
  for (unsigned i = 0; i < 16; ++i) {
    unsigned bits = i * 8;
    if (bits >= length) p.bytes[i] = 0;
    else if (length - bits < 8) p.bytes[i] &= static_cast<std::uint8_t>(0xff << (8 - (length - bits)));
  }
  return p;
}

std::optional<Mac> Mac::parse(std::string_view text) {
  Mac m;
  unsigned v[6];
  char tail;
  std::string s(text);
  if (std::sscanf(s.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &tail) != 6)
    return std::nullopt;
  if (s.size() != 17) return std::nullopt;
  for (int i = 0; i < 6; ++i) m.bytes[i] = static_cast<std::uint8_t>(v[i]);
  return m;
}

std::string Mac::str() const {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", bytes[0], bytes[1], bytes[2], bytes[3], bytes[4],
                bytes[5]);
  return buf;
}

Ip6 eui64_address(const Ip6& prefix, const Mac& mac) {
  Ip6 a = prefix.prefix(64);
  a.bytes[8] = mac.bytes[0] ^ 0x02;  // flip the universal/local bit
  a.bytes[9] = mac.bytes[1];
  a.bytes[10] = mac.bytes[2];
  a.bytes[11] = 0xff;
  a.bytes[12] = 0xfe;
  a.bytes[13] = mac.bytes[3];
  a.bytes[14] = mac.bytes[4];
  a.bytes[15] = mac.bytes[5];
  return a;
}

Ip6 solicited_node(const Ip6& addr) {
  Ip6 m = *Ip6::parse("ff02::1:ff00:0");
  m.bytes[13] = addr.bytes[13];
  m.bytes[14] = addr.bytes[14];
  m.bytes[15] = addr.bytes[15];
  return m;
}

Mac multicast_mac(const Ip6& group) {
  return Mac{{0x33, 0x33, group.bytes[12], group.bytes[13], group.bytes[14], group.bytes[15]}};
}

Ip6 link_local_of(const Mac& mac) { return eui64_address(*Ip6::parse("fe80::"), mac); }

}  // namespace v6c::wire
