// What the OVN on this machine is known to do, from its release (`ovn-controller --version`).
#pragma once

#include <cstdio>
#include <map>
#include <stdexcept>
#include <utility>

#include "v6c/host/host.hpp"

namespace v6c::test {

// OVN's port security drops a port's own Neighbor Advertisements (its NA flows match hop limit
// 225) from 22.06 until ovn bb7157467, released in 22.09.3, 22.12.2, 23.03.2, 23.06.2, 23.09.0.
// Then a router port never learns a VM's link-local address: no echo reply to it (gw-echo).
inline bool ovn_drops_own_nas() {
  const auto r = host::run({"ovn-controller", "--version"});
  int major = 0, minor = 0, patch = 0;
  if (std::sscanf(r.out.c_str(), "ovn-controller %d.%d.%d", &major, &minor, &patch) != 3)
    throw std::runtime_error("cannot read the OVN release from: " + r.out + r.err);
  const std::pair<int, int> branch{major, minor};
  if (branch < std::pair{22, 6} || branch >= std::pair{23, 9}) return false;
  const std::map<std::pair<int, int>, int> fixed_in = {{{22, 9}, 3}, {{22, 12}, 2}, {{23, 3}, 2}, {{23, 6}, 2}};
  const auto it = fixed_in.find(branch);
  return it == fixed_in.end() || patch < it->second;  // 22.06 released no fix
}

}  // namespace v6c::test
