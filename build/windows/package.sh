#!/usr/bin/env bash
# package.sh: cross-builds build/bin/sportello.exe (windows/amd64, GUI, with its
# icon, manifest and version information) and its per-user installer
# build/bin/sportello-amd64-installer.exe. `make windows` runs it after
# installing what it needs (nsis, go-winres) and building the frontend.
#
# Environment: VERSION (the version people see; make passes `git describe`),
# GOWINRES (the go-winres command), and optionally a certificate to sign both
# files with osslsigncode (see sign.sh): SIGN_PFX [SIGN_PASS], or SIGN_CERT +
# SIGN_KEY [SIGN_PASS]; SIGN_TS to timestamp.
set -euo pipefail
cd "$(dirname "$0")/../.."
win=build/windows
exe=build/bin/sportello.exe
installer=build/bin/sportello-amd64-installer.exe
: "${VERSION:?set VERSION}" "${GOWINRES:=go-winres}"

# Windows wants four numbers: v1.2.3 plus N commits gives 1.2.3.N; before the
# first release tag, wails.json's productVersion plus the commit count.
if d=$(git describe --tags --long --match 'v[0-9]*' 2>/dev/null) &&
	[[ $d =~ ^v([0-9]+)\.([0-9]+)\.([0-9]+).*-([0-9]+)-g[0-9a-f]+$ ]]; then
	version4="${BASH_REMATCH[1]}.${BASH_REMATCH[2]}.${BASH_REMATCH[3]}.${BASH_REMATCH[4]}"
else
	base=$(sed -n 's/.*"productVersion": *"\([0-9]*\.[0-9]*\.[0-9]*\)".*/\1/p' wails.json)
	version4="${base:-0.0.0}.$(git rev-list --count HEAD 2>/dev/null || echo 0)"
fi

signing=
if [ -n "${SIGN_PFX:-}" ] || { [ -n "${SIGN_CERT:-}" ] && [ -n "${SIGN_KEY:-}" ]; }; then
	signing=1
fi

# The icon, from the one picture every platform uses.
if [ ! -s $win/icon.ico ] || [ build/appicon.png -nt $win/icon.ico ]; then
	convert build/appicon.png -background none -define icon:auto-resize=256,128,64,48,32,24,16 $win/icon.ico
fi

# Icon, manifest and version information go into the program through a .syso
# object that `go build` links for windows/amd64 only; it is removed after.
syso=rsrc_windows_amd64.syso
trap 'rm -f "$syso"' EXIT
"$GOWINRES" make --in $win/winres.json --arch amd64 --out rsrc \
	--product-version "$version4 ($VERSION)" --file-version "$version4"
# The same flags as `make cross`, so the build cache serves both.
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build -tags desktop,production \
	-ldflags "-X main.version=$VERSION -w -s -H windowsgui" -o $exe .
rm -f "$syso"
[ -z "$signing" ] || $win/sign.sh $exe

webview2=$(go list -m -f '{{.Dir}}' github.com/wailsapp/wails/v2)/internal/webview2runtime/MicrosoftEdgeWebview2Setup.exe
defines=(-DVERSION="$VERSION" -DVERSION4="$version4" -DEXE="$PWD/$exe" -DICON="$PWD/$win/icon.ico"
	-DPNG="$PWD/build/appicon.png" -DWEBVIEW2="$webview2" -DOUTFILE="$PWD/$installer")
[ -z "$signing" ] || defines+=(-DSIGN="$PWD/$win/sign.sh")
makensis -V2 -WX "${defines[@]}" $win/installer/sportello.nsi

# Check what was made.
file $exe $installer
file -b $exe | grep -q '^PE32+ executable (GUI) x86-64' || { echo "package.sh: $exe is not a 64-bit Windows GUI program" >&2; exit 1; }
file -b $installer | grep -q '^PE32+ executable (GUI) x86-64' || { echo "package.sh: $installer is not a 64-bit Windows GUI program" >&2; exit 1; }
if command -v 7z >/dev/null; then
	listing=$(7z l $installer)
	for f in sportello.exe sportello.png uninstall.exe; do
		grep -q " $f\$" <<<"$listing" || { echo "package.sh: $installer does not hold $f" >&2; exit 1; }
	done
fi
if [ -n "$signing" ]; then
	sig=$(mktemp)
	for f in $exe $installer; do
		rm -f "$sig"
		osslsigncode extract-signature -in $f -out "$sig" >/dev/null || { echo "package.sh: $f is not signed" >&2; exit 1; }
		if osslsigncode verify -in $f ${SIGN_CERT:+-CAfile "$SIGN_CERT"} >/dev/null 2>&1; then
			echo "$f: signed, signature verified"
		else
			echo "$f: signed, but the certificate does not lead to a CA this machine trusts"
		fi
	done
	rm -f "$sig"
fi
ls -l $exe $installer
echo "version $VERSION ($version4)"
