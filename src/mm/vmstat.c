// SPDX-License-Identifier: GPL-2.0
/*
 * The shadow's views of its buddy allocator: /proc/buddyinfo,
 * /proc/pagetypeinfo, /proc/zoneinfo and debugfs extfrag/ in the text
 * formats of mm/vmstat.c (v6.1), so that tools which parse the kernel's
 * files parse these; the shadow's own tables (free lists, histograms of
 * the event counters, the rmqueue ring); and smm_check(), a full
 * consistency walk of every free list.
 *
 * Portable: builds into the module and into the host unit tests. Every
 * printer writes through an smm_emit_fn and takes the locks the kernel's
 * walk takes (zone->lock around each zone, as walk_zones_in_node() does),
 * never more than one at a time.
 */

#include "shadowmm/machine.h"
#include "shadowmm/vmstat.h"

static const char *smm_mt_name(int mt)
{
	if (mt < 0 || mt >= SMM_MIGRATE_TYPES)
		return "?";
	return smm_migratetype_names[mt];
}

static const char *smm_zid_name(int zid)
{
	if (zid < 0 || zid >= SMM_MAX_NR_ZONES)
		return "?";
	return smm_zone_names[zid];
}

/*
 * No buddy allocator (upto=memmap, or torn down): the zones are not set
 * up and the views have nothing to show. The allocator's own test.
 */
static bool smm_no_buddy(const struct smm_machine *m)
{
	return !m->events;
}

static struct smm_pglist_data *smm_nth_pgdat(struct smm_machine *m, int i)
{
	return &m->node_data[m->node_ids[i]];
}

/*
 * walk_zones_in_node(): @print for each zone of @pgdat (only populated
 * ones when @populated), under zone->lock.
 */
typedef void (*smm_zone_print_fn)(struct smm_machine *m,
				  struct smm_pglist_data *pgdat,
				  struct smm_zone *zone, smm_emit_fn emit,
				  void *ctx);

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
static void smm_walk_zones(struct smm_machine *m, bool populated,
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

/* ---- free_area ---------------------------------------------------------- */

static void smm_free_area_print(struct smm_machine *m __always_unused,
				struct smm_pglist_data *pgdat,
				struct smm_zone *zone, smm_emit_fn emit,
				void *ctx)
{
	/* A list cannot hold more blocks than the zone has pages. */
	unsigned long limit = zone->spanned_pages + 1;
	unsigned int order;
	int mt;

	for (order = 0; order < SMM_MAX_ORDER; order++) {
		for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++) {
			struct list_head *head, *pos;
			unsigned long count = 0;

			head = &zone->free_area[order].free_list[mt];
			for (pos = head->next; pos != head && count < limit;
			     pos = pos->next)
				count++;
			emit(ctx, "node %d zone %s order %u type %s nr_free %lu\n",
			     pgdat->node_id,
			     smm_zid_name(zone - pgdat->node_zones), order,
			     smm_migratetype_names[mt], count);
		}
	}
}

/*
 * free_area: the length of every buddy free list (pcp lists are not
 * included), one record a line, for every populated zone, order and
 * migratetype, in that nesting:
 *
 *	node 0 zone DMA32 order 3 type Movable nr_free 2
 */
void smm_show_free_area(struct smm_machine *m, smm_emit_fn emit, void *ctx)
{
	smm_walk_zones(m, true, smm_free_area_print, emit, ctx);
}

/* ---- histograms of the event counters ----------------------------------- */

/* Every table: a label column of this width, then the values. */
#define SMM_HIST_LABEL		"%-20s"
#define SMM_HIST_ORDER_W	10	/* columns keyed by order */
#define SMM_HIST_TYPE_W		12	/* columns keyed by migratetype */

static void smm_hist_order_header(smm_emit_fn emit, void *ctx,
				  const char *label)
{
	unsigned int order;

	emit(ctx, SMM_HIST_LABEL, label);
	for (order = 0; order < SMM_MAX_ORDER; order++)
		emit(ctx, " %*u", SMM_HIST_ORDER_W, order);
	emit(ctx, "\n");
}

static void smm_hist_type_header(smm_emit_fn emit, void *ctx,
				 const char *label)
{
	int mt;

	emit(ctx, SMM_HIST_LABEL, label);
	for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++)
		emit(ctx, " %*s", SMM_HIST_TYPE_W, smm_migratetype_names[mt]);
	emit(ctx, "\n");
}

static void smm_hist_row(smm_emit_fn emit, void *ctx, const char *label,
			 const u64 *vals, unsigned int n, int width)
{
	unsigned int i;

	emit(ctx, SMM_HIST_LABEL, label);
	for (i = 0; i < n; i++)
		emit(ctx, " %*llu", width, (unsigned long long)vals[i]);
	emit(ctx, "\n");
}

/* The sum of every CPU's counters, or NULL (and a line saying so). */
static struct smm_vm_events *smm_events_snapshot(struct smm_machine *m,
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

/*
 * rmqueue_hist: which free list __rmqueue_smallest() took each block from.
 * One table per migratetype that has any count (the migratetype the
 * block was taken as: the fallback's when __rmqueue_fallback stole it):
 * a title line, a header of current orders (the order of the free block
 * that was split), one row per requested order; then the pcp hits per
 * order (requests served from a per-cpu list, no free list touched):
 *
 *	migratetype Movable
 *	order\current                 0          1 ...         10
 *	0                             5          0 ...          1
 *	...
 *	10                            0          0 ...          0
 *	pcp_hit
 *	order                         0          1 ...         10
 *	count                       123          0 ...          0
 *
 * Every row: a label of up to 20 characters, then one number per column.
 */
void smm_show_rmqueue_hist(struct smm_machine *m, smm_emit_fn emit,
			   void *ctx)
{
	struct smm_vm_events *ev;
	unsigned int order, cur;
	char label[24];
	int mt;

	if (smm_no_buddy(m))
		return;
	ev = smm_events_snapshot(m, emit, ctx);
	if (!ev)
		return;
	for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++) {
		u64 total = 0;

		for (order = 0; order < SMM_MAX_ORDER; order++)
			for (cur = 0; cur < SMM_MAX_ORDER; cur++)
				total += ev->rmqueue[mt][order][cur];
		if (!total)
			continue;

		emit(ctx, "migratetype %s\n", smm_migratetype_names[mt]);
		smm_hist_order_header(emit, ctx, "order\\current");
		for (order = 0; order < SMM_MAX_ORDER; order++) {
			snprintf(label, sizeof(label), "%u", order);
			smm_hist_row(emit, ctx, label, ev->rmqueue[mt][order],
				     SMM_MAX_ORDER, SMM_HIST_ORDER_W);
		}
	}
	emit(ctx, "pcp_hit\n");
	smm_hist_order_header(emit, ctx, "order");
	smm_hist_row(emit, ctx, "count", ev->pcp_hit, SMM_MAX_ORDER,
		     SMM_HIST_ORDER_W);
	kfree(ev);
}

/*
 * fallback_hist: __rmqueue_fallback() events, from the migratetype asked
 * for (rows) to the migratetype of the free list used (columns); then, in
 * the same shape, those that stole the whole pageblock (its migratetype
 * changed to the one asked for):
 *
 *	fallback
 *	from\to                 Unmovable      Movable ...      Isolate
 *	Unmovable                       0           12 ...            0
 *	...
 *	steal
 *	from\to                 Unmovable      Movable ...      Isolate
 *	Unmovable                       0            3 ...            0
 *	...
 */
void smm_show_fallback_hist(struct smm_machine *m, smm_emit_fn emit,
			    void *ctx)
{
	struct smm_vm_events *ev;
	int mt;

	if (smm_no_buddy(m))
		return;
	ev = smm_events_snapshot(m, emit, ctx);
	if (!ev)
		return;
	emit(ctx, "fallback\n");
	smm_hist_type_header(emit, ctx, "from\\to");
	for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++)
		smm_hist_row(emit, ctx, smm_migratetype_names[mt],
			     ev->fallback[mt], SMM_MIGRATE_TYPES,
			     SMM_HIST_TYPE_W);
	emit(ctx, "steal\n");
	smm_hist_type_header(emit, ctx, "from\\to");
	for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++)
		smm_hist_row(emit, ctx, smm_migratetype_names[mt],
			     ev->steal[mt], SMM_MIGRATE_TYPES,
			     SMM_HIST_TYPE_W);
	kfree(ev);
}

/*
 * alloc_hist: smm_alloc_pages() outcomes by order: successes per zone the
 * page came from (one row per populated zone), then failures:
 *
 *	alloc_success
 *	order                         0          1 ...         10
 *	node 0 zone DMA               0          0 ...          0
 *	node 0 zone DMA32            42          1 ...          0
 *	...
 *	alloc_fail
 *	order                         0          1 ...         10
 *	count                         0          0 ...          3
 */
void smm_show_alloc_hist(struct smm_machine *m, smm_emit_fn emit, void *ctx)
{
	struct smm_vm_events *ev;
	char label[24];
	int i, zid;

	if (smm_no_buddy(m))
		return;
	ev = smm_events_snapshot(m, emit, ctx);
	if (!ev)
		return;
	emit(ctx, "alloc_success\n");
	smm_hist_order_header(emit, ctx, "order");
	for (i = 0; i < m->nr_nodes; i++) {
		int nid = m->node_ids[i];

		for (zid = 0; zid < SMM_MAX_NR_ZONES; zid++) {
			if (!smm_populated_zone(&m->node_data[nid].node_zones[zid]))
				continue;
			snprintf(label, sizeof(label), "node %d zone %s", nid,
				 smm_zone_names[zid]);
			smm_hist_row(emit, ctx, label,
				     ev->alloc_success[nid][zid],
				     SMM_MAX_ORDER, SMM_HIST_ORDER_W);
		}
	}
	emit(ctx, "alloc_fail\n");
	smm_hist_order_header(emit, ctx, "order");
	smm_hist_row(emit, ctx, "count", ev->alloc_fail, SMM_MAX_ORDER,
		     SMM_HIST_ORDER_W);
	kfree(ev);
}

/*
 * events: the scalar counters, "name value" a line, summed over CPUs:
 * watermark_fail, pcp_refill (rmqueue_bulk calls), pcp_drain
 * (free_pcppages_bulk calls) and verify_mismatch (pages whose verify tag
 * was wrong on free: a double allocation or a stray write).
 */
void smm_show_events(struct smm_machine *m, smm_emit_fn emit, void *ctx)
{
	struct smm_vm_events *ev;

	if (smm_no_buddy(m))
		return;
	ev = smm_events_snapshot(m, emit, ctx);
	if (!ev)
		return;
	emit(ctx, "watermark_fail %llu\n", (unsigned long long)ev->watermark_fail);
	emit(ctx, "pcp_refill %llu\n", (unsigned long long)ev->pcp_refill);
	emit(ctx, "pcp_drain %llu\n", (unsigned long long)ev->pcp_drain);
	emit(ctx, "verify_mismatch %llu\n",
	     (unsigned long long)ev->verify_mismatch);
	kfree(ev);
}

/* ---- NUMA ----------------------------------------------------------------- */

static void smm_show_one_zonelist(struct smm_machine *m, int nid,
				  const char *name,
				  const struct smm_zonelist *zl,
				  smm_emit_fn emit, void *ctx)
{
	const struct smm_zoneref *z;
	int prev = NUMA_NO_NODE;

	emit(ctx, "node %d %s:", nid, name);
	for (z = zl->_zonerefs; z->zone; z++) {
		if (z->zone->node == prev)
			continue;
		prev = z->zone->node;
		emit(ctx, " %d(%d)", prev, smm_node_distance(m, nid, prev));
	}
	emit(ctx, " zones:");
	for (z = zl->_zonerefs; z->zone; z++)
		emit(ctx, " %d/%s", z->zone->node, smm_zid_name(z->zone_idx));
	emit(ctx, "\n");
}

/*
 * zonelists: two lines a node, the fallback list (every node, the order
 * build_zonelists() gave) and the __GFP_THISNODE list:
 *
 *	node 0 fallback: 0(10) 1(20) zones: 0/Movable 0/Normal ... 1/DMA
 *	node 0 thisnode: 0(10) zones: 0/Movable 0/Normal 0/DMA32 0/DMA
 *
 * Nodes in the order the allocator tries them, each with its distance
 * from the list's node, then every zone of the list as node/zone.
 */
void smm_show_zonelists(struct smm_machine *m, smm_emit_fn emit, void *ctx)
{
	int i;

	if (smm_no_buddy(m))
		return;
	for (i = 0; i < m->nr_nodes; i++) {
		struct smm_pglist_data *pgdat = smm_nth_pgdat(m, i);

		smm_show_one_zonelist(m, pgdat->node_id, "fallback",
				      &pgdat->node_zonelists[SMM_ZONELIST_FALLBACK],
				      emit, ctx);
		smm_show_one_zonelist(m, pgdat->node_id, "thisnode",
				      &pgdat->node_zonelists[SMM_ZONELIST_NOFALLBACK],
				      emit, ctx);
	}
}

/* node<N>/numastat: /sys/devices/system/node/nodeN/numastat, verbatim. */
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
void smm_show_zonelist_fallback(struct smm_machine *m, smm_emit_fn emit,
				void *ctx)
{
	struct smm_vm_events *ev;
	int i, j;

	if (smm_no_buddy(m))
		return;
	ev = smm_events_snapshot(m, emit, ctx);
	if (!ev)
		return;
	for (i = 0; i < SMM_MAX_NUMNODES; i++)
		for (j = 0; j < SMM_MAX_NUMNODES; j++)
			if (ev->zonelist_fallback[i][j])
				emit(ctx, "%d %d %llu\n", i, j,
				     (unsigned long long)ev->zonelist_fallback[i][j]);
	kfree(ev);
}

/* ---- rmqueue_trace ------------------------------------------------------ */

/* Records copied per hold of ring->lock. */
#define SMM_RING_CHUNK		64

/*
 * rmqueue_trace: the ring's events, oldest first, one a line:
 *
 *	seq 7 pfn 0x8a00 nid 0 zone DMA32 order 0 current_order 3 migratetype Movable pcp 0
 *
 * Event k (k = 0, 1, ...) lives in recs[k % size] until event k + size
 * overwrites it. The events present when the read starts are printed;
 * ring->lock is held only while a chunk of them is copied out, so
 * allocations go on while this prints, and an event overwritten before
 * its chunk was copied is left out (a gap in seq).
 */
void smm_show_rmqueue_trace(struct smm_machine *m, smm_emit_fn emit,
			    void *ctx)
{
	struct smm_rmqueue_ring *ring = &m->rmqueue_ring;
	struct smm_rmqueue_rec *buf;
	unsigned long flags;
	unsigned int i, n;
	u64 next, end;

	if (smm_no_buddy(m) || !ring->size || !ring->recs)
		return;
	buf = kcalloc(SMM_RING_CHUNK, sizeof(*buf), GFP_KERNEL);
	if (!buf) {
		emit(ctx, "error: out of memory\n");
		return;
	}

	smm_spin_lock_irqsave(&ring->lock, flags);
	end = ring->seq;
	smm_spin_unlock_irqrestore(&ring->lock, flags);
	next = end > ring->size ? end - ring->size : 0;

	while (next < end) {
		smm_spin_lock_irqsave(&ring->lock, flags);
		if (ring->seq > ring->size && next < ring->seq - ring->size)
			next = ring->seq - ring->size;
		n = 0;
		while (n < SMM_RING_CHUNK && next + n < end) {
			buf[n] = ring->recs[(next + n) % ring->size];
			n++;
		}
		smm_spin_unlock_irqrestore(&ring->lock, flags);

		for (i = 0; i < n; i++) {
			const struct smm_rmqueue_rec *r = &buf[i];

			emit(ctx,
			     "seq %llu pfn 0x%lx nid %d zone %s order %u current_order %u migratetype %s pcp %d\n",
			     (unsigned long long)r->seq, r->pfn, r->nid,
			     smm_zid_name(r->zone), r->order,
			     r->current_order, smm_mt_name(r->migratetype),
			     r->pcp ? 1 : 0);
		}
		next += n;
	}
	kfree(buf);
}

/* ---- check -------------------------------------------------------------- */

struct smm_chk {
	struct smm_machine *m;
	smm_emit_fn emit;
	void *ctx;
	int violations;
	/* free blocks on a list of another type than their pageblock */
	unsigned long mt_mismatch;
	unsigned long free_blocks;
	/* the zone being walked, its node and name */
	struct smm_zone *zone;
	int nid;
	int zid;
	const char *zname;
	/* one bit per pfn of the span: in a free block; heads a list entry */
	unsigned long *seen;
	unsigned long *listed;
};

/* Count every violation, print the first SMM_CHECK_MAX_REPORTS. */
#define smm_chk_report(c, fmt, ...)					\
	do {								\
		struct smm_chk *__c = (c);				\
									\
		if (__c->violations++ < SMM_CHECK_MAX_REPORTS)		\
			__c->emit(__c->ctx, fmt "\n", ##__VA_ARGS__);	\
	} while (0)

#define SMM_BITS_PER_LONG	(8 * sizeof(unsigned long))

static bool smm_chk_test_and_set(unsigned long *map, unsigned long bit)
{
	unsigned long mask = 1UL << (bit % SMM_BITS_PER_LONG);
	unsigned long *word = &map[bit / SMM_BITS_PER_LONG];
	bool old = *word & mask;

	*word |= mask;
	return old;
}

/*
 * The pfn of @page if it is a struct page of some node's memory map. List
 * entries are checked with this before they are followed, so a corrupted
 * list is reported rather than walked into the weeds.
 */
static bool smm_chk_page_pfn(struct smm_machine *m,
			     const struct smm_page *page, unsigned long *pfn)
{
	uintptr_t p = (uintptr_t)page;
	int i;

	for (i = 0; i < m->nr_nodes; i++) {
		const struct smm_pglist_data *pgdat = smm_nth_pgdat(m, i);
		const struct smm_page *map;
		uintptr_t start, end;

		if (!pgdat->node_mem_map)
			continue;
		map = pgdat->node_mem_map -
		      (pgdat->node_start_pfn - pgdat->memmap_start_pfn);
		start = (uintptr_t)map;
		end = start + (pgdat->memmap_end_pfn - pgdat->memmap_start_pfn) *
			      sizeof(*map);
		if (p < start || p >= end || (p - start) % sizeof(*map))
			continue;
		*pfn = pgdat->memmap_start_pfn + (p - start) / sizeof(*map);
		return true;
	}
	return false;
}

/*
 * What can be wrong with a free block, on a buddy or a pcp list; true when
 * it lies in the zone and its page says so, i.e. its pageblock can be
 * looked up.
 */
static bool smm_chk_block(struct smm_chk *c, const char *where,
			  const struct smm_page *page, unsigned long pfn,
			  unsigned int order)
{
	struct smm_zone *zone = c->zone;
	unsigned long nr = 1UL << order, end = smm_zone_end_pfn(zone);
	unsigned long nid = (page->flags >> SMM_PAGE_NODE_SHIFT) &
			    SMM_PAGE_NODE_MASK;
	unsigned long zid = (page->flags >> SMM_PAGE_ZONE_SHIFT) &
			    SMM_PAGE_ZONE_MASK;
	unsigned long p, first = 0;
	bool overlap = false, sane = true;

	if (page->flags & BIT(SMM_PG_reserved))
		smm_chk_report(c, "%s pfn 0x%lx: PG_reserved on a free page",
			       where, pfn);
	if (page->flags & BIT(SMM_PG_head))
		smm_chk_report(c, "%s pfn 0x%lx: PG_head (allocated) on a free page",
			       where, pfn);
	if (pfn & (nr - 1))
		smm_chk_report(c, "%s pfn 0x%lx: not aligned to its order %u",
			       where, pfn, order);
	if (pfn < zone->zone_start_pfn || pfn + nr > end) {
		smm_chk_report(c, "%s pfn 0x%lx: block of %lu pages outside the zone [0x%lx-0x%lx)",
			       where, pfn, nr, zone->zone_start_pfn, end);
		sane = false;
	}
	if (nid != (unsigned long)c->nid || zid != (unsigned long)c->zid) {
		smm_chk_report(c, "%s pfn 0x%lx: page flags say node %lu zone %lu",
			       where, pfn, nid, zid);
		sane = false;
	}

	for (p = max(pfn, zone->zone_start_pfn); p < min(pfn + nr, end); p++) {
		if (smm_chk_test_and_set(c->seen, p - zone->zone_start_pfn) &&
		    !overlap) {
			overlap = true;
			first = p;
		}
	}
	if (overlap)
		smm_chk_report(c, "%s pfn 0x%lx: overlaps another free block at pfn 0x%lx",
			       where, pfn, first);
	return sane;
}

/* The list being walked: its order, a buddy list's type, or pcp. */
struct smm_chk_list {
	unsigned int order;
	int mt;
	bool pcp;
};

static void smm_chk_visit(struct smm_chk *c, const char *where,
			  const struct smm_page *page, unsigned long pfn,
			  const struct smm_chk_list *l)
{
	unsigned long want = l->pcp ? BIT(SMM_PG_pcp) : BIT(SMM_PG_buddy);
	unsigned long other = l->pcp ? BIT(SMM_PG_buddy) : BIT(SMM_PG_pcp);
	int block_mt;
	bool sane;

	if (!(page->flags & want))
		smm_chk_report(c, "%s pfn 0x%lx: not %s (flags 0x%lx)", where,
			       pfn, l->pcp ? "PG_pcp" : "PageBuddy",
			       page->flags);
	if (page->flags & other)
		smm_chk_report(c, "%s pfn 0x%lx: also %s", where, pfn,
			       l->pcp ? "PageBuddy" : "PG_pcp");
	if (page->private != l->order)
		smm_chk_report(c, "%s pfn 0x%lx: private %lu, not the order",
			       where, pfn, page->private);
	sane = smm_chk_block(c, where, page, pfn, l->order);

	if (l->pcp)
		return;
	c->free_blocks++;
	if (!sane)
		return;
	/* Informational: fallbacks leave pages in foreign pageblocks. */
	block_mt = smm_get_pageblock_migratetype(c->m, pfn);
	if (block_mt != l->mt)
		c->mt_mismatch++;
}

/*
 * Follow the free list @head, each entry checked before it is followed,
 * and check each block on it. Returns the number of entries.
 */
static unsigned long smm_chk_walk(struct smm_chk *c, const char *where,
				  struct list_head *head,
				  const struct smm_chk_list *l)
{
	struct smm_zone *zone = c->zone;
	unsigned long limit = zone->spanned_pages, n = 0, pfn;
	struct list_head *pos;

	for (pos = head->next; pos != head; pos = pos->next) {
		struct smm_page *page = list_entry(pos, struct smm_page, lru);

		/* the backstop for loops through pages outside the span */
		if (n == limit) {
			smm_chk_report(c, "%s: more entries than the zone has pages (a loop?)",
				       where);
			break;
		}
		if (!smm_chk_page_pfn(c->m, page, &pfn)) {
			smm_chk_report(c, "%s: entry %lu is not a page of the memory map",
				       where, n);
			break;
		}
		if (smm_zone_spans_pfn(zone, pfn) &&
		    smm_chk_test_and_set(c->listed, pfn - zone->zone_start_pfn)) {
			smm_chk_report(c, "%s: pfn 0x%lx is on a list twice (a loop?)",
				       where, pfn);
			break;
		}
		smm_chk_visit(c, where, page, pfn, l);
		n++;
	}
	return n;
}

/* pindex_to_order() of v6.1: low orders by type, then the THP list. */
static unsigned int smm_chk_pindex_order(unsigned int pindex)
{
	if (pindex >= SMM_NR_LOWORDER_PCP_LISTS)
		return SMM_PAGEBLOCK_ORDER;
	return pindex / SMM_MIGRATE_PCPTYPES;
}

static void smm_chk_pcp(struct smm_chk *c, unsigned int cpu)
{
	struct smm_zone *zone = c->zone;
	struct smm_per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];
	unsigned long flags, pages = 0;
	unsigned int pindex;
	char where[96];

	smm_spin_lock_irqsave(&pcp->lock, flags);
	for (pindex = 0; pindex < SMM_NR_PCP_LISTS; pindex++) {
		struct smm_chk_list l = {
			.order = smm_chk_pindex_order(pindex),
			.pcp = true,
		};

		snprintf(where, sizeof(where),
			 "node %d zone %s cpu %u pcp list %u order %u",
			 c->nid, c->zname, cpu, pindex, l.order);
		pages += smm_chk_walk(c, where, &pcp->lists[pindex], &l) <<
			 l.order;
	}
	if ((unsigned long)pcp->count != pages)
		smm_chk_report(c, "node %d zone %s cpu %u: pcp count %d, %lu pages on its lists",
			       c->nid, c->zname, cpu, pcp->count, pages);
	smm_spin_unlock_irqrestore(&pcp->lock, flags);
}

static void smm_chk_buddy(struct smm_chk *c)
{
	struct smm_zone *zone = c->zone;
	unsigned long flags, pages = 0;
	unsigned int order;
	char where[96];
	int mt;

	smm_spin_lock_irqsave(&zone->lock, flags);
	for (order = 0; order < SMM_MAX_ORDER; order++) {
		struct smm_free_area *area = &zone->free_area[order];
		unsigned long blocks = 0;

		for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++) {
			struct smm_chk_list l = { .order = order, .mt = mt };

			snprintf(where, sizeof(where),
				 "node %d zone %s order %u type %s", c->nid,
				 c->zname, order, smm_migratetype_names[mt]);
			blocks += smm_chk_walk(c, where, &area->free_list[mt],
					       &l);
		}
		if (area->nr_free != blocks)
			smm_chk_report(c,
				       "node %d zone %s order %u: nr_free %lu, %lu blocks on its lists",
				       c->nid, c->zname, order, area->nr_free,
				       blocks);
		pages += area->nr_free << order;
	}
	if (zone->nr_free_pages < 0 ||
	    (unsigned long)zone->nr_free_pages != pages)
		smm_chk_report(c, "node %d zone %s: nr_free_pages %ld, free_area holds %lu",
			       c->nid, c->zname, zone->nr_free_pages, pages);
	smm_spin_unlock_irqrestore(&zone->lock, flags);
}

/* Pages of [lo, hi) inside [start, end). */
static unsigned long smm_chk_clip(unsigned long lo, unsigned long hi,
				  unsigned long start, unsigned long end)
{
	lo = max(lo, start);
	hi = min(hi, end);
	return hi > lo ? hi - lo : 0;
}

/*
 * present: the node's memblock.memory pages in the span; managed: those
 * memblock_free_all() released, i.e. present minus what memblock.reserved
 * holds (free ranges are memory minus reserved, in whole pages).
 */
static void smm_chk_sizes(struct smm_chk *c)
{
	struct smm_zone *zone = c->zone;
	struct smm_memblock *mb = &c->m->memblock;
	unsigned long start = zone->zone_start_pfn, end = smm_zone_end_pfn(zone);
	unsigned long spfn, epfn, present = 0, managed = 0;
	phys_addr_t pstart, pend;

	smm_for_each_mem_pfn_range(mb, c->nid, &spfn, &epfn, NULL)
		present += smm_chk_clip(spfn, epfn, start, end);
	smm_for_each_free_mem_range(mb, c->nid, SMM_MEMBLOCK_NONE,
				    &pstart, &pend, NULL)
		managed += smm_chk_clip(PFN_UP(pstart), PFN_DOWN(pend), start,
					end);

	if (zone->present_pages != present)
		smm_chk_report(c,
			       "node %d zone %s: present %lu, memblock.memory has %lu pages in the span",
			       c->nid, c->zname,
			       zone->present_pages, present);
	if (zone->managed_pages != managed)
		smm_chk_report(c,
			       "node %d zone %s: managed %lu, present %lu - %lu reserved in memblock = %lu",
			       c->nid, c->zname,
			       zone->managed_pages, present, present - managed,
			       managed);
}

static int smm_chk_zone(struct smm_chk *c)
{
	struct smm_zone *zone = c->zone;
	unsigned long longs;
	unsigned int cpu;

	smm_chk_sizes(c);
	if (!smm_populated_zone(zone)) {
		if (zone->managed_pages || zone->nr_free_pages)
			smm_chk_report(c,
				       "node %d zone %s: unpopulated, but managed %lu nr_free_pages %ld",
				       c->nid, c->zname,
				       zone->managed_pages,
				       zone->nr_free_pages);
		return 0;
	}

	longs = (zone->spanned_pages + SMM_BITS_PER_LONG - 1) /
		SMM_BITS_PER_LONG;
	c->seen = kcalloc(longs, sizeof(unsigned long), GFP_KERNEL);
	c->listed = kcalloc(longs, sizeof(unsigned long), GFP_KERNEL);
	if (!c->seen || !c->listed) {
		kfree(c->seen);
		kfree(c->listed);
		return -ENOMEM;
	}

	smm_chk_buddy(c);
	if (!zone->per_cpu_pageset)
		smm_chk_report(c, "node %d zone %s: populated, but no per-cpu pagesets",
			       c->nid, c->zname);
	for (cpu = 0; zone->per_cpu_pageset && cpu < c->m->nr_cpus; cpu++)
		smm_chk_pcp(c, cpu);

	kfree(c->seen);
	kfree(c->listed);
	c->seen = NULL;
	c->listed = NULL;
	return 0;
}

/*
 * check: for every zone of every node,
 *  - each block on a buddy free list is PageBuddy, not PG_pcp, with
 *    private == its order; each page on a pcp list is PG_pcp, not
 *    PageBuddy, with private == the list's order;
 *  - neither is PG_reserved or PG_head, its pfn is aligned to its order,
 *    the block lies inside the zone and its page flags name the zone;
 *  - no two free blocks (buddy or pcp) overlap;
 *  - free_area[order].nr_free counts the blocks on its lists,
 *    nr_free_pages is the sum of nr_free << order, each pcp count the
 *    pages on its lists;
 *  - present_pages is what memblock.memory has in the span and
 *    managed_pages that minus what memblock.reserved holds;
 *  - and totalram_pages is the sum of managed_pages.
 * Each zone's free lists are walked under its zone->lock, each pcp under
 * its own lock, one after the other: the buddy and pcp walks are not one
 * atomic snapshot, so a page that moves between them while allocations
 * run may show up as an overlap.
 *
 * A block on a list of another migratetype than its pageblock is normal
 * (a fallback that did not steal the block): such blocks are counted on an
 * "info:" line, not as violations.
 */
int smm_check(struct smm_machine *m, smm_emit_fn emit, void *ctx)
{
	struct smm_chk c = { .m = m, .emit = emit, .ctx = ctx };
	unsigned long managed = 0;
	int i, zid;

	if (smm_no_buddy(m)) {
		emit(ctx, "info: no buddy allocator (upto=memmap): nothing to check\n");
		emit(ctx, "OK\n");
		return 0;
	}
	for (i = 0; i < m->nr_nodes; i++) {
		struct smm_pglist_data *pgdat = smm_nth_pgdat(m, i);

		for (zid = 0; zid < SMM_MAX_NR_ZONES; zid++) {
			c.zone = &pgdat->node_zones[zid];
			c.nid = pgdat->node_id;
			c.zid = zid;
			c.zname = smm_zone_names[zid];
			managed += c.zone->managed_pages;
			if (smm_chk_zone(&c)) {
				emit(ctx, "error: out of memory\n");
				return -ENOMEM;
			}
		}
	}
	if (m->totalram_pages != managed)
		smm_chk_report(&c, "totalram_pages %lu, the zones manage %lu",
			       m->totalram_pages, managed);

	if (c.mt_mismatch)
		emit(ctx,
		     "info: %lu of %lu free blocks are on the list of another migratetype than their pageblock's\n",
		     c.mt_mismatch, c.free_blocks);
	if (c.violations)
		emit(ctx, "FAILED: %d violation%s\n", c.violations,
		     c.violations == 1 ? "" : "s");
	else
		emit(ctx, "OK\n");
	return c.violations;
}
