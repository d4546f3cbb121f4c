/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reproducible workload behind ctl `workload` and the host/guest
 * determinism check (src/workload.c).
 */
#ifndef _SHADOWMM_WORKLOAD_H
#define _SHADOWMM_WORKLOAD_H

#include "machine.h"

struct smm_workload_result {
	unsigned long allocs;
	unsigned long frees;
	unsigned long fails;
	/* ops run: all of them, or those before a fatal signal stopped it */
	unsigned long ops;
	/* free-area counts and pageblock types at the end, pcp lists drained */
	u64 hash;
};

/*
 * Run on the calling CPU, which the caller keeps from changing. Every
 * page it took is freed again at the end, also when a fatal signal
 * stops it early (-EINTR, smm_long_step()).
 */
int smm_workload_run(struct smm_machine *m, u32 seed, unsigned long ops,
		     struct smm_workload_result *res);

#endif /* _SHADOWMM_WORKLOAD_H */
