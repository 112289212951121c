/*
 * The host: section's handler (host_section.c): every key of the section read and
 * checked, with located errors, into struct pcisim_host_config (host_config.h); then
 * the host is made from it (host.c) and its port services built.
 */
#ifndef PCISIM_HOST_HOST_SECTION_H
#define PCISIM_HOST_HOST_SECTION_H

/** pcisim_host_section_register() - the host: section's handler (host_section.c). */
void pcisim_host_section_register(void);

#endif
