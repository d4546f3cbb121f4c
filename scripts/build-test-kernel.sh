#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-test-kernel.sh - build a debug test kernel from Debian's
# linux-source-<series> package (or a kernel tree of your own, --source):
# `make tinyconfig` + a config fragment kept in the repo (default
# scripts/kernel/debug.config), cached outside the clone, keyed by the
# source package version (or the tree's path and kernelversion) and a
# hash of the fragment's option lines.
#
# Usage: scripts/build-test-kernel.sh [options]
#
# Options:
#   --series S       source series (default 6.12: linux-source-6.12)
#   --source DIR     build the unpacked kernel tree DIR instead (a clean
#                    tree: kbuild refuses O= builds of a tree that has its
#                    own .config; `make mrproper` there first). DIR stays
#                    where it is, and make runs on every call (it is
#                    incremental), so edits in DIR are picked up
#   --fragment FILE  config fragment (default scripts/kernel/debug.config)
#   --jobs N         make -j (default 2)
#   --print-dir      only print the cache dir the options map to (it may
#                    not be built yet) and exit
#   -h, --help       this text
#
# The cache dir, ${SHADOWMM_CACHE:-~/.cache/shadowmm}/kernel-VER-HASH/, holds
#   src/        the unpacked source (an O= build refers to it by absolute
#               path, so it stays here); not with --source
#   build/      the O= build dir: .config, vmlinux, Module.symvers; use it
#               as KDIR for out-of-tree modules (make -C build M=...)
#   bzImage     the kernel to boot (scripts/vm.sh --kernel-image)
#   release     its `uname -r` (for scripts/vm.sh --kernel)
#   build.log   the make output
#   DONE        written last: a dir without it is resumed (make is
#               incremental), never used; with --source it only records
#               the last good build
# Each dir is about 3 GB: after a build, the cache keeps the newest
# ${SHADOWMM_KEEP_KERNELS:-2} kernel-* dirs (by their DONE or lock time) and removes
# older ones no other run holds.
# Every option the fragment sets (CONFIG_X=V or "# CONFIG_X is not set") is
# checked in the final .config; the build fails naming each one dependencies
# dropped. A line ending in "# optional" is not checked.
# The last line on success is "kernel: DIR".
#
# Needs: the linux-source-S package (installed with apt-get when missing and
# running as root), bc bison flex libssl-dev libelf-dev cpio xz-utils gcc.
# Cost with -j2 under the 2-core runner: see README.rst (Kernels).

set -eu

here=$(cd "$(dirname "$0")" && pwd)
series=6.12
fragment=$here/kernel/debug.config
jobs=2
print_dir=0
source=""

usage() { awk 'NR > 3 && /^#/ { sub(/^# ?/, ""); print; next } NR > 3 { exit }' "$0"; }
log() { echo "[build-test-kernel] $*"; }
die() { echo "[build-test-kernel] error: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case $1 in
	--series) series=$2; shift 2 ;;
	--fragment) fragment=$(readlink -f "$2"); shift 2 ;;
	--source) source=$(readlink -f "$2"); shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	--print-dir) print_dir=1; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
[ -r "$fragment" ] || die "no fragment $fragment"

# The key hashes the option lines only: a comment edit costs no rebuild.
hash=$(grep -E '^CONFIG_|^# CONFIG_[A-Za-z0-9_]+ is not set' "$fragment" | sha256sum | cut -c1-12)
cache=${SHADOWMM_CACHE:-$HOME/.cache/shadowmm}
if [ -n "$source" ]; then
	if [ ! -f "$source/Makefile" ] || [ ! -d "$source/mm" ]; then
		die "--source $source is no kernel tree"
	fi
	srcdir=$source
	kv=$(make -s -C "$source" kernelversion 2>/dev/null) || die "make kernelversion failed in $source"
	pkgver="$kv at $source"
	dir=$cache/kernel-src-$kv-$(echo "$source" | sha256sum | cut -c1-8)-$hash
else
	pkg=linux-source-$series
	tarball=/usr/src/$pkg.tar.xz
	if [ ! -r "$tarball" ]; then
		[ "$print_dir" -eq 0 ] || die "$pkg is not installed"
		[ "$(id -u)" -eq 0 ] || die "$tarball missing: apt-get install $pkg"
		log "installing $pkg"
		export DEBIAN_FRONTEND=noninteractive
		# apt's lists may predate the package: one update, then again
		if ! apt-get install -y --no-install-recommends "$pkg" >/dev/null; then
			apt-get update >/dev/null || die "apt-get update failed"
			apt-get install -y --no-install-recommends "$pkg" >/dev/null ||
				die "apt-get install $pkg failed"
		fi
	fi
	pkgver=$(dpkg-query -W -f '${Version}' "$pkg" 2>/dev/null) || pkgver=$(stat -c %s-%Y "$tarball")
	dir=$cache/kernel-$(echo "$pkgver" | tr -c 'A-Za-z0-9.+\n-' _)-$hash
	srcdir=$dir/src
fi
if [ "$print_dir" -eq 1 ]; then
	echo "$dir"
	exit 0
fi
if [ -z "$source" ] && [ -f "$dir/DONE" ]; then
	log "cached: $dir ($(cat "$dir/release"))"
	echo "kernel: $dir"
	exit 0
fi

mkdir -p "$dir"
exec 9>"$dir/.lock"
flock 9
if [ -z "$source" ] && [ -f "$dir/DONE" ]; then	# another run finished it meanwhile
	echo "kernel: $dir"
	exit 0
fi
t0=$(date +%s)
elapsed() { echo "$(($(date +%s) - t0)) s"; }

if [ ! -f "$srcdir/Makefile" ]; then
	log "unpacking $tarball ($pkgver)"
	rm -rf "$dir/src" "$dir/src.tmp"
	mkdir -p "$dir/src.tmp"
	tar -xf "$tarball" -C "$dir/src.tmp" --strip-components=1
	mv "$dir/src.tmp" "$dir/src"
	log "unpacked ($(elapsed))"
fi
cp "$fragment" "$dir/fragment.config"
rm -f "$dir/DONE"

# Configure: tinyconfig, merge, olddefconfig; then check every option.
mk() { make -C "$srcdir" O="$dir/build" "$@"; }
mkdir -p "$dir/build"
mk -s tinyconfig >/dev/null
"$srcdir/scripts/kconfig/merge_config.sh" -m -O "$dir/build" "$dir/build/.config" \
	"$dir/fragment.config" >"$dir/merge.log" 2>&1 || { cat "$dir/merge.log"; die "merge_config failed"; }
mk -s olddefconfig >/dev/null
dropped=""
while IFS= read -r line; do
	case $line in *'# optional') continue ;; esac
	if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
		opt=${BASH_REMATCH[1]}
		want="$opt=${BASH_REMATCH[2]}"
		grep -qxF "$want" "$dir/build/.config" ||
			dropped="$dropped $want (got: $(grep -E "^$opt=|^# $opt is not set" "$dir/build/.config" || echo absent))
"
	elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
		opt=${BASH_REMATCH[1]}
		if grep -qE "^$opt=" "$dir/build/.config"; then
			dropped="$dropped $opt unset (got: $(grep -E "^$opt=" "$dir/build/.config"))
"
		fi
	fi
done <"$fragment"
if [ -n "$dropped" ]; then
	echo "[build-test-kernel] error: the final .config lacks these fragment options:" >&2
	printf '%s' "$dropped" | sed 's/^ */    /' >&2
	exit 1
fi
log "config ok: all $(grep -cE '^CONFIG_|^# CONFIG_.* is not set$' "$fragment") fragment options in $dir/build/.config"

log "building: bzImage modules, -j$jobs (log: $dir/build.log)"
mk -j"$jobs" bzImage modules >"$dir/build.log" 2>&1 &
pid=$!
# A progress line every 30 s: elapsed time and the last thing make did.
while kill -0 "$pid" 2>/dev/null; do
	for _ in $(seq 30); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 1
	done
	kill -0 "$pid" 2>/dev/null || break
	log "$(elapsed): $(grep -E '^\s+[A-Z]+' "$dir/build.log" | tail -n 1 | sed 's/^ *//')"
done
if ! wait "$pid"; then
	grep -E 'error|Error' "$dir/build.log" | head -n 20 >&2
	die "make failed after $(elapsed) (full log: $dir/build.log)"
fi
[ -s "$dir/build/Module.symvers" ] || die "no Module.symvers in $dir/build"
cp "$dir/build/arch/x86/boot/bzImage" "$dir/bzImage"
release=$(cat "$dir/build/include/config/kernel.release")
echo "$release" >"$dir/release"
date -u +%FT%TZ >"$dir/DONE"
log "built $release in $(elapsed)"

# Prune: the newest kept, this one always; one another run holds stays.
keep=${SHADOWMM_KEEP_KERNELS:-2}
for d in "$cache"/kernel-*; do
	[ -d "$d" ] || continue
	echo "$(stat -c %Y "$d/DONE" 2>/dev/null || stat -c %Y "$d/.lock" 2>/dev/null || echo 0) $d"
done | sort -rn | tail -n +$((keep + 1)) | while read -r _ old; do
	[ "$old" != "$dir" ] || continue
	(
		exec 8>>"$old/.lock"
		flock -n 8 || exit 0
		log "removing an older cached kernel: $old"
		rm -rf "$old"
	)
done
echo "kernel: $dir"
