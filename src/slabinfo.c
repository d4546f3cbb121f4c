// SPDX-License-Identifier: GPL-2.0
/*
 * The slab layer's views: /proc/slabinfo (slabinfo_show() of
 * mm/slab_common.c) and the values of /sys/kernel/slab/<cache>/ (the
 * *_show() functions of mm/slub.c), in the kernel's formats so that
 * slabinfo(8)-style parsers and a diff against the real files work.
 * Callers hold the ctl lock, so the cache list does not change under
 * them.
 */
#include "mm/internal.h"

void smm_show_slabinfo(struct smm_machine *m, smm_emit_fn emit, void *ctx)
{
	struct smm_kmem_cache *s;

	emit(ctx, "slabinfo - version: 2.1\n");
	emit(ctx,
	     "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n");
	if (!m->slab)
		return;
	list_for_each_entry(s, &m->slab->caches, list) {
		struct smm_slabinfo si;

		smm_get_slabinfo(m, s, &si);
		/* SLUB has no tunables: 0 0 0, and no shared arrays */
		emit(ctx,
		     "%-17s %6lu %6lu %6u %4u %4d : tunables %4u %4u %4u : slabdata %6lu %6lu %6lu\n",
		     s->name, si.active_objs, si.num_objs, s->size,
		     si.objects_per_slab, 1 << si.cache_order, 0, 0, 0,
		     si.active_slabs, si.num_slabs, 0UL);
	}
}

/* show_slab_objects()'s flags */
#define SMM_SO_ALL	BIT(0)	/* every slab (the node counters) */
#define SMM_SO_PARTIAL	BIT(1)	/* node partial slabs */
#define SMM_SO_CPU	BIT(2)	/* cpu slabs and cpu partial slabs */
#define SMM_SO_OBJECTS	BIT(3)	/* objects in use, not slabs */
#define SMM_SO_TOTAL	BIT(4)	/* all objects, not slabs */

/* "%lu" and " N<nid>=%lu" for each node with a count, as with CONFIG_NUMA */
static void smm_show_slab_objects(struct smm_machine *m,
				  struct smm_kmem_cache *s,
				  unsigned long so, smm_emit_fn emit,
				  void *ctx)
{
	unsigned long nodes[SMM_MAX_NUMNODES] = { 0 }, total = 0, flags;
	char line[16 * (SMM_MAX_NUMNODES + 1)];
	struct smm_slab *slab;
	unsigned int cpu;
	size_t len;
	int i;

	if (so & SMM_SO_CPU) {
		for (cpu = 0; cpu < m->nr_cpus; cpu++) {
			struct smm_kmem_cache_cpu *c = &s->cpu_slab[cpu];

			smm_spin_lock_irqsave(&c->lock, flags);
			slab = c->slab;
			if (slab) {
				unsigned long x = 1;

				if (so & SMM_SO_TOTAL)
					x = slab->objects;
				else if (so & SMM_SO_OBJECTS)
					x = slab->inuse;
				total += x;
				nodes[smm_page_nid((struct smm_page *)slab)] += x;
			}
			slab = c->partial;
			if (slab) {
				total += slab->slabs;
				nodes[smm_page_nid((struct smm_page *)slab)] +=
					slab->slabs;
			}
			smm_spin_unlock_irqrestore(&c->lock, flags);
		}
	}
	for (i = 0; i < m->nr_nodes && (so & (SMM_SO_ALL | SMM_SO_PARTIAL)); i++) {
		int nid = m->node_ids[i];
		struct smm_kmem_cache_node *n = s->node[nid];
		unsigned long x = 0;

		smm_spin_lock_irqsave(&n->list_lock, flags);
		if (so & SMM_SO_ALL) {
			if (so & SMM_SO_TOTAL) {
				x = n->total_objects;
			} else if (so & SMM_SO_OBJECTS) {
				x = n->total_objects;
				list_for_each_entry(slab, &n->partial, slab_list)
					x -= slab->objects - slab->inuse;
			} else {
				x = n->nr_slabs;
			}
		} else if (so & (SMM_SO_TOTAL | SMM_SO_OBJECTS)) {
			list_for_each_entry(slab, &n->partial, slab_list)
				x += so & SMM_SO_TOTAL ? slab->objects :
							 slab->inuse;
		} else {
			x = n->nr_partial;
		}
		smm_spin_unlock_irqrestore(&n->list_lock, flags);
		total += x;
		nodes[nid] += x;
	}
	len = snprintf(line, sizeof(line), "%lu", total);
	for (i = 0; i < SMM_MAX_NUMNODES && len < sizeof(line); i++)
		if (nodes[i])
			len += snprintf(line + len, sizeof(line) - len,
					" N%d=%lu", i, nodes[i]);
	emit(ctx, "%s\n", line);
}

/* show_stat(): the sum, then " C<cpu>=%u" for each CPU with a count */
static void smm_show_stat(struct smm_machine *m, struct smm_kmem_cache *s,
			  enum smm_stat_item si, smm_emit_fn emit, void *ctx)
{
	char line[192];
	unsigned long sum = 0;
	unsigned int cpu;
	size_t len;

	for (cpu = 0; cpu < m->nr_cpus; cpu++)
		sum += READ_ONCE(s->cpu_slab[cpu].stat[si]);
	len = snprintf(line, sizeof(line), "%lu", sum);
	for (cpu = 0; cpu < m->nr_cpus && len < sizeof(line); cpu++) {
		unsigned long x = READ_ONCE(s->cpu_slab[cpu].stat[si]);

		if (x)
			len += snprintf(line + len, sizeof(line) - len,
					" C%u=%lu", cpu, x);
	}
	emit(ctx, "%s\n", line);
}

/* slabs_cpu_partial_show(): half-full slabs are assumed */
static void smm_show_slabs_cpu_partial(struct smm_machine *m,
				       struct smm_kmem_cache *s,
				       smm_emit_fn emit, void *ctx)
{
	int per_cpu[64] = { 0 }, slabs = 0;
	char line[256];
	unsigned int cpu;
	size_t len;

	for (cpu = 0; cpu < m->nr_cpus && cpu < ARRAY_SIZE(per_cpu); cpu++) {
		struct smm_kmem_cache_cpu *c = &s->cpu_slab[cpu];
		unsigned long flags;

		smm_spin_lock_irqsave(&c->lock, flags);
		per_cpu[cpu] = c->partial ? c->partial->slabs : 0;
		smm_spin_unlock_irqrestore(&c->lock, flags);
		slabs += per_cpu[cpu];
	}
	len = snprintf(line, sizeof(line), "%d(%d)",
		       slabs * (int)smm_oo_objects(s->oo) / 2, slabs);
	for (cpu = 0; cpu < m->nr_cpus && cpu < ARRAY_SIZE(per_cpu) &&
	     len < sizeof(line); cpu++)
		if (per_cpu[cpu])
			len += snprintf(line + len, sizeof(line) - len,
					" C%u=%d(%d)", cpu,
					per_cpu[cpu] * (int)smm_oo_objects(s->oo) / 2,
					per_cpu[cpu]);
	emit(ctx, "%s\n", line);
}

const char *const smm_slab_attr_names[] = {
	"order", "objs_per_slab", "object_size", "slab_size", "align",
	"min_partial", "cpu_partial", "aliases", "objects",
	"objects_partial", "partial", "cpu_slabs", "slabs",
	"total_objects", "slabs_cpu_partial", "reclaim_account",
	"hwcache_align", "cache_dma", "destroy_by_rcu", "usersize",
	"alloc_fastpath", "alloc_slowpath", "free_fastpath",
	"free_slowpath", "alloc_slab", "free_slab", "order_fallback",
	"cpu_partial_alloc", "cpu_partial_free", "cpu_partial_drain",
	NULL
};

static const struct {
	const char *name;
	enum smm_stat_item si;
} smm_stat_attrs[] = {
	{ "alloc_fastpath", SMM_ALLOC_FASTPATH },
	{ "alloc_slowpath", SMM_ALLOC_SLOWPATH },
	{ "free_fastpath", SMM_FREE_FASTPATH },
	{ "free_slowpath", SMM_FREE_SLOWPATH },
	{ "alloc_slab", SMM_ALLOC_SLAB },
	{ "free_slab", SMM_FREE_SLAB },
	{ "order_fallback", SMM_ORDER_FALLBACK },
	{ "cpu_partial_alloc", SMM_CPU_PARTIAL_ALLOC },
	{ "cpu_partial_free", SMM_CPU_PARTIAL_FREE },
	{ "cpu_partial_drain", SMM_CPU_PARTIAL_DRAIN },
};

static const struct {
	const char *name;
	unsigned long so;
} smm_object_attrs[] = {
	{ "objects", SMM_SO_ALL | SMM_SO_OBJECTS },
	{ "objects_partial", SMM_SO_PARTIAL | SMM_SO_OBJECTS },
	{ "partial", SMM_SO_PARTIAL },
	{ "cpu_slabs", SMM_SO_CPU },
	{ "slabs", SMM_SO_ALL },
	{ "total_objects", SMM_SO_ALL | SMM_SO_TOTAL },
};

int smm_show_slab_attr(struct smm_machine *m, const char *cache,
		       const char *attr, smm_emit_fn emit, void *ctx)
{
	struct smm_kmem_cache *s = smm_find_cache(m, cache);
	unsigned int i;

	if (!s)
		return -ENOENT;
	for (i = 0; i < ARRAY_SIZE(smm_stat_attrs); i++)
		if (!strcmp(attr, smm_stat_attrs[i].name)) {
			smm_show_stat(m, s, smm_stat_attrs[i].si, emit, ctx);
			return 0;
		}
	for (i = 0; i < ARRAY_SIZE(smm_object_attrs); i++)
		if (!strcmp(attr, smm_object_attrs[i].name)) {
			smm_show_slab_objects(m, s, smm_object_attrs[i].so,
					      emit, ctx);
			return 0;
		}
	if (!strcmp(attr, "order"))
		emit(ctx, "%u\n", smm_oo_order(s->oo));
	else if (!strcmp(attr, "objs_per_slab"))
		emit(ctx, "%u\n", smm_oo_objects(s->oo));
	else if (!strcmp(attr, "object_size"))
		emit(ctx, "%u\n", s->object_size);
	else if (!strcmp(attr, "slab_size"))
		emit(ctx, "%u\n", s->size);
	else if (!strcmp(attr, "align"))
		emit(ctx, "%u\n", s->align);
	else if (!strcmp(attr, "min_partial"))
		emit(ctx, "%lu\n", s->min_partial);
	else if (!strcmp(attr, "cpu_partial"))
		emit(ctx, "%u\n", s->cpu_partial);
	else if (!strcmp(attr, "aliases"))
		emit(ctx, "%d\n", s->refcount < 0 ? 0 : s->refcount - 1);
	else if (!strcmp(attr, "slabs_cpu_partial"))
		smm_show_slabs_cpu_partial(m, s, emit, ctx);
	else if (!strcmp(attr, "reclaim_account"))
		emit(ctx, "%d\n", !!(s->flags & SMM_SLAB_RECLAIM_ACCOUNT));
	else if (!strcmp(attr, "hwcache_align"))
		emit(ctx, "%d\n", !!(s->flags & SMM_SLAB_HWCACHE_ALIGN));
	else if (!strcmp(attr, "cache_dma"))
		emit(ctx, "%d\n", !!(s->flags & SMM_SLAB_CACHE_DMA));
	else if (!strcmp(attr, "destroy_by_rcu"))
		emit(ctx, "0\n");
	else if (!strcmp(attr, "usersize"))
		/* kmalloc caches whitelist the whole object for usercopy */
		emit(ctx, "%u\n", s->flags & SMM_SLAB_KMALLOC ? s->object_size : 0);
	else
		return -ENOENT;
	return 0;
}
