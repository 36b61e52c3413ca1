#!/bin/sh
# Installs Debian's nginx (and redis-server and openssl, should the machine
# lack them) when missing: the production test puts nginx with a self-signed
# certificate in front of two app instances and its own redis-server. It runs
# its own processes with its own configuration, never the system services.
set -e
missing=
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$missing nginx"
command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
if [ -z "$missing" ]; then
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    SUDO=sudo
else
    SUDO=
fi
echo "Installing Debian's$missing for the production test..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
