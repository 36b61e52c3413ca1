#!/bin/sh
# Installs what WeasyPrint (the yearly report's PDF renderer) needs from
# Debian when missing: Pango and HarfBuzz's subsetter (text layout, embedded
# font subsets) and the DejaVu fonts the report and its charts are set in.
set -e
missing=
for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -z "$missing" ]; then
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    SUDO=sudo
else
    SUDO=
fi
echo "Installing Debian's$missing for the PDF report..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
