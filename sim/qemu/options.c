/*
 * QEMU's command-line options: which exist and which take an argument (the table the
 * splitter consults), and the nearest known option for a mistyped one.
 */
#include "sim/qemu/qemu_args.h"

#include <string.h>

#include "sim/qemu/qemu_args_int.h"

struct qemu_option {
	const char *name;
	bool arg;
};

/*
 * QEMU's command-line options (qemu-options.hx, all targets), and whether each takes
 * an argument. Options removed from QEMU over the years are kept: old scripts use them.
 */
static const struct qemu_option qemu_options[] = {
	{"?", false},
	{"D", true},
	{"L", true},
	{"M", true},
	{"S", false},
	{"accel", true},
	{"acpitable", true},
	{"action", true},
	{"add-fd", true},
	{"alt-grab", false},
	{"append", true},
	{"async-teardown", false},
	{"audio", true},
	{"audio-help", false},
	{"audiodev", true},
	{"bios", true},
	{"blockdev", true},
	{"boot", true},
	{"bt", true},
	{"cdrom", true},
	{"chardev", true},
	{"chroot", true},
	{"compat", true},
	{"cpu", true},
	{"ctrl-grab", false},
	{"curses", false},
	{"d", true},
	{"daemonize", false},
	{"debugcon", true},
	{"device", true},
	{"dfilter", true},
	{"display", true},
	{"drive", true},
	{"dtb", true},
	{"dump-vmstate", true},
	{"echr", true},
	{"enable-fips", false},
	{"enable-kvm", false},
	{"enable-sync-profile", false},
	{"fda", true},
	{"fdb", true},
	{"fsdev", true},
	{"full-screen", false},
	{"fw_cfg", true},
	{"g", true},
	{"gdb", true},
	{"global", true},
	{"h", false},
	{"hda", true},
	{"hdb", true},
	{"hdc", true},
	{"hdd", true},
	{"help", false},
	{"icount", true},
	{"incoming", true},
	{"initrd", true},
	{"iscsi", true},
	{"jitdump", false},
	{"k", true},
	{"kernel", true},
	{"loadvm", true},
	{"localtime", false},
	{"m", true},
	{"machine", true},
	{"mem-path", true},
	{"mem-prealloc", false},
	{"mon", true},
	{"monitor", true},
	{"msg", true},
	{"mtdblock", true},
	{"name", true},
	{"net", true},
	{"netdev", true},
	{"nic", true},
	{"no-acpi", false},
	{"no-fd-bootchk", false},
	{"no-frame", false},
	{"no-hpet", false},
	{"no-kvm", false},
	{"no-kvm-irqchip", false},
	{"no-kvm-pit", false},
	{"no-kvm-pit-reinjection", false},
	{"no-quit", false},
	{"no-reboot", false},
	{"no-shutdown", false},
	{"no-user-config", false},
	{"nodefaults", false},
	{"nodefconfig", false},
	{"nographic", false},
	{"numa", true},
	{"object", true},
	{"old-param", false},
	{"only-migratable", false},
	{"option-rom", true},
	{"overcommit", true},
	{"parallel", true},
	{"perfmap", false},
	{"pflash", true},
	{"pidfile", true},
	{"plugin", true},
	{"portrait", false},
	{"preconfig", false},
	{"prom-env", true},
	{"qmp", true},
	{"qmp-pretty", true},
	{"qtest", true},
	{"qtest-log", true},
	{"readconfig", true},
	{"rotate", true},
	{"rtc", true},
	{"rtc-td-hack", false},
	{"run-with", true},
	{"runas", true},
	{"s", false},
	{"sandbox", true},
	{"sd", true},
	{"sdl", false},
	{"seed", true},
	{"semihosting", false},
	{"semihosting-config", true},
	{"serial", true},
	{"set", true},
	{"shim", true},
	{"show-cursor", false},
	{"singlestep", false},
	{"smbios", true},
	{"smp", true},
	{"snapshot", false},
	{"soundhw", true},
	{"spice", true},
	{"tb-size", true},
	{"tpmdev", true},
	{"trace", true},
	{"usb", false},
	{"usbdevice", true},
	{"uuid", true},
	{"version", false},
	{"vga", true},
	{"virtfs", true},
	{"virtfs_synth", false},
	{"virtioconsole", true},
	{"vnc", true},
	{"watchdog", true},
	{"watchdog-action", true},
	{"win2k-hack", false},
	{"writeconfig", true},
	{"xen-attach", false},
	{"xen-domid", true},
	{"xen-domid-restrict", false},
	{0},
};

bool pcisim_qemu_option_known(const char *name, bool *takes_arg)
{
	for (const struct qemu_option *o = qemu_options; o->name; o++)
		if (!strcmp(o->name, name)) {
			if (takes_arg)
				*takes_arg = o->arg;
			return true;
		}
	return false;
}

/* Edit distance, for "did you mean"; names are short. */
static unsigned edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 40 || lb > 40)
		return 99;
	unsigned row[41];
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned diag = row[0];
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned up = row[j];
			unsigned best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *pcisim__qemu_option_suggest(const char *name)
{
	const char *best = NULL;
	unsigned bd = 3;
	if (strlen(name) < 3)
		return NULL;
	for (const struct qemu_option *o = qemu_options; o->name; o++) {
		if (strlen(o->name) < 3)
			continue;
		unsigned dist = edit_distance(name, o->name);
		if (dist < bd)
			bd = dist, best = o->name;
	}
	return best;
}
