/*
 * How the crafted binary traces of this corpus (body-*.pctrace) were made: valid
 * containers (zstd frame, correct XXH3-64 trailer) around malformed bodies, so that
 * the body parser, not the checksum, has to find the fault. Not built; kept as the
 * record of what each file holds. cc make-binary-corpus.c -lzstd -lxxhash && ./a.out
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <zstd.h>
static void emit(const char *path, const unsigned char *body, size_t n)
{
	FILE *f = fopen(path, "wb");
	unsigned char head[16] = {0x89, 'P', 'C', 'I', 'S', 'I', 'M', '\n', 1, 0, 0, 0, 1, 0, 0, 0};
	fwrite(head, 1, 16, f);
	size_t cap = ZSTD_compressBound(n);
	unsigned char *z = malloc(cap);
	size_t zn = ZSTD_compress(z, cap, body, n, 3);
	fwrite(z, 1, zn, f);
	unsigned char tr[24] = {'P', 'C', 'I', 'S', 'I', 'M', 'Z', '\n'};
	unsigned long long h = XXH3_64bits(body, n), l = n;
	for (int i = 0; i < 8; i++) { tr[8 + i] = l >> (8 * i); tr[16 + i] = h >> (8 * i); }
	fwrite(tr, 1, 24, f);
	fclose(f);
}
static unsigned char hdr[] = {'H', 1, 1, 5, '0', '.', '1', '.', '0', 0, 2, 1, 'x', 0, 3, 'a', ':', '1',
			      1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 0, 0, 0};
int main(void)
{
	unsigned char b[256];
	emit("body-garbage.pctrace", (const unsigned char *)"XYZ", 3);
	emit("body-empty.pctrace", (const unsigned char *)"", 0);
	unsigned char v9[] = {'H', 9};
	emit("body-format-version.pctrace", v9, sizeof(v9));
	unsigned char sr[] = {'H', 1, 5};
	emit("body-bad-string-ref.pctrace", sr, sizeof(sr));
	unsigned char lv[] = {'H', 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
	emit("body-long-number.pctrace", lv, sizeof(lv));
	unsigned char hs[] = {'H', 1, 1, 5, '0', '.', '1', '.', '0', 0, 2, 1, 'x', 0, 0x80, 0x94, 0xeb, 0xdc, 0x03};
	emit("body-huge-string.pctrace", hs, sizeof(hs));
	emit("body-no-end.pctrace", hdr, sizeof(hdr));
	memcpy(b, hdr, sizeof(hdr)); b[sizeof(hdr)] = 'Q';
	emit("body-unknown-tag.pctrace", b, sizeof(hdr) + 1);
	memcpy(b, hdr, sizeof(hdr)); memcpy(b + sizeof(hdr), hdr, sizeof(hdr));
	emit("body-second-header.pctrace", b, 2 * sizeof(hdr));
	memcpy(b, hdr, sizeof(hdr)); unsigned char ev[] = {'E', 0, 0, 0, 0, 0, 0, 0};
	memcpy(b + sizeof(hdr), ev, sizeof(ev));
	emit("body-event-without-kind.pctrace", b, sizeof(hdr) + sizeof(ev));
	memcpy(b, hdr, sizeof(hdr)); unsigned char rc[] = {'R', 0, 3, 3, 'l', 'o', 'g', 0, 1, 2, 9, 1};
	memcpy(b + sizeof(hdr), rc, sizeof(rc));
	emit("body-bad-field-type.pctrace", b, sizeof(hdr) + sizeof(rc));
	memcpy(b, hdr, sizeof(hdr)); unsigned char ch[] = {'C', 0, 7, 4, 3, 'l', 'o', 'g', 0, 0, 0, 0, 0};
	memcpy(b + sizeof(hdr), ch, sizeof(ch));
	emit("body-unknown-choice.pctrace", b, sizeof(hdr) + sizeof(ch));
	/*
	 * Text the format needs, as none (string reference 0) or empty, in otherwise
	 * whole traces: the header's hdr with one override or one include, and an end
	 * item (reason "idle", signature "").
	 */
	unsigned char z2[] = {'Z', 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 3, 4, 'i', 'd', 'l', 'e', 0, 4, 0, 0};
	unsigned char z3[] = {'Z', 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 4, 4, 'i', 'd', 'l', 'e', 0, 5, 0, 0};
	size_t n = sizeof(hdr) - 2; /* up to the number of overrides */
	memcpy(b, hdr, n); b[n] = 1; b[n + 1] = 0; b[n + 2] = 0; /* one override: none */
	memcpy(b + n + 3, z2, sizeof(z2));
	emit("body-set-none.pctrace", b, n + 3 + sizeof(z2));
	unsigned char bogus[] = {1, 3, 5, 'b', 'o', 'g', 'u', 's', 0}; /* one override: "bogus" */
	memcpy(b, hdr, n); memcpy(b + n, bogus, sizeof(bogus));
	memcpy(b + n + 9, z3, sizeof(z3));
	emit("body-set-no-equals.pctrace", b, n + 9 + sizeof(z3));
	size_t k = 26; /* the number of includes */
	memcpy(b, hdr, k); b[k] = 1; b[k + 1] = 0; b[k + 2] = 0; /* one include named none, empty */
	memcpy(b + k + 3, hdr + k + 1, sizeof(hdr) - k - 1);
	memcpy(b + sizeof(hdr) + 2, z2, sizeof(z2));
	emit("body-include-none.pctrace", b, sizeof(hdr) + 2 + sizeof(z2));
	memcpy(b, hdr, sizeof(hdr)); b[11] = 0; b[12] = 0; /* the name "": a string of 0 bytes */
	memcpy(b + 12, hdr + 13, sizeof(hdr) - 13);
	memcpy(b + sizeof(hdr) - 1, z2, sizeof(z2));
	emit("body-name-empty.pctrace", b, sizeof(hdr) - 1 + sizeof(z2));
	memcpy(b, hdr, sizeof(hdr)); unsigned char bo[] = {'R', 0, 3, 3, 'l', 'o', 'g', 0, 1, 2, 4, 2};
	memcpy(b + sizeof(hdr), bo, sizeof(bo));
	emit("body-bool-not-0-or-1.pctrace", b, sizeof(hdr) + sizeof(bo));
	memcpy(b, hdr, sizeof(hdr)); unsigned char sc[] = {'C', 0, 1, 3, 3, 'l', 'o', 'g', 0, 0, 0, 5, 0};
	memcpy(b + sizeof(hdr), sc, sizeof(sc));
	emit("body-step-choice-extra.pctrace", b, sizeof(hdr) + sizeof(sc));
	unsigned char nu[] = {'H', 1, 1, 5, '0', '.', '1', '.', '0', 0, 2, 1, 0xff};
	emit("body-not-utf8.pctrace", nu, sizeof(nu));
	return 0;
}
