/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The debugfs `ctl` command language, parsed and executed by portable code
 * so that the host tests exercise exactly what the module runs.
 */
#ifndef _SHADOWMM_CTL_H
#define _SHADOWMM_CTL_H

#include "machine.h"

/* Longest command accepted, newline included. */
#define SMM_CTL_MAX	256

/*
 * Execute one command. Returns 0, or a negative errno with the machine
 * unchanged: -EINVAL for a malformed or out-of-range command, -ENOMEM when a
 * well-formed allocation cannot be satisfied, -EBUSY when a range is in use
 * by the shadow's own metadata. Every outcome is explained through @log.
 */
int smm_ctl_exec(struct smm_machine *m, const char *cmd, smm_log_fn log,
		 void *ctx);

/* Parse a number: decimal, 0x hex, optional K/M/G suffix (memparse style). */
int smm_parse_u64(const char *s, u64 *out);

#endif /* _SHADOWMM_CTL_H */
