#!/usr/bin/env python3
"""pcisim serve and import-qmp with real clients over real sockets.

usage: run_qmp_test.py PCISIM CASE

Each case starts `pcisim serve` on tests/qmp/cxl-guide.yaml (the guide's machine),
talks to it with a real client (the guide's own Python script, socat, nc), and checks
the replies and events word for word. Unix sockets or port 0 keep parallel ctest runs
apart; the guide's script, which wants localhost:4444, runs in a network namespace of
its own (unshare -rn) where it can, else on the host's port 4444.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MACHINE = os.path.join(HERE, "cxl-guide.yaml")


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def expect_eq(what, got, want):
    if got != want:
        fail("%s:\n  expected %r\n  got      %r" % (what, want, got))


def serve(pcisim, tmp, *args):
    """Start pcisim serve; returns the process and its stderr file (for the addresses)."""
    err = open(os.path.join(tmp, "serve.err"), "w+")
    out = open(os.path.join(tmp, "serve.out"), "w+")
    p = subprocess.Popen([pcisim, "serve", MACHINE] + list(args), stdout=out, stderr=err)
    return p, out, err


def wait_listening(err, what, timeout=20):
    """The address the server printed for @what (qmp or monitor)."""
    end = time.time() + timeout
    while time.time() < end:
        err.seek(0)
        m = re.search(r"pcisim serve: %s listening on (\S+)" % what, err.read())
        if m:
            return m.group(1)
        time.sleep(0.05)
    err.seek(0)
    fail("the server never listened for %s; stderr:\n%s" % (what, err.read()))


def finish(p, out, timeout=60):
    try:
        p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        fail("the server did not stop")
    out.seek(0)
    return p.returncode, out.read()


def socat_session(sock, lines):
    """Send @lines to the QMP server at unix:@sock through socat; its whole answer."""
    text = "".join(l + "\n" for l in lines)
    r = subprocess.run(["socat", "-t", "5", "-", "UNIX-CONNECT:" + sock], input=text.encode(),
                       stdout=subprocess.PIPE, timeout=60)
    return r.stdout.decode()


def case_socat(pcisim, tmp):
    """A QMP conversation over a Unix socket with socat: every reply and event, in order."""
    sock = os.path.join(tmp, "qmp.sock")
    p, out, err = serve(pcisim, tmp, "--qmp", "unix:" + sock, "--event-hold", "0")
    wait_listening(err, "qmp")
    got = socat_session(sock, [
        '{"execute": "query-pci"}',
        '{"execute": "qmp_capabilities", "id": "neg"}',
        '{"execute": "qmp_capabilities"}',
        '{"execute": "query-version"}',
        '{"execute": "qom-get", "arguments": {"path": "/machine/peripheral/root_port13", "property": "x-native-hotplug"}}',
        '{"execute": "qom-get", "arguments": {"path": "root_port13", "property": "chassis"}}',
        '{"execute": "qom-get", "arguments": {"path": "root_port13", "property": "nope"}}',
        '{"execute": "device_del", "arguments": {"id": "nope"}, "id": 7}',
        '{"execute": "device_del"}',
        '{"execute": "frobnicate"}',
        '{"execute": "device_add", "arguments": {"driver": "no-such-device"}}',
        '[1, 2]',
        '{"execute": "migrate-set-capabilities", "arguments": {"capabilities": [{"capability": "events", "state": true}]}}',
        '{"execute": "device_del", "arguments": {"id": "cxl-type1-0"}}',
        '{"execute": "device_del", "arguments": {"id": "cxl-type1-0"}}',
        '{"execute": "x-pcisim-query-clock"}',
        '{"execute": "device_add", "arguments": {"driver": "cxl-type1", "id": "cxl-type1-0", "bus": "root_port13", "memdev": "cxl-mem1", "lsa": "cxl-lsa1"}}',
        '{"execute": "device_add", "arguments": {"driver": "cxl-type1", "id": "cxl-type1-0", "bus": "root_port13", "memdev": "cxl-mem1", "lsa": "cxl-lsa1"}}',
        '{"execute": "x-pcisim-run-until-event", "arguments": {"event": "linux.device", "timeout": "2s"}}',
        '{"execute": "human-monitor-command", "arguments": {"command-line": "pcie_aer_inject_error cxl-type1-0 POISON_TLP"}}',
        '{"execute": "human-monitor-command", "arguments": {"command-line": "pcie_aer_inject_error nope POISON_TLP"}}',
        '{"execute": "migrate", "arguments": {"uri": "tcp:127.0.0.1:4445"}}',
        '{"execute": "query-migrate"}',
        '{"execute": "quit"}',
    ])
    rc, summary = finish(p, out)
    want = [
        '{"QMP": {"version": {"qemu": {"micro": 0, "minor": 1, "major": 8}, "package": "pcisim 0.1.0"}, "capabilities": ["oob"]}}',
        '{"error": {"class": "CommandNotFound", "desc": "Expecting capabilities negotiation with \'qmp_capabilities\'"}}',
        '{"return": {}, "id": "neg"}',
        '{"error": {"class": "CommandNotFound", "desc": "Capabilities negotiation is already complete, command ignored"}}',
        '{"return": {"qemu": {"micro": 0, "minor": 1, "major": 8}, "package": "pcisim 0.1.0"}}',
        '{"return": true}',
        '{"return": 0}',
        '{"error": {"class": "GenericError", "desc": "Property \'pcie-root-port.nope\' not found"}}',
        '{"error": {"class": "DeviceNotFound", "desc": "Device \'nope\' not found"}, "id": 7}',
        '{"error": {"class": "GenericError", "desc": "Parameter \'id\' is missing"}}',
        '{"error": {"class": "CommandNotFound", "desc": "The command frobnicate has not been found"}}',
        '{"error": {"class": "GenericError", "desc": "\'no-such-device\' is not a valid device model name"}}',
        '{"error": {"class": "GenericError", "desc": "QMP input must be a JSON object"}}',
        '{"return": {}}',
        '{"return": {}}',
        # the attention button's 5 s, power off, 1 s for the indicator: QEMU detaches
        '{"timestamp": {"seconds": 6, "microseconds": 0}, "event": "DEVICE_DELETED", "data": {"device": "cxl-type1-0", "path": "/machine/peripheral/cxl-type1-0"}}',
        '{"error": {"class": "DeviceNotFound", "desc": "Device \'cxl-type1-0\' not found"}}',
        '{"return": {"clock": "6.000000000002s", "clock-ps": 6000000000002, "mode": "auto"}}',
        '{"return": {}}',
        # the model's refusal, logged as QEMU's monitor error, is the reply
        '{"error": {"class": "GenericError", "desc": "Duplicate device ID \'cxl-type1-0\'"}}',
    ]
    lines = got.split("\r\n")
    expect_eq("the conversation's first %d lines" % len(want), lines[:len(want)], want)
    rest = lines[len(want):]
    # the hot-added device was bound by the time run-until-event looked (auto mode settled)
    if not rest[0].startswith('{"error": {"class": "GenericError", "desc": "no \'linux.device\' record within 2s'):
        fail("x-pcisim-run-until-event after settling: %r" % rest[0])
    expect_eq("HMP through QMP", rest[1], '{"return": "OK id: cxl-type1-0 root bus: 0000:00, bus: 1 devfn: 0.0\\r\\n"}')
    expect_eq("HMP error through QMP", rest[2], '{"return": "Error: device \'nope\' is not a PCIe device\\r\\n"}')
    expect_eq("migrate", rest[3], '{"return": {}}')
    if not re.match(r'\{"timestamp": \{"seconds": \d+, "microseconds": \d+\}, "event": "MIGRATION", "data": \{"status": "completed"\}\}', rest[4]):
        fail("MIGRATION event: %r" % rest[4])
    expect_eq("query-migrate", rest[5], '{"return": {"status": "completed"}}')
    expect_eq("quit", rest[6], '{"return": {}}')
    if not re.match(r'\{"timestamp": \{"seconds": \d+, "microseconds": \d+\}, "event": "SHUTDOWN", "data": \{"guest": false, "reason": "host-qmp-quit"\}\}', rest[7]):
        fail("SHUTDOWN event: %r" % rest[7])
    expect_eq("exit status", rc, 0)
    if "trace hash: " not in summary:
        fail("no trace hash in the summary: %r" % summary)


def case_manual_clock(pcisim, tmp):
    """--clock manual: time moves only on x-pcisim-advance and x-pcisim-run-until-event."""
    sock = os.path.join(tmp, "qmp.sock")
    p, out, err = serve(pcisim, tmp, "--qmp", "unix:" + sock, "--clock", "manual", "--event-hold", "0")
    wait_listening(err, "qmp")
    got = socat_session(sock, [
        '{"execute": "qmp_capabilities"}',
        '{"execute": "x-pcisim-advance", "arguments": {"duration": "2s"}}',
        '{"execute": "device_del", "arguments": {"id": "cxl-type1-0"}}',
        '{"execute": "x-pcisim-query-clock"}',
        '{"execute": "x-pcisim-advance", "arguments": {"duration": "soon"}}',
        '{"execute": "x-pcisim-run-until-event", "arguments": {"event": "no.such.kind"}}',
        '{"execute": "x-pcisim-run-until-event", "arguments": {"event": "pci.unplug", "component": "cxl-type1-0", "timeout": "1s"}}',
        '{"execute": "x-pcisim-run-until-event", "arguments": {"event": "pci.unplug", "component": "cxl-type1-0"}}',
        '{"execute": "quit"}',
    ])
    rc, summary = finish(p, out)
    lines = got.split("\r\n")
    # the machine's first instant ran at 0: the clock stood at 1 ps
    expect_eq("advance", lines[2], '{"return": {"clock": "2.000000000001s", "clock-ps": 2000000000001}}')
    expect_eq("device_del", lines[3], '{"return": {}}')
    # the command ran with what it started at once; nothing later ran
    expect_eq("the clock after a command", lines[4],
              '{"return": {"clock": "2.000000000002s", "clock-ps": 2000000000002, "mode": "manual"}}')
    expect_eq("a bad duration", lines[5],
              '{"error": {"class": "GenericError", "desc": "Parameter \'duration\': bad duration \'soon\': expected a duration like 10ms, 250ns, 1.5us or 2s (units: ps, ns, us, ms, s)"}}')
    if not lines[6].startswith('{"error": {"class": "GenericError", "desc": "Parameter \'event\': no record kind \'no.such.kind\'; valid kinds: '):
        fail("an unknown record kind: %r" % lines[6])
    expect_eq("a timeout", lines[7],
              '{"error": {"class": "GenericError", "desc": "no \'pci.unplug\' record of cxl-type1-0 within 1s (the clock is at 3.000000000002s)"}}')
    # the reply, then the events the command's run made
    expect_eq("run-until-event's record", lines[8],
              '{"return": {"time": "8.000000000001s", "kind": "pci.unplug", "component": "cxl-type1-0", "fields": {"driver": "cxl-type1", "why": "power and power indicator turned off"}}}')
    expect_eq("the event a client waits for", lines[9],
              '{"timestamp": {"seconds": 8, "microseconds": 0}, "event": "DEVICE_DELETED", "data": {"device": "cxl-type1-0", "path": "/machine/peripheral/cxl-type1-0"}}')
    expect_eq("exit status", rc, 0)


def case_save_roundtrip(pcisim, tmp):
    """A session saved with x-pcisim-save: simulate gives the session's trace hash."""
    sock = os.path.join(tmp, "qmp.sock")
    saved = os.path.join(tmp, "session.yaml")
    trace = os.path.join(tmp, "serve.jsonl")
    p, out, err = serve(pcisim, tmp, "--qmp", "unix:" + sock, "--trace-out", trace)
    wait_listening(err, "qmp")
    got = socat_session(sock, [
        '{"execute": "qmp_capabilities"}',
        '{"execute": "x-pcisim-advance", "arguments": {"duration": "1s"}}',
        '{"execute": "human-monitor-command", "arguments": {"command-line": "device_del cxl-type1-0"}}',
        '{"execute": "human-monitor-command", "arguments": {"command-line": "device_add cxl-type1,id=cxl-type1-0,bus=root_port13,memdev=cxl-mem1,lsa=cxl-lsa1"}}',
        '{"execute": "human-monitor-command", "arguments": {"command-line": "set_link cxl-type1-0 off"}}',
        '{"execute": "x-pcisim-save", "arguments": {"file": "%s"}}' % saved,
        '{"execute": "quit"}',
    ])
    rc, summary = finish(p, out)
    expect_eq("exit status", rc, 0)
    if '"steps": 3' not in got:
        fail("x-pcisim-save did not save 3 steps: %r" % got)
    hash_serve = re.search(r"trace hash: ([0-9a-f]{16})", summary)
    if not hash_serve:
        fail("no trace hash from serve: %r" % summary)
    sim = subprocess.run([pcisim, "simulate", saved], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         timeout=120)
    out_sim = sim.stdout.decode()
    hash_sim = re.search(r"trace hash: ([0-9a-f]{16})", out_sim)
    if sim.returncode != 0 or not hash_sim:
        fail("simulate %s: exit %d\n%s%s" % (saved, sim.returncode, out_sim, sim.stderr.decode()))
    expect_eq("the saved session's trace hash (simulate) against serve's", hash_sim.group(1),
              hash_serve.group(1))
    # the same records, the same summary line but the name
    first = lambda text: next(ln for ln in text.splitlines() if ln.startswith("scenario "))
    s1 = re.sub(r"^scenario \S+", "scenario X", first(summary))
    s2 = re.sub(r"^scenario \S+", "scenario X", first(out_sim))
    expect_eq("the summary line", s2, s1)
    with open(saved) as f:
        text = f.read()
    for needle in ['do: device_del, id: "cxl-type1-0"}', 'do: set_link, id: "cxl-type1-0", state: "off"}',
                   'do: device_add, driver: "cxl-type1", id: "cxl-type1-0", bus: "root_port13"']:
        if needle not in text:
            fail("the saved scenario lacks %r:\n%s" % (needle, text))


def case_cxl_migrate(pcisim, tmp):
    """QMP migrate of a machine with a cxl-type3: QEMU has no VMState and no blocker
    for it, so the migration completes (no 'non-migratable device' error) and sends no
    section of the CXL functions."""
    sock = os.path.join(tmp, "qmp.sock")
    trace = os.path.join(tmp, "serve.jsonl")
    scen = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cxl-t3.yaml")
    err = open(os.path.join(tmp, "serve.err"), "w+")
    out = open(os.path.join(tmp, "serve.out"), "w+")
    p = subprocess.Popen([pcisim, "serve", scen, "--qmp", "unix:" + sock, "--event-hold", "0",
                          "--trace-out", trace], stdout=out, stderr=err)
    wait_listening(err, "qmp")
    got = socat_session(sock, [
        '{"execute": "qmp_capabilities"}',
        '{"execute": "migrate", "arguments": {"uri": "exec:cat > /dev/null"}}',
        '{"execute": "query-migrate"}',
        '{"execute": "quit"}',
    ])
    rc, summary = finish(p, out)
    expect_eq("exit status", rc, 0)
    lines = got.splitlines()
    expect_eq("migrate", lines[2], '{"return": {}}')
    expect_eq("query-migrate", lines[3], '{"return": {"status": "completed"}}')
    with open(trace) as f:
        recs = [json.loads(ln) for ln in f]
    ended = [r.get("fields", r) for r in recs if r.get("kind") == "migration"]
    if not ended or ended[-1].get("result") != "completed" or ended[-1].get("sections") != 0:
        fail("the trace's migration record: %r" % ended)
    resets = [r.get("component") or r.get("comp") for r in recs if r.get("kind") == "pci.reset"]
    if len(resets) != 3:
        fail("expected the three CXL functions reset as the destination built them: %r" % resets)


def case_cxl(pcisim, tmp):
    """QEMU's cxl-inject-* commands over QMP: each runs as its timeline action (a list
    argument passed through as it is), and the saved session replays to serve's hash."""
    sock = os.path.join(tmp, "qmp.sock")
    saved = os.path.join(tmp, "session.yaml")
    trace = os.path.join(tmp, "serve.jsonl")
    scen = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cxl-t3.yaml")
    err = open(os.path.join(tmp, "serve.err"), "w+")
    out = open(os.path.join(tmp, "serve.out"), "w+")
    p = subprocess.Popen([pcisim, "serve", scen, "--qmp", "unix:" + sock, "--event-hold", "0",
                          "--trace-out", trace], stdout=out, stderr=err)
    wait_listening(err, "qmp")
    got = socat_session(sock, [
        '{"execute": "qmp_capabilities"}',
        '{"execute": "cxl-inject-poison", "arguments": {"path": "/machine/peripheral/t0", "start": 4096, "length": 128}}',
        '{"execute": "cxl-inject-uncorrectable-errors", "arguments": {"path": "/machine/peripheral/t0", '
        '"errors": [{"type": "cache-data-parity", "header": [3, 4]}]}}',
        '{"execute": "cxl-inject-poison", "arguments": {"path": "/machine/peripheral/nope", "start": 0, "length": 64}}',
        '{"execute": "query-commands"}',
        '{"execute": "x-pcisim-save", "arguments": {"file": "%s"}}' % saved,
        '{"execute": "quit"}',
    ])
    rc, summary = finish(p, out)
    expect_eq("exit status", rc, 0)
    lines = got.splitlines()
    expect_eq("cxl-inject-poison", lines[2], '{"return": {}}')
    expect_eq("cxl-inject-uncorrectable-errors", lines[3], '{"return": {}}')
    if not lines[4].startswith('{"error": {"class": "GenericError"'):
        fail("cxl-inject-poison on an unknown path: %r" % lines[4])
    if '{"name": "cxl-inject-poison"}' not in lines[5]:
        fail("query-commands lacks cxl-inject-poison: %r" % lines[5])
    with open(trace) as f:
        injected = [json.loads(ln) for ln in f if '"cxl.inject"' in ln]
    cmds = [r.get("fields", r).get("command") for r in injected]
    if "cxl-inject-poison" not in cmds or "cxl-inject-uncorrectable-errors" not in cmds:
        fail("the trace lacks the cxl.inject records: %r" % injected)
    sim = subprocess.run([pcisim, "simulate", saved], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         timeout=120)
    h1 = re.search(r"trace hash: ([0-9a-f]{16})", summary)
    h2 = re.search(r"trace hash: ([0-9a-f]{16})", sim.stdout.decode())
    if not h1 or not h2:
        fail("no trace hash: serve %r, simulate %r %r" % (summary, sim.stdout.decode(), sim.stderr.decode()))
    expect_eq("the saved session's hash", h2.group(1), h1.group(1))


def case_dcd(pcisim, tmp):
    """QEMU 9.1's dynamic capacity commands over QMP: an offer (its extent list passed
    through), QEMU's refusals as GenericError with QEMU's words, and the saved session
    replaying to serve's hash."""
    sock = os.path.join(tmp, "qmp.sock")
    saved = os.path.join(tmp, "session.yaml")
    trace = os.path.join(tmp, "serve.jsonl")
    scen = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cxl-dcd.yaml")
    err = open(os.path.join(tmp, "serve.err"), "w+")
    out = open(os.path.join(tmp, "serve.out"), "w+")
    p = subprocess.Popen([pcisim, "serve", scen, "--qmp", "unix:" + sock, "--event-hold", "0",
                          "--trace-out", trace], stdout=out, stderr=err)
    wait_listening(err, "qmp")
    add = ('{"execute": "cxl-add-dynamic-capacity", "arguments": {"path": "/machine/peripheral/t0", '
           '"host-id": 0, "selection-policy": "%s", "region": 0, "extents": %s}}')
    got = socat_session(sock, [
        '{"execute": "qmp_capabilities"}',
        add % ("prescriptive", '[{"offset": 0, "len": 2097152}, {"offset": 4194304, "len": 2097152}]'),
        add % ("prescriptive", '[{"offset": 0, "len": 2097152}]'),
        add % ("free", '[{"offset": 0, "len": 2097152}]'),
        '{"execute": "cxl-release-dynamic-capacity", "arguments": {"path": "t0", "host-id": 0, '
        '"removal-policy": "prescriptive", "region": 0, "extents": [{"offset": 0, "len": 2097152}]}}',
        '{"execute": "x-pcisim-save", "arguments": {"file": "%s"}}' % saved,
        '{"execute": "quit"}',
    ])
    rc, summary = finish(p, out)
    expect_eq("exit status", rc, 0)
    lines = got.splitlines()
    expect_eq("the offer", lines[2], '{"return": {}}')
    expect_eq("an overlapping offer", lines[3],
              '{"error": {"class": "GenericError", "desc": "cannot add DPA again while still pending"}}')
    expect_eq("the free policy", lines[4],
              '{"error": {"class": "GenericError", "desc": "Selection policy not supported"}}')
    expect_eq("releasing what is pending", lines[5],
              '{"error": {"class": "GenericError", "desc": "cannot release extent with pending DPA range"}}')
    with open(trace) as f:
        recs = [json.loads(ln) for ln in f if '"cxl.dcd"' in ln]
    if len(recs) != 4:
        fail("expected four cxl.dcd records, got %r" % recs)
    sim = subprocess.run([pcisim, "simulate", saved], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         timeout=120)
    h1 = re.search(r"trace hash: ([0-9a-f]{16})", summary)
    h2 = re.search(r"trace hash: ([0-9a-f]{16})", sim.stdout.decode())
    if not h1 or not h2:
        fail("no trace hash: serve %r, simulate %r %r" % (summary, sim.stdout.decode(), sim.stderr.decode()))
    expect_eq("the saved session's hash", h2.group(1), h1.group(1))


def qemu_echo(line):
    """QEMU's readline echo of a typed line: after each byte, back over the line, the line, ESC [ K."""
    return "".join("\x1b[D" * (i - 1) + line[:i] + "\x1b[K" for i in range(1, len(line) + 1)) + "\r\n"


def case_log_roundtrip(pcisim, tmp):
    """serve --log, import-qmp --absolute, simulate: the same records at the same times."""
    qsock, msock = os.path.join(tmp, "qmp.sock"), os.path.join(tmp, "mon.sock")
    log, trace = os.path.join(tmp, "session.log"), os.path.join(tmp, "serve.jsonl")
    p, out, err = serve(pcisim, tmp, "--qmp", "unix:" + qsock, "--monitor", "unix:" + msock,
                        "--log", log, "--trace-out", trace)
    wait_listening(err, "monitor")
    socat_session(qsock, [
        '{"execute": "qmp_capabilities"}',
        '{"execute": "x-pcisim-advance", "arguments": {"duration": "500ms"}}',
        '{"execute": "device_del", "arguments": {"id": "cxl-type1-0"}}',
        '{"execute": "query-pci"}',
    ])
    subprocess.run(["socat", "-t", "5", "-", "UNIX-CONNECT:" + msock], timeout=60,
                   input=b"device_add cxl-type1,id=cxl-type1-0,bus=root_port13,memdev=cxl-mem1,lsa=cxl-lsa1\n"
                         b"pcie_aer_inject_error cxl-type1-0 POISON_TLP\n", stdout=subprocess.DEVNULL)
    socat_session(qsock, ['{"execute": "qmp_capabilities"}',
                          '{"execute": "set_link", "arguments": {"name": "cxl-type1-0", "up": false}}',
                          '{"execute": "quit"}'])
    rc, summary = finish(p, out)
    expect_eq("exit status", rc, 0)
    scen = os.path.join(tmp, "imported.yaml")
    r = subprocess.run([pcisim, "import-qmp", log, "--absolute", "--scenario", MACHINE, "-o", scen],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if r.returncode != 0:
        fail("import-qmp --absolute: exit %d: %s" % (r.returncode, r.stderr.decode()))
    with open(scen) as f:
        steps = [l.split("#")[0].strip() for l in f if l.strip().startswith("- {at:")]
    expect_eq("the steps imported from serve's log", [re.sub(r"at: [^,]*", "at: T", s) for s in steps], [
        '- {at: T, do: device_del, id: "cxl-type1-0"}',
        '- {at: T, do: device_add, driver: "cxl-type1", id: "cxl-type1-0", bus: "root_port13", memdev: "cxl-mem1", lsa: "cxl-lsa1"}',
        '- {at: T, do: pcie_aer_inject_error, args: "cxl-type1-0 POISON_TLP", expect_error: "true"}',
        '- {at: T, do: set_link, id: "cxl-type1-0", state: "off"}',
    ])
    strace = os.path.join(tmp, "sim.jsonl")
    r = subprocess.run([pcisim, "simulate", scen, "--trace-out", strace], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    if r.returncode != 0:
        fail("simulate the import: exit %d: %s" % (r.returncode, r.stderr.decode()))

    def records(path):
        with open(path) as f:
            return [l for l in f if '"sim.end"' not in l]
    a, b = records(trace), records(strace)
    if a != b:
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                fail("record %d differs:\n  serve:    %s  simulate: %s" % (i, x, y))
        fail("serve made %d records, simulate %d" % (len(a), len(b)))


def case_stop_and_limits(pcisim, tmp):
    """A stop step ends the run (later commands are refused, the saved session replays); a run limit exits 3."""
    sock = os.path.join(tmp, "qmp.sock")
    saved = os.path.join(tmp, "s.yaml")
    err = open(os.path.join(tmp, "serve.err"), "w+")
    out = open(os.path.join(tmp, "serve.out"), "w+")
    p = subprocess.Popen([pcisim, "serve", os.path.join(HERE, "stop-at-3s.yaml"), "--qmp", "unix:" + sock,
                          "--clock", "manual", "--event-hold", "0"], stdout=out, stderr=err)
    wait_listening(err, "qmp")
    got = socat_session(sock, [
        '{"execute": "qmp_capabilities"}',
        '{"execute": "device_del", "arguments": {"id": "cxl-type1-0"}}',
        '{"execute": "x-pcisim-advance", "arguments": {"duration": "10s"}}',
        '{"execute": "set_link", "arguments": {"name": "cxl-type1-0", "up": false}}',
        '{"execute": "x-pcisim-save", "arguments": {"file": "%s"}}' % saved,
        '{"execute": "quit"}',
    ]).split("\r\n")
    stopped = '{"error": {"class": "GenericError", "desc": "pcisim: the scenario stopped the run at 3s (a stop step); nothing runs any more"}}'
    expect_eq("advance past the stop", got[3], stopped)
    expect_eq("a command after the stop", got[4], stopped)
    expect_eq("save", got[5], '{"return": {"file": "%s", "steps": 1, "until": "3s"}}' % saved)
    rc, summary = finish(p, out)
    expect_eq("exit status", rc, 0)
    sim = subprocess.run([pcisim, "simulate", saved], stdout=subprocess.PIPE, timeout=60).stdout.decode()
    expect_eq("simulate's hash of the saved session", re.findall(r"trace hash: \w+", sim), re.findall(r"trace hash: \w+", summary))
    if "(stopped)" not in summary:
        fail("serve's summary: %r" % summary)

    p, out, err = serve(pcisim, tmp, "--qmp", "unix:" + sock, "--max-events", "30", "--event-hold", "0")
    wait_listening(err, "qmp")
    got = socat_session(sock, ['{"execute": "qmp_capabilities"}',
                               '{"execute": "device_del", "arguments": {"id": "cxl-type1-0"}}',
                               '{"execute": "device_del", "arguments": {"id": "cxl-type1-0"}}',
                               '{"execute": "quit"}']).split("\r\n")
    expect_eq("a command after the limit", got[3],
              '{"error": {"class": "GenericError", "desc": "pcisim: the run was stopped at 5.000000000001s by its event limit; nothing runs any more"}}')
    rc, summary = finish(p, out)
    expect_eq("exit status after a run limit", rc, 3)
    err.seek(0)
    if "error: the run stopped at 5.000000000001s after 30 events: event limit (--max-events 30)" not in err.read():
        fail("the limit's message")
    expect_eq("no verdict after a limit", summary, "")


def case_hmp_nc(pcisim, tmp):
    """The HMP monitor over TCP with nc: the guide's echo | nc, then a session."""
    # Debian's nc waits for the server after its input ends (no -N): --hmp-idle-close
    # ends such a connection once it has been quiet a while
    p, out, err = serve(pcisim, tmp, "--monitor", "tcp:127.0.0.1:0", "--hmp-idle-close", "300",
                        "--trace-out", os.path.join(tmp, "t.jsonl"))
    addr = wait_listening(err, "monitor")
    port = addr.rsplit(":", 1)[1]
    # the guide's form, unchanged but for the port
    r = subprocess.run("echo \"set_link cxl-type1-0 off\" | nc localhost %s" % port, shell=True,
                       stdout=subprocess.PIPE, timeout=60)
    expect_eq("echo set_link | nc", r.stdout.decode(),
              "QEMU 8.1.0 monitor - type 'help' for more information\r\n(qemu) " +
              qemu_echo("set_link cxl-type1-0 off") + "(qemu) ")
    r = subprocess.run(["nc", "-N", "localhost", port], input=b"info version\nset_link cxl-type1-0 on\n"
                       b"set_link cxl-type1-0 sideways\ndevice_del nope\ndevice_add nope-dev\n"
                       b"frobnicate\npcie_aer_inject_error cxl-type1-0 RCVR\ninfo pci\nquit\n",
                       stdout=subprocess.PIPE, timeout=60)
    rc, summary = finish(p, out)
    got = r.stdout.decode()
    e = qemu_echo
    want_start = ("QEMU 8.1.0 monitor - type 'help' for more information\r\n"
                  "(qemu) " + e("info version") + "8.1.0 (pcisim 0.1.0)\r\n"
                  "(qemu) " + e("set_link cxl-type1-0 on") +
                  "(qemu) " + e("set_link cxl-type1-0 sideways") + "Error: Parameter 'up' expects 'on' or 'off'\r\n"
                  "(qemu) " + e("device_del nope") + "Error: Device 'nope' not found\r\n"
                  "(qemu) " + e("device_add nope-dev") + "Error: 'nope-dev' is not a valid device model name\r\n"
                  "(qemu) " + e("frobnicate") + "unknown command: 'frobnicate'\r\n"
                  "(qemu) " + e("pcie_aer_inject_error cxl-type1-0 RCVR") + "OK id: cxl-type1-0 root bus: 0000:00, bus: 1 devfn: 0.0\r\n"
                  "(qemu) " + e("info pci") + "  Bus  0, device   0, function 0:\r\n"
                  "    Host bridge: PCI device 8086:29c0\r\n")
    expect_eq("the HMP session's start", got[:len(want_start)], want_start)
    for needle in ["    PCI bridge: PCI device 1b36:000c\r\n", '      id "root_port13"\r\n',
                   "  Bus  1, device   0, function 0:\r\n", '      id "cxl-type1-0"\r\n']:
        if needle not in got:
            fail("info pci lacks %r:\n%s" % (needle, got))
    expect_eq("exit status", rc, 0)
    with open(os.path.join(tmp, "t.jsonl")) as f:
        states = [json.loads(l)["fields"]["state"] for l in f if '"link.state"' in l]
    expect_eq("set_link's link.state records", states, ["down", "up"])


class Recorder:
    pass


def case_guide_script(pcisim, tmp):
    """The guide's Python QMP script, unchanged, against pcisim serve on localhost:4444."""
    script = os.path.join(HERE, "guide_qmp_script.py")
    # The script's socket traffic, recorded around the unchanged script.
    wrapper = os.path.join(tmp, "wrap.py")
    log = os.path.join(tmp, "traffic.txt")
    with open(wrapper, "w") as f:
        f.write("""import socket, sys, runpy
log = open(%r, "w", newline="")
class S(socket.socket):
    def sendall(self, b, *a):
        log.write("-> " + b.decode()); log.flush()
        return super().sendall(b, *a)
    def recv(self, n, *a):
        b = super().recv(n, *a)
        log.write("<- " + b.decode()); log.flush()
        return b
socket.socket = S
runpy.run_path(%r, run_name="__main__")
""" % (log, script))
    trace = os.path.join(tmp, "t.jsonl")
    inner = ("%s serve %s --qmp tcp:127.0.0.1:4444 --once --trace-out %s 2>%s/serve.err >%s/serve.out & "
             "for i in $(seq 100); do grep -q listening %s/serve.err 2>/dev/null && break; sleep 0.1; done; "
             "%s %s; rc=$?; wait; exit $rc") % (pcisim, MACHINE, trace, tmp, tmp, tmp, sys.executable, wrapper)
    if subprocess.run(["unshare", "-rn", "true"], stderr=subprocess.DEVNULL).returncode == 0:
        cmd = ["unshare", "-rn", "sh", "-c", "ip link set lo up && " + inner]
    else:
        cmd = ["sh", "-c", inner]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if r.returncode != 0:
        fail("the guide's script: exit %d\n%s%s" % (r.returncode, r.stdout.decode(), r.stderr.decode()))
    with open(log, newline="") as f:
        traffic = f.read()
    want = (
        '<- {"QMP": {"version": {"qemu": {"micro": 0, "minor": 1, "major": 8}, "package": "pcisim 0.1.0"}, "capabilities": ["oob"]}}\r\n'
        '-> {"execute": "qmp_capabilities"}\n'
        '<- {"return": {}}\r\n'
        '-> {"execute": "device_del", "arguments": {"id": "cxl-type1-0"}}\n'
        '<- {"return": {}}\r\n'
        '-> {"execute": "device_add", "arguments": {"driver": "cxl-type1", "id": "cxl-type1-0", "bus": "root_port13", "memdev": "cxl-mem1", "lsa": "cxl-lsa1"}}\n'
        # during the script's sleep(5) the event arrived; its next recv reads it
        '<- {"timestamp": {"seconds": 6, "microseconds": 0}, "event": "DEVICE_DELETED", "data": {"device": "cxl-type1-0", "path": "/machine/peripheral/cxl-type1-0"}}\r\n'
    )
    expect_eq("the guide script's traffic", traffic, want)
    with open(trace) as f:
        recs = [json.loads(l) for l in f]
    added = [r for r in recs if r["kind"] == "linux.device" and r["fields"].get("event") == "added"]
    if not any(r["kind"] == "pci.hotplug" for r in recs) or len(added) < 2:
        fail("the device was not hot-added back and bound (pci.hotplug, linux.device added)")


IMPORT_LOG = """\
# a QMP log as a client wrote it (timestamps in brackets), with replies and events
[2024-05-01 12:00:00.000] {"QMP": {"version": {"qemu": {"micro": 0, "minor": 1, "major": 8}, "package": ""}, "capabilities": ["oob"]}}
[2024-05-01 12:00:00.100] -> {"execute": "qmp_capabilities"}
[2024-05-01 12:00:00.101] <- {"return": {}}
[2024-05-01 12:00:01.000] -> {"execute": "query-pci"}
[2024-05-01 12:00:02.000] -> {"execute": "device_del", "arguments": {"id": "cxl-type1-0"}}
<- {"timestamp": {"seconds": 1714564808, "microseconds": 2}, "event": "DEVICE_DELETED", "data": {"device": "cxl-type1-0", "path": "/machine/peripheral/cxl-type1-0"}}
2024-05-01T12:00:10.000Z (qemu) device_add cxl-type1,id=cxl-type1-0,bus=root_port13,memdev=cxl-mem1,lsa=cxl-lsa1
(qemu) info pci
  Bus  0, device   0, function 0:
[2024-05-01 12:00:12.500] (QEMU) set_link name=cxl-type1-0 up=false
"""


def case_import(pcisim, tmp):
    """A transcript becomes a scenario; simulate runs its commands at the transcript's times."""
    log = os.path.join(tmp, "session.log")
    with open(log, "w") as f:
        f.write(IMPORT_LOG)
    out = os.path.join(tmp, "imported.yaml")
    r = subprocess.run([pcisim, "import-qmp", log, "-o", out, "--scenario", MACHINE],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if r.returncode != 0:
        fail("import-qmp: exit %d: %s" % (r.returncode, r.stderr.decode()))
    with open(out) as f:
        text = f.read()
    steps = [l.strip() for l in text.splitlines() if l.strip().startswith("- {at:")]
    expect_eq("the imported timeline", steps, [
        '- {at: 3s, do: device_del, id: "cxl-type1-0"}  # %s:6' % log,
        '- {at: 11s, do: device_add, driver: "cxl-type1", id: "cxl-type1-0", bus: "root_port13", memdev: "cxl-mem1", lsa: "cxl-lsa1"}  # %s:8' % log,
        '- {at: 13.5s, do: set_link, id: "cxl-type1-0", state: "off"}  # %s:11' % log,
    ])
    sim = subprocess.run([pcisim, "simulate", out, "--timeline"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, timeout=120)
    tl = sim.stdout.decode()
    if sim.returncode != 0:
        fail("simulate the import: exit %d\n%s" % (sim.returncode, sim.stderr.decode()))
    # device_del at 3 s: the button's 5 s and the indicator's 1 s later QEMU unplugs
    for pat in [r"\b9\.0+ .*cxl-type1-0 +pci\.unplug ", r"\b11\.0+ .*cxl-type1-0 +pci\.hotplug ", r"\b13\.50+ .*root_port13 +link\.state +state=down"]:
        if not re.search(pat, tl):
            fail("the imported run lacks /%s/:\n%s" % (pat, "\n".join(l for l in tl.splitlines() if "pci." in l or "link.state" in l)))


def case_import_guide_session(pcisim, tmp):
    """The guide's monitor session: commands pcisim does not model are left out, with a warning."""
    log = os.path.join(tmp, "guide.log")
    with open(log, "w") as f:
        f.write("(qemu) info pci\n# Find your CXL device (look for bus 0d:00.0)\n\n"
                "(qemu) device_del cxl-type1-0\n# Device is now being removed\n"
                "(qemu) pcie_aer_inject_error -u id=cxl-type1-0,error=UNCOR_POISON_TLP\n"
                "(qemu) cxl-inject-poison 0x0 0x40\n"
                '{"execute": "query-status"}\n'
                "(qemu) set_link cxl-type1-0 off\n")
    r = subprocess.run([pcisim, "import-qmp", log, "--scenario", MACHINE, "--gap", "500ms"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    expect_eq("exit status", r.returncode, 0)
    expect_eq("warnings", r.stderr.decode().splitlines()[:1],
              ["%s:7:8: warning: HMP 'cxl-inject-poison' is not modelled; left out" % log])
    if not r.stderr.decode().splitlines()[1].startswith("%s:8:1: warning: QMP 'query-status' is not modelled (pcisim's QMP commands: " % log):
        fail("the QMP warning: %r" % r.stderr.decode())
    steps = [l.strip() for l in r.stdout.decode().splitlines() if l.strip().startswith("- {at:")]
    expect_eq("the steps", steps, [
        '- {at: 1.5s, do: device_del, id: "cxl-type1-0"}  # %s:4' % log,
        '- {at: 2s, do: pcie_aer_inject_error, args: "-u id=cxl-type1-0,error=UNCOR_POISON_TLP", expect_error: "true"}  # %s:6' % log,
        '- {at: 2.5s, do: set_link, id: "cxl-type1-0", state: "off"}  # %s:9' % log,
    ])


def case_import_bad(pcisim, tmp):
    """A line that is neither QMP nor HMP: file:line:col, exit 2."""
    log = os.path.join(tmp, "bad.log")
    with open(log, "w") as f:
        f.write('[12:00:00.000] {"execute": "qmp_capabilities"}\n'
                '[12:00:01.000] {"execute": "device_del", "arguments": {"id": "x"}\n')
    r = subprocess.run([pcisim, "import-qmp", log], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    expect_eq("exit status (truncated JSON)", r.returncode, 2)
    if not r.stderr.decode().startswith("%s:2:" % log) or "JSON parse error" not in r.stderr.decode():
        fail("truncated JSON: %r" % r.stderr.decode())
    with open(log, "w") as f:
        f.write('[12:00:00.000] (qemu) info pci\n  Bus  0, device   0, function 0:\n'
                '-> {"execute": 42}\n')
    r = subprocess.run([pcisim, "import-qmp", log], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    expect_eq("exit status (execute not a string)", r.returncode, 2)
    expect_eq("execute not a string", r.stderr.decode(),
              "%s:3:4: error: QMP input member 'execute' must be a string\n" % log)
    with open(log, "w") as f:
        f.write('(qemu) device_add cxl-type1,bus=root_port13\n(qemu) set_link cxl-type1-0\n')
    r = subprocess.run([pcisim, "import-qmp", log], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    expect_eq("exit status (set_link without on/off)", r.returncode, 2)
    expect_eq("set_link without on/off", r.stderr.decode(), "%s:2:8: error: Parameter 'up' is missing\n" % log)
    with open(log, "w") as f:
        f.write("hello there\n")
    r = subprocess.run([pcisim, "import-qmp", log], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    expect_eq("exit status (prose)", r.returncode, 2)
    if not r.stderr.decode().startswith("%s:1:1: error: not a QMP or HMP line; expected" % log):
        fail("prose: %r" % r.stderr.decode())


def case_serve_bad(pcisim, tmp):
    """Bad command lines: exit 2 with the expected form."""
    cases = [
        ([], "pcisim serve: error: missing the scenario FILE"),
        ([MACHINE], "pcisim serve: error: nothing to serve: give --qmp ADDR"),
        ([MACHINE, "--qmp", "udp:1"], "pcisim serve: error: option '--qmp': unknown address 'udp:1'; expected tcp:HOST:PORT or unix:PATH"),
        ([MACHINE, "--qmp", "tcp:127.0.0.1:99999"], "pcisim serve: error: option '--qmp': bad port '99999'"),
        ([MACHINE, "--qmp", "unix:x", "--clock", "fast"], "pcisim serve: error: option '--clock' needs 'auto' or 'manual', not 'fast'"),
    ]
    for args, msg in cases:
        r = subprocess.run([pcisim, "serve"] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        expect_eq("exit status of serve %s" % args, r.returncode, 2)
        if not r.stderr.decode().startswith(msg):
            fail("serve %s: expected %r, got %r" % (args, msg, r.stderr.decode()))


CASES = {
    "socat": case_socat,
    "save_roundtrip": case_save_roundtrip,
    "manual_clock": case_manual_clock,
    "log_roundtrip": case_log_roundtrip,
    "stop_and_limits": case_stop_and_limits,
    "hmp_nc": case_hmp_nc,
    "guide_script": case_guide_script,
    "import": case_import,
    "import_guide_session": case_import_guide_session,
    "import_bad": case_import_bad,
    "serve_bad": case_serve_bad,
    "cxl": case_cxl,
    "cxl_migrate": case_cxl_migrate,
    "dcd": case_dcd,
}

if __name__ == "__main__":
    pcisim, case = os.path.abspath(sys.argv[1]), sys.argv[2]
    for tool in ("socat", "nc"):
        if case in ("socat", "save_roundtrip", "manual_clock", "log_roundtrip", "stop_and_limits", "hmp_nc", "cxl", "cxl_migrate", "dcd") and not shutil.which(tool):
            print("SKIP: %s is not installed" % tool)
            sys.exit(77)
    tmp = tempfile.mkdtemp(prefix="pcisim-qmp-")
    try:
        CASES[case](pcisim, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("ok " + case)
