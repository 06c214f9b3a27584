#!/usr/bin/env bash
# Topology smoke: the production arrangement of README "Running at scale" on this machine — two gunicorn processes on
# two ports, one `manage.py db_worker`, one PostgreSQL database, one Redis (a private redis-server on a free port) as
# the shared cache, files on a shared folder — with DEBUG off. .ci/topology_smoke.py then asks one process for an
# export and downloads it through the other, and hits the directory export's rate limit through both.
#
# Environment (all optional): TOPOLOGY_TEMPLATE_DB, a database holding the demo to copy (else migrate, load_regions
# and seed_demo here); TOPOLOGY_SKIP_STATIC=1 when translations and static files were just built in this checkout;
# TOPOLOGY_DB (qiyue_ci_topology); TOPOLOGY_PORT_A, TOPOLOGY_PORT_B, TOPOLOGY_REDIS_PORT (free ports by default). Everything started here is stopped on exit, whatever happens; the whole run is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."

PG=postgres://postgres@127.0.0.1:5432
DB="${TOPOLOGY_DB:-qiyue_ci_topology}"
free_port() { .venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT_A="${TOPOLOGY_PORT_A:-$(free_port)}"
PORT_B="${TOPOLOGY_PORT_B:-$(free_port)}"
REDIS_PORT="${TOPOLOGY_REDIS_PORT:-$(free_port)}"
WORK="$(mktemp -d /tmp/qiyue-topology.XXXXXX)"
LIMIT=4
PIDS=()

cleanup() {
  status=$?
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 30); do # up to 15 s for all of them together, then the rest is killed
    alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.5
  done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$status" -ne 0 ]; then
    for log in "$WORK"/*.log; do [ -f "$log" ] && { echo "---- $log" >&2; tail -n 40 "$log" >&2; }; done
  fi
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ENV=(DEBUG=0 "SECRET_KEY=ci-topology-smoke-$(printf '%064d' 0 | tr 0 t)" ALLOWED_HOSTS=127.0.0.1
  SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0
  "DATABASE_URL=$PG/$DB" "CACHE_URL=redis://127.0.0.1:$REDIS_PORT/0" "MEDIA_ROOT=$WORK/media"
  EXPORT_BACKGROUND_THRESHOLD=1 "DIRECTORY_EXPORTS_PER_MINUTE=$LIMIT")
run() { env "${ENV[@]}" timeout 300 "$@"; }

started=$SECONDS
psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB"
if [ -n "${TOPOLOGY_TEMPLATE_DB:-}" ]; then
  psql "$PG/postgres" -qc "CREATE DATABASE $DB TEMPLATE ${TOPOLOGY_TEMPLATE_DB}"
  run .venv/bin/python manage.py migrate --noinput -v0
else
  psql "$PG/postgres" -qc "CREATE DATABASE $DB"
  run .venv/bin/python manage.py migrate --noinput -v0
  run .venv/bin/python manage.py load_regions >/dev/null
  run .venv/bin/python manage.py seed_demo >/dev/null
fi
if [ -z "${TOPOLOGY_SKIP_STATIC:-}" ] || [ ! -f staticfiles/staticfiles.json ]; then
  run .venv/bin/python manage.py compile_translations >/dev/null
  run .venv/bin/python manage.py collectstatic --noinput -v0
fi
echo "database $DB ready in $((SECONDS - started)) s"

# env replaces itself with each program, so $! is the program itself (gunicorn's master, the worker, redis).
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
env "${ENV[@]}" .venv/bin/gunicorn config.wsgi --bind "127.0.0.1:$PORT_A" --workers 2 --timeout 60 --graceful-timeout 5 \
  >"$WORK/gunicorn-a.log" 2>&1 &
PIDS+=($!)
env "${ENV[@]}" .venv/bin/gunicorn config.wsgi --bind "127.0.0.1:$PORT_B" --workers 2 --timeout 60 --graceful-timeout 5 \
  >"$WORK/gunicorn-b.log" 2>&1 &
PIDS+=($!)
env "${ENV[@]}" .venv/bin/python manage.py db_worker --no-startup-delay --no-reload --interval 0.5 \
  >"$WORK/db-worker.log" 2>&1 &
PIDS+=($!)

for port in "$PORT_A" "$PORT_B"; do
  for attempt in $(seq 60); do
    curl -fsS -o /dev/null --max-time 20 "http://127.0.0.1:$port/accounts/login/" 2>/dev/null && break
    [ "$attempt" -eq 60 ] && { echo "gunicorn on port $port did not answer within 60 s" >&2; exit 1; }
    sleep 1
  done
done
redis-cli -p "$REDIS_PORT" ping >/dev/null
for pid in "${PIDS[@]}"; do kill -0 "$pid"; done # every process started here is still up

timeout 150 .venv/bin/python .ci/topology_smoke.py "http://127.0.0.1:$PORT_A" "http://127.0.0.1:$PORT_B" \
  "redis://127.0.0.1:$REDIS_PORT/0" "$LIMIT"
grep -q "api.exports.build_export" "$WORK/db-worker.log" || {
  echo "the db_worker's log does not name the export task" >&2
  exit 1
}
echo "topology smoke done in $((SECONDS - started)) s"
