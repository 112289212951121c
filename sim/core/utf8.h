/*
 * UTF-8 (RFC 3629): what pcisim's text formats hold. Scenarios are YAML and traces
 * JSON Lines, both UTF-8 only; what pcisim writes into them from elsewhere (a QEMU
 * command line, a binary trace's strings) is checked or escaped with these.
 */
#ifndef PCISIM_CORE_UTF8_H
#define PCISIM_CORE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/**
 * pcisim_utf8_char() - the length of the UTF-8 sequence at @s (@n bytes available)
 * and its code point in *@cp; 0 when it is not one: a stray continuation byte, a
 * lead byte without its continuations, an overlong form, a surrogate
 * (U+D800..U+DFFF) or a value past U+10FFFF.
 */
size_t pcisim_utf8_char(const char *s, size_t n, uint32_t *cp);

/** The offset of the first byte of @s[0..@n) that is not part of a UTF-8 character, or @n. */
size_t pcisim_utf8_check(const char *s, size_t n);

#endif
