#!/usr/bin/env bash
# Debian packages the app and its tests use; installed when missing (we run as root on CI).
# chromium: browser tests; poppler-utils: pdfsig/pdffonts/pdftotext; softhsm2 + opensc: PKCS#11
# signing tests; libnss3-tools: certutil for pdfsig's trust store; fonts-liberation: Times-metric
# serif for records; fonts-noto-core: watermark font; nginx-light + curl: the download benchmark,
# the X-Accel tests and the scale-out tests (tests/scaleout: nginx in front of several workers);
# redis-server: the message queue (the scale-out tests start and kill a private one);
# libreoffice-writer-nogui: DOCX papers converted to PDF for reading.
set -euo pipefail
packages=(chromium poppler-utils softhsm2 opensc libnss3-tools fonts-liberation fonts-noto-core nginx-light curl redis-server libreoffice-writer-nogui)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
