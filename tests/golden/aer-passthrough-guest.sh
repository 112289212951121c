#!/bin/sh
# The guest of the AER passthrough slides (aer-passthrough-slides.txt): a q35 guest
# with the host's Intel 82576 NIC ("We use Intel 82576 NIC for test") passed through
# by vfio-pci behind a PCIe root port, so the guest's AER sees its errors. The slides
# give no command line; this one is built from their facts.
qemu-system-x86_64 -machine q35,accel=kvm -m 4G -smp 4 \
    -drive file=guest.qcow2,if=virtio \
    -device pcie-root-port,id=root.1,chassis=1,slot=1,bus=pcie.0,addr=0x1c \
    -device vfio-pci,host=0000:01:00.0,id=hostdev0,bus=root.1,addr=0x0
