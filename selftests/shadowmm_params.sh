#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Every invalid module parameter must make insmod fail, leave no module
# behind, and put a line in dmesg that names the parameter.

DIR=$(dirname "$0")
. "$DIR/lib.sh"

# "param=value|what dmesg must say"
CASES='region=bogus|invalid region=bogus
region=|invalid region=
size=0|invalid size=0
size=abc|invalid size=abc
size=3M|invalid size=3M: not a multiple
size=4M4|invalid size=4M4
size=0x|invalid size=0x
size=99999999999999999999|invalid size=
size=60G|invalid size=60G
size=64T|invalid size=64T
firmware_size=1x|invalid firmware_size=1x
firmware_size=100|invalid firmware_size=100: not a multiple
kernel_size=2G|invalid kernel_size=2G
initrd_size=-1|invalid initrd_size=-1
kernel_size=40M|boot: kernel_size=41943040 does not fit
kernel_size=40M|shadow boot failed (-12) with size=32M nodes=0 memory_model=
upto=zones|invalid upto=zones
zone_layout=flat|invalid zone_layout=flat
memory_model=vmemmap|invalid memory_model=vmemmap
section_size=3M|invalid section_size=3M: not a power of two
section_size=2M|invalid section_size=2M: smaller than
section_size=256M|invalid section_size=256M: larger than
section_size=abc|invalid section_size=abc
min_free_kbytes=64|invalid min_free_kbytes=64
min_free_kbytes=300000|invalid min_free_kbytes=300000
rmqueue_trace_size=65537|invalid rmqueue_trace_size=65537
held_max=0|invalid held_max=0: expected 1..16777216
held_max=16777217|invalid held_max=16777217: expected 1..16777216
nodes=17|invalid nodes=17
distance=10,20|invalid distance=10,20: fewer rows
distance=10,20;20,11|invalid distance=10,20;20,11: the distance of a node to itself must be 10
distance=10,10;20,10|invalid distance=10,10;20,10: a distance between two nodes must be 11..254
distance=10,255;20,10|invalid distance=10,255;20,10: a distance between two nodes must be 11..254
distance=10,20,30;20,10,30|invalid distance=10,20,30;20,10,30: a row has more values
distance=10,2x;20,10|invalid distance=10,2x;20,10: expected numbers'

ktap_print_header
ktap_set_plan "$(echo "$CASES" | wc -l)"

# A here-document, not a pipe: the loop must run in this shell so that
# ktap_finished sees its counts.
while IFS='|' read -r param msg; do
	dmesg -c >/dev/null
	if smm_load "$param" 2>/dev/null; then
		ktap_test_fail "$param: insmod succeeded"
		smm_unload
		continue
	fi
	if grep -q "^shadowmm " /proc/modules; then
		ktap_test_fail "$param: module left loaded"
	elif ! dmesg | grep -qF "shadowmm: $msg"; then
		ktap_test_fail "$param: dmesg lacks 'shadowmm: $msg'"
		dmesg | grep shadowmm | sed 's/^/# /'
	else
		ktap_test_pass "$param rejected: $msg"
	fi
done <<EOF_CASES
$CASES
EOF_CASES

ktap_finished
