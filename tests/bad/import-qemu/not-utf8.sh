#!/bin/sh
# import-qemu: a Latin-1 byte in a value (a scenario is UTF-8)
qemu-system-x86_64 -machine q35 \
    -device e1000,romfile=/opt/roms/café.rom
