// SPDX-License-Identifier: GPL-2.0
/*
 * shadowmm-replay: replay a recorded kmem page-allocator trace (tracefs
 * text, trace-cmd report, or the module's mirror/log) into a shadow
 * machine built in this process, and print the kernel's views of it.
 *
 *   shadowmm-replay [options] [FILE|-]
 *
 * See usage() and README.rst ("Watch the host through its shadow").
 */
#include <stdarg.h>
#include <sys/mman.h>

#include "shadowmm/replay.h"
#include "shadowmm/parameters.h"

#define SMM_REPLAY_ARENA	(64ULL << 30)

static void emit_out(void *ctx __always_unused, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

static void emit_err(void *ctx __always_unused, const char *fmt, ...)
{
	va_list ap;

	fputs("shadowmm-replay: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static void print_usage(void)
{
	fputs("usage: shadowmm-replay [options] [FILE|-]\n"
	      "  --nodes N            shadow nodes (default 1)\n"
	      "  --node-size SIZE     memory per node, a multiple of 4M (default 256M)\n"
	      "  --cpus N             CPUs: per-cpu lists; trace CPU c uses c %% N (default 2)\n"
	      "  --zone-layout L      scaled (default) or real\n"
	      "  --entries N          pfn table size, blocks held at most (default 1048576)\n"
	      "  --host-nodes LIST    host pfn ranges' nodes: START-END@NID[,...] (END exclusive)\n"
	      "  --comm NAME, --pid P, --order LO[-HI], --nid N   mirror only these allocations\n"
	      "  --every N            print the views every N events too\n"
	      "  --show LIST          buddyinfo,pagetypeinfo,extfrag,stats (default all)\n"
	      "A mirror/log header (# shadowmm mirror log) replaces the machine options.\n",
	      stderr);
}

static int parse_uint(const char *s, u64 max, u64 *out)
{
	return smm_parse_u64(s, out) || *out > max ? -EINVAL : 0;
}

static int parse_host_nodes(struct smm_replay_opts *o, char *s)
{
	char *tok;

	for (tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
		unsigned long long a, b;
		int nid, n;

		if (o->nr_host_ranges == SMM_REPLAY_MAX_HOST_RANGES ||
		    sscanf(tok, "%lli-%lli@%i%n", &a, &b, &nid, &n) != 3 ||
		    tok[n] || a >= b || nid < 0 || nid >= SMM_MAX_NUMNODES)
			return -EINVAL;
		o->host_ranges[o->nr_host_ranges].start = a;
		o->host_ranges[o->nr_host_ranges].end = b;
		o->host_ranges[o->nr_host_ranges++].nid = nid;
	}
	return 0;
}

static int parse_show(struct smm_replay_opts *o, char *s)
{
	static const char *const names[] = {
		"buddyinfo", "pagetypeinfo", "extfrag", "stats",
	};
	unsigned int i;
	char *tok;

	o->show = 0;
	for (tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (!strcmp(tok, names[i]))
				break;
		if (i == ARRAY_SIZE(names))
			return -EINVAL;
		o->show |= 1U << i;
	}
	return 0;
}

static int parse_opt(struct smm_replay_opts *o, const char *opt, char *val)
{
	u64 v, hi;
	char *dash;

	if (!strcmp(opt, "--nodes"))
		return parse_uint(val, SMM_MAX_NUMNODES, &v) || !v ? -EINVAL :
			(o->nodes = v, 0);
	if (!strcmp(opt, "--node-size"))
		return smm_parse_u64(val, &v) || !v ||
		       v % PFN_PHYS(SMM_MAX_ORDER_NR_PAGES) ? -EINVAL :
		       (o->node_size = v, 0);
	if (!strcmp(opt, "--cpus"))
		return parse_uint(val, 4096, &v) || !v ? -EINVAL :
			(o->cpus = v, 0);
	if (!strcmp(opt, "--entries"))
		return parse_uint(val, SMM_MIRROR_ENTRIES_MAX, &v) ||
		       v < SMM_MIRROR_ENTRIES_MIN ? -EINVAL :
		       (o->entries = v, 0);
	if (!strcmp(opt, "--every"))
		return parse_uint(val, ~0UL, &v) ? -EINVAL : (o->every = v, 0);
	if (!strcmp(opt, "--zone-layout")) {
		if (!strcmp(val, "scaled"))
			o->zone_layout = SMM_ZONE_LAYOUT_SCALED;
		else if (!strcmp(val, "real"))
			o->zone_layout = SMM_ZONE_LAYOUT_REAL;
		else
			return -EINVAL;
		return 0;
	}
	if (!strcmp(opt, "--host-nodes"))
		return parse_host_nodes(o, val);
	if (!strcmp(opt, "--show"))
		return parse_show(o, val);
	if (!strcmp(opt, "--comm")) {
		if (!*val || strlen(val) >= SMM_MIRROR_COMM_LEN)
			return -EINVAL;
		strscpy(o->filter.comm, val, sizeof(o->filter.comm));
		return 0;
	}
	if (!strcmp(opt, "--pid"))
		return parse_uint(val, 0x7fffffff, &v) ? -EINVAL :
			(o->filter.pid = v, 0);
	if (!strcmp(opt, "--nid"))
		return parse_uint(val, SMM_MAX_NUMNODES - 1, &v) ? -EINVAL :
			(o->filter.host_nid = v, 0);
	if (!strcmp(opt, "--order")) {
		dash = strchr(val, '-');
		if (dash)
			*dash = '\0';
		if (parse_uint(val, SMM_MAX_ORDER - 1, &v))
			return -EINVAL;
		hi = v;
		if (dash && (parse_uint(dash + 1, SMM_MAX_ORDER - 1, &hi) ||
			     hi < v))
			return -EINVAL;
		o->filter.order_lo = v;
		o->filter.order_hi = hi;
		return 0;
	}
	return -ENOENT;
}

int main(int argc, char **argv)
{
	struct smm_replay_opts o;
	struct smm_replay r;
	const char *path = "-";
	char line[4096];
	FILE *in = stdin;
	void *arena;
	int i, ret;

	smm_replay_default_opts(&o);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			print_usage();
			return 0;
		}
		if (!strncmp(argv[i], "--", 2) && argv[i][2]) {
			if (i + 1 == argc) {
				fprintf(stderr, "shadowmm-replay: %s needs a value\n",
					argv[i]);
				return 2;
			}
			ret = parse_opt(&o, argv[i], argv[i + 1]);
			if (ret) {
				fprintf(stderr, "shadowmm-replay: %s %s: %s\n",
					argv[i], argv[i + 1],
					ret == -ENOENT ? "unknown option" :
					"bad value");
				print_usage();
				return 2;
			}
			i++;
			continue;
		}
		path = argv[i];
	}
	if (strcmp(path, "-")) {
		in = fopen(path, "r");
		if (!in) {
			perror(path);
			return 2;
		}
	}
	arena = mmap(NULL, SMM_REPLAY_ARENA, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (arena == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	smm_uarena = arena;
	o.phys_limit = SMM_REPLAY_ARENA;
	if (smm_replay_init(&r, &o, emit_out, emit_err, NULL))
		return 1;
	while (fgets(line, sizeof(line), in)) {
		size_t len = strlen(line);
		int c;

		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			/* longer than any trace line: skip the rest of it */
			while ((c = fgetc(in)) != EOF && c != '\n')
				;
			smm_replay_bad_line(&r, "longer than 4095 bytes");
			continue;
		}
		smm_replay_line(&r, line);
	}
	ret = smm_replay_finish(&r);
	smm_replay_destroy(&r);
	if (in != stdin)
		fclose(in);
	munmap(arena, SMM_REPLAY_ARENA);
	return ret ? 1 : 0;
}
