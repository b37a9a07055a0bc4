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
echo "Serving with gunicorn on http://${GUNICORN_BIND:-127.0.0.1:8000}/ (production settings)"
exec .venv/bin/gunicorn -c gunicorn.conf.py
