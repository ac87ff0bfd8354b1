// ping6 over the raw link (RFC 4443 §4): echo requests of an exact size and hop limit,
// recording replies and every ICMPv6 error that quotes one of our requests.
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
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

struct Socket {
  int fd = -1;
  bool ping = false;  // a ping socket: the kernel owns the echo id and filters replies to us
  ~Socket() {
    if (fd >= 0) ::close(fd);
  }
};

Socket open_echo_socket() {
  Socket s;
  s.fd = ::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMPV6);
  if (s.fd >= 0) {
    s.ping = true;
    return s;
  }
  s.fd = ::socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
  if (s.fd < 0)
    throw LinkError(LinkError::Kind::no_permission,
                    std::string("ICMPv6 socket: ") + std::strerror(errno) +
                        " (needs CAP_NET_RAW, or a ping_group_range that includes this group)");
  icmp6_filter filter;
  ICMP6_FILTER_SETBLOCKALL(&filter);
  for (int t : {ICMP6_ECHO_REPLY, ICMP6_DST_UNREACH, ICMP6_PACKET_TOO_BIG, ICMP6_TIME_EXCEEDED, ICMP6_PARAM_PROB})
    ICMP6_FILTER_SETPASS(t, &filter);
  ::setsockopt(s.fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter);
  return s;
}

sockaddr_in6 to_sockaddr(const wire::Ip6& a) {
  sockaddr_in6 sa{};
  sa.sin6_family = AF_INET6;
  std::memcpy(&sa.sin6_addr, a.bytes.data(), 16);
  return sa;
}

// An ICMPv6 message as the kernel hands it up, behind the IPv6 header it arrived with (as far
// as the socket tells: addresses and hop limit), decoded like a captured frame.
wire::Packet rebuilt_packet(const std::uint8_t* msg, std::size_t n, const wire::Ip6& src, const wire::Ip6& dst,
                            int hop_limit) {
  wire::Bytes frame(14 + 40 + n, 0);
  frame[12] = 0x86;
  frame[13] = 0xdd;
  frame[14] = 0x60;
  frame[18] = static_cast<std::uint8_t>(n >> 8);
  frame[19] = static_cast<std::uint8_t>(n);
  frame[20] = IPPROTO_ICMPV6;
  frame[21] = static_cast<std::uint8_t>(hop_limit);
  std::copy(src.bytes.begin(), src.bytes.end(), frame.begin() + 22);
  std::copy(dst.bytes.begin(), dst.bytes.end(), frame.begin() + 38);
  if (n) std::memcpy(frame.data() + 54, msg, n);
  return wire::decode_frame(frame, Link::now_us(), 0);
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
  auto series = [&] {
    for (int i = 1; i <= o.count; ++i) {
      current = static_cast<std::uint16_t>(r.sent + 1);
      auto frame = wire::build_echo(a, wire::Echo{false, id, current, 0}, o.size);
      sent_at[current] = Clock::now();
      link.send(frame);
      ++r.sent;
      detail::collect(link, Clock::now() + (i < o.count ? o.interval : o.timeout), on_packet);
    }
  };
  auto answered = [&] { return !r.replies.empty() || !r.errors.empty(); };
  series();
  if (!answered() && o.retry_after.count() > 0) {
    detail::collect(link, Clock::now() + o.retry_after, [&](const wire::Packet& p) {
      on_packet(p);  // a late answer still counts, and ends the pause
      return answered();
    });
    if (!answered()) series();
  }
  return r;
}

wire::EchoResult echo_from_host(const HostEchoOptions& o) {
  wire::EchoResult r;
  r.target = o.target;
  r.size = o.size;
  auto s = open_echo_socket();
  const auto to = to_sockaddr(o.target);
  // Connecting picks the route and the source address, or says there is none.
  if (::connect(s.fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0)
    throw LinkError(LinkError::Kind::other, "no IPv6 route from this host to " + o.target.str() + ": " + std::strerror(errno));
  sockaddr_in6 self{};
  socklen_t self_len = sizeof self;
  ::getsockname(s.fd, reinterpret_cast<sockaddr*>(&self), &self_len);
  std::memcpy(r.source.bytes.data(), &self.sin6_addr, 16);
  int hops = 0;
  socklen_t hops_len = sizeof hops;
  if (::getsockopt(s.fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, &hops_len) == 0 && hops > 0)
    r.hop_limit = static_cast<std::uint8_t>(hops);
  const int on = 1;
  ::setsockopt(s.fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof on);
  // A ping socket's echo id is its port; a raw socket's is ours.
  std::uint16_t id = detail::random16();
  if (s.ping) id = ntohs(self.sin6_port);

  constexpr std::size_t kHeaders = 40 + 8;
  std::vector<std::uint8_t> request(std::max<std::size_t>(o.size, kHeaders) - 40, 0);
  for (std::size_t i = 8; i < request.size(); ++i) request[i] = static_cast<std::uint8_t>(i);
  request[0] = ICMP6_ECHO_REQUEST;  // the kernel fills in the checksum (and a ping socket the id)
  std::map<std::uint16_t, Clock::time_point> sent_at;
  std::vector<std::uint8_t> buf(65536);
  for (int seq = 1; seq <= o.count; ++seq) {
    request[4] = static_cast<std::uint8_t>(id >> 8);
    request[5] = static_cast<std::uint8_t>(id);
    request[6] = static_cast<std::uint8_t>(seq >> 8);
    request[7] = static_cast<std::uint8_t>(seq);
    sent_at[static_cast<std::uint16_t>(seq)] = Clock::now();
    if (::send(s.fd, request.data(), request.size(), 0) < 0) {
      if (errno == EPERM || errno == EACCES) throw LinkError(LinkError::Kind::no_permission, std::string("ICMPv6 send: ") + std::strerror(errno));
      continue;  // an unreachable destination may refuse a send; the next one tries again
    }
    ++r.sent;
    const auto until = Clock::now() + (seq < o.count ? o.interval : o.timeout);
    for (bool answered = false; !answered;) {
      const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now()).count();
      if (left <= 0) break;
      pollfd p{s.fd, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
      sockaddr_in6 from{};
      alignas(cmsghdr) char control[256];
      iovec iov{buf.data(), buf.size()};
      msghdr m{};
      m.msg_name = &from;
      m.msg_namelen = sizeof from;
      m.msg_iov = &iov;
      m.msg_iovlen = 1;
      m.msg_control = control;
      m.msg_controllen = sizeof control;
      const auto n = ::recvmsg(s.fd, &m, MSG_DONTWAIT);
      if (n <= 0) continue;
      int hop_limit = 0;
      for (auto* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
        if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) std::memcpy(&hop_limit, CMSG_DATA(c), sizeof hop_limit);
      wire::Ip6 src;
      std::memcpy(src.bytes.data(), &from.sin6_addr, 16);
      auto pkt = rebuilt_packet(buf.data(), static_cast<std::size_t>(n), src, r.source, hop_limit);
      if (const auto* e = pkt.as<wire::Echo>(); e && e->reply && e->id == id && src == o.target) {
        if (auto it = sent_at.find(e->seq); it != sent_at.end())
          r.rtt_ms.push_back(detail::ms_between(it->second, Clock::now()));
        answered = e->seq == seq;
        r.replies.push_back(std::move(pkt));
      } else if (const auto* err = pkt.as<wire::IcmpError>(); err && quotes_ours(*err, id, o.target)) {
        answered = err->invoking_echo->seq == seq;
        r.errors.push_back(std::move(pkt));
      }
    }
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
