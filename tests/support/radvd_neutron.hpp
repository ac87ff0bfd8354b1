// Neutron's radvd configuration for a slaac subnet with two DNS servers (its ra.py's output,
// the interface block's contents) and the RA radvd 2.19 sends for it: what the configuration
// states, radvd's defaults for the rest.
#pragma once
#include "literals.hpp"
#include "v6c/wire/ra.hpp"

namespace v6c::test {

inline const char* kNeutronSlaacRadvdBody =
    "AdvSendAdvert on; MinRtrAdvInterval 30; MaxRtrAdvInterval 100; AdvLinkMTU 1450;\n"
    "prefix 2001:db8:1::/64 { AdvOnLink on; AdvAutonomous on; };\n"
    "RDNSS 2001:db8::53 2001:db8::54 { };\n"
    "route fe80::a9fe:a9fe/128 { };\n";

inline wire::RouterAdvert neutron_slaac_ra(const wire::Mac& router_mac) {
  wire::RouterAdvert e;
  e.cur_hop_limit = 64;
  e.router_lifetime_s = 300;
  e.source_lla = router_mac;
  e.mtu = 1450;
  e.prefixes = {{ip("2001:db8:1::"), 64, true, true, 86400, 14400}};
  e.routes = {{ip("fe80::a9fe:a9fe"), 128, 0, 300}};
  e.rdnss = {{100, {ip("2001:db8::53"), ip("2001:db8::54")}}};
  return e;
}

}  // namespace v6c::test
