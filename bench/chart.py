#!/usr/bin/env python3
"""Draws docs/benchmarks.svg from bench/run.sh's results: one bar per benchmark, the ratio of
jcni's median to the reference's (libcni, the C spawn floor, or cnitool) in the same run, with
the issue's target marked. Plain SVG, no plotting library needed."""
import json
import sys

results = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
rows = []  # (label, ratio, target or None, detail)
linkage = next((r["linkage"] for r in results if r["bench"] == "noop-plugin"), None)
for r in results:
    b = r["bench"]
    if b == "invoke-jcni":
        # the target is the default launcher's; ProcessBuilder is the fallback, for comparison
        target = 1.15 if r["launcher"] == "posix_spawn" else None
        rows.append((f"one invocation, {r['launcher']} / C floor", r["ratio_median_to_floor"], target,
                     f"{r['median_us']} µs"))
    elif b == "parse-noop3":
        rows.append(("parse 3-plugin list / libcni", r["ratio"], 1 / 3,
                     f"{round(r['jcni_us'], 2)} µs vs {r['libcni_median_us']} µs"))
    elif b == "seq-noop3":
        rows.append(("add+del 3 plugins, sequential / libcni", r["ratio"], 0.75,
                     f"{r['jcni_us_per_pair']} µs vs {r['libcni_us_per_pair']} µs"))
    elif b == "seq-prestart-noop3":
        rows.append(("add+del 3 plugins, sequential, --prestart / libcni", r["ratio"], 0.75,
                     f"{r['jcni_us_per_pair']} µs vs {r['libcni_us_per_pair']} µs"))
    elif b == "seq-prestart1-noop3":
        rows.append(("the same, one plugin ahead / libcni", r["ratio"], None,
                     f"{r['jcni_us_per_pair']} µs vs {r['libcni_us_per_pair']} µs"))
    elif b == "seq-noop1":
        rows.append(("add+del 1 plugin, sequential / libcni", r["ratio"], None,
                     f"{r['jcni_us_per_pair']} µs vs {r['libcni_us_per_pair']} µs"))
    elif b == "conc-noop3":
        rows.append(("add+del 3 plugins, 8 threads / libcni", r["ratio"], 1.0,
                     f"{r['jcni_us_per_pair']} µs vs {r['libcni_us_per_pair']} µs"))
    elif b == "gc-10000":
        rows.append(("GC of 10,000 attachments, per attachment / C floor",
                     r["ratio_to_floor"], None, f"{r['jcni_us_per_attachment']} µs"))
    elif b == "cli-add-del-noop3":
        rows.append(("CLI add+del processes / cnitool", r["ratio"], None,
                     f"{r['jcni_us_per_cycle'] / 1000:.1f} ms vs {r['cnitool_us_per_cycle'] / 1000:.1f} ms"))
        rows.append(("CLI add+del, CDS archive / cnitool", r["ratio_cds"], None,
                     f"{r['jcni_cds_us_per_cycle'] / 1000:.1f} ms"))

import math

W, left, bar_h, gap, top = 980, 360, 22, 14, 50
lo, hi = 0.1, 100.0  # log scale: the CLI's start-up ratio and parse's share fit on one axis
plot_w = W - left - 200
H = top + len(rows) * (bar_h + gap) + 40
x = lambda v: left + (math.log10(max(v, lo)) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)) * plot_w
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
       f'font-family="sans-serif" font-size="13">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<text x="{left}" y="24" font-size="15" font-weight="bold">jcni / reference, median of '
       f'one run (log scale, lower is better; | = target)'
       f'{f"; {linkage} noop plugin" if linkage else ""}</text>']
for tick in [0.1, 0.25, 0.5, 1, 2, 4, 10, 25, 50, 100]:
    if True:
        svg.append(f'<line x1="{x(tick):.1f}" y1="{top - 8}" x2="{x(tick):.1f}" y2="{H - 30}" '
                   f'stroke="{"#333" if tick == 1 else "#ddd"}"/>')
        svg.append(f'<text x="{x(tick):.1f}" y="{H - 14}" text-anchor="middle">{tick}×</text>')
for i, (label, ratio, target, detail) in enumerate(rows):
    y = top + i * (bar_h + gap)
    ok = target is None or ratio <= target
    svg.append(f'<text x="{left - 8}" y="{y + 16}" text-anchor="end">{label}</text>')
    svg.append(f'<rect x="{left}" y="{y}" width="{x(ratio) - left:.1f}" height="{bar_h}" '
               f'fill="{"#3a7" if ok else "#d64"}"/>')
    svg.append(f'<text x="{x(ratio) + 6:.1f}" y="{y + 16}">{ratio:.2f}× ({detail})</text>')
    if target is not None:
        svg.append(f'<line x1="{x(target):.1f}" y1="{y - 3}" x2="{x(target):.1f}" '
                   f'y2="{y + bar_h + 3}" stroke="black" stroke-width="3"/>')
svg.append('</svg>')
open(sys.argv[2], "w").write("\n".join(svg) + "\n")
