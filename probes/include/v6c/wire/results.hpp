// What each probe procedure observed: plain data, written by v6agent as JSON and read by
// the catalogue's checks. A result records what happened on the wire; judging it is the
// catalogue's job, so nothing here says pass or fail.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "v6c/wire/packet.hpp"

namespace v6c::wire {

// Router discovery: RSs sent (none when passive) and the RAs seen in the window.
struct DiscoverResult {
  bool passive = false;
  std::uint32_t window_ms = 0;
  std::vector<Packet> sent;   // our RSs
  std::vector<Packet> ras;    // the RAs that arrived, valid or not: the first 8 of each of up to 32 senders (MACs)
  std::optional<double> first_ra_ms;  // first RS sent → first RA decoded
  std::uint32_t ras_seen = 0;     // every RA decoded in the window
  std::uint32_t ras_dropped = 0;  // of those, not kept in `ras` (a flood beyond the bounds)
  // When other hosts' RSs went by (capture times, the first 64): a multicast RA soon after one
  // may answer it (RFC 4861 §6.2.6) rather than be the router's periodic RA.
  std::vector<std::int64_t> others_rs_us;
};

// SLAAC and duplicate address detection (RFC 4862 §5.4) for one address.
struct DadResult {
  Ip6 prefix;
  std::uint8_t prefix_length = 64;
  Ip6 address;                 // the EUI-64 address formed from prefix and our MAC
  std::uint32_t ns_sent = 0;   // DAD NSs from ::
  std::vector<Packet> conflicts;  // NAs for the address, or DAD NSs from others for it
  bool duplicate = false;
};

// An Advertise came, but it offered no address and no status code saying why: RFC 8415
// §18.3.9 has a server that will assign none say NoAddrsAvail.
inline constexpr const char* kDhcp6EmptyAdvertise = "advertise-without-address";

// DHCPv6 as a userspace client (RFC 8415 §18).
struct Dhcp6Result {
  std::string mode;            // "stateful" (Solicit/Request) or "stateless" (Information-Request)
  std::vector<Packet> exchange;   // everything sent and received, in order
  std::string outcome;         // "ok", "no-advertise", kDhcp6EmptyAdvertise, "no-reply", "status <code>: <message>"
  std::optional<Ip6> address;  // IA_NA address from the Reply (stateful)
  std::vector<Ip6> dns_servers;
  std::vector<std::string> domains;
  std::optional<double> elapsed_ms;  // first message sent → final Reply
};

// One neighbour solicitation and its answer (RFC 4861 §7.2).
struct NeighborResult {
  Ip6 target;
  std::uint32_t ns_sent = 0;
  std::optional<Packet> na;
  std::optional<double> rtt_ms;
};

// ping6: echo requests and what came back, replies and ICMPv6 errors alike.
struct EchoResult {
  Ip6 target, source;
  std::uint32_t size = 0;        // IPv6 packet size in bytes (header included)
  std::uint8_t hop_limit = 64;
  std::uint32_t sent = 0;
  std::vector<Packet> replies;
  std::vector<Packet> errors;
  std::vector<double> rtt_ms;
};

// Path MTU: each size tried and what it got.
struct PmtuStep {
  std::uint32_t size = 0;
  bool replied = false;
  std::optional<Packet> ptb;  // Packet Too Big (or another error) this size drew
};
struct PmtuResult {
  Ip6 target, source;
  std::vector<PmtuStep> steps;
};

// One AAAA query over IPv6 (RFC 3596).
struct DnsResult {
  Ip6 server;
  std::string name;
  std::optional<int> rcode;   // absent when no answer came
  std::vector<Ip6> aaaa;
  std::optional<double> rtt_ms;
  std::vector<Packet> errors;  // ICMPv6 errors our queries drew (port unreachable: no server there)
  std::vector<Departure> departures;  // the answer's departures from the DNS message format
};

}  // namespace v6c::wire

namespace v6c::wire {

// A router role: RAs this agent sent (the lab's OVN-like router, or a rogue router).
struct AdvertiseResult {
  std::uint32_t unsolicited = 0;  // periodic RAs
  std::uint32_t solicited = 0;    // RAs answering an RS
  std::optional<Packet> first;    // the first RA sent, as it went on the wire
};

// Whether a procedure, or one attack, ran: ok means to its deadline, whatever it saw or did
// not see; error means it could not run (or the attack could not be built or sent), with the
// reason beside it. JSON "ok" | "error".
enum class RunStatus { ok, error };

// The attacker role: what it sent, per attack, with counts and times.
struct AttackSent {
  std::string id;                 // the catalogue's attack name: rogue-ra, spoof-source-ip, ...
  std::uint32_t sent = 0;         // frames put on the wire
  RunStatus status = RunStatus::ok;
  std::string error;
  std::int64_t first_us = 0, last_us = 0;
  std::optional<Packet> sample;   // its first frame, as it went on the wire
};
struct AttackResult {
  bool announced = false;         // the victim's "listening" announcement arrived
  double waited_ms = 0;           // procedure start → attacks started (announcement or deadline)
  std::uint32_t control_sent = 0; // legitimate, marked NSs from our own address
  std::vector<AttackSent> attacks;
};

// The victim's kernel state on its interface, as it records it before and after the attacks:
// what a rogue RA, a spoofed NA or a Redirect would change if one got through.
struct KernelRoute {
  Ip6 destination;
  std::uint8_t prefix_length = 0;
  Ip6 next_hop;  // :: when on-link
  bool operator==(const KernelRoute&) const = default;
};
struct KernelAddress {
  Ip6 address;
  std::uint8_t prefix_length = 0;
  std::uint8_t flags = 0;  // IFA_F_* (0x08 dadfailed, 0x40 tentative, 0x80 permanent)
  bool operator==(const KernelAddress&) const = default;
};
struct KernelNeighbour {
  Ip6 address;
  std::optional<Mac> lladdr;  // absent while unresolved
  bool router = false;
  std::uint16_t state = 0;    // NUD_* (informational: it changes with traffic, not with attacks)
};
struct KernelState {
  // The interface's sysctls (net.ipv6.conf.IF.*): whether the kernel would act on an RA,
  // a prefix or a Redirect at all. -1: could not be read.
  int accept_ra = -1, forwarding = -1, autoconf = -1, accept_redirects = -1;
  std::vector<KernelRoute> routes;  // main-table unicast routes on the interface (/proc/net/ipv6_route)
  std::vector<KernelAddress> addresses;      // /proc/net/if_inet6
  std::vector<KernelNeighbour> neighbours;   // rtnetlink RTM_GETNEIGH
};
// One difference between the two snapshots. `attacks` names the attacks that could have caused
// it (the attacker's MAC, link-local address or rogue prefix is in it); empty: the cloud's own
// traffic (a lifetime refreshed, an entry that appeared), reported but blamed on no attack.
struct StateChange {
  std::string what;     // route | address | neighbour
  std::string change;   // added | removed | changed
  std::string detail;   // e.g. "default via fe80::f816:3eff:fe05:a", "2001:db8:1::1 lladdr a -> b"
  std::vector<std::string> attacks;
};

// The victim role: what of the attacks arrived, and the controls that prove it was listening.
struct AttackReceived {
  std::string id;
  std::vector<Packet> packets;
};
struct VictimResult {
  std::uint32_t window_ms = 0;         // how long it captured
  std::uint32_t announcements = 0;     // "listening" announcements sent to the attacker
  bool attacker_started = false, attacker_done = false;  // its first and last control arrived
  std::uint32_t control_received = 0;  // the attacker's marked, legitimate NSs
  std::uint32_t rs_sent = 0, ns_sent = 0;
  std::uint32_t ras = 0;               // RAs from others than the attacker (the cloud's)
  std::uint32_t nas = 0;               // solicited NAs answering our NSs
  std::vector<AttackReceived> received;  // per attack, what arrived (absent: nothing did)
  std::vector<Packet> incomplete;      // attack fragments that arrived without the rest
  // Its own state before its announcement and after the window, and what differs. A change
  // attributed to an attack is evidence even when the capture missed the packet.
  std::optional<KernelState> state_before, state_after;
  std::vector<StateChange> state_changes;
  std::string state_error;             // why the state could not be read (then no snapshots)
};

using ProcedureResult = std::variant<std::monostate, DiscoverResult, DadResult, Dhcp6Result,
                                     NeighborResult, EchoResult, PmtuResult, DnsResult, AdvertiseResult,
                                     AttackResult, VictimResult>;

// One procedure of a plan as the agent ran it.
struct ProcedureRecord {
  std::string id;      // the plan's name for it, e.g. "discover" or "echo-gw-global"
  std::string kind;    // discover, dad, dhcp6, neighbor, echo, pmtu, dns, advertise, attack, victim
  RunStatus status = RunStatus::error;
  std::string error;
  std::int64_t started_us = 0;
  double duration_ms = 0;
  ProcedureResult result;
};

// `v6agent diagnose`: what a host needs for IPv6, link by link, each needing the one before.
enum class ChainLink { router_advert, address, default_router, reachability, resolver };
enum class LinkState { holds, broken, not_tried };

// One link of the chain as the diagnosis found it, in network terms: why it holds or is
// broken, and what to check next when it is not.
struct DiagnosisStep {
  ChainLink link = ChainLink::router_advert;
  LinkState state = LinkState::not_tried;
  std::string why;
  std::string next;  // what to check next; empty when it holds
};

// Everything one agent run reports: schema "v6agent/1" (docs/agent-json.md).
struct AgentReport {
  std::string schema = "v6agent/1";
  std::string agent_version;
  std::string host;        // hostname, or the VM's name from the plan
  std::string interface;
  Mac mac;
  std::uint32_t mtu = 0;   // the interface's MTU as the kernel has it
  std::optional<Ip6> link_local;
  std::int64_t started_us = 0;
  std::vector<ProcedureRecord> procedures;
  std::vector<DiagnosisStep> diagnosis;  // `v6agent diagnose` only
};

}  // namespace v6c::wire
