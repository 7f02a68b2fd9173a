#!/usr/bin/env bash
# Known vulnerabilities in the production lock (requirements/production.txt), with pip-audit.
#
# pip-audit asks the package index's vulnerability service about every pinned version, so it needs the
# network. When the service cannot be reached (offline, or only a package mirror is reachable), the audit
# is SKIPPED with a message saying why and exits 0: a network failure never fails the test command.
# Known vulnerabilities found exit 1.
#
#   DATELINE_AUDIT=0     skip it
#   AUDIT_TIMEOUT=120    seconds for the whole audit before it counts as unreachable
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${VENV:-.venv}"
if [ "${DATELINE_AUDIT:-1}" = 0 ]; then
  echo "pip-audit: SKIPPED (DATELINE_AUDIT=0)"
  exit 0
fi
if [ ! -x "$VENV/bin/pip-audit" ]; then
  echo "pip-audit: SKIPPED (not installed in $VENV; run scripts/bootstrap.sh)"
  exit 0
fi

report="$(mktemp)"
errors="$(mktemp)"
trap 'rm -f "$report" "$errors"' EXIT
status=0
# --no-deps --disable-pip: audit exactly the pinned versions of the lock, without installing anything.
timeout "${AUDIT_TIMEOUT:-120}" "$VENV/bin/pip-audit" -r requirements/production.txt --no-deps \
  --disable-pip --progress-spinner off --format json --output "$report" 2>"$errors" || status=$?

"$VENV/bin/python" - "$report" "$errors" "$status" <<'PY'
import json
import sys

report, errors, status = sys.argv[1], sys.argv[2], int(sys.argv[3])
try:
    with open(report, encoding="utf-8") as handle:
        dependencies = json.load(handle)["dependencies"]
except (OSError, ValueError, KeyError):
    dependencies = None
if dependencies is None:
    with open(errors, encoding="utf-8") as handle:
        lines = [line.strip() for line in handle if line.strip()]
    reason = "timed out" if status == 124 else (lines[-1] if lines else f"exit status {status}")
    print(f"pip-audit: SKIPPED (the vulnerability service could not be reached: {reason[:200]})")
    sys.exit(0)
audited = [d for d in dependencies if "skip_reason" not in d]
if not audited:
    print(
        f"pip-audit: SKIPPED (the vulnerability service answered for none of the {len(dependencies)} "
        "pinned packages: it is unreachable from here; CI or a machine with the network runs it)"
    )
    sys.exit(0)
vulnerable = [d for d in audited if d.get("vulns")]
for dependency in vulnerable:
    for vuln in dependency["vulns"]:
        fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
        print(f"  {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
skipped = len(dependencies) - len(audited)
note = f", {skipped} could not be audited" if skipped else ""
if vulnerable:
    print(f"pip-audit: {len(vulnerable)} of {len(audited)} packages have known vulnerabilities{note}")
    sys.exit(1)
print(f"pip-audit: {len(audited)} packages audited, no known vulnerabilities{note}")
PY
