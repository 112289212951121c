/*
 * Dynamic capacity speed (sim/cxl/dcd.h): add/accept/release cycles per second, and
 * 8-byte loads per second from dynamic capacity with few and with many extents.
 *
 * The device: a QEMU 9.1 cxl-type3 with one 1 GiB DC region and no static memory
 * behind one root port, its HDM decoder 0 mapping the window's first GiB to DPA 0.
 * One cycle is what the fabric and the guest do for one extent: the QMP offer of
 * 2 MiB (cxl-add-dynamic-capacity), the guest's Add Dynamic Capacity Response, Clear
 * Event Records, then Release Dynamic Capacity, the three commands through the
 * mailbox registers and the doorbell as a guest writes them. Loads go through the
 * window and the decoder (pcisim_cxl_mem_access) to an accepted extent, first with
 * one extent accepted, then from the last of 511 adjacent 2 MiB extents (the most a
 * device accepts one offer at a time; the backing check walks the list). Times are the thread's CPU time; one line per run, then the
 * medians.
 *
 *   bench_dcd [--runs R] [--cycles N]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/core/scenario.h"
#include "sim/core/sim.h"
#include "sim/cxl/dcd.h"
#include "sim/cxl/hdm.h"
#include "sim/cxl/memdev.h"
#include "sim/cxl/regs.h"
#include "sim/pcie/fabric.h"
#include "replay/register.h"

#define MiB (1ull << 20)

static const char scenario[] =
	"version: 1\nname: bench-dcd\n"
	"machine: {type: q35, qemu: \"9.1\", cxl: on, cxl-fmw: [{targets: [hb], size: 4G}]}\n"
	"topology:\n"
	"  - qemu_args: \"-object memory-backend-ram,id=dc0,size=1G\"\n"
	"  - {driver: pxb-cxl, id: hb, bus: pcie.0, bus_nr: 12}\n"
	"  - {driver: cxl-rp, id: rp0, bus: hb, port: 0, chassis: 1, slot: 1}\n"
	"  - {driver: cxl-type3, id: t0, bus: rp0, volatile-dc-memdev: dc0, num-dc-regions: 1}\n";

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void put(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* One mailbox command through the registers, as a guest: payload, command, doorbell. */
static int mbox(struct pcisim_pcifn *d, uint16_t op, const uint8_t *in, unsigned len)
{
	for (unsigned i = 0; i < len; i += 8) {
		uint64_t w = 0;
		for (unsigned b = 0; b < 8 && i + b < len; b++)
			w |= (uint64_t)in[i + b] << (8 * b);
		pcisim_cxl_device_write(d, CXL_MBOX_PAYLOAD + i, 8, w);
	}
	pcisim_cxl_device_write(d, CXL_MBOX_CMD, 8, op | (uint64_t)len << 16);
	pcisim_cxl_device_write(d, CXL_MBOX_CTRL, 4, CXL_MBOX_CTRL_DOORBELL);
	return (int)(pcisim_cxl_device_read(d, CXL_MBOX_STATUS, 8) >> 32 & 0xffff);
}

static int cycle(struct pcisim_pcifn *d, uint64_t off)
{
	struct pcisim_cxl_dc_range r = {off, 2 * MiB};
	char err[160];
	uint8_t pl[32] = {0}, clear[6] = {PCISIM_CXL_EVENT_LOG_DCD, 1};
	if (pcisim_cxl_dc_qmp_add(d, 0, &r, 1, err, sizeof(err)))
		return -1;
	put(pl, 1, 4);
	put(pl + 8, off, 8);
	put(pl + 16, 2 * MiB, 8);
	if (mbox(d, CXL_OP_ADD_DC_RESPONSE, pl, 32) || mbox(d, CXL_OP_CLEAR_EVENT_RECORDS, clear, 6) ||
	    mbox(d, CXL_OP_RELEASE_DC, pl, 32))
		return -1;
	return 0;
}

/* @n loads walking the 2 MiB extent at DPA @dpa */
static double loads(struct pcisim_fabric *fab, uint64_t n, uint64_t dpa, uint64_t *check)
{
	double t0 = now_s();
	for (uint64_t i = 0; i < n; i++) {
		uint64_t v = 0;
		if (pcisim_cxl_mem_access(fab, PCISIM_CXL_FMW_START + dpa + (i * 64) % (2 * MiB), &v, 8, false, NULL, NULL))
			return -1;
		*check += v;
	}
	return (double)n / (now_s() - t0);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	unsigned runs = 5;
	uint64_t n = 200000;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = (unsigned)strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--cycles") && i + 1 < argc)
			n = strtoull(argv[++i], NULL, 0);
		else {
			fprintf(stderr, "usage: bench_dcd [--runs R] [--cycles N]\n");
			return 2;
		}
	}
	if (!runs || runs > 101 || !n) {
		fprintf(stderr, "bench_dcd: --runs must be 1..101 and --cycles at least 1\n");
		return 2;
	}
	pcisim_register_all();
	struct pcisim_diag diag;
	pcisim_diag_init(&diag, stderr);
	struct pcisim_scenario sc;
	struct pcisim_sim sim;
	if (pcisim_scenario_parse(&sc, "bench-dcd.yaml", scenario, strlen(scenario), &diag))
		return 1;
	pcisim_sim_init(&sim, 1, &diag);
	if (pcisim_scenario_instantiate(&sim, &sc, NULL, NULL, &diag))
		return 1;
	struct pcisim_fabric *fab = pcisim_fabric_get(&sim);
	struct pcisim_pcifn *d = pcisim_fabric_find_fn(fab, "t0");
	/* device decoder 0: the window's first GiB to DPA 0, committed */
	pcisim_cxl_component_write(d, PCISIM_CXL_CM_OFFSET + CXL_HDM_GLOBAL_CTRL, 4, CXL_HDM_GLOBAL_ENABLE);
	pcisim_cxl_component_write(d, PCISIM_CXL_CM_OFFSET + CXL_HDM_DEC(0) + CXL_HDM_BASE_LO, 4,
				   (uint32_t)PCISIM_CXL_FMW_START);
	pcisim_cxl_component_write(d, PCISIM_CXL_CM_OFFSET + CXL_HDM_DEC(0) + CXL_HDM_BASE_HI, 4,
				   (uint32_t)(PCISIM_CXL_FMW_START >> 32));
	pcisim_cxl_component_write(d, PCISIM_CXL_CM_OFFSET + CXL_HDM_DEC(0) + CXL_HDM_SIZE_LO, 4, 0x40000000);
	pcisim_cxl_component_write(d, PCISIM_CXL_CM_OFFSET + CXL_HDM_DEC(0) + CXL_HDM_CTRL, 4, CXL_HDM_CTRL_COMMIT);

	double *cyc = calloc(runs, sizeof(double)), *few = calloc(runs, sizeof(double)),
	       *many = calloc(runs, sizeof(double));
	uint64_t check = 0;
	for (unsigned r = 0; r < runs; r++) {
		double t0 = now_s();
		for (uint64_t i = 0; i < n; i++)
			if (cycle(d, (i % 512) * 2 * MiB)) {
				fprintf(stderr, "bench_dcd: cycle %llu was refused\n", (unsigned long long)i);
				return 1;
			}
		cyc[r] = (double)n / (now_s() - t0);
		/* one extent, then 511 (one a block, each its own extent), read from the first and the last */
		struct pcisim_cxl_dc_range one = {0, 2 * MiB};
		char err[160];
		struct pcisim_cxl_dc_extent e = {.start = 0, .len = 2 * MiB};
		if (pcisim_cxl_dc_qmp_add(d, 0, &one, 1, err, sizeof(err)) || pcisim_cxl_dc_add_response(d, &e, 1))
			return 1;
		few[r] = loads(fab, n * 10, 0, &check);
		for (unsigned k = 1; k < 511; k++) {
			struct pcisim_cxl_dc_range x = {2 * MiB * k, 2 * MiB};
			struct pcisim_cxl_dc_extent y = {.start = 2 * MiB * k, .len = 2 * MiB};
			if (pcisim_cxl_dc_qmp_add(d, 0, &x, 1, err, sizeof(err)) || pcisim_cxl_dc_add_response(d, &y, 1))
				break;
		}
		many[r] = loads(fab, n * 10, 2 * MiB * 510, &check); /* the last of the list */
		if (few[r] < 0 || many[r] < 0) {
			fprintf(stderr, "bench_dcd: a load of accepted memory failed\n");
			return 1;
		}
		printf("run %u: %.0f cycles/s, %.1f M loads/s (1 extent), %.1f M loads/s (%u extents)\n", r + 1, cyc[r],
		       few[r] / 1e6, many[r] / 1e6, pcisim_cxl_dc_of(d)->naccepted);
		/* back to no extents: release them all, one command each */
		while (pcisim_cxl_dc_of(d)->naccepted) {
			struct pcisim_cxl_dc_extent z = pcisim_cxl_dc_of(d)->accepted[0];
			if (pcisim_cxl_dc_release_response(d, &z, 1))
				return 1;
		}
		uint8_t clear[6] = {PCISIM_CXL_EVENT_LOG_DCD, 1};
		mbox(d, CXL_OP_CLEAR_EVENT_RECORDS, clear, 6);
	}
	qsort(cyc, runs, sizeof(double), cmp);
	qsort(few, runs, sizeof(double), cmp);
	qsort(many, runs, sizeof(double), cmp);
	printf("median: %.0f add/accept/release cycles/s, %.1f M loads/s with 1 extent, %.1f M with 511  [checksum %llx]\n",
	       cyc[runs / 2], few[runs / 2] / 1e6, many[runs / 2] / 1e6, (unsigned long long)check);
	free(cyc);
	free(few);
	free(many);
	pcisim_sim_free(&sim);
	pcisim_scenario_free(&sc);
	return 0;
}
