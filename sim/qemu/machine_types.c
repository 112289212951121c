/*
 * The table of machine types (sim/qemu/machine_type.h).
 */
#include "sim/qemu/machine_type.h"

#include <stdio.h>
#include <string.h>

#include "sim/qemu/compat.h"
#include "sim/qemu/machine.h"

static int q35_create(struct pcisim_fabric *fab, struct pcisim_diag *d)
{
	return pcisim_q35_create(fab, !fab->machine.no_vga, d);
}

static const char *const q35_aliases[] = {"q35", "pc-q35", NULL};
static const char *const pseries_aliases[] = {"pseries", NULL};

static const struct pcisim_machine_type machine_types[] = {
	{
		.family = "pc-q35",
		.aliases = q35_aliases,
		.oldest = PCISIM_QEMU(2, 4),
		.program = "qemu-system-x86_64",
		.example = "pc-q35-6.0, pc-q35-7.2",
		.create = q35_create,
	},
	{
		/* hw/ppc/spapr.c: versioned types from pseries-2.1 */
		.family = "pseries",
		.aliases = pseries_aliases,
		.oldest = PCISIM_QEMU(2, 1),
		.program = "qemu-system-ppc64",
		.example = "pseries-7.2",
		.create = pcisim_pseries_create,
	},
};

#define NTYPES (sizeof(machine_types) / sizeof(machine_types[0]))

const struct pcisim_machine_type *pcisim_machine_type_find(const char *name, unsigned *version,
							    enum pcisim_machine_type_rc *rc)
{
	*version = 0;
	*rc = PCISIM_MACHINE_TYPE_UNKNOWN;
	for (size_t i = 0; i < NTYPES; i++) {
		const struct pcisim_machine_type *t = &machine_types[i];
		for (const char *const *a = t->aliases; *a; a++)
			if (!strcmp(name, *a)) {
				*rc = PCISIM_MACHINE_TYPE_OK;
				return t;
			}
		size_t fl = strlen(t->family);
		unsigned v;
		/* FAMILY-X.Y: no micro version in machine type names */
		if (strncmp(name, t->family, fl) || name[fl] != '-' ||
		    pcisim_qemu_version_parse(name + fl + 1, &v) ||
		    strchr(strchr(name + fl + 1, '.') + 1, '.'))
			continue;
		*version = v;
		*rc = v < t->oldest ? PCISIM_MACHINE_TYPE_TOO_OLD : PCISIM_MACHINE_TYPE_OK;
		return t;
	}
	return NULL;
}

enum pcisim_machine_type_rc pcisim_qemu_machine_type_parse(const char *type, unsigned *version)
{
	enum pcisim_machine_type_rc rc;
	pcisim_machine_type_find(type, version, &rc);
	return rc;
}

char *pcisim_machine_type_choices(char *buf, size_t n)
{
	size_t u = 0;
	buf[0] = 0;
	for (size_t i = 0; i < NTYPES && u < n; i++)
		u += (size_t)snprintf(buf + u, n - u, "%s%s, %s-X.Y (e.g. %s)", i ? "; " : "",
				      machine_types[i].aliases[0], machine_types[i].family,
				      machine_types[i].example);
	return buf;
}
