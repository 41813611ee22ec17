#!/usr/bin/python3
"""Independent reference implementation of docs spec flow-features.md (CIC flow statistics).

Written literally from the specification text (sections 1-4, 6), standard library only,
list-based and slow on purpose: every length / IAT / active / idle value is stored and the
statistics are computed at the end with exact integer arithmetic (correctly rounded to double).

Usage: /usr/bin/python3 tools/cic_reference.py CAPTURE [--profile dataset|fixed] > out.csv

Interpretations where the spec leaves room (see --help): a TCP/UDP/ICMP/IPv6-extension header
counts as "captured" when its bytes are in the captured frame (--strict-l4: also inside the IP
datagram); the first packet of a SYN-ACK-first flow is backward even when both endpoints are the
same (ip, port); pcap ts fields are unsigned 32-bit; years > 9999 are written with more digits;
pcapng SPB frames (no timestamp) get time 0 and are then clamped (1.5); if_tsoffset is applied;
IPv6 text per RFC 5952 incl. section 5 mixed notation for ::ffff:a.b.c.d and ::a.b.c.d.
Companion tools: compare_cic.py, compare_cic_corpus.sh, cic_synth_pcaps.py.
"""

import argparse
import datetime
import math
import struct
import sys

FLOW_TIMEOUT = 120_000_000      # 3.1
ACTIVITY_TIMEOUT = 5_000_000    # 3.1
BULK_GAP = 1_000_000            # 3.1 / 4.9
SUBFLOW_GAP = 1_000_000         # 3.1 / 6 (fixed profile)

FIN, SYN, RST, PSH, ACK, URG, ECE, CWR = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80

OPEN, FIRST_FIN, SECOND_FIN, READY = "OPEN", "FIRST_FIN", "SECOND_FIN", "READY"

# --------------------------------------------------------------------------------------------
# Capture readers: yield (ts_us, linktype, data, orig_len)
# --------------------------------------------------------------------------------------------


def read_pcap(f, magic):
    hdr = magic + f.read(20)
    if len(hdr) < 24:
        return
    # magic (as little-endian bytes) -> (nanosecond, modified/Kuznetzov record header)
    kinds = {b"\xd4\xc3\xb2\xa1": (False, False), b"\x4d\x3c\xb2\xa1": (True, False),
             b"\x34\xcd\xb2\xa1": (False, True)}
    m = hdr[:4]
    if m in kinds:
        e = "<"
    elif m[::-1] in kinds:
        e, m = ">", m[::-1]
    else:
        raise ValueError("not a pcap file")
    ns, modified = kinds[m]
    network = struct.unpack(e + "I", hdr[20:24])[0]
    linktype = network & 0xFFFF
    rec_len = 24 if modified else 16
    while True:
        rh = f.read(rec_len)
        if len(rh) < rec_len:
            return
        sec, frac, incl, orig = struct.unpack(e + "IIII", rh[:16])
        data = f.read(incl)
        if len(data) < incl:
            return
        if ns:
            ts = (sec * 1_000_000_000 + frac) // 1000
        else:
            ts = sec * 1_000_000 + frac
        yield ts, linktype, data, orig


def _pcapng_options(body, e):
    opts = {}
    pos = 0
    while pos + 4 <= len(body):
        code, ln = struct.unpack(e + "HH", body[pos:pos + 4])
        pos += 4
        if code == 0:
            break
        opts.setdefault(code, body[pos:pos + ln])
        pos += (ln + 3) & ~3
    return opts


def read_pcapng(f, first4):
    e = "<"
    ifaces = []  # list of (linktype, units_per_second, offset_seconds, snaplen)
    buf_first = first4
    while True:
        if buf_first is not None:
            bt_raw = buf_first
            buf_first = None
        else:
            bt_raw = f.read(4)
        if len(bt_raw) < 4:
            return
        ln_raw = f.read(4)
        if len(ln_raw) < 4:
            return
        if bt_raw == b"\x0a\x0d\x0d\x0a":
            bom = f.read(4)
            if len(bom) < 4:
                return
            if bom == b"\x4d\x3c\x2b\x1a":
                e = "<"
            elif bom == b"\x1a\x2b\x3c\x4d":
                e = ">"
            else:
                return
            total = struct.unpack(e + "I", ln_raw)[0]
            rest = f.read(total - 12)
            if len(rest) < total - 12:
                return
            ifaces = []
            continue
        btype = struct.unpack(e + "I", bt_raw)[0]
        total = struct.unpack(e + "I", ln_raw)[0]
        if total < 12:
            return
        body = f.read(total - 8)
        if len(body) < total - 8:
            return
        body = body[:-4]
        if btype == 1:  # IDB
            if len(body) < 8:
                continue
            lt, _res, snap = struct.unpack(e + "HHI", body[:8])
            opts = _pcapng_options(body[8:], e)
            units = 1_000_000
            if 9 in opts and len(opts[9]) >= 1:
                v = opts[9][0]
                units = (2 ** (v & 0x7F)) if (v & 0x80) else (10 ** v)
            off = 0
            if 14 in opts and len(opts[14]) >= 8:
                off = struct.unpack(e + "q", opts[14][:8])[0]
            ifaces.append((lt, units, off, snap))
        elif btype in (6, 2):  # EPB, obsolete Packet Block
            if len(body) < 20:
                continue
            if btype == 6:
                ifid, th, tl_, cap, orig = struct.unpack(e + "IIIII", body[:20])
            else:
                ifid, _drops, th, tl_, cap, orig = struct.unpack(e + "HHIIII", body[:20])
            if ifid >= len(ifaces):
                continue
            lt, units, off, _snap = ifaces[ifid]
            raw = (th << 32) | tl_
            yield raw * 1_000_000 // units + off * 1_000_000, lt, body[20:20 + cap], orig
        elif btype == 3:  # SPB: no timestamp (ts 0, then clamped by 1.5)
            if len(body) < 4 or not ifaces:
                continue
            orig = struct.unpack(e + "I", body[:4])[0]
            lt, units, off, snap = ifaces[0]
            cap = min(orig, len(body) - 4)
            if snap:
                cap = min(cap, snap)
            yield 0, lt, body[4:4 + cap], orig
        # other blocks ignored


def read_capture(path):
    with open(path, "rb") as f:
        first4 = f.read(4)
        if first4 == b"\x0a\x0d\x0d\x0a":
            yield from read_pcapng(f, first4)
        else:
            yield from read_pcap(f, first4)

# --------------------------------------------------------------------------------------------
# Packet decoding (spec 1.1 - 1.4). Returns a Packet or None (takes no part in flows).
# --------------------------------------------------------------------------------------------


class Packet:
    __slots__ = ("t", "idx", "vlans", "proto", "src", "dst", "sport", "dport", "hdr", "payload",
                 "flags", "win", "icmp_type", "icmp_code")


VLAN_TPIDS = (0x8100, 0x88A8, 0x9100)
IPV6_EXT_8 = (0, 43, 60, 135, 139, 140, 253, 254)


def u16(b, o):
    return (b[o] << 8) | b[o + 1]


# Interpretation switch (spec 1.2 "not captured"): False = a header counts as captured when its
# bytes are in the captured frame (literal reading); True = its bytes must also lie inside the IP
# datagram (ip_len), i.e. a header read from Ethernet padding / beyond Total Length is dropped.
STRICT_L4 = False
# Not in the spec, only to isolate other differences: drop SCTP packets whose 12-byte common
# header is not present (the sensor does this; spec 1.2 has no such rule).
DROP_SHORT_SCTP = False


def decode(linktype, data, orig_len):
    vlans = []
    n = len(data)

    def by_ethertype(et, off):
        while True:
            if et in VLAN_TPIDS:
                if off + 4 > n:
                    return None
                vlans.append(u16(data, off) & 0x0FFF)
                et = u16(data, off + 2)
                off += 4
            elif et in (0x8847, 0x8848):
                while True:
                    if off + 4 > n:
                        return None
                    bos = data[off + 2] & 0x01
                    off += 4
                    if bos:
                        break
                return by_nibble(off)
            elif et == 0x8864:
                if off + 8 > n:
                    return None
                ppp = u16(data, off + 6)
                off += 8
                if ppp == 0x0021:
                    return 4, off
                if ppp == 0x0057:
                    return 6, off
                return None
            elif et == 0x0800:
                return 4, off
            elif et == 0x86DD:
                return 6, off
            else:
                return None

    def by_nibble(off):
        if off >= n:
            return None
        v = data[off] >> 4
        if v == 4:
            return 4, off
        if v == 6:
            return 6, off
        return None

    r = None
    if linktype == 1:
        if n < 14:
            return None
        r = by_ethertype(u16(data, 12), 14)
    elif linktype == 113:
        if n < 16:
            return None
        r = by_ethertype(u16(data, 14), 16)
    elif linktype == 276:
        if n < 20:
            return None
        r = by_ethertype(u16(data, 0), 20)
    elif linktype in (101, 12, 14):
        r = by_nibble(0)
    elif linktype == 228:
        r = (4, 0)
    elif linktype == 229:
        r = (6, 0)
    elif linktype in (0, 108):
        if n < 4:
            return None
        r = by_nibble(4)
    elif linktype == 9:  # PPP
        off = 0
        if n >= 2 and data[0] == 0xFF and data[1] == 0x03:
            off = 2
        if off + 2 > n:
            return None
        ppp = u16(data, off)
        if ppp == 0x0021:
            r = (4, off + 2)
        elif ppp == 0x0057:
            r = (6, off + 2)
    elif linktype == 104:  # Cisco HDLC
        if n < 4:
            return None
        r = by_ethertype(u16(data, 2), 4)
    if r is None:
        return None
    ver, off = r
    frame_avail = orig_len - off   # bytes of the (original) frame after the link header

    if ver == 4:
        if n - off < 20:
            return None
        if data[off] >> 4 != 4:
            return None
        ihl = data[off] & 0x0F
        if ihl < 5:
            return None
        if n - off < ihl * 4:
            return None
        tot = u16(data, off + 2)
        if tot == 0:
            ip_len = frame_avail
        else:
            if tot < ihl * 4:
                return None
            ip_len = min(tot, frame_avail)
        frag_off = u16(data, off + 6) & 0x1FFF
        if frag_off != 0:
            return None
        proto = data[off + 9]
        if STRICT_L4:
            n = min(n, off + max(ip_len, 0))
        src = bytes(data[off + 12:off + 16])
        dst = bytes(data[off + 16:off + 20])
        l4off = off + ihl * 4
        l4_len = ip_len - ihl * 4
    else:
        if n - off < 40:
            return None
        if data[off] >> 4 != 6:
            return None
        plen = u16(data, off + 4)
        if plen == 0:
            ip_len = frame_avail
        else:
            ip_len = min(40 + plen, frame_avail)
        nh = data[off + 6]
        if STRICT_L4:
            n = min(n, off + max(ip_len, 40))
        src = bytes(data[off + 8:off + 24])
        dst = bytes(data[off + 24:off + 40])
        pos = off + 40
        while True:
            if nh == 44:
                if pos + 8 > n:
                    return None
                if (u16(data, pos + 2) >> 3) != 0:
                    return None
                nh = data[pos]
                pos += 8
            elif nh == 51 or nh in IPV6_EXT_8:
                if pos + 2 > n:
                    return None
                # AH counts 4-byte words minus 2; the others 8-byte units minus 1.
                ln = (data[pos + 1] + 2) * 4 if nh == 51 else (data[pos + 1] + 1) * 8
                if pos + ln > n:
                    return None
                nh = data[pos]
                pos += ln
            else:
                break
        proto = nh
        l4off = pos
        l4_len = ip_len - (pos - off)

    p = Packet()
    p.vlans = tuple(vlans)
    p.proto = proto
    p.src = src
    p.dst = dst
    # Defaults for protocols without ports, lengths or flags (spec 1.4); overridden below.
    p.sport = p.dport = p.hdr = p.payload = p.flags = p.win = 0
    p.icmp_type = p.icmp_code = -1
    cap_l4 = n - l4off
    if proto == 6:
        if cap_l4 < 20:
            return None
        doff = data[l4off + 12] >> 4
        if doff < 5:
            return None
        p.sport = u16(data, l4off)
        p.dport = u16(data, l4off + 2)
        p.hdr = doff * 4
        p.payload = max(0, l4_len - p.hdr)
        p.flags = data[l4off + 13]
        p.win = u16(data, l4off + 14)
    elif proto == 17:
        if cap_l4 < 8:
            return None
        p.sport = u16(data, l4off)
        p.dport = u16(data, l4off + 2)
        p.hdr = 8
        p.payload = max(0, l4_len - 8)
    elif proto in (1, 58):
        if cap_l4 < 2:
            return None
        p.icmp_type = data[l4off]
        p.icmp_code = data[l4off + 1]
    elif DROP_SHORT_SCTP and proto == 132 and cap_l4 < 12:
        return None
    return p

# --------------------------------------------------------------------------------------------
# Statistics helpers (exact: int sums, correctly rounded true division)
# --------------------------------------------------------------------------------------------


def s_max(xs):
    return max(xs) if xs else 0


def s_min(xs):
    return min(xs) if xs else 0


def s_mean(xs):
    return sum(xs) / len(xs) if xs else 0.0


def s_var(xs):
    n = len(xs)
    if n < 2:
        return 0.0
    s = sum(xs)
    ss = sum(x * x for x in xs)
    return (n * ss - s * s) / (n * (n - 1))


def s_std(xs):
    return math.sqrt(s_var(xs))

# --------------------------------------------------------------------------------------------
# Flow
# --------------------------------------------------------------------------------------------


class Flow:
    def __init__(self, p, fwd_ep, key_eps, chain_start, first_backward=False):
        self.proto = p.proto
        self.is_tcp = p.proto == 6
        self.is_icmp = p.proto in (1, 58)
        self.fwd_ep = fwd_ep
        a, b = key_eps
        self.bwd_ep = b if a == fwd_ep else a
        self.first_idx = p.idx
        self.t0 = self.tl = p.t
        self.chain_start = p.t if chain_start is None else chain_start
        self.state = OPEN
        self.fin_cnt = [0, 0]
        self.icmp_type = p.icmp_type
        self.icmp_code = p.icmp_code
        self.lens = [[], []]       # 0 fwd, 1 bwd
        self.all_lens = []
        self.flag_tot = {fl: 0 for fl in (FIN, SYN, RST, PSH, ACK, URG, CWR, ECE)}
        self.psh = [0, 0]
        self.urg = [0, 0]
        self.rst = [0, 0]          # excluding first packet (Q3)
        self.rst_all = [0, 0]      # fixed
        self.hdr_sum = [0, 0]
        self.fwd_hdrs = []         # hdr of every forward packet
        self.last_seen = [None, None]
        self.iat = [[], []]
        self.flow_iat = []
        self.fwd_act = 0           # excl. first packet (Q2)
        self.fwd_act_all = 0       # fixed
        self.fwd_init_win = 0      # Q6
        self.bwd_win = 0           # Q5 (last backward)
        self.fix_fwd_win = -1      # fixed: first forward TCP packet window
        self.fix_bwd_win = -1      # fixed: first backward TCP packet window
        # bulk state per direction
        self.b_cand_start = [None, None]
        self.b_last = [None, None]
        self.b_cand_pkts = [0, 0]
        self.b_cand_bytes = [0, 0]
        self.b_bulks = [0, 0]
        self.b_pkts = [0, 0]
        self.b_bytes = [0, 0]
        self.b_dur = [0, 0]
        # active / idle
        self.act_start = self.act_end = p.t
        self.active = []
        self.idle = []

        # 2.2 rule 2: "the SYN-ACK itself ... counts as a backward packet" (also when both
        # endpoints are identical and the (ip, port) test of 2.2 would call it forward)
        d = 1 if first_backward else self.direction(p)
        self.first_dir = d
        t = p.t
        self.all_lens.append(p.payload)
        self.lens[d].append(p.payload)
        self._count_flags(p)
        self.hdr_sum[d] = p.hdr
        self.last_seen[d] = t
        if p.flags & PSH:
            self.psh[d] += 1
        if p.flags & URG:
            self.urg[d] += 1
        if p.flags & RST:
            self.rst_all[d] += 1
        self._bulk(d, p.payload, t)
        if d == 0:
            self.fwd_init_win = p.win
            self.fwd_hdrs.append(p.hdr)
            if p.payload >= 1:
                self.fwd_act_all += 1
        else:
            self.bwd_win = p.win
        self._fixed_win(d, p)

    def direction(self, p):
        return 0 if (p.src, p.sport) == self.fwd_ep else 1

    def _fixed_win(self, d, p):
        if not self.is_tcp:
            return
        if d == 0 and self.fix_fwd_win == -1:
            self.fix_fwd_win = p.win
        if d == 1 and self.fix_bwd_win == -1:
            self.fix_bwd_win = p.win

    def _count_flags(self, p):
        for fl in self.flag_tot:
            if p.flags & fl:
                self.flag_tot[fl] += 1

    def _bulk(self, d, s, t):
        o = 1 - d
        if (self.b_cand_start[d] is not None and self.b_last[o] is not None
                and self.b_last[o] > self.b_cand_start[d]):
            self.b_cand_start[d] = None
        if s == 0:
            return
        if self.b_cand_start[d] is None:
            self.b_cand_start[d] = t
            self.b_last[d] = t
            self.b_cand_pkts[d] = 1
            self.b_cand_bytes[d] = s
            return
        if t - self.b_last[d] > BULK_GAP:
            self.b_cand_start[d] = t
            self.b_last[d] = t
            self.b_cand_pkts[d] = 1
            self.b_cand_bytes[d] = s
            return
        self.b_cand_pkts[d] += 1
        self.b_cand_bytes[d] += s
        if self.b_cand_pkts[d] == 4:
            self.b_bulks[d] += 1
            self.b_pkts[d] += 4
            self.b_bytes[d] += self.b_cand_bytes[d]
            self.b_dur[d] += t - self.b_cand_start[d]
        elif self.b_cand_pkts[d] > 4:
            self.b_pkts[d] += 1
            self.b_bytes[d] += s
            self.b_dur[d] += t - self.b_last[d]
        self.b_last[d] = t

    def add(self, p):
        t = p.t
        d = self.direction(p)
        # 1. active / idle
        if t - self.act_end > ACTIVITY_TIMEOUT:
            if self.act_end - self.act_start > 0:
                self.active.append(self.act_end - self.act_start)
            self.idle.append(t - self.act_end)
            self.act_start = t
        self.act_end = t
        # 2. bulk
        self._bulk(d, p.payload, t)
        # 3. flags
        self._count_flags(p)
        if p.flags & PSH:
            self.psh[d] += 1
        if p.flags & URG:
            self.urg[d] += 1
        if p.flags & RST:
            self.rst[d] += 1
            self.rst_all[d] += 1
        if p.flags & FIN:
            self.fin_cnt[d] += 1
        # 4. lengths, header sums
        self.all_lens.append(p.payload)
        self.lens[d].append(p.payload)
        self.hdr_sum[d] += p.hdr
        # 5. directional IAT
        if self.last_seen[d] is not None:
            self.iat[d].append(t - self.last_seen[d])
        self.last_seen[d] = t
        # 6. direction specifics
        if d == 0:
            if p.payload >= 1:
                self.fwd_act += 1
                self.fwd_act_all += 1
            self.fwd_hdrs.append(p.hdr)
        else:
            self.bwd_win = p.win
        self._fixed_win(d, p)
        # 7. flow IAT
        self.flow_iat.append(t - self.tl)
        self.tl = t

    # ----------------------------------------------------------------------------------------
    def row(self, profile):
        fixed = profile == "fixed"
        fl, bl = self.lens
        n_f, n_b = len(fl), len(bl)
        n = n_f + n_b
        B_f, B_b = sum(fl), sum(bl)
        dur = self.tl - self.t0
        fi, bi = self.iat
        if n_f <= 1:
            fi = []
        if n_b <= 1:
            bi = []

        def rate(c):
            return c / (dur / 1e6)

        flow_bps = rate(B_f + B_b) if dur != 0 else -1.0
        flow_pps = rate(n) if dur != 0 else -1.0
        fwd_pps = rate(n_f) if dur != 0 else 0.0
        bwd_pps = rate(n_b) if dur != 0 else 0.0

        def bulk_out(d):
            bulks = self.b_bulks[d]
            bpb = self.b_bytes[d] // bulks if bulks else 0
            ppb = self.b_pkts[d] // bulks if bulks else 0
            r = math.trunc(self.b_bytes[d] / (self.b_dur[d] / 1e6)) if self.b_dur[d] != 0 else 0
            return bpb, ppb, r

        fb = bulk_out(0)
        bb = bulk_out(1)

        if fixed:
            k = 1 + sum(1 for g in self.flow_iat if g > SUBFLOW_GAP)
            sub = (n_f / k, B_f / k, n_b / k, B_b / k)
            fwd_win = self.fix_fwd_win
            bwd_win = self.fix_bwd_win
            fwd_act = self.fwd_act_all
            seg_min = min(self.fwd_hdrs) if self.fwd_hdrs else 0
            rst_f, rst_b = self.rst_all
        else:
            sub = (n_f // n, B_f // n, n_b // n, B_b // n)
            fwd_win = self.fwd_init_win if self.first_dir == 0 else 0
            bwd_win = self.bwd_win if n_b > 0 else 0
            fwd_act = self.fwd_act
            seg_min = min(self.fwd_hdrs) if self.first_dir == 0 else 0
            rst_f, rst_b = self.rst

        ft = self.flag_tot
        vals = [
            dur, n_f, n_b, B_f, B_b,
            s_max(fl), s_min(fl), s_mean(fl), s_std(fl),
            s_max(bl), s_min(bl), s_mean(bl), s_std(bl),
            flow_bps, flow_pps,
            s_mean(self.flow_iat), s_std(self.flow_iat), s_max(self.flow_iat), s_min(self.flow_iat),
            sum(fi), s_mean(fi), s_std(fi), s_max(fi), s_min(fi),
            sum(bi), s_mean(bi), s_std(bi), s_max(bi), s_min(bi),
            self.psh[0], self.psh[1], self.urg[0], self.urg[1], rst_f, rst_b,
            self.hdr_sum[0], self.hdr_sum[1],
            fwd_pps, bwd_pps,
            s_min(self.all_lens), s_max(self.all_lens), s_mean(self.all_lens),
            s_std(self.all_lens), s_var(self.all_lens),
            ft[FIN], ft[SYN], ft[RST], ft[PSH], ft[ACK], ft[URG], ft[CWR], ft[ECE],
            (n_b / n_f) if n_f else 0.0,
            (B_f + B_b) / n,
            (B_f / n_f) if n_f else 0.0,
            (B_b / n_b) if n_b else 0.0,
            fb[0], fb[1], fb[2], bb[0], bb[1], bb[2],
            sub[0], sub[1], sub[2], sub[3],
            fwd_win, bwd_win, fwd_act, seg_min,
            s_mean(self.active), s_std(self.active), s_max(self.active), s_min(self.active),
            s_mean(self.idle), s_std(self.idle), s_max(self.idle), s_min(self.idle),
            self.icmp_code, self.icmp_type,
            (self.tl - self.chain_start) if self.is_tcp else 0,
        ]
        src_ip = fmt_ip(self.fwd_ep[0])
        dst_ip = fmt_ip(self.bwd_ep[0])
        sport, dport = self.fwd_ep[1], self.bwd_ep[1]
        ident = ["%s-%s-%d-%d-%d" % (src_ip, dst_ip, sport, dport, self.proto),
                 src_ip, sport, dst_ip, dport, self.proto, fmt_ts(self.t0)]
        return ident + vals


STAT_COLUMNS = [
    "Flow Duration", "Total Fwd Packet", "Total Bwd packets",
    "Total Length of Fwd Packet", "Total Length of Bwd Packet",
    "Fwd Packet Length Max", "Fwd Packet Length Min", "Fwd Packet Length Mean",
    "Fwd Packet Length Std",
    "Bwd Packet Length Max", "Bwd Packet Length Min", "Bwd Packet Length Mean",
    "Bwd Packet Length Std",
    "Flow Bytes/s", "Flow Packets/s",
    "Flow IAT Mean", "Flow IAT Std", "Flow IAT Max", "Flow IAT Min",
    "Fwd IAT Total", "Fwd IAT Mean", "Fwd IAT Std", "Fwd IAT Max", "Fwd IAT Min",
    "Bwd IAT Total", "Bwd IAT Mean", "Bwd IAT Std", "Bwd IAT Max", "Bwd IAT Min",
    "Fwd PSH Flags", "Bwd PSH Flags", "Fwd URG Flags", "Bwd URG Flags",
    "Fwd RST Flags", "Bwd RST Flags",
    "Fwd Header Length", "Bwd Header Length",
    "Fwd Packets/s", "Bwd Packets/s",
    "Packet Length Min", "Packet Length Max", "Packet Length Mean", "Packet Length Std",
    "Packet Length Variance",
    "FIN Flag Count", "SYN Flag Count", "RST Flag Count", "PSH Flag Count", "ACK Flag Count",
    "URG Flag Count", "CWR Flag Count", "ECE Flag Count",
    "Down/Up Ratio", "Average Packet Size", "Fwd Segment Size Avg", "Bwd Segment Size Avg",
    "Fwd Bytes/Bulk Avg", "Fwd Packet/Bulk Avg", "Fwd Bulk Rate Avg",
    "Bwd Bytes/Bulk Avg", "Bwd Packet/Bulk Avg", "Bwd Bulk Rate Avg",
    "Subflow Fwd Packets", "Subflow Fwd Bytes", "Subflow Bwd Packets", "Subflow Bwd Bytes",
    "FWD Init Win Bytes", "Bwd Init Win Bytes", "Fwd Act Data Pkts", "Fwd Seg Size Min",
    "Active Mean", "Active Std", "Active Max", "Active Min",
    "Idle Mean", "Idle Std", "Idle Max", "Idle Min",
    "ICMP Code", "ICMP Type", "Total TCP Flow Time",
]
ID_COLUMNS = ["Flow ID", "Src IP", "Src Port", "Dst IP", "Dst Port", "Protocol", "Timestamp"]
HEADER = ID_COLUMNS + STAT_COLUMNS
assert len(STAT_COLUMNS) == 81

EPOCH = datetime.datetime(1970, 1, 1)


def _civil_from_days(z):
    # proleptic Gregorian calendar (H. Hinnant's algorithm), any year
    z += 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return y + (m <= 2), m, d


def fmt_ts(us):
    """UTC `YYYY-MM-DD HH:MM:SS.ffffff`; years beyond 9999 are written with more digits."""
    if 0 <= us < 253402300800000000:
        return (EPOCH + datetime.timedelta(microseconds=us)).strftime("%Y-%m-%d %H:%M:%S.%f")
    secs, frac = divmod(us, 1_000_000)
    days, sod = divmod(secs, 86400)
    y, m, d = _civil_from_days(days)
    return "%04d-%02d-%02d %02d:%02d:%02d.%06d" % (y, m, d, sod // 3600, sod % 3600 // 60,
                                                    sod % 60, frac)


def fmt_ip(b):
    if len(b) == 4:
        return "%d.%d.%d.%d" % tuple(b)
    return fmt_ip6(b)


def fmt_ip6(b):
    """RFC 5952: lower case, no leading zeros, the longest run (>= 2) of zero groups (first one on
    a tie) as '::'; section 5 mixed notation for the well-known IPv4-embedding prefixes of RFC 4291:
    IPv4-mapped ::ffff:a.b.c.d and IPv4-compatible ::a.b.c.d (not for ::, ::1 or other addresses
    whose first 112 bits are zero, which are not IPv4-compatible unicast addresses)."""
    w = [(b[i] << 8) | b[i + 1] for i in range(0, 16, 2)]
    if w[:5] == [0] * 5 and (w[5] == 0xFFFF or (w[5] == 0 and w[6] != 0)):
        head = "::ffff:" if w[5] == 0xFFFF else "::"
        return head + "%d.%d.%d.%d" % tuple(b[12:16])
    best_s, best_l = -1, 0
    i = 0
    while i < 8:
        if w[i] == 0:
            j = i
            while j < 8 and w[j] == 0:
                j += 1
            if j - i > best_l:
                best_s, best_l = i, j - i
            i = j
        else:
            i += 1
    if best_l < 2:
        return ":".join("%x" % x for x in w)
    left = ":".join("%x" % x for x in w[:best_s])
    right = ":".join("%x" % x for x in w[best_s + best_l:])
    return left + "::" + right


def fmt_val(v):
    if isinstance(v, float):
        return repr(v)
    return str(v)

# --------------------------------------------------------------------------------------------
# Lifecycle (3.2)
# --------------------------------------------------------------------------------------------


def run(path, profile, out):
    table = {}
    done = []
    max_ts = None
    idx = 0

    def new_flow(p, key_eps, cont_of=None):
        if cont_of is not None:             # 2.2 rule 3
            return Flow(p, cont_of.fwd_ep, key_eps, cont_of.chain_start)
        if p.proto == 6 and (p.flags & SYN) and (p.flags & ACK):   # 2.2 rule 2
            return Flow(p, (p.dst, p.dport), key_eps, None, True)
        return Flow(p, (p.src, p.sport), key_eps, None)            # 2.2 rule 1

    for ts, lt, data, orig in read_capture(path):
        # 1.5 clamping, every frame counts
        if max_ts is not None and ts < max_ts:
            ts = max_ts
        else:
            max_ts = ts
        idx += 1
        p = decode(lt, data, orig)
        if p is None:
            continue
        p.t = ts
        p.idx = idx
        e1 = (p.src, p.sport)
        e2 = (p.dst, p.dport)
        eps = (e1, e2) if e1 <= e2 else (e2, e1)
        key = (p.vlans, p.proto, eps)
        f = table.get(key)
        t = p.t
        syn = bool(p.flags & SYN)
        if f is None:                                                   # A
            table[key] = new_flow(p, eps)
        elif t - f.t0 > FLOW_TIMEOUT or (f.state == READY and syn):      # B
            done.append(f)
            if (f.state == READY and syn) or not f.is_tcp:
                table[key] = new_flow(p, eps)
            else:
                table[key] = new_flow(p, eps, cont_of=f)
        elif p.flags & FIN:                                             # C
            f.add(p)
            if f.state == OPEN:
                f.state = FIRST_FIN
            elif f.state == FIRST_FIN and f.fin_cnt[0] > 0 and f.fin_cnt[1] > 0:
                f.state = SECOND_FIN
        elif p.flags & RST:                                             # D
            f.add(p)
            f.state = READY
        elif p.flags & ACK:                                             # E
            f.add(p)
            if f.state == SECOND_FIN:
                f.state = READY
        elif f.is_icmp and p.icmp_code != f.icmp_code and p.icmp_type != f.icmp_type:   # F
            done.append(f)
            table[key] = Flow(p, (p.src, p.sport), eps, None)
        else:                                                           # G
            f.add(p)
    done.extend(table.values())                                         # 3.6
    done.sort(key=lambda fl: (fl.t0, fl.first_idx))                    # D18
    out.write(",".join(HEADER) + "\n")
    for f in done:
        out.write(",".join(fmt_val(v) for v in f.row(profile)) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("capture")
    ap.add_argument("--profile", choices=("dataset", "fixed"), default="dataset")
    ap.add_argument("--strict-l4", action="store_true",
                    help="drop packets whose IPv6 extension or L4 header extends beyond the IP "
                         "datagram (ip_len), not only beyond the captured bytes (see STRICT_L4)")
    ap.add_argument("--drop-short-sctp", action="store_true",
                    help="(not in the spec) drop SCTP packets without a 12-byte common header")
    a = ap.parse_args()
    global STRICT_L4, DROP_SHORT_SCTP
    STRICT_L4 = a.strict_l4
    DROP_SHORT_SCTP = a.drop_short_sctp
    run(a.capture, a.profile, sys.stdout)


if __name__ == "__main__":
    main()
