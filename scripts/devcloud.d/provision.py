#!/usr/bin/python3
"""Keystone catalog and the cloud's standing resources, in one openstacksdk process each.

One process instead of ~40 `openstack` CLI calls: each call costs 2-3 s of Python start-up on
two cores (the catalog took 90-120 s through the CLI, ~5 s here). Idempotent.

  provision.py catalog     service project, users, services and endpoints
  provision.py resources   member project/user, quotas, default IPv6 subnet pool, default
                           provider network, flavors, clouds.yaml + openrc files; then waits
                           until nova-compute is registered and mapped into cell1.

DC_BACKEND (ovn or linuxbridge) says which Neutron backend runs.

Passwords come from the environment (DC_*_PASS, set by scripts/devcloud from its secrets file);
addresses from DC_* variables exported by scripts/devcloud (common.sh).
"""
import os
import subprocess
import sys
import time

import openstack
import yaml

ENV = os.environ
API = ENV["DC_API"]
AUTH_URL = f"{API}:5000/v3"
REGION = ENV["DC_REGION"]
STATE = ENV["DC_STATE"]
SERVICES = [  # user/service name, service type, port, path
    ("glance", "image", 9292, ""),
    ("placement", "placement", 8778, ""),
    ("nova", "compute", 8774, "/v2.1"),
    ("neutron", "network", 9696, ""),
]
FLAVORS = [  # name, MiB, vCPUs, GiB disk: the busybox guest needs 128 MiB
    ("v6c.tiny", 128, 1, 1),
    ("v6c.small", 256, 1, 2),
]
# Enough for a v6conform run with 8 VMs (two per network) plus slack for a rerun or cleanup lag.
COMPUTE_QUOTA = dict(instances=20, cores=20, ram=20 * 256)
NETWORK_QUOTA = dict(networks=20, subnets=40, ports=100, routers=10, security_groups=20,
                     security_group_rules=200, floating_ips=10)
DHCP_WARMUP_NET = "v6c-dc-dhcp-warmup"
DHCP_WARMUP_CIDR = "2001:db8:fe::/64"  # disjoint from the pool, provider and upstream prefixes
DHCP_WAIT_S = 90
COMPUTE_WAIT_S = 300  # first start: libvirt probes QEMU's capabilities for ~60 s under TCG


def admin_connection():
    return openstack.connect(auth_url=AUTH_URL, username="admin", password=ENV["DC_ADMIN_PASS"],
                             project_name="admin", user_domain_name="Default",
                             project_domain_name="Default", region_name=REGION)


def catalog():
    idn = admin_connection().identity
    project = idn.find_project("service", domain_id="default") or \
        idn.create_project(name="service", domain_id="default")
    admin = idn.find_role("admin")
    # keystonemiddleware checks service tokens for this role; Zed's bootstrap does not create it.
    service = idn.find_role("service") or idn.create_role(name="service")
    for name, _type, _port, _path in SERVICES:
        user = idn.find_user(name, domain_id="default")
        if user:
            idn.update_user(user, password=ENV["DC_SERVICE_PASS"])
        else:
            user = idn.create_user(name=name, password=ENV["DC_SERVICE_PASS"], domain_id="default")
        idn.assign_project_role_to_user(project, user, admin)
        idn.assign_project_role_to_user(project, user, service)
    for name, stype, port, path in SERVICES:
        svc = idn.find_service(name) or idn.create_service(name=name, type=stype)
        have = {e.interface for e in idn.endpoints(service_id=svc.id)}
        for interface in ("public", "internal", "admin"):
            if interface not in have:
                idn.create_endpoint(service_id=svc.id, interface=interface,
                                    url=f"{API}:{port}{path}", region_id=REGION)


def member(conn):
    idn = conn.identity
    project = idn.find_project(ENV["DC_MEMBER_PROJECT"], domain_id="default") or \
        idn.create_project(name=ENV["DC_MEMBER_PROJECT"], domain_id="default",
                           description="v6conform dev cloud: the project tests run in")
    user = idn.find_user(ENV["DC_MEMBER_USER"], domain_id="default")
    if user:
        idn.update_user(user, password=ENV["DC_MEMBER_PASS"], default_project_id=project.id)
    else:
        user = idn.create_user(name=ENV["DC_MEMBER_USER"], password=ENV["DC_MEMBER_PASS"],
                               domain_id="default", default_project_id=project.id)
    idn.assign_project_role_to_user(project, user, idn.find_role("member"))
    return project


def quotas(conn, project):
    conn.set_compute_quotas(project.id, **COMPUTE_QUOTA)
    conn.set_network_quotas(project.id, **NETWORK_QUOTA)


def subnet_pool(net):
    # scs-0126: exactly one shared default IPv6 pool that gives every project a /64.
    if not any(p.is_default and p.ip_version == 6 for p in net.subnet_pools()):
        net.create_subnet_pool(name="v6c-default-v6", prefixes=[ENV["DC_POOL_PREFIX"]],
                               default_prefix_length=64, minimum_prefix_length=56,
                               maximum_prefix_length=64, is_shared=True, is_default=True,
                               description="v6conform dev cloud: default IPv6 pool")


def provider_network(net):
    # scs-0126: one default external network. It is not shared (projects reach it through a
    # router gateway, as on most public clouds); port security stays on all the same.
    public = net.find_network("v6c-public")
    if public is None:
        public = net.create_network(name="v6c-public", is_router_external=True, is_default=True,
                                    provider_network_type="flat",
                                    provider_physical_network="provider",
                                    is_port_security_enabled=True, is_shared=False)
    have = {s.cidr for s in net.subnets(network_id=public.id)}
    if ENV["DC_PROVIDER_V6_CIDR"] not in have:
        net.create_subnet(name="v6c-public-v6", network_id=public.id, ip_version=6,
                          cidr=ENV["DC_PROVIDER_V6_CIDR"], gateway_ip=ENV["DC_UPSTREAM_V6"],
                          is_dhcp_enabled=False)
    if ENV["DC_PROVIDER_V4_CIDR"] not in have:
        first, last = ENV["DC_PROVIDER_V4_POOL"].split("-")
        net.create_subnet(name="v6c-public-v4", network_id=public.id, ip_version=4,
                          cidr=ENV["DC_PROVIDER_V4_CIDR"], gateway_ip=ENV["DC_UPSTREAM_V4"],
                          allocation_pools=[{"start": first, "end": last}], is_dhcp_enabled=False)


def flavors(compute):
    for name, ram, vcpus, disk in FLAVORS:
        if compute.find_flavor(name) is None:
            compute.create_flavor(name=name, ram=ram, vcpus=vcpus, disk=disk, is_public=True)


def cloud_entry(user, password, project):
    return {"auth": {"auth_url": AUTH_URL, "username": user, "password": password,
                     "project_name": project, "user_domain_name": "Default",
                     "project_domain_name": "Default"},
            "region_name": REGION, "identity_api_version": 3, "interface": "public"}


def write_private(path, text):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


def client_config():
    mark = ENV["DC_CLOUDS_MARK"]
    clouds = {"clouds": {
        "v6c-devcloud": cloud_entry(ENV["DC_MEMBER_USER"], ENV["DC_MEMBER_PASS"],
                                    ENV["DC_MEMBER_PROJECT"]),
        "v6c-devcloud-admin": cloud_entry("admin", ENV["DC_ADMIN_PASS"], "admin")}}
    text = f"{mark}; `scripts/devcloud down --purge` removes it\n" + yaml.safe_dump(clouds)
    write_private(f"{STATE}/clouds.yaml", text)
    target = ENV["DC_CLOUDS_YAML"]
    if os.path.exists(target) and not open(target).read().startswith(mark):
        print(f"devcloud: {target} is not ours, left alone; use "
              f"OS_CLIENT_CONFIG_FILE={STATE}/clouds.yaml", file=sys.stderr)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        write_private(target, text)
    for name, user, password, project in (
            ("member", ENV["DC_MEMBER_USER"], ENV["DC_MEMBER_PASS"], ENV["DC_MEMBER_PROJECT"]),
            ("admin", "admin", ENV["DC_ADMIN_PASS"], "admin")):
        write_private(f"{STATE}/{name}-openrc", "".join(f"export {k}={v}\n" for k, v in (
            ("OS_AUTH_URL", AUTH_URL), ("OS_USERNAME", user), ("OS_PASSWORD", password),
            ("OS_PROJECT_NAME", project), ("OS_USER_DOMAIN_NAME", "Default"),
            ("OS_PROJECT_DOMAIN_NAME", "Default"), ("OS_REGION_NAME", REGION),
            ("OS_IDENTITY_API_VERSION", "3"))))


def wait_for_compute(conn):
    """nova-compute registers itself; cell1 learns the host from discover_hosts."""
    deadline = time.monotonic() + COMPUTE_WAIT_S
    while not any(s.state == "up" for s in conn.compute.services(binary="nova-compute")):
        if time.monotonic() > deadline:
            sys.exit(f"devcloud: nova-compute not up after {COMPUTE_WAIT_S} s "
                     "(see /var/log/nova/nova-compute.log)")
        time.sleep(2)
    while not list(conn.compute.hypervisors()):
        # nova-manage's stderr carries harmless eventlet tracebacks at exit: show it only on failure
        found = subprocess.run(["su", "-s", "/bin/sh", "nova", "-c", "nova-manage cell_v2 discover_hosts"],
                               capture_output=True, text=True)
        if found.returncode != 0:
            sys.exit(f"devcloud: nova-manage cell_v2 discover_hosts failed:\n{found.stderr}")
        if time.monotonic() > deadline:
            sys.exit("devcloud: the compute host was not mapped into cell1")
        time.sleep(2)


def dnsmasq_serves(network_id):
    """Whether a dnsmasq on this (all-in-one) host names the network in its command line."""
    return subprocess.run(["pgrep", "-f", f"dnsmasq.*{network_id}"], stdout=subprocess.DEVNULL).returncode == 0


def warm_dhcp_agent(net):
    """The DHCP agent starts its privsep helpers on first use. When several networks arrive at
    once (the first test run after `up`), two helpers can start together and oslo.privsep fails
    with "greenlet.error: cannot switch to a different thread"; every network then waits out a
    timeout without dnsmasq. One throwaway DHCP network here starts them one at a time; if even
    that gets no dnsmasq, the agent is restarted once."""
    for attempt in (1, 2):
        for old in net.networks(name=DHCP_WARMUP_NET):  # left by an interrupted `up`
            net.delete_network(old)
        n = net.create_network(name=DHCP_WARMUP_NET)
        try:
            net.create_subnet(network_id=n.id, name=DHCP_WARMUP_NET, ip_version=6, cidr=DHCP_WARMUP_CIDR,
                              ipv6_address_mode="dhcpv6-stateful")
            deadline = time.monotonic() + DHCP_WAIT_S
            while time.monotonic() < deadline:
                if dnsmasq_serves(n.id):
                    return
                time.sleep(1)
        finally:
            net.delete_network(n)
        if attempt == 1:
            print(f"devcloud: the DHCP agent started no dnsmasq in {DHCP_WAIT_S} s; restarting it", file=sys.stderr)
            subprocess.run(["/etc/init.d/neutron-dhcp-agent", "restart"], check=False,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sys.exit("devcloud: the DHCP agent starts no dnsmasq (see /var/log/neutron/neutron-dhcp-agent.log)")


def resources():
    conn = admin_connection()
    quotas(conn, member(conn))
    subnet_pool(conn.network)
    provider_network(conn.network)
    if ENV["DC_BACKEND"] == "linuxbridge":  # OVN answers DHCPv6 itself: no agent to warm up
        warm_dhcp_agent(conn.network)
    client_config()
    wait_for_compute(conn)  # the flavor API works before, but placement needs the host
    flavors(conn.compute)


if __name__ == "__main__":
    {"catalog": catalog, "resources": resources}[sys.argv[1]]()
