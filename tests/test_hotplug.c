/*
 * Hot-plug slots, Linux pciehp and migration, end to end: every slot bit's access
 * rule, QEMU's unplug rules, pciehp's timing to the picosecond (its sleeps plus the
 * round trips of its routed config accesses), the PDS race failing on QEMU 7.2 and
 * migrating on 8.1, and untouched machines always migrating.
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
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/pcie/slot.h"

#define NS PCISIM_NS
#define MS PCISIM_MS
#define S PCISIM_S

static const char pds_fmt[] =
	"version: 1\n"
	"name: pds\n"
	"machine: {type: pc-q35-6.0, qemu: \"%s\"}\n"
	"topology:\n"
	"  - {driver: pcie-root-port, port: 18, chassis: 19, id: pcie-root-port18, bus: pcie.0, addr: \"0x12\"}\n"
	"  - {driver: nec-usb-xhci, p2: 4, p3: 4, id: nex-usb-xhci0, bus: pcie-root-port18, addr: \"0x12.0x1\"}\n"
	"host: {os: linux, pciehp: on}\n"
	"timeline:\n"
	"  - {at: %s, do: migrate}\n";

static void pds_race_fails_on_72(void **state)
{
	struct tb *r = tb_runf(20 * S, pds_fmt, "7.2", "3s");
	const struct pcisim_record *unplug = tb_find_rec(r, "pci.unplug", "nex-usb-xhci0", NULL, NULL);
	assert_non_null(unplug);
	/*
	 * 20 ms + 100 ms link, 1 s of Vendor ID polls, power off, 1 s wait, indicator off:
	 * 2.120 s of sleeps, plus the time the config accesses take. pciehp's accesses to
	 * the root port's own registers cross no link and cost nothing; each of the 50
	 * Vendor ID reads of devfn 0 below it (pci_bus_check_dev: 50 tries, 20 ms apart)
	 * crosses the root port's 2.5 GT/s x1 link and comes back as a 12-byte UR: a
	 * 12-byte request down and a 12-byte completion up, (12 + 8) * 4 ns + 100 ns =
	 * 180 ns each way, 360 ns per read. 2.120 s + 50 * 360 ns = 2.120018 s.
	 */
	assert_int_equal(unplug->t, 2120 * MS + 50 * 360 * NS);
	assert_int_equal(unplug->t, 2120018000000ull);
	const struct pcisim_record *m = tb_find_rec(r, "migration", NULL, NULL, NULL);
	assert_non_null(m);
	assert_string_equal(tb_field(m, "result"), "failed");
	assert_non_null(tb_find_log(r, "qemu-system-x86_64: get_pci_config_device: Bad config data: i=0x6e read: 0 device: 40 cmask: ff wmask: 0 w1cmask:19"));
	assert_non_null(tb_find_log(r, "Failed to load pcie-root-port:parent_obj.parent_obj.parent_obj"));
	assert_non_null(tb_find_log(r, "error while loading state for instance 0x0 of device '0000:00:12.0/pcie-root-port'"));
	tb_free(r);
}

static void pds_race_before_unplug_migrates_on_72(void **state)
{
	/* The race: migrating before the guest's power-off completes succeeds. */
	struct tb *r = tb_runf(20 * S, pds_fmt, "7.2", "2s");
	const struct pcisim_record *m = tb_find_rec(r, "migration", NULL, NULL, NULL);
	assert_non_null(m);
	assert_string_equal(tb_field(m, "result"), "completed");
	tb_free(r);
}

static void pds_race_migrates_on_81(void **state)
{
	struct tb *r = tb_runf(20 * S, pds_fmt, "8.1", "3s");
	const struct pcisim_record *m = tb_find_rec(r, "migration", NULL, NULL, NULL);
	assert_non_null(m);
	assert_string_equal(tb_field(m, "result"), "completed");
	assert_null(tb_find_log(r, "Bad config data"));
	tb_free(r);
}

static void destination_decides(void **state)
{
	/* A 7.2 source migrating to an 8.1 destination: the destination's masks decide. */
	struct tb *r = tb_runf(20 * S, 
		"version: 1\nname: d\nmachine: {type: pc-q35-6.0, qemu: \"7.2\"}\n"
		"topology:\n  - {driver: pcie-root-port, port: 18, chassis: 19, id: rp, addr: \"0x12\"}\n"
		"  - {driver: nec-usb-xhci, id: x, bus: rp, addr: \"0x12.0x1\"}\n"
		"host: {os: linux}\n"
		"timeline:\n  - {at: 3s, do: migrate, destination: {machine: {qemu: \"8.1\"}}}\n");
	const struct pcisim_record *m = tb_find_rec(r, "migration", NULL, NULL, NULL);
	assert_non_null(m);
	assert_string_equal(tb_field(m, "result"), "completed");
	tb_free(r);
	/* pc-q35-7.2: ACPI hot-plug on bridges, pciehp does not bind, nothing is unplugged. */
	r = tb_runf(20 * S, pds_fmt, "7.2", "3s");
	tb_free(r);
	r = tb_runf(20 * S, "version: 1\nname: d\nmachine: {type: pc-q35-7.2, qemu: \"7.2\"}\n"
		    "topology:\n  - {driver: pcie-root-port, port: 18, chassis: 19, id: rp, addr: \"0x12\"}\n"
		    "  - {driver: nec-usb-xhci, id: x, bus: rp, addr: \"0x12.0x1\"}\n"
		    "host: {os: linux}\n"
		    "timeline:\n  - {at: 3s, do: migrate}\n");
	assert_null(tb_find_rec(r, "pci.unplug", NULL, NULL, NULL));
	assert_null(tb_find_rec(r, "pciehp.state", NULL, NULL, NULL));
	m = tb_find_rec(r, "migration", NULL, NULL, NULL);
	assert_string_equal(tb_field(m, "result"), "completed");
	tb_free(r);
}

static void link_and_surprise(void **state)
{
	struct tb *r = tb_runf(20 * S, 
		"version: 1\nname: l\nmachine: {type: pc-q35-6.0, qemu: \"7.2\"}\n"
		"topology:\n  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1}\n  - {driver: e1000e, id: nic0, bus: rp1}\n"
		"timeline:\n  - {at: 1s, do: set_link, id: nic0, state: off}\n"
		"  - {at: 2s, do: set_link, id: nic0, state: on}\n"
		"  - {at: 3s, do: surprise_remove, id: nic0}\n");
	const struct pcisim_record *down = tb_find_rec(r, "link.dllla", "rp1", "active", "off");
	assert_non_null(down);
	assert_int_equal(down->t, 1 * S);
	/* The second "active=on": the first is the cold plug at 0. */
	const struct pcisim_record *up = NULL;
	for (size_t i = 0; i < r->sim.trace->nrecs; i++)
		if (!strcmp(r->sim.trace->recs[i].kind, "link.dllla") && r->sim.trace->recs[i].t > 0 &&
		    r->sim.trace->recs[i].fields[0].u)
			up = up ? up : &r->sim.trace->recs[i];
	assert_non_null(up);
	assert_int_equal(up->t, 2 * S);
	const struct pcisim_record *gone = tb_find_rec(r, "pci.unplug", "nic0", NULL, NULL);
	assert_non_null(gone);
	assert_int_equal(gone->t, 3 * S);
	struct pcisim_port *p = pcisim_to_port(pcisim_fabric_find_fn(pcisim_fabric_get(&r->sim), "rp1"));
	assert_int_equal(pcisim_cfg_get16(&p->fn.cfg, (uint16_t)(p->exp + PCI_EXP_SLTSTA)) &
				 (PCI_EXP_SLTSTA_PDS | PCI_EXP_SLTSTA_PDC),
			 PCI_EXP_SLTSTA_PDC);
	tb_free(r);
}

static void untouched_machines_migrate(void **state)
{
	static const char *const machines[] = {
		"{type: pc-q35-6.0, qemu: \"7.2\"}", "{type: pc-q35-7.2, qemu: \"7.2\"}",
		"{type: q35, qemu: \"8.1\"}", "{type: pc-q35-6.0, qemu: \"9.2\"}",
	};
	static const char *const topologies[] = {
		"[]",
		"[{driver: pcie-root-port, id: rp1, chassis: 1, slot: 1}, {driver: e1000e, id: n1, bus: rp1}]",
		"[{driver: pcie-root-port, id: rp1, chassis: 1, slot: 1}, {driver: pcie-root-port, id: rp2, chassis: 2, slot: 2},"
		" {driver: nec-usb-xhci, id: x1, bus: rp2, addr: \"0x12.0x1\"}]",
		"[{driver: pcie-root-port, id: rp1, chassis: 1, slot: 1}, {driver: x3130-upstream, id: up, bus: rp1},"
		" {driver: xio3130-downstream, id: dn, bus: up, chassis: 3, slot: 3}, {driver: e1000e, id: n1, bus: dn}]",
	};
	for (size_t m = 0; m < sizeof(machines) / sizeof(machines[0]); m++)
		for (size_t t = 0; t < sizeof(topologies) / sizeof(topologies[0]); t++) {
			struct tb *r = tb_runf(20 * S, "version: 1\nname: untouched\nmachine: %s\ntopology: %s\n"
						"timeline:\n  - {at: 1ms, do: migrate}\n",
						machines[m], topologies[t]);
			const struct pcisim_record *rec = tb_find_rec(r, "migration", NULL, NULL, NULL);
			assert_non_null(rec);
			if (strcmp(tb_field(rec, "result"), "completed"))
				fail_msg("machine %s topology %s: %s", machines[m], topologies[t],
					 tb_field(rec, "reason"));
			tb_free(r);
		}
}

static const char addremove[] =
	"version: 1\nname: ar\nmachine: {type: pc-q35-6.0, qemu: \"7.2\"}\n"
	"topology:\n  - {driver: pcie-root-port, id: rp2, bus: pcie.0, addr: \"0x4\", chassis: 2, slot: 2}\n"
	"host: {os: linux, pciehp: on}\n"
	"timeline:\n"
	"  - {at: 1s, do: device_add, driver: e1000e, id: nic1, bus: rp2}\n"
	"  - {at: 5s, do: device_del, id: nic1}\n";

static void pciehp_add_remove_timing(void **state)
{
	struct tb *r = tb_runf(20 * S, "%s", addremove);
	const struct pcisim_record *added = tb_find_rec(r, "linux.device", "nic1", "event", "added");
	assert_non_null(added);
	/*
	 * 20 ms + 100 ms for the link, then one Vendor ID read of the e1000e, found at
	 * once: it crosses rp2's 2.5 GT/s x1 link, a 12-byte request down (180 ns) and a
	 * 16-byte CplD back ((16 + 8) * 4 ns + 100 ns = 196 ns); accesses to rp2's own
	 * registers cross no link and cost nothing. 1.120 s + 376 ns.
	 */
	assert_int_equal(added->t, 1 * S + 20 * MS + 100 * MS + 376 * NS);
	const struct pcisim_record *blink = tb_find_rec(r, "pciehp.state", "rp2", "to", "BLINKINGOFF");
	assert_non_null(blink);
	assert_int_equal(blink->t, 5 * S);
	const struct pcisim_record *removed = tb_find_rec(r, "linux.device", "nic1", "event", "removed");
	assert_non_null(removed);
	assert_int_equal(removed->t, 10 * S);
	const struct pcisim_record *unplug = tb_find_rec(r, "pci.unplug", "nic1", NULL, NULL);
	assert_non_null(unplug);
	assert_int_equal(unplug->t, 11 * S);
	assert_non_null(tb_find_log(r, "Slot(2): Button press: will power on in 5 sec"));
	assert_non_null(tb_find_log(r, "Slot(2): Card present"));
	tb_free(r);
}

static void attention_cancel(void **state)
{
	struct tb *r = tb_runf(20 * S, 
		"version: 1\nname: ab\nmachine: {type: pc-q35-6.0, qemu: \"7.2\"}\n"
		"topology:\n  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1}\n  - {driver: e1000e, id: nic0, bus: rp1}\n"
		"host: {os: linux}\n"
		"timeline:\n  - {at: 1s, do: guest.press_attention_button, slot: rp1}\n"
		"  - {at: 5999ms, do: guest.press_attention_button, slot: rp1}\n");
	assert_non_null(tb_find_log(r, "Slot(1): Action canceled due to button press"));
	assert_null(tb_find_rec(r, "pci.unplug", NULL, NULL, NULL));
	assert_null(tb_find_rec(r, "pciehp.button_work", NULL, NULL, NULL));
	tb_free(r);
	/* One millisecond later the work has already run: no cancel. */
	r = tb_runf(20 * S, "version: 1\nname: ab\nmachine: {type: pc-q35-6.0, qemu: \"7.2\"}\n"
		    "topology:\n  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1}\n  - {driver: e1000e, id: nic0, bus: rp1}\n"
		    "host: {os: linux}\n"
		    "timeline:\n  - {at: 1s, do: guest.press_attention_button, slot: rp1}\n"
		    "  - {at: 6001ms, do: guest.press_attention_button, slot: rp1}\n");
	const struct pcisim_record *bw = tb_find_rec(r, "pciehp.button_work", NULL, NULL, NULL);
	assert_non_null(bw);
	assert_int_equal(bw->t, 6 * S);
	assert_null(tb_find_log(r, "Action canceled"));
	tb_free(r);
}

/* ---- slot register semantics, without a guest ---- */

static struct tb *bare_port(const char *extra)
{
	return tb_runf(20 * S, "version: 1\nname: bare\nmachine: {type: pc-q35-6.0, qemu: \"7.2\"}\n"
		       "topology:\n  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1%s}\n"
		       "  - {driver: e1000e, id: nic0, bus: rp1}\n",
		       extra);
}

static struct pcisim_port *port_of(struct tb *r, const char *id)
{
	struct pcisim_pcifn *fn = pcisim_fabric_find_fn(pcisim_fabric_get(&r->sim), id);
	assert_non_null(fn);
	return pcisim_to_port(fn);
}

static uint16_t sltsta(struct pcisim_port *p)
{
	return pcisim_cfg_get16(&p->fn.cfg, (uint16_t)(p->exp + PCI_EXP_SLTSTA));
}

static uint16_t sltctl(struct pcisim_port *p)
{
	return pcisim_cfg_get16(&p->fn.cfg, (uint16_t)(p->exp + PCI_EXP_SLTCTL));
}

static void wr_ctl(struct pcisim_port *p, uint16_t v)
{
	pcisim_fn_cfg_write(&p->fn, (uint16_t)(p->exp + PCI_EXP_SLTCTL), v, 2);
}

static void wr_sta(struct pcisim_port *p, uint16_t v)
{
	pcisim_fn_cfg_write(&p->fn, (uint16_t)(p->exp + PCI_EXP_SLTSTA), v, 2);
}

static void slot_status_bits(void **state)
{
	struct tb *r = bare_port("");
	struct pcisim_port *p = port_of(r, "rp1");
	assert_int_equal(p->exp, 0x54);
	/* Cold plug: present, nothing pending. */
	assert_int_equal(sltsta(p), PCI_EXP_SLTSTA_PDS);
	/* PDS, MRLSS, EIS are read-only: writing them changes nothing. */
	wr_sta(p, PCI_EXP_SLTSTA_PDS | PCI_EXP_SLTSTA_MRLSS | PCI_EXP_SLTSTA_EIS);
	assert_int_equal(sltsta(p), PCI_EXP_SLTSTA_PDS);
	/* A Slot Control write completes at once: CC set. */
	wr_ctl(p, sltctl(p));
	assert_int_equal(sltsta(p), PCI_EXP_SLTSTA_PDS | PCI_EXP_SLTSTA_CC);
	/* The attention button sets ABP. */
	pcisim_slot_push_attention_button(&p->slot);
	assert_int_equal(sltsta(p), PCI_EXP_SLTSTA_PDS | PCI_EXP_SLTSTA_CC | PCI_EXP_SLTSTA_ABP);
	/* Writing 1 to a clear event bit (PDC) reverts the whole clear (QEMU's work-around). */
	wr_sta(p, PCI_EXP_SLTSTA_CC | PCI_EXP_SLTSTA_PDC);
	assert_int_equal(sltsta(p), PCI_EXP_SLTSTA_PDS | PCI_EXP_SLTSTA_CC | PCI_EXP_SLTSTA_ABP);
	/* Writing back exactly the set bits clears them (RW1C). */
	wr_sta(p, PCI_EXP_SLTSTA_CC);
	assert_int_equal(sltsta(p), PCI_EXP_SLTSTA_PDS | PCI_EXP_SLTSTA_ABP);
	wr_sta(p, PCI_EXP_SLTSTA_ABP);
	assert_int_equal(sltsta(p), PCI_EXP_SLTSTA_PDS);
	/* EIC is written as 1, reads 0, and toggles EIS. */
	wr_ctl(p, sltctl(p) | PCI_EXP_SLTCTL_EIC);
	assert_int_equal(sltctl(p) & PCI_EXP_SLTCTL_EIC, 0);
	assert_true(sltsta(p) & PCI_EXP_SLTSTA_EIS);
	wr_ctl(p, sltctl(p) | PCI_EXP_SLTCTL_EIC);
	assert_false(sltsta(p) & PCI_EXP_SLTSTA_EIS);
	/* DLLSCE, PFDE and MRLSCE are read-only zero in QEMU. */
	wr_ctl(p, PCI_EXP_SLTCTL_DLLSCE | PCI_EXP_SLTCTL_PFDE | PCI_EXP_SLTCTL_MRLSCE |
		      PCI_EXP_SLTCTL_PWR_IND_ON | PCI_EXP_SLTCTL_ATTN_IND_OFF);
	assert_int_equal(sltctl(p), PCI_EXP_SLTCTL_PWR_IND_ON | PCI_EXP_SLTCTL_ATTN_IND_OFF);
	tb_free(r);
}

static void unplug_on_power_and_indicator_off(void **state)
{
	struct tb *r = bare_port("");
	struct pcisim_port *p = port_of(r, "rp1");
	/* Power off alone does not detach. */
	wr_ctl(p, PCI_EXP_SLTCTL_PWR_OFF | PCI_EXP_SLTCTL_PWR_IND_BLINK | PCI_EXP_SLTCTL_ATTN_IND_OFF);
	assert_true(sltsta(p) & PCI_EXP_SLTSTA_PDS);
	assert_non_null(pcisim_fabric_find_fn(pcisim_fabric_get(&r->sim), "nic0"));
	/* Power off and power indicator off: QEMU detaches, clears PDS, sets PDC. */
	wr_ctl(p, PCI_EXP_SLTCTL_PWR_OFF | PCI_EXP_SLTCTL_PWR_IND_OFF | PCI_EXP_SLTCTL_ATTN_IND_OFF);
	assert_null(pcisim_fabric_find_fn(pcisim_fabric_get(&r->sim), "nic0"));
	assert_false(sltsta(p) & PCI_EXP_SLTSTA_PDS);
	assert_true(sltsta(p) & PCI_EXP_SLTSTA_PDC);
	assert_false(pcisim_cfg_get16(&p->fn.cfg, (uint16_t)(p->exp + PCI_EXP_LNKSTA)) & PCI_EXP_LNKSTA_DLLLA);
	tb_free(r);
}

static void device_del_rules(void **state)
{
	/* A port with hotplug=off refuses device_del with QEMU's message. */
	struct tb *r = tb_runf(20 * S, "version: 1\nname: d\nmachine: {type: pc-q35-6.0, qemu: \"7.2\"}\n"
				"topology:\n  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1, hotplug: off}\n"
				"  - {driver: e1000e, id: nic0, bus: rp1}\n"
				"timeline:\n  - {at: 1s, do: device_del, id: nic0}\n"
				"  - {at: 2s, do: device_add, driver: e1000e, id: nic1, bus: rp1, addr: \"0.1\"}\n");
	assert_non_null(tb_find_log(r, "Error: Hot-unplug failed: unsupported by the port device 'rp1'"));
	tb_free(r);
	/* Without a guest: device_del presses the button; while the indicator blinks it refuses. */
	r = bare_port("");
	struct pcisim_port *p = port_of(r, "rp1");
	wr_ctl(p, PCI_EXP_SLTCTL_PWR_ON | PCI_EXP_SLTCTL_PWR_IND_BLINK | PCI_EXP_SLTCTL_ATTN_IND_OFF);
	struct pcisim_diag d;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	pcisim_diag_init(&d, f);
	struct pcisim_pcifn *nic = pcisim_fabric_find_fn(pcisim_fabric_get(&r->sim), "nic0");
	assert_int_not_equal(pcisim_slot_unplug_request(&p->slot, nic, &d), 0);
	fclose(f);
	assert_non_null(strstr(buf, "Hot-unplug failed: guest is busy (power indicator blinking)"));
	free(buf);
	/* Powered off with the indicator off: device_del unplugs at once. */
	wr_ctl(p, PCI_EXP_SLTCTL_PWR_OFF | PCI_EXP_SLTCTL_PWR_IND_ON | PCI_EXP_SLTCTL_ATTN_IND_OFF);
	pcisim_cfg_set(&p->fn.cfg, (uint16_t)(p->exp + PCI_EXP_SLTCTL),
		       PCI_EXP_SLTCTL_PWR_OFF | PCI_EXP_SLTCTL_PWR_IND_OFF | PCI_EXP_SLTCTL_ATTN_IND_OFF, 2);
	f = open_memstream(&buf, &len);
	pcisim_diag_init(&d, f);
	assert_int_equal(pcisim_slot_unplug_request(&p->slot, nic, &d), 0);
	fclose(f);
	free(buf);
	assert_null(pcisim_fabric_find_fn(pcisim_fabric_get(&r->sim), "nic0"));
	assert_false(sltsta(p) & PCI_EXP_SLTSTA_PDS);
	tb_free(r);
}

static void hotplug_interrupt(void **state)
{
	struct tb *r = bare_port("");
	struct pcisim_port *p = port_of(r, "rp1");
	unsigned long long before = p->irq_msg.count + p->irq_intx.count;
	/* Enable ABP events and the hot-plug interrupt, then press the button. */
	wr_ctl(p, PCI_EXP_SLTCTL_ABPE | PCI_EXP_SLTCTL_HPIE | PCI_EXP_SLTCTL_PWR_IND_ON |
		      PCI_EXP_SLTCTL_ATTN_IND_OFF);
	wr_sta(p, PCI_EXP_SLTSTA_CC);
	pcisim_slot_push_attention_button(&p->slot);
	assert_true(p->slot.hpev_notified);
	assert_true(p->irq_msg.count + p->irq_intx.count > before);
	/* Clearing ABP drops the pending condition. */
	wr_sta(p, PCI_EXP_SLTSTA_ABP);
	assert_false(p->slot.hpev_notified);
	tb_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pds_race_fails_on_72),
		cmocka_unit_test(pds_race_before_unplug_migrates_on_72),
		cmocka_unit_test(pds_race_migrates_on_81),
		cmocka_unit_test(untouched_machines_migrate),
		cmocka_unit_test(destination_decides),
		cmocka_unit_test(link_and_surprise),
		cmocka_unit_test(pciehp_add_remove_timing),
		cmocka_unit_test(attention_cancel),
		cmocka_unit_test(slot_status_bits),
		cmocka_unit_test(unplug_on_power_and_indicator_off),
		cmocka_unit_test(device_del_rules),
		cmocka_unit_test(hotplug_interrupt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
