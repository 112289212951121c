/*
 * Linux's CXL drivers at boot (host: {cxl: on}), as the guest sees them:
 *
 *  - cxl_acpi (drivers/cxl/acpi.c): the root "root0", one root decoder decoder0.N per
 *    CEDT CFMWS (a fixed memory window: base, size, interleave ways and granularity,
 *    its host bridges), and a port per host bridge listed by a window (cxl_acpi adds
 *    host bridges as ports, "port1", "port2", ...), its dports the CXL root ports below.
 *  - cxl_port (drivers/cxl/port.c, hdm.c): a port with a single dport gets a
 *    passthrough decoder (devm_cxl_add_passthrough_decoder: nothing is programmed);
 *    otherwise its HDM Decoder Capability gives the decoder count, and each decoder is
 *    read once (init_hdm_decoder).
 *  - cxl_pci (drivers/cxl/pci.c): binds by class code 0x050210 only; the Register
 *    Locator DVSEC (cxl_find_regblock: BIR, block identifier 1 = component, 3 = memory
 *    device, offset) gives the blocks; the device block's capability array the
 *    mailbox and the memory device status (cxl_probe_device_regs); the mailbox must be
 *    ready (cxl_pci_setup_mailbox); Identify Memory Device (cxl_dev_state_identify)
 *    gives the firmware revision, capacities and LSA size. Every command goes through
 *    the doorbell protocol of __cxl_pci_mbox_send_cmd: Doorbell clear, payload,
 *    Command, Doorbell set, poll Doorbell clear (up to 2 s), Status, Command's length,
 *    payload out.
 *  - cxl_port on a switch: a memdev below a cxl-downstream makes the cxl-upstream
 *    above it a port below the host bridge's (its BAR assigned, its component block
 *    from its Register Locator DVSEC, its dports the downstream ports).
 *  - cxl_mem (drivers/cxl/mem.c): the memdev's endpoint port "endpointN" under its
 *    switch's or host bridge's port, its decoders from the device's component block.
 *  - error handling: cxl_ras.c; a memdev plugged after boot is probed when Linux
 *    enumerates it (pcisim_cxl_host_fn_added).
 *
 * The firmware has not assigned BARs in pcisim (the fabric leaves them 0), so the
 * model assigns the memdev's memory BARs first, as pci_assign_unassigned_resources
 * does, from a 32-bit window at 0xc0000000, each aligned to its size. Boot-time
 * accesses are instant (cfg.h: PCISIM_INSTANT_BOOT); QEMU completes a mailbox command
 * inside the MMIO write, so the first poll finds Doorbell clear.
 */
#include "sim/host/cxl_host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cxl/cxl_dvsec.h"
#include "sim/cxl/fmw.h"
#include "sim/cxl/hdm.h"
#include "sim/cxl/regs.h"
#include "sim/host/cfg.h"
#include "sim/host/host.h"
#include "sim/pcie/mmio.h"
#include "sim/pcie/port.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/core/heap.h"

#define CXL_CLASS_MEMDEV 0x050210       /* PCI_CLASS_MEMORY_CXL << 8 | 0x10 (cxl_mem_pci_tbl) */
#define CXL_REGLOC_BLOCK1 0x0c          /* PCI_DVSEC_ID_CXL_REGLOC_BLOCK1_OFFSET */
#define CXL_REGLOC_BIR 0x7
#define CXL_REGLOC_BLOCK_ID 0xff00
#define CXL_REGLOC_ADDR_LO 0xffff0000u
#define CXL_REGLOC_COMPONENT 1          /* CXL_REGLOC_RBI_COMPONENT */
#define CXL_REGLOC_MEMDEV 3             /* CXL_REGLOC_RBI_MEMDEV */
#define CXL_OP_IDENTIFY 0x4000
#define CXL_MBOX_TIMEOUT (2000 * PCISIM_MS) /* CXL_MAILBOX_TIMEOUT_MS */
#define BAR_WINDOW 0xc0000000ull

static const struct pcisim_ext_key cxl_host_key = {"host.cxl"};

struct pcisim_cxl_host *pcisim_cxl_host_of(struct pcisim_sim *sim)
{
	return pcisim_ext_get(sim, &cxl_host_key);
}

/* ---- register access ---- */

uint64_t pcisim_cxlh_dev_read(struct pcisim_cxlh_memdev *m, uint64_t off, unsigned len)
{
	struct pcisim_mmio_target t = pcisim_mmio_bar_target(m->fn, (unsigned)m->dev_bar, m->dev_off + off);
	return pcisim_mmio_read(&t, len);
}

#define dev_read pcisim_cxlh_dev_read

uint32_t pcisim_cxlh_comp_read(struct pcisim_cxl_host *c, const struct pcisim_cxlh_port *p, uint64_t off)
{
	if (!p->endpoint && p->comp_bar < 0) /* a host bridge's CHBS: no BAR decodes it */
		return p->fn->comp.removed ? 0xffffffffu : (uint32_t)pcisim_cxl_component_read(p->fn, off, 4);
	if (!p->endpoint) {
		struct pcisim_mmio_target t = pcisim_mmio_bar_target(p->fn, (unsigned)p->comp_bar, p->comp_off + off);
		return (uint32_t)pcisim_mmio_read(&t, 4);
	}
	struct pcisim_cxlh_memdev *m = c->memdevs[p->memdev];
	struct pcisim_mmio_target t = pcisim_mmio_bar_target(m->fn, (unsigned)m->comp_bar, m->comp_off + off);
	return (uint32_t)pcisim_mmio_read(&t, 4);
}

bool pcisim_cxlh_comp_write(struct pcisim_cxl_host *c, const struct pcisim_cxlh_port *p, uint64_t off,
			    uint32_t val)
{
	if (!p->endpoint && p->comp_bar < 0) {
		if (p->fn->comp.removed)
			return false;
		pcisim_cxl_component_write(p->fn, off, 4, val);
		return true;
	}
	if (!p->endpoint) {
		struct pcisim_mmio_target t = pcisim_mmio_bar_target(p->fn, (unsigned)p->comp_bar, p->comp_off + off);
		return pcisim_mmio_write(&t, val, 4);
	}
	struct pcisim_cxlh_memdev *m = c->memdevs[p->memdev];
	struct pcisim_mmio_target t = pcisim_mmio_bar_target(m->fn, (unsigned)m->comp_bar, m->comp_off + off);
	return pcisim_mmio_write(&t, val, 4);
}

/* ---- BARs ---- */

/* Size and place every unassigned memory BAR of @fn (the PCI core's resource assignment). */
static void assign_bars(struct pcisim_cxl_host *c, struct pcisim_pcifn *fn)
{
	for (unsigned bar = 0; bar < 6; bar++) {
		uint16_t off = (uint16_t)(PCI_BASE_ADDRESS_0 + 4 * bar);
		uint32_t lo = pcisim_host_cfg_read_instant(fn, off, 4, PCISIM_INSTANT_BOOT);
		if (lo & PCI_BASE_ADDRESS_SPACE_IO)
			continue;
		bool is64 = (lo & 0x6) == PCI_BASE_ADDRESS_MEM_TYPE_64; /* Memory Type [2:1] */
		pcisim_host_cfg_write_instant(fn, off, 0xffffffffu, 4, PCISIM_INSTANT_BOOT);
		uint32_t probe = pcisim_host_cfg_read_instant(fn, off, 4, PCISIM_INSTANT_BOOT);
		pcisim_host_cfg_write_instant(fn, off, lo, 4, PCISIM_INSTANT_BOOT);
		uint64_t mask = probe & ~0xfull;
		uint64_t size = mask ? (~mask + 1) & 0xffffffffull : 0;
		bool assigned = (lo & ~0xfu) != 0;
		if (is64 && !assigned)
			assigned = pcisim_host_cfg_read_instant(fn, (uint16_t)(off + 4), 4, PCISIM_INSTANT_BOOT) != 0;
		if (size && !assigned) {
			uint64_t base = (c->mmio_next + size - 1) & ~(size - 1);
			c->mmio_next = base + size;
			pcisim_host_cfg_write_instant(fn, off, (uint32_t)base | (lo & 0xf), 4, PCISIM_INSTANT_BOOT);
			if (is64)
				pcisim_host_cfg_write_instant(fn, (uint16_t)(off + 4), 0, 4, PCISIM_INSTANT_BOOT);
			char bdf[32];
			pcisim_fn_bdf_str(fn, bdf, sizeof(bdf));
			pcisim_log(fn->comp.sim, &fn->comp, "linux", "pci %s: BAR %u [mem %#010llx-%#010llx%s]: assigned",
				   bdf, bar, (unsigned long long)base, (unsigned long long)(base + size - 1),
				   is64 ? " 64bit" : "");
		}
		if (is64)
			bar++;
	}
}

/* ---- the mailbox ---- */

/* The mailbox's block as a BAR access decodes it now. */
static struct pcisim_mmio_target mbox_decode(const struct pcisim_cxlh_memdev *m)
{
	return pcisim_mmio_bar_target(m->fn, (unsigned)m->dev_bar, m->dev_off + m->mbox);
}

/* Register @reg of the mailbox decoded as @box, in @t. */
static const struct pcisim_mmio_target *mbox_reg(const struct pcisim_mmio_target *box, unsigned reg,
						 struct pcisim_mmio_target *t)
{
	*t = pcisim_mmio_target_at(box, reg - CXL_MBOX_OFFSET);
	return t;
}

/*
 * __cxl_pci_mbox_send_cmd(): one command through the doorbell. Returns the mailbox
 * return code, or -1 when the doorbell never cleared (or the device is gone); the
 * output payload (up to @out_max bytes) into @out, its length into @out_len.
 */
int pcisim_cxlh_mbox(struct pcisim_cxl_host *c, struct pcisim_cxlh_memdev *m, uint16_t opcode, const uint8_t *in,
		     unsigned in_len, uint8_t *out, unsigned out_max, unsigned *out_len)
{
	struct pcisim_sim *sim = m->fn->comp.sim;
	(void)c;
	int rc = -1;
	/*
	 * The accesses of one command happen at one instant, so the mailbox is decoded
	 * once before the doorbell and once after it (the command runs inside the
	 * doorbell's write and may change what decodes), not once per register.
	 */
	struct pcisim_mmio_target box = mbox_decode(m), t;
	/* "Mailbox re-busy": Doorbell must be clear before anything is written */
	if (pcisim_mmio_read(mbox_reg(&box, CXL_MBOX_CTRL, &t), 4) & CXL_MBOX_CTRL_DOORBELL)
		goto done;
	/* the payload registers are little-endian bytes: pack and unpack them as such */
	for (unsigned i = 0; i < in_len; i += 4) {
		uint32_t w = 0;
		for (unsigned b = 0; b < 4 && i + b < in_len; b++)
			w |= (uint32_t)in[i + b] << (8 * b);
		pcisim_mmio_write(mbox_reg(&box, CXL_MBOX_PAYLOAD + i, &t), w, 4);
	}
	pcisim_mmio_write(mbox_reg(&box, CXL_MBOX_CMD, &t), (uint64_t)opcode | (uint64_t)in_len << 16, 8);
	pcisim_mmio_write(mbox_reg(&box, CXL_MBOX_CTRL, &t), CXL_MBOX_CTRL_DOORBELL, 4);
	box = mbox_decode(m);
	/* cxl_pci_mbox_wait_for_doorbell(): QEMU has answered inside the write */
	if (pcisim_mmio_read(mbox_reg(&box, CXL_MBOX_CTRL, &t), 4) & CXL_MBOX_CTRL_DOORBELL)
		goto done;
	uint64_t st = pcisim_mmio_read(mbox_reg(&box, CXL_MBOX_STATUS, &t), 8);
	uint64_t cmd = pcisim_mmio_read(mbox_reg(&box, CXL_MBOX_CMD, &t), 8);
	rc = (int)((st >> 32) & 0xffff);
	unsigned n = (unsigned)((cmd >> 16) & 0x1fffff);
	if (n > out_max)
		n = out_max;
	for (unsigned i = 0; i < n; i += 4) {
		uint32_t w = (uint32_t)pcisim_mmio_read(mbox_reg(&box, CXL_MBOX_PAYLOAD + i, &t), 4);
		for (unsigned b = 0; b < 4 && i + b < n; b++)
			out[i + b] = (uint8_t)(w >> (8 * b));
	}
	*out_len = n;
done:
	PCISIM_RECORD(sim, &m->fn->comp, "cxl.mbox", PCISIM_FX("opcode", opcode), PCISIM_FI("rc", rc));
	return rc;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* ---- cxl_pci ---- */

/* pci_find_dvsec_capability(PCI_DVSEC_VENDOR_ID_CXL, @id) through config reads. */
static uint16_t find_dvsec(struct pcisim_pcifn *fn, uint16_t id)
{
	uint16_t off = 0x100;
	for (unsigned guard = 0; off && guard < 64; guard++) {
		uint32_t hdr = pcisim_host_cfg_read_instant(fn, off, 4, PCISIM_INSTANT_BOOT);
		if (hdr == 0 || hdr == 0xffffffffu)
			return 0;
		if (PCI_EXT_CAP_ID(hdr) == PCI_EXT_CAP_ID_DVSEC &&
		    (pcisim_host_cfg_read_instant(fn, (uint16_t)(off + PCI_DVSEC_HEADER1), 4, PCISIM_INSTANT_BOOT) &
		     PCI_DVSEC_HEADER1_VID) == PCISIM_CXL_VENDOR_ID &&
		    (pcisim_host_cfg_read_instant(fn, (uint16_t)(off + PCI_DVSEC_HEADER2), 2, PCISIM_INSTANT_BOOT) &
		     PCI_DVSEC_HEADER2_ID) == id)
			return off;
		off = PCI_EXT_CAP_NEXT(hdr);
	}
	return 0;
}

static uint64_t read_serial(struct pcisim_pcifn *fn)
{
	uint16_t off = 0x100;
	for (unsigned guard = 0; off && guard < 64; guard++) {
		uint32_t hdr = pcisim_host_cfg_read_instant(fn, off, 4, PCISIM_INSTANT_BOOT);
		if (hdr == 0 || hdr == 0xffffffffu)
			return 0;
		if (PCI_EXT_CAP_ID(hdr) == PCI_EXT_CAP_ID_DSN)
			return pcisim_host_cfg_read_instant(fn, (uint16_t)(off + 4), 4, PCISIM_INSTANT_BOOT) |
			       (uint64_t)pcisim_host_cfg_read_instant(fn, (uint16_t)(off + 8), 4, PCISIM_INSTANT_BOOT) << 32;
		off = PCI_EXT_CAP_NEXT(hdr);
	}
	return 0;
}

/* cxl_find_regblock(): block @want's BAR and offset in @fn's Register Locator DVSEC; false: none. */
static bool find_regblock(struct pcisim_pcifn *fn, unsigned want, int *bar, uint64_t *off)
{
	uint16_t dv = find_dvsec(fn, PCISIM_CXL_DVSEC_REG_LOCATOR);
	if (!dv)
		return false;
	uint32_t h1 = pcisim_host_cfg_read_instant(fn, (uint16_t)(dv + PCI_DVSEC_HEADER1), 4, PCISIM_INSTANT_BOOT);
	unsigned len = (h1 & PCI_DVSEC_HEADER1_LEN) >> 20;
	for (unsigned i = CXL_REGLOC_BLOCK1; i + 8 <= len; i += 8) {
		uint32_t lo = pcisim_host_cfg_read_instant(fn, (uint16_t)(dv + i), 4, PCISIM_INSTANT_BOOT);
		uint32_t hi = pcisim_host_cfg_read_instant(fn, (uint16_t)(dv + i + 4), 4, PCISIM_INSTANT_BOOT);
		if (((lo & CXL_REGLOC_BLOCK_ID) >> 8) == want) {
			*bar = (int)(lo & CXL_REGLOC_BIR);
			*off = (lo & CXL_REGLOC_ADDR_LO) | (uint64_t)hi << 32;
			return true;
		}
	}
	return false;
}

/* The component and memory device blocks of a memdev. */
static bool find_regblocks(struct pcisim_cxlh_memdev *m)
{
	m->comp_bar = m->dev_bar = -1;
	return find_regblock(m->fn, CXL_REGLOC_COMPONENT, &m->comp_bar, &m->comp_off) &&
	       find_regblock(m->fn, CXL_REGLOC_MEMDEV, &m->dev_bar, &m->dev_off);
}

/* cxl_probe_device_regs(): the mailbox and memory device status from the capability array. */
static bool probe_device_regs(struct pcisim_cxlh_memdev *m)
{
	uint64_t arr = dev_read(m, CXL_DEV_CAP_ARRAY, 8);
	if ((arr & 0xffff) != 0)  /* CXLDEV_CAP_ARRAY_CAP_ID */
		return false;
	unsigned n = (unsigned)((arr >> 32) & 0xffff);
	for (unsigned i = 0; i < n && i < 16; i++) {
		uint32_t id = (uint32_t)dev_read(m, CXL_DEV_CAP_HDR(i), 4) & 0xffff;
		uint32_t off = (uint32_t)dev_read(m, CXL_DEV_CAP_HDR(i) + 4, 4);
		if (id == CXL_DEV_CAP_ID_MAILBOX)
			m->mbox = off;
		else if (id == CXL_DEV_CAP_ID_MEMDEV)
			m->memdev_status = off;
	}
	return m->mbox && m->memdev_status;
}

static int port_of_fn(struct pcisim_cxl_host *c, const struct pcisim_pcifn *fn)
{
	for (unsigned i = 0; i < c->nports; i++)
		if (c->ports[i].fn == fn && !c->ports[i].endpoint)
			return (int)i;
	return -1;
}

/* init_hdm_decoder() for every decoder: what a port's decoders hold at probe. */
static void enumerate_decoders(struct pcisim_cxl_host *c, struct pcisim_cxlh_port *p)
{
	uint32_t cap = pcisim_cxlh_comp_read(c, p, PCISIM_CXL_CM_OFFSET + CXL_HDM_CAP);
	unsigned enc = cap & CXL_HDM_CAP_COUNT;
	p->ndecoders = cap == 0xffffffffu ? 0 : enc ? enc * 2 : 1; /* cxl_hdm_decoder_count() */
	if (p->ndecoders > PCISIM_CXLH_MAX_DECODERS)
		p->ndecoders = PCISIM_CXLH_MAX_DECODERS;
	for (unsigned i = 0; i < p->ndecoders; i++) {
		struct pcisim_cxlh_decoder *d = &p->dec[i];
		memset(d, 0, sizeof(*d));
		d->region = -1;
		uint32_t ctrl = pcisim_cxlh_comp_read(c, p, PCISIM_CXL_CM_OFFSET + CXL_HDM_DEC(i) + CXL_HDM_CTRL);
		d->committed = (ctrl & CXL_HDM_CTRL_COMMITTED) != 0;
	}
	/* devm_cxl_enable_hdm(): HDM Decoder Enable in the global control */
	if (p->ndecoders && !p->passthrough)
		pcisim_cxlh_comp_write(c, p, PCISIM_CXL_CM_OFFSET + CXL_HDM_GLOBAL_CTRL, CXL_HDM_GLOBAL_ENABLE);
}

/* The port ida: the lowest number no live port holds (an endpoint of a removed memdev is gone). */
static unsigned free_port_id(const struct pcisim_cxl_host *c)
{
	for (unsigned id = 1;; id++) {
		bool taken = false;
		for (unsigned i = 0; i < c->nports; i++) {
			const struct pcisim_cxlh_port *p = &c->ports[i];
			bool dead = p->endpoint && c->memdevs[p->memdev]->removed;
			taken |= !dead && p->id == id;
		}
		if (!taken)
			return id;
	}
}

/* cxl_acpi: a port for host bridge @fn with its CXL root ports as dports. */
static int add_hb_port(struct pcisim_cxl_host *c, struct pcisim_pcifn *fn)
{
	int k = port_of_fn(c, fn);
	if (k >= 0 || c->nports == PCISIM_CXLH_MAX_PORTS)
		return k;
	struct pcisim_cxlh_port *p = &c->ports[c->nports];
	memset(p, 0, sizeof(*p));
	p->id = free_port_id(c);
	p->fn = fn;
	p->memdev = -1;
	p->parent = -1;
	p->comp_bar = -1;
	for (uint16_t i = 0; fn->secondary && i < fn->secondary->nfns && p->ndports < 8; i++) {
		struct pcisim_pcifn *rp = fn->secondary->fns[i];
		if (rp->comp.removed || !pcisim_is_port(rp) || !pcisim_host_visible(c->h, rp))
			continue;
		uint16_t exp = pcisim_to_port(rp)->exp;
		uint32_t lnkcap = pcisim_host_cfg_read_instant(rp, (uint16_t)(exp + PCI_EXP_LNKCAP), 4, PCISIM_INSTANT_BOOT);
		p->dport_pn[p->ndports] = (uint8_t)(lnkcap >> 24);
		p->dports[p->ndports++] = rp;
	}
	/* cxl_port_probe(): one dport, a passthrough decoder (drivers/cxl/port.c) */
	p->passthrough = p->ndports == 1;
	enumerate_decoders(c, p);
	char host[32];
	snprintf(host, sizeof(host), "pci0000:%02x", fn->secondary ? fn->secondary->number : 0);
	PCISIM_RECORD(fn->comp.sim, &fn->comp, "cxl.port", PCISIM_FU("port", p->id), PCISIM_FS("host", host),
		      PCISIM_FU("dports", p->ndports), PCISIM_FU("decoders", p->ndecoders),
		      PCISIM_FB("passthrough", p->passthrough));
	return (int)c->nports++;
}

/*
 * cxl_port for a switch (drivers/cxl/port.c cxl_switch_port_probe): a port for the
 * upstream port @usp below port @hb (the host bridge's, or the switch above's), its
 * dports the downstream ports below it, its component block (BAR assigned first) and
 * decoders.
 */
static int add_switch_port(struct pcisim_cxl_host *c, struct pcisim_pcifn *usp, int hb)
{
	for (unsigned i = 0; i < c->nports; i++)
		if (c->ports[i].fn == usp && !c->ports[i].endpoint)
			return (int)i;
	if (c->nports == PCISIM_CXLH_MAX_PORTS)
		return -1;
	struct pcisim_cxlh_port *p = &c->ports[c->nports];
	memset(p, 0, sizeof(*p));
	p->fn = usp;
	p->memdev = -1;
	p->parent = hb;
	p->comp_bar = -1;
	assign_bars(c, usp);
	if (!find_regblock(usp, CXL_REGLOC_COMPONENT, &p->comp_bar, &p->comp_off)) {
		pcisim_log(usp->comp.sim, &usp->comp, "linux", "cxl_port: %s: no component registers", usp->comp.name);
		return -1;
	}
	p->id = free_port_id(c);
	for (uint16_t i = 0; usp->secondary && i < usp->secondary->nfns && p->ndports < 8; i++) {
		struct pcisim_pcifn *ds = usp->secondary->fns[i];
		if (ds->comp.removed || !pcisim_is_port(ds) || !pcisim_host_visible(c->h, ds))
			continue;
		uint16_t exp = pcisim_to_port(ds)->exp;
		uint32_t lnkcap = pcisim_host_cfg_read_instant(ds, (uint16_t)(exp + PCI_EXP_LNKCAP), 4, PCISIM_INSTANT_BOOT);
		p->dport_pn[p->ndports] = (uint8_t)(lnkcap >> 24);
		p->dports[p->ndports++] = ds;
	}
	p->passthrough = p->ndports == 1;
	enumerate_decoders(c, p);
	char bdf[32];
	pcisim_fn_bdf_str(usp, bdf, sizeof(bdf));
	PCISIM_RECORD(usp->comp.sim, &usp->comp, "cxl.port", PCISIM_FU("port", p->id), PCISIM_FS("host", bdf),
		      PCISIM_FU("dports", p->ndports), PCISIM_FU("decoders", p->ndecoders),
		      PCISIM_FB("passthrough", p->passthrough));
	return (int)c->nports++;
}

static uint8_t port_number(struct pcisim_pcifn *port)
{
	uint16_t exp = pcisim_to_port(port)->exp;
	return (uint8_t)(pcisim_host_cfg_read_instant(port, (uint16_t)(exp + PCI_EXP_LNKCAP), 4, PCISIM_INSTANT_BOOT) >> 24);
}

/* cxl_pci_probe() and cxl_mem_probe() for @fn. */
static void probe_memdev(struct pcisim_cxl_host *c, struct pcisim_pcifn *fn)
{
	struct pcisim_sim *sim = fn->comp.sim;
	if (c->nmemdevs == PCISIM_CXLH_MAX_MEMDEVS)
		return;
	struct pcisim_cxlh_memdev **slot = &c->memdevs[c->nmemdevs];
	if (!*slot && !(*slot = pcisim_malloc(sizeof(**slot))))
		abort();
	struct pcisim_cxlh_memdev *m = *slot;
	memset(m, 0, sizeof(*m));
	m->fn = fn;
	m->hb_port = m->endpoint = -1;
	pcisim_fn_bdf_str(fn, m->bdf, sizeof(m->bdf));
	assign_bars(c, fn);
	/* pci_save_state() after probe: what cxl_slot_reset's pci_restore_state() writes back */
	for (unsigned b = 0; b < 6; b++)
		m->saved_bars[b] = pcisim_host_cfg_read_instant(fn, (uint16_t)(PCI_BASE_ADDRESS_0 + 4 * b), 4, PCISIM_INSTANT_BOOT);
	m->saved_cmd = (uint16_t)pcisim_host_cfg_read_instant(fn, PCI_COMMAND, 2, PCISIM_INSTANT_BOOT);
	if (!find_regblocks(m)) {
		pcisim_log(sim, &fn->comp, "linux", "cxl_pci %s: no register locator DVSEC blocks", m->bdf);
		return;
	}
	if (!probe_device_regs(m)) {
		pcisim_log(sim, &fn->comp, "linux", "cxl_pci %s: device registers not found", m->bdf);
		return;
	}
	/* cxl_pci_setup_mailbox(): Memory Device Status must show Mailbox Interface Ready */
	if (!(dev_read(m, m->memdev_status, 8) & CXL_MEMDEV_MBOX_READY)) {
		pcisim_log(sim, &fn->comp, "linux", "cxl_pci %s: timeout awaiting mailbox ready", m->bdf);
		return;
	}
	uint8_t out[0x80] = {0};
	unsigned n = 0;
	int rc = pcisim_cxlh_mbox(c, m, CXL_OP_IDENTIFY, NULL, 0, out, sizeof(out), &n);
	if (rc != 0 || n < 0x3c) {
		pcisim_log(sim, &fn->comp, "linux", "cxl_pci %s: Identify failed (%d)", m->bdf, rc);
		return;
	}
	memcpy(m->fw, out, 16);
	m->fw[16] = 0;
	uint64_t unit = 256ull << 20; /* CXL_CAPACITY_MULTIPLIER */
	m->ram = get64(out + 0x18) * unit;
	m->pmem = get64(out + 0x20) * unit;
	m->lsa = (uint32_t)out[0x38] | (uint32_t)out[0x39] << 8 | (uint32_t)out[0x3a] << 16 | (uint32_t)out[0x3b] << 24;
	m->serial = read_serial(fn);
	/* the memdev ida: the lowest number no live memdev holds (a re-plugged device gets it back) */
	for (m->id = 0;; m->id++) {
		bool taken = false;
		for (unsigned i = 0; i < c->nmemdevs; i++)
			taken |= !c->memdevs[i]->removed && c->memdevs[i]->id == m->id;
		if (!taken)
			break;
	}
	/* cxl_mem: the endpoint below its root port's host bridge port */
	/* directly below a root port, or below a switch's downstream port, whose switch may
	 * itself sit below another switch's downstream port (cxl_port enumerates each level) */
	struct pcisim_pcifn *dport = fn->bus ? fn->bus->bridge : NULL;
	struct pcisim_pcifn *usp[PCISIM_CXLH_MAX_SWITCH_LEVELS];
	uint8_t usp_pn[PCISIM_CXLH_MAX_SWITCH_LEVELS]; /* the dport below each, toward the memdev */
	unsigned nusp = 0;
	bool too_deep = false;
	while (dport && dport->drv->kind == PCISIM_FN_DOWNSTREAM_PORT && dport->bus && dport->bus->bridge &&
	       dport->bus->bridge->drv->kind == PCISIM_FN_UPSTREAM_PORT) {
		if (nusp == PCISIM_CXLH_MAX_SWITCH_LEVELS) {
			too_deep = true;
			break;
		}
		usp_pn[nusp] = port_number(dport);
		usp[nusp++] = dport->bus->bridge;
		dport = usp[nusp - 1]->bus ? usp[nusp - 1]->bus->bridge : NULL;
	}
	m->root_port = too_deep ? NULL : dport;
	for (unsigned i = 0; m->root_port && i < c->nports; i++)
		if (!c->ports[i].endpoint && c->ports[i].parent < 0 && c->ports[i].comp_bar < 0 &&
		    c->ports[i].fn->secondary == m->root_port->bus)
			m->hb_port = (int)i, m->host_bridge = c->ports[i].fn;
	/* the switch ports top down, each the parent of the one below; the chain bottom up */
	int sw[PCISIM_CXLH_MAX_SWITCH_LEVELS];
	int parent = m->hb_port;
	for (unsigned k = nusp; m->hb_port >= 0 && k-- > 0;) {
		sw[k] = add_switch_port(c, usp[k], parent);
		if (sw[k] < 0)
			m->hb_port = -1;
		parent = sw[k];
	}
	for (unsigned k = 0; m->hb_port >= 0 && k < nusp; k++) {
		m->chain[m->nchain] = sw[k];
		m->chain_pn[m->nchain++] = usp_pn[k];
	}
	if (m->hb_port >= 0) {
		m->chain[m->nchain] = m->hb_port;
		m->chain_pn[m->nchain++] = port_number(m->root_port);
	}
	PCISIM_RECORD(sim, &fn->comp, "cxl.memdev", PCISIM_FU("memdev", m->id), PCISIM_FS("bdf", m->bdf),
		      PCISIM_FX("ram_size", m->ram), PCISIM_FX("pmem_size", m->pmem), PCISIM_FS("firmware", m->fw));
	c->nmemdevs++;
	if (m->hb_port < 0 || c->nports == PCISIM_CXLH_MAX_PORTS) {
		pcisim_log(sim, &fn->comp, "linux", "cxl_mem mem%u: CXL port topology not found", m->id);
		return;
	}
	struct pcisim_cxlh_port *ep = &c->ports[c->nports];
	memset(ep, 0, sizeof(*ep));
	ep->id = free_port_id(c);
	ep->endpoint = true;
	ep->parent = -1;
	ep->fn = fn;
	ep->memdev = (int)c->nmemdevs - 1; /* m, counted above */
	m->endpoint = (int)c->nports++;
	enumerate_decoders(c, ep);
	PCISIM_RECORD(sim, &fn->comp, "cxl.port", PCISIM_FU("port", ep->id), PCISIM_FS("host", m->bdf),
		      PCISIM_FU("dports", 0), PCISIM_FU("decoders", ep->ndecoders), PCISIM_FB("passthrough", false));
	/* cxl_pci_ras_unmask(): after the component registers are mapped */
	pcisim_cxlh_ras_unmask(c, m, PCISIM_INSTANT_BOOT);
	/* cxl_pci_probe()'s end: the DC configuration (the DCD series), then cxl_event_config() */
	for (unsigned l = 0; l < PCISIM_CXLH_EVENT_LOGS; l++)
		m->event_msgnum[l] = -1;
	if (c->h->cfg.cxl_dcd)
		pcisim_cxlh_dc_identify(c, m);
	if (c->h->cfg.cxl_event_irq || m->dcd)
		pcisim_cxlh_events_config(c, m);
}

void pcisim_cxlh_reattach(struct pcisim_cxl_host *c, struct pcisim_cxlh_memdev *m)
{
	struct pcisim_cxlh_port *ep = &c->ports[m->endpoint];
	/* cxl_slot_reset(): pci_restore_state() first (the reset cleared the BARs) */
	for (unsigned b = 0; b < 6; b++)
		pcisim_host_cfg_write_instant(m->fn, (uint16_t)(PCI_BASE_ADDRESS_0 + 4 * b), m->saved_bars[b], 4,
					      PCISIM_INSTANT_ERROR_HANDLING);
	pcisim_host_cfg_write_instant(m->fn, PCI_COMMAND, m->saved_cmd, 2, PCISIM_INSTANT_ERROR_HANDLING);
	enumerate_decoders(c, ep);
	pcisim_cxlh_ras_unmask(c, m, PCISIM_INSTANT_ERROR_HANDLING);
	m->detached = false;
	m->dpa_used = m->ram_used = m->dc_used = 0;
	PCISIM_RECORD(m->fn->comp.sim, &m->fn->comp, "cxl.port", PCISIM_FU("port", ep->id), PCISIM_FS("host", m->bdf),
		      PCISIM_FU("dports", 0), PCISIM_FU("decoders", ep->ndecoders), PCISIM_FB("passthrough", false));
}

void pcisim_cxl_host_fn_added(struct pcisim_host *h, struct pcisim_pcifn *fn)
{
	struct pcisim_cxl_host *c = pcisim_cxl_host_of(h->comp.sim);
	if (!c || fn->comp.removed || !fn->cfg.bytes)
		return;
	/* cxl_pci binds by class code: a memdev plugged after boot is probed as at boot */
	uint32_t class = pcisim_host_cfg_read_instant(fn, PCI_REVISION_ID, 4, PCISIM_INSTANT_ENUMERATION) >> 8;
	if (class == CXL_CLASS_MEMDEV)
		probe_memdev(c, fn);
}

static void cxl_host_free(void *p)
{
	struct pcisim_cxl_host *c = p;
	for (unsigned i = 0; i < PCISIM_CXLH_MAX_MEMDEVS; i++)
		pcisim_free(c->memdevs[i]);
	pcisim_free(c);
}

void pcisim_cxl_host_boot(struct pcisim_host *h)
{
	struct pcisim_sim *sim = h->comp.sim;
	struct pcisim_fabric *fab = h->fab;
	struct pcisim_cxl_host *c = pcisim_calloc(1, sizeof(*c));
	if (!c)
		abort();
	c->h = h;
	c->mmio_next = BAR_WINDOW;
	pcisim_ext_set(sim, &cxl_host_key, c, cxl_host_free);
	/* cxl_acpi: root0, a root decoder per window, a port per host bridge it names */
	const struct pcisim_machine *mach = &fab->machine;
	for (unsigned w = 0; w < mach->ncxl_fmw && c->nroots < PCISIM_CXLH_MAX_ROOT_DECODERS; w++) {
		const struct pcisim_cxl_fmw *f = &mach->cxl_fmw[w];
		struct pcisim_cxlh_root_decoder *r = &c->roots[c->nroots++];
		r->window = w;
		r->base = pcisim_cxl_fmw_base(mach, w);
		r->size = f->size;
		r->ways = f->ntargets;
		r->granularity = (unsigned)f->granularity;
		for (unsigned i = 0; i < f->ntargets && i < PCISIM_CXLH_MAX_WAYS; i++) {
			struct pcisim_pcifn *hb = pcisim_fabric_find_fn(fab, f->targets[i]);
			r->targets[i] = hb ? add_hb_port(c, hb) : -1;
		}
		PCISIM_RECORD(sim, &h->comp, "cxl.decoder", PCISIM_FS("event", "root"), PCISIM_FU("port", 0),
			      PCISIM_FU("decoder", w), PCISIM_FX("base", r->base), PCISIM_FX("size", r->size),
			      PCISIM_FU("ways", r->ways), PCISIM_FU("granularity", r->granularity));
	}
	/* cxl_pci binds by class code; fab->fns is creation order, the order Linux found them in */
	for (uint32_t i = 0; i < fab->nfns; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		if (fn->comp.removed || !fn->cfg.bytes || !pcisim_host_visible(h, fn))
			continue;
		uint32_t class = pcisim_host_cfg_read_instant(fn, PCI_REVISION_ID, 4, PCISIM_INSTANT_BOOT) >> 8;
		if (class == CXL_CLASS_MEMDEV)
			probe_memdev(c, fn);
	}
}

const struct pcisim_record_kind pcisim_cxl_host_kinds[] = {
	{"cxl.port", "Linux's CXL driver added a port (fields: port, host, dports, decoders, passthrough)"},
	{"cxl.memdev", "cxl_pci probed a memdev (fields: memdev, bdf, ram_size, pmem_size, firmware)"},
	{"cxl.mbox", "Linux sent a mailbox command through the doorbell (fields: opcode, rc: return code, -1 timeout)"},
	{"cxl.decoder", "Linux programmed, committed or reset an HDM decoder (fields: event, port, decoder, base, size, ways, granularity, ok)"},
	{"cxl.region", "a CXL region changed state (fields: region, event, base, size, ways, granularity, ...)"},
	{"cxl.teardown", "a step of a memdev's teardown: stop_io, offline, unmap, remove (fields: memdev, step, ok, why)"},
	{0},
};
