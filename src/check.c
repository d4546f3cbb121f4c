// SPDX-License-Identifier: GPL-2.0
/*
 * check: the shadow's full consistency walk of its buddy allocator (the
 * debugfs `check` file, and the host tests' oracle after every step). It
 * has no counterpart in the kernel's mm/: it reads what mm/ keeps through
 * the helpers of src/mm/internal.h and never changes anything.
 *
 * Portable: builds into the module and into the host unit tests.
 */
#include "mm/internal.h"

struct smm_chk {
	struct smm_machine *m;
	smm_emit_fn emit;
	void *ctx;
	int violations;
	/* free blocks on a list of another type than their pageblock */
	unsigned long mt_mismatch;
	unsigned long free_blocks;
	/* zones whose buddy and pcp lists were not walked as one snapshot */
	unsigned long unlocked_zones;
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

/*
 * The most pcp locks held at once (smm_chk_lists()): one lockdep subclass
 * each (MAX_LOCKDEP_SUBCLASSES is 8), so that lockdep sees an order
 * among them rather than recursion.
 */
#define SMM_CHECK_MAX_LOCKED_CPUS	8

static bool smm_chk_test_and_set(unsigned long *map, unsigned long bit)
{
	unsigned long mask = 1UL << (bit % SMM_BITS_PER_LONG);
	unsigned long *word = &map[bit / SMM_BITS_PER_LONG];
	bool old = *word & mask;

	*word |= mask;
	return old;
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
		/* checked before it is followed: a corrupted list is reported */
		if (!smm_page_in_memmap(c->m, page, &pfn)) {
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

static void smm_chk_pcp(struct smm_chk *c, unsigned int cpu)
{
	struct smm_zone *zone = c->zone;
	struct smm_per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];
	unsigned long pages = 0;
	unsigned int pindex;
	char where[96];

	for (pindex = 0; pindex < SMM_NR_PCP_LISTS; pindex++) {
		struct smm_chk_list l = {
			.order = smm_pindex_to_order(pindex),
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
}

static void smm_chk_buddy(struct smm_chk *c)
{
	struct smm_zone *zone = c->zone;
	unsigned long pages = 0;
	unsigned int order;
	char where[96];
	int mt;

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
}

/*
 * The buddy and the pcp lists of the zone as one snapshot: a block moves
 * between them (smm_rmqueue_bulk(), smm_free_pcppages_bulk()) with its
 * pcp lock and zone->lock held, so with all of them held nothing moves.
 * They are taken in the allocator's order, pcp lock -> zone->lock: every
 * pcp lock of the zone in CPU order, the first irqsave and the others
 * as lockdep subclass cpu (nothing else holds two pcp locks, so the order
 * among them is the check's alone), then zone->lock. Irqs stay off for
 * one zone's walk.
 */
static void smm_chk_lists(struct smm_chk *c)
{
	struct smm_zone *zone = c->zone;
	struct smm_per_cpu_pages *pcps = zone->per_cpu_pageset;
	unsigned int cpu, nr = c->m->nr_cpus;
	unsigned long flags;

	smm_spin_lock_irqsave(&pcps[0].lock, flags);
	/* sparse cannot count locks taken in a loop: they are held as one */
	for (cpu = 1; cpu < nr; cpu++) {
		smm_spin_lock_nested(&pcps[cpu].lock, cpu);
		__release(&pcps[cpu].lock);
	}
	smm_spin_lock(&zone->lock);

	smm_chk_buddy(c);
	for (cpu = 0; cpu < nr; cpu++)
		smm_chk_pcp(c, cpu);

	smm_spin_unlock(&zone->lock);
	for (cpu = nr - 1; cpu > 0; cpu--) {
		__acquire(&pcps[cpu].lock);
		smm_spin_unlock(&pcps[cpu].lock);
	}
	smm_spin_unlock_irqrestore(&pcps[0].lock, flags);
}

/*
 * Each list under its own lock, one after the other, when the zone has no
 * pcp lists to lock or more CPUs than SMM_CHECK_MAX_LOCKED_CPUS: not a
 * snapshot, so
 * a block that moves between the walks can show up as an overlap.
 */
static void smm_chk_lists_unlocked(struct smm_chk *c)
{
	struct smm_zone *zone = c->zone;
	struct smm_per_cpu_pages *pcp;
	unsigned long flags;
	unsigned int cpu;

	smm_spin_lock_irqsave(&zone->lock, flags);
	smm_chk_buddy(c);
	smm_spin_unlock_irqrestore(&zone->lock, flags);
	for (cpu = 0; zone->per_cpu_pageset && cpu < c->m->nr_cpus; cpu++) {
		pcp = &zone->per_cpu_pageset[cpu];
		smm_spin_lock_irqsave(&pcp->lock, flags);
		smm_chk_pcp(c, cpu);
		smm_spin_unlock_irqrestore(&pcp->lock, flags);
	}
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

	if (!zone->per_cpu_pageset)
		smm_chk_report(c, "node %d zone %s: populated, but no per-cpu pagesets",
			       c->nid, c->zname);
	if (zone->per_cpu_pageset && c->m->nr_cpus &&
	    c->m->nr_cpus <= SMM_CHECK_MAX_LOCKED_CPUS) {
		smm_chk_lists(c);
	} else {
		smm_chk_lists_unlocked(c);
		if (zone->per_cpu_pageset)
			c->unlocked_zones++;
	}

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
 *  - and totalram_pages is the sum of managed_pages;
 *  - then the slabs (src/check_slab.c).
 * Each zone's buddy and pcp lists are walked as one snapshot, with all
 * its pcp locks and its zone->lock held (smm_chk_lists()), so allocations
 * and frees on other CPUs meanwhile (ctl `stress`) cannot make a
 * consistent allocator look broken; one zone at a time, so irqs are off
 * for one zone's walk. With more than SMM_CHECK_MAX_LOCKED_CPUS CPUs the
 * lists are walked one lock at a time, an "info:" line says so, and a
 * block that moves meanwhile can show up as an overlap.
 *
 * A block on a list of another migratetype than its pageblock is normal
 * (a fallback that did not steal the block): such blocks are counted on an
 * "info:" line, not as violations.
 */
int smm_check(struct smm_machine *m, smm_emit_fn emit, void *ctx)
{
	struct smm_chk c = { .m = m, .emit = emit, .ctx = ctx };
	unsigned long managed = 0;
	int i, zid, ret;

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

	ret = smm_check_slab(m, emit, ctx,
			     max(SMM_CHECK_MAX_REPORTS - c.violations, 0));
	if (ret < 0)
		return ret;
	c.violations += ret;

	if (c.unlocked_zones)
		emit(ctx,
		     "info: %lu zone(s) walked one lock at a time (%u CPUs): not a snapshot while allocations run\n",
		     c.unlocked_zones, m->nr_cpus);
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
