#!/bin/sh
# Start one app instance without systemd: deploy/run-instance.sh ENV_FILE PORT
# (the same as the systemd unit: environment from the file, no migration).
set -eu
if [ $# -ne 2 ]; then
    echo "usage: $0 ENV_FILE PORT" >&2
    exit 1
fi
if [ ! -r "$1" ]; then
    echo "$0: cannot read $1" >&2
    exit 1
fi
set -a
. "$1"
set +a
here="$(cd "$(dirname "$0")/.." && pwd)"
exec "$here/.venv/bin/survey-engine" run --host "${SURVEY_ENGINE_HOST:-127.0.0.1}" --port "$2" \
    --workers "${SURVEY_ENGINE_WORKERS:-5}" --no-migrate
