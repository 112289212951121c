/*
 * The RFC's forwarding through a shared buffer (sim/mctp/forward.h): the state
 * machine; the timing (notification latency, polls, processing) is the endpoint's.
 */
#include "sim/mctp/forward.h"

#include <string.h>

#include "sim/core/sim.h"
#include "sim/core/trace.h"

static const char *const buf_names[] = {"IDLE", "REQUEST", "PROCESSING"};

const char *pcisim_fwd_state_name(enum pcisim_fwd_buf s)
{
	return (unsigned)s < 3 ? buf_names[s] : "?";
}

void pcisim_fwd_init(struct pcisim_fwd *f, struct pcisim_comp *owner, const struct pcisim_fwd_target *t)
{
	memset(f, 0, sizeof(*f));
	f->owner = owner;
	f->target = *t;
	f->notify_latency = PCISIM_FWD_NOTIFY_LATENCY;
	f->poll_interval = PCISIM_FWD_POLL_INTERVAL;
}

static void set_state(struct pcisim_fwd *f, enum pcisim_fwd_buf to, const char *why)
{
	if (f->owner && f->owner->sim)
		PCISIM_RECORD(f->owner->sim, f->owner, "mctp.fwd_state",
			      PCISIM_FS("from", pcisim_fwd_state_name(f->state)),
			      PCISIM_FS("to", pcisim_fwd_state_name(to)), PCISIM_FS("why", why));
	f->state = to;
}

bool pcisim_fwd_request(struct pcisim_fwd *f, const uint8_t *msg, size_t len, uint64_t cookie)
{
	if (len > sizeof(f->req))
		len = sizeof(f->req);
	if (f->ep == PCISIM_FWD_EP_WAITING)
		f->overwritten++; /* the RFC's single buffer: the older request is gone */
	memcpy(f->req, msg, len);
	f->req_len = len;
	f->req_cookie = cookie;
	f->wait_cookie = cookie;
	f->ep = PCISIM_FWD_EP_WAITING;
	f->forwarded++;
	switch (f->state) {
	case PCISIM_FWD_IDLE:
	case PCISIM_FWD_REQUEST:
	case PCISIM_FWD_PROCESSING:
		set_state(f, PCISIM_FWD_REQUEST, f->state == PCISIM_FWD_IDLE ? "request written"
						 : "request written over another");
		return true;
	default:
		pcisim_log(f->owner->sim, f->owner, "pcisim", "forwarder: invalid state %#x", f->state);
		return false;
	}
}

static const char *const notified_names[] = {"taken", "queued", "no request pending", "lost",
					     "target unavailable"};

const char *pcisim_fwd_notified_name(enum pcisim_fwd_notified n)
{
	return (unsigned)n < 5 ? notified_names[n] : "?";
}

enum pcisim_fwd_notified pcisim_fwd_notify(struct pcisim_fwd *f)
{
	if (f->lose_next) {
		f->lose_next--;
		f->lost++;
		return PCISIM_FWD_LOST;
	}
	if (f->target.unavailable && f->target.unavailable(f->target.ctx))
		return PCISIM_FWD_UNAVAILABLE;
	if (f->busy || f->stopped) { /* QMP commands run one after another, and not while the VM is stopped */
		f->queued++;
		return PCISIM_FWD_QUEUED;
	}
	switch (f->state) {
	case PCISIM_FWD_REQUEST:
		memcpy(f->taken, f->req, f->req_len);
		f->taken_len = f->req_len;
		f->taken_cookie = f->req_cookie;
		f->busy = true;
		set_state(f, PCISIM_FWD_PROCESSING, "notified: request taken");
		return PCISIM_FWD_TAKEN;
	case PCISIM_FWD_IDLE:
	case PCISIM_FWD_PROCESSING:
		f->spurious++;
		return PCISIM_FWD_SPURIOUS;
	default:
		pcisim_log(f->owner->sim, f->owner, "pcisim", "forwarder: invalid state %#x", f->state);
		return PCISIM_FWD_SPURIOUS;
	}
}

bool pcisim_fwd_complete(struct pcisim_fwd *f)
{
	if (!f->busy)
		return false;
	f->busy = false;
	f->rsp_len = f->target.serve ? f->target.serve(f->target.ctx, f->taken, f->taken_len, f->rsp) : 0;
	f->rsp_cookie = f->taken_cookie;
	f->executed++;
	if (f->state == PCISIM_FWD_REQUEST)
		f->dropped++; /* written while the target ran: the reset below loses it */
	set_state(f, PCISIM_FWD_IDLE, f->state == PCISIM_FWD_REQUEST ? "response written; the newer request is lost"
								       : "response written");
	if (f->stop_after_run) { /* the switch-over waited for the big lock */
		f->stop_after_run = false;
		f->stopped = true;
	}
	if (f->queued && !f->stopped) {
		f->queued--;
		return true;
	}
	return false;
}

size_t pcisim_fwd_poll(struct pcisim_fwd *f, uint8_t *rsp, uint64_t *cookie)
{
	if (f->ep != PCISIM_FWD_EP_WAITING || f->state != PCISIM_FWD_IDLE)
		return 0;
	f->ep = PCISIM_FWD_EP_IDLE;
	f->answered++;
	if (f->rsp_cookie != f->wait_cookie)
		f->mismatched++; /* the answer to an older request */
	memcpy(rsp, f->rsp, f->rsp_len);
	*cookie = f->rsp_cookie;
	return f->rsp_len;
}

bool pcisim_fwd_stop(struct pcisim_fwd *f)
{
	if (f->busy) {
		f->stop_after_run = true;
		return false;
	}
	f->stopped = true;
	return true;
}

bool pcisim_fwd_resume(struct pcisim_fwd *f)
{
	f->stopped = false;
	f->stop_after_run = false;
	if (f->queued && !f->busy) {
		f->queued--;
		return true;
	}
	return false;
}
