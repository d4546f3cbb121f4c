#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ksft.sh - the shadowmm selftests under the kernel's own kselftest
# machinery (make ksft): installed with the kernel tree's lib.mk, run in
# the guest by the installed run_kselftest.sh.
#
# Usage: scripts/ksft.sh [vm-test.sh options] [TEST...]
#
#   1. The kselftest framework of /usr/src/linux-source-6.1.tar.xz
#      (tools/testing/selftests/{Makefile,lib.mk,run_kselftest.sh,
#      kselftest/} and scripts/subarch.include, what its install needs) is
#      unpacked once into build/ksft/linux/.
#   2. selftests/ (without unit/ and tools/) is copied to
#      tools/testing/selftests/shadowmm/ there, as a kselftest directory is
#      kept in a kernel tree.
#   3. `make -C tools/testing/selftests TARGETS=shadowmm install` (lib.mk,
#      rsync) writes build/ksft/install/: run_kselftest.sh, kselftest/,
#      kselftest-list.txt, shadowmm/. Every test must be listed there and
#      installed executable, or this fails.
#   4. scripts/vm-test.sh --kselftest build/ksft/install boots the guest and
#      runs run_kselftest.sh -t shadowmm:TEST for each test (the TAP is
#      read as for run_guest.sh; the last line is vm-test.sh's
#      "vm-test: N passed, N failed, N skipped").
#
# Options and TEST names are vm-test.sh's (--kernel, --module, ...).
#
# Exit status: vm-test.sh's; 1 when the install fails.

set -eu

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
smm_script ksft
die() { err "$*"; exit 1; }
case " $* " in *" -h "* | *" --help "*) usage; exit 0 ;; esac

tarball=${SMM_KSFT_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
tree=$repo/build/ksft/linux
sel=$tree/tools/testing/selftests
inst=$repo/build/ksft/install

command -v rsync >/dev/null 2>&1 || die "rsync not found (lib.mk installs with it): run scripts/setup.sh"
[ -r "$tarball" ] || die "$tarball not found: run scripts/setup.sh (linux-source-6.1)"

# 1. the framework, once per tarball
stamp="$(stat -c '%s %Y' "$tarball") $tarball"
if [ ! -f "$tree/.smm-stamp" ] || [ "$(cat "$tree/.smm-stamp")" != "$stamp" ]; then
	log "unpacking the kselftest framework of $tarball"
	rm -rf "$tree"
	mkdir -p "$tree"
	top=$(tar tJf "$tarball" | head -n 1 | cut -d/ -f1)
	tar xJf "$tarball" -C "$tree" --strip-components=1 \
		"$top/tools/testing/selftests/Makefile" \
		"$top/tools/testing/selftests/lib.mk" \
		"$top/tools/testing/selftests/run_kselftest.sh" \
		"$top/tools/testing/selftests/kselftest" \
		"$top/scripts/subarch.include"
	echo "$stamp" >"$tree/.smm-stamp"
fi

# 2. our directory in the tree
rm -rf "$sel/shadowmm"
mkdir -p "$sel/shadowmm"
copy_selftests "$sel/shadowmm"

# 3. install, and check what it installed
rm -rf "$inst"
log "make -C $sel TARGETS=shadowmm install"
make -s -C "$sel" TARGETS=shadowmm KSFT_INSTALL_PATH="$inst" install >"$repo/build/ksft/install.log" 2>&1 ||
	{ cat "$repo/build/ksft/install.log" >&2; die "kselftest install failed (build/ksft/install.log)"; }
n=0
for t in "$repo"/selftests/shadowmm_*.sh; do
	b=$(basename "$t")
	grep -qx "shadowmm:$b" "$inst/kselftest-list.txt" || die "$b is not in the installed kselftest-list.txt"
	[ -x "$inst/shadowmm/$b" ] || die "$b installed without its executable bit (git mode 100755?)"
	n=$((n + 1))
done
for f in lib.sh settings; do
	[ -f "$inst/shadowmm/$f" ] || die "$f not installed (TEST_FILES in selftests/Makefile)"
done
log "installed $n tests in $inst"

# 4. the guest
exec "$here/vm-test.sh" --kselftest "$inst" "$@"
