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
	switch (f->state) {
	case PCISIM_FWD_IDLE:
	case PCISIM_FWD_REQUEST:
	case PCISIM_FWD_PROCESSING:
		break;
	default:
		pcisim_log(f->owner->sim, f->owner, "pcisim", "forwarder: invalid state %#x", f->state);
		return false;
	}
	if (f->ep == PCISIM_FWD_EP_WAITING || f->state != PCISIM_FWD_IDLE)
		f->overwritten++; /* the RFC's single buffer: the older request is gone */
	memcpy(f->req, msg, len);
	f->req_len = len;
	f->req_cookie = cookie;
	f->wait_cookie = cookie;
	f->ep = PCISIM_FWD_EP_WAITING;
	f->forwarded++;
	/* the target may be running the older one: its completion still resets the field */
	if (f->state != PCISIM_FWD_PROCESSING)
		set_state(f, PCISIM_FWD_REQUEST, "request written");
	return true;
}

bool pcisim_fwd_notify(struct pcisim_fwd *f)
{
	if (f->lose_next) {
		f->lose_next--;
		f->lost++;
		return false;
	}
	const char *why = f->target.unavailable ? f->target.unavailable(f->target.ctx) : NULL;
	if (why)
		return false;
	switch (f->state) {
	case PCISIM_FWD_REQUEST:
		set_state(f, PCISIM_FWD_PROCESSING, "notified");
		return true;
	case PCISIM_FWD_IDLE:
	case PCISIM_FWD_PROCESSING:
		f->spurious++;
		return false;
	default:
		pcisim_log(f->owner->sim, f->owner, "pcisim", "forwarder: invalid state %#x", f->state);
		return false;
	}
}

void pcisim_fwd_complete(struct pcisim_fwd *f)
{
	switch (f->state) {
	case PCISIM_FWD_PROCESSING:
		break;
	case PCISIM_FWD_IDLE:
	case PCISIM_FWD_REQUEST:
		return; /* nothing was taken (a completion event of a request overwritten meanwhile) */
	default:
		pcisim_log(f->owner->sim, f->owner, "pcisim", "forwarder: invalid state %#x", f->state);
		return;
	}
	/* the target runs what the buffer holds now: a request written after the
	 * notification was taken is the one that runs (the RFC has no request identity) */
	f->rsp_len = f->target.serve ? f->target.serve(f->target.ctx, f->req, f->req_len, f->rsp) : 0;
	f->rsp_cookie = f->req_cookie;
	f->executed++;
	set_state(f, PCISIM_FWD_IDLE, "response written");
}

size_t pcisim_fwd_poll(struct pcisim_fwd *f, uint8_t *rsp, uint64_t *cookie)
{
	if (f->ep != PCISIM_FWD_EP_WAITING || f->state != PCISIM_FWD_IDLE)
		return 0;
	f->ep = PCISIM_FWD_EP_IDLE;
	f->answered++;
	if (f->rsp_cookie != f->wait_cookie)
		f->mismatched++;
	memcpy(rsp, f->rsp, f->rsp_len);
	*cookie = f->rsp_cookie;
	return f->rsp_len;
}
