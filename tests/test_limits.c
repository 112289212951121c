/*
 * Per-run lists without a limit: deep and wide fabrics past the arrays the models used
 * to keep. A routed configuration request crosses 34 links (the route kept 32, then
 * answered UR), an I/O request's latency counts all 21 links of its path (the
 * workload kept 16), and the AER service finds an error source that is function 65
 * below its root port (it walked 64).
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
#include "sim/host/io.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/route.h"

#define NS PCISIM_NS
#define MS PCISIM_MS
#define S PCISIM_S

/*
 * A scenario: @head, then root port rp1 and @depth switches in a chain below it
 * (up01 -> dn01 -> up02 -> ...), the endpoint ep at the bottom, then @tail. Links:
 * depth + 1, all 2.5 GT/s x1. Free the text.
 */
static char *chain(const char *head, unsigned depth, const char *tail)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	fprintf(f, "%stopology:\n  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1}\n", head);
	char above[16] = "rp1";
	for (unsigned i = 1; i <= depth; i++) {
		fprintf(f, "  - {driver: x3130-upstream, id: up%02u, bus: %s}\n", i, above);
		fprintf(f, "  - {driver: xio3130-downstream, id: dn%02u, bus: up%02u, chassis: %u, slot: 1}\n", i,
			i, i + 1);
		snprintf(above, sizeof(above), "dn%02u", i);
	}
	fprintf(f, "  - {driver: pcisim-endpoint, id: ep, bus: %s, vendor-id: 0x1234, device-id: 0x5678}\n%s",
		above, tail);
	fclose(f);
	return text;
}

static struct tb *build(char *text)
{
	struct tb *t = calloc(1, sizeof(*t));
	if (tb_build(t, text, 1))
		fail_msg("scenario did not load: %s", t->err);
	free(text);
	return t;
}

/* ---- routed configuration requests ---- */

struct got {
	unsigned n;
	struct pcisim_cfg_cpl cpl;
};

static void on_cpl(struct pcisim_sim *sim, const struct pcisim_cfg_cpl *cpl, void *ctx)
{
	(void)sim;
	struct got *g = ctx;
	g->cpl = *cpl;
	g->n++;
}

static void cfg_request_crosses_34_links(void **state)
{
	(void)state;
	struct tb *t = build(chain("version: 1\nname: t\nmachine: {type: q35, qemu: \"9.2\", link_model: spec}\n",
				   33, ""));
	struct pcisim_pcifn *ep = tb_fn(t, "ep");
	assert_int_equal(ep->bus->number, 1 + 2 * 33); /* below rp1, then two buses a switch */
	pcisim_run(&t->sim, 1 * MS);
	struct got g = {0};
	assert_true(pcisim_cfg_request(&t->sim, NULL, ep->bus->number, ep->devfn, PCI_VENDOR_ID, 4, false, 0,
				       on_cpl, &g) > 0);
	pcisim_run(&t->sim, t->sim.now + 100 * MS);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.cpl.status, PCISIM_CPL_SC);
	assert_int_equal(g.cpl.val, 0x56781234);
	assert_int_equal(g.cpl.links, 34);
	/* a 12-byte request down and a 16-byte completion up, on each of the 34 links */
	assert_int_equal(g.cpl.completed - g.cpl.issued, 34 * (tb_hop_2g5_x1(12) + tb_hop_2g5_x1(16)));
	assert_ptr_equal(g.cpl.completer, ep);
	assert_int_equal(pcisim_cfg_in_flight(&t->sim), 0);
	tb_free(t);
}

/* ---- I/O ---- */

static uint64_t completed(struct tb *t)
{
	struct pcisim_io_counts c = {0};
	assert_true(pcisim_io_counts(&t->sim, "r", &c));
	return c.completed;
}

static void io_latency_counts_21_links(void **state)
{
	(void)state;
	struct tb *t = build(chain("version: 1\nname: t\n"
				   "machine: {type: q35, qemu: \"8.1\", acpi-pci-hotplug-with-bridge-support: off}\n",
				   20,
				   "host: {os: linux, pciehp: off}\n"
				   "timeline:\n"
				   "  - {at: 1s, do: io_start, name: r, id: ep, op: mmio_read, rate: 1000, count: 1, size: 64}\n"));
	/* a 16-byte read request down, a completion with 64 bytes (12 + 64) up: 21 links each way */
	pcisim_time rt = 21 * (tb_hop_2g5_x1(16) + tb_hop_2g5_x1(12 + 64));
	pcisim_run(&t->sim, 1 * S + rt - 1);
	assert_int_equal(completed(t), 0);
	pcisim_run(&t->sim, 1 * S + rt);
	assert_int_equal(completed(t), 1);
	char why[256];
	if (!pcisim_io_check(&t->sim, why, sizeof(why)))
		fail_msg("%s", why);
	tb_free(t);
}

/* ---- AER ---- */

#define NDOWN 32 /* a switch with 32 downstream ports, an endpoint on each: 65 functions below rp1 */

static void aer_finds_function_65(void **state)
{
	(void)state;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	fprintf(f, "version: 1\nname: t\nmachine: {type: q35, qemu: \"8.1\", link_model: spec}\ntopology:\n"
		   "  - {driver: pcie-root-port, id: rp1, chassis: 1, slot: 1}\n"
		   "  - {driver: x3130-upstream, id: up, bus: rp1}\n");
	for (unsigned i = 1; i <= NDOWN; i++)
		fprintf(f,
			"  - {driver: xio3130-downstream, id: dn%02u, bus: up, chassis: %u, slot: 1}\n"
			"  - {driver: pcisim-endpoint, id: ep%02u, bus: dn%02u}\n",
			i, i + 1, i, i);
	/* pci_walk_bus order below rp1: up, dn01, ep01, ..., dn32, ep32 (the 65th) */
	fprintf(f, "host: {os: linux, pciehp: off, aer: on}\n"
		   "timeline:\n"
		   "  - {at: 1s, do: pcie_aer_inject_error, id: ep%02u, error: FCP}\n", NDOWN);
	fclose(f);
	struct tb *t = build(text);
	pcisim_run(&t->sim, 10 * S);
	assert_null(tb_find_log(t, "can't find device"));
	/* recovery ran for the error below dn32 */
	assert_non_null(tb_find_rec(t, "aer.recovery", "dn32", "event", "start"));
	tb_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cfg_request_crosses_34_links),
		cmocka_unit_test(io_latency_counts_21_links),
		cmocka_unit_test(aer_finds_function_65),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
