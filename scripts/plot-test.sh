#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# plot-test.sh - host test of scripts/plot (make plot-test, a stage of make
# check; seconds). Feeds it selftests/unit/data/recording.txt, a real
# guest recording (make demo's scripts/record run on 6.1, 2 nodes x 32M,
# trimmed to samples 0, 1, 5 and 9), and checks:
#   - the five PNGs are written, non-empty, with the PNG signature, and
#     their paths printed;
#   - the summary lines match what awk reads from the recording itself
#     (samples, zones, free pages of the last buddyinfo, fallbacks and
#     steals, slab caches): a parser bug fails here;
#   - a recording without some views plots the rest and says why the
#     others were skipped;
#   - the offline replay's output (selftests/unit/data/replay-every.txt)
#     gives the buddyinfo and unusable_index plots, its last free pages
#     those of the guest the replayed log came from;
#   - malformed recordings (not one, truncated, a bad view line, a wrong
#     @done count) exit non-zero with a message naming the problem.
# The last line: "plot: N passed, N failed".
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
plot=$top/scripts/plot
rec=$top/selftests/unit/data/recording.txt
tmp=$(mktemp -d /tmp/smm-plot-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

ok() { echo "ok   $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
check() { # NAME CMD...: pass when CMD succeeds
	local name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name"; fi
}

# The last sample's block of view $1 in recording $2.
last_view() {
	awk -v v="$1" '/^@sample/ { n = 0; delete l } $0 == "@view " v { on = 1; next }
		on && $0 == "@end" { on = 0; next } on { l[++n] = $0 }
		END { for (i = 1; i <= n; i++) print l[i] }' "$2"
}
first_view() {
	awk -v v="$1" '$0 == "@view " v { on = 1; next } on && $0 == "@end" { exit } on' "$2"
}

# --- the recording, whole ---------------------------------------------------
out=$tmp/out.txt
if "$plot" -o "$tmp/png" "$rec" >"$out" 2>&1; then ok "plot exits 0"; else
	fail "plot exits 0"
	cat "$out"
fi

is_png() { # FILE: non-empty, the 8-byte PNG signature
	[ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
}
for p in buddyinfo unusable_index rmqueue_hist fallback_hist slab_orders; do
	check "$p.png is a PNG ($(stat -c %s "$tmp/png/$p.png" 2>/dev/null || echo 0) bytes)" \
		is_png "$tmp/png/$p.png"
	check "$p.png's path printed" grep -qx "wrote $tmp/png/$p.png" "$out"
done

# --- the summaries against awk's reading of the recording -------------------
samples=$(grep -c '^@sample' "$rec")
zones=$(first_view buddyinfo "$rec" | awk '{ sub(",", "", $2); z = z sep $2 "/" $4; sep = "," } END { print z }')
free=$(last_view buddyinfo "$rec" | awk '{ for (i = 5; i <= NF; i++) s += $i * 2 ^ (i - 5) } END { print s }')
want="buddyinfo: $samples samples, zones $zones, last free pages $free"
check "summary: $want" grep -qxF "$want" "$out"

fb=$(last_view fallback_hist "$rec" | awk '/^fallback$|^steal$/ { t = $1; next }
	/^from/ { next } { for (i = 2; i <= NF; i++) s[t] += $i }
	END { printf "fallback %d, steal %d", s["fallback"], s["steal"] }')
want="fallback_hist: $samples samples, last $fb"
check "summary: $want" grep -qxF "$want" "$out"

caches=$(last_view slabinfo "$rec" | grep -vc '^slabinfo\|^#')
want="slabinfo: $samples samples, last $caches caches"
check "summary: $want" grep -qxF "$want" "$out"

blocks=$(last_view rmqueue_hist "$rec" | awk '/^migratetype / { on = 1; next }
	/^pcp_hit/ { on = 0 } on && $1 ~ /^[0-9]+$/ { for (i = 2; i <= NF; i++) s += $i } END { print s }')
check "summary: rmqueue_hist $blocks blocks" grep -q "^rmqueue_hist: $samples samples, last $blocks blocks," "$out"

# --- views left out ---------------------------------------------------------
awk '/^@view / { skip = ($2 != "fallback_hist") } !skip { print } /^@end/ { skip = 0 }' \
	"$rec" >"$tmp/some.txt"
if "$plot" -o "$tmp/some" "$tmp/some.txt" >"$out" 2>&1; then ok "views left out: exit 0"; else
	fail "views left out: exit 0"
fi
check "views left out: buddyinfo.png skipped, saying why" \
	grep -q 'buddyinfo.png skipped: no buddyinfo view' "$out"
check "views left out: slab_orders.png skipped, saying why" \
	grep -q 'slab_orders.png skipped: no slabinfo view' "$out"
check "views left out: fallback_hist.png still written" is_png "$tmp/some/fallback_hist.png"

# --- the offline replay's output ---------------------------------------------
# selftests/unit/data/replay-every.txt: build/shadowmm-replay --every 200 of
# guest-mirror.log, whose last buddyinfo is the guest's (guest-mirror.buddyinfo)
replay=$top/selftests/unit/data/replay-every.txt
if "$plot" -o "$tmp/replay" "$replay" >"$out" 2>&1; then ok "replay output: exit 0"; else
	fail "replay output: exit 0"
	cat "$out"
fi
snaps=$(grep -c '^# after \|^# replay: ' "$replay")
events=$(sed -n 's/^# replay: [0-9]* lines, \([0-9]*\) events.*/\1/p' "$replay")
check "replay output: $snaps samples over $events events" \
	grep -qx "replay: $snaps samples over $events events" "$out"
free=$(awk '{ for (i = 5; i <= NF; i++) s += $i * 2 ^ (i - 5) } END { print s }' \
	"$top/selftests/unit/data/guest-mirror.buddyinfo")
check "replay output: last free pages $free, the guest's" \
	grep -q "^buddyinfo: $snaps samples, .*, last free pages $free\$" "$out"
for p in buddyinfo unusable_index; do
	check "replay output: $p.png is a PNG" is_png "$tmp/replay/$p.png"
done
check "replay output: rmqueue_hist.png skipped, saying why" \
	grep -q 'rmqueue_hist.png skipped: no rmqueue_hist view' "$out"

# --- malformed recordings ---------------------------------------------------
malformed() { # NAME MESSAGE-REGEX: $tmp/bad.txt fails, saying so
	if "$plot" -o "$tmp/bad" "$tmp/bad.txt" >"$out" 2>&1; then
		fail "malformed ($1): exit 0"
	elif grep -q "^plot: .*$2" "$out"; then
		ok "malformed ($1): non-zero exit, '$(head -n 1 "$out")'"
	else
		fail "malformed ($1): no message matching '$2'"
		cat "$out"
	fi
}
sed 1d "$rec" >"$tmp/bad.txt"
malformed "no format line" "not a shadowmm recording"
head -n 200 "$rec" >"$tmp/bad.txt"
malformed "truncated" "truncated"
awk '/^Node 1, zone    DMA32/ && !done { print "Node 1, zone DMA32 7 x 3"; done = 1; next } 1' \
	"$rec" >"$tmp/bad.txt"
malformed "bad buddyinfo line" "buddyinfo: bad number"
sed 's/^@done .*/@done 7/' "$rec" >"$tmp/bad.txt"
malformed "@done count" "@done 7, but $samples samples"
sed '0,/^@end$/s/^@end$/@sample 9 x 0 oops/' "$rec" >"$tmp/bad.txt"
malformed "@sample inside a view" "inside view"
check "malformed: no PNG written" test ! -e "$tmp/bad"

echo "plot: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
