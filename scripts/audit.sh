#!/usr/bin/env bash
# Dependency audit: every pinned package in requirements.lock against the PyPI advisory database
# (pip-audit). Fails on a known vulnerability. Where the advisory service cannot be reached (an
# intranet build machine, a registry mirror without PyPI's JSON API) it says so plainly and does
# not pretend the packages were audited.
set -euo pipefail
cd "$(dirname "$0")/.."
report=$(mktemp)
trap 'rm -f "$report"' EXIT
status=0
.venv/bin/pip-audit -r requirements.lock --no-deps --disable-pip --progress-spinner off --format json \
  --output "$report" 2>/dev/null || status=$?
.venv/bin/python - "$report" "$status" <<'PY'
import json, sys
path, status = sys.argv[1], int(sys.argv[2])
try:
    deps = json.load(open(path))["dependencies"]
except (OSError, ValueError, KeyError):
    print(f"==> Dependency audit: pip-audit produced no report (exit {status}); not audited")
    sys.exit(0)
vulnerable = [d for d in deps if d.get("vulns")]
skipped = [d for d in deps if "skip_reason" in d]
audited = len(deps) - len(skipped)
for d in vulnerable:
    ids = ", ".join(v["id"] + (f" (fixed in {', '.join(v['fix_versions'])})" if v.get("fix_versions") else "") for v in d["vulns"])
    print(f"    {d['name']} {d['version']}: {ids}")
if vulnerable:
    print(f"==> Dependency audit: {len(vulnerable)} of {audited} audited packages have known vulnerabilities")
    sys.exit(1)
if skipped:
    print(f"==> Dependency audit: {audited} of {len(deps)} packages audited, none vulnerable; "
          f"{len(skipped)} could not be (advisory service unreachable from here: {skipped[0]['skip_reason'][:80]})")
else:
    print(f"==> Dependency audit: all {audited} packages audited, none with known vulnerabilities")
PY
