/*
 * The help topics (pcisim help), the keys of --set, and the manual page: shared by
 * help, the manual page and the bash completion, so they list the same things.
 */
#ifndef PCISIM_TOOLS_HELP_H
#define PCISIM_TOOLS_HELP_H

#include <stdio.h>

struct pcisim_help_topic {
	const char *name; /* "actions", "action" */
	const char *arg;  /* "NAME" when the topic names one thing, else NULL */
	const char *help;
};

/** The topics of 'pcisim help', ends with {0}. */
extern const struct pcisim_help_topic pcisim_help_topics[];

struct pcisim_set_key {
	const char *key; /* "machine.KEY=VALUE" */
	const char *help;
};

/** The forms --set KEY=VALUE takes (pcisim_scenario_set), ends with {0}. */
extern const struct pcisim_set_key pcisim_set_keys[];

/** The manual page pcisim(1), in roff (tools/man.c). */
void pcisim_man_page(FILE *out);

#endif
