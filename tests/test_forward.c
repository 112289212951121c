/*
 * The FM emulation RFC's forwarding state machine (sim/mctp/forward.h) under every
 * order of its inputs: the request written, the notification reaching the target,
 * the target completing, the FM side polling, and a second request (a retry after a
 * timeout, or another command) arriving at any point. Each order checks what the
 * buffer holds, what the target runs and what the FM side hands back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "sim/mctp/forward.h"

/* The target: it answers a request with its first byte + 0x80, and counts runs. */
struct target {
	unsigned runs;
	uint8_t last;
	bool gone;
};

static size_t serve(void *ctx, const uint8_t *req, size_t len, uint8_t *rsp)
{
	struct target *t = ctx;
	t->runs++;
	t->last = req[0];
	rsp[0] = (uint8_t)(req[0] + 0x80);
	return len ? 1 : 0;
}

static const char *unavailable(void *ctx)
{
	return ((struct target *)ctx)->gone ? "gone" : NULL;
}

static void init(struct pcisim_fwd *f, struct target *t)
{
	memset(t, 0, sizeof(*t));
	struct pcisim_fwd_target ft = {t, serve, unavailable};
	pcisim_fwd_init(f, NULL, &ft);
}

enum { NOTIFY, COMPLETE, POLL };

/* The plain order: request, notify, complete, poll: one run, the answer to A. */
static void in_order(void **state)
{
	(void)state;
	struct pcisim_fwd f;
	struct target t;
	uint8_t rsp[8];
	uint64_t cookie = 0;
	init(&f, &t);
	assert_true(pcisim_fwd_request(&f, (uint8_t[]){0x01}, 1, 0x101));
	assert_int_equal(f.state, PCISIM_FWD_REQUEST);
	assert_int_equal(pcisim_fwd_poll(&f, rsp, &cookie), 0); /* not yet */
	assert_int_equal(pcisim_fwd_notify(&f), PCISIM_FWD_TAKEN);
	assert_int_equal(f.state, PCISIM_FWD_PROCESSING);
	assert_int_equal(pcisim_fwd_poll(&f, rsp, &cookie), 0);
	assert_false(pcisim_fwd_complete(&f));
	assert_int_equal(f.state, PCISIM_FWD_IDLE);
	assert_int_equal(pcisim_fwd_poll(&f, rsp, &cookie), 1);
	assert_int_equal(rsp[0], 0x81);
	assert_int_equal(cookie, 0x101);
	assert_int_equal(f.ep, PCISIM_FWD_EP_IDLE);
	assert_int_equal(t.runs, 1);
	/* a second poll has nothing more */
	assert_int_equal(pcisim_fwd_poll(&f, rsp, &cookie), 0);
	assert_int_equal(f.answered, 1);
	assert_int_equal(f.mismatched, 0);
}

/*
 * Every order of {notify, complete, poll} after a request: the target runs the request
 * only when notify comes before complete; the FM side gets the answer only from a poll
 * after both. Inputs out of order change nothing.
 */
static void every_order_of_notify_complete_poll(void **state)
{
	(void)state;
	static const int perms[6][3] = {{NOTIFY, COMPLETE, POLL}, {NOTIFY, POLL, COMPLETE}, {COMPLETE, NOTIFY, POLL},
					{COMPLETE, POLL, NOTIFY}, {POLL, NOTIFY, COMPLETE}, {POLL, COMPLETE, NOTIFY}};
	for (int p = 0; p < 6; p++) {
		struct pcisim_fwd f;
		struct target t;
		uint8_t rsp[8];
		uint64_t cookie = 0;
		size_t got = 0;
		init(&f, &t);
		pcisim_fwd_request(&f, (uint8_t[]){0x02}, 1, 0x201);
		bool notified = false, completed = false;
		for (int i = 0; i < 3; i++) {
			switch (perms[p][i]) {
			case NOTIFY:
				assert_int_equal(pcisim_fwd_notify(&f), PCISIM_FWD_TAKEN);
				notified = true;
				break;
			case COMPLETE:
				pcisim_fwd_complete(&f);
				completed = notified; /* a completion before the notification is nothing */
				break;
			case POLL:
				got = pcisim_fwd_poll(&f, rsp, &cookie);
				assert_int_equal(got, completed ? 1 : 0);
				break;
			}
		}
		/* runs exactly when the notification came before the completion */
		int ni = 0, ci = 0;
		for (int i = 0; i < 3; i++) {
			if (perms[p][i] == NOTIFY)
				ni = i;
			if (perms[p][i] == COMPLETE)
				ci = i;
		}
		assert_int_equal(t.runs, ni < ci ? 1 : 0);
		assert_int_equal(f.state, ni < ci ? PCISIM_FWD_IDLE : PCISIM_FWD_PROCESSING);
	}
}

/*
 * A second request B (the FM's retry after a timeout, or another command) at every
 * point of A's life, with the RFC's one buffer. What runs, what the FM side hands
 * back (it waits for B from the moment B is written):
 *  - B before A's notification: B overwrites A; the notification takes B; B's own
 *    notification finds nothing pending; B's answer;
 *  - B while the target runs A: the target finishes A, writes A's answer and resets the
 *    field, so B is lost; B's notification finds nothing; the FM side hands back A's
 *    answer for B (a crossed answer);
 *  - B's notification arrives while the target still runs A: it waits (one QMP command
 *    at a time), then finds nothing pending; A's answer for B again;
 *  - B after A completed, before the FM side polled: A's answer is lost (the field
 *    says REQUEST again), B runs; B's answer;
 *  - B after A's answer went back: an ordinary second request.
 */
static void second_request_at_every_point(void **state)
{
	(void)state;
	/* a: A written, b: B written, n: a notification, c: a completion (and the queued
	 * notification it releases), p: a poll */
	static const struct {
		const char *seq;
		unsigned runs, overwritten, spurious, dropped, mismatched;
		uint8_t answer;
	} cases[] = {
		{"abncnp", 1, 1, 1, 0, 0, 0x8b},
		{"anbcnp", 1, 1, 1, 1, 1, 0x8a},
		{"anbncp", 1, 1, 1, 1, 1, 0x8a},
		{"ancbpncp", 2, 1, 0, 0, 0, 0x8b},
		{"ancpbncp", 2, 0, 0, 0, 0, 0x8b},
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct pcisim_fwd f;
		struct target t;
		uint8_t rsp[8];
		uint64_t cookie = 0;
		size_t last = 0;
		init(&f, &t);
		for (const char *c = cases[k].seq; *c; c++) {
			switch (*c) {
			case 'a': pcisim_fwd_request(&f, (uint8_t[]){0x0a}, 1, 0xa01); break;
			case 'b': pcisim_fwd_request(&f, (uint8_t[]){0x0b}, 1, 0xb01); break;
			case 'n': pcisim_fwd_notify(&f); break;
			case 'c':
				if (pcisim_fwd_complete(&f))
					pcisim_fwd_notify(&f);
				break;
			case 'p': last = pcisim_fwd_poll(&f, rsp, &cookie); break;
			}
		}
		assert_int_equal(last, 1);
		assert_int_equal(rsp[0], cases[k].answer);
		assert_int_equal(cookie, cases[k].answer == 0x8b ? 0xb01 : 0xa01);
		assert_int_equal(t.runs, cases[k].runs);
		assert_int_equal(f.overwritten, cases[k].overwritten);
		assert_int_equal(f.spurious, cases[k].spurious);
		assert_int_equal(f.dropped, cases[k].dropped);
		assert_int_equal(f.mismatched, cases[k].mismatched);
		assert_int_equal(f.state, PCISIM_FWD_IDLE);
		assert_int_equal(f.ep, PCISIM_FWD_EP_IDLE);
		assert_false(f.busy);
	}
}

/* A lost notification and a target that is gone: nothing runs, the request stays in
 * the buffer, the FM side keeps waiting (its FM times out); a later notification (the
 * retry's) still takes it. */
static void lost_notification_and_gone_target(void **state)
{
	(void)state;
	struct pcisim_fwd f;
	struct target t;
	uint8_t rsp[8];
	uint64_t cookie = 0;
	init(&f, &t);
	f.lose_next = 1;
	pcisim_fwd_request(&f, (uint8_t[]){0x03}, 1, 0x301);
	assert_int_equal(pcisim_fwd_notify(&f), PCISIM_FWD_LOST);
	assert_int_equal(f.lost, 1);
	assert_int_equal(f.state, PCISIM_FWD_REQUEST);
	assert_int_equal(pcisim_fwd_poll(&f, rsp, &cookie), 0);
	t.gone = true;
	assert_int_equal(pcisim_fwd_notify(&f), PCISIM_FWD_UNAVAILABLE);
	assert_int_equal(f.state, PCISIM_FWD_REQUEST);
	t.gone = false;
	assert_int_equal(pcisim_fwd_notify(&f), PCISIM_FWD_TAKEN);
	pcisim_fwd_complete(&f);
	assert_int_equal(pcisim_fwd_poll(&f, rsp, &cookie), 1);
	assert_int_equal(t.runs, 1);
}

/*
 * The target VM's migration: a stop while it runs a request waits for the request;
 * notifications during the downtime wait and the first runs at resume with the
 * buffer's state as it was; a second one then finds nothing pending.
 */
static void migration_downtime(void **state)
{
	(void)state;
	struct pcisim_fwd f;
	struct target t;
	uint8_t rsp[8];
	uint64_t cookie = 0;
	init(&f, &t);
	/* stopped while idle: a request's notification waits, nothing runs */
	assert_true(pcisim_fwd_stop(&f));
	pcisim_fwd_request(&f, (uint8_t[]){0x04}, 1, 0x401);
	assert_int_equal(pcisim_fwd_notify(&f), PCISIM_FWD_QUEUED);
	pcisim_fwd_request(&f, (uint8_t[]){0x05}, 1, 0x402); /* a retry over it */
	assert_int_equal(pcisim_fwd_notify(&f), PCISIM_FWD_QUEUED);
	assert_int_equal(t.runs, 0);
	assert_int_equal(f.state, PCISIM_FWD_REQUEST);
	assert_int_equal(pcisim_fwd_poll(&f, rsp, &cookie), 0);
	/* resume: one queued notification runs now, the buffer holds the newer request */
	assert_true(pcisim_fwd_resume(&f));
	assert_int_equal(pcisim_fwd_notify(&f), PCISIM_FWD_TAKEN);
	assert_true(pcisim_fwd_complete(&f)); /* the other one runs after it */
	assert_int_equal(pcisim_fwd_notify(&f), PCISIM_FWD_SPURIOUS);
	assert_int_equal(t.runs, 1);
	assert_int_equal(t.last, 0x05);
	assert_int_equal(pcisim_fwd_poll(&f, rsp, &cookie), 1);
	assert_int_equal(cookie, 0x402);

	/* stopped while running a request: the stop waits for the response */
	pcisim_fwd_request(&f, (uint8_t[]){0x06}, 1, 0x403);
	assert_int_equal(pcisim_fwd_notify(&f), PCISIM_FWD_TAKEN);
	assert_false(pcisim_fwd_stop(&f));
	assert_false(f.stopped);
	pcisim_fwd_request(&f, (uint8_t[]){0x07}, 1, 0x404);
	assert_int_equal(pcisim_fwd_notify(&f), PCISIM_FWD_QUEUED);
	assert_false(pcisim_fwd_complete(&f)); /* stopped now: the queued one keeps waiting */
	assert_true(f.stopped);
	assert_int_equal(t.runs, 2);
	assert_int_equal(t.last, 0x06);
	/* the newer request was lost by the reset of the field, as without a migration */
	assert_int_equal(f.state, PCISIM_FWD_IDLE);
	assert_true(pcisim_fwd_resume(&f));
	assert_int_equal(pcisim_fwd_notify(&f), PCISIM_FWD_SPURIOUS);
	assert_false(pcisim_fwd_resume(&f)); /* nothing left to run */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(in_order),
		cmocka_unit_test(every_order_of_notify_complete_poll),
		cmocka_unit_test(second_request_at_every_point),
		cmocka_unit_test(lost_notification_and_gone_target),
		cmocka_unit_test(migration_downtime),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
