"""Counts the checks tempest.scenario.test_network_v6 makes, from its installed source.

Every test method is one call of _prepare_and_test(address6_mode, n_subnets6=1, dualnet=False), which
boots two VMs and asserts, per VM: its IPv4 address from the API is on a NIC, each of its n IPv6
addresses from the API is on a NIC, it pings the other VM's IPv4 address, and, per IPv6 subnet, it
pings the other VM's IPv6 address and the subnet's gateway; with dualnet, turn_nic6_on first asserts
that the VM has exactly one port on the IPv6 network. So per test:
  assertions executed  2 + 2n + 2 + 4n + 2d      (d = 1 with dualnet)
  distinct checks      1 + n + 1 + 2n + d        (the same property on VM1 and VM2 counted once)
  of which IPv6        3n                        (address configured, peer reachable, gateway reachable)
The rule was read from Tempest 33; the call sites it rests on are re-counted here, and a different
count is reported instead of silently giving a wrong figure.

  count-checks.py [PASSED_TEST_NAMES_FILE]   prints JSON: per test and totals (all tests, and passed ones)
"""
import ast
import json
import sys

import tempest.scenario.test_network_v6 as module

EXPECTED_SITES = {"_prepare_and_test": {"assertIn": 2, "check_remote_connectivity": 6, "fail": 1},
                  "turn_nic6_on": {"assertEqual": 1}}

tree = ast.parse(open(module.__file__).read())
cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "TestGettingAddress")
methods = {f.name: f for f in cls.body if isinstance(f, ast.FunctionDef)}


def self_calls(fn):
    for node in ast.walk(fn):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                isinstance(node.func.value, ast.Name) and node.func.value.id == "self":
            yield node


problems = []
for name, expected in EXPECTED_SITES.items():
    found = {}
    for call in self_calls(methods[name]):
        found[call.func.attr] = found.get(call.func.attr, 0) + 1
    for attr, count in expected.items():
        if found.get(attr, 0) != count:
            problems.append(f"{name}: {found.get(attr, 0)} self.{attr}() calls, the rule expects {count}")

passed = set()
if len(sys.argv) > 1:
    passed = {line.strip() for line in open(sys.argv[1]) if line.strip()}

tests = {}
for name, fn in methods.items():
    if not name.startswith("test_"):
        continue
    call = next((c for c in self_calls(fn) if c.func.attr == "_prepare_and_test"), None)
    if call is None:
        problems.append(f"{name} does not call _prepare_and_test")
        continue
    kw = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
    n, d = kw.get("n_subnets6", 1), int(bool(kw.get("dualnet", False)))
    tests[name] = {"mode": kw.get("address6_mode"), "subnets6": n, "dualnet": bool(d),
                   "assertions": 4 + 6 * n + 2 * d, "distinct": 2 + 3 * n + d, "ipv6": 3 * n}


def total(names):
    return {k: sum(tests[t][k] for t in names) for k in ("assertions", "distinct", "ipv6")}


print(json.dumps({"source": module.__file__, "tests": tests, "all": total(tests),
                  "passed": total([t for t in tests if t in passed]), "problems": problems}))
