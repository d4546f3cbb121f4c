// SPDX-License-Identifier: GPL-2.0
/*
 * Stage 3: the shadow's SLUB, after mm/slub.c and mm/slab_common.c of
 * v6.1 (slab_common.c's part, kmem_cache_create() and the kmalloc
 * caches, is folded in here: it is small and shares every helper).
 *
 * Slabs are blocks of the shadow's own buddy allocator (smm_alloc_pages()),
 * their objects are the shadow memory of those pages, and the free list of
 * a slab is threaded through its free objects at s->offset, as in SLUB.
 * The slab's metadata is struct smm_slab overlaid on the head smm_page.
 *
 * Locking (differs from v6.1, see README):
 *  - kmem_cache_cpu: a spinlock per cpu structure, taken irqsave, where
 *    v6.1 has local_lock and a cmpxchg_double fast path;
 *  - kmem_cache_node->list_lock: the partial list and node counters, as
 *    in v6.1, and also the freelist and counters of every slab of the
 *    node, which v6.1 changes with cmpxchg_double (or slab_lock());
 *  - order: cpu lock, then list_lock, then the page allocator's locks.
 *    A slab frozen to a CPU is only taken off it by its owner.
 *  - the list of caches (slab_mutex in v6.1) is the ctl lock's: caches
 *    come and go only from boot, reset and ctl.
 *
 * No freelist hardening (CONFIG_SLAB_FREELIST_HARDENED) and no freelist
 * randomisation: free pointers are stored in the clear and a new slab's
 * objects are linked in address order, so runs are reproducible.
 */
#include "shadowmm/slab.h"
#include "shadowmm/trace.h"
#include "internal.h"

/* struct slab overlays struct page: every field on the one it stands for. */
#define SMM_SLAB_MATCH(pg, sl)						\
	static_assert(offsetof(struct smm_page, pg) ==			\
		      offsetof(struct smm_slab, sl), #pg " vs " #sl)
SMM_SLAB_MATCH(flags, __page_flags);
SMM_SLAB_MATCH(lru, slab_list);
SMM_SLAB_MATCH(mapping, slab_cache);
SMM_SLAB_MATCH(index, freelist);
SMM_SLAB_MATCH(private, counters);
SMM_SLAB_MATCH(_mapcount, __unused);
SMM_SLAB_MATCH(_refcount, __page_refcount);
SMM_SLAB_MATCH(memcg_data, memcg_data);
static_assert(sizeof(struct smm_slab) <= sizeof(struct smm_page),
	      "struct smm_slab outgrows struct smm_page");
static_assert(sizeof(struct smm_page) == 64, "struct smm_page must be 64 bytes");

/* ZERO_SIZE_PTR: what kmalloc(0) returns; kfree() ignores it. */
#define SMM_ZERO_SIZE_PTR	((void *)16)
#define SMM_ZERO_OR_NULL_PTR(x)	((unsigned long)(x) <= (unsigned long)SMM_ZERO_SIZE_PTR)

/* GFP_RECLAIM_MASK | GFP_CONSTRAINT_MASK: what new_slab() passes on. */
#define SMM_GFP_SLAB_PASS	(SMM___GFP_RECLAIM | SMM___GFP_HIGH | \
				 SMM___GFP_ATOMIC | SMM___GFP_NOWARN | \
				 SMM___GFP_NORETRY | SMM___GFP_THISNODE)

enum smm_add_mode {
	SMM_DEACTIVATE_TO_HEAD,
	SMM_DEACTIVATE_TO_TAIL,
};

/* ---- small helpers (include/linux/log2.h, bitops.h, asm/page.h) -------- */

static unsigned int smm_fls(unsigned long x)
{
	return x ? BITS_PER_LONG - __builtin_clzl(x) : 0;
}

static unsigned int smm_ilog2(unsigned long x)
{
	return smm_fls(x) - 1;
}

/* get_order(): the smallest order whose block holds @size bytes. */
static unsigned int smm_get_order(unsigned long size)
{
	if (size <= PAGE_SIZE)
		return 0;
	return smm_fls((size - 1) >> PAGE_SHIFT);
}

static struct smm_slab_state *smm_ss(struct smm_machine *m)
{
	return m->slab;
}

static struct smm_kmem_cache_cpu *smm_cpu_slab(struct smm_machine *m,
					       struct smm_kmem_cache *s,
					       int cpu)
{
	return &s->cpu_slab[smm_cpu_index(m, cpu)];
}

static void smm_stat(struct smm_kmem_cache_cpu *c, enum smm_stat_item si)
{
	c->stat[si]++;
}

static struct smm_page *smm_slab_page(struct smm_slab *slab)
{
	return (struct smm_page *)slab;
}

static struct smm_slab *smm_page_slab(struct smm_page *page)
{
	return (struct smm_slab *)page;
}

static int smm_slab_nid(const struct smm_slab *slab)
{
	return smm_page_nid((const struct smm_page *)slab);
}

void *smm_slab_address(struct smm_machine *m, const struct smm_slab *slab)
{
	return smm_page_address(m, (const struct smm_page *)slab);
}

static void smm_set_freepointer(const struct smm_kmem_cache *s, void *object,
				void *fp)
{
	*(void **)((char *)object + s->offset) = fp;
}

/* order_objects() and oo_make() */
static unsigned int smm_order_objects(unsigned int order, unsigned int size)
{
	return (unsigned int)(PAGE_SIZE << order) / size;
}

static struct smm_kmem_cache_order_objects smm_oo_make(unsigned int order,
						       unsigned int size)
{
	struct smm_kmem_cache_order_objects x = {
		(order << SMM_OO_SHIFT) + smm_order_objects(order, size)
	};

	return x;
}

unsigned int smm_slab_order(const struct smm_kmem_cache *s,
			    const struct smm_slab *slab)
{
	/* v6.1 reads folio_order(); the object count tells oo from min */
	if (slab->objects == smm_oo_objects(s->oo))
		return smm_oo_order(s->oo);
	return smm_oo_order(s->min);
}

static struct smm_kmem_cache_node *smm_get_node(struct smm_kmem_cache *s,
						int node)
{
	return s->node[node];
}

/*
 * for_each_kmem_cache_node(): the shadow's nodes with memory. One step a
 * call, as the other walkers of the core (internal.h) do.
 */
static bool smm_next_cache_node(struct smm_machine *m, struct smm_kmem_cache *s,
				int *i, int *nid, struct smm_kmem_cache_node **n)
{
	if (*i >= m->nr_nodes)
		return false;
	*nid = m->node_ids[(*i)++];
	*n = smm_get_node(s, *nid);
	return true;
}

#define for_each_smm_cache_node(m, s, nid, n)				\
	for (int __smm_i = 0;						\
	     smm_next_cache_node(m, s, &__smm_i, &(nid), &(n));)

static bool smm_node_has_memory(struct smm_machine *m, int node)
{
	int i;

	for (i = 0; i < m->nr_nodes; i++)
		if (m->node_ids[i] == node)
			return true;
	return false;
}

/* nr_node_ids: the highest shadow node id + 1 */
static unsigned int smm_nr_node_ids(struct smm_machine *m)
{
	return m->node_ids[m->nr_nodes - 1] + 1;
}

/* kmem_cache_has_cpu_partial(): every shadow cache (no debug caches). */
static bool smm_has_cpu_partial(const struct smm_kmem_cache *s __always_unused)
{
	return true;
}

/* ---- sizing (calculate_sizes, calculate_order, set_min_partial) -------- */

/* calculate_alignment() of mm/slab_common.c */
static unsigned int smm_calculate_alignment(unsigned int flags,
					    unsigned int align,
					    unsigned int size)
{
	if (flags & SMM_SLAB_HWCACHE_ALIGN) {
		unsigned int ralign = SMM_CACHE_LINE_SIZE;

		/* small objects share a line rather than each take one */
		while (size <= ralign / 2)
			ralign /= 2;
		align = max(align, ralign);
	}
	align = max(align, SMM_ARCH_SLAB_MINALIGN);
	return ALIGN(align, sizeof(void *));
}

/*
 * calc_slab_order(): the lowest order from @min_objects objects up to
 * @max_order that wastes at most 1/@fract_leftover of the slab.
 */
static unsigned int smm_calc_slab_order(unsigned int size,
					unsigned int min_objects,
					unsigned int max_order,
					unsigned int fract_leftover)
{
	unsigned int min_order = 0;	/* slub_min_order */
	unsigned int order;

	if (smm_order_objects(min_order, size) > SMM_MAX_OBJS_PER_PAGE)
		return smm_get_order(size * SMM_MAX_OBJS_PER_PAGE) - 1;

	for (order = max(min_order, smm_get_order(min_objects * size));
	     order <= max_order; order++) {
		unsigned int slab_size = (unsigned int)PAGE_SIZE << order;

		if (slab_size % size <= slab_size / fract_leftover)
			break;
	}
	return order;
}

/*
 * calculate_order(): slub_max_order is PAGE_ALLOC_COSTLY_ORDER and
 * slub_min_objects 4 * (fls(nr_cpus) + 1); try ever less strict leftover
 * fractions, then fewer objects, then one object at any order.
 */
static int smm_calculate_order(struct smm_machine *m, unsigned int size)
{
	unsigned int max_order = SMM_PAGE_ALLOC_COSTLY_ORDER;
	unsigned int min_objects = smm_ss(m)->min_objects;
	unsigned int max_objects, order, fraction;

	max_objects = smm_order_objects(max_order, size);
	min_objects = min(min_objects, max_objects);

	while (min_objects > 1) {
		for (fraction = 16; fraction >= 4; fraction /= 2) {
			order = smm_calc_slab_order(size, min_objects,
						    max_order, fraction);
			if (order <= max_order)
				return order;
		}
		min_objects--;
	}
	order = smm_calc_slab_order(size, 1, max_order, 1);
	if (order <= max_order)
		return order;
	order = smm_calc_slab_order(size, 1, SMM_MAX_ORDER, 1);
	if (order < SMM_MAX_ORDER)
		return order;
	/* v6.1 returns -ENOSYS here */
	return -EINVAL;
}

/*
 * calculate_sizes() without the debug options: the free pointer in the
 * middle of the object (no ctor, no RCU, no poison), the object rounded
 * up to a word and then to the alignment.
 */
static bool smm_calculate_sizes(struct smm_machine *m,
				struct smm_kmem_cache *s)
{
	unsigned int size = ALIGN(s->object_size, sizeof(void *));
	int order;

	s->inuse = size;
	/* in the middle, so that a small overrun hits an object, not fp */
	s->offset = ALIGN_DOWN(s->object_size / 2, sizeof(void *));
	size = ALIGN(size, s->align);
	s->size = size;
	order = smm_calculate_order(m, size);
	if (order < 0)
		return false;

	s->allocflags = 0;
	if (s->flags & SMM_SLAB_CACHE_DMA)
		s->allocflags |= SMM___GFP_DMA;
	if (s->flags & SMM_SLAB_RECLAIM_ACCOUNT)
		s->allocflags |= SMM___GFP_RECLAIMABLE;
	s->oo = smm_oo_make(order, size);
	s->min = smm_oo_make(smm_get_order(size), size);
	return smm_oo_objects(s->oo) != 0;
}

static void smm_set_min_partial(struct smm_kmem_cache *s, unsigned long min)
{
	s->min_partial = clamp(min, (unsigned long)SMM_MIN_PARTIAL,
			       (unsigned long)SMM_MAX_PARTIAL);
}

/* set_cpu_partial() and slub_set_cpu_partial() */
static void smm_set_cpu_partial(struct smm_kmem_cache *s)
{
	unsigned int nr_objects;

	if (!smm_has_cpu_partial(s))
		nr_objects = 0;
	else if (s->size >= PAGE_SIZE)
		nr_objects = 6;
	else if (s->size >= 1024)
		nr_objects = 24;
	else if (s->size >= 256)
		nr_objects = 52;
	else
		nr_objects = 120;
	s->cpu_partial = nr_objects;
	s->cpu_partial_slabs = DIV_ROUND_UP(nr_objects * 2,
					    smm_oo_objects(s->oo));
}

/* ---- partial lists ------------------------------------------------------ */

static void smm_add_partial(struct smm_kmem_cache_node *n,
			    struct smm_slab *slab, enum smm_add_mode tail)
{
	n->nr_partial++;
	if (tail == SMM_DEACTIVATE_TO_TAIL)
		list_add_tail(&slab->slab_list, &n->partial);
	else
		list_add(&slab->slab_list, &n->partial);
}

static void smm_remove_partial(struct smm_kmem_cache_node *n,
			       struct smm_slab *slab)
{
	list_del(&slab->slab_list);
	n->nr_partial--;
}

/* ---- slab pages --------------------------------------------------------- */

/* The head smm_page of @page's block while the block is a slab. */
static struct smm_page *smm_compound_head(struct smm_page *page)
{
	unsigned long head = (unsigned long)page->lru.next;

	/* tails point at the head with bit 0 set, as compound_head does */
	if (head & 1)
		return (struct smm_page *)(head - 1);
	return page;
}

/*
 * The slab takes over the pages from the page allocator: PG_slab, the
 * tails pointing at the head. Slab memory is the slab's to write, so
 * verify= tags (which objects overwrite) are dropped here; the check
 * walk verifies slabs instead.
 */
static void smm_slab_claim_pages(struct smm_page *page, unsigned int order)
{
	unsigned long i;

	for (i = 0; i < (1UL << order); i++) {
		smm_clear_page_flag(&page[i], SMM_PG_verify);
		if (i)
			page[i].lru.next =
				(struct list_head *)((unsigned long)page | 1);
	}
}

static struct smm_page *smm_alloc_slab_page(struct smm_machine *m,
					    unsigned int gfp, int node,
					    struct smm_kmem_cache_order_objects oo)
{
	unsigned int order = smm_oo_order(oo);
	struct smm_page *page;

	page = smm_alloc_pages(m, gfp, order, node, NULL);
	if (!page)
		return NULL;
	smm_slab_claim_pages(page, order);
	smm_set_page_flag(page, SMM_PG_slab);
	return page;
}

/* inc_slabs_node(): early for kmem_cache_node itself, n is not there yet */
static void smm_inc_slabs_node(struct smm_kmem_cache *s, int node,
			       unsigned int objects)
{
	struct smm_kmem_cache_node *n = smm_get_node(s, node);
	unsigned long flags;

	if (!n)
		return;
	smm_spin_lock_irqsave(&n->list_lock, flags);
	n->nr_slabs++;
	n->total_objects += objects;
	smm_spin_unlock_irqrestore(&n->list_lock, flags);
}

/* dec_slabs_node(), with n->list_lock held */
static void smm_dec_slabs_node(struct smm_kmem_cache_node *n,
			       unsigned int objects)
{
	n->nr_slabs--;
	n->total_objects -= objects;
}

/*
 * allocate_slab(): s->oo without trying hard, then s->min as asked; the
 * objects linked in address order, all of them handed to the caller
 * (inuse == objects, frozen), as v6.1's new slab is.
 */
static struct smm_slab *smm_allocate_slab(struct smm_machine *m,
					  struct smm_kmem_cache *s,
					  struct smm_kmem_cache_cpu *c,
					  unsigned int gfp, int node)
{
	struct smm_kmem_cache_order_objects oo = s->oo;
	unsigned int flags = gfp | s->allocflags;
	unsigned int alloc_gfp = flags | SMM___GFP_NOWARN | SMM___GFP_NORETRY;
	struct smm_page *page;
	struct smm_slab *slab;
	char *start, *p;
	unsigned int idx;

	/*
	 * The first, higher order may fail under pressure rather than
	 * reclaim: v6.1 takes __GFP_RECLAIM away from it (and adds
	 * __GFP_NOMEMALLOC, which the shadow does not have: its only effect,
	 * no ALLOC_NON_BLOCK, reaches nothing but the empty highatomic lists).
	 */
	if ((alloc_gfp & SMM___GFP_DIRECT_RECLAIM) &&
	    smm_oo_order(oo) > smm_oo_order(s->min))
		alloc_gfp &= ~SMM___GFP_RECLAIM;
	page = smm_alloc_slab_page(m, alloc_gfp, node, oo);
	if (!page) {
		oo = s->min;
		page = smm_alloc_slab_page(m, flags, node, oo);
		if (!page)
			return NULL;
		if (c)
			smm_stat(c, SMM_ORDER_FALLBACK);
	}
	slab = smm_page_slab(page);
	slab->objects = smm_oo_objects(oo);
	slab->inuse = slab->objects;
	slab->frozen = 1;
	slab->slab_cache = s;

	start = smm_slab_address(m, slab);
	for (idx = 0, p = start; idx + 1 < slab->objects; idx++, p += s->size)
		smm_set_freepointer(s, p, p + s->size);
	smm_set_freepointer(s, p, NULL);
	slab->freelist = start;

	trace_allocate_slab(s->name, smm_oo_order(s->oo), smm_oo_order(oo),
			    slab->objects, smm_slab_nid(slab));
	smm_inc_slabs_node(s, smm_slab_nid(slab), slab->objects);
	if (c)
		smm_stat(c, SMM_ALLOC_SLAB);
	return slab;
}

/* new_slab(): only the reclaim and constraint bits reach the pages */
static struct smm_slab *smm_new_slab(struct smm_machine *m,
				     struct smm_kmem_cache *s,
				     struct smm_kmem_cache_cpu *c,
				     unsigned int gfp, int node)
{
	return smm_allocate_slab(m, s, c, gfp & SMM_GFP_SLAB_PASS, node);
}

/*
 * __free_slab(): the page forgets the slab (what smm_free_pages()
 * checks: the head's state flags, private == order) and goes back.
 */
static void smm_free_slab(struct smm_machine *m, struct smm_kmem_cache *s,
			  struct smm_slab *slab)
{
	struct smm_page *page = smm_slab_page(slab);
	unsigned int order = smm_slab_order(s, slab);
	unsigned long i;

	for (i = 1; i < (1UL << order); i++)
		page[i].lru.next = NULL;
	smm_clear_page_flag(page, SMM_PG_slab);
	page->mapping = NULL;
	page->index = 0;
	page->private = order;
	page->lru.next = NULL;
	page->lru.prev = NULL;
	smm_free_pages(m, page, order);
}

/*
 * discard_slab(): the node counters were dropped under list_lock by the
 * caller. The stat goes to @c when the caller holds its lock, else to
 * the calling CPU's structure.
 */
static void smm_discard_slab(struct smm_machine *m, struct smm_kmem_cache *s,
			     struct smm_slab *slab,
			     struct smm_kmem_cache_cpu *c_locked)
{
	struct smm_kmem_cache_cpu *c;
	unsigned long flags;
	int cpu;

	smm_free_slab(m, s, slab);
	if (c_locked) {
		smm_stat(c_locked, SMM_FREE_SLAB);
		return;
	}
	cpu = smm_get_cpu();
	c = smm_cpu_slab(m, s, cpu);
	smm_spin_lock_irqsave(&c->lock, flags);
	smm_stat(c, SMM_FREE_SLAB);
	smm_spin_unlock_irqrestore(&c->lock, flags);
	smm_put_cpu();
}

/* ---- taking slabs to a CPU and back ------------------------------------- */

/*
 * acquire_slab(): freeze a partial slab; @mode: take its freelist too (it
 * becomes the cpu slab), else it keeps it (for the cpu partial list).
 */
static void *smm_acquire_slab(struct smm_kmem_cache_node *n,
			      struct smm_slab *slab, bool mode)
{
	void *freelist = slab->freelist;

	if (mode) {
		slab->inuse = slab->objects;
		slab->freelist = NULL;
	}
	slab->frozen = 1;
	smm_remove_partial(n, slab);
	return freelist;
}

/*
 * put_cpu_partial()'s list push, c->lock held. With @drain and a full
 * list, the old list is returned to be unfrozen and this slab starts a
 * new one.
 */
static struct smm_slab *smm__put_cpu_partial(struct smm_kmem_cache *s,
					     struct smm_kmem_cache_cpu *c,
					     struct smm_slab *slab,
					     bool drain)
{
	struct smm_slab *oldslab = c->partial, *to_unfreeze = NULL;
	int slabs = 0;

	if (oldslab) {
		if (drain && oldslab->slabs >= (int)s->cpu_partial_slabs) {
			to_unfreeze = oldslab;
			oldslab = NULL;
		} else {
			slabs = oldslab->slabs;
		}
	}
	slab->slabs = slabs + 1;
	slab->next = oldslab;
	c->partial = slab;
	return to_unfreeze;
}

/*
 * get_partial_node(): the first partial slab becomes the cpu slab (its
 * freelist returned), more go to the cpu partial list until it holds
 * more than half of cpu_partial_slabs. c->lock held.
 */
static void *smm_get_partial_node(struct smm_kmem_cache *s,
				  struct smm_kmem_cache_node *n,
				  struct smm_kmem_cache_cpu *c,
				  struct smm_slab **ret_slab)
{
	struct smm_slab *slab, *slab2;
	unsigned int partial_slabs = 0;
	void *object = NULL;
	unsigned long flags;

	if (!n || !n->nr_partial)
		return NULL;
	smm_spin_lock_irqsave(&n->list_lock, flags);
	list_for_each_entry_safe(slab, slab2, &n->partial, slab_list) {
		void *t = smm_acquire_slab(n, slab, !object);

		if (!object) {
			*ret_slab = slab;
			object = t;
		} else {
			smm__put_cpu_partial(s, c, slab, false);
			partial_slabs++;
		}
		if (!smm_has_cpu_partial(s) ||
		    partial_slabs > s->cpu_partial_slabs / 2)
			break;
	}
	smm_spin_unlock_irqrestore(&n->list_lock, flags);
	return object;
}

/*
 * get_any_partial(): other nodes' partial lists, in the local node's
 * zonelist order, where they hold more than min_partial slabs. v6.1
 * skips this when get_cycles() % 1024 > remote_node_defrag_ratio (1000
 * by default: 2% of the time); the shadow, to stay deterministic,
 * always searches.
 */
static void *smm_get_any_partial(struct smm_machine *m,
				 struct smm_kmem_cache *s,
				 struct smm_kmem_cache_cpu *c,
				 int local, struct smm_slab **ret_slab)
{
	struct smm_zonelist *zl =
		&m->node_data[local].node_zonelists[SMM_ZONELIST_FALLBACK];
	struct smm_zoneref *z;
	int last = NUMA_NO_NODE;

	for (z = zl->_zonerefs; z->zone; z++) {
		int nid = z->zone->node;
		struct smm_kmem_cache_node *n;
		void *object;

		if (nid == last)
			continue;
		last = nid;
		n = smm_get_node(s, nid);
		if (!n || n->nr_partial <= s->min_partial)
			continue;
		object = smm_get_partial_node(s, n, c, ret_slab);
		if (object)
			return object;
	}
	return NULL;
}

/* get_partial() */
static void *smm_get_partial(struct smm_machine *m, struct smm_kmem_cache *s,
			     struct smm_kmem_cache_cpu *c, int node, int cpu,
			     struct smm_slab **ret_slab)
{
	int searchnode = node;
	void *object;

	if (node == NUMA_NO_NODE)
		searchnode = smm_numa_node_id(m, cpu);
	object = smm_get_partial_node(s, smm_get_node(s, searchnode), c,
				      ret_slab);
	if (object || node != NUMA_NO_NODE)
		return object;
	return smm_get_any_partial(m, s, c, searchnode, ret_slab);
}

/*
 * deactivate_slab(): the cpu freelist @freelist goes back onto the slab,
 * which is unfrozen and lands where its fill says: discarded when empty
 * and the node has min_partial slabs, on the partial list when it has
 * free objects (at the tail when others freed into it meanwhile), on no
 * list when full. The caller owns the slab (it was c->slab) and holds
 * c->lock.
 */
static void smm_deactivate_slab(struct smm_machine *m,
				struct smm_kmem_cache *s,
				struct smm_kmem_cache_cpu *c,
				struct smm_slab *slab, void *freelist)
{
	struct smm_kmem_cache_node *n = smm_get_node(s, smm_slab_nid(slab));
	enum smm_add_mode tail = SMM_DEACTIVATE_TO_HEAD;
	void *freelist_tail = NULL, *p;
	unsigned int free_delta = 0;
	bool discard = false;
	unsigned long flags;

	for (p = freelist; p; p = smm_get_freepointer(s, p)) {
		freelist_tail = p;
		free_delta++;
	}

	smm_spin_lock_irqsave(&n->list_lock, flags);
	if (slab->freelist)
		tail = SMM_DEACTIVATE_TO_TAIL;
	if (freelist_tail) {
		smm_set_freepointer(s, freelist_tail, slab->freelist);
		slab->freelist = freelist;
		slab->inuse -= free_delta;
	}
	slab->frozen = 0;
	if (!slab->inuse && n->nr_partial >= s->min_partial) {
		smm_dec_slabs_node(n, slab->objects);
		discard = true;
	} else if (slab->freelist) {
		smm_add_partial(n, slab, tail);
	}
	smm_spin_unlock_irqrestore(&n->list_lock, flags);
	if (discard)
		smm_discard_slab(m, s, slab, c);
}

/*
 * __unfreeze_partials(): a detached cpu partial list back to the nodes;
 * empty slabs beyond min_partial are discarded.
 */
static void smm__unfreeze_partials(struct smm_machine *m,
				   struct smm_kmem_cache *s,
				   struct smm_slab *partial_slab)
{
	struct smm_slab *slab, *slab_to_discard = NULL;
	unsigned long flags;

	while (partial_slab) {
		struct smm_kmem_cache_node *n;

		slab = partial_slab;
		partial_slab = slab->next;
		n = smm_get_node(s, smm_slab_nid(slab));
		smm_spin_lock_irqsave(&n->list_lock, flags);
		slab->frozen = 0;
		if (!slab->inuse && n->nr_partial >= s->min_partial) {
			smm_dec_slabs_node(n, slab->objects);
			slab->next = slab_to_discard;
			slab_to_discard = slab;
		} else {
			smm_add_partial(n, slab, SMM_DEACTIVATE_TO_TAIL);
		}
		smm_spin_unlock_irqrestore(&n->list_lock, flags);
	}
	while (slab_to_discard) {
		slab = slab_to_discard;
		slab_to_discard = slab_to_discard->next;
		smm_discard_slab(m, s, slab, NULL);
	}
}

/* put_cpu_partial() from __slab_free(): this CPU's list, drained if full */
static void smm_put_cpu_partial(struct smm_machine *m,
				struct smm_kmem_cache *s,
				struct smm_slab *slab)
{
	struct smm_kmem_cache_cpu *c;
	struct smm_slab *to_unfreeze;
	unsigned long flags;
	int cpu;

	cpu = smm_get_cpu();
	c = smm_cpu_slab(m, s, cpu);
	smm_spin_lock_irqsave(&c->lock, flags);
	to_unfreeze = smm__put_cpu_partial(s, c, slab, true);
	smm_stat(c, SMM_CPU_PARTIAL_FREE);
	if (to_unfreeze)
		smm_stat(c, SMM_CPU_PARTIAL_DRAIN);
	smm_spin_unlock_irqrestore(&c->lock, flags);
	smm_put_cpu();
	if (to_unfreeze)
		smm__unfreeze_partials(m, s, to_unfreeze);
}

/*
 * flush_cpu_slab() of one CPU, from any CPU (v6.1 runs it on the CPU by
 * IPI or work; the shadow takes that CPU's lock): the cpu slab is
 * deactivated, the cpu partial list unfrozen.
 */
static void smm_flush_cpu_slab(struct smm_machine *m, struct smm_kmem_cache *s,
			       unsigned int cpu)
{
	struct smm_kmem_cache_cpu *c = &s->cpu_slab[cpu];
	struct smm_slab *slab, *partial;
	unsigned long flags;
	void *freelist;

	smm_spin_lock_irqsave(&c->lock, flags);
	slab = c->slab;
	freelist = c->freelist;
	partial = c->partial;
	c->slab = NULL;
	c->freelist = NULL;
	c->partial = NULL;
	if (slab)
		smm_deactivate_slab(m, s, c, slab, freelist);
	smm_spin_unlock_irqrestore(&c->lock, flags);
	if (partial)
		smm__unfreeze_partials(m, s, partial);
}

static void smm_flush_all(struct smm_machine *m, struct smm_kmem_cache *s)
{
	unsigned int cpu;

	for (cpu = 0; cpu < m->nr_cpus; cpu++)
		smm_flush_cpu_slab(m, s, cpu);
}

/* ---- allocation --------------------------------------------------------- */

/* node_match() */
static bool smm_node_match(const struct smm_slab *slab, int node)
{
	return node == NUMA_NO_NODE || smm_slab_nid(slab) == node;
}

/*
 * get_freelist(): the objects freed into the cpu slab by others; when
 * none, the slab is unfrozen full (on no list). c->lock held.
 */
static void *smm_get_freelist(struct smm_kmem_cache *s, struct smm_slab *slab)
{
	struct smm_kmem_cache_node *n = smm_get_node(s, smm_slab_nid(slab));
	unsigned long flags;
	void *freelist;

	smm_spin_lock_irqsave(&n->list_lock, flags);
	freelist = slab->freelist;
	slab->freelist = NULL;
	slab->inuse = slab->objects;
	slab->frozen = !!freelist;
	smm_spin_unlock_irqrestore(&n->list_lock, flags);
	return freelist;
}

/*
 * ___slab_alloc(): the cpu freelist is empty or on the wrong node. In
 * order: what others freed into the cpu slab, the cpu partial list, the
 * node's partial list (get_partial), a new slab. c->lock is held
 * throughout, also around the page allocation, where v6.1 drops its
 * local lock: the shadow's page allocator never sleeps.
 */
static void *smm___slab_alloc(struct smm_machine *m, struct smm_kmem_cache *s,
			      struct smm_kmem_cache_cpu *c, unsigned int gfp,
			      int node, int cpu)
{
	struct smm_slab *slab;
	void *freelist;

	smm_stat(c, SMM_ALLOC_SLOWPATH);
	slab = c->slab;
	if (!slab) {
		/* a node without memory (slab_nodes): no constraint at all */
		if (node != NUMA_NO_NODE && !smm_node_has_memory(m, node))
			node = NUMA_NO_NODE;
		goto new_slab;
	}
redo:
	if (!smm_node_match(slab, node)) {
		/* a node without memory: any node will do */
		if (!smm_node_has_memory(m, node)) {
			node = NUMA_NO_NODE;
		} else {
			freelist = c->freelist;
			c->slab = NULL;
			c->freelist = NULL;
			smm_deactivate_slab(m, s, c, slab, freelist);
			goto new_slab;
		}
	}
	freelist = c->freelist;
	if (freelist)
		goto load_freelist;
	freelist = smm_get_freelist(s, slab);
	if (!freelist) {
		c->slab = NULL;
		goto new_slab;
	}
load_freelist:
	c->freelist = smm_get_freepointer(s, freelist);
	return freelist;

new_slab:
	if (c->partial) {
		slab = c->partial;
		c->slab = slab;
		c->partial = slab->next;
		smm_stat(c, SMM_CPU_PARTIAL_ALLOC);
		goto redo;
	}
	freelist = smm_get_partial(m, s, c, node, cpu, &slab);
	if (freelist)
		goto retry_load_slab;

	slab = smm_new_slab(m, s, c, gfp, node);
	if (!slab)
		return NULL;
	freelist = slab->freelist;
	slab->freelist = NULL;
retry_load_slab:
	c->slab = slab;
	goto load_freelist;
}

/* slab_alloc_node(): the cpu freelist, else ___slab_alloc() */
static void *smm_slab_alloc_node(struct smm_machine *m,
				 struct smm_kmem_cache *s, unsigned int gfp,
				 int node)
{
	struct smm_kmem_cache_cpu *c;
	unsigned long flags;
	struct smm_slab *slab;
	void *object;
	int cpu;

	cpu = smm_get_cpu();
	c = smm_cpu_slab(m, s, cpu);
	smm_spin_lock_irqsave(&c->lock, flags);
	object = c->freelist;
	slab = c->slab;
	if (!object || !slab || !smm_node_match(slab, node)) {
		object = smm___slab_alloc(m, s, c, gfp, node, cpu);
	} else {
		c->freelist = smm_get_freepointer(s, object);
		smm_stat(c, SMM_ALLOC_FASTPATH);
	}
	smm_spin_unlock_irqrestore(&c->lock, flags);
	smm_put_cpu();

	/* slab_want_init_on_alloc(): __GFP_ZERO clears object_size bytes */
	if (object && (gfp & SMM___GFP_ZERO))
		memset(object, 0, s->object_size);
	return object;
}

static u64 smm_obj_phys(const void *x)
{
	return x ? (u64)smm_virt_to_phys(x) : 0;
}

void *smm_kmem_cache_alloc(struct smm_machine *m, struct smm_kmem_cache *s,
			   unsigned int gfp)
{
	void *ret = smm_slab_alloc_node(m, s, gfp, NUMA_NO_NODE);

	trace_kmem_cache_alloc(s->name, smm_obj_phys(ret), s->object_size,
			       s->size, gfp, NUMA_NO_NODE);
	return ret;
}

void *smm_kmem_cache_alloc_node(struct smm_machine *m,
				struct smm_kmem_cache *s, unsigned int gfp,
				int node)
{
	void *ret = smm_slab_alloc_node(m, s, gfp, node);

	trace_kmem_cache_alloc(s->name, smm_obj_phys(ret), s->object_size,
			       s->size, gfp, node);
	return ret;
}

static void *smm_kmem_cache_zalloc(struct smm_machine *m,
				   struct smm_kmem_cache *s, unsigned int gfp)
{
	return smm_kmem_cache_alloc(m, s, gfp | SMM___GFP_ZERO);
}

/* ---- freeing ------------------------------------------------------------ */

/*
 * __slab_free(): the object goes onto its slab's freelist under the
 * node's list_lock. A full slab that gets a free object is frozen onto
 * this CPU's partial list; an empty one is discarded when the node
 * already has min_partial slabs.
 */
static void smm__slab_free(struct smm_machine *m, struct smm_kmem_cache *s,
			   struct smm_slab *slab, void *x)
{
	struct smm_kmem_cache_node *n = smm_get_node(s, smm_slab_nid(slab));
	bool to_cpu_partial = false, discard = false;
	unsigned long flags;
	bool was_frozen;
	void *prior;

	smm_spin_lock_irqsave(&n->list_lock, flags);
	prior = slab->freelist;
	was_frozen = slab->frozen;
	smm_set_freepointer(s, x, prior);
	slab->freelist = x;
	slab->inuse--;
	if (!was_frozen) {
		if (smm_has_cpu_partial(s) && !prior) {
			slab->frozen = 1;
			to_cpu_partial = true;
		} else if (!slab->inuse && n->nr_partial >= s->min_partial) {
			if (prior)
				smm_remove_partial(n, slab);
			smm_dec_slabs_node(n, slab->objects);
			discard = true;
		} else if (!prior) {
			smm_add_partial(n, slab, SMM_DEACTIVATE_TO_TAIL);
		}
	}
	smm_spin_unlock_irqrestore(&n->list_lock, flags);

	if (to_cpu_partial)
		smm_put_cpu_partial(m, s, slab);
	else if (discard)
		smm_discard_slab(m, s, slab, NULL);
}

/* do_slab_free(): onto the cpu freelist when it is this CPU's slab */
static void smm_slab_free(struct smm_machine *m, struct smm_kmem_cache *s,
			  struct smm_slab *slab, void *x)
{
	struct smm_kmem_cache_cpu *c;
	unsigned long flags;
	bool fast;
	int cpu;

	cpu = smm_get_cpu();
	c = smm_cpu_slab(m, s, cpu);
	smm_spin_lock_irqsave(&c->lock, flags);
	fast = slab == c->slab;
	if (fast) {
		smm_set_freepointer(s, x, c->freelist);
		c->freelist = x;
		smm_stat(c, SMM_FREE_FASTPATH);
	} else {
		smm_stat(c, SMM_FREE_SLOWPATH);
	}
	smm_spin_unlock_irqrestore(&c->lock, flags);
	smm_put_cpu();
	if (!fast)
		smm__slab_free(m, s, slab, x);
}

/* virt_to_slab(), inline for the free paths; smm_virt_to_slab() for the rest */
static __always_inline struct smm_slab *
smm__virt_to_slab(struct smm_machine *m, const void *x)
{
	struct smm_page *page;

	if (SMM_ZERO_OR_NULL_PTR(x))
		return NULL;
	page = smm__pfn_to_page(m, PHYS_PFN(smm_virt_to_phys(x)));
	if (!page)
		return NULL;
	page = smm_compound_head(page);
	if (!smm_test_page_flag(page, SMM_PG_slab))
		return NULL;
	return smm_page_slab(page);
}

struct smm_slab *smm_virt_to_slab(struct smm_machine *m, const void *x)
{
	return smm__virt_to_slab(m, x);
}

/*
 * cache_from_obj(): v6.1 (with CONFIG_SLAB_FREELIST_HARDENED) warns on a
 * free to the wrong cache and frees into the object's own; the shadow
 * says so once in the log, without a WARN.
 */
static struct smm_kmem_cache *smm_cache_from_obj(struct smm_kmem_cache *s,
						 struct smm_slab *slab)
{
	struct smm_kmem_cache *cachep = slab->slab_cache;

	if (cachep != s)
		pr_warn("shadowmm: cache_from_obj: Wrong slab cache. %s but object is from %s\n",
			s->name, cachep->name);
	return cachep;
}

void smm_kmem_cache_free(struct smm_machine *m, struct smm_kmem_cache *s,
			 void *x)
{
	struct smm_slab *slab = smm__virt_to_slab(m, x);

	if (!slab) {
		pr_warn("shadowmm: kmem_cache_free(%s): not a slab object\n",
			s->name);
		return;
	}
	s = smm_cache_from_obj(s, slab);
	trace_kmem_cache_free(s->name, smm_obj_phys(x));
	smm_slab_free(m, s, slab, x);
}

/* ---- kmalloc ------------------------------------------------------------ */

unsigned int smm_kmalloc_index(size_t size)
{
	if (!size)
		return 0;
	if (size <= SMM_KMALLOC_MIN_SIZE)
		return SMM_KMALLOC_SHIFT_LOW;
	if (size > 64 && size <= 96)
		return 1;
	if (size > 128 && size <= 192)
		return 2;
	/* the power of two that holds size: 16 -> 4 ... 2M -> 21 */
	return smm_fls(size - 1);
}

/* kmalloc_type(): reclaimable requests get the kmalloc-rcl-* caches */
static enum smm_kmalloc_cache_type smm_kmalloc_type(unsigned int gfp)
{
	return gfp & SMM___GFP_RECLAIMABLE ? SMM_KMALLOC_RECLAIM :
					     SMM_KMALLOC_NORMAL;
}

struct smm_kmem_cache *smm_kmalloc_slab(struct smm_machine *m, size_t size,
					unsigned int gfp)
{
	if (!size || size > SMM_KMALLOC_MAX_CACHE_SIZE || !smm_ss(m))
		return NULL;
	/* no dma-kmalloc-* caches in the shadow (no ZONE_DMA users) */
	if (gfp & SMM___GFP_DMA)
		return NULL;
	return smm_ss(m)->kmalloc_caches[smm_kmalloc_type(gfp)]
					[smm_kmalloc_index(size)];
}

/*
 * kmalloc_large_node(): above KMALLOC_MAX_CACHE_SIZE the pages come
 * straight from the page allocator (v6.1 adds __GFP_COMP: the shadow
 * has no compound pages, the order stays in the head's private).
 */
static void *smm_kmalloc_large_node(struct smm_machine *m, size_t size,
				    unsigned int gfp, int node)
{
	unsigned int order = smm_get_order(size);
	struct smm_page *page;
	void *ptr = NULL;

	page = smm_alloc_pages(m, gfp, order, node, NULL);
	if (page) {
		unsigned long i;

		/* the memory is the caller's: no verify tags over it */
		for (i = 0; i < (1UL << order); i++) {
			if (smm_test_page_flag(&page[i], SMM_PG_verify) &&
			    (gfp & SMM___GFP_ZERO))
				memset(smm_page_address(m, &page[i]), 0,
				       PAGE_SIZE);
			smm_clear_page_flag(&page[i], SMM_PG_verify);
		}
		ptr = smm_page_address(m, page);
		m->slab->large_allocs++;
	}
	trace_kmalloc("kmalloc_large", smm_obj_phys(ptr), size,
		      PAGE_SIZE << order, gfp, node);
	return ptr;
}

/* __do_kmalloc_node() */
void *smm_kmalloc_node(struct smm_machine *m, size_t size, unsigned int gfp,
		       int node)
{
	struct smm_kmem_cache *s;
	void *ret;

	if (!smm_slab_is_available(m))
		return NULL;
	if (size > SMM_KMALLOC_MAX_CACHE_SIZE)
		return smm_kmalloc_large_node(m, size, gfp, node);
	if (!size)
		return SMM_ZERO_SIZE_PTR;
	s = smm_kmalloc_slab(m, size, gfp);
	if (!s)
		return NULL;
	ret = smm_slab_alloc_node(m, s, gfp, node);
	trace_kmalloc(s->name, smm_obj_phys(ret), size, s->size, gfp, node);
	return ret;
}

void *smm_kmalloc(struct smm_machine *m, size_t size, unsigned int gfp)
{
	return smm_kmalloc_node(m, size, gfp, NUMA_NO_NODE);
}

void *smm_kzalloc(struct smm_machine *m, size_t size, unsigned int gfp)
{
	return smm_kmalloc_node(m, size, gfp | SMM___GFP_ZERO, NUMA_NO_NODE);
}

void *smm_kzalloc_node(struct smm_machine *m, size_t size, unsigned int gfp,
		       int node)
{
	return smm_kmalloc_node(m, size, gfp | SMM___GFP_ZERO, node);
}

/* free_large_kmalloc(): the order is the head's (private, set by prep) */
static void smm_free_large_kmalloc(struct smm_machine *m,
				   struct smm_page *page)
{
	m->slab->large_frees++;
	smm_free_pages(m, page, page->private);
}

void smm_kfree(struct smm_machine *m, const void *x)
{
	struct smm_slab *slab;
	struct smm_page *page;

	if (SMM_ZERO_OR_NULL_PTR(x)) {
		trace_kfree("", 0);
		return;
	}
	page = smm__pfn_to_page(m, PHYS_PFN(smm_virt_to_phys(x)));
	if (!page) {
		pr_warn("shadowmm: kfree of memory outside the shadow\n");
		return;
	}
	page = smm_compound_head(page);
	if (!smm_test_page_flag(page, SMM_PG_slab)) {
		trace_kfree("kmalloc_large", smm_obj_phys(x));
		smm_free_large_kmalloc(m, page);
		return;
	}
	slab = smm_page_slab(page);
	trace_kfree(slab->slab_cache->name, smm_obj_phys(x));
	smm_slab_free(m, slab->slab_cache, slab, (void *)x);
}

size_t smm_ksize(struct smm_machine *m, const void *x)
{
	struct smm_slab *slab = smm_virt_to_slab(m, x);
	struct smm_page *page;

	if (slab)
		return slab->slab_cache->object_size;
	if (SMM_ZERO_OR_NULL_PTR(x))
		return 0;
	page = smm__pfn_to_page(m, PHYS_PFN(smm_virt_to_phys(x)));
	return page ? PAGE_SIZE << page->private : 0;
}

/* ---- caches ------------------------------------------------------------- */

static void smm_init_kmem_cache_node(struct smm_kmem_cache_node *n)
{
	smm_spin_lock_init(&n->list_lock);
	n->nr_partial = 0;
	INIT_LIST_HEAD(&n->partial);
	n->nr_slabs = 0;
	n->total_objects = 0;
}

/*
 * early_kmem_cache_node_alloc(): the first kmem_cache_node of a node is
 * the first object of a slab of the (static) kmem_cache_node cache, put
 * by hand on that node's partial list.
 */
static int smm_early_kmem_cache_node_alloc(struct smm_machine *m, int node)
{
	struct smm_kmem_cache *kcn = smm_ss(m)->kmem_cache_node;
	struct smm_kmem_cache_node *n;
	struct smm_slab *slab;

	slab = smm_new_slab(m, kcn, NULL, 0, node);
	if (!slab)
		return -ENOMEM;
	/*
	 * v6.1 says so and carries on, the slab on the wrong node's list;
	 * the shadow's slab walk finds slabs through their own node, so
	 * this boot fails instead (only a node too full to hold one slab
	 * gets here).
	 */
	if (smm_slab_nid(slab) != node) {
		pr_err("shadowmm: SLUB: Unable to allocate memory from node %d\n",
		       node);
		smm_free_slab(m, kcn, slab);
		return -ENOMEM;
	}
	n = slab->freelist;
	slab->freelist = smm_get_freepointer(kcn, n);
	slab->inuse = 1;
	slab->frozen = 0;
	kcn->node[node] = n;
	smm_init_kmem_cache_node(n);
	n->nr_slabs++;
	n->total_objects += slab->objects;
	smm_add_partial(n, slab, SMM_DEACTIVATE_TO_HEAD);
	return 0;
}

static void smm_free_kmem_cache_nodes(struct smm_machine *m,
				      struct smm_kmem_cache *s)
{
	struct smm_kmem_cache_node *n;
	int nid;

	for_each_smm_cache_node(m, s, nid, n) {
		s->node[nid] = NULL;
		if (n)
			smm_kmem_cache_free(m, smm_ss(m)->kmem_cache_node, n);
	}
}

static int smm_init_kmem_cache_nodes(struct smm_machine *m,
				     struct smm_kmem_cache *s)
{
	int i, nid;

	for (i = 0; i < m->nr_nodes; i++) {
		struct smm_kmem_cache_node *n;

		nid = m->node_ids[i];
		if (smm_ss(m)->state == SMM_SLAB_DOWN) {
			if (smm_early_kmem_cache_node_alloc(m, nid))
				return -ENOMEM;
			continue;
		}
		n = smm_kmem_cache_alloc_node(m, smm_ss(m)->kmem_cache_node,
					      SMM_GFP_KERNEL, nid);
		if (!n)
			return -ENOMEM;
		smm_init_kmem_cache_node(n);
		s->node[nid] = n;
	}
	return 0;
}

/* alloc_kmem_cache_cpus(): host memory, one per shadow CPU slot */
static int smm_alloc_kmem_cache_cpus(struct smm_machine *m,
				     struct smm_kmem_cache *s)
{
	unsigned int cpu;

	s->cpu_slab = kcalloc(m->nr_cpus, sizeof(*s->cpu_slab), GFP_KERNEL);
	if (!s->cpu_slab)
		return -ENOMEM;
	for (cpu = 0; cpu < m->nr_cpus; cpu++)
		smm_spin_lock_init(&s->cpu_slab[cpu].lock);
	return 0;
}

/* kmem_cache_open() */
static int smm_kmem_cache_open(struct smm_machine *m, struct smm_kmem_cache *s,
			       unsigned int flags)
{
	s->flags = flags;
	if (!smm_calculate_sizes(m, s))
		return -EINVAL;
	smm_set_min_partial(s, smm_ilog2(s->size) / 2);
	smm_set_cpu_partial(s);
	if (smm_init_kmem_cache_nodes(m, s))
		goto error;
	if (smm_alloc_kmem_cache_cpus(m, s))
		goto error;
	return 0;
error:
	smm_free_kmem_cache_nodes(m, s);
	return -ENOMEM;
}

/* create_boot_cache(): kmalloc-style natural alignment of powers of two */
static int smm_create_boot_cache(struct smm_machine *m,
				 struct smm_kmem_cache *s, const char *name,
				 unsigned int size, unsigned int flags)
{
	unsigned int align = SMM_ARCH_KMALLOC_MINALIGN;

	strscpy(s->name, name, sizeof(s->name));
	s->size = size;
	s->object_size = size;
	if (is_power_of_2(size))
		align = max(align, size);
	s->align = smm_calculate_alignment(flags, align, size);
	s->refcount = -1;
	return smm_kmem_cache_open(m, s, flags);
}

static const char *const smm_kmalloc_names[SMM_NR_KMALLOC_TYPES] = {
	[SMM_KMALLOC_NORMAL] = "kmalloc-",
	[SMM_KMALLOC_RECLAIM] = "kmalloc-rcl-",
};

/* kmalloc_info[].size and its name suffix (8 ... 8k, 96, 192) */
static unsigned int smm_kmalloc_info_size(unsigned int idx)
{
	if (idx == 1)
		return 96;
	if (idx == 2)
		return 192;
	return 1u << idx;
}

static int smm_new_kmalloc_cache(struct smm_machine *m, unsigned int idx,
				 enum smm_kmalloc_cache_type type)
{
	unsigned int size = smm_kmalloc_info_size(idx);
	unsigned int flags = SMM_SLAB_KMALLOC;
	struct smm_kmem_cache *s;
	char name[SMM_SLAB_NAME_LEN];
	int ret;

	if (type == SMM_KMALLOC_RECLAIM)
		flags |= SMM_SLAB_RECLAIM_ACCOUNT;
	if (size >= 1024)
		snprintf(name, sizeof(name), "%s%uk", smm_kmalloc_names[type],
			 size / 1024);
	else
		snprintf(name, sizeof(name), "%s%u", smm_kmalloc_names[type],
			 size);
	s = smm_kmem_cache_zalloc(m, smm_ss(m)->kmem_cache, SMM_GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	ret = smm_create_boot_cache(m, s, name, size, flags);
	if (ret) {
		smm_kmem_cache_free(m, smm_ss(m)->kmem_cache, s);
		return ret;
	}
	s->refcount = 1;
	list_add(&s->list, &smm_ss(m)->caches);
	smm_ss(m)->kmalloc_caches[type][idx] = s;
	return 0;
}

/* create_kmalloc_caches(): 96 after 64, 192 after 128, as v6.1 orders them */
static int smm_create_kmalloc_caches(struct smm_machine *m)
{
	int type, i, ret;

	for (type = SMM_KMALLOC_NORMAL; type < SMM_NR_KMALLOC_TYPES; type++) {
		for (i = SMM_KMALLOC_SHIFT_LOW; i <= SMM_KMALLOC_SHIFT_HIGH; i++) {
			ret = smm_new_kmalloc_cache(m, i, type);
			if (!ret && i == 6)
				ret = smm_new_kmalloc_cache(m, 1, type);
			if (!ret && i == 7)
				ret = smm_new_kmalloc_cache(m, 2, type);
			if (ret)
				return ret;
		}
	}
	smm_ss(m)->state = SMM_SLAB_UP;
	return 0;
}

/*
 * bootstrap(): the static cache's contents move into an object of the
 * (now working) kmem_cache cache; its slabs, flushed to the partial
 * lists, learn their new owner.
 */
static struct smm_kmem_cache *smm_bootstrap(struct smm_machine *m,
					    struct smm_kmem_cache *static_cache)
{
	struct smm_kmem_cache *kc = smm_ss(m)->kmem_cache;
	struct smm_kmem_cache_node *n;
	struct smm_kmem_cache *s;
	struct smm_slab *p;
	int nid;

	s = smm_kmem_cache_zalloc(m, kc, SMM_GFP_KERNEL);
	if (!s)
		return NULL;
	memcpy(s, static_cache, kc->object_size);
	/* v6.1 flushes only the boot CPU: the shadow's boot may have moved */
	smm_flush_all(m, s);
	for_each_smm_cache_node(m, s, nid, n)
		list_for_each_entry(p, &n->partial, slab_list)
			p->slab_cache = s;
	list_add(&s->list, &smm_ss(m)->caches);
	return s;
}

/* kmem_cache_init() and slab_sysfs_init()'s state change */
int smm_kmem_cache_init(struct smm_machine *m)
{
	struct smm_slab_state *ss;
	int ret;

	ss = kzalloc(sizeof(*ss), GFP_KERNEL);
	if (!ss)
		return -ENOMEM;
	INIT_LIST_HEAD(&ss->caches);
	ss->state = SMM_SLAB_DOWN;
	/* num_present_cpus(): the shadow's per-cpu slots */
	ss->min_objects = 4 * (smm_fls(m->nr_cpus) + 1);
	m->slab = ss;

	ss->kmem_cache_node = &ss->boot_kmem_cache_node;
	ss->kmem_cache = &ss->boot_kmem_cache;
	ret = smm_create_boot_cache(m, ss->kmem_cache_node, "kmem_cache_node",
				    sizeof(struct smm_kmem_cache_node),
				    SMM_SLAB_HWCACHE_ALIGN);
	if (ret)
		goto fail;
	ss->state = SMM_SLAB_PARTIAL;
	ret = smm_create_boot_cache(m, ss->kmem_cache, "kmem_cache",
				    offsetof(struct smm_kmem_cache, node) +
				    smm_nr_node_ids(m) *
				    sizeof(struct smm_kmem_cache_node *),
				    SMM_SLAB_HWCACHE_ALIGN);
	if (ret)
		goto fail;
	ret = -ENOMEM;
	ss->kmem_cache = smm_bootstrap(m, &ss->boot_kmem_cache);
	if (!ss->kmem_cache)
		goto fail;
	ss->kmem_cache_node = smm_bootstrap(m, &ss->boot_kmem_cache_node);
	if (!ss->kmem_cache_node)
		goto fail;
	ret = smm_create_kmalloc_caches(m);
	if (ret)
		goto fail;
	ss->state = SMM_SLAB_FULL;
	return 0;
fail:
	/* the slabs go with the buddy allocator; only host memory is freed */
	smm_slab_teardown(m);
	return ret;
}

bool smm_slab_is_available(struct smm_machine *m)
{
	return m->slab && m->slab->state >= SMM_SLAB_UP;
}

/*
 * Forget the slab layer: its pages belong to the buddy allocator being
 * torn down with it; what is host memory (the per-cpu structures, the
 * state) is freed. The caches' list lives in shadow memory, still
 * mapped here.
 */
void smm_slab_teardown(struct smm_machine *m)
{
	struct smm_slab_state *ss = m->slab;
	struct smm_kmem_cache *s;

	if (!ss)
		return;
	list_for_each_entry(s, &ss->caches, list)
		kfree(s->cpu_slab);
	/* the boot caches own cpu_slab only until bootstrap() copied them */
	if (ss->kmem_cache == &ss->boot_kmem_cache)
		kfree(ss->boot_kmem_cache.cpu_slab);
	if (ss->kmem_cache_node == &ss->boot_kmem_cache_node)
		kfree(ss->boot_kmem_cache_node.cpu_slab);
	kfree(ss);
	m->slab = NULL;
}

struct smm_kmem_cache *smm_find_cache(struct smm_machine *m, const char *name)
{
	struct smm_kmem_cache *s;

	if (!m->slab)
		return NULL;
	list_for_each_entry(s, &m->slab->caches, list)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

/*
 * kmem_cache_create(): @flags limited to SLAB_FLAGS_PERMITTED, @align a
 * power of two (or 0). The shadow never merges caches (v6.1 aliases a
 * compatible existing cache unless slab_nomerge).
 */
struct smm_kmem_cache *smm_kmem_cache_create(struct smm_machine *m,
					     const char *name,
					     unsigned int size,
					     unsigned int align,
					     unsigned int flags)
{
	struct smm_kmem_cache *s;

	if (!smm_slab_is_available(m) || !name || !*name ||
	    strlen(name) >= SMM_SLAB_NAME_LEN || !size ||
	    size > SMM_KMALLOC_MAX_SIZE || (flags & ~SMM_SLAB_FLAGS_PERMITTED) ||
	    (align && !is_power_of_2(align)))
		return NULL;
	s = smm_kmem_cache_zalloc(m, m->slab->kmem_cache, SMM_GFP_KERNEL);
	if (!s)
		return NULL;
	strscpy(s->name, name, sizeof(s->name));
	s->size = size;
	s->object_size = size;
	s->align = smm_calculate_alignment(flags, align, size);
	s->refcount = 1;
	if (smm_kmem_cache_open(m, s, flags)) {
		smm_kmem_cache_free(m, m->slab->kmem_cache, s);
		return NULL;
	}
	list_add(&s->list, &m->slab->caches);
	return s;
}

static unsigned long smm_count_freelist(struct smm_kmem_cache *s, void *p)
{
	unsigned long nr = 0;

	for (; p; p = smm_get_freepointer(s, p))
		nr++;
	return nr;
}

/*
 * Objects allocated from @s: every node's total minus the free objects of
 * its partial slabs, the cpu slabs, their cpu freelists and the cpu
 * partial slabs (full slabs have none).
 */
unsigned long smm_objects_in_use(struct smm_machine *m,
				 struct smm_kmem_cache *s)
{
	struct smm_kmem_cache_node *n;
	unsigned long total = 0, nr_free = 0, flags, nflags;
	struct smm_slab *slab;
	unsigned int cpu;
	int nid;

	for (cpu = 0; cpu < m->nr_cpus; cpu++) {
		struct smm_kmem_cache_cpu *c = &s->cpu_slab[cpu];

		smm_spin_lock_irqsave(&c->lock, flags);
		nr_free += smm_count_freelist(s, c->freelist);
		if (c->slab) {
			n = smm_get_node(s, smm_slab_nid(c->slab));
			smm_spin_lock_irqsave(&n->list_lock, nflags);
			nr_free += c->slab->objects - c->slab->inuse;
			smm_spin_unlock_irqrestore(&n->list_lock, nflags);
		}
		for (slab = c->partial; slab; slab = slab->next) {
			n = smm_get_node(s, smm_slab_nid(slab));
			smm_spin_lock_irqsave(&n->list_lock, nflags);
			nr_free += slab->objects - slab->inuse;
			smm_spin_unlock_irqrestore(&n->list_lock, nflags);
		}
		smm_spin_unlock_irqrestore(&c->lock, flags);
	}
	for_each_smm_cache_node(m, s, nid, n) {
		smm_spin_lock_irqsave(&n->list_lock, flags);
		total += n->total_objects;
		list_for_each_entry(slab, &n->partial, slab_list)
			nr_free += slab->objects - slab->inuse;
		smm_spin_unlock_irqrestore(&n->list_lock, flags);
	}
	return total - nr_free;
}

/*
 * kmem_cache_destroy(): v6.1 flushes and frees what it can, then WARNs
 * ("Objects remaining in %s on __kmem_cache_shutdown()") and keeps the
 * cache. The shadow counts first and changes nothing when objects
 * remain: -EBUSY and one log line.
 */
int smm_kmem_cache_destroy(struct smm_machine *m, struct smm_kmem_cache *s)
{
	struct smm_kmem_cache_node *n;
	struct smm_slab *slab, *tmp;
	unsigned long inuse, flags;
	int nid;

	inuse = smm_objects_in_use(m, s);
	if (inuse) {
		pr_info("shadowmm: kmem_cache_destroy %s: Objects remaining in %s on __kmem_cache_shutdown(): %lu\n",
			s->name, s->name, inuse);
		return -EBUSY;
	}
	smm_flush_all(m, s);
	/* free_partial(): every slab is empty now */
	for_each_smm_cache_node(m, s, nid, n) {
		LIST_HEAD(discard);

		smm_spin_lock_irqsave(&n->list_lock, flags);
		list_for_each_entry_safe(slab, tmp, &n->partial, slab_list) {
			smm_remove_partial(n, slab);
			smm_dec_slabs_node(n, slab->objects);
			list_add(&slab->slab_list, &discard);
		}
		smm_spin_unlock_irqrestore(&n->list_lock, flags);
		list_for_each_entry_safe(slab, tmp, &discard, slab_list) {
			list_del(&slab->slab_list);
			smm_discard_slab(m, s, slab, NULL);
		}
	}
	list_del(&s->list);
	smm_free_kmem_cache_nodes(m, s);
	kfree(s->cpu_slab);
	smm_kmem_cache_free(m, m->slab->kmem_cache, s);
	return 0;
}

/* ---- shrinking ---------------------------------------------------------- */

#define SMM_SHRINK_PROMOTE_MAX 32

/*
 * __kmem_cache_do_shrink(): per node, under list_lock, the empty partial
 * slabs go to a discard list (the node counters dropped there) and the
 * slabs with 1..32 free objects are put at the head of the partial list,
 * fullest first, so allocations fill them up; the rest keep their order
 * behind them. The discarded slabs are freed after the lock, without a
 * FREE_SLAB stat (v6.1 calls free_slab(), not discard_slab(), here).
 * Returns 1 when a node still has slabs, as v6.1.
 */
static int smm__kmem_cache_do_shrink(struct smm_machine *m,
				     struct smm_kmem_cache *s)
{
	struct list_head promote[SMM_SHRINK_PROMOTE_MAX];
	struct smm_kmem_cache_node *n;
	struct smm_slab *slab, *t;
	unsigned long flags;
	int nid, i, ret = 0;

	for_each_smm_cache_node(m, s, nid, n) {
		LIST_HEAD(discard);

		for (i = 0; i < SMM_SHRINK_PROMOTE_MAX; i++)
			INIT_LIST_HEAD(promote + i);

		smm_spin_lock_irqsave(&n->list_lock, flags);
		list_for_each_entry_safe(slab, t, &n->partial, slab_list) {
			int free = slab->objects - slab->inuse;

			/*
			 * A full slab on the list: v6.1 BUG()s. The shadow
			 * leaves it in place for check to report.
			 */
			if (free <= 0)
				continue;
			if (free == slab->objects) {
				list_move(&slab->slab_list, &discard);
				n->nr_partial--;
				smm_dec_slabs_node(n, slab->objects);
			} else if (free <= SMM_SHRINK_PROMOTE_MAX) {
				list_move(&slab->slab_list, promote + free - 1);
			}
		}
		for (i = SMM_SHRINK_PROMOTE_MAX - 1; i >= 0; i--)
			list_splice(promote + i, &n->partial);
		smm_spin_unlock_irqrestore(&n->list_lock, flags);

		list_for_each_entry_safe(slab, t, &discard, slab_list) {
			list_del(&slab->slab_list);
			smm_free_slab(m, s, slab);
		}
		if (READ_ONCE(n->nr_slabs))
			ret = 1;
	}
	return ret;
}

/*
 * kmem_cache_shrink(): every CPU's slabs flushed to the node lists
 * (flush_all()), then the shrink above. No KASAN quarantine to drain.
 */
int smm_kmem_cache_shrink(struct smm_machine *m, struct smm_kmem_cache *s)
{
	smm_flush_all(m, s);
	return smm__kmem_cache_do_shrink(m, s);
}

void smm_slab_stats(struct smm_machine *m, struct smm_kmem_cache *s,
		    unsigned long stat[SMM_NR_SLUB_STAT_ITEMS])
{
	unsigned int cpu;
	int i;

	memset(stat, 0, SMM_NR_SLUB_STAT_ITEMS * sizeof(*stat));
	for (cpu = 0; cpu < m->nr_cpus; cpu++)
		for (i = 0; i < SMM_NR_SLUB_STAT_ITEMS; i++)
			stat[i] += READ_ONCE(s->cpu_slab[cpu].stat[i]);
}

/*
 * get_slabinfo(): objects on cpu freelists count as active, as in v6.1
 * (only the free objects of node partial slabs are subtracted).
 */
void smm_get_slabinfo(struct smm_machine *m, struct smm_kmem_cache *s,
		      struct smm_slabinfo *sinfo)
{
	struct smm_kmem_cache_node *n;
	unsigned long nr_free = 0, flags;
	struct smm_slab *slab;
	int nid;

	memset(sinfo, 0, sizeof(*sinfo));
	for_each_smm_cache_node(m, s, nid, n) {
		smm_spin_lock_irqsave(&n->list_lock, flags);
		sinfo->num_slabs += n->nr_slabs;
		sinfo->num_objs += n->total_objects;
		list_for_each_entry(slab, &n->partial, slab_list)
			nr_free += slab->objects - slab->inuse;
		smm_spin_unlock_irqrestore(&n->list_lock, flags);
	}
	sinfo->active_slabs = sinfo->num_slabs;
	sinfo->active_objs = sinfo->num_objs - nr_free;
	sinfo->objects_per_slab = smm_oo_objects(s->oo);
	sinfo->cache_order = smm_oo_order(s->oo);
}

static bool smm_on_freelist(struct smm_kmem_cache *s, void *p, const void *obj)
{
	for (; p; p = smm_get_freepointer(s, p))
		if (p == obj)
			return true;
	return false;
}

bool smm_slab_object_free(struct smm_machine *m, const void *obj)
{
	struct smm_slab *slab = smm_virt_to_slab(m, obj);
	struct smm_kmem_cache_node *n;
	struct smm_kmem_cache *s;
	unsigned long flags;
	unsigned int cpu;
	bool found;

	if (!slab)
		return false;
	s = slab->slab_cache;
	for (cpu = 0; cpu < m->nr_cpus; cpu++) {
		struct smm_kmem_cache_cpu *c = &s->cpu_slab[cpu];

		smm_spin_lock_irqsave(&c->lock, flags);
		found = c->slab == slab && smm_on_freelist(s, c->freelist, obj);
		smm_spin_unlock_irqrestore(&c->lock, flags);
		if (found)
			return true;
	}
	n = smm_get_node(s, smm_slab_nid(slab));
	smm_spin_lock_irqsave(&n->list_lock, flags);
	found = smm_on_freelist(s, slab->freelist, obj);
	smm_spin_unlock_irqrestore(&n->list_lock, flags);
	return found;
}

void *smm_slab_memblock_kzalloc(void *owner, phys_addr_t size, int nid)
{
	struct smm_machine *m = owner;
	struct smm_slab_state *ss = m->slab;

	if (!ss->memblock_warned) {
		ss->memblock_warned = true;
		pr_warn("shadowmm: memblock_alloc_internal: slab is available (v6.1: WARN_ON_ONCE), kzalloc_node(%llu, GFP_NOWAIT, %d) instead\n",
			(unsigned long long)size, nid);
	}
	ss->memblock_kzalloc++;
	if (size > SIZE_MAX)
		return NULL;
	return smm_kzalloc_node(m, size, SMM_GFP_NOWAIT, nid);
}
