/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shadow memblock: the boot-time memory manager of mm/memblock.c (v6.1),
 * with its state in a struct instead of globals so that tests can build as
 * many as they like and `reset` can start over.
 */
#ifndef _SHADOWMM_MEMBLOCK_H
#define _SHADOWMM_MEMBLOCK_H

#include "compat.h"

/* Shadow node ids run 0..SMM_MAX_NUMNODES-1; this value means "no node". */
#define SMM_MAX_NUMNODES		16

#define SMM_INIT_MEMBLOCK_REGIONS	128

#define SMM_MEMBLOCK_ALLOC_ANYWHERE	(~(phys_addr_t)0)
#define SMM_MEMBLOCK_ALLOC_ACCESSIBLE	0
#define SMM_MEMBLOCK_ALLOC_NOLEAKTRACE	1
#define SMM_MEMBLOCK_LOW_LIMIT		0

enum smm_memblock_flags {
	SMM_MEMBLOCK_NONE		= 0x0,
	SMM_MEMBLOCK_HOTPLUG		= 0x1,
	SMM_MEMBLOCK_MIRROR		= 0x2,
	SMM_MEMBLOCK_NOMAP		= 0x4,
	SMM_MEMBLOCK_DRIVER_MANAGED	= 0x8,
};

struct smm_memblock_region {
	phys_addr_t base;
	phys_addr_t size;
	enum smm_memblock_flags flags;
	int nid;
};

struct smm_memblock_type {
	unsigned long cnt;
	unsigned long max;
	phys_addr_t total_size;
	struct smm_memblock_region *regions;
	const char *name;
};

struct smm_memblock {
	bool bottom_up;
	phys_addr_t current_limit;
	struct smm_memblock_type memory;
	struct smm_memblock_type reserved;

	/* What the kernel keeps in file-scope statics. */
	bool can_resize;
	/*
	 * The shadow of the kernel's movable_node_is_enabled() (boot option
	 * movable_node): only when set do allocations skip HOTPLUG memory.
	 */
	bool movable_node;
	struct smm_memblock_region memory_init_regions[SMM_INIT_MEMBLOCK_REGIONS];
	struct smm_memblock_region reserved_init_regions[SMM_INIT_MEMBLOCK_REGIONS];
	/*
	 * slab_is_available() and kzalloc_node() for memblock_alloc_internal():
	 * memblock.c sees only @mb, so the machine that owns it sets this
	 * callback (and its @late_owner) once its slab layer is up. NULL
	 * before that and after smm_memblock_init()/destroy().
	 */
	void *(*late_kzalloc_node)(void *late_owner, phys_addr_t size,
				   int nid);
	void *late_owner;
};

/*
 * What a memblock_alloc*() call did, for the memblock_alloc tracepoint and
 * for tests: the request, the base found (0 on failure) and whether the
 * retry without min_addr was needed.
 */
struct smm_memblock_alloc_info {
	phys_addr_t size, align, min_addr, max_addr;
	int nid;
	bool exact_nid;
	phys_addr_t base;
	bool retried;
	/* served by kzalloc_node(): slab was up (base: the object's address) */
	bool slab;
};

void smm_memblock_init(struct smm_memblock *mb);
/* Frees arrays that double_array moved out of the init arrays. */
void smm_memblock_destroy(struct smm_memblock *mb);

int smm_memblock_add_node(struct smm_memblock *mb, phys_addr_t base,
			  phys_addr_t size, int nid,
			  enum smm_memblock_flags flags);
int smm_memblock_add(struct smm_memblock *mb, phys_addr_t base,
		     phys_addr_t size);
int smm_memblock_remove(struct smm_memblock *mb, phys_addr_t base,
			phys_addr_t size);
int smm_memblock_reserve(struct smm_memblock *mb, phys_addr_t base,
			 phys_addr_t size);
int smm_memblock_phys_free(struct smm_memblock *mb, phys_addr_t base,
			   phys_addr_t size);
void smm_memblock_free(struct smm_memblock *mb, void *ptr, size_t size);

int smm_memblock_mark_hotplug(struct smm_memblock *mb, phys_addr_t base,
			      phys_addr_t size);
int smm_memblock_clear_hotplug(struct smm_memblock *mb, phys_addr_t base,
			       phys_addr_t size);
int smm_memblock_mark_nomap(struct smm_memblock *mb, phys_addr_t base,
			    phys_addr_t size);
int smm_memblock_clear_nomap(struct smm_memblock *mb, phys_addr_t base,
			     phys_addr_t size);
int smm_memblock_set_node(struct smm_memblock *mb, phys_addr_t base,
			  phys_addr_t size, struct smm_memblock_type *type,
			  int nid);

void smm_memblock_allow_resize(struct smm_memblock *mb);
void smm_memblock_set_bottom_up(struct smm_memblock *mb, bool enable);
bool smm_memblock_bottom_up(struct smm_memblock *mb);
void smm_memblock_set_current_limit(struct smm_memblock *mb, phys_addr_t limit);
phys_addr_t smm_memblock_get_current_limit(struct smm_memblock *mb);
void smm_memblock_set_movable_node(struct smm_memblock *mb, bool enable);
bool smm_memblock_movable_node_is_enabled(struct smm_memblock *mb);

/* Iterators: the kernel's __next_mem_range(_rev), idx starts at 0 / ~0. */
void smm__next_mem_range(struct smm_memblock *mb, u64 *idx, int nid,
			 enum smm_memblock_flags flags,
			 struct smm_memblock_type *type_a,
			 struct smm_memblock_type *type_b,
			 phys_addr_t *out_start, phys_addr_t *out_end,
			 int *out_nid);
void smm__next_mem_range_rev(struct smm_memblock *mb, u64 *idx, int nid,
			     enum smm_memblock_flags flags,
			     struct smm_memblock_type *type_a,
			     struct smm_memblock_type *type_b,
			     phys_addr_t *out_start, phys_addr_t *out_end,
			     int *out_nid);
void smm__next_mem_pfn_range(struct smm_memblock *mb, int *idx, int nid,
			     unsigned long *out_start_pfn,
			     unsigned long *out_end_pfn, int *out_nid);

/*
 * The kernel's for_each_* walks. The index lives in the loop (a hidden
 * variable of the kernel's type and starting value) and each step is one
 * call that says whether a range was found, so no macro argument is
 * evaluated twice.
 */
bool smm_next_free_mem_range(struct smm_memblock *mb, u64 *idx, int nid,
			     enum smm_memblock_flags flags,
			     phys_addr_t *out_start, phys_addr_t *out_end,
			     int *out_nid);
bool smm_next_free_mem_range_rev(struct smm_memblock *mb, u64 *idx, int nid,
				 enum smm_memblock_flags flags,
				 phys_addr_t *out_start, phys_addr_t *out_end,
				 int *out_nid);
bool smm_next_mem_pfn_range(struct smm_memblock *mb, int *idx, int nid,
			    unsigned long *out_start_pfn,
			    unsigned long *out_end_pfn, int *out_nid);
bool smm_memblock_type_next(struct smm_memblock_type *type,
			    unsigned long *idx,
			    struct smm_memblock_region **rgn);

#define smm_for_each_free_mem_range(mb, nid, flags, p_start, p_end, p_nid)   \
	for (u64 __smm_idx = 0;						      \
	     smm_next_free_mem_range(mb, &__smm_idx, nid, flags, p_start,     \
				     p_end, p_nid);)

#define smm_for_each_free_mem_range_reverse(mb, nid, flags, p_start, p_end,  \
					    p_nid)			      \
	for (u64 __smm_idx = ~0ULL;					      \
	     smm_next_free_mem_range_rev(mb, &__smm_idx, nid, flags, p_start, \
					 p_end, p_nid);)

/* nid SMM_MAX_NUMNODES walks every node, as MAX_NUMNODES does. */
#define smm_for_each_mem_pfn_range(mb, nid, p_start, p_end, p_nid)	      \
	for (int __smm_idx = -1;					      \
	     smm_next_mem_pfn_range(mb, &__smm_idx, nid, p_start, p_end,      \
				    p_nid);)

#define smm_for_each_memblock_type(type, rgn)				      \
	for (unsigned long __smm_idx = 0;				      \
	     smm_memblock_type_next(type, &__smm_idx, &(rgn));)

/* Allocation: physical ... */
phys_addr_t smm_memblock_alloc_range_nid(struct smm_memblock *mb,
					 phys_addr_t size, phys_addr_t align,
					 phys_addr_t start, phys_addr_t end,
					 int nid, bool exact_nid);
phys_addr_t smm_memblock_phys_alloc_range(struct smm_memblock *mb,
					  phys_addr_t size, phys_addr_t align,
					  phys_addr_t start, phys_addr_t end);
phys_addr_t smm_memblock_phys_alloc_try_nid(struct smm_memblock *mb,
					    phys_addr_t size,
					    phys_addr_t align, int nid);
/* ... and virtual (through smm_phys_to_virt()); @info may be NULL. */
void *smm_memblock_alloc_exact_nid_raw(struct smm_memblock *mb,
				       phys_addr_t size, phys_addr_t align,
				       phys_addr_t min_addr,
				       phys_addr_t max_addr, int nid,
				       struct smm_memblock_alloc_info *info);
void *smm_memblock_alloc_try_nid_raw(struct smm_memblock *mb,
				     phys_addr_t size, phys_addr_t align,
				     phys_addr_t min_addr,
				     phys_addr_t max_addr, int nid,
				     struct smm_memblock_alloc_info *info);
void *smm_memblock_alloc_try_nid(struct smm_memblock *mb, phys_addr_t size,
				 phys_addr_t align, phys_addr_t min_addr,
				 phys_addr_t max_addr, int nid,
				 struct smm_memblock_alloc_info *info);

static inline void *smm_memblock_alloc(struct smm_memblock *mb,
				       phys_addr_t size, phys_addr_t align)
{
	return smm_memblock_alloc_try_nid(mb, size, align,
					  SMM_MEMBLOCK_LOW_LIMIT,
					  SMM_MEMBLOCK_ALLOC_ACCESSIBLE,
					  NUMA_NO_NODE, NULL);
}

static inline void *smm_memblock_alloc_raw(struct smm_memblock *mb,
					   phys_addr_t size, phys_addr_t align)
{
	return smm_memblock_alloc_try_nid_raw(mb, size, align,
					      SMM_MEMBLOCK_LOW_LIMIT,
					      SMM_MEMBLOCK_ALLOC_ACCESSIBLE,
					      NUMA_NO_NODE, NULL);
}

static inline void *smm_memblock_alloc_from(struct smm_memblock *mb,
					    phys_addr_t size,
					    phys_addr_t align,
					    phys_addr_t min_addr)
{
	return smm_memblock_alloc_try_nid(mb, size, align, min_addr,
					  SMM_MEMBLOCK_ALLOC_ACCESSIBLE,
					  NUMA_NO_NODE, NULL);
}

static inline void *smm_memblock_alloc_node(struct smm_memblock *mb,
					    phys_addr_t size,
					    phys_addr_t align, int nid)
{
	return smm_memblock_alloc_try_nid(mb, size, align,
					  SMM_MEMBLOCK_LOW_LIMIT,
					  SMM_MEMBLOCK_ALLOC_ACCESSIBLE, nid,
					  NULL);
}

/* Queries */
phys_addr_t smm_memblock_phys_mem_size(struct smm_memblock *mb);
phys_addr_t smm_memblock_reserved_size(struct smm_memblock *mb);
phys_addr_t smm_memblock_start_of_DRAM(struct smm_memblock *mb);
phys_addr_t smm_memblock_end_of_DRAM(struct smm_memblock *mb);
bool smm_memblock_overlaps_region(struct smm_memblock_type *type,
				  phys_addr_t base, phys_addr_t size);
bool smm_memblock_is_memory(struct smm_memblock *mb, phys_addr_t addr);
bool smm_memblock_is_reserved(struct smm_memblock *mb, phys_addr_t addr);
bool smm_memblock_is_region_memory(struct smm_memblock *mb, phys_addr_t base,
				   phys_addr_t size);
bool smm_memblock_is_region_reserved(struct smm_memblock *mb,
				     phys_addr_t base, phys_addr_t size);
/* True when every byte of [base, base + size) lies in @type's regions. */
bool smm_memblock_covers(struct smm_memblock_type *type, phys_addr_t base,
			 phys_addr_t size);
void smm_memblock_trim_memory(struct smm_memblock *mb, phys_addr_t align);

/*
 * memblock_dump_all() writes through @emit so the same text goes to dmesg
 * and to the debugfs file; the format is the kernel's.
 */
typedef void (*smm_emit_fn)(void *ctx, const char *fmt, ...) __printf(2, 3);
void smm_memblock_dump_all(struct smm_memblock *mb, smm_emit_fn emit,
			   void *ctx);
/* One type in the format of the kernel's debugfs memblock/{memory,reserved}. */
void smm_memblock_debug_show(struct smm_memblock_type *type, smm_emit_fn emit,
			     void *ctx);

#endif /* _SHADOWMM_MEMBLOCK_H */
