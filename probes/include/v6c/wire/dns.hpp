// The little of DNS (RFC 1035, RFC 3596) the dns-aaaa probe needs: an AAAA query and the
// answer's rcode and AAAA records.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "v6c/wire/addr.hpp"
#include "v6c/wire/packet.hpp"

namespace v6c::wire {

struct DnsAnswer {
  std::uint16_t id = 0;
  bool response = false;
  int rcode = 0;
  std::vector<Ip6> aaaa;
  std::vector<Departure> departures;  // from the message format (RFC 1035, 3596, 2181, 9619), with the bytes
};

std::vector<std::uint8_t> encode_aaaa_query(std::uint16_t id, const std::string& name);
std::variant<Malformed, DnsAnswer> decode_dns(std::span<const std::uint8_t> msg);

}  // namespace v6c::wire
