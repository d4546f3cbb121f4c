/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct smm_machine: everything one shadow "boot" owns. The region (real
 * memory taken from the host) outlives a reset; memblock, nodes and the
 * memory map are rebuilt from it by smm_boot().
 */
#ifndef _SHADOWMM_MACHINE_H
#define _SHADOWMM_MACHINE_H

#include "compat.h"
#include "memblock.h"
#include "mmzone.h"
#include "page_alloc.h"
#include "mempolicy.h"
#include "slab.h"
#include "sparse.h"

#define SMM_MAX_CHUNKS		512

/* One physically contiguous piece of the region, on one real node. */
struct smm_region_chunk {
	unsigned long start_pfn;
	unsigned long nr_pages;
	int nid;
	/* How the backend gives it back: page order, DMA handle. */
	unsigned int order;
	u64 handle;
};

struct smm_region {
	const char *backend;
	unsigned int nr_chunks;
	struct smm_region_chunk chunks[SMM_MAX_CHUNKS];
};

/*
 * How far smm_boot() runs the pipeline: to the buddy allocator (the
 * default), or only to the memory map, leaving memblock in charge so that
 * memblock commands still make sense.
 */
enum smm_upto {
	SMM_UPTO_BUDDY,
	SMM_UPTO_MEMMAP,
};

/* The simulated boot reservations (seed 002: firmware, kernel, initrd). */
struct smm_boot_config {
	phys_addr_t firmware_size;
	phys_addr_t kernel_size;
	phys_addr_t initrd_size;
	enum smm_zone_layout zone_layout;
	/* 0: the kernel's default, int_sqrt(lowmem_kbytes * 16) clamped */
	unsigned long min_free_kbytes;
	/* write a tag into every allocated page, check it on free */
	bool verify;
	/* rmqueue ring entries (0: off) */
	unsigned int rmqueue_trace_size;
	enum smm_upto upto;
	/* nodes=: 0, the real nodes; else that many fake nodes (numa=fake) */
	unsigned int fake_nodes;
	/*
	 * slab=: kmem_cache_init() after the buddy allocator (the module's
	 * default; the host tests of the buddy leave it off so that their
	 * exact page counts stay the buddy's own)
	 */
	bool slab;
	/* memory_model=: FLATMEM (the default) or SPARSEMEM (sparse.h) */
	enum smm_memory_model memory_model;
	/* section_size= in bytes, SPARSEMEM only; 0: 128M or what fits */
	u64 section_size;
	/*
	 * held_max=: the records ctl may make the shadow hold, pages
	 * (held.c) and slab objects (held_slab.c) together; 0: the
	 * default, SMM_HELD_MAX_DEFAULT
	 */
	unsigned long held_max;
};

/* Where smm_boot() placed a simulated reservation (size 0: none). */
struct smm_boot_reservation {
	const char *name;
	phys_addr_t base;
	phys_addr_t size;
};

enum smm_boot_res {
	SMM_RES_FIRMWARE,
	SMM_RES_KERNEL,
	SMM_RES_INITRD,
	SMM_NR_RES,
};

struct smm_machine {
	struct smm_region region;
	struct smm_boot_config cfg;
	struct smm_boot_reservation res[SMM_NR_RES];
	struct smm_memblock memblock;
	/* Node ids present in memblock.memory, ascending. */
	int nr_nodes;
	int node_ids[SMM_MAX_NUMNODES];
	struct smm_pglist_data node_data[SMM_MAX_NUMNODES];
	/* SPARSEMEM's section table (src/mm/sparse.c); empty with FLATMEM */
	struct smm_sparse sparse;
	/*
	 * node_distance() by node id: the real SLIT where shadow nodes are
	 * real nodes, or distance=. Set before smm_boot() and kept across
	 * resets; 0 means not given (10 local, 20 remote).
	 */
	u8 distance[SMM_MAX_NUMNODES][SMM_MAX_NUMNODES];
	/* shadow node + 1 of each real node's CPUs (0: none), set by boot */
	u8 shadow_of_real[SMM_MAX_NUMNODES];
	bool booted;

	/* Stage 2: CPUs the per-cpu lists and counters are kept for. */
	unsigned int nr_cpus;
	unsigned long min_free_kbytes;	/* in force (cfg or the default) */
	unsigned long totalram_pages;	/* managed, all zones */
	struct smm_vm_events *events;	/* nr_cpus of them */
	struct smm_rmqueue_ring rmqueue_ring;
	smm_atomic64_t verify_seq;	/* allocation sequence for tags */
	/* once-only reports (smm_test_and_set_once()): 0, then 1 */
	int verify_warned;
	int bad_free_warned;		/* the first bad free was reported */

	/* The policy of ctl allocations without nid= (ctl `policy`). */
	struct smm_mempolicy policy;
	/*
	 * policy_zone: the highest populated zone below Movable on any node,
	 * the lowest zone a bind policy applies to (build_zonelists sets it).
	 */
	int policy_zone;
	/* Allocations made through ctl, until freed or reset (held.c). */
	struct list_head held;
	unsigned long nr_held;
	/*
	 * The same records hashed by pfn and by tag (SMM_HELD_HASH buckets
	 * each, allocated with the first record): `free pfn=` and `free
	 * tag=` walk one chain, not every record.
	 */
	struct list_head *held_by_pfn;
	struct list_head *held_by_tag;
	/*
	 * Bumped by every change of the held pages and objects lists: a
	 * debugfs reader streaming one resumes where it stopped only if
	 * nothing changed meanwhile (else it walks from the head again).
	 */
	unsigned long held_gen;
	/* A stress or bench run is going on: reset and memblock commands wait. */
	bool busy;

	/* Stage 3: the slab layer (src/mm/slub.c), NULL until it is up. */
	struct smm_slab_state *slab;
	/* Objects held through ctl (held_slab.c), like held above. */
	struct list_head held_objs;
	unsigned long nr_held_objs;
	/* allocations refused at held_max, since load (a reset keeps it) */
	unsigned long held_refused;
	/*
	 * The mirror's probes are attached (src/kernel/mirror.c): they own
	 * the shadow, and commands that change it fail with EBUSY.
	 * mirror_detach turns it off: ctl reset calls it once the command
	 * is known to be good, before the machine is rebuilt.
	 */
	bool mirroring;
	void (*mirror_detach)(struct smm_machine *m);
};

#define SMM_TAG_LEN	16

/* One allocation held through ctl: what debugfs `allocations` lists. */
struct smm_held {
	struct list_head list;
	struct list_head by_pfn;	/* m->held_by_pfn[held_pfn_hash()] */
	struct list_head by_tag;	/* m->held_by_tag[held_tag_hash()] */
	char tag[SMM_TAG_LEN];
	unsigned long pfn;
	unsigned int order;
	int nid;
	int zone;
	int migratetype;
};

/* Sink for boot log lines (dmesg in the module, stdout or nothing on the host). */
typedef void (*smm_log_fn)(void *ctx, const char *fmt, ...) __printf(2, 3);

/*
 * alloc_node_mem_map() (src/mm/mm_init.c): node @nid's memory map, from
 * the shadow memblock through memmap_alloc(); -ENOMEM said through @log.
 */
int smm_alloc_node_mem_map(struct smm_machine *m, int nid, smm_log_fn log,
			   void *ctx);

/*
 * sparse_init() (src/mm/sparse.c): the section size, the present
 * sections, and each node's section maps from the shadow memblock through
 * memmap_alloc(), after every node's span is known. Teardown frees the
 * table (the maps go with memblock).
 */
int smm_sparse_init(struct smm_machine *m, smm_log_fn log, void *ctx);
void smm_sparse_teardown(struct smm_machine *m);

/*
 * Run the pipeline as far as it goes: memblock from the region, the boot
 * reservations, the memory map. On failure the machine is left torn down
 * (smm_machine_teardown() done) and the error explains itself in the log.
 */
int smm_boot(struct smm_machine *m, smm_log_fn log, void *ctx);
/* Forget everything smm_boot() built; the region stays. */
void smm_machine_teardown(struct smm_machine *m);

static inline phys_addr_t smm_region_bytes(const struct smm_region *r)
{
	phys_addr_t sum = 0;
	unsigned int i;

	for (i = 0; i < r->nr_chunks; i++)
		sum += PFN_PHYS(r->chunks[i].nr_pages);
	return sum;
}

/*
 * Long ctl loops (workload ops=, alloc / cache alloc / kmalloc count=,
 * free, kfree, cache free) call this after each step @n (1, 2, ...):
 * every SMM_LONG_STEP steps a scheduling point, and -EINTR when the
 * writer got a fatal signal; the loop then stops with what it did
 * recorded, so the machine stays consistent.
 */
#define SMM_LONG_STEP	1024

static inline int smm_long_step(unsigned long n)
{
	if (n % SMM_LONG_STEP)
		return 0;
	smm_cond_resched();
	return smm_fatal_signal_pending() ? -EINTR : 0;
}

/* held_max=: the default and the largest (module parameter 1..16777216) */
#define SMM_HELD_MAX_DEFAULT	262144UL
#define SMM_HELD_MAX_LIMIT	16777216UL

/* held.c: the list of ctl allocations */
void smm_held_init(struct smm_machine *m);
/* Records held (pages and objects), and how many may be. */
unsigned long smm_held_count(const struct smm_machine *m);
unsigned long smm_held_max(const struct smm_machine *m);
/*
 * Whether held_max records are held: then the next allocation is
 * refused, and counted in held_refused.
 */
bool smm_held_full(struct smm_machine *m);
/* debugfs `held`: count, pages, objects, max, refused; a line each */
void smm_show_held(struct smm_machine *m, smm_emit_fn emit, void *ctx);
/*
 * @nid NUMA_NO_NODE: each allocation follows @pol (NULL: the local node);
 * else @nid, as alloc_pages_node() ignores the task's policy. -ENOMEM,
 * -ENOSPC (held_max records held: smm_held_full()) or -EINTR
 * (smm_long_step()) stop it; what was made stays held, *@done.
 */
int smm_held_alloc(struct smm_machine *m, unsigned int gfp,
		   unsigned int order, int nid, struct smm_mempolicy *pol,
		   const char *tag, unsigned long count, unsigned long *done);
/*
 * Free the held allocations matching @tag (NULL: any) and *@pfn (NULL:
 * any); both NULL frees everything held. How many in *@freed; 0, or
 * -EINTR when a fatal signal stopped it (the rest stay held).
 */
int smm_held_free(struct smm_machine *m, const char *tag,
		  const unsigned long *pfn, unsigned long *freed);
/* Forget every record without freeing (the buddy is being rebuilt). */
void smm_held_forget(struct smm_machine *m);
void smm_show_allocations(struct smm_machine *m, smm_log_fn emit, void *ctx);
/* The records of `allocations`, and one of them (linked by its list). */
struct list_head *smm_held_pages(struct smm_machine *m);
void smm_show_held_page(const struct list_head *pos, smm_log_fn emit,
			void *ctx);

/*
 * held_slab.c: objects allocated through ctl (`cache alloc`, `kmalloc`).
 * @cache NULL: kmalloc of @size; else kmem_cache_alloc of @cache.
 */
int smm_held_slab_alloc(struct smm_machine *m, struct smm_kmem_cache *cache,
			size_t size, unsigned int gfp, int nid,
			const char *tag, unsigned long count,
			unsigned long *done);
/*
 * Hold @obj, a kmalloc'ed object of @size (freed when that fails). Both
 * stop with -ENOSPC at held_max as smm_held_alloc().
 */
int smm_held_slab_adopt(struct smm_machine *m, void *obj, size_t size,
			const char *tag);
/*
 * Free the held objects of @tag (NULL: any) that are kmalloc's (@kmalloc)
 * or a cache's; how many in *@freed. 0, or -EINTR as smm_held_free().
 */
int smm_held_slab_free(struct smm_machine *m, const char *tag, bool kmalloc,
		       unsigned long *freed);
/* Held objects of cache @s (destroy must refuse while there are). */
unsigned long smm_held_slab_count(struct smm_machine *m,
				  const struct smm_kmem_cache *s);
void smm_held_slab_forget(struct smm_machine *m);
/* check: the held objects against the slabs; returns the violations. */
int smm_held_slab_check(struct smm_machine *m, smm_emit_fn emit, void *ctx);
void smm_show_held_objects(struct smm_machine *m, smm_log_fn emit, void *ctx);
/* The records of `slab_objects`, and one of them (linked by its list). */
struct list_head *smm_held_objects(struct smm_machine *m);
void smm_show_held_object(struct smm_machine *m, const struct list_head *pos,
			  smm_log_fn emit, void *ctx);

#endif /* _SHADOWMM_MACHINE_H */
