/*
 * Linux pciehp as a model: written from the behaviour described in REFERENCE.md 3
 * (pciehp_ctrl.c, pciehp_hpc.c, pciehp_core.c): the same states, messages, order of
 * register writes and waits. The IRQ thread is a protothread (pt.h); every sleep,
 * every wait for Command Completed and every config access (a routed request that
 * costs its round trip through the fabric) suspends it in simulated time. The
 * hard-IRQ half and the end of the probe are protothreads of their own, with their
 * own accesses (docs/hotplug.md, "Config accesses travel the fabric").
 */
#include "sim/host/pciehp.h"

#include <stdlib.h>
#include <string.h>

#include "sim/core/trace.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"
#include "sim/pcie/slot.h"
#include "sim/core/heap.h"

#define SLTSTA_EVENTS                                                                         \
	(PCI_EXP_SLTSTA_ABP | PCI_EXP_SLTSTA_PFD | PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_CC |    \
	 PCI_EXP_SLTSTA_DLLSC)

static const char *const state_names[] = {
	[PCIEHP_OFF] = "OFF",
	[PCIEHP_BLINKINGON] = "BLINKINGON",
	[PCIEHP_ON] = "ON",
	[PCIEHP_BLINKINGOFF] = "BLINKINGOFF",
	[PCIEHP_POWERON] = "POWERON",
	[PCIEHP_POWEROFF] = "POWEROFF",
};

const char *pcisim_pciehp_state_name(enum pcisim_pciehp_state s)
{
	return s <= PCIEHP_POWEROFF ? state_names[s] : "?";
}

static struct pcisim_sim *sim_of(struct pcisim_pciehp *c)
{
	return c->comp.sim;
}

static void hp_log(struct pcisim_pciehp *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void hp_log(struct pcisim_pciehp *c, const char *fmt, ...)
{
	if (!pcisim_recording(sim_of(c)))
		return; /* a log line nothing would see */
	char msg[512], bdf[32];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pcisim_fn_bdf_str(&c->port->fn, bdf, sizeof(bdf));
	pcisim_log(sim_of(c), &c->comp, "linux", "pcieport %s: pciehp: %s", bdf, msg);
}

static void set_state(struct pcisim_pciehp *c, enum pcisim_pciehp_state s, const char *why)
{
	if (c->state == s)
		return;
	PCISIM_RECORD(sim_of(c), &c->comp, "pciehp.state",
		      PCISIM_FS("from", state_names[c->state]), PCISIM_FS("to", state_names[s]),
		      PCISIM_FS("why", why));
	c->state = s;
}

/* ---- register access ---- */

/*
 * Every access of the driver is a routed config request (pt.h): the procedure that
 * makes it suspends until the completion is back, and reads the data from the access
 * struct afterwards. The port's own registers are at the port's BDF; a root port is
 * on a root bus, so its round trip crosses no link and costs nothing, while a switch
 * downstream port's crosses every link above its switch.
 */
static uint16_t expo(struct pcisim_pciehp *c, uint16_t reg)
{
	return (uint16_t)(c->port->exp + reg);
}

static uint8_t port_bus(struct pcisim_pciehp *c)
{
	return c->port->fn.bus ? c->port->fn.bus->number : 0;
}

/* pcie_capability_read_word(port, reg) into (a)->val */
#define RD16(pt, c, a, reg) PT_CFG_READ((pt), (a), port_bus(c), (c)->port->fn.devfn, expo((c), (reg)), 2)
/* pcie_capability_write_word(port, reg, v) */
#define WR16(pt, c, a, reg, v)                                                             \
	PT_CFG_WRITE((pt), (a), port_bus(c), (c)->port->fn.devfn, expo((c), (reg)), 2, (v))

/* PCI_POSSIBLE_ERROR() of a 16-bit read */
static bool no_response(uint32_t v16)
{
	return (v16 & 0xffff) == 0xffff;
}

/* ---- running the thread ---- */

static int ist(struct pcisim_pciehp *c);

static void run_thread(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct pcisim_pciehp *c = (struct pcisim_pciehp *)ev->target;
	ist(c);
}
PCISIM_EVKIND(run_kind, "pciehp.run", run_thread);

/*
 * Make the thread run at now + @delay. Every wait re-checks its condition when the
 * thread runs, so an extra run is harmless; a missing one would hang the thread.
 */
static void poke(struct pcisim_pciehp *c, pcisim_time delay)
{
	pcisim_schedule(sim_of(c), delay, PCISIM_CLASS_HOST, &run_kind, &c->comp, 0, 0);
}

/* The thread's config access completed: it continues at once, in the completion's event. */
static void ist_wake(void *ctx)
{
	ist(ctx);
}

#define NOW(c) (sim_of(c)->now)
/* msleep(): suspend the calling procedure's pt for @d. */
#define PT_SLEEP(pt, c, d)                                                                 \
	do {                                                                               \
		(c)->wake_at = NOW(c) + (d);                                               \
		poke((c), (d));                                                            \
		PT_WAIT_UNTIL((pt), NOW(c) >= (c)->wake_at);                               \
	} while (0)

static void request(struct pcisim_pciehp *c, uint32_t ev)
{
	c->pending_events |= ev;
	poke(c, 0);
}

/* ---- Slot Control commands (pcie_do_write_cmd / pcie_wait_cmd) ---- */

static bool cmd_done(struct pcisim_pciehp *c)
{
	if (!c->cmd_busy)
		return true;
	return NOW(c) >= c->deadline;
}

/* Wait for the previous command: for the interrupt when HPIE and CCIE are on, else poll. */
static int wait_cmd(struct pcisim_pciehp *c, struct pcisim_pt *pt)
{
	PT_BEGIN(pt);
	if (c->slot_cap & PCI_EXP_SLTCAP_NCCS || !c->cmd_busy)
		PT_EXIT(pt);
	c->deadline = c->cmd_started + PCIEHP_CMD_TIMEOUT;
	if (c->deadline <= NOW(c))
		c->deadline = NOW(c);
	if ((c->slot_ctrl & PCI_EXP_SLTCTL_HPIE) && (c->slot_ctrl & PCI_EXP_SLTCTL_CCIE)) {
		poke(c, c->deadline - NOW(c));
		PT_WAIT_UNTIL(pt, cmd_done(c));
	} else {
		/* pcie_poll_cmd(): read, sleep 10 ms, count the time left down by 10 ms. */
		c->left = c->deadline - NOW(c);
		for (;;) {
			RD16(pt, c, &c->cfg, PCI_EXP_SLTSTA);
			if (no_response(c->cfg.val)) {
				hp_log(c, "pcie_poll_cmd: no response from device");
				break;
			}
			if (c->cfg.val & PCI_EXP_SLTSTA_CC) {
				WR16(pt, c, &c->cfg, PCI_EXP_SLTSTA, PCI_EXP_SLTSTA_CC);
				c->cmd_busy = false;
				break;
			}
			PT_SLEEP(pt, c, PCIEHP_CMD_POLL);
			if (c->left < PCIEHP_CMD_POLL)
				break;
			c->left -= PCIEHP_CMD_POLL;
		}
	}
	if (c->cmd_busy) {
		hp_log(c, "Timeout on hotplug command %#06x (issued %llu msec ago)", c->slot_ctrl,
		       (unsigned long long)((NOW(c) - c->cmd_started) / PCISIM_MS));
		c->cmd_busy = false;
	}
	PT_END(pt);
}

/* pcie_do_write_cmd(cmd, mask, wait), with c->cmd, c->mask, c->cmd_wait set by the caller. */
static int write_cmd(struct pcisim_pciehp *c)
{
	struct pcisim_pt *pt = &c->pt_cmd;
	PT_BEGIN(pt);
	PT_CALL(pt, &c->pt_wait, wait_cmd(c, &c->pt_wait));
	RD16(pt, c, &c->cfg, PCI_EXP_SLTCTL);
	if (no_response(c->cfg.val)) {
		hp_log(c, "pcie_do_write_cmd: no response from device");
		PT_EXIT(pt);
	}
	c->cmd_busy = true;
	c->slot_ctrl = (uint16_t)((c->cfg.val & ~c->mask) | (c->cmd & c->mask));
	WR16(pt, c, &c->cfg, PCI_EXP_SLTCTL, c->slot_ctrl);
	c->cmd_started = NOW(c);
	if (c->cmd_wait)
		PT_CALL(pt, &c->pt_wait, wait_cmd(c, &c->pt_wait));
	PT_END(pt);
}

/* Callers write: CMD(c, pt, cmd, mask, wait) */
#define CMD(c, pt, command, msk, wt)                                                       \
	do {                                                                               \
		(c)->cmd = (uint16_t)(command);                                            \
		(c)->mask = (uint16_t)(msk);                                               \
		(c)->cmd_wait = (wt);                                                      \
		PT_CALL((pt), &(c)->pt_cmd, write_cmd(c));                                 \
	} while (0)

#define IND_NOOP 0xffff
static uint16_t ind_cmd(uint16_t pwr, uint16_t attn, uint16_t *mask)
{
	uint16_t cmd = 0;
	*mask = 0;
	if (pwr != IND_NOOP) {
		cmd |= pwr;
		*mask |= PCI_EXP_SLTCTL_PIC;
	}
	if (attn != IND_NOOP) {
		cmd |= attn;
		*mask |= PCI_EXP_SLTCTL_AIC;
	}
	return cmd;
}

/* pciehp_set_indicators(): a no-wait command on the indicators that are present. */
#define SET_INDICATORS(c, pt, pwr, attn)                                                   \
	do {                                                                               \
		uint16_t m_;                                                               \
		uint16_t p_ = ((c)->slot_cap & PCI_EXP_SLTCAP_PIP) ? (pwr) : IND_NOOP;     \
		uint16_t a_ = ((c)->slot_cap & PCI_EXP_SLTCAP_AIP) ? (attn) : IND_NOOP;    \
		(c)->cmd = ind_cmd(p_, a_, &m_);                                           \
		(c)->mask = m_;                                                            \
		(c)->cmd_wait = false;                                                     \
		if ((c)->mask)                                                             \
			PT_CALL((pt), &(c)->pt_cmd, write_cmd(c));                         \
	} while (0)

/* ---- presence and link ---- */

/* pciehp_card_present() from a Slot Status value: 1, 0, or -1 (no response). */
static int present_of(uint32_t sltsta)
{
	return no_response(sltsta) ? -1 : !!(sltsta & PCI_EXP_SLTSTA_PDS);
}

/* pciehp_check_link_active() from a Link Status value: 1, 0, or -1 (no response). */
static int link_of(uint32_t lnksta)
{
	return no_response(lnksta) ? -1 : !!(lnksta & PCI_EXP_LNKSTA_DLLLA);
}

/*
 * pci_bus_read_dev_vendor_id(bus, devfn, &l, 0) on a read dword: broken or empty
 * slots answer all ones, 0, 0000ffff or ffff0000; a Vendor ID of 0001h is an RRS
 * completion under CRS Software Visibility, and with a timeout of 0 (pciehp's) it
 * counts as not found.
 */
static bool vendor_found(uint32_t l)
{
	if (l == 0xffffffffu || l == 0 || l == 0x0000ffffu || l == 0xffff0000u)
		return false;
	return (l & 0xffff) != 0x0001;
}

/* pciehp_check_link_status(): wait for the link and for the device to answer. */
static int check_link_status(struct pcisim_pciehp *c)
{
	struct pcisim_pt *pt = &c->pt_link;
	PT_BEGIN(pt);
	c->link_ok = false;
	if (!c->link_active_reporting) {
		PT_SLEEP(pt, c, PCIEHP_NO_DLLLA_WAIT);
	} else {
		/* pcie_wait_for_link_delay(): 20 ms, then pcie_wait_for_link_status():
		 * do { read Link Status; done if DLLLA; msleep(1) } while (before the deadline). */
		PT_SLEEP(pt, c, PCIEHP_LINK_DETECT_WAIT);
		c->deadline = NOW(c) + PCIEHP_LINK_TIMEOUT;
		for (;;) {
			RD16(pt, c, &c->cfg, PCI_EXP_LNKSTA);
			if (c->cfg.val & PCI_EXP_LNKSTA_DLLLA)
				break;
			PT_SLEEP(pt, c, PCIEHP_LINK_POLL);
			if (NOW(c) >= c->deadline) {
				hp_log(c, "Slot(%u): No link", c->slot_nr);
				c->ret = -1;
				PT_EXIT(pt);
			}
		}
		PT_SLEEP(pt, c, PCIEHP_LINK_SETTLE);
	}
	/*
	 * pci_bus_check_dev(): the Vendor ID of devfn 0 below, then msleep(20) while the
	 * 1000 ms budget, counted down by 20 per try, lasts: 50 reads at most, however
	 * long each read takes.
	 */
	c->found = false;
	c->left = PCIEHP_DEV_TIMEOUT;
	for (;;) {
		PT_CFG_READ(pt, &c->cfg, c->port->fn.secondary ? c->port->fn.secondary->number : 0, 0,
			    PCI_VENDOR_ID, 4);
		if (vendor_found(c->cfg.val)) {
			c->found = true;
			break;
		}
		PT_SLEEP(pt, c, PCIEHP_DEV_POLL);
		c->left -= PCIEHP_DEV_POLL;
		if (!c->left)
			break;
	}
	/* Device found: ignore link or presence changes up to now. */
	if (c->found)
		c->pending_events &= ~(PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_DLLSC);
	RD16(pt, c, &c->cfg, PCI_EXP_LNKSTA);
	if ((c->cfg.val & PCI_EXP_LNKSTA_LT) || !(c->cfg.val & PCI_EXP_LNKSTA_NLW)) {
		hp_log(c, "Slot(%u): Cannot train link: status %#06x", c->slot_nr, c->cfg.val);
		c->ret = -1;
		PT_EXIT(pt);
	}
	if (!c->found) {
		hp_log(c, "Slot(%u): No device found", c->slot_nr);
		c->ret = -1;
		PT_EXIT(pt);
	}
	c->ret = 0;
	c->link_ok = true;
	PT_END(pt);
}

/* board_added(): power on, wait for link and device, enumerate; set_slot_off on failure. */
static int board_added(struct pcisim_pciehp *c)
{
	struct pcisim_pt *pt = &c->pt_board;
	PT_BEGIN(pt);
	if (c->slot_cap & PCI_EXP_SLTCAP_PCP) {
		/* pciehp_power_on_slot() */
		c->power_fault_detected = false;
		CMD(c, pt, PCI_EXP_SLTCTL_PWR_ON, PCI_EXP_SLTCTL_PCC, true);
	}
	SET_INDICATORS(c, pt, PCI_EXP_SLTCTL_PWR_IND_BLINK, IND_NOOP);
	PT_CALL(pt, &c->pt_link, check_link_status(c));
	if (c->ret)
		goto err_exit;
	if (c->power_fault_detected) {
		hp_log(c, "Slot(%u): Power fault", c->slot_nr);
		c->ret = -1;
		goto err_exit;
	}
	/* pciehp_configure_device(): enumeration and driver probe, instant (host.c; cfg.h ENUMERATION). */
	pcisim_host_scan_bus(c->host, c->port->fn.secondary, "pciehp enable");
	SET_INDICATORS(c, pt, PCI_EXP_SLTCTL_PWR_IND_ON, PCI_EXP_SLTCTL_ATTN_IND_OFF);
	c->ret = 0;
	PT_EXIT(pt);
err_exit:
	/* set_slot_off(): power off, wait 1 s, power indicator off, attention on. */
	if (c->slot_cap & PCI_EXP_SLTCAP_PCP) {
		CMD(c, pt, PCI_EXP_SLTCTL_PWR_OFF, PCI_EXP_SLTCTL_PCC, true);
		PT_SLEEP(pt, c, PCIEHP_POWER_OFF_WAIT);
	}
	SET_INDICATORS(c, pt, PCI_EXP_SLTCTL_PWR_IND_OFF, PCI_EXP_SLTCTL_ATTN_IND_ON);
	c->ret = -1;
	PT_END(pt);
}

/* remove_board(): unbind, power off, wait 1 s, drop changes caused by it, indicator off. */
static int remove_board(struct pcisim_pciehp *c)
{
	struct pcisim_pt *pt = &c->pt_board;
	PT_BEGIN(pt);
	pcisim_host_remove_bus(c->host, c->port->fn.secondary, !c->safe_removal);
	if (c->slot_cap & PCI_EXP_SLTCAP_PCP) {
		CMD(c, pt, PCI_EXP_SLTCTL_PWR_OFF, PCI_EXP_SLTCTL_PCC, true);
		PT_SLEEP(pt, c, PCIEHP_POWER_OFF_WAIT);
		c->pending_events &= ~(PCI_EXP_SLTSTA_DLLSC | PCI_EXP_SLTSTA_PDC);
	}
	SET_INDICATORS(c, pt, PCI_EXP_SLTCTL_PWR_IND_OFF, IND_NOOP);
	PT_END(pt);
}

/* pciehp_enable_slot() */
static int enable_slot(struct pcisim_pciehp *c)
{
	struct pcisim_pt *pt = &c->pt_slot;
	PT_BEGIN(pt);
	c->power = false;
	if (c->slot_cap & PCI_EXP_SLTCAP_PCP) { /* pciehp_get_power_status() */
		RD16(pt, c, &c->cfg, PCI_EXP_SLTCTL);
		c->power = !(c->cfg.val & PCI_EXP_SLTCTL_PCC);
	}
	if (c->power && !pcisim_host_bus_empty(c->host, c->port->fn.secondary)) {
		hp_log(c, "Slot(%u): Already enabled", c->slot_nr);
		c->ret = 0;
	} else {
		PT_CALL(pt, &c->pt_board, board_added(c));
	}
	if (c->ret && (c->slot_cap & PCI_EXP_SLTCAP_ABP))
		SET_INDICATORS(c, pt, PCI_EXP_SLTCTL_PWR_IND_OFF, IND_NOOP);
	set_state(c, c->ret ? PCIEHP_OFF : PCIEHP_ON, c->ret ? "enable failed" : "enabled");
	PT_END(pt);
}

/* pciehp_disable_slot(safe_removal) */
static int disable_slot(struct pcisim_pciehp *c)
{
	struct pcisim_pt *pt = &c->pt_slot;
	PT_BEGIN(pt);
	c->power = true;
	if (c->slot_cap & PCI_EXP_SLTCAP_PCP) { /* pciehp_get_power_status() */
		RD16(pt, c, &c->cfg, PCI_EXP_SLTCTL);
		c->power = !(c->cfg.val & PCI_EXP_SLTCTL_PCC);
	}
	if (!c->power) {
		hp_log(c, "Slot(%u): Already disabled", c->slot_nr);
		c->ret = -1;
	} else {
		PT_CALL(pt, &c->pt_board, remove_board(c));
		c->ret = 0;
	}
	set_state(c, PCIEHP_OFF, "disabled");
	PT_END(pt);
}

static void button_work(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	struct pcisim_pciehp *c = (struct pcisim_pciehp *)ev->target;
	c->button_work = (pcisim_timer){0, 0};
	PCISIM_RECORD(sim, &c->comp, "pciehp.button_work", PCISIM_FS("state", state_names[c->state]));
	if (c->state == PCIEHP_BLINKINGOFF)
		request(c, PCIEHP_DISABLE_SLOT);
	else if (c->state == PCIEHP_BLINKINGON)
		request(c, PCI_EXP_SLTSTA_PDC);
}
PCISIM_EVKIND(button_kind, "pciehp.button_work", button_work);

/* pciehp_handle_button_press() */
static int handle_button_press(struct pcisim_pciehp *c)
{
	struct pcisim_pt *pt = &c->pt_req;
	PT_BEGIN(pt);
	/* No switch here: a suspension point cannot sit inside a nested switch. */
	if (c->state == PCIEHP_OFF || c->state == PCIEHP_ON) {
		if (c->state == PCIEHP_ON) {
			set_state(c, PCIEHP_BLINKINGOFF, "attention button");
			hp_log(c, "Slot(%u): Button press: will power off in 5 sec", c->slot_nr);
		} else {
			set_state(c, PCIEHP_BLINKINGON, "attention button");
			hp_log(c, "Slot(%u): Button press: will power on in 5 sec", c->slot_nr);
		}
		SET_INDICATORS(c, pt, PCI_EXP_SLTCTL_PWR_IND_BLINK, PCI_EXP_SLTCTL_ATTN_IND_OFF);
		pcisim_cancel(sim_of(c), &c->button_work);
		c->button_work = pcisim_schedule(sim_of(c), PCIEHP_BUTTON_DELAY, PCISIM_CLASS_HOST,
						 &button_kind, &c->comp, 0, 0);
	} else if (c->state == PCIEHP_BLINKINGOFF) {
		pcisim_cancel(sim_of(c), &c->button_work);
		set_state(c, PCIEHP_ON, "attention button again: cancel");
		SET_INDICATORS(c, pt, PCI_EXP_SLTCTL_PWR_IND_ON, PCI_EXP_SLTCTL_ATTN_IND_OFF);
		hp_log(c, "Slot(%u): Button press: canceling request to power off", c->slot_nr);
		hp_log(c, "Slot(%u): Action canceled due to button press", c->slot_nr);
	} else if (c->state == PCIEHP_BLINKINGON) {
		pcisim_cancel(sim_of(c), &c->button_work);
		set_state(c, PCIEHP_OFF, "attention button again: cancel");
		SET_INDICATORS(c, pt, PCI_EXP_SLTCTL_PWR_IND_OFF, PCI_EXP_SLTCTL_ATTN_IND_OFF);
		hp_log(c, "Slot(%u): Button press: canceling request to power on", c->slot_nr);
		hp_log(c, "Slot(%u): Action canceled due to button press", c->slot_nr);
	} else {
		hp_log(c, "Slot(%u): Ignoring invalid state %#x", c->slot_nr, c->state);
	}
	PT_END(pt);
}

/* pciehp_handle_disable_request() */
static int handle_disable_request(struct pcisim_pciehp *c)
{
	struct pcisim_pt *pt = &c->pt_req;
	PT_BEGIN(pt);
	if (c->state == PCIEHP_BLINKINGOFF || c->state == PCIEHP_ON) {
		pcisim_cancel(sim_of(c), &c->button_work);
		set_state(c, PCIEHP_POWEROFF, "disable request");
		c->safe_removal = true;
		PT_CALL(pt, &c->pt_slot, disable_slot(c));
	}
	PT_END(pt);
}

/* pciehp_handle_presence_or_link_change() */
static int handle_presence_or_link_change(struct pcisim_pciehp *c)
{
	struct pcisim_pt *pt = &c->pt_req;
	PT_BEGIN(pt);
	/* Any change while on: tear down; the card present now may be another one. */
	if (c->state == PCIEHP_BLINKINGOFF || c->state == PCIEHP_ON) {
		pcisim_cancel(sim_of(c), &c->button_work);
		set_state(c, PCIEHP_POWEROFF, c->events & PCI_EXP_SLTSTA_DLLSC ? "link down" : "card not present");
		if (c->events & PCI_EXP_SLTSTA_DLLSC)
			hp_log(c, "Slot(%u): Link Down", c->slot_nr);
		if (c->events & PCI_EXP_SLTSTA_PDC)
			hp_log(c, "Slot(%u): Card not present", c->slot_nr);
		c->safe_removal = false;
		PT_CALL(pt, &c->pt_slot, disable_slot(c));
	}
	/* Turn the slot on if it is occupied or the link is up. */
	RD16(pt, c, &c->cfg, PCI_EXP_SLTSTA);
	c->present = present_of(c->cfg.val);
	RD16(pt, c, &c->cfg, PCI_EXP_LNKSTA);
	c->link = link_of(c->cfg.val);
	if (c->present <= 0 && c->link <= 0) {
		if (c->state == PCIEHP_BLINKINGON) {
			pcisim_cancel(sim_of(c), &c->button_work);
			set_state(c, PCIEHP_OFF, "card not present");
		}
		PT_EXIT(pt);
	}
	if (c->state != PCIEHP_BLINKINGON && c->state != PCIEHP_OFF)
		PT_EXIT(pt);
	pcisim_cancel(sim_of(c), &c->button_work);
	set_state(c, PCIEHP_POWERON, c->present > 0 ? "card present" : "link up");
	if (c->present > 0)
		hp_log(c, "Slot(%u): Card present", c->slot_nr);
	if (c->link > 0)
		hp_log(c, "Slot(%u): Link Up", c->slot_nr);
	PT_CALL(pt, &c->pt_slot, enable_slot(c));
	PT_END(pt);
}

/* pciehp_ist(): the IRQ thread. */
static int ist(struct pcisim_pciehp *c)
{
	struct pcisim_pt *pt = &c->pt_ist;
	PT_BEGIN(pt);
	for (;;) {
		c->ist_running = false;
		PT_WAIT_UNTIL(pt, c->pending_events != 0);
		c->ist_running = true;
		c->events = c->pending_events;
		c->pending_events = 0;
		if (c->events & PCI_EXP_SLTSTA_ABP)
			PT_CALL(pt, &c->pt_req, handle_button_press(c));
		if (c->events & PCI_EXP_SLTSTA_PFD) {
			hp_log(c, "Slot(%u): Power fault", c->slot_nr);
			SET_INDICATORS(c, pt, PCI_EXP_SLTCTL_PWR_IND_OFF, PCI_EXP_SLTCTL_ATTN_IND_ON);
		}
		/* Disable requests have priority over presence and link changes. */
		if (c->events & PCIEHP_DISABLE_SLOT)
			PT_CALL(pt, &c->pt_req, handle_disable_request(c));
		else if (c->events & (PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_DLLSC))
			PT_CALL(pt, &c->pt_req, handle_presence_or_link_change(c));
	}
	PT_END(pt);
}

/* ---- the hard-IRQ half ---- */

/*
 * pciehp_isr(): read Slot Status, write the event bits back, re-read while MSI is on
 * (a port interrupts again only after all event bits were zero), hand Command
 * Completed to the waiter and the rest to the thread. Modelled as a protothread so
 * that each access takes its round trip and reads Slot Status as it is when the read
 * arrives at the port: the CPU taking the interrupt stalls on each access, and what
 * the thread does meanwhile (another CPU) goes on.
 */
static int isr_thread(struct pcisim_pciehp *c)
{
	struct pcisim_pt *pt = &c->pt_isr;
	PT_BEGIN(pt);
	c->isr_events = 0;
	/* Interrupts only when enabled in Slot Control (PCIe r4.0 §6.7.3.4): IRQ_NONE. */
	if (!(c->slot_ctrl & PCI_EXP_SLTCTL_HPIE))
		PT_EXIT(pt);
	for (;;) {
		RD16(pt, c, &c->isr_cfg, PCI_EXP_SLTSTA);
		if (no_response(c->isr_cfg.val)) {
			hp_log(c, "pciehp_isr: no response from device");
			PT_EXIT(pt);
		}
		c->isr_status = (uint16_t)(c->isr_cfg.val & SLTSTA_EVENTS);
		if (c->power_fault_detected)
			c->isr_status &= (uint16_t)~PCI_EXP_SLTSTA_PFD;
		else if (c->isr_status & PCI_EXP_SLTSTA_PFD)
			c->power_fault_detected = true;
		c->isr_events |= c->isr_status;
		if (!c->isr_status)
			break;
		WR16(pt, c, &c->isr_cfg, PCI_EXP_SLTSTA, c->isr_status);
		if (!c->port->msix && !c->port->msi)
			break;
	}
	if (!c->isr_events)
		PT_EXIT(pt);
	{
		char names[64];
		PCISIM_RECORD(sim_of(c), &c->comp, "pciehp.isr",
			      PCISIM_FS("events", pcisim_slot_sta_names((uint16_t)c->isr_events, names,
									sizeof(names))));
	}
	if (c->isr_events & PCI_EXP_SLTSTA_CC) {
		c->cmd_busy = false;
		poke(c, 0);
		c->isr_events &= ~(uint32_t)PCI_EXP_SLTSTA_CC;
	}
	if (c->isr_events)
		request(c, c->isr_events);
	PT_END(pt);
}

/* Run the handler; again if the vector fired while it ran (handle_edge_irq's IRQS_PENDING). */
static void isr_run(void *ctx)
{
	struct pcisim_pciehp *c = ctx;
	c->isr_running = true;
	while (isr_thread(c) == PT_DONE) {
		if (!c->isr_again) {
			c->isr_running = false;
			return;
		}
		c->isr_again = false;
	}
}

static void pciehp_isr(struct pcisim_pciehp *c)
{
	if (c->isr_running) {
		c->isr_again = true;
		return;
	}
	isr_run(c);
}

int pcisim_pciehp_sysfs_power(struct pcisim_pciehp *c, bool on)
{
	if (!on) {
		switch (c->state) {
		case PCIEHP_BLINKINGOFF:
		case PCIEHP_ON:
			request(c, PCIEHP_DISABLE_SLOT);
			return 0;
		case PCIEHP_POWEROFF:
			hp_log(c, "Slot(%u): Already in powering off state", c->slot_nr);
			return -1;
		default:
			hp_log(c, "Slot(%u): Already disabled", c->slot_nr);
			return -1;
		}
	}
	switch (c->state) {
	case PCIEHP_BLINKINGON:
	case PCIEHP_OFF:
		request(c, PCI_EXP_SLTSTA_PDC);
		return 0;
	case PCIEHP_POWERON:
		hp_log(c, "Slot(%u): Already in powering on state", c->slot_nr);
		return -1;
	default:
		hp_log(c, "Slot(%u): Already enabled", c->slot_nr);
		return -1;
	}
}

/* ---- probe ---- */

static int pciehp_query(struct pcisim_comp *comp, const char *key, struct pcisim_value *v)
{
	struct pcisim_pciehp *c = (struct pcisim_pciehp *)comp;
	if (!strcmp(key, "state")) {
		v->is_str = true;
		v->s = state_names[c->state];
		return 0;
	}
	if (!strcmp(key, "bound")) {
		v->u = c->bound;
		return 0;
	}
	if (!strcmp(key, "pending_events")) {
		v->u = c->pending_events;
		return 0;
	}
	return -PCISIM_ENOENT;
}

static void pciehp_describe(struct pcisim_comp *comp, FILE *out)
{
	struct pcisim_pciehp *c = (struct pcisim_pciehp *)comp;
	fprintf(out, "pciehp Slot(%u): state %s, pending %#x, cmd_busy %d\n", c->slot_nr,
		state_names[c->state], c->pending_events, c->cmd_busy);
}

static void pciehp_destroy(struct pcisim_comp *comp)
{
	pcisim_free(comp);
}

static const char *const pciehp_keys[] = {"state", "bound", "pending_events", NULL};
static const struct pcisim_comp_ops pciehp_ops = {
	.type = "pciehp",
	.describe = pciehp_describe,
	.query = pciehp_query,
	.query_keys = pciehp_keys,
	.destroy = pciehp_destroy,
};

static struct pcisim_evkind start_kind;
static void probe_wake(void *ctx);

static struct pcisim_pciehp *create(struct pcisim_host *h, struct pcisim_port *port)
{
	struct pcisim_pciehp *c = pcisim_calloc(1, sizeof(*c));
	if (!c)
		abort();
	char name[160];
	snprintf(name, sizeof(name), "pciehp:%s", port->fn.comp.name);
	if (pcisim_comp_add(h->comp.sim, &c->comp, &h->comp, name, &pciehp_ops)) {
		pcisim_free(c);
		return NULL;
	}
	c->host = h;
	c->port = port;
	c->state = PCIEHP_OFF;
	pcisim_host_cfg_init(&c->cfg, h->comp.sim, &c->comp, ist_wake, c);
	pcisim_host_cfg_init(&c->isr_cfg, h->comp.sim, &c->comp, isr_run, c);
	pcisim_host_cfg_init(&c->probe_cfg, h->comp.sim, &c->comp, probe_wake, c);
	return c;
}

/* pciehp_probe() */
static void probe(struct pcisim_pciehp *c)
{
	struct pcisim_host *h = c->host;
	struct pcisim_port *port = c->port;
	c->bound = true;
	/* pcie_init(): part of boot, so instant (cfg.h); the rest of the probe is routed. */
	c->slot_cap = pcisim_host_cfg_read_instant(&port->fn, expo(c, PCI_EXP_SLTCAP), 4, PCISIM_INSTANT_BOOT);
	c->slot_nr = PCISIM_FIELD_GET(PCI_EXP_SLTCAP_PSN, c->slot_cap);
	uint32_t cap = c->slot_cap;
	uint32_t lnkcap = pcisim_host_cfg_read_instant(&port->fn, expo(c, PCI_EXP_LNKCAP), 4, PCISIM_INSTANT_BOOT);
	hp_log(c,
	       "Slot #%u AttnBtn%c PwrCtrl%c MRL%c AttnInd%c PwrInd%c HotPlug%c Surprise%c Interlock%c NoCompl%c IbPresDis- LLActRep%c",
	       c->slot_nr, cap & PCI_EXP_SLTCAP_ABP ? '+' : '-', cap & PCI_EXP_SLTCAP_PCP ? '+' : '-',
	       cap & PCI_EXP_SLTCAP_MRLSP ? '+' : '-', cap & PCI_EXP_SLTCAP_AIP ? '+' : '-',
	       cap & PCI_EXP_SLTCAP_PIP ? '+' : '-', cap & PCI_EXP_SLTCAP_HPC ? '+' : '-',
	       cap & PCI_EXP_SLTCAP_HPS ? '+' : '-', cap & PCI_EXP_SLTCAP_EIP ? '+' : '-',
	       cap & PCI_EXP_SLTCAP_NCCS ? '+' : '-', lnkcap & PCI_EXP_LNKCAP_DLLLARC ? '+' : '-');
	c->link_active_reporting = lnkcap & PCI_EXP_LNKCAP_DLLLARC;
	/* Clear stale events; the state from what Linux enumerated below. */
	pcisim_host_cfg_write_instant(&port->fn, expo(c, PCI_EXP_SLTSTA), SLTSTA_EVENTS | PCI_EXP_SLTSTA_MRLSC, 2,
				      PCISIM_INSTANT_BOOT);
	c->state = pcisim_host_bus_empty(h, port->fn.secondary) ? PCIEHP_OFF : PCIEHP_ON;
	PCISIM_RECORD(h->comp.sim, &c->comp, "pciehp.state", PCISIM_FS("from", "-"),
		      PCISIM_FS("to", state_names[c->state]), PCISIM_FS("why", "probe"));
	pcisim_schedule(sim_of(c), 0, PCISIM_CLASS_HOST, &start_kind, &c->comp, 0, 0);
}

/*
 * The notification enable and the presence check run in the probe's context (a
 * thread of their own, with their own config accesses).
 */
static int start_thread(struct pcisim_pciehp *c);

static void start_ev(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	start_thread((struct pcisim_pciehp *)ev->target);
}
static struct pcisim_evkind start_kind = {.name = "pciehp.probe", .fn = start_ev, .code = 0};

static void probe_wake(void *ctx)
{
	start_thread(ctx);
}

static int start_thread(struct pcisim_pciehp *c)
{
	struct pcisim_pt *pt = &c->pt_probe;
	PT_BEGIN(pt);
	/*
	 * pcie_enable_notification(): DLLSCE always, ABPE or PDCE, HPIE, CCIE, written as
	 * pcie_write_cmd_nowait(); the first command has nothing to wait for.
	 */
	RD16(pt, c, &c->probe_cfg, PCI_EXP_SLTCTL);
	if (no_response(c->probe_cfg.val)) {
		hp_log(c, "pcie_do_write_cmd: no response from device");
	} else {
		uint16_t cmd = PCI_EXP_SLTCTL_DLLSCE | PCI_EXP_SLTCTL_HPIE;
		cmd |= (c->slot_cap & PCI_EXP_SLTCAP_ABP) ? PCI_EXP_SLTCTL_ABPE : PCI_EXP_SLTCTL_PDCE;
		if (!(c->slot_cap & PCI_EXP_SLTCAP_NCCS))
			cmd |= PCI_EXP_SLTCTL_CCIE;
		uint16_t mask = PCI_EXP_SLTCTL_PDCE | PCI_EXP_SLTCTL_ABPE | PCI_EXP_SLTCTL_PFDE |
				PCI_EXP_SLTCTL_MRLSCE | PCI_EXP_SLTCTL_CCIE | PCI_EXP_SLTCTL_HPIE |
				PCI_EXP_SLTCTL_DLLSCE;
		c->cmd_busy = true;
		c->slot_ctrl = (uint16_t)((c->probe_cfg.val & ~mask) | (cmd & mask));
		WR16(pt, c, &c->probe_cfg, PCI_EXP_SLTCTL, c->slot_ctrl);
		c->cmd_started = NOW(c);
	}
	/* pciehp_check_presence(): bring up an occupied slot, bring down an empty one. */
	/* pciehp_card_present_or_link_active(): presence, and only if not present the link */
	RD16(pt, c, &c->probe_cfg, PCI_EXP_SLTSTA);
	c->probe_occupied = present_of(c->probe_cfg.val);
	if (!c->probe_occupied) {
		RD16(pt, c, &c->probe_cfg, PCI_EXP_LNKSTA);
		c->probe_occupied = link_of(c->probe_cfg.val);
	}
	if ((c->probe_occupied > 0 && (c->state == PCIEHP_OFF || c->state == PCIEHP_BLINKINGON)) ||
	    (!c->probe_occupied && (c->state == PCIEHP_ON || c->state == PCIEHP_BLINKINGOFF)))
		request(c, PCI_EXP_SLTSTA_PDC);
	PT_END(pt);
}

/* ---- the port service ---- */

/* The controllers, in fabric order of their ports. */
struct pciehp_data {
	struct pcisim_pciehp **c;
	size_t n;
};

struct pcisim_pciehp *pcisim_pciehp_of(struct pcisim_host *h, const struct pcisim_pcifn *port)
{
	struct pciehp_data *d = pcisim_port_service_data(h, &pcisim_pciehp_service);
	for (size_t i = 0; d && i < d->n; i++)
		if (&d->c[i]->port->fn == port)
			return d->c[i];
	return NULL;
}

/*
 * With ACPI PCI hotplug on bridges, firmware keeps hotplug control (_OSC does not
 * grant native hotplug), so pciehp binds nowhere; acpiphp is not modelled.
 */
static int svc_build(struct pcisim_host *h, void **data, struct pcisim_diag *diag)
{
	*data = NULL;
	if (!h->cfg.pciehp || h->cfg.acpi_pcihp)
		return 0;
	struct pciehp_data *d = pcisim_calloc(1, sizeof(*d));
	if (!d)
		abort();
	*data = d;
	struct pcisim_fabric *fab = h->fab;
	for (uint32_t i = 0; i < fab->nfns; i++) {
		struct pcisim_pcifn *fn = fab->fns[i];
		if (fn->comp.removed || !pcisim_is_port(fn))
			continue;
		struct pcisim_port *p = pcisim_to_port(fn);
		/* Known before boot from the hardware's description (no access: nothing runs yet). */
		if (!p->slot.implemented ||
		    !(pcisim_cfg_get32(&fn->cfg, (uint16_t)(p->exp + PCI_EXP_SLTCAP)) & PCI_EXP_SLTCAP_HPC))
			continue;
		struct pcisim_pciehp *c = create(h, p);
		if (!c)
			continue;
		struct pcisim_pciehp **v = pcisim_realloc(d->c, (d->n + 1) * sizeof(*v));
		if (!v)
			abort();
		d->c = v;
		d->c[d->n++] = c;
	}
	return 0;
}

static void svc_probe(struct pcisim_host *h, void *data, struct pcisim_port *port)
{
	struct pcisim_pciehp *c = pcisim_pciehp_of(h, &port->fn);
	if (c)
		probe(c);
}

static void svc_irq(struct pcisim_host *h, void *data, struct pcisim_port *port)
{
	struct pcisim_pciehp *c = pcisim_pciehp_of(h, &port->fn);
	if (c && c->bound)
		pciehp_isr(c);
}

/*
 * pciehp_remove(): the controller lets go of the port. Its notification disable
 * (pcie_shutdown_notification()) is not modelled: the port is going away from
 * Linux's view, and nothing in pcisim reads its Slot Control on pciehp's behalf.
 */
static void svc_remove(struct pcisim_host *h, void *data, struct pcisim_port *port)
{
	struct pcisim_pciehp *c = pcisim_pciehp_of(h, &port->fn);
	if (c)
		c->bound = false;
}

static void svc_free(struct pcisim_host *h, void *data)
{
	struct pciehp_data *d = data;
	pcisim_free(d->c); /* the controllers are components: the sim frees them */
	pcisim_free(d);
}

static const struct pcisim_record_kind pciehp_kinds[] = {
	{"pciehp.state", "a pciehp slot state change (fields: from, to, why)"},
	{"pciehp.isr", "pciehp's interrupt handler took events (fields: events)"},
	{"pciehp.button_work", "the 5 s attention-button work ran (fields: state)"},
	{0},
};

const struct pcisim_port_service pcisim_pciehp_service = {
	.name = "pciehp",
	.round = PCISIM_PORTSVC_WITH_PCIEPORT,
	.kinds = pciehp_kinds,
	.build = svc_build,
	.probe = svc_probe,
	.irq = svc_irq,
	.remove = svc_remove,
	.free = svc_free,
};
