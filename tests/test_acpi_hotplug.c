/*
 * ACPI PCI hot-plug on q35: the I/O port space's dispatch rules, the PCIHP register
 * block's access rules and BSEL numbering (the values Debian's QEMU 7.2 shows for
 * the same command line), the GPE0 block and the SCI, device_del through ACPI with
 * and without a guest that answers, and the machine-type defaults.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "testbench.h"
#include "sim/core/ioport.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/slot.h"

#define US PCISIM_US
#define MS PCISIM_MS
#define S PCISIM_S

#define PCIHP 0x0cc0
#define GPE_STS 0x0620
#define GPE_EN 0x0628

static struct pcisim_ioport_space *io_of(struct tb *t)
{
	return &pcisim_fabric_get(&t->sim)->machine.io;
}

static uint32_t rd(struct tb *t, uint16_t port)
{
	return pcisim_ioport_read(io_of(t), port, 4);
}

static void wr(struct tb *t, uint16_t port, uint32_t v)
{
	pcisim_ioport_write(io_of(t), port, 4, v);
}

static uint32_t sel_rd(struct tb *t, uint32_t bsel, uint16_t off)
{
	wr(t, PCIHP + 0x10, bsel);
	return rd(t, (uint16_t)(PCIHP + off));
}

/* ---- the I/O port space ---- */

static uint32_t fake_read(void *o, uint16_t off, unsigned w)
{
	(void)w;
	return *(uint32_t *)o + off;
}

static void fake_write(void *o, uint16_t off, unsigned w, uint32_t v)
{
	(void)off;
	(void)w;
	*(uint32_t *)o = v;
}

static void ioport_rules(void **state)
{
	(void)state;
	static const struct pcisim_ioport_ops word_only = {"w", 4, fake_read, fake_write};
	struct pcisim_ioport_space io = {0};
	uint32_t a = 0x100, b = 0x200;
	assert_int_equal(pcisim_ioport_claim(&io, 0x40, 8, &word_only, &a), 0);
	/* overlapping either end is refused; touching is fine */
	assert_int_equal(pcisim_ioport_claim(&io, 0x44, 8, &word_only, &b), -PCISIM_EBUSY);
	assert_int_equal(pcisim_ioport_claim(&io, 0x3c, 5, &word_only, &b), -PCISIM_EBUSY);
	assert_int_equal(pcisim_ioport_claim(&io, 0x48, 4, &word_only, &b), 0);
	assert_int_equal(pcisim_ioport_claim(&io, 0xfffe, 4, &word_only, &b), -PCISIM_EINVAL);
	/* unclaimed: all ones of the width */
	assert_int_equal(pcisim_ioport_read(&io, 0x80, 1), 0xff);
	assert_int_equal(pcisim_ioport_read(&io, 0x80, 2), 0xffff);
	assert_int_equal(pcisim_ioport_read(&io, 0x80, 4), 0xffffffff);
	/* claimed, accepted width: the model, with the offset in its range */
	assert_int_equal(pcisim_ioport_read(&io, 0x44, 4), 0x104);
	assert_int_equal(pcisim_ioport_read(&io, 0x48, 4), 0x200);
	/* claimed, refused width: 0, and writes ignored */
	assert_int_equal(pcisim_ioport_read(&io, 0x44, 1), 0);
	assert_int_equal(pcisim_ioport_read(&io, 0x44, 2), 0);
	pcisim_ioport_write(&io, 0x40, 2, 0x55);
	assert_int_equal(a, 0x100);
	pcisim_ioport_write(&io, 0x40, 4, 0x55);
	assert_int_equal(a, 0x55);
	pcisim_ioport_release(&io, &a);
	assert_int_equal(pcisim_ioport_read(&io, 0x40, 4), 0xffffffff);
	assert_int_equal(pcisim_ioport_read(&io, 0x48, 4), 0x200);
	pcisim_ioport_space_free(&io);
}

/* ---- the PCIHP block ---- */

/* tests/qemu-diff's probe topology: root ports, a switch with two downstream ports,
 * a port with hotplug=off. */
static const char probe_topo[] =
	"  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1, addr: \"0x2\"}\n"
	"  - {driver: e1000e, id: nic1, bus: rp1}\n"
	"  - {driver: pcie-root-port, id: rp2, chassis: 2, slot: 2, addr: \"0x3\"}\n"
	"  - {driver: pcie-root-port, id: rp3, chassis: 3, slot: 3, addr: \"0x4\"}\n"
	"  - {driver: x3130-upstream, id: up3, bus: rp3}\n"
	"  - {driver: xio3130-downstream, id: dn4, bus: up3, chassis: 4, slot: 4, addr: \"0x0\"}\n"
	"  - {driver: e1000e, id: nic4, bus: dn4}\n"
	"  - {driver: xio3130-downstream, id: dn5, bus: up3, chassis: 5, slot: 5, addr: \"0x1\"}\n"
	"  - {driver: pcie-root-port, id: rp6, chassis: 6, slot: 6, addr: \"0x5\", hotplug: off}\n"
	"  - {driver: pcie-root-port, id: rp7, chassis: 7, slot: 7, addr: \"0x6\"}\n";

static void bsel_numbering(void **state)
{
	(void)state;
	struct tb *t = tb_new("7.2", probe_topo, "");
	assert_int_equal(t->rc, 0);
	struct pcisim_fabric *fab = pcisim_fabric_get(&t->sim);
	/*
	 * QEMU 7.2 numbers depth first, a bus's bridges last created first, pcie.0 none:
	 * rp7 0, rp3 1, up3 2, dn5 3, dn4 4, rp2 5, rp1 6; rp6 (hotplug=off) none.
	 */
	static const char *const want[] = {"rp7", "rp3", "up3", "dn5", "dn4", "rp2", "rp1"};
	assert_int_equal(fab->machine.acpi.nbsel, 7);
	for (unsigned i = 0; i < 7; i++)
		assert_string_equal(fab->machine.acpi.bsel[i]->comp.name, want[i]);
	/* the removable bits: cold-plugged bridges cannot be unplugged */
	assert_int_equal(sel_rd(t, 0, 0x0c), 0xffffffff);
	assert_int_equal(sel_rd(t, 1, 0x0c), 0xfffffffe); /* up3 in slot 0 */
	assert_int_equal(sel_rd(t, 2, 0x0c), 0xfffffffc); /* dn4, dn5 in slots 0, 1 */
	assert_int_equal(sel_rd(t, 6, 0x0c), 0xffffffff); /* nic1 is hot-pluggable */
	assert_int_equal(sel_rd(t, 7, 0x0c), 0xffffffff); /* no such bus */
	/* who owns each slot */
	assert_int_equal(pcisim_bridge_hp_owner(tb_fn(t, "rp1")), PCISIM_HP_ACPI);
	assert_int_equal(pcisim_bridge_hp_owner(tb_fn(t, "dn4")), PCISIM_HP_ACPI);
	assert_int_equal(pcisim_bridge_hp_owner(tb_fn(t, "rp6")), PCISIM_HP_NONE);
	assert_string_equal(pcisim_hp_owner_name(PCISIM_HP_ACPI), "acpi");
	tb_free(t);
}

static void pcihp_access_rules(void **state)
{
	(void)state;
	struct tb *t = tb_runf(1 * S,
			       "version: 1\nname: t\nmachine: {type: pc-q35-7.2, qemu: \"7.2\"}\n"
			       "topology:\n%s"
			       "timeline:\n  - {at: 1ms, do: device_add, driver: e1000e, id: nic2, bus: rp2}\n"
			       "  - {at: 2ms, do: device_del, id: nic1}\n",
			       probe_topo);
	/* select, and the registers of the selected bus */
	assert_int_equal(sel_rd(t, 5, 0x10), 5);
	assert_int_equal(rd(t, PCIHP + 0x00), 1); /* rp2: slot 0 added */
	assert_int_equal(rd(t, PCIHP + 0x00), 0); /* ... and the read cleared it */
	assert_int_equal(sel_rd(t, 6, 0x04), 1);  /* rp1: slot 0 removal requested */
	assert_int_equal(rd(t, PCIHP + 0x04), 1); /* down stays until the eject */
	assert_int_equal(rd(t, PCIHP + 0x08), 0); /* eject reads 0 */
	assert_int_equal(rd(t, PCIHP + 0x14), 0); /* acpi-index: none */
	/* only 32-bit accesses: others read 0 and are ignored */
	assert_int_equal(pcisim_ioport_read(io_of(t), PCIHP + 0x10, 1), 0);
	assert_int_equal(pcisim_ioport_read(io_of(t), PCIHP + 0x10, 2), 0);
	pcisim_ioport_write(io_of(t), PCIHP + 0x10, 1, 0);
	assert_int_equal(rd(t, PCIHP + 0x10), 6);
	pcisim_ioport_write(io_of(t), PCIHP + 0x08, 2, 1);
	assert_non_null(tb_fn(t, "nic1"));
	/* a select of 256 or more selects nothing: everything reads 0 */
	assert_int_equal(sel_rd(t, 0x100, 0x10), 0);
	assert_int_equal(rd(t, PCIHP + 0x0c), 0);
	assert_int_equal(sel_rd(t, 0xffffffff, 0x0c), 0);
	/* past the block: not claimed (QEMU's CPU hot-plug block is not modelled) */
	assert_int_equal(rd(t, PCIHP + 0x18), 0xffffffff);
	/* the eject write, as _EJ0 does it: DEVICE_DELETED, down cleared */
	wr(t, PCIHP + 0x10, 6);
	wr(t, PCIHP + 0x08, 1);
	assert_null(pcisim_fabric_find_fn(pcisim_fabric_get(&t->sim), "nic1"));
	const struct pcisim_record *ev = tb_find_rec(t, "qmp.event", "nic1", "event", "DEVICE_DELETED");
	assert_non_null(ev);
	assert_string_equal(tb_field(ev, "path"), "/machine/peripheral/nic1");
	assert_int_equal(sel_rd(t, 6, 0x04), 0);
	/* ejecting a cold-plugged bridge does nothing */
	wr(t, PCIHP + 0x10, 2);
	wr(t, PCIHP + 0x08, 1);
	assert_non_null(tb_fn(t, "dn4"));
	tb_free(t);
}

static void no_pcihp_before_61(void **state)
{
	(void)state;
	struct tb *t = tb_text("version: 1\nname: t\nmachine: {type: pc-q35-6.0, qemu: \"7.2\"}\n"
			       "topology:\n  - {driver: pcie-root-port, id: rp1, chassis: 1, addr: \"0x2\"}\n");
	assert_int_equal(t->rc, 0);
	struct pcisim_fabric *fab = pcisim_fabric_get(&t->sim);
	assert_int_equal(rd(t, PCIHP), 0xffffffff);
	assert_int_equal(fab->machine.acpi.pcihp_base, 0);
	assert_int_equal(fab->machine.acpi.gpe0_base, GPE_STS); /* the GPE block is always there */
	assert_int_equal(pcisim_bridge_hp_owner(tb_fn(t, "rp1")), PCISIM_HP_NATIVE);
	tb_free(t);
}

/* ---- GPE and SCI ---- */

static void gpe_and_sci(void **state)
{
	(void)state;
	struct tb *t = tb_runf(1 * S,
			       "version: 1\nname: t\nmachine: {type: pc-q35-7.2, qemu: \"7.2\"}\n"
			       "topology:\n%s"
			       "timeline:\n  - {at: 1ms, do: device_add, driver: e1000e, id: nic2, bus: rp2}\n",
			       probe_topo);
	struct pcisim_fabric *fab = pcisim_fabric_get(&t->sim);
	struct pcisim_irq *sci = fab->machine.acpi.sci;
	assert_int_equal(pcisim_ioport_read(io_of(t), GPE_STS, 1), 0x02);
	assert_int_equal(sci->level, 0); /* not enabled: no SCI */
	pcisim_ioport_write(io_of(t), GPE_EN, 1, 0x02);
	assert_int_equal(pcisim_ioport_read(io_of(t), GPE_EN, 4), 0x02);
	assert_int_equal(sci->level, 1);
	/* status is write-1-to-clear, byte by byte through a wider access */
	pcisim_ioport_write(io_of(t), GPE_STS, 4, 0x00000001);
	assert_int_equal(sci->level, 1);
	pcisim_ioport_write(io_of(t), GPE_STS, 4, 0x00000002);
	assert_int_equal(pcisim_ioport_read(io_of(t), GPE_STS, 1), 0);
	assert_int_equal(sci->level, 0);
	assert_non_null(tb_find_rec(t, "acpi.gpe", "q35.lpc", "new", "0x2"));
	tb_free(t);
}

/* ---- device_del through ACPI ---- */

static const char del_fmt[] =
	"version: 1\nname: t\nmachine: {type: pc-q35-7.2, qemu: \"%s\"}\n"
	"topology:\n"
	"  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1, addr: \"0x2\"}\n"
	"  - {driver: e1000e, id: nic1, bus: rp1}\n"
	"%s"
	"timeline:\n  - {at: 10ms, do: device_del, id: nic1}\n"
	"  - {at: 50ms, do: device_del, id: nic1}\n"
	"  - {at: 60ms, do: device_add, driver: e1000e, id: nic1, bus: rp1}\n";

static void del_with_guest(void **state)
{
	(void)state;
	struct tb *t = tb_runf(1 * S, del_fmt, "7.2", "host: {os: linux}\n");
	/* SCI 20 us, notify 100 us, the driver's removal 1 ms, then _EJ0 */
	const struct pcisim_record *ev = tb_find_rec(t, "qmp.event", "nic1", "event", "DEVICE_DELETED");
	assert_non_null(ev);
	assert_int_equal(ev->t, 10 * MS + 20 * US + 100 * US + 1 * MS);
	const struct pcisim_record *unbind = tb_find_rec(t, "linux.device", "nic1", "event", "removed");
	assert_non_null(unbind);
	assert_int_equal(unbind->t, 10 * MS + 120 * US);
	/* the device is gone: the second device_del names no device; the add succeeds */
	assert_non_null(tb_find_log(t, "Device 'nic1' not found"));
	assert_null(tb_find_log(t, "Duplicate"));
	/* the add is enabled by acpiphp: a Bus Check, then the driver binds 2 ms on */
	const struct pcisim_record *added = tb_find_rec(t, "linux.device", "nic1", "why", "acpiphp: bus check");
	assert_non_null(added);
	assert_int_equal(added->t, 60 * MS + 120 * US + 2 * MS);
	tb_free(t);
}

static void del_without_guest(void **state)
{
	(void)state;
	/* No guest: pending for good on 7.2, the second device_del refused, add fails. */
	struct tb *t = tb_runf(1 * S, del_fmt, "7.2", "");
	assert_null(tb_find_rec(t, "qmp.event", NULL, NULL, NULL));
	assert_non_null(tb_find_log(t, "Device nic1 is already in the process of unplug"));
	assert_non_null(tb_find_log(t, "Duplicate device ID 'nic1'"));
	assert_int_equal(sel_rd(t, 0, 0x04), 1);
	tb_free(t);
	/* A guest that does not answer (acpiphp: off) is the same. */
	t = tb_runf(1 * S, del_fmt, "7.2", "host: {os: linux, acpiphp: off}\n");
	assert_null(tb_find_rec(t, "qmp.event", NULL, NULL, NULL));
	assert_non_null(tb_find_log(t, "already in the process of unplug"));
	assert_int_equal(pcisim_ioport_read(io_of(t), GPE_STS, 1), 0x02);
	tb_free(t);
	/* 8.1: the request may be repeated after 1 ms (and is, at 50 ms). */
	t = tb_runf(1 * S, del_fmt, "8.1", "");
	assert_null(tb_find_log(t, "already in the process of unplug"));
	assert_int_equal(tb_count(t, "acpi.pcihp", "op", "down"), 2);
	tb_free(t);
}

static void del_before_boot_is_hidden(void **state)
{
	(void)state;
	/* Linux clears GPE status at boot: an unplug requested before it is lost. */
	struct tb *t = tb_runf(1 * S, del_fmt, "7.2", "host: {os: linux, boot: 20ms}\n");
	assert_null(tb_find_rec(t, "qmp.event", NULL, NULL, NULL));
	assert_non_null(tb_find_log(t, "already in the process of unplug"));
	tb_free(t);
	/* ... and on 8.1 the repeat at 50 ms completes it */
	t = tb_runf(1 * S, del_fmt, "8.1", "host: {os: linux, boot: 20ms}\n");
	const struct pcisim_record *ev = tb_find_rec(t, "qmp.event", "nic1", "event", "DEVICE_DELETED");
	assert_non_null(ev);
	assert_int_equal(ev->t, 50 * MS + 20 * US + 100 * US + 1 * MS);
	tb_free(t);
}

/* ---- machine-type defaults ---- */

static void compat_defaults(void **state)
{
	(void)state;
	static const struct {
		const char *machine, *qemu, *extra;
		bool pcihp;
	} cases[] = {
		{"pc-q35-6.0", "7.2", "", false}, {"pc-q35-6.1", "7.2", "", true},
		{"pc-q35-7.2", "7.2", "", true},  {"q35", "9.2", "", true},
		{"q35", "7.2", ", acpi-pci-hotplug-with-bridge-support: off", false},
		{"pc-q35-6.0", "8.1", ", acpi-pci-hotplug-with-bridge-support: on", true},
		{"q35", "6.0", "", false}, /* "q35" of a binary before 6.1: no ACPI PCI hot-plug */
		{"q35", "6.1", "", true},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[1024];
		snprintf(text, sizeof(text),
			 "version: 1\nname: t\nmachine: {type: %s, qemu: \"%s\"%s}\n"
			 "topology:\n  - {driver: pcie-root-port, id: rp1, chassis: 1, addr: \"0x2\"}\n",
			 cases[i].machine, cases[i].qemu, cases[i].extra);
		struct tb *t = tb_text(text);
		assert_int_equal(t->rc, 0);
		struct pcisim_fabric *fab = pcisim_fabric_get(&t->sim);
		assert_int_equal(fab->machine.acpi_pcihp_bridges, cases[i].pcihp);
		assert_int_equal(fab->machine.acpi.pcihp_base, cases[i].pcihp ? PCIHP : 0);
		assert_int_equal(sel_rd(t, 3, 0x10), cases[i].pcihp ? 3 : 0xffffffff);
		assert_int_equal(pcisim_bridge_hp_owner(tb_fn(t, "rp1")),
				 cases[i].pcihp ? PCISIM_HP_ACPI : PCISIM_HP_NATIVE);
		tb_free(t);
	}
}

static void x_native_hotplug(void **state)
{
	(void)state;
	/* 7.2's name, inverted: off hides HPS|HPC; the port then refuses hot-plug (QEMU 7.2). */
	struct tb *t = tb_runf(1 * S,
			       "version: 1\nname: t\nmachine: {type: pc-q35-7.2, qemu: \"7.2\", "
			       "acpi-pci-hotplug-with-bridge-support: off}\n"
			       "topology:\n  - {driver: pcie-root-port, id: rp1, chassis: 1, addr: \"0x2\", x-native-hotplug: off}\n"
			       "  - {driver: pcie-root-port, id: rp2, chassis: 2, addr: \"0x3\", x-native-hotplug: on}\n"
			       "timeline:\n  - {at: 1ms, do: device_add, driver: e1000e, id: n1, bus: rp1}\n");
	assert_int_equal(pcisim_bridge_hp_owner(tb_fn(t, "rp1")), PCISIM_HP_NONE);
	assert_int_equal(pcisim_bridge_hp_owner(tb_fn(t, "rp2")), PCISIM_HP_NATIVE);
	assert_non_null(tb_find_log(t, "Hot-plug failed: unsupported by the port device 'rp1'"));
	tb_free(t);
}

/* ---- who owns each slot, as simulate, --lspci and graph show it ---- */

static void owner_shown(void **state)
{
	(void)state;
	char *out;
	assert_int_equal(tb_cli(&out, "simulate scenarios/acpi-hot-unplug.yaml --lspci"), 0);
	assert_non_null(strstr(out, "Hot-plug slots:\n  00:02.0 rp1              acpi (BSEL 0)\n"));
	assert_non_null(strstr(out, "hot-plug: rp1=acpi\n"));
	free(out);
	assert_int_equal(tb_cli(&out, "simulate scenarios/acpi-off-pds-migration.yaml --quiet --json"), 0);
	assert_non_null(strstr(out, "\"hotplug\": \"pcie-root-port18=pciehp\""));
	free(out);
	int rc = tb_cli(&out, "graph scenarios/acpi-pds-migration-7.2.yaml");
	if (!strstr(out, "this build has no Graphviz")) {
		assert_int_equal(rc, 0);
		assert_non_null(strstr(out, "hotplug=acpi"));
		assert_non_null(strstr(out, "pcie-root-port\\n00:12.0\\nhot-plug: acpi"));
	}
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ioport_rules),
		cmocka_unit_test(bsel_numbering),
		cmocka_unit_test(pcihp_access_rules),
		cmocka_unit_test(no_pcihp_before_61),
		cmocka_unit_test(gpe_and_sci),
		cmocka_unit_test(del_with_guest),
		cmocka_unit_test(del_without_guest),
		cmocka_unit_test(del_before_boot_is_hidden),
		cmocka_unit_test(compat_defaults),
		cmocka_unit_test(x_native_hotplug),
		cmocka_unit_test(owner_shown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
