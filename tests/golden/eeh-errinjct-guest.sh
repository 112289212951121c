#!/bin/sh
# The guest of the RTAS error-injection series (eeh-errinjct-series.txt: "Tested on
# pseries and powernv hosts on kvm guest with errinjct tool"): a pseries KVM guest with
# an emulated e1000e and a host device passed through by VFIO on the default PHB, whose
# EEH RTAS calls QEMU forwards to the host (VFIO_EEH_PE_OP). The series gives no command
# line; this one is built from its facts (the host's device in PCI domain 0001).
qemu-system-ppc64 -machine pseries,accel=kvm -m 8G -smp 8 -nographic \
    -drive file=guest.qcow2,if=virtio \
    -device e1000e,id=emu0 \
    -device vfio-pci,host=0001:01:00.0,id=hostdev0
