// SPDX-License-Identifier: GPL-2.0
/*
 * The views of stage 1: the region the host gave, the shadow memblock in
 * the kernel's own debugfs formats, and the per-node memory maps.
 */
#include "debugfs.h"

static void show_memory(struct seq_file *sf, struct smm_machine *m)
{
	smm_memblock_debug_show(&m->memblock.memory, smm_seq_emit, sf);
}

static void show_reserved(struct seq_file *sf, struct smm_machine *m)
{
	smm_memblock_debug_show(&m->memblock.reserved, smm_seq_emit, sf);
}

static void show_dump(struct seq_file *sf, struct smm_machine *m)
{
	smm_memblock_dump_all(&m->memblock, smm_seq_emit, sf);
}

/* One line a chunk: what the backend took, in pfns, and from which node. */
static void show_region(struct seq_file *sf, struct smm_machine *m)
{
	const struct smm_region *r = &m->region;
	unsigned int i;

	seq_printf(sf, "backend %s chunks %u pages %llu\n", r->backend,
		   r->nr_chunks,
		   (unsigned long long)smm_region_bytes(r) >> PAGE_SHIFT);
	for (i = 0; i < r->nr_chunks; i++)
		seq_printf(sf, "chunk %u pfn 0x%lx-0x%lx pages %lu node %d\n", i,
			   r->chunks[i].start_pfn,
			   r->chunks[i].start_pfn + r->chunks[i].nr_pages,
			   r->chunks[i].nr_pages, r->chunks[i].nid);
}

/*
 * SPARSEMEM: each present section, its node (the one whose buffer holds
 * its map) and where the map is, after the node lines.
 */
static void show_sections(struct seq_file *sf, struct smm_machine *m)
{
	const struct smm_sparse *sp = &m->sparse;
	unsigned long nr;

	for (nr = sp->base_nr; nr < sp->base_nr + sp->nr_sections; nr++) {
		const struct smm_mem_section *ms = smm_nr_to_section(sp, nr);
		unsigned long pfn = smm_section_nr_to_pfn(sp, nr);

		if (!smm_valid_section(ms))
			continue;
		seq_printf(sf, "section %lu pfn 0x%lx-0x%lx node %d map 0x%016llx size %lu\n",
			   nr, pfn, pfn + smm_pages_per_section(sp), ms->nid,
			   (unsigned long long)smm_virt_to_phys(smm_section_map(sp, ms, nr)),
			   smm_pages_per_section(sp) * sizeof(struct smm_page));
	}
}

/*
 * FLATMEM: one line a node, its map. SPARSEMEM: a model line first, the
 * node lines with the node's span rounded to MAX_ORDER and its one buffer
 * of section maps (map_pfn then is not what size counts), the sections.
 */
static void show_memmap(struct seq_file *sf, struct smm_machine *m)
{
	int i;

	if (m->sparse.mem_section)
		seq_printf(sf, "model sparsemem section_size 0x%llx sections %lu present %lu\n",
			   (unsigned long long)PFN_PHYS(smm_pages_per_section(&m->sparse)),
			   m->sparse.nr_sections, m->sparse.nr_present);
	for (i = 0; i < m->nr_nodes; i++) {
		const struct smm_pglist_data *p = &m->node_data[m->node_ids[i]];

		seq_printf(sf, "node %d start_pfn 0x%lx spanned %lu present %lu map_pfn 0x%lx-0x%lx struct_page %zu size %llu base 0x%016llx\n",
			   p->node_id, p->node_start_pfn, p->node_spanned_pages,
			   p->node_present_pages, p->memmap_start_pfn,
			   p->memmap_end_pfn, sizeof(struct smm_page),
			   (unsigned long long)p->memmap_size,
			   (unsigned long long)p->memmap_base);
	}
	if (m->sparse.mem_section)
		show_sections(sf, m);
}

static void show_boot(struct seq_file *sf, struct smm_machine *m)
{
	int i;

	for (i = 0; i < SMM_NR_RES; i++)
		if (m->res[i].size)
			seq_printf(sf, "%s 0x%016llx-0x%016llx size %llu\n",
				   m->res[i].name,
				   (unsigned long long)m->res[i].base,
				   (unsigned long long)(m->res[i].base +
							m->res[i].size - 1),
				   (unsigned long long)m->res[i].size);
}

const struct smm_dbg_view smm_memblock_views[] = {
	{ "memblock/memory", show_memory },
	{ "memblock/reserved", show_reserved },
	{ "memblock/dump", show_dump },
	{ "region", show_region },
	{ "memmap", show_memmap },
	{ "boot", show_boot },
	{ }
};
