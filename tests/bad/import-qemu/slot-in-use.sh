#!/bin/sh
# import-qemu: two devices at one address
qemu-system-x86_64 -machine q35 \
    -device pcie-root-port,id=rp1,chassis=1,addr=0x12 \
    -device pcie-root-port,id=rp2,chassis=2,addr=0x12
