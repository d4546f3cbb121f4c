// SPDX-License-Identifier: GPL-2.0
/*
 * The slab half of `check` (src/check.c calls it): every slab of every
 * cache, found through the memory map (PG_slab heads), against what the
 * caches' lists and counters say. Like v6.1's validate_slab_cache() and
 * on_freelist() it only reads; unlike them it also covers the per-cpu
 * state. Each cache's cpu structures and node lists are read under their
 * locks one at a time: with allocations running the walk is not one
 * snapshot, so run it quiescent (the debugfs file and the host tests do).
 *
 * Portable: builds into the module and into the host unit tests.
 */
#include "mm/internal.h"

struct smm_slab_chk {
	struct smm_machine *m;
	smm_emit_fn emit;
	void *ctx;
	int violations;
	int max_reports;
	/* one bit an object of the slab being walked: seen free */
	unsigned long *seen;
	/* the slabs some list or CPU names, for membership */
	struct smm_slab **listed;
	unsigned long nr_listed, max_listed;
};

#define smm_slab_report(c, fmt, ...)					\
	do {								\
		struct smm_slab_chk *__c = (c);				\
									\
		if (__c->violations++ < __c->max_reports)		\
			__c->emit(__c->ctx, fmt "\n", ##__VA_ARGS__);	\
	} while (0)

#define SMM_SEEN_LONGS	DIV_ROUND_UP(SMM_MAX_OBJS_PER_PAGE + 1, BITS_PER_LONG)

/* Where a slab is named: a node's partial list, a cpu partial list, c->slab */
enum smm_listed_as {
	SMM_LISTED_PARTIAL,
	SMM_LISTED_CPU_PARTIAL,
	SMM_LISTED_CPU_SLAB,
};

static bool smm_slab_chk_listed(struct smm_slab_chk *c, struct smm_slab *slab)
{
	unsigned long i;

	for (i = 0; i < c->nr_listed; i++)
		if (c->listed[i] == slab)
			return true;
	return false;
}

static void smm_slab_chk_add(struct smm_slab_chk *c, struct smm_slab *slab,
			     const char *name, const char *where)
{
	if (smm_slab_chk_listed(c, slab)) {
		smm_slab_report(c, "slab %s: a slab is on more than one list (%s)",
				name, where);
		return;
	}
	if (c->nr_listed < c->max_listed)
		c->listed[c->nr_listed++] = slab;
}

/*
 * Mark the objects of free list @p of @slab as seen; each must lie on an
 * object boundary inside the slab and be seen once. Returns the count.
 */
static unsigned long smm_slab_chk_freelist(struct smm_slab_chk *c,
					   struct smm_kmem_cache *s,
					   struct smm_slab *slab, void *p,
					   const char *which, unsigned long pfn)
{
	char *base = smm_slab_address(c->m, slab);
	unsigned long nr = 0;

	for (; p; p = smm_get_freepointer(s, p)) {
		unsigned long off = (char *)p - base, idx;

		if ((char *)p < base || off >= (unsigned long)slab->objects * s->size ||
		    off % s->size) {
			smm_slab_report(c,
					"slab %s pfn 0x%lx: %s free list leaves the slab (offset %ld)",
					s->name, pfn, which, (long)off);
			return nr;
		}
		idx = off / s->size;
		if (c->seen[idx / BITS_PER_LONG] & BIT(idx % BITS_PER_LONG)) {
			smm_slab_report(c,
					"slab %s pfn 0x%lx: object %lu is free twice (%s free list)",
					s->name, pfn, idx, which);
			return nr;
		}
		c->seen[idx / BITS_PER_LONG] |= BIT(idx % BITS_PER_LONG);
		nr++;
	}
	return nr;
}

/* One slab of @s found in the memory map. */
static void smm_slab_chk_one(struct smm_slab_chk *c, struct smm_kmem_cache *s,
			     struct smm_slab *slab, unsigned long pfn,
			     unsigned long *node_slabs,
			     unsigned long *node_objects)
{
	struct smm_page *page = (struct smm_page *)slab;
	unsigned int order = smm_slab_order(s, slab);
	unsigned long i, nr_free;
	bool listed = smm_slab_chk_listed(c, slab);
	unsigned int cpu;

	node_slabs[smm_page_nid(page)]++;
	node_objects[smm_page_nid(page)] += slab->objects;

	if (!smm_test_page_flag(page, SMM_PG_head) || page->_refcount != 1)
		smm_slab_report(c,
				"slab %s pfn 0x%lx: not an allocated block (flags 0x%lx refcount %d)",
				s->name, pfn, page->flags, page->_refcount);
	if (slab->objects != smm_oo_objects(s->oo) &&
	    slab->objects != smm_oo_objects(s->min))
		smm_slab_report(c, "slab %s pfn 0x%lx: %u objects, the cache makes %u or %u",
				s->name, pfn, slab->objects,
				smm_oo_objects(s->oo), smm_oo_objects(s->min));
	for (i = 1; i < (1UL << order); i++)
		if ((unsigned long)page[i].lru.next != ((unsigned long)page | 1)) {
			smm_slab_report(c,
					"slab %s pfn 0x%lx: tail page %lu does not point at its head",
					s->name, pfn, i);
			break;
		}

	memset(c->seen, 0, SMM_SEEN_LONGS * sizeof(long));
	nr_free = smm_slab_chk_freelist(c, s, slab, slab->freelist, "slab",
					pfn);
	/* the invariant every path keeps: inuse counts what slab->freelist lacks */
	if (slab->inuse + nr_free != slab->objects)
		smm_slab_report(c,
				"slab %s pfn 0x%lx: inuse %u + %lu free on its free list != %u objects",
				s->name, pfn, slab->inuse, nr_free,
				slab->objects);
	for (cpu = 0; cpu < c->m->nr_cpus; cpu++) {
		struct smm_kmem_cache_cpu *cs = &s->cpu_slab[cpu];
		unsigned long flags;

		smm_spin_lock_irqsave(&cs->lock, flags);
		if (cs->slab == slab)
			smm_slab_chk_freelist(c, s, slab, cs->freelist, "cpu",
					      pfn);
		smm_spin_unlock_irqrestore(&cs->lock, flags);
	}

	if (slab->frozen && !listed)
		smm_slab_report(c, "slab %s pfn 0x%lx: frozen but no CPU has it",
				s->name, pfn);
	if (!slab->frozen && slab->freelist && !listed)
		smm_slab_report(c, "slab %s pfn 0x%lx: has free objects but is on no partial list",
				s->name, pfn);
	if (!slab->frozen && !slab->freelist && listed)
		smm_slab_report(c, "slab %s pfn 0x%lx: full but listed", s->name,
				pfn);
}

/* What the cache's own lists say, before the memory map is walked. */
static void smm_slab_chk_lists(struct smm_slab_chk *c, struct smm_kmem_cache *s)
{
	struct smm_machine *m = c->m;
	unsigned int cpu;
	int i;

	for (cpu = 0; cpu < m->nr_cpus; cpu++) {
		struct smm_kmem_cache_cpu *cs = &s->cpu_slab[cpu];
		struct smm_slab *slab;
		unsigned long flags;

		smm_spin_lock_irqsave(&cs->lock, flags);
		if (cs->slab) {
			if (!cs->slab->frozen || cs->slab->slab_cache != s)
				smm_slab_report(c,
						"cache %s cpu %u: cpu slab not frozen or of another cache",
						s->name, cpu);
			smm_slab_chk_add(c, cs->slab, s->name, "cpu slab");
		} else if (cs->freelist) {
			smm_slab_report(c, "cache %s cpu %u: a cpu freelist without a cpu slab",
					s->name, cpu);
		}
		for (slab = cs->partial; slab; slab = slab->next) {
			if (!slab->frozen || slab->slab_cache != s)
				smm_slab_report(c,
						"cache %s cpu %u: cpu partial slab not frozen or of another cache",
						s->name, cpu);
			smm_slab_chk_add(c, slab, s->name, "cpu partial");
		}
		smm_spin_unlock_irqrestore(&cs->lock, flags);
	}
	for (i = 0; i < m->nr_nodes; i++) {
		int nid = m->node_ids[i];
		struct smm_kmem_cache_node *n = s->node[nid];
		struct smm_slab *slab;
		unsigned long flags, nr = 0;

		if (!n) {
			smm_slab_report(c, "cache %s: no kmem_cache_node for node %d",
					s->name, nid);
			continue;
		}
		smm_spin_lock_irqsave(&n->list_lock, flags);
		list_for_each_entry(slab, &n->partial, slab_list) {
			nr++;
			if (slab->frozen || slab->slab_cache != s ||
			    !slab->freelist ||
			    smm_page_nid((struct smm_page *)slab) != nid)
				smm_slab_report(c,
						"cache %s node %d: partial slab frozen, full, of another cache or node",
						s->name, nid);
			smm_slab_chk_add(c, slab, s->name, "partial");
		}
		if (nr != n->nr_partial)
			smm_slab_report(c,
					"cache %s node %d: nr_partial %lu, %lu slabs on the list",
					s->name, nid, n->nr_partial, nr);
		smm_spin_unlock_irqrestore(&n->list_lock, flags);
	}
}

struct smm_slab_chk_walk {
	struct smm_slab_chk *c;
	struct smm_kmem_cache *s;
	unsigned long *node_slabs;
	unsigned long *node_objects;
};

static void smm_slab_chk_cache_page(void *arg, struct smm_page *page,
				    unsigned long pfn)
{
	struct smm_slab_chk_walk *w = arg;
	struct smm_slab *slab = (struct smm_slab *)page;

	if (!smm_test_page_flag(page, SMM_PG_slab) || slab->slab_cache != w->s)
		return;
	smm_slab_chk_one(w->c, w->s, slab, pfn, w->node_slabs,
			 w->node_objects);
}

static void smm_slab_chk_cache(struct smm_slab_chk *c, struct smm_kmem_cache *s)
{
	unsigned long node_slabs[SMM_MAX_NUMNODES] = { 0 };
	unsigned long node_objects[SMM_MAX_NUMNODES] = { 0 };
	struct smm_machine *m = c->m;
	int i;

	struct smm_slab_chk_walk w = {
		.c = c, .s = s, .node_slabs = node_slabs,
		.node_objects = node_objects,
	};

	c->nr_listed = 0;
	smm_slab_chk_lists(c, s);
	smm_walk_memmap(m, smm_slab_chk_cache_page, &w);
	for (i = 0; i < m->nr_nodes; i++) {
		int nid = m->node_ids[i];
		struct smm_kmem_cache_node *n = s->node[nid];

		if (!n)
			continue;
		if (n->nr_slabs != node_slabs[nid] ||
		    n->total_objects != node_objects[nid])
			smm_slab_report(c,
					"cache %s node %d: nr_slabs %lu total_objects %lu, the memory map has %lu slabs of %lu objects",
					s->name, nid, n->nr_slabs,
					n->total_objects, node_slabs[nid],
					node_objects[nid]);
	}
}

static void smm_slab_chk_owner_page(void *arg, struct smm_page *page,
				    unsigned long pfn)
{
	struct smm_slab_chk *c = arg;
	struct smm_slab *slab = (struct smm_slab *)page;
	struct smm_kmem_cache *s;
	bool found = false;

	if (!smm_test_page_flag(page, SMM_PG_slab))
		return;
	list_for_each_entry(s, &c->m->slab->caches, list)
		if (slab->slab_cache == s)
			found = true;
	if (!found)
		smm_slab_report(c, "pfn 0x%lx: a slab of no live cache", pfn);
}

/* Every PG_slab page must belong to a live cache. */
static void smm_slab_chk_owners(struct smm_slab_chk *c)
{
	smm_walk_memmap(c->m, smm_slab_chk_owner_page, c);
}

int smm_check_slab(struct smm_machine *m, smm_emit_fn emit, void *ctx,
		   int max_reports)
{
	struct smm_slab_chk c = {
		.m = m, .emit = emit, .ctx = ctx, .max_reports = max_reports,
	};
	struct smm_kmem_cache *s;

	if (!m->slab)
		return 0;
	c.seen = kcalloc(SMM_SEEN_LONGS, sizeof(long), GFP_KERNEL);
	c.max_listed = 4096;
	c.listed = kcalloc(c.max_listed, sizeof(*c.listed), GFP_KERNEL);
	if (!c.seen || !c.listed) {
		kfree(c.seen);
		kfree(c.listed);
		emit(ctx, "error: out of memory\n");
		return -ENOMEM;
	}
	list_for_each_entry(s, &m->slab->caches, list)
		smm_slab_chk_cache(&c, s);
	smm_slab_chk_owners(&c);
	c.violations += smm_held_slab_check(m, emit, ctx);
	kfree(c.seen);
	kfree(c.listed);
	return c.violations;
}
