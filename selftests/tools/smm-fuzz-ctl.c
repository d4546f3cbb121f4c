// SPDX-License-Identifier: GPL-2.0
/*
 * smm-fuzz-ctl: the ctl fuzzer of the guest (selftests/shadowmm_fuzz_ctl.sh,
 * make fuzz-ctl). Built static on the host by scripts/mkinitramfs.sh into
 * the initramfs as /usr/bin/smm-fuzz-ctl.
 *
 *   smm-fuzz-ctl [-n WRITES] [-s SEED] [-d DEBUGFS] [-v]
 *
 * Writes WRITES (default 100000) buffers to DEBUGFS/ctl with pwrite(2) at
 * offset 0, from a seeded xorshift generator (the seed is printed: -s SEED
 * replays a run): random bytes of every length 0..300 (and the limit's
 * neighbours 255..257, 4096), NUL bytes inside valid commands, mutations
 * of every valid command (a word dropped, repeated, cut, its value
 * replaced by huge, negative, overflowing or malformed numbers, unknown
 * keys and other commands' keys, stray tabs and newlines, too many
 * words) and valid commands themselves (free all, drain and reset keep
 * the machine usable).
 *
 * The valid commands come from the grammar the module prints (reading
 * DEBUGFS/ctl): each form line with its optional parts in or out, one of
 * its alternatives, its placeholders filled with values that often pass
 * (the shadow's own addresses and pfns, small orders and counts, the
 * FLAG line's gfp words). When the module's grammar cannot be read, the
 * copy in smm-ctl-grammar.h is used, which a host unit test keeps equal
 * to src/ctl.c's table; the first lines say which.
 *
 * After every write it reads the views (SNAP_FILES) and, for a rejected
 * write, compares them with what they were before it: a rejection must
 * change nothing (except an `alloc` failing with ENOMEM, which keeps what
 * it got, as README says, and a `bench` failing with ENOMEM, whose
 * allocations until then moved the counters). Every rejection must be EINVAL, ENOMEM or EBUSY
 * and add a "shadowmm: ctl" line to the kernel log (/dev/kmsg, read
 * non-blocking). Kernel log lines with BUG:/WARNING:/Oops/... count as
 * splats. At the end: `free all`, `drain` (after `reset upto=buddy` when
 * the run left the machine at the memblock stage), then `check` must read
 * OK and buddyinfo must equal the boot's.
 *
 * Commands that would run long are not written (counted as skipped):
 * `stress` with an ms= other than 1..2 decimal digits, `workload` with an
 * ops= other than 1..3 decimal digits, `bench` without a loops= of 1..2
 * digits and a batch= of 1, or with a mirror= (its probes' attach and
 * detach take a grace period each repetition); nor is `mirror on` (the
 * host's allocations would then change the views between writes).
 *
 * Output: the seed, then "writes N accepted N rejected N (EINVAL N ENOMEM
 * N EBUSY N other N) silent N changed N splats N skipped N"; exit 0 when
 * other, silent, changed and splats are 0 and the end checks pass, else 1
 * (each violation printed with its write number and the buffer in hex).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "smm-ctl-grammar.h"

#define MAX_BUF		4200
#define SNAP_MAX	(1 << 20)
#define MAX_REPORTS	20

static const char *const snap_files[] = {
	"buddyinfo", "allocations", "memblock/memory", "memblock/reserved",
	"zonelists", "events",
};

#define NR_SNAP	(sizeof(snap_files) / sizeof(snap_files[0]))

static const char *dir = "/sys/kernel/debug/shadowmm";
static int ctl_fd, kmsg_fd;
static uint64_t rng;
static bool verbose;

static struct {
	unsigned long writes, accepted, rejected, einval, enomem, ebusy, other;
	unsigned long silent, changed, splats, skipped, reports;
} cnt;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned int below(unsigned int n)
{
	return rnd() % n;
}

/* ---- the views ---------------------------------------------------------- */

struct snap {
	char *buf;
	size_t len;
};

static struct snap before, after;

/*
 * The check view's verdict is its last line, "OK" or "FAILED: N
 * violation(s)"; "info:" lines before it (blocks on a foreign
 * migratetype's list after a fallback) are not findings.
 */
static bool check_verdict_ok(const char *chk)
{
	size_t len = strlen(chk);
	const char *last;

	while (len && chk[len - 1] == '\n')
		len--;
	last = chk + len;
	while (last > chk && last[-1] != '\n')
		last--;
	return chk + len - last == 2 && !strncmp(last, "OK", 2);
}

static size_t read_file(const char *name, char *buf, size_t room)
{
	char path[512];
	size_t len = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	while (len < room && (n = read(fd, buf + len, room - len)) > 0)
		len += n;
	close(fd);
	return len;
}

static void snapshot(struct snap *s)
{
	size_t i, n;

	if (!s->buf) {
		s->buf = malloc(SNAP_MAX);
		if (!s->buf) {
			perror("malloc");
			exit(2);
		}
	}
	s->len = 0;
	for (i = 0; i < NR_SNAP; i++) {
		n = snprintf(s->buf + s->len, SNAP_MAX - s->len, "== %s\n",
			     snap_files[i]);
		s->len += n;
		s->len += read_file(snap_files[i], s->buf + s->len,
				    SNAP_MAX - s->len - 1);
	}
}

/* ---- the kernel log ----------------------------------------------------- */

static const char *const splat_words[] = {
	"BUG:", "WARNING:", "Oops", "Call Trace", "general protection",
	"ernel panic", "UBSAN", "KASAN",
};

/* Reads what the log got since the last call; returns its ctl lines. */
static unsigned int kmsg_ctl_lines(void)
{
	char rec[8192];
	unsigned int n = 0, i;
	ssize_t r;

	for (;;) {
		r = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (r < 0 && errno == EPIPE)
			continue;	/* overwritten records: carry on */
		if (r <= 0)
			break;
		rec[r] = '\0';
		if (strstr(rec, ";shadowmm: ctl"))
			n++;
		for (i = 0; i < sizeof(splat_words) / sizeof(splat_words[0]); i++)
			if (strstr(rec, splat_words[i])) {
				cnt.splats++;
				printf("# splat: %s", rec);
				break;
			}
	}
	return n;
}

/* ---- the generator ------------------------------------------------------ */

static char memlo[32] = "0x40000000", memmid[32] = "0x40800000";
static unsigned long pfnlo = 0x40000;

/*
 * The vocabulary: the grammar the module prints (DIR/ctl), or the
 * fallback copy of smm-ctl-grammar.h. Forms are the lines that start with
 * their command word; the indented FLAG line gives the gfp= words; keys
 * are every "key=" of every form.
 */
#define MAX_FORMS	64
#define MAX_KEYS	64
#define MAX_GFP		16

static char *forms[MAX_FORMS], *keys[MAX_KEYS];
static char *gfp_base[MAX_GFP], *gfp_mod[MAX_GFP];
static unsigned int nr_forms, nr_keys, nr_base, nr_mod;

static unsigned int split_words(char *list, char sep, char **out,
				unsigned int max)
{
	const char delim[2] = { sep, '\0' };
	unsigned int n = 0;
	char *p;

	for (p = strtok(list, delim); p && n < max; p = strtok(NULL, delim))
		out[n++] = p;
	return n;
}

/* "... at most one of a|b|c (default kernel), any of d|e|f" */
static void grammar_flags(const char *line)
{
	const char *p = strstr(line, "at most one of ");
	char *list;

	if (p) {
		list = strndup(p + 15, strcspn(p + 15, " ,"));
		nr_base = split_words(list, '|', gfp_base, MAX_GFP);
	}
	p = strstr(line, "any of ");
	if (p) {
		list = strndup(p + 7, strcspn(p + 7, " ,\n"));
		nr_mod = split_words(list, '|', gfp_mod, MAX_GFP);
	}
}

static void grammar_line(const char *line)
{
	const char *p, *k;
	unsigned int i;

	if (line[0] == ' ') {
		if (strstr(line, "FLAG:"))
			grammar_flags(line);
		return;
	}
	if (!line[0] || line[0] < 'a' || line[0] > 'z' || nr_forms == MAX_FORMS)
		return;
	forms[nr_forms++] = strdup(line);
	for (p = strchr(line, '='); p; p = strchr(p + 1, '=')) {
		for (k = p; k > line && k[-1] != ' ' && k[-1] != '['; k--)
			;
		for (i = 0; i < nr_keys; i++)
			if (strlen(keys[i]) == (size_t)(p + 1 - k) &&
			    !strncmp(keys[i], k, p + 1 - k))
				break;
		if (i == nr_keys && nr_keys < MAX_KEYS)
			keys[nr_keys++] = strndup(k, p + 1 - k);
	}
}

static size_t read_file(const char *name, char *buf, size_t room);

static void grammar_load(void)
{
	static char text[32768];
	const char *from = "the module (ctl)";
	char *line, *save;
	size_t n, i;

	n = read_file("ctl", text, sizeof(text) - 1);
	text[n] = '\0';
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		grammar_line(line);
	if (!nr_forms || !nr_base) {
		nr_forms = nr_keys = nr_base = nr_mod = 0;
		for (i = 0; i < SMM_CTL_FALLBACK_LINES; i++)
			grammar_line(smm_ctl_fallback_grammar[i]);
		from = "the fallback table (smm-ctl-grammar.h)";
	}
	printf("# grammar: %u forms, %u keys, %u+%u gfp words, from %s\n",
	       nr_forms, nr_keys, nr_base, nr_mod, from);
}

static const char *pick(const char *const *v, unsigned int n)
{
	return v[below(n)];
}

#define PICK(...) ({							\
	static const char *const __v[] = { __VA_ARGS__ };		\
	pick(__v, sizeof(__v) / sizeof(__v[0]));			\
})

/* gfp=: maybe a base, and up to two modifiers; one word at least */
static void gfp_value(char *out, size_t room)
{
	size_t n = 0;
	unsigned int i, mods = below(3);

	out[0] = '\0';
	if (nr_base && (below(2) || !mods || !nr_mod))
		n += snprintf(out, room, "%s", gfp_base[below(nr_base)]);
	for (i = 0; i < mods && nr_mod && n < room; i++)
		n += snprintf(out + n, room - n, "%s%s", n ? "|" : "",
			      gfp_mod[below(nr_mod)]);
	if (!n)
		snprintf(out, room, "kernel");
}

/*
 * A value for placeholder @ph of @key (key= included), one that often
 * passes: small orders and counts, the shadow's own addresses and pfns.
 */
static void value_for(const char *word, const char *key, const char *ph,
		      char *out, size_t room)
{
#define KEY(k)	(!strcmp(key, k "="))
	if (strstr(ph, "FLAG"))
		gfp_value(out, room);
	else if (KEY("order") && !strcmp(word, "mirror"))
		snprintf(out, room, "%s", PICK("0", "0-3", "2-10"));
	else if (KEY("order"))
		snprintf(out, room, "%u", below(11));
	else if (KEY("count"))
		snprintf(out, room, "%u", 1 + below(16));
	else if (KEY("nid"))
		snprintf(out, room, "%u", below(3));
	else if (KEY("nodes"))
		snprintf(out, room, "%s", PICK("0", "1", "0,1"));
	else if (KEY("seed"))
		snprintf(out, room, "%u", below(100));
	else if (KEY("ops"))
		snprintf(out, room, "%u", 1 + below(999));
	else if (KEY("ms"))
		snprintf(out, room, "%u", 1 + below(9));
	else if ((KEY("size") || KEY("align")) && !strcmp(ph, "SIZE"))
		snprintf(out, room, "%s", PICK("4K", "64K", "8K", "0x2000", "64"));
	else if (KEY("size"))
		snprintf(out, room, "%s", PICK("8", "64", "100", "4096", "9000"));
	else if (KEY("align"))
		snprintf(out, room, "%s", PICK("0", "8", "64"));
	else if (KEY("min"))
		snprintf(out, room, "%s", memlo);
	else if (KEY("max") || KEY("base") || KEY("limit"))
		snprintf(out, room, "%s", memmid);
	else if (KEY("pfn"))
		snprintf(out, room, "0x%lx", pfnlo + below(16));
	else if (KEY("tag"))
		snprintf(out, room, "%s", PICK("ctl", "t1", "t2", "memblock"));
	else if (KEY("name"))
		snprintf(out, room, "%s", PICK("c1", "c2", "kmalloc-64"));
	else if (KEY("reps"))
		snprintf(out, room, "%u", 7 + below(3));
	else if (KEY("loops"))
		snprintf(out, room, "%u", 1 + below(50));
	else if (KEY("batch"))
		snprintf(out, room, "%u", 1 + below(4));
	else if (KEY("cpu"))
		snprintf(out, room, "%u", below(2));
	else if (KEY("comm"))
		snprintf(out, room, "%s", PICK("sh", "zz-none"));
	else
		snprintf(out, room, "%u", below(10));
#undef KEY
}

/* One of "a|b|c" (no brackets in it): a copy in @out */
static void one_of(const char *alts, char *out, size_t room)
{
	char tmp[256], *v[16];
	unsigned int n;

	snprintf(tmp, sizeof(tmp), "%s", alts);
	n = split_words(tmp, '|', v, 16);
	snprintf(out, room, "%s", n ? v[below(n)] : "");
}

/* A command of form @f with its placeholders filled; returns the length. */
static size_t instance(const char *f, char *buf)
{
	char tmp[512], *w[32], val[128], word[64];
	const char *eq;
	unsigned int nw, i;
	size_t n = 0, wl;

	snprintf(tmp, sizeof(tmp), "%s", f);
	nw = split_words(tmp, ' ', w, 32);
	snprintf(word, sizeof(word), "%s", nw ? w[0] : "");
	for (i = 0; i < nw; i++) {
		char *t = w[i];

		wl = strlen(t);
		if (t[0] == '[' && wl > 1 && t[wl - 1] == ']') {
			if (below(2))
				continue;	/* an optional part left out */
			t[wl - 1] = '\0';
			t++;
		}
		eq = strchr(t, '=');
		if (eq) {
			char key[64];
			const char *spec = eq + 1;

			snprintf(key, sizeof(key), "%.*s", (int)(eq + 1 - t), t);
			if (strstr(spec, "FLAG")) {
				value_for(word, key, spec, val, sizeof(val));
			} else {
				one_of(spec, val, sizeof(val));
				if (val[0] >= 'A' && val[0] <= 'Z')
					value_for(word, key, val, val, sizeof(val));
			}
			n += sprintf(buf + n, "%s%s%s", n ? " " : "", key, val);
		} else {
			one_of(t, val, sizeof(val));
			n += sprintf(buf + n, "%s%s", n ? " " : "", val);
		}
	}
	buf[n] = '\0';
	return n;
}

/* A valid command: resets (a boot of the shadow each) are rare. */
static size_t valid_command(char *buf)
{
	unsigned int i, tries;
	bool reset;

	reset = !below(50);
	for (tries = 0; tries < 64; tries++) {
		i = below(nr_forms);
		if ((!strncmp(forms[i], "reset", 5) &&
		     (forms[i][5] == ' ' || !forms[i][5])) == reset)
			break;
	}
	return instance(forms[i], buf);
}

static const char *const numbers[] = {
	"0", "1", "-1", "-0", "+1", "18446744073709551615",
	"18446744073709551616", "99999999999999999999999999", "0x",
	"0xffffffffffffffff", "0x10000000000000000", "4294967295",
	"4294967296", "2147483648", "1K", "1M", "1G", "1T", "16E", "17E",
	"0x1p3", "08", "0b1", "1e9", "", " ", "max", "maxx", "011", "1k",
	"0xFFFFFFFFFFFFF000", "9223372036854775808", "11", "1048577",
	"1,1", "0,0", "0,,1", ",", "7", "1|1",
};

/* odd words beside the grammar's own keys */
static const char *const words[] = {
	"bogus=1", "x", "=", "==", "size=", "=1", "all=1", "exact=1",
	"tag=", "tag=aaaaaaaaaaaaaaaa", "tag=a/b",
	"gfp=", "gfp=|", "gfp=kernel|kernel", "gfp=dma|dma32", "upto=",
	"upto=memmapx", "max", "\t", "\n",
};

/* One mutation of the words of a valid command; returns the length. */
static size_t mutate(char *buf, size_t len)
{
	static char repl[128];
	char *w[64], tmp[MAX_BUF], *p;
	const char *num;
	size_t nw = 0, i, n = 0;
	unsigned int k, j, op;
	char *eq;

	memcpy(tmp, buf, len + 1);
	for (p = strtok(tmp, " "); p && nw < 32; p = strtok(NULL, " "))
		w[nw++] = p;
	if (!nw)
		return len;
	k = below(nw);
	op = below(12);
	switch (op) {
	case 0:		/* drop a word */
		for (i = k; i + 1 < nw; i++)
			w[i] = w[i + 1];
		nw--;
		break;
	case 1:		/* repeat one */
		for (i = nw; i > k; i--)
			w[i] = w[i - 1];
		nw++;
		break;
	case 2:		/* cut a word short */
		w[k][below(strlen(w[k]) + 1)] = '\0';
		break;
	case 3:		/* replace a value */
	case 4:
		eq = strchr(w[k], '=');
		num = numbers[below(sizeof(numbers) / sizeof(numbers[0]))];
		if (eq)
			snprintf(repl, sizeof(repl), "%.*s%s",
				 (int)(eq + 1 - w[k]), w[k], num);
		else
			snprintf(repl, sizeof(repl), "%s", num);
		w[k] = repl;
		break;
	case 5:		/* an odd word in, or a key of another command */
		for (i = nw; i > k; i--)
			w[i] = w[i - 1];
		if (nr_keys && below(2)) {
			snprintf(repl, sizeof(repl), "%s%s", keys[below(nr_keys)],
				 numbers[below(sizeof(numbers) / sizeof(numbers[0]))]);
			w[k] = repl;
		} else {
			w[k] = (char *)words[below(sizeof(words) / sizeof(words[0]))];
		}
		nw++;
		break;
	case 6:		/* flip a byte */
		w[k][below(strlen(w[k]) + 1)] ^= 1 << below(8);
		break;
	case 7:		/* too many words */
		for (j = 0; j < 10 + below(10) && nw < 60; j++) {
			w[nw] = w[below(nw)];
			nw++;
		}
		break;
	case 8:		/* upper case */
		for (p = w[k]; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p -= 32;
		break;
	default:	/* keep the words, mangle the separators below */
		break;
	}
	for (i = 0; i < nw; i++) {
		size_t l = strlen(w[i]);

		if (n + l + 2 >= MAX_BUF - 8)
			break;
		if (i) {
			switch (op == 9 ? below(4) : 0) {
			case 1: buf[n++] = '\t'; break;
			case 2: buf[n++] = '\n'; break;
			case 3: buf[n++] = ' '; buf[n++] = ' '; break;
			default: buf[n++] = ' '; break;
			}
		}
		memcpy(buf + n, w[i], l);
		n += l;
	}
	if (op == 10)
		buf[n++] = '\n';
	if (op == 11) {
		buf[n++] = '\n';
		buf[n++] = '\n';
	}
	buf[n] = '\0';
	return n;
}

static size_t generate(char *buf)
{
	unsigned int kind = below(100), i;
	size_t len;

	if (kind < 25) {	/* random bytes, any length */
		static const unsigned int edge[] = { 0, 1, 255, 256, 257, 4096 };
		bool printable = below(2);

		len = below(4) ? below(301) : edge[below(6)];
		for (i = 0; i < len; i++)
			buf[i] = (char)(printable ? ' ' + below(95) : rnd());
		return len;
	}
	len = valid_command(buf);
	if (kind < 32) {	/* a NUL inside */
		buf[below(len + 1)] = '\0';
		return len + (below(2));
	}
	if (kind < 85)		/* mutations, one or more */
		for (i = 0; i <= below(3) * below(2); i++)
			len = mutate(buf, len);
	if (kind >= 85 && below(2))
		buf[len++] = '\n';
	return len;
}

/* key=value with value 1..@max_digits decimal digits, wherever key= is. */
static bool short_values(const char *buf, size_t len, const char *key,
			 int max_digits)
{
	const char *p = buf;
	size_t kl = strlen(key);
	int d;

	while ((p = memmem(p, len - (p - buf), key, kl))) {
		p += kl;
		for (d = 0; p + d < buf + len && p[d] >= '0' && p[d] <= '9'; d++)
			;
		if (!d || d > max_digits)
			return false;
		if (p + d < buf + len && (p[d] == 'x' || p[d] == 'K' ||
					  p[d] == 'M' || p[d] == 'G' ||
					  p[d] == 'T' || p[d] == 'P' ||
					  p[d] == 'E' || p[d] == 'k'))
			return false;
	}
	return true;
}

/* The first two words, as ctl splits them (blanks, tabs, newlines). */
static void first_words(const char *buf, size_t len, char *w0, char *w1)
{
	size_t i = 0, n;
	char *out[2] = { w0, w1 };
	int k;

	w0[0] = w1[0] = '\0';
	for (k = 0; k < 2; k++) {
		while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n'))
			i++;
		for (n = 0; i < len && n < 15 && buf[i] && buf[i] != ' ' &&
		     buf[i] != '\t' && buf[i] != '\n'; i++)
			out[k][n++] = buf[i];
		out[k][n] = '\0';
	}
}

/*
 * Commands not written: those that would run long, and `mirror on`,
 * after which the host's own allocations change the views between any
 * two writes (a rejection would look like a change).
 */
static bool too_slow(const char *buf, size_t len)
{
	char w0[16], w1[16];

	if (memmem(buf, len, "stress", 6) && !short_values(buf, len, "ms=", 2))
		return true;
	if (memmem(buf, len, "workload", 8) && !short_values(buf, len, "ops=", 3))
		return true;
	first_words(buf, len, w0, w1);
	if (!memchr(buf, '\0', len) && !strcmp(w0, "mirror") && !strcmp(w1, "on"))
		return true;
	/*
	 * bench: loops= of 1..2 digits and batch= of 1, or it takes seconds;
	 * and no mirror=, which attaches and detaches the host's probes
	 * (a grace period each) every repetition
	 */
	if (memmem(buf, len, "bench", 5) &&
	    (!memmem(buf, len, "loops=", 6) || !short_values(buf, len, "loops=", 2) ||
	     !short_values(buf, len, "batch=", 1) || memmem(buf, len, "mirror=", 7)))
		return true;
	return false;
}

/* ---- the run ------------------------------------------------------------ */

static void report(unsigned long nr, const char *buf, size_t len,
		   const char *fmt, ...)
{
	va_list ap;
	size_t i;

	if (cnt.reports++ >= MAX_REPORTS)
		return;
	printf("# write %lu: ", nr);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("; %zu bytes:", len);
	for (i = 0; i < len && i < 300; i++)
		printf(" %02x", (unsigned char)buf[i]);
	printf("\n");
}

/* The first line where the snapshots differ. */
static void show_change(void)
{
	size_t i = 0, line = 0;

	while (i < before.len && i < after.len && before.buf[i] == after.buf[i]) {
		if (before.buf[i] == '\n')
			line = i + 1;
		i++;
	}
	printf("#   before: %.160s\n#   after:  %.160s\n", before.buf + line,
	       after.buf + line);
}

static int ctl(const char *cmd)
{
	return pwrite(ctl_fd, cmd, strlen(cmd), 0) < 0 ? errno : 0;
}

static void one_write(unsigned long nr)
{
	char buf[MAX_BUF + 8];
	size_t len = generate(buf);
	const char *p;
	ssize_t r;
	int err;
	struct snap t;

	if (too_slow(buf, len)) {
		cnt.skipped++;
		return;
	}
	cnt.writes++;
	if (verbose)
		printf("# %lu: %.*s\n", nr, (int)len, buf);
	r = pwrite(ctl_fd, buf, len, 0);
	err = r < 0 ? errno : 0;
	snapshot(&after);
	if (!err) {
		cnt.accepted++;
		kmsg_ctl_lines();
		t = before;
		before = after;
		after = t;
		return;
	}
	cnt.rejected++;
	switch (err) {
	case EINVAL: cnt.einval++; break;
	case ENOMEM: cnt.enomem++; break;
	case EBUSY: cnt.ebusy++; break;
	default:
		cnt.other++;
		report(nr, buf, len, "rejected with errno %d (%s)", err,
		       strerror(err));
	}
	if (!kmsg_ctl_lines()) {
		cnt.silent++;
		report(nr, buf, len, "rejected (%s) without a ctl: log line",
		       strerror(err));
	}
	for (p = buf; p < buf + len && (*p == ' ' || *p == '\t'); p++)
		;
	/*
	 * alloc keeps what it allocated; bench ran until one side had no
	 * block (its attempts moved the counters, it keeps nothing): the
	 * new state either way
	 */
	if (err == ENOMEM && ((!strncmp(p, "alloc", 5) && p + 5 <= buf + len) ||
			      (!strncmp(p, "bench", 5) && p + 5 <= buf + len))) {
		t = before;
		before = after;
		after = t;
		return;
	}
	if (before.len != after.len || memcmp(before.buf, after.buf, before.len)) {
		cnt.changed++;
		report(nr, buf, len, "rejected (%s) but the views changed",
		       strerror(err));
		if (cnt.reports <= MAX_REPORTS)
			show_change();
		t = before;
		before = after;
		after = t;
	}
}

int main(int argc, char **argv)
{
	unsigned long n = 100000, seed = 0, i;
	char boot_buddy[65536], end_buddy[65536], chk[4096], path[512];
	size_t blen, elen, clen;
	bool ok = true, chk_ok;
	int c, err;

	while ((c = getopt(argc, argv, "n:s:d:v")) != -1) {
		switch (c) {
		case 'n': n = strtoul(optarg, NULL, 0); break;
		case 's': seed = strtoul(optarg, NULL, 0); break;
		case 'd': dir = optarg; break;
		case 'v': verbose = true; break;
		default:
			fprintf(stderr, "usage: %s [-n WRITES] [-s SEED] [-d DIR] [-v]\n",
				argv[0]);
			return 2;
		}
	}
	if (!seed)
		seed = (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16);
	rng = seed * 0x9e3779b97f4a7c15ULL | 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# smm-fuzz-ctl: seed %lu writes %lu (replay: -s %lu -n %lu)\n",
	       seed, n, seed, n);

	snprintf(path, sizeof(path), "%s/ctl", dir);
	ctl_fd = open(path, O_WRONLY);
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (ctl_fd < 0 || kmsg_fd < 0) {
		perror("open ctl or /dev/kmsg");
		return 2;
	}
	lseek(kmsg_fd, 0, SEEK_END);

	blen = read_file("memblock/memory", boot_buddy, sizeof(boot_buddy) - 1);
	boot_buddy[blen] = '\0';
	{
		char *x = strstr(boot_buddy, "0x");
		unsigned long long lo = x ? strtoull(x, NULL, 16) : 0x40000000ULL;

		snprintf(memlo, sizeof(memlo), "0x%llx", lo);
		snprintf(memmid, sizeof(memmid), "0x%llx", lo + 0x800000);
		pfnlo = lo >> 12;
	}
	grammar_load();
	blen = read_file("buddyinfo", boot_buddy, sizeof(boot_buddy) - 1);
	boot_buddy[blen] = '\0';
	snapshot(&before);
	kmsg_ctl_lines();

	for (i = 1; i <= n; i++) {
		one_write(i);
		if (i % 1000 == 0)
			printf("# %lu writes, %lu rejected, %lu silent, %lu changed\n",
			       i, cnt.rejected, cnt.silent, cnt.changed);
	}

	err = ctl("free all");
	if (!err)
		err = ctl("drain");
	if (err == EINVAL) {
		printf("# the run ended at the memblock stage: reset upto=buddy\n");
		err = ctl("reset upto=buddy");
		if (!err)
			err = ctl("drain");
	}
	if (err) {
		printf("# free all / drain at the end: %s\n", strerror(err));
		ok = false;
	}
	elen = read_file("buddyinfo", end_buddy, sizeof(end_buddy) - 1);
	end_buddy[elen] = '\0';
	if (elen != blen || memcmp(boot_buddy, end_buddy, blen)) {
		printf("# buddyinfo after free all + drain differs from the boot's:\n%s# boot:\n%s",
		       end_buddy, boot_buddy);
		ok = false;
	}
	clen = read_file("check", chk, sizeof(chk) - 1);
	chk[clen] = '\0';
	chk_ok = check_verdict_ok(chk);
	if (!chk_ok) {
		printf("# check: %s\n", chk);
		ok = false;
	}
	kmsg_ctl_lines();

	printf("# smm-fuzz-ctl: seed %lu writes %lu accepted %lu rejected %lu (EINVAL %lu ENOMEM %lu EBUSY %lu other %lu) silent %lu changed %lu splats %lu skipped %lu; end: buddyinfo %s, check %s\n",
	       seed, cnt.writes, cnt.accepted, cnt.rejected, cnt.einval,
	       cnt.enomem, cnt.ebusy, cnt.other, cnt.silent, cnt.changed,
	       cnt.splats, cnt.skipped,
	       elen == blen && !memcmp(boot_buddy, end_buddy, blen) ? "as booted" : "DIFFERENT",
	       chk_ok ? "OK" : "FAILED");
	if (cnt.other || cnt.silent || cnt.changed || cnt.splats || !ok)
		return 1;
	return 0;
}
