// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of src/mm/vmstat.c and src/views.c: the text of every view for small zones built
 * by hand (free lists, pcp lists, pageblock types, counters written
 * directly, no allocator involved), compared as whole strings; the
 * extfrag formulas against values worked out by hand; smm_check() against
 * a clean state and against each kind of planted corruption; the rmqueue
 * ring printed oldest first after it wrapped.
 */
#include <stdarg.h>

#include "harness.h"
#include "shadowmm/machine.h"
#include "shadowmm/vmstat.h"
#include "shadowmm/views.h"

/* ---- output capture ----------------------------------------------------- */

static struct smm_capture out;

static const char *show(void (*fn)(struct smm_machine *, smm_emit_fn, void *));

/* ---- hand-made machines ------------------------------------------------- */

static struct smm_machine *m;

/* One node's map, kept to be freed with the machine. */
static struct smm_page *maps[SMM_MAX_NUMNODES];

/* The machine came from smm_boot(): smm_machine_teardown() frees it. */
static bool pipeline;

static void free_machine(void)
{
	unsigned int i;
	int nid, zid;

	if (!m)
		return;
	if (pipeline)
		smm_machine_teardown(m);
	pipeline = false;
	for (nid = 0; nid < SMM_MAX_NUMNODES; nid++) {
		for (zid = 0; zid < SMM_MAX_NR_ZONES; zid++) {
			struct smm_zone *z = &m->node_data[nid].node_zones[zid];

			free(z->per_cpu_pageset);
			free(z->pageblock_flags);
		}
		free(maps[nid]);
		maps[nid] = NULL;
	}
	free(m->events);
	if (m->rmqueue_ring.cpus)
		for (i = 0; i < m->nr_cpus; i++)
			free(m->rmqueue_ring.cpus[i].recs);
	free(m->rmqueue_ring.cpus);
	free(m);
	m = NULL;
}

/* An empty machine with @nr_cpus CPUs and an empty memblock. */
static void fresh(unsigned int nr_cpus)
{
	free_machine();
	m = calloc(1, sizeof(*m));
	smm_memblock_init(&m->memblock);
	m->nr_cpus = nr_cpus;
	m->events = calloc(nr_cpus, sizeof(*m->events));
	m->booted = true;
	out.len = 0;
	out.buf[0] = '\0';
}

/*
 * Node @nid: pfns [start, start + nr), all memory (one memblock.memory
 * region), its map rounded out to SMM_MAX_ORDER_NR_PAGES as boot.c does.
 * Nodes must be added in ascending nid order.
 */
static void add_node(int nid, unsigned long start, unsigned long nr)
{
	struct smm_pglist_data *pgdat = &m->node_data[nid];
	unsigned long mstart = start & ~(SMM_MAX_ORDER_NR_PAGES - 1);
	unsigned long mend = (start + nr + SMM_MAX_ORDER_NR_PAGES - 1) &
			     ~(SMM_MAX_ORDER_NR_PAGES - 1);
	int zid;

	maps[nid] = calloc(mend - mstart, sizeof(struct smm_page));
	pgdat->node_id = nid;
	pgdat->node_start_pfn = start;
	pgdat->node_spanned_pages = nr;
	pgdat->node_present_pages = nr;
	pgdat->node_mem_map = maps[nid] + (start - mstart);
	pgdat->memmap_start_pfn = mstart;
	pgdat->memmap_end_pfn = mend;
	pgdat->memmap_size = (mend - mstart) * sizeof(struct smm_page);
	for (zid = 0; zid < SMM_MAX_NR_ZONES; zid++) {
		struct smm_zone *z = &pgdat->node_zones[zid];

		z->node = nid;
		z->idx = zid;
		z->zone_pgdat = pgdat;
		z->name = smm_zone_names[zid];
		smm_spin_lock_init(&z->lock);
	}
	m->node_ids[m->nr_nodes++] = nid;
	smm_memblock_add_node(&m->memblock, PFN_PHYS(start), PFN_PHYS(nr),
			      nid, SMM_MEMBLOCK_NONE);
}

static struct smm_zone *Z(int nid, int zid)
{
	return &m->node_data[nid].node_zones[zid];
}

static struct smm_page *P(int nid, unsigned long pfn)
{
	struct smm_pglist_data *pgdat = &m->node_data[nid];

	return pgdat->node_mem_map + (pfn - pgdat->node_start_pfn);
}

/* The kernel's pageblock bit layout: 4 bits a block from the zone start. */
static void set_block_mt(struct smm_zone *z, unsigned long pfn, int mt)
{
	unsigned long bitidx = ((pfn - (z->zone_start_pfn &
					~(SMM_PAGEBLOCK_NR_PAGES - 1))) >>
				SMM_PAGEBLOCK_ORDER) * 4;
	unsigned long *word = &z->pageblock_flags[bitidx / 64];

	*word &= ~(7UL << (bitidx % 64));
	*word |= (unsigned long)mt << (bitidx % 64);
}

/*
 * Zone @zid of @nid spans [start, start + nr), all present and managed
 * (managed adds to totalram_pages), every pageblock Movable, every page's
 * flags naming the zone, per-cpu sets with high 42 and batch 7.
 */
static void add_zone(int nid, int zid, unsigned long start, unsigned long nr)
{
	struct smm_zone *z = Z(nid, zid);
	unsigned long pfn, blocks;
	unsigned int order, cpu, i;
	int mt;

	z->zone_start_pfn = start;
	z->spanned_pages = nr;
	z->present_pages = nr;
	z->managed_pages = nr;
	m->totalram_pages += nr;
	for (order = 0; order < SMM_MAX_ORDER; order++)
		for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++)
			INIT_LIST_HEAD(&z->free_area[order].free_list[mt]);
	z->per_cpu_pageset = calloc(m->nr_cpus, sizeof(*z->per_cpu_pageset));
	for (cpu = 0; cpu < m->nr_cpus; cpu++) {
		struct smm_per_cpu_pages *pcp = &z->per_cpu_pageset[cpu];

		smm_spin_lock_init(&pcp->lock);
		pcp->high = 42;
		pcp->batch = 7;
		for (i = 0; i < SMM_NR_PCP_LISTS; i++)
			INIT_LIST_HEAD(&pcp->lists[i]);
	}
	blocks = (nr + (start & (SMM_PAGEBLOCK_NR_PAGES - 1)) +
		  SMM_PAGEBLOCK_NR_PAGES - 1) >> SMM_PAGEBLOCK_ORDER;
	z->pageblock_flags = calloc((blocks * 4 + 63) / 64 + 1,
				    sizeof(unsigned long));
	for (pfn = start; pfn < start + nr; pfn++) {
		P(nid, pfn)->flags = ((unsigned long)nid << SMM_PAGE_NODE_SHIFT) |
				     ((unsigned long)zid << SMM_PAGE_ZONE_SHIFT);
		if (pfn == start || !(pfn & (SMM_PAGEBLOCK_NR_PAGES - 1)))
			set_block_mt(z, pfn, SMM_MIGRATE_MOVABLE);
	}
}

/* A free buddy block, as __free_one_page() leaves one. */
static void put_free(int nid, int zid, unsigned long pfn,
		     unsigned int order, int mt)
{
	struct smm_zone *z = Z(nid, zid);
	struct smm_page *page = P(nid, pfn);

	page->flags |= BIT(SMM_PG_buddy);
	page->private = order;
	list_add_tail(&page->lru, &z->free_area[order].free_list[mt]);
	z->free_area[order].nr_free++;
	z->nr_free_pages += 1L << order;
}

static unsigned int pindex(unsigned int order, int mt)
{
	if (order > SMM_PAGE_ALLOC_COSTLY_ORDER)
		return SMM_NR_LOWORDER_PCP_LISTS;
	return SMM_MIGRATE_PCPTYPES * order + mt;
}

/* A page on a per-cpu list, as free_unref_page() leaves one. */
static void put_pcp(int nid, int zid, unsigned int cpu, unsigned long pfn,
		    unsigned int order, int mt)
{
	struct smm_per_cpu_pages *pcp = &Z(nid, zid)->per_cpu_pageset[cpu];
	struct smm_page *page = P(nid, pfn);

	page->flags |= BIT(SMM_PG_pcp);
	page->private = order;
	list_add_tail(&page->lru, &pcp->lists[pindex(order, mt)]);
	pcp->count += 1 << order;
}

static const char *show(void (*fn)(struct smm_machine *, smm_emit_fn, void *))
{
	out.len = 0;
	out.buf[0] = '\0';
	fn(m, smm_capture_emit, &out);
	return out.buf;
}

static int check(void)
{
	out.len = 0;
	out.buf[0] = '\0';
	return smm_check(m, smm_capture_emit, &out);
}

static unsigned int count_lines(const char *s)
{
	unsigned int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/*
 * The standard fixture: node 0 at pfn 0x1000 with 4096 pages (16 MiB),
 * all of them ZONE_NORMAL, two CPUs.
 */
#define N0	0x1000UL
#define NR0	4096UL

static void std_machine(void)
{
	fresh(2);
	add_node(0, N0, NR0);
	add_zone(0, SMM_ZONE_NORMAL, N0, NR0);
}

/*
 * Pieces of expected text. The kernel's formats end every field with a
 * space, so lines end in a space and a newline: each field is a macro
 * here, the newline a string of its own.
 */
#define W6(n)	"     " #n " "		/* "%6lu ": one digit */
#define W6_2(n)	"    " #n " "		/* two digits */
#define W12(n)	"           " #n " "	/* "%12lu ": one digit */
#define B0	W6(0)
#define B1	W6(1)
#define B2	W6(2)
#define B0x10	"     0      0      0      0      0      0      0      0      0      0 "
#define U(n)	#n " "			/* unusable_index: "%d.%03d " */
#define X(n)	" 0." #n " "		/* extfrag_index: "%2d.%03d " */
#define XM1	"-1.000 "
#define F0	X(000)
#define C0	"          0"		/* histograms: " %10llu" */
#define C0x11	"          0          0          0          0          0          0          0          0          0          0          0"
#define T0	"            0"		/* histograms: " %12llu" */
#define T0x6	"            0            0            0            0            0            0"
#define ORDER_COLS \
	"          0          1          2          3          4          5" \
	"          6          7          8          9         10"
#define TYPE_COLS \
	"    Unmovable      Movable  Reclaimable   HighAtomic          CMA" \
	"      Isolate"

/* ---- buddyinfo ---------------------------------------------------------- */

TEST(buddyinfo_one_zone)
{
	std_machine();
	put_free(0, SMM_ZONE_NORMAL, N0, 0, SMM_MIGRATE_MOVABLE);
	put_free(0, SMM_ZONE_NORMAL, N0 + 2, 1, SMM_MIGRATE_MOVABLE);
	put_free(0, SMM_ZONE_NORMAL, N0 + 4, 1, SMM_MIGRATE_UNMOVABLE);
	put_free(0, SMM_ZONE_NORMAL, N0 + 1024, 10, SMM_MIGRATE_MOVABLE);
	put_free(0, SMM_ZONE_NORMAL, N0 + 2048, 10, SMM_MIGRATE_MOVABLE);

	ASSERT_STREQ("Node 0, zone   Normal " B1 W6(2) B0 B0 B0 B0 B0 B0 B0 B0
		     B2 "\n", show(smm_show_buddyinfo));
}

TEST(buddyinfo_populated_zones_of_every_node)
{
	fresh(1);
	add_node(0, 0x1000, 0x800);
	add_zone(0, SMM_ZONE_DMA32, 0x1000, 0x400);
	add_zone(0, SMM_ZONE_NORMAL, 0x1400, 0x400);
	add_node(1, 0x2000, 0x400);
	add_zone(1, SMM_ZONE_MOVABLE, 0x2000, 0x400);
	put_free(0, SMM_ZONE_NORMAL, 0x1400, 3, SMM_MIGRATE_MOVABLE);
	put_free(1, SMM_ZONE_MOVABLE, 0x2000, 10, SMM_MIGRATE_MOVABLE);

	/* DMA and the other empty zones are left out, as the kernel does */
	ASSERT_STREQ("Node 0, zone    DMA32 " B0 B0x10 "\n"
		     "Node 0, zone   Normal " B0 B0 B0 B1 B0 B0 B0 B0 B0 B0 B0 "\n"
		     "Node 1, zone  Movable " B0x10 B1 "\n",
		     show(smm_show_buddyinfo));
}

TEST(buddyinfo_wide_counts_widen_the_column)
{
	std_machine();
	Z(0, SMM_ZONE_NORMAL)->free_area[0].nr_free = 1234567;
	Z(0, SMM_ZONE_NORMAL)->free_area[1].nr_free = 123456;

	ASSERT_STREQ("Node 0, zone   Normal 1234567 123456 " B0 B0 B0 B0 B0 B0
		     B0 B0 B0 "\n", show(smm_show_buddyinfo));
}

/* ---- pagetypeinfo ------------------------------------------------------- */

#define PTI_HEAD							\
	"Page block order: 9\n"						\
	"Pages per block:  512\n"					\
	"\n"								\
	"Free pages count per migrate type at order  "			\
	W6(0) W6(1) W6(2) W6(3) W6(4) W6(5) W6(6) W6(7) W6(8) W6(9)	\
	W6_2(10) "\n"
#define TYPES12	"   Unmovable      Movable  Reclaimable   HighAtomic          CMA      Isolate "
#define PTI_BLOCKS_HEAD							\
	"\n"								\
	"Number of blocks type  "					\
	TYPES12 "\n"

TEST(pagetypeinfo_one_zone)
{
	std_machine();
	put_free(0, SMM_ZONE_NORMAL, N0, 0, SMM_MIGRATE_UNMOVABLE);
	put_free(0, SMM_ZONE_NORMAL, N0 + 1, 0, SMM_MIGRATE_UNMOVABLE);
	put_free(0, SMM_ZONE_NORMAL, N0 + 8, 3, SMM_MIGRATE_RECLAIMABLE);
	put_free(0, SMM_ZONE_NORMAL, N0 + 1024, 10, SMM_MIGRATE_MOVABLE);
	/* 8 pageblocks: 1 Unmovable, 1 Reclaimable, 6 Movable */
	set_block_mt(Z(0, SMM_ZONE_NORMAL), N0, SMM_MIGRATE_UNMOVABLE);
	set_block_mt(Z(0, SMM_ZONE_NORMAL), N0 + 512, SMM_MIGRATE_RECLAIMABLE);
	ASSERT_EQ(SMM_MIGRATE_RECLAIMABLE,
		  smm_get_pageblock_migratetype(m, N0 + 700));

	ASSERT_STREQ(PTI_HEAD
		     "Node    0, zone   Normal, type    Unmovable " B2 B0x10 "\n"
		     "Node    0, zone   Normal, type      Movable " B0x10 B1 "\n"
		     "Node    0, zone   Normal, type  Reclaimable " B0 B0 B0 B1 B0 B0
		     B0 B0 B0 B0 B0 "\n"
		     "Node    0, zone   Normal, type   HighAtomic " B0 B0x10 "\n"
		     "Node    0, zone   Normal, type          CMA " B0 B0x10 "\n"
		     "Node    0, zone   Normal, type      Isolate " B0 B0x10 "\n"
		     PTI_BLOCKS_HEAD
		     "Node 0, zone   Normal " W12(1) W12(6) W12(1) W12(0) W12(0)
		     W12(0) "\n",
		     show(smm_show_pagetypeinfo));
}

TEST(pagetypeinfo_once_per_node)
{
	fresh(1);
	add_node(0, 0x1000, 0x400);
	add_zone(0, SMM_ZONE_DMA32, 0x1000, 0x400);
	add_node(1, 0x2000, 0x200);
	add_zone(1, SMM_ZONE_NORMAL, 0x2000, 0x200);

	ASSERT_STREQ(PTI_HEAD
		     "Node    0, zone    DMA32, type    Unmovable " B0 B0x10 "\n"
		     "Node    0, zone    DMA32, type      Movable " B0 B0x10 "\n"
		     "Node    0, zone    DMA32, type  Reclaimable " B0 B0x10 "\n"
		     "Node    0, zone    DMA32, type   HighAtomic " B0 B0x10 "\n"
		     "Node    0, zone    DMA32, type          CMA " B0 B0x10 "\n"
		     "Node    0, zone    DMA32, type      Isolate " B0 B0x10 "\n"
		     PTI_BLOCKS_HEAD
		     "Node 0, zone    DMA32 " W12(0) W12(2) W12(0) W12(0) W12(0)
		     W12(0) "\n"
		     PTI_HEAD
		     "Node    1, zone   Normal, type    Unmovable " B0 B0x10 "\n"
		     "Node    1, zone   Normal, type      Movable " B0 B0x10 "\n"
		     "Node    1, zone   Normal, type  Reclaimable " B0 B0x10 "\n"
		     "Node    1, zone   Normal, type   HighAtomic " B0 B0x10 "\n"
		     "Node    1, zone   Normal, type          CMA " B0 B0x10 "\n"
		     "Node    1, zone   Normal, type      Isolate " B0 B0x10 "\n"
		     PTI_BLOCKS_HEAD
		     "Node 1, zone   Normal " W12(0) W12(1) W12(0) W12(0) W12(0)
		     W12(0) "\n",
		     show(smm_show_pagetypeinfo));
}

/*
 * The kernel steps from zone_start_pfn by pageblock_nr_pages, aligned or
 * not: a zone starting mid-block counts the block of every step.
 */
TEST(pagetypeinfo_unaligned_zone_start)
{
	const char *s;

	fresh(1);
	add_node(0, 0x1000, 0x800);
	add_zone(0, SMM_ZONE_DMA32, 0x1000, 0x300);
	add_zone(0, SMM_ZONE_NORMAL, 0x1300, 0x500);
	/* Normal: steps 0x1300, 0x1500, 0x1700: blocks 0x1200, 0x1400, 0x1600 */
	set_block_mt(Z(0, SMM_ZONE_NORMAL), 0x1300, SMM_MIGRATE_UNMOVABLE);
	set_block_mt(Z(0, SMM_ZONE_NORMAL), 0x1600, SMM_MIGRATE_HIGHATOMIC);

	s = strstr(show(smm_show_pagetypeinfo), "Node 0, zone    DMA32   ");
	ASSERT_STREQ("Node 0, zone    DMA32 " W12(0) W12(2) W12(0) W12(0) W12(0)
		     W12(0) "\n"
		     "Node 0, zone   Normal " W12(1) W12(1) W12(0) W12(1) W12(0)
		     W12(0) "\n", s);
}

TEST(pagetypeinfo_caps_long_lists)
{
	unsigned long pfn;
	const char *s;

	fresh(1);
	add_node(0, 0x100000, 0x20000);
	add_zone(0, SMM_ZONE_NORMAL, 0x100000, 0x20000);
	for (pfn = 0x100000; pfn < 0x100000 + 100001; pfn++)
		put_free(0, SMM_ZONE_NORMAL, pfn, 0, SMM_MIGRATE_MOVABLE);

	s = strstr(show(smm_show_pagetypeinfo), "type      Movable");
	ASSERT_TRUE(s);
	ASSERT_EQ(0, strncmp(s, "type      Movable >100000 " B0x10 "\n",
			     strlen("type      Movable >100000 " B0x10 "\n")));
	/* buddyinfo reads nr_free and is not capped */
	ASSERT_STREQ("Node 0, zone   Normal 100001 " B0x10 "\n",
		     show(smm_show_buddyinfo));
}

/* ---- zoneinfo ----------------------------------------------------------- */

#define ZI_PCP(cpu, count)			\
	"    cpu: " #cpu "\n"			\
	"              count: " #count "\n"	\
	"              high:  42\n"		\
	"              batch: 7\n"

TEST(zoneinfo_populated_zone)
{
	struct smm_zone *z;

	std_machine();
	z = Z(0, SMM_ZONE_NORMAL);
	z->_watermark[SMM_WMARK_MIN] = 10;
	z->_watermark[SMM_WMARK_LOW] = 12;
	z->_watermark[SMM_WMARK_HIGH] = 14;
	z->managed_pages = 4000;
	put_free(0, SMM_ZONE_NORMAL, N0 + 1024, 10, SMM_MIGRATE_MOVABLE);
	put_pcp(0, SMM_ZONE_NORMAL, 1, N0 + 5, 0, SMM_MIGRATE_MOVABLE);
	put_pcp(0, SMM_ZONE_NORMAL, 1, N0 + 8, 3, SMM_MIGRATE_MOVABLE);
	Z(0, SMM_ZONE_DMA)->lowmem_reserve[SMM_ZONE_NORMAL] = 3968;
	Z(0, SMM_ZONE_DMA)->lowmem_reserve[SMM_ZONE_MOVABLE] = 3968;

	ASSERT_STREQ("Node 0, zone      DMA\n"
		     "  pages free     0\n"
		     "        boost    0\n"
		     "        min      0\n"
		     "        low      0\n"
		     "        high     0\n"
		     "        spanned  0\n"
		     "        present  0\n"
		     "        managed  0\n"
		     "        cma      0\n"
		     "        protection: (0, 0, 3968, 3968)\n"
		     "Node 0, zone    DMA32\n"
		     "  pages free     0\n"
		     "        boost    0\n"
		     "        min      0\n"
		     "        low      0\n"
		     "        high     0\n"
		     "        spanned  0\n"
		     "        present  0\n"
		     "        managed  0\n"
		     "        cma      0\n"
		     "        protection: (0, 0, 0, 0)\n"
		     "Node 0, zone   Normal\n"
		     "  pages free     1024\n"
		     "        boost    0\n"
		     "        min      10\n"
		     "        low      12\n"
		     "        high     14\n"
		     "        spanned  4096\n"
		     "        present  4096\n"
		     "        managed  4000\n"
		     "        cma      0\n"
		     "        protection: (0, 0, 0, 0)\n"
		     "      nr_free_pages 1024\n"
		     "  pagesets\n"
		     ZI_PCP(0, 0)
		     ZI_PCP(1, 9)
		     "  node_unreclaimable:  0\n"
		     "  start_pfn:           4096\n"
		     "Node 0, zone  Movable\n"
		     "  pages free     0\n"
		     "        boost    0\n"
		     "        min      0\n"
		     "        low      0\n"
		     "        high     0\n"
		     "        spanned  0\n"
		     "        present  0\n"
		     "        managed  0\n"
		     "        cma      0\n"
		     "        protection: (0, 0, 0, 0)\n",
		     show(smm_show_zoneinfo));
}

/* min/low/high are *_wmark_pages(): the boost is added to each. */
TEST(zoneinfo_boost_raises_every_watermark)
{
	struct smm_zone *z;
	char *s, *e;

	std_machine();
	z = Z(0, SMM_ZONE_NORMAL);
	z->_watermark[SMM_WMARK_MIN] = 100;
	z->_watermark[SMM_WMARK_LOW] = 125;
	z->_watermark[SMM_WMARK_HIGH] = 150;
	z->watermark_boost = 7;
	z->lowmem_reserve[0] = -1;	/* printed with %ld */

	show(smm_show_zoneinfo);
	s = strstr(out.buf, "Node 0, zone   Normal\n");
	e = s ? strstr(s, "  pagesets\n") : NULL;
	ASSERT_TRUE(e);
	*e = '\0';
	ASSERT_STREQ("Node 0, zone   Normal\n"
		     "  pages free     0\n"
		     "        boost    7\n"
		     "        min      107\n"
		     "        low      132\n"
		     "        high     157\n"
		     "        spanned  4096\n"
		     "        present  4096\n"
		     "        managed  4096\n"
		     "        cma      0\n"
		     "        protection: (-1, 0, 0, 0)\n"
		     "      nr_free_pages 0\n", s);
}

TEST(zoneinfo_one_pageset_per_cpu)
{
	const char *s;

	fresh(3);
	add_node(0, N0, NR0);
	add_zone(0, SMM_ZONE_MOVABLE, N0, NR0);
	Z(0, SMM_ZONE_MOVABLE)->per_cpu_pageset[2].count = 5;
	Z(0, SMM_ZONE_MOVABLE)->per_cpu_pageset[2].high = 1000;

	s = strstr(show(smm_show_zoneinfo), "  pagesets\n");
	ASSERT_STREQ("  pagesets\n"
		     ZI_PCP(0, 0)
		     ZI_PCP(1, 0)
		     "    cpu: 2\n"
		     "              count: 5\n"
		     "              high:  1000\n"
		     "              batch: 7\n"
		     "  node_unreclaimable:  0\n"
		     "  start_pfn:           4096\n", s);
}

/* ---- extfrag formulas ---------------------------------------------------- */

static struct smm_contig_page_info info_of(unsigned long free_pages,
					   unsigned long total,
					   unsigned long suitable)
{
	struct smm_contig_page_info info = {
		.free_pages = free_pages,
		.free_blocks_total = total,
		.free_blocks_suitable = suitable,
	};

	return info;
}

TEST(fill_contig_page_info_counts)
{
	struct smm_contig_page_info info;
	struct smm_zone *z;

	std_machine();
	z = Z(0, SMM_ZONE_NORMAL);
	z->free_area[0].nr_free = 4;
	z->free_area[2].nr_free = 1;
	z->free_area[10].nr_free = 2;

	smm_fill_contig_page_info(z, 0, &info);
	ASSERT_EQ(4 + 4 + 2048, info.free_pages);
	ASSERT_EQ(7, info.free_blocks_total);
	ASSERT_EQ(4 + 4 + 2048, info.free_blocks_suitable);

	/* order 1: the order-2 block is 2 of them, an order-10 one 512 */
	smm_fill_contig_page_info(z, 1, &info);
	ASSERT_EQ(2056, info.free_pages);
	ASSERT_EQ(7, info.free_blocks_total);
	ASSERT_EQ(2 + 1024, info.free_blocks_suitable);

	smm_fill_contig_page_info(z, 3, &info);
	ASSERT_EQ(2 * 128, info.free_blocks_suitable);
}

TEST(fragmentation_index_by_hand)
{
	struct smm_contig_page_info info;

	/* no free memory: 0 (not a fragmentation problem) */
	info = info_of(0, 0, 0);
	ASSERT_EQ(0, smm_fragmentation_index(3, &info));
	/* a suitable block exists: the request would not fail */
	info = info_of(8, 1, 1);
	ASSERT_EQ(-1000, smm_fragmentation_index(3, &info));
	/* order 3 from 8 order-0 blocks: 1000 - (1000 + 1000) / 8 = 750 */
	info = info_of(8, 8, 0);
	ASSERT_EQ(750, smm_fragmentation_index(3, &info));
	/* from 4 order-1 blocks: 1000 - 2000 / 4 = 500 */
	info = info_of(8, 4, 0);
	ASSERT_EQ(500, smm_fragmentation_index(3, &info));
	/* from 2 order-2 blocks: 1000 - 2000 / 2 = 0, lack of memory */
	info = info_of(8, 2, 0);
	ASSERT_EQ(0, smm_fragmentation_index(3, &info));
	/* order 10 from 1000 order-0 pages: 1000 - (1000 + 976) / 1000 = 999 */
	info = info_of(1000, 1000, 0);
	ASSERT_EQ(999, smm_fragmentation_index(10, &info));
	/* one order-0 page for order 1: 1000 - (1000 + 500) / 1 = -500 */
	info = info_of(1, 1, 0);
	ASSERT_EQ(-500, smm_fragmentation_index(1, &info));
}

TEST(unusable_free_index_by_hand)
{
	struct smm_contig_page_info info;

	/* no free memory counts as all of it unusable */
	info = info_of(0, 0, 0);
	ASSERT_EQ(1000, smm_unusable_free_index(0, &info));
	/* 4 order-0 + 1 order-2 (8 pages): order 1 can use 4 of 8 */
	info = info_of(8, 5, 2);
	ASSERT_EQ(500, smm_unusable_free_index(1, &info));
	/* order 0 can use everything */
	info = info_of(8, 5, 8);
	ASSERT_EQ(0, smm_unusable_free_index(0, &info));
	/* 3 of 7 pages usable at order 0 after rounding: (7 - 3) * 1000 / 7 */
	info = info_of(7, 5, 3);
	ASSERT_EQ(571, smm_unusable_free_index(0, &info));
	/* nothing suitable: 1.000 */
	info = info_of(8, 5, 0);
	ASSERT_EQ(1000, smm_unusable_free_index(3, &info));
}

/* 4 order-0 blocks and 1 order-2 block: 8 free pages. */
static void frag_machine(void)
{
	std_machine();
	put_free(0, SMM_ZONE_NORMAL, N0 + 1, 0, SMM_MIGRATE_MOVABLE);
	put_free(0, SMM_ZONE_NORMAL, N0 + 3, 0, SMM_MIGRATE_MOVABLE);
	put_free(0, SMM_ZONE_NORMAL, N0 + 5, 0, SMM_MIGRATE_MOVABLE);
	put_free(0, SMM_ZONE_NORMAL, N0 + 7, 0, SMM_MIGRATE_MOVABLE);
	put_free(0, SMM_ZONE_NORMAL, N0 + 8, 2, SMM_MIGRATE_MOVABLE);
}

TEST(unusable_index_text)
{
	/*
	 * order 0: 0; 1: (8 - 2 * 2) / 8 = .500; 2: (8 - 4) / 8 = .500;
	 * 3 and up: nothing suitable, 1.000
	 */
	frag_machine();
	ASSERT_STREQ("Node 0, zone   Normal " U(0.000) U(0.500) U(0.500) U(1.000)
		     U(1.000) U(1.000) U(1.000) U(1.000) U(1.000) U(1.000)
		     U(1.000) "\n",
		     show(smm_show_unusable_index));
}

TEST(extfrag_index_text)
{
	/*
	 * orders 0-2: a suitable block exists, -1.000; order 3:
	 * 1000 - (1000 + 1000) / 5 = 600; order 4: 1000 - 1500 / 5 = 700;
	 * order 5: 1000 - 1250 / 5 = 750; 6: 1125 / 5 = 225 -> 775;
	 * 7: 1062 / 5 = 212 -> 788; 8: 1031 / 5 = 206 -> 794;
	 * 9: 1015 / 5 = 203 -> 797; 10: 1007 / 5 = 201 -> 799
	 */
	frag_machine();
	ASSERT_STREQ("Node 0, zone   Normal " XM1 XM1 XM1 X(600) X(700) X(750)
		     X(775) X(788) X(794) X(797) X(799) "\n",
		     show(smm_show_extfrag_index));
}

TEST(extfrag_empty_zone_and_the_kernels_negative_quirk)
{
	std_machine();
	/* nothing free: unusable 1.000 everywhere, fragmentation 0 */
	ASSERT_STREQ("Node 0, zone   Normal " U(1.000) U(1.000) U(1.000) U(1.000)
		     U(1.000) U(1.000) U(1.000) U(1.000) U(1.000) U(1.000)
		     U(1.000) "\n",
		     show(smm_show_unusable_index));
	ASSERT_STREQ("Node 0, zone   Normal " F0 F0 F0 F0 F0 F0 F0 F0 F0 F0 F0
		     "\n", show(smm_show_extfrag_index));

	/*
	 * One order-0 page: order 1 gives 1000 - 1500 = -500, which the
	 * kernel's "%2d.%03d" prints as " 0.-500"; order 4: 1000 - 1062 is
	 * " 0.-62", order 7: -7 is " 0.-07"; order 10: 1000 - 1000 = 0.
	 */
	put_free(0, SMM_ZONE_NORMAL, N0, 0, SMM_MIGRATE_MOVABLE);
	ASSERT_STREQ("Node 0, zone   Normal " XM1 X(-500) X(-250) X(-125) X(-62)
		     X(-31) X(-15) X(-07) X(-03) X(-01) X(000) "\n",
		     show(smm_show_extfrag_index));
}

/* ---- free_area ---------------------------------------------------------- */

TEST(free_area_one_record_per_list)
{
	char expected[16384];
	size_t len = 0;
	unsigned int order;
	int mt;

	fresh(1);
	add_node(0, 0x1000, 0x400);
	add_zone(0, SMM_ZONE_DMA32, 0x1000, 0x400);
	put_free(0, SMM_ZONE_DMA32, 0x1000, 0, SMM_MIGRATE_UNMOVABLE);
	put_free(0, SMM_ZONE_DMA32, 0x1001, 0, SMM_MIGRATE_UNMOVABLE);
	put_free(0, SMM_ZONE_DMA32, 0x1002, 0, SMM_MIGRATE_UNMOVABLE);
	put_free(0, SMM_ZONE_DMA32, 0x1008, 3, SMM_MIGRATE_HIGHATOMIC);
	put_free(0, SMM_ZONE_DMA32, 0x1200, 9, SMM_MIGRATE_MOVABLE);

	for (order = 0; order < SMM_MAX_ORDER; order++) {
		for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++) {
			unsigned long n = 0;

			if (order == 0 && mt == SMM_MIGRATE_UNMOVABLE)
				n = 3;
			if (order == 3 && mt == SMM_MIGRATE_HIGHATOMIC)
				n = 1;
			if (order == 9 && mt == SMM_MIGRATE_MOVABLE)
				n = 1;
			len += snprintf(expected + len, sizeof(expected) - len,
					"node 0 zone DMA32 order %u type %s nr_free %lu\n",
					order, smm_migratetype_names[mt], n);
		}
	}
	ASSERT_STREQ(expected, show(smm_show_free_area));
	ASSERT_EQ(SMM_MAX_ORDER * SMM_MIGRATE_TYPES, count_lines(out.buf));
	/* a few lines spelled out, so the loop above is not the only spec */
	ASSERT_TRUE(strstr(out.buf, "node 0 zone DMA32 order 0 type Unmovable nr_free 3\n"));
	ASSERT_TRUE(strstr(out.buf, "node 0 zone DMA32 order 3 type HighAtomic nr_free 1\n"));
	ASSERT_TRUE(strstr(out.buf, "node 0 zone DMA32 order 10 type Isolate nr_free 0\n"));
}

TEST(free_area_lengths_not_nr_free)
{
	std_machine();
	put_free(0, SMM_ZONE_NORMAL, N0, 0, SMM_MIGRATE_MOVABLE);
	/* a counter out of step with its list: free_area shows the list */
	Z(0, SMM_ZONE_NORMAL)->free_area[0].nr_free = 5;
	show(smm_show_free_area);
	ASSERT_TRUE(strstr(out.buf, "node 0 zone Normal order 0 type Movable nr_free 1\n"));
}

/* ---- histograms --------------------------------------------------------- */

TEST(rmqueue_hist_types_with_counts_summed_over_cpus)
{
	std_machine();
	m->events[0].rmqueue[SMM_MIGRATE_MOVABLE][0][0] = 5;
	m->events[1].rmqueue[SMM_MIGRATE_MOVABLE][0][0] = 2;
	m->events[1].rmqueue[SMM_MIGRATE_MOVABLE][0][5] = 3;
	m->events[0].rmqueue[SMM_MIGRATE_MOVABLE][10][10] = 1;
	m->events[0].pcp_hit[0] = 100;
	m->events[1].pcp_hit[3] = 1;

	ASSERT_STREQ("migratetype Movable\n"
		     "order\\current       " ORDER_COLS "\n"
		     "0                             7" C0 C0 C0 C0
		     "          3" C0 C0 C0 C0 C0 "\n"
		     "1                   " C0x11 "\n"
		     "2                   " C0x11 "\n"
		     "3                   " C0x11 "\n"
		     "4                   " C0x11 "\n"
		     "5                   " C0x11 "\n"
		     "6                   " C0x11 "\n"
		     "7                   " C0x11 "\n"
		     "8                   " C0x11 "\n"
		     "9                   " C0x11 "\n"
		     "10                  " C0 C0 C0 C0 C0 C0 C0 C0 C0 C0
		     "          1\n"
		     "pcp_hit\n"
		     "order               " ORDER_COLS "\n"
		     "count                       100" C0 C0 "          1"
		     C0 C0 C0 C0 C0 C0 C0 "\n",
		     show(smm_show_rmqueue_hist));
}

TEST(rmqueue_hist_no_events)
{
	std_machine();
	ASSERT_STREQ("pcp_hit\n"
		     "order               " ORDER_COLS "\n"
		     "count               " C0x11 "\n",
		     show(smm_show_rmqueue_hist));
}

TEST(rmqueue_hist_tables_in_migratetype_order)
{
	const char *unmov, *recl;

	std_machine();
	m->events[0].rmqueue[SMM_MIGRATE_RECLAIMABLE][1][2] = 1;
	m->events[0].rmqueue[SMM_MIGRATE_UNMOVABLE][0][4] = 1;
	show(smm_show_rmqueue_hist);
	unmov = strstr(out.buf, "migratetype Unmovable\n");
	recl = strstr(out.buf, "migratetype Reclaimable\n");
	ASSERT_TRUE(unmov && recl && unmov < recl);
	ASSERT_FALSE(strstr(out.buf, "migratetype Movable\n"));
	ASSERT_EQ(2 * 13 + 3, count_lines(out.buf));
}

TEST(fallback_hist_matrix)
{
	std_machine();
	m->events[0].fallback[SMM_MIGRATE_UNMOVABLE][SMM_MIGRATE_MOVABLE] = 12;
	m->events[1].fallback[SMM_MIGRATE_UNMOVABLE][SMM_MIGRATE_MOVABLE] = 1;
	m->events[0].fallback[SMM_MIGRATE_MOVABLE][SMM_MIGRATE_RECLAIMABLE] = 2;
	m->events[1].steal[SMM_MIGRATE_UNMOVABLE][SMM_MIGRATE_MOVABLE] = 3;

	ASSERT_STREQ("fallback\n"
		     "from\\to             " TYPE_COLS "\n"
		     "Unmovable           " T0 "           13" T0 T0 T0 T0 "\n"
		     "Movable             " T0 T0 "            2" T0 T0 T0 "\n"
		     "Reclaimable         " T0x6 "\n"
		     "HighAtomic          " T0x6 "\n"
		     "CMA                 " T0x6 "\n"
		     "Isolate             " T0x6 "\n"
		     "steal\n"
		     "from\\to             " TYPE_COLS "\n"
		     "Unmovable           " T0 "            3" T0 T0 T0 T0 "\n"
		     "Movable             " T0x6 "\n"
		     "Reclaimable         " T0x6 "\n"
		     "HighAtomic          " T0x6 "\n"
		     "CMA                 " T0x6 "\n"
		     "Isolate             " T0x6 "\n",
		     show(smm_show_fallback_hist));
}

TEST(alloc_hist_rows_per_populated_zone)
{
	fresh(2);
	add_node(0, 0x1000, 0x800);
	add_zone(0, SMM_ZONE_DMA32, 0x1000, 0x400);
	add_zone(0, SMM_ZONE_NORMAL, 0x1400, 0x400);
	add_node(1, 0x2000, 0x400);
	add_zone(1, SMM_ZONE_MOVABLE, 0x2000, 0x400);
	m->events[0].alloc_success[0][SMM_ZONE_DMA32][0] = 40;
	m->events[1].alloc_success[0][SMM_ZONE_DMA32][0] = 2;
	m->events[1].alloc_success[1][SMM_ZONE_MOVABLE][9] = 1;
	m->events[0].alloc_fail[10] = 3;

	ASSERT_STREQ("alloc_success\n"
		     "order               " ORDER_COLS "\n"
		     "node 0 zone DMA32            42" C0 C0 C0 C0 C0 C0 C0 C0
		     C0 C0 "\n"
		     "node 0 zone Normal  " C0x11 "\n"
		     "node 1 zone Movable " C0 C0 C0 C0 C0 C0 C0 C0 C0
		     "          1" C0 "\n"
		     "alloc_fail\n"
		     "order               " ORDER_COLS "\n"
		     "count               " C0 C0 C0 C0 C0 C0 C0 C0 C0 C0
		     "          3\n",
		     show(smm_show_alloc_hist));
}

/* ---- rmqueue_trace ------------------------------------------------------ */

/* The middle of every record below: node 0, ZONE_NORMAL. */
#define NZO	" nid 0 zone Normal order "

/*
 * Record the machine's next event on @cpu's part of the ring, the way
 * the allocator does.
 */
static void ring_push_cpu(unsigned int cpu, unsigned long pfn,
			  unsigned int order, unsigned int cur, int mt, bool pcp)
{
	struct smm_rmqueue_ring *r = &m->rmqueue_ring;
	struct smm_rmqueue_cpu_ring *cr = &r->cpus[cpu];
	struct smm_rmqueue_rec *rec = &cr->recs[cr->head++ % r->size];

	rec->seq = smm_atomic64_inc_return(&r->seq) - 1;
	rec->pfn = pfn;
	rec->nid = 0;
	rec->zone = SMM_ZONE_NORMAL;
	rec->order = order;
	rec->current_order = cur;
	rec->migratetype = mt;
	rec->pcp = pcp;
}

static void ring_push(unsigned long pfn, unsigned int order,
		      unsigned int cur, int mt, bool pcp)
{
	ring_push_cpu(0, pfn, order, cur, mt, pcp);
}

static void ring_init(unsigned int size)
{
	unsigned int cpu;

	m->rmqueue_ring.size = size;
	m->rmqueue_ring.cpus = calloc(m->nr_cpus,
				      sizeof(*m->rmqueue_ring.cpus));
	for (cpu = 0; cpu < m->nr_cpus; cpu++)
		m->rmqueue_ring.cpus[cpu].recs =
			calloc(size, sizeof(struct smm_rmqueue_rec));
}

/* a fresh ring of @size slots on CPU 0, records seq 0..2, pfn 0x1000.. */
static void ring_of_three(unsigned int size)
{
	unsigned int i;

	std_machine();
	ring_init(size);
	for (i = 0; i < 3; i++)
		ring_push(0x1000 + i, 0, 0, SMM_MIGRATE_MOVABLE, true);
}

TEST(rmqueue_trace_before_wrap)
{
	static const char expected[] =
		"seq 0 pfn 0x1000" NZO "0 current_order 3 migratetype Movable pcp 0\n"
		"seq 1 pfn 0x1001" NZO "0 current_order 0 migratetype Movable pcp 1\n"
		"seq 2 pfn 0x1200" NZO "9 current_order 10 migratetype Unmovable pcp 0\n";

	std_machine();
	ring_init(4);
	ring_push(0x1000, 0, 3, SMM_MIGRATE_MOVABLE, false);
	ring_push(0x1001, 0, 0, SMM_MIGRATE_MOVABLE, true);
	ring_push(0x1200, 9, 10, SMM_MIGRATE_UNMOVABLE, false);

	ASSERT_STREQ(expected, show(smm_show_rmqueue_trace));
}

TEST(rmqueue_trace_oldest_first_after_wrap)
{
	/* events 6..9 survive; 8 and 9 sit in recs[0] and recs[1] */
	static const char expected[] =
		"seq 6 pfn 0x1006" NZO "0 current_order 0 migratetype Reclaimable pcp 0\n"
		"seq 7 pfn 0x1007" NZO "0 current_order 1 migratetype Reclaimable pcp 1\n"
		"seq 8 pfn 0x1008" NZO "0 current_order 0 migratetype Reclaimable pcp 0\n"
		"seq 9 pfn 0x1009" NZO "0 current_order 1 migratetype Reclaimable pcp 1\n";
	unsigned int i;

	std_machine();
	ring_init(4);
	for (i = 0; i < 10; i++)
		ring_push(0x1000 + i, 0, i % 2, SMM_MIGRATE_RECLAIMABLE,
			  i % 2);

	ASSERT_STREQ(expected, show(smm_show_rmqueue_trace));
}

TEST(rmqueue_trace_merges_the_cpus)
{
	/*
	 * Events 0..9 on CPUs 0 0 1 0 1 1 1 0 0 1 (each CPU keeps its last
	 * 4): CPU 0 holds 1 3 7 8, CPU 1 holds 4 5 6 9. The machine's last
	 * 4 are 6..9, in seq order across both CPUs; 1, 3, 4, 5 are older.
	 */
	static const unsigned int on[10] = { 0, 0, 1, 0, 1, 1, 1, 0, 0, 1 };
	static const char expected[] =
		"seq 6 pfn 0x3006" NZO "0 current_order 0 migratetype Movable pcp 1\n"
		"seq 7 pfn 0x3007" NZO "0 current_order 0 migratetype Movable pcp 0\n"
		"seq 8 pfn 0x3008" NZO "0 current_order 0 migratetype Movable pcp 0\n"
		"seq 9 pfn 0x3009" NZO "0 current_order 0 migratetype Movable pcp 1\n";
	unsigned int i;

	std_machine();
	ASSERT_EQ(2, m->nr_cpus);
	ring_init(4);
	for (i = 0; i < 10; i++)
		ring_push_cpu(on[i], 0x3000 + i, 0, 0, SMM_MIGRATE_MOVABLE,
			      on[i]);
	ASSERT_EQ(5, m->rmqueue_ring.cpus[0].head);
	ASSERT_STREQ(expected, show(smm_show_rmqueue_trace));
}

TEST(rmqueue_trace_leaves_out_a_slot_being_written)
{
	/*
	 * The writer takes no lock: a slot whose seq says busy is halfway
	 * through a new record, so neither its old record nor the new one
	 * is shown, and the order of the rest is kept.
	 */
	static const char expected[] =
		"seq 0 pfn 0x1000" NZO "0 current_order 0 migratetype Movable pcp 1\n"
		"seq 2 pfn 0x1002" NZO "0 current_order 0 migratetype Movable pcp 1\n";

	ring_of_three(4);
	m->rmqueue_ring.cpus[0].recs[1].seq = SMM_RMQUEUE_BUSY;
	ASSERT_STREQ(expected, show(smm_show_rmqueue_trace));
}

/* a writer that comes between the reader's first seq read and its copy */
static unsigned int rmb_calls, rmb_write_at;

static void rmb_writer(void)
{
	if (++rmb_calls == rmb_write_at)
		ring_push(0x1003, 0, 0, SMM_MIGRATE_MOVABLE, true);
}

TEST(rmqueue_trace_drops_a_slot_rewritten_during_its_copy)
{
	/*
	 * Size 2, three records: slot 1 holds seq 1, slot 0 seq 2 (head 3).
	 * The reader's read barriers: 1 after the head, then two a slot;
	 * at the 2nd, between slot 1's first seq read and its copy, a
	 * writer puts seq 3 (pfn 0x1003) there. The copy holds seq 1 with
	 * seq 3's pfn: the second seq read must drop it.
	 */
	static const char expected[] =
		"seq 2 pfn 0x1002" NZO "0 current_order 0 migratetype Movable pcp 1\n";

	ring_of_three(2);
	rmb_calls = 0;
	rmb_write_at = 2;
	smm_urmb_hook = rmb_writer;
	ASSERT_STREQ(expected, show(smm_show_rmqueue_trace));
	smm_urmb_hook = NULL;
	/* the writer did come in the middle */
	ASSERT_EQ(4, m->rmqueue_ring.cpus[0].head);
	ASSERT_TRUE(rmb_calls >= 5);
	/* read again: seq 2 and 3 */
	show(smm_show_rmqueue_trace);
	ASSERT_EQ(2, count_lines(out.buf));
}

TEST(rmqueue_trace_exactly_full)
{
	unsigned int i;

	std_machine();
	ring_init(3);
	for (i = 0; i < 3; i++)
		ring_push(0x2000 + i, 1, 1, SMM_MIGRATE_MOVABLE, false);
	show(smm_show_rmqueue_trace);
	ASSERT_EQ(3, count_lines(out.buf));
	ASSERT_EQ(0, strncmp(out.buf, "seq 0 pfn 0x2000 ", 17));
}

TEST(rmqueue_trace_longer_than_one_copy_chunk)
{
	char line[160];
	unsigned int i;
	const char *p;

	std_machine();
	ring_init(200);
	for (i = 0; i < 1000; i++)
		ring_push(i, 0, 0, SMM_MIGRATE_MOVABLE, true);
	show(smm_show_rmqueue_trace);
	ASSERT_EQ(200, count_lines(out.buf));
	/* every line in order, 800 .. 999 */
	p = out.buf;
	for (i = 800; i < 1000; i++) {
		snprintf(line, sizeof(line),
			 "seq %u pfn 0x%x nid 0 zone Normal order 0 current_order 0 migratetype Movable pcp 1\n",
			 i, i);
		ASSERT_EQ(0, strncmp(p, line, strlen(line)));
		p += strlen(line);
	}
}

TEST(rmqueue_trace_off_prints_nothing)
{
	std_machine();
	ASSERT_STREQ("", show(smm_show_rmqueue_trace));
	ring_init(8);
	ASSERT_STREQ("", show(smm_show_rmqueue_trace));
}

/* ---- check -------------------------------------------------------------- */

/*
 * A consistent state: buddy blocks of several orders and types, pcp pages
 * on both CPUs, one reservation with managed to match.
 */
static void clean_machine(void)
{
	std_machine();
	put_free(0, SMM_ZONE_NORMAL, N0 + 1024, 10, SMM_MIGRATE_MOVABLE);
	put_free(0, SMM_ZONE_NORMAL, N0 + 2048, 10, SMM_MIGRATE_MOVABLE);
	put_free(0, SMM_ZONE_NORMAL, N0 + 512, 9, SMM_MIGRATE_MOVABLE);
	put_free(0, SMM_ZONE_NORMAL, N0 + 256, 8, SMM_MIGRATE_MOVABLE);
	put_free(0, SMM_ZONE_NORMAL, N0 + 16, 4, SMM_MIGRATE_MOVABLE);
	put_free(0, SMM_ZONE_NORMAL, N0 + 1, 0, SMM_MIGRATE_MOVABLE);
	put_pcp(0, SMM_ZONE_NORMAL, 0, N0 + 2, 0, SMM_MIGRATE_MOVABLE);
	put_pcp(0, SMM_ZONE_NORMAL, 0, N0 + 3, 0, SMM_MIGRATE_UNMOVABLE);
	put_pcp(0, SMM_ZONE_NORMAL, 1, N0 + 8, 3, SMM_MIGRATE_MOVABLE);
	put_pcp(0, SMM_ZONE_NORMAL, 1, N0 + 3072, 9, SMM_MIGRATE_MOVABLE);
	/* pfn N0 is reserved in memblock: one page less managed */
	smm_memblock_reserve(&m->memblock, PFN_PHYS(N0), 0x100);
	Z(0, SMM_ZONE_NORMAL)->managed_pages--;
	m->totalram_pages--;
}

TEST(check_clean_state_is_ok)
{
	clean_machine();
	ASSERT_EQ(0, check());
	ASSERT_STREQ("OK\n", out.buf);
}

TEST(check_empty_machine_is_ok)
{
	fresh(1);
	ASSERT_EQ(0, check());
	ASSERT_STREQ("OK\n", out.buf);
}

TEST(check_misaligned_block)
{
	static const char expected[] =
		"node 0 zone Normal order 3 type Movable pfn 0x1024: not aligned to its order 3\n"
		"FAILED: 1 violation\n";

	clean_machine();
	put_free(0, SMM_ZONE_NORMAL, N0 + 36, 3, SMM_MIGRATE_MOVABLE);

	ASSERT_EQ(1, check());
	ASSERT_STREQ(expected, out.buf);
}

TEST(check_overlapping_buddy_blocks)
{
	static const char expected[] =
		"node 0 zone Normal order 10 type Movable pfn 0x1400: overlaps another free block at pfn 0x1600\n"
		"FAILED: 1 violation\n";

	clean_machine();
	/* inside the order-10 block at N0 + 1024 */
	put_free(0, SMM_ZONE_NORMAL, N0 + 1536, 2, SMM_MIGRATE_UNMOVABLE);
	set_block_mt(Z(0, SMM_ZONE_NORMAL), N0 + 1536, SMM_MIGRATE_UNMOVABLE);

	ASSERT_EQ(1, check());
	ASSERT_STREQ(expected, out.buf);
}

TEST(check_pcp_page_overlapping_a_buddy_block)
{
	static const char expected[] =
		"node 0 zone Normal cpu 1 pcp list 1 order 0 pfn 0x1014: overlaps another free block at pfn 0x1014\n"
		"FAILED: 1 violation\n";

	clean_machine();
	put_pcp(0, SMM_ZONE_NORMAL, 1, N0 + 20, 0, SMM_MIGRATE_MOVABLE);

	ASSERT_EQ(1, check());
	ASSERT_STREQ(expected, out.buf);
}

TEST(check_wrong_order_in_private)
{
	static const char expected[] =
		"node 0 zone Normal order 4 type Movable pfn 0x1010: private 3, not the order\n"
		"FAILED: 1 violation\n";

	clean_machine();
	P(0, N0 + 16)->private = 3;

	ASSERT_EQ(1, check());
	ASSERT_STREQ(expected, out.buf);
}

TEST(check_nr_free_out_of_step)
{
	clean_machine();
	Z(0, SMM_ZONE_NORMAL)->free_area[4].nr_free = 2;

	/* nr_free_pages is checked against nr_free too: both disagree */
	ASSERT_EQ(2, check());
	ASSERT_STREQ("node 0 zone Normal order 4: nr_free 2, 1 blocks on its lists\n"
		     "node 0 zone Normal: nr_free_pages 2833, free_area holds 2849\n"
		     "FAILED: 2 violations\n", out.buf);
}

TEST(check_nr_free_pages_out_of_step)
{
	clean_machine();
	Z(0, SMM_ZONE_NORMAL)->nr_free_pages += 1;

	ASSERT_EQ(1, check());
	ASSERT_STREQ("node 0 zone Normal: nr_free_pages 2834, free_area holds 2833\n"
		     "FAILED: 1 violation\n", out.buf);
}

TEST(check_non_buddy_page_on_a_free_list)
{
	static const char expected[] =
		"node 0 zone Normal order 8 type Movable pfn 0x1100: not PageBuddy (flags 0x200)\n"
		"FAILED: 1 violation\n";

	clean_machine();
	P(0, N0 + 256)->flags &= ~BIT(SMM_PG_buddy);

	ASSERT_EQ(1, check());
	ASSERT_STREQ(expected, out.buf);
}

TEST(check_allocated_page_on_a_free_list)
{
	static const char expected[] =
		"node 0 zone Normal order 8 type Movable pfn 0x1100: PG_reserved on a free page\n"
		"node 0 zone Normal order 8 type Movable pfn 0x1100: PG_head (allocated) on a free page\n"
		"FAILED: 2 violations\n";

	clean_machine();
	P(0, N0 + 256)->flags |= BIT(SMM_PG_head) | BIT(SMM_PG_reserved);

	ASSERT_EQ(2, check());
	ASSERT_STREQ(expected, out.buf);
}

TEST(check_pcp_page_flags)
{
	static const char expected[] =
		"node 0 zone Normal cpu 0 pcp list 0 order 0 pfn 0x1003: also PageBuddy\n"
		"node 0 zone Normal cpu 0 pcp list 1 order 0 pfn 0x1002: not PG_pcp (flags 0x200)\n"
		"FAILED: 2 violations\n";

	clean_machine();
	/* the pcp page at N0 + 2 lost PG_pcp, the one at N0 + 3 is PageBuddy too */
	P(0, N0 + 2)->flags &= ~BIT(SMM_PG_pcp);
	P(0, N0 + 3)->flags |= BIT(SMM_PG_buddy);

	ASSERT_EQ(2, check());
	ASSERT_STREQ(expected, out.buf);
}

TEST(check_pcp_count_out_of_step)
{
	clean_machine();
	Z(0, SMM_ZONE_NORMAL)->per_cpu_pageset[1].count = 100;

	ASSERT_EQ(1, check());
	ASSERT_STREQ("node 0 zone Normal cpu 1: pcp count 100, 520 pages on its lists\n"
		     "FAILED: 1 violation\n", out.buf);
}

TEST(check_block_outside_its_zone)
{
	static const char expected[] =
		"node 0 zone Normal order 0 type Movable pfn 0x1000: block of 1 pages outside the zone [0x1400-0x1700)\n"
		"node 0 zone Normal order 0 type Movable pfn 0x1000: page flags say node 0 zone 1\n"
		"node 0 zone Normal order 10 type Movable pfn 0x1400: block of 1024 pages outside the zone [0x1400-0x1700)\n"
		"FAILED: 3 violations\n";

	fresh(1);
	add_node(0, 0x1000, 0x800);
	add_zone(0, SMM_ZONE_DMA32, 0x1000, 0x400);
	add_zone(0, SMM_ZONE_NORMAL, 0x1400, 0x400);
	/* a DMA32 page on Normal's list: outside the span, flags say DMA32 */
	put_free(0, SMM_ZONE_NORMAL, 0x1000, 0, SMM_MIGRATE_MOVABLE);
	/* an order-10 block that starts in Normal and runs past its end */
	put_free(0, SMM_ZONE_NORMAL, 0x1400, 10, SMM_MIGRATE_MOVABLE);
	Z(0, SMM_ZONE_NORMAL)->spanned_pages = 0x300;
	Z(0, SMM_ZONE_NORMAL)->present_pages = 0x300;
	Z(0, SMM_ZONE_NORMAL)->managed_pages = 0x300;
	m->totalram_pages = 0x700;
	smm_memblock_remove(&m->memblock, PFN_PHYS(0x1700), PFN_PHYS(0x100));

	ASSERT_EQ(3, check());
	ASSERT_STREQ(expected, out.buf);
}

TEST(check_managed_against_memblock_reserved)
{
	static const char expected[] =
		"node 0 zone Normal: managed 4095, present 4096 - 4 reserved in memblock = 4092\n"
		"FAILED: 1 violation\n";

	clean_machine();
	/* 3 more pages reserved in memblock, managed not lowered */
	smm_memblock_reserve(&m->memblock, PFN_PHYS(N0 + 4), PFN_PHYS(3));

	ASSERT_EQ(1, check());
	ASSERT_STREQ(expected, out.buf);
}

TEST(check_partly_reserved_page_is_not_managed)
{
	clean_machine();
	/* 16 bytes inside pfn N0 + 4: that page is not released either */
	smm_memblock_reserve(&m->memblock, PFN_PHYS(N0 + 4) + 0x800, 16);
	Z(0, SMM_ZONE_NORMAL)->managed_pages--;
	m->totalram_pages--;
	ASSERT_EQ(0, check());
}

TEST(check_present_against_memblock_memory)
{
	static const char expected[] =
		"node 0 zone Normal: present 5000, memblock.memory has 4096 pages in the span\n"
		"FAILED: 1 violation\n";

	clean_machine();
	Z(0, SMM_ZONE_NORMAL)->present_pages = 5000;

	ASSERT_EQ(1, check());
	ASSERT_STREQ(expected, out.buf);
}

TEST(check_totalram_pages)
{
	clean_machine();
	m->totalram_pages = 7;

	ASSERT_EQ(1, check());
	ASSERT_STREQ("totalram_pages 7, the zones manage 4095\n"
		     "FAILED: 1 violation\n", out.buf);
}

TEST(check_page_flags_name_another_zone)
{
	static const char expected[] =
		"node 0 zone Normal order 4 type Movable pfn 0x1010: page flags say node 1 zone 1\n"
		"FAILED: 1 violation\n";

	clean_machine();
	P(0, N0 + 16)->flags = BIT(SMM_PG_buddy) |
			       (1UL << SMM_PAGE_NODE_SHIFT) |
			       ((unsigned long)SMM_ZONE_DMA32 << SMM_PAGE_ZONE_SHIFT);

	ASSERT_EQ(1, check());
	ASSERT_STREQ(expected, out.buf);
}

TEST(check_list_entry_outside_the_memory_map)
{
	static const char expected[] =
		"node 0 zone Normal order 8 type Movable: entry 1 is not a page of the memory map\n"
		"FAILED: 1 violation\n";

	static struct smm_page stray;
	struct list_head *head;

	clean_machine();
	/* a stray page spliced in after the order-8 block */
	head = &Z(0, SMM_ZONE_NORMAL)->free_area[8].free_list[SMM_MIGRATE_MOVABLE];
	stray.lru.next = head;
	stray.lru.prev = head->next;
	head->next->next = &stray.lru;
	head->prev = &stray.lru;

	/* the walk stops there; nr_free said 1 and the list gave 1 */
	ASSERT_EQ(1, check());
	ASSERT_STREQ(expected, out.buf);
}

TEST(check_list_loop)
{
	static const char expected[] =
		"node 0 zone Normal order 0 type Movable: pfn 0x1001 is on a list twice (a loop?)\n"
		"FAILED: 1 violation\n";
	struct smm_page *a;

	clean_machine();
	/* the order-0 buddy page points back at itself */
	a = P(0, N0 + 1);
	a->lru.next = &a->lru;

	ASSERT_EQ(1, check());
	ASSERT_STREQ(expected, out.buf);
}

TEST(check_stops_printing_at_the_cap)
{
	unsigned long pfn;

	std_machine();
	/* 60 order-2 blocks at odd pfns 2 apart: 60 misaligned blocks */
	for (pfn = N0 + 1; pfn < N0 + 121; pfn += 2)
		put_free(0, SMM_ZONE_NORMAL, pfn, 2, SMM_MIGRATE_MOVABLE);
	/* ... each overlapping the one before: 59 more */
	ASSERT_EQ(60 + 59, check());
	ASSERT_EQ(SMM_CHECK_MAX_REPORTS + 1, count_lines(out.buf));
	ASSERT_TRUE(strstr(out.buf, "\nFAILED: 119 violations\n"));
}

TEST(check_foreign_pageblock_is_informational)
{
	static const char expected[] =
		"info: 1 of 7 free blocks are on the list of another migratetype than their pageblock's\n"
		"OK\n";

	clean_machine();
	/* an Unmovable free page in a Movable pageblock: normal after a fallback */
	put_free(0, SMM_ZONE_NORMAL, N0 + 5, 0, SMM_MIGRATE_UNMOVABLE);

	ASSERT_EQ(0, check());
	ASSERT_STREQ(expected, out.buf);
}

TEST(check_missing_pagesets)
{
	clean_machine();
	free(Z(0, SMM_ZONE_NORMAL)->per_cpu_pageset);
	Z(0, SMM_ZONE_NORMAL)->per_cpu_pageset = NULL;

	/* and the pcp pages' overlap bits never get set: just one line */
	ASSERT_EQ(1, check());
	ASSERT_STREQ("node 0 zone Normal: populated, but no per-cpu pagesets\n"
		     "FAILED: 1 violation\n", out.buf);
}

/* ---- the real pipeline -------------------------------------------------- */


static unsigned int nr_booted_zones;

static void no_log(void *ctx, const char *fmt, ...) __printf(2, 3);
static void no_log(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

/*
 * smm_boot() over node 0 = [1G, 1G + 32M) and node 1 = [2G, 2G + 32M),
 * the default reservations, two CPUs, a ring of @ring entries; the
 * fixture's machine is replaced (and torn down with smm_machine_teardown
 * by the next fresh()).
 */
static void boot_machine(enum smm_upto upto, unsigned int ring)
{
	int nid, zid;

	fresh(2);
	free(m->events);
	m->events = NULL;
	m->booted = false;
	m->region.backend = "test";
	m->region.nr_chunks = 2;
	for (nid = 0; nid < 2; nid++) {
		m->region.chunks[nid].start_pfn = PHYS_PFN((nid + 1) * SZ_1G);
		m->region.chunks[nid].nr_pages = PHYS_PFN(SZ_32M);
		m->region.chunks[nid].nid = nid;
	}
	m->cfg.firmware_size = 0x10000;
	m->cfg.kernel_size = 0x400000;
	m->cfg.initrd_size = 0x200000;
	m->cfg.upto = upto;
	m->cfg.rmqueue_trace_size = ring;
	pipeline = true;
	ASSERT_EQ(0, smm_boot(m, no_log, NULL));
	nr_booted_zones = 0;
	for (nid = 0; nid < 2; nid++)
		for (zid = 0; zid < SMM_MAX_NR_ZONES; zid++)
			nr_booted_zones += smm_populated_zone(Z(nid, zid));
}

/* Sum of every number on the lines of @text that start with @prefix. */
static unsigned long long sum_rows(const char *text, const char *prefix,
				   unsigned int skip_words)
{
	unsigned long long sum = 0;
	const char *line = text;

	while (*line) {
		const char *end = strchr(line, '\n');
		char buf[512], *tok, *save;
		size_t len = end ? (size_t)(end - line) : strlen(line);
		unsigned int w = 0;

		if (!strncmp(line, prefix, strlen(prefix)) && len < sizeof(buf)) {
			memcpy(buf, line, len);
			buf[len] = '\0';
			for (tok = strtok_r(buf, " ", &save); tok;
			     tok = strtok_r(NULL, " ", &save))
				if (w++ >= skip_words)
					sum += strtoull(tok, NULL, 10);
		}
		if (!end)
			break;
		line = end + 1;
	}
	return sum;
}

/* Lines of @text that start with @prefix. */
static unsigned int count_prefix(const char *text, const char *prefix)
{
	unsigned int n = 0;
	const char *line;

	for (line = text; *line; line++) {
		if (!strncmp(line, prefix, strlen(prefix)))
			n++;
		line = strchr(line, '\n');
		if (!line)
			break;
	}
	return n;
}

TEST(pipeline_boot_state_checks_ok)
{
	boot_machine(SMM_UPTO_BUDDY, 64);
	ASSERT_TRUE(nr_booted_zones >= 2);
	ASSERT_EQ(0, check());
	ASSERT_STREQ("OK\n", out.buf);

	/* one buddyinfo and extfrag line per populated zone */
	ASSERT_EQ(nr_booted_zones, count_lines(show(smm_show_buddyinfo)));
	ASSERT_EQ(nr_booted_zones, count_lines(show(smm_show_unusable_index)));
	ASSERT_EQ(nr_booted_zones, count_lines(show(smm_show_extfrag_index)));
	ASSERT_EQ(nr_booted_zones * SMM_MAX_ORDER * SMM_MIGRATE_TYPES,
		  count_lines(show(smm_show_free_area)));
	/* zoneinfo: every zone, pagesets for the populated ones */
	ASSERT_EQ(2 * SMM_MAX_NR_ZONES,
		  count_prefix(show(smm_show_zoneinfo), "Node "));
	ASSERT_EQ(nr_booted_zones, count_prefix(out.buf, "  pagesets\n"));
	ASSERT_EQ(nr_booted_zones * 2, count_prefix(out.buf, "    cpu: "));
	/* pagetypeinfo: the header once per node */
	ASSERT_EQ(2, count_prefix(show(smm_show_pagetypeinfo),
				  "Page block order: 9\n"));
}

/* free_area, buddyinfo and the zone counters tell one story. */
TEST(pipeline_free_area_buddyinfo_and_counters_agree)
{
	unsigned long blocks[2][SMM_MAX_NR_ZONES][SMM_MAX_ORDER] = { { { 0 } } };
	unsigned long nr, pages;
	char zname[16], type[16], line[256];
	const char *p;
	unsigned int order;
	int nid, zid, n;

	boot_machine(SMM_UPTO_BUDDY, 0);
	/* a few allocations so that pcp lists and split blocks exist */
	ASSERT_TRUE(smm_alloc_pages(m, SMM_GFP_KERNEL, 0, 0, NULL));
	ASSERT_TRUE(smm_alloc_pages(m, SMM_GFP_HIGHUSER_MOVABLE, 3, 1, NULL));
	ASSERT_TRUE(smm_alloc_pages(m, SMM_GFP_KERNEL, 5, 0, NULL));

	for (p = show(smm_show_free_area); *p; p = strchr(p, '\n') + 1) {
		n = sscanf(p, "node %d zone %15s order %u type %15s nr_free %lu",
			   &nid, zname, &order, type, &nr);
		ASSERT_EQ(5, n);
		for (zid = 0; strcmp(smm_zone_names[zid], zname); zid++)
			ASSERT_TRUE(zid < SMM_MAX_NR_ZONES - 1);
		blocks[nid][zid][order] += nr;
	}
	show(smm_show_buddyinfo);
	for (nid = 0; nid < 2; nid++) {
		for (zid = 0; zid < SMM_MAX_NR_ZONES; zid++) {
			struct smm_zone *z = Z(nid, zid);
			size_t len;

			if (!smm_populated_zone(z))
				continue;
			pages = 0;
			len = snprintf(line, sizeof(line), "Node %d, zone %8s ",
				       nid, smm_zone_names[zid]);
			for (order = 0; order < SMM_MAX_ORDER; order++) {
				ASSERT_EQ(z->free_area[order].nr_free,
					  blocks[nid][zid][order]);
				pages += blocks[nid][zid][order] << order;
				len += snprintf(line + len, sizeof(line) - len,
						"%6lu ", blocks[nid][zid][order]);
			}
			ASSERT_EQ(z->nr_free_pages, pages);
			ASSERT_TRUE(strstr(out.buf, line));
		}
	}
	ASSERT_EQ(0, check());
}

/* Every step of every populated zone's span is one pageblock counted. */
TEST(pipeline_pagetypeinfo_counts_every_pageblock)
{
	unsigned long long steps[2] = { 0, 0 };
	int nid, zid;

	boot_machine(SMM_UPTO_BUDDY, 0);
	for (nid = 0; nid < 2; nid++)
		for (zid = 0; zid < SMM_MAX_NR_ZONES; zid++)
			if (smm_populated_zone(Z(nid, zid)))
				steps[nid] += (Z(nid, zid)->spanned_pages +
					       SMM_PAGEBLOCK_NR_PAGES - 1) /
					      SMM_PAGEBLOCK_NR_PAGES;
	show(smm_show_pagetypeinfo);
	ASSERT_EQ(steps[0], sum_rows(out.buf, "Node 0, zone ", 4));
	ASSERT_EQ(steps[1], sum_rows(out.buf, "Node 1, zone ", 4));
	/* at boot every pageblock with memory is Movable: no Unmovable row */
	ASSERT_EQ(0, sum_rows(out.buf, "Node    0, zone      DMA, type    Unmovable", 6));
}

TEST(pipeline_histograms_count_allocations)
{
	struct smm_page *pages[40];
	unsigned int i, orders[40];
	const char *s;

	boot_machine(SMM_UPTO_BUDDY, 16);
	for (i = 0; i < 40; i++) {
		orders[i] = i % 5 == 4 ? SMM_PAGEBLOCK_ORDER : i % 4;
		pages[i] = smm_alloc_pages(m, i % 2 ? SMM_GFP_KERNEL :
					   SMM_GFP_HIGHUSER_MOVABLE,
					   orders[i], i % 2, NULL);
		ASSERT_TRUE(pages[i]);
	}
	show(smm_show_alloc_hist);
	ASSERT_EQ(40, sum_rows(out.buf, "node ", 4));
	ASSERT_EQ(0, sum_rows(out.buf, "count ", 1));

	/* all pageblocks were Movable: the first Unmovable request fell back */
	s = strstr(show(smm_show_fallback_hist), "\nUnmovable  ");
	ASSERT_TRUE(s);
	ASSERT_TRUE(sum_rows(s + 1, "Unmovable", 1) > 0);
	ASSERT_TRUE(strstr(show(smm_show_rmqueue_hist), "migratetype Movable\n"));

	ASSERT_EQ(0, check());
	for (i = 0; i < 40; i++)
		smm_free_pages(m, pages[i], orders[i]);
	ASSERT_EQ(0, check());
}

TEST(pipeline_alloc_hist_sums_are_the_successes)
{
	unsigned int i, ok = 0;

	boot_machine(SMM_UPTO_BUDDY, 0);
	for (i = 0; i < 100; i++)
		ok += smm_alloc_pages(m, SMM_GFP_HIGHUSER_MOVABLE, i % 11,
				      i % 2, NULL) != NULL;
	show(smm_show_alloc_hist);
	ASSERT_EQ(ok, sum_rows(out.buf, "node ", 4));
	ASSERT_EQ(100 - ok, sum_rows(out.buf, "count ", 1));
	ASSERT_EQ(0, check());
}

TEST(pipeline_rmqueue_trace_is_the_ring_oldest_first)
{
	unsigned long long seq, first;
	unsigned int i;
	const char *p;
	int n;

	boot_machine(SMM_UPTO_BUDDY, 16);
	for (i = 0; i < 30; i++)
		ASSERT_TRUE(smm_alloc_pages(m, SMM_GFP_KERNEL, i % 3, 0, NULL));
	ASSERT_TRUE(smm_atomic64_read(&m->rmqueue_ring.seq) > 16);

	show(smm_show_rmqueue_trace);
	ASSERT_EQ(16, count_lines(out.buf));
	first = smm_atomic64_read(&m->rmqueue_ring.seq) - 16;
	for (p = out.buf, i = 0; *p; p = strchr(p, '\n') + 1, i++) {
		n = sscanf(p, "seq %llu ", &seq);
		ASSERT_EQ(1, n);
		ASSERT_EQ(first + i, seq);
		ASSERT_TRUE(strstr(p, " nid 0 zone ") < strchr(p, '\n'));
	}
}

TEST(pipeline_check_finds_planted_corruption)
{
	struct smm_free_area *area = NULL;
	struct smm_page *page;
	char expect[160];
	int zid;

	boot_machine(SMM_UPTO_BUDDY, 0);
	for (zid = SMM_MAX_NR_ZONES - 1; zid >= 0; zid--) {
		area = &Z(0, zid)->free_area[SMM_MAX_ORDER - 1];
		if (smm_populated_zone(Z(0, zid)) &&
		    !list_empty(&area->free_list[SMM_MIGRATE_MOVABLE]))
			break;
	}
	ASSERT_TRUE(zid >= 0);
	page = list_first_entry(&area->free_list[SMM_MIGRATE_MOVABLE],
				struct smm_page, lru);

	page->private = 3;
	ASSERT_EQ(1, check());
	snprintf(expect, sizeof(expect),
		 "node 0 zone %s order 10 type Movable pfn 0x%lx: private 3, not the order\n"
		 "FAILED: 1 violation\n", smm_zone_names[zid],
		 smm_page_to_pfn(m, page));
	ASSERT_STREQ(expect, out.buf);
	page->private = SMM_MAX_ORDER - 1;

	area->nr_free++;
	ASSERT_EQ(2, check());
	area->nr_free--;
	ASSERT_EQ(0, check());
}

TEST(pipeline_upto_memmap_has_nothing_to_show)
{
	boot_machine(SMM_UPTO_MEMMAP, 16);
	ASSERT_STREQ("", show(smm_show_buddyinfo));
	ASSERT_STREQ("", show(smm_show_pagetypeinfo));
	ASSERT_STREQ("", show(smm_show_zoneinfo));
	ASSERT_STREQ("", show(smm_show_rmqueue_hist));
	ASSERT_STREQ("", show(smm_show_rmqueue_trace));
	ASSERT_EQ(0, check());
	ASSERT_STREQ("info: no buddy allocator (upto=memmap): nothing to check\n"
		     "OK\n", out.buf);
}
