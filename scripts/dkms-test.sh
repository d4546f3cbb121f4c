#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-test.sh - check that `dkms build` accepts dkms.conf and builds the
# module against the installed headers ($KERNEL, default scripts/kver.sh).
# Runs in a private dkms and source tree under build/, so the machine's own
# dkms state is never touched.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
kver=${KERNEL:-$("$top/scripts/kver.sh")}
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
work=$top/build/dkms
src=$work/source/shadowmm-$ver

rm -rf "$work"
mkdir -p "$src" "$work/tree"
# What a release tarball would hold: the tracked build inputs.
(cd "$top" && cp -r Kbuild Makefile dkms.conf include src debugfs "$src/")

echo "[dkms] dkms build shadowmm/$ver for $kver"
if ! dkms --dkmstree "$work/tree" --sourcetree "$work/source" \
	build -m shadowmm -v "$ver" -k "$kver" >"$work/dkms.log" 2>&1; then
	cat "$work/dkms.log"
	find "$work/tree" -name make.log -exec cat {} +
	echo "[dkms] FAILED"
	exit 1
fi
ko=$(find "$work/tree/shadowmm/$ver/$kver" -name 'shadowmm.ko*' | head -n 1)
if [ -z "$ko" ]; then
	cat "$work/dkms.log"
	echo "[dkms] FAILED: dkms build produced no shadowmm.ko"
	exit 1
fi
echo "[dkms] ok: ${ko#"$top"/}"
