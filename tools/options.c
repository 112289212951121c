/*
 * The one command-line reader of every command (tools/cli.h): options looked up in
 * the command's table (--name VALUE or --name=VALUE), values checked by their type,
 * the shared options (--seed, --until, --set, --json, the run limits) kept in the
 * reader, operands counted. Every error says what was expected and lists the valid
 * choices, and ends the command with exit status 2.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/diag.h"
#include "sim/core/ynode.h"
#include "tools/cli.h"

int pcisim_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "pcisim%s%s: error: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (cmd)
		fprintf(stderr, "Try 'pcisim %s --help'.\n", cmd);
	else
		fprintf(stderr, "Try 'pcisim --help'.\n");
	return PCISIM_EXIT_USAGE;
}

int pcisim_opt_u64(const char *cmd, const char *opt, const char *val, uint64_t *out)
{
	if (!val) {
		pcisim_usage_error(cmd, "option '%s' needs a value (an integer)", opt);
		return -1;
	}
	if (pcisim_parse_u64(val, out) && val[0] && val[strspn(val, "0123456789")] == 0) {
		pcisim_usage_error(cmd, "option '%s': %s is too large; at most %llu", opt, val,
				   (unsigned long long)UINT64_MAX);
		return -1;
	}
	if (pcisim_parse_u64(val, out)) {
		pcisim_usage_error(cmd, "option '%s': '%s' is not an integer; expected e.g. 42 or 0x2a",
				   opt, val);
		return -1;
	}
	return 0;
}

int pcisim_opt_time(const char *cmd, const char *opt, const char *val, pcisim_time *out)
{
	const char *why;
	if (!val) {
		pcisim_usage_error(cmd, "option '%s' needs a value (a duration like 10ms)", opt);
		return -1;
	}
	if (pcisim_time_parse(val, out, &why)) {
		pcisim_usage_error(cmd, "option '%s': bad duration '%s': %s", opt, val, why);
		return -1;
	}
	return 0;
}

void pcisim_cli_init(struct pcisim_cli *p, const struct pcisim_command *cmd, int argc, char **argv)
{
	memset(p, 0, sizeof(*p));
	p->cmd = cmd;
	p->argc = argc;
	p->argv = argv;
	p->i = 1;
	pcisim_limits_init(&p->limits);
	p->operands = calloc((size_t)(argc > 0 ? argc : 1), sizeof(*p->operands));
	if (!p->operands) {
		fprintf(stderr, "pcisim: out of memory\n");
		abort();
	}
}

void pcisim_cli_free(struct pcisim_cli *p)
{
	free(p->operands);
	p->operands = NULL;
}

/* The option named @name (its length @len) in the command's table, or NULL. */
static const struct pcisim_option *find_option(const struct pcisim_command *cmd, const char *name,
					       size_t len)
{
	for (const struct pcisim_option *o = cmd->options; o && o->name; o++) {
		if (strlen(o->name) == len && !strncmp(o->name, name, len))
			return o;
		if (o->alias && strlen(o->alias) == len && !strncmp(o->alias, name, len))
			return o;
	}
	return NULL;
}

static int unknown_option(const struct pcisim_cli *p, const char *a)
{
	char names[1024] = "";
	size_t u = 0;
	for (const struct pcisim_option *o = p->cmd->options; o && o->name && u < sizeof(names); o++) {
		u += (size_t)snprintf(names + u, sizeof(names) - u, "%s%s", u ? ", " : "", o->name);
		/* a short alias is a spelling of its own; a long one is a variant, not listed */
		if (o->alias && o->alias[1] != '-' && u < sizeof(names))
			u += (size_t)snprintf(names + u, sizeof(names) - u, ", %s", o->alias);
	}
	if (!names[0])
		return pcisim_usage_error(p->cmd->name, "unknown option '%s'; this command takes no options", a);
	return pcisim_usage_error(p->cmd->name, "unknown option '%s'; valid options: %s", a, names);
}

static const char *needs_of(const struct pcisim_option *o, char *buf, size_t n)
{
	if (o->needs)
		return o->needs;
	switch (o->arg) {
	case PCISIM_OPTARG_INT:
		return "a value (an integer)";
	case PCISIM_OPTARG_TIME:
		return "a value (a duration like 10ms)";
	case PCISIM_OPTARG_FILE:
		return "a file name";
	case PCISIM_OPTARG_DIR:
		return "a directory";
	case PCISIM_OPTARG_KEYVAL:
		return "KEY=VALUE, e.g. machine.qemu=8.1";
	default:
		snprintf(buf, n, "a value (%s)", o->metavar ? o->metavar : "text");
		return buf;
	}
}

/* A shared option: kept in the reader. 0, or -1 after an error. */
static int take_shared(struct pcisim_cli *p, const struct pcisim_option *o)
{
	const char *cmd = p->cmd->name;
	switch (o->id) {
	case PCISIM_OPT_SEED:
		p->seed = p->u, p->has_seed = true, p->seed_text = p->val;
		return 0;
	case PCISIM_OPT_UNTIL:
		p->until = p->t, p->has_until = true, p->until_text = p->val;
		return 0;
	case PCISIM_OPT_SET:
		if (p->nsets == PCISIM_MAX_SETS)
			return pcisim_usage_error(cmd, "option '--set': at most %d overrides",
						  PCISIM_MAX_SETS),
			       -1;
		p->sets[p->nsets++] = p->val;
		return 0;
	case PCISIM_OPT_JSON:
		p->json = true;
		return 0;
	case PCISIM_OPT_MAX_EVENTS:
	case PCISIM_OPT_MAX_MEMORY:
	case PCISIM_OPT_MAX_OUTPUT:
		return pcisim_limits_option(cmd, o->name, p->val, &p->limits) < 0 ? -1 : 0;
	}
	return 1;
}

/* Check the operands once every argument is read. */
static int check_operands(struct pcisim_cli *p)
{
	const struct pcisim_command *c = p->cmd;
	if (c->operand && !p->noperands)
		return pcisim_usage_error(c->name, "missing %s; usage: pcisim %s %s", c->operand, c->name,
					  c->synopsis),
		       -1;
	if (c->operand_one && p->noperands > 1)
		return pcisim_usage_error(c->name, "one %s at a time (got '%s' and '%s')", c->operand_one,
					  p->operands[0], p->operands[1]),
		       -1;
	return 0;
}

int pcisim_cli_next(struct pcisim_cli *p)
{
	const char *cmd = p->cmd->name;
	while (p->i < p->argc) {
		const char *a = p->argv[p->i++];
		if (a[0] != '-' || !a[1]) {
			if (p->cmd->operand_arg == PCISIM_OPTARG_NONE)
				return pcisim_usage_error(cmd, "unexpected argument '%s'; usage: pcisim %s %s",
							  a, cmd, p->cmd->synopsis ? p->cmd->synopsis : ""),
				       -1;
			p->operands[p->noperands++] = a;
			continue;
		}
		/* --name=VALUE is --name VALUE */
		const char *eq = a[1] == '-' ? strchr(a, '=') : NULL;
		size_t len = eq ? (size_t)(eq - a) : strlen(a);
		const struct pcisim_option *o = find_option(p->cmd, a, len);
		if (!o)
			return unknown_option(p, a), -1;
		p->opt = o;
		snprintf(p->namebuf, sizeof(p->namebuf), "%.*s", (int)len, a);
		p->name = p->namebuf;
		p->val = p->val2 = NULL;
		unsigned nvals = o->arg == PCISIM_OPTARG_NONE ? 0 : o->nvals ? o->nvals : 1;
		if (eq && nvals != 1)
			return pcisim_usage_error(cmd, "option '%s' takes %s; write it without '='", p->name,
						  nvals ? "two values" : "no value"),
			       -1;
		if (nvals) {
			char buf[64];
			p->val = eq ? eq + 1 : p->i < p->argc ? p->argv[p->i] : NULL;
			if (!eq && p->val)
				p->i++;
			if (nvals == 2) {
				p->val2 = p->i < p->argc ? p->argv[p->i++] : NULL;
				if (!p->val2)
					p->val = NULL;
			}
			if (!p->val && o->arg != PCISIM_OPTARG_INT && o->arg != PCISIM_OPTARG_TIME)
				return pcisim_usage_error(cmd, "option '%s' needs %s", p->name,
							  needs_of(o, buf, sizeof(buf))),
				       -1;
		}
		switch (o->arg) {
		case PCISIM_OPTARG_INT:
			if (pcisim_opt_u64(cmd, p->name, p->val, &p->u))
				return -1;
			break;
		case PCISIM_OPTARG_TIME:
			if (pcisim_opt_time(cmd, p->name, p->val, &p->t))
				return -1;
			break;
		case PCISIM_OPTARG_KEYVAL:
			if (!strchr(p->val, '=') || p->val[0] == '=')
				return pcisim_usage_error(cmd,
							  "option '%s' needs KEY=VALUE, e.g. machine.qemu=8.1 (got '%s'); 'pcisim help set' lists the keys",
							  p->name, p->val),
				       -1;
			break;
		default:
			break;
		}
		int r = take_shared(p, o);
		if (r < 0)
			return -1;
		if (r > 0)
			return o->id;
	}
	return check_operands(p) ? -1 : 0;
}

const char **pcisim_cli_sets_with_seed_until(struct pcisim_cli *p)
{
	if (p->has_seed) {
		snprintf(p->setbuf[0], sizeof(p->setbuf[0]), "seed=%s", p->seed_text);
		p->sets[p->nsets++] = p->setbuf[0];
		p->has_seed = false;
	}
	if (p->has_until) {
		snprintf(p->setbuf[1], sizeof(p->setbuf[1]), "until=%s", p->until_text);
		p->sets[p->nsets++] = p->setbuf[1];
		p->has_until = false;
	}
	return p->sets;
}
