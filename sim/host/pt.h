/*
 * Protothreads: kernel threads of the emulated host written as straight-line C that
 * suspends (sleeps, waits for an interrupt) and resumes in simulated time.
 *
 * The technique is the well-known switch-on-line-number coroutine: PT_BEGIN opens a
 * switch on the thread's saved line, every suspension point records its line and
 * returns, and the next call jumps back to it. Locals do not survive a suspension:
 * keep them in the thread's struct. A sub-procedure that suspends has its own
 * struct pcisim_pt and is run with PT_CALL until it returns PT_DONE.
 */
#ifndef PCISIM_HOST_PT_H
#define PCISIM_HOST_PT_H

struct pcisim_pt {
	int line; /* 0 = not started */
};

enum { PT_WAITING = 0, PT_DONE = 1 };

#define PT_BEGIN(pt)                                                                       \
	switch ((pt)->line) {                                                              \
	case 0:

#define PT_END(pt)                                                                         \
	}                                                                                  \
	(pt)->line = 0;                                                                    \
	return PT_DONE

/* Suspend until the next call (the caller arranges a wake-up first). */
#define PT_YIELD(pt)                                                                       \
	do {                                                                               \
		(pt)->line = __LINE__;                                                     \
		return PT_WAITING;                                                         \
	case __LINE__:;                                                                    \
	} while (0)

/* Suspend until @cond holds when the thread is next run. */
#define PT_WAIT_UNTIL(pt, cond)                                                            \
	do {                                                                               \
		(pt)->line = __LINE__;                                                     \
		__attribute__((fallthrough));                                              \
	case __LINE__:                                                                     \
		if (!(cond))                                                               \
			return PT_WAITING;                                                 \
	} while (0)

/* Run a sub-procedure (which takes its own pt) until it is done. */
#define PT_CALL(pt, child_pt, call)                                                        \
	do {                                                                               \
		(child_pt)->line = 0;                                                      \
		(pt)->line = __LINE__;                                                     \
		__attribute__((fallthrough));                                              \
	case __LINE__:                                                                     \
		if ((call) == PT_WAITING)                                                  \
			return PT_WAITING;                                                 \
	} while (0)

#define PT_EXIT(pt)                                                                        \
	do {                                                                               \
		(pt)->line = 0;                                                            \
		return PT_DONE;                                                            \
	} while (0)

#endif
