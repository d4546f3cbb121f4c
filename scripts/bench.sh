#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh - the host's page allocator against the shadow's (make bench).
#
# Usage: scripts/bench.sh [--kernel VER] [--module PATH] [--timeout S]
#                         [--lanes wall,icount,smp,bpftrace]
#
# Boots the guest once a lane, with init_on_alloc=0 (Debian zeroes every
# host page otherwise; the shadow only zeroes on __GFP_ZERO), and runs
# ctl bench (src/kernel/bench.c) there for each shape: orders 0, 1, 3, 4,
# 9 and 10 one at a time, order 0 in batches of 256 (at the default
# geometry and with the pcp batch the host's), order 0 with verify=1 and with
# __GFP_ZERO, with every event on and with the tracepoints compiled out;
# slab objects of 64 and 512 bytes, one at a time and 256 at once; the
# host's order-0 loop with the live mirror on against off; reps=7 each (host and shadow repetitions alternating, on
# CPU 0); the smp lane runs order 0 on one vCPU and on both at once
# (cpus=2), whose figures give the throughput scaling of the host and of
# the shadow.
#
# Lanes:
#   wall    2 vCPUs, the default accelerator of scripts/vm.sh; the clock is
#           wall-clock ns, which spread a lot from one repetition to the
#           next on a busy host (the ratios are taken pair by pair)
#   icount  1 vCPU, tcg,thread=single, qemu -icount shift=0: the guest's
#           clock counts instructions, so the same "ns" are instructions,
#           steady run to run (no cache misses, atomics or contention)
#   smp     2 vCPUs on multi-threaded TCG (a host thread each, so they
#           really run at once; the host's 2 cores are shared with qemu's
#           own threads): wall-clock ns, order 0 only, no init figures
#   bpftrace  as icount, with bpftrace in the guest's image: order 0
#           unattached, then with a bpftrace program attached to every
#           shadowmm tracepoint; no init figures
#
# Prints a table (shape, clock, host and shadow ns a pair as medians,
# the shadow/host ratio min/median/max), the scaling, tracepoints, init
# and metadata tables, and writes build/bench.json: every lane's every
# figure, and each repetition's host, shadow, ratio and scale. Console logs go to
# build/bench-LANE.log. Exit 0, or 1 when a lane failed (its log says
# why), 2 on bad usage. Not a test: no figure is judged.
#
# Options:
#   --kernel VER   guest kernel (default scripts/kver.sh)
#   --module PATH  module built for VER (default <repo>/shadowmm.ko)
#   --timeout S    per boot (default 600)
#   --lanes LIST   comma-separated, default wall,icount,smp,bpftrace
#   -h, --help

set -eu

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
smm_script bench
out="$repo/build"

kver=""
module="$repo/shadowmm.ko"
timeout_s=600
lanes=wall,icount,smp,bpftrace
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel | --module | --timeout | --lanes)
		[ $# -ge 2 ] || bad_usage "$1 needs a value"
		case "$1" in
		--kernel) kver=$2 ;;
		--module) module=$2 ;;
		--timeout) timeout_s=$2 ;;
		--lanes) lanes=$2 ;;
		esac
		shift 2
		;;
	-h | --help) usage; exit 0 ;;
	*) bad_usage "unknown argument '$1'" ;;
	esac
done
for lane in ${lanes//,/ }; do
	case "$lane" in
	wall | icount | smp | bpftrace) ;;
	*) bad_usage "unknown lane '$lane' (wall, icount, smp or bpftrace)" ;;
	esac
done
[ -n "$kver" ] || kver=$("$here/kver.sh")
[ -f "$module" ] || bad_usage "no module at $module (make module)"

# shape: module parameters|ctl arguments|its name in the table. The
# matched shape loads the shadow with one 256M DMA32 zone a node
# (zone_layout=real): its pcp batch is then the host's (15 in the
# guest's 512M node 0 DMA32), where the default 32M zones have batch 1
# and 3, so that the 256-batch compares the same refill and drain sizes.
# ctl arguments starting with "events " run with every shadowmm event
# enabled in tracefs (written to the ring buffer, no reader): the cost of
# the tracepoints attached, against the order-0 shape's unattached ones.
# Those starting with "bpftrace " run with a bpftrace program attached to
# every shadowmm tracepoint, counting its events in a map (BPF_PROG);
# its counts go to the lane's log, and a run in which it counted no
# event fails the lane. The slab shapes time kmem_cache_alloc() and
# kmem_cache_free() on a host cache against the shadow's on one of the
# same object size; the mirror shape times the host's own order-0 loop
# with the live mirror off ("host") and on ("shadow").
# The parameters "notrace" load the module built with -DNOTRACE (every
# tracepoint call compiled out, as <linux/tracepoint.h> makes it;
# build_notrace below): the order-0 shadow figure against the default
# module's is the cost of the tracepoints compiled in and unattached.
SHAPES=(
	"|order=0 loops=10000|order-0"
	"|order=1 loops=10000|order-1"
	"|order=3 loops=10000|order-3"
	"|order=4 loops=5000|order-4"
	"|order=9 loops=1500|order-9"
	"|order=10 loops=1000|order-10"
	"|order=0 batch=256 loops=100|order-0 x256 batch"
	"|order=0 gfp=zero loops=10000|order-0 gfp=zero"
	"|events order=0 loops=10000|order-0 events on"
	"size=256M zone_layout=real|order=0 batch=256 loops=100|x256, matched batch"
	"verify=1|order=0 loops=10000|order-0 verify=1"
	"notrace|order=0 loops=10000|order-0 tracepoints out"
	"|slab=64 loops=10000|slab 64 B"
	"|slab=512 loops=10000|slab 512 B"
	"|slab=64 batch=256 loops=100|slab 64 B x256 batch"
	"|order=0 loops=10000 mirror=on|order-0 mirror on/off"
)
# The smp lane runs order 0 with cpus=2: each repetition on CPU 0 alone,
# then on both at once; 2 x the first figure over the second is the
# throughput scaling, repetition by repetition, the host's the yardstick.
SMP_SHAPES=(
	"|order=0 loops=10000 cpus=2|order-0, 2 CPUs at once"
)

# The bpftrace lane: order 0 unattached, then with bpftrace attached to
# every shadowmm tracepoint, in one boot (bpftrace's ~60 MiB in the
# guest's image would leave node 0 too little for the matched shape).
BPF_SHAPES=(
	"|order=0 loops=10000|order-0"
	"|bpftrace order=0 loops=10000|order-0 bpftrace on"
)

# Does lane $1 time the pipeline's init too?
has_init() {
	[ "$1" = wall ] || [ "$1" = icount ]
}

# The shapes of lane $1, in the order its guest runs them.
lane_shapes() {
	case "$1" in
	smp) printf '%s\n' "${SMP_SHAPES[@]}" ;;
	bpftrace) printf '%s\n' "${BPF_SHAPES[@]}" ;;
	*) printf '%s\n' "${SHAPES[@]}" ;;
	esac
}

# Pipeline init (smm_boot(), from memblock to the slab caches), timed
# by the module at insmod, on the CPU (src/kernel/oncpu.c), for each size per node, INIT_REPS loads a
# size, under each memory model of INIT_MODELS; the table takes the
# least, per region page and per memory-map entry. FLATMEM's map spans
# the holes between the 4 MiB chunks the host hands out (region=pages),
# so its size, and the time, vary with where they lie, boot to boot;
# SPARSEMEM with 4 MiB sections maps the chunks only, so there the map
# has an entry a region page and the growth is the pipeline's own. Every
# size takes region=pages: the default (auto) would take one contig
# chunk a node up to what the guest's movablecore= holds (128M a node),
# 4 MiB chunks above, and the sizes would not compare.
INIT_SIZES="32M 64M 128M 256M"
INIT_REPS=3
INIT_MODELS="flatmem sparsemem4M"

# The module parameters of an INIT_MODELS name.
init_model_params() {
	case "$1" in
	flatmem) echo "region=pages memory_model=flatmem" ;;
	sparsemem4M) echo "region=pages memory_model=sparsemem section_size=4M" ;;
	esac
}

# How many init figures a lane with init figures gives.
init_count() {
	echo $(($(echo "$INIT_SIZES" | wc -w) * INIT_REPS * $(echo "$INIT_MODELS" | wc -w)))
}

# The guest's command: every shape, the module reloaded where a shape's
# parameters change, then the bench view, marked ($D is the guest's).
# The view keeps the last 16 runs: more shapes than that need a dump
# before each reload.
# shellcheck disable=SC2016
guest_cmd() {
	local s params args loaded=none
	printf 'D=/sys/kernel/debug/shadowmm E=/sys/kernel/tracing/events/shadowmm/enable; '
	while read -r s; do
		params=${s%%|*}
		args=${s#*|}
		args=${args%%|*}
		if [ "$params" != "$loaded" ]; then
			[ "$loaded" = none ] ||
				printf 'sed "s/^/SMM-BENCH /" $D/bench; rmmod shadowmm || exit 1; '
			if [ "$params" = notrace ]; then
				printf 'insmod /lib/shadowmm/selftests/shadowmm-notrace.ko || exit 1; '
			else
				printf 'insmod /lib/shadowmm/shadowmm.ko %s || exit 1; ' "$params"
			fi
			loaded=$params
		fi
		case "$args" in
		"bpftrace "*)
			args=${args#bpftrace }
			printf '%s; ' "$(bpftrace_cmd "$args")"
			;;
		"events "*)
			args=${args#events }
			printf 'echo 1 >$E; echo "SMM-BENCH-RUN events %s"; echo "bench %s reps=7" >$D/ctl || exit 1; echo 0 >$E; ' \
				"$args" "$args"
			;;
		*)
			printf 'echo "SMM-BENCH-RUN %s %s"; echo "bench %s reps=7" >$D/ctl || exit 1; ' \
				"$params" "$args" "$args"
			;;
		esac
	done < <(lane_shapes "$1")
	printf 'sed "s/^/SMM-BENCH /" $D/bench; rmmod shadowmm || exit 1; '
	# the smp and bpftrace lanes have no init figures
	if has_init "$1"; then
		for model in $INIT_MODELS; do
			for s in $(for z in $INIT_SIZES; do for _ in $(seq "$INIT_REPS"); do echo "$z"; done; done); do
				printf 'insmod /lib/shadowmm/shadowmm.ko size=%s %s || exit 1; ' "$s" "$(init_model_params "$model")"
				printf 'dmesg | sed -n "s/.*shadowmm: boot: \\([0-9]*\\) pages (memory map \\([0-9]*\\)) in \\([0-9]*\\) ns.*/SMM-INIT size=%s model=%s pages=\\1 memmap=\\2 ns=\\3/p" | tail -n 1; ' "$s" "$model"
				printf 'dmesg | sed -n "s/.*shadowmm: metadata: \\([0-9.]*\\) bytes a page: memory map \\([0-9]*\\), pageblock bits \\([0-9]*\\), section table \\([0-9]*\\) bytes for \\([0-9]*\\) pages$/SMM-META size=%s model=%s per_page=\\1 memmap_bytes=\\2 usemap_bytes=\\3 section_bytes=\\4 pages=\\5/p" | tail -n 1; ' "$s" "$model"
				printf 'rmmod shadowmm || exit 1; '
			done
		done
	fi
	printf 'echo SMM-BENCH-DONE\n'
}

# The guest's command for a bpftrace shape with ctl arguments $1: the
# program started in the background, waited for until its BEGIN has run
# (its probes are attached then; at most 120 s under TCG), the bench, then
# SIGINT, which makes it print its counts (marked SMM-BT).
# shellcheck disable=SC2016
bpftrace_cmd() {
	local prog='BEGIN { printf("SMM-BT-READY\n"); } tracepoint:shadowmm:* { @[probe] = count(); }'

	printf "bpftrace -e '%s' >/tmp/bt.out 2>&1 & bt=\$!; " "$prog"
	printf '%s' 'i=0; until grep -q SMM-BT-READY /tmp/bt.out; do i=$((i + 1)); [ $i -le 600 ] || { cat /tmp/bt.out; exit 1; }; sleep 0.2; done; '
	printf 'echo "SMM-BENCH-RUN bpftrace %s"; echo "bench %s reps=7" >$D/ctl || exit 1; ' "$1" "$1"
	printf '%s' 'kill -INT $bt; wait $bt; sed "s/^/SMM-BT /" /tmp/bt.out'
}

# The same module with every tracepoint call compiled out (-DNOTRACE),
# built from a copy of this tree's sources in $out/notrace (so with
# --module PATH, PATH must be this tree's module for the comparison to
# hold) and shipped to the guest as /lib/shadowmm/selftests/shadowmm-notrace.ko.
build_notrace() {
	local src="$out/notrace/src" kdir="/lib/modules/$kver/build"

	rm -rf "$out/notrace"
	mkdir -p "$src" "$out/notrace/ko"
	cp -r "$repo/Kbuild" "$repo/dkms.conf" "$repo/include" "$repo/src" "$repo/debugfs" "$src/"
	find "$src" \( -name '*.o' -o -name '*.cmd' \) -delete
	log "building the module with tracepoints compiled out ($out/notrace)"
	make -s -C "$kdir" M="$src" KCFLAGS="-DNOTRACE -Werror" modules >"$out/notrace/build.log" 2>&1 ||
		{ log "the -DNOTRACE build failed (see $out/notrace/build.log)"; return 1; }
	cp "$src/shadowmm.ko" "$out/notrace/ko/shadowmm-notrace.ko"
}

run_lane() {
	local lane=$1 logf="$out/bench-$1.log" rc=0 n nshapes
	local args=(run --kernel "$kver" --module "$module"
		--timeout "$timeout_s" --append init_on_alloc=0
		--log "$logf" --dmesg "$out/bench-$lane-dmesg.txt")
	local envs=()
	! lane_shapes "$lane" | grep -q '^notrace|' ||
		args+=(--extra-tests "$out/notrace/ko")
	# bpftrace in the guest's image only for a lane that runs it (~5 s)
	lane_shapes "$lane" | grep -q '^[^|]*|bpftrace ' || args+=(--no-bpftrace)
	case "$lane" in
	wall) args+=(--cpus 2) ;;
	smp)
		# both vCPUs really at once: multi-threaded TCG, safe here as
		# no tracepoint is toggled (see scripts/vm.sh)
		args+=(--cpus 2)
		envs=("SMM_QEMU_ACCEL=tcg,thread=multi")
		;;
	icount | bpftrace)
		args+=(--cpus 1 --qemu-arg -icount --qemu-arg shift=0)
		envs=("SMM_QEMU_ACCEL=tcg,thread=single")
		;;
	*) bad_usage "unknown lane '$lane' (wall, icount, smp or bpftrace)" ;;
	esac
	nshapes=$(lane_shapes "$lane" | wc -l)
	lane_shapes "$lane" | sed "s/^/$lane /" >>"$out/bench.names"
	log "lane $lane: booting (timeout ${timeout_s}s), $nshapes shapes"
	env ${envs[@]+"${envs[@]}"} "$here/vm.sh" "${args[@]}" -- "$(guest_cmd "$lane")" |
		grep --line-buffered -E '^\[vm\] (error|initramfs)|SMM-BENCH-RUN|error' |
		sed -u "s/^/[bench] $lane: /"
	rc=${PIPESTATUS[0]}
	[ "$rc" -eq 0 ] || log "lane $lane: the guest exited with $rc (see $logf)"
	tr -d '\r' <"$logf" | sed -n "s/^SMM-BENCH \(order=.*\)/$lane \1/p" >>"$out/bench.lines"
	tr -d '\r' <"$logf" | sed -n "s/^SMM-INIT \(size=.*\)/$lane \1/p" >>"$out/bench.init"
	tr -d '\r' <"$logf" | sed -n "s/^SMM-META \(size=.*\)/$lane \1/p" >>"$out/bench.meta"
	n=$(grep -c "^$lane " "$out/bench.lines" || true)
	if lane_shapes "$lane" | grep -q '^[^|]*|bpftrace ' &&
	   ! tr -d '\r' <"$logf" | grep -Eq '^SMM-BT @\[tracepoint:shadowmm:[a-z_]+\]: [1-9]'; then
		log "lane $lane: bpftrace counted no shadowmm event (see $logf)"
		return 1
	fi
	if [ "$rc" -ne 0 ] || [ "$n" -ne "$nshapes" ]; then
		log "lane $lane: $n of $nshapes results (see $logf)"
		return 1
	fi
	n=$(grep -c "^$lane " "$out/bench.init" || true)
	if has_init "$lane" && [ "$n" -ne "$(init_count)" ]; then
		log "lane $lane: $n init figures of $(init_count) (see $logf)"
		return 1
	fi
	log "lane $lane: done"
}

mkdir -p "$out"
: >"$out/bench.lines"
: >"$out/bench.names"
: >"$out/bench.init"
: >"$out/bench.meta"
t0=$(date +%s)
failed=0
# the -DNOTRACE module: for the lanes whose shapes load it
for lane in ${lanes//,/ }; do
	if lane_shapes "$lane" | grep -q '^notrace|'; then
		build_notrace || exit 1
		break
	fi
done
for lane in ${lanes//,/ }; do
	run_lane "$lane" || failed=1
done

# Each run with its shape: "LANE|NAME|PARAMS|key=value ..." a line, in
# bench.runs (a lane's result lines come in its shapes' order; a lane cut
# short has fewer). Every table and the JSON below read it, splitting the
# figures with kv() ($KV, prepended to their awk programs).
awk '
	FNR == NR {
		l = $1
		sub(/^[^ ]* /, "")
		split($0, p, "|")
		k = l SUBSEP (++defined[l])
		name[k] = p[3]; param[k] = p[1]
		next
	}
	{
		k = $1 SUBSEP (++seen[$1])
		l = $1
		sub(/^[^ ]* /, "")
		printf "%s|%s|%s|%s\n", l, name[k], param[k], $0
	}' "$out/bench.names" "$out/bench.lines" >"$out/bench.runs"
# shellcheck disable=SC2016
KV='function kv(s, v,    f, n, i, e) {
	split("", v)
	n = split(s, f, " ")
	for (i = 1; i <= n; i++) {
		e = index(f[i], "=")
		if (e) v[substr(f[i], 1, e - 1)] = substr(f[i], e + 1)
	}
}
function clock(lane) { return lane == "icount" || lane == "bpftrace" ? "instr" : "wall" }
'

# The table: one row a shape and lane.
printf '\n%-24s %-6s %13s %13s  %s\n' shape clock "host ns/pair" "shadow ns/pair" \
	"shadow/host min/med/max"
awk -F'|' "$KV"'{
	kv($4, v)
	printf "%-24s %-6s %13s %14s  %.3f/%.3f/%.3f\n", $2, clock($1), v["host_ns_med"],
	       v["shadow_ns_med"], v["ratio_min"] / 1000, v["ratio_med"] / 1000,
	       v["ratio_max"] / 1000
}' "$out/bench.runs"

# Init: per lane, memory model and size, ns (instructions on the icount
# lane) a page and a map entry, of the least of its loads (the map that
# load had), and the growth from the size before: of the time (a
# doubling: 2.0 when linear), and of the time a map entry doubled
# ("/entry": 2.0 when linear in the map, which under flatmem spans the
# holes between the host's chunks, so it can grow faster than the region).
# No table (not even its header) when no lane that times init ran.
[ ! -s "$out/bench.init" ] ||
	printf '\n%-8s %-11s %-6s %8s %8s %14s %8s %9s %7s %7s  %s\n' init model clock pages "map" \
		"least ns" "ns/page" "ns/entry" growth /entry "all loads"
awk '{
	for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	k = $1 " " v["model"] " " v["size"]
	if (!(k in least)) order[++n] = k
	if (!(k in least) || v["ns"] + 0 < least[k]) {
		least[k] = v["ns"] + 0; pages[k] = v["pages"]; map[k] = v["memmap"]
	}
	all[k] = all[k] (all[k] == "" ? "" : ",") v["ns"]
}
END {
	for (i = 1; i <= n; i++) {
		k = order[i]; split(k, f, " ")
		g = ge = "-"
		if (f[1] " " f[2] == set && prev > 0) {
			g = sprintf("%.2f", least[k] / prev)
			ge = sprintf("%.2f", 2 * (least[k] / prev) / (map[k] / prevmap))
		}
		printf "%-8s %-11s %-6s %8s %8s %14s %8.1f %9.1f %7s %7s  %s\n", f[3], f[2],
		       f[1] == "icount" ? "instr" : "wall", pages[k], map[k], least[k],
		       least[k] / pages[k], least[k] / map[k], g, ge, all[k]
		set = f[1] " " f[2]; prev = least[k]; prevmap = map[k]
	}
}' "$out/bench.init"

# Metadata: the per-page tables (the memory map, holes included; the
# pageblock bits; SPARSEMEM's section table) over the region's pages, a
# size and memory model each (the first load's: under flatmem the holes,
# and so the map, vary load to load).
[ ! -s "$out/bench.meta" ] ||
	printf '\n%-8s %-11s %8s %10s %12s %14s %14s\n' metadata model pages "bytes/page" "memory map" \
		"pageblock bits" "section table"
awk '{
	for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	k = v["model"] " " v["size"]
	if (k in seen) next
	seen[k] = 1
	printf "%-8s %-11s %8s %10s %12s %14s %14s\n", v["size"], v["model"], v["pages"],
	       v["per_page"], v["memmap_bytes"], v["usemap_bytes"], v["section_bytes"]
}' "$out/bench.meta"

# Scaling, from the cpus=N lines: N x the CPU's figure alone over the
# figure with all N at once (throughput), the host's, the shadow's, and
# the shadow's over the host's, each the median of its repetitions'.
awk -F'|' "$KV"'{
	kv($4, v)
	if (v["cpus"] > 1)
		printf "%s cpus=%d host=%.3f shadow=%.3f ratio_min=%.3f ratio_med=%.3f ratio_max=%.3f\n",
		       $1, v["cpus"], v["host_scale_med"] / 1000, v["shadow_scale_med"] / 1000,
		       v["scale_min"] / 1000, v["scale_med"] / 1000, v["scale_max"] / 1000
}' "$out/bench.runs" >"$out/bench.scaling"
if [ -s "$out/bench.scaling" ]; then
	printf '\n%-8s %-6s %5s %9s %9s  %s\n' scaling clock cpus "host x" "shadow x" \
		"shadow/host min/med/max"
	awk '{
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "%-8s %-6s %5s %9s %9s  %s/%s/%s\n", "order-0", $1 == "icount" || $1 == "bpftrace" ? "instr" : "wall",
		       v["cpus"], v["host"], v["shadow"], v["ratio_min"], v["ratio_med"], v["ratio_max"]
	}' "$out/bench.scaling"
fi

# The tracepoints, on the order-0 shadow figure of each lane that has
# one: compiled in and unattached over the -DNOTRACE module's (cost),
# then every event on in tracefs and bpftrace attached to every one, each
# over the unattached figure of its own boot (null where the lane has
# no such shape).
awk -F'|' "$KV"'
	{
		n = $2
		kv($4, v)
		if (n == "order-0") on[$1] = v["shadow_ns_med"]
		if (n == "order-0 tracepoints out") off[$1] = v["shadow_ns_med"]
		if (n == "order-0 events on") ev[$1] = v["shadow_ns_med"]
		if (n == "order-0 bpftrace on") bt[$1] = v["shadow_ns_med"]
	}
	function num(x) { return x > 0 ? x : "null" }
	function pct(x, o) { return x > 0 && o > 0 ? sprintf("%.2f", (x / o - 1) * 100) : "null" }
	END {
		for (l in on)
			if ((l in off) || (l in ev) || (l in bt))
				printf "%s compiled_in=%s compiled_out=%s cost_pct=%s events=%s events_pct=%s bpftrace=%s bpftrace_pct=%s\n",
				       l, on[l], num(off[l]), pct(on[l], off[l]), num(ev[l]),
				       pct(ev[l], on[l]), num(bt[l]), pct(bt[l], on[l])
	}' "$out/bench.runs" | sort >"$out/bench.tracepoints"
if [ -s "$out/bench.tracepoints" ]; then
	printf '\n%-20s %-8s %9s %9s %8s %9s %8s %9s %8s\n' "tracepoints, order-0" lane \
		"out" "in" "in/out" "tracefs" "/in" "bpftrace" "/in"
	awk '
	function p(x) { return x == "null" ? "-" : x "%" }
	function d(x) { return x == "null" ? "-" : x }
	{
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "%-20s %-8s %9s %9s %8s %9s %8s %9s %8s\n", "shadow ns/pair", $1,
		       d(v["compiled_out"]), v["compiled_in"], p(v["cost_pct"]), d(v["events"]),
		       p(v["events_pct"]), d(v["bpftrace"]), p(v["bpftrace_pct"])
	}' "$out/bench.tracepoints"
fi

# build/bench.json: {"kernel": "...", "runs": [{"lane": "...", "shape":
# "...", "params": "...", "key": number or [numbers], ...}, ...],
# "scaling": [...], "tracepoints": [...], "init": [...], "metadata": [...]}
awk -F'|' -v kver="$kver" '
	BEGIN { printf "{\n  \"kernel\": \"%s\",\n  \"runs\": [", kver }
	{
		printf "%s\n    {\"lane\": \"%s\", \"shape\": \"%s\", \"params\": \"%s\"",
		       (NR > 1 ? "," : ""), $1, $2, $3
		n = split($4, f, " ")
		for (i = 1; i <= n; i++) {
			key = substr(f[i], 1, index(f[i], "=") - 1)
			val = substr(f[i], index(f[i], "=") + 1)
			if (val ~ /,/ || key == "host_ns" || key == "shadow_ns" || key == "ratio" ||
			    key == "scale")
				val = "[" val "]"
			printf ", \"%s\": %s", key, val
		}
		printf "}"
	}
	END { print "\n  ]," }' "$out/bench.runs" >"$out/bench.json"

# One JSON array of lines "LANE key=value ...", as "NAME": [...]; the
# size and the model are strings, every other value a number.
json_array() {
	awk -v name="$1" -v last="${3:-}" '
		BEGIN { printf "  \"%s\": [", name }
		{
			printf "%s\n    {\"lane\": \"%s\"", (NR > 1 ? "," : ""), $1
			for (i = 2; i <= NF; i++) {
				split($i, kv, "=")
				printf ", \"%s\": %s", kv[1],
				       kv[1] == "size" || kv[1] == "model" ? "\"" kv[2] "\"" : kv[2]
			}
			printf "}"
		}
		END { print "\n  ]" (last ? "" : ",") }' "$2"
}
{
	json_array scaling "$out/bench.scaling"
	json_array tracepoints "$out/bench.tracepoints"
	json_array init "$out/bench.init"
	json_array metadata "$out/bench.meta" last
	echo "}"
} >>"$out/bench.json"
rm -f "$out/bench.lines" "$out/bench.names" "$out/bench.runs" "$out/bench.scaling" "$out/bench.tracepoints" \
	"$out/bench.init" \
	"$out/bench.meta"
log "build/bench.json written; ratios are shadow/host (below 1: the shadow is faster)"
log "total $(($(date +%s) - t0))s"
exit "$failed"
