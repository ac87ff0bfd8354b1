// Router Solicitation and Router Advertisement (RFC 4861 §4.1, §4.2) with their options:
// prefix information, MTU, RDNSS/DNSSL (RFC 8106), route information (RFC 4191).
#include <tins/exceptions.h>

#include "decode.hpp"
#include "nd_options.hpp"
#include "proto.hpp"
#include "v6c/wire/build.hpp"

namespace v6c::wire {
namespace detail {
namespace {

constexpr std::uint8_t kRouterSolicit = 133, kRouterAdvert = 134;
constexpr std::size_t kRsBody = 4;   // reserved
constexpr std::size_t kRaBody = 12;  // hop limit, flags, lifetime, reachable, retrans
constexpr std::uint8_t kProxyFlag = 0x04;  // RFC 4389 §4.1.3.3; libtins does not expose it
constexpr std::uint8_t kRaReservedFlags = 0x03;  // after M, O, H, Prf, P (RFC 4861 §4.2, RFC 4191, RFC 4389)
constexpr unsigned kReservedPreference = 2;      // RFC 4191 §2.2: Prf 10

// RFC 4191 §2.1: 2-bit preference, 11 (binary) is -1, 10 is reserved.
int preference_of(unsigned bits) {
  switch (bits & 3) {
    case 1: return 1;
    case 3: return -1;
    case 2: return 2;
    default: return 0;
  }
}
unsigned preference_bits(int pref) {
  switch (pref) {
    case 1: return 1;
    case -1: return 3;
    case 2: return 2;
    default: return 0;
  }
}

}  // namespace

Message decode_router_discovery(std::span<const std::uint8_t> icmp) {
  bool advert = icmp[0] == kRouterAdvert;
  const char* name = advert ? "RA" : "RS";
  if (auto bad = check_nd_options(icmp, advert ? kRaBody : kRsBody, name)) return *bad;
  auto parsed = parse_icmpv6(icmp, name);
  if (auto* m = std::get_if<Malformed>(&parsed)) return *m;
  const auto& t = std::get<Tins::ICMPv6>(parsed);

  if (!advert) {
    RouterSolicit rs;
    walk_options(t, rs.unknown, [&](const auto& opt) {
      if (opt.option() != Tins::ICMPv6::SOURCE_ADDRESS) return false;
      rs.source_lla = lla_of(opt);
      return rs.source_lla.has_value();
    });
    return rs;
  }
  RouterAdvert ra;
  ra.code = t.code();
  ra.cur_hop_limit = t.hop_limit();
  ra.managed = t.managed();
  ra.other = t.other();
  ra.home_agent = t.home_agent();
  ra.proxy = (icmp[5] & kProxyFlag) != 0;
  ra.preference = preference_of(t.router_pref());
  ra.router_lifetime_s = t.router_lifetime();
  ra.reachable_ms = t.reachable_time();
  ra.retrans_ms = t.retransmit_timer();
  walk_options(t, ra.unknown, [&](const Tins::ICMPv6::option& opt) {
    using T = Tins::ICMPv6;
    switch (opt.option()) {
      case T::SOURCE_ADDRESS:
        ra.source_lla = lla_of(opt);
        return ra.source_lla.has_value();
      case T::MTU: {
        if (opt.data_size() != 6) return false;  // reserved(2) + MTU(4)
        const auto* d = opt.data_ptr();
        ra.mtu = proto::be32(&d[2]);
        return true;
      }
      case T::PREFIX_INFO: {
        if (opt.data_size() != 30) return false;  // RFC 4861 §4.6.2: length 4
        auto pi = T::prefix_info_type::from_option(opt);
        ra.prefixes.push_back({from_tins(pi.prefix), pi.prefix_len, pi.L == 1, pi.A == 1, pi.valid_lifetime,
                               pi.preferred_lifetime});
        return true;
      }
      case T::ROUTE_INFO: {
        auto ri = T::route_info_type::from_option(opt);
        if (ri.prefix.size() > 16) return false;
        Ip6 prefix;
        std::copy(ri.prefix.begin(), ri.prefix.end(), prefix.bytes.begin());
        ra.routes.push_back({prefix, ri.prefix_len, preference_of(ri.pref), ri.route_lifetime});
        return true;
      }
      case T::RECURSIVE_DNS_SERV: {
        // RFC 8106 §5.1: reserved(2) lifetime(4) then whole addresses.
        if (opt.data_size() < 6 + 16 || (opt.data_size() - 6) % 16) return false;
        auto r = T::recursive_dns_type::from_option(opt);
        Rdnss rd{r.lifetime, {}};
        for (const auto& s : r.servers) rd.servers.push_back(from_tins(s));
        ra.rdnss.push_back(std::move(rd));
        return true;
      }
      case T::DNS_SEARCH_LIST: {
        auto d = T::dns_search_list_type::from_option(opt);
        ra.dnssl.push_back({d.lifetime, d.domains});
        return true;
      }
      default:
        return false;
    }
  });
  return ra;
}

std::vector<Departure> router_discovery_departures(std::span<const std::uint8_t> icmp) {
  const bool advert = icmp[0] == kRouterAdvert;
  const std::string name = advert ? "RA" : "RS";
  std::vector<Departure> out;
  if (icmp[1] != 0)
    out.push_back(departure(name + " code " + std::to_string(icmp[1]) + ", must be 0 (RFC 4861 §6.1)", 1,
                            icmp.subspan(1, 1)));
  if (!advert) {
    if (any_set(icmp.subspan(4, 4)))
      out.push_back(departure("RS Reserved is not zero (RFC 4861 §4.1)", 4, icmp.subspan(4, 4)));
    nd_option_departures(icmp, kRsBody, "RS", {1}, out);
    return out;
  }
  if (icmp[5] & kRaReservedFlags)
    out.push_back(departure("RA reserved flag bits set (RFC 4861 §4.2)", 5, icmp.subspan(5, 1)));
  if (((icmp[5] >> 3) & 3) == kReservedPreference)
    out.push_back(departure("RA default router preference 10 is reserved: read as medium (RFC 4191 §2.2)", 5,
                            icmp.subspan(5, 1)));
  nd_option_departures(icmp, kRaBody, "RA", {1, 3, 5, 24, 25, 31}, out);
  return out;
}

}  // namespace detail

Bytes build_rs(const Addressing& a, const RouterSolicit& m) {
  Tins::ICMPv6 icmp(Tins::ICMPv6::ROUTER_SOLICIT);
  if (m.source_lla) icmp.source_link_layer_addr(detail::tins_mac(*m.source_lla));
  detail::add_unknown(icmp, m.unknown);
  return detail::frame_icmpv6(a, icmp);
}

Bytes build_ra(const Addressing& a, const RouterAdvert& m) {
  using T = Tins::ICMPv6;
  T icmp(T::ROUTER_ADVERT);
  icmp.code(m.code);
  icmp.hop_limit(m.cur_hop_limit);
  icmp.managed(m.managed);
  icmp.other(m.other);
  icmp.home_agent(m.home_agent);
  icmp.router_pref(detail::preference_bits(m.preference));
  icmp.router_lifetime(m.router_lifetime_s);
  icmp.reachable_time(m.reachable_ms);
  icmp.retransmit_timer(m.retrans_ms);
  if (m.source_lla) icmp.source_link_layer_addr(detail::tins_mac(*m.source_lla));
  if (m.mtu) icmp.mtu({0, *m.mtu});
  for (const auto& p : m.prefixes)
    icmp.prefix_info(T::prefix_info_type(p.length, p.autonomous, p.on_link, p.valid_s, p.preferred_s,
                                         detail::tins_ip(p.prefix)));
  for (const auto& r : m.routes) {
    unsigned bytes = (r.length + 63) / 64 * 8;  // RFC 4191 §2.3: prefix in 0, 8 or 16 bytes
    icmp.route_info(T::route_info_type(r.length, detail::preference_bits(r.preference), r.lifetime_s,
                                       {r.prefix.bytes.begin(), r.prefix.bytes.begin() + bytes}));
  }
  for (const auto& r : m.rdnss) {
    T::recursive_dns_type::servers_type servers;
    for (const auto& s : r.servers) servers.push_back(detail::tins_ip(s));
    icmp.recursive_dns_servers({r.lifetime_s, servers});
  }
  for (const auto& d : m.dnssl) icmp.dns_search_list({d.lifetime_s, d.domains});
  detail::add_unknown(icmp, m.unknown);
  return detail::frame_icmpv6(a, icmp);
}

}  // namespace v6c::wire
