#!/usr/bin/env bash
# Installs the Debian packages the test suite needs and npm cannot provide: Chromium for the
# GraphiQL browser test and redis-server for the several-replica tests. Does nothing when they
# are already there.
#   --if-possible  warn instead of failing when it cannot install (no root, no apt): `npm test`
#                  runs it this way before the suite; CI runs it strictly.
set -euo pipefail
lenient=false
[ "${1:-}" = "--if-possible" ] && lenient=true

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-dejavu-core)
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
  if ! { $SUDO apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
    if $lenient; then
      echo "warning: could not install ${missing[*]}; the GraphiQL browser and replica tests will fail (run: sudo bash scripts/install-test-deps.sh)" >&2
      exit 0
    fi
    exit 1
  fi
fi
/usr/bin/chromium --version
/usr/bin/redis-server --version
