/*
 * EEH (PAPR Enhanced Error Handling) on a pseries machine: the sPAPR PCI host bridges
 * (PHBs), the partitionable endpoints (PEs) behind them, each PE's PAPR state and its
 * freeze, and the RTAS calls a guest makes about them (rtas.h).
 *
 * Contracts (each checked by tests/test_eeh.c):
 *  - A PE is a function on a PHB's root bus together with everything below it (a
 *    device, or a bridge and all below it). Its PE configuration address is PAPR's
 *    configuration address of that function: bus << 16 | devfn << 8 (LoPAPR
 *    "ibm,get-config-addr-info2"). Functions not below a PHB have no PE.
 *  - A PE is in one PAPR state (enum pcisim_eeh_pe_state) and moves between them only
 *    through pcisim_eeh_pe_set_state(), which records "eeh.pe" (from, to, why).
 *  - Frozen (STOPPED): MMIO loads of the PE return all ones, MMIO stores and DMA are
 *    dropped; each is counted at the PE. STOPPED with MMIO enabled (after
 *    ibm,set-eeh-option 2: STOPPED_DMA) passes MMIO and still drops DMA. While the PE is in reset
 *    or unavailable, MMIO and DMA are refused as in STOPPED. Configuration reads of a
 *    PE whose MMIO is stopped return all ones and writes are dropped (PAPR: the PE's
 *    configuration space is isolated with its MMIO).
 *  - An error injected with ibm,errinjct is armed at its PE and fires on the first
 *    access of its kind (load, store, DMA read or write; memory, I/O or config space)
 *    whose address matches (address & mask); it freezes the PE before that access.
 *  - Nothing here is host software: the host model (sim/host/eeh_core.c) calls the
 *    RTAS functions as Linux calls RTAS.
 */
#ifndef PCISIM_EEH_EEH_H
#define PCISIM_EEH_EEH_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/sim.h"
#include "sim/core/time.h"
#include "sim/pcie/fabric.h"

/* SPAPR_PCI_BASE_BUID (QEMU include/hw/pci-host/spapr.h): PHB n has BUID base + n. */
#define PCISIM_SPAPR_BASE_BUID 0x800000020000000ULL
/* the QEMU driver of the PHB ("spapr-pci-host-bridge", hw/ppc/spapr_pci.c) */
#define PCISIM_SPAPR_PHB_DRIVER "spapr-pci-host-bridge"

/*
 * DOC: PE states (LoPAPR ibm,read-slot-reset-state2; its state code in brackets)
 *  NORMAL       [0] not in reset, MMIO and DMA enabled
 *  RESET        [1] ibm,set-slot-reset activated a reset; MMIO and DMA stopped
 *  STOPPED      [2] frozen: MMIO and DMA stopped (an error, or an injected one)
 *  STOPPED_DMA  [4] ibm,set-eeh-option 2 enabled MMIO; DMA still stopped
 *  UNAVAILABLE  [5] temporarily unavailable: a reset was just deactivated and the
 *               PE's functions are not ready yet (unavailable info: 1000 ms)
 *  PERM_UNAVAILABLE [5] permanently unavailable (unavailable info 0): the PE's
 *               function left the machine
 */
enum pcisim_eeh_pe_state {
	PCISIM_EEH_PE_NORMAL,
	PCISIM_EEH_PE_RESET,
	PCISIM_EEH_PE_STOPPED,
	PCISIM_EEH_PE_STOPPED_DMA,
	PCISIM_EEH_PE_UNAVAILABLE,
	PCISIM_EEH_PE_PERM_UNAVAILABLE,
};

/* ibm,read-slot-reset-state2 state codes (QEMU include/hw/ppc/spapr.h RTAS_EEH_PE_STATE_*) */
#define PCISIM_RTAS_PE_STATE_NORMAL 0
#define PCISIM_RTAS_PE_STATE_RESET 1
#define PCISIM_RTAS_PE_STATE_STOPPED_IO_DMA 2
#define PCISIM_RTAS_PE_STATE_STOPPED_DMA 4
#define PCISIM_RTAS_PE_STATE_UNAVAIL 5
/* "PE unavailable info": how long a temporary unavailability lasts (QEMU: 1000 ms) */
#define PCISIM_RTAS_PE_UNAVAIL_INFO_MS 1000
/* How long the PE stays unavailable after its reset is deactivated: the 100 ms before a
 * function must answer configuration requests (PCIe r5.0 §6.6.1). */
#define PCISIM_EEH_PE_READY_DELAY (100 * PCISIM_MS)

/* What an access is (errinjct's functions and the frozen semantics both use it). */
enum pcisim_eeh_access {
	PCISIM_EEH_LOAD_MEM,
	PCISIM_EEH_LOAD_IO,
	PCISIM_EEH_LOAD_CFG,
	PCISIM_EEH_STORE_MEM,
	PCISIM_EEH_STORE_IO,
	PCISIM_EEH_STORE_CFG,
	PCISIM_EEH_DMA_READ,
	PCISIM_EEH_DMA_WRITE,
};

/** An error armed by ibm,errinjct, waiting for a matching access. */
struct pcisim_eeh_armed {
	bool armed;
	unsigned token;      /* the error type's token (errinjct.c's table) */
	unsigned function;   /* EEH_ERR_FUNC_* */
	uint64_t addr, mask;
};

/** A partitionable endpoint. */
struct pcisim_eeh_pe {
	struct pcisim_pcifn *top;  /* the function on the PHB's root bus */
	struct pcisim_pcifn *phb;  /* the host bridge */
	uint64_t buid;
	enum pcisim_eeh_pe_state state;
	bool eeh_enabled;          /* ibm,set-eeh-option 1 (0 disables) */
	struct pcisim_eeh_armed armed;
	uint64_t freezes;          /* times it entered STOPPED from NORMAL */
	uint64_t loads_all_ones, stores_dropped, dma_dropped, cfg_reads_all_ones, cfg_writes_dropped;
	pcisim_timer ready_timer;  /* UNAVAILABLE -> NORMAL */
};

/** "normal", "reset", "stopped", "stopped_dma", "unavailable", "perm_unavailable" */
const char *pcisim_eeh_pe_state_name(enum pcisim_eeh_pe_state s);

/** Is @fn a sPAPR PHB (the host bridge of a pseries root bus)? */
bool pcisim_eeh_is_phb(const struct pcisim_pcifn *fn);
/** The PHB above @fn, NULL when @fn is not below one. */
struct pcisim_pcifn *pcisim_eeh_phb_of(const struct pcisim_pcifn *fn);
/** The PHB's BUID (SPAPR_PCI_BASE_BUID + its index). */
uint64_t pcisim_eeh_phb_buid(const struct pcisim_pcifn *phb);

/** The PE @fn belongs to (made on first use), NULL when @fn is below no PHB. */
struct pcisim_eeh_pe *pcisim_eeh_pe_of(struct pcisim_pcifn *fn);
/** The PE whose configuration address is @addr under the PHB of BUID @buid, or NULL. */
struct pcisim_eeh_pe *pcisim_eeh_pe_find(struct pcisim_sim *sim, uint64_t buid, uint32_t addr);
/** PAPR configuration address of @fn: bus << 16 | devfn << 8. */
uint32_t pcisim_eeh_config_addr(const struct pcisim_pcifn *fn);
/** The PE's configuration address (its top function's). */
uint32_t pcisim_eeh_pe_addr(const struct pcisim_eeh_pe *pe);
/** Is @fn in @pe (the top function or below it)? */
bool pcisim_eeh_pe_contains(const struct pcisim_eeh_pe *pe, const struct pcisim_pcifn *fn);

/** The one transition function: records "eeh.pe" (from, to, why) on the PE's top function. */
void pcisim_eeh_pe_set_state(struct pcisim_eeh_pe *pe, enum pcisim_eeh_pe_state s, const char *why);
/**
 * pcisim_eeh_pe_freeze() - the PHB isolates the PE (an uncorrectable error, or an injected
 * one): NORMAL -> STOPPED with MMIO and DMA stopped; counted; an "eeh.freeze" record.
 * A PE that is not NORMAL (already frozen, in reset, unavailable) stays as it is.
 * Returns true when it froze now.
 */
bool pcisim_eeh_pe_freeze(struct pcisim_eeh_pe *pe, const char *why);
/** The ibm,read-slot-reset-state2 state code of the PE now. */
unsigned pcisim_eeh_pe_rtas_state(const struct pcisim_eeh_pe *pe);

/**
 * pcisim_eeh_access() - an access by or to @fn of kind @a at @addr on a pseries
 * machine: fires an armed injected error that matches it (freezing the PE), then says
 * whether the PE lets it through. false: blocked (a load reads all ones; a store or a
 * DMA is dropped), and counted at the PE. Functions without a PE always pass.
 */
bool pcisim_eeh_access(struct pcisim_pcifn *fn, enum pcisim_eeh_access a, uint64_t addr);

/**
 * pcisim_eeh_qemu_mode() - `machine: {eeh: qemu}`: EEH as QEMU implements it (only
 * vfio-pci functions have EEH; they form one PE per PHB, the VFIO container, whose
 * address is (bus << 16) + 1; the calls ignore the PE address). Default `papr`: PAPR
 * hardware (every function on a PHB's root bus is a PE with everything below it).
 */
bool pcisim_eeh_qemu_mode(const struct pcisim_pcifn *fn);
/** Is @fn a vfio-pci function (a host device passed through)? */
bool pcisim_eeh_is_vfio(const struct pcisim_pcifn *fn);

/** The address of @fn's first memory BAR (0 when it has none): where its MMIO goes. */
uint64_t pcisim_eeh_fn_mmio_base(const struct pcisim_pcifn *fn);

/** Register the PHB model, the RTAS actions, the record and expectation kinds. */
void pcisim_eeh_register(void);

#endif
