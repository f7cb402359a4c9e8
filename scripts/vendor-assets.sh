#!/usr/bin/env bash
# Copy the pinned npm front-end assets into static/vendor/ (no CDN: tablets in a
# government network have no internet). Idempotent: the target is rebuilt each run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NM="$ROOT/node_modules"
OUT="$ROOT/static/vendor"

die() { echo "vendor-assets: $*" >&2; exit 1; }

[ -d "$NM" ] || die "node_modules/ is missing in $ROOT — run 'npm ci' first."

need() {
  [ -e "$NM/$1" ] || die "node_modules/$1 is missing — run 'npm ci' (package.json pins it)."
}

need socket.io-client/dist/socket.io.esm.min.js
need pdfjs-dist/build/pdf.mjs
need pdfjs-dist/build/pdf.worker.mjs
need pdfjs-dist/cmaps
need pdfjs-dist/standard_fonts
need axe-core/axe.min.js
need @fontsource/be-vietnam-pro/files
need libsodium/dist/modules-esm/libsodium.mjs
need libsodium-wrappers/dist/modules-esm/libsodium-wrappers.mjs

# Build into a temporary directory and swap it in, so a failed run never leaves a half tree.
mkdir -p "$ROOT/static"
TMP="$(mktemp -d "$ROOT/static/.vendor.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

mkdir -p "$TMP/socket.io" "$TMP/pdfjs" "$TMP/axe" "$TMP/fonts/be-vietnam-pro" "$TMP/libsodium"

cp "$NM/socket.io-client/dist/socket.io.esm.min.js" "$TMP/socket.io/"
cp "$NM/pdfjs-dist/build/pdf.mjs" "$NM/pdfjs-dist/build/pdf.worker.mjs" "$TMP/pdfjs/"
cp -R "$NM/pdfjs-dist/cmaps" "$NM/pdfjs-dist/standard_fonts" "$TMP/pdfjs/"
cp "$NM/axe-core/axe.min.js" "$TMP/axe/"
# libsodium (secret ballots are sealed on the tablet): the wrappers import the bare name
# "libsodium"; browsers without a bundler need the relative file instead.
cp "$NM/libsodium/dist/modules-esm/libsodium.mjs" "$TMP/libsodium/"
sed 's#from *"libsodium"#from"./libsodium.mjs"#' \
  "$NM/libsodium-wrappers/dist/modules-esm/libsodium-wrappers.mjs" > "$TMP/libsodium/libsodium-wrappers.mjs"
grep -q 'from"./libsodium.mjs"' "$TMP/libsodium/libsodium-wrappers.mjs" || die "libsodium-wrappers: import not rewritten"
cp "$NM/libsodium-wrappers/LICENSE" "$TMP/libsodium/LICENSE" 2>/dev/null || true

count=0
for subset in vietnamese latin latin-ext; do
  for weight in 400 500 600 700; do
    f="$NM/@fontsource/be-vietnam-pro/files/be-vietnam-pro-$subset-$weight-normal.woff2"
    [ -f "$f" ] || die "font file missing: $f"
    cp "$f" "$TMP/fonts/be-vietnam-pro/"
    count=$((count + 1))
  done
done
cp "$NM/@fontsource/be-vietnam-pro/LICENSE" "$TMP/fonts/be-vietnam-pro/LICENSE" 2>/dev/null || true

rm -rf "$OUT"
mkdir -p "$(dirname "$OUT")"
mv "$TMP" "$OUT"
chmod 755 "$OUT"
trap - EXIT

echo "vendor-assets: static/vendor ready (socket.io, pdf.js, axe-core, libsodium, $count font files)"
