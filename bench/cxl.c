/*
 * CXL decoding speed: HPA -> DPA decodes per second through a two-level interleave,
 * and host memory accesses per second through the same path (hdm.h, memdev.h).
 *
 * The topology: a fixed memory window of 8 GiB interleaving two pxb-cxl host bridges
 * (256 B); each host bridge interleaves two cxl-rp root ports (512 B); below each
 * root port a CXL switch whose upstream port interleaves two downstream ports (1 KiB);
 * a cxl-type3 device (1 GiB volatile) below each: eight devices, eight ways in all,
 * every decoder programmed and committed through the component registers as a guest
 * driver would (device decoders 8-way, 256 B).
 *
 * Measured per run: N decodes of consecutive 64-byte lines (every level's target
 * changes as the address walks), then N/8 8-byte writes and N/8 reads through
 * pcisim_cxl_mem_access(); the CPU time of each (CLOCK_THREAD_CPUTIME_ID: a busy shared
 * machine does not count against it). Prints one line per run and the medians; the
 * target is 20 million decodes per second on one core.
 *
 *   bench_cxl [--runs R] [--decodes N]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/core/scenario.h"
#include "sim/core/sim.h"
#include "sim/cxl/hdm.h"
#include "sim/cxl/memdev.h"
#include "sim/cxl/regs.h"
#include "sim/pcie/fabric.h"
#include "replay/register.h"

#define TARGET_PER_S 20e6

static const char scenario[] =
	"version: 1\nname: bench-cxl\n"
	"machine: {type: q35, qemu: \"9.2\", cxl: on, cxl-fmw: [{targets: [hb0, hb1], size: 8G, "
	"interleave-granularity: 256}]}\n"
	"topology:\n"
	"  - qemu_args: |\n"
	"      -object memory-backend-ram,id=m0,size=1G\n"
	"      -object memory-backend-ram,id=m1,size=1G\n"
	"      -object memory-backend-ram,id=m2,size=1G\n"
	"      -object memory-backend-ram,id=m3,size=1G\n"
	"      -object memory-backend-ram,id=m4,size=1G\n"
	"      -object memory-backend-ram,id=m5,size=1G\n"
	"      -object memory-backend-ram,id=m6,size=1G\n"
	"      -object memory-backend-ram,id=m7,size=1G\n"
	"  - {driver: pxb-cxl, id: hb0, bus: pcie.0, bus_nr: 16}\n"
	"  - {driver: pxb-cxl, id: hb1, bus: pcie.0, bus_nr: 64}\n"
	"  - {driver: cxl-rp, id: rp0, bus: hb0, port: 0, chassis: 1, slot: 1}\n"
	"  - {driver: cxl-rp, id: rp1, bus: hb0, port: 1, chassis: 1, slot: 2}\n"
	"  - {driver: cxl-rp, id: rp2, bus: hb1, port: 0, chassis: 2, slot: 1}\n"
	"  - {driver: cxl-rp, id: rp3, bus: hb1, port: 1, chassis: 2, slot: 2}\n"
	"  - {driver: cxl-upstream, id: us0, bus: rp0}\n"
	"  - {driver: cxl-upstream, id: us1, bus: rp1}\n"
	"  - {driver: cxl-upstream, id: us2, bus: rp2}\n"
	"  - {driver: cxl-upstream, id: us3, bus: rp3}\n"
	"  - {driver: cxl-downstream, id: ds0, bus: us0, port: 0, chassis: 3, slot: 1}\n"
	"  - {driver: cxl-downstream, id: ds1, bus: us0, port: 1, chassis: 3, slot: 2}\n"
	"  - {driver: cxl-downstream, id: ds2, bus: us1, port: 0, chassis: 4, slot: 1}\n"
	"  - {driver: cxl-downstream, id: ds3, bus: us1, port: 1, chassis: 4, slot: 2}\n"
	"  - {driver: cxl-downstream, id: ds4, bus: us2, port: 0, chassis: 5, slot: 1}\n"
	"  - {driver: cxl-downstream, id: ds5, bus: us2, port: 1, chassis: 5, slot: 2}\n"
	"  - {driver: cxl-downstream, id: ds6, bus: us3, port: 0, chassis: 6, slot: 1}\n"
	"  - {driver: cxl-downstream, id: ds7, bus: us3, port: 1, chassis: 6, slot: 2}\n"
	"  - {driver: cxl-type3, id: t0, bus: ds0, volatile-memdev: m0}\n"
	"  - {driver: cxl-type3, id: t1, bus: ds1, volatile-memdev: m1}\n"
	"  - {driver: cxl-type3, id: t2, bus: ds2, volatile-memdev: m2}\n"
	"  - {driver: cxl-type3, id: t3, bus: ds3, volatile-memdev: m3}\n"
	"  - {driver: cxl-type3, id: t4, bus: ds4, volatile-memdev: m4}\n"
	"  - {driver: cxl-type3, id: t5, bus: ds5, volatile-memdev: m5}\n"
	"  - {driver: cxl-type3, id: t6, bus: ds6, volatile-memdev: m6}\n"
	"  - {driver: cxl-type3, id: t7, bus: ds7, volatile-memdev: m7}\n";

/* CPU time of this thread: the machine may be shared, the target is per core */
static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void wr(struct pcisim_pcifn *f, unsigned off, uint32_t v)
{
	pcisim_cxl_component_write(f, PCISIM_CXL_CM_OFFSET + off, 4, v);
}

/* decoder 0 of @f: [base, base + size), granularity 256 << ig, ways encoding iw */
static void program(struct pcisim_pcifn *f, uint64_t base, uint64_t size, unsigned ig, unsigned iw,
		    uint32_t targets)
{
	wr(f, CXL_HDM_DEC(0) + CXL_HDM_BASE_LO, (uint32_t)base);
	wr(f, CXL_HDM_DEC(0) + CXL_HDM_BASE_HI, (uint32_t)(base >> 32));
	wr(f, CXL_HDM_DEC(0) + CXL_HDM_SIZE_LO, (uint32_t)size);
	wr(f, CXL_HDM_DEC(0) + CXL_HDM_SIZE_HI, (uint32_t)(size >> 32));
	wr(f, CXL_HDM_DEC(0) + CXL_HDM_TARGET_LO, targets);
	wr(f, CXL_HDM_GLOBAL_CTRL, CXL_HDM_GLOBAL_ENABLE);
	wr(f, CXL_HDM_DEC(0) + CXL_HDM_CTRL, ig | iw << 4 | CXL_HDM_CTRL_COMMIT | CXL_HDM_CTRL_TYPE);
}

static struct pcisim_pcifn *fn(struct pcisim_fabric *fab, const char *prefix, unsigned i)
{
	char id[16];
	snprintf(id, sizeof(id), "%s%u", prefix, i);
	struct pcisim_pcifn *f = pcisim_fabric_find_fn(fab, id);
	if (!f) {
		fprintf(stderr, "bench_cxl: no %s\n", id);
		exit(1);
	}
	return f;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	unsigned runs = 5;
	uint64_t n = 20000000;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = (unsigned)strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--decodes") && i + 1 < argc)
			n = strtoull(argv[++i], NULL, 0);
		else {
			fprintf(stderr, "usage: bench_cxl [--runs R] [--decodes N]\n");
			return 2;
		}
	}
	if (!runs || runs > 101 || n < 8) {
		fprintf(stderr, "bench_cxl: --runs must be 1..101 and --decodes at least 8\n");
		return 2;
	}
	pcisim_register_all();
	struct pcisim_diag diag;
	pcisim_diag_init(&diag, stderr);
	struct pcisim_scenario sc;
	struct pcisim_sim sim;
	if (pcisim_scenario_parse(&sc, "bench-cxl.yaml", scenario, strlen(scenario), &diag))
		return 1;
	pcisim_sim_init(&sim, 1, &diag);
	if (pcisim_scenario_instantiate(&sim, &sc, NULL, NULL, &diag))
		return 1;
	struct pcisim_fabric *fab = pcisim_fabric_get(&sim);
	uint64_t base = PCISIM_CXL_FMW_START, size = 8ull << 30;
	for (unsigned h = 0; h < 2; h++)
		program(fn(fab, "hb", h), base, size, 1, 1, 0x0100);  /* 512 B, 2 ways: ports 0, 1 */
	for (unsigned u = 0; u < 4; u++)
		program(fn(fab, "us", u), base, size, 2, 1, 0x0100);  /* 1 KiB, 2 ways */
	for (unsigned d = 0; d < 8; d++)
		program(fn(fab, "t", d), base, size, 0, 3, 0);        /* 256 B, 8 ways */

	double *dec = calloc(runs, sizeof(double)), *acc = calloc(runs, sizeof(double));
	uint64_t check = 0;
	for (unsigned r = 0; r < runs; r++) {
		struct pcisim_cxl_route route;
		double t0 = now_s();
		for (uint64_t i = 0; i < n; i++) {
			uint64_t hpa = base + (i * 64) % size;
			if (pcisim_cxl_decode(fab, hpa, &route)) {
				fprintf(stderr, "bench_cxl: %#llx did not decode\n", (unsigned long long)hpa);
				return 1;
			}
			check += route.dpa;
		}
		double t1 = now_s();
		uint64_t m = n / 8, v = 0;
		for (uint64_t i = 0; i < m; i++) {
			uint64_t hpa = base + (i * 64) % (64ull << 20);
			pcisim_cxl_mem_access(fab, hpa, &i, 8, true, NULL, NULL);
			pcisim_cxl_mem_access(fab, hpa, &v, 8, false, NULL, NULL);
			check += v;
		}
		double t2 = now_s();
		dec[r] = (double)n / (t1 - t0);
		acc[r] = (double)(2 * m) / (t2 - t1);
		printf("run %u: %.1f M decodes/s, %.1f M accesses/s\n", r + 1, dec[r] / 1e6, acc[r] / 1e6);
	}
	qsort(dec, runs, sizeof(double), cmp);
	qsort(acc, runs, sizeof(double), cmp);
	printf("median: %.1f M decodes/s (target %.0f M/s: %s), %.1f M 8-byte accesses/s  [checksum %llx]\n",
	       dec[runs / 2] / 1e6, TARGET_PER_S / 1e6, dec[runs / 2] >= TARGET_PER_S ? "met" : "MISSED",
	       acc[runs / 2] / 1e6, (unsigned long long)check);
	free(dec);
	free(acc);
	pcisim_sim_free(&sim);
	pcisim_scenario_free(&sc);
	return 0;
}
