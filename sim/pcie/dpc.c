/*
 * Downstream Port Containment: trigger, containment and release (dpc.h describes
 * the model; PCIe r5.0 §6.2.10 and §7.9.15).
 */
#include "sim/pcie/dpc.h"

#include <stdio.h>

#include "sim/core/trace.h"
#include "sim/pcie/port.h"
#include "sim/pcie/regs/dpc.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/pcie/reset.h"

uint16_t pcisim_dpc_off(const struct pcisim_port *p)
{
	if (!p || !p->fn.cfg.bytes)
		return 0;
	return pcisim_cfg_find_ext_cap(&p->fn.cfg, PCI_EXT_CAP_ID_DPC);
}

bool pcisim_dpc_would_trigger(uint16_t ctl, enum pcisim_dpc_reason reason, bool fatal)
{
	switch (ctl & PCI_EXP_DPC_CTL_EN_MASK) {
	case PCI_EXP_DPC_CTL_EN_FATAL:
		return reason == PCISIM_DPC_FATAL || (reason == PCISIM_DPC_UNCOR && fatal);
	case PCI_EXP_DPC_CTL_EN_NONFATAL:
		return reason == PCISIM_DPC_FATAL || reason == PCISIM_DPC_NONFATAL || reason == PCISIM_DPC_UNCOR;
	default:
		return false; /* 00b disabled, 11b reserved */
	}
}

uint16_t pcisim_dpc_status(const struct pcisim_port *p)
{
	uint16_t dpc = pcisim_dpc_off(p);
	return dpc ? pcisim_cfg_get16(&p->fn.cfg, (uint16_t)(dpc + PCI_EXP_DPC_STATUS)) : 0;
}

bool pcisim_dpc_triggered(const struct pcisim_port *p)
{
	return pcisim_dpc_status(p) & PCI_EXP_DPC_STATUS_TRIGGER;
}

static const char *const reason_names[] = {"unmasked uncorrectable error", "ERR_NONFATAL",
					   "ERR_FATAL", "software trigger"};

static void bdf_str(uint16_t id, char *buf, size_t n)
{
	snprintf(buf, n, "%02x:%02x.%x", id >> 8, (id >> 3) & 0x1f, id & 7);
}

static void trigger(struct pcisim_port *p, uint16_t dpc, enum pcisim_dpc_reason reason,
		    uint16_t source_id)
{
	struct pcisim_cfg *c = &p->fn.cfg;
	uint16_t ctl = pcisim_cfg_get16(c, (uint16_t)(dpc + PCI_EXP_DPC_CTL));
	uint16_t st = pcisim_cfg_get16(c, (uint16_t)(dpc + PCI_EXP_DPC_STATUS));
	st &= (uint16_t)~(PCI_EXP_DPC_STATUS_TRIGGER_RSN | PCI_EXP_DPC_STATUS_TRIGGER_RSN_EXT);
	st |= PCI_EXP_DPC_STATUS_TRIGGER | (uint16_t)(reason << 1);
	if (reason == PCISIM_DPC_EXT)
		st |= PCI_EXP_DPC_STATUS_TRIGGER_RSN_SW_TRIGGER;
	bool irq = ctl & PCI_EXP_DPC_CTL_INT_EN;
	if (irq)
		st |= PCI_EXP_DPC_STATUS_INTERRUPT;
	pcisim_cfg_set(c, (uint16_t)(dpc + PCI_EXP_DPC_STATUS), st, 2);
	pcisim_cfg_set(c, (uint16_t)(dpc + PCI_EXP_DPC_SOURCE_ID), source_id, 2);
	char src[16];
	bdf_str(source_id, src, sizeof(src));
	PCISIM_RECORD(p->fn.comp.sim, &p->fn.comp, "dpc.trigger", PCISIM_FS("reason", reason_names[reason]),
		      PCISIM_FS("source", src), PCISIM_FX("status", st));
	/* Containment: the link below goes to Disabled and stays there. */
	struct pcisim_link *l = &p->link;
	if (l->port) {
		pcisim_link_hold(l, (uint8_t)(PCISIM_LINK_HOLD_DPC | PCISIM_LINK_HOLD_DISABLE), "DPC containment");
		pcisim_reset_below(p, PCISIM_RESET_WARM, "link down (DPC containment)");
	}
	if (irq)
		pcisim_port_notify(p, true);
}

bool pcisim_dpc_error(struct pcisim_port *p, enum pcisim_dpc_reason reason, bool fatal,
		      uint16_t source_id)
{
	uint16_t dpc = pcisim_dpc_off(p);
	if (!dpc)
		return false;
	uint16_t ctl = pcisim_cfg_get16(&p->fn.cfg, (uint16_t)(dpc + PCI_EXP_DPC_CTL));
	if (!pcisim_dpc_would_trigger(ctl, reason, fatal))
		return false;
	if (pcisim_dpc_triggered(p)) {
		char src[16];
		bdf_str(source_id, src, sizeof(src));
		PCISIM_RECORD(p->fn.comp.sim, &p->fn.comp, "dpc.discard",
			      PCISIM_FS("reason", reason_names[reason]), PCISIM_FS("source", src));
		return true;
	}
	trigger(p, dpc, reason, source_id);
	return true;
}

static bool overlaps(uint16_t off, unsigned len, uint16_t reg, unsigned rlen)
{
	return off < reg + rlen && off + len > reg;
}

void pcisim_dpc_port_cfg_written(struct pcisim_port *p, uint16_t old_status, uint16_t off,
				 uint32_t val, unsigned len)
{
	(void)val;
	if (off + len <= PCI_CFG_SPACE_SIZE)
		return; /* extended capabilities start at 0x100: no walk for header writes */
	uint16_t dpc = pcisim_dpc_off(p);
	if (!dpc || !overlaps(off, len, (uint16_t)(dpc + PCI_EXP_DPC_CTL), 4))
		return;
	struct pcisim_cfg *c = &p->fn.cfg;
	uint16_t st = pcisim_cfg_get16(c, (uint16_t)(dpc + PCI_EXP_DPC_STATUS));
	if ((old_status & PCI_EXP_DPC_STATUS_TRIGGER) && !(st & PCI_EXP_DPC_STATUS_TRIGGER)) {
		PCISIM_RECORD(p->fn.comp.sim, &p->fn.comp, "dpc.release", PCISIM_FX("status", st));
		struct pcisim_link *l = &p->link;
		uint8_t bits = PCISIM_LINK_HOLD_DPC;
		uint16_t lnkctl = p->exp ? pcisim_cfg_get16(c, (uint16_t)(p->exp + PCI_EXP_LNKCTL)) : 0;
		if (!(lnkctl & PCI_EXP_LNKCTL_LD))
			bits |= PCISIM_LINK_HOLD_DISABLE;
		if (l->port)
			pcisim_link_release(l, bits, "DPC Trigger Status cleared");
	}
	/* DPC Software Trigger: reads 0; triggers when DPC is enabled and not triggered. */
	uint16_t ctl = pcisim_cfg_get16(c, (uint16_t)(dpc + PCI_EXP_DPC_CTL));
	if (ctl & PCI_EXP_DPC_CTL_SW_TRIGGER) {
		pcisim_cfg_clrbits(c, (uint16_t)(dpc + PCI_EXP_DPC_CTL), 2, PCI_EXP_DPC_CTL_SW_TRIGGER);
		unsigned en = ctl & PCI_EXP_DPC_CTL_EN_MASK;
		if ((en == PCI_EXP_DPC_CTL_EN_FATAL || en == PCI_EXP_DPC_CTL_EN_NONFATAL) &&
		    !(st & PCI_EXP_DPC_STATUS_TRIGGER))
			trigger(p, dpc, PCISIM_DPC_EXT, pcisim_fn_bdf(&p->fn));
	}
}

static const struct pcisim_record_kind dpc_kinds[] = {
	{"dpc.trigger", "a port's DPC triggered and contained its link (fields: reason, source, status)"},
	{"dpc.release", "DPC Trigger Status was cleared: the link may train (fields: status)"},
	{"dpc.discard", "an error that would trigger DPC arrived while contained (fields: reason, source)"},
	{0},
};

void pcisim_dpc_register(void)
{
	pcisim_record_kinds_add(dpc_kinds);
}
