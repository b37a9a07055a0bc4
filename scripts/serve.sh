#!/usr/bin/env bash
# `make serve`: the production stack on this machine — production settings, whitenoise's
# compressed hashed static files, gunicorn with 2 workers on 127.0.0.1:8000.
# Plain HTTP locally, so HTTPS redirects and secure-only cookies are turned off here; a real
# deployment leaves them on (see README "Deploying").
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}

if [ -z "${SECRET_KEY:-}" ]; then
  if [ ! -s .secret_key ]; then
    "$PY" -c "import secrets; print(secrets.token_urlsafe(50))" > .secret_key
    chmod 600 .secret_key
  fi
  SECRET_KEY=$(cat .secret_key)
fi
export SECRET_KEY
export DJANGO_SETTINGS_MODULE=reviewsite.settings.production
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
export SECURE_SSL_REDIRECT=${SECURE_SSL_REDIRECT:-0}
export SECURE_COOKIES=${SECURE_COOKIES:-0}
export SECURE_HSTS_SECONDS=${SECURE_HSTS_SECONDS:-0}
# Without object storage the production settings serve MEDIA_ROOT's posters (SERVE_MEDIA).
export WAGTAILADMIN_BASE_URL=${WAGTAILADMIN_BASE_URL:-http://${GUNICORN_BIND:-127.0.0.1:8000}}

"$PY" manage.py migrate --noinput
"$PY" manage.py createcachetable  # the workers' shared cache when there is no REDIS_URL
"$PY" manage.py collectstatic --noinput -v0
# gunicorn and, beside it, the task worker (scripts/worker.sh; WORKER=0: none, e.g. for the
# benchmarks). One Ctrl-C (or a TERM to this script) stops both.
stop() {
  trap - EXIT INT TERM
  for pid in ${worker:-} ${server:-}; do
    pkill -TERM -P "$pid" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM
if [ "${WORKER:-1}" != "0" ]; then
  PY="$PY" scripts/worker.sh > >(sed -u 's/^/[worker] /') 2>&1 &
  worker=$!
  echo "Task worker running (scheduled go-live and expiry, webhooks, imports): its lines start with [worker]."
fi
echo "Serving with gunicorn on http://${GUNICORN_BIND:-127.0.0.1:8000}/ (production settings)"
.venv/bin/gunicorn -c gunicorn.conf.py &
server=$!
wait "$server"
