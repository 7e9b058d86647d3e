#!/usr/bin/env bash
# Run gridcase with the demo county: web server, Celery worker and Celery beat. Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
export GRIDCASE_PROFILE="${GRIDCASE_PROFILE:-dev}"
HOST="${HOST:-127.0.0.1}" PORT="${PORT:-8000}"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

say "Loading the demo county (宿城区)"
.venv/bin/python manage.py load_demo

mkdir -p var/log
say "Starting the Celery workers (default and bulk queues) and beat (logs in var/log/)"
.venv/bin/celery -A gridcase worker --loglevel=INFO --concurrency=2 -n default@%h >var/log/worker.log 2>&1 &
worker=$!
.venv/bin/celery -A gridcase worker --loglevel=INFO --concurrency=1 -Q bulk -n bulk@%h >var/log/bulk.log 2>&1 &
bulk=$!
.venv/bin/celery -A gridcase beat --loglevel=INFO >var/log/beat.log 2>&1 &
beat=$!
trap 'kill $worker $bulk $beat 2>/dev/null; wait 2>/dev/null' EXIT INT TERM

cat <<MSG

  gridcase is running at  http://$HOST:$PORT/
  Health:                 http://$HOST:$PORT/healthz
  Log in as: admin | leader | mediator | cadre | worker | adviser  (and the same with 2, in 耿车镇)
  Two years of demo cases are being built by the worker in the background (progress: var/log/bulk.log).
  Password:  gridcase-demo        Ctrl-C stops the server, worker and beat.

MSG
.venv/bin/python manage.py runserver --noreload "$HOST:$PORT"
