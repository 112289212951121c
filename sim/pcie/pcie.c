/*
 * The PCIe layer's registration: the features that follow every function (each
 * registers its fabric hooks and record kinds), the features that follow the links
 * (link listeners) and the device models.
 */
#include "sim/pcie/aer.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/link.h"
#include "sim/pcie/reset.h"
#include "sim/pcie/slot.h"

void pcisim_pcie_register(void)
{
	/*
	 * The features that follow every function, in the order the fabric calls them:
	 * a port's link exists before reset.c records realize-time values; AER sees a
	 * config write before reset.c acts on Initiate FLR or Secondary Bus Reset in it.
	 * The slot and reset.c follow the links (link.h's listeners), each on changes
	 * of its own: the slot on the Data Link Layer, reset.c on the component below.
	 */
	pcisim_link_register();
	pcisim_slot_register();
	pcisim_aer_register();
	pcisim_reset_register();
	pcisim_pcie_models_register();
}
