// Router discovery (RFC 4861 §6.3.7): RSs to all-routers, then every RA in the window.
#include <algorithm>

#include "common.hpp"
#include "v6c/probe/procedures.hpp"

namespace v6c::probe {

// ICMPv6 directly, or anything behind extension headers (an RA hidden behind them is
// exactly what ra-valid must see).
constexpr const char* kRaFilter = "icmp6 or (ip6 and ip6[6] != 6 and ip6[6] != 17)";

// An RA flood must not grow the result without bound. RAs are kept per sender (source MAC):
// on a cloud port, port security pins a VM to its own MAC, so a flooding VM is one sender
// and cannot crowd out the router's RAs however many addresses and prefixes it forges.
constexpr std::size_t kMaxRaSenders = 32;
constexpr std::size_t kMaxRasPerSender = 8;
constexpr std::size_t kMaxOthersRs = 64;

// Whether `p` may be stored next to `kept`: its sender has room, or is new and there is room
// for one more sender.
bool room_for(const std::vector<wire::Packet>& kept, const wire::Packet& p) {
  std::size_t same = 0;
  std::vector<wire::Mac> senders;
  for (const auto& k : kept) {
    if (k.ctx.src_mac == p.ctx.src_mac) ++same;
    else if (std::find(senders.begin(), senders.end(), k.ctx.src_mac) == senders.end()) senders.push_back(k.ctx.src_mac);
  }
  return same > 0 ? same < kMaxRasPerSender : senders.size() < kMaxRaSenders;
}

wire::DiscoverResult discover(Link& link, const DiscoverOptions& o) {
  wire::DiscoverResult r;
  r.passive = o.passive;
  r.window_ms = static_cast<std::uint32_t>(o.window.count());
  link.set_filter(kRaFilter);
  auto src = link.link_local();
  auto frame = wire::build_rs(detail::multicast_from(link, src, wire::kAllRouters), wire::RouterSolicit{link.mac(), {}});

  auto start = Clock::now();
  auto deadline = start + o.window;
  int sent = 0;
  auto next_rs = start;
  for (;;) {
    if (!o.passive && sent < o.rs_count && Clock::now() >= next_rs) {
      // RS sent -> RA decoded is timed from before the send: on a veth the RA can already be
      // queued when sendto and the RS's own decoding are done (0.009 ms was once reported).
      if (sent == 0) start = Clock::now(), deadline = start + o.window;
      // Timed before it leaves, as the pcap times it: ra-answered counts only RAs captured after it.
      const auto leaving_us = Link::now_us();
      link.send(frame);
      r.sent.push_back(detail::sent_packet(frame));
      r.sent.back().ctx.time_us = leaving_us;
      ++sent;
      next_rs = Clock::now() + o.rs_interval;
    }
    auto until = (!o.passive && sent < o.rs_count) ? std::min(deadline, next_rs) : deadline;
    auto p = link.receive(until);
    if (p && p->as<wire::RouterSolicit>() && p->ctx.src_mac != link.mac() && r.others_rs_us.size() < kMaxOthersRs)
      r.others_rs_us.push_back(p->ctx.time_us);
    if (p && p->as<wire::RouterAdvert>()) {
      if (!r.first_ra_ms) {
        r.first_ra_ms = detail::ms_between(start, Clock::now());
        if (o.settle.count() > 0) deadline = std::min(deadline, Clock::now() + o.settle);
      }
      ++r.ras_seen;
      if (room_for(r.ras, *p)) r.ras.push_back(std::move(*p));
      else ++r.ras_dropped;
      if (o.stop_at_first) break;
    }
    if (Clock::now() >= deadline) break;
  }
  return r;
}

}  // namespace v6c::probe
