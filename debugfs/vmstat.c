// SPDX-License-Identifier: GPL-2.0
/*
 * The views of stage 2: the buddy allocator in the kernel's /proc and
 * debugfs extfrag formats, the shadow's own tables and histograms, the
 * rmqueue ring and the consistency check (src/mm/vmstat.c, src/views.c
 * and src/check.c print them).
 */
#include "shadowmm/vmstat.h"
#include "shadowmm/views.h"
#include "debugfs.h"

#define SMM_VMSTAT_VIEW(name)						\
static void show_##name(struct seq_file *sf, struct smm_machine *m)	\
{									\
	smm_show_##name(m, smm_seq_emit, sf);				\
}

SMM_VMSTAT_VIEW(buddyinfo)
SMM_VMSTAT_VIEW(pagetypeinfo)
SMM_VMSTAT_VIEW(zoneinfo)
SMM_VMSTAT_VIEW(free_area)
SMM_VMSTAT_VIEW(rmqueue_hist)
SMM_VMSTAT_VIEW(fallback_hist)
SMM_VMSTAT_VIEW(alloc_hist)
SMM_VMSTAT_VIEW(unusable_index)
SMM_VMSTAT_VIEW(extfrag_index)
SMM_VMSTAT_VIEW(rmqueue_trace)
SMM_VMSTAT_VIEW(held)
SMM_VMSTAT_VIEW(events)
SMM_VMSTAT_VIEW(zonelists)
SMM_VMSTAT_VIEW(zonelist_fallback)

static void show_held_page(struct seq_file *sf, struct smm_machine *m,
			   const struct list_head *pos)
{
	smm_show_held_page(pos, smm_seq_emit, sf);
}

static void show_check(struct seq_file *sf, struct smm_machine *m)
{
	smm_check(m, smm_seq_emit, sf);
}

const struct smm_dbg_view smm_vmstat_views[] = {
	{ "buddyinfo", show_buddyinfo },
	{ "pagetypeinfo", show_pagetypeinfo },
	{ "zoneinfo", show_zoneinfo },
	{ "free_area", show_free_area },
	{ "rmqueue_hist", show_rmqueue_hist },
	{ "fallback_hist", show_fallback_hist },
	{ "alloc_hist", show_alloc_hist },
	{ "extfrag/unusable_index", show_unusable_index },
	{ "extfrag/extfrag_index", show_extfrag_index },
	{ "rmqueue_trace", show_rmqueue_trace },
	{ "allocations", .list = smm_held_pages, .show_one = show_held_page },
	{ "held", show_held },
	{ "events", show_events },
	{ "zonelists", show_zonelists },
	{ "zonelist_fallback", show_zonelist_fallback },
	{ "check", show_check },
	{ }
};
