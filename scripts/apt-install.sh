#!/bin/sh
# apt-install.sh [--with-recommends] WHAT PACKAGE...: installs Debian's
# PACKAGEs (apt-get, through sudo unless root), saying they are for WHAT.
# The install-*.sh scripts call it with the packages they found missing.
set -e
recommends=--no-install-recommends
if [ "$1" = "--with-recommends" ]; then
    recommends=
    shift
fi
what=$1
shift
if [ "$(id -u)" != "0" ]; then
    SUDO=sudo
else
    SUDO=
fi
echo "Installing Debian's $* for $what..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $recommends "$@" >/dev/null
