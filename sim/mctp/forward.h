/*
 * The FM emulation RFC's forwarding between two VMs (shared/seeds/fm-emulation-rfc.txt):
 * an i2c_mctp_cxl endpoint with mctp-msg-forward=on does not answer a CXL request
 * itself. It writes the request into a buffer shared with the target VM's QEMU
 * (/dev/shm) and sets the buffer's state field, notifies the target through the QMP
 * command the RFC adds (at qmp=HOST:PORT), and polls the state field; the target's
 * QEMU reads the request, runs it on its device, writes the response and resets the
 * state field; the endpoint's next poll finds it and sends the response on the bus.
 *
 * DOC: the buffer's state field
 *  IDLE        0: nothing to do: empty, or the response to the request taken last is in it
 *  REQUEST     1: the FM side wrote a request and set the field (it does so whatever the
 *              field said: the proof of concept checks nothing)
 *  PROCESSING  2: the target's QEMU took the request (copied it out) and runs it
 * DOC: the FM side's endpoint
 *  EP_IDLE     it forwarded nothing it still waits for
 *  EP_WAITING  it polls the state field for the answer to the request it wrote last
 *
 * The RFC's proof of concept has one buffer and no request identity, and pcisim keeps
 * that. A request that arrives while the endpoint waits overwrites the buffer. The
 * target's QEMU handles one QMP command at a time: a notification that arrives while
 * it runs a request waits for it; when a request is done the target writes the
 * response and resets the field to IDLE, even if the FM side wrote another request
 * meanwhile (that one is lost, and its waiting FM side takes the older answer); a
 * notification that finds the field not REQUEST does nothing. Every transition goes
 * through one function that records mctp.fwd_state (from, to, why).
 *
 * The target VM's migration, as the forwarding sees it: the VM stops for the
 * switch-over's downtime and its QMP handler with it. The switch-over needs QEMU's big
 * lock, which a QMP command running a request holds, so a request taken before the
 * stop completes first. Notifications arriving during the downtime wait (in the QMP
 * socket) and run when the destination resumes; the buffer, a /dev/shm file, keeps
 * its state field and contents across the switch-over.
 */
#ifndef PCISIM_MCTP_FORWARD_H
#define PCISIM_MCTP_FORWARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/component.h"
#include "sim/core/time.h"

#define PCISIM_FWD_NOTIFY_LATENCY (200 * PCISIM_US) /* a QMP command over a local TCP socket (pcisim's figure) */
#define PCISIM_FWD_POLL_INTERVAL PCISIM_MS          /* the FM side's poll of the state field (pcisim's figure) */
#define PCISIM_FWD_MSG_MAX 1088

enum pcisim_fwd_buf { PCISIM_FWD_IDLE, PCISIM_FWD_REQUEST, PCISIM_FWD_PROCESSING };
enum pcisim_fwd_ep { PCISIM_FWD_EP_IDLE, PCISIM_FWD_EP_WAITING };

/* What runs a request on the target (the target VM's device), and tells whether it is there. */
struct pcisim_fwd_target {
	void *ctx;
	/* the response to @req into @rsp (room for PCISIM_FWD_MSG_MAX); 0: not answered */
	size_t (*serve)(void *ctx, const uint8_t *req, size_t len, uint8_t *rsp);
	/* why the target's QEMU cannot take a notification now (unplugged, migrated away), or NULL */
	const char *(*unavailable)(void *ctx);
};

enum pcisim_fwd_notified {
	PCISIM_FWD_TAKEN,       /* the target took the request: complete it after process_time */
	PCISIM_FWD_QUEUED,      /* the target runs one: this notification waits for it */
	PCISIM_FWD_SPURIOUS,    /* the field did not say REQUEST: nothing to do */
	PCISIM_FWD_LOST,        /* a fault: the notification never arrived */
	PCISIM_FWD_UNAVAILABLE, /* the target VM or its device is not there */
};

struct pcisim_fwd {
	struct pcisim_comp *owner; /* the FM side's endpoint, for records */
	struct pcisim_fwd_target target;
	enum pcisim_fwd_buf state;
	enum pcisim_fwd_ep ep;
	bool busy;           /* the target runs the request it took */
	uint32_t queued;     /* notifications waiting for it */
	uint8_t taken[PCISIM_FWD_MSG_MAX];
	size_t taken_len;
	uint64_t taken_cookie;
	uint8_t req[PCISIM_FWD_MSG_MAX];
	size_t req_len;
	uint64_t req_cookie; /* identity of the request in the buffer (checking only; never hashed) */
	uint8_t rsp[PCISIM_FWD_MSG_MAX];
	size_t rsp_len;
	uint64_t rsp_cookie;  /* the request the response in the buffer answers */
	uint64_t wait_cookie; /* the request the endpoint waits for */
	uint32_t lose_next;   /* fault: notifications to lose */
	bool stopped;         /* the target VM is stopped (a migration's downtime) */
	bool stop_after_run;  /* asked to stop while running a request: stops when it completes */
	pcisim_time notify_latency, poll_interval, process_time;
	uint64_t forwarded, overwritten, lost, spurious, executed, answered, mismatched, dropped;
};

/** A forwarder with the RFC's latencies, owned by @owner, running requests on @t. */
void pcisim_fwd_init(struct pcisim_fwd *f, struct pcisim_comp *owner, const struct pcisim_fwd_target *t);
const char *pcisim_fwd_state_name(enum pcisim_fwd_buf s);

/*
 * The inputs, one function each (the events of sim/mctp/i2c_mctp_cxl.c call them; the
 * tests call them in every order):
 *  - request: a complete CXL request reached the FM side's endpoint: written to the
 *    buffer (overwriting one there), state REQUEST, EP_WAITING; returns true when the
 *    caller must send a notification (always: the RFC notifies every request);
 *  - notify: a notification reached the target (see enum pcisim_fwd_notified);
 *  - complete: the target ran the request it took, wrote the response, reset the
 *    state field to IDLE; returns true when a queued notification is now handled (the
 *    caller calls notify again);
 *  - poll: the FM side reads the state field: IDLE while waiting gives the response
 *    (copied to @rsp, its length returned, EP_IDLE; @cookie gets the request it
 *    answers); otherwise 0.
 */
bool pcisim_fwd_request(struct pcisim_fwd *f, const uint8_t *msg, size_t len, uint64_t cookie);
enum pcisim_fwd_notified pcisim_fwd_notify(struct pcisim_fwd *f);
bool pcisim_fwd_complete(struct pcisim_fwd *f);
const char *pcisim_fwd_notified_name(enum pcisim_fwd_notified n);
size_t pcisim_fwd_poll(struct pcisim_fwd *f, uint8_t *rsp, uint64_t *cookie);

/*
 * The target VM's migration downtime:
 *  - stop: the VM stops now (true) or, while it runs a request, when complete() ends
 *    it (false; @stopped tells when); notifications meanwhile are QUEUED;
 *  - resume: the destination runs; returns true when a queued notification runs now
 *    (the caller calls notify).
 */
bool pcisim_fwd_stop(struct pcisim_fwd *f);
bool pcisim_fwd_resume(struct pcisim_fwd *f);

#endif
