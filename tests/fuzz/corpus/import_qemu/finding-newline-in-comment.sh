# A pcisim scenario written by 'pcisim import-qemu' from fm-target.sh.
# The QEMU command line: qemu-system-x86_64 at line 4.
version: 1
name:`fm-target
description: QEMU launch command imported from fm-target.sh
machine:
  type: q35
  cxl: on
  cxl-fmw:
    - {targets: [cx
    -nographic \
    -qmp tcp:localhost:4445,server,wait=off \
    -netdev user,id=network0,hostfwd=tcp::2024-:22 \
    -device e1000,netdev=network0 \
    -monitor telnet:127.0.0.1:12346,server,nowait \
    -drive file=/home/fan/cxl/images/qemu-image.img,index=0,media=disk,format=raw \
    -machine q35,cxl=on \
    -cpu qemu64,mce=on \
    -m 8G,maxmem=64G,slots=8 \
    -virtfs local,path=/opt/lib/modules,mount_tag=modshare,security_model=mapped \
    -virtfs local,path=/home/fan,mount_tag=homeshare,security_model=mapped \
    -object memory-backend-file,id=cxl-mem2,mem-path=/tmp/host0/t3_cxl2.raw,size=4G \
    -object memory-backend-file,id=cxl-lsa2,mem-path=/tmp/host0/t3_lsa2.raw,size=1M \
    -device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1,hdm_for_passthrough=true \
    -device cxl-rp,port=0,bus=cxl.1,id=cxl_rp_port0,chassis=0,slot=2 \
    -device cxl-upstream,port=2,sn=1234,bus=cxl_rp_port0,id=us0,addr=0.0,multifunction=on, \
    -device caspeed.i2c.bus.0, address: 6, target: cxl-dcd0}
  - {driver: virtio-rng-pci, bus: swport1}
timeline: []
expect: []
