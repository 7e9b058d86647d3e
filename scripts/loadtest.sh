#!/usr/bin/env bash
# Bounded load test (issue 9): gunicorn + a Celery worker on loopback, locust headless for
# LOADTEST_SECONDS (default 90) with LOADTEST_USERS (default 40) simulated people, then a count check
# that every dispute the simulated grid workers logged is in the database. Runs on whatever the
# database holds: for the 1M-case figures, first `manage.py bench dashboards --cases 1000000 --keep`.
set -euo pipefail
cd "$(dirname "$0")/.."
export GRIDCASE_PROFILE=dev DEBUG=0 STATIC_ROOT="$PWD/var/static-prod" LOG_LEVEL=WARNING
out=var/loadtest
mkdir -p "$out"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

say "Collecting hashed static files for DEBUG=0"
.venv/bin/python manage.py collectstatic --noinput -v0
port=8055
say "Starting gunicorn (4 workers) on 127.0.0.1:$port and a Celery worker"
.venv/bin/gunicorn gridcase.wsgi --bind 127.0.0.1:$port --workers 4 --log-level warning > "$out/gunicorn.log" 2>&1 &
web=$!
.venv/bin/celery -A gridcase worker --loglevel=WARNING > "$out/worker.log" 2>&1 &
worker=$!
trap 'kill $web $worker 2>/dev/null || true' EXIT
for _ in $(seq 30); do curl -fs "http://127.0.0.1:$port/accounts/login/" >/dev/null && break; sleep 1; done

say "Running locust: ${LOADTEST_USERS:-40} users for ${LOADTEST_SECONDS:-90} s (70% grid workers, 20% mediators, 10% leaders)"
LOADTEST_LOGGED="$out/logged.txt" .venv/bin/locust -f scripts/locustfile.py --headless --host "http://127.0.0.1:$port" \
  -u "${LOADTEST_USERS:-40}" -r 10 -t "${LOADTEST_SECONDS:-90}s" --csv "$out/stats" --only-summary 2>&1 | tail -40

say "Every logged dispute in the database?"
.venv/bin/python manage.py shell -c "
from gridcase.cases.models import Case
ids = [line for line in open('$out/logged.txt').read().split() if line]
found = Case.objects.filter(client_id__in=ids).count()
print(f'logged {len(ids)}, found {found}, cases in the database {Case.objects.count():,}')
raise SystemExit(0 if found == len(ids) else 1)
"
