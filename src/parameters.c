// SPDX-License-Identifier: GPL-2.0
/*
 * The shadow's input grammar for numbers, sizes, lists and the distance
 * matrix: one parser, shared by the module parameters (src/kernel/main.c),
 * every ctl command (src/ctl.c) and the host tests, so that "010", "0x1f"
 * and "4M" mean the same wherever they are typed. Nothing here knows a
 * machine; callers check ranges that depend on one.
 *
 * Portable: builds into the module and into the host unit tests.
 */
#include "shadowmm/machine.h"
#include "shadowmm/parameters.h"

static int smm_digit(char c, unsigned int base)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (base == 16 && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (base == 16 && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int smm_parse_number(const char **p, u64 *out)
{
	const char *s = *p, *digits;
	unsigned int base = 10;
	u64 v = 0;
	int d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (digits = s; (d = smm_digit(*s, base)) >= 0; s++) {
		if (v > (~0ULL - d) / base)
			return -EINVAL;
		v = v * base + d;
	}
	if (s == digits)
		return -EINVAL;
	*out = v;
	*p = s;
	return 0;
}

int smm_parse_u64(const char *s, u64 *out)
{
	unsigned int shift;
	u64 v;

	if (smm_parse_number(&s, &v))
		return -EINVAL;
	switch (*s) {
	case '\0':
		shift = 0;
		break;
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	default:
		return -EINVAL;
	}
	if (shift && (s[1] || v > (~0ULL >> shift)))
		return -EINVAL;
	*out = v << shift;
	return 0;
}

int smm_parse_list(const char *s, char sep, u64 limit, u64 *vals, int max,
		   int *nr)
{
	for (*nr = 0; *nr < max; ) {
		if (smm_parse_number(&s, &vals[*nr]) || vals[*nr] >= limit)
			return -EINVAL;
		(*nr)++;
		if (!*s)
			return 0;
		if (*s++ != sep)
			return -EINVAL;
	}
	return -EINVAL;		/* more than @max values */
}

int smm_upto_lookup(const char *name)
{
	if (!strcmp(name, "buddy"))
		return SMM_UPTO_BUDDY;
	if (!strcmp(name, "memmap"))
		return SMM_UPTO_MEMMAP;
	return -EINVAL;
}

/*
 * What the kernel's numa_set_distance() and the ACPI SLIT checks accept:
 * 10 on the diagonal, above 10 elsewhere, 254 at most (255 is "no path").
 * Asymmetric matrices are allowed, as asymmetric SLITs are.
 */
int smm_parse_distance(const char *s, int nr, u8 out[][SMM_MAX_NUMNODES],
		       const char **why)
{
	static const char smm_distance_syntax[] =
		"expected numbers 10..254, ',' between values, ';' between rows";
	int row = 0, col = 0;
	u64 val;

	if (nr < 1 || nr > SMM_MAX_NUMNODES) {
		*why = "no shadow nodes to give distances to";
		return -EINVAL;
	}
	for (;;) {
		if (smm_parse_number(&s, &val) ||
		    (*s && *s != ',' && *s != ';')) {
			*why = smm_distance_syntax;
			return -EINVAL;
		}
		if (col >= nr) {
			*why = "a row has more values than there are shadow nodes";
			return -EINVAL;
		}
		if (row == col && val != SMM_LOCAL_DISTANCE) {
			*why = "the distance of a node to itself must be 10";
			return -EINVAL;
		}
		if (row != col && (val <= SMM_LOCAL_DISTANCE || val > 254)) {
			*why = "a distance between two nodes must be 11..254";
			return -EINVAL;
		}
		out[row][col++] = val;
		if (*s == ',') {
			s++;
			continue;
		}
		if (col != nr) {
			*why = "a row has fewer values than there are shadow nodes";
			return -EINVAL;
		}
		row++;
		col = 0;
		if (!*s++)
			break;
		if (row == nr) {
			*why = "more rows than there are shadow nodes";
			return -EINVAL;
		}
	}
	if (row != nr) {
		*why = "fewer rows than there are shadow nodes";
		return -EINVAL;
	}
	return 0;
}
