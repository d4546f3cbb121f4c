// SPDX-License-Identifier: GPL-2.0
/*
 * Slab objects allocated through ctl and held until freed, as held.c
 * holds page allocations: `cache alloc` / `kmalloc` make them, `cache
 * free` / `kfree` free them by tag, reset and teardown forget them (the
 * slabs go with the buddy allocator). Each object is filled with a
 * pattern of its record when allocated and checked when freed, so that
 * two objects sharing memory show up. Callers hold the ctl lock.
 */
#include "shadowmm/machine.h"
#include "mm/internal.h"

struct smm_held_obj {
	struct list_head list;
	char tag[SMM_TAG_LEN];
	void *obj;
	/* NULL for kmalloc; the cache otherwise (held objects pin it) */
	struct smm_kmem_cache *cache;
	size_t size;		/* bytes asked for (the pattern's length) */
	u64 seq;		/* the pattern's seed */
	int nid;
};

static struct list_head *held_objs(struct smm_machine *m)
{
	if (!m->held_objs.next) {
		INIT_LIST_HEAD(&m->held_objs);
		m->nr_held_objs = 0;
	}
	return &m->held_objs;
}

/* The bytes of a held object: its sequence number, byte by byte. */
static u8 smm_held_pattern(u64 seq, size_t i)
{
	return (u8)((seq * 0x9e3779b97f4a7c15ULL + i) >> 24) ^ (u8)i;
}

static void smm_held_fill(struct smm_held_obj *h)
{
	size_t i, len = min_t(size_t, h->size, 256);

	for (i = 0; i < len; i++)
		((u8 *)h->obj)[i] = smm_held_pattern(h->seq, i);
}

static bool smm_held_intact(const struct smm_held_obj *h)
{
	size_t i, len = min_t(size_t, h->size, 256);

	for (i = 0; i < len; i++)
		if (((u8 *)h->obj)[i] != smm_held_pattern(h->seq, i))
			return false;
	return true;
}

static void smm_held_record(struct smm_machine *m, struct smm_held_obj *h,
			    void *obj, struct smm_kmem_cache *cache,
			    size_t size, const char *tag)
{
	static u64 seq;
	phys_addr_t pa = smm_virt_to_phys(obj);

	strscpy(h->tag, tag, sizeof(h->tag));
	h->obj = obj;
	h->cache = cache;
	h->size = cache ? cache->object_size : size;
	h->seq = ++seq;
	h->nid = smm_page_nid(smm_pfn_to_page(m, PHYS_PFN(pa)));
	smm_held_fill(h);
	list_add_tail(&h->list, held_objs(m));
	m->nr_held_objs++;
	m->held_gen++;
}

int smm_held_slab_alloc(struct smm_machine *m, struct smm_kmem_cache *cache,
			size_t size, unsigned int gfp, int nid,
			const char *tag, unsigned long count,
			unsigned long *done)
{
	struct smm_held_obj *h;
	void *obj;
	int ret;

	for (*done = 0; *done < count; ) {
		if (smm_held_full(m))
			return -ENOSPC;
		h = kzalloc(sizeof(*h), GFP_KERNEL);
		if (!h)
			return -ENOMEM;
		if (cache)
			obj = smm_kmem_cache_alloc_node(m, cache, gfp, nid);
		else
			obj = smm_kmalloc_node(m, size, gfp, nid);
		if (!obj) {
			kfree(h);
			return -ENOMEM;
		}
		smm_held_record(m, h, obj, cache, size, tag);
		ret = smm_long_step(++(*done));
		if (ret && *done < count)
			return ret;
	}
	return 0;
}

int smm_held_slab_adopt(struct smm_machine *m, void *obj, size_t size,
			const char *tag)
{
	struct smm_held_obj *h;

	if (smm_held_full(m)) {
		smm_kfree(m, obj);
		return -ENOSPC;
	}
	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h) {
		smm_kfree(m, obj);
		return -ENOMEM;
	}
	smm_held_record(m, h, obj, NULL, size, tag);
	return 0;
}

static void smm_held_obj_release(struct smm_machine *m, struct smm_held_obj *h)
{
	if (!smm_held_intact(h))
		pr_warn("shadowmm: held object tag %s (%zu bytes) was overwritten while held\n",
			h->tag, h->size);
	if (h->cache)
		smm_kmem_cache_free(m, h->cache, h->obj);
	else
		smm_kfree(m, h->obj);
}

int smm_held_slab_free(struct smm_machine *m, const char *tag, bool kmalloc,
		       unsigned long *freed)
{
	struct smm_held_obj *h, *tmp;
	unsigned long n = 0, seen = 0;
	int ret = 0;

	list_for_each_entry_safe(h, tmp, held_objs(m), list) {
		/* a step an object walked, taken before the next one */
		if (seen) {
			ret = smm_long_step(seen);
			if (ret)
				break;
		}
		seen++;
		if (tag && strcmp(tag, h->tag))
			continue;
		if (kmalloc != !h->cache)
			continue;
		smm_held_obj_release(m, h);
		list_del(&h->list);
		kfree(h);
		m->nr_held_objs--;
		m->held_gen++;
		n++;
	}
	*freed = n;
	return ret;
}

unsigned long smm_held_slab_count(struct smm_machine *m,
				  const struct smm_kmem_cache *s)
{
	struct smm_held_obj *h;
	unsigned long n = 0;

	list_for_each_entry(h, held_objs(m), list)
		n += h->cache == s;
	return n;
}

void smm_held_slab_forget(struct smm_machine *m)
{
	struct smm_held_obj *h, *tmp;
	unsigned long n = 0;

	list_for_each_entry_safe(h, tmp, held_objs(m), list) {
		list_del(&h->list);
		kfree(h);
		if (!(++n % SMM_LONG_STEP))
			smm_cond_resched();
	}
	m->nr_held_objs = 0;
	m->held_gen++;
}

struct list_head *smm_held_objects(struct smm_machine *m)
{
	return held_objs(m);
}

/* "tag T cache C size S node N pfn 0xP offset O intact 0|1", one a line */
void smm_show_held_object(struct smm_machine *m, const struct list_head *pos,
			  smm_log_fn emit, void *ctx)
{
	struct smm_held_obj *h = list_entry(pos, struct smm_held_obj, list);
	phys_addr_t pa = smm_virt_to_phys(h->obj);
	struct smm_slab *slab = smm_virt_to_slab(m, h->obj);

	emit(ctx, "tag %s cache %s size %zu node %d pfn 0x%lx offset %lu intact %d\n",
	     h->tag, slab ? slab->slab_cache->name : "kmalloc_large",
	     h->size, h->nid, (unsigned long)PHYS_PFN(pa),
	     (unsigned long)(pa & (PAGE_SIZE - 1)), smm_held_intact(h));
}

void smm_show_held_objects(struct smm_machine *m, smm_log_fn emit, void *ctx)
{
	struct list_head *pos;

	list_for_each(pos, held_objs(m))
		smm_show_held_object(m, pos, emit, ctx);
}

/*
 * check: each held object is allocated (on no free list), at an object
 * boundary of a slab of its cache (or the head of a kmalloc_large
 * block), held once, and still holds its pattern. Returns violations.
 */
int smm_held_slab_check(struct smm_machine *m, smm_emit_fn emit, void *ctx)
{
	struct smm_held_obj *h, *o;
	int bad = 0;

	list_for_each_entry(h, held_objs(m), list) {
		struct smm_slab *slab = smm_virt_to_slab(m, h->obj);
		const char *why = NULL;

		if (slab) {
			struct smm_kmem_cache *s = slab->slab_cache;
			unsigned long off = (char *)h->obj -
				(char *)smm_slab_address(m, slab);

			if (h->cache && h->cache != s)
				why = "in a slab of another cache";
			else if (off % s->size || off / s->size >= slab->objects)
				why = "not at an object of its slab";
			else if (smm_slab_object_free(m, h->obj))
				why = "on a free list";
		} else if (h->cache) {
			why = "not in a slab";
		}
		if (!why && !smm_held_intact(h))
			why = "overwritten";
		if (!why && m->nr_held_objs <= 4096) {
			for (o = list_next_entry(h, list);
			     &o->list != &m->held_objs;
			     o = list_next_entry(o, list))
				if (o->obj == h->obj)
					why = "held twice";
		}
		if (why) {
			if (bad++ < SMM_CHECK_MAX_REPORTS)
				emit(ctx, "held object tag %s (%zu bytes): %s\n",
				     h->tag, h->size, why);
		}
	}
	return bad;
}
