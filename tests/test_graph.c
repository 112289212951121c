/*
 * pcisim graph, end to end: the command writes DOT for a scenario, cgraph's agread
 * reads it back, and the test counts nodes and edges and looks at the colours
 * (a powered-off slot, a link that is down, a removed device); SVG is rendered
 * once; a bad output extension is refused with exit status 2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#ifdef PCISIM_HAVE_GVC
#include <graphviz/cgraph.h>

static char tmpdir[] = "/tmp/pcisim-graph-XXXXXX";

/* Run `pcisim ARGS` in the source tree; its stdout and stderr into *@out. */
static int run_cmd(const char *args, char **out)
{
	char cmd[2048];
	snprintf(cmd, sizeof(cmd), "cd '%s' && '%s' %s 2>&1", PCISIM_SOURCE_DIR, PCISIM_BINARY, args);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t len = 0;
	FILE *m = open_memstream(out, &len);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		fwrite(chunk, 1, n, m);
	fclose(m);
	return WEXITSTATUS(pclose(p));
}

/* `pcisim graph ARGS -o TMP/NAME.dot`, read back with agread. */
static Agraph_t *graph_of(const char *args, const char *name)
{
	char path[512], cmd[1024];
	char *out;
	snprintf(path, sizeof(path), "%s/%s.dot", tmpdir, name);
	snprintf(cmd, sizeof(cmd), "graph %s -o '%s'", args, path);
	int rc = run_cmd(cmd, &out);
	if (rc)
		fail_msg("pcisim %s: exit %d: %s", cmd, rc, out);
	free(out);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	Agraph_t *g = agread(f, NULL);
	fclose(f);
	assert_non_null(g);
	return g;
}

static const char *attr(void *obj, const char *name)
{
	char *v = agget(obj, (char *)name);
	return v ? v : "";
}

static Agedge_t *edge(Agraph_t *g, const char *from, const char *to)
{
	Agnode_t *t = agnode(g, (char *)from, 0), *h = agnode(g, (char *)to, 0);
	assert_non_null(t);
	assert_non_null(h);
	Agedge_t *e = agedge(g, t, h, NULL, 0);
	assert_non_null(e);
	return e;
}

/* The FM RFC's CXL switch: 16 PCI nodes (q35 host bridge, 6 functions on pcie.0, the
 * CXL host bridge and 8 functions below it), a tree of 15 edges; and the I2C bus with
 * its two MCTP endpoints (3 nodes), an MCTP edge from the bus to each and a CCI edge
 * from each to the device it serves. */
static void fm_switch_counts(void **state)
{
	(void)state;
	Agraph_t *g = graph_of("tests/lspci-fm-switch.yaml", "fm");
	assert_int_equal(agnnodes(g), 16 + 3);
	assert_int_equal(agnedges(g), 15 + 4);
	assert_string_equal(attr(agnode(g, "aspeed.i2c.bus.0", 0), "shape"), "hexagon");
	Agnode_t *hb = agnode(g, "cxl.1", 0);
	assert_non_null(hb);
	assert_string_equal(attr(hb, "shape"), "box3d");
	assert_string_equal(attr(agnode(g, "swport1", 0), "shape"), "box");
	assert_string_equal(attr(agnode(g, "cxl-dcd0", 0), "label"), "cxl-dcd0\\ncxl-type3\\n11:00.0");
	/* the negotiated link (its numbers are the link model's): "32GT/s x16" */
	const char *lbl = attr(edge(g, "swport2", "cxl-dcd0"), "label");
	assert_non_null(strstr(lbl, "GT/s x"));
	assert_string_equal(attr(edge(g, "us0", "swport2"), "label"), "");
	/* the I2C MCTP endpoints are not PCI functions: on the bus, not in the PCI tree,
	 * each with a CCI edge to the device it serves */
	assert_string_equal(attr(edge(g, "aspeed.i2c.bus.0", "i2c_mctp_cxl#0"), "label"), "MCTP");
	assert_string_equal(attr(edge(g, "i2c_mctp_cxl#0", "us0"), "label"), "CCI");
	assert_string_equal(attr(edge(g, "i2c_mctp_cxl#1", "cxl-dcd0"), "label"), "CCI");
	assert_string_equal(attr(agnode(g, "i2c_mctp_cxl#1", 0), "shape"), "ellipse");
	agclose(g);
}

/* The PDS race at 1.5 s: pciehp has powered the slot off again (no device at 00.0). */
static void powered_off_slot_is_grey(void **state)
{
	(void)state;
	Agraph_t *g = graph_of("scenarios/pds-migration-race.yaml --at 1500ms", "pds-off");
	Agnode_t *x = agnode(g, "nex-usb-xhci0", 0);
	assert_non_null(x);
	assert_string_equal(attr(x, "fillcolor"), "lightgrey");
	Agedge_t *e = edge(g, "pcie-root-port18", "nex-usb-xhci0");
	assert_string_equal(attr(e, "color"), "gray50");
	assert_non_null(strstr(attr(e, "label"), "power off"));
	assert_string_equal(attr(agnode(g, "q35.mch", 0), "fillcolor"), "white");
	agclose(g);
}

/* ... and at 2.5 s QEMU has unplugged it: removed devices are not drawn. */
static void removed_device_is_gone(void **state)
{
	(void)state;
	Agraph_t *g = graph_of("scenarios/pds-migration-race.yaml --at 2500ms", "pds-gone");
	assert_null(agnode(g, "nex-usb-xhci0", 0));
	assert_int_equal(agnnodes(g), 7);
	assert_int_equal(agnedges(g), 6);
	agclose(g);
}

static void link_down_is_red(void **state)
{
	(void)state;
	Agraph_t *g = graph_of("tests/graph-link-down.yaml --at 2ms", "down");
	Agedge_t *e = edge(g, "rp1", "nic0");
	assert_string_equal(attr(e, "color"), "red");
	assert_string_equal(attr(e, "label"), "link down");
	assert_string_equal(attr(agnode(g, "rp1", 0), "color"), "red");
	agclose(g);
	/* before the set_link the same link is up */
	g = graph_of("tests/graph-link-down.yaml", "up");
	e = edge(g, "rp1", "nic0");
	assert_string_not_equal(attr(e, "color"), "red");
	assert_non_null(strstr(attr(e, "label"), "GT/s x"));
	agclose(g);
}

/* Without -o the DOT goes to standard output. */
static void dot_on_stdout(void **state)
{
	(void)state;
	char *out;
	assert_int_equal(run_cmd("graph tests/lspci-fm-switch.yaml", &out), 0);
	Agraph_t *g = agmemread(out);
	assert_non_null(g);
	assert_int_equal(agnnodes(g), 16 + 3);
	agclose(g);
	free(out);
}

static void svg_renders(void **state)
{
	(void)state;
	char path[512], cmd[1024], *out;
	snprintf(path, sizeof(path), "%s/fm.svg", tmpdir);
	snprintf(cmd, sizeof(cmd), "graph tests/lspci-fm-switch.yaml -o '%s'", path);
	assert_int_equal(run_cmd(cmd, &out), 0);
	free(out);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char head[64] = "";
	size_t n = fread(head, 1, sizeof(head) - 1, f);
	fclose(f);
	head[n] = 0;
	assert_true(!strncmp(head, "<?xml", 5) || !strncmp(head, "<svg", 4));
}

static void bad_extension(void **state)
{
	(void)state;
	char *out;
	assert_int_equal(run_cmd("graph tests/lspci-fm-switch.yaml -o topo.jpg", &out), 2);
	assert_non_null(strstr(out, "unknown output format 'jpg'"));
	assert_non_null(strstr(out, "valid extensions: dot, svg, png"));
	free(out);
	assert_int_equal(run_cmd("graph tests/lspci-fm-switch.yaml -o topo", &out), 2);
	assert_non_null(strstr(out, "valid extensions: dot, svg, png"));
	free(out);
	assert_int_equal(run_cmd("graph", &out), 2);
	free(out);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fm_switch_counts),
		cmocka_unit_test(powered_off_slot_is_grey),
		cmocka_unit_test(removed_device_is_gone),
		cmocka_unit_test(link_down_is_red),
		cmocka_unit_test(dot_on_stdout),
		cmocka_unit_test(svg_renders),
		cmocka_unit_test(bad_extension),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

#else

static void no_graphviz(void **state)
{
	(void)state;
	skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(no_graphviz)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

#endif
