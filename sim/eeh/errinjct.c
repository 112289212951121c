/*
 * The error-injection facility (LoPAPR ibm,open-errinjct, ibm,errinjct,
 * ibm,close-errinjct): the error types with their tokens and work-buffer layouts,
 * the guest memory the work buffers are written to, and what an injection does.
 *
 * An IOA bus error (32- or 64-bit) names a PE by its configuration address and BUID,
 * an address with a mask and a function (the kind of access: a load or store to
 * memory, I/O or configuration space, a DMA read or write). It is armed at the PE and
 * fires on the first matching access (pe.c), which freezes the PE; this is how the
 * Linux errinjct tool's "eeh" injection behaves on PowerVM and through the 2025 QEMU
 * series (VFIO_EEH_PE_INJECT_ERR arms the host PHB's injection registers).
 *
 * Checks, each returning the parameter error (-3): an unknown token; a work buffer
 * not 1 KiB aligned, or never written; a function above DMA_WR_TARGET; no PE at the
 * configuration address and BUID; a memory or I/O function whose address (under its
 * non-zero mask) lies in no BAR of the PE's functions ("an address outside the PE"; a
 * zero mask matches any address).
 * The other error types (fatal, recovered events, cache, SLB, TLB and page corruption,
 * platform-specific, upstream I/O error) are processor and platform errors with no
 * effect on the PCI model: accepted (0) and recorded.
 */
#include "sim/eeh/eeh_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/trace.h"
#include "sim/pcie/regs/pci.h"
#include "sim/core/heap.h"

static const char *const token_names[PCISIM_ERRINJCT_NTOKENS + 1] = {
	[PCISIM_ERRINJCT_FATAL] = "fatal",
	[PCISIM_ERRINJCT_RECOVERED_RANDOM_EVENT] = "recovered-random-event",
	[PCISIM_ERRINJCT_RECOVERED_SPECIAL_EVENT] = "recovered-special-event",
	[PCISIM_ERRINJCT_CORRUPTED_PAGE] = "corrupted-page",
	[PCISIM_ERRINJCT_CORRUPTED_SLB] = "corrupted-slb",
	[PCISIM_ERRINJCT_TRANSLATOR_FAILURE] = "translator-failure",
	[PCISIM_ERRINJCT_IOA_BUS_ERROR] = "ioa-bus-error",
	[PCISIM_ERRINJCT_PLATFORM_SPECIFIC] = "platform-specific",
	[PCISIM_ERRINJCT_CORRUPTED_DCACHE_START] = "corrupted-dcache-start",
	[PCISIM_ERRINJCT_CORRUPTED_DCACHE_END] = "corrupted-dcache-end",
	[PCISIM_ERRINJCT_CORRUPTED_ICACHE_START] = "corrupted-icache-start",
	[PCISIM_ERRINJCT_CORRUPTED_ICACHE_END] = "corrupted-icache-end",
	[PCISIM_ERRINJCT_CORRUPTED_TLB_START] = "corrupted-tlb-start",
	[PCISIM_ERRINJCT_CORRUPTED_TLB_END] = "corrupted-tlb-end",
	[PCISIM_ERRINJCT_IOA_BUS_ERROR_64] = "ioa-bus-error-64",
	[PCISIM_ERRINJCT_UPSTREAM_IO_ERROR] = "upstream-IO-error",
};

static const char *const func_names[PCISIM_EEH_ERR_FUNC_MAX + 1] = {
	"ld_mem_addr", "ld_mem_data", "ld_io_addr", "ld_io_data", "ld_cfg_addr",
	"ld_cfg_data", "st_mem_addr", "st_mem_data", "st_io_addr", "st_io_data",
	"st_cfg_addr", "st_cfg_data", "dma_rd_addr", "dma_rd_data", "dma_rd_master",
	"dma_rd_target", "dma_wr_addr", "dma_wr_data", "dma_wr_master", "dma_wr_target",
};

const char *pcisim_errinjct_token_name(unsigned token)
{
	return token && token <= PCISIM_ERRINJCT_NTOKENS ? token_names[token] : NULL;
}

unsigned pcisim_errinjct_token_find(const char *name)
{
	for (unsigned t = 1; t <= PCISIM_ERRINJCT_NTOKENS; t++)
		if (!strcmp(token_names[t], name))
			return t;
	return 0;
}

const char *pcisim_eeh_err_func_name(unsigned function)
{
	return function <= PCISIM_EEH_ERR_FUNC_MAX ? func_names[function] : NULL;
}

int pcisim_eeh_err_func_find(const char *name)
{
	for (unsigned f = 0; f <= PCISIM_EEH_ERR_FUNC_MAX; f++)
		if (!strcmp(func_names[f], name))
			return (int)f;
	return -1;
}

const char *pcisim__eeh_token_name(unsigned token)
{
	const char *n = pcisim_errinjct_token_name(token);
	return n ? n : "?";
}

const char *pcisim__eeh_func_name(unsigned function)
{
	const char *n = pcisim_eeh_err_func_name(function);
	return n ? n : "?";
}

enum pcisim_eeh_access pcisim__eeh_func_access(unsigned f)
{
	if (f <= PCISIM_EEH_ERR_FUNC_LD_MEM_DATA)
		return PCISIM_EEH_LOAD_MEM;
	if (f <= PCISIM_EEH_ERR_FUNC_LD_IO_DATA)
		return PCISIM_EEH_LOAD_IO;
	if (f <= PCISIM_EEH_ERR_FUNC_LD_CFG_DATA)
		return PCISIM_EEH_LOAD_CFG;
	if (f <= PCISIM_EEH_ERR_FUNC_ST_MEM_DATA)
		return PCISIM_EEH_STORE_MEM;
	if (f <= PCISIM_EEH_ERR_FUNC_ST_IO_DATA)
		return PCISIM_EEH_STORE_IO;
	if (f <= PCISIM_EEH_ERR_FUNC_ST_CFG_DATA)
		return PCISIM_EEH_STORE_CFG;
	if (f <= PCISIM_EEH_ERR_FUNC_DMA_RD_TARGET)
		return PCISIM_EEH_DMA_READ;
	return PCISIM_EEH_DMA_WRITE;
}

/* ---- work buffers: big-endian words ---- */

static void put32(uint8_t *b, unsigned dw, uint32_t v)
{
	b += 4 * dw;
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *b, unsigned dw)
{
	b += 4 * dw;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

void pcisim_errinjct_encode(unsigned token, const struct pcisim_errinjct_ioa *f, uint8_t *buf)
{
	memset(buf, 0, PCISIM_RTAS_ERRINJCT_BUF);
	switch (token) {
	case PCISIM_ERRINJCT_IOA_BUS_ERROR:
		put32(buf, 0, (uint32_t)f->addr);
		put32(buf, 1, (uint32_t)f->mask);
		put32(buf, 2, f->config_addr);
		put32(buf, 3, (uint32_t)(f->buid >> 32));
		put32(buf, 4, (uint32_t)f->buid);
		put32(buf, 5, f->function);
		break;
	case PCISIM_ERRINJCT_IOA_BUS_ERROR_64:
		put32(buf, 0, (uint32_t)(f->addr >> 32));
		put32(buf, 1, (uint32_t)f->addr);
		put32(buf, 2, (uint32_t)(f->mask >> 32));
		put32(buf, 3, (uint32_t)f->mask);
		put32(buf, 4, f->config_addr);
		put32(buf, 5, (uint32_t)(f->buid >> 32));
		put32(buf, 6, (uint32_t)f->buid);
		put32(buf, 7, f->function);
		break;
	case PCISIM_ERRINJCT_CORRUPTED_PAGE:
		put32(buf, 0, (uint32_t)(f->addr >> 32));
		put32(buf, 1, (uint32_t)f->addr);
		break;
	default:
		break;
	}
}

void pcisim_errinjct_decode(unsigned token, const uint8_t *buf, struct pcisim_errinjct_ioa *f)
{
	memset(f, 0, sizeof(*f));
	switch (token) {
	case PCISIM_ERRINJCT_IOA_BUS_ERROR:
		f->addr = get32(buf, 0);
		f->mask = get32(buf, 1);
		f->config_addr = get32(buf, 2);
		f->buid = (uint64_t)get32(buf, 3) << 32 | get32(buf, 4);
		f->function = get32(buf, 5);
		break;
	case PCISIM_ERRINJCT_IOA_BUS_ERROR_64:
		f->addr = (uint64_t)get32(buf, 0) << 32 | get32(buf, 1);
		f->mask = (uint64_t)get32(buf, 2) << 32 | get32(buf, 3);
		f->config_addr = get32(buf, 4);
		f->buid = (uint64_t)get32(buf, 5) << 32 | get32(buf, 6);
		f->function = get32(buf, 7);
		break;
	case PCISIM_ERRINJCT_CORRUPTED_PAGE:
		f->addr = (uint64_t)get32(buf, 0) << 32 | get32(buf, 1);
		break;
	default:
		break;
	}
}

void pcisim_rtas_guest_write_buf(struct pcisim_sim *sim, uint64_t addr, const uint8_t *bytes)
{
	struct pcisim_eeh_state *s = pcisim__eeh_state(sim);
	for (size_t i = 0; i < s->nbufs; i++)
		if (s->bufs[i].addr == addr) {
			memcpy(s->bufs[i].bytes, bytes, PCISIM_RTAS_ERRINJCT_BUF);
			return;
		}
	struct pcisim_eeh_buf *n = pcisim_realloc(s->bufs, (s->nbufs + 1) * sizeof(*n));
	if (!n)
		abort();
	s->bufs = n;
	n[s->nbufs].addr = addr;
	memcpy(n[s->nbufs].bytes, bytes, PCISIM_RTAS_ERRINJCT_BUF);
	s->nbufs++;
}

static const uint8_t *guest_buf(struct pcisim_eeh_state *s, uint64_t addr)
{
	for (size_t i = 0; i < s->nbufs; i++)
		if (s->bufs[i].addr == addr)
			return s->bufs[i].bytes;
	return NULL;
}

/* Does [addr & mask] fall into a BAR of space @io of a function of @pe? */
static bool addr_in_pe(struct pcisim_sim *sim, const struct pcisim_eeh_pe *pe, uint64_t addr,
		       uint64_t mask, bool io)
{
	if (!mask)
		return true; /* any address: the PE's own among them */
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	uint64_t a = addr & mask;
	for (uint32_t i = 0; i < fab->nfns; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		if (fn->comp.removed || !pcisim_eeh_pe_contains(pe, fn))
			continue;
		unsigned nbars = fn->drv->bridge ? 2 : 6;
		for (unsigned b = 0; b < nbars; b++) {
			uint16_t off = (uint16_t)(PCI_BASE_ADDRESS_0 + 4 * b);
			uint32_t v = pcisim_cfg_get32(&fn->cfg, off);
			uint32_t w = pcisim_cfg_mask_get(&fn->cfg, PCISIM_WMASK, off, 4);
			if (!w)
				continue;
			bool bar_io = v & PCI_BASE_ADDRESS_SPACE_IO;
			uint64_t base = v & (bar_io ? ~3u : ~0xfu);
			uint64_t size = (uint64_t)(uint32_t)~w + 1; /* the wmask leaves the type bits out */
			if (!bar_io && (v & PCI_BASE_ADDRESS_MEM_TYPE_64) && b + 1 < nbars) {
				base |= (uint64_t)pcisim_cfg_get32(&fn->cfg, (uint16_t)(off + 4)) << 32;
				b++;
			}
			if (bar_io == io && size && a >= base && a - base < size)
				return true;
		}
	}
	return false;
}

int32_t pcisim__eeh_errinjct(struct pcisim_sim *sim, uint32_t type, uint32_t open_token,
			     uint64_t buf_addr, char *why, size_t nwhy)
{
	struct pcisim_eeh_state *s = pcisim__eeh_state(sim);
	why[0] = 0;
	if (!s->session_open || open_token != s->session_token) {
		snprintf(why, nwhy, "open token %u is not the session's", open_token);
		return PCISIM_RTAS_OUT_ERRINJCT_TOKEN;
	}
	const char *tname = pcisim_errinjct_token_name(type);
	if (!tname) {
		snprintf(why, nwhy, "unknown error token %u", type);
		return PCISIM_RTAS_OUT_PARAM_ERROR;
	}
	const uint8_t *buf = guest_buf(s, buf_addr);
	if (buf_addr % PCISIM_RTAS_ERRINJCT_BUF || !buf) {
		snprintf(why, nwhy, "work buffer 0x%llx is not a 1 KiB aligned buffer the guest wrote",
			 (unsigned long long)buf_addr);
		return PCISIM_RTAS_OUT_PARAM_ERROR;
	}
	if (type != PCISIM_ERRINJCT_IOA_BUS_ERROR && type != PCISIM_ERRINJCT_IOA_BUS_ERROR_64) {
		snprintf(why, nwhy, "%s: no effect on the PCI model", tname);
		return PCISIM_RTAS_OUT_SUCCESS;
	}
	struct pcisim_errinjct_ioa f;
	pcisim_errinjct_decode(type, buf, &f);
	if (f.function > PCISIM_EEH_ERR_FUNC_MAX) {
		snprintf(why, nwhy, "unknown IOA bus error function %u", f.function);
		return PCISIM_RTAS_OUT_PARAM_ERROR;
	}
	struct pcisim_eeh_pe *pe = pcisim_eeh_pe_find(sim, f.buid, f.config_addr);
	if (!pe) {
		snprintf(why, nwhy, "no PE at config address 0x%x BUID 0x%llx", f.config_addr,
			 (unsigned long long)f.buid);
		return PCISIM_RTAS_OUT_PARAM_ERROR;
	}
	enum pcisim_eeh_access a = pcisim__eeh_func_access(f.function);
	bool mem = a == PCISIM_EEH_LOAD_MEM || a == PCISIM_EEH_STORE_MEM;
	bool io = a == PCISIM_EEH_LOAD_IO || a == PCISIM_EEH_STORE_IO;
	if ((mem || io) && !addr_in_pe(sim, pe, f.addr, f.mask, io)) {
		snprintf(why, nwhy, "address 0x%llx (mask 0x%llx) is outside the PE",
			 (unsigned long long)f.addr, (unsigned long long)f.mask);
		return PCISIM_RTAS_OUT_PARAM_ERROR;
	}
	pe->armed = (struct pcisim_eeh_armed){.armed = true, .token = type, .function = f.function,
					      .addr = f.addr, .mask = f.mask};
	PCISIM_RECORD(sim, &pe->top->comp, "eeh.errinjct", PCISIM_FX("pe", pcisim_eeh_pe_addr(pe)),
		      PCISIM_FS("type", tname), PCISIM_FS("function", func_names[f.function]),
		      PCISIM_FX("addr", f.addr), PCISIM_FX("mask", f.mask));
	snprintf(why, nwhy, "%s armed at PE 0x%x", tname, pcisim_eeh_pe_addr(pe));
	return PCISIM_RTAS_OUT_SUCCESS;
}
