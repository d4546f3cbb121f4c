// SPDX-License-Identifier: GPL-2.0
/*
 * The ctl command language. One command per write; the grammar is the
 * table smm_ctl_cmds[] at the end of this file, which smm_ctl_exec()
 * dispatches from and smm_ctl_help() prints (`cat ctl`, `help`).
 *
 * (stress is parsed here by smm_ctl_parse_stress() and run by the module,
 * which drops its lock while the threads work; bench likewise, by
 * smm_ctl_parse_bench(); mirror by smm_ctl_parse_mirror(), attaching the
 * module's tracepoint probes.)
 *
 * A command is parsed and validated completely before anything is done, so
 * a rejected command leaves the machine exactly as it was. While a stress
 * run is going on (m->busy) every command but help fails with -EBUSY
 * before it is parsed.
 */
#include "shadowmm/ctl.h"
#include "shadowmm/workload.h"
#include "shadowmm/mirror.h"

#define SMM_CTL_MAX_TOKENS	16

struct smm_ctl_arg {
	const char *key;
	bool is_flag;		/* a bare word, no "=value" */
	bool allow_max;		/* value may be the word "max" */
	bool is_str;		/* the value is a word, kept in str */
	bool seen;
	u64 val;
	const char *str;
};

void smm_log_discard(void *ctx __always_unused,
		     const char *fmt __always_unused, ...)
{
}

/*
 * held.c / held_slab.c stopped an allocation at held_max (-ENOSPC): it
 * fails as one the memory cannot satisfy, ENOMEM, and says why.
 */
static int held_limit(struct smm_machine *m, int ret, smm_log_fn log,
		      void *ctx)
{
	if (ret != -ENOSPC)
		return ret;
	log(ctx, "ctl: %lu records held, held_max=%lu: allocation refused\n",
	    smm_held_count(m), smm_held_max(m));
	return -ENOMEM;
}

/* While the mirror is on, the host's events own the shadow: EBUSY. */
static int mirror_owns_shadow(smm_log_fn log, void *ctx)
{
	log(ctx, "ctl: the mirror owns the shadow (mirror off first)\n");
	return -EBUSY;
}

static struct smm_ctl_arg *find_arg(struct smm_ctl_arg *args, int nargs,
				    const char *key, size_t keylen)
{
	int i;

	for (i = 0; i < nargs; i++)
		if (strlen(args[i].key) == keylen &&
		    !strncmp(args[i].key, key, keylen))
			return &args[i];
	return NULL;
}

static int parse_args(char **tok, int ntok, struct smm_ctl_arg *args,
		      int nargs, smm_log_fn log, void *ctx)
{
	int i;

	for (i = 0; i < ntok; i++) {
		const char *eq = strchr(tok[i], '=');
		size_t keylen = eq ? (size_t)(eq - tok[i]) : strlen(tok[i]);
		struct smm_ctl_arg *a = find_arg(args, nargs, tok[i], keylen);

		if (!a) {
			log(ctx, "ctl: unknown argument '%s'\n", tok[i]);
			return -EINVAL;
		}
		if (a->seen) {
			log(ctx, "ctl: '%s' given twice\n", a->key);
			return -EINVAL;
		}
		a->seen = true;
		if (a->is_flag) {
			if (eq) {
				log(ctx, "ctl: '%s' takes no value\n", a->key);
				return -EINVAL;
			}
			a->val = 1;
			continue;
		}
		if (!eq) {
			log(ctx, "ctl: '%s' needs a value\n", a->key);
			return -EINVAL;
		}
		if (a->is_str) {
			a->str = eq + 1;
			continue;
		}
		if (a->allow_max && !strcmp(eq + 1, "max")) {
			a->val = ~0ULL;
			continue;
		}
		if (smm_parse_u64(eq + 1, &a->val)) {
			log(ctx, "ctl: bad number in '%s'\n", tok[i]);
			return -EINVAL;
		}
	}
	return 0;
}

static bool smm_node_present(const struct smm_machine *m, u64 nid)
{
	int i;

	for (i = 0; i < m->nr_nodes; i++)
		if ((u64)m->node_ids[i] == nid)
			return true;
	return false;
}

static bool overlaps(phys_addr_t b1, phys_addr_t s1, phys_addr_t b2,
		     phys_addr_t s2)
{
	return b1 < b2 + s2 && b2 < b1 + s1;
}

/*
 * Ranges the shadow itself lives in: freeing them and handing them out
 * again would let a later allocation overwrite the memory map or
 * memblock's own (resized) region arrays.
 */
static const char *smm_metadata_in(struct smm_machine *m, phys_addr_t base,
				   phys_addr_t size)
{
	struct smm_memblock *mb = &m->memblock;
	struct smm_memblock_type *types[] = { &mb->memory, &mb->reserved };
	int i;

	for (i = 0; i < m->nr_nodes; i++) {
		struct smm_pglist_data *pgdat = &m->node_data[m->node_ids[i]];

		if (pgdat->memmap_size &&
		    overlaps(base, size, pgdat->memmap_base, pgdat->memmap_size))
			return "the memory map";
	}
	for (i = 0; i < (int)ARRAY_SIZE(types); i++) {
		struct smm_memblock_type *t = types[i];

		if (t->regions == mb->memory_init_regions ||
		    t->regions == mb->reserved_init_regions)
			continue;
		if (overlaps(base, size, smm_virt_to_phys(t->regions),
			     PAGE_ALIGN(t->max * sizeof(*t->regions))))
			return "a memblock region array";
	}
	return NULL;
}

/* A base/size pair that names real bytes: non-empty, no wrap-around. */
static int check_range(u64 base, u64 size, smm_log_fn log, void *ctx)
{
	if (!size || base + size < base) {
		log(ctx, "ctl: bad range base=0x%llx size=0x%llx\n",
		    (unsigned long long)base, (unsigned long long)size);
		return -EINVAL;
	}
	return 0;
}

static int ctl_memblock_alloc(struct smm_machine *m, char **tok, int ntok,
			      smm_log_fn log, void *ctx)
{
	struct smm_ctl_arg args[] = {
		{ .key = "size" }, { .key = "align" }, { .key = "min" },
		{ .key = "max" }, { .key = "nid" },
		{ .key = "exact", .is_flag = true },
		{ .key = "raw", .is_flag = true },
	};
	struct smm_memblock_alloc_info info;
	u64 size, align, min_addr, max_addr;
	int nid, ret;
	void *ptr;

	ret = parse_args(tok, ntok, args, ARRAY_SIZE(args), log, ctx);
	if (ret)
		return ret;
	size = args[0].val;
	align = args[1].seen ? args[1].val : SMP_CACHE_BYTES;
	min_addr = args[2].val;
	max_addr = args[3].seen ? args[3].val : SMM_MEMBLOCK_ALLOC_ACCESSIBLE;
	nid = args[4].seen ? (int)args[4].val : NUMA_NO_NODE;

	if (!args[0].seen || !size ||
	    size > smm_memblock_phys_mem_size(&m->memblock)) {
		log(ctx, "ctl: memblock alloc needs size=1..memory size\n");
		return -EINVAL;
	}
	if (!is_power_of_2(align) || align > (1ULL << 30)) {
		log(ctx, "ctl: align must be a power of two up to 1G\n");
		return -EINVAL;
	}
	if (args[3].seen && (max_addr <= min_addr || max_addr < PAGE_SIZE)) {
		/* below a page, max would collide with the ACCESSIBLE markers */
		log(ctx, "ctl: max must lie above min and be at least one page\n");
		return -EINVAL;
	}
	if (args[4].seen && !smm_node_present(m, args[4].val)) {
		log(ctx, "ctl: nid=%llu is not a shadow node\n",
		    (unsigned long long)args[4].val);
		return -EINVAL;
	}
	if (args[5].seen && nid == NUMA_NO_NODE) {
		log(ctx, "ctl: exact needs nid=\n");
		return -EINVAL;
	}

	/* with the slab layer up it is a kzalloc_node(), held: bounded */
	if (smm_slab_is_available(m) && smm_held_full(m))
		return held_limit(m, -ENOSPC, log, ctx);
	if (args[5].seen)
		ptr = smm_memblock_alloc_exact_nid_raw(&m->memblock, size, align,
						       min_addr, max_addr, nid,
						       &info);
	else if (args[6].seen)
		ptr = smm_memblock_alloc_try_nid_raw(&m->memblock, size, align,
						     min_addr, max_addr, nid,
						     &info);
	else
		ptr = smm_memblock_alloc_try_nid(&m->memblock, size, align,
						 min_addr, max_addr, nid, &info);
	if (!ptr) {
		log(ctx, "ctl: memblock alloc of %llu bytes failed\n",
		    (unsigned long long)size);
		return -ENOMEM;
	}
	if (info.slab) {
		/* a slab object now: held, so that kfree tag=memblock frees it */
		ret = held_limit(m, smm_held_slab_adopt(m, ptr, size, "memblock"),
				 log, ctx);
		log(ctx,
		    "ctl: memblock alloc %llu bytes: slab is up, kzalloc_node(nid %d) gave pfn 0x%llx offset %llu\n",
		    (unsigned long long)size, nid,
		    (unsigned long long)PHYS_PFN(info.base),
		    (unsigned long long)(info.base & (PAGE_SIZE - 1)));
		return ret;
	}
	log(ctx, "ctl: memblock alloc %llu bytes at 0x%016llx%s\n",
	    (unsigned long long)size, (unsigned long long)info.base,
	    info.retried ? " (retried without min)" : "");
	return 0;
}

static int ctl_memblock_range(struct smm_machine *m, bool reserve, char **tok,
			      int ntok, smm_log_fn log, void *ctx)
{
	struct smm_ctl_arg args[] = { { .key = "base" }, { .key = "size" } };
	struct smm_memblock *mb = &m->memblock;
	const char *what;
	u64 base, size;
	int ret;

	ret = parse_args(tok, ntok, args, ARRAY_SIZE(args), log, ctx);
	if (ret)
		return ret;
	if (!args[0].seen || !args[1].seen) {
		log(ctx, "ctl: needs base= and size=\n");
		return -EINVAL;
	}
	base = args[0].val;
	size = args[1].val;
	ret = check_range(base, size, log, ctx);
	if (ret)
		return ret;

	if (reserve) {
		if (!smm_memblock_covers(&mb->memory, base, size)) {
			log(ctx, "ctl: reserve outside the shadow's memory\n");
			return -EINVAL;
		}
		ret = smm_memblock_reserve(mb, base, size);
	} else {
		if (!smm_memblock_covers(&mb->reserved, base, size)) {
			log(ctx, "ctl: free of a range that is not reserved\n");
			return -EINVAL;
		}
		what = smm_metadata_in(m, base, size);
		if (what) {
			log(ctx, "ctl: range holds %s\n", what);
			return -EBUSY;
		}
		ret = smm_memblock_phys_free(mb, base, size);
	}
	if (!ret)
		log(ctx, "ctl: memblock %s [0x%016llx-0x%016llx]\n",
		    reserve ? "reserve" : "free", (unsigned long long)base,
		    (unsigned long long)(base + size - 1));
	else	/* a region array that cannot double */
		log(ctx, "ctl: memblock %s of [0x%016llx-0x%016llx] failed (%d)\n",
		    reserve ? "reserve" : "free", (unsigned long long)base,
		    (unsigned long long)(base + size - 1), ret);
	return ret;
}

static int ctl_memblock_set(struct smm_machine *m, char **tok, int ntok,
			    smm_log_fn log, void *ctx)
{
	struct smm_ctl_arg args[] = {
		{ .key = "bottom_up" }, { .key = "limit", .allow_max = true },
	};
	int ret;

	ret = parse_args(tok, ntok, args, ARRAY_SIZE(args), log, ctx);
	if (ret)
		return ret;
	if (!args[0].seen && !args[1].seen) {
		log(ctx, "ctl: memblock set needs bottom_up= or limit=\n");
		return -EINVAL;
	}
	if (args[0].seen && args[0].val > 1) {
		log(ctx, "ctl: bottom_up is 0 or 1\n");
		return -EINVAL;
	}
	if (args[1].seen && args[1].val < PAGE_SIZE) {
		log(ctx, "ctl: limit must be at least one page\n");
		return -EINVAL;
	}
	if (args[0].seen)
		smm_memblock_set_bottom_up(&m->memblock, args[0].val);
	if (args[1].seen)
		smm_memblock_set_current_limit(&m->memblock, args[1].val);
	return 0;
}

static noinline_for_stack int
ctl_memblock(struct smm_machine *m, char **tok, int ntok, smm_log_fn log,
	     void *ctx)
{
	tok++;	/* "memblock" */
	ntok--;
	if (!m->booted) {
		log(ctx, "ctl: no machine (reset failed?)\n");
		return -EINVAL;
	}
	if (ntok < 1) {
		log(ctx, "ctl: memblock needs alloc|reserve|free|set\n");
		return -EINVAL;
	}
	/*
	 * After memblock_free_all() the buddy allocator owns every free
	 * byte: memblock may no longer hand any out or take any back.
	 */
	if (m->mirroring)
		return mirror_owns_shadow(log, ctx);
	if (m->cfg.upto == SMM_UPTO_BUDDY && strcmp(tok[0], "set") &&
	    !(smm_slab_is_available(m) && !strcmp(tok[0], "alloc"))) {
		log(ctx, "ctl: memblock gave its memory to the buddy (reset upto=memmap)\n");
		return -EBUSY;
	}
	if (!strcmp(tok[0], "alloc"))
		return ctl_memblock_alloc(m, tok + 1, ntok - 1, log, ctx);
	if (!strcmp(tok[0], "reserve"))
		return ctl_memblock_range(m, true, tok + 1, ntok - 1, log, ctx);
	if (!strcmp(tok[0], "free"))
		return ctl_memblock_range(m, false, tok + 1, ntok - 1, log, ctx);
	if (!strcmp(tok[0], "set"))
		return ctl_memblock_set(m, tok + 1, ntok - 1, log, ctx);
	log(ctx, "ctl: unknown memblock command '%s'\n", tok[0]);
	return -EINVAL;
}

static noinline_for_stack int
ctl_reset(struct smm_machine *m, char **tok, int ntok, smm_log_fn log,
	  void *ctx)
{
	struct smm_ctl_arg args[] = { { .key = "upto", .is_str = true } };
	int upto = m->cfg.upto;
	int ret;

	ret = parse_args(tok + 1, ntok - 1, args, ARRAY_SIZE(args), log, ctx);
	if (ret)
		return ret;
	if (args[0].seen) {
		upto = smm_upto_lookup(args[0].str);
		if (upto < 0) {
			log(ctx, "ctl: upto is memmap or buddy\n");
			return -EINVAL;
		}
	}
	if (m->busy) {
		log(ctx, "ctl: a stress or bench run is going on\n");
		return -EBUSY;
	}
	/* the probes write to what is rebuilt: off first, and waited for */
	if (m->mirroring && m->mirror_detach)
		m->mirror_detach(m);
	if (m->mirroring) {
		log(ctx, "ctl: the mirror is on (mirror off first)\n");
		return -EBUSY;
	}
	smm_machine_teardown(m);
	m->cfg.upto = upto;
	return smm_boot(m, log, ctx);
}

/*
 * "movable|zero": the kernel's flag names, lower case, '|' between. At
 * most one base (GFP_KERNEL, GFP_ATOMIC, GFP_NOWAIT,
 * GFP_HIGHUSER_MOVABLE), GFP_KERNEL when none is named, as a caller
 * writes GFP_KERNEL | __GFP_DMA; the rest are __GFP_ modifiers.
 */
static const struct {
	const char *name;
	unsigned int gfp;
	bool base;
} smm_gfp_words[] = {
	{ "kernel", SMM_GFP_KERNEL, true },
	{ "atomic", SMM_GFP_ATOMIC, true },
	{ "nowait", SMM_GFP_NOWAIT, true },
	{ "movable", SMM_GFP_HIGHUSER_MOVABLE, true },
	{ "reclaimable", SMM___GFP_RECLAIMABLE, false },
	{ "dma", SMM___GFP_DMA, false },
	{ "dma32", SMM___GFP_DMA32, false },
	{ "high", SMM___GFP_HIGH, false },
	{ "zero", SMM___GFP_ZERO, false },
	{ "thisnode", SMM___GFP_THISNODE, false },
};

static int parse_gfp(const char *s, unsigned int *gfp)
{
	bool have_base = false;
	size_t len, i;

	*gfp = 0;
	for (;;) {
		len = strcspn(s, "|");
		for (i = 0; i < ARRAY_SIZE(smm_gfp_words); i++)
			if (strlen(smm_gfp_words[i].name) == len &&
			    !strncmp(smm_gfp_words[i].name, s, len))
				break;
		if (i == ARRAY_SIZE(smm_gfp_words))
			return -EINVAL;
		if (smm_gfp_words[i].base) {
			if (have_base)
				return -EINVAL;
			have_base = true;
		}
		*gfp |= smm_gfp_words[i].gfp;
		if (!s[len])
			break;
		s += len + 1;
	}
	if (!have_base)
		*gfp |= SMM_GFP_KERNEL;
	return smm_gfp_zone(*gfp) < 0 ? -EINVAL : 0;
}

static bool valid_tag(const char *t)
{
	size_t n = 0;

	for (; t[n]; n++)
		if (!((t[n] >= 'a' && t[n] <= 'z') || (t[n] >= 'A' && t[n] <= 'Z') ||
		      (t[n] >= '0' && t[n] <= '9') || t[n] == '_' || t[n] == '-'))
			return false;
	return n > 0 && n < SMM_TAG_LEN;
}

/* Stage-2 commands need the buddy allocator to exist. */
static int need_buddy(struct smm_machine *m, smm_log_fn log, void *ctx)
{
	if (m->booted && m->cfg.upto == SMM_UPTO_BUDDY)
		return 0;
	log(ctx, "ctl: no buddy allocator (reset upto=buddy)\n");
	return -EINVAL;
}

static int ctl_alloc(struct smm_machine *m, char **tok, int ntok,
		     smm_log_fn log, void *ctx)
{
	struct smm_ctl_arg args[] = {
		{ .key = "order" }, { .key = "count" }, { .key = "nid" },
		{ .key = "gfp", .is_str = true }, { .key = "tag", .is_str = true },
	};
	unsigned long count, done;
	unsigned int gfp = SMM_GFP_KERNEL;
	const char *tag = "ctl";
	int nid, ret;

	ret = parse_args(tok, ntok, args, ARRAY_SIZE(args), log, ctx);
	if (ret)
		return ret;
	if (!args[0].seen || args[0].val >= SMM_MAX_ORDER) {
		log(ctx, "ctl: alloc needs order=0..%d\n", SMM_MAX_ORDER - 1);
		return -EINVAL;
	}
	count = args[1].seen ? args[1].val : 1;
	if (!count || count > (1UL << 20)) {
		log(ctx, "ctl: count is 1..1048576\n");
		return -EINVAL;
	}
	if (args[2].seen && !smm_node_present(m, args[2].val)) {
		log(ctx, "ctl: nid=%llu is not a shadow node\n",
		    (unsigned long long)args[2].val);
		return -EINVAL;
	}
	nid = args[2].seen ? (int)args[2].val : NUMA_NO_NODE;
	if (args[3].seen && parse_gfp(args[3].str, &gfp)) {
		log(ctx, "ctl: bad gfp=%s: %s\n", args[3].str,
		    "at most one of kernel|atomic|nowait|movable, any of reclaimable|dma|dma32|high|zero|thisnode, in a zone combination gfp_zone() accepts");
		return -EINVAL;
	}
	if (args[4].seen) {
		if (!valid_tag(args[4].str)) {
			log(ctx, "ctl: tag is 1-%d of [A-Za-z0-9_-]\n",
			    SMM_TAG_LEN - 1);
			return -EINVAL;
		}
		tag = args[4].str;
	}

	ret = smm_held_alloc(m, gfp, args[0].val, nid, &m->policy, tag, count,
			     &done);
	log(ctx, "ctl: alloc order=%llu: %lu of %lu allocated (tag %s)%s\n",
	    (unsigned long long)args[0].val, done, count, tag,
	    ret == -EINTR ? ", stopped by a fatal signal" : "");
	return held_limit(m, ret, log, ctx);
}

/* "0,1": shadow nodes, each once. */
static int parse_nodes(struct smm_machine *m, const char *s,
		       struct smm_nodemask *mask)
{
	u64 nids[SMM_MAX_NUMNODES];
	int i, nr;

	if (smm_parse_list(s, ',', SMM_MAX_NUMNODES, nids, SMM_MAX_NUMNODES,
			   &nr))
		return -EINVAL;
	mask->bits = 0;
	for (i = 0; i < nr; i++) {
		if (!smm_node_present(m, nids[i]) || mask->bits & BIT(nids[i]))
			return -EINVAL;
		mask->bits |= BIT(nids[i]);
	}
	return 0;
}

/*
 * set_mempolicy() for the allocations ctl makes from now on without nid=
 * (nid= is alloc_pages_node(): no policy). Interleave starts over from
 * its lowest node, as a new MPOL_INTERLEAVE sets il_prev.
 */
static int ctl_policy(struct smm_machine *m, char **tok, int ntok,
		      smm_log_fn log, void *ctx)
{
	struct smm_ctl_arg args[] = {
		{ .key = "nid" }, { .key = "nodes", .is_str = true },
	};
	struct smm_mempolicy pol = { .il_prev = SMM_MAX_NUMNODES - 1 };
	int ret;

	if (ntok < 1) {
		log(ctx, "ctl: policy default|preferred|bind|interleave\n");
		return -EINVAL;
	}
	ret = parse_args(tok + 1, ntok - 1, args, ARRAY_SIZE(args), log, ctx);
	if (ret)
		return ret;
	if (!strcmp(tok[0], "default") && !args[0].seen && !args[1].seen) {
		pol.mode = SMM_MPOL_DEFAULT;
	} else if (!strcmp(tok[0], "preferred") && !args[1].seen) {
		if (!args[0].seen || !smm_node_present(m, args[0].val)) {
			log(ctx, "ctl: policy preferred needs nid= of a shadow node\n");
			return -EINVAL;
		}
		pol.mode = SMM_MPOL_PREFERRED;
		pol.preferred_nid = args[0].val;
	} else if ((!strcmp(tok[0], "bind") ||
		    !strcmp(tok[0], "interleave")) && !args[0].seen) {
		if (!args[1].seen || parse_nodes(m, args[1].str, &pol.nodes)) {
			log(ctx, "ctl: policy %s needs nodes=N[,N...] of shadow nodes\n",
			    tok[0]);
			return -EINVAL;
		}
		pol.mode = tok[0][0] == 'b' ? SMM_MPOL_BIND :
					      SMM_MPOL_INTERLEAVE;
	} else {
		log(ctx, "ctl: policy default | preferred nid=N | %s\n",
		    "bind nodes=N[,N...] | interleave nodes=N[,N...]");
		return -EINVAL;
	}
	m->policy = pol;
	return 0;
}

static int ctl_free(struct smm_machine *m, char **tok, int ntok,
		    smm_log_fn log, void *ctx)
{
	struct smm_ctl_arg args[] = {
		{ .key = "tag", .is_str = true }, { .key = "pfn" },
		{ .key = "all", .is_flag = true },
	};
	unsigned long n, pfn;
	int ret;

	ret = parse_args(tok, ntok, args, ARRAY_SIZE(args), log, ctx);
	if (ret)
		return ret;
	if (args[0].seen + args[1].seen + args[2].seen != 1) {
		log(ctx, "ctl: free needs one of tag=, pfn=, all\n");
		return -EINVAL;
	}
	pfn = args[1].val;
	if (args[1].seen && pfn != args[1].val) {
		log(ctx, "ctl: pfn=%llu is beyond any pfn\n",
		    (unsigned long long)args[1].val);
		return -EINVAL;
	}
	ret = smm_held_free(m, args[0].seen ? args[0].str : NULL,
			    args[1].seen ? &pfn : NULL, &n);
	if (ret) {
		log(ctx, "ctl: free: stopped by a fatal signal: %lu freed, %lu held\n",
		    n, m->nr_held);
		return ret;
	}
	/* Naming nothing that is held is a bad argument, "all" never is. */
	if (!n && args[0].seen) {
		log(ctx, "ctl: free: nothing is held under tag=%s\n",
		    args[0].str);
		return -EINVAL;
	}
	if (!n && args[1].seen) {
		log(ctx, "ctl: free: no held allocation starts at pfn=0x%lx\n",
		    pfn);
		return -EINVAL;
	}
	log(ctx, "ctl: freed %lu allocation(s)\n", n);
	return 0;
}

static int ctl_verify(struct smm_machine *m, char **tok, int ntok,
		      smm_log_fn log, void *ctx)
{
	if (ntok != 1 || (strcmp(tok[0], "0") && strcmp(tok[0], "1"))) {
		log(ctx, "ctl: verify 0|1\n");
		return -EINVAL;
	}
	m->cfg.verify = tok[0][0] == '1';
	return 0;
}

/* The determinism workload, on one CPU from start to end. */
static int ctl_workload(struct smm_machine *m, char **tok, int ntok,
			smm_log_fn log, void *ctx)
{
	struct smm_ctl_arg args[] = { { .key = "seed" }, { .key = "ops" } };
	struct smm_workload_result res;
	int ret;

	ret = parse_args(tok, ntok, args, ARRAY_SIZE(args), log, ctx);
	if (ret)
		return ret;
	if (!args[0].seen || args[0].val > 0xffffffffULL || !args[1].seen ||
	    !args[1].val || args[1].val > 1000000) {
		log(ctx, "ctl: workload needs seed=0..2^32-1 ops=1..1000000\n");
		return -EINVAL;
	}
	smm_migrate_disable();
	ret = smm_workload_run(m, args[0].val, args[1].val, &res);
	smm_migrate_enable();
	if (ret == -EINTR)
		log(ctx, "ctl: workload: stopped by a fatal signal after %lu of %llu ops\n",
		    res.ops, (unsigned long long)args[1].val);
	else if (ret)
		log(ctx, "ctl: workload seed=%llu ops=%llu failed (%d)\n",
		    (unsigned long long)args[0].val,
		    (unsigned long long)args[1].val, ret);
	else
		log(ctx, "workload: seed %llu ops %llu: %lu/%lu/%lu alloc/free/fail hash %016llx\n",
		    (unsigned long long)args[0].val,
		    (unsigned long long)args[1].val, res.allocs, res.frees,
		    res.fails, (unsigned long long)res.hash);
	return ret;
}

static noinline_for_stack int
ctl_buddy(struct smm_machine *m, char **tok, int ntok, smm_log_fn log,
	  void *ctx)
{
	int ret = need_buddy(m, log, ctx);

	if (ret)
		return ret;
	/* the host's events own the shadow; policy only steers ctl allocs */
	if (m->mirroring && strcmp(tok[0], "policy"))
		return mirror_owns_shadow(log, ctx);
	if (!strcmp(tok[0], "alloc"))
		return ctl_alloc(m, tok + 1, ntok - 1, log, ctx);
	if (!strcmp(tok[0], "free"))
		return ctl_free(m, tok + 1, ntok - 1, log, ctx);
	if (!strcmp(tok[0], "verify"))
		return ctl_verify(m, tok + 1, ntok - 1, log, ctx);
	if (!strcmp(tok[0], "workload"))
		return ctl_workload(m, tok + 1, ntok - 1, log, ctx);
	if (!strcmp(tok[0], "policy"))
		return ctl_policy(m, tok + 1, ntok - 1, log, ctx);
	if (ntok != 1) {
		log(ctx, "ctl: drain takes no arguments\n");
		return -EINVAL;
	}
	smm_drain_all_pages(m);
	return 0;
}

/* ---- the slab layer ------------------------------------------------------- */

static int need_slab(struct smm_machine *m, smm_log_fn log, void *ctx)
{
	if (m->booted && m->cfg.upto == SMM_UPTO_BUDDY &&
	    smm_slab_is_available(m))
		return 0;
	log(ctx, "ctl: no slab layer (load with slab=1, reset upto=buddy)\n");
	return -EINVAL;
}

/* Cache names as the kernel's: [A-Za-z0-9_.:-], shorter than the field. */
static bool valid_cache_name(const char *t)
{
	size_t n = 0;

	for (; t[n]; n++)
		if (!((t[n] >= 'a' && t[n] <= 'z') || (t[n] >= 'A' && t[n] <= 'Z') ||
		      (t[n] >= '0' && t[n] <= '9') || t[n] == '_' ||
		      t[n] == '-' || t[n] == '.' || t[n] == ':'))
			return false;
	return n > 0 && n < SMM_SLAB_NAME_LEN;
}

/* "hwcache|reclaim": SLAB_HWCACHE_ALIGN, SLAB_RECLAIM_ACCOUNT */
static int parse_slab_flags(const char *s, unsigned int *flags)
{
	size_t len;

	*flags = 0;
	for (;;) {
		len = strcspn(s, "|");
		if (len == 7 && !strncmp(s, "hwcache", 7))
			*flags |= SMM_SLAB_HWCACHE_ALIGN;
		else if (len == 7 && !strncmp(s, "reclaim", 7))
			*flags |= SMM_SLAB_RECLAIM_ACCOUNT;
		else
			return -EINVAL;
		if (!s[len])
			return 0;
		s += len + 1;
	}
}

/*
 * A slab allocation's gfp: what kmalloc and kmem_cache_alloc accept.
 * dma (no dma-kmalloc-* caches here) and dma32 / highmem (the kernel's
 * GFP_SLAB_BUG_MASK, "movable" includes highmem) are refused.
 */
static int parse_slab_gfp(const char *s, unsigned int *gfp, smm_log_fn log,
			  void *ctx)
{
	if (parse_gfp(s, gfp)) {
		log(ctx, "ctl: bad gfp=%s\n", s);
		return -EINVAL;
	}
	if (*gfp & (SMM___GFP_DMA | SMM___GFP_DMA32 | SMM___GFP_HIGHMEM)) {
		log(ctx,
		    "ctl: gfp=%s: dma, dma32 and movable (highmem) are not for slab allocations\n",
		    s);
		return -EINVAL;
	}
	return 0;
}

static int parse_count_nid_tag(struct smm_machine *m, struct smm_ctl_arg *count,
			       struct smm_ctl_arg *nid, struct smm_ctl_arg *tag,
			       unsigned long *c, int *n, const char **t,
			       smm_log_fn log, void *ctx)
{
	*c = count->seen ? count->val : 1;
	if (!*c || *c > (1UL << 20)) {
		log(ctx, "ctl: count is 1..1048576\n");
		return -EINVAL;
	}
	if (nid->seen && !smm_node_present(m, nid->val)) {
		log(ctx, "ctl: nid=%llu is not a shadow node\n",
		    (unsigned long long)nid->val);
		return -EINVAL;
	}
	*n = nid->seen ? (int)nid->val : NUMA_NO_NODE;
	*t = "ctl";
	if (tag->seen) {
		if (!valid_tag(tag->str)) {
			log(ctx, "ctl: tag is 1-%d of [A-Za-z0-9_-]\n",
			    SMM_TAG_LEN - 1);
			return -EINVAL;
		}
		*t = tag->str;
	}
	return 0;
}

static int ctl_cache_create(struct smm_machine *m, char **tok, int ntok,
			    smm_log_fn log, void *ctx)
{
	struct smm_ctl_arg args[] = {
		{ .key = "name", .is_str = true }, { .key = "size" },
		{ .key = "align" }, { .key = "flags", .is_str = true },
	};
	unsigned int flags = 0;
	struct smm_kmem_cache *s;
	u64 size, align;
	int ret;

	ret = parse_args(tok, ntok, args, ARRAY_SIZE(args), log, ctx);
	if (ret)
		return ret;
	if (!args[0].seen || !valid_cache_name(args[0].str)) {
		log(ctx, "ctl: cache create needs name= of 1-%d [A-Za-z0-9_.:-]\n",
		    SMM_SLAB_NAME_LEN - 1);
		return -EINVAL;
	}
	if (smm_find_cache(m, args[0].str)) {
		log(ctx, "ctl: cache %s exists\n", args[0].str);
		return -EINVAL;
	}
	size = args[1].val;
	align = args[2].val;
	if (!args[1].seen || !size || size > SMM_KMALLOC_MAX_SIZE) {
		log(ctx, "ctl: cache create needs size=1..%lu\n",
		    (unsigned long)SMM_KMALLOC_MAX_SIZE);
		return -EINVAL;
	}
	if (align && (!is_power_of_2(align) || align > SMM_KMALLOC_MAX_SIZE)) {
		log(ctx, "ctl: align is 0 or a power of two up to %lu\n",
		    (unsigned long)SMM_KMALLOC_MAX_SIZE);
		return -EINVAL;
	}
	/* so ALIGN(size, align) <= KMALLOC_MAX_SIZE: one object an order-10 slab */
	if (args[3].seen && parse_slab_flags(args[3].str, &flags)) {
		log(ctx, "ctl: flags is hwcache, reclaim or hwcache|reclaim\n");
		return -EINVAL;
	}
	s = smm_kmem_cache_create(m, args[0].str, size, align, flags);
	if (!s) {
		log(ctx, "ctl: kmem_cache_create(%s) failed\n", args[0].str);
		return -ENOMEM;
	}
	log(ctx, "ctl: cache %s: object_size %u size %u align %u order %u objects %u\n",
	    s->name, s->object_size, s->size, s->align, smm_oo_order(s->oo),
	    smm_oo_objects(s->oo));
	return 0;
}

/* The cache named by name=, which ctl may use (not kmalloc's, not boot's). */
static int ctl_find_cache(struct smm_machine *m, struct smm_ctl_arg *name,
			  bool for_destroy, struct smm_kmem_cache **ret,
			  smm_log_fn log, void *ctx)
{
	struct smm_kmem_cache *s;

	if (!name->seen) {
		log(ctx, "ctl: cache needs name=\n");
		return -EINVAL;
	}
	s = smm_find_cache(m, name->str);
	if (!s) {
		log(ctx, "ctl: no cache %s\n", name->str);
		return -EINVAL;
	}
	if (for_destroy && (s->flags & SMM_SLAB_KMALLOC || s->refcount < 0 ||
			    s == m->slab->kmem_cache ||
			    s == m->slab->kmem_cache_node)) {
		log(ctx, "ctl: %s is the slab layer's own cache\n", s->name);
		return -EINVAL;
	}
	*ret = s;
	return 0;
}

static int ctl_cache_destroy(struct smm_machine *m, char **tok, int ntok,
			     smm_log_fn log, void *ctx)
{
	struct smm_ctl_arg args[] = { { .key = "name", .is_str = true } };
	struct smm_kmem_cache *s;
	char name[SMM_SLAB_NAME_LEN];
	int ret;

	ret = parse_args(tok, ntok, args, ARRAY_SIZE(args), log, ctx);
	if (ret)
		return ret;
	ret = ctl_find_cache(m, &args[0], true, &s, log, ctx);
	if (ret)
		return ret;
	strscpy(name, s->name, sizeof(name));
	ret = smm_kmem_cache_destroy(m, s);
	if (ret)
		log(ctx, "ctl: cache %s still has %lu held object(s): nothing changed\n",
		    name, smm_held_slab_count(m, s));
	else
		log(ctx, "ctl: cache %s destroyed\n", name);
	return ret;
}

/* kmem_cache_shrink() of one cache; @freed: the slabs it freed */
static int ctl_shrink_one(struct smm_machine *m, struct smm_kmem_cache *s,
			  unsigned long *freed, smm_log_fn log, void *ctx)
{
	struct smm_slabinfo before, after;
	int left;

	smm_get_slabinfo(m, s, &before);
	left = smm_kmem_cache_shrink(m, s);
	smm_get_slabinfo(m, s, &after);
	*freed = before.num_slabs - after.num_slabs;
	if (*freed || left)
		log(ctx, "ctl: cache %s shrunk: %lu slab(s) freed, %lu left\n",
		    s->name, *freed, after.num_slabs);
	return left;
}

/*
 * cache shrink name=N | all: kmem_cache_shrink() of one cache (any, the
 * kmalloc and boot caches too, as /sys/kernel/slab/NAME/shrink), or of
 * every cache in list order (as slabinfo -s).
 */
static int ctl_cache_shrink(struct smm_machine *m, char **tok, int ntok,
			    smm_log_fn log, void *ctx)
{
	struct smm_ctl_arg args[] = {
		{ .key = "name", .is_str = true }, { .key = "all", .is_flag = true },
	};
	unsigned long freed, total = 0, nr = 0;
	struct smm_kmem_cache *s;
	int ret;

	ret = parse_args(tok, ntok, args, ARRAY_SIZE(args), log, ctx);
	if (ret)
		return ret;
	if (args[0].seen == args[1].seen) {
		log(ctx, "ctl: cache shrink takes name=N or all\n");
		return -EINVAL;
	}
	if (args[0].seen) {
		ret = ctl_find_cache(m, &args[0], false, &s, log, ctx);
		if (ret)
			return ret;
		ctl_shrink_one(m, s, &freed, log, ctx);
		return 0;
	}
	list_for_each_entry(s, &m->slab->caches, list) {
		nr += ctl_shrink_one(m, s, &freed, log, ctx);
		total += freed;
	}
	log(ctx, "ctl: cache shrink all: %lu slab(s) freed, %lu cache(s) keep slabs\n",
	    total, nr);
	return 0;
}

static int ctl_cache_alloc(struct smm_machine *m, char **tok, int ntok,
			   smm_log_fn log, void *ctx)
{
	struct smm_ctl_arg args[] = {
		{ .key = "name", .is_str = true }, { .key = "count" },
		{ .key = "nid" }, { .key = "tag", .is_str = true },
		{ .key = "gfp", .is_str = true },
	};
	unsigned int gfp = SMM_GFP_KERNEL;
	struct smm_kmem_cache *s;
	unsigned long count, done;
	const char *tag;
	int nid, ret;

	ret = parse_args(tok, ntok, args, ARRAY_SIZE(args), log, ctx);
	if (ret)
		return ret;
	ret = ctl_find_cache(m, &args[0], false, &s, log, ctx);
	if (ret)
		return ret;
	ret = parse_count_nid_tag(m, &args[1], &args[2], &args[3], &count,
				  &nid, &tag, log, ctx);
	if (ret)
		return ret;
	if (args[4].seen && parse_slab_gfp(args[4].str, &gfp, log, ctx))
		return -EINVAL;
	ret = smm_held_slab_alloc(m, s, 0, gfp, nid, tag, count, &done);
	log(ctx, "ctl: cache alloc %s: %lu of %lu allocated (tag %s)%s\n",
	    s->name, done, count, tag,
	    ret == -EINTR ? ", stopped by a fatal signal" : "");
	return held_limit(m, ret, log, ctx);
}

/* cache free tag=T / kfree tag=T */
static int ctl_slab_free(struct smm_machine *m, bool kmalloc, char **tok,
			 int ntok, smm_log_fn log, void *ctx)
{
	struct smm_ctl_arg args[] = { { .key = "tag", .is_str = true } };
	unsigned long n;
	int ret;

	ret = parse_args(tok, ntok, args, ARRAY_SIZE(args), log, ctx);
	if (ret)
		return ret;
	if (!args[0].seen || !valid_tag(args[0].str)) {
		log(ctx, "ctl: %s needs tag=\n", kmalloc ? "kfree" : "cache free");
		return -EINVAL;
	}
	ret = smm_held_slab_free(m, args[0].str, kmalloc, &n);
	if (ret) {
		log(ctx, "ctl: %s: stopped by a fatal signal: %lu freed\n",
		    kmalloc ? "kfree" : "cache free", n);
		return ret;
	}
	if (!n) {
		log(ctx, "ctl: %s: no %s object is held under tag=%s\n",
		    kmalloc ? "kfree" : "cache free",
		    kmalloc ? "kmalloc" : "cache", args[0].str);
		return -EINVAL;
	}
	log(ctx, "ctl: freed %lu object(s)\n", n);
	return 0;
}

static int ctl_kmalloc(struct smm_machine *m, char **tok, int ntok,
		       smm_log_fn log, void *ctx)
{
	struct smm_ctl_arg args[] = {
		{ .key = "size" }, { .key = "count" }, { .key = "nid" },
		{ .key = "tag", .is_str = true }, { .key = "gfp", .is_str = true },
	};
	unsigned int gfp = SMM_GFP_KERNEL;
	unsigned long count, done;
	const char *tag;
	int nid, ret;

	ret = parse_args(tok, ntok, args, ARRAY_SIZE(args), log, ctx);
	if (ret)
		return ret;
	/* kmalloc(0) is ZERO_SIZE_PTR: nothing to hold */
	if (!args[0].seen || !args[0].val ||
	    args[0].val > SMM_KMALLOC_MAX_SIZE) {
		log(ctx, "ctl: kmalloc needs size=1..%lu\n",
		    (unsigned long)SMM_KMALLOC_MAX_SIZE);
		return -EINVAL;
	}
	ret = parse_count_nid_tag(m, &args[1], &args[2], &args[3], &count,
				  &nid, &tag, log, ctx);
	if (ret)
		return ret;
	if (args[4].seen && parse_slab_gfp(args[4].str, &gfp, log, ctx))
		return -EINVAL;
	ret = smm_held_slab_alloc(m, NULL, args[0].val, gfp, nid, tag, count,
				  &done);
	log(ctx, "ctl: kmalloc size=%llu: %lu of %lu allocated (tag %s)%s\n",
	    (unsigned long long)args[0].val, done, count, tag,
	    ret == -EINTR ? ", stopped by a fatal signal" : "");
	return held_limit(m, ret, log, ctx);
}

static noinline_for_stack int
ctl_slab(struct smm_machine *m, char **tok, int ntok, smm_log_fn log,
	 void *ctx)
{
	int ret = need_slab(m, log, ctx);

	if (ret)
		return ret;
	/* slab objects come from the shadow's pages, which the mirror owns */
	if (m->mirroring)
		return mirror_owns_shadow(log, ctx);
	if (!strcmp(tok[0], "kmalloc"))
		return ctl_kmalloc(m, tok + 1, ntok - 1, log, ctx);
	if (!strcmp(tok[0], "kfree"))
		return ctl_slab_free(m, true, tok + 1, ntok - 1, log, ctx);
	if (ntok < 2) {
		log(ctx, "ctl: cache create|destroy|alloc|free|shrink\n");
		return -EINVAL;
	}
	if (!strcmp(tok[1], "create"))
		return ctl_cache_create(m, tok + 2, ntok - 2, log, ctx);
	if (!strcmp(tok[1], "destroy"))
		return ctl_cache_destroy(m, tok + 2, ntok - 2, log, ctx);
	if (!strcmp(tok[1], "alloc"))
		return ctl_cache_alloc(m, tok + 2, ntok - 2, log, ctx);
	if (!strcmp(tok[1], "free"))
		return ctl_slab_free(m, false, tok + 2, ntok - 2, log, ctx);
	if (!strcmp(tok[1], "shrink"))
		return ctl_cache_shrink(m, tok + 2, ntok - 2, log, ctx);
	log(ctx, "ctl: unknown cache command '%s'\n", tok[1]);
	return -EINVAL;
}

/* Split @buf in place on blanks; returns the token count or -EINVAL. */
static int tokenize(char *buf, char **tok)
{
	int n = 0;
	char *p = buf;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			*p++ = '\0';
		if (!*p)
			return n;
		if (n == SMM_CTL_MAX_TOKENS)
			return -EINVAL;
		tok[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
	}
}

/*
 * The checks every command passes first: length, one printable line,
 * words. Fills @buf and @tok; returns the number of words or -EINVAL.
 */
static int ctl_split(const char *cmd, char *buf, char **tok, smm_log_fn log,
		     void *ctx)
{
	size_t len = strlen(cmd);
	size_t i;
	int ntok;

	if (len > SMM_CTL_MAX) {
		log(ctx, "ctl: command longer than %d bytes\n", SMM_CTL_MAX);
		return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		/* One command per write: only a trailing newline is allowed. */
		if ((cmd[i] == '\n' && i != len - 1) ||
		    (cmd[i] != '\n' && cmd[i] != '\t' &&
		     (cmd[i] < ' ' || cmd[i] > '~'))) {
			log(ctx, "ctl: one printable command per write\n");
			return -EINVAL;
		}
	}
	memcpy(buf, cmd, len + 1);
	ntok = tokenize(buf, tok);
	if (ntok <= 0) {
		log(ctx, "ctl: %s\n", ntok ? "too many words" : "empty command");
		return -EINVAL;
	}
	return ntok;
}

/*
 * The commands the module parses before smm_ctl_exec() (they start or stop
 * something outside the machine's lock): split @cmd and tell whether it is
 * @word. Returns the number of words, or 0 when it is another command (or
 * malformed: smm_ctl_exec() judges those, with its messages).
 */
static int ctl_split_word(const char *cmd, const char *word, char *buf,
			  char **tok)
{
	int ntok = ctl_split(cmd, buf, tok, smm_log_discard, NULL);

	return ntok > 0 && !strcmp(tok[0], word) ? ntok : 0;
}

int smm_ctl_parse_stress(const char *cmd, unsigned int *ms, u32 *seed,
			 smm_log_fn log, void *ctx)
{
	struct smm_ctl_arg args[] = { { .key = "ms" }, { .key = "seed" } };
	char buf[SMM_CTL_MAX + 1];
	char *tok[SMM_CTL_MAX_TOKENS];
	int ntok, ret;

	ntok = ctl_split_word(cmd, "stress", buf, tok);
	if (!ntok)
		return 0;
	ret = parse_args(tok + 1, ntok - 1, args, ARRAY_SIZE(args), log, ctx);
	if (ret)
		return ret;
	if (!args[0].seen || !args[0].val || args[0].val > SMM_STRESS_MAX_MS) {
		log(ctx, "ctl: stress needs ms=1..%d\n", SMM_STRESS_MAX_MS);
		return -EINVAL;
	}
	if (args[1].val > 0xffffffffULL) {
		log(ctx, "ctl: stress seed is 0..4294967295\n");
		return -EINVAL;
	}
	*ms = args[0].val;
	*seed = args[1].seen ? args[1].val : 1;
	return 1;
}

/* slab=SIZE and mirror=on against the rest of bench's arguments */
static int check_bench_mode(const struct smm_ctl_arg *order,
			    const struct smm_ctl_arg *slab,
			    const struct smm_ctl_arg *mirror, unsigned int cpus,
			    smm_log_fn log, void *ctx)
{
	if (slab->seen && order->seen) {
		log(ctx, "ctl: bench takes order=N (pages) or slab=SIZE (objects), not both\n");
		return -EINVAL;
	}
	if (slab->seen && (slab->val < SMM_BENCH_MIN_SLAB ||
			   slab->val > SMM_BENCH_MAX_SLAB)) {
		log(ctx, "ctl: bench slab is an object size, %d..%d bytes\n",
		    SMM_BENCH_MIN_SLAB, SMM_BENCH_MAX_SLAB);
		return -EINVAL;
	}
	if (!slab->seen && (!order->seen || order->val >= SMM_MAX_ORDER)) {
		log(ctx, "ctl: bench needs order=0..%d or slab=%d..%d\n",
		    SMM_MAX_ORDER - 1, SMM_BENCH_MIN_SLAB, SMM_BENCH_MAX_SLAB);
		return -EINVAL;
	}
	if (!mirror->seen)
		return 0;
	if (strcmp(mirror->str, "on")) {
		log(ctx, "ctl: bench mirror is on (the mirror's cost on the host's loop)\n");
		return -EINVAL;
	}
	if (slab->seen || cpus > 1) {
		log(ctx, "ctl: bench mirror=on times pages (order=N) on one CPU (cpus=1)\n");
		return -EINVAL;
	}
	return 0;
}

int smm_ctl_parse_bench(const char *cmd, struct smm_bench_args *a,
			smm_log_fn log, void *ctx)
{
	struct smm_ctl_arg args[] = {
		{ .key = "order" }, { .key = "reps" }, { .key = "loops" },
		{ .key = "batch" }, { .key = "gfp", .is_str = true },
		{ .key = "cpu" }, { .key = "cpus" }, { .key = "slab" },
		{ .key = "mirror", .is_str = true },
	};
	char buf[SMM_CTL_MAX + 1];
	char *tok[SMM_CTL_MAX_TOKENS];
	u64 held, pages;
	int ntok, ret;

	ntok = ctl_split_word(cmd, "bench", buf, tok);
	if (!ntok)
		return 0;
	ret = parse_args(tok + 1, ntok - 1, args, ARRAY_SIZE(args), log, ctx);
	if (ret)
		return ret;
	if (args[6].seen && (!args[6].val || args[6].val > SMM_BENCH_MAX_CPUS)) {
		log(ctx, "ctl: bench cpus is 1..%d\n", SMM_BENCH_MAX_CPUS);
		return -EINVAL;
	}
	ret = check_bench_mode(&args[0], &args[7], &args[8],
			       args[6].seen ? args[6].val : 1, log, ctx);
	if (ret)
		return ret;
	if (args[1].seen && (args[1].val < SMM_BENCH_MIN_REPS ||
			     args[1].val > SMM_BENCH_MAX_REPS)) {
		log(ctx, "ctl: bench reps is %d..%d\n", SMM_BENCH_MIN_REPS,
		    SMM_BENCH_MAX_REPS);
		return -EINVAL;
	}
	if (args[2].seen && (!args[2].val || args[2].val > SMM_BENCH_MAX_LOOPS)) {
		log(ctx, "ctl: bench loops is 1..%d\n", SMM_BENCH_MAX_LOOPS);
		return -EINVAL;
	}
	if (args[3].seen && (!args[3].val || args[3].val > SMM_BENCH_MAX_BATCH)) {
		log(ctx, "ctl: bench batch is 1..%d\n", SMM_BENCH_MAX_BATCH);
		return -EINVAL;
	}
	if (args[4].seen && strcmp(args[4].str, "zero")) {
		log(ctx, "ctl: bench gfp is zero (GFP_KERNEL without it)\n");
		return -EINVAL;
	}
	if (args[5].val > SMM_BENCH_MAX_CPU) {
		log(ctx, "ctl: bench cpu is 0..%d\n", SMM_BENCH_MAX_CPU);
		return -EINVAL;
	}
	a->order = args[0].val;
	a->slab = args[7].val;
	a->mirror = args[8].seen;
	a->reps = args[1].seen ? args[1].val : SMM_BENCH_MIN_REPS;
	a->loops = args[2].seen ? args[2].val : SMM_BENCH_DEF_LOOPS;
	a->batch = args[3].seen ? args[3].val : 1;
	a->zero = args[4].seen;
	a->cpu = args[5].val;
	a->cpus = args[6].seen ? args[6].val : 1;
	/*
	 * what each side holds at once, and allocates in one repetition
	 * (with cpus > 1 the first thread runs it alone first: once more);
	 * slab objects count as the pages their bytes fill
	 */
	held = (u64)a->batch * a->cpus << a->order;
	pages = (u64)a->loops * (a->cpus + (a->cpus > 1)) *
		((u64)a->batch << a->order);
	if (a->slab) {
		held = DIV_ROUND_UP(held * a->slab, PAGE_SIZE);
		pages = DIV_ROUND_UP(pages * a->slab, PAGE_SIZE);
	}
	if (held > SMM_BENCH_MAX_HELD) {
		log(ctx, "ctl: bench holds %llu pages at once, at most %lu\n",
		    (unsigned long long)held, SMM_BENCH_MAX_HELD);
		return -EINVAL;
	}
	if (pages > (a->zero ? SMM_BENCH_MAX_ZERO_PAGES : SMM_BENCH_MAX_REP_PAGES)) {
		log(ctx, "ctl: bench allocates %llu pages a repetition, at most %lu%s\n",
		    (unsigned long long)pages,
		    a->zero ? SMM_BENCH_MAX_ZERO_PAGES : SMM_BENCH_MAX_REP_PAGES,
		    a->zero ? " with gfp=zero" : "");
		return -EINVAL;
	}
	return 1;
}

/* "LO" or "LO-HI", both orders the shadow has. */
static int parse_order_range(const char *s, unsigned int *lo,
			     unsigned int *hi)
{
	u64 a, b;

	if (smm_parse_number(&s, &a))
		return -EINVAL;
	b = a;
	if (*s == '-') {
		s++;
		if (smm_parse_number(&s, &b))
			return -EINVAL;
	}
	if (*s || a > b || b >= SMM_MAX_ORDER)
		return -EINVAL;
	*lo = a;
	*hi = b;
	return 0;
}

static bool valid_comm(const char *c)
{
	size_t i, n = strlen(c);

	if (!n || n >= SMM_MIRROR_COMM_LEN)
		return false;
	for (i = 0; i < n; i++)
		if (c[i] <= ' ' || c[i] > '~')
			return false;
	return true;
}

int smm_ctl_parse_mirror(const char *cmd, struct smm_mirror_filter *f,
			 smm_log_fn log, void *ctx)
{
	struct smm_ctl_arg args[] = {
		{ .key = "pid" }, { .key = "comm", .is_str = true },
		{ .key = "order", .is_str = true }, { .key = "nid" },
	};
	char buf[SMM_CTL_MAX + 1];
	char *tok[SMM_CTL_MAX_TOKENS];
	int ntok, ret;

	ntok = ctl_split_word(cmd, "mirror", buf, tok);
	if (!ntok)
		return 0;
	if (ntok == 2 && !strcmp(tok[1], "off"))
		return 2;
	if (ntok < 2 || strcmp(tok[1], "on")) {
		log(ctx, "ctl: mirror on [pid=P] [comm=NAME] [order=LO[-HI]] [nid=N] | off\n");
		return -EINVAL;
	}
	ret = parse_args(tok + 2, ntok - 2, args, ARRAY_SIZE(args), log, ctx);
	if (ret)
		return ret;
	smm_mirror_filter_any(f);
	if (args[0].seen) {
		if (args[0].val > 0x7fffffff) {
			log(ctx, "ctl: mirror pid is 0..2147483647\n");
			return -EINVAL;
		}
		f->pid = args[0].val;
	}
	if (args[1].seen) {
		if (!valid_comm(args[1].str)) {
			log(ctx, "ctl: mirror comm is 1-%d printable characters\n",
			    SMM_MIRROR_COMM_LEN - 1);
			return -EINVAL;
		}
		strscpy(f->comm, args[1].str, sizeof(f->comm));
	}
	if (args[2].seen &&
	    parse_order_range(args[2].str, &f->order_lo, &f->order_hi)) {
		log(ctx, "ctl: mirror order is LO or LO-HI, 0..%d\n",
		    SMM_MAX_ORDER - 1);
		return -EINVAL;
	}
	if (args[3].seen) {
		if (args[3].val >= SMM_MAX_NUMNODES) {
			log(ctx, "ctl: mirror nid is a host node 0..%d\n",
			    SMM_MAX_NUMNODES - 1);
			return -EINVAL;
		}
		f->host_nid = args[3].val;
	}
	return 1;
}

/* ---- the grammar -------------------------------------------------------- */

typedef int (*smm_ctl_run_fn)(struct smm_machine *m, char **tok, int ntok,
			      smm_log_fn log, void *ctx);

static int ctl_help(struct smm_machine *m, char **tok, int ntok,
		    smm_log_fn log, void *ctx);

#define SMM_CTL_FORMS	5

/*
 * Every command: its first word, what runs it (given all its words, the
 * first included; NULL: the module, which parses it itself) and its
 * forms, one grammar line each ("" for a bare word). smm_ctl_exec()
 * knows no command that is not here, and smm_ctl_help() prints this.
 */
static const struct smm_ctl_cmd {
	const char *word;
	smm_ctl_run_fn run;
	const char *forms[SMM_CTL_FORMS];
} smm_ctl_cmds[] = {
	{ "reset", ctl_reset, { "[upto=memmap|buddy]" } },
	{ "memblock", ctl_memblock, {
		"alloc size=SIZE [align=SIZE] [min=ADDR] [max=ADDR] [nid=N] [exact] [raw]",
		"reserve base=ADDR size=SIZE",
		"free base=ADDR size=SIZE",
		"set [bottom_up=0|1] [limit=ADDR|max]" } },
	{ "alloc", ctl_buddy,
	  { "order=N [count=C] [nid=N] [gfp=FLAG[|FLAG...]] [tag=NAME]" } },
	{ "policy", ctl_buddy, {
		"default", "preferred nid=N", "bind nodes=N[,N...]",
		"interleave nodes=N[,N...]" } },
	{ "free", ctl_buddy, { "tag=NAME", "pfn=PFN", "all" } },
	{ "drain", ctl_buddy, { "" } },
	{ "verify", ctl_buddy, { "0|1" } },
	{ "workload", ctl_buddy, { "seed=S ops=N" } },
	{ "stress", NULL, { "ms=N [seed=S]" } },
	{ "bench", NULL, {
		"order=N [reps=R] [loops=L] [batch=B] [gfp=zero] [cpu=C] [cpus=N] [mirror=on]",
		"slab=SIZE [reps=R] [loops=L] [batch=B] [gfp=zero] [cpu=C] [cpus=N]" } },
	{ "cache", ctl_slab, {
		"create name=N size=S [align=A] [flags=hwcache|reclaim]",
		"destroy name=N",
		"alloc name=N [count=C] [nid=N] [tag=T] [gfp=FLAG[|FLAG...]]",
		"free tag=T", "shrink name=N|all" } },
	{ "kmalloc", ctl_slab,
	  { "size=S [count=C] [nid=N] [gfp=FLAG[|FLAG...]] [tag=T]" } },
	{ "kfree", ctl_slab, { "tag=T" } },
	{ "mirror", NULL,
	  { "on [pid=P] [comm=NAME] [order=LO[-HI]] [nid=N]", "off" } },
	{ "help", ctl_help, { "" } },
};

/* The gfp= words that are (or are not) a base, '|' between them. */
static void gfp_words(char *buf, size_t size, bool base)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(smm_gfp_words) && n < size; i++)
		if (smm_gfp_words[i].base == base)
			n += snprintf(buf + n, size - n, "%s%s", n ? "|" : "",
				      smm_gfp_words[i].name);
}

/*
 * One line a form, "WORD FORM", each its own call of @emit (a log
 * function prints a line a call), then what the placeholders take,
 * indented: a grammar line starts with its command word.
 */
static void ctl_grammar(smm_emit_fn emit, void *ctx, const char *prefix)
{
	const struct smm_ctl_cmd *c;
	char base[64], mods[96];
	int i;

	for (c = smm_ctl_cmds; c < smm_ctl_cmds + ARRAY_SIZE(smm_ctl_cmds); c++)
		for (i = 0; i < SMM_CTL_FORMS && c->forms[i]; i++)
			emit(ctx, "%s%s%s%s\n", prefix, c->word,
			     c->forms[i][0] ? " " : "", c->forms[i]);
	gfp_words(base, sizeof(base), true);
	gfp_words(mods, sizeof(mods), false);
	emit(ctx, "%s  FLAG: at most one of %s (default kernel), any of %s\n",
	     prefix, base, mods);
	emit(ctx, "%s  numbers: decimal or 0x hex, optionally ending in K, M or G\n",
	     prefix);
}

void smm_ctl_help(smm_emit_fn emit, void *ctx)
{
	ctl_grammar(emit, ctx, "");
}

/* `help`: the grammar in the log, nothing else done */
static int ctl_help(struct smm_machine *m __always_unused, char **tok,
		    int ntok, smm_log_fn log, void *ctx)
{
	if (ntok != 1) {
		log(ctx, "ctl: help takes no arguments ('%s')\n", tok[1]);
		return -EINVAL;
	}
	ctl_grammar(log, ctx, "ctl: ");
	return 0;
}

int smm_ctl_exec(struct smm_machine *m, const char *cmd, smm_log_fn log,
		 void *ctx)
{
	char buf[SMM_CTL_MAX + 1];
	char *tok[SMM_CTL_MAX_TOKENS];
	const struct smm_ctl_cmd *c;
	int ntok;

	ntok = ctl_split(cmd, buf, tok, log, ctx);
	if (ntok < 0)
		return ntok;
	for (c = smm_ctl_cmds; c < smm_ctl_cmds + ARRAY_SIZE(smm_ctl_cmds); c++) {
		if (strcmp(tok[0], c->word))
			continue;
		/*
		 * The stress threads allocate without smm_lock and read the
		 * machine's settings (verify, the policy) as they go: nothing
		 * that changes the shadow runs beside them, however valid;
		 * help, which changes nothing, does.
		 */
		if (c->run && c->run != ctl_help && m->busy) {
			log(ctx, "ctl: %s: a stress or bench run is going on\n", tok[0]);
			return -EBUSY;
		}
		if (c->run)
			return c->run(m, tok, ntok, log, ctx);
		/* smm_ctl_parse_stress/bench/mirror() and the module run them */
		log(ctx, "ctl: %s runs only in the module\n", tok[0]);
		return -EINVAL;
	}
	log(ctx, "ctl: unknown command '%s'\n", tok[0]);
	return -EINVAL;
}
