#!/usr/bin/env bash
# Installs the Debian packages the test suite needs and npm cannot provide: Chromium for the
# GraphiQL browser test. Safe to run twice; does nothing when they are already there.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
/usr/bin/chromium --version
