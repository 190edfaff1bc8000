#!/usr/bin/env bash
# install.sh: installs the Sportello you built (`make build`) for you alone, with
# no root rights: the program in ~/.local/bin, its icon and its entry in the
# applications menu. Run it again after a new build to update.
# install.sh --uninstall removes those three; your data stays (see the README).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${XDG_BIN_HOME:-$HOME/.local/bin}
share=$HOME/.local/share
case "${XDG_DATA_HOME:-}" in /*) share=$XDG_DATA_HOME ;; esac # as Sportello itself: relative ones are ignored
icon=$share/icons/hicolor/256x256/apps/sportello.png
entry=$share/applications/sportello.desktop

if [ "${1:-}" = "--uninstall" ]; then
	rm -f "$bin/sportello" "$icon" "$entry"
	command -v update-desktop-database >/dev/null && update-desktop-database -q "$share/applications" || true
	echo "Sportello removed; your data is still in ${share}/sportello (delete that folder to erase it)."
	exit 0
fi

[ -x build/bin/sportello ] || { echo "install.sh: build/bin/sportello is missing: run make build first" >&2; exit 1; }
if pgrep -u "$(id -u)" -x sportello >/dev/null; then
	echo "install.sh: Sportello is open; it is updated on disk and the new version starts next time."
fi
install -d "$bin" "$(dirname "$icon")" "$(dirname "$entry")"
# A new file, then a rename: a running Sportello keeps its old copy until it quits.
install -m 755 build/bin/sportello "$bin/.sportello.new" && mv -f "$bin/.sportello.new" "$bin/sportello"
convert build/appicon.png -resize 256x256 "$icon"
sed "s|^Exec=sportello|Exec=$bin/sportello|" build/linux/sportello.desktop > "$entry"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$share/applications" || true
echo "Sportello installed: $bin/sportello, and in the applications menu."
case ":$PATH:" in *":$bin:"*) ;; *) echo "($bin is not on your PATH: start Sportello from the menu, or add it.)" ;; esac
