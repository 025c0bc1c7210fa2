#!/usr/bin/env python3
"""Turns JMH results JSON (java -jar benchmarks.jar -rf json -rff results.json) into a Markdown table.

One row per benchmark and parameter combination other than `kernels`; one score column per kernel variant
(REFERENCE, SIMD, ...), the SIMD speedup over REFERENCE, and GMAC/s for KernelBenchmark layers (MACs derived from
the layer spec "FAMILY MODEL HxWxCi>Co [kK] [sS]", as dev.octet.bench.Layers does). Standard library only.

usage: scripts/jmh-summary.py results.json [more.json ...] > summary.md
"""
import json
import re
import sys

TO_NS = {"ns/op": 1.0, "us/op": 1e3, "ms/op": 1e6, "s/op": 1e9}


def layer_macs(spec):
    p = spec.split()
    if len(p) < 3:
        return 0
    fam = p[0]
    io = p[2].split(">")
    h, w, ci = (int(x) for x in io[0].split("x"))
    co = int(io[1]) if len(io) > 1 else ci
    k = 1 if fam == "conv1x1" else 3
    s = 1
    for part in p[3:]:
        if part.startswith("k"):
            k = int(part[1:])
        elif part.startswith("s"):
            s = int(part[1:])
    oh, ow = (h + s - 1) // s, (w + s - 1) // s
    if fam in ("conv1x1", "convkxk", "qconv"):
        return oh * ow * co * k * k * ci
    if fam in ("dw", "qdw"):
        return oh * ow * ci * k * k
    if fam == "fc":
        return ci * co
    return 0


def fmt(v):
    if v is None:
        return "-"
    if v >= 100:
        return "%.0f" % v
    if v >= 10:
        return "%.1f" % v
    return "%.3g" % v


def main(paths):
    rows = {}
    variants = []
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        for r in data:
            name = r["benchmark"].split(".")[-2] + "." + r["benchmark"].split(".")[-1]
            params = dict(r.get("params", {}))
            kernels = params.pop("kernels", "-")
            if kernels not in variants:
                variants.append(kernels)
            m = r["primaryMetric"]
            unit = m["scoreUnit"]
            score = m["score"]
            ns = score * TO_NS[unit] if unit in TO_NS else None
            key = (name, tuple(sorted(params.items())))
            rows.setdefault(key, {})[kernels] = (score, m.get("scoreError"), unit, ns)
    order = [v for v in ("REFERENCE", "SIMD") if v in variants] + [v for v in variants if v not in ("REFERENCE", "SIMD")]
    head = ["benchmark", "parameters"] + ["%s (per op)" % v.lower() for v in order]
    speedup = "REFERENCE" in order and "SIMD" in order
    if speedup:
        head.append("simd speedup")
    head.append("GMAC/s (best)")
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for (name, params), by in rows.items():
        p = dict(params)
        desc = p.pop("layer", None) or p.pop("model", "")
        extra = ", ".join("%s=%s" % kv for kv in sorted(p.items()) if kv[1] not in ("default",))
        cells = [name, desc + (" (" + extra + ")" if extra else "")]
        best_ns = None
        for v in order:
            if v in by:
                score, err, unit, ns = by[v]
                try:
                    err = float(err)
                except (TypeError, ValueError):
                    err = None
                e = "" if err is None or err != err else " ± " + fmt(err)
                cells.append("%s%s %s" % (fmt(score), e, unit))
                if ns is not None and (best_ns is None or ns < best_ns):
                    best_ns = ns
            else:
                cells.append("-")
        if speedup:
            if "REFERENCE" in by and "SIMD" in by and by["REFERENCE"][3] and by["SIMD"][3]:
                cells.append("%.2fx" % (by["REFERENCE"][3] / by["SIMD"][3]))
            else:
                cells.append("-")
        macs = layer_macs(desc) if name.startswith("KernelBenchmark") else 0
        cells.append("%.2f" % (macs / best_ns) if macs and best_ns else "-")
        out.append("| " + " | ".join(cells) + " |")
    print("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1:])
