/*
 * Linux's AER service and pcie_do_recovery() as a model (aer.h has the rules): the
 * boot-time setup, the root port's interrupt and its FIFO, the thread that finds the
 * error sources and logs them as Linux prints them, correctable error clearing, and
 * the recovery sequence with the drivers' votes, the secondary bus reset and
 * Linux's waits after it, as protothreads in simulated time. Config accesses are
 * instant (cfg.h: boot, error handling, vfio).
 */
#include "sim/host/aer.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/trace.h"
#include "sim/host/cfg.h"
#include "sim/host/pciehp.h"
#include "sim/host/pt.h"
#include "sim/pcie/aer.h"
#include "sim/pcie/caps.h"
#include "sim/pcie/dpc.h"
#include "sim/pcie/regs/aer.h"
#include "sim/pcie/regs/dpc.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/pcie/reset.h"

/* ---- timing (Linux drivers/pci/pci.c, pci.h; REFERENCE.md 8) ---- */

#define AER_SBR_HOLD (2 * PCISIM_MS)          /* pci_reset_secondary_bus(): msleep(2) */
#define AER_LINK_DETECT_WAIT (20 * PCISIM_MS) /* pcie_wait_for_link_delay(): 20 ms before polling */
#define AER_LINK_POLL (1 * PCISIM_MS)
#define AER_LINK_TIMEOUT (1000 * PCISIM_MS)   /* PCIE_LINK_RETRAIN_TIMEOUT_MS */
#define AER_RESET_DELAY (100 * PCISIM_MS)     /* PCIE_RESET_CONFIG_DEVICE_WAIT_MS / d3cold_delay */
#define AER_RESET_WAIT (1000 * PCISIM_MS)     /* PCI_RESET_WAIT: pci_dev_wait at <= 5 GT/s */
#define AER_READY_POLL (60000 * PCISIM_MS)    /* PCIE_RESET_READY_POLL_MS */
#define AER_FIFO 128                          /* AER_ERROR_SOURCES_MAX */
#define AER_MAX_MULTI 5                       /* AER_MAX_MULTI_ERR_DEVICES */
#define AER_MAX_DEVS 64                       /* functions below one port that pcisim walks */

struct guest_rec;

static const char *const ers_names[] = {
	[PCISIM_ERS_ABSENT] = "absent",
	[PCISIM_ERS_NONE] = "none",
	[PCISIM_ERS_CAN_RECOVER] = "can_recover",
	[PCISIM_ERS_NEED_RESET] = "need_reset",
	[PCISIM_ERS_DISCONNECT] = "disconnect",
	[PCISIM_ERS_RECOVERED] = "recovered",
	[PCISIM_ERS_NO_AER_DRIVER] = "no_aer_driver",
};

const char *pcisim_ers_name(enum pcisim_ers r)
{
	return r <= PCISIM_ERS_NO_AER_DRIVER ? ers_names[r] : "?";
}

enum pcisim_ers pcisim_ers_merge(enum pcisim_ers orig, enum pcisim_ers vote)
{
	/* drivers/pci/pcie/err.c merge_result() */
	if (vote == PCISIM_ERS_NO_AER_DRIVER)
		return PCISIM_ERS_NO_AER_DRIVER;
	if (vote == PCISIM_ERS_NONE)
		return orig;
	switch (orig) {
	case PCISIM_ERS_CAN_RECOVER:
	case PCISIM_ERS_RECOVERED:
		return vote;
	case PCISIM_ERS_DISCONNECT:
		return vote == PCISIM_ERS_NEED_RESET ? PCISIM_ERS_NEED_RESET : orig;
	default:
		return orig;
	}
}

/* ---- the service's state ---- */

struct esrc {
	uint32_t status, id;
};

/* Saved config of the functions below (pci_bus_save_and_disable / pci_bus_restore). */
struct saved {
	uint16_t cmd, devctl, bctl;
	uint32_t umask, usev, cmask, cap;
};

struct rp_service {
	struct pcisim_comp comp; /* "aer:<root port>" */
	struct pcisim_host_aer *ha;
	struct pcisim_port *port;
	bool bound;
	struct esrc fifo[AER_FIFO];
	unsigned head, n;
	uint64_t fifo_overflows;
	/* the thread and its procedures */
	struct pcisim_pt pt_thread, pt_one, pt_rec, pt_walk, pt_reset, pt_wait;
	bool running;
	pcisim_time wake_at, deadline, step;
	struct esrc cur;
	/* aer_err_info */
	int sev; /* PCISIM_AER_* class of the part being handled */
	uint16_t id;
	bool multi;
	struct pcisim_pcifn *edev[AER_MAX_MULTI];
	unsigned nedev, ei;
	/* pcie_do_recovery */
	struct pcisim_pcifn *rdev, *bridge;
	bool frozen;
	enum pcisim_ers status;
	struct pcisim_pcifn *devs[AER_MAX_DEVS];
	unsigned ndevs, wi;
	int cb; /* which callback the walk broadcasts */
	int reset_rc;
	/* the reset */
	struct saved saved[AER_MAX_DEVS];
	pcisim_time reset_start;
	uint16_t saved_sltctl;
	bool hp_masked;
	/* counters */
	uint64_t cor, nonfatal, fatal, recoveries, recovered, failed;
	const char *last;
	/* the DPC service of the same port (drivers/pci/pcie/dpc.c), `dpc: on` */
	uint16_t dpc;          /* DPC capability offset, 0: none */
	bool dpc_bound;
	bool dpc_pending;      /* dpc_irq woke the thread */
	bool dpc_mode;         /* the recovery running is dpc_handler's (reset: dpc_reset_link) */
	bool dpc_recovering;   /* PCI_DPC_RECOVERING */
	bool dpc_recovered;    /* PCI_DPC_RECOVERED */
	const char *reset_type; /* "bus reset" or "DPC" (pci_bridge_wait_for_secondary_bus) */
	uint64_t dpc_events, dpc_recoveries_ok;
};

struct pcisim_host_aer {
	struct pcisim_host *h;
	struct rp_service **svc;
	size_t nsvc;
	uint8_t *io; /* enum pcisim_io_state by component id (0 = normal) */
	size_t nio;
	struct guest_rec **guests;
	size_t nguests;
};

static struct pcisim_host_aer *ha_of(struct pcisim_host *h)
{
	return pcisim_port_service_data(h, &pcisim_aer_service);
}

static struct pcisim_sim *sim_of(struct rp_service *s)
{
	return s->comp.sim;
}

#define NOW(s) (sim_of(s)->now)

/* ---- Linux's view of a function ---- */

static const char *linux_drv(const struct pcisim_pcifn *fn)
{
	const char *d = pcisim_host_linux_driver(fn);
	return d ? d : "pci";
}

static void dev_log(struct pcisim_pcifn *fn, struct pcisim_comp *c, const char *fmt, ...)
	PCISIM_PRINTF(3, 4);
static void dev_log(struct pcisim_pcifn *fn, struct pcisim_comp *c, const char *fmt, ...)
{
	char msg[512], bdf[32];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pcisim_log(fn->comp.sim, c ? c : &fn->comp, "linux", "%s %s: %s", linux_drv(fn),
		   pcisim_fn_bdf_str(fn, bdf, sizeof(bdf)), msg);
}

static uint16_t exp_of(struct pcisim_pcifn *fn)
{
	return pcisim_cfg_find_cap(&fn->cfg, PCI_CAP_ID_EXP);
}

static uint16_t aer_of(struct pcisim_pcifn *fn)
{
	return pcisim_cfg_find_ext_cap(&fn->cfg, PCI_EXT_CAP_ID_ERR);
}

static uint32_t rd(struct pcisim_pcifn *fn, uint16_t off, unsigned len)
{
	return pcisim_host_cfg_read_instant(fn, off, len, PCISIM_INSTANT_ERROR_HANDLING);
}

static void wr(struct pcisim_pcifn *fn, uint16_t off, uint32_t v, unsigned len)
{
	pcisim_host_cfg_write_instant(fn, off, v, len, PCISIM_INSTANT_ERROR_HANDLING);
}

/* ---- I/O state ---- */

static uint8_t *io_slot(struct pcisim_host_aer *ha, const struct pcisim_pcifn *fn)
{
	uint32_t id = fn->comp.id;
	if (id >= ha->nio) {
		size_t n = ha->nio ? ha->nio : 64;
		while (n <= id)
			n *= 2;
		uint8_t *v = realloc(ha->io, n);
		if (!v)
			abort();
		memset(v + ha->nio, 0, n - ha->nio);
		ha->io = v;
		ha->nio = n;
	}
	return &ha->io[id];
}

enum pcisim_io_state pcisim_host_aer_io_state(struct pcisim_host *h, const struct pcisim_pcifn *fn)
{
	struct pcisim_host_aer *ha = ha_of(h);
	if (!ha || fn->comp.id >= ha->nio || !ha->io[fn->comp.id])
		return PCISIM_IO_NORMAL;
	return (enum pcisim_io_state)ha->io[fn->comp.id];
}

static const char *io_name(enum pcisim_io_state s)
{
	return s == PCISIM_IO_FROZEN ? "frozen" : s == PCISIM_IO_PERM_FAILURE ? "perm_failure" : "normal";
}

/* pci_dev_set_io_state(): perm_failure is absorbing. */
static bool set_io(struct pcisim_host_aer *ha, struct pcisim_pcifn *fn, enum pcisim_io_state s)
{
	uint8_t *v = io_slot(ha, fn);
	enum pcisim_io_state old = *v ? (enum pcisim_io_state)*v : PCISIM_IO_NORMAL;
	if (old == PCISIM_IO_PERM_FAILURE)
		return s == PCISIM_IO_PERM_FAILURE;
	if (old != s)
		PCISIM_RECORD(fn->comp.sim, &fn->comp, "aer.io_state", PCISIM_FS("from", io_name(old)),
			      PCISIM_FS("to", io_name(s)));
	*v = (uint8_t)s;
	return true;
}

bool pcisim_host_aer_recovering(struct pcisim_host *h, const struct pcisim_pcifn *fn)
{
	struct pcisim_host_aer *ha = ha_of(h);
	for (size_t i = 0; ha && i < ha->nsvc; i++) {
		struct rp_service *s = ha->svc[i];
		if (!s->bridge)
			continue;
		for (unsigned j = 0; j < s->ndevs; j++)
			if (s->devs[j] == fn)
				return true;
	}
	return false;
}

/* ---- drivers ---- */

static struct pcisim_host_drv default_cfg(const struct pcisim_pcifn *fn)
{
	struct pcisim_host_drv c = {.reads_device = true};
	const char *d = pcisim_host_linux_driver(fn);
	if (d && !strcmp(d, "pcieport")) {
		/* drivers/pci/pcie/portdrv.c pcie_portdrv_err_handler */
		c.error_detected = PCISIM_ERS_CAN_RECOVER; /* NEED_RESET when frozen (below) */
		c.mmio_enabled = PCISIM_ERS_RECOVERED;
		c.slot_reset = PCISIM_ERS_RECOVERED;
		c.resume = true;
		c.reads_device = false;
	} else if (d && !strcmp(d, "e1000e")) {
		/* drivers/net/ethernet/intel/e1000e/netdev.c e1000_err_handler */
		c.error_detected = PCISIM_ERS_NEED_RESET;
		c.slot_reset = PCISIM_ERS_RECOVERED;
		c.resume = true;
	}
	return c;
}

static struct pcisim_host_drv drv_of(struct pcisim_host_aer *ha, const struct pcisim_pcifn *fn)
{
	const struct pcisim_host_drv *c = pcisim_host_config_driver(&ha->h->cfg, fn->comp.name);
	return c ? *c : default_cfg(fn);
}

static bool is_pcieport(const struct pcisim_pcifn *fn)
{
	const char *d = pcisim_host_linux_driver(fn);
	return d && !strcmp(d, "pcieport");
}

/* ---- the thread's plumbing ---- */

static int thread(struct rp_service *s);

static void run_ev(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct rp_service *s = (struct rp_service *)ev->target;
	thread(s);
}
PCISIM_EVKIND(run_kind, "aer.run", run_ev);

static void poke(struct rp_service *s, pcisim_time delay)
{
	pcisim_schedule(sim_of(s), delay, PCISIM_CLASS_HOST, &run_kind, &s->comp, 0, 0);
}

#define PT_SLEEP(pt, s, d)                                                                 \
	do {                                                                               \
		(s)->wake_at = NOW(s) + (d);                                               \
		poke((s), (d));                                                            \
		PT_WAIT_UNTIL((pt), NOW(s) >= (s)->wake_at);                               \
	} while (0)

static struct pcisim_host *host_of(struct rp_service *s)
{
	return s->ha->h;
}

/* ---- finding the error sources (find_source_device, is_error_source) ---- */

static void add_below(struct pcisim_host *h, struct pcisim_pcibus *b, struct pcisim_pcifn **v,
		      unsigned *n)
{
	/* pci_walk_bus(): each function, then the bus below it (depth first) */
	for (uint16_t i = 0; b && i < b->nfns; i++) {
		struct pcisim_pcifn *f = b->fns[i];
		if (f->comp.removed || !pcisim_host_visible(h, f))
			continue;
		if (*n < AER_MAX_DEVS)
			v[(*n)++] = f;
		if (f->secondary)
			add_below(h, f->secondary, v, n);
	}
}

static bool is_error_source(struct rp_service *s, struct pcisim_pcifn *dev)
{
	if ((s->id >> 8) != 0) {
		if (s->id == pcisim_fn_bdf(dev))
			return true;
		if (!s->multi)
			return false;
	}
	uint16_t exp = exp_of(dev), aer = aer_of(dev);
	if (!exp || !(rd(dev, (uint16_t)(exp + PCI_EXP_DEVCTL), 2) & PCISIM_EXP_DEVCTL_ERR_EN) || !aer)
		return false;
	uint32_t st, mask;
	if (s->sev == PCISIM_AER_COR) {
		st = rd(dev, (uint16_t)(aer + PCI_ERR_COR_STATUS), 4);
		mask = rd(dev, (uint16_t)(aer + PCI_ERR_COR_MASK), 4);
	} else {
		st = rd(dev, (uint16_t)(aer + PCI_ERR_UNCOR_STATUS), 4);
		mask = rd(dev, (uint16_t)(aer + PCI_ERR_UNCOR_MASK), 4);
	}
	return (st & ~mask) != 0 && st != 0xffffffffu;
}

static bool find_source(struct rp_service *s)
{
	struct pcisim_pcifn *v[AER_MAX_DEVS + 1];
	unsigned n = 0;
	v[n++] = &s->port->fn;
	add_below(host_of(s), s->port->fn.secondary, v, &n);
	s->nedev = 0;
	for (unsigned i = 0; i < n; i++) {
		if (!is_error_source(s, v[i]))
			continue;
		if (s->nedev == AER_MAX_MULTI)
			break;
		s->edev[s->nedev++] = v[i];
		if (!s->multi)
			break;
	}
	if (!s->nedev) {
		dev_log(&s->port->fn, &s->comp, "AER: can't find device of ID%04x", s->id);
		return false;
	}
	return true;
}

static const char *sev_string(int sev)
{
	return sev == PCISIM_AER_COR ? "Correctable" : sev == PCISIM_AER_FATAL ? "Uncorrectable (Fatal)"
									 : "Uncorrectable (Non-Fatal)";
}

/* aer_get_device_error_info() + aer_print_error(); returns the unmasked status. */
static uint32_t print_error(struct rp_service *s, struct pcisim_pcifn *dev)
{
	uint16_t aer = aer_of(dev);
	int type = pcisim_cap_exp_type(&dev->cfg);
	uint32_t st = 0, mask = 0;
	if (!aer)
		return 0;
	if (s->sev == PCISIM_AER_COR) {
		st = rd(dev, (uint16_t)(aer + PCI_ERR_COR_STATUS), 4);
		mask = rd(dev, (uint16_t)(aer + PCI_ERR_COR_MASK), 4);
	} else if (type == PCI_EXP_TYPE_ROOT_PORT || type == PCI_EXP_TYPE_DOWNSTREAM ||
		   s->sev == PCISIM_AER_NONFATAL) {
		/* the link is still healthy for I/O reads */
		st = rd(dev, (uint16_t)(aer + PCI_ERR_UNCOR_STATUS), 4);
		mask = rd(dev, (uint16_t)(aer + PCI_ERR_UNCOR_MASK), 4);
	}
	if (!st) {
		dev_log(dev, &s->comp, "AER: PCIe Bus Error: severity=%s, type=Inaccessible, (Unregistered Agent ID)",
			sev_string(s->sev));
		return 0;
	}
	/* AER_GET_LAYER_ERROR() */
	const char *layer = "Transaction Layer";
	if (s->sev == PCISIM_AER_COR && (st & PCI_ERR_COR_RCVR))
		layer = "Physical Layer";
	else if (s->sev == PCISIM_AER_COR
			 ? (st & (PCI_ERR_COR_BAD_TLP | PCI_ERR_COR_BAD_DLLP | PCI_ERR_COR_REP_ROLL |
				  PCI_ERR_COR_REP_TIMER))
			 : (st & PCI_ERR_UNC_DLP))
		layer = "Data Link Layer";
	dev_log(dev, &s->comp, "AER: PCIe Bus Error: severity=%s, type=%s", sev_string(s->sev), layer);
	dev_log(dev, &s->comp, "AER:   device [%04x:%04x] error status/mask=%08x/%08x",
		pcisim_cfg_get16(&dev->cfg, PCI_VENDOR_ID), pcisim_cfg_get16(&dev->cfg, PCI_DEVICE_ID), st,
		mask);
	/* AER_LOG_TLP_MASKS: the errors that log a TLP header (dword reads, as Linux) */
	uint32_t tlp = PCI_ERR_UNC_POISON_TLP | PCI_ERR_UNC_ECRC | PCI_ERR_UNC_UNSUP |
		       PCI_ERR_UNC_COMP_ABORT | PCI_ERR_UNC_UNX_COMP | PCI_ERR_UNC_MALF_TLP;
	if (s->sev != PCISIM_AER_COR && (st & tlp)) {
		uint32_t dw[4];
		for (unsigned i = 0; i < 4; i++)
			dw[i] = rd(dev, (uint16_t)(aer + PCI_ERR_HEADER_LOG + 4 * i), 4);
		dev_log(dev, &s->comp, "AER:   TLP Header: %08x %08x %08x %08x", dw[0], dw[1], dw[2], dw[3]);
	}
	return st & ~mask;
}

/* ---- callbacks ---- */

static void guest_signal(struct rp_service *s, struct pcisim_pcifn *dev);

enum { CB_DETECTED, CB_MMIO, CB_SLOT_RESET, CB_RESUME };
static const char *const cb_names[] = {"error_detected", "mmio_enabled", "slot_reset", "resume"};

/* The vote of @dev's driver for callback @cb (after its callback time). */
static enum pcisim_ers vote_of(struct rp_service *s, struct pcisim_pcifn *dev, int cb)
{
	struct pcisim_host_aer *ha = s->ha;
	struct pcisim_host_drv c = drv_of(ha, dev);
	bool has_driver = pcisim_host_linux_driver(dev) != NULL || c.id != NULL;
	enum pcisim_ers v = PCISIM_ERS_ABSENT;
	switch (cb) {
	case CB_DETECTED:
		if (c.vfio) {
			/* vfio_pci_core_aer_err_detected(): signal the user (QEMU), vote
			 * CAN_RECOVER; the guest's own driver recovers the device */
			guest_signal(s, dev);
			return PCISIM_ERS_CAN_RECOVER;
		}
		/* report_error_detected() */
		if (!set_io(ha, dev, s->frozen ? PCISIM_IO_FROZEN : PCISIM_IO_NORMAL) || !has_driver ||
		    !c.error_detected) {
			if (dev->drv->bridge) {
				v = PCISIM_ERS_NONE;
			} else {
				v = PCISIM_ERS_NO_AER_DRIVER;
				dev_log(dev, &s->comp, "AER: Can't recover (no error_detected callback)");
			}
			return v;
		}
		v = c.error_detected;
		if (is_pcieport(dev) && s->frozen && v == PCISIM_ERS_CAN_RECOVER && !c.id)
			v = PCISIM_ERS_NEED_RESET;
		break;
	case CB_MMIO:
		v = c.vfio ? PCISIM_ERS_ABSENT : c.mmio_enabled;
		break;
	case CB_SLOT_RESET:
		v = c.vfio ? PCISIM_ERS_ABSENT : c.slot_reset;
		break;
	case CB_RESUME:
		if (c.vfio)
			return PCISIM_ERS_ABSENT;
		set_io(ha, dev, PCISIM_IO_NORMAL);
		return c.resume ? PCISIM_ERS_RECOVERED : PCISIM_ERS_ABSENT;
	}
	/* a driver that reads its device and gets all ones finds it gone (in
	 * error_detected only when the channel is not frozen: drivers keep off then) */
	if (v && c.reads_device && (cb != CB_DETECTED || !s->frozen) &&
	    rd(dev, PCI_VENDOR_ID, 2) == 0xffff) {
		dev_log(dev, &s->comp, "AER: %s: device reads all ones", cb_names[cb]);
		v = PCISIM_ERS_DISCONNECT;
	}
	return v;
}

static pcisim_time cb_time(struct rp_service *s, struct pcisim_pcifn *dev, int cb)
{
	struct pcisim_host_drv c = drv_of(s->ha, dev);
	if (c.vfio)
		return 0;
	bool has = cb == CB_DETECTED ? c.error_detected != 0 : cb == CB_MMIO ? c.mmio_enabled != 0
							  : cb == CB_SLOT_RESET ? c.slot_reset != 0
										: c.resume;
	return has ? c.cb_time : 0;
}

/* pci_walk_bridge(bridge, report_*): broadcast s->cb to every device below. */
static int walk(struct rp_service *s)
{
	struct pcisim_pt *pt = &s->pt_walk;
	PT_BEGIN(pt);
	for (s->wi = 0; s->wi < s->ndevs; s->wi++) {
		if (s->devs[s->wi]->comp.removed)
			continue;
		s->step = cb_time(s, s->devs[s->wi], s->cb);
		if (s->step)
			PT_SLEEP(pt, s, s->step);
		{
			struct pcisim_pcifn *dev = s->devs[s->wi];
			enum pcisim_ers v = vote_of(s, dev, s->cb);
			if (s->cb == CB_RESUME) {
				if (v)
					PCISIM_RECORD(sim_of(s), &dev->comp, "aer.callback",
						      PCISIM_FS("callback", "resume"), PCISIM_FS("vote", "-"),
						      PCISIM_FS("status", pcisim_ers_name(s->status)));
				continue;
			}
			if (!v)
				continue;
			enum pcisim_ers m = pcisim_ers_merge(s->status, v);
			PCISIM_RECORD(sim_of(s), &dev->comp, "aer.callback",
				      PCISIM_FS("callback", cb_names[s->cb]), PCISIM_FS("vote", pcisim_ers_name(v)),
				      PCISIM_FS("status", pcisim_ers_name(m)));
			s->status = m;
		}
	}
	PT_END(pt);
}

#define BROADCAST(pt, s, which)                                                            \
	do {                                                                               \
		(s)->cb = (which);                                                         \
		PT_CALL((pt), &(s)->pt_walk, walk(s));                                     \
	} while (0)

/* ---- the link reset (aer_root_reset -> pci_bus_error_reset) ---- */

/* Faster than 5 GT/s (pcie_get_speed_cap()): Link Capabilities' maximum. */
static bool port_fast(struct pcisim_port *p)
{
	uint32_t lnkcap = rd(&p->fn, (uint16_t)(p->exp + PCI_EXP_LNKCAP), 4);
	return (lnkcap & PCI_EXP_LNKCAP_SLS) > PCI_EXP_LNKCAP_SLS_5_0GB;
}

static bool port_dllla_reporting(struct pcisim_port *p)
{
	/* Linux's dev->link_active_reporting: Link Capabilities, cached at enumeration (cfg.h) */
	return pcisim_cfg_get32(&p->fn.cfg, (uint16_t)(p->exp + PCI_EXP_LNKCAP)) & PCI_EXP_LNKCAP_DLLLARC;
}

static bool link_active(struct pcisim_port *p)
{
	return rd(&p->fn, (uint16_t)(p->exp + PCI_EXP_LNKSTA), 2) & PCI_EXP_LNKSTA_DLLLA;
}

/* the first function below answers (pci_dev_wait reads PCI_COMMAND) */
static bool child_ready(struct pcisim_port *p)
{
	struct pcisim_pcibus *b = p->fn.secondary;
	if (!b || !b->nfns)
		return true; /* nothing to wait for */
	return rd(b->fns[0], PCI_COMMAND, 2) != 0xffff;
}


static void save_state(struct rp_service *s)
{
	for (unsigned i = 0; i < s->ndevs; i++) {
		struct pcisim_pcifn *f = s->devs[i];
		struct saved *v = &s->saved[i];
		uint16_t exp = exp_of(f), aer = aer_of(f);
		v->cmd = (uint16_t)rd(f, PCI_COMMAND, 2);
		v->devctl = exp ? (uint16_t)rd(f, (uint16_t)(exp + PCI_EXP_DEVCTL), 2) : 0;
		v->bctl = f->drv->bridge ? (uint16_t)rd(f, PCI_BRIDGE_CONTROL, 2) : 0;
		if (aer) {
			v->umask = rd(f, (uint16_t)(aer + PCI_ERR_UNCOR_MASK), 4);
			v->usev = rd(f, (uint16_t)(aer + PCI_ERR_UNCOR_SEVER), 4);
			v->cmask = rd(f, (uint16_t)(aer + PCI_ERR_COR_MASK), 4);
			v->cap = rd(f, (uint16_t)(aer + PCI_ERR_CAP), 4);
		}
	}
}

static void restore_state(struct rp_service *s)
{
	for (unsigned i = 0; i < s->ndevs; i++) {
		struct pcisim_pcifn *f = s->devs[i];
		struct saved *v = &s->saved[i];
		if (f->comp.removed)
			continue;
		uint16_t exp = exp_of(f), aer = aer_of(f);
		if (aer) {
			wr(f, (uint16_t)(aer + PCI_ERR_UNCOR_MASK), v->umask, 4);
			wr(f, (uint16_t)(aer + PCI_ERR_UNCOR_SEVER), v->usev, 4);
			wr(f, (uint16_t)(aer + PCI_ERR_COR_MASK), v->cmask, 4);
			wr(f, (uint16_t)(aer + PCI_ERR_CAP), v->cap & (PCI_ERR_CAP_ECRC_GENE | PCI_ERR_CAP_ECRC_CHKE | PCI_ERR_CAP_MHRE), 4);
		}
		if (exp)
			wr(f, (uint16_t)(exp + PCI_EXP_DEVCTL), v->devctl & (uint16_t)~PCI_EXP_DEVCTL_BCR_FLR, 2);
		if (f->drv->bridge)
			wr(f, PCI_BRIDGE_CONTROL, v->bctl & (uint16_t)~PCI_BRIDGE_CTL_BUS_RESET, 2);
		wr(f, PCI_COMMAND, v->cmd, 2);
	}
}

/* pci_bridge_wait_for_secondary_bus(s->bridge, s->reset_type); s->reset_rc: 0 or -1 */
static int wait_secondary_bus(struct rp_service *s)
{
	struct pcisim_pt *pt = &s->pt_wait;
	PT_BEGIN(pt);
	s->reset_rc = 0;
	s->reset_start = NOW(s);
	if (!port_fast(pcisim_to_port(s->bridge))) {
		PT_SLEEP(pt, s, AER_RESET_DELAY);
		s->deadline = NOW(s) + AER_RESET_WAIT - AER_RESET_DELAY;
	} else {
		if (!port_dllla_reporting(pcisim_to_port(s->bridge))) {
			PT_SLEEP(pt, s, AER_LINK_TIMEOUT + AER_RESET_DELAY);
		} else {
			PT_SLEEP(pt, s, AER_LINK_DETECT_WAIT);
			s->deadline = NOW(s) + AER_LINK_TIMEOUT;
			while (!link_active(pcisim_to_port(s->bridge))) {
				if (NOW(s) >= s->deadline) {
					dev_log(s->bridge, &s->comp, "Data Link Layer Link Active not set in 1000 msec");
					s->reset_rc = -1;
					goto done;
				}
				PT_SLEEP(pt, s, AER_LINK_POLL);
			}
			PT_SLEEP(pt, s, AER_RESET_DELAY);
		}
		s->deadline = NOW(s) + AER_READY_POLL - AER_RESET_DELAY;
	}
	/* pci_dev_wait(): 1, 2, 4, ... ms between reads of Command */
	s->step = 1 * PCISIM_MS;
	while (!child_ready(pcisim_to_port(s->bridge))) {
		if (NOW(s) >= s->deadline) {
			dev_log(s->bridge->secondary->fns[0], &s->comp, "not ready %llums after %s; giving up",
				(unsigned long long)((NOW(s) - s->reset_start) / PCISIM_MS), s->reset_type);
			s->reset_rc = -1;
			goto done;
		}
		PT_SLEEP(pt, s, s->step);
		s->step *= 2;
	}
done:;
	PT_END(pt);
}

static int link_reset(struct rp_service *s)
{
	struct pcisim_pt *pt = &s->pt_reset;
	struct pcisim_host *h = host_of(s);
	PT_BEGIN(pt);
	{
		struct pcisim_port *rp = s->port;
		struct pcisim_port *b = pcisim_to_port(s->bridge);
		/* aer_root_reset(): the root port stops interrupting for messages */
		uint16_t rcmd = (uint16_t)(rp->aer + PCI_ERR_ROOT_COMMAND);
		wr(&rp->fn, rcmd, rd(&rp->fn, rcmd, 4) & ~(uint32_t)PCISIM_ERR_ROOT_CMD_EN_MASK, 4);
		PCISIM_RECORD(sim_of(s), &b->fn.comp, "aer.reset", PCISIM_FS("event", "secondary bus reset"),
			      PCISIM_FS("why", "link reset for recovery"));
		save_state(s);
		/* pciehp_reset_slot(): link and presence events masked across the reset */
		s->hp_masked = false;
		if (pcisim_pciehp_of(h, &b->fn)) {
			uint16_t off = (uint16_t)(b->exp + PCI_EXP_SLTCTL);
			s->saved_sltctl = (uint16_t)rd(&b->fn, off, 2);
			wr(&b->fn, off, s->saved_sltctl & (uint16_t)~(PCI_EXP_SLTCTL_DLLSCE | PCI_EXP_SLTCTL_PDCE), 2);
			s->hp_masked = true;
		}
		wr(&b->fn, PCI_BRIDGE_CONTROL, rd(&b->fn, PCI_BRIDGE_CONTROL, 2) | PCI_BRIDGE_CTL_BUS_RESET, 2);
	}
	PT_SLEEP(pt, s, AER_SBR_HOLD);
	{
		struct pcisim_port *b = pcisim_to_port(s->bridge);
		wr(&b->fn, PCI_BRIDGE_CONTROL, rd(&b->fn, PCI_BRIDGE_CONTROL, 2) & (uint16_t)~PCI_BRIDGE_CTL_BUS_RESET,
		   2);
	}
	s->reset_type = "bus reset";
	PT_CALL(pt, &s->pt_wait, wait_secondary_bus(s));
	{
		struct pcisim_port *rp = s->port;
		struct pcisim_port *b = pcisim_to_port(s->bridge);
		restore_state(s);
		if (s->hp_masked) {
			wr(&b->fn, (uint16_t)(b->exp + PCI_EXP_SLTSTA), PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_DLLSC, 2);
			wr(&b->fn, (uint16_t)(b->exp + PCI_EXP_SLTCTL), s->saved_sltctl, 2);
		}
		dev_log(&b->fn, &s->comp, "AER: %s Port link has been reset (%d)",
			b->fn.drv->kind == PCISIM_FN_ROOT_PORT ? "Root" : "Downstream", s->reset_rc);
		/* Root Error Status cleared, the command on again */
		uint16_t rsta = (uint16_t)(rp->aer + PCI_ERR_ROOT_STATUS);
		wr(&rp->fn, rsta, rd(&rp->fn, rsta, 4), 4);
		uint16_t rcmd = (uint16_t)(rp->aer + PCI_ERR_ROOT_COMMAND);
		wr(&rp->fn, rcmd, rd(&rp->fn, rcmd, 4) | PCISIM_ERR_ROOT_CMD_EN_MASK, 4);
		PCISIM_RECORD(sim_of(s), &b->fn.comp, "aer.reset", PCISIM_FS("event", s->reset_rc ? "failed" : "done"),
			      PCISIM_FS("why", "link reset for recovery"));
	}
	PT_END(pt);
}


/* ---- DPC (drivers/pci/pcie/dpc.c) ---- */

static void setup_fn(struct pcisim_pcifn *fn, enum pcisim_host_instant why);

/*
 * dpc_reset_link(): the hardware has already taken the link down. Wait until Data
 * Link Layer Link Active is clear (pcie_wait_for_link(pdev, false): read at once,
 * then every 1 ms up to 1000 ms; without DLLLA reporting 1000 + 100 ms), write 1 to
 * DPC Trigger Status (the port leaves containment, the link trains), then
 * pci_bridge_wait_for_secondary_bus(pdev, "DPC") as after a bus reset. PCI_DPC_RECOVERING
 * is set throughout, PCI_DPC_RECOVERED on success. The link-down reset lost the
 * config of the functions below: pcisim restores what Linux set at boot (the
 * drivers' pci_restore_state() in slot_reset).
 */
static int dpc_reset_link(struct rp_service *s)
{
	struct pcisim_pt *pt = &s->pt_reset;
	PT_BEGIN(pt);
	s->dpc_recovering = true;
	s->dpc_recovered = false;
	PCISIM_RECORD(sim_of(s), &s->bridge->comp, "aer.reset", PCISIM_FS("event", "dpc wait link down"),
		      PCISIM_FS("why", "dpc_reset_link"));
	if (!port_dllla_reporting(s->port)) {
		PT_SLEEP(pt, s, AER_LINK_TIMEOUT + AER_RESET_DELAY);
	} else {
		s->deadline = NOW(s) + AER_LINK_TIMEOUT;
		while (link_active(s->port)) {
			if (NOW(s) >= s->deadline) {
				dev_log(&s->port->fn, &s->comp, "Data Link Layer Link Active not cleared in 1000 msec");
				break;
			}
			PT_SLEEP(pt, s, AER_LINK_POLL);
		}
	}
	PCISIM_RECORD(sim_of(s), &s->bridge->comp, "aer.reset", PCISIM_FS("event", "dpc clear trigger status"),
		      PCISIM_FS("why", "dpc_reset_link"));
	wr(&s->port->fn, (uint16_t)(s->dpc + PCI_EXP_DPC_STATUS), PCI_EXP_DPC_STATUS_TRIGGER, 2);
	s->reset_type = "DPC";
	PT_CALL(pt, &s->pt_wait, wait_secondary_bus(s));
	if (!s->reset_rc)
		for (unsigned i = 0; i < s->ndevs; i++)
			if (!s->devs[i]->comp.removed)
				setup_fn(s->devs[i], PCISIM_INSTANT_ERROR_HANDLING);
	s->dpc_recovered = !s->reset_rc;
	s->dpc_recovering = false;
	PCISIM_RECORD(sim_of(s), &s->bridge->comp, "aer.reset", PCISIM_FS("event", s->reset_rc ? "failed" : "done"),
		      PCISIM_FS("why", "dpc_reset_link"));
	PT_END(pt);
}

static int link_or_dpc_reset(struct rp_service *s)
{
	return s->dpc_mode ? dpc_reset_link(s) : link_reset(s);
}

/* ---- passthrough: vfio-pci in the host, the guest's AER recovery ---- */

/*
 * A guest's recovery of a passed-through function (aer-passthrough-slides.txt): QEMU
 * injects the error into the guest's virtual root port; the guest's AER service runs
 * pcie_do_recovery(frozen) with the guest driver's callbacks. Its config and MMIO
 * accesses reach the physical function through vfio (all ones while the function is
 * in reset or its link is down). Its link reset is a Secondary Bus Reset of the
 * virtual root port, which QEMU translates into a reset of the physical device: a
 * bus reset of the physical port (a second link reset, "Problem C"), or an FLR with
 * the remedy. The guest's own waits are those of Linux on the virtual port (QEMU's
 * pcie-root-port: 16 GT/s with DLLLA reporting, the link instantly up): 2 ms of
 * SBR, 20 ms, 100 ms, then pci_dev_wait on the device through vfio.
 */
struct guest_rec {
	struct pcisim_comp comp; /* "guest:<id>" */
	struct pcisim_host_aer *ha;
	struct pcisim_pcifn *fn;
	struct pcisim_host_drv cfg;
	struct pcisim_pt pt;
	bool pending;  /* signalled, not started */
	bool running;
	bool deferred; /* serialize: signal after the host's recovery */
	enum pcisim_ers status;
	pcisim_time wake_at, deadline, step;
	uint64_t recovered, failed;
	const char *last;
};

static int guest_thread(struct guest_rec *g);

static void guest_ev(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	guest_thread((struct guest_rec *)ev->target);
}
PCISIM_EVKIND(guest_kind, "aer.guest_run", guest_ev);

static void guest_poke(struct guest_rec *g, pcisim_time d)
{
	pcisim_schedule(g->comp.sim, d, PCISIM_CLASS_HOST, &guest_kind, &g->comp, 0, 0);
}

#define G_NOW(g) ((g)->comp.sim->now)
#define G_SLEEP(pt, g, d)                                                                  \
	do {                                                                               \
		(g)->wake_at = G_NOW(g) + (d);                                             \
		guest_poke((g), (d));                                                      \
		PT_WAIT_UNTIL((pt), G_NOW(g) >= (g)->wake_at);                             \
	} while (0)

static void guest_log(struct guest_rec *g, const char *fmt, ...) PCISIM_PRINTF(2, 3);
static void guest_log(struct guest_rec *g, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pcisim_log(g->comp.sim, &g->comp, "guest", "%s", msg);
}

static struct guest_rec *guest_of(struct pcisim_host_aer *ha, const struct pcisim_pcifn *fn)
{
	for (size_t i = 0; ha && i < ha->nguests; i++)
		if (ha->guests[i]->fn == fn)
			return ha->guests[i];
	return NULL;
}

static void guest_start(struct guest_rec *g, const char *why)
{
	PCISIM_RECORD(g->comp.sim, &g->fn->comp, "aer.vfio", PCISIM_FS("event", "guest signalled"),
		      PCISIM_FS("why", why));
	g->pending = true;
	g->wake_at = G_NOW(g) + g->ha->h->cfg.vfio_notify;
	guest_poke(g, g->ha->h->cfg.vfio_notify);
}

static void guest_signal(struct rp_service *s, struct pcisim_pcifn *dev)
{
	struct guest_rec *g = guest_of(s->ha, dev);
	if (!g)
		return;
	if (s->ha->h->cfg.vfio_remedy == PCISIM_VFIO_SERIALIZE) {
		g->deferred = true;
		PCISIM_RECORD(sim_of(s), &dev->comp, "aer.vfio", PCISIM_FS("event", "signal deferred"),
			      PCISIM_FS("why", "serialize: after the host's recovery"));
		return;
	}
	guest_start(g, "vfio-pci error_detected");
}

/* The guest's view of its device, through vfio. */
static uint32_t guest_rd(struct guest_rec *g, uint16_t off, unsigned len)
{
	return pcisim_host_cfg_read_instant(g->fn, off, len, PCISIM_INSTANT_VFIO);
}

/* The host's Secondary Bus Reset of @b on behalf of vfio (a hot reset). */
static void sbr_set(struct pcisim_port *b, bool on)
{
	uint16_t bctl = (uint16_t)pcisim_host_cfg_read_instant(&b->fn, PCI_BRIDGE_CONTROL, 2, PCISIM_INSTANT_VFIO);
	bctl = on ? (uint16_t)(bctl | PCI_BRIDGE_CTL_BUS_RESET) : (uint16_t)(bctl & ~PCI_BRIDGE_CTL_BUS_RESET);
	pcisim_host_cfg_write_instant(&b->fn, PCI_BRIDGE_CONTROL, bctl, 2, PCISIM_INSTANT_VFIO);
}

/* A guest driver callback's vote: it reads its device through vfio. */
static enum pcisim_ers guest_vote(struct guest_rec *g, int cb, enum pcisim_ers v)
{
	if (v && guest_rd(g, PCI_VENDOR_ID, 2) == 0xffff) {
		guest_log(g, "pci 0000:01:00.0: AER: %s: device reads all ones", cb_names[cb]);
		v = PCISIM_ERS_DISCONNECT;
	}
	if (v) {
		enum pcisim_ers m = pcisim_ers_merge(g->status, v);
		PCISIM_RECORD(g->comp.sim, &g->fn->comp, "aer.callback", PCISIM_FS("callback", cb_names[cb]),
			      PCISIM_FS("vote", pcisim_ers_name(v)), PCISIM_FS("status", pcisim_ers_name(m)),
			      PCISIM_FS("domain", "guest"));
		g->status = m;
	}
	return v;
}

static void guest_finish(struct guest_rec *g, bool ok)
{
	struct pcisim_host_aer *ha = g->ha;
	if (ok) {
		set_io(ha, g->fn, PCISIM_IO_NORMAL);
		guest_log(g, "pcieport 0000:00:1c.0: AER: device recovery successful");
		g->recovered++;
		g->last = "recovered";
	} else {
		set_io(ha, g->fn, PCISIM_IO_PERM_FAILURE);
		guest_log(g, "pcieport 0000:00:1c.0: AER: device recovery failed");
		g->failed++;
		g->last = "failed";
	}
	PCISIM_RECORD(g->comp.sim, &g->fn->comp, "aer.recovery", PCISIM_FS("event", ok ? "recovered" : "failed"),
		      PCISIM_FS("state", "frozen"), PCISIM_FS("status", pcisim_ers_name(g->status)),
		      PCISIM_FS("domain", "guest"));
	g->running = false;
}

static int guest_thread(struct guest_rec *g)
{
	struct pcisim_pt *pt = &g->pt;
	PT_BEGIN(pt);
	for (;;) {
		PT_WAIT_UNTIL(pt, g->pending && G_NOW(g) >= g->wake_at);
		g->pending = false;
		g->running = true;
		g->status = PCISIM_ERS_CAN_RECOVER;
		guest_log(g, "pcieport 0000:00:1c.0: AER: Uncorrectable (Fatal) error received: 0000:01:00.0");
		PCISIM_RECORD(g->comp.sim, &g->fn->comp, "aer.recovery", PCISIM_FS("event", "start"),
			      PCISIM_FS("state", "frozen"), PCISIM_FS("status", "can_recover"),
			      PCISIM_FS("domain", "guest"));
		set_io(g->ha, g->fn, PCISIM_IO_FROZEN);
		if (g->cfg.guest.error_detected)
			G_SLEEP(pt, g, g->cfg.guest.cb_time);
		if (!guest_vote(g, CB_DETECTED, g->cfg.guest.error_detected) && !g->cfg.guest.error_detected) {
			g->status = PCISIM_ERS_NO_AER_DRIVER;
		}
		/* the guest's link reset: SBR of its virtual root port, translated by QEMU */
		if (g->ha->h->cfg.vfio_remedy == PCISIM_VFIO_SKIP_HOST_RESET) {
			PCISIM_RECORD(g->comp.sim, &g->fn->comp, "aer.vfio", PCISIM_FS("event", "guest link reset as FLR"),
				      PCISIM_FS("why", "remedy: a virtual link reset resets only the device"));
			pcisim_reset_flr(g->fn, "vfio: the guest's link reset");
		} else if (g->fn->bus && g->fn->bus->bridge && pcisim_is_port(g->fn->bus->bridge)) {
			PCISIM_RECORD(g->comp.sim, &g->fn->comp, "aer.vfio", PCISIM_FS("event", "guest link reset as host bus reset"),
				      PCISIM_FS("why", "vfio-pci translates the guest's link reset"));
			sbr_set(pcisim_to_port(g->fn->bus->bridge), true);
		}
		G_SLEEP(pt, g, AER_SBR_HOLD);
		if (g->ha->h->cfg.vfio_remedy != PCISIM_VFIO_SKIP_HOST_RESET && g->fn->bus && g->fn->bus->bridge &&
		    pcisim_is_port(g->fn->bus->bridge))
			sbr_set(pcisim_to_port(g->fn->bus->bridge), false);
		/* Linux's waits on the virtual port, then pci_dev_wait through vfio */
		G_SLEEP(pt, g, AER_LINK_DETECT_WAIT + AER_RESET_DELAY);
		g->deadline = G_NOW(g) + AER_READY_POLL - AER_RESET_DELAY;
		g->step = 1 * PCISIM_MS;
		while (guest_rd(g, PCI_COMMAND, 2) == 0xffff && G_NOW(g) < g->deadline) {
			G_SLEEP(pt, g, g->step);
			g->step *= 2;
		}
		guest_log(g, "pcieport 0000:00:1c.0: AER: Root Port link has been reset (0)");
		if (g->status == PCISIM_ERS_CAN_RECOVER) {
			g->status = PCISIM_ERS_RECOVERED;
			if (g->cfg.guest.mmio_enabled) {
				G_SLEEP(pt, g, g->cfg.guest.cb_time);
				guest_vote(g, CB_MMIO, g->cfg.guest.mmio_enabled);
			}
		}
		if (g->status == PCISIM_ERS_NEED_RESET) {
			g->status = PCISIM_ERS_RECOVERED;
			if (g->cfg.guest.slot_reset) {
				G_SLEEP(pt, g, g->cfg.guest.cb_time);
				guest_vote(g, CB_SLOT_RESET, g->cfg.guest.slot_reset);
			}
		}
		if (g->status != PCISIM_ERS_RECOVERED) {
			guest_finish(g, false);
			continue;
		}
		if (g->cfg.guest.resume)
			G_SLEEP(pt, g, g->cfg.guest.cb_time);
		guest_finish(g, true);
	}
	PT_END(pt);
}

static int guest_query(struct pcisim_comp *c, const char *key, struct pcisim_value *v)
{
	struct guest_rec *g = (struct guest_rec *)c;
	if (!strcmp(key, "recovered")) {
		v->u = g->recovered;
		return 0;
	}
	if (!strcmp(key, "failed")) {
		v->u = g->failed;
		return 0;
	}
	if (!strcmp(key, "last") || !strcmp(key, "state")) {
		v->is_str = true;
		v->s = !strcmp(key, "state") ? (g->running ? "recovering" : "idle") : g->last ? g->last : "-";
		return 0;
	}
	return -PCISIM_ENOENT;
}

static void guest_destroy(struct pcisim_comp *c)
{
	free(c);
}

static const char *const guest_keys[] = {"state", "last", "recovered", "failed", NULL};
static const struct pcisim_comp_ops guest_ops = {
	.type = "guest-aer",
	.query = guest_query,
	.query_keys = guest_keys,
	.destroy = guest_destroy,
};

/* ---- pcie_do_recovery() ---- */

static void finish(struct rp_service *s, bool ok)
{
	if (ok) {
		/* pcie_clear_device_status() and pci_aer_clear_nonfatal_status() of the
		 * function that reported the error (Linux 6.x; 5.x cleared the bridge's) */
		struct pcisim_pcifn *b = s->rdev;
		uint16_t exp = exp_of(b), aer = aer_of(b);
		if (exp)
			wr(b, (uint16_t)(exp + PCI_EXP_DEVSTA), rd(b, (uint16_t)(exp + PCI_EXP_DEVSTA), 2), 2);
		if (aer) {
			uint32_t st = rd(b, (uint16_t)(aer + PCI_ERR_UNCOR_STATUS), 4);
			uint32_t sev = rd(b, (uint16_t)(aer + PCI_ERR_UNCOR_SEVER), 4);
			if (st != 0xffffffffu && (st & ~sev))
				wr(b, (uint16_t)(aer + PCI_ERR_UNCOR_STATUS), st & ~sev, 4);
		}
		dev_log(s->bridge, &s->comp, "AER: device recovery successful");
		s->recovered++;
		s->last = "recovered";
	} else {
		dev_log(s->bridge, &s->comp, "AER: device recovery failed");
		/* the drivers stay stopped: pcisim counts their functions as disconnected */
		for (unsigned i = 0; i < s->ndevs; i++)
			if (!s->devs[i]->drv->bridge)
				set_io(s->ha, s->devs[i], PCISIM_IO_PERM_FAILURE);
		s->failed++;
		s->last = "failed";
	}
	PCISIM_RECORD(sim_of(s), &s->bridge->comp, "aer.recovery", PCISIM_FS("event", ok ? "recovered" : "failed"),
		      PCISIM_FS("state", s->frozen ? "frozen" : "normal"),
		      PCISIM_FS("status", pcisim_ers_name(s->status)));
	for (unsigned i = 0; i < s->ndevs; i++) {
		struct guest_rec *g = guest_of(s->ha, s->devs[i]);
		if (g && g->deferred) {
			g->deferred = false;
			guest_start(g, "serialize: the host's recovery is over");
		}
	}
	s->bridge = NULL;
	s->ndevs = 0;
}

static bool all_vfio(struct rp_service *s)
{
	unsigned n = 0;
	for (unsigned i = 0; i < s->ndevs; i++) {
		if (s->devs[i]->drv->bridge)
			continue;
		if (!drv_of(s->ha, s->devs[i]).vfio)
			return false;
		n++;
	}
	return n > 0;
}

static int recovery(struct rp_service *s)
{
	struct pcisim_pt *pt = &s->pt_rec;
	PT_BEGIN(pt);
	{
		struct pcisim_pcifn *dev = s->rdev;
		int type = pcisim_cap_exp_type(&dev->cfg);
		s->bridge = (type == PCI_EXP_TYPE_ROOT_PORT || type == PCI_EXP_TYPE_DOWNSTREAM)
				    ? dev
				    : (dev->bus ? dev->bus->bridge : NULL);
		if (!s->bridge || !pcisim_is_port(s->bridge)) {
			dev_log(dev, &s->comp, "AER: no downstream port above: recovery not possible");
			s->bridge = NULL;
			PT_EXIT(pt);
		}
		s->ndevs = 0;
		add_below(host_of(s), s->bridge->secondary, s->devs, &s->ndevs);
		s->status = PCISIM_ERS_CAN_RECOVER;
		s->recoveries++;
		PCISIM_RECORD(sim_of(s), &s->bridge->comp, "aer.recovery", PCISIM_FS("event", "start"),
			      PCISIM_FS("state", s->frozen ? "frozen" : "normal"),
			      PCISIM_FS("status", "can_recover"));
	}
	BROADCAST(pt, s, CB_DETECTED);
	if (s->frozen && s->ha->h->cfg.vfio_remedy == PCISIM_VFIO_SKIP_HOST_RESET && all_vfio(s)) {
		/* the slides' workable version: the host leaves the link reset to the guest */
		dev_log(s->bridge, &s->comp, "AER: link reset skipped: the guest resets its device (vfio)");
		s->frozen = false;
	}
	if (s->frozen && !s->ha->h->cfg.reset_on_need_reset) {
		PT_CALL(pt, &s->pt_reset, link_or_dpc_reset(s));
		if (s->reset_rc) {
			dev_log(s->bridge, &s->comp, "AER: subordinate device reset failed");
			finish(s, false);
			PT_EXIT(pt);
		}
	}
	if (s->status == PCISIM_ERS_CAN_RECOVER) {
		s->status = PCISIM_ERS_RECOVERED;
		BROADCAST(pt, s, CB_MMIO);
	}
	if (s->ha->h->cfg.reset_on_need_reset && (s->status == PCISIM_ERS_NEED_RESET || s->frozen)) {
		PT_CALL(pt, &s->pt_reset, link_or_dpc_reset(s));
		if (s->reset_rc) {
			dev_log(s->bridge, &s->comp, "AER: subordinate device reset failed");
			finish(s, false);
			PT_EXIT(pt);
		}
	}
	if (s->status == PCISIM_ERS_NEED_RESET) {
		s->status = PCISIM_ERS_RECOVERED;
		BROADCAST(pt, s, CB_SLOT_RESET);
	}
	if (s->status != PCISIM_ERS_RECOVERED) {
		finish(s, false);
		PT_EXIT(pt);
	}
	BROADCAST(pt, s, CB_RESUME);
	finish(s, true);
	PT_END(pt);
}

/* ---- aer_isr_one_error() ---- */

static void print_port_info(struct rp_service *s)
{
	dev_log(&s->port->fn, &s->comp, "AER: %s%s error received: 0000:%02x:%02x.%d",
		s->multi ? "Multiple " : "", sev_string(s->sev), s->id >> 8, (s->id >> 3) & 0x1f, s->id & 7);
}

/* handle_error_source() of s->edev[s->ei] */
static int one_error(struct rp_service *s)
{
	struct pcisim_pt *pt = &s->pt_one;
	PT_BEGIN(pt);
	if (s->cur.status & PCI_ERR_ROOT_COR_RCV) {
		s->id = (uint16_t)(s->cur.id & 0xffff);
		s->sev = PCISIM_AER_COR;
		s->multi = s->cur.status & PCI_ERR_ROOT_MULTI_COR_RCV;
		s->cor++;
		print_port_info(s);
		if (find_source(s)) {
			for (unsigned i = 0; i < s->nedev; i++)
				print_error(s, s->edev[i]);
			for (unsigned i = 0; i < s->nedev; i++) {
				struct pcisim_pcifn *dev = s->edev[i];
				uint16_t aer = aer_of(dev), exp = exp_of(dev);
				uint32_t st = aer ? rd(dev, (uint16_t)(aer + PCI_ERR_COR_STATUS), 4) : 0;
				if (aer)
					wr(dev, (uint16_t)(aer + PCI_ERR_COR_STATUS), st, 4);
				struct pcisim_host_drv c = drv_of(s->ha, dev);
				if (c.cor_error_detected)
					PCISIM_RECORD(sim_of(s), &dev->comp, "aer.callback",
						      PCISIM_FS("callback", "cor_error_detected"),
						      PCISIM_FS("vote", "-"), PCISIM_FS("status", "-"));
				if (exp)
					wr(dev, (uint16_t)(exp + PCI_EXP_DEVSTA),
					   rd(dev, (uint16_t)(exp + PCI_EXP_DEVSTA), 2), 2);
			}
		}
	}
	if (!(s->cur.status & PCI_ERR_ROOT_UNCOR_RCV))
		PT_EXIT(pt);
	s->id = (uint16_t)(s->cur.id >> 16);
	s->sev = (s->cur.status & PCI_ERR_ROOT_FATAL_RCV) ? PCISIM_AER_FATAL : PCISIM_AER_NONFATAL;
	s->multi = s->cur.status & PCI_ERR_ROOT_MULTI_UNCOR_RCV;
	if (s->sev == PCISIM_AER_FATAL)
		s->fatal++;
	else
		s->nonfatal++;
	print_port_info(s);
	if (!find_source(s))
		PT_EXIT(pt);
	for (unsigned i = 0; i < s->nedev; i++)
		print_error(s, s->edev[i]);
	for (s->ei = 0; s->ei < s->nedev; s->ei++) {
		s->rdev = s->edev[s->ei];
		s->frozen = s->sev == PCISIM_AER_FATAL;
		PT_CALL(pt, &s->pt_rec, recovery(s));
	}
	PT_END(pt);
}

/* dpc_process_error(): what Linux prints about the containment event */
static void dpc_process_error(struct rp_service *s)
{
	struct pcisim_pcifn *fn = &s->port->fn;
	uint16_t st = (uint16_t)rd(fn, (uint16_t)(s->dpc + PCI_EXP_DPC_STATUS), 2);
	uint16_t src = (uint16_t)rd(fn, (uint16_t)(s->dpc + PCI_EXP_DPC_SOURCE_ID), 2);
	dev_log(fn, &s->comp, "DPC: containment event, status:%#06x source:%#06x", st, src);
	unsigned reason = st & PCI_EXP_DPC_STATUS_TRIGGER_RSN;
	unsigned ext = st & PCI_EXP_DPC_STATUS_TRIGGER_RSN_EXT;
	dev_log(fn, &s->comp, "DPC: %s detected",
		reason == PCI_EXP_DPC_STATUS_TRIGGER_RSN_UNCOR	      ? "unmasked uncorrectable error"
		: reason == PCI_EXP_DPC_STATUS_TRIGGER_RSN_NFE	      ? "ERR_NONFATAL"
		: reason == PCI_EXP_DPC_STATUS_TRIGGER_RSN_FE	      ? "ERR_FATAL"
		: ext == PCI_EXP_DPC_STATUS_TRIGGER_RSN_RP_PIO	      ? "RP PIO error"
		: ext == PCI_EXP_DPC_STATUS_TRIGGER_RSN_SW_TRIGGER ? "software trigger"
								      : "reserved error");
	if (reason == PCI_EXP_DPC_STATUS_TRIGGER_RSN_UNCOR && s->port->aer) {
		/* aer_print_error(), pci_aer_clear_nonfatal_status/fatal_status() */
		print_error(s, fn);
		uint32_t u = rd(fn, (uint16_t)(s->port->aer + PCI_ERR_UNCOR_STATUS), 4);
		if (u != 0xffffffffu && u)
			wr(fn, (uint16_t)(s->port->aer + PCI_ERR_UNCOR_STATUS), u, 4);
	}
}

/* dpc_handler(): pcie_do_recovery(pdev, pci_channel_io_frozen, dpc_reset_link) */
static int dpc_handler(struct rp_service *s)
{
	struct pcisim_pt *pt = &s->pt_one;
	PT_BEGIN(pt);
	s->dpc_events++;
	dpc_process_error(s);
	s->rdev = &s->port->fn;
	s->frozen = true;
	s->dpc_mode = true;
	PT_CALL(pt, &s->pt_rec, recovery(s));
	s->dpc_mode = false;
	if (s->dpc_recovered)
		s->dpc_recoveries_ok++;
	PT_END(pt);
}

/* aer_isr(): the IRQ thread of one root port's service (and dpc_handler: pcisim runs
 * the DPC service's thread here too, one after the other). */
static int thread(struct rp_service *s)
{
	struct pcisim_pt *pt = &s->pt_thread;
	PT_BEGIN(pt);
	for (;;) {
		s->running = false;
		PT_WAIT_UNTIL(pt, s->n > 0 || s->dpc_pending);
		s->running = true;
		if (s->dpc_pending) {
			s->dpc_pending = false;
			PT_CALL(pt, &s->pt_one, dpc_handler(s));
			continue;
		}
		s->cur = s->fifo[s->head];
		s->head = (s->head + 1) % AER_FIFO;
		s->n--;
		PT_CALL(pt, &s->pt_one, one_error(s));
	}
	PT_END(pt);
}

/* ---- the interrupt (aer_irq) ---- */

static struct rp_service *svc_of(struct pcisim_host_aer *ha, const struct pcisim_pcifn *port)
{
	for (size_t i = 0; ha && i < ha->nsvc; i++)
		if (&ha->svc[i]->port->fn == port)
			return ha->svc[i];
	return NULL;
}

/* The port's interrupt: dpc_irq() when the DPC service is bound, then aer_irq(). */
static void svc_irq(struct pcisim_host *h, void *data, struct pcisim_port *p)
{
	struct pcisim_pcifn *port = &p->fn;
	struct rp_service *s = svc_of(data, port);
	if (!s || !s->bound)
		return;
	if (s->dpc_bound) {
		/* dpc_irq(): Interrupt Status, written back; the thread when Trigger Status */
		uint16_t ds = (uint16_t)rd(port, (uint16_t)(s->dpc + PCI_EXP_DPC_STATUS), 2);
		if (ds != 0xffff && (ds & PCI_EXP_DPC_STATUS_INTERRUPT)) {
			wr(port, (uint16_t)(s->dpc + PCI_EXP_DPC_STATUS), PCI_EXP_DPC_STATUS_INTERRUPT, 2);
			PCISIM_RECORD(sim_of(s), &s->comp, "aer.dpc_isr", PCISIM_FX("status", ds));
			if (ds & PCI_EXP_DPC_STATUS_TRIGGER) {
				s->dpc_pending = true;
				poke(s, 0);
			}
		}
	}
	uint32_t st = rd(port, (uint16_t)(p->aer + PCI_ERR_ROOT_STATUS), 4);
	if (st == 0xffffffffu || !(st & (PCI_ERR_ROOT_UNCOR_RCV | PCI_ERR_ROOT_COR_RCV |
					 PCI_ERR_ROOT_MULTI_COR_RCV | PCI_ERR_ROOT_MULTI_UNCOR_RCV)))
		return; /* IRQ_NONE: not ours (pciehp and DPC share the vector) */
	uint32_t id = rd(port, (uint16_t)(p->aer + PCI_ERR_ROOT_ERR_SRC), 4);
	wr(port, (uint16_t)(p->aer + PCI_ERR_ROOT_STATUS), st, 4);
	PCISIM_RECORD(sim_of(s), &s->comp, "aer.isr", PCISIM_FX("status", st), PCISIM_FX("source_id", id),
		      PCISIM_FU("queued", s->n));
	if (s->n == AER_FIFO) {
		s->fifo_overflows++;
		return; /* kfifo_put failed: IRQ_HANDLED, the error is not processed */
	}
	s->fifo[(s->head + s->n) % AER_FIFO] = (struct esrc){st & 0x7f, id};
	s->n++;
	poke(s, 0);
}

/* ---- boot ---- */

/* What firmware and Linux set on @fn at boot for error reporting (instant, for @why). */
static void setup_fn(struct pcisim_pcifn *fn, enum pcisim_host_instant why)
{
	/* SeaBIOS pci_bios_init_device(): I/O, memory and SERR# enabled */
	uint16_t cmd = (uint16_t)pcisim_host_cfg_read_instant(fn, PCI_COMMAND, 2, why);
	pcisim_host_cfg_write_instant(fn, PCI_COMMAND, cmd | PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_SERR,
				      2, why);
	/* Linux pci_configure_serr() */
	if (fn->drv->bridge) {
		uint16_t b = (uint16_t)pcisim_host_cfg_read_instant(fn, PCI_BRIDGE_CONTROL, 2, why);
		pcisim_host_cfg_write_instant(fn, PCI_BRIDGE_CONTROL, b | PCI_BRIDGE_CTL_SERR, 2, why);
	}
	/* pci_aer_init(): clear AER status, enable reporting */
	uint16_t aer = aer_of(fn), exp = exp_of(fn);
	if (!aer || !exp)
		return;
	static const uint16_t status[] = {PCI_ERR_ROOT_STATUS, PCI_ERR_COR_STATUS, PCI_ERR_UNCOR_STATUS};
	/* Root Error Status only on a root port */
	for (size_t i = pcisim_cap_exp_type(&fn->cfg) == PCI_EXP_TYPE_ROOT_PORT ? 0 : 1;
	     i < sizeof(status) / sizeof(status[0]); i++) {
		uint16_t off = (uint16_t)(aer + status[i]);
		pcisim_host_cfg_write_instant(fn, off, pcisim_host_cfg_read_instant(fn, off, 4, why), 4, why);
	}
	uint16_t dc = (uint16_t)pcisim_host_cfg_read_instant(fn, (uint16_t)(exp + PCI_EXP_DEVCTL), 2, why);
	pcisim_host_cfg_write_instant(fn, (uint16_t)(exp + PCI_EXP_DEVCTL), dc | PCISIM_EXP_DEVCTL_ERR_EN, 2, why);
}

static void probe(struct rp_service *s)
{
	const enum pcisim_host_instant why = PCISIM_INSTANT_BOOT;
	struct pcisim_port *p = s->port;
	struct pcisim_pcifn *fn = &p->fn;
	/* aer_enable_rootport() */
	uint16_t off = (uint16_t)(p->exp + PCI_EXP_DEVSTA);
	pcisim_host_cfg_write_instant(fn, off, pcisim_host_cfg_read_instant(fn, off, 2, why), 2, why);
	off = (uint16_t)(p->exp + PCI_EXP_RTCTL);
	uint16_t rc = (uint16_t)pcisim_host_cfg_read_instant(fn, off, 2, why);
	pcisim_host_cfg_write_instant(fn, off,
				      rc & (uint16_t)~(PCI_EXP_RTCTL_SECEE | PCI_EXP_RTCTL_SENFEE | PCI_EXP_RTCTL_SEFEE),
				      2, why);
	static const uint16_t regs[] = {PCI_ERR_ROOT_STATUS, PCI_ERR_COR_STATUS, PCI_ERR_UNCOR_STATUS};
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		off = (uint16_t)(p->aer + regs[i]);
		pcisim_host_cfg_write_instant(fn, off, pcisim_host_cfg_read_instant(fn, off, 4, why), 4, why);
	}
	off = (uint16_t)(p->aer + PCI_ERR_ROOT_COMMAND);
	uint32_t cmd = pcisim_host_cfg_read_instant(fn, off, 4, why);
	pcisim_host_cfg_write_instant(fn, off, cmd | PCISIM_ERR_ROOT_CMD_EN_MASK, 4, why);
	s->bound = true;
	dev_log(fn, &s->comp, "AER: enabled with IRQ %u", 24 + fn->comp.id);
	/* dpc_probe(): trigger on ERR_FATAL, interrupt enabled */
	s->dpc = s->ha->h->cfg.dpc ? pcisim_dpc_off(p) : 0;
	if (s->dpc) {
		off = (uint16_t)(s->dpc + PCI_EXP_DPC_CTL);
		uint16_t ctl = (uint16_t)pcisim_host_cfg_read_instant(fn, off, 2, why);
		ctl = (uint16_t)((ctl & ~PCI_EXP_DPC_CTL_EN_MASK) | PCI_EXP_DPC_CTL_EN_FATAL | PCI_EXP_DPC_CTL_INT_EN);
		pcisim_host_cfg_write_instant(fn, off, ctl, 2, why);
		uint16_t cap = (uint16_t)pcisim_host_cfg_read_instant(fn, (uint16_t)(s->dpc + PCI_EXP_DPC_CAP), 2, why);
		s->dpc_bound = true;
		dev_log(fn, &s->comp, "DPC: enabled with IRQ %u", 24 + fn->comp.id);
		dev_log(fn, &s->comp,
			"DPC: error containment capabilities: Int Msg #%u, RPExt%c PoisonedTLP%c SwTrigger%c RP PIO Log %u, DL_ActiveErr%c",
			cap & PCI_EXP_DPC_IRQ, cap & PCI_EXP_DPC_CAP_RP_EXT ? '+' : '-',
			cap & PCI_EXP_DPC_CAP_POISONED_TLP ? '+' : '-', cap & PCI_EXP_DPC_CAP_SW_TRIGGER ? '+' : '-',
			(cap & PCI_EXP_DPC_RP_PIO_LOG_SIZE) >> 8, cap & PCI_EXP_DPC_CAP_DL_ACTIVE ? '+' : '-');
	}
}

static int svc_query(struct pcisim_comp *c, const char *key, struct pcisim_value *v)
{
	struct rp_service *s = (struct rp_service *)c;
	static const struct {
		const char *k;
		size_t off;
	} nums[] = {
		{"cor", offsetof(struct rp_service, cor)},
		{"nonfatal", offsetof(struct rp_service, nonfatal)},
		{"fatal", offsetof(struct rp_service, fatal)},
		{"recoveries", offsetof(struct rp_service, recoveries)},
		{"recovered", offsetof(struct rp_service, recovered)},
		{"failed", offsetof(struct rp_service, failed)},
		{"fifo_overflows", offsetof(struct rp_service, fifo_overflows)},
		{"dpc_events", offsetof(struct rp_service, dpc_events)},
		{"dpc_recovered", offsetof(struct rp_service, dpc_recoveries_ok)},
	};
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		if (!strcmp(key, nums[i].k)) {
			memcpy(&v->u, (const char *)s + nums[i].off, sizeof(uint64_t));
			return 0;
		}
	if (!strcmp(key, "dpc_bound")) {
		v->u = s->dpc_bound;
		return 0;
	}
	if (!strcmp(key, "bound")) {
		v->u = s->bound;
		return 0;
	}
	if (!strcmp(key, "queued")) {
		v->u = s->n;
		return 0;
	}
	if (!strcmp(key, "last")) {
		v->is_str = true;
		v->s = s->last ? s->last : "-";
		return 0;
	}
	if (!strcmp(key, "state")) {
		v->is_str = true;
		v->s = s->bridge ? "recovering" : s->running ? "busy" : "idle";
		return 0;
	}
	return -PCISIM_ENOENT;
}

static void svc_destroy(struct pcisim_comp *c)
{
	free(c);
}

static const char *const svc_keys[] = {"state", "bound", "queued", "last", "cor", "nonfatal",
				       "fatal", "recoveries", "recovered", "failed", "fifo_overflows",
				       "dpc_bound", "dpc_events", "dpc_recovered", NULL};
static const struct pcisim_comp_ops svc_ops = {
	.type = "aer",
	.query = svc_query,
	.query_keys = svc_keys,
	.destroy = svc_destroy,
};

/* ---- the port service ---- */

static int svc_build(struct pcisim_host *h, void **data, struct pcisim_diag *d)
{
	*data = NULL;
	if (!h->cfg.aer)
		return 0;
	struct pcisim_host_aer *ha = calloc(1, sizeof(*ha));
	if (!ha)
		abort();
	ha->h = h;
	*data = ha;
	for (size_t i = 0; i < h->cfg.ndrivers; i++) {
		const struct pcisim_host_drv *drv = &h->cfg.drivers[i];
		if (!drv->vfio)
			continue;
		struct guest_rec *g = calloc(1, sizeof(*g));
		if (!g)
			abort();
		char name[160];
		snprintf(name, sizeof(name), "guest:%s", drv->id);
		if (pcisim_comp_add(h->comp.sim, &g->comp, &h->comp, name, &guest_ops)) {
			free(g);
			continue;
		}
		g->ha = ha;
		g->fn = pcisim_fabric_find_fn(h->fab, drv->id);
		g->cfg = *drv;
		struct guest_rec **gv = realloc(ha->guests, (ha->nguests + 1) * sizeof(*gv));
		if (!gv)
			abort();
		ha->guests = gv;
		ha->guests[ha->nguests++] = g;
		guest_poke(g, 0); /* the thread waits for a signal */
	}
	/* the service's component per root port with AER (scenarios can name them) */
	struct pcisim_fabric *fab = h->fab;
	for (uint32_t i = 0; i < fab->nfns; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		if (fn->comp.removed || fn->drv->kind != PCISIM_FN_ROOT_PORT || !pcisim_is_port(fn) ||
		    !pcisim_to_port(fn)->aer)
			continue;
		struct rp_service *s = calloc(1, sizeof(*s));
		if (!s)
			abort();
		char name[160];
		snprintf(name, sizeof(name), "aer:%s", fn->comp.name);
		if (pcisim_comp_add(h->comp.sim, &s->comp, &h->comp, name, &svc_ops)) {
			free(s);
			continue;
		}
		s->ha = ha;
		s->port = pcisim_to_port(fn);
		struct rp_service **v = realloc(ha->svc, (ha->nsvc + 1) * sizeof(*v));
		if (!v)
			abort();
		ha->svc = v;
		ha->svc[ha->nsvc++] = s;
	}
	return 0;
}

/* What firmware and Linux set on every function Linux enumerated (pci_aer_init()). */
static void svc_init_fn(struct pcisim_host *h, void *data, struct pcisim_pcifn *fn)
{
	setup_fn(fn, PCISIM_INSTANT_BOOT);
}

/* aer_probe(), and dpc_probe() where the DPC service is on */
static void svc_probe(struct pcisim_host *h, void *data, struct pcisim_port *p)
{
	struct rp_service *s = svc_of(data, &p->fn);
	if (s)
		probe(s);
}

/*
 * aer_remove() and dpc_remove(): the services let go of the port. Their disable
 * writes are not modelled: the port is leaving Linux's view.
 */
static void svc_remove(struct pcisim_host *h, void *data, struct pcisim_port *p)
{
	struct rp_service *s = svc_of(data, &p->fn);
	if (s)
		s->bound = s->dpc_bound = false;
}

static void svc_free(struct pcisim_host *h, void *data)
{
	struct pcisim_host_aer *ha = data;
	free(ha->svc);
	free(ha->guests);
	free(ha->io);
	free(ha);
}

static const struct pcisim_record_kind kinds[] = {
	{"aer.isr", "the AER service's interrupt handler queued an error source (fields: status, source_id, queued)"},
	{"aer.callback", "a driver's error recovery callback returned (fields: callback, vote, status = merged result)"},
	{"aer.recovery", "pcie_do_recovery() started or ended (fields: event: start/recovered/failed, state, status)"},
	{"aer.reset", "the AER service reset a link for recovery (fields: event, why)"},
	{"aer.io_state", "Linux's channel state of a function changed (fields: from, to)"},
	{"aer.dpc_isr", "the DPC service's interrupt handler saw DPC Interrupt Status (fields: status)"},
	{"aer.vfio", "vfio-pci forwarded an error to the guest, or translated its link reset (fields: event, why)"},
	{0},
};

const struct pcisim_port_service pcisim_aer_service = {
	.name = "aer",
	.round = PCISIM_PORTSVC_AFTER_INIT,
	.kinds = kinds,
	.build = svc_build,
	.init_fn = svc_init_fn,
	.probe = svc_probe,
	.irq = svc_irq,
	.remove = svc_remove,
	.free = svc_free,
};
