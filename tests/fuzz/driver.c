/*
 * A plain main() for the harnesses, linked instead of libFuzzer's (builds without
 * -DPCISIM_FUZZ=ON, or AFL++ builds: docs/fuzz.md):
 *
 *   fuzz_scenario [-OPTION...] [FILE|DIR]...
 *
 * runs the harness once on each FILE and on each file below each DIR (in name order),
 * or on standard input when no file is named (afl-fuzz without @@). Arguments that
 * start with '-' are libFuzzer options and are ignored, so the same command line
 * (e.g. -runs=0 DIR) replays a corpus through either build. Exit 0 when every input
 * returned, 2 when a file cannot be read; a finding aborts, as under libFuzzer.
 */
/* nftw() is XSI. */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static char **files;
static size_t nfiles, capfiles;

static int add_file(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)ftw;
	if (type != FTW_F)
		return 0;
	if (nfiles == capfiles) {
		capfiles = capfiles ? 2 * capfiles : 64;
		char **nv = realloc(files, capfiles * sizeof(*nv));
		if (!nv)
			abort();
		files = nv;
	}
	files[nfiles] = strdup(path);
	if (!files[nfiles])
		abort();
	nfiles++;
	return 0;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The whole stream; NULL when it cannot be read. */
static unsigned char *slurp(FILE *f, size_t *len)
{
	size_t cap = 4096, n = 0;
	unsigned char *buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		unsigned char *nb = realloc(buf, cap * 2);
		if (!nb)
			free(buf);
		buf = nb;
		cap *= 2;
	}
	if (buf && ferror(f)) {
		free(buf);
		buf = NULL;
	}
	*len = n;
	return buf;
}

static int run_file(const char *path)
{
	FILE *f = path ? fopen(path, "rb") : stdin;
	if (!f) {
		fprintf(stderr, "fuzz driver: cannot open '%s': %s\n", path, strerror(errno));
		return 2;
	}
	size_t len;
	unsigned char *data = slurp(f, &len);
	if (path)
		fclose(f);
	if (!data) {
		fprintf(stderr, "fuzz driver: cannot read '%s'\n", path ? path : "<stdin>");
		return 2;
	}
	if (fuzz_verbose())
		fprintf(stderr, "fuzz driver: %s (%zu bytes)\n", path ? path : "<stdin>", len);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	bool named = false;
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		named = true;
		struct stat st;
		if (stat(argv[i], &st)) {
			fprintf(stderr, "fuzz driver: cannot open '%s': %s\n", argv[i], strerror(errno));
			return 2;
		}
		size_t first = nfiles;
		if (S_ISDIR(st.st_mode))
			nftw(argv[i], add_file, 16, FTW_PHYS);
		else
			add_file(argv[i], &st, FTW_F, NULL);
		qsort(files + first, nfiles - first, sizeof(*files), cmp_path);
	}
	int rc = 0;
	if (!named)
		rc = run_file(NULL);
	for (size_t i = 0; i < nfiles; i++) {
		if (!rc)
			rc = run_file(files[i]);
		free(files[i]);
	}
	free(files);
	if (named && !rc)
		printf("fuzz driver: %zu input%s, every one returned\n", nfiles, nfiles == 1 ? "" : "s");
	return rc;
}
