#!/usr/bin/env python3
"""first-ra: v6agent discover -1 against rdisc6 -1 on the same link, run inside the host namespace.

Two figures per tool and run, both on CLOCK_REALTIME:
  rs->output  the RS's kernel transmit timestamp (a packet socket on the link) to the tool's
              first byte of output: RS sent -> RA received, decoded and printed
  process     fork/exec to exit, as a shell sees it
Usage: first_ra.py IFACE RUNS AGENT
"""
import os
import socket
import statistics
import struct
import subprocess
import sys
import time

ETH_P_ALL = 3  # only ETH_P_ALL taps see what this host sends
ETH_P_IPV6 = 0x86DD
SO_TIMESTAMPNS = 35
PACKET_OUTGOING = 4
ICMPV6_RS = 133


def rs_timestamps(sock):
    """Transmit timestamps (ns) of the RSs this host sent since the last call."""
    out = []
    while True:
        try:
            data, anc, _, addr = sock.recvmsg(2048, socket.CMSG_SPACE(16), socket.MSG_DONTWAIT)
        except BlockingIOError:
            return out
        if addr[2] != PACKET_OUTGOING or addr[1] != ETH_P_IPV6 or len(data) < 55 or data[20] != 58 \
                or data[54] != ICMPV6_RS:
            continue  # Ethernet 14 + IPv6 40: next header at 14 + 6, ICMPv6 type at 54
        for level, kind, value in anc:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                sec, nsec = struct.unpack("qq", value[:16])
                out.append(sec * 1_000_000_000 + nsec)


def one(cmd, sock):
    rs_timestamps(sock)  # drop anything older
    start = time.time_ns()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    first = p.stdout.read(1)
    printed = time.time_ns()
    p.stdout.read()
    rc = p.wait()
    ended = time.time_ns()
    rs = rs_timestamps(sock)
    if rc != 0 or not first or not rs:
        sys.exit(f"first-ra: {cmd[0]} failed (exit {rc}, output {bool(first)}, RS seen {len(rs)})")
    return (printed - rs[0]) / 1e6, (ended - start) / 1e6


def main():
    iface, runs, agent = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.bind((iface, ETH_P_ALL))
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    tools = {"v6agent discover -1": [agent, "discover", "-1", "-i", iface], "rdisc6 -1": ["rdisc6", "-1", iface]}
    figures = {name: ([], []) for name in tools}
    for _ in range(runs):  # interleaved, so drift in the machine's load hits both alike
        for name, cmd in tools.items():
            a, b = one(cmd, sock)
            figures[name][0].append(a)
            figures[name][1].append(b)

    def p90(xs):
        return sorted(xs)[int(len(xs) * 0.9)]

    print(f"first-ra: {runs} runs each on the same link, radvd answering")
    print(f"  {'':22} {'RS on the wire -> RA printed':>30} {'whole process':>22}")
    for name, (a, b) in figures.items():
        print(f"  {name:22} median {statistics.median(a):7.3f} ms (p90 {p90(a):7.3f})"
              f"   median {statistics.median(b):6.2f} ms (p90 {p90(b):6.2f})")
    (oa, ob), (pa, pb) = figures.values()
    print(f"  ratio rdisc6/v6agent   RS -> RA printed {statistics.median(pa) / statistics.median(oa):.2f}, "
          f"whole process {statistics.median(pb) / statistics.median(ob):.2f}  (>= 1: v6agent at least as fast)")


if __name__ == "__main__":
    main()
