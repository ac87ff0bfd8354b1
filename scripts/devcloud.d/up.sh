# `devcloud up` (sourced by scripts/devcloud after common.sh). Every phase is idempotent:
# a second `up` skips what exists, and a warm start (after `down`) only starts daemons.

DC_PACKAGES=(mariadb-server rabbitmq-server keystone glance-api placement-api
  nova-api nova-conductor nova-scheduler nova-compute nova-compute-qemu
  neutron-server neutron-linuxbridge-agent neutron-l3-agent neutron-dhcp-agent neutron-metadata-agent
  openvswitch-switch ovn-central ovn-host neutron-ovn-metadata-agent ethtool
  qemu-system-x86 libvirt-daemon-system genisoimage
  python3-openstacksdk python3-openstackclient crudini)

# Every OpenStack debconf question about configuring a DB, RabbitMQ, Keystone or endpoints:
# "no" (also the default; said explicitly so an interactive frontend never stops the install).
DC_DEBCONF_NO=(
  keystone:keystone/configure_db keystone:keystone/create-admin-tenant keystone:keystone/register-endpoint
  glance-common:glance/configure_db glance-common:glance/configure_rabbit glance-common:glance/configure_ksat
  glance-api:glance/configure_api-endpoint
  placement-common:placement/configure_db placement-common:placement/configure_ksat
  placement-api:placement/configure_api-endpoint
  nova-common:nova/configure_db nova-common:nova/configure_rabbit nova-common:nova/configure_ksat
  nova-common:nova/configure_neutron nova-common:nova/configure_placement
  nova-api:novaapi/configure_db nova-api:nova/configure_api-endpoint
  neutron-common:neutron/configure_db neutron-common:neutron/configure_rabbit
  neutron-common:neutron/configure_ksat neutron-common:neutron/configure_nova
  neutron-api:neutron/configure_api-endpoint neutron-metadata-agent:neutron-metadata/configure)

missing_packages() {
  local p
  for p in "${DC_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
  done
}

restore_policy_rc() {
  rm -f /usr/sbin/policy-rc.d
  if [[ -e $DC_STATE/policy-rc.d.orig ]]; then mv "$DC_STATE/policy-rc.d.orig" /usr/sbin/policy-rc.d; fi
}

phase_packages() {
  local missing; missing=$(missing_packages)
  [[ -z $missing ]] && return 0
  mkdir -p "$DC_STATE"
  # No systemd here: postinst must not try to start anything ("invoke-rc.d: could not
  # determine current runlevel"); `start` does it later through the init scripts.
  if [[ -e /usr/sbin/policy-rc.d && ! -e $DC_STATE/policy-rc.d.orig ]]; then
    cp -p /usr/sbin/policy-rc.d "$DC_STATE/policy-rc.d.orig"
  fi
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap restore_policy_rc EXIT
  local q
  for q in "${DC_DEBCONF_NO[@]}"; do echo "${q%%:*} ${q#*:} boolean false"; done | debconf-set-selections
  dpkg-query -W -f='${Package}\n' | sort >"$DC_STATE/packages-before.txt"
  export DEBIAN_FRONTEND=noninteractive
  local apt=(apt-get -q -o DPkg::Lock::Timeout=900)
  "${apt[@]}" update >"$DC_LOG/apt.log" 2>&1
  # Recommends would pull ~740 packages (GTK, mesa, openvswitch-switch …) instead of ~430.
  "${apt[@]}" install -y --no-install-recommends "${DC_PACKAGES[@]}" >>"$DC_LOG/apt.log" 2>&1 ||
    die "apt-get install failed, see $DC_LOG/apt.log"
  # Remember exactly what this cloud added, so `down --purge` removes that and nothing else.
  dpkg-query -W -f='${Package}\n' | sort | comm -13 "$DC_STATE/packages-before.txt" - \
    >>"$DC_STATE/added-packages.txt"
  sort -u -o "$DC_STATE/added-packages.txt" "$DC_STATE/added-packages.txt"
  restore_policy_rc
  trap - EXIT
}

# Host sysctls, with the values the cloud needs; their old values are restored by `down`.
# The bridge firewall needs the first two. Without the third this host would take SLAAC
# addresses from the tenant RAs on Neutron's bridges (brq*): a neighbour on every tenant
# network, and a short cut to the VMs that bypasses their router (north-south-in).
DC_SYSCTLS=(net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1 net.ipv6.conf.default.accept_ra=0)

phase_hostnet() {
  local k
  if [[ ! -e $DC_STATE/sysctl.orig ]]; then
    for k in "${DC_SYSCTLS[@]}"; do echo "${k%=*}=$(sysctl -n "${k%=*}" 2>/dev/null)"; done >"$DC_STATE/sysctl.orig"
  fi
  for k in "${DC_SYSCTLS[@]}"; do sysctl -qw "$k" 2>/dev/null || true; done
  netns_exists "$DC_UPSTREAM_NS" || ip netns add "$DC_UPSTREAM_NS"
  if ! link_exists "$DC_PROV_LINK"; then
    ip link add "$DC_PROV_LINK" type veth peer name "$DC_PROV_PEER" netns "$DC_UPSTREAM_NS"
  fi
  ip link set "$DC_PROV_LINK" up
  ip -n "$DC_UPSTREAM_NS" link set lo up
  ip -n "$DC_UPSTREAM_NS" link set "$DC_PROV_PEER" up
  ip -n "$DC_UPSTREAM_NS" addr replace "$DC_UPSTREAM_V4/${DC_PROVIDER_V4_CIDR#*/}" dev "$DC_PROV_PEER"
  ip -n "$DC_UPSTREAM_NS" -6 addr replace "$DC_UPSTREAM_V6/${DC_PROVIDER_V6_CIDR#*/}" dev "$DC_PROV_PEER" nodad
  ip -n "$DC_UPSTREAM_NS" -6 addr replace "$DC_EXTERNAL_HOST_V6/128" dev lo
  ip netns exec "$DC_UPSTREAM_NS" sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv4.ip_forward=1
  # This host reaches the tenant prefixes the way an outside host would: through the upstream.
  if ! link_exists "$DC_EXT_LINK"; then
    ip link add "$DC_EXT_LINK" type veth peer name "$DC_EXT_PEER" netns "$DC_UPSTREAM_NS"
  fi
  ip link set "$DC_EXT_LINK" up
  ip -n "$DC_UPSTREAM_NS" link set "$DC_EXT_PEER" up
  ip -6 addr replace "$DC_EXT_V6/64" dev "$DC_EXT_LINK" nodad
  ip -n "$DC_UPSTREAM_NS" -6 addr replace "$DC_EXT_UPSTREAM_V6/64" dev "$DC_EXT_PEER" nodad
  ip -6 route replace "$DC_POOL_PREFIX" via "$DC_EXT_UPSTREAM_V6" dev "$DC_EXT_LINK"
  [[ $DC_BACKEND == linuxbridge ]] || return 0
  if ! link_exists "$DC_VTEP_LINK"; then ip link add "$DC_VTEP_LINK" type veth peer name "$DC_VTEP_PEER"; fi
  ip link set "$DC_VTEP_LINK" up
  ip link set "$DC_VTEP_PEER" up
  ip addr replace "$DC_VTEP_IP/32" dev "$DC_VTEP_LINK"
}

wait_port() { # port seconds
  local deadline=$((SECONDS + $2))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    ((SECONDS < deadline)) || die "nothing listens on port $1 after $2 s (logs: /var/log/*/)"
    sleep 0.5
  done
}

start_service() {
  svc_running "$1" && return 0
  local env=()
  # os-vif's default datapath made the userspace one for nova-compute (nova-compute-ovn/).
  [[ $1 == nova-compute && $DC_BACKEND == ovn ]] && env=(PYTHONPATH="$DC_LIBEXEC/nova-compute-ovn")
  if [[ $1 == neutron-server-ovn ]]; then start_neutron_server; else env "${env[@]}" /etc/init.d/"$1" start; fi \
    >>"$DC_LOG/start.log" 2>&1 || say "could not start $1"
}
# MariaDB and RabbitMQ may serve others on a shared host: `down` stops them only when `up` started them.
start_infra_service() {
  svc_running "$1" && return 0
  touch "$DC_STATE/started-$1"
  start_service "$1"
}

phase_infra() {
  start_infra_service mariadb
  start_infra_service rabbitmq-server
  local i
  for i in $(seq 60); do mysqladmin ping >/dev/null 2>&1 && break; sleep 1; done
  local db user
  for db in keystone glance placement nova nova_api nova_cell0 neutron; do
    mysql -e "CREATE DATABASE IF NOT EXISTS $db"
  done
  for user in keystone glance placement nova neutron; do
    mysql -e "CREATE USER IF NOT EXISTS '$user'@'127.0.0.1' IDENTIFIED BY '$DC_SERVICE_PASS';
              ALTER USER '$user'@'127.0.0.1' IDENTIFIED BY '$DC_SERVICE_PASS'"
  done
  for db in keystone glance placement neutron; do mysql -e "GRANT ALL ON $db.* TO '$db'@'127.0.0.1'"; done
  mysql -e "GRANT ALL ON \`nova%\`.* TO 'nova'@'127.0.0.1'"
  wait_port 5672 120
  for i in $(seq 60); do rabbitmqctl -q status >/dev/null 2>&1 && break; sleep 1; done
  once rabbit-user rabbit_user
}
rabbit_user() { # each rabbitmqctl call costs ~2 s of Erlang start-up
  rabbitmqctl -q list_users 2>/dev/null | grep -q '^openstack\b' ||
    rabbitmqctl -q add_user openstack "$DC_SERVICE_PASS" >/dev/null
  rabbitmqctl -q change_password openstack "$DC_SERVICE_PASS" >/dev/null
  rabbitmqctl -q set_permissions openstack '.*' '.*' '.*' >/dev/null
}

# Runs once per state directory: db syncs and key setup are slow (nova's ~25 s) and a warm
# start needs none of them.
once() { # stamp command…
  [[ -e $DC_STAMPS/$1 ]] && return 0
  "${@:2}" && touch "$DC_STAMPS/$1"
}
as() { local user=$1; shift; su -s /bin/sh "$user" -c "$*"; }

phase_dbsync() {
  once keystone-db as keystone keystone-manage db_sync >"$DC_LOG/keystone-db.log" 2>&1
  if [[ ! -e $DC_STAMPS/keystone-keys ]]; then
    { keystone-manage fernet_setup --keystone-user keystone --keystone-group keystone
      keystone-manage credential_setup --keystone-user keystone --keystone-group keystone
    } >>"$DC_LOG/keystone-db.log" 2>&1
    touch "$DC_STAMPS/keystone-keys"
  fi
  # The other syncs do not depend on each other: overlap them.
  once glance-db as glance glance-manage db_sync >"$DC_LOG/glance-db.log" 2>&1 &
  once placement-db as placement placement-manage db sync >"$DC_LOG/placement-db.log" 2>&1 &
  neutron_db_for_backend
  once neutron-db as neutron neutron-db-manage --config-file /etc/neutron/neutron.conf \
    --config-file /etc/neutron/plugins/ml2/ml2_conf.ini upgrade head >"$DC_LOG/neutron-db.log" 2>&1 &
  nova_db_sync >"$DC_LOG/nova-db.log" 2>&1 &
  local failed=0 job
  for job in $(jobs -p); do wait "$job" || failed=1; done
  ((failed == 0)) || die "a database sync failed, see $DC_LOG/*-db.log"
}
# Neutron's database holds one backend's networks (VXLAN ones for linuxbridge; Geneve ones
# mirrored in OVN's northbound database for ovn): another backend starts from an empty one.
neutron_db_for_backend() {
  local had
  had=$(cat "$DC_STATE/neutron-backend" 2>/dev/null) || { [[ -e $DC_STAMPS/neutron-db ]] && had=linuxbridge; }
  if [[ -n $had && $had != "$DC_BACKEND" ]]; then
    say "Neutron's database was $had's: a fresh one for $DC_BACKEND"
    mysql -e "DROP DATABASE IF EXISTS neutron; CREATE DATABASE neutron"
    mysql -e "GRANT ALL ON neutron.* TO 'neutron'@'127.0.0.1'"
    rm -f "$DC_STAMPS/neutron-db"
    rm -rf "$DC_OVN_DB"
  fi
  echo "$DC_BACKEND" >"$DC_STATE/neutron-backend"
}

nova_db_sync() {
  [[ -e $DC_STAMPS/nova-db ]] && return 0
  as nova nova-manage api_db sync
  as nova nova-manage cell_v2 map_cell0
  as nova nova-manage cell_v2 list_cells | grep -q ' cell1 ' || as nova nova-manage cell_v2 create_cell --name=cell1
  as nova nova-manage db sync
  touch "$DC_STAMPS/nova-db"
}

phase_keystone() {
  # Creates the admin project/user, the roles admin/member/reader and the identity endpoint.
  once keystone-bootstrap keystone-manage bootstrap --bootstrap-password "$DC_ADMIN_PASS" \
    --bootstrap-admin-url "$DC_API:5000/v3/" --bootstrap-internal-url "$DC_API:5000/v3/" \
    --bootstrap-public-url "$DC_API:5000/v3/" --bootstrap-region-id "$DC_REGION" >>"$DC_LOG/keystone.log" 2>&1
  start_service keystone
  wait_port 5000 60
}

provision() { # step
  (export DC_SERVICE_PASS DC_ADMIN_PASS DC_MEMBER_PASS DC_API DC_REGION DC_STATE DC_CLOUDS_YAML \
     DC_CLOUDS_MARK DC_MEMBER_PROJECT DC_MEMBER_USER DC_POOL_PREFIX DC_PROVIDER_V6_CIDR \
     DC_UPSTREAM_V6 DC_PROVIDER_V4_CIDR DC_UPSTREAM_V4 DC_PROVIDER_V4_POOL DC_BACKEND
   "$DC_PY" "$DC_LIBEXEC/provision.py" "$1")
}

phase_catalog() { once catalog provision catalog; }

phase_start() {
  mkdir -p /run/libvirt
  pidfile_alive /run/virtlogd.pid || virtlogd -d
  pidfile_alive /run/libvirtd.pid || libvirtd -d
  [[ $DC_BACKEND == ovn ]] && ovn_start
  # start-stop-daemon returns as soon as each daemon is forked: start each tier at once.
  start_services "${DC_API_SERVICES[@]}"
  local port
  for port in "${DC_API_PORTS[@]}"; do wait_port "$port" 180; done
  start_services "${DC_WORKER_SERVICES[@]}"
}
start_services() {
  local s
  for s in "$@"; do
    svc_installed "$s" && start_service "$s" &
  done
  wait
}

phase_resources() { provision resources; }

phase_routes() {
  pidfile_alive "$DC_ROUTES_PIDFILE" && return 0
  DC_BACKEND=$DC_BACKEND setsid "$DC_LIBEXEC/upstream-routes" </dev/null >>"$DC_LOG/upstream-routes.log" 2>&1 &
  echo $! >"$DC_ROUTES_PIDFILE"
}

new_secret() { head -c 18 /dev/urandom | base64 | tr -d '/+='; }

ensure_secrets() {
  mkdir -p "$DC_STATE" "$DC_STAMPS" "$DC_LOG"
  chmod 700 "$DC_STATE"
  if [[ ! -e $DC_SECRETS ]]; then
    (umask 077
     printf 'DC_SERVICE_PASS=%s\nDC_ADMIN_PASS=%s\nDC_MEMBER_PASS=%s\nDC_METADATA_SECRET=%s\n' \
       "$(new_secret)" "$(new_secret)" "$(new_secret)" "$(new_secret)" >"$DC_SECRETS")
  fi
  load_secrets
}

# One backend at a time: switching needs a `down` first (Neutron's database is then reset).
choose_backend() { # [backend]
  local running
  running=$(cat "$DC_BACKEND_FILE" 2>/dev/null) || running=""
  select_backend "${1:-${V6C_DEVCLOUD_BACKEND:-$DC_DEFAULT_BACKEND}}"
  if [[ -n $running && $running != "$DC_BACKEND" ]] && (svc_running neutron-api || svc_running neutron-server-ovn); then
    die "the cloud runs on $running: 'scripts/devcloud down' first"
  fi
  echo "$DC_BACKEND" >"$DC_BACKEND_FILE"
}

cmd_up() { # [backend]
  need_root
  ensure_secrets
  choose_backend "$@"
  say "up: backend $DC_BACKEND"
  local t0=$EPOCHREALTIME
  timed packages phase_packages
  timed hostnet phase_hostnet
  timed infra phase_infra
  timed configure phase_configure
  timed dbsync phase_dbsync
  timed keystone phase_keystone
  timed catalog phase_catalog
  timed start phase_start
  timed resources phase_resources
  timed routes phase_routes
  print_times
  say "up: member cloud 'v6c-devcloud', admin cloud 'v6c-devcloud-admin' in $DC_CLOUDS_YAML"
  say "up: openrc files: $DC_STATE/member-openrc, $DC_STATE/admin-openrc"
  free -m | awk '/^Mem:/{printf "devcloud: memory used %d MiB of %d MiB\n", $3, $2}' >&2
}
