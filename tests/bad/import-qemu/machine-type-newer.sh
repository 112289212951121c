#!/bin/sh
# import-qemu: a machine type newer than the QEMU pcisim emulates
qemu-system-x86_64 -machine pc-q35-10.0 -device e1000
