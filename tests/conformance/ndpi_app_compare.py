#!/usr/bin/python3
"""Application-layer conformance against nDPI's regression results.

For every capture of nDPI's suite (../shared/data/ndpi, results of nDPI 4.11)
this runs ML Defender and Debian's own ndpiReader (nDPI 4.2, the library we
link) and compares both with the expected result file, flow by flow:

  * master protocol on the common protocols (>= 98.5% required),
  * the whole classification over all classified flows (at least what
    Debian's ndpiReader reaches on the same flows),
  * app_host against "Hostname/SNI" (>= 95% required).

Usage: ndpi_app_compare.py MLDEFENDER NDPI_DIR [--details FILE]
Exit 0 when every goal is met, 1 otherwise. Only the standard library.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

COMMON = {"DNS", "HTTP", "TLS", "QUIC", "SSH", "SMBv1", "SMBv23", "DHCP", "NTP", "ICMP",
          "ICMPV6", "Kerberos", "RDP", "FTP_CONTROL", "SMTP", "SMTPS", "IMAP", "IMAPS", "POP3",
          "POPS"}
GOAL_COMMON = 98.5
GOAL_HOST = 95.0

FLOW_LINE = re.compile(
    r"^\t\d+\t(?P<l4>\S+) (?P<a>\S+) <-> (?P<b>\S+) (?:\[VLAN: (?P<vlan>\d+)\])?"
    r"\[proto: (?:[\d.]+/)?(?P<proto>[^\]]+)\]")
HOST = re.compile(r"\[Hostname/SNI: ([^\]]*)\]")
L4 = {"TCP": 6, "UDP": 17, "ICMP": 1, "ICMPV6": 58}


def split_endpoint(text):
    """'1.2.3.4:80' or '[::1]:80' or '1.2.3.4' -> (address, port)."""
    if text.startswith("["):
        address, _, port = text[1:].partition("]:")
        return address, int(port or 0)
    if text.count(":") == 1:
        address, port = text.split(":")
        return address, int(port)
    return text, 0


def flow_key(l4, vlan, a, b):
    return (l4, vlan, tuple(sorted([a, b])))


def parse_result(path):
    """Flow lines of an ndpiReader result file -> {key: (proto, host)}."""
    flows = {}
    with open(path, errors="replace") as f:
        for line in f:
            m = FLOW_LINE.match(line)
            if not m:
                continue
            l4 = L4.get(m["l4"], m["l4"])
            key = flow_key(l4, int(m["vlan"] or 0), split_endpoint(m["a"]), split_endpoint(m["b"]))
            host = HOST.search(line)
            flows.setdefault(key, (m["proto"], host.group(1) if host else ""))
    return flows


def ndpi_address(address):
    """ndpiReader's IPv6 text: every run of zero groups as '::', no leading zeros."""
    if ":" not in address:
        return address
    import ipaddress
    groups = ipaddress.IPv6Address(address).exploded.split(":")
    out, zero_run = [], False
    for g in groups:
        if int(g, 16) == 0:
            if not zero_run:
                out.append("")
            zero_run = True
        else:
            out.append("%x" % int(g, 16))
            zero_run = False
    text = ":".join(out)
    if text.startswith(":"):
        text = ":" + text
    if text.endswith(":"):
        text += ":"
    return text


def run_sensor(binary, capture):
    """Our flow records -> {key: (app_proto, app_host)}; the earliest flow per key."""
    out = subprocess.run(
        [binary, "run", "-r", capture, "-o", "-", "--set", "flow.features=none",
         "--set", "decode.tunnels=ipip,gre,gtpu,vxlan,capwap"],
        capture_output=True, text=True, errors="replace")
    flows = {}
    for line in out.stdout.splitlines():
        event = json.loads(line)
        if event.get("event_type") != "flow":
            continue
        proto = {"TCP": 6, "UDP": 17, "ICMP": 1, "IPv6-ICMP": 58}.get(event["proto"],
                                                                      event["proto"])
        a = (ndpi_address(event["src_ip"]), event.get("src_port", 0))
        b = (ndpi_address(event["dest_ip"]), event.get("dest_port", 0))
        vlan = event.get("vlan", [0])[-1]
        key = flow_key(proto, vlan, a, b)
        start = event["flow"]["start"]
        if key not in flows or start < flows[key][2]:
            flows[key] = (event.get("app_proto", "Unknown"), event.get("app_host", ""), start)
    return {k: v[:2] for k, v in flows.items()}


def run_ndpi_reader(capture):
    with tempfile.NamedTemporaryFile("w+", suffix=".out") as out:
        subprocess.run(["ndpiReader", "-i", capture, "-v", "2", "-q"], stdout=out,
                       stderr=subprocess.DEVNULL)
        return parse_result(out.name)


def master(proto):
    return proto.split(".")[0]


class Score:
    def __init__(self):
        self.agree, self.total = 0, 0

    def add(self, ok):
        self.total += 1
        self.agree += bool(ok)

    def percent(self):
        return 100.0 * self.agree / self.total if self.total else 100.0

    def __str__(self):
        return "%6.2f%% (%d/%d)" % (self.percent(), self.agree, self.total)


def main():
    binary, ndpi_dir = sys.argv[1], sys.argv[2]
    details = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--details" else None
    pcaps = os.path.join(ndpi_dir, "tests/cfgs/default/pcap")
    results = os.path.join(ndpi_dir, "tests/cfgs/default/result")
    captures = sorted(f for f in os.listdir(pcaps)
                      if os.path.exists(os.path.join(results, f + ".out")))

    def one(name):
        capture = os.path.join(pcaps, name)
        return (name, parse_result(os.path.join(results, name + ".out")),
                run_sensor(binary, capture), run_ndpi_reader(capture))

    ours_common, debian_common = Score(), Score()
    ours_all, debian_all = Score(), Score()
    ours_host, debian_host = Score(), Score()
    misses = []
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for name, expected, ours, debian in pool.map(one, captures):
            for key, (proto, host) in expected.items():
                mine = ours.get(key, ("(no flow)", ""))
                theirs = debian.get(key, ("(no flow)", ""))
                if master(proto) in COMMON:
                    ours_common.add(master(mine[0]) == master(proto))
                    debian_common.add(master(theirs[0]) == master(proto))
                if proto != "Unknown":
                    ours_all.add(mine[0] == proto)
                    debian_all.add(theirs[0] == proto)
                if host:
                    ours_host.add(mine[1] == host)
                    debian_host.add(theirs[1] == host)
                if mine[0] != proto or (host and mine[1] != host):
                    misses.append((name, str(key), proto, mine[0], host, mine[1], theirs[0]))

    print("captures compared: %d" % len(captures))
    print("                               ML Defender            Debian ndpiReader 4.2")
    print("master protocol, common:       %-22s %s" % (ours_common, debian_common))
    print("classification, all flows:     %-22s %s" % (ours_all, debian_all))
    print("app_host = Hostname/SNI:       %-22s %s" % (ours_host, debian_host))
    if details:
        with open(details, "w") as f:
            for m in misses:
                f.write("\t".join(m) + "\n")
    ok = (ours_common.percent() >= GOAL_COMMON and ours_all.percent() >= debian_all.percent()
          and ours_host.percent() >= GOAL_HOST)
    print("goals (common >= %.1f%%, all >= ndpiReader, host >= %.0f%%): %s"
          % (GOAL_COMMON, GOAL_HOST, "met" if ok else "NOT met"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
