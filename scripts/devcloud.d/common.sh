# Shared by scripts/devcloud's subcommands (sourced, not run).
# Every name this cloud puts on the host carries the prefix "v6c-dc" so `down` can find it
# and nothing else; Neutron's own names (qrouter-/qdhcp- namespaces, brq/tap/vxlan- links)
# are matched by their full id pattern.

DC_STATE=/var/lib/v6c-devcloud          # secrets, stamps, openrc files, added-packages list
DC_LOG=/var/log/v6c-devcloud
DC_STAMPS=$DC_STATE/stamps
DC_SECRETS=$DC_STATE/secrets.env
DC_CLOUDS_YAML=/etc/openstack/clouds.yaml
DC_CLOUDS_MARK="# written by v6conform scripts/devcloud"
DC_PY=/usr/bin/python3                  # not the pyenv python3 on PATH: it lacks Debian's openstacksdk
DC_LIBEXEC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Host networking (documentation prefixes only; eth0 holds 192.0.2.0/24, never use it).
DC_UPSTREAM_NS=v6c-dc-upstream          # plays the provider's upstream router and an external host
DC_PROV_LINK=v6c-dc-prov0               # host side of the provider veth, Neutron's physnet "provider"
DC_PROV_PEER=v6c-dc-provgw              # its peer inside $DC_UPSTREAM_NS
DC_EXT_LINK=v6c-dc-ext0                 # this host's own way to the upstream: it is the run's "outside"
DC_EXT_PEER=v6c-dc-ext1                 # its peer inside $DC_UPSTREAM_NS
DC_EXT_V6=2001:db8:fd::2                # this host, one routed hop beyond the provider's upstream router
DC_EXT_UPSTREAM_V6=2001:db8:fd::1
DC_VTEP_LINK=v6c-dc-vtep0               # holds the VXLAN VTEP address (no dummy/VLAN links in this kernel)
DC_VTEP_PEER=v6c-dc-vtep1
DC_VTEP_IP=203.0.113.254
DC_PROVIDER_V6_CIDR=2001:db8:ff::/64
DC_UPSTREAM_V6=2001:db8:ff::1           # gateway of the provider IPv6 subnet
DC_PROVIDER_V4_CIDR=198.51.100.0/24
DC_UPSTREAM_V4=198.51.100.1
DC_PROVIDER_V4_POOL=198.51.100.100-198.51.100.200
DC_EXTERNAL_HOST_V6=2001:db8:ffff::1    # one routed hop beyond the upstream router: a north-south target
DC_POOL_PREFIX=2001:db8:1000::/36       # default subnet pool; disjoint from the provider /64
DC_ROUTES_PIDFILE=/run/v6c-dc-upstream-routes.pid

DC_API=http://127.0.0.1
DC_REGION=RegionOne
DC_MEMBER_PROJECT=v6c
DC_MEMBER_USER=v6c-member

# Neutron's backend: ML2/OVN (the default: what most clouds run today) or ML2/linuxbridge.
# `up --backend` or V6C_DEVCLOUD_BACKEND chooses; `up` records the choice for status, check, down.
DC_BACKENDS=(ovn linuxbridge)
DC_DEFAULT_BACKEND=ovn
DC_BACKEND_FILE=$DC_STATE/backend

# Daemons through their Debian init scripts (start-stop-daemon + pid file; there is no systemd),
# except neutron-server-ovn: the eventlet neutron-server, which devcloud starts itself (ovn.sh).
DC_INFRA_SERVICES=(mariadb rabbitmq-server)
# The APIs come first: nova-conductor exits for good when placement does not answer yet
# ("The placement service for 127.0.0.1:RegionOne exists but does not have any supported versions").
DC_LB_API_SERVICES=(glance-api placement-api nova-api nova-api-metadata neutron-api)
DC_LB_WORKER_SERVICES=(nova-conductor nova-scheduler neutron-rpc-server neutron-linuxbridge-agent
  neutron-dhcp-agent neutron-l3-agent neutron-metadata-agent nova-compute)
DC_OVN_API_SERVICES=(glance-api placement-api nova-api nova-api-metadata neutron-server-ovn)
DC_OVN_WORKER_SERVICES=(nova-conductor nova-scheduler neutron-ovn-metadata-agent nova-compute)
DC_API_PORTS=(9292 8778 8774 8775 9696)
# What `down` stops, whichever backend ran.
DC_ALL_OPENSTACK_SERVICES=(keystone glance-api placement-api nova-api nova-api-metadata neutron-api
  neutron-server-ovn nova-conductor nova-scheduler neutron-rpc-server neutron-linuxbridge-agent
  neutron-dhcp-agent neutron-l3-agent neutron-metadata-agent neutron-ovn-metadata-agent nova-compute)

# Neutron's names: qrouter-<uuid>, ovnmeta-<network id>, brq<11 chars of the network id>,
# tap<11 of the port id>, vxlan-<vni>.
DC_NEUTRON_NETNS_RE='^(qrouter|qdhcp|snat|fip|ovnmeta)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
DC_NEUTRON_LINK_RE='^(brq|tap)[0-9a-f]{8}-[0-9a-f]{2}$|^vxlan-[0-9]+$'

say() { printf 'devcloud: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
need_root() { [[ $(id -u) -eq 0 ]] || die "needs root"; }

# Phase timing: `timed NAME command…` runs the command and records "NAME seconds".
DC_TIMES=()
timed() {
  local name=$1; shift
  local t0=$EPOCHREALTIME
  "$@"
  local dt
  dt=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}')
  DC_TIMES+=("$name $dt")
  say "$(printf '%-10s %6s s' "$name" "$dt")"
}
print_times() {
  local line total=0
  printf '%-10s %7s\n' phase seconds
  for line in "${DC_TIMES[@]}"; do
    printf '%-10s %7s\n' ${line}
    total=$(awk -v a="$total" -v b="${line##* }" 'BEGIN{print a+b}')
  done
  printf '%-10s %7.1f\n' total "$total"
}

svc_installed() { [[ -x /etc/init.d/$1 || ($1 == neutron-server-ovn && -x /usr/bin/neutron-server) ]]; }
# The init scripts' `status` asks pidof for the interpreter: every uwsgi API then looks
# "running" as soon as Keystone runs. Their pid files (start-stop-daemon --make-pidfile) don't lie.
svc_pidfile() {
  case $1 in
    mariadb) echo /run/mysqld/mysqld.pid ;;
    rabbitmq-server) echo /run/rabbitmq/pid ;;
    neutron-api) echo /run/neutron/neutron-server.pid ;;  # its init script says NAME=neutron-server
    neutron-server-ovn) echo "$DC_NEUTRON_SERVER_PIDFILE" ;;
    *) echo "/run/${1%%-*}/$1.pid" ;;
  esac
}
pidfile_alive() { local pid; pid=$(cat "$1" 2>/dev/null) && [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; }
svc_running() { pidfile_alive "$(svc_pidfile "$1")"; }

netns_exists() { ip netns list | awk '{print $1}' | grep -qx "$1"; }
link_exists() { ip link show "$1" >/dev/null 2>&1; }
neutron_netns() { ip netns list | awk '{print $1}' | grep -E "$DC_NEUTRON_NETNS_RE" || true; }
neutron_links() { ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E "$DC_NEUTRON_LINK_RE" || true; }

load_secrets() { [[ -r $DC_SECRETS ]] && . "$DC_SECRETS"; }

# Sets DC_BACKEND and the services it runs: from the argument, else V6C_DEVCLOUD_BACKEND,
# else what `up` recorded last, else the default.
select_backend() { # [backend]
  DC_BACKEND=${1:-${V6C_DEVCLOUD_BACKEND:-$(cat "$DC_BACKEND_FILE" 2>/dev/null || echo "$DC_DEFAULT_BACKEND")}}
  case $DC_BACKEND in
    ovn) DC_API_SERVICES=("${DC_OVN_API_SERVICES[@]}") DC_WORKER_SERVICES=("${DC_OVN_WORKER_SERVICES[@]}") ;;
    linuxbridge) DC_API_SERVICES=("${DC_LB_API_SERVICES[@]}") DC_WORKER_SERVICES=("${DC_LB_WORKER_SERVICES[@]}") ;;
    *) die "unknown backend '$DC_BACKEND' (one of: ${DC_BACKENDS[*]})" ;;
  esac
  DC_OPENSTACK_SERVICES=(keystone "${DC_API_SERVICES[@]}" "${DC_WORKER_SERVICES[@]}")
}

# Open vSwitch and OVN (backend ovn) in their default run directories, so that root's CLI tools
# and libvirt find them without --db; their databases and logs are devcloud's.
DC_OVS_RUN=/run/openvswitch
DC_OVN_RUN=/run/ovn
DC_OVN_DB=$DC_STATE/ovn                  # NB and SB, kept as long as Neutron's database
DC_OVS_DB=$DC_OVS_RUN/conf.db            # the switch's own state lives only while it runs
DC_OVN_LOG=$DC_LOG/ovn
DC_NEUTRON_SERVER_PIDFILE=/run/neutron/neutron-server-ovn.pid
# The netdev datapath's persistent tap devices, which outlive ovs-vswitchd.
DC_OVS_TAPS=(br-int br-ex ovs-netdev)
