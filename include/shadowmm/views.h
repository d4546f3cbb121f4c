/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shadow's own views, beside the kernel's formats of vmstat.h: the
 * free lists, the histograms of the per-cpu event counters, the rmqueue
 * trace ring, the zonelists (src/views.c), and the full consistency walk
 * of the free lists (src/check.c).
 *
 * Every printer writes through an smm_emit_fn, so the same code fills a
 * seq_file in the module and a buffer in the host unit tests. None of them
 * changes the machine; each takes the locks the kernel's own walk takes.
 */
#ifndef _SHADOWMM_VIEWS_H
#define _SHADOWMM_VIEWS_H

#include "memblock.h"
#include "mmzone.h"

struct smm_machine;

/* The shadow's own views; each function documents its format. */
void smm_show_free_area(struct smm_machine *m, smm_emit_fn emit, void *ctx);
void smm_show_rmqueue_hist(struct smm_machine *m, smm_emit_fn emit,
			   void *ctx);
void smm_show_fallback_hist(struct smm_machine *m, smm_emit_fn emit,
			    void *ctx);
void smm_show_alloc_hist(struct smm_machine *m, smm_emit_fn emit, void *ctx);
void smm_show_events(struct smm_machine *m, smm_emit_fn emit, void *ctx);
void smm_show_rmqueue_trace(struct smm_machine *m, smm_emit_fn emit,
			    void *ctx);
void smm_show_zonelists(struct smm_machine *m, smm_emit_fn emit, void *ctx);
void smm_show_zonelist_fallback(struct smm_machine *m, smm_emit_fn emit,
				void *ctx);
/* smm_check() prints at most this many violations (it counts them all). */
#define SMM_CHECK_MAX_REPORTS	50

/*
 * Walk every free list and per-cpu list of every zone and the zone
 * counters; print "OK", or one line per violation and a last line
 * "FAILED: N violation(s)". Returns N, or -ENOMEM.
 */
int smm_check(struct smm_machine *m, smm_emit_fn emit, void *ctx);
/*
 * The slab half of check (src/check_slab.c): every slab of every cache
 * through the memory map, against the lists and counters; at most
 * @max_reports lines. Returns the violations, or -ENOMEM.
 */
int smm_check_slab(struct smm_machine *m, smm_emit_fn emit, void *ctx,
		   int max_reports);

/* /proc/slabinfo 2.1 (slabinfo_show()), newest cache first. */
void smm_show_slabinfo(struct smm_machine *m, smm_emit_fn emit, void *ctx);
/* One cache's /sys/kernel/slab/<cache>/<attr> value, one line. */
int smm_show_slab_attr(struct smm_machine *m, const char *cache,
		       const char *attr, smm_emit_fn emit, void *ctx);
/* The names smm_show_slab_attr() knows, NULL-terminated. */
extern const char *const smm_slab_attr_names[];

#endif /* _SHADOWMM_VIEWS_H */
