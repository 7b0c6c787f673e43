#!/usr/bin/env bash
# `make demo`'s last step: the task worker in the background and the development server in
# front, so "Berekenen" in the browser is computed instead of waiting in the queue. The
# worker stops with the server (Ctrl+C, or the server ending for any reason): the trap
# stops it by its own process id, nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
HOST="${HOST:-127.0.0.1:8000}"
export DEBUG=true

# --no-reload: the worker is one process, so stopping it by its id stops it whole.
"$BIN/python" manage.py db_worker --no-reload &
worker=$!
stop_worker() {
    kill "$worker" 2>/dev/null || true
    wait "$worker" 2>/dev/null || true
}
trap stop_worker EXIT
trap 'exit 130' INT TERM

"$BIN/python" manage.py runserver "$HOST"
