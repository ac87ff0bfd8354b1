#include "nd_options.hpp"

#include <tins/exceptions.h>

namespace v6c::wire::detail {

std::optional<Malformed> check_nd_options(std::span<const std::uint8_t> icmp, std::size_t body, const char* msg) {
  if (icmp.size() < kIcmpHeader + body)
    return Malformed{std::string("truncated ") + msg + ": " + std::to_string(icmp.size()) + " bytes, need " +
                         std::to_string(kIcmpHeader + body),
                     icmp.size()};
  std::size_t off = kIcmpHeader + body;
  while (off < icmp.size()) {
    if (icmp.size() - off < 2)
      return Malformed{std::string(msg) + " option header truncated at offset " + std::to_string(off), icmp.size()};
    std::size_t len = static_cast<std::size_t>(icmp[off + 1]) * 8;  // in units of 8 octets
    if (len == 0)
      return Malformed{std::string(msg) + " option type " + std::to_string(icmp[off]) + " has length 0 at offset " +
                           std::to_string(off),
                       icmp.size()};
    if (len > icmp.size() - off)
      return Malformed{std::string(msg) + " option type " + std::to_string(icmp[off]) + " overruns the message: " +
                           std::to_string(len) + " bytes at offset " + std::to_string(off) + ", " +
                           std::to_string(icmp.size() - off) + " left",
                       icmp.size()};
    off += len;
  }
  return std::nullopt;
}

std::variant<Malformed, Tins::ICMPv6> parse_icmpv6(std::span<const std::uint8_t> icmp, const char* msg) {
  try {
    return Tins::ICMPv6(icmp.data(), static_cast<std::uint32_t>(icmp.size()));
  } catch (const std::exception& e) {
    return Malformed{std::string(msg) + ": " + e.what(), icmp.size()};
  }
}

void walk_options(const Tins::ICMPv6& icmp, std::vector<RawOption>& unknown,
                  const std::function<bool(const Tins::ICMPv6::option&)>& known) {
  for (const auto& opt : icmp.options()) {
    bool handled = false;
    try {
      handled = known(opt);
    } catch (const std::exception&) {
      handled = false;  // a known type with a body we cannot read: keep its bytes
    }
    if (!handled)
      unknown.push_back(RawOption{opt.option(), {opt.data_ptr(), opt.data_ptr() + opt.data_size()}});
  }
}

std::optional<Mac> lla_of(const Tins::ICMPv6::option& opt) {
  if (opt.data_size() < 6) return std::nullopt;
  Mac m;
  std::copy_n(opt.data_ptr(), 6, m.bytes.begin());
  return m;
}

Tins::HWAddress<6> tins_mac(const Mac& m) { return Tins::HWAddress<6>(m.bytes.data()); }
Tins::IPv6Address tins_ip(const Ip6& a) { return Tins::IPv6Address(a.bytes.data()); }
Ip6 from_tins(const Tins::IPv6Address& a) {
  Ip6 r;
  std::copy(a.begin(), a.end(), r.bytes.begin());
  return r;
}

void add_unknown(Tins::ICMPv6& icmp, const std::vector<RawOption>& unknown) {
  for (const auto& o : unknown) icmp.add_option(Tins::ICMPv6::option(o.type, o.data.begin(), o.data.end()));
}

Bytes frame_icmpv6(const Addressing& a, Tins::ICMPv6& icmp) {
  Tins::EthernetII eth(tins_mac(a.dst_mac), tins_mac(a.src_mac));
  Tins::IPv6 ip(tins_ip(a.dst_ip), tins_ip(a.src_ip));
  ip.hop_limit(a.hop_limit);
  auto pkt = eth / ip / icmp;
  return pkt.serialize();
}

}  // namespace v6c::wire::detail
