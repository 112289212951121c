/*
 * What QEMU's monitor shows of the PCI machine (tools/qmp_query.c).
 */
#ifndef PCISIM_TOOLS_QMP_QUERY_H
#define PCISIM_TOOLS_QMP_QUERY_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

struct pcisim_sim;

/** QEMU's query-pci: one entry per root bus, the devices below in QEMU's shape. */
json_t *pcisim_qmp_query_pci(struct pcisim_sim *sim);
/** HMP's info pci: QEMU's text for the result of pcisim_qmp_query_pci(). */
void pcisim_qmp_info_pci(FILE *f, const json_t *query_pci);
/**
 * qom-get of @prop on the device at QOM path @path (/machine/peripheral/ID or ID):
 * the value, or NULL with QEMU's error class in *@cls and its text in @desc.
 */
json_t *pcisim_qmp_qom_get(struct pcisim_sim *sim, const char *path, const char *prop,
			   const char **cls, char *desc, size_t ndesc);

#endif
