#!/usr/bin/python3
"""`scripts/devcloud check`: prove the dev cloud does what v6conform needs, as the member user.

A SLAAC network and a DHCPv6-stateful network, both from the default subnet pool, behind a
router whose gateway is the default provider network; one busybox guest on the SLAAC network
whose serial console must show the port's address (EUI-64) and a ping to the external host
beyond the upstream router. Everything created is deleted again, also on failure.
Prints each step's time. Exit 0 only when every check passed.
"""
import os
import re
import subprocess
import sys
import time

import openstack

STATE = os.environ["DC_STATE"]
IMAGE_DIR = f"{STATE}/smoke-image"
EXTERNAL_HOST = os.environ["DC_EXTERNAL_HOST_V6"]
PREFIX = "v6c-dc-smoke"
FLAVOR = "v6c.tiny"
BOOT_TIMEOUT_S = 300    # TCG on two shared cores: ACTIVE in ~15-25 s, console ~10 s later
RA_CONFIG_TIMEOUT_S = 60
CONSOLE_END = "V6C-SMOKE-END"

conn = openstack.connect(cloud="v6c-devcloud")
cleanup = []            # (what, function) in creation order; undone in reverse
failures = []
t_start = time.monotonic()


def step(what):
    print(f"devcloud check: {time.monotonic() - t_start:6.1f} s  {what}", flush=True)


def check(ok, what):
    step(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)


def created(what, undo, resource):
    cleanup.append((what, undo))
    return resource


def wait_for(predicate, timeout_s, what):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(1)
    raise TimeoutError(f"{what}: not within {timeout_s} s")


def network_with_subnet(net, mode):
    network = net.create_network(name=f"{PREFIX}-{mode}")
    created(f"network {network.name}", lambda: net.delete_network(network), network)
    subnet = net.create_subnet(name=f"{PREFIX}-{mode}", network_id=network.id, ip_version=6,
                               use_default_subnet_pool=True, ipv6_ra_mode=mode,
                               ipv6_address_mode=mode)
    check(subnet.cidr.endswith("/64") and subnet.subnet_pool_id is not None,
          f"{mode} subnet {subnet.cidr} from the default pool")
    return network, subnet


def topology():
    net = conn.network
    public = next((n for n in net.networks(is_router_external=True) if n.is_default), None)
    check(public is not None, "a default external network is visible to the member")
    slaac_net, slaac = network_with_subnet(net, "slaac")
    _, stateful = network_with_subnet(net, "dhcpv6-stateful")
    router = net.create_router(name=PREFIX, external_gateway_info={"network_id": public.id})
    created(f"router {router.name}", lambda: net.delete_router(router), router)
    gateway_ips = [ip["ip_address"] for ip in router.external_gateway_info["external_fixed_ips"]]
    check(any(":" in ip for ip in gateway_ips), f"router gateway has an IPv6 address {gateway_ips}")
    for subnet in (slaac, stateful):
        net.add_interface_to_router(router, subnet_id=subnet.id)
        cleanup.append((f"router interface {subnet.name}",
                        lambda s=subnet: net.remove_interface_from_router(router, subnet_id=s.id)))
    return router, slaac_net, stateful


def ra_flags(router, stateful):
    """Host side: the RA configuration Neutron wrote for the stateful prefix says M=1, A=0."""
    if os.environ["DC_BACKEND"] == "ovn":
        ovn_ra_mode(router, stateful)
    else:
        radvd_flags(router, stateful)


def ovn_ra_mode(router, stateful):
    """OVN's router port for the stateful subnet: ipv6_ra_configs address_mode=dhcpv6_stateful
    (ovn-northd sends M=1 and no autonomous prefix for it)."""
    port = next(p for p in conn.network.ports(device_id=router.id)
                if any(ip["subnet_id"] == stateful.id for ip in p.fixed_ips))
    def address_mode():
        out = subprocess.run(["ovn-nbctl", "--timeout=10", "get", "Logical_Router_Port",
                              f"lrp-{port.id}", "ipv6_ra_configs:address_mode"],
                             capture_output=True, text=True)
        return out.stdout.strip().strip('"') if out.returncode == 0 else None
    mode = wait_for(address_mode, RA_CONFIG_TIMEOUT_S, "OVN RA config for the stateful prefix")
    check(mode == "dhcpv6_stateful", f"OVN announces the stateful prefix as dhcpv6_stateful ({mode})")


def radvd_flags(router, stateful):
    """The radvd that Neutron runs in qrouter- announces M=1, A=0 for stateful."""
    path = f"/var/lib/neutron/ra/{router.id}.radvd.conf"
    def stateful_block():
        if not os.path.exists(path):
            return None
        # one "interface qr-… { … };" block per router port
        return next((b for b in open(path).read().split("interface ")[1:]
                     if f"prefix {stateful.cidr}" in b), None)
    block = wait_for(stateful_block, RA_CONFIG_TIMEOUT_S, "radvd config for the stateful prefix")
    check("AdvManagedFlag on" in block and "AdvAutonomous off" in block,
          "radvd announces the stateful prefix with M=1 and A=0")


def images():
    image = conn.image
    parts = {}
    for part, filename in (("kernel", "vmlinuz"), ("ramdisk", "initrd.gz")):
        # Nova rejects aki/ari ("Image content does not match disk_format"): upload all as raw.
        parts[part] = conn.create_image(f"{PREFIX}-{part}", filename=f"{IMAGE_DIR}/{filename}",
                                        disk_format="raw", container_format="bare", wait=True)
        cleanup.append((f"image {part}", lambda i=parts[part]: image.delete_image(i)))
    root = conn.create_image(PREFIX, filename=f"{IMAGE_DIR}/root.raw", disk_format="raw",
                             container_format="bare", wait=True,
                             kernel_id=parts["kernel"].id, ramdisk_id=parts["ramdisk"].id,
                             os_command_line="console=ttyS0 panic=-1")
    return created("image root", lambda: image.delete_image(root), root)


def boot(root_image, network):
    compute = conn.compute
    server = compute.create_server(name=PREFIX, image_id=root_image.id,
                                   flavor_id=compute.find_flavor(FLAVOR).id,
                                   networks=[{"uuid": network.id}])
    created("server", lambda: (compute.delete_server(server),
                               compute.wait_for_delete(server, wait=BOOT_TIMEOUT_S)), server)
    server = compute.wait_for_server(server, wait=BOOT_TIMEOUT_S, interval=1)
    step("server ACTIVE")
    console = wait_for(lambda: (out := compute.get_server_console_output(server)["output"])
                       and CONSOLE_END in out and out, BOOT_TIMEOUT_S, "guest console")
    step("guest console complete")
    port = next(conn.network.ports(device_id=server.id))
    v6 = [ip["ip_address"] for ip in port.fixed_ips if ":" in ip["ip_address"]]
    check(bool(v6) and re.search(rf"inet6 {re.escape(v6[0])}/64 scope global", console) is not None,
          f"guest configured its port's SLAAC address {v6} (console)")
    check(f"V6C-SMOKE-PING ok {EXTERNAL_HOST}" in console,
          f"guest pings the external host {EXTERNAL_HOST} through the router")
    if failures:
        print(console[console.find("V6C-SMOKE-BEGIN"):], flush=True)


def main():
    try:
        router, slaac_net, stateful = topology()
        step("topology created")
        ra_flags(router, stateful)
        root_image = images()
        step("images uploaded")
        boot(root_image, slaac_net)
    except Exception as e:  # any error is a failed check, and cleanup still runs
        failures.append(f"{type(e).__name__}: {e}")
        step(f"FAIL  {type(e).__name__}: {e}")
    finally:
        for what, undo in reversed(cleanup):
            try:
                undo()
            except Exception as e:
                failures.append(f"cleanup of {what}: {e}")
                step(f"FAIL  cleanup of {what}: {e}")
        step("cleanup done")
    left = [r.name for r in conn.network.networks() if r.name.startswith(PREFIX)] + \
           [r.name for r in conn.network.routers() if r.name.startswith(PREFIX)] + \
           [r.name for r in conn.compute.servers() if r.name.startswith(PREFIX)] + \
           [r.name for r in conn.image.images() if r.name.startswith(PREFIX)]
    check(not left, f"nothing left behind {left}")
    print(f"devcloud check: {'PASS' if not failures else 'FAIL'} in {time.monotonic() - t_start:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
