#!/usr/bin/env python3
"""Layering check: every #include "..." of the project's C sources must point to the same
folder or to a lower layer (docs/architecture.md). Also reports include cycles.

Usage: check_layers.py [--cycles] [SOURCE_DIR]
Exit status: 0 when every include points down (or sideways within a folder), 1 when some
file includes a higher or a sibling layer (each violation printed as file:line), 2 on
bad usage.
"""
import os
import re
import sys

# What each folder may include besides itself. host and qemu are siblings: neither
# includes the other (the guest learns from firmware through data the machine
# publishes in sim/pcie/machine.h). mctp carries CXL's CCI and FM-API, so it sits on cxl.
ALLOWED = {
    "sim/core": set(),
    "sim/pcie": {"sim/core"},
    "sim/cxl": {"sim/pcie", "sim/core"},
    "sim/eeh": {"sim/pcie", "sim/core"},
    "sim/mctp": {"sim/cxl", "sim/pcie", "sim/core"},
    "sim/qemu": {"sim/cxl", "sim/eeh", "sim/mctp", "sim/pcie", "sim/core"},
    "sim/host": {"sim/cxl", "sim/eeh", "sim/mctp", "sim/pcie", "sim/core"},
    "replay": {"sim/host", "sim/qemu", "sim/cxl", "sim/eeh", "sim/mctp", "sim/pcie", "sim/core"},
    "tools": {"replay", "sim/host", "sim/qemu", "sim/cxl", "sim/eeh", "sim/mctp", "sim/pcie",
              "sim/core"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def folder_of(path):
    """The layer folder a project path belongs to (sim/pcie/regs/pci.h -> sim/pcie)."""
    parts = path.split("/")
    if parts[0] == "sim" and len(parts) > 2:
        return "sim/" + parts[1]
    if parts[0] in ("replay", "tools") and len(parts) > 1:
        return parts[0]
    return None


def sources(root):
    for top in ("sim", "replay", "tools"):
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(dirpath, f), root)


def graph(root):
    edges = {}
    for src in sorted(sources(root)):
        with open(os.path.join(root, src), encoding="utf-8", errors="replace") as fh:
            edges[src] = [(n, m.group(1)) for n, line in enumerate(fh, 1)
                          if (m := INCLUDE.match(line))]
    return edges


def modules(edges):
    """The include graph between modules: x.c and x.h are one module x (what a reader
    means by "fabric includes aer and aer includes fabric")."""
    mod = {}
    for src, incs in edges.items():
        m = os.path.splitext(src)[0]
        targets = mod.setdefault(m, [])
        for line, inc in incs:
            t = os.path.splitext(inc)[0]
            if t != m and (t + ".c" in edges or t + ".h" in edges):
                targets.append((line, t))
    return mod


def cycles(edges):
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for _, w in edges.get(v, []):
            if w not in edges:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return sorted(out)


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    flags = [a for a in argv if a.startswith("--")]
    if len(args) > 1 or any(f not in ("--cycles",) for f in flags):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    root = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    edges = graph(root)
    bad = 0
    for src, incs in edges.items():
        mine = folder_of(src)
        for line, inc in incs:
            theirs = folder_of(inc)
            if theirs is None or theirs == mine or theirs in ALLOWED.get(mine, set()):
                continue
            print(f"{src}:{line}: {mine} must not include {inc} ({theirs} is not below it; "
                  f"allowed: {', '.join(sorted(ALLOWED[mine])) or 'nothing outside the folder'})")
            bad += 1
    if "--cycles" in flags:
        for what, g in (("files", edges), ("modules (x.c + x.h)", modules(edges))):
            cyc = cycles(g)
            print(f"include cycles between {what}: {len(cyc)}")
            for c in cyc:
                print(f"  {len(c)}: {' '.join(c)}")
    if bad:
        print(f"layering: {bad} include(s) point up or sideways (docs/architecture.md)")
        return 1
    print(f"layering: {len(edges)} files, every include points down")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
