#!/usr/bin/env python3
"""Models allocate in the sim heap (sim/core/heap.h), so that snapshots hold every
model's state: under sim/, a call of the C library's malloc, calloc, realloc,
strdup, strndup, free, aligned_alloc, asprintf or reallocarray fails this check,
unless its line says why it must outlive the sim (a comment with "libc:"). The
heap itself and the event queue (whose keys a snapshot keeps instead) are exempt.

usage: check_alloc.py ROOT
"""
import pathlib
import re
import sys

CALL = re.compile(r"(?<![\w>.])(malloc|calloc|realloc|strdup|strndup|free|aligned_alloc|"
                  r"v?asprintf|reallocarray)\s*\(")
# the heap itself, the queue (a snapshot keeps its keys), snapshots (they live beside the sim)
EXEMPT = {"sim/core/heap.c", "sim/core/evq.c", "sim/core/snapshot.c"}


def strip(line):
    """The line without string literals and comments (a rough cut is enough)."""
    line = re.sub(r'"(\\.|[^"\\])*"', '""', line)
    return line.split("//")[0]


def main():
    root = pathlib.Path(sys.argv[1])
    bad = []
    for f in sorted((root / "sim").rglob("*.[ch]")):
        rel = f.relative_to(root).as_posix()
        if rel in EXEMPT:
            continue
        in_comment = False
        for no, line in enumerate(f.read_text(errors="replace").splitlines(), 1):
            code = strip(line)
            if in_comment:
                if "*/" not in code:
                    continue
                code = code.split("*/", 1)[1]
                in_comment = False
            code = re.sub(r"/\*.*?\*/", "", code)
            if "/*" in code:
                code, in_comment = code.split("/*", 1)[0], True
            m = CALL.search(code)
            if m and "libc:" not in line:
                bad.append(f"{rel}:{no}: {m.group(1)}() outside the sim heap; use pcisim_{m.group(1)}() "
                           "(sim/core/heap.h), or say why it must outlive the sim with a 'libc:' comment")
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
