/*
 * The host: section of a scenario, as data: what sim/host/host_section.c reads and
 * checks, and what the host and its port services are built from. Nothing here runs;
 * the meaning of each key is the model's that reads it (docs/hotplug.md, docs/aer.md).
 *
 *   host: {os: linux, pciehp: on, acpi_pcihp: off, acpiphp: on, boot: 0s,
 *          aer: on, dpc: on, aer_reset_on_need_reset: off,
 *          vfio_remedy: none, vfio_notify: 1ms, eeh_max_freezes: 5,
 *          cxl: off, cxl_event_irq: off, cxl_dcd: off,
 *          drivers: {nic0: {error_detected: need_reset, slot_reset: recovered, resume: on,
 *                           callback_time: 5ms, reads_device: on, cor_error_detected: off,
 *                           vfio: off, guest: {...}}}}
 */
#ifndef PCISIM_HOST_HOST_CONFIG_H
#define PCISIM_HOST_HOST_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/time.h"

/* include/linux/pci.h pci_ers_result (PCI_ERS_RESULT_*); 0 = no such callback */
enum pcisim_ers {
	PCISIM_ERS_ABSENT = 0,
	PCISIM_ERS_NONE = 1,
	PCISIM_ERS_CAN_RECOVER = 2,
	PCISIM_ERS_NEED_RESET = 3,
	PCISIM_ERS_DISCONNECT = 4,
	PCISIM_ERS_RECOVERED = 5,
	PCISIM_ERS_NO_AER_DRIVER = 6,
};

/**
 * struct pcisim_host_drv - a driver's error handlers (struct pci_error_handlers) as a
 * drivers: entry describes them: each callback's vote (PCISIM_ERS_ABSENT: the driver
 * has no such callback), how long each callback takes, whether a callback reads the
 * device (and so notices that it reads all ones). With @vfio the device is passed
 * through: vfio-pci owns it in the host and @guest describes the guest's driver.
 */
struct pcisim_host_drv {
	const char *id; /* the device's id (the scenario's string); NULL: a default driver */
	enum pcisim_ers error_detected, mmio_enabled, slot_reset;
	bool resume;
	bool reads_device;
	bool cor_error_detected;
	pcisim_time cb_time;
	bool vfio;
	struct {
		enum pcisim_ers error_detected, mmio_enabled, slot_reset;
		bool resume;
		pcisim_time cb_time;
	} guest;
};

/* vfio_remedy: how vfio's error forwarding and the guest's link reset are handled (docs/aer.md). */
enum pcisim_vfio_remedy {
	PCISIM_VFIO_NONE,            /* the host resets the link while the guest recovers */
	PCISIM_VFIO_SKIP_HOST_RESET, /* the host leaves the reset to the guest; its reset is an FLR */
	PCISIM_VFIO_SERIALIZE,       /* the guest is signalled after the host's recovery */
	PCISIM_VFIO_VM_STOP,         /* QEMU upstream: an error stops the VM; the guest never recovers */
	PCISIM_VFIO_FLR_TRANSLATION, /* the guest's link reset becomes an FLR; the host still resets */
	PCISIM_VFIO_NONFATAL_ONLY,   /* non-fatal errors go to the guest (no reset); fatal ones stop the VM */
};

/* arch/powerpc/kernel/eeh.c: u32 eeh_max_freezes = 5 (debugfs eeh_max_freezes) */
#define PCISIM_EEH_MAX_FREEZES_DEFAULT 5

/** struct pcisim_host_config - every key of the host: section, defaults filled in. */
struct pcisim_host_config {
	bool pciehp;             /* the native hot-plug driver is loaded (default on) */
	bool acpi_pcihp;         /* ACPI hot-plug owns bridges (default: the machine's) */
	bool acpiphp;            /* Linux answers ACPI hot-plug events (default on; off: it never does) */
	pcisim_time boot;        /* when Linux boots: enumeration, pcieport, the services */
	bool aer;                /* the AER service (default off) */
	bool dpc;                /* the DPC service (needs aer) */
	bool cxl;                /* Linux's CXL drivers (cxl_acpi, cxl_pci, cxl_mem, cxl_port, cxl_region; default off) */
	bool cxl_event_irq;      /* cxl_pci's cxl_event_config(): event logs read on their interrupts (default off) */
	bool cxl_dcd;            /* the kernel carries the DCD series: dynamic capacity handled (default off) */
	bool reset_on_need_reset; /* Linux commit d0a2dee7d4 (2025) */
	enum pcisim_vfio_remedy vfio_remedy;
	pcisim_time vfio_notify; /* eventfd -> QEMU -> the guest's virtual AER interrupt */
	uint32_t eeh_max_freezes; /* EEH: freezes of a PE within an hour before it is removed */
	struct pcisim_host_drv *drivers; /* in the order the section lists them */
	size_t ndrivers;
};

/** The drivers: entry for the device named @id, NULL when the section has none. */
const struct pcisim_host_drv *pcisim_host_config_driver(const struct pcisim_host_config *c,
							 const char *id);

#endif
