// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the offline replay's reader (make -C selftests/unit
 * fuzz): any bytes, cut into lines, into a small fresh machine each time.
 * The reader must count what it cannot read and never crash.
 */
#include <sys/mman.h>

#include "shadowmm/replay.h"

static void discard(void *ctx, const char *fmt, ...)
{
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static char line[4096];
	struct smm_replay_opts o;
	struct smm_replay r;
	size_t i = 0, n;

	if (!smm_uarena) {
		void *a = mmap(NULL, 1ULL << 30, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			       -1, 0);

		if (a == MAP_FAILED)
			abort();
		smm_uarena = a;
	}
	smm_replay_default_opts(&o);
	o.node_size = 8ULL << 20;
	o.entries = 64;
	o.phys_limit = 1ULL << 30;
	if (smm_replay_init(&r, &o, discard, discard, NULL))
		return 0;
	while (i < size) {
		for (n = 0; i + n < size && data[i + n] != '\n' &&
		     n < sizeof(line) - 1; n++)
			line[n] = data[i + n] ? data[i + n] : ' ';
		line[n] = '\0';
		i += n + 1;
		smm_replay_line(&r, line);
	}
	smm_replay_finish(&r);
	smm_replay_destroy(&r);
	return 0;
}
