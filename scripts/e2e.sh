#!/usr/bin/env bash
# Runs the real app (dev build: window.go bound over a websocket to the real Go
# services) under Xvfb with a fresh demo workspace, and drives it with headless
# Chromium (playwright-core + Debian's chromium) through e2e/run.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
data=$(mktemp -d)
log=build/e2e-app.log
mkdir -p build/screenshots
trap 'rm -rf "$data"' EXIT
export PORT=$port DATA=$data LOG=$log
# Development builds save exports here (and read template imports from here) instead of
# opening native file dialogs, which a browser cannot drive (app/desktop/dialog_testhook_dev.go).
export SPORTELLO_E2E_EXPORT_DIR=$data/exports
mkdir -p "$SPORTELLO_E2E_EXPORT_DIR"
# The desktop's notification service: records each native notification the app
# shows, as a JSON line, to $DATA/notifications.jsonl (E2E_NOTIFICATIONS below).
go build -o build/bin/notifyd ./e2e/notifyd
# The session has a real Secret Service (a throwaway, unlocked GNOME Keyring:
# scripts/keyring-session.sh), so connecting an account stores its token for real.
go build -o build/bin/graphsimd ./e2e/graphsimd
xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" scripts/keyring-session.sh bash -c '
  ./build/bin/notifyd -out "$DATA/notifications.jsonl" & NOTIFYD=$!
  for i in $(seq 1 50); do [ -e "$DATA/notifications.jsonl" ] && break; sleep 0.1; done
  if [ ! -e "$DATA/notifications.jsonl" ]; then echo "e2e: notifyd did not take org.freedesktop.Notifications"; kill $NOTIFYD 2>/dev/null; exit 1; fi
  NO_AT_BRIDGE=1 devserver=127.0.0.1:$PORT assetdir=frontend/dist ./build/bin/sportello-dev --demo --data-dir "$DATA" > "$LOG" 2>&1 & APP=$!
  up=
  for i in $(seq 1 150); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/" && up=1 && break; sleep 0.2; done
  if [ -z "$up" ]; then echo "e2e: the app did not start; its log:"; cat "$LOG"; kill $APP $NOTIFYD 2>/dev/null; exit 1; fi
  E2E_NOTIFICATIONS="$DATA/notifications.jsonl" E2E_URL="http://127.0.0.1:$PORT/" node e2e/run.mjs; rc=$?
  kill $APP; wait $APP 2>/dev/null
  kill $NOTIFYD; wait $NOTIFYD 2>/dev/null
  if [ $rc -ne 0 ]; then echo "e2e: app log (last 40 lines):"; tail -40 "$LOG"; fi
  exit $rc'
