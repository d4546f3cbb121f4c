#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ksft-config.sh - check selftests/config as the kselftest "config" file it
# is: merged onto x86_64_defconfig (scripts/kconfig/merge_config.sh, then
# olddefconfig) every CONFIG_ line and every "# implied CONFIG_" line must
# be in the final .config, and every CONFIG_ line must name an option that
# has a prompt (one a fragment can set; the others are the implied ones).
#
# Usage: scripts/ksft-config.sh [KERNEL_SOURCE_DIR]
#
# The source: the argument, else the debug lane's unpacked 6.12 tree
# (scripts/build-test-kernel.sh --print-dir), else
# /usr/src/linux-source-6.12.tar.xz unpacked into build/ksft/src/ (once).
# Configures in build/ksft/config/ (the source stays clean). The last line:
#     ksft-config: N passed, N failed
# (one check per line of the file).

set -eu

# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
smm_script ksft-config
case " $* " in *" -h "* | *" --help "*) usage; exit 0 ;; esac
die() { err "$*"; echo "ksft-config: 0 passed, 1 failed"; exit 1; }

frag=$repo/selftests/config
src=${1:-}
if [ -z "$src" ]; then
	d=$("$here/build-test-kernel.sh" --print-dir 2>/dev/null | tail -n 1) || d=""
	if [ -n "$d" ] && [ -f "$d/src/Makefile" ]; then
		src=$d/src
	else
		tarball=/usr/src/linux-source-6.12.tar.xz
		[ -r "$tarball" ] || die "no kernel source: pass one, or run scripts/setup.sh (linux-source-6.12)"
		src=$repo/build/ksft/src
		if [ ! -f "$src/Makefile" ]; then
			log "unpacking $tarball into $src"
			rm -rf "$src"
			mkdir -p "$src"
			tar xJf "$tarball" -C "$src" --strip-components=1
		fi
	fi
fi
[ -f "$src/scripts/kconfig/merge_config.sh" ] || die "$src is not a kernel source tree"
out=$repo/build/ksft/config
rm -rf "$out"
mkdir -p "$out"
log "$src: x86_64_defconfig + selftests/config"
mk() { make -s -C "$src" O="$out" "$@" >>"$out/make.log" 2>&1; }
mk x86_64_defconfig || die "defconfig failed ($out/make.log)"
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$frag" >"$out/merge.log" 2>&1 ||
	die "merge_config failed ($out/merge.log)"
mk olddefconfig || die "olddefconfig failed ($out/make.log)"

# Options with a prompt: a "config NAME" entry with a typed prompt
# (bool "...") or a prompt line, in any Kconfig file.
prompts=$out/prompts.txt
# shellcheck disable=SC2016 # $2 is awk's
find "$src" -name 'Kconfig*' -not -path '*/Documentation/*' -print0 |
	xargs -0 awk '
	/^[ \t]*(menu)?config[ \t]+[A-Za-z0-9_]+[ \t]*$/ { name = $2; next }
	/^[ \t]*(choice|endchoice|menu|endmenu|if|endif|source|comment)([ \t]|$)/ { name = ""; next }
	name != "" && /^[ \t]*(bool|tristate|int|hex|string|prompt)[ \t]+"/ { print name }' |
	sort -u >"$prompts"

pass=0
fail=0
while IFS= read -r line; do
	implied=0
	case $line in
	CONFIG_*=*) ;;
	"# implied CONFIG_"*=*) implied=1; line=${line#\# implied } ;;
	*) continue ;;
	esac
	opt=${line%%=*}
	if ! grep -qxF "$line" "$out/.config"; then
		echo "not ok $line: got $(grep -E "^$opt=|^# $opt is not set" "$out/.config" || echo nothing)"
		fail=$((fail + 1))
	elif [ "$implied" = 0 ] && ! grep -qx "${opt#CONFIG_}" "$prompts"; then
		echo "not ok $line: $opt has no prompt, a fragment cannot set it (list it as '# implied $line')"
		fail=$((fail + 1))
	else
		echo "ok $line$([ "$implied" = 0 ] || echo ' (implied)')"
		pass=$((pass + 1))
	fi
done <"$frag"
echo "ksft-config: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
