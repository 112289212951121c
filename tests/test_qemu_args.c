/*
 * QEMU command lines: shell-like splitting with exact locations, QEMU's option table,
 * what -device/-machine/-object/-global mean, the RFC and mailing-list command lines
 * from the seed documents, import-qemu's YAML against the checked-in golden files,
 * located errors, and (once the device models exist) the qemu_args: topology entry
 * and the golden YAML loading as scenarios.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "sim/core/arena.h"
#include "sim/core/diag.h"
#include "sim/core/scenario.h"
#include "sim/core/sim.h"
#include "sim/pcie/fabric.h"
#include "sim/qemu/qemu_args.h"
#include "replay/register.h"
#include "tools/cli.h"

static struct pcisim_arena arena;
static char diagbuf[8192];
static FILE *diagf;
static struct pcisim_diag diag;

static int setup(void **state)
{
	(void)state;
	pcisim_arena_init(&arena);
	diagbuf[0] = 0;
	diagf = fmemopen(diagbuf, sizeof(diagbuf), "w");
	setvbuf(diagf, NULL, _IONBF, 0);
	pcisim_diag_init(&diag, diagf);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fclose(diagf);
	pcisim_arena_free(&arena);
	return 0;
}

static char *slurp(const char *rel)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", PCISIM_SOURCE_DIR, rel);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static int parse_cmdline(const char *text, struct pcisim_qemu_cmdline *c)
{
	return pcisim_qemu_cmdline_parse(&arena, text, (struct pcisim_loc){"t.sh", 1, 1}, c, &diag);
}

static int parse_script(const char *text, struct pcisim_qemu_cmdline *c)
{
	return pcisim_qemu_script_parse(&arena, text, (struct pcisim_loc){"t.sh", 1, 1}, c, &diag);
}

/* Option @i is -@name with @value (NULL: a flag) at @line:@col, its value at @vl:@vc. */
static void check_opt(const struct pcisim_qemu_cmdline *c, size_t i, const char *name,
		      const char *value, unsigned line, unsigned col, unsigned vl, unsigned vc)
{
	assert_true(i < c->n);
	const struct pcisim_qemu_opt *o = &c->opts[i];
	if (name)
		assert_string_equal(o->name, name);
	else
		assert_null(o->name);
	if (value) {
		assert_non_null(o->value);
		assert_string_equal(o->value, value);
		assert_int_equal(o->value_loc.line, vl);
		assert_int_equal(o->value_loc.col, vc);
	} else {
		assert_null(o->value);
	}
	assert_string_equal(o->loc.file, "t.sh");
	assert_int_equal(o->loc.line, line);
	assert_int_equal(o->loc.col, col);
}

/* The one error reported, without its "file:line:col: error: " prefix checked apart. */
static void check_error(const char *where, const char *what)
{
	assert_int_equal(diag.errors, 1);
	size_t wl = strlen(where);
	if (strncmp(diag.first, where, wl) || strncmp(diag.first + wl, ": error: ", 9))
		fail_msg("expected an error at %s, got: %s", where, diag.first);
	if (!strstr(diag.first, what))
		fail_msg("expected '%s' in: %s", what, diag.first);
}

/* ---- splitting ---- */

static void test_split_words_and_flags(void **state)
{
	(void)state;
	struct pcisim_qemu_cmdline c;
	assert_int_equal(parse_cmdline("qemu-system-x86_64 -S -nographic -no-reboot -enable-kvm "
				       "-snapshot -m 2G --device e1000,id=n0",
				       &c),
			 0);
	assert_string_equal(c.program, "qemu-system-x86_64");
	assert_int_equal(c.program_loc.col, 1);
	assert_int_equal(c.n, 7);
	check_opt(&c, 0, "S", NULL, 1, 20, 0, 0);
	check_opt(&c, 1, "nographic", NULL, 1, 23, 0, 0);
	check_opt(&c, 2, "no-reboot", NULL, 1, 34, 0, 0);
	check_opt(&c, 3, "enable-kvm", NULL, 1, 45, 0, 0);
	check_opt(&c, 4, "snapshot", NULL, 1, 57, 0, 0);
	check_opt(&c, 5, "m", "2G", 1, 67, 1, 70);
	check_opt(&c, 6, "device", "e1000,id=n0", 1, 73, 1, 82);
	/* A flag's next word is an option, an argument's next word is its value. */
	assert_int_equal(parse_cmdline("-S -append -S", &c), 0);
	assert_int_equal(c.n, 2);
	assert_null(c.program);
	check_opt(&c, 0, "S", NULL, 1, 1, 0, 0);
	check_opt(&c, 1, "append", "-S", 1, 4, 1, 12);
	assert_int_equal(diag.errors, 0);
}

static void test_split_quotes_and_escapes(void **state)
{
	(void)state;
	struct pcisim_qemu_cmdline c;
	const char *text = "qemu-kvm -append 'console=ttyS0 root=/dev/sda' -name \"a \\\"b\\\" \\$c \\d\""
			   " -device e1000,id=x\\ y -kernel 'it'\"'\"'s' -initrd ''";
	assert_int_equal(parse_cmdline(text, &c), 0);
	assert_string_equal(c.program, "qemu-kvm");
	assert_int_equal(c.n, 5);
	check_opt(&c, 0, "append", "console=ttyS0 root=/dev/sda", 1, 10, 1, 19);
	check_opt(&c, 1, "name", "a \"b\" $c \\d", 1, 48, 1, 55);
	check_opt(&c, 2, "device", "e1000,id=x y", 1, 71, 1, 79);
	check_opt(&c, 3, "kernel", "it's", 1, 93, 1, 102);
	check_opt(&c, 4, "initrd", "", 1, 112, 1, 121);
}

static void test_split_lines_comments_env(void **state)
{
	(void)state;
	struct pcisim_qemu_cmdline c;
	const char *text = "# launch the guest\n"
			   "LD_LIBRARY_PATH=/opt/q FOO=\"a b\" /opt/q/bin/qemu-system-x86_64 \\\n"
			   "  -machine q35 \\\n"
			   "# a comment line inside the command\n"
			   "\t-device pcie-root-port,id=rp1,\\\n"
			   "bus=pcie.0 -nographic   # trailing comment -device ignored\n"
			   "  -device e1000,bus=rp1\n";
	assert_int_equal(parse_cmdline(text, &c), 0);
	assert_string_equal(c.program, "/opt/q/bin/qemu-system-x86_64");
	assert_int_equal(c.program_loc.line, 2);
	assert_int_equal(c.program_loc.col, 34);
	assert_int_equal(c.n, 4);
	check_opt(&c, 0, "machine", "q35", 3, 3, 3, 12);
	/* A backslash-newline inside a word joins it with the next line. */
	check_opt(&c, 1, "device", "pcie-root-port,id=rp1,bus=pcie.0", 5, 2, 5, 10);
	check_opt(&c, 2, "nographic", NULL, 6, 12, 0, 0);
	/* Here newlines are blanks: a YAML block needs no backslashes. */
	check_opt(&c, 3, "device", "e1000,bus=rp1", 7, 3, 7, 11);

	/* No program: leading NAME=value words are skipped. */
	assert_int_equal(parse_cmdline("A=1 B=2\n-device e1000", &c), 0);
	assert_null(c.program);
	assert_int_equal(c.n, 1);
	check_opt(&c, 0, "device", "e1000", 2, 1, 2, 9);
}

/* Columns count characters, as the YAML loader's do: an 'é' (two bytes) is one column. */
static void test_split_columns_count_characters(void **state)
{
	(void)state;
	struct pcisim_qemu_cmdline c;
	struct pcisim_qemu_config cfg;
	assert_int_equal(parse_script("qemu-system-x86_64 -append \"caf\xc3\xa9\" "
				      "-device e1000,romfile=\xc3\xa9,colour=x\n", &c),
			 0);
	check_opt(&c, 1, "device", "e1000,romfile=\xc3\xa9,colour=x", 1, 35, 1, 43);
	assert_int_equal(pcisim_qemu_config_read(&arena, &c, &cfg, &diag), 0);
	const struct pcisim_prop *colour = pcisim_props_find(&cfg.devices[0], "colour");
	assert_non_null(colour);
	assert_int_equal(colour->key_loc.col, 59);
	assert_int_equal(colour->loc.col, 66);
	assert_int_equal(parse_cmdline("-machine q35,f\xc3\xa9" "e=1,cxl=x", &c), 0);
	assert_int_not_equal(pcisim_qemu_config_read(&arena, &c, &cfg, &diag), 0);
	check_error("t.sh:1:24", "-machine cxl: 'x' is not a boolean");
}

static void test_split_command_ends(void **state)
{
	(void)state;
	struct pcisim_qemu_cmdline c;
	/* Redirections are dropped; the command ends at a pipe, ; or &. */
	assert_int_equal(parse_cmdline("qemu-system-x86_64 -S 2>&1 -m 1G >log.txt -s | tee out; "
				       "echo done &",
				       &c),
			 0);
	assert_int_equal(c.n, 3);
	check_opt(&c, 0, "S", NULL, 1, 20, 0, 0);
	check_opt(&c, 1, "m", "1G", 1, 28, 1, 31);
	check_opt(&c, 2, "s", NULL, 1, 43, 0, 0);
	/* sudo, taskset and such before the program are not QEMU's. */
	assert_int_equal(parse_cmdline("sudo taskset -c 0-3 qemu-system-aarch64 -M virt -S", &c), 0);
	assert_string_equal(c.program, "qemu-system-aarch64");
	assert_int_equal(c.n, 2);
	check_opt(&c, 0, "M", "virt", 1, 41, 1, 44);
	/* $(...) stays one word. */
	assert_int_equal(parse_cmdline("qemu-system-x86_64 -smp $(nproc --all) -S", &c), 0);
	assert_int_equal(c.n, 2);
	check_opt(&c, 0, "smp", "$(nproc --all)", 1, 20, 1, 25);
}

static void test_split_flattened_continuations(void **state)
{
	(void)state;
	/* Mail archives flatten "a \<newline>  -b" into "a \ -b": still one command. */
	struct pcisim_qemu_cmdline c;
	assert_int_equal(parse_cmdline("qemu-system-x86_64 -S \\ -m 1G \\ -device e1000 \\ ", &c), 0);
	assert_int_equal(c.n, 3);
	check_opt(&c, 0, "S", NULL, 1, 20, 0, 0);
	check_opt(&c, 1, "m", "1G", 1, 25, 1, 28);
	check_opt(&c, 2, "device", "e1000", 1, 33, 1, 41);
}

static void test_script_first_qemu(void **state)
{
	(void)state;
	struct pcisim_qemu_cmdline c;
	const char *text = "#!/bin/bash\n"
			   "set -euo pipefail\n"
			   "IMG=/images/guest.qcow2\n"
			   "export QEMU=/usr/local/bin/qemu-system-x86_64 DEVS=\"-device e1000 -S\"\n"
			   "pkill qemu-system-x86_64 || true\n"
			   "cat > /tmp/notes <<-EOF\n"
			   "\tqemu-system-x86_64 -device not-this-one\n"
			   "\tEOF\n"
			   "echo \"starting $IMG\"\n"
			   "$QEMU -machine q35 \\\n"
			   "   -drive file=$IMG,if=none $DEVS \\\n"
			   "   -monitor stdio 2>&1 | tee qemu.log\n"
			   "qemu-system-x86_64 -device second-command\n";
	assert_int_equal(parse_script(text, &c), 0);
	assert_string_equal(c.program, "/usr/local/bin/qemu-system-x86_64");
	assert_int_equal(c.program_loc.line, 10);
	assert_int_equal(c.n, 5);
	check_opt(&c, 0, "machine", "q35", 10, 7, 10, 16);
	check_opt(&c, 1, "drive", "file=/images/guest.qcow2,if=none", 11, 4, 11, 11);
	/* An unquoted variable is split into words. */
	check_opt(&c, 2, "device", "e1000", 11, 29, 11, 29);
	check_opt(&c, 3, "S", NULL, 11, 29, 0, 0);
	check_opt(&c, 4, "monitor", "stdio", 12, 4, 12, 13);

	/* An unknown $QEMU-like variable is taken as the program. */
	assert_int_equal(parse_script("cd /x\n\"${QEMU_BIN}\" -S\n", &c), 0);
	assert_string_equal(c.program, "${QEMU_BIN}");
	assert_int_equal(c.n, 1);

	/* A file of bare options (no program, no backslashes) is one command line. */
	assert_int_equal(parse_script("-machine q35\n-device e1000\n", &c), 0);
	assert_null(c.program);
	assert_int_equal(c.n, 2);
	check_opt(&c, 1, "device", "e1000", 2, 1, 2, 9);
	assert_int_equal(diag.errors, 0);
}

static void test_split_errors(void **state)
{
	(void)state;
	struct pcisim_qemu_cmdline c;
	assert_int_not_equal(parse_cmdline("qemu-system-x86_64 -S \\\n  -nographics -m 1G", &c), 0);
	check_error("t.sh:2:3", "unknown option '-nographics': not a QEMU option; did you mean '-nographic'?");

	diag.errors = 0, diag.first[0] = 0;
	assert_int_not_equal(parse_cmdline("-device e1000 -frobnicate", &c), 0);
	check_error("t.sh:1:15", "unknown option '-frobnicate': not a QEMU option");

	diag.errors = 0, diag.first[0] = 0;
	assert_int_not_equal(parse_cmdline("-S\n -append 'root=/dev/sda\n", &c), 0);
	check_error("t.sh:2:10", "unterminated single quote");

	diag.errors = 0, diag.first[0] = 0;
	assert_int_not_equal(parse_cmdline("-S -device \"e1000", &c), 0);
	check_error("t.sh:1:12", "unterminated double quote");

	diag.errors = 0, diag.first[0] = 0;
	assert_int_not_equal(parse_cmdline("-S -device", &c), 0);
	check_error("t.sh:1:4", "option '-device' needs an argument");

	diag.errors = 0, diag.first[0] = 0;
	assert_int_not_equal(parse_cmdline("# nothing\n", &c), 0);
	check_error("t.sh:1:1", "no QEMU options found");
}

/* Every prefix of a real script: no crash, and a failure is exactly one located error. */
static void test_split_truncations(void **state)
{
	(void)state;
	char *text = slurp("tests/golden/fm-target.sh");
	size_t len = strlen(text);
	for (size_t n = 0; n <= len; n++) {
		char *cut = strndup(text, n);
		struct pcisim_arena a;
		pcisim_arena_init(&a);
		struct pcisim_diag d;
		pcisim_diag_init(&d, diagf);
		struct pcisim_qemu_cmdline c;
		struct pcisim_qemu_config cfg;
		int rc = pcisim_qemu_script_parse(&a, cut, (struct pcisim_loc){"t.sh", 1, 1}, &c, &d);
		if (!rc)
			rc = pcisim_qemu_config_read(&a, &c, &cfg, &d);
		if (rc) {
			assert_int_equal(d.errors, 1);
			assert_non_null(strstr(d.first, "t.sh:"));
			assert_non_null(strstr(d.first, ": error: "));
		}
		pcisim_arena_free(&a);
		free(cut);
	}
	free(text);
}

/*
 * Random byte edits (shell metacharacters mostly, and bytes YAML cannot hold raw): no
 * crash, one located error at most, and what is written loads as simulate loads it.
 */
static void test_split_mutations(void **state)
{
	(void)state;
	static const char alphabet[] = "\\'\"$`#;&|<>(){}=,.- \n\tabc019\xe9\x85\x01\x7f:[]";
	char *text = slurp("tests/golden/fm-target.sh");
	size_t len = strlen(text);
	uint64_t x = 0x9e3779b97f4a7c15ull;
	for (int iter = 0; iter < 3000; iter++) {
		char *m = strdup(text);
		int edits = 1 + iter % 4;
		for (int e = 0; e < edits; e++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			m[x % len] = alphabet[(x >> 32) % (sizeof(alphabet) - 1)];
		}
		struct pcisim_arena a;
		pcisim_arena_init(&a);
		struct pcisim_diag d;
		pcisim_diag_init(&d, diagf);
		struct pcisim_qemu_yaml_opts o = {"m", NULL, NULL};
		char *yaml = NULL;
		size_t ylen = 0;
		FILE *out = open_memstream(&yaml, &ylen);
		int rc = pcisim_qemu_import(out, &a, "m.sh", m, &o, &d);
		fclose(out);
		if (rc) {
			assert_int_equal(d.errors, 1);
			assert_int_equal(strncmp(d.first, "m.sh:", 5), 0);
			assert_non_null(strstr(d.first, ": error: "));
		} else if (pcisim_import_qemu_verify(yaml, ylen, "m.yaml", "m.sh", stderr)) {
			fail_msg("import wrote a scenario that does not load; script:\n%s", m);
		}
		free(yaml);
		pcisim_arena_free(&a);
		free(m);
	}
	free(text);
}

/* ---- the RFC's two command lines ---- */

struct expect_dev {
	const char *driver, *id, *bus, *addr;
};

static const struct expect_dev rfc_devices[] = {
	{"e1000", NULL, NULL, NULL},
	{"pxb-cxl", "cxl.1", "pcie.0", NULL},
	{"cxl-rp", "cxl_rp_port0", "cxl.1", NULL},
	{"cxl-upstream", "us0", "cxl_rp_port0", "0.0"},
	{"cxl-switch-mailbox-cci", NULL, "cxl_rp_port0", "0.1"},
	{"cxl-downstream", "swport0", "us0", NULL},
	{"cxl-downstream", "swport1", "us0", NULL},
	{"cxl-downstream", "swport2", "us0", NULL},
	{"cxl-type3", "cxl-dcd0", "swport2", NULL},
	{"i2c_mctp_cxl", NULL, "aspeed.i2c.bus.0", NULL},
	{"i2c_mctp_cxl", NULL, "aspeed.i2c.bus.0", NULL},
	{"virtio-rng-pci", NULL, "swport1", NULL},
};

static const char *const rfc_ignored[] = {
	"-gdb", "-kernel", "-append", "-smp", "-accel", "-serial", "-nographic",
	"-qmp", "-netdev", "-monitor", "-drive", "-cpu", "-m", "-virtfs",
};

static void check_opt_str(const struct pcisim_props *p, const char *name, const char *want)
{
	const char *got = pcisim_props_str(p, name, NULL);
	if (!want)
		assert_null(got);
	else if (!got || strcmp(got, want))
		fail_msg("%s: %s is '%s', expected '%s'", p->driver, name, got ? got : "(none)", want);
}

static void check_rfc(const char *file, const char *host)
{
	char *text = slurp(file);
	struct pcisim_qemu_cmdline c;
	struct pcisim_qemu_config cfg;
	assert_int_equal(pcisim_qemu_script_parse(&arena, text, (struct pcisim_loc){file, 1, 1}, &c,
						  &diag),
			 0);
	assert_int_equal(pcisim_qemu_config_read(&arena, &c, &cfg, &diag), 0);
	assert_string_equal(cfg.program, "qemu-system-x86_64");

	assert_int_equal(cfg.ndevices, sizeof(rfc_devices) / sizeof(rfc_devices[0]));
	for (size_t i = 0; i < cfg.ndevices; i++) {
		const struct pcisim_props *p = &cfg.devices[i];
		assert_string_equal(p->driver, rfc_devices[i].driver);
		check_opt_str(p, "id", rfc_devices[i].id);
		check_opt_str(p, "bus", rfc_devices[i].bus);
		check_opt_str(p, "addr", rfc_devices[i].addr);
	}
	/* -device lines start on line 7 and 14..25 (one per line, e1000 shares line 7). */
	assert_int_equal(cfg.devices[0].loc.line, 7);
	assert_int_equal(cfg.devices[0].loc.col, 13);
	assert_int_equal(cfg.devices[1].loc.line, 14);
	assert_int_equal(cfg.devices[11].loc.line, 25);
	check_opt_str(&cfg.devices[3], "multifunction", "on");
	check_opt_str(&cfg.devices[8], "volatile-dc-memdev", "cxl-mem2");
	check_opt_str(&cfg.devices[8], "lsa", "cxl-lsa2");
	const struct pcisim_prop *lsa = pcisim_props_find(&cfg.devices[8], "lsa");
	assert_int_equal(lsa->loc.line, 21);
	assert_int_equal(lsa->loc.col, 79);

	assert_int_equal(cfg.nignored, sizeof(rfc_ignored) / sizeof(rfc_ignored[0]));
	for (size_t i = 0; i < cfg.nignored; i++)
		assert_string_equal(cfg.ignored[i], rfc_ignored[i]);
	assert_int_equal(cfg.ignored_loc.line, 4);
	assert_int_equal(cfg.ignored_loc.col, 20);

	assert_string_equal(cfg.machine_type, "q35");
	assert_int_equal(cfg.cxl, 1);
	assert_int_equal(cfg.acpi_pcihp_bridges, -1);
	assert_int_equal(cfg.nfmw, 1);
	assert_int_equal(cfg.fmw[0].fmw.ntargets, 1);
	assert_string_equal(cfg.fmw[0].fmw.targets[0], "cxl.1");
	assert_int_equal(cfg.fmw[0].fmw.size, 4ull << 30);
	assert_int_equal(cfg.fmw[0].fmw.granularity, 1024);
	assert_int_equal(cfg.fmw[0].target_locs[0].line, 22);

	assert_int_equal(cfg.nbackends, 2);
	assert_string_equal(cfg.backends[0].id, "cxl-mem2");
	assert_string_equal(cfg.backends[0].type, "memory-backend-file");
	assert_int_equal(cfg.backends[0].size, 4ull << 30);
	char path[64];
	snprintf(path, sizeof(path), "/tmp/%s/t3_cxl2.raw", host);
	assert_string_equal(cfg.backends[0].mem_path, path);
	assert_string_equal(cfg.backends[1].id, "cxl-lsa2");
	assert_int_equal(cfg.backends[1].size, 1ull << 20);
	const struct pcisim_qemu_backend *bes[] = {&cfg.backends[0], &cfg.backends[1]};
	for (size_t i = 0; i < cfg.ndevices; i++)
		assert_int_equal(pcisim_qemu_check_memdevs(&cfg.devices[i], bes, 2, &diag), 0);
	assert_int_equal(diag.errors, 0);
	free(text);
}

static void test_rfc_target(void **state)
{
	(void)state;
	check_rfc("tests/golden/fm-target.sh", "host0");
}

static void test_rfc_client(void **state)
{
	(void)state;
	check_rfc("tests/golden/fm-client.sh", "host1");
}

/* The same command line as the mail archive shows it: one line, "\ " between options. */
static void test_rfc_flattened(void **state)
{
	(void)state;
	char *seed = slurp("tests/golden/fm-target.sh");
	char *flat = calloc(1, strlen(seed) + 1);
	size_t u = 0;
	const char *p = strstr(seed, "qemu-system");
	for (; *p; p++) {
		if (*p == '\n') {
			while (p[1] == ' ')
				p++;
			flat[u++] = ' ';
		} else {
			flat[u++] = *p;
		}
	}
	struct pcisim_qemu_cmdline a, b;
	assert_int_equal(parse_script(strstr(seed, "qemu-system"), &a), 0);
	assert_int_equal(parse_script(flat, &b), 0);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		assert_string_equal(a.opts[i].name, b.opts[i].name);
		if (a.opts[i].value)
			assert_string_equal(a.opts[i].value, b.opts[i].value);
	}
	free(flat);
	free(seed);
}

/* ---- the pds-cmask thread: -device lines as the mail wrapped them ---- */

static const char pds_lines[] = "-device \n"
				"driver=pcie-root-port,port=18,chassis=19,id=pcie-root-port18,bus=pcie.0,addr=0x12\n"
				" \\\n"
				"-device \n"
				"driver=nec-usb-xhci,p2=4,p3=4,id=nex-usb-xhci0,bus=pcie-root-port18,addr=0x12.0x1\n";

static void test_pds_thread_lines(void **state)
{
	(void)state;
	struct pcisim_qemu_cmdline c;
	struct pcisim_qemu_config cfg;
	assert_int_equal(parse_cmdline(pds_lines, &c), 0);
	assert_int_equal(pcisim_qemu_config_read(&arena, &c, &cfg, &diag), 0);
	assert_int_equal(cfg.ndevices, 2);
	assert_int_equal(cfg.nignored, 0);
	assert_null(cfg.machine_type);
	const struct pcisim_props *rp = &cfg.devices[0], *x = &cfg.devices[1];
	assert_string_equal(rp->driver, "pcie-root-port");
	check_opt_str(rp, "id", "pcie-root-port18");
	check_opt_str(rp, "bus", "pcie.0");
	check_opt_str(rp, "port", "18");
	check_opt_str(rp, "chassis", "19");
	check_opt_str(rp, "addr", "0x12");
	assert_string_equal(x->driver, "nec-usb-xhci");
	check_opt_str(x, "id", "nex-usb-xhci0");
	check_opt_str(x, "bus", "pcie-root-port18");
	check_opt_str(x, "addr", "0x12.0x1");
	check_opt_str(x, "p2", "4");
	uint8_t devfn;
	assert_true(pcisim_props_addr(x, "addr", &devfn));
	assert_int_equal(devfn, 0x12 << 3 | 1);
	const struct pcisim_prop *a = pcisim_props_find(x, "addr");
	assert_int_equal(a->loc.line, 5);
	assert_int_equal(a->loc.col, 74);
}

/* ---- -machine, -object, -global, -device errors ---- */

static int read_config(const char *text, struct pcisim_qemu_config *cfg)
{
	struct pcisim_qemu_cmdline c;
	int rc = parse_cmdline(text, &c);
	return rc ? rc : pcisim_qemu_config_read(&arena, &c, cfg, &diag);
}

static void test_config_machine_object_global(void **state)
{
	(void)state;
	struct pcisim_qemu_config cfg;
	assert_int_equal(read_config("-M pc-q35-6.0,accel=kvm -machine cxl=off,smm=off "
				     "-global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=on "
				     "-global driver=e1000,property=mac,value=x "
				     "-object rng-random,id=rng0,filename=/dev/urandom "
				     "-object memory-backend-ram,id=m0,size=512M "
				     "-machine cxl-fmw.0.targets.0=a,cxl-fmw.0.targets.1=b,cxl-fmw.0.size=1G "
				     "-machine cxl-fmw.1.targets.0=c,cxl-fmw.1.size=256M,cxl-fmw.1.interleave-granularity=16k "
				     "disk.img",
				     &cfg),
			 0);
	assert_string_equal(cfg.machine_type, "pc-q35-6.0");
	assert_int_equal(cfg.machine_type_loc.col, 4);
	assert_int_equal(cfg.cxl, 0);
	assert_int_equal(cfg.acpi_pcihp_bridges, 1);
	assert_int_equal(cfg.nbackends, 1);
	assert_string_equal(cfg.backends[0].id, "m0");
	assert_int_equal(cfg.backends[0].size, 512u << 20);
	assert_int_equal(cfg.nfmw, 2);
	assert_int_equal(cfg.fmw[0].fmw.ntargets, 2);
	assert_string_equal(cfg.fmw[0].fmw.targets[1], "b");
	assert_int_equal(cfg.fmw[0].fmw.granularity, 256);
	assert_int_equal(cfg.fmw[1].fmw.granularity, 16384);
	const char *ign[] = {"-machine accel", "-machine smm", "-global e1000.mac",
			     "-object rng-random", "disk image 'disk.img'"};
	assert_int_equal(cfg.nignored, 5);
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(cfg.ignored[i], ign[i]);
	char buf[256];
	assert_string_equal(pcisim_qemu_ignored_str(&cfg, buf, sizeof(buf)),
			    "-machine accel, -machine smm, -global e1000.mac, -object rng-random, disk image 'disk.img'");
	assert_int_equal(cfg.vga, -1);

	/* The VGA function: -vga none and -nodefaults remove it, an explicit -vga wins. */
	assert_int_equal(read_config("-nographic -nodefaults", &cfg), 0);
	assert_int_equal(cfg.vga, 0);
	assert_int_equal(cfg.vga_loc.col, 12);
	assert_int_equal(cfg.nignored, 1);
	assert_int_equal(read_config("-vga std -nodefaults", &cfg), 0);
	assert_int_equal(cfg.vga, 1);
	assert_int_equal(read_config("-vga none", &cfg), 0);
	assert_int_equal(cfg.vga, 0);
	assert_int_equal(cfg.vga_loc.col, 6);
	assert_int_equal(read_config("-vga qxl", &cfg), 0);
	assert_int_equal(cfg.vga, 1);
	assert_string_equal(cfg.ignored[0], "-vga qxl");
}

struct bad_case {
	const char *text, *where, *what;
};

static const struct bad_case bad_cases[] = {
	{"-device ,id=x", "t.sh:1:9", "-device needs a driver name"},
	{"-S\n-device pcie-root-port,id=rp1,chassis", "t.sh:2:31", "expected key=value in -device, got 'chassis'"},
	{"-device e1000,id=a,id=b", "t.sh:1:20", "property 'id' given twice"},
	{"-machine pc", "t.sh:1:10", "machine type 'pc' is not modelled"},
	{"-machine pc-q35-2.0", "t.sh:1:10", "older than any q35 type"},
	{"-machine pseries-2.0", "t.sh:1:10", "older than any pseries type QEMU has (pseries-2.1)"},
	{"-machine virt", "t.sh:1:10", "valid choices: q35, pc-q35-X.Y (e.g. pc-q35-6.0, pc-q35-7.2); pseries, pseries-X.Y"},
	{"-machine q35,cxl=maybe", "t.sh:1:18", "-machine cxl: 'maybe' is not a boolean"},
	{"-machine q35,cxl", "t.sh:1:14", "expected key=value in -machine, got 'cxl'"},
	{"-machine cxl-fmw.0.targets.0=a,cxl-fmw.0.size=300M", "t.sh:1:47", "300M is not a multiple of 256M"},
	{"-machine cxl-fmw.0.targets.0=a,cxl-fmw.0.size=4G,cxl-fmw.0.interleave-granularity=3k",
	 "t.sh:1:83", "valid choices: 256, 512, 1k, 2k, 4k, 8k, 16k"},
	{"-machine cxl-fmw.0.targets.1=a,cxl-fmw.0.size=4G", "t.sh:1:30",
	 "cxl-fmw.0.targets.1 given but cxl-fmw.0.targets.0 is missing"},
	{"-machine cxl-fmw.1.targets.0=a,cxl-fmw.1.size=4G", "t.sh:1:10",
	 "cxl-fmw.1 given but cxl-fmw.0 is missing"},
	{"-machine cxl-fmw.0.targets.0=a", "t.sh:1:10", "cxl-fmw.0 needs a size"},
	{"-machine cxl-fmw.0.size=1G", "t.sh:1:10", "cxl-fmw.0 has no targets"},
	{"-machine cxl-fmw.0.targets.0=a,cxl-fmw.0.targets.1=b,cxl-fmw.0.targets.2=c,"
	 "cxl-fmw.0.targets.3=d,cxl-fmw.0.targets.4=e,cxl-fmw.0.size=1G",
	 "t.sh:1:118", "has 5 targets"},
	{"-machine cxl-fmw.0.target.0=a", "t.sh:1:10", "unknown cxl-fmw property 'target.0'"},
	{"-machine cxl-fmw.0.size=1G -machine cxl-fmw.0.size=2G", "t.sh:1:37", "cxl-fmw.0.size is set twice (first at line 1, column 25)"},
	{"-object memory-backend-ram,id=m", "t.sh:1:9", "needs a size"},
	{"-object memory-backend-file,id=m,size=1G", "t.sh:1:9", "needs mem-path=FILE"},
	{"-object memory-backend-ram,size=1G", "t.sh:1:9", "needs an id"},
	{"-object memory-backend-ram,id=m,size=lots", "t.sh:1:38", "'lots' is not a size"},
	{"-object memory-backend-ram,id=m,size=1G,colour=red", "t.sh:1:41", "unknown property 'colour' for -object memory-backend-ram"},
	{"-object memory-backend-ram,id=m,size=1G\n-object memory-backend-ram,id=m,size=2G", "t.sh:2:31",
	 "duplicate object id 'm' (first at line 1, column 31)"},
	{"-object ,id=x", "t.sh:1:9", "-object needs a type"},
	{"-global nodot=1", "t.sh:1:9", "-global: expected DRIVER.PROPERTY=VALUE"},
	{"-global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=2", "t.sh:1:55", "'2' is not a boolean"},
};

static void test_config_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct pcisim_qemu_config cfg;
		diag.errors = 0, diag.first[0] = 0;
		if (!read_config(bad_cases[i].text, &cfg))
			fail_msg("accepted: %s", bad_cases[i].text);
		check_error(bad_cases[i].where, bad_cases[i].what);
	}
}

static void test_memdev_references(void **state)
{
	(void)state;
	struct pcisim_qemu_config cfg;
	assert_int_equal(read_config("-object memory-backend-ram,id=vmem0,size=256M\n"
				     "-object memory-backend-ram,id=lsa0,size=1M\n"
				     "-device cxl-type3,bus=rp0,volatile-memdev=vmem0,lsa=lsa1,id=t3",
				     &cfg),
			 0);
	const struct pcisim_qemu_backend *bes[] = {&cfg.backends[0], &cfg.backends[1]};
	assert_int_not_equal(pcisim_qemu_check_memdevs(&cfg.devices[0], bes, 2, &diag), 0);
	check_error("t.sh:3:53", "cxl-type3 property 'lsa': no memory backend 'lsa1'; valid ids: vmem0, lsa0");
	diag.errors = 0, diag.first[0] = 0;
	assert_int_not_equal(pcisim_qemu_check_memdevs(&cfg.devices[0], bes, 0, &diag), 0);
	check_error("t.sh:3:43", "no memory backend 'vmem0'; valid ids: (none: define one with -object memory-backend-ram,id=ID,size=SIZE)");
}

/* ---- import-qemu ---- */

static void check_import_warning(const char *script, const char *golden, const char *name, const char *warning);

static void check_import(const char *script, const char *golden, const char *name)
{
	char warn[256];
	snprintf(warn, sizeof(warn),
		 "%s:4:20: warning: ignored options: -gdb, -kernel, -append, -smp, -accel, -serial, "
		 "-nographic, -qmp, -netdev, -monitor, -drive, -cpu, -m, -virtfs\n",
		 script);
	check_import_warning(script, golden, name, warn);
}

static void check_import_warning(const char *script, const char *golden, const char *name, const char *warning)
{
	char *text = slurp(script);
	char *want = slurp(golden);
	char *got = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&got, &len);
	char src[64], desc[128];
	snprintf(src, sizeof(src), "%s.sh", name);
	snprintf(desc, sizeof(desc), "QEMU launch command imported from %s", src);
	struct pcisim_qemu_yaml_opts o = {name, desc, src};
	assert_int_equal(pcisim_qemu_import(out, &arena, script, text, &o, &diag), 0);
	fclose(out);
	if (strcmp(got, want)) {
		fprintf(stderr, "import of %s differs from %s; got:\n%s", script, golden, got);
		fail();
	}
	assert_int_equal(diag.errors, 0);
	assert_string_equal(diagbuf, warning);
	free(got);
	free(want);
	free(text);
}

static void test_import_golden_target(void **state)
{
	(void)state;
	check_import("tests/golden/fm-target.sh", "tests/golden/fm-target.yaml", "fm-target");
}

static void test_import_golden_client(void **state)
{
	(void)state;
	check_import("tests/golden/fm-client.sh", "tests/golden/fm-client.yaml", "fm-client");
}

/*
 * The passthrough command lines: the AER slides' q35 guest (an 82576 behind a root port,
 * vfio-pci host=0000:01:00.0) and the EEH series' pseries guest (vfio-pci
 * host=0001:01:00.0 beside an emulated e1000e), each imported as written, and loading.
 */
static void test_import_golden_passthrough(void **state)
{
	(void)state;
	check_import_warning("tests/golden/aer-passthrough-guest.sh", "tests/golden/aer-passthrough-guest.yaml",
			     "aer-passthrough-guest",
			     "tests/golden/aer-passthrough-guest.sh:6:33: warning: ignored options: -machine accel, -m, -smp, -drive\n");
	diagbuf[0] = 0;
	rewind(diagf);
	check_import_warning("tests/golden/eeh-errinjct-guest.sh", "tests/golden/eeh-errinjct-guest.yaml",
			     "eeh-errinjct-guest",
			     "tests/golden/eeh-errinjct-guest.sh:7:36: warning: ignored options: -machine accel, -m, -smp, -nographic, -drive\n");
	static const char *const goldens[] = {"tests/golden/aer-passthrough-guest.yaml",
					      "tests/golden/eeh-errinjct-guest.yaml"};
	for (size_t i = 0; i < 2; i++) {
		char *y = slurp(goldens[i]);
		assert_int_equal(pcisim_import_qemu_verify(y, strlen(y), goldens[i], "t.sh", stderr), 0);
		free(y);
	}
}

static void test_import_yaml_quoting(void **state)
{
	(void)state;
	char *got = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&got, &len);
	struct pcisim_qemu_yaml_opts o = {"q", "d: with a colon", NULL};
	const char *text = "qemu-system-x86_64 -machine pc-q35-6.0 -vga none "
			   "-global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off "
			   "-object memory-backend-ram,id=m0,size=1G "
			   "-object 'memory-backend-file,id=m1,size=1G,mem-path=/tmp/a b' \\\n"
			   "-device x,a=on,b=0x12.0x1,c=0.0,d=12,e=0x12,f=4G,g=127.0.0.1:4445,h=yes,"
			   "i=,j=012,k=1e3,l=-1,m=a#b,n='\"q\"',o=null,memdev=m0";
	/* (import would also check the drivers; x is none) */
	struct pcisim_qemu_cmdline c;
	struct pcisim_qemu_config cfg;
	assert_int_equal(parse_script(text, &c), 0);
	assert_int_equal(pcisim_qemu_config_read(&arena, &c, &cfg, &diag), 0);
	assert_int_equal(pcisim_qemu_write_yaml(out, &cfg, &o), 0);
	fclose(out);
	const char *want =
		"# A pcisim scenario written by 'pcisim import-qemu'.\n"
		"# The QEMU command line: qemu-system-x86_64 at line 1.\n"
		"version: 1\n"
		"name: q\n"
		"description: \"d: with a colon\"\n"
		"machine: {type: pc-q35-6.0, acpi-pci-hotplug-with-bridge-support: off, vga: none}\n"
		"topology:\n"
		"  # memory backends the devices refer to (memdev=, lsa=, ...)\n"
		"  - qemu_args: |\n"
		"      -object memory-backend-ram,id=m0,size=1G\n"
		"      -object 'memory-backend-file,id=m1,size=1G,mem-path=/tmp/a b'\n"
		"  - {driver: x, a: \"on\", b: \"0x12.0x1\", c: \"0.0\", d: 12, e: 0x12, f: 4G, "
		"g: \"127.0.0.1:4445\", h: \"yes\", i: \"\", j: \"012\", k: \"1e3\", l: \"-1\", "
		"m: \"a#b\", \"n\": \"\\\"q\\\"\", o: \"null\", memdev: m0}\n"
		"timeline: []\n"
		"expect: []\n";
	assert_string_equal(got, want);
	assert_string_equal(diagbuf, "");
	free(got);
}

/*
 * Whatever a word holds (quoted line breaks, a line separator, a name cut short), the
 * YAML written loads and keeps the words (found by fuzz_import_qemu: a disk image name
 * with a newline ended the ignored-options comment, and the rest of it was read as YAML).
 */
static void test_import_yaml_any_words(void **state)
{
	(void)state;
	char *got = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&got, &len);
	struct pcisim_qemu_yaml_opts o = {"w", NULL, "a\nb.sh"};
	/* a disk image name of 121 bytes: 'x' and 60 e-acute, cut at 120 bytes in the comment */
	char text[1024], eacute[128] = "x", cut[160] = "x";
	for (int i = 0; i < 60; i++)
		strcat(eacute, "\xc3\xa9");
	for (int i = 0; i < 59; i++)
		strcat(cut, "\xc3\xa9");
	strcat(cut, "\\xc3"); /* the half character's byte, escaped */
	snprintf(text, sizeof(text),
		 "qemu-system-x86_64 -global 'e1000.m\rac=1' 'disk\nversion: 2' "
		 "-object 'memory-backend-file,id=m0,size=1G,mem-path=/a\nb' "
		 "-device 'x,a=b\xe2\x80\xa8" "c,memdev=m0' %s\n",
		 eacute);
	struct pcisim_qemu_cmdline c;
	struct pcisim_qemu_config cfg;
	assert_int_equal(parse_script(text, &c), 0);
	assert_int_equal(pcisim_qemu_config_read(&arena, &c, &cfg, &diag), 0);
	assert_int_equal(pcisim_qemu_write_yaml(out, &cfg, &o), 0);
	fclose(out);
	char want[2048];
	snprintf(want, sizeof(want),
		 "# A pcisim scenario written by 'pcisim import-qemu' from a\\nb.sh.\n"
		 "# The QEMU command line: qemu-system-x86_64 at line 1.\n"
		 "version: 1\n"
		 "name: w\n"
		 "machine: {type: q35}\n"
		 "# ignored options (accepted, not modelled): -global e1000.m\\rac, "
		 "disk image 'disk\\nversion: 2', disk image '%s'\n"
		 "topology:\n"
		 "  # memory backends the devices refer to (memdev=, lsa=, ...)\n"
		 "  - qemu_args: \"-object 'memory-backend-file,id=m0,size=1G,mem-path=/a\\nb'\\n\"\n"
		 "  - {driver: x, a: \"b\\u2028c\", memdev: m0}\n"
		 "timeline: []\n"
		 "expect: []\n",
		 cut);
	assert_string_equal(got, want);
	struct pcisim_scenario sc;
	assert_int_equal(pcisim_scenario_parse(&sc, "w.yaml", got, len, &diag), 0);
	assert_int_equal(sc.topology->kind, PCISIM_Y_SEQ);
	pcisim_scenario_free(&sc);
	assert_string_equal(diagbuf, "");
	free(got);
}

static void test_import_errors(void **state)
{
	(void)state;
	struct pcisim_qemu_yaml_opts o = {"x", NULL, NULL};
	FILE *out = fopen("/dev/null", "w");
	assert_int_not_equal(pcisim_qemu_import(out, &arena, "x.sh",
						"#!/bin/sh\nqemu-system-x86_64 -S \\\n -device e1000 -bogus\n",
						&o, &diag),
			     0);
	check_error("x.sh:3:16", "unknown option '-bogus'");
	diag.errors = 0, diag.first[0] = 0;
	assert_int_not_equal(pcisim_qemu_import(out, &arena, "x.sh",
						"qemu-system-x86_64 -S \\\n -device e1000,,id=x,mac\n",
						&o, &diag),
			     0);
	check_error("x.sh:2:22", "expected key=value in -device, got 'mac'");
	diag.errors = 0, diag.first[0] = 0;
	assert_int_not_equal(pcisim_qemu_import(out, &arena, "x.sh",
						"qemu-system-x86_64 -device cxl-type3,memdev=nope\n",
						&o, &diag),
			     0);
	check_error("x.sh:1:45", "no memory backend 'nope'");
	/* YAML holds only printable UTF-8: the script must be that (found by fuzz_import_qemu) */
	diag.errors = 0, diag.first[0] = 0;
	assert_int_not_equal(pcisim_qemu_import(out, &arena, "x.sh",
						"qemu-system-x86_64 \\\n -device pcie-root-port,cha\xe8ssis=0\n",
						&o, &diag),
			     0);
	check_error("x.sh:2:28", "not UTF-8 text: byte 0xe8");
	fclose(out);
}

/* The command, end to end (needs the pcisim binary, built with the whole tree). */
static void test_import_cli(void **state)
{
	(void)state;
	char cmd[2048];
	snprintf(cmd, sizeof(cmd),
		 "cd %s && %s import-qemu tests/golden/fm-client.sh 2>/dev/null | cmp -s - tests/golden/fm-client.yaml",
		 PCISIM_SOURCE_DIR, PCISIM_BINARY);
	int st = system(cmd);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	char tmp[] = "/tmp/pcisim-import-XXXXXX";
	int fd = mkstemp(tmp);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs("qemu-system-x86_64 -machine q35 \\\n   -device e1000 -nographics\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "%s import-qemu %s -o %s.yaml 2>&1", PCISIM_BINARY, tmp, tmp);
	FILE *p = popen(cmd, "r");
	char line[1024] = "";
	assert_non_null(fgets(line, sizeof(line), p));
	st = pclose(p);
	assert_int_equal(WEXITSTATUS(st), 2);
	char where[128];
	snprintf(where, sizeof(where), "%s:2:18: error: unknown option '-nographics'", tmp);
	if (strncmp(line, where, strlen(where)))
		fail_msg("got: %s", line);
	char yaml[64];
	snprintf(yaml, sizeof(yaml), "%s.yaml", tmp);
	assert_null(fopen(yaml, "r")); /* nothing written on error */

	/* An error only building the devices finds: the same, located in the script. */
	f = fopen(tmp, "w");
	fputs("qemu-system-x86_64 -machine q35 \\\n   -device e1000,colour=red\n", f);
	fclose(f);
	p = popen(cmd, "r");
	assert_non_null(fgets(line, sizeof(line), p));
	st = pclose(p);
	assert_int_equal(WEXITSTATUS(st), 2);
	snprintf(where, sizeof(where),
		 "%s:2:18: error: unknown property 'colour' for device 'e1000'; valid properties: ", tmp);
	if (strncmp(line, where, strlen(where)))
		fail_msg("got: %s", line);
	assert_null(fopen(yaml, "r"));
	remove(tmp);
}

/* The first error is exactly @want ("..." at its end: @want's beginning; lists grow). */
static void check_first(const char *want)
{
	assert_int_equal(diag.errors, 1);
	size_t wl = strlen(want);
	bool prefix = wl > 3 && !strcmp(want + wl - 3, "...");
	if (prefix ? strncmp(diag.first, want, wl - 3) : strcmp(diag.first, want))
		fail_msg("expected: %s\n     got: %s", want, diag.first);
}

/* pcisim_qemu_import() of @script (named x.sh): its return code, the YAML in *@yaml. */
static int import_text(const char *script, char **yaml)
{
	size_t len = 0;
	*yaml = NULL;
	FILE *out = open_memstream(yaml, &len);
	struct pcisim_qemu_yaml_opts o = {"x", "d", "x.sh"};
	diag.errors = 0, diag.first[0] = 0;
	int rc = pcisim_qemu_import(out, &arena, "x.sh", script, &o, &diag);
	fclose(out);
	return rc;
}

/*
 * What simulate would refuse in the scenario, import refuses in the script: every error
 * of building the machine and its devices, at the line and column of the launch script,
 * and nothing is written.
 */
static void test_import_checks_as_simulate(void **state)
{
	(void)state;
	static const struct {
		const char *script, *want;
	} cases[] = {
		/* an unknown property (docs/qemu-import.md: an error listing the valid ones) */
		{"qemu-system-x86_64 -machine q35 -device e1000,colour=red\n",
		 "x.sh:1:47: error: unknown property 'colour' for device 'e1000'; valid properties: mac, netdev, ..."},
		{"qemu-system-x86_64 -machine q35 -device nosuch,id=n\n",
		 "x.sh:1:41: error: unknown device driver 'nosuch'; valid drivers: ..."},
		/* buses: unknown, or created later on the command line (QEMU reads in order) */
		{"qemu-system-x86_64 -machine q35 -device e1000,bus=nobus\n",
		 "x.sh:1:51: error: Bus 'nobus' not found; valid buses: pcie.0"},
		{"qemu-system-x86_64 -machine q35 \\\n  -device e1000,bus=rp1 \\\n  -device pcie-root-port,id=rp1,chassis=1\n",
		 "x.sh:2:21: error: Bus 'rp1' not found; valid buses: pcie.0"},
		/* addresses: malformed, taken, single-function rules */
		{"qemu-system-x86_64 -machine q35 -device e1000,addr=zz\n",
		 "x.sh:1:52: error: e1000 property 'addr': 'zz' is not a PCI address; expected slot[.function] with slot 0..0x1f and function 0..7 (e.g. 0x12 or 0x12.0x1)"},
		{"qemu-system-x86_64 -machine q35 -device e1000,addr=3 -device e1000,addr=3\n",
		 "x.sh:1:73: error: PCI: slot 3 function 0 not available for e1000, in use by e1000,id=e1000#0"},
		{"qemu-system-x86_64 -machine q35 -device e1000,addr=1\n",
		 "x.sh:1:52: error: PCI: slot 1 function 0 not available for e1000, in use by VGA,id=q35.vga"},
		{"qemu-system-x86_64 -machine q35 -device e1000,addr=4 -device e1000,addr=4.1\n",
		 "x.sh:1:73: error: PCI: single function device can't be populated in function 4.1"},
		{"qemu-system-x86_64 -machine q35 -device e1000,id=n -device e1000,id=n\n",
		 "x.sh:1:69: error: Duplicate device ID 'n'"},
		/* the machine type must exist in the QEMU the scenario emulates */
		{"qemu-system-x86_64 -machine pc-q35-10.0 -device e1000\n",
		 "x.sh:1:29: error: machine type pc-q35-10.0 does not exist in QEMU 9.2, the newest QEMU pcisim emulates; valid choices: q35, pc-q35-X.Y up to pc-q35-9.2"},
		/* memory backends and CXL fixed memory windows */
		{"qemu-system-x86_64 -machine q35,cxl=on -device cxl-type3,memdev=nope\n",
		 "x.sh:1:65: error: cxl-type3 property 'memdev': no memory backend 'nope'; valid ids: (none: define one with -object memory-backend-ram,id=ID,size=SIZE)"},
		{"qemu-system-x86_64 -machine q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G \\\n"
		 "  -device pxb-cxl,id=cxl.2,bus=pcie.0,bus_nr=12\n",
		 "x.sh:1:60: error: cxl-fmw.0.targets.0: could not resolve CXL fixed memory window target 'cxl.1': no such device; valid targets (pxb-cxl ids): cxl.2"},
		{"qemu-system-x86_64 -machine q35,cxl=on,cxl-fmw.0.targets.0=rp1,cxl-fmw.0.size=4G \\\n"
		 "  -device pcie-root-port,id=rp1,chassis=1\n",
		 "x.sh:1:60: error: cxl-fmw.0.targets.0: could not resolve CXL fixed memory window target 'rp1': it is not a pxb-cxl host bridge; valid targets (pxb-cxl ids): (none)"},
		/* bytes that are not UTF-8 cannot be written into a scenario */
		{"qemu-system-x86_64 -machine q35 -device e1000,id=caf\xe9\n",
		 "x.sh:1:53: error: not UTF-8 text: byte 0xe9 in e1000 property 'id'; expected UTF-8 text, as a scenario is (convert the script, e.g. iconv -f LATIN1 -t UTF-8)"},
		{"qemu-system-x86_64 -machine q35 -device e1000,romfile=\xc3\xa9t\xe9.rom\n",
		 "x.sh:1:57: error: not UTF-8 text: byte 0xe9 in e1000 property 'romfile'; expected UTF-8 text, as a scenario is (convert the script, e.g. iconv -f LATIN1 -t UTF-8)"},
		{"qemu-system-x86_64 -machine q35 \\\n  -object memory-backend-file,id=m,size=1G,mem-path=/tmp/\xff\n",
		 "x.sh:2:58: error: not UTF-8 text: byte 0xff in -object memory-backend-file; expected UTF-8 text, as a scenario is (convert the script, e.g. iconv -f LATIN1 -t UTF-8)"},
		/* columns count characters, as in YAML: the é before the error is one */
		{"qemu-system-x86_64 -append \"caf\xc3\xa9\" -machine q35 -device e1000,colour=red\n",
		 "x.sh:1:62: error: unknown property 'colour' for device 'e1000'; valid properties: ..."},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *yaml;
		int rc = import_text(cases[i].script, &yaml);
		if (!rc)
			fail_msg("accepted: %s", cases[i].script);
		check_first(cases[i].want);
		assert_int_equal(yaml[0], 0); /* nothing written */
		free(yaml);
	}
}

/* @yaml loads and instantiates as simulate would load it; the scenario is kept in @sc. */
static void load_yaml(const char *yaml, struct pcisim_scenario *sc, struct pcisim_sim *sim)
{
	struct pcisim_diag d;
	pcisim_diag_init(&d, diagf);
	if (pcisim_scenario_parse(sc, "x.yaml", yaml, strlen(yaml), &d))
		fail_msg("does not load: %s\n%s", d.first, yaml);
	pcisim_sim_init(sim, 1, &d);
	if (pcisim_scenario_instantiate(sim, sc, NULL, NULL, &d))
		fail_msg("does not instantiate: %s\n%s", d.first, yaml);
}

/*
 * Text from the script that reaches a comment (the ignored options, the program, the
 * script's name) is one line whatever it holds: a quoted newline in an argument used
 * to end the comment and inject keys (seed:, timeline:) into the scenario.
 */
static void test_import_comments_escaped(void **state)
{
	(void)state;
	const char *script =
		"qemu-system-x86_64 -machine 'q35,acc\xe2\x80\xa8" "el=kvm' -vga \"qxl\nseed: 5\" \\\n"
		"  -device e1000 \"disk\ntimeline: [x]\" -global 'e1000.x\xe9=1' -name \"a\tb\"\n";
	char *yaml = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&yaml, &len);
	struct pcisim_qemu_yaml_opts o = {"x", "d", "x\n\xe9.sh"};
	assert_int_equal(pcisim_qemu_import(out, &arena, "x.sh", script, &o, &diag), 0);
	fclose(out);
	const char *want =
		"# A pcisim scenario written by 'pcisim import-qemu' from x\\n\\xe9.sh.\n"
		"# The QEMU command line: qemu-system-x86_64 at line 1.\n"
		"version: 1\n"
		"name: x\n"
		"description: d\n"
		"machine: {type: q35, vga: std}\n"
		"# ignored options (accepted, not modelled): -machine acc\\xe2\\x80\\xa8el, "
		"-vga qxl\\nseed: 5, disk image 'disk\\ntimeline: [x]', -global e1000.x\\xe9, -name\n"
		"topology:\n"
		"  - {driver: e1000}\n"
		"timeline: []\n"
		"expect: []\n";
	assert_string_equal(yaml, want);
	/* the warning on standard error escapes the same characters */
	assert_string_equal(diagbuf,
			    "x.sh:1:34: warning: ignored options: -machine acc\\xe2\\x80\\xa8el, "
			    "-vga qxl\\nseed: 5, disk image 'disk\\ntimeline: [x]', -global e1000.x\\xe9, -name\n");
	struct pcisim_scenario sc;
	struct pcisim_sim sim;
	load_yaml(yaml, &sc, &sim);
	assert_false(sc.has_seed);
	assert_int_equal(sc.nsteps, 0);
	pcisim_sim_free(&sim);
	pcisim_scenario_free(&sc);
	free(yaml);
}

/*
 * Values holding what YAML cannot hold raw (newlines, tabs, control characters, the
 * line separators NEL, LS and PS, the BOM, U+FFFE) are double-quoted with escapes, and
 * the devices of the loaded scenario have exactly the values of the command line.
 */
static void test_import_values_round_trip(void **state)
{
	(void)state;
	static const char romfile[] = "a\nb: c\tq\r\x7f\x01\xe2\x80\xa8x\xc2\x85y\xef\xbb\xbfz\xef\xbf\xbe";
	static const char mem_path[] = "/tmp/a\nb\xe2\x80\xa9 c'd";
	char script[512];
	snprintf(script, sizeof(script),
		 "qemu-system-x86_64 -machine q35,cxl=on -device \"e1000,romfile=%s\" \\\n"
		 "  -object \"memory-backend-file,id=m0,size=256M,mem-path=%s\" \\\n"
		 "  -device \"e1000,id=a b:#c\\\\d\\\"e,netdev= lead\" \\\n"
		 "  -device pxb-cxl,id=cxl.1,bus=pcie.0,bus_nr=12 -device cxl-rp,id=rp0,bus=cxl.1,chassis=0,slot=2 \\\n"
		 "  -device cxl-type3,bus=rp0,volatile-memdev=m0,id=t3\n",
		 romfile, mem_path);
	char *yaml;
	if (import_text(script, &yaml))
		fail_msg("%s", diag.first);
	struct pcisim_scenario sc;
	struct pcisim_sim sim;
	load_yaml(yaml, &sc, &sim);
	struct pcisim_fabric *fab = pcisim_fabric_get(&sim);
	struct pcisim_pcifn *nic = pcisim_fabric_find_fn(fab, "e1000#0");
	assert_non_null(nic);
	assert_string_equal(pcisim_props_str(&nic->props, "romfile", ""), romfile);
	struct pcisim_pcifn *n2 = pcisim_fabric_find_fn(fab, "a b:#c\\d\"e");
	assert_non_null(n2);
	assert_string_equal(pcisim_props_str(&n2->props, "netdev", ""), " lead");
	const struct pcisim_qemu_backend *be = pcisim_membackend_find(fab, "m0");
	assert_non_null(be);
	assert_string_equal(be->mem_path, mem_path);
	assert_non_null(pcisim_fabric_find_fn(fab, "t3"));
	/* the backends' qemu_args entry is double-quoted: a block line cannot hold a newline */
	assert_non_null(strstr(yaml, "  - qemu_args: \"-object 'memory-backend-file,id=m0,size=256M,mem-path=/tmp/a\\nb\\u2029 c'\\\\''d'\\n\"\n"));
	pcisim_sim_free(&sim);
	pcisim_scenario_free(&sc);
	free(yaml);
}

/* import-qemu's last guard: YAML that does not load is an internal error, never written. */
static void test_import_verify(void **state)
{
	(void)state;
	char *msg = NULL;
	size_t len = 0;
	FILE *err = open_memstream(&msg, &len);
	static const char good[] = "version: 1\nname: g\ntopology:\n  - {driver: e1000}\n";
	assert_int_equal(pcisim_import_qemu_verify(good, strlen(good), "g.yaml", "g.sh", err), 0);
	static const char bad[] = "version: 1\nname: b\ntopology:\n  - {driver: e1000, colour: red}\n";
	assert_int_equal(pcisim_import_qemu_verify(bad, strlen(bad), "b.yaml", "b.sh", err), 2);
	static const char broken[] = "version: 1\nname: b\n# x\nseed: 5\nfoo: bar\n";
	assert_int_equal(pcisim_import_qemu_verify(broken, strlen(broken), "<stdout>", "c.sh", err), 2);
	fclose(err);
	assert_string_equal(msg,
			    "pcisim import-qemu: internal error: the scenario written for b.sh does not load "
			    "(b.yaml:4:21: error: unknown property 'colour' for device 'e1000'; valid properties: "
			    "mac, netdev, bootindex, autonegotiation, mitigation, extra_mac_registers, "
			    "migrate_tso_props, init-vet, id, bus, addr, multifunction, romfile, rombar, "
			    "failover_pair_id, x-pcie-lnksta-dllla, x-pcie-extcap-init, link_training); nothing "
			    "was written. Please report this with the launch script.\n"
			    "pcisim import-qemu: internal error: the scenario written for c.sh does not load "
			    "(<stdout>:5:1: error: unknown key 'foo' in a scenario; valid keys: version, name, "
			    "description, seed, until, machine, topology, host, timeline, expect, fuzz, include, machines); "
			    "nothing was written. Please report this with the launch script.\n");
	free(msg);
}

/* The machine: section's cxl-fmw list as import-qemu writes it. */
static void test_cxl_fmw_yaml(void **state)
{
	(void)state;
	char *text = slurp("tests/golden/fm-target.yaml");
	struct pcisim_ydoc doc;
	assert_int_equal(pcisim_ydoc_parse(&doc, "fm-target.yaml", text, strlen(text), &diag), 0);
	const struct pcisim_ynode *m = pcisim_ymap_get(doc.root, "machine");
	assert_non_null(m);
	struct pcisim_sim sim;
	pcisim_sim_init(&sim, 1, &diag);
	struct pcisim_fabric *fab = pcisim_fabric_get(&sim);
	assert_int_equal(pcisim_cxl_fmw_from_yaml(fab, pcisim_ymap_get(m, "cxl-fmw"), &diag), 0);
	assert_int_equal(fab->machine.ncxl_fmw, 1);
	const struct pcisim_cxl_fmw *w = &fab->machine.cxl_fmw[0];
	assert_int_equal(w->ntargets, 1);
	assert_string_equal(w->targets[0], "cxl.1");
	assert_int_equal(w->size, 4ull << 30);
	assert_int_equal(w->granularity, 1024);
	assert_int_equal(w->loc.line, 10);
	assert_int_equal(w->loc.col, 7);
	/* No pxb-cxl named cxl.1 exists in this empty fabric. */
	assert_int_not_equal(pcisim_cxl_fmw_check_targets(fab, &diag), 0);
	check_error("fm-target.yaml:10:7",
		    "cxl-fmw.0.targets.0: could not resolve CXL fixed memory window target 'cxl.1': no such device; valid targets (pxb-cxl ids): (none)");
	pcisim_sim_free(&sim);

	static const struct bad_case bad[] = {
		{"m: [{targets: [a, b, c, d, e], size: 1G}]", "y:1:15", "'targets' must be a list of 1, 2, 3, 4, 6, 8, 12 or 16"},
		{"m: [{targets: a, size: 100M}]", "y:1:24", "'size': '100M' is not a multiple of 256M"},
		{"m: [{targets: a, size: 1G, interleave-granularity: 100}]", "y:1:52", "not a valid granularity"},
		{"m: [{targets: a}]", "y:1:5", "needs 'targets' (pxb-cxl ids) and 'size'"},
		{"m: [{targets: a, size: 1G, ways: 2}]", "y:1:28", "unknown key 'ways' in a cxl-fmw window"},
		{"m: {targets: a}", "y:1:4", "'cxl-fmw' must be a list"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pcisim_ydoc y;
		diag.errors = 0, diag.first[0] = 0;
		assert_int_equal(pcisim_ydoc_parse(&y, "y", bad[i].text, strlen(bad[i].text), &diag), 0);
		pcisim_sim_init(&sim, 1, &diag);
		fab = pcisim_fabric_get(&sim);
		assert_int_not_equal(pcisim_cxl_fmw_from_yaml(fab, pcisim_ymap_get(y.root, "m"), &diag), 0);
		check_error(bad[i].where, bad[i].what);
		pcisim_sim_free(&sim);
		pcisim_ydoc_free(&y);
	}
	pcisim_ydoc_free(&doc);
	free(text);
}

/* ---- with the device models: the qemu_args entry and the golden YAML ---- */

static bool have_drivers(const char *const *names)
{
	for (size_t i = 0; names[i]; i++)
		if (!pcisim_driver_find(names[i])) {
			fprintf(stderr, "(skipped: no device model '%s' yet)\n", names[i]);
			return false;
		}
	return true;
}

static int build(struct pcisim_sim *sim, struct pcisim_scenario *sc, const char *name,
		 const char *text)
{
	pcisim_sim_init(sim, 1, &diag);
	if (pcisim_scenario_parse(sc, name, text, strlen(text), &diag))
		return -1;
	return pcisim_scenario_instantiate(sim, sc, NULL, NULL, &diag);
}

static void test_apply_pds_lines(void **state)
{
	(void)state;
	static const char *const need[] = {"pcie-root-port", "nec-usb-xhci", NULL};
	if (!have_drivers(need))
		skip();
	static const char text[] = "version: 1\n"
				   "name: pds\n"
				   "topology:\n"
				   "  - qemu_args: |\n"
				   "      -machine pc-q35-6.0 -nographic\n"
				   "      -device \n"
				   "      driver=pcie-root-port,port=18,chassis=19,id=pcie-root-port18,bus=pcie.0,addr=0x12\n"
				   "       \\\n"
				   "      -device \n"
				   "      driver=nec-usb-xhci,p2=4,p3=4,id=nex-usb-xhci0,bus=pcie-root-port18,addr=0x12.0x1\n";
	struct pcisim_sim sim;
	struct pcisim_scenario sc;
	int rc = build(&sim, &sc, "pds.yaml", text);
	if (rc)
		fail_msg("%s", diag.first);
	struct pcisim_fabric *fab = pcisim_fabric_get(&sim);
	assert_string_equal(fab->machine.type, "pc-q35-6.0");
	assert_false(fab->machine.acpi_pcihp_bridges);
	assert_false(pcisim_machine_has(&fab->machine, PCISIM_QEMU_HIDE_HPC));
	struct pcisim_pcifn *rp = pcisim_fabric_find_fn(fab, "pcie-root-port18");
	struct pcisim_pcifn *x = pcisim_fabric_find_fn(fab, "nex-usb-xhci0");
	assert_non_null(rp);
	assert_non_null(x);
	assert_int_equal(rp->devfn, 0x12 << 3);
	assert_ptr_equal(x->bus, rp->secondary);
	assert_int_equal(x->devfn, 0x12 << 3 | 1);
	assert_string_equal(diagbuf, "pds.yaml:5:27: warning: ignored options: -nographic\n");
	pcisim_sim_free(&sim);
	pcisim_scenario_free(&sc);
}

static void test_apply_nodefaults(void **state)
{
	(void)state;
	static const char *const need[] = {"e1000", NULL};
	if (!have_drivers(need))
		skip();
	static const char text[] = "version: 1\n"
				   "name: nodefaults\n"
				   "topology:\n"
				   "  - qemu_args: qemu-system-x86_64 -nodefaults -device e1000,id=nic0\n";
	struct pcisim_sim sim;
	struct pcisim_scenario sc;
	if (build(&sim, &sc, "n.yaml", text))
		fail_msg("%s", diag.first);
	struct pcisim_fabric *fab = pcisim_fabric_get(&sim);
	assert_true(fab->machine.no_vga);
	struct pcisim_pcibus *root = pcisim_fabric_find_bus(fab, "pcie.0");
	assert_non_null(root);
	for (uint16_t i = 0; i < root->nfns; i++)
		if (root->fns[i]->devfn == 1 << 3)
			assert_string_equal(root->fns[i]->comp.name, "nic0");
	pcisim_sim_free(&sim);
	pcisim_scenario_free(&sc);
}

static void test_apply_errors(void **state)
{
	(void)state;
	static const char *const need[] = {"pcie-root-port", NULL};
	if (!have_drivers(need))
		skip();
	static const struct bad_case cases[] = {
		{"version: 1\nname: a\ntopology:\n  - qemu_args: \"-device pcie-root-port,id=rp1 -device nosuch,bus=rp1\"\n",
		 "a.yaml:4:55", "unknown device driver 'nosuch'; valid drivers: "},
		{"version: 1\nname: a\ntopology:\n  - qemu_args: |\n      -S\n      -device pcie-root-port,id=rp1,chassis=x\n",
		 "a.yaml:6:45", "'x' is not an integer"},
		{"version: 1\nname: a\ntopology:\n  - qemu_args: |\n      -device pcie-root-port,id=rp1\n      -device pcie-root-port,id=rp2 -frob\n",
		 "a.yaml:6:37", "unknown option '-frob'"},
		{"version: 1\nname: a\nmachine: {type: q35}\ntopology:\n  - qemu_args: -machine pc-q35-7.2\n",
		 "a.yaml:5:25", "qemu_args sets type=pc-q35-7.2 but the scenario's machine: section has type: q35"},
		{"version: 1\nname: a\ntopology:\n  - {driver: pcie-root-port, id: rp0}\n  - qemu_args: -machine pc-q35-6.0\n",
		 "a.yaml:5:25", "changes the machine after devices were created"},
		{"version: 1\nname: a\ntopology:\n  - qemu_args: -object memory-backend-ram,id=m,size=1G\n  - qemu_args: -object memory-backend-ram,id=m,size=1G\n",
		 "a.yaml:5:46", "duplicate object id 'm' (first at a.yaml:4:46)"},
		{"version: 1\nname: a\ntopology:\n  - qemu_args: -machine q35,cxl=on,cxl-fmw.0.targets.0=rp1,cxl-fmw.0.size=4G -device pcie-root-port,id=rp1\n",
		 "a.yaml:4:56", "could not resolve CXL fixed memory window target 'rp1': it is not a pxb-cxl host bridge"},
		{"version: 1\nname: a\nmachine: {vga: std}\ntopology:\n  - qemu_args: -vga none\n",
		 "a.yaml:5:21", "qemu_args sets vga=none but the scenario's machine: section has vga: std"},
		{"version: 1\nname: a\ntopology:\n  - {driver: pcie-root-port, id: rp0}\n  - qemu_args: -S -nodefaults\n",
		 "a.yaml:5:19", "removes the VGA device after devices were created"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pcisim_sim sim;
		struct pcisim_scenario sc;
		diag.errors = 0, diag.first[0] = 0;
		if (!build(&sim, &sc, "a.yaml", cases[i].text))
			fail_msg("accepted: %s", cases[i].text);
		check_error(cases[i].where, cases[i].what);
		pcisim_sim_free(&sim);
		pcisim_scenario_free(&sc);
	}
}

static void test_golden_yaml_loads(void **state)
{
	(void)state;
	static const char *const need[] = {"e1000", "pxb-cxl", "cxl-rp", "cxl-upstream",
					   "cxl-switch-mailbox-cci", "cxl-downstream", "cxl-type3",
					   "i2c_mctp_cxl", "virtio-rng-pci", NULL};
	if (!have_drivers(need))
		skip();
	static const char *const files[] = {"tests/golden/fm-target.yaml", "tests/golden/fm-client.yaml"};
	for (size_t i = 0; i < 2; i++) {
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s", PCISIM_SOURCE_DIR, files[i]);
		struct pcisim_scenario sc;
		struct pcisim_sim sim;
		if (pcisim_scenario_load(&sc, path, &diag))
			fail_msg("%s", diag.first);
		pcisim_sim_init(&sim, 1, &diag);
		if (pcisim_scenario_instantiate(&sim, &sc, NULL, NULL, &diag))
			fail_msg("%s", diag.first);
		struct pcisim_fabric *fab = pcisim_fabric_get(&sim);
		assert_true(fab->machine.cxl);
		assert_non_null(pcisim_fabric_find_fn(fab, "cxl-dcd0"));
		assert_non_null(pcisim_membackend_find(fab, "cxl-mem2"));
		pcisim_sim_free(&sim);
		pcisim_scenario_free(&sc);
	}
}

int main(void)
{
	pcisim_register_all();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_split_words_and_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_quotes_and_escapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_lines_comments_env, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_columns_count_characters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_command_ends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_flattened_continuations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_script_first_qemu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_truncations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_mutations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rfc_target, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rfc_client, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rfc_flattened, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pds_thread_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_machine_object_global, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memdev_references, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_golden_target, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_golden_client, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_golden_passthrough, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_yaml_quoting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_yaml_any_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_cli, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_checks_as_simulate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_comments_escaped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_values_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cxl_fmw_yaml, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_pds_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_nodefaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_golden_yaml_loads, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
