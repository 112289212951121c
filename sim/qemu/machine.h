/*
 * The QEMU machine: the machine: and topology: sections, the q35 root complex, and
 * the registration of everything that belongs to the QEMU process (monitor commands,
 * migration, HMP error injection, the q35 and pxb built-ins, the machine types).
 */
#ifndef PCISIM_QEMU_MACHINE_H
#define PCISIM_QEMU_MACHINE_H

#include <stdbool.h>

#include "sim/core/arena.h"
#include "sim/core/diag.h"
#include "sim/core/sim.h"
#include "sim/core/ynode.h"
#include "sim/pcie/fabric.h"

/**
 * Build the machine (a machine: mapping, then optional overrides) and the devices of a
 * topology: sequence into @sim: what the machine and topology sections do, reusable
 * for a migration destination. Strings of qemu_args entries are kept in @a.
 */
int pcisim_machine_build(struct pcisim_sim *sim, const struct pcisim_ynode *node,
			 const struct pcisim_ynode *override, struct pcisim_diag *d);
int pcisim_topology_build(struct pcisim_sim *sim, struct pcisim_arena *a,
			  const struct pcisim_ynode *node, struct pcisim_diag *d);

/** Create the q35 root complex: host bridge pcie.0, MCH 00:00.0, ICH9 00:1f.x, VGA 00:01.0. */
int pcisim_q35_create(struct pcisim_fabric *fab, bool vga, struct pcisim_diag *d);
/** The pseries machine's PHB 0 and its root bus pci.0 (pseries.c). */
int pcisim_pseries_create(struct pcisim_fabric *fab, struct pcisim_diag *d);

/** The machines: section: several QEMU processes in one scenario (machines.c). */
void pcisim_machines_register(void);
/**
 * pcisim_machines_entry() - a machine of machines: (@view, a view of its engine): its
 * entry's machine: and topology: nodes (either may be NULL), as its command line gave
 * them. Returns 0, or -1 when @view is not such a machine.
 */
int pcisim_machines_entry(struct pcisim_sim *view, const struct pcisim_ynode **machine,
			  const struct pcisim_ynode **topology);
/** The machine: and topology: sections (machine.c). */
void pcisim_machine_register(void);
/** Monitor actions: device_add, device_del, set_link, ... (monitor.c). */
void pcisim_monitor_register(void);
/** migrate and the migration expectation (migration.c). */
void pcisim_migration_register(void);
/** pcie_aer_inject_error (hmp_aer_inject.c). */
void pcisim_aer_inject_register(void);
/** The cxl-inject-* QMP commands (qmp_cxl.c). */
void pcisim_qmp_cxl_register(void);
/** cxl-add-dynamic-capacity, cxl-release-dynamic-capacity (qmp_cxl_dcd.c). */
void pcisim_qmp_cxl_dcd_register(void);
/** The q35 built-ins and pxb expander bridges. */
void pcisim_qemu_models_register(void);
/** Everything above, in that order. */
void pcisim_qemu_register(void);

#endif
