#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The debugfs files are root's alone and leak no kernel address: after a
# default load and a few ctl commands (so every view has content), every
# view under $SMM_DEBUGFS is mode 0400 and ctl 0600 (written, a command;
# read, the grammar), all owned by root:root; no
# line of a readable file holds a word shaped like a kernel virtual
# address (0xffff + 12 hex digits, or a 16-hex-digit word starting ffff);
# an unprivileged process (uid 65534 through busybox `su -s /bin/sh
# nobody`: busybox setpriv here has no --reuid, and the guest has no
# chpst) gets EACCES on every read and every write.
#
# debugfs is mounted 0700 by default, which alone would keep `nobody` out
# of every file: the test remounts it mode=0755 while it runs (restoring
# 0700), so the file modes themselves are what is tested.
#
# Each check has a positive control, so that it can fail: the address
# pattern must match two planted addresses, and `nobody` must be able to
# read a world-readable file and list $SMM_DEBUGFS.

DIR=$(dirname "$0")
. "$DIR/lib.sh"

ktap_print_header

[ -f "$SMM_KO" ] || ktap_skip_all "no module at $SMM_KO"
smm_unload
if ! smm_load; then
	ktap_skip_all "shadowmm does not load (see shadowmm_load.sh)"
fi

ktap_set_plan 9

# Content for every view: held allocations, the trace ring, events,
# histograms, a drained pcp, a memblock dump.
for c in "alloc order=0 count=16 tag=sec" "alloc order=3 count=2 tag=sec3" \
	"alloc order=1 gfp=movable tag=secm" "free tag=sec3" "drain" \
	"alloc order=2 count=3 tag=sec2"; do
	smm_ctl "$c" || ktap_print_msg "ctl '$c' failed"
done

files=$(find "$SMM_DEBUGFS" -type f | sort)
nfiles=$(echo "$files" | grep -c .)
ktap_print_msg "$nfiles files under $SMM_DEBUGFS"

# 1. the walk found the files a load creates
missing=""
for f in ctl buddyinfo allocations memblock/memory memblock/reserved zonelists events check; do
	echo "$files" | grep -qx "$SMM_DEBUGFS/$f" || missing="$missing $f"
done
if [ -z "$missing" ] && [ "$nfiles" -ge 20 ]; then
	ktap_test_pass "the walk finds every debugfs file ($nfiles)"
else
	ktap_test_fail "the walk finds every debugfs file ($nfiles)" "missing:$missing"
fi

# 2-3. modes 0400 (views) and 0600 (ctl) only, owned by root:root. One
# find each: with the slab layer there are ~870 files, and a process per
# file costs minutes under TCG. -perm N is the exact mode: ctl at 0400,
# 0200, 0644 ... fails, and so does any other file at 0600.
bad=$(find "$SMM_DEBUGFS" -type f ! -perm 400 \
	! \( -path "$SMM_DEBUGFS/ctl" -perm 600 \) | head -n 5)
ctl_mode=$(stat -c %a "$SMM_DEBUGFS/ctl")
if [ -z "$bad" ] && [ "$ctl_mode" = 600 ]; then
	ktap_test_pass "every view is mode 0400, ctl 0600"
else
	ktap_test_fail "every view is mode 0400, ctl 0600" "ctl $ctl_mode; bad: $bad"
fi
bad=$(find "$SMM_DEBUGFS" -type f \( ! -user 0 -o ! -group 0 \) | head -n 5)
if [ -z "$bad" ]; then
	ktap_test_pass "every file is owned by root:root"
else
	ktap_test_fail "every file is owned by root:root" "bad: $bad"
fi

# 4-5. kernel addresses: the pattern matches planted ones, then no file
# line matches it. A hex word is delimited by anything but [0-9a-zA-Z_].
ADDR_RE='(^|[^0-9a-zA-Z_])(0x)?ffff[0-9a-f]{12}([^0-9a-zA-Z_]|$)'
has_addr() { grep -iE "$ADDR_RE"; }
planted=$(printf 'page 0xffff888003a1c000 x\nfn=ffffffffc0a01234\nok 0x00000000ffff0000 ffff12345678\n' |
	has_addr | grep -c .)
if [ "$planted" = 2 ]; then
	ktap_test_pass "the address pattern matches planted addresses (2 of 3 lines)"
else
	ktap_test_fail "the address pattern matches planted addresses (2 of 3 lines)" "matched $planted"
fi
# every readable file (the 0400 views, ctl's grammar), read by one grep
# (-H names the file of a hit)
readable=$(find "$SMM_DEBUGFS" -type f \( -perm 400 -o -perm 600 \))
nread=$(echo "$readable" | grep -c .)
# shellcheck disable=SC2086 # one word a file: debugfs names have no blanks
hits=$(grep -HiE "$ADDR_RE" $readable 2>"/tmp/smm-sec.err" | head -n 5)
leaks=$(echo "$hits" | sed -n 's|^\([^:]*\):.*|\1|p' | sort -u | tr '\n' ' ')
[ -s /tmp/smm-sec.err ] && leaks="$leaks unreadable: $(head -n 3 /tmp/smm-sec.err)"
echo "$hits" | sed -n 's|^|# |p' | grep -v '^# $'
if [ -z "$leaks" ] && [ "$nread" -gt 0 ]; then
	ktap_test_pass "no kernel address in any of $nread readable files"
else
	ktap_test_fail "no kernel address in any of $nread readable files" "in:$leaks"
fi

# 6-9. an unprivileged process
old_mode=$(stat -c %a /sys/kernel/debug)
mount -o remount,mode=0755 /sys/kernel/debug
if ! id nobody >/dev/null 2>&1; then
	ktap_print_msg "no user nobody in /etc/passwd (scripts/mkinitramfs.sh adds it)"
fi
as_nobody() { timeout 60 su -s /bin/sh nobody -c "$1"; }

ctl_lines() { dmesg | grep -c 'shadowmm: ctl'; }

ctrl=/tmp/smm-sec-control
echo readable >"$ctrl"
chmod 0444 "$ctrl"
who=$(as_nobody "id -u; grep CapEff /proc/self/status; cat $ctrl; ls $SMM_DEBUGFS | grep -c ." 2>&1)
ktap_print_msg "as nobody: $(echo "$who" | tr '\n' ' ')"
if [ "$(echo "$who" | sed -n 1p)" = 65534 ] &&
	echo "$who" | sed -n 2p | grep -q 'CapEff:[[:space:]]*0000000000000000$' &&
	[ "$(echo "$who" | sed -n 3p)" = readable ] &&
	[ "$(echo "$who" | sed -n 4p)" -gt 0 ] 2>/dev/null; then
	ktap_test_pass "nobody runs as uid 65534, no capabilities, reads a 0444 file, lists $SMM_DEBUGFS"
else
	ktap_test_fail "nobody runs as uid 65534, no capabilities, reads a 0444 file, lists $SMM_DEBUGFS" "$who"
fi

before=$(ctl_lines)
# One line per file: "<file> <read status> <write status>", where a status
# is "denied" (EACCES) or what happened instead.
# Shell builtins only (read, echo and their redirections: no process a
# file): the shell's own open(2) is what meets the file's mode. Its error
# messages go to a directory nobody may write.
sdir=/tmp/smm-sec.$$
mkdir -p "$sdir" && chmod 777 "$sdir"
# shellcheck disable=SC2016 # expanded by nobody's shell
script='for f in $(find '"$SMM_DEBUGFS"' -type f); do
	if { read -r x <"$f"; } 2>'"$sdir"'/r; then r=READ; else
		read -r e <'"$sdir"'/r; case "$e" in *"Permission denied"*) r=denied ;; *) r="error:$e" ;; esac
	fi
	if { echo drain >"$f"; } 2>'"$sdir"'/w; then w=WROTE; else
		read -r e <'"$sdir"'/w; case "$e" in *"Permission denied"*) w=denied ;; *) w="error:$e" ;; esac
	fi
	echo "$f $r $w"
done'
res=$(as_nobody "$script" 2>&1)
after=$(ctl_lines)
rm -rf "$sdir"
mount -o remount,mode="$old_mode" /sys/kernel/debug

n=$(echo "$res" | grep -c "^$SMM_DEBUGFS/")
badr=$(echo "$res" | awk '$2 != "denied"' | head -n 5)
badw=$(echo "$res" | awk '$3 != "denied"' | head -n 5)
if [ "$n" = "$nfiles" ] && [ -z "$badr" ]; then
	ktap_test_pass "nobody gets EACCES reading each of $n files"
else
	ktap_test_fail "nobody gets EACCES reading each of $n files" "$n of $nfiles tried; $badr"
fi
if [ "$n" = "$nfiles" ] && [ -z "$badw" ]; then
	ktap_test_pass "nobody gets EACCES writing each of $n files"
else
	ktap_test_fail "nobody gets EACCES writing each of $n files" "$n of $nfiles tried; $badw"
fi
if [ "$before" = "$after" ]; then
	ktap_test_pass "nobody's writes reached no ctl command ($before ctl lines before and after)"
else
	ktap_test_fail "nobody's writes reached no ctl command" "$before ctl lines before, $after after"
fi

rm -f "$ctrl"
smm_ctl "free all" || true
smm_unload
ktap_finished
