#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm.sh - boot Debian's kernel in QEMU (TCG) with the shadowmm initramfs.
#
# Usage:
#   scripts/vm.sh run   [options] -- 'SHELL CMD'
#   scripts/vm.sh shell [options] [-- 'SHELL CMD']
#
# run    builds the initramfs (scripts/mkinitramfs.sh; the big cached part is
#        reused), boots the guest, runs CMD with busybox sh in /root (stdin
#        /dev/null), streams the console to stdout as it arrives, and exits
#        with CMD's status. The guest's dmesg (dumped after CMD) is written
#        to build/vm/last-dmesg.txt, the whole console to
#        build/vm/last-console.log (paths printed at the end).
# shell  interactive busybox sh on the serial console (job control, Ctrl-C
#        goes to the guest), after running CMD if one is given. Leave with
#        `poweroff`, `exit` or Ctrl-D; Ctrl-A x kills qemu. No timeout.
#
# Options:
#   --mem MIB            memory per NUMA node, MiB (default 512)
#   --nodes N            NUMA nodes (default 2)
#   --cpus N             CPUs, one socket each, socket i on node i % N
#                        (default 2)
#   --dist 'A-B=V,...'   NUMA distances between nodes (SLIT); pairs not
#                        listed are 20 (default: all 20)
#   --movablecore SIZE   movablecore= value, or "none" (default 256M: with
#                        2 x 512 MiB each node gets a ZONE_MOVABLE); also
#                        left out when --append has movablecore= already
#   --append 'ARGS'      more kernel command-line words
#   --timeout SECONDS    run: kill the guest after this long (default 300)
#   --kernel VER         kernel version (default: scripts/kver.sh, i.e.
#                        $KERNEL or the newest 6.1 with headers)
#   --kernel-image PATH  boot this bzImage instead of /boot/vmlinuz-VER
#   --module PATH        module to install (default $SMM_MODULE, else
#                        <repo>/shadowmm.ko); its vermagic must match VER
#   --no-module          boot without the module
#   --no-bpftrace        leave bpftrace/kmod/bash out (boots ~5 s faster)
#   --extra-tests DIR    copy DIR's files into /lib/shadowmm/selftests too
#   --kselftest DIR      a kselftest install tree to /lib/shadowmm/kselftest
#                        (scripts/mkinitramfs.sh --kselftest)
#   --machine TYPE       qemu machine (default pc)
#   --cpu MODEL          qemu CPU model (default qemu64)
#   --qemu-arg ARG       one more qemu argument, appended as is (repeat for
#                        more: --qemu-arg -icount --qemu-arg shift=0)
#   --log FILE           console log (default WORKDIR/last-console.log)
#   --dmesg FILE         dmesg dump (default WORKDIR/last-dmesg.txt)
#   --workdir DIR        where the initramfs and logs go (default build/vm;
#                        when another run holds build/vm's lock, a private
#                        build/vm/run.PID, its big files removed at exit)
#   --show-dmesg         also print the dmesg dump on stdout (it is always
#                        in the console log and the dmesg file)
#   -h, --help           this text
#
# Kernel command line: console=ttyS0 panic=-1 oops=panic softlockup_panic=1
# loglevel=4 log_buf_len=4M movablecore=256M, then --append. With qemu's
# -no-reboot a panic (or oops, or a CPU stuck past the soft-lockup
# threshold) ends qemu at once, with the stuck CPU's stack on the console,
# instead of waiting out the boot's timeout.
#
# TCG runs single-threaded (-accel tcg,thread=single; SMM_QEMU_ACCEL
# overrides it): under QEMU 7.2's multi-threaded TCG, a vCPU executing a
# kernel jump label while the other patches it (any tracepoint enabled or
# disabled under load: the mirror's probes, tracefs, bpftrace) can keep
# running its stale translation of the int3, and kprobes' "int3 already
# gone" retry loops it there forever. Toggling kmem:mm_page_* from tracefs
# under a dd loop hung 2 of 2 multi-threaded boots (after 17 and 19
# toggles) and 0 of 4 single-threaded ones (60 toggles each):
# scripts/qemu-toggle-repro.sh reproduces it.
#
# Guest paths: /lib/shadowmm/shadowmm.ko, /lib/shadowmm/selftests/ (the repo's
# selftests/ without unit/), /lib/shadowmm/bpftrace/*.bt, /usr/bin/bpftrace.
# debugfs is at /sys/kernel/debug, tracefs at /sys/kernel/tracing.
#
# Exit status (run):
#   0-255  CMD's exit status, read from the guest's "SMM-EXIT <status>" line
#   124    timeout: the guest was killed after --timeout seconds
#   125    the guest ended without printing SMM-EXIT (panic, oops, triple
#          fault, CMD powered it off ...): see the console log
#   126    host-side failure: no kernel, no module, initramfs or qemu failed
#   2      bad usage
# A CMD exiting 124..126 itself is told apart by the "[vm] ..." line printed
# at the end. shell: 0, or 126 on a host-side failure.

set -eu

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
smm_script vm
vmdir="$repo/build/vm"

die() { err "$*"; exit 126; }

[ $# -ge 1 ] || { usage; exit 2; }
case "$1" in
run | shell) mode=$1; shift ;;
-h | --help) usage; exit 0 ;;
*) bad_usage "first argument must be 'run' or 'shell', not '$1'" ;;
esac

mem=512
nodes=2
cpus=2
dist=""
movablecore=256M
append=""
timeout_s=300
kver=""
kimage=""
module="${SMM_MODULE:-$repo/shadowmm.ko}"
no_module=0
no_bpftrace=0
extra_tests="${SMM_EXTRA_TESTS:-}"
kselftest=""
machine=pc
cpu_model=qemu64
workdir=""
logfile=""
dmesgfile=""
show_dmesg=0
cmd=""
qemu_extra=()

is_uint() { case "$1" in '' | *[!0-9]*) return 1 ;; *) return 0 ;; esac; }

while [ $# -gt 0 ]; do
	case "$1" in
	--mem | --nodes | --cpus | --dist | --movablecore | --append | --timeout | \
		--kernel | --kernel-image | --module | --extra-tests | --kselftest | --machine | --cpu | \
		--log | --dmesg | --workdir | --qemu-arg)
		[ $# -ge 2 ] || bad_usage "$1 needs a value"
		opt=$1 val=$2
		shift 2
		case "$opt" in
		--mem) mem=$val ;;
		--nodes) nodes=$val ;;
		--cpus) cpus=$val ;;
		--dist) dist=$val ;;
		--movablecore) movablecore=$val ;;
		--append) append="$append $val" ;;
		--timeout) timeout_s=$val ;;
		--kernel) kver=$val ;;
		--kernel-image) kimage=$val ;;
		--module) module=$val ;;
		--extra-tests) extra_tests=$val ;;
		--kselftest) kselftest=$val ;;
		--machine) machine=$val ;;
		--cpu) cpu_model=$val ;;
		--log) logfile=$val ;;
		--dmesg) dmesgfile=$val ;;
		--workdir) workdir=$val ;;
		--qemu-arg) qemu_extra+=("$val") ;;
		esac
		;;
	--no-module) no_module=1; shift ;;
	--no-bpftrace) no_bpftrace=1; shift ;;
	--show-dmesg) show_dmesg=1; shift ;;
	-h | --help) usage; exit 0 ;;
	--) shift; cmd="$*"; break ;;
	-*) bad_usage "unknown option '$1'" ;;
	*) cmd="$*"; break ;;
	esac
done

for v in mem nodes cpus timeout_s; do
	if ! is_uint "${!v}" || [ "${!v}" -eq 0 ]; then
		bad_usage "--${v%_s} must be a positive integer, not '${!v}'"
	fi
done
if [ "$mode" = run ] && [ -z "$cmd" ]; then
	bad_usage "run needs a command: $0 run [options] -- 'CMD'"
fi

# --- kernel ---------------------------------------------------------------
if [ -z "$kver" ]; then
	kver=$("$here/kver.sh") || die "no usable kernel (see above); run scripts/setup.sh"
fi
if [ -z "$kimage" ]; then
	kimage="/boot/vmlinuz-$kver"
	[ -e "$kimage" ] || die "$kimage not found (linux-image-$kver not installed?)"
fi
[ -r "$kimage" ] || die "$kimage is not readable by $(id -un): run as root, or: sudo chmod a+r $kimage"
command -v qemu-system-x86_64 >/dev/null 2>&1 || die "qemu-system-x86_64 not found: run scripts/setup.sh"

# --- module -----------------------------------------------------------------
mk_args=()
if [ "$no_module" = 1 ]; then
	mk_args+=(--no-module)
else
	[ -f "$module" ] || die "module $module not found: build it first (make), or pass --no-module"
	if command -v modinfo >/dev/null 2>&1; then
		vermagic=$(modinfo -F vermagic "$module" 2>/dev/null | awk '{ print $1 }')
		if [ -n "$vermagic" ] && [ -z "${kimage##/boot/vmlinuz-*}" ] && [ "$vermagic" != "$kver" ]; then
			die "$module was built for $vermagic, the guest boots $kver (use --kernel $vermagic or rebuild)"
		fi
	fi
	mk_args+=(--module "$module")
fi
[ "$no_bpftrace" = 0 ] || mk_args+=(--no-bpftrace)
[ -z "$extra_tests" ] || mk_args+=(--extra-tests "$extra_tests")
[ -z "$kselftest" ] || mk_args+=(--kselftest "$kselftest")

# --- work directory ---------------------------------------------------------
# build/vm or a private directory: see scripts/vm-workdir.sh.
if [ -z "$workdir" ]; then
	# shellcheck source=scripts/vm-workdir.sh
	. "$here/vm-workdir.sh"
	vm_workdir "$vmdir"
fi
[ -n "$logfile" ] || logfile="$workdir/last-console.log"
[ -n "$dmesgfile" ] || dmesgfile="$workdir/last-dmesg.txt"

# --- initramfs --------------------------------------------------------------
mkdir -p "$workdir" "$(dirname "$logfile")" "$(dirname "$dmesgfile")"
cmdfile="$workdir/cmd.sh"
printf '%s\n' "$cmd" >"$cmdfile"
[ -n "$cmd" ] || : >"$cmdfile"
if [ "$mode" = shell ] && [ -t 0 ]; then
	size=$(stty size 2>/dev/null || true)
	[ -z "$size" ] || mk_args+=(--tty "rows ${size% *} cols ${size#* }")
fi
initrd="$workdir/initrd.cpio"
t_start=$(date +%s.%N)
"$here/mkinitramfs.sh" -o "$initrd" --mode "$mode" --cmd-file "$cmdfile" "${mk_args[@]}" ||
	die "building the initramfs failed"
t_initrd=$(date +%s.%N)

# --- qemu command line ------------------------------------------------------
cmdline="console=ttyS0 panic=-1 oops=panic softlockup_panic=1 loglevel=4 log_buf_len=4M"
case "$movablecore $append" in
none* | *movablecore=*) ;;
*) cmdline="$cmdline movablecore=$movablecore" ;;
esac
cmdline="$cmdline${append}"

qemu=(qemu-system-x86_64 -machine "$machine" -cpu "$cpu_model"
	-m "$((mem * nodes))M"
	-smp "$cpus,sockets=$cpus,cores=1,threads=1"
	-nodefaults -no-user-config -display none -no-reboot
	-accel "${SMM_QEMU_ACCEL:-tcg,thread=single}")
for ((i = 0; i < nodes; i++)); do
	qemu+=(-object "memory-backend-ram,id=m$i,size=${mem}M"
		-numa "node,nodeid=$i,memdev=m$i")
done
for ((c = 0; c < cpus; c++)); do
	qemu+=(-numa "cpu,node-id=$((c % nodes)),socket-id=$c,core-id=0,thread-id=0")
done
# Distances: every pair i<j, 20 unless --dist says otherwise.
declare -A distance=()
for pair in ${dist//,/ }; do
	case "$pair" in
	*-*=*) ;;
	*) bad_usage "--dist wants A-B=V[,A-B=V...], got '$pair'" ;;
	esac
	a=${pair%%-*} rest=${pair#*-}
	b=${rest%%=*} v=${rest#*=}
	if ! { is_uint "$a" && is_uint "$b" && is_uint "$v" && [ "$a" -lt "$nodes" ] &&
		[ "$b" -lt "$nodes" ] && [ "$a" != "$b" ]; }; then
		bad_usage "bad --dist pair '$pair' (nodes are 0..$((nodes - 1)))"
	fi
	if [ "$a" -gt "$b" ]; then t=$a a=$b b=$t; fi
	distance["$a-$b"]=$v
done
for ((i = 0; i < nodes; i++)); do
	for ((j = i + 1; j < nodes; j++)); do
		qemu+=(-numa "dist,src=$i,dst=$j,val=${distance[$i-$j]:-20}")
	done
done
qemu+=(-kernel "$kimage" -initrd "$initrd" -append "$cmdline")
qemu+=("${qemu_extra[@]}")

log "kernel $kver ($kimage), $nodes node(s) x ${mem} MiB, $cpus cpu(s), $machine/$cpu_model"
log "cmdline: $cmdline"
[ ${#qemu_extra[@]} -eq 0 ] || log "extra qemu arguments: ${qemu_extra[*]}"

if [ "$mode" = shell ]; then
	log "interactive shell: 'poweroff' or Ctrl-D leaves, Ctrl-A x kills qemu"
	"${qemu[@]}" -serial mon:stdio || die "qemu failed (status $?)"
	exit 0
fi

# --- run ----------------------------------------------------------------------
log "booting (timeout ${timeout_s}s); console follows"
set +e
# The console goes to the log whole; on stdout the dmesg dump is replaced
# by one line unless --show-dmesg.
timeout --foreground -k 5 "$timeout_s" "${qemu[@]}" -serial stdio </dev/null 2>&1 |
	tee "$logfile" |
	awk -v show="$show_dmesg" -v f="$dmesgfile" '
		!show && /SMM-DMESG-BEGIN/ { hide = 1; print "[vm] (guest dmesg dump: " f ")"; fflush(); next }
		hide && /SMM-DMESG-END/ { hide = 0; next }
		!hide { print; fflush() }'
rcs=("${PIPESTATUS[@]}")
set -e
qrc=${rcs[0]}
t_end=$(date +%s.%N)

# Parse the console (CR LF from the serial line). The exit marker counts
# only outside the dmesg block, the last one wins.
parsed=$(tr -d '\r' <"$logfile" | awk '
	/SMM-DMESG-BEGIN/ { indm = 1; next }
	/SMM-DMESG-END/ { indm = 0; dmend = 1; next }
	indm { next }
	/SMM-INIT uptime=/ { s = $0; sub(/.*SMM-INIT uptime=/, "", s); sub(/s.*/, "", s); init = s }
	/SMM-EXIT [0-9]+/ { s = $0; sub(/.*SMM-EXIT /, "", s); sub(/[^0-9].*/, "", s); exitst = s }
	/SMM-TAINT [0-9]+/ { s = $0; sub(/.*SMM-TAINT /, "", s); sub(/[^0-9].*/, "", s); taint = s }
	END { printf "%s %s %s %s\n", (exitst == "" ? "-" : exitst), (init == "" ? "-" : init),
		(taint == "" ? "-" : taint), (dmend ? 1 : 0) }')
read -r gexit ginit gtaint gdmesg <<<"$parsed"

tr -d '\r' <"$logfile" | awk '/SMM-DMESG-BEGIN/ { on = 1; next } /SMM-DMESG-END/ { on = 0 } on' >"$dmesgfile"

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a - b }'; }
log "console log: $logfile"
[ "$gdmesg" = 1 ] && log "dmesg: $dmesgfile"
[ "$ginit" = - ] || log "guest reached /init at ${ginit}s guest uptime"
log "initramfs $(elapsed "$t_initrd" "$t_start")s, qemu $(elapsed "$t_end" "$t_initrd")s, total $(elapsed "$t_end" "$t_start")s"
[ "$gtaint" = - ] || [ "$gtaint" = 0 ] || log "kernel taint: $gtaint"

if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	log "TIMEOUT: guest killed after ${timeout_s}s (exit 124)"
	exit 124
fi
if [ "$gexit" = - ]; then
	if [ "$ginit" = - ] && [ "$qrc" != 0 ]; then
		die "qemu failed (status $qrc) before the guest ran /init"
	fi
	why=$(tr -d '\r' <"$logfile" | grep -E 'Kernel panic|BUG:|Oops|general protection|Call Trace' | head -n 5 || true)
	log "FAILED: the guest ended without an exit marker (panic/crash?) (exit 125)"
	[ -z "$why" ] || printf '%s\n' "$why" | sed 's/^/[vm]   /'
	exit 125
fi
log "command exited with status $gexit"
exit "$gexit"
