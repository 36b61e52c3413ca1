#!/bin/sh
# Installs Debian's nginx when it is missing (the production test puts it in
# front of two app instances with a self-signed certificate; it runs its own
# nginx process with its own configuration, never the system service).
set -e
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    SUDO=sudo
else
    SUDO=
fi
echo "Installing Debian's nginx for the production test..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nginx >/dev/null
