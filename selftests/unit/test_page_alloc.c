// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the zones and the buddy allocator (src/mm/mm_init.c,
 * src/mm/page_alloc.c): zone layout, memblock_free_all, watermarks,
 * lowmem_reserve, pcp sizing, zonelists, gfp to zone and migratetype,
 * expand, merging, pcp refill/trim/drain, migratetype fallback and block
 * stealing, the watermark slowpath, counters, the rmqueue ring, __GFP_ZERO,
 * verify tags, bad frees, determinism, and property runs that check every
 * free list and pcp list after every step.
 *
 * Machines are booted through smm_boot() below 64 GiB, where the harness
 * backs "physical" memory. Expected numbers are worked out by hand in the
 * comments from the v6.1 formulas.
 */
#include <stdarg.h>

#include "harness.h"
#include "shadowmm/machine.h"
#include "shadowmm/ctl.h"
#include "shadowmm/vmstat.h"
#include "shadowmm/views.h"
#include "../../src/mm/internal.h"


#define N0		SZ_1G
#define N1		SZ_2G

#define DMA		SMM_ZONE_DMA
#define DMA32		SMM_ZONE_DMA32
#define NORMAL		SMM_ZONE_NORMAL
#define MOVABLE		SMM_ZONE_MOVABLE

#define MT_UNMOV	SMM_MIGRATE_UNMOVABLE
#define MT_MOV		SMM_MIGRATE_MOVABLE
#define MT_RECL		SMM_MIGRATE_RECLAIMABLE
#define MT_HIGHATOMIC	SMM_MIGRATE_HIGHATOMIC
#define MT_ISOLATE	SMM_MIGRATE_ISOLATE

#define G_DMA		SMM___GFP_DMA
#define G_DMA32		SMM___GFP_DMA32
#define G_HIGHMEM	SMM___GFP_HIGHMEM
#define G_MOVABLE	SMM___GFP_MOVABLE
#define G_RECL		SMM___GFP_RECLAIMABLE
#define G_HIGH		SMM___GFP_HIGH
#define G_ATOMIC	SMM___GFP_ATOMIC
#define G_ZERO		SMM___GFP_ZERO
#define G_THISNODE	SMM___GFP_THISNODE

static struct smm_machine *m;
static struct smm_vm_events ev;
/* fresh() boots with these: the sparsemem variants of a few runs set them */
static enum smm_memory_model memory_model;
static u64 section_size;

/* Allocations a test holds: what the walk expects not to be free. */
#define MAX_LIVE	4096

struct live {
	struct smm_page *page;
	unsigned int order;
};

static struct live live[MAX_LIVE];
static unsigned int nr_live;

static struct smm_capture blog;

/*
 * A zeroed machine with the given reservations and no chunks. The
 * previous machine is torn down (its pagesets and counters freed) and
 * freed; the last one stays reachable from @m for LeakSanitizer.
 */
static void fresh(phys_addr_t fw, phys_addr_t kern, phys_addr_t initrd)
{
	if (m)
		smm_machine_teardown(m);
	free(m);
	m = calloc(1, sizeof(*m));
	ASSERT_TRUE(m);
	m->region.backend = "test";
	m->cfg.firmware_size = fw;
	m->cfg.kernel_size = kern;
	m->cfg.initrd_size = initrd;
	m->cfg.memory_model = memory_model;
	m->cfg.section_size = section_size;
	memset(&blog, 0, sizeof(blog));
	smm_ucpu = 0;
	smm_unr_cpus = 2;
	smm_unode = 0;
	nr_live = 0;
}

#define BOOT()		ASSERT_EQ(0, boot())

static int boot(void)
{
	int ret = smm_boot(m, smm_capture_emit, &blog);

	/* what the boot itself traced is not the test's business */
	memset(&smm_trace, 0, sizeof(smm_trace));
	return ret;
}

/*
 * The reference machine (test_boot.c's): node 0 = [1G, 1G + 32M) =
 * pfn [0x40000, 0x42000), node 1 = [2G, 2G + 32M) = [0x80000, 0x82000);
 * firmware 64K, kernel 4M, initrd 2M. Reserved: firmware
 * [0x40000, 0x40010), kernel [0x40200, 0x40600), map 0 [0x41f80, 0x42000),
 * map 1 [0x81d80, 0x81e00), initrd [0x81e00, 0x82000).
 *
 * Scaled zones of an 8192-page node: DMA 1/16 = 512, DMA32 to 6/16 =
 * 3072, Normal to 12/16 = 6144, all pageblock multiples already:
 *   node 0: DMA [0x40000, 0x40200) managed 512 - 16 = 496
 *           DMA32 [0x40200, 0x40c00) 2560 - 1024 = 1536
 *           Normal [0x40c00, 0x41800) 3072
 *           Movable [0x41800, 0x42000) 2048 - 128 = 1920
 *   node 1: DMA 512, DMA32 2560, Normal 3072, Movable 2048 - 640 = 1408
 * 14576 managed pages in all.
 */
#define STD_MANAGED	14576

static void std_machine(void)
{
	fresh(SZ_64K, SZ_4M, SZ_2M);
	smm_test_add_chunk(m, N0, SZ_32M, 0);
	smm_test_add_chunk(m, N1, SZ_32M, 1);
	BOOT();
}

/*
 * One node of 256M: pfn [0x40000, 0x50000), zones DMA [0x40000, 0x41000),
 * DMA32 [0x41000, 0x46000), Normal [0x46000, 0x4c000), Movable
 * [0x4c000, 0x50000). Firmware and kernel in DMA, map (4M) and initrd at
 * the top of Movable: managed 3056, 20480, 24576, 14848 = 62960. Large
 * enough for pcp batches above 1.
 */
static void big_machine(void)
{
	fresh(SZ_64K, SZ_4M, SZ_2M);
	smm_test_add_chunk(m, N0, SZ_256M, 0);
	BOOT();
}

static struct smm_zone *Z(int nid, int zid)
{
	return &m->node_data[nid].node_zones[zid];
}

static struct smm_page *PG(unsigned long pfn)
{
	struct smm_page *page = smm_pfn_to_page(m, pfn);

	ASSERT_TRUE(page);
	return page;
}

static unsigned long PFN(const struct smm_page *page)
{
	return smm_page_to_pfn(m, page);
}

/* Every allocation a test makes is live until pfree()d. */
/*
 * The tests' gfp are modifiers of GFP_KERNEL, as a caller writes
 * GFP_KERNEL | __GFP_DMA: the request may block (reclaim), unless it is
 * atomic (G_ATOMIC: GFP_ATOMIC's __GFP_KSWAPD_RECLAIM only). G_NOBLOCK
 * (a bit outside the gfp) asks for a request without either reclaim bit,
 * as GFP_NOWAIT without kswapd: the gfp passes as it is.
 */
#define G_NOBLOCK	0x80000000u

static unsigned int test_gfp(unsigned int gfp)
{
	if (gfp & G_NOBLOCK)
		return gfp & ~G_NOBLOCK;
	if (gfp & G_ATOMIC)
		return gfp | SMM___GFP_KSWAPD_RECLAIM;
	return gfp | SMM_GFP_KERNEL;
}

static struct smm_page *alloc(unsigned int gfp, unsigned int order, int nid)
{
	struct smm_page *page = smm_alloc_pages(m, test_gfp(gfp), order, nid,
						NULL);

	if (page) {
		ASSERT_TRUE(nr_live < MAX_LIVE);
		live[nr_live].page = page;
		live[nr_live++].order = order;
	}
	return page;
}

/* smm_free_pages(), and the block is no longer live if it was */
static void pfree(struct smm_page *page, unsigned int order)
{
	unsigned int i;

	smm_free_pages(m, page, order);
	for (i = 0; i < nr_live; i++)
		if (live[i].page == page && live[i].order == order) {
			live[i] = live[--nr_live];
			break;
		}
}

/* allocate, and the block must come from @pfn */
#define ALLOC_AT(pfn, gfp, order, nid)					\
	ASSERT_EQ(pfn, alloc_pfn(gfp, order, nid))

static unsigned long alloc_pfn(unsigned int gfp, unsigned int order, int nid)
{
	struct smm_page *page = alloc(gfp, order, nid);

	return page ? PFN(page) : ~0UL;
}

static void events(void)
{
	smm_vm_events_sum(m, &ev);
}

static unsigned long nr_free(int nid, int zid, unsigned int order)
{
	return Z(nid, zid)->free_area[order].nr_free;
}

/* The block heading @mt's list of @order in zone (nid, zid), or ~0UL. */
static unsigned long list_first(int nid, int zid, unsigned int order, int mt)
{
	struct list_head *h = &Z(nid, zid)->free_area[order].free_list[mt];

	if (list_empty(h))
		return ~0UL;
	return PFN(list_first_entry(h, struct smm_page, lru));
}

static unsigned long list_len(struct list_head *h)
{
	struct list_head *p;
	unsigned long n = 0;

	for (p = h->next; p != h; p = p->next)
		n++;
	return n;
}

/* zone->free_area[].nr_free of every zone of every node */
struct buddy_snap {
	unsigned long nr_free[SMM_MAX_NUMNODES][SMM_MAX_NR_ZONES][SMM_MAX_ORDER];
};

static struct buddy_snap snap_init, snap_now;

static void buddy_snap(struct buddy_snap *s)
{
	int nid, zid, o;

	memset(s, 0, sizeof(*s));
	for (nid = 0; nid < SMM_MAX_NUMNODES; nid++)
		for (zid = 0; zid < SMM_MAX_NR_ZONES; zid++)
			for (o = 0; o < SMM_MAX_ORDER; o++)
				s->nr_free[nid][zid][o] = nr_free(nid, zid, o);
}

#define ASSERT_BUDDY_SAME(a, b)	assert_buddy_same(__FILE__, __LINE__, a, b)

static void assert_buddy_same(const char *file, int line,
			      const struct buddy_snap *a,
			      const struct buddy_snap *b)
{
	int nid, zid, o;
	char what[64];

	for (nid = 0; nid < SMM_MAX_NUMNODES; nid++)
		for (zid = 0; zid < SMM_MAX_NR_ZONES; zid++)
			for (o = 0; o < SMM_MAX_ORDER; o++) {
				snprintf(what, sizeof(what),
					 "node %d zone %d nr_free[%d]", nid, zid,
					 o);
				smm_assert_u64(file, line, "before",
					       a->nr_free[nid][zid][o], what,
					       b->nr_free[nid][zid][o], true);
			}
}

/* nr_free of orders 0..10 of one zone, as a compact expectation */
#define ASSERT_ORDERS(nid, zid, ...)					\
	assert_orders(__FILE__, __LINE__, nid, zid,			\
		      (const unsigned long[SMM_MAX_ORDER]) { __VA_ARGS__ })

static void assert_orders(const char *file, int line, int nid, int zid,
			  const unsigned long *want)
{
	char what[64];
	int o;

	for (o = 0; o < SMM_MAX_ORDER; o++) {
		snprintf(what, sizeof(what), "node %d zone %d nr_free[%d]",
			 nid, zid, o);
		smm_assert_u64(file, line, "expected", want[o], what,
			       nr_free(nid, zid, o), true);
	}
}

/* Move a free block (head @pfn, on some list of @order) to @mt's list. */
static void retype_free_block(unsigned long pfn, unsigned int order, int mt)
{
	struct smm_page *page = PG(pfn);
	struct smm_zone *zone = smm_page_zone(m, page);
	unsigned long p;

	ASSERT_TRUE(smm_page_buddy(page));
	ASSERT_EQ(order, page->private);
	for (p = pfn; p < pfn + (1UL << order); p += SMM_PAGEBLOCK_NR_PAGES)
		smm_set_pageblock_migratetype(zone, p, mt);
	list_move(&page->lru, &zone->free_area[order].free_list[mt]);
}

static int block_mt(unsigned long pfn)
{
	return smm_get_pageblock_migratetype(m, pfn);
}

/* ---- the consistency walk ---------------------------------------------- */

struct blk {
	unsigned long pfn, nr;
};

static struct blk blks[MAX_LIVE + 8192];

static int cmp_blk(const void *a, const void *b)
{
	const struct blk *x = a, *y = b;

	return (x->pfn > y->pfn) - (x->pfn < y->pfn);
}

static char walk_err[256];

/* Say what is wrong (walk_all() prints it); false, for return. */
static bool walk_fail(const char *fmt, ...) __printf(1, 2);
static bool walk_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(walk_err, sizeof(walk_err), fmt, ap);
	va_end(ap);
	return false;
}

/*
 * One zone: every block on a free list is PageBuddy with private == its
 * order, naturally aligned, inside the zone, of this zone; nr_free is the
 * list lengths; nr_free_pages their pages (isolated lists aside); every
 * pcp page is PG_pcp with private == its list's order and each pcp count
 * is its lists' pages. Free, pcp and live blocks never overlap and add up
 * to the zone's managed pages.
 */
static bool walk_zone(struct smm_zone *zone)
{
	unsigned long pages = 0, counted = 0;
	unsigned int nb = 0, o, mt, cpu, pindex, i;
	struct smm_page *page;

	for (o = 0; o < SMM_MAX_ORDER; o++) {
		unsigned long n = 0;

		for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++) {
			list_for_each_entry(page, &zone->free_area[o].free_list[mt], lru) {
				unsigned long pfn = PFN(page);

				if (!smm_page_buddy(page) || page->private != o)
					return walk_fail("pfn 0x%lx order %u: buddy %d private %lu",
							 pfn, o, smm_page_buddy(page),
							 page->private);
				if (page->flags & (BIT(SMM_PG_pcp) | BIT(SMM_PG_head) |
						   BIT(SMM_PG_reserved)))
					return walk_fail("free pfn 0x%lx flags 0x%lx",
							 pfn, page->flags);
				if (pfn & ((1UL << o) - 1))
					return walk_fail("pfn 0x%lx not aligned to order %u",
							 pfn, o);
				if (!smm_zone_spans_pfn(zone, pfn) ||
				    !smm_zone_spans_pfn(zone, pfn + (1UL << o) - 1) ||
				    smm_page_zone(m, page) != zone)
					return walk_fail("free pfn 0x%lx order %u outside its zone",
							 pfn, o);
				if (nb == ARRAY_SIZE(blks))
					return walk_fail("too many blocks");
				blks[nb].pfn = pfn;
				blks[nb++].nr = 1UL << o;
				n++;
				pages += 1UL << o;
				if (mt != MT_ISOLATE)
					counted += 1UL << o;
			}
		}
		if (n != zone->free_area[o].nr_free)
			return walk_fail("order %u nr_free %lu, lists hold %lu", o,
					 zone->free_area[o].nr_free, n);
	}
	if ((long)counted != zone->nr_free_pages)
		return walk_fail("nr_free_pages %ld, lists hold %lu",
				 zone->nr_free_pages, counted);

	for (cpu = 0; cpu < m->nr_cpus; cpu++) {
		struct smm_per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];
		unsigned long n = 0;

		for (pindex = 0; pindex < SMM_NR_PCP_LISTS; pindex++) {
			o = pindex == SMM_NR_LOWORDER_PCP_LISTS ?
			    SMM_PAGEBLOCK_ORDER : pindex / SMM_MIGRATE_PCPTYPES;
			list_for_each_entry(page, &pcp->lists[pindex], lru) {
				unsigned long pfn = PFN(page);

				if (!smm_test_page_flag(page, SMM_PG_pcp) ||
				    smm_page_buddy(page) || page->private != o)
					return walk_fail("pcp pfn 0x%lx bad state", pfn);
				if (smm_page_zone(m, page) != zone ||
				    (pfn & ((1UL << o) - 1)))
					return walk_fail("pcp pfn 0x%lx misplaced", pfn);
				if (nb == ARRAY_SIZE(blks))
					return walk_fail("too many blocks");
				blks[nb].pfn = pfn;
				blks[nb++].nr = 1UL << o;
				n += 1UL << o;
			}
		}
		if ((long)n != pcp->count)
			return walk_fail("cpu %u pcp count %d, lists hold %lu", cpu,
					 pcp->count, n);
		pages += n;
	}

	for (i = 0; i < nr_live; i++) {
		if (smm_page_zone(m, live[i].page) != zone)
			continue;
		if (nb == ARRAY_SIZE(blks))
			return walk_fail("too many blocks");
		blks[nb].pfn = PFN(live[i].page);
		blks[nb++].nr = 1UL << live[i].order;
		pages += 1UL << live[i].order;
	}

	qsort(blks, nb, sizeof(blks[0]), cmp_blk);
	for (i = 1; i < nb; i++)
		if (blks[i - 1].pfn + blks[i - 1].nr > blks[i].pfn)
			return walk_fail("blocks at 0x%lx and 0x%lx overlap",
					 blks[i - 1].pfn, blks[i].pfn);
	if (pages != zone->managed_pages)
		return walk_fail("free + pcp + allocated = %lu, managed %lu", pages,
				 zone->managed_pages);
	return true;
}

static bool walk_all(void)
{
	int i, zid;

	for (i = 0; i < m->nr_nodes; i++)
		for (zid = 0; zid < SMM_MAX_NR_ZONES; zid++)
			if (!walk_zone(Z(m->node_ids[i], zid))) {
				printf("# walk: node %d zone %d: %s\n",
				       m->node_ids[i], zid, walk_err);
				return false;
			}
	return true;
}

#define ASSERT_WALK()	ASSERT_TRUE(walk_all())

static void live_free(unsigned int i)
{
	smm_free_pages(m, live[i].page, live[i].order);
	live[i] = live[--nr_live];
}

static void live_free_all(void)
{
	while (nr_live)
		live_free(nr_live - 1);
}

/* n1 DMA requests (512 free pages, one zone in the list) */
#define DMA1	(G_DMA | G_THISNODE)

/* Allocate a whole zone page by page; keep every second page. */
static void fragment_zone(int nid, int zid, unsigned int gfp)
{
	struct smm_zone *z = Z(nid, zid);
	unsigned int i, n = nr_live;

	while (alloc(gfp, 0, nid) && smm_page_zone(m, live[nr_live - 1].page) == z)
		;
	/* the last one may have come from elsewhere */
	if (smm_page_zone(m, live[nr_live - 1].page) != z)
		pfree(live[nr_live - 1].page, 0);
	for (i = n; i < nr_live; i++)
		if (!(PFN(live[i].page) & 1))
			pfree(live[i--].page, 0);
	smm_drain_all_pages(m);
}

/* ---- zones ---------------------------------------------------------------- */

#define ASSERT_ZONE(nid, zid, start, spanned, present, managed)		\
	assert_zone(__FILE__, __LINE__, Z(nid, zid), start, spanned,	\
		    present, managed)

static void assert_zone(const char *file, int line, const struct smm_zone *z,
			unsigned long start, unsigned long spanned,
			unsigned long present, unsigned long managed)
{
	smm_assert_u64(file, line, "start", start, "zone_start_pfn",
		       z->zone_start_pfn, true);
	smm_assert_u64(file, line, "spanned", spanned, "spanned_pages",
		       z->spanned_pages, true);
	smm_assert_u64(file, line, "present", present, "present_pages",
		       z->present_pages, true);
	smm_assert_u64(file, line, "managed", managed, "managed_pages",
		       z->managed_pages, true);
}

TEST(pa_scaled_layout_reference_machine)
{
	std_machine();
	ASSERT_ZONE(0, DMA, 0x40000, 512, 512, 496);
	ASSERT_ZONE(0, DMA32, 0x40200, 2560, 2560, 1536);
	ASSERT_ZONE(0, NORMAL, 0x40c00, 3072, 3072, 3072);
	ASSERT_ZONE(0, MOVABLE, 0x41800, 2048, 2048, 1920);
	ASSERT_ZONE(1, DMA, 0x80000, 512, 512, 512);
	ASSERT_ZONE(1, DMA32, 0x80200, 2560, 2560, 2560);
	ASSERT_ZONE(1, NORMAL, 0x80c00, 3072, 3072, 3072);
	ASSERT_ZONE(1, MOVABLE, 0x81800, 2048, 2048, 1408);
	ASSERT_EQ(4, m->node_data[0].nr_zones);
	ASSERT_EQ(STD_MANAGED, m->totalram_pages);
	ASSERT_EQ(2, m->nr_cpus);
	ASSERT_STREQ("DMA32", Z(0, DMA32)->name);
	ASSERT_PTR_EQ(&m->node_data[1], Z(1, NORMAL)->zone_pgdat);
	ASSERT_EQ(1, Z(1, NORMAL)->node);
	ASSERT_EQ(NORMAL, Z(1, NORMAL)->idx);
}

TEST(pa_scaled_layout_rounds_to_pageblocks)
{
	/*
	 * A 4M node (1024 pages) at 1G: DMA would end at +64 -> rounds to
	 * +0, gone; DMA32 +384 -> +512; Normal +768 -> +1024; Movable is
	 * left nothing. Two zones of one pageblock each.
	 */
	fresh(0, 0, 0);
	smm_test_add_chunk(m, N0, SZ_4M, 0);
	BOOT();
	ASSERT_ZONE(0, DMA, 0, 0, 0, 0);
	ASSERT_ZONE(0, DMA32, 0x40000, 512, 512, 512);
	/* the map (1024 x 64 = 64K) is at the top of Normal */
	ASSERT_ZONE(0, NORMAL, 0x40200, 512, 512, 512 - 16);
	ASSERT_ZONE(0, MOVABLE, 0, 0, 0, 0);
	ASSERT_EQ(NORMAL + 1, m->node_data[0].nr_zones);
	ASSERT_PTR_EQ(NULL, Z(0, DMA)->pageblock_flags);
	ASSERT_TRUE(Z(0, NORMAL)->pageblock_flags);
}

TEST(pa_scaled_layout_holes_spanned_not_present)
{
	/*
	 * Node 0 = [1G, 1G + 8M) + [1G + 24M, 1G + 32M): span 8192 pages as
	 * the reference node, DMA32 [0x40200, 0x40c00) is half hole:
	 * [0x40800, 0x40c00) is missing. Normal [0x40c00, 0x41800) holds
	 * [0x41800...) no: Normal is [0x40c00, 0x41800), all hole but
	 * nothing; memory resumes at 0x41800 (Movable).
	 */
	fresh(0, 0, 0);
	smm_test_add_chunk(m, N0, SZ_8M, 0);
	smm_test_add_chunk(m, N0 + SZ_16M + SZ_8M, SZ_8M, 0);
	BOOT();
	ASSERT_ZONE(0, DMA, 0x40000, 512, 512, 512);
	ASSERT_ZONE(0, DMA32, 0x40200, 2560, 1536, 1536);
	ASSERT_EQ(3072, Z(0, NORMAL)->spanned_pages);
	ASSERT_EQ(0, Z(0, NORMAL)->present_pages);
	ASSERT_FALSE(smm_populated_zone(Z(0, NORMAL)));
	ASSERT_ZONE(0, MOVABLE, 0x41800, 2048, 2048, 2048 - 128);
	/* the zonelist skips the zone without memory */
	ASSERT_PTR_EQ(Z(0, MOVABLE),
		      m->node_data[0].node_zonelists[0]._zonerefs[0].zone);
	ASSERT_PTR_EQ(Z(0, DMA32),
		      m->node_data[0].node_zonelists[0]._zonerefs[1].zone);
}

TEST(pa_real_layout)
{
	/*
	 * Real boundaries: DMA < 16M (pfn 0x1000), DMA32 < 4G (0x100000),
	 * Normal above, no Movable. Node 0 = [8M, 24M) straddles 16M;
	 * node 1 = [4G - 16M, 4G + 16M) straddles 4G.
	 */
	fresh(0, 0, 0);
	m->cfg.zone_layout = SMM_ZONE_LAYOUT_REAL;
	smm_test_add_chunk(m, SZ_8M, SZ_16M, 0);
	smm_test_add_chunk(m, SZ_4G - SZ_16M, SZ_32M, 1);
	BOOT();
	ASSERT_ZONE(0, DMA, 0x800, 0x800, 0x800, 0x800);
	/* node 0's map: 0x1000 pages x 64 = 256K = 64 pages, on top */
	ASSERT_ZONE(0, DMA32, 0x1000, 0x800, 0x800, 0x800 - 64);
	ASSERT_ZONE(0, NORMAL, 0, 0, 0, 0);
	ASSERT_ZONE(0, MOVABLE, 0, 0, 0, 0);
	ASSERT_ZONE(1, DMA, 0, 0, 0, 0);
	ASSERT_ZONE(1, DMA32, 0xff000, 0x1000, 0x1000, 0x1000);
	ASSERT_ZONE(1, NORMAL, 0x100000, 0x1000, 0x1000, 0x1000 - 128);
	ASSERT_ZONE(1, MOVABLE, 0, 0, 0, 0);
	ASSERT_EQ(NORMAL + 1, m->node_data[1].nr_zones);
	/* a DMA request is served by node 0's DMA */
	ASSERT_EQ(DMA, smm_page_zone(m, alloc(G_DMA, 4, 1))->idx);
}

TEST(pa_real_layout_one_zone_per_node)
{
	/* the reference region is all DMA32: one zone a node, in the lists */
	fresh(SZ_64K, SZ_4M, SZ_2M);
	m->cfg.zone_layout = SMM_ZONE_LAYOUT_REAL;
	smm_test_add_chunk(m, N0, SZ_32M, 0);
	smm_test_add_chunk(m, N1, SZ_32M, 1);
	BOOT();
	ASSERT_ZONE(0, DMA32, 0x40000, 8192, 8192, 8192 - 16 - 1024 - 128);
	ASSERT_ZONE(1, DMA32, 0x80000, 8192, 8192, 8192 - 128 - 512);
	ASSERT_EQ(2, m->node_data[1].nr_zones);
	ASSERT_PTR_EQ(Z(0, DMA32),
		      m->node_data[0].node_zonelists[0]._zonerefs[0].zone);
	ASSERT_PTR_EQ(Z(1, DMA32),
		      m->node_data[0].node_zonelists[0]._zonerefs[1].zone);
	ASSERT_PTR_EQ(NULL, m->node_data[0].node_zonelists[0]._zonerefs[2].zone);
	/* GFP_KERNEL (up to Normal) finds DMA32 */
	ASSERT_EQ(DMA32, smm_page_zone(m, alloc(0, 0, 0))->idx);
	/* and Movable-only requests too: Movable is empty, Normal absent */
	ASSERT_EQ(DMA32, smm_page_zone(m, alloc(G_MOVABLE | G_HIGHMEM, 0, 1))->idx);
}

/*
 * managed == present - reserved: the pages of the zone's memory that are
 * not wholly inside a free memblock range.
 */
static unsigned long zone_reserved_pages(struct smm_zone *z)
{
	unsigned long pfn, n = 0;

	for (pfn = z->zone_start_pfn; pfn < smm_zone_end_pfn(z); pfn++)
		if (smm_memblock_is_memory(&m->memblock, PFN_PHYS(pfn)) &&
		    smm_memblock_is_region_reserved(&m->memblock,
						    PFN_PHYS(pfn), PAGE_SIZE))
			n++;
	return n;
}

TEST(pa_managed_is_present_minus_reserved)
{
	int nid, zid;

	/* unaligned reservations: a partial page counts as reserved */
	fresh(SZ_64K + 100, SZ_4M, SZ_2M + SZ_4K);
	smm_test_add_chunk(m, N0, SZ_32M, 0);
	smm_test_add_chunk(m, N1, SZ_32M, 1);
	BOOT();
	ASSERT_EQ(0, smm_memblock_reserve(&m->memblock, N1 + SZ_1M + 10, 20));
	for (nid = 0; nid < 2; nid++)
		for (zid = 0; zid < SMM_MAX_NR_ZONES; zid++) {
			struct smm_zone *z = Z(nid, zid);

			/* the late reservation (pfn 0x80100) came after free_all */
			if (nid == 1 && zid == DMA) {
				ASSERT_EQ(z->present_pages,
					  z->managed_pages +
					  zone_reserved_pages(z) - 1);
				continue;
			}
			ASSERT_EQ(z->present_pages,
				  z->managed_pages + zone_reserved_pages(z));
		}
	/* the firmware's 100 extra bytes cost a whole page */
	ASSERT_EQ(512 - 17, Z(0, DMA)->managed_pages);
}

TEST(pa_memmap_initialised)
{
	struct smm_pglist_data *p0;
	unsigned long pfn;

	/* garbage under the region: nothing of it may survive in the map */
	fresh(SZ_64K, SZ_4M, SZ_2M);
	smm_test_add_chunk(m, N0 + SZ_1M, SZ_32M - SZ_1M, 0);
	smm_test_add_chunk(m, N1, SZ_32M, 1);
	memset(smm_phys_to_virt(N0), 0x5a, SZ_32M);
	BOOT();
	p0 = &m->node_data[0];
	/* the map starts 1M (256 pages) below the node: [0x40000, 0x42000) */
	ASSERT_EQ(0x40000, p0->memmap_start_pfn);
	for (pfn = p0->memmap_start_pfn; pfn < p0->memmap_end_pfn; pfn++) {
		struct smm_page *page = PG(pfn);

		ASSERT_EQ(0, smm_page_nid(page));
		ASSERT_EQ(-1, page->_mapcount);
		ASSERT_EQ(pfn, PFN(page));
		ASSERT_EQ(0, page->memcg_data);
		ASSERT_PTR_EQ(NULL, page->mapping);
		/* reserved and referenced, or handed to the buddy allocator */
		if (smm_test_page_flag(page, SMM_PG_reserved))
			ASSERT_EQ(1, page->_refcount);
		else
			ASSERT_EQ(0, page->_refcount);
	}
	/* below the node: its lowest zone; the hole is reserved */
	ASSERT_EQ(DMA, smm_page_zonenum(PG(0x40000)));
	ASSERT_TRUE(smm_test_page_flag(PG(0x40000), SMM_PG_reserved));
	ASSERT_PTR_EQ(&PG(0x40000)->lru, PG(0x40000)->lru.next);
	/* the firmware's pages stay reserved, the first free one is buddy */
	ASSERT_TRUE(smm_test_page_flag(PG(0x4010f), SMM_PG_reserved));
	ASSERT_TRUE(smm_page_buddy(PG(0x40110)));
	/* zone ids follow the layout */
	ASSERT_EQ(DMA32, smm_page_zonenum(PG(0x40200)));
	ASSERT_EQ(MOVABLE, smm_page_zonenum(PG(0x41fff)));
}

TEST(pa_memmap_zone_of_pages_beyond_the_node)
{
	/*
	 * Node 0 = [1G, 1G + 5M): 1280 pages, map rounded to 2048. Scaled:
	 * DMA 80 -> 0 gone, DMA32 480 -> 512, Normal 960 -> 1024, Movable
	 * [0x40400, 0x40500). Map pages [0x40500, 0x40800) lie above the
	 * node: the highest populated zone, Movable, reserved.
	 */
	fresh(0, 0, 0);
	smm_test_add_chunk(m, N0, SZ_4M + SZ_1M, 0);
	BOOT();
	ASSERT_ZONE(0, MOVABLE, 0x40400, 256, 256, 256 - 32);
	ASSERT_EQ(0x40800, m->node_data[0].memmap_end_pfn);
	ASSERT_EQ(MOVABLE, smm_page_zonenum(PG(0x40500)));
	ASSERT_EQ(MOVABLE, smm_page_zonenum(PG(0x407ff)));
	ASSERT_TRUE(smm_test_page_flag(PG(0x407ff), SMM_PG_reserved));
	/* outside every map */
	ASSERT_PTR_EQ(NULL, smm_pfn_to_page(m, 0x40800));
	ASSERT_PTR_EQ(NULL, smm_pfn_to_page(m, 0x3ffff));
}

TEST(pa_pfn_page_address_roundtrip)
{
	struct smm_page *page;

	std_machine();
	page = smm_pfn_to_page(m, 0x81234);
	ASSERT_PTR_EQ(m->node_data[1].node_mem_map + 0x1234, page);
	ASSERT_EQ(0x81234, smm_page_to_pfn(m, page));
	ASSERT_PTR_EQ(Z(1, NORMAL), smm_page_zone(m, page));
	ASSERT_PTR_EQ(smm_phys_to_virt(0x81234ULL << 12),
		      smm_page_address(m, page));
	ASSERT_PTR_EQ(NULL, smm_pfn_to_page(m, 0x82000));
	ASSERT_EQ(-1, smm_get_pageblock_migratetype(m, 0x82000));
}

TEST(pa_free_all_post_init_buddyinfo)
{
	/*
	 * By hand, the largest aligned blocks of each zone's free pages:
	 * n0 DMA [0x40010, 0x40200): orders 4, 5, 6, 7, 8 at 0x40010 ...
	 * n0 DMA32 [0x40600, 0x40c00): 9 at 0x40600, 10 at 0x40800
	 * n0 Normal: three 10s; n0 Movable [0x41800, 0x41f80): 10, 9, 8, 7
	 * n1 DMA: one 9; DMA32 [0x80200, 0x80c00): 9, 10, 10
	 * n1 Normal: three 10s; n1 Movable [0x81800, 0x81d80): 10, 8, 7
	 */
	std_machine();
	ASSERT_ORDERS(0, DMA, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0);
	ASSERT_ORDERS(0, DMA32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1);
	ASSERT_ORDERS(0, NORMAL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3);
	ASSERT_ORDERS(0, MOVABLE, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1);
	ASSERT_ORDERS(1, DMA, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0);
	ASSERT_ORDERS(1, DMA32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2);
	ASSERT_ORDERS(1, NORMAL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3);
	ASSERT_ORDERS(1, MOVABLE, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1);
	/* everything MOVABLE, to the tail: lowest pfn first */
	ASSERT_EQ(0x40c00, list_first(0, NORMAL, 10, MT_MOV));
	ASSERT_EQ(0x40010, list_first(0, DMA, 4, MT_MOV));
	ASSERT_EQ(~0UL, list_first(0, NORMAL, 10, MT_UNMOV));
	ASSERT_EQ(1920, Z(0, MOVABLE)->nr_free_pages);
	ASSERT_WALK();
}

TEST(pa_free_all_splits_at_zone_boundaries)
{
	/*
	 * DMA/DMA32 of node 1 meet at 0x80200, inside the order-10 block
	 * [0x80000, 0x80400): the free range [0x80000, 0x82000) is cut, two
	 * order-9 blocks of two zones, never one order-10 block.
	 */
	std_machine();
	ASSERT_EQ(0x80000, list_first(1, DMA, 9, MT_MOV));
	ASSERT_EQ(0x80200, list_first(1, DMA32, 9, MT_MOV));
	ASSERT_EQ(9, PG(0x80200)->private);
}

TEST(pa_free_all_count_and_trace)
{
	unsigned long pages;

	std_machine();
	/* free_all again over a torn-down buddy: same count, same trace */
	smm_page_alloc_teardown(m);
	ASSERT_EQ(0, smm_free_area_init(m));
	pages = smm_memblock_free_all(m);
	ASSERT_EQ(STD_MANAGED, pages);
	ASSERT_EQ(8, smm_trace.nr_free_all);
	ASSERT_EQ(1, smm_trace.free_all.nid);
	ASSERT_EQ(MOVABLE, smm_trace.free_all.zone);
	ASSERT_EQ(1408, smm_trace.free_all.pages);
	/* one free_one_page per block: 5 + 2 + 3 + 4 + 1 + 3 + 3 + 3 */
	ASSERT_EQ(24, smm_trace.nr_free_one_page);
	smm_build_all_zonelists(m);
	ASSERT_WALK();
}

TEST(pa_boot_log_lines)
{
	static const char dma0[] =
	"zones: node 0 DMA: spanned 512 present 512 managed 496 min/low/high 7/8/9\n";
	static const char movable1[] =
	"zones: node 1 Movable: spanned 2048 present 2048 managed 1408 min/low/high 20/25/30\n";

	std_machine();
	ASSERT_TRUE(strstr(blog.buf, dma0));
	ASSERT_TRUE(strstr(blog.buf, movable1));
	ASSERT_TRUE(strstr(blog.buf, "free_all: 14576 pages\n"));
}

TEST(pa_upto_memmap_has_no_buddy)
{
	fresh(0, 0, 0);
	m->cfg.upto = SMM_UPTO_MEMMAP;
	smm_test_add_chunk(m, N0, SZ_32M, 0);
	BOOT();
	ASSERT_PTR_EQ(NULL, m->events);
	ASSERT_PTR_EQ(NULL, alloc(0, 0, 0));
	/* harmless, and nothing to drain */
	pfree(PG(0x41000), 0);
	smm_drain_all_pages(m);
	ASSERT_FALSE(strstr(blog.buf, "free_all"));
}

TEST(pa_pageblocks_movable_at_init)
{
	unsigned long pfn;

	/*
	 * Node 0 starts 4K into a pageblock: the kernel marks only
	 * pageblocks whose first pfn is memory, so [0x40000, 0x40200) stays
	 * UNMOVABLE (0) and its free pages sit on the UNMOVABLE lists.
	 */
	fresh(0, 0, 0);
	smm_test_add_chunk(m, N0 + SZ_4K, SZ_32M - SZ_4K, 0);
	BOOT();
	ASSERT_EQ(MT_UNMOV, block_mt(0x40001));
	for (pfn = 0x40200; pfn < 0x42000; pfn += SMM_PAGEBLOCK_NR_PAGES)
		ASSERT_EQ(MT_MOV, block_mt(pfn));
	ASSERT_EQ(0x40001, list_first(0, DMA, 0, MT_UNMOV));
	ASSERT_EQ(~0UL, list_first(0, DMA, 0, MT_MOV));
	ASSERT_WALK();
}

TEST(pa_pageblock_bits_are_per_block)
{
	std_machine();
	smm_set_pageblock_migratetype(Z(0, NORMAL), 0x41000, MT_RECL);
	ASSERT_EQ(MT_RECL, block_mt(0x41000));
	ASSERT_EQ(MT_RECL, block_mt(0x411ff));
	ASSERT_EQ(MT_MOV, block_mt(0x40fff));
	ASSERT_EQ(MT_MOV, block_mt(0x41200));
	smm_set_pageblock_migratetype(Z(0, NORMAL), 0x41200, MT_ISOLATE);
	ASSERT_EQ(MT_RECL, block_mt(0x41000));
	ASSERT_EQ(MT_ISOLATE, block_mt(0x41300));
}

/* ---- watermarks, reserves, pcp sizes -------------------------------------- */

#define ASSERT_WMARKS(nid, zid, min, low, high)				\
	assert_wmarks(__FILE__, __LINE__, Z(nid, zid), min, low, high)

static void assert_wmarks(const char *file, int line, const struct smm_zone *z,
			  unsigned long min, unsigned long low,
			  unsigned long high)
{
	smm_assert_u64(file, line, "min", min, "_watermark[WMARK_MIN]",
		       z->_watermark[SMM_WMARK_MIN], true);
	smm_assert_u64(file, line, "low", low, "_watermark[WMARK_LOW]",
		       z->_watermark[SMM_WMARK_LOW], true);
	smm_assert_u64(file, line, "high", high, "_watermark[WMARK_HIGH]",
		       z->_watermark[SMM_WMARK_HIGH], true);
}

TEST(pa_watermarks_default_min_free_kbytes)
{
	/*
	 * lowmem (up to Normal) = 496 + 1536 + 3072 + 512 + 2560 + 3072 =
	 * 11248 pages = 44992K; int_sqrt(44992 * 16 = 719872) = 848.
	 * pages_min = 212, over 14576 managed pages; min = 212 * managed /
	 * 14576, then low = min + max(min / 4, managed * 10 / 10000), high
	 * another step up:
	 *   n0 DMA 496: 7, +max(1, 0): 8, 9
	 *   n0 DMA32 1536: 22, +5: 27, 32;   n0 Normal 3072: 44, +11: 55, 66
	 *   n0 Movable 1920: 27, +6: 33, 39; n1 DMA 512: 7, 8, 9
	 *   n1 DMA32 2560: 37, +9: 46, 55;   n1 Movable 1408: 20, +5: 25, 30
	 */
	std_machine();
	ASSERT_EQ(848, m->min_free_kbytes);
	ASSERT_WMARKS(0, DMA, 7, 8, 9);
	ASSERT_WMARKS(0, DMA32, 22, 27, 32);
	ASSERT_WMARKS(0, NORMAL, 44, 55, 66);
	ASSERT_WMARKS(0, MOVABLE, 27, 33, 39);
	ASSERT_WMARKS(1, DMA, 7, 8, 9);
	ASSERT_WMARKS(1, DMA32, 37, 46, 55);
	ASSERT_WMARKS(1, NORMAL, 44, 55, 66);
	ASSERT_WMARKS(1, MOVABLE, 20, 25, 30);
	ASSERT_EQ(0, Z(0, NORMAL)->watermark_boost);
}

TEST(pa_watermarks_given_min_free_kbytes)
{
	/*
	 * min_free_kbytes=4096: pages_min 1024. n0 Normal: 1024 * 3072 /
	 * 14576 = 215, + 53 = 268, 321. n1 DMA: 1024 * 512 / 14576 = 35,
	 * + 8 = 43, 51.
	 */
	fresh(SZ_64K, SZ_4M, SZ_2M);
	m->cfg.min_free_kbytes = 4096;
	smm_test_add_chunk(m, N0, SZ_32M, 0);
	smm_test_add_chunk(m, N1, SZ_32M, 1);
	BOOT();
	ASSERT_EQ(4096, m->min_free_kbytes);
	ASSERT_WMARKS(0, NORMAL, 215, 268, 321);
	ASSERT_WMARKS(1, DMA, 35, 43, 51);
}

TEST(pa_watermarks_scale_factor_wins)
{
	/*
	 * Big machine, min_free_kbytes=128: pages_min 32 over 62960 pages.
	 * Normal 24576: min 32 * 24576 / 62960 = 12; a quarter of that is 3,
	 * less than 24576 * 10 / 10000 = 24: low 36, high 60.
	 */
	fresh(SZ_64K, SZ_4M, SZ_2M);
	m->cfg.min_free_kbytes = 128;
	smm_test_add_chunk(m, N0, SZ_256M, 0);
	BOOT();
	ASSERT_WMARKS(0, NORMAL, 12, 36, 60);
	/* pcp high: 36 / 2 CPUs = 18 is less than 4 batches of 7: 28 */
	ASSERT_EQ(28, Z(0, NORMAL)->per_cpu_pageset[0].high);
}

TEST(pa_totalreserve_capped_at_managed)
{
	/*
	 * Big machine with 1.5M of firmware and a 14M kernel: DMA keeps 128
	 * pages, DMA32 20480, Normal 24576, Movable 14848 (60032).
	 * min_free_kbytes=1024, pages_min 256:
	 *   DMA: min 0, high 0; reserve[Movable] 59904 / 256 = 234, more
	 *        than the zone: 128
	 *   DMA32: min 87, +21, high 129; reserve 39424 / 256 = 154: 283
	 *   Normal: min 104, +26, high 156; reserve 14848 / 32 = 464: 620
	 *   Movable: min 63, +15, high 93: 93
	 */
	fresh(SZ_1M + SZ_512K, 14 * SZ_1M, SZ_2M);
	m->cfg.min_free_kbytes = 1024;
	smm_test_add_chunk(m, N0, SZ_256M, 0);
	BOOT();
	ASSERT_EQ(128, Z(0, DMA)->managed_pages);
	ASSERT_EQ(234, Z(0, DMA)->lowmem_reserve[MOVABLE]);
	ASSERT_WMARKS(0, DMA32, 87, 108, 129);
	ASSERT_WMARKS(0, NORMAL, 104, 130, 156);
	ASSERT_WMARKS(0, MOVABLE, 63, 78, 93);
	ASSERT_EQ(128 + 283 + 620 + 93, m->node_data[0].totalreserve_pages);
}

TEST(pa_default_min_free_kbytes_clamped)
{
	/*
	 * A 1M node: 256 pages, its map (rounded to 1024 entries, 64K) takes
	 * 16: 240 managed. Every scaled boundary rounds down to the node's
	 * start: it is all Movable, there is no lowmem, the formula gives 0
	 * and the clamp 128.
	 */
	fresh(0, 0, 0);
	smm_test_add_chunk(m, N0, SZ_1M, 0);
	BOOT();
	ASSERT_EQ(240, m->totalram_pages);
	ASSERT_EQ(240, Z(0, MOVABLE)->managed_pages);
	ASSERT_EQ(128, m->min_free_kbytes);
	/* 4M: lowmem DMA32 512 + Normal 496 = 1008 pages = 4032K: 253 */
	fresh(0, 0, 0);
	smm_test_add_chunk(m, N0, SZ_4M, 0);
	BOOT();
	ASSERT_EQ(253, m->min_free_kbytes);
}

TEST(pa_lowmem_reserve)
{
	/*
	 * Ratios 256, 256, 32 over the managed pages of the zones above:
	 *   n0 DMA: DMA32 1536/256 = 6, +Normal 4608/256 = 18,
	 *           +Movable 6528/256 = 25
	 *   n0 DMA32: Normal 3072/256 = 12, +Movable 4992/256 = 19
	 *   n0 Normal: Movable 1920/32 = 60
	 *   n1 DMA: 10, 22, 27; DMA32: 12, 17; Normal: 1408/32 = 44
	 */
	std_machine();
	ASSERT_EQ(0, Z(0, DMA)->lowmem_reserve[DMA]);
	ASSERT_EQ(6, Z(0, DMA)->lowmem_reserve[DMA32]);
	ASSERT_EQ(18, Z(0, DMA)->lowmem_reserve[NORMAL]);
	ASSERT_EQ(25, Z(0, DMA)->lowmem_reserve[MOVABLE]);
	ASSERT_EQ(0, Z(0, DMA32)->lowmem_reserve[DMA32]);
	ASSERT_EQ(12, Z(0, DMA32)->lowmem_reserve[NORMAL]);
	ASSERT_EQ(19, Z(0, DMA32)->lowmem_reserve[MOVABLE]);
	ASSERT_EQ(60, Z(0, NORMAL)->lowmem_reserve[MOVABLE]);
	ASSERT_EQ(0, Z(0, MOVABLE)->lowmem_reserve[MOVABLE]);
	ASSERT_EQ(10, Z(1, DMA)->lowmem_reserve[DMA32]);
	ASSERT_EQ(22, Z(1, DMA)->lowmem_reserve[NORMAL]);
	ASSERT_EQ(27, Z(1, DMA)->lowmem_reserve[MOVABLE]);
	ASSERT_EQ(17, Z(1, DMA32)->lowmem_reserve[MOVABLE]);
	ASSERT_EQ(44, Z(1, NORMAL)->lowmem_reserve[MOVABLE]);
	/*
	 * totalreserve: per zone its largest reserve + high, capped at
	 * managed: n0 25 + 9, 19 + 32, 60 + 66, 0 + 39 = 250;
	 * n1 27 + 9, 17 + 55, 44 + 66, 30 = 248.
	 */
	ASSERT_EQ(250, m->node_data[0].totalreserve_pages);
	ASSERT_EQ(248, m->node_data[1].totalreserve_pages);
}

TEST(pa_lowmem_reserve_none_without_managed_pages)
{
	/*
	 * setup_per_zone_lowmem_reserve(): clear = !ratio ||
	 * !zone_managed_pages(zone); a zone with nothing managed keeps no
	 * reserve from the zones above it (there is nothing to keep).
	 * pa_real_layout's machine: node 1 = [4G - 16M, 4G + 16M) has no
	 * DMA (managed 0), DMA32 0x1000 and Normal 0x1000 - 128 = 3968
	 * managed. Without the clear n1 DMA would keep 4096 / 256 = 16 from
	 * DMA32 requests and 8064 / 256 = 31 from Normal and Movable ones.
	 * Node 0's DMA has 0x800 managed: 1984 / 256 = 7 all the way up
	 * (DMA32 0x800 - 64, nothing above); n1 DMA32: 3968 / 256 = 15.
	 * The reserve of an empty zone is capped at its managed pages in
	 * totalreserve_pages anyway: the array is all that differs.
	 */
	fresh(0, 0, 0);
	m->cfg.zone_layout = SMM_ZONE_LAYOUT_REAL;
	smm_test_add_chunk(m, SZ_8M, SZ_16M, 0);
	smm_test_add_chunk(m, SZ_4G - SZ_16M, SZ_32M, 1);
	BOOT();
	ASSERT_EQ(0, Z(1, DMA)->managed_pages);
	ASSERT_EQ(0, Z(1, DMA)->lowmem_reserve[DMA32]);
	ASSERT_EQ(0, Z(1, DMA)->lowmem_reserve[NORMAL]);
	ASSERT_EQ(0, Z(1, DMA)->lowmem_reserve[MOVABLE]);
	ASSERT_EQ(15, Z(1, DMA32)->lowmem_reserve[NORMAL]);
	ASSERT_EQ(15, Z(1, DMA32)->lowmem_reserve[MOVABLE]);
	ASSERT_EQ(7, Z(0, DMA)->lowmem_reserve[DMA32]);
	ASSERT_EQ(7, Z(0, DMA)->lowmem_reserve[MOVABLE]);
	/* node 0's Normal is empty too; nothing above it either way */
	ASSERT_EQ(0, Z(0, NORMAL)->lowmem_reserve[MOVABLE]);

	/*
	 * Managed, not present: the reference machine with 2M of firmware
	 * has n0 DMA's 512 pages present and every one reserved. No reserve
	 * either (a test of present_pages would give it 1536 / 256 = 6,
	 * 4608 / 256 = 18, 6528 / 256 = 25).
	 */
	fresh(SZ_2M, SZ_4M, SZ_2M);
	smm_test_add_chunk(m, N0, SZ_32M, 0);
	smm_test_add_chunk(m, N1, SZ_32M, 1);
	BOOT();
	ASSERT_EQ(512, Z(0, DMA)->present_pages);
	ASSERT_EQ(0, Z(0, DMA)->managed_pages);
	ASSERT_EQ(1536, Z(0, DMA32)->managed_pages);
	ASSERT_EQ(0, Z(0, DMA)->lowmem_reserve[DMA32]);
	ASSERT_EQ(0, Z(0, DMA)->lowmem_reserve[NORMAL]);
	ASSERT_EQ(0, Z(0, DMA)->lowmem_reserve[MOVABLE]);
	ASSERT_EQ(12, Z(0, DMA32)->lowmem_reserve[NORMAL]);
}

TEST(pa_pcp_sizes_small_zones)
{
	unsigned int cpu;

	/*
	 * Below 4096 managed pages zone_batchsize() gives 0 -> batch 1; high
	 * is the low watermark over the CPUs of the zone's node, at least 4
	 * batches. Both host CPUs are on node 0: n0 Normal 55 / 2 = 27; node
	 * 1 has none, so its zones split over every CPU: n1 DMA 8 / 2 = 4.
	 */
	std_machine();
	for (cpu = 0; cpu < 2; cpu++) {
		ASSERT_EQ(1, Z(0, NORMAL)->per_cpu_pageset[cpu].batch);
		ASSERT_EQ(27, Z(0, NORMAL)->per_cpu_pageset[cpu].high);
		ASSERT_EQ(27, Z(1, NORMAL)->per_cpu_pageset[cpu].high);
		ASSERT_EQ(4, Z(1, DMA)->per_cpu_pageset[cpu].high);
		ASSERT_EQ(0, Z(1, DMA)->per_cpu_pageset[cpu].count);
	}
	ASSERT_EQ(27, Z(0, NORMAL)->pageset_high);
	ASSERT_EQ(1, Z(0, NORMAL)->pageset_batch);
}

TEST(pa_pcp_high_split_over_the_node_cpus)
{
	/*
	 * One CPU on each node: each zone's low watermark over one CPU
	 * (zone_highsize(): cpumask_of_node(), not nr_cpus / nr_nodes).
	 */
	smm_ucpu_node[0] = 0;
	smm_ucpu_node[1] = 1;
	std_machine();
	smm_ucpu_node[0] = -1;
	smm_ucpu_node[1] = -1;
	ASSERT_EQ(55, Z(0, NORMAL)->per_cpu_pageset[0].high);
	ASSERT_EQ(55, Z(1, NORMAL)->per_cpu_pageset[1].high);
	ASSERT_EQ(8, Z(1, DMA)->per_cpu_pageset[0].high);

	/*
	 * Three CPUs, two on node 1: node 1's zones split over 2, node 0's
	 * over its one.
	 */
	fresh(SZ_64K, SZ_4M, SZ_2M);
	smm_unr_cpus = 3;
	smm_ucpu_node[0] = 0;
	smm_ucpu_node[1] = 1;
	smm_ucpu_node[2] = 1;
	smm_test_add_chunk(m, N0, SZ_32M, 0);
	smm_test_add_chunk(m, N1, SZ_32M, 1);
	BOOT();
	smm_ucpu_node[0] = -1;
	smm_ucpu_node[1] = -1;
	smm_ucpu_node[2] = -1;
	ASSERT_EQ(3, m->nr_cpus);
	ASSERT_EQ(55, Z(0, NORMAL)->pageset_high);
	ASSERT_EQ(27, Z(1, NORMAL)->pageset_high);
	ASSERT_EQ(4, Z(1, DMA)->pageset_high);
}

TEST(pa_pcp_sizes_big_zones)
{
	/*
	 * Big machine, default min_free_kbytes: lowmem 48112 pages =
	 * 192448K, int_sqrt(3079168) = 1754, pages_min 438 over 62960.
	 * batch: DMA32 20480: 20/4 = 5 -> 2^n-1 below 7: 3; Normal 24576:
	 * 6 -> 7; Movable 14848: 3 -> 3; DMA 3056: 0 -> 1.
	 * Normal low = 438 * 24576 / 62960 = 170, + 42 = 212: one node,
	 * two CPUs on it: high 106.
	 */
	big_machine();
	ASSERT_EQ(1754, m->min_free_kbytes);
	ASSERT_EQ(1, Z(0, DMA)->per_cpu_pageset[0].batch);
	ASSERT_EQ(3, Z(0, DMA32)->per_cpu_pageset[0].batch);
	ASSERT_EQ(7, Z(0, NORMAL)->per_cpu_pageset[1].batch);
	ASSERT_EQ(3, Z(0, MOVABLE)->per_cpu_pageset[0].batch);
	ASSERT_WMARKS(0, NORMAL, 170, 212, 254);
	ASSERT_EQ(106, Z(0, NORMAL)->per_cpu_pageset[1].high);
}

/* ---- zonelists ---------------------------------------------------------- */

static struct smm_zone *zref(int nid, int list, int i)
{
	return m->node_data[nid].node_zonelists[list]._zonerefs[i].zone;
}

TEST(pa_zonelists_two_nodes)
{
	int i;

	std_machine();
	/* node order, zones high to low within each node */
	for (i = 0; i < 4; i++) {
		ASSERT_PTR_EQ(Z(0, MOVABLE - i), zref(0, SMM_ZONELIST_FALLBACK, i));
		ASSERT_PTR_EQ(Z(1, MOVABLE - i),
			      zref(0, SMM_ZONELIST_FALLBACK, 4 + i));
		ASSERT_PTR_EQ(Z(1, MOVABLE - i), zref(1, SMM_ZONELIST_FALLBACK, i));
		ASSERT_PTR_EQ(Z(0, MOVABLE - i),
			      zref(1, SMM_ZONELIST_FALLBACK, 4 + i));
		ASSERT_EQ(MOVABLE - i, m->node_data[1].node_zonelists[0]._zonerefs[i].zone_idx);
	}
	ASSERT_PTR_EQ(NULL, zref(0, SMM_ZONELIST_FALLBACK, 8));
	/* __GFP_THISNODE's list: this node only */
	ASSERT_PTR_EQ(Z(1, MOVABLE), zref(1, SMM_ZONELIST_NOFALLBACK, 0));
	ASSERT_PTR_EQ(Z(1, DMA), zref(1, SMM_ZONELIST_NOFALLBACK, 3));
	ASSERT_PTR_EQ(NULL, zref(1, SMM_ZONELIST_NOFALLBACK, 4));
}

TEST(pa_zonelists_three_nodes_ties_spread)
{
	/*
	 * Every remote node at 20. Node 0: 0, then 1 and 2 tie at 20 * 16,
	 * 1 (lower id) wins and, first at 20, gets load 1: 0 1 2. Node 1:
	 * 0 costs (20 + 1) * 16 (below 1), 2 costs 320: 1 2 0, load[2] = 1.
	 * Node 2: 0 costs 336, 1 costs 336 + 1: 2 0 1.
	 */
	fresh(0, 0, 0);
	smm_test_add_chunk(m, N0, SZ_32M, 0);
	smm_test_add_chunk(m, N1, SZ_32M, 1);
	smm_test_add_chunk(m, N1 + SZ_1G, SZ_32M, 2);
	BOOT();
	ASSERT_PTR_EQ(Z(2, MOVABLE), zref(2, 0, 0));
	ASSERT_PTR_EQ(Z(0, MOVABLE), zref(2, 0, 4));
	ASSERT_PTR_EQ(Z(1, MOVABLE), zref(2, 0, 8));
	ASSERT_PTR_EQ(Z(2, MOVABLE), zref(1, 0, 4));
	ASSERT_PTR_EQ(Z(0, DMA), zref(1, 0, 11));
	ASSERT_PTR_EQ(NULL, zref(1, 0, 12));
}

/* ---- NUMA: distances, zonelist order, statistics, policies ---------------- */

/* @nr nodes of 32M at 1G + 128M * i, with distances @d (NULL: 10/20). */
static void numa_machine(int nr, const u8 d[][8])
{
	int i, j;

	fresh(0, 0, 0);
	for (i = 0; i < nr; i++) {
		smm_test_add_chunk(m, N0 + (phys_addr_t)i * SZ_32M * 4,
				   SZ_32M, i);
		for (j = 0; d && j < nr; j++)
			m->distance[i][j] = d[i][j];
	}
	BOOT();
}

/* The node order of @nid's fallback list, as a string "0 2 1". */
static const char *node_order(int nid)
{
	static char buf[64];
	const struct smm_zoneref *z;
	int prev = NUMA_NO_NODE;
	size_t len = 0;

	buf[0] = '\0';
	z = m->node_data[nid].node_zonelists[SMM_ZONELIST_FALLBACK]._zonerefs;
	for (; z->zone; z++) {
		if (z->zone->node == prev)
			continue;
		prev = z->zone->node;
		len += snprintf(buf + len, sizeof(buf) - len, "%s%d",
				len ? " " : "", prev);
	}
	return buf;
}

TEST(numa_zonelists_two_nodes_default_distances)
{
	numa_machine(2, NULL);
	ASSERT_EQ(10, smm_node_distance(m, 1, 1));
	ASSERT_EQ(20, smm_node_distance(m, 0, 1));
	ASSERT_STREQ("0 1", node_order(0));
	ASSERT_STREQ("1 0", node_order(1));
}

TEST(numa_zonelists_four_nodes_ties_round_robin)
{
	/*
	 * All remote at 20: each list's first remote node gets load 1, so
	 * the next node skips it, and the (n < node) penalty puts the nodes
	 * above before the ones below: 0 1 2 3 (load[1]); 1 2 3 0 (load[2]);
	 * 2: 3 costs 320, 0 336, 1 337: 2 3 0 1 (load[3]); 3: 0 336, 1 and
	 * 2 337, lower id first: 3 0 1 2.
	 */
	numa_machine(4, NULL);
	ASSERT_STREQ("0 1 2 3", node_order(0));
	ASSERT_STREQ("1 2 3 0", node_order(1));
	ASSERT_STREQ("2 3 0 1", node_order(2));
	ASSERT_STREQ("3 0 1 2", node_order(3));
}

TEST(numa_zonelists_asymmetric)
{
	/*
	 * Node 0 is nearer 2 (20) than 1 (30): 0 2 1. Node 1 sees 0 at 20
	 * and 2 at 40: 1 0 2. Node 2 sees 1 at 20, 0 at 40: 2 1 0. The
	 * distances from 1 and from 2 are not those towards them.
	 */
	static const u8 d[3][8] = {
		{ 10, 30, 20 }, { 20, 10, 40 }, { 40, 20, 10 },
	};

	numa_machine(3, d);
	ASSERT_STREQ("0 2 1", node_order(0));
	ASSERT_STREQ("1 0 2", node_order(1));
	ASSERT_STREQ("2 1 0", node_order(2));
	ASSERT_EQ(30, smm_node_distance(m, 0, 1));
	ASSERT_EQ(20, smm_node_distance(m, 1, 0));
}

TEST(numa_zonelists_ring_prefers_next_node)
{
	/*
	 * A ring 0-1-2-3-0: neighbours at 20, the opposite node at 30.
	 * Node 1: 0 and 2 at 20, 0 is below 1 and costs one more: 1 2 0 3.
	 * Node 0: 0 1 3 2; node 2: 2 3 1 0; node 3: 3 0 2 1 (0 and 2 both
	 * below 3; load[0] is 0 but load[2] was set by node 1's list).
	 */
	static const u8 d[4][8] = {
		{ 10, 20, 30, 20 }, { 20, 10, 20, 30 },
		{ 30, 20, 10, 20 }, { 20, 30, 20, 10 },
	};

	numa_machine(4, d);
	ASSERT_STREQ("0 1 3 2", node_order(0));
	ASSERT_STREQ("1 2 0 3", node_order(1));
	ASSERT_STREQ("2 3 1 0", node_order(2));
	ASSERT_STREQ("3 0 2 1", node_order(3));
}

TEST(numa_zonelists_eight_nodes_two_sockets)
{
	/*
	 * Two groups of four, 20 inside a group, 30 across. Node 0: 0 1 2 3
	 * 4 5 6 7, loading 1 (first at 20) and 4 (first at 30). Node 1
	 * skips 4 for 5 at 30: 1 2 3 0 5 6 7 4, loading 2 and 5. And so on:
	 * each list starts its group and the other group one further on.
	 */
	static const u8 d[8][8] = {
		{ 10, 20, 20, 20, 30, 30, 30, 30 },
		{ 20, 10, 20, 20, 30, 30, 30, 30 },
		{ 20, 20, 10, 20, 30, 30, 30, 30 },
		{ 20, 20, 20, 10, 30, 30, 30, 30 },
		{ 30, 30, 30, 30, 10, 20, 20, 20 },
		{ 30, 30, 30, 30, 20, 10, 20, 20 },
		{ 30, 30, 30, 30, 20, 20, 10, 20 },
		{ 30, 30, 30, 30, 20, 20, 20, 10 },
	};

	numa_machine(8, d);
	ASSERT_STREQ("0 1 2 3 4 5 6 7", node_order(0));
	ASSERT_STREQ("1 2 3 0 5 6 7 4", node_order(1));
	ASSERT_STREQ("2 3 0 1 6 7 4 5", node_order(2));
	ASSERT_STREQ("3 0 1 2 7 4 5 6", node_order(3));
	ASSERT_STREQ("4 5 6 7 0 1 2 3", node_order(4));
	ASSERT_STREQ("5 6 7 4 1 2 3 0", node_order(5));
	ASSERT_STREQ("6 7 4 5 2 3 0 1", node_order(6));
	ASSERT_STREQ("7 4 5 6 3 0 1 2", node_order(7));
}

static struct smm_capture nlog;

static int page_nid(struct smm_page *page)
{
	return smm_page_zone(m, page)->node;
}

static u64 numa(int nid, int item)
{
	smm_vm_events_sum(m, &ev);
	return ev.numa[nid][item];
}

/*
 * nodes=3 over real node 0 [1G, 1G + 32M) and real node 1 right above it:
 * 16384 pages, slices of 16384 / 3 = 5461 rounded down to pageblocks:
 * 5120. Node 0 [0x40000, 0x41400); node 1 [0x41400, 0x42800), across the
 * real boundary at 0x42000; node 2 the rest, [0x42800, 0x44000).
 */
TEST(numa_fake_nodes)
{
	struct smm_page *page;

	fresh(0, 0, 0);
	m->cfg.fake_nodes = 3;
	smm_test_add_chunk(m, N0, SZ_32M, 0);
	smm_test_add_chunk(m, N0 + SZ_32M, SZ_32M, 1);
	BOOT();
	ASSERT_EQ(3, m->nr_nodes);
	ASSERT_EQ(0x40000, m->node_data[0].node_start_pfn);
	ASSERT_EQ(5120, m->node_data[0].node_present_pages);
	ASSERT_EQ(0x41400, m->node_data[1].node_start_pfn);
	ASSERT_EQ(5120, m->node_data[1].node_present_pages);
	ASSERT_EQ(0x42800, m->node_data[2].node_start_pfn);
	ASSERT_EQ(6144, m->node_data[2].node_present_pages);
	/* 10/20 without distance=: the three-node tie order */
	ASSERT_STREQ("1 2 0", node_order(1));
	/* real node 1's CPUs are on the first slice of its memory: node 1 */
	smm_unode = 1;
	page = smm_alloc_pages(m, 0, 0, NUMA_NO_NODE, NULL);
	ASSERT_EQ(1, page_nid(page));
	ASSERT_EQ(1, numa(1, SMM_NUMA_LOCAL));
	smm_free_pages(m, page, 0);

	/*
	 * pcp->high of a CPU-less fake node splits over every CPU: with one
	 * CPU on each real node, fake nodes 0 (real 0's first slice) and 1
	 * (real 1's) have one each, node 2 none. Same zone sizes, so node
	 * 2's high is half of node 1's.
	 */
	fresh(0, 0, 0);
	m->cfg.fake_nodes = 3;
	smm_ucpu_node[0] = 0;
	smm_ucpu_node[1] = 1;
	smm_test_add_chunk(m, N0, SZ_32M, 0);
	smm_test_add_chunk(m, N0 + SZ_32M, SZ_32M, 1);
	BOOT();
	smm_ucpu_node[0] = -1;
	smm_ucpu_node[1] = -1;
	ASSERT_EQ(Z(1, DMA32)->_watermark[SMM_WMARK_LOW],
		  (unsigned long)Z(1, DMA32)->pageset_high);
	ASSERT_EQ(max_t(int, Z(2, DMA32)->_watermark[SMM_WMARK_LOW] / 2, 4),
		  Z(2, DMA32)->pageset_high);
	ASSERT_TRUE(Z(2, DMA32)->pageset_high < Z(1, DMA32)->pageset_high);

	/* too many nodes for the memory: the boot says so */
	fresh(0, 0, 0);
	m->cfg.fake_nodes = 16;
	smm_test_add_chunk(m, N0, SZ_32M, 0);
	ASSERT_EQ(-EINVAL, boot());
	ASSERT_TRUE(strstr(blog.buf, "boot: nodes=16: 8192 pages make no 16 nodes"));
}

TEST(numa_parse_distance)
{
	u8 d[SMM_MAX_NUMNODES][SMM_MAX_NUMNODES] = { };
	const char *why = NULL;

	ASSERT_EQ(0, smm_parse_distance("10,20;30,10", 2, d, &why));
	ASSERT_EQ(20, d[0][1]);
	ASSERT_EQ(30, d[1][0]);
	ASSERT_EQ(0, smm_parse_distance("10", 1, d, &why));
	ASSERT_EQ(0, smm_parse_distance("10,254;11,10", 2, d, &why));
	ASSERT_EQ(-EINVAL, smm_parse_distance("10,20;20,10", 3, d, &why));
	ASSERT_STREQ("a row has fewer values than there are shadow nodes", why);
	ASSERT_EQ(-EINVAL, smm_parse_distance("10,20,20;20,10,20", 2, d, &why));
	ASSERT_EQ(-EINVAL, smm_parse_distance("10,20;20,10;20,10", 2, d, &why));
	ASSERT_STREQ("more rows than there are shadow nodes", why);
	ASSERT_EQ(-EINVAL, smm_parse_distance("10,20", 2, d, &why));
	ASSERT_STREQ("fewer rows than there are shadow nodes", why);
	ASSERT_EQ(-EINVAL, smm_parse_distance("11,20;20,10", 2, d, &why));
	ASSERT_STREQ("the distance of a node to itself must be 10", why);
	ASSERT_EQ(-EINVAL, smm_parse_distance("10,10;20,10", 2, d, &why));
	ASSERT_STREQ("a distance between two nodes must be 11..254", why);
	ASSERT_EQ(-EINVAL, smm_parse_distance("10,255;20,10", 2, d, &why));
	ASSERT_EQ(-EINVAL, smm_parse_distance("10,999;20,10", 2, d, &why));
	ASSERT_EQ(-EINVAL, smm_parse_distance("10,2x;20,10", 2, d, &why));
	ASSERT_STREQ("expected numbers 10..254, ',' between values, ';' between rows",
		     why);
	ASSERT_EQ(-EINVAL, smm_parse_distance("10,;20,10", 2, d, &why));
	ASSERT_EQ(-EINVAL, smm_parse_distance("", 2, d, &why));
	ASSERT_EQ(-EINVAL, smm_parse_distance("10,20;20,10;", 2, d, &why));
}

TEST(numa_no_node_prefers_the_cpus_node)
{
	struct smm_page *page;

	std_machine();
	smm_unode = 1;
	page = smm_alloc_pages(m, 0, 0, NUMA_NO_NODE, NULL);
	ASSERT_TRUE(page);
	ASSERT_EQ(1, page_nid(page));
	ASSERT_EQ(1, smm_trace.alloc_pages.nid);
	ASSERT_EQ(1, numa(1, SMM_NUMA_HIT));
	ASSERT_EQ(1, numa(1, SMM_NUMA_LOCAL));
	smm_free_pages(m, page, 0);
	/*
	 * a CPU on a node the shadow has not: the first shadow node is
	 * preferred, but the page is not local to that CPU
	 */
	smm_unode = 5;
	page = smm_alloc_pages(m, 0, 0, NUMA_NO_NODE, NULL);
	ASSERT_EQ(0, page_nid(page));
	ASSERT_EQ(1, numa(0, SMM_NUMA_HIT));
	ASSERT_EQ(1, numa(0, SMM_NUMA_OTHER));
	smm_free_pages(m, page, 0);
}

TEST(numa_stats_hit_local_other)
{
	struct smm_page *a, *b;

	std_machine();
	a = smm_alloc_pages(m, 0, 3, 0, NULL);
	smm_unode = 1;
	b = smm_alloc_pages(m, 0, 0, 0, NULL);
	ASSERT_EQ(0, page_nid(a));
	ASSERT_EQ(0, page_nid(b));
	/* one count an allocation, whatever its order */
	ASSERT_EQ(2, numa(0, SMM_NUMA_HIT));
	ASSERT_EQ(1, numa(0, SMM_NUMA_LOCAL));
	ASSERT_EQ(1, numa(0, SMM_NUMA_OTHER));
	ASSERT_EQ(0, numa(0, SMM_NUMA_MISS));
	ASSERT_EQ(0, numa(1, SMM_NUMA_HIT));
	ASSERT_EQ(0, smm_trace.nr_zonelist_fallback);
	smm_free_pages(m, a, 3);
	smm_free_pages(m, b, 0);
}

TEST(numa_exhausting_a_node_falls_back_miss_and_foreign)
{
	struct smm_page *page;
	unsigned long n = 0;

	std_machine();
	/* GFP_KERNEL on node 0: Normal, DMA32, DMA of 0, then node 1 */
	while ((page = smm_alloc_pages(m, 0, 0, 0, NULL)) &&
	       page_nid(page) == 0)
		n++;
	ASSERT_TRUE(page);
	ASSERT_EQ(1, page_nid(page));
	ASSERT_EQ(n, numa(0, SMM_NUMA_HIT));
	ASSERT_EQ(1, numa(1, SMM_NUMA_MISS));
	ASSERT_EQ(1, numa(0, SMM_NUMA_FOREIGN));
	ASSERT_EQ(0, numa(1, SMM_NUMA_FOREIGN));
	ASSERT_EQ(1, numa(1, SMM_NUMA_OTHER));
	ASSERT_EQ(1, ev.zonelist_fallback[0][1]);
	/* node 0's own lower zones were fallbacks too */
	ASSERT_TRUE(ev.zonelist_fallback[0][0] > 0);
	ASSERT_EQ(0, smm_trace.zonelist_fallback.preferred_nid);
	ASSERT_EQ(NORMAL, smm_trace.zonelist_fallback.preferred_zone);
	ASSERT_EQ(1, smm_trace.zonelist_fallback.nid);
	ASSERT_EQ(NORMAL, smm_trace.zonelist_fallback.zone);
	ASSERT_EQ(SMM_ZLF_WATERMARK, smm_trace.zonelist_fallback.reason);
	memset(&nlog, 0, sizeof(nlog));
	smm_show_zonelist_fallback(m, smm_capture_emit, &nlog);
	ASSERT_TRUE(strstr(nlog.buf, "\n0 1 1\n"));
	/*
	 * __GFP_THISNODE: the slowpath's min watermark still finds some
	 * on node 0, then it fails rather than leave node 0
	 */
	for (n = 0; (page = smm_alloc_pages(m, G_THISNODE, 0, 0, NULL)); n++)
		ASSERT_EQ(0, page_nid(page));
	ASSERT_TRUE(n < 8192);
	ASSERT_EQ(1, numa(1, SMM_NUMA_MISS));
}

TEST(numa_bind_prefers_the_first_node_of_the_mask)
{
	struct smm_nodemask only1 = { BIT(1) };
	struct smm_page *page;

	std_machine();
	/* preferred zone is the first in the mask: a hit on 1, no miss */
	page = smm_alloc_pages(m, 0, 0, 0, &only1);
	ASSERT_EQ(1, page_nid(page));
	ASSERT_EQ(1, numa(1, SMM_NUMA_HIT));
	ASSERT_EQ(0, numa(1, SMM_NUMA_MISS));
	ASSERT_EQ(0, numa(0, SMM_NUMA_FOREIGN));
	ASSERT_EQ(0, smm_trace.nr_zonelist_fallback);
	smm_free_pages(m, page, 0);
}

static int nctl(const char *cmd)
{
	return smm_ctl_exec(m, cmd, smm_capture_emit, &nlog);
}

TEST(numa_ctl_policies)
{
	struct smm_held *h;
	int i = 0;

	std_machine();
	ASSERT_EQ(-EINVAL, nctl("policy"));
	ASSERT_EQ(-EINVAL, nctl("policy preferred"));
	ASSERT_EQ(-EINVAL, nctl("policy preferred nid=2"));
	ASSERT_EQ(-EINVAL, nctl("policy bind nodes=0,0"));
	ASSERT_EQ(-EINVAL, nctl("policy bind nodes=0,"));
	ASSERT_EQ(-EINVAL, nctl("policy interleave nodes=3"));
	ASSERT_EQ(-EINVAL, nctl("policy default nid=1"));
	ASSERT_EQ(-EINVAL, nctl("policy local"));

	/* interleave: 0 1 0 1, each where it was meant to go */
	ASSERT_EQ(0, nctl("policy interleave nodes=0,1"));
	ASSERT_EQ(0, nctl("alloc order=0 count=4 tag=il"));
	list_for_each_entry(h, &m->held, list)
		ASSERT_EQ(i++ % 2, h->nid);
	ASSERT_EQ(2, numa(0, SMM_NUMA_INTERLEAVE_HIT));
	ASSERT_EQ(2, numa(1, SMM_NUMA_INTERLEAVE_HIT));
	/* nid= is alloc_pages_node(): no policy, no interleave_hit */
	ASSERT_EQ(0, nctl("alloc order=0 nid=1 tag=n"));
	ASSERT_EQ(2, numa(1, SMM_NUMA_INTERLEAVE_HIT));
	ASSERT_EQ(3, numa(1, SMM_NUMA_HIT));

	ASSERT_EQ(0, nctl("policy preferred nid=1"));
	ASSERT_EQ(0, nctl("alloc order=0 tag=p"));
	ASSERT_EQ(4, numa(1, SMM_NUMA_HIT));
	ASSERT_EQ(0, nctl("policy bind nodes=1"));
	ASSERT_EQ(0, nctl("alloc order=0 tag=b"));
	ASSERT_EQ(5, numa(1, SMM_NUMA_HIT));
	ASSERT_EQ(0, nctl("policy default"));
	ASSERT_EQ(0, nctl("alloc order=0 tag=d"));
	ASSERT_EQ(3, numa(0, SMM_NUMA_HIT));
	ASSERT_EQ(0, nctl("free all"));
}

/*
 * v6.1's policies beyond the nodes they name: __GFP_THISNODE takes the
 * default policy whatever the task's; a bind nodemask applies only to
 * requests that may use policy_zone (Normal on the scaled layout) or
 * above; GFP_ATOMIC, which may ignore the policy (no ALLOC_CPUSET),
 * leaves the nodemask behind in the slowpath once the bound nodes are
 * exhausted, GFP_KERNEL and GFP_NOWAIT do not.
 */
TEST(numa_policy_zone_thisnode_and_atomic)
{
	int i, below_min = 0, on_node1 = 0;
	struct smm_held *h;

	std_machine();
	ASSERT_EQ(NORMAL, m->policy_zone);
	ASSERT_EQ(0, nctl("policy bind nodes=1"));
	ASSERT_EQ(0, nctl("alloc order=0 tag=b"));
	h = list_last_entry(&m->held, struct smm_held, list);
	ASSERT_EQ(1, h->nid);
	/* below policy_zone: no nodemask, the local node */
	ASSERT_EQ(0, nctl("alloc order=0 gfp=dma32 tag=low"));
	h = list_last_entry(&m->held, struct smm_held, list);
	ASSERT_EQ(0, h->nid);
	ASSERT_EQ(DMA32, h->zone);
	/* __GFP_THISNODE: the default policy, the local node */
	ASSERT_EQ(0, nctl("alloc order=0 gfp=kernel|thisnode tag=tn"));
	h = list_last_entry(&m->held, struct smm_held, list);
	ASSERT_EQ(0, h->nid);
	ASSERT_EQ(0, nctl("free all"));

	/* bind to node 0 and use it up */
	ASSERT_EQ(0, nctl("policy bind nodes=0"));
	while (!nctl("alloc order=0 count=64 tag=fill"))
		;
	ASSERT_EQ(-ENOMEM, nctl("alloc order=0 tag=k"));
	ASSERT_EQ(-ENOMEM, nctl("alloc order=0 gfp=nowait tag=nw"));
	/*
	 * GFP_ATOMIC first takes node 0's reserves below min (the
	 * slowpath's first walk keeps the nodemask), then node 1's pages
	 */
	for (i = 0; i < 4096; i++) {
		ASSERT_EQ(0, nctl("alloc order=0 gfp=atomic tag=at"));
		h = list_last_entry(&m->held, struct smm_held, list);
		if (h->nid)
			break;
		below_min++;
	}
	ASSERT_EQ(1, h->nid);
	ASSERT_TRUE(below_min > 0);
	/* no other held page is on node 1 */
	list_for_each_entry(h, &m->held, list)
		on_node1 += h->nid == 1;
	ASSERT_EQ(1, on_node1);
	ASSERT_EQ(-ENOMEM, nctl("alloc order=0 tag=k"));
	ASSERT_EQ(0, nctl("free all"));
	ASSERT_EQ(0, nctl("policy default"));
}

/*
 * free pfn= names one held allocation or is refused: the largest pfn is
 * not a wildcard, and nothing is freed by a refusal.
 */
TEST(numa_ctl_free_pfn_names_one)
{
	struct smm_held *h;
	char cmd[64];

	std_machine();
	ASSERT_EQ(0, nctl("alloc order=1 count=3 tag=x"));
	ASSERT_EQ(-EINVAL, nctl("free pfn=0xffffffffffffffff"));
	ASSERT_EQ(3, m->nr_held);
	ASSERT_STREQ("ctl: free: no held allocation starts at pfn=0xffffffffffffffff\n",
		     nlog.last);
	ASSERT_EQ(-EINVAL, nctl("free tag=nope"));
	ASSERT_STREQ("ctl: free: nothing is held under tag=nope\n", nlog.last);
	ASSERT_EQ(3, m->nr_held);
	h = list_first_entry(&m->held, struct smm_held, list);
	snprintf(cmd, sizeof(cmd), "free pfn=0x%lx", h->pfn + 1);
	ASSERT_EQ(-EINVAL, nctl(cmd));
	snprintf(cmd, sizeof(cmd), "free pfn=0x%lx", h->pfn);
	ASSERT_EQ(0, nctl(cmd));
	ASSERT_EQ(2, m->nr_held);
	ASSERT_EQ(0, nctl("free all"));
	ASSERT_EQ(0, m->nr_held);
}

TEST(numa_views)
{
	struct smm_page *page;

	std_machine();
	memset(&nlog, 0, sizeof(nlog));
	smm_show_zonelists(m, smm_capture_emit, &nlog);
	ASSERT_STREQ("node 0 fallback: 0(10) 1(20) zones: 0/Movable 0/Normal 0/DMA32 0/DMA 1/Movable 1/Normal 1/DMA32 1/DMA\n"
		     "node 0 thisnode: 0(10) zones: 0/Movable 0/Normal 0/DMA32 0/DMA\n"
		     "node 1 fallback: 1(10) 0(20) zones: 1/Movable 1/Normal 1/DMA32 1/DMA 0/Movable 0/Normal 0/DMA32 0/DMA\n"
		     "node 1 thisnode: 1(10) zones: 1/Movable 1/Normal 1/DMA32 1/DMA\n",
		     nlog.buf);
	smm_unode = 1;
	page = smm_alloc_pages(m, 0, 0, 0, NULL);
	memset(&nlog, 0, sizeof(nlog));
	smm_show_numastat(m, 0, smm_capture_emit, &nlog);
	ASSERT_STREQ("numa_hit 1\nnuma_miss 0\nnuma_foreign 0\ninterleave_hit 0\nlocal_node 0\nother_node 1\n",
		     nlog.buf);
	smm_free_pages(m, page, 0);
}

/* ---- gfp ------------------------------------------------------------------ */

TEST(pa_gfp_zone_table)
{
	ASSERT_EQ(NORMAL, smm_gfp_zone(0));
	ASSERT_EQ(DMA, smm_gfp_zone(G_DMA));
	ASSERT_EQ(NORMAL, smm_gfp_zone(G_HIGHMEM));
	ASSERT_EQ(DMA32, smm_gfp_zone(G_DMA32));
	ASSERT_EQ(NORMAL, smm_gfp_zone(G_MOVABLE));
	ASSERT_EQ(DMA, smm_gfp_zone(G_MOVABLE | G_DMA));
	ASSERT_EQ(MOVABLE, smm_gfp_zone(G_MOVABLE | G_HIGHMEM));
	ASSERT_EQ(DMA32, smm_gfp_zone(G_MOVABLE | G_DMA32));
	ASSERT_EQ(-EINVAL, smm_gfp_zone(G_DMA | G_HIGHMEM));
	ASSERT_EQ(-EINVAL, smm_gfp_zone(G_DMA | G_DMA32));
	ASSERT_EQ(-EINVAL, smm_gfp_zone(G_DMA32 | G_HIGHMEM));
	ASSERT_EQ(-EINVAL, smm_gfp_zone(G_DMA | G_DMA32 | G_HIGHMEM));
	ASSERT_EQ(-EINVAL, smm_gfp_zone(G_MOVABLE | G_HIGHMEM | G_DMA));
	ASSERT_EQ(-EINVAL, smm_gfp_zone(G_MOVABLE | G_DMA32 | G_DMA));
	ASSERT_EQ(-EINVAL, smm_gfp_zone(G_MOVABLE | G_DMA32 | G_HIGHMEM));
	ASSERT_EQ(-EINVAL, smm_gfp_zone(SMM_GFP_ZONEMASK));
	/* the other bits do not matter */
	ASSERT_EQ(DMA32, smm_gfp_zone(G_DMA32 | G_ZERO | SMM_GFP_ATOMIC));
	ASSERT_EQ(MOVABLE, smm_gfp_zone(SMM_GFP_HIGHUSER_MOVABLE));
}

TEST(pa_gfp_migratetype)
{
	ASSERT_EQ(MT_UNMOV, smm_gfp_migratetype(SMM_GFP_KERNEL));
	ASSERT_EQ(MT_UNMOV, smm_gfp_migratetype(SMM_GFP_ATOMIC | G_DMA));
	ASSERT_EQ(MT_MOV, smm_gfp_migratetype(G_MOVABLE));
	ASSERT_EQ(MT_MOV, smm_gfp_migratetype(SMM_GFP_HIGHUSER_MOVABLE));
	ASSERT_EQ(MT_RECL, smm_gfp_migratetype(G_RECL | G_DMA32));
}

TEST(pa_alloc_zone_from_gfp)
{
	std_machine();
	ASSERT_PTR_EQ(Z(0, NORMAL), smm_page_zone(m, alloc(0, 4, 0)));
	ASSERT_PTR_EQ(Z(0, DMA), smm_page_zone(m, alloc(G_DMA, 4, 0)));
	ASSERT_PTR_EQ(Z(0, DMA32), smm_page_zone(m, alloc(G_DMA32, 4, 0)));
	ASSERT_PTR_EQ(Z(0, NORMAL), smm_page_zone(m, alloc(G_HIGHMEM, 4, 0)));
	ASSERT_PTR_EQ(Z(0, NORMAL), smm_page_zone(m, alloc(G_MOVABLE, 4, 0)));
	ASSERT_PTR_EQ(Z(0, MOVABLE),
		      smm_page_zone(m, alloc(G_MOVABLE | G_HIGHMEM, 4, 0)));
	ASSERT_PTR_EQ(Z(1, DMA), smm_page_zone(m, alloc(G_MOVABLE | G_DMA, 4, 1)));
	ASSERT_PTR_EQ(Z(1, DMA32),
		      smm_page_zone(m, alloc(G_MOVABLE | G_DMA32, 4, 1)));
	events();
	ASSERT_EQ(1, ev.alloc_success[1][DMA32][4]);
	ASSERT_EQ(3, ev.alloc_success[0][NORMAL][4]);
	ASSERT_EQ(8, smm_trace.nr_alloc_pages);
}

TEST(pa_alloc_invalid_requests)
{
	std_machine();
	/* a GFP_ZONE_BAD combination */
	ASSERT_PTR_EQ(NULL, alloc(G_DMA | G_DMA32, 0, 0));
	ASSERT_EQ(~0UL, smm_trace.alloc_pages.pfn);
	/* both mobility bits, an unknown bit, a node without memory */
	ASSERT_PTR_EQ(NULL, alloc(G_MOVABLE | G_RECL, 0, 0));
	ASSERT_PTR_EQ(NULL, alloc(G_NOBLOCK | (SMM___GFP_BITS + 1), 0, 0));
	ASSERT_PTR_EQ(NULL, alloc(0, 0, 5));
	ASSERT_PTR_EQ(NULL, alloc(0, 0, SMM_MAX_NUMNODES));
	ASSERT_PTR_EQ(NULL, alloc(0, 0, -2));
	/* order >= MAX_ORDER */
	ASSERT_PTR_EQ(NULL, alloc(0, SMM_MAX_ORDER, 0));
	ASSERT_EQ(SMM_MAX_ORDER, smm_trace.alloc_pages.order);
	events();
	ASSERT_EQ(7, ev.alloc_invalid);
	ASSERT_EQ(6, ev.alloc_fail[0]);
	ASSERT_EQ(0, ev.alloc_fail[SMM_MAX_ORDER - 1]);
	ASSERT_EQ(7, smm_trace.nr_alloc_pages);
	ASSERT_EQ(0, smm_trace.nr_rmqueue);
	ASSERT_WALK();
}

TEST(pa_alloc_numa_no_node_is_first_node)
{
	std_machine();
	ASSERT_EQ(0, smm_page_nid(alloc(G_DMA32, 4, NUMA_NO_NODE)));
	ASSERT_EQ(0, smm_trace.alloc_pages.nid);
}

/* ---- expand and merge ----------------------------------------------------- */

TEST(pa_expand_splits_halves)
{
	struct smm_page *page;

	/*
	 * n1 DMA is one order-9 block at 0x80000. An order-4 request takes
	 * it and gives back the upper halves: 0x80100 (8), 0x80080 (7),
	 * 0x80040 (6), 0x80020 (5), 0x80010 (4).
	 */
	std_machine();
	page = alloc(G_DMA | G_THISNODE, 4, 1);
	ASSERT_EQ(0x80000, PFN(page));
	ASSERT_ORDERS(1, DMA, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0);
	ASSERT_EQ(0x80100, list_first(1, DMA, 8, MT_UNMOV));
	ASSERT_EQ(0x80080, list_first(1, DMA, 7, MT_UNMOV));
	ASSERT_EQ(0x80040, list_first(1, DMA, 6, MT_UNMOV));
	ASSERT_EQ(0x80020, list_first(1, DMA, 5, MT_UNMOV));
	ASSERT_EQ(0x80010, list_first(1, DMA, 4, MT_UNMOV));
	ASSERT_EQ(6, PG(0x80040)->private);
	ASSERT_TRUE(smm_page_buddy(PG(0x80040)));
	ASSERT_FALSE(smm_page_buddy(PG(0x80041)));
	ASSERT_EQ(512 - 16, Z(1, DMA)->nr_free_pages);
	/* the allocation itself */
	ASSERT_FALSE(smm_page_buddy(page));
	ASSERT_TRUE(smm_test_page_flag(page, SMM_PG_head));
	ASSERT_EQ(1, page->_refcount);
	ASSERT_EQ(4, page->private);
	ASSERT_EQ(0, PG(0x8000f)->_refcount);
	ASSERT_FALSE(smm_test_page_flag(PG(0x8000f), SMM_PG_head));
	ASSERT_WALK();
}

TEST(pa_merge_restores_post_init)
{
	struct smm_page *a, *b, *c;

	std_machine();
	buddy_snap(&snap_init);
	a = alloc(G_DMA | G_THISNODE, 4, 1);
	b = alloc(G_DMA | G_THISNODE, 6, 1);
	c = alloc(G_DMA | G_THISNODE, 5, 1);
	pfree(b, 6);
	pfree(a, 4);
	pfree(c, 5);
	buddy_snap(&snap_now);
	ASSERT_BUDDY_SAME(&snap_init, &snap_now);
	ASSERT_EQ(9, smm_trace.free_one_page.merged_order);
	ASSERT_EQ(0x80000, list_first(1, DMA, 9, MT_UNMOV));
	ASSERT_FALSE(smm_test_page_flag(a, SMM_PG_head));
	ASSERT_EQ(0, a->_refcount);
	ASSERT_WALK();
}

TEST(pa_merge_stops_at_allocated_buddy)
{
	struct smm_page *a, *b;

	std_machine();
	/* boot's own frees were counted too: from here on */
	memset(m->events, 0, m->nr_cpus * sizeof(*m->events));
	a = alloc(G_DMA | G_THISNODE, 4, 1);	/* 0x80000 */
	b = alloc(G_DMA | G_THISNODE, 4, 1);	/* 0x80010 */
	ASSERT_EQ(0x80010, PFN(b));
	pfree(a, 4);
	ASSERT_EQ(0x80000, smm_trace.free_one_page.pfn);
	ASSERT_EQ(4, smm_trace.free_one_page.order);
	ASSERT_EQ(4, smm_trace.free_one_page.merged_order);
	ASSERT_EQ(1, nr_free(1, DMA, 4));
	pfree(b, 4);
	ASSERT_EQ(9, smm_trace.free_one_page.merged_order);
	events();
	ASSERT_EQ(1, ev.merge[4]);
	ASSERT_EQ(1, ev.merge[9]);
	ASSERT_EQ(2, ev.free[4]);
}

TEST(pa_merge_stops_at_buddy_of_other_order)
{
	struct smm_page *a, *c, *d;

	/*
	 * A = 5 at 0x80000; C = 4 at 0x80020 (splitting 0x80020/5), D = 4
	 * at 0x80030. Freeing C leaves a free order-4 block at 0x80020:
	 * the order-5 buddy of A, but not of order 5, so A stays apart.
	 */
	std_machine();
	a = alloc(G_DMA | G_THISNODE, 5, 1);
	c = alloc(G_DMA | G_THISNODE, 4, 1);
	d = alloc(G_DMA | G_THISNODE, 4, 1);
	ASSERT_EQ(0x80020, PFN(c));
	ASSERT_EQ(0x80030, PFN(d));
	pfree(c, 4);
	pfree(a, 5);
	ASSERT_EQ(5, smm_trace.free_one_page.merged_order);
	ASSERT_EQ(1, nr_free(1, DMA, 5));
	ASSERT_EQ(1, nr_free(1, DMA, 4));
	/* D completes 0x80020/5, which completes the whole block */
	pfree(d, 4);
	ASSERT_EQ(0x80030, smm_trace.free_one_page.pfn);
	ASSERT_EQ(9, smm_trace.free_one_page.merged_order);
	ASSERT_ORDERS(1, DMA, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0);
}

TEST(pa_merge_stops_at_zone_boundary)
{
	struct smm_page *page;

	/*
	 * 0x80000/9 (DMA) and 0x80200/9 (DMA32) are buddies by pfn, both
	 * free, in two zones: a free in DMA merges up to 9 and stops.
	 */
	std_machine();
	page = alloc(G_DMA | G_THISNODE, 8, 1);
	ASSERT_EQ(0x80000, PFN(page));
	pfree(page, 8);
	ASSERT_EQ(9, smm_trace.free_one_page.merged_order);
	ASSERT_EQ(1, nr_free(1, DMA, 9));
	ASSERT_EQ(0, nr_free(1, DMA, 10));
	ASSERT_EQ(1, nr_free(1, DMA32, 9));
	ASSERT_EQ(0x80200, list_first(1, DMA32, 9, MT_MOV));
	ASSERT_WALK();
}

TEST(pa_merge_stops_at_node_boundary)
{
	struct smm_page *page;

	/*
	 * Two nodes of 6M back to back: node 1 = pfn [0x40600, 0x40c00).
	 * Both maps cover [0x40400, 0x40800). Node 1's free block at
	 * 0x40600/9 is the pfn buddy of node 0's 0x40400/9.
	 */
	fresh(0, 0, 0);
	smm_test_add_chunk(m, N0, 6 * SZ_1M, 0);
	smm_test_add_chunk(m, N0 + 6 * SZ_1M, 6 * SZ_1M, 1);
	BOOT();
	ASSERT_EQ(0x40600, m->node_data[1].node_start_pfn);
	ASSERT_PTR_EQ(m->node_data[1].node_mem_map, smm_pfn_to_page(m, 0x40600));
	ASSERT_EQ(0x40400, m->node_data[1].memmap_start_pfn);
	page = alloc(G_MOVABLE | G_HIGHMEM | G_THISNODE, 0, 0);
	ASSERT_TRUE(page);
	pfree(page, 0);
	smm_drain_all_pages(m);
	ASSERT_WALK();
	/* no order-10 block spans the two nodes */
	ASSERT_EQ(1, smm_page_nid(PG(0x40600)));
	ASSERT_TRUE(!smm_page_buddy(PG(0x40400)) ||
		    PG(0x40400)->private < 10);
}

TEST(pa_freed_block_to_tail_when_merge_likely)
{
	struct smm_page *a, *b, *c, *d;
	struct list_head *tail;

	/*
	 * n1 DMA: A = 4 at 0x80000, B = 4 at 0x80010, C = 5 at 0x80020,
	 * D = 4 at 0x80040 (splits 0x80040/6: frees 0x80050/4, 0x80060/5).
	 * Free C: its buddy A is allocated, and the order-6 buddy
	 * (0x80040) too: head of the order-5 list. Free A: buddy B is
	 * allocated, but the order-5 buddy of 0x80000 is C, free with
	 * order 5: A will likely merge soon, so it goes to the tail of the
	 * order-4 list, behind 0x80050.
	 */
	std_machine();
	a = alloc(G_DMA | G_THISNODE, 4, 1);
	b = alloc(G_DMA | G_THISNODE, 4, 1);
	c = alloc(G_DMA | G_THISNODE, 5, 1);
	d = alloc(G_DMA | G_THISNODE, 4, 1);
	ASSERT_EQ(0x80020, PFN(c));
	ASSERT_EQ(0x80040, PFN(d));
	pfree(c, 5);
	ASSERT_EQ(0x80020, list_first(1, DMA, 5, MT_UNMOV));
	pfree(a, 4);
	ASSERT_EQ(0x80050, list_first(1, DMA, 4, MT_UNMOV));
	tail = Z(1, DMA)->free_area[4].free_list[MT_UNMOV].prev;
	ASSERT_EQ(0x80000, PFN(list_entry(tail, struct smm_page, lru)));
	(void)b;
}

/* ---- the rmqueue histogram: seed 001's question --------------------------- */

TEST(pa_order0_from_current_order_5)
{
	struct smm_rmqueue_rec *r;

	/*
	 * n0 DMA: 0x40010/4, 0x40020/5, ... Take the order-4 block first;
	 * then an order-0 MOVABLE request finds orders 0-4 empty: it is
	 * served from current_order 5 (0x40020), through the pcp (batch 1).
	 */
	fresh(SZ_64K, SZ_4M, SZ_2M);
	m->cfg.rmqueue_trace_size = 8;
	smm_test_add_chunk(m, N0, SZ_32M, 0);
	smm_test_add_chunk(m, N1, SZ_32M, 1);
	BOOT();
	ALLOC_AT(0x40010, G_DMA | G_MOVABLE | G_THISNODE, 4, 0);
	ALLOC_AT(0x40020, G_DMA | G_MOVABLE | G_THISNODE, 0, 0);
	events();
	ASSERT_EQ(1, ev.rmqueue[MT_MOV][4][4]);
	ASSERT_EQ(1, ev.rmqueue[MT_MOV][0][5]);
	ASSERT_EQ(1, ev.pcp_hit[0]);
	ASSERT_EQ(1, ev.pcp_refill);
	/* the ring: 4 from 4, 0 from 5 (buddy), 0 from the pcp */
	ASSERT_EQ(3, smm_atomic64_read(&m->rmqueue_ring.seq));
	r = &m->rmqueue_ring.cpus[0].recs[1];
	ASSERT_EQ(1, r->seq);
	ASSERT_EQ(0, r->order);
	ASSERT_EQ(5, r->current_order);
	ASSERT_FALSE(r->pcp);
	ASSERT_EQ(0x40020, r->pfn);
	ASSERT_EQ(DMA, r->zone);
	ASSERT_EQ(MT_MOV, r->migratetype);
	r = &m->rmqueue_ring.cpus[0].recs[2];
	ASSERT_TRUE(r->pcp);
	ASSERT_EQ(0, r->current_order);
	ASSERT_EQ(0x40020, r->pfn);
	ASSERT_TRUE(smm_trace.rmqueue.pcp);
	ASSERT_EQ(3, smm_trace.nr_rmqueue);
	/* the split: 0x40021/0, 0x40022/1, 0x40024/2 ... 0x40030/4 */
	ASSERT_ORDERS(0, DMA, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 0);
	/* the next order-0 request is served from current_order 0 */
	ALLOC_AT(0x40021, G_DMA | G_MOVABLE | G_THISNODE, 0, 0);
	events();
	ASSERT_EQ(1, ev.rmqueue[MT_MOV][0][0]);
}

TEST(pa_ring_wraps)
{
	unsigned int i;

	fresh(SZ_64K, SZ_4M, SZ_2M);
	m->cfg.rmqueue_trace_size = 4;
	smm_test_add_chunk(m, N0, SZ_32M, 0);
	BOOT();
	ASSERT_EQ(4, m->rmqueue_ring.size);
	/* ten order-4 allocations: ten buddy records, seq 0..9 */
	for (i = 0; i < 10; i++)
		ASSERT_TRUE(alloc(G_MOVABLE, 4, 0));
	ASSERT_EQ(10, smm_atomic64_read(&m->rmqueue_ring.seq));
	ASSERT_EQ(10, m->rmqueue_ring.cpus[0].head);
	ASSERT_EQ(0, m->rmqueue_ring.cpus[1].head);
	for (i = 0; i < 4; i++)
		ASSERT_EQ(6 + i, m->rmqueue_ring.cpus[0].recs[(6 + i) % 4].seq);
	/* each one 16 pages above the last */
	ASSERT_EQ(m->rmqueue_ring.cpus[0].recs[9 % 4].pfn,
		  m->rmqueue_ring.cpus[0].recs[8 % 4].pfn + 16);
}

TEST(pa_ring_off)
{
	std_machine();
	ASSERT_EQ(0, m->rmqueue_ring.size);
	ASSERT_PTR_EQ(NULL, m->rmqueue_ring.cpus);
	ASSERT_TRUE(alloc(0, 4, 0));
	/* off: nothing recorded, not even the sequence; the trace stays */
	ASSERT_EQ(0, smm_atomic64_read(&m->rmqueue_ring.seq));
	ASSERT_EQ(1, smm_trace.nr_rmqueue);
}

/* ---- per-cpu lists -------------------------------------------------------- */

TEST(pa_pcp_refill_takes_batch)
{
	struct smm_per_cpu_pages *pcp;
	struct smm_page *page;
	unsigned long base;

	/*
	 * Big machine, Normal batch 7: the first order-0 request refills
	 * the empty list with 7 pages in one rmqueue_bulk (from
	 * current_order 10, then 0, 1, 0, 2, 0, 1), hands out the first.
	 */
	big_machine();
	pcp = &Z(0, NORMAL)->per_cpu_pageset[0];
	page = alloc(G_MOVABLE, 0, 0);
	base = PFN(page);
	ASSERT_EQ(0x46000, base);
	ASSERT_EQ(6, pcp->count);
	ASSERT_EQ(1, smm_trace.nr_rmqueue_bulk);
	ASSERT_EQ(7, smm_trace.rmqueue_bulk.count);
	ASSERT_EQ(7, smm_trace.rmqueue_bulk.allocated);
	ASSERT_EQ(NORMAL, smm_trace.rmqueue_bulk.zone);
	events();
	ASSERT_EQ(1, ev.rmqueue[MT_MOV][0][10]);
	ASSERT_EQ(3, ev.rmqueue[MT_MOV][0][0]);
	ASSERT_EQ(2, ev.rmqueue[MT_MOV][0][1]);
	ASSERT_EQ(1, ev.rmqueue[MT_MOV][0][2]);
	ASSERT_EQ(8, smm_trace.nr_rmqueue);
	/* the pcp holds the next six, in pfn order */
	ALLOC_AT(base + 1, G_MOVABLE, 0, 0);
	ALLOC_AT(base + 2, G_MOVABLE, 0, 0);
	ASSERT_EQ(4, pcp->count);
	events();
	ASSERT_EQ(3, ev.pcp_hit[0]);
	ASSERT_EQ(1, ev.pcp_refill);
	/* the buddy counter lost 7, not 3 */
	ASSERT_EQ(24576 - 7, Z(0, NORMAL)->nr_free_pages);
	/* another CPU has its own list */
	smm_ucpu = 1;
	ALLOC_AT(base + 7, G_MOVABLE, 0, 0);
	ASSERT_EQ(6, Z(0, NORMAL)->per_cpu_pageset[1].count);
	ASSERT_EQ(4, pcp->count);
}

TEST(pa_pcp_refill_scaled_by_order)
{
	/* order 2: batch 7 >> 2 = 1, at least 2 blocks */
	big_machine();
	ASSERT_TRUE(alloc(G_MOVABLE, 2, 0));
	ASSERT_EQ(2, smm_trace.rmqueue_bulk.count);
	ASSERT_EQ(4, Z(0, NORMAL)->per_cpu_pageset[0].count);
	/* order 1: 7 >> 1 = 3 */
	ASSERT_TRUE(alloc(G_MOVABLE, 1, 0));
	ASSERT_EQ(3, smm_trace.rmqueue_bulk.count);
	ASSERT_EQ(4 + 4, Z(0, NORMAL)->per_cpu_pageset[0].count);
}

TEST(pa_pcp_free_stays_on_list)
{
	struct smm_per_cpu_pages *pcp;
	struct smm_page *page;
	long free_pages;

	big_machine();
	pcp = &Z(0, NORMAL)->per_cpu_pageset[0];
	page = alloc(G_MOVABLE, 0, 0);
	free_pages = Z(0, NORMAL)->nr_free_pages;
	pfree(page, 0);
	ASSERT_EQ(7, pcp->count);
	ASSERT_EQ(free_pages, Z(0, NORMAL)->nr_free_pages);
	ASSERT_TRUE(smm_test_page_flag(page, SMM_PG_pcp));
	ASSERT_EQ(0, page->private);
	/* to the head: the next allocation gets it back */
	ASSERT_PTR_EQ(page, alloc(G_MOVABLE, 0, 0));
	ASSERT_FALSE(smm_test_page_flag(page, SMM_PG_pcp));
	ASSERT_EQ(0, smm_trace.nr_pcp_drain);
}

TEST(pa_pcp_held_goes_to_the_buddy)
{
	struct smm_per_cpu_pages *pcp;
	struct smm_page *page;
	long free_pages;

	/*
	 * v6.1 only trylocks the pcp on its fast paths: while someone holds
	 * it (a drain, check, or this CPU's own fast path interrupted by the
	 * mirror's probe) an allocation comes from the buddy lists and a free
	 * goes straight back to them; the list is left as it was.
	 */
	big_machine();
	pcp = &Z(0, NORMAL)->per_cpu_pageset[0];
	ASSERT_TRUE(alloc(G_MOVABLE, 0, 0));
	ASSERT_EQ(6, pcp->count);
	free_pages = Z(0, NORMAL)->nr_free_pages;
	pthread_mutex_lock(&pcp->lock.m);
	page = alloc(G_MOVABLE, 0, 0);
	ASSERT_TRUE(page);
	ASSERT_FALSE(smm_trace.rmqueue.pcp);
	ASSERT_EQ(6, pcp->count);
	ASSERT_EQ(free_pages - 1, Z(0, NORMAL)->nr_free_pages);
	pfree(page, 0);
	ASSERT_EQ(6, pcp->count);
	ASSERT_EQ(free_pages, Z(0, NORMAL)->nr_free_pages);
	ASSERT_TRUE(smm_test_page_flag(page, SMM_PG_buddy));
	pthread_mutex_unlock(&pcp->lock.m);
	/* free again: the next allocation is a pcp hit */
	page = alloc(G_MOVABLE, 0, 0);
	ASSERT_TRUE(smm_trace.rmqueue.pcp);
	ASSERT_EQ(5, pcp->count);
	ASSERT_EQ(0, smm_check(m, smm_log_discard, NULL));
}

/* n1 DMA32 (batch 1): order-0 pages 0x80200.. taken one by one */
static void take_pages(struct smm_page **pages, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		pages[i] = alloc(G_DMA32 | G_MOVABLE | G_THISNODE, 0, 1);
		ASSERT_EQ(0x80200 + i, PFN(pages[i]));
	}
}

TEST(pa_pcp_trim_at_high)
{
	struct smm_per_cpu_pages *pcp;
	struct smm_page *pages[40];
	int i, n = 0;

	/*
	 * high 16, batch 3 on n1 DMA32: the free that brings count to 16
	 * gives back nr_pcp_free(): batch << free_factor within
	 * [batch, high - batch = 13], the factor growing while that is
	 * below 13: 3, 6, 12, then 24 capped to 13.
	 */
	std_machine();
	take_pages(pages, 40);
	pcp = &Z(1, DMA32)->per_cpu_pageset[0];
	ASSERT_EQ(0, pcp->count);
	pcp->high = 16;
	pcp->batch = 3;
	while (n < 15)
		pfree(pages[n++], 0);
	ASSERT_EQ(15, pcp->count);
	ASSERT_EQ(0, smm_trace.nr_pcp_drain);
	pfree(pages[n++], 0);
	ASSERT_EQ(16 - 3, pcp->count);
	ASSERT_EQ(1, smm_trace.nr_pcp_drain);
	ASSERT_EQ(3, smm_trace.pcp_drain.count);
	ASSERT_EQ(0, smm_trace.pcp_drain.cpu);
	ASSERT_EQ(1, smm_trace.pcp_drain.nid);
	ASSERT_EQ(DMA32, smm_trace.pcp_drain.zone);
	ASSERT_EQ(1, pcp->free_factor);
	/* the coldest went: the tail of the list, the first ones freed */
	ASSERT_FALSE(smm_test_page_flag(pages[0], SMM_PG_pcp));
	ASSERT_FALSE(smm_test_page_flag(pages[2], SMM_PG_pcp));
	ASSERT_TRUE(smm_test_page_flag(pages[3], SMM_PG_pcp));
	for (i = 0; i < 3; i++)
		pfree(pages[n++], 0);
	ASSERT_EQ(16 - 6, pcp->count);
	ASSERT_EQ(2, pcp->free_factor);
	for (i = 0; i < 6; i++)
		pfree(pages[n++], 0);
	ASSERT_EQ(16 - 12, pcp->count);
	ASSERT_EQ(3, pcp->free_factor);
	for (i = 0; i < 12; i++)
		pfree(pages[n++], 0);
	ASSERT_EQ(16 - 13, pcp->count);
	ASSERT_EQ(13, smm_trace.pcp_drain.count);
	ASSERT_EQ(3, pcp->free_factor);
	/* an allocation halves the factor */
	ASSERT_TRUE(alloc(G_DMA32 | G_MOVABLE | G_THISNODE, 0, 1));
	ASSERT_EQ(1, pcp->free_factor);
	events();
	ASSERT_EQ(4, ev.pcp_drain);
	ASSERT_WALK();
}

TEST(pa_pcp_trim_factor_stops_at_scale_max)
{
	struct smm_per_cpu_pages *pcp;
	struct smm_page *pages[263];
	int i, n = 0, trim = 1;

	/*
	 * nr_pcp_free() doubles what a trim gives back while frees come in
	 * a row, but free_factor grows only while it is below
	 * CONFIG_PCP_BATCH_SCALE_MAX (5): at most batch << 5. High 200,
	 * batch 1 on n1 DMA32: max_nr_free = 199, so the clamp stays out of
	 * the way and only the cap stops the doubling. The free that brings
	 * count to 200 trims 1, 2, 4, 8, 16 (free_factor 1 .. 5), then 32
	 * with free_factor left at 5, then 32 again, where an uncapped
	 * factor would go on to 6 and trim 64. Each trim of k is followed by
	 * k frees up to high again: 200 + 1 + 2 + 4 + 8 + 16 + 32 = 263
	 * frees for seven trims, 168 pages left on the list.
	 */
	std_machine();
	take_pages(pages, 263);
	pcp = &Z(1, DMA32)->per_cpu_pageset[0];
	ASSERT_EQ(0, pcp->count);
	pcp->high = 200;
	pcp->batch = 1;
	while (n < 200)
		pfree(pages[n++], 0);
	for (i = 0; i < 7; i++) {
		int want_factor = i + 1 < 5 ? i + 1 : 5;

		ASSERT_EQ(i + 1, smm_trace.nr_pcp_drain);
		ASSERT_EQ(trim, smm_trace.pcp_drain.count);
		ASSERT_EQ(200 - trim, pcp->count);
		ASSERT_EQ(want_factor, pcp->free_factor);
		if (i == 6)
			break;
		while (pcp->count < 200 - 1)
			pfree(pages[n++], 0);
		ASSERT_EQ(i + 1, smm_trace.nr_pcp_drain);
		pfree(pages[n++], 0);
		trim = trim < 32 ? trim * 2 : 32;
	}
	ASSERT_EQ(263, n);
	ASSERT_EQ(168, pcp->count);
	ASSERT_WALK();
}

TEST(pa_pcp_trim_round_robin)
{
	struct smm_per_cpu_pages *pcp;
	struct smm_page *pages[8];
	int i;

	/*
	 * Seven pages freed while their pageblock is UNMOVABLE (list 0),
	 * then one while it is MOVABLE (list 1): count 8 = high, trim 3
	 * from list 1 first: its one page, then round the lists to list 0,
	 * from its tail: the first two freed.
	 */
	std_machine();
	take_pages(pages, 8);
	pcp = &Z(1, DMA32)->per_cpu_pageset[0];
	pcp->high = 8;
	pcp->batch = 3;
	smm_set_pageblock_migratetype(Z(1, DMA32), 0x80200, MT_UNMOV);
	for (i = 0; i < 7; i++)
		pfree(pages[i], 0);
	ASSERT_EQ(7, list_len(&pcp->lists[MT_UNMOV]));
	smm_set_pageblock_migratetype(Z(1, DMA32), 0x80200, MT_MOV);
	pfree(pages[7], 0);
	ASSERT_EQ(5, pcp->count);
	ASSERT_EQ(0, list_len(&pcp->lists[MT_MOV]));
	ASSERT_EQ(5, list_len(&pcp->lists[MT_UNMOV]));
	ASSERT_FALSE(smm_test_page_flag(pages[0], SMM_PG_pcp));
	ASSERT_FALSE(smm_test_page_flag(pages[1], SMM_PG_pcp));
	ASSERT_TRUE(smm_test_page_flag(pages[2], SMM_PG_pcp));
	/* each page went back to the list of the type it was freed with */
	ASSERT_EQ(MT_UNMOV, smm_trace.free_one_page.migratetype);
	ASSERT_EQ(0x80201, smm_trace.free_one_page.pfn);
	ASSERT_WALK();
}

TEST(pa_pcp_high_order_frees_in_a_row_all_go)
{
	struct smm_per_cpu_pages *pcp;
	struct smm_page *a, *b, *c;

	/*
	 * free_high: once the pcp is only freeing (free_factor > 0), an
	 * order 1-3 free empties it entirely.
	 */
	std_machine();
	a = alloc(G_DMA32 | G_MOVABLE | G_THISNODE, 2, 1);
	b = alloc(G_DMA32 | G_MOVABLE | G_THISNODE, 2, 1);
	c = alloc(G_DMA32 | G_MOVABLE | G_THISNODE, 0, 1);
	pcp = &Z(1, DMA32)->per_cpu_pageset[0];
	pcp->high = 100;
	pfree(c, 0);
	pfree(a, 2);
	ASSERT_EQ(5, pcp->count);
	pcp->free_factor = 1;
	pfree(b, 2);
	ASSERT_EQ(0, pcp->count);
	ASSERT_EQ(9, smm_trace.pcp_drain.count);
}

/*
 * set_migratetype_isolate(), as far as the free lists go: the pageblock
 * turns ISOLATE and its free blocks move to the ISOLATE lists, out of
 * NR_FREE_PAGES.
 */
static void isolate_pageblock(struct smm_zone *zone, unsigned long start)
{
	struct smm_page *page, *next;
	unsigned int o, mt;

	smm_set_pageblock_migratetype(zone, start, MT_ISOLATE);
	for (o = 0; o < SMM_MAX_ORDER; o++) {
		for (mt = 0; mt < MT_ISOLATE; mt++) {
			struct list_head *h = &zone->free_area[o].free_list[mt];

			list_for_each_entry_safe(page, next, h, lru) {
				unsigned long pfn = PFN(page);

				if (pfn < start ||
				    pfn >= start + SMM_PAGEBLOCK_NR_PAGES)
					continue;
				list_move(&page->lru,
					  &zone->free_area[o].free_list[MT_ISOLATE]);
				zone->nr_free_pages -= 1L << o;
			}
		}
	}
}

TEST(pa_pcp_isolated_block_goes_to_buddy)
{
	struct smm_page *page;

	/*
	 * The page of an isolated pageblock skips the pcp: straight to the
	 * buddy lists, where it completes 0x80200/9 on the ISOLATE list,
	 * and NR_FREE_PAGES does not count it.
	 */
	std_machine();
	page = alloc(G_DMA32 | G_MOVABLE | G_THISNODE, 0, 1);
	ASSERT_EQ(0x80200, PFN(page));
	isolate_pageblock(Z(1, DMA32), 0x80200);
	ASSERT_EQ(2560 - 512, Z(1, DMA32)->nr_free_pages);
	pfree(page, 0);
	ASSERT_EQ(0, Z(1, DMA32)->per_cpu_pageset[0].count);
	ASSERT_EQ(0x80200, list_first(1, DMA32, 9, MT_ISOLATE));
	ASSERT_EQ(9, smm_trace.free_one_page.merged_order);
	ASSERT_EQ(MT_ISOLATE, smm_trace.free_one_page.migratetype);
	ASSERT_EQ(2560 - 512, Z(1, DMA32)->nr_free_pages);
	ASSERT_WALK();
}

TEST(pa_pcp_drain_into_isolated_pageblock)
{
	struct smm_page *page;

	/*
	 * free_pcppages_bulk(): a page on a pcp list remembers the type its
	 * pageblock had when it was freed, but the pageblock may have been
	 * isolated since (start_isolate_page_range() does not drain this
	 * CPU first): under zone->lock the kernel asks the pageblock again
	 * and frees to MIGRATE_ISOLATE. Here 0x80200 is freed onto the
	 * MOVABLE pcp list, then its pageblock isolated (as
	 * set_migratetype_isolate() does: type and free pages moved, out of
	 * NR_FREE_PAGES: 2560 - 1 on the pcp - 511 = 2048), then drained:
	 * it completes 0x80200/9 on the ISOLATE list and NR_FREE_PAGES stays
	 * 2048. Freed as MOVABLE it would count (2049) and end on the
	 * MOVABLE list, merged with the isolated pages.
	 */
	std_machine();
	page = alloc(G_DMA32 | G_MOVABLE | G_THISNODE, 0, 1);
	ASSERT_EQ(0x80200, PFN(page));
	pfree(page, 0);
	ASSERT_EQ(1, Z(1, DMA32)->per_cpu_pageset[0].count);
	ASSERT_EQ(MT_MOV, page->index);
	isolate_pageblock(Z(1, DMA32), 0x80200);
	ASSERT_EQ(2048, Z(1, DMA32)->nr_free_pages);
	smm_drain_all_pages(m);
	ASSERT_EQ(0, Z(1, DMA32)->per_cpu_pageset[0].count);
	ASSERT_EQ(MT_ISOLATE, smm_trace.free_one_page.migratetype);
	ASSERT_EQ(9, smm_trace.free_one_page.merged_order);
	ASSERT_EQ(0x80200, list_first(1, DMA32, 9, MT_ISOLATE));
	ASSERT_EQ(~0UL, list_first(1, DMA32, 9, MT_MOV));
	ASSERT_EQ(2048, Z(1, DMA32)->nr_free_pages);
	ASSERT_WALK();
}

/*
 * Another CPU at work while this one is on its way to a zone lock (see
 * smm_ulock_hook in compat_user.h): once, when @race_lock is next taken.
 */
static struct smm_spinlock *race_lock;
static void (*race_fn)(void);

static void race_hook(struct smm_spinlock *l)
{
	if (l != race_lock)
		return;
	smm_ulock_hook = NULL;
	race_fn();
}

static void race_at(struct smm_zone *zone, void (*fn)(void))
{
	race_lock = &zone->lock;
	race_fn = fn;
	smm_ulock_hook = race_hook;
}

static void isolate_n1_dma32_first_block(void)
{
	isolate_pageblock(Z(1, DMA32), 0x80200);
}

TEST(pa_free_one_page_asks_the_pageblock_under_the_lock)
{
	struct smm_page *page;

	/*
	 * free_one_page(): __free_pages_ok() read the pageblock's type
	 * without zone->lock; another CPU may isolate the pageblock before
	 * this one gets the lock, so under it the kernel asks the pageblock
	 * again (has_isolate_pageblock() || is_migrate_isolate()). An
	 * order-4 block (no pcp list for order 4) at 0x80200 is freed as
	 * MOVABLE and, just before the zone lock, the pageblock is isolated
	 * (a state the public API cannot reach: the test sets it, as
	 * set_migratetype_isolate() would: NR_FREE_PAGES 2560 - 16 - 496 =
	 * 2048). The free must go to the ISOLATE list, merged up to
	 * 0x80200/9, and not count: 2048. With the type read before the
	 * lock it would count (2064) and land on the MOVABLE list.
	 */
	std_machine();
	page = alloc(G_DMA32 | G_MOVABLE | G_THISNODE, 4, 1);
	ASSERT_EQ(0x80200, PFN(page));
	race_at(Z(1, DMA32), isolate_n1_dma32_first_block);
	pfree(page, 4);
	ASSERT_PTR_EQ(NULL, smm_ulock_hook);
	ASSERT_EQ(MT_ISOLATE, block_mt(0x80200));
	ASSERT_EQ(MT_ISOLATE, smm_trace.free_one_page.migratetype);
	ASSERT_EQ(9, smm_trace.free_one_page.merged_order);
	ASSERT_EQ(0x80200, list_first(1, DMA32, 9, MT_ISOLATE));
	ASSERT_EQ(~0UL, list_first(1, DMA32, 9, MT_MOV));
	ASSERT_EQ(2048, Z(1, DMA32)->nr_free_pages);
	ASSERT_WALK();
}

TEST(pa_pcp_highatomic_page_uses_movable_list)
{
	struct smm_page *page;

	/*
	 * An UNMOVABLE request in n1 DMA32 steals 0x80400/10 whole and
	 * takes 0x80400. Its pageblock made HIGHATOMIC, the page is freed
	 * onto the MOVABLE pcp list but remembers its type: drained, it
	 * merges up to 0x80400/9 on the HIGHATOMIC list and no further
	 * (0x80600 is UNMOVABLE, highatomic does not merge with it).
	 */
	std_machine();
	page = alloc(G_DMA32 | G_THISNODE, 0, 1);
	ASSERT_EQ(0x80400, PFN(page));
	smm_set_pageblock_migratetype(Z(1, DMA32), 0x80400, MT_HIGHATOMIC);
	pfree(page, 0);
	ASSERT_EQ(1, list_len(&Z(1, DMA32)->per_cpu_pageset[0].lists[MT_MOV]));
	ASSERT_EQ(MT_HIGHATOMIC, page->index);
	smm_drain_all_pages(m);
	ASSERT_EQ(MT_HIGHATOMIC, smm_trace.free_one_page.migratetype);
	ASSERT_EQ(9, smm_trace.free_one_page.merged_order);
	ASSERT_EQ(0x80400, list_first(1, DMA32, 9, MT_HIGHATOMIC));
	ASSERT_EQ(0x80600, list_first(1, DMA32, 9, MT_UNMOV));
	ASSERT_WALK();
}

TEST(pa_pcp_thp_order_has_one_list)
{
	struct smm_per_cpu_pages *pcp;
	struct smm_page *page;

	/* order 9 goes through the pcp too, on the one THP list */
	std_machine();
	pcp = &Z(0, NORMAL)->per_cpu_pageset[0];
	page = alloc(G_MOVABLE, 9, 0);
	ASSERT_TRUE(page);
	events();
	ASSERT_EQ(1, ev.pcp_hit[9]);
	/* with high 55 a THP free goes straight through: trim 1 page = all */
	pfree(page, 9);
	ASSERT_EQ(0, pcp->count);
	ASSERT_EQ(512, smm_trace.pcp_drain.count);
	page = alloc(G_MOVABLE, 9, 0);
	pcp->high = 1000;
	pfree(page, 9);
	ASSERT_EQ(512, pcp->count);
	ASSERT_EQ(1, list_len(&pcp->lists[SMM_NR_LOWORDER_PCP_LISTS]));
	/* an UNMOVABLE order-9 request is served from the same list */
	ASSERT_PTR_EQ(page, alloc(0, 9, 0));
}

TEST(pa_drain_all_pages)
{
	struct smm_page *a, *b;

	big_machine();
	buddy_snap(&snap_init);
	a = alloc(G_MOVABLE, 0, 0);
	smm_ucpu = 1;
	b = alloc(G_DMA32, 1, 0);
	pfree(a, 0);
	smm_ucpu = 0;
	pfree(b, 1);
	/* cpu 0 refilled 7 and handed out a, which cpu 1 freed */
	ASSERT_EQ(6, Z(0, NORMAL)->per_cpu_pageset[0].count);
	ASSERT_EQ(1, Z(0, NORMAL)->per_cpu_pageset[1].count);
	/* cpu 1 refilled max(3 >> 1, 2) order-1 blocks, cpu 0 got b back */
	ASSERT_EQ(2, Z(0, DMA32)->per_cpu_pageset[1].count);
	ASSERT_EQ(2, Z(0, DMA32)->per_cpu_pageset[0].count);
	smm_drain_all_pages(m);
	/* DMA32 cpu 0, cpu 1, Normal cpu 0, cpu 1: the last one traced */
	ASSERT_EQ(4, smm_trace.nr_pcp_drain);
	ASSERT_EQ(1, smm_trace.pcp_drain.cpu);
	ASSERT_EQ(NORMAL, smm_trace.pcp_drain.zone);
	ASSERT_EQ(1, smm_trace.pcp_drain.count);
	ASSERT_EQ(0, Z(0, NORMAL)->per_cpu_pageset[0].count);
	ASSERT_EQ(0, Z(0, NORMAL)->per_cpu_pageset[1].count);
	ASSERT_EQ(0, Z(0, DMA32)->per_cpu_pageset[0].count);
	buddy_snap(&snap_now);
	ASSERT_BUDDY_SAME(&snap_init, &snap_now);
	ASSERT_EQ(24576, Z(0, NORMAL)->nr_free_pages);
	/* nothing left: a second drain traces nothing */
	smm_drain_all_pages(m);
	ASSERT_EQ(4, smm_trace.nr_pcp_drain);
}

/* ---- migratetype fallback ------------------------------------------------- */

TEST(pa_fallback_follows_table)
{
	/*
	 * n1 DMA32 = 0x80200/9, 0x80400/10, 0x80800/10. Make 0x80400
	 * RECLAIMABLE and 0x80800 UNMOVABLE: at order 10 each type finds
	 * both others; the first of its fallbacks[] row wins.
	 */
	std_machine();
	retype_free_block(0x80400, 10, MT_RECL);
	retype_free_block(0x80800, 10, MT_UNMOV);
	retype_free_block(0x80200, 9, MT_UNMOV);
	/* MOVABLE: RECLAIMABLE before UNMOVABLE */
	ALLOC_AT(0x80400, G_DMA32 | G_MOVABLE | G_THISNODE, 4, 1);
	ASSERT_EQ(MT_MOV, smm_trace.fallback.alloc_migratetype);
	ASSERT_EQ(MT_RECL, smm_trace.fallback.fallback_migratetype);
	ASSERT_EQ(10, smm_trace.fallback.fallback_order);
	ASSERT_EQ(4, smm_trace.fallback.alloc_order);
	/* a whole order-10 block: both pageblocks are MOVABLE now */
	ASSERT_EQ(1, smm_trace.fallback.change_ownership);
	ASSERT_EQ(MT_MOV, block_mt(0x80400));
	ASSERT_EQ(MT_MOV, block_mt(0x80600));
	/* RECLAIMABLE: UNMOVABLE (0x80800/10) before MOVABLE */
	ALLOC_AT(0x80800, G_DMA32 | G_RECL | G_THISNODE, 4, 1);
	ASSERT_EQ(MT_UNMOV, smm_trace.fallback.fallback_migratetype);
	events();
	ASSERT_EQ(1, ev.fallback[MT_MOV][MT_RECL]);
	ASSERT_EQ(1, ev.fallback[MT_RECL][MT_UNMOV]);
	ASSERT_EQ(1, ev.steal[MT_RECL][MT_UNMOV]);
	ASSERT_EQ(2, smm_trace.nr_fallback);
	ASSERT_WALK();
}

TEST(pa_fallback_unmovable_prefers_reclaimable)
{
	std_machine();
	retype_free_block(0x80400, 10, MT_RECL);
	/* UNMOVABLE: RECLAIMABLE (0x80400) before MOVABLE (0x80800) */
	ALLOC_AT(0x80400, G_DMA32 | G_THISNODE, 4, 1);
	ASSERT_EQ(MT_RECL, smm_trace.fallback.fallback_migratetype);
	ASSERT_EQ(MT_UNMOV, block_mt(0x80400));
	ASSERT_EQ(MT_MOV, block_mt(0x80800));
}

TEST(pa_fallback_largest_block_first)
{
	/*
	 * n1 DMA32 (all MOVABLE): an UNMOVABLE order-0 request takes the
	 * largest MOVABLE block, 0x80400/10, not 0x80200/9, and the whole
	 * of it changes type.
	 */
	std_machine();
	ALLOC_AT(0x80400, G_DMA32 | G_THISNODE, 0, 1);
	ASSERT_EQ(10, smm_trace.fallback.fallback_order);
	ASSERT_EQ(MT_UNMOV, block_mt(0x80400));
	ASSERT_EQ(MT_UNMOV, block_mt(0x80600));
	ASSERT_EQ(MT_MOV, block_mt(0x80200));
	events();
	ASSERT_EQ(1, ev.steal[MT_UNMOV][MT_MOV]);
	/* the rest of the block is on the UNMOVABLE lists now */
	ASSERT_EQ(0x80600, list_first(1, DMA32, 9, MT_UNMOV));
	ASSERT_EQ(1, ev.rmqueue[MT_UNMOV][0][10]);
}

TEST(pa_steal_claims_half_free_pageblock)
{
	/*
	 * n1 DMA is one MOVABLE pageblock. A MOVABLE order-8 allocation
	 * leaves 256 pages free (0x80100/8). An UNMOVABLE request falls
	 * back to it (order 8 < pageblock_order, but unmovable may steal):
	 * 256 free + 0 alike (the 256 allocated are movable) >= 256: the
	 * block becomes UNMOVABLE.
	 */
	std_machine();
	ALLOC_AT(0x80000, G_DMA | G_MOVABLE | G_THISNODE, 8, 1);
	ALLOC_AT(0x80100, G_DMA | G_THISNODE, 4, 1);
	ASSERT_EQ(8, smm_trace.fallback.fallback_order);
	ASSERT_EQ(1, smm_trace.fallback.change_ownership);
	ASSERT_EQ(MT_UNMOV, block_mt(0x80000));
	ASSERT_EQ(0x80110, list_first(1, DMA, 4, MT_UNMOV));
}

TEST(pa_steal_small_fallback_keeps_pageblock)
{
	/*
	 * MOVABLE allocations of 256 + 128 pages leave 0x80180/7: 128 free,
	 * 384 movable, nothing alike: 128 < 256. The free pages move to the
	 * UNMOVABLE lists, the pageblock stays MOVABLE.
	 */
	std_machine();
	ALLOC_AT(0x80000, G_DMA | G_MOVABLE | G_THISNODE, 8, 1);
	ALLOC_AT(0x80100, G_DMA | G_MOVABLE | G_THISNODE, 7, 1);
	ALLOC_AT(0x80180, G_DMA | G_THISNODE, 4, 1);
	ASSERT_EQ(7, smm_trace.fallback.fallback_order);
	ASSERT_EQ(0, smm_trace.fallback.change_ownership);
	ASSERT_EQ(MT_MOV, block_mt(0x80000));
	ASSERT_EQ(0x80190, list_first(1, DMA, 4, MT_UNMOV));
	events();
	ASSERT_EQ(1, ev.fallback[MT_UNMOV][MT_MOV]);
	ASSERT_EQ(0, ev.steal[MT_UNMOV][MT_MOV]);
}

TEST(pa_steal_leaves_highatomic_pageblock_alone)
{
	/*
	 * steal_suitable_fallback(): "It's possible that a highatomic
	 * pageblock's free page is on another type's list" (a pcp page
	 * freed back with the type it had before the pageblock became
	 * highatomic): such a block is moved alone, the pageblock keeps
	 * MIGRATE_HIGHATOMIC and its reserve accounting. The shadow never
	 * reserves a highatomic pageblock, so the test retypes the
	 * pageblock and leaves its free blocks on the MOVABLE lists.
	 *
	 * n1 DMA: 0x80000/9 alone. An UNMOVABLE order-0 request falls back
	 * to it; of pageblock_order, it would otherwise change the
	 * pageblock's type outright.
	 */
	std_machine();
	smm_set_pageblock_migratetype(Z(1, DMA), 0x80000, MT_HIGHATOMIC);
	ALLOC_AT(0x80000, DMA1, 0, 1);
	ASSERT_EQ(9, smm_trace.fallback.fallback_order);
	ASSERT_EQ(MT_MOV, smm_trace.fallback.fallback_migratetype);
	ASSERT_EQ(0, smm_trace.fallback.change_ownership);
	ASSERT_EQ(MT_HIGHATOMIC, block_mt(0x80000));
	ASSERT_EQ(0x80100, list_first(1, DMA, 8, MT_UNMOV));

	/*
	 * The smaller case: n0 DMA (firmware at 0x40000/4) frees
	 * 0x40010/4 .. 0x40100/8. UNMOVABLE may steal the whole pageblock
	 * from the order-8 block, and 496 free >= 256 would make it
	 * UNMOVABLE with every free block moved; highatomic, only 0x40100/8
	 * moves, the rest stays on the MOVABLE lists.
	 */
	smm_set_pageblock_migratetype(Z(0, DMA), 0x40000, MT_HIGHATOMIC);
	ALLOC_AT(0x40100, G_DMA | G_THISNODE, 0, 0);
	ASSERT_EQ(8, smm_trace.fallback.fallback_order);
	ASSERT_EQ(0, smm_trace.fallback.change_ownership);
	ASSERT_EQ(MT_HIGHATOMIC, block_mt(0x40000));
	ASSERT_EQ(0x40080, list_first(0, DMA, 7, MT_MOV));
	ASSERT_EQ(0x40010, list_first(0, DMA, 4, MT_MOV));
	ASSERT_EQ(0x40180, list_first(0, DMA, 7, MT_UNMOV));
	events();
	ASSERT_EQ(0, ev.steal[MT_UNMOV][MT_MOV]);
	ASSERT_WALK();
}

TEST(pa_steal_stops_at_zone_start_mid_pageblock)
{
	/*
	 * move_freepages_block(): "Do not cross zone boundaries": when the
	 * pageblock starts below the zone, the kernel moves the free pages
	 * from the fallback page on, not from the pageblock's start (whose
	 * pfns are another zone's, or a hole).
	 *
	 * One node at 1G + 1M, 32M: pfn [0x40100, 0x42100), its map from
	 * 0x40000 (MAX_ORDER aligned). DMA ends at 0x40100 + 8192 / 16 =
	 * 0x40300, rounded to 0x40400: DMA = [0x40100, 0x40400), its first
	 * pageblock [0x40000, 0x40200) half outside the zone and UNMOVABLE
	 * (its first pfn is no memory), holding 0x40100/8; 0x40200/9 is
	 * MOVABLE. Take 0x40200/9; two UNMOVABLE order-6 blocks at 0x40100
	 * and 0x40140, give the first back: free 0x40100/6 and 0x40180/7,
	 * both UNMOVABLE. A MOVABLE order-0 request falls back to the
	 * largest, 0x40180/7 (order 7 >= pageblock_order / 2: may steal the
	 * pageblock), and moves [0x40180, 0x401ff]: 128 free < 256, the
	 * pageblock stays UNMOVABLE, and the page is 0x40180. Moving from
	 * 0x40000 would take 0x40100/6 to the MOVABLE lists too, and the
	 * page would come from there.
	 */
	fresh(0, 0, 0);
	smm_test_add_chunk(m, N0 + SZ_1M, SZ_32M, 0);
	BOOT();
	ASSERT_EQ(0x40100, Z(0, DMA)->zone_start_pfn);
	ASSERT_EQ(0x300, Z(0, DMA)->spanned_pages);
	ASSERT_EQ(MT_UNMOV, block_mt(0x40100));
	ASSERT_EQ(0x40100, list_first(0, DMA, 8, MT_UNMOV));
	ALLOC_AT(0x40200, G_DMA | G_MOVABLE | G_THISNODE, 9, 0);
	ALLOC_AT(0x40100, G_DMA | G_THISNODE, 6, 0);
	ALLOC_AT(0x40140, G_DMA | G_THISNODE, 6, 0);
	pfree(PG(0x40100), 6);
	ASSERT_EQ(0x40100, list_first(0, DMA, 6, MT_UNMOV));
	ALLOC_AT(0x40180, G_DMA | G_MOVABLE | G_THISNODE, 0, 0);
	ASSERT_EQ(7, smm_trace.fallback.fallback_order);
	ASSERT_EQ(0, smm_trace.fallback.change_ownership);
	ASSERT_EQ(MT_UNMOV, block_mt(0x40100));
	ASSERT_EQ(0x40100, list_first(0, DMA, 6, MT_UNMOV));
	/* the MOVABLE order-6 list holds the split's upper half alone */
	ASSERT_EQ(0x401c0, list_first(0, DMA, 6, MT_MOV));
	ASSERT_EQ(1, list_len(&Z(0, DMA)->free_area[6].free_list[MT_MOV]));
	ASSERT_EQ(0x40181, list_first(0, DMA, 0, MT_MOV));
	ASSERT_WALK();
}

TEST(pa_unmovable_small_fallback_steals_block)
{
	/*
	 * n1 DMA's MOVABLE pageblock taken page by page (down to its min
	 * watermark) and every even page freed: about 260 free pages in
	 * blocks of order 3 at most, about 250 movable ones in use. An
	 * UNMOVABLE request may steal the pageblock with a block that small
	 * (unmovable and reclaimable always may, movable not below
	 * pageblock_order / 2): 260 free >= 256, the block changes type.
	 */
	std_machine();
	fragment_zone(1, DMA, G_DMA | G_MOVABLE | G_THISNODE);
	ASSERT_TRUE(Z(1, DMA)->nr_free_pages >= 256);
	ASSERT_TRUE(alloc(DMA1, 0, 1));
	/* the largest free block: a few pages the watermark kept whole */
	ASSERT_TRUE(smm_trace.fallback.fallback_order < SMM_PAGEBLOCK_ORDER / 2);
	ASSERT_EQ(1, smm_trace.fallback.change_ownership);
	ASSERT_EQ(MT_UNMOV, block_mt(0x80000));
	ASSERT_WALK();
}

TEST(pa_movable_fallback_takes_smallest)
{
	/*
	 * n1 DMA made UNMOVABLE and carved by UNMOVABLE allocations until
	 * only 0x801f8/3 and 0x801f2/1 are free. A MOVABLE order-0 request
	 * may not steal (order 3 < pageblock_order / 2): it takes the
	 * smallest block, 0x801f2/1, alone; the pageblock keeps its type.
	 */
	std_machine();
	retype_free_block(0x80000, 9, MT_UNMOV);
	ALLOC_AT(0x80000, G_DMA | G_THISNODE, 8, 1);
	ALLOC_AT(0x80100, G_DMA | G_THISNODE, 7, 1);
	ALLOC_AT(0x80180, G_DMA | G_THISNODE, 6, 1);
	ALLOC_AT(0x801c0, G_DMA | G_THISNODE, 5, 1);
	ALLOC_AT(0x801e0, G_DMA | G_THISNODE, 4, 1);
	ALLOC_AT(0x801f0, G_DMA | G_THISNODE, 0, 1);
	ALLOC_AT(0x801f4, G_DMA | G_THISNODE, 2, 1);
	ALLOC_AT(0x801f1, G_DMA | G_THISNODE, 0, 1);
	ASSERT_ORDERS(1, DMA, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0);
	ALLOC_AT(0x801f2, G_DMA | G_MOVABLE | G_THISNODE, 0, 1);
	ASSERT_EQ(1, smm_trace.fallback.fallback_order);
	ASSERT_EQ(0, smm_trace.fallback.change_ownership);
	ASSERT_EQ(MT_UNMOV, block_mt(0x80000));
	ASSERT_EQ(0x801f3, list_first(1, DMA, 0, MT_MOV));
	ASSERT_EQ(0x801f8, list_first(1, DMA, 3, MT_UNMOV));
}

TEST(pa_nofragment_steals_whole_pageblocks)
{
	struct smm_page *page;

	/*
	 * GFP_KERNEL prefers Normal and DMA32 is populated: ALLOC_NOFRAGMENT,
	 * so an order-0 UNMOVABLE request may only split another type's
	 * block of pageblock_order or more. n0 Normal has three MOVABLE
	 * order-10 blocks: the first one, 0x40c00, changes type whole.
	 */
	std_machine();
	page = alloc(0, 0, 0);
	ASSERT_EQ(0x40c00, PFN(page));
	ASSERT_EQ(MT_UNMOV, block_mt(0x40c00));
	ASSERT_EQ(MT_UNMOV, block_mt(0x40e00));
	ASSERT_EQ(MT_MOV, block_mt(0x41000));
	/* the rest of the block serves the next ones without a fallback */
	ALLOC_AT(0x40c01, 0, 0, 0);
	ASSERT_EQ(1, smm_trace.nr_fallback);
}

TEST(pa_nofragment_leaves_small_blocks_alone)
{
	unsigned int o;

	/*
	 * n0 Normal taken page by page down to its watermark, then every
	 * even page freed: about 1500 MOVABLE pages free in single pages,
	 * the rest in blocks below pageblock_order. GFP_KERNEL may not
	 * split them under ALLOC_NOFRAGMENT, so it moves on to DMA32 and
	 * takes the largest MOVABLE block there, 0x40800/10, whole.
	 * Normal's free lists stay as they were.
	 */
	std_machine();
	fragment_zone(0, NORMAL, G_MOVABLE | G_THISNODE);
	ASSERT_TRUE(nr_free(0, NORMAL, 0) > 1400);
	for (o = SMM_PAGEBLOCK_ORDER; o < SMM_MAX_ORDER; o++)
		ASSERT_EQ(0, nr_free(0, NORMAL, o));
	buddy_snap(&snap_init);
	ASSERT_EQ(0x40800, alloc_pfn(0, 0, 0));
	ASSERT_EQ(MT_UNMOV, block_mt(0x40800));
	ASSERT_EQ(MT_UNMOV, block_mt(0x40a00));
	ASSERT_EQ(10, smm_trace.fallback.fallback_order);
	buddy_snap(&snap_now);
	ASSERT_TRUE(!memcmp(snap_init.nr_free[0][NORMAL],
			    snap_now.nr_free[0][NORMAL],
			    sizeof(snap_now.nr_free[0][NORMAL])));
	/* without the flag (preferred zone DMA32) small blocks are fine */
	fragment_zone(0, DMA, G_DMA | G_MOVABLE | G_THISNODE);
	ASSERT_WALK();
}

/*
 * Node 0's Normal and DMA32 without a free MOVABLE block of
 * pageblock_order or more, only the pieces of 0x40c00/10 and of
 * 0x40600/9 (each split by an order-0 allocation, then every order-9
 * block taken), and Normal's 0x41400/10 made HIGHATOMIC, which is no
 * fallback's business.
 */
static void split_node0_large_blocks(void)
{
	ALLOC_AT(0x40c00, G_MOVABLE | G_THISNODE, 0, 0);
	ALLOC_AT(0x40e00, G_MOVABLE | G_THISNODE, 9, 0);
	ALLOC_AT(0x41000, G_MOVABLE | G_THISNODE, 9, 0);
	ALLOC_AT(0x41200, G_MOVABLE | G_THISNODE, 9, 0);
	ALLOC_AT(0x40600, G_DMA32 | G_MOVABLE | G_THISNODE, 0, 0);
	ALLOC_AT(0x40800, G_DMA32 | G_MOVABLE | G_THISNODE, 9, 0);
	ALLOC_AT(0x40a00, G_DMA32 | G_MOVABLE | G_THISNODE, 9, 0);
	retype_free_block(0x41400, 10, MT_HIGHATOMIC);
	memset(&smm_trace, 0, sizeof(smm_trace));
}

TEST(pa_nofragment_locality_before_fragmentation)
{
	unsigned int o;

	/*
	 * Only small MOVABLE blocks on node 0: under ALLOC_NOFRAGMENT a
	 * GFP_KERNEL walk that reaches node 1 starts over without the flag:
	 * the page comes from node 0, by a small fallback (0x40d00/8), not
	 * from node 1's large blocks.
	 */
	std_machine();
	split_node0_large_blocks();
	for (o = SMM_PAGEBLOCK_ORDER; o < SMM_MAX_ORDER; o++) {
		ASSERT_EQ(~0UL, list_first(0, NORMAL, o, MT_MOV));
		ASSERT_EQ(~0UL, list_first(0, DMA32, o, MT_MOV));
	}
	ASSERT_EQ(0, smm_page_nid(alloc(0, 0, 0)));
	ASSERT_TRUE(smm_trace.fallback.fallback_order < SMM_PAGEBLOCK_ORDER);
	ASSERT_EQ(1, smm_trace.nr_fallback);
	ASSERT_EQ(MT_MOV, block_mt(0x80c00));
}

TEST(pa_nofragment_retry_before_slowpath)
{
	struct smm_page *page;

	/*
	 * The same node 0, __GFP_THISNODE and GFP_ATOMIC, order 4: the
	 * NOFRAGMENT walk finds nothing; the fast path starts over without
	 * the flag and falls back to a small MOVABLE block at the low
	 * watermark. Only the slowpath's ALLOC_HARDER would have gone to
	 * the highatomic block 0x41400 first.
	 */
	std_machine();
	split_node0_large_blocks();
	page = alloc(SMM_GFP_ATOMIC | G_THISNODE, 4, 0);
	ASSERT_TRUE(page);
	ASSERT_TRUE(PFN(page) < 0x41400);
	events();
	ASSERT_EQ(0, ev.rmqueue[MT_HIGHATOMIC][4][10]);
	ASSERT_EQ(0, ev.watermark_fail);
}

static void take_node0_normal_order10_blocks(void)
{
	smm_ucpu = 1;
	ALLOC_AT(0x41000, G_MOVABLE | G_THISNODE, 10, 0);
	ALLOC_AT(0x41400, G_MOVABLE | G_THISNODE, 10, 0);
	smm_ucpu = 0;
}

TEST(pa_nofragment_pageblock_order_request_steals_no_smaller_block)
{
	/*
	 * __rmqueue_fallback(): ALLOC_NOFRAGMENT raises min_order to
	 * pageblock_order only for a request below it ("order <
	 * pageblock_order &&"); an order-10 request keeps min_order 10, for
	 * no smaller block can serve it. Lowering it to 9 would retype
	 * another type's order-9 blocks for nothing.
	 *
	 * That needs a zone that passed the watermark (which wants a free
	 * order-10 block) and then has none under zone->lock: another CPU
	 * took them in between, which the test does just before the lock
	 * (the public API runs one CPU at a time). n0 Normal: 0x40c00/9
	 * taken by a MOVABLE request leaves 0x40e00/9, 0x41000/10,
	 * 0x41400/10. A GFP_KERNEL order-10 request (UNMOVABLE,
	 * NOFRAGMENT: Normal preferred, DMA32 populated) passes Normal's
	 * watermark; CPU 1 then takes both order-10 blocks; Normal has
	 * nothing of order 10 and the walk goes on to DMA32 (same node),
	 * where 0x40800/10 is stolen whole: one fallback, and 0x40e00 stays
	 * a MOVABLE pageblock on the MOVABLE list.
	 */
	std_machine();
	ALLOC_AT(0x40c00, G_MOVABLE | G_THISNODE, 9, 0);
	ASSERT_EQ(0x40e00, list_first(0, NORMAL, 9, MT_MOV));
	memset(&smm_trace, 0, sizeof(smm_trace));
	race_at(Z(0, NORMAL), take_node0_normal_order10_blocks);
	ALLOC_AT(0x40800, 0, 10, 0);
	ASSERT_PTR_EQ(NULL, smm_ulock_hook);
	ASSERT_EQ(1, smm_trace.nr_fallback);
	ASSERT_EQ(MT_MOV, block_mt(0x40e00));
	ASSERT_EQ(0x40e00, list_first(0, NORMAL, 9, MT_MOV));
	ASSERT_EQ(MT_UNMOV, block_mt(0x40800));
	ASSERT_EQ(MT_UNMOV, block_mt(0x40a00));
	ASSERT_WALK();
}

TEST(pa_nofragment_not_on_a_node_without_dma32)
{
	struct smm_page *page;

	/*
	 * alloc_flags_nofragment(): with more than one node online, a
	 * Normal zone whose node has no populated DMA32 gets no
	 * ALLOC_NOFRAGMENT (nothing on the node to spread into; going
	 * remote costs more); on one node the kernel assumes DMA32 is there.
	 *
	 * Real layout, node 0 = [1G, 1G + 32M) (DMA32 only), node 1 =
	 * [4G, 4G + 4M) (Normal only): its free blocks 0x100000/9,
	 * 0x100200/8 .. 0x1003e0/4 (the map on top). Take 0x100000/9;
	 * node 1 has nothing of pageblock_order left. A GFP_KERNEL order-0
	 * request on node 1 (batch 1) steals from 0x100200/8 at once (the
	 * whole pageblock: 496 free + 16 unmovable map pages >= 256, every
	 * free block to the UNMOVABLE lists, and the smallest, 0x1003e0/4,
	 * serves): one rmqueue_bulk, which got its page. Under
	 * ALLOC_NOFRAGMENT that first refill would come back empty (no
	 * block of order 9 or more), the walk reach node 0 and start over
	 * without the flag: two.
	 */
	fresh(0, 0, 0);
	m->cfg.zone_layout = SMM_ZONE_LAYOUT_REAL;
	smm_test_add_chunk(m, N0, SZ_32M, 0);
	smm_test_add_chunk(m, SZ_4G, SZ_4M, 1);
	BOOT();
	ASSERT_EQ(0, Z(1, DMA32)->present_pages);
	ASSERT_EQ(0x100200, list_first(1, NORMAL, 8, MT_MOV));
	ALLOC_AT(0x100000, G_MOVABLE | G_THISNODE, 9, 1);
	memset(&smm_trace, 0, sizeof(smm_trace));
	page = alloc(0, 0, 1);
	ASSERT_EQ(0x1003e0, PFN(page));
	ASSERT_EQ(1, smm_trace.nr_rmqueue_bulk);
	ASSERT_EQ(1, smm_trace.rmqueue_bulk.allocated);
	ASSERT_EQ(1, smm_trace.nr_fallback);
	ASSERT_EQ(8, smm_trace.fallback.fallback_order);

	/*
	 * One node, the same 4M at 4G: UMA, NOFRAGMENT although DMA32 is
	 * empty. The first refill finds nothing of pageblock_order, Normal
	 * is the only zone, the walk starts over without the flag: two
	 * rmqueue_bulk, the same page.
	 */
	fresh(0, 0, 0);
	m->cfg.zone_layout = SMM_ZONE_LAYOUT_REAL;
	smm_test_add_chunk(m, SZ_4G, SZ_4M, 0);
	BOOT();
	ALLOC_AT(0x100000, G_MOVABLE | G_THISNODE, 9, 0);
	memset(&smm_trace, 0, sizeof(smm_trace));
	page = alloc(0, 0, 0);
	ASSERT_EQ(0x1003e0, PFN(page));
	ASSERT_EQ(2, smm_trace.nr_rmqueue_bulk);
	ASSERT_EQ(1, smm_trace.rmqueue_bulk.allocated);
	ASSERT_WALK();
}

/* ---- watermarks at work --------------------------------------------------- */

TEST(pa_watermark_low_fails_then_min_succeeds)
{
	struct smm_zone *z;
	long min, low, f;
	int i;

	/*
	 * min_free_kbytes=8192: pages_min 2048; n1 DMA: min = 2048 * 512 /
	 * 14576 = 71, low = 71 + 17 = 88, high 105. An order-4 request
	 * passes the low mark while free - 15 > 88, the min mark while
	 * free - 15 > 71: 26 pass at low (512 down to 112 free), the one at
	 * 96 free fails at low and passes at min, the one at 80 fails both.
	 */
	fresh(SZ_64K, SZ_4M, SZ_2M);
	m->cfg.min_free_kbytes = 8192;
	smm_test_add_chunk(m, N0, SZ_32M, 0);
	smm_test_add_chunk(m, N1, SZ_32M, 1);
	BOOT();
	z = Z(1, DMA);
	ASSERT_WMARKS(1, DMA, 71, 88, 105);
	min = 71;
	low = 88;
	for (i = 0; i < 32; i++) {
		unsigned int fails;

		f = z->nr_free_pages;
		events();
		fails = ev.watermark_fail;
		if (f - 15 > low) {
			ASSERT_TRUE(alloc(DMA1, 4, 1));
			events();
			ASSERT_EQ(fails, ev.watermark_fail);
		} else if (f - 15 > min) {
			/* fails at low, served by the slowpath at min */
			ASSERT_TRUE(alloc(DMA1, 4, 1));
			events();
			ASSERT_EQ(fails + 1, ev.watermark_fail);
			ASSERT_EQ(low, smm_trace.watermark_fail.mark);
			ASSERT_EQ(f, smm_trace.watermark_fail.free);
			ASSERT_EQ(SMM_ALLOC_WMARK_LOW | SMM_ALLOC_KSWAPD,
				  smm_trace.watermark_fail.alloc_flags);
		} else {
			/*
			 * low, then min twice: the slowpath's first walk and
			 * its retry walk (GFP_KERNEL keeps ALLOC_CPUSET)
			 */
			ASSERT_PTR_EQ(NULL, alloc(DMA1, 4, 1));
			events();
			ASSERT_EQ(fails + 3, ev.watermark_fail);
			ASSERT_EQ(min, smm_trace.watermark_fail.mark);
			ASSERT_EQ(SMM_ALLOC_WMARK_MIN | SMM_ALLOC_CPUSET |
				  SMM_ALLOC_KSWAPD,
				  smm_trace.watermark_fail.alloc_flags);
			break;
		}
	}
	ASSERT_EQ(80, z->nr_free_pages);
	events();
	ASSERT_EQ(27, ev.alloc_success[1][DMA][4]);
	ASSERT_EQ(1, ev.alloc_fail[4]);
	ASSERT_EQ(~0UL, smm_trace.alloc_pages.pfn);
	ASSERT_EQ(1, smm_trace.alloc_pages.nid);
	ASSERT_WALK();
}

TEST(pa_watermark_gfp_high_and_atomic_go_lower)
{
	struct smm_zone *z;

	/*
	 * As above, stuck at 80 free (min 71). 6.1.y's rules: __GFP_ATOMIC
	 * without __GFP_HIGH, which cannot block (ALLOC_NON_BLOCK alone),
	 * gets nothing more: still 80. __GFP_HIGH that may block
	 * (ALLOC_MIN_RESERVE): min - min / 2 = 36: down to 48. GFP_ATOMIC,
	 * both: 36 - 36 / 4 = 27: down to 32.
	 */
	fresh(SZ_64K, SZ_4M, SZ_2M);
	m->cfg.min_free_kbytes = 8192;
	smm_test_add_chunk(m, N0, SZ_32M, 0);
	smm_test_add_chunk(m, N1, SZ_32M, 1);
	BOOT();
	z = Z(1, DMA);
	while (alloc(DMA1, 4, 1))
		;
	ASSERT_EQ(80, z->nr_free_pages);
	while (alloc(DMA1 | G_ATOMIC, 4, 1))
		;
	ASSERT_EQ(80, z->nr_free_pages);
	while (alloc(DMA1 | G_NOBLOCK, 4, 1))
		;
	ASSERT_EQ(80, z->nr_free_pages);
	while (alloc(DMA1 | G_HIGH, 4, 1))
		;
	ASSERT_EQ(48, z->nr_free_pages);
	while (alloc(DMA1 | G_HIGH | G_ATOMIC, 4, 1))
		;
	ASSERT_EQ(32, z->nr_free_pages);
	/* an order-4 GFP_ATOMIC: every reserve, free of the nodemask */
	ASSERT_EQ(SMM_ALLOC_WMARK_MIN | SMM_ALLOC_MIN_RESERVE |
		  SMM_ALLOC_NON_BLOCK | SMM_ALLOC_HIGHATOMIC | SMM_ALLOC_KSWAPD,
		  smm_trace.watermark_fail.alloc_flags);
	/* __GFP_ATOMIC with __GFP_DIRECT_RECLAIM: the atomic bit is dropped */
	while (alloc(DMA1 | G_HIGH | G_ATOMIC | SMM___GFP_DIRECT_RECLAIM, 0, 1))
		;
	ASSERT_EQ(SMM_ALLOC_WMARK_MIN | SMM_ALLOC_MIN_RESERVE |
		  SMM_ALLOC_CPUSET | SMM_ALLOC_KSWAPD,
		  smm_trace.watermark_fail.alloc_flags);
}

TEST(pa_zone_watermark_ok_high_order)
{
	struct smm_zone *z;
	unsigned int i, n;

	/*
	 * n0 Normal with one page of each order-10 block kept allocated
	 * (every other page allocated first, then all but 0x40c00, 0x41000
	 * and 0x41400 freed): 3069 pages free, more than enough for order
	 * 10 by count, but no block of order 10: an order-10 check fails,
	 * order 9 passes. MIGRATE_HIGHATOMIC blocks only count with
	 * ALLOC_HIGHATOMIC (or ALLOC_OOM).
	 */
	std_machine();
	z = Z(0, NORMAL);
	n = nr_live;
	while (alloc(G_MOVABLE | G_THISNODE, 0, 0) &&
	       smm_page_zone(m, live[nr_live - 1].page) == z)
		;
	for (i = n; i < nr_live; i++) {
		unsigned long pfn = PFN(live[i].page);

		if (pfn != 0x40c00 && pfn != 0x41000 && pfn != 0x41400)
			pfree(live[i--].page, 0);
	}
	smm_drain_all_pages(m);
	ASSERT_EQ(3069, z->nr_free_pages);
	ASSERT_ORDERS(0, NORMAL, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0);
	ASSERT_FALSE(smm_zone_watermark_ok(z, 10, 0, NORMAL, 0));
	ASSERT_TRUE(smm_zone_watermark_ok(z, 9, 0, NORMAL, 0));
	retype_free_block(0x40e00, 9, MT_HIGHATOMIC);
	retype_free_block(0x41200, 9, MT_HIGHATOMIC);
	retype_free_block(0x41600, 9, MT_HIGHATOMIC);
	ASSERT_FALSE(smm_zone_watermark_ok(z, 9, 0, NORMAL, 0));
	ASSERT_TRUE(smm_zone_watermark_ok(z, 9, 0, NORMAL, SMM_ALLOC_HIGHATOMIC));
	ASSERT_TRUE(smm_zone_watermark_ok(z, 8, 0, NORMAL, 0));

	/* order 0 needs no block: only free > mark + reserve */
	z = Z(1, DMA);
	ASSERT_TRUE(smm_zone_watermark_ok(z, 0, 511, DMA, 0));
	ASSERT_FALSE(smm_zone_watermark_ok(z, 0, 512, DMA, 0));
	/* lowmem_reserve[Normal] = 22 */
	ASSERT_FALSE(smm_zone_watermark_ok(z, 0, 490, NORMAL, 0));
	ASSERT_TRUE(smm_zone_watermark_ok(z, 0, 489, NORMAL, 0));
	/* a highatomic reserve is unusable without some ALLOC_RESERVES */
	z->nr_reserved_highatomic = 100;
	ASSERT_FALSE(smm_zone_watermark_ok(z, 0, 412, DMA, 0));
	ASSERT_TRUE(smm_zone_watermark_ok(z, 0, 411, DMA, 0));
	ASSERT_TRUE(smm_zone_watermark_ok(z, 0, 412, DMA, SMM_ALLOC_HIGHATOMIC));
	ASSERT_TRUE(smm_zone_watermark_ok(z, 0, 412, DMA, SMM_ALLOC_NON_BLOCK));
	ASSERT_FALSE(smm_zone_watermark_ok(z, 0, 412, DMA, SMM_ALLOC_CPUSET));
	z->nr_reserved_highatomic = 0;
	/* __GFP_HIGH: mark - mark / 2 */
	ASSERT_TRUE(smm_zone_watermark_ok(z, 0, 1022, DMA, SMM_ALLOC_MIN_RESERVE));
	ASSERT_FALSE(smm_zone_watermark_ok(z, 0, 1023, DMA, SMM_ALLOC_MIN_RESERVE));
	/* ALLOC_NON_BLOCK or ALLOC_HIGHATOMIC alone: nothing off */
	ASSERT_TRUE(smm_zone_watermark_ok(z, 0, 511, DMA, SMM_ALLOC_NON_BLOCK));
	ASSERT_FALSE(smm_zone_watermark_ok(z, 0, 512, DMA, SMM_ALLOC_NON_BLOCK));
	ASSERT_FALSE(smm_zone_watermark_ok(z, 0, 512, DMA,
					   SMM_ALLOC_HIGHATOMIC));
	/* ... but ALLOC_OOM halves it */
	ASSERT_TRUE(smm_zone_watermark_ok(z, 0, 1022, DMA, SMM_ALLOC_OOM));
	ASSERT_FALSE(smm_zone_watermark_ok(z, 0, 1023, DMA, SMM_ALLOC_OOM));
	/*
	 * GFP_ATOMIC, both: 1362 - 681 = 681, - 170 = 511;
	 * 1364 - 682 - 170 = 512
	 */
	ASSERT_TRUE(smm_zone_watermark_ok(z, 0, 1362, DMA,
					  SMM_ALLOC_MIN_RESERVE |
					  SMM_ALLOC_NON_BLOCK));
	ASSERT_FALSE(smm_zone_watermark_ok(z, 0, 1364, DMA,
					   SMM_ALLOC_MIN_RESERVE |
					   SMM_ALLOC_NON_BLOCK));
}

TEST(pa_high_order_atomic_uses_highatomic_first)
{
	std_machine();
	retype_free_block(0x80000, 9, MT_HIGHATOMIC);
	/* n1 DMA has only the highatomic block: a plain request fails */
	ASSERT_PTR_EQ(NULL, alloc(DMA1, 4, 1));
	/* so does a non-blocking one without __GFP_HIGH (no ALLOC_HIGHATOMIC) */
	ASSERT_PTR_EQ(NULL, alloc(DMA1 | G_ATOMIC, 4, 1));
	ASSERT_EQ(0x80000, alloc_pfn(DMA1 | G_HIGH | G_ATOMIC, 4, 1));
	events();
	ASSERT_EQ(1, ev.rmqueue[MT_HIGHATOMIC][4][9]);
	ASSERT_EQ(0, ev.fallback[MT_UNMOV][MT_HIGHATOMIC]);
}

TEST(pa_lowmem_reserve_keeps_dma32_from_normal_requests)
{
	struct smm_zone *dma32 = NULL;

	/*
	 * GFP_KERNEL on node 0 only: Normal first, then (high to low)
	 * DMA32, then DMA. DMA32 (min 22) keeps its lowmem_reserve[Normal]
	 * = 12 from these: an order-4 request stops at free - 15 <= 34,
	 * i.e. at 48 free pages. A DMA32 request may go on to 22: 48 - 15
	 * = 33 > 22.
	 */
	std_machine();
	while (alloc(G_THISNODE, 4, 0))
		;
	dma32 = Z(0, DMA32);
	ASSERT_EQ(48, dma32->nr_free_pages);
	/* Normal's own end: free - 15 <= 44 + 0 */
	ASSERT_TRUE(Z(0, NORMAL)->nr_free_pages - 15 <= 44);
	/* DMA keeps 18 from Normal requests: 7 + 18 */
	ASSERT_TRUE(Z(0, DMA)->nr_free_pages - 15 <= 7 + 18);
	ASSERT_TRUE(Z(0, DMA)->nr_free_pages - 15 > 7 + 6);
	ASSERT_EQ(DMA32, smm_page_zone(m, alloc(G_DMA32 | G_THISNODE, 4, 0))->idx);
	ASSERT_EQ(32, dma32->nr_free_pages);
	ASSERT_WALK();
}

TEST(pa_lowmem_reserve_order0_fast_path)
{
	/*
	 * The same for order 0, whose fast check is its own code: GFP_KERNEL
	 * single pages take n0 DMA32 down to min + reserve = 22 + 12 = 34,
	 * not to its low mark 27.
	 */
	std_machine();
	while (alloc(G_THISNODE, 4, 0))
		;
	while (alloc(G_THISNODE, 0, 0))
		;
	ASSERT_EQ(34, Z(0, DMA32)->nr_free_pages);
	/* and DMA32's own requests on down to its min */
	while (alloc(G_DMA32 | G_THISNODE, 0, 0))
		;
	ASSERT_EQ(22, Z(0, DMA32)->nr_free_pages);
	ASSERT_WALK();
}

TEST(pa_zonelist_walk_high_to_low_before_remote)
{
	struct smm_page *page;

	/*
	 * Node 0's Normal exhausted by THISNODE Normal-only... use
	 * nodemask {0}: the walk goes Normal -> DMA32 -> DMA of node 0;
	 * only then, without the mask, node 1's Normal.
	 */
	struct smm_nodemask n0 = { .bits = BIT(0) };

	std_machine();
	while ((page = smm_alloc_pages(m, G_MOVABLE, 4, 0, &n0)) &&
	       smm_page_zone(m, page)->idx == NORMAL)
		;
	ASSERT_TRUE(page);
	ASSERT_PTR_EQ(Z(0, DMA32), smm_page_zone(m, page));
	while ((page = smm_alloc_pages(m, G_MOVABLE, 4, 0, &n0)) &&
	       smm_page_zone(m, page)->idx == DMA32)
		;
	ASSERT_TRUE(page);
	ASSERT_PTR_EQ(Z(0, DMA), smm_page_zone(m, page));
	while (smm_alloc_pages(m, G_MOVABLE, 4, 0, &n0))
		;
	page = alloc(G_MOVABLE, 4, 0);
	ASSERT_PTR_EQ(Z(1, NORMAL), smm_page_zone(m, page));
}

TEST(pa_thisnode_vs_fallback)
{
	struct smm_page *page;

	std_machine();
	while (alloc(G_DMA | G_MOVABLE | G_THISNODE, 4, 0))
		;
	events();
	ASSERT_EQ(1, ev.alloc_fail[4]);
	/* without __GFP_THISNODE the request moves on to node 1's DMA */
	page = alloc(G_DMA | G_MOVABLE, 4, 0);
	ASSERT_TRUE(page);
	ASSERT_PTR_EQ(Z(1, DMA), smm_page_zone(m, page));
	ASSERT_EQ(0, smm_trace.alloc_pages.nid);
	events();
	ASSERT_EQ(1, ev.alloc_success[1][DMA][4]);
}

TEST(pa_nodemask_filter)
{
	struct smm_nodemask n1 = { .bits = BIT(1) }, none = { 0 };

	std_machine();
	ASSERT_EQ(1, smm_page_nid(smm_alloc_pages(m, 0, 0, 0, &n1)));
	ASSERT_PTR_EQ(NULL, smm_alloc_pages(m, 0, 0, 0, &none));
	/* THISNODE on node 0 with only node 1 allowed: nothing */
	ASSERT_PTR_EQ(NULL, smm_alloc_pages(m, G_THISNODE, 0, 0, &n1));
	events();
	ASSERT_EQ(2, ev.alloc_fail[0]);
	ASSERT_EQ(0, ev.alloc_invalid);
}

TEST(pa_exhaustion_returns_null_and_counts)
{
	unsigned long n = 0;

	/*
	 * Order-10 requests for Movable from node 1 walk n1 Movable,
	 * Normal, DMA32, DMA, then node 0's. Each zone serves order-10
	 * blocks while free - 1023 > low + lowmem_reserve[Movable]:
	 *   n1 Movable 1408 free: 1 (then 384)
	 *   n1 Normal 3072: 2049 > 55 + 44, 1025 > 99, 1 is not: 2
	 *   n1 DMA32 2560: 1537 > 46 + 17, 513 > 63: 2 (0x80400, 0x80800)
	 *   n1 DMA: no order-10 block
	 *   n0 Movable 1920: 1; n0 Normal: 2 (reserve 60); n0 DMA32
	 *   1536: 513 > 27 + 19: 1
	 * Nine, then NULL.
	 */
	std_machine();
	while (alloc(G_MOVABLE | G_HIGHMEM, 10, 1))
		n++;
	events();
	ASSERT_EQ(n, ev.alloc_success[0][MOVABLE][10] +
		  ev.alloc_success[0][NORMAL][10] +
		  ev.alloc_success[0][DMA32][10] +
		  ev.alloc_success[1][MOVABLE][10] +
		  ev.alloc_success[1][NORMAL][10] +
		  ev.alloc_success[1][DMA32][10]);
	ASSERT_EQ(9, n);
	ASSERT_EQ(1, ev.alloc_success[1][MOVABLE][10]);
	ASSERT_EQ(2, ev.alloc_success[1][NORMAL][10]);
	ASSERT_EQ(2, ev.alloc_success[1][DMA32][10]);
	ASSERT_EQ(1, ev.alloc_success[0][MOVABLE][10]);
	ASSERT_EQ(2, ev.alloc_success[0][NORMAL][10]);
	ASSERT_EQ(1, ev.alloc_success[0][DMA32][10]);
	ASSERT_EQ(1, ev.alloc_fail[10]);
	ASSERT_EQ(~0UL, smm_trace.alloc_pages.pfn);
	ASSERT_PTR_EQ(NULL, alloc(G_MOVABLE | G_HIGHMEM, 10, 1));
	events();
	ASSERT_EQ(2, ev.alloc_fail[10]);
}

/* ---- counters ------------------------------------------------------------- */

TEST(pa_counters_per_cpu_and_summed)
{
	std_machine();
	ASSERT_TRUE(alloc(0, 4, 0));
	smm_ucpu = 1;
	ASSERT_TRUE(alloc(0, 4, 0));
	ASSERT_TRUE(alloc(0, 4, 1));
	smm_ucpu = 0;
	ASSERT_EQ(1, m->events[0].alloc_success[0][NORMAL][4]);
	ASSERT_EQ(1, m->events[1].alloc_success[0][NORMAL][4]);
	ASSERT_EQ(1, m->events[1].alloc_success[1][NORMAL][4]);
	ASSERT_EQ(0, m->events[0].alloc_success[1][NORMAL][4]);
	events();
	ASSERT_EQ(2, ev.alloc_success[0][NORMAL][4]);
	ASSERT_EQ(1, ev.alloc_success[1][NORMAL][4]);
	ASSERT_EQ(3, ev.rmqueue[MT_UNMOV][4][4] + ev.rmqueue[MT_UNMOV][4][10]);
	/* a CPU id beyond nr_cpus shares a slot rather than overflow */
	smm_ucpu = 3;
	ASSERT_TRUE(alloc(0, 4, 0));
	smm_ucpu = 0;
	ASSERT_EQ(2, m->events[1].alloc_success[0][NORMAL][4]);
}

/* ---- real memory ---------------------------------------------------------- */

TEST(pa_gfp_zero_zeroes)
{
	struct smm_page *page;
	unsigned char *p;
	unsigned long i;

	std_machine();
	memset(smm_phys_to_virt(N1), 0xaa, SZ_2M);
	page = alloc(G_DMA | G_ZERO | G_THISNODE, 2, 1);
	ASSERT_EQ(0x80000, PFN(page));
	p = smm_page_address(m, page);
	for (i = 0; i < 4 * PAGE_SIZE; i++)
		ASSERT_EQ(0, p[i]);
	/* not a byte past the block */
	ASSERT_EQ(0xaa, p[4 * PAGE_SIZE]);
	/* without __GFP_ZERO memory is handed out as it is */
	page = alloc(G_DMA | G_THISNODE, 2, 1);
	ASSERT_EQ(0xaa, *(unsigned char *)smm_page_address(m, page));
}

struct tag {
	u16 magic, index;
	u32 pfn;
	u64 seq;
};

static struct tag *tag_of(unsigned long pfn)
{
	return smm_phys_to_virt(PFN_PHYS(pfn));
}

static void verify_machine(void)
{
	fresh(SZ_64K, SZ_4M, SZ_2M);
	m->cfg.verify = true;
	smm_test_add_chunk(m, N0, SZ_32M, 0);
	smm_test_add_chunk(m, N1, SZ_32M, 1);
	BOOT();
}

TEST(pa_verify_tags_every_page)
{
	struct smm_page *a, *b;
	unsigned char *p;
	int i;

	verify_machine();
	memset(smm_phys_to_virt(N1), 0xaa, SZ_1M);
	a = alloc(DMA1 | G_ZERO, 2, 1);
	b = alloc(DMA1, 0, 1);
	ASSERT_EQ(1, a->index);
	ASSERT_EQ(2, b->index);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0x5a3d, tag_of(0x80000 + i)->magic);
		ASSERT_EQ(i, tag_of(0x80000 + i)->index);
		ASSERT_EQ(0x80000, tag_of(0x80000 + i)->pfn);
		ASSERT_EQ(1, tag_of(0x80000 + i)->seq);
		ASSERT_TRUE(smm_test_page_flag(PG(0x80000 + i), SMM_PG_verify));
	}
	/* zeroed first, then tagged: the rest of the page is zero */
	p = smm_page_address(m, a);
	ASSERT_EQ(0, p[16]);
	ASSERT_EQ(0, p[PAGE_SIZE - 1]);
	ASSERT_EQ(2, tag_of(PFN(b))->seq);
	pfree(a, 2);
	pfree(b, 0);
	events();
	ASSERT_EQ(0, ev.verify_mismatch);
	ASSERT_FALSE(smm_test_page_flag(PG(0x80001), SMM_PG_verify));
	ASSERT_FALSE(m->verify_warned);
}

TEST(pa_verify_detects_foreign_writes)
{
	struct smm_page *a, *b;

	/*
	 * Another allocation's tag inside A's block: what a double
	 * allocation of page 0x80002 would leave. Counted once for the
	 * block, reported once for the machine.
	 */
	verify_machine();
	a = alloc(DMA1, 2, 1);
	b = alloc(DMA1, 2, 1);
	*tag_of(0x80002) = *tag_of(PFN(b));
	tag_of(0x80003)->seq = 77;
	pfree(a, 2);
	events();
	ASSERT_EQ(1, ev.verify_mismatch);
	ASSERT_TRUE(m->verify_warned);
	/* a hand-corrupted magic in B: counted again, not reported again */
	tag_of(PFN(b))->magic = 0;
	pfree(b, 2);
	events();
	ASSERT_EQ(2, ev.verify_mismatch);
	/* the blocks were freed all the same */
	smm_drain_all_pages(m);
	ASSERT_ORDERS(1, DMA, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0);
	ASSERT_WALK();
}

TEST(pa_verify_only_tagged_pages_checked)
{
	struct smm_page *a;

	/* allocated with verify off, freed with it on: nothing to check */
	std_machine();
	a = alloc(DMA1, 2, 1);
	m->cfg.verify = true;
	pfree(a, 2);
	events();
	ASSERT_EQ(0, ev.verify_mismatch);
}

/* ---- bad frees -------------------------------------------------------------- */

TEST(pa_double_free_detected)
{
	struct smm_page *page;

	std_machine();
	buddy_snap(&snap_init);
	page = alloc(DMA1, 4, 1);
	pfree(page, 4);
	pfree(page, 4);
	events();
	ASSERT_EQ(1, ev.bad_free);
	ASSERT_EQ(1, ev.free[4]);
	ASSERT_TRUE(m->bad_free_warned);
	buddy_snap(&snap_now);
	ASSERT_BUDDY_SAME(&snap_init, &snap_now);
	/* a pcp page freed again: it is on the pcp list, not allocated */
	page = alloc(DMA1, 0, 1);
	pfree(page, 0);
	pfree(page, 0);
	events();
	ASSERT_EQ(2, ev.bad_free);
	ASSERT_EQ(1, Z(1, DMA)->per_cpu_pageset[0].count);
	ASSERT_WALK();
}

/*
 * smm_page_in_memmap() bounds a pointer by each node's map: its first
 * and last entries are in, the entries either side of it are in only as
 * another node's (then with that node's pfn), a pointer into an entry
 * is not.
 */
TEST(pa_page_in_memmap_bounds)
{
	int i;

	std_machine();
	for (i = 0; i < m->nr_nodes; i++) {
		const struct smm_pglist_data *pgdat = &m->node_data[m->node_ids[i]];
		struct smm_page *first = smm_pfn_to_page(m, pgdat->memmap_start_pfn);
		struct smm_page *last = first + (pgdat->memmap_end_pfn -
						 pgdat->memmap_start_pfn - 1);
		struct smm_page *outside[2] = { first - 1, last + 1 };
		unsigned long pfn;
		int j;

		ASSERT_TRUE(smm_page_in_memmap(m, first, &pfn));
		ASSERT_EQ(pgdat->memmap_start_pfn, pfn);
		ASSERT_TRUE(smm_page_in_memmap(m, last, &pfn));
		ASSERT_EQ(pgdat->memmap_end_pfn - 1, pfn);
		for (j = 0; j < 2; j++)
			if (smm_page_in_memmap(m, outside[j], &pfn))
				ASSERT_PTR_EQ(outside[j], smm_pfn_to_page(m, pfn));
		ASSERT_FALSE(smm_page_in_memmap(m, (struct smm_page *)
						((char *)last + 8), NULL));
	}
}

TEST(pa_bad_frees_leave_everything_alone)
{
	struct smm_page *page, outside;

	std_machine();
	page = alloc(DMA1, 4, 1);
	buddy_snap(&snap_init);
	/* wrong order, a tail page, a free page, a reserved page */
	pfree(page, 3);
	pfree(page, 5);
	pfree(page + 1, 0);
	pfree(PG(0x80100), 0);
	pfree(PG(0x40000), 0);
	/* no page of any map; an order too large */
	pfree(&outside, 0);
	pfree(NULL, 0);
	pfree(page, SMM_MAX_ORDER);
	events();
	ASSERT_EQ(8, ev.bad_free);
	ASSERT_EQ(0, ev.free[0] + ev.free[3] + ev.free[4] + ev.free[5]);
	buddy_snap(&snap_now);
	ASSERT_BUDDY_SAME(&snap_init, &snap_now);
	ASSERT_EQ(1, page->_refcount);
	/* a page inside the block looks taken: refused too */
	page[5]._refcount = 1;
	pfree(page, 4);
	events();
	ASSERT_EQ(9, ev.bad_free);
	page[5]._refcount = 0;
	/* and the block can still be freed properly */
	pfree(page, 4);
	ASSERT_ORDERS(1, DMA, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0);
}

/* ---- teardown and reboot -------------------------------------------------- */

TEST(pa_teardown_frees_and_reboot_is_identical)
{
	std_machine();
	buddy_snap(&snap_init);
	ASSERT_TRUE(alloc(0, 3, 0));
	smm_machine_teardown(m);
	nr_live = 0;
	ASSERT_PTR_EQ(NULL, m->events);
	ASSERT_PTR_EQ(NULL, Z(0, NORMAL)->per_cpu_pageset);
	ASSERT_PTR_EQ(NULL, Z(0, NORMAL)->pageblock_flags);
	ASSERT_EQ(0, m->totalram_pages);
	/* calling it twice is harmless */
	smm_page_alloc_teardown(m);
	BOOT();
	buddy_snap(&snap_now);
	ASSERT_BUDDY_SAME(&snap_init, &snap_now);
	ASSERT_WALK();
}

TEST(pa_teardown_forgets_held_allocations)
{
	unsigned long done;

	/* rmmod and reset tear down with ctl allocations still held */
	std_machine();
	ASSERT_EQ(0, smm_held_alloc(m, SMM_GFP_KERNEL, 2, NUMA_NO_NODE, NULL,
				    "x", 3, &done));
	ASSERT_EQ(3, m->nr_held);
	smm_machine_teardown(m);
	ASSERT_EQ(0, m->nr_held);
	ASSERT_TRUE(list_empty(&m->held));
	BOOT();
	ASSERT_EQ(0, m->nr_held);
	ASSERT_WALK();
}

/* ---- determinism and properties ------------------------------------------- */

/* Knuth's MMIX LCG; the top bits are the random ones. */
static u64 lcg_state;

static unsigned int lcg(unsigned int n)
{
	lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned int)(lcg_state >> 33) % n;
}

static const unsigned int gfps[] = {
	0, G_MOVABLE, G_RECL, G_DMA, G_DMA32, G_MOVABLE | G_HIGHMEM,
	SMM_GFP_ATOMIC, G_HIGH, G_DMA32 | G_MOVABLE, G_THISNODE,
	G_MOVABLE | G_HIGHMEM | G_THISNODE, G_ZERO | G_MOVABLE,
};

/* orders weighted to the small ones, with THP and MAX_ORDER - 1 */
static unsigned int random_order(void)
{
	static const unsigned int orders[] = {
		0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 5, 6, 8, 9, 10,
	};

	return orders[lcg(ARRAY_SIZE(orders))];
}

/* One step of a random run: alloc, free, or (rarely) drain. */
static void random_step(bool vary_cpu)
{
	unsigned int r = lcg(100);

	if (vary_cpu)
		smm_ucpu = lcg(2);
	if (r < 55 || !nr_live) {
		int nid = (int)lcg(3) - 1;

		alloc(gfps[lcg(ARRAY_SIZE(gfps))], random_order(), nid);
	} else if (r < 98) {
		live_free(lcg(nr_live));
	} else {
		smm_drain_all_pages(m);
	}
}

/*
 * FNV-1a 64 of the machine's buddyinfo in the kernel's /proc/buddyinfo
 * text ("Node 0, zone   Normal      0 ...", populated zones), so the
 * same hash can be taken of the guest's debugfs buddyinfo.
 */
static u64 buddyinfo_hash(char *text, size_t size)
{
	u64 h = 0xcbf29ce484222325ULL;
	size_t len = 0;
	int i, zid, o;
	char *p;

	text[0] = '\0';
	for (i = 0; i < m->nr_nodes; i++) {
		for (zid = 0; zid < SMM_MAX_NR_ZONES; zid++) {
			struct smm_zone *z = Z(m->node_ids[i], zid);

			if (!smm_populated_zone(z))
				continue;
			len += snprintf(text + len, size - len,
					"Node %d, zone %8s ", z->node, z->name);
			for (o = 0; o < SMM_MAX_ORDER; o++)
				len += snprintf(text + len, size - len, "%6lu ",
						z->free_area[o].nr_free);
			len += snprintf(text + len, size - len, "\n");
		}
	}
	for (p = text; *p; p++) {
		h ^= (unsigned char)*p;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static char bi_text[2][4096];

static u64 determinism_run(char *text)
{
	int i;

	std_machine();
	nr_live = 0;
	lcg_state = 1;
	for (i = 0; i < 1000; i++)
		random_step(false);
	return buddyinfo_hash(text, sizeof(bi_text[0]));
}

TEST(pa_determinism)
{
	u64 h1, h2;
	char *line;

	/*
	 * The reference machine, CPU 0, LCG seed 1, 1000 steps of
	 * random_step(): 55% alloc (gfps[], random_order(), nid -1/0/1),
	 * 43% free of a random live block, 2% drain.
	 */
	h1 = determinism_run(bi_text[0]);
	ASSERT_WALK();
	h2 = determinism_run(bi_text[1]);
	ASSERT_EQ(h1, h2);
	ASSERT_STREQ(bi_text[0], bi_text[1]);
	printf("# determinism: buddyinfo fnv1a64 0x%016llx\n",
	       (unsigned long long)h1);
	for (line = strtok(bi_text[0], "\n"); line; line = strtok(NULL, "\n"))
		printf("#   %s\n", line);
	live_free_all();
}

/*
 * Every step of many random runs keeps the free lists, the pcp lists and
 * the counters consistent; freeing everything and draining gives back
 * the post-init free areas exactly.
 */
static void property_run(void (*machine)(void), u64 seed, int steps)
{
	int i;

	machine();
	buddy_snap(&snap_init);
	nr_live = 0;
	lcg_state = seed;
	for (i = 0; i < steps; i++) {
		random_step(true);
		if (!walk_all()) {
			printf("# seed %llu step %d\n", (unsigned long long)seed, i);
			ASSERT_TRUE(false);
		}
	}
	live_free_all();
	smm_drain_all_pages(m);
	ASSERT_WALK();
	buddy_snap(&snap_now);
	ASSERT_BUDDY_SAME(&snap_init, &snap_now);
	smm_ucpu = 0;
}

/* two 16M nodes: small zones, exhaustion and watermarks come quickly */
static void small_machine(void)
{
	fresh(SZ_64K, SZ_1M, SZ_512K);
	smm_test_add_chunk(m, N0, SZ_16M, 0);
	smm_test_add_chunk(m, N1, SZ_16M, 1);
	BOOT();
}

/* two 128M nodes: Normal has 12288 pages, batch 3 */
static void large_machine(void)
{
	fresh(SZ_64K, SZ_4M, SZ_2M);
	smm_test_add_chunk(m, N0, SZ_128M, 0);
	smm_test_add_chunk(m, N1, SZ_128M, 1);
	BOOT();
}

TEST(pa_property_small_machine)
{
	u64 seed;

	for (seed = 1; seed <= 25; seed++)
		property_run(small_machine, seed, 500);
}

TEST(pa_property_large_machine)
{
	u64 seed;

	large_machine();
	ASSERT_EQ(3, Z(0, NORMAL)->per_cpu_pageset[0].batch);
	for (seed = 101; seed <= 125; seed++)
		property_run(large_machine, seed, 500);
}

/*
 * The same runs under memory_model=sparsemem, 4M sections: every buddy
 * lookup goes through the section table; the walks and the final free
 * areas must agree as under FLATMEM, and the determinism run's
 * buddyinfo is FLATMEM's.
 */
TEST(pa_property_sparsemem)
{
	char flat[4096];
	u64 seed, h;

	h = determinism_run(flat);
	live_free_all();
	memory_model = SMM_MEMORY_MODEL_SPARSEMEM;
	section_size = SZ_4M;
	for (seed = 1; seed <= 10; seed++)
		property_run(small_machine, seed, 500);
	for (seed = 101; seed <= 105; seed++)
		property_run(large_machine, seed, 500);
	ASSERT_EQ(h, determinism_run(bi_text[0]));
	ASSERT_STREQ(flat, bi_text[0]);
	ASSERT_WALK();
	live_free_all();
	memory_model = SMM_MEMORY_MODEL_FLATMEM;
	section_size = 0;
}

TEST(pa_property_verify_and_ring)
{
	u64 seed;

	for (seed = 1001; seed <= 1003; seed++) {
		property_run(verify_machine, seed, 500);
		events();
		ASSERT_EQ(0, ev.verify_mismatch);
		ASSERT_EQ(0, ev.bad_free);
	}
}

/* ---- two CPUs at once ------------------------------------------------------- */

struct worker {
	pthread_t thread;
	int cpu;
	u64 seed;
	unsigned long allocs, fails;
};

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	struct { struct smm_page *page; unsigned int order; } held[64];
	unsigned int nr = 0, i;
	u64 s = w->seed;

	smm_ucpu = w->cpu;
	for (i = 0; i < 20000; i++) {
		unsigned int r, order;

		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		r = (unsigned int)(s >> 33);
		if ((r % 2 || !nr) && nr < ARRAY_SIZE(held)) {
			struct smm_page *page;

			order = (r >> 8) % 4 ? (r >> 10) % 4 : (r >> 12) % 11;
			page = smm_alloc_pages(m, gfps[(r >> 16) % ARRAY_SIZE(gfps)],
					       order, NUMA_NO_NODE, NULL);
			if (page) {
				held[nr].page = page;
				held[nr++].order = order;
				w->allocs++;
			} else {
				w->fails++;
			}
		} else {
			unsigned int j = (r >> 8) % nr;

			smm_free_pages(m, held[j].page, held[j].order);
			held[j] = held[--nr];
		}
	}
	while (nr--)
		smm_free_pages(m, held[nr].page, held[nr].order);
	return NULL;
}

TEST(pa_two_cpus_at_once)
{
	struct worker w[2] = {
		{ .cpu = 0, .seed = 7 }, { .cpu = 1, .seed = 8 },
	};
	int i;

	fresh(SZ_64K, SZ_4M, SZ_2M);
	m->cfg.verify = true;
	m->cfg.rmqueue_trace_size = 64;
	smm_test_add_chunk(m, N0, SZ_32M, 0);
	smm_test_add_chunk(m, N1, SZ_32M, 1);
	BOOT();
	buddy_snap(&snap_init);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&w[i].thread, NULL, worker_fn, &w[i]));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_join(w[i].thread, NULL));
	smm_drain_all_pages(m);
	nr_live = 0;
	ASSERT_WALK();
	buddy_snap(&snap_now);
	ASSERT_BUDDY_SAME(&snap_init, &snap_now);
	events();
	ASSERT_EQ(0, ev.verify_mismatch);
	ASSERT_EQ(0, ev.bad_free);
	ASSERT_EQ(w[0].allocs + w[1].allocs, ev.free[0] + ev.free[1] +
		  ev.free[2] + ev.free[3] + ev.free[4] + ev.free[5] +
		  ev.free[6] + ev.free[7] + ev.free[8] + ev.free[9] +
		  ev.free[10]);
	ASSERT_TRUE(m->events[0].free[0] && m->events[1].free[0]);
}

/* ---- check while other CPUs allocate ----------------------------------- */

static struct smm_page *moved_page;

/* CPU 1 takes an order-0 page: its empty pcp list is refilled from the buddy */
static void cpu1_refills_its_pcp(void)
{
	int cpu = smm_ucpu;

	smm_ucpu = 1;
	moved_page = smm_alloc_pages(m, G_MOVABLE, 0, NUMA_NO_NODE, NULL);
	smm_ucpu = cpu;
}

/*
 * Blocks move from the buddy to CPU 1's pcp list just before check takes
 * that list's lock. Walked one lock at a time, the buddy walk had seen
 * them and the pcp walk sees them again: an overlap the allocator never
 * had. Walked as one snapshot, the move is wholly before it.
 */
TEST(pa_check_is_one_snapshot_of_buddy_and_pcp)
{
	struct smm_capture *out = calloc(1, sizeof(*out));
	struct smm_zone *zone;
	struct smm_page *page;

	ASSERT_TRUE(out);
	large_machine();	/* pcp batch 3: a refill leaves pages on the list */
	smm_ucpu = 1;
	page = smm_alloc_pages(m, G_MOVABLE, 0, NUMA_NO_NODE, NULL);
	smm_ucpu = 0;
	ASSERT_TRUE(page);
	zone = smm_page_zone(m, page);
	smm_free_pages(m, page, 0);
	smm_drain_all_pages(m);
	ASSERT_EQ(0, zone->per_cpu_pageset[1].count);

	moved_page = NULL;
	race_lock = &zone->per_cpu_pageset[1].lock;
	race_fn = cpu1_refills_its_pcp;
	smm_ulock_hook = race_hook;
	ASSERT_EQ(0, smm_check(m, smm_capture_emit, out));
	smm_ulock_hook = NULL;
	/* the move did happen, during the check, and left pages on the pcp */
	ASSERT_TRUE(moved_page);
	ASSERT_TRUE(zone->per_cpu_pageset[1].count > 0);
	ASSERT_STREQ("OK\n", out->last);
	smm_free_pages(m, moved_page, 0);
	smm_drain_all_pages(m);
	ASSERT_WALK();
	free(out);
}

/* Two CPUs allocating and freeing, check walking meanwhile: always OK. */
TEST(pa_check_while_two_cpus_allocate)
{
	struct worker w[2] = {
		{ .cpu = 0, .seed = 17 }, { .cpu = 1, .seed = 18 },
	};
	int i, failed = 0, checks = 0;

	std_machine();
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&w[i].thread, NULL, worker_fn, &w[i]));
	for (checks = 0; checks < 200; checks++)
		if (smm_check(m, smm_log_discard, NULL))
			failed++;
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_join(w[i].thread, NULL));
	ASSERT_EQ(0, failed);
	ASSERT_TRUE(w[0].allocs && w[1].allocs);
	smm_drain_all_pages(m);
	ASSERT_EQ(0, smm_check(m, smm_log_discard, NULL));
	ASSERT_WALK();
}

/*
 * While a stress run is going on (m->busy), every command that would
 * change the shadow fails with -EBUSY and says so, valid or not, before
 * it does anything; help still runs.
 */
TEST(pa_ctl_busy_refuses_every_change)
{
	static const char *const cmds[] = {
		"alloc order=0 tag=b", "free tag=b", "free all", "drain",
		"reset", "reset upto=memmap", "workload seed=1 ops=10",
		"verify 1", "verify 0", "memblock set bottom_up=1",
		"memblock alloc size=4K", "cache create name=b size=64",
		"cache destroy name=b", "kmalloc size=8 tag=b", "kfree tag=b",
		"policy default", "policy bind nodes=1", "alloc order=99",
	};
	struct buddy_snap before, after;
	char want[96];
	unsigned int i;

	std_machine();
	buddy_snap(&before);
	m->busy = true;
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		memset(&nlog, 0, sizeof(nlog));
		ASSERT_EQ(-EBUSY, nctl(cmds[i]));
		snprintf(want, sizeof(want), "ctl: %.*s: a stress or bench run is going on\n",
			 (int)strcspn(cmds[i], " "), cmds[i]);
		ASSERT_STREQ(want, nlog.last);
	}
	ASSERT_FALSE(m->cfg.verify);
	ASSERT_EQ(0, nctl("help"));
	buddy_snap(&after);
	ASSERT_BUDDY_SAME(&before, &after);
	m->busy = false;
	ASSERT_EQ(0, nctl("drain"));
	ASSERT_WALK();
}

/* ---- the kmem-named events (trace/events/shadowmm_kmem.h) ----------------- */

TEST(pa_kmem_page_alloc_and_free_events)
{
	unsigned int gfp = G_DMA32 | G_MOVABLE | G_THISNODE;
	struct smm_page *page;

	/* memblock_free_all()'s blocks: __free_pages_core() traces them */
	fresh(SZ_64K, SZ_4M, SZ_2M);
	smm_test_add_chunk(m, N0, SZ_32M, 0);
	ASSERT_EQ(0, smm_boot(m, smm_capture_emit, &blog));
	ASSERT_TRUE(smm_trace.nr_mm_page_free > 0);
	ASSERT_EQ(0, smm_trace.mm_page_free.pfn &
		  ((1UL << smm_trace.mm_page_free.order) - 1));

	std_machine();
	page = alloc(gfp, 0, 1);
	ASSERT_EQ(1, smm_trace.nr_mm_page_alloc);
	ASSERT_EQ(PFN(page), smm_trace.mm_page_alloc.pfn);
	ASSERT_EQ(0, smm_trace.mm_page_alloc.order);
	ASSERT_EQ(test_gfp(gfp), smm_trace.mm_page_alloc.gfp_flags);
	ASSERT_EQ(MT_MOV, smm_trace.mm_page_alloc.migratetype);

	/* a failed request: pfn -1, as the kernel's page == NULL */
	ASSERT_PTR_EQ(NULL, alloc(G_DMA | G_DMA32, 0, 0));
	ASSERT_EQ(2, smm_trace.nr_mm_page_alloc);
	ASSERT_EQ(~0UL, smm_trace.mm_page_alloc.pfn);

	pfree(page, 0);
	ASSERT_EQ(1, smm_trace.nr_mm_page_free);
	ASSERT_EQ(PFN(page), smm_trace.mm_page_free.pfn);
	ASSERT_EQ(0, smm_trace.mm_page_free.order);
	/* no free_unref_page_list() in the shadow: never fired */
	ASSERT_EQ(0, smm_trace.nr_mm_page_free_batched);
	ASSERT_WALK();
}

TEST(pa_kmem_zone_locked_says_percpu_refill)
{
	struct smm_page *page;

	std_machine();
	memset(&smm_trace, 0, sizeof(smm_trace));
	/* an empty pcp list: rmqueue_bulk() refills it, block by block */
	page = alloc(G_DMA32 | G_MOVABLE | G_THISNODE, 0, 1);
	ASSERT_TRUE(page);
	ASSERT_EQ(smm_trace.rmqueue_bulk.allocated,
		  (int)smm_trace.nr_mm_page_alloc_zone_locked);
	ASSERT_EQ(0, smm_trace.mm_page_alloc_zone_locked.order);
	ASSERT_EQ(MT_MOV, smm_trace.mm_page_alloc_zone_locked.migratetype);
	ASSERT_EQ(1, smm_trace.mm_page_alloc_zone_locked.percpu_refill);

	/* above PAGE_ALLOC_COSTLY_ORDER: straight from the buddy lists */
	memset(&smm_trace, 0, sizeof(smm_trace));
	page = alloc(G_DMA32 | G_MOVABLE | G_THISNODE, 5, 1);
	ASSERT_TRUE(page);
	ASSERT_EQ(1, smm_trace.nr_mm_page_alloc_zone_locked);
	ASSERT_EQ(PFN(page), smm_trace.mm_page_alloc_zone_locked.pfn);
	ASSERT_EQ(5, smm_trace.mm_page_alloc_zone_locked.order);
	ASSERT_EQ(0, smm_trace.mm_page_alloc_zone_locked.percpu_refill);
	ASSERT_WALK();
}

TEST(pa_kmem_pcpu_drain_one_event_a_block)
{
	struct smm_per_cpu_pages *pcp;
	struct smm_page *pages[40];
	int n = 0;

	std_machine();
	take_pages(pages, 40);
	pcp = &Z(1, DMA32)->per_cpu_pageset[0];
	pcp->high = 16;
	pcp->batch = 3;
	memset(&smm_trace, 0, sizeof(smm_trace));
	while (n < 16)
		pfree(pages[n++], 0);
	/* the trim gave back 3 pages: 3 order-0 blocks */
	ASSERT_EQ(1, smm_trace.nr_pcp_drain);
	ASSERT_EQ(3, smm_trace.nr_mm_page_pcpu_drain);
	ASSERT_EQ(0, smm_trace.mm_page_pcpu_drain.order);
	ASSERT_EQ(MT_MOV, smm_trace.mm_page_pcpu_drain.migratetype);
	while (n < 40)
		pfree(pages[n++], 0);
	ASSERT_WALK();
}

TEST(pa_kmem_extfrag_is_the_fallback)
{
	std_machine();
	retype_free_block(0x80400, 10, MT_RECL);
	retype_free_block(0x80800, 10, MT_UNMOV);
	retype_free_block(0x80200, 9, MT_UNMOV);
	ALLOC_AT(0x80400, G_DMA32 | G_MOVABLE | G_THISNODE, 4, 1);
	ASSERT_EQ(1, smm_trace.nr_mm_page_alloc_extfrag);
	ASSERT_EQ(smm_trace.fallback.pfn, smm_trace.mm_page_alloc_extfrag.pfn);
	ASSERT_EQ(4, smm_trace.mm_page_alloc_extfrag.alloc_order);
	ASSERT_EQ(10, smm_trace.mm_page_alloc_extfrag.fallback_order);
	ASSERT_EQ(MT_MOV, smm_trace.mm_page_alloc_extfrag.alloc_migratetype);
	ASSERT_EQ(MT_RECL,
		  smm_trace.mm_page_alloc_extfrag.fallback_migratetype);
	ASSERT_EQ(1, smm_trace.mm_page_alloc_extfrag.change_ownership);
	ASSERT_WALK();
}
