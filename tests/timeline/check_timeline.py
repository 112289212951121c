#!/usr/bin/env python3
"""Checks of `pcisim simulate --perfetto/--vcd` with real readers (docs/timeline-views.md).

  check_timeline.py perfetto PCISIM SCENARIO OUT.json [--span SPEC]... [--counter NAME]...
      the file validates against trace-event.schema.json (jsonschema); on every
      thread, timestamps never go back, every E closes a B, every span is closed;
      every thread used is named; each SPEC 'THREAD|NAME|BEGIN_US|KEY=VALUE|END_US'
      names a span that must be there (BEGIN_US, KEY=VALUE, an arg of its B or E,
      and END_US may be empty or left out); each counter NAME must be there.
  check_timeline.py vcd PCISIM SCENARIO OUT.vcd [--signal 'SCOPE.VAR=T:V,T:V...']...
      GTKWave's vcd2fst converts the file and fst2vcd converts it back; every
      variable has the same transitions in both; each --signal has exactly the
      transitions given (T in ps; V a bit, a number or a string).
  check_timeline.py same-bytes PCISIM SCENARIO DIR
      two runs write the same bytes; the trace hash is the same with and without
      the views.
  check_timeline.py replay PCISIM SCENARIO DIR
      `pcisim replay` of a recorded run writes the same bytes as the run did.
  check_timeline.py bad-options PCISIM SCENARIO DIR
      a missing file name and an unwritable file are errors with exit status 2,
      for simulate and for replay.

Exit status 0 when every check holds, 1 otherwise, 77 (skipped) when a reader is
missing.
"""
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def simulate(pcisim, scenario, *opts):
    r = subprocess.run([pcisim, "simulate", scenario, "--quiet", *opts],
                       capture_output=True, text=True)
    return r


def run_ok(pcisim, scenario, *opts):
    r = simulate(pcisim, scenario, *opts)
    if r.returncode != 0:
        fail(f"pcisim simulate {scenario} {' '.join(opts)}: exit {r.returncode}\n{r.stdout}{r.stderr}")
    return r.stdout


# ---- Perfetto ----

def check_perfetto(pcisim, scenario, out, specs, counters):
    try:
        import jsonschema
    except ImportError:
        print("SKIPPED: python3-jsonschema is not installed")
        sys.exit(77)
    run_ok(pcisim, scenario, "--perfetto", out)
    with open(out, encoding="utf-8") as f:
        doc = json.load(f)
    with open(os.path.join(HERE, "trace-event.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
    if errors:
        e = errors[0]
        fail(f"{out}: schema: at {'/'.join(map(str, e.path))}: {e.message} ({len(errors)} errors)")

    names, last_ts, stacks, spans, seen_counters = {}, {}, {}, [], set()
    process_named = False
    for i, ev in enumerate(doc["traceEvents"]):
        ph, tid, ts = ev["ph"], ev["tid"], ev["ts"]
        if ph == "M":
            if ev["name"] == "thread_name":
                names[tid] = ev["args"]["name"]
            elif ev["name"] == "process_name":
                process_named = True
            continue
        if ph == "C":
            seen_counters.add(ev["name"])
        elif tid not in names:
            fail(f"event {i} on thread {tid}, which has no thread_name before it")
        if ts < last_ts.get(tid, 0):
            fail(f"event {i} on thread {names.get(tid, tid)}: ts {ts} before {last_ts[tid]}")
        last_ts[tid] = ts
        if ph == "B":
            stacks.setdefault(tid, []).append((ev, i))
        elif ph == "E":
            if not stacks.get(tid):
                fail(f"event {i}: an E on thread {names[tid]} with no open span")
            b, _ = stacks[tid].pop()
            spans.append((names[tid], b["name"], b["ts"], ts, {**b["args"], **ev.get("args", {})}))
    if not process_named:
        fail("no process_name metadata")
    for tid, st in stacks.items():
        if st:
            fail(f"thread {names[tid]}: span '{st[-1][0]['name']}' (event {st[-1][1]}) never ends")

    for spec in specs:
        thread, name, begin, kv, end = (spec.split("|") + ["", "", "", ""])[:5]
        found = [s for s in spans if s[0] == thread and s[1] == name
                 and (not begin or abs(s[2] - float(begin)) < 1e-9)
                 and (not end or abs(s[3] - float(end)) < 1e-9)
                 and (not kv or str(s[4].get(kv.split("=", 1)[0])) == kv.split("=", 1)[1])]
        if not found:
            near = sorted({(s[0], s[1]) for s in spans if s[1] == name or s[0] == thread})
            fail(f"no span '{name}' on thread '{thread}'"
                 f"{' beginning at ' + begin + ' us' if begin else ''}{' with ' + kv if kv else ''}"
                 f"{' ending at ' + end + ' us' if end else ''};"
                 f" spans of that name or thread: {near}")
    for c in counters:
        if c not in seen_counters:
            fail(f"no counter '{c}'; counters: {sorted(seen_counters)}")
    print(f"ok: {out}: {len(doc['traceEvents'])} events, {len(spans)} spans on {len(names)} threads,"
          f" {len(specs)} named spans and {len(counters)} counters found")


# ---- VCD ----

def parse_vcd(text):
    """{full name: [(time, value)]} and the declared names, from VCD text."""
    scope, code_names, events, changes, t = [], {}, set(), {}, 0
    toks = iter(text.split("\n"))
    in_defs = True
    for line in toks:
        line = line.strip()
        if not line:
            continue
        if in_defs:
            words = line.split()
            if words[0] == "$scope":
                scope.append(words[2])
            elif words[0] == "$upscope":
                scope.pop()
            elif words[0] == "$var":
                code_names.setdefault(words[3], []).append(".".join(scope + [words[4]]))
                if words[1] == "event":
                    events.add(words[3])
            elif words[0] == "$enddefinitions":
                in_defs = False
            continue
        if line.startswith("#"):
            t = int(line[1:])
            continue
        if line in ("$dumpvars", "$end") or line.startswith("$comment"):
            continue
        if line[0] in "bBrRsS":
            value, code = line[1:].split()
            if line[0] in "bB":
                value = value.lower()
                value = "x" if "x" in value else str(int(value, 2))
        else:
            value, code = line[0].lower(), line[1:]
        for name in code_names.get(code, []):
            hist = changes.setdefault(name, [])
            if hist and hist[-1][0] == t and code not in events:
                hist[-1] = (t, value)  # $dumpvars' x, then the value at time 0
            elif not hist or hist[-1][1] != value or code in events:
                hist.append((t, value))
    declared = sorted(n for ns in code_names.values() for n in ns)
    return declared, changes


def check_vcd(pcisim, scenario, out, signals):
    vcd2fst, fst2vcd = shutil.which("vcd2fst"), shutil.which("fst2vcd")
    if not vcd2fst or not fst2vcd:
        print("SKIPPED: vcd2fst/fst2vcd (Debian package gtkwave) not found")
        sys.exit(77)
    run_ok(pcisim, scenario, "--vcd", out)
    with open(out, encoding="utf-8") as f:
        text = f.read()
    if "$timescale 1ps $end" not in text:
        fail(f"{out}: no '$timescale 1ps $end'")
    fst = out + ".fst"
    r = subprocess.run([vcd2fst, out, fst], capture_output=True, text=True)
    if r.returncode != 0 or not os.path.getsize(fst):
        fail(f"vcd2fst {out}: exit {r.returncode}: {r.stdout}{r.stderr}")
    r = subprocess.run([fst2vcd, fst], capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"fst2vcd {fst}: exit {r.returncode}: {r.stderr}")
    decl, ours = parse_vcd(text)
    decl_back, back = parse_vcd(r.stdout)
    if decl != decl_back:
        fail(f"variables differ after vcd2fst/fst2vcd: {sorted(set(decl) ^ set(decl_back))}")
    for name in decl:
        if ours.get(name, []) != back.get(name, []):
            fail(f"{name}: transitions {ours.get(name)} written, {back.get(name)} read back by GTKWave's tools")
    for sig in signals:
        name, want = sig.split("=", 1)
        want = [(int(t), v) for t, v in (p.split(":", 1) for p in want.split(","))]
        got = back.get(name)
        if got is None:
            fail(f"no variable {name}; variables: {decl}")
        if got != want:
            fail(f"{name}: transitions {got}, expected {want}")
    print(f"ok: {out}: {len(decl)} variables, the same transitions after vcd2fst and fst2vcd;"
          f" {len(signals)} signals as expected")


# ---- determinism and bad options ----

def check_same_bytes(pcisim, scenario, d):
    os.makedirs(d, exist_ok=True)
    outs = []
    for n in (1, 2):
        p, v = os.path.join(d, f"run{n}.json"), os.path.join(d, f"run{n}.vcd")
        outs.append((run_ok(pcisim, scenario, "--perfetto", p, "--vcd", v), p, v))
    plain = run_ok(pcisim, scenario)
    for a, b in ((outs[0][1], outs[1][1]), (outs[0][2], outs[1][2])):
        with open(a, "rb") as fa, open(b, "rb") as fb:
            if fa.read() != fb.read():
                fail(f"{a} and {b}: two runs of {scenario} wrote different bytes")
    if outs[0][0] != plain:
        fail(f"the views changed the run's output: {outs[0][0]!r} against {plain!r}")
    print(f"ok: two runs wrote the same bytes; the hash is the same without the views: {plain.strip()}")


def check_replay(pcisim, scenario, d):
    os.makedirs(d, exist_ok=True)
    rec = os.path.join(d, "run.pctrace")
    sim = [os.path.join(d, "sim.json"), os.path.join(d, "sim.vcd")]
    rep = [os.path.join(d, "replay.json"), os.path.join(d, "replay.vcd")]
    run_ok(pcisim, scenario, "--record", rec, "--perfetto", sim[0], "--vcd", sim[1])
    r = subprocess.run([pcisim, "replay", rec, "--perfetto", rep[0], "--vcd", rep[1]],
                       capture_output=True, text=True)
    if r.returncode != 0 or "identical" not in r.stdout:
        fail(f"pcisim replay {rec}: exit {r.returncode}\n{r.stdout}{r.stderr}")
    for a, b in zip(sim, rep):
        with open(a, "rb") as fa, open(b, "rb") as fb:
            if fa.read() != fb.read():
                fail(f"{b}, written by replay, differs from {a}, written by the recorded run")
    print("ok: replay wrote the same Perfetto and VCD bytes as the recorded run")


def check_bad_options(pcisim, scenario, d):
    cases = [
        (["--perfetto"], "option '--perfetto' needs a file name"),
        (["--vcd"], "option '--vcd' needs a file name"),
        (["--vcd", os.path.join(d, "no-such-dir", "x.vcd")], "option '--vcd': cannot write"),
        (["--perfetto", os.path.join(d, "no-such-dir", "x.json")], "option '--perfetto': cannot write"),
        (["--perfetto", os.path.join(d, "same"), "--vcd", os.path.join(d, "same")],
         "options '--perfetto' and '--vcd' name the same file"),
    ]
    for opts, msg in cases:
        r = simulate(pcisim, scenario, *opts)
        if r.returncode != 2 or msg not in r.stderr:
            fail(f"simulate {' '.join(opts)}: exit {r.returncode}, stderr {r.stderr!r}; expected 2 and '{msg}'")
    rec = os.path.join(d, "bad-options.pctrace")
    run_ok(pcisim, scenario, "--record", rec)
    for opts, msg in cases:
        r = subprocess.run([pcisim, "replay", rec, *opts], capture_output=True, text=True)
        if r.returncode != 2 or msg not in r.stderr or "pcisim replay: error" not in r.stderr:
            fail(f"replay {' '.join(opts)}: exit {r.returncode}, stderr {r.stderr!r}; expected 2 and '{msg}'")
    print(f"ok: {len(cases)} bad options refused with exit status 2 by simulate and by replay")


def main(argv):
    if len(argv) < 5:
        print(__doc__)
        return 2
    what, pcisim, scenario, out = argv[1:5]
    rest = argv[5:]
    opts = {"--span": [], "--counter": [], "--signal": []}
    for flag, val in zip(rest[::2], rest[1::2]):
        opts[flag].append(val)
    if what == "perfetto":
        check_perfetto(pcisim, scenario, out, opts["--span"], opts["--counter"])
    elif what == "vcd":
        check_vcd(pcisim, scenario, out, opts["--signal"])
    elif what == "same-bytes":
        check_same_bytes(pcisim, scenario, out)
    elif what == "replay":
        check_replay(pcisim, scenario, out)
    elif what == "bad-options":
        check_bad_options(pcisim, scenario, out)
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
