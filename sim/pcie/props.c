/*
 * QEMU device properties: parsing and checking.
 */
#include "sim/pcie/props.h"
#include "sim/core/heap.h"

#include <stdlib.h>
#include <string.h>

static void props_push(struct pcisim_arena *a, struct pcisim_props *p, size_t *cap,
		       struct pcisim_prop prop)
{
	if (p->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		struct pcisim_prop *nv = pcisim_arena_alloc(a, nc * sizeof(*nv));
		if (p->n)
			memcpy(nv, p->v, p->n * sizeof(*nv));
		p->v = nv;
		*cap = nc;
	}
	p->v[p->n++] = prop;
}

int pcisim_props_from_yaml(struct pcisim_arena *a, const struct pcisim_ynode *m,
			   struct pcisim_props *out, struct pcisim_diag *d)
{
	size_t cap = 0;
	memset(out, 0, sizeof(*out));
	out->loc = m->loc;
	int rc = pcisim_yexpect(m, PCISIM_Y_MAP, "a topology entry", d);
	if (rc)
		return rc;
	for (size_t i = 0; i < m->n; i++) {
		const struct pcisim_ynode *k = m->keys[i], *v = m->vals[i];
		if (v->kind != PCISIM_Y_SCALAR)
			return pcisim_diag_error(d, v->loc,
						 "property '%s' must be a single value (word or number), not %s",
						 k->str, pcisim_ykind_name(v->kind));
		for (size_t j = 0; j < i; j++)
			if (!strcmp(m->keys[j]->str, k->str))
				return pcisim_diag_error(d, k->loc, "property '%s' given twice", k->str);
		if (!strcmp(k->str, "driver")) {
			out->driver = v->str;
			continue;
		}
		props_push(a, out, &cap,
			   (struct pcisim_prop){k->str, v->str, v->loc, k->loc});
	}
	if (!out->driver)
		return pcisim_diag_error(d, m->loc,
					 "a topology entry needs 'driver' (a QEMU -device driver name, e.g. pcie-root-port)");
	return 0;
}

int pcisim_props_from_string(struct pcisim_arena *a, const char *arg, struct pcisim_loc loc,
			     struct pcisim_props *out, struct pcisim_diag *d)
{
	size_t cap = 0;
	memset(out, 0, sizeof(*out));
	out->loc = loc;
	const char *p = arg;
	bool first = true;
	while (*p) {
		const char *start = p;
		/* QEMU's option syntax: ",," is a literal comma inside a value. */
		char buf[1024];
		size_t n = 0;
		while (*p && !(*p == ',' && p[1] != ',')) {
			if (*p == ',' && p[1] == ',')
				p++;
			if (n < sizeof(buf) - 1)
				buf[n++] = *p;
			p++;
		}
		buf[n] = 0;
		struct pcisim_loc kl = pcisim_loc_advance(loc, arg, (size_t)(start - arg));
		if (*p == ',')
			p++;
		if (!n) /* a trailing or doubled comma, as in "multifunction=on," */
			continue;
		char *eq = strchr(buf, '=');
		if (first && !eq) {
			out->driver = pcisim_arena_strdup(a, buf);
			first = false;
			continue;
		}
		first = false;
		if (!eq)
			return pcisim_diag_error(d, kl, "expected key=value in -device, got '%s'", buf);
		*eq = 0;
		struct pcisim_loc vl = pcisim_loc_advance(kl, buf, (size_t)(eq - buf));
		vl.col++; /* the '=' */
		if (!strcmp(buf, "driver")) {
			out->driver = pcisim_arena_strdup(a, eq + 1);
			continue;
		}
		for (size_t j = 0; j < out->n; j++)
			if (!strcmp(out->v[j].name, buf))
				return pcisim_diag_error(d, kl, "property '%s' given twice", buf);
		props_push(a, out, &cap,
			   (struct pcisim_prop){pcisim_arena_strdup(a, buf),
						pcisim_arena_strdup(a, eq + 1), vl, kl});
	}
	if (!out->driver)
		return pcisim_diag_error(d, loc, "-device needs a driver name (e.g. -device pcie-root-port,id=rp1)");
	return 0;
}

const struct pcisim_prop *pcisim_props_find(const struct pcisim_props *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++) /* the first letter first: models ask as they run */
		if (p->v[i].name[0] == name[0] && !strcmp(p->v[i].name, name))
			return &p->v[i];
	return NULL;
}

const char *pcisim_props_str(const struct pcisim_props *p, const char *name, const char *dflt)
{
	const struct pcisim_prop *v = pcisim_props_find(p, name);
	return v ? v->value : dflt;
}

uint64_t pcisim_props_u64(const struct pcisim_props *p, const char *name, uint64_t dflt)
{
	const struct pcisim_prop *v = pcisim_props_find(p, name);
	uint64_t x;
	if (!v)
		return dflt;
	if (!pcisim_parse_u64(v->value, &x) || !pcisim_prop_parse_size(v->value, &x))
		return x;
	return dflt;
}

bool pcisim_props_bool(const struct pcisim_props *p, const char *name, bool dflt)
{
	const struct pcisim_prop *v = pcisim_props_find(p, name);
	bool b;
	if (!v || pcisim_parse_bool(v->value, &b))
		return dflt;
	return b;
}

int pcisim_prop_parse_addr(const char *s, uint8_t *devfn)
{
	char slot[32];
	const char *dot = strchr(s, '.');
	size_t n = dot ? (size_t)(dot - s) : strlen(s);
	if (!n || n >= sizeof(slot))
		return -1;
	memcpy(slot, s, n);
	slot[n] = 0;
	uint64_t sl, fn = 0;
	/* QEMU parses addr numbers as hex: "addr=12" is slot 0x12. */
	char hex[40];
	snprintf(hex, sizeof(hex), "%s%s", strncmp(slot, "0x", 2) ? "0x" : "", slot);
	if (pcisim_parse_u64(hex, &sl) || sl > 31)
		return -1;
	if (dot) {
		snprintf(hex, sizeof(hex), "%s%s", strncmp(dot + 1, "0x", 2) ? "0x" : "", dot + 1);
		if (pcisim_parse_u64(hex, &fn) || fn > 7)
			return -1;
	}
	*devfn = (uint8_t)(sl << 3 | fn);
	return 0;
}

bool pcisim_props_addr(const struct pcisim_props *p, const char *name, uint8_t *devfn)
{
	const struct pcisim_prop *v = pcisim_props_find(p, name);
	return v && !pcisim_prop_parse_addr(v->value, devfn);
}

int pcisim_prop_parse_size(const char *s, uint64_t *out)
{
	size_t n = strlen(s);
	if (!n)
		return -1;
	uint64_t mult = 1;
	char num[64];
	char last = s[n - 1];
	const char *units = "KMGTkmgt";
	if (strchr(units, last) || last == 'B' || last == 'b') {
		size_t k = n - 1;
		if ((last == 'B' || last == 'b') && k > 0 && strchr(units, s[k - 1]))
			last = s[--k];
		if (strchr(units, last)) {
			switch (last | 0x20) {
			case 'k': mult = 1ull << 10; break;
			case 'm': mult = 1ull << 20; break;
			case 'g': mult = 1ull << 30; break;
			case 't': mult = 1ull << 40; break;
			}
		}
		n = k;
	}
	if (n >= sizeof(num) || !n)
		return -1;
	memcpy(num, s, n);
	num[n] = 0;
	uint64_t v;
	if (pcisim_parse_u64(num, &v) || v > UINT64_MAX / mult)
		return -1;
	*out = v * mult;
	return 0;
}

static const struct pcisim_prop_def *def_find(const struct pcisim_prop_def *t, const char *name)
{
	for (; t && t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

static int check_value(const struct pcisim_prop_def *def, const struct pcisim_prop *v,
		       const char *driver, struct pcisim_diag *d)
{
	uint64_t x;
	bool b;
	uint8_t devfn;
	char buf[512];
	switch (def->type) {
	case PCISIM_PROP_STR:
		return 0;
	case PCISIM_PROP_INT:
		if (pcisim_parse_u64(v->value, &x))
			return pcisim_diag_error(d, v->loc,
						 "%s property '%s': '%s' is not an integer (e.g. 18 or 0x12)",
						 driver, v->name, v->value);
		if (x < def->lo || (def->hi && x > def->hi))
			return pcisim_diag_error(d, v->loc,
						 "%s property '%s': %s is out of range %llu..%llu", driver,
						 v->name, v->value, (unsigned long long)def->lo,
						 (unsigned long long)def->hi);
		return 0;
	case PCISIM_PROP_BOOL:
		if (pcisim_parse_bool(v->value, &b))
			return pcisim_diag_error(d, v->loc,
						 "%s property '%s': '%s' is not a boolean; valid choices: on, off, true, false",
						 driver, v->name, v->value);
		return 0;
	case PCISIM_PROP_ADDR:
		if (pcisim_prop_parse_addr(v->value, &devfn))
			return pcisim_diag_error(d, v->loc,
						 "%s property '%s': '%s' is not a PCI address; expected slot[.function] with slot 0..0x1f and function 0..7 (e.g. 0x12 or 0x12.0x1)",
						 driver, v->name, v->value);
		return 0;
	case PCISIM_PROP_SIZE:
		if (pcisim_prop_parse_size(v->value, &x))
			return pcisim_diag_error(d, v->loc,
						 "%s property '%s': '%s' is not a size (e.g. 4G, 256M, 1k)",
						 driver, v->name, v->value);
		return 0;
	case PCISIM_PROP_CHOICE:
		for (size_t i = 0; def->choices[i]; i++)
			if (!strcmp(def->choices[i], v->value))
				return 0;
		return pcisim_diag_error(d, v->loc,
					 "%s property '%s': unknown value '%s'; valid choices: %s",
					 driver, v->name, v->value,
					 pcisim_choices(buf, sizeof(buf), def->choices));
	}
	return 0;
}

int pcisim_props_check(const struct pcisim_props *p, const struct pcisim_prop_def *common,
		       const struct pcisim_prop_def *specific, struct pcisim_diag *d)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct pcisim_prop *v = &p->v[i];
		const struct pcisim_prop_def *def = def_find(specific, v->name);
		if (!def)
			def = def_find(common, v->name);
		if (!def) {
			size_t n = 0;
			for (const struct pcisim_prop_def *t = specific; t && t->name; t++)
				n++;
			for (const struct pcisim_prop_def *t = common; t && t->name; t++)
				n++;
			const char **names = pcisim_calloc(n + 1, sizeof(*names));
			n = 0;
			for (const struct pcisim_prop_def *t = specific; t && t->name; t++)
				names[n++] = t->name;
			for (const struct pcisim_prop_def *t = common; t && t->name; t++)
				names[n++] = t->name;
			char buf[1024];
			pcisim_choices(buf, sizeof(buf), names);
			pcisim_free(names);
			return pcisim_diag_error(d, v->key_loc,
						 "unknown property '%s' for device '%s'; valid properties: %s",
						 v->name, p->driver, buf);
		}
		int rc = check_value(def, v, p->driver, d);
		if (rc)
			return rc;
	}
	return 0;
}

int pcisim_props_check_gates(const struct pcisim_props *p, const struct pcisim_prop_gate *gates,
			     unsigned machine_compat, struct pcisim_diag *d)
{
	for (const struct pcisim_prop_gate *g = gates; g && g->name; g++) {
		const struct pcisim_prop *v = pcisim_props_find(p, g->name);
		if (v && !(machine_compat & g->needs))
			return pcisim_diag_error(d, v->key_loc,
						 "'%s' is not a property of '%s' in the emulated QEMU (QEMU %s added it); QEMU reports: Property '.%s' not found",
						 v->name, p->driver, g->since, v->name);
	}
	return 0;
}
