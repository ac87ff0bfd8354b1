# The ML2/OVN backend (sourced by scripts/devcloud after common.sh): Open vSwitch on the
# userspace datapath (this kernel has no openvswitch module), OVN's databases, northd and
# ovn-controller, all in the host namespace where libvirt creates the guests' taps; and
# Neutron's eventlet neutron-server. Every daemon is started by hand with a pid file in its
# default run directory and stopped by that pid file. See docs/devcloud.md.

# Loopback TCP remotes for the clients that are not root and cannot open root's unix sockets:
# nova-compute's os-vif and the metadata agent (Open_vSwitch), neutron-server (NB and SB).
# (Servers listen on ptcp:PORT:ADDRESS, clients connect to tcp:ADDRESS:PORT.)
DC_OVS_PORT=6640
DC_OVN_NB_PORT=6641
DC_OVN_SB_PORT=6642
DC_OVS_TCP=tcp:127.0.0.1:$DC_OVS_PORT
DC_OVN_NB_TCP=tcp:127.0.0.1:$DC_OVN_NB_PORT
DC_OVN_SB_TCP=tcp:127.0.0.1:$DC_OVN_SB_PORT
DC_PHYSNET_BRIDGE=br-ex

configure_ovn() {
  crudini --set /etc/neutron/neutron.conf DEFAULT service_plugins ovn-router
  # Geneve tenant networks get MTU 1442; overlay_ip_version 4 matches the encap address below.
  merge /etc/neutron/plugins/ml2/ml2_conf.ini <<EOF
[ml2]
type_drivers = local,flat,geneve
tenant_network_types = geneve
mechanism_drivers = ovn
extension_drivers = port_security
overlay_ip_version = 4
[ml2_type_geneve]
vni_ranges = 1:65536
max_header_size = 38
[ml2_type_flat]
flat_networks = provider
[securitygroup]
enable_security_group = true
[ovn]
ovn_nb_connection = $DC_OVN_NB_TCP
ovn_sb_connection = $DC_OVN_SB_TCP
ovn_l3_scheduler = leastloaded
ovn_metadata_enabled = true
enable_distributed_floating_ip = false
neutron_sync_mode = log
EOF
  { metadata_proxy
    cat <<EOF
metadata_workers = 1
[ovs]
ovsdb_connection = $DC_OVS_TCP
[ovn]
ovn_sb_connection = $DC_OVN_SB_TCP
EOF
  } | merge /etc/neutron/neutron_ovn_metadata_agent.ini
}

# Starts an OVS/OVN daemon detached unless its pid file names a live one; it logs to its own
# file (and says so once on stderr, into start.log).
ovs_daemon() { # pidfile program args…
  pidfile_alive "$1" && return 0
  "${@:2}" --pidfile="$1" --log-file="$DC_OVN_LOG/$(basename "$1" .pid).log" -vconsole:off --detach \
    --no-chdir 2>>"$DC_LOG/start.log"
}

ovs_start() {
  local host; host=$(hostname)
  mkdir -p "$DC_OVS_RUN" "$DC_OVN_LOG"
  [[ -e $DC_OVS_DB ]] || ovsdb-tool create "$DC_OVS_DB" /usr/share/openvswitch/vswitch.ovsschema
  ovs_daemon "$DC_OVS_RUN/ovsdb-server.pid" ovsdb-server "$DC_OVS_DB" --remote="punix:$DC_OVS_RUN/db.sock" \
    --remote="ptcp:$DC_OVS_PORT:127.0.0.1" --remote=db:Open_vSwitch,Open_vSwitch,manager_options \
    --unixctl="$DC_OVS_RUN/ovsdb-server.ctl"
  ovs-vsctl --no-wait init
  # system-id and hostname must be nova's host name: Neutron binds ports to the chassis by it.
  ovs-vsctl --no-wait set Open_vSwitch . external_ids:system-id="$host" external_ids:hostname="$host" \
    external_ids:ovn-remote="unix:$DC_OVN_RUN/ovnsb_db.sock" external_ids:ovn-encap-type=geneve \
    external_ids:ovn-encap-ip=127.0.0.1 external_ids:ovn-bridge=br-int \
    external_ids:ovn-bridge-datapath-type=netdev \
    external_ids:ovn-bridge-mappings="provider:$DC_PHYSNET_BRIDGE" \
    external_ids:ovn-cms-options=enable-chassis-as-gw
  ovs_daemon "$DC_OVS_RUN/ovs-vswitchd.pid" ovs-vswitchd "unix:$DC_OVS_RUN/db.sock" \
    --unixctl="$DC_OVS_RUN/ovs-vswitchd.ctl"
  ovs-vsctl --may-exist add-br br-int -- set Bridge br-int datapath_type=netdev fail-mode=secure \
    other-config:disable-in-band=true
  ovs-vsctl --may-exist add-br "$DC_PHYSNET_BRIDGE" -- set Bridge "$DC_PHYSNET_BRIDGE" datapath_type=netdev
  # The provider veth becomes a port of the physnet bridge: the host stack must ignore its
  # frames, and the userspace datapath's conntrack drops the veth's partial checksums.
  sysctl -qw "net.ipv6.conf.$DC_PROV_LINK.disable_ipv6=1"
  ethtool -K "$DC_PROV_LINK" tx off >/dev/null
  ip netns exec "$DC_UPSTREAM_NS" ethtool -K "$DC_PROV_PEER" tx off >/dev/null
  ovs-vsctl --may-exist add-port "$DC_PHYSNET_BRIDGE" "$DC_PROV_LINK"
}

ovn_central_start() {
  mkdir -p "$DC_OVN_RUN" "$DC_OVN_DB"
  local db schema port
  for db in nb sb; do
    if [[ $db == nb ]]; then schema=ovn-nb port=$DC_OVN_NB_PORT; else schema=ovn-sb port=$DC_OVN_SB_PORT; fi
    [[ -e $DC_OVN_DB/ovn${db}_db.db ]] ||
      ovsdb-tool create "$DC_OVN_DB/ovn${db}_db.db" "/usr/share/ovn/$schema.ovsschema"
    ovs_daemon "$DC_OVN_RUN/ovn${db}_db.pid" ovsdb-server "$DC_OVN_DB/ovn${db}_db.db" \
      --remote="punix:$DC_OVN_RUN/ovn${db}_db.sock" --remote="ptcp:$port:127.0.0.1" \
      --unixctl="$DC_OVN_RUN/ovn${db}_db.ctl"
  done
  ovs_daemon "$DC_OVN_RUN/ovn-northd.pid" ovn-northd --ovnnb-db="unix:$DC_OVN_RUN/ovnnb_db.sock" \
    --ovnsb-db="unix:$DC_OVN_RUN/ovnsb_db.sock" --unixctl="$DC_OVN_RUN/ovn-northd.ctl"
  ovn-nbctl --timeout=30 --wait=sb sync
}

# Neutron Zed reads the chassis' bridge mappings and gateway option from Chassis.external_ids;
# ovn-controller 23.03 publishes them in other_config only. Without them no port on the flat
# provider network binds and no router gets a gateway chassis. ovn-controller leaves them alone.
chassis_for_neutron() {
  local host ch i; host=$(hostname)
  for i in $(seq 120); do
    ch=$(ovn-sbctl --timeout=5 --bare --columns=name find Chassis hostname="$host" 2>/dev/null)
    [[ -n $ch ]] && break
    sleep 0.25
  done
  [[ -n $ch ]] || die "ovn-controller registered no chassis for $host (see $DC_OVN_LOG/ovn-controller.log)"
  ovn-sbctl --timeout=30 set Chassis "$ch" external_ids:ovn-bridge-mappings="provider:$DC_PHYSNET_BRIDGE" \
    external_ids:ovn-cms-options=enable-chassis-as-gw
}

ovn_start() {
  ovs_start
  ovn_central_start
  # 23.03 knows no --unixctl: its socket is $DC_OVN_RUN/ovn-controller.<pid>.ctl.
  ovs_daemon "$DC_OVN_RUN/ovn-controller.pid" ovn-controller "unix:$DC_OVS_RUN/db.sock"
  chassis_for_neutron
}

# The eventlet neutron-server, not Debian's uwsgi neutron-api: under uwsgi the OVN driver never
# gets its post-fork start, the first POST never returns and the RPC server logs "HashRing is empty".
start_neutron_server() {
  local confdir=()
  [[ -d /etc/neutron/server.conf.d ]] && confdir=(--config-dir=/etc/neutron/server.conf.d)
  install -d -o neutron -g neutron /run/neutron
  start-stop-daemon --start --quiet --background --make-pidfile --pidfile "$DC_NEUTRON_SERVER_PIDFILE" \
    --chuid neutron:neutron --chdir /var/lib/neutron --exec /usr/bin/neutron-server -- \
    --config-file=/etc/neutron/neutron.conf "${confdir[@]}" \
    --config-file=/etc/neutron/plugins/ml2/ml2_conf.ini --log-file=/var/log/neutron/neutron-server-ovn.log
}

# After the services that use them: ovn-controller, northd, the switch, then the databases.
ovn_stop() {
  kill_pidfile "$DC_OVN_RUN/ovn-controller.pid" "$DC_OVN_RUN/ovn-northd.pid" "$DC_OVS_RUN/ovs-vswitchd.pid" \
    "$DC_OVN_RUN/ovnsb_db.pid" "$DC_OVN_RUN/ovnnb_db.pid" "$DC_OVS_RUN/ovsdb-server.pid"
  # The netdev datapath's taps are persistent ("tun type tap … persist on") and outlive the switch.
  local tap
  for tap in "${DC_OVS_TAPS[@]}"; do
    ip -d link show "$tap" 2>/dev/null | grep -q 'tun type tap' && ip link delete "$tap"
  done
  rm -rf "$DC_OVS_RUN" "$DC_OVN_RUN"
}

# "prefix via gateway" for every OVN router with a gateway port: its IPv6 address on the
# provider network is the next hop for the IPv6 networks of its other ports.
desired_routes_ovn() {
  local nb=(ovn-nbctl --timeout=5 --format=csv --data=bare --no-headings)
  { "${nb[@]}" --columns=ports list Logical_Router | sed 's/^/R,/'
    "${nb[@]}" --columns=_uuid,networks,gateway_chassis list Logical_Router_Port | sed 's/^/P,/'
  } 2>/dev/null | "$DC_PY" -c '
import csv, ipaddress, sys
routers, ports = [], {}
for kind, *cols in csv.reader(sys.stdin):
    if kind == "R":
        routers.append(cols[0].split())
    else:
        ports[cols[0]] = ([ipaddress.ip_interface(n) for n in cols[1].split()], bool(cols[2]))
for router in routers:
    mine = [ports[p] for p in router if p in ports]
    gw = next((n.ip for nets, is_gw in mine if is_gw for n in nets
               if n.version == 6 and not n.is_link_local), None)
    for nets, is_gw in mine:
        for n in nets:
            if gw and not is_gw and n.version == 6 and not n.is_link_local:
                print(n.network, "via", gw)'
}
