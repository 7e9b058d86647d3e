#!/usr/bin/env bash
# Set up everything gridcase needs, on Debian 12 as root or on a machine that already has it.
# Idempotent: a second run checks, finds everything in place and changes nothing.
#
#   scripts/setup.sh          system packages, services, Python venv, database, migrations
#   scripts/setup.sh --test   the same, plus the headless browser the tests drive
#   scripts/setup.sh --image  only the system packages and the venv: what docker/Dockerfile runs
#
# DATABASE_URL / REDIS_URL, when set, point at existing servers and nothing is installed for them.
set -euo pipefail
cd "$(dirname "$0")/.."

export GRIDCASE_PROFILE="${GRIDCASE_PROFILE:-dev}"
export PGOPTIONS="-c client_min_messages=warning"
WITH_BROWSER=0
IMAGE=0
[[ "${1:-}" == "--test" ]] && WITH_BROWSER=1
[[ "${1:-}" == "--image" ]] && IMAGE=1
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- system packages
# fonts-noto-cjk and pango: Chinese text in PDFs (WeasyPrint) and screenshots; the PostgreSQL
# client: manage.py backup/restore.
packages=(gdal-bin fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 postgresql-client-15)
if [[ $IMAGE == 0 ]]; then
  [[ -z "${DATABASE_URL:-}" ]] && packages+=(postgresql-15 postgresql-15-postgis-3)
  [[ -z "${REDIS_URL:-}" ]] && packages+=(redis-server redis-tools)
fi
[[ $WITH_BROWSER == 1 ]] && packages+=(chromium poppler-utils)
command -v python3.11 >/dev/null || packages+=(python3.11)
python3.11 -c 'import ensurepip' 2>/dev/null || packages+=(python3.11-venv)

missing=()
for p in "${packages[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p"); done
if ((${#missing[@]})); then
  say "Installing Debian packages: ${missing[*]}"
  [[ $EUID == 0 ]] || die "installing packages needs root (or install them yourself: apt-get install ${missing[*]})"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  say "Debian packages: all present"
fi

# ---------------------------------------------------------------- Python
if [[ ! -x .venv/bin/python ]]; then
  say "Creating the Python 3.11 virtualenv in .venv"
  python3.11 -m venv .venv
fi
lock_hash=$(sha256sum requirements.lock | cut -d' ' -f1)
if [[ "$(cat .venv/.lock-hash 2>/dev/null)" != "$lock_hash" ]]; then
  say "Installing Python packages from requirements.lock"
  .venv/bin/pip install -q --disable-pip-version-check --no-deps -r requirements.lock
  echo "$lock_hash" > .venv/.lock-hash
else
  say "Python packages: up to date"
fi
[[ $IMAGE == 1 ]] && exit 0  # the image gets its database and Redis from compose

# ---------------------------------------------------------------- services
if [[ -z "${DATABASE_URL:-}" ]]; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    say "Starting PostgreSQL 15"
    pg_ctlcluster --skip-systemctl-redirect 15 main start || pg_ctlcluster 15 main start
    for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    pg_isready -q -h 127.0.0.1 -p 5432 || die "PostgreSQL did not start on 127.0.0.1:5432"
  fi
  say "PostgreSQL: running on 127.0.0.1:5432"
fi
if [[ -z "${REDIS_URL:-}" ]]; then
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    say "Starting Redis"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --dir /var/lib/redis --logfile /var/log/redis/gridcase.log
    for _ in $(seq 10); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 1; done
    redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || die "Redis did not start on 127.0.0.1:6379"
  fi
  say "Redis: running on 127.0.0.1:6379"
fi

# ---------------------------------------------------------------- database
# Run SQL as the PostgreSQL superuser: over TCP where trust allows it, else as the postgres OS user.
as_postgres() {
  if psql -h 127.0.0.1 -U postgres -d "${2:-postgres}" -XtAqc 'select 1' >/dev/null 2>&1; then
    psql -h 127.0.0.1 -U postgres -d "${2:-postgres}" -XtAqv ON_ERROR_STOP=1 -c "$1"
  else
    runuser -u postgres -- psql -d "${2:-postgres}" -XtAqv ON_ERROR_STOP=1 -c "$1"
  fi
}
if [[ -z "${DATABASE_URL:-}" ]]; then
  # A local development role. It is a superuser because the test runner creates test databases
  # and the PostGIS extension in them; production uses DATABASE_URL with a role of its own.
  if [[ "$(as_postgres "select 1 from pg_roles where rolname='gridcase'")" != 1 ]]; then
    say "Creating database role gridcase"
    as_postgres "CREATE ROLE gridcase LOGIN SUPERUSER PASSWORD 'gridcase'"
  fi
  if [[ "$(as_postgres "select 1 from pg_database where datname='gridcase'")" != 1 ]]; then
    say "Creating database gridcase"
    as_postgres "CREATE DATABASE gridcase OWNER gridcase"
  fi
  as_postgres "CREATE EXTENSION IF NOT EXISTS postgis" gridcase
else
  psql "${DATABASE_URL/#postgis:/postgresql:}" -XtAqc "CREATE EXTENSION IF NOT EXISTS postgis" \
    || die "could not create the PostGIS extension in DATABASE_URL; ask the DBA to run CREATE EXTENSION postgis"
fi
say "Database: ready, PostGIS $(psql "${DATABASE_URL:-postgresql://gridcase:gridcase@127.0.0.1:5432/gridcase}" -XtAqc 'select postgis_lib_version()' 2>/dev/null | sed 's/^postgis://')"

# ---------------------------------------------------------------- front end
# Vendored libraries are committed; npm is needed only to change them (scripts/vendor_js.sh).
[[ -f static/vendor/leaflet-1.9.4/leaflet.js ]] || die "static/vendor is incomplete: run scripts/vendor_js.sh"

say "Collecting static files"
.venv/bin/python manage.py collectstatic --noinput -v0

say "Migrating the database"
.venv/bin/python manage.py migrate --noinput -v0
