// One AAAA query over IPv6 UDP (RFC 1035, RFC 3596) to a named server.
#include "common.hpp"
#include "v6c/probe/procedures.hpp"
#include "v6c/wire/dns.hpp"

namespace v6c::probe {

constexpr std::uint16_t kDnsPort = 53;

wire::DnsResult dns_aaaa(Link& link, const DnsOptions& o) {
  wire::DnsResult r;
  r.server = o.server;
  r.name = o.name;
  auto src = o.source.value_or(link.link_local());
  auto mac = detail::resolve_next_hop(link, o.gateway.value_or(o.server), src, "next hop for DNS server " + o.server.str());
  wire::Addressing a{link.mac(), mac, src, o.server, 64};
  std::uint16_t port = static_cast<std::uint16_t>(49152 + detail::random16() % 16384);  // RFC 6335 dynamic range
  link.set_filter("udp port " + std::to_string(port) + " or icmp6");
  for (int i = 0; i < o.attempts && !r.rcode; ++i) {
    std::uint16_t id = detail::random16();
    auto query = wire::encode_aaaa_query(id, o.name);
    auto sent_at = Clock::now();
    link.send(wire::build_udp(a, port, kDnsPort, query));
    detail::collect(link, sent_at + o.timeout, [&](const wire::Packet& p) {
      if (const auto* e = p.as<wire::IcmpError>(); e && e->invoking_dst == o.server && e->invoking_next_header == 17) {
        r.errors.push_back(p);
        return false;
      }
      const auto& raw = p.ctx.raw;
      // Ethernet 14 + IPv6 40 + UDP 8; our filter admits only UDP to our port.
      constexpr std::size_t kPayloadOffset = 14 + 40 + 8;
      if (p.ctx.src_ip != o.server || raw.size() <= kPayloadOffset || !p.ctx.ext_headers.empty()) return false;
      auto answer = wire::decode_dns(std::span(raw).subspan(kPayloadOffset));
      const auto* ans = std::get_if<wire::DnsAnswer>(&answer);
      if (!ans || ans->id != id || !ans->response) return false;
      r.rcode = ans->rcode;
      r.aaaa = ans->aaaa;
      r.departures = ans->departures;
      r.rtt_ms = detail::ms_between(sent_at, Clock::now());
      return true;
    });
  }
  return r;
}

}  // namespace v6c::probe
