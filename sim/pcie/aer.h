/*
 * Advanced Error Reporting in the hardware: how a function logs an error in its AER
 * capability and PCI Express Device Status, when it generates ERR_COR, ERR_NONFATAL
 * or ERR_FATAL, how that message travels upstream hop by hop to the root port, and
 * how the root port records it (Root Error Status, Error Source Identification) and
 * interrupts. Written from QEMU's hw/pci/pcie_aer.c as REFERENCE.md 4.4 describes it
 * and as re-read in QEMU's source (docs/aer.md lists what was checked).
 *
 * Logging (QEMU pcie_aer_inject_error(), PCIe r5.0 Figure 6-2): the error sets
 * Device Status CED/NFED/FED (+URD for Unsupported Request) whatever the masks say,
 * then its AER status bit. A masked error stops there: no header log, no message.
 * An unmasked uncorrectable error is recorded: First Error Pointer and Header Log,
 * or, with Multiple Header Recording enabled while the first error's status bit is
 * still set, queued in the function's log (aer_log_max deep, 8 by default; a full
 * log makes a correctable Header Log Overflow). Whether a message goes out depends
 * on Device Control's reporting enables and Command SERR# Enable (see
 * pcisim_aer_msg_generated()).
 *
 * The message path (QEMU pcie_aer_msg(), Figure 6-3): the message is checked at the
 * source and at every port it passes: a root, upstream or downstream port first
 * sets Secondary Status Received System Error for ERR_NONFATAL/ERR_FATAL and drops
 * the message unless Bridge Control SERR# Enable is set; then every function on the
 * path, the source included, applies QEMU's per-device gate, which changed in QEMU
 * 8.0 (Jonathan Cameron, "hw/pci/aer: ... enabling routing of ERR_COR, ERR_NONFATAL
 * and ERR_FATAL", March 2023):
 *   before 8.0: only uncorrectable messages with Command SERR# Enable pass (every
 *               ERR_COR is dropped), then the matching Device Control enable is
 *               needed as well;
 *   from 8.0:   a message passes with Command SERR# Enable (uncorrectable) or the
 *               Device Control enable of its class, and then still needs that
 *               Device Control enable.
 * A passing function sets Status Signaled System Error (also for ERR_COR: QEMU's).
 * QEMU does all this inside the monitor command; pcisim lets the message cross each
 * link with that link's TLP latency (a 4-DW message, sim/pcie/link.h), so a message
 * can meet a link that went down: it is then lost, and traced as lost.
 *
 * The root port (QEMU pcie_aer_msg_root_port()): ERR_COR sets ERR_COR Received, or
 * Multiple ERR_COR Received when it was already set (the ERR_COR Source ID is
 * written only for the first); ERR_NONFATAL sets Non-Fatal Error Messages Received;
 * ERR_FATAL sets First Uncorrectable Fatal when no uncorrectable message was
 * received yet, and Fatal Error Messages Received; an uncorrectable message sets
 * ERR_FATAL/NONFATAL Received, or Multiple ... when already set (Source ID written
 * for the first only). The port interrupts when Root Error Command enables the
 * message's class and that class's condition was not already true (an edge).
 *
 * Trace records: "aer.error" (a function logged an error), "aer.msg" (a message at
 * a hop: sent, forwarded, delivered, dropped with the reason, or lost), "aer.root"
 * (Root Error Status changed).
 */
#ifndef PCISIM_PCIE_AER_H
#define PCISIM_PCIE_AER_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/sim.h"
#include "sim/pcie/fabric.h"

struct pcisim_port;

/* Message classes; the values are Root Error Command's enables (QEMU uses them so). */
enum pcisim_aer_sev {
	PCISIM_AER_COR = 1,      /* ERR_COR (PCI_ERR_ROOT_CMD_COR_EN) */
	PCISIM_AER_NONFATAL = 2, /* ERR_NONFATAL (PCI_ERR_ROOT_CMD_NONFATAL_EN) */
	PCISIM_AER_FATAL = 4,    /* ERR_FATAL (PCI_ERR_ROOT_CMD_FATAL_EN) */
};

/* QEMU's PCIE_AER_ERR_* flags of an error to log. */
enum {
	PCISIM_AER_ERR_IS_CORRECTABLE = 1 << 0,   /* the status is a correctable bit */
	PCISIM_AER_ERR_MAYBE_ADVISORY = 1 << 1,   /* -a: a non-fatal error may be Advisory Non-Fatal */
	PCISIM_AER_ERR_HEADER_VALID = 1 << 2,     /* header[] holds the TLP header */
	PCISIM_AER_ERR_TLP_PREFIX_PRESENT = 1 << 3, /* prefix[] holds TLP prefixes */
};

/** struct pcisim_aer_err - one error as QEMU's PCIEAERErr. */
struct pcisim_aer_err {
	uint32_t status;     /* one AER status bit (uncorrectable or correctable register) */
	uint16_t source_id;  /* requester ID of the reporting function (bus << 8 | devfn) */
	uint16_t flags;      /* PCISIM_AER_ERR_* */
	uint32_t header[4];  /* TLP header DWs (Header Log, stored big-endian) */
	uint32_t prefix[4];  /* TLP prefix DWs */
};

/** struct pcisim_aer_name - an entry of QEMU's error name table (pcie_aer_error_list). */
struct pcisim_aer_name {
	const char *name;    /* "POISON_TLP" */
	uint32_t status;     /* its status bit */
	bool correctable;
};

/** The error names QEMU accepts, in QEMU's order; ends with {0}. */
extern const struct pcisim_aer_name pcisim_aer_names[];

/**
 * pcisim_aer_name_find() - the table entry for @name: QEMU's own names, or one of the
 * hot-unplug guide's spellings (COR_INTERNAL, UNCOR_POISON_TLP, UNCOR_FLOW_CTRL,
 * COR_REPLAY_TIMER, ...: a COR_/UNCOR_ prefix and Linux aer-inject style long names)
 * that mean one of QEMU's. *@alias is set when @name was such a spelling. NULL when
 * @name means nothing, or when its prefix contradicts the error's class.
 */
const struct pcisim_aer_name *pcisim_aer_name_find(const char *name, bool *alias);
/** pcisim_aer_status_name() - QEMU's name of a status bit ("FCP"), or NULL. */
const char *pcisim_aer_status_name(uint32_t status, bool correctable);
/**
 * pcisim_aer_default_severity() - QEMU pcie_aer_uncor_default_severity() (PCIe r5.0
 * §6.2.7 Table 6-5): PCISIM_AER_FATAL or PCISIM_AER_NONFATAL for an uncorrectable
 * bit QEMU supports, 0 for any other value.
 */
enum pcisim_aer_sev pcisim_aer_default_severity(uint32_t status);
/** "ERR_COR", "ERR_NONFATAL", "ERR_FATAL". */
const char *pcisim_aer_sev_name(enum pcisim_aer_sev s);

/**
 * pcisim_aer_msg_generated() - the truth table of message generation at the
 * source, as QEMU's inject_cor/inject_uncor decide it: for a correctable error,
 * not masked, and Device Control CERE (and URRE for Unsupported Request); for an
 * uncorrectable one, not masked, and Command SERR# Enable or the class's Device
 * Control enable (and, for Unsupported Request, URRE or SERR# Enable). Pure.
 */
bool pcisim_aer_msg_generated(enum pcisim_aer_sev sev, bool masked, uint16_t devctl,
			      uint16_t command, bool unsupported_request);

/**
 * pcisim_aer_inject() - log the error @err in @fn and send the message it makes, as
 * QEMU's pcie_aer_inject_error() (the flow chart above); @why is traced. The
 * message's journey continues in events when a link lies on its path.
 * Return: 0; -PCISIM_ESTATE when @fn is not PCI Express (QEMU's -ENOSYS);
 * -PCISIM_EINVAL when the status, masked by QEMU's supported bits, is not exactly
 * one bit.
 */
int pcisim_aer_inject(struct pcisim_pcifn *fn, const struct pcisim_aer_err *err, const char *why);

/**
 * pcisim_aer_detect() - an error the model itself ran into (completion timeout,
 * unsupported request, poisoned data, surprise down): @status is one uncorrectable
 * bit, or a correctable one with @correctable; logged by @fn with its own requester
 * ID as pcisim_aer_inject() does. @advisory marks the cases the spec lets a
 * function report as Advisory Non-Fatal (PCIe r5.0 §6.2.3.2.4).
 */
int pcisim_aer_detect(struct pcisim_pcifn *fn, uint32_t status, bool correctable, bool advisory,
		      const char *why);

/**
 * pcisim_aer_link_down() - the link below @p went down without the port asking for
 * it: a port whose Link Capabilities offer Surprise Down Error Reporting logs
 * Surprise Down (SDN). QEMU's ports do not offer it; nothing happens for them.
 */
void pcisim_aer_link_down(struct pcisim_port *p);

/*
 * Config write hooks (QEMU pcie_aer_write_config(), pcie_aer_root_write_config()).
 */
/**
 * pcisim_aer_cfg_written() - after a guest write to @fn (masks applied): if the
 * status bit the First Error Pointer names was cleared, the next queued error is
 * logged (its status bits set again) or, without queued errors or Multiple Header
 * Recording, the header log is cleared; with MHRE and the bit still set, queued
 * errors' status bits are set again; with MHRE off the queue is dropped.
 */
void pcisim_aer_cfg_written(struct pcisim_pcifn *fn, uint16_t off, uint32_t val, unsigned len);
/** pcisim_aer_root_cmd() - @p's Root Error Command (0 without AER root registers). */
uint32_t pcisim_aer_root_cmd(struct pcisim_port *p);
/**
 * pcisim_aer_port_cfg_written() - a root port's write: pcisim_aer_cfg_written(), then
 * the Root Error Command rule: without MSI/MSI-X the INTx level follows
 * (Root Error Command & classes received); with MSI a message goes out when a
 * write makes that condition true. @old_root_cmd is Root Error Command before.
 */
void pcisim_aer_port_cfg_written(struct pcisim_port *p, uint32_t old_root_cmd, uint16_t off,
				 uint32_t val, unsigned len);

/* ---- accounting ---- */

/** struct pcisim_aer_stats - every message generated, and where it ended. */
struct pcisim_aer_stats {
	uint64_t errors;    /* errors logged (injected or detected) */
	uint64_t sent;      /* messages generated at a source */
	uint64_t delivered; /* reached a root port's Root Error Status */
	uint64_t dropped;   /* stopped by a gate (SERR#, Device Control, Bridge Control, no root port) */
	uint64_t lost;      /* met a link that was or went down */
	uint64_t in_flight; /* on a link now */
};
/** pcisim_aer_stats() - the counters of @sim (zeros when nothing happened). */
struct pcisim_aer_stats pcisim_aer_stats(struct pcisim_sim *sim);

/**
 * struct pcisim_aer_listener - a platform feature that follows the errors functions
 * log (a pseries PHB freezes the PE of a function with an uncorrectable error):
 * @uncorrectable runs after @fn logged an uncorrectable (non-advisory) error of
 * @name, @fatal by its severity, whether a message left or not. Listeners run in
 * registration order; registering one twice changes nothing.
 */
struct pcisim_aer_listener {
	void (*uncorrectable)(struct pcisim_pcifn *fn, const char *name, bool fatal);
};
void pcisim_aer_listener_add(const struct pcisim_aer_listener *l);

/** pcisim_aer_register() - record kinds of the AER model. */
void pcisim_aer_register(void);

#endif
