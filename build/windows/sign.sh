#!/usr/bin/env bash
# sign.sh FILE: Authenticode-signs a Windows executable in place with osslsigncode.
# The certificate comes from the environment:
#   SIGN_PFX=cert.pfx [SIGN_PASS=password]                or
#   SIGN_CERT=cert.pem SIGN_KEY=key.pem [SIGN_PASS=password]
#   SIGN_TS=http://timestamp.example   (optional: a timestamp server; needs the network)
set -euo pipefail
file=$1
args=(sign -h sha256 -n "Sportello")
if [ -n "${SIGN_PFX:-}" ]; then
	args+=(-pkcs12 "$SIGN_PFX")
elif [ -n "${SIGN_CERT:-}" ] && [ -n "${SIGN_KEY:-}" ]; then
	args+=(-certs "$SIGN_CERT" -key "$SIGN_KEY")
else
	echo "sign.sh: set SIGN_PFX, or SIGN_CERT and SIGN_KEY" >&2
	exit 1
fi
[ -z "${SIGN_TS:-}" ] || args+=(-ts "$SIGN_TS")
args+=(-in "$file" -out "$file.signed")
rm -f "$file.signed"
if [ -n "${SIGN_PASS:-}" ]; then
	# Through a pipe, so the password never shows in the process list.
	osslsigncode "${args[@]}" -readpass <(printf %s "$SIGN_PASS") >/dev/null
else
	osslsigncode "${args[@]}" >/dev/null
fi
mv -f "$file.signed" "$file"
echo "signed $file"
