/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stage 2: zones, memblock_free_all and the buddy allocator with per-cpu
 * lists and migratetype fallback (mm/page_alloc.c of v6.1), plus what
 * makes it observable: per-cpu event counters and the rmqueue ring.
 */
#ifndef _SHADOWMM_PAGE_ALLOC_H
#define _SHADOWMM_PAGE_ALLOC_H

#include "gfp.h"

struct smm_machine;

/* include/linux/topology.h */
#define SMM_LOCAL_DISTANCE	10
#define SMM_REMOTE_DISTANCE	20

struct smm_nodemask {
	unsigned long bits;	/* bit n: shadow node n (SMM_MAX_NUMNODES <= 64) */
};

/* zone_layout= */
enum smm_zone_layout {
	SMM_ZONE_LAYOUT_SCALED,	/* every zone on every node, by proportion */
	SMM_ZONE_LAYOUT_REAL,	/* the real DMA/DMA32/Normal boundaries */
};

/* The per-node NUMA counters of /sys/devices/system/node/nodeN/numastat. */
enum smm_numa_stat_item {
	SMM_NUMA_HIT,		/* allocated here, intended here */
	SMM_NUMA_MISS,		/* allocated here, intended elsewhere */
	SMM_NUMA_FOREIGN,	/* intended here, allocated elsewhere */
	SMM_NUMA_INTERLEAVE_HIT, /* interleave policy got the node it wanted */
	SMM_NUMA_LOCAL,		/* allocated here by a CPU of this node */
	SMM_NUMA_OTHER,		/* allocated here by a CPU of another node */
	SMM_NR_NUMA_STATS
};

/* Why zonelist_fallback left the first eligible zone. */
enum smm_zonelist_fallback_reason {
	SMM_ZLF_WATERMARK,	/* below its watermark */
	SMM_ZLF_EMPTY,		/* above it, but no block of the order */
};

/*
 * Per-cpu event counters; the debugfs histograms are their sums. Each CPU
 * only writes its own copy, with the CPU pinned (smm_get_cpu()).
 */
struct smm_vm_events {
	/* __rmqueue_smallest hits: [migratetype][requested order][current_order] */
	u64 rmqueue[SMM_MIGRATE_TYPES][SMM_MAX_ORDER][SMM_MAX_ORDER];
	/* allocations served straight from a pcp list, by order */
	u64 pcp_hit[SMM_MAX_ORDER];
	/* __rmqueue_fallback: [start migratetype][fallback migratetype] */
	u64 fallback[SMM_MIGRATE_TYPES][SMM_MIGRATE_TYPES];
	/* ... of which took the whole pageblock (its migratetype changed) */
	u64 steal[SMM_MIGRATE_TYPES][SMM_MIGRATE_TYPES];
	/* smm_alloc_pages() outcomes: [node][zone][order] / failures [order] */
	u64 alloc_success[SMM_MAX_NUMNODES][SMM_MAX_NR_ZONES][SMM_MAX_ORDER];
	u64 alloc_fail[SMM_MAX_ORDER];
	u64 watermark_fail;	/* zone_watermark_ok said no */
	u64 free[SMM_MAX_ORDER];	/* smm_free_pages() calls */
	u64 merge[SMM_MAX_ORDER];	/* __free_one_page merged up to order */
	u64 pcp_refill;		/* rmqueue_bulk calls */
	u64 pcp_drain;		/* free_pcppages_bulk calls */
	u64 verify_mismatch;
	/* requests refused outright: order >= SMM_MAX_ORDER, bad gfp or node */
	u64 alloc_invalid;
	/* smm_free_pages() of a block that is not allocated (double free) */
	u64 bad_free;
	/* zone_statistics(): [node][enum smm_numa_stat_item] */
	u64 numa[SMM_MAX_NUMNODES][SMM_NR_NUMA_STATS];
	/* served away from the first eligible zone: [preferred nid][nid] */
	u64 zonelist_fallback[SMM_MAX_NUMNODES][SMM_MAX_NUMNODES];
};

/*
 * The number of u64 counters above, field by field: smm_vm_events_sum()
 * adds the struct up as an array of u64, which is sound only while every
 * field is u64 and nothing pads it. A BUILD_BUG_ON there compares this
 * with sizeof(struct smm_vm_events): a field added, removed or of another
 * type breaks the build until this line is updated.
 */
#define SMM_VM_EVENT_WORDS						\
	(SMM_MIGRATE_TYPES * SMM_MAX_ORDER * SMM_MAX_ORDER +		\
	 SMM_MAX_ORDER +						\
	 2 * SMM_MIGRATE_TYPES * SMM_MIGRATE_TYPES +			\
	 SMM_MAX_NUMNODES * SMM_MAX_NR_ZONES * SMM_MAX_ORDER +		\
	 SMM_MAX_ORDER + 1 + 2 * SMM_MAX_ORDER + 5 +			\
	 SMM_MAX_NUMNODES * SMM_NR_NUMA_STATS +				\
	 SMM_MAX_NUMNODES * SMM_MAX_NUMNODES)

/* One rmqueue event, as the rmqueue tracepoint reports it. */
struct smm_rmqueue_rec {
	u64 seq;
	unsigned long pfn;
	int nid;
	int zone;
	unsigned int order;
	unsigned int current_order;
	int migratetype;
	bool pcp;		/* served from a per-cpu list */
};

/*
 * One CPU's part of the rmqueue ring: only that CPU writes it, with its
 * interrupts off and no lock; a reader copies it slot by slot, keeping a
 * slot whose seq is the same, and not SMM_RMQUEUE_BUSY, before and after
 * (smm_rmqueue_ring_write() in mm/page_alloc.c). Each on cache lines of
 * its own.
 */
#define SMM_RMQUEUE_BUSY	(~0ULL)

struct smm_rmqueue_cpu_ring {
	u64 head;		/* records this CPU wrote: the next goes to head % size */
	struct smm_rmqueue_rec *recs;
} ____cacheline_aligned_in_smp;

/*
 * The last blocks taken off a list, per CPU; seq orders them machine-wide
 * (an atomic, not a lock). All off, seq included, with size 0.
 */
struct smm_rmqueue_ring {
	unsigned int size;	/* entries a CPU keeps, and the view shows; 0: off */
	struct smm_rmqueue_cpu_ring *cpus;	/* nr_cpus of them */
	/*
	 * events recorded so far: every CPU writes it, so it has a cache
	 * line of its own, away from what every CPU only reads
	 */
	smm_atomic64_t seq ____cacheline_aligned_in_smp;
};

/*
 * alloc_flags (mm/internal.h of the v6.1 the shadow follows, Debian's
 * 6.1.y: see README "Which v6.1"), with the kernel's values: the low
 * bits pick the watermark, the rest are the slowpath's privileges.
 */
#define SMM_ALLOC_WMARK_MIN	SMM_WMARK_MIN
#define SMM_ALLOC_WMARK_LOW	SMM_WMARK_LOW
#define SMM_ALLOC_WMARK_HIGH	SMM_WMARK_HIGH
#define SMM_ALLOC_NO_WATERMARKS	0x04	/* don't check watermarks at all */
#define SMM_ALLOC_WMARK_MASK	(SMM_ALLOC_NO_WATERMARKS - 1)
#define SMM_ALLOC_OOM		0x08	/* an OOM victim: never set here */
#define SMM_ALLOC_NON_BLOCK	0x10	/* cannot block: 25% off min with MIN_RESERVE */
#define SMM_ALLOC_MIN_RESERVE	0x20	/* __GFP_HIGH: half of min */
#define SMM_ALLOC_CPUSET	0x40	/* keep to the policy's nodemask */
#define SMM_ALLOC_CMA		0x80	/* may use CMA: never set (no CMA) */
#define SMM_ALLOC_NOFRAGMENT	0x100	/* avoid mixing pageblock types */
#define SMM_ALLOC_HIGHATOMIC	0x200	/* may use MIGRATE_HIGHATOMIC */
#define SMM_ALLOC_KSWAPD	0x800	/* __GFP_KSWAPD_RECLAIM: would wake kswapd */
/* what may go below the min watermark */
#define SMM_ALLOC_RESERVES	(SMM_ALLOC_NON_BLOCK | SMM_ALLOC_MIN_RESERVE | \
				 SMM_ALLOC_HIGHATOMIC | SMM_ALLOC_OOM)

/*
 * Pipeline steps 4 to 6, in the order smm_boot() runs them after the
 * memory map exists (memblock_free_all() is src/mm/memblock.c's).
 */
int smm_free_area_init(struct smm_machine *m);
void smm_build_all_zonelists(struct smm_machine *m);
unsigned long smm_memblock_free_all(struct smm_machine *m);
void smm_setup_per_cpu_pageset(struct smm_machine *m);
void smm_init_per_zone_wmark_min(struct smm_machine *m);
/* Undo smm_free_area_init() (per-cpu sets, pageblock bitmaps, counters). */
void smm_page_alloc_teardown(struct smm_machine *m);

/* Runtime: NULL on failure (counted, traced, no warning). */
struct smm_page *smm_alloc_pages(struct smm_machine *m, unsigned int gfp,
				 unsigned int order, int preferred_nid,
				 const struct smm_nodemask *nodemask);
void smm_free_pages(struct smm_machine *m, struct smm_page *page,
		    unsigned int order);
/* Empty every per-cpu list of every zone into the buddy lists. */
void smm_drain_all_pages(struct smm_machine *m);

/* Watermark check, with the high-order free-area test (v6.1 semantics). */
bool smm_zone_watermark_ok(struct smm_zone *z, unsigned int order,
			   unsigned long mark, int highest_zoneidx,
			   unsigned int alloc_flags);

/* memmap lookups; smm_pfn_to_page() is NULL outside every node's map. */
struct smm_page *smm_pfn_to_page(struct smm_machine *m, unsigned long pfn);
/* Entries of the memory map, holes and rounding included (as walked). */
unsigned long smm_memmap_pages(const struct smm_machine *m);
/* Bytes of the per-page tables: smm_metadata_bytes(). */
struct smm_metadata {
	unsigned long memmap;	/* the memory map, holes included */
	unsigned long usemap;	/* every zone's pageblock bits */
	unsigned long sections;	/* SPARSEMEM's section table (0: FLATMEM) */
};

void smm_metadata_bytes(struct smm_machine *m, struct smm_metadata *md);
unsigned long smm_page_to_pfn(struct smm_machine *m,
			      const struct smm_page *page);
struct smm_zone *smm_page_zone(struct smm_machine *m,
			       const struct smm_page *page);
void *smm_page_address(struct smm_machine *m, const struct smm_page *page);

/* The migratetype of @pfn's pageblock; -1 when no zone spans @pfn. */
int smm_get_pageblock_migratetype(struct smm_machine *m, unsigned long pfn);

/* __count_numa_event() on the calling CPU's counters. */
void smm_count_numa_event(struct smm_machine *m, int nid,
			  enum smm_numa_stat_item item);

/*
 * numa_node_id() of the shadow: the calling CPU's node when that is a
 * shadow node, else the first shadow node.
 */
int smm_numa_node_id(struct smm_machine *m, int cpu);

/* node_distance() between two shadow nodes. */
int smm_node_distance(const struct smm_machine *m, int from, int to);

/* Sum of every CPU's counters into @sum. */
void smm_vm_events_sum(struct smm_machine *m, struct smm_vm_events *sum);

#endif /* _SHADOWMM_PAGE_ALLOC_H */
