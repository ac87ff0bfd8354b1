// What an attacker VM sent and what its victim captured (docs/catalog.md
// "Security observations" documents the JSON, schema "v6c-security/1"). The sec-* checks
// read only this, so the attack probes can change without touching a check.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "v6c/wire/results.hpp"

namespace v6c::catalog {

inline constexpr std::string_view kSecuritySchema = "v6c-security/1";

struct Attack {
  std::string id;          // "rogue-ra", "spoof-source-ip", ... (the sec-* requirement's params.attacks)
  std::uint32_t sent = 0;  // packets the attacker put on the wire
  wire::RunStatus status = wire::RunStatus::ok;
  std::string error;
  std::vector<wire::Packet> received;  // what of it reached the victim (should be nothing)
};

struct SecurityObservations {
  std::string network, attacker, victim;
  std::string victim_pcap;           // the victim's capture, for evidence
  // Positive controls, so that "nothing arrived" means blocked and not "not capturing":
  std::uint32_t control_received = 0;  // legitimate packets from the attacker the victim saw
  std::uint32_t victim_ras = 0;        // the cloud's RAs the victim saw while capturing
  std::uint32_t victim_nas = 0;        // NAs answering the victim's own NSs
  std::vector<Attack> attacks;
  // The victim's kernel state (routes, addresses, neighbours) compared before and after the
  // attacks: a change blamed on an attack fails its check even when the capture missed it.
  bool victim_state_read = false;
  std::string victim_state_error;
  bool victim_accepts_ra = false;      // its kernel acts on RAs (accept_ra 2, or 1 without forwarding)
  std::vector<wire::StateChange> victim_state_changes;
};

void to_json(nlohmann::json& j, const Attack& v);
void from_json(const nlohmann::json& j, Attack& v);
void to_json(nlohmann::json& j, const SecurityObservations& v);
void from_json(const nlohmann::json& j, SecurityObservations& v);

}  // namespace v6c::catalog
