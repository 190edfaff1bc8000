#!/usr/bin/env bash
# Launches the real release build under Xvfb on a data folder (default: a fresh
# demo workspace) and prints, as "name value unit" lines: the time from launch
# to the window being shown (it is shown once the UI has painted), and the
# resident memory of the Go process and of the whole app (with the WebKit
# processes) after it has sat idle showing the queue.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-}
args=(--demo)
if [ -z "$data" ]; then data=$(mktemp -d); trap 'rm -rf "$data"' EXIT; fi
export DATA=$data IDLE=${IDLE:-10}
xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" dbus-run-session -- bash -c '
  t0=$(date +%s%N)
  NO_AT_BRIDGE=1 ./build/bin/sportello --demo --data-dir "$DATA" > build/footprint-app.log 2>&1 & APP=$!
  for i in $(seq 1 400); do
    wid=$(xwininfo -root -tree 2>/dev/null | awk "/\"Sportello\"/{print \$1; exit}")
    [ -n "$wid" ] && xwininfo -id "$wid" 2>/dev/null | grep -q IsViewable && break
    wid=; sleep 0.02
  done
  t1=$(date +%s%N)
  [ -n "$wid" ] || { echo "footprint: no window"; kill $APP; exit 1; }
  echo "first_paint_window $(( (t1 - t0) / 1000000 )) ms"
  sleep "$IDLE"
  go_kb=$(ps -o rss= -p $APP)
  web_kb=$(ps -eo rss=,args= | awk "/WebKit(Web|Network)Process/ && !/awk/ {s+=\$1} END {print s+0}")
  echo "footprint_app_go_rss $(( go_kb / 1024 )) MiB"
  echo "footprint_app_total_rss $(( (go_kb + web_kb) / 1024 )) MiB"
  kill $APP; wait $APP 2>/dev/null || true' 2> >(grep -v -e dbus-daemon -e SpiRegistry >&2)
