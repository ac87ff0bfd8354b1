"""The cloud side of scripts/bench-tempest, as the dev cloud's admin, in one openstacksdk process each:

  cloud.py prepare IMAGE_DIR STATE.json   upload the SSH guest (public, names v6c-tp-ssh-*), note what
                                          tempest.conf needs and which projects exist before the run
  cloud.py leftovers STATE.json           list what the run left: resources of projects that did not
                                          exist before it, tempest-* projects and users; exit 1 if any
  cloud.py cleanup                        delete the v6c-tp-ssh-* images
  cloud.py named PREFIX                   list what carries a name starting with PREFIX; exit 1 if any
"""
import json
import os
import sys

import openstack

ADMIN_CLOUD = "v6c-devcloud-admin"
MEMBER_CLOUD = "v6c-devcloud"
PREFIX = "v6c-tp-ssh"
FLAVOR = "v6c.tiny"
PUBLIC = "v6c-public"

conn = openstack.connect(cloud=ADMIN_CLOUD)


def delete_images():
    for image in conn.image.images():
        if image.name.startswith(PREFIX):
            conn.image.delete_image(image)


def prepare(image_dir, state_file):
    delete_images()  # a killed earlier run's
    parts = {}
    # Nova refuses aki/ari ("Image content does not match disk_format"): three raw images.
    for part, filename in (("kernel", "vmlinuz"), ("ramdisk", "initrd.gz")):
        parts[part] = conn.create_image(f"{PREFIX}-{part}", filename=f"{image_dir}/{filename}", disk_format="raw",
                                        container_format="bare", visibility="public", wait=True)
    root = conn.create_image(PREFIX, filename=f"{image_dir}/root.raw", disk_format="raw", container_format="bare",
                             visibility="public", wait=True, kernel_id=parts["kernel"].id,
                             ramdisk_id=parts["ramdisk"].id, os_command_line="console=ttyS0 panic=-1")
    auth = conn.config.auth
    state = {
        "auth_url": auth["auth_url"],
        "username": auth["username"],
        "password": auth["password"],
        "project_name": auth["project_name"],
        "region": conn.config.region_name or "RegionOne",
        "image": root.id,
        "flavor": conn.compute.find_flavor(FLAVOR, ignore_missing=False).id,
        "public_network": conn.network.find_network(PUBLIC, ignore_missing=False).id,
        "extensions": sorted(e.alias for e in conn.network.extensions()),
        "projects_before": sorted(p.id for p in conn.identity.projects()),
    }
    with open(os.open(state_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:  # holds the password
        json.dump(state, f)


def leftovers(state_file):
    with open(state_file) as f:
        before = set(json.load(f)["projects_before"])
    found = []
    net = conn.network
    kinds = (("server", conn.compute.servers(all_projects=True)), ("network", net.networks()),
             ("subnet", net.subnets()), ("router", net.routers()), ("port", net.ports()),
             ("floating ip", net.ips()), ("security group", net.security_groups()))
    for kind, items in kinds:
        for r in items:
            if r.project_id and r.project_id not in before:
                found.append(f"{kind} {r.id} {getattr(r, 'name', '') or ''} (project {r.project_id})")
    for p in conn.identity.projects():
        if p.id not in before or p.name.startswith("tempest-"):
            found.append(f"project {p.id} {p.name}")
    for u in conn.identity.users():
        if u.name.startswith("tempest-"):
            found.append(f"user {u.id} {u.name}")
    for image in conn.image.images():
        if image.name.startswith(PREFIX):
            found.append(f"image {image.id} {image.name}")
    for line in found:
        print(line)
    sys.exit(1 if found else 0)


def named(prefix):
    net = conn.network
    kinds = (("server", conn.compute.servers(all_projects=True)), ("network", net.networks()),
             ("subnet", net.subnets()), ("router", net.routers()), ("port", net.ports()),
             ("security group", net.security_groups()), ("image", conn.image.images()))
    found = [f"{kind} {r.id} {r.name}" for kind, items in kinds for r in items if (r.name or "").startswith(prefix)]
    for line in found:
        print(line)
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    cmd = sys.argv[1:2]
    if cmd == ["prepare"]:
        prepare(sys.argv[2], sys.argv[3])
    elif cmd == ["leftovers"]:
        leftovers(sys.argv[2])
    elif cmd == ["named"]:
        named(sys.argv[2])
    elif cmd == ["cleanup"]:
        delete_images()
    else:
        sys.exit(__doc__)
