#!/usr/bin/env bash
# keyring-session.sh CMD [ARG...]: runs CMD on a private D-Bus session bus with a
# throwaway GNOME Keyring (a real Secret Service, unlocked) in a temporary HOME, so
# tests exercise the real OS keychain without ever touching the person's own.
# Sets SPORTELLO_TEST_KEYCHAIN=1, which app/secrets' tests require.
set -euo pipefail

if [ "${1:-}" != "--inner" ]; then
	for tool in dbus-run-session gnome-keyring-daemon; do
		command -v "$tool" >/dev/null || { echo "keyring-session: $tool is missing (make deps installs it)" >&2; exit 1; }
	done
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	# HOME moves below: keep Go's caches and settings where they are.
	GOCACHE=$(go env GOCACHE) GOMODCACHE=$(go env GOMODCACHE) GOPATH=$(go env GOPATH) GOENV=$(go env GOENV)
	export GOCACHE GOMODCACHE GOPATH GOENV
	mkdir -p "$tmp/home" "$tmp/run"
	chmod 700 "$tmp/run"
	# XDG_RUNTIME_DIR too: the daemon keeps its control socket there, and must not
	# replace the one of a keyring the person is running.
	HOME="$tmp/home" XDG_DATA_HOME="$tmp/home/.local/share" XDG_CONFIG_HOME="$tmp/home/.config" \
		XDG_CACHE_HOME="$tmp/home/.cache" XDG_RUNTIME_DIR="$tmp/run" \
		dbus-run-session -- "$0" --inner "$@"
	exit
fi
shift

# A non-empty password: with an empty one the default collection stayed locked.
keyring_env=$(printf %s "sportello-test" | gnome-keyring-daemon --replace --unlock --components=secrets)
export $keyring_env
export SPORTELLO_TEST_KEYCHAIN=1
# The daemon quits by itself when dbus-run-session closes the bus.
exec "$@"
