#!/bin/sh
# Install casekb's build and test dependencies on Debian 12 (apt-get).
# Called by make when a pkg-config check fails; safe to run again.
set -eu
PKGS="libsoup-3.0-dev curl build-essential pkg-config libglib2.0-dev libgmime-3.0-dev libjson-glib-dev libpcre2-dev
libsqlite3-dev sqlite3 libxml2-dev libcmocka-dev libfyaml-dev libopencc-dev opencc time jq
chromium fonts-noto-cjk notmuch
libcurl4-openssl-dev dovecot-imapd openssl
libytnef0-dev libuchardet-dev
libpst-dev pst-utils"
SUDO=""
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
        echo "install-deps: not root and no sudo; install these packages: $PKGS" >&2; exit 2; fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $PKGS
