/*
 * What QEMU's monitor shows of the PCI machine: query-pci, HMP's info pci (made from
 * query-pci, as QEMU makes it) and qom-get of device properties. Read-only views of
 * the fabric for tools/qmp.c.
 */
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "sim/core/sim.h"
#include "sim/core/ynode.h"
#include "sim/pcie/fabric.h"
#include "sim/pcie/port.h"
#include "sim/pcie/props.h"
#include "sim/pcie/regs/pci.h"
#include "sim/pcie/slot.h"
#include "tools/qmp_query.h"


static const struct {
	uint16_t cls;
	const char *desc;
} class_desc[] = {
	/* QEMU's pci_class_descriptions, the classes pcisim's devices have */
	{0x0100, "SCSI controller"}, {0x0101, "IDE controller"}, {0x0106, "SATA controller"},
	{0x0180, "Storage controller"}, {0x0200, "Ethernet controller"},
	{0x0280, "Network controller"}, {0x0300, "VGA controller"},
	{0x0380, "Display controller"}, {0x0403, "Audio controller"},
	{0x0500, "RAM controller"}, {0x0580, "Memory controller"}, {0x0600, "Host bridge"},
	{0x0601, "ISA bridge"}, {0x0604, "PCI bridge"}, {0x0680, "Bridge"},
	{0x0700, "Serial port"}, {0x0c03, "USB controller"}, {0x0c05, "SMBus"},
};

static const char *class_name(uint16_t cls)
{
	for (size_t i = 0; i < sizeof(class_desc) / sizeof(class_desc[0]); i++)
		if (class_desc[i].cls == cls)
			return class_desc[i].desc;
	return NULL;
}

static json_t *range(uint64_t base, uint64_t limit)
{
	json_t *r = json_object();
	json_object_set_new(r, "base", json_integer((json_int_t)base));
	json_object_set_new(r, "limit", json_integer((json_int_t)limit));
	return r;
}

/* The BARs of @fn as QEMU's query-pci lists its I/O regions. */
static json_t *regions(struct pcisim_pcifn *fn)
{
	json_t *a = json_array();
	const struct pcisim_cfg *c = &fn->cfg;
	unsigned nbars = fn->drv->bridge ? 2 : 6;
	uint16_t cmd = pcisim_cfg_get16(c, PCI_COMMAND);
	for (unsigned bar = 0; bar < nbars; bar++) {
		uint16_t off = (uint16_t)(PCI_BASE_ADDRESS_0 + 4 * bar);
		uint32_t wm = pcisim_cfg_mask_get(c, PCISIM_WMASK, off, 4);
		if (!wm)
			continue;
		uint32_t v = pcisim_cfg_get32(c, off);
		bool io = v & PCI_BASE_ADDRESS_SPACE_IO;
		bool m64 = !io && (v & 0x6) == PCI_BASE_ADDRESS_MEM_TYPE_64;
		uint64_t mask = io ? (wm & ~3u) : (wm & ~0xfu), addr = io ? (v & ~3u) : (v & ~0xfu);
		if (m64 && bar + 1 < nbars) {
			mask |= (uint64_t)pcisim_cfg_mask_get(c, PCISIM_WMASK, (uint16_t)(off + 4), 4) << 32;
			addr |= (uint64_t)pcisim_cfg_get32(c, (uint16_t)(off + 4)) << 32;
		} else if (!io) {
			mask |= 0xffffffff00000000ull;
		} else {
			mask |= 0xffffffffffff0000ull;
		}
		uint64_t size = ~mask + 1;
		bool on = io ? (cmd & PCI_COMMAND_IO) : (cmd & PCI_COMMAND_MEMORY);
		json_t *r = json_object();
		json_object_set_new(r, "bar", json_integer(bar));
		json_object_set_new(r, "type", json_string(io ? "io" : "memory"));
		/* QEMU's PCI_BAR_UNMAPPED reads as -1 */
		json_object_set_new(r, "address", json_integer(on && addr ? (json_int_t)addr : -1));
		json_object_set_new(r, "size", json_integer((json_int_t)size));
		if (!io) {
			json_object_set_new(r, "prefetch", json_boolean(v & PCI_BASE_ADDRESS_MEM_PREFETCH));
			json_object_set_new(r, "mem_type_64", json_boolean(m64));
		}
		json_array_append_new(a, r);
		if (m64)
			bar++;
	}
	return a;
}

static json_t *bus_devices(struct pcisim_pcibus *bus);

static json_t *device_info(struct pcisim_pcifn *fn)
{
	const struct pcisim_cfg *c = &fn->cfg;
	json_t *d = json_object();
	json_object_set_new(d, "bus", json_integer(fn->bus ? fn->bus->number : 0));
	json_object_set_new(d, "slot", json_integer(fn->devfn >> 3));
	json_object_set_new(d, "function", json_integer(fn->devfn & 7));
	uint16_t cls = pcisim_cfg_get16(c, PCI_CLASS_DEVICE);
	json_t *ci = json_object();
	if (class_name(cls))
		json_object_set_new(ci, "desc", json_string(class_name(cls)));
	json_object_set_new(ci, "class", json_integer(cls));
	json_object_set_new(d, "class_info", ci);
	json_t *id = json_object();
	json_object_set_new(id, "device", json_integer(pcisim_cfg_get16(c, PCI_DEVICE_ID)));
	json_object_set_new(id, "vendor", json_integer(pcisim_cfg_get16(c, PCI_VENDOR_ID)));
	if (!fn->drv->bridge) {
		json_object_set_new(id, "subsystem", json_integer(pcisim_cfg_get16(c, PCI_SUBSYSTEM_ID)));
		json_object_set_new(id, "subsystem-vendor",
				    json_integer(pcisim_cfg_get16(c, PCI_SUBSYSTEM_VENDOR_ID)));
	}
	json_object_set_new(d, "id", id);
	uint8_t pin = pcisim_cfg_get8(c, PCI_INTERRUPT_PIN);
	if (pin)
		json_object_set_new(d, "irq", json_integer(pcisim_cfg_get8(c, PCI_INTERRUPT_LINE)));
	json_object_set_new(d, "irq_pin", json_integer(pin));
	json_object_set_new(d, "qdev_id", json_string(fn->comp.name));
	if (fn->drv->bridge && fn->secondary) {
		json_t *pb = json_object(), *b = json_object();
		json_object_set_new(b, "number", json_integer(pcisim_cfg_get8(c, PCI_PRIMARY_BUS)));
		json_object_set_new(b, "secondary", json_integer(pcisim_cfg_get8(c, PCI_SECONDARY_BUS)));
		json_object_set_new(b, "subordinate", json_integer(pcisim_cfg_get8(c, PCI_SUBORDINATE_BUS)));
		uint64_t iob = (uint64_t)(pcisim_cfg_get8(c, PCI_IO_BASE) & 0xf0) << 8 |
			       (uint64_t)pcisim_cfg_get16(c, PCI_IO_BASE_UPPER16) << 16;
		uint64_t iol = (uint64_t)(pcisim_cfg_get8(c, PCI_IO_LIMIT) & 0xf0) << 8 | 0xfff |
			       (uint64_t)pcisim_cfg_get16(c, PCI_IO_LIMIT_UPPER16) << 16;
		json_object_set_new(b, "io_range", range(iob, iol));
		uint64_t mb = (uint64_t)(pcisim_cfg_get16(c, PCI_MEMORY_BASE) & 0xfff0) << 16;
		uint64_t ml = (uint64_t)(pcisim_cfg_get16(c, PCI_MEMORY_LIMIT) & 0xfff0) << 16 | 0xfffff;
		json_object_set_new(b, "memory_range", range(mb, ml));
		uint64_t pb_ = (uint64_t)(pcisim_cfg_get16(c, PCI_PREF_MEMORY_BASE) & 0xfff0) << 16 |
			       (uint64_t)pcisim_cfg_get32(c, PCI_PREF_BASE_UPPER32) << 32;
		uint64_t pl = ((uint64_t)(pcisim_cfg_get16(c, PCI_PREF_MEMORY_LIMIT) & 0xfff0) << 16 | 0xfffff) |
			      (uint64_t)pcisim_cfg_get32(c, PCI_PREF_LIMIT_UPPER32) << 32;
		json_object_set_new(b, "prefetchable_range", range(pb_, pl));
		json_object_set_new(pb, "bus", b);
		json_object_set_new(pb, "devices", bus_devices(fn->secondary));
		json_object_set_new(d, "pci_bridge", pb);
	}
	json_object_set_new(d, "regions", regions(fn));
	return d;
}

static json_t *bus_devices(struct pcisim_pcibus *bus)
{
	json_t *a = json_array();
	for (uint16_t i = 0; bus && i < bus->nfns; i++)
		if (!bus->fns[i]->comp.removed)
			json_array_append_new(a, device_info(bus->fns[i]));
	return a;
}

json_t *pcisim_qmp_query_pci(struct pcisim_sim *sim)
{
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	json_t *a = json_array();
	for (uint32_t i = 0; fab && i < fab->nbuses; i++) {
		struct pcisim_pcibus *b = fab->buses[i];
		if (!b->is_root)
			continue;
		json_t *info = json_object();
		json_object_set_new(info, "bus", json_integer(b->number));
		json_object_set_new(info, "devices", bus_devices(b));
		json_array_append_new(a, info);
	}
	return a;
}

static json_int_t jint(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* One device of HMP's info pci, and the devices below it. */
static void info_pci_device(FILE *f, const json_t *d)
{
	const json_t *ci = json_object_get(d, "class_info"), *id = json_object_get(d, "id");
	fprintf(f, "  Bus %2lld, device %3lld, function %lld:\n", (long long)jint(d, "bus"),
		(long long)jint(d, "slot"), (long long)jint(d, "function"));
	const char *desc = json_string_value(json_object_get(ci, "desc"));
	if (desc)
		fprintf(f, "    %s", desc);
	else
		fprintf(f, "    Class %04lld", (long long)jint(ci, "class"));
	fprintf(f, ": PCI device %04llx:%04llx\n", (long long)jint(id, "vendor"), (long long)jint(id, "device"));
	if (json_object_get(id, "subsystem"))
		fprintf(f, "      PCI subsystem %04llx:%04llx\n", (long long)jint(id, "subsystem-vendor"),
			(long long)jint(id, "subsystem"));
	if (json_object_get(d, "irq"))
		fprintf(f, "      IRQ %lld, pin %c\n", (long long)jint(d, "irq"),
			(char)('A' + jint(d, "irq_pin") - 1));
	const json_t *pb = json_object_get(d, "pci_bridge");
	if (pb) {
		const json_t *b = json_object_get(pb, "bus");
		fprintf(f, "      BUS %lld.\n", (long long)jint(b, "number"));
		fprintf(f, "      secondary bus %lld.\n", (long long)jint(b, "secondary"));
		fprintf(f, "      subordinate bus %lld.\n", (long long)jint(b, "subordinate"));
		const json_t *r = json_object_get(b, "io_range");
		fprintf(f, "      IO range [0x%04llx, 0x%04llx]\n", (long long)jint(r, "base"), (long long)jint(r, "limit"));
		r = json_object_get(b, "memory_range");
		fprintf(f, "      memory range [0x%08llx, 0x%08llx]\n", (long long)jint(r, "base"), (long long)jint(r, "limit"));
		r = json_object_get(b, "prefetchable_range");
		fprintf(f, "      prefetchable memory range [0x%08llx, 0x%08llx]\n", (long long)jint(r, "base"),
			(long long)jint(r, "limit"));
	}
	size_t i;
	const json_t *r;
	json_array_foreach(json_object_get(d, "regions"), i, r)
	{
		long long addr = (long long)jint(r, "address"), size = (long long)jint(r, "size");
		fprintf(f, "      BAR%lld: ", (long long)jint(r, "bar"));
		bool io = !strcmp(json_string_value(json_object_get(r, "type")), "io");
		bool pf = json_is_true(json_object_get(r, "prefetch"));
		int bits = json_is_true(json_object_get(r, "mem_type_64")) ? 64 : 32;
		if (io && addr != -1)
			fprintf(f, "I/O at 0x%04llx [0x%04llx]\n", addr, addr + size - 1);
		else if (io)
			fprintf(f, "I/O (not mapped)\n");
		else if (addr != -1)
			fprintf(f, "%d bit%s memory at 0x%08llx [0x%08llx]\n", bits, pf ? " prefetchable" : "",
				addr, addr + size - 1);
		else
			fprintf(f, "%d bit%s memory (not mapped)\n", bits, pf ? " prefetchable" : "");
	}
	fprintf(f, "      id \"%s\"\n", json_string_value(json_object_get(d, "qdev_id")));
	if (pb) {
		const json_t *c;
		json_array_foreach(json_object_get(pb, "devices"), i, c)
			info_pci_device(f, c);
	}
}

/* The function a QOM path names: /machine/peripheral/ID, or ID (a partial path). */
static struct pcisim_pcifn *qom_fn(struct pcisim_sim *sim, const char *path)
{
	const char *id = path;
	if (!strncmp(path, "/machine/peripheral/", 20))
		id = path + 20;
	else if (path[0] == '/')
		return NULL;
	struct pcisim_fabric *fab = pcisim_fabric_get(sim);
	return fab ? pcisim_fabric_find_fn(fab, id) : NULL;
}

static json_t *prop_value(const char *v)
{
	bool b;
	uint64_t u;
	if (!pcisim_parse_bool(v, &b))
		return json_boolean(b);
	if (!pcisim_parse_u64(v, &u) && u <= (uint64_t)LLONG_MAX)
		return json_integer((json_int_t)u);
	return json_string(v);
}

json_t *pcisim_qmp_qom_get(struct pcisim_sim *sim, const char *path, const char *prop,
			   const char **cls, char *desc, size_t ndesc)
{
	struct pcisim_pcifn *fn = qom_fn(sim, path);
	if (!fn) {
		*cls = "DeviceNotFound";
		snprintf(desc, ndesc, "Device '%s' not found", path);
		return NULL;
	}
	const struct pcisim_prop *p = pcisim_props_find(&fn->props, prop);
	if (p)
		return prop_value(p->value);
	bool port = pcisim_is_port(fn) && pcisim_to_port(fn)->slot.implemented;
	/* a slot's hot-plug properties where the entry did not set them */
	if (port && !strcmp(prop, "x-native-hotplug"))
		return json_boolean(pcisim_slot_native(&pcisim_to_port(fn)->slot));
	if (port && !strcmp(prop, "hotplug"))
		return json_true();
	if (!strcmp(prop, "type"))
		return json_string(fn->drv->name);
	if (!strcmp(prop, "addr")) {
		char a[16];
		snprintf(a, sizeof(a), "%02x.%x", fn->devfn >> 3, fn->devfn & 7);
		return json_string(a);
	}
	if (!strcmp(prop, "hotplugged"))
		return json_boolean(fn->hotplugged);
	*cls = "GenericError";
	snprintf(desc, ndesc, "Property '%s.%s' not found", fn->drv->name, prop);
	return NULL;
}
void pcisim_qmp_info_pci(FILE *f, const json_t *pci)
{
	size_t i, j;
	const json_t *b, *d;
	json_array_foreach(pci, i, b)
		json_array_foreach(json_object_get(b, "devices"), j, d)
			info_pci_device(f, d);
}
