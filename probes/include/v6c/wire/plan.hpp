// Plans: what an agent is asked to run (schema "v6agent-plan/1", docs/agent-plan.md). One
// struct per procedure kind; its fields, their JSON keys and their defaults are written here
// once. The controller fills them, the agent's plan runner and its subcommands run them.
// Every field is written out, so a plan says everything it asks; reading one, a missing
// field keeps its default and an unknown or mistyped one is a PlanError naming the key.
#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "v6c/wire/addr.hpp"
#include "v6c/wire/ra.hpp"

namespace v6c::wire {

inline constexpr std::string_view kPlanSchema = "v6agent-plan/1";
inline constexpr std::uint32_t kMinIpv6Mtu = 1280;  // RFC 8200 §5

struct PlanError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// An address in a plan: a literal IPv6 address, or a symbol the agent resolves from what
// earlier procedures of the same plan learnt.
using PlanAddress = std::string;
namespace sym {
inline constexpr std::string_view kRaRouter = "@ra-router";  // the link-local source of the first RA
inline constexpr std::string_view kRaPrefix = "@ra-prefix";  // its first autonomous prefix
inline constexpr std::string_view kSlaac = "@slaac";         // the address the dad procedure formed
inline constexpr std::string_view kDhcp6 = "@dhcp6";         // the address the dhcp6 procedure leased
inline constexpr std::string_view kGlobal = "@global";       // @slaac, else @dhcp6
inline constexpr std::string_view kRdnss = "@rdnss";         // the first RDNSS server
inline constexpr std::string_view kDhcp6Dns = "@dhcp6-dns";  // the first DHCPv6 DNS server
inline constexpr std::string_view kDns = "@dns";             // @rdnss, else @dhcp6-dns
}  // namespace sym

struct DiscoverSpec {
  static constexpr std::string_view kKind = "discover";
  bool passive = false;              // listen only, send no RS
  std::uint32_t window_ms = 1500;    // collect RAs this long after the first RS
  int rs_count = 1;
  std::uint32_t rs_interval_ms = 1000;
  bool stop_at_first = false;
  std::uint32_t settle_ms = 0;       // after the first RA, wait only this much longer (0: the whole window)
  bool operator==(const DiscoverSpec&) const = default;
};

struct DadSpec {
  static constexpr std::string_view kKind = "dad";
  PlanAddress prefix{};                // required
  std::uint8_t prefix_length = 64;
  int transmits = 1;                 // DupAddrDetectTransmits (RFC 4862 §5.1)
  std::uint32_t retrans_ms = 1000;   // RetransTimer (RFC 4861 §10)
  bool operator==(const DadSpec&) const = default;
};

struct Dhcp6Spec {
  static constexpr std::string_view kKind = "dhcp6";
  bool stateful = true;              // Solicit/Request; false: Information-Request
  std::uint32_t timeout_ms = 3000;   // per exchange step
  int retries = 2;
  bool operator==(const Dhcp6Spec&) const = default;
};

struct NeighborSpec {
  static constexpr std::string_view kKind = "neighbor";
  PlanAddress target{};                // required
  std::optional<PlanAddress> source{};  // default: our link-local
  std::uint32_t timeout_ms = 1000;
  int attempts = 3;
  bool operator==(const NeighborSpec&) const = default;
};

struct EchoSpec {
  static constexpr std::string_view kKind = "echo";
  PlanAddress target{};                // required
  // Absent, the agent picks: the formed address for a global target, the RA's sender as
  // the router for an off-link one.
  std::optional<PlanAddress> source{}, gateway{};
  std::uint32_t size = 104;          // IPv6 packet bytes (56-byte payload like ping6)
  std::uint8_t hop_limit = 64;
  int count = 3;
  std::uint32_t interval_ms = 200;
  std::uint32_t timeout_ms = 1000;   // after the last request
  std::uint32_t retry_after_ms = 0;  // a series that drew nothing is sent once more after this (0: never)
  // A peer VM may still be booting: single echoes once a second until one gets a reply or
  // this runs out; with it, an ICMPv6 error no longer ends a request's wait.
  std::uint32_t patience_ms = 0;
  bool operator==(const EchoSpec&) const = default;
};

struct PmtuSpec {
  static constexpr std::string_view kKind = "pmtu";
  PlanAddress target{};                // required
  std::optional<PlanAddress> source{}, gateway{};  // as EchoSpec's
  std::vector<std::uint32_t> sizes{};  // IPv6 packet sizes in order; empty: kMinIpv6Mtu, then the link's MTU
  std::uint32_t timeout_ms = 1000;
  bool operator==(const PmtuSpec&) const = default;
};

struct DnsSpec {
  static constexpr std::string_view kKind = "dns";
  PlanAddress server{};                // required
  std::string name{};                  // required: the AAAA asked for
  std::optional<PlanAddress> source{}, gateway{};  // as EchoSpec's
  std::uint32_t timeout_ms = 2000;
  bool operator==(const DnsSpec&) const = default;
};

// A router role (the lab's late router): never planned by the catalogue.
struct AdvertiseSpec {
  static constexpr std::string_view kKind = "advertise";
  RouterAdvert ra{};                   // required
  bool add_source_lla = true;        // false: no source link-layer option at all
  std::uint32_t interval_ms = 0;     // periodic unsolicited RAs; 0: none
  std::uint32_t duration_ms = 0;     // 0: until SIGTERM
  bool answer_rs = true;
  std::uint32_t answer_delay_ms = 0;
  bool operator==(const AdvertiseSpec&) const = default;
};

// Safety (docs/security.md): the plan's explicit permission, naming the one interface attack
// frames may leave by.
struct AttackPermission {
  std::string allowed_interface{};
  bool operator==(const AttackPermission&) const = default;
};

struct AttackSpec {
  static constexpr std::string_view kKind = "attack";
  AttackPermission attack{};
  std::vector<std::string> attacks{};  // empty: every one
  Mac victim_mac{};                    // required
  std::optional<PlanAddress> victim_link_local{};  // default: EUI-64 of victim_mac
  std::optional<PlanAddress> victim_address{}, source{}, gateway{}, spoofed_source{};
  int count = 2;                     // times each attack is sent
  std::uint32_t wait_ms = 2000;      // start at the victim's announcement, at the latest after this
  bool operator==(const AttackSpec&) const = default;
};

struct VictimSpec {
  static constexpr std::string_view kKind = "victim";
  Mac attacker_mac{};                  // required
  std::optional<PlanAddress> attacker_link_local{};  // default: EUI-64 of attacker_mac
  std::optional<PlanAddress> attacker_address{}, address{}, gateway{};
  std::uint32_t listen_ms = 2000;    // the longest capture
  std::uint32_t linger_ms = 100;     // after the attacker's last control
  std::uint32_t ra_wait_ms = 5000;   // with no RA by then, wait for one this long from the start
  bool operator==(const VictimSpec&) const = default;
};

using ProcedureSpec = std::variant<DiscoverSpec, DadSpec, Dhcp6Spec, NeighborSpec, EchoSpec, PmtuSpec, DnsSpec,
                                   AdvertiseSpec, AttackSpec, VictimSpec>;

struct Procedure {
  std::string id{};  // the name its record carries and the checks read; empty: the kind
  ProcedureSpec spec{};
  std::string_view kind() const;
  bool operator==(const Procedure&) const = default;
};

struct Plan {
  std::string host{};       // reported as the report's host
  std::string interface{};  // empty: the agent's -i
  std::vector<Procedure> procedures{};
  bool answer_echo = false;   // answer echoes to the formed addresses (a cloud VM's kernel holds none)
  std::uint32_t serve_ms = 0; // after the report, keep answering ND and echoes this long
  // Read by the agent image alone: the console frames' run id, and what init does afterwards.
  std::optional<std::string> run{};
  std::optional<std::string> after{};
  bool operator==(const Plan&) const = default;
};

// Reading checks the schema, every key and every type, and that procedure ids are unique;
// throws PlanError naming what is wrong.
void to_json(nlohmann::json& j, const Procedure& p);
void from_json(const nlohmann::json& j, Procedure& p);
void to_json(nlohmann::json& j, const Plan& p);
void from_json(const nlohmann::json& j, Plan& p);

}  // namespace v6c::wire
