#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The shadow's buddyinfo, pagetypeinfo, zoneinfo and extfrag files are
# read by the parsers of the kernel's own files: hold them to the layout
# of the running kernel's /proc/buddyinfo, /proc/pagetypeinfo,
# /proc/zoneinfo and debugfs extfrag/. Each line kind gets a regex that
# spells out its printf fields (%6lu is "right-aligned in 6 columns, or
# wider"); the kernel's own lines must match it (so the regex really is
# the kernel's layout) and so must every line of the shadow's file. Where
# the kernels differ in columns (migratetypes: no CMA on Debian; one
# zone more, ZONE_DEVICE, in protection:) the structure is compared, not
# the counts. zoneinfo is compared as the sequence of line kinds of a
# populated and of an empty zone, over the fields the shadow has. The
# kmem-named tracepoints' format files must have the fields of the
# running kernel's kmem events and their print format (page=%p as
# page=%016lx: an id, not a pointer).

DIR=$(dirname "$0")
. "$DIR/lib.sh"

ktap_print_header

if ! [ -r /proc/buddyinfo ] || ! [ -r /proc/zoneinfo ]; then
	ktap_skip_all "no /proc/buddyinfo or /proc/zoneinfo"
fi
smm_require_module
if ! smm_load region=pages; then
	ktap_skip_all "shadowmm does not load (see shadowmm_load.sh)"
fi
[ -r "$SMM_DEBUGFS/buddyinfo" ] ||
	ktap_skip_all "no $SMM_DEBUGFS/buddyinfo: the buddy allocator is not built"

KMEM_EVENTS="mm_page_alloc mm_page_free mm_page_free_batched
mm_page_alloc_zone_locked mm_page_pcpu_drain mm_page_alloc_extfrag"
ktap_set_plan $((19 + $(echo "$KMEM_EVENTS" | wc -w)))

TMP=$(mktemp -d /tmp/smm-formats.XXXXXX)
PROC=${SMM_PROC:-/proc}
cp "$PROC/buddyinfo" "$TMP/k.buddyinfo"
cp "$PROC/zoneinfo" "$TMP/k.zoneinfo"
cat "$PROC/pagetypeinfo" >"$TMP/k.pagetypeinfo" 2>/dev/null
for f in buddyinfo pagetypeinfo zoneinfo free_area check; do
	cat "$SMM_DEBUGFS/$f" >"$TMP/s.$f"
done
KEXTFRAG=${SMM_KERNEL_DEBUGFS:-/sys/kernel/debug}/extfrag
for f in unusable_index extfrag_index; do
	cat "$KEXTFRAG/$f" >"$TMP/k.$f" 2>/dev/null
	cat "$SMM_DEBUGFS/extfrag/$f" >"$TMP/s.$f"
done
# The default layout populates every zone; the real DMA/DMA32/Normal
# boundaries leave some empty (the region lies low in a small guest).
: >"$TMP/s.zoneinfo.real"
: >"$TMP/s.check.real"
smm_unload
if smm_load region=pages zone_layout=real; then
	cat "$SMM_DEBUGFS/zoneinfo" >"$TMP/s.zoneinfo.real"
	cat "$SMM_DEBUGFS/check" >"$TMP/s.check.real"
fi

# spaces N: N blanks
spaces() {
	__sp=""
	__n=$1
	while [ "$__n" -gt 0 ]; do
		__sp="$__sp "
		__n=$((__n - 1))
	done
	printf '%s' "$__sp"
}

# rjust WIDTH CLASS: ERE for printf "%WIDTHs" of a word of CLASS characters
rjust() {
	__r=""
	__i=1
	while [ "$__i" -lt "$1" ]; do
		__r="$__r|$(spaces $(($1 - __i)))$2{$__i}"
		__i=$((__i + 1))
	done
	printf '(%s|%s{%s,})' "${__r#|}" "$2" "$1"
}

NUM6=$(rjust 6 '[0-9]')
NUM12=$(rjust 12 '[0-9]')
NUM4=$(rjust 4 '[0-9]')
STR8=$(rjust 8 '[^ ]')
STR12=$(rjust 12 '[^ ]')

# orders: columns of the kernel's buddyinfo (MAX_ORDER; 11 on x86)
ORDERS=$(awk 'NR == 1 { print NF - 4 }' "$TMP/k.buddyinfo")

RE_BUDDY="^Node [0-9]+, zone $STR8 ($NUM6 ){$ORDERS}\$"
RE_PTI_FREE_HDR="^Free pages count per migrate type at order  ($NUM6 ){$ORDERS}\$"
RE_PTI_TYPE="^Node $NUM4, zone $STR8, type $STR12 (>?$NUM6 ){$ORDERS}\$"
RE_PTI_BLK_HDR="^Number of blocks type  ($STR12 )+\$"
RE_PTI_BLK="^Node [0-9]+, zone $STR8 ($NUM12 )+\$"
RE_ZONE_HDR="^Node [0-9]+, zone $STR8\$"
RE_PROTECTION="^        protection: [(]-?[0-9]+(, -?[0-9]+)*[)]\$"
RE_UNUSABLE="^Node [0-9]+, zone $STR8 ([01][.][0-9]{3} ){$ORDERS}\$"
RE_EXTFRAG="^Node [0-9]+, zone $STR8 ((-1[.]000| [01][.][0-9]{3}| 0[.]-[0-9]{2,3}) ){$ORDERS}\$"

# lines_match DESC REGEX FILE...: each file has lines and all of them match
lines_match() {
	__desc=$1
	__re=$2
	shift 2
	for __f in "$@"; do
		if ! [ -s "$__f" ]; then
			ktap_test_fail "$__desc" "$(basename "$__f") is empty"
			return
		fi
		__bad=$(grep -Ev "$__re" "$__f" | head -n 3 | tr '\n' '|')
		if [ -n "$__bad" ]; then
			ktap_test_fail "$__desc" "$(basename "$__f"): '$__bad'"
			return
		fi
	done
	ktap_test_pass "$__desc"
}

# ---- buddyinfo ----

lines_match "buddyinfo: the kernel's and the shadow's lines are 'Node %d, zone %8s ' + $ORDERS x '%6lu '" \
	"$RE_BUDDY" "$TMP/k.buddyinfo" "$TMP/s.buddyinfo"

# every zone the shadow lists has its line in free_area, with the same totals
bad=$(awk '
	FNR == NR {	# free_area: node N zone Z order O type T nr_free K
		sum[$2 " " $4 " " $6] += $NF
		next
	}
	{
		node = $2; sub(/,/, "", node)
		for (o = 0; o < NF - 4; o++)
			if (sum[node " " $4 " " o] != $(5 + o))
				print "node " node " zone " $4 " order " o ": buddyinfo " \
					$(5 + o) " free_area " sum[node " " $4 " " o]
	}' "$TMP/s.free_area" "$TMP/s.buddyinfo" | head -n 3)
if [ -z "$bad" ]; then
	ktap_test_pass "buddyinfo agrees with the sum of free_area's lists"
else
	ktap_test_fail "buddyinfo agrees with the sum of free_area's lists" "$bad"
fi

# ---- pagetypeinfo ----

# The kind of each line: P S E F T B C; runs of T and C collapsed. (The
# exact layout of each kind is grep -E's job: not every awk has {n}.)
# A kernel booted with page_owner=on (the debug lane) adds a section of
# its own, "Number of mixed blocks" + rows (M C): the shadow has no
# page_owner, so that section is dropped from the kinds.
pti_kinds() {
	awk '
		/^Number of mixed blocks / { k = k "M"; next }
		/^Page block order: [0-9]+$/ { k = k "P"; next }
		/^Pages per block:  [0-9]+$/ { k = k "S"; next }
		/^$/ { k = k "E"; next }
		/^Free pages count per migrate type at order / { k = k "F"; next }
		/^Number of blocks type / { k = k "B"; next }
		/^Node +[0-9]+, zone +[^ ]+, type +[^ ]+ / {
			if (k !~ /T$/)
				k = k "T"
			next
		}
		/^Node [0-9]+, zone +[^ ]+ +[0-9]/ {
			if (k !~ /C$/)
				k = k "C"
			next
		}
		{ k = k "?" }
		END { print k }' "$1" | sed 's/EMC//g'
}

if ! [ -s "$TMP/k.pagetypeinfo" ]; then
	for t in "line kinds" "headers" "free rows" "block rows" "migratetypes"; do
		ktap_test_skip "pagetypeinfo: $t" "/proc/pagetypeinfo unreadable"
	done
else
	kk=$(pti_kinds "$TMP/k.pagetypeinfo")
	sk=$(pti_kinds "$TMP/s.pagetypeinfo")
	if echo "$kk" | grep -Eq '^(PSEFTEBC)+$' &&
	   echo "$sk" | grep -Eq '^(PSEFTEBC)+$'; then
		ktap_test_pass "pagetypeinfo: line kinds, per node: order, pages, blank, free header, free rows, blank, block header, block rows ($sk)"
	else
		ktap_test_fail "pagetypeinfo: line kinds" "kernel $kk shadow $sk"
	fi

	# the first three lines and the free header are the same bytes
	if [ "$(head -n 4 "$TMP/k.pagetypeinfo")" = "$(head -n 4 "$TMP/s.pagetypeinfo")" ] &&
	   grep -Eq "$RE_PTI_FREE_HDR" "$TMP/s.pagetypeinfo"; then
		ktap_test_pass "pagetypeinfo: 'Page block order', 'Pages per block' and the free header are the kernel's"
	else
		ktap_test_fail "pagetypeinfo: headers" \
			"$(head -n 4 "$TMP/s.pagetypeinfo" | tr '\n' '|')"
	fi

	grep -E '^Node +[0-9]+, zone .*, type ' "$TMP/k.pagetypeinfo" >"$TMP/k.pti.type"
	grep -E '^Node +[0-9]+, zone .*, type ' "$TMP/s.pagetypeinfo" >"$TMP/s.pti.type"
	lines_match "pagetypeinfo: free rows are 'Node %4d, zone %8s, type %12s ' + $ORDERS x '%6lu '" \
		"$RE_PTI_TYPE" "$TMP/k.pti.type" "$TMP/s.pti.type"

	grep -E '^Node [0-9]+, zone +[^ ,]+ ' "$TMP/k.pagetypeinfo" >"$TMP/k.pti.blk"
	grep -E '^Node [0-9]+, zone +[^ ,]+ ' "$TMP/s.pagetypeinfo" >"$TMP/s.pti.blk"
	grep -E '^Number of blocks type' "$TMP/k.pagetypeinfo" >"$TMP/k.pti.blkhdr"
	grep -E '^Number of blocks type' "$TMP/s.pagetypeinfo" >"$TMP/s.pti.blkhdr"
	# a block row has one '%12lu ' per migratetype of its header
	kcols=$(awk 'NR == 1 { print NF - 4 }' "$TMP/k.pti.blkhdr")
	scols=$(awk 'NR == 1 { print NF - 4 }' "$TMP/s.pti.blkhdr")
	bad=$(awk -v c="$scols" '{ if (NF - 4 != c) print }' "$TMP/s.pti.blk" | head -n 1)
	if grep -Eq "$RE_PTI_BLK_HDR" "$TMP/k.pti.blkhdr" &&
	   grep -Eq "$RE_PTI_BLK_HDR" "$TMP/s.pti.blkhdr" && [ -z "$bad" ] &&
	   ! grep -Evq "$RE_PTI_BLK" "$TMP/k.pti.blk" &&
	   ! grep -Evq "$RE_PTI_BLK" "$TMP/s.pti.blk" && [ -s "$TMP/s.pti.blk" ]; then
		ktap_test_pass "pagetypeinfo: block header '%-23s' + '%12s ' per type, rows 'Node %d, zone %8s ' + '%12lu ' per type ($kcols vs $scols types)"
	else
		ktap_test_fail "pagetypeinfo: block rows" "$bad"
	fi

	# the kernel's migratetypes, in order, are among the shadow's
	ktypes=$(awk 'NR == 1 { for (i = 5; i <= NF; i++) printf "%s ", $i }' "$TMP/k.pti.blkhdr")
	stypes=$(awk 'NR == 1 { for (i = 5; i <= NF; i++) printf "%s ", $i }' "$TMP/s.pti.blkhdr")
	if awk -v k="$ktypes" -v s="$stypes" 'BEGIN {
		nk = split(k, K, " "); ns = split(s, S, " "); j = 1
		for (i = 1; i <= ns && j <= nk; i++)
			if (S[i] == K[j])
				j++
		exit !(j > nk)
	}'; then
		ktap_test_pass "pagetypeinfo: the kernel's migratetypes ($ktypes) in the shadow's ($stypes)"
	else
		ktap_test_fail "pagetypeinfo: migratetypes" "kernel $ktypes shadow $stypes"
	fi
fi

# ---- zoneinfo ----

grep -E '^Node ' "$TMP/k.zoneinfo" >"$TMP/k.zi.hdr"
grep -E '^Node ' "$TMP/s.zoneinfo" >"$TMP/s.zi.hdr"
lines_match "zoneinfo: zone lines are 'Node %d, zone %8s'" "$RE_ZONE_HDR" \
	"$TMP/k.zi.hdr" "$TMP/s.zi.hdr"

grep -E '^        protection:' "$TMP/k.zoneinfo" >"$TMP/k.zi.prot"
grep -E '^        protection:' "$TMP/s.zoneinfo" >"$TMP/s.zi.prot"
lines_match "zoneinfo: protection lines are '        protection: (%ld, %ld, ...)'" \
	"$RE_PROTECTION" "$TMP/k.zi.prot" "$TMP/s.zi.prot"

# The fields of zoneinfo the shadow has, as line kinds (numbers: N).
cat >"$TMP/kinds" <<'EOF'
Node N, zone Z
  pages free     N
        boost    N
        min      N
        low      N
        high     N
        spanned  N
        present  N
        managed  N
        cma      N
        protection: (LIST)
      nr_free_pages N
  pagesets
    cpu: N
              count: N
              high:  N
              batch: N
  node_unreclaimable:  N
  start_pfn:           N
EOF

# One line per zone: "P" (it has pagesets) or "U", then its line kinds
# that are in the list above, joined by '|'.
zi_zones() {
	awk '
		function flush() {
			if (seq != "")
				print (pop ? "P" : "U") seq
			seq = ""
			pop = 0
		}
		FNR == NR { want[$0] = 1; next }
		{
			l = $0
			if (l ~ /^Node [0-9]+, zone +[^ ]+$/) {
				flush()
				l = "Node N, zone Z"
			} else if (l ~ /^        protection: [(]/) {
				l = "        protection: (LIST)"
			} else {
				gsub(/[0-9]+/, "N", l)
			}
			if (l == "  pagesets")
				pop = 1
			if (l in want)
				seq = seq "|" l
		}
		END { flush() }' "$TMP/kinds" "$1"
}

zi_zones "$TMP/k.zoneinfo" >"$TMP/k.zi.zones"
zi_zones "$TMP/s.zoneinfo" >"$TMP/s.zi.zones"
zi_zones "$TMP/s.zoneinfo.real" >>"$TMP/s.zi.zones"

# zi_compare P|U DESC
zi_compare() {
	__kseq=$(grep "^$1" "$TMP/k.zi.zones" | head -n 1)
	if [ -z "$__kseq" ]; then
		ktap_test_skip "$2" "the kernel has no such zone"
		return
	fi
	if ! grep -q "^$1" "$TMP/s.zi.zones"; then
		ktap_test_skip "$2" "the shadow has no such zone"
		return
	fi
	__bad=$(grep "^$1" "$TMP/s.zi.zones" | grep -vxF "$__kseq" | head -n 1)
	# 6.1 and 6.12 print the same pagesets (6.12's extra zone lines,
	# e.g. "promo", are not in the list): any difference is a failure
	if [ -z "$__bad" ]; then
		ktap_test_pass "$2"
	else
		ktap_test_fail "$2" "kernel $(uname -r) '$__kseq' shadow '$__bad'"
	fi
}

zi_compare P "zoneinfo: a populated zone has the kernel's line kinds, in order"
zi_compare U "zoneinfo: an empty zone has the kernel's line kinds, in order"

# every field of the list is in the shadow's populated zones
grep '^P' "$TMP/s.zi.zones" | head -n 1 | tr '|' '\n' >"$TMP/s.zi.have"
missing=$(grep -vxFf "$TMP/s.zi.have" "$TMP/kinds")
if [ -z "$missing" ]; then
	ktap_test_pass "zoneinfo: a populated zone prints every field of v6.1 the shadow has"
else
	ktap_test_fail "zoneinfo: fields" "missing: $(echo "$missing" | tr '\n' '|')"
fi

# each zone the shadow has is listed once per node, in zone order
order=$(awk '/^Node / { sub(/,/, "", $2); print $2, $4 }' "$TMP/s.zoneinfo" |
	awk '{ z[$1] = z[$1] " " $2 } END { for (n in z) print z[n] }' | sort -u)
if [ "$order" = " DMA DMA32 Normal Movable" ]; then
	ktap_test_pass "zoneinfo: every node lists DMA DMA32 Normal Movable, populated or not"
else
	ktap_test_fail "zoneinfo: zones per node" "$order"
fi

# ---- extfrag ----

if [ -s "$TMP/k.unusable_index" ]; then
	lines_match "extfrag/unusable_index: 'Node %d, zone %8s ' + $ORDERS x '%d.%03d '" \
		"$RE_UNUSABLE" "$TMP/k.unusable_index" "$TMP/s.unusable_index"
	lines_match "extfrag/extfrag_index: 'Node %d, zone %8s ' + $ORDERS x '%2d.%03d '" \
		"$RE_EXTFRAG" "$TMP/k.extfrag_index" "$TMP/s.extfrag_index"
else
	lines_match "extfrag/unusable_index: 'Node %d, zone %8s ' + $ORDERS x '%d.%03d' (no kernel file)" \
		"$RE_UNUSABLE" "$TMP/s.unusable_index"
	lines_match "extfrag/extfrag_index: 'Node %d, zone %8s ' + $ORDERS x '%2d.%03d' (no kernel file)" \
		"$RE_EXTFRAG" "$TMP/s.extfrag_index"
fi

# the same zones, in the same order, in buddyinfo and both extfrag files
zones() { awk '{ print $2, $4 }' "$1"; }
if [ "$(zones "$TMP/s.buddyinfo")" = "$(zones "$TMP/s.unusable_index")" ] &&
   [ "$(zones "$TMP/s.buddyinfo")" = "$(zones "$TMP/s.extfrag_index")" ]; then
	ktap_test_pass "buddyinfo, unusable_index and extfrag_index list the same zones"
else
	ktap_test_fail "the same zones in buddyinfo and extfrag"
fi

# ---- the rest ----

if [ "$(cat "$TMP/s.check")" = "OK" ]; then
	ktap_test_pass "check: OK after boot"
else
	ktap_test_fail "check after boot" "$(head -n 3 "$TMP/s.check" | tr '\n' '|')"
fi
if ! [ -s "$TMP/s.check.real" ]; then
	ktap_test_skip "check: OK after boot with zone_layout=real" "that load failed"
elif [ "$(cat "$TMP/s.check.real")" = "OK" ]; then
	ktap_test_pass "check: OK after boot with zone_layout=real"
else
	ktap_test_fail "check after boot with zone_layout=real" \
		"$(head -n 3 "$TMP/s.check.real" | tr '\n' '|')"
fi

for f in free_area rmqueue_hist fallback_hist alloc_hist rmqueue_trace; do
	cat "$SMM_DEBUGFS/$f" >/dev/null || break
done
if [ "$f" = rmqueue_trace ] && cat "$SMM_DEBUGFS/rmqueue_trace" >/dev/null; then
	ktap_test_pass "free_area, the histograms and rmqueue_trace read"
else
	ktap_test_fail "reading $f"
fi

# ---- the kmem-named tracepoints ----

TR=${SMM_TRACEFS:-/sys/kernel/tracing}
# fmt FORMAT-FILE: its field lines, then its print format's string
fmt() {
	sed -n 's/^[[:space:]]*\(field:.*\)/\1/p' "$1"
	sed -n 's/^print fmt: "\([^"]*\)".*/\1/p' "$1" | sed 's/%p /%016lx /'
}
for ev in $KMEM_EVENTS; do
	if ! [ -r "$TR/events/shadowmm/$ev/format" ]; then
		ktap_test_fail "shadowmm:$ev: no $TR/events/shadowmm/$ev/format"
	elif ! [ -r "$TR/events/kmem/$ev/format" ]; then
		ktap_test_skip "shadowmm:$ev: the fields of kmem:$ev" "no kmem:$ev in $TR"
	else
		fmt "$TR/events/kmem/$ev/format" >"$TMP/k.$ev"
		fmt "$TR/events/shadowmm/$ev/format" >"$TMP/s.$ev"
		if cmp -s "$TMP/k.$ev" "$TMP/s.$ev"; then
			ktap_test_pass "shadowmm:$ev: the $(grep -c '^field:' "$TMP/s.$ev") fields and the print format of kmem:$ev"
		else
			ktap_test_fail "shadowmm:$ev: not the fields and format of kmem:$ev"
			diff "$TMP/k.$ev" "$TMP/s.$ev" | sed 's/^/# /'
		fi
	fi
done

rm -rf "$TMP"
smm_unload
ktap_finished
