#!/usr/bin/env bash
# Install the Debian packages pilot06 needs, when they are missing and we are root.
#
#   scripts/system-deps.sh               make run / make test: what runs pilot06 (fonts with full
#                                        Vietnamese and WeasyPrint's libraries for the PDFs, gettext
#                                        for translations, PostgreSQL) plus what the tests use
#                                        (poppler reads PDFs back, Chromium drives the browser tests).
#                                        Never fails the build by itself: the steps that need a
#                                        package say so when it is absent.
#   scripts/system-deps.sh --production  a server (docs/production.md): what runs pilot06, plus nginx
#                                        and python3-venv; no test tools.  Fails when apt-get fails.
#   scripts/system-deps.sh --nginx       nginx alone, without starting it (make prod-smoke).
#   add --print to any of them to list the packages instead of installing them.
set -u
mode=test
print=false
for arg in "$@"; do
  case "$arg" in
    --production) mode=production ;;
    --nginx) mode=nginx ;;
    --print) print=true ;;
    *) echo "usage: $0 [--production | --nginx] [--print]" >&2; exit 2 ;;
  esac
done

runtime=(fonts-liberation2 fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext postgresql)
case "$mode" in
  test) packages=("${runtime[@]}" poppler-utils chromium) ;;
  production) packages=("${runtime[@]}" nginx python3-venv) ;;
  nginx) packages=(nginx) ;;
esac
if $print; then
  echo "${packages[*]}"
  exit 0
fi

command -v dpkg >/dev/null 2>&1 || exit 0
want=()
for package in "${packages[@]}"; do
  if [ "$package" = postgresql ]; then
    # Any installed server version will do.
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || want+=(postgresql)
  else
    dpkg -s "$package" >/dev/null 2>&1 || want+=("$package")
  fi
done
[ ${#want[@]} -eq 0 ] && exit 0

strict=false
[ "$mode" != test ] && strict=true
if [ "$(id -u)" != "0" ]; then
  echo "NOTICE: missing system packages (${want[*]}); install them as root." >&2
  $strict && exit 1
  exit 0
fi

echo "Installing system packages: ${want[*]}"
export DEBIAN_FRONTEND=noninteractive
made_policy=false
if [ "$mode" = nginx ] && [ ! -e /usr/sbin/policy-rc.d ]; then
  # Installing nginx would start it on port 80 of every address; the smoke test runs its own.
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  made_policy=true
fi
if [ "$mode" = production ]; then
  # A server's administrator sees apt's own words when something goes wrong.
  apt-get update -qq || true
  apt-get install -y -qq --no-install-recommends "${want[@]}"
else
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null 2>&1
fi
status=$?
$made_policy && rm -f /usr/sbin/policy-rc.d
if [ $status -ne 0 ]; then
  echo "NOTICE: apt-get could not install some of: ${want[*]}" >&2
  $strict && exit 1
fi
exit 0
