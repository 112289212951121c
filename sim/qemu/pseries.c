/*
 * The pseries machine's PCI: QEMU's spapr_machine_init() creates one sPAPR PHB
 * (index 0, BUID 0x800000020000000) whose root bus is "pci.0"; -device lines without a
 * bus go there. The PHB model and the EEH platform behind it are sim/eeh's.
 *
 * Facts: QEMU hw/ppc/spapr.c (the default PHB, "pci.0"), hw/ppc/spapr_pci.c,
 * include/hw/pci-host/spapr.h (SPAPR_PCI_BASE_BUID).
 */
#include <stdlib.h>

#include "sim/eeh/eeh.h"
#include "sim/qemu/machine.h"

int pcisim_pseries_create(struct pcisim_fabric *fab, struct pcisim_diag *d)
{
	if (fab->root_host)
		return 0;
	struct pcisim_prop *v = calloc(2, sizeof(*v));
	if (!v)
		return PCISIM_ERR(PCISIM_ENOMEM);
	pcisim_fabric_keep(fab, v);
	struct pcisim_props p = {.driver = PCISIM_SPAPR_PHB_DRIVER, .v = v};
	v[p.n++] = (struct pcisim_prop){.name = "id", .value = "pci.0"};
	v[p.n++] = (struct pcisim_prop){.name = "index", .value = "0"};
	struct pcisim_pcifn *host = NULL;
	fab->machine_init = true;
	int rc = pcisim_device_create(fab, &p, false, &host, d);
	fab->machine_init = false;
	if (!rc)
		fab->root_host = host;
	return rc;
}
