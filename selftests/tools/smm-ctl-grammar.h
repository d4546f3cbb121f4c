/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ctl grammar as the module prints it (`cat DEBUGFS/ctl`,
 * smm_ctl_help() over src/ctl.c's command table): one line a command
 * form, the command word first, then the indented lines saying what FLAG
 * and numbers take. smm-fuzz-ctl reads the grammar from the module and
 * falls back to this copy when it cannot; the host unit test
 * ctl_fuzz_fallback_grammar_is_the_tables (selftests/unit/test_ctl.c)
 * fails when the two differ in any line, so change both together.
 */
#ifndef _SMM_CTL_GRAMMAR_H
#define _SMM_CTL_GRAMMAR_H

static const char *const smm_ctl_fallback_grammar[] = {
	"reset [upto=memmap|buddy]",
	"memblock alloc size=SIZE [align=SIZE] [min=ADDR] [max=ADDR] [nid=N] [exact] [raw]",
	"memblock reserve base=ADDR size=SIZE",
	"memblock free base=ADDR size=SIZE",
	"memblock set [bottom_up=0|1] [limit=ADDR|max]",
	"alloc order=N [count=C] [nid=N] [gfp=FLAG[|FLAG...]] [tag=NAME]",
	"policy default",
	"policy preferred nid=N",
	"policy bind nodes=N[,N...]",
	"policy interleave nodes=N[,N...]",
	"free tag=NAME",
	"free pfn=PFN",
	"free all",
	"drain",
	"verify 0|1",
	"workload seed=S ops=N",
	"stress ms=N [seed=S]",
	"bench order=N [reps=R] [loops=L] [batch=B] [gfp=zero] [cpu=C] [cpus=N] [mirror=on]",
	"bench slab=SIZE [reps=R] [loops=L] [batch=B] [gfp=zero] [cpu=C] [cpus=N]",
	"cache create name=N size=S [align=A] [flags=hwcache|reclaim]",
	"cache destroy name=N",
	"cache alloc name=N [count=C] [nid=N] [tag=T] [gfp=FLAG[|FLAG...]]",
	"cache free tag=T",
	"cache shrink name=N|all",
	"kmalloc size=S [count=C] [nid=N] [gfp=FLAG[|FLAG...]] [tag=T]",
	"kfree tag=T",
	"mirror on [pid=P] [comm=NAME] [order=LO[-HI]] [nid=N]",
	"mirror off",
	"help",
	"  FLAG: at most one of kernel|atomic|nowait|movable (default kernel), any of reclaimable|dma|dma32|high|zero|thisnode",
	"  numbers: decimal or 0x hex, optionally ending in K, M or G",
};

#define SMM_CTL_FALLBACK_LINES \
	(sizeof(smm_ctl_fallback_grammar) / sizeof(smm_ctl_fallback_grammar[0]))

#endif /* _SMM_CTL_GRAMMAR_H */
