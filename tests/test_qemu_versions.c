/*
 * QEMU versions before 4.0 and old machine types: what the registers, the hot-plug slot
 * and the loader show per version (sim/qemu/compat.c, docs/fidelity.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include "testbench.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/port.h"
#include "sim/pcie/regs/acs.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/pcie/slot.h"
#include "sim/qemu/compat.h"

#define S PCISIM_S

/* A root port (and an e1000e below it) on machine type @type of QEMU @qemu, built. */
static struct tb *port_on(const char *type, const char *qemu, const char *rp_extra)
{
	char text[1024];
	snprintf(text, sizeof(text),
		 "version: 1\nname: v\nmachine: {type: %s, qemu: \"%s\"}\n"
		 "topology:\n  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1%s}\n"
		 "  - {driver: e1000e, id: nic0, bus: rp1}\n",
		 type, qemu, rp_extra);
	struct tb *t = tb_text(text);
	if (t->rc)
		fail_msg("scenario did not load: %s", t->err);
	return t;
}

static struct pcisim_port *rp(struct tb *t)
{
	return pcisim_to_port(tb_fn(t, "rp1"));
}

static uint32_t lnkcap(struct pcisim_port *p)
{
	return pcisim_cfg_get32(&p->fn.cfg, (uint16_t)(p->exp + PCI_EXP_LNKCAP));
}

static void compat_bits_by_version(void **state)
{
	(void)state;
	unsigned v212 = pcisim_qemu_compat(PCISIM_QEMU(2, 12), PCISIM_QEMU(2, 12));
	unsigned v40_31 = pcisim_qemu_compat(PCISIM_QEMU(4, 0), PCISIM_QEMU(3, 1));
	unsigned v41_31 = pcisim_qemu_compat(PCISIM_QEMU(4, 1), PCISIM_QEMU(3, 1));
	unsigned v72_31 = pcisim_qemu_compat(PCISIM_QEMU(7, 2), PCISIM_QEMU(3, 1));
	unsigned v61 = pcisim_qemu_compat(PCISIM_QEMU(6, 1), PCISIM_QEMU(6, 1));
	unsigned v62 = pcisim_qemu_compat(PCISIM_QEMU(6, 2), PCISIM_QEMU(6, 2));
	/* 2.12: none of the later port behaviours */
	assert_false(v212 & (PCISIM_QEMU_RP_LINK_PROPS | PCISIM_QEMU_RP_FAST_LINK | PCISIM_QEMU_RP_ACS |
			     PCISIM_QEMU_DISABLE_ACS_PROP | PCISIM_QEMU_SLOT_EJECT_ON_CHANGE |
			     PCISIM_QEMU_SLOT_HOTPLUG_PROP | PCISIM_QEMU_SLOT_POWER | PCISIM_QEMU_CXL_DEVICES));
	/* 4.0 gave every root port ACS, old machine types included; 4.1 took it back */
	assert_true(v40_31 & PCISIM_QEMU_RP_ACS);
	assert_false(v40_31 & PCISIM_QEMU_DISABLE_ACS_PROP);
	assert_false(v41_31 & PCISIM_QEMU_RP_ACS);
	assert_true(v41_31 & PCISIM_QEMU_DISABLE_ACS_PROP);
	/* pc-q35-3.1 on 7.2: the properties exist, the 3.1 defaults apply */
	assert_true(v72_31 & PCISIM_QEMU_RP_LINK_PROPS);
	assert_false(v72_31 & (PCISIM_QEMU_RP_FAST_LINK | PCISIM_QEMU_RP_ACS | PCISIM_QEMU_VIRTIO_FLR));
	assert_true(v72_31 & PCISIM_QEMU_SLOT_POWER);
	/* the slot power series is 6.2 */
	assert_false(v61 & PCISIM_QEMU_SLOT_POWER);
	assert_true(v62 & PCISIM_QEMU_SLOT_POWER);
	/* versions: 2.12 is the oldest accepted */
	assert_true(pcisim_qemu_version_supported(PCISIM_QEMU(2, 12)));
	assert_true(pcisim_qemu_version_supported(PCISIM_QEMU(3, 0)));
	assert_false(pcisim_qemu_version_supported(PCISIM_QEMU(2, 11)));
}

static void root_port_registers_by_version(void **state)
{
	(void)state;
	struct {
		const char *type, *qemu;
		uint32_t speed, width;
		bool acs;
	} cases[] = {
		{"pc-q35-2.12", "2.12", PCI_EXP_LNKCAP_SLS_2_5GB, 1, false},
		{"pc-q35-3.0", "3.0", PCI_EXP_LNKCAP_SLS_2_5GB, 1, false},
		{"pc-q35-3.1", "4.0", PCI_EXP_LNKCAP_SLS_2_5GB, 1, true},
		{"pc-q35-3.1", "7.2", PCI_EXP_LNKCAP_SLS_2_5GB, 1, false},
		{"pc-q35-4.0", "7.2", PCI_EXP_LNKCAP_SLS_16_0GB, 32, true},
		{"q35", "7.2", PCI_EXP_LNKCAP_SLS_16_0GB, 32, true},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tb *t = port_on(cases[i].type, cases[i].qemu, "");
		struct pcisim_port *p = rp(t);
		uint32_t cap = lnkcap(p);
		print_message("%s on %s: LNKCAP 0x%08x\n", cases[i].type, cases[i].qemu, cap);
		assert_int_equal(cap & PCI_EXP_LNKCAP_SLS, cases[i].speed);
		assert_int_equal((cap & PCI_EXP_LNKCAP_MLW) >> 4, cases[i].width);
		assert_int_equal(pcisim_cfg_find_ext_cap(&p->fn.cfg, PCI_EXT_CAP_ID_ACS) != 0, cases[i].acs);
		tb_free(t);
	}
}

static void properties_newer_than_the_binary(void **state)
{
	(void)state;
	struct {
		const char *qemu, *line, *error;
	} cases[] = {
		{"2.12", "{driver: pcie-root-port, id: rp1, chassis: 1, x-speed: 8}",
		 "'x-speed' is not a property of 'pcie-root-port' in the emulated QEMU (QEMU 4.0 added it); QEMU reports: Property '.x-speed' not found"},
		{"4.0", "{driver: pcie-root-port, id: rp1, chassis: 1, disable-acs: on}",
		 "'disable-acs' is not a property of 'pcie-root-port' in the emulated QEMU (QEMU 4.1 added it); QEMU reports: Property '.disable-acs' not found"},
		{"4.2", "{driver: pcie-root-port, id: rp1, chassis: 1, hotplug: off}",
		 "'hotplug' is not a property of 'pcie-root-port' in the emulated QEMU (QEMU 5.0 added it); QEMU reports: Property '.hotplug' not found"},
		{"7.0", "{driver: cxl-type3, id: mem0}",
		 "'cxl-type3' is not a valid device model name in the emulated QEMU (QEMU 7.1 added it)"},
		{"7.2", "{driver: cxl-switch-mailbox-cci, target: us0}",
		 "'cxl-switch-mailbox-cci' is not a valid device model name in the emulated QEMU (QEMU 8.2 added it)"},
		{"8.1", "{driver: cxl-switch-mailbox-cci, target: us0}",
		 "'cxl-switch-mailbox-cci' is not a valid device model name in the emulated QEMU (QEMU 8.2 added it)"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[512];
		snprintf(text, sizeof(text), "version: 1\nname: t\nmachine: {type: q35, qemu: \"%s\"}\ntopology:\n  - %s\n",
			 cases[i].qemu, cases[i].line);
		struct tb *t = tb_text(text);
		assert_int_not_equal(t->rc, 0);
		/* at the key (or the entry) on line 5, as file:line:col: error: */
		if (strncmp(t->err, "t.yaml:5:", 9) || !strstr(t->err, cases[i].error))
			fail_msg("expected '%s', got '%s'", cases[i].error, t->err);
		tb_free(t);
	}
	/* the same properties load on the versions that have them */
	struct tb *t = port_on("q35", "5.0", ", x-speed: 8, disable-acs: on, hotplug: off");
	assert_int_equal(pcisim_cfg_find_ext_cap(&rp(t)->fn.cfg, PCI_EXT_CAP_ID_ACS), 0);
	tb_free(t);
}

/* Before 4.1, rewriting "power off, indicator off" into Slot Control unplugs again. */
static void slot_control_rewrite_unplugs_before_4_1(void **state)
{
	(void)state;
	const char *qemus[] = {"2.12", "4.1"};
	for (int i = 0; i < 2; i++) {
		struct tb *t = port_on("q35", qemus[i], "");
		struct pcisim_port *p = rp(t);
		/* the slot as the machine reset leaves an empty one: off, indicator off */
		uint16_t off = PCI_EXP_SLTCTL_PWR_OFF | PCI_EXP_SLTCTL_PWR_IND_OFF | PCI_EXP_SLTCTL_ATTN_IND_OFF;
		pcisim_cfg_set(&p->fn.cfg, (uint16_t)(p->exp + PCI_EXP_SLTCTL), off, 2);
		/* pciehp enables its interrupts, keeping the power bits as they are */
		pcisim_fn_cfg_write(&p->fn, (uint16_t)(p->exp + PCI_EXP_SLTCTL),
				    off | PCI_EXP_SLTCTL_HPIE | PCI_EXP_SLTCTL_CCIE, 2);
		bool gone = pcisim_fabric_find_fn(pcisim_fabric_get(&t->sim), "nic0") == NULL;
		assert_int_equal(gone, i == 0);
		tb_free(t);
	}
}

/* Before 6.2 a repeated device_del asks again instead of being refused. */
static void repeated_device_del_by_version(void **state)
{
	(void)state;
	const char *qemus[] = {"6.1", "6.2"};
	for (int i = 0; i < 2; i++) {
		struct tb *t = tb_runf(3 * S,
				       "version: 1\nname: d\nmachine: {type: q35, qemu: \"%s\", acpi-pci-hotplug-with-bridge-support: off}\n"
				       "topology:\n  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1}\n"
				       "  - {driver: e1000e, id: nic0, bus: rp1}\n"
				       "timeline:\n  - {at: 1s, do: device_del, id: nic0}\n"
				       "  - {at: 1100ms, do: device_del, id: nic0}\n",
				       qemus[i]);
		bool refused = tb_find_log(t, "Device nic0 is already in the process of unplug") != NULL;
		assert_int_equal(refused, i == 1);
		tb_free(t);
	}
}

/* Before 6.2 slot power is registers only: the device keeps its power. */
static void slot_power_reaches_the_device_from_6_2(void **state)
{
	(void)state;
	const char *qemus[] = {"6.1", "6.2"};
	for (int i = 0; i < 2; i++) {
		struct tb *t = port_on("pc-q35-6.0", qemus[i], "");
		struct pcisim_port *p = rp(t);
		pcisim_fn_cfg_write(&p->fn, (uint16_t)(p->exp + PCI_EXP_SLTCTL),
				    PCI_EXP_SLTCTL_PWR_OFF | PCI_EXP_SLTCTL_PWR_IND_ON | PCI_EXP_SLTCTL_ATTN_IND_OFF, 2);
		assert_int_equal(tb_fn(t, "nic0")->powered, i == 0);
		tb_free(t);
	}
}

/* The shipped scenario: on 2.12 the xhci is gone at boot and every migration fails. */
static void pds_race_on_2_12(void **state)
{
	(void)state;
	char *out = NULL;
	int rc = tb_cli(&out, "simulate %s/scenarios/pds-migration-race-qemu-2.12.yaml", PCISIM_SOURCE_DIR);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "expectations: 5 passed, 0 failed"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(compat_bits_by_version),
		cmocka_unit_test(root_port_registers_by_version),
		cmocka_unit_test(properties_newer_than_the_binary),
		cmocka_unit_test(slot_control_rewrite_unplugs_before_4_1),
		cmocka_unit_test(repeated_device_del_by_version),
		cmocka_unit_test(slot_power_reaches_the_device_from_6_2),
		cmocka_unit_test(pds_race_on_2_12),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
