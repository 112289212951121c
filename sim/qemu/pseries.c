/*
 * The pseries machine's PCI: QEMU's spapr_machine_init() creates one sPAPR PHB
 * (index 0, BUID 0x800000020000000) whose root bus is "pci.0"; -device lines without a
 * bus go there. The PHB model and the EEH platform behind it are sim/eeh's; the
 * device tree's /rtas node (the RTAS functions and the error-injection tokens) is a
 * "spapr.rtas" record.
 *
 * Facts: QEMU hw/ppc/spapr.c (the default PHB, "pci.0"), hw/ppc/spapr_pci.c,
 * include/hw/pci-host/spapr.h (SPAPR_PCI_BASE_BUID).
 */
#include <stdio.h>
#include <stdlib.h>

#include "sim/core/trace.h"
#include "sim/eeh/eeh.h"
#include "sim/eeh/rtas.h"
#include "sim/qemu/machine.h"
#include "sim/core/heap.h"

/*
 * What the device tree's /rtas node tells the guest: a property per RTAS function
 * (its token; spapr_dt_rtas_tokens()), and, as the 2025 series' patch 4 adds it,
 * ibm,errinjct-tokens: the error types' names and tokens. One "spapr.rtas" record.
 */
static void record_rtas_node(struct pcisim_fabric *fab, struct pcisim_pcifn *phb)
{
	char calls[512], tokens[512];
	size_t u = 0;
	calls[0] = tokens[0] = 0;
	for (const char *const *c = pcisim_rtas_calls; *c && u < sizeof(calls); c++)
		u += (size_t)snprintf(calls + u, sizeof(calls) - u, "%s%s", u ? " " : "", *c);
	u = 0;
	for (unsigned t = 1; t <= PCISIM_ERRINJCT_NTOKENS && u < sizeof(tokens); t++)
		u += (size_t)snprintf(tokens + u, sizeof(tokens) - u, "%s%s=%u", u ? " " : "",
				      pcisim_errinjct_token_name(t), t);
	PCISIM_RECORD(fab->sim, &phb->comp, "spapr.rtas", PCISIM_FS("calls", calls),
		      PCISIM_FS("errinjct_tokens", tokens));
}

int pcisim_pseries_create(struct pcisim_fabric *fab, struct pcisim_diag *d)
{
	if (fab->root_host)
		return 0;
	struct pcisim_prop *v = pcisim_calloc(2, sizeof(*v));
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
	if (!rc) {
		fab->root_host = host;
		record_rtas_node(fab, host);
	}
	return rc;
}
