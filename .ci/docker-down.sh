#!/usr/bin/env bash
# Stops the Docker engine that docker-up.sh started, found by the pidfile it wrote (whichever run
# started it). An engine docker-up.sh did not start (one already answering on the socket, e.g. a
# developer's own) has no pidfile there and keeps running. Safe to run twice.
set -euo pipefail

PIDFILE=/tmp/ecs-ship-dockerd.pid
WAIT_SECONDS=30

if [[ ! -s "${PIDFILE}" ]]; then
    echo "docker-down: no engine started by docker-up.sh; nothing to stop"
    exit 0
fi

pid=$(cat "${PIDFILE}")
if kill -0 "${pid}" 2>/dev/null; then
    # SIGTERM lets dockerd stop its containers and its managed containerd cleanly.
    kill -TERM "${pid}"
    for _ in $(seq 1 $((WAIT_SECONDS * 2))); do
        kill -0 "${pid}" 2>/dev/null || break
        sleep 0.5
    done
    if kill -0 "${pid}" 2>/dev/null; then
        echo "docker-down: dockerd ${pid} still running after ${WAIT_SECONDS} s; sending SIGKILL" >&2
        kill -KILL "${pid}"
    fi
fi
rm -f "${PIDFILE}"
echo "docker-down: engine stopped"
