/*
 * QEMU command lines: the -device, -machine, -object and -global options of a launch
 * script turned into pcisim devices (topology entry `qemu_args:`) or into scenario YAML
 * (`pcisim import-qemu`). Options pcisim does not model are accepted and listed.
 *
 * Three steps, each usable alone:
 *   text  -> struct pcisim_qemu_cmdline  shell-like splitting (cmdline.c), QEMU's
 *                                        option table (options.c)
 *   cmdline -> struct pcisim_qemu_config what the options mean (devices, machine, memory
 *                                        backends, ignored options), checked (config.c)
 *   config -> fabric (pcisim_qemu_args_apply, apply.c) or -> YAML
 *             (pcisim_qemu_write_yaml, import_yaml.c)
 * Every option, value and property keeps the file:line:col where it was written.
 * What these files share among themselves only is in qemu_args_int.h.
 */
#ifndef PCISIM_QEMU_QEMU_ARGS_H
#define PCISIM_QEMU_QEMU_ARGS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/core/arena.h"
#include "sim/core/diag.h"
#include "sim/core/ynode.h"
#include "sim/cxl/fmw.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/props.h"

/* ---- splitting (cmdline.c, options.c) ---- */

/** One option of a command line, with where it was written. */
struct pcisim_qemu_opt {
	/*
	 * "device", "machine", "drive", ... as written, without the dash(es) ("M" stays
	 * "M"); NULL for a bare word, which QEMU takes as the first disk image
	 */
	const char *name;
	const char *value; /* its argument, NULL for flags (-S, -nographic, ...) */
	struct pcisim_loc loc, value_loc;
};

struct pcisim_qemu_cmdline {
	struct pcisim_qemu_opt *opts;
	size_t n;
	const char *program; /* "qemu-system-x86_64", "qemu-kvm", "$QEMU"; NULL if none was named */
	struct pcisim_loc program_loc;
};

/**
 * pcisim_qemu_cmdline_parse() - split one QEMU command line into options. @loc is where
 * @text starts; line and column advance along the text.
 *
 * Shell rules: blanks separate words; '...' is literal; "..." keeps its text with \\ \"
 * \$ \` escapes; a backslash outside quotes escapes the next character, and a
 * backslash-newline joins lines. A word starting with # begins a comment to the end of
 * the line. Newlines are blanks here (a YAML block of one option per line needs no
 * backslashes). Words before a QEMU program name (qemu-system-*, qemu-kvm, $QEMU...),
 * such as environment assignments, sudo or taskset, are skipped; so are NAME=value words
 * at the start of a command that names no program. A command ends at ; & | && || and
 * redirections (2>&1, > log) are dropped. A word made only of backslash-escaped blanks
 * ("\ ", a line continuation whose newline a mail archive lost) is dropped.
 * Options: QEMU's option table decides which take an argument, so the word after a
 * flag such as -S, -nographic, -no-reboot, -enable-kvm or -snapshot is the next option.
 * An unknown option is an error naming it.
 */
int pcisim_qemu_cmdline_parse(struct pcisim_arena *a, const char *text, struct pcisim_loc loc,
			      struct pcisim_qemu_cmdline *out, struct pcisim_diag *d);

/**
 * pcisim_qemu_script_parse() - the first QEMU invocation of a shell script (a command
 * whose program is qemu-system-*, qemu-kvm or a $VARIABLE naming QEMU, followed by
 * options). Here newlines end commands; variables assigned earlier in the script
 * ($NAME, ${NAME}) are expanded, unquoted ones split into words. A script that names
 * no QEMU program is read whole as by pcisim_qemu_cmdline_parse().
 */
int pcisim_qemu_script_parse(struct pcisim_arena *a, const char *text, struct pcisim_loc loc,
			     struct pcisim_qemu_cmdline *out, struct pcisim_diag *d);

/** Is -@name a QEMU option? *@takes_arg (may be NULL) says whether it takes an argument. */
bool pcisim_qemu_option_known(const char *name, bool *takes_arg);

/* ---- meaning (config.c) ---- */

/** One -machine cxl-fmw.N window, as written (sizes also kept as text for YAML output). */
struct pcisim_qemu_fmw {
	struct pcisim_cxl_fmw fmw;
	const char *size_str, *granularity_str; /* granularity_str NULL when not given */
	struct pcisim_loc *target_locs;         /* [fmw.ntargets] */
};

/** A memory backend: -object memory-backend-{ram,file,memfd,shm,epc},id=ID,size=SIZE,... */
struct pcisim_qemu_backend {
	const char *id, *type;
	uint64_t size;
	const char *mem_path; /* memory-backend-file, else NULL */
	const char *arg;      /* the -object argument as written */
	struct pcisim_loc loc, id_loc;
};

struct pcisim_qemu_config {
	const char *machine_type; /* NULL when no -machine gave one */
	struct pcisim_loc machine_type_loc;
	int cxl; /* -1 not given, else 0/1 */
	struct pcisim_loc cxl_loc;
	/* -global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=on|off; -1 not given */
	int acpi_pcihp_bridges;
	struct pcisim_loc acpi_loc;
	/* the VGA device at 00:01.0: -vga none and -nodefaults remove it; -1 as QEMU's default */
	int vga;
	struct pcisim_loc vga_loc;
	bool has_machine; /* some -machine/-M was given */
	struct pcisim_loc machine_loc;
	struct pcisim_qemu_fmw *fmw; /* in index order */
	size_t nfmw;
	struct pcisim_qemu_backend *backends; /* in command-line order */
	size_t nbackends;
	struct pcisim_props *devices; /* -device options in command-line order */
	size_t ndevices;
	/*
	 * Options accepted but not modelled, each once, in order of first use: "-drive",
	 * "-netdev", "-machine accel", "-object rng-random", "-global e1000.mac", ...
	 */
	const char **ignored;
	size_t nignored;
	struct pcisim_loc ignored_loc; /* the first of them */
	const char *program;
	struct pcisim_loc program_loc;
};

/**
 * pcisim_qemu_config_read() - what a command line means for pcisim. Checks -device
 * syntax (pcisim_props_from_string), -machine (type q35/pc-q35-X.Y, cxl=, the cxl-fmw.N
 * windows: targets, size a multiple of 256 MiB, interleave ways and granularity),
 * memory backends (id, size, unique ids), -global, -vga and -nodefaults (whether the
 * VGA function exists). Drivers are not checked here.
 */
int pcisim_qemu_config_read(struct pcisim_arena *a, const struct pcisim_qemu_cmdline *cmd,
			    struct pcisim_qemu_config *out, struct pcisim_diag *d);

/** "ignored options: -drive, -netdev, ..." into @buf (for a warning or a comment). */
char *pcisim_qemu_ignored_str(const struct pcisim_qemu_config *cfg, char *buf, size_t n);

/**
 * pcisim_qemu_check_memdevs() - the memory-backend properties of a device (memdev,
 * volatile-memdev, persistent-memdev, volatile-dc-memdev, lsa) must name a backend in
 * @bes[@nbes]; otherwise a located error naming the valid ids.
 */
int pcisim_qemu_check_memdevs(const struct pcisim_props *p,
			      const struct pcisim_qemu_backend *const *bes, size_t nbes,
			      struct pcisim_diag *d);

/* ---- the fabric (apply.c) ---- */

/**
 * pcisim_qemu_args_apply() - a `qemu_args:` topology entry (a scalar node): applies its
 * -machine, -global, -vga and -nodefaults options to fab->machine (an error if they
 * contradict the scenario's machine: section, or change the machine after devices were
 * created), registers its memory backends, creates its devices in order
 * (pcisim_device_create), checks the cxl-fmw targets, and reports the ignored options
 * in one warning.
 */
int pcisim_qemu_args_apply(struct pcisim_fabric *fab, struct pcisim_arena *a,
			   const struct pcisim_ynode *node, struct pcisim_diag *d);

/** A memory backend registered by a qemu_args entry, or NULL. */
const struct pcisim_qemu_backend *pcisim_membackend_find(struct pcisim_fabric *fab,
							 const char *id);

/**
 * pcisim_cxl_fmw_from_yaml() - the machine: section's cxl-fmw list, as import-qemu
 * writes it: [{targets: [cxl.1, ...], size: 4G, interleave-granularity: 1k}, ...];
 * sets fab->machine.cxl_fmw. The targets are checked by pcisim_cxl_fmw_check_targets().
 */
int pcisim_cxl_fmw_from_yaml(struct pcisim_fabric *fab, const struct pcisim_ynode *node,
			     struct pcisim_diag *d);
/** Every cxl-fmw target must be a pxb-cxl device (QEMU resolves them at machine done). */
int pcisim_cxl_fmw_check_targets(struct pcisim_fabric *fab, struct pcisim_diag *d);

/* ---- scenario YAML (import_yaml.c) ---- */

struct pcisim_qemu_yaml_opts {
	const char *name;        /* the scenario's name: */
	const char *description; /* its description: */
	const char *source;      /* the script's file name, for the header comment */
};

/** Write a scenario (version, name, description, machine, topology, timeline, expect). */
int pcisim_qemu_write_yaml(FILE *out, const struct pcisim_qemu_config *cfg,
			   const struct pcisim_qemu_yaml_opts *o);

/**
 * pcisim_qemu_import() - import-qemu's whole job: @text (the launch script, read from
 * @file) to scenario YAML on @out. The script must be UTF-8 text without control
 * characters but tab, newline and carriage return (YAML holds nothing else).
 * Memory-backend references are checked, and the drivers too when device models
 * are registered. Errors are located in @file;
 * the ignored options are reported as one warning.
 */
int pcisim_qemu_import(FILE *out, struct pcisim_arena *a, const char *file, const char *text,
		       const struct pcisim_qemu_yaml_opts *o, struct pcisim_diag *d);

#endif
