#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh - build the shadowmm guest initramfs.
#
# Usage:
#   scripts/mkinitramfs.sh [options] -o OUT.cpio
#
# Options:
#   -o, --output FILE   where to write the initramfs (required)
#   --module PATH       module to put at /lib/shadowmm/shadowmm.ko
#                       (default: $SMM_MODULE, else <repo>/shadowmm.ko)
#   --no-module         no module in the image (nothing required)
#   --no-bpftrace       leave bpftrace, kmod and bash (the cached part) out
#   --mode run|shell    what /init does (default run), see scripts/vm-init.sh
#   --cmd-file FILE     file copied to /etc/smm/cmd.sh: the guest command
#   --tty "rows R cols C"   terminal size for the interactive shell
#   --extra-tests DIR   also copy DIR's files into /lib/shadowmm/selftests/
#                       (over the repo's; default $SMM_EXTRA_TESTS)
#   --kselftest DIR     copy DIR, a kselftest install tree (scripts/ksft.sh:
#                       run_kselftest.sh, kselftest/, shadowmm/), to
#                       /lib/shadowmm/kselftest/, and the host's GNU
#                       timeout to /usr/bin/timeout (the kernel's runner
#                       calls `timeout --foreground`, which busybox's
#                       lacks); needs the cached part (its libc)
#
# OUT is two uncompressed newc cpio archives, concatenated (the kernel
# unpacks both):
#   1. a cached archive with bpftrace, kmod (+ insmod/rmmod/lsmod/modinfo/
#      modprobe links in /usr/sbin), bash, every library `ldd` lists for them
#      and the dynamic loader. Kept under ${SHADOWMM_CACHE:-$HOME/.cache/shadowmm}
#      and keyed on path + size + mtime of the programs and their libraries:
#      built once (~200 MB, LLVM), reused afterwards.
#   2. a small archive rebuilt on every call: static busybox (its links are
#      made by /init with `busybox --install -s`), /init, /etc/smm/{mode,
#      cmd.sh,tty}, /lib/modules/REL/extra/shadowmm.ko (+ modules.dep;
#      /lib/shadowmm/shadowmm.ko links to it), /lib/shadowmm/selftests/
#      (<repo>/selftests without unit/), /lib/shadowmm/bpftrace/*.bt
#      (<repo>/scripts/bpftrace/*.bt), /lib/shadowmm/record
#      (<repo>/scripts/record), /usr/bin/NAME for each
#      <repo>/selftests/tools/NAME.c (gcc -static, cached in build/tools/).
#
# Exit status: 0 on success, 1 on any error (message on stderr).

set -eu

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
cache_format=1 # bump when the cached archive's layout changes

out=""
module="${SMM_MODULE:-$repo/shadowmm.ko}"
need_module=1
with_bpftrace=1
mode=run
cmd_file=""
tty_size=""
extra_tests="${SMM_EXTRA_TESTS:-}"
kselftest=""

die() { echo "[initramfs] error: $*" >&2; exit 1; }
log() { echo "[initramfs] $*"; }

while [ $# -gt 0 ]; do
	case "$1" in
	-o | --output) out=${2:?}; shift 2 ;;
	--module) module=${2:?}; shift 2 ;;
	--no-module) need_module=0; shift ;;
	--no-bpftrace) with_bpftrace=0; shift ;;
	--mode) mode=${2:?}; shift 2 ;;
	--cmd-file) cmd_file=${2:?}; shift 2 ;;
	--tty) tty_size=${2:?}; shift 2 ;;
	--extra-tests) extra_tests=${2:?}; shift 2 ;;
	--kselftest) kselftest=${2:?}; shift 2 ;;
	-h | --help) awk 'NR > 3 && /^#/ { sub(/^# ?/, ""); print; next } NR > 3 { exit }' "$0"; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
done
[ -n "$out" ] || die "missing -o OUT.cpio"
case "$mode" in run | shell) ;; *) die "--mode must be run or shell" ;; esac
if [ -n "$kselftest" ]; then
	[ -x "$kselftest/run_kselftest.sh" ] ||
		die "--kselftest $kselftest: no run_kselftest.sh there (scripts/ksft.sh installs one)"
	[ "$with_bpftrace" = 1 ] || die "--kselftest needs the cached part (GNU timeout's libc): no --no-bpftrace"
fi
for t in cpio ldd find sort md5sum; do
	command -v "$t" >/dev/null 2>&1 || die "'$t' not found: run scripts/setup.sh"
done

# ---------------------------------------------------------------------------
# Libraries of an ELF program, one absolute path a line: every word of ldd's
# output that starts with '/' (covers "lib => /path (addr)" and the loader's
# "/lib64/ld-linux-x86-64.so.2 (addr)"). Plain awk field splitting: mawk has
# no \s. Fails on "not found".
ldd_paths() {
	local o
	o=$(ldd "$1" 2>&1) || die "ldd $1 failed: $o"
	if echo "$o" | grep -q 'not found'; then
		die "ldd $1: $(echo "$o" | grep 'not found' | tr -s ' \t' ' ')"
	fi
	echo "$o" | awk '{ for (i = 1; i <= NF; i++) if (substr($i, 1, 1) == "/") print $i }'
}

# "path size mtime" of a file, following symlinks.
stat_line() { echo "$1 $(stat -L -c '%s %Y' "$1")"; }

# Copy a host file to the same absolute path under a staging root, following
# symlinks (the guest gets plain files; merged-/usr symlinks are not needed).
stage_copy() { # ROOT HOSTPATH [GUESTPATH]
	local dst=$1${3:-$2}
	mkdir -p "$(dirname "$dst")"
	cp -L "$2" "$dst"
}

# Write a newc archive of a staging directory, entries sorted, owned by root.
write_cpio() { # DIR OUT
	(cd "$1" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc -R 0:0 --quiet) >"$2"
}

# ---------------------------------------------------------------------------
# 1. The cached part.
cached=""
if [ "$with_bpftrace" = 1 ]; then
	bpftrace_bin=$(command -v bpftrace) || die "bpftrace not found: run scripts/setup.sh"
	kmod_bin=$(command -v kmod) || die "kmod not found: run scripts/setup.sh"
	bash_bin=$(command -v bash)
	progs="$bpftrace_bin $kmod_bin $bash_bin"

	loader=/lib64/ld-linux-x86-64.so.2
	cache_dir="${SHADOWMM_CACHE:-${HOME:-/tmp}/.cache/shadowmm}"
	libs_file="$cache_dir/initramfs-tools.libs"

	# Key: path, size and mtime of the programs and of every library. The
	# library list of the last build is kept beside the archive, so a run
	# that finds its archive needs no ldd; a changed or missing file
	# changes the key, and then ldd runs.
	cache_key() { # FILES...
		{ echo "format=$cache_format"; stat -L -c '%n %s %Y' "$@"; } | md5sum | cut -c1-16
	}
	key=""
	if [ -s "$libs_file" ]; then
		# shellcheck disable=SC2046,SC2086 # paths hold no blanks
		key=$(cache_key $progs $(cat "$libs_file") 2>/dev/null) || key=""
	fi
	if [ -z "$key" ] || [ ! -s "$cache_dir/initramfs-tools-$key.cpio" ]; then
		libs=$(for p in $progs; do ldd_paths "$p"; done
			if [ -e "$loader" ]; then echo "$loader"; fi)
		libs=$(echo "$libs" | LC_ALL=C sort -u)
		echo "$libs" | grep -qx "$loader" || die "dynamic loader $loader missing from the library list"
		# shellcheck disable=SC2086 # one path a line, no blanks
		key=$(cache_key $progs $libs)
		mkdir -p "$cache_dir"
		echo "$libs" >"$libs_file"
	else
		libs=$(cat "$libs_file")
	fi
	cached="$cache_dir/initramfs-tools-$key.cpio"

	if [ -s "$cached" ]; then
		log "cached part: $cached (reused)"
	else
		log "cached part: building $cached (bpftrace + $(echo "$libs" | wc -l) libraries, once)"
		t0=$(date +%s%N)
		mkdir -p "$cache_dir"
		stage=$(mktemp -d "$cache_dir/stage.XXXXXX")
		trap 'rm -rf "$stage"' EXIT
		for f in $libs; do stage_copy "$stage" "$f"; done
		stage_copy "$stage" "$bpftrace_bin" /usr/bin/bpftrace
		stage_copy "$stage" "$kmod_bin" /usr/bin/kmod
		stage_copy "$stage" "$bash_bin" /bin/bash
		mkdir -p "$stage/usr/sbin"
		for l in insmod rmmod lsmod modinfo modprobe depmod; do
			ln -s ../bin/kmod "$stage/usr/sbin/$l"
		done
		write_cpio "$stage" "$cached.tmp.$$"
		mv -f "$cached.tmp.$$" "$cached"
		rm -rf "$stage"
		trap - EXIT
		# Drop archives of older bpftrace/library versions.
		for old in "$cache_dir"/initramfs-tools-*.cpio; do
			[ "$old" = "$cached" ] || rm -f "$old"
		done
		t1=$(date +%s%N)
		log "cached part: $(du -m "$cached" | cut -f1) MB in $(((t1 - t0) / 1000000)) ms"
	fi
fi

# ---------------------------------------------------------------------------
# 2. The per-run part.
busybox_bin=$(command -v busybox) || die "busybox not found: run scripts/setup.sh (busybox-static)"
if ldd "$busybox_bin" >/dev/null 2>&1; then
	die "$busybox_bin is dynamically linked: install busybox-static"
fi

if [ "$need_module" = 0 ]; then
	module=""
else
	[ -f "$module" ] || die "module $module not found: build it first (make), or pass --no-module"
fi

outdir=$(dirname "$out")
mkdir -p "$outdir"
root="$outdir/initramfs-root"
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,root,etc/smm} \
	"$root/lib/shadowmm/selftests" "$root/lib/shadowmm/bpftrace"

cp "$busybox_bin" "$root/bin/busybox"
cp "$here/vm-init.sh" "$root/init"
chmod 755 "$root/init" "$root/bin/busybox"
echo "$mode" >"$root/etc/smm/mode"
if [ -n "$cmd_file" ]; then
	cp "$cmd_file" "$root/etc/smm/cmd.sh"
else
	: >"$root/etc/smm/cmd.sh"
fi
[ -z "$tty_size" ] || echo "$tty_size" >"$root/etc/smm/tty"
# nobody: the unprivileged user of selftests/shadowmm_security.sh (su)
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
	'nobody:x:65534:65534:nobody:/:/bin/sh' >"$root/etc/passwd"
printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$root/etc/group"

if [ -n "$module" ]; then
	# Installed as a kernel's module is, under the release it was built
	# for (its vermagic: the guest's uname -r), with modules.dep, so
	# that perf report names its functions and modprobe finds it; the
	# path the tests insmod, /lib/shadowmm/shadowmm.ko, links there.
	rel=$(modinfo -F vermagic "$module" | cut -d' ' -f1)
	[ -n "$rel" ] || die "$module: no vermagic"
	mkdir -p "$root/lib/modules/$rel/extra"
	cp "$module" "$root/lib/modules/$rel/extra/shadowmm.ko"
	ln -s "../modules/$rel/extra/shadowmm.ko" "$root/lib/shadowmm/shadowmm.ko"
	depmod -b "$root" "$rel" 2>/dev/null ||
		echo "extra/shadowmm.ko:" >"$root/lib/modules/$rel/modules.dep"
	# what shadowmm_load.sh holds MODULE_VERSION to
	cp "$repo/dkms.conf" "$root/lib/shadowmm/dkms.conf"
	mod_note="module $module ($rel)"
else
	mod_note="no module"
fi
if [ -d "$repo/selftests" ]; then
	copy_selftests "$root/lib/shadowmm/selftests"
fi
if [ -n "$extra_tests" ]; then
	[ -d "$extra_tests" ] || die "--extra-tests $extra_tests is not a directory"
	tar -C "$extra_tests" --exclude='./.*' -cf - . | tar -C "$root/lib/shadowmm/selftests" -xf -
fi
find "$root/lib/shadowmm/selftests" -name '*.sh' -exec chmod 755 {} +
# The guest's C helpers (selftests/tools/NAME.c -> /usr/bin/NAME), static,
# built into build/tools/ when the source is newer.
for src in "$repo"/selftests/tools/*.c; do
	[ -e "$src" ] || continue
	bin="$repo/build/tools/$(basename "$src" .c)"
	if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
		mkdir -p "$repo/build/tools"
		gcc -static -O2 -Wall -Wextra -Werror -o "$bin.tmp.$$" "$src" ||
			die "cannot build $src (gcc -static: libc6-dev)"
		mv -f "$bin.tmp.$$" "$bin"
	fi
	cp "$bin" "$root/usr/bin/"
done
# scripts/record (the sampler make demo runs), beside the selftests'
# lib.sh it sources
cp "$repo/scripts/record" "$root/lib/shadowmm/record"
chmod 755 "$root/lib/shadowmm/record"
for bt in "$repo"/scripts/bpftrace/*.bt; do
	if [ -e "$bt" ]; then cp "$bt" "$root/lib/shadowmm/bpftrace/"; fi
done
if [ -n "$kselftest" ]; then
	# modes kept: the runner runs what is executable
	mkdir -p "$root/lib/shadowmm/kselftest"
	tar -C "$kselftest" -cf - . | tar -C "$root/lib/shadowmm/kselftest" -xpf -
	# before /init's `busybox --install -s`, which keeps existing files
	timeout_bin=$(command -v timeout) || die "GNU timeout not found (coreutils)"
	stage_copy "$root" "$timeout_bin" /usr/bin/timeout
fi

small="$outdir/initramfs-run.cpio"
write_cpio "$root" "$small"

# 3. Concatenate. OUT.base records which cached archive OUT starts with:
# when it still matches, OUT is cut back to that prefix and only the small
# archive is appended (no 200 MB copy on every run).
if [ -n "$cached" ]; then
	csize=$(stat -c %s "$cached")
	stamp="$cached $csize $(stat -c %Y "$cached")"
	if [ -f "$out" ] && [ -f "$out.base" ] && [ "$(cat "$out.base")" = "$stamp" ] &&
		[ "$(stat -c %s "$out")" -ge "$csize" ]; then
		truncate -s "$csize" "$out"
	else
		rm -f "$out.base" "$out"
		cp --reflink=auto "$cached" "$out"
		echo "$stamp" >"$out.base"
	fi
	cat "$small" >>"$out"
else
	rm -f "$out.base"
	cp "$small" "$out"
fi
log "$out ready ($mode, $mod_note$([ -n "$cached" ] || echo ', no bpftrace'))"
