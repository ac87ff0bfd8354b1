// JSON for observations: the contract between v6agent (writes) and the controller (reads).
// Addresses are text, MACs colon-separated, raw bytes lower-case hex.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "v6c/wire/results.hpp"

// std::optional as null-or-value (nlohmann 3.11 has no built-in support).
namespace nlohmann {
template <class T>
struct adl_serializer<std::optional<T>> {
  static void to_json(json& j, const std::optional<T>& v) {
    if (v) j = *v;
    else j = nullptr;
  }
  static void from_json(const json& j, std::optional<T>& v) {
    if (j.is_null()) v.reset();
    else v = j.get<T>();
  }
};
}  // namespace nlohmann

namespace v6c::wire {

std::string to_hex(std::span<const std::uint8_t> bytes);
// Throws std::invalid_argument on odd length or a non-hex digit.
std::vector<std::uint8_t> from_hex(std::string_view hex);

void to_json(nlohmann::json& j, RunStatus v);
void from_json(const nlohmann::json& j, RunStatus& v);  // anything but "ok" or "error" is an error
void to_json(nlohmann::json& j, const Ip6& v);
void from_json(const nlohmann::json& j, Ip6& v);
void to_json(nlohmann::json& j, const Mac& v);
void from_json(const nlohmann::json& j, Mac& v);
void to_json(nlohmann::json& j, const RawOption& v);
void to_json(nlohmann::json& j, const Departure& v);
void from_json(const nlohmann::json& j, Departure& v);
void from_json(const nlohmann::json& j, RawOption& v);

// RA fields are public: plans give an RA to advertise in this shape.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PrefixInfo, prefix, length, on_link, autonomous, valid_s, preferred_s)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RouteInfo, prefix, length, preference, lifetime_s)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Rdnss, lifetime_s, servers)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Dnssl, lifetime_s, domains)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RouterAdvert, code, cur_hop_limit, managed, other, home_agent, proxy,
                                                preference, router_lifetime_s, reachable_ms, retrans_ms, source_lla,
                                                mtu, prefixes, routes, rdnss, dnssl, unknown)

void to_json(nlohmann::json& j, const Packet& v);
void from_json(const nlohmann::json& j, Packet& v);
void to_json(nlohmann::json& j, const ProcedureRecord& v);
void from_json(const nlohmann::json& j, ProcedureRecord& v);

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DiscoverResult, passive, window_ms, sent, ras, first_ra_ms, ras_seen,
                                                ras_dropped, others_rs_us)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DadResult, prefix, prefix_length, address, ns_sent, conflicts,
                                                duplicate)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Dhcp6Result, mode, exchange, outcome, address, dns_servers, domains,
                                                elapsed_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(NeighborResult, target, ns_sent, na, rtt_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(EchoResult, target, source, size, hop_limit, sent, replies, errors,
                                                rtt_ms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PmtuStep, size, replied, ptb)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PmtuResult, target, source, steps)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DnsResult, server, name, rcode, aaaa, rtt_ms, errors, departures)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AdvertiseResult, unsolicited, solicited, first)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AttackSent, id, sent, status, error, first_us, last_us, sample)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AttackResult, announced, waited_ms, control_sent, attacks)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AttackReceived, id, packets)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(KernelRoute, destination, prefix_length, next_hop)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(KernelAddress, address, prefix_length, flags)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(KernelNeighbour, address, lladdr, router, state)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(KernelState, accept_ra, forwarding, autoconf, accept_redirects, routes,
                                                addresses, neighbours)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(StateChange, what, change, detail, attacks)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(VictimResult, window_ms, announcements, attacker_started,
                                                attacker_done, control_received, rs_sent, ns_sent, ras, nas,
                                                received, incomplete, state_before, state_after, state_changes,
                                                state_error)
NLOHMANN_JSON_SERIALIZE_ENUM(ChainLink, {{ChainLink::router_advert, "router_advert"},
                                         {ChainLink::address, "address"},
                                         {ChainLink::default_router, "default_router"},
                                         {ChainLink::reachability, "reachability"},
                                         {ChainLink::resolver, "resolver"}})
NLOHMANN_JSON_SERIALIZE_ENUM(LinkState, {{LinkState::holds, "holds"},
                                         {LinkState::broken, "broken"},
                                         {LinkState::not_tried, "not_tried"}})
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DiagnosisStep, link, state, why, next)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AgentReport, schema, agent_version, host, interface, mac, mtu,
                                                link_local, started_us, procedures, diagnosis)

// One VM's report from its console text: when every frame of `run` arrived intact (frames.hpp)
// and the payload is a v6agent/1 document; otherwise nothing, and `why` says what was wrong.
std::optional<AgentReport> report_from_console(std::string_view console, std::string_view run, std::string* why);

}  // namespace v6c::wire
