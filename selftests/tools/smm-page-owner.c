// SPDX-License-Identifier: GPL-2.0
/*
 * smm-page-owner: which pages of a pfn range the kernel's page_owner still
 * lists as allocated, and since when (selftests/shadowmm_load.sh on kernels
 * booted with page_owner=on). Built static by scripts/mkinitramfs.sh into
 * the initramfs as /usr/bin/smm-page-owner.
 *
 *   smm-page-owner START_PFN END_PFN BEFORE_NS [FILE]
 *
 * Reads FILE (default /sys/kernel/debug/page_owner) from START_PFN: the
 * file's offset is a pfn (mm/page_owner.c: read_page_owner() starts at
 * *ppos and leaves it one past the page it printed, lseek sets it), and
 * each read(2) returns one allocated page's record, head pages of
 * high-order allocations only. Records up to END_PFN (exclusive) whose
 * allocation timestamp ("ts N ns", local_clock(), the clock printk stamps
 * dmesg with) is before BEFORE_NS are pages allocated before that moment
 * and still not freed: printed one a line ("pfn 0x.. order O ts N comm C",
 * the first 16), then a last line
 *   held N pages in M records, K records read
 * Exit 0, or 2 when FILE cannot be read or the arguments are bad.
 *
 * The PFN line is "PFN %lu" in v6.1 and "PFN 0x%lx" in v6.12: strtoul with
 * base 0 reads both.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int parse_u64(const char *s, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || end == s || *end ? -1 : 0;
}

int main(int argc, char **argv)
{
	const char *path = "/sys/kernel/debug/page_owner";
	unsigned long long start, end, before, held = 0, nheld = 0, nread = 0;
	static char buf[8192];
	int fd;

	if (argc < 4 || argc > 5 || parse_u64(argv[1], &start) ||
	    parse_u64(argv[2], &end) || parse_u64(argv[3], &before) ||
	    start >= end) {
		fprintf(stderr, "usage: smm-page-owner START_PFN END_PFN BEFORE_NS [FILE]\n");
		return 2;
	}
	if (argc == 5)
		path = argv[4];
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "smm-page-owner: %s: %s\n", path, strerror(errno));
		return 2;
	}
	/* offset 0 means "from min_low_pfn" to the kernel: 0 is that too */
	if (lseek(fd, (off_t)start, SEEK_SET) < 0) {
		fprintf(stderr, "smm-page-owner: lseek: %s\n", strerror(errno));
		return 2;
	}
	for (;;) {
		unsigned long long ts, pfn;
		unsigned int order;
		char comm[32] = "?";
		const char *p;
		ssize_t n = read(fd, buf, sizeof(buf) - 1);

		if (n < 0) {
			fprintf(stderr, "smm-page-owner: read: %s\n", strerror(errno));
			return 2;
		}
		if (!n)
			break;
		buf[n] = '\0';
		nread++;
		p = strstr(buf, "\nPFN ");
		if (sscanf(buf, "Page allocated via order %u", &order) != 1 || !p ||
		    !strstr(buf, ", ts ")) {
			fprintf(stderr, "smm-page-owner: unexpected record: %.80s\n", buf);
			return 2;
		}
		pfn = strtoull(p + 5, NULL, 0);
		if (pfn >= end)
			break;
		ts = strtoull(strstr(buf, ", ts ") + 5, NULL, 10);
		if (ts >= before)
			continue;
		p = strchr(buf, '(');
		/* "mask %#x(%pGg), pid P, tgid T (COMM), ts": the second '(' */
		p = p ? strchr(p + 1, '(') : NULL;
		if (p)
			sscanf(p + 1, "%31[^)]", comm);
		if (nheld < 16)
			printf("pfn 0x%llx order %u ts %llu comm %s\n", pfn, order,
			       ts, comm);
		nheld++;
		held += 1ULL << order;
	}
	printf("held %llu pages in %llu records, %llu records read\n", held,
	       nheld, nread);
	return 0;
}
