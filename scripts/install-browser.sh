#!/bin/sh
# Installs Debian's chromium and chromium-driver when they are missing (the
# browser tests drive the system browser; nothing is downloaded by a test tool).
set -e
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    exit 0
fi
sh "$(dirname "$0")/apt-install.sh" --with-recommends "the browser tests" chromium chromium-driver
