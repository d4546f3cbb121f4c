#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Debug lane only (scripts/check-debug.sh boots with numa_cma=0:48M,1:48M):
# region=cma really takes CMA. Every region chunk lies inside one CMA area
# (CMA debugfs base_pfn/count), the chunk of node N in that node's area
# numaN when there is one, each area's `used` rises by exactly the pages
# of the chunks inside it, and falls back on rmmod.

DIR=$(dirname "$0")
. "$DIR/lib.sh"

CMA=/sys/kernel/debug/cma

ktap_print_header
[ -d "$CMA" ] || ktap_skip_all "no CMA debugfs at $CMA (CONFIG_CMA_DEBUGFS)"
AREAS=$(ls "$CMA")
[ -n "$AREAS" ] || ktap_skip_all "no CMA area (boot with cma= or numa_cma=)"
smm_unload
ktap_set_plan 4

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
