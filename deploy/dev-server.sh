#!/usr/bin/env bash
# Local Temporal dev server for one-machine use: persistent SQLite under the data dir, Web UI on :8233,
# Nightshift's search attributes registered. Same as `nightshift dev`, for people who prefer the shell.
set -euo pipefail
cd "$(dirname "$0")/.."
TEMPORAL="$(bash deploy/setup/install-temporal.sh | tail -n 1)"
DATA="${NIGHTSHIFT_DATA_DIR:-.nightshift}"
mkdir -p "$DATA/temporal"
exec "$TEMPORAL" server start-dev \
  --db-filename "$DATA/temporal/dev.sqlite" --port "${TEMPORAL_PORT:-7233}" --ui-port "${TEMPORAL_UI_PORT:-8233}" \
  --search-attribute NightshiftModels=KeywordList --search-attribute NightshiftSuites=KeywordList \
  --search-attribute NightshiftStatus=Keyword --search-attribute NightshiftSweepId=Keyword
