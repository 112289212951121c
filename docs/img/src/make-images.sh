#!/bin/sh
# Remake the pictures of docs/timeline-views.md from a build of pcisim:
#   docs/img/src/make-images.sh build/pcisim
# gtkwave-pds-race.png: a real GTKWave window (Debian packages gtkwave, xvfb, x11-apps
# for xwd, imagemagick), headless on a virtual X display.
# perfetto-dpc.svg: the Perfetto file drawn by perfetto_svg.py (not Perfetto's UI).
set -eu
PCISIM=$(realpath "$1")
cd "$(dirname "$0")"
tmp=$(mktemp -d)
"$PCISIM" simulate ../../../scenarios/pds-migration-race.yaml --quiet --vcd "$tmp/race.vcd" >/dev/null
"$PCISIM" simulate ../../../scenarios/aer-dpc-containment.yaml --quiet --perfetto "$tmp/dpc.json" >/dev/null

python3 perfetto_svg.py "$tmp/dpc.json" ../perfetto-dpc.svg --from 999000 --to 1140000 \
	--threads 'pcie.0/rp|linux/aer|run' \
	--title "pcisim simulate scenarios/aer-dpc-containment.yaml --perfetto: 0.999 s to 1.140 s (drawn from the JSON)"

disp=:$((90 + $$ % 100))
Xvfb "$disp" -screen 0 1100x420x24 >/dev/null 2>&1 &
xvfb=$!
sleep 2
(cd "$tmp" && DISPLAY=$disp exec gtkwave race.vcd --script "$OLDPWD/gtkwave.tcl" >/dev/null 2>&1) &
gtk=$!
sleep 6
DISPLAY=$disp xwd -root -silent >"$tmp/shot.xwd"
kill "$gtk" "$xvfb"
/usr/bin/convert "$tmp/shot.xwd" -colors 64 ../gtkwave-pds-race.png
rm -rf "$tmp"
ls -l ../gtkwave-pds-race.png ../perfetto-dpc.svg
