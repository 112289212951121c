/*
 * vfio-pci tied to a function of the scenario's machine (sim/pcie/vfio.h): the guest's
 * view of the host function's config space (QEMU's emulated bits over the host's own),
 * writes split between the two, guest MMIO reaching the host function's BAR, the host
 * function's resets and errors seen through the view, the host's Linux not seeing the
 * view, the guest's recovery reading through it, and the checks: endpoints only, one
 * view per host function, the host function passed through, and the slides' Problem B
 * (a multi-function device's topology identical in host and guest).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "testbench.h"
#include "sim/eeh/eeh.h"
#include "sim/eeh/rtas.h"
#include "sim/pcie/caps.h"
#include "sim/pcie/mmio.h"
#include "sim/pcie/regs/aer.h"
#include "sim/pcie/regs/msix.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/pcie/vfio.h"

#define MS PCISIM_MS

/* The host machine: nic0 (an 82576) below rp1 at 01:00.0; @view places its vfio-pci view. */
#define HOST_FMT                                                                                          \
	"version: 1\nname: t\nuntil: %s\nmachine: {type: q35, qemu: \"8.1\", link_model: spec}\n"          \
	"topology:\n  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1}\n"                           \
	"  - {driver: pcisim-endpoint, id: nic0, bus: rp1, vendor-id: 0x8086, device-id: 0x10c9}\n%s"      \
	"host:\n  aer: on\n  drivers:\n    nic0: {vfio: on, guest: {error_detected: need_reset, slot_reset: recovered, resume: on, callback_time: 5ms}}\n" \
	"timeline:\n%s"

static struct tb *host_run(const char *until, const char *view, const char *timeline)
{
	return tb_runf(0, HOST_FMT, until, view, timeline);
}

/* The tie, and the config space QEMU's vfio-pci shows on a root bus. */
static void view_on_root_bus(void **state)
{
	struct tb *t = host_run("10ms", "  - {driver: vfio-pci, host: \"01:00.0\", id: hostdev0, addr: 0x5}\n", "  []\n");
	struct pcisim_pcifn *v = tb_fn(t, "hostdev0"), *h = tb_fn(t, "nic0");
	assert_ptr_equal(pcisim_vfio_host_fn(v), h);
	assert_null(pcisim_vfio_host_fn(h));
	/* passed through: IDs and class are the host's */
	assert_int_equal(pcisim_fn_cfg_read(v, PCI_VENDOR_ID, 4), 0x10c98086);
	assert_int_equal(pcisim_fn_cfg_read(v, PCI_REVISION_ID, 4), pcisim_fn_cfg_read(h, PCI_REVISION_ID, 4));
	assert_int_equal(pcisim_vfio_emulated(v, PCI_VENDOR_ID), 0);
	/* the BARs and ROM are the guest's: unassigned, with the host's sizes */
	assert_int_equal(pcisim_vfio_emulated(v, PCI_BASE_ADDRESS_0), 0xff);
	assert_int_equal(pcisim_fn_cfg_read(v, PCI_BASE_ADDRESS_0, 4), 0);
	pcisim_fn_cfg_write(v, PCI_BASE_ADDRESS_0, 0xffffffff, 4);
	assert_int_equal(pcisim_fn_cfg_read(v, PCI_BASE_ADDRESS_0, 4), 0xfffff000); /* 4 KiB, as nic0's */
	assert_int_equal(pcisim_cfg_get32(&h->cfg, PCI_BASE_ADDRESS_0), 0);         /* not the host's */
	assert_int_equal(pcisim_fn_cfg_read(v, PCI_ROM_ADDRESS, 4), 0);
	/* the capability chain as the host's, MSI-X emulated; the endpoint becomes a Root
	 * Complex Integrated Endpoint without link registers on the root bus */
	uint16_t exp = pcisim_cfg_find_cap(&h->cfg, PCI_CAP_ID_EXP), msix = pcisim_cfg_find_cap(&h->cfg, PCI_CAP_ID_MSIX);
	assert_int_not_equal(exp, 0);
	assert_int_equal(pcisim_fn_cfg_read(v, PCI_CAPABILITY_LIST, 1), pcisim_cfg_get8(&h->cfg, PCI_CAPABILITY_LIST));
	assert_int_equal(pcisim_vfio_emulated(v, PCI_CAPABILITY_LIST), 0xff);
	assert_int_equal(pcisim_vfio_emulated(v, (uint16_t)(msix + 2)), 0xff);
	assert_int_equal((pcisim_fn_cfg_read(v, (uint16_t)(exp + PCI_EXP_FLAGS), 2) & PCI_EXP_FLAGS_TYPE) >> 4,
			 PCI_EXP_TYPE_RC_END);
	assert_int_equal((pcisim_fn_cfg_read(h, (uint16_t)(exp + PCI_EXP_FLAGS), 2) & PCI_EXP_FLAGS_TYPE) >> 4,
			 PCI_EXP_TYPE_ENDPOINT);
	assert_int_equal(pcisim_fn_cfg_read(v, (uint16_t)(exp + PCI_EXP_LNKCAP), 4), 0);
	assert_int_not_equal(pcisim_fn_cfg_read(h, (uint16_t)(exp + PCI_EXP_LNKCAP), 4), 0);
	/* Device Control is the host's */
	assert_int_equal(pcisim_fn_cfg_read(v, (uint16_t)(exp + PCI_EXP_DEVCTL), 2),
			 pcisim_fn_cfg_read(h, (uint16_t)(exp + PCI_EXP_DEVCTL), 2));
	/* the host's Linux does not see the view; it sees nic0 */
	assert_null(tb_find_rec(t, "linux.device", "hostdev0", NULL, NULL));
	assert_non_null(tb_find_rec(t, "linux.device", "nic0", "event", "added"));
	tb_free(t);
}

/* Command: INTx Disable is the guest's, Bus Master and Memory reach the device. */
static void view_writes(void **state)
{
	struct tb *t = host_run("10ms", "  - {driver: vfio-pci, host: \"01:00.0\", id: hostdev0, addr: 0x5}\n", "  []\n");
	struct pcisim_pcifn *v = tb_fn(t, "hostdev0"), *h = tb_fn(t, "nic0");
	uint16_t hcmd = (uint16_t)pcisim_fn_cfg_read(h, PCI_COMMAND, 2);
	assert_int_equal(hcmd & PCI_COMMAND_INTX_DISABLE, 0);
	pcisim_fn_cfg_write(v, PCI_COMMAND, hcmd | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE, 2);
	assert_int_equal(pcisim_fn_cfg_read(v, PCI_COMMAND, 2), hcmd | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
	assert_int_equal(pcisim_fn_cfg_read(h, PCI_COMMAND, 2), hcmd | PCI_COMMAND_MASTER);
	/* Interrupt Line is the guest's */
	pcisim_fn_cfg_write(v, PCI_INTERRUPT_LINE, 0x0b, 1);
	assert_int_equal(pcisim_fn_cfg_read(v, PCI_INTERRUPT_LINE, 1), 0x0b);
	assert_int_equal(pcisim_fn_cfg_read(h, PCI_INTERRUPT_LINE, 1), 0);
	pcisim_fn_cfg_write(v, PCI_BASE_ADDRESS_0, 0xc0000000, 4);
	/* Initiate FLR through the view: the host function is reset */
	uint16_t exp = pcisim_cfg_find_cap(&h->cfg, PCI_CAP_ID_EXP);
	uint16_t devctl = (uint16_t)pcisim_fn_cfg_read(v, (uint16_t)(exp + PCI_EXP_DEVCTL), 2);
	pcisim_fn_cfg_write(v, (uint16_t)(exp + PCI_EXP_DEVCTL), devctl | PCI_EXP_DEVCTL_BCR_FLR, 2);
	assert_non_null(tb_find_rec(t, "pci.reset", "nic0", "kind", "flr"));
	/* ... and reads through the view give all ones until it is ready (100 ms) */
	assert_int_equal(pcisim_fn_cfg_read(v, PCI_VENDOR_ID, 2), 0xffff);
	assert_int_equal(pcisim_fn_cfg_read(v, PCI_BASE_ADDRESS_0, 4), 0xc0000000); /* emulated: still there */
	tb_free(t);
}

/* What the test puts behind nic0's BAR 0: a register file of 16 dwords. */
static uint32_t regs[16];

static uint64_t regs_read(void *ctx, uint64_t off, unsigned len)
{
	return off / 4 < 16 ? regs[off / 4] : ~0ull;
}

static void regs_write(void *ctx, uint64_t off, uint64_t val, unsigned len)
{
	if (off / 4 < 16)
		regs[off / 4] = (uint32_t)val;
}

static const struct pcisim_mmio_ops regs_ops = {"test-regs", regs_read, regs_write};

/* Guest MMIO at the view's BAR reaches the host function's BAR. */
static void view_mmio(void **state)
{
	struct tb *t = host_run("10ms", "  - {driver: vfio-pci, host: \"01:00.0\", id: hostdev0, addr: 0x5}\n", "  []\n");
	struct pcisim_pcifn *v = tb_fn(t, "hostdev0"), *h = tb_fn(t, "nic0");
	assert_int_equal(pcisim_mmio_register(h, 0, &regs_ops, NULL), 0);
	/* the host's firmware places nic0; the guest's places its view */
	pcisim_fn_cfg_write(h, PCI_BASE_ADDRESS_0, 0xfe000000, 4);
	pcisim_fn_cfg_write(h, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
	pcisim_fn_cfg_write(v, PCI_BASE_ADDRESS_0, 0xc0000000, 4);
	pcisim_fn_cfg_write(v, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
	regs[3] = 0x12345678;
	struct pcisim_mmio_target g = pcisim_mmio_decode(&t->sim, 0xc000000c);
	assert_ptr_equal(g.fn, v);
	assert_int_equal(pcisim_mmio_read(&g, 4), 0x12345678);
	assert_true(pcisim_mmio_write(&g, 0xcafe, 4));
	assert_int_equal(regs[3], 0xcafe);
	/* the host function's memory decoding off: the guest reads all ones */
	pcisim_fn_cfg_write(h, PCI_COMMAND, 0, 2);
	assert_int_equal(pcisim_mmio_read(&g, 4), 0xffffffff);
	tb_free(t);
}

/*
 * Below a port: still an Endpoint, its Link Status emulated; the host's errors show (at
 * 3 ms: the guest's own recovery resets the device at 7 ms).
 */
static void view_below_port(void **state)
{
	struct tb *t = host_run("3ms",
				"  - {driver: pcie-root-port, id: root.1, chassis: 2, slot: 2, addr: 0x1c}\n"
				"  - {driver: vfio-pci, sysfsdev: /sys/bus/pci/devices/0000:01:00.0, id: hostdev0, bus: root.1}\n",
				"  - {at: 1ms, do: pcie_aer_inject_error, id: nic0, error: POISON_TLP}\n");
	struct pcisim_pcifn *v = tb_fn(t, "hostdev0"), *h = tb_fn(t, "nic0");
	assert_ptr_equal(pcisim_vfio_host_fn(v), h);
	uint16_t exp = pcisim_cfg_find_cap(&h->cfg, PCI_CAP_ID_EXP);
	assert_int_equal((pcisim_fn_cfg_read(v, (uint16_t)(exp + PCI_EXP_FLAGS), 2) & PCI_EXP_FLAGS_TYPE) >> 4,
			 PCI_EXP_TYPE_ENDPOINT);
	assert_int_equal(pcisim_vfio_emulated(v, (uint16_t)(exp + PCI_EXP_LNKSTA)), 0xff);
	assert_int_equal(pcisim_vfio_emulated(v, (uint16_t)(exp + PCI_EXP_LNKCAP)), 0);
	/* AER is the host function's: the error it logged (the host's Linux cleared its
	 * status after recovering), its mask as the host sets it, writes through */
	uint16_t aer = pcisim_cfg_find_ext_cap(&h->cfg, PCI_EXT_CAP_ID_ERR);
	assert_int_equal(aer, 0x100);
	assert_int_equal(pcisim_fn_cfg_read(v, aer, 2), PCI_EXT_CAP_ID_ERR);
	assert_non_null(tb_find_rec(t, "aer.error", "nic0", "name", "POISON_TLP"));
	pcisim_fn_cfg_write(h, (uint16_t)(aer + PCI_ERR_UNCOR_MASK), 0x00100000, 4);
	assert_int_equal(pcisim_fn_cfg_read(v, (uint16_t)(aer + PCI_ERR_UNCOR_MASK), 4), 0x00100000);
	pcisim_fn_cfg_write(v, (uint16_t)(aer + PCI_ERR_UNCOR_MASK), 0x00001000, 4);
	assert_int_equal(pcisim_cfg_get32(&h->cfg, (uint16_t)(aer + PCI_ERR_UNCOR_MASK)), 0x00001000);
	tb_free(t);
}

/* The guest's recovery reads through the view and names its device by the view. */
static void guest_recovery_through_view(void **state)
{
	struct tb *t = host_run("3s",
				"  - {driver: pcie-root-port, id: root.1, chassis: 2, slot: 2, addr: 0x1c}\n"
				"  - {driver: vfio-pci, host: \"01:00.0\", id: hostdev0, bus: root.1}\n",
				"  - {at: 1s, do: pcie_aer_inject_error, id: nic0, error: DLP}\n");
	const struct pcisim_record *r = tb_find_log(t, "pci 0000:02:00.0: AER: error_detected: device reads all ones");
	assert_non_null(r);
	assert_int_equal(r->t, 1006 * MS + 196 * PCISIM_NS);
	assert_non_null(tb_find_log(t, "pcieport 0000:00:1c.0: AER: device recovery failed"));
	assert_int_equal(tb_count(t, "pci.reset", "why", "secondary bus reset"), 2);
	tb_free(t);
	/* the guest's DMA through its view is nic0's: frozen while the guest recovers */
	t = host_run("3s",
		     "  - {driver: pcie-root-port, id: root.1, chassis: 2, slot: 2, addr: 0x1c}\n"
		     "  - {driver: vfio-pci, host: \"01:00.0\", id: hostdev0, bus: root.1}\n",
		     "  - {at: 500ms, do: io_start, name: tx, id: hostdev0, op: dma_write, rate: 1000, size: 1500}\n"
		     "  - {at: 1s, do: pcie_aer_inject_error, id: nic0, error: DLP}\n"
		     "  - {at: 2s, do: io_stop, name: tx}\n");
	assert_non_null(tb_find_rec(t, "io.start", "nic0", "io", "tx"));
	const struct pcisim_record *stop = tb_find_rec(t, "io.stop", "nic0", "io", "tx");
	assert_non_null(stop);
	assert_string_equal(tb_field(stop, "completed"), "500");
	tb_free(t);
}

/* A host device outside the scenario (another domain, or no function there): standalone. */
static void standalone(void **state)
{
	struct tb *t = host_run("10ms", "  - {driver: vfio-pci, host: \"0001:01:00.0\", id: hostdev0, addr: 0x5}\n"
					"  - {driver: vfio-pci, host: \"07:00.0\", id: hostdev1, addr: 0x6}\n",
				"  []\n");
	assert_null(pcisim_vfio_host_fn(tb_fn(t, "hostdev0")));
	assert_null(pcisim_vfio_host_fn(tb_fn(t, "hostdev1")));
	assert_int_equal(pcisim_fn_cfg_read(tb_fn(t, "hostdev0"), PCI_VENDOR_ID, 4), 0x10c98086);
	assert_int_equal(pcisim_vfio_emulated(tb_fn(t, "hostdev0"), PCI_BASE_ADDRESS_0), 0);
	tb_free(t);
}

static void load_error(const char *view, const char *drivers, const char *want)
{
	char text[4096];
	snprintf(text, sizeof(text),
		 "version: 1\nname: t\nmachine: {type: q35}\n"
		 "topology:\n  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1}\n"
		 "  - {driver: pcisim-endpoint, id: nic0, bus: rp1, multifunction: on}\n"
		 "  - {driver: pcisim-endpoint, id: nic1, bus: rp1, addr: 0.1}\n%s"
		 "host:\n  aer: on\n  drivers: %s\n",
		 view, drivers);
	struct tb *t = tb_text(text);
	assert_int_not_equal(t->rc, 0);
	if (!strstr(t->err, want))
		fail_msg("expected '%s' in: %s", want, t->err);
	assert_non_null(strstr(t->err, "t.yaml:"));
	tb_free(t);
}

static void checks(void **state)
{
	const char *both = "{nic0: {vfio: on}, nic1: {vfio: on}}";
	/* only endpoints */
	load_error("  - {driver: vfio-pci, host: \"00:02.0\", id: v0, addr: 0x5}\n", "{}",
		   "vfio: Assignment of PCIe type 0x4 devices is not currently supported (host device 00:02.0 is rp1, not an endpoint)");
	/* one view per host function */
	load_error("  - {driver: vfio-pci, host: \"01:00.0\", id: v0, addr: 0x5, multifunction: on}\n"
		   "  - {driver: vfio-pci, host: \"01:00.0\", id: v1, addr: 0x6}\n",
		   both, "vfio-pci: 01:00.0: device is already attached (to v0)");
	/* the host function passed through */
	load_error("  - {driver: vfio-pci, host: \"01:00.0\", id: v0, addr: 0x5, multifunction: on}\n"
		   "  - {driver: vfio-pci, host: \"01:00.1\", id: v1, addr: 0x5.1}\n",
		   "{}", "vfio-pci 'v0': its host device 0000:01:00.0 is 'nic0', which the host does not pass through; expected 'drivers: {nic0: {vfio: on}}'");
	/* Problem B: every function of the device seen by the guest ... */
	load_error("  - {driver: vfio-pci, host: \"01:00.0\", id: v0, addr: 0x5}\n", both,
		   "expected a -device vfio-pci,host=0000:01:00.1 beside it (the slides' Problem B");
	/* ... as one device, each at its own function number */
	load_error("  - {driver: vfio-pci, host: \"01:00.0\", id: v0, addr: 0x5}\n"
		   "  - {driver: vfio-pci, host: \"01:00.1\", id: v1, addr: 0x6}\n",
		   both, "vfio-pci 'v1': the guest sees host function 0000:01:00.1 at 0000:00:06.0; expected function 1");
	load_error("  - {driver: vfio-pci, host: \"01:00.1\", id: v1, addr: 0x5, multifunction: on}\n"
		   "  - {driver: vfio-pci, host: \"01:00.0\", id: v0, addr: 0x5.1}\n",
		   both, "expected function 1 of the same guest device");
	/* the right topology loads */
	struct tb *t = tb_text("version: 1\nname: t\nmachine: {type: q35}\n"
			       "topology:\n  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1}\n"
			       "  - {driver: pcisim-endpoint, id: nic0, bus: rp1, multifunction: on}\n"
			       "  - {driver: pcisim-endpoint, id: nic1, bus: rp1, addr: 0.1}\n"
			       "  - {driver: vfio-pci, host: \"01:00.0\", id: v0, addr: 0x5, multifunction: on}\n"
			       "  - {driver: vfio-pci, host: \"01:00.1\", id: v1, addr: 0x5.1}\n"
			       "host:\n  aer: on\n  drivers: {nic0: {vfio: on}, nic1: {vfio: on}}\n");
	assert_int_equal(t->rc, 0);
	assert_int_equal(pcisim_fn_cfg_read(tb_fn(t, "v0"), PCI_HEADER_TYPE, 1) & 0x80, 0x80);
	assert_int_equal(pcisim_fn_cfg_read(tb_fn(t, "v1"), PCI_HEADER_TYPE, 1) & 0x80, 0);
	tb_free(t);
}

static char *slurp(const char *rel)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", PCISIM_SOURCE_DIR, rel);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	char *buf = calloc(1, 65536);
	assert_non_null(buf);
	size_t n = fread(buf, 1, 65535, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/*
 * The slides' guest command line (tests/golden/aer-passthrough-guest.sh) in the host's
 * machine: its vfio-pci host=0000:01:00.0 is the host's 82576, the guest's root port is
 * 00:1c.0 and the guest sees the NIC below it; the slides' double reset then runs
 * through the view.
 */
static void slides_command_line(void **state)
{
	char *script = slurp("tests/golden/aer-passthrough-guest.sh");
	char text[8192];
	size_t u = (size_t)snprintf(text, sizeof(text),
				    "version: 1\nname: t\nuntil: 3s\nmachine: {type: q35, qemu: \"8.1\", link_model: spec}\n"
				    "topology:\n  - {driver: pcie-root-port, id: rp1, chassis: 9, slot: 9}\n"
				    "  - {driver: pcisim-endpoint, id: nic0, bus: rp1, vendor-id: 0x8086, device-id: 0x10c9}\n"
				    "  - qemu_args: |\n");
	for (const char *p = script; *p && u < sizeof(text) - 64;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		u += (size_t)snprintf(text + u, sizeof(text) - u, "      %.*s\n", (int)n, p);
		p += n + (e ? 1 : 0);
	}
	snprintf(text + u, sizeof(text) - u,
		 "host:\n  aer: on\n  drivers:\n    nic0: {vfio: on, guest: {error_detected: need_reset, slot_reset: recovered, resume: on, callback_time: 5ms}}\n"
		 "timeline:\n  - {at: 1s, do: pcie_aer_inject_error, id: nic0, error: DLP}\n");
	free(script);
	struct tb *t = tb_runf(0, "%s", text);
	struct pcisim_pcifn *v = tb_fn(t, "hostdev0");
	assert_ptr_equal(pcisim_vfio_host_fn(v), tb_fn(t, "nic0"));
	char bdf[32];
	assert_string_equal(pcisim_fn_bdf_str(v, bdf, sizeof(bdf)), "0000:02:00.0");
	assert_string_equal(pcisim_fn_bdf_str(tb_fn(t, "root.1"), bdf, sizeof(bdf)), "0000:00:1c.0");
	uint16_t exp = pcisim_cfg_find_cap(&v->cfg, PCI_CAP_ID_EXP);
	assert_int_equal((pcisim_fn_cfg_read(v, (uint16_t)(exp + PCI_EXP_FLAGS), 2) & PCI_EXP_FLAGS_TYPE) >> 4,
			 PCI_EXP_TYPE_ENDPOINT);
	assert_non_null(tb_find_log(t, "pcieport 0000:00:1c.0: AER: Uncorrectable (Fatal) error received: 0000:02:00.0"));
	assert_non_null(tb_find_log(t, "pci 0000:02:00.0: AER: error_detected: device reads all ones"));
	assert_non_null(tb_find_log(t, "pcieport 0000:00:1c.0: AER: device recovery failed"));
	tb_free(t);
}

/*
 * The EEH series' guest (tests/golden/eeh-errinjct-guest.yaml, imported): the host's
 * device is in domain 0001, outside the scenario: a standalone vfio-pci (the 82576 its
 * properties describe), which with eeh: qemu is the PHB's one EEH PE.
 */
static void eeh_series_command_line(void **state)
{
	char *y = slurp("tests/golden/eeh-errinjct-guest.yaml");
	char *m = strstr(y, "machine: {type: pseries}");
	assert_non_null(m);
	char text[8192];
	snprintf(text, sizeof(text), "%.*smachine: {type: pseries, eeh: qemu}%s", (int)(m - y), y,
		 m + strlen("machine: {type: pseries}"));
	free(y);
	struct tb *t = tb_text(text);
	assert_int_equal(t->rc, 0);
	struct pcisim_pcifn *v = tb_fn(t, "hostdev0");
	assert_null(pcisim_vfio_host_fn(v));
	assert_int_equal(pcisim_fn_cfg_read(v, PCI_VENDOR_ID, 4), 0x10c98086);
	char bdf[32];
	assert_string_equal(pcisim_fn_bdf_str(v, bdf, sizeof(bdf)), "0000:00:01.0");
	assert_non_null(pcisim_eeh_pe_of(v));
	assert_null(pcisim_eeh_pe_of(tb_fn(t, "emu0")));
	tb_free(t);
}

/*
 * explore over the remedies on a two-function passthrough mirrored in the guest
 * (scenarios/vfio-multifunction-explore.yaml): skip_host_reset and serialize are clean
 * under every schedule, none is not; a guest topology that breaks Problem B is refused
 * by explore with exit 2 and the rule, before any run.
 */
static void explore_multifunction(void **state)
{
	char *out = NULL;
	assert_int_equal(tb_cli(&out, "explore scenarios/vfio-multifunction-explore.yaml"), 0);
	assert_non_null(strstr(out, "41 schedules run"));
	assert_non_null(strstr(out, "no failing schedule exists"));
	free(out);
	assert_int_equal(tb_cli(&out, "explore scenarios/vfio-multifunction-explore.yaml --set host.vfio_remedy=serialize"), 0);
	free(out);
	assert_int_equal(tb_cli(&out, "explore scenarios/vfio-multifunction-explore.yaml --set host.vfio_remedy=none"), 1);
	assert_non_null(strstr(out, "failing schedule:"));
	free(out);
	/* the same with v1 seen as another device of the guest */
	char *y = slurp("scenarios/vfio-multifunction-explore.yaml");
	const char *from = "id: v1, bus: root.1, addr: \"0.1\"";
	char *at = strstr(y, from);
	assert_non_null(at);
	char path[] = "/tmp/pcisim-vfio-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fprintf(f, "%.*sid: v1, addr: 0x6%s", (int)(at - y), y, at + strlen(from));
	fclose(f);
	free(y);
	assert_int_equal(tb_cli(&out, "explore %s", path), 2);
	unlink(path);
	if (!strstr(out, ":33:5: error: vfio-pci 'v1': the guest sees host function 0000:01:00.1 at 0000:00:06.0; "
			 "expected function 1 of the same guest device as its siblings (the slides' Problem B"))
		fail_msg("unexpected output: %s", out);
	free(out);
}

/*
 * A PE reset of a tied view (eeh: qemu: the PHB's VFIO container) is forwarded to the
 * host (VFIO_EEH_PE_RESET): the host's function is reset, QEMU's copy keeps the guest's
 * BAR.
 */
static void pe_reset_forwarded(void **state)
{
	struct tb *t = tb_text("version: 1\nname: t\nmachine: {type: pseries, eeh: qemu}\n"
			       "topology:\n  - {driver: e1000e, id: nic0}\n"
			       "  - {driver: vfio-pci, host: \"00:00.0\", id: hostdev0}\n"
			       "host:\n  drivers: {nic0: {vfio: on}}\n");
	assert_int_equal(t->rc, 0);
	struct pcisim_pcifn *v = tb_fn(t, "hostdev0"), *h = tb_fn(t, "nic0");
	assert_ptr_equal(pcisim_vfio_host_fn(v), h);
	pcisim_fn_cfg_write(v, PCI_BASE_ADDRESS_0, 0x80100000, 4);
	assert_int_equal(pcisim_cfg_get32(&h->cfg, PCI_BASE_ADDRESS_0), 0x80000000u); /* firmware's */
	struct pcisim_rtas_args a = {.nargs = 4, .nret = 1};
	a.args[0] = 0x1; /* (bus << 16) + 1 */
	a.args[1] = (uint32_t)(PCISIM_SPAPR_BASE_BUID >> 32);
	a.args[2] = (uint32_t)PCISIM_SPAPR_BASE_BUID;
	a.args[3] = PCISIM_RTAS_SLOT_RESET_HOT;
	assert_int_equal(pcisim_rtas_call(&t->sim, "ibm,set-slot-reset", &a, "test"), 0);
	assert_non_null(tb_find_rec(t, "pci.reset", "nic0", "why", "ibm,set-slot-reset: hot reset"));
	assert_null(tb_find_rec(t, "pci.reset", "hostdev0", NULL, NULL));
	assert_int_equal(pcisim_cfg_get32(&h->cfg, PCI_BASE_ADDRESS_0), 0);
	assert_int_equal(pcisim_fn_cfg_read(v, PCI_BASE_ADDRESS_0, 4), 0x80100000);
	tb_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(view_on_root_bus),
		cmocka_unit_test(view_writes),
		cmocka_unit_test(view_mmio),
		cmocka_unit_test(view_below_port),
		cmocka_unit_test(guest_recovery_through_view),
		cmocka_unit_test(standalone),
		cmocka_unit_test(checks),
		cmocka_unit_test(slides_command_line),
		cmocka_unit_test(eeh_series_command_line),
		cmocka_unit_test(explore_multifunction),
		cmocka_unit_test(pe_reset_forwarded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
