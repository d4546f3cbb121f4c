// SPDX-License-Identifier: GPL-2.0
/*
 * mm/vmstat.c's views of the shadow buddy allocator: /proc/buddyinfo,
 * /proc/pagetypeinfo, /proc/zoneinfo, debugfs extfrag/ and the per-node
 * numastat, in the text formats of v6.1, so that tools which parse the
 * kernel's files parse these. The shadow's own tables are in src/views.c,
 * the consistency walk in src/check.c.
 *
 * Portable: builds into the module and into the host unit tests. Every
 * printer writes through an smm_emit_fn and takes the locks the kernel's
 * walk takes (zone->lock around each zone, as walk_zones_in_node() does),
 * never more than one at a time.
 */

#include "shadowmm/vmstat.h"
#include "internal.h"

/*
 * walk_zones_in_node(): @print for each zone of @pgdat (only populated
 * ones when @populated), under zone->lock.
 */
static void smm_walk_zones_in_node(struct smm_machine *m,
				   struct smm_pglist_data *pgdat,
				   bool populated, smm_zone_print_fn print,
				   smm_emit_fn emit, void *ctx)
{
	unsigned long flags;
	int zid;

	for (zid = 0; zid < SMM_MAX_NR_ZONES; zid++) {
		struct smm_zone *zone = &pgdat->node_zones[zid];

		if (populated && !smm_populated_zone(zone))
			continue;
		smm_spin_lock_irqsave(&zone->lock, flags);
		print(m, pgdat, zone, emit, ctx);
		smm_spin_unlock_irqrestore(&zone->lock, flags);
	}
}

/*
 * Every node's zones (populated ones only, or all), each printed with its
 * zone->lock held: the loop behind buddyinfo, zoneinfo, free_area and the
 * extfrag files. Nothing without a buddy allocator (upto=memmap).
 */
void smm_walk_zones(struct smm_machine *m, bool populated,
		    smm_zone_print_fn print, smm_emit_fn emit, void *ctx)
{
	int i;

	if (smm_no_buddy(m))
		return;
	for (i = 0; i < m->nr_nodes; i++)
		smm_walk_zones_in_node(m, smm_nth_pgdat(m, i), populated, print,
				       emit, ctx);
}

/* node_state(nid, N_MEMORY) */
static bool smm_node_has_memory(const struct smm_pglist_data *pgdat)
{
	return pgdat->node_present_pages != 0;
}

/* ---- /proc/buddyinfo ---------------------------------------------------- */

static void smm_frag_show_print(struct smm_machine *m __always_unused,
				struct smm_pglist_data *pgdat,
				struct smm_zone *zone, smm_emit_fn emit,
				void *ctx)
{
	unsigned int order;

	emit(ctx, "Node %d, zone %8s ", pgdat->node_id,
	     smm_zid_name(zone - pgdat->node_zones));
	for (order = 0; order < SMM_MAX_ORDER; order++)
		emit(ctx, "%6lu ", zone->free_area[order].nr_free);
	emit(ctx, "\n");
}

/* frag_show(): one line per populated zone, free blocks per order. */
void smm_show_buddyinfo(struct smm_machine *m, smm_emit_fn emit, void *ctx)
{
	smm_walk_zones(m, true, smm_frag_show_print, emit, ctx);
}

/* ---- /proc/pagetypeinfo ------------------------------------------------- */

/* The kernel caps each list walk: it runs with zone->lock held. */
#define SMM_PAGETYPEINFO_CAP	100000

static void smm_pagetypeinfo_showfree_print(struct smm_machine *m __always_unused,
					    struct smm_pglist_data *pgdat,
					    struct smm_zone *zone,
					    smm_emit_fn emit, void *ctx)
{
	unsigned int order;
	int mt;

	for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++) {
		emit(ctx, "Node %4d, zone %8s, type %12s ", pgdat->node_id,
		     smm_zid_name(zone - pgdat->node_zones),
		     smm_migratetype_names[mt]);
		for (order = 0; order < SMM_MAX_ORDER; order++) {
			struct list_head *head, *pos;
			unsigned long count = 0;
			bool overflow = false;

			head = &zone->free_area[order].free_list[mt];
			for (pos = head->next; pos != head; pos = pos->next) {
				if (++count >= SMM_PAGETYPEINFO_CAP) {
					overflow = true;
					break;
				}
			}
			emit(ctx, "%s%6lu ", overflow ? ">" : "", count);
		}
		emit(ctx, "\n");
	}
}

static void smm_pagetypeinfo_showblockcount_print(struct smm_machine *m,
						  struct smm_pglist_data *pgdat,
						  struct smm_zone *zone,
						  smm_emit_fn emit, void *ctx)
{
	unsigned long count[SMM_MIGRATE_TYPES] = { 0 };
	unsigned long end_pfn = smm_zone_end_pfn(zone);
	unsigned long pfn;
	int mt;

	/* As the kernel: from zone_start_pfn, aligned or not. */
	for (pfn = zone->zone_start_pfn; pfn < end_pfn;
	     pfn += SMM_PAGEBLOCK_NR_PAGES) {
		struct smm_page *page = smm_pfn_to_page(m, pfn);

		if (!page || smm_page_zone(m, page) != zone)
			continue;
		mt = smm_get_pageblock_migratetype(m, pfn);
		if (mt >= 0 && mt < SMM_MIGRATE_TYPES)
			count[mt]++;
	}

	emit(ctx, "Node %d, zone %8s ", pgdat->node_id,
	     smm_zid_name(zone - pgdat->node_zones));
	for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++)
		emit(ctx, "%12lu ", count[mt]);
	emit(ctx, "\n");
}

/*
 * pagetypeinfo_show(), once per node with memory: the pageblock size,
 * free blocks per migratetype and order, pageblocks per migratetype. (The
 * kernel's "Number of mixed blocks" needs PAGE_OWNER: the shadow has no
 * page owners.)
 */
void smm_show_pagetypeinfo(struct smm_machine *m, smm_emit_fn emit,
			   void *ctx)
{
	unsigned int order;
	int i, mt;

	if (smm_no_buddy(m))
		return;
	for (i = 0; i < m->nr_nodes; i++) {
		struct smm_pglist_data *pgdat = smm_nth_pgdat(m, i);

		if (!smm_node_has_memory(pgdat))
			continue;
		emit(ctx, "Page block order: %d\n", SMM_PAGEBLOCK_ORDER);
		emit(ctx, "Pages per block:  %lu\n", SMM_PAGEBLOCK_NR_PAGES);
		emit(ctx, "\n");

		emit(ctx, "%-43s ", "Free pages count per migrate type at order");
		for (order = 0; order < SMM_MAX_ORDER; order++)
			emit(ctx, "%6u ", order);
		emit(ctx, "\n");
		smm_walk_zones_in_node(m, pgdat, true,
				       smm_pagetypeinfo_showfree_print,
				       emit, ctx);

		emit(ctx, "\n%-23s", "Number of blocks type ");
		for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++)
			emit(ctx, "%12s ", smm_migratetype_names[mt]);
		emit(ctx, "\n");
		smm_walk_zones_in_node(m, pgdat, true,
				       smm_pagetypeinfo_showblockcount_print,
				       emit, ctx);
	}
}

/* ---- /proc/zoneinfo ----------------------------------------------------- */

static void smm_zoneinfo_show_print(struct smm_machine *m,
				    struct smm_pglist_data *pgdat,
				    struct smm_zone *zone, smm_emit_fn emit,
				    void *ctx)
{
	int cpu, i;

	/*
	 * The kernel's "per-node stats" block (first populated zone) lists
	 * LRU, writeback and reclaim counters: the shadow has none of them.
	 */
	emit(ctx, "Node %d, zone %8s\n", pgdat->node_id,
	     smm_zid_name(zone - pgdat->node_zones));
	emit(ctx, "  pages free     %lu\n", (unsigned long)zone->nr_free_pages);
	emit(ctx, "        boost    %lu\n", zone->watermark_boost);
	emit(ctx, "        min      %lu\n", smm_wmark_pages(zone, SMM_WMARK_MIN));
	emit(ctx, "        low      %lu\n", smm_wmark_pages(zone, SMM_WMARK_LOW));
	emit(ctx, "        high     %lu\n", smm_wmark_pages(zone, SMM_WMARK_HIGH));
	emit(ctx, "        spanned  %lu\n", zone->spanned_pages);
	emit(ctx, "        present  %lu\n", zone->present_pages);
	emit(ctx, "        managed  %lu\n", zone->managed_pages);
	emit(ctx, "        cma      %lu\n", 0UL);
	emit(ctx, "        protection: (%ld", zone->lowmem_reserve[0]);
	for (i = 1; i < SMM_MAX_NR_ZONES; i++)
		emit(ctx, ", %ld", zone->lowmem_reserve[i]);
	emit(ctx, ")\n");

	/* If unpopulated, no other information is useful */
	if (!smm_populated_zone(zone))
		return;

	/*
	 * Of the zone counters only NR_FREE_PAGES exists in the shadow; the
	 * NUMA events and the per-cpu "vm stats threshold" do not.
	 */
	emit(ctx, "      %-12s %lu\n", "nr_free_pages",
	     (unsigned long)zone->nr_free_pages);

	emit(ctx, "  pagesets\n");
	for (cpu = 0; zone->per_cpu_pageset && cpu < (int)m->nr_cpus; cpu++) {
		const struct smm_per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];

		/* Unlocked, as the kernel reads them. */
		emit(ctx, "    cpu: %i\n", cpu);
		emit(ctx, "              count: %i\n", pcp->count);
		emit(ctx, "              high:  %i\n", pcp->high);
		emit(ctx, "              batch: %i\n", pcp->batch);
	}
	emit(ctx, "  node_unreclaimable:  %u\n", 0U);
	emit(ctx, "  start_pfn:           %lu\n", zone->zone_start_pfn);
}

/* zoneinfo_show(): every zone, populated or not. */
void smm_show_zoneinfo(struct smm_machine *m, smm_emit_fn emit, void *ctx)
{
	smm_walk_zones(m, false, smm_zoneinfo_show_print, emit, ctx);
}

/* ---- debugfs extfrag/ --------------------------------------------------- */

void smm_fill_contig_page_info(const struct smm_zone *zone,
			       unsigned int suitable_order,
			       struct smm_contig_page_info *info)
{
	unsigned int order;

	info->free_pages = 0;
	info->free_blocks_total = 0;
	info->free_blocks_suitable = 0;

	for (order = 0; order < SMM_MAX_ORDER; order++) {
		unsigned long blocks = zone->free_area[order].nr_free;

		info->free_blocks_total += blocks;
		info->free_pages += blocks << order;
		if (order >= suitable_order)
			info->free_blocks_suitable +=
				blocks << (order - suitable_order);
	}
}

int smm_fragmentation_index(unsigned int order,
			    const struct smm_contig_page_info *info)
{
	u64 requested = 1ULL << order;
	u64 scaled;

	if (WARN_ON_ONCE(order >= SMM_MAX_ORDER))
		return 0;
	if (!info->free_blocks_total)
		return 0;
	/* Only meaningful when the request would fail. */
	if (info->free_blocks_suitable)
		return -1000;

	/*
	 * 1000 - (1000 + free_pages * 1000 / requested) / free_blocks_total:
	 * below 0 when the few free blocks are nearly big enough (the
	 * kernel's formula, quirks included).
	 */
	scaled = 1000 + (u64)info->free_pages * 1000 / requested;
	return 1000 - (int)(scaled / info->free_blocks_total);
}

int smm_unusable_free_index(unsigned int order,
			    const struct smm_contig_page_info *info)
{
	u64 unusable;

	/* No free memory is interpreted as all free memory is unusable. */
	if (!info->free_pages)
		return 1000;

	unusable = info->free_pages -
		   ((u64)info->free_blocks_suitable << order);
	return (int)(unusable * 1000 / info->free_pages);
}

/*
 * One zone's line of an extfrag file: for every order, @index (thousandths)
 * printed as @fmt takes it, after the kernel's "Node %d, zone %8s " prefix.
 */
static void smm_frag_line(struct smm_pglist_data *pgdat, struct smm_zone *zone,
			  int (*index)(unsigned int,
				       const struct smm_contig_page_info *),
			  const char *fmt, smm_emit_fn emit, void *ctx)
{
	struct smm_contig_page_info info;
	unsigned int order;
	int v;

	emit(ctx, "Node %d, zone %8s ", pgdat->node_id,
	     smm_zid_name(zone - pgdat->node_zones));
	for (order = 0; order < SMM_MAX_ORDER; order++) {
		smm_fill_contig_page_info(zone, order, &info);
		v = index(order, &info);
		emit(ctx, fmt, v / 1000, v % 1000);
	}
	emit(ctx, "\n");
}

static void smm_unusable_show_print(struct smm_machine *m __always_unused,
				    struct smm_pglist_data *pgdat,
				    struct smm_zone *zone, smm_emit_fn emit,
				    void *ctx)
{
	smm_frag_line(pgdat, zone, smm_unusable_free_index, "%d.%03d ",
		      emit, ctx);
}

static void smm_extfrag_show_print(struct smm_machine *m __always_unused,
				   struct smm_pglist_data *pgdat,
				   struct smm_zone *zone, smm_emit_fn emit,
				   void *ctx)
{
	/* -1000 prints "-1.000"; -500 prints " 0.-500", as the kernel's */
	smm_frag_line(pgdat, zone, smm_fragmentation_index, "%2d.%03d ",
		      emit, ctx);
}

/*
 * extfrag/unusable_index (unusable_show()) and extfrag/extfrag_index
 * (extfrag_show()): populated zones. The kernel skips memoryless nodes in
 * the first; a shadow node always has memory, so both walk every node.
 */
void smm_show_unusable_index(struct smm_machine *m, smm_emit_fn emit,
			     void *ctx)
{
	smm_walk_zones(m, true, smm_unusable_show_print, emit, ctx);
}

void smm_show_extfrag_index(struct smm_machine *m, smm_emit_fn emit,
			    void *ctx)
{
	smm_walk_zones(m, true, smm_extfrag_show_print, emit, ctx);
}

/* The sum of every CPU's counters, or NULL (and a line saying so). */
struct smm_vm_events *smm_events_snapshot(struct smm_machine *m,
					  smm_emit_fn emit, void *ctx)
{
	struct smm_vm_events *sum = kzalloc(sizeof(*sum), GFP_KERNEL);

	if (!sum) {
		emit(ctx, "error: out of memory\n");
		return NULL;
	}
	smm_vm_events_sum(m, sum);
	return sum;
}

/* ---- NUMA ----------------------------------------------------------------- */

void smm_show_numastat(struct smm_machine *m, int nid, smm_emit_fn emit,
		       void *ctx)
{
	struct smm_vm_events *ev;
	const u64 *n;

	if (smm_no_buddy(m) || nid < 0 || nid >= SMM_MAX_NUMNODES)
		return;
	ev = smm_events_snapshot(m, emit, ctx);
	if (!ev)
		return;
	n = ev->numa[nid];
	emit(ctx, "numa_hit %lu\nnuma_miss %lu\nnuma_foreign %lu\n",
	     (unsigned long)n[SMM_NUMA_HIT], (unsigned long)n[SMM_NUMA_MISS],
	     (unsigned long)n[SMM_NUMA_FOREIGN]);
	emit(ctx, "interleave_hit %lu\nlocal_node %lu\nother_node %lu\n",
	     (unsigned long)n[SMM_NUMA_INTERLEAVE_HIT],
	     (unsigned long)n[SMM_NUMA_LOCAL],
	     (unsigned long)n[SMM_NUMA_OTHER]);
	kfree(ev);
}

/*
 * zonelist_fallback: allocations served away from the first eligible
 * zone of their zonelist, "preferred_nid nid count" a line, for the pairs
 * that have any.
 */
