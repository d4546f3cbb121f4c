/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one number grammar of every input the shadow takes: module
 * parameters, ctl commands, distance= and node lists (src/parameters.c).
 * A number is decimal or 0x hex (a leading 0 is not octal), at most
 * 2^64 - 1; a size may end in K, M or G.
 */
#ifndef _SHADOWMM_PARAMETERS_H
#define _SHADOWMM_PARAMETERS_H

#include "compat.h"
#include "mmzone.h"

/*
 * The digits at *@p: *@p moves past them. -EINVAL when there are none or
 * the value does not fit in 64 bits (*@p unchanged then).
 */
int smm_parse_number(const char **p, u64 *out);

/* A whole string: a number with an optional K/M/G suffix (memparse style). */
int smm_parse_u64(const char *s, u64 *out);

/*
 * A list of numbers, each below @limit, @sep between them and nothing
 * else: "0,1". At most @max values; their count in *@nr.
 */
int smm_parse_list(const char *s, char sep, u64 limit, u64 *vals, int max,
		   int *nr);

/* upto=: buddy or memmap (enum smm_upto), or -EINVAL. */
int smm_upto_lookup(const char *name);

/*
 * distance=: "10,20;20,10", one row a shadow node, @nr rows of @nr values.
 * Fills @out[row][col]; on error returns -EINVAL and sets *@why.
 */
int smm_parse_distance(const char *s, int nr, u8 out[][SMM_MAX_NUMNODES],
		       const char **why);

#endif /* _SHADOWMM_PARAMETERS_H */
