// SPDX-License-Identifier: GPL-2.0
/*
 * Allocations made through ctl and held until freed: the shadow has no
 * users of its own, so the records here are what owns the pages between
 * `alloc` and `free`; held_max bounds them (with held_slab.c's
 * objects). No counterpart in the kernel's mm/: the policy an allocation
 * follows is src/mm/mempolicy.c's. Callers hold the machine's ctl lock.
 *
 * Each record is on three lists: m->held in allocation order (`free
 * all`, the `allocations` view), and a chain of the pfn hash and one of
 * the tag hash, each in allocation order too, so that `free tag=T`
 * frees T's records in the order `free all` would and n frees by pfn
 * cost O(n), not O(n^2).
 */
#include "shadowmm/machine.h"

/* Buckets of each hash: 64 KiB a hash, allocated with the first record. */
#define SMM_HELD_HASH_BITS	12
#define SMM_HELD_HASH		BIT(SMM_HELD_HASH_BITS)

/* Multiplicative (Fibonacci) hash: order-aligned pfns spread too. */
static unsigned int held_pfn_hash(unsigned long pfn)
{
	return (u32)(((u64)pfn * 0x9e3779b97f4a7c15ULL) >> (64 - SMM_HELD_HASH_BITS));
}

/* FNV-1a over the tag */
static unsigned int held_tag_hash(const char *tag)
{
	u32 h = 0x811c9dc5;

	while (*tag)
		h = (h ^ (u8)*tag++) * 0x01000193;
	return h & (SMM_HELD_HASH - 1);
}

static int held_hash_alloc(struct smm_machine *m)
{
	unsigned int i;

	m->held_by_pfn = kvcalloc(2 * SMM_HELD_HASH, sizeof(*m->held_by_pfn),
				  GFP_KERNEL);
	if (!m->held_by_pfn)
		return -ENOMEM;
	m->held_by_tag = m->held_by_pfn + SMM_HELD_HASH;
	for (i = 0; i < 2 * SMM_HELD_HASH; i++)
		INIT_LIST_HEAD(&m->held_by_pfn[i]);
	return 0;
}

/* The list lives in a calloc'ed machine: set it up on first use. */
static struct list_head *held_list(struct smm_machine *m)
{
	if (!m->held.next)
		smm_held_init(m);
	return &m->held;
}

void smm_held_init(struct smm_machine *m)
{
	INIT_LIST_HEAD(&m->held);
	m->nr_held = 0;
}

unsigned long smm_held_count(const struct smm_machine *m)
{
	return m->nr_held + m->nr_held_objs;
}

unsigned long smm_held_max(const struct smm_machine *m)
{
	return m->cfg.held_max ? m->cfg.held_max : SMM_HELD_MAX_DEFAULT;
}

bool smm_held_full(struct smm_machine *m)
{
	if (smm_held_count(m) < smm_held_max(m))
		return false;
	m->held_refused++;
	return true;
}

void smm_show_held(struct smm_machine *m, smm_emit_fn emit, void *ctx)
{
	emit(ctx, "count %lu\n", smm_held_count(m));
	emit(ctx, "pages %lu\n", m->nr_held);
	emit(ctx, "objects %lu\n", m->nr_held_objs);
	emit(ctx, "max %lu\n", smm_held_max(m));
	emit(ctx, "refused %lu\n", m->held_refused);
}

static int held_record(struct smm_machine *m, struct smm_page *page,
		       unsigned int gfp, unsigned int order, const char *tag)
{
	struct smm_zone *zone = smm_page_zone(m, page);
	struct smm_held *h;

	if (!m->held_by_pfn && held_hash_alloc(m))
		return -ENOMEM;
	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	strscpy(h->tag, tag, sizeof(h->tag));
	h->pfn = smm_page_to_pfn(m, page);
	h->order = order;
	h->nid = zone->node;
	h->zone = zone->idx;
	h->migratetype = smm_gfp_migratetype(gfp);
	list_add_tail(&h->list, held_list(m));
	list_add_tail(&h->by_pfn, &m->held_by_pfn[held_pfn_hash(h->pfn)]);
	list_add_tail(&h->by_tag, &m->held_by_tag[held_tag_hash(h->tag)]);
	m->nr_held++;
	m->held_gen++;
	return 0;
}

/* Give @h's pages back to the buddy and forget it. */
static void held_release(struct smm_machine *m, struct smm_held *h)
{
	smm_free_pages(m, smm_pfn_to_page(m, h->pfn), h->order);
	list_del(&h->list);
	list_del(&h->by_pfn);
	list_del(&h->by_tag);
	kfree(h);
	m->nr_held--;
	m->held_gen++;
}

/*
 * @count allocations of 2^@order pages. On failure the ones already made
 * stay held (and listed), *@done says how many.
 */
int smm_held_alloc(struct smm_machine *m, unsigned int gfp,
		   unsigned int order, int nid, struct smm_mempolicy *pol,
		   const char *tag, unsigned long count, unsigned long *done)
{
	struct smm_page *page;
	int ret;

	for (*done = 0; *done < count; ) {
		if (smm_held_full(m))
			return -ENOSPC;
		if (nid == NUMA_NO_NODE)
			page = smm_alloc_pages_policy(m, gfp, order, pol);
		else
			page = smm_alloc_pages(m, gfp, order, nid, NULL);
		if (!page)
			return -ENOMEM;
		if (held_record(m, page, gfp, order, tag)) {
			smm_free_pages(m, page, order);
			return -ENOMEM;
		}
		ret = smm_long_step(++(*done));
		if (ret && *done < count)
			return ret;
	}
	return 0;
}

/* `free pfn=` (and tag=, if @tag): at most one record starts there. */
static unsigned long held_free_pfn(struct smm_machine *m, unsigned long pfn,
				   const char *tag)
{
	struct smm_held *h;

	if (!m->held_by_pfn)
		return 0;
	list_for_each_entry(h, &m->held_by_pfn[held_pfn_hash(pfn)], by_pfn) {
		if (h->pfn != pfn)
			continue;
		if (tag && strcmp(tag, h->tag))
			return 0;
		held_release(m, h);
		return 1;
	}
	return 0;
}

/*
 * Walk the list at @head, whose records are linked by their @by_tag
 * member or (!@by_tag) by their list one, freeing those tagged @tag
 * (NULL: each); a scheduling point a record.
 */
static int held_free_walk(struct smm_machine *m, struct list_head *head,
			  bool by_tag, const char *tag, unsigned long *freed)
{
	struct list_head *pos, *next;
	struct smm_held *h;
	unsigned long seen = 0;
	int ret = 0;

	*freed = 0;
	list_for_each_safe(pos, next, head) {
		/* a step a record walked, taken before the next one */
		if (seen) {
			ret = smm_long_step(seen);
			if (ret)
				break;
		}
		seen++;
		h = by_tag ? list_entry(pos, struct smm_held, by_tag) :
			     list_entry(pos, struct smm_held, list);
		if (tag && strcmp(tag, h->tag))
			continue;
		held_release(m, h);
		(*freed)++;
	}
	return ret;
}

int smm_held_free(struct smm_machine *m, const char *tag,
		  const unsigned long *pfn, unsigned long *freed)
{
	if (pfn) {
		*freed = held_free_pfn(m, *pfn, tag);
		return 0;
	}
	if (!tag)
		return held_free_walk(m, held_list(m), false, NULL, freed);
	if (!m->held_by_tag) {
		*freed = 0;
		return 0;
	}
	return held_free_walk(m, &m->held_by_tag[held_tag_hash(tag)], true,
			      tag, freed);
}

void smm_held_forget(struct smm_machine *m)
{
	struct smm_held *h, *tmp;
	unsigned long n = 0;

	list_for_each_entry_safe(h, tmp, held_list(m), list) {
		list_del(&h->list);
		kfree(h);
		if (!(++n % SMM_LONG_STEP))
			smm_cond_resched();
	}
	m->nr_held = 0;
	m->held_gen++;
	kvfree(m->held_by_pfn);
	m->held_by_pfn = NULL;
	m->held_by_tag = NULL;
}

struct list_head *smm_held_pages(struct smm_machine *m)
{
	return held_list(m);
}

/* One allocation a line: "tag T pfn 0xP order O node N zone Z migratetype M". */
void smm_show_held_page(const struct list_head *pos, smm_log_fn emit, void *ctx)
{
	const struct smm_held *h = list_entry(pos, struct smm_held, list);

	emit(ctx, "tag %s pfn 0x%lx order %u node %d zone %s migratetype %s\n",
	     h->tag, h->pfn, h->order, h->nid, smm_zone_names[h->zone],
	     smm_migratetype_names[h->migratetype]);
}

void smm_show_allocations(struct smm_machine *m, smm_log_fn emit, void *ctx)
{
	struct list_head *pos;

	list_for_each(pos, held_list(m))
		smm_show_held_page(pos, emit, ctx);
}
