// SPDX-License-Identifier: GPL-2.0
/*
 * memory_model=sparsemem (src/mm/sparse.c): the section table, pfn <->
 * page through it, holes unbacked, the maps in memblock.reserved, and the
 * same allocator behaviour as FLATMEM.
 */
#include "harness.h"
#include "shadowmm/machine.h"
#include "shadowmm/sparse.h"
#include "shadowmm/vmstat.h"
#include "shadowmm/views.h"
#include "shadowmm/workload.h"
#include "../../src/mm/internal.h"

static struct smm_machine *m;
static struct smm_capture blog, out;

static void fresh(enum smm_memory_model model, u64 section_size)
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
	m->cfg.memory_model = model;
	m->cfg.section_size = section_size;
	memset(&blog, 0, sizeof(blog));
	smm_ucpu = 0;
	smm_unr_cpus = 2;
	smm_unode = 0;
}

static int boot(void)
{
	int ret = smm_boot(m, smm_capture_emit, &blog);

	memset(&smm_trace, 0, sizeof(smm_trace));
	return ret;
}

static void done(void)
{
	smm_machine_teardown(m);
	free(m);
	m = NULL;
}

/* The reference machine: node 0 [1G, 1G + 32M), node 1 [2G, 2G + 32M). */
static void std_machine(enum smm_memory_model model, u64 section_size)
{
	fresh(model, section_size);
	smm_test_add_chunk(m, SZ_1G, SZ_32M, 0);
	smm_test_add_chunk(m, SZ_2G, SZ_32M, 1);
	ASSERT_EQ(0, boot());
}

/* Whether [base, base + size) lies inside one memblock.reserved region. */
static bool reserved_covers(phys_addr_t base, phys_addr_t size)
{
	struct smm_memblock_region *r;

	smm_for_each_memblock_type(&m->memblock.reserved, r)
		if (base >= r->base && base + size <= r->base + r->size)
			return true;
	return false;
}

/* Every pfn of every present section, both ways; returns the count. */
static unsigned long round_trip(void)
{
	const struct smm_sparse *sp = &m->sparse;
	unsigned long nr, pfn, n = 0, got;

	for (nr = sp->base_nr; nr < sp->base_nr + sp->nr_sections; nr++) {
		const struct smm_mem_section *ms = smm_nr_to_section(sp, nr);
		unsigned long start = smm_section_nr_to_pfn(sp, nr);

		if (!smm_valid_section(ms))
			continue;
		for (pfn = start; pfn < start + smm_pages_per_section(sp); pfn++) {
			struct smm_page *page = smm_pfn_to_page(m, pfn);

			ASSERT_TRUE(page);
			ASSERT_PTR_EQ(smm_section_map(sp, ms, nr) + (pfn - start),
				      page);
			ASSERT_EQ(nr, smm_page_to_section(page));
			ASSERT_EQ(pfn, smm_page_to_pfn(m, page));
			ASSERT_TRUE(smm_page_in_memmap(m, page, &got));
			ASSERT_EQ(pfn, got);
			n++;
		}
	}
	return n;
}

TEST(sparse_section_size_validation)
{
	const char *why = NULL;

	ASSERT_EQ(0, smm_sparse_check_section_size(0, &why));
	ASSERT_EQ(0, smm_sparse_check_section_size(SZ_4M, &why));
	ASSERT_EQ(0, smm_sparse_check_section_size(SZ_64M, &why));
	ASSERT_EQ(0, smm_sparse_check_section_size(SZ_128M, &why));
	ASSERT_EQ(-EINVAL, smm_sparse_check_section_size(SZ_2M, &why));
	ASSERT_STREQ("smaller than MAX_ORDER_NR_PAGES (4M)", why);
	ASSERT_EQ(-EINVAL, smm_sparse_check_section_size(SZ_256M, &why));
	ASSERT_STREQ("larger than x86_64's 128M", why);
	ASSERT_EQ(-EINVAL, smm_sparse_check_section_size(6 * SZ_1M, &why));
	ASSERT_STREQ("not a power of two", why);

	/* smm_boot() refuses one too, saying why */
	fresh(SMM_MEMORY_MODEL_SPARSEMEM, 3 * SZ_1M);
	smm_test_add_chunk(m, SZ_1G, SZ_32M, 0);
	ASSERT_EQ(-EINVAL, boot());
	ASSERT_TRUE(strstr(blog.buf, "section_size 3145728: not a power of two"));
	done();
}

/* 128M where every node's rounded span is whole sections, else smaller. */
TEST(sparse_section_size_scaling)
{
	/* one 256M node at 1G: x86_64's 128M */
	fresh(SMM_MEMORY_MODEL_SPARSEMEM, 0);
	smm_test_add_chunk(m, SZ_1G, SZ_256M, 0);
	ASSERT_EQ(0, boot());
	ASSERT_EQ(SMM_SECTION_SIZE_BITS - PAGE_SHIFT, m->sparse.pfn_section_shift);
	ASSERT_EQ(2, m->sparse.nr_present);

	/* two 32M nodes: 32M sections, one a node */
	std_machine(SMM_MEMORY_MODEL_SPARSEMEM, 0);
	ASSERT_EQ(25 - PAGE_SHIFT, m->sparse.pfn_section_shift);
	ASSERT_EQ(2, m->sparse.nr_present);
	ASSERT_EQ((SZ_2G >> 25) - (SZ_1G >> 25) + 1, m->sparse.nr_sections);

	/* 36M: only 4M divides it */
	fresh(SMM_MEMORY_MODEL_SPARSEMEM, 0);
	smm_test_add_chunk(m, SZ_1G, SZ_32M + SZ_4M, 0);
	ASSERT_EQ(0, boot());
	ASSERT_EQ(SMM_MAX_ORDER - 1, m->sparse.pfn_section_shift);
	ASSERT_EQ(9, m->sparse.nr_present);

	/* section_size= wins over the scaling */
	std_machine(SMM_MEMORY_MODEL_SPARSEMEM, SZ_8M);
	ASSERT_EQ(23 - PAGE_SHIFT, m->sparse.pfn_section_shift);
	ASSERT_EQ(8, m->sparse.nr_present);
	done();
}

TEST(sparse_round_trip_every_pfn)
{
	static const u64 sizes[] = { 0, SZ_4M, SZ_16M, SZ_128M };
	unsigned long n, total = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		std_machine(SMM_MEMORY_MODEL_SPARSEMEM, sizes[i]);
		n = round_trip();
		ASSERT_EQ(m->sparse.nr_present * smm_pages_per_section(&m->sparse),
			  n);
		ASSERT_TRUE(n >= 2 * (SZ_32M >> PAGE_SHIFT));
		ASSERT_EQ(0, smm_check(m, smm_capture_emit, &out));
		total += n;
	}
	printf("# %lu pfns round-tripped\n", total);
	done();
}

/*
 * node 0: [1G, 1G + 32M) and [1G + 64M, 1G + 96M), a 32M hole between;
 * 16M sections: the hole's two sections have no map, FLATMEM's map spans
 * the hole.
 */
TEST(sparse_holes_between_sections_unbacked)
{
	const struct smm_sparse *sp;
	unsigned long pfn, nr, hole_s = PHYS_PFN(SZ_1G + SZ_32M);
	unsigned long hole_e = PHYS_PFN(SZ_1G + SZ_64M);
	phys_addr_t flat_reserved, sparse_reserved;
	struct smm_page *page;

	fresh(SMM_MEMORY_MODEL_FLATMEM, 0);
	smm_test_add_chunk(m, SZ_1G, SZ_32M, 0);
	smm_test_add_chunk(m, SZ_1G + SZ_64M, SZ_32M, 0);
	ASSERT_EQ(0, boot());
	ASSERT_TRUE(smm_pfn_to_page(m, hole_s));
	flat_reserved = m->memblock.reserved.total_size;

	fresh(SMM_MEMORY_MODEL_SPARSEMEM, SZ_16M);
	smm_test_add_chunk(m, SZ_1G, SZ_32M, 0);
	smm_test_add_chunk(m, SZ_1G + SZ_64M, SZ_32M, 0);
	ASSERT_EQ(0, boot());
	sp = &m->sparse;
	ASSERT_EQ(6, sp->nr_sections);
	ASSERT_EQ(4, sp->nr_present);
	for (pfn = hole_s; pfn < hole_e; pfn++)
		ASSERT_PTR_EQ(NULL, smm_pfn_to_page(m, pfn));
	ASSERT_PTR_EQ(NULL, smm_pfn_to_page(m, PHYS_PFN(SZ_1G) - 1));
	ASSERT_PTR_EQ(NULL, smm_pfn_to_page(m, PHYS_PFN(SZ_1G + SZ_128M)));
	ASSERT_PTR_EQ(NULL, smm_pfn_to_page(m, 0));
	ASSERT_FALSE(smm_valid_section(smm_nr_to_section(sp, SZ_1G / SZ_16M + 2)));
	ASSERT_FALSE(smm_valid_section(smm_nr_to_section(sp, SZ_1G / SZ_16M + 3)));
	ASSERT_EQ(4 * smm_pages_per_section(sp), round_trip());

	/* each section's map is memblock.reserved, in the node's buffer */
	for (nr = sp->base_nr; nr < sp->base_nr + sp->nr_sections; nr++) {
		const struct smm_mem_section *ms = smm_nr_to_section(sp, nr);
		phys_addr_t pa;

		if (!smm_valid_section(ms))
			continue;
		pa = smm_virt_to_phys(smm_section_map(sp, ms, nr));
		ASSERT_TRUE(reserved_covers(pa, smm_pages_per_section(sp) *
					    sizeof(struct smm_page)));
		ASSERT_TRUE(pa >= m->node_data[0].memmap_base);
		ASSERT_TRUE(pa < m->node_data[0].memmap_base +
			    m->node_data[0].memmap_size);
	}
	ASSERT_EQ(4 * smm_pages_per_section(sp) * sizeof(struct smm_page),
		  m->node_data[0].memmap_size);
	ASSERT_TRUE(reserved_covers(m->node_data[0].memmap_base,
				    m->node_data[0].memmap_size));
	/* the hole costs FLATMEM 32M of struct pages, SPARSEMEM nothing */
	sparse_reserved = m->memblock.reserved.total_size;
	ASSERT_EQ(flat_reserved - (SZ_32M >> PAGE_SHIFT) * sizeof(struct smm_page),
		  sparse_reserved);

	/* pages of the second chunk allocate and free */
	page = smm_pfn_to_page(m, hole_e + 0x100);
	ASSERT_EQ(hole_e + 0x100, smm_page_to_pfn(m, page));
	ASSERT_EQ(0, smm_check(m, smm_capture_emit, &out));
	done();
}

/*
 * make bench's metadata figure, on the machine of the test above: FLATMEM
 * pays 64 bytes for every pfn the map spans (the 32M hole too, rounded
 * out to MAX_ORDER blocks), SPARSEMEM for the present sections only plus
 * its section table; both the same pageblock bits: the scaled layout's
 * four zones over the 96M span, 6M, 30M, 36M and 24M, are 3, 15, 18 and
 * 12 pageblocks of 4 bits, each zone's rounded up to a long: 8 + 8 + 16
 * + 8 = 40 bytes.
 */
TEST(sparse_metadata_bytes_count_every_table)
{
	struct smm_metadata md;

	fresh(SMM_MEMORY_MODEL_FLATMEM, 0);
	smm_test_add_chunk(m, SZ_1G, SZ_32M, 0);
	smm_test_add_chunk(m, SZ_1G + SZ_64M, SZ_32M, 0);
	ASSERT_EQ(0, boot());
	smm_metadata_bytes(m, &md);
	ASSERT_EQ((SZ_64M + SZ_32M) / PAGE_SIZE * 64, md.memmap);
	ASSERT_EQ(m->node_data[0].memmap_size, md.memmap);
	ASSERT_EQ(40, md.usemap);
	ASSERT_EQ(0, md.sections);

	fresh(SMM_MEMORY_MODEL_SPARSEMEM, SZ_16M);
	smm_test_add_chunk(m, SZ_1G, SZ_32M, 0);
	smm_test_add_chunk(m, SZ_1G + SZ_64M, SZ_32M, 0);
	ASSERT_EQ(0, boot());
	smm_metadata_bytes(m, &md);
	ASSERT_EQ(SZ_64M / PAGE_SIZE * 64, md.memmap);
	ASSERT_EQ(40, md.usemap);
	ASSERT_EQ(6 * sizeof(struct smm_mem_section), md.sections);
	done();
}

/* Two nodes in one 64M section: one map, each page its own node's. */
TEST(sparse_section_shared_by_two_nodes)
{
	struct smm_workload_result res;
	unsigned long pfn;

	fresh(SMM_MEMORY_MODEL_SPARSEMEM, SZ_64M);
	smm_test_add_chunk(m, SZ_1G, SZ_32M, 0);
	smm_test_add_chunk(m, SZ_1G + SZ_32M, SZ_32M, 1);
	ASSERT_EQ(0, boot());
	ASSERT_EQ(1, m->sparse.nr_present);
	ASSERT_EQ(0, m->sparse.mem_section[0].nid);
	ASSERT_EQ(0, m->node_data[1].memmap_size);
	for (pfn = PHYS_PFN(SZ_1G); pfn < PHYS_PFN(SZ_1G + SZ_64M); pfn++)
		ASSERT_EQ(pfn < PHYS_PFN(SZ_1G + SZ_32M) ? 0 : 1,
			  smm_page_nid(smm_pfn_to_page(m, pfn)));
	ASSERT_EQ(smm_pages_per_section(&m->sparse), round_trip());
	ASSERT_EQ(0, smm_workload_run(m, 7, 3000, &res));
	ASSERT_EQ(0, smm_check(m, smm_capture_emit, &out));
	done();
}

/*
 * Node 1 spans node 0 (its chunks on either side of node 0's), all in
 * one section: each page is still the first spanning node's, though
 * node 1's zones have a boundary inside node 0 (memmap_init's runs end
 * where the owning node changes, not only where the zone does).
 */
TEST(sparse_node_inside_another_node_span)
{
	unsigned long pfn, lo = PHYS_PFN(SZ_1G + SZ_8M);
	unsigned long hi = PHYS_PFN(SZ_1G + SZ_16M);

	fresh(SMM_MEMORY_MODEL_SPARSEMEM, SZ_64M);
	smm_test_add_chunk(m, SZ_1G, SZ_8M, 1);
	smm_test_add_chunk(m, SZ_1G + SZ_8M, SZ_8M, 0);
	smm_test_add_chunk(m, SZ_1G + SZ_16M, SZ_8M, 1);
	ASSERT_EQ(0, boot());
	ASSERT_EQ(1, m->sparse.nr_present);
	for (pfn = PHYS_PFN(SZ_1G); pfn < PHYS_PFN(SZ_1G + SZ_16M + SZ_8M); pfn++)
		ASSERT_EQ(pfn >= lo && pfn < hi ? 0 : 1,
			  smm_page_nid(smm_pfn_to_page(m, pfn)));
	ASSERT_EQ(smm_pages_per_section(&m->sparse), round_trip());
	ASSERT_EQ(0, smm_check(m, smm_capture_emit, &out));
	done();
}

static u64 text_hash(const char *p)
{
	u64 h = 0xcbf29ce484222325ULL;

	for (; *p; p++) {
		h ^= (unsigned char)*p;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static u64 buddyinfo_hash(void)
{
	out.len = 0;
	out.buf[0] = '\0';
	smm_show_buddyinfo(m, smm_capture_emit, &out);
	return text_hash(out.buf);
}

/*
 * The model moves struct pages, not what the allocator does: the same
 * buddyinfo after boot and the same workload hash, seed by seed, where
 * the sections cover what FLATMEM's maps cover.
 */
TEST(sparse_same_buddyinfo_and_workload_as_flatmem)
{
	static const u64 sizes[] = { 0, SZ_4M, SZ_16M };
	static const u32 seeds[] = { 1, 42, 20261202 };
	struct smm_workload_result flat, sparse;
	u64 flat_boot, h;
	unsigned int i, j;

	for (j = 0; j < ARRAY_SIZE(seeds); j++) {
		std_machine(SMM_MEMORY_MODEL_FLATMEM, 0);
		flat_boot = buddyinfo_hash();
		ASSERT_EQ(0, smm_workload_run(m, seeds[j], 5000, &flat));
		h = buddyinfo_hash();
		for (i = 0; i < ARRAY_SIZE(sizes); i++) {
			std_machine(SMM_MEMORY_MODEL_SPARSEMEM, sizes[i]);
			ASSERT_EQ(flat_boot, buddyinfo_hash());
			ASSERT_EQ(0, smm_workload_run(m, seeds[j], 5000,
						      &sparse));
			ASSERT_EQ(flat.hash, sparse.hash);
			ASSERT_EQ(flat.allocs, sparse.allocs);
			ASSERT_EQ(flat.frees, sparse.frees);
			ASSERT_EQ(flat.fails, sparse.fails);
			ASSERT_EQ(h, buddyinfo_hash());
			ASSERT_EQ(0, smm_check(m, smm_capture_emit, &out));
		}
		printf("# seed %u: workload hash 0x%016llx in both models\n",
		       seeds[j], (unsigned long long)flat.hash);
	}
	done();
}
