#!/usr/bin/env bash
# Installs the schema validators from the npm registry (exact versions, package-lock.json)
# and validates the deployment files (validate.mjs). Run by the deploy module's test phase.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v node > /dev/null && command -v npm > /dev/null || {
  echo "deploy/validate: needs Node.js and npm (Debian packages nodejs and npm)" >&2; exit 1; }
if ! npm ci --prefix "$here" --no-audit --no-fund --loglevel=error > "$here/npm-ci.log" 2>&1; then
  cat "$here/npm-ci.log" >&2
  echo "deploy/validate: npm ci failed (the npm registry must be reachable)" >&2
  exit 1
fi
exec node "$here/validate.mjs"
