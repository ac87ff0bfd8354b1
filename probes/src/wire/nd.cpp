// Neighbor Solicitation, Neighbor Advertisement and Redirect (RFC 4861 §4.3–4.5).
#include "decode.hpp"
#include "nd_options.hpp"
#include "v6c/wire/build.hpp"

namespace v6c::wire {
namespace detail {
namespace {

constexpr std::uint8_t kNeighborSolicit = 135, kNeighborAdvert = 136;
constexpr std::size_t kNsNaBody = 20;     // flags/reserved + target
constexpr std::size_t kRedirectBody = 36; // reserved + target + destination
constexpr std::uint8_t kNaReservedFlags = 0x1f;  // after R, S, O (RFC 4861 §4.4)
constexpr std::size_t kTargetAt = 8;
constexpr std::uint8_t kOptSourceLla = 1, kOptTargetLla = 2, kOptRedirected = 4;

}  // namespace

Message decode_neighbor(std::span<const std::uint8_t> icmp) {
  using T = Tins::ICMPv6;
  std::uint8_t type = icmp[0];
  const char* name = type == kNeighborSolicit ? "NS" : type == kNeighborAdvert ? "NA" : "Redirect";
  if (auto bad = check_nd_options(icmp, type == 137 ? kRedirectBody : kNsNaBody, name)) return *bad;
  auto parsed = parse_icmpv6(icmp, name);
  if (auto* m = std::get_if<Malformed>(&parsed)) return *m;
  const auto& t = std::get<T>(parsed);

  if (type == kNeighborSolicit) {
    NeighborSolicit ns;
    ns.target = from_tins(t.target_addr());
    walk_options(t, ns.unknown, [&](const auto& opt) {
      if (opt.option() != T::SOURCE_ADDRESS) return false;
      ns.source_lla = lla_of(opt);
      return ns.source_lla.has_value();
    });
    return ns;
  }
  if (type == kNeighborAdvert) {
    NeighborAdvert na;
    na.router = t.router();
    na.solicited = t.solicited();
    na.override_ = t.override();
    na.target = from_tins(t.target_addr());
    walk_options(t, na.unknown, [&](const auto& opt) {
      if (opt.option() != T::TARGET_ADDRESS) return false;
      na.target_lla = lla_of(opt);
      return na.target_lla.has_value();
    });
    return na;
  }
  Redirect r;
  r.target = from_tins(t.target_addr());
  r.destination = from_tins(t.dest_addr());
  std::vector<RawOption> ignored;
  walk_options(t, ignored, [&](const auto& opt) {
    if (opt.option() == T::TARGET_ADDRESS) {
      r.target_lla = lla_of(opt);
      return r.target_lla.has_value();
    }
    if (opt.option() == T::REDIRECT_HEADER) {
      r.redirected_header_bytes = opt.data_size();
      return true;
    }
    return false;
  });
  return r;
}

std::vector<Departure> neighbor_departures(std::span<const std::uint8_t> icmp, const Context& ctx) {
  const std::uint8_t type = icmp[0];
  const std::string name = type == kNeighborSolicit ? "NS" : type == kNeighborAdvert ? "NA" : "Redirect";
  std::vector<Departure> out;
  if (icmp[1] != 0)
    out.push_back(departure(name + " code " + std::to_string(icmp[1]) + ", must be 0 (RFC 4861 §7.1, §8.1)", 1,
                            icmp.subspan(1, 1)));
  const bool na = type == kNeighborAdvert;
  if (na ? (icmp[4] & kNaReservedFlags) || any_set(icmp.subspan(5, 3)) : any_set(icmp.subspan(4, 4)))
    out.push_back(departure(name + " Reserved is not zero (RFC 4861 §4)", 4, icmp.subspan(4, 4)));
  if (type == 137) {
    nd_option_departures(icmp, kRedirectBody, "Redirect", {kOptTargetLla, kOptRedirected}, out);
    return out;
  }
  if (icmp[kTargetAt] == 0xff)
    out.push_back(departure(name + " target is a multicast address (RFC 4861 §7.1.1, §7.1.2)", kTargetAt,
                            icmp.subspan(kTargetAt, 16)));
  if (na && (icmp[4] & 0x40) && ctx.dst_ip.is_multicast())
    out.push_back(departure("NA to a multicast address with the Solicited flag set (RFC 4861 §7.1.2)", 4,
                            icmp.subspan(4, 1)));
  if (na) {
    nd_option_departures(icmp, kNsNaBody, "NA", {kOptTargetLla}, out);
  } else if (ctx.src_ip.is_unspecified()) {  // RFC 4861 §7.1.1: DAD's NS carries no source link-layer address
    nd_option_departures(icmp, kNsNaBody, "NS from ::", {}, out);
  } else {
    nd_option_departures(icmp, kNsNaBody, "NS", {kOptSourceLla}, out);
  }
  return out;
}

}  // namespace detail

Bytes build_ns(const Addressing& a, const NeighborSolicit& m) {
  Tins::ICMPv6 icmp(Tins::ICMPv6::NEIGHBOUR_SOLICIT);
  icmp.target_addr(detail::tins_ip(m.target));
  if (m.source_lla) icmp.source_link_layer_addr(detail::tins_mac(*m.source_lla));
  detail::add_unknown(icmp, m.unknown);
  return detail::frame_icmpv6(a, icmp);
}

Bytes build_na(const Addressing& a, const NeighborAdvert& m) {
  Tins::ICMPv6 icmp(Tins::ICMPv6::NEIGHBOUR_ADVERT);
  icmp.target_addr(detail::tins_ip(m.target));
  icmp.router(m.router);
  icmp.solicited(m.solicited);
  icmp.override(m.override_);
  if (m.target_lla) icmp.target_link_layer_addr(detail::tins_mac(*m.target_lla));
  detail::add_unknown(icmp, m.unknown);
  return detail::frame_icmpv6(a, icmp);
}

Bytes build_redirect(const Addressing& a, const Redirect& m) {
  Tins::ICMPv6 icmp(Tins::ICMPv6::REDIRECT);
  icmp.target_addr(detail::tins_ip(m.target));
  icmp.dest_addr(detail::tins_ip(m.destination));
  if (m.target_lla) icmp.target_link_layer_addr(detail::tins_mac(*m.target_lla));
  return detail::frame_icmpv6(a, icmp);
}

}  // namespace v6c::wire
