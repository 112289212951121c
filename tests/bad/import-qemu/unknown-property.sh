#!/bin/sh
# import-qemu: a property the device model does not have
qemu-system-x86_64 -machine q35 \
    -device e1000,id=nic0,colour=red
