/*
 * Linux's native PCIe hot-plug driver (drivers/pci/hotplug/pciehp_*), as a model:
 * the slot states, the two-half interrupt handling, the attention-button window,
 * the enable and disable paths with their waits, and the Slot Control command
 * handshake, with the kernel's timing constants (REFERENCE.md 3 and 8).
 *
 * Slot states (DOC: as pciehp.h documents them):
 *  OFF         slot powered off, no device bound
 *  BLINKINGON  attention button pressed on an empty/off slot: power on in 5 s unless pressed again
 *  ON          slot powered on, device enumerated and bound
 *  BLINKINGOFF attention button pressed on an occupied slot: power off in 5 s unless pressed again
 *  POWERON     enabling: power on, wait for link and device, enumerate
 *  POWEROFF    disabling: unbind, power off, wait 1 s
 */
#ifndef PCISIM_HOST_PCIEHP_H
#define PCISIM_HOST_PCIEHP_H

#include "sim/host/host.h"
#include "sim/host/portdrv.h"
#include "sim/host/pt.h"

enum pcisim_pciehp_state {
	PCIEHP_OFF,
	PCIEHP_BLINKINGON,
	PCIEHP_ON,
	PCIEHP_BLINKINGOFF,
	PCIEHP_POWERON,
	PCIEHP_POWEROFF,
};

/* Timing constants (Linux drivers/pci/hotplug and drivers/pci; REFERENCE.md 8). */
#define PCIEHP_BUTTON_DELAY (5 * PCISIM_S)      /* pciehp_ctrl.c: 5 * HZ */
#define PCIEHP_CMD_TIMEOUT (1000 * PCISIM_MS)   /* pcie_wait_cmd */
#define PCIEHP_CMD_POLL (10 * PCISIM_MS)        /* pcie_poll_cmd */
#define PCIEHP_POWER_OFF_WAIT (1000 * PCISIM_MS) /* remove_board / set_slot_off */
#define PCIEHP_LINK_DETECT_WAIT (20 * PCISIM_MS) /* pcie_wait_for_link_delay */
#define PCIEHP_LINK_POLL (1 * PCISIM_MS)
#define PCIEHP_LINK_TIMEOUT (1000 * PCISIM_MS)  /* PCIE_LINK_RETRAIN_TIMEOUT_MS */
#define PCIEHP_LINK_SETTLE (100 * PCISIM_MS)    /* delay after link up */
#define PCIEHP_NO_DLLLA_WAIT (1100 * PCISIM_MS) /* ports without DLLLA reporting */
#define PCIEHP_DEV_POLL (20 * PCISIM_MS)        /* pci_bus_check_dev */
#define PCIEHP_DEV_TIMEOUT (1000 * PCISIM_MS)

/* A software request shares the event word at a bit above Slot Status' 16 bits. */
#define PCIEHP_DISABLE_SLOT (1u << 16)

struct pcisim_pciehp {
	struct pcisim_comp comp; /* "pciehp" under the port's path in the host */
	struct pcisim_host *host;
	struct pcisim_port *port;
	enum pcisim_pciehp_state state;
	unsigned slot_nr;
	uint32_t slot_cap;
	uint32_t pending_events;
	bool bound;        /* probed at boot, and the port not removed since */
	bool ist_running;
	bool cmd_busy;
	pcisim_time cmd_started;
	uint16_t slot_ctrl; /* the last value written */
	bool power_fault_detected;
	pcisim_timer button_work;
	bool link_active_reporting; /* LNKCAP DLLLARC (Linux reads it at enumeration) */
	/* the IRQ thread and its procedures, one pt per nesting level */
	struct pcisim_pt pt_ist, pt_req, pt_slot, pt_board, pt_link, pt_cmd, pt_wait;
	struct pcisim_host_cfg cfg; /* the IRQ thread's config accesses */
	uint32_t events;
	int ret;
	pcisim_time wake_at, deadline;
	pcisim_time left;   /* pci_bus_check_dev(), pcie_poll_cmd(): time left, counted by steps */
	uint16_t cmd, mask;
	bool cmd_wait;
	bool safe_removal;
	bool link_ok;
	bool found;         /* pci_bus_check_dev() found the device */
	bool power;         /* pciehp_get_power_status() */
	int present, link;  /* pciehp_card_present(), pciehp_check_link_active(): 1, 0, -1 = no response */
	/* the rest of the probe (notification enable, presence check), in the probe's context */
	struct pcisim_pt pt_probe;
	struct pcisim_host_cfg probe_cfg;
	int probe_occupied;
	/* the hard-IRQ half, pciehp_isr(): a CPU stalled on its own accesses */
	struct pcisim_pt pt_isr;
	struct pcisim_host_cfg isr_cfg;
	bool isr_running;   /* the handler is under way */
	bool isr_again;     /* the vector fired meanwhile: run the handler again (handle_edge_irq) */
	uint16_t isr_status;
	uint32_t isr_events;
};

/*
 * The port service (sim/host/portdrv.h). build: a controller component per port with
 * a hot-plug capable slot (Slot Capabilities HPC), made when the host is built so a
 * scenario can name it ("pciehp:<port>"), unless pciehp is off or ACPI hot-plug owns
 * the bridges. probe, with pcieport: pciehp_probe() (read the slot, clear stale
 * events, then enable notifications and check presence in the probe's context).
 * irq: the hard-IRQ half (pciehp_isr), a protothread whose config accesses take their
 * round trips; an interrupt that arrives while it runs makes it run once more when
 * it is done. remove: the controller stops taking the port's interrupts.
 */
extern const struct pcisim_port_service pcisim_pciehp_service;

/** The pciehp controller of a port, NULL when pciehp does not drive it. */
struct pcisim_pciehp *pcisim_pciehp_of(struct pcisim_host *h, const struct pcisim_pcifn *port);
/** sysfs "power" writes: 0 = disable (DISABLE_SLOT request), 1 = enable (PDC request). */
int pcisim_pciehp_sysfs_power(struct pcisim_pciehp *c, bool on);
const char *pcisim_pciehp_state_name(enum pcisim_pciehp_state s);

#endif
