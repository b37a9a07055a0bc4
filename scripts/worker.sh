#!/usr/bin/env bash
# The task worker of the plugin's background work (webhook deliveries, scheduled go-live and
# expiry, large admin imports): the database backend's `db_worker` by default, an RQ worker
# with its scheduler when WEBHOOKS_QUEUE=rq. Started beside the web server by scripts/run.sh
# (`make run`) and scripts/serve.sh (`make serve`); run it alone with `make worker`.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
BACKEND=${TASK_BACKEND_ALIAS:-review_pages_webhooks}

# Whatever came due while no worker ran, and the periodic sweep's chain.
"$PY" manage.py sweep_schedule
if [ "${WEBHOOKS_QUEUE:-database}" = "rq" ]; then
  exec "$PY" manage.py rqworker default --with-scheduler --job-class django_tasks_rq.backend.Job
fi
# --interval 1: a task at an exact time (an embargo) starts within about a second of it.
exec "$PY" manage.py db_worker --backend "$BACKEND" --interval 1 --no-startup-delay
