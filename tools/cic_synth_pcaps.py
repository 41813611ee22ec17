#!/usr/bin/python3
"""Generate synthetic captures that stress the rules of flow-features.md (for compare_cic_corpus.sh).

Random conversations between a few endpoints (port collisions on purpose), TCP flag sequences that
walk the state machine of 3.2, gaps at the 1 s / 5 s / 120 s boundaries (exact, ±1 µs), backward
timestamps (1.5), VLAN/QinQ/MPLS/PPPoE/SLL/SLL2/raw/NULL/LOOP link layers, IPv6 extension headers,
fragments, TSO (ip_len 0), IP lengths larger than the frame, snaplen-truncated frames, Ethernet
padding, ICMP type/code changes, same-host flows, pcap (µs/ns, both byte orders) and pcapng
(if_tsresol 10^-6, 10^-9, 2^-20, several interfaces and sections, both byte orders).

Usage: cic_synth_pcaps.py OUTDIR [--seed N] [--files N] [--packets N]
"""

import argparse
import os
import random
import struct

V4 = [bytes([10, 0, 0, i]) for i in (1, 2, 3)] + [bytes([192, 168, 1, 7])]
V6 = [bytes.fromhex("20010db8000000000000000000000001"), bytes.fromhex("20010db8000000000000000000000002"),
      bytes.fromhex("fe800000000000000000000000000001")]
PORTS = [80, 443, 1234, 1235, 53, 5000]
TCP_FLAGS = [0x02, 0x12, 0x10, 0x10, 0x10, 0x18, 0x18, 0x11, 0x11, 0x01, 0x04, 0x14, 0x00, 0x20, 0x30,
             0xC2, 0x29, 0x03, 0x06, 0x16, 0x40, 0x80]
GAPS = [0, 1, 2, 10, 100, 1000, 50_000, 300_000, 999_999, 1_000_000, 1_000_001, 1_500_000,
        4_999_999, 5_000_000, 5_000_001, 7_000_000, 30_000_000, 60_000_000, 119_999_999,
        120_000_000, 120_000_001, 200_000_000]


def csum(_b):
    return 0


def l4_tcp(r, sport, dport, flags, payload):
    doff = r.choice([5, 5, 5, 8, 10, 15])
    opts = bytes(r.getrandbits(8) for _ in range((doff - 5) * 4))
    win = r.choice([0, 1, 229, 8192, 28960, 65535])
    hdr = struct.pack("!HHIIBBHHH", sport, dport, r.getrandbits(32), r.getrandbits(32),
                      doff << 4, flags, win, 0, 0) + opts
    return hdr + payload


def l4_udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def l4_icmp(t, c, payload):
    return struct.pack("!BBHI", t, c, 0, 0) + payload


def ipv4(r, src, dst, proto, l4, frag=0, mf=False, tot_override=None):
    tot = 20 + len(l4) if tot_override is None else tot_override
    fo = (frag & 0x1FFF) | (0x2000 if mf else 0)
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, tot & 0xFFFF, r.getrandbits(16), fo, 64, proto, 0,
                       src, dst) + l4


def ipv6(r, src, dst, proto, l4, exts=(), plen_override=None):
    body = b""
    nh = proto
    # build extension headers from the inside out
    for ext in reversed(exts):
        if ext == 44:
            off = r.choice([0, 0, 1, 100])
            h = struct.pack("!BBHI", nh, 0, (off << 3) | r.choice([0, 1]), r.getrandbits(32))
        elif ext == 51:
            n = r.choice([1, 2, 4])  # (n+2)*4 bytes
            h = bytes([nh, n]) + bytes((n + 2) * 4 - 2)
        else:
            n = r.choice([0, 1])
            h = bytes([nh, n]) + bytes((n + 1) * 8 - 2)
        body = h + body
        nh = ext
    body += l4
    plen = len(body) if plen_override is None else plen_override
    return struct.pack("!IHBB16s16s", 0x60000000, plen & 0xFFFF, nh, 64, src, dst) + body


def link_wrap(r, lt, ip, ver):
    """Return (frame, linktype)."""
    et = 0x0800 if ver == 4 else 0x86DD
    if lt == "eth":
        tags = b""
        for _ in range(r.choice([0, 0, 0, 1, 2, 3])):
            tpid = r.choice([0x8100, 0x88A8, 0x9100])
            tags += struct.pack("!HH", tpid, r.choice([1, 2, 100, 4095]))
        # the TPID sequence: first tag's TPID goes in the EtherType slot
        if tags:
            first_tpid = tags[:2]
            rest = tags[2:] + struct.pack("!H", et)
            frame = b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb" + first_tpid + rest + ip
        else:
            frame = b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb" + struct.pack("!H", et) + ip
        if len(frame) < 60 and r.random() < 0.7:
            frame += bytes(60 - len(frame))   # Ethernet padding
        return frame, 1
    if lt == "mpls":
        labels = r.choice([1, 2, 3])
        st = b""
        for i in range(labels):
            st += struct.pack("!I", (r.getrandbits(20) << 12) | (0x100 if i == labels - 1 else 0) | 64)
        return b"\x00" * 12 + struct.pack("!H", 0x8847) + st + ip, 1
    if lt == "pppoe":
        return (b"\x00" * 12 + struct.pack("!H", 0x8864) + struct.pack("!BBHH", 0x11, 0, 1, len(ip) + 2)
                + struct.pack("!H", 0x0021 if ver == 4 else 0x0057) + ip), 1
    if lt == "sll":
        return struct.pack("!HHH8sH", 0, 1, 6, b"\x00" * 8, et) + ip, 113
    if lt == "sll2":
        return struct.pack("!HHIHBB8s", et, 0, 2, 1, 0, 6, b"\x00" * 8) + ip, 276
    if lt == "raw":
        return ip, 101
    if lt == "raw4":
        return ip, (228 if ver == 4 else 229)
    if lt == "null":
        return struct.pack("<I", 2 if ver == 4 else 30) + ip, 0
    if lt == "loop":
        return struct.pack("!I", 2 if ver == 4 else 24) + ip, 108
    raise ValueError(lt)


def gen_packets(r, npk, linktypes, short_sctp=False, land=False, max_convs=6):
    """Return list of (ts_us, linktype, frame, orig_len)."""
    out = []
    t = 1_600_000_000_000_000 + r.randrange(1_000_000)
    convs = []
    for _ in range(r.randint(1, max_convs)):
        ver = r.choice([4, 4, 4, 6])
        hosts = V4 if ver == 4 else V6
        a = r.choice(hosts)
        b = a if r.random() < 0.08 else r.choice(hosts)
        proto = r.choice([6, 6, 6, 17, 17, 1 if ver == 4 else 58, 47, 132])
        pa, pb = r.choice(PORTS), r.choice(PORTS)
        if a == b and pa == pb and not land:
            pb = pa + 1      # identical (ip, port) endpoints only with --land
        convs.append((ver, a, b, proto, pa, pb, r.choice(linktypes)))
    for _ in range(npk):
        ver, a, b, proto, pa, pb, lt = r.choice(convs)
        if r.random() < 0.5:
            src, dst, sp, dp = a, b, pa, pb
        else:
            src, dst, sp, dp = b, a, pb, pa
        g = r.choice(GAPS) if r.random() < 0.35 else r.choice([0, 1, 5, 20, 500, 2000, 40_000])
        if r.random() < 0.03:
            g = -r.choice([1, 10, 1_000_000])   # out of order (clamped by 1.5)
        t += g
        plen = r.choice([0, 0, 0, 1, 10, 100, 536, 1400, 1460])
        payload = bytes(r.getrandbits(8) for _ in range(plen))
        if proto == 6:
            l4 = l4_tcp(r, sp, dp, r.choice(TCP_FLAGS), payload)
        elif proto == 17:
            l4 = l4_udp(sp, dp, payload)
        elif proto in (1, 58):
            ty = r.choice([8, 0, 3, 11, 128, 129, 135]) if r.random() < 0.4 else 8
            co = r.choice([0, 0, 1, 3])
            l4 = l4_icmp(ty, co, payload)
        elif proto == 132 and not short_sctp:
            l4 = struct.pack("!HHII", sp, dp, 0, 0) + payload      # SCTP common header (12 bytes)
        else:
            l4 = struct.pack("!HH", sp, dp) + payload
        anomaly = r.random()
        tot_override = None
        frag, mf, exts = 0, False, ()
        if anomaly < 0.04:
            tot_override = 0                                   # TSO
        elif anomaly < 0.08:
            tot_override = len(l4) + (20 if ver == 4 else 0) + r.choice([1, 100, 3000])  # > frame
        elif anomaly < 0.10 and ver == 4:
            frag = r.choice([1, 185])                           # non-first fragment
        elif anomaly < 0.14 and ver == 4:
            mf = True                                           # first fragment
        elif anomaly < 0.16:
            tot_override = len(l4) + (20 if ver == 4 else 0) - r.choice([1, 4, 12])  # shorter than hdr?
        if ver == 6 and r.random() < 0.25:
            exts = tuple(r.choice([0, 43, 60, 44, 51, 60, 135]) for _ in range(r.choice([1, 2, 3])))
        if ver == 4:
            ip = ipv4(r, src, dst, proto, l4, frag, mf, tot_override)
        else:
            ip = ipv6(r, src, dst, proto, l4, exts, tot_override)
        frame, ltn = link_wrap(r, lt, ip, ver)
        orig = len(frame)
        if r.random() < 0.05:
            cut = r.choice([14 + 20, 14 + 30, 14 + 40, 14 + 60, 100])
            frame = frame[:cut]                                # snaplen truncation
        out.append((t, ltn, frame, orig))
    return out


def write_pcap(path, pkts, endian="<", ns=False):
    lts = {p[1] for p in pkts}
    assert len(lts) == 1
    lt = lts.pop()
    magic = 0xA1B23C4D if ns else 0xA1B2C3D4
    with open(path, "wb") as f:
        f.write(struct.pack(endian + "IHHiIII", magic, 2, 4, 0, 0, 262144, lt))
        for ts, _lt, frame, orig in pkts:
            sec, us = divmod(ts, 1_000_000)
            frac = us * 1000 + (777 if ns else 0) if ns else us
            f.write(struct.pack(endian + "IIII", sec, frac, len(frame), orig) + frame)


def _opt(endian, code, val):
    pad = (-len(val)) % 4
    return struct.pack(endian + "HH", code, len(val)) + val + bytes(pad)


def _block(endian, btype, body):
    body += bytes((-len(body)) % 4)
    ln = len(body) + 12
    return struct.pack(endian + "II", btype, ln) + body + struct.pack(endian + "I", ln)


def write_pcapng(path, pkts, endian="<", r=None):
    """Several sections; per section one IDB per link type with a random if_tsresol."""
    with open(path, "wb") as f:
        n = len(pkts)
        cuts = sorted({0, n} | {r.randrange(n) for _ in range(r.choice([0, 1, 2]))})
        for si in range(len(cuts) - 1):
            sec_pk = pkts[cuts[si]:cuts[si + 1]]
            f.write(_block(endian, 0x0A0D0D0A, struct.pack(endian + "IHHq", 0x1A2B3C4D, 1, 0, -1)))
            ifs = {}
            order = []
            for _ts, lt, _fr, _o in sec_pk:
                if lt not in ifs:
                    res = r.choice([None, 6, 9, 0x80 | 20, 3])
                    ifs[lt] = (len(order), res)
                    order.append(lt)
                    opts = b""
                    if res is not None:
                        opts = _opt(endian, 9, bytes([res])) + _opt(endian, 0, b"")
                    # a dummy interface of another type first sometimes
                    f.write(_block(endian, 1, struct.pack(endian + "HHI", lt, 0, 0) + opts))
            for ts, lt, frame, orig in sec_pk:
                ifid, res = ifs[lt]
                if res is None or res == 6:
                    raw = ts
                elif res == 9:
                    raw = ts * 1000 + r.randrange(1000)
                elif res == 3:
                    raw = ts // 1000
                else:
                    units = 2 ** (res & 0x7F)
                    raw = (ts * units + 999_999) // 1_000_000   # round up so the floor gives ts
                f.write(_block(endian, 6, struct.pack(endian + "IIIII", ifid, raw >> 32, raw & 0xFFFFFFFF,
                                                      len(frame), orig) + frame))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--files", type=int, default=60)
    ap.add_argument("--packets", type=int, default=400)
    ap.add_argument("--mixed-linktypes", action="store_true",
                    help="pcapng files with interfaces of several link types (libpcap refuses them)")
    ap.add_argument("--max-convs", type=int, default=6, help="conversations per file: 1..N")
    ap.add_argument("--land", action="store_true",
                    help="allow conversations whose two endpoints are the same (ip, port)")
    ap.add_argument("--short-sctp", action="store_true",
                    help="also write SCTP packets shorter than the 12-byte common header")
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    r = random.Random(a.seed)
    single = ["eth", "mpls", "pppoe", "sll", "sll2", "raw", "raw4", "null", "loop"]
    for i in range(a.files):
        kind = r.choice(["pcap", "pcap_ns", "pcap_be", "pcapng", "pcapng_be"])
        if kind.startswith("pcapng") and a.mixed_linktypes:
            lts = r.sample(single, r.choice([1, 2, 3]))
        else:
            lts = [r.choice(single)]
        if "raw4" in lts and len(lts) == 1 and kind.startswith("pcap") and not kind.startswith("pcapng"):
            pass
        pk = gen_packets(r, r.randint(a.packets // 4, a.packets), lts, a.short_sctp, a.land, a.max_convs)
        if not kind.startswith("pcapng"):
            # raw4: 228/229 differ by version: keep one version per classic file
            if lts == ["raw4"]:
                lt0 = pk[0][1]
                pk = [p for p in pk if p[1] == lt0]
        name = os.path.join(a.outdir, "synth-%03d-%s-%s" % (i, kind, "+".join(lts)))
        if kind == "pcap":
            write_pcap(name + ".pcap", pk)
        elif kind == "pcap_ns":
            write_pcap(name + ".pcap", pk, "<", True)
        elif kind == "pcap_be":
            write_pcap(name + ".pcap", pk, ">", r.random() < 0.5)
        elif kind == "pcapng":
            write_pcapng(name + ".pcapng", pk, "<", r)
        else:
            write_pcapng(name + ".pcapng", pk, ">", r)


if __name__ == "__main__":
    main()
