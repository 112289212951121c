/*
 * AER in the hardware (sim/pcie/aer.c, aer_inject.c): every QEMU error name to its
 * status bit and default severity, the guide's aliases, masked errors that log but
 * send nothing, the truth table of message generation, the per-hop gates of QEMU
 * before and after 8.0, Root Error Status first/multiple bits and Error Source
 * Identification over sequences, the root port's interrupt edges, Multiple Header
 * Recording with its overflow, sticky bits across resets, the message's journey
 * through a switch with link latency, and a message lost on a downed link.
 *
 * Expected values come from REFERENCE.md 4.2-4.4 (tables written out here), not
 * from the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sim/core/scenario.h"
#include "sim/core/sim.h"
#include "sim/core/trace.h"
#include "sim/pcie/aer.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/link.h"
#include "sim/pcie/port.h"
#include "sim/pcie/regs/aer.h"
#include "sim/pcie/regs/msix.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/pcie/reset.h"
#include "replay/register.h"

#include "testbench.h"

#define NS PCISIM_NS
#define MS PCISIM_MS

/* ---- test bench: a machine built from a scenario, driven by hand ---- */

static uint16_t aer(struct pcisim_pcifn *f)
{
	return pcisim_cfg_find_ext_cap(&f->cfg, PCI_EXT_CAP_ID_ERR);
}

static uint16_t exp_(struct pcisim_pcifn *f)
{
	return pcisim_cfg_find_cap(&f->cfg, PCI_CAP_ID_EXP);
}

static uint32_t areg(struct pcisim_pcifn *f, uint16_t reg)
{
	return pcisim_cfg_get32(&f->cfg, (uint16_t)(aer(f) + reg));
}

static uint16_t xreg(struct pcisim_pcifn *f, uint16_t reg)
{
	return pcisim_cfg_get16(&f->cfg, (uint16_t)(exp_(f) + reg));
}

/* Guest writes (through the models' write hooks). */
static void wr(struct pcisim_pcifn *f, uint16_t off, uint32_t v, unsigned len)
{
	pcisim_fn_cfg_write(f, off, v, len);
}

static void wr_areg(struct pcisim_pcifn *f, uint16_t reg, uint32_t v)
{
	wr(f, (uint16_t)(aer(f) + reg), v, 4);
}

static void set_devctl(struct pcisim_pcifn *f, uint16_t bits)
{
	wr(f, (uint16_t)(exp_(f) + PCI_EXP_DEVCTL), bits, 2);
}

/* Everything a reporting path needs: SERR#, Device Control enables, Bridge Control
 * SERR#, Root Error Command and MSI-X on root ports. */
static void enable_all(struct tb *t, const char *const *ids)
{
	for (; *ids; ids++) {
		struct pcisim_pcifn *f = tb_fn(t, *ids);
		wr(f, PCI_COMMAND, PCI_COMMAND_SERR, 2);
		set_devctl(f, PCISIM_EXP_DEVCTL_ERR_EN);
		if (f->drv->bridge)
			wr(f, PCI_BRIDGE_CONTROL, PCI_BRIDGE_CTL_SERR, 2);
		if (f->drv->kind == PCISIM_FN_ROOT_PORT) {
			struct pcisim_port *p = pcisim_to_port(f);
			wr(f, (uint16_t)(p->msix + PCI_MSIX_FLAGS), PCI_MSIX_FLAGS_ENABLE, 2);
			wr_areg(f, PCI_ERR_ROOT_COMMAND, PCISIM_ERR_ROOT_CMD_EN_MASK);
		}
	}
}

static int inject(struct pcisim_pcifn *f, uint32_t status, bool cor)
{
	struct pcisim_aer_err e = {.status = status, .source_id = pcisim_fn_bdf(f)};
	if (cor)
		e.flags = PCISIM_AER_ERR_IS_CORRECTABLE;
	return pcisim_aer_inject(f, &e, "test");
}

/* The last record of @kind (of a component whose path contains @comp). */
static const struct pcisim_record *last_rec(struct tb *t, const char *kind, const char *comp)
{
	for (size_t i = t->sim.trace->nrecs; i-- > 0;) {
		const struct pcisim_record *r = &t->sim.trace->recs[i];
		if (!strcmp(r->kind, kind) && (!comp || (r->comp_path && strstr(r->comp_path, comp))))
			return r;
	}
	return NULL;
}

static const char ep_topo[] =
	"  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1}\n"
	"  - {driver: pcisim-endpoint, id: ep, bus: rp1}\n";
static const char *const ep_path[] = {"ep", "rp1", NULL};

/* ---- the name table (REFERENCE.md 4.2, 4.3) ---- */

static const struct {
	const char *name;
	uint32_t bit;
	bool cor;
	int sev; /* 4 fatal, 2 non-fatal, 1 correctable */
} names[] = {
	{"DLP", 1u << 4, false, 4},         {"SDN", 1u << 5, false, 4},
	{"POISON_TLP", 1u << 12, false, 2}, {"FCP", 1u << 13, false, 4},
	{"COMP_TIME", 1u << 14, false, 2},  {"COMP_ABORT", 1u << 15, false, 2},
	{"UNX_COMP", 1u << 16, false, 2},   {"RX_OVER", 1u << 17, false, 4},
	{"MALF_TLP", 1u << 18, false, 4},   {"ECRC", 1u << 19, false, 2},
	{"UNSUP", 1u << 20, false, 2},      {"ACSV", 1u << 21, false, 2},
	{"INTN", 1u << 22, false, 4},       {"MCBTLP", 1u << 23, false, 2},
	{"ATOP_EBLOCKED", 1u << 24, false, 2}, {"TLP_PRF_BLOCKED", 1u << 25, false, 2},
	{"RCVR", 1u << 0, true, 1},         {"BAD_TLP", 1u << 6, true, 1},
	{"BAD_DLLP", 1u << 7, true, 1},     {"REP_ROLL", 1u << 8, true, 1},
	{"REP_TIMER", 1u << 12, true, 1},   {"ADV_NONFATAL", 1u << 13, true, 1},
	{"INTERNAL", 1u << 14, true, 1},    {"HL_OVERFLOW", 1u << 15, true, 1},
};
#define NNAMES (sizeof(names) / sizeof(names[0]))

static void name_table(void **state)
{
	size_t n = 0;
	for (const struct pcisim_aer_name *e = pcisim_aer_names; e->name; e++)
		n++;
	assert_int_equal(n, NNAMES);
	for (size_t i = 0; i < NNAMES; i++) {
		bool alias = true;
		const struct pcisim_aer_name *e = pcisim_aer_name_find(names[i].name, &alias);
		assert_non_null(e);
		assert_false(alias);
		assert_int_equal(e->status, names[i].bit);
		assert_int_equal(e->correctable, names[i].cor);
		if (!names[i].cor)
			assert_int_equal(pcisim_aer_default_severity(names[i].bit), names[i].sev);
		assert_string_equal(pcisim_aer_status_name(names[i].bit, names[i].cor), names[i].name);
	}
	/* QEMU's default severity register is exactly the fatal ones: 0x00462030 */
	uint32_t fatal = 0;
	for (size_t i = 0; i < NNAMES; i++)
		if (names[i].sev == 4)
			fatal |= names[i].bit;
	assert_int_equal(fatal, 0x00462030);
	assert_int_equal(pcisim_aer_default_severity(PCI_ERR_UNC_UND), 0);
}

/* Every name, injected into a function with every message enabled and nothing
 * masked: its bit in the right status register, the Device Status bit, the class
 * of the message the root port receives. */
static void every_name_logs_and_reports(void **state)
{
	for (size_t i = 0; i < NNAMES; i++) {
		struct tb *t = tb_ok("8.1", ep_topo, "");
		enable_all(t, ep_path);
		struct pcisim_pcifn *ep = tb_fn(t, "ep"), *rp = tb_fn(t, "rp1");
		wr_areg(ep, PCI_ERR_UNCOR_MASK, 0);
		wr_areg(ep, PCI_ERR_COR_MASK, 0);
		assert_int_equal(inject(ep, names[i].bit, names[i].cor), 0);
		pcisim_run(&t->sim, 1 * MS);
		uint32_t unc = areg(ep, PCI_ERR_UNCOR_STATUS), cor = areg(ep, PCI_ERR_COR_STATUS);
		uint16_t devsta = xreg(ep, PCI_EXP_DEVSTA);
		uint32_t rs = areg(rp, PCI_ERR_ROOT_STATUS) & PCISIM_ERR_ROOT_STATUS_REPORT_MASK;
		if (names[i].cor) {
			assert_int_equal(cor, names[i].bit);
			assert_int_equal(unc, 0);
			assert_int_equal(devsta & PCISIM_EXP_DEVSTA_ERR, PCI_EXP_DEVSTA_CED);
			assert_int_equal(rs, PCI_ERR_ROOT_COR_RCV);
			assert_int_equal(areg(rp, PCI_ERR_ROOT_ERR_SRC) & 0xffff, pcisim_fn_bdf(ep));
		} else {
			assert_int_equal(unc, names[i].bit);
			assert_int_equal(cor, 0);
			uint16_t want = names[i].sev == 4 ? PCI_EXP_DEVSTA_FED : PCI_EXP_DEVSTA_NFED;
			if (names[i].bit == PCI_ERR_UNC_UNSUP)
				want |= PCI_EXP_DEVSTA_URD;
			assert_int_equal(devsta & PCISIM_EXP_DEVSTA_ERR, want);
			uint32_t wrs = PCI_ERR_ROOT_UNCOR_RCV |
				       (names[i].sev == 4 ? PCI_ERR_ROOT_FATAL_RCV | PCI_ERR_ROOT_FIRST_FATAL
							  : PCI_ERR_ROOT_NONFATAL_RCV);
			assert_int_equal(rs, wrs);
			assert_int_equal(areg(rp, PCI_ERR_ROOT_ERR_SRC) >> 16, pcisim_fn_bdf(ep));
			/* First Error Pointer names the bit */
			assert_int_equal(areg(ep, PCI_ERR_CAP) & PCI_ERR_CAP_FEP_MASK,
					 (uint32_t)__builtin_ctz(names[i].bit));
		}
		assert_int_equal(pcisim_to_port(rp)->irq_msg.count, 1);
		tb_free(t);
	}
}

static void aliases(void **state)
{
	static const struct {
		const char *spelling, *name;
	} a[] = {
		{"COR_INTERNAL", "INTERNAL"},
		{"COR_BAD_TLP", "BAD_TLP"},
		{"COR_BAD_DLLP", "BAD_DLLP"},
		{"COR_REPLAY_TIMER", "REP_TIMER"},
		{"COR_REPLAY_ROLLOVER", "REP_ROLL"},
		{"UNCOR_POISON_TLP", "POISON_TLP"},
		{"UNCOR_UNSUPPORTED", "UNSUP"},
		{"UNCOR_ECRC", "ECRC"},
		{"UNCOR_MALFORMED_TLP", "MALF_TLP"},
		{"UNCOR_COMPLETION_ABORT", "COMP_ABORT"},
		{"UNCOR_FLOW_CTRL", "FCP"},
		{"FLOW_CTRL", "FCP"},
	};
	for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++) {
		bool alias = false;
		const struct pcisim_aer_name *e = pcisim_aer_name_find(a[i].spelling, &alias);
		assert_non_null(e);
		assert_true(alias);
		assert_string_equal(e->name, a[i].name);
	}
	/* a prefix that contradicts the class, and nonsense */
	assert_null(pcisim_aer_name_find("COR_POISON_TLP", NULL));
	assert_null(pcisim_aer_name_find("UNCOR_RCVR", NULL));
	assert_null(pcisim_aer_name_find("POISON", NULL));
	assert_null(pcisim_aer_name_find("TRAIN", NULL)); /* dropped from QEMU's table */
}

/* ---- the truth table of message generation ---- */

/* REFERENCE.md 4.4 steps 3-4, written out independently. */
static int expected_msg(bool cor, bool fatal, bool ur, bool masked, uint16_t devctl, bool serr)
{
	if (masked)
		return 0;
	if (cor) {
		if (ur && !(devctl & PCI_EXP_DEVCTL_URRE))
			return 0;
		return (devctl & PCI_EXP_DEVCTL_CERE) ? 1 : 0;
	}
	if (ur && !(devctl & PCI_EXP_DEVCTL_URRE) && !serr)
		return 0;
	if (fatal)
		return (serr || (devctl & PCI_EXP_DEVCTL_FERE)) ? 4 : 0;
	return (serr || (devctl & PCI_EXP_DEVCTL_NFERE)) ? 2 : 0;
}

static void truth_table(void **state)
{
	unsigned rows = 0;
	for (unsigned cls = 0; cls < 4; cls++) { /* cor, nonfatal, fatal, UR (non-fatal) */
		for (unsigned m = 0; m < 2; m++)
			for (unsigned dc = 0; dc < 16; dc++)
				for (unsigned serr = 0; serr < 2; serr++) {
					bool cor = cls == 0, fatal = cls == 2, ur = cls == 3;
					enum pcisim_aer_sev sev = cor ? PCISIM_AER_COR
								: fatal ? PCISIM_AER_FATAL
									: PCISIM_AER_NONFATAL;
					int want = expected_msg(cor, fatal, ur, m, (uint16_t)dc, serr);
					bool got = pcisim_aer_msg_generated(sev, m, (uint16_t)dc,
									    serr ? PCI_COMMAND_SERR : 0, ur);
					assert_int_equal(got, want != 0);
					rows++;
				}
	}
	assert_int_equal(rows, 4 * 2 * 16 * 2);
	/* And the same rows through a real injection at the source. */
	struct tb *t = tb_ok("8.1", ep_topo, "");
	struct pcisim_pcifn *ep = tb_fn(t, "ep");
	static const uint32_t bits[] = {PCI_ERR_COR_RCVR, PCI_ERR_UNC_POISON_TLP, PCI_ERR_UNC_DLP,
					PCI_ERR_UNC_UNSUP};
	for (unsigned cls = 0; cls < 4; cls++)
		for (unsigned m = 0; m < 2; m++)
			for (unsigned dc = 0; dc < 16; dc++)
				for (unsigned serr = 0; serr < 2; serr++) {
					bool cor = cls == 0, fatal = cls == 2, ur = cls == 3;
					wr(ep, PCI_COMMAND, serr ? PCI_COMMAND_SERR : 0, 2);
					set_devctl(ep, (uint16_t)dc);
					wr_areg(ep, cor ? PCI_ERR_COR_MASK : PCI_ERR_UNCOR_MASK, m ? bits[cls] : 0);
					assert_int_equal(inject(ep, bits[cls], cor), 0);
					const struct pcisim_record *r = last_rec(t, "aer.error", "ep");
					int want = expected_msg(cor, fatal, ur, m, (uint16_t)dc, serr);
					const char *msg = want == 1 ? "ERR_COR" : want == 2 ? "ERR_NONFATAL"
									   : want == 4 ? "ERR_FATAL" : "none";
					assert_string_equal(tb_field(r, "msg"), msg);
					/* status is logged whatever the masks and enables say */
					assert_true(areg(ep, cor ? PCI_ERR_COR_STATUS : PCI_ERR_UNCOR_STATUS) & bits[cls]);
					wr_areg(ep, PCI_ERR_COR_STATUS, 0xffffffff);
					wr_areg(ep, PCI_ERR_UNCOR_STATUS, 0xffffffff);
				}
	tb_free(t);
}

/* ---- masked errors log but send nothing ---- */

static void masked_logs_not_sends(void **state)
{
	struct tb *t = tb_ok("8.1", ep_topo, "");
	enable_all(t, ep_path);
	struct pcisim_pcifn *ep = tb_fn(t, "ep"), *rp = tb_fn(t, "rp1");
	/* QEMU >= 8.0's default mask: INTN and TLP_PRF_BLOCKED */
	assert_int_equal(areg(ep, PCI_ERR_UNCOR_MASK), PCI_ERR_UNC_INTN | PCI_ERR_UNC_TLPPRE);
	assert_int_equal(areg(ep, PCI_ERR_COR_MASK), 0xe000);
	assert_int_equal(inject(ep, PCI_ERR_UNC_INTN, false), 0);
	assert_int_equal(inject(ep, PCI_ERR_COR_INTERNAL, true), 0);
	pcisim_run(&t->sim, 1 * MS);
	assert_int_equal(areg(ep, PCI_ERR_UNCOR_STATUS), PCI_ERR_UNC_INTN);
	assert_int_equal(areg(ep, PCI_ERR_COR_STATUS), PCI_ERR_COR_INTERNAL);
	/* no First Error Pointer, no header log for a masked uncorrectable error */
	assert_int_equal(areg(ep, PCI_ERR_CAP) & PCI_ERR_CAP_FEP_MASK, 0);
	/* Device Status is set whatever the masks */
	assert_int_equal(xreg(ep, PCI_EXP_DEVSTA) & PCISIM_EXP_DEVSTA_ERR,
			 PCI_EXP_DEVSTA_FED | PCI_EXP_DEVSTA_CED);
	assert_int_equal(areg(rp, PCI_ERR_ROOT_STATUS) & 0x7f, 0);
	assert_int_equal(tb_count(t, "aer.msg", NULL, NULL), 0);
	assert_int_equal(pcisim_aer_stats(&t->sim).sent, 0);
	assert_int_equal(pcisim_to_port(rp)->irq_msg.count, 0);
	tb_free(t);
}

/* ---- Root Error Status over sequences ---- */

static void root_status_sequences(void **state)
{
	struct tb *t = tb_ok("8.1",
			      "  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1}\n"
			      "  - {driver: pcisim-endpoint, id: ep, bus: rp1, addr: \"0.0\", multifunction: on}\n"
			      "  - {driver: pcisim-endpoint, id: ep1, bus: rp1, addr: \"0.1\"}\n", "");
	static const char *const ids[] = {"ep", "ep1", "rp1", NULL};
	enable_all(t, ids);
	struct pcisim_pcifn *ep = tb_fn(t, "ep"), *ep1 = tb_fn(t, "ep1"), *rp = tb_fn(t, "rp1");
	struct pcisim_port *p = pcisim_to_port(rp);
#define RS() (areg(rp, PCI_ERR_ROOT_STATUS) & 0x7f)
#define SRC() areg(rp, PCI_ERR_ROOT_ERR_SRC)
	/* ERR_COR, then another: multiple; the source ID stays the first one's */
	inject(ep, PCI_ERR_COR_RCVR, true);
	pcisim_run(&t->sim, 1 * MS);
	assert_int_equal(RS(), PCI_ERR_ROOT_COR_RCV);
	assert_int_equal(SRC(), pcisim_fn_bdf(ep));
	assert_int_equal(p->irq_msg.count, 1);
	inject(ep1, PCI_ERR_COR_BAD_TLP, true);
	pcisim_run(&t->sim, 2 * MS);
	assert_int_equal(RS(), PCI_ERR_ROOT_COR_RCV | PCI_ERR_ROOT_MULTI_COR_RCV);
	assert_int_equal(SRC(), pcisim_fn_bdf(ep));
	assert_int_equal(p->irq_msg.count, 1); /* the condition was already true: no edge */
	/* non-fatal, then fatal: not a first fatal; multiple uncorrectable */
	inject(ep1, PCI_ERR_UNC_POISON_TLP, false);
	pcisim_run(&t->sim, 3 * MS);
	assert_int_equal(RS(), PCI_ERR_ROOT_COR_RCV | PCI_ERR_ROOT_MULTI_COR_RCV |
				       PCI_ERR_ROOT_UNCOR_RCV | PCI_ERR_ROOT_NONFATAL_RCV);
	assert_int_equal(SRC() >> 16, pcisim_fn_bdf(ep1));
	/* QEMU (and PCIe r5.0 §6.2.4.1.2) interrupt on the OR of all enabled classes
	 * becoming true: ERR_COR Received is still set, so no new message */
	assert_int_equal(p->irq_msg.count, 1);
	inject(ep, PCI_ERR_UNC_DLP, false);
	pcisim_run(&t->sim, 4 * MS);
	assert_int_equal(RS(), PCI_ERR_ROOT_COR_RCV | PCI_ERR_ROOT_MULTI_COR_RCV |
				       PCI_ERR_ROOT_UNCOR_RCV | PCI_ERR_ROOT_MULTI_UNCOR_RCV |
				       PCI_ERR_ROOT_NONFATAL_RCV | PCI_ERR_ROOT_FATAL_RCV);
	assert_int_equal(SRC() >> 16, pcisim_fn_bdf(ep1));
	assert_int_equal(p->irq_msg.count, 1);
	/* the host clears everything (RW1C); a fatal one now is the first */
	wr_areg(rp, PCI_ERR_ROOT_STATUS, 0x7f);
	assert_int_equal(RS(), 0);
	inject(ep1, PCI_ERR_UNC_FCP, false);
	pcisim_run(&t->sim, 5 * MS);
	assert_int_equal(RS(), PCI_ERR_ROOT_UNCOR_RCV | PCI_ERR_ROOT_FIRST_FATAL | PCI_ERR_ROOT_FATAL_RCV);
	assert_int_equal(SRC() >> 16, pcisim_fn_bdf(ep1));
	assert_int_equal(SRC() & 0xffff, pcisim_fn_bdf(ep)); /* ROS: kept */
	assert_int_equal(p->irq_msg.count, 2);
	/* only the fatal class enabled: a later ERR_COR is recorded without a message,
	 * and the condition (fatal) is still true */
	wr_areg(rp, PCI_ERR_ROOT_COMMAND, PCI_ERR_ROOT_CMD_FATAL_EN);
	wr_areg(rp, PCI_ERR_ROOT_STATUS, PCI_ERR_ROOT_COR_RCV | PCI_ERR_ROOT_MULTI_COR_RCV);
	inject(ep, PCI_ERR_COR_RCVR, true);
	pcisim_run(&t->sim, 6 * MS);
	assert_true(RS() & PCI_ERR_ROOT_COR_RCV);
	assert_int_equal(p->irq_msg.count, 2);
	/* Root Error Command off: status still recorded, no interrupt */
	wr_areg(rp, PCI_ERR_ROOT_STATUS, 0x7f);
	wr_areg(rp, PCI_ERR_ROOT_COMMAND, 0);
	inject(ep, PCI_ERR_COR_RCVR, true);
	pcisim_run(&t->sim, 7 * MS);
	assert_int_equal(RS(), PCI_ERR_ROOT_COR_RCV);
	assert_int_equal(p->irq_msg.count, 2);
	/* enabling it now with the condition true sends the message (QEMU root write hook) */
	wr_areg(rp, PCI_ERR_ROOT_COMMAND, PCI_ERR_ROOT_CMD_COR_EN);
	assert_int_equal(p->irq_msg.count, 3);
	wr_areg(rp, PCI_ERR_ROOT_COMMAND, PCI_ERR_ROOT_CMD_COR_EN); /* no new edge */
	assert_int_equal(p->irq_msg.count, 3);
#undef RS
#undef SRC
	tb_free(t);
}

/* ---- QEMU's per-hop gate before and after 8.0 ---- */

static void qemu_versions(void **state)
{
	for (int v = 0; v < 2; v++) {
		struct tb *t = tb_ok(v ? "8.0" : "7.2", ep_topo, "");
		enable_all(t, ep_path);
		struct pcisim_pcifn *ep = tb_fn(t, "ep"), *rp = tb_fn(t, "rp1");
		inject(ep, PCI_ERR_COR_RCVR, true);
		pcisim_run(&t->sim, 1 * MS);
		/* 7.2 drops every ERR_COR at the source's own gate */
		assert_int_equal(areg(rp, PCI_ERR_ROOT_STATUS) & 0x7f, v ? PCI_ERR_ROOT_COR_RCV : 0);
		if (!v)
			assert_string_equal(tb_field(last_rec(t, "aer.msg", "ep"), "reason"),
					    "QEMU < 8.0 forwards no ERR_COR");
		wr_areg(rp, PCI_ERR_ROOT_STATUS, 0x7f);
		/* Command SERR# off on the endpoint, Device Control enables on */
		wr(ep, PCI_COMMAND, 0, 2);
		inject(ep, PCI_ERR_UNC_POISON_TLP, false);
		pcisim_run(&t->sim, 2 * MS);
		assert_int_equal(areg(rp, PCI_ERR_ROOT_STATUS) & 0x7f,
				 v ? (PCI_ERR_ROOT_UNCOR_RCV | PCI_ERR_ROOT_NONFATAL_RCV) : 0);
		/* SERR# on but Device Control NFERE off on the root port: both drop */
		wr_areg(rp, PCI_ERR_ROOT_STATUS, 0x7f);
		wr(ep, PCI_COMMAND, PCI_COMMAND_SERR, 2);
		set_devctl(rp, PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_FERE);
		inject(ep, PCI_ERR_UNC_POISON_TLP, false);
		pcisim_run(&t->sim, 3 * MS);
		assert_int_equal(areg(rp, PCI_ERR_ROOT_STATUS) & 0x7f, 0);
		assert_string_equal(tb_field(last_rec(t, "aer.msg", "rp1"), "reason"), "Device Control NFERE off");
		/* Signaled System Error was set by the root port's gate on the way */
		assert_true(pcisim_cfg_get16(&rp->cfg, PCI_STATUS) & PCI_STATUS_SIG_SYSTEM_ERROR);
		/* Bridge Control SERR# Enable off: dropped, Received System Error set */
		set_devctl(rp, PCISIM_EXP_DEVCTL_ERR_EN);
		wr(rp, PCI_BRIDGE_CONTROL, 0, 2);
		inject(ep, PCI_ERR_UNC_DLP, false);
		pcisim_run(&t->sim, 4 * MS);
		assert_int_equal(areg(rp, PCI_ERR_ROOT_STATUS) & 0x7f, 0);
		assert_true(pcisim_cfg_get16(&rp->cfg, PCI_SEC_STATUS) & PCI_SEC_STATUS_RCV_SYSTEM_ERROR);
		assert_string_equal(tb_field(last_rec(t, "aer.msg", "rp1"), "reason"),
				    "Bridge Control SERR# Enable off");
		struct pcisim_aer_stats st = pcisim_aer_stats(&t->sim);
		assert_int_equal(st.sent, st.delivered + st.dropped + st.lost + st.in_flight);
		tb_free(t);
	}
}

/* ---- advisory non-fatal ---- */

static void advisory_nonfatal(void **state)
{
	struct tb *t = tb_ok("8.1", ep_topo, "");
	enable_all(t, ep_path);
	struct pcisim_pcifn *ep = tb_fn(t, "ep"), *rp = tb_fn(t, "rp1");
	wr_areg(ep, PCI_ERR_COR_MASK, 0); /* unmask ADV_NONFATAL */
	struct pcisim_aer_err e = {.status = PCI_ERR_UNC_POISON_TLP, .source_id = pcisim_fn_bdf(ep),
				   .flags = PCISIM_AER_ERR_MAYBE_ADVISORY};
	assert_int_equal(pcisim_aer_inject(ep, &e, "test"), 0);
	pcisim_run(&t->sim, 1 * MS);
	assert_int_equal(areg(ep, PCI_ERR_COR_STATUS), PCI_ERR_COR_ADV_NFAT);
	assert_int_equal(areg(ep, PCI_ERR_UNCOR_STATUS), PCI_ERR_UNC_POISON_TLP);
	assert_int_equal(areg(ep, PCI_ERR_CAP) & PCI_ERR_CAP_FEP_MASK, 12);
	assert_int_equal(areg(rp, PCI_ERR_ROOT_STATUS) & 0x7f, PCI_ERR_ROOT_COR_RCV);
	/* -a on a fatal error changes nothing: it stays ERR_FATAL */
	e.status = PCI_ERR_UNC_DLP;
	pcisim_aer_inject(ep, &e, "test");
	pcisim_run(&t->sim, 2 * MS);
	assert_true(areg(rp, PCI_ERR_ROOT_STATUS) & PCI_ERR_ROOT_FATAL_RCV);
	tb_free(t);
}

/* ---- header log, Multiple Header Recording, overflow ---- */

static uint16_t e2_src(struct pcisim_pcifn *f)
{
	return pcisim_fn_bdf(f);
}

static void header_log_and_mhr(void **state)
{
	struct tb *t = tb_ok("8.1", ep_topo, "");
	enable_all(t, ep_path);
	struct pcisim_pcifn *ep = tb_fn(t, "ep");
	uint16_t a = aer(ep);
	struct pcisim_aer_err e = {.status = PCI_ERR_UNC_MALF_TLP, .source_id = pcisim_fn_bdf(ep),
				   .flags = PCISIM_AER_ERR_HEADER_VALID,
				   .header = {0x40000001, 0x0000000f, 0xfee00000, 0x12345678}};
	pcisim_aer_inject(ep, &e, "test");
	/* stored big-endian, DW by DW */
	assert_int_equal(pcisim_cfg_get8(&ep->cfg, (uint16_t)(a + PCI_ERR_HEADER_LOG)), 0x40);
	assert_int_equal(pcisim_cfg_get8(&ep->cfg, (uint16_t)(a + PCI_ERR_HEADER_LOG + 3)), 0x01);
	assert_int_equal(pcisim_cfg_get8(&ep->cfg, (uint16_t)(a + PCI_ERR_HEADER_LOG + 12)), 0x12);
	assert_int_equal(areg(ep, PCI_ERR_CAP) & PCI_ERR_CAP_FEP_MASK, 18);
	/* clearing the status bit clears the log (no MHRE) */
	wr_areg(ep, PCI_ERR_UNCOR_STATUS, PCI_ERR_UNC_MALF_TLP);
	assert_int_equal(areg(ep, PCI_ERR_HEADER_LOG), 0);
	assert_int_equal(areg(ep, PCI_ERR_CAP) & PCI_ERR_CAP_FEP_MASK, 0);

	/* endpoints have no log (QEMU's aer_log_max is a port property): no MHRC */
	assert_false(areg(ep, PCI_ERR_CAP) & PCI_ERR_CAP_MHRC);
	/* Multiple Header Recording on the root port (aer_log_max 8): the second error
	 * it detects itself is queued */
	struct pcisim_pcifn *rp = tb_fn(t, "rp1");
	a = aer(rp);
	assert_true(areg(rp, PCI_ERR_CAP) & PCI_ERR_CAP_MHRC);
	wr_areg(rp, PCI_ERR_CAP, PCI_ERR_CAP_MHRE);
	e.source_id = e2_src(rp);
	pcisim_aer_inject(rp, &e, "test");
	struct pcisim_aer_err e2 = {.status = PCI_ERR_UNC_ECRC, .source_id = e2_src(rp),
				    .flags = PCISIM_AER_ERR_HEADER_VALID, .header = {0xaabbccdd, 0, 0, 0}};
	pcisim_aer_inject(rp, &e2, "test");
	assert_string_equal(tb_field(last_rec(t, "aer.error", "rp1"), "log"), "queued");
	assert_int_equal(areg(rp, PCI_ERR_CAP) & PCI_ERR_CAP_FEP_MASK, 18);
	/* while the first error's bit is set, clearing a queued one is undone */
	wr_areg(rp, PCI_ERR_UNCOR_STATUS, PCI_ERR_UNC_ECRC);
	assert_true(areg(rp, PCI_ERR_UNCOR_STATUS) & PCI_ERR_UNC_ECRC);
	/* clearing the first error's bit pops the queued one into the log */
	wr_areg(rp, PCI_ERR_UNCOR_STATUS, PCI_ERR_UNC_MALF_TLP);
	assert_int_equal(areg(rp, PCI_ERR_CAP) & PCI_ERR_CAP_FEP_MASK, 19);
	assert_int_equal(pcisim_cfg_get8(&rp->cfg, (uint16_t)(a + PCI_ERR_HEADER_LOG)), 0xaa);
	assert_true(areg(rp, PCI_ERR_UNCOR_STATUS) & PCI_ERR_UNC_ECRC);
	wr_areg(rp, PCI_ERR_UNCOR_STATUS, 0xffffffff);
	assert_int_equal(areg(rp, PCI_ERR_UNCOR_STATUS), 0);

	/* overflow: one in the log, 8 queued, the next overflows: HL_OVERFLOW (masked) */
	for (int i = 0; i < 10; i++)
		pcisim_aer_inject(rp, &e, "test");
	assert_true(areg(rp, PCI_ERR_COR_STATUS) & PCI_ERR_COR_LOG_OVER);
	assert_int_equal(tb_count(t, "aer.error", "log", "log overflow"), 1);
	assert_int_equal(tb_count(t, "aer.error", "name", "HL_OVERFLOW"), 1);
	/* MHRE off: the queue goes, the next clear empties the log */
	wr_areg(rp, PCI_ERR_CAP, 0);
	wr_areg(rp, PCI_ERR_UNCOR_STATUS, 0xffffffff);
	assert_int_equal(areg(rp, PCI_ERR_UNCOR_STATUS), 0);
	assert_int_equal(areg(rp, PCI_ERR_CAP) & PCI_ERR_CAP_FEP_MASK, 0);
	tb_free(t);
}

/* ---- sticky bits ---- */

static void sticky_across_resets(void **state)
{
	struct tb *t = tb_ok("8.1", ep_topo, "");
	enable_all(t, ep_path);
	struct pcisim_pcifn *ep = tb_fn(t, "ep"), *rp = tb_fn(t, "rp1");
	inject(ep, PCI_ERR_UNC_POISON_TLP, false);
	inject(ep, PCI_ERR_COR_BAD_TLP, true);
	wr_areg(ep, PCI_ERR_UNCOR_SEVER, PCISIM_ERR_UNC_SEVERITY_DEFAULT | PCI_ERR_UNC_ECRC);
	pcisim_run(&t->sim, 1 * MS);
	uint32_t rs = areg(rp, PCI_ERR_ROOT_STATUS) & 0x7f;
	assert_int_not_equal(rs, 0);
	/* a hot reset (secondary bus reset of rp1) keeps the sticky bits below */
	pcisim_reset_sbr(pcisim_to_port(rp), true);
	pcisim_reset_sbr(pcisim_to_port(rp), false);
	assert_int_equal(areg(ep, PCI_ERR_UNCOR_STATUS), PCI_ERR_UNC_POISON_TLP);
	assert_int_equal(areg(ep, PCI_ERR_COR_STATUS), PCI_ERR_COR_BAD_TLP);
	assert_int_equal(areg(ep, PCI_ERR_CAP) & PCI_ERR_CAP_FEP_MASK, 12);
	assert_int_equal(areg(ep, PCI_ERR_UNCOR_SEVER), PCISIM_ERR_UNC_SEVERITY_DEFAULT | PCI_ERR_UNC_ECRC);
	/* but the reporting enables are not sticky */
	assert_int_equal(xreg(ep, PCI_EXP_DEVCTL) & PCISIM_EXP_DEVCTL_ERR_EN, 0);
	/* a warm reset of the root port keeps its Root Error Status, not its command */
	pcisim_reset_fn(rp, PCISIM_RESET_WARM, "test");
	assert_int_equal(areg(rp, PCI_ERR_ROOT_STATUS) & 0x7f, rs);
	assert_int_equal(areg(rp, PCI_ERR_ROOT_COMMAND), 0);
	/* a cold reset clears them all */
	pcisim_reset_fn(ep, PCISIM_RESET_COLD, "test");
	assert_int_equal(areg(ep, PCI_ERR_UNCOR_STATUS), 0);
	assert_int_equal(areg(ep, PCI_ERR_COR_STATUS), 0);
	assert_int_equal(areg(ep, PCI_ERR_UNCOR_SEVER), PCISIM_ERR_UNC_SEVERITY_DEFAULT);
	tb_free(t);
}

/* ---- through a switch, with link latency; a message lost on a downed link ---- */

static const char sw_topo[] =
	"  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1}\n"
	"  - {driver: x3130-upstream, id: up, bus: rp1}\n"
	"  - {driver: xio3130-downstream, id: dn, bus: up, chassis: 1, slot: 2}\n"
	"  - {driver: pcisim-endpoint, id: ep, bus: dn}\n";
static const char *const sw_path[] = {"ep", "dn", "up", "rp1", NULL};

static void switch_hops_and_latency(void **state)
{
	struct tb *t = tb_ok("8.1", sw_topo, "");
	enable_all(t, sw_path);
	struct pcisim_pcifn *ep = tb_fn(t, "ep"), *dn = tb_fn(t, "dn"), *rp = tb_fn(t, "rp1");
	pcisim_run(&t->sim, 10 * MS);
	pcisim_time t0 = t->sim.now;
	inject(ep, PCI_ERR_UNC_POISON_TLP, false);
	assert_int_equal(areg(rp, PCI_ERR_ROOT_STATUS) & 0x7f, 0); /* still on its way */
	pcisim_run(&t->sim, 11 * MS);
	assert_int_equal(areg(rp, PCI_ERR_ROOT_STATUS) & 0x7f,
			 PCI_ERR_ROOT_UNCOR_RCV | PCI_ERR_ROOT_NONFATAL_RCV);
	assert_int_equal(areg(rp, PCI_ERR_ROOT_ERR_SRC) >> 16, pcisim_fn_bdf(ep));
	/* delivered after the two links' latencies for a 16-byte message */
	const struct pcisim_record *d = last_rec(t, "aer.msg", "rp1");
	assert_string_equal(tb_field(d, "result"), "delivered");
	pcisim_time lat = pcisim_link_tlp_latency(pcisim_link_of(dn), 16) +
			  pcisim_link_tlp_latency(pcisim_link_of(rp), 16);
	assert_int_equal(d->t - t0, lat);
	assert_true(lat > 0);
	/* every hop shows: sent at ep, forwarded by ep (link), dn (switch), up (link) */
	assert_int_equal(tb_count(t, "aer.msg", "result", "forwarded"), 3);
	/* the downstream port's link down: lost, accounted (the link-down reset cleared
	 * the endpoint's enables: set them again) */
	pcisim_reset_link_disable(pcisim_to_port(dn), true);
	set_devctl(ep, PCISIM_EXP_DEVCTL_ERR_EN);
	wr(ep, PCI_COMMAND, PCI_COMMAND_SERR, 2);
	inject(ep, PCI_ERR_UNC_POISON_TLP, false);
	pcisim_run(&t->sim, 12 * MS);
	assert_string_equal(tb_field(last_rec(t, "aer.msg", "dn/ep"), "result"), "lost");
	assert_string_equal(tb_field(last_rec(t, "aer.msg", "dn/ep"), "reason"), "the link above is down");
	/* in flight when the link goes down: lost too */
	pcisim_reset_link_disable(pcisim_to_port(dn), false);
	pcisim_run(&t->sim, 20 * MS);
	set_devctl(ep, PCISIM_EXP_DEVCTL_ERR_EN);
	wr(ep, PCI_COMMAND, PCI_COMMAND_SERR, 2);
	inject(ep, PCI_ERR_COR_RCVR, true);
	pcisim_reset_link_disable(pcisim_to_port(dn), true);
	pcisim_run(&t->sim, 21 * MS);
	assert_string_equal(tb_field(last_rec(t, "aer.msg", NULL), "reason"),
			    "the link went down while the message crossed it");
	struct pcisim_aer_stats st = pcisim_aer_stats(&t->sim);
	assert_int_equal(st.sent, 3);
	assert_int_equal(st.delivered, 1);
	assert_int_equal(st.lost, 2);
	assert_int_equal(st.in_flight, 0);
	assert_int_equal(st.sent, st.delivered + st.dropped + st.lost + st.in_flight);
	tb_free(t);
}

/* ---- the action: HMP form, YAML form, aliases, QEMU's errors ---- */

static void action_forms(void **state)
{
	struct tb *t = tb_text(
		"version: 1\nname: t\nmachine: {type: q35, qemu: \"8.1\"}\n"
		"topology:\n"
		"  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1}\n"
		"  - {driver: pcisim-endpoint, id: ep, bus: rp1}\n"
		"  - {driver: e1000, id: pci0}\n"
		"timeline:\n"
		"  - {at: 1ms, do: pcie_aer_inject_error, args: \"-c ep RCVR\"}\n"
		"  - {at: 2ms, do: pcie_aer_inject_error, args: \"-u id=ep,error=UNCOR_POISON_TLP\"}\n"
		"  - {at: 3ms, do: pcie_aer_inject_error, id: ep, error: COR_INTERNAL}\n"
		"  - {at: 4ms, do: pcie_aer_inject_error, id: ep, error: MALF_TLP, header: [1, 2, 3, 4]}\n"
		"  - {at: 5ms, do: pcie_aer_inject_error, args: \"ep 0x3000\"}\n"
		"  - {at: 6ms, do: pcie_aer_inject_error, args: \"-c ep 0x40\"}\n"
		"  - {at: 7ms, do: pcie_aer_inject_error, args: \"pci0 DLP\", expect_error: true}\n"
		"  - {at: 8ms, do: pcie_aer_inject_error, args: \"nosuch DLP\", expect_error: true}\n"
		"  - {at: 9ms, do: pcie_aer_inject_error, args: \"-a ep ECRC 0x40000001 0 0 0\"}\n");
	assert_int_equal(t->rc, 0);
	pcisim_run(&t->sim, 1000 * MS);
	struct pcisim_pcifn *ep = tb_fn(t, "ep");
	assert_int_equal(tb_count(t, "aer.inject", "error", "POISON_TLP"), 1);
	assert_int_equal(tb_count(t, "aer.inject", "given", "UNCOR_POISON_TLP"), 1);
	assert_int_equal(tb_count(t, "aer.inject", "given", "COR_INTERNAL"), 1);
	assert_int_equal(tb_count(t, "aer.inject", "error", "INTERNAL"), 1);
	assert_int_equal(tb_count(t, "aer.inject", "error", "BAD_TLP"), 1); /* -c 0x40 */
	assert_true(areg(ep, PCI_ERR_COR_STATUS) & (PCI_ERR_COR_RCVR | PCI_ERR_COR_INTERNAL | PCI_ERR_COR_BAD_TLP));
	assert_true(areg(ep, PCI_ERR_UNCOR_STATUS) & (PCI_ERR_UNC_POISON_TLP | PCI_ERR_UNC_MALF_TLP | PCI_ERR_UNC_ECRC));
	/* the raw value with two bits and the two bad devices (expect_error): QEMU's errors (>= 7.2) */
	bool two = false, notpcie = false, nodev = false;
	for (size_t i = 0; i < t->sim.trace->nrecs; i++) {
		const struct pcisim_record *r = &t->sim.trace->recs[i];
		if (strcmp(r->kind, "log"))
			continue;
		const char *s = r->fields[1].s;
		two |= !strcmp(s, "Error: failed to inject error: Invalid argument");
		notpcie |= !strcmp(s, "Error: device 'pci0' is not a PCIe device");
		nodev |= !strcmp(s, "Error: device 'nosuch' is not a PCIe device");
	}
	assert_true(two && notpcie && nodev);
	tb_free(t);

	/* load-time errors, located: what the scenario can know is wrong */
	static const struct {
		const char *step, *error;
	} bad[] = {
		{"{at: 1ms, do: pcie_aer_inject_error, id: ep, error: NOPE}", "t.yaml:8:57: error: unknown error 'NOPE'; valid choices: "},
		{"{at: 1ms, do: pcie_aer_inject_error, args: \"-x ep DLP\"}", "t.yaml:8:48: error: pcie_aer_inject_error '-x ep DLP': unknown flag '-x'"},
		{"{at: 1ms, do: pcie_aer_inject_error, args: \"ep\"}", "t.yaml:8:48: error: pcie_aer_inject_error 'ep': expected"},
		{"{at: 1ms, do: pcie_aer_inject_error, id: ep}", "t.yaml:8:5: error: pcie_aer_inject_error needs 'id' and 'error'"},
		{"{at: 1ms, do: pcie_aer_inject_error, args: \"ep DLP\", id: ep}", "t.yaml:8:62: error: 'args' (the HMP command line) stands alone"},
		{"{at: 1ms, do: pcie_aer_inject_error, id: ep, error: DLP, header: [1, 2, 3, 4, 5]}", "t.yaml:8:70: error: 'header': expected a list of up to 4 32-bit values"},
		{"{at: 1ms, do: pcie_aer_inject_error, id: ep, error: COR_POISON_TLP}", "t.yaml:8:57: error: unknown error 'COR_POISON_TLP'"},
		/* a device that does not exist, or is no PCI Express device */
		{"{at: 1ms, do: pcie_aer_inject_error, id: nosuch, error: DLP}",
		 "t.yaml:8:46: error: pcie_aer_inject_error: no device 'nosuch'; valid choices (the PCI Express devices): rp1, ep; to reproduce QEMU's monitor error instead, add 'expect_error: true' to the step"},
		{"{at: 1ms, do: pcie_aer_inject_error, args: \"-c nosuch RCVR\"}",
		 "t.yaml:8:48: error: pcie_aer_inject_error: no device 'nosuch'; valid choices (the PCI Express devices): rp1, ep;"},
		{"{at: 1ms, do: pcie_aer_inject_error, args: \"pci0 DLP\"}",
		 "t.yaml:8:48: error: pcie_aer_inject_error: 'pci0' (e1000) is not a PCI Express device; valid choices: rp1, ep; to reproduce QEMU's monitor error instead, add 'expect_error: true' to the step"},
		{"{at: 1ms, do: pcie_aer_inject_error, id: \"\", error: DLP}",
		 "t.yaml:8:46: error: 'id' must not be empty; expected the id of a PCI Express device"},
		{"{at: 1ms, do: pcie_aer_inject_error, id: \"\", error: DLP, expect_error: true}",
		 "t.yaml:8:46: error: 'id' must not be empty"},
		{"{at: 1ms, do: pcie_aer_inject_error, id: ep, error: DLP, expect_error: maybe}",
		 "t.yaml:8:76: error: 'expect_error': 'maybe' is not a boolean"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[1024];
		snprintf(text, sizeof(text),
			 "version: 1\nname: t\ntopology:\n"
			 "  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1}\n"
			 "  - {driver: pcisim-endpoint, id: ep, bus: rp1}\n"
			 "  - {driver: e1000, id: pci0}\n"
			 "timeline:\n  - %s\n", bad[i].step);
		struct tb *b = tb_text(text);
		assert_int_not_equal(b->rc, 0);
		if (strncmp(b->diag.first, bad[i].error, strlen(bad[i].error)))
			fail_msg("%s:\n  got      %s\n  expected %s", bad[i].step, b->diag.first, bad[i].error);
		tb_free(b);
	}

	/* a device a step adds may be named before it exists; expect_error is not checked */
	static const char *const good[] = {
		("{at: 1ms, do: device_add, driver: pcisim-endpoint, id: ep2, bus: rp2}\n"
		 "  - {at: 2ms, do: pcie_aer_inject_error, id: ep2, error: DLP}"),
		"{at: 1ms, do: pcie_aer_inject_error, id: gone, error: NOPE, expect_error: true}",
		"{at: 1ms, do: pcie_aer_inject_error, id: ep, error: DLP, expect_error: false}",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char text[1024];
		snprintf(text, sizeof(text),
			 "version: 1\nname: t\ntopology:\n"
			 "  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1}\n"
			 "  - {driver: pcie-root-port, id: rp2, chassis: 2, slot: 2}\n"
			 "  - {driver: pcisim-endpoint, id: ep, bus: rp1}\n"
			 "timeline:\n  - %s\n", good[i]);
		struct tb *g = tb_text(text);
		if (g->rc)
			fail_msg("%s: %s", good[i], g->diag.first);
		pcisim_run(&g->sim, 10 * MS);
		tb_free(g);
	}
}

/* Pre-7.2 QEMU prints the old messages. */
static void action_old_messages(void **state)
{
	struct tb *t = tb_text("version: 1\nname: t\nmachine: {type: q35, qemu: \"7.1\"}\n"
			       "topology:\n  - {driver: e1000, id: pci0}\n"
			       "timeline:\n  - {at: 1ms, do: pcie_aer_inject_error, args: \"pci0 DLP\", expect_error: true}\n");
	assert_int_equal(t->rc, 0);
	pcisim_run(&t->sim, 10 * MS);
	const struct pcisim_record *r = last_rec(t, "log", NULL);
	assert_non_null(r);
	assert_string_equal(r->fields[1].s, "the device doesn't support pci express. pci0");
	tb_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(name_table),
		cmocka_unit_test(every_name_logs_and_reports),
		cmocka_unit_test(aliases),
		cmocka_unit_test(truth_table),
		cmocka_unit_test(masked_logs_not_sends),
		cmocka_unit_test(root_status_sequences),
		cmocka_unit_test(qemu_versions),
		cmocka_unit_test(advisory_nonfatal),
		cmocka_unit_test(header_log_and_mhr),
		cmocka_unit_test(sticky_across_resets),
		cmocka_unit_test(switch_hops_and_latency),
		cmocka_unit_test(action_forms),
		cmocka_unit_test(action_old_messages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
