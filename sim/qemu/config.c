/*
 * What a QEMU command line means for pcisim (struct pcisim_qemu_config): -device
 * properties, -machine with its type, cxl= and the cxl-fmw.N windows, -object memory
 * backends, -global, -vga and -nodefaults, and the options accepted but not modelled;
 * and the check that a device's memdev properties name a backend.
 */
#include "sim/qemu/qemu_args.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sim/qemu/compat.h"
#include "sim/qemu/machine_type.h"
#include "sim/qemu/qemu_args_int.h"
#include "sim/core/heap.h"

/* One key=value of a -machine, -object or -global argument (QEMU keyval syntax). */
struct kv {
	const char *key, *value;
	struct pcisim_loc key_loc, value_loc;
};

/*
 * Split "first,k=v,k=v" (",," is a literal comma); a first element without '=' is the
 * value of @implied. Columns advance from @loc along the argument.
 */
static int kv_split(struct pcisim_arena *a, const char *arg, struct pcisim_loc loc,
		    const char *implied, const char *opt, struct kv **out, size_t *nout,
		    struct pcisim_diag *d)
{
	size_t n = 1;
	for (const char *p = arg; *p; p++)
		n += *p == ',';
	struct kv *v = pcisim_arena_alloc(a, n * sizeof(*v));
	size_t k = 0;
	const char *p = arg;
	bool first = true;
	char *buf = pcisim_malloc(strlen(arg) + 1);
	if (!buf)
		abort();
	while (*p) {
		const char *st = p;
		size_t bl = 0;
		while (*p && !(*p == ',' && p[1] != ',')) {
			if (*p == ',' && p[1] == ',')
				p++;
			buf[bl++] = *p++;
		}
		buf[bl] = 0;
		if (*p == ',')
			p++;
		struct pcisim_loc kl = pcisim_loc_advance(loc, arg, (size_t)(st - arg));
		if (!bl) {
			first = false;
			continue;
		}
		char *eq = strchr(buf, '=');
		if (!eq && first && implied) {
			v[k++] = (struct kv){implied, pcisim_arena_strdup(a, buf), kl, kl};
			first = false;
			continue;
		}
		first = false;
		if (!eq) {
			int rc = pcisim_diag_error(d, kl, "expected key=value in %s, got '%s'", opt, buf);
			pcisim_free(buf);
			return rc;
		}
		struct pcisim_loc vl = pcisim_loc_advance(kl, buf, (size_t)(eq - buf) + 1);
		v[k++] = (struct kv){pcisim_arena_strndup(a, buf, (size_t)(eq - buf)),
				     pcisim_arena_strdup(a, eq + 1), kl, vl};
	}
	pcisim_free(buf);
	*out = v;
	*nout = k;
	return 0;
}

static void ignored_add(struct pcisim_arena *a, struct pcisim_qemu_config *c, size_t *cap,
			const char *what, struct pcisim_loc loc)
{
	for (size_t i = 0; i < c->nignored; i++)
		if (!strcmp(c->ignored[i], what))
			return;
	if (c->nignored == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		const char **nv = pcisim_arena_alloc(a, nc * sizeof(*nv));
		if (c->nignored)
			memcpy(nv, c->ignored, c->nignored * sizeof(*nv));
		c->ignored = nv;
		*cap = nc;
	}
	if (!c->nignored)
		c->ignored_loc = loc;
	c->ignored[c->nignored++] = pcisim_arena_strdup(a, what);
}

/* The machine types pcisim builds (machine_types.c): q35, pc-q35-X.Y, pseries, pseries-X.Y. */
int pcisim__qemu_machine_type_check(const char *type, unsigned *version, struct pcisim_loc loc,
				    struct pcisim_diag *d)
{
	enum pcisim_machine_type_rc rc;
	const struct pcisim_machine_type *mt = pcisim_machine_type_find(type, version, &rc);
	char choices[256];
	switch (rc) {
	case PCISIM_MACHINE_TYPE_OK:
		return 0;
	case PCISIM_MACHINE_TYPE_TOO_OLD:
		return pcisim_diag_error(d, loc, "machine type '%s' is older than any %s type QEMU has (%s-%u.%u)",
					 type, mt->aliases[0], mt->family, mt->oldest >> 8, mt->oldest & 0xff);
	default:
		break;
	}
	return pcisim_diag_error(d, loc, "machine type '%s' is not modelled; valid choices: %s", type,
				 pcisim_machine_type_choices(choices, sizeof(choices)));
}

static int fmw_index(const char *s, const char **rest, unsigned *out)
{
	unsigned v = 0;
	if (!isdigit((unsigned char)*s))
		return -1;
	while (isdigit((unsigned char)*s)) {
		v = v * 10 + (unsigned)(*s++ - '0');
		if (v > 255)
			return -1;
	}
	*out = v;
	*rest = s;
	return 0;
}

/* Windows and their targets while -machine options are read. */
struct fmw_build {
	struct fmw_slot {
		bool used;
		const char *size, *gran;
		struct pcisim_loc loc, size_loc, gran_loc;
		const char *targets[16];
		struct pcisim_loc tlocs[16];
		bool tused[16];
	} w[16];
};

static int machine_kv(struct pcisim_arena *a, struct pcisim_qemu_config *c, size_t *igcap,
		      struct fmw_build *fb, const struct kv *kv, struct pcisim_diag *d)
{
	bool b;
	unsigned ver;
	int rc;
	if (!strcmp(kv->key, "type")) {
		if ((rc = pcisim__qemu_machine_type_check(kv->value, &ver, kv->value_loc, d)))
			return rc;
		c->machine_type = kv->value;
		c->machine_type_loc = kv->value_loc;
		return 0;
	}
	if (!strcmp(kv->key, "cxl")) {
		if (pcisim_parse_bool(kv->value, &b))
			return pcisim_diag_error(d, kv->value_loc,
						 "-machine cxl: '%s' is not a boolean; valid choices: on, off",
						 kv->value);
		c->cxl = b;
		c->cxl_loc = kv->value_loc;
		return 0;
	}
	if (!strncmp(kv->key, "cxl-fmw.", 8)) {
		const char *rest;
		unsigned wi, ti;
		if (fmw_index(kv->key + 8, &rest, &wi) || *rest != '.')
			return pcisim_diag_error(d, kv->key_loc,
						 "-machine %s: expected cxl-fmw.N.targets.M, cxl-fmw.N.size or cxl-fmw.N.interleave-granularity with N a window index",
						 kv->key);
		if (wi >= 16)
			return pcisim_diag_error(d, kv->key_loc,
						 "-machine %s: pcisim models at most 16 fixed memory windows (cxl-fmw.0 to cxl-fmw.15)",
						 kv->key);
		struct fmw_slot *w = &fb->w[wi];
		if (!w->used)
			w->used = true, w->loc = kv->key_loc;
		rest++;
		struct pcisim_loc prev = {0};
		if (!strncmp(rest, "targets.", 8)) {
			const char *r2;
			if (fmw_index(rest + 8, &r2, &ti) || *r2)
				return pcisim_diag_error(d, kv->key_loc,
							 "-machine %s: expected cxl-fmw.%u.targets.M with M a target index",
							 kv->key, wi);
			if (ti >= 16)
				return pcisim_diag_error(d, kv->key_loc,
							 "-machine %s: a window interleaves at most 16 host bridges (targets.0 to targets.15)",
							 kv->key);
			if (w->tused[ti])
				prev = w->tlocs[ti];
			w->tused[ti] = true;
			w->targets[ti] = kv->value;
			w->tlocs[ti] = kv->value_loc;
		} else if (!strcmp(rest, "size")) {
			if (w->size)
				prev = w->size_loc;
			w->size = kv->value;
			w->size_loc = kv->value_loc;
		} else if (!strcmp(rest, "interleave-granularity")) {
			if (w->gran)
				prev = w->gran_loc;
			w->gran = kv->value;
			w->gran_loc = kv->value_loc;
		} else {
			return pcisim_diag_error(d, kv->key_loc,
						 "-machine %s: unknown cxl-fmw property '%s'; valid properties: targets.M, size, interleave-granularity",
						 kv->key, rest);
		}
		if (prev.line)
			return pcisim_diag_error(d, kv->key_loc,
						 "-machine %s is set twice (first at line %u, column %u)",
						 kv->key, prev.line, prev.col);
		return 0;
	}
	/* accel=, kernel-irqchip=, usb=, smm=, hmat=, ...: QEMU's; nothing here. */
	char what[96];
	snprintf(what, sizeof(what), "-machine %s", kv->key);
	ignored_add(a, c, igcap, what, kv->key_loc);
	return 0;
}

bool pcisim__qemu_interleave_ways_valid(unsigned n)
{
	/* CXL r3.1 §8.2.4.20.7: 1, 2, 4, 8, 16 and 3, 6, 12 ways. */
	return n == 1 || n == 2 || n == 4 || n == 8 || n == 16 || n == 3 || n == 6 || n == 12;
}

static int fmw_finish(struct pcisim_arena *a, struct pcisim_qemu_config *c, struct fmw_build *fb,
		      struct pcisim_diag *d)
{
	size_t n = 0;
	while (n < 16 && fb->w[n].used)
		n++;
	for (size_t i = n; i < 16; i++)
		if (fb->w[i].used)
			return pcisim_diag_error(d, fb->w[i].loc,
						 "-machine cxl-fmw.%zu given but cxl-fmw.%zu is missing: windows are numbered from 0 without gaps",
						 i, n);
	if (!n)
		return 0;
	c->fmw = pcisim_arena_alloc(a, n * sizeof(*c->fmw));
	c->nfmw = n;
	for (size_t i = 0; i < n; i++) {
		struct fmw_slot *w = &fb->w[i];
		struct pcisim_qemu_fmw *f = &c->fmw[i];
		unsigned nt = 0;
		while (nt < 16 && w->tused[nt])
			nt++;
		for (unsigned j = nt; j < 16; j++)
			if (w->tused[j])
				return pcisim_diag_error(d, w->tlocs[j],
							 "-machine cxl-fmw.%zu.targets.%u given but cxl-fmw.%zu.targets.%u is missing: targets are numbered from 0 without gaps",
							 i, j, i, nt);
		if (!nt)
			return pcisim_diag_error(d, w->loc,
						 "-machine cxl-fmw.%zu has no targets; expected cxl-fmw.%zu.targets.0=ID of a pxb-cxl host bridge",
						 i, i);
		if (!pcisim__qemu_interleave_ways_valid(nt))
			return pcisim_diag_error(d, w->tlocs[nt - 1],
						 "-machine cxl-fmw.%zu has %u targets; a window interleaves 1, 2, 3, 4, 6, 8, 12 or 16 host bridges",
						 i, nt);
		if (!w->size)
			return pcisim_diag_error(d, w->loc,
						 "-machine cxl-fmw.%zu needs a size (e.g. cxl-fmw.%zu.size=4G)",
						 i, i);
		uint64_t size;
		if (pcisim_prop_parse_size(w->size, &size))
			return pcisim_diag_error(d, w->size_loc,
						 "-machine cxl-fmw.%zu.size: '%s' is not a size (e.g. 4G, 512M)",
						 i, w->size);
		if (!size || size % (256ull << 20))
			return pcisim_diag_error(d, w->size_loc,
						 "-machine cxl-fmw.%zu.size: %s is not a multiple of 256M (the size of a CXL fixed memory window must be)",
						 i, w->size);
		uint64_t gran = 256;
		if (w->gran) {
			if (pcisim_prop_parse_size(w->gran, &gran) || gran < 256 || gran > 16384 ||
			    (gran & (gran - 1)))
				return pcisim_diag_error(d, w->gran_loc,
							 "-machine cxl-fmw.%zu.interleave-granularity: '%s' is not a valid granularity; valid choices: 256, 512, 1k, 2k, 4k, 8k, 16k",
							 i, w->gran);
		}
		const char **targets = pcisim_arena_alloc(a, nt * sizeof(*targets));
		f->target_locs = pcisim_arena_alloc(a, nt * sizeof(*f->target_locs));
		for (unsigned j = 0; j < nt; j++) {
			targets[j] = w->targets[j];
			f->target_locs[j] = w->tlocs[j];
		}
		f->fmw.targets = targets;
		f->fmw.ntargets = nt;
		f->fmw.size = size;
		f->fmw.granularity = gran;
		f->fmw.loc = w->loc;
		f->size_str = w->size;
		f->granularity_str = w->gran;
	}
	return 0;
}

static const char *const backend_types[] = {
	"memory-backend-ram", "memory-backend-file", "memory-backend-memfd",
	"memory-backend-shm", "memory-backend-epc",  NULL,
};

/* Properties of QEMU's memory backends (hostmem.c and its subclasses). */
static const char *const backend_props[] = {
	"id", "size", "mem-path", "share", "prealloc", "prealloc-threads", "prealloc-context",
	"policy", "host-nodes", "merge", "dump", "reserve", "discard-data", "align", "offset",
	"pmem", "readonly", "rom", "seal", "hugetlb", "hugetlbsize",
	"x-use-canonical-path-for-ramblock-id", "guest-memfd", NULL,
};

static int object_opt(struct pcisim_arena *a, struct pcisim_qemu_config *c, size_t *igcap,
		      size_t *becap, const struct pcisim_qemu_opt *o, struct pcisim_diag *d)
{
	struct kv *kv;
	size_t n;
	int rc = kv_split(a, o->value, o->value_loc, "qom-type", "-object", &kv, &n, d);
	if (rc)
		return rc;
	const struct kv *type = NULL;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(kv[i].key, "qom-type"))
			type = &kv[i];
	if (!type || !type->value[0])
		return pcisim_diag_error(d, o->value_loc,
					 "-object needs a type (e.g. -object memory-backend-ram,id=mem0,size=1G)");
	bool backend = false;
	for (size_t i = 0; backend_types[i]; i++)
		if (!strcmp(backend_types[i], type->value))
			backend = true;
	if (!backend) {
		char what[96];
		snprintf(what, sizeof(what), "-object %s", type->value);
		ignored_add(a, c, igcap, what, o->loc);
		return 0;
	}
	struct pcisim_qemu_backend be = {0};
	be.type = type->value;
	be.arg = o->value;
	be.loc = o->value_loc;
	const char *size = NULL;
	struct pcisim_loc size_loc = {0};
	for (size_t i = 0; i < n; i++) {
		if (&kv[i] == type)
			continue;
		bool ok = false;
		for (size_t j = 0; backend_props[j]; j++)
			if (!strcmp(backend_props[j], kv[i].key))
				ok = true;
		if (!ok) {
			char buf[512];
			return pcisim_diag_error(d, kv[i].key_loc,
						 "unknown property '%s' for -object %s; valid properties: %s",
						 kv[i].key, type->value,
						 pcisim_choices(buf, sizeof(buf), backend_props));
		}
		if (!strcmp(kv[i].key, "id"))
			be.id = kv[i].value, be.id_loc = kv[i].value_loc;
		else if (!strcmp(kv[i].key, "size"))
			size = kv[i].value, size_loc = kv[i].value_loc;
		else if (!strcmp(kv[i].key, "mem-path"))
			be.mem_path = kv[i].value;
	}
	if (!be.id || !be.id[0])
		return pcisim_diag_error(d, o->value_loc,
					 "-object %s needs an id (devices refer to it: memdev=ID)",
					 type->value);
	if (!size)
		return pcisim_diag_error(d, o->value_loc,
					 "-object %s,id=%s needs a size (e.g. size=4G)", type->value,
					 be.id);
	if (pcisim_prop_parse_size(size, &be.size) || !be.size)
		return pcisim_diag_error(d, size_loc,
					 "-object %s size: '%s' is not a size (e.g. 4G, 256M, 1k)",
					 type->value, size);
	if (!strcmp(type->value, "memory-backend-file") && !be.mem_path)
		return pcisim_diag_error(d, o->value_loc,
					 "-object memory-backend-file,id=%s needs mem-path=FILE", be.id);
	for (size_t i = 0; i < c->nbackends; i++)
		if (!strcmp(c->backends[i].id, be.id))
			return pcisim_diag_error(d, be.id_loc,
						 "duplicate object id '%s' (first at line %u, column %u)",
						 be.id, c->backends[i].id_loc.line,
						 c->backends[i].id_loc.col);
	if (c->nbackends == *becap) {
		size_t nc = *becap ? *becap * 2 : 8;
		struct pcisim_qemu_backend *nv = pcisim_arena_alloc(a, nc * sizeof(*nv));
		if (c->nbackends)
			memcpy(nv, c->backends, c->nbackends * sizeof(*nv));
		c->backends = nv;
		*becap = nc;
	}
	c->backends[c->nbackends++] = be;
	return 0;
}

static int global_opt(struct pcisim_arena *a, struct pcisim_qemu_config *c, size_t *igcap,
		      const struct pcisim_qemu_opt *o, struct pcisim_diag *d)
{
	/* DRIVER.PROP=VALUE, or driver=DRIVER,property=PROP,value=VALUE */
	const char *drv = NULL, *prop = NULL, *val = NULL;
	struct pcisim_loc vloc = o->value_loc;
	char *tmp = NULL;
	if (strstr(o->value, "driver=") == o->value) {
		struct kv *kv;
		size_t n;
		int rc = kv_split(a, o->value, o->value_loc, NULL, "-global", &kv, &n, d);
		if (rc)
			return rc;
		for (size_t i = 0; i < n; i++) {
			if (!strcmp(kv[i].key, "driver"))
				drv = kv[i].value;
			else if (!strcmp(kv[i].key, "property"))
				prop = kv[i].value;
			else if (!strcmp(kv[i].key, "value"))
				val = kv[i].value, vloc = kv[i].value_loc;
			else
				return pcisim_diag_error(d, kv[i].key_loc,
							 "unknown key '%s' in -global; valid keys: driver, property, value",
							 kv[i].key);
		}
	} else {
		const char *eq = strchr(o->value, '=');
		const char *dot = strchr(o->value, '.');
		if (eq && dot && dot < eq) {
			tmp = pcisim_arena_strdup(a, o->value);
			tmp[dot - o->value] = 0;
			tmp[eq - o->value] = 0;
			drv = tmp;
			prop = tmp + (dot - o->value) + 1;
			val = tmp + (eq - o->value) + 1;
			vloc = pcisim_loc_advance(vloc, o->value, (size_t)(eq - o->value) + 1);
		}
	}
	if (!drv || !prop || !val)
		return pcisim_diag_error(d, o->value_loc,
					 "-global: expected DRIVER.PROPERTY=VALUE (e.g. ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off), got '%s'",
					 o->value);
	if (!strcmp(drv, "ICH9-LPC") && !strcmp(prop, "acpi-pci-hotplug-with-bridge-support")) {
		bool b;
		if (pcisim_parse_bool(val, &b))
			return pcisim_diag_error(d, vloc,
						 "-global %s.%s: '%s' is not a boolean; valid choices: on, off",
						 drv, prop, val);
		c->acpi_pcihp_bridges = b;
		c->acpi_loc = vloc;
		return 0;
	}
	char what[160];
	snprintf(what, sizeof(what), "-global %s.%s", drv, prop);
	ignored_add(a, c, igcap, what, o->loc);
	return 0;
}

int pcisim_qemu_config_read(struct pcisim_arena *a, const struct pcisim_qemu_cmdline *cmd,
			    struct pcisim_qemu_config *out, struct pcisim_diag *d)
{
	struct pcisim_qemu_config *c = out;
	memset(c, 0, sizeof(*c));
	c->cxl = -1;
	c->acpi_pcihp_bridges = -1;
	c->vga = -1;
	bool nodefaults = false;
	struct pcisim_loc nodefaults_loc = {0};
	c->program = cmd->program;
	c->program_loc = cmd->program_loc;
	size_t igcap = 0, becap = 0, devcap = 0;
	struct fmw_build *fb = pcisim_calloc(1, sizeof(*fb));
	if (!fb)
		abort();
	int rc = 0;
	for (size_t i = 0; i < cmd->n && !rc; i++) {
		const struct pcisim_qemu_opt *o = &cmd->opts[i];
		if (!o->name) {
			char what[160];
			snprintf(what, sizeof(what), "disk image '%.120s'", o->value);
			ignored_add(a, c, &igcap, what, o->loc);
		} else if (!strcmp(o->name, "device")) {
			struct pcisim_props p;
			if ((rc = pcisim_props_from_string(a, o->value, o->value_loc, &p, d)))
				break;
			if (c->ndevices == devcap) {
				size_t nc = devcap ? devcap * 2 : 16;
				struct pcisim_props *nv = pcisim_arena_alloc(a, nc * sizeof(*nv));
				if (c->ndevices)
					memcpy(nv, c->devices, c->ndevices * sizeof(*nv));
				c->devices = nv;
				devcap = nc;
			}
			c->devices[c->ndevices++] = p;
		} else if (!strcmp(o->name, "machine") || !strcmp(o->name, "M")) {
			struct kv *kv;
			size_t n;
			if (!c->has_machine)
				c->machine_loc = o->loc;
			c->has_machine = true;
			if ((rc = kv_split(a, o->value, o->value_loc, "type", "-machine", &kv, &n, d)))
				break;
			for (size_t k = 0; k < n && !rc; k++)
				rc = machine_kv(a, c, &igcap, fb, &kv[k], d);
		} else if (!strcmp(o->name, "object")) {
			rc = object_opt(a, c, &igcap, &becap, o, d);
		} else if (!strcmp(o->name, "global")) {
			rc = global_opt(a, c, &igcap, o, d);
		} else if (!strcmp(o->name, "vga")) {
			/* Any display adapter but none sits at 00:01.0; pcisim's is the std VGA. */
			c->vga = strcmp(o->value, "none") != 0;
			c->vga_loc = o->value_loc;
			if (c->vga && strcmp(o->value, "std")) {
				char what[96];
				snprintf(what, sizeof(what), "-vga %s", o->value);
				ignored_add(a, c, &igcap, what, o->loc);
			}
		} else if (!strcmp(o->name, "nodefaults")) {
			/* No default devices; on the PCI bus that is the VGA function. */
			nodefaults = true;
			nodefaults_loc = o->loc;
		} else {
			char what[96];
			snprintf(what, sizeof(what), "-%s", o->name);
			ignored_add(a, c, &igcap, what, o->loc);
		}
	}
	if (nodefaults && c->vga < 0)
		c->vga = 0, c->vga_loc = nodefaults_loc;
	if (!rc)
		rc = fmw_finish(a, c, fb, d);
	pcisim_free(fb);
	return rc;
}

char *pcisim_qemu_ignored_str(const struct pcisim_qemu_config *cfg, char *buf, size_t n)
{
	size_t u = 0;
	buf[0] = 0;
	for (size_t i = 0; i < cfg->nignored && u + 8 < n; i++) {
		int w = snprintf(buf + u, n - u, "%s%s", i ? ", " : "", cfg->ignored[i]);
		if (w < 0 || (size_t)w >= n - u) {
			snprintf(buf + u, n - u, ", ...");
			break;
		}
		u += (size_t)w;
	}
	return buf;
}

/* Device properties that name a memory backend. */
static const char *const memdev_props[] = {
	"memdev", "volatile-memdev", "persistent-memdev", "volatile-dc-memdev", "lsa", NULL,
};

int pcisim_qemu_check_memdevs(const struct pcisim_props *p,
			      const struct pcisim_qemu_backend *const *bes, size_t nbes,
			      struct pcisim_diag *d)
{
	for (size_t i = 0; i < p->n; i++) {
		bool ref = false;
		for (size_t j = 0; memdev_props[j]; j++)
			if (!strcmp(memdev_props[j], p->v[i].name))
				ref = true;
		if (!ref)
			continue;
		bool found = false;
		for (size_t j = 0; j < nbes && !found; j++)
			found = !strcmp(bes[j]->id, p->v[i].value);
		if (found)
			continue;
		char buf[512] = "";
		size_t u = 0;
		for (size_t j = 0; j < nbes && u + 4 < sizeof(buf); j++)
			u += (size_t)snprintf(buf + u, sizeof(buf) - u, "%s%s", j ? ", " : "",
					      bes[j]->id);
		if (!nbes)
			snprintf(buf, sizeof(buf),
				 "(none: define one with -object memory-backend-ram,id=ID,size=SIZE)");
		return pcisim_diag_error(d, p->v[i].loc,
					 "%s property '%s': no memory backend '%s'; valid ids: %s",
					 p->driver, p->v[i].name, p->v[i].value, buf);
	}
	return 0;
}
