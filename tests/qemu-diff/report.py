"""Write docs/fidelity.md from a harness run: the template (fidelity.md.in) with the
generated tables put in. Nothing in the output depends on timing or on the machine,
so an unchanged model gives an unchanged document."""
import os
import subprocess

import cases as C

HERE = os.path.dirname(os.path.abspath(__file__))


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def _commit():
    try:
        return subprocess.run(["git", "-C", HERE, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def cases_table(results):
    rows = ["| case | group | machine | what it does | steps | comparisons | status |",
            "|---|---|---|---|---|---|---|"]
    for r in results:
        c = r["case"]
        st = r["stats"]
        machine = c["machine"] + ("".join(", -global " + g for g in c["globals"]))
        status = r["status"]
        if r["status"] == "pending":
            status = "pending: " + r["error"]
        elif r["status"] == "error":
            status = "harness error"
        rows.append("| `%s` | %s | %s | %s | %s | %s | %s |" % (
            c["name"], c["group"], _cell(machine), _cell(c["title"]),
            st["steps"] if st else "-", st["registers"] + st["bytes"] if st else "-",
            _cell(status)))
    return "\n".join(rows)


def migration_table(results):
    out = []
    for r in results:
        m = r.get("migration")
        if not m:
            continue
        c = r["case"]
        out.append("**`%s`** (%s%s): QEMU 7.2 %s, pcisim %s.%s" % (
            c["name"], c["machine"], "".join(", " + g for g in c["globals"]), m["result"],
            "the same" if not any(d.what.startswith("migration") for d in r["diffs"])
            else "differs", (" " + c["why"][0].upper() + c["why"][1:] + "." if c.get("why") else "")))
        if m["lines"]:
            out.append("")
            out.append("```")
            out.extend(m["lines"])
            out.append("```")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def known_table(results):
    seen = {}
    for r in results:
        for d in r["diffs"]:
            if d.known:
                seen.setdefault(d.known, set()).add(r["case"]["name"])
    if not seen:
        return "None: every compared value is equal."
    out = []
    for why, names in seen.items():
        out.append("- %s Cases: %s." % (why, ", ".join("`%s`" % n for n in sorted(names))))
    return "\n".join(out)


def totals(results):
    ran = [r for r in results if r["stats"]]
    steps = sum(r["stats"]["steps"] for r in ran)
    regs = sum(r["stats"]["registers"] for r in ran)
    other = sum(r["stats"]["bytes"] for r in ran)
    names = set()
    for r in ran:
        names |= r["stats"]["names"]
    agree = sum(1 for r in results if r["status"].startswith("agree"))
    return ("%d cases (%d agree, %d with differences, %d pending, %d harness errors); "
            "%d steps; %d register comparisons of %d distinct registers (every named "
            "register of every function after every step, plus the interrupt checks), "
            "and %d comparisons of the remaining configuration-space bytes" % (
                len(results), agree, sum(1 for r in results if r["status"] == "differ"),
                sum(1 for r in results if r["status"] == "pending"),
                sum(1 for r in results if r["status"] == "error"),
                steps, regs, len(names), other))


def registers_list(results):
    names = set()
    for r in results:
        if r["stats"]:
            names |= r["stats"]["names"]
    return ", ".join("`%s`" % n for n in sorted(names))


def write(path, results):
    with open(os.path.join(HERE, "fidelity.md.in")) as f:
        text = f.read()
    versions = sorted({r.get("qemu_version") and "%d.%d.%d" % (
        r["qemu_version"]["major"], r["qemu_version"]["minor"], r["qemu_version"]["micro"])
        for r in results if r.get("qemu_version")})
    fill = {
        "@QEMU_VERSION@": ", ".join(v for v in versions if v) or "unknown",
        "@COMMIT@": _commit(),
        "@TOTALS@": totals(results),
        "@REGISTERS@": registers_list(results),
        "@CASES@": cases_table(results),
        "@MIGRATIONS@": migration_table(results),
        "@KNOWN@": known_table(results),
    }
    for k, v in fill.items():
        text = text.replace(k, v)
    with open(path, "w") as f:
        f.write(text)
    print("qemu-diff: wrote %s" % path)
