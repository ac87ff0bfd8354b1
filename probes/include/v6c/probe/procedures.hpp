// Probe procedures: send, then match, then record, each against a deadline. They return
// what they saw; the catalogue judges it.
#pragma once
#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "v6c/probe/link.hpp"
#include "v6c/wire/build.hpp"
#include "v6c/wire/plan.hpp"
#include "v6c/wire/results.hpp"

namespace v6c::probe {

using std::chrono::milliseconds;

// Defaults: those of the plan's procedure structs (wire/plan.hpp), so that a procedure run
// from the command line, a plan or a test does the same thing.

struct DiscoverOptions {
  bool passive = false;            // listen only, send no RS
  milliseconds window{wire::DiscoverSpec{}.window_ms};  // collect RAs this long after the first RS
  int rs_count = wire::DiscoverSpec{}.rs_count;  // RSs to send (RFC 4861 §6.3.7 allows 3, 4 s apart)
  milliseconds rs_interval{wire::DiscoverSpec{}.rs_interval_ms};
  bool stop_at_first = false;      // return as soon as one RA arrived
  // After the first RA, wait only this much longer for others (0: the whole window). Any
  // router answers an RS within MAX_RA_DELAY_TIME (RFC 4861 §10: 500 ms), so a second
  // router shows up by then.
  milliseconds settle{wire::DiscoverSpec{}.settle_ms};
};
wire::DiscoverResult discover(Link& link, const DiscoverOptions& o);

struct DadOptions {
  wire::Ip6 prefix;
  std::uint8_t prefix_length = wire::DadSpec{}.prefix_length;
  int transmits = wire::DadSpec{}.transmits;                // DupAddrDetectTransmits (RFC 4862 §5.1)
  milliseconds retrans{wire::DadSpec{}.retrans_ms};         // RetransTimer (RFC 4861 §10)
  bool claim = true;                    // own() the address afterwards when unique
};
wire::DadResult dad(Link& link, const DadOptions& o);

struct Dhcp6Options {
  bool stateful = wire::Dhcp6Spec{}.stateful;             // Solicit/Request; false: Information-Request
  milliseconds timeout{wire::Dhcp6Spec{}.timeout_ms};     // per exchange step
  int retries = wire::Dhcp6Spec{}.retries;                // retransmissions per step (RFC 8415 §15, shortened)
  std::uint32_t iaid = 1;
  bool rapid_commit = false;
};
wire::Dhcp6Result dhcp6(Link& link, const Dhcp6Options& o);

struct NeighborOptions {
  wire::Ip6 target;
  std::optional<wire::Ip6> source;  // default: our link-local
  milliseconds timeout{wire::NeighborSpec{}.timeout_ms};
  int attempts = wire::NeighborSpec{}.attempts;
};
wire::NeighborResult neighbor(Link& link, const NeighborOptions& o);

struct EchoOptions {
  wire::Ip6 target;
  std::optional<wire::Ip6> source;        // default: our link-local (on-link targets)
  std::optional<wire::Mac> next_hop_mac;  // default: resolved by NS (target or gateway)
  std::optional<wire::Ip6> gateway;       // off-link targets: resolve this router's MAC
  std::uint32_t size = wire::EchoSpec{}.size;  // IPv6 packet bytes (56-byte payload like ping6)
  std::uint8_t hop_limit = wire::EchoSpec{}.hop_limit;
  int count = wire::EchoSpec{}.count;
  // The next request goes out as soon as the previous one is answered, or after this long.
  milliseconds interval{wire::EchoSpec{}.interval_ms};
  milliseconds timeout{wire::EchoSpec{}.timeout_ms};  // after the last request
  // An ICMPv6 error quoting the request ends its wait (the router's answer to hoplimit-far or
  // unreach-far). Off for a peer VM: its kernel, which holds no address, sends "no route"
  // just before the agent's reply.
  bool error_answers = true;
  // When the whole series drew neither a reply nor an error, send it once more after this
  // pause (0: never). For the probes that provoke errors: routers must rate-limit ICMPv6
  // errors (RFC 4443 §2.4(f)), so one series that drew none is not yet proof of a filter.
  milliseconds retry_after{wire::EchoSpec{}.retry_after_ms};
};
wire::EchoResult echo(Link& link, const EchoOptions& o);

// ping6 through this host's own IPv6 stack: its routes and its choice of source address.
// For a vantage point with no link of ours on the path: north-south-in from the controller's
// host. A ping socket where net.ipv4.ping_group_range allows one, else a raw ICMPv6 socket
// (CAP_NET_RAW). Each reply is kept as the ICMPv6 message the kernel handed up, behind an
// IPv6 header rebuilt from its source, destination and hop limit (no link-layer addresses).
struct HostEchoOptions {
  wire::Ip6 target;
  std::uint32_t size = wire::EchoSpec{}.size;  // IPv6 packet bytes
  int count = wire::EchoSpec{}.count;
  milliseconds interval{wire::EchoSpec{}.interval_ms};
  milliseconds timeout{wire::EchoSpec{}.timeout_ms};  // after the last request
};
// Throws LinkError: no_permission (neither socket may be opened), other (no route, ...).
wire::EchoResult echo_from_host(const HostEchoOptions& o);

struct PmtuOptions {
  EchoOptions echo;                  // target, source, gateway
  std::vector<std::uint32_t> sizes;  // IPv6 packet sizes to try, in order
};
wire::PmtuResult pmtu(Link& link, const PmtuOptions& o);

struct DnsOptions {
  wire::Ip6 server;
  std::string name;
  std::optional<wire::Ip6> source;
  std::optional<wire::Ip6> gateway;  // when the server is off-link
  milliseconds timeout{wire::DnsSpec{}.timeout_ms};
  int attempts = 2;
};
wire::DnsResult dns_aaaa(Link& link, const DnsOptions& o);

// A router role: answers RSs and sends periodic RAs with the given content until the
// duration ends or *stop turns true (the lab's OVN-like router, a rogue router).
struct AdvertiseOptions {
  wire::RouterAdvert ra;             // source_lla defaults to the link's MAC
  bool add_source_lla = wire::AdvertiseSpec{}.add_source_lla;  // false: no source link-layer option at all
  milliseconds interval{wire::AdvertiseSpec{}.interval_ms};    // periodic unsolicited RAs; 0: none
  milliseconds duration{wire::AdvertiseSpec{}.duration_ms};    // 0: until *stop
  bool answer_rs = wire::AdvertiseSpec{}.answer_rs;
  // Answer each RS this long after it arrived (RFC 4861 §6.2.6 allows at most
  // MAX_RA_DELAY_TIME, 500 ms): a late router for the lab's fault profile.
  milliseconds answer_delay{wire::AdvertiseSpec{}.answer_delay_ms};
  const std::atomic<bool>* stop = nullptr;
};
wire::AdvertiseResult advertise(Link& link, const AdvertiseOptions& o);

// --- Security probes (attack.cpp, docs/security.md) ---
// An attacker VM sends attacks at one victim VM on the same link; the victim captures what
// arrives. Every attack frame is unicast to the victim's MAC, so no other host on the link
// sees it once the switch has learnt that MAC (the victim's announcement teaches it).

// The attack ids: exactly the names in the catalogue's params.attacks.
namespace attack_id {
inline constexpr std::string_view kRogueRa = "rogue-ra";
inline constexpr std::string_view kRogueRaHbh = "rogue-ra-hbh";
inline constexpr std::string_view kRogueRaFrag = "rogue-ra-frag";
inline constexpr std::string_view kRogueDhcp6Advertise = "rogue-dhcp6-advertise";
inline constexpr std::string_view kRogueDhcp6Reply = "rogue-dhcp6-reply";
inline constexpr std::string_view kSpoofSourceIp = "spoof-source-ip";
inline constexpr std::string_view kSpoofSourceMac = "spoof-source-mac";
inline constexpr std::string_view kNaSpoofGateway = "na-spoof-gateway";
inline constexpr std::string_view kNaSpoofPeer = "na-spoof-peer";
inline constexpr std::string_view kRedirect = "redirect";
inline constexpr std::string_view kUnsolicitedEcho = "unsolicited-echo";
inline constexpr std::string_view kUnsolicitedTcp = "unsolicited-tcp";
inline constexpr std::string_view kUnsolicitedUdp = "unsolicited-udp";
}  // namespace attack_id
// Every attack, in the order the attacker sends them.
const std::vector<std::string>& all_attacks();

// The attacker's markers, so the victim can tell its packets from everything else.
inline const wire::Ip6 kRoguePrefix = *wire::Ip6::parse("2001:db8:bad::");  // the rogue RA's and DHCPv6's
inline const wire::Mac kSpoofedMac = *wire::Mac::parse("02:00:00:76:36:63");  // locally administered, no one's

// Who is who on the link. Both roles know it from their plans; the attacker takes the
// victim's real link-local address from its announcement.
struct AttackParties {
  wire::Mac attacker_mac, victim_mac;
  wire::Ip6 attacker_link_local, victim_link_local;
  std::optional<wire::Ip6> attacker_address, victim_address;  // global (the ports' fixed IPs)
  std::optional<wire::Ip6> gateway;                           // the subnet's gateway address
  std::optional<wire::Ip6> spoofed_source;  // spoof-source-ip's source (default: the victim's address)
};

// The frames of one attack (pure; a fragmented attack gives both fragments). Throws
// std::invalid_argument for an unknown id or when the parties lack what it needs.
std::vector<wire::Bytes> attack_frames(std::string_view id, const AttackParties& parties);
// Which attack a packet the victim captured belongs to, if any (pure). Fragments are
// attributed to rogue-ra-frag; whether a whole RA arrived is decided over all of them.
std::optional<std::string> classify_attack(const wire::Packet& p, const AttackParties& parties);

// What differs between the victim's two snapshots of its kernel state, each difference blamed
// on the attacks that could have caused it (pure): a route via the attacker or into the rogue
// prefix, a rogue address (RA or DHCPv6), a neighbour entry now pointing at the attacker's or
// the spoofed MAC (NA spoofing, spoof-source-mac), the attacker turned router, our own address
// failed DAD. Other differences (the cloud's own traffic) are listed with no attack.
std::vector<wire::StateChange> state_changes(const wire::KernelState& before, const wire::KernelState& after,
                                             const AttackParties& parties);

struct AttackOptions {
  std::string allowed_interface;     // the plan's explicit permission: must equal link.name()
  std::vector<std::string> attacks;  // empty: every one
  AttackParties parties;             // the attacker's own fields are taken from the link
  int count = wire::AttackSpec{}.count;              // times each attack is sent
  milliseconds wait{wire::AttackSpec{}.wait_ms};     // start at the victim's announcement, at the latest after this
};
// Refuses (throws LinkError) unless allowed_interface names this link.
wire::AttackResult attack(Link& link, const AttackOptions& o);

struct VictimOptions {
  AttackParties parties;             // the victim's own fields are taken from the link
  milliseconds listen{wire::VictimSpec{}.listen_ms};    // the longest it captures
  milliseconds linger{wire::VictimSpec{}.linger_ms};    // after the attacker's last control, for frames in flight
  milliseconds ra_wait{wire::VictimSpec{}.ra_wait_ms};  // with no RA by the end of `listen`, wait for one this long from the start
  // Before announcing: the kernel resolves the gateway and the attacker (so a spoofed NA has
  // an entry to overwrite) for at most this long, then the victim records its state. Generous:
  // on a loaded host a late solicited NA (R=0) would land after the rogue RA and clear the
  // router flag the RA set.
  milliseconds prime{1000};
};
wire::VictimResult victim(Link& link, const VictimOptions& o);

}  // namespace v6c::probe
