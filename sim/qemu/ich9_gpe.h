/*
 * The ICH9 GPE0 block and the SCI of QEMU's q35 (hw/acpi/ich9.c, hw/acpi/core.c,
 * QEMU 7.2): GPE0_STS and GPE0_EN bytes in the PM I/O space, the SCI a level that
 * is high while any enabled status bit of the first byte is set.
 */
#ifndef PCISIM_QEMU_ICH9_GPE_H
#define PCISIM_QEMU_ICH9_GPE_H

#include <stdint.h>

#include "sim/core/irq.h"
#include "sim/pcie/fabric.h"

/*
 * Where the firmware puts the PM I/O block: SeaBIOS and OVMF program ICH9-LPC
 * PMBASE to 0x600 and set ACPI_CNTL ACPI_EN; QEMU's FADT then names GPE0_BLK at
 * PMBASE + ICH9_PMIO_GPE0_STS (0x20), 16 bytes (include/hw/southbridge/ich9.h).
 */
#define PCISIM_ICH9_PMBASE 0x0600
#define PCISIM_ICH9_GPE0_BLK (PCISIM_ICH9_PMBASE + 0x20)
#define PCISIM_ICH9_GPE0_LEN 16
/* hw/isa/lpc_ich9.c: ACPI_CNTL SCI_IRQ_SEL's default, IRQ 9 */
#define PCISIM_ICH9_SCI_IRQ 9

struct pcisim_ich9_gpe {
	struct pcisim_sim *sim;
	struct pcisim_comp *owner;                 /* ICH9-LPC */
	uint8_t sts[PCISIM_ICH9_GPE0_LEN / 2];     /* RW1C */
	uint8_t en[PCISIM_ICH9_GPE0_LEN / 2];      /* RW */
	struct pcisim_irq sci;                     /* "sci", level */
};

/** Build the block on @lpc and claim its ports in @fab's I/O space. */
int pcisim_ich9_gpe_init(struct pcisim_ich9_gpe *g, struct pcisim_fabric *fab,
			 struct pcisim_pcifn *lpc);
/** acpi_send_gpe_event(): set status bit @bit (0..7 of the first byte), update the SCI. */
void pcisim_ich9_gpe_send(struct pcisim_ich9_gpe *g, unsigned bit, const char *why);

#endif
