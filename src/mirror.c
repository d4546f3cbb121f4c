// SPDX-License-Identifier: GPL-2.0
/*
 * The mirror's replay core: host page-allocator events applied to the
 * shadow (see include/shadowmm/mirror.h). The module calls it from
 * tracepoint probes, i.e. from any context the host allocates or frees
 * pages in, interrupts off; so nothing here sleeps or allocates after
 * smm_mirror_init(), and the shadow allocator it calls does not either
 * (src/mm/page_alloc.c takes only its own spinlocks on its hot path).
 *
 * Order of events for one pfn: the host holds a page from the return of
 * its allocation to the start of its free. mm_page_alloc fires before
 * __alloc_pages() returns and mm_page_free at the start of
 * free_pages_prepare(), before the page is back on a host list, and each
 * probe applies its event under mm->lock before it returns. So the alloc
 * of a pfn is in the table before any free of it can start, on whatever
 * CPU, and a free is applied before the host can hand the pfn out again.
 * The one lock over every application also makes the log order the
 * order the shadow saw, which is what lets a replay reproduce it.
 */
#include "shadowmm/mirror.h"
#include "shadowmm/vmstat.h"

const char *const smm_mirror_stat_names[SMM_MIRROR_NR_STATS] = {
	[SMM_MST_ALLOCS] = "allocs",
	[SMM_MST_MIRRORED] = "mirrored",
	[SMM_MST_FILTERED] = "filtered",
	[SMM_MST_SHADOW_FAIL] = "shadow_failures",
	[SMM_MST_TABLE_FULL] = "table_full",
	[SMM_MST_HOST_FAIL] = "host_failures",
	[SMM_MST_STALE] = "stale",
	[SMM_MST_FREES] = "frees",
	[SMM_MST_UNMATCHED] = "unmatched_frees",
	[SMM_MST_BATCHED_ECHO] = "batched_echoes",
	[SMM_MST_ORDER_MISMATCH] = "order_mismatches",
	[SMM_MST_DROPPED] = "dropped",
	[SMM_MST_LOG_LOST] = "log_lost",
};

int smm_mirror_init(struct smm_mirror *mm, unsigned long entries,
		    unsigned int log_size, unsigned int nr_cpus)
{
	unsigned int bits = 1;

	memset(mm, 0, sizeof(*mm));
	if (entries < SMM_MIRROR_ENTRIES_MIN ||
	    entries > SMM_MIRROR_ENTRIES_MAX || log_size > SMM_MIRROR_LOG_MAX ||
	    !nr_cpus)
		return -EINVAL;
	/* at most half full: linear probes stay short */
	while ((1UL << bits) < 2 * entries)
		bits++;
	smm_spin_lock_init(&mm->lock);
	mm->entries = entries;
	mm->slot_bits = bits;
	mm->nr_cpus = nr_cpus;
	mm->log_size = log_size;
	mm->slots = kvcalloc(1UL << bits, sizeof(*mm->slots), GFP_KERNEL);
	mm->pcpu = kvcalloc(nr_cpus, sizeof(*mm->pcpu), GFP_KERNEL);
	if (log_size)
		mm->log = kvcalloc(log_size, sizeof(*mm->log), GFP_KERNEL);
	if (!mm->slots || !mm->pcpu || (log_size && !mm->log)) {
		smm_mirror_destroy(mm);
		return -ENOMEM;
	}
	smm_mirror_filter_any(&mm->filter);
	return 0;
}

void smm_mirror_destroy(struct smm_mirror *mm)
{
	kvfree(mm->slots);
	kvfree(mm->pcpu);
	kvfree(mm->log);
	mm->slots = NULL;
	mm->pcpu = NULL;
	mm->log = NULL;
}

void smm_mirror_clear(struct smm_mirror *mm)
{
	memset(mm->slots, 0, sizeof(*mm->slots) << mm->slot_bits);
	memset(mm->pcpu, 0, sizeof(*mm->pcpu) * mm->nr_cpus);
	mm->used = 0;
	mm->log_seq = 0;
}

void smm_mirror_filter_any(struct smm_mirror_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->pid = -1;
	f->order_hi = SMM_MAX_ORDER - 1;
	f->host_nid = -1;
}

bool smm_mirror_filter_match(const struct smm_mirror_filter *f, int pid,
			     const char *comm, unsigned int order,
			     int host_nid)
{
	if (f->pid >= 0 && pid != f->pid)
		return false;
	if (f->comm[0] && strncmp(comm, f->comm, SMM_MIRROR_COMM_LEN))
		return false;
	if (order < f->order_lo || order > f->order_hi)
		return false;
	return f->host_nid < 0 || host_nid == f->host_nid;
}

unsigned int smm_mirror_gfp(unsigned int gfp, int migratetype)
{
	gfp &= SMM___GFP_BITS & ~SMM___GFP_ZERO;
	switch (migratetype) {
	case SMM_MIGRATE_UNMOVABLE:
		return gfp & ~SMM_GFP_MOVABLE_MASK;
	case SMM_MIGRATE_MOVABLE:
		return (gfp & ~SMM___GFP_RECLAIMABLE) | SMM___GFP_MOVABLE;
	case SMM_MIGRATE_RECLAIMABLE:
		return (gfp & ~SMM___GFP_MOVABLE) | SMM___GFP_RECLAIMABLE;
	default:
		return gfp;
	}
}

int smm_mirror_shadow_node(const struct smm_machine *m, int host_nid)
{
	int i;

	if (!m->cfg.fake_nodes)
		for (i = 0; i < m->nr_nodes; i++)
			if (m->node_ids[i] == host_nid)
				return host_nid;
	if (host_nid >= 0 && host_nid < SMM_MAX_NUMNODES &&
	    m->shadow_of_real[host_nid])
		return m->shadow_of_real[host_nid] - 1;
	return m->nr_nodes ? m->node_ids[0] : 0;
}

void smm_mirror_count(struct smm_mirror *mm, int cpu,
		      enum smm_mirror_stat stat)
{
	mm->pcpu[(unsigned int)cpu % mm->nr_cpus].stat[stat]++;
}

/* ---- the host pfn table: linear probing, backward-shift deletion ---- */

static unsigned long slot_hash(const struct smm_mirror *mm, unsigned long pfn)
{
	return (unsigned long)(((u64)pfn * 0x9e3779b97f4a7c15ULL) >>
			       (64 - mm->slot_bits));
}

static struct smm_mirror_slot *slot_find(struct smm_mirror *mm,
					 unsigned long pfn)
{
	unsigned long mask = (1UL << mm->slot_bits) - 1;
	unsigned long i = slot_hash(mm, pfn);

	for (; mm->slots[i].key; i = (i + 1) & mask)
		if (mm->slots[i].key == pfn + 1)
			return &mm->slots[i];
	return NULL;
}

static void slot_insert(struct smm_mirror *mm, unsigned long pfn,
			unsigned long shadow_pfn, unsigned int order)
{
	unsigned long mask = (1UL << mm->slot_bits) - 1;
	unsigned long i = slot_hash(mm, pfn);

	while (mm->slots[i].key)
		i = (i + 1) & mask;
	mm->slots[i].key = pfn + 1;
	mm->slots[i].shadow_pfn = shadow_pfn;
	mm->slots[i].order = order;
	mm->used++;
}

/* Empty @s and move back whatever a probe sequence would miss now. */
static void slot_delete(struct smm_mirror *mm, struct smm_mirror_slot *s)
{
	unsigned long mask = (1UL << mm->slot_bits) - 1;
	unsigned long hole = s - mm->slots, i = hole, home;

	for (;;) {
		i = (i + 1) & mask;
		if (!mm->slots[i].key)
			break;
		home = slot_hash(mm, mm->slots[i].key - 1);
		/* can the entry at i live at the hole? (cyclic hole..i) */
		if (((i - home) & mask) >= ((i - hole) & mask)) {
			mm->slots[hole] = mm->slots[i];
			hole = i;
		}
	}
	mm->slots[hole].key = 0;
	mm->used--;
}

/* ---- applying events --------------------------------------------------- */

static void log_event(struct smm_mirror *mm, const struct smm_mirror_event *ev,
		      struct smm_mirror_pcpu *pc)
{
	struct smm_mirror_rec *r;

	if (!mm->log_size)
		return;
	if (mm->log_seq >= mm->log_size)
		pc->stat[SMM_MST_LOG_LOST]++;
	r = &mm->log[mm->log_seq % mm->log_size];
	r->seq = mm->log_seq++;
	r->pfn = ev->pfn;
	r->gfp = ev->gfp;
	r->pid = ev->pid;
	r->cpu = ev->cpu;
	r->nid = ev->nid;
	r->order = ev->order;
	r->type = ev->type;
}

static void shadow_free(struct smm_mirror *mm, struct smm_machine *m,
			struct smm_mirror_slot *s)
{
	struct smm_page *page = smm_pfn_to_page(m, s->shadow_pfn);
	unsigned int order = s->order;

	slot_delete(mm, s);
	if (page)
		smm_free_pages(m, page, order);
}

static void apply_alloc(struct smm_mirror *mm, struct smm_machine *m,
			const struct smm_mirror_event *ev,
			struct smm_mirror_pcpu *pc)
{
	struct smm_mirror_slot *s = slot_find(mm, ev->pfn);
	struct smm_page *page;
	unsigned long spfn;

	pc->stat[SMM_MST_ALLOCS]++;
	if (s) {
		/* its free never reached us: the host has it again anyway */
		pc->stat[SMM_MST_STALE]++;
		shadow_free(mm, m, s);
	}
	if (mm->used >= mm->entries) {
		pc->stat[SMM_MST_TABLE_FULL]++;
		return;
	}
	page = smm_alloc_pages(m, ev->gfp, ev->order, ev->nid, NULL);
	if (!page) {
		pc->stat[SMM_MST_SHADOW_FAIL]++;
		return;
	}
	spfn = smm_page_to_pfn(m, page);
	if (spfn != (u32)spfn) {
		/* the table keeps 32-bit shadow pfns (16 TiB) */
		smm_free_pages(m, page, ev->order);
		pc->stat[SMM_MST_TABLE_FULL]++;
		return;
	}
	slot_insert(mm, ev->pfn, spfn, ev->order);
	pc->stat[SMM_MST_MIRRORED]++;
}

static void apply_free(struct smm_mirror *mm, struct smm_machine *m,
		       const struct smm_mirror_event *ev,
		       struct smm_mirror_pcpu *pc)
{
	struct smm_mirror_slot *s = slot_find(mm, ev->pfn);

	if (!s) {
		/*
		 * free_unref_page_list() (6.1) and free_unref_folios()
		 * (6.12) report every page twice: mm_page_free from
		 * free_pages_prepare(), then mm_page_free_batched, before
		 * the page can be allocated again. The second is an echo.
		 */
		pc->stat[ev->type == SMM_MIRROR_FREE_BATCHED ?
			 SMM_MST_BATCHED_ECHO : SMM_MST_UNMATCHED]++;
		return;
	}
	/*
	 * A split block (split_page(), a split THP) is freed piecewise: the
	 * head's free returns the whole shadow block, the tails are
	 * unmatched. batched events always say order 0.
	 */
	if (ev->type == SMM_MIRROR_FREE && ev->order != s->order)
		pc->stat[SMM_MST_ORDER_MISMATCH]++;
	shadow_free(mm, m, s);
	pc->stat[SMM_MST_FREES]++;
}

void smm_mirror_apply(struct smm_mirror *mm, struct smm_machine *m,
		      const struct smm_mirror_event *ev)
{
	struct smm_mirror_pcpu *pc = &mm->pcpu[(unsigned int)ev->cpu %
					       mm->nr_cpus];
	unsigned long flags;

	/*
	 * Re-entry on this CPU (say, a BPF program on a shadowmm tracepoint
	 * that allocates a host page): mm->lock is held below us, so drop.
	 */
	if (pc->active) {
		if (ev->type == SMM_MIRROR_ALLOC)
			pc->stat[SMM_MST_ALLOCS]++;
		pc->stat[SMM_MST_DROPPED]++;
		return;
	}
	pc->active = true;
	smm_spin_lock_irqsave(&mm->lock, flags);
	log_event(mm, ev, pc);
	if (ev->type == SMM_MIRROR_ALLOC)
		apply_alloc(mm, m, ev, pc);
	else
		apply_free(mm, m, ev, pc);
	smm_spin_unlock_irqrestore(&mm->lock, flags);
	pc->active = false;
}

/*
 * Free every shadow block the table holds and empty it; the count freed.
 * For a caller whose probes are off, so that no event can run meanwhile
 * (bench mirror=on: src/kernel/bench.c). Not `mirror off`, which keeps
 * what was mirrored for the views.
 */
unsigned long smm_mirror_release(struct smm_mirror *mm, struct smm_machine *m)
{
	unsigned long i, freed = 0;

	for (i = 0; i < (1UL << mm->slot_bits); i++) {
		struct smm_mirror_slot *s = &mm->slots[i];
		struct smm_page *page;

		if (!s->key)
			continue;
		page = smm_pfn_to_page(m, s->shadow_pfn);
		if (page)
			smm_free_pages(m, page, s->order);
		s->key = 0;
		freed++;
	}
	mm->used = 0;
	return freed;
}

/* ---- views ------------------------------------------------------------ */

void smm_mirror_stats_sum(struct smm_mirror *mm,
			  u64 sum[SMM_MIRROR_NR_STATS])
{
	unsigned int cpu, i;

	memset(sum, 0, sizeof(u64) * SMM_MIRROR_NR_STATS);
	for (cpu = 0; cpu < mm->nr_cpus; cpu++)
		for (i = 0; i < SMM_MIRROR_NR_STATS; i++)
			sum[i] += READ_ONCE(mm->pcpu[cpu].stat[i]);
}

void smm_show_mirror_stats(struct smm_mirror *mm, smm_emit_fn emit,
			   void *ctx)
{
	u64 sum[SMM_MIRROR_NR_STATS];
	unsigned int i;

	smm_mirror_stats_sum(mm, sum);
	for (i = 0; i < SMM_MIRROR_NR_STATS; i++)
		emit(ctx, "%s %llu\n", smm_mirror_stat_names[i],
		     (unsigned long long)sum[i]);
	emit(ctx, "table_used %lu\n", READ_ONCE(mm->used));
	emit(ctx, "table_entries %lu\n", mm->entries);
}

static const struct {
	const char *name;
	unsigned int gfp;
} smm_gfp_names[] = {
	/*
	 * the composites show_gfp_flags() prints first, as it does, as the
	 * shadow's bits (the kernel's __GFP_IO, __GFP_FS, __GFP_HARDWALL,
	 * __GFP_COMP and __GFP_NOMEMALLOC have none)
	 */
	{ "GFP_TRANSHUGE", (SMM_GFP_HIGHUSER_MOVABLE & ~SMM___GFP_KSWAPD_RECLAIM) |
			   SMM___GFP_NOWARN },
	{ "GFP_TRANSHUGE_LIGHT", (SMM_GFP_HIGHUSER_MOVABLE & ~SMM___GFP_RECLAIM) |
				 SMM___GFP_NOWARN },
	{ "GFP_HIGHUSER_MOVABLE", SMM_GFP_HIGHUSER_MOVABLE },
	{ "GFP_HIGHUSER", SMM___GFP_RECLAIM | SMM___GFP_HIGHMEM },
	{ "GFP_USER", SMM___GFP_RECLAIM },
	{ "GFP_KERNEL_ACCOUNT", SMM_GFP_KERNEL },
	{ "GFP_KERNEL", SMM_GFP_KERNEL },
	{ "GFP_NOFS", SMM___GFP_RECLAIM },
	{ "GFP_ATOMIC", SMM_GFP_ATOMIC },
	{ "GFP_NOIO", SMM___GFP_RECLAIM },
	{ "GFP_NOWAIT", SMM_GFP_NOWAIT },
	{ "GFP_DMA", SMM___GFP_DMA },
	{ "GFP_DMA32", SMM___GFP_DMA32 },
	{ "__GFP_RECLAIM", SMM___GFP_RECLAIM },
	{ "none", 0 },
	/* the single bits the shadow acts on; the log prints these */
	{ "__GFP_DMA", SMM___GFP_DMA },
	{ "__GFP_HIGHMEM", SMM___GFP_HIGHMEM },
	{ "__GFP_DMA32", SMM___GFP_DMA32 },
	{ "__GFP_MOVABLE", SMM___GFP_MOVABLE },
	{ "__GFP_RECLAIMABLE", SMM___GFP_RECLAIMABLE },
	{ "__GFP_HIGH", SMM___GFP_HIGH },
	{ "__GFP_ATOMIC", SMM___GFP_ATOMIC },
	{ "__GFP_THISNODE", SMM___GFP_THISNODE },
	{ "__GFP_NOWARN", SMM___GFP_NOWARN },
	{ "__GFP_DIRECT_RECLAIM", SMM___GFP_DIRECT_RECLAIM },
	{ "__GFP_KSWAPD_RECLAIM", SMM___GFP_KSWAPD_RECLAIM },
	{ "__GFP_NORETRY", SMM___GFP_NORETRY },
};

void smm_mirror_gfp_name(unsigned int gfp, char *buf, size_t len)
{
	size_t i, at = 0;

	buf[0] = '\0';
	/* the single-bit names only: they read back to exactly @gfp */
	for (i = 0; i < ARRAY_SIZE(smm_gfp_names); i++) {
		unsigned int g = smm_gfp_names[i].gfp;

		if (strncmp(smm_gfp_names[i].name, "__GFP_", 6) || !g ||
		    (gfp & g) != g)
			continue;
		at += snprintf(buf + at, len - min(at, len), "%s%s",
			       at ? "|" : "", smm_gfp_names[i].name);
		gfp &= ~g;
	}
	if (!at)
		snprintf(buf, len, "none");
}

static bool flag_word(const char *s, size_t len)
{
	size_t i;

	if (len > 2 && s[0] == '0' && s[1] == 'x') {
		for (i = 2; i < len; i++)
			if (!((s[i] >= '0' && s[i] <= '9') ||
			      (s[i] >= 'a' && s[i] <= 'f') ||
			      (s[i] >= 'A' && s[i] <= 'F')))
				return false;
		return true;
	}
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_' ||
		      (s[i] >= '0' && s[i] <= '9')))
			return false;
	return len > 0;
}

int smm_mirror_parse_gfp(const char *s, size_t len, unsigned int *gfp)
{
	size_t i, w;

	*gfp = 0;
	if (!len)
		return -EINVAL;
	for (;;) {
		for (w = 0; w < len && s[w] != '|'; w++)
			;
		for (i = 0; i < ARRAY_SIZE(smm_gfp_names); i++)
			if (strlen(smm_gfp_names[i].name) == w &&
			    !strncmp(smm_gfp_names[i].name, s, w))
				break;
		if (i < ARRAY_SIZE(smm_gfp_names))
			*gfp |= smm_gfp_names[i].gfp;
		else if (!flag_word(s, w))
			return -EINVAL;
		/* else a flag the shadow does not act on (__GFP_IO ...) */
		if (w == len)
			return 0;
		s += w + 1;
		len -= w + 1;
	}
}

static const char *const smm_mirror_type_names[] = {
	[SMM_MIRROR_ALLOC] = "mm_page_alloc",
	[SMM_MIRROR_FREE] = "mm_page_free",
	[SMM_MIRROR_FREE_BATCHED] = "mm_page_free_batched",
};

static void show_log_header(struct smm_mirror *mm, struct smm_machine *m,
			    smm_emit_fn emit, void *ctx, u64 first)
{
	unsigned int i;
	int a, b;

	emit(ctx, "# shadowmm mirror log 1\n");
	emit(ctx, "# cpus %u\n", m->nr_cpus);
	emit(ctx, "# cpu_nodes");
	for (i = 0; i < m->nr_cpus; i++)
		emit(ctx, "%s%d", i ? "," : " ", smm_cpu_to_node(i));
	emit(ctx, "\n");
	emit(ctx, "# entries %lu\n", mm->entries);
	emit(ctx, "# config firmware_size=%llu kernel_size=%llu",
	     (unsigned long long)m->cfg.firmware_size,
	     (unsigned long long)m->cfg.kernel_size);
	emit(ctx, " initrd_size=%llu zone_layout=%s",
	     (unsigned long long)m->cfg.initrd_size,
	     m->cfg.zone_layout == SMM_ZONE_LAYOUT_REAL ? "real" : "scaled");
	emit(ctx, " min_free_kbytes=%lu nodes=%u slab=%d",
	     m->cfg.min_free_kbytes, m->cfg.fake_nodes, m->cfg.slab ? 1 : 0);
	/* the memory map's model decides where memblock puts it */
	emit(ctx, " memory_model=%s section_size=%llu\n",
	     m->cfg.memory_model == SMM_MEMORY_MODEL_SPARSEMEM ?
	     "sparsemem" : "flatmem",
	     (unsigned long long)m->cfg.section_size);
	for (i = 0; i < m->region.nr_chunks; i++)
		emit(ctx, "# chunk 0x%lx %lu %d\n", m->region.chunks[i].start_pfn,
		     m->region.chunks[i].nr_pages, m->region.chunks[i].nid);
	for (a = 0; a < SMM_MAX_NUMNODES; a++)
		for (b = 0; b < SMM_MAX_NUMNODES; b++)
			if (m->distance[a][b])
				emit(ctx, "# distance %d %d %u\n", a, b,
				     m->distance[a][b]);
	/* a log that lost its beginning cannot rebuild the state */
	emit(ctx, "# lost %llu\n", (unsigned long long)first);
}

void smm_show_mirror_log(struct smm_mirror *mm, struct smm_machine *m,
			 smm_emit_fn emit, void *ctx)
{
	struct smm_mirror_rec r;
	unsigned long flags;
	char gfp[256];
	u64 seq, end, first;

	smm_spin_lock_irqsave(&mm->lock, flags);
	end = mm->log_seq;
	smm_spin_unlock_irqrestore(&mm->lock, flags);
	first = end > mm->log_size ? end - mm->log_size : 0;
	show_log_header(mm, m, emit, ctx, first);
	for (seq = first; seq < end; seq++) {
		/* one record at a time: the probes wait no longer than that */
		smm_spin_lock_irqsave(&mm->lock, flags);
		r = mm->log[seq % mm->log_size];
		smm_spin_unlock_irqrestore(&mm->lock, flags);
		if (r.seq != seq) {
			emit(ctx, "# lost %llu (overwritten while read)\n",
			     (unsigned long long)seq);
			continue;
		}
		/* tracefs's columns; the sequence number as the time */
		emit(ctx, "          mirror-%-7d [%03u] ..... %5llu.%06llu: ",
		     r.pid, r.cpu, (unsigned long long)(seq / 1000000),
		     (unsigned long long)(seq % 1000000));
		emit(ctx, "%s: pfn=0x%lx order=%u", smm_mirror_type_names[r.type],
		     r.pfn, r.order);
		if (r.type == SMM_MIRROR_ALLOC) {
			smm_mirror_gfp_name(r.gfp, gfp, sizeof(gfp));
			emit(ctx, " migratetype=%d gfp_flags=%s nid=%d\n",
			     smm_gfp_migratetype(r.gfp), gfp, r.nid);
		} else {
			emit(ctx, "\n");
		}
	}
}
