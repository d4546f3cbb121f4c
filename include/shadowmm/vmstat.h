/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the shadow buddy allocator looks like through the kernel's own
 * files: the text of /proc/buddyinfo, /proc/pagetypeinfo, /proc/zoneinfo,
 * debugfs extfrag/ (mm/vmstat.c of v6.1) and the per-node numastat, for
 * the shadow's zones (src/mm/vmstat.c). The shadow's own tables and the
 * consistency walk are in views.h.
 *
 * Every printer writes through an smm_emit_fn, so the same code fills a
 * seq_file in the module and a buffer in the host unit tests. None of them
 * changes the machine; each takes the locks the kernel's own walk takes.
 */
#ifndef _SHADOWMM_VMSTAT_H
#define _SHADOWMM_VMSTAT_H

#include "memblock.h"
#include "mmzone.h"

struct smm_machine;

/* mm/vmstat.c: struct contig_page_info */
struct smm_contig_page_info {
	unsigned long free_pages;		/* free base pages */
	unsigned long free_blocks_total;	/* free blocks of any order */
	unsigned long free_blocks_suitable;	/* ... in units of the order */
};

/* fill_contig_page_info(): from the zone's free_area nr_free counts. */
void smm_fill_contig_page_info(const struct smm_zone *zone,
			       unsigned int suitable_order,
			       struct smm_contig_page_info *info);
/*
 * __fragmentation_index(): -1000 when a block of @order is free, else in
 * thousandths, towards 0 for lack of memory, towards 1000 for
 * fragmentation.
 */
int smm_fragmentation_index(unsigned int order,
			    const struct smm_contig_page_info *info);
/* unusable_free_index(): thousandths of free memory too small for @order. */
int smm_unusable_free_index(unsigned int order,
			    const struct smm_contig_page_info *info);

/* The kernel's formats, field for field where the shadow has the field. */
void smm_show_buddyinfo(struct smm_machine *m, smm_emit_fn emit, void *ctx);
void smm_show_pagetypeinfo(struct smm_machine *m, smm_emit_fn emit,
			   void *ctx);
void smm_show_zoneinfo(struct smm_machine *m, smm_emit_fn emit, void *ctx);
void smm_show_unusable_index(struct smm_machine *m, smm_emit_fn emit,
			     void *ctx);
void smm_show_extfrag_index(struct smm_machine *m, smm_emit_fn emit,
			    void *ctx);

/* /sys/devices/system/node/node@nid/numastat's six lines */
void smm_show_numastat(struct smm_machine *m, int nid, smm_emit_fn emit,
		       void *ctx);

#endif /* _SHADOWMM_VMSTAT_H */
