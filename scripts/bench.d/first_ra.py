#!/usr/bin/env python3
"""first-ra: v6agent discover -1 against rdisc6 -1 on the same link, run inside the host namespace.

Figures per tool and run, all on CLOCK_REALTIME:
  rs->output  the RS's kernel transmit timestamp (a packet socket on the link) to the tool's
              first byte of output: RS sent -> RA received, decoded and printed
  split into  rs->ra, the router's part (RS out to RA in, both kernel timestamps on the link), and
              ra->output, the tool's own part (RA in to first byte of output)
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
ICMPV6_RA = 134


def nd_timestamps(sock):
    """Kernel timestamps (ns) of the RSs this host sent and the RAs it received since the last call."""
    out = {ICMPV6_RS: [], ICMPV6_RA: []}
    while True:
        try:
            data, anc, _, addr = sock.recvmsg(2048, socket.CMSG_SPACE(16), socket.MSG_DONTWAIT)
        except BlockingIOError:
            return out
        if addr[1] != ETH_P_IPV6 or len(data) < 55 or data[20] != 58:
            continue  # Ethernet 14 + IPv6 40: next header at 14 + 6, ICMPv6 type at 54
        kind = data[54]
        if (kind, addr[2] == PACKET_OUTGOING) not in ((ICMPV6_RS, True), (ICMPV6_RA, False)):
            continue
        for level, ctype, value in anc:
            if level == socket.SOL_SOCKET and ctype == SO_TIMESTAMPNS:
                sec, nsec = struct.unpack("qq", value[:16])
                out[kind].append(sec * 1_000_000_000 + nsec)


def one(cmd, sock):
    nd_timestamps(sock)  # drop anything older
    start = time.time_ns()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    first = p.stdout.read(1)
    printed = time.time_ns()
    p.stdout.read()
    rc = p.wait()
    ended = time.time_ns()
    seen = nd_timestamps(sock)
    rs = seen[ICMPV6_RS]
    ra = [t for t in seen[ICMPV6_RA] if rs and t >= rs[0]]
    if rc != 0 or not first or not rs or not ra:
        sys.exit(f"first-ra: {cmd[0]} failed (exit {rc}, output {bool(first)}, RS seen {len(rs)}, RA seen {len(ra)})")
    return (printed - rs[0]) / 1e6, (ended - start) / 1e6, (ra[0] - rs[0]) / 1e6, (printed - ra[0]) / 1e6


def main():
    iface, runs, agent = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.bind((iface, ETH_P_ALL))
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    tools = {"v6agent discover -1": [agent, "discover", "-1", "-i", iface], "rdisc6 -1": ["rdisc6", "-1", iface]}
    figures = {name: ([], [], [], []) for name in tools}
    for _ in range(runs):  # interleaved, so drift in the machine's load hits both alike
        for name, cmd in tools.items():
            for column, value in zip(figures[name], one(cmd, sock)):
                column.append(value)

    def p90(xs):
        return sorted(xs)[int(len(xs) * 0.9)]

    print(f"first-ra: {runs} runs each on the same link, radvd answering")
    print(f"  {'':22} {'RS on the wire -> RA printed':>30} {'whole process':>22}")
    for name, (a, b, _, _) in figures.items():
        print(f"  {name:22} median {statistics.median(a):7.3f} ms (p90 {p90(a):7.3f})"
              f"   median {statistics.median(b):6.2f} ms (p90 {p90(b):6.2f})")
    print(f"  {'':22} {'RS -> RA on the wire (router)':>30} {'RA on the wire -> printed (tool)':>34}")
    for name, (_, _, c, d) in figures.items():
        print(f"  {name:22} median {statistics.median(c):7.3f} ms (p90 {p90(c):7.3f})"
              f"   median {statistics.median(d):7.3f} ms (p90 {p90(d):7.3f})")
    (oa, ob, _, od), (pa, pb, _, pd) = figures.values()
    print(f"  ratio rdisc6/v6agent   RS -> RA printed {statistics.median(pa) / statistics.median(oa):.2f}, "
          f"RA -> printed {statistics.median(pd) / statistics.median(od):.2f}, "
          f"whole process {statistics.median(pb) / statistics.median(ob):.2f}  (>= 1: v6agent at least as fast)")


if __name__ == "__main__":
    main()
