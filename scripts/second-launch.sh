#!/usr/bin/env bash
# Starts the real release build under Xvfb on a fresh data folder, then starts it
# again on the same folder: the second launch must hand over to the first (whose
# window comes forward, as its log says) and quit at once with status 0. A launch
# on another folder must open its own window.
# Usage: scripts/second-launch.sh [binary, default build/bin/sportello]
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TMPD=$tmp BIN=${1:-./build/bin/sportello}
# WebKitGTK keeps its caches under the XDG folders: keep them out of the real ones.
export XDG_DATA_HOME=$tmp/xdg-data XDG_CACHE_HOME=$tmp/xdg-cache XDG_CONFIG_HOME=$tmp/xdg-config
xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" dbus-run-session -- bash -c '
  fail() { echo "second-launch: $*"; cat "$TMPD/first.log"; kill $APP 2>/dev/null; exit 1; }
  NO_AT_BRIDGE=1 "$BIN" --data-dir "$TMPD/data" > "$TMPD/first.log" 2>&1 & APP=$!
  for i in $(seq 1 100); do
    xwininfo -root -tree 2>/dev/null | grep -q "\"Sportello\"" && break
    sleep 0.2
  done
  xwininfo -root -tree 2>/dev/null | grep -q "\"Sportello\"" || fail "no Sportello window appeared"

  # The same folder, spelled differently.
  start=$(date +%s%N)
  NO_AT_BRIDGE=1 timeout 20 "$BIN" --data-dir "$TMPD/data/" > "$TMPD/second.log" 2>&1 || fail "second launch exited with $?: $(cat "$TMPD/second.log")"
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  for i in $(seq 1 50); do grep -q "window brought forward" "$TMPD/first.log" && break; sleep 0.1; done
  grep -q "window brought forward" "$TMPD/first.log" || fail "the running Sportello was not asked to show its window"
  echo "second-launch: a second launch on the same folder handed over to the running window and quit in ${ms} ms"

  # Another folder is another workspace.
  NO_AT_BRIDGE=1 "$BIN" --data-dir "$TMPD/other" > "$TMPD/other.log" 2>&1 & OTHER=$!
  for i in $(seq 1 100); do
    [ "$(xwininfo -root -tree 2>/dev/null | grep -c "\"Sportello\"")" -ge 2 ] && break
    kill -0 $OTHER 2>/dev/null || fail "a launch on another folder quit: $(cat "$TMPD/other.log")"
    sleep 0.2
  done
  [ "$(xwininfo -root -tree 2>/dev/null | grep -c "\"Sportello\"")" -ge 2 ] || fail "a launch on another folder opened no window"
  echo "second-launch: a launch on another folder opened its own window"
  kill $OTHER $APP; wait $OTHER $APP 2>/dev/null || true'
