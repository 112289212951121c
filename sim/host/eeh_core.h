/*
 * Linux's EEH core on pseries (arch/powerpc/kernel/eeh.c, eeh_driver.c, eeh_pe.c) as
 * the guest runs it: detection when a read through the EEH accessors returns all
 * ones (eeh_dev_check_failure() asks ibm,read-slot-reset-state2 whether the PE is
 * frozen), the freeze counter with its window of one hour and its maximum
 * (eeh_max_freezes, default 5; host: eeh_max_freezes), and the recovery
 * (eeh_handle_normal_event()) with the drivers' votes, each step an RTAS call of
 * sim/eeh/rtas.h:
 *
 *  error_detected(io_frozen) to every driver of the PE, votes merged;
 *  CAN_RECOVER: ibm,set-eeh-option 2 (thaw MMIO), mmio_enabled(), then option 3
 *      (thaw DMA): RECOVERED;
 *  NEED_RESET (or NONE, drivers without handlers): ibm,set-slot-reset 1 (hot), held
 *      250 ms (EEH_PE_RST_HOLD_TIME), ibm,set-slot-reset 0, 1.8 s settle
 *      (EEH_PE_RST_SETTLE_TIME), ibm,read-slot-reset-state2 until the PE is normal,
 *      ibm,configure-pe, slot_reset();
 *  RECOVERED: resume(), "EEH: Recovery successful.";
 *  anything else, or one freeze more than eeh_max_freezes within the hour: the PE is
 *      permanently failed, its functions' channels perm_failure and the devices
 *      removed.
 *
 * DOC: EEH recovery states (one recovery per PE)
 *  IDLE            nothing running
 *  ERROR_DETECTED  error_detected() broadcast, channels frozen
 *  MMIO_ENABLED    MMIO thawed, mmio_enabled() broadcast
 *  RESET           the PE's reset is asserted (hold time)
 *  SETTLE          the reset is deactivated; Linux waits for the PE to settle
 *  SLOT_RESET      the PE is configured; slot_reset() broadcast
 *  RESUME          resume() broadcast
 *  RECOVERED       over, the drivers carry on; IDLE follows at once
 *  FAILED          over, the devices are removed; IDLE follows at once
 * Every transition is an "eeh.recovery" record (pe, from, to, why).
 */
#ifndef PCISIM_HOST_EEH_CORE_H
#define PCISIM_HOST_EEH_CORE_H

#include <stdbool.h>

#include "sim/core/time.h"
#include "sim/host/host.h"

#define PCISIM_EEH_RST_HOLD_TIME (250 * PCISIM_MS)    /* asm/eeh.h EEH_PE_RST_HOLD_TIME */
#define PCISIM_EEH_RST_SETTLE_TIME (1800 * PCISIM_MS) /* asm/eeh.h EEH_PE_RST_SETTLE_TIME */
#define PCISIM_EEH_FREEZE_WINDOW (3600 * PCISIM_S)    /* eeh_pe_update_time_stamp(): one hour */

enum pcisim_eeh_rec_state {
	PCISIM_EEH_REC_IDLE,
	PCISIM_EEH_REC_ERROR_DETECTED,
	PCISIM_EEH_REC_MMIO_ENABLED,
	PCISIM_EEH_REC_RESET,
	PCISIM_EEH_REC_SETTLE,
	PCISIM_EEH_REC_SLOT_RESET,
	PCISIM_EEH_REC_RESUME,
	PCISIM_EEH_REC_RECOVERED,
	PCISIM_EEH_REC_FAILED,
};

/**
 * pcisim_host_eeh_check_failure() - eeh_dev_check_failure(): a read of @fn by Linux
 * returned all ones. On a pseries machine, asks the platform for @fn's PE state and,
 * when the PE is frozen and no recovery runs for it, starts one. Returns true when a
 * recovery was started.
 */
bool pcisim_host_eeh_check_failure(struct pcisim_host *h, struct pcisim_pcifn *fn);

/** The host's EEH record kinds (register.c registers them). */
extern const struct pcisim_record_kind pcisim_host_eeh_kinds[];

#endif
