// SPDX-License-Identifier: GPL-2.0
/*
 * A reproducible workload: one seeded sequence of allocations and frees of
 * mixed orders and migratetypes, run on one CPU. The same seed over the
 * same region gives the same free lists in the module and in the host
 * build, which is what the determinism check compares (its hash).
 */
#include "shadowmm/workload.h"

#define SMM_WORKLOAD_SLOTS	128

struct smm_wl_slot {
	struct smm_page *page;
	unsigned int order;
};

/* xorshift32 */
static u32 wl_rand(u32 *s)
{
	u32 x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

static const unsigned int wl_gfp[] = {
	SMM_GFP_KERNEL, SMM_GFP_HIGHUSER_MOVABLE, SMM___GFP_RECLAIMABLE,
	SMM_GFP_DMA32,
};

static unsigned int wl_order(u32 *s)
{
	u32 r = wl_rand(s) % 16;

	if (r < 10)
		return 0;
	if (r < 14)
		return 1 + wl_rand(s) % 3;
	return 4 + wl_rand(s) % 6;
}

/* FNV-1a over the free-area counts and pageblock types of every zone. */
static u64 wl_hash(struct smm_machine *m)
{
	u64 h = 0xcbf29ce484222325ULL;
	unsigned long pfn, v;
	int i, z, o;

	for (i = 0; i < m->nr_nodes; i++) {
		struct smm_pglist_data *pgdat = &m->node_data[m->node_ids[i]];

		for (z = 0; z < SMM_MAX_NR_ZONES; z++) {
			struct smm_zone *zone = &pgdat->node_zones[z];

			for (o = 0; o < SMM_MAX_ORDER; o++) {
				v = zone->free_area[o].nr_free;
				h = (h ^ v) * 0x100000001b3ULL;
			}
			for (pfn = zone->zone_start_pfn;
			     pfn < smm_zone_end_pfn(zone);
			     pfn += SMM_PAGEBLOCK_NR_PAGES) {
				v = smm_get_pageblock_migratetype(m, pfn);
				h = (h ^ v) * 0x100000001b3ULL;
			}
		}
	}
	return h;
}

int smm_workload_run(struct smm_machine *m, u32 seed, unsigned long ops,
		     struct smm_workload_result *res)
{
	struct smm_wl_slot *slot;
	u32 s = seed ? seed : 1;
	unsigned long n;
	unsigned int i;
	int ret = 0;

	slot = kcalloc(SMM_WORKLOAD_SLOTS, sizeof(*slot), GFP_KERNEL);
	if (!slot)
		return -ENOMEM;
	memset(res, 0, sizeof(*res));
	for (n = 0; n < ops; n++) {
		/* a scheduling point every SMM_LONG_STEP ops; a kill stops it */
		if (n) {
			ret = smm_long_step(n);
			if (ret)
				break;
		}
		i = wl_rand(&s) % SMM_WORKLOAD_SLOTS;
		if (slot[i].page) {
			smm_free_pages(m, slot[i].page, slot[i].order);
			slot[i].page = NULL;
			res->frees++;
			continue;
		}
		slot[i].order = wl_order(&s);
		/*
		 * The first node, not the CPU's: the same run on any CPU,
		 * and in the host build, must end in the same free lists.
		 */
		slot[i].page = smm_alloc_pages(m, wl_gfp[wl_rand(&s) % ARRAY_SIZE(wl_gfp)],
					       slot[i].order, m->node_ids[0],
					       NULL);
		if (slot[i].page)
			res->allocs++;
		else
			res->fails++;
	}

	/* The state to compare: what is held now, with the pcp lists empty. */
	if (!ret) {
		smm_drain_all_pages(m);
		res->hash = wl_hash(m);
	}
	res->ops = n;

	for (i = 0; i < SMM_WORKLOAD_SLOTS; i++)
		if (slot[i].page)
			smm_free_pages(m, slot[i].page, slot[i].order);
	kfree(slot);
	return ret;
}
