// SPDX-License-Identifier: GPL-2.0
/*
 * The ctl command language. One command per write:
 *
 *   reset
 *   memblock alloc size=SIZE [align=SIZE] [min=ADDR] [max=ADDR] [nid=N]
 *                  [exact] [raw]
 *   memblock reserve base=ADDR size=SIZE
 *   memblock free base=ADDR size=SIZE
 *   memblock set [bottom_up=0|1] [limit=ADDR|max]
 *
 * A command is parsed and validated completely before anything is done, so
 * a rejected command leaves the machine exactly as it was.
 */
#include "shadowmm/ctl.h"

#define SMM_CTL_MAX_TOKENS	16

struct smm_ctl_arg {
	const char *key;
	bool is_flag;		/* a bare word, no "=value" */
	bool allow_max;		/* value may be the word "max" */
	bool seen;
	u64 val;
};

int smm_parse_u64(const char *s, u64 *out)
{
	unsigned int base = 10, shift = 0;
	u64 v = 0;
	const char *p = s, *digits;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (digits = p; *p; p++) {
		unsigned int d;

		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			break;
		if (v > (~0ULL - d) / base)
			return -EINVAL;
		v = v * base + d;
	}
	if (p == digits)
		return -EINVAL;
	switch (*p) {
	case '\0':
		break;
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	default:
		return -EINVAL;
	}
	if (shift) {
		if (p[1] || v > (~0ULL >> shift))
			return -EINVAL;
		v <<= shift;
	}
	*out = v;
	return 0;
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

static int ctl_memblock(struct smm_machine *m, char **tok, int ntok,
			smm_log_fn log, void *ctx)
{
	if (!m->booted) {
		log(ctx, "ctl: no machine (reset failed?)\n");
		return -EINVAL;
	}
	if (ntok < 1) {
		log(ctx, "ctl: memblock needs alloc|reserve|free|set\n");
		return -EINVAL;
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

static int ctl_reset(struct smm_machine *m, int ntok, smm_log_fn log,
		     void *ctx)
{
	if (ntok) {
		log(ctx, "ctl: reset takes no arguments\n");
		return -EINVAL;
	}
	smm_machine_teardown(m);
	return smm_boot(m, log, ctx);
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

int smm_ctl_exec(struct smm_machine *m, const char *cmd, smm_log_fn log,
		 void *ctx)
{
	char buf[SMM_CTL_MAX + 1];
	char *tok[SMM_CTL_MAX_TOKENS];
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
	if (!strcmp(tok[0], "reset"))
		return ctl_reset(m, ntok - 1, log, ctx);
	if (!strcmp(tok[0], "memblock"))
		return ctl_memblock(m, tok + 1, ntok - 1, log, ctx);
	log(ctx, "ctl: unknown command '%s'\n", tok[0]);
	return -EINVAL;
}
