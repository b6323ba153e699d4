#!/usr/bin/env bash
# Install the Debian packages pilot06 needs, when they are missing and we are root:
# PostgreSQL (tests), fonts with full Vietnamese (PDFs), poppler (PDF checks),
# Chromium (browser tests), gettext (translations).  Never fails the build by itself:
# the steps that need a package say so when it is absent.
set -u
want=()
need() { dpkg -s "$1" >/dev/null 2>&1 || want+=("$1"); }
command -v dpkg >/dev/null 2>&1 || exit 0
need fonts-liberation2
need fonts-dejavu-core
need poppler-utils
need gettext
need chromium
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || want+=(postgresql)
[ ${#want[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "NOTICE: missing system packages (${want[*]}); install them as root." >&2
  exit 0
fi
echo "Installing system packages: ${want[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null 2>&1 \
  || echo "NOTICE: apt-get could not install some of: ${want[*]}" >&2
exit 0
