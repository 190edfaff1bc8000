#!/usr/bin/env bash
# Opens the real release build under Xvfb on a fresh demo workspace and saves a
# screenshot of its window to build/screenshots/queue.png. Fails if the window
# never appears or the picture is blank.
set -euo pipefail
cd "$(dirname "$0")/.."
data=$(mktemp -d)
out=${1:-build/screenshots/queue.png}
mkdir -p "$(dirname "$out")"
trap 'rm -rf "$data"' EXIT
export DATA=$data OUT=$out
xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" dbus-run-session -- bash -c '
  NO_AT_BRIDGE=1 ./build/bin/sportello --demo --data-dir "$DATA" > build/screenshot-app.log 2>&1 & APP=$!
  wid=
  for i in $(seq 1 100); do
    wid=$(xwininfo -root -tree 2>/dev/null | awk "/\"Sportello\"/{print \$1; exit}")
    [ -n "$wid" ] && xwininfo -id "$wid" 2>/dev/null | grep -q "IsViewable" && break
    wid=; sleep 0.2
  done
  if [ -z "$wid" ]; then echo "screenshot: no Sportello window appeared"; cat build/screenshot-app.log; kill $APP; exit 1; fi
  sleep ${SHOT_DELAY:-6}   # let the demo sync fill the queue
  import -window "$wid" "$OUT"
  kill $APP; wait $APP 2>/dev/null || true'
sd=$(convert "$out" -format '%[fx:standard_deviation]' info:)
echo "screenshot: $out (pixel standard deviation $sd)"
awk -v s="$sd" 'BEGIN{exit !(s > 0.05)}' || { echo "screenshot: the window looks blank"; exit 1; }
