/*
 * Capability builders: the reset values and per-byte masks QEMU's capability init
 * functions give a function (hw/pci/pcie.c, pcie_aer.c, msi.c, msix.c,
 * pci_bridge.c), plus the spec's sticky attributes QEMU does not model. Every step
 * names the QEMU function it mirrors; the facts and what was checked against QEMU's
 * source are in docs/config-space.md. The presets that assemble whole QEMU devices
 * from these builders are in caps_qemu.c.
 */
#include "sim/pcie/caps.h"

#include <assert.h>

#include "sim/core/diag.h"
#include "sim/pcie/regs/acs.h"
#include "sim/pcie/regs/aer.h"
#include "sim/pcie/regs/dpc.h"
#include "sim/pcie/regs/msi.h"
#include "sim/pcie/regs/msix.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/pcie/regs/pm.h"

/* ---- small helpers: registers and masks relative to a capability ---- */

static void set16(struct pcisim_cfg *c, uint16_t pos, uint16_t reg, uint32_t v)
{
	pcisim_cfg_set(c, (uint16_t)(pos + reg), v, 2);
}

static void set32(struct pcisim_cfg *c, uint16_t pos, uint16_t reg, uint32_t v)
{
	pcisim_cfg_set(c, (uint16_t)(pos + reg), v, 4);
}

static void or16(struct pcisim_cfg *c, uint16_t pos, uint16_t reg, uint32_t v)
{
	pcisim_cfg_setbits(c, (uint16_t)(pos + reg), 2, v);
}

static void or32(struct pcisim_cfg *c, uint16_t pos, uint16_t reg, uint32_t v)
{
	pcisim_cfg_setbits(c, (uint16_t)(pos + reg), 4, v);
}

static void clr16(struct pcisim_cfg *c, uint16_t pos, uint16_t reg, uint32_t v)
{
	pcisim_cfg_clrbits(c, (uint16_t)(pos + reg), 2, v);
}

static void mset(struct pcisim_cfg *c, enum pcisim_cfg_mask m, uint16_t pos, uint16_t reg,
		 unsigned len, uint32_t v)
{
	pcisim_cfg_mask_set(c, m, (uint16_t)(pos + reg), len, v);
}

static void mor(struct pcisim_cfg *c, enum pcisim_cfg_mask m, uint16_t pos, uint16_t reg,
		unsigned len, uint32_t v)
{
	pcisim_cfg_mask_or(c, m, (uint16_t)(pos + reg), len, v);
}

static void mclr(struct pcisim_cfg *c, enum pcisim_cfg_mask m, uint16_t pos, uint16_t reg,
		 unsigned len, uint32_t v)
{
	pcisim_cfg_mask_clr(c, m, (uint16_t)(pos + reg), len, v);
}

/* ---- small standard capabilities ---- */

int pcisim_cap_ssvid_init(struct pcisim_cfg *c, uint8_t off, uint16_t svid, uint16_t ssid)
{
	/* pci_bridge_ssvid_init() (hw/pci/pci_bridge.c) */
	uint16_t pos = pcisim_cfg_add_cap(c, PCI_CAP_ID_SSVID, off, PCISIM_SSVID_SIZEOF);
	if (!pos)
		return PCISIM_ERR(PCISIM_EINVAL);
	set16(c, pos, PCI_SSVID_VENDOR_ID, svid);
	set16(c, pos, PCI_SSVID_DEVICE_ID, ssid);
	return pos;
}

int pcisim_cap_pm_init(struct pcisim_cfg *c, uint8_t off, const struct pcisim_pm_config *cfg)
{
	/* pci_pm_init() adds the 8-byte capability; the device sets PMC and the PMCSR
	 * masks (PM r1.2 §3.2.3-3.2.4). */
	uint16_t pos = pcisim_cfg_add_cap(c, PCI_CAP_ID_PM, off, PCI_PM_SIZEOF);
	if (!pos)
		return PCISIM_ERR(PCISIM_EINVAL);
	set16(c, pos, PCI_PM_PMC, cfg->pmc);
	set16(c, pos, PCI_PM_CTRL, cfg->no_soft_reset ? PCI_PM_CTRL_NO_SOFT_RESET : 0);
	uint16_t w = 0;
	if (cfg->state_rw) {
		w |= PCI_PM_CTRL_STATE_MASK;
		pcisim_cfg_set_flags(c, PCISIM_CFG_F_PM_STATE_RW);
	}
	if (cfg->pmc & PCI_PM_CAP_PME_MASK) {
		w |= PCI_PM_CTRL_PME_ENABLE;
		mset(c, PCISIM_W1CMASK, pos, PCI_PM_CTRL, 2, PCI_PM_CTRL_PME_STATUS);
		/* PME_En is RWS and PME_Status RW1CS when PME can come from D3cold. */
		if (cfg->pmc & PCI_PM_CAP_PME_D3cold)
			mset(c, PCISIM_STICKY, pos, PCI_PM_CTRL, 2,
			     PCI_PM_CTRL_PME_ENABLE | PCI_PM_CTRL_PME_STATUS);
	}
	mset(c, PCISIM_WMASK, pos, PCI_PM_CTRL, 2, w);
	return pos;
}

int pcisim_cap_msi_init(struct pcisim_cfg *c, uint8_t off, unsigned nr_vectors, bool msi64,
			bool per_vector_mask)
{
	/* msi_init() (hw/pci/msi.c) */
	if (!nr_vectors || nr_vectors > PCISIM_MSI_VECTORS_MAX || (nr_vectors & (nr_vectors - 1)))
		return PCISIM_ERR(PCISIM_EINVAL);
	uint16_t flags = (uint16_t)PCISIM_FIELD_PREP(PCI_MSI_FLAGS_QMASK, __builtin_ctz(nr_vectors));
	if (msi64)
		flags |= PCI_MSI_FLAGS_64BIT;
	if (per_vector_mask)
		flags |= PCI_MSI_FLAGS_MASKBIT;
	uint16_t size = per_vector_mask ? (msi64 ? PCISIM_MSI_64M_SIZEOF : PCISIM_MSI_32M_SIZEOF)
					: (msi64 ? PCISIM_MSI_64_SIZEOF : PCISIM_MSI_32_SIZEOF);
	uint16_t pos = pcisim_cfg_add_cap(c, PCI_CAP_ID_MSI, off, size);
	if (!pos)
		return PCISIM_ERR(PCISIM_EINVAL);
	set16(c, pos, PCI_MSI_FLAGS, flags);
	mset(c, PCISIM_WMASK, pos, PCI_MSI_FLAGS, 2, PCISIM_MSI_FLAGS_WMASK);
	mset(c, PCISIM_WMASK, pos, PCI_MSI_ADDRESS_LO, 4, PCISIM_MSI_ADDRESS_LO_MASK);
	if (msi64)
		mset(c, PCISIM_WMASK, pos, PCI_MSI_ADDRESS_HI, 4, 0xffffffff);
	mset(c, PCISIM_WMASK, pos, msi64 ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32, 2, 0xffff);
	if (per_vector_mask)
		mset(c, PCISIM_WMASK, pos, msi64 ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32, 4,
		     0xffffffffu >> (PCISIM_MSI_VECTORS_MAX - nr_vectors));
	return pos;
}

int pcisim_cap_msix_init(struct pcisim_cfg *c, uint8_t off, unsigned nr_vectors,
			 uint8_t table_bar, uint32_t table_off, uint8_t pba_bar, uint32_t pba_off)
{
	/* msix_init() (hw/pci/msix.c): sanity checks, then the 12-byte capability. */
	if (!nr_vectors || nr_vectors > PCISIM_MSIX_VECTORS_MAX || table_bar > 5 || pba_bar > 5 ||
	    ((table_off | pba_off) & PCI_MSIX_TABLE_BIR))
		return PCISIM_ERR(PCISIM_EINVAL);
	uint64_t table_size = (uint64_t)nr_vectors * PCI_MSIX_ENTRY_SIZE;
	uint64_t pba_size = ((nr_vectors + 63u) / 64u) * 8u;
	if (table_bar == pba_bar && (uint64_t)table_off < pba_off + pba_size &&
	    (uint64_t)pba_off < table_off + table_size)
		return PCISIM_ERR(PCISIM_EINVAL);
	uint16_t pos = pcisim_cfg_add_cap(c, PCI_CAP_ID_MSIX, off, PCI_CAP_MSIX_SIZEOF);
	if (!pos)
		return PCISIM_ERR(PCISIM_EINVAL);
	set16(c, pos, PCI_MSIX_FLAGS, nr_vectors - 1);
	set32(c, pos, PCI_MSIX_TABLE, table_off | table_bar);
	set32(c, pos, PCI_MSIX_PBA, pba_off | pba_bar);
	mor(c, PCISIM_WMASK, pos, PCI_MSIX_FLAGS, 2, PCISIM_MSIX_FLAGS_WMASK);
	return pos;
}

int pcisim_cap_msix_init_exclusive_bar(struct pcisim_cfg *c, unsigned nr_vectors, uint8_t bar)
{
	/* msix_init_exclusive_bar(): 4 KiB with the PBA in the upper half unless the
	 * table needs more; the BAR size is then the next power of two. */
	if (!nr_vectors || nr_vectors > PCISIM_MSIX_VECTORS_MAX)
		return PCISIM_ERR(PCISIM_EINVAL);
	uint32_t bar_size = PCISIM_MSIX_EXCLUSIVE_BAR_SIZE;
	uint32_t pba_off = PCISIM_MSIX_EXCLUSIVE_PBA_OFFSET;
	uint32_t pba_size = ((nr_vectors + 63u) / 64u) * 8u;
	if (nr_vectors * PCI_MSIX_ENTRY_SIZE > pba_off)
		pba_off = nr_vectors * PCI_MSIX_ENTRY_SIZE;
	if (pba_off + pba_size > bar_size)
		bar_size = pba_off + pba_size;
	while (bar_size & (bar_size - 1))
		bar_size += bar_size & -bar_size;
	int pos = pcisim_cap_msix_init(c, 0, nr_vectors, bar, 0, bar, pba_off);
	if (pos < 0)
		return pos;
	int rc = pcisim_cfg_register_bar(c, bar, bar_size, 0);
	return rc < 0 ? rc : pos;
}

int pcisim_cap_qemu_res_reserve_init(struct pcisim_cfg *c, uint8_t off,
				     const struct pcisim_res_reserve *r)
{
	/* pci_bridge_qemu_reserve_cap_init() (hw/pci/pci_bridge.c) */
	const uint64_t four_g = 1ull << 32;
	if (r->pref32 != UINT64_MAX && r->pref64 != UINT64_MAX)
		return PCISIM_ERR(PCISIM_EINVAL);
	if ((r->mem != UINT64_MAX && r->mem >= four_g) || (r->pref32 != UINT64_MAX && r->pref32 >= four_g))
		return PCISIM_ERR(PCISIM_EINVAL);
	if (r->bus == UINT32_MAX && r->io == UINT64_MAX && r->mem == UINT64_MAX &&
	    r->pref32 == UINT64_MAX && r->pref64 == UINT64_MAX)
		return 0;
	uint16_t pos = pcisim_cfg_add_cap(c, PCI_CAP_ID_VNDR, off, PCISIM_REDHAT_CAP_RES_SIZEOF);
	if (!pos)
		return PCISIM_ERR(PCISIM_EINVAL);
	pcisim_cfg_set(c, (uint16_t)(pos + PCISIM_REDHAT_CAP_LEN), PCISIM_REDHAT_CAP_RES_SIZEOF, 1);
	pcisim_cfg_set(c, (uint16_t)(pos + PCISIM_REDHAT_CAP_TYPE), PCISIM_REDHAT_CAP_RESOURCE_RESERVE, 1);
	set32(c, pos, PCISIM_REDHAT_CAP_RES_BUS, r->bus);
	set32(c, pos, PCISIM_REDHAT_CAP_RES_IO, (uint32_t)r->io);
	set32(c, pos, PCISIM_REDHAT_CAP_RES_IO + 4, (uint32_t)(r->io >> 32));
	set32(c, pos, PCISIM_REDHAT_CAP_RES_MEM, (uint32_t)r->mem);
	set32(c, pos, PCISIM_REDHAT_CAP_RES_PREF32, (uint32_t)r->pref32);
	set32(c, pos, PCISIM_REDHAT_CAP_RES_PREF64, (uint32_t)r->pref64);
	set32(c, pos, PCISIM_REDHAT_CAP_RES_PREF64 + 4, (uint32_t)(r->pref64 >> 32));
	return pos;
}

/* ---- PCI Express capability ---- */

/* pcie_cap_fill_lnk(): LNKCAP width/speed, Target Link Speed, LNKCAP2 vector. */
static void exp_fill_lnk(struct pcisim_cfg *c, uint16_t pos, uint8_t speed, uint8_t width)
{
	uint32_t lnkcap = pcisim_cfg_get32(c, (uint16_t)(pos + PCI_EXP_LNKCAP));
	lnkcap &= ~(uint32_t)(PCI_EXP_LNKCAP_MLW | PCI_EXP_LNKCAP_SLS);
	lnkcap |= PCISIM_FIELD_PREP(PCI_EXP_LNKCAP_MLW, width) | PCISIM_FIELD_PREP(PCI_EXP_LNKCAP_SLS, speed);
	set32(c, pos, PCI_EXP_LNKCAP, lnkcap);
	if (speed > PCISIM_LNK_2_5GT) {
		/* "Target Link Speed defaults to the highest link speed supported" */
		clr16(c, pos, PCI_EXP_LNKCTL2, PCI_EXP_LNKCTL2_TLS);
		or16(c, pos, PCI_EXP_LNKCTL2, PCISIM_FIELD_PREP(PCI_EXP_LNKCTL2_TLS, speed));
	}
	if (speed > PCISIM_LNK_5GT) {
		/* 8 GT/s and up are named by the LNKCAP2 vector; all lower speeds too. */
		uint32_t v = PCI_EXP_LNKCAP2_SLS_2_5GB | PCI_EXP_LNKCAP2_SLS_5_0GB | PCI_EXP_LNKCAP2_SLS_8_0GB;
		if (speed > PCISIM_LNK_8GT)
			v |= PCI_EXP_LNKCAP2_SLS_16_0GB;
		if (speed > PCISIM_LNK_16GT)
			v |= PCI_EXP_LNKCAP2_SLS_32_0GB;
		if (speed > PCISIM_LNK_32GT)
			v |= PCI_EXP_LNKCAP2_SLS_64_0GB;
		set32(c, pos, PCI_EXP_LNKCAP2, v);
	}
}

/* pcie_cap_fill_slot_lnk(): root and switch downstream ports. */
static void exp_fill_slot_lnk(struct pcisim_cfg *c, uint16_t pos, const struct pcisim_exp_config *x)
{
	exp_fill_lnk(c, pos, x->speed, x->width);
	/* "Link bandwidth notification is required for all root ports and downstream
	 * ports supporting links wider than x1 or multiple link speeds." */
	if (x->width > 1 || x->speed > PCISIM_LNK_2_5GT)
		or32(c, pos, PCI_EXP_LNKCAP, PCI_EXP_LNKCAP_LBNC);
	if (x->speed > PCISIM_LNK_2_5GT) {
		/* DLLLARC hardwired 1 above 2.5 GT/s (not for 2.5 GT/s "for compatibility");
		 * before QEMU 6.0 DLLLA was hardwired 1 too, now it follows plug/unplug. */
		or32(c, pos, PCI_EXP_LNKCAP, PCI_EXP_LNKCAP_DLLLARC);
		if (!(x->qemu & PCISIM_QEMU_DLLLA_AT_PLUG))
			or16(c, pos, PCI_EXP_LNKSTA, PCI_EXP_LNKSTA_DLLLA);
	}
}

/* pcie_cap_fill_link_ep_usp(): endpoints and upstream ports with a set speed. */
static void exp_fill_ep_lnk(struct pcisim_cfg *c, uint16_t pos, uint8_t speed, uint8_t width)
{
	clr16(c, pos, PCI_EXP_LNKSTA, PCI_EXP_LNKSTA_CLS | PCI_EXP_LNKSTA_NLW);
	or16(c, pos, PCI_EXP_LNKSTA, PCISIM_FIELD_PREP(PCI_EXP_LNKSTA_NLW, width) |
				     PCISIM_FIELD_PREP(PCI_EXP_LNKSTA_CLS, speed));
	exp_fill_lnk(c, pos, speed, width);
}

/* pcie_cap_slot_init() */
static void exp_slot_init(struct pcisim_cfg *c, uint16_t pos, const struct pcisim_exp_config *x)
{
	or16(c, pos, PCI_EXP_FLAGS, PCI_EXP_FLAGS_SLOT);
	uint32_t sltcap = PCISIM_FIELD_PREP(PCI_EXP_SLTCAP_PSN, x->slot_nr) | PCI_EXP_SLTCAP_EIP |
			  PCI_EXP_SLTCAP_PIP | PCI_EXP_SLTCAP_AIP | PCI_EXP_SLTCAP_ABP;
	if (x->hotplug && !(x->qemu & PCISIM_QEMU_HIDE_HPC))
		sltcap |= PCI_EXP_SLTCAP_HPS | PCI_EXP_SLTCAP_HPC;
	uint16_t sltctl = (uint16_t)pcisim_cfg_get(c, (uint16_t)(pos + PCI_EXP_SLTCTL), 2);
	if (x->power_controller) {
		/* QEMU_PCIE_SLTCAP_PCP: power controller present, power on, PCC writable */
		sltcap |= PCI_EXP_SLTCAP_PCP;
		sltctl &= (uint16_t)~PCI_EXP_SLTCTL_PCC;
		mor(c, PCISIM_WMASK, pos, PCI_EXP_SLTCTL, 2, PCI_EXP_SLTCTL_PCC);
	}
	set32(c, pos, PCI_EXP_SLTCAP, sltcap);
	/* indicators off */
	sltctl = (uint16_t)((sltctl & ~(PCI_EXP_SLTCTL_PIC | PCI_EXP_SLTCTL_AIC)) |
			    PCI_EXP_SLTCTL_PWR_IND_OFF | PCI_EXP_SLTCTL_ATTN_IND_OFF);
	set16(c, pos, PCI_EXP_SLTCTL, sltctl);
	/* EIC is writable only so the write hook sees the 1; it reads 0 after it. */
	mor(c, PCISIM_WMASK, pos, PCI_EXP_SLTCTL, 2,
	    PCI_EXP_SLTCTL_PIC | PCI_EXP_SLTCTL_AIC | PCI_EXP_SLTCTL_HPIE | PCI_EXP_SLTCTL_CCIE |
	    PCI_EXP_SLTCTL_PDCE | PCI_EXP_SLTCTL_ABPE | PCI_EXP_SLTCTL_EIC);
	/* PCI_EXP_HP_EV_SUPPORTED: ABP|PDC|CC = 0x19 */
	mor(c, PCISIM_W1CMASK, pos, PCI_EXP_SLTSTA, 2, PCISIM_EXP_HP_EV_SUPPORTED);
	if (x->qemu & PCISIM_QEMU_PDS_UNCHECKED) {
		/* commit 625b370c45f4: "Avoid migration abortion when this device
		 * hot-removed by guest" (PDS is RO, PCIe r5.0 Table 7-27) */
		mclr(c, PCISIM_CMASK, pos, PCI_EXP_SLTSTA, 2, PCI_EXP_SLTSTA_PDS);
		pcisim_cfg_set_flags(c, PCISIM_CFG_F_PDS_UNCHECKED);
	} else {
		pcisim_cfg_clr_flags(c, PCISIM_CFG_F_PDS_UNCHECKED);
	}
}

int pcisim_cap_exp_init(struct pcisim_cfg *c, const struct pcisim_exp_config *x)
{
	uint8_t ver = x->version == 1 ? PCI_EXP_FLAGS_VER1 : PCI_EXP_FLAGS_VER2;
	bool port = x->type == PCI_EXP_TYPE_ROOT_PORT || x->type == PCI_EXP_TYPE_DOWNSTREAM;
	if (c->size != PCISIM_CFG_PCIE_SIZE || x->type > PCI_EXP_TYPE_RC_EC || x->msg_nr >= 32 ||
	    x->width > 32 || x->speed > PCISIM_LNK_64GT ||
	    (ver == PCI_EXP_FLAGS_VER1 && (x->slot || x->arifwd || x->type == PCI_EXP_TYPE_ROOT_PORT)))
		return PCISIM_ERR(PCISIM_EINVAL);
	uint16_t pos = pcisim_cfg_add_cap(c, PCI_CAP_ID_EXP, x->offset,
					  ver == PCI_EXP_FLAGS_VER1 ? PCISIM_EXP_VER1_SIZEOF : PCISIM_EXP_VER2_SIZEOF);
	if (!pos)
		return PCISIM_ERR(PCISIM_EINVAL);

	/* pcie_cap_v1_fill(): type/version, RBER, x1 2.5 GT/s link, L0s support. */
	set16(c, pos, PCI_EXP_FLAGS, PCISIM_FIELD_PREP(PCI_EXP_FLAGS_TYPE, x->type) | ver);
	set32(c, pos, PCI_EXP_DEVCAP,
	      PCI_EXP_DEVCAP_RBER | (x->qemu & PCISIM_QEMU_EXT_TAG ? PCI_EXP_DEVCAP_EXT_TAG : 0));
	set32(c, pos, PCI_EXP_LNKCAP,
	      PCISIM_FIELD_PREP(PCI_EXP_LNKCAP_PN, x->port) | PCI_EXP_LNKCAP_ASPM_L0S |
		      PCISIM_FIELD_PREP(PCI_EXP_LNKCAP_MLW, 1) |
		      PCISIM_FIELD_PREP(PCI_EXP_LNKCAP_SLS, PCISIM_LNK_2_5GT));
	set16(c, pos, PCI_EXP_LNKSTA,
	      PCISIM_FIELD_PREP(PCI_EXP_LNKSTA_NLW, 1) | PCISIM_FIELD_PREP(PCI_EXP_LNKSTA_CLS, PCISIM_LNK_2_5GT));
	/* "We changed link status bits over time ... Let's not bother checking." */
	mset(c, PCISIM_CMASK, pos, PCI_EXP_LNKSTA, 2, 0);
	/* Aux Power PM Enable is RWS in the spec (r5.0 Table 7-20); QEMU keeps it RO 0. */
	mor(c, PCISIM_STICKY, pos, PCI_EXP_DEVCTL, 2, PCI_EXP_DEVCTL_AUX_PME);

	if (ver == PCI_EXP_FLAGS_VER2) {
		if (port)
			exp_fill_slot_lnk(c, pos, x);
		else if (x->speed)
			exp_fill_ep_lnk(c, pos, x->speed, x->width);
		/* v2 values: Extended Fmt Field and End-End TLP Prefix supported, prefix
		 * blocking writable (pcie_cap_init) */
		set32(c, pos, PCI_EXP_DEVCAP2, PCI_EXP_DEVCAP2_EFF | PCI_EXP_DEVCAP2_EETLPP);
		mset(c, PCISIM_WMASK, pos, PCI_EXP_DEVCTL2, 2, PCI_EXP_DEVCTL2_EETLPPB);
		/* Link Control 2 RWS fields (r5.0 Table 7-35); QEMU keeps them RO. */
		mor(c, PCISIM_STICKY, pos, PCI_EXP_LNKCTL2, 2, PCISIM_EXP_LNKCTL2_STICKY);
	}
	if (x->flr) {
		/* pcie_cap_flr_init(): Initiate FLR writable so the hook sees the 1 */
		or32(c, pos, PCI_EXP_DEVCAP, PCI_EXP_DEVCAP_FLR);
		mor(c, PCISIM_WMASK, pos, PCI_EXP_DEVCTL, 2, PCI_EXP_DEVCTL_BCR_FLR);
	}
	if (x->deverr) {
		/* pcie_cap_deverr_init() */
		or32(c, pos, PCI_EXP_DEVCAP, PCI_EXP_DEVCAP_RBER);
		mor(c, PCISIM_WMASK, pos, PCI_EXP_DEVCTL, 2, PCISIM_EXP_DEVCTL_ERR_EN);
		mor(c, PCISIM_W1CMASK, pos, PCI_EXP_DEVSTA, 2, PCISIM_EXP_DEVSTA_ERR);
		pcisim_cfg_set_flags(c, PCISIM_CFG_F_DEVERR);
	}
	if (x->arifwd) {
		/* pcie_cap_arifwd_init() */
		or32(c, pos, PCI_EXP_DEVCAP2, PCI_EXP_DEVCAP2_ARI);
		mor(c, PCISIM_WMASK, pos, PCI_EXP_DEVCTL2, 2, PCI_EXP_DEVCTL2_ARI);
	}
	if (x->slot)
		exp_slot_init(c, pos, x);
	if (x->type == PCI_EXP_TYPE_ROOT_PORT) {
		/* pcie_cap_root_init(): PME isn't emulated */
		mset(c, PCISIM_WMASK, pos, PCI_EXP_RTCTL, 2,
		     PCI_EXP_RTCTL_SECEE | PCI_EXP_RTCTL_SENFEE | PCI_EXP_RTCTL_SEFEE);
	}
	if (x->lnkctl) {
		/* pcie_cap_lnkctl_init() */
		mor(c, PCISIM_WMASK, pos, PCI_EXP_LNKCTL, 2, PCI_EXP_LNKCTL_CCC | PCI_EXP_LNKCTL_ES);
		pcisim_cfg_set_flags(c, PCISIM_CFG_F_LNKCTL_RW);
	}
	/* pcie_cap_flags_set_vector() */
	clr16(c, pos, PCI_EXP_FLAGS, PCI_EXP_FLAGS_IRQ);
	or16(c, pos, PCI_EXP_FLAGS, PCISIM_FIELD_PREP(PCI_EXP_FLAGS_IRQ, x->msg_nr));
	return pos;
}

int pcisim_cap_exp_type(const struct pcisim_cfg *c)
{
	uint16_t pos = pcisim_cfg_find_cap(c, PCI_CAP_ID_EXP);
	if (!pos)
		return -1;
	return (int)PCISIM_FIELD_GET(PCI_EXP_FLAGS_TYPE, pcisim_cfg_get16(c, (uint16_t)(pos + PCI_EXP_FLAGS)));
}

static uint16_t exp_pos(const struct pcisim_cfg *c, uint16_t exp)
{
	if (!exp)
		exp = pcisim_cfg_find_cap(c, PCI_CAP_ID_EXP);
	/* Calling these on a function without a PCIe capability is a programmer error. */
	assert(exp);
	return exp;
}

static uint16_t reg16_update(struct pcisim_cfg *c, uint16_t exp, uint16_t reg, uint16_t set,
			     uint16_t clr)
{
	uint16_t a = (uint16_t)(exp_pos(c, exp) + reg);
	uint16_t old = pcisim_cfg_get16(c, a);
	pcisim_cfg_set(c, a, (uint16_t)((old & ~clr) | set), 2);
	return (uint16_t)(old & (set | clr));
}

uint32_t pcisim_cap_exp_slot_cap(const struct pcisim_cfg *c, uint16_t exp)
{
	return pcisim_cfg_get32(c, (uint16_t)(exp_pos(c, exp) + PCI_EXP_SLTCAP));
}

uint16_t pcisim_cap_exp_slot_ctl(const struct pcisim_cfg *c, uint16_t exp)
{
	return pcisim_cfg_get16(c, (uint16_t)(exp_pos(c, exp) + PCI_EXP_SLTCTL));
}

uint16_t pcisim_cap_exp_slot_sta(const struct pcisim_cfg *c, uint16_t exp)
{
	return pcisim_cfg_get16(c, (uint16_t)(exp_pos(c, exp) + PCI_EXP_SLTSTA));
}

void pcisim_cap_exp_slot_get(const struct pcisim_cfg *c, uint16_t exp, uint16_t *ctl, uint16_t *sta)
{
	exp = exp_pos(c, exp);
	*ctl = pcisim_cfg_get16(c, (uint16_t)(exp + PCI_EXP_SLTCTL));
	*sta = pcisim_cfg_get16(c, (uint16_t)(exp + PCI_EXP_SLTSTA));
}

uint16_t pcisim_cap_exp_slot_ctl_set(struct pcisim_cfg *c, uint16_t exp, uint16_t bits)
{
	return reg16_update(c, exp, PCI_EXP_SLTCTL, bits, 0);
}

uint16_t pcisim_cap_exp_slot_ctl_clr(struct pcisim_cfg *c, uint16_t exp, uint16_t bits)
{
	return reg16_update(c, exp, PCI_EXP_SLTCTL, 0, bits);
}

uint16_t pcisim_cap_exp_slot_sta_set(struct pcisim_cfg *c, uint16_t exp, uint16_t bits)
{
	return reg16_update(c, exp, PCI_EXP_SLTSTA, bits, 0);
}

uint16_t pcisim_cap_exp_slot_sta_clr(struct pcisim_cfg *c, uint16_t exp, uint16_t bits)
{
	return reg16_update(c, exp, PCI_EXP_SLTSTA, 0, bits);
}

uint16_t pcisim_cap_exp_lnk_sta(const struct pcisim_cfg *c, uint16_t exp)
{
	return pcisim_cfg_get16(c, (uint16_t)(exp_pos(c, exp) + PCI_EXP_LNKSTA));
}

uint16_t pcisim_cap_exp_lnk_sta_set(struct pcisim_cfg *c, uint16_t exp, uint16_t bits)
{
	return reg16_update(c, exp, PCI_EXP_LNKSTA, bits, 0);
}

uint16_t pcisim_cap_exp_lnk_sta_clr(struct pcisim_cfg *c, uint16_t exp, uint16_t bits)
{
	return reg16_update(c, exp, PCI_EXP_LNKSTA, 0, bits);
}

/* ---- extended capabilities ---- */

int pcisim_cap_aer_init(struct pcisim_cfg *c, const struct pcisim_aer_config *a)
{
	/* pcie_aer_init() needs the port type (pcie_cap_get_type asserts the cap). */
	int type = pcisim_cap_exp_type(c);
	if (type < 0 || a->log_max > PCISIM_ERR_LOG_MAX_LIMIT || a->root_msg_nr >= 32)
		return PCISIM_ERR(PCISIM_EINVAL);
	uint16_t pos = pcisim_cfg_add_ext_cap(c, PCI_EXT_CAP_ID_ERR, PCISIM_ERR_VER, a->offset,
					      PCISIM_ERR_SIZEOF);
	if (!pos)
		return PCISIM_ERR(PCISIM_EINVAL);

	/* Uncorrectable Error Status: RW1CS (r5.0 Table 7-93) */
	mset(c, PCISIM_W1CMASK, pos, PCI_ERR_UNCOR_STATUS, 4, PCISIM_ERR_UNC_SUPPORTED);
	mset(c, PCISIM_STICKY, pos, PCI_ERR_UNCOR_STATUS, 4, PCISIM_ERR_UNC_SUPPORTED);
	/* Uncorrectable Error Mask: RWS (Table 7-94); QEMU < 8.0 machines keep it RO 0 */
	if (a->qemu & PCISIM_QEMU_AER_UNC_MASK) {
		set32(c, pos, PCI_ERR_UNCOR_MASK, PCISIM_ERR_UNC_MASK_DEFAULT);
		mset(c, PCISIM_WMASK, pos, PCI_ERR_UNCOR_MASK, 4, PCISIM_ERR_UNC_SUPPORTED);
		mset(c, PCISIM_STICKY, pos, PCI_ERR_UNCOR_MASK, 4, PCISIM_ERR_UNC_SUPPORTED);
		pcisim_cfg_set_flags(c, PCISIM_CFG_F_AER_UNC_MASK);
	} else {
		pcisim_cfg_clr_flags(c, PCISIM_CFG_F_AER_UNC_MASK);
	}
	/* Uncorrectable Error Severity: RWS (Table 7-95), default per Table 6-5 */
	set32(c, pos, PCI_ERR_UNCOR_SEVER, PCISIM_ERR_UNC_SEVERITY_DEFAULT);
	mset(c, PCISIM_WMASK, pos, PCI_ERR_UNCOR_SEVER, 4, PCISIM_ERR_UNC_SUPPORTED);
	mset(c, PCISIM_STICKY, pos, PCI_ERR_UNCOR_SEVER, 4, PCISIM_ERR_UNC_SUPPORTED);
	/* Correctable Error Status: RW1CS (Table 7-96) */
	mor(c, PCISIM_W1CMASK, pos, PCI_ERR_COR_STATUS, 4, PCISIM_ERR_COR_SUPPORTED);
	mset(c, PCISIM_STICKY, pos, PCI_ERR_COR_STATUS, 4, PCISIM_ERR_COR_SUPPORTED);
	/* Correctable Error Mask: RWS (Table 7-97); QEMU masks ANF, internal, overflow */
	set32(c, pos, PCI_ERR_COR_MASK, PCISIM_ERR_COR_MASK_DEFAULT);
	mset(c, PCISIM_WMASK, pos, PCI_ERR_COR_MASK, 4, PCISIM_ERR_COR_SUPPORTED);
	mset(c, PCISIM_STICKY, pos, PCI_ERR_COR_MASK, 4, PCISIM_ERR_COR_SUPPORTED);
	/* Advanced Error Capabilities and Control (Table 7-98) */
	uint32_t capc = PCI_ERR_CAP_ECRC_GENC | PCI_ERR_CAP_ECRC_CHKC;
	uint32_t capw = PCI_ERR_CAP_ECRC_GENE | PCI_ERR_CAP_ECRC_CHKE;
	if (a->log_max > 0) {
		capc |= PCI_ERR_CAP_MHRC;
		capw |= PCI_ERR_CAP_MHRE;
	}
	set32(c, pos, PCI_ERR_CAP, capc);
	mset(c, PCISIM_WMASK, pos, PCI_ERR_CAP, 4, capw);
	mset(c, PCISIM_STICKY, pos, PCI_ERR_CAP, 4, capw | PCI_ERR_CAP_FEP_MASK | PCI_ERR_CAP_TLP);
	/* Header Log and TLP Prefix Log: ROS (§7.8.4.8, §7.8.4.12) */
	pcisim_cfg_mask_fill(c, PCISIM_STICKY, (uint16_t)(pos + PCI_ERR_HEADER_LOG),
			     PCISIM_ERR_HEADER_LOG_SIZE, 0xff);
	pcisim_cfg_mask_fill(c, PCISIM_STICKY, (uint16_t)(pos + PCI_ERR_PREFIX_LOG),
			     PCISIM_ERR_TLP_PREFIX_LOG_SIZE, 0xff);

	if (type == PCI_EXP_TYPE_ROOT_PORT || type == PCI_EXP_TYPE_DOWNSTREAM ||
	    type == PCI_EXP_TYPE_UPSTREAM) {
		/* Ports forward ERR_* only with Bridge Control SERR Enable. QEMU also ORs
		 * PCI_SEC_STATUS_RCV_SYSTEM_ERROR into the w1cmask of *Status* (0x06),
		 * where that bit is Signaled System Error and already RW1C: Secondary
		 * Status stays read-only. Modelled as QEMU does it. */
		pcisim_cfg_mask_or(c, PCISIM_WMASK, PCI_BRIDGE_CONTROL, 2, PCI_BRIDGE_CTL_SERR);
		pcisim_cfg_mask_or(c, PCISIM_W1CMASK, PCI_STATUS, 2, PCI_SEC_STATUS_RCV_SYSTEM_ERROR);
	}
	if (a->root) {
		/* pcie_aer_root_init(); the vector is rp_aer_vector_update()'s */
		mset(c, PCISIM_WMASK, pos, PCI_ERR_ROOT_COMMAND, 4, PCISIM_ERR_ROOT_CMD_EN_MASK);
		mset(c, PCISIM_W1CMASK, pos, PCI_ERR_ROOT_STATUS, 4, PCISIM_ERR_ROOT_STATUS_REPORT_MASK);
		mset(c, PCISIM_CMASK, pos, PCI_ERR_ROOT_STATUS, 4, ~(uint32_t)PCI_ERR_ROOT_AER_IRQ);
		mset(c, PCISIM_STICKY, pos, PCI_ERR_ROOT_STATUS, 4, PCISIM_ERR_ROOT_STATUS_REPORT_MASK);
		mset(c, PCISIM_STICKY, pos, PCI_ERR_ROOT_ERR_SRC, 4, 0xffffffff);
		set32(c, pos, PCI_ERR_ROOT_STATUS, PCISIM_FIELD_PREP(PCI_ERR_ROOT_AER_IRQ, a->root_msg_nr));
	}
	return pos;
}

int pcisim_cap_acs_init(struct pcisim_cfg *c, uint16_t off)
{
	/* pcie_acs_init() */
	int type = pcisim_cap_exp_type(c);
	bool downstream = type == PCI_EXP_TYPE_ROOT_PORT || type == PCI_EXP_TYPE_DOWNSTREAM;
	uint16_t pos = pcisim_cfg_add_ext_cap(c, PCI_EXT_CAP_ID_ACS, PCISIM_ACS_VER, off, PCISIM_ACS_SIZEOF);
	if (!pos)
		return PCISIM_ERR(PCISIM_EINVAL);
	uint16_t bits = downstream ? PCISIM_ACS_DOWNSTREAM_SUPPORTED : 0;
	set16(c, pos, PCI_ACS_CAP, bits);
	mset(c, PCISIM_WMASK, pos, PCI_ACS_CTRL, 2, bits);
	return pos;
}

int pcisim_cap_dpc_init(struct pcisim_cfg *c, const struct pcisim_dpc_config *d)
{
	uint8_t log = d->rp_pio_log_size ? d->rp_pio_log_size : 4;
	if (d->msg_nr >= 32 || (d->rp_ext && (log < 4 || log > 9)))
		return PCISIM_ERR(PCISIM_EINVAL);
	uint16_t size = d->rp_ext ? (uint16_t)(PCI_EXP_DPC_RP_PIO_HEADER_LOG + 4u * log) : PCISIM_DPC_SIZEOF;
	uint16_t pos = pcisim_cfg_add_ext_cap(c, PCI_EXT_CAP_ID_DPC, PCISIM_DPC_VER, d->offset, size);
	if (!pos)
		return PCISIM_ERR(PCISIM_EINVAL);
	/* DPC Capability (r5.0 §7.9.15.2) */
	uint32_t cap = PCISIM_FIELD_PREP(PCI_EXP_DPC_IRQ, d->msg_nr);
	uint32_t ctl = PCI_EXP_DPC_CTL_EN_MASK | PCI_EXP_DPC_CTL_CPL | PCI_EXP_DPC_CTL_INT_EN |
		       PCI_EXP_DPC_CTL_ERR_COR_EN;
	if (d->rp_ext)
		cap |= PCI_EXP_DPC_CAP_RP_EXT | PCISIM_FIELD_PREP(PCI_EXP_DPC_RP_PIO_LOG_SIZE, log);
	if (d->poisoned_tlp) {
		cap |= PCI_EXP_DPC_CAP_POISONED_TLP;
		ctl |= PCI_EXP_DPC_CTL_POISONED_TLP;
	}
	if (d->sw_trigger) {
		cap |= PCI_EXP_DPC_CAP_SW_TRIGGER;
		ctl |= PCI_EXP_DPC_CTL_SW_TRIGGER;
	}
	if (d->dl_active) {
		cap |= PCI_EXP_DPC_CAP_DL_ACTIVE;
		ctl |= PCI_EXP_DPC_CTL_DL_ACTIVE;
	}
	set16(c, pos, PCI_EXP_DPC_CAP, cap);
	/* DPC Control (§7.9.15.3): RW */
	mset(c, PCISIM_WMASK, pos, PCI_EXP_DPC_CTL, 2, ctl);
	/* DPC Status (§7.9.15.4) and Source ID (§7.9.15.5) */
	mset(c, PCISIM_W1CMASK, pos, PCI_EXP_DPC_STATUS, 2,
	     PCI_EXP_DPC_STATUS_TRIGGER | PCI_EXP_DPC_STATUS_INTERRUPT);
	mset(c, PCISIM_STICKY, pos, PCI_EXP_DPC_STATUS, 2,
	     PCI_EXP_DPC_STATUS_TRIGGER | PCI_EXP_DPC_STATUS_TRIGGER_RSN |
		     PCI_EXP_DPC_STATUS_TRIGGER_RSN_EXT | PCI_EXP_DPC_RP_PIO_FEP);
	mset(c, PCISIM_STICKY, pos, PCI_EXP_DPC_SOURCE_ID, 2, 0xffff);
	if (d->rp_ext) {
		/* RP PIO registers (§7.9.15.6-7.9.15.12) */
		mset(c, PCISIM_W1CMASK, pos, PCI_EXP_DPC_RP_PIO_STATUS, 4, PCISIM_DPC_RP_PIO_SUPPORTED);
		set32(c, pos, PCI_EXP_DPC_RP_PIO_MASK, PCISIM_DPC_RP_PIO_SUPPORTED);
		for (uint16_t r = PCI_EXP_DPC_RP_PIO_STATUS; r <= PCI_EXP_DPC_RP_PIO_EXCEPTION; r += 4) {
			mset(c, PCISIM_STICKY, pos, r, 4, PCISIM_DPC_RP_PIO_SUPPORTED);
			if (r != PCI_EXP_DPC_RP_PIO_STATUS)
				mset(c, PCISIM_WMASK, pos, r, 4, PCISIM_DPC_RP_PIO_SUPPORTED);
		}
		pcisim_cfg_mask_fill(c, PCISIM_STICKY, (uint16_t)(pos + PCI_EXP_DPC_RP_PIO_HEADER_LOG),
				     (unsigned)(size - PCI_EXP_DPC_RP_PIO_HEADER_LOG), 0xff);
	}
	return pos;
}
