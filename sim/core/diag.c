/*
 * Diagnostics: one-line, located error messages.
 */
#include "sim/core/diag.h"

#include <stdbool.h>
#include <string.h>

#include "sim/core/utf8.h"

void pcisim_diag_init(struct pcisim_diag *d, FILE *out)
{
	/* member by member: a migration makes two per run, and zeroing the whole of first[] showed */
	d->out = out;
	d->silent = false;
	d->errors = d->warnings = 0;
	d->first[0] = 0;
	d->aliases = NULL;
}

void pcisim_diag_init_silent(struct pcisim_diag *d)
{
	pcisim_diag_init(d, NULL);
	d->silent = true;
}

size_t pcisim_utf8_decode(const char *s, uint32_t *cp)
{
	/* NUL-terminated text: the at most 4 bytes of a character, up to the NUL */
	size_t n = 0;
	while (n < 4 && s[n])
		n++;
	*cp = 0;
	return pcisim_utf8_char(s, n, cp);
}

/*
 * Copy @src into @dst (@n bytes) with control characters (C0, DEL, C1), the line and
 * paragraph separators and bytes that are not UTF-8 written as escapes, so that one
 * message stays one line of text whatever the input it quotes holds.
 */
static void escape_controls(char *dst, size_t n, const char *src)
{
	size_t u = 0;
	const char *p = src;
	while (*p && u + 5 < n) {
		unsigned char b = (unsigned char)*p;
		if (b >= 0x20 && b < 0x7f) { /* printable ASCII, most of any message: as is */
			dst[u++] = *p++;
			continue;
		}
		uint32_t cp = 0;
		size_t l = pcisim_utf8_decode(p, &cp);
		bool ctl = !l || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
			   cp == 0x2028 || cp == 0x2029;
		if (!ctl) {
			if (u + l + 1 > n)
				break;
			memcpy(dst + u, p, l);
			u += l, p += l;
			continue;
		}
		const char *esc = cp == '\n' ? "\\n" : cp == '\t' ? "\\t" : cp == '\r' ? "\\r" : NULL;
		if (l && esc) {
			u += (size_t)snprintf(dst + u, n - u, "%s", esc);
			p += l;
			continue;
		}
		for (size_t i = 0; i < (l ? l : 1) && u + 5 < n; i++)
			u += (size_t)snprintf(dst + u, n - u, "\\x%02x", (unsigned char)*p++);
	}
	dst[u] = 0;
}

static void vreport(struct pcisim_diag *d, const char *what, struct pcisim_loc loc,
		    const char *fmt, va_list ap, char *save, size_t savelen) PCISIM_PRINTF(4, 0);

static void vreport(struct pcisim_diag *d, const char *what, struct pcisim_loc loc,
		    const char *fmt, va_list ap, char *save, size_t savelen)
{
	if (d->silent && (!save || save[0]))
		return; /* printed nowhere, and the first message is kept already */
	char raw[1024], msg[1536];
	int n;
	const char *prefix = "";
	for (const struct pcisim_diag_alias *a = d->aliases; a; a = a->next)
		if (loc.file && a->file == loc.file) {
			loc = a->at;
			prefix = a->prefix ? a->prefix : "";
			break;
		}
	if (loc.file && loc.line)
		n = snprintf(raw, sizeof(raw), "%s:%u:%u: %s: ", loc.file, loc.line, loc.col, what);
	else if (loc.file)
		n = snprintf(raw, sizeof(raw), "%s: %s: ", loc.file, what);
	else
		n = snprintf(raw, sizeof(raw), "pcisim: %s: ", what);
	if (n < 0)
		n = 0;
	if ((size_t)n < sizeof(raw) && prefix[0]) {
		int m = snprintf(raw + n, sizeof(raw) - (size_t)n, "%s", prefix);
		n += m > 0 ? m : 0;
	}
	if ((size_t)n < sizeof(raw))
		vsnprintf(raw + n, sizeof(raw) - (size_t)n, fmt, ap);
	escape_controls(msg, sizeof(msg), raw);
	if (!d->silent)
		fprintf(d->out ? d->out : stderr, "%s\n", msg);
	if (save && !save[0]) {
		size_t l = strlen(msg);
		if (l >= savelen)
			l = savelen - 1;
		memcpy(save, msg, l);
		save[l] = 0;
	}
}

void pcisim_diag_alias_push(struct pcisim_diag *d, struct pcisim_diag_alias *a)
{
	a->next = d->aliases;
	d->aliases = a;
}

int pcisim_diag_verror(struct pcisim_diag *d, struct pcisim_loc loc, const char *fmt, va_list ap)
{
	vreport(d, "error", loc, fmt, ap, d->first, sizeof(d->first));
	d->errors++;
	return -PCISIM_EINVAL;
}

int pcisim_diag_error(struct pcisim_diag *d, struct pcisim_loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = pcisim_diag_verror(d, loc, fmt, ap);
	va_end(ap);
	return rc;
}

void pcisim_diag_warning(struct pcisim_diag *d, struct pcisim_loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(d, "warning", loc, fmt, ap, NULL, 0);
	va_end(ap);
	d->warnings++;
}

struct pcisim_loc pcisim_loc_advance(struct pcisim_loc loc, const char *s, size_t n)
{
	if (!loc.line)
		return loc;
	if (!loc.col)
		loc.col = 1;
	for (size_t i = 0; i < n && s[i]; i++) {
		if (s[i] == '\n')
			loc.line++, loc.col = 1;
		else if (((unsigned char)s[i] & 0xc0) != 0x80)
			loc.col++;
	}
	return loc;
}

char *pcisim_choices(char *buf, size_t n, const char *const *list)
{
	size_t used = 0;
	buf[0] = 0;
	for (size_t i = 0; list && list[i]; i++) {
		size_t l = strlen(list[i]);
		if (used + l + 8 >= n) {
			snprintf(buf + used, n - used, "%s...", i ? ", " : "");
			break;
		}
		used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? ", " : "", list[i]);
	}
	return buf;
}

int pcisim_err_raised(int code, const char *file, int line)
{
	(void)file;
	(void)line;
	return code;
}
