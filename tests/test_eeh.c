/*
 * sim/eeh and Linux's EEH core (sim/host/eeh_core.c): each RTAS call's argument
 * checks and return codes, the PE state transitions (freeze, thaw MMIO then DMA, hot
 * reset, deactivation, the unavailable period), frozen access semantics (all-ones
 * loads, dropped stores and DMA, counted), the errinjct session (token checks, a
 * second open, unknown types, addresses outside the PE), the work-buffer layouts, and
 * freeze counting over time (eeh_max_freezes and its one-hour window), and the freeze an
 * uncorrectable AER error causes; `eeh: qemu` (only vfio-pci, one shared PE per PHB).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "testbench.h"
#include "sim/eeh/eeh.h"
#include "sim/eeh/rtas.h"
#include "sim/host/cfg.h"
#include "sim/pcie/regs/aer.h"
#include "sim/pcie/regs/pci.h"

#define MS PCISIM_MS
#define S PCISIM_S

static const char *machine = "version: 1\nname: t\nmachine: {type: pseries, qemu: \"8.1\"}\n"
			     "topology:\n  - {driver: e1000e, id: nic0}\n  - {driver: e1000e, id: nic1}\n";

static struct tb *bench(void)
{
	struct tb *t = tb_text(machine);
	if (t->rc)
		fail_msg("pseries scenario did not load: %s", t->err);
	return t;
}

static int32_t call(struct tb *t, const char *name, uint32_t nargs, uint32_t nret, uint32_t a0,
		    uint32_t a3, struct pcisim_rtas_args *out)
{
	struct pcisim_rtas_args a = {.nargs = nargs, .nret = nret};
	a.args[0] = a0;
	a.args[1] = (uint32_t)(PCISIM_SPAPR_BASE_BUID >> 32);
	a.args[2] = (uint32_t)PCISIM_SPAPR_BASE_BUID;
	a.args[3] = a3;
	a.args[7] = a3; /* ibm,slot-error-detail's function */
	int32_t st = pcisim_rtas_call(&t->sim, name, &a, "test");
	if (out)
		*out = a;
	return st;
}

/* A string field of @rec, whole (tb_field() keeps 255 characters). */
static const char *str_field(const struct pcisim_record *rec, const char *name)
{
	for (uint32_t i = 0; i < rec->nfields; i++)
		if (!strcmp(rec->fields[i].name, name))
			return rec->fields[i].s;
	return "";
}

static void machine_and_pes(void **state)
{
	struct tb *t = bench();
	struct pcisim_pcifn *n0 = tb_fn(t, "nic0"), *n1 = tb_fn(t, "nic1");
	assert_true(pcisim_eeh_is_phb(pcisim_eeh_phb_of(n0)));
	assert_int_equal(pcisim_eeh_config_addr(n0), 0x000000);
	assert_int_equal(pcisim_eeh_config_addr(n1), 0x000800); /* 00:01.0 */
	assert_ptr_not_equal(pcisim_eeh_pe_of(n0), pcisim_eeh_pe_of(n1));
	/* the device tree's /rtas node: the calls and the series' ibm,errinjct-tokens */
	const struct pcisim_record *dt = tb_find_rec(t, "spapr.rtas", "pci.0", NULL, NULL);
	assert_non_null(dt);
	assert_non_null(strstr(str_field(dt, "calls"), "ibm,read-slot-reset-state2"));
	assert_non_null(strstr(str_field(dt, "errinjct_tokens"), "ioa-bus-error=7 "));
	assert_non_null(strstr(str_field(dt, "errinjct_tokens"), "ioa-bus-error-64=15"));
	/* firmware's BARs: e1000e's BAR 0 and 1 (128 KiB each) and 3 (16 KiB) first in the
	 * 32-bit window, then nic1's, each aligned to its size */
	assert_int_equal(pcisim_eeh_fn_mmio_base(n0), 0x80000000u);
	assert_int_equal(pcisim_cfg_get32(&n0->cfg, 0x14), 0x80020000u);
	assert_int_equal(pcisim_cfg_get32(&n0->cfg, 0x1c), 0x80040000u);
	assert_int_equal(pcisim_eeh_fn_mmio_base(n1), 0x80060000u);
	struct pcisim_rtas_args a;
	assert_int_equal(call(t, "ibm,get-config-addr-info2", 4, 2, 0x800, 0, &a), 0);
	assert_int_equal(a.rets[1], 0x800);
	assert_int_equal(call(t, "ibm,get-config-addr-info2", 4, 2, 0x800, 1, &a), 0);
	assert_int_equal(a.rets[1], PCISIM_RTAS_PE_MODE_NOT_SHARED);
	assert_int_equal(call(t, "ibm,get-config-addr-info2", 4, 2, 0x800, 2, &a), -3);
	assert_int_equal(call(t, "ibm,get-config-addr-info2", 4, 2, 0x1800, 0, &a), -3); /* no device */
	tb_free(t);
}

static void argument_counts(void **state)
{
	struct tb *t = bench();
	struct pcisim_rtas_args a;
	assert_int_equal(call(t, "ibm,set-eeh-option", 3, 1, 0, 1, &a), -3);
	assert_int_equal(a.rets[0], (uint32_t)-3);
	assert_int_equal(call(t, "ibm,set-eeh-option", 4, 2, 0, 1, &a), -3);
	assert_int_equal(call(t, "ibm,read-slot-reset-state2", 3, 3, 0, 0, &a), -3);
	assert_int_equal(call(t, "ibm,read-slot-reset-state2", 3, 5, 0, 0, &a), 0); /* 4 or 5 */
	assert_int_equal(a.rets[4], 0);
	assert_int_equal(call(t, "ibm,configure-pe", 4, 1, 0, 0, &a), -3);
	assert_int_equal(call(t, "ibm,slot-error-detail", 8, 1, 0, 3, &a), -3);
	assert_int_equal(call(t, "ibm,slot-error-detail", 8, 1, 0, 1, &a), 1); /* no log yet */
	assert_int_equal(call(t, "ibm,no-such-call", 0, 1, 0, 0, &a), -3);
	/* a wrong BUID finds no PE */
	struct pcisim_rtas_args b = {.nargs = 3, .nret = 4};
	b.args[1] = 1;
	assert_int_equal(pcisim_rtas_call(&t->sim, "ibm,read-slot-reset-state2", &b, "test"), -3);
	tb_free(t);
}

static unsigned state_of(struct tb *t, uint32_t pe)
{
	struct pcisim_rtas_args a;
	assert_int_equal(call(t, "ibm,read-slot-reset-state2", 3, 4, pe, 0, &a), 0);
	assert_int_equal(a.rets[2], 1);
	return a.rets[1];
}

static void transitions_and_frozen_access(void **state)
{
	struct tb *t = bench();
	struct pcisim_pcifn *n0 = tb_fn(t, "nic0"), *n1 = tb_fn(t, "nic1");
	struct pcisim_eeh_pe *pe = pcisim_eeh_pe_of(n0);
	assert_true(pcisim_eeh_access(n0, PCISIM_EEH_LOAD_MEM, 0x80000000u));
	assert_true(pcisim_eeh_pe_freeze(pe, "test"));
	assert_false(pcisim_eeh_pe_freeze(pe, "again")); /* already frozen: not counted */
	assert_int_equal(pe->freezes, 1);
	assert_int_equal(state_of(t, 0), 2);
	/* frozen: loads all ones, stores and DMA dropped, config isolated; nic1's PE untouched */
	assert_false(pcisim_eeh_access(n0, PCISIM_EEH_LOAD_MEM, 0x80000000u));
	assert_false(pcisim_eeh_access(n0, PCISIM_EEH_STORE_MEM, 0x80000000u));
	assert_false(pcisim_eeh_access(n0, PCISIM_EEH_DMA_WRITE, 0));
	assert_false(pcisim_eeh_access(n0, PCISIM_EEH_LOAD_CFG, 0));
	assert_true(pcisim_eeh_access(n1, PCISIM_EEH_LOAD_MEM, 0x80060000u));
	assert_int_equal(pe->loads_all_ones, 1);
	assert_int_equal(pe->stores_dropped, 1);
	assert_int_equal(pe->dma_dropped, 1);
	assert_int_equal(pe->cfg_reads_all_ones, 1);
	/* DMA before MMIO: refused */
	assert_int_equal(call(t, "ibm,set-eeh-option", 4, 1, 0, PCISIM_RTAS_EEH_THAW_DMA, NULL), -3);
	assert_int_equal(call(t, "ibm,set-eeh-option", 4, 1, 0, PCISIM_RTAS_EEH_THAW_IO, NULL), 0);
	assert_int_equal(state_of(t, 0), 4);
	assert_true(pcisim_eeh_access(n0, PCISIM_EEH_LOAD_MEM, 0x80000000u));
	assert_false(pcisim_eeh_access(n0, PCISIM_EEH_DMA_READ, 0));
	assert_int_equal(call(t, "ibm,set-eeh-option", 4, 1, 0, PCISIM_RTAS_EEH_THAW_DMA, NULL), 0);
	assert_int_equal(state_of(t, 0), 0);
	assert_int_equal(call(t, "ibm,set-eeh-option", 4, 1, 0, 7, NULL), -3);
	/* hot reset: state 1, then deactivated: 5 (1000 ms) for 100 ms, then 0 */
	assert_int_equal(call(t, "ibm,set-slot-reset", 4, 1, 0, 2, NULL), -3);
	pcisim_run(&t->sim, 1 * S);
	assert_int_equal(call(t, "ibm,set-slot-reset", 4, 1, 0, PCISIM_RTAS_SLOT_RESET_HOT, NULL), 0);
	assert_int_equal(state_of(t, 0), 1);
	assert_int_equal(call(t, "ibm,configure-pe", 3, 1, 0, 0, NULL), -2);
	assert_int_equal(call(t, "ibm,set-slot-reset", 4, 1, 0, PCISIM_RTAS_SLOT_RESET_DEACTIVATE, NULL), 0);
	struct pcisim_rtas_args a;
	call(t, "ibm,read-slot-reset-state2", 3, 4, 0, 0, &a);
	assert_int_equal(a.rets[1], 5);
	assert_int_equal(a.rets[3], 1000);
	pcisim_run(&t->sim, 1 * S + 100 * MS - 1);
	assert_int_equal(state_of(t, 0), 5);
	pcisim_run(&t->sim, 1 * S + 100 * MS);
	assert_int_equal(state_of(t, 0), 0);
	assert_int_equal(call(t, "ibm,configure-pe", 3, 1, 0, 0, NULL), 0);
	assert_int_equal(tb_count(t, "eeh.pe", "to", "unavailable"), 1);
	/* a reset deactivated again while the PE is unavailable: 100 ms from the last one */
	assert_int_equal(call(t, "ibm,set-slot-reset", 4, 1, 0, PCISIM_RTAS_SLOT_RESET_HOT, NULL), 0);
	assert_int_equal(call(t, "ibm,set-slot-reset", 4, 1, 0, PCISIM_RTAS_SLOT_RESET_DEACTIVATE, NULL), 0);
	pcisim_run(&t->sim, 1 * S + 150 * MS);
	assert_int_equal(call(t, "ibm,set-slot-reset", 4, 1, 0, PCISIM_RTAS_SLOT_RESET_HOT, NULL), 0);
	assert_int_equal(call(t, "ibm,set-slot-reset", 4, 1, 0, PCISIM_RTAS_SLOT_RESET_DEACTIVATE, NULL), 0);
	pcisim_run(&t->sim, 1 * S + 249 * MS);
	assert_int_equal(state_of(t, 0), 5);
	pcisim_run(&t->sim, 1 * S + 250 * MS);
	assert_int_equal(state_of(t, 0), 0);
	/* EEH disabled: errors no longer freeze */
	assert_int_equal(call(t, "ibm,set-eeh-option", 4, 1, 0, PCISIM_RTAS_EEH_DISABLE, NULL), 0);
	assert_false(pcisim_eeh_pe_freeze(pe, "disabled"));
	tb_free(t);
}

static void errinjct_session(void **state)
{
	struct tb *t = bench();
	struct pcisim_rtas_args a = {.nargs = 0, .nret = 2};
	assert_int_equal(pcisim_rtas_call(&t->sim, "ibm,open-errinjct", &a, "test"), 0);
	uint32_t token = a.rets[0];
	assert_int_equal(token, 1);
	assert_int_equal(a.rets[1], 0); /* the status comes second */
	assert_int_equal(pcisim_rtas_call(&t->sim, "ibm,open-errinjct", &a, "test"), -4);
	assert_int_equal(a.rets[1], (uint32_t)-4);
	struct pcisim_errinjct_ioa f = {.addr = 0x80000000u, .mask = 0xffffff00u, .config_addr = 0,
					.buid = PCISIM_SPAPR_BASE_BUID,
					.function = PCISIM_EEH_ERR_FUNC_LD_MEM_ADDR};
	uint8_t buf[PCISIM_RTAS_ERRINJCT_BUF];
	pcisim_errinjct_encode(PCISIM_ERRINJCT_IOA_BUS_ERROR, &f, buf);
	pcisim_rtas_guest_write_buf(&t->sim, 0x10000, buf);
	struct pcisim_rtas_args e = {.nargs = 3, .nret = 1};
	e.args[0] = PCISIM_ERRINJCT_IOA_BUS_ERROR;
	e.args[1] = token + 1; /* not the session's */
	e.args[2] = 0x10000;
	assert_int_equal(pcisim_rtas_call(&t->sim, "ibm,errinjct", &e, "test"), -4);
	e.args[1] = token;
	e.args[0] = 99; /* unknown type */
	assert_int_equal(pcisim_rtas_call(&t->sim, "ibm,errinjct", &e, "test"), -3);
	e.args[0] = PCISIM_ERRINJCT_IOA_BUS_ERROR;
	e.args[2] = 0x10200; /* not 1 KiB aligned */
	assert_int_equal(pcisim_rtas_call(&t->sim, "ibm,errinjct", &e, "test"), -3);
	/* an address outside the PE (nic1's BAR) */
	f.addr = pcisim_eeh_fn_mmio_base(tb_fn(t, "nic1"));
	pcisim_errinjct_encode(PCISIM_ERRINJCT_IOA_BUS_ERROR, &f, buf);
	pcisim_rtas_guest_write_buf(&t->sim, 0x10000, buf);
	e.args[2] = 0x10000;
	assert_int_equal(pcisim_rtas_call(&t->sim, "ibm,errinjct", &e, "test"), -3);
	/* a function above DMA_WR_TARGET */
	f.addr = 0x80000000u;
	f.function = 20;
	pcisim_errinjct_encode(PCISIM_ERRINJCT_IOA_BUS_ERROR, &f, buf);
	pcisim_rtas_guest_write_buf(&t->sim, 0x10000, buf);
	assert_int_equal(pcisim_rtas_call(&t->sim, "ibm,errinjct", &e, "test"), -3);
	/* the good one: armed, fires on the first matching load only */
	f.function = PCISIM_EEH_ERR_FUNC_LD_MEM_ADDR;
	pcisim_errinjct_encode(PCISIM_ERRINJCT_IOA_BUS_ERROR, &f, buf);
	pcisim_rtas_guest_write_buf(&t->sim, 0x10000, buf);
	assert_int_equal(pcisim_rtas_call(&t->sim, "ibm,errinjct", &e, "test"), 0);
	struct pcisim_pcifn *n0 = tb_fn(t, "nic0");
	struct pcisim_eeh_pe *pe = pcisim_eeh_pe_of(n0);
	assert_true(pcisim_eeh_access(n0, PCISIM_EEH_STORE_MEM, 0x80000000u)); /* a store: no match */
	assert_true(pcisim_eeh_access(n0, PCISIM_EEH_LOAD_MEM, 0x80001000u));  /* outside the mask */
	assert_false(pcisim_eeh_access(n0, PCISIM_EEH_LOAD_MEM, 0x80000010u));
	assert_int_equal(pe->state, PCISIM_EEH_PE_STOPPED);
	assert_false(pe->armed.armed);
	/* a processor error type: accepted, no effect on the PE */
	e.args[0] = PCISIM_ERRINJCT_CORRUPTED_SLB;
	assert_int_equal(pcisim_rtas_call(&t->sim, "ibm,errinjct", &e, "test"), 0);
	struct pcisim_rtas_args c = {.nargs = 1, .nret = 1};
	c.args[0] = token + 1;
	assert_int_equal(pcisim_rtas_call(&t->sim, "ibm,close-errinjct", &c, "test"), -4);
	c.args[0] = token;
	assert_int_equal(pcisim_rtas_call(&t->sim, "ibm,close-errinjct", &c, "test"), 0);
	assert_int_equal(pcisim_rtas_call(&t->sim, "ibm,close-errinjct", &c, "test"), -4);
	assert_int_equal(pcisim_rtas_call(&t->sim, "ibm,open-errinjct", &a, "test"), 0);
	assert_int_equal(a.rets[0], 2); /* a new session, a new token */
	tb_free(t);
}

static void work_buffer_layouts(void **state)
{
	struct pcisim_errinjct_ioa f = {.addr = 0x1122334455667788ull, .mask = 0xffffffffffff0000ull,
					.config_addr = 0x10800, .buid = 0x800000020000001ull,
					.function = PCISIM_EEH_ERR_FUNC_DMA_WR_TARGET};
	uint8_t b[PCISIM_RTAS_ERRINJCT_BUF];
	pcisim_errinjct_encode(PCISIM_ERRINJCT_IOA_BUS_ERROR_64, &f, b);
	/* QW0 address, QW1 mask, DW4 config address, DW5/6 BUID, DW7 function: big-endian */
	static const uint8_t want64[32] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
					   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00,
					   0x00, 0x01, 0x08, 0x00, 0x08, 0x00, 0x00, 0x00,
					   0x20, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x13};
	assert_memory_equal(b, want64, 32);
	struct pcisim_errinjct_ioa g;
	pcisim_errinjct_decode(PCISIM_ERRINJCT_IOA_BUS_ERROR_64, b, &g);
	assert_true(g.addr == f.addr && g.mask == f.mask && g.config_addr == f.config_addr &&
		    g.buid == f.buid && g.function == f.function);
	/* 32-bit: DW0 address, DW1 mask, DW2 config address, DW3/4 BUID, DW5 function */
	pcisim_errinjct_encode(PCISIM_ERRINJCT_IOA_BUS_ERROR, &f, b);
	static const uint8_t want32[24] = {0x55, 0x66, 0x77, 0x88, 0xff, 0xff, 0x00, 0x00,
					   0x00, 0x01, 0x08, 0x00, 0x08, 0x00, 0x00, 0x00,
					   0x20, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x13};
	assert_memory_equal(b, want32, 24);
	assert_string_equal(pcisim_errinjct_token_name(7), "ioa-bus-error");
	assert_int_equal(pcisim_errinjct_token_find("ioa-bus-error-64"), 15);
	assert_int_equal(pcisim_eeh_err_func_find("dma_rd_master"), 14);
	assert_null(pcisim_errinjct_token_name(17));
}

/* A driver that recovers without a reset, an MMIO load error injected at each @at. */
static struct tb *freezes(const char *max, const char *ats)
{
	return tb_runf(0,
		       "version: 1\nname: t\nuntil: %s\nmachine: {type: pseries}\n"
		       "topology: [{driver: e1000e, id: nic0}]\n"
		       "host: {os: linux, %s drivers: {nic0: {error_detected: can_recover, mmio_enabled: can_recover, resume: on}}}\n"
		       "timeline:\n  - {at: 0s, do: io_start, name: r, id: nic0, op: mmio_read, rate: 1, size: 4}\n"
		       "  - {at: 0s, do: rtas.open-errinjct}\n%s",
		       "7300s", max, ats);
}

static void freeze_counting(void **state)
{
	/* six freezes within the hour: the sixth removes the device */
	struct tb *t = freezes("", "  - {at: 1s, do: rtas.errinjct, type: 7, id: nic0, function: 0}\n"
				   "  - {at: 10s, do: rtas.errinjct, type: 7, id: nic0, function: 0}\n"
				   "  - {at: 20s, do: rtas.errinjct, type: 7, id: nic0, function: 0}\n"
				   "  - {at: 30s, do: rtas.errinjct, type: 7, id: nic0, function: 0}\n"
				   "  - {at: 40s, do: rtas.errinjct, type: 7, id: nic0, function: 0}\n"
				   "  - {at: 50s, do: rtas.errinjct, type: 7, id: nic0, function: 0}\n");
	assert_int_equal(tb_count(t, "eeh.recovery", "to", "RECOVERED"), 5);
	assert_int_equal(tb_count(t, "eeh.recovery", "to", "FAILED"), 1);
	assert_non_null(tb_find_log(t, "has failed 6 times in the last hour and has been permanently disabled"));
	assert_non_null(tb_find_rec(t, "linux.device", "nic0", "event", "removed"));
	tb_free(t);
	/* the same six, the last one more than an hour after the first count began: the
	 * count starts again and every freeze recovers */
	t = freezes("", "  - {at: 1s, do: rtas.errinjct, type: 7, id: nic0, function: 0}\n"
			"  - {at: 10s, do: rtas.errinjct, type: 7, id: nic0, function: 0}\n"
			"  - {at: 20s, do: rtas.errinjct, type: 7, id: nic0, function: 0}\n"
			"  - {at: 30s, do: rtas.errinjct, type: 7, id: nic0, function: 0}\n"
			"  - {at: 40s, do: rtas.errinjct, type: 7, id: nic0, function: 0}\n"
			"  - {at: 3605s, do: rtas.errinjct, type: 7, id: nic0, function: 0}\n");
	assert_int_equal(tb_count(t, "eeh.recovery", "to", "RECOVERED"), 6);
	assert_non_null(tb_find_log(t, "This PCI device has failed 1 times in the last hour"));
	assert_int_equal(tb_count(t, "eeh.recovery", "to", "FAILED"), 0);
	tb_free(t);
	/* eeh_max_freezes: 1: the second freeze is one too many */
	t = freezes("eeh_max_freezes: 1,", "  - {at: 1s, do: rtas.errinjct, type: 7, id: nic0, function: 0}\n"
					   "  - {at: 10s, do: rtas.errinjct, type: 7, id: nic0, function: 0}\n");
	assert_int_equal(tb_count(t, "eeh.recovery", "to", "RECOVERED"), 1);
	assert_non_null(tb_find_log(t, "PHB#0-PE#0 has failed 2 times in the last hour"));
	const struct pcisim_record *rec = tb_find_rec(t, "linux.device", "nic0", "event", "removed");
	assert_non_null(rec);
	assert_int_equal(rec->t, 11 * S); /* the next read after the injection */
	tb_free(t);
	/* the window is counted in whole seconds (ktime_get_seconds()): the first freeze is
	 * seen at 1.1 s (second 1), the second at 3601.2 s (second 3601): 3600.1 s apart but
	 * 3600 seconds, not more, so the count goes on and the second freeze is one too many */
	t = tb_runf(0,
		    "version: 1\nname: t\nuntil: 3602s\nmachine: {type: pseries}\n"
		    "topology: [{driver: e1000e, id: nic0}]\n"
		    "host: {os: linux, eeh_max_freezes: 1, drivers: {nic0: {error_detected: can_recover, mmio_enabled: can_recover, resume: on}}}\n"
		    "timeline:\n  - {at: 0s, do: io_start, name: r, id: nic0, op: mmio_read, rate: 10, size: 4}\n"
		    "  - {at: 0s, do: rtas.open-errinjct}\n"
		    "  - {at: 1050ms, do: rtas.errinjct, type: 7, id: nic0, function: 0}\n"
		    "  - {at: 3601150ms, do: rtas.errinjct, type: 7, id: nic0, function: 0}\n");
	assert_int_equal(tb_count(t, "eeh.recovery", "to", "RECOVERED"), 1);
	assert_non_null(tb_find_log(t, "PHB#0-PE#0 has failed 2 times in the last hour"));
	tb_free(t);
}

static void uncorrectable_error_freezes(void **state)
{
	/* an uncorrectable error the device logs freezes its PE (not the other one);
	 * a correctable one does not */
	struct tb *t = tb_runf(0, "version: 1\nname: t\nuntil: 2s\nmachine: {type: pseries}\n"
				  "topology: [{driver: e1000e, id: nic0}, {driver: e1000e, id: nic1}]\n"
				  "timeline:\n  - {at: 1s, do: pcie_aer_inject_error, id: nic0, error: RCVR, correctable: on}\n"
				  "  - {at: 1s, do: pcie_aer_inject_error, id: nic1, error: POISON_TLP}\n");
	assert_int_equal(pcisim_eeh_pe_of(tb_fn(t, "nic0"))->state, PCISIM_EEH_PE_NORMAL);
	struct pcisim_eeh_pe *pe = pcisim_eeh_pe_of(tb_fn(t, "nic1"));
	assert_int_equal(pe->state, PCISIM_EEH_PE_STOPPED);
	assert_non_null(tb_find_rec(t, "eeh.freeze", "nic1", "why", "uncorrectable non-fatal error POISON_TLP"));
	tb_free(t);
}

/* A PE frozen again while Linux waits for it to settle: eeh_pe_reset_full() tries again,
 * three times in all. */
static void reset_attempts(void **state)
{
#define RESET_FMT                                                                                         \
	"version: 1\nname: t\nuntil: 20s\nmachine: {type: pseries}\n"                                      \
	"topology: [{driver: e1000e, id: nic0}]\n"                                                          \
	"host: {os: linux, drivers: {nic0: {error_detected: need_reset, slot_reset: recovered, resume: on}}}\n" \
	"timeline:\n  - {at: 0s, do: io_start, name: r, id: nic0, op: mmio_read, rate: 100, size: 4}\n"      \
	"  - {at: 1s, do: pcie_aer_inject_error, id: nic0, error: POISON_TLP}\n%s"
	/* recovery starts at 1.01 s; reset 250 ms, settle until 3.06 s: a second error at 2 s */
	struct tb *t = tb_runf(0, RESET_FMT, "  - {at: 2s, do: pcie_aer_inject_error, id: nic0, error: POISON_TLP}\n");
	assert_non_null(tb_find_log(t, "EEH: PHB#0-PE#0: Slot inactive after reset: 0x0 (attempt 1)"));
	const struct pcisim_record *rec = tb_find_log(t, "EEH: PHB#0-PE#0: Successful reset (attempt 2)");
	assert_non_null(rec);
	assert_int_equal(rec->t, 1010 * MS + 2050 * MS + 250 * MS);
	assert_int_equal(tb_count(t, "eeh.recovery", "to", "RECOVERED"), 1);
	tb_free(t);
	/* frozen again in each of the three settles: the recovery fails, the device goes */
	t = tb_runf(0, RESET_FMT, "  - {at: 2s, do: pcie_aer_inject_error, id: nic0, error: POISON_TLP}\n"
			    "  - {at: 4s, do: pcie_aer_inject_error, id: nic0, error: POISON_TLP}\n"
			    "  - {at: 6s, do: pcie_aer_inject_error, id: nic0, error: POISON_TLP}\n");
	assert_non_null(tb_find_log(t, "Slot inactive after reset: 0x0 (attempt 3)"));
	assert_int_equal(tb_count(t, "eeh.recovery", "to", "FAILED"), 1);
	assert_non_null(tb_find_rec(t, "linux.device", "nic0", "event", "removed"));
	tb_free(t);
}

/* A driver without EEH handlers: "Reset with hotplug activity", the device removed and
 * added again around the reset. */
static void hotplug_reset(void **state)
{
	struct tb *t = tb_runf(0, "version: 1\nname: t\nuntil: 5s\nmachine: {type: pseries}\n"
				  "topology: [{driver: e1000e, id: nic0}]\nhost: {os: linux}\n"
				  "timeline:\n  - {at: 0s, do: io_start, name: r, id: nic0, op: mmio_read, rate: 100, size: 4}\n"
				  "  - {at: 1s, do: guest.errinjct, id: nic0, function: ld_mem_addr}\n");
	assert_non_null(tb_find_log(t, "EEH: Reset with hotplug activity"));
	const struct pcisim_record *rm = tb_find_rec(t, "linux.device", "nic0", "event", "removed");
	const struct pcisim_record *add = NULL;
	for (size_t i = 0; i < t->sim.trace->nrecs && !add; i++) {
		const struct pcisim_record *r = &t->sim.trace->recs[i];
		if (!strcmp(r->kind, "linux.device") && !strcmp(tb_field(r, "event"), "added") &&
		    !strcmp(tb_field(r, "why"), "EEH: reset with hotplug activity"))
			add = r;
	}
	assert_non_null(rm);
	assert_int_equal(rm->t, 1010 * MS);
	assert_non_null(add);
	assert_int_equal(add->t, 1010 * MS + 250 * MS + 1800 * MS);
	assert_int_equal(tb_count(t, "eeh.recovery", "to", "RECOVERED"), 1);
	assert_int_equal(tb_count(t, "eeh.callback", NULL, NULL), 0);
	/* while Linux had no device the reads failed at once; after it they go on */
	assert_int_equal(tb_count(t, "io.error", "reason", "no device"), 204);
	tb_free(t);
}

/* guest.errinjct: the errinjct tool's open, errinjct, close in one step */
static void errinjct_tool(void **state)
{
	struct tb *t = tb_runf(0, "version: 1\nname: t\nuntil: 5s\nmachine: {type: pseries}\n"
				  "topology: [{driver: e1000e, id: nic0}, {driver: e1000e, id: nic1}]\n"
				  "host: {os: linux, drivers: {nic1: {error_detected: can_recover, mmio_enabled: can_recover, resume: on}}}\n"
				  "timeline:\n  - {at: 0s, do: io_start, name: r, id: nic1, op: mmio_read, rate: 100, size: 4}\n"
				  "  - {at: 1s, do: guest.errinjct, id: nic1, function: ld_mem_addr, addr: 0x80060000, mask: 0xffffff00}\n"
				  "  - {at: 2s, do: rtas.open-errinjct}\n"
				  "  - {at: 3s, do: guest.errinjct, id: nic1, function: 0}\n");
	assert_int_equal(tb_count(t, "rtas.call", "by", "errinjct"), 3 + 1); /* the last open fails */
	const struct pcisim_record *open = tb_find_rec(t, "rtas.call", NULL, "call", "ibm,open-errinjct");
	assert_string_equal(tb_field(open, "token"), "1");
	assert_non_null(tb_find_rec(t, "eeh.errinjct", "nic1", "addr", "0x80060000"));
	const struct pcisim_record *fr = tb_find_rec(t, "eeh.freeze", "nic1", NULL, NULL);
	assert_non_null(fr);
	assert_int_equal(fr->t, 1010 * MS);
	assert_int_equal(tb_count(t, "eeh.recovery", "to", "RECOVERED"), 1);
	/* the timeline's own session is open at 3 s: the tool cannot open one (-4) */
	assert_non_null(tb_find_rec(t, "rtas.call", NULL, "status", "-4"));
	assert_int_equal(tb_count(t, "eeh.freeze", NULL, NULL), 1);
	tb_free(t);
}

static void qemu_mode(void **state)
{
	/* eeh: qemu: only vfio-pci has EEH; the PHB's VFIO devices are one PE, (bus << 16) + 1 */
	struct tb *t = tb_text("version: 1\nname: t\nmachine: {type: pseries, eeh: qemu}\n"
			       "topology:\n  - {driver: e1000e, id: emu0}\n"
			       "  - {driver: vfio-pci, host: 01:00.0, id: h0}\n  - {driver: vfio-pci, host: 01:00.1, id: h1}\n");
	assert_int_equal(t->rc, 0);
	struct pcisim_pcifn *emu = tb_fn(t, "emu0"), *h0 = tb_fn(t, "h0"), *h1 = tb_fn(t, "h1");
	assert_null(pcisim_eeh_pe_of(emu));
	assert_ptr_equal(pcisim_eeh_pe_of(h0), pcisim_eeh_pe_of(h1));
	assert_int_equal(pcisim_eeh_pe_addr(pcisim_eeh_pe_of(h0)), 0x1);
	struct pcisim_rtas_args a;
	assert_int_equal(call(t, "ibm,set-eeh-option", 4, 1, 0x000, PCISIM_RTAS_EEH_ENABLE, NULL), -3); /* emu0 */
	assert_int_equal(call(t, "ibm,set-eeh-option", 4, 1, 0x800, PCISIM_RTAS_EEH_ENABLE, NULL), 0);  /* h0 */
	assert_int_equal(call(t, "ibm,get-config-addr-info2", 4, 2, 0x000, 0, &a), 0); /* any device */
	assert_int_equal(a.rets[1], 0x1);
	assert_int_equal(call(t, "ibm,get-config-addr-info2", 4, 2, 0x800, 1, &a), 0);
	assert_int_equal(a.rets[1], PCISIM_RTAS_PE_MODE_SHARED);
	/* the PE address is ignored: every call acts on the container */
	assert_true(pcisim_eeh_pe_freeze(pcisim_eeh_pe_of(h1), "test"));
	assert_int_equal(state_of(t, 0x12345), 2);
	assert_false(pcisim_eeh_access(h0, PCISIM_EEH_LOAD_MEM, 0));
	assert_true(pcisim_eeh_access(emu, PCISIM_EEH_LOAD_MEM, 0)); /* emulated: never frozen */
	assert_int_equal(call(t, "ibm,slot-error-detail", 8, 1, 0x1, 1, NULL), 1); /* QEMU: no log */
	/* a BUID without a VFIO device: EEH not available */
	struct pcisim_rtas_args b = {.nargs = 3, .nret = 4};
	b.args[1] = 1;
	assert_int_equal(pcisim_rtas_call(&t->sim, "ibm,read-slot-reset-state2", &b, "test"), -3);
	/* the error-injection session as the QEMU series answers it: the token is always 1,
	 * a second open -4, a wrong token -3 in ibm,errinjct and -5 in ibm,close-errinjct */
	struct pcisim_rtas_args o = {.nargs = 0, .nret = 2};
	assert_int_equal(pcisim_rtas_call(&t->sim, "ibm,open-errinjct", &o, "test"), 0);
	assert_int_equal(o.rets[0], 1);
	assert_int_equal(pcisim_rtas_call(&t->sim, "ibm,open-errinjct", &o, "test"), -4);
	assert_int_equal(o.rets[0], 0);
	assert_int_equal(o.rets[1], (uint32_t)-4);
	struct pcisim_rtas_args e = {.nargs = 3, .nret = 1};
	e.args[0] = PCISIM_ERRINJCT_IOA_BUS_ERROR;
	e.args[1] = 2;
	e.args[2] = 0x10000;
	assert_int_equal(pcisim_rtas_call(&t->sim, "ibm,errinjct", &e, "test"), -3);
	struct pcisim_rtas_args c = {.nargs = 1, .nret = 1};
	c.args[0] = 2;
	assert_int_equal(pcisim_rtas_call(&t->sim, "ibm,close-errinjct", &c, "test"), -5);
	c.args[0] = 1;
	assert_int_equal(pcisim_rtas_call(&t->sim, "ibm,close-errinjct", &c, "test"), 0);
	assert_int_equal(pcisim_rtas_call(&t->sim, "ibm,open-errinjct", &o, "test"), 0);
	assert_int_equal(o.rets[0], 1); /* 1 again */
	tb_free(t);
	/* without a VFIO device the PHB has no EEH at all */
	t = tb_text("version: 1\nname: t\nmachine: {type: pseries, eeh: qemu}\ntopology: [{driver: e1000e, id: emu0}]\n");
	assert_int_equal(call(t, "ibm,get-config-addr-info2", 4, 2, 0x000, 0, &a), -3);
	tb_free(t);
}

/*
 * Linux's view of the PE state (pseries_eeh_get_state(), eeh_dev_check_failure()): a
 * PE in reset reads all ones, but state 1 has MMIO and DMA "active", so Linux takes the
 * all ones as the device's own (a false positive) and starts no recovery; a PE that is
 * permanently unavailable (state 5 without a time) is "not supported": no recovery
 * either.
 */
static void linux_state_translation(void **state)
{
	struct tb *t = tb_runf(1100 * MS, "version: 1\nname: t\nmachine: {type: pseries}\n"
					  "topology: [{driver: e1000e, id: nic0}]\n"
					  "host: {os: linux, drivers: {nic0: {error_detected: need_reset, slot_reset: recovered, resume: on}}}\n"
					  "timeline:\n  - {at: 0s, do: io_start, name: r, id: nic0, op: mmio_read, rate: 100, size: 4}\n"
					  "  - {at: 995ms, do: rtas.set-slot-reset, id: nic0, function: hot}\n");
	assert_int_equal(pcisim_eeh_pe_of(tb_fn(t, "nic0"))->state, PCISIM_EEH_PE_RESET);
	assert_true(pcisim_eeh_pe_of(tb_fn(t, "nic0"))->loads_all_ones >= 10);
	assert_null(tb_find_log(t, "Frozen PHB#0-PE#0 detected"));
	assert_int_equal(tb_count(t, "eeh.recovery", NULL, NULL), 0);
	/* every all-ones read asked for the state: read-slot-reset-state2 answered 1 */
	assert_true(tb_count(t, "rtas.call", "state", "1") >= 10);
	tb_free(t);
}

/*
 * ibm,set-slot-reset resets the PE's functions' registers as a conventional reset does
 * (PCIe r5.0 §6.6.1): a hot reset keeps the sticky bits, a fundamental one does not.
 */
static void pe_reset_registers(void **state)
{
	struct tb *t = bench();
	struct pcisim_pcifn *n0 = tb_fn(t, "nic0"), *n1 = tb_fn(t, "nic1");
	uint16_t aer = pcisim_cfg_find_ext_cap(&n0->cfg, PCI_EXT_CAP_ID_ERR);
	assert_int_not_equal(aer, 0);
	uint32_t mask0 = pcisim_cfg_get32(&n0->cfg, (uint16_t)(aer + PCI_ERR_UNCOR_MASK));
	assert_true(pcisim_host_cfg_write_instant(n0, PCI_COMMAND, 0x0146, 2, PCISIM_INSTANT_GUEST_ACTION));
	assert_true(pcisim_host_cfg_write_instant(n0, PCI_CACHE_LINE_SIZE, 0x10, 1, PCISIM_INSTANT_GUEST_ACTION));
	assert_true(pcisim_host_cfg_write_instant(n0, PCI_INTERRUPT_LINE, 0x0b, 1, PCISIM_INSTANT_GUEST_ACTION));
	assert_true(pcisim_host_cfg_write_instant(n0, (uint16_t)(aer + PCI_ERR_UNCOR_MASK), 0x00100000, 4,
						  PCISIM_INSTANT_GUEST_ACTION));
	assert_true(pcisim_host_cfg_write_instant(n1, PCI_COMMAND, 0x0006, 2, PCISIM_INSTANT_GUEST_ACTION));
	assert_int_equal(pcisim_cfg_get32(&n0->cfg, PCI_BASE_ADDRESS_0), 0x80000000u);
	assert_int_equal(call(t, "ibm,set-slot-reset", 4, 1, 0, PCISIM_RTAS_SLOT_RESET_HOT, NULL), 0);
	/* nic0's registers are back to their reset values, the sticky AER mask stays */
	assert_int_equal(pcisim_cfg_get16(&n0->cfg, PCI_COMMAND), 0);
	assert_int_equal(pcisim_cfg_get32(&n0->cfg, PCI_BASE_ADDRESS_0), 0);
	assert_int_equal(pcisim_cfg_get32(&n0->cfg, PCI_BASE_ADDRESS_0 + 4), 0);
	assert_int_equal(pcisim_cfg_get8(&n0->cfg, PCI_CACHE_LINE_SIZE), 0);
	assert_int_equal(pcisim_cfg_get8(&n0->cfg, PCI_INTERRUPT_LINE), 0);
	assert_int_equal(pcisim_cfg_get32(&n0->cfg, (uint16_t)(aer + PCI_ERR_UNCOR_MASK)), 0x00100000);
	assert_non_null(tb_find_rec(t, "pci.reset", "nic0", "why", "ibm,set-slot-reset: hot reset"));
	/* nic1 is another PE: untouched */
	assert_int_equal(pcisim_cfg_get16(&n1->cfg, PCI_COMMAND), 0x0006);
	assert_int_equal(pcisim_cfg_get32(&n1->cfg, PCI_BASE_ADDRESS_0), 0x80060000u);
	assert_null(tb_find_rec(t, "pci.reset", "nic1", NULL, NULL));
	/* a fundamental reset clears the sticky bits too */
	assert_int_equal(call(t, "ibm,set-slot-reset", 4, 1, 0, PCISIM_RTAS_SLOT_RESET_DEACTIVATE, NULL), 0);
	pcisim_run(&t->sim, 200 * MS);
	assert_int_equal(call(t, "ibm,set-slot-reset", 4, 1, 0, PCISIM_RTAS_SLOT_RESET_FUNDAMENTAL, NULL), 0);
	assert_int_equal(pcisim_cfg_get32(&n0->cfg, (uint16_t)(aer + PCI_ERR_UNCOR_MASK)), mask0);
	assert_non_null(tb_find_rec(t, "pci.reset", "nic0", "kind", "cold"));
	tb_free(t);
}

/*
 * The host's own config accesses meet the frozen-PE rule: reads of a frozen PE's
 * functions give all ones and writes are dropped, whether instant or routed (the
 * guest.cfg_* actions), and each is counted at the PE. An injected config load error
 * fires on the host's config read.
 */
static void frozen_config_from_host(void **state)
{
	struct tb *t = tb_runf(0, "version: 1\nname: t\nuntil: 10ms\nmachine: {type: pseries}\n"
				  "topology: [{driver: e1000e, id: nic0}, {driver: e1000e, id: nic1}]\n"
				  "timeline:\n  - {at: 1ms, do: guest.cfg_read, dev: nic0, offset: 0, width: 4}\n"
				  "  - {at: 2ms, do: rtas.open-errinjct}\n"
				  "  - {at: 2ms, do: rtas.errinjct, type: ioa-bus-error, id: nic0, function: ld_cfg_addr}\n"
				  "  - {at: 4ms, do: guest.cfg_read, dev: nic0, offset: 0, width: 4}\n"
				  "  - {at: 4ms, do: guest.cfg_write, dev: nic0, offset: 0x0c, width: 1, value: 0x20}\n"
				  "  - {at: 4ms, do: guest.cfg_read, dev: nic1, offset: 0, width: 4}\n");
	struct pcisim_pcifn *n0 = tb_fn(t, "nic0"), *n1 = tb_fn(t, "nic1");
	struct pcisim_eeh_pe *pe = pcisim_eeh_pe_of(n0);
	/* the injected config load error fired on the host's read at 4 ms, before it */
	const struct pcisim_record *fr = tb_find_rec(t, "eeh.freeze", "nic0", NULL, NULL);
	assert_non_null(fr);
	assert_int_equal(fr->t, 4 * MS);
	assert_int_equal(pe->state, PCISIM_EEH_PE_STOPPED);
	int reads = 0;
	for (size_t i = 0; i < t->sim.trace->nrecs; i++) {
		const struct pcisim_record *r = &t->sim.trace->recs[i];
		if (strcmp(r->kind, "guest.cfg_read"))
			continue;
		if (reads == 0)
			assert_string_equal(tb_field(r, "value"), "0x10d38086"); /* before the freeze */
		if (reads == 1)
			assert_string_equal(tb_field(r, "value"), "0xffffffff"); /* frozen */
		if (reads == 2)
			assert_string_equal(tb_field(r, "value"), "0x10d38086"); /* nic1: another PE */
		reads++;
	}
	assert_int_equal(reads, 3);
	assert_int_equal(pcisim_cfg_get8(&n0->cfg, PCI_CACHE_LINE_SIZE), 0); /* the write was dropped */
	assert_int_equal(pe->cfg_reads_all_ones, 1);
	assert_int_equal(pe->cfg_writes_dropped, 1);
	/* the instant accesses follow the same rule */
	assert_int_equal(pcisim_host_cfg_read_instant(n0, PCI_VENDOR_ID, 2, PCISIM_INSTANT_GUEST_ACTION), 0xffff);
	assert_false(pcisim_host_cfg_write_instant(n0, PCI_CACHE_LINE_SIZE, 0x20, 1, PCISIM_INSTANT_GUEST_ACTION));
	assert_int_equal(pcisim_host_cfg_read_instant(n1, PCI_VENDOR_ID, 2, PCISIM_INSTANT_GUEST_ACTION), 0x8086);
	assert_int_equal(pe->cfg_reads_all_ones, 2);
	assert_int_equal(pe->cfg_writes_dropped, 2);
	/* MMIO thawed (state 4): configuration space is reachable again */
	assert_int_equal(call(t, "ibm,set-eeh-option", 4, 1, 0, PCISIM_RTAS_EEH_THAW_IO, NULL), 0);
	assert_int_equal(pcisim_host_cfg_read_instant(n0, PCI_VENDOR_ID, 2, PCISIM_INSTANT_GUEST_ACTION), 0x8086);
	tb_free(t);
}

/*
 * Linux after the PE reset: eeh_pe_restore_bars() puts the BARs back (but of the
 * Command register only PERR/SERR), the driver's slot_reset (pci_restore_state())
 * its Command register; a driver without slot_reset leaves Memory Space off.
 */
static void linux_restores_after_reset(void **state)
{
#define RESTORE_FMT                                                                                        \
	"version: 1\nname: t\nuntil: 5s\nmachine: {type: pseries}\n"                                       \
	"topology: [{driver: e1000e, id: nic0}]\n"                                                           \
	"host: {os: linux, drivers: {nic0: {error_detected: need_reset, %s resume: on}}}\n"                  \
	"timeline:\n  - {at: 0s, do: io_start, name: r, id: nic0, op: mmio_read, rate: 100, size: 4}\n"       \
	"  - {at: 1s, do: guest.errinjct, id: nic0, function: ld_mem_addr}\n"
	struct tb *t = tb_runf(0, RESTORE_FMT, "slot_reset: recovered,");
	struct pcisim_pcifn *n0 = tb_fn(t, "nic0");
	assert_non_null(tb_find_rec(t, "pci.reset", "nic0", "why", "ibm,set-slot-reset: hot reset"));
	assert_int_equal(tb_count(t, "eeh.recovery", "to", "RECOVERED"), 1);
	assert_int_equal(pcisim_cfg_get32(&n0->cfg, PCI_BASE_ADDRESS_0), 0x80000000u);
	assert_int_equal(pcisim_cfg_get32(&n0->cfg, PCI_BASE_ADDRESS_0 + 4), 0x80020000u);
	assert_int_equal(pcisim_cfg_get32(&n0->cfg, PCI_BASE_ADDRESS_0 + 12), 0x80040000u);
	assert_int_equal(pcisim_cfg_get16(&n0->cfg, PCI_COMMAND) & (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER),
			 PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	tb_free(t);
	t = tb_runf(0, RESTORE_FMT, "");
	n0 = tb_fn(t, "nic0");
	assert_int_equal(pcisim_cfg_get32(&n0->cfg, PCI_BASE_ADDRESS_0), 0x80000000u);
	assert_int_equal(pcisim_cfg_get16(&n0->cfg, PCI_COMMAND) & PCI_COMMAND_MEMORY, 0);
	tb_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(machine_and_pes),
		cmocka_unit_test(argument_counts),
		cmocka_unit_test(transitions_and_frozen_access),
		cmocka_unit_test(errinjct_session),
		cmocka_unit_test(work_buffer_layouts),
		cmocka_unit_test(freeze_counting),
		cmocka_unit_test(uncorrectable_error_freezes),
		cmocka_unit_test(reset_attempts),
		cmocka_unit_test(errinjct_tool),
		cmocka_unit_test(hotplug_reset),
		cmocka_unit_test(qemu_mode),
		cmocka_unit_test(linux_state_translation),
		cmocka_unit_test(pe_reset_registers),
		cmocka_unit_test(frozen_config_from_host),
		cmocka_unit_test(linux_restores_after_reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
