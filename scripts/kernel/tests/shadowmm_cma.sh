#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Debug lane only (scripts/check-debug.sh boots with numa_cma=0:48M,1:48M):
# region=cma really takes CMA. Every region chunk lies inside one CMA area
# (CMA debugfs base_pfn/count), the chunk of node N in that node's area
# numaN when there is one, each area's `used` rises by exactly the pages
# of the chunks inside it, and falls back on rmmod; and page_owner (the
# debug lane boots page_owner=on) shows every pageblock of every chunk
# allocated, in a pageblock of migratetype CMA.

DIR=$(dirname "$0")
. "$DIR/lib.sh"

CMA=/sys/kernel/debug/cma
PO=/sys/kernel/debug/page_owner

# The page_owner record of the first allocated page at or after pfn $1
# (the file offset is the pfn to start from).
page_owner_at() {
	dd if="$PO" bs=4096 count=1 iflag=skip_bytes skip="$1" 2>/dev/null
}

ktap_print_header
[ -d "$CMA" ] || ktap_skip_all "no CMA debugfs at $CMA (CONFIG_CMA_DEBUGFS)"
AREAS=$(ls "$CMA")
[ -n "$AREAS" ] || ktap_skip_all "no CMA area (boot with cma= or numa_cma=)"
smm_unload
ktap_set_plan 5

for a in $AREAS; do
	ktap_print_msg "area $a: base_pfn $(cat "$CMA/$a/base_pfn") count $(cat "$CMA/$a/count") used $(cat "$CMA/$a/used")"
	eval "used0_$a=$(cat "$CMA/$a/used")"
done

if ! smm_load region=cma; then
	dmesg | grep shadowmm | sed 's/^/# /'
	ktap_exit_fail_msg "insmod region=cma failed"
fi
smm_read region | sed 's/^/# /'

# chunk -> area: "nid start end pages area" lines
smm_read region | awk '/^chunk/ { split($4, r, "-"); print $8, r[1], r[2], $6 }' |
while read -r nid s e pages; do
	s=$((s)); e=$((e)); found=""
	for a in $AREAS; do
		b=$(cat "$CMA/$a/base_pfn"); c=$(cat "$CMA/$a/count")
		if [ "$s" -ge "$b" ] && [ "$e" -le $((b + c)) ]; then
			found=$a
		fi
	done
	echo "$nid $s $e $pages ${found:-none}"
done >/tmp/smm-cma-chunks
sed 's/^/# chunk: nid start end pages area: /' /tmp/smm-cma-chunks

backend=$(smm_read region | awk '/^backend/ { print $2 }')
if [ "$backend" = cma ] && [ -s /tmp/smm-cma-chunks ] &&
   ! grep -q ' none$' /tmp/smm-cma-chunks; then
	ktap_test_pass "every region chunk lies inside a CMA area"
else
	ktap_test_fail "region chunks outside CMA (backend $backend)"
fi

bad=""
while read -r nid s e pages area; do
	[ -d "$CMA/numa$nid" ] || continue
	[ "$area" = "numa$nid" ] || bad="$bad node$nid:$area"
done </tmp/smm-cma-chunks
if [ -z "$bad" ]; then
	ktap_test_pass "each node's chunk comes from its own numa<nid> area"
else
	ktap_test_fail "chunks from another node's area:$bad"
fi

bad=""
for a in $AREAS; do
	want=$(awk -v a="$a" '$5 == a { n += $4 } END { print n + 0 }' /tmp/smm-cma-chunks)
	u0=0; eval "u0=\$used0_$a"
	got=$(($(cat "$CMA/$a/used") - u0))
	ktap_print_msg "area $a: used +$got, region pages in it $want"
	[ "$got" -eq "$want" ] || bad="$bad $a:+$got/$want"
done
if [ -z "$bad" ]; then
	ktap_test_pass "CMA used rose by exactly the region's pages"
else
	ktap_test_fail "CMA used moved wrong:$bad"
fi

# page_owner: "PFN 0x... type Movable Block N type CMA" for the first
# page of each pageblock (alloc_contig_range() allocates order-0 pages).
pb=$(awk '/^Pages per block:/ { print $4; exit }' /proc/pagetypeinfo)
bad=""
checked=0
if [ ! -r "$PO" ] || ! page_owner_at 1 | grep -q '^PFN'; then
	bad=" no page_owner records ($PO: CONFIG_PAGE_OWNER, boot with page_owner=on)"
else
	while read -r nid s e pages area; do
		pfn=$s
		while [ "$pfn" -lt "$e" ]; do
			rec=$(page_owner_at "$pfn" | grep '^PFN')
			want=$(printf 'PFN 0x%x ' "$pfn")
			case $rec in
			"$want"*" Block "*" type CMA "*) ;;
			*) bad="$bad pfn $pfn: '${rec:-no record}'"; break ;;
			esac
			checked=$((checked + 1))
			pfn=$((pfn + pb))
		done
	done </tmp/smm-cma-chunks
fi
ktap_print_msg "page_owner: $checked pageblocks checked"
if [ -z "$bad" ] && [ "$checked" -gt 0 ]; then
	ktap_test_pass "page_owner: every pageblock of the region is allocated and MIGRATE_CMA"
else
	ktap_test_fail "page_owner:$bad"
fi

smm_unload
bad=""
for a in $AREAS; do
	u0=0; eval "u0=\$used0_$a"
	u=$(cat "$CMA/$a/used")
	[ "$u" -eq "$u0" ] || bad="$bad $a:$u0->$u"
done
if [ -z "$bad" ]; then
	ktap_test_pass "rmmod gave every CMA page back"
else
	ktap_test_fail "CMA used after rmmod:$bad"
fi
rm -f /tmp/smm-cma-chunks
ktap_finished
