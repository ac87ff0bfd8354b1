# `devcloud down [--purge]` (sourced by scripts/devcloud after common.sh).
# Ends only processes recorded in pid files of what `up` started (for either backend), removes
# only namespaces and links named v6c-dc-* or by Neutron's id patterns, Open vSwitch's datapath
# taps, and only Neutron's firewall chains.

kill_pidfile() { # file…: TERM the recorded process, KILL it if it outlives the grace time
  local f pid i
  for f in "$@"; do
    [[ -f $f ]] || continue
    pid=$(cat "$f" 2>/dev/null) || continue
    [[ $pid =~ ^[0-9]+$ ]] || continue
    kill "$pid" 2>/dev/null || { rm -f "$f"; continue; }
    for i in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$f"
  done
}

stop_services() { # name…, in parallel: each init script waits up to 30 s for its own pid
  local s
  for s in "$@"; do
    svc_installed "$s" && stop_service "$s" >>"$DC_LOG/stop.log" 2>&1 &
  done
  wait
}
# neutron-server-ovn's workers end with their parent; what stays in its session, kill_sessions ends.
stop_service() {
  if [[ $1 == neutron-server-ovn ]]; then kill_pidfile "$(svc_pidfile "$1")"; else /etc/init.d/"$1" stop; fi
}

destroy_guests() {
  [[ -S /run/libvirt/libvirt-sock ]] || return 0
  local dom
  for dom in $(virsh -c qemu:///system list --name 2>/dev/null); do
    virsh -c qemu:///system destroy "$dom" >/dev/null 2>&1
  done
}

# The linuxbridge agent's iptables/ebtables chains and ipsets outlive it in the host namespace.
remove_neutron_firewall() {
  local tool table chain rule
  for tool in iptables ip6tables; do
    command -v $tool >/dev/null || continue
    for table in filter nat mangle raw; do
      $tool -t $table -S 2>/dev/null | grep -E '^-A [^ ]+ .*-j neutron-' | grep -v '^-A neutron-' |
        while read -r rule; do eval "$tool -t $table -D ${rule#-A }" 2>/dev/null; done
      for chain in $($tool -t $table -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^neutron-/ {print $2}'); do
        $tool -t $table -F "$chain" 2>/dev/null
      done
      for chain in $($tool -t $table -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^neutron-/ {print $2}'); do
        $tool -t $table -X "$chain" 2>/dev/null
      done
    done
  done
  if command -v ebtables >/dev/null; then
    for table in filter nat; do
      ebtables -t $table -L 2>/dev/null | grep -oE -- '-j neutron[A-Za-z]*-[^ ]+' | sort -u | while read -r _ chain; do
        for builtin in INPUT FORWARD OUTPUT PREROUTING POSTROUTING; do
          while ebtables -t $table -D $builtin -j "$chain" 2>/dev/null; do :; done
        done
      done
      for chain in $(ebtables -t $table -L 2>/dev/null | awk '/^Bridge chain: neutron/ {sub(",", "", $3); print $3}'); do
        ebtables -t $table -X "$chain" 2>/dev/null
      done
    done
  fi
  if command -v ipset >/dev/null; then
    for chain in $(ipset list -n 2>/dev/null | grep -E '^NIPv[46]'); do ipset destroy "$chain" 2>/dev/null; done
  fi
}

restore_sysctls() {
  [[ -r $DC_STATE/sysctl.orig ]] || return 0
  local kv
  while read -r kv; do [[ ${kv#*=} ]] && sysctl -qw "$kv" 2>/dev/null; done <"$DC_STATE/sysctl.orig"
  rm -f "$DC_STATE/sysctl.orig"
}

remove_host_network() {
  local ns link
  for ns in $(neutron_netns) "$DC_UPSTREAM_NS"; do netns_exists "$ns" && ip netns delete "$ns"; done
  for link in $(neutron_links) "$DC_PROV_LINK" "$DC_EXT_LINK" "$DC_VTEP_LINK"; do
    link_exists "$link" && ip link delete "$link"
  done
}

# start-stop-daemon --background makes every service a session leader. What outlives the
# service in its session (privsep-helper daemons of the DHCP agent did) is ended by that PID.
kill_sessions() { # session ids…
  local pid sid
  (($#)) || return 0
  while read -r pid sid; do
    [[ " $* " == *" $sid "* ]] && kill "$pid" 2>/dev/null
  done < <(ps -e -o pid=,sid=)
}

stop_all() {
  kill_pidfile "$DC_ROUTES_PIDFILE"
  destroy_guests
  local reversed=() sessions=() s
  for s in "${DC_ALL_OPENSTACK_SERVICES[@]}"; do
    reversed=("$s" "${reversed[@]}")
    pidfile_alive "$(svc_pidfile "$s")" && sessions+=("$(cat "$(svc_pidfile "$s")")")
  done
  stop_services "${reversed[@]}"
  kill_sessions "${sessions[@]}"
  # What the agents spawned: radvd, haproxy (metadata proxies), keepalived, dnsmasq.
  kill_pidfile /var/lib/neutron/external/pids/*.pid* /var/lib/neutron/dhcp/*/pid
  kill_pidfile /run/libvirtd.pid /run/virtlogd.pid
  ovn_stop
  for s in "${DC_INFRA_SERVICES[@]}"; do
    [[ -e $DC_STATE/started-$s ]] && stop_services "$s" && rm -f "$DC_STATE/started-$s"
  done
  # rabbitmq leaves the Erlang port mapper; ask it to exit (by protocol, not by name).
  command -v epmd >/dev/null && epmd -kill >/dev/null 2>&1
  remove_neutron_firewall
  restore_sysctls
  remove_host_network
}

purge() {
  export DEBIAN_FRONTEND=noninteractive
  local added=$DC_STATE/added-packages.txt apt=(apt-get -q -y -o DPkg::Lock::Timeout=900)
  # State directories of the packages this cloud installed, and only those.
  local owned_dirs=() pair
  for pair in nova:nova-common neutron:neutron-common glance:glance-common keystone:keystone \
    placement:placement-common mysql:mariadb-server rabbitmq:rabbitmq-server libvirt:libvirt-daemon-system; do
    grep -qx "${pair#*:}" "$added" 2>/dev/null && owned_dirs+=("${pair%%:*}")
  done
  if [[ -s $added ]]; then
    # The services first: the *-common postrm scripts need dbconfig-common, which is a
    # library purged afterwards ("subprocess … post-removal script returned error exit status 10").
    "${apt[@]}" purge $(grep -E '^(nova|neutron|glance|keystone|placement|mariadb-server|rabbitmq-server|libvirt-daemon|python3-openstack)' "$added") \
      >>"$DC_LOG/apt.log" 2>&1 || say "purge of the services failed, see $DC_LOG/apt.log"
    # sudo's prerm refuses removal when root has no password: keep it.
    local rest
    rest=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' | awk '$1 == "ii" {print $2}' |
      grep -xFf "$added" | grep -vx sudo || true)
    [[ -n $rest ]] && { "${apt[@]}" purge $rest >>"$DC_LOG/apt.log" 2>&1 || say "purge failed, see $DC_LOG/apt.log"; }
  fi
  local p
  for p in keystone glance-common glance-api placement-common placement-api nova-common nova-api \
    neutron-common neutron-api neutron-metadata-agent; do
    echo PURGE | debconf-communicate "$p" >/dev/null 2>&1
  done
  # Only after the purge: removing /etc/<svc> first makes dpkg treat its conffiles as
  # deliberately deleted, and a reinstall would not recreate them.
  local dir
  for dir in "${owned_dirs[@]}"; do rm -rf "/var/lib/$dir" "/etc/$dir" "/var/log/$dir"; done
  if [[ -f $DC_CLOUDS_YAML ]] && head -1 "$DC_CLOUDS_YAML" | grep -qF "$DC_CLOUDS_MARK"; then
    rm -f "$DC_CLOUDS_YAML"
    rmdir --ignore-fail-on-non-empty "$(dirname "$DC_CLOUDS_YAML")"
  fi
  rm -rf "$DC_STATE" "$DC_LOG"
}

cmd_down() {
  need_root
  set +e  # best effort: one thing that is already gone must not keep the rest running
  mkdir -p "$DC_LOG"
  timed stop stop_all
  [[ ${1:-} == --purge ]] && timed purge purge
  print_times
}
