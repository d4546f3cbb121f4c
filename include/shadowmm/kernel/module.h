/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kernel-only glue (module init/exit, region backends, debugfs)
 * shares. The portable core never includes this.
 */
#ifndef _SHADOWMM_KERNEL_MODULE_H
#define _SHADOWMM_KERNEL_MODULE_H

#include <linux/mutex.h>
#include "shadowmm/machine.h"

/* The one machine, and the lock every reader and writer of it holds. */
extern struct smm_machine *smm_machine;
extern struct mutex smm_lock;

void smm_log_printk(void *ctx, const char *fmt, ...) __printf(2, 3);

/* Region backends (src/kernel/region.c). */
extern const char *const smm_backend_names[];
int smm_backend_lookup(const char *name);
unsigned long smm_region_node_limit(int backend, int nid);
int smm_region_acquire(struct smm_region *r, int backend,
		       unsigned long pages_per_node);
void smm_region_release(struct smm_region *r);

/* ctl `stress` (src/kernel/stress.c): runs without smm_lock, m->busy set. */
int smm_stress_run(struct smm_machine *m, unsigned int ms, u32 seed);

/* debugfs (debugfs/). */
void smm_debugfs_init(void);
void smm_debugfs_exit(void);

#endif /* _SHADOWMM_KERNEL_MODULE_H */
