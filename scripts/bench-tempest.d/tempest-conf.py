#!/usr/bin/env python3
# tempest.conf for the dev cloud: tempest-conf.py STATE_JSON WORKSPACE TENANT_V4 TENANT_V6, the
# state as cloud.py prepare wrote it.
import json, sys
s, ws, v4, v6 = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3], sys.argv[4]
conf = f"""[DEFAULT]
log_file = tempest.log
log_dir = {ws}/logs
[auth]
admin_username = {s['username']}
admin_password = {s['password']}
admin_project_name = {s['project_name']}
admin_domain_name = Default
use_dynamic_credentials = true
create_isolated_networks = true
[identity]
auth_version = v3
uri_v3 = {s['auth_url']}
region = {s['region']}
v3_endpoint_type = public
[identity-feature-enabled]
api_v3 = true
[service_available]
keystone = true
glance = true
nova = true
neutron = true
cinder = false
swift = false
horizon = false
[compute]
image_ref = {s['image']}
image_ref_alt = {s['image']}
flavor_ref = {s['flavor']}
flavor_ref_alt = {s['flavor']}
build_timeout = 300
min_compute_nodes = 1
[compute-feature-enabled]
console_output = true
resize = false
live_migration = false
vnc_console = false
spice_console = false
serial_console = false
rescue = false
snapshot = false
attach_encrypted_volume = false
config_drive = false
[image]
region = {s['region']}
[network]
region = {s['region']}
public_network_id = {s['public_network']}
floating_network_name = v6c-public
project_network_cidr = {v4}
project_network_mask_bits = 28
project_network_v6_cidr = {v6}
project_network_v6_mask_bits = 64
project_networks_reachable = false
build_timeout = 300
[network-feature-enabled]
ipv6 = true
ipv6_subnet_attributes = true
api_extensions = {','.join(s['extensions'])}
floating_ips = true
port_security = true
port_admin_state_change = true
[validation]
run_validation = true
connect_method = floating
auth_method = keypair
ip_version_for_ssh = 4
network_for_ssh = v6c-public
image_ssh_user = root
ssh_timeout = 300
ping_timeout = 120
[oslo_concurrency]
lock_path = {ws}/lock
"""
open(f"{ws}/etc/tempest.conf", "w").write(conf)
