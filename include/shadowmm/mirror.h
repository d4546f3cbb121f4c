/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The mirror's portable replay core (src/mirror.c): host page-allocator
 * events (kmem:mm_page_alloc, mm_page_free, mm_page_free_batched) applied
 * to a shadow machine. The module's tracepoint probes (src/kernel/mirror.c)
 * and the offline replay (src/user/) feed the same functions, so a log the
 * module wrote replays on the host into the same free lists.
 *
 * The host pfn -> shadow block table is allocated once (smm_mirror_init())
 * and bounded; applying an event never allocates, never sleeps and counts
 * whatever it could not do.
 */
#ifndef _SHADOWMM_MIRROR_H
#define _SHADOWMM_MIRROR_H

#include "machine.h"

enum smm_mirror_type {
	SMM_MIRROR_ALLOC,
	SMM_MIRROR_FREE,
	SMM_MIRROR_FREE_BATCHED,
};

/* One host event, translated: shadow gfp and shadow node. */
struct smm_mirror_event {
	enum smm_mirror_type type;
	unsigned long pfn;	/* the host's */
	unsigned int order;
	unsigned int gfp;	/* SMM___GFP_* (alloc only) */
	int nid;		/* shadow node (alloc only) */
	int cpu;		/* the CPU it happened on: the shadow's pcp lists */
	int pid;		/* for the log */
};

/* mirror/stats, one "name value" line each, in this order. */
enum smm_mirror_stat {
	SMM_MST_ALLOCS,		/* host allocations seen while on */
	SMM_MST_MIRRORED,	/* ... replayed into the shadow */
	SMM_MST_FILTERED,	/* ... not selected by the filters */
	SMM_MST_SHADOW_FAIL,	/* ... the shadow could not allocate */
	SMM_MST_TABLE_FULL,	/* ... no room left in the pfn table */
	SMM_MST_HOST_FAIL,	/* ... the host's allocation had failed */
	SMM_MST_STALE,		/* ... of a pfn the table still held */
	SMM_MST_FREES,		/* host frees of a mirrored block, replayed */
	SMM_MST_UNMATCHED,	/* host frees of a pfn the table does not hold */
	SMM_MST_BATCHED_ECHO,	/* free_batched after its own mm_page_free */
	SMM_MST_ORDER_MISMATCH,	/* freed with another order than allocated */
	SMM_MST_DROPPED,	/* allocs or frees not applied (re-entry) */
	SMM_MST_LOG_LOST,	/* log records overwritten by newer ones */
	SMM_MIRROR_NR_STATS
};

extern const char *const smm_mirror_stat_names[SMM_MIRROR_NR_STATS];

#define SMM_MIRROR_COMM_LEN	16

/* Which host allocations are mirrored; frees are matched by pfn. */
struct smm_mirror_filter {
	int pid;		/* thread id, -1: any */
	char comm[SMM_MIRROR_COMM_LEN];	/* "": any */
	unsigned int order_lo, order_hi;
	int host_nid;		/* -1: any */
};

/* One slot of the host pfn table (key 0: empty). */
struct smm_mirror_slot {
	unsigned long key;	/* host pfn + 1 */
	u32 shadow_pfn;
	u8 order;
};

/* One applied event, as mirror/log prints it. */
struct smm_mirror_rec {
	u64 seq;
	unsigned long pfn;
	u32 gfp;
	int pid;
	u16 cpu;
	signed char nid;
	u8 order;
	u8 type;
};

struct smm_mirror_pcpu {
	u64 stat[SMM_MIRROR_NR_STATS];
	bool active;		/* an event of this CPU is being applied */
};

struct smm_mirror {
	/* Serialises every application: the log order is the applied order. */
	smm_spinlock_t lock;
	unsigned long entries;	/* mirror_entries=: blocks held at most */
	unsigned long used;
	unsigned int slot_bits;
	struct smm_mirror_slot *slots;	/* 2 * entries rounded up, pow2 */
	unsigned int nr_cpus;
	struct smm_mirror_pcpu *pcpu;
	unsigned int log_size;	/* 0: no log */
	u64 log_seq;		/* records written so far */
	struct smm_mirror_rec *log;
	struct smm_mirror_filter filter;
};

/* Limits of mirror_entries= and mirror_log_entries=. */
#define SMM_MIRROR_ENTRIES_MIN	16
#define SMM_MIRROR_ENTRIES_MAX	BIT(22)
#define SMM_MIRROR_LOG_MAX	BIT(20)

/* Allocates everything the mirror will ever use; -EINVAL or -ENOMEM. */
int smm_mirror_init(struct smm_mirror *mm, unsigned long entries,
		    unsigned int log_size, unsigned int nr_cpus);
void smm_mirror_destroy(struct smm_mirror *mm);
/* Forget the table, the counters and the log (no event may be running). */
void smm_mirror_clear(struct smm_mirror *mm);
/* Every block the table holds freed in the shadow, the table empty. */
unsigned long smm_mirror_release(struct smm_mirror *mm, struct smm_machine *m);

/* Any filter field set to "any". */
void smm_mirror_filter_any(struct smm_mirror_filter *f);
bool smm_mirror_filter_match(const struct smm_mirror_filter *f, int pid,
			     const char *comm, unsigned int order,
			     int host_nid);

/*
 * The shadow gfp of a host allocation: @gfp's zone and watermark bits as
 * SMM___GFP_*, the mobility bits from the host's @migratetype (0
 * unmovable, 1 movable, 2 reclaimable; anything else keeps @gfp's), as
 * gfp_migratetype() derived it.
 */
unsigned int smm_mirror_gfp(unsigned int gfp, int migratetype);
/* The shadow node of host node @host_nid. */
int smm_mirror_shadow_node(const struct smm_machine *m, int host_nid);

/* Count one event on @cpu that never reaches smm_mirror_apply(). */
void smm_mirror_count(struct smm_mirror *mm, int cpu,
		      enum smm_mirror_stat stat);
/*
 * Apply one host event to @m. Safe in any context the caller is in, as
 * long as @ev->cpu is the calling CPU and it cannot change (interrupts
 * off in the module): re-entry on a CPU is dropped and counted.
 */
void smm_mirror_apply(struct smm_mirror *mm, struct smm_machine *m,
		      const struct smm_mirror_event *ev);

void smm_mirror_stats_sum(struct smm_mirror *mm,
			  u64 sum[SMM_MIRROR_NR_STATS]);
void smm_show_mirror_stats(struct smm_mirror *mm, smm_emit_fn emit,
			   void *ctx);
/*
 * mirror/log: a header (geometry, configuration, table size) then the
 * applied events, oldest first, in the tracefs text format the offline
 * replay reads. Replayed into a freshly booted machine of that geometry
 * it ends in the same free lists, as long as nothing was lost.
 */
void smm_show_mirror_log(struct smm_mirror *mm, struct smm_machine *m,
			 smm_emit_fn emit, void *ctx);

/* "__GFP_HIGHMEM|__GFP_MOVABLE" of shadow gfp bits ("none" for 0). */
void smm_mirror_gfp_name(unsigned int gfp, char *buf, size_t len);
/*
 * The kernel's show_gfp_flags() names back into shadow gfp bits; flags
 * the shadow does not act on are ignored. -EINVAL for a word that is not
 * a flag name or a hex number.
 */
int smm_mirror_parse_gfp(const char *s, size_t len, unsigned int *gfp);

#endif /* _SHADOWMM_MIRROR_H */
