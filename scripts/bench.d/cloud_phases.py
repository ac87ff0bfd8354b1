#!/usr/bin/env python3
"""Phases of one `v6conform run` from its progress lines ("[  12.3 s] what"), on stdin.

Prints provision (start -> topology ready), boot to last report (servers created -> every VM
reported: all boot in one wave, so this is the slowest VM's boot-to-report), evaluate (last
report -> report written, which is when the cleanup line comes), cleanup, the whole run, and
the verdicts' time beside the slowest boot as a ratio.
"""
import re
import sys

LINE = re.compile(r"^\[\s*([0-9.]+) s\] (.*)$")


def main() -> int:
    marks = {}
    last_report = None
    for raw in sys.stdin:
        m = LINE.match(raw.strip())
        if not m:
            continue
        t, what = float(m.group(1)), m.group(2)
        if what.startswith("topology ready"):
            marks["ready"] = t
        elif what.startswith("booting "):
            marks["booting"] = t
        elif " reported, " in what:
            last_report = t
        elif what.startswith("deleting "):
            marks["deleting"] = t
        elif what == "done":
            marks["done"] = t
    need = ("ready", "booting", "deleting", "done")
    if last_report is None or any(k not in marks for k in need):
        print("  phases: progress lines incomplete (" + ", ".join(k for k in need if k not in marks) + ")")
        return 1
    boot = last_report - marks["ready"]
    print(f"  provision {marks['ready']:6.1f} s | boot to last report {boot:6.1f} s | "
          f"evaluate {marks['deleting'] - last_report:5.1f} s | cleanup {marks['done'] - marks['deleting']:5.1f} s | "
          f"whole {marks['done']:6.1f} s")
    print(f"  verdicts out at {marks['deleting']:.1f} s = {marks['deleting'] / boot:.2f} x the slowest boot-to-report")
    return 0


if __name__ == "__main__":
    sys.exit(main())
