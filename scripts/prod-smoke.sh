#!/usr/bin/env bash
# make prod-smoke: the production recipe (docs/production.md, deploy/) run on this machine,
# on loopback only, then checked through nginx over HTTPS.
#
# It installs nginx from Debian when missing (scripts/system-deps.sh --nginx), starts a
# throwaway PostgreSQL (scripts/with-postgres.sh), creates the two roles with
# deploy/postgres/roles.sql, migrates as the owner and serves as the application role.
# gunicorn, the worker and the daily backup run with the command lines of deploy/systemd/,
# nginx with deploy/nginx/pilot06.conf and a self-signed certificate, manage.py through
# deploy/pilot06-manage.  The shipped files are used as they are, except for:
#   * paths: /srv/pilot06/app → this checkout; /srv/pilot06, /etc/pilot06, /run/pilot06,
#     /var/backups/pilot06, /var/cache/pilot06 → folders of a temporary directory;
#   * nginx's listen lines → 127.0.0.1 and free ports, server_name → localhost;
#   * pilot06-manage's RUN_AS → the user running this script (no pilot06 system user here);
#   * the environment file: deploy/pilot06.env with this run's secrets, database and host
#     appended (later lines win), e-mail to the console, and a 20-row threshold so that a
#     report goes through the worker.
# Everything it started is stopped at the end, whatever happened.
#
# When nginx or PostgreSQL cannot be had: with CI=true a failure, elsewhere a notice.
set -euo pipefail
umask 022  # nginx's workers (www-data) read the static files and the socket's folder
cd "$(dirname "$0")/.."
ROOT="$PWD"
PY="$ROOT/.venv/bin/python"

skip() {
  if [ "${CI:-}" = "true" ]; then
    echo "ERROR: prod-smoke: $1" >&2
    exit 1
  fi
  echo "NOTICE: prod-smoke skipped: $1" >&2
  exit 0
}

if [ "${1:-}" != "--inside" ]; then
  export PATH="$PATH:/usr/sbin:/sbin"
  command -v nginx >/dev/null 2>&1 || bash scripts/system-deps.sh --nginx || true
  command -v nginx >/dev/null 2>&1 || skip "nginx is not installed (run as root to install it from Debian)"
  command -v openssl >/dev/null 2>&1 || skip "openssl is not installed"
  command -v psql >/dev/null 2>&1 || skip "psql is not installed"
  exec bash scripts/with-postgres.sh bash "$0" --inside
fi

# ---------------------------------------------------------------- inside: PostgreSQL is up
SUPER_URL="$DATABASE_URL"
unset DATABASE_URL
PG_PORT="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.urlsplit(sys.argv[1]).port)' "$SUPER_URL")"
T="$(mktemp -d /tmp/pilot06-smoke.XXXXXX)"
chmod 755 "$T"
mkdir -p "$T"/{srv/private,srv/static,etc/tls,run,backups,cache,nginx}
SECONDS=0
step() { printf '%-5s %-14s %s  [%ss]\n' "$1" "$2" "$3" "$SECONDS"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
secret() { python3 -c 'import secrets; print(secrets.token_urlsafe('"$1"'))'; }

WEB_PID="" WORKER_PID="" NGINX_CONF="$T/nginx/nginx.conf"
# Each service runs in a process group of its own (setsid), led by the PID recorded here:
# TERM to the group as systemd would, then KILL whatever is left after gunicorn's grace time.
stop_app() {
  local pid
  for pid in $WEB_PID $WORKER_PID; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in $WEB_PID $WORKER_PID; do
    for _ in $(seq 400); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  WEB_PID="" WORKER_PID=""
}
cleanup() {
  status=$?
  stop_app
  if [ -f "$T/nginx/nginx.pid" ]; then
    nginx -p "$T/nginx" -c "$NGINX_CONF" -e "$T/nginx/error.log" -s quit 2>/dev/null || true
    for _ in $(seq 50); do [ -f "$T/nginx/nginx.pid" ] || break; sleep 0.1; done
  fi
  if [ $status -ne 0 ]; then
    for log in web worker nginx/error; do
      [ -s "$T/$log.log" ] && { echo "---- $log.log (tail)"; tail -n 30 "$T/$log.log"; }
    done
  fi
  rm -rf "$T"
  echo "stop  everything     gunicorn, worker and nginx stopped; PostgreSQL stops next (with-postgres.sh)"
  exit $status
}
trap cleanup EXIT

# The shipped file with this machine's paths (see the header).
render() {
  sed -e "s#/srv/pilot06/app#$ROOT#g" -e "s#/srv/pilot06#$T/srv#g" -e "s#/etc/pilot06#$T/etc#g" \
      -e "s#/run/pilot06#$T/run#g" -e "s#/var/backups/pilot06#$T/backups#g" \
      -e "s#/var/cache/pilot06#$T/cache#g" "$1"
}
# KEY= lines of a unit, with its paths and with systemd's $$ and %% undone.
unit() { render "deploy/systemd/$1" | sed -n "s/^$2=//p" | sed -e 's/\$\$/$/g' -e 's/%%/%/g'; }

# Run a unit's ExecStart as systemd would: its environment file, Environment= lines and folder.
# Call it in a subshell (& or $(…)): it replaces that shell, so $! is the service's own PID.
run_unit() {
  local name="$1"
  set -a
  # shellcheck source=/dev/null
  . "$T/etc/pilot06.env"
  while IFS= read -r assignment; do export "${assignment?}"; done < <(unit "$name" Environment)
  set +a
  cd "$(unit "$name" WorkingDirectory)"
  exec setsid bash -c "exec $(unit "$name" ExecStart)"
}

# ---------------------------------------------------------------- 1. database and roles
OWNER_PW="$(secret 18)" APP_PW="$(secret 18)" DEMO_PW="$(secret 12)"
psql "$SUPER_URL" -q -v ON_ERROR_STOP=1 -v owner_password="$OWNER_PW" -v app_password="$APP_PW" \
  -f deploy/postgres/roles.sql >/dev/null
step ok roles "deploy/postgres/roles.sql: database pilot06, roles pilot06_owner and pilot06_app"

# ---------------------------------------------------------------- 2. configuration
HTTPS_PORT="$(free_port)" HTTP_PORT="$(free_port)"
{
  render deploy/pilot06.env
  echo "# ---- prod-smoke's own values"
  echo "DJANGO_SECRET_KEY=$(secret 50)"
  echo "DJANGO_ALLOWED_HOSTS=localhost"
  echo "DATABASE_URL=postgres://pilot06_app:$APP_PW@127.0.0.1:$PG_PORT/pilot06"
  echo "PILOT06_BASE_URL=https://localhost:$HTTPS_PORT"
  echo "EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend"
  echo "PILOT06_REPORT_SYNC_MAX_ROWS=20"
} >"$T/etc/pilot06.env"
echo "DATABASE_URL=postgres://pilot06_owner:$OWNER_PW@127.0.0.1:$PG_PORT/pilot06" >"$T/etc/owner.env"
chmod 600 "$T/etc/owner.env"
render deploy/pilot06-manage | sed "s/^RUN_AS=pilot06\$/RUN_AS=$(id -un)/" >"$T/pilot06-manage"
chmod 755 "$T/pilot06-manage"
manage() { "$T/pilot06-manage" "$@"; }

refusal="$(set -a; . "$T/etc/pilot06.env"; PILOT06_TRUSTED_PROXY_COUNT=0 "$PY" manage.py check 2>&1 || true)"
grep -q "redirected to HTTPS again, forever" <<<"$refusal" \
  || { echo "$refusal" | tail -5; echo "FAIL  refusal: PILOT06_TRUSTED_PROXY_COUNT=0 was not refused"; exit 1; }
step ok refusal "the same configuration with PILOT06_TRUSTED_PROXY_COUNT=0 refuses to start"

# ---------------------------------------------------------------- 3. the release steps
manage --root compilemessages -v0 --ignore=.venv
manage --root collectstatic --noinput -v0
manage --owner migrate --noinput -v0
manage --owner dbshell -- -q -v ON_ERROR_STOP=1 -f deploy/postgres/grants.sql >/dev/null
manage check --deploy --fail-level WARNING >/dev/null
step ok release "compilemessages, collectstatic, migrate as owner, grants.sql, check --deploy as app"
for table in approvals_auditentry documents_issueddocument; do
  denied="$(manage dbshell -- -tA -c "SELECT has_table_privilege('$table', 'UPDATE') OR has_table_privilege('$table', 'DELETE')")"
  [ "$denied" = "f" ] || { echo "FAIL  grants: the application role may UPDATE or DELETE $table"; exit 1; }
done
step ok grants "pilot06_app: INSERT and SELECT only on approvals_auditentry and documents_issueddocument"
manage seed_demo --password "$DEMO_PW" --force >/dev/null
step ok data "seed_demo as the application role: $(manage shell -v 0 -c 'from workflows.models import PilotModel; print(PilotModel.objects.count())') models"

# ---------------------------------------------------------------- 4. the services
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost" \
  -keyout "$T/etc/tls/privkey.pem" -out "$T/etc/tls/fullchain.pem" 2>/dev/null
WANT_WORKERS="${WEB_CONCURRENCY:-$("$PY" -c 'import multiprocessing; print(2 * multiprocessing.cpu_count() + 1)')}"
start_app() {
  : >"$T/web.log"
  : >"$T/worker.log"
  run_unit pilot06-web.service >>"$T/web.log" 2>&1 &
  WEB_PID=$!
  run_unit pilot06-worker.service >>"$T/worker.log" 2>&1 &
  WORKER_PID=$!
  for _ in $(seq 300); do
    [ -S "$T/run/gunicorn.sock" ] && [ "$(grep -c "Booting worker" "$T/web.log")" -ge "$WANT_WORKERS" ] && break
    kill -0 "$WEB_PID" 2>/dev/null || { echo "FAIL  gunicorn exited"; exit 1; }
    sleep 0.2
  done
  [ -S "$T/run/gunicorn.sock" ] || { echo "FAIL  gunicorn did not listen"; exit 1; }
}
start_app
workers="$(grep -c "Booting worker" "$T/web.log")"
step ok gunicorn "$workers workers (2 × CPUs + 1 unless WEB_CONCURRENCY) on the unit's socket; db_worker running"

render deploy/nginx/pilot06.conf | sed \
  -e "s/listen 443 ssl http2;/listen 127.0.0.1:$HTTPS_PORT ssl http2;/" \
  -e "s/listen 80;/listen 127.0.0.1:$HTTP_PORT;/" -e '/listen \[::\]/d' \
  -e "s/server_name pilot06.example.gov.vn;/server_name localhost;/" >"$T/nginx/pilot06.conf"
if grep -E '^\s*listen' "$T/nginx/pilot06.conf" | grep -qv '127\.0\.0\.1:'; then
  echo "FAIL  nginx site: a listen line was not moved to loopback"; exit 1
fi
user_line=""
[ "$(id -u)" = 0 ] && id www-data >/dev/null 2>&1 && user_line="user www-data;"
cat >"$NGINX_CONF" <<EOF
$user_line
worker_processes 1;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log;
events { worker_connections 128; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log $T/nginx/access.log;
    client_body_temp_path $T/nginx/body;
    proxy_temp_path $T/nginx/proxy;
    fastcgi_temp_path $T/nginx/fastcgi;
    uwsgi_temp_path $T/nginx/uwsgi;
    scgi_temp_path $T/nginx/scgi;
    include $T/nginx/pilot06.conf;
}
EOF
nginx -q -t -p "$T/nginx" -c "$NGINX_CONF" -e "$T/nginx/error.log"
nginx -p "$T/nginx" -c "$NGINX_CONF" -e "$T/nginx/error.log"
step ok nginx "deploy/nginx/pilot06.conf on 127.0.0.1:$HTTPS_PORT (HTTPS) and :$HTTP_PORT, self-signed certificate"

# ---------------------------------------------------------------- 5. through nginx
checks() { "$PY" scripts/prod_smoke.py "$1" --port "$HTTPS_PORT" --http-port "$HTTP_PORT" \
  --cafile "$T/etc/tls/fullchain.pem" --password "$DEMO_PW" --web-log "$T/web.log" --worker-log "$T/worker.log"; }
checks checks

verified="$(manage verify_audit)"
[[ "$verified" == OK* ]] || { echo "FAIL  verify_audit: $verified"; exit 1; }
step ok verify_audit "$verified"

# ---------------------------------------------------------------- 6. backup, change, restore
backup_line="$(run_unit pilot06-backup.service 2>&1)"
backup_file="$(ls "$T"/backups/pilot06-*.backup)"
head_at_backup="$(sed -n 's/.*audit head \([0-9]*\) \([0-9a-f]*\)$/\2/p' <<<"$backup_line")"
[ -n "$head_at_backup" ] || { echo "FAIL  backup: $backup_line"; exit 1; }
step ok backup "pilot06-backup.service as the application role: $(basename "$backup_file"), head ${head_at_backup:0:16}…"
checks act
moved="$(manage verify_audit)"
[ "${moved##* }" != "$head_at_backup" ] || { echo "FAIL  the action after the backup did not move the head"; exit 1; }
stop_app
restored="$(manage --owner restore "$backup_file" --yes | tail -n 1)"
manage --owner dbshell -- -q -v ON_ERROR_STOP=1 -f deploy/postgres/grants.sql >/dev/null
[ "${restored##* }" = "$head_at_backup" ] || { echo "FAIL  restore: $restored, backup head $head_at_backup"; exit 1; }
step ok restore "web and worker stopped, restore as owner: $restored (the backup's head; a later action undone)"
start_app
checks login >/dev/null
after="$(manage verify_audit)"
[ "${after##* }" = "$head_at_backup" ] || { echo "FAIL  after restart: $after"; exit 1; }
step ok restart "web and worker again: login through nginx, verify_audit $after"
step PASS prod-smoke "every check passed in ${SECONDS}s"
