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

}  // namespace v6c::probe
