// SPDX-License-Identifier: GPL-2.0
/*
 * The view `bench`: the last runs of ctl `bench` (src/kernel/bench.c), a
 * line each, oldest first, "key=value" words only (no addresses).
 */
#include "debugfs.h"

static void show_bench(struct seq_file *sf, struct smm_machine *m)
{
	smm_bench_show(smm_seq_emit, sf);
}

const struct smm_dbg_view smm_bench_views[] = {
	{ "bench", show_bench },
	{ }
};
