// The ovn flavour: a real Open vSwitch (userspace datapath, no kernel module) and OVN
// (northbound and southbound databases, ovn-northd, ovn-controller) in the lab's switch
// namespace, with the northbound database written the way Neutron's ML2/OVN driver writes it
// (neutron/plugins/ml2/drivers/ovn/mech_driver/ovsdb/ovn_client.py, neutron/common/ovn/acl.py).
// OVN's own pipeline then serves the VMs: RAs, DHCPv6, ND, routing, port security, ACLs.
#pragma once
#include <chrono>
#include <string>

#include "v6c/host/host.hpp"
#include "v6c/lab/model.hpp"

namespace v6c::lab {

// Where one lab's OVS and OVN keep sockets, databases and logs: under the lab's directory,
// never the system's defaults, so two labs never meet.
struct OvnDirs {
  explicit OvnDirs(const std::string& lab_dir);
  std::string run_ovs, run_ovn, db, log;
  // `env` with OVS_RUNDIR, OVN_RUNDIR and the rest: every daemon and ctl tool is started so,
  // or it looks for its peers at the default paths (ovn-controller finds br-int.mgmt so).
  host::Argv env() const;
  std::string ovs_db() const { return "unix:" + run_ovs + "/db.sock"; }
  std::string nb_db() const { return "unix:" + run_ovn + "/ovnnb_db.sock"; }
  std::string sb_db() const { return "unix:" + run_ovn + "/ovnsb_db.sock"; }
};

inline const std::string kOvnPhysnet = "physnet1";  // the provider network's name in ovn-bridge-mappings
inline const std::string kOvnDropGroup = "neutron_pg_drop";

std::string ovn_chassis(const LabModel& m);                 // the chassis' system-id
std::string ovn_switch_port(const LabNetwork& n, const LabPort& p);  // LSP name (= its iface-id)

// ovs-vsctl's arguments: the chassis' settings, br-int with every port bound to its LSP by
// external_ids:iface-id, and the provider bridge br-ex holding the link to upstream.
host::Argv vswitch_commands(const LabModel& m, const OvnDirs& dirs);
// ovn-nbctl's arguments: the whole topology in one transaction, as Neutron writes it.
host::Argv northbound_commands(const LabModel& m);

// Starts the six daemons in the switch namespace, writes the topology and returns once every
// port is bound. Throws host::HostError. Records when the daemons ran and the ports were bound.
struct OvnMilestones {
  std::chrono::steady_clock::time_point daemons_up, bound;
};
OvnMilestones build_ovn(const LabModel& m, const std::string& lab_dir);

}  // namespace v6c::lab
