/*
 * virtio over PCI: the vendor-specific capabilities (ID 0x09) that locate a modern
 * device's configuration structures in a BAR, virtio 1.2 §4.1.4 (struct
 * virtio_pci_cap, virtio_pci_notify_cap, virtio_pci_cfg_cap), and the IDs, classes
 * and region layout QEMU uses (hw/virtio/virtio-pci.c, include/hw/pci/pci_ids.h).
 */
#ifndef PCISIM_PCIE_REGS_VIRTIO_PCI_H
#define PCISIM_PCIE_REGS_VIRTIO_PCI_H

#define PCISIM_VENDOR_ID_REDHAT_QUMRANET 0x1af4	/* virtio vendor ID */
#define PCISIM_VIRTIO_DEV_ID_RNG_LEGACY 0x1005	/* QEMU PCI_DEVICE_ID_VIRTIO_RNG (transitional) */
#define PCISIM_VIRTIO_DEV_ID_MODERN_BASE 0x1040	/* QEMU PCI_DEVICE_ID_VIRTIO_10_BASE */
#define PCISIM_VIRTIO_ID_RNG		4	/* virtio device type: entropy source */

/* struct virtio_pci_cap, virtio 1.2 §4.1.4 */
#define VIRTIO_PCI_CAP_LEN	2	/* 8 bits: generic and specific data in the capability */
#define VIRTIO_PCI_CAP_CFG_TYPE	3	/* 8 bits: which structure */
#define  VIRTIO_PCI_CAP_COMMON_CFG 1
#define  VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define  VIRTIO_PCI_CAP_ISR_CFG	3
#define  VIRTIO_PCI_CAP_DEVICE_CFG 4
#define  VIRTIO_PCI_CAP_PCI_CFG	5
#define VIRTIO_PCI_CAP_BAR	4	/* 8 bits: where to find it */
#define VIRTIO_PCI_CAP_ID	5	/* 8 bits: multiple capabilities of the same type */
#define VIRTIO_PCI_CAP_OFFSET	8	/* 32 bits: offset within the BAR */
#define VIRTIO_PCI_CAP_LENGTH	12	/* 32 bits: length of the structure */
#define PCISIM_VIRTIO_PCI_CAP_SIZEOF 16	/* sizeof(struct virtio_pci_cap) */
#define VIRTIO_PCI_NOTIFY_CAP_MULT 16	/* 32 bits: notify_off_multiplier */
#define PCISIM_VIRTIO_PCI_NOTIFY_CAP_SIZEOF 20 /* sizeof(struct virtio_pci_notify_cap) */
#define VIRTIO_PCI_CFG_CAP_DATA	16	/* 32 bits: pci_cfg_data window */
#define PCISIM_VIRTIO_PCI_CFG_CAP_SIZEOF 20 /* sizeof(struct virtio_pci_cfg_cap) */

/* QEMU's modern BAR: four 4 KiB regions (common, ISR, device, notify). */
#define PCISIM_VIRTIO_REGION_SIZE	0x1000
#define PCISIM_VIRTIO_COMMON_OFF	0x0000
#define PCISIM_VIRTIO_ISR_OFF		0x1000
#define PCISIM_VIRTIO_DEVICE_OFF	0x2000
#define PCISIM_VIRTIO_NOTIFY_OFF	0x3000
#define PCISIM_VIRTIO_NOTIFY_MULT	4	/* QEMU_VIRTIO_PCI_QUEUE_MEM_MULT (page-per-vq off) */
#define PCISIM_VIRTIO_MODERN_BAR	4	/* modern_mem_bar_idx */
#define PCISIM_VIRTIO_MSIX_BAR		1	/* msix_bar_idx */
#define PCISIM_VIRTIO_LEGACY_BAR	0	/* legacy_io_bar_idx */
#define PCISIM_VIRTIO_LEGACY_IO_SIZE	32	/* pow2ceil(VIRTIO_PCI_REGION_SIZE 20/24 + config) */

#endif
