// SLAAC address formation and duplicate address detection (RFC 4862 §5.4): NS from the
// unspecified address to the tentative address's solicited-node group, then listen.
#include "common.hpp"
#include "v6c/probe/procedures.hpp"

namespace v6c::probe {

wire::DadResult dad(Link& link, const DadOptions& o) {
  wire::DadResult r;
  r.prefix = o.prefix.prefix(o.prefix_length);
  r.prefix_length = o.prefix_length;
  r.address = wire::eui64_address(r.prefix, link.mac());
  link.set_filter("icmp6");
  auto group = wire::solicited_node(r.address);
  // RFC 4862 §5.4.2: from ::, no source link-layer option.
  auto frame = wire::build_ns(detail::multicast_from(link, wire::Ip6{}, group), wire::NeighborSolicit{r.address, {}, {}});

  auto is_conflict = [&](const wire::Packet& p) {
    if (const auto* na = p.as<wire::NeighborAdvert>()) return na->target == r.address;
    if (const auto* ns = p.as<wire::NeighborSolicit>())  // another node's DAD for the same address
      return ns->target == r.address && p.ctx.src_ip.is_unspecified() && p.ctx.src_mac != link.mac();
    return false;
  };
  for (int i = 0; i < o.transmits; ++i) {
    link.send(frame);
    ++r.ns_sent;
    detail::collect(link, Clock::now() + o.retrans, [&](const wire::Packet& p) {
      if (is_conflict(p)) r.conflicts.push_back(p);
      return false;
    });
  }
  r.duplicate = !r.conflicts.empty();
  if (!r.duplicate && o.claim) link.own(r.address);
  return r;
}

}  // namespace v6c::probe
