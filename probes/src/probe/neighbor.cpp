// Address resolution (RFC 4861 §7.2.2): NS to the target's solicited-node group, answered
// by a solicited NA for the same target.
#include "common.hpp"
#include "v6c/probe/procedures.hpp"

namespace v6c::probe {

wire::NeighborResult neighbor(Link& link, const NeighborOptions& o) {
  wire::NeighborResult r;
  r.target = o.target;
  auto src = o.source.value_or(link.link_local());
  link.set_filter("icmp6");
  auto group = wire::solicited_node(o.target);
  auto frame = wire::build_ns(detail::multicast_from(link, src, group), wire::NeighborSolicit{o.target, link.mac(), {}});
  for (int i = 0; i < o.attempts && !r.na; ++i) {
    auto sent_at = Clock::now();
    link.send(frame);
    ++r.ns_sent;
    detail::collect(link, sent_at + o.timeout, [&](const wire::Packet& p) {
      const auto* na = p.as<wire::NeighborAdvert>();
      if (!na || na->target != o.target) return false;
      r.na = p;
      r.rtt_ms = detail::ms_between(sent_at, Clock::now());
      return true;
    });
  }
  return r;
}

namespace detail {

wire::Mac resolve_next_hop(Link& link, const wire::Ip6& hop, const wire::Ip6& src, const std::string& why) {
  if (const auto* known = link.cached_neighbor(hop)) {
    if (*known) return **known;
    throw ProbeError("no neighbour advertisement from " + hop.str() + " (" + why + "; no answer earlier in this run)");
  }
  auto nd = neighbor(link, NeighborOptions{hop, src, std::chrono::milliseconds(1000), 3});
  std::optional<wire::Mac> mac;
  if (nd.na) mac = nd.na->as<wire::NeighborAdvert>()->target_lla;
  link.cache_neighbor(hop, mac);
  if (!mac) throw ProbeError("no neighbour advertisement from " + hop.str() + " (" + why + ")");
  return *mac;
}

}  // namespace detail
}  // namespace v6c::probe
