#!/usr/bin/env bash
# Bounded load tests on loopback: gunicorn (4 processes) + a Celery worker, locust headless, then a
# count check that every case the simulated clients logged is in the database. Runs on whatever the
# database holds: for the 1M-case figures, first `manage.py bench dashboards --cases 1000000 --keep`.
#
#   scripts/loadtest.sh        the realistic mix of people (issue 9): 40 users for 90 s
#   scripts/loadtest.sh api    the API benchmark (issue 8): 16 token clients for 60 s, no think time
# LOADTEST_USERS and LOADTEST_SECONDS override the numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
export GRIDCASE_PROFILE=dev DEBUG=0 STATIC_ROOT="$PWD/var/static-prod" LOG_LEVEL=WARNING
mix="${1:-site}"
out=var/loadtest
mkdir -p "$out"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
manage() { .venv/bin/python manage.py "$@"; }

case "$mix" in
  site) locustfile=scripts/locustfile.py users=${LOADTEST_USERS:-40} seconds=${LOADTEST_SECONDS:-90}
        what="70% grid workers, 20% mediators, 10% leaders" ;;
  api)  locustfile=scripts/locust_api.py users=${LOADTEST_USERS:-16} seconds=${LOADTEST_SECONDS:-60}
        what="half read one town's cases by bbox, half log a case; Bearer tokens"
        say "Issuing two API tokens valid for an hour (the town leader's to read, the grid worker's to write)"
        read -r LOADTEST_READ_TOKEN LOADTEST_WRITE_TOKEN LOADTEST_TOWN < <(manage shell -v 0 -c "
from datetime import timedelta
from gridcase.accounts.models import User
from gridcase.api.models import ApiToken
from gridcase.lib import clock
keys = []
for username, scopes in (('leader', ['read']), ('worker', ['read', 'write'])):
    token = ApiToken(user=User.objects.get(username=username), name='压测 loadtest', scopes=scopes,
                     expires_at=clock.now() + timedelta(hours=1))
    keys.append(token.issue_key())
    token.save()
print(*keys, User.objects.get(username='leader').area.code)
")
        export LOADTEST_READ_TOKEN LOADTEST_WRITE_TOKEN LOADTEST_TOWN ;;
  *) echo "usage: scripts/loadtest.sh [site|api]" >&2; exit 2 ;;
esac

say "Collecting hashed static files for DEBUG=0"
manage collectstatic --noinput -v0
port=8055
say "Starting gunicorn (4 workers) on 127.0.0.1:$port and a Celery worker"
.venv/bin/gunicorn gridcase.wsgi --bind 127.0.0.1:$port --workers 4 --log-level warning > "$out/gunicorn.log" 2>&1 &
web=$!
.venv/bin/celery -A gridcase worker --loglevel=WARNING > "$out/worker.log" 2>&1 &
worker=$!
trap 'kill $web $worker 2>/dev/null || true' EXIT
for _ in $(seq 30); do curl -fs "http://127.0.0.1:$port/accounts/login/" >/dev/null && break; sleep 1; done

say "Running locust: $users users for $seconds s ($what)"
LOADTEST_LOGGED="$out/logged.txt" .venv/bin/locust -f "$locustfile" --headless --host "http://127.0.0.1:$port" \
  -u "$users" -r 10 -t "${seconds}s" --csv "$out/stats" --only-summary 2>&1 | tail -40 || failed=1

say "Every logged case in the database?"
manage shell -v 0 -c "
from gridcase.api.models import ApiToken
from gridcase.cases.models import Case
from gridcase.lib import clock
ApiToken.objects.filter(name='压测 loadtest', revoked_at=None).update(revoked_at=clock.now())
ids = [line for line in open('$out/logged.txt').read().split() if line]
found = Case.objects.filter(client_id__in=ids).count()
print(f'logged {len(ids)}, found {found}, cases in the database {Case.objects.count():,}')
raise SystemExit(0 if found == len(ids) else 1)
"
exit "${failed:-0}"
