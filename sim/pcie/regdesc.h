/*
 * Register descriptors: one const entry per register of the configuration header
 * and of each capability pcisim builds, with its name, where it lives, and the
 * attribute of every bit as QEMU implements it (RO, RW, RW1C, reserved, sticky,
 * set at init, read-as-zero, not compared on migration), each citing its spec
 * table and the QEMU function that sets it up (STYLE.md point 7).
 *
 * The builders in caps.c set the masks the way QEMU does; these tables say what
 * the attributes should be. tests/test_caps.c checks every bit of one against the
 * other, which is the check that would have caught QEMU's Presence Detect State
 * migration bug. Scenario `state:` expectations name registers through
 * pcisim_regdesc_find().
 *
 * Some attributes depend on how the function was built (a root port with a power
 * controller has Power Controller Control writable, one without has it RO 0):
 * a descriptor states the attributes with the feature present and lists the bits
 * that vary in var[], with the condition that enables them; pcisim_regdesc_eval()
 * gives the attributes for one function.
 */
#ifndef PCISIM_PCIE_REGDESC_H
#define PCISIM_PCIE_REGDESC_H

#include <stddef.h>
#include <stdint.h>

#include "sim/pcie/cfgspace.h"

/* Where a register lives. */
enum pcisim_rd_space {
	PCISIM_RD_HDR, /* configuration header: @off is absolute */
	PCISIM_RD_CAP, /* standard capability @cap_id: @off from its start */
	PCISIM_RD_EXT, /* extended capability @cap_id: @off from its header */
};

/* When a register exists, beyond its capability being present. */
enum pcisim_rd_cond {
	PCISIM_RD_C_ALWAYS,
	PCISIM_RD_C_TYPE0,      /* header type 0 */
	PCISIM_RD_C_TYPE1,      /* header type 1 (bridge) */
	PCISIM_RD_C_EXP_V2,     /* PCIe capability version 2 */
	PCISIM_RD_C_EXP_SLOT,   /* PCIe Slot Implemented */
	PCISIM_RD_C_EXP_SLOT_V2, /* version 2 with Slot Implemented */
	PCISIM_RD_C_EXP_ROOT,   /* Root Port or Root Complex Event Collector */
	PCISIM_RD_C_MSI64,      /* MSI 64-bit address capable */
	PCISIM_RD_C_MSI_MASK,   /* MSI per-vector masking capable */
	PCISIM_RD_C_DPC_RP_EXT, /* DPC with Root Port extensions */
};

/*
 * Conditions for the varying bits. For a RW kind, bits whose condition is off
 * are read-only zero (not RW, RW1C, sticky or read-as-zero); for UNCHECK, bits
 * whose condition is on are left out of cmask; for STICKY, bits whose condition
 * is off are not sticky.
 */
enum pcisim_rd_var {
	PCISIM_RD_V_NONE,
	PCISIM_RD_V_FLR,          /* RW: Device Capabilities FLR (pcie_cap_flr_init) */
	PCISIM_RD_V_DEVERR,       /* RW: pcie_cap_deverr_init (PCISIM_CFG_F_DEVERR) */
	PCISIM_RD_V_ARI,          /* RW: Device Capabilities 2 ARI Forwarding */
	PCISIM_RD_V_PCP,          /* RW: Slot Capabilities Power Controller Present */
	PCISIM_RD_V_LNKCTL,       /* RW: pcie_cap_lnkctl_init (PCISIM_CFG_F_LNKCTL_RW) */
	PCISIM_RD_V_PDS,          /* UNCHECK: QEMU >= 8.1 (PCISIM_CFG_F_PDS_UNCHECKED) */
	PCISIM_RD_V_UNC_MASK,     /* RW: x-pcie-err-unc-mask (PCISIM_CFG_F_AER_UNC_MASK) */
	PCISIM_RD_V_MHRC,         /* RW: AER Multiple Header Recording Capable */
	PCISIM_RD_V_MSI_VECS,     /* RW: mask bits of the vectors MSI offers */
	PCISIM_RD_V_PM_STATE,     /* RW: PowerState writable (PCISIM_CFG_F_PM_STATE_RW) */
	PCISIM_RD_V_PME,          /* RW: PMC lists PME_Support states */
	PCISIM_RD_V_PME_D3COLD,   /* STICKY: PMC PME from D3cold */
	PCISIM_RD_V_ACS,          /* RW: the ACS Capability bits */
	PCISIM_RD_V_DPC,          /* RW: DPC Control bits of supported DPC features */
	PCISIM_RD_V_NOT_PCIE_PORT, /* RW: not a PCIe port (pcie_port_init_reg clears them) */
	PCISIM_RD_V_SEC_LAT,      /* RW: unless PCISIM_CFG_F_SEC_LAT_RO */
	PCISIM_RD_V_IO,           /* RW: unless PCISIM_CFG_F_NO_IO (pcie-root-port io-reserve=0) */
	PCISIM_RD_V_BAR,          /* all attributes from pcisim_cfg_register_bar() */
};

#define PCISIM_RD_F_MSI64_SHIFT 0x01 /* @off moves up 4 bytes when MSI is 64-bit */

struct pcisim_regvar {
	uint8_t kind;  /* enum pcisim_rd_var */
	uint32_t bits;
};

/**
 * struct pcisim_regdesc - one register. The masks partition the register's bits:
 * every bit is in exactly one of @ro, @rw, @rw1c, @rsvdp (reserved bits are RO
 * zero here too). @hwinit (within @ro) are set at init from the function's
 * configuration, so @reset says nothing about them; @rz (within @rw) are writable
 * so the device's write hook sees a 1 and then clears them (they read 0: Initiate
 * FLR, Electromechanical Interlock Control, DPC Software Trigger); @uncheck are
 * left out of QEMU's cmask (not compared on migration); @sticky survive warm reset
 * and FLR.
 */
struct pcisim_regdesc {
	const char *name;
	uint8_t space;         /* enum pcisim_rd_space */
	uint8_t cond;          /* enum pcisim_rd_cond */
	uint8_t width;         /* 1, 2 or 4 bytes */
	uint8_t flags;         /* PCISIM_RD_F_* */
	uint16_t cap_id;
	uint16_t off;
	uint32_t reset, ro, rw, rw1c, rsvdp, sticky, hwinit, rz, uncheck;
	struct pcisim_regvar var[3];
	const char *spec;      /* the spec table and QEMU function it follows */
};

/** struct pcisim_regattr - a register's attributes in one function. */
struct pcisim_regattr {
	uint32_t reset, ro, rw, rw1c, rsvdp, sticky, hwinit, rz, uncheck;
};

/** pcisim_regdesc_table() - every descriptor; @n gets their number. */
const struct pcisim_regdesc *pcisim_regdesc_table(size_t *n);

/** pcisim_regdesc_lookup() - the descriptor named @name, or NULL. */
const struct pcisim_regdesc *pcisim_regdesc_lookup(const char *name);

/**
 * pcisim_regdesc_names() - all register names, NULL-terminated, in table order
 * (for "valid choices" in error messages and for `state:` keys).
 */
const char *const *pcisim_regdesc_names(void);

/**
 * pcisim_regdesc_find() - resolve register @name in function @c: its absolute
 * config-space offset in @abs_off and its descriptor in @desc (either may be NULL).
 * Return: 0; -PCISIM_EINVAL when no register has that name; -PCISIM_ENOENT when
 * @c does not have it (capability absent, or e.g. slot_status on an endpoint).
 */
int pcisim_regdesc_find(const struct pcisim_cfg *c, const char *name, uint16_t *abs_off,
			const struct pcisim_regdesc **desc);

/**
 * pcisim_regdesc_read() - the current value of register @name in @c (hardware
 * view: no side effects). Return: as pcisim_regdesc_find().
 */
int pcisim_regdesc_read(const struct pcisim_cfg *c, const char *name, uint32_t *val);

/**
 * pcisim_regdesc_eval() - the attributes of register @d in function @c, with the
 * varying bits resolved (see enum pcisim_rd_var). @c must have the register.
 */
void pcisim_regdesc_eval(const struct pcisim_cfg *c, const struct pcisim_regdesc *d,
			 struct pcisim_regattr *a);

#endif
