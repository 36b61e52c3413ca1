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
if [ -n "$missing" ]; then
    sh "$(dirname "$0")/apt-install.sh" "the production test" $missing
fi
