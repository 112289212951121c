/*
 * Linux pciehp as a model: written from the behaviour described in REFERENCE.md 3
 * (pciehp_ctrl.c, pciehp_hpc.c, pciehp_core.c): the same states, messages, order of
 * register writes and waits. The IRQ thread is a protothread (pt.h); every sleep and
 * every wait for Command Completed suspends it in simulated time.
 */
#include "sim/host/pciehp.h"

#include <stdlib.h>
#include <string.h>

#include "sim/core/trace.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/regs/pcie_cap.h"

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

static uint16_t expo(struct pcisim_pciehp *c, uint16_t reg)
{
	return (uint16_t)(c->port->exp + reg);
}

static uint16_t rd16(struct pcisim_pciehp *c, uint16_t reg)
{
	struct pcisim_pcifn *fn = &c->port->fn;
	return (uint16_t)pcisim_host_cfg_read(c->host, fn->bus, fn->devfn, expo(c, reg), 2);
}

static void wr16(struct pcisim_pciehp *c, uint16_t reg, uint16_t v)
{
	pcisim_host_cfg_write(c->host, &c->port->fn, expo(c, reg), v, 2);
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
		for (;;) {
			if (rd16(c, PCI_EXP_SLTSTA) & PCI_EXP_SLTSTA_CC) {
				wr16(c, PCI_EXP_SLTSTA, PCI_EXP_SLTSTA_CC);
				c->cmd_busy = false;
				break;
			}
			if (NOW(c) >= c->deadline)
				break;
			PT_SLEEP(pt, c, PCIEHP_CMD_POLL);
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
	{
		uint16_t v = rd16(c, PCI_EXP_SLTCTL);
		if (v == 0xffff) {
			hp_log(c, "pcie_do_write_cmd: no response from device");
			PT_EXIT(pt);
		}
		v = (uint16_t)((v & ~c->mask) | (c->cmd & c->mask));
		c->cmd_busy = true;
		c->slot_ctrl = v;
		wr16(c, PCI_EXP_SLTCTL, v);
		c->cmd_started = NOW(c);
	}
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

static bool card_present(struct pcisim_pciehp *c)
{
	return rd16(c, PCI_EXP_SLTSTA) & PCI_EXP_SLTSTA_PDS;
}

static bool link_active(struct pcisim_pciehp *c)
{
	return rd16(c, PCI_EXP_LNKSTA) & PCI_EXP_LNKSTA_DLLLA;
}

static bool power_on(struct pcisim_pciehp *c)
{
	return !(rd16(c, PCI_EXP_SLTCTL) & PCI_EXP_SLTCTL_PCC);
}

static bool device_answers(struct pcisim_pciehp *c)
{
	uint32_t v = pcisim_host_cfg_read(c->host, c->port->fn.secondary, 0, PCI_VENDOR_ID, 4);
	return v != 0xffffffffu && (v & 0xffff) != 0xffff && (v & 0xffff) != 0;
}

/* pciehp_check_link_status(): wait for the link and for the device to answer. */
static int check_link_status(struct pcisim_pciehp *c)
{
	struct pcisim_pt *pt = &c->pt_link;
	PT_BEGIN(pt);
	c->link_ok = false;
	if (!(pcisim_cfg_get32(&c->port->fn.cfg, expo(c, PCI_EXP_LNKCAP)) & PCI_EXP_LNKCAP_DLLLARC)) {
		PT_SLEEP(pt, c, PCIEHP_NO_DLLLA_WAIT);
	} else {
		PT_SLEEP(pt, c, PCIEHP_LINK_DETECT_WAIT);
		c->deadline = NOW(c) + PCIEHP_LINK_TIMEOUT;
		while (!link_active(c)) {
			if (NOW(c) >= c->deadline) {
				hp_log(c, "Slot(%u): No link", c->slot_nr);
				c->ret = -1;
				PT_EXIT(pt);
			}
			PT_SLEEP(pt, c, PCIEHP_LINK_POLL);
		}
		PT_SLEEP(pt, c, PCIEHP_LINK_SETTLE);
	}
	/* pci_bus_check_dev(): Vendor ID of devfn 0, every 20 ms for up to 1 s. */
	c->deadline = NOW(c) + PCIEHP_DEV_TIMEOUT;
	for (;;) {
		if (device_answers(c))
			break;
		if (NOW(c) + PCIEHP_DEV_POLL >= c->deadline) {
			PT_SLEEP(pt, c, PCIEHP_DEV_POLL);
			hp_log(c, "Slot(%u): No device found", c->slot_nr);
			c->ret = -1;
			PT_EXIT(pt);
		}
		PT_SLEEP(pt, c, PCIEHP_DEV_POLL);
	}
	/* Device found: ignore link or presence changes up to now. */
	c->pending_events &= ~(PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_DLLSC);
	{
		uint16_t lnk = rd16(c, PCI_EXP_LNKSTA);
		if ((lnk & PCI_EXP_LNKSTA_LT) || !(lnk & PCI_EXP_LNKSTA_NLW)) {
			hp_log(c, "Slot(%u): Cannot train link: status %#06x", c->slot_nr, lnk);
			c->ret = -1;
			PT_EXIT(pt);
		}
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
	if ((c->slot_cap & PCI_EXP_SLTCAP_PCP) && power_on(c) &&
	    !pcisim_host_bus_empty(c->host, c->port->fn.secondary)) {
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
	if ((c->slot_cap & PCI_EXP_SLTCAP_PCP) && !power_on(c)) {
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
	{
		bool present = card_present(c), link = link_active(c);
		if (!present && !link) {
			if (c->state == PCIEHP_BLINKINGON) {
				pcisim_cancel(sim_of(c), &c->button_work);
				set_state(c, PCIEHP_OFF, "card not present");
			}
			PT_EXIT(pt);
		}
		if (c->state != PCIEHP_BLINKINGON && c->state != PCIEHP_OFF)
			PT_EXIT(pt);
		pcisim_cancel(sim_of(c), &c->button_work);
		set_state(c, PCIEHP_POWERON, present ? "card present" : "link up");
		if (present)
			hp_log(c, "Slot(%u): Card present", c->slot_nr);
		if (link)
			hp_log(c, "Slot(%u): Link Up", c->slot_nr);
	}
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

/* pciehp_isr(): read Slot Status, write the event bits back, hand them to the thread. */
void pcisim_pciehp_isr(struct pcisim_pciehp *c)
{
	uint32_t events = 0;
	bool msi = c->port->msix || c->port->msi;
	for (;;) {
		uint16_t status = rd16(c, PCI_EXP_SLTSTA);
		if (status == 0xffff)
			return;
		status &= SLTSTA_EVENTS;
		if (c->power_fault_detected)
			status &= (uint16_t)~PCI_EXP_SLTSTA_PFD;
		else if (status & PCI_EXP_SLTSTA_PFD)
			c->power_fault_detected = true;
		events |= status;
		if (!status)
			break;
		wr16(c, PCI_EXP_SLTSTA, status);
		/* With MSI a port interrupts again only after all event bits were zero. */
		if (!msi)
			break;
	}
	if (!events)
		return;
	char names[64];
	PCISIM_RECORD(sim_of(c), &c->comp, "pciehp.isr",
		      PCISIM_FS("events", pcisim_slot_sta_names((uint16_t)events, names, sizeof(names))));
	if (events & PCI_EXP_SLTSTA_CC) {
		c->cmd_busy = false;
		poke(c, 0);
		events &= ~(uint32_t)PCI_EXP_SLTSTA_CC;
		if (!events)
			return;
	}
	request(c, events);
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
	free(comp);
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

struct pcisim_pciehp *pcisim_pciehp_create(struct pcisim_host *h, struct pcisim_port *port)
{
	struct pcisim_pciehp *c = calloc(1, sizeof(*c));
	if (!c)
		abort();
	char name[160];
	snprintf(name, sizeof(name), "pciehp:%s", port->fn.comp.name);
	if (pcisim_comp_add(h->comp.sim, &c->comp, &h->comp, name, &pciehp_ops)) {
		free(c);
		return NULL;
	}
	c->host = h;
	c->port = port;
	c->state = PCIEHP_OFF;
	return c;
}

void pcisim_pciehp_probe(struct pcisim_pciehp *c)
{
	struct pcisim_host *h = c->host;
	struct pcisim_port *port = c->port;
	c->bound = true;
	c->slot_cap = pcisim_cfg_get32(&port->fn.cfg, (uint16_t)(port->exp + PCI_EXP_SLTCAP));
	c->slot_nr = PCISIM_FIELD_GET(PCI_EXP_SLTCAP_PSN, c->slot_cap);
	uint32_t cap = c->slot_cap;
	uint32_t lnkcap = pcisim_cfg_get32(&port->fn.cfg, (uint16_t)(port->exp + PCI_EXP_LNKCAP));
	hp_log(c,
	       "Slot #%u AttnBtn%c PwrCtrl%c MRL%c AttnInd%c PwrInd%c HotPlug%c Surprise%c Interlock%c NoCompl%c IbPresDis- LLActRep%c",
	       c->slot_nr, cap & PCI_EXP_SLTCAP_ABP ? '+' : '-', cap & PCI_EXP_SLTCAP_PCP ? '+' : '-',
	       cap & PCI_EXP_SLTCAP_MRLSP ? '+' : '-', cap & PCI_EXP_SLTCAP_AIP ? '+' : '-',
	       cap & PCI_EXP_SLTCAP_PIP ? '+' : '-', cap & PCI_EXP_SLTCAP_HPC ? '+' : '-',
	       cap & PCI_EXP_SLTCAP_HPS ? '+' : '-', cap & PCI_EXP_SLTCAP_EIP ? '+' : '-',
	       cap & PCI_EXP_SLTCAP_NCCS ? '+' : '-', lnkcap & PCI_EXP_LNKCAP_DLLLARC ? '+' : '-');
	/* pcie_init(): clear stale events; the state from what Linux enumerated below. */
	wr16(c, PCI_EXP_SLTSTA, SLTSTA_EVENTS | PCI_EXP_SLTSTA_MRLSC);
	c->state = pcisim_host_bus_empty(h, port->fn.secondary) ? PCIEHP_OFF : PCIEHP_ON;
	PCISIM_RECORD(h->comp.sim, &c->comp, "pciehp.state", PCISIM_FS("from", "-"),
		      PCISIM_FS("to", state_names[c->state]), PCISIM_FS("why", "probe"));
	pcisim_schedule(sim_of(c), 0, PCISIM_CLASS_HOST, &start_kind, &c->comp, 0, 0);
}

/* The notification enable and the presence check run in the probe's thread context. */
static int start_thread(struct pcisim_pciehp *c);

static void start_ev(struct pcisim_sim *sim, struct pcisim_event *ev)
{
	start_thread((struct pcisim_pciehp *)ev->target);
}
static struct pcisim_evkind start_kind = {.name = "pciehp.probe", .fn = start_ev, .code = 0};

static int start_thread(struct pcisim_pciehp *c)
{
	/* pcie_enable_notification(): DLLSCE always, ABPE or PDCE, HPIE, CCIE. */
	uint16_t cmd = PCI_EXP_SLTCTL_DLLSCE;
	cmd |= (c->slot_cap & PCI_EXP_SLTCAP_ABP) ? PCI_EXP_SLTCTL_ABPE : PCI_EXP_SLTCTL_PDCE;
	cmd |= PCI_EXP_SLTCTL_HPIE;
	if (!(c->slot_cap & PCI_EXP_SLTCAP_NCCS))
		cmd |= PCI_EXP_SLTCTL_CCIE;
	/* The first command has nothing to wait for: write it directly. */
	uint16_t mask = PCI_EXP_SLTCTL_PDCE | PCI_EXP_SLTCTL_ABPE | PCI_EXP_SLTCTL_PFDE |
			PCI_EXP_SLTCTL_MRLSCE | PCI_EXP_SLTCTL_CCIE | PCI_EXP_SLTCTL_HPIE |
			PCI_EXP_SLTCTL_DLLSCE;
	uint16_t v = rd16(c, PCI_EXP_SLTCTL);
	v = (uint16_t)((v & ~mask) | (cmd & mask));
	c->cmd_busy = true;
	c->slot_ctrl = v;
	wr16(c, PCI_EXP_SLTCTL, v);
	c->cmd_started = NOW(c);
	/* pciehp_check_presence(): bring up an occupied slot, bring down an empty one. */
	bool occupied = card_present(c) || link_active(c);
	if ((occupied && (c->state == PCIEHP_OFF || c->state == PCIEHP_BLINKINGON)) ||
	    (!occupied && (c->state == PCIEHP_ON || c->state == PCIEHP_BLINKINGOFF)))
		request(c, PCI_EXP_SLTSTA_PDC);
	return 0;
}
