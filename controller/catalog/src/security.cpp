#include "v6c/catalog/security.hpp"

#include <stdexcept>

#include "v6c/wire/json.hpp"

namespace v6c::catalog {

using nlohmann::json;

void to_json(json& j, const Attack& v) {
  j = json{{"id", v.id}, {"sent", v.sent}, {"status", v.status}, {"error", v.error}, {"received", v.received}};
}

void from_json(const json& j, Attack& v) {
  j.at("id").get_to(v.id);
  j.at("sent").get_to(v.sent);
  v.status = j.value("status", wire::RunStatus::ok);
  v.error = j.value("error", std::string());
  v.received.clear();
  if (j.contains("received")) j.at("received").get_to(v.received);
}

void to_json(json& j, const SecurityObservations& v) {
  j = json{{"schema", kSecuritySchema},  {"network", v.network},       {"attacker", v.attacker},
           {"victim", v.victim},         {"victim_pcap", v.victim_pcap}, {"control_received", v.control_received},
           {"victim_ras", v.victim_ras}, {"victim_nas", v.victim_nas},   {"attacks", v.attacks},
           {"victim_state_read", v.victim_state_read}, {"victim_accepts_ra", v.victim_accepts_ra},
           {"victim_state_changes", v.victim_state_changes}};
  if (!v.victim_state_error.empty()) j["victim_state_error"] = v.victim_state_error;
}

void from_json(const json& j, SecurityObservations& v) {
  if (j.value("schema", std::string()) != kSecuritySchema)
    throw std::runtime_error("security observations: schema is not " + std::string(kSecuritySchema));
  j.at("network").get_to(v.network);
  j.at("attacker").get_to(v.attacker);
  j.at("victim").get_to(v.victim);
  v.victim_pcap = j.value("victim_pcap", v.victim + ".pcap");
  v.control_received = j.value("control_received", 0u);
  v.victim_ras = j.value("victim_ras", 0u);
  v.victim_nas = j.value("victim_nas", 0u);
  j.at("attacks").get_to(v.attacks);
  v.victim_state_read = j.value("victim_state_read", false);
  v.victim_state_error = j.value("victim_state_error", std::string());
  v.victim_accepts_ra = j.value("victim_accepts_ra", false);
  v.victim_state_changes = j.value("victim_state_changes", std::vector<wire::StateChange>{});
}

}  // namespace v6c::catalog
