// SPDX-License-Identifier: GPL-2.0
/*
 * The offline replay: kmem page-allocator events in text, one a line,
 * into a shadow machine (include/shadowmm/replay.h). Userspace only (it
 * is built with the host tests and into shadowmm-replay), but written
 * against compat.h like the core.
 *
 * Accepted lines:
 *
 *   tracefs (trace, trace_pipe; with or without irq-info / tgid columns):
 *     bash-1234  [001] d..1.  123.456789: mm_page_alloc: page=...
 *         pfn=0x1f2 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE
 *   trace-cmd report: the same fields after "COMM-PID [CPU] TIME: EVENT:"
 *   mirror/log: the same, with a trailing nid=N (the shadow node) and a
 *     "# ..." header naming the machine it ran on.
 *
 * Any other event of a trace line is counted and skipped; "#" comments,
 * blank lines and trace-cmd's "cpus=N" / "version = N" lines are
 * skipped; "[LOST N EVENTS]" is counted (the replay is then incomplete).
 * Everything else is malformed: counted, the first ones reported with
 * their line number, and never fatal.
 */
#include "shadowmm/replay.h"
#include "shadowmm/ctl.h"
#include "shadowmm/parameters.h"
#include "shadowmm/vmstat.h"

#define SMM_REPLAY_MAX_REPORTS	20

static const struct {
	const char *pat;
	enum smm_mirror_type type;
} smm_replay_events[] = {
	{ ": mm_page_alloc:", SMM_MIRROR_ALLOC },
	{ ": mm_page_free:", SMM_MIRROR_FREE },
	{ ": mm_page_free_batched:", SMM_MIRROR_FREE_BATCHED },
};

void smm_replay_default_opts(struct smm_replay_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->nodes = 1;
	o->node_size = 256ULL << 20;
	o->cpus = 2;
	o->zone_layout = SMM_ZONE_LAYOUT_SCALED;
	o->entries = 1UL << 20;
	o->phys_limit = 64ULL << 30;
	o->show = SMM_SHOW_BUDDYINFO | SMM_SHOW_PAGETYPEINFO |
		  SMM_SHOW_EXTFRAG | SMM_SHOW_STATS;
	smm_mirror_filter_any(&o->filter);
}

int smm_replay_init(struct smm_replay *r, const struct smm_replay_opts *o,
		    smm_emit_fn out, smm_emit_fn err, void *ctx)
{
	memset(r, 0, sizeof(*r));
	r->o = *o;
	r->out = out;
	r->err = err;
	r->ctx = ctx;
	r->entries = o->entries;
	r->m = kzalloc(sizeof(*r->m), GFP_KERNEL);
	if (!r->m)
		return -ENOMEM;
	/* the module's defaults for the simulated boot */
	r->m->cfg.firmware_size = 64 << 10;
	r->m->cfg.kernel_size = 4 << 20;
	r->m->cfg.initrd_size = 2 << 20;
	r->m->cfg.zone_layout = o->zone_layout;
	r->m->nr_cpus = o->cpus;
	r->m->region.backend = "replay";
	return 0;
}

void smm_replay_destroy(struct smm_replay *r)
{
	if (r->booted)
		smm_machine_teardown(r->m);
	smm_mirror_destroy(&r->mm);
	kfree(r->m);
	r->m = NULL;
}

static void replay_bad(struct smm_replay *r, const char *why)
{
	if (!r->malformed++)
		r->first_malformed = r->lines;
	if (r->malformed <= SMM_REPLAY_MAX_REPORTS)
		r->err(r->ctx, "line %lu: malformed: %s\n", r->lines, why);
}

/* The machine the options describe: node i's memory after node i - 1's. */
static void replay_geometry(struct smm_replay *r)
{
	struct smm_region *reg = &r->m->region;
	unsigned long pages = PHYS_PFN(r->o.node_size);
	unsigned int i;

	for (i = 0; i < r->o.nodes && i < SMM_MAX_NUMNODES; i++) {
		reg->chunks[i].start_pfn = 0x8000 + i * pages;
		reg->chunks[i].nr_pages = pages;
		reg->chunks[i].nid = i;
	}
	reg->nr_chunks = i;
}

static int replay_boot(struct smm_replay *r)
{
	struct smm_region *reg = &r->m->region;
	unsigned int i;
	int ret;

	if (r->booted || r->boot_failed)
		return r->booted ? 0 : -EINVAL;
	r->boot_failed = true;
	if (!r->header)
		replay_geometry(r);
	for (i = 0; i < reg->nr_chunks; i++) {
		unsigned long end = reg->chunks[i].start_pfn +
				    reg->chunks[i].nr_pages;

		/* in pfns, and wrapped sums too: PFN_PHYS(end) can overflow */
		if (end < reg->chunks[i].start_pfn ||
		    end > PHYS_PFN(r->o.phys_limit)) {
			r->err(r->ctx, "chunk %u ends above the %llu GiB this build can back\n",
			       i, (unsigned long long)(r->o.phys_limit >> 30));
			return -EINVAL;
		}
	}
	if (!r->m->nr_cpus || r->m->nr_cpus > 4096) {
		r->err(r->ctx, "cpus must be 1..4096\n");
		return -EINVAL;
	}
	smm_unr_cpus = r->m->nr_cpus;
	ret = smm_mirror_init(&r->mm, r->entries, 0, r->m->nr_cpus);
	if (ret) {
		r->err(r->ctx, "mirror table of %lu entries: %d\n", r->entries,
		       ret);
		return ret;
	}
	r->mm.filter = r->o.filter;
	ret = smm_boot(r->m, smm_log_discard, NULL);
	if (ret) {
		r->err(r->ctx, "the shadow machine did not boot: %d\n", ret);
		return ret;
	}
	r->booted = true;
	r->boot_failed = false;
	return 0;
}

static bool word_is(const char *s, const char *w)
{
	return !strncmp(s, w, strlen(w));
}

/* "key=value ..." of the log's "# config" line; every key once. */
/*
 * "# cpu_nodes 0,1": the real node of each CPU, which sizes pcp->high
 * (zone_highsize()); without the line every CPU is on node 0.
 */
static int cpu_nodes_line(const char *s)
{
	unsigned int cpu = 0;
	int nid, n;

	while (sscanf(s, "%d%n", &nid, &n) == 1) {
		if (cpu >= SMM_UMAX_CPUS || nid < 0 || nid >= SMM_MAX_NUMNODES)
			return -EINVAL;
		smm_ucpu_node[cpu++] = nid;
		s += n;
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			return -EINVAL;
	}
	return cpu ? 0 : -EINVAL;
}

static int config_line(struct smm_machine *m, const char *s)
{
	static const char *const keys[] = {
		"firmware_size", "kernel_size", "initrd_size", "zone_layout",
		"min_free_kbytes", "nodes", "slab", "memory_model",
		"section_size",
	};
	unsigned long long v[ARRAY_SIZE(keys)];
	unsigned int seen = 0, i;
	const char *why;
	char word[64];
	int n;

	while (sscanf(s, " %63s%n", word, &n) == 1) {
		char *eq = strchr(word, '=');

		s += n;
		if (!eq)
			return -EINVAL;
		*eq = '\0';
		for (i = 0; i < ARRAY_SIZE(keys); i++)
			if (!strcmp(word, keys[i]))
				break;
		if (i == ARRAY_SIZE(keys) || seen & BIT(i))
			return -EINVAL;
		seen |= BIT(i);
		if (i == 3) {
			if (strcmp(eq + 1, "real") && strcmp(eq + 1, "scaled"))
				return -EINVAL;
			v[i] = !strcmp(eq + 1, "real");
		} else if (i == 7) {
			if (strcmp(eq + 1, "flatmem") &&
			    strcmp(eq + 1, "sparsemem"))
				return -EINVAL;
			v[i] = !strcmp(eq + 1, "sparsemem");
		} else if (sscanf(eq + 1, "%llu%n", &v[i], &n) != 1 ||
			   eq[1 + n]) {
			return -EINVAL;
		}
	}
	/*
	 * Optional, for logs written before them: slab= (the slab layer),
	 * memory_model= and section_size= (SPARSEMEM): off, flatmem, 0.
	 */
	for (i = 6; i < ARRAY_SIZE(keys); i++) {
		if (!(seen & BIT(i)))
			v[i] = 0;
		seen |= BIT(i);
	}
	if (seen != BIT(ARRAY_SIZE(keys)) - 1 || v[5] > SMM_MAX_NUMNODES ||
	    v[6] > 1 || (v[8] && !v[7]) ||
	    (v[8] && smm_sparse_check_section_size(v[8], &why)))
		return -EINVAL;
	m->cfg.slab = v[6];
	m->cfg.memory_model = v[7] ? SMM_MEMORY_MODEL_SPARSEMEM :
				     SMM_MEMORY_MODEL_FLATMEM;
	m->cfg.section_size = v[8];
	m->cfg.firmware_size = v[0];
	m->cfg.kernel_size = v[1];
	m->cfg.initrd_size = v[2];
	m->cfg.zone_layout = v[3] ? SMM_ZONE_LAYOUT_REAL :
				    SMM_ZONE_LAYOUT_SCALED;
	m->cfg.min_free_kbytes = v[4];
	m->cfg.fake_nodes = v[5];
	return 0;
}

/* "# shadowmm mirror log" and what follows it, before the first event. */
static void header_line(struct smm_replay *r, const char *s)
{
	struct smm_machine *m = r->m;
	unsigned long long a, b;
	unsigned int n;
	int nid;

	if (word_is(s, "# shadowmm mirror log")) {
		if (r->booted) {
			replay_bad(r, "a mirror-log header after the first event");
			return;
		}
		r->header = true;
		return;
	}
	if (!r->header) {
		r->ignored++;
		return;
	}
	if (word_is(s, "# lost ")) {
		if (sscanf(s, "# lost %llu", &a) == 1)
			r->trace_lost += a;
		else
			replay_bad(r, "bad # lost line");
		return;
	}
	if (r->booted) {
		r->ignored++;
		return;
	}
	if (word_is(s, "# cpus ")) {
		if (sscanf(s, "# cpus %u", &n) != 1)
			replay_bad(r, "bad # cpus line");
		else
			m->nr_cpus = n;
	} else if (word_is(s, "# cpu_nodes ")) {
		if (cpu_nodes_line(s + strlen("# cpu_nodes ")))
			replay_bad(r, "bad # cpu_nodes line");
	} else if (word_is(s, "# entries ")) {
		if (sscanf(s, "# entries %llu", &a) != 1)
			replay_bad(r, "bad # entries line");
		else
			r->entries = a;
	} else if (word_is(s, "# config ")) {
		if (config_line(m, s + strlen("# config ")))
			replay_bad(r, "bad # config line");
	} else if (word_is(s, "# chunk ")) {
		struct smm_region_chunk *ch;

		if (sscanf(s, "# chunk %llx %llu %d", &a, &b, &nid) != 3 ||
		    nid < 0 || nid >= SMM_MAX_NUMNODES || !b ||
		    m->region.nr_chunks == SMM_MAX_CHUNKS) {
			replay_bad(r, "bad # chunk line");
			return;
		}
		ch = &m->region.chunks[m->region.nr_chunks++];
		ch->start_pfn = a;
		ch->nr_pages = b;
		ch->nid = nid;
	} else if (word_is(s, "# distance ")) {
		int from, to;

		if (sscanf(s, "# distance %d %d %llu", &from, &to, &a) != 3 ||
		    from < 0 || to < 0 || from >= SMM_MAX_NUMNODES ||
		    to >= SMM_MAX_NUMNODES || a > 255) {
			replay_bad(r, "bad # distance line");
			return;
		}
		m->distance[from][to] = a;
	} else {
		r->ignored++;
	}
}

/* One whole number at *@p (0x hex or decimal, optional '-'). */
static int field_number(const char *s, size_t len, s64 *out)
{
	const char *p = s;
	bool neg = false;
	u64 v;

	if (len && *p == '-') {
		neg = true;
		p++;
	}
	if (smm_parse_number(&p, &v) || (size_t)(p - s) != len ||
	    v > 0x7fffffffffffffffULL)
		return -EINVAL;
	*out = neg ? -(s64)v : (s64)v;
	return 0;
}

struct smm_replay_fields {
	s64 pfn, order, migratetype, nid;
	bool has_pfn, has_order, has_mt, has_gfp, has_nid;
	unsigned int gfp;
};

static const char *parse_fields(char *s, struct smm_replay_fields *f)
{
	static const char failed[] = "[FAILED TO PARSE]";

	memset(f, 0, sizeof(*f));
	/* libtraceevent's raw fields when it cannot run the print format */
	while (*s == ' ' || *s == '\t')
		s++;
	if (!strncmp(s, failed, sizeof(failed) - 1))
		s += sizeof(failed) - 1;
	for (;;) {
		char *key, *eq;
		size_t klen, vlen;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		key = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		eq = memchr(key, '=', s - key);
		if (!eq)
			return "a field without '='";
		klen = eq - key;
		vlen = s - eq - 1;
#define KEY(k) (klen == sizeof(k) - 1 && !strncmp(key, k, klen))
		if (KEY("pfn")) {
			if (field_number(eq + 1, vlen, &f->pfn) || f->pfn < -1)
				return "bad pfn";
			f->has_pfn = true;
		} else if (KEY("order")) {
			if (field_number(eq + 1, vlen, &f->order) ||
			    f->order < 0 || f->order > 63)
				return "bad order";
			f->has_order = true;
		} else if (KEY("migratetype")) {
			if (field_number(eq + 1, vlen, &f->migratetype))
				return "bad migratetype";
			f->has_mt = true;
		} else if (KEY("gfp_flags")) {
			if (smm_mirror_parse_gfp(eq + 1, vlen, &f->gfp))
				return "bad gfp_flags";
			f->has_gfp = true;
		} else if (KEY("nid")) {
			if (field_number(eq + 1, vlen, &f->nid) || f->nid < 0 ||
			    f->nid >= SMM_MAX_NUMNODES)
				return "bad nid";
			f->has_nid = true;
		}
		/* page= (a hashed pointer) and fields of other versions */
#undef KEY
	}
	return NULL;
}

/*
 * "  COMM-PID  [CPU] ...": the CPU is the first "[digits]" after a
 * "-digits" (a comm may hold spaces, dashes and digits), a "(tgid)"
 * column allowed between them.
 */
static const char *parse_prefix(char *line, char *end, int *pid, int *cpu,
				char *comm)
{
	char *b;

	for (b = line; b < end; b++) {
		char *p = b, *q;
		s64 v;

		if (*b != '[')
			continue;
		for (q = b + 1; q < end && *q >= '0' && *q <= '9'; q++)
			;
		if (q == b + 1 || q >= end || *q != ']' ||
		    field_number(b + 1, q - b - 1, &v) || v > 1 << 20)
			continue;
		*cpu = v;
		/* back over blanks and an optional "(  tgid)" column */
		while (p > line && p[-1] == ' ')
			p--;
		if (p > line && p[-1] == ')') {
			while (p > line && p[-1] != '(')
				p--;
			if (p > line)
				p--;
			while (p > line && p[-1] == ' ')
				p--;
		}
		for (q = p; q > line && q[-1] >= '0' && q[-1] <= '9'; q--)
			;
		if (q == p || q == line || q[-1] != '-')
			continue;
		if (field_number(q, p - q, &v) || v > 0x7fffffff)
			continue;
		*pid = v;
		p = line;
		while (*p == ' ')
			p++;
		if (q - 1 - p >= SMM_MIRROR_COMM_LEN)
			p = q - 1 - (SMM_MIRROR_COMM_LEN - 1);
		memcpy(comm, p, q - 1 - p);
		comm[q - 1 - p] = '\0';
		return NULL;
	}
	return "no COMM-PID [CPU] prefix";
}

static int host_nid_of(struct smm_replay *r, unsigned long pfn)
{
	unsigned int i;

	for (i = 0; i < r->o.nr_host_ranges; i++)
		if (pfn >= r->o.host_ranges[i].start &&
		    pfn < r->o.host_ranges[i].end)
			return r->o.host_ranges[i].nid;
	return 0;
}

static void replay_event(struct smm_replay *r, char *line, char *at,
			 enum smm_mirror_type type, size_t patlen)
{
	char comm[SMM_MIRROR_COMM_LEN];
	struct smm_replay_fields f;
	struct smm_mirror_event ev = { .type = type };
	const char *why;
	int pid, cpu, host_nid;

	why = parse_prefix(line, at, &pid, &cpu, comm);
	if (!why)
		why = parse_fields(at + patlen, &f);
	if (!why && (!f.has_pfn || (type != SMM_MIRROR_FREE_BATCHED &&
				    !f.has_order)))
		why = "pfn= or order= missing";
	if (!why && type == SMM_MIRROR_ALLOC && !f.has_mt && !f.has_gfp)
		why = "neither migratetype= nor gfp_flags=";
	if (why) {
		replay_bad(r, why);
		return;
	}
	if (replay_boot(r))
		return;
	r->events++;
	ev.cpu = (unsigned int)cpu % r->m->nr_cpus;
	ev.pid = pid;
	ev.pfn = f.pfn;
	ev.order = f.order;
	smm_ucpu = ev.cpu;
	if (type != SMM_MIRROR_ALLOC) {
		smm_mirror_apply(&r->mm, r->m, &ev);
		goto out;
	}
	host_nid = host_nid_of(r, f.pfn);
	if (!smm_mirror_filter_match(&r->mm.filter, pid, comm, f.order,
				     host_nid)) {
		smm_mirror_count(&r->mm, ev.cpu, SMM_MST_ALLOCS);
		smm_mirror_count(&r->mm, ev.cpu, SMM_MST_FILTERED);
		goto out;
	}
	/* a failed host allocation prints pfn=0x0 (the raw field: -1) */
	if (f.pfn <= 0) {
		smm_mirror_count(&r->mm, ev.cpu, SMM_MST_ALLOCS);
		smm_mirror_count(&r->mm, ev.cpu, SMM_MST_HOST_FAIL);
		goto out;
	}
	ev.gfp = smm_mirror_gfp(f.gfp, f.has_mt ? (int)f.migratetype : -1);
	ev.nid = f.has_nid ? (int)f.nid : smm_mirror_shadow_node(r->m, host_nid);
	smm_mirror_apply(&r->mm, r->m, &ev);
out:
	if (r->o.every && !(r->events % r->o.every)) {
		r->out(r->ctx, "# after %lu events (line %lu)\n", r->events,
		       r->lines);
		smm_replay_show(r);
	}
}

void smm_replay_line(struct smm_replay *r, char *line)
{
	size_t len = strlen(line);
	unsigned long long n;
	unsigned int i;
	char *at;

	r->lines++;
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	for (i = 0; i < len; i++) {
		if ((unsigned char)line[i] < ' ' && line[i] != '\t') {
			replay_bad(r, "a control character");
			return;
		}
	}
	at = line;
	while (*at == ' ' || *at == '\t')
		at++;
	if (!*at)
		return;
	if (*at == '#') {
		header_line(r, at);
		return;
	}
	/* trace-cmd report's first lines */
	if (sscanf(at, "cpus=%llu", &n) == 1 || word_is(at, "version = ")) {
		r->ignored++;
		return;
	}
	at = strstr(line, "[LOST ");
	if (at && sscanf(at, "[LOST %llu EVENTS]", &n) == 1) {
		r->trace_lost += n;
		return;
	}
	for (i = 0; i < ARRAY_SIZE(smm_replay_events); i++) {
		at = strstr(line, smm_replay_events[i].pat);
		if (at) {
			replay_event(r, line, at, smm_replay_events[i].type,
				     strlen(smm_replay_events[i].pat));
			return;
		}
	}
	/* another event of a trace, or not a trace line at all */
	{
		char comm[SMM_MIRROR_COMM_LEN];
		int pid, cpu;
		char *colon = strstr(line, ": ");

		if (colon && !parse_prefix(line, colon, &pid, &cpu, comm) &&
		    strchr(colon + 2, ':')) {
			r->other++;
			return;
		}
	}
	replay_bad(r, "not a trace line");
}

void smm_replay_bad_line(struct smm_replay *r, const char *why)
{
	r->lines++;
	replay_bad(r, why);
}

void smm_replay_show(struct smm_replay *r)
{
	if (!r->booted)
		return;
	if (r->o.show & SMM_SHOW_BUDDYINFO)
		smm_show_buddyinfo(r->m, r->out, r->ctx);
	if (r->o.show & SMM_SHOW_PAGETYPEINFO)
		smm_show_pagetypeinfo(r->m, r->out, r->ctx);
	if (r->o.show & SMM_SHOW_EXTFRAG) {
		r->out(r->ctx, "# extfrag/unusable_index\n");
		smm_show_unusable_index(r->m, r->out, r->ctx);
		r->out(r->ctx, "# extfrag/extfrag_index\n");
		smm_show_extfrag_index(r->m, r->out, r->ctx);
	}
	if (r->o.show & SMM_SHOW_STATS)
		smm_show_mirror_stats(&r->mm, r->out, r->ctx);
}

int smm_replay_finish(struct smm_replay *r)
{
	int ret = replay_boot(r);

	r->out(r->ctx, "# replay: %lu lines, %lu events, %lu other events, %lu malformed",
	       r->lines, r->events, r->other, r->malformed);
	if (r->malformed)
		r->out(r->ctx, " (first at line %lu)", r->first_malformed);
	r->out(r->ctx, ", %llu lost\n", (unsigned long long)r->trace_lost);
	if (ret)
		return ret;
	smm_replay_show(r);
	return 0;
}
