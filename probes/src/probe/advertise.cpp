// A minimal router advertisement daemon (RFC 4861 §6.2): answers every RS with a multicast
// RA (at once, or after a set delay) and sends periodic ones. The lab's OVN flavour needs it
// because radvd caps the router lifetime at 9000 s where OVN advertises 65535 (RFC 8319),
// and its late-router fault because radvd cannot be told to answer late.
#include <algorithm>

#include "../wire/proto.hpp"
#include "common.hpp"
#include "v6c/probe/procedures.hpp"

namespace v6c::probe {

wire::AdvertiseResult advertise(Link& link, const AdvertiseOptions& o) {
  wire::AdvertiseResult r;
  auto ra = o.ra;
  if (!ra.source_lla && o.add_source_lla) ra.source_lla = link.mac();
  auto frame = wire::build_ra(detail::multicast_from(link, link.link_local(), wire::kAllNodes), ra);
  r.first = detail::sent_packet(frame);
  link.set_filter(wire::proto::icmp6_type_filter(wire::proto::icmp6::kRouterSolicit));

  auto stopped = [&] { return o.stop && o.stop->load(); };
  auto end = o.duration.count() > 0 ? Clock::now() + o.duration : Clock::time_point::max();
  auto next_periodic = Clock::now();
  auto answer_at = Clock::time_point::max();  // a pending answer to an RS; further RSs join it
  while (!stopped() && Clock::now() < end) {
    if (o.interval.count() > 0 && Clock::now() >= next_periodic) {
      link.send(frame);
      ++r.unsolicited;
      next_periodic = Clock::now() + o.interval;
    }
    if (Clock::now() >= answer_at) {
      link.send(frame);
      ++r.solicited;
      answer_at = Clock::time_point::max();
    }
    // Wake at least every 20 ms to notice a stop request (a signal does not end the wait).
    auto wake = std::min({end, answer_at, Clock::now() + milliseconds(20),
                          o.interval.count() > 0 ? next_periodic : Clock::time_point::max()});
    auto p = link.receive(wake);
    if (p && o.answer_rs && p->as<wire::RouterSolicit>())
      answer_at = std::min(answer_at, Clock::now() + o.answer_delay);
  }
  return r;
}

}  // namespace v6c::probe
