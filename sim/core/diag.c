/*
 * Diagnostics: one-line, located error messages.
 */
#include "sim/core/diag.h"

#include <string.h>

void pcisim_diag_init(struct pcisim_diag *d, FILE *out)
{
	memset(d, 0, sizeof(*d));
	d->out = out;
}

/*
 * Copy @src into @dst (@n bytes) with control characters written as escapes, so that
 * one message stays one line whatever text from the input it quotes.
 */
static void escape_controls(char *dst, size_t n, const char *src)
{
	size_t u = 0;
	for (const unsigned char *p = (const unsigned char *)src; *p && u + 5 < n; p++) {
		if (*p >= 0x20 && *p != 0x7f) {
			dst[u++] = (char)*p;
			continue;
		}
		const char *esc = *p == '\n' ? "\\n" : *p == '\t' ? "\\t" : *p == '\r' ? "\\r" : NULL;
		if (esc)
			u += (size_t)snprintf(dst + u, n - u, "%s", esc);
		else
			u += (size_t)snprintf(dst + u, n - u, "\\x%02x", *p);
	}
	dst[u] = 0;
}

static void vreport(struct pcisim_diag *d, const char *what, struct pcisim_loc loc,
		    const char *fmt, va_list ap, char *save, size_t savelen) PCISIM_PRINTF(4, 0);

static void vreport(struct pcisim_diag *d, const char *what, struct pcisim_loc loc,
		    const char *fmt, va_list ap, char *save, size_t savelen)
{
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
