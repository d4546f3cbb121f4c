/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One table of read-only views: each debugfs file is a name and a show
 * function that prints from the machine with smm_lock held.
 */
#ifndef _SHADOWMM_DEBUGFS_H
#define _SHADOWMM_DEBUGFS_H

#include <linux/seq_file.h>
#include "shadowmm/kernel/module.h"

struct smm_dbg_view {
	const char *path;	/* relative to the shadowmm directory */
	void (*show)(struct seq_file *sf, struct smm_machine *m);
	/*
	 * A view of one line a record of a list, unbounded (what ctl holds):
	 * streamed a record at a time (seq_file iteration, smm_lock held
	 * from start to stop of each read), not printed whole into one
	 * buffer. @show is then NULL.
	 */
	struct list_head *(*list)(struct smm_machine *m);
	void (*show_one)(struct seq_file *sf, struct smm_machine *m,
			 const struct list_head *pos);
};

/* printf-style sink for the portable printers, writing into a seq_file. */
void smm_seq_emit(void *ctx, const char *fmt, ...) __printf(2, 3);

extern const struct smm_dbg_view smm_memblock_views[];
extern const struct smm_dbg_view smm_vmstat_views[];
extern const struct smm_dbg_view smm_slab_views[];

/* slab/<cache>/ directories (debugfs/slab.c); sync without smm_lock held */
void smm_debugfs_slab_init(struct dentry *root);
void smm_debugfs_slab_sync(void);
void smm_debugfs_slab_exit(void);

extern const struct smm_dbg_view smm_mirror_views[];
extern const struct smm_dbg_view smm_bench_views[];
extern const struct file_operations smm_ctl_fops;

#endif /* _SHADOWMM_DEBUGFS_H */
