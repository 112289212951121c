/*
 * Fabric scale: build a topology of more than 10,000 PCI functions in memory through
 * pcisim_device_create(), exactly as a scenario's topology: section would, reset it
 * and enumerate it, and measure what that costs.
 *
 * The topology. A PCI segment has 256 bus numbers, shared by pcie.0 and every
 * expander bridge (pxb-pcie root buses take their numbers from the same range), and
 * every bridge below them uses one. Without ARI a bus below a PCIe port holds one
 * device of at most 8 functions, so 256 buses carry about 2,300 functions at most:
 * 10,000 functions in one segment need ARI devices (SR-IOV virtual functions in the
 * real world), whose up to 256 functions share the bus below their port. So:
 *
 *   pcie.0: the q35 devices, 16 pcie-root-ports at 00:02.0-00:03.7 (multifunction)
 *   each root port: an x3130-upstream switch port with 12 xio3130-downstream ports
 *   each downstream port: one endpoint device (pcisim-endpoint, Ethernet class):
 *     ports 0-1   an 8-function multi-function device (functions 00.0-00.7)
 *     ports 2-11  an ARI device of 64 functions (00.0-07.7, like a PF with 63 VFs)
 *
 *   buses: 1 + 16 + 16 + 192 = 225; functions: 5 + 16 + 16 + 192 + 32*8 + 160*64
 *   = 10,725 (--ari-functions F puts F functions in each ARI device instead of 64).
 *
 * Measured per run, each run in a fresh child process (fork) so that its peak RSS
 * is its own: build time (machine + every device_create), reset time (cold reset of
 * every function), enumeration time (bus numbers), RSS growth (getrusage ru_maxrss
 * before and after), heap growth (mallinfo2 uordblks before and after) and both per
 * function. Prints one line per run and the medians; the target is every function
 * within 64 MiB of RSS growth. It also reports how many functions share their
 * config-space masks with another function of the same model (cfgspace.h: masks
 * are shared per model and copied on write).
 *
 *   bench_scale [--runs N] [--ari-functions F]
 */
#include <malloc.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim/core/arena.h"
#include "sim/core/scenario.h"
#include "sim/core/sim.h"
#include "sim/pcie/fabric.h"
#include "sim/qemu/machine.h"
#include "replay/register.h"

#define N_ROOT_PORTS 16
#define N_DOWNSTREAM 12
#define N_SMALL_DS 2      /* downstream ports with an 8-function device */
#define TARGET_MIB 64

struct result {
	double build_ms, reset_ms, enum_ms;
	long rss_kib;          /* ru_maxrss growth */
	long long heap_bytes;  /* mallinfo2 uordblks growth */
	uint32_t functions, buses;
	uint32_t shared_fns;   /* functions whose masks another function shares */
	uint32_t mask_sets;    /* distinct mask sets */
	uint32_t models;       /* distinct drivers */
	long long mask_bytes;  /* bytes of all distinct mask sets (5 masks of the config size) */
	long long mask_bytes_shared; /* the same with one mask set per driver */
	int ok;
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long maxrss_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* One device, as a topology entry "{driver: D, k: v, ...}" would give it. */
struct devspec {
	struct pcisim_arena *a;
	struct pcisim_props p;
	struct pcisim_prop v[12];
};

static void spec_init(struct devspec *s, struct pcisim_arena *a, const char *driver, unsigned line)
{
	memset(s, 0, sizeof(*s));
	s->a = a;
	s->p.driver = driver;
	s->p.loc = (struct pcisim_loc){"bench_scale", line, 1};
	s->p.v = s->v;
}

static void spec_set(struct devspec *s, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void spec_set(struct devspec *s, const char *name, const char *fmt, ...)
{
	char buf[64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	s->v[s->p.n++] = (struct pcisim_prop){
		.name = name,
		.value = pcisim_arena_strdup(s->a, buf),
		.loc = s->p.loc,
		.key_loc = s->p.loc,
	};
}

/* The fabric keeps a device's properties: give it a copy that lives as long as the sim. */
static int create(struct pcisim_fabric *fab, struct devspec *s, struct pcisim_diag *d)
{
	struct pcisim_props p = s->p;
	p.v = pcisim_arena_alloc(s->a, p.n * sizeof(*p.v));
	memcpy(p.v, s->v, p.n * sizeof(*p.v));
	return pcisim_device_create(fab, &p, false, NULL, d);
}

static int build(struct pcisim_sim *sim, struct pcisim_arena *a, unsigned ari_fns,
		 struct pcisim_diag *d)
{
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	struct devspec s;
	unsigned line = 1;
	int rc;
	if ((rc = pcisim_machine_build(sim, NULL, NULL, d)))
		return rc;
	for (unsigned r = 0; r < N_ROOT_PORTS; r++) {
		spec_init(&s, a, "pcie-root-port", line++);
		spec_set(&s, "id", "rp%u", r);
		spec_set(&s, "bus", "pcie.0");
		spec_set(&s, "addr", "0x%x.0x%x", 2 + r / 8, r % 8);
		if (r % 8 == 0)
			spec_set(&s, "multifunction", "on");
		spec_set(&s, "port", "%u", r);
		spec_set(&s, "chassis", "%u", 1);
		spec_set(&s, "slot", "%u", r);
		if ((rc = create(fab, &s, d)))
			return rc;

		spec_init(&s, a, "x3130-upstream", line++);
		spec_set(&s, "id", "up%u", r);
		spec_set(&s, "bus", "rp%u", r);
		if ((rc = create(fab, &s, d)))
			return rc;

		for (unsigned p = 0; p < N_DOWNSTREAM; p++) {
			spec_init(&s, a, "xio3130-downstream", line++);
			spec_set(&s, "id", "dp%u.%u", r, p);
			spec_set(&s, "bus", "up%u", r);
			spec_set(&s, "addr", "0x%x", p);
			spec_set(&s, "port", "%u", p);
			spec_set(&s, "chassis", "%u", 2 + r);
			spec_set(&s, "slot", "%u", p);
			if ((rc = create(fab, &s, d)))
				return rc;

			unsigned nf = p < N_SMALL_DS ? 8 : ari_fns;
			for (unsigned f = 0; f < nf; f++) {
				spec_init(&s, a, "pcisim-endpoint", line++);
				char id[48];
				snprintf(id, sizeof(id), "ep%u.%u.%u", r, p, f);
				spec_set(&s, "id", "%s", id);
				char bus[32];
				snprintf(bus, sizeof(bus), "dp%u.%u", r, p);
				spec_set(&s, "bus", "%s", bus);
				spec_set(&s, "addr", "0x%x.%u", f / 8, f % 8);
				if (f % 8 == 0)
					spec_set(&s, "multifunction", "on");
				spec_set(&s, "vendor-id", "0x%x", 0x8086);
				spec_set(&s, "device-id", "0x%x", f ? 0x154c : 0x1572);
				spec_set(&s, "class-code", "0x%x", 0x020000);
				if ((rc = create(fab, &s, d)))
					return rc;
			}
		}
	}
	return 0;
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (void *const *)a, y = (uintptr_t) * (void *const *)b;
	return x < y ? -1 : x > y;
}

static void one_run(unsigned ari_fns, struct result *res)
{
	memset(res, 0, sizeof(*res));
	struct pcisim_diag diag;
	pcisim_diag_init(&diag, stderr);
	struct pcisim_arena a;
	pcisim_arena_init(&a);
	struct pcisim_sim sim;

	long rss0 = maxrss_kib();
	struct mallinfo2 m0 = mallinfo2();
	double t0 = now_ms();
	pcisim_sim_init(&sim, 1, &diag);
	if (build(&sim, &a, ari_fns, &diag)) {
		fprintf(stderr, "bench_scale: building the topology failed: %s\n", diag.first);
		return;
	}
	double t1 = now_ms();
	struct pcisim_fabric *fab = pcisim_fabric_get(&sim);
	pcisim_fabric_reset(fab, PCISIM_RESET_COLD);
	double t2 = now_ms();
	pcisim_fabric_enumerate(fab);
	double t3 = now_ms();
	struct mallinfo2 m1 = mallinfo2();
	long rss1 = maxrss_kib();

	res->build_ms = t1 - t0;
	res->reset_ms = t2 - t1;
	res->enum_ms = t3 - t2;
	res->rss_kib = rss1 - rss0;
	res->heap_bytes = (long long)m1.uordblks - (long long)m0.uordblks;
	res->buses = fab->nbuses;

	/* Every function got a bus number; count them and their mask sets. */
	void **masks = calloc(fab->nfns ? fab->nfns : 1, sizeof(*masks));
	uint32_t nm = 0;
	int ok = masks != NULL;
	for (uint32_t i = 0; i < fab->nfns && masks; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		if (fn->comp.removed || !fn->cfg.bytes)
			continue;
		res->functions++;
		if (pcisim_cfg_masks_shared(&fn->cfg))
			res->shared_fns++;
		masks[nm++] = fn->cfg.m;
		if (fn->bus && fn->bus->bridge && fn->bus->number == 0)
			ok = 0; /* below a bridge but never numbered */
	}
	qsort(masks, nm, sizeof(*masks), cmp_ptr);
	for (uint32_t i = 0; i < nm; i++)
		if (!i || masks[i] != masks[i - 1]) {
			const struct pcisim_cfg_masks *cm = masks[i];
			res->mask_sets++;
			res->mask_bytes += 5LL * cm->size + (long long)sizeof(*cm);
		}
	free(masks);
	/* what one shared mask set per model would cost instead */
	const struct pcisim_driver **drvs = calloc(fab->nfns ? fab->nfns : 1, sizeof(*drvs));
	for (uint32_t i = 0; i < fab->nfns && drvs; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		if (fn->comp.removed || !fn->cfg.bytes)
			continue;
		uint32_t k = 0;
		while (k < res->models && drvs[k] != fn->drv)
			k++;
		if (k == res->models) {
			drvs[res->models++] = fn->drv;
			res->mask_bytes_shared += 5LL * fn->cfg.size + (long long)sizeof(*fn->cfg.m);
		}
	}
	free(drvs);
	res->ok = ok;
	pcisim_sim_free(&sim);
	pcisim_arena_free(&a);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	unsigned runs = 5, ari_fns = 64;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = (unsigned)strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--ari-functions") && i + 1 < argc)
			ari_fns = (unsigned)strtoul(argv[++i], NULL, 0);
		else {
			fprintf(stderr, "usage: bench_scale [--runs N] [--ari-functions F (8..256, default 64)]\n");
			return 2;
		}
	}
	if (runs < 1 || runs > 99 || ari_fns < 8 || ari_fns > 256 || ari_fns % 8) {
		fprintf(stderr, "bench_scale: --runs 1..99, --ari-functions a multiple of 8 in 8..256\n");
		return 2;
	}
	pcisim_register_all();

	printf("fabric scale: q35 + %u root ports x (x3130 switch with %u downstream ports: %u with an 8-function device, %u with a %u-function ARI device)\n",
	       N_ROOT_PORTS, N_DOWNSTREAM, N_SMALL_DS, N_DOWNSTREAM - N_SMALL_DS, ari_fns);
	double b[99], r[99], e[99], rss[99], heap[99], per_rss[99], per_heap[99];
	struct result res = {0};
	for (unsigned i = 0; i < runs; i++) {
		int fd[2];
		if (pipe(fd))
			return 1;
		fflush(stdout);
		pid_t pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0) {
			close(fd[0]);
			struct result x;
			one_run(ari_fns, &x);
			ssize_t w = write(fd[1], &x, sizeof(x));
			_exit(w == (ssize_t)sizeof(x) ? 0 : 1);
		}
		close(fd[1]);
		ssize_t got = read(fd[0], &res, sizeof(res));
		close(fd[0]);
		int st;
		waitpid(pid, &st, 0);
		if (got != (ssize_t)sizeof(res) || !WIFEXITED(st) || WEXITSTATUS(st) || !res.functions) {
			fprintf(stderr, "bench_scale: run %u failed\n", i + 1);
			return 1;
		}
		b[i] = res.build_ms;
		r[i] = res.reset_ms;
		e[i] = res.enum_ms;
		rss[i] = (double)res.rss_kib / 1024.0;
		heap[i] = (double)res.heap_bytes / (1024.0 * 1024.0);
		per_rss[i] = (double)res.rss_kib * 1024.0 / res.functions;
		per_heap[i] = (double)res.heap_bytes / res.functions;
		printf("run %u: %u functions, %u buses: build %.1f ms, reset %.1f ms, enumerate %.2f ms, "
		       "RSS +%.1f MiB (%.0f B/function), heap +%.1f MiB (%.0f B/function)%s\n",
		       i + 1, res.functions, res.buses, b[i], r[i], e[i], rss[i], per_rss[i], heap[i],
		       per_heap[i], res.ok ? "" : " [a function below a bridge has no bus number]");
	}
	double mrss = median(rss, runs);
	printf("median of %u: %u functions: build %.1f ms, reset %.1f ms, enumerate %.2f ms, "
	       "RSS +%.1f MiB (%.0f B/function), heap +%.1f MiB (%.0f B/function)\n",
	       runs, res.functions, median(b, runs), median(r, runs), median(e, runs), mrss,
	       median(per_rss, runs), median(heap, runs), median(per_heap, runs));
	printf("config masks: %u of %u functions share theirs; %u distinct mask sets (%.1f MiB); "
	       "one set per model (%u models) would be %.2f MiB",
	       res.shared_fns, res.functions, res.mask_sets, (double)res.mask_bytes / (1024.0 * 1024.0),
	       res.models, (double)res.mask_bytes_shared / (1024.0 * 1024.0));
	if (res.heap_bytes > res.mask_bytes) /* mallinfo2 counts nothing under AddressSanitizer */
		printf(", the heap then about %.1f MiB",
		       median(heap, runs) - (double)(res.mask_bytes - res.mask_bytes_shared) / (1024.0 * 1024.0));
	printf("\n");
	printf("target: %u functions within %d MiB: %s\n", res.functions, TARGET_MIB,
	       res.functions >= 10000 && mrss <= TARGET_MIB ? "met" : "NOT met");
	return res.ok ? 0 : 1;
}
