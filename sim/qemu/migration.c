/*
 * Live migration as QEMU does it, reduced to what decides success: at switch-over the
 * source saves every device's state (for PCI functions: the whole config space);
 * the destination is a fresh machine built from its own command line (the scenario's
 * machine and topology, or the migrate step's destination: overrides) and loads each
 * section with QEMU's rules. The first config byte that differs under the
 * destination's cmask (and is neither writable nor write-1-to-clear) fails the load
 * with QEMU's messages, and the source keeps running, as it does in QEMU.
 *
 * After a successful migration the run continues on the source's state: the
 * destination took exactly those bytes (QEMU copies the incoming config wholesale),
 * so what follows is the same. Functions without a VMState in QEMU (the CXL ports and
 * devices, pxb) sent nothing: on the destination they are as its own machine realized
 * and reset them, so the run puts them back in that state (as_destination_built()).
 */
#include <stdlib.h>
#include <string.h>

#include "sim/core/scenario.h"
#include "sim/core/snapshot.h"
#include "sim/core/trace.h"
#include "sim/cxl/cxl_state.h"
#include "sim/mctp/endpoint.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/reset.h"
#include "sim/pcie/regs/pci.h"
#include "sim/qemu/machine.h"
#include "sim/qemu/migration.h"
#include "sim/qemu/compat.h"
#include "sim/qemu/machine_type.h"
#include "sim/core/heap.h"

#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

/*
 * QEMU's device path for a PCI function (on a bus): root slot.fn, then ":slot.fn" per
 * bridge level, at any depth. Returns the length it needed (as snprintf).
 */
static size_t dev_path(const struct pcisim_pcifn *fn, char *buf, size_t n)
{
	const struct pcisim_pcifn *up = fn->bus->bridge;
	if (!up || !up->bus)
		return (size_t)snprintf(buf, n, "0000:%02x:%02x.%x", fn->bus->number, fn->devfn >> 3,
					fn->devfn & 7);
	size_t u = dev_path(up, buf, n);
	if (u < n)
		u += (size_t)snprintf(buf + u, n - u, ":%02x.%x", fn->devfn >> 3, fn->devfn & 7);
	return u;
}

/* The savevm section id: the device's path and its VMState's name (which is not always
 * the driver's: "0000:00:05.0/ioh-3240-express-root-port" for an ioh3420). */
static void section_id(const struct pcisim_pcifn *fn, char *buf, size_t n)
{
	char path[160];
	dev_path(fn, path, sizeof(path));
	snprintf(buf, n, "%s/%s", path, fn->drv->vmsd_name ? fn->drv->vmsd_name : fn->drv->name);
}

/*
 * Do @a and @b have the same section id (section_id()) without formatting either: the
 * same root bus number, the same devfn at every level up to it, the same VMState name.
 * A migration matches every section against the destination's functions.
 */
static bool same_section(const struct pcisim_pcifn *a, const struct pcisim_pcifn *b)
{
	const char *na = a->drv->vmsd_name ? a->drv->vmsd_name : a->drv->name;
	const char *nb = b->drv->vmsd_name ? b->drv->vmsd_name : b->drv->name;
	if (na != nb && strcmp(na, nb))
		return false;
	for (;;) {
		if (a->devfn != b->devfn)
			return false;
		const struct pcisim_pcifn *ua = a->bus->bridge, *ub = b->bus->bridge;
		bool ra = !ua || !ua->bus, rb = !ub || !ub->bus;
		if (ra || rb)
			return ra && rb && a->bus->number == b->bus->number;
		a = ua;
		b = ub;
	}
}

static bool migratable(const struct pcisim_pcifn *fn)
{
	return !fn->comp.removed && fn->bus &&
	       fn->drv->vmsd_path && fn->comp.ops && fn->comp.ops->save;
}

struct section {
	const struct pcisim_pcifn *fn; /* the source's function; NULL: id says which */
	const char *id;
	const struct pcisim_driver *drv;
	size_t off, len;
};

/*
 * An option ROM is RAM in QEMU (pci_add_option_rom(): a ROM memory region named
 * "<type>.rom", its RAMBlock id prefixed with the device's path). The RAM section
 * comes first in the stream, and a destination without the block refuses it before
 * any device is loaded. A function has one when its expansion ROM BAR is writable.
 */
static bool has_rom(const struct pcisim_pcifn *fn)
{
	if (!fn->cfg.bytes)
		return false;
	uint16_t off = fn->drv->bridge ? PCI_ROM_ADDRESS1 : PCI_ROM_ADDRESS;
	return (pcisim_cfg_mask_get(&fn->cfg, PCISIM_WMASK, off, 4) & ~(uint32_t)PCI_ROM_ADDRESS_ENABLE) != 0;
}

static void rom_block(const struct pcisim_pcifn *fn, char *buf, size_t n)
{
	char path[160];
	dev_path(fn, path, sizeof(path));
	snprintf(buf, n, "%s/%s.rom", path, fn->drv->name);
}

/* The first ROM block the source sends that the destination lacks, or NULL. */
static const struct pcisim_pcifn *missing_rom(const struct pcisim_fabric *src,
					      const struct pcisim_fabric *dst, char *id, size_t n)
{
	for (uint32_t i = 0; i < src->nfns; i++) {
		const struct pcisim_pcifn *fn = src->fns[i];
		if (fn->comp.removed || !fn->bus || !has_rom(fn))
			continue;
		rom_block(fn, id, n);
		bool found = false;
		for (uint32_t j = 0; j < dst->nfns && !found; j++) {
			const struct pcisim_pcifn *d = dst->fns[j];
			char did[200];
			if (d->comp.removed || !d->bus || !has_rom(d))
				continue;
			rom_block(d, did, sizeof(did));
			found = !strcmp(did, id);
		}
		if (!found)
			return fn;
	}
	return NULL;
}

/* The program the machine type runs on: its messages start with the program's name. */
static const char *qemu_prog(const struct pcisim_machine *m)
{
	enum pcisim_machine_type_rc rc;
	unsigned v;
	const struct pcisim_machine_type *t = pcisim_machine_type_find(m->type, &v, &rc);
	if (!t) { /* a machine that failed to build: the default machine's program */
		struct pcisim_machine def = {0};
		pcisim_qemu_machine_defaults(&def);
		t = pcisim_machine_type_find(def.type, &v, &rc);
	}
	return t->program;
}

static void fail_lines(struct pcisim_sim *sim, const struct pcisim_machine *m, const char *first,
		       const struct section *sec)
{
	const char *prog = qemu_prog(m);
	pcisim_log(sim, NULL, "qemu", "%s: %s", prog, first);
	if (sec && strstr(first, "get_pci_config_device")) {
		pcisim_log(sim, NULL, "qemu", "%s: Failed to load PCIDevice:config", prog);
		pcisim_log(sim, NULL, "qemu", "%s: Failed to load %s:%s", prog,
			   sec->drv->vmsd_name ? sec->drv->vmsd_name : sec->drv->name,
			   sec->drv->vmsd_path);
	}
	if (sec && pcisim_recording(sim)) {
		char id[200];
		if (sec->fn)
			section_id(sec->fn, id, sizeof(id));
		pcisim_log(sim, NULL, "qemu",
			   "%s: error while loading state for instance 0x0 of device '%s'", prog,
			   sec->fn ? id : sec->id);
	}
	pcisim_log(sim, NULL, "qemu", "%s: load of migration failed: Invalid argument", prog);
}

/* ---- outcomes ---- */

/* The migrations of a run: the last and the first that did not complete. */
struct migration_log {
	struct pcisim_migration_outcome last, first_failure;
	unsigned n;
};

static const struct pcisim_ext_key migration_log_key = {"migration-log"};

static void migration_log_free(void *p)
{
	pcisim_free(p);
}

static void outcome_set(struct pcisim_migration_outcome *o, pcisim_time t, const char *result,
			const char *reason)
{
	o->t = t;
	o->completed = !strcmp(result, "completed");
	snprintf(o->reason, sizeof(o->reason), "%s", reason);
}

/* A migration ended: its record, and what expectations and invariants ask later. */
static void migration_ended(struct pcisim_sim *sim, const char *result, const char *reason,
			    uint64_t sections)
{
	PCISIM_RECORD(sim, NULL, "migration", PCISIM_FS("result", result), PCISIM_FS("reason", reason),
		      PCISIM_FU("sections", sections));
	/* the scenario's migrations, whichever machine of machines: moved */
	struct pcisim_sim *eng = pcisim_engine(sim);
	struct migration_log *ml = pcisim_ext_get(eng, &migration_log_key);
	if (!ml) {
		if (!(ml = pcisim_calloc(1, sizeof(*ml))))
			abort();
		pcisim_ext_set(eng, &migration_log_key, ml, migration_log_free);
	}
	outcome_set(&ml->last, sim->now, result, reason);
	if (!ml->last.completed && !ml->first_failure.happened) {
		ml->first_failure = ml->last;
		ml->first_failure.happened = true;
	}
	ml->last.happened = true;
	ml->n++;
}

const struct pcisim_migration_outcome *pcisim_migration_last(struct pcisim_sim *sim)
{
	const struct migration_log *ml = pcisim_ext_get(pcisim_engine(sim), &migration_log_key);
	return ml ? &ml->last : NULL;
}

const struct pcisim_migration_outcome *pcisim_migration_first_failure(struct pcisim_sim *sim)
{
	const struct migration_log *ml = pcisim_ext_get(pcisim_engine(sim), &migration_log_key);
	return ml && ml->first_failure.happened ? &ml->first_failure : NULL;
}

/*
 * A function QEMU has no VMState for sent nothing, so the destination's copy is the one
 * its command line built: config space at reset values (bus numbers, BARs, Command 0)
 * and, for a type 3 device, no poison, events or DC extents. QEMU 7.2 (Debian 7.2.22,
 * checked): after a completed migration a cxl-rp reads secondary bus 0 and Command 0,
 * and the cxl-type3 below it reads all-ones. The run continues there.
 */
static void as_destination_built(struct pcisim_fabric *fab)
{
	for (uint32_t i = 0; i < fab->nfns; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		/* the CXL functions: the ones pcisim models without a VMState that QEMU has
		 * (the chipset's functions) are not the destination's business here */
		if (fn->comp.removed || !fn->bus || fn->drv->vmsd_path || fn->drv->unmigratable ||
		    !pcisim_cxl_cregs_of(fn))
			continue;
		pcisim_reset_fn(fn, PCISIM_RESET_COLD, "migration: no VMState, as the destination built it");
		pcisim_cxl_as_realized(fn);
	}
}

/*
 * The command line a QEMU process was started with: the scenario's machine: and
 * topology:, or, for a machine of machines:, its entry's.
 */
static void command_line(struct pcisim_sim *sim, const struct pcisim_ynode **machine,
			 const struct pcisim_ynode **topology)
{
	const struct pcisim_scenario *sc = pcisim_sim_scenario(sim);
	*machine = sc->machine;
	*topology = sc->topology;
	if (sim->engine)
		pcisim_machines_entry(sim, machine, topology);
}

/*
 * The destination of a migrate step, built from its command line once per engine and
 * put back as built for every migration (a fuzz campaign or explore migrates in every
 * run): its sim, the arena of its qemu_args strings, the snapshot taken right after
 * the build. Built into its own heap, so that the snapshot holds all of it.
 */
struct dest {
	struct pcisim_sim sim;
	struct pcisim_arena arena;
	struct pcisim_snapshot *built;
	/* outcomes of migrations into it, by what decides them (outcome_key()) */
	struct outcome *memo;
	size_t nmemo;
};

/*
 * The outcome of a migration into a destination as built is a function of what the
 * source sends: the stream, its sections (which device, which VMState, where), and
 * the ROM blocks of the source's functions. A campaign migrates the same few source
 * states again and again; an unhashed run (no one sees the log lines a migration
 * writes) takes a known outcome instead of restoring the destination and loading it.
 * At most MEMO_MAX outcomes are kept per destination; later ones are computed each time.
 */
#define MEMO_MAX 64

struct outcome {
	XXH128_hash_t key;
	int rc;
	const char *result; /* a string literal */
	char reason[512];
};

/*
 * The key's bytes are gathered in a buffer and hashed in few updates: a streaming
 * update per devfn and name was 2% of a pds-migration-fuzz run (callgrind).
 */
struct keybuf {
	XXH3_state_t st;
	size_t n;
	uint8_t b[1024];
};

static void key_put(struct keybuf *k, const void *p, size_t len)
{
	if (k->n + len > sizeof(k->b)) {
		XXH3_128bits_update(&k->st, k->b, k->n);
		k->n = 0;
	}
	if (len > sizeof(k->b)) {
		XXH3_128bits_update(&k->st, p, len);
		return;
	}
	memcpy(k->b + k->n, p, len);
	k->n += len;
}

/* What identifies @fn's place in the machine: devfn at each level, the root bus's number. */
static void key_place(struct keybuf *k, const struct pcisim_pcifn *fn)
{
	for (;;) {
		uint16_t d = fn->devfn;
		key_put(k, &d, sizeof(d));
		const struct pcisim_pcifn *up = fn->bus->bridge;
		if (!up || !up->bus) {
			uint16_t nr = (uint16_t)(0x100 | fn->bus->number);
			key_put(k, &nr, sizeof(nr));
			return;
		}
		fn = up;
	}
}

static void key_str(struct keybuf *k, const char *str)
{
	key_put(k, str, strlen(str) + 1);
}

static bool has_rom(const struct pcisim_pcifn *fn);

static XXH128_hash_t outcome_key(const struct pcisim_fabric *src, const struct section *secs, size_t nsecs,
				 const struct pcisim_blob *stream)
{
	struct keybuf k;
	k.n = 0;
	XXH3_128bits_reset(&k.st);
	for (size_t i = 0; i < nsecs; i++) {
		const struct section *sec = &secs[i];
		key_place(&k, sec->fn);
		key_str(&k, sec->drv->name);
		key_str(&k, sec->drv->vmsd_name ? sec->drv->vmsd_name : "");
		uint64_t ol[2] = {sec->off, sec->len};
		key_put(&k, ol, sizeof(ol));
	}
	key_put(&k, "|", 1);
	key_put(&k, stream->data, stream->len);
	key_put(&k, "|", 1);
	for (uint32_t i = 0; i < src->nfns; i++) {
		const struct pcisim_pcifn *fn = src->fns[i];
		if (fn->comp.removed || !fn->bus || !has_rom(fn))
			continue;
		key_place(&k, fn);
		key_str(&k, fn->drv->name);
	}
	XXH3_128bits_update(&k.st, k.b, k.n);
	return XXH3_128bits_digest(&k.st);
}

static const struct outcome *memo_find(const struct dest *x, XXH128_hash_t key)
{
	for (size_t i = 0; i < x->nmemo; i++)
		if (XXH128_isEqual(x->memo[i].key, key))
			return &x->memo[i];
	return NULL;
}

static void memo_add(struct dest *x, XXH128_hash_t key, int rc, const char *result, const char *reason)
{
	if (x->nmemo == MEMO_MAX || memo_find(x, key))
		return;
	struct pcisim_heap *h = pcisim_heap_enter(NULL); /* outside the run's heap, as x */
	if (!x->memo)
		x->memo = pcisim_calloc(MEMO_MAX, sizeof(*x->memo));
	pcisim_heap_leave(h);
	struct outcome *o = &x->memo[x->nmemo++];
	o->key = key;
	o->rc = rc;
	o->result = result;
	snprintf(o->reason, sizeof(o->reason), "%s", reason);
}

static void dest_free(void *p)
{
	struct dest *x = p;
	pcisim_free(x->memo);
	pcisim_snapshot_free(x->built);
	pcisim_arena_free(&x->arena);
	pcisim_sim_free(&x->sim);
	pcisim_free(x);
}

static struct dest *dest_get(struct pcisim_sim *sim, const struct pcisim_step *s, const struct pcisim_ynode *machine,
			     const struct pcisim_ynode *override, const struct pcisim_ynode *topology,
			     struct pcisim_diag *dd, int *rc, bool *cached)
{
	struct dest *x = pcisim_sim_cache_get(sim, s->node);
	if (x && x->sim.seed == sim->seed) {
		pcisim_snapshot_restore(&x->sim, x->built);
		x->sim.diag = dd;
		*rc = 0;
		*cached = true;
		return x;
	}
	struct pcisim_heap *h = pcisim_heap_enter(NULL); /* outside the run's heap */
	x = pcisim_calloc(1, sizeof(*x));
	pcisim_heap_leave(h);
	if (!x)
		abort();
	pcisim_sim_init(&x->sim, sim->seed, dd);
	h = pcisim_sim_enter(&x->sim);
	pcisim_arena_init(&x->arena);
	*rc = pcisim_machine_build(&x->sim, machine, override, dd);
	if (!*rc)
		*rc = pcisim_topology_build(&x->sim, &x->arena, topology, dd);
	pcisim_fabric_get(&x->sim);
	pcisim_heap_leave(h);
	/* a destination that could not start is not kept: the next migration says so again */
	*cached = !*rc && !pcisim_sim_cache_get(sim, s->node);
	if (*cached) {
		x->built = pcisim_snapshot_take(&x->sim);
		pcisim_sim_cache_set(sim, s->node, x, dest_free);
	}
	return x;
}

/* After the outcome: what another VM sees of the switch-over (machines: the
 * forwarding's QMP peer gone for the downtime, sim/mctp/i2c_mctp_cxl.c). */
static int migration_tail(struct pcisim_sim *sim, const struct pcisim_step *s, int rc)
{
	const struct pcisim_pval *down = pcisim_step_param(s, "downtime");
	if (!rc && sim->engine)
		pcisim_mctp_vm_stop(sim, down && down->set ? down->u : 300 * PCISIM_MS, "migration switch-over");
	return rc;
}

static int act_migrate(struct pcisim_sim *sim, const struct pcisim_step *s)
{
	struct pcisim_fabric *src = pcisim_fabric_get(sim);
	const struct pcisim_pval *dst_p = pcisim_step_param(s, "destination");
	const struct pcisim_ynode *dst = dst_p && dst_p->set ? dst_p->node : NULL;
	const struct pcisim_ynode *dst_machine = dst ? pcisim_ymap_get(dst, "machine") : NULL;
	const struct pcisim_ynode *dst_topology = dst ? pcisim_ymap_get(dst, "topology") : NULL;

	/* A device that cannot be migrated blocks the migration before it starts. */
	for (uint32_t i = 0; i < src->nfns; i++) {
		struct pcisim_pcifn *fn = src->fns[i];
		if (fn->comp.removed || !fn->drv->unmigratable)
			continue;
		pcisim_log(sim, &fn->comp, "qemu", "Error: State blocked by non-migratable device '%s'",
			   fn->comp.name);
		migration_ended(sim, "failed", "blocked by a non-migratable device", 0);
		return -1;
	}

	/* Save: every function, in creation order (QEMU's registration order). */
	struct pcisim_blob stream = {0};
	struct section *secs = pcisim_calloc(src->nfns + 1, sizeof(*secs));
	size_t nsecs = 0;
	for (uint32_t i = 0; i < src->nfns; i++) {
		struct pcisim_pcifn *fn = src->fns[i];
		if (!migratable(fn))
			continue;
		struct section *sec = &secs[nsecs++];
		sec->fn = fn;
		sec->drv = fn->drv;
		sec->off = stream.len;
		fn->comp.ops->save(&fn->comp, &stream);
		sec->len = stream.len - sec->off;
	}
	PCISIM_RECORD(sim, NULL, "migration.saved", PCISIM_FU("sections", nsecs),
		      PCISIM_FU("bytes", stream.len));

	/* A destination built before, and an outcome known for what the source sends. */
	struct dest *known = pcisim_sim_cache_get(sim, s->node);
	bool memo = known && known->sim.seed == sim->seed && !pcisim_recording(sim);
	XXH128_hash_t key = {0, 0};
	if (memo) {
		key = outcome_key(src, secs, nsecs, &stream);
		const struct outcome *o = memo_find(known, key);
		if (o) {
			if (!o->rc)
				as_destination_built(src);
			migration_ended(sim, o->result, o->reason, nsecs);
			int orc = o->rc;
			pcisim_free(secs);
			pcisim_blob_free(&stream);
			return migration_tail(sim, s, orc);
		}
	}

	/* The destination: its own machine from its own command line. */
	struct pcisim_diag dd; /* the destination's errors: the first is the reason */
	pcisim_diag_init_silent(&dd);
	const struct pcisim_ynode *cl_machine, *cl_topology;
	command_line(sim, &cl_machine, &cl_topology);
	bool cached;
	int rc = 0;
	struct dest *x = dest_get(sim, s, cl_machine, dst_machine, dst_topology ? dst_topology : cl_topology, &dd,
				  &rc, &cached);
	struct pcisim_sim *dsim = &x->sim;
	struct pcisim_heap *dprev = pcisim_sim_enter(dsim); /* what the loads allocate is the destination's */
	struct pcisim_fabric *dfab = pcisim_fabric_get(dsim);
	const char *result = "completed", *reason = "";
	char reasonbuf[512];
	reasonbuf[0] = 0;
	if (rc) {
		result = "failed";
		snprintf(reasonbuf, sizeof(reasonbuf), "destination could not start: %.400s", dd.first);
		reason = reasonbuf;
		pcisim_log(sim, NULL, "qemu", "%s", reasonbuf);
	}
	char block[200];
	if (!rc && missing_rom(src, dfab, block, sizeof(block))) {
		static const struct section ram = {.id = "ram"};
		char msg[320];
		snprintf(msg, sizeof(msg), "Unknown ramblock \"%s\", cannot accept migration", block);
		fail_lines(sim, &dfab->machine, msg, &ram);
		snprintf(reasonbuf, sizeof(reasonbuf), "%.500s", msg);
		reason = reasonbuf;
		result = "failed";
		rc = -1;
	}
	for (size_t i = 0; !rc && i < nsecs; i++) {
		struct section *sec = &secs[i];
		struct pcisim_pcifn *target = NULL;
		for (uint32_t j = 0; j < dfab->nfns && !target; j++)
			if (migratable(dfab->fns[j]) && same_section(dfab->fns[j], sec->fn))
				target = dfab->fns[j];
		if (!target) {
			char msg[512], id[200];
			section_id(sec->fn, id, sizeof(id));
			snprintf(msg, sizeof(msg),
				 "Unknown savevm section or instance '%s' 0. Make sure that your current VM setup matches your saved VM setup, including any hotplugged devices",
				 id);
			fail_lines(sim, &dfab->machine, msg, NULL);
			result = "failed";
			reason = "unknown section";
			rc = -1;
			break;
		}
		struct pcisim_blob_reader r;
		pcisim_blob_reader_init(&r, stream.data + sec->off, sec->len);
		struct pcisim_diag ld;
		pcisim_diag_init_silent(&ld);
		int lrc = target->comp.ops->load(&target->comp, &r, &ld);
		if (lrc) {
			const char *msg = strstr(ld.first, "error: ");
			msg = msg ? msg + 7 : ld.first;
			fail_lines(sim, &dfab->machine, msg, sec);
			snprintf(reasonbuf, sizeof(reasonbuf), "%.500s", msg);
			reason = reasonbuf;
			result = "failed";
			rc = -1;
		}
	}
	pcisim_heap_leave(dprev);
	if (memo && cached && x == known)
		memo_add(x, key, rc ? -1 : 0, result, reason);
	if (!cached)
		dest_free(x);
	if (!rc)
		as_destination_built(src);
	migration_ended(sim, result, reason, nsecs);
	pcisim_free(secs);
	pcisim_blob_free(&stream);
	return migration_tail(sim, s, rc ? -1 : 0);
}

static int check_migrate(struct pcisim_sim *sim, const struct pcisim_step *s, struct pcisim_diag *d)
{
	const struct pcisim_pval *dst = pcisim_step_param(s, "destination");
	static const char *const keys[] = {"machine", "topology", NULL};
	if (!dst->set)
		return 0;
	int rc = pcisim_yexpect(dst->node, PCISIM_Y_MAP, "'destination'", d);
	if (rc || (rc = pcisim_ymap_check_keys(dst->node, "'destination'", keys, d)))
		return rc;
	const struct pcisim_ynode *m = pcisim_ymap_get(dst->node, "machine");
	const struct pcisim_ynode *t = pcisim_ymap_get(dst->node, "topology");
	if (m && (rc = pcisim_yexpect(m, PCISIM_Y_MAP, "'machine'", d)))
		return rc;
	if (t && (rc = pcisim_yexpect(t, PCISIM_Y_SEQ, "'topology'", d)))
		return rc;
	/* Build the destination once now, so its errors are input errors with locations. */
	const struct pcisim_ynode *cl_machine, *cl_topology;
	command_line(sim, &cl_machine, &cl_topology);
	struct pcisim_sim dsim;
	pcisim_sim_init(&dsim, sim->seed, d);
	struct pcisim_arena arena;
	pcisim_arena_init(&arena);
	rc = pcisim_machine_build(&dsim, cl_machine, m, d);
	if (!rc)
		rc = pcisim_topology_build(&dsim, &arena, t ? t : cl_topology, d);
	pcisim_sim_free(&dsim);
	pcisim_arena_free(&arena);
	return rc;
}

/* ---- expectation: migration: completed|failed ---- */

static const char *const outcomes[] = {"completed", "failed", NULL};

static bool migration_eval(struct pcisim_sim *sim, const struct pcisim_expect *e, char *exp,
			   size_t ne, char *obs, size_t no)
{
	const char *want = e->vals[0].s;
	snprintf(exp, ne, "the last migration %s", want);
	const struct pcisim_migration_outcome *last = pcisim_migration_last(sim);
	if (!last) {
		snprintf(obs, no, "no migration ran");
		return false;
	}
	const char *result = last->completed ? "completed" : "failed";
	char t[40];
	snprintf(obs, no, "%s at %s s%s%s", result, pcisim_time_format_fixed(last->t, t, sizeof(t)),
		 last->reason[0] ? ": " : "", last->reason);
	return !strcmp(result, want);
}

static const struct pcisim_param_def migrate_params[] = {
	{"uri", PCISIM_P_STR, false, "QMP migrate uri (accepted, not used)", NULL, 0, 0, NULL},
	{"destination", PCISIM_P_NODE, false,
	 "the destination's own command line: {machine: {...}, topology: [...]}",
	 NULL, 0, 0, "the scenario's"},
	{"downtime", PCISIM_P_TIME, false,
	 "how long the switch-over stops the VM (QEMU's downtime-limit); what a forwarding FM's QMP notifications wait out in machines:",
	 NULL, 0, 0, "300ms"},
	{0},
};

static const struct pcisim_param_def migration_expect_params[] = {
	{"migration", PCISIM_P_CHOICE, true, "completed or failed", outcomes, 0, 0, NULL},
	{0},
};

static const struct pcisim_action_def migration_actions[] = {
	{"migrate", "QMP migrate: save at switch-over, load into a fresh destination with QEMU's checks",
	 migrate_params, false, check_migrate, act_migrate},
	{0},
};

static const struct pcisim_expect_def migration_expects[] = {
	{"migration", "the outcome of the last migration", migration_expect_params, NULL,
	 migration_eval, 0, NULL, NULL, NULL},
	{0},
};

static const struct pcisim_record_kind migration_kinds[] = {
	{"migration.saved", "the source saved its devices (fields: sections, bytes)"},
	{"migration", "a migration ended (fields: result completed|failed, reason, sections)"},
	{0},
};

void pcisim_migration_register(void)
{
	pcisim_actions_add(migration_actions);
	pcisim_expects_add(migration_expects);
	pcisim_record_kinds_add(migration_kinds);
}
