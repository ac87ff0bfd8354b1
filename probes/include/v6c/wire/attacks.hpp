// The attack ids: the names of a plan's "attacks", of an agent report's attacks and of the
// catalogue's params.attacks. Here, in the wire layer, so the catalogue can refuse a
// misspelt one without depending on the probes that send them.
#pragma once
#include <array>
#include <string_view>

namespace v6c::wire {

// Every attack, in the order the attacker sends them (probe::attack_id names each).
inline constexpr std::array<std::string_view, 13> kAttackIds = {
    "rogue-ra",         "rogue-ra-hbh",     "rogue-ra-frag",  "rogue-dhcp6-advertise", "rogue-dhcp6-reply",
    "spoof-source-ip",  "spoof-source-mac", "na-spoof-gateway", "na-spoof-peer",       "redirect",
    "unsolicited-echo", "unsolicited-tcp",  "unsolicited-udp"};

}  // namespace v6c::wire
