/*
 * vfio-pci (dev_vfio.c): a function of the host machine passed through to a guest.
 *
 * Contracts (checked by tests/test_vfio_device.c):
 *  - `host=[DDDD:]BB:DD.F` (or `sysfsdev=/sys/bus/pci/devices/DDDD:BB:DD.F`) that names
 *    an endpoint of the scenario's machine (domain 0000, the address firmware's
 *    enumeration gives it when the vfio-pci device is created) ties the vfio-pci
 *    function to it: the vfio-pci function is the guest's view of that host function,
 *    at the vfio-pci function's own address. Otherwise (another domain, or no function
 *    there) the host device is outside the scenario and the x-pci-* properties describe
 *    it (an Intel 82576 by default).
 *  - A tied view's config space is QEMU's vfio-pci view of the host function:
 *    (emulated bytes & emulated bits) | (the host function's bytes now & ~emulated
 *    bits), as hw/vfio/pci.c vfio_pci_read_config() merges them; pcisim_vfio_emulated()
 *    says which bits are emulated. A read of the host function that does not complete
 *    (in reset, link down) reads all ones, as QEMU's pread() through the host kernel
 *    does.
 *  - A guest write goes to the emulated bytes and, for the bits that are not emulated,
 *    to the host function (a Device Control Initiate FLR resets the host function); a
 *    guest MMIO access at a BAR of the view reaches the same offset of the host
 *    function's BAR.
 *  - Host software does not see a tied view: it is QEMU's, in the guest.
 */
#ifndef PCISIM_PCIE_VFIO_H
#define PCISIM_PCIE_VFIO_H

#include <stdbool.h>
#include <stdint.h>

struct pcisim_pcifn;

/** Is @fn a vfio-pci function (the guest's side of a passthrough)? */
bool pcisim_vfio_is_vfio(const struct pcisim_pcifn *fn);
/** The host function @fn (a vfio-pci function) is tied to; NULL: not vfio-pci, or standalone. */
struct pcisim_pcifn *pcisim_vfio_host_fn(const struct pcisim_pcifn *fn);
/** The emulated bits of byte @off of @fn's view (0: the byte is the host function's). */
uint8_t pcisim_vfio_emulated(const struct pcisim_pcifn *fn, uint16_t off);

#endif
