#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster on a random loopback port.
#
#   scripts/with-postgres.sh <command...>
#
# The cluster lives in a temporary folder and is removed afterwards.  As root,
# the server runs as the `postgres` system user.  When PostgreSQL cannot be
# found or started: with CI=true that is a failure; elsewhere a notice, exit 0.
set -euo pipefail

fail_or_skip() {
  if [ "${CI:-}" = "true" ]; then
    echo "ERROR: $1 (CI requires the PostgreSQL tests)" >&2
    exit 1
  fi
  echo "NOTICE: $1; skipping the PostgreSQL pass." >&2
  exit 0
}

bindir=""
if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
  bindir="$(pg_config --bindir)"
fi
if [ -z "$bindir" ]; then
  for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/initdb" ] && bindir="$candidate"
  done
fi
[ -n "$bindir" ] || fail_or_skip "PostgreSQL server binaries (initdb) not found"

tmp="$(mktemp -d /tmp/pilot06-pg.XXXXXX)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
as_pg=()
if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home "$tmp" postgres
  chown postgres "$tmp"
  as_pg=(runuser -u postgres --)
fi

cleanup() {
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

"${as_pg[@]}" "$bindir/initdb" -D "$tmp/data" -U pilot06 --auth=trust -E UTF8 --locale=C.UTF-8 >"$tmp/initdb.log" 2>&1 \
  || { cat "$tmp/initdb.log" >&2; fail_or_skip "initdb failed"; }
"${as_pg[@]}" "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w \
  -o "-h 127.0.0.1 -p $port -k $tmp -c fsync=on -c max_connections=100" start >/dev/null \
  || { cat "$tmp/server.log" >&2; fail_or_skip "PostgreSQL did not start"; }

export DATABASE_URL="postgres://pilot06@127.0.0.1:$port/postgres"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
set +e
"$@"
status=$?
set -e
exit $status
