#!/usr/bin/python3
"""Compare a reference CIC CSV with a sensor CIC CSV.

Rows are matched by (Flow ID, Timestamp); duplicates of a key are paired in file order
(multiset-safe). Every column is compared: integers exactly, floats within relative 1e-9
(absolute 1e-6 near 0).

Usage: compare_cic.py REFERENCE.csv SENSOR.csv [--min-agreement 0.999] [--examples 3]
                      [--label NAME] [--summary-json FILE]
Exit status 1 when identical/reference-rows < --min-agreement.
"""

import argparse
import csv
import json
import math
import sys
from collections import OrderedDict, defaultdict

REL_TOL = 1e-9
ABS_TOL = 1e-6


def is_int_text(s):
    s = s.strip()
    if s.startswith(("-", "+")):
        s = s[1:]
    return s.isdigit()


def values_equal(a, b):
    if a == b:
        return True
    if is_int_text(a) and is_int_text(b):
        return int(a) == int(b)
    try:
        fa, fb = float(a), float(b)
    except ValueError:
        return a.strip() == b.strip()
    if math.isnan(fa) or math.isnan(fb) or math.isinf(fa) or math.isinf(fb):
        return False
    return math.isclose(fa, fb, rel_tol=REL_TOL, abs_tol=ABS_TOL)


def same_number(a, b):
    """Exactly the same value written differently (2e+06 vs 2000000.0)."""
    try:
        return float(a) == float(b)
    except ValueError:
        return False


def load(path):
    with open(path, newline="") as f:
        r = csv.reader(f)
        header = next(r, [])
        rows = [row for row in r if row]
    return header, rows


def compare(ref_path, sen_path, examples=3):
    rh, rrows = load(ref_path)
    sh, srows = load(sen_path)
    res = OrderedDict()
    res["header_equal"] = rh == sh
    res["header_only_ref"] = [c for c in rh if c not in sh]
    res["header_only_sensor"] = [c for c in sh if c not in rh]
    if not rh or not sh:
        rh = rh or sh
        sh = sh or rh
    ri = {c: i for i, c in enumerate(rh)}
    si = {c: i for i, c in enumerate(sh)}
    cols = [c for c in rh if c in si]
    kr = (ri["Flow ID"], ri["Timestamp"])
    ks = (si["Flow ID"], si["Timestamp"])
    sen_by_key = defaultdict(list)
    for row in srows:
        sen_by_key[(row[ks[0]], row[ks[1]])].append(row)
    ref_by_key = defaultdict(list)
    for row in rrows:
        ref_by_key[(row[kr[0]], row[kr[1]])].append(row)

    def ndiff(rrow, srow):
        return sum(1 for c in cols if not values_equal(rrow[ri[c]], srow[si[c]]))

    only_ref = []
    only_sen = []
    pairs = []
    for k, rl in ref_by_key.items():
        sl = list(sen_by_key.get(k, []))
        if len(rl) == 1 and len(sl) == 1:
            pairs.append((rl[0], sl[0]))
            continue
        # duplicate keys (e.g. several flows of one key starting at the same clamped time):
        # pair greedily by fewest differing columns, ties in file order
        rest = list(rl)
        while rest and sl:
            best = None
            for i, rrow in enumerate(rest):
                for j, srow in enumerate(sl):
                    d = ndiff(rrow, srow)
                    if best is None or d < best[0]:
                        best = (d, i, j)
            _, i, j = best
            pairs.append((rest.pop(i), sl.pop(j)))
        only_ref.extend([k] * len(rest))
        only_sen.extend([k] * len(sl))
    for k, sl in sen_by_key.items():
        if k not in ref_by_key:
            only_sen.extend([k] * len(sl))
    col_mism = OrderedDict((c, 0) for c in cols)
    col_ex = defaultdict(list)
    fmt_mism = defaultdict(int)
    fmt_ex = defaultdict(list)
    identical = 0
    for rrow, srow in pairs:
        same = True
        for c in cols:
            a, b = rrow[ri[c]], srow[si[c]]
            if a != b and same_number(a, b):
                fmt_mism[c] += 1
                if len(fmt_ex[c]) < examples:
                    fmt_ex[c].append((rrow[kr[0]], rrow[kr[1]], a, b))
            if not values_equal(a, b):
                same = False
                col_mism[c] += 1
                if len(col_ex[c]) < examples:
                    col_ex[c].append((rrow[kr[0]], rrow[kr[1]], a, b))
        if same:
            identical += 1
    res["ref_rows"] = len(rrows)
    res["sensor_rows"] = len(srows)
    res["matched"] = len(pairs)
    res["identical"] = identical
    res["only_ref"] = only_ref
    res["only_sensor"] = only_sen
    res["col_mismatch"] = OrderedDict((c, n) for c, n in col_mism.items() if n)
    res["examples"] = {c: col_ex[c] for c in res["col_mismatch"]}
    res["format_mismatch"] = dict(fmt_mism)
    res["format_examples"] = {c: fmt_ex[c] for c in fmt_mism}
    return res


def report(res, label="", out=sys.stdout, examples=3):
    p = lambda *a: print(*a, file=out)
    if label:
        p("== %s" % label)
    if not res["header_equal"]:
        p("header differs: only in reference %s; only in sensor %s"
          % (res["header_only_ref"], res["header_only_sensor"]))
    p("reference rows %d, sensor rows %d, matched %d, identical in every column %d"
      % (res["ref_rows"], res["sensor_rows"], res["matched"], res["identical"]))
    if res["only_ref"]:
        p("rows only in reference: %d" % len(res["only_ref"]))
        for k in res["only_ref"][:examples]:
            p("   %s @ %s" % k)
    if res["only_sensor"]:
        p("rows only in sensor: %d" % len(res["only_sensor"]))
        for k in res["only_sensor"][:examples]:
            p("   %s @ %s" % k)
    for c, n in res["format_mismatch"].items():
        fid, ts, a, b = res["format_examples"][c][0]
        p("column %-28s %d values equal in number but written differently (e.g. reference=%s "
          "sensor=%s)" % (c, n, a, b))
    for c, n in res["col_mismatch"].items():
        p("column %-28s %d mismatches" % (c, n))
        for fid, ts, a, b in res["examples"][c]:
            p("   %s @ %s: reference=%s sensor=%s" % (fid, ts, a, b))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("reference")
    ap.add_argument("sensor")
    ap.add_argument("--min-agreement", type=float, default=0.999)
    ap.add_argument("--examples", type=int, default=3)
    ap.add_argument("--label", default="")
    ap.add_argument("--summary-json", help="write the comparison result as JSON to this file")
    a = ap.parse_args()
    res = compare(a.reference, a.sensor, a.examples)
    report(res, a.label, examples=a.examples)
    ref = res["ref_rows"]
    agreement = res["identical"] / ref if ref else (1.0 if res["sensor_rows"] == 0 else 0.0)
    print("agreement %.6f (%d/%d)" % (agreement, res["identical"], ref))
    if a.summary_json:
        with open(a.summary_json, "w") as f:
            json.dump(res, f)
    sys.exit(0 if agreement >= a.min_agreement and res["header_equal"] else 1)


if __name__ == "__main__":
    main()
