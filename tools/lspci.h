/*
 * lspci for the simulated fabric: the tree (`lspci -tv`), one function decoded in
 * full (`lspci -vvv -s BDF`) and hex dumps (`lspci -xxxx`), in pciutils 3.9's text
 * conventions, so that what pcisim prints can be read, diffed and grepped the way a
 * kernel or QEMU engineer reads a guest's lspci.
 *
 * What is shown is the hardware as the fabric has it: every function present (not
 * removed) whose Vendor ID reads as an ID (not 0xffff, nothing answering, nor 0x0000
 * as QEMU's pxb-cxl reads, which Linux skips too), whether or not the guest's own
 * scan would reach it (Linux looks only at device 0 below a PCIe port). Registers
 * are read through the models' config read hooks (pcisim_fn_cfg_read), which must
 * be free of side effects; nothing here writes config space or emits trace records,
 * so printing never changes a run or its hash.
 *
 * Names come from a small built-in table of the vendor and device IDs that pcisim's
 * models use (names as in the PCI ID repository); an ID without a name is printed
 * as lspci -nn does, "Device [1b36:000d]". Facts about the capability layouts:
 * sim/pcie/regs/ (one header per capability). Output conventions: docs/lspci-and-graph.md.
 */
#ifndef PCISIM_TOOLS_LSPCI_H
#define PCISIM_TOOLS_LSPCI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct pcisim_fabric;
struct pcisim_pcifn;

/** pcisim_lspci_tree() - the fabric as `lspci -tv` draws it, root buses in bus order. */
void pcisim_lspci_tree(struct pcisim_fabric *fab, FILE *out);

/**
 * pcisim_lspci_hotplug() - who handles hot-plug below every bridge, one line each in
 * bus order, after a "Hot-plug slots:" heading: its address and id, then pciehp
 * (the port's own slot, Linux's pciehp), acpi (QEMU's ACPI PCI hot-plug, Linux's
 * acpiphp; with the bus's BSEL) or none. Nothing when the fabric has no bridge.
 */
void pcisim_lspci_hotplug(struct pcisim_fabric *fab, FILE *out);
/** The same as "ID=OWNER ID=OWNER ..." on one line into @buf (empty: no bridge). */
char *pcisim_hotplug_summary(struct pcisim_fabric *fab, char *buf, size_t n);

/**
 * pcisim_lspci_verbose() - one function as `lspci -vvv -s BDF` prints it: the
 * header (Control/Status, BARs, bridge windows and bus numbers), then every
 * capability and extended capability decoded, then an empty line.
 */
void pcisim_lspci_verbose(struct pcisim_pcifn *fn, FILE *out);

/**
 * pcisim_lspci_verbose_bytes() - the same from a snapshot of config space: @cfg of
 * @size bytes (256 or 4096), @bus and @devfn for the first line, @wmask (may be
 * NULL) to size the BARs as the kernel's probe would.
 */
void pcisim_lspci_verbose_bytes(const uint8_t *cfg, size_t size, const uint8_t *wmask,
				uint8_t bus, uint8_t devfn, FILE *out);

/**
 * pcisim_lspci_dump() - every function as `lspci -xxxx` prints it (a title line,
 * then 16 bytes a line), a form real lspci reads back with `lspci -F FILE`.
 */
void pcisim_lspci_dump(struct pcisim_fabric *fab, FILE *out);

/**
 * pcisim_lspci_hex() - one function as `lspci -xxxx -s BDF` prints it: the title
 * line, its config space (4096 bytes for PCI Express, 256 otherwise) 16 bytes a
 * line, then an empty line.
 */
void pcisim_lspci_hex(struct pcisim_pcifn *fn, FILE *out);

/**
 * pcisim_lspci_find() - a function by QEMU id ("rp18") or by address as lspci -s
 * writes it ("00:12.0", "0000:00:12.0", "12.0" on bus 0); NULL if none.
 */
struct pcisim_pcifn *pcisim_lspci_find(struct pcisim_fabric *fab, const char *what);

/**
 * pcisim_pci_name() - "Vendor Device" for an ID pair as lspci names it; unknown
 * parts as "Vendor Device [vvvv:dddd]" or "Device [vvvv:dddd]". Returns @buf.
 */
char *pcisim_pci_name(uint16_t vendor, uint16_t device, char *buf, size_t n);
/** pcisim_pci_vendor_name() - the vendor's name, or NULL when the table has none. */
const char *pcisim_pci_vendor_name(uint16_t vendor);
/** pcisim_pci_class_name() - "PCI bridge" etc. for a class code (base << 8 | sub). */
char *pcisim_pci_class_name(uint16_t cls, char *buf, size_t n);

#endif
