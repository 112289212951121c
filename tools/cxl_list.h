/*
 * `cxl list -vvv` (ndctl's cxl-cli) as the guest would print it at a point of a run:
 * the CXL topology Linux's drivers built (sim/host/cxl_host.h) in cxl-cli's JSON
 * form: the bus root0 with its dports (the host bridges of the CEDT), its ports and
 * their endpoints with memdevs and decoders, the root decoders and their regions.
 */
#ifndef PCISIM_TOOLS_CXL_LIST_H
#define PCISIM_TOOLS_CXL_LIST_H

#include <jansson.h>
#include <stdio.h>

struct pcisim_sim;

/** The listing of @sim's CXL host model as cxl-cli's JSON array (empty without one); the caller's. */
json_t *pcisim_cxl_list_json(struct pcisim_sim *sim);
/** Print the listing of @sim's CXL host model to @out; an empty list "[]" without one. */
void pcisim_cxl_list(struct pcisim_sim *sim, FILE *out);

#endif
