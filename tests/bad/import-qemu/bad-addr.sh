#!/bin/sh
# import-qemu: an addr= that is not slot[.function]
qemu-system-x86_64 -machine q35 \
    -device e1000,addr=0x20
