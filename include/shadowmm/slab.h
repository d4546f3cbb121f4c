/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stage 3: the shadow's SLUB (mm/slub.c, mm/slab_common.c, mm/slab.h,
 * include/linux/slab.h and include/linux/slub_def.h of v6.1). The caches
 * and their kmem_cache_node structures are objects in shadow memory, as
 * the kernel's are objects of its own kmem_cache and kmem_cache_node
 * caches; only the per-cpu structures (kmem_cache_cpu) and the machine's
 * slab state are host memory.
 */
#ifndef _SHADOWMM_SLAB_H
#define _SHADOWMM_SLAB_H

#include "mmzone.h"
#include "gfp.h"
#include "memblock.h"	/* SMM_MAX_NUMNODES */

struct smm_machine;

/* Cache flags (include/linux/slab.h; the shadow's own values). */
#define SMM_SLAB_HWCACHE_ALIGN		0x00002000u
#define SMM_SLAB_CACHE_DMA		0x00004000u
#define SMM_SLAB_RECLAIM_ACCOUNT	0x00020000u
#define SMM_SLAB_KMALLOC		0x00001000u	/* mm/slab.h */
#define SMM_SLAB_FLAGS_PERMITTED	(SMM_SLAB_HWCACHE_ALIGN | \
					 SMM_SLAB_CACHE_DMA | \
					 SMM_SLAB_RECLAIM_ACCOUNT)

/* x86_64: cache_line_size(), ARCH_KMALLOC_MINALIGN, ARCH_SLAB_MINALIGN */
#define SMM_CACHE_LINE_SIZE		64u
#define SMM_ARCH_KMALLOC_MINALIGN	8u
#define SMM_ARCH_SLAB_MINALIGN		8u

/* include/linux/slab.h with 4K pages and MAX_ORDER 11 */
#define SMM_KMALLOC_SHIFT_LOW		3
#define SMM_KMALLOC_SHIFT_HIGH		(PAGE_SHIFT + 1)
#define SMM_KMALLOC_SHIFT_MAX		(SMM_MAX_ORDER + PAGE_SHIFT - 1)
#define SMM_KMALLOC_MIN_SIZE		BIT(SMM_KMALLOC_SHIFT_LOW)
#define SMM_KMALLOC_MAX_CACHE_SIZE	BIT(SMM_KMALLOC_SHIFT_HIGH)
#define SMM_KMALLOC_MAX_SIZE		BIT(SMM_KMALLOC_SHIFT_MAX)

/* mm/slub.c */
#define SMM_MIN_PARTIAL			5
#define SMM_MAX_PARTIAL			10
#define SMM_OO_SHIFT			16
#define SMM_OO_MASK			(BIT(SMM_OO_SHIFT) - 1)
#define SMM_MAX_OBJS_PER_PAGE		32767	/* slab->objects is 15 bits */

/*
 * The kmalloc types the shadow creates: KMALLOC_NORMAL and
 * KMALLOC_RECLAIM (kmalloc-rcl-*). v6.1 also has kmalloc-cg-* (memcg)
 * and dma-kmalloc-* (ZONE_DMA): the shadow has no memcg and no DMA users.
 */
enum smm_kmalloc_cache_type {
	SMM_KMALLOC_NORMAL,
	SMM_KMALLOC_RECLAIM,
	SMM_NR_KMALLOC_TYPES
};

/* enum slab_state (mm/slab.h): how far kmem_cache_init() got. */
enum smm_slab_level {
	SMM_SLAB_DOWN,		/* no slab allocator */
	SMM_SLAB_PARTIAL,	/* kmem_cache_node works */
	SMM_SLAB_UP,		/* kmalloc caches exist: slab_is_available() */
	SMM_SLAB_FULL,		/* everything, the views too */
};

/*
 * struct slab (mm/slab.h): overlaid on the head smm_page of a slab, as
 * v6.1's struct slab overlays struct page; the asserts in slub.c keep
 * every field on the page field it stands for.
 */
struct smm_kmem_cache;

struct smm_slab {
	unsigned long __page_flags;
	union {
		struct list_head slab_list;	/* on a node's partial list */
		struct {			/* on a per-cpu partial list */
			struct smm_slab *next;
			int slabs;		/* slabs on the list from here */
		};
	};
	struct smm_kmem_cache *slab_cache;	/* page->mapping */
	void *freelist;				/* page->index */
	union {					/* page->private */
		unsigned long counters;
		struct {
			unsigned int inuse:16;
			unsigned int objects:15;
			unsigned int frozen:1;
		};
	};
	unsigned int __unused;			/* page->_mapcount */
	int __page_refcount;			/* page->_refcount */
	unsigned long memcg_data;
};

struct smm_kmem_cache_order_objects {
	unsigned int x;		/* order << OO_SHIFT | objects */
};

/* The per-cpu counters of CONFIG_SLUB_STATS the shadow keeps. */
enum smm_stat_item {
	SMM_ALLOC_FASTPATH,	/* from the cpu freelist */
	SMM_ALLOC_SLOWPATH,	/* through ___slab_alloc */
	SMM_FREE_FASTPATH,	/* to the cpu slab */
	SMM_FREE_SLOWPATH,	/* through __slab_free */
	SMM_ALLOC_SLAB,		/* a new slab */
	SMM_FREE_SLAB,		/* a slab given back to the page allocator */
	SMM_ORDER_FALLBACK,	/* oo failed, min was used */
	SMM_CPU_PARTIAL_ALLOC,	/* the cpu slab came from the cpu partial list */
	SMM_CPU_PARTIAL_FREE,	/* a slab went to the cpu partial list */
	SMM_CPU_PARTIAL_DRAIN,	/* the cpu partial list was unfrozen */
	SMM_NR_SLUB_STAT_ITEMS
};

/*
 * kmem_cache_cpu. v6.1 protects it with local_lock and a cmpxchg_double
 * fast path; the shadow takes a per-cpu spinlock irqsave instead (see
 * README, "Where the shadow differs"). Host memory, m->nr_cpus of them.
 */
struct smm_kmem_cache_cpu {
	smm_spinlock_t lock;
	void *freelist;			/* next free object of @slab */
	struct smm_slab *slab;		/* the cpu slab, frozen */
	struct smm_slab *partial;	/* frozen slabs, linked by ->next */
	unsigned long stat[SMM_NR_SLUB_STAT_ITEMS];
};

/*
 * kmem_cache_node: an object of the kmem_cache_node cache. list_lock
 * also serialises the freelist and counters of every slab on the node
 * (the shadow has no cmpxchg_double on them).
 */
struct smm_kmem_cache_node {
	smm_spinlock_t list_lock;
	unsigned long nr_partial;
	struct list_head partial;
	unsigned long nr_slabs;		/* CONFIG_SLUB_DEBUG's counters */
	unsigned long total_objects;
};

#define SMM_SLAB_NAME_LEN	32

/* kmem_cache (include/linux/slub_def.h): an object of the kmem_cache cache. */
struct smm_kmem_cache {
	struct smm_kmem_cache_cpu *cpu_slab;
	unsigned int flags;
	unsigned long min_partial;
	unsigned int size;		/* object + metadata, aligned */
	unsigned int object_size;	/* what the user asked for */
	unsigned int offset;		/* of the free pointer in an object */
	unsigned int cpu_partial;	/* objects (backwards compatible) */
	unsigned int cpu_partial_slabs;
	struct smm_kmem_cache_order_objects oo;
	struct smm_kmem_cache_order_objects min;
	unsigned int allocflags;	/* gfp added to every slab allocation */
	int refcount;
	unsigned int inuse;		/* offset to metadata */
	unsigned int align;
	/* v6.1 keeps a kstrdup'ed pointer; the shadow keeps the name inline */
	char name[SMM_SLAB_NAME_LEN];
	struct list_head list;		/* on slab_caches */
	struct smm_kmem_cache_node *node[SMM_MAX_NUMNODES];
};

/* What a machine's slab layer owns (host memory). */
struct smm_slab_state {
	enum smm_slab_level state;	/* slab_state */
	struct list_head caches;	/* slab_caches, under the ctl lock */
	struct smm_kmem_cache *kmem_cache;
	struct smm_kmem_cache *kmem_cache_node;
	/* kmem_cache_init()'s static boot caches (__initdata in v6.1) */
	struct smm_kmem_cache boot_kmem_cache;
	struct smm_kmem_cache boot_kmem_cache_node;
	struct smm_kmem_cache *kmalloc_caches[SMM_NR_KMALLOC_TYPES]
					     [SMM_KMALLOC_SHIFT_HIGH + 1];
	unsigned int min_objects;	/* slub_min_objects in force */
	/* memblock_alloc() served by kzalloc_node() after slab is up */
	unsigned long memblock_kzalloc;
	bool memblock_warned;
	/* allocations above KMALLOC_MAX_CACHE_SIZE, straight from the buddy */
	unsigned long large_allocs;
	unsigned long large_frees;
};

static inline unsigned int smm_oo_order(struct smm_kmem_cache_order_objects x)
{
	return x.x >> SMM_OO_SHIFT;
}

static inline unsigned int smm_oo_objects(struct smm_kmem_cache_order_objects x)
{
	return x.x & SMM_OO_MASK;
}

/* kmem_cache_init() and the teardown of everything it built. */
int smm_kmem_cache_init(struct smm_machine *m);
void smm_slab_teardown(struct smm_machine *m);
/* slab_is_available(): slab_state >= UP */
bool smm_slab_is_available(struct smm_machine *m);

struct smm_kmem_cache *smm_kmem_cache_create(struct smm_machine *m,
					     const char *name,
					     unsigned int size,
					     unsigned int align,
					     unsigned int flags);
/* -EBUSY (and a log line) while objects remain; then nothing changes. */
int smm_kmem_cache_destroy(struct smm_machine *m, struct smm_kmem_cache *s);
struct smm_kmem_cache *smm_find_cache(struct smm_machine *m, const char *name);
/*
 * Flush the cpu slabs, free the empty slabs, fullest partial slabs first;
 * 1 when slabs remain, else 0.
 */
int smm_kmem_cache_shrink(struct smm_machine *m, struct smm_kmem_cache *s);

void *smm_kmem_cache_alloc(struct smm_machine *m, struct smm_kmem_cache *s,
			   unsigned int gfp);
void *smm_kmem_cache_alloc_node(struct smm_machine *m,
				struct smm_kmem_cache *s, unsigned int gfp,
				int node);
void smm_kmem_cache_free(struct smm_machine *m, struct smm_kmem_cache *s,
			 void *x);

void *smm_kmalloc(struct smm_machine *m, size_t size, unsigned int gfp);
void *smm_kzalloc(struct smm_machine *m, size_t size, unsigned int gfp);
void *smm_kmalloc_node(struct smm_machine *m, size_t size, unsigned int gfp,
		       int node);
void *smm_kzalloc_node(struct smm_machine *m, size_t size, unsigned int gfp,
		       int node);
void smm_kfree(struct smm_machine *m, const void *x);
/* ksize(): the bytes usable at @x (the cache's object size) */
size_t smm_ksize(struct smm_machine *m, const void *x);

/* kmalloc_index(): the kmalloc_caches[] index of @size (0 for 0). */
unsigned int smm_kmalloc_index(size_t size);
/* kmalloc_slab(): the cache a kmalloc of @size and @gfp uses, or NULL. */
struct smm_kmem_cache *smm_kmalloc_slab(struct smm_machine *m, size_t size,
					unsigned int gfp);

/* The slab an object of shadow memory lies in, or NULL. */
struct smm_slab *smm_virt_to_slab(struct smm_machine *m, const void *x);
/* The order of @slab's pages: s->oo's, or s->min's after a fallback. */
unsigned int smm_slab_order(const struct smm_kmem_cache *s,
			    const struct smm_slab *slab);
/* slab_address(): the first object of @slab. */
void *smm_slab_address(struct smm_machine *m, const struct smm_slab *slab);
/* get_freepointer(): the free object after @object on a free list. */
static inline void *smm_get_freepointer(const struct smm_kmem_cache *s,
					void *object)
{
	return *(void **)((char *)object + s->offset);
}

/*
 * Objects allocated from @s: not on any free list (slabinfo's active
 * objects also count the cpu freelists'). What destroy refuses on.
 */
unsigned long smm_objects_in_use(struct smm_machine *m,
				 struct smm_kmem_cache *s);
/* Is @obj on a free list (its slab's or a cpu's)? For check. */
bool smm_slab_object_free(struct smm_machine *m, const void *obj);

/*
 * memblock's late_kzalloc_node callback (@owner: the machine): the
 * kernel's kzalloc_node(size, GFP_NOWAIT, nid) branch of
 * memblock_alloc_internal(), counted and said once in the log.
 */
void *smm_slab_memblock_kzalloc(void *owner, phys_addr_t size, int nid);

/* The summed per-cpu counters of @s. */
void smm_slab_stats(struct smm_machine *m, struct smm_kmem_cache *s,
		    unsigned long stat[SMM_NR_SLUB_STAT_ITEMS]);

/* One line of /proc/slabinfo (get_slabinfo()). */
struct smm_slabinfo {
	unsigned long active_objs;
	unsigned long num_objs;
	unsigned long active_slabs;
	unsigned long num_slabs;
	unsigned int objects_per_slab;
	unsigned int cache_order;
};

void smm_get_slabinfo(struct smm_machine *m, struct smm_kmem_cache *s,
		      struct smm_slabinfo *sinfo);

#endif /* _SHADOWMM_SLAB_H */
