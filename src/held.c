// SPDX-License-Identifier: GPL-2.0
/*
 * Allocations made through ctl and held until freed: the shadow has no
 * users of its own, so the records here are what owns the pages between
 * `alloc` and `free`; held_max bounds them (with held_slab.c's
 * objects). No counterpart in the kernel's mm/: the policy an allocation
 * follows is src/mm/mempolicy.c's. Callers hold the machine's ctl lock.
 */
#include "shadowmm/machine.h"

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
	struct smm_held *h = kzalloc(sizeof(*h), GFP_KERNEL);

	if (!h)
		return -ENOMEM;
	strscpy(h->tag, tag, sizeof(h->tag));
	h->pfn = smm_page_to_pfn(m, page);
	h->order = order;
	h->nid = zone->node;
	h->zone = zone->idx;
	h->migratetype = smm_gfp_migratetype(gfp);
	list_add_tail(&h->list, held_list(m));
	m->nr_held++;
	return 0;
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

int smm_held_free(struct smm_machine *m, const char *tag,
		  const unsigned long *pfn, unsigned long *freed)
{
	struct smm_held *h, *tmp;
	unsigned long n = 0, seen = 0;
	int ret = 0;

	list_for_each_entry_safe(h, tmp, held_list(m), list) {
		/* a step a record walked, taken before the next one */
		if (seen) {
			ret = smm_long_step(seen);
			if (ret)
				break;
		}
		seen++;
		if (tag && strcmp(tag, h->tag))
			continue;
		if (pfn && *pfn != h->pfn)
			continue;
		smm_free_pages(m, smm_pfn_to_page(m, h->pfn), h->order);
		list_del(&h->list);
		kfree(h);
		m->nr_held--;
		n++;
	}
	*freed = n;
	return ret;
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
}

/* One allocation a line: "tag T pfn 0xP order O node N zone Z migratetype M". */
void smm_show_allocations(struct smm_machine *m, smm_log_fn emit, void *ctx)
{
	struct smm_held *h;

	list_for_each_entry(h, held_list(m), list)
		emit(ctx, "tag %s pfn 0x%lx order %u node %d zone %s migratetype %s\n",
		     h->tag, h->pfn, h->order, h->nid, smm_zone_names[h->zone],
		     smm_migratetype_names[h->migratetype]);
}
