#!/usr/bin/python3
"""Python 3 stdlib baseline for the batch benchmark: per file, parse the header with the email
package, split each Received field into its from/by parts, read its date to UTC and extract
the IPs, then print one JSON line. The equivalent of hopscope's work, without its rules."""
import email.parser
import email.policy
import email.utils
import json
import re
import sys

IP = re.compile(r"\[(?:IPv6:)?([0-9A-Fa-f:.]+)\]|\(([0-9]{1,3}(?:\.[0-9]{1,3}){3})\)")
CLAUSE = re.compile(r"\b(from|by|via|with|id|for)\s+(\S+)", re.I)
parser = email.parser.BytesHeaderParser(policy=email.policy.compat32)

out = open(sys.argv[2], "w") if len(sys.argv) > 2 else sys.stdout
for path in open(sys.argv[1]):
    path = path.rstrip("\n")
    try:
        with open(path, "rb") as f:
            msg = parser.parse(f)
    except Exception as e:  # noqa: BLE001 - a baseline must go on like hopscope does
        out.write(json.dumps({"source": path, "error": str(e)}) + "\n")
        continue
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
    out.write(json.dumps({"source": path, "hops": hops}) + "\n")
