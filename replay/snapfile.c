/*
 * Snapshot files (snapfile.h): written and read with jansson.
 */
#include "replay/snapfile.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/runner.h"

static void hex(char *buf, uint64_t v)
{
	snprintf(buf, 17, "%016" PRIx64, v);
}

int pcisim_snapfile_write(const struct pcisim_snapfile *s, const char *path, struct pcisim_diag *d)
{
	char dg[17], h[17];
	hex(dg, s->digest);
	hex(h, s->hash);
	json_t *j = json_object();
	json_object_set_new(j, "format", json_string(PCISIM_SNAPFILE_FORMAT));
	json_object_set_new(j, "version", json_integer(PCISIM_SNAPFILE_VERSION));
	json_object_set_new(j, "pcisim", json_string(PCISIM_VERSION));
	json_object_set_new(j, "scenario", json_string(s->scenario ? s->scenario : ""));
	json_object_set_new(j, "file", json_string(s->file ? s->file : ""));
	json_object_set_new(j, "digest", json_string(dg));
	json_object_set_new(j, "seed", json_integer((json_int_t)s->seed));
	json_t *sets = json_array();
	for (size_t i = 0; i < s->nsets; i++)
		json_array_append_new(sets, json_string(s->sets[i]));
	json_object_set_new(j, "sets", sets);
	json_object_set_new(j, "at_ps", json_integer((json_int_t)s->at));
	json_object_set_new(j, "events", json_integer((json_int_t)s->events));
	json_object_set_new(j, "records", json_integer((json_int_t)s->records));
	json_object_set_new(j, "hash", json_string(h));
	int rc = json_dump_file(j, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (rc) {
		pcisim_diag_error(d, (struct pcisim_loc){path, 0, 0}, "cannot write the snapshot file");
		return -1;
	}
	return 0;
}

static int bad(struct pcisim_diag *d, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int bad(struct pcisim_diag *d, const char *path, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pcisim_diag_error(d, (struct pcisim_loc){path, 0, 0}, "%s", msg);
	return -1;
}

/* An unsigned integer field (JSON integers are signed 64-bit: values up to 2^63-1). */
static int get_u64(json_t *j, const char *key, uint64_t *out, struct pcisim_diag *d, const char *path)
{
	json_t *v = json_object_get(j, key);
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return bad(d, path, "not a valid snapshot: field '%s': expected an unsigned integer%s",
			   key, v ? "" : " (missing)");
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int get_hex(json_t *j, const char *key, uint64_t *out, struct pcisim_diag *d, const char *path)
{
	json_t *v = json_object_get(j, key);
	const char *s = json_string_value(v);
	char *end = NULL;
	if (s && strlen(s) == 16)
		*out = strtoull(s, &end, 16);
	if (!s || strlen(s) != 16 || !end || *end)
		return bad(d, path, "not a valid snapshot: field '%s': expected 16 hexadecimal digits%s",
			   key, v ? "" : " (missing)");
	return 0;
}

static int get_str(json_t *j, const char *key, char **out, struct pcisim_diag *d, const char *path)
{
	const char *s = json_string_value(json_object_get(j, key));
	if (!s)
		return bad(d, path, "not a valid snapshot: field '%s': expected a string%s", key,
			   json_object_get(j, key) ? "" : " (missing)");
	*out = strdup(s);
	return 0;
}

int pcisim_snapfile_read(struct pcisim_snapfile *s, const char *path, struct pcisim_diag *d)
{
	memset(s, 0, sizeof(*s));
	json_error_t e;
	json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
	if (!j) {
		if (e.line <= 0)
			pcisim_diag_error(d, (struct pcisim_loc){path, 0, 0},
					  "cannot read the snapshot file: %s", e.text);
		else
			pcisim_diag_error(d, (struct pcisim_loc){path, (unsigned)e.line, (unsigned)e.column},
					  "not a snapshot file (expected one JSON object as `pcisim simulate --snapshot-at` writes): %s",
					  e.text);
		return -1;
	}
	int rc = -1;
	const char *fmt = json_string_value(json_object_get(j, "format"));
	json_t *ver = json_object_get(j, "version");
	json_t *sets = json_object_get(j, "sets");
	if (!json_is_object(j) || !fmt || strcmp(fmt, PCISIM_SNAPFILE_FORMAT)) {
		bad(d, path, "not a pcisim snapshot: expected \"format\": \"%s\"%s", PCISIM_SNAPFILE_FORMAT, "");
		goto out;
	}
	if (!json_is_integer(ver) || json_integer_value(ver) != PCISIM_SNAPFILE_VERSION) {
		char v[32];
		snprintf(v, sizeof(v), "%lld", json_is_integer(ver) ? (long long)json_integer_value(ver) : -1ll);
		bad(d, path, "snapshot format version %s; this pcisim reads version %s",
		    json_is_integer(ver) ? v : "(missing)", "1");
		goto out;
	}
	uint64_t at = 0;
	if (get_str(j, "scenario", &s->scenario, d, path) || get_str(j, "file", &s->file, d, path) ||
	    get_hex(j, "digest", &s->digest, d, path) || get_u64(j, "seed", &s->seed, d, path) ||
	    get_u64(j, "at_ps", &at, d, path) || get_u64(j, "events", &s->events, d, path) ||
	    get_u64(j, "records", &s->records, d, path) || get_hex(j, "hash", &s->hash, d, path))
		goto out;
	s->at = at;
	if (!json_is_array(sets) || json_array_size(sets) > PCISIM_SNAPFILE_MAX_SETS) {
		bad(d, path, "not a valid snapshot: field 'sets': expected an array of at most %s strings%s", "64",
		    sets ? "" : " (missing)");
		goto out;
	}
	for (size_t i = 0; i < json_array_size(sets); i++) {
		const char *v = json_string_value(json_array_get(sets, i));
		if (!v) {
			bad(d, path, "not a valid snapshot: field 'sets': expected an array of at most %s strings%s", "64", "");
			goto out;
		}
		s->sets[s->nsets++] = strdup(v);
	}
	rc = 0;
out:
	json_decref(j);
	if (rc)
		pcisim_snapfile_free(s);
	return rc;
}

int pcisim_snapfile_check_scenario(const struct pcisim_snapfile *s, const char *path,
				   const struct pcisim_scenario *sc, struct pcisim_diag *d)
{
	uint64_t dg = pcisim_scenario_digest(sc);
	if (dg == s->digest)
		return 0;
	char a[17], b[17];
	hex(a, s->digest);
	hex(b, dg);
	pcisim_diag_error(d, (struct pcisim_loc){path, 0, 0},
			  "taken from scenario '%s' (%s, digest %s); '%s' (digest %s) is another scenario or was changed since: restore with the scenario the snapshot came from",
			  s->scenario, s->file, a, sc->path ? sc->path : sc->name, b);
	return -1;
}

void pcisim_snapfile_free(struct pcisim_snapfile *s)
{
	free(s->scenario);
	free(s->file);
	for (size_t i = 0; i < s->nsets; i++)
		free(s->sets[i]);
	memset(s, 0, sizeof(*s));
}
