// SPDX-License-Identifier: GPL-2.0
/*
 * The shadow memblock: mm/memblock.c of v6.1, function by function, with the
 * kernel's globals gathered in struct smm_memblock, and its hand-over to
 * the buddy allocator at the end of boot (memblock_free_all(), the one
 * function here that needs the whole machine).
 *
 * The same file builds into the module and into the host unit tests, so it
 * only talks to the outside world through compat.h and trace.h. Like the
 * kernel's memblock it takes no locks: at boot the kernel runs it on one CPU,
 * here the caller serialises access to a struct smm_memblock.
 *
 * Where the shadow departs from the kernel it says so in a comment; the
 * departures are all about a user command being unable to crash the host.
 */

#include "shadowmm/memblock.h"
#include "shadowmm/trace.h"
#include "internal.h"

/*
 * The kernel's choose_memblock_flags() asks for MIRROR memory once
 * memblock_mark_mirror() has seen mirrored_kernelcore. The shadow has no
 * mark_mirror, so no region is ever mirrored and the answer is always NONE;
 * the MIRROR retry loops of the kernel would never run and are left out.
 */
#define SMM_DEFAULT_FLAGS	SMM_MEMBLOCK_NONE

/* Clip *size so that base + *size cannot wrap; returns the new size. */
static inline phys_addr_t smm_cap_size(phys_addr_t base, phys_addr_t *size)
{
	*size = min(*size, SMM_PHYS_ADDR_MAX - base);
	return *size;
}

static inline bool smm_addrs_overlap(phys_addr_t base1, phys_addr_t size1,
				     phys_addr_t base2, phys_addr_t size2)
{
	return base1 < base2 + size2 && base2 < base1 + size1;
}

static inline bool smm_is_hotpluggable(const struct smm_memblock_region *m)
{
	return m->flags & SMM_MEMBLOCK_HOTPLUG;
}

static inline bool smm_is_mirror(const struct smm_memblock_region *m)
{
	return m->flags & SMM_MEMBLOCK_MIRROR;
}

static inline bool smm_is_nomap(const struct smm_memblock_region *m)
{
	return m->flags & SMM_MEMBLOCK_NOMAP;
}

static inline bool smm_is_driver_managed(const struct smm_memblock_region *m)
{
	return m->flags & SMM_MEMBLOCK_DRIVER_MANAGED;
}

/*
 * The kernel warns once that MAX_NUMNODES as a node selector is deprecated
 * and carries on with NUMA_NO_NODE. A shadow nid can come from a user
 * command, and a WARN is a crash under panic_on_warn, so translate quietly.
 */
static inline int smm_fix_nid(int nid)
{
	return nid == SMM_MAX_NUMNODES ? NUMA_NO_NODE : nid;
}

bool smm_memblock_overlaps_region(struct smm_memblock_type *type,
				  phys_addr_t base, phys_addr_t size)
{
	unsigned long i;

	smm_cap_size(base, &size);

	for (i = 0; i < type->cnt; i++)
		if (smm_addrs_overlap(base, size, type->regions[i].base,
				      type->regions[i].size))
			return true;
	return false;
}

/* Lowest @align-aligned fit of @size inside [start, end) and free memory. */
static phys_addr_t smm_find_range_bottom_up(struct smm_memblock *mb,
					    phys_addr_t start, phys_addr_t end,
					    phys_addr_t size,
					    phys_addr_t align, int nid,
					    enum smm_memblock_flags flags)
{
	phys_addr_t this_start, this_end, cand;

	smm_for_each_free_mem_range(mb, nid, flags, &this_start, &this_end,
				    NULL) {
		this_start = clamp(this_start, start, end);
		this_end = clamp(this_end, start, end);

		cand = round_up(this_start, align);
		if (cand < this_end && this_end - cand >= size)
			return cand;
	}

	return 0;
}

/* Highest @align-aligned fit of @size inside [start, end) and free memory. */
static phys_addr_t smm_find_range_top_down(struct smm_memblock *mb,
					   phys_addr_t start, phys_addr_t end,
					   phys_addr_t size,
					   phys_addr_t align, int nid,
					   enum smm_memblock_flags flags)
{
	phys_addr_t this_start, this_end, cand;

	smm_for_each_free_mem_range_reverse(mb, nid, flags, &this_start,
					    &this_end, NULL) {
		this_start = clamp(this_start, start, end);
		this_end = clamp(this_end, start, end);

		/* this_end - size would wrap below zero */
		if (this_end < size)
			continue;

		cand = round_down(this_end - size, align);
		if (cand >= this_start)
			return cand;
	}

	return 0;
}

/* Returns the base found, 0 when nothing fits (0 is never a valid answer). */
static phys_addr_t smm_find_in_range_node(struct smm_memblock *mb,
					  phys_addr_t size, phys_addr_t align,
					  phys_addr_t start, phys_addr_t end,
					  int nid, enum smm_memblock_flags flags)
{
	if (end == SMM_MEMBLOCK_ALLOC_ACCESSIBLE ||
	    end == SMM_MEMBLOCK_ALLOC_NOLEAKTRACE)
		end = mb->current_limit;

	/*
	 * Keep the first page out of reach, so that 0 can mean failure to
	 * every caller, as in the kernel.
	 */
	start = max_t(phys_addr_t, start, PAGE_SIZE);
	end = max(start, end);

	if (mb->bottom_up)
		return smm_find_range_bottom_up(mb, start, end, size, align,
						nid, flags);
	return smm_find_range_top_down(mb, start, end, size, align, nid,
				       flags);
}

static phys_addr_t smm_find_in_range(struct smm_memblock *mb,
				     phys_addr_t start, phys_addr_t end,
				     phys_addr_t size, phys_addr_t align)
{
	return smm_find_in_range_node(mb, size, align, start, end,
				      NUMA_NO_NODE, SMM_DEFAULT_FLAGS);
}

static void smm_remove_region(struct smm_memblock_type *type, unsigned long r)
{
	type->total_size -= type->regions[r].size;
	memmove(&type->regions[r], &type->regions[r + 1],
		(type->cnt - (r + 1)) * sizeof(type->regions[r]));
	type->cnt--;

	/*
	 * An array never becomes truly empty: every walker relies on
	 * regions[0] existing, so leave one zero-sized dummy entry like the
	 * one the arrays start with.
	 */
	if (type->cnt == 0) {
		WARN_ON(type->total_size != 0);
		type->cnt = 1;
		type->regions[0].base = 0;
		type->regions[0].size = 0;
		type->regions[0].flags = 0;
		type->regions[0].nid = SMM_MAX_NUMNODES;
	}
}

static int smm_double_array(struct smm_memblock *mb,
			    struct smm_memblock_type *type,
			    phys_addr_t new_area_start,
			    phys_addr_t new_area_size)
{
	struct smm_memblock_region *new_array, *old_array;
	phys_addr_t old_alloc_size, new_alloc_size;
	phys_addr_t old_size, new_size, addr;
	bool old_is_static;

	/*
	 * Until the caller says that all reservations are in (allow_resize),
	 * a new array could land on memory that is about to be reserved.
	 */
	if (!mb->can_resize)
		return -1;

	old_size = type->max * sizeof(struct smm_memblock_region);
	new_size = old_size << 1;
	/* Whole pages, so that the array can later be freed completely. */
	old_alloc_size = PAGE_ALIGN(old_size);
	new_alloc_size = PAGE_ALIGN(new_size);

	/*
	 * The kernel takes the array from slab once slab is up. Shadow slab
	 * only exists after the hand-over to the buddy allocator, when the
	 * shadow memblock no longer changes, so the array always comes from
	 * memblock itself.
	 *
	 * When reserved.regions is doubled on behalf of a reservation that
	 * is not recorded yet, the array must not land on that area: look
	 * above it first, then below it.
	 */
	if (type != &mb->reserved) {
		new_area_start = 0;
		new_area_size = 0;
	}

	addr = smm_find_in_range(mb, new_area_start + new_area_size,
				 mb->current_limit, new_alloc_size, PAGE_SIZE);
	if (!addr && new_area_size)
		addr = smm_find_in_range(mb, 0,
					 min(new_area_start, mb->current_limit),
					 new_alloc_size, PAGE_SIZE);
	if (!addr) {
		pr_err("shadowmm: memblock: Failed to double %s array from %ld to %ld entries !\n",
		       type->name, type->max, type->max * 2);
		return -1;
	}

	/*
	 * The kernel frees the old array and then reserves the new one,
	 * BUG()ing if that reservation fails. For memory.regions it can fail
	 * (memblock.reserved full and unable to grow), and a user command
	 * must not crash the host, so reserve first while nothing has
	 * changed yet and fail cleanly. The only difference this makes is
	 * that the old array cannot host a reserved.regions array doubled by
	 * that very reservation.
	 * For reserved.regions the order must stay the kernel's: reserving
	 * before the move would recurse into doubling the full array again.
	 */
	if (type != &mb->reserved &&
	    smm_memblock_reserve(mb, addr, new_alloc_size))
		return -1;

	new_array = smm_phys_to_virt(addr);

	/*
	 * Move the array before adding the region that did not fit: the full
	 * array may be memblock.reserved itself.
	 */
	memcpy(new_array, type->regions, old_size);
	memset(new_array + type->max, 0, old_size);
	old_array = type->regions;
	type->regions = new_array;
	type->max <<= 1;

	/* The static arrays live in struct smm_memblock, not in memblock. */
	old_is_static = old_array == mb->memory_init_regions ||
			old_array == mb->reserved_init_regions;
	if (!old_is_static)
		smm_memblock_free(mb, old_array, old_alloc_size);

	/*
	 * This cannot fail: the array just doubled, so there is room for the
	 * one region this adds. Should it ever, the new array stays in use
	 * unreserved; warn instead of the kernel's BUG.
	 */
	if (type == &mb->reserved)
		WARN_ON(smm_memblock_reserve(mb, addr, new_alloc_size));

	return 0;
}

/* Merge neighbours that touch and agree on node and flags. */
static void smm_merge_regions(struct smm_memblock_type *type)
{
	unsigned long i = 0;

	/* cnt never drops below 1 */
	while (i < type->cnt - 1) {
		struct smm_memblock_region *this = &type->regions[i];
		struct smm_memblock_region *next = &type->regions[i + 1];

		if (this->base + this->size != next->base ||
		    this->nid != next->nid ||
		    this->flags != next->flags) {
			/*
			 * Overlap means the array is corrupt; the kernel
			 * BUG()s, the shadow must not take the host down.
			 */
			WARN_ON_ONCE(this->base + this->size > next->base);
			i++;
			continue;
		}

		this->size += next->size;
		/* everything after next moves down one slot */
		memmove(next, next + 1, (type->cnt - (i + 2)) * sizeof(*next));
		type->cnt--;
	}
}

/* Insert [base, base + size) at @idx; the caller guarantees a free slot. */
static void smm_insert_region(struct smm_memblock_type *type,
			      unsigned long idx, phys_addr_t base,
			      phys_addr_t size, int nid,
			      enum smm_memblock_flags flags)
{
	struct smm_memblock_region *rgn = &type->regions[idx];

	/* Writing past the array would corrupt memory: refuse, loudly. */
	if (WARN_ON_ONCE(type->cnt >= type->max))
		return;

	memmove(rgn + 1, rgn, (type->cnt - idx) * sizeof(*rgn));
	rgn->base = base;
	rgn->size = size;
	rgn->flags = flags;
	rgn->nid = nid;
	type->cnt++;
	type->total_size += size;
}

/*
 * Add [base, base + size) to @type. Parts already covered are left as they
 * are (their nid and flags win); the array stays sorted and minimal.
 */
static int smm_add_range(struct smm_memblock *mb,
			 struct smm_memblock_type *type, phys_addr_t base,
			 phys_addr_t size, int nid,
			 enum smm_memblock_flags flags)
{
	bool insert = false;
	phys_addr_t obase = base;
	phys_addr_t end = base + smm_cap_size(base, &size);
	unsigned long idx, nr_new;
	struct smm_memblock_region *rgn;

	if (!size)
		return 0;

	/* The dummy entry of an empty array is simply overwritten. */
	if (type->regions[0].size == 0) {
		WARN_ON(type->cnt != 1 || type->total_size);
		type->regions[0].base = base;
		type->regions[0].size = size;
		type->regions[0].flags = flags;
		type->regions[0].nid = nid;
		type->total_size = size;
		return 0;
	}

	/*
	 * At worst the new range straddles every existing region and needs
	 * cnt + 1 new slots. When that many are free, skip the counting
	 * pass and insert straight away.
	 */
	if (type->cnt * 2 + 1 < type->max)
		insert = true;

repeat:
	/*
	 * First pass (insert false) counts the pieces to insert so that the
	 * array can grow beforehand; second pass inserts them.
	 */
	base = obase;
	nr_new = 0;

	for (idx = 0; idx < type->cnt; idx++) {
		phys_addr_t rbase, rend;

		rgn = &type->regions[idx];
		rbase = rgn->base;
		rend = rbase + rgn->size;

		if (rbase >= end)
			break;
		if (rend <= base)
			continue;
		/* rgn overlaps: the part of the new range below it goes in */
		if (rbase > base) {
			WARN_ON(nid != rgn->nid);
			WARN_ON(flags != rgn->flags);
			nr_new++;
			if (insert)
				smm_insert_region(type, idx++, base,
						  rbase - base, nid, flags);
		}
		/* everything below rend is handled */
		base = min(rend, end);
	}

	/* whatever is left above the last overlapping region */
	if (base < end) {
		nr_new++;
		if (insert)
			smm_insert_region(type, idx, base, end - base, nid,
					  flags);
	}

	if (!nr_new)
		return 0;

	if (!insert) {
		while (type->cnt + nr_new > type->max)
			if (smm_double_array(mb, type, obase, size) < 0)
				return -ENOMEM;
		insert = true;
		goto repeat;
	}

	smm_merge_regions(type);
	return 0;
}

/*
 * The public add/reserve/free calls fire their tracepoint on entry, for
 * every call whatever its outcome, the way the kernel's memblock=debug
 * lines are printed: a trace of requests, failures included. The allocator
 * and the array doubling go through these same calls, so their
 * reservations show up too, as they do in the kernel's call graph.
 */
int smm_memblock_add_node(struct smm_memblock *mb, phys_addr_t base,
			  phys_addr_t size, int nid,
			  enum smm_memblock_flags flags)
{
	trace_memblock_add(base, size, nid, flags);
	return smm_add_range(mb, &mb->memory, base, size, nid, flags);
}

int smm_memblock_add(struct smm_memblock *mb, phys_addr_t base,
		     phys_addr_t size)
{
	trace_memblock_add(base, size, SMM_MAX_NUMNODES, 0);
	return smm_add_range(mb, &mb->memory, base, size, SMM_MAX_NUMNODES, 0);
}

/*
 * Split regions of @type at base and base + size, so that the range is
 * covered by whole regions only; [*start_rgn, *end_rgn) are their indexes
 * (both 0 when none).
 */
static int smm_isolate_range(struct smm_memblock *mb,
			     struct smm_memblock_type *type, phys_addr_t base,
			     phys_addr_t size, unsigned long *start_rgn,
			     unsigned long *end_rgn)
{
	phys_addr_t end = base + smm_cap_size(base, &size);
	unsigned long idx;
	struct smm_memblock_region *rgn;

	*start_rgn = 0;
	*end_rgn = 0;

	if (!size)
		return 0;

	/* splitting at both ends adds at most two regions */
	while (type->cnt + 2 > type->max)
		if (smm_double_array(mb, type, base, size) < 0)
			return -ENOMEM;

	for (idx = 0; idx < type->cnt; idx++) {
		phys_addr_t rbase, rend;

		rgn = &type->regions[idx];
		rbase = rgn->base;
		rend = rbase + rgn->size;

		if (rbase >= end)
			break;
		if (rend <= base)
			continue;

		if (rbase < base) {
			/*
			 * rgn starts below the range: split off the part
			 * below; the rest moves to idx + 1, visited next.
			 */
			rgn->base = base;
			rgn->size -= base - rbase;
			type->total_size -= base - rbase;
			smm_insert_region(type, idx, rbase, base - rbase,
					  rgn->nid, rgn->flags);
		} else if (rend > end) {
			/*
			 * rgn ends above the range: cut off the part inside
			 * and visit idx again, which is now that part. At
			 * idx 0 the decrement wraps and the loop's increment
			 * brings it back, well defined for unsigned.
			 */
			rgn->base = end;
			rgn->size -= end - rbase;
			type->total_size -= end - rbase;
			smm_insert_region(type, idx--, rbase, end - rbase,
					  rgn->nid, rgn->flags);
		} else {
			/* wholly inside */
			if (!*end_rgn)
				*start_rgn = idx;
			*end_rgn = idx + 1;
		}
	}

	return 0;
}

static int smm_remove_range(struct smm_memblock *mb,
			    struct smm_memblock_type *type, phys_addr_t base,
			    phys_addr_t size)
{
	unsigned long start_rgn, end_rgn, i;
	int ret;

	ret = smm_isolate_range(mb, type, base, size, &start_rgn, &end_rgn);
	if (ret)
		return ret;

	/* from the top, so that the indexes below stay valid */
	for (i = end_rgn; i > start_rgn; i--)
		smm_remove_region(type, i - 1);
	return 0;
}

int smm_memblock_remove(struct smm_memblock *mb, phys_addr_t base,
			phys_addr_t size)
{
	return smm_remove_range(mb, &mb->memory, base, size);
}

void smm_memblock_free(struct smm_memblock *mb, void *ptr, size_t size)
{
	if (ptr)
		smm_memblock_phys_free(mb, smm_virt_to_phys(ptr), size);
}

int smm_memblock_phys_free(struct smm_memblock *mb, phys_addr_t base,
			   phys_addr_t size)
{
	trace_memblock_free(base, size);
	return smm_remove_range(mb, &mb->reserved, base, size);
}

int smm_memblock_reserve(struct smm_memblock *mb, phys_addr_t base,
			 phys_addr_t size)
{
	trace_memblock_reserve(base, size);
	return smm_add_range(mb, &mb->reserved, base, size, SMM_MAX_NUMNODES,
			     0);
}

static int smm_setclr_flag(struct smm_memblock *mb, phys_addr_t base,
			   phys_addr_t size, bool set,
			   enum smm_memblock_flags flag)
{
	struct smm_memblock_type *type = &mb->memory;
	unsigned long i, start_rgn, end_rgn;
	int ret;

	ret = smm_isolate_range(mb, type, base, size, &start_rgn, &end_rgn);
	if (ret)
		return ret;

	for (i = start_rgn; i < end_rgn; i++) {
		struct smm_memblock_region *r = &type->regions[i];

		if (set)
			r->flags |= flag;
		else
			r->flags &= ~flag;
	}

	/* clearing a flag may make a split region whole again */
	smm_merge_regions(type);
	return 0;
}

int smm_memblock_mark_hotplug(struct smm_memblock *mb, phys_addr_t base,
			      phys_addr_t size)
{
	return smm_setclr_flag(mb, base, size, true, SMM_MEMBLOCK_HOTPLUG);
}

int smm_memblock_clear_hotplug(struct smm_memblock *mb, phys_addr_t base,
			       phys_addr_t size)
{
	return smm_setclr_flag(mb, base, size, false, SMM_MEMBLOCK_HOTPLUG);
}

int smm_memblock_mark_nomap(struct smm_memblock *mb, phys_addr_t base,
			    phys_addr_t size)
{
	return smm_setclr_flag(mb, base, size, true, SMM_MEMBLOCK_NOMAP);
}

int smm_memblock_clear_nomap(struct smm_memblock *mb, phys_addr_t base,
			     phys_addr_t size)
{
	return smm_setclr_flag(mb, base, size, false, SMM_MEMBLOCK_NOMAP);
}

static bool smm_should_skip_region(struct smm_memblock *mb,
				   struct smm_memblock_type *type,
				   const struct smm_memblock_region *m,
				   int nid, enum smm_memblock_flags flags)
{
	/* reserved regions carry no node and no flags worth filtering on */
	if (type != &mb->memory)
		return false;

	if (nid != NUMA_NO_NODE && nid != m->nid)
		return true;

	/* with movable_node, hotpluggable memory stays for ZONE_MOVABLE */
	if (mb->movable_node && smm_is_hotpluggable(m) &&
	    !(flags & SMM_MEMBLOCK_HOTPLUG))
		return true;

	if ((flags & SMM_MEMBLOCK_MIRROR) && !smm_is_mirror(m))
		return true;

	/* NOMAP and driver-managed memory only when asked for explicitly */
	if (!(flags & SMM_MEMBLOCK_NOMAP) && smm_is_nomap(m))
		return true;

	if (!(flags & SMM_MEMBLOCK_DRIVER_MANAGED) && smm_is_driver_managed(m))
		return true;

	return false;
}

/*
 * The iterator state packs two indexes: the low 32 bits index @type_a, the
 * high 32 bits the gaps of @type_b, gap i being the space below region i
 * (gap cnt runs to the top of the address space). Both arrays are sorted,
 * so the two indexes advance in lockstep and every step yields one
 * intersection of an @type_a region with a @type_b gap.
 */
static inline u64 smm_pack_idx(int idx_a, int idx_b)
{
	return (u32)idx_a | (u64)idx_b << 32;
}

static inline phys_addr_t smm_gap_start(struct smm_memblock_type *type,
					int idx_b)
{
	const struct smm_memblock_region *prev;

	if (!idx_b)
		return 0;
	prev = &type->regions[idx_b - 1];
	return prev->base + prev->size;
}

static inline phys_addr_t smm_gap_end(struct smm_memblock_type *type,
				      int idx_b)
{
	if ((unsigned long)idx_b < type->cnt)
		return type->regions[idx_b].base;
	return SMM_PHYS_ADDR_MAX;
}

/* Report one range of a walk; every out pointer may be NULL. */
static inline void smm_range_out(phys_addr_t start, phys_addr_t end, int nid,
				 phys_addr_t *out_start, phys_addr_t *out_end,
				 int *out_nid)
{
	if (out_start)
		*out_start = start;
	if (out_end)
		*out_end = end;
	if (out_nid)
		*out_nid = nid;
}

void smm__next_mem_range(struct smm_memblock *mb, u64 *idx, int nid,
			 enum smm_memblock_flags flags,
			 struct smm_memblock_type *type_a,
			 struct smm_memblock_type *type_b,
			 phys_addr_t *out_start, phys_addr_t *out_end,
			 int *out_nid)
{
	int idx_a = (int)(u32)*idx;
	int idx_b = (int)(*idx >> 32);

	nid = smm_fix_nid(nid);

	for (; (unsigned long)idx_a < type_a->cnt; idx_a++) {
		struct smm_memblock_region *m = &type_a->regions[idx_a];
		phys_addr_t m_start = m->base;
		phys_addr_t m_end = m->base + m->size;

		if (smm_should_skip_region(mb, type_a, m, nid, flags))
			continue;

		if (!type_b) {
			smm_range_out(m_start, m_end, m->nid, out_start, out_end,
				      out_nid);
			*idx = smm_pack_idx(idx_a + 1, idx_b);
			return;
		}

		for (; (unsigned long)idx_b < type_b->cnt + 1; idx_b++) {
			phys_addr_t r_start = smm_gap_start(type_b, idx_b);
			phys_addr_t r_end = smm_gap_end(type_b, idx_b);

			/* gap is past m: move on to the next m */
			if (r_start >= m_end)
				break;
			if (m_start < r_end) {
				smm_range_out(max(m_start, r_start),
					      min(m_end, r_end), m->nid,
					      out_start, out_end, out_nid);
				/* whichever ends first is done with */
				if (m_end <= r_end)
					idx_a++;
				else
					idx_b++;
				*idx = smm_pack_idx(idx_a, idx_b);
				return;
			}
		}
	}

	*idx = ULLONG_MAX;
}

void smm__next_mem_range_rev(struct smm_memblock *mb, u64 *idx, int nid,
			     enum smm_memblock_flags flags,
			     struct smm_memblock_type *type_a,
			     struct smm_memblock_type *type_b,
			     phys_addr_t *out_start, phys_addr_t *out_end,
			     int *out_nid)
{
	int idx_a = (int)(u32)*idx;
	int idx_b = (int)(*idx >> 32);

	nid = smm_fix_nid(nid);

	if (*idx == ULLONG_MAX) {
		idx_a = (int)type_a->cnt - 1;
		idx_b = type_b ? (int)type_b->cnt : 0;
	}

	for (; idx_a >= 0; idx_a--) {
		struct smm_memblock_region *m = &type_a->regions[idx_a];
		phys_addr_t m_start = m->base;
		phys_addr_t m_end = m->base + m->size;

		if (smm_should_skip_region(mb, type_a, m, nid, flags))
			continue;

		if (!type_b) {
			smm_range_out(m_start, m_end, m->nid, out_start, out_end,
				      out_nid);
			*idx = smm_pack_idx(idx_a - 1, idx_b);
			return;
		}

		for (; idx_b >= 0; idx_b--) {
			phys_addr_t r_start = smm_gap_start(type_b, idx_b);
			phys_addr_t r_end = smm_gap_end(type_b, idx_b);

			/* gap is below m: move on to the previous m */
			if (r_end <= m_start)
				break;
			if (m_end > r_start) {
				smm_range_out(max(m_start, r_start),
					      min(m_end, r_end), m->nid,
					      out_start, out_end, out_nid);
				/* whichever starts last is done with */
				if (m_start >= r_start)
					idx_a--;
				else
					idx_b--;
				*idx = smm_pack_idx(idx_a, idx_b);
				return;
			}
		}
	}

	*idx = ULLONG_MAX;
}

/*
 * Whole pages of memory regions, one region per step. As in v6.1, @nid
 * SMM_MAX_NUMNODES selects every node; NUMA_NO_NODE only matches regions
 * whose nid is NUMA_NO_NODE.
 */
void smm__next_mem_pfn_range(struct smm_memblock *mb, int *idx, int nid,
			     unsigned long *out_start_pfn,
			     unsigned long *out_end_pfn, int *out_nid)
{
	struct smm_memblock_type *type = &mb->memory;
	struct smm_memblock_region *r = NULL;

	while ((unsigned long)++*idx < type->cnt) {
		r = &type->regions[*idx];

		/* not even one whole page */
		if (PFN_UP(r->base) >= PFN_DOWN(r->base + r->size))
			continue;
		if (nid == SMM_MAX_NUMNODES || nid == r->nid)
			break;
	}
	if ((unsigned long)*idx >= type->cnt) {
		*idx = -1;
		return;
	}

	if (out_start_pfn)
		*out_start_pfn = PFN_UP(r->base);
	if (out_end_pfn)
		*out_end_pfn = PFN_DOWN(r->base + r->size);
	if (out_nid)
		*out_nid = r->nid;
}

/* One step of each for_each_* macro: true while there was a range. */
bool smm_next_free_mem_range(struct smm_memblock *mb, u64 *idx, int nid,
			     enum smm_memblock_flags flags,
			     phys_addr_t *out_start, phys_addr_t *out_end,
			     int *out_nid)
{
	smm__next_mem_range(mb, idx, nid, flags, &mb->memory, &mb->reserved,
			    out_start, out_end, out_nid);
	return *idx != ULLONG_MAX;
}

bool smm_next_free_mem_range_rev(struct smm_memblock *mb, u64 *idx, int nid,
				 enum smm_memblock_flags flags,
				 phys_addr_t *out_start, phys_addr_t *out_end,
				 int *out_nid)
{
	smm__next_mem_range_rev(mb, idx, nid, flags, &mb->memory,
				&mb->reserved, out_start, out_end, out_nid);
	return *idx != ULLONG_MAX;
}

bool smm_next_mem_pfn_range(struct smm_memblock *mb, int *idx, int nid,
			    unsigned long *out_start_pfn,
			    unsigned long *out_end_pfn, int *out_nid)
{
	smm__next_mem_pfn_range(mb, idx, nid, out_start_pfn, out_end_pfn,
				out_nid);
	return *idx >= 0;
}

bool smm_memblock_type_next(struct smm_memblock_type *type,
			    unsigned long *idx,
			    struct smm_memblock_region **rgn)
{
	if (*idx >= type->cnt)
		return false;
	*rgn = &type->regions[(*idx)++];
	return true;
}

int smm_memblock_set_node(struct smm_memblock *mb, phys_addr_t base,
			  phys_addr_t size, struct smm_memblock_type *type,
			  int nid)
{
	unsigned long i, start_rgn, end_rgn;
	int ret;

	ret = smm_isolate_range(mb, type, base, size, &start_rgn, &end_rgn);
	if (ret)
		return ret;

	for (i = start_rgn; i < end_rgn; i++)
		type->regions[i].nid = nid;

	smm_merge_regions(type);
	return 0;
}

/* memblock_alloc_range_nid() without the tracepoint, for every caller. */
static phys_addr_t smm_alloc_range_nid(struct smm_memblock *mb,
				       phys_addr_t size, phys_addr_t align,
				       phys_addr_t start, phys_addr_t end,
				       int nid, bool exact_nid)
{
	enum smm_memblock_flags flags = SMM_DEFAULT_FLAGS;
	phys_addr_t found;

	nid = smm_fix_nid(nid);

	/* the kernel dumps the stack here; a user command must not */
	if (!align)
		align = SMP_CACHE_BYTES;

	found = smm_find_in_range_node(mb, size, align, start, end, nid,
				       flags);
	if (found && !smm_memblock_reserve(mb, found, size))
		return found;

	if (nid != NUMA_NO_NODE && !exact_nid) {
		found = smm_find_in_range_node(mb, size, align, start, end,
					       NUMA_NO_NODE, flags);
		if (found && !smm_memblock_reserve(mb, found, size))
			return found;
	}

	return 0;
}

/*
 * trace_memblock_alloc fires once per public allocation call, success or
 * not (base 0), so a failed allocation is as visible as a successful one.
 */
static phys_addr_t smm_traced_alloc_range_nid(struct smm_memblock *mb,
					      phys_addr_t size,
					      phys_addr_t align,
					      phys_addr_t start,
					      phys_addr_t end, int nid,
					      bool exact_nid)
{
	struct smm_memblock_alloc_info info = {
		.size = size,
		.align = align,
		.min_addr = start,
		.max_addr = end,
		.nid = nid,
		.exact_nid = exact_nid,
		.retried = false,
	};

	info.base = smm_alloc_range_nid(mb, size, align, start, end, nid,
					exact_nid);
	trace_memblock_alloc(&info);
	return info.base;
}

phys_addr_t smm_memblock_alloc_range_nid(struct smm_memblock *mb,
					 phys_addr_t size, phys_addr_t align,
					 phys_addr_t start, phys_addr_t end,
					 int nid, bool exact_nid)
{
	return smm_traced_alloc_range_nid(mb, size, align, start, end, nid,
					  exact_nid);
}

phys_addr_t smm_memblock_phys_alloc_range(struct smm_memblock *mb,
					  phys_addr_t size, phys_addr_t align,
					  phys_addr_t start, phys_addr_t end)
{
	return smm_traced_alloc_range_nid(mb, size, align, start, end,
					  NUMA_NO_NODE, false);
}

phys_addr_t smm_memblock_phys_alloc_try_nid(struct smm_memblock *mb,
					    phys_addr_t size,
					    phys_addr_t align, int nid)
{
	return smm_traced_alloc_range_nid(mb, size, align, 0,
					  SMM_MEMBLOCK_ALLOC_ACCESSIBLE, nid,
					  false);
}

/*
 * @info (may be NULL) receives the request as the caller made it, the base
 * found (0 on failure) and whether the retry without min_addr ran.
 */
static void *smm_alloc_internal(struct smm_memblock *mb, phys_addr_t size,
				phys_addr_t align, phys_addr_t min_addr,
				phys_addr_t max_addr, int nid, bool exact_nid,
				struct smm_memblock_alloc_info *info)
{
	struct smm_memblock_alloc_info local = {
		.size = size,
		.align = align,
		.min_addr = min_addr,
		.max_addr = max_addr,
		.nid = nid,
		.exact_nid = exact_nid,
		.retried = false,
	};
	phys_addr_t alloc;

	/*
	 * Once slab is up memblock may already be gone: the kernel warns
	 * once (WARN_ON_ONCE(slab_is_available())) and hands the request to
	 * kzalloc_node(size, GFP_NOWAIT, nid), ignoring align and limits.
	 * The callback says so once in the log (no host WARN) and counts.
	 */
	if (mb->late_kzalloc_node) {
		void *ptr = mb->late_kzalloc_node(mb->late_owner, size, nid);

		local.slab = true;
		local.base = ptr ? smm_virt_to_phys(ptr) : 0;
		trace_memblock_alloc(&local);
		if (info)
			*info = local;
		return ptr;
	}
	if (max_addr > mb->current_limit)
		max_addr = mb->current_limit;

	alloc = smm_alloc_range_nid(mb, size, align, min_addr, max_addr, nid,
				    exact_nid);

	/* min_addr is a preference: rather below it than nothing */
	if (!alloc && min_addr) {
		local.retried = true;
		alloc = smm_alloc_range_nid(mb, size, align, 0, max_addr, nid,
					    exact_nid);
	}

	local.base = alloc;
	trace_memblock_alloc(&local);
	if (info)
		*info = local;

	if (!alloc)
		return NULL;
	return smm_phys_to_virt(alloc);
}

void *smm_memblock_alloc_exact_nid_raw(struct smm_memblock *mb,
				       phys_addr_t size, phys_addr_t align,
				       phys_addr_t min_addr,
				       phys_addr_t max_addr, int nid,
				       struct smm_memblock_alloc_info *info)
{
	return smm_alloc_internal(mb, size, align, min_addr, max_addr, nid,
				  true, info);
}

void *smm_memblock_alloc_try_nid_raw(struct smm_memblock *mb,
				     phys_addr_t size, phys_addr_t align,
				     phys_addr_t min_addr,
				     phys_addr_t max_addr, int nid,
				     struct smm_memblock_alloc_info *info)
{
	return smm_alloc_internal(mb, size, align, min_addr, max_addr, nid,
				  false, info);
}

void *smm_memblock_alloc_try_nid(struct smm_memblock *mb, phys_addr_t size,
				 phys_addr_t align, phys_addr_t min_addr,
				 phys_addr_t max_addr, int nid,
				 struct smm_memblock_alloc_info *info)
{
	void *ptr;

	ptr = smm_alloc_internal(mb, size, align, min_addr, max_addr, nid,
				 false, info);
	if (ptr)
		memset(ptr, 0, size);
	return ptr;
}

phys_addr_t smm_memblock_phys_mem_size(struct smm_memblock *mb)
{
	return mb->memory.total_size;
}

phys_addr_t smm_memblock_reserved_size(struct smm_memblock *mb)
{
	return mb->reserved.total_size;
}

phys_addr_t smm_memblock_start_of_DRAM(struct smm_memblock *mb)
{
	return mb->memory.regions[0].base;
}

phys_addr_t smm_memblock_end_of_DRAM(struct smm_memblock *mb)
{
	struct smm_memblock_region *last;

	last = &mb->memory.regions[mb->memory.cnt - 1];
	return last->base + last->size;
}

/* Index of the region of @type holding @addr, or -1; binary search. */
static int smm_memblock_search(struct smm_memblock_type *type,
			       phys_addr_t addr)
{
	unsigned long left = 0, right = type->cnt;

	do {
		unsigned long mid = (right + left) / 2;
		const struct smm_memblock_region *r = &type->regions[mid];

		if (addr < r->base)
			right = mid;
		else if (addr >= r->base + r->size)
			left = mid + 1;
		else
			return (int)mid;
	} while (left < right);
	return -1;
}

bool smm_memblock_is_reserved(struct smm_memblock *mb, phys_addr_t addr)
{
	return smm_memblock_search(&mb->reserved, addr) != -1;
}

bool smm_memblock_is_memory(struct smm_memblock *mb, phys_addr_t addr)
{
	return smm_memblock_search(&mb->memory, addr) != -1;
}

/*
 * True when [base, base + size) lies within the single memory region that
 * holds @base (as in the kernel, two touching regions do not count; see
 * smm_memblock_covers() for that).
 */
bool smm_memblock_is_region_memory(struct smm_memblock *mb, phys_addr_t base,
				   phys_addr_t size)
{
	int idx = smm_memblock_search(&mb->memory, base);
	phys_addr_t end = base + smm_cap_size(base, &size);
	const struct smm_memblock_region *r;

	if (idx == -1)
		return false;
	r = &mb->memory.regions[idx];
	return r->base + r->size >= end;
}

/* True when [base, base + size) intersects any reserved region. */
bool smm_memblock_is_region_reserved(struct smm_memblock *mb,
				     phys_addr_t base, phys_addr_t size)
{
	return smm_memblock_overlaps_region(&mb->reserved, base, size);
}

/*
 * Not in the kernel: checks run by the module need "is every byte of this
 * range in memory.regions", across regions that touch but stay apart
 * because their node or flags differ. An empty range is covered.
 */
bool smm_memblock_covers(struct smm_memblock_type *type, phys_addr_t base,
			 phys_addr_t size)
{
	phys_addr_t end = base + smm_cap_size(base, &size);
	phys_addr_t cursor = base;
	unsigned long i;

	if (!size)
		return true;

	for (i = 0; i < type->cnt; i++) {
		const struct smm_memblock_region *r = &type->regions[i];
		phys_addr_t rend = r->base + r->size;

		if (rend <= cursor)
			continue;
		if (r->base > cursor)
			return false;
		cursor = rend;
		if (cursor >= end)
			return true;
	}
	return false;
}

/*
 * Shrink every memory region to @align boundaries, dropping those that
 * vanish. Departure: v6.1 leaves memory.total_size at its old value when
 * it shrinks a region (only dropped regions are accounted); the shadow
 * keeps total_size equal to the sum of the regions, which the module's
 * consistency check relies on.
 */
void smm_memblock_trim_memory(struct smm_memblock *mb, phys_addr_t align)
{
	struct smm_memblock_type *type = &mb->memory;
	phys_addr_t start, end, orig_start, orig_end;
	unsigned long i = 0;

	while (i < type->cnt) {
		struct smm_memblock_region *r = &type->regions[i];

		orig_start = r->base;
		orig_end = r->base + r->size;
		start = round_up(orig_start, align);
		end = round_down(orig_end, align);

		if (start == orig_start && end == orig_end) {
			i++;
			continue;
		}

		/*
		 * round_up() wraps to 0 at the top of the address space;
		 * the kernel would then grow the region down to 0, the
		 * shadow treats it as too small.
		 */
		if (start >= orig_start && start < end) {
			type->total_size -= r->size - (end - start);
			r->base = start;
			r->size = end - start;
			i++;
		} else {
			/* the next region slides into slot i */
			smm_remove_region(type, i);
		}
	}
}

void smm_memblock_set_current_limit(struct smm_memblock *mb, phys_addr_t limit)
{
	mb->current_limit = limit;
}

phys_addr_t smm_memblock_get_current_limit(struct smm_memblock *mb)
{
	return mb->current_limit;
}

void smm_memblock_set_bottom_up(struct smm_memblock *mb, bool enable)
{
	mb->bottom_up = enable;
}

bool smm_memblock_bottom_up(struct smm_memblock *mb)
{
	return mb->bottom_up;
}

void smm_memblock_set_movable_node(struct smm_memblock *mb, bool enable)
{
	mb->movable_node = enable;
}

bool smm_memblock_movable_node_is_enabled(struct smm_memblock *mb)
{
	return mb->movable_node;
}

void smm_memblock_allow_resize(struct smm_memblock *mb)
{
	mb->can_resize = true;
}

static void smm_init_type(struct smm_memblock_type *type,
			  struct smm_memblock_region *init_regions,
			  const char *name)
{
	memset(init_regions, 0,
	       SMM_INIT_MEMBLOCK_REGIONS * sizeof(*init_regions));
	type->regions = init_regions;
	/* one empty dummy entry, the state remove_region returns to */
	type->cnt = 1;
	type->regions[0].nid = SMM_MAX_NUMNODES;
	type->max = SMM_INIT_MEMBLOCK_REGIONS;
	type->total_size = 0;
	type->name = name;
}

void smm_memblock_init(struct smm_memblock *mb)
{
	smm_init_type(&mb->memory, mb->memory_init_regions, "memory");
	smm_init_type(&mb->reserved, mb->reserved_init_regions, "reserved");
	mb->bottom_up = false;
	mb->current_limit = SMM_MEMBLOCK_ALLOC_ANYWHERE;
	mb->can_resize = false;
	mb->movable_node = false;
	mb->late_kzalloc_node = NULL;
	mb->late_owner = NULL;
}

/*
 * Arrays doubled out of the init arrays live in shadow memory that
 * memblock itself handed out, never on the host heap, so there is nothing
 * to give back: just stop pointing at memory that is about to go away, and
 * leave @mb as smm_memblock_init() does.
 */
void smm_memblock_destroy(struct smm_memblock *mb)
{
	smm_memblock_init(mb);
}

/*
 * The kernel prints phys_addr_t with %pa (0x and 16 hex digits on 64-bit)
 * and a zero with %#x as "0x0" where C libraries print "0": spell both out
 * so that the module and the host tests produce the same bytes.
 */
#define SMM_PA_FMT	"0x%016llx"

static void smm_memblock_dump(struct smm_memblock_type *type,
			      smm_emit_fn emit, void *ctx)
{
	unsigned long idx;

	emit(ctx, " %s.cnt  = 0x%lx\n", type->name, type->cnt);

	for (idx = 0; idx < type->cnt; idx++) {
		const struct smm_memblock_region *rgn = &type->regions[idx];
		phys_addr_t end = rgn->base + rgn->size - 1;
		char nid_buf[32] = "";

		if (rgn->nid != SMM_MAX_NUMNODES)
			snprintf(nid_buf, sizeof(nid_buf), " on node %d",
				 rgn->nid);
		emit(ctx, " %s[0x%lx]\t[" SMM_PA_FMT "-" SMM_PA_FMT "], "
		     SMM_PA_FMT " bytes%s flags: 0x%x\n",
		     type->name, idx, (unsigned long long)rgn->base,
		     (unsigned long long)end, (unsigned long long)rgn->size,
		     nid_buf, (unsigned int)rgn->flags);
	}
}

/* Always prints: the shadow has no memblock=debug gate. */
void smm_memblock_dump_all(struct smm_memblock *mb, smm_emit_fn emit,
			   void *ctx)
{
	emit(ctx, "MEMBLOCK configuration:\n");
	emit(ctx, " memory size = " SMM_PA_FMT " reserved size = " SMM_PA_FMT
	     "\n", (unsigned long long)mb->memory.total_size,
	     (unsigned long long)mb->reserved.total_size);

	smm_memblock_dump(&mb->memory, emit, ctx);
	smm_memblock_dump(&mb->reserved, emit, ctx);
}

void smm_memblock_debug_show(struct smm_memblock_type *type, smm_emit_fn emit,
			     void *ctx)
{
	unsigned long i;

	for (i = 0; i < type->cnt; i++) {
		const struct smm_memblock_region *reg = &type->regions[i];
		phys_addr_t end = reg->base + reg->size - 1;

		emit(ctx, "%4d: " SMM_PA_FMT ".." SMM_PA_FMT "\n", (int)i,
		     (unsigned long long)reg->base, (unsigned long long)end);
	}
}

/* ---- memblock_free_all ------------------------------------------------- */

/*
 * __free_pages_memory(): [start, end) into the buddy allocator in the
 * largest naturally aligned blocks. The kernel's zone boundaries are
 * MAX_ORDER aligned, so its blocks never cross one; the scaled layout's
 * are only pageblock aligned, so the range is cut at each zone's end
 * first: a block must lie in one zone.
 */
static void smm_free_pages_memory(struct smm_machine *m, unsigned long start,
				  unsigned long end)
{
	while (start < end) {
		struct smm_page *page = smm_pfn_to_page(m, start);
		struct smm_zone *zone;
		unsigned long zone_end;

		/* free memory is memory of a node, inside one of its zones */
		if (WARN_ON_ONCE(!page))
			return;
		zone = smm_page_zone(m, page);
		if (WARN_ON_ONCE(!smm_zone_spans_pfn(zone, start)))
			return;
		zone_end = min(end, smm_zone_end_pfn(zone));

		while (start < zone_end) {
			unsigned int order = SMM_MAX_ORDER - 1;

			if (start)
				order = min_t(unsigned long, order,
					      __ffs(start));
			while (start + (1UL << order) > zone_end)
				order--;
			smm__free_pages_core(m, smm_pfn_to_page(m, start),
					     start, order);
			start += 1UL << order;
		}
	}
}

/* __free_memory_core(): whole pages only. */
static unsigned long smm_free_memory_core(struct smm_machine *m,
					  phys_addr_t start, phys_addr_t end)
{
	unsigned long start_pfn = PFN_UP(start);
	unsigned long end_pfn = PFN_DOWN(end);

	if (start_pfn >= end_pfn)
		return 0;
	smm_free_pages_memory(m, start_pfn, end_pfn);
	return end_pfn - start_pfn;
}

/*
 * memblock_free_all(): zones start with nothing managed; every free range
 * of memblock, on any node, goes to the buddy allocator (memblock.reserved
 * - the memory map, the boot reservations, memblock's own grown arrays -
 * never does). The shadow never marks memory hotplug, so the kernel's
 * memblock_clear_hotplug(0, -1) has nothing to do. What depends on the
 * managed counts (pcp batch and high, min_free_kbytes, watermarks,
 * lowmem_reserve) comes after, as in the kernel's boot: smm_boot() runs
 * smm_setup_per_cpu_pageset() and smm_init_per_zone_wmark_min().
 */
unsigned long smm_memblock_free_all(struct smm_machine *m)
{
	struct smm_zone *zone;
	phys_addr_t start, end;
	unsigned long pages = 0;

	for_each_smm_zone(m, zone)
		zone->managed_pages = 0;

	smm_for_each_free_mem_range(&m->memblock, NUMA_NO_NODE,
				    SMM_MEMBLOCK_NONE, &start, &end, NULL)
		pages += smm_free_memory_core(m, start, end);
	m->totalram_pages = pages;

	for_each_smm_zone(m, zone)
		if (smm_populated_zone(zone))
			trace_free_all(zone->node, zone->idx,
				       zone->managed_pages);
	return pages;
}
