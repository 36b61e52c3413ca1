#!/bin/sh
# Installs what WeasyPrint (the yearly report's PDF renderer) needs from
# Debian when missing: Pango and HarfBuzz's subsetter (text layout, embedded
# font subsets) and the DejaVu fonts the report and its charts are set in.
set -e
missing=
for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
    sh "$(dirname "$0")/apt-install.sh" "the PDF report" $missing
fi
