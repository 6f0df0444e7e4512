#!/usr/bin/python3
"""Python 3 stdlib baseline for the batch benchmark: per file, parse the header with the email
package, split each Received field into its from/by parts, read its date to UTC and extract
the IPs, then print one JSON line. The equivalent of hopscope's work, without its rules.

py_baseline.py LIST [OUT]: the batch form scripts/bench-batch times.
py_baseline.py --in-memory LIST [ROUNDS]: reads every file first, then does the same work on the
bytes ROUNDS times (default 3) and prints the best microseconds a message, to compare with
bench_parse's per-stage figures (no file I/O on either side)."""
import email.parser
import email.policy
import email.utils
import json
import re
import sys
import time

IP = re.compile(r"\[(?:IPv6:)?([0-9A-Fa-f:.]+)\]|\(([0-9]{1,3}(?:\.[0-9]{1,3}){3})\)")
CLAUSE = re.compile(r"\b(from|by|via|with|id|for)\s+(\S+)", re.I)
parser = email.parser.BytesHeaderParser(policy=email.policy.compat32)


def record(path, msg):
    hops = []
    for value in msg.get_all("Received") or []:
        value = str(value).replace("\r", "").replace("\n", "")
        head, _, date = value.rpartition(";")
        clauses = {k.lower(): v for k, v in CLAUSE.findall(head or value)}
        epoch = None
        try:
            epoch = email.utils.parsedate_to_datetime(date.strip()).timestamp()
        except Exception:  # noqa: BLE001
            pass
        ips = [a or b for a, b in IP.findall(head)]
        hops.append({"from": clauses.get("from"), "by": clauses.get("by"), "ips": ips, "epoch": epoch})
    hops.reverse()
    return json.dumps({"source": path, "hops": hops}) + "\n"


def batch(list_path, out):
    for path in open(list_path):
        path = path.rstrip("\n")
        try:
            with open(path, "rb") as f:
                msg = parser.parse(f)
        except Exception as e:  # noqa: BLE001 - a baseline must go on like hopscope does
            out.write(json.dumps({"source": path, "error": str(e)}) + "\n")
            continue
        out.write(record(path, msg))


def in_memory(list_path, rounds):
    messages = []
    for path in open(list_path):
        path = path.rstrip("\n")
        with open(path, "rb") as f:
            messages.append((path, f.read()))
    best = None
    for _ in range(rounds):
        start = time.perf_counter()
        size = 0
        for path, data in messages:
            size += len(record(path, parser.parsebytes(data)))
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    print(f"{len(messages)} messages, best of {rounds} rounds: {best / len(messages) * 1e6:.2f} "
          f"us/message; {size} JSON bytes a round")


if sys.argv[1] == "--in-memory":
    in_memory(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 3)
else:
    batch(sys.argv[1], open(sys.argv[2], "w") if len(sys.argv) > 2 else sys.stdout)
