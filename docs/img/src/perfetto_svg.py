#!/usr/bin/env python3
"""Draw a pcisim --perfetto file as an SVG timeline, the way Perfetto's UI lays it
out: a row per thread (in thread_sort_index order), spans as bars (nested spans
below their parent), instants as ticks, counters as step lines. It is a rendering
of the JSON, not a screenshot of Perfetto (which needs a browser).

  perfetto_svg.py IN.json OUT.svg [--from US] [--to US] [--threads REGEX] [--title T]
"""
import argparse
import html
import json
import re

ROW, SUB, LEFT, WIDTH = 22, 7, 250, 1000
COLOURS = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#e15759", "#76b7b2", "#edc948", "#9c755f"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("inp")
    ap.add_argument("out")
    ap.add_argument("--from", dest="t0", type=float)
    ap.add_argument("--to", dest="t1", type=float)
    ap.add_argument("--threads", default=".")
    ap.add_argument("--title", default="")
    a = ap.parse_args()
    evs = json.load(open(a.inp, encoding="utf-8"))["traceEvents"]
    names, order = {}, {}
    for e in evs:
        if e["ph"] == "M" and e["name"] == "thread_name":
            names[e["tid"]] = e["args"]["name"]
        if e["ph"] == "M" and e["name"] == "thread_sort_index":
            order[e["tid"]] = e["args"]["sort_index"]
    ts = [e["ts"] for e in evs if e["ph"] != "M"]
    t0 = a.t0 if a.t0 is not None else min(ts)
    t1 = a.t1 if a.t1 is not None else max(ts)
    pick = re.compile(a.threads)

    spans, instants, counters, stacks = {}, {}, {}, {}
    for e in evs:
        tid = e["tid"]
        if e["ph"] == "B":
            stacks.setdefault(tid, []).append(e)
        elif e["ph"] == "E":
            b = stacks[tid].pop()
            spans.setdefault(tid, []).append((b["ts"], e["ts"], b["name"], len(stacks[tid])))
        elif e["ph"] == "i":
            instants.setdefault(tid, []).append((e["ts"], e["name"]))
        elif e["ph"] == "C":
            for k, v in e["args"].items():
                counters.setdefault(f'{e["name"]}: {k}', []).append((e["ts"], v))

    tids = sorted((t for t in names if pick.search(names[t]) and (t in spans or t in instants)),
                  key=lambda t: order.get(t, 0))
    x = lambda t: LEFT + (min(max(t, t0), t1) - t0) / ((t1 - t0) or 1) * WIDTH
    out, bg, y = [], [], 40
    for name, pts in sorted(counters.items()):
        top = max(v for _, v in pts) or 1
        path, last = [], None
        for t, v in pts:
            yy = y + ROW - 4 - (ROW - 8) * v / top
            if last is not None:
                path.append(f"L{x(t):.1f},{last:.1f}")
            path.append(f"{'M' if not path else 'L'}{x(t):.1f},{yy:.1f}")
            last = yy
        path.append(f"L{LEFT + WIDTH},{last:.1f}")
        out.append(f'<text x="{LEFT - 6}" y="{y + 15}" text-anchor="end">{html.escape(name)} (max {top})</text>')
        out.append(f'<path d="{" ".join(path)}" fill="none" stroke="#333"/>')
        y += ROW
    for tid in tids:
        depth = max([s[3] for s in spans.get(tid, [])] + [0])
        h = ROW + depth * SUB
        bg.append(f'<rect x="0" y="{y}" width="{LEFT + WIDTH + 10}" height="{h}" fill="{"#f2f2f2" if len(bg) % 2 else "#fff"}"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 15}" text-anchor="end">{html.escape(names[tid])}</text>')
        for b, e, n, d in spans.get(tid, []):
            if e < t0 or b > t1:
                continue
            x0, x1 = x(b), max(x(e), x(b) + 2)
            c = COLOURS[sum(map(ord, n)) % len(COLOURS)]
            out.append(f'<rect x="{x0:.1f}" y="{y + 2 + d * SUB}" width="{x1 - x0:.1f}" height="{ROW - 4}" '
                       f'fill="{c}" opacity="0.85"><title>{html.escape(n)}: {b} to {e} us</title></rect>')
            if x1 - x0 > 6 * len(n):
                out.append(f'<text x="{x0 + 3:.1f}" y="{y + 15 + d * SUB}" fill="#fff">{html.escape(n)}</text>')
        for t, n in instants.get(tid, []):
            if t0 <= t <= t1:
                out.append(f'<path d="M{x(t):.1f},{y + 3} l3,8 l-3,8 l-3,-8 z" fill="#222">'
                           f'<title>{html.escape(n)} at {t} us</title></path>')
        y += h
    axis = []
    for k in range(11):
        t = t0 + (t1 - t0) * k / 10
        axis.append(f'<line x1="{x(t):.1f}" y1="30" x2="{x(t):.1f}" y2="{y}" stroke="#ccc"/>'
                    f'<text x="{x(t):.1f}" y="26" text-anchor="middle">{t / 1e6:.4f} s</text>')
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{LEFT + WIDTH + 20}" height="{y + 10}" '
           f'font-family="DejaVu Sans, sans-serif" font-size="11">'
           f'<rect width="100%" height="100%" fill="#fff"/>'
           f'<text x="6" y="14" font-weight="bold">{html.escape(a.title)}</text>'
           + "".join(bg) + "".join(axis) + "".join(out) + "</svg>\n")
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(svg)


if __name__ == "__main__":
    main()
