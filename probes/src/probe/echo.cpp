// ping6 over the raw link (RFC 4443 §4): echo requests of an exact size and hop limit,
// recording replies and every ICMPv6 error that quotes one of our requests.
#include <map>

#include "common.hpp"
#include "v6c/probe/procedures.hpp"

namespace v6c::probe {
namespace {

// The link-layer address to send to: the target itself when on-link, else the gateway.
wire::Mac next_hop(Link& link, const EchoOptions& o, const wire::Ip6& src) {
  if (o.next_hop_mac) return *o.next_hop_mac;
  if (o.target.is_multicast()) return wire::multicast_mac(o.target);
  return detail::resolve_next_hop(link, o.gateway.value_or(o.target), src, "next hop for " + o.target.str());
}

bool quotes_ours(const wire::IcmpError& e, std::uint16_t id, const wire::Ip6& target) {
  return e.invoking_echo && e.invoking_echo->id == id && e.invoking_dst == target;
}

}  // namespace

wire::EchoResult echo(Link& link, const EchoOptions& o) {
  wire::EchoResult r;
  r.target = o.target;
  r.source = o.source.value_or(link.link_local());
  r.size = o.size;
  r.hop_limit = o.hop_limit;
  auto mac = next_hop(link, o, r.source);
  link.set_filter("icmp6");
  std::uint16_t id = detail::random16();
  wire::Addressing a{link.mac(), mac, r.source, o.target, o.hop_limit};
  std::map<std::uint16_t, Clock::time_point> sent_at;

  // True when the request `seq` has its answer (a reply or an error quoting it).
  std::uint16_t current = 0;
  auto on_packet = [&](const wire::Packet& p) {
    if (const auto* e = p.as<wire::Echo>(); e && e->reply && e->id == id && p.ctx.src_ip == o.target) {
      if (auto it = sent_at.find(e->seq); it != sent_at.end())
        r.rtt_ms.push_back(detail::ms_between(it->second, Clock::now()));
      r.replies.push_back(p);
      return e->seq == current;
    }
    if (const auto* err = p.as<wire::IcmpError>(); err && quotes_ours(*err, id, o.target)) {
      r.errors.push_back(p);
      return o.error_answers && err->invoking_echo->seq == current;
    }
    return false;
  };
  for (int seq = 1; seq <= o.count; ++seq) {
    current = static_cast<std::uint16_t>(seq);
    auto frame = wire::build_echo(a, wire::Echo{false, id, current, 0}, o.size);
    sent_at[current] = Clock::now();
    link.send(frame);
    ++r.sent;
    detail::collect(link, Clock::now() + (seq < o.count ? o.interval : o.timeout), on_packet);
  }
  return r;
}

wire::PmtuResult pmtu(Link& link, const PmtuOptions& o) {
  wire::PmtuResult r;
  r.target = o.echo.target;
  r.source = o.echo.source.value_or(link.link_local());
  auto opts = o.echo;
  opts.count = 1;
  for (auto size : o.sizes) {
    opts.size = size;
    auto e = echo(link, opts);
    opts.next_hop_mac = std::nullopt;
    wire::PmtuStep step{size, !e.replies.empty(), std::nullopt};
    if (!e.errors.empty()) step.ptb = e.errors.front();
    r.steps.push_back(std::move(step));
  }
  return r;
}

}  // namespace v6c::probe
