/*
 * PCI configuration mechanism #1: the CONFIG_ADDRESS register at I/O port 0xcf8 and
 * CONFIG_DATA at 0xcfc..0xcff, through which a PC's CPU reaches configuration space
 * without MMCONFIG (PCI Local Bus 3.0 §3.2.2.3.2; QEMU's pci_host_conf_le_ops and
 * pci_host_data_le_ops, which q35 maps there).
 *
 * As QEMU has it: only a 4-byte write to 0xcf8 sets CONFIG_ADDRESS, and a read of
 * 0xcf8 returns it; a CONFIG_DATA access with the enable bit (31) clear reads all
 * ones and writes nothing; with it set it reaches bus [23:16], device/function
 * [15:8], register [7:2] plus the port's low two bits (the first 256 bytes only).
 * The access itself follows route.h's rule at the current time
 * (pcisim_cfg_access_now): what is not there, not powered or behind a link that is
 * down reads all ones. An access that would cross the dword is not done (all ones).
 */
#ifndef PCISIM_PCIE_CONF1_H
#define PCISIM_PCIE_CONF1_H

struct pcisim_sim;

#define PCISIM_CONF1_ADDRESS_PORT 0xcf8
#define PCISIM_CONF1_DATA_PORT 0xcfc

/** pcisim_conf1_claim() - claim 0xcf8..0xcff of @sim's I/O space. 0 or -PCISIM_EINVAL. */
int pcisim_conf1_claim(struct pcisim_sim *sim);

#endif
