# phase_configure for `devcloud up`: every OpenStack and libvirt setting this cloud changes,
# one INI snippet per file, merged with `crudini --merge` (one process per file instead of
# one per key: ~2 s instead of ~20 s). Idempotent; comments in Debian's files are kept.

merge() { crudini --merge "$1"; }

# [keystone_authtoken] and the service-user sections all look alike.
auth_section() { # section user
  cat <<EOF
[$1]
auth_url = $DC_API:5000
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $2
password = $DC_SERVICE_PASS
region_name = $DC_REGION
EOF
}
authtoken() { auth_section keystone_authtoken "$1"; echo "www_authenticate_uri = $DC_API:5000"; }
# Either backend's metadata agent proxies to nova-api-metadata, signed with the secret nova checks.
metadata_proxy() {
  printf '[DEFAULT]\nnova_metadata_host = 127.0.0.1\nmetadata_proxy_shared_secret = %s\n' "$DC_METADATA_SECRET"
}

# Debian's uwsgi defaults are 8 processes x 32 threads per API: far too many for 2 cores.
# Eventlet apps (nova, neutron) hang with threads > 1 ("greenlet.error: cannot switch to a
# different thread"), so they scale by processes. There is no LSM here: drop the apparmor plugin.
tune_uwsgi() { # ini processes threads
  sed -i -e "s/^processes = .*/processes = $2/" -e "s/^threads = .*/threads = $3/" \
    -e 's/^plugins = python3,apparmor/plugins = python3/' -e '/^apparmor-profile/d' "$1"
}

phase_configure() {
  local db="mysql+pymysql://" rabbit="rabbit://openstack:$DC_SERVICE_PASS@127.0.0.1:5672/"

  merge /etc/keystone/keystone.conf <<EOF
[database]
connection = ${db}keystone:$DC_SERVICE_PASS@127.0.0.1/keystone
[token]
provider = fernet
EOF
  tune_uwsgi /etc/keystone/keystone-uwsgi.ini 1 4

  { cat <<EOF
[DEFAULT]
workers = 1
enabled_backends = fs:file
[glance_store]
default_backend = fs
[fs]
filesystem_store_datadir = /var/lib/glance/images/
[database]
connection = ${db}glance:$DC_SERVICE_PASS@127.0.0.1/glance
[paste_deploy]
flavor = keystone
EOF
    authtoken glance; } | merge /etc/glance/glance-api.conf

  { cat <<EOF
[placement_database]
connection = ${db}placement:$DC_SERVICE_PASS@127.0.0.1/placement
[api]
auth_strategy = keystone
EOF
    authtoken placement; } | merge /etc/placement/placement.conf
  tune_uwsgi /etc/placement/placement-api-uwsgi.ini 1 4

  { cat <<EOF
[DEFAULT]
my_ip = 127.0.0.1
transport_url = $rabbit
osapi_compute_workers = 1
metadata_workers = 1
reserved_host_memory_mb = 1024
compute_driver = libvirt.LibvirtDriver
mkisofs_cmd = genisoimage
[conductor]
workers = 1
[scheduler]
workers = 1
discover_hosts_in_cells_interval = 30
[api]
auth_strategy = keystone
[api_database]
connection = ${db}nova:$DC_SERVICE_PASS@127.0.0.1/nova_api
[database]
connection = ${db}nova:$DC_SERVICE_PASS@127.0.0.1/nova
[glance]
api_servers = $DC_API:9292
[oslo_concurrency]
lock_path = /var/lib/nova/tmp
[vnc]
enabled = false
[spice]
enabled = false
[cinder]
os_region_name = $DC_REGION
[libvirt]
virt_type = qemu
cpu_mode = none
EOF
    # /dev/kvm here is KVM-PVM: ordinary guests hang after "Probing EDD", so QEMU runs TCG.
    authtoken nova
    auth_section service_user nova; echo "send_service_user_token = true"
    auth_section placement placement
    auth_section neutron neutron
    echo "service_metadata_proxy = true"
    echo "metadata_proxy_shared_secret = $DC_METADATA_SECRET"; } | merge /etc/nova/nova.conf
  if [[ -f /etc/nova/nova-compute.conf ]]; then
    printf '[libvirt]\nvirt_type = qemu\ncpu_mode = none\n' | merge /etc/nova/nova-compute.conf
  fi
  tune_uwsgi /etc/nova/nova-api-uwsgi.ini 2 1
  [[ -f /etc/nova/nova-api-metadata-uwsgi.ini ]] && tune_uwsgi /etc/nova/nova-api-metadata-uwsgi.ini 1 1

  configure_neutron "$rabbit" "${db}neutron:$DC_SERVICE_PASS@127.0.0.1/neutron"
  configure_libvirt
}

configure_neutron() { # transport_url database_url
  { cat <<EOF
[DEFAULT]
core_plugin = ml2
transport_url = $1
auth_strategy = keystone
notify_nova_on_port_status_changes = true
notify_nova_on_port_data_changes = true
api_workers = 1
rpc_workers = 1
rpc_state_report_workers = 1
[database]
connection = $2
[oslo_concurrency]
lock_path = /var/lib/neutron/tmp
EOF
    authtoken neutron
    auth_section nova nova; } | merge /etc/neutron/neutron.conf
  # scs-0126: users SHOULD NOT be able to create RBAC rules; this cloud conforms.
  mkdir -p /etc/neutron/policy.d
  cat >/etc/neutron/policy.d/v6c-devcloud.yaml <<EOF
$DC_CLOUDS_MARK
"create_rbac_policy": "role:admin"
EOF
  if [[ $DC_BACKEND == ovn ]]; then configure_ovn; else configure_linuxbridge; fi
}

configure_linuxbridge() {
  # Zed flags linuxbridge as experimental and refuses it otherwise.
  printf '[DEFAULT]\nservice_plugins = router,auto_allocate\n[experimental]\nlinuxbridge = true\n' |
    merge /etc/neutron/neutron.conf
  merge /etc/neutron/plugins/ml2/ml2_conf.ini <<EOF
[ml2]
type_drivers = flat,vxlan
tenant_network_types = vxlan
mechanism_drivers = linuxbridge,l2population
extension_drivers = port_security
[ml2_type_flat]
flat_networks = provider
[ml2_type_vxlan]
vni_ranges = 1:1000
[securitygroup]
enable_ipset = true
EOF
  merge /etc/neutron/plugins/ml2/linuxbridge_agent.ini <<EOF
[linux_bridge]
physical_interface_mappings = provider:$DC_PROV_LINK
[vxlan]
enable_vxlan = true
local_ip = $DC_VTEP_IP
l2_population = true
[securitygroup]
enable_security_group = true
firewall_driver = iptables
EOF
  printf '[DEFAULT]\ninterface_driver = linuxbridge\n' | merge /etc/neutron/l3_agent.ini
  merge /etc/neutron/dhcp_agent.ini <<EOF
[DEFAULT]
interface_driver = linuxbridge
dhcp_driver = neutron.agent.linux.dhcp.Dnsmasq
enable_isolated_metadata = true
EOF
  metadata_proxy | merge /etc/neutron/metadata_agent.ini
  tune_uwsgi /etc/neutron/neutron-api-uwsgi.ini 2 1
}

configure_libvirt() {
  # libvirt: no systemd means no D-Bus/polkit ("Unable to get system bus connection"), so
  # group libvirt (nova is in it) gets the socket without auth; its NAT network
  # "default" (192.168.122.0/24) must not autostart.
  merge /etc/libvirt/libvirtd.conf <<'EOF'
unix_sock_group = "libvirt"
unix_sock_ro_perms = "0777"
unix_sock_rw_perms = "0770"
auth_unix_ro = "none"
auth_unix_rw = "none"
EOF
  rm -f /etc/libvirt/qemu/networks/autostart/default.xml
}
