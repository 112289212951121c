# GTKWave script for docs/img/gtkwave-pds-race.png: the root port's slot and link
# signals, the device's power, pciehp's state and the migration, the whole run.
set port pcie_0.pcie-root-port18
gtkwave::addSignalsFromList [list $port.SltSta_PDS $port.SltSta_PDC $port.SltSta_CC \
    $port.SltCtl_PCC $port.SltCtl_PIC $port.LnkSta_DLLLA $port.LTSSM \
    $port.nex-usb-xhci0.power linux.pciehp:pcie-root-port18.state run.migration]
gtkwave::/Time/Zoom/Zoom_Full
