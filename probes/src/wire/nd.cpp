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
