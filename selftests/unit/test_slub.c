// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the slab layer (src/mm/slub.c): cache sizing for every
 * kmalloc size and for odd sizes and alignments, worked out by hand in
 * the comments from v6.1's calculate_sizes() / calculate_order(); the
 * bootstrap; object accounting under random alloc/free runs with the
 * check walk after every step; object contents; destroy with objects;
 * kmalloc_large; the trace events; ctl, slabinfo and the slab attributes.
 *
 * The machine: two nodes of 32M (test_page_alloc.c's reference machine)
 * with two shadow CPUs: slub_min_objects = 4 * (fls(2) + 1) = 12.
 */
#include <stdarg.h>

#include "harness.h"
#include "shadowmm/machine.h"
#include "shadowmm/ctl.h"
#include "shadowmm/views.h"
#include "shadowmm/slab.h"
#include "../../src/mm/internal.h"

#define N0		SZ_1G
#define N1		SZ_2G

static struct smm_machine *m;
static struct smm_capture slog;

static void fresh_slab_machine(unsigned int nr_cpus, phys_addr_t node_size)
{
	if (m)
		smm_machine_teardown(m);
	free(m);
	m = calloc(1, sizeof(*m));
	ASSERT_TRUE(m);
	m->region.backend = "test";
	m->cfg.firmware_size = SZ_64K;
	m->cfg.kernel_size = SZ_4M;
	m->cfg.initrd_size = SZ_2M;
	m->cfg.slab = true;
	smm_ucpu = 0;
	smm_unr_cpus = nr_cpus;
	smm_unode = 0;
	smm_test_add_chunk(m, N0, node_size, 0);
	smm_test_add_chunk(m, N1, node_size, 1);
	memset(&slog, 0, sizeof(slog));
	ASSERT_EQ(0, smm_boot(m, smm_capture_emit, &slog));
	memset(&smm_trace, 0, sizeof(smm_trace));
}

static void std_slab_machine(void)
{
	fresh_slab_machine(2, SZ_32M);
}

static struct smm_capture chk;

/* The whole check walk (buddy + slab) finds nothing. */
static bool check_ok(void)
{
	int v;

	memset(&chk, 0, sizeof(chk));
	v = smm_check(m, smm_capture_emit, &chk);
	if (v)
		printf("# check:\n%s", chk.buf);
	return v == 0;
}

#define ASSERT_CHECK()	ASSERT_TRUE(check_ok())

static struct smm_kmem_cache *KM(unsigned int idx)
{
	struct smm_kmem_cache *s = m->slab->kmalloc_caches[SMM_KMALLOC_NORMAL][idx];

	ASSERT_TRUE(s);
	return s;
}

/* ---- sizing --------------------------------------------------------------- */

/*
 * Every kmalloc cache on 2 CPUs, min_objects 12, slub_max_order 3.
 * kmalloc caches align powers of two to their size, 96 and 192 to 8.
 * order: the lowest from get_order(12 * size) up whose leftover is
 * <= 1/16 of the slab (all are 0 leftover or 64 bytes):
 *   8..256: 12 * size <= 4096 -> order 0, 4096 / size objects
 *     (96: 4096 - 42 * 96 = 64 <= 256; 192: 4096 - 21 * 192 = 64)
 *   512: 6144 -> order 1, 16;  1k: 12288 -> 2, 16;  2k: 24576 -> 3, 16
 *   4k: order_objects(3) = 8 < 12 -> min_objects 8 -> order 3, 8
 *   8k: 4 objects at order 3 -> min_objects 4 -> order 3, 4
 * min: get_order(size) -> 0 up to 4k, 1 for 8k (1 object).
 * min_partial = clamp(ilog2(size) / 2, 5, 10): 6 for 4k and 8k, else 5.
 * cpu_partial by size (120, 52 from 256, 24 from 1k, 6 from 4k) and
 * cpu_partial_slabs = DIV_ROUND_UP(2 * cpu_partial, objects).
 * offset = ALIGN_DOWN(size / 2, 8).
 */
static const struct {
	unsigned int idx, size, align, order, objs, min_order, min_objs;
	unsigned int min_partial, cpu_partial, cpu_partial_slabs, offset;
	const char *name;
} kmalloc_expect[] = {
	{ 3, 8, 8, 0, 512, 0, 512, 5, 120, 1, 0, "kmalloc-8" },
	{ 4, 16, 16, 0, 256, 0, 256, 5, 120, 1, 8, "kmalloc-16" },
	{ 5, 32, 32, 0, 128, 0, 128, 5, 120, 2, 16, "kmalloc-32" },
	{ 6, 64, 64, 0, 64, 0, 64, 5, 120, 4, 32, "kmalloc-64" },
	{ 1, 96, 8, 0, 42, 0, 42, 5, 120, 6, 48, "kmalloc-96" },
	{ 7, 128, 128, 0, 32, 0, 32, 5, 120, 8, 64, "kmalloc-128" },
	{ 2, 192, 8, 0, 21, 0, 21, 5, 120, 12, 96, "kmalloc-192" },
	{ 8, 256, 256, 0, 16, 0, 16, 5, 52, 7, 128, "kmalloc-256" },
	{ 9, 512, 512, 1, 16, 0, 8, 5, 52, 7, 256, "kmalloc-512" },
	{ 10, 1024, 1024, 2, 16, 0, 4, 5, 24, 3, 512, "kmalloc-1k" },
	{ 11, 2048, 2048, 3, 16, 0, 2, 5, 24, 3, 1024, "kmalloc-2k" },
	{ 12, 4096, 4096, 3, 8, 0, 1, 6, 6, 2, 2048, "kmalloc-4k" },
	{ 13, 8192, 8192, 3, 4, 1, 1, 6, 6, 3, 4096, "kmalloc-8k" },
};

TEST(slub_kmalloc_caches_sized_as_v6_1)
{
	unsigned int i;

	std_slab_machine();
	for (i = 0; i < ARRAY_SIZE(kmalloc_expect); i++) {
		struct smm_kmem_cache *s = KM(kmalloc_expect[i].idx);
		struct smm_kmem_cache *r =
			m->slab->kmalloc_caches[SMM_KMALLOC_RECLAIM][kmalloc_expect[i].idx];

		ASSERT_STREQ(kmalloc_expect[i].name, s->name);
		ASSERT_EQ(kmalloc_expect[i].size, s->object_size);
		ASSERT_EQ(kmalloc_expect[i].size, s->size);
		ASSERT_EQ(kmalloc_expect[i].align, s->align);
		ASSERT_EQ(kmalloc_expect[i].order, smm_oo_order(s->oo));
		ASSERT_EQ(kmalloc_expect[i].objs, smm_oo_objects(s->oo));
		ASSERT_EQ(kmalloc_expect[i].min_order, smm_oo_order(s->min));
		ASSERT_EQ(kmalloc_expect[i].min_objs, smm_oo_objects(s->min));
		ASSERT_EQ(kmalloc_expect[i].min_partial, s->min_partial);
		ASSERT_EQ(kmalloc_expect[i].cpu_partial, s->cpu_partial);
		ASSERT_EQ(kmalloc_expect[i].cpu_partial_slabs,
			  s->cpu_partial_slabs);
		ASSERT_EQ(kmalloc_expect[i].offset, s->offset);
		/* the reclaimable twin: same sizes, __GFP_RECLAIMABLE slabs */
		ASSERT_TRUE(r);
		ASSERT_TRUE(!strncmp(r->name, "kmalloc-rcl-", 12));
		ASSERT_STREQ(kmalloc_expect[i].name + 8, r->name + 12);
		ASSERT_EQ(s->size, r->size);
		ASSERT_EQ(s->oo.x, r->oo.x);
		ASSERT_EQ(SMM___GFP_RECLAIMABLE, r->allocflags);
		ASSERT_EQ(0, s->allocflags);
	}
}

/*
 * One CPU: min_objects = 4 * (fls(1) + 1) = 8. 512: 4096 -> order 0, 8;
 * 1k: 8192 -> 1, 8; 2k: 16384 -> 2, 8; 4k: 32768 -> 3, 8.
 * Four CPUs: 4 * (fls(4) + 1) = 16. 256: 4096 -> 0, 16; 512: 8192 ->
 * 1, 16; 1k: 16384 -> 2, 16; 2k: 32768 -> 3, 16.
 */
TEST(slub_order_follows_the_cpu_count)
{
	fresh_slab_machine(1, SZ_32M);
	ASSERT_EQ(8, m->slab->min_objects);
	ASSERT_EQ(0, smm_oo_order(KM(9)->oo));
	ASSERT_EQ(8, smm_oo_objects(KM(9)->oo));
	ASSERT_EQ(1, smm_oo_order(KM(10)->oo));
	ASSERT_EQ(2, smm_oo_order(KM(11)->oo));
	ASSERT_EQ(3, smm_oo_order(KM(12)->oo));
	fresh_slab_machine(4, SZ_32M);
	ASSERT_EQ(16, m->slab->min_objects);
	ASSERT_EQ(0, smm_oo_order(KM(8)->oo));
	ASSERT_EQ(1, smm_oo_order(KM(9)->oo));
	ASSERT_EQ(2, smm_oo_order(KM(10)->oo));
	ASSERT_EQ(3, smm_oo_order(KM(11)->oo));
	ASSERT_EQ(16, smm_oo_objects(KM(11)->oo));
}

/* kmem_cache_create() of odd sizes and alignments, 2 CPUs (min_objects 12) */
static const struct {
	unsigned int size, align, flags;
	unsigned int s_align, s_size, inuse, offset, order, objs;
	unsigned int min_order, min_objs;
} odd_expect[] = {
	/* 1: ALIGN(1, 8) = 8, align 8, offset ALIGN_DOWN(0, 8) = 0 */
	{ 1, 0, 0, 8, 8, 8, 0, 0, 512, 0, 512 },
	/* 100 hwcache: 100 > 32, align 64; ALIGN(104, 64) = 128, offset 48 */
	{ 100, 0, SMM_SLAB_HWCACHE_ALIGN, 64, 128, 104, 48, 0, 32, 0, 32 },
	/* 20 hwcache: 20 <= 32 but > 16: align 32; ALIGN(24, 32) = 32, off 8 */
	{ 20, 0, SMM_SLAB_HWCACHE_ALIGN, 32, 32, 24, 8, 0, 128, 0, 128 },
	/* 8 hwcache: 8 <= 8 (64/8): ralign 8; size 8 */
	{ 8, 0, SMM_SLAB_HWCACHE_ALIGN, 8, 8, 8, 0, 0, 512, 0, 512 },
	/*
	 * 700: size 704; get_order(12 * 704 = 8448) = 2, 16384 % 704 =
	 * 192 <= 1024: order 2, 23 objects; min order 0, 5 objects
	 */
	{ 700, 0, 0, 8, 704, 704, 344, 2, 23, 0, 5 },
	/*
	 * 3000: order_objects(3) = 10 -> min_objects 10; get_order(30000) =
	 * 3, leftover 2768 > 2048 (1/16) so order 4 > 3; 1/8: 2768 <= 4096
	 * -> order 3, 10 objects; min 0, 1
	 */
	{ 3000, 0, 0, 8, 3000, 3000, 1496, 3, 10, 0, 1 },
	/*
	 * 5000 align 256: size 5120; order_objects(3) = 6; get_order(30720)
	 * = 3, leftover 2048 <= 2048 -> order 3, 6; min get_order(5120) = 1,
	 * 8192 / 5120 = 1
	 */
	{ 5000, 256, 0, 256, 5120, 5000, 2496, 3, 6, 1, 1 },
	/*
	 * 40000: no object fits order 3: min_objects 0; calc_slab_order(1,
	 * max 3) gives get_order(40000) = 4 > 3; calc_slab_order(1, MAX_ORDER)
	 * gives 4, 65536 / 40000 = 1 object
	 */
	{ 40000, 0, 0, 8, 40000, 40000, 20000, 4, 1, 4, 1 },
	/* 24 align 16: ALIGN(24, 16) = 32, offset 8 */
	{ 24, 16, 0, 16, 32, 24, 8, 0, 128, 0, 128 },
	/* 4100 align 4096: size 8192: min_objects 4 -> order 3, 4; min 1, 1 */
	{ 4100, 4096, 0, 4096, 8192, 4104, 2048, 3, 4, 1, 1 },
};

TEST(slub_odd_sizes_and_alignments)
{
	unsigned int i;

	std_slab_machine();
	for (i = 0; i < ARRAY_SIZE(odd_expect); i++) {
		char name[16];
		struct smm_kmem_cache *s;

		snprintf(name, sizeof(name), "odd-%u", i);
		s = smm_kmem_cache_create(m, name, odd_expect[i].size,
					  odd_expect[i].align,
					  odd_expect[i].flags);
		ASSERT_TRUE(s);
		ASSERT_EQ(odd_expect[i].s_align, s->align);
		ASSERT_EQ(odd_expect[i].s_size, s->size);
		ASSERT_EQ(odd_expect[i].inuse, s->inuse);
		ASSERT_EQ(odd_expect[i].offset, s->offset);
		ASSERT_EQ(odd_expect[i].order, smm_oo_order(s->oo));
		ASSERT_EQ(odd_expect[i].objs, smm_oo_objects(s->oo));
		ASSERT_EQ(odd_expect[i].min_order, smm_oo_order(s->min));
		ASSERT_EQ(odd_expect[i].min_objs, smm_oo_objects(s->min));
		ASSERT_EQ(0, smm_kmem_cache_destroy(m, s));
	}
	ASSERT_CHECK();
}

/* kmalloc_index(): 1..8 -> 3, 65..96 -> 1, 129..192 -> 2, else fls(size - 1) */
TEST(slub_kmalloc_index)
{
	ASSERT_EQ(0, smm_kmalloc_index(0));
	ASSERT_EQ(3, smm_kmalloc_index(1));
	ASSERT_EQ(3, smm_kmalloc_index(8));
	ASSERT_EQ(4, smm_kmalloc_index(9));
	ASSERT_EQ(6, smm_kmalloc_index(64));
	ASSERT_EQ(1, smm_kmalloc_index(65));
	ASSERT_EQ(1, smm_kmalloc_index(96));
	ASSERT_EQ(7, smm_kmalloc_index(97));
	ASSERT_EQ(7, smm_kmalloc_index(128));
	ASSERT_EQ(2, smm_kmalloc_index(129));
	ASSERT_EQ(2, smm_kmalloc_index(192));
	ASSERT_EQ(8, smm_kmalloc_index(193));
	ASSERT_EQ(10, smm_kmalloc_index(1000));
	ASSERT_EQ(13, smm_kmalloc_index(8192));
	ASSERT_EQ(14, smm_kmalloc_index(8193));
	ASSERT_EQ(21, smm_kmalloc_index(2 * 1024 * 1024));
}

/* ---- bootstrap -------------------------------------------------------------- */

TEST(slub_bootstrap_moves_the_boot_caches_into_slab_objects)
{
	struct smm_kmem_cache *kc, *kcn, *s;
	struct smm_slab *slab;
	unsigned int n = 0;
	int i;

	std_slab_machine();
	kc = m->slab->kmem_cache;
	kcn = m->slab->kmem_cache_node;
	ASSERT_EQ(SMM_SLAB_FULL, m->slab->state);
	ASSERT_TRUE(smm_slab_is_available(m));
	/* no longer the static boot structures */
	ASSERT_TRUE(kc != &m->slab->boot_kmem_cache);
	ASSERT_TRUE(kcn != &m->slab->boot_kmem_cache_node);
	/* kmem_cache is an object of itself, kmem_cache_node one of it too */
	slab = smm_virt_to_slab(m, kc);
	ASSERT_TRUE(slab);
	ASSERT_PTR_EQ(kc, slab->slab_cache);
	slab = smm_virt_to_slab(m, kcn);
	ASSERT_TRUE(slab);
	ASSERT_PTR_EQ(kc, slab->slab_cache);
	/* every cache struct is a kmem_cache object, every node struct a kcn one */
	list_for_each_entry(s, &m->slab->caches, list) {
		slab = smm_virt_to_slab(m, s);
		ASSERT_TRUE(slab);
		ASSERT_PTR_EQ(kc, slab->slab_cache);
		for (i = 0; i < m->nr_nodes; i++) {
			void *node = s->node[m->node_ids[i]];

			ASSERT_TRUE(node);
			slab = smm_virt_to_slab(m, node);
			ASSERT_TRUE(slab);
			ASSERT_PTR_EQ(kcn, slab->slab_cache);
		}
		n++;
	}
	/* 2 boot caches + 13 kmalloc sizes x 2 types */
	ASSERT_EQ(28, n);
	ASSERT_STREQ("kmem_cache", kc->name);
	ASSERT_STREQ("kmem_cache_node", kcn->name);
	/* kmem_cache: node[] cut at nr_node_ids (2) */
	ASSERT_EQ(offsetof(struct smm_kmem_cache, node) + 2 * sizeof(void *),
		  kc->object_size);
	ASSERT_EQ(SMM_CACHE_LINE_SIZE, kc->align);
	ASSERT_CHECK();
}

TEST(slub_teardown_and_reboot)
{
	std_slab_machine();
	smm_machine_teardown(m);
	ASSERT_TRUE(!m->slab);
	ASSERT_EQ(0, smm_boot(m, smm_capture_emit, &slog));
	ASSERT_TRUE(smm_slab_is_available(m));
	ASSERT_CHECK();
}

/* ---- alloc / free ------------------------------------------------------------ */

TEST(slub_kmalloc_uses_the_right_cache)
{
	static const size_t sizes[] = { 1, 8, 9, 64, 65, 96, 100, 128, 129,
					192, 193, 1000, 4096, 8192 };
	unsigned int i;

	std_slab_machine();
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		void *p = smm_kmalloc(m, sizes[i], 0);
		struct smm_slab *slab = smm_virt_to_slab(m, p);

		ASSERT_TRUE(slab);
		ASSERT_PTR_EQ(KM(smm_kmalloc_index(sizes[i])),
			      slab->slab_cache);
		ASSERT_EQ(1, smm_trace.nr_kmalloc);
		ASSERT_EQ(sizes[i], smm_trace.kmalloc.bytes_req);
		ASSERT_EQ(slab->slab_cache->size, smm_trace.kmalloc.bytes_alloc);
		ASSERT_STREQ(slab->slab_cache->name, smm_trace.kmalloc.name);
		ASSERT_EQ((u64)smm_virt_to_phys(p), smm_trace.kmalloc.phys);
		smm_kfree(m, p);
		ASSERT_EQ(1, smm_trace.nr_kfree);
		memset(&smm_trace, 0, sizeof(smm_trace));
	}
	/* reclaimable requests go to kmalloc-rcl-* */
	{
		void *p = smm_kmalloc(m, 100, SMM___GFP_RECLAIMABLE);

		ASSERT_STREQ("kmalloc-rcl-128",
			     smm_virt_to_slab(m, p)->slab_cache->name);
		ASSERT_EQ(SMM_MIGRATE_RECLAIMABLE,
			  smm_get_pageblock_migratetype(m,
				PHYS_PFN(smm_virt_to_phys(p))));
		smm_kfree(m, p);
	}
	ASSERT_PTR_EQ((void *)16, smm_kmalloc(m, 0, 0));
	smm_kfree(m, (void *)16);
	ASSERT_CHECK();
}

/* Above 8k: pages straight from the buddy allocator, order get_order(size). */
TEST(slub_kmalloc_large)
{
	struct smm_page *page;
	void *p;

	std_slab_machine();
	p = smm_kmalloc_node(m, 8193, SMM___GFP_ZERO, 1);
	ASSERT_TRUE(p);
	ASSERT_TRUE(!smm_virt_to_slab(m, p));
	page = smm_pfn_to_page(m, PHYS_PFN(smm_virt_to_phys(p)));
	ASSERT_EQ(2, page->private);
	ASSERT_EQ(1, smm_page_nid(page));
	ASSERT_EQ(16384, smm_trace.kmalloc.bytes_alloc);
	ASSERT_STREQ("kmalloc_large", smm_trace.kmalloc.name);
	ASSERT_EQ(0, ((char *)p)[16383]);
	ASSERT_EQ(16384, smm_ksize(m, p));
	smm_kfree(m, p);
	ASSERT_FALSE(smm_test_page_flag(page, SMM_PG_head));
	/* beyond KMALLOC_MAX_SIZE: order 11 >= MAX_ORDER, fails */
	ASSERT_TRUE(!smm_kmalloc(m, SMM_KMALLOC_MAX_SIZE + 1, 0));
	ASSERT_CHECK();
}

/* The free list is threaded at s->offset through free objects, in order. */
TEST(slub_new_slab_freelist_in_address_order)
{
	struct smm_kmem_cache *s;
	char *a, *b, *c;

	std_slab_machine();
	s = smm_kmem_cache_create(m, "t", 100, 0, 0);
	ASSERT_TRUE(s);
	memset(&smm_trace, 0, sizeof(smm_trace));
	a = smm_kmem_cache_alloc(m, s, 0);
	ASSERT_EQ(1, smm_trace.nr_allocate_slab);
	ASSERT_STREQ("t", smm_trace.allocate_slab.name);
	ASSERT_EQ(0, smm_trace.allocate_slab.order);
	ASSERT_EQ(0, smm_trace.allocate_slab.got);
	/* 104 bytes: get_order(12 * 104 = 1248) = 0, 4096 / 104 = 39 */
	ASSERT_EQ(39, smm_trace.allocate_slab.objects);
	ASSERT_EQ(1, smm_trace.nr_kmem_cache_alloc);
	ASSERT_EQ(100, smm_trace.kmem_cache_alloc.bytes_req);
	ASSERT_EQ(104, smm_trace.kmem_cache_alloc.bytes_alloc);
	b = smm_kmem_cache_alloc(m, s, 0);
	c = smm_kmem_cache_alloc(m, s, 0);
	ASSERT_EQ(0, (uintptr_t)smm_virt_to_phys(a) % PAGE_SIZE);
	ASSERT_PTR_EQ(a + 104, b);
	ASSERT_PTR_EQ(b + 104, c);
	/* the cpu freelist's next object is stored at c + 104 + offset 48 */
	ASSERT_PTR_EQ(c + 208, *(void **)(c + 104 + 48));
	smm_kmem_cache_free(m, s, b);
	ASSERT_EQ(1, smm_trace.nr_kmem_cache_free);
	ASSERT_STREQ("t", smm_trace.kmem_cache_free.name);
	/* LIFO: b comes back first */
	ASSERT_PTR_EQ(b, smm_kmem_cache_alloc(m, s, 0));
	smm_kmem_cache_free(m, s, a);
	smm_kmem_cache_free(m, s, b);
	smm_kmem_cache_free(m, s, c);
	ASSERT_CHECK();
	ASSERT_EQ(0, smm_kmem_cache_destroy(m, s));
	ASSERT_CHECK();
}

/* __GFP_ZERO clears object_size bytes; memory comes back dirty otherwise. */
TEST(slub_zeroing)
{
	struct smm_kmem_cache *s;
	unsigned char *p;
	unsigned int i;

	std_slab_machine();
	s = smm_kmem_cache_create(m, "z", 200, 0, 0);
	p = smm_kmem_cache_alloc(m, s, 0);
	memset(p, 0xa5, 200);
	smm_kmem_cache_free(m, s, p);
	p = smm_kmem_cache_alloc(m, s, SMM___GFP_ZERO);
	for (i = 0; i < 200; i++)
		ASSERT_EQ(0, p[i]);
	smm_kmem_cache_free(m, s, p);
	p = smm_kzalloc(m, 50, 0);
	for (i = 0; i < 50; i++)
		ASSERT_EQ(0, p[i]);
	smm_kfree(m, p);
	ASSERT_EQ(0, smm_kmem_cache_destroy(m, s));
}

/*
 * Fill every object of several full slabs with its own pattern, then
 * check them all: no two objects share a byte, and the free pointers
 * (only in free objects) never hit an allocated one.
 */
TEST(slub_object_contents_do_not_overlap)
{
	static void *obj[600];
	struct smm_kmem_cache *s;
	unsigned int i, j, n = ARRAY_SIZE(obj);

	std_slab_machine();
	s = smm_kmem_cache_create(m, "pat", 72, 0, 0);
	for (i = 0; i < n; i++) {
		obj[i] = smm_kmem_cache_alloc_node(m, s, 0, i % 2);
		ASSERT_TRUE(obj[i]);
		memset(obj[i], (int)(i & 0xff), 72);
		ASSERT_EQ(i % 2, smm_page_nid((struct smm_page *)
					      smm_virt_to_slab(m, obj[i])));
	}
	/* free every third: their free pointers must not reach the others */
	for (i = 0; i < n; i += 3)
		smm_kmem_cache_free(m, s, obj[i]);
	for (i = 0; i < n; i++) {
		if (i % 3 == 0)
			continue;
		for (j = 0; j < 72; j++)
			ASSERT_EQ(i & 0xff, ((unsigned char *)obj[i])[j]);
	}
	ASSERT_CHECK();
	for (i = 0; i < n; i++)
		if (i % 3)
			smm_kmem_cache_free(m, s, obj[i]);
	ASSERT_CHECK();
	ASSERT_EQ(0, smm_kmem_cache_destroy(m, s));
}

/* A small xorshift so that runs repeat. */
static u64 rnd_state;

static u64 rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

struct held {
	void *p;
	struct smm_kmem_cache *s;	/* NULL: kmalloc */
	size_t size;
	u8 pat;
};

/*
 * Property run: random kmem_cache_alloc/kmalloc/free on two CPUs and
 * random nodes, the whole check walk after every step, every live
 * object's contents checked at the end of each step group. Objects
 * never overlap; counts (slabinfo active objects) add up.
 */
TEST(slub_property_random_alloc_free)
{
	static struct held h[800];
	struct smm_kmem_cache *caches[3];
	unsigned int nr = 0, step, i;

	std_slab_machine();
	caches[0] = smm_kmem_cache_create(m, "p24", 24, 0, 0);
	caches[1] = smm_kmem_cache_create(m, "p700", 700, 0, SMM_SLAB_HWCACHE_ALIGN);
	caches[2] = smm_kmem_cache_create(m, "p3000", 3000, 0, 0);
	rnd_state = 0x2545f4914f6cdd1dULL;
	for (step = 0; step < 3000; step++) {
		smm_ucpu = rnd() % 2;
		if (nr < ARRAY_SIZE(h) && (nr == 0 || rnd() % 100 < 55)) {
			struct held *x = &h[nr];
			int nid = (int)(rnd() % 3) - 1;

			if (rnd() % 2) {
				x->s = caches[rnd() % 3];
				x->size = x->s->object_size;
				x->p = smm_kmem_cache_alloc_node(m, x->s, 0, nid);
			} else {
				x->s = NULL;
				x->size = 1 + rnd() % 9000;
				x->p = smm_kmalloc_node(m, x->size, 0, nid);
			}
			ASSERT_TRUE(x->p);
			x->pat = (u8)rnd();
			memset(x->p, x->pat, x->size);
			nr++;
		} else {
			unsigned int k = rnd() % nr;

			for (i = 0; i < h[k].size; i++)
				ASSERT_EQ(h[k].pat, ((u8 *)h[k].p)[i]);
			if (h[k].s)
				smm_kmem_cache_free(m, h[k].s, h[k].p);
			else
				smm_kfree(m, h[k].p);
			h[k] = h[--nr];
		}
		if (step % 10 == 0 || step < 200)
			ASSERT_CHECK();
	}
	for (i = 0; i < nr; i++) {
		unsigned int j;

		for (j = 0; j < h[i].size; j++)
			ASSERT_EQ(h[i].pat, ((u8 *)h[i].p)[j]);
	}
	/* a cache with objects cannot go */
	for (i = 0; i < 3; i++) {
		unsigned long want = 0;
		unsigned int k;

		for (k = 0; k < nr; k++)
			want += h[k].s == caches[i];
		if (want)
			ASSERT_EQ(-EBUSY, smm_kmem_cache_destroy(m, caches[i]));
	}
	while (nr) {
		nr--;
		if (h[nr].s)
			smm_kmem_cache_free(m, h[nr].s, h[nr].p);
		else
			smm_kfree(m, h[nr].p);
	}
	ASSERT_CHECK();
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, smm_kmem_cache_destroy(m, caches[i]));
	ASSERT_CHECK();
}

/* Two threads, two CPUs, one cache: nothing lost, nothing shared. */
struct thr_arg {
	int cpu;
	struct smm_kmem_cache *s;
	int bad;
};

static void *slab_thread(void *arg)
{
	struct thr_arg *a = arg;
	void *p[64];
	unsigned int r, i, j;

	smm_ucpu = a->cpu;
	for (r = 0; r < 300; r++) {
		for (i = 0; i < 64; i++) {
			p[i] = smm_kmem_cache_alloc(m, a->s, 0);
			if (!p[i]) {
				a->bad++;
				return NULL;
			}
			memset(p[i], a->cpu + 1 + (int)i, 128);
		}
		for (i = 0; i < 64; i++) {
			for (j = 0; j < 128; j++)
				if (((u8 *)p[i])[j] != (u8)(a->cpu + 1 + i))
					a->bad++;
			/* every other object freed by the other CPU's slot */
			smm_ucpu = (i % 2) ? !a->cpu : a->cpu;
			smm_kmem_cache_free(m, a->s, p[i]);
			smm_ucpu = a->cpu;
		}
	}
	return NULL;
}

TEST(slub_two_cpus_at_once)
{
	struct thr_arg a[2];
	pthread_t t[2];
	struct smm_kmem_cache *s;
	int i;

	std_slab_machine();
	s = smm_kmem_cache_create(m, "mt", 128, 0, 0);
	for (i = 0; i < 2; i++) {
		a[i].cpu = i;
		a[i].s = s;
		a[i].bad = 0;
		ASSERT_EQ(0, pthread_create(&t[i], NULL, slab_thread, &a[i]));
	}
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	ASSERT_EQ(0, a[0].bad);
	ASSERT_EQ(0, a[1].bad);
	ASSERT_CHECK();
	ASSERT_EQ(0, smm_kmem_cache_destroy(m, s));
}

/* ---- destroy ------------------------------------------------------------------ */

/* free pages of both nodes' Normal zones, the pcp lists drained first */
static unsigned long normal_free_pages(void)
{
	smm_drain_all_pages(m);
	return m->node_data[0].node_zones[SMM_ZONE_NORMAL].nr_free_pages +
	       m->node_data[1].node_zones[SMM_ZONE_NORMAL].nr_free_pages;
}

TEST(slub_destroy_with_objects_changes_nothing)
{
	struct smm_capture before, after;
	struct smm_kmem_cache *s;
	unsigned long free_before;
	void *p[50];
	int i;

	std_slab_machine();
	free_before = normal_free_pages();
	s = smm_kmem_cache_create(m, "busy", 300, 0, 0);
	for (i = 0; i < 50; i++)
		p[i] = smm_kmem_cache_alloc(m, s, 0);
	for (i = 0; i < 49; i++)
		smm_kmem_cache_free(m, s, p[i]);
	memset(&before, 0, sizeof(before));
	memset(&after, 0, sizeof(after));
	smm_show_slabinfo(m, smm_capture_emit, &before);
	ASSERT_EQ(-EBUSY, smm_kmem_cache_destroy(m, s));
	smm_show_slabinfo(m, smm_capture_emit, &after);
	ASSERT_STREQ(before.buf, after.buf);
	ASSERT_PTR_EQ(s, smm_find_cache(m, "busy"));
	ASSERT_CHECK();
	smm_kmem_cache_free(m, s, p[49]);
	ASSERT_EQ(0, smm_kmem_cache_destroy(m, s));
	ASSERT_TRUE(!smm_find_cache(m, "busy"));
	ASSERT_CHECK();
	/* every slab page went back (the cache struct itself is a kmem_cache object) */
	ASSERT_EQ(free_before, normal_free_pages());
}

/* ---- kmem_cache_shrink ------------------------------------------------------ */

/*
 * A cache of 256-byte objects: 16 to an order-0 slab. 8 slabs filled
 * on CPU 0 (node 0), then freed down to 0, 1, 13, 15, 16 (full), 0, 8
 * and 0 objects in use. Frees park slabs on CPU 0's partial list and
 * keep up to min_partial (5) empty ones on the node: before the shrink
 * some empty slab is still held. After it: no empty slab anywhere, the
 * 5 slabs in use left, the 4 partial ones on node 0's list fullest
 * first (1, 3, 8, 15 free objects), and 1 returned (slabs remain).
 * Once every object is freed a second shrink returns 0 and every page
 * is back in the buddy.
 */
TEST(slub_shrink_frees_empty_slabs_fullest_first)
{
	static const unsigned int keep[8] = { 0, 1, 13, 15, 16, 0, 8, 0 };
	static const unsigned int want_free[4] = { 1, 3, 8, 15 };
	struct smm_kmem_cache_node *n;
	struct smm_slabinfo si;
	struct smm_kmem_cache *s;
	struct smm_slab *slab;
	unsigned long free_before;
	void *p[8][16];
	int i, j;

	std_slab_machine();
	s = smm_kmem_cache_create(m, "shr", 256, 0, 0);
	ASSERT_TRUE(s);
	ASSERT_EQ(16, smm_oo_objects(s->oo));
	free_before = normal_free_pages();
	for (i = 0; i < 8; i++)
		for (j = 0; j < 16; j++)
			p[i][j] = smm_kmem_cache_alloc(m, s, 0);
	/* each row is one slab */
	for (i = 0; i < 8; i++)
		for (j = 1; j < 16; j++)
			ASSERT_PTR_EQ(smm_virt_to_slab(m, p[i][0]),
				      smm_virt_to_slab(m, p[i][j]));
	for (i = 0; i < 8; i++)
		for (j = keep[i]; j < 16; j++)
			smm_kmem_cache_free(m, s, p[i][j]);
	smm_get_slabinfo(m, s, &si);
	ASSERT_TRUE(si.num_slabs > 5);
	ASSERT_CHECK();

	ASSERT_EQ(1, smm_kmem_cache_shrink(m, s));
	ASSERT_CHECK();
	smm_get_slabinfo(m, s, &si);
	ASSERT_EQ(5, si.num_slabs);
	ASSERT_EQ(1 + 13 + 15 + 16 + 8, si.active_objs);
	ASSERT_TRUE(!s->cpu_slab[0].slab && !s->cpu_slab[0].partial);
	n = s->node[0];
	ASSERT_EQ(4, n->nr_partial);
	ASSERT_EQ(0, s->node[1]->nr_partial);
	i = 0;
	list_for_each_entry(slab, &n->partial, slab_list) {
		ASSERT_TRUE(i < 4);
		ASSERT_EQ(want_free[i], slab->objects - slab->inuse);
		i++;
	}
	ASSERT_EQ(4, i);
	/* a second shrink changes nothing */
	ASSERT_EQ(1, smm_kmem_cache_shrink(m, s));
	smm_get_slabinfo(m, s, &si);
	ASSERT_EQ(5, si.num_slabs);
	ASSERT_EQ(4, n->nr_partial);

	for (i = 0; i < 8; i++)
		for (j = 0; j < (int)keep[i]; j++)
			smm_kmem_cache_free(m, s, p[i][j]);
	ASSERT_EQ(0, smm_kmem_cache_shrink(m, s));
	smm_get_slabinfo(m, s, &si);
	ASSERT_EQ(0, si.num_slabs);
	ASSERT_EQ(0, n->nr_partial);
	ASSERT_CHECK();
	ASSERT_EQ(free_before, normal_free_pages());
	ASSERT_EQ(0, smm_kmem_cache_destroy(m, s));
}

/*
 * More than 32 free objects: such slabs are not promoted and keep their
 * order behind the promoted ones. 64-byte objects, 64 to a slab: three
 * slabs kept at 40, 10 and 63 in use (24, 54 and 1 free) -> the list
 * reads 1 free first, then 24 and 54 in the order the frees left them.
 */
TEST(slub_shrink_leaves_emptier_slabs_in_order)
{
	static const unsigned int keep[3] = { 40, 10, 63 };
	struct smm_kmem_cache_node *n;
	struct smm_kmem_cache *s;
	struct smm_slab *slab, *order_before[3];
	unsigned int free_seen[3];
	void *p[3][64];
	int i, j, k;

	std_slab_machine();
	s = smm_kmem_cache_create(m, "shr64", 64, 0, 0);
	ASSERT_TRUE(s);
	ASSERT_EQ(64, smm_oo_objects(s->oo));
	for (i = 0; i < 3; i++)
		for (j = 0; j < 64; j++)
			p[i][j] = smm_kmem_cache_alloc(m, s, 0);
	for (i = 0; i < 3; i++)
		for (j = keep[i]; j < 64; j++)
			smm_kmem_cache_free(m, s, p[i][j]);
	ASSERT_EQ(1, smm_kmem_cache_shrink(m, s));
	ASSERT_CHECK();
	n = s->node[0];
	ASSERT_EQ(3, n->nr_partial);
	i = 0;
	list_for_each_entry(slab, &n->partial, slab_list) {
		ASSERT_TRUE(i < 3);
		order_before[i] = slab;
		free_seen[i++] = slab->objects - slab->inuse;
	}
	ASSERT_EQ(1, free_seen[0]);
	ASSERT_EQ(smm_virt_to_slab(m, p[2][0]), order_before[0]);
	/* the two unpromoted ones in their pre-shrink order, whatever it was */
	ASSERT_TRUE((free_seen[1] == 24 && free_seen[2] == 54) ||
		    (free_seen[1] == 54 && free_seen[2] == 24));
	/* shrinking again keeps that order exactly */
	ASSERT_EQ(1, smm_kmem_cache_shrink(m, s));
	k = 0;
	list_for_each_entry(slab, &n->partial, slab_list)
		ASSERT_PTR_EQ(order_before[k++], slab);
	for (i = 0; i < 3; i++)
		for (j = 0; j < (int)keep[i]; j++)
			smm_kmem_cache_free(m, s, p[i][j]);
	ASSERT_EQ(0, smm_kmem_cache_shrink(m, s));
	ASSERT_EQ(0, smm_kmem_cache_destroy(m, s));
	ASSERT_CHECK();
}

TEST(slub_create_rejects_bad_arguments)
{
	std_slab_machine();
	ASSERT_TRUE(!smm_kmem_cache_create(m, "x", 0, 0, 0));
	ASSERT_TRUE(!smm_kmem_cache_create(m, "x", SMM_KMALLOC_MAX_SIZE + 1, 0, 0));
	ASSERT_TRUE(!smm_kmem_cache_create(m, "x", 64, 24, 0));
	ASSERT_TRUE(!smm_kmem_cache_create(m, "x", 64, 0, 0x1));
	ASSERT_TRUE(!smm_kmem_cache_create(m, "", 64, 0, 0));
	ASSERT_CHECK();
}

/* ---- fallback to s->min -------------------------------------------------------- */

/*
 * With no block of order >= 3 left anywhere, a kmalloc-2k slab (oo order
 * 3, 16 objects) falls back to s->min: order 0, 2 objects; counted as
 * order_fallback and traced with got=0.
 */
TEST(slub_allocate_slab_falls_back_to_min)
{
	static struct smm_page *blocks[4096];
	unsigned int nr = 0, i;
	unsigned long stat[SMM_NR_SLUB_STAT_ITEMS];
	void *p;

	std_slab_machine();
	while (nr < ARRAY_SIZE(blocks) &&
	       (blocks[nr] = smm_alloc_pages(m, 0, 3, 0, NULL)))
		nr++;
	while (nr < ARRAY_SIZE(blocks) &&
	       (blocks[nr] = smm_alloc_pages(m, 0, 3, 1, NULL)))
		nr++;
	ASSERT_TRUE(nr > 0);
	memset(&smm_trace, 0, sizeof(smm_trace));
	p = smm_kmalloc(m, 2048, 0);
	if (p && smm_trace.nr_allocate_slab) {
		ASSERT_EQ(3, smm_trace.allocate_slab.order);
		ASSERT_EQ(0, smm_trace.allocate_slab.got);
		ASSERT_EQ(2, smm_trace.allocate_slab.objects);
		smm_slab_stats(m, KM(11), stat);
		ASSERT_EQ(1, stat[SMM_ORDER_FALLBACK]);
		ASSERT_EQ(0, smm_slab_order(KM(11), smm_virt_to_slab(m, p)));
	} else {
		/* the order-0 request may fail too once memory is gone */
		ASSERT_TRUE(p || !smm_trace.nr_allocate_slab);
	}
	ASSERT_CHECK();
	smm_kfree(m, p);
	for (i = 0; i < nr; i++)
		smm_free_pages(m, blocks[i], 3);
	ASSERT_CHECK();
}

/* ---- views --------------------------------------------------------------------- */

TEST(slub_slabinfo_format)
{
	struct smm_capture c;
	char *line;
	void *p;

	std_slab_machine();
	p = smm_kmalloc(m, 64, 0);
	memset(&c, 0, sizeof(c));
	smm_show_slabinfo(m, smm_capture_emit, &c);
	ASSERT_TRUE(!strncmp(c.buf, "slabinfo - version: 2.1\n# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n", 204));
	line = strstr(c.buf, "\nkmalloc-64 ");
	ASSERT_TRUE(line);
	/* one cpu slab of 64: all 64 count as active (cpu freelists are) */
	ASSERT_TRUE(!strncmp(line + 1,
			     "kmalloc-64            64     64     64   64    1 : tunables    0    0    0 : slabdata      1      1      0\n",
			     107));
	/* the last cache listed is the first created */
	line = strstr(c.buf, "\nkmem_cache ");
	ASSERT_TRUE(line);
	ASSERT_TRUE(!strchr(line + 1, '\n')[1]);
	smm_kfree(m, p);
}

static const char *attr(const char *cache, const char *name)
{
	static struct smm_capture c;

	memset(&c, 0, sizeof(c));
	if (smm_show_slab_attr(m, cache, name, smm_capture_emit, &c))
		return "ENOENT";
	return c.buf;
}

TEST(slub_sysfs_attributes)
{
	void *p, *q;

	std_slab_machine();
	ASSERT_STREQ("3\n", attr("kmalloc-2k", "order"));
	ASSERT_STREQ("16\n", attr("kmalloc-2k", "objs_per_slab"));
	ASSERT_STREQ("2048\n", attr("kmalloc-2k", "object_size"));
	ASSERT_STREQ("2048\n", attr("kmalloc-2k", "slab_size"));
	ASSERT_STREQ("2048\n", attr("kmalloc-2k", "align"));
	ASSERT_STREQ("5\n", attr("kmalloc-2k", "min_partial"));
	ASSERT_STREQ("24\n", attr("kmalloc-2k", "cpu_partial"));
	ASSERT_STREQ("0\n", attr("kmalloc-2k", "reclaim_account"));
	ASSERT_STREQ("1\n", attr("kmalloc-rcl-2k", "reclaim_account"));
	ASSERT_STREQ("0\n", attr("kmalloc-2k", "slabs"));
	p = smm_kmalloc_node(m, 2048, 0, 0);
	q = smm_kmalloc_node(m, 2048, 0, 1);
	/* the node-1 request deactivated the node-0 slab onto node 0's partial */
	ASSERT_STREQ("2 N0=1 N1=1\n", attr("kmalloc-2k", "slabs"));
	ASSERT_STREQ("32 N0=16 N1=16\n", attr("kmalloc-2k", "total_objects"));
	ASSERT_STREQ("1 N0=1\n", attr("kmalloc-2k", "partial"));
	ASSERT_STREQ("1 N0=1\n", attr("kmalloc-2k", "objects_partial"));
	ASSERT_STREQ("17 N0=1 N1=16\n", attr("kmalloc-2k", "objects"));
	ASSERT_STREQ("1 N1=1\n", attr("kmalloc-2k", "cpu_slabs"));
	ASSERT_STREQ("2 C0=2\n", attr("kmalloc-2k", "alloc_slab"));
	ASSERT_STREQ("ENOENT", attr("kmalloc-2k", "nonsense"));
	ASSERT_STREQ("ENOENT", attr("nonsense", "order"));
	smm_kfree(m, p);
	smm_kfree(m, q);
	ASSERT_CHECK();
}

/* A check walk that finds nothing is no test: break things, see it. */
TEST(slub_check_catches_corruption)
{
	struct smm_kmem_cache *s;
	struct smm_slab *slab;
	void *a, *b, *old;
	unsigned int inuse;

	std_slab_machine();
	s = smm_kmem_cache_create(m, "c", 64, 0, 0);
	a = smm_kmem_cache_alloc(m, s, 0);
	b = smm_kmem_cache_alloc(m, s, 0);
	slab = smm_virt_to_slab(m, a);
	ASSERT_CHECK();
	/* a miscount */
	inuse = slab->inuse;
	slab->inuse = inuse - 1;
	ASSERT_FALSE(check_ok());
	ASSERT_TRUE(strstr(chk.buf, "inuse"));
	slab->inuse = inuse;
	ASSERT_CHECK();
	/* a double free: b on the cpu freelist twice (a self loop) */
	old = s->cpu_slab[0].freelist;
	smm_kmem_cache_free(m, s, b);
	ASSERT_PTR_EQ(b, s->cpu_slab[0].freelist);
	*(void **)((char *)b + s->offset) = b;
	ASSERT_FALSE(check_ok());
	ASSERT_TRUE(strstr(chk.buf, "free twice"));
	*(void **)((char *)b + s->offset) = old;
	ASSERT_CHECK();
	/* a free pointer out of the slab */
	*(void **)((char *)b + s->offset) = (char *)a - 64;
	ASSERT_FALSE(check_ok());
	ASSERT_TRUE(strstr(chk.buf, "leaves the slab"));
	*(void **)((char *)b + s->offset) = old;
	smm_kmem_cache_free(m, s, a);
	ASSERT_CHECK();
	ASSERT_EQ(0, smm_kmem_cache_destroy(m, s));
	ASSERT_CHECK();
}

/* ---- ctl ------------------------------------------------------------------------ */

static struct smm_capture clog;

static int ctl(const char *cmd)
{
	memset(&clog, 0, sizeof(clog));
	return smm_ctl_exec(m, cmd, smm_capture_emit, &clog);
}

/* objects in use (slabinfo's active_objs also counts the cpu freelists) */
static unsigned long active_objs(const char *cache)
{
	struct smm_kmem_cache *s = smm_find_cache(m, cache);

	ASSERT_TRUE(s);
	return smm_objects_in_use(m, s);
}

TEST(slub_ctl_cache_commands)
{
	std_slab_machine();
	ASSERT_EQ(0, ctl("cache create name=foo size=100 align=16 flags=hwcache"));
	/* hwcache: 100 > 32 -> align 64; ALIGN(104, 64) = 128 */
	ASSERT_EQ(128, smm_find_cache(m, "foo")->size);
	ASSERT_EQ(-EINVAL, ctl("cache create name=foo size=100"));
	ASSERT_TRUE(strstr(clog.last, "exists"));
	ASSERT_EQ(-EINVAL, ctl("cache create name=bar size=0"));
	ASSERT_EQ(-EINVAL, ctl("cache create name=bar size=64 align=24"));
	ASSERT_EQ(-EINVAL, ctl("cache create name=bar size=64 flags=dma"));
	ASSERT_EQ(-EINVAL, ctl("cache create name=b/r size=64"));
	ASSERT_EQ(-EINVAL, ctl("cache create name=bar size=64 align=8388608"));
	ASSERT_EQ(0, ctl("cache create name=bar size=4194304"));
	ASSERT_EQ(0, ctl("cache destroy name=bar"));
	ASSERT_EQ(0, ctl("cache alloc name=foo count=40 tag=a"));
	ASSERT_EQ(40, smm_held_slab_count(m, smm_find_cache(m, "foo")));
	ASSERT_EQ(0, ctl("cache alloc name=foo count=3 nid=1 tag=b"));
	ASSERT_EQ(-EINVAL, ctl("cache alloc name=foo nid=7"));
	ASSERT_EQ(-EINVAL, ctl("cache alloc name=nope"));
	ASSERT_EQ(-EINVAL, ctl("cache alloc name=foo gfp=dma"));
	ASSERT_CHECK();
	/* objects held: destroy refuses and says how many */
	ASSERT_EQ(-EBUSY, ctl("cache destroy name=foo"));
	ASSERT_TRUE(strstr(clog.last, "43 held"));
	ASSERT_EQ(-EINVAL, ctl("cache destroy name=kmalloc-64"));
	ASSERT_EQ(-EINVAL, ctl("cache destroy name=kmem_cache"));
	ASSERT_EQ(-EINVAL, ctl("kfree tag=a"));
	ASSERT_EQ(0, ctl("cache free tag=a"));
	ASSERT_EQ(-EINVAL, ctl("cache free tag=a"));
	ASSERT_EQ(-EBUSY, ctl("cache destroy name=foo"));
	ASSERT_EQ(0, ctl("cache free tag=b"));
	ASSERT_CHECK();
	ASSERT_EQ(0, ctl("cache destroy name=foo"));
	ASSERT_TRUE(!smm_find_cache(m, "foo"));
	ASSERT_EQ(-EINVAL, ctl("cache bogus"));
	ASSERT_EQ(-EINVAL, ctl("cache"));
	ASSERT_CHECK();
}

/*
 * cache shrink name=N|all: any cache by name (kmalloc's and the boot
 * caches too), or all; it logs what it freed. Bad forms are EINVAL.
 */
TEST(slub_ctl_cache_shrink)
{
	struct smm_slabinfo si;
	unsigned long free_before;

	std_slab_machine();
	free_before = normal_free_pages();
	ASSERT_EQ(0, ctl("kmalloc size=200 count=100 tag=k"));
	ASSERT_EQ(0, ctl("cache create name=foo size=100"));
	ASSERT_EQ(0, ctl("cache alloc name=foo count=300 tag=f"));
	ASSERT_EQ(0, ctl("kfree tag=k"));
	ASSERT_EQ(0, ctl("cache free tag=f"));
	smm_get_slabinfo(m, KM(8), &si);
	ASSERT_TRUE(si.num_slabs > 0);
	ASSERT_EQ(0, ctl("cache shrink name=kmalloc-256"));
	ASSERT_TRUE(strstr(clog.last, "cache kmalloc-256 shrunk: "));
	ASSERT_TRUE(strstr(clog.last, " freed, 0 left"));
	smm_get_slabinfo(m, KM(8), &si);
	ASSERT_EQ(0, si.num_slabs);
	ASSERT_EQ(0, ctl("cache shrink name=kmem_cache"));
	ASSERT_EQ(-EINVAL, ctl("cache shrink"));
	ASSERT_EQ(-EINVAL, ctl("cache shrink name=nope"));
	ASSERT_EQ(-EINVAL, ctl("cache shrink name=foo all"));
	ASSERT_EQ(-EINVAL, ctl("cache shrink all=1"));
	ASSERT_EQ(-EINVAL, ctl("cache shrink bogus"));
	ASSERT_EQ(0, ctl("cache shrink all"));
	ASSERT_TRUE(strstr(clog.last, "cache shrink all: "));
	smm_get_slabinfo(m, smm_find_cache(m, "foo"), &si);
	ASSERT_EQ(0, si.num_slabs);
	ASSERT_EQ(0, ctl("cache destroy name=foo"));
	ASSERT_CHECK();
	/* the foo cache struct went back to the kmem_cache cache's slab */
	ASSERT_EQ(0, ctl("cache shrink all"));
	ASSERT_TRUE(free_before <= normal_free_pages());
}

TEST(slub_ctl_kmalloc_kfree)
{
	std_slab_machine();
	ASSERT_EQ(0, ctl("kmalloc size=100 count=5 tag=k"));
	ASSERT_EQ(5, active_objs("kmalloc-128"));
	ASSERT_EQ(0, ctl("kmalloc size=100 gfp=reclaimable tag=r"));
	ASSERT_EQ(1, active_objs("kmalloc-rcl-128"));
	ASSERT_EQ(0, ctl("kmalloc size=20000 nid=1 gfp=zero tag=big"));
	ASSERT_EQ(1, m->slab->large_allocs);
	ASSERT_EQ(-EINVAL, ctl("kmalloc size=0"));
	ASSERT_EQ(-EINVAL, ctl("kmalloc size=4194305"));
	ASSERT_EQ(-EINVAL, ctl("kmalloc size=64 gfp=dma"));
	ASSERT_EQ(-EINVAL, ctl("kmalloc size=64 gfp=movable"));
	ASSERT_EQ(-EINVAL, ctl("kmalloc size=64 bogus=1"));
	ASSERT_EQ(-EINVAL, ctl("kmalloc size=64 tag=has/slash"));
	ASSERT_CHECK();
	ASSERT_EQ(0, ctl("kfree tag=k"));
	ASSERT_EQ(0, ctl("kfree tag=r"));
	ASSERT_EQ(0, ctl("kfree tag=big"));
	ASSERT_EQ(1, m->slab->large_frees);
	ASSERT_EQ(-EINVAL, ctl("kfree tag=k"));
	ASSERT_EQ(0, active_objs("kmalloc-128"));
	ASSERT_CHECK();
	/* held objects are forgotten by a reset; the new slab layer is clean */
	ASSERT_EQ(0, ctl("kmalloc size=64 count=3"));
	ASSERT_EQ(0, ctl("reset"));
	ASSERT_EQ(0, m->nr_held_objs);
	ASSERT_EQ(0, active_objs("kmalloc-64"));
	ASSERT_CHECK();
}

/* Without the slab layer the slab commands say so. */
TEST(slub_ctl_without_slab)
{
	std_slab_machine();
	ASSERT_EQ(0, ctl("reset upto=memmap"));
	ASSERT_EQ(-EINVAL, ctl("kmalloc size=64"));
	ASSERT_TRUE(strstr(clog.last, "no slab layer"));
	ASSERT_EQ(-EINVAL, ctl("cache create name=x size=8"));
	ASSERT_EQ(0, ctl("reset upto=buddy"));
	ASSERT_EQ(0, ctl("kmalloc size=64"));
	ASSERT_EQ(0, ctl("kfree tag=ctl"));
}

/* ---- memblock after slab (seed 000) ----------------------------------------------- */

/*
 * memblock_alloc_internal() once slab is up: kzalloc_node(size,
 * GFP_NOWAIT, nid), align and limits ignored, traced with slab=1,
 * counted; ctl holds the object under tag memblock.
 */
TEST(slub_memblock_alloc_after_slab)
{
	struct smm_memblock_alloc_info info;
	unsigned char *p;
	unsigned int i;

	std_slab_machine();
	p = smm_memblock_alloc_try_nid(&m->memblock, 200, SZ_4K, 0,
				       SMM_MEMBLOCK_ALLOC_ACCESSIBLE, 1, &info);
	ASSERT_TRUE(p);
	ASSERT_TRUE(info.slab);
	ASSERT_EQ((u64)smm_virt_to_phys(p), info.base);
	ASSERT_EQ(1, smm_trace.nr_alloc);
	ASSERT_TRUE(smm_trace.alloc.slab);
	ASSERT_EQ(1, m->slab->memblock_kzalloc);
	ASSERT_TRUE(m->slab->memblock_warned);
	ASSERT_EQ(1, smm_trace.nr_kmalloc);
	ASSERT_EQ(1, smm_trace.kmalloc.node);
	ASSERT_EQ(SMM_GFP_NOWAIT | SMM___GFP_ZERO, smm_trace.kmalloc.gfp_flags);
	ASSERT_STREQ("kmalloc-256", smm_virt_to_slab(m, p)->slab_cache->name);
	ASSERT_EQ(1, smm_page_nid((struct smm_page *)smm_virt_to_slab(m, p)));
	for (i = 0; i < 200; i++)
		ASSERT_EQ(0, p[i]);
	/* memblock.reserved did not grow: the buddy's memory, not memblock's */
	smm_kfree(m, p);

	ASSERT_EQ(0, ctl("memblock alloc size=3000 nid=0"));
	ASSERT_TRUE(strstr(clog.last, "kzalloc_node"));
	ASSERT_EQ(1, active_objs("kmalloc-4k"));
	ASSERT_EQ(2, m->slab->memblock_kzalloc);
	/* the other memblock commands stay refused */
	ASSERT_EQ(-EBUSY, ctl("memblock reserve base=0x40000000 size=4096"));
	ASSERT_EQ(-EBUSY, ctl("memblock free base=0x40000000 size=4096"));
	ASSERT_CHECK();
	ASSERT_EQ(0, ctl("kfree tag=memblock"));
	ASSERT_EQ(0, active_objs("kmalloc-4k"));
	ASSERT_CHECK();
	/* without slab (upto=memmap) memblock allocates as before */
	ASSERT_EQ(0, ctl("reset upto=memmap"));
	ASSERT_EQ(0, ctl("memblock alloc size=3000"));
	ASSERT_FALSE(strstr(clog.last, "kzalloc_node"));
}

/* kmalloc_node() of a node without memory is any node's (slab_nodes) */
TEST(slub_node_without_memory_means_any)
{
	void *p;

	std_slab_machine();
	p = smm_kmalloc_node(m, 64, 0, 5);
	ASSERT_TRUE(p);
	ASSERT_EQ(5, smm_trace.kmalloc.node);
	smm_kfree(m, p);
	ASSERT_CHECK();
}

/*
 * Last in the file: the machine's cpu structures are only reachable
 * through shadow memory, which LeakSanitizer does not scan.
 */
TEST(slub_zz_teardown)
{
	if (m)
		smm_machine_teardown(m);
	free(m);
	m = NULL;
}
