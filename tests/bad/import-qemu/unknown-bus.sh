#!/bin/sh
# import-qemu: a bus no device provides
qemu-system-x86_64 -machine q35 \
    -device e1000,bus=rp9
