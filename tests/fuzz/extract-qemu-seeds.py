#!/usr/bin/env python3
"""Seed corpus of the import_qemu harness from the source documents (shared/seeds/*.txt):
every qemu-system-* invocation, and every block of QEMU options quoted without one
(mail quotes '> ' removed), one corpus file each, named after the document.

Usage: extract-qemu-seeds.py SEEDS_DIR OUT_DIR
The files it wrote are checked in under tests/fuzz/corpus/import_qemu/ (seed-*.sh);
run it again when the documents change.
"""
import os
import re
import sys

# QEMU options that take no argument (the rest of the ones these documents use take one).
FLAGS = {"-nographic", "-S", "-enable-kvm", "-snapshot", "-no-reboot", "-no-shutdown",
         "-daemonize", "-no-hpet", "-nodefaults"}
OPTION_LINE = re.compile(r"^-(device|machine|M|object|global|monitor|qmp|drive|netdev|m|smp)\b")


def invocations(text):
    """Each qemu-system-* command: its words up to the first word that is neither an
    option, an option's argument, nor a line continuation."""
    for m in re.finditer(r"qemu-system-[A-Za-z0-9_]+", text):
        words = re.findall(r'"[^"]*"|\S+', text[m.start():])
        out = [words[0]]
        want_arg = False
        for w in words[1:]:
            if w == "\\":
                continue
            if want_arg:
                out.append(w)
                want_arg = False
            elif w.startswith("-"):
                out.append(w)
                want_arg = w not in FLAGS
            else:
                break
        if len(out) > 1:
            yield " \\\n    ".join(
                " ".join(out[i:i + 2]) if out[i].startswith("-") and out[i] not in FLAGS and i + 1 < len(out)
                else out[i] for i in option_starts(out)) + "\n"


def option_starts(words):
    """Indices of the program name and of each option (its argument follows it)."""
    i = 0
    while i < len(words):
        yield i
        i += 2 if words[i].startswith("-") and words[i] not in FLAGS else 1


def option_blocks(text):
    """Blocks of lines of QEMU options (after mail quotes are removed), up to a blank line."""
    lines = [re.sub(r"^(>\s?)+", "", ln).rstrip() for ln in text.splitlines()]
    i = 0
    while i < len(lines):
        if OPTION_LINE.match(lines[i].strip()) and "qemu-system" not in lines[i]:
            j = i
            while j < len(lines) and lines[j].strip() and not lines[j].startswith("```"):
                j += 1
            yield "\n".join(ln.strip() for ln in lines[i:j]) + "\n"
            i = j
        else:
            i += 1


def main():
    if len(sys.argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for name in sorted(os.listdir(src)):
        if not name.endswith(".txt"):
            continue
        with open(os.path.join(src, name), encoding="utf-8") as fh:
            text = fh.read()
        seen = []
        for cmd in list(invocations(text)) + list(option_blocks(text)):
            if cmd not in seen:
                seen.append(cmd)
        for k, cmd in enumerate(seen):
            path = os.path.join(out, "seed-%s-%d.sh" % (name[:-4], k + 1))
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(cmd)
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
