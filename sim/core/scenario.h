/*
 * Scenarios: the YAML file a user writes, loaded and checked before anything runs.
 *
 * Top-level keys (docs/scenario-format.md): version, name, description, seed, until,
 * machine, topology, host, timeline, expect, fuzz, include. The loader checks the
 * keys and the shapes; what goes inside machine/topology/host belongs to the models,
 * which register a section handler; timeline steps name registered actions, and
 * expectations name registered expectation kinds. Each registered thing declares its
 * parameters, so every parameter error is reported the same way, at file:line:col,
 * with the expected form and the valid choices.
 *
 * include: a file name or a list of them, relative to the including file. Sequence
 * sections (topology, timeline, expect) are concatenated, included files first;
 * mapping sections (machine, host, fuzz) are merged key by key, the including file
 * winning; scalars of the including file win.
 */
#ifndef PCISIM_CORE_SCENARIO_H
#define PCISIM_CORE_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/diag.h"
#include "sim/core/time.h"
#include "sim/core/ynode.h"

struct pcisim_sim;
struct pcisim_comp;
struct pcisim_scenario;

/* ---- parameters ---- */

enum pcisim_ptype {
	PCISIM_P_STR,    /* any scalar */
	PCISIM_P_INT,    /* integer in [lo, hi] (hi == 0 means no upper bound) */
	PCISIM_P_BOOL,   /* on/off, true/false, yes/no */
	PCISIM_P_TIME,   /* a duration */
	PCISIM_P_CHOICE, /* one of choices */
	PCISIM_P_COMP,   /* a component name: must exist when the step runs (checked at load) */
	PCISIM_P_NEWID,  /* a new component name this step creates */
	PCISIM_P_VALUE,  /* an integer or a word (for equals:) */
	PCISIM_P_NODE,   /* any YAML node, checked by the owner */
};

struct pcisim_param_def {
	const char *name;
	enum pcisim_ptype type;
	bool required;
	const char *help;
	const char *const *choices; /* PCISIM_P_CHOICE */
	uint64_t lo, hi;            /* PCISIM_P_INT */
	/*
	 * What an optional parameter stands for when absent, as help shows it ("4", "off",
	 * "the device id"); NULL for a required one, or one whose absence means "not used".
	 */
	const char *dflt;
};

struct pcisim_pval {
	const struct pcisim_param_def *def;
	const struct pcisim_ynode *node; /* NULL when not given */
	bool set;
	uint64_t u;    /* INT, BOOL, TIME, CHOICE (index), VALUE (when numeric) */
	const char *s; /* STR, COMP, NEWID, CHOICE, VALUE (text) */
	bool numeric;  /* VALUE: the text parsed as an integer */
};

/* ---- timeline actions ---- */

struct pcisim_step;

struct pcisim_action_def {
	const char *name; /* QEMU's QMP/HMP name where one exists; guest./host./fm./rtas. prefixes */
	const char *help;
	const struct pcisim_param_def *params; /* ends with {0} */
	/* accept other keys too (e.g. device properties); the action checks them itself */
	bool open_params;
	/* optional extra checks at load time (after components exist) */
	int (*check)(struct pcisim_sim *sim, const struct pcisim_step *step, struct pcisim_diag *d);
	/* runs at the step's time; returns 0, or <0 when the command failed (it logs why) */
	int (*run)(struct pcisim_sim *sim, const struct pcisim_step *step);
};

struct pcisim_step {
	size_t index;
	struct pcisim_loc loc;
	const struct pcisim_ynode *node; /* the whole entry */
	struct pcisim_time_range at;
	pcisim_time when; /* the time chosen for this run */
	const struct pcisim_action_def *def;
	/*
	 * A fault from the fuzz: section's faults: menu (kind: ACTION instead of do:).
	 * Fault steps follow the timeline's steps in sc->steps. They run only when a
	 * time chooser enables them (fuzz, replay of a fuzz run, a minimiser's forced
	 * time): ordinary runs (simulate) leave them out.
	 */
	bool fault;
	/*
	 * machines: the machine the step acts on when it names none of its components
	 * (a QMP command's QOM path, an HMP line): `machine: NAME`; NULL when not given.
	 */
	const char *machine;
	const struct pcisim_ynode *machine_node;
	struct pcisim_pval *vals;
	size_t nvals;
};

/** A parameter of a step (NULL if the action has no such parameter). */
const struct pcisim_pval *pcisim_step_param(const struct pcisim_step *s, const char *name);
/** The component a P_COMP parameter names, at run time (NULL if gone). */
struct pcisim_comp *pcisim_step_comp(struct pcisim_sim *sim, const struct pcisim_step *s,
				     const char *name);

/* ---- expectations ---- */

struct pcisim_expect;
struct pcisim_record;

struct pcisim_expect_def {
	const char *key; /* the key that names this kind in an expect: entry */
	const char *help;
	const struct pcisim_param_def *params; /* includes the key itself; ends with {0} */
	int (*check)(struct pcisim_sim *sim, const struct pcisim_expect *e, struct pcisim_diag *d);
	/*
	 * evaluate after the run: returns true when it holds; writes what was expected
	 * and what was observed for the report.
	 */
	bool (*eval)(struct pcisim_sim *sim, const struct pcisim_expect *e, char *expected,
		     size_t ne, char *observed, size_t no);
	/*
	 * Expectations about records see them as they are made, not from a stored list
	 * (a run's memory does not grow with its length): @observe gets every record of
	 * the run with this expectation's per-run state (@state_size bytes, zeroed when
	 * the scenario is instantiated; pcisim_expect_state() gives it to @eval), and
	 * copies what it keeps (the record's strings do not outlive the call).
	 * @state_free releases what observe allocated inside the state. All optional.
	 */
	size_t state_size;
	void (*observe)(const struct pcisim_expect *e, void *state, const struct pcisim_record *r);
	void (*state_free)(const struct pcisim_expect *e, void *state);
	/* The one record kind @observe looks at, or NULL (every kind): a run none of whose
	 * expectations looks at "log" records does not format log lines it does not hash. */
	const char *(*watches)(const struct pcisim_expect *e);
};

struct pcisim_expect {
	size_t index;
	struct pcisim_loc loc;
	const struct pcisim_ynode *node;
	const struct pcisim_expect_def *def;
	struct pcisim_pval *vals;
	size_t nvals;
};

const struct pcisim_pval *pcisim_expect_param(const struct pcisim_expect *e, const char *name);
/** The per-run state of @e in @sim (NULL when its kind keeps none). */
void *pcisim_expect_state(struct pcisim_sim *sim, const struct pcisim_expect *e);

/* ---- sections owned by models ---- */

struct pcisim_section_def {
	const char *name; /* "machine", "topology", "host" */
	/* build the section's part of the machine; @node may be NULL when absent */
	int (*build)(struct pcisim_sim *sim, const struct pcisim_scenario *sc,
		     const struct pcisim_ynode *node, struct pcisim_diag *d);
};

/* ---- registration (each layer calls these once at start-up) ---- */

/*
 * The registries take any number of tables and keep them in registration order (a
 * name defined by two tables is found in the first); registering the same table again
 * changes nothing. pcisim_section_set() replaces the handler of a section of the same
 * name in its place, else appends one.
 */
void pcisim_actions_add(const struct pcisim_action_def *table);      /* ends with {0} */
void pcisim_expects_add(const struct pcisim_expect_def *table);      /* ends with {0} */
void pcisim_section_set(const struct pcisim_section_def *def);
const struct pcisim_action_def *pcisim_action_find(const char *name);
/*
 * pcisim_action_inline() - let a step name action @action by a key of its own instead
 * of do:: {at: T, ACTION: VALUE, ...} stands for {at: T, do: ACTION, PARAM: VALUE, ...}
 * (setpci's command line: {at: 1ms, setpci: "-s 00:12.0 COMMAND=0x6"}). @action and
 * @param must outlive the registry (string literals); registering one again changes
 * nothing.
 */
void pcisim_action_inline(const char *action, const char *param);
const struct pcisim_expect_def *pcisim_expect_def_find(const char *key);
/** Registered action names, sorted, NULL-terminated (free() the array). */
const char **pcisim_action_names(void);
const char **pcisim_expect_keys(void);
void pcisim_core_register(void);
/* internal: the handler registered for a section, or NULL */
const struct pcisim_section_def *pcisim__section_find(const char *name);

/* ---- the scenario ---- */

#define PCISIM_MAX_INCLUDE_DEPTH 8

struct pcisim_scenario {
	struct pcisim_arena arena;
	struct pcisim_ydoc *docs; /* [0] is the main file, then includes */
	size_t ndocs;
	const char *path;
	const char *text; /* the main file's bytes */
	size_t text_len;

	uint64_t version;
	const char *name, *description;
	uint64_t seed;
	bool has_seed;
	pcisim_time until;
	bool has_until;

	/* merged sections (NULL when absent) */
	struct pcisim_ynode *machine, *topology, *host, *timeline, *expect, *fuzz;
	struct pcisim_ynode *machines; /* several machines (sim/qemu/machines.c), or NULL */

	struct pcisim_step *steps; /* the timeline's steps, then the fuzz: faults: menu */
	size_t nsteps;             /* both */
	size_t nfaults;            /* of which the last nfaults are fault steps */
	size_t capsteps;           /* room in steps (pcisim_scenario_add_step grows it) */
	struct pcisim_expect *expects;
	size_t nexpects;
};

/** Load and check a scenario file (and its includes). 0 or -PCISIM_EINVAL (diag written). */
int pcisim_scenario_load(struct pcisim_scenario *sc, const char *path, struct pcisim_diag *d);
/** The same from text in memory; @name is used in messages and for includes' base dir. */
int pcisim_scenario_parse(struct pcisim_scenario *sc, const char *name, const char *text,
			  size_t len, struct pcisim_diag *d);

/*
 * Where included files come from. By default the loader reads them from the file
 * system; a replay gives it the texts its trace embeds instead, so that the
 * scenario it runs is the recorded one whatever the disk holds now.
 *
 * read() is asked for the @index-th file the loader includes (0 for the first, in
 * load order: depth first, as sc->docs[1..] list them), by the name the loader made
 * for it (@path: the include entry relative to the including file's folder) and the
 * place that names it (@from). It returns 0 with the text in *@text and *@len (the
 * loader copies it), or reports an error into @d and returns it.
 */
struct pcisim_include_reader {
	int (*read)(void *ctx, size_t index, const char *path, struct pcisim_loc from,
		    const char **text, size_t *len, struct pcisim_diag *d);
	void *ctx;
};

/** pcisim_scenario_parse() with included files from @inc (NULL: from the file system). */
int pcisim_scenario_parse_with(struct pcisim_scenario *sc, const char *name, const char *text,
			       size_t len, const struct pcisim_include_reader *inc,
			       struct pcisim_diag *d);
void pcisim_scenario_free(struct pcisim_scenario *sc);

/**
 * A callback that chooses a step's time within its range (fuzz); NULL = the lower bound.
 * For a fault step (step->fault) it may return PCISIM_TIME_MAX: the fault is left out
 * of the run (without a chooser every fault is left out).
 */
typedef pcisim_time (*pcisim_time_chooser)(void *ctx, const struct pcisim_step *s);

/**
 * pcisim_scenario_instantiate() - build the machine into @sim (section handlers), check
 * the steps' and expectations' references against it, and schedule the timeline.
 */
int pcisim_scenario_instantiate(struct pcisim_sim *sim, struct pcisim_scenario *sc,
				pcisim_time_chooser choose, void *ctx, struct pcisim_diag *d);
/**
 * The two halves of instantiate: pcisim_scenario_build() builds and checks (no
 * choice is made: every run of the scenario gets the same machine, so a campaign
 * builds it once and snapshots it, snapshot.h); pcisim_scenario_schedule() chooses
 * the steps' times and queues them. Schedule may be given a scenario that differs
 * from the one built only in its steps (a subset, another order).
 */
int pcisim_scenario_build(struct pcisim_sim *sim, struct pcisim_scenario *sc, struct pcisim_diag *d);
void pcisim_scenario_schedule(struct pcisim_sim *sim, struct pcisim_scenario *sc,
			      pcisim_time_chooser choose, void *ctx);
/**
 * pcisim_scenario_insert_step() - branch a run (pcisim explore): @sim runs a schedule
 * of @to without its step @p (pcisim_scenario_schedule() of the other steps, in @to's
 * order, the first step posted under sequence number @seq0, no rank hook) and has
 * run every event before the time step @p is due at, none at or after it. Makes it
 * exactly the run that scheduling @to would have at that point: @choose is asked for
 * every step's time as pcisim_scenario_schedule() asks it, the queued events get the
 * sequence numbers and the queued steps the indices they would have had, the step is
 * queued, and @to becomes the run's scenario. Returns 0, or -1 (nothing queued or
 * renumbered) when step @p is a fault left out or due before an event still queued.
 */
int pcisim_scenario_insert_step(struct pcisim_sim *sim, struct pcisim_scenario *to, size_t p, uint64_t seq0,
				pcisim_time_chooser choose, void *ctx);

/**
 * pcisim_scenario_creates() - does a step of @sc create a component named @name (a
 * P_NEWID parameter, such as device_add's id)? A reference to it is then valid
 * although the machine has no such component when the scenario is checked.
 */
bool pcisim_scenario_creates(const struct pcisim_scenario *sc, const char *name);

/**
 * pcisim_step_fail() - a step that checks what it saw (a read with expect:) found
 * something else: kept with the step's place and counted by pcisim_scenario_check()
 * as a failed expectation, printed as one is ("FAIL FILE:LINE:COL: ACTION: expected
 * @expected; observed @observed").
 */
void pcisim_step_fail(struct pcisim_sim *sim, const struct pcisim_step *s, const char *expected,
		      const char *observed);
/** pcisim_step_failures() - how many times steps of the run in @sim failed their checks. */
unsigned pcisim_step_failures(struct pcisim_sim *sim);
/**
 * pcisim_step_failure() - the @i-th of them (from 0), as pcisim_scenario_check()
 * prints it without "FAIL ", and in *@step (may be NULL) the step; NULL past the end.
 */
const char *pcisim_step_failure(struct pcisim_sim *sim, unsigned i, const struct pcisim_step **step);

/**
 * Evaluate every expectation, then count the steps that failed their own checks
 * (pcisim_step_fail()); prints one line per failure to @out. Returns failures.
 */
unsigned pcisim_scenario_check(struct pcisim_sim *sim, const struct pcisim_scenario *sc,
			       FILE *out, bool verbose);

/**
 * pcisim_scenario_add_step() - a timeline step that arrives while @sim runs @sc (a
 * monitor client's command, pcisim serve): @n is an entry written as in the timeline
 * ({at: TIME, do: ACTION, ...}), in a document the caller keeps until @sc is freed.
 * It is parsed and checked as the loader and instantiate check a step, except that
 * the components it names must exist now; it becomes the step after the timeline's
 * last (before the fuzz: faults, whose indices move up by one: a run that adds steps
 * must not have scheduled faults), and is scheduled at its time, which must not lie
 * before @sim->now. A scenario file whose timeline lists the same entries after its
 * own, in the same order, schedules the same events. Returns the new step's index, or
 * <0 with the error in @d.
 */
long pcisim_scenario_add_step(struct pcisim_sim *sim, struct pcisim_scenario *sc,
			      const struct pcisim_ynode *n, struct pcisim_diag *d);
/* internal: parse one timeline entry into @s (scenario.c) */
int pcisim__step_parse(struct pcisim_scenario *sc, const struct pcisim_ynode *n,
		       struct pcisim_step *s, struct pcisim_diag *d);

/** The scenario being run in @sim (set by instantiate). */
const struct pcisim_scenario *pcisim_sim_scenario(const struct pcisim_sim *sim);

#endif
