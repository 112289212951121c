"""Drive a real qemu-system-x86_64 with no guest, as firmware and guest would.

QEMU runs with TCG and its CPUs stopped (-S). Two channels:
  - the qtest protocol on QEMU's stdin/stdout (-qtest stdio): port I/O (outl/inl for
    configuration mechanism #1 at 0xcf8/0xcfc), memory reads and writes (readl/writel
    on MMCONFIG once it is programmed, MSI-X tables, the RAM words that MSI messages
    land in), and IRQ interception. Debian's build has no qtest accelerator, but the
    qtest server itself works with -accel tcg: it executes each command in QEMU's main
    loop, exactly as a CPU access to the same address would be dispatched.
  - QMP on a unix socket that this process listens on (QEMU connects to it), for
    query-pci, migrate, query-migrate, quit and the HMP monitor commands
    (device_add, device_del, pcie_aer_inject_error) via human-monitor-command.
"""
import json
import os
import select
import shutil
import socket
import subprocess
import tempfile
import time

QEMU = "qemu-system-x86_64"
MMCFG_BASE = 0xb0000000  # where the harness puts q35's MMCONFIG window (as SeaBIOS does)


class QemuError(Exception):
    pass


class Qemu:
    def __init__(self, workdir, name, machine, devices, globals_=(), incoming=None, timeout=20,
                 extra_args=()):
        self.workdir = workdir
        self.name = name
        self.timeout = timeout
        os.makedirs(workdir, exist_ok=True)
        # unix socket paths are short (108 bytes): the socket lives in its own /tmp dir
        self.sockdir = tempfile.mkdtemp(prefix="qd")
        self.qmp_path = os.path.join(self.sockdir, "qmp")
        self.stderr_path = os.path.join(workdir, name + ".stderr")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(self.qmp_path)
        listener.listen(1)
        self.args = [QEMU, "-accel", "tcg", "-S", "-display", "none", "-nodefaults",
                     "-machine", machine, "-m", "128",
                     "-qtest", "stdio", "-qtest-log", "/dev/null",
                     "-qmp", "unix:" + self.qmp_path]
        self.args += list(extra_args)  # -object lines (a CXL device's memory backends)
        for g in globals_:
            self.args += ["-global", g]
        for d in devices:
            self.args += ["-device", d]
        if incoming:
            self.args += ["-incoming", incoming]
        self.errf = open(self.stderr_path, "w")
        self.p = subprocess.Popen(self.args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=self.errf, text=True, bufsize=1)
        self.events = []
        self.irq_lines = []
        self._qtbuf = b""
        self.version = None
        self.sock = self.qmpf = None
        listener.settimeout(timeout)
        try:
            self.sock, _ = listener.accept()
            self.sock.settimeout(timeout)
            self.qmpf = self.sock.makefile("rw")
            greeting = self._qmp_read()
            self.version = greeting["QMP"]["version"]["qemu"]
            self.qmp("qmp_capabilities")
        except (OSError, QemuError, ValueError) as e:
            # a migration destination may load (and fail) before the handshake ends
            if not incoming:
                self.p.kill()
                raise QemuError("%s: no QMP connection (%s): %s" % (name, e, self.stderr()))
        finally:
            listener.close()

    # ---- QMP ----

    def _qmp_read(self):
        line = self.qmpf.readline()
        if not line:
            raise QemuError("%s: QMP closed: %s" % (self.name, self.stderr()))
        return json.loads(line)

    def qmp(self, cmd, **args):
        msg = {"execute": cmd}
        if args:
            msg["arguments"] = args
        self.qmpf.write(json.dumps(msg) + "\n")
        self.qmpf.flush()
        while True:
            r = self._qmp_read()
            if "event" in r:
                self.events.append(r)
                continue
            return r

    def hmp(self, line):
        """An HMP command; returns its output text (errors are text too, as the monitor prints)."""
        r = self.qmp("human-monitor-command", **{"command-line": line})
        if "error" in r:
            return "Error: " + r["error"]["desc"]
        return r["return"]

    # ---- qtest ----

    def _qt_line(self, what):
        """The next line QEMU's qtest server sent (read unbuffered, so select() is exact)."""
        deadline = time.monotonic() + self.timeout
        while b"\n" not in self._qtbuf:
            fd = self.p.stdout.fileno()
            if not select.select([fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
                raise QemuError("%s: qtest '%s' timed out" % (self.name, what))
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise QemuError("%s: qtest closed at '%s': %s" % (self.name, what, self.stderr()))
            self._qtbuf += chunk
        line, self._qtbuf = self._qtbuf.split(b"\n", 1)
        return line.decode().strip()

    def qt(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        while True:
            resp = self._qt_line(line)
            if resp.startswith("IRQ"):  # asynchronous: an intercepted interrupt line moved
                self.irq_lines.append(resp)
                continue
            if not resp.startswith("OK"):
                raise QemuError("%s: qtest '%s' -> '%s'" % (self.name, line, resp))
            return resp[3:]

    def outl(self, port, v):
        self.qt("outl 0x%x 0x%x" % (port, v))

    def inl(self, port):
        return int(self.qt("inl 0x%x" % port), 16)

    def readl(self, addr):
        return int(self.qt("readl 0x%x" % addr), 16)

    def writel(self, addr, v):
        self.qt("writel 0x%x 0x%x" % (addr, v))

    def mem_read(self, addr, size):
        op = {1: "readb", 2: "readw", 4: "readl", 8: "readq"}[size]
        return int(self.qt("%s 0x%x" % (op, addr)), 16)

    def mem_write(self, addr, size, v):
        op = {1: "writeb", 2: "writew", 4: "writel", 8: "writeq"}[size]
        self.qt("%s 0x%x 0x%x" % (op, addr, v))

    # ---- configuration space ----

    def cf8_read(self, bus, devfn, off):
        """Configuration mechanism #1: a dword at @off (< 256)."""
        self.outl(0xcf8, 0x80000000 | bus << 16 | devfn << 8 | (off & 0xfc))
        return self.inl(0xcfc)

    def cf8_write(self, bus, devfn, off, v):
        self.outl(0xcf8, 0x80000000 | bus << 16 | devfn << 8 | (off & 0xfc))
        self.outl(0xcfc, v)

    def enable_mmcfg(self):
        """Program q35's PCIEXBAR (MCH 00:00.0, 0x60): base 0xb0000000, 256 buses, enabled."""
        self.cf8_write(0, 0, 0x64, 0)
        self.cf8_write(0, 0, 0x60, MMCFG_BASE | 1)

    @staticmethod
    def mmcfg_addr(bus, devfn, off):
        return MMCFG_BASE | bus << 20 | devfn << 12 | off

    def cfg_read(self, bus, devfn, off, size):
        op = {1: "readb", 2: "readw", 4: "readl"}[size]
        return int(self.qt("%s 0x%x" % (op, self.mmcfg_addr(bus, devfn, off))), 16)

    def cfg_write(self, bus, devfn, off, size, v):
        op = {1: "writeb", 2: "writew", 4: "writel"}[size]
        self.qt("%s 0x%x 0x%x" % (op, self.mmcfg_addr(bus, devfn, off), v))

    def cfg_dump(self, bus, devfn, size=4096):
        """The whole configuration space through MMCONFIG, as dword reads."""
        hexdata = self.qt("read 0x%x 0x%x" % (self.mmcfg_addr(bus, devfn, 0), size))
        return bytes.fromhex(hexdata[2:])

    # ---- lifecycle ----

    def stderr(self):
        try:
            self.errf.flush()
            with open(self.stderr_path) as f:
                return f.read()
        except OSError:
            return ""

    def alive(self):
        return self.p.poll() is None

    def wait_exit(self, timeout=None):
        try:
            return self.p.wait(timeout or self.timeout)
        except subprocess.TimeoutExpired:
            return None

    def quit(self):
        if self.alive() and self.qmpf:
            try:
                self.qmp("quit")
            except (QemuError, OSError, ValueError):
                pass
        if self.wait_exit(5) is None:
            self.p.kill()
            self.p.wait()
        for f in (self.p.stdin, self.p.stdout):
            try:
                f.close()
            except OSError:
                pass
        try:
            if self.sock:
                self.sock.close()
        except OSError:
            pass
        self.errf.close()
        shutil.rmtree(self.sockdir, ignore_errors=True)
