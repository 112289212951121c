/*
 * qdiff-pcisim: the pcisim side of the QEMU differential harness (qdiff.py).
 *
 * Builds a scenario's machine and topology in-process, exactly as `pcisim simulate`
 * does, then plays a step script read from a file and, after every step, prints what
 * the CPU would see: the configuration space of every function, read as QEMU's CPU
 * reads it at the function's bus/devfn (qemu_read() below: all ones once a function
 * is gone or unpowered), the ports' interrupt counters, and the log lines and
 * migration outcome the step produced. The harness does the same on a real QEMU and
 * compares.
 *
 * Usage: qdiff-pcisim SCENARIO.yaml STEPS
 *
 * STEPS, one command a line ('#' starts a comment):
 *   at MS                       play the scenario's timeline up to MS milliseconds
 *                               (the harness puts each monitor command at its own MS)
 *   settle                      let what the step set going finish: run 100 us further
 *                               (messages crossing links, instant in QEMU, take time here)
 *   cfgw BUS DEVFN OFF LEN VAL  a config write as the CPU does it (numbers in C syntax)
 *   cfgr BUS DEVFN OFF LEN      a config read as the CPU does it (printed)
 *   dump LABEL                  print the state (one JSON object on one line)
 *   acpi N                      from now on, dumps also show the ACPI PCI hot-plug
 *                               registers of bus selects 0..N-1 and GPE0 (read as
 *                               the harness reads them on QEMU), and DEVICE_DELETED
 *   out PORT WIDTH VAL          an I/O port write (outb/outw/outl)
 *   in PORT WIDTH               an I/O port read; its value goes into the next dump
 *   mmiow ADDR LEN VAL          a memory write as the CPU does it (decoded by the BARs)
 *   mmior ADDR LEN              a memory read; [ADDR, LEN, VALUE] goes into the next
 *                               dump's "mmio" list (all ones where nothing decodes it)
 *   chbsw ID OFF VAL            a 4-byte write to pxb-cxl ID's host bridge component
 *                               registers (QEMU's CHBS, in its host register region)
 *   memw HPA VAL                a 4-byte CXL memory write at host physical address HPA,
 *                               through the windows and HDM decoders
 *   dpar ID DPA                 the 4 bytes at DPA of cxl-type3 ID's memory, as its
 *                               backing file holds them: [DPA, 4, VALUE] into "mmio"
 *
 * Output: JSON Lines on stdout, {"dump": LABEL, "fns": {...}, "irq": {...}, "log": [...],
 * "migration": ..., and with acpi: "acpi": {...}, "reads": [...], "deleted": [...]}
 * or {"cfgr": VALUE}. Exit 0, or 2 when the scenario does not load.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/scenario.h"
#include "sim/core/sim.h"
#include "sim/core/ioport.h"
#include "sim/core/irq.h"
#include "sim/core/trace.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/mmio.h"
#include "sim/cxl/memdev.h"
#include "sim/cxl/regs.h"
#include "sim/pcie/port.h"
#include "sim/pcie/regs/pci.h"
#include "replay/register.h"

/* Every function ever seen, by id, with the address it had when first seen. */
struct seen {
	char *id;
	const char *driver;
	uint8_t bus, devfn;
	uint16_t size;
};

static struct seen *seen;
static size_t nseen, capseen;
static size_t log_pos;
static long acpi_bsels = -1;    /* "acpi N": how many bus selects the dumps show */
static json_t *reads;           /* "in" values since the last dump */
static json_t *mmio_reads;      /* "mmior" results since the last dump */

#define PCIHP 0x0cc0
#define GPE0 0x0620

/*
 * The ACPI registers as the harness reads them on QEMU (qdiff.py acpi_dump()): the
 * select value, then for every bus select down, eject, removable and select (never
 * up: a read clears it), the select restored, then GPE0 status and enable (4 bytes).
 */
static json_t *acpi_dump(struct pcisim_sim *sim)
{
	struct pcisim_ioport_space *io = &pcisim_fabric_get(sim)->machine.io;
	json_t *o = json_object();
	uint32_t sel = pcisim_ioport_read(io, PCIHP + 0x10, 4);
	for (long b = 0; b < acpi_bsels; b++) {
		char k[32];
		snprintf(k, sizeof(k), "bsel%ld", b);
		pcisim_ioport_write(io, PCIHP + 0x10, 4, (uint32_t)b);
		json_object_set_new(o, k, json_pack("[I, I, I, I]", (json_int_t)pcisim_ioport_read(io, PCIHP + 0x04, 4),
						    (json_int_t)pcisim_ioport_read(io, PCIHP + 0x08, 4),
						    (json_int_t)pcisim_ioport_read(io, PCIHP + 0x0c, 4),
						    (json_int_t)pcisim_ioport_read(io, PCIHP + 0x10, 4)));
	}
	pcisim_ioport_write(io, PCIHP + 0x10, 4, sel);
	json_object_set_new(o, "gpe_sts", json_integer(pcisim_ioport_read(io, GPE0, 4)));
	json_object_set_new(o, "gpe_en", json_integer(pcisim_ioport_read(io, GPE0 + 8, 4)));
	struct pcisim_irq *sci = pcisim_fabric_get(sim)->machine.acpi.sci;
	json_object_set_new(o, "sci", json_boolean(sci && sci->level));
	return o;
}

static bool is_pci_fn(const struct pcisim_pcifn *fn)
{
	/* an expander's host bridge (pxb-cxl) is a function on pcie.0; the machine's own is not */
	return !fn->comp.removed && fn->bus &&
	       (fn->drv->kind != PCISIM_FN_HOST_BRIDGE || !strncmp(fn->drv->name, "pxb", 3));
}

static void note_functions(struct pcisim_fabric *fab)
{
	for (uint32_t i = 0; i < fab->nfns; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		if (!is_pci_fn(fn))
			continue;
		bool known = false;
		for (size_t j = 0; j < nseen && !known; j++)
			known = !strcmp(seen[j].id, fn->comp.name);
		if (known)
			continue;
		if (nseen == capseen) {
			capseen = capseen ? 2 * capseen : 32;
			seen = realloc(seen, capseen * sizeof(*seen));
			if (!seen)
				abort();
		}
		seen[nseen++] = (struct seen){strdup(fn->comp.name), fn->drv->name, fn->bus->number,
					      fn->devfn, fn->cfg.size};
	}
}

/*
 * QEMU's walk to a bus number (hw/pci/pci.c pci_find_bus_nr(), 7.2): from pcie.0, a
 * child bus with that number is the answer; else the walk enters the child whose
 * range holds it: a bridge's bus when its Secondary Bus Reset is clear
 * (pci_secondary_bus_in_range()), an expander's root bus when one of the bridges on
 * it has the number in range (pci_root_bus_in_range()). So a Secondary Bus Reset hides
 * the buses below the bridge's own secondary one, and, for a port on an expander's
 * root bus (a cxl-rp under pxb-cxl), that secondary bus too.
 */
static bool live_bus(const struct pcisim_pcibus *b)
{
	return !(b->bridge && b->bridge->comp.removed) && !(b->host && b->host->comp.removed);
}

static int bus_num(const struct pcisim_pcibus *b)
{
	/* a bridge's bus is reached through its Secondary Bus Number, as the routed path
	 * does: a reset that cleared it leaves the bus at no number */
	if (b->bridge)
		return b->bridge->cfg.bytes ? b->bridge->cfg.bytes[PCI_SECONDARY_BUS] : -1;
	return b->number;
}

static bool sec_in_range(const struct pcisim_pcifn *br, uint8_t nr)
{
	const uint8_t *c = br->cfg.bytes;
	return c && !(pcisim_cfg_get16(&br->cfg, PCI_BRIDGE_CONTROL) & PCI_BRIDGE_CTL_BUS_RESET) &&
	       c[PCI_SECONDARY_BUS] <= nr && nr <= c[PCI_SUBORDINATE_BUS];
}

static bool child_of(const struct pcisim_pcibus *x, const struct pcisim_pcibus *b)
{
	return (x->bridge && x->bridge->bus == b) || (x->is_root && x->host && x->host->bus == b);
}

static bool root_in_range(struct pcisim_fabric *fab, const struct pcisim_pcibus *root, uint8_t nr)
{
	for (uint32_t i = 0; i < fab->nbuses; i++) {
		const struct pcisim_pcibus *x = fab->buses[i];
		if (live_bus(x) && x->bridge && x->bridge->bus == root && sec_in_range(x->bridge, nr))
			return true;
	}
	return false;
}

static struct pcisim_pcibus *bus_by_number(struct pcisim_fabric *fab, uint8_t nr)
{
	struct pcisim_pcibus *bus = NULL;
	for (uint32_t i = 0; i < fab->nbuses && !bus; i++)
		if (fab->buses[i]->is_root && (!fab->buses[i]->host || !fab->buses[i]->host->bus))
			bus = fab->buses[i]; /* pcie.0: its host bridge sits on no bus */
	if (bus && bus_num(bus) == nr)
		return bus;
	while (bus) {
		struct pcisim_pcibus *next = NULL;
		for (uint32_t i = 0; i < fab->nbuses && !next; i++) {
			struct pcisim_pcibus *x = fab->buses[i];
			if (!live_bus(x) || !child_of(x, bus))
				continue;
			if (bus_num(x) == nr)
				return x;
			if (x->is_root ? root_in_range(fab, x, nr) : sec_in_range(x->bridge, nr))
				next = x;
		}
		bus = next;
	}
	return NULL;
}

static struct pcisim_pcifn *fn_at(struct pcisim_fabric *fab, uint8_t bus, uint8_t devfn)
{
	struct pcisim_pcibus *b = bus_by_number(fab, bus);
	for (uint16_t i = 0; b && i < b->nfns; i++)
		if (b->fns[i]->devfn == devfn && !b->fns[i]->comp.removed)
			return b->fns[i];
	return NULL;
}

/*
 * A config access as QEMU's CPU makes it: at once, answered by the function's model
 * whatever its links and resets are doing (QEMU models neither), all ones (a write
 * dropped) where no function is or its slot power is off. Not the Linux host's access
 * (sim/host/cfg.h), which travels pcisim's fabric: the guest steps here stand for
 * QEMU's, so they see what QEMU shows.
 */
static struct pcisim_pcifn *qemu_fn_at(struct pcisim_pcibus *b, uint8_t devfn)
{
	for (uint16_t i = 0; b && i < b->nfns; i++)
		if (b->fns[i]->devfn == devfn)
			return b->fns[i];
	return NULL;
}

static uint32_t qemu_read(struct pcisim_pcibus *b, uint8_t devfn, uint16_t off, unsigned len)
{
	struct pcisim_pcifn *fn = qemu_fn_at(b, devfn);
	if (!fn || !fn->powered)
		return len == 4 ? 0xffffffffu : (1u << (8 * len)) - 1;
	return pcisim_fn_cfg_read(fn, off, len);
}

static void qemu_write(struct pcisim_pcifn *fn, uint16_t off, uint32_t val, unsigned len)
{
	if (fn->powered && !fn->comp.removed)
		pcisim_fn_cfg_write(fn, off, val, len);
}

static uint32_t cpu_read(struct pcisim_sim *sim, uint8_t bus, uint8_t devfn, uint16_t off,
			 unsigned len)
{
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	struct pcisim_pcibus *b = bus_by_number(fab, bus);
	if (!b)
		return len == 4 ? 0xffffffffu : (1u << (8 * len)) - 1;
	struct pcisim_pcifn *fn = fn_at(fab, bus, devfn);
	if (fn && off + len > fn->cfg.size)
		return len == 4 ? 0xffffffffu : (1u << (8 * len)) - 1;
	return qemu_read(b, devfn, off, len);
}

static void dump(struct pcisim_sim *sim, const char *label)
{
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	note_functions(fab);
	json_t *o = json_object();
	json_object_set_new(o, "dump", json_string(label));
	json_object_set_new(o, "time_ps", json_integer((json_int_t)sim->now));
	json_t *fns = json_object();
	char *hex = malloc(2 * PCISIM_CFG_PCIE_SIZE + 1);
	for (size_t i = 0; i < nseen; i++) {
		struct seen *s = &seen[i];
		struct pcisim_pcifn *fn = pcisim_fabric_find_fn(fab, s->id);
		bool present = fn && is_pci_fn(fn);
		uint8_t bus = present ? fn->bus->number : s->bus, devfn = present ? fn->devfn : s->devfn;
		for (uint16_t off = 0; off < s->size; off += 4) {
			uint32_t v = cpu_read(sim, bus, devfn, off, 4);
			for (unsigned k = 0; k < 4; k++)
				snprintf(hex + 2 * (off + k), 3, "%02x", (v >> (8 * k)) & 0xff);
		}
		json_t *f = json_object();
		json_object_set_new(f, "driver", json_string(s->driver));
		json_object_set_new(f, "bus", json_integer(bus));
		json_object_set_new(f, "devfn", json_integer(devfn));
		json_object_set_new(f, "present", json_boolean(present));
		json_object_set_new(f, "powered", json_boolean(present && fn->powered));
		json_object_set_new(f, "cfg", json_string(hex));
		json_object_set_new(fns, s->id, f);
	}
	free(hex);
	json_object_set_new(o, "fns", fns);
	/* The ports' interrupts: messages sent so far, and the INTx level. */
	json_t *irq = json_object();
	for (uint32_t i = 0; i < fab->nfns; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		if (!is_pci_fn(fn) || !pcisim_is_port(fn))
			continue;
		struct pcisim_port *p = pcisim_to_port(fn);
		json_t *e = json_object();
		json_object_set_new(e, "msg", json_integer((json_int_t)p->irq_msg.count));
		json_object_set_new(e, "intx", json_integer(p->irq_intx.level));
		json_object_set_new(irq, fn->comp.name, e);
	}
	json_object_set_new(o, "irq", irq);
	/* What the step logged (QEMU's monitor errors and migration lines are source "qemu"). */
	json_t *log = json_array();
	json_t *deleted = json_array();
	json_t *mig = json_null();
	for (size_t i = 0; sim->trace && i < sim->trace->nrecs; i++) {
		const struct pcisim_record *r = &sim->trace->recs[i];
		if (!strcmp(r->kind, "migration")) {
			json_decref(mig);
			mig = json_pack("{s:s, s:s}", "result", r->fields[0].s, "reason", r->fields[1].s);
		}
		if (i >= log_pos && !strcmp(r->kind, "qmp.event") && !strcmp(r->fields[0].s, "DEVICE_DELETED"))
			json_array_append_new(deleted, json_string(r->fields[1].s));
		if (i < log_pos || strcmp(r->kind, "log"))
			continue;
		json_array_append_new(log, json_pack("[s, s]", r->fields[0].s, r->fields[1].s));
	}
	log_pos = sim->trace ? sim->trace->nrecs : 0;
	json_object_set_new(o, "log", log);
	json_object_set_new(o, "migration", mig);
	if (acpi_bsels >= 0) {
		json_object_set_new(o, "acpi", acpi_dump(sim));
		json_object_set_new(o, "reads", reads ? reads : json_array());
		reads = NULL;
		json_object_set_new(o, "deleted", deleted);
	} else {
		json_decref(deleted);
	}
	if (mmio_reads) {
		json_object_set_new(o, "mmio", mmio_reads);
		mmio_reads = NULL;
	}
	char *text = json_dumps(o, JSON_COMPACT);
	printf("%s\n", text);
	fflush(stdout);
	free(text);
	json_decref(o);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: qdiff-pcisim SCENARIO.yaml STEPS\n");
		return 2;
	}
	pcisim_register_all();
	struct pcisim_diag diag;
	pcisim_diag_init(&diag, stderr);
	struct pcisim_scenario sc;
	struct pcisim_sim sim;
	int rc = pcisim_scenario_load(&sc, argv[1], &diag);
	pcisim_sim_init(&sim, rc ? 1 : sc.seed, &diag);
	pcisim_trace_attach(&sim, true);
	if (rc || pcisim_scenario_instantiate(&sim, &sc, NULL, NULL, &diag)) {
		fprintf(stderr, "qdiff-pcisim: %s does not load\n", argv[1]);
		return 2;
	}
	FILE *f = fopen(argv[2], "r");
	if (!f) {
		perror(argv[2]);
		return 2;
	}
	note_functions(pcisim_fabric_get(&sim));
	char line[512];
	unsigned lineno = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		char cmd[16], label[256], id[64];
		long a[5];
		if (sscanf(line, "%15s", cmd) != 1)
			continue;
		if (!strcmp(cmd, "at") && sscanf(line, "%*s %li", &a[0]) == 1) {
			pcisim_run(&sim, (pcisim_time)a[0] * PCISIM_MS);
		} else if (!strcmp(cmd, "settle")) {
			pcisim_run(&sim, sim.now + 100 * PCISIM_US);
		} else if (!strcmp(cmd, "cfgw") &&
			   sscanf(line, "%*s %li %li %li %li %li", &a[0], &a[1], &a[2], &a[3], &a[4]) == 5) {
			struct pcisim_pcifn *fn =
				fn_at(pcisim_fabric_get(&sim), (uint8_t)a[0], (uint8_t)a[1]);
			if (fn && a[2] + a[3] <= fn->cfg.size)
				qemu_write(fn, (uint16_t)a[2], (uint32_t)a[4], (unsigned)a[3]);
		} else if (!strcmp(cmd, "cfgr") &&
			   sscanf(line, "%*s %li %li %li %li", &a[0], &a[1], &a[2], &a[3]) == 4) {
			uint32_t v = cpu_read(&sim, (uint8_t)a[0], (uint8_t)a[1], (uint16_t)a[2],
					      (unsigned)a[3]);
			printf("{\"cfgr\": %u}\n", v);
		} else if (!strcmp(cmd, "acpi") && sscanf(line, "%*s %li", &a[0]) == 1) {
			acpi_bsels = a[0];
		} else if (!strcmp(cmd, "out") && sscanf(line, "%*s %li %li %li", &a[0], &a[1], &a[2]) == 3) {
			pcisim_ioport_write(&pcisim_fabric_get(&sim)->machine.io, (uint16_t)a[0], (unsigned)a[1],
					    (uint32_t)a[2]);
		} else if (!strcmp(cmd, "in") && sscanf(line, "%*s %li %li", &a[0], &a[1]) == 2) {
			if (!reads)
				reads = json_array();
			json_array_append_new(reads, json_integer(pcisim_ioport_read(
							     &pcisim_fabric_get(&sim)->machine.io, (uint16_t)a[0],
							     (unsigned)a[1])));
		} else if (!strcmp(cmd, "mmiow") &&
			   sscanf(line, "%*s %li %li %li", &a[0], &a[1], &a[2]) == 3) {
			struct pcisim_mmio_target t = pcisim_mmio_decode(&sim, (uint64_t)a[0]);
			pcisim_mmio_write(&t, (uint64_t)a[2], (unsigned)a[1]);
		} else if (!strcmp(cmd, "mmior") && sscanf(line, "%*s %li %li", &a[0], &a[1]) == 2) {
			struct pcisim_mmio_target t = pcisim_mmio_decode(&sim, (uint64_t)a[0]);
			if (!mmio_reads)
				mmio_reads = json_array();
			json_array_append_new(mmio_reads, json_pack("[I, I, I]", (json_int_t)a[0], (json_int_t)a[1],
								     (json_int_t)pcisim_mmio_read(&t, (unsigned)a[1])));
		} else if (!strcmp(cmd, "chbsw") && sscanf(line, "%*s %63s %li %li", id, &a[0], &a[1]) == 3) {
			struct pcisim_pcifn *fn = pcisim_fabric_find_fn(pcisim_fabric_get(&sim), id);
			if (fn)
				pcisim_cxl_component_write(fn, (uint64_t)a[0], 4, (uint64_t)a[1]);
		} else if (!strcmp(cmd, "memw") && sscanf(line, "%*s %li %li", &a[0], &a[1]) == 2) {
			uint32_t v = (uint32_t)a[1];
			bool poisoned = false;
			struct pcisim_cxl_route route;
			pcisim_cxl_mem_access(pcisim_fabric_get(&sim), (uint64_t)a[0], &v, 4, true, &route, &poisoned);
		} else if (!strcmp(cmd, "dpar") && sscanf(line, "%*s %63s %li", id, &a[0]) == 2) {
			struct pcisim_pcifn *fn = pcisim_fabric_find_fn(pcisim_fabric_get(&sim), id);
			uint32_t v = 0;
			if (!fn || pcisim_cxl_dpa_access(fn, (uint64_t)a[0], &v, 4, false))
				v = 0xffffffff;
			if (!mmio_reads)
				mmio_reads = json_array();
			json_array_append_new(mmio_reads, json_pack("[I, I, I]", (json_int_t)a[0], (json_int_t)4, (json_int_t)v));
		} else if (!strcmp(cmd, "dump") && sscanf(line, "%*s %255s", label) == 1) {
			dump(&sim, label);
		} else {
			fprintf(stderr, "%s:%u: not a step: %s", argv[2], lineno, line);
			return 2;
		}
	}
	fclose(f);
	pcisim_sim_free(&sim);
	pcisim_scenario_free(&sc);
	for (size_t i = 0; i < nseen; i++)
		free(seen[i].id);
	free(seen);
	return 0;
}
