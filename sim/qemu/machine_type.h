/*
 * The machine types pcisim builds, as a table: q35 (pc-q35-X.Y and its
 * aliases) and pseries (pseries-X.Y). A machine type names its versioned family,
 * the aliases that mean the binary's newest, the oldest version QEMU has, the QEMU
 * program that runs it, and the function that builds its fixed devices.
 */
#ifndef PCISIM_QEMU_MACHINE_TYPE_H
#define PCISIM_QEMU_MACHINE_TYPE_H

#include "sim/core/diag.h"
#include "sim/pcie/fabric.h"

struct pcisim_machine_type {
	const char *family;           /* versioned names are FAMILY-X.Y: "pc-q35" */
	const char *const *aliases;   /* names for the binary's newest: "q35", "pc-q35" */
	unsigned oldest;              /* PCISIM_QEMU() of the oldest versioned type QEMU has */
	const char *program;          /* the QEMU binary that runs it: "qemu-system-x86_64" */
	const char *example;          /* a versioned example for messages: "pc-q35-7.2" */
	/* the root complex and the machine's fixed devices, from fab->machine */
	int (*create)(struct pcisim_fabric *fab, struct pcisim_diag *d);
};

enum pcisim_machine_type_rc {
	PCISIM_MACHINE_TYPE_OK = 0,
	PCISIM_MACHINE_TYPE_UNKNOWN = -1, /* no family or alias of that name */
	PCISIM_MACHINE_TYPE_TOO_OLD = -2, /* FAMILY-X.Y older than the family's oldest */
};

/**
 * pcisim_machine_type_find() - the machine type @name belongs to (NULL if none), its
 * version in *@version (0 for an alias: the binary's newest), and in *@rc whether it
 * is one QEMU has (PCISIM_MACHINE_TYPE_TOO_OLD: the family exists, the version not).
 */
const struct pcisim_machine_type *pcisim_machine_type_find(const char *name, unsigned *version,
							    enum pcisim_machine_type_rc *rc);
/** A machine type name -> its version (0 for an alias); what pcisim_machine_type_find says. */
enum pcisim_machine_type_rc pcisim_qemu_machine_type_parse(const char *type, unsigned *version);
/** "q35, pc-q35-X.Y (e.g. pc-q35-6.0, pc-q35-7.2)" for messages, into @buf. */
char *pcisim_machine_type_choices(char *buf, size_t n);

#endif
