/*
 * Dynamic capacity of a CXL type 3 device (a DCD): QEMU 9.1's num-dc-regions and
 * volatile-dc-memdev (hw/mem/cxl_type3.c, hw/cxl/cxl-mailbox-utils.c; CXL r3.1
 * §9.13.3, §8.2.9.2.1.6, §8.2.9.9.9 and, for the Fabric Manager, §7.6.7.6).
 *
 * The life of an extent:
 *
 *   offered  --(host: Add Dynamic Capacity Response lists it)-->  accepted
 *      |                                                            |
 *      +--(response that lists nothing / other ranges)--> dropped   |
 *                                                                   v
 *   accepted --(host: Release Dynamic Capacity)--> gone (the fabric's again)
 *
 * The fabric (QMP cxl-add-dynamic-capacity, or the FM's Initiate Dynamic Capacity
 * Add) offers a group of extents: the group joins the FIFO of pending groups and
 * each extent becomes one Add Capacity record in the dynamic capacity event log
 * (all but the last with the More flag). The host answers with Add Dynamic
 * Capacity Response (mailbox 0x4802); a response always applies to the first
 * pending group: what it lists becomes accepted (usable memory), the rest of the
 * group is dropped. A release request (cxl-release-dynamic-capacity, Initiate
 * Dynamic Capacity Release) only puts Release Capacity records in the log: the
 * memory stays usable until the host sends Release Dynamic Capacity (0x4803).
 *
 * Contract:
 *  - Every function here is a state change at the current sim time, in zero sim
 *    time, as QEMU does it inside one MMIO access or one QMP command; none makes a
 *    trace record (the callers do). Errors are returned, never logged.
 *  - The accept and reject rules, their order and their return codes are QEMU
 *    9.1's (each function names the QEMU function it follows). Where QEMU would
 *    crash or read past its input (an empty pending list, a short FM payload, a
 *    region number it never checks), pcisim answers with the code named there.
 *  - DPA is the device's: the DC regions follow the volatile and persistent
 *    memory, region 0 at their end, each region the next (CXL r3.1 §9.13.3).
 *  - Lists keep QEMU's order: accepted extents in the order they were accepted, a
 *    release appending the pieces it leaves of a split extent at the end.
 *  - A device holds at most PCISIM_CXL_DC_EXTENTS_MAX extents, pending and
 *    accepted together (QEMU's CXL_NUM_EXTENTS_SUPPORTED). The lists grow as
 *    extents come: room for all 512 was 44 KB a device, in every snapshot.
 */
#ifndef PCISIM_CXL_DCD_H
#define PCISIM_CXL_DCD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pcisim_pcifn;

#define PCISIM_CXL_DC_REGIONS_MAX 8           /* DCD_MAX_NUM_REGION */
#define PCISIM_CXL_DC_EXTENTS_MAX 512         /* CXL_NUM_EXTENTS_SUPPORTED */
#define PCISIM_CXL_DC_BLOCK_SIZE (2ull << 20) /* QEMU's only block size: 2 MiB */
#define PCISIM_CXL_EVENT_LOG_DCD 4            /* the dynamic capacity event log */

/* Opcodes: the host's (command set 0x48) and the Fabric Manager's (0x56) */
enum {
	CXL_OP_GET_DC_CONFIG = 0x4800,
	CXL_OP_GET_DC_EXTENT_LIST = 0x4801,
	CXL_OP_ADD_DC_RESPONSE = 0x4802,
	CXL_OP_RELEASE_DC = 0x4803,
	CXL_OP_FM_GET_DCD_INFO = 0x5600,
	CXL_OP_FM_GET_HOST_DC_REGION_CONFIG = 0x5601,
	CXL_OP_FM_SET_DC_REGION_CONFIG = 0x5602,
	CXL_OP_FM_GET_DC_REGION_EXTENT_LIST = 0x5603,
	CXL_OP_FM_INITIATE_DC_ADD = 0x5604,
	CXL_OP_FM_INITIATE_DC_RELEASE = 0x5605,
};

/* Dynamic Capacity Event Record types (CXL r3.1 Table 8-50; QEMU CXLDCEventType) */
enum pcisim_cxl_dc_event {
	PCISIM_CXL_DC_EV_ADD = 0,
	PCISIM_CXL_DC_EV_RELEASE = 1,
	PCISIM_CXL_DC_EV_FORCED_RELEASE = 2,
	PCISIM_CXL_DC_EV_REGION_CONFIG_UPDATED = 3,
};

/* Selection and removal policies (CXL r3.1 Tables 7-70, 7-72; QAPI names) */
enum { PCISIM_CXL_DC_SELECT_PRESCRIPTIVE = 2, PCISIM_CXL_DC_REMOVE_PRESCRIPTIVE = 1 };

/* One extent (CXL r3.1 Table 8-51: the 40 bytes of a Dynamic Capacity Extent). */
struct pcisim_cxl_dc_extent {
	uint64_t start, len; /* DPA and length in bytes */
	uint8_t tag[16];
	uint16_t shared_seq;
};

/* One DC region (CXL r3.1 Table 8-176's record). */
struct pcisim_cxl_dc_region {
	uint64_t base, decode_len, len, block_size; /* bytes */
	uint64_t supported_block_sizes;             /* bit mask of sizes */
	uint32_t dsmad_handle;                      /* its DSMAS entry in the CDAT */
	uint8_t flags;                              /* bit 0: sanitize on release */
};

/*
 * A device's dynamic capacity (embedded in struct pcisim_cxl_type3). Pending
 * extents carry the number of their group; groups are answered in the order of
 * these numbers. Counted: QEMU's total_extent_count is npending + naccepted.
 */
struct pcisim_cxl_dc {
	unsigned nregions;
	struct pcisim_cxl_dc_region regions[PCISIM_CXL_DC_REGIONS_MAX];
	uint64_t total; /* bytes of all regions */
	struct pcisim_cxl_dc_extent *accepted;
	unsigned naccepted;
	size_t cap_accepted; /* room in accepted and by_start (pcisim_grow) */
	uint16_t *by_start;  /* accepted[] indices by start DPA, for look-ups */
	struct pcisim_cxl_dc_extent *pending;
	uint32_t *pending_group;
	unsigned npending;
	size_t cap_pending;  /* room in pending and pending_group */
	uint32_t next_group;
	uint32_t generation; /* Get DC Extent List's generation number: QEMU never changes it */
};

/** @fn's dynamic capacity, or NULL when it is no type 3 device or has no DC region. */
const struct pcisim_cxl_dc *pcisim_cxl_dc_of(struct pcisim_pcifn *fn);

/**
 * pcisim_cxl_dc_init() - QEMU cxl_create_dc_regions(): @nregions regions of @size /
 * @nregions bytes each from DPA @static_size, 2 MiB blocks, DSMAS handles from
 * @first_handle. No extents. Return: 0, or -1 with QEMU's text in @err (a size that
 * is not a multiple of @nregions x 256 MiB, a base not 256 MiB aligned).
 */
int pcisim_cxl_dc_init(struct pcisim_cxl_dc *dc, unsigned nregions, uint64_t size, uint64_t static_size,
		       uint32_t first_handle, char *err, size_t n);

/** Drop every extent, pending and accepted, and the lists' memory (a reset, the device's end). */
void pcisim_cxl_dc_clear(struct pcisim_cxl_dc *dc);

/** Is every byte of [@dpa, @dpa + @len) in accepted extents? (QEMU ct3_test_region_block_backed) */
bool pcisim_cxl_dc_backed(const struct pcisim_cxl_dc *dc, uint64_t dpa, uint64_t len);

/* ---- the fabric's side (QMP) ---- */

/* An extent as QMP gives it: offset from the region's base, length, in bytes. */
struct pcisim_cxl_dc_range {
	uint64_t offset, len;
};

/**
 * pcisim_cxl_dc_qmp_add() - QMP cxl-add-dynamic-capacity with the prescriptive policy
 * (qmp_cxl_process_dynamic_capacity_prescriptive, DC_EVENT_ADD_CAPACITY): region and
 * extents checked in QEMU's order and words, then one pending group and one Add
 * Capacity record per extent. Return: 0, or -1 with QEMU's text in @err and nothing
 * changed.
 */
int pcisim_cxl_dc_qmp_add(struct pcisim_pcifn *fn, unsigned region, const struct pcisim_cxl_dc_range *r,
			  unsigned nr, char *err, size_t n);
/**
 * pcisim_cxl_dc_qmp_release() - QMP cxl-release-dynamic-capacity, prescriptive and
 * not forced: the extents must be accepted and not pending; Release Capacity records
 * only. Return: 0, or -1 with QEMU's text in @err.
 */
int pcisim_cxl_dc_qmp_release(struct pcisim_pcifn *fn, unsigned region, const struct pcisim_cxl_dc_range *r,
			      unsigned nr, char *err, size_t n);

/* ---- the host's side: the mailbox commands of set 0x48 ---- */

/**
 * pcisim_cxl_dc_mbox() - run DC mailbox command @opcode (0x4800-0x4803) on type 3
 * device @fn, @in of @len_in bytes, output into @out (room for 2 KiB), as the
 * mailbox runs it once the version has the command (mailbox.c checks that): a device
 * without DC regions answers Unsupported, a wrong fixed length Invalid Payload
 * Length. Return: a CXL_MBOX_* code; *@len_out the output length.
 */
int pcisim_cxl_dc_mbox(struct pcisim_pcifn *fn, uint16_t opcode, const uint8_t *in, size_t len_in, uint8_t *out,
		       size_t *len_out);

/**
 * pcisim_cxl_dc_add_response() - Add Dynamic Capacity Response with @n accepted
 * ranges (start DPA, length; tags are not part of it) (cmd_dcd_add_dyn_cap_rsp):
 * none drops the first pending group; otherwise Resources Exhausted past 512
 * extents, the malformed-list checks (a range in no region: Invalid Physical
 * Address; not block aligned, or overlapping another of the list: Invalid Extent
 * List), each range inside one extent of the first pending group and clear of the
 * accepted ones (Invalid Physical Address); then they are accepted and the group is
 * gone. Return: a CXL_MBOX_* code.
 */
int pcisim_cxl_dc_add_response(struct pcisim_pcifn *fn, const struct pcisim_cxl_dc_extent *acc, unsigned n);
/**
 * pcisim_cxl_dc_release_response() - Release Dynamic Capacity (cmd_dcd_release_dyn_cap):
 * none is Invalid Input; the malformed-list checks; every range fully accepted
 * (Invalid Physical Address); splitting must keep the total within 512 extents
 * (Resources Exhausted). Return: a CXL_MBOX_* code.
 */
int pcisim_cxl_dc_release_response(struct pcisim_pcifn *fn, const struct pcisim_cxl_dc_extent *rel,
				   unsigned n);

/* ---- the Fabric Manager's side: the FM API command set 0x56 (DCD management) ---- */

/** One FM API DCD command: opcode, QEMU's name, fixed input length (-1 variable). */
struct pcisim_cxl_fm_dcd_cmd {
	uint16_t opcode;
	const char *name;
	long in;
};
/** QEMU's cxl_cmd_set_fm_dcd (10.1), in opcode order; ends with {0}. */
extern const struct pcisim_cxl_fm_dcd_cmd pcisim_cxl_fm_dcd_cmds[];

/**
 * pcisim_cxl_dc_fm_exec() - run FM API command @opcode (0x5600-0x5605) on type 3
 * device @fn as its FM-owned LD CCI would (QEMU 10.1 cmd_fm_*; CXL r3.2 §7.6.7.6):
 * Get DCD Info, Get Host DC Region Configuration, Set DC Region Configuration, Get
 * DC Region Extent Lists, Initiate Dynamic Capacity Add, Initiate Dynamic Capacity
 * Release. Unsupported when @fn has no DC region or the opcode is none of these;
 * Invalid Payload Length for a wrong fixed length, or an Initiate payload shorter
 * than its extent count says. The same state as the host's commands: what the FM
 * offers, the host accepts. @out has room for 2 KiB. Return: a CXL_MBOX_* code.
 */
int pcisim_cxl_dc_fm_exec(struct pcisim_pcifn *fn, uint16_t opcode, const uint8_t *in, size_t len_in,
			  uint8_t *out, size_t *len_out);

#endif
