#!/usr/bin/env bash
# `make run`: the development server and the task worker together, their logs in this
# terminal; one Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
export PY

stop() {
  trap - EXIT INT TERM
  for pid in ${worker:-} ${server:-}; do
    pkill -TERM -P "$pid" 2>/dev/null || true  # the autoreloaders' children
    kill -TERM "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

# The worker's lines are marked; $! is the worker itself (not the marking sed).
scripts/worker.sh > >(sed -u 's/^/[worker] /') 2>&1 &
worker=$!
echo "Task worker running (scheduled go-live and expiry, webhooks, imports): its lines start with [worker]."
echo "Serving on http://$HOST:$PORT/ (admin: http://$HOST:$PORT/admin/). Ctrl-C stops both."
"$PY" manage.py runserver "$HOST:$PORT" &
server=$!
wait "$server"
